//! The Lambda error type and its one wire rendering (REST-JSON with `x-amzn-ErrorType`).
//!
//! aws-sdk-lambda (restJson1) reads the error code from the `x-amzn-ErrorType` header and the
//! message from the body's `message`/`Message` field. The body casing follows what Lambda
//! sends: `ResourceNotFoundException` uses `Message`, most others `message`.
//!
//! <https://docs.aws.amazon.com/lambda/latest/api/CommonErrors.html>

use bytes::Bytes;
use http::{HeaderValue, Response, StatusCode};

use crate::arn::ArnError;
use crate::validation::{Offending, validation_message};

/// Every error the Lambda control plane reports.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LambdaError {
    /// 403: the caller may not perform the action on another account's function.
    #[error("{0}")]
    AccessDenied(String),
    /// 404: missing function, version, alias or policy.
    #[error("{0}")]
    ResourceNotFound(String),
    /// 409: duplicate alias or statement id, function exists.
    #[error("{0}")]
    ResourceConflict(String),
    /// 400: a parameter is semantically invalid.
    #[error("{0}")]
    InvalidParameterValue(String),
    /// 412: RevisionId precondition failed.
    #[error("{0}")]
    PreconditionFailed(String),
    /// 400: the stored deployment packages would pass the code storage cap.
    #[error("{0}")]
    CodeStorageExceeded(String),
    /// 400: resource policy larger than 20 KB.
    #[error("{0}")]
    PolicyLengthExceeded(String),
    /// 400: a framework constraint (pattern, length, range) failed.
    #[error("{0}")]
    Validation(String),
    /// 400: the request body is not valid JSON or has wrong types.
    #[error("{0}")]
    InvalidRequestContent(String),
    /// 413: request payload too large.
    #[error("{0}")]
    RequestTooLarge(String),
    /// 429: throttled.
    #[error("{message}")]
    TooManyRequests {
        /// The model's `ThrottleReason` (e.g. `ReservedFunctionConcurrentInvocationLimitExceeded`),
        /// sent as the body's `Reason`.
        reason: Option<&'static str>,
        /// The message.
        message: String,
    },
    /// 500: an internal failure.
    #[error("{0}")]
    Service(String),
    /// 404 with no known operation for the method and path.
    #[error("{0}")]
    UnknownOperation(String),
    /// The request's SigV4 authentication failed (`InvalidSignatureException`,
    /// `UnrecognizedClientException`, `MissingAuthenticationTokenException`, ...).
    #[error("{message}")]
    Unauthenticated {
        /// The error code.
        code: &'static str,
        /// The HTTP status (403 or 400).
        status: StatusCode,
        /// The message.
        message: String,
    },
}

impl LambdaError {
    /// The AWS error code (the `x-amzn-ErrorType` value).
    pub fn code(&self) -> &'static str {
        match self {
            Self::AccessDenied(_) => "AccessDeniedException",
            Self::ResourceNotFound(_) => "ResourceNotFoundException",
            Self::ResourceConflict(_) => "ResourceConflictException",
            Self::InvalidParameterValue(_) => "InvalidParameterValueException",
            Self::PreconditionFailed(_) => "PreconditionFailedException",
            Self::PolicyLengthExceeded(_) => "PolicyLengthExceededException",
            Self::CodeStorageExceeded(_) => "CodeStorageExceededException",
            Self::Validation(_) => "ValidationException",
            Self::InvalidRequestContent(_) => "InvalidRequestContentException",
            Self::RequestTooLarge(_) => "RequestTooLargeException",
            Self::TooManyRequests { .. } => "TooManyRequestsException",
            Self::Service(_) => "ServiceException",
            Self::UnknownOperation(_) => "UnknownOperationException",
            Self::Unauthenticated { code, .. } => code,
        }
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::AccessDenied(_) => StatusCode::FORBIDDEN,
            Self::ResourceNotFound(_) | Self::UnknownOperation(_) => StatusCode::NOT_FOUND,
            Self::ResourceConflict(_) => StatusCode::CONFLICT,
            Self::PreconditionFailed(_) => StatusCode::PRECONDITION_FAILED,
            Self::RequestTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Service(_) => StatusCode::INTERNAL_SERVER_ERROR,
            Self::Unauthenticated { status, .. } => *status,
            Self::InvalidParameterValue(_)
            | Self::PolicyLengthExceeded(_)
            | Self::CodeStorageExceeded(_)
            | Self::Validation(_)
            | Self::InvalidRequestContent(_) => StatusCode::BAD_REQUEST,
        }
    }

    /// The message text.
    pub fn message(&self) -> &str {
        match self {
            Self::AccessDenied(m)
            | Self::ResourceNotFound(m)
            | Self::ResourceConflict(m)
            | Self::InvalidParameterValue(m)
            | Self::PreconditionFailed(m)
            | Self::PolicyLengthExceeded(m)
            | Self::CodeStorageExceeded(m)
            | Self::Validation(m)
            | Self::InvalidRequestContent(m)
            | Self::RequestTooLarge(m)
            | Self::TooManyRequests { message: m, .. }
            | Self::Service(m)
            | Self::UnknownOperation(m)
            | Self::Unauthenticated { message: m, .. } => m,
        }
    }

    /// True for errors caused by the caller (4xx); the edge logs only the others as failures.
    pub fn is_client_error(&self) -> bool {
        self.status().is_client_error()
    }

    /// 400 `ValidationException`: `1 validation error detected: Value '{value}' at '{field}'
    /// failed to satisfy constraint: {constraint}`.
    pub fn validation(
        value: impl std::fmt::Display,
        field: &str,
        constraint: impl std::fmt::Display,
    ) -> Self {
        Self::Validation(validation_message(
            Offending::Value(&value.to_string()),
            field,
            &constraint.to_string(),
        ))
    }

    /// 400 `ValidationException` for a missing member: `Value null at '{field}' ...`.
    pub fn validation_null(field: &str, constraint: &str) -> Self {
        Self::Validation(validation_message(Offending::Null, field, constraint))
    }

    /// 400 `ValidationException` for a value the framework does not echo (a map):
    /// `Value at '{field}' ...`.
    pub fn validation_hidden(field: &str, constraint: &str) -> Self {
        Self::Validation(validation_message(Offending::Hidden, field, constraint))
    }

    /// `Function not found: {arn}`.
    pub fn function_not_found(arn: &str) -> Self {
        Self::ResourceNotFound(format!("Function not found: {arn}"))
    }

    /// The RevisionId precondition message naming the API to call (`GetFunction/GetAlias`
    /// or `GetPolicy`).
    pub fn revision_mismatch(api: &str) -> Self {
        Self::PreconditionFailed(format!(
            "The Revision Id provided does not match the latest Revision Id. Call the {api} API to retrieve the latest Revision Id"
        ))
    }

    /// The single wire rendering: JSON body, `x-amzn-ErrorType`, `x-amzn-RequestId`.
    pub fn to_response(&self, request_id: &str) -> Response<Bytes> {
        let key = match self {
            Self::ResourceNotFound(_) | Self::Service(_) | Self::AccessDenied(_) => "Message",
            _ => "message",
        };
        let mut body = serde_json::Map::new();
        body.insert(
            "Type".into(),
            (if self.is_client_error() {
                "User"
            } else {
                "Service"
            })
            .into(),
        );
        body.insert(key.into(), self.message().into());
        if let Self::TooManyRequests {
            reason: Some(reason),
            ..
        } = self
        {
            body.insert("Reason".into(), (*reason).into());
        }
        let bytes = serde_json::to_vec(&body).unwrap_or_default();
        let mut resp = Response::new(Bytes::from(bytes));
        *resp.status_mut() = self.status();
        let h = resp.headers_mut();
        h.insert("x-amzn-ErrorType", HeaderValue::from_static(self.code()));
        if let Ok(v) = HeaderValue::from_str(request_id) {
            h.insert("x-amzn-RequestId", v);
        }
        h.insert(
            http::header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        resp
    }
}

impl From<ArnError> for LambdaError {
    fn from(e: ArnError) -> Self {
        match e {
            ArnError::Validation { .. } | ArnError::Malformed(_) => Self::Validation(e.to_string()),
            ArnError::QualifierMismatch | ArnError::NameTooLong(_) => {
                Self::InvalidParameterValue(e.to_string())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(r: &Response<Bytes>) -> serde_json::Value {
        serde_json::from_slice(r.body()).unwrap()
    }

    #[test]
    fn not_found_uses_capital_message() {
        let r = LambdaError::function_not_found("arn:aws:lambda:us-east-1:000000000000:function:f")
            .to_response("rid");
        assert_eq!(r.status(), 404);
        assert_eq!(r.headers()["x-amzn-ErrorType"], "ResourceNotFoundException");
        assert_eq!(r.headers()["x-amzn-RequestId"], "rid");
        assert_eq!(r.headers()["content-type"], "application/json");
        let b = body(&r);
        assert_eq!(b["Type"], "User");
        assert_eq!(
            b["Message"],
            "Function not found: arn:aws:lambda:us-east-1:000000000000:function:f"
        );
    }

    #[test]
    fn conflict_and_invalid_use_lowercase_message() {
        let r = LambdaError::ResourceConflict("x".into()).to_response("r");
        assert_eq!(
            (r.status().as_u16(), body(&r)["message"].as_str()),
            (409, Some("x"))
        );
        let r = LambdaError::InvalidParameterValue("y".into()).to_response("r");
        assert_eq!(
            r.headers()["x-amzn-ErrorType"],
            "InvalidParameterValueException"
        );
        assert_eq!(body(&r)["message"], "y");
        let r = LambdaError::revision_mismatch("GetPolicy").to_response("r");
        assert_eq!(r.status(), 412);
        assert!(
            body(&r)["message"]
                .as_str()
                .unwrap()
                .ends_with("Call the GetPolicy API to retrieve the latest Revision Id")
        );
        let r = LambdaError::Service("boom".into()).to_response("r");
        assert_eq!(
            (r.status().as_u16(), body(&r)["Type"].as_str()),
            (500, Some("Service"))
        );
    }

    #[test]
    fn throttle_carries_reason() {
        let r = LambdaError::TooManyRequests {
            reason: Some("ReservedFunctionConcurrentInvocationLimitExceeded"),
            message: "Rate Exceeded.".into(),
        }
        .to_response("r");
        assert_eq!(r.status(), 429);
        assert_eq!(r.headers()["x-amzn-ErrorType"], "TooManyRequestsException");
        let b = body(&r);
        assert_eq!(
            b["Reason"],
            "ReservedFunctionConcurrentInvocationLimitExceeded"
        );
        assert_eq!(b["message"], "Rate Exceeded.");
    }

    #[test]
    fn arn_errors_map_to_lambda_codes() {
        assert_eq!(
            LambdaError::from(ArnError::QualifierMismatch).code(),
            "InvalidParameterValueException"
        );
        assert_eq!(
            LambdaError::from(ArnError::pattern("a b", "name", "p")).code(),
            "ValidationException"
        );
    }
}
