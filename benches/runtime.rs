//! Cost of one invocation: bare wasmtime against `Runtime::invoke`.
//!
//! (a) bare wasmtime in the fastest configuration measured (pooling, 1 MiB keep-resident,
//! `PAGEMAP_SCAN`, no component concurrency, no epoch): a fresh store and WASI context
//! with stdout in a memory pipe, `instantiate` from the `InstancePre`, call `handle`, drop.
//! (b) `Runtime::invoke`: the same plus admission, limits, epoch deadline, context
//! strings and the START/END/REPORT log.
//! (c) `Runtime::invoke_async`, the path the simulator takes: (b) with async WASI, the
//! guest on a fiber that yields at epoch ticks, polled on a current-thread tokio runtime.
//!
//! `cargo bench --bench runtime` prints criterion's figures, then an interleaved
//! measurement of both and the ratio b/a.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::Criterion;
use s3lambda::runtime::handlers::{ECHO, S3_LOGGER};
use s3lambda::runtime::{FunctionResult, Invocation, Runtime, RuntimeConfig};

#[path = "common/bare_wasmtime.rs"]
mod bare_wasmtime;
use bare_wasmtime::{BareWasmtime, S3_EVENT};

struct Pair {
    name: &'static str,
    event: &'static str,
    bare: BareWasmtime,
    runtime: Runtime,
    code: s3lambda::runtime::Code,
    inv: Invocation,
}

impl Pair {
    fn new(name: &'static str, wasm: &[u8], event: &'static str, runtime: &Runtime) -> Self {
        let code = runtime.load(name, wasm).expect("load");
        let inv = Invocation::new(name, event);
        Self {
            name,
            event,
            bare: BareWasmtime::new(wasm),
            runtime: runtime.clone(),
            code,
            inv,
        }
    }

    fn invoke(&self) -> usize {
        let outcome = self.runtime.invoke(&self.code, &self.inv).expect("invoke");
        Self::size(outcome)
    }

    /// `Runtime::invoke_async` (what the simulator uses), polled on the current thread.
    fn invoke_async(&self, rt: &tokio::runtime::Runtime) -> usize {
        let outcome = rt
            .block_on(
                self.runtime
                    .invoke_async(self.code.clone(), self.inv.clone()),
            )
            .expect("invoke");
        Self::size(outcome)
    }

    fn size(outcome: s3lambda::runtime::Outcome) -> usize {
        let FunctionResult::Ok(body) = outcome.result else {
            panic!("{}", outcome.log)
        };
        body.len() + outcome.log.len()
    }
}

/// Mean time per call of `f` over `n` calls.
fn time_per_call(n: u32, mut f: impl FnMut() -> usize) -> Duration {
    let start = Instant::now();
    for _ in 0..n {
        black_box(f());
    }
    start.elapsed() / n
}

fn main() {
    let defaults = RuntimeConfig::default();
    // `RUNTIME_BENCH_NICENESS=0`: handler threads at the caller's priority.
    let handler_niceness = std::env::var("RUNTIME_BENCH_NICENESS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(defaults.handler_niceness);
    let runtime = Runtime::new(RuntimeConfig {
        max_instances: 16,
        handler_niceness,
        ..defaults
    })
    .expect("runtime");
    println!("runtime: {:?}", runtime.stats());
    let pairs = [
        Pair::new(
            "echo",
            ECHO,
            r#"{"key1":"value1","key2":"value2","key3":"value3"}"#,
            &runtime,
        ),
        Pair::new("s3-logger", S3_LOGGER, S3_EVENT, &runtime),
    ];

    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let mut criterion = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(2))
        .configure_from_args();
    for pair in &pairs {
        let mut group = criterion.benchmark_group(pair.name);
        group.bench_function("a_bare_wasmtime", |b| {
            b.iter(|| pair.bare.call(black_box(pair.event)));
        });
        group.bench_function("b_runtime_invoke", |b| b.iter(|| pair.invoke()));
        group.bench_function("c_runtime_invoke_async", |b| {
            b.iter(|| pair.invoke_async(&rt));
        });
        group.finish();
    }
    criterion.final_summary();

    if !std::env::args().any(|a| a == "--bench") {
        return; // test mode (`cargo test --benches`): criterion ran each once.
    }
    // Interleaved rounds, so that drift (the other core's load) hits both alike.
    for pair in &pairs {
        let (mut bare, mut ours, mut ours_async) = (Vec::new(), Vec::new(), Vec::new());
        for _ in 0..7 {
            bare.push(time_per_call(20_000, || pair.bare.call(pair.event)));
            ours.push(time_per_call(20_000, || pair.invoke()));
            ours_async.push(time_per_call(20_000, || pair.invoke_async(&rt)));
        }
        bare.sort();
        ours.sort();
        ours_async.sort();
        let (a, b, c) = (bare[3], ours[3], ours_async[3]);
        println!(
            "{}: (a) bare wasmtime {:.2} us, (b) Runtime::invoke {:.2} us, (c) Runtime::invoke_async {:.2} us; b/a = {:.2}, c/a = {:.2} (median of 7 x 20,000)",
            pair.name,
            a.as_secs_f64() * 1e6,
            b.as_secs_f64() * 1e6,
            c.as_secs_f64() * 1e6,
            b.as_secs_f64() / a.as_secs_f64(),
            c.as_secs_f64() / a.as_secs_f64()
        );
    }
}
