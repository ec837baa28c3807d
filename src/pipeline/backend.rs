//! The steps a delivery needs from the rest of the simulator: authorize, then invoke.

use std::future::Future;
use std::time::Duration;

use bytes::Bytes;

use super::authorize::Target;
use crate::lambda::policy::{Decision, Refusal, Unresolved};
use crate::runtime::ErrorKind;

/// What the dispatcher asks of Lambda. The simulator implements it with the function
/// registry, [`authorize_s3`](super::authorize::authorize_s3) and the WebAssembly runtime.
pub(crate) trait Backend: Send + Sync + 'static {
    /// What [`Backend::authorize`] resolved, handed to the first attempt so a delivery
    /// resolves its ARN once.
    type Resolution: Send + 'static;

    /// Resolves the configured function ARN and evaluates that qualifier's resource policy
    /// for `s3.amazonaws.com` invoking from `source_arn` / `source_account`.
    fn authorize(&self, target: &Target<'_>) -> Result<Authorized<Self::Resolution>, Refusal>;

    /// Runs one attempt and invokes the handler. The first attempt gets the resolution
    /// [`Backend::authorize`] made; a retry gets `None` and resolves the ARN again (an
    /// alias may have moved, a weighted alias picks per invocation).
    fn invoke(
        &self,
        target: &Target<'_>,
        payload: Bytes,
        resolution: Option<Self::Resolution>,
    ) -> impl Future<Output = AttemptOutcome> + Send + 'static;
}

/// A delivery S3 may make.
#[derive(Debug, Clone)]
pub(crate) struct Authorized<R> {
    /// The version the configured ARN resolved to (`$LATEST`, `1`, ...; for a weighted
    /// alias, the version this check picked: each attempt picks again).
    pub resolved_version: String,
    /// The decision and the statement that allowed it.
    pub decision: Decision,
    /// The asynchronous-invocation settings of the configured qualifier.
    pub config: AsyncConfig,
    /// The resolution behind this decision, for the first attempt.
    pub resolution: R,
}

/// `PutFunctionEventInvokeConfig` settings for a qualifier, with Lambda's defaults.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct AsyncConfig {
    /// Retries after a function error: 0 to 2 (default 2).
    pub max_retries: u32,
    /// The oldest an event may get before it is discarded (default 6 hours).
    pub max_event_age: Duration,
    /// Where success records go.
    pub on_success: Option<String>,
    /// Where failure records go.
    pub on_failure: Option<String>,
}

impl Default for AsyncConfig {
    fn default() -> Self {
        Self {
            max_retries: 2,
            max_event_age: Duration::from_hours(6),
            on_success: None,
            on_failure: None,
        }
    }
}

/// How one attempt ended.
#[derive(Debug, Clone)]
pub(crate) enum AttemptOutcome {
    /// The handler ran (successfully or not).
    Ran(Ran),
    /// Lambda refused to run it now.
    Throttled {
        /// Whether waiting can help (reserved concurrency 0 means it cannot).
        retryable: bool,
        /// Why.
        reason: String,
    },
    /// The function, version or alias is gone (e.g. deleted after the configuration).
    Unresolved(Unresolved),
}

/// A handler run.
#[derive(Debug, Clone)]
pub(crate) struct Ran {
    /// The Lambda request id.
    pub request_id: String,
    /// The version that ran.
    pub executed_version: String,
    /// The ARN of the function that ran, qualified with the version.
    pub function_arn: String,
    /// The handler's run time.
    pub duration: Duration,
    /// `None` on success, else the error as the runtime reported it.
    pub error: Option<RanError>,
    /// The response payload (the result, or the error JSON).
    pub response: Bytes,
    /// The last lines of the log.
    pub log_tail: String,
}

/// A function error of a run.
#[derive(Debug, Clone)]
pub(crate) struct RanError {
    /// `Handled` or `Unhandled`.
    pub kind: ErrorKind,
    /// The error's `errorType`.
    pub error_type: String,
    /// The error's `errorMessage`.
    pub error_message: String,
}
