//! S3 over HTTP: authenticate, build the `S3Request`, add S3's response headers.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::SystemTime;

use bytes::Bytes;
use http::request::Parts;
use http::{HeaderValue, Response};

use super::{AddressError, BodyError, S3Address, query_pairs};
use crate::auth::{self, Account, SignedHead};
use crate::s3::{S3Error, S3ErrorCode, S3Request};
use crate::sim::{S3Ids, Simulator};

pub(super) fn handle(
    sim: &Simulator,
    parts: &Parts,
    head: Option<SignedHead<'_>>,
    body: Result<Bytes, BodyError>,
    address: S3Address,
    peer: SocketAddr,
) -> Response<Bytes> {
    let ids = sim.request_ids().s3();
    let result = run(sim, parts, head, body, address, peer, &ids);
    respond(parts, &ids, result)
}

/// The S3 error of a request refused from its head alone, before its body was read.
pub(super) fn refuse(sim: &Simulator, parts: &Parts, e: &auth::AuthError) -> Response<Bytes> {
    let ids = sim.request_ids().s3();
    respond(parts, &ids, Err(auth_error(e)))
}

/// The S3 error of a request whose path names no bucket or key, before its body was read.
pub(super) fn refuse_address(sim: &Simulator, parts: &Parts, e: AddressError) -> Response<Bytes> {
    let ids = sim.request_ids().s3();
    respond(parts, &ids, Err(e.to_s3_error()))
}

/// The S3 error of a form upload refused before its file was read.
pub(super) fn refuse_form(
    sim: &Simulator,
    parts: &Parts,
    refusal: &super::form::FormRefusal,
) -> Response<Bytes> {
    use super::form::FormRefusal;
    let ids = sim.request_ids().s3();
    let error = match refusal {
        FormRefusal::Body(e) => body_error(*e),
        FormRefusal::PreDataTooLarge => S3Error::new(
            S3ErrorCode::MaxPostPreDataLengthExceeded,
            http::StatusCode::BAD_REQUEST,
            "Your POST request fields preceding the upload file were too large.",
        ),
        FormRefusal::Policy(e) => {
            tracing::debug!(code = e.s3_code(), reason = %e, "form upload refused before its file was read");
            wire_error(e.s3_code(), e.status(), e.to_string(), e.extras())
        }
        FormRefusal::Malformed => crate::s3::form::malformed(),
    };
    respond(parts, &ids, Err(error))
}

/// The response or its S3 error, with S3's response headers.
fn respond(
    parts: &Parts,
    ids: &S3Ids,
    result: Result<Response<Bytes>, S3Error>,
) -> Response<Bytes> {
    let mut response = match result {
        Ok(response) => response,
        Err(e) => {
            if e.status().is_server_error() {
                tracing::error!(code = e.code(), request_id = %ids.request_id, "S3 request failed");
            } else {
                tracing::debug!(code = e.code(), request_id = %ids.request_id, "S3 client error");
            }
            e.to_response(&parts.method, &ids.request_id, &ids.host_id)
        }
    };
    let headers = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&ids.request_id) {
        headers.insert("x-amz-request-id", v);
    }
    if let Ok(v) = HeaderValue::from_str(&ids.host_id) {
        headers.insert("x-amz-id-2", v);
    }
    headers.insert(http::header::SERVER, HeaderValue::from_static("AmazonS3"));
    if let Ok(v) = HeaderValue::from_str(&httpdate::fmt_http_date(SystemTime::now())) {
        headers.insert(http::header::DATE, v);
    }
    response
}

fn run(
    sim: &Simulator,
    parts: &Parts,
    head: Option<SignedHead<'_>>,
    body: Result<Bytes, BodyError>,
    address: S3Address,
    peer: SocketAddr,
    ids: &S3Ids,
) -> Result<Response<Bytes>, S3Error> {
    let body = body.map_err(body_error)?;
    let signed = if is_form_upload(parts, &address) {
        form_signature(sim, parts, &address, body)?
    } else {
        header_signature(sim, parts, head, body)?
    };
    let request = S3Request {
        method: parts.method.clone(),
        bucket: address.bucket,
        key: address.key,
        query: query_pairs(&parts.uri),
        headers: signed.headers,
        body: signed.body,
        form: signed.form,
        requester: signed.account,
        region: signed.region,
        request_id: ids.request_id.clone(),
        host_id: ids.host_id.clone(),
        source_ip: peer.ip(),
    };
    let result = sim.s3_call(&request);
    crate::dashboard::refusals::note(sim, &request, &result); // shown on the dashboard
    result
}

/// Who signed a request and what it carries, however it was signed.
struct Signed {
    account: Arc<Account>,
    region: String,
    headers: http::HeaderMap,
    body: Bytes,
    /// A form upload's form, parsed once here and handed on to the service.
    form: Option<Arc<crate::s3::form::PostForm>>,
}

/// SigV4 in the `Authorization` header or a presigned query; aws-chunked bodies decoded and
/// their trailing checksum headers merged into the headers.
fn header_signature(
    sim: &Simulator,
    parts: &Parts,
    head: Option<SignedHead<'_>>,
    body: Bytes,
) -> Result<Signed, S3Error> {
    let authed = super::authenticate(sim, parts, head, body).map_err(|e| auth_error(&e))?;
    let mut headers = parts.headers.clone();
    headers.extend(authed.trailers);
    Ok(Signed {
        account: authed.account,
        region: authed.region,
        headers,
        body: authed.body,
        form: None,
    })
}

/// A SigV4 failure as S3 reports it.
fn auth_error(e: &auth::AuthError) -> S3Error {
    wire_error(e.s3_code(), e.status(), e.to_string(), e.extras())
}

/// A browser-form upload: `POST /{bucket}` with `multipart/form-data`, signed by its policy.
pub(super) fn is_form_upload(parts: &Parts, address: &S3Address) -> bool {
    parts.method == http::Method::POST
        && address.bucket.is_some()
        && address.key.is_none()
        && parts
            .headers
            .get(http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(crate::s3::form::is_form_content_type)
}

/// The form's policy signature and conditions, instead of header SigV4.
fn form_signature(
    sim: &Simulator,
    parts: &Parts,
    address: &S3Address,
    body: Bytes,
) -> Result<Signed, S3Error> {
    let content_type = parts
        .headers
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let form = crate::s3::form::PostForm::parse(content_type, body.clone())?;
    let input = auth::post_policy::PostInput {
        fields: form.fields(),
        bucket: address.bucket.as_deref().unwrap_or_default(),
        file_size: form.file().body.len() as u64,
    };
    let signed =
        auth::post_policy::verify(&input, sim.keyring(), SystemTime::now()).map_err(|e| {
            tracing::debug!(code = e.s3_code(), reason = %e, "form upload refused");
            wire_error(e.s3_code(), e.status(), e.to_string(), e.extras())
        })?;
    Ok(Signed {
        account: signed.account,
        region: signed.region,
        headers: parts.headers.clone(),
        body,
        form: Some(Arc::new(form)),
    })
}

/// An authentication failure as S3 reports it, with its extra elements.
fn wire_error(
    code: &'static str,
    status: http::StatusCode,
    message: String,
    extras: Vec<(&'static str, String)>,
) -> S3Error {
    let code = S3ErrorCode::parse(code).unwrap_or_else(|| {
        tracing::error!(
            code,
            "an authentication error names an S3 code with no variant"
        );
        S3ErrorCode::InternalError
    });
    extras
        .into_iter()
        .fold(S3Error::new(code, status, message), |err, (name, value)| {
            err.with_extra(name, value)
        })
}

fn body_error(e: BodyError) -> S3Error {
    match e {
        BodyError::TooLarge => S3Error::new(
            S3ErrorCode::EntityTooLarge,
            http::StatusCode::BAD_REQUEST,
            "Your proposed upload exceeds the maximum allowed size",
        ),
        BodyError::Incomplete => S3Error::new(
            S3ErrorCode::IncompleteBody,
            http::StatusCode::BAD_REQUEST,
            "You did not provide the number of bytes specified by the Content-Length HTTP header.",
        ),
        BodyError::Stalled => S3Error::new(
            S3ErrorCode::RequestTimeout,
            http::StatusCode::BAD_REQUEST,
            "Your socket connection to the server was not read from or written to within the timeout period. Idle connections will be closed.",
        ),
    }
}
