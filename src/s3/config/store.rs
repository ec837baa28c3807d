//! Where each bucket's settings live: one [`BucketSettings`] per bucket name, created on the
//! first write, dropped with the bucket. Object tags and ACLs are kept per object *write*
//! (key and sequencer), so an overwritten object starts with none, as in S3.

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

    /// Forgets a deleted bucket's settings.
    pub(crate) fn remove(&self, bucket: &str) {
        self.buckets.remove(bucket);
    }

    /// Forgets every bucket's settings.
    pub(crate) fn clear(&self) {
        self.buckets.clear();
    }
}
