//! S3 over HTTP on loopback: signed 1 KiB PUTs and GETs from `aws-sdk-s3` clients against an
//! in-process simulator, reported as requests per second and latency percentiles.
//!
//! `cargo bench --bench s3_http` (env: `S3_BENCH_REQUESTS`, default 20000;
//! `S3_BENCH_CONCURRENCY`, default 16). The client runs on the same two cores as the server,
//! so the figures are for the pair.

mod support;
use support::{env_usize, s3_client};

use std::time::{Duration, Instant};

use aws_sdk_s3::primitives::ByteStream;
use s3lambda::sim::Simulator;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted.get(i).copied().unwrap_or_default()
}

async fn phase<F, Fut>(name: &str, requests: usize, concurrency: usize, op: F)
where
    F: Fn(usize) -> Fut + Clone + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    let start = Instant::now();
    let mut tasks = Vec::new();
    for worker in 0..concurrency {
        let op = op.clone();
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut i = worker;
            while i < requests {
                let t = Instant::now();
                op(i).await;
                latencies.push(t.elapsed());
                i += concurrency;
            }
            latencies
        }));
    }
    let mut all = Vec::with_capacity(requests);
    for t in tasks {
        all.extend(t.await.expect("worker"));
    }
    let elapsed = start.elapsed();
    all.sort_unstable();
    println!(
        "{name:<4} {requests} x 1 KiB, {concurrency} concurrent: {:>8.0} req/s  p50 {:?}  p99 {:?}  max {:?}",
        requests as f64 / elapsed.as_secs_f64(),
        percentile(&all, 0.50),
        percentile(&all, 0.99),
        all.last().copied().unwrap_or_default(),
    );
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return; // `cargo test --benches` lists; nothing to list here.
    }
    let requests = env_usize("S3_BENCH_REQUESTS", 20_000);
    let concurrency = env_usize("S3_BENCH_CONCURRENCY", 16);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let server = Simulator::builder()
            .build()
            .expect("simulator")
            .start("127.0.0.1:0".parse().expect("addr"))
            .await
            .expect("server");
        let s3 = s3_client(&server.endpoint());
        s3.create_bucket()
            .bucket("bench")
            .send()
            .await
            .expect("bucket");
        let body = bytes::Bytes::from(vec![b'x'; 1024]);
        let put = {
            let s3 = s3.clone();
            move |i: usize| {
                let s3 = s3.clone();
                let body = body.clone();
                async move {
                    s3.put_object()
                        .bucket("bench")
                        .key(format!("k/{i}"))
                        .body(ByteStream::from(body))
                        .send()
                        .await
                        .expect("put");
                }
            }
        };
        phase("PUT", requests, concurrency, put).await;
        let get = move |i: usize| {
            let s3 = s3.clone();
            async move {
                let out = s3
                    .get_object()
                    .bucket("bench")
                    .key(format!("k/{i}"))
                    .send()
                    .await
                    .expect("get");
                let body = out.body.collect().await.expect("body");
                assert_eq!(body.into_bytes().len(), 1024);
            }
        };
        phase("GET", requests, concurrency, get).await;
        server.shutdown().await;
    });
}
