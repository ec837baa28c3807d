//! The executor's cache of invocation templates: what every run of one function version
//! shares (compiled code, log names, environment), derived once per configuration snapshot.
//!
//! A snapshot is an `Arc<FunctionConfig>` the registry replaces on every change, so the
//! cache is keyed by the snapshot itself: it holds a `Weak` to it (which keeps the address
//! from being reused while the entry lives) and drops the entry once no function, version
//! or running invocation holds the snapshot any more.

use std::collections::HashMap;
use std::sync::{Arc, Weak};

use parking_lot::RwLock;

use crate::lambda::config::FunctionConfig;
use crate::runtime::Code;

/// An invocation template of one function version.
pub(super) struct Prepared {
    pub code: Code,
    pub log_group: String,
    /// The stream name on `stream_date` (Lambda names streams by day).
    pub log_stream: String,
    pub stream_date: time::Date,
    pub env: Arc<[(String, String)]>,
}

/// Templates by configuration snapshot.
pub(super) type PreparedCache = BySnapshot<FunctionConfig, Prepared>;

/// Values derived from shared snapshots (`Arc<S>`), kept while the snapshot lives.
pub(super) struct BySnapshot<S, V> {
    inner: RwLock<Entries<S, V>>,
}

struct Entries<S, V> {
    /// By the snapshot's address; the `Weak` proves the address is still that snapshot's.
    map: HashMap<usize, (Weak<S>, Arc<V>)>,
}

impl<S, V> Default for BySnapshot<S, V> {
    fn default() -> Self {
        Self {
            inner: RwLock::new(Entries {
                map: HashMap::new(),
            }),
        }
    }
}

fn key<S>(snapshot: &Arc<S>) -> usize {
    Arc::as_ptr(snapshot) as usize
}

impl<S, V> BySnapshot<S, V> {
    /// The value derived from `snapshot`, if one was stored.
    pub fn get(&self, snapshot: &Arc<S>) -> Option<Arc<V>> {
        // An entry at this address is this snapshot's: the entry's `Weak` keeps the
        // allocation from being freed and reused by another snapshot.
        let entries = self.inner.read();
        entries
            .map
            .get(&key(snapshot))
            .map(|(_, value)| Arc::clone(value))
    }

    /// Stores `value` for `snapshot` unless another caller stored one first; returns the
    /// stored value. First drops the values of snapshots no one holds any more (an insert is
    /// a cache miss, once per snapshot, so the sweep stays off the per-invocation path and
    /// the compiled code of an updated or deleted function is not kept).
    pub fn insert(&self, snapshot: &Arc<S>, value: Arc<V>) -> Arc<V> {
        let mut entries = self.inner.write();
        entries.map.retain(|_, (weak, _)| weak.strong_count() > 0);
        // An entry at this address is this snapshot's: its `Weak` keeps the allocation, so
        // no other snapshot can live there.
        let (_, stored) = entries
            .map
            .entry(key(snapshot))
            .or_insert_with(|| (Arc::downgrade(snapshot), value));
        Arc::clone(stored)
    }

    /// How many values are kept.
    #[cfg(test)]
    fn len(&self) -> usize {
        self.inner.read().map.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_lives_as_long_as_its_snapshot() {
        let cache = BySnapshot::<String, usize>::default();
        let a = Arc::new("a".to_owned());
        assert!(cache.get(&a).is_none());
        assert_eq!(*cache.insert(&a, Arc::new(1)), 1);
        assert_eq!(
            *cache.insert(&a, Arc::new(2)),
            1,
            "the first stored value stays"
        );
        assert_eq!(cache.get(&a).as_deref(), Some(&1));
        // An equal but distinct snapshot (a changed `$LATEST` is a new `Arc`) derives afresh.
        let b = Arc::new("a".to_owned());
        assert!(cache.get(&b).is_none());
        assert_eq!(*cache.insert(&b, Arc::new(3)), 3);
        assert_eq!(cache.get(&a).as_deref(), Some(&1));
    }

    #[test]
    fn values_of_dropped_snapshots_are_swept() {
        let cache = BySnapshot::<usize, usize>::default();
        let kept: Vec<_> = (0..8).map(Arc::new).collect();
        for s in &kept {
            cache.insert(s, Arc::new(**s));
        }
        for i in 0..200 {
            let gone = Arc::new(i);
            cache.insert(&gone, Arc::new(i));
        }
        assert_eq!(
            cache.len(),
            kept.len() + 1,
            "only live snapshots (and the last) stay"
        );
        for s in &kept {
            assert_eq!(cache.get(s).as_deref(), Some(&**s), "live snapshots stay");
        }
    }
}
