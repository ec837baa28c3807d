//! CopyObject: `PUT /{bucket}/{key}` with `x-amz-copy-source`, metadata directive,
//! copy-source conditions and the `CopyObjectResult` XML.
//!
//! See <https://docs.aws.amazon.com/AmazonS3/latest/API/API_CopyObject.html>.

use bytes::Bytes;
use http::{Response, StatusCode};
use percent_encoding::percent_decode_str;
use serde::Serialize;

use super::checksum::{Checksum, ChecksumAlgorithm};
use super::conditional;
use super::error::S3Error;
use super::headers::{
    check_key, check_readable, check_write_conditions, content_headers, storage_class,
    user_metadata, validate_write_conditions,
};
use super::request::S3Request;
use super::storage_class::StorageClass;
use super::store::{NewObject, ObjectVersion, Owner, VersionLookupError};
use super::xml::{self, S3_XMLNS};
use super::{CreatedKind, Effect, S3};

/// A parsed `x-amz-copy-source`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopySource {
    /// The source bucket.
    pub bucket: String,
    /// The source key (decoded).
    pub key: String,
    /// The requested source version, if any.
    pub version_id: Option<String>,
}

/// Parses `x-amz-copy-source`: `[/]bucket/key[?versionId=id]`, URL-encoded.
pub fn parse_copy_source(raw: &str) -> Result<CopySource, S3Error> {
    let invalid = || {
        S3Error::invalid_argument(
            "Invalid copy source object key",
            "x-amz-copy-source",
            "x-amz-copy-source",
        )
    };
    let (path, version_id) = match raw.split_once('?') {
        Some((p, q)) => {
            let v = q.strip_prefix("versionId=").ok_or_else(invalid)?.to_owned();
            (p, Some(v))
        }
        None => (raw, None),
    };
    let decoded = percent_decode_str(path)
        .decode_utf8()
        .map_err(|_| invalid())?;
    let decoded = decoded.strip_prefix('/').unwrap_or(&decoded);
    let (bucket, key) = decoded.split_once('/').ok_or_else(invalid)?;
    if bucket.is_empty() || key.is_empty() {
        return Err(invalid());
    }
    Ok(CopySource {
        bucket: bucket.to_owned(),
        key: key.to_owned(),
        version_id,
    })
}

/// `x-amz-metadata-directive`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum MetadataDirective {
    Copy,
    Replace,
}

fn metadata_directive(req: &S3Request) -> Result<MetadataDirective, S3Error> {
    match req.header("x-amz-metadata-directive") {
        None | Some("COPY") => Ok(MetadataDirective::Copy),
        Some("REPLACE") => Ok(MetadataDirective::Replace),
        Some(other) => Err(S3Error::invalid_argument(
            "Unknown metadata directive.",
            "x-amz-metadata-directive",
            other,
        )),
    }
}

/// The source object of a copy, by version if one is named (a delete marker cannot be
/// copied), and the parsed `x-amz-copy-source` it came from.
pub(super) fn copy_source_object(
    s3: &S3,
    req: &S3Request,
) -> Result<(std::sync::Arc<ObjectVersion>, CopySource), S3Error> {
    let raw = req.header("x-amz-copy-source").unwrap_or("");
    let src = parse_copy_source(raw)?;
    let src_bucket = s3
        .store()
        .bucket(&src.bucket)
        .ok_or_else(|| S3Error::no_such_bucket(&src.bucket))?;
    super::check_access(req, &src_bucket, "x-amz-source-expected-bucket-owner")?;
    let obj = match src.version_id.as_deref() {
        None => src_bucket
            .get_object(&src.key)
            .ok_or_else(|| S3Error::no_such_key(&src.key))?,
        Some(v) => {
            let obj = src_bucket.get_version(&src.key, v).map_err(|e| match e {
                VersionLookupError::Malformed => S3Error::invalid_argument(
                    "Invalid version id specified",
                    "x-amz-copy-source",
                    format!("{raw} ({v})"),
                ),
                VersionLookupError::NoSuchVersion => {
                    super::versioning::no_such_version(&src.key, v)
                }
            })?;
            if obj.delete_marker {
                return Err(S3Error::invalid_request(
                    "The source of a copy request may not specifically refer to a delete marker by version id.",
                ));
            }
            obj
        }
    };
    Ok((obj, src))
}

#[derive(Serialize)]
struct CopyObjectResult {
    #[serde(rename = "@xmlns")]
    xmlns: &'static str,
    #[serde(rename = "ETag")]
    etag: String,
    #[serde(rename = "LastModified")]
    last_modified: String,
    #[serde(rename = "ChecksumType", skip_serializing_if = "Option::is_none")]
    checksum_type: Option<&'static str>,
    #[serde(rename = "ChecksumCRC32", skip_serializing_if = "Option::is_none")]
    crc32: Option<String>,
    #[serde(rename = "ChecksumCRC32C", skip_serializing_if = "Option::is_none")]
    crc32c: Option<String>,
    #[serde(rename = "ChecksumCRC64NVME", skip_serializing_if = "Option::is_none")]
    crc64nvme: Option<String>,
    #[serde(rename = "ChecksumSHA1", skip_serializing_if = "Option::is_none")]
    sha1: Option<String>,
    #[serde(rename = "ChecksumSHA256", skip_serializing_if = "Option::is_none")]
    sha256: Option<String>,
}

/// `PUT /{bucket}/{key}` with `x-amz-copy-source`.
pub(super) fn copy_object(
    s3: &S3,
    req: &S3Request,
    bucket: &str,
    key: &str,
    fx: &mut Vec<Effect>,
) -> Result<Response<Bytes>, S3Error> {
    let dest = s3.owned_bucket(req, bucket)?;
    check_key(key)?;
    validate_write_conditions(req)?;
    let (obj, src) = copy_source_object(s3, req)?;
    conditional::check_copy_source(req, &obj.etag, obj.last_modified)?;
    check_readable(&obj)?;
    let directive = metadata_directive(req)?;
    let requested_class = storage_class(req)?;
    let algorithm = match req.header("x-amz-checksum-algorithm") {
        None => None,
        Some(a) => Some(ChecksumAlgorithm::parse(a).ok_or_else(|| {
            S3Error::invalid_request(
                "Checksum algorithm provided is unsupported. Please try again with any of the valid types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256]",
            )
        })?),
    };
    let same_object = src.bucket == dest.name && src.key == key;
    let changes_something = directive == MetadataDirective::Replace
        || req.headers.contains_key("x-amz-storage-class")
        || req.headers.contains_key("x-amz-website-redirect-location")
        || req.headers.contains_key("x-amz-server-side-encryption")
        || req
            .headers
            .contains_key("x-amz-server-side-encryption-customer-algorithm")
        || algorithm.is_some_and(|a| obj.checksum.as_ref().is_none_or(|c| c.algorithm != a));
    if same_object && !changes_something {
        return Err(S3Error::invalid_request(
            "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.",
        ));
    }
    let (mut content, metadata) = match directive {
        MetadataDirective::Copy => (obj.content.clone(), obj.metadata.clone()),
        MetadataDirective::Replace => (content_headers(req), user_metadata(s3, req)?),
    };
    content.website_redirect_location = req
        .header("x-amz-website-redirect-location")
        .map(str::to_owned);
    let checksum = match algorithm {
        Some(a) => Some(Checksum::of(a, &obj.body)),
        None => obj.checksum.clone(),
    };
    let storage_class = if req.headers.contains_key("x-amz-storage-class") {
        requested_class
    } else {
        StorageClass::Standard
    };
    let outcome = dest.put_object_if(
        key,
        NewObject {
            body: obj.body.clone(),
            content,
            metadata,
            checksum: checksum.clone(),
            storage_class,
            owner: Owner::from(req.requester.as_ref()),
        },
        |existing| check_write_conditions(req, existing, key),
    )?;
    let value = |a: ChecksumAlgorithm| {
        checksum
            .as_ref()
            .filter(|c| c.algorithm == a)
            .map(|c| c.value.clone())
    };
    let result = CopyObjectResult {
        xmlns: S3_XMLNS,
        etag: format!("\"{}\"", outcome.etag),
        last_modified: xml::iso8601(outcome.last_modified),
        checksum_type: checksum.as_ref().map(|_| "FULL_OBJECT"),
        crc32: value(ChecksumAlgorithm::Crc32),
        crc32c: value(ChecksumAlgorithm::Crc32c),
        crc64nvme: value(ChecksumAlgorithm::Crc64Nvme),
        sha1: value(ChecksumAlgorithm::Sha1),
        sha256: value(ChecksumAlgorithm::Sha256),
    };
    let body = xml::render("CopyObjectResult", &result)?;
    let mut b = Response::builder()
        .status(StatusCode::OK)
        .header(http::header::CONTENT_TYPE, "application/xml")
        .header("x-amz-server-side-encryption", "AES256");
    if let Some(v) = &obj.version_id {
        b = b.header("x-amz-copy-source-version-id", v.as_str());
    }
    if let Some(v) = &outcome.version_id {
        b = b.header("x-amz-version-id", v.as_str());
    }
    fx.push(Effect::ObjectCreated {
        kind: CreatedKind::Copy,
        outcome,
    });
    b.body(Bytes::from(body))
        .map_err(|e| S3Error::internal(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copy_source_forms() {
        let s = parse_copy_source("/b/a%20b/c.txt").unwrap();
        assert_eq!((s.bucket.as_str(), s.key.as_str()), ("b", "a b/c.txt"));
        assert_eq!(s.version_id, None);
        let s = parse_copy_source("b/k?versionId=v1").unwrap();
        assert_eq!(s.version_id.as_deref(), Some("v1"));
        let s = parse_copy_source("b/k%3Fx").unwrap();
        assert_eq!(s.key, "k?x");
        for bad in ["b", "/b/", "", "b/k?foo=1", "/"] {
            let e = parse_copy_source(bad).unwrap_err();
            assert_eq!(e.code(), "InvalidArgument", "{bad}");
        }
    }
}
