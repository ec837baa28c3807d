//! Invoke: `POST /2015-03-31/functions/{name}/invocations?Qualifier=`.
//!
//! `RequestResponse` waits for the invoker (200, `X-Amz-Executed-Version`,
//! `X-Amz-Function-Error`, `X-Amz-Log-Result` with `X-Amz-Log-Type: Tail`); `Event` hands the
//! payload to the invoker on a spawned task and returns 202 at once; `DryRun` only resolves
//! the function and returns 204. The account whose function runs was decided before, by
//! [`super::access::owner`]: the caller's own, or another whose resource-based policy grants
//! the caller's account `lambda:InvokeFunction`. A payload must be UTF-8 JSON: anything else
//! is refused, never converted.
//!
//! <https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html>

use std::sync::Arc;

use base64::Engine as _;
use bytes::Bytes;
use http::{HeaderValue, Response, StatusCode};

use super::wire;
use super::{InvocationType, InvokeRequest, Invoker, LambdaRequest};
use crate::lambda::config::Lifecycle;
use crate::lambda::error::LambdaError;
use crate::lambda::registry::Registry;

/// Synchronous payload limit (6 MB).
pub const SYNC_PAYLOAD_MAX: usize = 6 * 1024 * 1024;
/// Asynchronous payload limit (1 MB, the 2025+ limit; it was 256 KB before).
pub const ASYNC_PAYLOAD_MAX: usize = 1024 * 1024;
/// `X-Amz-Log-Result` carries at most the last 4 KB of the log.
pub const LOG_TAIL_MAX: usize = 4096;

fn header<'a>(req: &'a LambdaRequest, name: &str) -> Option<&'a str> {
    req.headers.get(name).and_then(|v| v.to_str().ok())
}

/// Parses `X-Amz-Invocation-Type` (default `RequestResponse`).
pub fn invocation_type(v: Option<&str>) -> Result<InvocationType, LambdaError> {
    match v {
        None | Some("RequestResponse") => Ok(InvocationType::RequestResponse),
        Some("Event") => Ok(InvocationType::Event),
        Some("DryRun") => Ok(InvocationType::DryRun),
        Some(other) => Err(LambdaError::validation(
            other,
            "invocationType",
            "Member must satisfy enum value set: [Event, RequestResponse, DryRun]",
        )),
    }
}

/// The last `LOG_TAIL_MAX` bytes of `log`, cut on a character boundary.
pub fn log_tail(log: &str) -> &str {
    let mut start = log.len().saturating_sub(LOG_TAIL_MAX);
    while !log.is_char_boundary(start) {
        start += 1;
    }
    log.get(start..).unwrap_or_default()
}

/// Lambda's message for a payload that is not UTF-8 (it is refused, never converted):
/// `Could not parse request body into json: Could not parse payload into json: Invalid
/// UTF-8 start byte 0x97` and where, as Lambda's JSON parser reports it.
pub fn invalid_utf8(body: &[u8], e: &std::str::Utf8Error) -> String {
    let at = e.valid_up_to();
    let lead = body.get(at).copied().unwrap_or_default();
    // A lead byte that cannot start a sequence is a bad start byte; otherwise the byte
    // after the valid prefix of its sequence is a bad middle byte.
    let starts = matches!(lead, 0xC2..=0xF4);
    let what = match e.error_len() {
        Some(n) if starts => {
            let middle = body.get(at + n).copied().unwrap_or(lead);
            format!("Invalid UTF-8 middle byte 0x{middle:02x}")
        }
        Some(_) => format!("Invalid UTF-8 start byte 0x{lead:02x}"),
        None => "Unexpected end-of-input in the middle of a UTF-8 sequence".to_owned(),
    };
    let before = body.get(..at).unwrap_or_default();
    let line = before.split(|&b| b == b'\n').count();
    let column = before.iter().rev().take_while(|&&b| b != b'\n').count() + 1;
    format!(
        "Could not parse request body into json: Could not parse payload into json: {what}\n at [Source: (byte[]); line: {line}, column: {column}]"
    )
}

/// Handles Invoke.
pub async fn invoke(
    reg: &Registry,
    invoker: &Arc<dyn Invoker>,
    req: &LambdaRequest,
    account: &str,
    name: &str,
) -> Result<Response<Bytes>, LambdaError> {
    let r = wire::function_ref(req, name)?;
    let kind = invocation_type(header(req, "x-amz-invocation-type"))?;
    let tail = match header(req, "x-amz-log-type") {
        None | Some("None") => false,
        Some("Tail") => true,
        Some(other) => {
            return Err(LambdaError::validation(
                other,
                "logType",
                "Member must satisfy enum value set: [None, Tail]",
            ));
        }
    };
    let limit = if kind == InvocationType::Event {
        ASYNC_PAYLOAD_MAX
    } else {
        SYNC_PAYLOAD_MAX
    };
    if req.body.len() > limit {
        return Err(LambdaError::RequestTooLarge(format!(
            "Request must be smaller than {limit} bytes for the InvokeFunction operation"
        )));
    }
    if let Err(e) = std::str::from_utf8(&req.body) {
        return Err(LambdaError::InvalidRequestContent(invalid_utf8(
            &req.body, &e,
        )));
    }
    if !req.body.is_empty() && serde_json::from_slice::<serde::de::IgnoredAny>(&req.body).is_err() {
        return Err(LambdaError::InvalidRequestContent(
            "Could not parse request body into json: Could not parse payload into json".into(),
        ));
    }
    let resolved = reg.resolve(account, &req.region, &r)?;
    let state = match &resolved.config.lifecycle {
        Lifecycle::Creating => Some("Pending"),
        Lifecycle::CreateFailed(_) => Some("Failed"),
        _ => None,
    };
    if let Some(state) = state {
        // Lambda's answer to an invoke of a function that is not active.
        return Err(LambdaError::ResourceConflict(format!(
            "The operation cannot be performed at this time. The function is currently in the following state: {state}"
        )));
    }
    let invoked_arn = resolved.invoked_arn.clone();
    let executed = resolved.executed_version.clone();
    let payload = if req.body.is_empty() {
        Bytes::from_static(b"{}")
    } else {
        req.body.clone()
    };
    let ireq = InvokeRequest {
        resolved,
        invoked_arn,
        payload,
        invocation_type: kind,
        request_id: req.request_id.clone(),
    };
    match kind {
        InvocationType::DryRun => Ok(wire::respond(StatusCode::NO_CONTENT, None, &req.request_id)),
        InvocationType::Event => {
            let fut = invoker.invoke(ireq);
            let rid = req.request_id.clone();
            tokio::spawn(async move {
                if let Err(e) = fut.await {
                    tracing::warn!(request_id = %rid, error = %e, "async invocation failed");
                }
            });
            Ok(wire::respond(StatusCode::ACCEPTED, None, &req.request_id))
        }
        InvocationType::RequestResponse => {
            let out = invoker.invoke(ireq).await?;
            let mut resp = Response::new(out.payload);
            *resp.status_mut() = StatusCode::OK;
            let h = resp.headers_mut();
            h.insert(
                http::header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            let version = if out.executed_version.is_empty() {
                executed
            } else {
                out.executed_version
            };
            if let Ok(v) = HeaderValue::from_str(&version) {
                h.insert("X-Amz-Executed-Version", v);
            }
            if let Some(fe) = out
                .function_error
                .as_deref()
                .and_then(|s| HeaderValue::from_str(s).ok())
            {
                h.insert("X-Amz-Function-Error", fe);
            }
            if tail {
                let log = out.log_tail.unwrap_or_default();
                let b64 = base64::engine::general_purpose::STANDARD.encode(log_tail(&log));
                if let Ok(v) = HeaderValue::from_str(&b64) {
                    h.insert("X-Amz-Log-Result", v);
                }
            }
            if let Ok(v) = HeaderValue::from_str(&req.request_id) {
                h.insert("x-amzn-RequestId", v);
            }
            Ok(resp)
        }
    }
}
