//! IAM's checks of role names, paths, policy names and documents, tags and policy ARNs, with
//! the codes and texts IAM answers (recorded in LocalStack's AWS-validated IAM snapshots,
//! `tests/aws/services/iam/test_iam_roles.snapshot.json`, recorded 2026-02).

use crate::services::query::QueryError;

/// The longest role name, and its pattern in the service model.
const ROLE_NAME_MAX: usize = 64;
const NAME_PATTERN: &str = r"[\w+=,.@-]+";
/// The longest inline policy name.
const POLICY_NAME_MAX: usize = 128;
/// The longest policy document the model accepts.
pub(super) const DOCUMENT_MAX: usize = 131_072;
/// At most 50 tags on a role; keys 1–128 characters, values at most 256.
const MAX_TAGS: usize = 50;

fn framework(value: Option<&str>, field: &str, constraint: &str) -> QueryError {
    let shown = value.map_or_else(|| "null ".to_owned(), |v| format!("'{v}' "));
    QueryError::validation(format!(
        "1 validation error detected: Value {shown}at '{field}' failed to satisfy constraint: {constraint}"
    ))
}

/// A required parameter.
pub(super) fn required<'a>(value: Option<&'a str>, field: &str) -> Result<&'a str, QueryError> {
    value.ok_or_else(|| framework(None, field, "Member must not be null"))
}

fn name(value: &str, field: &str, max: usize) -> Result<(), QueryError> {
    if value.is_empty() {
        return Err(framework(
            Some(value),
            field,
            "Member must have length greater than or equal to 1",
        ));
    }
    if value.chars().count() > max {
        return Err(framework(
            Some(value),
            field,
            &format!("Member must have length less than or equal to {max}"),
        ));
    }
    if !value
        .chars()
        .all(|c| c.is_alphanumeric() || "_+=,.@-".contains(c))
    {
        return Err(framework(
            Some(value),
            field,
            &format!("Member must satisfy regular expression pattern: {NAME_PATTERN}"),
        ));
    }
    Ok(())
}

/// A role name: 1–64 characters of `[\w+=,.@-]`.
pub(super) fn role_name(value: &str) -> Result<(), QueryError> {
    name(value, "roleName", ROLE_NAME_MAX)
}

/// An inline policy name: 1–128 characters of `[\w+=,.@-]`.
pub(super) fn policy_name(value: &str) -> Result<(), QueryError> {
    name(value, "policyName", POLICY_NAME_MAX)
}

/// A path: `/`, or `/…/` of printable ASCII, at most 512 characters.
pub(super) fn path(value: &str) -> Result<(), QueryError> {
    let ok = value.len() <= 512
        && value.starts_with('/')
        && value.ends_with('/')
        && value.bytes().all(|b| (0x21..=0x7e).contains(&b));
    if ok {
        Ok(())
    } else {
        Err(QueryError::validation(
            "The specified value for path is invalid. It must begin and end with / and contain only alphanumeric characters and/or / characters.",
        ))
    }
}

fn malformed(message: &str) -> QueryError {
    QueryError::sender(
        "MalformedPolicyDocument",
        http::StatusCode::BAD_REQUEST,
        message,
    )
}

/// A policy document: at most [`DOCUMENT_MAX`] characters of JSON.
pub(super) fn document(value: &str, field: &str) -> Result<serde_json::Value, QueryError> {
    if value.chars().count() > DOCUMENT_MAX {
        return Err(framework(
            None,
            field,
            &format!("Member must have length less than or equal to {DOCUMENT_MAX}"),
        ));
    }
    serde_json::from_str(value).map_err(|_| malformed("This policy contains invalid Json"))
}

/// A trust policy: JSON whose statements name STS actions only and no `Resource`.
pub(super) fn trust_policy(value: &str) -> Result<(), QueryError> {
    let doc = document(value, "assumeRolePolicyDocument")?;
    let statements: Vec<&serde_json::Value> = match doc.get("Statement") {
        Some(serde_json::Value::Array(list)) => list.iter().collect(),
        Some(one) => vec![one],
        None => Vec::new(),
    };
    for statement in statements {
        if statement.get("Resource").is_some() {
            return Err(malformed("Has prohibited field Resource"));
        }
        let actions: Vec<&serde_json::Value> = match statement.get("Action") {
            Some(serde_json::Value::Array(list)) => list.iter().collect(),
            Some(one) => vec![one],
            None => Vec::new(),
        };
        let sts_only = actions.iter().all(|a| {
            a.as_str()
                .is_some_and(|a| a.to_ascii_lowercase().starts_with("sts:"))
        });
        if !sts_only {
            return Err(malformed(
                "AssumeRole policy may only specify STS AssumeRole actions.",
            ));
        }
    }
    Ok(())
}

/// Role tags: at most 50, keys 1–128 of `[\p{L}\p{Z}\p{N}_.:/=+\-@]`, values at most 256,
/// keys unique regardless of case.
pub(super) fn tags(tags: &[(String, String)]) -> Result<(), QueryError> {
    if tags.len() > MAX_TAGS {
        return Err(QueryError::validation(format!(
            "1 validation error detected: Value at 'tags' failed to satisfy constraint: Member must have length less than or equal to {MAX_TAGS}"
        )));
    }
    for (i, (key, value)) in tags.iter().enumerate() {
        let n = i + 1;
        if key.is_empty() || key.chars().count() > 128 {
            return Err(QueryError::validation(format!(
                "1 validation error detected: Value at 'tags.{n}.member.key' failed to satisfy constraint: Member must have length less than or equal to 128"
            )));
        }
        if !key
            .chars()
            .all(|c| c.is_alphanumeric() || c.is_whitespace() || "_.:/=+-@".contains(c))
        {
            return Err(QueryError::validation(format!(
                "1 validation error detected: Value at 'tags.{n}.member.key' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\p{{L}}\\p{{Z}}\\p{{N}}_.:/=+\\-@]+"
            )));
        }
        if value.chars().count() > 256 {
            return Err(QueryError::validation(format!(
                "1 validation error detected: Value at 'tags.{n}.member.value' failed to satisfy constraint: Member must have length less than or equal to 256"
            )));
        }
    }
    let mut seen = std::collections::HashSet::new();
    if !tags.iter().all(|(k, _)| seen.insert(k.to_lowercase())) {
        return Err(QueryError::sender(
            "InvalidInput",
            http::StatusCode::BAD_REQUEST,
            "Duplicate tag keys found. Please note that Tag keys are case insensitive.",
        ));
    }
    Ok(())
}

/// A managed policy ARN, `arn:aws:iam::{aws|account}:policy/{path/}{name}`: its name.
pub(super) fn policy_arn(arn: &str) -> Result<&str, QueryError> {
    let invalid = || QueryError::validation(format!("ARN {arn} is not valid."));
    let parsed = crate::arn::Arn::parse(arn).map_err(|_| invalid())?;
    let account_ok = parsed.account == "aws" || crate::arn::is_account_id(&parsed.account);
    let valid = parsed.service == "iam"
        && parsed.region.is_empty()
        && parsed.partition.starts_with("aws")
        && account_ok
        && parsed.resource.starts_with("policy/");
    // The resource starts with `policy/`, so the ARN's last segment is the policy's name.
    match arn.rsplit('/').next() {
        Some(name) if valid && !name.is_empty() => Ok(name),
        _ => Err(invalid()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_paths_and_arns() {
        assert!(role_name("lambda-role_1+=,.@").is_ok());
        assert_eq!(role_name("a b").unwrap_err().code, "ValidationError");
        assert!(role_name(&"r".repeat(65)).is_err());
        assert!(path("/").is_ok() && path("/a/b/").is_ok());
        assert!(path("a/").is_err() && path("/a").is_err() && path("/a b/").is_err());
        assert_eq!(
            policy_arn("arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"),
            Ok("AWSLambdaBasicExecutionRole")
        );
        assert_eq!(policy_arn("arn:aws:iam::123456789012:policy/p"), Ok("p"));
        assert_eq!(
            policy_arn("longpolicynamebutnoarn").unwrap_err().message,
            "ARN longpolicynamebutnoarn is not valid."
        );
    }

    #[test]
    fn trust_policies() {
        let ok = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
        assert!(trust_policy(ok).is_ok());
        let e = trust_policy("{not json").unwrap_err();
        assert_eq!(
            (e.code.as_str(), e.message.as_str()),
            (
                "MalformedPolicyDocument",
                "This policy contains invalid Json"
            )
        );
        let action = r#"{"Statement":{"Effect":"Allow","Action":"s3:GetObject","Principal":"*"}}"#;
        assert_eq!(
            trust_policy(action).unwrap_err().message,
            "AssumeRole policy may only specify STS AssumeRole actions."
        );
        let resource =
            r#"{"Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}]}"#;
        assert_eq!(
            trust_policy(resource).unwrap_err().message,
            "Has prohibited field Resource"
        );
    }

    #[test]
    fn tag_limits() {
        let t = |k: &str, v: &str| (k.to_owned(), v.to_owned());
        assert!(tags(&[t("a", ""), t("b", "x")]).is_ok());
        assert_eq!(
            tags(&[t("a", "1"), t("A", "2")]).unwrap_err().code,
            "InvalidInput"
        );
        assert!(tags(&[t(&"k".repeat(129), "v")]).is_err());
        assert!(tags(&[t("k", &"v".repeat(257))]).is_err());
        assert!(tags(&[t("bad!", "v")]).is_err());
        let many: Vec<_> = (0..51).map(|i| t(&format!("k{i}"), "v")).collect();
        assert!(tags(&many).is_err());
    }
}
