//! The delivery queue: S3 event deliveries queued and run as Lambda runs async invocations.
//!
//! Each matched notification configuration becomes a [`Job`]. A worker asks the [`Backend`] to
//! resolve the configured function ARN and check that qualifier's resource policy (a denial
//! or an unresolvable ARN is final, as with AWS, where S3's `Invoke` call is refused before
//! Lambda queues anything), then runs attempts with Lambda's asynchronous semantics: function
//! errors retried `MaximumRetryAttempts` times (default 2) after 1 and 2 minutes, throttles
//! retried with exponential backoff from 1 s to 5 min until `MaximumEventAgeInSeconds`
//! (default 6 h), and an invocation record for the on-success / on-failure destination.
//! All delays are multiplied by [`Timing`], so tests run AWS's schedule in milliseconds.
//! See <https://docs.aws.amazon.com/lambda/latest/dg/invocation-async.html>.

use std::sync::Arc;

use parking_lot::Mutex;
use tokio::sync::mpsc;

use super::backend::Backend;
use super::destination::Records;
use super::job::{Job, NewJob};
use super::schedule::Timing;
use super::worker::{self, End};
use crate::metrics::Metrics;
use crate::trace::Journal;

/// How the dispatcher runs.
#[derive(Debug, Clone)]
pub struct DispatchConfig {
    /// Concurrent deliveries (worker tasks). Default: 64.
    pub workers: usize,
    /// The scale of every delay (retry waits, throttle backoff, event age).
    pub timing: Timing,
    /// How many destination records are kept. Default: 10,000.
    pub records_kept: usize,
}

impl Default for DispatchConfig {
    fn default() -> Self {
        Self {
            workers: 64,
            timing: Timing::default(),
            records_kept: 10_000,
        }
    }
}

/// The dispatcher: a queue and its workers. Cheap to clone.
#[derive(Clone)]
pub struct Dispatcher {
    shared: Arc<Shared>,
}

struct Shared {
    tx: mpsc::UnboundedSender<Job>,
    journal: Arc<Journal>,
    metrics: Arc<Metrics>,
    records: Records,
    timing: Timing,
    rx: Mutex<Option<mpsc::UnboundedReceiver<Job>>>,
    started: std::sync::atomic::AtomicBool,
    workers: usize,
}

impl Dispatcher {
    /// A dispatcher feeding `journal`; call [`Dispatcher::start`] inside a tokio runtime.
    pub(crate) fn new(config: &DispatchConfig, journal: Arc<Journal>) -> Self {
        let (tx, rx) = mpsc::unbounded_channel();
        Self {
            shared: Arc::new(Shared {
                tx,
                journal,
                metrics: Arc::new(Metrics::new()),
                records: Records::new(config.records_kept),
                timing: config.timing,
                rx: Mutex::new(Some(rx)),
                started: std::sync::atomic::AtomicBool::new(false),
                workers: config.workers.max(1),
            }),
        }
    }

    /// Starts the workers (once; later calls do nothing). They stop when every clone of the
    /// dispatcher is dropped.
    pub(crate) fn start<B: Backend>(&self, backend: Arc<B>) {
        // Called on every emitted write: once running, answer without taking the lock.
        if self
            .shared
            .started
            .load(std::sync::atomic::Ordering::Acquire)
        {
            return;
        }
        let Some(rx) = self.shared.rx.lock().take() else {
            return;
        };
        self.shared
            .started
            .store(true, std::sync::atomic::Ordering::Release);
        worker::spawn(
            rx,
            self.shared.workers,
            backend,
            worker::Context {
                tx: self.shared.tx.downgrade(),
                journal: Arc::clone(&self.shared.journal),
                metrics: Arc::clone(&self.shared.metrics),
                records: self.shared.records.clone(),
                timing: self.shared.timing,
            },
        );
    }

    /// Queues a delivery. It counts as in flight until its outcome is final.
    pub(crate) fn submit(&self, job: NewJob) {
        let job = job.queued(self.shared.journal.in_flight());
        self.shared.metrics.queue(1);
        if let Err(e) = self.shared.tx.send(job) {
            self.shared.metrics.queue(-1);
            // Only when the workers are gone (shutdown): the trace says so.
            let job = e.0;
            worker::finish(
                &job,
                &self.shared.journal,
                &self.shared.metrics,
                End::Abandoned("the simulator is shutting down"),
            );
        }
    }

    /// The journal of traces.
    pub fn journal(&self) -> &Arc<Journal> {
        &self.shared.journal
    }

    /// The pipeline's metrics.
    pub fn metrics(&self) -> &Arc<Metrics> {
        &self.shared.metrics
    }

    /// The destination records (on-success and on-failure invocation records).
    pub fn records(&self) -> &Records {
        &self.shared.records
    }
}
