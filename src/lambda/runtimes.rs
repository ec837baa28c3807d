//! Lambda's managed runtimes: which `Runtime` identifiers AWS has deprecated (it refuses to
//! create or update a function on them, naming the runtime to move to), and the opt-in that
//! accepts them anyway so an old tutorial replays verbatim.
//!
//! The identifiers themselves are the model's enum ([`super::limits::RUNTIMES`]); this room
//! only decides what a valid identifier may still be used for. See
//! <https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html#runtimes-deprecated>.

use std::sync::atomic::{AtomicBool, Ordering};

use super::error::LambdaError;

/// Runtimes AWS no longer lets a function be created or updated on, each with the runtime
/// s3lambda names as the replacement: the newest of the same family it runs (Node.js 18–24,
/// Python 3.9–3.14; `provided.al2023` for a custom runtime or Go).
const DEPRECATED: &[(&str, &str)] = &[
    ("nodejs", NODEJS),
    ("nodejs4.3", NODEJS),
    ("nodejs4.3-edge", NODEJS),
    ("nodejs6.10", NODEJS),
    ("nodejs8.10", NODEJS),
    ("nodejs10.x", NODEJS),
    ("nodejs12.x", NODEJS),
    ("nodejs14.x", NODEJS),
    ("nodejs16.x", NODEJS),
    ("python2.7", PYTHON),
    ("python3.6", PYTHON),
    ("python3.7", PYTHON),
    ("python3.8", PYTHON),
    ("dotnetcore1.0", "dotnet8"),
    ("dotnetcore2.0", "dotnet8"),
    ("dotnetcore2.1", "dotnet8"),
    ("dotnetcore3.1", "dotnet8"),
    ("dotnet6", "dotnet8"),
    ("go1.x", PROVIDED),
    ("java8", "java21"),
    ("provided", PROVIDED),
    ("ruby2.5", "ruby3.3"),
    ("ruby2.7", "ruby3.3"),
];

const NODEJS: &str = "nodejs24.x";
const PYTHON: &str = "python3.14";
const PROVIDED: &str = "provided.al2023";

/// What a deprecated runtime gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Deprecated {
    /// AWS's answer: `InvalidParameterValueException` naming the replacement.
    #[default]
    Refuse,
    /// Accepted with a warning in the log (`--legacy-runtimes`, `legacy_runtimes = true`).
    Accept,
}

/// The simulator's choice for deprecated runtimes, set once at start-up.
#[derive(Debug, Default)]
pub struct RuntimePolicy {
    accept_deprecated: AtomicBool,
}

impl RuntimePolicy {
    /// Sets what a deprecated runtime gets.
    pub fn set(&self, deprecated: Deprecated) {
        self.accept_deprecated
            .store(deprecated == Deprecated::Accept, Ordering::Relaxed);
    }

    /// What a deprecated runtime gets now.
    pub fn deprecated(&self) -> Deprecated {
        if self.accept_deprecated.load(Ordering::Relaxed) {
            Deprecated::Accept
        } else {
            Deprecated::Refuse
        }
    }

    /// Whether `runtime` (already a valid identifier) may be set on a function being created
    /// or updated.
    pub fn check(&self, runtime: Option<&str>) -> Result<(), LambdaError> {
        let Some((runtime, replacement)) = runtime.and_then(deprecated) else {
            return Ok(());
        };
        match self.deprecated() {
            Deprecated::Refuse => Err(LambdaError::InvalidParameterValue(format!(
                "The runtime parameter of {runtime} is no longer supported for creating or updating AWS Lambda functions. We recommend you use the new runtime ({replacement}) while creating or updating functions."
            ))),
            Deprecated::Accept => {
                tracing::warn!(
                    runtime,
                    replacement,
                    "deprecated runtime accepted (legacy runtimes are enabled); AWS refuses it"
                );
                Ok(())
            }
        }
    }
}

/// The languages s3lambda runs from source, each in its engine (a deprecated runtime of the
/// family runs on the same engine: `nodejs6.10` on Node.js, `python2.7` on Python 3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// `nodejs*`.
    Node,
    /// `python*`.
    Python,
}

/// The source language of `runtime`, if s3lambda runs it from source; `None` for
/// `provided.*` (a WebAssembly component) and the runtimes it has no engine for.
pub fn family(runtime: Option<&str>) -> Option<Family> {
    let runtime = runtime?;
    if runtime.starts_with("nodejs") {
        Some(Family::Node)
    } else if runtime.starts_with("python") {
        Some(Family::Python)
    } else {
        None
    }
}

/// How a function on `runtime` uses its deployment package.
pub fn layout(runtime: Option<&str>) -> super::package::Layout {
    match family(runtime) {
        Some(_) => super::package::Layout::Source,
        None => super::package::Layout::Component,
    }
}

/// The deprecated runtime and its replacement, if `runtime` is deprecated.
pub fn deprecated(runtime: &str) -> Option<(&'static str, &'static str)> {
    DEPRECATED.iter().copied().find(|(r, _)| *r == runtime)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lambda::limits::RUNTIMES;

    #[test]
    fn deprecated_runtimes_are_refused_with_the_replacement_named() {
        let policy = RuntimePolicy::default();
        let e = policy.check(Some("nodejs6.10")).unwrap_err();
        assert_eq!(e.code(), "InvalidParameterValueException");
        assert_eq!(
            e.message(),
            "The runtime parameter of nodejs6.10 is no longer supported for creating or updating AWS Lambda functions. We recommend you use the new runtime (nodejs24.x) while creating or updating functions."
        );
        assert!(
            policy
                .check(Some("python2.7"))
                .unwrap_err()
                .message()
                .contains("(python3.14)")
        );
        for current in [
            "nodejs18.x",
            "nodejs20.x",
            "nodejs22.x",
            "nodejs24.x",
            "python3.9",
            "python3.12",
            "python3.14",
            "provided.al2",
            "provided.al2023",
        ] {
            assert!(policy.check(Some(current)).is_ok(), "{current}");
        }
        assert!(policy.check(None).is_ok());
    }

    #[test]
    fn the_opt_in_accepts_them() {
        let policy = RuntimePolicy::default();
        policy.set(Deprecated::Accept);
        assert_eq!(policy.deprecated(), Deprecated::Accept);
        assert!(policy.check(Some("nodejs6.10")).is_ok());
        policy.set(Deprecated::Refuse);
        assert!(policy.check(Some("nodejs6.10")).is_err());
    }

    #[test]
    fn every_deprecated_runtime_and_replacement_is_a_model_identifier() {
        for (runtime, replacement) in DEPRECATED {
            assert!(RUNTIMES.contains(runtime), "{runtime}");
            assert!(RUNTIMES.contains(replacement), "{replacement}");
            assert!(deprecated(replacement).is_none(), "{replacement}");
        }
    }
}
