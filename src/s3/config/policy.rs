//! The bucket policy: stored as sent after AWS's first checks, returned as stored, and
//! judged public or not for GetBucketPolicyStatus and Block Public Access. It is *not*
//! enforced: every request is still decided by the owner-only access rule.
//!
//! Messages as AWS answered them (localstack `test_s3_api.snapshot.json`,
//! `test_bucket_policy_exc`, recorded against AWS).

use http::StatusCode;
use serde_json::Value;

use crate::s3::{S3Error, S3ErrorCode};

/// The largest bucket policy S3 accepts (20 KB).
pub(crate) const MAX_POLICY_BYTES: usize = 20 * 1024;

fn malformed(message: &str) -> S3Error {
    S3Error::new(
        S3ErrorCode::MalformedPolicy,
        StatusCode::BAD_REQUEST,
        message,
    )
}

/// Checks a PutBucketPolicy body and returns it as text.
pub(crate) fn validate(body: &[u8]) -> Result<String, S3Error> {
    if body.len() > MAX_POLICY_BYTES {
        return Err(malformed(
            "Policy exceeds the maximum allowed document size.",
        ));
    }
    let not_json = || malformed("Policies must be valid JSON and the first byte must be '{'");
    let text = std::str::from_utf8(body).map_err(|_| not_json())?;
    if !text.trim_start().starts_with('{') {
        return Err(not_json());
    }
    let doc: Value = serde_json::from_str(text).map_err(|_| not_json())?;
    let statements = match doc.get("Statement") {
        None => return Err(malformed("Missing required field Statement")),
        Some(Value::Array(s)) => s.iter().collect::<Vec<_>>(),
        Some(s @ Value::Object(_)) => vec![s],
        Some(_) => return Err(malformed("Statement is not an array or an object")),
    };
    for s in statements {
        match s.get("Effect").and_then(Value::as_str) {
            Some("Allow" | "Deny") => {}
            Some(_) => return Err(malformed("Invalid effect")),
            None => return Err(malformed("Missing required field Effect")),
        }
        if s.get("Principal").is_none() && s.get("NotPrincipal").is_none() {
            return Err(malformed("Missing required field Principal"));
        }
    }
    Ok(text.to_owned())
}

/// Whether the policy grants access to everyone: an `Allow` statement whose principal is
/// `*` (or `{"AWS": "*"}`) with no condition, S3's simplest test of a public policy.
pub(crate) fn is_public(policy: &str) -> bool {
    let Ok(doc) = serde_json::from_str::<Value>(policy) else {
        return false;
    };
    let statements = match doc.get("Statement") {
        Some(Value::Array(s)) => s.clone(),
        Some(s) => vec![s.clone()],
        None => return false,
    };
    statements.iter().any(|s| {
        let allow = s.get("Effect").and_then(Value::as_str) == Some("Allow");
        let everyone = match s.get("Principal") {
            Some(Value::String(p)) => p == "*",
            Some(Value::Object(m)) => m.get("AWS").is_some_and(|a| match a {
                Value::String(p) => p == "*",
                Value::Array(ps) => ps.iter().any(|p| p.as_str() == Some("*")),
                _ => false,
            }),
            _ => false,
        };
        allow && everyone && s.get("Condition").is_none()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aws_first_checks() {
        let msg = |b: &str| validate(b.as_bytes()).unwrap_err().message().to_owned();
        assert_eq!(
            msg(""),
            "Policies must be valid JSON and the first byte must be '{'"
        );
        assert_eq!(
            msg("random"),
            "Policies must be valid JSON and the first byte must be '{'"
        );
        assert_eq!(msg("{}"), "Missing required field Statement");
        let ok = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}"#;
        assert_eq!(validate(ok.as_bytes()).unwrap(), ok);
        assert!(is_public(ok));
        let owner_only = ok.replace(
            r#"{"AWS":"*"}"#,
            r#"{"AWS":"arn:aws:iam::111122223333:root"}"#,
        );
        assert!(!is_public(&owner_only));
        assert_eq!(
            validate(&vec![b' '; MAX_POLICY_BYTES + 1])
                .unwrap_err()
                .code(),
            "MalformedPolicy"
        );
    }
}
