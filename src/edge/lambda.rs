//! Lambda over HTTP: authenticate, build the `LambdaRequest`, render Lambda's JSON errors.

use bytes::Bytes;
use http::request::Parts;
use http::{HeaderValue, Response};

use super::{BodyError, query_pairs};
use crate::auth::SignedHead;
use crate::lambda::{LambdaError, LambdaRequest};
use crate::sim::Simulator;

pub(super) async fn handle(
    sim: &Simulator,
    parts: &Parts,
    head: Option<SignedHead<'_>>,
    body: Result<Bytes, BodyError>,
) -> Response<Bytes> {
    let request_id = sim.request_ids().lambda();
    let mut response = match run(sim, parts, head, body, &request_id).await {
        Ok(response) => response,
        Err(e) => {
            if e.status().is_server_error() {
                tracing::error!(code = e.code(), %request_id, error = %e, "Lambda request failed");
            } else {
                tracing::debug!(code = e.code(), %request_id, error = %e, "Lambda client error");
            }
            e.to_response(&request_id)
        }
    };
    if let Ok(v) = HeaderValue::from_str(&request_id) {
        response.headers_mut().insert("x-amzn-RequestId", v);
    }
    response
}

async fn run(
    sim: &Simulator,
    parts: &Parts,
    head: Option<SignedHead<'_>>,
    body: Result<Bytes, BodyError>,
    request_id: &str,
) -> Result<Response<Bytes>, LambdaError> {
    let body = body.map_err(|e| match e {
        BodyError::TooLarge => LambdaError::RequestTooLarge(
            "Request must be smaller than the configured maximum body size".into(),
        ),
        BodyError::Incomplete | BodyError::Stalled => LambdaError::InvalidRequestContent(
            "The request body ended before its declared length".into(),
        ),
    })?;
    let authed =
        super::authenticate(sim, parts, head, body).map_err(|e| LambdaError::Unauthenticated {
            code: e.lambda_code(),
            status: e.lambda_status(),
            message: e.lambda_message(),
        })?;
    sim.lambda()
        .handle(LambdaRequest {
            query: query_pairs(&parts.uri),
            path: parts.uri.path().to_owned(),
            method: parts.method.clone(),
            headers: parts.headers.clone(),
            body: authed.body,
            account_id: authed.account.id.clone(),
            region: authed.region,
            request_id: request_id.to_owned(),
        })
        .await
}
