//! S3 GET latency at idle and while 50 CPU-bound handlers spin, in the same run.
//!
//! Starts the simulator in-process on 127.0.0.1:0 (its own two-worker tokio runtime, as
//! `s3lambda serve` on this machine), puts a 1 KiB object, and times sequential signed
//! GETs from `aws-sdk-s3` on a separate client thread: first at idle, then while 50
//! invocations of `spin` (asynchronous `Invoke`, 60 s timeout) are in flight. Prints
//! p50/p99/max of both phases and the flood/idle ratio.
//!
//! `cargo bench --bench edge_under_load` (env: `EDGE_BENCH_GETS`, GETs per phase, default
//! 2000; `EDGE_BENCH_SPINS`, default 50; `EDGE_BENCH_NICENESS`, the handler threads' priority
//! below the server's, default the runtime's default, 5; 0 to compare without it).

mod support;
use support::{env_usize, lambda_client, s3_client};

use std::time::{Duration, Instant};

use aws_sdk_lambda::primitives::Blob;
use aws_sdk_lambda::types::{FunctionCode, InvocationType};
use aws_sdk_s3::primitives::ByteStream;
use hdrhistogram::Histogram;
use s3lambda::sim::{Server, Simulator};

const BUCKET: &str = "edge-bench";
const KEY: &str = "object-1k";

/// `gets` sequential GETs of the object, each checked, into a histogram of microseconds.
async fn get_phase(s3: &aws_sdk_s3::Client, gets: usize, expected: &[u8]) -> Histogram<u64> {
    let mut histogram = Histogram::<u64>::new_with_bounds(1, 60_000_000, 3).expect("histogram");
    for _ in 0..gets {
        let started = Instant::now();
        let got = s3
            .get_object()
            .bucket(BUCKET)
            .key(KEY)
            .send()
            .await
            .expect("GET");
        let body = got.body.collect().await.expect("body").into_bytes();
        let micros = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
        assert_eq!(body.as_ref(), expected, "the object comes back intact");
        histogram.saturating_record(micros.max(1));
    }
    histogram
}

fn ms(micros: u64) -> f64 {
    micros as f64 / 1000.0
}

fn print_phase(name: &str, h: &Histogram<u64>) {
    println!(
        "{name:>24}: {} GETs  p50 {:7.3} ms  p99 {:7.3} ms  max {:7.3} ms",
        h.len(),
        ms(h.value_at_quantile(0.50)),
        ms(h.value_at_quantile(0.99)),
        ms(h.max()),
    );
}

fn running(server: &Server) -> u32 {
    server.simulator().runtime().stats().running
}

fn main() {
    if !std::env::args().any(|a| a == "--bench") {
        return; // `cargo test --benches`: nothing to smoke-test cheaply.
    }
    let gets = env_usize("EDGE_BENCH_GETS", 2000);
    let spins = env_usize("EDGE_BENCH_SPINS", 50);
    let runtime = s3lambda::runtime::RuntimeConfig::default();
    let niceness = std::env::var("EDGE_BENCH_NICENESS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(runtime.handler_niceness);
    let runtime = s3lambda::runtime::RuntimeConfig {
        handler_niceness: niceness,
        ..runtime
    };
    let threads = runtime.threads;

    // The server: two async workers, like `s3lambda serve` on a two-core machine.
    let server_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("edge")
        .enable_all()
        .build()
        .expect("server runtime");
    let server = server_rt.block_on(async {
        Simulator::builder()
            .runtime(runtime)
            .build()
            .expect("simulator")
            .start("127.0.0.1:0".parse().expect("addr"))
            .await
            .expect("server")
    });
    println!(
        "server {} ; handler threads {threads} (the CPU cores), niceness {niceness}",
        server.endpoint(),
    );

    // The client: its own thread.
    let client_rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("client runtime");
    let endpoint = server.endpoint();
    let (s3, lambda) = (s3_client(&endpoint), lambda_client(&endpoint));
    let object = vec![0x5a_u8; 1024];
    client_rt.block_on(async {
        s3.create_bucket()
            .bucket(BUCKET)
            .send()
            .await
            .expect("bucket");
        s3.put_object()
            .bucket(BUCKET)
            .key(KEY)
            .body(ByteStream::from(object.clone()))
            .send()
            .await
            .expect("PUT");
        let zip = s3lambda::lambda::package::zip_of(&[(
            "handler.wasm",
            s3lambda::runtime::handlers::SPIN,
        )]);
        lambda
            .create_function()
            .function_name("spin")
            .role("arn:aws:iam::000000000000:role/lambda-role")
            .handler("handler.handle")
            .timeout(60)
            .code(FunctionCode::builder().zip_file(Blob::new(zip)).build())
            .send()
            .await
            .expect("CreateFunction");
        // Warm-up: connections, the object path.
        get_phase(&s3, 50, &object).await;
    });

    let idle = client_rt.block_on(get_phase(&s3, gets, &object));

    let flood = client_rt.block_on(async {
        for _ in 0..spins {
            lambda
                .invoke()
                .function_name("spin")
                .invocation_type(InvocationType::Event)
                .payload(Blob::new("{}"))
                .send()
                .await
                .expect("Invoke");
        }
        while (running(&server) as usize) < spins {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        let h = get_phase(&s3, gets, &object).await;
        let still = running(&server);
        assert_eq!(
            still as usize, spins,
            "spins ended during the measurement: make EDGE_BENCH_GETS smaller"
        );
        h
    });

    println!();
    print_phase("idle", &idle);
    print_phase(&format!("{spins} spinning handlers"), &flood);
    println!(
        "{:>24}: p50 {:.2}x  p99 {:.2}x  (goal: p99 within 2x of idle)",
        "flood / idle",
        flood.value_at_quantile(0.50) as f64 / idle.value_at_quantile(0.50) as f64,
        flood.value_at_quantile(0.99) as f64 / idle.value_at_quantile(0.99) as f64,
    );
    drop(server);
    server_rt.shutdown_background();
}
