//! The handler threads: a dedicated multi-threaded tokio runtime of
//! [`RuntimeConfig::threads`](super::RuntimeConfig::threads) OS threads on which every
//! guest runs, so that the edge's async workers never run guest code.
//!
//! Guests run on fibers and yield at every epoch tick, so one thread interleaves many
//! CPU-bound guests and a guest blocked in a WASI sleep holds no thread. Work reaches the
//! pool only after admission, so its queue never holds more than the runtime's
//! `max_instances` invocations. The threads run at a lower CPU priority than the server's
//! ([`RuntimeConfig::handler_niceness`](super::RuntimeConfig::handler_niceness)), so on busy
//! cores the kernel runs the edge first.

use std::future::Future;

use tokio::runtime::{Builder, Runtime as Tokio};

use super::RuntimeError;

/// The pool; dropping it stops its threads without waiting for them.
pub(super) struct Pool {
    tokio: Option<Tokio>,
}

impl Pool {
    /// Start `threads` handler threads (at least one), `niceness` below the caller's
    /// CPU priority.
    pub(super) fn new(threads: usize, niceness: u8) -> Result<Self, RuntimeError> {
        let tokio = Builder::new_multi_thread()
            .worker_threads(threads.max(1))
            .max_blocking_threads(threads.max(1))
            .thread_name("s3lambda-handler")
            .on_thread_start(move || lower_priority(niceness))
            .enable_time()
            .build()
            .map_err(|e| RuntimeError::Internal(format!("handler threads: {e}")))?;
        Ok(Self { tokio: Some(tokio) })
    }

    /// Run `work` on the handler threads; its result comes back to the awaiting caller.
    pub(super) async fn run<T: Send + 'static>(
        &self,
        work: impl Future<Output = T> + Send + 'static,
    ) -> Result<T, RuntimeError> {
        let Some(tokio) = &self.tokio else {
            return Err(RuntimeError::Internal("handler threads stopped".to_owned()));
        };
        tokio
            .spawn(work)
            .await
            .map_err(|e| RuntimeError::Internal(format!("handler task: {e}")))
    }
}

impl Drop for Pool {
    fn drop(&mut self) {
        // `shutdown_background` may be called from async code, unlike a plain drop.
        if let Some(tokio) = self.tokio.take() {
            tokio.shutdown_background();
        }
    }
}

/// Lowers the calling thread's CPU priority by `niceness` (up to the lowest, 19). A failure
/// only costs latency under load, so it is logged, not returned.
#[cfg(target_os = "linux")]
fn lower_priority(niceness: u8) {
    use rustix::process::{getpriority_process, setpriority_process};
    if niceness == 0 {
        return;
    }
    let tid = rustix::thread::gettid();
    let result = getpriority_process(Some(tid)).and_then(|current| {
        setpriority_process(Some(tid), (current + i32::from(niceness)).min(19))
    });
    if let Err(e) = result {
        tracing::debug!(error = %e, "handler thread priority unchanged");
    }
}

/// Thread priorities are set on Linux only.
#[cfg(not(target_os = "linux"))]
fn lower_priority(_niceness: u8) {}
