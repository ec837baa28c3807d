//! What goes into an invocation and what comes out of it.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use serde::Serialize;

/// One invocation of a function: the event and the context Lambda would give it.
#[derive(Debug, Clone)]
pub struct Invocation {
    /// The event JSON.
    pub payload: Bytes,
    /// The request id (`context.awsRequestId`), shown in the log lines.
    pub request_id: String,
    /// The ARN the caller invoked, with its qualifier if any.
    pub invoked_function_arn: String,
    /// The function's name (also the key of its reserved concurrency).
    pub function_name: String,
    /// The version that runs: `$LATEST` or a number.
    pub function_version: String,
    /// `MemorySize` in MB: the limit of the guest's linear memory.
    pub memory_mb: u32,
    /// `Timeout`: the invocation is stopped after this long.
    pub timeout: Duration,
    /// The function's environment variables (Lambda's own `AWS_LAMBDA_*` ones are added).
    pub env: Arc<[(String, String)]>,
    /// The log group name (`/aws/lambda/<name>`).
    pub log_group: String,
    /// The log stream name.
    pub log_stream: String,
    /// The function's reserved concurrency, if it has one (`Some(0)` throttles every call).
    pub reserved_concurrency: Option<u32>,
}

impl Invocation {
    /// An invocation of `$LATEST` of `function_name` in `us-east-1` of account
    /// `000000000000`, with Lambda's defaults (128 MB, 3 s), a fresh request id and no
    /// environment.
    pub fn new(function_name: &str, payload: impl Into<Bytes>) -> Self {
        Self {
            payload: payload.into(),
            request_id: uuid::Uuid::new_v4().to_string(),
            invoked_function_arn: format!(
                "arn:aws:lambda:us-east-1:000000000000:function:{function_name}"
            ),
            function_name: function_name.to_owned(),
            function_version: crate::arn::LATEST.to_owned(),
            memory_mb: 128,
            timeout: Duration::from_secs(3),
            env: Arc::new([]),
            log_group: format!("/aws/lambda/{function_name}"),
            log_stream: "2026/01/01/[$LATEST]00000000000000000000000000000000".to_owned(),
            reserved_concurrency: None,
        }
    }
}

/// What an invocation that ran produced.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The response or the function error.
    pub result: FunctionResult,
    /// The full log: `START`, the handler's output, `END`, `REPORT`.
    pub log: String,
    /// How long the invocation ran (instantiation and call).
    pub duration: Duration,
    /// The duration rounded up to the millisecond (at least 1), as Lambda bills.
    pub billed_duration_ms: u64,
    /// The peak of the guest's linear memory, in MB rounded up.
    pub max_memory_used_mb: u32,
}

/// The function's response or error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FunctionResult {
    /// The response JSON the handler returned.
    Ok(Bytes),
    /// A handled or unhandled function error.
    Error(FunctionError),
}

/// Whether the function returned the error itself or the runtime observed a failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The handler returned an error (`X-Amz-Function-Error: Handled`).
    Handled,
    /// A trap, panic, exit, timeout or out-of-memory (`X-Amz-Function-Error: Unhandled`).
    Unhandled,
}

impl ErrorKind {
    /// The `X-Amz-Function-Error` header value, `Handled` or `Unhandled`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Handled => "Handled",
            Self::Unhandled => "Unhandled",
        }
    }
}

/// A function error, as Lambda returns it in the response payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FunctionError {
    /// Handled by the function or not.
    pub kind: ErrorKind,
    /// `errorType`, e.g. `HandledError`, `Runtime.ExitError`, `Sandbox.Timedout`.
    pub error_type: String,
    /// `errorMessage`.
    pub error_message: String,
    /// The error document a language runtime wrote itself (Node.js's `trace`, Python's
    /// `stackTrace`), returned as it is instead of the plain two-field one.
    pub payload: Option<String>,
}

impl FunctionError {
    /// The payload Lambda returns: the language runtime's own document if it wrote one,
    /// else `{"errorMessage":"..","errorType":".."}`.
    pub fn to_json(&self) -> String {
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Wire<'a> {
            error_message: &'a str,
            error_type: &'a str,
        }
        if let Some(payload) = &self.payload {
            return payload.clone();
        }
        serde_json::to_string(&Wire {
            error_message: &self.error_message,
            error_type: &self.error_type,
        })
        .unwrap_or_default()
    }
}
