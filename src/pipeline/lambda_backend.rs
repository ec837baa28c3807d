//! The dispatcher's view of Lambda: authorize with [`authorize_s3`], run the handler through
//! the [`Executor`]; and the same authorization for S3's destination check.

use std::future::Future;

use bytes::Bytes;

use super::authorize::{Grant, Target, authorize_s3, resolve};
use super::backend::{AsyncConfig, AttemptOutcome, Authorized, Backend, Ran, RanError};
use super::execute::Executor;
use crate::lambda::Lambda;
use crate::lambda::invoke_config::EventInvokeConfig;
use crate::lambda::policy::Refusal;
use crate::lambda::registry::Resolved;
use crate::notify::{BucketContext, DestinationValidator};
use crate::runtime::{ErrorKind, FunctionResult, RuntimeError, ThrottleReason};

/// Lambda as S3 push notifications reach it.
pub(crate) struct LambdaBackend {
    lambda: Lambda,
    executor: Executor,
}

impl LambdaBackend {
    pub fn new(lambda: Lambda, executor: Executor) -> Self {
        Self { lambda, executor }
    }
}

impl Backend for LambdaBackend {
    type Resolution = Resolved;

    fn authorize(&self, target: &Target<'_>) -> Result<Authorized<Resolved>, Refusal> {
        let Grant { resolved, decision } = authorize_s3(self.lambda.registry(), target)?;
        Ok(Authorized {
            resolved_version: resolved.executed_version.clone(),
            decision,
            config: resolved
                .event_invoke_config
                .as_ref()
                .map_or_else(AsyncConfig::default, async_config),
            resolution: resolved,
        })
    }

    fn invoke(
        &self,
        target: &Target<'_>,
        payload: Bytes,
        resolution: Option<Resolved>,
    ) -> impl Future<Output = AttemptOutcome> + Send + 'static {
        let resolved = match resolution {
            Some(resolved) => Ok(resolved),
            None => resolve(self.lambda.registry(), target).map(|(_, r)| r),
        };
        let executor = self.executor.clone();
        async move {
            match resolved {
                Ok(resolved) => attempt(&executor, resolved, payload).await,
                Err(reason) => AttemptOutcome::Unresolved(reason),
            }
        }
    }
}

/// One run of `resolved`, as the dispatcher sees it.
async fn attempt(executor: &Executor, resolved: Resolved, payload: Bytes) -> AttemptOutcome {
    let request_id = uuid::Uuid::new_v4().to_string();
    let function_arn = resolved.config.version_arn();
    let invoked_arn = resolved.invoked_arn.clone();
    let result = executor
        .run(&resolved, invoked_arn, payload, request_id.clone())
        .await;
    let executed_version = resolved.executed_version;
    match result {
        Ok(outcome) => {
            let (response, error) = match outcome.result {
                FunctionResult::Ok(bytes) => (bytes, None),
                FunctionResult::Error(e) => (
                    Bytes::from(e.to_json()),
                    Some(RanError {
                        kind: e.kind,
                        error_type: e.error_type,
                        error_message: e.error_message,
                    }),
                ),
            };
            AttemptOutcome::Ran(Ran {
                request_id,
                executed_version,
                function_arn,
                duration: outcome.duration,
                error,
                response,
                log_tail: log_tail(outcome.log),
            })
        }
        Err(RuntimeError::Throttled { reason }) => AttemptOutcome::Throttled {
            retryable: !matches!(reason, ThrottleReason::ReservedConcurrency { limit: 0, .. }),
            reason: reason.to_string(),
        },
        Err(e @ (RuntimeError::InvalidCode(_) | RuntimeError::EngineUnavailable { .. })) => {
            AttemptOutcome::Ran(Ran {
                request_id,
                executed_version,
                function_arn,
                duration: std::time::Duration::ZERO,
                error: Some(RanError {
                    kind: ErrorKind::Unhandled,
                    error_type: "Runtime.InvalidEntrypoint".into(),
                    error_message: match e {
                        RuntimeError::InvalidCode(msg) => msg,
                        other => other.to_string(),
                    },
                }),
                response: Bytes::new(),
                log_tail: String::new(),
            })
        }
        // A failure of the simulator itself: Lambda retries system errors like throttles.
        Err(RuntimeError::Internal(msg)) => AttemptOutcome::Throttled {
            retryable: true,
            reason: msg,
        },
    }
}

/// The dispatcher's settings from `PutFunctionEventInvokeConfig`.
fn async_config(c: &EventInvokeConfig) -> AsyncConfig {
    AsyncConfig {
        max_retries: c.retry_attempts(),
        max_event_age: std::time::Duration::from_secs(u64::from(c.max_event_age())),
        on_success: c.on_success.clone(),
        on_failure: c.on_failure.clone(),
    }
}

/// PutBucketNotificationConfiguration's destination check: the same authorization as a
/// delivery, for the ARN exactly as configured.
impl DestinationValidator for LambdaBackend {
    fn check_lambda(&self, function_arn: &str, bucket: &BucketContext<'_>) -> Result<(), Refusal> {
        let source_arn = format!("arn:aws:s3:::{}", bucket.bucket);
        let target = Target {
            function_arn,
            region: bucket.region,
            source_arn: &source_arn,
            source_account: bucket.owner,
        };
        authorize_s3(self.lambda.registry(), &target).map(drop)
    }
}

/// The last 4 KB of a log (the cut `Invoke` uses for `X-Amz-Log-Result`), starting at a
/// line start when it had to cut.
fn log_tail(log: String) -> String {
    let tail = crate::lambda::api::invoke::log_tail(&log);
    if tail.len() == log.len() {
        return log; // the usual case: no copy
    }
    tail.find('\n').map_or(tail, |i| &tail[i + 1..]).to_owned()
}
