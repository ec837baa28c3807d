//! Bare wasmtime in the fastest configuration measured (pooling, 1 MiB keep-resident,
//! `PAGEMAP_SCAN`, no component concurrency, no epoch): a fresh store and WASI context with
//! stdout in a memory pipe, `instantiate` from the `InstancePre`, call `handle`, drop. The
//! baseline of `benches/runtime.rs` and `benches/dispatch.rs`.

use wasmtime::component::{Component, Linker, ResourceTable};
use wasmtime::{
    Config, Enabled, Engine, InstanceAllocationStrategy, PoolingAllocationConfig, Store,
};
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;
use wasmtime_wasi::{WasiCtx, WasiCtxBuilder, WasiCtxView, WasiView};

/// A 948-byte `ObjectCreated:Put` event message.
pub const S3_EVENT: &str = r#"{"Records":[{"eventVersion":"2.1","eventSource":"aws:s3","awsRegion":"us-east-1","eventTime":"2026-01-01T00:00:00.000Z","eventName":"ObjectCreated:Put","userIdentity":{"principalId":"AWS:EXAMPLE"},"requestParameters":{"sourceIPAddress":"127.0.0.1"},"responseElements":{"x-amz-request-id":"C3D13FE58DE4C810","x-amz-id-2":"FMyUVURIY8/IgAtTv8xRjskZQpcIZ9KG4V5Wp6S7S/JRWeUWerMUE5JgHvANOjpD"},"s3":{"s3SchemaVersion":"1.0","configurationId":"logger","bucket":{"name":"photos","ownerIdentity":{"principalId":"EXAMPLE"},"arn":"arn:aws:s3:::photos"},"object":{"key":"2026/01/cat.jpg","size":1024,"eTag":"d41d8cd98f00b204e9800998ecf8427e","sequencer":"0A1B2C3D4E5F678901"}}}]}"#;

/// Host bindings of the handler world, for bare wasmtime.
mod wit {
    #![allow(missing_docs)]
    wasmtime::component::bindgen!({ path: "handlers/wit", world: "handler" });
}
use wit::{Context, HandlerPre};

/// The store data: WASI only.
pub struct Bare {
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
pub struct BareWasmtime {
    engine: Engine,
    pre: HandlerPre<Bare>,
    ctx: Context,
}

impl BareWasmtime {
    /// Compiles `wasm` in a fresh engine.
    pub fn new(wasm: &[u8]) -> Self {
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

    /// One invocation; returns the response and log lengths (to keep them alive).
    pub fn call(&self, event: &str) -> usize {
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
