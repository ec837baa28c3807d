//! Every sentence that says why a request was allowed or refused: the policy decision of
//! one scope, the scopes that would have allowed it, and why S3 may not invoke a function
//! at all. Traces, logs and the Lambda API quote these words; change them here only.

use std::fmt;

use super::compiled::Cond;
use super::context::{Decision, RequestContext};
use super::statement::Statement;
use crate::arn::{Arn, ArnError};
use crate::lambda::error::LambdaError;

/// `f` or `f:PROD` for a function ARN (or the input if it is not one).
pub fn scope_label(resource: &str) -> String {
    Arn::parse(resource)
        .ok()
        .and_then(|arn| arn.resource.strip_prefix("function:").map(str::to_owned))
        .unwrap_or_else(|| resource.to_owned())
}

/// Why one statement did not apply, with borrowed values (formatted only on denial).
#[derive(Debug, Clone, Copy)]
pub(super) enum Failure<'a> {
    Action,
    Resource,
    /// A positive condition's key is absent from the request.
    Missing(&'a Cond),
    Unsupported(&'a Cond),
    /// The value does not match (positive operator) or matches (negated operator).
    Compared(&'a Cond, &'a str),
}

/// `allowed by statement "1" of the policy of f:PROD`.
pub(super) fn allowed(sid: &str, ctx: &RequestContext) -> String {
    format!(
        "allowed by statement \"{sid}\" of the policy of {}",
        scope_label(&ctx.resource)
    )
}

/// The denial of a scope whose policy has no statement at all, with where to add one
/// (Lambda refuses a permission on `$LATEST`: the unqualified function's policy covers it).
pub(super) fn no_policy(ctx: &RequestContext) -> Decision {
    let label = scope_label(&ctx.resource);
    let hint = match label.split_once(':') {
        Some((name, crate::arn::LATEST)) => format!(
            "{name} has no resource-based policy, which also covers {label}; add one with AddPermission on {name} without a qualifier"
        ),
        Some((_, q)) => format!(
            "{label} has no resource-based policy; add one with AddPermission with Qualifier={q}"
        ),
        None => format!("{label} has no resource-based policy; add one with AddPermission"),
    };
    Decision::deny(format!(
        "denied: policy of {label} has no statement for principal {} ({hint})",
        ctx.principal
    ))
}

/// The denial of a scope with statements: why each statement for the caller's principal
/// did not apply, or that none is for that principal.
pub(super) fn no_statement_applies(
    failures: &[(&Statement, Failure<'_>)],
    ctx: &RequestContext,
) -> Decision {
    if failures.is_empty() {
        return Decision::deny(format!(
            "denied: policy of {} has no statement for principal {}",
            scope_label(&ctx.resource),
            ctx.principal
        ));
    }
    let each: Vec<String> = failures
        .iter()
        .map(|(st, why)| {
            format!(
                "statement \"{}\" did not match: {}",
                st.sid,
                describe(*why, st, ctx)
            )
        })
        .collect();
    Decision::deny(format!("denied: {}", each.join("; ")))
}

/// `statement "1" matched on helloworld:BETA only`: a statement of another scope that would
/// have allowed the request.
pub(super) fn matched_elsewhere(sid: &str, scope_arn: &str) -> String {
    format!(
        "statement \"{sid}\" matched on {} only",
        scope_label(scope_arn)
    )
}

/// Several [`matched_elsewhere`] sentences in one.
pub(super) fn join(sentences: &[String]) -> String {
    sentences.join("; ")
}

/// A denial's reason followed by the other scopes that would have allowed the request.
pub(super) fn with_elsewhere(reason: &str, elsewhere: &str) -> String {
    format!("{reason}; {elsewhere}")
}

/// The words for a failure.
fn describe(why: Failure<'_>, st: &Statement, ctx: &RequestContext) -> String {
    match why {
        Failure::Action => format!("Action \"{}\" does not cover {}", st.action, ctx.action),
        Failure::Resource => format!(
            "Resource \"{}\" does not match the invoked ARN \"{}\" (a grant covers only the qualifier it names)",
            st.resource, ctx.resource
        ),
        Failure::Missing(cond) => {
            let (op, key) = cond.names(st);
            let expected = cond.expected(st);
            format!("{op} {key} requires \"{expected}\" but the request carries no {key}")
        }
        Failure::Unsupported(cond) => {
            format!("unsupported condition operator {}", cond.names(st).0)
        }
        Failure::Compared(cond, actual) => {
            let (op, key) = cond.names(st);
            let expected = cond.expected(st);
            if cond.negated {
                format!("{op} {key} \"{actual}\" matches \"{expected}\"")
            } else {
                format!("{op} {key} \"{actual}\" does not match \"{expected}\"")
            }
        }
    }
}

/// Why S3 may not invoke the function a notification configuration names. Final: S3
/// neither queues nor retries such a delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The function, version or alias cannot be found from the configured ARN.
    Unresolved(Unresolved),
    /// The qualifier's resource policy does not allow S3 to invoke it.
    Denied {
        /// The version the configured ARN resolved to.
        resolved_version: String,
        /// The decision, with its reason.
        decision: Decision,
    },
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Unresolved(u) => u.fmt(f),
            Self::Denied { decision, .. } => f.write_str(&decision.reason),
        }
    }
}

/// Why a configured function ARN names nothing S3 can invoke.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unresolved {
    /// The text is not a function ARN.
    NotAFunctionArn {
        /// The ARN as configured.
        arn: String,
        /// What the parser found wrong.
        error: ArnError,
    },
    /// The function is in another region than the bucket.
    OtherRegion {
        /// The ARN as configured.
        arn: String,
        /// The function's region.
        region: String,
        /// The bucket's region.
        bucket_region: String,
    },
    /// The registry has no such function, version or alias.
    NotFound(LambdaError),
}

impl fmt::Display for Unresolved {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotAFunctionArn { arn, error } => {
                write!(f, "{arn} is not a function ARN: {error}")
            }
            Self::OtherRegion {
                arn,
                region,
                bucket_region,
            } => write!(
                f,
                "function {arn} is in region {region} but the bucket is in {bucket_region}: S3 invokes only functions of the bucket's region"
            ),
            Self::NotFound(e) => f.write_str(e.message()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scope_label_strips_function_arn_and_keeps_other_input() {
        assert_eq!(
            scope_label("arn:aws:lambda:us-east-1:123456789012:function:f:PROD"),
            "f:PROD"
        );
        assert_eq!(
            scope_label("arn:aws:lambda:us-east-1:123456789012:function:f"),
            "f"
        );
        assert_eq!(scope_label("arn:aws:s3:::bucket"), "arn:aws:s3:::bucket");
        assert_eq!(
            scope_label("arn::lambda:r:a:function:f"),
            "arn::lambda:r:a:function:f"
        );
        assert_eq!(scope_label("f"), "f");
    }

    #[test]
    fn unresolved_sentences() {
        let other = Unresolved::OtherRegion {
            arn: "arn:aws:lambda:eu-west-1:1:function:f".into(),
            region: "eu-west-1".into(),
            bucket_region: "us-east-1".into(),
        };
        assert_eq!(
            Refusal::Unresolved(other).to_string(),
            "function arn:aws:lambda:eu-west-1:1:function:f is in region eu-west-1 but the bucket is in us-east-1: S3 invokes only functions of the bucket's region"
        );
        let missing = LambdaError::ResourceNotFound("Function not found: f".into());
        assert_eq!(
            Unresolved::NotFound(missing).to_string(),
            "Function not found: f"
        );
    }
}
