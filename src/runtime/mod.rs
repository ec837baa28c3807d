//! The WebAssembly handler runtime on wasmtime.
//!
//! One [`Runtime`] owns one wasmtime engine (pooling allocator, epoch interruption),
//! a cache of compiled handlers keyed by their code SHA-256, the admission counters
//! (pool size, reserved concurrency), the memory budget (the sum of running guests'
//! `MemorySize`) and the handler threads ([`RuntimeConfig::threads`]) that run every
//! guest of [`Runtime::invoke_async`], away from the caller's async workers. Every
//! invocation runs in a fresh instance made from a pre-instantiated template, with WASI
//! preview 2 (no files, no network, the function's environment), its stdout and stderr
//! captured (bounded) as the Lambda log, `MemorySize` as the linear memory limit and
//! `Timeout` as a wall-clock deadline checked at every epoch tick. No wasmtime type
//! leaves this module.
//!
//! Handlers implement the `s3lambda:handler` world of `handlers/wit`; the built-in ones
//! are in `handlers` (not API: for the binary, the tests and the benchmarks). Node.js and
//! Python functions run in a language engine (`s3lambda:engine`, see [`Language`]) with
//! their source mounted at `/var/task`; compiled code is cached on disk
//! ([`RuntimeConfig::code_cache_dir`]), so an engine compiles once per machine.

mod bindings;
mod budget;
mod capture;
mod concurrency;
mod config;
mod engine;
mod engines;
mod error;
/// Not API: the built-in example handlers (including the misbehaving ones of the tests:
/// `hog`, `spin`, `panic`), for the `s3lambda` binary, scenarios, tests and benchmarks;
/// hidden from the docs and free to change.
#[doc(hidden)]
pub mod handlers;
mod invocation;
mod language;
mod log;
mod pool;
mod store;
mod task;
#[cfg(test)]
mod tests;

use std::fmt;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use dashmap::DashMap;
use time::OffsetDateTime;
use wasmtime::component::{Component, Linker};
use wasmtime::{Engine, PoolConcurrencyLimitError, Trap, UpdateDeadline};
use wasmtime_wasi::I32Exit;

pub use config::{InstanceAllocator, RuntimeConfig, RuntimeSettings};
pub use engine::MemoryReset;
pub use error::{RuntimeError, ThrottleReason};
pub use invocation::{ErrorKind, FunctionError, FunctionResult, Invocation, Outcome};
pub use language::{Language, cache_root, default_code_cache_dir, default_engines_dir};

use bindings::HandlerPre;
use capture::LogCapture;
use store::State;

/// The handler runtime: a cheap-to-clone handle on one engine and its code cache.
#[derive(Clone)]
pub struct Runtime {
    inner: Arc<Inner>,
}

struct Inner {
    engine: Engine,
    linker: Linker<State>,
    /// WASI with async host calls, for [`Runtime::invoke_async`].
    linker_async: Linker<State>,
    codes: DashMap<String, Code>,
    /// One gate per code sha being compiled, so concurrent first invocations compile once.
    compiling: DashMap<String, Arc<parking_lot::Mutex<()>>>,
    /// The language engines loaded so far.
    engines: DashMap<Language, engines::EngineCode>,
    /// The cached source codes (by key) and the bytes each was made from: once those bytes
    /// are gone (no version holds the package any more) the code and its `/var/task` folder
    /// are dropped.
    sources: parking_lot::Mutex<Vec<(String, std::sync::Weak<[u8]>)>>,
    /// Components compiled so far (cache misses).
    compilations: std::sync::atomic::AtomicU64,
    admission: concurrency::Admission,
    config: RuntimeConfig,
    memory_reset: MemoryReset,
    budget: budget::Budget,
    pool: pool::Pool,
}

/// A compiled handler, ready to instantiate. Cheap to clone.
#[derive(Clone)]
pub struct Code {
    inner: Arc<CodeInner>,
}

struct CodeInner {
    sha256: String,
    template: Template,
}

/// What an instance is made from.
enum Template {
    /// A component of the `s3lambda:handler` world.
    Handler {
        component: Component,
        pre_async: bindings::asynchronous::HandlerPre<State>,
        /// The template of the blocking [`Runtime::invoke`], made on its first call: the
        /// server only runs handlers asynchronously, so a compile pays for one template, not
        /// two.
        pre: OnceLock<HandlerPre<State>>,
    },
    /// A language engine and the function's source files, mounted at `/var/task`.
    Engine {
        pre: bindings::engine::EnginePre<State>,
        task: Arc<task::TaskRoot>,
    },
}

impl Code {
    /// The blocking template, made from the component on first use. A language engine
    /// runs only asynchronously.
    fn sync_pre(&self, linker: &Linker<State>) -> Result<&HandlerPre<State>, RuntimeError> {
        let Template::Handler { component, pre, .. } = &self.inner.template else {
            return Err(RuntimeError::InvalidCode(
                "a language engine runs only with Runtime::invoke_async".into(),
            ));
        };
        if let Some(pre) = pre.get() {
            return Ok(pre);
        }
        let invalid = |e: wasmtime::Error| RuntimeError::InvalidCode(error_chain(&e));
        let made = linker
            .instantiate_pre(component)
            .and_then(HandlerPre::new)
            .map_err(invalid)?;
        Ok(pre.get_or_init(|| made))
    }

    /// The code SHA-256 it was loaded under.
    pub fn sha256(&self) -> &str {
        &self.inner.sha256
    }
}

impl fmt::Debug for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Code")
            .field("sha256", &self.inner.sha256)
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for Runtime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Runtime")
            .field("config", &self.inner.config)
            .field("memory_reset", &self.inner.memory_reset)
            .field("compiled", &self.inner.codes.len())
            .finish_non_exhaustive()
    }
}

/// A snapshot of the runtime's state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuntimeStats {
    /// Compiled handlers in the cache.
    pub compiled: usize,
    /// Invocations running now.
    pub running: u32,
    /// How instance memory is reset between invocations.
    pub memory_reset: MemoryReset,
    /// The `MemorySize` MB reserved by running invocations (see
    /// [`RuntimeConfig::max_total_memory_mb`]).
    pub memory_reserved_mb: u32,
}

/// How a call into the guest ended.
enum Ending {
    Response(String),
    Returned(GuestError),
    Timeout,
    OutOfMemory,
    Crash(String),
}

impl Runtime {
    /// Build the engine (with `PAGEMAP_SCAN` where the kernel has it) and start the
    /// epoch thread, which stops once the runtime and its [`Code`]s are dropped, and the
    /// handler threads, which stop when the runtime is dropped.
    pub fn new(config: RuntimeConfig) -> Result<Runtime, RuntimeError> {
        let (engine, memory_reset) = engine::build(&config)?;
        let mut linker = Linker::new(&engine);
        wasmtime_wasi::p2::add_to_linker_sync(&mut linker)
            .map_err(|e| RuntimeError::Internal(format!("WASI linker: {e}")))?;
        let mut linker_async = Linker::new(&engine);
        wasmtime_wasi::p2::add_to_linker_async(&mut linker_async)
            .map_err(|e| RuntimeError::Internal(format!("WASI linker: {e}")))?;
        bindings::engine::Engine::add_to_linker::<_, wasmtime::component::HasSelf<State>>(
            &mut linker_async,
            |state| state,
        )
        .map_err(|e| RuntimeError::Internal(format!("engine linker: {e}")))?;
        engine::spawn_epoch_ticker(&engine, config.epoch_tick)?;
        let pool = pool::Pool::new(config.threads, config.handler_niceness)?;
        let budget = budget::Budget::new(config.max_total_memory_mb);
        tracing::debug!(
            ?memory_reset,
            max_instances = config.max_instances,
            threads = config.threads,
            max_total_memory_mb = config.max_total_memory_mb,
            "runtime ready"
        );
        Ok(Runtime {
            inner: Arc::new(Inner {
                engine,
                linker,
                linker_async,
                codes: DashMap::new(),
                compiling: DashMap::new(),
                engines: DashMap::new(),
                sources: parking_lot::Mutex::default(),
                compilations: std::sync::atomic::AtomicU64::new(0),
                admission: concurrency::Admission::default(),
                config,
                memory_reset,
                budget,
                pool,
            }),
        })
    }

    /// Compile (once per code sha; cached) a component.
    ///
    /// The bytes must be a component of the `s3lambda:handler` world needing no imports
    /// beyond WASI preview 2; anything else is [`RuntimeError::InvalidCode`].
    pub fn load(&self, code_sha256: &str, wasm: &[u8]) -> Result<Code, RuntimeError> {
        if let Some(code) = self.inner.codes.get(code_sha256) {
            return Ok(code.clone());
        }
        // Whoever arrives first compiles; the others wait at the gate, then find the cache.
        let gate = Arc::clone(
            self.inner
                .compiling
                .entry(code_sha256.to_owned())
                .or_default()
                .value(),
        );
        let _compiling = gate.lock();
        if let Some(code) = self.inner.codes.get(code_sha256) {
            return Ok(code.clone());
        }
        let compiled = self.compile(code_sha256, wasm);
        self.inner.compiling.remove(code_sha256);
        compiled
    }

    /// How many components were compiled so far (each code sha once while cached).
    pub fn compilations(&self) -> u64 {
        self.inner
            .compilations
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    fn compile(&self, code_sha256: &str, wasm: &[u8]) -> Result<Code, RuntimeError> {
        self.inner
            .compilations
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let invalid = |e: wasmtime::Error| RuntimeError::InvalidCode(error_chain(&e));
        let started = Instant::now();
        let component = Component::new(&self.inner.engine, wasm).map_err(invalid)?;
        let pre_async = self
            .inner
            .linker_async
            .instantiate_pre(&component)
            .map_err(invalid)?;
        let pre_async = bindings::asynchronous::HandlerPre::new(pre_async).map_err(invalid)?;
        let elapsed = started.elapsed();
        if elapsed > Duration::from_secs(1) {
            tracing::info!(code_sha256, ?elapsed, "compiled a handler");
        } else {
            tracing::debug!(code_sha256, ?elapsed, "compiled a handler");
        }
        let template = Template::Handler {
            component,
            pre_async,
            pre: OnceLock::new(),
        };
        Ok(self.keep(code_sha256, template))
    }

    /// Caches a new code under `key` (unless a concurrent load cached one first).
    fn keep(&self, key: &str, template: Template) -> Code {
        let code = Code {
            inner: Arc::new(CodeInner {
                sha256: key.to_owned(),
                template,
            }),
        };
        self.inner
            .codes
            .entry(key.to_owned())
            .or_insert(code)
            .clone()
    }

    /// The compiled code of `code_sha256`, if it is cached (no compiling).
    pub fn cached(&self, code_sha256: &str) -> Option<Code> {
        self.inner.codes.get(code_sha256).map(|c| c.clone())
    }

    /// Drop the compiled code of `code_sha256` from the cache (running invocations keep
    /// their [`Code`]). Returns whether it was cached.
    pub fn unload(&self, code_sha256: &str) -> bool {
        self.inner.codes.remove(code_sha256).is_some()
    }

    /// A snapshot of the cache and the running invocations.
    pub fn stats(&self) -> RuntimeStats {
        RuntimeStats {
            compiled: self.inner.codes.len(),
            running: self.inner.admission.running(),
            memory_reset: self.inner.memory_reset,
            memory_reserved_mb: self.inner.budget.reserved_mb(),
        }
    }

    /// Blocking: run one invocation in a fresh instance, on the calling thread.
    ///
    /// A function that fails (handled error, trap, timeout, out of memory) is an `Ok`
    /// [`Outcome`] with a [`FunctionResult::Error`]; `Err` means it did not run
    /// ([`RuntimeError::Throttled`]). Waits (blocking) while the memory budget is spent.
    ///
    /// For tests and benchmarks (the server runs [`Runtime::invoke_async`]): its instance
    /// template is made for `code` on its first call.
    pub fn invoke(&self, code: &Code, inv: &Invocation) -> Result<Outcome, RuntimeError> {
        let inner = &*self.inner;
        let pre = code.sync_pre(&inner.linker)?;
        let _permit = self.admit(inv)?;
        let Some(_memory) = inner.budget.reserve_blocking(inv.memory_mb) else {
            return Ok(self.too_large(inv));
        };
        let capture = LogCapture::new(inner.config.max_log_bytes);
        let run = run_sync(&inner.engine, pre, inv, &capture);
        finish(run, &capture, inv, inner.config.max_instances)
    }

    /// Async: the same on the handler threads ([`RuntimeConfig::threads`]), never on the
    /// caller's executor; the caller awaits the outcome. The guest runs on a fiber and
    /// yields at every epoch tick, so one handler thread interleaves many guests. Waits
    /// while the memory budget is spent (the timeout starts when the guest does).
    ///
    /// At the first epoch tick past `Timeout` a running guest traps and the invocation
    /// ends as Lambda ends it (`Sandbox.Timedout`). A guest blocked in a host call (a WASI
    /// sleep or poll) sees no tick, so past `Timeout` and a grace of two ticks and 50 ms
    /// it is dropped and the invocation ends the same way. Either way the log keeps what
    /// the guest printed before the `Task timed out` line, and `REPORT` and
    /// [`Outcome::duration`] give the one measured duration.
    pub async fn invoke_async(&self, code: Code, inv: Invocation) -> Result<Outcome, RuntimeError> {
        let inner = &*self.inner;
        let permit = self.admit(&inv)?;
        let Some(memory) = inner.budget.reserve(inv.memory_mb).await else {
            return Ok(self.too_large(&inv));
        };
        let job = Job {
            engine: inner.engine.clone(),
            code,
            inv,
            max_log_bytes: inner.config.max_log_bytes,
            grace: inner.config.epoch_tick * 2 + Duration::from_millis(50),
            max_instances: inner.config.max_instances,
        };
        inner
            .pool
            .run(async move {
                let _held = (permit, memory);
                job.run().await
            })
            .await?
    }

    /// Admits one invocation (instance and reserved-concurrency limits); the slot is
    /// held until the returned permit is dropped.
    fn admit(&self, inv: &Invocation) -> Result<concurrency::Permit, RuntimeError> {
        let inner = &*self.inner;
        inner.admission.admit(
            inner.config.max_instances,
            &inv.function_name,
            inv.reserved_concurrency,
        )
    }

    /// The outcome of an invocation whose `MemorySize` exceeds the whole memory budget:
    /// it can never run, so it runs out of memory at once.
    fn too_large(&self, inv: &Invocation) -> Outcome {
        let notice = format!(
            "[s3lambda] MemorySize {} MB exceeds the memory all handlers may use together ({} MB)",
            inv.memory_mb,
            self.inner.budget.total_mb()
        );
        tracing::warn!(request_id = %inv.request_id, function = %inv.function_name, "{notice}");
        outcome(
            Ending::OutOfMemory,
            Duration::ZERO,
            0,
            &[notice.as_str()],
            &LogCapture::new(0),
            inv,
        )
    }
}

/// The context record the guest gets, as the bindings of world `$world` type it (every
/// world has the same record).
macro_rules! context_in {
    ($world:path, $inv:expr) => {{
        use $world as world;
        let c = context($inv);
        world::Context {
            request_id: c.request_id,
            invoked_function_arn: c.invoked_function_arn,
            function_name: c.function_name,
            function_version: c.function_version,
            memory_limit_mb: c.memory_limit_mb,
            deadline_ms: c.deadline_ms,
            log_group_name: c.log_group_name,
            log_stream_name: c.log_stream_name,
        }
    }};
}

/// An invocation handed to the handler threads, with what it needs of the runtime (and
/// no handle on the runtime itself, whose drop stops those threads).
struct Job {
    engine: Engine,
    code: Code,
    inv: Invocation,
    max_log_bytes: usize,
    grace: Duration,
    max_instances: u32,
}

impl Job {
    async fn run(self) -> Result<Outcome, RuntimeError> {
        let capture = LogCapture::new(self.max_log_bytes);
        let start = Instant::now();
        let limit = self.inv.timeout.saturating_add(self.grace);
        let running = run_async(&self.engine, &self.code, &self.inv, &capture, start);
        let run = if let Ok(run) = tokio::time::timeout(limit, running).await {
            run
        } else {
            tracing::warn!(request_id = %self.inv.request_id, function = %self.inv.function_name,
                "handler blocked in a host call past its timeout; reported as timed out");
            Run {
                called: Err(Trap::Interrupt.into()),
                duration: start.elapsed(),
                peak: 0,
                refused: false,
            }
        };
        finish(run, &capture, &self.inv, self.max_instances)
    }
}

/// What one call into a guest left behind.
struct Run {
    called: wasmtime::Result<Result<String, GuestError>>,
    /// From before instantiation to the end of the call.
    duration: Duration,
    /// The largest linear memory granted, in bytes.
    peak: usize,
    /// Whether a memory growth was refused.
    refused: bool,
}

impl Run {
    /// The run that `called` ended, started at `start`, with its store's memory figures.
    fn ended(
        called: wasmtime::Result<Result<String, GuestError>>,
        start: Instant,
        store: &wasmtime::Store<store::State>,
    ) -> Self {
        let limiter = &store.data().limiter;
        Self {
            called,
            duration: start.elapsed(),
            peak: limiter.peak,
            refused: limiter.refused,
        }
    }
}

/// When an invocation started at `start` times out.
fn deadline(start: Instant, timeout: Duration) -> Instant {
    start
        .checked_add(timeout)
        .or_else(|| start.checked_add(Duration::from_hours(24)))
        .unwrap_or(start)
}

/// A store for one invocation started at `start`: at every epoch tick before the timeout
/// the guest goes on as `tick` says (continue, or yield to other guests), at the first
/// tick past it the guest traps.
fn store_until(
    engine: &Engine,
    inv: &Invocation,
    capture: &LogCapture,
    task: Option<&Arc<task::TaskRoot>>,
    start: Instant,
    tick: fn(u64) -> UpdateDeadline,
) -> wasmtime::Store<store::State> {
    let deadline = deadline(start, inv.timeout);
    let mut store = store::new_store(engine, inv, capture, task);
    store.set_epoch_deadline(1);
    store.epoch_deadline_callback(move |_| {
        Ok(if Instant::now() >= deadline {
            UpdateDeadline::Interrupt
        } else {
            tick(1)
        })
    });
    store
}

/// Instantiate and call the guest on this thread; the first epoch tick past the timeout
/// traps it.
fn run_sync(
    engine: &Engine,
    pre: &HandlerPre<State>,
    inv: &Invocation,
    capture: &LogCapture,
) -> Run {
    let start = Instant::now();
    let mut store = store_until(engine, inv, capture, None, start, UpdateDeadline::Continue);
    let ctx = context(inv);
    let event = event(inv);
    let called = pre
        .instantiate(&mut store)
        .and_then(|handler| handler.call_handle(&mut store, &event, &ctx))
        .map(|r| r.map_err(GuestError::from));
    Run::ended(called, start, &store)
}

/// The same with async WASI, yielding at every epoch tick until the timeout, then
/// trapping as the sync deadline does. The deadline is wall-clock time, so a guest
/// starved of CPU (many guests per thread, a saturated machine) still traps at the first
/// tick it sees past its timeout.
async fn run_async(
    engine: &Engine,
    code: &Code,
    inv: &Invocation,
    capture: &LogCapture,
    start: Instant,
) -> Run {
    match &code.inner.template {
        Template::Handler { pre_async, .. } => {
            let mut store = store_until(engine, inv, capture, None, start, UpdateDeadline::Yield);
            let ctx = context_in!(bindings::asynchronous, inv);
            let called = match pre_async.instantiate_async(&mut store).await {
                Ok(handler) => handler.call_handle(&mut store, &event(inv), &ctx).await,
                Err(e) => Err(e),
            };
            let called = called.map(|r| r.map_err(GuestError::from_async));
            Run::ended(called, start, &store)
        }
        Template::Engine { pre, task } => {
            let mut store = store_until(
                engine,
                inv,
                capture,
                Some(task),
                start,
                UpdateDeadline::Yield,
            );
            let ctx = context_in!(bindings::engine, inv);
            let called = match pre.instantiate_async(&mut store).await {
                Ok(guest) => guest.call_handle(&mut store, &event(inv), &ctx).await,
                Err(e) => Err(e),
            };
            let called = called.map(|r| r.map_err(GuestError::from_engine));
            Run::ended(called, start, &store)
        }
    }
}

/// The event JSON as the guest takes it.
fn event(inv: &Invocation) -> std::borrow::Cow<'_, str> {
    String::from_utf8_lossy(&inv.payload)
}

/// An error the guest returned: a component's handled error, or an engine's error with the
/// language runtime's own payload.
struct GuestError {
    error_type: String,
    error_message: String,
    payload: Option<String>,
    unhandled: bool,
}

impl From<bindings::FunctionError> for GuestError {
    fn from(e: bindings::FunctionError) -> Self {
        Self {
            error_type: e.error_type,
            error_message: e.error_message,
            payload: None,
            unhandled: false,
        }
    }
}

impl GuestError {
    fn from_async(e: bindings::asynchronous::FunctionError) -> Self {
        Self {
            error_type: e.error_type,
            error_message: e.error_message,
            payload: None,
            unhandled: false,
        }
    }

    fn from_engine(e: bindings::engine::FunctionError) -> Self {
        Self {
            error_type: e.error_type,
            error_message: e.error_message,
            payload: Some(e.payload).filter(|p| !p.is_empty()),
            unhandled: e.unhandled,
        }
    }
}

/// The outcome of a run: its ending, the log (with the guest's output whatever the
/// ending) and the report figures.
fn finish(
    run: Run,
    capture: &LogCapture,
    inv: &Invocation,
    max_instances: u32,
) -> Result<Outcome, RuntimeError> {
    let ending = classify(run.called, run.refused, max_instances)?;
    Ok(outcome(ending, run.duration, run.peak, &[], capture, inv))
}

/// The outcome of an `ending` after `duration`, with `notes` from the runtime put after
/// the guest's output (and the truncation notice, if output was dropped).
fn outcome(
    ending: Ending,
    duration: Duration,
    peak: usize,
    notes: &[&str],
    capture: &LogCapture,
    inv: &Invocation,
) -> Outcome {
    let report = log::Report {
        duration,
        billed_ms: log::billed_ms(duration),
        max_memory_used_mb: log::megabytes(peak),
    };
    let (result, extra) = conclude(ending, inv);
    let captured = capture.contents();
    let truncated = captured.truncation_notice();
    let lines: Vec<&str> = truncated
        .as_deref()
        .into_iter()
        .chain(notes.iter().copied())
        .chain(extra.as_deref())
        .collect();
    let log = log::render(inv, &captured.bytes, &lines, &report);
    Outcome {
        result,
        log,
        duration,
        billed_duration_ms: report.billed_ms,
        max_memory_used_mb: report.max_memory_used_mb,
    }
}

/// The context record the guest gets.
fn context(inv: &Invocation) -> bindings::Context {
    let deadline = SystemTime::now() + inv.timeout;
    bindings::Context {
        request_id: inv.request_id.clone(),
        invoked_function_arn: inv.invoked_function_arn.clone(),
        function_name: inv.function_name.clone(),
        function_version: inv.function_version.clone(),
        memory_limit_mb: inv.memory_mb,
        deadline_ms: deadline
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as u64),
        log_group_name: inv.log_group.clone(),
        log_stream_name: inv.log_stream.clone(),
    }
}

/// Sort the end of a guest call into response, handled error or one of the host's
/// failures; a full pool is a throttle, not a function error.
fn classify(
    called: wasmtime::Result<Result<String, GuestError>>,
    memory_refused: bool,
    max_instances: u32,
) -> Result<Ending, RuntimeError> {
    let error = match called {
        Ok(Ok(response)) => return Ok(Ending::Response(response)),
        Ok(Err(returned)) => return Ok(Ending::Returned(returned)),
        Err(error) => error,
    };
    if memory_refused {
        return Ok(Ending::OutOfMemory);
    }
    if let Some(trap) = error.downcast_ref::<Trap>() {
        return Ok(if matches!(trap, Trap::Interrupt) {
            Ending::Timeout
        } else {
            Ending::Crash(trap.to_string())
        });
    }
    if let Some(I32Exit(status)) = error.downcast_ref::<I32Exit>() {
        return Ok(Ending::Crash(format!("exit status {status}")));
    }
    if error.downcast_ref::<PoolConcurrencyLimitError>().is_some() {
        return Err(RuntimeError::Throttled {
            reason: ThrottleReason::ConcurrencyLimit {
                limit: max_instances,
            },
        });
    }
    Ok(Ending::Crash(error_chain(&error)))
}

/// The function result and the runtime's own log lines for an ending.
fn conclude(ending: Ending, inv: &Invocation) -> (FunctionResult, Option<String>) {
    let unhandled = |error_type: &str, error_message: String| {
        FunctionResult::Error(FunctionError {
            kind: ErrorKind::Unhandled,
            error_type: error_type.to_owned(),
            error_message,
            payload: None,
        })
    };
    let id = &inv.request_id;
    match ending {
        Ending::Response(response) => (FunctionResult::Ok(Bytes::from(response)), None),
        Ending::Returned(e) => (
            FunctionResult::Error(FunctionError {
                kind: if e.unhandled {
                    ErrorKind::Unhandled
                } else {
                    ErrorKind::Handled
                },
                error_type: e.error_type,
                error_message: e.error_message,
                payload: e.payload,
            }),
            None,
        ),
        Ending::Timeout => {
            let message = format!(
                "{} {id} Task timed out after {:.2} seconds",
                log::timestamp(OffsetDateTime::now_utc()),
                inv.timeout.as_secs_f64()
            );
            (
                unhandled("Sandbox.Timedout", message.clone()),
                Some(message),
            )
        }
        Ending::OutOfMemory => {
            let message =
                format!("RequestId: {id} Error: Runtime exited with error: signal: killed");
            let lines = format!("{message}\nRuntime.OutOfMemory");
            (unhandled("Runtime.OutOfMemory", message), Some(lines))
        }
        Ending::Crash(detail) => {
            let message = format!("RequestId: {id} Error: Runtime exited with error: {detail}");
            let lines = format!("{message}\nRuntime.ExitError");
            (unhandled("Runtime.ExitError", message), Some(lines))
        }
    }
}

/// An error and its causes on one line.
fn error_chain(error: &wasmtime::Error) -> String {
    let mut text = String::new();
    for cause in error.chain() {
        if !text.is_empty() {
            text.push_str(": ");
        }
        text.push_str(&cause.to_string());
    }
    text
}
