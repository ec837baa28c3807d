//! Object operations: PutObject, GetObject, HeadObject, DeleteObject, and the request parsing
//! they share with CopyObject (content headers, user metadata, Content-MD5, checksums).
//!
//! See <https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html> and
//! <https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html>.

use std::collections::BTreeMap;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use bytes::Bytes;
use http::{HeaderValue, Method, Response, StatusCode, header, response::Builder};
use md5::{Digest, Md5};

use super::checksum::{Checksum, ChecksumAlgorithm};
use super::conditional::{self, Precondition};
use super::error::S3Error;
use super::request::S3Request;
use super::store::{ContentHeaders, NewObject, ObjectVersion, Owner};
use super::xml::http_date;
use super::{CreatedKind, Effect, S3};

/// The default `Content-Type` S3 gives objects stored without one.
pub const DEFAULT_CONTENT_TYPE: &str = "binary/octet-stream";

const MAX_KEY_LEN: usize = 1024;

const STORAGE_CLASSES: &[&str] = &[
    "STANDARD",
    "REDUCED_REDUNDANCY",
    "STANDARD_IA",
    "ONEZONE_IA",
    "INTELLIGENT_TIERING",
    "GLACIER",
    "DEEP_ARCHIVE",
    "GLACIER_IR",
    "OUTPOSTS",
    "SNOW",
    "EXPRESS_ONEZONE",
];

/// `KeyTooLongError` for keys over 1024 bytes.
pub(super) fn check_key(key: &str) -> Result<(), S3Error> {
    if key.len() > MAX_KEY_LEN {
        return Err(S3Error::new(
            "KeyTooLongError",
            StatusCode::BAD_REQUEST,
            "Your key is too long",
        )
        .with_extra("Size", key.len().to_string())
        .with_extra("MaxSizeAllowed", MAX_KEY_LEN.to_string()));
    }
    Ok(())
}

/// Content headers from a PUT (or a REPLACE copy).
pub(super) fn content_headers(req: &S3Request) -> ContentHeaders {
    let h = |name: &str| req.header(name).map(str::to_owned);
    ContentHeaders {
        content_type: h("content-type"),
        content_encoding: h("content-encoding")
            .map(|v| strip_aws_chunked(&v))
            .filter(|v| !v.is_empty()),
        content_disposition: h("content-disposition"),
        content_language: h("content-language"),
        cache_control: h("cache-control"),
        expires: h("expires"),
        website_redirect_location: h("x-amz-website-redirect-location"),
    }
}

/// `aws-chunked` is transfer framing, not a stored content encoding.
fn strip_aws_chunked(v: &str) -> String {
    v.split(',')
        .map(str::trim)
        .filter(|e| !e.eq_ignore_ascii_case("aws-chunked") && !e.is_empty())
        .collect::<Vec<_>>()
        .join(",")
}

/// User metadata (`x-amz-meta-*`), checked against the size limit.
pub(super) fn user_metadata(s3: &S3, req: &S3Request) -> Result<BTreeMap<String, String>, S3Error> {
    let mut meta = BTreeMap::new();
    for (name, value) in &req.headers {
        if let Some(n) = name.as_str().strip_prefix("x-amz-meta-") {
            let v = String::from_utf8_lossy(value.as_bytes()).into_owned();
            meta.entry(n.to_owned())
                .and_modify(|old: &mut String| {
                    old.push(',');
                    old.push_str(&v);
                })
                .or_insert(v);
        }
    }
    let size: usize = meta.iter().map(|(k, v)| k.len() + v.len()).sum();
    let max = s3.config().max_metadata_size;
    if size > max {
        return Err(S3Error::new(
            "MetadataTooLarge",
            StatusCode::BAD_REQUEST,
            "Your metadata headers exceed the maximum allowed metadata size",
        )
        .with_extra("Size", size.to_string())
        .with_extra("MaxSizeAllowed", max.to_string()));
    }
    Ok(meta)
}

/// `x-amz-storage-class`, validated (default `STANDARD`).
pub(super) fn storage_class(req: &S3Request) -> Result<String, S3Error> {
    match req.header("x-amz-storage-class") {
        None => Ok("STANDARD".to_owned()),
        Some(c) if STORAGE_CLASSES.contains(&c) => Ok(c.to_owned()),
        Some(c) => Err(S3Error::new(
            "InvalidStorageClass",
            StatusCode::BAD_REQUEST,
            "The storage class you specified is not valid",
        )
        .with_extra("StorageClassRequested", c)),
    }
}

/// Verifies `Content-MD5` against `body`: `InvalidDigest` or `BadDigest`.
pub(super) fn verify_content_md5(req: &S3Request, body: &[u8]) -> Result<(), S3Error> {
    let Some(given) = req.headers.get("content-md5") else {
        return Ok(());
    };
    let given = given.to_str().unwrap_or("");
    let invalid = || {
        S3Error::new(
            "InvalidDigest",
            StatusCode::BAD_REQUEST,
            "The Content-MD5 you specified was invalid.",
        )
        .with_extra("Content-MD5", given)
    };
    let decoded = STANDARD.decode(given.trim()).map_err(|_| invalid())?;
    if decoded.len() != 16 {
        return Err(invalid());
    }
    let actual = Md5::digest(body);
    if decoded.as_slice() != actual.as_slice() {
        return Err(S3Error::new(
            "BadDigest",
            StatusCode::BAD_REQUEST,
            "The Content-MD5 you specified did not match what we received.",
        )
        // As AWS answers: the given digest in hex, the computed one in base64.
        .with_extra("ExpectedDigest", hex::encode(&decoded))
        .with_extra("CalculatedDigest", STANDARD.encode(actual)));
    }
    Ok(())
}

/// The checksum a request supplies in `x-amz-checksum-*`, verified against `body`.
///
/// As AWS does, `x-amz-sdk-checksum-algorithm` / `x-amz-checksum-algorithm` alone ask for
/// nothing on a PUT: only a value header counts (trailing ones are merged in by the edge).
pub(super) fn request_checksum(req: &S3Request, body: &[u8]) -> Result<Option<Checksum>, S3Error> {
    let given: Vec<(ChecksumAlgorithm, &HeaderValue)> = ChecksumAlgorithm::ALL
        .into_iter()
        .filter_map(|a| req.headers.get(a.header_name()).map(|v| (a, v)))
        .collect();
    match given.as_slice() {
        [] => Ok(None),
        [(alg, value)] => {
            let alg = *alg;
            let value = value.to_str().unwrap_or("").trim();
            if !alg.is_well_formed(value) {
                return Err(S3Error::invalid_request(format!(
                    "Value for {} header is invalid.",
                    alg.header_name()
                )));
            }
            let actual = Checksum::of(alg, body);
            if actual.value != value {
                return Err(S3Error::new(
                    "BadDigest",
                    StatusCode::BAD_REQUEST,
                    format!(
                        "The {} you specified did not match the calculated checksum.",
                        alg.upper_name()
                    ),
                ));
            }
            Ok(Some(actual))
        }
        _ => Err(S3Error::invalid_request(
            "Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.",
        )),
    }
}

/// Adds `x-amz-checksum-{alg}` and `x-amz-checksum-type` for `checksum`.
pub(super) fn checksum_headers(mut b: Builder, checksum: Option<&Checksum>) -> Builder {
    if let Some(c) = checksum {
        b = b
            .header(c.algorithm.header_name(), c.value.as_str())
            .header("x-amz-checksum-type", "FULL_OBJECT");
    }
    b
}

/// Validates `If-Match` / `If-None-Match` on a write (PutObject, CopyObject) before any work:
/// only `If-None-Match: *` and an ETag in `If-Match` are accepted, and not both.
pub(super) fn validate_write_conditions(req: &S3Request) -> Result<(), S3Error> {
    let if_match = req.header("if-match");
    let if_none_match = req.header("if-none-match");
    if if_match.is_some() && if_none_match.is_some() {
        return Err(S3Error::not_implemented_header(
            "If-Match,If-None-Match",
            "Multiple conditional request headers present in the request",
        ));
    }
    if if_none_match.is_some_and(|v| v.trim() != "*") {
        return Err(S3Error::not_implemented_header(
            "If-None-Match",
            "We don't accept the provided value of If-None-Match header for this API",
        ));
    }
    if if_match.is_some_and(|v| v.trim() == "*") {
        return Err(S3Error::not_implemented_header(
            "If-Match",
            "We don't accept the provided value of If-Match header for this API",
        ));
    }
    Ok(())
}

/// Evaluates `If-Match` / `If-None-Match` of a write against the current object (under the
/// store's lock): `PreconditionFailed`, or `NoSuchKey` for `If-Match` on a missing key.
pub(super) fn check_write_conditions(
    req: &S3Request,
    existing: Option<&ObjectVersion>,
    key: &str,
) -> Result<(), S3Error> {
    if req.header("if-none-match").is_some() && existing.is_some() {
        return Err(S3Error::precondition_failed("If-None-Match"));
    }
    if let Some(v) = req.header("if-match") {
        let Some(obj) = existing else {
            return Err(S3Error::no_such_key(key));
        };
        if !v
            .split(',')
            .map(str::trim)
            .any(|t| t.trim_matches('"') == obj.etag)
        {
            return Err(S3Error::precondition_failed("If-Match"));
        }
    }
    Ok(())
}

/// `PUT /{bucket}/{key}`.
pub(super) fn put_object(
    s3: &S3,
    req: &S3Request,
    bucket: &str,
    key: &str,
    fx: &mut Vec<Effect>,
) -> Result<Response<Bytes>, S3Error> {
    let bucket = s3.owned_bucket(req, bucket)?;
    check_key(key)?;
    validate_write_conditions(req)?;
    let body = req.body.clone();
    verify_content_md5(req, &body)?;
    let client_checksum = request_checksum(req, &body)?;
    let metadata = user_metadata(s3, req)?;
    let storage_class = storage_class(req)?;
    let echo = client_checksum.clone();
    let checksum =
        client_checksum.or_else(|| Some(Checksum::of(ChecksumAlgorithm::Crc64Nvme, &body)));
    let outcome = bucket.put_object_if(
        key,
        NewObject {
            body,
            content: content_headers(req),
            metadata,
            checksum,
            storage_class,
            owner: Owner::from(req.requester.as_ref()),
        },
        |existing| check_write_conditions(req, existing, key),
    )?;
    let mut b = Response::builder()
        .status(StatusCode::OK)
        .header(header::ETAG, format!("\"{}\"", outcome.etag))
        .header("x-amz-server-side-encryption", "AES256");
    b = checksum_headers(b, echo.as_ref());
    if let Some(v) = &outcome.version_id {
        b = b.header("x-amz-version-id", v.as_str());
    }
    fx.push(Effect::ObjectCreated {
        kind: CreatedKind::Put,
        outcome,
    });
    b.body(Bytes::new())
        .map_err(|e| S3Error::internal(e.to_string()))
}

/// Objects in archive storage classes cannot be read until restored: `InvalidObjectState` 403.
pub(super) fn check_readable(obj: &ObjectVersion) -> Result<(), S3Error> {
    if matches!(obj.storage_class.as_str(), "GLACIER" | "DEEP_ARCHIVE") {
        return Err(S3Error::new(
            "InvalidObjectState",
            StatusCode::FORBIDDEN,
            "The operation is not valid for the object's storage class",
        )
        .with_extra("StorageClass", obj.storage_class.as_str())
        .with_header("x-amz-storage-class", obj.storage_class.as_str()));
    }
    Ok(())
}

/// The headers GET and HEAD share.
fn object_headers(mut b: Builder, obj: &ObjectVersion, req: &S3Request) -> Builder {
    let over = |name: &str| req.query_param(name).map(str::to_owned);
    let c = &obj.content;
    let pick = |o: Option<String>, stored: &Option<String>| o.or_else(|| stored.clone());
    // A value that is not a valid header (e.g. a control character in a response-* override)
    // is dropped rather than failing the whole response.
    let content_type = pick(over("response-content-type"), &c.content_type)
        .and_then(|v| HeaderValue::from_str(&v).ok())
        .unwrap_or(HeaderValue::from_static(DEFAULT_CONTENT_TYPE));
    b = b
        .header(header::CONTENT_TYPE, content_type)
        .header(header::ETAG, format!("\"{}\"", obj.etag))
        .header(header::LAST_MODIFIED, http_date(obj.last_modified))
        .header(header::ACCEPT_RANGES, "bytes")
        .header("x-amz-server-side-encryption", "AES256");
    let pairs = [
        (
            header::CONTENT_ENCODING,
            pick(over("response-content-encoding"), &c.content_encoding),
        ),
        (
            header::CONTENT_DISPOSITION,
            pick(over("response-content-disposition"), &c.content_disposition),
        ),
        (
            header::CONTENT_LANGUAGE,
            pick(over("response-content-language"), &c.content_language),
        ),
        (
            header::CACHE_CONTROL,
            pick(over("response-cache-control"), &c.cache_control),
        ),
        (header::EXPIRES, pick(over("response-expires"), &c.expires)),
    ];
    for (name, value) in pairs {
        if let Some(v) = value
            && let Ok(v) = HeaderValue::from_str(&v)
        {
            b = b.header(name, v);
        }
    }
    for (k, v) in &obj.metadata {
        if let Ok(v) = HeaderValue::from_bytes(v.as_bytes()) {
            b = b.header(format!("x-amz-meta-{k}"), v);
        }
    }
    if obj.storage_class != "STANDARD" {
        b = b.header("x-amz-storage-class", obj.storage_class.as_str());
    }
    if let Some(v) = &c.website_redirect_location
        && let Ok(v) = HeaderValue::from_str(v)
    {
        b = b.header("x-amz-website-redirect-location", v);
    }
    if let Some(v) = &obj.version_id {
        b = b.header("x-amz-version-id", v.as_str());
    }
    b
}

/// `GET` and `HEAD /{bucket}/{key}`.
pub(super) fn get_object(
    s3: &S3,
    req: &S3Request,
    bucket: &str,
    key: &str,
) -> Result<Response<Bytes>, S3Error> {
    let bucket = s3.owned_bucket(req, bucket)?;
    let obj = super::versioning::version_to_read(req, &bucket, key)?;
    if conditional::check_get(req, &obj.etag, obj.last_modified)? == Precondition::NotModified {
        return Response::builder()
            .status(StatusCode::NOT_MODIFIED)
            .header(header::ETAG, format!("\"{}\"", obj.etag))
            .header(header::LAST_MODIFIED, http_date(obj.last_modified))
            .body(Bytes::new())
            .map_err(|e| S3Error::internal(e.to_string()));
    }
    if req.method == Method::GET {
        check_readable(&obj)?;
    }
    let (range, parts_count) = match req.query_param("partNumber") {
        None => (
            conditional::parse_range(req.header("range"), obj.size)?,
            None,
        ),
        Some(n) => {
            let (range, count) = super::multipart::part_number_range(req, &obj, n)?;
            (Some(range), Some(count))
        }
    };
    let mut b = object_headers(Response::builder(), &obj, req);
    if let Some(count) = parts_count {
        b = b.header("x-amz-mp-parts-count", count);
    }
    // The stored checksum covers the whole object: S3 returns it only when the response does.
    let whole = range.is_none_or(|r| r.start == 0 && r.end + 1 == obj.size);
    if whole
        && req
            .header("x-amz-checksum-mode")
            .is_some_and(|m| m.eq_ignore_ascii_case("ENABLED"))
    {
        b = checksum_headers(b, obj.checksum.as_ref());
    }
    let body = if let Some(r) = range.filter(|r| r.start <= r.end && r.end < obj.size) {
        b = b.status(StatusCode::PARTIAL_CONTENT).header(
            header::CONTENT_RANGE,
            format!("bytes {}-{}/{}", r.start, r.end, obj.size),
        );
        obj.body.slice(r.start as usize..=r.end as usize)
    } else {
        b = b.status(StatusCode::OK);
        obj.body.clone()
    };
    b = b.header(header::CONTENT_LENGTH, body.len());
    let body = if req.method == Method::HEAD {
        Bytes::new()
    } else {
        body
    };
    b.body(body).map_err(|e| S3Error::internal(e.to_string()))
}

/// `DELETE /{bucket}/{key}`: 204 whether or not the key existed.
pub(super) fn delete_object(
    s3: &S3,
    req: &S3Request,
    bucket: &str,
    key: &str,
    fx: &mut Vec<Effect>,
) -> Result<Response<Bytes>, S3Error> {
    let bucket = s3.owned_bucket(req, bucket)?;
    // Conditional deletes on general purpose buckets: only If-Match (ETag) is supported.
    for unsupported in ["x-amz-if-match-last-modified-time", "x-amz-if-match-size"] {
        if req.headers.contains_key(unsupported) {
            return Err(S3Error::not_implemented().with_extra("Header", unsupported));
        }
    }
    let if_match = req.header("if-match");
    let outcome = if let Some(id) = req.query_param("versionId") {
        bucket
            .delete_version(key, id)
            .map_err(|_| super::versioning::invalid_version_id(id))?
    } else {
        bucket.delete_object_if(key, |current| {
            if let Some(list) = if_match {
                let Some(obj) = current else {
                    return Err(S3Error::no_such_key(key));
                };
                if !list
                    .split(',')
                    .map(str::trim)
                    .any(|t| t == "*" || t.trim_matches('"') == obj.etag)
                {
                    return Err(S3Error::precondition_failed("If-Match"));
                }
            }
            Ok(())
        })?
    };
    let mut b = Response::builder().status(StatusCode::NO_CONTENT);
    if outcome.is_delete_marker() {
        b = b.header("x-amz-delete-marker", "true");
    }
    if let Some(v) = &outcome.version_id {
        b = b.header("x-amz-version-id", v.as_str());
    }
    fx.push(Effect::ObjectRemoved { outcome });
    b.body(Bytes::new())
        .map_err(|e| S3Error::internal(e.to_string()))
}
