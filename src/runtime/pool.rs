//! The handler threads: a dedicated multi-threaded tokio runtime of
//! [`RuntimeConfig::threads`](super::RuntimeConfig::threads) OS threads on which every
//! guest runs, so that the edge's async workers never run guest code.
//!
//! Guests run on fibers and yield at every epoch tick, so one thread interleaves many
//! CPU-bound guests and a guest blocked in a WASI sleep holds no thread. Work reaches the
//! pool only after admission, so its queue never holds more than the runtime's
//! `max_instances` invocations.

use std::future::Future;

use tokio::runtime::{Builder, Runtime as Tokio};

use super::RuntimeError;

/// The pool; dropping it stops its threads without waiting for them.
pub(super) struct Pool {
    tokio: Option<Tokio>,
}

impl Pool {
    /// Start `threads` handler threads (at least one).
    pub(super) fn new(threads: usize) -> Result<Self, RuntimeError> {
        let tokio = Builder::new_multi_thread()
            .worker_threads(threads.max(1))
            .max_blocking_threads(threads.max(1))
            .thread_name("s3lambda-handler")
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
