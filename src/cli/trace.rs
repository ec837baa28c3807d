//! `s3lambda trace`: what happened to each S3 event, read from a running simulator's
//! `/_s3lambda/traces` API and printed for people (or as JSON with `--json`).

use std::fmt::Write as _;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt as _, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use serde_json::Value;

use s3lambda::trace::{AttemptResult, ConfigRefusal, MatchResult, TraceList, TraceView};

/// `s3lambda trace` arguments.
#[derive(Debug, clap::Args)]
pub struct TraceArgs {
    /// The simulator's endpoint.
    #[arg(long, default_value = "http://127.0.0.1:4566")]
    pub endpoint: String,
    /// One event by id (`evt-000000000042` or `42`); otherwise the most recent events.
    pub id: Option<String>,
    /// Only events of this bucket.
    #[arg(long)]
    pub bucket: Option<String>,
    /// Only events of this key.
    #[arg(long)]
    pub key: Option<String>,
    /// Only events delivered (or not) to this function (name or ARN).
    #[arg(long)]
    pub function: Option<String>,
    /// Only events with this outcome: pending, delivered, denied, unresolved, failed, expired, throttled.
    #[arg(long)]
    pub outcome: Option<String>,
    /// At most this many events.
    #[arg(long, default_value_t = 20)]
    pub limit: usize,
    /// Print the raw JSON.
    #[arg(long)]
    pub json: bool,
}

/// Fetches and prints traces; the text to print, or why it failed.
pub async fn run(args: &TraceArgs) -> Result<String, String> {
    let endpoint = args.endpoint.trim_end_matches('/');
    let url = if let Some(id) = &args.id {
        format!("{endpoint}/_s3lambda/traces/{id}")
    } else {
        let mut url = format!("{endpoint}/_s3lambda/traces?limit={}", args.limit);
        for (name, value) in [
            ("bucket", &args.bucket),
            ("key", &args.key),
            ("function", &args.function),
            ("outcome", &args.outcome),
        ] {
            if let Some(v) = value {
                let v: String = form_urlencoded::byte_serialize(v.as_bytes()).collect();
                let _ = write!(url, "&{name}={v}");
            }
        }
        url
    };
    let body = get(&url).await?;
    let value: Value =
        serde_json::from_str(&body).map_err(|e| format!("{url} did not answer JSON: {e}"))?;
    if args.json {
        return serde_json::to_string_pretty(&value).map_err(|e| e.to_string());
    }
    let traces: Vec<TraceView> = if value.get("traces").is_some() {
        let list: TraceList = serde_json::from_value(value)
            .map_err(|e| format!("{url} did not answer a list of traces: {e}"))?;
        list.traces.into_iter().rev().collect()
    } else {
        vec![
            serde_json::from_value(value)
                .map_err(|e| format!("{url} did not answer a trace: {e}"))?,
        ]
    };
    if traces.is_empty() {
        // No event: say whether S3 refused the bucket's notification configuration, and why.
        let refused = refusals(endpoint, args.bucket.as_deref()).await;
        if !refused.is_empty() {
            return Ok(refused);
        }
        return Ok(
            "no events matched (only buckets with a notification configuration emit events)\n"
                .into(),
        );
    }
    Ok(traces.iter().map(render).collect())
}

/// The notification configurations S3 refused (of `bucket`, if given), as lines; empty if
/// there are none or the simulator does not say.
async fn refusals(endpoint: &str, bucket: Option<&str>) -> String {
    let url = format!("{endpoint}/_s3lambda/refusals");
    let Ok(list) = get(&url)
        .await
        .and_then(|body| serde_json::from_str::<RefusalList>(&body).map_err(|e| e.to_string()))
    else {
        return String::new();
    };
    let mut out = String::new();
    for r in list
        .refusals
        .iter()
        .filter(|r| bucket.is_none_or(|b| b == r.bucket))
    {
        let _ = writeln!(
            out,
            "{}  s3://{}  configuration refused (S3 request {}): {}: {}",
            r.id, r.bucket, r.request_id, r.code, r.message
        );
        for d in &r.destinations {
            let why = d
                .reason
                .as_deref()
                .unwrap_or("(the function's account may read why)");
            let _ = writeln!(out, "  {}: {why}", d.arn);
        }
    }
    out
}

#[derive(serde::Deserialize)]
struct RefusalList {
    refusals: Vec<ConfigRefusal>,
}

async fn get(url: &str) -> Result<String, String> {
    let client = Client::builder(TokioExecutor::new()).build_http::<Full<Bytes>>();
    let request = http::Request::get(url)
        .body(Full::new(Bytes::new()))
        .map_err(|e| format!("bad endpoint {url}: {e}"))?;
    let response = client
        .request(request)
        .await
        .map_err(|e| format!("cannot reach {url}: {e} (is `s3lambda serve` running?)"))?;
    let status = response.status();
    let body = response
        .into_body()
        .collect()
        .await
        .map_err(|e| format!("reading {url}: {e}"))?
        .to_bytes();
    let text = String::from_utf8_lossy(&body).into_owned();
    if status.is_success() {
        Ok(text)
    } else {
        Err(format!("{url}: {status}: {text}"))
    }
}

/// One trace, as a few indented lines.
pub fn render(trace: &TraceView) -> String {
    let mut out = String::new();
    let source = &trace.source;
    let _ = writeln!(
        out,
        "{}  {}  s3://{}/{}  (S3 request {}){}",
        trace.id,
        source.event_name,
        source.bucket,
        source.key,
        source.request_id,
        source
            .version_id
            .as_deref()
            .map(|v| format!(" version {v}"))
            .unwrap_or_default(),
    );
    for config in &trace.configurations {
        match &config.result {
            MatchResult::Matched => {
                let _ = writeln!(
                    out,
                    "  configuration {:?}: matched -> {}",
                    config.configuration_id, config.destination
                );
            }
            MatchResult::EventType(why)
            | MatchResult::Prefix(why)
            | MatchResult::Suffix(why)
            | MatchResult::DestinationNotSimulated(why) => {
                let _ = writeln!(out, "  {why}");
            }
        }
    }
    for d in &trace.deliveries {
        let _ = writeln!(out, "  delivery to {}", d.function_arn);
        if let Some(v) = &d.resolved_version {
            let _ = writeln!(out, "    resolved to version {v}");
        }
        if let Some(e) = &d.resolution_error {
            let _ = writeln!(out, "    not resolved: {e}");
        }
        if let Some(p) = &d.policy {
            let _ = writeln!(out, "    policy: {}", p.reason);
        }
        for a in &d.attempts {
            let what = match &a.result {
                AttemptResult::Success => "succeeded".to_owned(),
                AttemptResult::FunctionError {
                    function_error,
                    error_type,
                    error_message,
                } => format!("{function_error} error {error_type}: {error_message}"),
                AttemptResult::Throttled => "throttled".to_owned(),
            };
            let _ = writeln!(
                out,
                "    attempt {}: {what} in {} ms (Lambda request {})",
                a.number,
                millis(a.duration),
                a.request_id
            );
            for line in a.log_tail.lines() {
                let _ = writeln!(out, "      | {line}");
            }
        }
        let _ = writeln!(out, "    outcome: {}", d.outcome.as_str());
    }
    match trace.outcome {
        Some(o) => {
            let _ = writeln!(out, "  => {}", o.as_str());
        }
        None => {
            let _ = writeln!(out, "  => no configuration matched: nothing was delivered");
        }
    }
    out
}

/// A run time in milliseconds to the microsecond, written as the trace JSON writes it.
fn millis(d: Duration) -> Value {
    Value::from((d.as_secs_f64() * 1000.0 * 1000.0).round() / 1000.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_a_denied_and_a_delivered_trace() {
        let trace = serde_json::json!({
            "id": "evt-000000000007", "created": 1_700_000_000_000_u64,
            "source": {"bucket": "photos", "key": "in/a.jpg", "eventName": "ObjectCreated:Put", "requestId": "R1", "bucketOwner": "000000000000"},
            "configurations": [
                {"configurationId": "c1", "destination": "arn:f:PROD", "match": {"result": "matched"}},
                {"configurationId": "c2", "destination": "arn:g", "match": {"result": "prefix", "detail": "configuration \"c2\" skipped: key prefix does not match"}}
            ],
            "deliveries": [{
                "configurationId": "c1", "functionArn": "arn:f:PROD", "resolvedVersion": "1",
                "policy": {"allowed": false, "reason": "denied: policy of f:PROD has no statement for principal s3.amazonaws.com"},
                "attempts": [], "outcome": "denied"
            }],
            "outcome": "denied"
        });
        let trace: TraceView = serde_json::from_value(trace).expect("a trace");
        let text = render(&trace);
        assert!(
            text.starts_with("evt-000000000007  ObjectCreated:Put  s3://photos/in/a.jpg"),
            "{text}"
        );
        assert!(text.contains("configuration \"c1\": matched -> arn:f:PROD"));
        assert!(text.contains("skipped: key prefix does not match"));
        assert!(text.contains("resolved to version 1"));
        assert!(text.contains("policy: denied: policy of f:PROD has no statement"));
        assert!(text.trim_end().ends_with("=> denied"));

        let delivered = serde_json::json!({
            "id": "evt-1", "created": 1_700_000_000_000_u64,
            "source": {"bucket": "b", "key": "k", "eventName": "ObjectCreated:Put", "requestId": "R", "bucketOwner": "000000000000"},
            "configurations": [], "outcome": "delivered",
            "deliveries": [{"configurationId": "c", "functionArn": "f", "outcome": "delivered", "attempts": [
                {"number": 1, "duration": 1.5, "requestId": "L1", "result": {"kind": "success"}, "logTail": "START RequestId: L1 Version: 1\nEND RequestId: L1",
                 "started": 1_700_000_000_000_u64, "startedMicros": 1_700_000_000_000_000_u64, "endedMicros": 1_700_000_000_002_000_u64}
            ]}]
        });
        let delivered: TraceView = serde_json::from_value(delivered).expect("a trace");
        let text = render(&delivered);
        assert!(
            text.contains("attempt 1: succeeded in 1.5 ms (Lambda request L1)"),
            "{text}"
        );
        assert!(text.contains("      | START RequestId: L1 Version: 1"));
    }
}
