//! Deployment packages through `aws-sdk-lambda`: unzipping stays off the server's async
//! workers, the same code is stored once, and the total is capped.

use aws_sdk_lambda::primitives::Blob;
use aws_sdk_lambda::types::FunctionCode;
use s3lambda::sim::{Config, Server, Simulator};

use crate::common::{self, sim_get};

const ROLE: &str = "arn:aws:iam::000000000000:role/lambda-role";

/// Writes a deflate stream bit by bit (RFC 1951: fields LSB first, Huffman codes MSB first).
#[derive(Default)]
struct Bits {
    out: Vec<u8>,
    acc: u64,
    n: u32,
}

impl Bits {
    fn field(&mut self, value: u32, len: u32) {
        self.acc |= u64::from(value) << self.n;
        self.n += len;
        while self.n >= 8 {
            self.out.push(self.acc as u8);
            self.acc >>= 8;
            self.n -= 8;
        }
    }

    fn code(&mut self, code: u32, len: u32) {
        self.field(code.reverse_bits() >> (32 - len), len);
    }

    fn literal(&mut self, byte: u8) {
        // Fixed Huffman: literals 0-143 are 8-bit codes from 0x30.
        self.code(0x30 + u32::from(byte), 8);
    }

    fn finish(mut self) -> Vec<u8> {
        if self.n > 0 {
            self.out.push(self.acc as u8);
        }
        self.out
    }
}

/// A zip holding `handler.wasm`: the wasm magic followed by `zeros` zero bytes, deflated as
/// runs of 258 (a zip bomb: it inflates about 160-fold per byte of stream, 13 bits per 258
/// bytes). Written by hand so building it costs no compression time.
fn bomb(zeros: usize) -> Vec<u8> {
    let mut bits = Bits::default();
    bits.field(1, 1); // BFINAL
    bits.field(1, 2); // fixed Huffman codes
    for b in b"\0asm\0" {
        bits.literal(*b);
    }
    let runs = (zeros - 1) / 258;
    for _ in 0..runs {
        bits.code(0b1100_0101, 8); // length code 285: 258 bytes
        bits.code(0, 5); // distance code 0: 1 byte back
    }
    for _ in 0..(zeros - 1) % 258 {
        bits.literal(0);
    }
    bits.code(0, 7); // end of block
    let stream = bits.finish();

    let mut crc = crc32fast::Hasher::new();
    crc.update(b"\0asm");
    let mut mib = crc32fast::Hasher::new();
    mib.update(&vec![0; 1 << 20]);
    for _ in 0..zeros >> 20 {
        crc.combine(&mib);
    }
    crc.update(&vec![0; zeros & ((1 << 20) - 1)]);
    let crc = crc.finalize();
    let name = b"handler.wasm";
    let size = u32::try_from(zeros + 4).unwrap();
    let csize = u32::try_from(stream.len()).unwrap();
    let fields = |zip: &mut Vec<u8>| {
        // version needed, flags, method (deflate), time, date (1980-01-01), crc, sizes, name
        for (v, w) in [(20, 2), (0, 2), (8, 2), (0, 2), (0x21, 2)] {
            zip.extend_from_slice(&u32::to_le_bytes(v)[..w]);
        }
        for v in [crc, csize, size] {
            zip.extend_from_slice(&v.to_le_bytes());
        }
        zip.extend_from_slice(&u16::try_from(name.len()).unwrap().to_le_bytes());
        zip.extend_from_slice(&0u16.to_le_bytes()); // extra field length
    };
    let mut zip = 0x0403_4b50u32.to_le_bytes().to_vec();
    fields(&mut zip);
    zip.extend_from_slice(name);
    zip.extend_from_slice(&stream);
    let directory = zip.len();
    zip.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
    zip.extend_from_slice(&20u16.to_le_bytes()); // version made by
    fields(&mut zip);
    // comment length, disk, internal and external attributes, local header offset
    zip.extend_from_slice(&[0; 2 + 2 + 2 + 4 + 4]);
    zip.extend_from_slice(name);
    let directory_len = zip.len() - directory;
    zip.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    zip.extend_from_slice(&[0; 4]); // this disk, the directory's disk
    zip.extend_from_slice(&1u16.to_le_bytes());
    zip.extend_from_slice(&1u16.to_le_bytes());
    zip.extend_from_slice(&u32::try_from(directory_len).unwrap().to_le_bytes());
    zip.extend_from_slice(&u32::try_from(directory).unwrap().to_le_bytes());
    zip.extend_from_slice(&0u16.to_le_bytes()); // comment length
    zip
}

async fn create(
    lambda: &aws_sdk_lambda::Client,
    name: &str,
    zip: Vec<u8>,
    publish: bool,
) -> Result<
    aws_sdk_lambda::operation::create_function::CreateFunctionOutput,
    aws_sdk_lambda::error::SdkError<
        aws_sdk_lambda::operation::create_function::CreateFunctionError,
    >,
> {
    lambda
        .create_function()
        .function_name(name)
        .role(ROLE)
        .handler("handler.handle")
        .publish(publish)
        .code(FunctionCode::builder().zip_file(Blob::new(zip)).build())
        .send()
        .await
}

async fn packages(server: &Server) -> serde_json::Value {
    sim_get(server, "/_s3lambda/counters").await["packages"].clone()
}

/// On a single-threaded runtime (server and clients share one thread), the simulator answers
/// while CreateFunction unzips a 200 MiB component: a counters reply that says an unzip is
/// in progress could only be produced while it was. Before the unzip moved to a blocking
/// thread, no reply came until CreateFunction had returned.
#[tokio::test(flavor = "current_thread")]
async fn the_server_answers_while_a_package_unzips() {
    let server = common::start().await;
    let lambda = common::lambda(&server);
    let zip = bomb(200 << 20);
    let zip_len = zip.len();
    assert!(zip_len < 2 << 20, "the bomb is {zip_len} bytes");
    let create = tokio::spawn(async move { create(&lambda, "bomb", zip, false).await });
    let mut seen_unpacking = false;
    while !create.is_finished() {
        let p = packages(&server).await;
        if p["unpacking"] == 1 {
            seen_unpacking = true;
            // Another kind of request answers too, while the unzip still runs.
            let health = sim_get(&server, "/_s3lambda/health").await;
            assert_eq!(health["status"], "running");
            break;
        }
        tokio::task::yield_now().await;
    }
    let created = create.await.unwrap().unwrap();
    assert!(
        seen_unpacking,
        "no request was answered while CreateFunction unzipped"
    );
    assert_eq!(created.code_size(), i64::try_from(zip_len).unwrap());
    let p = packages(&server).await;
    assert_eq!(p["unpacking"], 0);
    assert!(p["bytes"].as_u64().unwrap() > 200 << 20, "{p}");
}

/// `$LATEST`, its published versions, a re-upload of the same bytes and another function
/// with the same code share one archive and one unzipped component; deleting the last user
/// frees them.
#[tokio::test]
async fn the_same_code_is_stored_once() {
    let server = common::start().await;
    let lambda = common::lambda(&server);
    let wasm = [b"\0asm".as_slice(), &vec![7u8; 50_000]].concat();
    let zip = common::zip_of("handler.wasm", &wasm);
    let one_copy = (zip.len() + wasm.len()) as u64;
    create(&lambda, "first", zip.clone(), true).await.unwrap();
    let p = packages(&server).await;
    assert_eq!(p["bytes"], one_copy, "{p}");
    assert_eq!(p["entries"], 2, "one archive and one component: {p}");

    lambda
        .update_function_code()
        .function_name("first")
        .zip_file(Blob::new(zip.clone()))
        .publish(true)
        .send()
        .await
        .unwrap();
    lambda
        .update_function_configuration()
        .function_name("first")
        .description("v2")
        .send()
        .await
        .unwrap();
    let v2 = lambda
        .publish_version()
        .function_name("first")
        .send()
        .await
        .unwrap();
    assert_eq!(v2.version(), Some("2"));
    create(&lambda, "second", zip.clone(), true).await.unwrap();
    let p = packages(&server).await;
    assert_eq!(
        p["bytes"], one_copy,
        "two functions, three versions, one copy: {p}"
    );
    assert_eq!(p["entries"], 2, "{p}");

    for name in ["first", "second"] {
        lambda
            .delete_function()
            .function_name(name)
            .send()
            .await
            .unwrap();
    }
    let p = packages(&server).await;
    assert_eq!(p["bytes"], 0, "freed with the last version: {p}");
    assert_eq!(p["entries"], 0, "{p}");
}

/// Past `max_code_storage_bytes`, CreateFunction and UpdateFunctionCode answer
/// `CodeStorageExceededException` (400); code already stored costs nothing more.
#[tokio::test]
async fn packages_past_the_cap_are_refused() {
    let config = Config {
        max_code_storage_bytes: 100_000,
        ..Config::default()
    };
    let server = Simulator::builder()
        .config(config)
        .build()
        .unwrap()
        .start("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let lambda = common::lambda(&server);
    let package = |fill: u8| {
        common::zip_of(
            "handler.wasm",
            &[b"\0asm".as_slice(), &vec![fill; 30_000]].concat(),
        )
    };
    create(&lambda, "first", package(1), false).await.unwrap();

    let err = create(&lambda, "second", package(2), false)
        .await
        .unwrap_err();
    assert_eq!(common::code(&err), "CodeStorageExceededException");
    let raw = err.raw_response().unwrap();
    assert_eq!(raw.status().as_u16(), 400);
    let message = err
        .as_service_error()
        .and_then(|e| e.meta().message())
        .unwrap_or("");
    assert!(
        message.starts_with("Code storage limit exceeded."),
        "{message}"
    );

    let err = lambda
        .update_function_code()
        .function_name("first")
        .zip_file(Blob::new(package(3)))
        .send()
        .await
        .unwrap_err();
    assert_eq!(common::code(&err), "CodeStorageExceededException");

    // The same code as `first` is already stored: it fits.
    create(&lambda, "second", package(1), false).await.unwrap();
    let p = packages(&server).await;
    assert_eq!(p["limit"], 100_000);
    assert!(p["bytes"].as_u64().unwrap() <= 100_000, "{p}");
}
