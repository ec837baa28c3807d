//! Requests signed by the real `aws-sdk-s3` / `aws-sdk-lambda` clients, sent to a throwaway
//! hyper listener that runs `s3lambda::auth::authenticate` on each one (moved out of the library's unit tests so
//! the AWS SDKs are linked into this test binary only), and the `--any-key` credential mode
//! against `serve`.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use aws_sdk_s3::primitives::ByteStream;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use parking_lot::Mutex;

use s3lambda::auth::{Account, Keyring, PayloadMode, authenticate};

/// What the listener saw for one request.
#[derive(Debug, Clone)]
struct Seen {
    method: String,
    outcome: Result<(PayloadMode, Bytes, Vec<String>), String>,
}

async fn listener(keyring: Keyring) -> (SocketAddr, Arc<Mutex<Vec<Seen>>>) {
    let socket = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = socket.local_addr().unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let keyring = Arc::new(keyring);
    let log = seen.clone();
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = socket.accept().await else {
                return;
            };
            let (keyring, log) = (keyring.clone(), log.clone());
            tokio::spawn(async move {
                let service = service_fn(move |req: http::Request<hyper::body::Incoming>| {
                    let (keyring, log) = (keyring.clone(), log.clone());
                    async move {
                        let (parts, body) = req.into_parts();
                        let body = body
                            .collect()
                            .await
                            .map(http_body_util::Collected::to_bytes)
                            .unwrap_or_default();
                        let outcome = authenticate(&parts, body, &keyring, SystemTime::now())
                            .map(|a| {
                                let trailers =
                                    a.trailers.keys().map(|k| k.as_str().to_owned()).collect();
                                (a.payload, a.body, trailers)
                            })
                            .map_err(|e| format!("{}: {e} {:?}", e.s3_code(), e.extras()));
                        let status = if outcome.is_ok() { 200 } else { 403 };
                        log.lock().push(Seen {
                            method: parts.method.to_string(),
                            outcome,
                        });
                        let response = http::Response::builder()
                            .status(status)
                            .header("content-type", "application/json")
                            .body(Full::new(Bytes::from_static(b"{}")))
                            .unwrap();
                        Ok::<_, std::convert::Infallible>(response)
                    }
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    (addr, seen)
}

fn keyring() -> Keyring {
    Keyring::new([Account::new("000000000000", "test", "test")])
}

fn s3_client(addr: SocketAddr) -> aws_sdk_s3::Client {
    s3_client_with_token(addr, None)
}

fn s3_client_with_token(addr: SocketAddr, token: Option<&str>) -> aws_sdk_s3::Client {
    let config = aws_sdk_s3::Config::builder()
        .behavior_version_latest()
        .region(aws_sdk_s3::config::Region::new("us-east-1"))
        .credentials_provider(aws_credential_types::Credentials::from_keys(
            "test",
            "test",
            token.map(str::to_owned),
        ))
        .endpoint_url(format!("http://{addr}"))
        .force_path_style(true)
        .http_client(aws_smithy_http_client::Builder::new().build_http())
        .build();
    aws_sdk_s3::Client::from_conf(config)
}

#[tokio::test]
async fn sdk_put_object_forms_verify() {
    let (addr, seen) = listener(keyring()).await;
    let client = s3_client(addr);
    let data: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();

    // In-memory body (whatever checksum form the SDK picks by default).
    let _ = client
        .put_object()
        .bucket("b")
        .key("mem")
        .body(ByteStream::from(data.clone()))
        .send()
        .await;
    // A streaming body from a file: aws-chunked with a trailing checksum.
    let path = std::env::temp_dir().join(format!("s3lambda-auth-{}.bin", std::process::id()));
    std::fs::write(&path, &data).unwrap();
    let _ = client
        .put_object()
        .bucket("b")
        .key("file")
        .body(ByteStream::from_path(&path).await.unwrap())
        .send()
        .await;
    let _ = std::fs::remove_file(&path);
    // A plain GET.
    let _ = client.get_object().bucket("b").key("mem").send().await;

    let seen = seen.lock().clone();
    assert!(seen.len() >= 3, "{seen:?}");
    let mut modes = Vec::new();
    for s in &seen {
        let (mode, body, trailers) = s
            .outcome
            .as_ref()
            .unwrap_or_else(|e| panic!("{} rejected: {e}", s.method));
        if s.method == "PUT" {
            assert_eq!(&body[..], &data[..]);
            modes.push(*mode);
        }
        if *mode == PayloadMode::StreamingSignedTrailer {
            assert!(
                trailers.iter().any(|t| t.starts_with("x-amz-checksum-")),
                "{trailers:?}"
            );
        }
    }
    // Over plain HTTP the SDK signs every 64 KiB chunk and the checksum trailer.
    assert!(
        modes.contains(&PayloadMode::StreamingSignedTrailer),
        "{modes:?}"
    );
}

fn presigned_parts(presigned: &aws_sdk_s3::presigning::PresignedRequest) -> http::request::Parts {
    let mut builder = http::Request::builder()
        .method(presigned.method())
        .uri(presigned.uri());
    for (k, v) in presigned.headers() {
        builder = builder.header(k, v);
    }
    let uri: http::Uri = presigned.uri().parse().unwrap();
    builder = builder.header("host", uri.authority().unwrap().as_str());
    builder.body(()).unwrap().into_parts().0
}

#[tokio::test]
async fn sdk_presigned_get_and_put_verify() {
    let addr: SocketAddr = "127.0.0.1:4566".parse().unwrap();
    for token in [None, Some("session-token/with+odd=chars")] {
        let client = s3_client_with_token(addr, token);
        let config =
            aws_sdk_s3::presigning::PresigningConfig::expires_in(Duration::from_mins(5)).unwrap();
        let get = client
            .get_object()
            .bucket("b")
            .key("some key+with/odd chars")
            .presigned(config.clone())
            .await
            .unwrap();
        assert_eq!(get.uri().contains("X-Amz-Security-Token"), token.is_some());
        let ok = authenticate(
            &presigned_parts(&get),
            Bytes::new(),
            &keyring(),
            SystemTime::now(),
        )
        .unwrap();
        assert_eq!(ok.payload, PayloadMode::Unsigned);
        let put = client
            .put_object()
            .bucket("b")
            .key("k")
            .content_type("text/plain")
            .presigned(config)
            .await
            .unwrap();
        let body = Bytes::from_static(b"uploaded with a presigned url");
        let ok = authenticate(
            &presigned_parts(&put),
            body.clone(),
            &keyring(),
            SystemTime::now(),
        )
        .unwrap();
        assert_eq!(ok.body, body);
    }
}

#[tokio::test]
async fn sdk_session_token_header_verifies() {
    let (addr, seen) = listener(keyring()).await;
    let client = s3_client_with_token(addr, Some("the-token"));
    let _ = client.head_bucket().bucket("b").send().await;
    let seen = seen.lock().clone();
    assert_eq!(seen.len(), 1);
    seen[0].outcome.as_ref().unwrap();
}

#[tokio::test]
async fn sdk_lambda_call_verifies() {
    let (addr, seen) = listener(keyring()).await;
    let config = aws_sdk_lambda::Config::builder()
        .behavior_version_latest()
        .region(aws_sdk_lambda::config::Region::new("eu-west-1"))
        .credentials_provider(aws_credential_types::Credentials::from_keys(
            "test", "test", None,
        ))
        .endpoint_url(format!("http://{addr}"))
        .http_client(aws_smithy_http_client::Builder::new().build_http())
        .build();
    let client = aws_sdk_lambda::Client::from_conf(config);
    let _ = client
        .invoke()
        .function_name("arn:aws:lambda:eu-west-1:000000000000:function:f")
        .qualifier("PROD")
        .payload(aws_sdk_lambda::primitives::Blob::new(
            br#"{"a":1}"#.to_vec(),
        ))
        .send()
        .await;
    let seen = seen.lock().clone();
    assert_eq!(seen.len(), 1, "{seen:?}");
    let (_, body, _) = seen[0].outcome.as_ref().unwrap();
    assert_eq!(&body[..], br#"{"a":1}"#);
}

/// The S3 canonical user id of an account.
fn canonical_id(account: &str) -> String {
    Account::new(account, "unused", "unused").canonical_id
}

/// A server in `--any-key` mode (the default account and one configured account, `other`).
async fn any_key_server() -> s3lambda::sim::Server {
    let config = s3lambda::sim::Config {
        auth: s3lambda::auth::AuthSettings {
            any_key: true,
            ..s3lambda::auth::AuthSettings::default()
        },
        ..s3lambda::sim::Config::default()
    };
    s3lambda::sim::Simulator::builder()
        .config(config)
        .account(
            crate::common::OTHER_ACCOUNT,
            crate::common::OTHER_KEY,
            crate::common::OTHER_SECRET,
        )
        .build()
        .expect("builds")
        .start("127.0.0.1:0".parse().expect("addr"))
        .await
        .expect("starts")
}

async fn create_function_as(lambda: &aws_sdk_lambda::Client, account: &str, name: &str) {
    let zip = crate::common::zip_of("handler.wasm", s3lambda::runtime::handlers::HELLOWORLD);
    let created = lambda
        .create_function()
        .function_name(name)
        .role(format!("arn:aws:iam::{account}:role/lambda-role"))
        .handler("handler.handle")
        .code(
            aws_sdk_lambda::types::FunctionCode::builder()
                .zip_file(aws_sdk_lambda::primitives::Blob::new(zip))
                .build(),
        )
        .send()
        .await
        .expect("function created");
    assert_eq!(
        created.function_arn(),
        Some(format!("arn:aws:lambda:us-east-1:{account}:function:{name}").as_str()),
        "the function lands in the account the key names"
    );
}

/// `--any-key`: a 12-digit key is that account (as LocalStack does), its objects and functions
/// are its own and another 12-digit key sees none of them; the signature is still verified,
/// against the mode's secret `test`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn any_key_mode_selects_the_account_from_a_twelve_digit_key() {
    use crate::common::{Addressing, code, lambda_with, s3_with};
    let server = any_key_server().await;
    let (alice, bob) = ("123456789012", "210987654321");
    let s3_alice = s3_with(&server, alice, "test", Addressing::Path);
    let s3_bob = s3_with(&server, bob, "test", Addressing::Path);
    s3_alice
        .create_bucket()
        .bucket("alice-bucket")
        .send()
        .await
        .expect("alice creates a bucket");
    s3_alice
        .put_object()
        .bucket("alice-bucket")
        .key("k")
        .body(ByteStream::from_static(b"alice's"))
        .send()
        .await
        .expect("alice writes");
    let listed = s3_alice.list_buckets().send().await.expect("alice lists");
    let names: Vec<_> = listed.buckets().iter().filter_map(|b| b.name()).collect();
    assert_eq!(names, ["alice-bucket"]);
    assert_eq!(
        listed.owner().and_then(|o| o.id()),
        Some(canonical_id(alice).as_str())
    );
    let listed = s3_bob.list_buckets().send().await.expect("bob lists");
    assert!(
        listed.buckets().is_empty(),
        "bob sees none of alice's buckets"
    );
    let denied = s3_bob
        .get_object()
        .bucket("alice-bucket")
        .key("k")
        .send()
        .await
        .expect_err("bob cannot read alice's object");
    assert_eq!(code(&denied), "AccessDenied");

    let lambda_alice = lambda_with(&server, alice, "test");
    let lambda_bob = lambda_with(&server, bob, "test");
    create_function_as(&lambda_alice, alice, "alices-function").await;
    let mine = lambda_alice
        .list_functions()
        .send()
        .await
        .expect("alice lists");
    assert_eq!(mine.functions().len(), 1);
    let theirs = lambda_bob.list_functions().send().await.expect("bob lists");
    assert!(
        theirs.functions().is_empty(),
        "bob sees none of alice's functions"
    );
    let e = lambda_bob
        .get_function()
        .function_name("alices-function")
        .send()
        .await
        .expect_err("bob has no such function");
    assert_eq!(code(&e), "ResourceNotFoundException");

    // The signature is still verified: a wrong secret is refused.
    let wrong = s3_with(&server, alice, "not-test", Addressing::Path);
    let e = wrong.list_buckets().send().await.expect_err("wrong secret");
    assert_eq!(code(&e), "SignatureDoesNotMatch");
    let e = lambda_with(&server, alice, "not-test")
        .list_functions()
        .send()
        .await
        .expect_err("wrong secret");
    assert_eq!(code(&e), "InvalidSignatureException");

    // A configured account is not opened by its id with the mode's well-known secret.
    let posing = s3_with(
        &server,
        crate::common::OTHER_ACCOUNT,
        "test",
        Addressing::Path,
    );
    let e = posing
        .list_buckets()
        .send()
        .await
        .expect_err("configured account");
    assert_eq!(code(&e), "InvalidAccessKeyId");

    // A key that is not 12 digits is the first configured account; configured keys keep theirs.
    let real_looking = s3_with(&server, "AKIAIOSFODNN7EXAMPLE", "test", Addressing::Path);
    let owner = real_looking.list_buckets().send().await.expect("accepted");
    assert_eq!(
        owner.owner().and_then(|o| o.id()),
        Some(canonical_id("000000000000").as_str())
    );
    let other = s3_with(
        &server,
        crate::common::OTHER_KEY,
        crate::common::OTHER_SECRET,
        Addressing::Path,
    );
    other
        .list_buckets()
        .send()
        .await
        .expect("configured key, its own secret");
}

/// Without `--any-key` (the default), an unconfigured key is refused as AWS refuses it.
#[tokio::test]
async fn strict_mode_refuses_unknown_keys() {
    use crate::common::{Addressing, code, lambda_with, s3_with};
    let server = crate::common::start().await;
    let e = s3_with(&server, "123456789012", "test", Addressing::Path)
        .list_buckets()
        .send()
        .await
        .expect_err("unknown key");
    assert_eq!(code(&e), "InvalidAccessKeyId");
    let e = lambda_with(&server, "123456789012", "test")
        .list_functions()
        .send()
        .await
        .expect_err("unknown key");
    assert_eq!(code(&e), "UnrecognizedClientException");
}
