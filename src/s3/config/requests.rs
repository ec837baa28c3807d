//! The tagging, policy and ACL operations on buckets and objects: Get/Put/Delete
//! BucketTagging and ObjectTagging, Get/Put/Delete BucketPolicy and GetBucketPolicyStatus,
//! Get/Put BucketAcl and ObjectAcl.

use bytes::Bytes;
use http::{HeaderValue, Response, StatusCode};

use super::acl::{self, Acl};
use super::store::Settings;
use super::tagging::{self, Owner as TagOwner};
use super::tree::{self, Node};
use super::{Verb, ok_empty, ok_xml, policy, unset};
use crate::s3::store::ObjectVersion;
use crate::s3::{Bucket, S3Error, S3ErrorCode, S3Request};

/// `?tagging` on a bucket: `NoSuchTagSet` while unset; an empty tag set clears it.
pub(super) fn bucket_tagging(
    settings: &Settings,
    bucket: &Bucket,
    verb: Verb,
    body: &[u8],
) -> Result<Response<Bytes>, S3Error> {
    let name = bucket.name.as_str();
    match verb {
        Verb::Get => match settings.read(name, |s| s.tags.clone()) {
            Some(tags) => ok_xml(tagging::render(&tags)),
            None => Err(unset(
                S3ErrorCode::NoSuchTagSet,
                "The TagSet does not exist",
                name,
            )),
        },
        Verb::Put => {
            let tags = tagging::parse(body, TagOwner::Bucket)?;
            settings.write(name, |s| s.tags = (!tags.is_empty()).then_some(tags));
            ok_empty(StatusCode::NO_CONTENT)
        }
        Verb::Delete => {
            settings.write(name, |s| s.tags = None);
            ok_empty(StatusCode::NO_CONTENT)
        }
    }
}

/// `?policy`: stored as sent, not enforced.
pub(super) fn bucket_policy(
    settings: &Settings,
    bucket: &Bucket,
    verb: Verb,
    body: &[u8],
) -> Result<Response<Bytes>, S3Error> {
    let name = bucket.name.as_str();
    match verb {
        Verb::Get => match settings.read(name, |s| s.policy.clone()) {
            Some(p) => {
                let mut r = Response::new(Bytes::from(p));
                r.headers_mut().insert(
                    http::header::CONTENT_TYPE,
                    HeaderValue::from_static("application/json"),
                );
                Ok(r)
            }
            None => Err(no_policy(name)),
        },
        Verb::Put => {
            let text = policy::validate(body)?;
            let blocked = settings.read(name, |s| s.public_access_block.blocks_public_policy());
            if blocked && policy::is_public(&text) {
                return Err(S3Error::access_denied());
            }
            settings.write(name, |s| s.policy = Some(text));
            ok_empty(StatusCode::NO_CONTENT)
        }
        Verb::Delete => {
            settings.write(name, |s| s.policy = None);
            ok_empty(StatusCode::NO_CONTENT)
        }
    }
}

fn no_policy(bucket: &str) -> S3Error {
    unset(
        S3ErrorCode::NoSuchBucketPolicy,
        "The bucket policy does not exist",
        bucket,
    )
}

/// `GET ?policyStatus`: whether the stored policy is public; `NoSuchBucketPolicy` without one.
pub(super) fn policy_status(
    settings: &Settings,
    bucket: &Bucket,
    verb: Verb,
) -> Result<Response<Bytes>, S3Error> {
    if verb != Verb::Get {
        return Err(S3Error::method_not_allowed(&verb_method(verb), "BUCKET"));
    }
    let name = bucket.name.as_str();
    let policy = settings
        .read(name, |s| s.policy.clone())
        .ok_or_else(|| no_policy(name))?;
    ok_xml(tree::render(&Node::with(
        "PolicyStatus",
        vec![Node::leaf(
            "IsPublic",
            policy::is_public(&policy).to_string(),
        )],
    )))
}

fn verb_method(verb: Verb) -> http::Method {
    match verb {
        Verb::Get => http::Method::GET,
        Verb::Put => http::Method::PUT,
        Verb::Delete => http::Method::DELETE,
    }
}

/// `?acl` on a bucket: `private` until set.
pub(super) fn bucket_acl(
    settings: &Settings,
    bucket: &Bucket,
    verb: Verb,
    req: &S3Request,
) -> Result<Response<Bytes>, S3Error> {
    let name = bucket.name.as_str();
    match verb {
        Verb::Get => {
            let acl = settings
                .read(name, |s| s.acl.clone())
                .unwrap_or_else(|| Acl::private(&bucket.owner));
            ok_xml(acl::render(&acl, &bucket.owner))
        }
        Verb::Put => {
            let (disabled, blocks) = settings.read(name, |s| {
                (
                    s.ownership.acls_disabled(),
                    s.public_access_block.blocks_public_acls(),
                )
            });
            let acl = acl::requested(req, &bucket.owner, disabled, blocks)?;
            settings.write(name, |s| s.acl = Some(acl));
            ok_empty(StatusCode::OK)
        }
        Verb::Delete => Err(S3Error::method_not_allowed(&http::Method::DELETE, "BUCKET")),
    }
}

fn with_version(mut r: Response<Bytes>, v: &ObjectVersion) -> Response<Bytes> {
    if let Some(id) = &v.version_id
        && let Ok(value) = HeaderValue::from_str(id)
    {
        r.headers_mut().insert("x-amz-version-id", value);
    }
    r
}

/// `?tagging` on an object: an empty tag set while unset.
pub(super) fn object_tagging(
    settings: &Settings,
    bucket: &Bucket,
    key: &str,
    v: &ObjectVersion,
    verb: Verb,
    req: &S3Request,
) -> Result<Response<Bytes>, S3Error> {
    let write = (key.to_owned(), v.sequencer);
    let name = bucket.name.as_str();
    let r = match verb {
        Verb::Get => {
            let tags = settings.read(name, |s| s.object_tags.get(&write).cloned());
            ok_xml(tagging::render(&tags.unwrap_or_default()))?
        }
        Verb::Put => {
            let tags = tagging::parse(&req.body, TagOwner::Object)?;
            settings.write_objects(bucket, |s| {
                if tags.is_empty() {
                    s.object_tags.remove(&write);
                } else {
                    s.object_tags.insert(write, tags);
                }
            });
            ok_empty(StatusCode::OK)?
        }
        Verb::Delete => {
            settings.write(name, |s| s.object_tags.remove(&write));
            ok_empty(StatusCode::NO_CONTENT)?
        }
    };
    Ok(with_version(r, v))
}

/// `?acl` on an object: `private` (the object owner's full control) until set.
pub(super) fn object_acl(
    settings: &Settings,
    bucket: &Bucket,
    key: &str,
    v: &ObjectVersion,
    verb: Verb,
    req: &S3Request,
) -> Result<Response<Bytes>, S3Error> {
    let write = (key.to_owned(), v.sequencer);
    let name = bucket.name.as_str();
    let r = match verb {
        Verb::Get => {
            let acl = settings
                .read(name, |s| s.object_acls.get(&write).cloned())
                .unwrap_or_else(|| Acl::private(&v.owner));
            ok_xml(acl::render(&acl, &v.owner))?
        }
        Verb::Put => {
            let (disabled, blocks) = settings.read(name, |s| {
                (
                    s.ownership.acls_disabled(),
                    s.public_access_block.blocks_public_acls(),
                )
            });
            let acl = acl::requested(req, &v.owner, disabled, blocks)?;
            settings.write_objects(bucket, |s| s.object_acls.insert(write, acl));
            ok_empty(StatusCode::OK)?
        }
        Verb::Delete => {
            return Err(S3Error::method_not_allowed(&http::Method::DELETE, "OBJECT"));
        }
    };
    Ok(with_version(r, v))
}
