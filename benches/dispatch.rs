//! In-process throughput: S3 events delivered to the `s3-logger` handler per second through
//! the whole simulator (store write → emit → match → trace → queue → resolve → authorize →
//! wasmtime → log store → trace), against bare wasmtime instantiating and calling the same
//! component on two threads, measured in the same run.
//!
//! `cargo bench --bench dispatch` runs interleaved rounds of both and prints events/s, the
//! bare invocations/s and their ratio. `-- --events N` sets the events per round (default
//! 20,000), `-- --rounds N` the rounds (default 5). With `--test` (as `cargo test --benches`
//! passes) it checks one delivery and exits.
//!
//! The simulator runs on a 2-worker tokio runtime; the writer is a task on that runtime
//! (`LocalClient::put_object`: the S3 request path after SigV4, no HTTP), so everything
//! shares two threads, as bare wasmtime does. The writer keeps at most `MAX_PENDING`
//! deliveries in flight (a stand-in for clients waiting on responses).

use std::hint::black_box;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use s3lambda::runtime::handlers::S3_LOGGER;
use s3lambda::sim::{LocalClient, Simulator};
use s3lambda::trace::{Outcome, Query};

#[path = "common/bare_wasmtime.rs"]
mod bare_wasmtime;
use bare_wasmtime::{BareWasmtime, S3_EVENT};

const BUCKET: &str = "bench-bucket";
const FUNCTION: &str = "logger";
const MAX_PENDING: usize = 2048;

fn arg(name: &str, default: usize) -> usize {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// A simulator with a bucket whose every `ObjectCreated` event goes to `s3-logger`.
async fn setup() -> (Simulator, LocalClient) {
    let sim = Simulator::builder().build().expect("simulator");
    let client = sim.default_client();
    let account = client.account_id().to_owned();
    client.create_bucket(BUCKET).expect("bucket");
    client
        .create_function(FUNCTION, "s3-logger")
        .await
        .expect("create_function");
    client
        .add_s3_permission(FUNCTION, None, "s3invoke", BUCKET, &account)
        .await
        .expect("add_permission");
    let xml = format!(
        "<NotificationConfiguration><CloudFunctionConfiguration><Id>logger</Id>\
         <CloudFunction>arn:aws:lambda:us-east-1:{account}:function:{FUNCTION}</CloudFunction>\
         <Event>s3:ObjectCreated:*</Event></CloudFunctionConfiguration></NotificationConfiguration>"
    );
    client
        .put_bucket_notification(BUCKET, &xml)
        .expect("notification");
    (sim, client)
}

fn delivered(sim: &Simulator) -> u64 {
    sim.journal()
        .counters()
        .into_iter()
        .find(|(o, _)| *o == Outcome::Delivered)
        .map_or(0, |(_, n)| n)
}

/// Writes `n` objects from a task on the simulator's runtime and waits until every
/// delivery is final; events/s.
fn round(rt: &tokio::runtime::Runtime, sim: &Simulator, client: &LocalClient, n: usize) -> f64 {
    let (sim, client) = (sim.clone(), client.clone());
    rt.block_on(async move {
        tokio::spawn(async move { write_and_drain(&sim, &client, n).await })
            .await
            .expect("writer task")
    })
}

async fn write_and_drain(sim: &Simulator, client: &LocalClient, n: usize) -> f64 {
    let body = Bytes::from(vec![b'x'; 1024]);
    let before = delivered(sim);
    let start = Instant::now();
    for i in 0..n {
        let key = format!("uploads/2026/11/24/report-{i:06}.csv");
        client
            .put_object(BUCKET, &key, body.clone())
            .expect("put_object");
        if i % 64 == 0 {
            // Sleep rather than spin: a yield loop would keep a worker busy doing nothing.
            while sim.journal().pending() > MAX_PENDING {
                tokio::time::sleep(Duration::from_millis(1)).await;
            }
        }
    }
    assert!(sim.wait_idle(Duration::from_mins(2)).await, "drained");
    let elapsed = start.elapsed();
    let done = delivered(sim) - before;
    assert_eq!(done, n as u64, "every event delivered");
    n as f64 / elapsed.as_secs_f64()
}

/// Bare wasmtime on two threads for `duration`: invocations/s.
fn bare_round(bare: &BareWasmtime, duration: Duration) -> f64 {
    let stop = AtomicBool::new(false);
    let calls = AtomicU64::new(0);
    let start = Instant::now();
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| {
                let mut n = 0u64;
                while !stop.load(Ordering::Relaxed) {
                    black_box(bare.call(S3_EVENT));
                    n += 1;
                }
                calls.fetch_add(n, Ordering::Relaxed);
            });
        }
        std::thread::sleep(duration);
        stop.store(true, Ordering::Relaxed);
    });
    calls.load(Ordering::Relaxed) as f64 / start.elapsed().as_secs_f64()
}

/// The process's CPU time so far (user + system), from `/proc/self/stat` (Linux; zero
/// elsewhere).
fn cpu_time() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which ends with the last ')'): utime is the 12th.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map_or("", |(_, rest)| rest)
        .split_whitespace()
        .collect();
    let ticks: u64 = [11, 12]
        .iter()
        .filter_map(|&i| fields.get(i)?.parse::<u64>().ok())
        .sum();
    // USER_HZ is 100 on Linux.
    Duration::from_millis(ticks * 10)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(0.0)
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime");
    let (sim, client) = rt.block_on(setup());

    // The fixture works: one event, delivered, the handler's line in the log.
    round(&rt, &sim, &client, 1);
    let traces = sim.journal().query(&Query::default());
    let trace = traces.first().expect("a trace");
    let delivery = trace.deliveries.first().expect("a delivery");
    assert_eq!(delivery.outcome, Outcome::Delivered, "{delivery:?}");
    let tail = &delivery.attempts.first().expect("an attempt").log_tail;
    assert!(
        tail.contains("ObjectCreated:Put"),
        "s3-logger logged: {tail}"
    );
    if std::env::args().any(|a| a == "--test") || !std::env::args().any(|a| a == "--bench") {
        println!("dispatch: fixture checked (run with `cargo bench --bench dispatch` to measure)");
        return;
    }

    let events = arg("--events", 20_000);
    let rounds = arg("--rounds", 5);
    if std::env::args().any(|a| a == "--writes-only") {
        // The S3 write path alone (no notification configuration: no event), CPU per PUT.
        client
            .put_bucket_notification(BUCKET, "<NotificationConfiguration/>")
            .expect("notification removed");
        let (cpu, start) = (cpu_time(), Instant::now());
        let body = Bytes::from(vec![b'x'; 1024]);
        for i in 0..events {
            let key = format!("uploads/2026/11/24/report-{i:06}.csv");
            client
                .put_object(BUCKET, &key, body.clone())
                .expect("put_object");
        }
        let (cpu, wall) = (cpu_time().saturating_sub(cpu), start.elapsed());
        println!(
            "writes only: {:.0} PUT/s on one thread, {:.1} µs CPU per PUT",
            events as f64 / wall.as_secs_f64(),
            cpu.as_secs_f64() * 1e6 / events as f64
        );
        return;
    }
    if std::env::args().any(|a| a == "--no-baseline") {
        // For profiling the simulator alone.
        for _ in 0..rounds {
            println!(
                "in-process {:.0} events/s",
                round(&rt, &sim, &client, events)
            );
        }
        return;
    }
    let bare = BareWasmtime::new(S3_LOGGER);
    // Warm-up: both paths, a second each.
    round(&rt, &sim, &client, events / 4);
    bare_round(&bare, Duration::from_secs(1));

    let (mut ours, mut theirs) = (Vec::new(), Vec::new());
    for r in 0..rounds {
        let cpu = cpu_time();
        let a = bare_round(&bare, Duration::from_secs(2));
        let bare_cpu = cpu_time().saturating_sub(cpu);
        let (cpu, start) = (cpu_time(), Instant::now());
        let b = round(&rt, &sim, &client, events);
        let (ours_cpu, wall) = (cpu_time().saturating_sub(cpu), start.elapsed());
        println!(
            "round {}: bare wasmtime {a:>9.0} inv/s ({:.0}% CPU)   in-process {b:>9.0} events/s ({:.0}% CPU, {:.1} µs CPU/event)   ratio {:.2}",
            r + 1,
            bare_cpu.as_secs_f64() / 2.0 * 100.0,
            ours_cpu.as_secs_f64() / wall.as_secs_f64() * 100.0,
            ours_cpu.as_secs_f64() * 1e6 / events as f64,
            b / a
        );
        theirs.push(a);
        ours.push(b);
    }
    let (a, b) = (median(theirs), median(ours));
    println!();
    println!("bare wasmtime, s3-logger, 2 threads:      {a:>9.0} invocations/s (median)");
    println!("in process, PUT -> s3-logger, 2 workers:  {b:>9.0} events/s (median)");
    println!(
        "ratio in-process / bare:                  {:>9.2}   ({:.2} µs of simulator work per event on 2 cores)",
        b / a,
        (2.0 / b - 2.0 / a) * 1e6
    );
}
