//! The simulator's own HTTP API under `/_s3lambda/`: traces, counters, destination records,
//! wait-for-idle and reset. JSON in and out; unsigned, as a local control API.
//!
//! | method and path | answer |
//! |---|---|
//! | `GET /_s3lambda/health` | `{"status":"running",...}` |
//! | `GET /_s3lambda/traces?bucket=&key=&function=&outcome=&limit=` | `{"traces":[...]}`, most recent first |
//! | `GET /_s3lambda/traces/{id}` | one trace (`evt-000000000042` or `42`) |
//! | `GET /_s3lambda/counters` | events emitted and final outcomes counted; deployment package storage (`packages`: bytes, entries, unpacking, limit) |
//! | `GET /_s3lambda/destinations` | on-success / on-failure invocation records |
//! | `GET /_s3lambda/logs/{request_id}` | the log of one delivery attempt, by its Lambda request id |
//! | `POST /_s3lambda/wait?timeout_ms=` | 200 when nothing is in flight, 408 on timeout |
//! | `POST /_s3lambda/reset` | forgets buckets, functions, traces and records |

use std::time::Duration;

use bytes::Bytes;
use http::request::Parts;
use http::{Method, Response, StatusCode};
use serde_json::{Value, json};

use super::Simulator;
use crate::edge::BodyError;
use crate::trace::{Outcome, Query};

/// Answers one `/_s3lambda/...` request.
pub async fn handle(
    sim: &Simulator,
    parts: &Parts,
    _body: Result<Bytes, BodyError>,
) -> Response<Bytes> {
    let path = parts.uri.path().trim_end_matches('/');
    let query = crate::edge::query_pairs(&parts.uri);
    let param = |name: &str| {
        query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    match (&parts.method, path) {
        (&Method::GET, "/_s3lambda/health") => ok(&json!({
            "status": "running",
            "version": env!("CARGO_PKG_VERSION"),
            "region": sim.config().region,
        })),
        (&Method::GET, "/_s3lambda/traces") => traces(sim, &param),
        (&Method::GET, p) if p.starts_with("/_s3lambda/traces/") => {
            let id = &p["/_s3lambda/traces/".len()..];
            let numeric = id.strip_prefix("evt-").unwrap_or(id).parse::<u64>().ok();
            match numeric.and_then(|n| sim.journal().get(n)) {
                Some(trace) => ok(&json!(trace.view())),
                None => error(
                    StatusCode::NOT_FOUND,
                    "NoSuchTrace",
                    &format!("no trace {id} (it may have been evicted from the journal)"),
                ),
            }
        }
        (&Method::GET, "/_s3lambda/counters") => {
            let journal = sim.journal();
            let outcomes: serde_json::Map<String, Value> = journal
                .counters()
                .into_iter()
                .map(|(o, n)| (o.as_str().to_owned(), json!(n)))
                .collect();
            let packages = sim.lambda().registry().packages().usage();
            ok(&json!({
                "events": journal.events(),
                "pending": journal.pending(),
                "outcomes": outcomes,
                "packages": {
                    "bytes": packages.bytes,
                    "entries": packages.entries,
                    "unpacking": packages.unpacking,
                    "limit": packages.limit,
                },
            }))
        }
        (&Method::GET, p) if p.starts_with("/_s3lambda/logs/") => {
            let request_id = &p["/_s3lambda/logs/".len()..];
            match sim.journal().find_attempt(request_id) {
                Some(found) => ok(&json!(found)),
                None => error(
                    StatusCode::NOT_FOUND,
                    "NoSuchRequest",
                    &format!(
                        "no delivery attempt with request id {request_id} in the journal (for direct Invoke calls, read the function's CloudWatch log group)"
                    ),
                ),
            }
        }
        (&Method::GET, "/_s3lambda/destinations") => {
            ok(&json!({ "records": sim.dispatcher().records().all() }))
        }
        (&Method::POST, "/_s3lambda/wait") => {
            let timeout = param("timeout_ms")
                .and_then(|v| v.parse::<u64>().ok())
                .unwrap_or(30_000);
            let journal = sim.journal();
            if journal.wait_idle(Duration::from_millis(timeout)).await {
                ok(&json!({ "idle": true, "pending": 0 }))
            } else {
                json_response(
                    StatusCode::REQUEST_TIMEOUT,
                    &json!({ "idle": false, "pending": journal.pending() }),
                )
            }
        }
        (&Method::POST, "/_s3lambda/reset") => {
            sim.reset();
            ok(&json!({ "reset": true }))
        }
        (method, path) => error(
            StatusCode::NOT_FOUND,
            "NotFound",
            &format!("no simulator API at {method} {path}"),
        ),
    }
}

fn traces<'a>(sim: &Simulator, param: &impl Fn(&str) -> Option<&'a str>) -> Response<Bytes> {
    let outcome = param("outcome");
    let parsed = outcome.map(Outcome::parse);
    if let (Some(o), Some(None)) = (outcome, parsed) {
        let known: Vec<_> = Outcome::ALL.iter().map(|o| o.as_str()).collect();
        return error(
            StatusCode::BAD_REQUEST,
            "InvalidParameter",
            &format!("unknown outcome {o:?}; one of {}", known.join(", ")),
        );
    }
    let outcome = parsed.flatten();
    let limit = match param("limit").map(str::parse::<usize>) {
        None => None,
        Some(Ok(n)) => Some(n),
        Some(Err(_)) => {
            return error(
                StatusCode::BAD_REQUEST,
                "InvalidParameter",
                "limit must be a whole number",
            );
        }
    };
    let query = Query {
        bucket: param("bucket").map(str::to_owned),
        key: param("key").map(str::to_owned),
        function: param("function").map(str::to_owned),
        outcome,
        limit,
    };
    ok(&json!({ "traces": sim.journal().query(&query) }))
}

fn ok(value: &Value) -> Response<Bytes> {
    json_response(StatusCode::OK, value)
}

fn error(status: StatusCode, code: &str, message: &str) -> Response<Bytes> {
    json_response(status, &json!({ "error": code, "message": message }))
}

fn json_response(status: StatusCode, value: &Value) -> Response<Bytes> {
    let mut response = Response::new(Bytes::from(value.to_string()));
    *response.status_mut() = status;
    response.headers_mut().insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static("application/json"),
    );
    response
}
