//! The simulator's own HTTP API under `/_s3lambda/`: traces, counters, destination records,
//! wait-for-idle and reset. JSON in and out; unsigned, as a local control API.
//!
//! Trust model (see [`super::sim_trust`]): bound to loopback by default, an unsigned caller is the
//! local administrator and sees every account; a SigV4-signed caller sees only its account's
//! traces, destination records and delivery logs and may not reset. Cross-origin requests are
//! refused, and `reset` needs `Content-Type: application/json` or an `x-s3lambda-client`
//! header, so a web page cannot drive the API through the developer's browser.
//!
//! | method and path | answer |
//! |---|---|
//! | `GET /_s3lambda/health` | `{"status":"running","ready":true,...}`; 503 while starting or draining |
//! | `GET /_s3lambda/metrics` | Prometheus text format (OpenMetrics if `Accept` asks); unsigned callers only |
//! | `GET /_s3lambda/traces?bucket=&key=&function=&outcome=&limit=` | `{"traces":[...]}`, most recent first |
//! | `GET /_s3lambda/traces/{id}` | one trace (`evt-000000000042` or `42`) |
//! | `GET /_s3lambda/counters` | events emitted and final outcomes counted; deployment package storage (`packages`: bytes, entries, unpacking, limit) |
//! | `GET /_s3lambda/destinations` | on-success / on-failure invocation records |
//! | `GET /_s3lambda/logs/{request_id}` | the log of one delivery attempt, by its Lambda request id |
//! | `POST /_s3lambda/wait?timeout_ms=` | 200 when nothing is in flight, 408 on timeout |
//! | `POST /_s3lambda/reset` | forgets buckets, functions, traces and records |
//! | `GET /_s3lambda/ui` | the live dashboard (`GET /` from a browser redirects there) |
//! | `GET /_s3lambda/wiring` | per account: bucket → configuration → function → versions → statements, each allowed or denied |
//! | `GET /_s3lambda/functions` | per function: versions, aliases, concurrency, invoke configs, recent attempts, latency |
//! | `GET /_s3lambda/events` | server-sent events: each trace (as `/traces/{id}` shows it) when it changes |
//! | `GET /_s3lambda/refusals` | `{"refusals":[...]}`: notification configurations S3 refused, most recent first, with each destination's reason where the caller may read it |

use std::time::Duration;

use bytes::Bytes;
use http::request::Parts;
use http::{Method, Response, StatusCode};
use serde_json::{Value, json};

use super::sim_trust::{self as trust, Caller};
use super::{Body, BodyError, query_pairs, ui, whole};
use crate::dashboard::{Viewer, functions, wiring};
use crate::metrics::Format;
use crate::sim::{Readiness, Simulator};
use crate::trace::{ConfigRefusal, Outcome, Query, TraceList, TraceView};

/// Answers one `/_s3lambda/...` request.
pub(crate) async fn handle(
    sim: &Simulator,
    parts: &Parts,
    body: Result<Bytes, BodyError>,
) -> Response<Body> {
    let path = parts.uri.path().trim_end_matches('/');
    let checked = trust::check_origin(parts, trust::is_state_changing(&parts.method, path))
        .and_then(|()| {
            let body = body.map_err(|_| {
                (
                    StatusCode::BAD_REQUEST,
                    "InvalidRequest",
                    "the request body could not be read (the simulator API takes at most 64 KiB)"
                        .to_owned(),
                )
            })?;
            let caller = trust::caller(sim, parts, body)?;
            if caller == Caller::Admin {
                trust::check_host(parts, &sim.config().virtual_host_domains)?;
            }
            Ok(caller)
        });
    let caller = match checked {
        Ok(caller) => caller,
        Err((status, code, message)) => {
            tracing::debug!(code, path, "simulator API request refused");
            return error(status, code, &message).map(whole);
        }
    };
    if let Some(response) = dashboard(sim, &caller, &parts.method, path) {
        return response;
    }
    let query = query_pairs(&parts.uri);
    let param = |name: &str| {
        query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let response = match (&parts.method, path) {
        // Readiness and metrics.
        (&Method::GET, "/_s3lambda/health") => health(sim),
        (&Method::GET, "/_s3lambda/metrics") if caller != Caller::Admin => error(
            StatusCode::FORBIDDEN,
            "AccessDenied",
            "metrics count every account's events; only an unsigned request from the local administrator may read them",
        ),
        (&Method::GET, "/_s3lambda/metrics") => metrics(sim, parts),
        (&Method::GET, "/_s3lambda/traces") => traces(sim, &caller, &param),
        (&Method::GET, p) if p.starts_with("/_s3lambda/traces/") => {
            let id = &p["/_s3lambda/traces/".len()..];
            let numeric = id.strip_prefix("evt-").unwrap_or(id).parse::<u64>().ok();
            let view = numeric
                .and_then(|n| sim.journal().get(n))
                .and_then(|t| scoped(&caller, t.view()));
            match view {
                Some(view) => ok(&json!(view)),
                None => error(
                    StatusCode::NOT_FOUND,
                    "NoSuchTrace",
                    &format!("no trace {id} (it may have been evicted from the journal)"),
                ),
            }
        }
        (&Method::GET, "/_s3lambda/counters") if caller != Caller::Admin => {
            scoped_counters(sim, &caller)
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
            let found = sim
                .journal()
                .find_attempt(request_id)
                .filter(|a| caller.sees_arn(&a.function_arn));
            match found {
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
            let records: Vec<_> = sim
                .dispatcher()
                .records()
                .all()
                .into_iter()
                .filter(|r| caller.sees_arn(&r.function_arn))
                .collect();
            ok(&json!({ "records": records }))
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
        (&Method::POST, "/_s3lambda/reset") if caller != Caller::Admin => error(
            StatusCode::FORBIDDEN,
            "AccessDenied",
            "reset forgets every account's state; only an unsigned request from the local administrator may reset",
        ),
        (&Method::POST, "/_s3lambda/reset") => {
            sim.reset();
            ok(&json!({ "reset": true }))
        }
        (method, path) => error(
            StatusCode::NOT_FOUND,
            "NotFound",
            &format!("no simulator API at {method} {path}"),
        ),
    };
    response.map(whole)
}

// The dashboard: its page, its views and the live event stream.

/// The dashboard's routes, `None` for any other request: `GET /_s3lambda/ui` (the page) and
/// `/_s3lambda/ui/{asset}`, `GET /_s3lambda/wiring` (each visible account's buckets →
/// configurations → functions → versions → statements, allowed or denied),
/// `GET /_s3lambda/functions` (each visible function's panel) and `GET /_s3lambda/events`
/// (server-sent events: each trace when it changes, scoped as `/_s3lambda/traces` is).
fn dashboard(
    sim: &Simulator,
    caller: &Caller,
    method: &Method,
    path: &str,
) -> Option<Response<Body>> {
    if *method != Method::GET {
        return None;
    }
    let viewer = match caller {
        Caller::Admin => Viewer::All,
        Caller::Account(id) => Viewer::Account(id),
    };
    if path == ui::PAGE {
        return ui::asset("");
    }
    if let Some(name) = path
        .strip_prefix(ui::PAGE)
        .and_then(|p| p.strip_prefix('/'))
    {
        return Some(ui::asset(name).unwrap_or_else(|| {
            error(
                StatusCode::NOT_FOUND,
                "NotFound",
                &format!("the dashboard has no file {name}"),
            )
            .map(whole)
        }));
    }
    match path {
        "/_s3lambda/wiring" => Some(ok(&json!(wiring::wiring(sim, viewer))).map(whole)),
        "/_s3lambda/functions" => {
            Some(ok(&json!({ "functions": functions::panels(sim, viewer) })).map(whole))
        }
        "/_s3lambda/events" => Some(ui::events(sim, Scoped(caller.clone()))),
        "/_s3lambda/refusals" => {
            let scope = Scoped(caller.clone());
            let refusals: Vec<ConfigRefusal> = sim
                .journal()
                .refusals()
                .into_iter()
                .filter_map(|r| ui::Scope::refusal(&scope, r))
                .collect();
            Some(ok(&json!({ "refusals": refusals })).map(whole))
        }
        _ => None,
    }
}

/// What a caller of the event stream sees: what it would see through this API.
struct Scoped(Caller);

impl ui::Scope for Scoped {
    fn concerns(&self, trace: &crate::trace::Trace) -> bool {
        concerns(&self.0, trace)
    }

    fn trace(&self, view: TraceView) -> Option<TraceView> {
        scoped(&self.0, view)
    }

    /// A configuration refused for the caller's bucket, or naming its function; the reason
    /// a destination was refused is its function's account's to read.
    fn refusal(&self, mut refusal: ConfigRefusal) -> Option<ConfigRefusal> {
        let caller = &self.0;
        let concerned = caller.sees(&refusal.bucket_owner)
            || refusal.destinations.iter().any(|d| caller.sees_arn(&d.arn));
        if !concerned {
            return None;
        }
        for d in &mut refusal.destinations {
            if !caller.sees_arn(&d.arn) {
                d.reason = None;
            }
        }
        Some(refusal)
    }
}

/// The trace as the caller may read it, if it concerns the caller: a delivery to another
/// account's function keeps its ARN and outcome, but not what belongs to that account (the
/// version it resolved to, its policy's statements and conditions, why it did not resolve,
/// its handler's attempts and log).
fn scoped(caller: &Caller, mut view: TraceView) -> Option<TraceView> {
    if !visible(caller, &view) {
        return None;
    }
    for d in &mut view.deliveries {
        if !caller.sees_arn(&d.function_arn) {
            d.resolved_version = None;
            d.resolution_error = None;
            d.policy = None;
            d.attempts.clear();
        }
    }
    Some(view)
}

/// Whether a trace concerns the caller: an event of its bucket, or a delivery to its function.
/// Whether a trace concerns the caller, read in place (as [`visible`] reads a view).
fn concerns(caller: &Caller, trace: &crate::trace::Trace) -> bool {
    trace.concerns(|owner| caller.sees(owner), |arn| caller.sees_arn(arn))
}

fn visible(caller: &Caller, view: &TraceView) -> bool {
    caller.sees(&view.source.bucket_owner)
        || view
            .deliveries
            .iter()
            .any(|d| caller.sees_arn(&d.function_arn))
}

/// A signed caller's counters: over its traces still in the journal.
fn scoped_counters(sim: &Simulator, caller: &Caller) -> Response<Bytes> {
    let all = Query {
        limit: Some(usize::MAX),
        ..Query::default()
    };
    let views = sim.journal().query_where(&all, |t| concerns(caller, t));
    let mut outcomes = serde_json::Map::new();
    for o in Outcome::ALL {
        let n = views.iter().filter(|v| v.outcome == Some(o)).count();
        if n > 0 {
            outcomes.insert(o.as_str().to_owned(), json!(n));
        }
    }
    let pending = views
        .iter()
        .filter(|v| v.outcome == Some(Outcome::Pending))
        .count();
    ok(&json!({ "events": views.len(), "pending": pending, "outcomes": outcomes }))
}

fn traces<'a>(
    sim: &Simulator,
    caller: &Caller,
    param: &impl Fn(&str) -> Option<&'a str>,
) -> Response<Bytes> {
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
    if *caller == Caller::Admin {
        return ok(&json!(TraceList {
            traces: sim.journal().query(&query)
        }));
    }
    // Only the caller's traces are viewed, then redacted as `scoped` says.
    let traces = sim
        .journal()
        .query_where(&query, |t| concerns(caller, t))
        .into_iter()
        .filter_map(|v| scoped(caller, v))
        .collect();
    ok(&json!(TraceList { traces }))
}

/// `200 {"status":"running","ready":true,...}` once the simulator serves; 503 with
/// `"status":"starting"` or `"draining"` otherwise.
fn health(sim: &Simulator) -> Response<Bytes> {
    let readiness = sim.readiness();
    let ready = readiness == Readiness::Ready;
    let body = json!({
        "status": if ready { "running" } else { readiness.as_str() },
        "ready": ready,
        "version": env!("CARGO_PKG_VERSION"),
        "region": sim.config().region,
    });
    let status = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    json_response(status, &body)
}

/// The metrics, in the format the `Accept` header prefers (Prometheus text by default).
fn metrics(sim: &Simulator, parts: &Parts) -> Response<Bytes> {
    let accept = parts
        .headers
        .get(http::header::ACCEPT)
        .and_then(|v| v.to_str().ok());
    let format = Format::from_accept(accept);
    let mut response = Response::new(Bytes::from(sim.metrics_text(format)));
    response.headers_mut().insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static(format.content_type()),
    );
    response
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trace::{Delivery, PolicyCheck, Source};

    #[test]
    fn a_delivery_to_another_accounts_function_shows_only_its_arn_and_outcome() {
        let delivery = |arn: &str| Delivery {
            resolved_version: Some("7".into()),
            policy: Some(PolicyCheck {
                allowed: false,
                statement: None,
                reason: "StringEquals AWS:SourceAccount \"1\" does not match \"2\"".into(),
            }),
            ..Delivery::new("c".into(), arn.into())
        };
        let view = TraceView {
            id: "evt-000000000001".into(),
            created: std::time::UNIX_EPOCH,
            source: Source {
                bucket: "b".into(),
                key: "k".into(),
                event_name: "ObjectCreated:Put".into(),
                request_id: "r".into(),
                version_id: None,
                bucket_owner: "111111111111".into(),
            },
            configurations: Vec::new(),
            deliveries: vec![
                delivery("arn:aws:lambda:us-east-1:111111111111:function:own"),
                delivery("arn:aws:lambda:us-east-1:222222222222:function:theirs"),
            ],
            outcome: None,
        };
        let owner = Caller::Account("111111111111".into());
        let seen = scoped(&owner, view.clone()).expect("the bucket owner sees its event");
        assert_eq!(seen.deliveries[0].resolved_version.as_deref(), Some("7"));
        assert!(seen.deliveries[0].policy.is_some());
        assert_eq!(seen.deliveries[1].resolved_version, None);
        assert!(seen.deliveries[1].policy.is_none(), "B's policy is B's");
        let admin = scoped(&Caller::Admin, view.clone()).expect("the admin sees all");
        assert!(admin.deliveries[1].policy.is_some());
        let other = Caller::Account("333333333333".into());
        assert!(scoped(&other, view).is_none());
    }

    #[test]
    fn a_refused_configuration_shows_another_accounts_policy_reason_to_that_account_only() {
        use super::ui::Scope as _;
        let refusal = ConfigRefusal {
            id: "cfg-000000000001".into(),
            created: std::time::UNIX_EPOCH,
            bucket: "otherbucket".into(),
            bucket_owner: "222222222222".into(),
            request_id: "R".into(),
            code: "InvalidArgument".into(),
            message: "Unable to validate the following destination configurations".into(),
            destinations: vec![crate::trace::RefusedDestination {
                arn: "arn:aws:lambda:us-east-1:111111111111:function:f:PROD".into(),
                reason: Some("denied: StringEquals AWS:SourceAccount ...".into()),
            }],
        };
        let as_seen = |account: &str| {
            Scoped(Caller::Account(account.into()))
                .refusal(refusal.clone())
                .map(|r| r.destinations[0].reason.is_some())
        };
        assert_eq!(
            as_seen("222222222222"),
            Some(false),
            "the bucket owner: no reason"
        );
        assert_eq!(as_seen("111111111111"), Some(true), "the function's owner");
        assert_eq!(as_seen("333333333333"), None);
        assert!(Scoped(Caller::Admin).refusal(refusal).is_some());
    }
}
