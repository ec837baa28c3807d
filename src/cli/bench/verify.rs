//! The delivery check of a notified run: counter deltas must show exactly one delivered
//! event per PUT; traces give PUT→handler latencies and name what went missing.

use std::collections::{BTreeMap, HashSet};
use std::fmt::Write as _;

use super::load::histogram;
use super::report::{Deliveries, Percentiles, Report, Sample, round3};
use super::simapi::{Counters, Trace};

/// What the check reads.
#[derive(Debug)]
pub struct Inputs<'a> {
    /// Counters before the load.
    pub before: &'a Counters,
    /// Counters after the wait.
    pub after: &'a Counters,
    /// The bucket's most recent traces.
    pub traces: &'a [Trace],
    /// Send time of PUT `n` (µs since the epoch, 0 when it failed).
    pub sends: &'a [u64],
    /// The run's key prefix.
    pub key_prefix: &'a str,
    /// Whether the wait ended with nothing in flight.
    pub idle: bool,
    /// When the wait ended (µs since the epoch).
    pub idle_at_us: u64,
}

/// Fills the delivery part of `report` and adds a problem for anything lost.
pub fn deliveries(report: &mut Report, input: &Inputs<'_>) {
    let expected = input.sends.len() as u64;
    let delta = |name: &str| input.after.get(name).saturating_sub(input.before.get(name));
    let events = input.after.events.saturating_sub(input.before.events);
    let delivered = delta("delivered");
    let other: BTreeMap<String, u64> = input
        .after
        .outcomes
        .keys()
        .filter(|k| *k != "delivered" && *k != "pending")
        .map(|k| (k.clone(), delta(k)))
        .filter(|(_, n)| *n > 0)
        .collect();
    let mut start = histogram();
    let mut end = histogram();
    let mut seen = HashSet::new();
    let mut last_end = 0;
    let mut lost_examples = Vec::new();
    let mut first_reason = None;
    let mut delivered_once = 0u64;
    for trace in input.traces {
        let Some(n) = trace
            .source
            .key
            .strip_prefix(input.key_prefix)
            .and_then(|s| s.parse::<usize>().ok())
        else {
            continue;
        };
        if !seen.insert(n) {
            continue;
        }
        let delivered_here = trace.outcome.as_deref() == Some("delivered");
        if delivered_here && trace.deliveries.len() == 1 {
            delivered_once += 1;
        }
        if !delivered_here {
            if first_reason.is_none() {
                first_reason = reason(trace);
            }
            if lost_examples.len() < 3 {
                lost_examples.push(format!(
                    "{} {} {}",
                    trace.source.key,
                    trace.id,
                    trace
                        .outcome
                        .as_deref()
                        .unwrap_or("matched no configuration")
                ));
            }
        }
        let sent = input.sends.get(n).copied().unwrap_or(0);
        let attempts = trace.deliveries.first().map(|d| &d.attempts[..]);
        if let (true, Some([first, .., last] | [first @ last])) =
            (delivered_here && sent > 0, attempts)
        {
            start.saturating_record(first.start_us().saturating_sub(sent).max(1));
            end.saturating_record(last.end_us().saturating_sub(sent).max(1));
            last_end = last_end.max(last.end_us());
        }
    }
    let first_send = input.sends.iter().copied().filter(|t| *t > 0).min();
    let complete = seen.len() as u64 == expected;
    let window_end = if complete && last_end > 0 {
        last_end
    } else {
        input.idle_at_us
    };
    let seconds = first_send.map_or(0.0, |f| window_end.saturating_sub(f) as f64 / 1e6);
    report.deliveries = Some(Deliveries {
        expected,
        events,
        delivered,
        other: other.clone(),
        pending: input.after.pending,
        seconds: round3(seconds),
        per_second: round3(delivered as f64 / seconds.max(1e-9)),
    });
    report.put_to_handler_start_ms = Percentiles::of(&start);
    report.put_to_handler_end_ms = Percentiles::of(&end);
    report.latency_sample = Some(Sample {
        matched: start.len(),
        of: expected,
        complete,
    });
    if complete && delivered_once != expected && delivered == expected {
        report.problems.push(format!(
            "the counters add up but the traces do not: {delivered_once} of {expected} events \
             were delivered to exactly one function"
        ));
    }
    let ok = delivered == expected && events == expected && other.is_empty() && input.idle;
    if ok {
        return;
    }
    let mut why = format!(
        "LOST DELIVERIES: {} of {expected} PUTs were not delivered ({delivered} delivered, {events} events emitted",
        expected.saturating_sub(delivered)
    );
    for (k, v) in &other {
        let _ = write!(why, ", {v} {k}");
    }
    if !input.idle {
        let _ = write!(
            why,
            ", still {} in flight when the wait timed out",
            input.after.pending
        );
    }
    why.push(')');
    if delivered > expected || events > expected {
        why.push_str(
            "; more than expected: another client used the simulator during the run, or events were delivered twice",
        );
    }
    if complete {
        let missing: Vec<String> = input
            .sends
            .iter()
            .enumerate()
            .filter(|(n, _)| !seen.contains(n))
            .take(3)
            .map(|(n, _)| format!("{}{n} (no event)", input.key_prefix))
            .collect();
        lost_examples.extend(missing);
    } else if seen.len() < expected as usize {
        let never: Vec<String> = (0..input.sends.len())
            .filter(|n| !seen.contains(n))
            .take(3 - lost_examples.len().min(3))
            .map(|n| format!("{}{n} (no trace held)", input.key_prefix))
            .collect();
        lost_examples.extend(never);
    }
    if !lost_examples.is_empty() {
        why.push_str("; e.g. ");
        why.push_str(&lost_examples.join(", "));
    }
    if let Some(r) = first_reason {
        why.push_str("; why: ");
        why.push_str(&r);
    }
    report.problems.push(why);
}

fn reason(trace: &Trace) -> Option<String> {
    trace.deliveries.first().and_then(|d| {
        d.resolution_error
            .clone()
            .or_else(|| d.policy.as_ref().map(|p| p.reason.clone()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::bench::report::Puts;

    fn report() -> Report {
        Report {
            ok: true,
            endpoint: String::new(),
            mode: "external",
            simulator: true,
            bucket: "b".into(),
            key_prefix: "p/".into(),
            target: None,
            handler: None,
            objects: 2,
            size: 1,
            concurrency: 1,
            rate: None,
            warmup: 0,
            load_avg: None,
            puts: Puts {
                ok: 2,
                denied: 0,
                errors: 0,
                seconds: 1.0,
                per_second: 2.0,
                rate_reached: None,
            },
            put_latency_ms: None,
            deliveries: None,
            put_to_handler_start_ms: None,
            put_to_handler_end_ms: None,
            latency_sample: None,
            listed_keys: None,
            cleanup: None,
            cpu: None,
            loadgen_cpu: None,
            problems: Vec::new(),
        }
    }

    fn trace(n: u32, outcome: &str) -> Trace {
        serde_json::from_value(serde_json::json!({
            "id": format!("evt-{n}"),
            "source": { "key": format!("p/{n}") },
            "outcome": outcome,
            "deliveries": [{
                "policy": { "reason": "no statement" },
                "attempts": if outcome == "delivered" {
                    serde_json::json!([{ "started": 0, "startedMicros": 1_000_500 + u64::from(n), "duration": 0.25 }])
                } else {
                    serde_json::json!([])
                },
            }],
        }))
        .unwrap()
    }

    fn counters(events: u64, outcomes: &[(&str, u64)]) -> Counters {
        Counters {
            events,
            pending: 0,
            outcomes: outcomes
                .iter()
                .map(|(k, v)| ((*k).to_owned(), *v))
                .collect(),
        }
    }

    #[test]
    fn every_put_delivered_passes_with_latencies() {
        let mut r = report();
        let traces = [trace(0, "delivered"), trace(1, "delivered")];
        deliveries(
            &mut r,
            &Inputs {
                before: &counters(5, &[("delivered", 5)]),
                after: &counters(7, &[("delivered", 7)]),
                traces: &traces,
                sends: &[1_000_000, 1_000_000],
                key_prefix: "p/",
                idle: true,
                idle_at_us: 2_000_000,
            },
        );
        assert!(r.problems.is_empty(), "{:?}", r.problems);
        let start = r.put_to_handler_start_ms.unwrap();
        assert_eq!(start.count, 2);
        assert!((start.p50 - 0.5).abs() < 0.001, "{start:?}");
        let end = r.put_to_handler_end_ms.unwrap();
        assert!((end.max - 0.751).abs() < 0.001, "{end:?}");
        assert!(r.latency_sample.unwrap().complete);
    }

    #[test]
    fn a_denied_event_is_a_loud_loss() {
        let mut r = report();
        let traces = [trace(0, "delivered"), trace(1, "denied")];
        deliveries(
            &mut r,
            &Inputs {
                before: &counters(0, &[]),
                after: &counters(2, &[("delivered", 1), ("denied", 1)]),
                traces: &traces,
                sends: &[1_000_000, 1_000_000],
                key_prefix: "p/",
                idle: true,
                idle_at_us: 2_000_000,
            },
        );
        let why = r.problems.join("\n");
        assert!(
            why.contains("LOST DELIVERIES: 1 of 2 PUTs were not delivered")
                && why.contains("1 denied")
                && why.contains("p/1 evt-1 denied")
                && why.contains("why: no statement"),
            "{why}"
        );
    }
}
