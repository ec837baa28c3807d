//! The awsJson1.1 wire of CloudWatch Logs: the request as the edge hands it over, the one
//! rendering of [`LogsError`], and the helpers every operation shares (JSON in and out, the
//! model's `limit` range, the log group a request names).

use bytes::Bytes;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::validation::{Offending, validation_message};

/// The `X-Amz-Target` prefix of every CloudWatch Logs operation.
pub const TARGET_PREFIX: &str = "Logs_20140328.";
/// The content type of awsJson1.1 requests and responses.
pub const CONTENT_TYPE: &str = "application/x-amz-json-1.1";

/// Whether an `X-Amz-Target` header value names a CloudWatch Logs operation.
pub fn is_logs_target(target: &str) -> bool {
    target.starts_with(TARGET_PREFIX)
}

/// One CloudWatch Logs request, as the edge hands it over (authentication already done).
#[derive(Debug, Clone)]
pub struct LogsRequest {
    /// The `X-Amz-Target` header value, e.g. `Logs_20140328.GetLogEvents`.
    pub target: String,
    /// The JSON request body.
    pub body: Bytes,
    /// The caller's account id.
    pub account_id: String,
    /// The region from the credential scope.
    pub region: String,
    /// The request id, echoed in `x-amzn-RequestId`.
    pub request_id: String,
}

/// A CloudWatch Logs error, rendered on the wire by [`LogsError::to_response`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LogsError {
    /// The target names no operation this service knows.
    #[error("{0}")]
    UnknownOperation(String),
    /// The log group or log stream does not exist.
    #[error("{0}")]
    ResourceNotFound(String),
    /// The log group to create exists already.
    #[error("{0}")]
    AlreadyExists(String),
    /// Tagging would leave a resource with more tags than it may have.
    #[error("{0}")]
    TooManyTags(String),
    /// The caller named another account's log group (by its ARN).
    #[error("{0}")]
    AccessDenied(String),
    /// A parameter is missing, out of range or inconsistent with another.
    #[error("{0}")]
    InvalidParameter(String),
    /// The body is not the JSON the operation takes.
    #[error("{0}")]
    Serialization(String),
    /// The request's SigV4 authentication failed.
    #[error("{message}")]
    Unauthenticated {
        /// The error code, e.g. `InvalidSignatureException`.
        code: &'static str,
        /// The HTTP status (403 or 400).
        status: http::StatusCode,
        /// The message.
        message: String,
    },
}

impl LogsError {
    /// The missing log group error, with AWS's message.
    pub fn no_group() -> Self {
        Self::ResourceNotFound("The specified log group does not exist.".to_owned())
    }

    /// A resource named by ARN that does not exist, with AWS's message.
    pub fn no_resource() -> Self {
        Self::ResourceNotFound("The specified resource does not exist.".to_owned())
    }

    /// The missing log stream error, with AWS's message.
    pub fn no_stream() -> Self {
        Self::ResourceNotFound("The specified log stream does not exist.".to_owned())
    }

    /// The AWS error code (`__type`).
    pub fn code(&self) -> &'static str {
        match self {
            Self::UnknownOperation(_) => "UnknownOperationException",
            Self::ResourceNotFound(_) => "ResourceNotFoundException",
            Self::AlreadyExists(_) => "ResourceAlreadyExistsException",
            Self::TooManyTags(_) => "TooManyTagsException",
            Self::AccessDenied(_) => "AccessDeniedException",
            Self::InvalidParameter(_) => "InvalidParameterException",
            Self::Serialization(_) => "SerializationException",
            Self::Unauthenticated { code, .. } => code,
        }
    }

    /// The HTTP status: 400, or the authentication failure's own.
    pub fn status(&self) -> http::StatusCode {
        match self {
            Self::Unauthenticated { status, .. } => *status,
            _ => http::StatusCode::BAD_REQUEST,
        }
    }

    /// The wire response: `{"__type": code, "message": ...}` as awsJson1.1, with
    /// `x-amzn-RequestId`.
    pub fn to_response(&self, request_id: &str) -> http::Response<Bytes> {
        let body = serde_json::json!({ "__type": self.code(), "message": self.to_string() });
        json_response(self.status(), request_id, body.to_string().into_bytes())
    }
}

pub(super) fn json_response(
    status: http::StatusCode,
    request_id: &str,
    body: Vec<u8>,
) -> http::Response<Bytes> {
    let mut response = http::Response::new(Bytes::from(body));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static(CONTENT_TYPE),
    );
    if let Ok(id) = http::HeaderValue::from_str(request_id) {
        headers.insert("x-amzn-RequestId", id);
    }
    response
}

pub(super) fn ok<T: Serialize>(
    request_id: &str,
    output: &T,
) -> Result<http::Response<Bytes>, LogsError> {
    let body = serde_json::to_vec(output).map_err(|e| LogsError::Serialization(e.to_string()))?;
    Ok(json_response(http::StatusCode::OK, request_id, body))
}

/// The answer of an operation without output: `{}`.
pub(super) fn empty_ok(request_id: &str) -> http::Response<Bytes> {
    json_response(http::StatusCode::OK, request_id, b"{}".to_vec())
}

pub(super) fn parse<T: DeserializeOwned>(body: &[u8]) -> Result<T, LogsError> {
    let body = if body.iter().all(u8::is_ascii_whitespace) {
        b"{}".as_slice()
    } else {
        body
    };
    serde_json::from_slice(body)
        .map_err(|e| LogsError::Serialization(format!("The request body could not be read: {e}")))
}

pub(super) fn invalid(message: impl Into<String>) -> LogsError {
    LogsError::InvalidParameter(message.into())
}

/// Checks an optional `limit` against the model's range and returns it, or `default`.
pub(super) fn limit(value: Option<i64>, max: i64, default: usize) -> Result<usize, LogsError> {
    match value {
        None => Ok(default),
        Some(v) if v < 1 => Err(invalid(validation_message(
            Offending::Value(&v.to_string()),
            "limit",
            "Member must have value greater than or equal to 1",
        ))),
        Some(v) if v > max => Err(invalid(validation_message(
            Offending::Value(&v.to_string()),
            "limit",
            &format!("Member must have value less than or equal to {max}"),
        ))),
        Some(v) => Ok(usize::try_from(v).unwrap_or(default)),
    }
}

/// The group a request names, by `logGroupName` or `logGroupIdentifier` (a name or an ARN).
/// Groups are read in the caller's account only: an ARN of another account's group is
/// `AccessDeniedException` naming `action` (cross-account observability is not simulated),
/// and no account is ever taken from the ARN.
pub(super) fn group_name(
    req: &LogsRequest,
    action: &str,
    name: Option<String>,
    identifier: Option<String>,
) -> Result<String, LogsError> {
    match (name, identifier) {
        (Some(_), Some(_)) => Err(invalid(
            "LogGroupName and LogGroupIdentifier cannot both be specified",
        )),
        (Some(name), None) => Ok(name),
        (None, Some(id)) => match id.split_once(":log-group:") {
            Some((prefix, rest)) if prefix.starts_with("arn:") => {
                let group = rest.strip_suffix(":*").unwrap_or(rest);
                let account = prefix.rsplit(':').next().unwrap_or_default();
                if account != req.account_id {
                    return Err(LogsError::AccessDenied(format!(
                        "User: arn:aws:iam::{caller}:root is not authorized to perform: {action} on resource: {prefix}:log-group:{group} because no resource-based policy allows the {action} action (the log group belongs to account {account}; the caller's keys read account {caller}'s log groups only)",
                        caller = req.account_id
                    )));
                }
                Ok(group.to_owned())
            }
            _ => Ok(id),
        },
        (None, None) => Err(invalid(
            "Either LogGroupName or LogGroupIdentifier must be specified",
        )),
    }
}

pub(super) fn group_arn(region: &str, account: &str, group: &str) -> String {
    format!("arn:aws:logs:{region}:{account}:log-group:{group}")
}

/// The longest log group name, and its pattern in the service model.
const GROUP_NAME_MAX: usize = 512;
const GROUP_NAME_PATTERN: &str = r"[\.\-_/#A-Za-z0-9]+";

/// The input of an operation naming one log group by name only.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct GroupInput {
    pub(super) log_group_name: Option<String>,
}

/// The `logGroupName` member: present, 1–512 characters of the model's pattern.
pub(super) fn required_group_name(name: Option<String>) -> Result<String, LogsError> {
    let name = name.ok_or_else(|| {
        invalid(validation_message(
            Offending::Null,
            "logGroupName",
            "Member must not be null",
        ))
    })?;
    if name.is_empty() || name.len() > GROUP_NAME_MAX {
        return Err(invalid(validation_message(
            Offending::Value(&name),
            "logGroupName",
            &format!("Member must have length less than or equal to {GROUP_NAME_MAX}"),
        )));
    }
    let pattern_ok = name
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"._-/#".contains(&b));
    if !pattern_ok {
        return Err(invalid(validation_message(
            Offending::Value(&name),
            "logGroupName",
            &format!("Member must satisfy regular expression pattern: {GROUP_NAME_PATTERN}"),
        )));
    }
    Ok(name)
}
