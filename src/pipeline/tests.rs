//! The dispatcher against a scripted backend, in paused time with AWS's own delays.

use std::collections::VecDeque;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use parking_lot::Mutex;

use super::authorize::Target;
use super::backend::{AsyncConfig, AttemptOutcome, Authorized, Backend, Ran, RanError};
use super::job::NewJob;
use super::*;
use crate::lambda::LambdaError;
use crate::lambda::policy::{Decision, Refusal, Unresolved};
use crate::runtime::ErrorKind;
use crate::trace::{AttemptResult, Delivery, Journal, Outcome, Source, TraceView};

struct Script {
    authorize: Result<Authorized<()>, Refusal>,
    attempts: Mutex<VecDeque<AttemptOutcome>>,
    seen: Mutex<Vec<tokio::time::Instant>>,
}

impl Backend for Script {
    type Resolution = ();

    fn authorize(&self, _target: &Target<'_>) -> Result<Authorized<()>, Refusal> {
        self.authorize.clone()
    }

    fn invoke(
        &self,
        _target: &Target<'_>,
        _payload: Bytes,
        _resolution: Option<()>,
    ) -> impl Future<Output = AttemptOutcome> + Send + 'static {
        self.seen.lock().push(tokio::time::Instant::now());
        let next = self
            .attempts
            .lock()
            .pop_front()
            .unwrap_or_else(|| ran(None));
        async move { next }
    }
}

#[allow(clippy::unnecessary_wraps)] // the shape `Backend::authorize` returns
fn allowed(config: AsyncConfig) -> Result<Authorized<()>, Refusal> {
    Ok(Authorized {
        resolved_version: "1".into(),
        decision: Decision {
            allowed: true,
            statement: Some("1".into()),
            reason: "allowed by statement 1".into(),
        },
        config,
        resolution: (),
    })
}

fn ran(error: Option<ErrorKind>) -> AttemptOutcome {
    AttemptOutcome::Ran(Ran {
        request_id: "req".into(),
        executed_version: "1".into(),
        function_arn: "arn:aws:lambda:us-east-1:000000000000:function:f:1".into(),
        duration: Duration::from_millis(2),
        error: error.map(|kind| RanError {
            kind,
            error_type: "HandledError".into(),
            error_message: "it failed".into(),
        }),
        response: Bytes::from_static(b"{}"),
        log_tail: "log".into(),
    })
}

async fn deliver(script: Script, timing: Timing) -> (TraceView, Dispatcher, Arc<Script>) {
    let journal = Arc::new(Journal::new(16));
    let dispatcher = Dispatcher::new(
        &DispatchConfig {
            workers: 4,
            timing,
            records_kept: 16,
        },
        Arc::clone(&journal),
    );
    let script = Arc::new(script);
    dispatcher.start(Arc::clone(&script));
    let trace = journal.begin(Source {
        bucket: "b".into(),
        key: "k".into(),
        event_name: "ObjectCreated:Put".into(),
        request_id: "R".into(),
        version_id: None,
        bucket_owner: "000000000000".into(),
    });
    let arn = "arn:aws:lambda:us-east-1:000000000000:function:f:PROD";
    let delivery = trace.add_delivery(Delivery::new("c1".into(), arn.into()));
    dispatcher.submit(NewJob {
        trace: Arc::clone(&trace),
        delivery,
        function_arn: arn.into(),
        payload: Bytes::from_static(br#"{"Records":[]}"#),
        region: "us-east-1".into(),
        source_arn: "arn:aws:s3:::b".into(),
        source_account: "000000000000".into(),
    });
    assert!(
        journal.wait_idle(Duration::from_hours(24)).await,
        "dispatch went idle"
    );
    (trace.view(), dispatcher, script)
}

fn script(authorize: Result<Authorized<()>, Refusal>, attempts: Vec<AttemptOutcome>) -> Script {
    Script {
        authorize,
        attempts: Mutex::new(attempts.into()),
        seen: Mutex::new(Vec::new()),
    }
}

#[tokio::test(start_paused = true)]
async fn success_is_delivered_once() {
    let (view, dispatcher, _) = deliver(
        script(allowed(AsyncConfig::default()), vec![ran(None)]),
        Timing::aws(),
    )
    .await;
    let d = &view.deliveries[0];
    assert_eq!(d.outcome, Outcome::Delivered);
    assert_eq!(d.attempts.len(), 1);
    assert_eq!(d.resolved_version.as_deref(), Some("1"));
    assert!(d.policy.as_ref().unwrap().allowed);
    assert!(
        dispatcher
            .journal()
            .counters()
            .contains(&(Outcome::Delivered, 1))
    );
    assert!(
        dispatcher.records().all().is_empty(),
        "no success record without a destination"
    );
}

#[tokio::test(start_paused = true)]
async fn function_errors_are_retried_twice_after_one_and_two_minutes() {
    let config = AsyncConfig {
        on_failure: Some("arn:aws:sqs:us-east-1:000000000000:dlq".into()),
        ..AsyncConfig::default()
    };
    let failing = vec![
        ran(Some(ErrorKind::Handled)),
        ran(Some(ErrorKind::Handled)),
        ran(Some(ErrorKind::Handled)),
    ];
    let (view, dispatcher, script) = deliver(script(allowed(config), failing), Timing::aws()).await;
    let d = &view.deliveries[0];
    assert_eq!(d.outcome, Outcome::Failed);
    assert_eq!(d.attempts.len(), 3);
    assert!(
        matches!(&d.attempts[2].result, AttemptResult::FunctionError { error_type, .. } if error_type == "HandledError")
    );
    let seen = script.seen.lock().clone();
    let gaps: Vec<u64> = seen.windows(2).map(|w| (w[1] - w[0]).as_secs()).collect();
    assert_eq!(gaps, [60, 120]);
    let records = dispatcher.records().all();
    assert_eq!(records.len(), 1);
    assert_eq!(
        records[0].destination.as_deref(),
        Some("arn:aws:sqs:us-east-1:000000000000:dlq")
    );
    assert_eq!(
        records[0].record["requestContext"]["condition"],
        "RetriesExhausted"
    );
    assert_eq!(
        records[0].record["requestContext"]["approximateInvokeCount"],
        3
    );
}

#[tokio::test(start_paused = true)]
async fn denial_is_final_and_explained() {
    let denied = Err(Refusal::Denied {
        resolved_version: "1".into(),
        decision: Decision {
            allowed: false,
            statement: None,
            reason: "policy of f:PROD has no statement for principal s3.amazonaws.com".into(),
        },
    });
    let (view, dispatcher, script) = deliver(script(denied, vec![]), Timing::aws()).await;
    let d = &view.deliveries[0];
    assert_eq!(d.outcome, Outcome::Denied);
    assert!(d.attempts.is_empty());
    assert!(script.seen.lock().is_empty(), "never invoked");
    assert!(d.policy.as_ref().unwrap().reason.contains("no statement"));
    assert_eq!(
        d.resolved_version.as_deref(),
        Some("1"),
        "the trace says which version was refused"
    );
    assert!(
        dispatcher
            .journal()
            .counters()
            .contains(&(Outcome::Denied, 1))
    );
}

#[tokio::test(start_paused = true)]
async fn unresolvable_functions_are_final() {
    let (view, _, _) = deliver(
        script(
            Err(Refusal::Unresolved(Unresolved::NotFound(
                LambdaError::ResourceNotFound("Function not found: f:PROD".into()),
            ))),
            vec![],
        ),
        Timing::aws(),
    )
    .await;
    assert_eq!(view.deliveries[0].outcome, Outcome::Unresolved);
    assert_eq!(
        view.deliveries[0].resolution_error.as_deref(),
        Some("Function not found: f:PROD")
    );
}

#[tokio::test(start_paused = true)]
async fn throttles_back_off_then_deliver_and_zero_concurrency_fails_at_once() {
    let throttled = || AttemptOutcome::Throttled {
        retryable: true,
        reason: "Rate Exceeded.".into(),
    };
    let (view, _, backend) = deliver(
        script(
            allowed(AsyncConfig::default()),
            vec![throttled(), throttled(), ran(None)],
        ),
        Timing::aws(),
    )
    .await;
    assert_eq!(view.deliveries[0].outcome, Outcome::Delivered);
    let seen = backend.seen.lock().clone();
    let gaps: Vec<u64> = seen.windows(2).map(|w| (w[1] - w[0]).as_secs()).collect();
    assert_eq!(gaps, [1, 2]);

    let never = AttemptOutcome::Throttled {
        retryable: false,
        reason: "reserved concurrency is 0".into(),
    };
    let (view, dispatcher, _) = deliver(
        script(allowed(AsyncConfig::default()), vec![never]),
        Timing::aws(),
    )
    .await;
    assert_eq!(view.deliveries[0].outcome, Outcome::Throttled);
    assert_eq!(
        dispatcher.records().all()[0].condition,
        Condition::ThrottledNoRetry
    );
}

#[tokio::test(start_paused = true)]
async fn retries_past_the_maximum_age_expire() {
    let config = AsyncConfig {
        max_event_age: Duration::from_secs(100),
        ..AsyncConfig::default()
    };
    let failing = vec![
        ran(Some(ErrorKind::Unhandled)),
        ran(Some(ErrorKind::Unhandled)),
        ran(Some(ErrorKind::Unhandled)),
    ];
    let (view, dispatcher, _) = deliver(script(allowed(config), failing), Timing::aws()).await;
    assert_eq!(view.deliveries[0].outcome, Outcome::Expired);
    assert_eq!(
        view.deliveries[0].attempts.len(),
        2,
        "the third would start after 180 s"
    );
    assert_eq!(
        dispatcher.records().all()[0].condition,
        Condition::EventAgeExceeded
    );
}

#[tokio::test(start_paused = true)]
async fn default_timing_runs_the_schedule_in_milliseconds() {
    let failing = vec![
        ran(Some(ErrorKind::Handled)),
        ran(Some(ErrorKind::Handled)),
        ran(Some(ErrorKind::Handled)),
    ];
    let (_, _, script) = deliver(
        script(allowed(AsyncConfig::default()), failing),
        Timing::default(),
    )
    .await;
    let seen = script.seen.lock().clone();
    let gaps: Vec<u128> = seen.windows(2).map(|w| (w[1] - w[0]).as_millis()).collect();
    assert_eq!(gaps, [60, 120]);
}
