//! The journal: recent traces in a ring buffer, outcome counters, and idle waiting.

use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;

use parking_lot::Mutex;
use tokio::sync::Notify;

use super::live::{Item, Live, Subscription};
use super::record::{Outcome, Source, Trace, TraceView};
use super::refusal::ConfigRefusal;

/// Recent traces and counters. Share it as `Arc<Journal>`.
#[derive(Debug)]
pub struct Journal {
    capacity: usize,
    ring: Mutex<VecDeque<Arc<Trace>>>,
    next_id: AtomicU64,
    events: AtomicU64,
    outcomes: [AtomicU64; Outcome::ALL.len()],
    in_flight: AtomicUsize,
    idle: Notify,
    live: Live,
    refusals: Mutex<VecDeque<Arc<ConfigRefusal>>>,
    next_refusal: AtomicU64,
}

/// How many refused configurations the journal keeps.
const REFUSALS: usize = 256;

/// A filter over the journal; every field set must match.
#[derive(Debug, Clone, Default)]
pub struct Query {
    /// Only events of this bucket.
    pub bucket: Option<String>,
    /// Only events of this key.
    pub key: Option<String>,
    /// Only events delivered (or not) to this function: a name or an ARN as configured.
    pub function: Option<String>,
    /// Only events with this overall outcome.
    pub outcome: Option<Outcome>,
    /// At most this many, most recent first (default 100).
    pub limit: Option<usize>,
}

impl Journal {
    /// A journal keeping the `capacity` most recent traces (at least one).
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity: capacity.max(1),
            ring: Mutex::new(VecDeque::with_capacity(capacity.clamp(1, 1 << 16))),
            next_id: AtomicU64::new(1),
            events: AtomicU64::new(0),
            outcomes: Default::default(),
            in_flight: AtomicUsize::new(0),
            idle: Notify::new(),
            live: Live::new(),
            refusals: Mutex::new(VecDeque::new()),
            next_refusal: AtomicU64::new(1),
        }
    }

    /// Starts the trace of a new event and keeps it (evicting the oldest when full).
    pub fn begin(&self, source: Source) -> Arc<Trace> {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        self.events.fetch_add(1, Ordering::Relaxed);
        let trace = Arc::new(Trace::new(id, source).announcing(self.live.sender()));
        {
            let mut ring = self.ring.lock();
            if ring.len() == self.capacity {
                ring.pop_front();
            }
            ring.push_back(Arc::clone(&trace));
        }
        self.live.announce(Item::Trace(id));
        trace
    }

    /// Keeps a refused configuration (the most recent 256), giving it its id and time.
    pub fn refuse_configuration(&self, mut refusal: ConfigRefusal) -> u64 {
        let id = self.next_refusal.fetch_add(1, Ordering::Relaxed);
        refusal.id = format!("cfg-{id:012}");
        refusal.created = std::time::SystemTime::now();
        {
            let mut kept = self.refusals.lock();
            if kept.len() == REFUSALS {
                kept.pop_front();
            }
            kept.push_back(Arc::new(refusal));
        }
        self.live.announce(Item::Refusal(id));
        id
    }

    /// The refused configurations kept, most recent first.
    pub fn refusals(&self) -> Vec<ConfigRefusal> {
        self.refusals
            .lock()
            .iter()
            .rev()
            .map(|r| ConfigRefusal::clone(r))
            .collect()
    }

    /// A refused configuration by numeric id, while it is kept.
    pub fn refusal(&self, id: u64) -> Option<ConfigRefusal> {
        let wanted = format!("cfg-{id:012}");
        self.refusals
            .lock()
            .iter()
            .find(|r| r.id == wanted)
            .map(|r| ConfigRefusal::clone(r))
    }

    /// Hears of every trace change from now on (see [`Subscription::next`]), until
    /// [`Journal::end_subscriptions`].
    pub fn subscribe(&self) -> Subscription {
        self.live.subscribe()
    }

    /// Ends every current subscription: the server streaming them is shutting down.
    pub fn end_subscriptions(&self) {
        self.live.end_subscriptions();
    }

    /// Counts a delivery's final outcome.
    pub fn count(&self, outcome: Outcome) {
        if let Some(i) = Outcome::ALL.iter().position(|o| *o == outcome) {
            self.outcomes[i].fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Events emitted since start (or the last reset), including evicted ones.
    pub fn events(&self) -> u64 {
        self.events.load(Ordering::Relaxed)
    }

    /// Final delivery outcomes counted since start (or the last reset).
    pub fn counters(&self) -> Vec<(Outcome, u64)> {
        Outcome::ALL
            .iter()
            .zip(&self.outcomes)
            .map(|(o, n)| (*o, n.load(Ordering::Relaxed)))
            .collect()
    }

    /// A trace by numeric id, while it is still kept.
    pub fn get(&self, id: u64) -> Option<Arc<Trace>> {
        let ring = self.ring.lock();
        // Ids are increasing in the ring, so a binary search finds it.
        let i = ring.binary_search_by_key(&id, |t| t.id()).ok()?;
        ring.get(i).cloned()
    }

    /// The traces matching `query`, most recent first.
    pub fn query(&self, query: &Query) -> Vec<TraceView> {
        self.query_where(query, |_| true)
    }

    /// [`Journal::query`] over the traces `keep` accepts, tested before any view is built
    /// (a caller who sees one account does not pay for the views of every other).
    pub(crate) fn query_where(
        &self,
        query: &Query,
        keep: impl Fn(&Trace) -> bool,
    ) -> Vec<TraceView> {
        let limit = query.limit.unwrap_or(100);
        let candidates: Vec<Arc<Trace>> = self.ring.lock().iter().rev().cloned().collect();
        candidates
            .iter()
            .filter(|t| t.matches(query) && keep(t))
            .take(limit)
            .map(|t| t.view())
            .collect()
    }

    /// The delivery attempt with this Lambda request id, most recent events first.
    pub fn find_attempt(&self, request_id: &str) -> Option<AttemptLog> {
        let candidates: Vec<Arc<Trace>> = self.ring.lock().iter().rev().cloned().collect();
        candidates.iter().find_map(|t| t.find_attempt(request_id))
    }

    /// Marks work in flight until the returned guard is dropped.
    pub fn in_flight(self: &Arc<Self>) -> InFlight {
        self.in_flight.fetch_add(1, Ordering::AcqRel);
        InFlight {
            journal: Arc::clone(self),
        }
    }

    /// How many units of work are in flight.
    pub fn pending(&self) -> usize {
        self.in_flight.load(Ordering::Acquire)
    }

    /// Waits until nothing is in flight; `false` if `timeout` passed first.
    pub async fn wait_idle(&self, timeout: Duration) -> bool {
        let wait = async {
            loop {
                let notified = self.idle.notified();
                let mut notified = std::pin::pin!(notified);
                notified.as_mut().enable();
                if self.pending() == 0 {
                    return;
                }
                notified.await;
            }
        };
        tokio::time::timeout(timeout, wait).await.is_ok()
    }

    /// Forgets every trace and refused configuration and zeroes the counters (in-flight work
    /// is not cancelled).
    pub fn clear(&self) {
        self.ring.lock().clear();
        self.refusals.lock().clear();
        self.events.store(0, Ordering::Relaxed);
        for n in &self.outcomes {
            n.store(0, Ordering::Relaxed);
        }
    }
}

/// The log of one delivery attempt, found by its Lambda request id.
#[derive(Debug, Clone, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AttemptLog {
    /// The Lambda request id.
    pub request_id: String,
    /// The event the attempt delivered.
    pub event_id: String,
    /// The function ARN as configured.
    pub function_arn: String,
    /// The version that ran.
    pub version: Option<String>,
    /// The attempt's log (its last 4 KB).
    pub log: String,
}

/// Work in flight; dropping it may wake `wait_idle`.
#[derive(Debug)]
pub struct InFlight {
    journal: Arc<Journal>,
}

impl Drop for InFlight {
    fn drop(&mut self) {
        if self.journal.in_flight.fetch_sub(1, Ordering::AcqRel) == 1 {
            self.journal.idle.notify_waiters();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trace::{Delivery, Outcome};

    fn source(bucket: &str, key: &str) -> Source {
        Source {
            bucket: bucket.into(),
            key: key.into(),
            event_name: "ObjectCreated:Put".into(),
            request_id: "R".into(),
            version_id: None,
            bucket_owner: "000000000000".into(),
        }
    }

    #[test]
    fn ring_keeps_the_most_recent_and_counts_all() {
        let j = Journal::new(3);
        let ids: Vec<u64> = (0..5)
            .map(|i| j.begin(source("b", &format!("k{i}"))).id())
            .collect();
        assert_eq!(j.events(), 5);
        assert!(j.get(ids[0]).is_none(), "evicted");
        assert_eq!(j.get(ids[4]).unwrap().source().key, "k4");
        let keys: Vec<_> = j
            .query(&Query::default())
            .into_iter()
            .map(|v| v.source.key)
            .collect();
        assert_eq!(keys, ["k4", "k3", "k2"]);
        j.clear();
        assert_eq!(j.events(), 0);
        assert!(j.query(&Query::default()).is_empty());
    }

    #[test]
    fn queries_filter_by_bucket_key_function_and_outcome() {
        let j = Journal::new(10);
        let photo = j.begin(source("photos", "a.jpg"));
        let i = photo.add_delivery(Delivery::new(
            "c1".into(),
            "arn:aws:lambda:us-east-1:000000000000:function:f:PROD".into(),
        ));
        photo.update_delivery(i, |d| d.outcome = Outcome::Denied);
        let doc = j.begin(source("docs", "b.txt"));
        let i = doc.add_delivery(Delivery::new(
            "c2".into(),
            "arn:aws:lambda:us-east-1:000000000000:function:g".into(),
        ));
        doc.update_delivery(i, |d| d.outcome = Outcome::Delivered);
        j.begin(source("docs", "c.txt")); // nothing matched

        let q = |q: Query| {
            j.query(&q)
                .into_iter()
                .map(|v| v.source.key)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            q(Query {
                bucket: Some("docs".into()),
                ..Query::default()
            }),
            ["c.txt", "b.txt"]
        );
        assert_eq!(
            q(Query {
                key: Some("a.jpg".into()),
                ..Query::default()
            }),
            ["a.jpg"]
        );
        assert_eq!(
            q(Query {
                function: Some("f".into()),
                ..Query::default()
            }),
            ["a.jpg"]
        );
        assert_eq!(
            q(Query {
                outcome: Some(Outcome::Delivered),
                ..Query::default()
            }),
            ["b.txt"]
        );
        assert_eq!(
            q(Query {
                limit: Some(1),
                ..Query::default()
            }),
            ["c.txt"]
        );
        assert_eq!(j.query(&Query::default())[0].outcome, None);
    }

    #[test]
    fn overall_outcome_is_pending_then_the_worst() {
        let j = Journal::new(4);
        let t = j.begin(source("b", "k"));
        let a = t.add_delivery(Delivery::new("1".into(), "f1".into()));
        let b = t.add_delivery(Delivery::new("2".into(), "f2".into()));
        t.update_delivery(a, |d| d.outcome = Outcome::Delivered);
        assert_eq!(t.view().outcome, Some(Outcome::Pending));
        t.update_delivery(b, |d| d.outcome = Outcome::Failed);
        assert_eq!(t.view().outcome, Some(Outcome::Failed));
        let json = serde_json::to_value(t.view()).unwrap();
        assert_eq!(json["outcome"], "failed");
        assert_eq!(json["deliveries"][0]["outcome"], "delivered");
    }

    #[tokio::test]
    async fn wait_idle_returns_when_work_ends() {
        let j = Arc::new(Journal::new(4));
        assert!(j.wait_idle(Duration::from_millis(1)).await);
        let guard = j.in_flight();
        assert!(!j.wait_idle(Duration::from_millis(20)).await);
        let waiter = tokio::spawn({
            let j = Arc::clone(&j);
            async move { j.wait_idle(Duration::from_secs(5)).await }
        });
        tokio::time::sleep(Duration::from_millis(10)).await;
        drop(guard);
        assert!(waiter.await.unwrap());
        j.count(Outcome::Delivered);
        assert!(j.counters().contains(&(Outcome::Delivered, 1)));
    }

    #[tokio::test]
    async fn subscribers_hear_of_new_traces_and_delivery_changes_until_ended() {
        use crate::trace::Change;
        let j = Journal::new(4);
        let before = j.begin(source("b", "before"));
        let mut sub = j.subscribe();
        before.update_delivery(0, |_| {});
        assert_eq!(sub.next().await, Some(Change::Trace(before.id())));
        let t = j.begin(source("b", "k"));
        let i = t.add_delivery(Delivery::new("c".into(), "f".into()));
        t.update_delivery(i, |d| d.outcome = Outcome::Delivered);
        for _ in 0..3 {
            assert_eq!(sub.next().await, Some(Change::Trace(t.id())));
        }
        assert_eq!(sub.try_next(), None);
        // The final outcome of a delivery is announced too.
        let settled = t.add_delivery(Delivery::new("d".into(), "g".into()));
        assert_eq!(sub.next().await, Some(Change::Trace(t.id())));
        t.settle_delivery(settled, |d| d.outcome = Outcome::Denied);
        assert_eq!(sub.next().await, Some(Change::Trace(t.id())));
        assert_eq!(sub.try_next(), None);
        let refused = j.refuse_configuration(crate::trace::ConfigRefusal {
            id: String::new(),
            created: std::time::UNIX_EPOCH,
            bucket: "b".into(),
            bucket_owner: "000000000000".into(),
            request_id: "R".into(),
            code: "InvalidArgument".into(),
            message: "m".into(),
            destinations: Vec::new(),
        });
        assert_eq!(sub.next().await, Some(Change::Refusal(refused)));
        assert_eq!(
            j.refusal(refused).map(|r| r.id),
            Some("cfg-000000000001".into())
        );
        assert_eq!(j.refusals().len(), 1);
        j.end_subscriptions();
        assert_eq!(sub.next().await, None, "ended");
        let mut later = j.subscribe();
        j.begin(source("b", "after"));
        assert!(
            matches!(later.next().await, Some(Change::Trace(_))),
            "a later one hears"
        );
    }
}
