//! Write an s3lambda handler in a few lines of Rust.
//!
//! ```ignore
//! fn handle(event: &str, ctx: &s3lambda_guest::Context) -> Result<String, s3lambda_guest::Error> {
//!     println!("request {}", ctx.request_id);
//!     Ok(event.to_owned())
//! }
//! s3lambda_guest::handler!(handle);
//! ```
//!
//! The handler gets the event JSON and the invocation context and returns the response
//! JSON or a handled [`Error`]. What it prints to stdout or stderr is its log. A panic is
//! an unhandled error (the instance traps).

/// The bindings generated from `handlers/wit` (the `handler` world). Generated code: the
/// context record has more fields than clippy's argument limit.
#[allow(missing_docs, clippy::too_many_arguments)]
pub mod bindings {
    wit_bindgen::generate!({
        path: "../wit",
        world: "handler",
        pub_export_macro: true,
        default_bindings_module: "s3lambda_guest::bindings",
    });
}

/// The invocation context (request id, function ARN, name, version, memory, deadline, log names).
pub use bindings::Context;
/// A handled function error: `errorType` and `errorMessage`.
pub use bindings::FunctionError as Error;

impl Error {
    /// A handled error with this `errorType` and `errorMessage`.
    pub fn new(error_type: impl Into<String>, error_message: impl Into<String>) -> Self {
        Self {
            error_type: error_type.into(),
            error_message: error_message.into(),
        }
    }
}

impl Context {
    /// Milliseconds left before the invocation times out (`getRemainingTimeInMillis`).
    pub fn remaining_time_ms(&self) -> u64 {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as u64);
        self.deadline_ms.saturating_sub(now)
    }
}

/// Export `fn(&str, &Context) -> Result<String, Error>` as this component's handler.
#[macro_export]
macro_rules! handler {
    ($handle:path) => {
        struct S3LambdaHandler;

        impl $crate::bindings::Guest for S3LambdaHandler {
            fn handle(
                event: ::std::string::String,
                ctx: $crate::Context,
            ) -> ::std::result::Result<::std::string::String, $crate::Error> {
                $handle(&event, &ctx)
            }
        }

        $crate::bindings::export!(S3LambdaHandler with_types_in $crate::bindings);
    };
}
