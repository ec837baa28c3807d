//! Request parsing the object operations share: the key length, content headers, user
//! metadata, storage class, `Content-MD5` and `x-amz-checksum-*`, write conditions, the
//! archive-class read check and `partNumber`. PutObject, CopyObject, the multipart
//! operations, DeleteObjects and PostObject all read a request through these.

use std::collections::BTreeMap;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use http::{HeaderValue, StatusCode, response::Builder};
use md5::{Digest, Md5};

use super::S3;
use super::checksum::{Checksum, ChecksumAlgorithm};
use super::code::S3ErrorCode;
use super::conditional::ByteRange;
use super::error::S3Error;
use super::request::S3Request;
use super::storage_class::StorageClass;
use super::store::multipart::MAX_PART_NUMBER;
use super::store::{ContentHeaders, ObjectVersion};

const MAX_KEY_LEN: usize = 1024;

/// `KeyTooLongError` for keys over 1024 bytes.
pub(super) fn check_key(key: &str) -> Result<(), S3Error> {
    if key.len() > MAX_KEY_LEN {
        return Err(S3Error::new(
            S3ErrorCode::KeyTooLongError,
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
            S3ErrorCode::MetadataTooLarge,
            StatusCode::BAD_REQUEST,
            "Your metadata headers exceed the maximum allowed metadata size",
        )
        .with_extra("Size", size.to_string())
        .with_extra("MaxSizeAllowed", max.to_string()));
    }
    Ok(meta)
}

/// `x-amz-storage-class`, validated (default `STANDARD`).
pub(super) fn storage_class(req: &S3Request) -> Result<StorageClass, S3Error> {
    match req.header("x-amz-storage-class") {
        None => Ok(StorageClass::Standard),
        Some(c) => StorageClass::parse(c).ok_or_else(|| {
            S3Error::new(
                S3ErrorCode::InvalidStorageClass,
                StatusCode::BAD_REQUEST,
                "The storage class you specified is not valid",
            )
            .with_extra("StorageClassRequested", c)
        }),
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
            S3ErrorCode::InvalidDigest,
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
            S3ErrorCode::BadDigest,
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
                    S3ErrorCode::BadDigest,
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

/// Objects in archive storage classes cannot be read until restored: `InvalidObjectState` 403.
pub(super) fn check_readable(obj: &ObjectVersion) -> Result<(), S3Error> {
    if obj.storage_class.is_archived() {
        return Err(S3Error::new(
            S3ErrorCode::InvalidObjectState,
            StatusCode::FORBIDDEN,
            "The operation is not valid for the object's storage class",
        )
        .with_extra("StorageClass", obj.storage_class.as_str())
        .with_header("x-amz-storage-class", obj.storage_class.as_str()));
    }
    Ok(())
}

/// `partNumber`: an integer from 1 to 10,000.
pub(super) fn part_number(req: &S3Request) -> Result<u32, S3Error> {
    let raw = req.query_param("partNumber").unwrap_or("");
    raw.parse::<u32>()
        .ok()
        .filter(|n| (1..=MAX_PART_NUMBER).contains(n))
        .ok_or_else(|| {
            S3Error::invalid_argument(
                "Part number must be an integer between 1 and 10000, inclusive",
                "partNumber",
                raw,
            )
        })
}

/// The byte range and part count GetObject/HeadObject serve for `partNumber=n`:
/// `InvalidArgument` for a bad number, `InvalidPartNumber` (416) past the last part, and
/// `InvalidRequest` when combined with `Range`.
pub(super) fn part_number_range(
    req: &S3Request,
    obj: &ObjectVersion,
    n: &str,
) -> Result<(ByteRange, usize), S3Error> {
    let number = part_number(req)?;
    if req.headers.contains_key("range") {
        return Err(S3Error::invalid_request(
            "Cannot specify both Range header and partNumber query parameter",
        ));
    }
    let (start, end, count) = obj.part_range(number).ok_or_else(|| {
        S3Error::new(
            S3ErrorCode::InvalidPartNumber,
            StatusCode::RANGE_NOT_SATISFIABLE,
            "The requested partnumber is not satisfiable",
        )
        .with_extra("PartNumberRequested", n)
        .with_extra("ActualPartCount", obj.part_sizes.len().max(1).to_string())
    })?;
    Ok((ByteRange { start, end }, count))
}
