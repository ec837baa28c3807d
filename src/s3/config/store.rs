//! Where each bucket's settings live: one [`BucketSettings`] per bucket name, created on the
//! first write, dropped with the bucket. Object tags and ACLs are kept per object *write*
//! (key and sequencer), so an overwritten object starts with none, as in S3; those of writes
//! the bucket no longer holds (overwritten, deleted) are swept once their count has doubled
//! since the last sweep, so they take at most about twice what the live ones take.

use std::collections::HashMap;

use dashmap::DashMap;

use super::access::{Ownership, PublicAccessBlock};
use super::acl::Acl;
use super::tagging::Tag;
use super::tree::Node;

/// The stored XML documents, one per subresource that keeps its body as given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Document {
    /// `?cors`.
    Cors,
    /// `?lifecycle`.
    Lifecycle,
    /// `?website`.
    Website,
    /// `?replication`.
    Replication,
    /// `?logging` (absent: logging disabled).
    Logging,
    /// `?object-lock`.
    ObjectLock,
    /// `?encryption` (absent: the SSE-S3 default).
    Encryption,
    /// `?accelerate` (absent: never set).
    Accelerate,
    /// `?requestPayment` (absent: `BucketOwner`).
    RequestPayment,
}

/// One object write: its key and its store sequencer.
pub(crate) type ObjectWrite = (String, u64);

/// Everything set on one bucket besides objects, versioning and notifications.
#[derive(Debug, Default)]
pub(crate) struct BucketSettings {
    /// The bucket's tag set (`None`: never set or deleted).
    pub tags: Option<Vec<Tag>>,
    /// The bucket policy, as sent.
    pub policy: Option<String>,
    /// The bucket ACL (`None`: `private`).
    pub acl: Option<Acl>,
    /// Object ownership (S3's default for new buckets: `BucketOwnerEnforced`).
    pub ownership: Ownership,
    /// Block Public Access (S3's default for new buckets: all four on).
    pub public_access_block: PublicAccessBlock,
    /// The stored documents.
    pub documents: HashMap<Document, Node>,
    /// Object tag sets by write.
    pub object_tags: HashMap<ObjectWrite, Vec<Tag>>,
    /// Object ACLs by write (absent: `private`).
    pub object_acls: HashMap<ObjectWrite, Acl>,
    /// How many object tag sets and ACLs there may be before the next sweep.
    next_sweep: usize,
}

impl BucketSettings {
    /// Drops the object tags and ACLs of writes `live` says are gone, when their count has
    /// reached the sweep mark (amortized: a sweep follows as many writes as it reads).
    fn sweep_object_writes(&mut self, live: impl Fn(&str, u64) -> bool) {
        if self.object_tags.len() + self.object_acls.len() < self.next_sweep {
            return;
        }
        self.object_tags.retain(|(key, seq), _| live(key, *seq));
        self.object_acls.retain(|(key, seq), _| live(key, *seq));
        self.next_sweep = 2 * (self.object_tags.len() + self.object_acls.len()) + 64;
    }
}

/// The settings of every bucket.
#[derive(Debug, Default)]
pub(crate) struct Settings {
    buckets: DashMap<String, BucketSettings>,
}

impl Settings {
    /// Reads `bucket`'s settings (the defaults when nothing was ever set).
    pub(crate) fn read<R>(&self, bucket: &str, f: impl FnOnce(&BucketSettings) -> R) -> R {
        match self.buckets.get(bucket) {
            Some(s) => f(s.value()),
            None => f(&BucketSettings::default()),
        }
    }

    /// Changes `bucket`'s settings.
    pub(crate) fn write<R>(&self, bucket: &str, f: impl FnOnce(&mut BucketSettings) -> R) -> R {
        f(self
            .buckets
            .entry(bucket.to_owned())
            .or_default()
            .value_mut())
    }

    /// Changes the object tags or ACLs of `bucket`, then sweeps those of writes it no
    /// longer holds (see the module's note).
    pub(crate) fn write_objects<R>(
        &self,
        bucket: &crate::s3::Bucket,
        f: impl FnOnce(&mut BucketSettings) -> R,
    ) -> R {
        self.write(&bucket.name, |s| {
            let r = f(s);
            s.sweep_object_writes(|key, seq| bucket.holds_write(key, seq));
            r
        })
    }

    /// Forgets a deleted bucket's settings.
    pub(crate) fn remove(&self, bucket: &str) {
        self.buckets.remove(bucket);
    }

    /// Forgets every bucket's settings.
    pub(crate) fn clear(&self) {
        self.buckets.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_of_gone_writes_are_swept_and_live_ones_kept() {
        let mut s = BucketSettings::default();
        // Key "k" overwritten 1,000 times with tags; only the last write is live.
        for seq in 1..=1000_u64 {
            s.object_tags.insert(("k".into(), seq), Vec::new());
            s.sweep_object_writes(|key, live| key == "k" && live == seq);
        }
        assert!(s.object_tags.len() <= 65, "{}", s.object_tags.len());
        assert!(s.object_tags.contains_key(&("k".to_owned(), 1000)));
        // Live writes are never swept, however many.
        let mut live = BucketSettings::default();
        for seq in 1..=500_u64 {
            live.object_tags
                .insert((format!("k{seq}"), seq), Vec::new());
            live.sweep_object_writes(|_, _| true);
        }
        assert_eq!(live.object_tags.len(), 500);
    }
}
