//! The AWS Query protocol, as STS and IAM speak it: form-encoded parameters
//! (`Action=…&Version=…&Name.member.1=…`) in a POST body or a GET query string, answered
//! with `<{Action}Response><{Action}Result>…</{Action}Result><ResponseMetadata>…` XML, and
//! errors as `<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/>`.
//!
//! <https://smithy.io/2.0/aws/protocols/aws-query-protocol.html>

use bytes::Bytes;
use http::StatusCode;

use crate::xml::escape;

/// The most parameters one request may carry (IAM's largest requests carry a few dozen).
pub const MAX_PARAMS: usize = 1000;

/// One Query-protocol request, decoded and authenticated.
#[derive(Debug, Clone)]
pub struct QueryRequest {
    /// The parameters, in order: the query string's, then the form body's.
    pub params: Vec<(String, String)>,
    /// The caller's account (from its credentials, never from a parameter).
    pub account_id: String,
    /// The region of the credential scope.
    pub region: String,
    /// The request id, echoed in `ResponseMetadata` and `x-amzn-RequestId`.
    pub request_id: String,
}

impl QueryRequest {
    /// Decodes `query` (a URI query string) and `body` (a form-encoded body, or empty) into
    /// parameters; more than [`MAX_PARAMS`] is refused.
    pub fn decode(query: Option<&str>, body: &[u8]) -> Result<Vec<(String, String)>, QueryError> {
        let mut params = Vec::new();
        for source in [query.unwrap_or_default().as_bytes(), body] {
            for (k, v) in form_urlencoded::parse(source) {
                if params.len() == MAX_PARAMS {
                    return Err(QueryError::sender(
                        "ValidationError",
                        StatusCode::BAD_REQUEST,
                        format!("A request may carry at most {MAX_PARAMS} parameters."),
                    ));
                }
                params.push((k.into_owned(), v.into_owned()));
            }
        }
        Ok(params)
    }

    /// The first value of a parameter.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The `Action` parameter.
    pub fn action(&self) -> Option<&str> {
        self.param("Action")
    }

    /// The members of a list parameter, `{name}.member.{n}` for n = 1, 2, … (in index order).
    pub fn members(&self, name: &str) -> Vec<&str> {
        let prefix = format!("{name}.member.");
        let mut found: Vec<(usize, &str)> = self
            .params
            .iter()
            .filter_map(|(k, v)| {
                let n = k.strip_prefix(&prefix)?.parse().ok()?;
                Some((n, v.as_str()))
            })
            .collect();
        found.sort_by_key(|(n, _)| *n);
        found.into_iter().map(|(_, v)| v).collect()
    }

    /// The `Tags.member.{n}.Key` / `.Value` pairs of a tag list, in index order.
    pub fn tags(&self, name: &str) -> Vec<(String, String)> {
        let prefix = format!("{name}.member.");
        let mut found: std::collections::BTreeMap<usize, (String, String)> =
            std::collections::BTreeMap::new();
        for (k, v) in &self.params {
            let Some((n, field)) = k.strip_prefix(&prefix).and_then(|r| r.split_once('.')) else {
                continue;
            };
            let Ok(n) = n.parse::<usize>() else { continue };
            let entry = found.entry(n).or_default();
            match field {
                "Key" => entry.0.clone_from(v),
                "Value" => entry.1.clone_from(v),
                _ => {}
            }
        }
        found.into_values().collect()
    }
}

/// A Query-protocol error: `<ErrorResponse>` with the code, message and HTTP status.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{code}: {message}")]
pub struct QueryError {
    /// The error code, e.g. `NoSuchEntity`.
    pub code: String,
    /// The HTTP status.
    pub status: StatusCode,
    /// The message.
    pub message: String,
    /// `Sender` (the caller's fault) or `Receiver`.
    pub sender: bool,
}

impl QueryError {
    /// A `Sender` error.
    pub fn sender(code: &str, status: StatusCode, message: impl Into<String>) -> Self {
        Self {
            code: code.to_owned(),
            status,
            message: message.into(),
            sender: true,
        }
    }

    /// `400 ValidationError`.
    pub fn validation(message: impl Into<String>) -> Self {
        Self::sender("ValidationError", StatusCode::BAD_REQUEST, message)
    }

    /// `400 InvalidAction`: an action the service does not simulate (or does not have),
    /// named in the message.
    pub fn invalid_action(service: &str, action: &str, version: &str) -> Self {
        let message = if action.is_empty() {
            format!("The request names no Action (service {service}, version {version}).")
        } else {
            format!(
                "{action} is not simulated by s3lambda (service {service}, version {version}): it simulates S3, Lambda, CloudWatch Logs reads and group settings, STS GetCallerIdentity and IAM roles."
            )
        };
        Self::sender("InvalidAction", StatusCode::BAD_REQUEST, message)
    }

    /// The wire response: `<ErrorResponse xmlns="{namespace}">…` with `x-amzn-RequestId`.
    pub fn to_response(&self, namespace: &str, request_id: &str) -> http::Response<Bytes> {
        let kind = if self.sender { "Sender" } else { "Receiver" };
        let body = format!(
            "<ErrorResponse xmlns=\"{namespace}\">\n  <Error>\n    <Type>{kind}</Type>\n    <Code>{}</Code>\n    <Message>{}</Message>\n  </Error>\n  <RequestId>{}</RequestId>\n</ErrorResponse>\n",
            escape(&self.code),
            escape(&self.message),
            escape(request_id)
        );
        xml_response(self.status, request_id, body)
    }
}

/// A successful answer: `<{action}Response xmlns="{namespace}">`, the `<{action}Result>`
/// holding `result` when there is one, and `ResponseMetadata/RequestId`.
pub fn respond(
    action: &str,
    namespace: &str,
    result: Option<&str>,
    request_id: &str,
) -> http::Response<Bytes> {
    let result = result
        .map(|inner| format!("  <{action}Result>\n{inner}  </{action}Result>\n"))
        .unwrap_or_default();
    let body = format!(
        "<{action}Response xmlns=\"{namespace}\">\n{result}  <ResponseMetadata>\n    <RequestId>{}</RequestId>\n  </ResponseMetadata>\n</{action}Response>\n",
        escape(request_id)
    );
    xml_response(StatusCode::OK, request_id, body)
}

/// `text/xml` with `x-amzn-RequestId`.
pub fn xml_response(status: StatusCode, request_id: &str, body: String) -> http::Response<Bytes> {
    let mut response = http::Response::new(Bytes::from(body));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static("text/xml"),
    );
    if let Ok(id) = http::HeaderValue::from_str(request_id) {
        headers.insert("x-amzn-RequestId", id);
    }
    response
}

/// Appends `<{name}>{escaped text}</{name}>` at `indent` spaces, with a newline.
pub fn element(out: &mut String, indent: usize, name: &str, text: &str) {
    use std::fmt::Write as _;
    let _ = writeln!(
        out,
        "{:indent$}<{name}>{}</{name}>",
        "",
        escape(text),
        indent = indent
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(params: &[(&str, &str)]) -> QueryRequest {
        QueryRequest {
            params: params
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            account_id: "000000000000".into(),
            region: "us-east-1".into(),
            request_id: "r".into(),
        }
    }

    #[test]
    fn decodes_query_and_body_and_bounds_the_count() {
        let params = QueryRequest::decode(Some("Action=A&x=%2F"), b"Version=1&y=a+b").unwrap();
        assert_eq!(
            params,
            [("Action", "A"), ("x", "/"), ("Version", "1"), ("y", "a b")]
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
        );
        let many = "a=1&".repeat(MAX_PARAMS + 1);
        let e = QueryRequest::decode(None, many.as_bytes()).unwrap_err();
        assert_eq!(e.code, "ValidationError");
    }

    #[test]
    fn lists_and_tags_in_index_order() {
        let r = request(&[
            ("Names.member.2", "b"),
            ("Names.member.1", "a"),
            ("Names.member.x", "ignored"),
            ("Tags.member.2.Key", "k2"),
            ("Tags.member.1.Value", "v1"),
            ("Tags.member.1.Key", "k1"),
            ("Tags.member.2.Value", ""),
        ]);
        assert_eq!(r.members("Names"), ["a", "b"]);
        assert_eq!(
            r.tags("Tags"),
            [("k1".into(), "v1".into()), ("k2".into(), String::new())]
        );
    }

    #[test]
    fn error_and_success_shapes() {
        let e = QueryError::sender("NoSuchEntity", StatusCode::NOT_FOUND, "a <b>");
        let r = e.to_response("https://iam.amazonaws.com/doc/2010-05-08/", "id-1");
        assert_eq!(r.status(), StatusCode::NOT_FOUND);
        let body = std::str::from_utf8(r.body()).unwrap();
        assert!(
            body.starts_with("<ErrorResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\">")
        );
        assert!(body.contains("<Type>Sender</Type>"));
        assert!(body.contains("<Code>NoSuchEntity</Code>"));
        assert!(body.contains("<Message>a &lt;b&gt;</Message>"));
        assert!(body.contains("<RequestId>id-1</RequestId>"));
        let ok = respond("DeleteRole", "ns", None, "id-2");
        let body = std::str::from_utf8(ok.body()).unwrap();
        assert!(!body.contains("DeleteRoleResult"));
        assert!(body.contains("<RequestId>id-2</RequestId>"));
        assert_eq!(
            ok.headers()
                .get("x-amzn-RequestId")
                .map(http::HeaderValue::as_bytes),
            Some(&b"id-2"[..])
        );
    }
}
