//! The in-memory S3 store: buckets, their objects and versions, and multipart uploads.
//! Pure domain code, no HTTP types.
//!
//! Buckets live in a `DashMap` keyed by name; each bucket keeps its objects in a `BTreeMap`
//! (sorted, for listing) behind a short `RwLock`. An object key maps to an [`ObjectEntry`]
//! holding its current [`ObjectVersion`] (possibly a delete marker) and its noncurrent
//! versions, newest first. Every write and delete draws a strictly increasing `sequencer`
//! from one atomic counter, which the event records of S3 notifications need.
//!
//! Versioning follows S3: a bucket starts unversioned (objects carry no version id, shown as
//! `null`); once enabled every write gets a fresh opaque id; when suspended, writes and
//! deletes replace the `null` version. See
//! <https://docs.aws.amazon.com/AmazonS3/latest/userguide/Versioning.html>.

mod list;
pub mod multipart;

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use bytes::Bytes;
use dashmap::DashMap;
use dashmap::mapref::entry::Entry;
use md5::{Digest, Md5};
use parking_lot::RwLock;
use time::OffsetDateTime;

use super::checksum::Checksum;
use super::storage_class::StorageClass;

pub use list::{ListPage, ListParams, VersionListParams, VersionsPage};
pub use multipart::{
    CompletedPart, MultipartError, NewUpload, PartInfo, PartOutcome, Upload, UploadSummary,
    UploadsPage,
};

/// The id S3 shows for the version of an object written while versioning was not enabled.
pub const NULL_VERSION: &str = "null";

/// The MD5 of nothing: the ETag of an empty object and of a delete marker's event.
pub const EMPTY_MD5: &str = "d41d8cd98f00b204e9800998ecf8427e";

/// A fresh version id: 32 URL-safe characters, opaque, as S3's are.
pub fn new_version_id() -> String {
    use base64::Engine as _;
    let bytes: [u8; 24] = rand::random();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// Whether `id` could be a version id this store issued (or `null`).
pub fn is_well_formed_version_id(id: &str) -> bool {
    id == NULL_VERSION
        || (id.len() == 32
            && id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
}

/// A bucket's versioning state (`GetBucketVersioning`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum VersioningStatus {
    /// Versioning was never enabled: GET returns an empty configuration.
    #[default]
    Unversioned,
    /// Every write creates a new version.
    Enabled,
    /// Writes replace the `null` version; older versions are kept.
    Suspended,
}

/// The current time truncated to whole seconds: S3 keeps timestamps at second precision.
fn now_seconds() -> OffsetDateTime {
    let now = OffsetDateTime::now_utc();
    now.replace_nanosecond(0).unwrap_or(now)
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
    /// The version id: `None` for an object written before versioning was ever enabled,
    /// `Some("null")` for one written while suspended; both are the `null` version.
    pub version_id: Option<String>,
    /// Whether this version is a delete marker (no data).
    pub delete_marker: bool,
    /// The part sizes of an object built by CompleteMultipartUpload, in order (empty for
    /// objects written whole), for GetObject/HeadObject with `partNumber`.
    pub part_sizes: Vec<u64>,
    /// The write's sequencer: strictly increasing across all writes and deletes.
    pub sequencer: u64,
    /// The storage class, e.g. `STANDARD`.
    pub storage_class: StorageClass,
    /// The account that wrote the object.
    pub owner: Owner,
}

impl ObjectVersion {
    /// Whether this is the `null` version (written while unversioned or suspended).
    pub fn is_null_version(&self) -> bool {
        self.version_id.as_deref().is_none_or(|v| v == NULL_VERSION)
    }

    /// The version id as S3 lists it: `null` for the null version.
    pub fn version_id_or_null(&self) -> &str {
        self.version_id.as_deref().unwrap_or(NULL_VERSION)
    }

    /// The byte range (first, last inclusive) of part `n` (1-based) and the part count.
    /// An object written whole has one part: itself. `None` if there is no such part.
    pub fn part_range(&self, n: u32) -> Option<(u64, u64, usize)> {
        let index = usize::try_from(n).ok()?.checked_sub(1)?;
        if self.part_sizes.is_empty() {
            return (index == 0).then(|| (0, self.size.saturating_sub(1), 1));
        }
        let size = *self.part_sizes.get(index)?;
        let start: u64 = self.part_sizes.iter().take(index).sum();
        Some((
            start,
            (start + size).saturating_sub(1),
            self.part_sizes.len(),
        ))
    }

    /// Whether `id` (a `versionId` parameter, `null` included) names this version.
    pub fn has_version_id(&self, id: &str) -> bool {
        if id == NULL_VERSION {
            self.is_null_version()
        } else {
            self.version_id.as_deref() == Some(id)
        }
    }
}

/// A key's entry: its current version (possibly a delete marker) and its older versions.
#[derive(Debug, Clone)]
pub struct ObjectEntry {
    /// The current version.
    pub current: Arc<ObjectVersion>,
    /// Noncurrent versions, newest first (empty on unversioned buckets).
    pub noncurrent: Vec<Arc<ObjectVersion>>,
}

impl ObjectEntry {
    /// The current version unless it is a delete marker.
    pub fn live(&self) -> Option<&ObjectVersion> {
        (!self.current.delete_marker).then_some(self.current.as_ref())
    }

    /// Every version, newest first.
    pub fn versions(&self) -> impl Iterator<Item = &Arc<ObjectVersion>> {
        std::iter::once(&self.current).chain(self.noncurrent.iter())
    }

    /// Adds `v` as the new current version, as `status` prescribes: unversioned replaces the
    /// current version, enabled keeps it as noncurrent, suspended replaces the null version.
    fn push(&mut self, v: Arc<ObjectVersion>, status: VersioningStatus) {
        match status {
            VersioningStatus::Unversioned => self.current = v,
            VersioningStatus::Enabled => {
                let old = std::mem::replace(&mut self.current, v);
                self.noncurrent.insert(0, old);
            }
            VersioningStatus::Suspended => {
                self.noncurrent.retain(|o| !o.is_null_version());
                let old = std::mem::replace(&mut self.current, v);
                if !old.is_null_version() {
                    self.noncurrent.insert(0, old);
                }
            }
        }
    }
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
    pub storage_class: StorageClass,
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

/// What kind of delete happened (for the response headers and the event name).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeleteKind {
    /// Unversioned bucket: the object (if any) is gone (`ObjectRemoved:Delete`).
    Removed,
    /// Versioned or suspended bucket, no version id given: a delete marker was created and is
    /// now the current version (`ObjectRemoved:DeleteMarkerCreated`). `version_id` is the
    /// marker's id (`null` on a suspended bucket).
    MarkerCreated,
    /// A specific version was permanently removed (`ObjectRemoved:Delete`). `was_marker`
    /// says whether that version was a delete marker (S3 then answers
    /// `x-amz-delete-marker: true`).
    VersionRemoved {
        /// Whether the removed version was a delete marker.
        was_marker: bool,
    },
}

/// What a delete removed (for the response and for event records).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeleteOutcome {
    /// The bucket.
    pub bucket: String,
    /// The key.
    pub key: String,
    /// Whether an object (or the named version) existed. For `MarkerCreated`: whether a
    /// live object was current before the marker.
    pub existed: bool,
    /// The removed version's id, or the created marker's id; `None` on unversioned buckets.
    pub version_id: Option<String>,
    /// What happened.
    pub kind: DeleteKind,
    /// The delete's sequencer.
    pub sequencer: u64,
}

impl DeleteOutcome {
    /// Whether S3 answers `x-amz-delete-marker: true` for this delete.
    pub fn is_delete_marker(&self) -> bool {
        matches!(
            self.kind,
            DeleteKind::MarkerCreated | DeleteKind::VersionRemoved { was_marker: true }
        )
    }
}

/// Why a version lookup failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VersionLookupError {
    /// The key has no such version (or no versions at all).
    NoSuchVersion,
    /// The id is not one this store could have issued.
    Malformed,
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
    versioning: RwLock<VersioningStatus>,
    uploads: multipart::Uploads,
    deleted: AtomicBool,
    sequencer: Arc<AtomicU64>,
    // Room for later additions: notification configuration.
}

impl Bucket {
    fn next_sequencer(&self) -> u64 {
        self.sequencer.fetch_add(1, Ordering::SeqCst) + 1
    }

    /// Whether `account_id` owns this bucket.
    pub fn is_owned_by(&self, account_id: &str) -> bool {
        self.owner.account_id == account_id
    }

    /// The versioning state.
    pub fn versioning(&self) -> VersioningStatus {
        *self.versioning.read()
    }

    /// Enables or suspends versioning (a bucket can never go back to unversioned).
    pub fn set_versioning(&self, enabled: bool) {
        // Taken under the objects lock so a write sees either the old or the new state.
        let _objects = self.objects.write();
        *self.versioning.write() = if enabled {
            VersioningStatus::Enabled
        } else {
            VersioningStatus::Suspended
        };
    }

    /// The version id a write gets now, under `status`.
    fn write_version_id(status: VersioningStatus) -> Option<String> {
        match status {
            VersioningStatus::Unversioned => None,
            VersioningStatus::Enabled => Some(new_version_id()),
            VersioningStatus::Suspended => Some(NULL_VERSION.to_owned()),
        }
    }

    /// Stores `obj` under `key`, replacing the current object.
    pub fn put_object(&self, key: &str, obj: NewObject) -> Result<WriteOutcome, StoreError> {
        self.put_object_if(key, obj, |_| Ok::<(), StoreError>(()))
    }

    /// Stores `obj` under `key` if `precondition`, given the current object (not a delete
    /// marker), allows it. The check and the write happen under one lock (conditional writes).
    /// The outcome's `version_id` is the new version's id: `None` on an unversioned bucket,
    /// `Some("null")` on a suspended one.
    pub fn put_object_if<E: From<StoreError>>(
        &self,
        key: &str,
        obj: NewObject,
        precondition: impl FnOnce(Option<&ObjectVersion>) -> Result<(), E>,
    ) -> Result<WriteOutcome, E> {
        let etag = hex::encode(Md5::digest(&obj.body));
        let obj = NewObject {
            body: own_buffer(&obj.body),
            ..obj
        };
        self.put_with_etag(key, obj, etag, Vec::new(), precondition)
    }

    /// Stores `obj` with a given ETag (multipart objects have a composite one).
    fn put_with_etag<E: From<StoreError>>(
        &self,
        key: &str,
        obj: NewObject,
        etag: String,
        part_sizes: Vec<u64>,
        precondition: impl FnOnce(Option<&ObjectVersion>) -> Result<(), E>,
    ) -> Result<WriteOutcome, E> {
        let size = obj.body.len() as u64;
        let mut objects = self.objects.write();
        if self.deleted.load(Ordering::SeqCst) {
            return Err(StoreError::NoSuchBucket(self.name.clone()).into());
        }
        precondition(objects.get(key).and_then(ObjectEntry::live))?;
        let status = self.versioning();
        let version_id = Self::write_version_id(status);
        let sequencer = self.next_sequencer();
        let last_modified = now_seconds();
        let version = Arc::new(ObjectVersion {
            key: key.to_owned(),
            body: obj.body,
            etag: etag.clone(),
            size,
            last_modified,
            content: obj.content,
            metadata: obj.metadata,
            checksum: obj.checksum,
            version_id: version_id.clone(),
            delete_marker: false,
            part_sizes,
            sequencer,
            storage_class: obj.storage_class,
            owner: obj.owner,
        });
        Self::insert_version(&mut objects, key, version, status);
        Ok(WriteOutcome {
            bucket: self.name.clone(),
            key: key.to_owned(),
            etag,
            size,
            version_id,
            sequencer,
            last_modified,
        })
    }

    fn insert_version(
        objects: &mut BTreeMap<String, ObjectEntry>,
        key: &str,
        version: Arc<ObjectVersion>,
        status: VersioningStatus,
    ) {
        match objects.get_mut(key) {
            Some(entry) => entry.push(version, status),
            None => {
                objects.insert(
                    key.to_owned(),
                    ObjectEntry {
                        current: version,
                        noncurrent: Vec::new(),
                    },
                );
            }
        }
    }

    /// The current object under `key` (`None` if missing or a delete marker is current).
    pub fn get_object(&self, key: &str) -> Option<Arc<ObjectVersion>> {
        self.objects
            .read()
            .get(key)
            .filter(|e| !e.current.delete_marker)
            .map(|e| Arc::clone(&e.current))
    }

    /// The current version under `key`, which may be a delete marker.
    pub fn current_version(&self, key: &str) -> Option<Arc<ObjectVersion>> {
        self.objects.read().get(key).map(|e| Arc::clone(&e.current))
    }

    /// The version `version_id` (`null` included) of `key`, which may be a delete marker.
    pub fn get_version(
        &self,
        key: &str,
        version_id: &str,
    ) -> Result<Arc<ObjectVersion>, VersionLookupError> {
        if !is_well_formed_version_id(version_id) {
            return Err(VersionLookupError::Malformed);
        }
        self.objects
            .read()
            .get(key)
            .and_then(|e| e.versions().find(|v| v.has_version_id(version_id)).cloned())
            .ok_or(VersionLookupError::NoSuchVersion)
    }

    /// Removes the object under `key`; deleting a missing key succeeds with `existed: false`.
    /// On a versioned (or suspended) bucket this creates a delete marker instead.
    pub fn delete_object(&self, key: &str) -> DeleteOutcome {
        let Ok(outcome) = self.delete_object_if(key, |_| Ok::<(), Infallible>(()));
        outcome
    }

    /// Deletes `key` if `precondition`, given the current object (not a delete marker),
    /// allows it. The check and the delete happen under one lock (conditional deletes).
    /// Unversioned: the object is removed. Enabled: a delete marker with a new id becomes
    /// current. Suspended: a `null` delete marker replaces the null version.
    pub fn delete_object_if<E>(
        &self,
        key: &str,
        precondition: impl FnOnce(Option<&ObjectVersion>) -> Result<(), E>,
    ) -> Result<DeleteOutcome, E> {
        let mut objects = self.objects.write();
        let live = objects.get(key).and_then(ObjectEntry::live);
        precondition(live)?;
        let existed = live.is_some();
        let status = self.versioning();
        let sequencer = self.next_sequencer();
        if status == VersioningStatus::Unversioned {
            let removed = objects.remove(key);
            return Ok(DeleteOutcome {
                bucket: self.name.clone(),
                key: key.to_owned(),
                existed: removed.is_some(),
                version_id: None,
                kind: DeleteKind::Removed,
                sequencer,
            });
        }
        let version_id = Self::write_version_id(status);
        let marker = Arc::new(ObjectVersion {
            key: key.to_owned(),
            body: Bytes::new(),
            etag: EMPTY_MD5.to_owned(),
            size: 0,
            last_modified: now_seconds(),
            content: ContentHeaders::default(),
            metadata: BTreeMap::new(),
            checksum: None,
            version_id: version_id.clone(),
            delete_marker: true,
            part_sizes: Vec::new(),
            sequencer,
            storage_class: StorageClass::Standard,
            owner: self.owner.clone(),
        });
        Self::insert_version(&mut objects, key, marker, status);
        Ok(DeleteOutcome {
            bucket: self.name.clone(),
            key: key.to_owned(),
            existed,
            version_id,
            kind: DeleteKind::MarkerCreated,
            sequencer,
        })
    }

    /// Permanently removes version `version_id` (`null` included) of `key`; the next newest
    /// version becomes current. A well-formed id that names nothing succeeds with
    /// `existed: false`, as S3 does; a malformed one fails.
    pub fn delete_version(
        &self,
        key: &str,
        version_id: &str,
    ) -> Result<DeleteOutcome, VersionLookupError> {
        if !is_well_formed_version_id(version_id) {
            return Err(VersionLookupError::Malformed);
        }
        let mut objects = self.objects.write();
        let mut removed: Option<Arc<ObjectVersion>> = None;
        let mut now_empty = false;
        if let Some(entry) = objects.get_mut(key) {
            if entry.current.has_version_id(version_id) {
                if entry.noncurrent.is_empty() {
                    now_empty = true;
                    removed = Some(Arc::clone(&entry.current));
                } else {
                    let next = entry.noncurrent.remove(0);
                    removed = Some(std::mem::replace(&mut entry.current, next));
                }
            } else if let Some(i) = entry
                .noncurrent
                .iter()
                .position(|v| v.has_version_id(version_id))
            {
                removed = Some(entry.noncurrent.remove(i));
            }
        }
        if now_empty {
            objects.remove(key);
        }
        let sequencer = self.next_sequencer();
        Ok(DeleteOutcome {
            bucket: self.name.clone(),
            key: key.to_owned(),
            existed: removed.is_some(),
            version_id: Some(version_id.to_owned()),
            kind: DeleteKind::VersionRemoved {
                was_marker: removed.is_some_and(|r| r.delete_marker),
            },
            sequencer,
        })
    }

    /// The number of keys holding at least one version (delete markers included).
    pub fn object_count(&self) -> usize {
        self.objects.read().len()
    }

    /// Whether the bucket still holds the version that write `sequencer` made of `key`.
    pub fn holds_write(&self, key: &str, sequencer: u64) -> bool {
        self.objects
            .read()
            .get(key)
            .is_some_and(|e| e.versions().any(|v| v.sequencer == sequencer))
    }

    /// How many versions (delete markers included) the bucket holds, and their body bytes:
    /// one pass under the read lock, nothing copied.
    pub fn usage(&self) -> (u64, u64) {
        self.objects
            .read()
            .values()
            .flat_map(ObjectEntry::versions)
            .fold((0, 0), |(n, bytes), v| (n + 1, bytes + v.body.len() as u64))
    }

    /// The multipart uploads in progress in this bucket.
    pub fn uploads(&self) -> &multipart::Uploads {
        &self.uploads
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
                    versioning: RwLock::new(VersioningStatus::Unversioned),
                    uploads: multipart::Uploads::default(),
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

/// `body` in a buffer of its own size, for storing.
///
/// A request body is often a slice of the connection's read buffer (or of a decoded
/// aws-chunked buffer with spare capacity); storing that slice would keep the whole buffer
/// alive for the object's lifetime, several kilobytes for a 16-byte object. Every stored
/// object and part goes through here once, so stored data costs its own size.
fn own_buffer(body: &[u8]) -> Bytes {
    if body.is_empty() {
        Bytes::new()
    } else {
        Bytes::copy_from_slice(body)
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
            storage_class: StorageClass::Standard,
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
        assert_eq!(
            crate::s3event::sequencer(0x55AE_D6DC_D902_81E5),
            "0055AED6DCD90281E5"
        );
        assert!(crate::s3event::sequencer(9) < crate::s3event::sequencer(10));
        assert!(crate::s3event::sequencer(0xFF) < crate::s3event::sequencer(0x100));
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

    #[test]
    fn versioning_keeps_versions_and_markers() {
        let s = Store::new();
        let b = s.create_bucket("b", owner("1"), "us-east-1", "").unwrap();
        assert_eq!(b.versioning(), VersioningStatus::Unversioned);
        let w0 = b.put_object("k", obj(b"0")).unwrap();
        assert_eq!(w0.version_id, None);
        b.set_versioning(true);
        let w1 = b.put_object("k", obj(b"1")).unwrap();
        let w2 = b.put_object("k", obj(b"2")).unwrap();
        let (v1, v2) = (w1.version_id.unwrap(), w2.version_id.unwrap());
        assert_ne!(v1, v2);
        assert!(is_well_formed_version_id(&v1) && v1.len() == 32);
        assert_eq!(b.get_object("k").unwrap().body.as_ref(), b"2");
        assert_eq!(b.get_version("k", &v1).unwrap().body.as_ref(), b"1");
        assert_eq!(b.get_version("k", "null").unwrap().body.as_ref(), b"0");
        assert_eq!(
            b.get_version("k", "bogus").err(),
            Some(VersionLookupError::Malformed)
        );
        assert_eq!(
            b.get_version("k", &new_version_id()).err(),
            Some(VersionLookupError::NoSuchVersion)
        );

        let d = b.delete_object("k");
        assert_eq!(d.kind, DeleteKind::MarkerCreated);
        assert!(d.existed && d.is_delete_marker());
        let marker = d.version_id.unwrap();
        assert!(b.get_object("k").is_none());
        assert!(b.current_version("k").unwrap().delete_marker);
        assert_eq!(b.object_count(), 1);
        assert!(
            b.list(&ListParams {
                max_keys: 10,
                ..ListParams::default()
            })
            .objects
            .is_empty()
        );

        // Removing the marker restores v2; removing v2 makes v1 current.
        let d = b.delete_version("k", &marker).unwrap();
        assert_eq!(d.kind, DeleteKind::VersionRemoved { was_marker: true });
        assert_eq!(b.get_object("k").unwrap().body.as_ref(), b"2");
        b.delete_version("k", &v2).unwrap();
        assert_eq!(b.get_object("k").unwrap().body.as_ref(), b"1");
        let missing = b.delete_version("k", &new_version_id()).unwrap();
        assert!(!missing.existed);
        assert_eq!(
            b.delete_version("k", "bad id").err(),
            Some(VersionLookupError::Malformed)
        );
        b.delete_version("k", &v1).unwrap();
        b.delete_version("k", "null").unwrap();
        assert_eq!(b.object_count(), 0);
        s.delete_bucket("b").unwrap();
    }

    #[test]
    fn suspended_replaces_the_null_version() {
        let s = Store::new();
        let b = s.create_bucket("b", owner("1"), "us-east-1", "").unwrap();
        b.put_object("k", obj(b"unversioned")).unwrap();
        b.set_versioning(true);
        let v1 = b.put_object("k", obj(b"1")).unwrap().version_id.unwrap();
        b.set_versioning(false);
        let w = b.put_object("k", obj(b"a")).unwrap();
        assert_eq!(w.version_id.as_deref(), Some(NULL_VERSION));
        b.put_object("k", obj(b"b")).unwrap();
        let page = b.list_versions(&VersionListParams {
            max_keys: 10,
            ..VersionListParams::default()
        });
        let ids: Vec<_> = page
            .versions
            .iter()
            .map(|(v, latest)| (v.version_id_or_null().to_owned(), *latest))
            .collect();
        // The pre-versioning null version was replaced too.
        assert_eq!(ids, [("null".to_owned(), true), (v1.clone(), false)]);
        assert_eq!(b.get_object("k").unwrap().body.as_ref(), b"b");
        let d = b.delete_object("k");
        assert_eq!(d.kind, DeleteKind::MarkerCreated);
        assert_eq!(d.version_id.as_deref(), Some(NULL_VERSION));
        let page = b.list_versions(&VersionListParams {
            max_keys: 10,
            ..VersionListParams::default()
        });
        assert_eq!(page.versions.len(), 2);
        assert!(page.versions[0].0.delete_marker);
    }

    #[test]
    fn list_versions_pages_within_a_key() {
        let s = Store::new();
        let b = s.create_bucket("b", owner("1"), "us-east-1", "").unwrap();
        b.set_versioning(true);
        for k in ["a", "a", "a", "d/1", "d/2", "z"] {
            b.put_object(k, obj(b"x")).unwrap();
        }
        let mut all = Vec::new();
        let mut marker: Option<(String, Option<String>)> = None;
        loop {
            let page = b.list_versions(&VersionListParams {
                delimiter: "/",
                key_marker: marker.as_ref().map(|m| m.0.as_str()),
                version_id_marker: marker.as_ref().and_then(|m| m.1.as_deref()),
                max_keys: 2,
                ..VersionListParams::default()
            });
            all.extend(page.versions.iter().map(|(v, _)| v.key.clone()));
            all.extend(page.common_prefixes.iter().cloned());
            if !page.truncated {
                break;
            }
            marker = page.next;
            assert!(all.len() < 10, "paging must end");
        }
        assert_eq!(all, ["a", "a", "a", "d/", "z"]);
    }
}
