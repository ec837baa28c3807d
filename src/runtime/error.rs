//! The runtime's error type: what stops an invocation from running at all.
//!
//! A function that runs and fails (handled error, trap, timeout, out of memory) is not a
//! `RuntimeError`: it is a [`FunctionResult::Error`](super::FunctionResult::Error).

use std::fmt;

/// Why the runtime could not load code or run an invocation.
#[derive(Debug, thiserror::Error)]
pub enum RuntimeError {
    /// The code is not a WebAssembly component of the `s3lambda:handler` world (bad
    /// bytes, a core module, a missing `handle` export, or imports the host lacks).
    #[error("invalid code: {0}")]
    InvalidCode(String),
    /// Too many invocations at once: Lambda's `TooManyRequestsException` ("Rate Exceeded.").
    #[error("Rate Exceeded.")]
    Throttled {
        /// Which limit was reached.
        reason: ThrottleReason,
    },
    /// The language engine a Node.js or Python function needs is not built on this
    /// machine, or could not be loaded.
    #[error("The {} engine is not available: {detail}. Build it with {} or set S3LAMBDA_ENGINES to a folder holding {}.", language.name(), language.build_script(), language.file_name())]
    EngineUnavailable {
        /// The language.
        language: super::Language,
        /// What went wrong.
        detail: String,
    },
    /// A failure of the host itself (engine setup, a lost blocking task).
    #[error("internal runtime error: {0}")]
    Internal(String),
}

/// Which concurrency limit throttled an invocation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ThrottleReason {
    /// The function's reserved concurrency is in use (Lambda's `ReservedFunctionConcurrentInvocationLimitExceeded`).
    ReservedConcurrency {
        /// The function's name.
        function_name: String,
        /// Its reserved concurrency.
        limit: u32,
    },
    /// Every instance of the pool is in use (Lambda's `ConcurrentInvocationLimitExceeded`).
    ConcurrencyLimit {
        /// The pool size, [`RuntimeConfig::max_instances`](super::RuntimeConfig::max_instances).
        limit: u32,
    },
}

impl ThrottleReason {
    /// Lambda's `Reason` field of the `TooManyRequestsException`.
    pub fn code(&self) -> &'static str {
        match self {
            Self::ReservedConcurrency { .. } => "ReservedFunctionConcurrentInvocationLimitExceeded",
            Self::ConcurrencyLimit { .. } => "ConcurrentInvocationLimitExceeded",
        }
    }
}

impl fmt::Display for ThrottleReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::ReservedConcurrency {
                function_name,
                limit,
            } => {
                write!(
                    f,
                    "function {function_name} already runs its reserved concurrency of {limit}"
                )
            }
            Self::ConcurrencyLimit { limit } => {
                write!(f, "all {limit} instances of the runtime's pool are in use")
            }
        }
    }
}
