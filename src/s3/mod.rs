//! The mock S3 service: store and REST API.
//!
//! `S3::handle` takes one authenticated [`S3Request`] (bucket and key already extracted by
//! the edge), reads its operation once (`op.rs`, an `Op`), runs it against the in-memory
//! [`Store`] and reports the store changes ([`Effect`]) to emit as events. Operations live one
//! family per file: `bucket.rs`, `object.rs`, `copy.rs`, `delete.rs`, `list.rs`,
//! `multipart.rs`, `post.rs`, `versioning.rs`, and the bucket and object settings in `config/`; the request parsing they share in `headers.rs`;
//! XML helpers in `xml.rs`.
//! See <https://docs.aws.amazon.com/AmazonS3/latest/API/API_Operations_Amazon_Simple_Storage_Service.html>.

mod bucket;
pub mod checksum;
mod code;
mod conditional;
pub(crate) mod config;
mod copy;
mod delete;
mod effect;
pub mod error;
pub mod form;
mod headers;
mod list;
mod multipart;
mod multipart_done;
mod multipart_list;
mod notification;
mod object;
mod op;
mod post;
pub mod request;
mod storage_class;
pub mod store;
mod versioning;
pub mod xml;

#[cfg(test)]
mod tests;

use std::sync::Arc;

use bytes::Bytes;
use http::Response;

pub use code::S3ErrorCode;
pub use effect::{CreatedKind, Effect};
pub use error::S3Error;
use op::Op;
pub use request::S3Request;
pub use storage_class::StorageClass;
pub use store::{
    Bucket, DeleteKind, DeleteOutcome, ObjectVersion, Store, StoreError, VersioningStatus,
    WriteOutcome,
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

/// What one S3 request did: its answer, and the store changes to emit as events.
#[derive(Debug)]
#[must_use = "an accepted write's effects must be emitted as events"]
pub(crate) struct Handled {
    /// The response, or the S3 error to render.
    pub response: Result<Response<Bytes>, S3Error>,
    /// What the request changed (empty when it failed).
    pub effects: Vec<Effect>,
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
    /// Each bucket's settings (tags, policy, ACL, CORS, …).
    settings: config::store::Settings,
    /// Recent multipart completions, for a repeated CompleteMultipartUpload.
    completed: multipart_done::CompletedUploads,
}

impl std::fmt::Debug for Inner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Inner")
            .field("config", &self.config)
            .field("buckets_with_notifications", &self.notifications.len())
            .finish_non_exhaustive()
    }
}

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
                settings: config::store::Settings::default(),
                completed: multipart_done::CompletedUploads::default(),
            }),
        }
    }

    /// Forgets every bucket, object and notification configuration.
    pub fn clear(&self) {
        self.inner.store.clear();
        self.inner.notifications.clear();
        self.inner.settings.clear();
        self.inner.completed.clear();
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

    /// Answers one S3 request and reports the store changes it made. Errors are rendered by
    /// [`S3Error::to_response`]; a failed request has no effects.
    ///
    /// Crate-private: an accepted write's effects must become events, so the one way in from
    /// outside is `Simulator::s3_call` (the edge's and `LocalClient`'s path), which emits them.
    pub(crate) fn handle(&self, req: &S3Request) -> Handled {
        let mut effects = Vec::new();
        let response = Op::parse(req).and_then(|op| self.execute(req, op, &mut effects));
        if let Err(e) = &response {
            tracing::debug!(code = e.code(), status = %e.status(), method = %req.method,
                bucket = ?req.bucket, key = ?req.key, "s3 request failed");
        }
        Handled { response, effects }
    }

    /// [`S3::handle`]'s answer alone, for tests that look at no effects.
    #[cfg(test)]
    #[allow(clippy::needless_pass_by_value)] // tests build the request in the call
    pub(crate) fn answer(&self, req: S3Request) -> Result<Response<Bytes>, S3Error> {
        self.handle(&req).response
    }

    /// Runs one parsed operation.
    fn execute(
        &self,
        req: &S3Request,
        op: Op<'_>,
        fx: &mut Vec<Effect>,
    ) -> Result<Response<Bytes>, S3Error> {
        match op {
            Op::ListBuckets => bucket::list_buckets(self, req),
            Op::Unimplemented(b) => {
                // As S3 does, a missing or foreign bucket is reported before the operation.
                self.owned_bucket(req, b)?;
                Err(S3Error::not_implemented())
            }
            Op::BucketSettings(b, sub, verb) => config::bucket(self, req, b, sub, verb),
            Op::ObjectSettings(o, sub, verb) => {
                let bucket = self.owned_bucket(req, o.bucket)?;
                let version = versioning::version_to_read(req, &bucket, o.key)?;
                config::object(self, req, &bucket, o.key, &version, sub, verb)
            }
            Op::CreateBucket(b) => bucket::create_bucket(self, req, b),
            Op::HeadBucket(b) => bucket::head_bucket(self, req, b),
            Op::DeleteBucket(b) => bucket::delete_bucket(self, req, b),
            Op::GetBucketLocation(b) => bucket::get_bucket_location(self, req, b),
            Op::PutBucketNotification(b) => notification::put(self, req, b),
            Op::GetBucketNotification(b) => notification::get(self, req, b),
            Op::PutBucketVersioning(b) => versioning::put_bucket_versioning(self, req, b),
            Op::GetBucketVersioning(b) => versioning::get_bucket_versioning(self, req, b),
            Op::ListObjectVersions(b) => versioning::list_object_versions(self, req, b),
            Op::ListMultipartUploads(b) => multipart_list::list_uploads(self, req, b),
            Op::ListObjectsV2(b) => list::list_objects_v2(self, req, b),
            Op::ListObjects(b) => list::list_objects_v1(self, req, b),
            Op::DeleteObjects(b) => delete::delete_objects(self, req, b, fx),
            Op::PostObject(b, form) => post::post_object(self, req, b, &form, fx),
            Op::CreateMultipartUpload(o) => multipart::create_upload(self, req, o.bucket, o.key),
            Op::CompleteMultipartUpload(o) => {
                multipart::complete_upload(self, req, o.bucket, o.key, fx)
            }
            Op::UploadPart(o) => multipart::upload_part(self, req, o.bucket, o.key),
            Op::AbortMultipartUpload(o) => multipart::abort_upload(self, req, o.bucket, o.key),
            Op::ListParts(o) => multipart_list::list_parts(self, req, o.bucket, o.key),
            Op::CopyObject(o) => copy::copy_object(self, req, o.bucket, o.key, fx),
            Op::PutObject(o) => object::put_object(self, req, o.bucket, o.key, fx),
            Op::GetObject(o) => object::get_object(self, req, o.bucket, o.key),
            Op::DeleteObject(o) => object::delete_object(self, req, o.bucket, o.key, fx),
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
