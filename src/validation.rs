//! The AWS service framework's text for a request member that fails its model constraint,
//! shared by every JSON protocol simulated here (Lambda, CloudWatch Logs):
//! `1 validation error detected: Value '{value}' at '{field}' failed to satisfy constraint: …`.

/// How the service framework shows the offending value in a constraint failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Offending<'a> {
    /// A value, shown quoted: `Value 'x' at ...`.
    Value(&'a str),
    /// A missing member: `Value null at ...`.
    Null,
    /// A value the framework does not echo (maps): `Value at ...`.
    Hidden,
}

/// The one text of a failed framework constraint, as AWS's service framework words it
/// (Lambda and CloudWatch Logs):
/// `1 validation error detected: Value '{value}' at '{field}' failed to satisfy constraint: {constraint}`.
pub fn validation_message(value: Offending<'_>, field: &str, constraint: &str) -> String {
    let shown = match value {
        Offending::Value(v) => format!("'{v}' "),
        Offending::Null => "null ".to_owned(),
        Offending::Hidden => String::new(),
    };
    format!(
        "1 validation error detected: Value {shown}at '{field}' failed to satisfy constraint: {constraint}"
    )
}
