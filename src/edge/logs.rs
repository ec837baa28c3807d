//! CloudWatch Logs over HTTP: authenticate, hand the awsJson1.1 request to the log store.

use bytes::Bytes;
use http::request::Parts;
use http::{HeaderValue, Response};

use super::BodyError;
use crate::auth::SignedHead;
use crate::logs::{LogsError, LogsRequest};
use crate::sim::Simulator;

pub(super) fn handle(
    sim: &Simulator,
    parts: &Parts,
    head: Option<SignedHead<'_>>,
    body: Result<Bytes, BodyError>,
) -> Response<Bytes> {
    let request_id = sim.request_ids().lambda();
    let result = body
        .map_err(|_| LogsError::InvalidParameter("the request body could not be read".into()))
        .and_then(|body| {
            super::authenticate(sim, parts, head, body).map_err(|e| LogsError::Unauthenticated {
                code: e.lambda_code(),
                status: e.lambda_status(),
                message: e.lambda_message(),
            })
        })
        .and_then(|authed| {
            let target = parts
                .headers
                .get("x-amz-target")
                .and_then(|h| h.to_str().ok())
                .unwrap_or_default()
                .to_owned();
            sim.logs().handle(&LogsRequest {
                target,
                body: authed.body,
                account_id: authed.account.id.clone(),
                region: authed.region,
                request_id: request_id.clone(),
            })
        });
    let mut response = result.unwrap_or_else(|e| {
        tracing::debug!(code = e.code(), %request_id, error = %e, "Logs client error");
        e.to_response(&request_id)
    });
    if let Ok(v) = HeaderValue::from_str(&request_id) {
        response.headers_mut().insert("x-amzn-RequestId", v);
    }
    response
}
