//! Checking expectations against the event traces and the recorded results of the setup
//! and the actions; each check says what it expected and, when it fails, what it found.

use std::collections::HashMap;
use std::fmt::Write as _;

use super::report::{ExpectationResult, Problem};
use super::schema::{Expectation, Scenario, Select, Spanned};
use crate::trace::{AttemptResult, Delivery, MatchResult, Outcome, TraceView};

/// An S3 error as the scenario saw it.
#[derive(Debug, Clone)]
pub struct S3Failure {
    /// The error code, e.g. `InvalidArgument`.
    pub code: String,
    /// The message (with its argument details).
    pub message: String,
}

/// How a bucket's PutBucketNotificationConfiguration ended.
#[derive(Debug, Clone)]
pub struct NotificationResult {
    /// The line of the bucket.
    pub line: u64,
    /// Accepted, or the error.
    pub result: Result<(), S3Failure>,
}

/// What a direct invocation returned.
#[derive(Debug, Clone)]
pub struct InvokeResult {
    /// The response payload.
    pub payload: String,
    /// `Handled`/`Unhandled` when the function failed.
    pub function_error: Option<String>,
    /// The invocation's log.
    pub log: String,
    /// The version that ran.
    pub executed_version: String,
}

/// A direct invocation and its line.
#[derive(Debug, Clone)]
pub struct InvokeRecord {
    /// The line of the action.
    pub line: u64,
    /// The result, or the Lambda error.
    pub result: Result<InvokeResult, String>,
}

/// Results recorded while running, for the expectations that are not about traces.
#[derive(Debug, Clone, Default)]
pub struct Recorded {
    /// Per bucket, how its notification configuration was received.
    pub notifications: HashMap<String, NotificationResult>,
    /// Per invocation id, its result.
    pub invokes: HashMap<String, InvokeRecord>,
}

/// Rejected notification configurations that no `rejected` expectation anticipates.
pub fn unexpected_rejections(scenario: &Scenario, recorded: &Recorded) -> Vec<Problem> {
    let mut problems: Vec<Problem> = recorded
        .notifications
        .iter()
        .filter_map(|(bucket, n)| {
            let failure = n.result.as_ref().err()?;
            let expected = scenario
                .expect
                .iter()
                .any(|e| matches!(&e.value, Expectation::Rejected(r) if r.bucket == *bucket));
            (!expected).then(|| Problem {
                line: n.line,
                step: format!("put the notification configuration of {bucket}"),
                message: format!(
                    "rejected with {}: {} (add a `rejected` expectation if that is the point)",
                    failure.code, failure.message
                ),
            })
        })
        .collect();
    problems.sort_by_key(|p| p.line);
    problems
}

/// Checks one expectation.
pub fn check(
    e: &Spanned<Expectation>,
    traces: &[TraceView],
    recorded: &Recorded,
) -> ExpectationResult {
    let (expectation, verdict) = match &e.value {
        Expectation::Delivered(d) => delivered(&d.select(), traces),
        Expectation::Denied(d) => denied(&d.select(), d.reason.as_deref(), traces),
        Expectation::Outcome(o) => {
            outcome(&o.select(), &o.is, o.attempts, o.detail.as_deref(), traces)
        }
        Expectation::NotDelivered(n) => {
            let s = Select {
                bucket: n.bucket.clone(),
                key: Some(n.key.clone()),
                event: n.event.clone(),
                ..Select::default()
            };
            not_delivered(&s, n.reason.as_deref(), traces)
        }
        Expectation::Rejected(r) => rejected(&r.bucket, &r.code, r.message.as_deref(), recorded),
        Expectation::Log(l) => log(
            &l.select(),
            l.invoke.as_deref(),
            &l.contains,
            traces,
            recorded,
        ),
        Expectation::Deliveries(c) => count(
            &c.select(),
            c.outcome.as_deref(),
            (c.count, c.min, c.max),
            traces,
        ),
        Expectation::Invoked(i) => invoked(
            &i.invoke,
            i.version.as_deref(),
            i.error.as_deref(),
            i.payload.as_deref(),
            recorded,
        ),
    };
    let (passed, detail) = match verdict {
        Ok(d) => (true, d),
        Err(d) => (false, d),
    };
    ExpectationResult {
        line: e.referenced.line(),
        expectation,
        passed,
        detail,
    }
}

type Verdict = Result<String, String>;

/// Does the configured ARN `arn` name the function reference `f`?
fn function_matches(f: &str, arn: &str) -> bool {
    if f.starts_with("arn:") {
        arn == f
    } else if f.contains(':') {
        arn.ends_with(&format!(":function:{f}"))
    } else {
        super::schema::function_name(arn) == f
    }
}

fn event_matches(want: &str, got: &str) -> bool {
    want.strip_prefix("s3:").unwrap_or(want) == got
}

fn trace_matches(s: &Select, t: &TraceView) -> bool {
    s.bucket.as_deref().is_none_or(|b| b == t.source.bucket)
        && s.key.as_deref().is_none_or(|k| k == t.source.key)
        && s.event
            .as_deref()
            .is_none_or(|e| event_matches(e, &t.source.event_name))
}

fn delivery_matches(s: &Select, d: &Delivery, with_version: bool) -> bool {
    s.function
        .as_deref()
        .is_none_or(|f| function_matches(f, &d.function_arn))
        && (!with_version
            || s.version
                .as_deref()
                .is_none_or(|v| d.resolved_version.as_deref() == Some(v)))
}

/// The deliveries of the selection; `with_version` applies its version too.
fn deliveries<'t>(
    s: &Select,
    traces: &'t [TraceView],
    with_version: bool,
) -> Vec<(&'t TraceView, &'t Delivery)> {
    traces
        .iter()
        .filter(|t| trace_matches(s, t))
        .flat_map(|t| t.deliveries.iter().map(move |d| (t, d)))
        .filter(|(_, d)| delivery_matches(s, d, with_version))
        .collect()
}

/// `helloworld` from a configured ARN, with its qualifier.
fn short_arn(arn: &str) -> &str {
    arn.find(":function:")
        .map_or(arn, |i| &arn[i + ":function:".len()..])
}

/// One line about a delivery, e.g. `evt-000000000003 helloworld:PROD → version 2: denied`.
fn describe_delivery(t: &TraceView, d: &Delivery) -> String {
    let mut s = format!(
        "{} s3://{}/{} ({}) → {}",
        t.id,
        t.source.bucket,
        t.source.key,
        t.source.event_name,
        short_arn(&d.function_arn)
    );
    if let Some(v) = &d.resolved_version {
        let _ = write!(s, " version {v}");
    }
    let _ = write!(s, ": {}", d.outcome.as_str());
    match d.outcome {
        Outcome::Denied => {
            if let Some(p) = &d.policy {
                let _ = write!(s, " ({})", p.reason);
            }
        }
        Outcome::Unresolved => {
            if let Some(r) = &d.resolution_error {
                let _ = write!(s, " ({r})");
            }
        }
        Outcome::Failed | Outcome::Throttled | Outcome::Expired => {
            let _ = write!(s, " after {} attempt(s)", d.attempts.len());
            if let Some(err) = d.attempts.last().and_then(attempt_error) {
                let _ = write!(s, ", last: {err}");
            }
        }
        Outcome::Pending | Outcome::Delivered => {}
    }
    s
}

fn attempt_error(a: &crate::trace::Attempt) -> Option<String> {
    match &a.result {
        AttemptResult::FunctionError {
            error_type,
            error_message,
            ..
        } => Some(format!("{error_type}: {error_message}")),
        AttemptResult::Throttled => Some("throttled".to_owned()),
        AttemptResult::Success => None,
    }
}

/// What the traces hold for a selection when none matched: its deliveries, or its events.
fn found(s: &Select, traces: &[TraceView]) -> String {
    let all = deliveries(s, traces, false);
    if !all.is_empty() {
        return listing(all.iter().map(|(t, d)| describe_delivery(t, d)), all.len());
    }
    let by_event = Select {
        function: None,
        version: None,
        ..s.clone()
    };
    let events: Vec<&TraceView> = traces
        .iter()
        .filter(|t| trace_matches(&by_event, t))
        .collect();
    if events.is_empty() {
        return format!("no event at all{}", scope(&by_event));
    }
    let lines = events.iter().map(|t| {
        let delivered_to: Vec<String> = t
            .deliveries
            .iter()
            .map(|d| format!("{} ({})", short_arn(&d.function_arn), d.outcome.as_str()))
            .collect();
        if delivered_to.is_empty() {
            format!(
                "{} s3://{}/{} ({}): no configuration matched{}",
                t.id,
                t.source.bucket,
                t.source.key,
                t.source.event_name,
                why_not(t)
            )
        } else {
            format!(
                "{} s3://{}/{} ({}): delivered to {}",
                t.id,
                t.source.bucket,
                t.source.key,
                t.source.event_name,
                delivered_to.join(", ")
            )
        }
    });
    format!("no such delivery; {}", listing(lines, events.len()))
}

/// Up to five items, then a count of the rest.
fn listing(items: impl Iterator<Item = String>, total: usize) -> String {
    let shown: Vec<String> = items.take(5).collect();
    let mut s = format!("found {total}: {}", shown.join("; "));
    if total > shown.len() {
        let _ = write!(s, "; … {} more", total - shown.len());
    }
    s
}

/// ` (prefix: …; suffix: …)`: why each configuration did not match.
fn why_not(t: &TraceView) -> String {
    let reasons: Vec<String> = t
        .configurations
        .iter()
        .filter_map(|c| match &c.result {
            MatchResult::Matched => None,
            MatchResult::EventType(d) => Some(format!("{}: eventType: {d}", c.configuration_id)),
            MatchResult::Prefix(d) => Some(format!("{}: prefix: {d}", c.configuration_id)),
            MatchResult::Suffix(d) => Some(format!("{}: suffix: {d}", c.configuration_id)),
            MatchResult::DestinationNotSimulated(d) => {
                Some(format!("{}: not simulated: {d}", c.configuration_id))
            }
        })
        .collect();
    if reasons.is_empty() {
        if t.configurations.is_empty() {
            " (the bucket has no configuration)".to_owned()
        } else {
            String::new()
        }
    } else {
        format!(" ({})", reasons.join("; "))
    }
}

/// ` for s3://b/k (event E)` from the event part of a selection.
fn scope(s: &Select) -> String {
    let mut out = String::new();
    match (&s.bucket, &s.key) {
        (Some(b), Some(k)) => {
            let _ = write!(out, " for s3://{b}/{k}");
        }
        (Some(b), None) => {
            let _ = write!(out, " in bucket {b}");
        }
        (None, Some(k)) => {
            let _ = write!(out, " for key {k}");
        }
        (None, None) => {}
    }
    if let Some(e) = &s.event {
        let _ = write!(out, " on {e}");
    }
    out
}

fn target(s: &Select) -> String {
    let mut out = match &s.function {
        Some(f) => format!(" to {f}"),
        None => String::new(),
    };
    if let Some(v) = &s.version {
        let _ = write!(out, " version {v}");
    }
    out
}

fn delivered(s: &Select, traces: &[TraceView]) -> (String, Verdict) {
    let what = format!("delivered{}{}", target(s), scope(s));
    let ok: Vec<_> = deliveries(s, traces, true)
        .into_iter()
        .filter(|(_, d)| d.outcome == Outcome::Delivered)
        .collect();
    let verdict = match ok.first() {
        Some((t, d)) if ok.len() == 1 => Ok(describe_delivery(t, d)),
        Some((t, d)) => Ok(format!(
            "{} (and {} more)",
            describe_delivery(t, d),
            ok.len() - 1
        )),
        None => Err(got(s, traces)),
    };
    (what, verdict)
}

/// The failure text: what the selection (ignoring outcome) found instead.
fn got(s: &Select, traces: &[TraceView]) -> String {
    format!("got: {}", found(s, traces))
}

fn denied(s: &Select, reason: Option<&str>, traces: &[TraceView]) -> (String, Verdict) {
    let mut what = format!("denied{}{}", target(s), scope(s));
    if let Some(r) = reason {
        let _ = write!(what, " with a reason containing \"{r}\"");
    }
    let all = deliveries(s, traces, true);
    let hit = all.iter().find(|(_, d)| {
        d.outcome == Outcome::Denied
            && reason.is_none_or(|r| d.policy.as_ref().is_some_and(|p| p.reason.contains(r)))
    });
    let verdict = match hit {
        Some((t, d)) => Ok(describe_delivery(t, d)),
        None => Err(got(s, traces)),
    };
    (what, verdict)
}

/// The texts an `outcome` detail may be found in.
fn details(d: &Delivery) -> Vec<String> {
    let mut v: Vec<String> = Vec::new();
    v.extend(d.resolution_error.clone());
    v.extend(d.policy.as_ref().map(|p| p.reason.clone()));
    v.extend(d.attempts.iter().filter_map(attempt_error));
    v
}

fn outcome(
    s: &Select,
    is: &str,
    attempts: Option<usize>,
    detail: Option<&str>,
    traces: &[TraceView],
) -> (String, Verdict) {
    let mut what = format!("{}{}{} ends {is}", "delivery", target(s), scope(s));
    if let Some(n) = attempts {
        let _ = write!(what, " after {n} attempt(s)");
    }
    if let Some(text) = detail {
        let _ = write!(what, " with \"{text}\"");
    }
    let all = deliveries(s, traces, true);
    let hit = all.iter().find(|(_, d)| {
        d.outcome.as_str() == is
            && attempts.is_none_or(|n| d.attempts.len() == n)
            && detail.is_none_or(|text| details(d).iter().any(|x| x.contains(text)))
    });
    let verdict = match hit {
        Some((t, d)) => Ok(describe_delivery(t, d)),
        None => Err(got(s, traces)),
    };
    (what, verdict)
}

fn not_delivered(s: &Select, reason: Option<&str>, traces: &[TraceView]) -> (String, Verdict) {
    let mut what = format!("no delivery{}", scope(s));
    if let Some(r) = reason {
        let _ = write!(what, ", because \"{r}\"");
    }
    let events: Vec<&TraceView> = traces.iter().filter(|t| trace_matches(s, t)).collect();
    let verdict = if events.is_empty() {
        // S3 records no event when the bucket has no configuration at all.
        let none = format!(
            "no event{} was recorded (the bucket has no notification configuration)",
            scope(s)
        );
        if reason.is_some() {
            Err(format!("got: {none}"))
        } else {
            Ok(none)
        }
    } else if let Some(t) = events.iter().find(|t| !t.deliveries.is_empty()) {
        Err(format!(
            "got: {}",
            t.deliveries
                .iter()
                .map(|d| describe_delivery(t, d))
                .collect::<Vec<_>>()
                .join("; ")
        ))
    } else {
        let why: Vec<String> = events
            .iter()
            .map(|t| format!("{}{}", t.id, why_not(t)))
            .collect();
        let why = why.join("; ");
        match reason {
            Some(r) if !why.contains(r) => Err(format!("got: {why}")),
            _ => Ok(why),
        }
    };
    (what, verdict)
}

fn rejected(
    bucket: &str,
    code: &str,
    message: Option<&str>,
    recorded: &Recorded,
) -> (String, Verdict) {
    let mut what = format!("notification configuration of {bucket} rejected with {code}");
    if let Some(m) = message {
        let _ = write!(what, " containing \"{m}\"");
    }
    let verdict = match recorded.notifications.get(bucket).map(|n| &n.result) {
        None => Err("got: no notification configuration was put on this bucket".to_owned()),
        Some(Ok(())) => Err("got: accepted".to_owned()),
        Some(Err(f)) => {
            let shown = format!("{}: {}", f.code, f.message);
            if f.code == code && message.is_none_or(|m| f.message.contains(m)) {
                Ok(shown)
            } else {
                Err(format!("got: {shown}"))
            }
        }
    };
    (what, verdict)
}

fn log(
    s: &Select,
    invoke: Option<&str>,
    contains: &str,
    traces: &[TraceView],
    recorded: &Recorded,
) -> (String, Verdict) {
    if let Some(id) = invoke {
        let what = format!("log of invoke {id} contains \"{contains}\"");
        let verdict = match recorded.invokes.get(id).map(|r| &r.result) {
            None => Err(format!("got: no invocation {id}")),
            Some(Err(e)) => Err(format!("got: the invocation failed: {e}")),
            Some(Ok(r)) if r.log.contains(contains) => Ok(last_lines(&r.log, contains)),
            Some(Ok(r)) => Err(format!("got log:\n{}", r.log.trim_end())),
        };
        return (what, verdict);
    }
    let what = format!(
        "log of deliveries{}{} contains \"{contains}\"",
        target(s),
        scope(s)
    );
    let all = deliveries(s, traces, true);
    let hit = all.iter().find_map(|(t, d)| {
        d.attempts
            .iter()
            .find(|a| a.log_tail.contains(contains))
            .map(|a| (t, a))
    });
    let verdict = if let Some((t, a)) = hit {
        Ok(format!(
            "{} {}: {}",
            t.id,
            a.request_id,
            last_lines(&a.log_tail, contains)
        ))
    } else if let Some((t, d)) = all.first() {
        let log = d
            .attempts
            .first()
            .map_or("(no attempt ran)", |a| a.log_tail.trim_end());
        Err(format!(
            "got {} matching deliveries, none logging it; {}:\n{log}",
            all.len(),
            describe_delivery(t, d)
        ))
    } else {
        Err(got(s, traces))
    };
    (what, verdict)
}

/// The first line containing `text`.
fn last_lines(log: &str, text: &str) -> String {
    log.lines()
        .find(|l| l.contains(text))
        .unwrap_or_default()
        .trim()
        .to_owned()
}

fn count(
    s: &Select,
    outcome: Option<&str>,
    (exact, min, max): (Option<usize>, Option<usize>, Option<usize>),
    traces: &[TraceView],
) -> (String, Verdict) {
    let outcome = outcome.unwrap_or("delivered");
    let bound = match (exact, min, max) {
        (Some(n), _, _) => format!("{n}"),
        (None, Some(lo), Some(hi)) => format!("{lo} to {hi}"),
        (None, Some(lo), None) => format!("at least {lo}"),
        (None, None, Some(hi)) => format!("at most {hi}"),
        (None, None, None) => "any number of".to_owned(),
    };
    let plural = if exact == Some(1) {
        "delivery"
    } else {
        "deliveries"
    };
    let noun = if outcome == "any" {
        plural.to_owned()
    } else {
        format!("{outcome} {plural}")
    };
    let what = format!("{bound} {noun}{}{}", target(s), scope(s));
    let all = deliveries(s, traces, true);
    let n = all
        .iter()
        .filter(|(_, d)| outcome == "any" || d.outcome.as_str() == outcome)
        .count();
    let ok = exact.is_none_or(|e| n == e)
        && min.is_none_or(|lo| n >= lo)
        && max.is_none_or(|hi| n <= hi);
    let mut by_outcome: Vec<(String, usize)> = Vec::new();
    for (_, d) in &all {
        let key = match &d.resolved_version {
            Some(v) => format!("{} version {v}", d.outcome.as_str()),
            None => d.outcome.as_str().to_owned(),
        };
        match by_outcome.iter_mut().find(|(k, _)| *k == key) {
            Some((_, c)) => *c += 1,
            None => by_outcome.push((key, 1)),
        }
    }
    by_outcome.sort();
    let breakdown = if by_outcome.is_empty() {
        String::new()
    } else {
        let parts: Vec<String> = by_outcome.iter().map(|(k, c)| format!("{c} {k}")).collect();
        format!(" ({})", parts.join(", "))
    };
    let counted = format!("counted {n}{breakdown}");
    (
        what,
        if ok {
            Ok(counted)
        } else {
            Err(format!("got: {counted}"))
        },
    )
}

fn invoked(
    id: &str,
    version: Option<&str>,
    error: Option<&str>,
    payload: Option<&str>,
    recorded: &Recorded,
) -> (String, Verdict) {
    let mut what = format!("invoke {id}");
    if let Some(v) = version {
        let _ = write!(what, " runs version {v}");
    }
    match error {
        Some(e) => {
            let _ = write!(what, " fails with \"{e}\"");
        }
        None => what.push_str(" succeeds"),
    }
    if let Some(p) = payload {
        let _ = write!(what, " returning \"{p}\"");
    }
    let verdict = match recorded.invokes.get(id).map(|r| &r.result) {
        None => Err(format!("got: no invocation {id}")),
        Some(Err(e)) => Err(format!("got: Lambda error {e}")),
        Some(Ok(r)) => {
            let shown = format!(
                "version {}, {}, payload {}",
                r.executed_version,
                r.function_error
                    .as_deref()
                    .map_or_else(|| "no function error".to_owned(), |e| format!("{e} error")),
                r.payload
            );
            let error_ok = match (error, &r.function_error) {
                (None, None) => true,
                (Some(text), Some(kind)) => kind.contains(text) || r.payload.contains(text),
                _ => false,
            };
            let ok = error_ok
                && version.is_none_or(|v| r.executed_version == v)
                && payload.is_none_or(|p| r.payload.contains(p));
            if ok {
                Ok(shown)
            } else {
                Err(format!("got: {shown}"))
            }
        }
    };
    (what, verdict)
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, SystemTime};

    use super::*;
    use crate::scenario::schema::{Count, Delivered};
    use crate::trace::{Attempt, ConfigCheck, PolicyCheck, Source};

    const ARN: &str = "arn:aws:lambda:us-east-1:000000000000:function";

    fn trace(id: u64, key: &str, deliveries: Vec<Delivery>) -> TraceView {
        TraceView {
            id: format!("evt-{id:012}"),
            created: SystemTime::UNIX_EPOCH,
            source: Source {
                bucket: "b".into(),
                key: key.into(),
                event_name: "ObjectCreated:Put".into(),
                request_id: "R".into(),
                version_id: None,
                bucket_owner: "000000000000".into(),
            },
            configurations: vec![ConfigCheck {
                configuration_id: "c1".into(),
                destination: format!("{ARN}:f:PROD"),
                result: if deliveries.is_empty() {
                    MatchResult::Prefix("key does not start with \"in/\"".into())
                } else {
                    MatchResult::Matched
                },
            }],
            outcome: deliveries.first().map(|d| d.outcome),
            deliveries,
        }
    }

    fn delivery(version: &str, outcome: Outcome) -> Delivery {
        let mut d = Delivery::new("c1".into(), format!("{ARN}:f:PROD"));
        d.resolved_version = Some(version.into());
        d.outcome = outcome;
        if outcome == Outcome::Denied {
            d.policy = Some(PolicyCheck {
                allowed: false,
                statement: None,
                reason: "denied: policy of f:PROD has no statement for principal s3.amazonaws.com"
                    .into(),
            });
        } else {
            d.attempts.push(Attempt {
                number: 1,
                request_id: "req-1".into(),
                started: SystemTime::UNIX_EPOCH,
                started_micros: 0,
                ended_micros: 0,
                duration: Duration::ZERO,
                result: AttemptResult::Success,
                log_tail: format!("START RequestId: req-1 Version: {version}\nhello\n"),
            });
        }
        d
    }

    fn spanned(e: Expectation) -> Spanned<Expectation> {
        let at = serde_saphyr::Location::UNKNOWN;
        Spanned::new(e, at, at)
    }

    fn traces() -> Vec<TraceView> {
        vec![
            trace(1, "in/a", vec![delivery("1", Outcome::Delivered)]),
            trace(2, "in/b", vec![delivery("2", Outcome::Delivered)]),
            trace(3, "in/c", vec![delivery("1", Outcome::Denied)]),
            trace(4, "out/d", vec![]),
        ]
    }

    #[test]
    fn function_references_match_names_qualifiers_and_arns() {
        let arn = format!("{ARN}:f:PROD");
        assert!(function_matches("f", &arn));
        assert!(function_matches("f:PROD", &arn));
        assert!(function_matches(&arn, &arn));
        assert!(!function_matches("f:BETA", &arn));
        assert!(!function_matches("g", &arn));
        assert!(!function_matches("f", &format!("{ARN}:ff:PROD")));
        assert!(event_matches("s3:ObjectCreated:Put", "ObjectCreated:Put"));
    }

    #[test]
    fn delivered_reports_what_was_found_instead() {
        let e = spanned(Expectation::Delivered(Delivered {
            function: Some("f".into()),
            version: Some("3".into()),
            bucket: None,
            key: Some("in/a".into()),
            event: None,
        }));
        let r = check(&e, &traces(), &Recorded::default());
        assert!(!r.passed);
        assert_eq!(r.expectation, "delivered to f version 3 for key in/a");
        assert_eq!(
            r.detail,
            "got: found 1: evt-000000000001 s3://b/in/a (ObjectCreated:Put) → f:PROD version 1: delivered"
        );
    }

    #[test]
    fn counts_break_down_by_outcome_and_version() {
        let count = |min, max, outcome: Option<&str>| {
            let e = spanned(Expectation::Deliveries(Count {
                function: Some("f:PROD".into()),
                version: None,
                bucket: None,
                key: None,
                event: None,
                outcome: outcome.map(str::to_owned),
                count: None,
                min,
                max,
            }));
            check(&e, &traces(), &Recorded::default())
        };
        let r = count(Some(2), Some(2), None);
        assert!(r.passed, "{r:?}");
        assert_eq!(
            r.detail,
            "counted 2 (1 delivered version 1, 1 delivered version 2, 1 denied version 1)"
        );
        assert!(!count(Some(3), None, None).passed);
        assert!(count(None, Some(3), Some("any")).passed);
        assert!(!count(None, Some(0), Some("denied")).passed);
    }

    #[test]
    fn not_delivered_needs_the_reason_in_the_configuration_check() {
        let ok = not_delivered(
            &Select {
                key: Some("out/d".into()),
                ..Select::default()
            },
            Some("prefix"),
            &traces(),
        );
        assert_eq!(
            ok.1,
            Ok("evt-000000000004 (c1: prefix: key does not start with \"in/\")".to_owned())
        );
        let wrong = not_delivered(
            &Select {
                key: Some("out/d".into()),
                ..Select::default()
            },
            Some("suffix"),
            &traces(),
        );
        assert!(wrong.1.is_err());
        let delivered = not_delivered(
            &Select {
                key: Some("in/a".into()),
                ..Select::default()
            },
            None,
            &traces(),
        );
        assert!(
            delivered
                .1
                .unwrap_err()
                .contains("f:PROD version 1: delivered")
        );
    }

    #[test]
    fn denials_match_on_the_reason() {
        let (what, verdict) = denied(
            &Select::default(),
            Some("no statement for principal"),
            &traces(),
        );
        assert_eq!(
            what,
            "denied with a reason containing \"no statement for principal\""
        );
        assert!(verdict.unwrap().starts_with("evt-000000000003"));
        assert!(
            denied(&Select::default(), Some("ArnLike"), &traces())
                .1
                .is_err()
        );
    }

    #[test]
    fn rejections_compare_code_and_message() {
        let mut recorded = Recorded::default();
        recorded.notifications.insert(
            "b".into(),
            NotificationResult {
                line: 3,
                result: Err(S3Failure {
                    code: "InvalidArgument".into(),
                    message: "Unable to validate the following destination configurations".into(),
                }),
            },
        );
        assert!(
            rejected(
                "b",
                "InvalidArgument",
                Some("Unable to validate"),
                &recorded
            )
            .1
            .is_ok()
        );
        assert!(rejected("b", "MalformedXML", None, &recorded).1.is_err());
        assert_eq!(
            rejected("other", "InvalidArgument", None, &recorded).1,
            Err("got: no notification configuration was put on this bucket".to_owned())
        );
    }
}
