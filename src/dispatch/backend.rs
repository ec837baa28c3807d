//! The steps a delivery needs from the rest of the simulator: resolve and authorize, invoke.

use std::any::Any;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;

use crate::trace::PolicyCheck;

/// What the dispatcher asks of Lambda. The simulator implements it with the function
/// registry, the resource-policy evaluator and the WebAssembly runtime.
pub trait Backend: Send + Sync + 'static {
    /// Resolves the configured function ARN and evaluates that qualifier's resource policy
    /// for `s3.amazonaws.com` invoking from `source_arn` / `source_account`.
    fn authorize(&self, target: &Target<'_>) -> Result<Authorized, Refusal>;

    /// Runs one attempt and invokes the handler. The first attempt gets the resolution
    /// [`Backend::authorize`] made ([`Authorized::resolution`]); a retry gets `None` and
    /// resolves the ARN again (an alias may have moved, a weighted alias picks per
    /// invocation).
    fn invoke(
        &self,
        target: &Target<'_>,
        payload: Bytes,
        resolution: Option<Resolution>,
    ) -> Pin<Box<dyn Future<Output = AttemptOutcome> + Send + 'static>>;
}

/// What [`Backend::authorize`] resolved, opaque to the dispatcher, handed back to the
/// first attempt so a delivery resolves its ARN once.
pub type Resolution = Arc<dyn Any + Send + Sync>;

/// The function a delivery is for, and the request context S3 presents.
#[derive(Debug, Clone, Copy)]
pub struct Target<'a> {
    /// The function ARN as configured on the bucket.
    pub function_arn: &'a str,
    /// The bucket's region.
    pub region: &'a str,
    /// `arn:aws:s3:::{bucket}`.
    pub source_arn: &'a str,
    /// The bucket owner's account id.
    pub source_account: &'a str,
}

/// A delivery S3 may make.
#[derive(Debug, Clone)]
pub struct Authorized {
    /// The version the configured ARN resolved to (`$LATEST`, `1`, ...; for a weighted
    /// alias, the version this check picked: each attempt picks again).
    pub resolved_version: String,
    /// The decision and the statement that allowed it.
    pub policy: PolicyCheck,
    /// The asynchronous-invocation settings of the configured qualifier.
    pub config: AsyncConfig,
    /// The resolution behind this decision, for the first attempt.
    pub resolution: Option<Resolution>,
}

/// Why a delivery will not be made. Final: no retries, as with AWS.
#[derive(Debug, Clone)]
pub enum Refusal {
    /// The function, version or alias does not exist; the text says which.
    Unresolved(String),
    /// The qualifier's resource policy does not allow it; the check says why.
    Denied {
        /// The version the configured ARN resolved to.
        resolved_version: String,
        /// The decision and why.
        policy: PolicyCheck,
    },
}

/// `PutFunctionEventInvokeConfig` settings for a qualifier, with Lambda's defaults.
#[derive(Debug, Clone, PartialEq)]
pub struct AsyncConfig {
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
pub enum AttemptOutcome {
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
    Unresolved(String),
}

/// A handler run.
#[derive(Debug, Clone)]
pub struct Ran {
    /// The Lambda request id.
    pub request_id: String,
    /// The version that ran.
    pub executed_version: String,
    /// The ARN of the function that ran, qualified with the version.
    pub function_arn: String,
    /// The handler's run time.
    pub duration: Duration,
    /// `None` on success, else `Handled` or `Unhandled`.
    pub function_error: Option<String>,
    /// The error's `errorType`, when it failed.
    pub error_type: String,
    /// The error's `errorMessage`, when it failed.
    pub error_message: String,
    /// The response payload (the result, or the error JSON).
    pub response: Bytes,
    /// The last lines of the log.
    pub log_tail: String,
}
