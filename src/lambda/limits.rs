//! Length and value bounds of the Lambda API's free-form request strings, checked with the
//! model's constraints and Lambda's messages before anything is stored.
//!
//! `Description` (of a function, a version or an alias) holds at most 256 characters,
//! `Handler` 128 characters without whitespace, `Runtime` one of the model's identifiers,
//! `Architectures` exactly one of `x86_64`/`arm64`, `Tags` at most 50 pairs of keys up to
//! 128 and values up to 256 characters, and a destination ARN 350 characters. A value
//! echoed in a message is cut at [`ECHO_MAX`] characters so that a huge input is not sent
//! back whole.
//!
//! <https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html>

use std::collections::BTreeMap;

use crate::arn::ArnError;
use crate::lambda::error::LambdaError;

/// `Description` maximum length (functions, versions, aliases).
pub const DESCRIPTION_MAX: usize = 256;
/// `Handler` maximum length.
pub const HANDLER_MAX: usize = 128;
/// `DestinationConfig` destination ARN maximum length.
pub const DESTINATION_MAX: usize = 350;
/// Maximum number of tags on a function.
pub const TAGS_MAX: usize = 50;
/// Tag key maximum length.
pub const TAG_KEY_MAX: usize = 128;
/// Tag value maximum length.
pub const TAG_VALUE_MAX: usize = 256;
/// The most characters of an offending value a message echoes.
pub const ECHO_MAX: usize = 1024;

const HANDLER_PATTERN: &str = r"[^\s]+";

/// The model's `Runtime` enum: the identifiers `Runtime` may take.
pub const RUNTIMES: [&str; 51] = [
    "dotnet10",
    "dotnet6",
    "dotnet8",
    "dotnetcore1.0",
    "dotnetcore2.0",
    "dotnetcore2.1",
    "dotnetcore3.1",
    "go1.x",
    "java11",
    "java11.al2023",
    "java17",
    "java17.al2023",
    "java21",
    "java25",
    "java8",
    "java8.al2",
    "java8.al2023",
    "nodejs",
    "nodejs10.x",
    "nodejs12.x",
    "nodejs14.x",
    "nodejs16.x",
    "nodejs18.x",
    "nodejs20.x",
    "nodejs22.x",
    "nodejs24.x",
    "nodejs26.x",
    "nodejs4.3",
    "nodejs4.3-edge",
    "nodejs6.10",
    "nodejs8.10",
    "provided",
    "provided.al2",
    "provided.al2023",
    "python2.7",
    "python3.10",
    "python3.11",
    "python3.12",
    "python3.13",
    "python3.14",
    "python3.15",
    "python3.6",
    "python3.7",
    "python3.8",
    "python3.9",
    "ruby2.5",
    "ruby2.7",
    "ruby3.2",
    "ruby3.3",
    "ruby3.4",
    "ruby4.0",
];

/// `value` cut at [`ECHO_MAX`] characters, with `...` when cut.
fn echo(value: &str) -> String {
    match value.char_indices().nth(ECHO_MAX) {
        Some((i, _)) => format!("{}...", &value[..i]),
        None => value.to_owned(),
    }
}

/// A length constraint: `Member must have length less than or equal to {max}`.
fn check_len(value: &str, field: &str, max: usize) -> Result<(), LambdaError> {
    if value.chars().count() > max {
        return Err(LambdaError::validation(
            echo(value),
            field,
            format_args!("Member must have length less than or equal to {max}"),
        ));
    }
    Ok(())
}

/// A destination ARN of an event invoke configuration: at most 350 characters.
pub fn destination(d: &str, field: &str) -> Result<(), LambdaError> {
    check_len(d, field, DESTINATION_MAX)
}

/// `Description`: at most 256 characters.
pub fn description(d: Option<&str>) -> Result<(), LambdaError> {
    d.map_or(Ok(()), |d| check_len(d, "description", DESCRIPTION_MAX))
}

/// `Handler`: at most 128 characters, no whitespace.
pub fn handler(h: Option<&str>) -> Result<(), LambdaError> {
    let Some(h) = h else { return Ok(()) };
    check_len(h, "handler", HANDLER_MAX)?;
    if h.is_empty() || h.contains(char::is_whitespace) {
        return Err(ArnError::pattern(&echo(h), "handler", HANDLER_PATTERN).into());
    }
    Ok(())
}

/// `Runtime`: one of [`RUNTIMES`].
pub fn runtime(r: Option<&str>) -> Result<(), LambdaError> {
    match r {
        Some(r) if !RUNTIMES.contains(&r) => Err(LambdaError::validation(
            echo(r),
            "runtime",
            format_args!(
                "Member must satisfy enum value set: [{}]",
                RUNTIMES.join(", ")
            ),
        )),
        _ => Ok(()),
    }
}

/// `Architectures`: one element, `x86_64` or `arm64`.
pub fn architectures(a: Option<&[String]>) -> Result<(), LambdaError> {
    let Some(a) = a else { return Ok(()) };
    let shown = || echo(&format!("[{}]", a.join(", ")));
    if a.len() != 1 {
        let constraint = if a.is_empty() {
            "Member must have length greater than or equal to 1"
        } else {
            "Member must have length less than or equal to 1"
        };
        return Err(LambdaError::validation(
            shown(),
            "architectures",
            constraint,
        ));
    }
    if a.iter().any(|x| x != "x86_64" && x != "arm64") {
        return Err(LambdaError::validation(
            shown(),
            "architectures",
            "Member must satisfy constraint: [Member must satisfy enum value set: [x86_64, arm64]]",
        ));
    }
    Ok(())
}

/// `Tags`: at most 50, keys 1–128 characters, values up to 256.
pub fn tags(t: &BTreeMap<String, String>) -> Result<(), LambdaError> {
    if t.len() > TAGS_MAX {
        return Err(LambdaError::InvalidParameterValue(format!(
            "Number of tags exceeds resource tag limit of {TAGS_MAX}."
        )));
    }
    for (k, v) in t {
        let bad_key = k.is_empty() || k.chars().count() > TAG_KEY_MAX;
        if bad_key || v.chars().count() > TAG_VALUE_MAX {
            let (what, max, value) = if bad_key {
                ("keys", TAG_KEY_MAX, k)
            } else {
                ("values", TAG_VALUE_MAX, v)
            };
            return Err(LambdaError::validation(
                echo(value),
                "tags",
                format_args!(
                    "Map {what} must satisfy constraint: [Member must have length less than or equal to {max}, Member must have length greater than or equal to {}]",
                    usize::from(bad_key)
                ),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn description_bound_and_message() {
        assert!(description(Some(&"d".repeat(256))).is_ok());
        let e = description(Some(&"d".repeat(257))).unwrap_err();
        assert_eq!(e.code(), "ValidationException");
        assert!(
            e.message()
                .starts_with("1 validation error detected: Value 'ddd")
        );
        assert!(e.message().ends_with(
            "' at 'description' failed to satisfy constraint: Member must have length less than or equal to 256"
        ));
        let huge = description(Some(&"x".repeat(1 << 20))).unwrap_err();
        assert!(
            huge.message().len() < 2 * ECHO_MAX,
            "a huge value is not echoed whole"
        );
        assert!(
            description(Some(&"é".repeat(256))).is_ok(),
            "characters, not bytes"
        );
    }

    #[test]
    fn handler_architectures_tags() {
        assert!(handler(Some("index.handler")).is_ok() && handler(None).is_ok());
        assert!(handler(Some(&"h".repeat(129))).is_err());
        assert!(
            handler(Some("a b"))
                .unwrap_err()
                .message()
                .contains("'handler'")
        );
        let arn = format!("arn:aws:sqs:us-east-1:000000000000:{}", "q".repeat(400));
        let e = destination(&arn, "destinationConfig.onFailure.destination").unwrap_err();
        assert!(
            e.message()
                .contains("Member must have length less than or equal to 350")
        );
        assert!(runtime(Some("provided.al2023")).is_ok() && runtime(None).is_ok());
        let e = runtime(Some(&"r".repeat(5000))).unwrap_err();
        assert!(e.message().contains("at 'runtime' failed to satisfy constraint: Member must satisfy enum value set: [dotnet10"));
        assert!(architectures(Some(&["arm64".into()])).is_ok());
        let e = architectures(Some(&["sparc".into()])).unwrap_err();
        assert!(
            e.message().contains("enum value set: [x86_64, arm64]"),
            "{}",
            e.message()
        );
        assert!(architectures(Some(&["arm64".into(), "x86_64".into()])).is_err());
        let many: BTreeMap<String, String> =
            (0..51).map(|i| (format!("k{i}"), String::new())).collect();
        assert_eq!(
            tags(&many).unwrap_err().code(),
            "InvalidParameterValueException"
        );
        let long: BTreeMap<String, String> = [("k".into(), "v".repeat(257))].into();
        assert_eq!(tags(&long).unwrap_err().code(), "ValidationException");
    }
}
