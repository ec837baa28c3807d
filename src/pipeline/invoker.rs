//! The Lambda API's `Invoke`: runs the resolved version through the [`Executor`].

use std::sync::Arc;

use super::execute::Executor;
use crate::lambda::LambdaError;
use crate::lambda::api::{
    InvocationType, InvokeFuture, InvokeRequest, InvokeResponse, Invoker, PrepareFuture,
};
use crate::lambda::config::FunctionConfig;
use crate::runtime::{FunctionResult, RuntimeError};
use crate::trace::Journal;

/// Runs Lambda API invocations in the WebAssembly runtime.
pub(crate) struct RuntimeInvoker {
    executor: Executor,
    /// Asynchronous (`Event`) invocations count as in flight, so `POST /_s3lambda/wait`
    /// waits for them too.
    journal: Arc<Journal>,
}

impl RuntimeInvoker {
    pub fn new(executor: Executor, journal: Arc<Journal>) -> Self {
        Self { executor, journal }
    }
}

impl Invoker for RuntimeInvoker {
    fn invoke(&self, req: InvokeRequest) -> InvokeFuture {
        let executor = self.executor.clone();
        let in_flight =
            matches!(req.invocation_type, InvocationType::Event).then(|| self.journal.in_flight());
        Box::pin(async move {
            let _in_flight = in_flight;
            let outcome = executor
                .run(&req.resolved, req.invoked_arn, req.payload, req.request_id)
                .await
                .map_err(runtime_error)?;
            let (payload, function_error) = match outcome.result {
                FunctionResult::Ok(bytes) => (bytes, None),
                FunctionResult::Error(e) => (e.to_json().into(), Some(e.kind.as_str().to_owned())),
            };
            Ok(InvokeResponse {
                payload,
                function_error,
                log_tail: Some(outcome.log),
                executed_version: req.resolved.executed_version,
            })
        })
    }

    fn prepare(&self, config: Arc<FunctionConfig>) -> PrepareFuture {
        let executor = self.executor.clone();
        // A pending function counts as in flight, so `POST /_s3lambda/wait` waits for it.
        let in_flight = self.journal.in_flight();
        Box::pin(async move {
            let _in_flight = in_flight;
            executor
                .load(&config)
                .await
                .map(drop)
                .map_err(|e| e.to_string())
        })
    }
}

/// What Lambda answers when the code cannot run at all.
fn runtime_error(e: RuntimeError) -> LambdaError {
    match e {
        RuntimeError::Throttled { ref reason } => LambdaError::TooManyRequests {
            reason: Some(reason.code()),
            message: e.to_string(),
        },
        RuntimeError::InvalidCode(msg) => LambdaError::InvalidRequestContent(format!(
            "the function's code is not a usable WebAssembly component: {msg}"
        )),
        // Lambda refuses to invoke a function that failed to become active.
        RuntimeError::EngineUnavailable { .. } => LambdaError::ResourceConflict(format!(
            "The operation cannot be performed at this time. The function is currently in the following state: Failed. {e}"
        )),
        RuntimeError::Internal(msg) => LambdaError::Service(msg),
    }
}
