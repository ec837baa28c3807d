//! The metrics' names, labels and formats.

use std::time::{Duration, UNIX_EPOCH};

use super::*;
use crate::trace::Attempt;

const ARN: &str = "arn:aws:lambda:us-east-1:000000000000:function:f:PROD";

fn delivered() -> Delivery {
    let attempt = |result| Attempt {
        number: 1,
        request_id: "r".into(),
        started: UNIX_EPOCH,
        started_micros: 0,
        ended_micros: 0,
        duration: Duration::from_millis(3),
        result,
        log_tail: String::new(),
    };
    Delivery {
        resolved_version: Some("1".into()),
        attempts: vec![
            attempt(AttemptResult::FunctionError {
                function_error: "Unhandled".into(),
                error_type: "E".into(),
                error_message: "m".into(),
            }),
            attempt(AttemptResult::Throttled),
            attempt(AttemptResult::Success),
        ],
        outcome: Outcome::Delivered,
        ..Delivery::new("c".into(), ARN.into())
    }
}

#[test]
fn counters_histograms_and_the_snapshot_render_as_prometheus_text() {
    let m = Metrics::new();
    m.event_emitted(1);
    m.event_emitted(0);
    m.delivery_ended(&delivered(), Duration::from_millis(20));
    m.event_ended(Some(Outcome::Delivered));
    m.queue(1);
    let text = m.render(
        Snapshot {
            compilations: 2,
            stored_object_bytes: 1234,
            ..Snapshot::default()
        },
        Format::Prometheus,
    );
    for line in [
        "# TYPE s3lambda_events_emitted_total counter",
        "s3lambda_events_emitted_total 2",
        "s3lambda_events_total{outcome=\"not_matched\"} 1",
        "s3lambda_events_total{outcome=\"delivered\"} 1",
        &format!(
            "s3lambda_deliveries_total{{function=\"{ARN}\",version=\"1\",outcome=\"delivered\"}} 1"
        ),
        &format!(
            "s3lambda_delivery_attempt_duration_seconds_count{{function=\"{ARN}\",result=\"success\"}} 1"
        ),
        &format!(
            "s3lambda_delivery_attempt_duration_seconds_count{{function=\"{ARN}\",result=\"function_error\"}} 1"
        ),
        &format!("s3lambda_put_to_handler_end_seconds_count{{function=\"{ARN}\"}} 1"),
        "s3lambda_delivery_queue_depth 1",
        "s3lambda_compilations_total 2",
        "s3lambda_stored_object_bytes 1234",
        "# TYPE s3lambda_deliveries_in_flight gauge",
    ] {
        assert!(text.contains(line), "missing {line:?} in\n{text}");
    }
    assert!(!text.contains("result=\"throttled\""), "{text}");
    assert!(!text.contains("# EOF"), "{text}");
}

#[test]
fn openmetrics_ends_with_eof_and_names_counters_without_total() {
    let m = Metrics::new();
    m.event_emitted(0);
    let text = m.render(Snapshot::default(), Format::OpenMetrics);
    assert!(text.ends_with("# EOF\n"), "{text}");
    assert!(text.contains("# TYPE s3lambda_events counter"), "{text}");
    assert!(text.contains("s3lambda_events_total{outcome=\"not_matched\"} 1"));
}

#[test]
fn the_accept_header_picks_the_format() {
    assert_eq!(Format::from_accept(None), Format::Prometheus);
    assert_eq!(
        Format::from_accept(Some("text/plain;version=0.0.4;q=0.5,*/*;q=0.1")),
        Format::Prometheus
    );
    let prometheus_server = "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";
    assert_eq!(
        Format::from_accept(Some(prometheus_server)),
        Format::OpenMetrics
    );
    assert!(
        Format::OpenMetrics
            .content_type()
            .starts_with("application/openmetrics-text")
    );
    assert!(
        Format::Prometheus
            .content_type()
            .starts_with("text/plain; version=0.0.4")
    );
}
