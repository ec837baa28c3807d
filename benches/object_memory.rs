//! Memory per stored object: resident set growth per signed 1 KiB PUT over loopback HTTP,
//! without and with a notification configuration that delivers every PUT to a handler.
//!
//! `cargo bench --bench object_memory` (env: `MEM_BENCH_OBJECTS`, default 20000, per phase;
//! `MEM_BENCH_JOURNAL`, the trace journal's capacity, default the simulator's 100000).
//!
//! Each phase reads `VmRSS` from `/proc/self/status` before and after writing its objects
//! (distinct keys, so every PUT stores a new object) and prints the growth per object and the
//! overhead above the 1,024 bytes of data. A warm-up of both kinds of writes comes first, so
//! connection pools, the compiled handler and the allocator's arenas are in the baseline. The
//! client runs in the same process; its memory is steady after the warm-up. With
//! notifications, every PUT also leaves a trace in the journal (bounded by its capacity) and
//! log lines in the log store (bounded by its limits); set `MEM_BENCH_JOURNAL` below the
//! object count to see the steady state once the journal is full.

mod support;
use support::{env_usize, s3_client};

use std::time::Duration;

use aws_sdk_s3::primitives::ByteStream;
use s3lambda::sim::Simulator;

const OBJECT_SIZE: usize = 1024;
const CONCURRENCY: usize = 16;

/// The resident set size in bytes (`VmRSS` of `/proc/self/status`), 0 where unavailable.
fn rss_bytes() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmRSS:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        })
        .map_or(0, |kb| kb * 1024)
}

/// PUTs `count` distinct 1 KiB objects into `bucket`, `CONCURRENCY` at a time.
async fn put_all(s3: &aws_sdk_s3::Client, bucket: &str, count: usize) {
    let body = bytes::Bytes::from(vec![b'x'; OBJECT_SIZE]);
    let mut tasks = Vec::new();
    for worker in 0..CONCURRENCY {
        let s3 = s3.clone();
        let body = body.clone();
        let bucket = bucket.to_owned();
        tasks.push(tokio::spawn(async move {
            let mut i = worker;
            while i < count {
                s3.put_object()
                    .bucket(&bucket)
                    .key(format!("objects/{i:08}.bin"))
                    .body(ByteStream::from(body.clone()))
                    .send()
                    .await
                    .expect("put");
                i += CONCURRENCY;
            }
        }));
    }
    for t in tasks {
        t.await.expect("worker");
    }
}

/// Measures RSS growth over `count` PUTs into `bucket` and prints it per object.
async fn phase(sim: &Simulator, s3: &aws_sdk_s3::Client, name: &str, bucket: &str, count: usize) {
    assert!(sim.wait_idle(Duration::from_mins(2)).await, "idle");
    let before = rss_bytes();
    put_all(s3, bucket, count).await;
    assert!(sim.wait_idle(Duration::from_mins(10)).await, "idle");
    let after = rss_bytes();
    let per_object = after.saturating_sub(before) as f64 / count as f64;
    println!(
        "{name:<14} {count} x 1 KiB: RSS {:>7.1} MiB -> {:>7.1} MiB, {per_object:>7.0} B/object, overhead {:>6.0} B/object",
        before as f64 / 1_048_576.0,
        after as f64 / 1_048_576.0,
        per_object - OBJECT_SIZE as f64,
    );
}

const NOTIFICATION: &str = "<NotificationConfiguration><CloudFunctionConfiguration>\
    <Id>all</Id>\
    <CloudFunction>arn:aws:lambda:us-east-1:000000000000:function:logger</CloudFunction>\
    <Event>s3:ObjectCreated:*</Event>\
    </CloudFunctionConfiguration></NotificationConfiguration>";

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return; // `cargo test --benches` lists; nothing to list here.
    }
    let objects = env_usize("MEM_BENCH_OBJECTS", 20_000);
    let journal = env_usize("MEM_BENCH_JOURNAL", 100_000);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let sim = Simulator::builder()
            .journal_capacity(journal)
            .build()
            .expect("simulator");
        let local = sim.default_client();
        local
            .create_function("logger", "s3-logger")
            .await
            .expect("function");
        for bucket in ["warm", "plain", "warm-events", "events"] {
            local.create_bucket(bucket).expect("bucket");
            if bucket.ends_with("events") {
                local
                    .add_s3_permission("logger", None, bucket, bucket, "000000000000")
                    .await
                    .expect("permission");
                local
                    .put_bucket_notification(bucket, NOTIFICATION)
                    .expect("notification");
            }
        }
        let server = sim
            .clone()
            .start("127.0.0.1:0".parse().expect("addr"))
            .await
            .expect("server");
        let s3 = s3_client(&server.endpoint());
        println!(
            "object_memory: {objects} objects per phase, {CONCURRENCY} concurrent PUTs, journal capacity {journal}"
        );
        let warm = (objects / 10).max(100);
        put_all(&s3, "warm", warm).await;
        put_all(&s3, "warm-events", warm).await;
        phase(&sim, &s3, "no events", "plain", objects).await;
        phase(&sim, &s3, "with events", "events", objects).await;
        server.shutdown().await;
    });
}
