//! Object operations: PutObject, GetObject, HeadObject, DeleteObject. The request parsing
//! they share with CopyObject and the multipart operations is in `headers.rs`.
//!
//! See <https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html> and
//! <https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html>.

use bytes::Bytes;
use http::{HeaderValue, Method, Response, StatusCode, header, response::Builder};

use super::checksum::{Checksum, ChecksumAlgorithm};
use super::conditional::{self, Precondition};
use super::config;
use super::error::S3Error;
use super::headers::{
    check_key, check_readable, check_write_conditions, checksum_headers, content_headers,
    part_number_range, request_checksum, storage_class, user_metadata, validate_write_conditions,
    verify_content_md5,
};
use super::request::S3Request;
use super::storage_class::StorageClass;
use super::store::{NewObject, ObjectVersion, Owner};
use super::xml::http_date;
use super::{CreatedKind, Effect, S3};

/// The default `Content-Type` S3 gives objects stored without one.
pub const DEFAULT_CONTENT_TYPE: &str = "binary/octet-stream";

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
    let tags = config::header_tags(req)?;
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
    if let Some(tags) = tags {
        s3.tag_object_write(&bucket, key, outcome.sequencer, tags);
    }
    fx.push(Effect::ObjectCreated {
        kind: CreatedKind::Put,
        outcome,
    });
    b.body(Bytes::new())
        .map_err(|e| S3Error::internal(e.to_string()))
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
    if obj.storage_class != StorageClass::Standard {
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
            let (range, count) = part_number_range(req, &obj, n)?;
            (Some(range), Some(count))
        }
    };
    let mut b = object_headers(Response::builder(), &obj, req);
    let tag_count = s3.object_tag_count(&bucket.name, key, obj.sequencer);
    if tag_count > 0 {
        b = b.header("x-amz-tagging-count", tag_count);
    }
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
