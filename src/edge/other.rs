//! Every AWS service s3lambda does not simulate: the request is authenticated, then refused
//! in its own protocol naming the operation (`services::unsimulated`). Also the
//! authentication refusal of STS, IAM and those services, before their body is read.

use bytes::Bytes;
use http::request::Parts;
use http::{Response, StatusCode};

use super::BodyError;
use super::route::Service;
use crate::auth::{AuthError, SignedHead};
use crate::services::unsimulated::{self, Protocol};
use crate::sim::Simulator;

fn header<'a>(parts: &'a Parts, name: &str) -> Option<&'a str> {
    parts.headers.get(name).and_then(|v| v.to_str().ok())
}

/// The protocol a request of `service` speaks, from its head (and its form body, if read).
fn protocol(parts: &Parts, service: &Service, body: Option<&[u8]>) -> Protocol {
    let name = match service {
        Service::Sts | Service::Iam => return Protocol::Query(service.namespace()),
        Service::Other(name) => name,
    };
    unsimulated::protocol(
        name,
        header(parts, "x-amz-target"),
        header(parts, "content-type"),
        form_param(parts, body, "Action").is_some(),
        form_param(parts, body, "Version").as_deref(),
    )
}

/// The operation a request of an unsimulated service names: its `X-Amz-Target` operation,
/// its `Action`, or its method and path.
fn operation(parts: &Parts, body: &[u8]) -> String {
    if let Some(target) = header(parts, "x-amz-target") {
        return target.rsplit('.').next().unwrap_or(target).to_owned();
    }
    form_param(parts, Some(body), "Action")
        .unwrap_or_else(|| format!("{} {}", parts.method, parts.uri.path()))
}

/// The first value of the form parameter `key` in the query string, then the form body
/// (`body`, if read): at most 64 parameters of each are read, none copied but the one found.
fn form_param(parts: &Parts, body: Option<&[u8]>, key: &str) -> Option<String> {
    let query = parts.uri.query().unwrap_or_default().as_bytes();
    [query, body.unwrap_or_default()]
        .into_iter()
        .flat_map(|source| form_urlencoded::parse(source).take(64))
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.into_owned())
}

/// The code, status and message of an authentication failure, as the JSON services word it
/// (the Query protocol renames the code with `unsimulated::query_auth_code`).
pub(super) fn auth_failure(e: &AuthError) -> (&'static str, StatusCode, String) {
    (e.lambda_code(), e.lambda_status(), e.lambda_message())
}

/// The refusal of a request to STS, IAM or an unsimulated service whose head fails
/// authentication, in the service's protocol.
pub(super) fn refuse_auth(
    sim: &Simulator,
    parts: &Parts,
    service: &Service,
    e: &AuthError,
) -> Response<Bytes> {
    let request_id = sim.request_ids().lambda();
    let protocol = protocol(parts, service, None);
    let (code, status, message) = auth_failure(e);
    let code = match protocol {
        Protocol::Query(_) | Protocol::Ec2 => unsimulated::query_auth_code(code),
        _ => code,
    };
    unsimulated::error(&protocol, code, status, &message, &request_id)
}

/// A request to a service s3lambda does not simulate: authenticated, then refused by name.
pub(super) fn handle(
    sim: &Simulator,
    parts: &Parts,
    head: Option<SignedHead<'_>>,
    body: Result<Bytes, BodyError>,
    name: &str,
) -> Response<Bytes> {
    let service = Service::Other(name.to_owned());
    let request_id = sim.request_ids().lambda();
    let Ok(body) = body else {
        let protocol = protocol(parts, &service, None);
        return unsimulated::error(
            &protocol,
            "InvalidParameterValue",
            StatusCode::BAD_REQUEST,
            "The request body could not be read whole.",
            &request_id,
        );
    };
    let protocol = protocol(parts, &service, Some(&body));
    let authed = match super::authenticate(sim, parts, head, body) {
        Ok(authed) => authed,
        Err(e) => return refuse_auth(sim, parts, &service, &e),
    };
    let operation = operation(parts, &authed.body);
    tracing::info!(
        service = name,
        operation,
        account = %authed.account.id,
        "refused: a service s3lambda does not simulate"
    );
    unsimulated::refusal(name, &protocol, &operation, &request_id)
}
