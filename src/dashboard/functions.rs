//! Each function's panel: its versions, aliases (with routing weights), reserved
//! concurrency, event invoke configurations, the log of its recent delivery attempts and a
//! histogram of the time from an event's emission (the accepted PUT) to the end of the
//! handler run that delivered it, over the events still in the journal.

use std::collections::HashMap;

use serde::Serialize;

use super::Viewer;
use crate::arn::{FunctionRef, NameKind};
use crate::lambda::config::FunctionConfig;
use crate::lambda::registry::Registry;
use crate::sim::Simulator;
use crate::trace::{AttemptResult, Outcome, Query, unix_micros};

/// How many recent events the panels read from the journal.
const RECENT_EVENTS: usize = 2000;
/// How many recent attempts a panel lists with their log.
const RECENT_ATTEMPTS: usize = 8;
/// The histogram's upper bounds, in milliseconds (a last bucket holds the rest).
const BOUNDS_MS: [f64; 12] = [
    1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0, 200.0, 500.0, 1000.0, 2000.0, 5000.0,
];

/// One function's panel.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct FunctionPanel {
    /// The unqualified ARN.
    pub arn: String,
    /// The owning account.
    pub account: String,
    /// The region.
    pub region: String,
    /// The name.
    pub name: String,
    /// `Runtime`, if set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub runtime: Option<String>,
    /// `Handler`, if set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub handler: Option<String>,
    /// `MemorySize` in MB.
    pub memory_size: u32,
    /// `Timeout` in seconds.
    pub timeout: u32,
    /// `$LATEST`, then each published version.
    pub versions: Vec<VersionRow>,
    /// Every alias.
    pub aliases: Vec<AliasRow>,
    /// Reserved concurrency, if set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reserved_concurrency: Option<u32>,
    /// Event invoke configurations, per qualifier.
    pub invoke_configs: Vec<InvokeConfigRow>,
    /// The most recent delivery attempts, newest first.
    pub recent: Vec<RecentAttempt>,
    /// Emission → handler end of the delivered events.
    pub latency: Latency,
}

/// One version.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct VersionRow {
    /// `$LATEST` or the number.
    pub version: String,
    /// `Description`.
    pub description: String,
    /// `CodeSha256`.
    pub code_sha256: String,
    /// `LastModified`.
    pub last_modified: String,
}

/// One alias.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct AliasRow {
    /// The alias name.
    pub name: String,
    /// The version it points to.
    pub function_version: String,
    /// Additional versions and their weights.
    pub additional_version_weights: std::collections::BTreeMap<String, f64>,
}

/// One event invoke configuration.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct InvokeConfigRow {
    /// The ARN of the qualifier it applies to.
    pub function_arn: String,
    /// Retry attempts in effect.
    pub maximum_retry_attempts: u32,
    /// Maximum event age in effect, in seconds.
    pub maximum_event_age_in_seconds: u32,
    /// On-success destination.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub on_success: Option<String>,
    /// On-failure destination.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub on_failure: Option<String>,
}

/// One delivery attempt with its log.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RecentAttempt {
    /// The event, e.g. `evt-000000000042`.
    pub event_id: String,
    /// `s3://bucket/key`.
    pub object: String,
    /// The version that ran.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// The Lambda request id.
    pub request_id: String,
    /// `success`, `functionError` or `throttled`.
    pub result: &'static str,
    /// How long the handler ran, in milliseconds.
    pub duration_ms: f64,
    /// The last lines of its log.
    pub log: String,
}

/// A latency histogram.
#[derive(Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Latency {
    /// How many events it counts.
    pub count: usize,
    /// Counts per bucket.
    pub buckets: Vec<LatencyBucket>,
    /// The median, in milliseconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub p50_ms: Option<f64>,
    /// The 95th percentile, in milliseconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub p95_ms: Option<f64>,
    /// The slowest, in milliseconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_ms: Option<f64>,
}

/// One bucket of [`Latency`].
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct LatencyBucket {
    /// The bucket's upper bound in milliseconds (none for the last).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub le_ms: Option<f64>,
    /// How many events fell in it.
    pub count: usize,
}

impl Latency {
    fn of(mut samples: Vec<f64>) -> Self {
        samples.sort_by(f64::total_cmp);
        let mut buckets: Vec<LatencyBucket> = BOUNDS_MS
            .iter()
            .map(|b| LatencyBucket {
                le_ms: Some(*b),
                count: 0,
            })
            .chain(std::iter::once(LatencyBucket {
                le_ms: None,
                count: 0,
            }))
            .collect();
        for s in &samples {
            let i = BOUNDS_MS
                .iter()
                .position(|b| s <= b)
                .unwrap_or(BOUNDS_MS.len());
            buckets[i].count += 1;
        }
        // Nearest rank: the smallest sample with at least q of them at or below it.
        let at = |q: f64| {
            let rank = (samples.len() as f64 * q).ceil() as usize;
            samples.get(rank.saturating_sub(1)).copied()
        };
        Self {
            count: samples.len(),
            p50_ms: at(0.5),
            p95_ms: at(0.95),
            max_ms: samples.last().copied(),
            buckets,
        }
    }
}

/// Every function (`$LATEST`) of `account` in `region`, by name.
pub(crate) fn all(registry: &Registry, account: &str, region: &str) -> Vec<FunctionConfig> {
    let mut out = Vec::new();
    let mut marker: Option<String> = None;
    loop {
        let (page, next) = registry.list_functions(account, region, marker.as_deref(), None);
        out.extend(page);
        match next {
            Some(n) if Some(&n) != marker.as_ref() => marker = Some(n),
            _ => return out,
        }
    }
}

/// What the journal says of one function.
#[derive(Debug, Default)]
struct Activity {
    recent: Vec<RecentAttempt>,
    latencies: Vec<f64>,
}

/// The panels of every function the viewer may see.
pub(crate) fn panels(sim: &Simulator, viewer: Viewer<'_>) -> Vec<FunctionPanel> {
    let (accounts, regions) = super::scope(sim, viewer);
    let registry = sim.lambda().registry();
    let mut activity = activity(sim);
    let mut out = Vec::new();
    for account in &accounts {
        for region in &regions {
            for latest in all(registry, account, region) {
                let key = (
                    account.clone(),
                    region.clone(),
                    latest.function_name.clone(),
                );
                let found = activity.remove(&key).unwrap_or_default();
                out.push(panel(registry, latest, found));
            }
        }
    }
    out
}

fn panel(registry: &Registry, latest: FunctionConfig, activity: Activity) -> FunctionPanel {
    let (account, region) = (latest.account.clone(), latest.region.clone());
    let r = FunctionRef::named(&latest.function_name);
    let mut versions = Vec::new();
    let mut marker: Option<String> = None;
    while let Ok((page, next)) =
        registry.list_versions(&account, &region, &r, marker.as_deref(), None)
    {
        versions.extend(page.into_iter().map(|c| VersionRow {
            version: c.version.clone(),
            description: c.description.clone(),
            code_sha256: c.code.sha256.clone(),
            last_modified: c.last_modified.clone(),
        }));
        match next {
            Some(n) if Some(&n) != marker.as_ref() => marker = Some(n),
            _ => break,
        }
    }
    let mut aliases = Vec::new();
    let mut marker: Option<String> = None;
    while let Ok((page, next)) =
        registry.list_aliases(&account, &region, &r, None, marker.as_deref(), None)
    {
        aliases.extend(page.into_iter().map(|a| AliasRow {
            name: a.name,
            function_version: a.function_version,
            additional_version_weights: a.additional_version_weights,
        }));
        match next {
            Some(n) if Some(&n) != marker.as_ref() => marker = Some(n),
            _ => break,
        }
    }
    let reserved_concurrency = registry
        .get_function(&account, &region, &r)
        .ok()
        .and_then(|v| v.reserved_concurrency);
    let invoke_configs = registry
        .list_event_invoke_configs(&account, &region, &r)
        .unwrap_or_default()
        .into_iter()
        .map(|(c, function_arn)| InvokeConfigRow {
            function_arn,
            maximum_retry_attempts: c.retry_attempts(),
            maximum_event_age_in_seconds: c.max_event_age(),
            on_success: c.on_success,
            on_failure: c.on_failure,
        })
        .collect();
    FunctionPanel {
        arn: latest.function_arn(),
        account,
        region,
        name: latest.function_name,
        runtime: latest.runtime,
        handler: latest.handler,
        memory_size: latest.memory_size,
        timeout: latest.timeout,
        versions,
        aliases,
        reserved_concurrency,
        invoke_configs,
        recent: activity.recent,
        latency: Latency::of(activity.latencies),
    }
}

/// The recent attempts and latencies of each function, keyed by (account, region, name),
/// from the most recent events in the journal.
fn activity(sim: &Simulator) -> HashMap<(String, String, String), Activity> {
    let default_region = &sim.config().region;
    let query = Query {
        limit: Some(RECENT_EVENTS),
        ..Query::default()
    };
    let mut out: HashMap<(String, String, String), Activity> = HashMap::new();
    for view in sim.journal().query(&query) {
        let emitted = unix_micros(view.created);
        for d in &view.deliveries {
            let Ok(r) = FunctionRef::parse(&d.function_arn, NameKind::Plain) else {
                continue;
            };
            let key = (
                r.account
                    .unwrap_or_else(|| view.source.bucket_owner.clone()),
                r.region.unwrap_or_else(|| default_region.clone()),
                r.name,
            );
            let entry = out.entry(key).or_default();
            if d.outcome == Outcome::Delivered
                && let Some(last) = d.attempts.last()
            {
                entry
                    .latencies
                    .push(last.ended_micros.saturating_sub(emitted) as f64 / 1000.0);
            }
            for a in d.attempts.iter().rev() {
                if entry.recent.len() == RECENT_ATTEMPTS {
                    break;
                }
                entry.recent.push(RecentAttempt {
                    event_id: view.id.clone(),
                    object: format!("s3://{}/{}", view.source.bucket, view.source.key),
                    version: d.resolved_version.clone(),
                    request_id: a.request_id.clone(),
                    result: match a.result {
                        AttemptResult::Success => "success",
                        AttemptResult::FunctionError { .. } => "functionError",
                        AttemptResult::Throttled => "throttled",
                    },
                    duration_ms: a.duration.as_secs_f64() * 1000.0,
                    log: a.log_tail.clone(),
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_histogram_counts_each_sample_once_and_names_its_percentiles() {
        let h = Latency::of(vec![0.5, 3.0, 3.5, 7000.0, 1.0]);
        assert_eq!(h.count, 5);
        let counts: Vec<usize> = h.buckets.iter().map(|b| b.count).collect();
        assert_eq!(counts, [2, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
        assert_eq!(h.buckets.last().and_then(|b| b.le_ms), None);
        assert_eq!(h.p50_ms, Some(3.0));
        assert_eq!(h.max_ms, Some(7000.0));
        let empty = Latency::of(Vec::new());
        assert_eq!((empty.count, empty.p50_ms), (0, None));
    }
}
