//! The in-memory CloudWatch Logs store: log groups per account and region, their streams,
//! and each stream's events, with bounded retention.
//!
//! Domain code only: no HTTP types here, and nothing of the wire protocol that reads it.
//!
//! Layout and locking: one short-held [`RwLock`] maps (account, region, group name) to a
//! shared group; each group maps stream names to shared streams behind its own
//! `RwLock`; each stream keeps its events behind its own [`Mutex`]. An append takes the
//! read locks on the fast path (group and stream already exist) and holds only the one
//! stream's mutex while it pushes its events.
//!
//! Retention is bounded, unlike AWS's "never expire" default: a stream keeps at most
//! [`LogsConfig::max_events_per_stream`] events (the oldest, by timestamp, are dropped first)
//! and a group at most [`LogsConfig::max_streams_per_group`] streams (the stream with the
//! oldest last event is dropped first).
//!
//! Events are kept ordered by `(timestamp, sequence)`, where the sequence is a store-wide
//! counter assigned at append time: it breaks ties between equal timestamps in arrival order
//! and is the stable position that paging tokens and event ids are built from.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use parking_lot::{Mutex, RwLock};

/// Limits of the log store. Defaults: 10 000 events per stream, 1 000 streams per group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LogsConfig {
    /// Events kept per stream; past this, the oldest events (by timestamp) are dropped.
    /// Default 10 000. A value of 0 is treated as 1.
    pub max_events_per_stream: usize,
    /// Streams kept per log group; past this, the stream whose last event is oldest is
    /// dropped. Default 1 000. A value of 0 is treated as 1.
    pub max_streams_per_group: usize,
}

impl Default for LogsConfig {
    fn default() -> Self {
        Self {
            max_events_per_stream: 10_000,
            max_streams_per_group: 1_000,
        }
    }
}

/// One stored log event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogEvent {
    /// When the event happened, epoch milliseconds (as the writer said).
    pub timestamp_ms: i64,
    /// When the store received it, epoch milliseconds.
    pub ingestion_time_ms: i64,
    /// The log line.
    pub message: String,
    /// Store-wide arrival sequence: unique, increasing in append order.
    pub seq: u64,
}

impl LogEvent {
    /// The event's position in timestamp order: `(timestamp, sequence)`.
    pub fn key(&self) -> EventKey {
        EventKey {
            timestamp_ms: self.timestamp_ms,
            seq: self.seq,
        }
    }
}

/// A position in timestamp order, unique per event. Ordered by timestamp, then sequence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EventKey {
    /// Event timestamp, epoch milliseconds.
    pub timestamp_ms: i64,
    /// Store-wide arrival sequence.
    pub seq: u64,
}

/// A summary of a log group, as `DescribeLogGroups` reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupInfo {
    /// The group's name, e.g. `/aws/lambda/hello`.
    pub name: String,
    /// When the group was created, epoch milliseconds.
    pub creation_time_ms: i64,
    /// Bytes of message text currently held by the group's streams.
    pub stored_bytes: i64,
    /// The retention policy set by `PutRetentionPolicy`, in days (`None`: never expire).
    pub retention_in_days: Option<u32>,
}

/// A summary of a log stream, as `DescribeLogStreams` reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamInfo {
    /// The stream's name.
    pub name: String,
    /// When the stream was created, epoch milliseconds.
    pub creation_time_ms: i64,
    /// Timestamp of the earliest event held, if any.
    pub first_event_timestamp_ms: Option<i64>,
    /// Timestamp of the latest event held, if any.
    pub last_event_timestamp_ms: Option<i64>,
    /// Ingestion time of the latest append, if any.
    pub last_ingestion_time_ms: Option<i64>,
}

/// A log event together with the stream holding it (for searches across streams).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamEvent {
    /// The stream's name.
    pub stream: String,
    /// The event.
    pub event: LogEvent,
}

/// The log store: a cheap-to-clone handle on shared state.
#[derive(Debug, Clone, Default)]
pub struct LogStore {
    shared: Arc<Shared>,
}

#[derive(Debug, Default)]
struct Shared {
    config: LogsConfig,
    seq: AtomicU64,
    /// account → region → group name → group.
    groups: RwLock<Accounts>,
}

/// account → region → group name → group.
type Accounts = HashMap<String, HashMap<String, BTreeMap<String, Arc<Group>>>>;

#[derive(Debug)]
struct Group {
    creation_time_ms: i64,
    /// Retention and tags: set by the API, never read on the append path.
    settings: Mutex<GroupSettings>,
    streams: RwLock<BTreeMap<String, Arc<Stream>>>,
}

/// What the CloudWatch Logs API sets on a group: its retention policy and its tags.
#[derive(Debug, Default)]
struct GroupSettings {
    retention_in_days: Option<u32>,
    tags: BTreeMap<String, String>,
}

#[derive(Debug)]
struct Stream {
    creation_time_ms: i64,
    state: Mutex<StreamState>,
}

#[derive(Debug, Default)]
struct StreamState {
    /// Ordered by [`LogEvent::key`].
    events: VecDeque<LogEvent>,
    last_ingestion_time_ms: Option<i64>,
    stored_bytes: i64,
}

/// Now, in epoch milliseconds.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

/// The stream name Lambda gives an execution environment's logs:
/// `YYYY/MM/DD/[VERSION]` followed by the 32-hex-digit environment id,
/// e.g. `2024/01/15/[$LATEST]0123456789abcdef0123456789abcdef`.
pub fn lambda_stream_name(date: time::Date, version: &str, environment_id: &str) -> String {
    format!(
        "{:04}/{:02}/{:02}/[{version}]{environment_id}",
        date.year(),
        u8::from(date.month()),
        date.day()
    )
}

/// The log group name Lambda writes a function's logs to: `/aws/lambda/{function}`.
pub fn lambda_group_name(function_name: &str) -> String {
    format!("/aws/lambda/{function_name}")
}

impl LogStore {
    /// An empty store with the given limits.
    pub fn new(config: LogsConfig) -> Self {
        Self {
            shared: Arc::new(Shared {
                config,
                seq: AtomicU64::new(0),
                groups: RwLock::default(),
            }),
        }
    }

    /// The store's limits.
    pub fn config(&self) -> LogsConfig {
        self.shared.config
    }

    /// Appends events `(timestamp ms, message)` to a stream, creating the group and the
    /// stream when absent. Events may arrive out of timestamp order; they are kept sorted.
    /// Past [`LogsConfig::max_events_per_stream`], the oldest events are dropped.
    pub fn append(
        &self,
        account: &str,
        region: &str,
        group: &str,
        stream: &str,
        events: impl IntoIterator<Item = (i64, String)>,
    ) {
        let now = now_ms();
        let group = self.group_or_create(account, region, group, now);
        let stream = self.stream_or_create(&group, stream, now);
        let max = self.shared.config.max_events_per_stream.max(1);
        let mut state = stream.state.lock();
        let mut appended = false;
        for (timestamp_ms, message) in events {
            appended = true;
            let event = LogEvent {
                timestamp_ms,
                ingestion_time_ms: now,
                seq: self.shared.seq.fetch_add(1, Ordering::Relaxed),
                message,
            };
            state.stored_bytes += byte_len(&event.message);
            let key = event.key();
            if state.events.back().is_none_or(|last| last.key() < key) {
                state.events.push_back(event);
            } else {
                let at = state.events.partition_point(|e| e.key() < key);
                state.events.insert(at, event);
            }
            while state.events.len() > max {
                if let Some(dropped) = state.events.pop_front() {
                    state.stored_bytes -= byte_len(&dropped.message);
                }
            }
        }
        if appended {
            state.last_ingestion_time_ms = Some(now);
        }
    }

    /// Creates an empty log group if absent (as `CreateLogGroup` would, minus the error).
    pub fn create_group(&self, account: &str, region: &str, group: &str) {
        self.group_or_create(account, region, group, now_ms());
    }

    /// Creates an empty log group with `tags`, as `CreateLogGroup` does; `false` (and nothing
    /// changed) when the group already exists.
    pub fn create_group_new(
        &self,
        account: &str,
        region: &str,
        group: &str,
        tags: BTreeMap<String, String>,
    ) -> bool {
        let mut all = self.shared.groups.write();
        let groups = all
            .entry(account.to_owned())
            .or_default()
            .entry(region.to_owned())
            .or_default();
        if groups.contains_key(group) {
            return false;
        }
        groups.insert(
            group.to_owned(),
            Arc::new(Group {
                creation_time_ms: now_ms(),
                settings: Mutex::new(GroupSettings {
                    retention_in_days: None,
                    tags,
                }),
                streams: RwLock::default(),
            }),
        );
        true
    }

    /// Deletes a group with its streams and events; `false` when there was none.
    pub fn delete_group(&self, account: &str, region: &str, group: &str) -> bool {
        self.shared
            .groups
            .write()
            .get_mut(account)
            .and_then(|r| r.get_mut(region))
            .and_then(|g| g.remove(group))
            .is_some()
    }

    /// Sets (or, with `None`, removes) a group's retention policy; `false` when there is no
    /// such group. The policy is reported, not applied: events leave a stream by the count
    /// bound only.
    pub fn set_retention(
        &self,
        account: &str,
        region: &str,
        group: &str,
        days: Option<u32>,
    ) -> bool {
        self.group(account, region, group)
            .map(|g| g.settings.lock().retention_in_days = days)
            .is_some()
    }

    /// A group's tags; `None` when there is no such group.
    pub fn group_tags(
        &self,
        account: &str,
        region: &str,
        group: &str,
    ) -> Option<BTreeMap<String, String>> {
        self.group(account, region, group)
            .map(|g| g.settings.lock().tags.clone())
    }

    /// Changes a group's tags under its lock: `change` sees the current tags and may refuse
    /// (its error is returned, nothing changed). `None` when there is no such group.
    pub fn update_group_tags<E>(
        &self,
        account: &str,
        region: &str,
        group: &str,
        change: impl FnOnce(&mut BTreeMap<String, String>) -> Result<(), E>,
    ) -> Option<Result<(), E>> {
        let group = self.group(account, region, group)?;
        let mut settings = group.settings.lock();
        let mut tags = settings.tags.clone();
        Some(change(&mut tags).map(|()| settings.tags = tags))
    }

    /// Forgets every group, stream and event.
    pub fn clear(&self) {
        self.shared.groups.write().clear();
    }

    /// Whether the group exists.
    pub fn group_exists(&self, account: &str, region: &str, group: &str) -> bool {
        self.group(account, region, group).is_some()
    }

    /// Up to `limit` groups whose names start with `prefix` and sort strictly after `after`,
    /// in name order.
    pub fn groups(
        &self,
        account: &str,
        region: &str,
        prefix: &str,
        after: Option<&str>,
        limit: usize,
    ) -> Vec<GroupInfo> {
        let groups: Vec<(String, Arc<Group>)> = {
            let all = self.shared.groups.read();
            let Some(map) = all.get(account).and_then(|r| r.get(region)) else {
                return Vec::new();
            };
            map.range::<str, _>((
                after.map_or(std::ops::Bound::Included(prefix), std::ops::Bound::Excluded),
                std::ops::Bound::Unbounded,
            ))
            .skip_while(|(name, _)| !name.starts_with(prefix))
            .take_while(|(name, _)| name.starts_with(prefix))
            .take(limit)
            .map(|(name, group)| (name.clone(), Arc::clone(group)))
            .collect()
        };
        groups
            .into_iter()
            .map(|(name, group)| {
                let streams: Vec<Arc<Stream>> = group.streams.read().values().cloned().collect();
                let stored_bytes = streams.iter().map(|s| s.state.lock().stored_bytes).sum();
                GroupInfo {
                    name,
                    creation_time_ms: group.creation_time_ms,
                    stored_bytes,
                    retention_in_days: group.settings.lock().retention_in_days,
                }
            })
            .collect()
    }

    /// Every stream of a group, in name order; `None` when the group does not exist.
    pub fn streams(&self, account: &str, region: &str, group: &str) -> Option<Vec<StreamInfo>> {
        let group = self.group(account, region, group)?;
        let streams: Vec<(String, Arc<Stream>)> = group
            .streams
            .read()
            .iter()
            .map(|(name, stream)| (name.clone(), Arc::clone(stream)))
            .collect();
        Some(
            streams
                .into_iter()
                .map(|(name, stream)| stream_info(name, &stream))
                .collect(),
        )
    }

    /// A copy of one stream's events (in timestamp order) within `[start, end)` when given.
    /// Outer `None`: no such group; inner `None`: no such stream.
    pub fn stream_events(
        &self,
        account: &str,
        region: &str,
        group: &str,
        stream: &str,
        start_ms: Option<i64>,
        end_ms: Option<i64>,
    ) -> Option<Option<Vec<LogEvent>>> {
        self.read_stream(account, region, group, stream, |events| {
            events
                .iter()
                .filter(|e| start_ms.is_none_or(|s| e.timestamp_ms >= s))
                .filter(|e| end_ms.is_none_or(|end| e.timestamp_ms < end))
                .cloned()
                .collect()
        })
    }

    /// Runs `read` on one stream's events (ordered by [`LogEvent::key`]) under the stream's
    /// lock, so a reader copies only what it keeps. Keep `read` short: appends to this
    /// stream wait for it. Outer `None`: no such group; inner `None`: no such stream.
    pub fn read_stream<R>(
        &self,
        account: &str,
        region: &str,
        group: &str,
        stream: &str,
        read: impl FnOnce(&VecDeque<LogEvent>) -> R,
    ) -> Option<Option<R>> {
        let group = self.group(account, region, group)?;
        let Some(stream) = group.streams.read().get(stream).cloned() else {
            return Some(None);
        };
        let state = stream.state.lock();
        Some(Some(read(&state.events)))
    }

    /// Events of the streams `select` accepts, across the group, in `(timestamp, sequence)`
    /// order, with `start <= timestamp <= end` when given, strictly after `after` when given,
    /// and accepted by `matches`; at most `limit`. `None` when the group does not exist.
    #[allow(clippy::too_many_arguments)]
    pub fn search(
        &self,
        account: &str,
        region: &str,
        group: &str,
        select: impl Fn(&str) -> bool,
        start_ms: Option<i64>,
        end_ms: Option<i64>,
        after: Option<EventKey>,
        matches: impl Fn(&str) -> bool,
        limit: usize,
    ) -> Option<Vec<StreamEvent>> {
        let group = self.group(account, region, group)?;
        let streams: Vec<(String, Arc<Stream>)> = group
            .streams
            .read()
            .iter()
            .filter(|(name, _)| select(name))
            .map(|(name, stream)| (name.clone(), Arc::clone(stream)))
            .collect();
        let mut found: Vec<StreamEvent> = Vec::new();
        for (name, stream) in streams {
            let state = stream.state.lock();
            let after_cursor = after.map_or(0, |k| state.events.partition_point(|e| e.key() <= k));
            let after_start =
                start_ms.map_or(0, |s| state.events.partition_point(|e| e.timestamp_ms < s));
            let from = after_cursor.max(after_start);
            let mut taken = 0;
            for event in state.events.range(from..) {
                if taken >= limit {
                    break;
                }
                if end_ms.is_some_and(|end| event.timestamp_ms > end) {
                    break;
                }
                if !matches(&event.message) {
                    continue;
                }
                taken += 1;
                found.push(StreamEvent {
                    stream: name.clone(),
                    event: event.clone(),
                });
            }
        }
        found.sort_by_key(|e| e.event.key());
        found.truncate(limit);
        Some(found)
    }

    fn group(&self, account: &str, region: &str, group: &str) -> Option<Arc<Group>> {
        self.shared
            .groups
            .read()
            .get(account)
            .and_then(|r| r.get(region))
            .and_then(|g| g.get(group))
            .cloned()
    }

    fn group_or_create(&self, account: &str, region: &str, group: &str, now: i64) -> Arc<Group> {
        if let Some(found) = self.group(account, region, group) {
            return found;
        }
        let mut all = self.shared.groups.write();
        Arc::clone(
            all.entry(account.to_owned())
                .or_default()
                .entry(region.to_owned())
                .or_default()
                .entry(group.to_owned())
                .or_insert_with(|| {
                    tracing::debug!(account, region, group, "log group created");
                    Arc::new(Group {
                        creation_time_ms: now,
                        settings: Mutex::default(),
                        streams: RwLock::default(),
                    })
                }),
        )
    }

    fn stream_or_create(&self, group: &Group, stream: &str, now: i64) -> Arc<Stream> {
        if let Some(found) = group.streams.read().get(stream) {
            return Arc::clone(found);
        }
        let mut streams = group.streams.write();
        if let Some(found) = streams.get(stream) {
            return Arc::clone(found);
        }
        let max = self.shared.config.max_streams_per_group.max(1);
        while streams.len() >= max {
            let oldest = streams
                .iter()
                .min_by_key(|(_, s)| {
                    let state = s.state.lock();
                    (
                        state.events.back().map_or(i64::MIN, |e| e.timestamp_ms),
                        s.creation_time_ms,
                    )
                })
                .map(|(name, _)| name.clone());
            match oldest {
                Some(name) => {
                    tracing::debug!(stream = %name, "log stream dropped: group at its stream limit");
                    streams.remove(&name);
                }
                None => break,
            }
        }
        let created = Arc::new(Stream {
            creation_time_ms: now,
            state: Mutex::default(),
        });
        streams.insert(stream.to_owned(), Arc::clone(&created));
        created
    }
}

fn byte_len(message: &str) -> i64 {
    i64::try_from(message.len()).unwrap_or(i64::MAX)
}

fn stream_info(name: String, stream: &Stream) -> StreamInfo {
    let state = stream.state.lock();
    StreamInfo {
        name,
        creation_time_ms: stream.creation_time_ms,
        first_event_timestamp_ms: state.events.front().map(|e| e.timestamp_ms),
        last_event_timestamp_ms: state.events.back().map(|e| e.timestamp_ms),
        last_ingestion_time_ms: state.last_ingestion_time_ms,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(items: &[(i64, &str)]) -> Vec<(i64, String)> {
        items.iter().map(|(t, m)| (*t, (*m).to_owned())).collect()
    }

    fn messages(events: &[LogEvent]) -> Vec<&str> {
        events.iter().map(|e| e.message.as_str()).collect()
    }

    #[test]
    fn append_creates_group_and_stream_and_keeps_order() {
        let store = LogStore::default();
        assert!(!store.group_exists("a", "r", "/aws/lambda/f"));
        store.append(
            "a",
            "r",
            "/aws/lambda/f",
            "s1",
            lines(&[(10, "one"), (30, "three")]),
        );
        store.append(
            "a",
            "r",
            "/aws/lambda/f",
            "s1",
            lines(&[(20, "two"), (30, "four")]),
        );
        assert!(store.group_exists("a", "r", "/aws/lambda/f"));
        assert!(!store.group_exists("a", "other-region", "/aws/lambda/f"));
        assert!(!store.group_exists("b", "r", "/aws/lambda/f"));
        let events = store
            .stream_events("a", "r", "/aws/lambda/f", "s1", None, None)
            .flatten()
            .unwrap_or_default();
        assert_eq!(messages(&events), ["one", "two", "three", "four"]);
        assert!(events.windows(2).all(|w| w[0].key() < w[1].key()));
        assert!(events.iter().all(|e| e.ingestion_time_ms > 0));
        let streams = store.streams("a", "r", "/aws/lambda/f").unwrap_or_default();
        assert_eq!(streams.len(), 1);
        assert_eq!(streams[0].first_event_timestamp_ms, Some(10));
        assert_eq!(streams[0].last_event_timestamp_ms, Some(30));
        assert!(streams[0].last_ingestion_time_ms.is_some());
    }

    #[test]
    fn missing_group_and_stream_are_distinguished() {
        let store = LogStore::default();
        assert_eq!(store.stream_events("a", "r", "g", "s", None, None), None);
        store.create_group("a", "r", "g");
        assert_eq!(
            store.stream_events("a", "r", "g", "s", None, None),
            Some(None)
        );
        assert_eq!(store.streams("a", "r", "g"), Some(Vec::new()));
    }

    #[test]
    fn time_range_is_start_inclusive_end_exclusive() {
        let store = LogStore::default();
        store.append("a", "r", "g", "s", lines(&[(1, "a"), (2, "b"), (3, "c")]));
        let events = store
            .stream_events("a", "r", "g", "s", Some(2), Some(3))
            .flatten()
            .unwrap_or_default();
        assert_eq!(messages(&events), ["b"]);
    }

    #[test]
    fn oldest_events_are_dropped_past_the_stream_bound() {
        let store = LogStore::new(LogsConfig {
            max_events_per_stream: 3,
            ..LogsConfig::default()
        });
        store.append("a", "r", "g", "s", (0..5).map(|i| (i, format!("m{i}"))));
        // An old event arriving late is itself the oldest, so it is the one dropped.
        store.append("a", "r", "g", "s", lines(&[(-1, "late")]));
        let events = store
            .stream_events("a", "r", "g", "s", None, None)
            .flatten()
            .unwrap_or_default();
        assert_eq!(messages(&events), ["m2", "m3", "m4"]);
        let groups = store.groups("a", "r", "", None, 50);
        assert_eq!(groups[0].stored_bytes, 6);
    }

    #[test]
    fn stream_with_oldest_last_event_is_dropped_past_the_group_bound() {
        let store = LogStore::new(LogsConfig {
            max_streams_per_group: 2,
            ..LogsConfig::default()
        });
        store.append("a", "r", "g", "old", lines(&[(1, "x")]));
        store.append("a", "r", "g", "new", lines(&[(5, "y")]));
        store.append("a", "r", "g", "newest", lines(&[(9, "z")]));
        let names: Vec<String> = store
            .streams("a", "r", "g")
            .unwrap_or_default()
            .into_iter()
            .map(|s| s.name)
            .collect();
        assert_eq!(names, ["new", "newest"]);
    }

    #[test]
    fn groups_page_by_prefix_and_name() {
        let store = LogStore::default();
        for g in ["/aws/lambda/b", "/aws/lambda/a", "/other", "/aws/lambda/c"] {
            store.create_group("a", "r", g);
        }
        let names = |v: Vec<GroupInfo>| v.into_iter().map(|g| g.name).collect::<Vec<_>>();
        assert_eq!(
            names(store.groups("a", "r", "/aws/lambda/", None, 2)),
            ["/aws/lambda/a", "/aws/lambda/b"]
        );
        assert_eq!(
            names(store.groups("a", "r", "/aws/lambda/", Some("/aws/lambda/b"), 2)),
            ["/aws/lambda/c"]
        );
        assert_eq!(names(store.groups("a", "r", "", None, 50)).len(), 4);
        assert!(store.groups("x", "r", "", None, 50).is_empty());
        store.clear();
        assert!(store.groups("a", "r", "", None, 50).is_empty());
    }

    #[test]
    fn search_interleaves_streams_in_time_order_and_resumes_after_a_key() {
        let store = LogStore::default();
        store.append(
            "a",
            "r",
            "g",
            "s1",
            lines(&[(1, "a1"), (3, "a3"), (5, "a5")]),
        );
        store.append("a", "r", "g", "s2", lines(&[(2, "b2"), (4, "b4")]));
        let found = store
            .search("a", "r", "g", |_| true, None, None, None, |_| true, 3)
            .unwrap_or_default();
        let got: Vec<&str> = found.iter().map(|e| e.event.message.as_str()).collect();
        assert_eq!(got, ["a1", "b2", "a3"]);
        let after = found.last().map(|e| e.event.key());
        let rest = store
            .search(
                "a",
                "r",
                "g",
                |s| s == "s2" || s == "s1",
                None,
                Some(4),
                after,
                |_| true,
                10,
            )
            .unwrap_or_default();
        let got: Vec<(&str, &str)> = rest
            .iter()
            .map(|e| (e.stream.as_str(), e.event.message.as_str()))
            .collect();
        assert_eq!(got, [("s2", "b4")]);
        assert_eq!(
            store.search("a", "r", "nope", |_| true, None, None, None, |_| true, 1),
            None
        );
    }

    #[test]
    fn lambda_names() {
        let date = time::macros::date!(2024 - 01 - 15);
        assert_eq!(
            lambda_stream_name(date, "$LATEST", "0123456789abcdef0123456789abcdef"),
            "2024/01/15/[$LATEST]0123456789abcdef0123456789abcdef"
        );
        assert_eq!(lambda_stream_name(date, "3", "ab"), "2024/01/15/[3]ab");
        assert_eq!(lambda_group_name("hello"), "/aws/lambda/hello");
    }

    #[test]
    fn concurrent_appends_lose_nothing() {
        let store = LogStore::default();
        let handles: Vec<_> = (0..4)
            .map(|t| {
                let store = store.clone();
                std::thread::spawn(move || {
                    for i in 0..250 {
                        store.append(
                            "a",
                            "r",
                            "g",
                            &format!("s{}", i % 3),
                            [(i64::from(t) * 1000 + i, format!("{t}-{i}"))],
                        );
                    }
                })
            })
            .collect();
        for h in handles {
            assert!(h.join().is_ok());
        }
        let total: usize = ["s0", "s1", "s2"]
            .iter()
            .map(|s| {
                store
                    .stream_events("a", "r", "g", s, None, None)
                    .flatten()
                    .unwrap_or_default()
                    .len()
            })
            .sum();
        assert_eq!(total, 1000);
    }
}
