//! Multipart uploads in the store: uploads in progress, their parts, and completion into an
//! object version. Pure domain code; the wire side is `s3::multipart`.
//!
//! The object only becomes visible when [`Bucket::complete_upload`] returns. Its ETag is
//! S3's: the MD5 of the concatenated binary MD5s of the parts, then `-` and the part count.
//! See <https://docs.aws.amazon.com/AmazonS3/latest/userguide/mpuoverview.html>.

use std::collections::BTreeMap;
use std::sync::Arc;

use bytes::{Bytes, BytesMut};
use md5::{Digest, Md5};
use parking_lot::Mutex;
use time::OffsetDateTime;

use super::{Bucket, ContentHeaders, NewObject, Owner, StoreError, WriteOutcome, now_seconds};
use crate::s3::checksum::{Checksum, ChecksumAlgorithm};
use crate::s3::storage_class::StorageClass;

/// The smallest size S3 allows for every part but the last (5 MiB).
pub const MIN_PART_SIZE: u64 = 5 * 1024 * 1024;

/// The highest part number (parts are numbered 1 to 10,000).
pub const MAX_PART_NUMBER: u32 = 10_000;

/// Failures of multipart operations; the API layer maps them to S3 errors.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MultipartError {
    /// The bucket was deleted meanwhile.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// No upload with this id for this key.
    #[error("no such upload {0}")]
    NoSuchUpload(String),
    /// A listed part was not uploaded, or its ETag does not match.
    #[error("invalid part {part_number}")]
    InvalidPart {
        /// The part number.
        part_number: u32,
        /// The ETag the request gave (without quotes).
        etag: String,
    },
    /// The parts list is not in strictly ascending order.
    #[error("invalid part order at {part_number}")]
    InvalidPartOrder {
        /// The first out-of-order part number.
        part_number: u32,
    },
    /// A part other than the last is smaller than [`MIN_PART_SIZE`].
    #[error("part {part_number} too small ({size} bytes)")]
    EntityTooSmall {
        /// The part number.
        part_number: u32,
        /// The part's ETag.
        etag: String,
        /// Its size.
        size: u64,
    },
}

/// What CreateMultipartUpload records for the eventual object.
#[derive(Debug, Clone)]
pub struct NewUpload {
    /// Content headers of the object.
    pub content: ContentHeaders,
    /// User metadata.
    pub metadata: BTreeMap<String, String>,
    /// The storage class.
    pub storage_class: StorageClass,
    /// The initiator and owner.
    pub owner: Owner,
    /// The checksum algorithm requested with `x-amz-checksum-algorithm`, if any.
    pub checksum_algorithm: Option<ChecksumAlgorithm>,
}

/// One uploaded part.
#[derive(Debug, Clone)]
pub struct PartInfo {
    /// The part number (1–10,000).
    pub part_number: u32,
    /// The part data.
    pub body: Bytes,
    /// The MD5 hex of the data, without quotes.
    pub etag: String,
    /// Size in bytes.
    pub size: u64,
    /// When it was uploaded.
    pub last_modified: OffsetDateTime,
    /// The checksum sent with the part, if any.
    pub checksum: Option<Checksum>,
}

/// What UploadPart stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartOutcome {
    /// The part's ETag (MD5 hex, no quotes).
    pub etag: String,
    /// When it was stored.
    pub last_modified: OffsetDateTime,
}

/// A multipart upload in progress.
#[derive(Debug, Clone)]
pub struct Upload {
    /// The upload id.
    pub upload_id: String,
    /// The object key.
    pub key: String,
    /// When it was created.
    pub initiated: OffsetDateTime,
    /// What the object will carry.
    pub spec: NewUpload,
    /// Uploaded parts by number.
    pub parts: BTreeMap<u32, Arc<PartInfo>>,
}

/// One entry of ListMultipartUploads.
#[derive(Debug, Clone)]
pub struct UploadSummary {
    /// The object key.
    pub key: String,
    /// The upload id.
    pub upload_id: String,
    /// When it was created.
    pub initiated: OffsetDateTime,
    /// The initiator and owner.
    pub owner: Owner,
    /// The storage class.
    pub storage_class: StorageClass,
    /// The requested checksum algorithm.
    pub checksum_algorithm: Option<ChecksumAlgorithm>,
}

/// One ListMultipartUploads page.
#[derive(Debug, Clone, Default)]
pub struct UploadsPage {
    /// Uploads by key, then by initiation.
    pub uploads: Vec<UploadSummary>,
    /// Common prefixes, in order.
    pub common_prefixes: Vec<String>,
    /// Whether more follow.
    pub truncated: bool,
    /// The last key and upload id returned (the next markers when truncated).
    pub last: Option<(String, String)>,
}

/// A part named in CompleteMultipartUpload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompletedPart {
    /// The part number.
    pub part_number: u32,
    /// The ETag as given (quotes allowed).
    pub etag: String,
}

/// The uploads of one bucket, keyed by (key, upload id). Upload ids start with the
/// creation sequencer, so the map's order is key order, then initiation order.
#[derive(Debug, Default)]
pub struct Uploads {
    map: Mutex<BTreeMap<(String, String), Upload>>,
}

impl Uploads {
    /// The number of uploads in progress.
    pub fn len(&self) -> usize {
        self.map.lock().len()
    }

    /// Whether no upload is in progress.
    pub fn is_empty(&self) -> bool {
        self.map.lock().is_empty()
    }
}

/// The S3 multipart ETag of parts with the given MD5 hex digests: `md5(md5_1 ‖ … ‖ md5_n)-n`.
pub fn multipart_etag<'a>(part_md5s: impl IntoIterator<Item = &'a str>) -> String {
    let mut h = Md5::new();
    let mut n = 0usize;
    for m in part_md5s {
        h.update(hex::decode(m).unwrap_or_default());
        n += 1;
    }
    format!("{}-{n}", hex::encode(h.finalize()))
}

fn new_upload_id(sequencer: u64) -> String {
    use base64::Engine as _;
    let bytes: [u8; 24] = rand::random();
    format!(
        "{sequencer:016X}{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    )
}

impl Bucket {
    /// Starts a multipart upload for `key`; returns its id.
    pub fn create_upload(&self, key: &str, spec: NewUpload) -> Result<String, StoreError> {
        if self.deleted.load(std::sync::atomic::Ordering::SeqCst) {
            return Err(StoreError::NoSuchBucket(self.name.clone()));
        }
        let upload_id = new_upload_id(self.next_sequencer());
        let upload = Upload {
            upload_id: upload_id.clone(),
            key: key.to_owned(),
            initiated: now_seconds(),
            spec,
            parts: BTreeMap::new(),
        };
        self.uploads
            .map
            .lock()
            .insert((key.to_owned(), upload_id.clone()), upload);
        Ok(upload_id)
    }

    /// `NoSuchUpload` unless upload `upload_id` of `key` is in progress; copies nothing.
    pub fn check_upload(&self, key: &str, upload_id: &str) -> Result<(), MultipartError> {
        if self
            .uploads
            .map
            .lock()
            .contains_key(&(key.to_owned(), upload_id.to_owned()))
        {
            Ok(())
        } else {
            Err(MultipartError::NoSuchUpload(upload_id.to_owned()))
        }
    }

    /// The checksum algorithm upload `upload_id` of `key` was created with (`NoSuchUpload`
    /// if there is no such upload); copies nothing else.
    pub fn upload_checksum_algorithm(
        &self,
        key: &str,
        upload_id: &str,
    ) -> Result<Option<ChecksumAlgorithm>, MultipartError> {
        self.uploads
            .map
            .lock()
            .get(&(key.to_owned(), upload_id.to_owned()))
            .map(|u| u.spec.checksum_algorithm)
            .ok_or_else(|| MultipartError::NoSuchUpload(upload_id.to_owned()))
    }

    /// A copy of upload `upload_id` of `key` (for ListParts and checks).
    pub fn upload(&self, key: &str, upload_id: &str) -> Result<Upload, MultipartError> {
        self.uploads
            .map
            .lock()
            .get(&(key.to_owned(), upload_id.to_owned()))
            .cloned()
            .ok_or_else(|| MultipartError::NoSuchUpload(upload_id.to_owned()))
    }

    /// Stores part `part_number` of an upload, replacing an earlier part with that number.
    pub fn upload_part(
        &self,
        key: &str,
        upload_id: &str,
        part_number: u32,
        body: &[u8],
        checksum: Option<Checksum>,
    ) -> Result<PartOutcome, MultipartError> {
        let etag = hex::encode(Md5::digest(body));
        let last_modified = now_seconds();
        let mut map = self.uploads.map.lock();
        let upload = map
            .get_mut(&(key.to_owned(), upload_id.to_owned()))
            .ok_or_else(|| MultipartError::NoSuchUpload(upload_id.to_owned()))?;
        upload.parts.insert(
            part_number,
            Arc::new(PartInfo {
                part_number,
                size: body.len() as u64,
                body: super::own_buffer(body),
                etag: etag.clone(),
                last_modified,
                checksum,
            }),
        );
        Ok(PartOutcome {
            etag,
            last_modified,
        })
    }

    /// Aborts an upload, dropping its parts.
    pub fn abort_upload(&self, key: &str, upload_id: &str) -> Result<(), MultipartError> {
        self.uploads
            .map
            .lock()
            .remove(&(key.to_owned(), upload_id.to_owned()))
            .map(|_| ())
            .ok_or_else(|| MultipartError::NoSuchUpload(upload_id.to_owned()))
    }

    /// Completes an upload from the listed parts: checks order, ETags and sizes as S3 does,
    /// then writes the object (a new version on a versioned bucket) and ends the upload.
    /// The object's checksum is a full-object checksum of the assembled data, with the
    /// upload's algorithm (CRC64NVME if none), an approximation of S3's composite checksums.
    pub fn complete_upload(
        &self,
        key: &str,
        upload_id: &str,
        parts: &[CompletedPart],
    ) -> Result<WriteOutcome, MultipartError> {
        let id = (key.to_owned(), upload_id.to_owned());
        let (upload, chosen) = {
            let mut map = self.uploads.map.lock();
            let upload = map
                .get(&id)
                .ok_or_else(|| MultipartError::NoSuchUpload(upload_id.to_owned()))?;
            let chosen = select_parts(upload, parts)?;
            let upload = map
                .remove(&id)
                .ok_or_else(|| MultipartError::NoSuchUpload(upload_id.to_owned()))?;
            (upload, chosen)
        };
        let total: usize = chosen.iter().map(|p| p.body.len()).sum();
        let mut body = BytesMut::with_capacity(total);
        for p in &chosen {
            body.extend_from_slice(&p.body);
        }
        let body = body.freeze();
        let etag = multipart_etag(chosen.iter().map(|p| p.etag.as_str()));
        let algorithm = upload
            .spec
            .checksum_algorithm
            .unwrap_or(ChecksumAlgorithm::Crc64Nvme);
        let checksum = Some(Checksum::of(algorithm, &body));
        let obj = NewObject {
            body,
            content: upload.spec.content,
            metadata: upload.spec.metadata,
            checksum,
            storage_class: upload.spec.storage_class,
            owner: upload.spec.owner,
        };
        let part_sizes = chosen.iter().map(|p| p.size).collect();
        self.put_with_etag(key, obj, etag, part_sizes, |_| Ok::<(), StoreError>(()))
            .map_err(MultipartError::from)
    }

    /// One ListMultipartUploads page: uploads whose key starts with `prefix`, after
    /// (`key_marker`, `upload_id_marker`), grouped by `delimiter`.
    pub fn list_uploads(
        &self,
        prefix: &str,
        delimiter: &str,
        key_marker: Option<&str>,
        upload_id_marker: Option<&str>,
        max: usize,
    ) -> UploadsPage {
        let mut page = UploadsPage::default();
        let map = self.uploads.map.lock();
        let mut count = 0usize;
        for ((key, id), u) in map.iter() {
            if !key.starts_with(prefix) {
                continue;
            }
            match (key_marker, upload_id_marker) {
                (Some(k), Some(m)) if (key.as_str(), id.as_str()) <= (k, m) => continue,
                (Some(k), None) if key.as_str() <= k => continue,
                _ => {}
            }
            if let Some(cp) = super::list::common_prefix(key, prefix, delimiter) {
                if page.common_prefixes.last().is_some_and(|l| l == cp) {
                    continue;
                }
                if count == max {
                    page.truncated = true;
                    break;
                }
                page.common_prefixes.push(cp.to_owned());
                page.last = Some((cp.to_owned(), String::new()));
            } else {
                if count == max {
                    page.truncated = true;
                    break;
                }
                page.uploads.push(UploadSummary {
                    key: key.clone(),
                    upload_id: id.clone(),
                    initiated: u.initiated,
                    owner: u.spec.owner.clone(),
                    storage_class: u.spec.storage_class,
                    checksum_algorithm: u.spec.checksum_algorithm,
                });
                page.last = Some((key.clone(), id.clone()));
            }
            count += 1;
        }
        page
    }
}

/// Checks the listed parts against the upload and returns them in order.
fn select_parts(
    upload: &Upload,
    parts: &[CompletedPart],
) -> Result<Vec<Arc<PartInfo>>, MultipartError> {
    let mut chosen: Vec<Arc<PartInfo>> = Vec::with_capacity(parts.len());
    let mut previous = 0u32;
    for p in parts {
        if p.part_number <= previous {
            return Err(MultipartError::InvalidPartOrder {
                part_number: p.part_number,
            });
        }
        previous = p.part_number;
        let etag = p.etag.trim().trim_matches('"');
        match upload.parts.get(&p.part_number) {
            Some(stored) if stored.etag == etag => chosen.push(Arc::clone(stored)),
            _ => {
                return Err(MultipartError::InvalidPart {
                    part_number: p.part_number,
                    etag: etag.to_owned(),
                });
            }
        }
    }
    if let Some((_, init)) = chosen.split_last()
        && let Some(small) = init.iter().find(|p| p.size < MIN_PART_SIZE)
    {
        return Err(MultipartError::EntityTooSmall {
            part_number: small.part_number,
            etag: small.etag.clone(),
            size: small.size,
        });
    }
    Ok(chosen)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::s3::store::Store;

    fn owner() -> Owner {
        Owner {
            account_id: "1".to_owned(),
            canonical_id: "c1".to_owned(),
            display_name: "one".to_owned(),
        }
    }

    fn spec() -> NewUpload {
        NewUpload {
            content: ContentHeaders::default(),
            metadata: BTreeMap::new(),
            storage_class: StorageClass::Standard,
            owner: owner(),
            checksum_algorithm: None,
        }
    }

    fn part(n: u32, etag: &str) -> CompletedPart {
        CompletedPart {
            part_number: n,
            etag: format!("\"{etag}\""),
        }
    }

    #[test]
    fn etag_is_md5_of_part_md5s() {
        // md5("") twice: the known S3 value for two empty parts.
        let e = multipart_etag(["d41d8cd98f00b204e9800998ecf8427e"; 2]);
        let mut h = Md5::new();
        h.update(Md5::digest(b""));
        h.update(Md5::digest(b""));
        assert_eq!(e, format!("{}-2", hex::encode(h.finalize())));
    }

    #[test]
    fn complete_checks_order_parts_and_sizes() {
        let s = Store::new();
        let b = s.create_bucket("b", owner(), "us-east-1", "").unwrap();
        let id = b.create_upload("k", spec()).unwrap();
        let big = Bytes::from(vec![7u8; usize::try_from(MIN_PART_SIZE).unwrap()]);
        let p1 = b.upload_part("k", &id, 1, &big, None).unwrap().etag;
        let p2 = b.upload_part("k", &id, 2, b"ab", None).unwrap().etag;
        let p3 = b.upload_part("k", &id, 3, b"c", None).unwrap().etag;
        assert_eq!(
            b.complete_upload("k", &id, &[part(2, &p2), part(1, &p1)])
                .err(),
            Some(MultipartError::InvalidPartOrder { part_number: 1 })
        );
        assert_eq!(
            b.complete_upload("k", &id, &[part(1, &p1), part(1, &p1)])
                .err(),
            Some(MultipartError::InvalidPartOrder { part_number: 1 })
        );
        assert!(matches!(
            b.complete_upload("k", &id, &[part(1, &p2)]),
            Err(MultipartError::InvalidPart { part_number: 1, .. })
        ));
        assert!(matches!(
            b.complete_upload("k", &id, &[part(4, &p2)]),
            Err(MultipartError::InvalidPart { part_number: 4, .. })
        ));
        assert_eq!(
            b.complete_upload("k", &id, &[part(1, &p1), part(2, &p2), part(3, &p3)])
                .err(),
            Some(MultipartError::EntityTooSmall {
                part_number: 2,
                etag: p2.clone(),
                size: 2
            })
        );
        assert_eq!(
            b.complete_upload("other", &id, &[part(1, &p1)]).err(),
            Some(MultipartError::NoSuchUpload(id.clone()))
        );
        assert!(b.get_object("k").is_none());
        // Parts may be skipped: 1 and 3.
        let w = b
            .complete_upload("k", &id, &[part(1, &p1), part(3, &p3)])
            .unwrap();
        assert!(w.etag.ends_with("-2"));
        let o = b.get_object("k").unwrap();
        assert_eq!(o.size, MIN_PART_SIZE + 1);
        assert_eq!(o.etag, w.etag);
        assert_eq!(o.body.last(), Some(&b'c'));
        assert_eq!(o.part_range(2), Some((MIN_PART_SIZE, MIN_PART_SIZE, 2)));
        assert_eq!(o.part_range(1), Some((0, MIN_PART_SIZE - 1, 2)));
        assert_eq!(o.part_range(3), None);
        assert_eq!(o.part_range(0), None);
        assert!(o.checksum.is_some());
        assert!(b.uploads().is_empty());
        assert_eq!(
            b.complete_upload("k", &id, &[part(1, &p1)]).err(),
            Some(MultipartError::NoSuchUpload(id))
        );
    }

    #[test]
    fn list_uploads_orders_and_pages() {
        let s = Store::new();
        let b = s.create_bucket("b", owner(), "us-east-1", "").unwrap();
        let a1 = b.create_upload("a", spec()).unwrap();
        let a2 = b.create_upload("a", spec()).unwrap();
        let c = b.create_upload("d/c", spec()).unwrap();
        assert_eq!(b.uploads().len(), 3);
        let page = b.list_uploads("", "", None, None, 10);
        let ids: Vec<_> = page.uploads.iter().map(|u| u.upload_id.clone()).collect();
        assert_eq!(ids, [a1.clone(), a2.clone(), c]);
        let page = b.list_uploads("", "/", None, None, 2);
        assert!(page.truncated);
        assert_eq!(page.last, Some(("a".to_owned(), a2.clone())));
        let page = b.list_uploads("", "/", Some("a"), Some(&a2), 2);
        assert_eq!(page.common_prefixes, ["d/"]);
        assert!(!page.truncated);
        b.abort_upload("a", &a1).unwrap();
        assert_eq!(
            b.abort_upload("a", &a1),
            Err(MultipartError::NoSuchUpload(a1))
        );
    }
}
