//! Refusing a request from its head alone, before a byte of its body is read.
//!
//! An anonymous request, an unknown key, a stale date or (when the signature does not cover
//! the body's hash) a wrong signature is answered with the error the service would give after
//! reading the body, plus `Connection: close`: the unread body is never buffered, and hyper
//! closes the connection after the response instead of draining it. A client that sent
//! `Expect: 100-continue` never gets the `100 Continue`, so it never sends the body.
//!
//! Two kinds of request pass through unchecked: the simulator's own API (unsigned by design)
//! and S3 browser-form uploads, whose signature is a field of the body itself.

use std::time::SystemTime;

use bytes::Bytes;
use http::request::Parts;
use http::{HeaderValue, Response};

use super::{Target, s3};
use crate::auth::{self, AuthError};
use crate::lambda::LambdaError;
use crate::logs::LogsError;
use crate::sim::Simulator;

/// The refusal of a request whose head already fails authentication; `None` when the body
/// must be read (authentication passed so far, or is not the edge's to check).
pub(super) fn refuse(sim: &Simulator, parts: &Parts, target: &Target) -> Option<Response<Bytes>> {
    match target {
        Target::Sim => return None,
        Target::S3(address) if s3::is_form_upload(parts, address) => return None,
        Target::S3(_) | Target::Lambda | Target::Logs => {}
    }
    let error = auth::authenticate_headers(parts, sim.keyring(), SystemTime::now()).err()?;
    tracing::debug!(
        code = error.s3_code(),
        path = parts.uri.path(),
        "request refused before its body was read"
    );
    let mut response = match target {
        Target::Lambda | Target::Logs => json_refusal(sim, target, &error),
        Target::S3(_) | Target::Sim => s3::refuse(sim, parts, &error),
    };
    response
        .headers_mut()
        .insert(http::header::CONNECTION, HeaderValue::from_static("close"));
    Some(response)
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
