//! The browser-form upload body (`multipart/form-data`), read with `multer`: the fields before
//! the `file` field, whose names are case-insensitive (kept lowercased), and the file; fields
//! after the file are ignored, as S3 ignores them.
//!
//! A form is parsed once: by the edge, which checks its policy and hands the parsed form on in
//! [`super::S3Request::form`], or by the service from the body for an in-process request.
//! See <https://docs.aws.amazon.com/AmazonS3/latest/API/RESTObjectPOST.html>.

use std::convert::Infallible;

use bytes::Bytes;
use futures_util::FutureExt as _;
use http::StatusCode;

use super::code::S3ErrorCode;
use super::error::S3Error;

/// Whether a `Content-Type` is `multipart/form-data` (what makes a bucket POST an upload).
pub fn is_form_content_type(content_type: &str) -> bool {
    content_type
        .split(';')
        .next()
        .is_some_and(|t| t.trim().eq_ignore_ascii_case("multipart/form-data"))
}

/// The file field of a form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilePart {
    /// The `filename` parameter of the part, if it has one.
    pub filename: Option<String>,
    /// The content.
    pub body: Bytes,
}

/// A parsed upload form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostForm {
    fields: Vec<(String, String)>,
    file: FilePart,
}

/// `MalformedPOSTRequest`: the body is not `multipart/form-data` S3 can read.
pub fn malformed() -> S3Error {
    S3Error::new(
        S3ErrorCode::MalformedPOSTRequest,
        StatusCode::BAD_REQUEST,
        "The body of your POST request is not well-formed multipart/form-data.",
    )
}

impl PostForm {
    /// Parses a `multipart/form-data` body. The `key` field (required) gets `${filename}`
    /// replaced by the file's name when the file part has one; exactly one file is required.
    pub fn parse(content_type: &str, body: Bytes) -> Result<Self, S3Error> {
        let boundary = multer::parse_boundary(content_type).map_err(|_| malformed())?;
        let stream = futures_util::stream::iter([Ok::<Bytes, Infallible>(body)]);
        let mut multipart = multer::Multipart::new(stream, boundary);
        // The whole body is in memory, so every step completes on its first poll.
        let stalled = || S3Error::internal("multipart parser waited on a complete body");
        let mut fields = Vec::new();
        let mut file = None;
        while let Some(field) = multipart
            .next_field()
            .now_or_never()
            .ok_or_else(stalled)?
            .map_err(|_| malformed())?
        {
            let name = field.name().unwrap_or_default().to_ascii_lowercase();
            if name == "file" {
                let filename = field.file_name().map(str::to_owned);
                let body = field
                    .bytes()
                    .now_or_never()
                    .ok_or_else(stalled)?
                    .map_err(|_| malformed())?;
                file = Some(FilePart { filename, body });
                break;
            }
            let value = field
                .bytes()
                .now_or_never()
                .ok_or_else(stalled)?
                .map_err(|_| malformed())?;
            // Never lossily: two distinct non-UTF-8 `key` values would store one key.
            let value = String::from_utf8(value.to_vec()).map_err(|_| malformed())?;
            fields.push((name, value));
        }
        if !fields.iter().any(|(n, _)| n == "key") {
            return Err(S3Error::invalid_argument(
                "Bucket POST must contain a field named 'key'.  If it is specified, please check the order of the fields.",
                "key",
                "",
            ));
        }
        let Some(file) = file else {
            return Err(S3Error::invalid_argument(
                "POST requires exactly one file upload per request.",
                "file",
                "0",
            ));
        };
        if let Some(filename) = &file.filename {
            for (name, value) in &mut fields {
                if name == "key" {
                    *value = value.replace("${filename}", filename);
                }
            }
        }
        Ok(Self { fields, file })
    }

    /// The fields before the file, in order, names lowercased, `key` expanded.
    pub fn fields(&self) -> &[(String, String)] {
        &self.fields
    }

    /// The first value of field `name` (lowercase).
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The object key (with `${filename}` replaced).
    pub fn key(&self) -> &str {
        self.field("key").unwrap_or_default()
    }

    /// The file.
    pub fn file(&self) -> &FilePart {
        &self.file
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    /// A `multipart/form-data` body with the boundary `XyZ`: `(name, filename, value)` parts.
    pub(in crate::s3) fn body(parts: &[(&str, Option<&str>, &str)]) -> Bytes {
        let mut out = String::new();
        for (name, filename, value) in parts {
            out.push_str("--XyZ\r\nContent-Disposition: form-data; name=\"");
            out.push_str(name);
            out.push('"');
            if let Some(f) = filename {
                out.push_str("; filename=\"");
                out.push_str(f);
                out.push('"');
            }
            out.push_str("\r\n\r\n");
            out.push_str(value);
            out.push_str("\r\n");
        }
        out.push_str("--XyZ--\r\n");
        Bytes::from(out)
    }

    const CT: &str = "multipart/form-data; boundary=XyZ";

    #[test]
    fn fields_before_the_file_lowercased_and_key_expanded() {
        let form = PostForm::parse(
            CT,
            body(&[
                ("Key", None, "up/${filename}"),
                ("Content-Type", None, "text/plain"),
                ("file", Some("a.txt"), "hello"),
                ("after", None, "ignored"),
            ]),
        )
        .unwrap();
        assert_eq!(form.key(), "up/a.txt");
        assert_eq!(form.field("content-type"), Some("text/plain"));
        assert_eq!(form.field("after"), None);
        assert_eq!(form.file().body, Bytes::from_static(b"hello"));
    }

    #[test]
    fn a_key_that_is_not_utf8_is_refused() {
        let raw = b"--XyZ\r\nContent-Disposition: form-data; name=\"key\"\r\n\r\na\xff\r\n--XyZ\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nx\r\n--XyZ--\r\n";
        let e = PostForm::parse(CT, Bytes::from_static(raw)).unwrap_err();
        assert_eq!(e.code(), "MalformedPOSTRequest");
    }

    #[test]
    fn no_filename_keeps_the_variable() {
        let form = PostForm::parse(
            CT,
            body(&[("key", None, "k-${filename}"), ("file", None, "x")]),
        )
        .unwrap();
        assert_eq!(form.key(), "k-${filename}");
    }

    #[test]
    fn missing_key_file_and_malformed_body() {
        let e = PostForm::parse(CT, body(&[("file", None, "x"), ("key", None, "k")])).unwrap_err();
        assert_eq!(
            (e.code(), e.extra("ArgumentName")),
            ("InvalidArgument", Some("key"))
        );
        let e = PostForm::parse(CT, body(&[("key", None, "k")])).unwrap_err();
        assert_eq!(
            (e.code(), e.extra("ArgumentName")),
            ("InvalidArgument", Some("file"))
        );
        let e = PostForm::parse(CT, Bytes::from_static(b"--XyZ\r\ngarbage")).unwrap_err();
        assert_eq!(e.code(), "MalformedPOSTRequest");
        let e = PostForm::parse("multipart/form-data", Bytes::new()).unwrap_err();
        assert_eq!(e.code(), "MalformedPOSTRequest");
    }

    #[test]
    fn content_type_detection() {
        assert!(is_form_content_type("multipart/form-data; boundary=x"));
        assert!(is_form_content_type("Multipart/Form-Data;boundary=x"));
        assert!(!is_form_content_type("application/xml"));
    }
}
