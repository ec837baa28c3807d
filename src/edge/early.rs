//! Refusing a request from its head alone, before a byte of its body is read.
//!
//! An anonymous request, an unknown key, a stale date or (when the signature does not cover
//! the body's hash) a wrong signature is answered with the error the service would give after
//! reading the body, plus `Connection: close`: the unread body is never buffered, and hyper
//! closes the connection after the response instead of draining it. A client that sent
//! `Expect: 100-continue` never gets the `100 Continue`, so it never sends the body.
//!
//! A path that names no S3 bucket or key is refused first (`InvalidURI`). SigV2 is verified
//! here in full (it never covers the body), for S3 only; every refusal is logged at debug
//! level with its reason.
//! Two kinds of request pass through unchecked: the simulator's own API (unsigned by design)
//! and S3 browser-form uploads, whose signature is a field of the body itself.

use std::time::SystemTime;

use bytes::Bytes;
use http::request::Parts;
use http::{HeaderValue, Response};

use super::{Target, s3};
use crate::auth::{self, AuthError, SignedHead};
use crate::lambda::LambdaError;
use crate::logs::LogsError;
use crate::sim::Simulator;

/// The authenticated head of a request, or the refusal of one whose head already fails
/// authentication. `Ok(None)` when authentication is not the edge's to check from the head
/// (the simulator API, a form upload).
pub(super) fn check<'a>(
    sim: &Simulator,
    parts: &'a Parts,
    target: &Target,
) -> Result<Option<SignedHead<'a>>, Box<Response<Bytes>>> {
    match target {
        Target::BadS3Address(e) => {
            return Err(Box::new(closing(s3::refuse_address(sim, parts, *e))));
        }
        Target::Sim => return Ok(None),
        Target::S3(address) if s3::is_form_upload(parts, address) => return Ok(None),
        Target::S3(_) | Target::Lambda | Target::Logs | Target::Service(_) => {}
    }
    let error = match authenticate_head(sim, parts, target) {
        Ok(head) => return Ok(Some(head)),
        Err(error) => error,
    };
    tracing::debug!(
        code = error.s3_code(),
        reason = %error,
        path = parts.uri.path(),
        "request refused before its body was read"
    );
    let response = match target {
        Target::Lambda | Target::Logs => json_refusal(sim, target, &error),
        Target::Service(service) => super::other::refuse_auth(sim, parts, service, &error),
        Target::S3(_) | Target::BadS3Address(_) | Target::Sim => s3::refuse(sim, parts, &error),
    };
    Err(Box::new(closing(response)))
}

/// The head's authentication: SigV2 only for S3 (Lambda and CloudWatch Logs never accepted
/// it), whose virtual-host bucket SigV2 signs.
fn authenticate_head<'a>(
    sim: &Simulator,
    parts: &'a Parts,
    target: &Target,
) -> Result<SignedHead<'a>, AuthError> {
    let now = SystemTime::now();
    if !matches!(target, Target::S3(_))
        && auth::signature_version(parts) == auth::SignatureVersion::V2
    {
        return Err(AuthError::SignatureVersionNotSupported);
    }
    let host = parts
        .headers
        .get(http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .or_else(|| parts.uri.host());
    let bucket =
        host.and_then(|h| super::route::virtual_host_bucket(h, &sim.config().virtual_host_domains));
    auth::authenticate_s3_head(parts, sim.keyring(), now, bucket)
}

/// `response` with `Connection: close`: hyper then closes the connection instead of draining
/// the unread body.
fn closing(mut response: Response<Bytes>) -> Response<Bytes> {
    response
        .headers_mut()
        .insert(http::header::CONNECTION, HeaderValue::from_static("close"));
    response
}

/// The Lambda or CloudWatch Logs JSON error for an authentication failure.
fn json_refusal(sim: &Simulator, target: &Target, e: &AuthError) -> Response<Bytes> {
    let request_id = sim.request_ids().lambda();
    let (code, status, message) = (e.lambda_code(), e.lambda_status(), e.lambda_message());
    let mut response = if matches!(target, Target::Logs) {
        LogsError::Unauthenticated {
            code,
            status,
            message,
        }
        .to_response(&request_id)
    } else {
        LambdaError::Unauthenticated {
            code,
            status,
            message,
        }
        .to_response(&request_id)
    };
    if let Ok(v) = HeaderValue::from_str(&request_id) {
        response.headers_mut().insert("x-amzn-RequestId", v);
    }
    response
}
