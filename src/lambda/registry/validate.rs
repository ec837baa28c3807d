//! Wire validation of registry inputs, with the texts AWS answers: ranges, the role ARN,
//! environment variables, alias names, versions, routing weights and RevisionId
//! preconditions.

use std::collections::BTreeMap;

use crate::arn::{self, ArnError, FunctionRef};
use crate::lambda::error::LambdaError;

const ALIAS_NAME_PATTERN: &str = "(?!^[0-9]+$)([a-zA-Z0-9-_]+)";
const VERSION_PATTERN: &str = r"(\$LATEST|[0-9]+)";
const ROLE_PATTERN: &str = r"arn:(aws[a-zA-Z-]*)?:iam::\d{12}:role/?[a-zA-Z_0-9+=,.@\-_/]+";

/// The API a RevisionId mismatch on a function or alias tells the caller to call.
pub(super) const FUNCTION_REVISION_MSG: &str = "GetFunction/GetAlias";
/// The API a RevisionId mismatch on a policy tells the caller to call.
pub(super) const POLICY_REVISION_MSG: &str = "GetPolicy";

/// A numeric range constraint.
pub(super) fn validate_range(v: u32, field: &str, min: u32, max: u32) -> Result<(), LambdaError> {
    if v < min {
        Err(LambdaError::validation(
            v,
            field,
            format_args!("Member must have value greater than or equal to {min}"),
        ))
    } else if v > max {
        Err(LambdaError::validation(
            v,
            field,
            format_args!("Member must have value less than or equal to {max}"),
        ))
    } else {
        Ok(())
    }
}

/// The role ARN of CreateFunction and UpdateFunctionConfiguration, matched whole against
/// Lambda's model pattern [`ROLE_PATTERN`] (an empty partition, `arn::iam::…`, matches it;
/// since `/` is in the name class, `role/` alone does too). The role itself is not looked
/// up: s3lambda's IAM stores roles without enforcing them.
pub(super) fn validate_role(role: &str) -> Result<(), LambdaError> {
    if role_matches(role) {
        Ok(())
    } else {
        Err(ArnError::pattern(role, "role", ROLE_PATTERN).into())
    }
}

fn role_matches(role: &str) -> bool {
    let Some((partition, rest)) = role.strip_prefix("arn:").and_then(|r| r.split_once(':')) else {
        return false;
    };
    let partition_ok = partition.is_empty()
        || partition
            .strip_prefix("aws")
            .is_some_and(|p| p.bytes().all(|b| b.is_ascii_alphabetic() || b == b'-'));
    let Some((account, name)) = rest
        .strip_prefix("iam::")
        .and_then(|r| r.split_once(":role"))
    else {
        return false;
    };
    partition_ok
        && arn::is_account_id(account)
        && !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"+=,.@-_/".contains(&b))
}

/// Environment variables: keys `[a-zA-Z]([a-zA-Z0-9_])+`, at most 4 KB as JSON.
pub(super) fn validate_environment(env: &BTreeMap<String, String>) -> Result<(), LambdaError> {
    for k in env.keys() {
        let mut b = k.bytes();
        let ok = b.next().is_some_and(|c| c.is_ascii_alphabetic())
            && k.len() >= 2
            && b.all(|c| c.is_ascii_alphanumeric() || c == b'_');
        if !ok {
            return Err(LambdaError::validation_hidden(
                "environment.variables",
                &format!(
                    "Map keys must satisfy constraint: [Member must satisfy regular expression pattern: [a-zA-Z]([a-zA-Z0-9_])+] (key '{k}')"
                ),
            ));
        }
    }
    let measured = serde_json::to_string(env).unwrap_or_default();
    if measured.len() > 4096 {
        return Err(LambdaError::InvalidParameterValue(format!(
            "Lambda was unable to configure your environment variables because the environment variables you have provided exceeded the 4KB limit. String measured: {measured}"
        )));
    }
    Ok(())
}

pub(super) fn validate_alias_name(name: &str) -> Result<(), LambdaError> {
    if name.len() > 128 {
        return Err(ArnError::too_long(name, "name", 128).into());
    }
    let ok = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        && !name.bytes().all(|b| b.is_ascii_digit());
    if ok {
        Ok(())
    } else {
        Err(ArnError::pattern(name, "name", ALIAS_NAME_PATTERN).into())
    }
}

pub(super) fn validate_version(v: &str) -> Result<(), LambdaError> {
    let ok = v == arn::LATEST || (!v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()));
    if ok {
        Ok(())
    } else {
        Err(ArnError::pattern(v, "functionVersion", VERSION_PATTERN).into())
    }
}

#[cfg(test)]
#[test]
fn role_arns_match_lambdas_pattern_whole() {
    for ok in [
        "arn:aws:iam::123456789012:role/lambda-role",
        "arn:aws:iam::123456789012:role/service-role/a+b=c,d.e@f_g",
        "arn:aws-cn:iam::123456789012:role/r",
        "arn::iam::123456789012:role/r",
        "arn:aws:iam::123456789012:roler",
        "arn:aws:iam::123456789012:role/",
    ] {
        assert!(validate_role(ok).is_ok(), "{ok}");
    }
    for bad in [
        "lambda-role",
        "arn:aws:iam::12345678901:role/r",
        "arn:aws:iam::123456789012:user/r",
        "arn:aws:iam::123456789012:role",
        "arn:aws:iam:us-east-1:123456789012:role/r",
        "arn:gcp:iam::123456789012:role/r",
        "arn:aws:iam::123456789012:role/a b",
    ] {
        let e = validate_role(bad).unwrap_err();
        assert_eq!(
            e.message(),
            format!(
                "1 validation error detected: Value '{bad}' at 'role' failed to satisfy constraint: Member must satisfy regular expression pattern: {ROLE_PATTERN}"
            ),
            "{bad}"
        );
    }
}

fn java_map(m: &BTreeMap<String, f64>) -> String {
    let inner: Vec<String> = m.iter().map(|(k, v)| format!("{k}={v:?}")).collect();
    format!("{{{}}}", inner.join(", "))
}

pub(super) fn validate_weights(m: &BTreeMap<String, f64>) -> Result<(), LambdaError> {
    let field = "routingConfig.additionalVersionWeights";
    if m.keys()
        .any(|k| k.is_empty() || k.len() > 1024 || !k.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(LambdaError::validation(
            java_map(m),
            field,
            "Map keys must satisfy constraint: [Member must have length less than or equal to 1024, Member must have length greater than or equal to 1, Member must satisfy regular expression pattern: [0-9]+]",
        ));
    }
    if m.values().any(|w| !(0.0..=1.0).contains(w)) {
        return Err(LambdaError::validation(
            java_map(m),
            field,
            "Map value must satisfy constraint: [Member must have value less than or equal to 1.0, Member must have value greater than or equal to 0.0, Member must not be null]",
        ));
    }
    if m.len() > 1 {
        return Err(LambdaError::InvalidParameterValue(
            "Number of items in AdditionalVersionWeights cannot be greater than 1".into(),
        ));
    }
    Ok(())
}

pub(super) fn check_revision(
    given: Option<&str>,
    current: &str,
    api: &str,
) -> Result<(), LambdaError> {
    match given {
        Some(g) if g != current => Err(LambdaError::revision_mismatch(api)),
        _ => Ok(()),
    }
}

/// Rejects a qualifier other than `$LATEST` on operations that modify `$LATEST`.
pub(super) fn only_latest(r: &FunctionRef) -> Result<(), LambdaError> {
    match r.qualifier.as_deref() {
        None => Ok(()),
        Some(q) if q == arn::LATEST => Ok(()),
        Some(_) => Err(LambdaError::InvalidParameterValue(
            "Only the $LATEST version of a function can be modified; pass the function name without a qualifier.".into(),
        )),
    }
}
