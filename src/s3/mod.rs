//! The mock S3 service: store and REST API.
//!
//! [`S3::handle`] takes one authenticated [`S3Request`] (bucket and key already extracted by
//! the edge) and answers it from the in-memory [`Store`]. Operations live one family per
//! file: `bucket.rs`, `object.rs`, `copy.rs`, `delete.rs`, `list.rs`, `multipart.rs`,
//! `versioning.rs`; XML helpers in `xml.rs`.
//! See <https://docs.aws.amazon.com/AmazonS3/latest/API/API_Operations_Amazon_Simple_Storage_Service.html>.

mod bucket;
pub mod checksum;
mod code;
mod conditional;
mod copy;
mod delete;
mod effect;
pub mod error;
mod headers;
mod list;
mod multipart;
mod notification;
mod object;
pub mod post;
pub mod request;
mod storage_class;
pub mod store;
mod versioning;
pub mod xml;

#[cfg(test)]
mod tests;

use std::sync::Arc;

use bytes::Bytes;
use http::{Method, Response};

pub use code::S3ErrorCode;
pub use effect::{CreatedKind, Effect};
pub use error::S3Error;
pub use request::S3Request;
pub use storage_class::StorageClass;
pub use store::{
    Bucket, DeleteKind, DeleteOutcome, ObjectVersion, Store, StoreError, VersioningStatus,
    WriteOutcome, sequencer_hex,
};

/// Configuration of the S3 service.
#[derive(Debug, Clone)]
pub struct S3Config {
    /// The region assumed when a request names none (default `us-east-1`).
    pub default_region: String,
    /// The most user-metadata bytes (names plus values) an object may carry (S3: 2 KB).
    pub max_metadata_size: usize,
}

impl Default for S3Config {
    fn default() -> Self {
        Self {
            default_region: "us-east-1".to_owned(),
            max_metadata_size: 2048,
        }
    }
}

/// The S3 service: a cheap-to-clone handle on the shared store.
#[derive(Clone, Debug)]
pub struct S3 {
    inner: Arc<Inner>,
}

struct Inner {
    config: S3Config,
    store: Store,
    /// Each bucket's notification configuration (absent when empty).
    notifications: dashmap::DashMap<String, Arc<crate::notify::NotificationConfiguration>>,
    /// Checks notification destinations at PUT time.
    validator: Arc<dyn crate::notify::DestinationValidator + Send + Sync>,
}

impl std::fmt::Debug for Inner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Inner")
            .field("config", &self.config)
            .field("buckets_with_notifications", &self.notifications.len())
            .finish_non_exhaustive()
    }
}

/// Query parameters naming S3 subresources this simulator does not implement yet.
const UNIMPLEMENTED_SUBRESOURCES: &[&str] = &[
    "accelerate",
    "acl",
    "analytics",
    "attributes",
    "cors",
    "encryption",
    "intelligent-tiering",
    "inventory",
    "legal-hold",
    "lifecycle",
    "logging",
    "metadataTable",
    "metrics",
    "object-lock",
    "ownershipControls",
    "policy",
    "policyStatus",
    "publicAccessBlock",
    "renameObject",
    "replication",
    "requestPayment",
    "restore",
    "retention",
    "select",
    "session",
    "tagging",
    "torrent",
    "website",
];

impl S3 {
    /// A service with an empty store that accepts every notification destination.
    pub fn new(config: S3Config) -> Self {
        Self::with_validator(config, Arc::new(crate::notify::AcceptAll))
    }

    /// A service with an empty store whose notification destinations are checked by
    /// `validator` (the simulator's: function exists and its policy lets S3 invoke it).
    pub fn with_validator(
        config: S3Config,
        validator: Arc<dyn crate::notify::DestinationValidator + Send + Sync>,
    ) -> Self {
        Self {
            inner: Arc::new(Inner {
                config,
                store: Store::new(),
                notifications: dashmap::DashMap::new(),
                validator,
            }),
        }
    }

    /// Forgets every bucket, object and notification configuration.
    pub fn clear(&self) {
        self.inner.store.clear();
        self.inner.notifications.clear();
    }

    fn destination_validator(&self) -> &dyn crate::notify::DestinationValidator {
        self.inner.validator.as_ref()
    }

    /// The store behind the service.
    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    /// The configuration.
    pub fn config(&self) -> &S3Config {
        &self.inner.config
    }

    /// Answers one S3 request. Errors are rendered by [`S3Error::to_response`].
    #[allow(clippy::needless_pass_by_value)] // the request is handed over whole by the edge
    pub fn handle(&self, req: S3Request) -> Result<Response<Bytes>, S3Error> {
        self.handle_with_effects(&req).0
    }

    /// Answers one S3 request and reports the store changes it made (for event notifications).
    /// A failed request has no effects.
    pub fn handle_with_effects(
        &self,
        req: &S3Request,
    ) -> (Result<Response<Bytes>, S3Error>, Vec<Effect>) {
        let mut fx = Vec::new();
        let result = self.route(req, &mut fx);
        if let Err(e) = &result {
            tracing::debug!(code = e.code(), status = %e.status(), method = %req.method,
                bucket = ?req.bucket, key = ?req.key, "s3 request failed");
        }
        (result, fx)
    }

    fn route(&self, req: &S3Request, fx: &mut Vec<Effect>) -> Result<Response<Bytes>, S3Error> {
        let Some(bucket) = req.bucket.as_deref() else {
            return match req.method {
                Method::GET => bucket::list_buckets(self, req),
                _ => Err(S3Error::method_not_allowed(&req.method, "SERVICE")),
            };
        };
        if req
            .query
            .iter()
            .any(|(k, _)| UNIMPLEMENTED_SUBRESOURCES.contains(&k.as_str()))
        {
            // As S3 does, a missing or foreign bucket is reported before the operation.
            self.owned_bucket(req, bucket)?;
            return Err(S3Error::not_implemented());
        }
        match req.key.as_deref().filter(|k| !k.is_empty()) {
            None => match req.method {
                Method::PUT if req.has_query("notification") => {
                    notification::put(self, req, bucket)
                }
                Method::PUT if req.has_query("versioning") => {
                    versioning::put_bucket_versioning(self, req, bucket)
                }
                Method::PUT => bucket::create_bucket(self, req, bucket),
                Method::HEAD => bucket::head_bucket(self, req, bucket),
                Method::DELETE => bucket::delete_bucket(self, req, bucket),
                Method::GET if req.has_query("versioning") => {
                    versioning::get_bucket_versioning(self, req, bucket)
                }
                Method::GET if req.has_query("versions") => {
                    versioning::list_object_versions(self, req, bucket)
                }
                Method::GET if req.has_query("uploads") => {
                    multipart::list_uploads(self, req, bucket)
                }
                Method::GET if req.has_query("location") => {
                    bucket::get_bucket_location(self, req, bucket)
                }
                Method::GET if req.has_query("notification") => {
                    notification::get(self, req, bucket)
                }
                Method::GET if req.query_param("list-type") == Some("2") => {
                    list::list_objects_v2(self, req, bucket)
                }
                Method::GET => list::list_objects_v1(self, req, bucket),
                Method::POST if req.has_query("delete") => {
                    delete::delete_objects(self, req, bucket, fx)
                }
                Method::POST if post::is_form_upload(req) => {
                    post::post_object(self, req, bucket, fx)
                }
                Method::POST => Err(S3Error::not_implemented()),
                _ => Err(S3Error::method_not_allowed(&req.method, "BUCKET")),
            },
            Some(key) => match req.method {
                Method::POST if req.has_query("uploads") => {
                    multipart::create_upload(self, req, bucket, key)
                }
                Method::POST if req.has_query("uploadId") => {
                    multipart::complete_upload(self, req, bucket, key, fx)
                }
                Method::PUT if req.has_query("uploadId") || req.has_query("partNumber") => {
                    multipart::upload_part(self, req, bucket, key)
                }
                Method::DELETE if req.has_query("uploadId") => {
                    multipart::abort_upload(self, req, bucket, key)
                }
                Method::GET if req.has_query("uploadId") => {
                    multipart::list_parts(self, req, bucket, key)
                }
                Method::PUT if req.headers.contains_key("x-amz-copy-source") => {
                    copy::copy_object(self, req, bucket, key, fx)
                }
                Method::PUT => object::put_object(self, req, bucket, key, fx),
                Method::GET | Method::HEAD => object::get_object(self, req, bucket, key),
                Method::DELETE => object::delete_object(self, req, bucket, key, fx),
                Method::POST => Err(S3Error::not_implemented()),
                _ => Err(S3Error::method_not_allowed(&req.method, "OBJECT")),
            },
        }
    }

    /// The bucket named `name` if the requester may use it: `NoSuchBucket` or `AccessDenied`.
    fn owned_bucket(&self, req: &S3Request, name: &str) -> Result<Arc<Bucket>, S3Error> {
        let bucket = self
            .store()
            .bucket(name)
            .ok_or_else(|| S3Error::no_such_bucket(name))?;
        check_access(req, &bucket, "x-amz-expected-bucket-owner")?;
        Ok(bucket)
    }
}

/// The access rule: the owning account has full access, every other account is denied.
/// `expected_owner_header` (`x-amz-expected-bucket-owner` or its copy-source form) must name
/// the owner when present.
fn check_access(
    req: &S3Request,
    bucket: &Bucket,
    expected_owner_header: &str,
) -> Result<(), S3Error> {
    if !bucket.is_owned_by(&req.requester.id) {
        return Err(S3Error::access_denied());
    }
    if let Some(expected) = req.header(expected_owner_header)
        && expected != bucket.owner.account_id
    {
        return Err(S3Error::access_denied());
    }
    Ok(())
}

impl From<StoreError> for S3Error {
    fn from(e: StoreError) -> Self {
        use S3ErrorCode as Code;
        use http::StatusCode;
        match e {
            StoreError::NoSuchBucket(name) => S3Error::no_such_bucket(&name),
            StoreError::BucketAlreadyExists(name) => S3Error::new(
                Code::BucketAlreadyExists,
                StatusCode::CONFLICT,
                "The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again.",
            )
            .with_extra("BucketName", name),
            StoreError::BucketAlreadyOwnedByYou { name, .. } => S3Error::new(
                Code::BucketAlreadyOwnedByYou,
                StatusCode::CONFLICT,
                "Your previous request to create the named bucket succeeded and you already own it.",
            )
            .with_extra("BucketName", name),
            StoreError::BucketNotEmpty(name) => S3Error::new(
                Code::BucketNotEmpty,
                StatusCode::CONFLICT,
                "The bucket you tried to delete is not empty",
            )
            .with_extra("BucketName", name),
        }
    }
}
