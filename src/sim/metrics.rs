//! The simulator's metrics and readiness: the pipeline's counters with what the journal,
//! the runtime and the stores hold at the moment of a scrape.

use std::sync::atomic::{AtomicU8, Ordering};

use super::Simulator;
use crate::metrics::{Format, Snapshot};

/// Whether a simulator answers and delivers events.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Readiness {
    /// Built, its dispatcher not started yet.
    Starting,
    /// Serving: the dispatcher runs, requests are answered.
    Ready,
    /// Shutting down: no new connections; queued deliveries are being drained.
    Draining,
}

impl Readiness {
    /// The name in the health answer.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Starting => "starting",
            Self::Ready => "ready",
            Self::Draining => "draining",
        }
    }
}

/// The readiness state, shared by clones of a simulator.
#[derive(Debug, Default)]
pub(super) struct ReadinessCell(AtomicU8);

impl ReadinessCell {
    pub(super) fn get(&self) -> Readiness {
        match self.0.load(Ordering::Acquire) {
            0 => Readiness::Starting,
            1 => Readiness::Ready,
            _ => Readiness::Draining,
        }
    }

    /// Moves forward only: starting → ready → draining.
    pub(super) fn advance(&self, to: Readiness) {
        let n = match to {
            Readiness::Starting => 0,
            Readiness::Ready => 1,
            Readiness::Draining => 2,
        };
        self.0.fetch_max(n, Ordering::AcqRel);
    }
}

impl Simulator {
    /// Whether the simulator is starting, ready or draining.
    pub fn readiness(&self) -> Readiness {
        self.shared.readiness.get()
    }

    /// Marks the simulator as shutting down: the health API answers `draining` from now on.
    pub fn begin_shutdown(&self) {
        self.shared.readiness.advance(Readiness::Draining);
    }

    /// Every metric in `format` (the Prometheus text format or OpenMetrics).
    pub fn metrics_text(&self, format: Format) -> String {
        self.dispatcher()
            .metrics()
            .render(self.metrics_snapshot(), format)
    }

    /// What the journal, the runtime and the stores hold now.
    fn metrics_snapshot(&self) -> Snapshot {
        let runtime = self.runtime().stats();
        let (objects, bytes) = self
            .s3()
            .store()
            .buckets()
            .iter()
            .map(|bucket| bucket.usage())
            .fold((0, 0), |(n, b), (bn, bb)| (n + bn, b + bb));
        Snapshot {
            deliveries_in_flight: self.journal().pending() as u64,
            invocations_in_flight: u64::from(runtime.running),
            compilations: self.runtime().compilations(),
            compiled_handlers: runtime.compiled as u64,
            stored_objects: objects,
            stored_object_bytes: bytes,
            code_storage_bytes: self.lambda().registry().packages().usage().bytes,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn readiness_only_moves_forward() {
        let sim = Simulator::builder().build().expect("builds");
        assert_eq!(sim.readiness(), Readiness::Starting);
        sim.start_dispatch();
        assert_eq!(sim.clone().readiness(), Readiness::Ready);
        sim.begin_shutdown();
        sim.start_dispatch();
        assert_eq!(sim.readiness(), Readiness::Draining);
    }
}
