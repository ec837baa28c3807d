//! Bucket and object settings, the subresources infrastructure tools read on every refresh:
//! tagging, policy (and policy status), ACL, CORS, encryption, lifecycle, ownership
//! controls, Block Public Access, acceleration, request payment, logging, website, Object
//! Lock and replication. Each is stored per bucket (tags and ACLs also per object write),
//! returned in S3's shape or answered with the error S3 gives when unset, and dropped with
//! the bucket. None is enforced: access stays the owner-only rule.
//!
//! Files: `store.rs` (where settings live), `access.rs` (ownership and Block Public Access values), `tree.rs` (the bounded XML reader and writer),
//! `tagging.rs`, `policy.rs`, `acl.rs` (their rules), `defaults.rs` (settings a new bucket
//! already has), `documents.rs` (documents stored as sent), `requests.rs` (the tagging,
//! policy and ACL operations on buckets and objects).

mod access;
mod acl;
mod defaults;
mod documents;
mod policy;
mod requests;
pub(crate) mod store;
mod tagging;
mod tree;

#[cfg(test)]
mod tests;

use bytes::Bytes;
use http::{HeaderValue, Method, Response, StatusCode, header};

pub(crate) use access::ObjectOwnership;
use store::Document;

use super::{Bucket, ObjectVersion, S3, S3Error, S3ErrorCode, S3Request};

/// A settings subresource, named by its query parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Subresource {
    /// `?tagging` (bucket or object).
    Tagging,
    /// `?policy`.
    Policy,
    /// `?policyStatus`.
    PolicyStatus,
    /// `?acl` (bucket or object).
    Acl,
    /// `?ownershipControls`.
    OwnershipControls,
    /// `?publicAccessBlock`.
    PublicAccessBlock,
    /// A document kept as sent or with a default (`?cors`, `?encryption`, …).
    Document(Document),
}

/// Query parameters and the subresource each names.
const SUBRESOURCES: &[(&str, Subresource)] = &[
    ("tagging", Subresource::Tagging),
    ("policy", Subresource::Policy),
    ("policyStatus", Subresource::PolicyStatus),
    ("acl", Subresource::Acl),
    ("ownershipControls", Subresource::OwnershipControls),
    ("publicAccessBlock", Subresource::PublicAccessBlock),
    ("cors", Subresource::Document(Document::Cors)),
    ("lifecycle", Subresource::Document(Document::Lifecycle)),
    ("website", Subresource::Document(Document::Website)),
    ("replication", Subresource::Document(Document::Replication)),
    ("logging", Subresource::Document(Document::Logging)),
    ("object-lock", Subresource::Document(Document::ObjectLock)),
    ("encryption", Subresource::Document(Document::Encryption)),
    ("accelerate", Subresource::Document(Document::Accelerate)),
    (
        "requestPayment",
        Subresource::Document(Document::RequestPayment),
    ),
];

impl Subresource {
    /// The settings subresource `req`'s query names, if any; on an object only tagging and
    /// ACL are settings (the others stay unimplemented there).
    pub(crate) fn of(req: &S3Request, on_object: bool) -> Option<Self> {
        let sub = SUBRESOURCES
            .iter()
            .find(|(name, _)| req.has_query(name))
            .map(|(_, s)| *s)?;
        (!on_object || matches!(sub, Self::Tagging | Self::Acl)).then_some(sub)
    }
}

/// What a settings request does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verb {
    /// `GET`.
    Get,
    /// `PUT`.
    Put,
    /// `DELETE`.
    Delete,
}

impl Verb {
    /// The verb of `method`: `MethodNotAllowed` for any other.
    pub(crate) fn of(method: &Method, resource: &str) -> Result<Self, S3Error> {
        match *method {
            Method::GET => Ok(Self::Get),
            Method::PUT => Ok(Self::Put),
            Method::DELETE => Ok(Self::Delete),
            _ => Err(S3Error::method_not_allowed(method, resource)),
        }
    }
}

/// A bucket settings request.
pub(super) fn bucket(
    s3: &S3,
    req: &S3Request,
    name: &str,
    sub: Subresource,
    verb: Verb,
) -> Result<Response<Bytes>, S3Error> {
    let bucket = s3.owned_bucket(req, name)?;
    let settings = s3.settings();
    let body = &req.body;
    match sub {
        Subresource::Tagging => requests::bucket_tagging(settings, &bucket, verb, body),
        Subresource::Policy => requests::bucket_policy(settings, &bucket, verb, body),
        Subresource::PolicyStatus => requests::policy_status(settings, &bucket, verb),
        Subresource::Acl => requests::bucket_acl(settings, &bucket, verb, req),
        Subresource::OwnershipControls => {
            defaults::ownership_controls(settings, &bucket, verb, body)
        }
        Subresource::PublicAccessBlock => {
            defaults::public_access_block(settings, &bucket, verb, body)
        }
        Subresource::Document(Document::Encryption) => {
            defaults::encryption(settings, &bucket, verb, body)
        }
        Subresource::Document(Document::Accelerate) => {
            defaults::accelerate(settings, &bucket, verb, body)
        }
        Subresource::Document(Document::RequestPayment) => {
            defaults::request_payment(settings, &bucket, verb, body)
        }
        Subresource::Document(doc) => documents::handle(s3, &bucket, doc, verb, body),
    }
}

/// An object settings request (tagging or ACL) on `version` of `key`, already resolved
/// (`versionId` or the current version) by the caller.
pub(super) fn object(
    s3: &S3,
    req: &S3Request,
    bucket: &Bucket,
    key: &str,
    version: &ObjectVersion,
    sub: Subresource,
    verb: Verb,
) -> Result<Response<Bytes>, S3Error> {
    match sub {
        Subresource::Acl => requests::object_acl(s3.settings(), bucket, key, version, verb, req),
        _ => requests::object_tagging(s3.settings(), bucket, key, version, verb, req),
    }
}

/// The 404 S3 answers for a setting that is not there, with `BucketName`.
fn unset(code: S3ErrorCode, message: &str, bucket: &str) -> S3Error {
    S3Error::new(code, StatusCode::NOT_FOUND, message).with_extra("BucketName", bucket)
}

/// An XML 200.
#[allow(clippy::unnecessary_wraps, reason = "the value of every handler's arm")]
fn ok_xml(body: String) -> Result<Response<Bytes>, S3Error> {
    let mut r = Response::new(Bytes::from(body));
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/xml"),
    );
    Ok(r)
}

/// An empty answer with `status`.
#[allow(clippy::unnecessary_wraps, reason = "the value of every handler's arm")]
fn ok_empty(status: StatusCode) -> Result<Response<Bytes>, S3Error> {
    let mut r = Response::new(Bytes::new());
    *r.status_mut() = status;
    Ok(r)
}

/// The tags of a PutObject's `x-amz-tagging` header (`k1=v1&k2=v2`, form-encoded), checked
/// as PutObjectTagging checks them; `None` without the header.
pub(crate) fn header_tags(req: &S3Request) -> Result<Option<Vec<tagging::Tag>>, S3Error> {
    let Some(value) = req.header("x-amz-tagging") else {
        return Ok(None);
    };
    let tags: Vec<tagging::Tag> = form_urlencoded::parse(value.as_bytes())
        .map(|(k, v)| tagging::Tag {
            key: k.into_owned(),
            value: v.into_owned(),
        })
        .collect();
    tagging::validate(&tags, tagging::Owner::Object)?;
    Ok(Some(tags))
}

impl S3 {
    /// Every bucket's settings.
    pub(crate) fn settings(&self) -> &store::Settings {
        &self.inner.settings
    }

    /// Tags one object write (its key and sequencer) with `tags`.
    pub(crate) fn tag_object_write(
        &self,
        bucket: &crate::s3::Bucket,
        key: &str,
        sequencer: u64,
        tags: Vec<tagging::Tag>,
    ) {
        if !tags.is_empty() {
            self.settings().write_objects(bucket, |s| {
                s.object_tags.insert((key.to_owned(), sequencer), tags);
            });
        }
    }

    /// How many tags one object write has (`x-amz-tagging-count`).
    pub(crate) fn object_tag_count(&self, bucket: &str, key: &str, sequencer: u64) -> usize {
        self.settings().read(bucket, |s| {
            if s.object_tags.is_empty() {
                return 0;
            }
            s.object_tags
                .get(&(key.to_owned(), sequencer))
                .map_or(0, Vec::len)
        })
    }
}
