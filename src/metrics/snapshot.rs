//! The values a scrape reads from the other rooms (the journal, the runtime, the stores) and
//! the collector that writes them.

use std::sync::Arc;

use parking_lot::Mutex;
use prometheus_client::encoding::{DescriptorEncoder, EncodeMetric};
use prometheus_client::metrics::counter::ConstCounter;
use prometheus_client::metrics::gauge::ConstGauge;

/// What is true at the moment of a scrape.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Snapshot {
    /// Event deliveries queued, waiting for a retry, or running.
    pub deliveries_in_flight: u64,
    /// Handler invocations running now (event deliveries and `Invoke` calls).
    pub invocations_in_flight: u64,
    /// Handler components compiled since start.
    pub compilations: u64,
    /// Compiled handler components in the cache.
    pub compiled_handlers: u64,
    /// Object versions stored (delete markers included), over every bucket.
    pub stored_objects: u64,
    /// Bytes of object data stored, every version of every object of every bucket.
    pub stored_object_bytes: u64,
    /// Bytes of deployment packages stored (archives and unzipped components).
    pub code_storage_bytes: u64,
}

/// Writes the current [`Snapshot`] at each scrape.
#[derive(Debug)]
pub(super) struct Collector(pub(super) Arc<Mutex<Snapshot>>);

impl prometheus_client::collector::Collector for Collector {
    fn encode(&self, mut encoder: DescriptorEncoder) -> Result<(), std::fmt::Error> {
        let s = self.0.lock().clone();
        let gauges = [
            (
                "deliveries_in_flight",
                "Event deliveries queued, waiting for a retry, or running",
                s.deliveries_in_flight,
            ),
            (
                "invocations_in_flight",
                "Handler invocations running now (event deliveries and Invoke calls)",
                s.invocations_in_flight,
            ),
            (
                "compiled_handlers",
                "Compiled handler components in the cache",
                s.compiled_handlers,
            ),
            (
                "stored_objects",
                "Object versions stored, delete markers included",
                s.stored_objects,
            ),
            (
                "stored_object_bytes",
                "Bytes of object data stored (every version of every object)",
                s.stored_object_bytes,
            ),
            (
                "code_storage_bytes",
                "Bytes of deployment packages stored (archives and unzipped components)",
                s.code_storage_bytes,
            ),
        ];
        let compilations = ConstCounter::new(s.compilations);
        compilations.encode(encoder.encode_descriptor(
            "compilations",
            "Handler components compiled since the server started",
            None,
            compilations.metric_type(),
        )?)?;
        for (name, help, value) in gauges {
            let gauge = ConstGauge::new(i64::try_from(value).unwrap_or(i64::MAX));
            gauge.encode(encoder.encode_descriptor(name, help, None, gauge.metric_type())?)?;
        }
        Ok(())
    }
}
