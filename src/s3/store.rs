//! The in-memory S3 store: buckets and their objects. Pure domain code, no HTTP types.
//!
//! Buckets live in a `DashMap` keyed by name; each bucket keeps its objects in a `BTreeMap`
//! (sorted, for listing) behind a short `RwLock`. An object key maps to an [`ObjectEntry`]
//! holding its current [`ObjectVersion`], so versions can be added later without changing
//! callers. Every write and delete draws a strictly increasing `sequencer` from one atomic
//! counter, which the event records of S3 notifications need.

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::ops::Bound;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use bytes::Bytes;
use dashmap::DashMap;
use dashmap::mapref::entry::Entry;
use md5::{Digest, Md5};
use parking_lot::RwLock;
use time::OffsetDateTime;

use super::checksum::Checksum;

/// The current time truncated to whole seconds: S3 keeps timestamps at second precision.
fn now_seconds() -> OffsetDateTime {
    let now = OffsetDateTime::now_utc();
    now.replace_nanosecond(0).unwrap_or(now)
}

/// A sequencer as S3 event records show it: fixed-width uppercase hex (18 digits, like
/// `0055AED6DCD90281E5`), so that lexicographic order is write order.
pub fn sequencer_hex(sequencer: u64) -> String {
    format!("{sequencer:018X}")
}

/// Failures of store operations; the API layer maps them to S3 errors.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    /// The bucket does not exist.
    #[error("no such bucket: {0}")]
    NoSuchBucket(String),
    /// The bucket exists and belongs to another account.
    #[error("bucket {0} already exists")]
    BucketAlreadyExists(String),
    /// The bucket exists and belongs to the caller; `region` is where it lives.
    #[error("bucket {name} already owned by you")]
    BucketAlreadyOwnedByYou {
        /// The bucket name.
        name: String,
        /// The existing bucket's region.
        region: String,
    },
    /// The bucket still holds objects.
    #[error("bucket {0} is not empty")]
    BucketNotEmpty(String),
}

/// The account that owns a bucket or object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Owner {
    /// The 12-digit account id.
    pub account_id: String,
    /// The S3 canonical user id.
    pub canonical_id: String,
    /// The display name.
    pub display_name: String,
}

impl From<&crate::auth::Account> for Owner {
    fn from(a: &crate::auth::Account) -> Self {
        Self {
            account_id: a.id.clone(),
            canonical_id: a.canonical_id.clone(),
            display_name: a.display_name.clone(),
        }
    }
}

/// Standard content headers stored with an object and returned on GET/HEAD.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContentHeaders {
    /// `Content-Type` (S3 defaults to `binary/octet-stream`).
    pub content_type: Option<String>,
    /// `Content-Encoding`.
    pub content_encoding: Option<String>,
    /// `Content-Disposition`.
    pub content_disposition: Option<String>,
    /// `Content-Language`.
    pub content_language: Option<String>,
    /// `Cache-Control`.
    pub cache_control: Option<String>,
    /// `Expires`, as sent.
    pub expires: Option<String>,
    /// `x-amz-website-redirect-location` (never copied by CopyObject; taken from its request).
    pub website_redirect_location: Option<String>,
}

/// One stored version of an object.
#[derive(Debug, Clone)]
pub struct ObjectVersion {
    /// The key.
    pub key: String,
    /// The data.
    pub body: Bytes,
    /// The MD5 hex of the data, without quotes.
    pub etag: String,
    /// The size in bytes.
    pub size: u64,
    /// When the write completed.
    pub last_modified: OffsetDateTime,
    /// Content headers.
    pub content: ContentHeaders,
    /// User metadata (`x-amz-meta-*`), names lowercase without the prefix.
    pub metadata: BTreeMap<String, String>,
    /// The checksum stored with the object.
    pub checksum: Option<Checksum>,
    /// The version id; `None` while versioning is not enabled.
    pub version_id: Option<String>,
    /// The write's sequencer: strictly increasing across all writes and deletes.
    pub sequencer: u64,
    /// The storage class, e.g. `STANDARD`.
    pub storage_class: String,
    /// The account that wrote the object.
    pub owner: Owner,
}

/// A key's entry: its current version (later: its version history).
#[derive(Debug, Clone)]
pub struct ObjectEntry {
    /// The current version.
    pub current: Arc<ObjectVersion>,
}

/// What a write needs besides key and bucket; the store fills in etag, size, time, sequencer.
#[derive(Debug, Clone)]
pub struct NewObject {
    /// The data.
    pub body: Bytes,
    /// Content headers.
    pub content: ContentHeaders,
    /// User metadata.
    pub metadata: BTreeMap<String, String>,
    /// The checksum to store.
    pub checksum: Option<Checksum>,
    /// The storage class.
    pub storage_class: String,
    /// The writer.
    pub owner: Owner,
}

/// What an accepted write produced (for the response and for event records).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WriteOutcome {
    /// The bucket written to.
    pub bucket: String,
    /// The key written.
    pub key: String,
    /// MD5 hex, no quotes.
    pub etag: String,
    /// Size in bytes.
    pub size: u64,
    /// The new version id, if versioned.
    pub version_id: Option<String>,
    /// The write's sequencer.
    pub sequencer: u64,
    /// The new object's Last-Modified.
    pub last_modified: OffsetDateTime,
}

/// What a delete removed (for the response and for event records).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeleteOutcome {
    /// The bucket.
    pub bucket: String,
    /// The key.
    pub key: String,
    /// Whether an object existed and was removed.
    pub existed: bool,
    /// The removed version id, if any.
    pub version_id: Option<String>,
    /// The delete's sequencer.
    pub sequencer: u64,
}

/// Parameters of one listing page.
#[derive(Debug, Clone, Default)]
pub struct ListParams<'a> {
    /// Only keys starting with this.
    pub prefix: &'a str,
    /// Group keys by the part after the prefix up to this delimiter (empty: no grouping).
    pub delimiter: &'a str,
    /// Only keys (and common prefixes) strictly greater than this.
    pub after: Option<&'a str>,
    /// The most entries (objects plus common prefixes) to return.
    pub max_keys: usize,
}

/// One listing page.
#[derive(Debug, Clone, Default)]
pub struct ListPage {
    /// Objects, in key order.
    pub objects: Vec<Arc<ObjectVersion>>,
    /// Common prefixes, in order.
    pub common_prefixes: Vec<String>,
    /// Whether more entries follow.
    pub truncated: bool,
    /// The last key or common prefix returned: the marker for the next page.
    pub last: Option<String>,
}

/// One bucket.
#[derive(Debug)]
pub struct Bucket {
    /// The bucket name.
    pub name: String,
    /// The owning account.
    pub owner: Owner,
    /// The bucket's region.
    pub region: String,
    /// What GetBucketLocation reports: empty for us-east-1, `EU` for buckets created with the
    /// legacy `EU` constraint, else the region.
    pub location_constraint: String,
    /// When it was created.
    pub created: OffsetDateTime,
    objects: RwLock<BTreeMap<String, ObjectEntry>>,
    deleted: AtomicBool,
    sequencer: Arc<AtomicU64>,
    // Room for later additions: versioning state, notification configuration, multipart uploads.
}

impl Bucket {
    fn next_sequencer(&self) -> u64 {
        self.sequencer.fetch_add(1, Ordering::SeqCst) + 1
    }

    /// Whether `account_id` owns this bucket.
    pub fn is_owned_by(&self, account_id: &str) -> bool {
        self.owner.account_id == account_id
    }

    /// Stores `obj` under `key`, replacing the current object.
    pub fn put_object(&self, key: &str, obj: NewObject) -> Result<WriteOutcome, StoreError> {
        self.put_object_if(key, obj, |_| Ok::<(), StoreError>(()))
    }

    /// Stores `obj` under `key` if `precondition`, given the current object, allows it.
    /// The check and the write happen under one lock (conditional writes).
    pub fn put_object_if<E: From<StoreError>>(
        &self,
        key: &str,
        obj: NewObject,
        precondition: impl FnOnce(Option<&ObjectVersion>) -> Result<(), E>,
    ) -> Result<WriteOutcome, E> {
        let etag = hex::encode(Md5::digest(&obj.body));
        let size = obj.body.len() as u64;
        let mut objects = self.objects.write();
        if self.deleted.load(Ordering::SeqCst) {
            return Err(StoreError::NoSuchBucket(self.name.clone()).into());
        }
        precondition(objects.get(key).map(|e| e.current.as_ref()))?;
        let sequencer = self.next_sequencer();
        let last_modified = now_seconds();
        let version = ObjectVersion {
            key: key.to_owned(),
            body: obj.body,
            etag: etag.clone(),
            size,
            last_modified,
            content: obj.content,
            metadata: obj.metadata,
            checksum: obj.checksum,
            version_id: None,
            sequencer,
            storage_class: obj.storage_class,
            owner: obj.owner,
        };
        objects.insert(
            key.to_owned(),
            ObjectEntry {
                current: Arc::new(version),
            },
        );
        Ok(WriteOutcome {
            bucket: self.name.clone(),
            key: key.to_owned(),
            etag,
            size,
            version_id: None,
            sequencer,
            last_modified,
        })
    }

    /// The current object under `key`.
    pub fn get_object(&self, key: &str) -> Option<Arc<ObjectVersion>> {
        self.objects.read().get(key).map(|e| Arc::clone(&e.current))
    }

    /// Removes the object under `key`; deleting a missing key succeeds with `existed: false`.
    pub fn delete_object(&self, key: &str) -> DeleteOutcome {
        let Ok(outcome) = self.delete_object_if(key, |_| Ok::<(), Infallible>(()));
        outcome
    }

    /// Removes the object under `key` if `precondition`, given the current object, allows it.
    /// The check and the delete happen under one lock (conditional deletes).
    pub fn delete_object_if<E>(
        &self,
        key: &str,
        precondition: impl FnOnce(Option<&ObjectVersion>) -> Result<(), E>,
    ) -> Result<DeleteOutcome, E> {
        let mut objects = self.objects.write();
        precondition(objects.get(key).map(|e| e.current.as_ref()))?;
        let removed = objects.remove(key);
        let sequencer = self.next_sequencer();
        Ok(DeleteOutcome {
            bucket: self.name.clone(),
            key: key.to_owned(),
            existed: removed.is_some(),
            version_id: removed.and_then(|e| e.current.version_id.clone()),
            sequencer,
        })
    }

    /// The number of objects.
    pub fn object_count(&self) -> usize {
        self.objects.read().len()
    }

    /// One listing page, as ListObjects/ListObjectsV2 compute it.
    pub fn list(&self, p: &ListParams<'_>) -> ListPage {
        let mut page = ListPage::default();
        if p.max_keys == 0 {
            return page;
        }
        let objects = self.objects.read();
        let start = match p.after {
            Some(a) if a >= p.prefix => Bound::Excluded(a),
            _ => Bound::Included(p.prefix),
        };
        let mut count = 0usize;
        for (key, entry) in objects.range::<str, _>((start, Bound::Unbounded)) {
            if !key.starts_with(p.prefix) {
                break;
            }
            let rest = &key[p.prefix.len()..];
            let common = if p.delimiter.is_empty() {
                None
            } else {
                rest.find(p.delimiter)
                    .map(|i| &key[..p.prefix.len() + i + p.delimiter.len()])
            };
            if let Some(cp) = common {
                if page.common_prefixes.last().is_some_and(|l| l == cp)
                    || p.after.is_some_and(|a| cp <= a)
                {
                    continue;
                }
                if count == p.max_keys {
                    page.truncated = true;
                    break;
                }
                page.common_prefixes.push(cp.to_owned());
                page.last = Some(cp.to_owned());
            } else {
                if count == p.max_keys {
                    page.truncated = true;
                    break;
                }
                page.objects.push(Arc::clone(&entry.current));
                page.last = Some(key.clone());
            }
            count += 1;
        }
        page
    }
}

/// The whole store: every bucket of every account.
#[derive(Debug, Default)]
pub struct Store {
    buckets: DashMap<String, Arc<Bucket>>,
    sequencer: Arc<AtomicU64>,
}

impl Store {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// Creates a bucket in `region`. Fails if the name is taken (by the caller or another
    /// account). `location_constraint` is what GetBucketLocation will report.
    pub fn create_bucket(
        &self,
        name: &str,
        owner: Owner,
        region: &str,
        location_constraint: &str,
    ) -> Result<Arc<Bucket>, StoreError> {
        match self.buckets.entry(name.to_owned()) {
            Entry::Occupied(e) => {
                let b = e.get();
                if b.owner.account_id == owner.account_id {
                    Err(StoreError::BucketAlreadyOwnedByYou {
                        name: name.to_owned(),
                        region: b.region.clone(),
                    })
                } else {
                    Err(StoreError::BucketAlreadyExists(name.to_owned()))
                }
            }
            Entry::Vacant(v) => {
                let bucket = Arc::new(Bucket {
                    name: name.to_owned(),
                    owner,
                    region: region.to_owned(),
                    location_constraint: location_constraint.to_owned(),
                    created: now_seconds(),
                    objects: RwLock::new(BTreeMap::new()),
                    deleted: AtomicBool::new(false),
                    sequencer: Arc::clone(&self.sequencer),
                });
                v.insert(Arc::clone(&bucket));
                Ok(bucket)
            }
        }
    }

    /// The bucket named `name`.
    pub fn bucket(&self, name: &str) -> Option<Arc<Bucket>> {
        self.buckets.get(name).map(|b| Arc::clone(b.value()))
    }

    /// Deletes an empty bucket.
    pub fn delete_bucket(&self, name: &str) -> Result<(), StoreError> {
        let bucket = self
            .bucket(name)
            .ok_or_else(|| StoreError::NoSuchBucket(name.to_owned()))?;
        let objects = bucket.objects.write();
        if !objects.is_empty() {
            return Err(StoreError::BucketNotEmpty(name.to_owned()));
        }
        bucket.deleted.store(true, Ordering::SeqCst);
        self.buckets.remove_if(name, |_, b| Arc::ptr_eq(b, &bucket));
        drop(objects);
        Ok(())
    }

    /// Every bucket, sorted by name.
    pub fn buckets(&self) -> Vec<Arc<Bucket>> {
        let mut all: Vec<_> = self.buckets.iter().map(|b| Arc::clone(b.value())).collect();
        all.sort_by(|a, b| a.name.cmp(&b.name));
        all
    }

    /// Removes every bucket and object.
    pub fn clear(&self) {
        self.buckets.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn owner(id: &str) -> Owner {
        Owner {
            account_id: id.to_owned(),
            canonical_id: format!("c{id}"),
            display_name: id.to_owned(),
        }
    }

    fn obj(data: &'static [u8]) -> NewObject {
        NewObject {
            body: Bytes::from_static(data),
            content: ContentHeaders::default(),
            metadata: BTreeMap::new(),
            checksum: None,
            storage_class: "STANDARD".to_owned(),
            owner: owner("1"),
        }
    }

    #[test]
    fn create_conflicts_and_delete() {
        let s = Store::new();
        s.create_bucket("b", owner("1"), "us-east-1", "").unwrap();
        assert!(matches!(
            s.create_bucket("b", owner("1"), "eu-west-1", "eu-west-1"),
            Err(StoreError::BucketAlreadyOwnedByYou { .. })
        ));
        assert_eq!(
            s.create_bucket("b", owner("2"), "us-east-1", "").err(),
            Some(StoreError::BucketAlreadyExists("b".into()))
        );
        let b = s.bucket("b").unwrap();
        b.put_object("k", obj(b"x")).unwrap();
        assert_eq!(
            s.delete_bucket("b"),
            Err(StoreError::BucketNotEmpty("b".into()))
        );
        assert!(b.delete_object("k").existed);
        s.delete_bucket("b").unwrap();
        assert!(s.bucket("b").is_none());
        assert!(b.put_object("k", obj(b"x")).is_err());
    }

    #[test]
    fn sequencer_strictly_increases_and_etag_is_md5() {
        let s = Store::new();
        let b = s.create_bucket("b", owner("1"), "us-east-1", "").unwrap();
        let w1 = b.put_object("k", obj(b"")).unwrap();
        let d = b.delete_object("k");
        let w2 = b.put_object("k", obj(b"")).unwrap();
        assert!(w1.sequencer < d.sequencer && d.sequencer < w2.sequencer);
        assert_eq!(w1.etag, "d41d8cd98f00b204e9800998ecf8427e");
        assert!(!b.delete_object("missing").existed);
    }

    #[test]
    fn sequencer_hex_orders_like_numbers() {
        assert_eq!(sequencer_hex(0x55AE_D6DC_D902_81E5), "0055AED6DCD90281E5");
        assert!(sequencer_hex(9) < sequencer_hex(10));
        assert!(sequencer_hex(0xFF) < sequencer_hex(0x100));
    }

    #[test]
    fn concurrent_writes_get_distinct_increasing_sequencers() {
        let s = Arc::new(Store::new());
        let b = s.create_bucket("b", owner("1"), "us-east-1", "").unwrap();
        let handles: Vec<_> = (0..4)
            .map(|_| {
                let b = Arc::clone(&b);
                std::thread::spawn(move || {
                    let mut seen = Vec::new();
                    for _ in 0..200 {
                        let w = b.put_object("same", obj(b"x")).unwrap();
                        seen.push(w.sequencer);
                    }
                    seen
                })
            })
            .collect();
        let mut all: Vec<u64> = Vec::new();
        for h in handles {
            let seen = h.join().unwrap();
            assert!(seen.windows(2).all(|w| w[0] < w[1]));
            all.extend(seen);
        }
        let max = *all.iter().max().unwrap();
        all.sort_unstable();
        all.dedup();
        assert_eq!(all.len(), 800);
        // The stored object is the last write.
        assert_eq!(b.get_object("same").unwrap().sequencer, max);
    }

    #[test]
    fn list_groups_and_pages() {
        let s = Store::new();
        let b = s.create_bucket("b", owner("1"), "us-east-1", "").unwrap();
        for k in ["a/1", "a/2", "b", "c/1", "d"] {
            b.put_object(k, obj(b"x")).unwrap();
        }
        let p = b.list(&ListParams {
            delimiter: "/",
            max_keys: 2,
            ..ListParams::default()
        });
        assert_eq!(p.common_prefixes, ["a/"]);
        assert_eq!(p.objects.len(), 1);
        assert!(p.truncated);
        assert_eq!(p.last.as_deref(), Some("b"));
        let p = b.list(&ListParams {
            delimiter: "/",
            max_keys: 2,
            after: Some("b"),
            ..ListParams::default()
        });
        assert_eq!(p.common_prefixes, ["c/"]);
        assert_eq!(p.objects[0].key, "d");
        assert!(!p.truncated);
        let p = b.list(&ListParams {
            delimiter: "/",
            max_keys: 10,
            after: Some("a/"),
            ..ListParams::default()
        });
        assert_eq!(p.objects[0].key, "b");
    }
}
