//! Cost of one invocation: bare wasmtime against `Runtime::invoke`.
//!
//! (a) bare wasmtime in the fastest configuration measured (pooling, 1 MiB keep-resident,
//! `PAGEMAP_SCAN`, no component concurrency, no epoch): a fresh store and WASI context
//! with stdout in a memory pipe, `instantiate` from the `InstancePre`, call `handle`, drop.
//! (b) `Runtime::invoke`: the same plus admission, limits, epoch deadline, context
//! strings and the START/END/REPORT log.
//!
//! `cargo bench --bench runtime` prints criterion's figures, then an interleaved
//! measurement of both and the ratio b/a.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::Criterion;
use s3lambda::runtime::handlers::{ECHO, S3_LOGGER};
use s3lambda::runtime::{FunctionResult, Invocation, Runtime, RuntimeConfig};
use wasmtime::component::{Component, Linker, ResourceTable};
use wasmtime::{
    Config, Enabled, Engine, InstanceAllocationStrategy, PoolingAllocationConfig, Store,
};
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;
use wasmtime_wasi::{WasiCtx, WasiCtxBuilder, WasiCtxView, WasiView};

/// Host bindings of the handler world, for bare wasmtime.
mod wit {
    #![allow(missing_docs)]
    wasmtime::component::bindgen!({ path: "handlers/wit", world: "handler" });
}
use wit::{Context, HandlerPre};

const S3_EVENT: &str = r#"{"Records":[{"eventVersion":"2.1","eventSource":"aws:s3","awsRegion":"us-east-1","eventTime":"2026-01-01T00:00:00.000Z","eventName":"ObjectCreated:Put","userIdentity":{"principalId":"AWS:EXAMPLE"},"requestParameters":{"sourceIPAddress":"127.0.0.1"},"responseElements":{"x-amz-request-id":"C3D13FE58DE4C810","x-amz-id-2":"FMyUVURIY8/IgAtTv8xRjskZQpcIZ9KG4V5Wp6S7S/JRWeUWerMUE5JgHvANOjpD"},"s3":{"s3SchemaVersion":"1.0","configurationId":"logger","bucket":{"name":"photos","ownerIdentity":{"principalId":"EXAMPLE"},"arn":"arn:aws:s3:::photos"},"object":{"key":"2026/01/cat.jpg","size":1024,"eTag":"d41d8cd98f00b204e9800998ecf8427e","sequencer":"0A1B2C3D4E5F678901"}}}]}"#;

struct Bare {
    wasi: WasiCtx,
    table: ResourceTable,
}

impl WasiView for Bare {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

/// Bare wasmtime: engine, `HandlerPre` and the context passed to every call.
struct BareWasmtime {
    engine: Engine,
    pre: HandlerPre<Bare>,
    ctx: Context,
}

impl BareWasmtime {
    fn new(wasm: &[u8]) -> Self {
        let mut pool = PoolingAllocationConfig::default();
        pool.total_component_instances(16)
            .total_core_instances(128)
            .total_memories(32)
            .total_tables(128)
            .linear_memory_keep_resident(1 << 20)
            .table_keep_resident(1 << 20)
            .pagemap_scan(if PoolingAllocationConfig::is_pagemap_scan_available() {
                Enabled::Yes
            } else {
                Enabled::No
            });
        let mut config = Config::new();
        config
            .concurrency_support(false)
            .allocation_strategy(InstanceAllocationStrategy::Pooling(pool));
        let engine = Engine::new(&config).expect("engine");
        let mut linker = Linker::new(&engine);
        wasmtime_wasi::p2::add_to_linker_sync(&mut linker).expect("wasi");
        let component = Component::new(&engine, wasm).expect("component");
        let pre = HandlerPre::new(linker.instantiate_pre(&component).expect("pre")).expect("pre");
        let ctx = Context {
            request_id: "8f5a2b1c-0000-4000-8000-000000000000".into(),
            invoked_function_arn: "arn:aws:lambda:us-east-1:000000000000:function:echo".into(),
            function_name: "echo".into(),
            function_version: "$LATEST".into(),
            memory_limit_mb: 128,
            deadline_ms: 0,
            log_group_name: "/aws/lambda/echo".into(),
            log_stream_name: "2026/01/01/[$LATEST]0".into(),
        };
        Self { engine, pre, ctx }
    }

    fn call(&self, event: &str) -> usize {
        let out = MemoryOutputPipe::new(4 << 20);
        let wasi = WasiCtxBuilder::new()
            .stdout(out.clone())
            .stderr(out.clone())
            .build();
        let mut store = Store::new(
            &self.engine,
            Bare {
                wasi,
                table: ResourceTable::new(),
            },
        );
        let handler = self.pre.instantiate(&mut store).expect("instantiate");
        let response = handler
            .call_handle(&mut store, event, &self.ctx)
            .expect("call")
            .expect("ok");
        drop(store);
        response.len() + out.contents().len()
    }
}

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
    let runtime = Runtime::new(RuntimeConfig {
        max_instances: 16,
        ..RuntimeConfig::default()
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

    let mut criterion = Criterion::default().configure_from_args();
    for pair in &pairs {
        let mut group = criterion.benchmark_group(pair.name);
        group.bench_function("a_bare_wasmtime", |b| {
            b.iter(|| pair.bare.call(black_box(pair.event)));
        });
        group.bench_function("b_runtime_invoke", |b| b.iter(|| pair.invoke()));
        group.finish();
    }
    criterion.final_summary();

    if !std::env::args().any(|a| a == "--bench") {
        return; // test mode (`cargo test --benches`): criterion ran each once.
    }
    // Interleaved rounds, so that drift (the other core's load) hits both alike.
    for pair in &pairs {
        let (mut bare, mut ours) = (Vec::new(), Vec::new());
        for _ in 0..7 {
            bare.push(time_per_call(20_000, || pair.bare.call(pair.event)));
            ours.push(time_per_call(20_000, || pair.invoke()));
        }
        bare.sort();
        ours.sort();
        let (a, b) = (bare[bare.len() / 2], ours[ours.len() / 2]);
        println!(
            "{}: (a) bare wasmtime {:.2} us, (b) Runtime::invoke {:.2} us, ratio b/a = {:.2} (median of 7 x 20,000)",
            pair.name,
            a.as_secs_f64() * 1e6,
            b.as_secs_f64() * 1e6,
            b.as_secs_f64() / a.as_secs_f64()
        );
    }
}
