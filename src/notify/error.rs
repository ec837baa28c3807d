//! The notification domain's error: an S3 error code, message and argument elements.
//!
//! Every variant is HTTP 400 on the wire; the S3 layer turns a [`NotifyError`] into its
//! `<Error>` XML, writing each `arguments` pair as an element (`<ArgumentName>…`,
//! or the numbered `<ArgumentName1>…` of destination-check failures).

use std::fmt;

/// The S3 error code of a refused notification configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NotifyErrorCode {
    /// `MalformedXML`: the body is not well-formed or does not follow the schema.
    MalformedXml,
    /// `InvalidArgument`: a value is refused (ARN, event, filter, overlap, destination).
    InvalidArgument,
}

impl NotifyErrorCode {
    /// The wire code, e.g. `MalformedXML`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::MalformedXml => "MalformedXML",
            Self::InvalidArgument => "InvalidArgument",
        }
    }

    /// The HTTP status (always 400).
    pub const fn status(self) -> u16 {
        400
    }
}

impl fmt::Display for NotifyErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The message S3 sends with `MalformedXML`.
pub const MALFORMED_XML_MESSAGE: &str =
    "The XML you provided was not well-formed or did not validate against our published schema";

/// A refused PUT notification configuration, as S3 reports it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{code}: {message}")]
pub struct NotifyError {
    /// The S3 error code.
    pub code: NotifyErrorCode,
    /// The exact S3 message.
    pub message: String,
    /// Extra `<Error>` child elements in order, as (element name, text): `ArgumentName` /
    /// `ArgumentValue`, or the numbered `ArgumentName1` / `ArgumentValue1` / ….
    pub arguments: Vec<(String, String)>,
}

impl NotifyError {
    /// `MalformedXML` with S3's standard message. `detail` goes to the debug log only.
    pub fn malformed(detail: &str) -> Self {
        tracing::debug!(detail, "notification configuration: malformed XML");
        Self {
            code: NotifyErrorCode::MalformedXml,
            message: MALFORMED_XML_MESSAGE.to_owned(),
            arguments: Vec::new(),
        }
    }

    /// `InvalidArgument` with one `ArgumentName` / `ArgumentValue` pair.
    pub fn invalid_argument(message: &str, name: &str, value: &str) -> Self {
        Self {
            code: NotifyErrorCode::InvalidArgument,
            message: message.to_owned(),
            arguments: vec![
                ("ArgumentName".to_owned(), name.to_owned()),
                ("ArgumentValue".to_owned(), value.to_owned()),
            ],
        }
    }

    /// `InvalidArgument` without argument elements.
    pub fn invalid(message: &str) -> Self {
        Self {
            code: NotifyErrorCode::InvalidArgument,
            message: message.to_owned(),
            arguments: Vec::new(),
        }
    }

    /// The HTTP status (always 400).
    pub const fn status(&self) -> u16 {
        self.code.status()
    }

    /// The value of the argument element `name`, if present.
    pub fn argument(&self, name: &str) -> Option<&str> {
        self.arguments
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}
