//! The dispatcher's view of Lambda: resolve the configured ARN in the registry, evaluate that
//! qualifier's resource policy with the request context S3 presents, run the handler.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use bytes::Bytes;

use crate::arn::{FunctionRef, NameKind};
use crate::dispatch::{
    AsyncConfig, AttemptOutcome, Authorized, Backend, Ran, Refusal, Resolution, Target,
};
use crate::lambda::Lambda;
use crate::lambda::policy::{Caller, RequestContext, explain_other_scopes};
use crate::lambda::registry::Resolved;
use crate::runtime::{FunctionResult, RuntimeError, ThrottleReason};
use crate::trace::PolicyCheck;

use super::execute::Executor;

/// Lambda as S3 push notifications reach it.
pub(crate) struct LambdaBackend {
    lambda: Lambda,
    executor: Executor,
}

impl LambdaBackend {
    pub fn new(lambda: Lambda, executor: Executor) -> Self {
        Self { lambda, executor }
    }

    fn resolve(&self, target: &Target<'_>) -> Result<(FunctionRef, Resolved), String> {
        let function = FunctionRef::parse(target.function_arn, NameKind::Plain)
            .map_err(|e| format!("{} is not a function ARN: {e}", target.function_arn))?;
        let account = function.account.as_deref().unwrap_or(target.source_account);
        let region = function.region.as_deref().unwrap_or(target.region);
        if region != target.region {
            return Err(format!(
                "function {} is in region {region} but the bucket is in {}: S3 invokes only functions of the bucket's region",
                target.function_arn, target.region
            ));
        }
        let resolved = self
            .lambda
            .registry()
            .resolve(account, region, &function)
            .map_err(|e| e.message().to_owned())?;
        Ok((function, resolved))
    }
}

impl Backend for LambdaBackend {
    fn authorize(&self, target: &Target<'_>) -> Result<Authorized, Refusal> {
        let (function, resolved) = self.resolve(target).map_err(Refusal::Unresolved)?;
        let context = RequestContext {
            source_arn: Some(target.source_arn.to_owned()),
            source_account: Some(target.source_account.to_owned()),
            ..RequestContext::new(
                Caller::Service("s3.amazonaws.com".into()),
                "lambda:InvokeFunction",
                &resolved.invoked_arn,
            )
        };
        let decision = resolved.policy.evaluate(&context);
        let mut check = PolicyCheck {
            allowed: decision.allowed,
            statement: decision.statement,
            reason: decision.reason,
        };
        if !check.allowed {
            let scopes = self
                .lambda
                .registry()
                .policies(&resolved.account, &resolved.region, &function)
                .unwrap_or_default();
            if let Some(elsewhere) = explain_other_scopes(&scopes, &context) {
                check.reason = format!("{}; {elsewhere}", check.reason);
            }
            return Err(Refusal::Denied {
                resolved_version: resolved.executed_version,
                policy: check,
            });
        }
        let config = resolved
            .event_invoke_config
            .as_ref()
            .map_or_else(AsyncConfig::default, |c| AsyncConfig {
                max_retries: c.retry_attempts(),
                max_event_age: std::time::Duration::from_secs(u64::from(c.max_event_age())),
                on_success: c.on_success.clone(),
                on_failure: c.on_failure.clone(),
            });
        Ok(Authorized {
            resolved_version: resolved.executed_version.clone(),
            policy: check,
            config,
            resolution: Some(Arc::new(resolved)),
        })
    }

    fn invoke(
        &self,
        target: &Target<'_>,
        payload: Bytes,
        resolution: Option<Resolution>,
    ) -> Pin<Box<dyn Future<Output = AttemptOutcome> + Send + 'static>> {
        let resolved = match resolution.and_then(|r| r.downcast::<Resolved>().ok()) {
            Some(resolved) => Ok(resolved),
            None => self.resolve(target).map(|(_, r)| Arc::new(r)),
        };
        let executor = self.executor.clone();
        Box::pin(async move {
            let resolved = match resolved {
                Ok(r) => r,
                Err(reason) => return AttemptOutcome::Unresolved(reason),
            };
            let request_id = uuid::Uuid::new_v4().to_string();
            let version = resolved.executed_version.clone();
            let function_arn = resolved.config.version_arn();
            match executor
                .run(
                    &resolved,
                    resolved.invoked_arn.clone(),
                    payload,
                    request_id.clone(),
                )
                .await
            {
                Ok(outcome) => {
                    let (response, function_error, error_type, error_message) = match outcome.result
                    {
                        FunctionResult::Ok(bytes) => (bytes, None, String::new(), String::new()),
                        FunctionResult::Error(e) => (
                            Bytes::from(e.to_json()),
                            Some(e.kind.as_str().to_owned()),
                            e.error_type,
                            e.error_message,
                        ),
                    };
                    AttemptOutcome::Ran(Ran {
                        request_id,
                        executed_version: version,
                        function_arn,
                        duration: outcome.duration,
                        function_error,
                        error_type,
                        error_message,
                        response,
                        log_tail: log_tail(outcome.log),
                    })
                }
                Err(RuntimeError::Throttled { reason }) => AttemptOutcome::Throttled {
                    retryable: !matches!(
                        reason,
                        ThrottleReason::ReservedConcurrency { limit: 0, .. }
                    ),
                    reason: reason.to_string(),
                },
                Err(RuntimeError::InvalidCode(msg)) => AttemptOutcome::Ran(Ran {
                    request_id,
                    executed_version: version,
                    function_arn,
                    duration: std::time::Duration::ZERO,
                    function_error: Some("Unhandled".into()),
                    error_type: "Runtime.InvalidEntrypoint".into(),
                    error_message: msg,
                    response: Bytes::new(),
                    log_tail: String::new(),
                }),
                // A failure of the simulator itself: Lambda retries system errors like throttles.
                Err(RuntimeError::Internal(msg)) => AttemptOutcome::Throttled {
                    retryable: true,
                    reason: msg,
                },
            }
        })
    }
}

/// PutBucketNotificationConfiguration's destination check: the same resolution and policy
/// evaluation as a delivery, for the ARN exactly as configured.
impl crate::notify::DestinationValidator for LambdaBackend {
    fn check_lambda(
        &self,
        function_arn: &str,
        bucket: &str,
        bucket_owner: &str,
        bucket_region: &str,
    ) -> Result<(), String> {
        let source_arn = format!("arn:aws:s3:::{bucket}");
        let target = Target {
            function_arn,
            region: bucket_region,
            source_arn: &source_arn,
            source_account: bucket_owner,
        };
        match self.authorize(&target) {
            Ok(_) => Ok(()),
            Err(Refusal::Unresolved(reason)) => Err(reason),
            Err(Refusal::Denied { policy, .. }) => Err(policy.reason),
        }
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
