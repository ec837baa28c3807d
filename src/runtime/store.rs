//! Per-invocation store policy: the WASI context (captured stdout/stderr, environment,
//! no network, no files but a language engine's read-only `/var/task`) and the memory
//! limit.

use std::sync::Arc;

use wasmtime::component::ResourceTable;
use wasmtime::{Engine, ResourceLimiter, Store};
use wasmtime_wasi::{FsPerms, WasiCtx, WasiCtxBuilder, WasiCtxView, WasiView};

use super::Invocation;
use super::bindings::engine::EngineImports;
use super::capture::LogCapture;
use super::task::TaskRoot;

/// The most table elements an instance may grow its tables to.
const MAX_TABLE_ELEMENTS: usize = 1 << 20;

/// The data of one invocation's store.
pub(super) struct State {
    wasi: WasiCtx,
    table: ResourceTable,
    pub(super) limiter: MemoryLimiter,
    /// A language engine's `/var/task`.
    task: Option<Arc<TaskRoot>>,
}

impl EngineImports for State {
    fn read_task_file(&mut self, path: String) -> Option<Vec<u8>> {
        self.task.as_ref()?.read(&path)
    }
}

impl WasiView for State {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

/// The `MemorySize` limit, and the peak it saw (for `Max Memory Used`).
pub(super) struct MemoryLimiter {
    limit: usize,
    /// The largest linear memory size granted, in bytes.
    pub(super) peak: usize,
    /// Whether a growth was refused: over `MemorySize`, or past what the memory can
    /// address (wasm32: 4 GiB) whatever `MemorySize` allows.
    pub(super) refused: bool,
}

impl MemoryLimiter {
    /// A limiter of `memory_mb` MB.
    pub(super) fn new(memory_mb: u32) -> Self {
        Self {
            limit: (memory_mb as usize).saturating_mul(1 << 20),
            peak: 0,
            refused: false,
        }
    }
}

impl ResourceLimiter for MemoryLimiter {
    fn memory_growing(
        &mut self,
        _current: usize,
        desired: usize,
        maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        if desired > self.limit || maximum.is_some_and(|max| desired > max) {
            self.refused = true;
            return Ok(false);
        }
        self.peak = self.peak.max(desired);
        Ok(true)
    }

    /// A growth the limit allowed but the memory could not make (the wasm32 address
    /// space, the pool's slot size): the guest ran out of memory all the same.
    fn memory_grow_failed(&mut self, _error: wasmtime::Error) -> wasmtime::Result<()> {
        self.refused = true;
        Ok(())
    }

    fn table_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        Ok(desired <= MAX_TABLE_ELEMENTS)
    }
}

/// A fresh store for `inv`: its log goes to `log`, its memory is capped at `memory_mb`
/// and `task` (a language engine's source files) is mounted read-only at `/var/task`. The
/// caller sets its epoch deadline.
pub(super) fn new_store(
    engine: &Engine,
    inv: &Invocation,
    log: &LogCapture,
    task: Option<&Arc<TaskRoot>>,
) -> Store<State> {
    let mut wasi = WasiCtxBuilder::new();
    wasi.stdout(log.clone())
        .stderr(log.clone())
        .allow_tcp(false)
        .allow_udp(false)
        .allow_ip_name_lookup(false)
        .envs(&inv.env)
        .env("AWS_LAMBDA_FUNCTION_NAME", &inv.function_name)
        .env("AWS_LAMBDA_FUNCTION_VERSION", &inv.function_version)
        .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", inv.memory_mb.to_string())
        .env("AWS_LAMBDA_LOG_GROUP_NAME", &inv.log_group)
        .env("AWS_LAMBDA_LOG_STREAM_NAME", &inv.log_stream);
    if let Some(region) = inv
        .invoked_function_arn
        .split(':')
        .nth(3)
        .filter(|r| !r.is_empty())
    {
        wasi.env("AWS_REGION", region)
            .env("AWS_DEFAULT_REGION", region);
    }
    if let Some(task) = task
        && let Err(e) = wasi.preopened_dir(task.path(), "/var/task", FsPerms::ReadOnly)
    {
        tracing::warn!(error = %e, request_id = %inv.request_id, "could not mount /var/task");
    }
    let state = State {
        wasi: wasi.build(),
        table: ResourceTable::new(),
        limiter: MemoryLimiter::new(inv.memory_mb),
        task: task.cloned(),
    };
    let mut store = Store::new(engine, state);
    store.limiter(|state| &mut state.limiter);
    store
}
