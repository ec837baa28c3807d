//! The bench report: HDR-histogram percentiles, and the text and JSON forms.

use std::fmt::Write as _;

use hdrhistogram::Histogram;
use serde::Serialize;

/// Latency percentiles in milliseconds.
#[derive(Debug, Clone, Serialize)]
pub struct Percentiles {
    /// Samples.
    pub count: u64,
    /// Mean.
    pub mean: f64,
    /// 50th percentile.
    pub p50: f64,
    /// 90th.
    pub p90: f64,
    /// 99th.
    pub p99: f64,
    /// 99.9th.
    pub p999: f64,
    /// Maximum.
    pub max: f64,
}

impl Percentiles {
    /// The percentiles of a histogram of µs; `None` when it is empty.
    pub fn of(h: &Histogram<u64>) -> Option<Self> {
        if h.is_empty() {
            return None;
        }
        let ms = |us: u64| round3(us as f64 / 1000.0);
        Some(Self {
            count: h.len(),
            mean: round3(h.mean() / 1000.0),
            p50: ms(h.value_at_quantile(0.5)),
            p90: ms(h.value_at_quantile(0.9)),
            p99: ms(h.value_at_quantile(0.99)),
            p999: ms(h.value_at_quantile(0.999)),
            max: ms(h.max()),
        })
    }
}

/// Rounds to 3 decimals.
pub fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// PUT results.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Puts {
    /// Answered 2xx.
    pub ok: u64,
    /// Answered with an error status.
    pub denied: u64,
    /// No answer (connection errors).
    pub errors: u64,
    /// First send to last answer, seconds.
    pub seconds: f64,
    /// Successful PUTs per second.
    pub per_second: f64,
    /// With `--rate`: whether at least 95% of it was reached (latencies are measured from
    /// the actual send, so a loadgen falling behind hides queueing).
    pub rate_reached: Option<bool>,
}

/// Delivery results (s3lambda endpoints, notified runs).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Deliveries {
    /// Expected: one per PUT.
    pub expected: u64,
    /// Events emitted during the run.
    pub events: u64,
    /// Delivered (the handler ran and succeeded).
    pub delivered: u64,
    /// Other final outcomes during the run, by name (only non-zero ones).
    pub other: std::collections::BTreeMap<String, u64>,
    /// Still in flight when the wait ended.
    pub pending: u64,
    /// From the first PUT to the last handler end (or idle), seconds.
    pub seconds: f64,
    /// Delivered per second over that window.
    pub per_second: f64,
}

/// Where the PUT→handler latencies come from.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Sample {
    /// Delivered traces matched to a PUT.
    pub matched: u64,
    /// PUTs in the run.
    pub of: u64,
    /// Whether the journal still held every trace of the run.
    pub complete: bool,
}

/// CPU time used during the load and the wait.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Cpu {
    /// Whose: `server pid N` or `process (server + loadgen)`.
    pub scope: String,
    /// Total, ms (10 ms resolution).
    pub total_ms: f64,
    /// Per successful PUT, ms.
    pub per_request_ms: f64,
}

/// The whole report.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Report {
    /// Whether every check passed.
    pub ok: bool,
    /// The endpoint.
    pub endpoint: String,
    /// `in-process` or `external`.
    pub mode: &'static str,
    /// Whether the endpoint has the s3lambda API.
    pub simulator: bool,
    /// The bucket.
    pub bucket: String,
    /// The run's key prefix.
    pub key_prefix: String,
    /// The notified function ARN, when notified.
    pub target: Option<String>,
    /// The handler, when notified.
    pub handler: Option<String>,
    /// Objects.
    pub objects: u64,
    /// Object size, bytes.
    pub size: usize,
    /// Connections.
    pub concurrency: usize,
    /// Fixed rate, if any.
    pub rate: Option<f64>,
    /// Warm-up PUTs before the measured run.
    pub warmup: u64,
    /// The 1-minute load average when the measured run started (other work on the machine).
    pub load_avg: Option<f64>,
    /// PUT results.
    pub puts: Puts,
    /// PUT latency (client side, including signing).
    pub put_latency_ms: Option<Percentiles>,
    /// Deliveries.
    pub deliveries: Option<Deliveries>,
    /// PUT send → handler start.
    pub put_to_handler_start_ms: Option<Percentiles>,
    /// PUT send → handler end.
    pub put_to_handler_end_ms: Option<Percentiles>,
    /// The sample behind those two.
    pub latency_sample: Option<Sample>,
    /// Keys listed under the run's prefix (plain-PUT runs).
    pub listed_keys: Option<u64>,
    /// What was deleted after the run (external endpoints), or that `--keep` kept it.
    pub cleanup: Option<String>,
    /// CPU time of the server (or, in-process, server and loadgen together).
    pub cpu: Option<Cpu>,
    /// CPU time of the loadgen alone (external endpoints).
    pub loadgen_cpu: Option<Cpu>,
    /// What went wrong; empty when `ok`.
    pub problems: Vec<String>,
}

impl Report {
    /// The report for people.
    pub fn text(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "s3lambda bench: {} objects x {} B, {} connections{} against {} ({}{})",
            self.objects,
            self.size,
            self.concurrency,
            self.rate
                .map(|r| format!(", rate {r}/s"))
                .unwrap_or_default(),
            self.endpoint,
            self.mode,
            if self.simulator { ", s3lambda" } else { "" },
        );
        let _ = writeln!(
            s,
            "  bucket {} keys {}* after {} warm-up PUTs; load average {}",
            self.bucket,
            self.key_prefix,
            self.warmup,
            self.load_avg.map_or("?".to_owned(), |l| format!("{l:.2}"))
        );
        if let (Some(t), Some(h)) = (&self.target, &self.handler) {
            let _ = writeln!(s, "  notifies {t} (handler {h})");
        }
        let p = &self.puts;
        let _ = writeln!(
            s,
            "PUTs        {} ok, {} error answers, {} connection errors in {:.3} s: {:.0} PUT/s",
            p.ok, p.denied, p.errors, p.seconds, p.per_second
        );
        if let (Some(false), Some(rate)) = (p.rate_reached, self.rate) {
            let _ = writeln!(
                s,
                "            (the target rate {rate}/s was not reached: the loadgen or server is saturated)"
            );
        }
        if let Some(d) = &self.deliveries {
            let other: Vec<String> = d.other.iter().map(|(k, v)| format!("{k} {v}")).collect();
            let _ = writeln!(
                s,
                "deliveries  {}/{} delivered ({} events{}{}) in {:.3} s: {:.0} deliveries/s",
                d.delivered,
                d.expected,
                d.events,
                if other.is_empty() {
                    String::new()
                } else {
                    format!(", {}", other.join(", "))
                },
                if d.pending > 0 {
                    format!(", {} pending", d.pending)
                } else {
                    String::new()
                },
                d.seconds,
                d.per_second
            );
        }
        if let Some(n) = self.listed_keys {
            let _ = writeln!(s, "listing     {n}/{} keys under the prefix", self.objects);
        }
        let _ = writeln!(
            s,
            "latency (ms)                    p50      p90      p99    p99.9      max     mean"
        );
        for (name, p) in [
            ("PUT", &self.put_latency_ms),
            ("PUT -> handler start", &self.put_to_handler_start_ms),
            ("PUT -> handler end", &self.put_to_handler_end_ms),
        ] {
            if let Some(p) = p {
                let _ = writeln!(
                    s,
                    "  {name:<24} {:>8.3} {:>8.3} {:>8.3} {:>8.3} {:>8.3} {:>8.3}",
                    p.p50, p.p90, p.p99, p.p999, p.max, p.mean
                );
            }
        }
        if let Some(sample) = &self.latency_sample
            && !sample.complete
        {
            let _ = writeln!(
                s,
                "  (handler latencies from the {} most recent traces the journal still holds, of {} PUTs)",
                sample.matched, sample.of
            );
        }
        for c in self.cpu.iter().chain(&self.loadgen_cpu) {
            let _ = writeln!(
                s,
                "CPU         {:.0} ms for {}: {:.4} ms per request",
                c.total_ms, c.scope, c.per_request_ms
            );
        }
        if let Some(c) = &self.cleanup {
            let _ = writeln!(s, "cleanup     {c}");
        }
        if self.ok {
            s.push_str("OK\n");
        } else {
            for p in &self.problems {
                let _ = writeln!(s, "FAILED: {p}");
            }
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_ordered_and_in_ms() {
        let mut h = crate::cli::bench::load::histogram();
        for us in 1..=10_000 {
            h.record(us).unwrap();
        }
        let p = Percentiles::of(&h).unwrap();
        assert_eq!(p.count, 10_000);
        assert!((p.p50 - 5.0).abs() < 0.01, "{p:?}");
        assert!(p.p50 <= p.p90 && p.p90 <= p.p99 && p.p99 <= p.p999 && p.p999 <= p.max);
        assert!((p.max - 10.0).abs() < 0.01, "{p:?}");
        assert!(Percentiles::of(&crate::cli::bench::load::histogram()).is_none());
    }
}
