//! The S3 protocol error: code, status, message and extra elements, and its one wire rendering.
//!
//! Every failing S3 operation ends in an [`S3Error`]; [`S3Error::to_response`] is the only
//! place that turns one into the `<Error>` XML body S3 sends.
//! See <https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html>.

use std::borrow::Cow;

use bytes::Bytes;
use http::{Method, Response, StatusCode, header};

use super::code::S3ErrorCode;
use crate::xml::escape;

/// An S3 error as sent on the wire: `<Error><Code/><Message/>[extras]<RequestId/><HostId/></Error>`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{code} ({status}): {message}")]
pub struct S3Error {
    code: S3ErrorCode,
    status: StatusCode,
    message: String,
    extras: Vec<(Cow<'static, str>, String)>,
    headers: Vec<(&'static str, String)>,
}

impl S3Error {
    /// An error with the given code, status and message and no extra elements.
    pub fn new(code: S3ErrorCode, status: StatusCode, message: impl Into<String>) -> Self {
        Self {
            code,
            status,
            message: message.into(),
            extras: Vec::new(),
            headers: Vec::new(),
        }
    }

    /// Adds an extra element (e.g. `BucketName`) after `Message`, in call order.
    #[must_use]
    pub fn with_extra(
        mut self,
        name: impl Into<Cow<'static, str>>,
        value: impl Into<String>,
    ) -> Self {
        self.extras.push((name.into(), value.into()));
        self
    }

    /// Adds a response header sent with the error (e.g. `Content-Range` on a 416).
    #[must_use]
    pub fn with_header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }

    /// The error code's wire text, e.g. `NoSuchBucket`.
    pub fn code(&self) -> &'static str {
        self.code.as_str()
    }

    /// The error code.
    pub fn error_code(&self) -> S3ErrorCode {
        self.code
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The human-readable message.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The extra elements, in order.
    pub fn extras(&self) -> &[(Cow<'static, str>, String)] {
        &self.extras
    }

    /// The value of the extra element `name`, if present.
    pub fn extra(&self, name: &str) -> Option<&str> {
        self.extras
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The XML body for this error.
    pub fn to_xml(&self, request_id: &str, host_id: &str) -> String {
        use std::fmt::Write as _;
        let mut s = String::with_capacity(256);
        s.push_str(r#"<?xml version="1.0" encoding="UTF-8"?>"#);
        let _ = write!(
            s,
            "<Error><Code>{}</Code><Message>{}</Message>",
            self.code,
            escape(&self.message)
        );
        for (name, value) in &self.extras {
            let _ = write!(s, "<{name}>{}</{name}>", escape(value));
        }
        let _ = write!(
            s,
            "<RequestId>{}</RequestId><HostId>{}</HostId></Error>",
            escape(request_id),
            escape(host_id)
        );
        s
    }

    /// The one wire rendering: XML body with `Content-Type: application/xml`; HEAD gets no body.
    pub fn to_response(&self, method: &Method, request_id: &str, host_id: &str) -> Response<Bytes> {
        let body = if method == Method::HEAD {
            Bytes::new()
        } else {
            Bytes::from(self.to_xml(request_id, host_id))
        };
        let mut builder = Response::builder()
            .status(self.status)
            .header(header::CONTENT_TYPE, "application/xml");
        for (name, value) in &self.headers {
            builder = builder.header(*name, value.as_str());
        }
        builder.body(body).unwrap_or_else(|_| {
            let mut r = Response::new(Bytes::new());
            *r.status_mut() = self.status;
            r
        })
    }

    // ---- common constructors ----

    /// `NoSuchBucket` 404 with `BucketName`.
    pub fn no_such_bucket(bucket: &str) -> Self {
        Self::new(
            S3ErrorCode::NoSuchBucket,
            StatusCode::NOT_FOUND,
            "The specified bucket does not exist",
        )
        .with_extra("BucketName", bucket)
    }

    /// `NoSuchKey` 404 with `Key`.
    pub fn no_such_key(key: &str) -> Self {
        Self::new(
            S3ErrorCode::NoSuchKey,
            StatusCode::NOT_FOUND,
            "The specified key does not exist.",
        )
        .with_extra("Key", key)
    }

    /// `MalformedXML` 400.
    pub fn malformed_xml() -> Self {
        Self::new(
            S3ErrorCode::MalformedXML,
            StatusCode::BAD_REQUEST,
            "The XML you provided was not well-formed or did not validate against our published schema",
        )
    }

    /// `NotImplemented` 501.
    pub fn not_implemented() -> Self {
        Self::new(
            S3ErrorCode::NotImplemented,
            StatusCode::NOT_IMPLEMENTED,
            "A header you provided implies functionality that is not implemented",
        )
    }

    /// `NotImplemented` 501 naming the offending `Header`, with S3's `additionalMessage`.
    pub fn not_implemented_header(header: &str, additional: &str) -> Self {
        Self::not_implemented()
            .with_extra("Header", header)
            .with_extra("additionalMessage", additional)
    }

    /// `InvalidArgument` 400 with `ArgumentName` and `ArgumentValue`.
    pub fn invalid_argument(
        message: impl Into<String>,
        name: impl Into<String>,
        value: impl Into<String>,
    ) -> Self {
        Self::new(
            S3ErrorCode::InvalidArgument,
            StatusCode::BAD_REQUEST,
            message,
        )
        .with_extra("ArgumentName", name)
        .with_extra("ArgumentValue", value)
    }

    /// `InvalidRequest` 400.
    pub fn invalid_request(message: impl Into<String>) -> Self {
        Self::new(
            S3ErrorCode::InvalidRequest,
            StatusCode::BAD_REQUEST,
            message,
        )
    }

    /// `AccessDenied` 403 `Access Denied`.
    pub fn access_denied() -> Self {
        Self::new(
            S3ErrorCode::AccessDenied,
            StatusCode::FORBIDDEN,
            "Access Denied",
        )
    }

    /// `MethodNotAllowed` 405.
    pub fn method_not_allowed(method: &Method, resource_type: &str) -> Self {
        Self::new(
            S3ErrorCode::MethodNotAllowed,
            StatusCode::METHOD_NOT_ALLOWED,
            "The specified method is not allowed against this resource.",
        )
        .with_extra("Method", method.as_str())
        .with_extra("ResourceType", resource_type)
    }

    /// `PreconditionFailed` 412 with the failing `Condition`.
    pub fn precondition_failed(condition: &str) -> Self {
        Self::new(
            S3ErrorCode::PreconditionFailed,
            StatusCode::PRECONDITION_FAILED,
            "At least one of the pre-conditions you specified did not hold",
        )
        .with_extra("Condition", condition)
    }

    /// `InvalidBucketName` 400 with `BucketName`.
    pub fn invalid_bucket_name(bucket: &str) -> Self {
        Self::new(
            S3ErrorCode::InvalidBucketName,
            StatusCode::BAD_REQUEST,
            "The specified bucket is not valid.",
        )
        .with_extra("BucketName", bucket)
    }

    /// `InternalError` 500.
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(
            S3ErrorCode::InternalError,
            StatusCode::INTERNAL_SERVER_ERROR,
            message,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_error_xml_with_extras_in_order() {
        let e = S3Error::no_such_bucket("a&b");
        let xml = e.to_xml("RID", "HID");
        assert_eq!(
            xml,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>NoSuchBucket</Code>\
             <Message>The specified bucket does not exist</Message><BucketName>a&amp;b</BucketName>\
             <RequestId>RID</RequestId><HostId>HID</HostId></Error>"
        );
    }

    #[test]
    fn head_response_has_no_body() {
        let e = S3Error::no_such_key("k");
        let r = e.to_response(&Method::HEAD, "r", "h");
        assert_eq!(r.status(), StatusCode::NOT_FOUND);
        assert!(r.body().is_empty());
        let r = e.to_response(&Method::GET, "r", "h");
        assert_eq!(r.headers()[header::CONTENT_TYPE], "application/xml");
        assert!(!r.body().is_empty());
    }
}
