//! The event pipeline, from an accepted S3 write to a handler's return, typed end to end:
//!
//! 1. **emit** (`emit.rs`): the bucket's notification configurations are matched, each
//!    matching Lambda configuration gets the event record, the event its trace, and each
//!    delivery a place in the queue (`queue.rs`, `job.rs`);
//! 2. **authorize** ([`authorize_s3`]): before its first attempt a delivery resolves the
//!    configured ARN and checks that S3 may invoke it (the same check validates a
//!    notification configuration's destinations when it is put);
//! 3. **execute** (`worker.rs`, `execute.rs`): attempts run in the WebAssembly runtime with
//!    Lambda's asynchronous retry schedule (`schedule.rs`), and the outcome is written to
//!    the trace, counted, and kept as a [`DestinationRecord`].
//!
//! The Lambda API's `Invoke` runs code through the same executor (`invoker.rs`).

mod authorize;
mod backend;
mod destination;
mod emit;
mod execute;
mod invoker;
mod job;
mod lambda_backend;
mod prepared;
mod queue;
mod schedule;
mod worker;

#[cfg(test)]
mod tests;

use std::sync::Arc;

pub use authorize::{Grant, Target, authorize_s3};
pub use destination::{Condition, DestinationRecord, Records};
pub(crate) use emit::Origin;
pub(crate) use execute::Executor;
pub(crate) use invoker::RuntimeInvoker;
pub use queue::{DispatchConfig, Dispatcher};
pub use schedule::Timing;

use crate::lambda::Lambda;
use crate::notify::DestinationValidator;
use crate::s3::{Effect, S3};
use crate::trace::Journal;

/// The pipeline of one simulator: the delivery queue and the Lambda it delivers to.
pub(crate) struct Pipeline {
    dispatcher: Dispatcher,
    backend: Arc<lambda_backend::LambdaBackend>,
}

impl Pipeline {
    /// A pipeline delivering to `lambda` through `executor`; its workers start with the
    /// first event (or [`Pipeline::start`]).
    pub fn new(
        config: &DispatchConfig,
        journal: Arc<Journal>,
        lambda: Lambda,
        executor: Executor,
    ) -> Self {
        Self {
            dispatcher: Dispatcher::new(config, journal),
            backend: Arc::new(lambda_backend::LambdaBackend::new(lambda, executor)),
        }
    }

    /// The check S3 makes of each Lambda destination of a notification configuration: the
    /// authorization a delivery gets.
    pub fn destination_validator(&self) -> Arc<dyn DestinationValidator + Send + Sync> {
        Arc::clone(&self.backend) as Arc<dyn DestinationValidator + Send + Sync>
    }

    /// The delivery queue.
    pub fn dispatcher(&self) -> &Dispatcher {
        &self.dispatcher
    }

    /// Starts the workers if they are not running yet. Needs a tokio runtime.
    pub fn start(&self) {
        self.dispatcher.start(Arc::clone(&self.backend));
    }

    /// Emits the events of `effects`, the changes one accepted request made to `bucket`.
    pub fn emit(&self, s3: &S3, bucket: &str, effects: Vec<Effect>, origin: &Origin<'_>) {
        if effects.is_empty() {
            return;
        }
        let Some(emission) = emit::Emission::new(s3, bucket, origin) else {
            return;
        };
        self.start();
        for effect in effects {
            emission.emit(self.dispatcher.journal(), &self.dispatcher, &effect);
        }
    }
}
