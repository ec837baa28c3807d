//! STS and IAM over HTTP: the Query protocol's parameters (query string and form body),
//! authenticated with SigV4, handed to `services::sts` or the simulator's IAM store; errors
//! as `<ErrorResponse>` in the service's namespace.

use bytes::Bytes;
use http::request::Parts;
use http::{HeaderValue, Response, StatusCode};

use super::route::Service;
use super::{BodyError, other};
use crate::auth::SignedHead;
use crate::services::query::{QueryError, QueryRequest};
use crate::services::sts;
use crate::sim::Simulator;

pub(super) fn handle(
    sim: &Simulator,
    parts: &Parts,
    head: Option<SignedHead<'_>>,
    body: Result<Bytes, BodyError>,
    service: &Service,
) -> Response<Bytes> {
    let request_id = sim.request_ids().lambda();
    let ns = service.namespace();
    let result = run(sim, parts, head, body, service, &request_id);
    let mut response = result.unwrap_or_else(|e| {
        tracing::debug!(code = %e.code, %request_id, message = %e.message, "query service client error");
        e.to_response(&ns, &request_id)
    });
    if let Ok(v) = HeaderValue::from_str(&request_id) {
        response.headers_mut().insert("x-amzn-RequestId", v);
    }
    response
}

fn run(
    sim: &Simulator,
    parts: &Parts,
    head: Option<SignedHead<'_>>,
    body: Result<Bytes, BodyError>,
    service: &Service,
    request_id: &str,
) -> Result<Response<Bytes>, QueryError> {
    let body = body.map_err(|e| {
        QueryError::sender(
            "InvalidParameterValue",
            match e {
                BodyError::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
                BodyError::Incomplete | BodyError::Stalled => StatusCode::BAD_REQUEST,
            },
            "The request body could not be read whole.",
        )
    })?;
    let authed = super::authenticate(sim, parts, head, body).map_err(|e| {
        let (code, status, message) = other::auth_failure(&e);
        QueryError::sender(
            crate::services::unsimulated::query_auth_code(code),
            status,
            message,
        )
    })?;
    let form = parts
        .headers
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|c| c.starts_with("application/x-www-form-urlencoded"));
    let body: &[u8] = if form { &authed.body } else { &[] };
    let req = QueryRequest {
        params: QueryRequest::decode(parts.uri.query(), body)?,
        account_id: authed.account.id.clone(),
        region: authed.region,
        request_id: request_id.to_owned(),
    };
    match service {
        Service::Sts => sts::handle(&req),
        Service::Iam => sim.iam().handle(&req),
        Service::Other(name) => Err(QueryError::invalid_action(
            name,
            req.action().unwrap_or_default(),
            req.param("Version").unwrap_or_default(),
        )),
    }
}
