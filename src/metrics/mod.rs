//! Prometheus metrics of the simulator: what the event pipeline counts as events flow (events
//! by outcome, deliveries by function and version, handler attempt durations, PUT → handler
//! end latency, queue depth), plus values read from the other rooms at each scrape
//! ([`Snapshot`]: in-flight work, compilations, stored bytes). Rendered in the Prometheus text
//! format (0.0.4) or OpenMetrics 1.0 by the `prometheus-client` crate.
//!
//! Counters run from the start of the process: `POST /_s3lambda/reset` does not zero them, so
//! a scraper never sees a counter go down.

mod snapshot;

use std::sync::Arc;
use std::time::Duration;

use parking_lot::Mutex;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

pub use snapshot::Snapshot;

use crate::trace::{AttemptResult, Delivery, Outcome};

/// The exposition formats a scrape can ask for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// The Prometheus text format, version 0.0.4 (`text/plain; version=0.0.4`).
    Prometheus,
    /// OpenMetrics 1.0 text (`application/openmetrics-text; version=1.0.0`).
    OpenMetrics,
}

impl Format {
    /// The format an `Accept` header prefers: OpenMetrics when it names it, else the
    /// Prometheus text format (what `curl` and most scrapers read).
    pub fn from_accept(accept: Option<&str>) -> Self {
        match accept {
            Some(a) if a.contains("application/openmetrics-text") => Self::OpenMetrics,
            _ => Self::Prometheus,
        }
    }

    /// The `Content-Type` of an answer in this format.
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Prometheus => prometheus_client::encoding::prometheus_text::CONTENT_TYPE,
            Self::OpenMetrics => "application/openmetrics-text; version=1.0.0; charset=utf-8",
        }
    }
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OutcomeLabel {
    outcome: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct DeliveryLabels {
    function: String,
    version: String,
    outcome: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct AttemptLabels {
    function: String,
    result: &'static str,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct FunctionLabel {
    function: String,
}

type HistogramFamily<L> = Family<L, Histogram, fn() -> Histogram>;

/// The metrics of one simulator. Share it as `Arc<Metrics>`.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    emitted: Counter,
    events: Family<OutcomeLabel, Counter>,
    deliveries: Family<DeliveryLabels, Counter>,
    attempts: HistogramFamily<AttemptLabels>,
    put_to_end: HistogramFamily<FunctionLabel>,
    queued: Gauge,
    snapshot: Arc<Mutex<Snapshot>>,
    render: Mutex<()>,
}

/// Latency buckets from 100 µs to about 93 s (×2.5 apart).
fn seconds_histogram() -> Histogram {
    Histogram::new(exponential_buckets(0.000_1, 2.5, 16))
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    /// Every metric at zero.
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("s3lambda");
        let emitted = Counter::default();
        registry.register(
            "events_emitted",
            "S3 events emitted by accepted writes to buckets with a notification configuration",
            emitted.clone(),
        );
        let events = Family::<OutcomeLabel, Counter>::default();
        registry.register(
            "events",
            "S3 events whose every delivery ended, by the event's outcome (not_matched: no Lambda configuration matched)",
            events.clone(),
        );
        let deliveries = Family::<DeliveryLabels, Counter>::default();
        registry.register(
            "deliveries",
            "Event deliveries ended, by function ARN as configured, the version it resolved to and outcome",
            deliveries.clone(),
        );
        let attempts: HistogramFamily<AttemptLabels> =
            Family::new_with_constructor(seconds_histogram);
        registry.register(
            "delivery_attempt_duration_seconds",
            "Handler run time of each delivery attempt, observed when its delivery ends",
            attempts.clone(),
        );
        let put_to_end: HistogramFamily<FunctionLabel> =
            Family::new_with_constructor(seconds_histogram);
        registry.register(
            "put_to_handler_end_seconds",
            "From the S3 write that emitted the event to the end of the handler run that delivered it",
            put_to_end.clone(),
        );
        let queued = Gauge::default();
        registry.register(
            "delivery_queue_depth",
            "Event deliveries waiting in the queue for a worker",
            queued.clone(),
        );
        let snapshot = Arc::new(Mutex::new(Snapshot::default()));
        registry.register_collector(Box::new(snapshot::Collector(Arc::clone(&snapshot))));
        Self {
            registry,
            emitted,
            events,
            deliveries,
            attempts,
            put_to_end,
            queued,
            snapshot,
            render: Mutex::new(()),
        }
    }

    /// An event was emitted with `deliveries` matching Lambda configurations; with none it is
    /// already over (`not_matched`).
    pub fn event_emitted(&self, deliveries: usize) {
        self.emitted.inc();
        if deliveries == 0 {
            self.event_ended(None);
        }
    }

    /// Every delivery of an event ended; `outcome` is the event's overall one (`None`: no
    /// configuration matched).
    pub fn event_ended(&self, outcome: Option<Outcome>) {
        let outcome = outcome.map_or("not_matched", Outcome::as_str);
        self.events.get_or_create(&OutcomeLabel { outcome }).inc();
    }

    /// A delivery ended: counted by function, version and outcome, its attempts' durations
    /// observed, and for a delivered one the time since its event was emitted (`since_put`).
    pub fn delivery_ended(&self, delivery: &Delivery, since_put: Duration) {
        let function = &delivery.function_arn;
        self.deliveries
            .get_or_create(&DeliveryLabels {
                function: function.clone(),
                version: delivery.resolved_version.clone().unwrap_or_default(),
                outcome: delivery.outcome.as_str(),
            })
            .inc();
        // One label lookup per result kind, not per attempt.
        for result in ["success", "function_error"] {
            let mut durations = delivery
                .attempts
                .iter()
                .filter(|a| match a.result {
                    AttemptResult::Success => result == "success",
                    AttemptResult::FunctionError { .. } => result == "function_error",
                    AttemptResult::Throttled => false,
                })
                .map(|a| a.duration.as_secs_f64())
                .peekable();
            if durations.peek().is_none() {
                continue;
            }
            let histogram = self.attempts.get_or_create(&AttemptLabels {
                function: function.clone(),
                result,
            });
            durations.for_each(|seconds| histogram.observe(seconds));
        }
        if delivery.outcome == Outcome::Delivered {
            self.put_to_end
                .get_or_create(&FunctionLabel {
                    function: function.clone(),
                })
                .observe(since_put.as_secs_f64());
        }
    }

    /// A delivery entered the queue (`1`) or a worker took it (`-1`).
    pub fn queue(&self, change: i64) {
        self.queued.inc_by(change);
    }

    /// Every metric in `format`, with `snapshot` for the values read at scrape time.
    pub fn render(&self, snapshot: Snapshot, format: Format) -> String {
        // One scrape at a time, so the collector reads the snapshot this scrape set.
        let _one = self.render.lock();
        *self.snapshot.lock() = snapshot;
        let mut text = String::new();
        let written = match format {
            Format::Prometheus => {
                prometheus_client::encoding::prometheus_text::encode(&mut text, &self.registry)
            }
            Format::OpenMetrics => {
                prometheus_client::encoding::text::encode(&mut text, &self.registry)
            }
        };
        if let Err(e) = written {
            tracing::warn!(error = %e, "metrics could not be rendered");
        }
        text
    }
}

#[cfg(test)]
mod tests;
