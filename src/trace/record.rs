//! The trace of one event: its source, the configurations considered, and each delivery.
//!
//! The snapshot types ([`TraceView`] and what it holds) serialize to the simulator API's JSON
//! and deserialize from it, so a reader of that API (`s3lambda trace`) reads the same types.

use std::time::{Duration, SystemTime};

use parking_lot::Mutex;
use serde::{Deserialize, Serialize};
use tokio::sync::broadcast;

/// The S3 request an event came from.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Source {
    /// The bucket.
    pub bucket: String,
    /// The object key (not encoded).
    pub key: String,
    /// The event name without `s3:`, e.g. `ObjectCreated:Put`.
    pub event_name: String,
    /// The `x-amz-request-id` the client saw.
    pub request_id: String,
    /// The object version, on versioned buckets.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version_id: Option<String>,
    /// The bucket owner's account id.
    pub bucket_owner: String,
}

/// Whether one notification configuration matched the event, and if not, why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "result", content = "detail", rename_all = "camelCase")]
pub enum MatchResult {
    /// It matched; a delivery follows.
    Matched,
    /// None of its event types covers this event.
    EventType(String),
    /// The key does not start with its prefix.
    Prefix(String),
    /// The key does not end with its suffix.
    Suffix(String),
    /// It matched, but its destination type (SQS, SNS, EventBridge) is not simulated.
    DestinationNotSimulated(String),
}

/// One configuration considered for the event.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConfigCheck {
    /// The configuration `Id`.
    pub configuration_id: String,
    /// Its destination ARN.
    pub destination: String,
    /// The result.
    #[serde(rename = "match")]
    pub result: MatchResult,
}

/// The resource-policy decision for a delivery.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PolicyCheck {
    /// Whether S3 may invoke.
    pub allowed: bool,
    /// The statement that allowed it, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub statement: Option<String>,
    /// Why, in words a user can act on.
    pub reason: String,
}

/// How one attempt ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum AttemptResult {
    /// The handler returned a result.
    Success,
    /// The handler returned an error, trapped or timed out.
    #[serde(rename_all = "camelCase")]
    FunctionError {
        /// `Handled` or `Unhandled`.
        function_error: String,
        /// The `errorType`.
        error_type: String,
        /// The `errorMessage`.
        error_message: String,
    },
    /// Lambda refused to run it (reserved concurrency exhausted).
    Throttled,
}

/// One attempt to run the handler.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Attempt {
    /// 1 for the first attempt.
    pub number: u32,
    /// The Lambda request id of the attempt.
    pub request_id: String,
    /// When it started.
    #[serde(with = "unix_millis")]
    pub started: SystemTime,
    /// When it started, in microseconds since the Unix epoch (for latency measurement).
    pub started_micros: u64,
    /// When the dispatcher saw it end (µs since the Unix epoch): after resolution, the
    /// policy check, the instance and the handler run.
    pub ended_micros: u64,
    /// How long the handler ran (milliseconds, to the microsecond).
    #[serde(with = "millis")]
    pub duration: Duration,
    /// How it ended.
    pub result: AttemptResult,
    /// The last lines of its log.
    pub log_tail: String,
}

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Outcome {
    /// Queued or running.
    Pending,
    /// The handler ran and succeeded.
    Delivered,
    /// The qualifier's resource policy does not let S3 invoke the function.
    Denied,
    /// The function, version or alias does not exist (any more).
    Unresolved,
    /// Every attempt failed.
    Failed,
    /// The event grew older than the maximum event age before it could run.
    Expired,
    /// Throttled with no retries left (e.g. reserved concurrency 0).
    Throttled,
}

impl Outcome {
    /// Every outcome, in a stable order (for counters).
    pub const ALL: [Outcome; 7] = [
        Outcome::Pending,
        Outcome::Delivered,
        Outcome::Denied,
        Outcome::Unresolved,
        Outcome::Failed,
        Outcome::Expired,
        Outcome::Throttled,
    ];

    /// The name used in JSON and queries.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Pending => "pending",
            Outcome::Delivered => "delivered",
            Outcome::Denied => "denied",
            Outcome::Unresolved => "unresolved",
            Outcome::Failed => "failed",
            Outcome::Expired => "expired",
            Outcome::Throttled => "throttled",
        }
    }

    /// Parses [`Outcome::as_str`].
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|o| o.as_str() == s)
    }

    /// Whether no more attempts will follow.
    pub fn is_final(self) -> bool {
        self != Outcome::Pending
    }
}

/// The delivery of an event to one function.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Delivery {
    /// The configuration that matched.
    pub configuration_id: String,
    /// The function ARN as configured (possibly qualified).
    pub function_arn: String,
    /// The version it resolved to (`$LATEST`, `1`, ...), once resolved.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resolved_version: Option<String>,
    /// Why it could not be resolved, if it could not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resolution_error: Option<String>,
    /// The policy decision, once made.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub policy: Option<PolicyCheck>,
    /// Every attempt, in order.
    pub attempts: Vec<Attempt>,
    /// Where it stands.
    pub outcome: Outcome,
}

impl Delivery {
    /// A delivery about to be queued.
    pub fn new(configuration_id: String, function_arn: String) -> Self {
        Self {
            configuration_id,
            function_arn,
            resolved_version: None,
            resolution_error: None,
            policy: None,
            attempts: Vec::new(),
            outcome: Outcome::Pending,
        }
    }
}

/// The trace of one event. Shared between the journal and the workers delivering it.
#[derive(Debug)]
pub struct Trace {
    id: u64,
    created: SystemTime,
    source: Source,
    state: Mutex<State>,
    /// Where the trace announces its changes (the journal's live subscribers).
    live: Option<broadcast::Sender<super::live::Item>>,
}

#[derive(Debug, Default)]
struct State {
    configurations: Vec<ConfigCheck>,
    /// Builds `configurations` when the trace is read (so an event pays for no sentence
    /// nobody reads); set instead of `configurations`.
    deferred: Option<DeferredChecks>,
    deliveries: Vec<Delivery>,
}

/// A snapshot of a trace, for queries and JSON.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TraceView {
    /// The event id, e.g. `evt-000000000042`.
    pub id: String,
    /// When the event was emitted.
    #[serde(with = "unix_millis")]
    pub created: SystemTime,
    /// Its S3 request.
    pub source: Source,
    /// Every configuration considered.
    pub configurations: Vec<ConfigCheck>,
    /// Every delivery.
    pub deliveries: Vec<Delivery>,
    /// The overall outcome: pending while any delivery is; otherwise the worst final one
    /// (`delivered` only when all were). `None` when no configuration matched.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outcome: Option<Outcome>,
}

/// The simulator API's answer to a trace query (`GET /_s3lambda/traces`): most recent first.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct TraceList {
    /// The matching traces.
    pub traces: Vec<TraceView>,
}

impl Trace {
    pub(crate) fn new(id: u64, source: Source) -> Self {
        Self {
            id,
            created: SystemTime::now(),
            source,
            state: Mutex::new(State::default()),
            live: None,
        }
    }

    /// The same trace, announcing each change of its deliveries on `live`.
    pub(crate) fn announcing(mut self, live: broadcast::Sender<super::live::Item>) -> Self {
        self.live = Some(live);
        self
    }

    fn announce(&self) {
        if let Some(live) = &self.live {
            super::live::announce(live, super::live::Item::Trace(self.id));
        }
    }

    /// The numeric event id.
    pub fn id(&self) -> u64 {
        self.id
    }

    /// The event id as shown to users.
    pub fn display_id(&self) -> String {
        format!("evt-{:012}", self.id)
    }

    /// The S3 request the event came from.
    pub fn source(&self) -> &Source {
        &self.source
    }

    /// Records the configurations considered.
    pub fn set_configurations(&self, checks: Vec<ConfigCheck>) {
        let mut state = self.state.lock();
        state.configurations = checks;
        state.deferred = None;
    }

    /// Sets the configuration checks as a function of the event's source, called each
    /// time the trace is read.
    pub fn set_configurations_with(
        &self,
        checks: impl Fn(&Source) -> Vec<ConfigCheck> + Send + Sync + 'static,
    ) {
        let mut state = self.state.lock();
        state.configurations = Vec::new();
        state.deferred = Some(DeferredChecks(Box::new(checks)));
    }

    /// Adds a delivery and returns its index for later updates.
    pub fn add_delivery(&self, delivery: Delivery) -> usize {
        let index = {
            let mut state = self.state.lock();
            state.deliveries.push(delivery);
            state.deliveries.len() - 1
        };
        self.announce();
        index
    }

    /// Updates delivery `index` in place (a no-op for an unknown index).
    pub fn update_delivery(&self, index: usize, f: impl FnOnce(&mut Delivery)) {
        if let Some(d) = self.state.lock().deliveries.get_mut(index) {
            f(d);
        }
        self.announce();
    }

    /// Updates delivery `index` as [`Trace::update_delivery`] does; when that ends the last
    /// pending delivery, the event's overall outcome (so exactly one call per event sees it).
    pub fn settle_delivery(&self, index: usize, f: impl FnOnce(&mut Delivery)) -> Option<Outcome> {
        let event = {
            let mut state = self.state.lock();
            let delivery = state.deliveries.get_mut(index)?;
            let was_pending = delivery.outcome == Outcome::Pending;
            f(delivery);
            let pending = state
                .deliveries
                .iter()
                .any(|d| d.outcome == Outcome::Pending);
            if was_pending && !pending {
                overall(&state.deliveries)
            } else {
                None
            }
        };
        // The final outcome is news to the live view, as every other delivery change is.
        self.announce();
        event
    }

    /// The attempt with this Lambda request id, copying only that attempt.
    pub fn find_attempt(&self, request_id: &str) -> Option<super::AttemptLog> {
        let state = self.state.lock();
        state.deliveries.iter().find_map(|d| {
            d.attempts
                .iter()
                .find(|a| a.request_id == request_id)
                .map(|a| super::AttemptLog {
                    request_id: a.request_id.clone(),
                    event_id: self.display_id(),
                    function_arn: d.function_arn.clone(),
                    version: d.resolved_version.clone(),
                    log: a.log_tail.clone(),
                })
        })
    }

    /// A consistent copy of the trace.
    pub fn view(&self) -> TraceView {
        let state = self.state.lock();
        TraceView {
            id: self.display_id(),
            created: self.created,
            source: self.source.clone(),
            configurations: match &state.deferred {
                Some(DeferredChecks(checks)) => checks(&self.source),
                None => state.configurations.clone(),
            },
            deliveries: state.deliveries.clone(),
            outcome: overall(&state.deliveries),
        }
    }

    /// Whether the trace concerns a caller who sees the accounts `sees` accepts and the
    /// functions `sees_arn` accepts: its bucket's owner, or a delivery's function. Read in
    /// place, without building the trace's view.
    pub(crate) fn concerns(
        &self,
        sees: impl Fn(&str) -> bool,
        sees_arn: impl Fn(&str) -> bool,
    ) -> bool {
        sees(&self.source.bucket_owner)
            || self
                .state
                .lock()
                .deliveries
                .iter()
                .any(|d| sees_arn(&d.function_arn))
    }

    pub(crate) fn matches(&self, query: &super::Query) -> bool {
        if query
            .bucket
            .as_deref()
            .is_some_and(|b| b != self.source.bucket)
            || query.key.as_deref().is_some_and(|k| k != self.source.key)
        {
            return false;
        }
        if query.function.is_none() && query.outcome.is_none() {
            return true;
        }
        let state = self.state.lock();
        let function_ok = query.function.as_deref().is_none_or(|f| {
            state
                .deliveries
                .iter()
                .any(|d| d.function_arn == f || function_name(&d.function_arn) == f)
        });
        function_ok
            && query
                .outcome
                .is_none_or(|o| overall(&state.deliveries) == Some(o))
    }
}

/// A deferred builder of configuration checks.
struct DeferredChecks(Box<ChecksFn>);

type ChecksFn = dyn Fn(&Source) -> Vec<ConfigCheck> + Send + Sync;

impl std::fmt::Debug for DeferredChecks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DeferredChecks")
    }
}

/// The function name inside a (possibly qualified) function ARN.
fn function_name(arn: &str) -> &str {
    arn.split(':').nth(6).unwrap_or(arn)
}

fn overall(deliveries: &[Delivery]) -> Option<Outcome> {
    let rank = |o: Outcome| match o {
        Outcome::Pending => 6,
        Outcome::Denied => 5,
        Outcome::Unresolved => 4,
        Outcome::Failed => 3,
        Outcome::Expired => 2,
        Outcome::Throttled => 1,
        Outcome::Delivered => 0,
    };
    deliveries
        .iter()
        .map(|d| d.outcome)
        .max_by_key(|o| rank(*o))
}

/// `t` in whole microseconds since the Unix epoch (0 before it).
pub fn unix_micros(t: SystemTime) -> u64 {
    t.duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_micros()).unwrap_or(u64::MAX))
}

pub(super) mod unix_millis {
    use std::time::{Duration, SystemTime, UNIX_EPOCH};

    pub fn serialize<S: serde::Serializer>(t: &SystemTime, s: S) -> Result<S::Ok, S::Error> {
        let ms = t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis());
        s.serialize_u64(u64::try_from(ms).unwrap_or(u64::MAX))
    }

    pub fn deserialize<'de, D: serde::Deserializer<'de>>(d: D) -> Result<SystemTime, D::Error> {
        let ms = <u64 as serde::Deserialize>::deserialize(d)?;
        Ok(UNIX_EPOCH + Duration::from_millis(ms))
    }
}

mod millis {
    use std::time::Duration;

    pub fn serialize<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64((d.as_secs_f64() * 1000.0 * 1000.0).round() / 1000.0)
    }

    /// A negative, infinite or unrepresentable number is an error, not a panic.
    pub fn deserialize<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        let ms = <f64 as serde::Deserialize>::deserialize(d)?;
        Duration::try_from_secs_f64(ms / 1000.0).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A trace with every kind of configuration result, attempt result and optional field.
    fn full_trace() -> TraceView {
        let trace = Trace::new(
            42,
            Source {
                bucket: "photos".into(),
                key: "in/a b.jpg".into(),
                event_name: "ObjectCreated:Put".into(),
                request_id: "0123456789ABCDEF".into(),
                version_id: Some("v1".into()),
                bucket_owner: "000000000000".into(),
            },
        );
        trace.set_configurations(vec![
            ConfigCheck {
                configuration_id: "c1".into(),
                destination: "arn:aws:lambda:us-east-1:000000000000:function:f:PROD".into(),
                result: MatchResult::Matched,
            },
            ConfigCheck {
                configuration_id: "c2".into(),
                destination: "arn:g".into(),
                result: MatchResult::Prefix("skipped: key prefix does not match".into()),
            },
            ConfigCheck {
                configuration_id: "c3".into(),
                destination: "arn:aws:sqs:us-east-1:000000000000:q".into(),
                result: MatchResult::DestinationNotSimulated("SQS is not simulated".into()),
            },
        ]);
        let started = std::time::UNIX_EPOCH + Duration::from_millis(1_700_000_000_123);
        let attempt = |number, result| Attempt {
            number,
            request_id: format!("req-{number}"),
            started,
            started_micros: 1_700_000_000_123_456,
            ended_micros: 1_700_000_000_125_000,
            duration: Duration::from_micros(1_544),
            result,
            log_tail: "START RequestId: req\nEND RequestId: req".into(),
        };
        let mut delivered = Delivery::new(
            "c1".into(),
            "arn:aws:lambda:us-east-1:000000000000:function:f:PROD".into(),
        );
        delivered.resolved_version = Some("1".into());
        delivered.policy = Some(PolicyCheck {
            allowed: true,
            statement: Some("s3-invoke".into()),
            reason: "allowed by statement s3-invoke".into(),
        });
        delivered.attempts = vec![
            attempt(
                1,
                AttemptResult::FunctionError {
                    function_error: "Unhandled".into(),
                    error_type: "Runtime.ExitError".into(),
                    error_message: "boom".into(),
                },
            ),
            attempt(2, AttemptResult::Throttled),
            attempt(3, AttemptResult::Success),
        ];
        delivered.outcome = Outcome::Delivered;
        trace.add_delivery(delivered);
        let mut unresolved = Delivery::new("c1".into(), "arn:gone".into());
        unresolved.resolution_error = Some("Function not found: arn:gone".into());
        unresolved.outcome = Outcome::Unresolved;
        trace.add_delivery(unresolved);
        trace.view()
    }

    /// What the simulator API writes, `s3lambda trace` reads back field for field: a field
    /// renamed on one side only fails here instead of blanking the CLI's output.
    #[test]
    fn a_trace_view_round_trips_through_json() {
        let view = full_trace();
        let json = serde_json::to_value(&view).expect("serializes");
        let back: TraceView = serde_json::from_value(json.clone()).expect("deserializes");
        assert_eq!(serde_json::to_value(&back).expect("serializes"), json);
        assert_eq!(back.id, "evt-000000000042");
        assert_eq!(back.source.version_id.as_deref(), Some("v1"));
        assert_eq!(back.configurations[0].result, MatchResult::Matched);
        assert_eq!(
            back.deliveries[0].attempts[0].duration,
            Duration::from_micros(1_544)
        );
        assert_eq!(
            back.deliveries[0].attempts[2].result,
            AttemptResult::Success
        );
        assert_eq!(back.deliveries[1].outcome, Outcome::Unresolved);
        assert_eq!(back.outcome, Some(Outcome::Unresolved));

        let list = TraceList { traces: vec![view] };
        let json = serde_json::to_string(&list).expect("serializes");
        let back: TraceList = serde_json::from_str(&json).expect("deserializes");
        assert_eq!(serde_json::to_string(&back).expect("serializes"), json);
    }

    /// The wire names the CLI and scripts rely on.
    #[test]
    fn the_trace_json_keeps_its_field_names() {
        let json = serde_json::to_value(full_trace()).expect("serializes");
        assert_eq!(json["source"]["eventName"], "ObjectCreated:Put");
        assert_eq!(json["source"]["bucketOwner"], "000000000000");
        assert_eq!(json["configurations"][1]["match"]["result"], "prefix");
        assert_eq!(json["deliveries"][0]["resolvedVersion"], "1");
        assert_eq!(
            json["deliveries"][0]["attempts"][0]["result"]["kind"],
            "functionError"
        );
        assert_eq!(
            json["deliveries"][0]["attempts"][0]["result"]["errorType"],
            "Runtime.ExitError"
        );
        assert_eq!(json["deliveries"][0]["attempts"][0]["duration"], 1.544);
        assert_eq!(
            json["deliveries"][0]["attempts"][0]["started"],
            1_700_000_000_123_u64
        );
        assert_eq!(json["outcome"], "unresolved");
    }

    #[test]
    fn a_negative_duration_is_an_error_not_a_panic() {
        let mut json = serde_json::to_value(full_trace()).expect("serializes");
        json["deliveries"][0]["attempts"][0]["duration"] = serde_json::json!(-1.0);
        assert!(serde_json::from_value::<TraceView>(json).is_err());
    }
}
