//! Multipart upload operations: CreateMultipartUpload, UploadPart, UploadPartCopy,
//! CompleteMultipartUpload and AbortMultipartUpload (the listings are in `multipart_list.rs`).
//!
//! Parsing and XML live here; the upload state lives in `store::multipart`.
//!
//! Checksums: a part's `x-amz-checksum-*` is verified, stored and listed by ListParts; an
//! upload created with `x-amz-checksum-algorithm` rejects parts sent with another algorithm.
//! The completed object's checksum is an approximation: a full-object checksum of the
//! assembled data with the upload's algorithm (CRC64NVME by default), not S3's composite
//! `checksum-of-checksums-N` form, and part checksums listed in the completion body are not
//! compared. GetObject/HeadObject with `partNumber` serve one part of a completed object.
//! See <https://docs.aws.amazon.com/AmazonS3/latest/userguide/mpuoverview.html>.

use bytes::Bytes;
use http::{Response, StatusCode, header};
use serde::{Deserialize, Serialize};

use super::checksum::{Checksum, ChecksumAlgorithm};
use super::code::S3ErrorCode;
use super::conditional;
use super::copy::copy_source_object;
use super::error::S3Error;
use super::headers::{
    check_key, check_readable, content_headers, part_number, request_checksum, storage_class,
    user_metadata, verify_content_md5,
};
use super::multipart_done::{Answer, parts_key};
use super::request::S3Request;
use super::store::multipart::MIN_PART_SIZE;
use super::store::{CompletedPart, MultipartError, NewUpload, Owner};
use super::xml::{self, S3_XMLNS};
use super::{CreatedKind, Effect, S3};

impl From<MultipartError> for S3Error {
    fn from(e: MultipartError) -> Self {
        match e {
            MultipartError::Store(e) => e.into(),
            MultipartError::NoSuchUpload(id) => no_such_upload(&id),
            MultipartError::InvalidPart { part_number, etag } => S3Error::new(
                S3ErrorCode::InvalidPart,
                StatusCode::BAD_REQUEST,
                "One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.",
            )
            .with_extra("PartNumber", part_number.to_string())
            .with_extra("ETag", etag),
            MultipartError::InvalidPartOrder { part_number } => S3Error::new(
                S3ErrorCode::InvalidPartOrder,
                StatusCode::BAD_REQUEST,
                "The list of parts was not in ascending order. The parts list must be specified in order by part number.",
            )
            .with_extra("PartNumber", part_number.to_string()),
            MultipartError::EntityTooSmall {
                part_number,
                etag,
                size,
            } => S3Error::new(
                S3ErrorCode::EntityTooSmall,
                StatusCode::BAD_REQUEST,
                "Your proposed upload is smaller than the minimum allowed size",
            )
            .with_extra("ProposedSize", size.to_string())
            .with_extra("MinSizeAllowed", MIN_PART_SIZE.to_string())
            .with_extra("PartNumber", part_number.to_string())
            .with_extra("ETag", etag),
        }
    }
}

/// `NoSuchUpload` 404 with `UploadId`.
fn no_such_upload(upload_id: &str) -> S3Error {
    S3Error::new(
        S3ErrorCode::NoSuchUpload,
        StatusCode::NOT_FOUND,
        "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.",
    )
    .with_extra("UploadId", upload_id)
}

pub(super) fn ok_xml(body: String) -> Result<Response<Bytes>, S3Error> {
    Response::builder()
        .status(StatusCode::OK)
        .header(header::CONTENT_TYPE, "application/xml")
        .body(Bytes::from(body))
        .map_err(|e| S3Error::internal(e.to_string()))
}

pub(super) fn upload_id(req: &S3Request) -> &str {
    req.query_param("uploadId").unwrap_or("")
}

#[derive(Serialize)]
struct InitiateResult {
    #[serde(rename = "@xmlns")]
    xmlns: &'static str,
    #[serde(rename = "Bucket")]
    bucket: String,
    #[serde(rename = "Key")]
    key: String,
    #[serde(rename = "UploadId")]
    upload_id: String,
}

/// `POST /{bucket}/{key}?uploads`.
pub(super) fn create_upload(
    s3: &S3,
    req: &S3Request,
    bucket: &str,
    key: &str,
) -> Result<Response<Bytes>, S3Error> {
    let bucket = s3.owned_bucket(req, bucket)?;
    check_key(key)?;
    let checksum_algorithm = match req.header("x-amz-checksum-algorithm") {
        None => None,
        Some(a) => Some(ChecksumAlgorithm::parse(a).ok_or_else(|| {
            S3Error::invalid_request(
                "Checksum algorithm provided is unsupported. Please try again with any of the valid types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256]",
            )
        })?),
    };
    let spec = NewUpload {
        content: content_headers(req),
        metadata: user_metadata(s3, req)?,
        storage_class: storage_class(req)?,
        owner: Owner::from(req.requester.as_ref()),
        checksum_algorithm,
    };
    let upload_id = bucket.create_upload(key, spec)?;
    let body = xml::render(
        "InitiateMultipartUploadResult",
        &InitiateResult {
            xmlns: S3_XMLNS,
            bucket: bucket.name.clone(),
            key: key.to_owned(),
            upload_id,
        },
    )?;
    let mut b = Response::builder()
        .status(StatusCode::OK)
        .header(header::CONTENT_TYPE, "application/xml")
        .header("x-amz-server-side-encryption", "AES256");
    if let Some(a) = checksum_algorithm {
        b = b
            .header("x-amz-checksum-algorithm", a.upper_name())
            .header("x-amz-checksum-type", "COMPOSITE");
    }
    b.body(Bytes::from(body))
        .map_err(|e| S3Error::internal(e.to_string()))
}

/// `PUT /{bucket}/{key}?partNumber&uploadId`: UploadPart, or UploadPartCopy with
/// `x-amz-copy-source`.
pub(super) fn upload_part(
    s3: &S3,
    req: &S3Request,
    bucket: &str,
    key: &str,
) -> Result<Response<Bytes>, S3Error> {
    let bucket = s3.owned_bucket(req, bucket)?;
    let number = part_number(req)?;
    let id = upload_id(req);
    let algorithm = bucket.upload_checksum_algorithm(key, id)?;
    if req.headers.contains_key("x-amz-copy-source") {
        return upload_part_copy(s3, req, &bucket, key, id, number, algorithm);
    }
    let body = req.body.clone();
    verify_content_md5(req, &body)?;
    let checksum = request_checksum(req, &body)?;
    if let (Some(want), Some(got)) = (algorithm, &checksum)
        && want != got.algorithm
    {
        return Err(S3Error::invalid_request(format!(
            "Checksum Type mismatch occurred, expected checksum Type: {}, actual checksum Type: {}",
            want.name(),
            got.algorithm.name()
        )));
    }
    let outcome = bucket.upload_part(key, id, number, &body, checksum.clone())?;
    let mut b = Response::builder()
        .status(StatusCode::OK)
        .header(header::ETAG, format!("\"{}\"", outcome.etag))
        .header("x-amz-server-side-encryption", "AES256");
    if let Some(c) = &checksum {
        b = b.header(c.algorithm.header_name(), c.value.as_str());
    }
    b.body(Bytes::new())
        .map_err(|e| S3Error::internal(e.to_string()))
}

#[derive(Serialize)]
struct CopyPartResult {
    #[serde(rename = "@xmlns")]
    xmlns: &'static str,
    #[serde(rename = "ETag")]
    etag: String,
    #[serde(rename = "LastModified")]
    last_modified: String,
}

/// Parses `x-amz-copy-source-range: bytes=first-last` against a source of `size` bytes.
fn copy_range(raw: &str, size: u64) -> Result<(u64, u64), S3Error> {
    let invalid = || {
        S3Error::invalid_argument(
            "The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy",
            "x-amz-copy-source-range",
            raw,
        )
    };
    let spec = raw.trim().strip_prefix("bytes=").ok_or_else(invalid)?;
    let (a, b) = spec.split_once('-').ok_or_else(invalid)?;
    let first: u64 = a.trim().parse().map_err(|_| invalid())?;
    let last: u64 = b.trim().parse().map_err(|_| invalid())?;
    if first > last {
        return Err(invalid());
    }
    if last >= size {
        return Err(S3Error::invalid_request(format!(
            "The specified copy source is larger than the maximum allowable size for a copy source: {size}"
        ))
        .with_extra("ArgumentName", "x-amz-copy-source-range")
        .with_extra("ArgumentValue", raw));
    }
    Ok((first, last))
}

fn upload_part_copy(
    s3: &S3,
    req: &S3Request,
    bucket: &super::Bucket,
    key: &str,
    id: &str,
    number: u32,
    algorithm: Option<ChecksumAlgorithm>,
) -> Result<Response<Bytes>, S3Error> {
    let (obj, _) = copy_source_object(s3, req)?;
    conditional::check_copy_source(req, &obj.etag, obj.last_modified)?;
    check_readable(&obj)?;
    let data = match req.header("x-amz-copy-source-range") {
        None => obj.body.clone(),
        Some(r) => {
            let (first, last) = copy_range(r, obj.size)?;
            let (first, last) = (
                usize::try_from(first).map_err(|e| S3Error::internal(e.to_string()))?,
                usize::try_from(last).map_err(|e| S3Error::internal(e.to_string()))?,
            );
            obj.body.slice(first..=last)
        }
    };
    let checksum = algorithm.map(|a| Checksum::of(a, &data));
    let outcome = bucket.upload_part(key, id, number, &data, checksum)?;
    let body = xml::render(
        "CopyPartResult",
        &CopyPartResult {
            xmlns: S3_XMLNS,
            etag: format!("\"{}\"", outcome.etag),
            last_modified: xml::iso8601(outcome.last_modified),
        },
    )?;
    let mut b = Response::builder()
        .status(StatusCode::OK)
        .header(header::CONTENT_TYPE, "application/xml")
        .header("x-amz-server-side-encryption", "AES256");
    if let Some(v) = &obj.version_id {
        b = b.header("x-amz-copy-source-version-id", v.as_str());
    }
    b.body(Bytes::from(body))
        .map_err(|e| S3Error::internal(e.to_string()))
}

#[derive(Debug, Deserialize)]
struct CompleteXml {
    #[serde(rename = "Part", default)]
    parts: Vec<PartXml>,
}

#[derive(Debug, Deserialize)]
struct PartXml {
    #[serde(rename = "PartNumber")]
    part_number: u32,
    #[serde(rename = "ETag")]
    etag: String,
}

#[derive(Serialize)]
struct CompleteResult {
    #[serde(rename = "@xmlns")]
    xmlns: &'static str,
    #[serde(rename = "Location")]
    location: String,
    #[serde(rename = "Bucket")]
    bucket: String,
    #[serde(rename = "Key")]
    key: String,
    #[serde(rename = "ETag")]
    etag: String,
}

/// `POST /{bucket}/{key}?uploadId`.
pub(super) fn complete_upload(
    s3: &S3,
    req: &S3Request,
    bucket: &str,
    key: &str,
    fx: &mut Vec<Effect>,
) -> Result<Response<Bytes>, S3Error> {
    let bucket = s3.owned_bucket(req, bucket)?;
    let id = upload_id(req);
    // An unknown upload is reported before the body is looked at, unless this repeats a
    // recent completion with the same parts: S3 answers that as it answered the first.
    if let Err(e) = bucket.check_upload(key, id) {
        let repeat = xml::parse::<CompleteXml>(&req.body).ok().and_then(|p| {
            let parts = parts_key(p.parts.iter().map(|p| (p.part_number, p.etag.as_str())));
            s3.completed_uploads().replay(&bucket.name, key, id, &parts)
        });
        return match repeat {
            Some(answer) => completed_response(answer),
            None => Err(e.into()),
        };
    }
    let parsed: CompleteXml = xml::parse(&req.body)?;
    if parsed.parts.is_empty() {
        return Err(S3Error::malformed_xml());
    }
    let parts: Vec<CompletedPart> = parsed
        .parts
        .into_iter()
        .map(|p| CompletedPart {
            part_number: p.part_number,
            etag: p.etag,
        })
        .collect();
    let outcome = bucket.complete_upload(key, id, &parts).map_err(|e| {
        let e = S3Error::from(e);
        if e.extra("UploadId").is_some() {
            e
        } else {
            e.with_extra("UploadId", id)
        }
    })?;
    let location = format!(
        "http://{}/{}/{}",
        req.header("host").unwrap_or("localhost"),
        bucket.name,
        crate::s3event::encode_key(key)
    );
    let body = xml::render(
        "CompleteMultipartUploadResult",
        &CompleteResult {
            xmlns: S3_XMLNS,
            location,
            bucket: bucket.name.clone(),
            key: key.to_owned(),
            etag: format!("\"{}\"", outcome.etag),
        },
    )?;
    let answer = Answer {
        body,
        version_id: outcome.version_id.clone(),
    };
    s3.completed_uploads().remember(
        &bucket.name,
        key,
        id,
        parts_key(parts.iter().map(|p| (p.part_number, p.etag.as_str()))),
        answer.clone(),
    );
    // Reported only now: the object is readable once complete_upload has returned.
    fx.push(Effect::ObjectCreated {
        kind: CreatedKind::CompleteMultipartUpload,
        outcome,
    });
    completed_response(answer)
}

/// The 200 of a completion (the first, or a repeat of it).
fn completed_response(answer: Answer) -> Result<Response<Bytes>, S3Error> {
    let mut b = Response::builder()
        .status(StatusCode::OK)
        .header(header::CONTENT_TYPE, "application/xml")
        .header("x-amz-server-side-encryption", "AES256");
    if let Some(v) = &answer.version_id {
        b = b.header("x-amz-version-id", v.as_str());
    }
    b.body(Bytes::from(answer.body))
        .map_err(|e| S3Error::internal(e.to_string()))
}

/// `DELETE /{bucket}/{key}?uploadId`: 204.
pub(super) fn abort_upload(
    s3: &S3,
    req: &S3Request,
    bucket: &str,
    key: &str,
) -> Result<Response<Bytes>, S3Error> {
    let bucket = s3.owned_bucket(req, bucket)?;
    bucket.abort_upload(key, upload_id(req))?;
    Response::builder()
        .status(StatusCode::NO_CONTENT)
        .body(Bytes::new())
        .map_err(|e| S3Error::internal(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::Account;
    use crate::s3::S3Config;
    use http::Method;
    use std::sync::Arc;

    fn req(method: Method, key: Option<&str>, query: &[(&str, &str)], body: &str) -> S3Request {
        let mut r = S3Request::new(
            method,
            Some("bkt"),
            key,
            Arc::new(Account::default_account()),
        );
        r.query = query
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        r.body = Bytes::from(body.to_owned());
        r
    }

    fn setup() -> S3 {
        let s3 = S3::new(S3Config::default());
        s3.answer(req(Method::PUT, None, &[], "")).unwrap();
        s3
    }

    fn upload_id_of(r: &Response<Bytes>) -> String {
        let text = String::from_utf8(r.body().to_vec()).unwrap();
        let start = text.find("<UploadId>").unwrap() + "<UploadId>".len();
        let end = text.find("</UploadId>").unwrap();
        text[start..end].to_owned()
    }

    #[test]
    fn complete_reports_the_effect_only_on_success() {
        let s3 = setup();
        let r = s3
            .answer(req(Method::POST, Some("k"), &[("uploads", "")], ""))
            .unwrap();
        let id = upload_id_of(&r);
        let crate::s3::Handled {
            response: r,
            effects: fx,
        } = s3.handle(&req(
            Method::PUT,
            Some("k"),
            &[("partNumber", "1"), ("uploadId", &id)],
            "hello",
        ));
        assert!(fx.is_empty());
        let etag = r.unwrap().headers()[header::ETAG]
            .to_str()
            .unwrap()
            .to_owned();
        // Bad XML and a bad part: errors, no effects.
        let crate::s3::Handled {
            response: r,
            effects: fx,
        } = s3.handle(&req(
            Method::POST,
            Some("k"),
            &[("uploadId", &id)],
            "<CompleteMultipartUpload></CompleteMultipartUpload>",
        ));
        assert_eq!(r.unwrap_err().code(), "MalformedXML");
        assert!(fx.is_empty());
        let bad = "<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>\"x\"</ETag></Part></CompleteMultipartUpload>";
        let crate::s3::Handled {
            response: r,
            effects: fx,
        } = s3.handle(&req(Method::POST, Some("k"), &[("uploadId", &id)], bad));
        let e = r.unwrap_err();
        assert_eq!(e.code(), "InvalidPart");
        assert_eq!(e.extra("UploadId"), Some(id.as_str()));
        assert!(fx.is_empty());
        let good = format!(
            "<CompleteMultipartUpload><Part><ETag>{etag}</ETag><PartNumber>1</PartNumber></Part></CompleteMultipartUpload>"
        );
        let crate::s3::Handled {
            response: r,
            effects: fx,
        } = s3.handle(&req(Method::POST, Some("k"), &[("uploadId", &id)], &good));
        r.unwrap();
        let [Effect::ObjectCreated { kind, outcome }] = fx.as_slice() else {
            panic!("one effect expected: {fx:?}");
        };
        assert_eq!(*kind, CreatedKind::CompleteMultipartUpload);
        assert_eq!(outcome.size, 5);
        assert!(outcome.etag.ends_with("-1"));
        // The object is readable when the effect is reported.
        let got = s3.answer(req(Method::GET, Some("k"), &[], "")).unwrap();
        assert_eq!(got.body().as_ref(), b"hello");
        // Repeated with the same parts: the first answer again, with no second effect.
        let first = r_body(&s3, &id, &good);
        let again = s3.handle(&req(Method::POST, Some("k"), &[("uploadId", &id)], &good));
        assert!(again.effects.is_empty());
        assert_eq!(again.response.unwrap().body(), &first);
        // With other parts: NoSuchUpload.
        let other = good.replace(etag.as_str(), "0123456789abcdef0123456789abcdef");
        let e = s3
            .answer(req(Method::POST, Some("k"), &[("uploadId", &id)], &other))
            .unwrap_err();
        assert_eq!(e.code(), "NoSuchUpload");
        assert_eq!(e.status(), StatusCode::NOT_FOUND);
    }

    fn r_body(s3: &S3, id: &str, body: &str) -> Bytes {
        s3.answer(req(Method::POST, Some("k"), &[("uploadId", id)], body))
            .unwrap()
            .into_body()
    }

    #[test]
    fn part_numbers_are_validated() {
        let s3 = setup();
        let r = s3
            .answer(req(Method::POST, Some("k"), &[("uploads", "")], ""))
            .unwrap();
        let id = upload_id_of(&r);
        for n in ["0", "10001", "x"] {
            let e = s3
                .answer(req(
                    Method::PUT,
                    Some("k"),
                    &[("partNumber", n), ("uploadId", &id)],
                    "d",
                ))
                .unwrap_err();
            assert_eq!(e.code(), "InvalidArgument", "{n}");
        }
        let e = s3
            .answer(req(Method::GET, Some("k"), &[("partNumber", "1")], ""))
            .unwrap_err();
        assert_eq!(e.code(), "NoSuchKey");
        s3.answer(req(Method::PUT, Some("k"), &[], "whole"))
            .unwrap();
        let r = s3
            .answer(req(Method::GET, Some("k"), &[("partNumber", "1")], ""))
            .unwrap();
        assert_eq!(r.body().as_ref(), b"whole");
        assert_eq!(r.headers()["x-amz-mp-parts-count"], "1");
        let e = s3
            .answer(req(Method::GET, Some("k"), &[("partNumber", "2")], ""))
            .unwrap_err();
        assert_eq!(e.code(), "InvalidPartNumber");
    }

    #[test]
    fn copy_range_forms() {
        assert_eq!(copy_range("bytes=0-9", 10).unwrap(), (0, 9));
        assert_eq!(copy_range("bytes=3-3", 10).unwrap(), (3, 3));
        for bad in ["0-9", "bytes=5-2", "bytes=a-1", "bytes=-5"] {
            assert_eq!(
                copy_range(bad, 10).unwrap_err().code(),
                "InvalidArgument",
                "{bad}"
            );
        }
        assert_eq!(
            copy_range("bytes=0-10", 10).unwrap_err().code(),
            "InvalidRequest"
        );
    }
}
