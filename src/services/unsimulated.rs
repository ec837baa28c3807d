//! The answer of every service s3lambda does not simulate, in that service's own protocol,
//! naming the operation, so a client never shows another service's error:
//!
//! - awsJson (an `X-Amz-Target` header): `400 {"__type":"UnknownOperationException",…}`;
//! - Query (an `Action` parameter): `400 <ErrorResponse>` with `InvalidAction` (EC2's own
//!   `<Response><Errors>` shape for `ec2`);
//! - REST-JSON (the services of [`REST_JSON`]): `400` with `x-amzn-ErrorType:
//!   UnknownOperationException`;
//! - REST-XML (any other): `501 <ErrorResponse>` with `NotImplemented`.
//!
//! The same protocol choice renders an authentication refusal for these services, with the
//! codes the protocol uses (`InvalidClientTokenId` in Query, `UnrecognizedClientException`
//! in JSON).

use bytes::Bytes;
use http::StatusCode;

use super::query::{QueryError, xml_response};
use crate::xml::escape;

/// Signing names of the REST-JSON services a deploy tool is likely to call. Any other REST
/// service is answered in REST-XML; a client of a REST-JSON service missing here still sees
/// the status and the message, not the code.
pub const REST_JSON: &[&str] = &[
    "apigateway",
    "appsync",
    "batch",
    "bedrock",
    "eks",
    "elasticfilesystem",
    "es",
    "glacier",
    "iot",
    "kafka",
    "mediaconvert",
    "mq",
    "pipes",
    "polly",
    "scheduler",
    "schemas",
    "serverlessrepo",
    "xray",
];

/// The wire protocol a request speaks, read from its shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Protocol {
    /// awsJson 1.0 or 1.1, with the content type to answer in.
    Json(&'static str),
    /// The Query protocol, with the XML namespace of the answer.
    Query(String),
    /// EC2's variant of the Query protocol.
    Ec2,
    /// REST with JSON bodies.
    RestJson,
    /// REST with XML bodies.
    RestXml,
}

/// What a request of `service` speaks: `X-Amz-Target` means awsJson, a form body or an
/// `Action` parameter means Query, otherwise REST (JSON for [`REST_JSON`], else XML).
pub fn protocol(
    service: &str,
    amz_target: Option<&str>,
    content_type: Option<&str>,
    query_action: bool,
    version: Option<&str>,
) -> Protocol {
    if amz_target.is_some() {
        let json = if content_type.is_some_and(|c| c.contains("x-amz-json-1.0")) {
            "application/x-amz-json-1.0"
        } else {
            "application/x-amz-json-1.1"
        };
        return Protocol::Json(json);
    }
    let form = content_type.is_some_and(|c| c.starts_with("application/x-www-form-urlencoded"));
    if form || query_action {
        if service == "ec2" {
            return Protocol::Ec2;
        }
        let version = version.unwrap_or_default();
        return Protocol::Query(format!("https://{service}.amazonaws.com/doc/{version}/"));
    }
    if REST_JSON.contains(&service) {
        Protocol::RestJson
    } else {
        Protocol::RestXml
    }
}

/// The refusal of `operation` of `service`, in `protocol`.
pub fn refusal(
    service: &str,
    protocol: &Protocol,
    operation: &str,
    request_id: &str,
) -> http::Response<Bytes> {
    let message = format!(
        "{operation} is not simulated by s3lambda (service {service}): it simulates S3, Lambda, CloudWatch Logs reads and group settings, STS GetCallerIdentity and IAM roles."
    );
    let code = match protocol {
        Protocol::Json(_) | Protocol::RestJson => "UnknownOperationException",
        Protocol::Query(_) | Protocol::Ec2 => "InvalidAction",
        Protocol::RestXml => "NotImplemented",
    };
    let status = match protocol {
        Protocol::RestXml => StatusCode::NOT_IMPLEMENTED,
        _ => StatusCode::BAD_REQUEST,
    };
    error(protocol, code, status, &message, request_id)
}

/// An error with `code`, `status` and `message`, rendered in `protocol`.
pub fn error(
    protocol: &Protocol,
    code: &str,
    status: StatusCode,
    message: &str,
    request_id: &str,
) -> http::Response<Bytes> {
    match protocol {
        Protocol::Json(content_type) => {
            let body = serde_json::json!({ "__type": code, "message": message }).to_string();
            json(status, content_type, None, body, request_id)
        }
        Protocol::RestJson => {
            let body = serde_json::json!({ "message": message }).to_string();
            json(status, "application/json", Some(code), body, request_id)
        }
        Protocol::Query(namespace) => {
            QueryError::sender(code, status, message).to_response(namespace, request_id)
        }
        Protocol::Ec2 => xml_response(
            status,
            request_id,
            format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error><Code>{}</Code><Message>{}</Message></Error></Errors><RequestID>{}</RequestID></Response>\n",
                escape(code),
                escape(message),
                escape(request_id)
            ),
        ),
        Protocol::RestXml => xml_response(
            status,
            request_id,
            format!(
                "<ErrorResponse>\n  <Error>\n    <Type>Sender</Type>\n    <Code>{}</Code>\n    <Message>{}</Message>\n  </Error>\n  <RequestId>{}</RequestId>\n</ErrorResponse>\n",
                escape(code),
                escape(message),
                escape(request_id)
            ),
        ),
    }
}

/// The Query protocol's code for the authentication failure a JSON service calls
/// `json_code` (`UnrecognizedClientException` → `InvalidClientTokenId`, …), as STS and IAM
/// answer.
pub fn query_auth_code(json_code: &str) -> &str {
    match json_code {
        "UnrecognizedClientException" => "InvalidClientTokenId",
        "InvalidSignatureException" => "SignatureDoesNotMatch",
        "MissingAuthenticationTokenException" => "MissingAuthenticationToken",
        "IncompleteSignatureException" => "IncompleteSignature",
        "AccessDeniedException" => "AccessDenied",
        "InvalidRequestContentException" => "InvalidParameterValue",
        other => other,
    }
}

fn json(
    status: StatusCode,
    content_type: &'static str,
    error_type: Option<&str>,
    body: String,
    request_id: &str,
) -> http::Response<Bytes> {
    let mut response = http::Response::new(Bytes::from(body));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static(content_type),
    );
    if let Some(v) = error_type.and_then(|t| http::HeaderValue::from_str(t).ok()) {
        headers.insert("x-amzn-ErrorType", v);
    }
    if let Ok(id) = http::HeaderValue::from_str(request_id) {
        headers.insert("x-amzn-RequestId", id);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(r: &http::Response<Bytes>) -> &str {
        std::str::from_utf8(r.body()).unwrap_or_default()
    }

    #[test]
    fn the_protocol_is_read_from_the_request() {
        assert_eq!(
            protocol(
                "dynamodb",
                Some("DynamoDB_20120810.ListTables"),
                Some("application/x-amz-json-1.0"),
                false,
                None
            ),
            Protocol::Json("application/x-amz-json-1.0")
        );
        assert_eq!(
            protocol(
                "cloudformation",
                None,
                Some("application/x-www-form-urlencoded; charset=utf-8"),
                false,
                Some("2010-05-15")
            ),
            Protocol::Query("https://cloudformation.amazonaws.com/doc/2010-05-15/".into())
        );
        assert_eq!(protocol("ec2", None, None, true, None), Protocol::Ec2);
        assert_eq!(
            protocol("apigateway", None, None, false, None),
            Protocol::RestJson
        );
        assert_eq!(
            protocol("route53", None, None, false, None),
            Protocol::RestXml
        );
    }

    #[test]
    fn each_protocol_names_the_operation_in_its_own_shape() {
        let json = refusal(
            "dynamodb",
            &Protocol::Json("application/x-amz-json-1.0"),
            "ListTables",
            "r1",
        );
        assert_eq!(json.status(), StatusCode::BAD_REQUEST);
        let body: serde_json::Value = serde_json::from_slice(json.body()).unwrap_or_default();
        assert_eq!(body["__type"], "UnknownOperationException");
        assert!(
            body["message"]
                .as_str()
                .unwrap_or_default()
                .starts_with("ListTables is not simulated")
        );

        let query = refusal(
            "cloudformation",
            &Protocol::Query("ns".into()),
            "ListStacks",
            "r2",
        );
        assert!(text(&query).contains("<Code>InvalidAction</Code>"));
        assert!(
            text(&query).contains(
                "<Message>ListStacks is not simulated by s3lambda (service cloudformation)"
            )
        );

        let ec2 = refusal("ec2", &Protocol::Ec2, "DescribeInstances", "r3");
        assert!(text(&ec2).contains("<Response><Errors><Error><Code>InvalidAction</Code>"));
        assert!(text(&ec2).contains("<RequestID>r3</RequestID>"));

        let rest = refusal("apigateway", &Protocol::RestJson, "GET /restapis", "r4");
        assert_eq!(
            rest.headers()
                .get("x-amzn-ErrorType")
                .map(http::HeaderValue::as_bytes),
            Some(&b"UnknownOperationException"[..])
        );

        let xml = refusal(
            "route53",
            &Protocol::RestXml,
            "GET /2013-04-01/hostedzone",
            "r5",
        );
        assert_eq!(xml.status(), StatusCode::NOT_IMPLEMENTED);
        assert!(text(&xml).contains("<Code>NotImplemented</Code>"));
        assert!(text(&xml).contains("GET /2013-04-01/hostedzone is not simulated"));
    }

    #[test]
    fn auth_codes_in_the_query_protocol() {
        assert_eq!(
            query_auth_code("UnrecognizedClientException"),
            "InvalidClientTokenId"
        );
        assert_eq!(
            query_auth_code("InvalidSignatureException"),
            "SignatureDoesNotMatch"
        );
        assert_eq!(
            query_auth_code("MissingAuthenticationTokenException"),
            "MissingAuthenticationToken"
        );
    }
}
