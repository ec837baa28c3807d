//! Asynchronous-invocation records for on-success and on-failure destinations, kept in memory.
//!
//! The record has the shape Lambda sends to a destination:
//! `{"version":"1.0","timestamp":…,"requestContext":{"requestId","functionArn","condition",
//! "approximateInvokeCount"},"requestPayload":…,"responseContext":{"statusCode",
//! "executedVersion","functionError"},"responsePayload":…}`.
//! Failure records are kept even when no destination is configured (`destination` is then
//! absent), so that no failed event goes unseen.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::SystemTime;

use parking_lot::Mutex;
use serde::Serialize;
use serde_json::{Value, json};

use crate::runtime::ErrorKind;
use crate::trace::Outcome;

/// Why a record was sent: the `requestContext.condition` of Lambda's invocation record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Condition {
    /// The handler returned a result.
    Success,
    /// Every retry of a function error failed.
    RetriesExhausted,
    /// The event grew older than its maximum age.
    EventAgeExceeded,
    /// Throttled where waiting cannot help (reserved concurrency 0).
    ThrottledNoRetry,
}

impl Condition {
    /// The name, as Lambda writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Success => "Success",
            Self::RetriesExhausted => "RetriesExhausted",
            Self::EventAgeExceeded => "EventAgeExceeded",
            Self::ThrottledNoRetry => "ThrottledNoRetry",
        }
    }

    /// The trace outcome of a delivery that ends with this record.
    pub(crate) fn outcome(self) -> Outcome {
        match self {
            Self::Success => Outcome::Delivered,
            Self::RetriesExhausted => Outcome::Failed,
            Self::EventAgeExceeded => Outcome::Expired,
            Self::ThrottledNoRetry => Outcome::Throttled,
        }
    }
}

/// One invocation record and where it was sent.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DestinationRecord {
    /// The destination ARN, when one is configured.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub destination: Option<String>,
    /// `RetriesExhausted`, `EventAgeExceeded`, `ThrottledNoRetry` or `Success`.
    pub condition: Condition,
    /// The function ARN, qualified with the version that ran.
    pub function_arn: String,
    /// The event's trace id.
    pub event_id: String,
    /// The record as Lambda sends it.
    pub record: Value,
}

/// The fields of a record.
#[derive(Debug)]
pub(crate) struct RecordInput<'a> {
    pub destination: Option<String>,
    pub condition: Condition,
    pub request_id: &'a str,
    pub function_arn: &'a str,
    pub approximate_invoke_count: u32,
    pub request_payload: &'a [u8],
    pub executed_version: Option<&'a str>,
    pub function_error: Option<ErrorKind>,
    pub response_payload: Option<&'a [u8]>,
    pub event_id: String,
}

impl DestinationRecord {
    pub(crate) fn build(input: RecordInput<'_>) -> Self {
        let payload = |bytes: &[u8]| {
            serde_json::from_slice::<Value>(bytes)
                .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(bytes).into_owned()))
        };
        let mut response_context = json!({ "statusCode": 200 });
        if let Some(v) = input.executed_version {
            response_context["executedVersion"] = json!(v);
        }
        if let Some(e) = input.function_error {
            response_context["functionError"] = json!(e.as_str());
        }
        let mut record = json!({
            "version": "1.0",
            "timestamp": timestamp(SystemTime::now()),
            "requestContext": {
                "requestId": input.request_id,
                "functionArn": input.function_arn,
                "condition": input.condition.as_str(),
                "approximateInvokeCount": input.approximate_invoke_count,
            },
            "requestPayload": payload(input.request_payload),
            "responseContext": response_context,
        });
        if let Some(body) = input.response_payload {
            record["responsePayload"] = payload(body);
        }
        Self {
            destination: input.destination,
            condition: input.condition,
            function_arn: input.function_arn.to_owned(),
            event_id: input.event_id,
            record,
        }
    }
}

/// `2019-11-14T18:16:05.568Z`.
fn timestamp(t: SystemTime) -> String {
    let t = time::OffsetDateTime::from(t);
    let format = time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z"
    );
    t.format(&format).unwrap_or_default()
}

/// The kept records, most recent last. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Records {
    inner: Arc<Mutex<VecDeque<DestinationRecord>>>,
    capacity: usize,
}

impl Records {
    pub(crate) fn new(capacity: usize) -> Self {
        Self {
            inner: Arc::new(Mutex::new(VecDeque::new())),
            capacity: capacity.max(1),
        }
    }

    pub(crate) fn push(&self, record: DestinationRecord) {
        let mut inner = self.inner.lock();
        if inner.len() == self.capacity {
            inner.pop_front();
        }
        inner.push_back(record);
    }

    /// Every kept record, oldest first.
    pub fn all(&self) -> Vec<DestinationRecord> {
        self.inner.lock().iter().cloned().collect()
    }

    /// Forgets every record.
    pub fn clear(&self) {
        self.inner.lock().clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failure_record_has_lambdas_shape() {
        let r = DestinationRecord::build(RecordInput {
            destination: Some("arn:aws:sqs:us-east-1:000000000000:dlq".into()),
            condition: Condition::RetriesExhausted,
            request_id: "req-1",
            function_arn: "arn:aws:lambda:us-east-1:000000000000:function:fail:$LATEST",
            approximate_invoke_count: 3,
            request_payload: br#"{"Records":[]}"#,
            executed_version: Some("$LATEST"),
            function_error: Some(ErrorKind::Handled),
            response_payload: Some(br#"{"errorMessage":"no","errorType":"HandledError"}"#),
            event_id: "evt-1".into(),
        });
        let v = &r.record;
        assert_eq!(v["version"], "1.0");
        assert_eq!(v["requestContext"]["condition"], "RetriesExhausted");
        assert_eq!(v["requestContext"]["approximateInvokeCount"], 3);
        assert_eq!(v["requestPayload"]["Records"], json!([]));
        assert_eq!(v["responseContext"]["functionError"], "Handled");
        assert_eq!(v["responsePayload"]["errorType"], "HandledError");
        let ts = v["timestamp"].as_str().unwrap();
        assert_eq!(ts.len(), 24);
        assert!(ts.ends_with('Z'));
    }

    #[test]
    fn records_are_bounded() {
        let records = Records::new(2);
        for i in 0..3 {
            records.push(DestinationRecord {
                destination: None,
                condition: Condition::Success,
                function_arn: "f".into(),
                event_id: format!("evt-{i}"),
                record: Value::Null,
            });
        }
        let ids: Vec<_> = records.all().into_iter().map(|r| r.event_id).collect();
        assert_eq!(ids, ["evt-1", "evt-2"]);
    }
}
