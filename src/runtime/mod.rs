//! The WebAssembly handler runtime on wasmtime.
//!
//! One [`Runtime`] owns one wasmtime engine (pooling allocator, epoch interruption),
//! a cache of compiled handlers keyed by their code SHA-256, and the admission counters
//! (pool size, reserved concurrency). Every invocation runs in a fresh instance made from
//! a pre-instantiated template, with WASI preview 2 (no files, no network, the function's
//! environment), its stdout and stderr captured as the Lambda log, `MemorySize` as the
//! linear memory limit and `Timeout` as an epoch deadline. No wasmtime type leaves
//! this module.
//!
//! Handlers implement the `s3lambda:handler` world of `handlers/wit`; the built-in ones
//! are in [`handlers`].

mod bindings;
mod concurrency;
mod config;
mod engine;
mod error;
pub mod handlers;
mod invocation;
mod log;
mod store;
#[cfg(test)]
mod tests;

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use dashmap::DashMap;
use time::OffsetDateTime;
use wasmtime::component::{Component, Linker};
use wasmtime::{Engine, PoolConcurrencyLimitError, Trap, UpdateDeadline};
use wasmtime_wasi::I32Exit;
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;

pub use config::{InstanceAllocator, RuntimeConfig};
pub use engine::MemoryReset;
pub use error::{RuntimeError, ThrottleReason};
pub use invocation::{ErrorKind, FunctionError, FunctionResult, Invocation, Outcome};

use bindings::HandlerPre;
use store::State;

/// An admitted invocation: its concurrency permit, log pipe, deadline in ticks, start time.
struct Slot<'a> {
    _permit: concurrency::Permit<'a>,
    output: MemoryOutputPipe,
    ticks: u64,
    start: Instant,
}

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
    /// Components compiled so far (cache misses).
    compilations: std::sync::atomic::AtomicU64,
    admission: concurrency::Admission,
    config: RuntimeConfig,
    memory_reset: MemoryReset,
}

/// A compiled handler, ready to instantiate. Cheap to clone.
#[derive(Clone)]
pub struct Code {
    inner: Arc<CodeInner>,
}

struct CodeInner {
    sha256: String,
    pre: HandlerPre<State>,
    pre_async: bindings::asynchronous::HandlerPre<State>,
}

impl Code {
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
}

/// How a call into the guest ended.
enum Ending {
    Response(String),
    Handled(bindings::FunctionError),
    Timeout,
    OutOfMemory,
    Crash(String),
}

impl Runtime {
    /// Build the engine (with `PAGEMAP_SCAN` where the kernel has it) and start the
    /// epoch thread, which stops once the runtime and its [`Code`]s are dropped.
    pub fn new(config: RuntimeConfig) -> Result<Runtime, RuntimeError> {
        let (engine, memory_reset) = engine::build(&config)?;
        let mut linker = Linker::new(&engine);
        wasmtime_wasi::p2::add_to_linker_sync(&mut linker)
            .map_err(|e| RuntimeError::Internal(format!("WASI linker: {e}")))?;
        let mut linker_async = Linker::new(&engine);
        wasmtime_wasi::p2::add_to_linker_async(&mut linker_async)
            .map_err(|e| RuntimeError::Internal(format!("WASI linker: {e}")))?;
        engine::spawn_epoch_ticker(&engine, config.epoch_tick)?;
        tracing::debug!(
            ?memory_reset,
            max_instances = config.max_instances,
            "runtime ready"
        );
        Ok(Runtime {
            inner: Arc::new(Inner {
                engine,
                linker,
                linker_async,
                codes: DashMap::new(),
                compiling: DashMap::new(),
                compilations: std::sync::atomic::AtomicU64::new(0),
                admission: concurrency::Admission::default(),
                config,
                memory_reset,
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
        let pre = self
            .inner
            .linker
            .instantiate_pre(&component)
            .map_err(invalid)?;
        let pre = HandlerPre::new(pre).map_err(invalid)?;
        let pre_async = self
            .inner
            .linker_async
            .instantiate_pre(&component)
            .map_err(invalid)?;
        let pre_async = bindings::asynchronous::HandlerPre::new(pre_async).map_err(invalid)?;
        tracing::debug!(code_sha256, elapsed = ?started.elapsed(), "compiled handler");
        let code = Code {
            inner: Arc::new(CodeInner {
                sha256: code_sha256.to_owned(),
                pre,
                pre_async,
            }),
        };
        Ok(self
            .inner
            .codes
            .entry(code_sha256.to_owned())
            .or_insert(code)
            .clone())
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
        }
    }

    /// Blocking: run one invocation in a fresh instance.
    ///
    /// A function that fails (handled error, trap, timeout, out of memory) is an `Ok`
    /// [`Outcome`] with a [`FunctionResult::Error`]; `Err` means it did not run
    /// ([`RuntimeError::Throttled`]).
    pub fn invoke(&self, code: &Code, inv: &Invocation) -> Result<Outcome, RuntimeError> {
        let slot = self.admit(inv)?;
        let ticks = slot.ticks;
        let (output, start) = (&slot.output, slot.start);
        let mut store = store::new_store(&self.inner.engine, inv, output, ticks);
        let ctx = context(inv);
        let event = String::from_utf8_lossy(&inv.payload);
        let called = code
            .inner
            .pre
            .instantiate(&mut store)
            .and_then(|handler| handler.call_handle(&mut store, &event, &ctx));
        self.finish(called, store, start, output, inv)
    }

    /// Async: the same on the caller's task, without a thread hand-off. The guest runs on
    /// a fiber and yields to the executor at every epoch tick (so a long-running guest
    /// shares the worker thread), and its WASI host calls are async.
    ///
    /// Epoch interruption stops a guest that runs past its `Timeout`, but not one blocked in
    /// a host call (a WASI sleep or poll). So the timeout is also enforced here: past
    /// `Timeout` and a grace of two epoch ticks, the invocation ends as Lambda ends it
    /// (`Sandbox.Timedout`), without the guest's output; the blocked instance is dropped.
    pub async fn invoke_async(&self, code: Code, inv: Invocation) -> Result<Outcome, RuntimeError> {
        let limit = inv.timeout + self.inner.config.epoch_tick * 2 + Duration::from_millis(50);
        if let Ok(outcome) = tokio::time::timeout(limit, self.run_async(&code, &inv)).await {
            return outcome;
        }
        tracing::warn!(request_id = %inv.request_id, function = %inv.function_name,
            "handler blocked in a host call past its timeout; reported as timed out");
        let (result, extra) = conclude(Ending::Timeout, &inv);
        let report = log::Report {
            duration: limit,
            billed_ms: log::billed_ms(inv.timeout),
            max_memory_used_mb: 0,
        };
        let log = log::render(&inv, &[], extra.as_deref(), &report);
        Ok(Outcome {
            result,
            log,
            duration: inv.timeout,
            billed_duration_ms: report.billed_ms,
            max_memory_used_mb: 0,
        })
    }

    async fn run_async(&self, code: &Code, inv: &Invocation) -> Result<Outcome, RuntimeError> {
        let slot = self.admit(inv)?;
        let ticks = slot.ticks;
        let (output, start) = (&slot.output, slot.start);
        let mut store = store::new_store(&self.inner.engine, inv, output, 1);
        // Yield at every tick until the deadline, then trap as the sync deadline does.
        let mut elapsed = 0u64;
        store.epoch_deadline_callback(move |_| {
            elapsed += 1;
            Ok(if elapsed >= ticks {
                UpdateDeadline::Interrupt
            } else {
                UpdateDeadline::Yield(1)
            })
        });
        let ctx = context_async(inv);
        let event = String::from_utf8_lossy(&inv.payload);
        let called = match code.inner.pre_async.instantiate_async(&mut store).await {
            Ok(handler) => handler.call_handle(&mut store, &event, &ctx).await,
            Err(e) => Err(e),
        };
        let called = called.map(|r| {
            r.map_err(|e| bindings::FunctionError {
                error_type: e.error_type,
                error_message: e.error_message,
            })
        });
        self.finish(called, store, start, output, inv)
    }

    /// Admits one invocation (instance and reserved-concurrency limits) and starts its clock
    /// and log; the slot is held until the returned value is dropped.
    fn admit(&self, inv: &Invocation) -> Result<Slot<'_>, RuntimeError> {
        let inner = &*self.inner;
        Ok(Slot {
            _permit: inner.admission.admit(
                inner.config.max_instances,
                &inv.function_name,
                inv.reserved_concurrency,
            )?,
            output: MemoryOutputPipe::new(inner.config.max_log_bytes),
            ticks: engine::deadline_ticks(inv.timeout, inner.config.epoch_tick),
            start: Instant::now(),
        })
    }

    /// The outcome of a call: its ending, the log and the report figures.
    fn finish(
        &self,
        called: wasmtime::Result<Result<String, bindings::FunctionError>>,
        store: wasmtime::Store<State>,
        start: Instant,
        output: &MemoryOutputPipe,
        inv: &Invocation,
    ) -> Result<Outcome, RuntimeError> {
        let duration = start.elapsed();
        let (peak, refused) = (store.data().limiter.peak, store.data().limiter.refused);
        drop(store);

        let ending = classify(called, refused, self.inner.config.max_instances)?;
        let report = log::Report {
            duration,
            billed_ms: log::billed_ms(duration),
            max_memory_used_mb: log::megabytes(peak),
        };
        let (result, extra) = conclude(ending, inv);
        let log = log::render(inv, &output.contents(), extra.as_deref(), &report);
        Ok(Outcome {
            result,
            log,
            duration,
            billed_duration_ms: report.billed_ms,
            max_memory_used_mb: report.max_memory_used_mb,
        })
    }
}

/// The context record, as the async bindings type it.
fn context_async(inv: &Invocation) -> bindings::asynchronous::Context {
    let c = context(inv);
    bindings::asynchronous::Context {
        request_id: c.request_id,
        invoked_function_arn: c.invoked_function_arn,
        function_name: c.function_name,
        function_version: c.function_version,
        memory_limit_mb: c.memory_limit_mb,
        deadline_ms: c.deadline_ms,
        log_group_name: c.log_group_name,
        log_stream_name: c.log_stream_name,
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
    called: wasmtime::Result<Result<String, bindings::FunctionError>>,
    memory_refused: bool,
    max_instances: u32,
) -> Result<Ending, RuntimeError> {
    let error = match called {
        Ok(Ok(response)) => return Ok(Ending::Response(response)),
        Ok(Err(handled)) => return Ok(Ending::Handled(handled)),
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
        })
    };
    let id = &inv.request_id;
    match ending {
        Ending::Response(response) => (FunctionResult::Ok(Bytes::from(response)), None),
        Ending::Handled(e) => (
            FunctionResult::Error(FunctionError {
                kind: ErrorKind::Handled,
                error_type: e.error_type,
                error_message: e.error_message,
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
