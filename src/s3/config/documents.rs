//! The settings kept as the document the owner sent: CORS, lifecycle, website, replication,
//! logging and Object Lock. Each PUT is checked for the structure and values S3 checks first
//! (the rest is stored unread), GET returns the stored document, or the error S3 gives when
//! there is none. None of them changes how this simulator serves requests.
//!
//! Errors as AWS answered them (localstack `test_s3.snapshot.json`: `test_replication_config*`,
//! `test_put_bucket_logging*`, `test_crud_website_configuration`,
//! `test_delete_bucket_lifecycle_configuration`; `test_s3_api.snapshot.json`:
//! `test_put_object_lock_configuration_on_existing_bucket`; recorded against AWS).

use http::StatusCode;

use super::store::Document;
use super::tree::{self, Node};
use super::{Verb, ok_empty, ok_xml, unset};
use crate::s3::{Bucket, S3, S3Error, S3ErrorCode, VersioningStatus};

/// The methods a CORS rule may allow.
const CORS_METHODS: &[&str] = &["GET", "PUT", "HEAD", "POST", "DELETE"];

/// The document's root element and the error S3 answers when it is unset.
fn shape(doc: Document) -> (&'static str, S3ErrorCode, &'static str) {
    match doc {
        Document::Cors => (
            "CORSConfiguration",
            S3ErrorCode::NoSuchCORSConfiguration,
            "The CORS configuration does not exist",
        ),
        Document::Lifecycle => (
            "LifecycleConfiguration",
            S3ErrorCode::NoSuchLifecycleConfiguration,
            "The lifecycle configuration does not exist",
        ),
        Document::Website => (
            "WebsiteConfiguration",
            S3ErrorCode::NoSuchWebsiteConfiguration,
            "The specified bucket does not have a website configuration",
        ),
        Document::Replication => (
            "ReplicationConfiguration",
            S3ErrorCode::ReplicationConfigurationNotFoundError,
            "The replication configuration was not found",
        ),
        Document::ObjectLock => (
            "ObjectLockConfiguration",
            S3ErrorCode::ObjectLockConfigurationNotFoundError,
            "Object Lock configuration does not exist for this bucket",
        ),
        // Logging answers an empty status instead (see `get`); the rest are in defaults.rs.
        _ => (
            "BucketLoggingStatus",
            S3ErrorCode::InternalError,
            "no such document",
        ),
    }
}

/// GET, PUT or DELETE of one stored document.
pub(super) fn handle(
    s3: &S3,
    bucket: &Bucket,
    doc: Document,
    verb: Verb,
    body: &[u8],
) -> Result<http::Response<bytes::Bytes>, S3Error> {
    let settings = s3.settings();
    let name = bucket.name.as_str();
    let (root, code, message) = shape(doc);
    match verb {
        Verb::Get => {
            let stored = settings.read(name, |s| s.documents.get(&doc).cloned());
            let response = match (stored, doc) {
                (Some(node), _) => ok_xml(tree::render(&node)),
                (None, Document::Logging) => {
                    ok_xml(tree::render(&Node::with("BucketLoggingStatus", vec![])))
                }
                (None, _) => return Err(unset(code, message, name)),
            };
            if doc == Document::Lifecycle {
                return response.map(|mut r| {
                    r.headers_mut().insert(
                        "x-amz-transition-default-minimum-object-size",
                        http::HeaderValue::from_static("all_storage_classes_128K"),
                    );
                    r
                });
            }
            response
        }
        Verb::Put => {
            let node = tree::parse(body, root).ok_or_else(tree::malformed)?;
            check(s3, bucket, doc, &node)?;
            settings.write(name, |s| {
                if doc == Document::Logging && node.child("LoggingEnabled").is_none() {
                    s.documents.remove(&doc);
                } else {
                    s.documents.insert(doc, node);
                }
            });
            ok_empty(StatusCode::OK)
        }
        Verb::Delete if doc == Document::ObjectLock || doc == Document::Logging => {
            Err(S3Error::method_not_allowed(&http::Method::DELETE, "BUCKET"))
        }
        Verb::Delete => {
            settings.write(name, |s| s.documents.remove(&doc));
            ok_empty(StatusCode::NO_CONTENT)
        }
    }
}

fn check(s3: &S3, bucket: &Bucket, doc: Document, node: &Node) -> Result<(), S3Error> {
    match doc {
        Document::Cors => check_cors(node),
        Document::Lifecycle => check_lifecycle(node),
        Document::Website => check_website(node),
        Document::Replication => check_replication(s3, bucket, node),
        Document::Logging => check_logging(s3, bucket, node),
        Document::ObjectLock => check_object_lock(bucket, node),
        _ => Ok(()),
    }
}

fn check_cors(node: &Node) -> Result<(), S3Error> {
    let rules: Vec<&Node> = node.all("CORSRule").collect();
    if rules.is_empty() || rules.len() > 100 {
        return Err(tree::malformed());
    }
    for rule in rules {
        if rule.child("AllowedOrigin").is_none() || rule.child("AllowedMethod").is_none() {
            return Err(tree::malformed());
        }
        if let Some(m) = rule
            .all("AllowedMethod")
            .find(|m| !CORS_METHODS.contains(&m.text.as_str()))
        {
            return Err(S3Error::invalid_request(format!(
                "Found unsupported HTTP method in CORS config. Unsupported method is {}",
                m.text
            )));
        }
    }
    Ok(())
}

fn status_is(rule: &Node, allowed: &[&str]) -> bool {
    rule.text_of("Status").is_some_and(|s| allowed.contains(&s))
}

fn check_lifecycle(node: &Node) -> Result<(), S3Error> {
    let rules: Vec<&Node> = node.all("Rule").collect();
    if rules.is_empty()
        || rules.len() > 1000
        || !rules.iter().all(|r| status_is(r, &["Enabled", "Disabled"]))
    {
        return Err(tree::malformed());
    }
    Ok(())
}

fn check_website(node: &Node) -> Result<(), S3Error> {
    let index = node
        .child("IndexDocument")
        .and_then(|i| i.text_of("Suffix"))
        .is_some_and(|s| !s.is_empty());
    let redirect = node.child("RedirectAllRequestsTo").is_some();
    if !index && !redirect {
        return Err(S3Error::invalid_argument(
            "A value for IndexDocument Suffix must be provided if RedirectAllRequestsTo is empty",
            "IndexDocument",
            "null",
        ));
    }
    Ok(())
}

fn check_replication(s3: &S3, bucket: &Bucket, node: &Node) -> Result<(), S3Error> {
    if bucket.versioning() != VersioningStatus::Enabled {
        return Err(S3Error::invalid_request(
            "Versioning must be 'Enabled' on the bucket to apply a replication configuration",
        ));
    }
    let rules: Vec<&Node> = node.all("Rule").collect();
    if node.text_of("Role").is_none() || rules.is_empty() || rules.len() > 1000 {
        return Err(tree::malformed());
    }
    for rule in rules {
        let target = rule
            .child("Destination")
            .and_then(|d| d.text_of("Bucket"))
            .ok_or_else(tree::malformed)?;
        if !status_is(rule, &["Enabled", "Disabled"]) {
            return Err(tree::malformed());
        }
        let target = target.strip_prefix("arn:aws:s3:::").unwrap_or(target);
        // Only the caller's own buckets are looked at: another account's bucket state is
        // not for this request to reveal.
        let versioned = s3.store().bucket(target).is_some_and(|b| {
            b.owner == bucket.owner && b.versioning() == VersioningStatus::Enabled
        });
        if !versioned {
            return Err(S3Error::invalid_request(
                "Destination bucket must have versioning enabled.",
            ));
        }
    }
    Ok(())
}

fn check_logging(s3: &S3, bucket: &Bucket, node: &Node) -> Result<(), S3Error> {
    let Some(enabled) = node.child("LoggingEnabled") else {
        return Ok(());
    };
    let target = enabled
        .text_of("TargetBucket")
        .ok_or_else(tree::malformed)?;
    // Another account's bucket is answered as absent: its region is not this caller's to learn.
    let Some(target_bucket) = s3
        .store()
        .bucket(target)
        .filter(|b| b.owner == bucket.owner)
    else {
        return Err(S3Error::new(
            S3ErrorCode::InvalidTargetBucketForLogging,
            StatusCode::BAD_REQUEST,
            "The target bucket for logging does not exist",
        )
        .with_extra("TargetBucket", target));
    };
    if target_bucket.region != bucket.region {
        let mut e = S3Error::new(
            S3ErrorCode::CrossLocationLoggingProhibitted,
            StatusCode::FORBIDDEN,
            "Cross S3 location logging not allowed. ",
        );
        if bucket.region != "us-east-1" {
            e = e.with_extra("SourceBucketLocation", bucket.region.clone());
        }
        return Err(e.with_extra("TargetBucketLocation", target_bucket.region.clone()));
    }
    Ok(())
}

fn check_object_lock(bucket: &Bucket, node: &Node) -> Result<(), S3Error> {
    if bucket.versioning() != VersioningStatus::Enabled {
        return Err(S3Error::new(
            S3ErrorCode::InvalidBucketState,
            StatusCode::CONFLICT,
            "Versioning must be 'Enabled' on the bucket to apply a Object Lock configuration",
        ));
    }
    if node.text_of("ObjectLockEnabled") != Some("Enabled") {
        return Err(tree::malformed());
    }
    if let Some(retention) = node.child("Rule").and_then(|r| r.child("DefaultRetention")) {
        let mode_ok = matches!(retention.text_of("Mode"), Some("GOVERNANCE" | "COMPLIANCE"));
        let period = retention.text_of("Days").or(retention.text_of("Years"));
        let period_ok = period.is_some_and(|p| p.parse::<u32>().is_ok_and(|n| n > 0));
        if !mode_ok || !period_ok {
            return Err(tree::malformed());
        }
    }
    Ok(())
}
