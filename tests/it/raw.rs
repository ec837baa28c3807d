//! Signed requests built by hand with aws-sigv4, for what an SDK will not send: presigned URL
//! fetches, tampered or truncated bodies, hand-framed aws-chunked uploads.

use std::time::SystemTime;

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{
    PayloadChecksumKind, PercentEncodingMode, SignableBody, SignableRequest, SigningSettings,
    UriPathNormalizationMode, sign,
};
use aws_sigv4::sign::v4::SigningParams;
use aws_smithy_runtime_api::client::identity::Identity;
use bytes::Bytes;
use http_body_util::{BodyExt as _, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;

/// A response, read whole.
#[derive(Debug)]
pub struct Reply {
    /// The status.
    pub status: http::StatusCode,
    /// The headers.
    pub headers: http::HeaderMap,
    /// The body as text.
    pub body: String,
}

impl Reply {
    /// The `<Code>` of an S3 XML error body, if any.
    pub fn s3_code(&self) -> Option<&str> {
        let start = self.body.find("<Code>")? + "<Code>".len();
        let end = self.body[start..].find("</Code>")? + start;
        Some(&self.body[start..end])
    }
}

/// Sends `request` as it is.
pub async fn send(request: http::Request<Bytes>) -> Reply {
    let client = Client::builder(TokioExecutor::new()).build_http::<Full<Bytes>>();
    let response = client
        .request(request.map(Full::new))
        .await
        .expect("request sent");
    let (parts, body) = response.into_parts();
    let body = body.collect().await.expect("body read").to_bytes();
    Reply {
        status: parts.status,
        headers: parts.headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    }
}

/// How the payload is declared in `x-amz-content-sha256`.
#[derive(Debug, Clone, Copy)]
pub enum Payload<'a> {
    /// The hex SHA-256 of these bytes (which may differ from the body actually sent).
    Sha256Of(&'a [u8]),
    /// `UNSIGNED-PAYLOAD`.
    Unsigned,
}

/// Signs an S3 request (header auth) for `secret`/`key` at `time` and returns it ready to send.
pub fn signed_s3(
    method: &str,
    url: &str,
    headers: &[(&str, &str)],
    body: impl Into<Bytes>,
    payload: Payload<'_>,
    (key, secret): (&str, &str),
    time: SystemTime,
) -> http::Request<Bytes> {
    let body = body.into();
    let uri: http::Uri = url.parse().expect("url");
    let host = uri.authority().expect("authority").as_str().to_owned();
    let content_sha = match payload {
        Payload::Sha256Of(b) => hex::encode(<sha2::Sha256 as sha2::Digest>::digest(b)),
        Payload::Unsigned => "UNSIGNED-PAYLOAD".to_owned(),
    };
    let mut all: Vec<(String, String)> = headers
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    all.push(("host".into(), host));
    all.push(("x-amz-content-sha256".into(), content_sha.clone()));
    let identity: Identity = Credentials::from_keys(key, secret, None).into();
    let mut settings = SigningSettings::default();
    settings.percent_encoding_mode = PercentEncodingMode::Single;
    settings.uri_path_normalization_mode = UriPathNormalizationMode::Disabled;
    settings.payload_checksum_kind = PayloadChecksumKind::NoHeader;
    let params = SigningParams::builder()
        .identity(&identity)
        .region("us-east-1")
        .name("s3")
        .time(time)
        .settings(settings)
        .build()
        .expect("params")
        .into();
    let signable = SignableRequest::new(
        method,
        url,
        all.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        SignableBody::Precomputed(content_sha),
    )
    .expect("signable");
    let (instructions, _sig) = sign(signable, &params).expect("signed").into_parts();
    let mut builder = http::Request::builder().method(method).uri(url);
    for (k, v) in &all {
        builder = builder.header(k.as_str(), v.as_str());
    }
    let mut request = builder.body(body).expect("request");
    instructions.apply_to_request_http1x(&mut request);
    request
}
