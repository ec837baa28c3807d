//! ListObjectsV2 (`GET /{bucket}?list-type=2`) and ListObjects (`GET /{bucket}`): prefix,
//! delimiter, common prefixes, max-keys, continuation token / marker, start-after,
//! `encoding-type=url`, fetch-owner.
//!
//! See <https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html>.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use bytes::Bytes;
use http::{Response, StatusCode};
use serde::Serialize;

use super::S3;
use super::bucket::OwnerXml;
use super::code::S3ErrorCode;
use super::error::S3Error;
use super::request::S3Request;
use super::storage_class::StorageClass;
use super::store::{ListPage, ListParams, ObjectVersion};
use super::xml::{self, S3_XMLNS};
use crate::s3event::encode_key;

/// The most keys a page holds.
pub const MAX_KEYS: usize = 1000;

#[derive(Serialize)]
struct ContentsXml {
    #[serde(rename = "Key")]
    key: String,
    #[serde(rename = "LastModified")]
    last_modified: String,
    #[serde(rename = "ETag")]
    etag: String,
    #[serde(rename = "ChecksumAlgorithm", skip_serializing_if = "Option::is_none")]
    checksum_algorithm: Option<&'static str>,
    #[serde(rename = "ChecksumType", skip_serializing_if = "Option::is_none")]
    checksum_type: Option<&'static str>,
    #[serde(rename = "Size")]
    size: u64,
    #[serde(rename = "Owner", skip_serializing_if = "Option::is_none")]
    owner: Option<OwnerXml>,
    #[serde(rename = "StorageClass")]
    storage_class: StorageClass,
}

#[derive(Serialize)]
struct CommonPrefixXml {
    #[serde(rename = "Prefix")]
    prefix: String,
}

#[derive(Serialize)]
struct ListV2Result {
    #[serde(rename = "@xmlns")]
    xmlns: &'static str,
    #[serde(rename = "Name")]
    name: String,
    #[serde(rename = "Prefix")]
    prefix: String,
    #[serde(rename = "Delimiter", skip_serializing_if = "Option::is_none")]
    delimiter: Option<String>,
    #[serde(rename = "MaxKeys")]
    max_keys: usize,
    #[serde(rename = "EncodingType", skip_serializing_if = "Option::is_none")]
    encoding_type: Option<&'static str>,
    #[serde(rename = "KeyCount")]
    key_count: usize,
    #[serde(rename = "IsTruncated")]
    is_truncated: bool,
    #[serde(rename = "ContinuationToken", skip_serializing_if = "Option::is_none")]
    continuation_token: Option<String>,
    #[serde(
        rename = "NextContinuationToken",
        skip_serializing_if = "Option::is_none"
    )]
    next_continuation_token: Option<String>,
    #[serde(rename = "StartAfter", skip_serializing_if = "Option::is_none")]
    start_after: Option<String>,
    #[serde(rename = "Contents")]
    contents: Vec<ContentsXml>,
    #[serde(rename = "CommonPrefixes")]
    common_prefixes: Vec<CommonPrefixXml>,
}

#[derive(Serialize)]
struct ListV1Result {
    #[serde(rename = "@xmlns")]
    xmlns: &'static str,
    #[serde(rename = "Name")]
    name: String,
    #[serde(rename = "Prefix")]
    prefix: String,
    #[serde(rename = "Marker")]
    marker: String,
    #[serde(rename = "NextMarker", skip_serializing_if = "Option::is_none")]
    next_marker: Option<String>,
    #[serde(rename = "MaxKeys")]
    max_keys: usize,
    #[serde(rename = "Delimiter", skip_serializing_if = "Option::is_none")]
    delimiter: Option<String>,
    #[serde(rename = "EncodingType", skip_serializing_if = "Option::is_none")]
    encoding_type: Option<&'static str>,
    #[serde(rename = "IsTruncated")]
    is_truncated: bool,
    #[serde(rename = "Contents")]
    contents: Vec<ContentsXml>,
    #[serde(rename = "CommonPrefixes")]
    common_prefixes: Vec<CommonPrefixXml>,
}

/// Options both listing versions share.
struct Common<'a> {
    prefix: &'a str,
    delimiter: &'a str,
    max_keys: usize,
    url: bool,
}

impl Common<'_> {
    fn enc(&self, s: &str) -> String {
        if self.url {
            encode_key(s)
        } else {
            s.to_owned()
        }
    }
}

fn common(req: &S3Request) -> Result<Common<'_>, S3Error> {
    let max_keys = match req.query_param("max-keys") {
        None => MAX_KEYS,
        Some(v) => match v.parse::<i64>() {
            Ok(n) if n >= 0 => usize::try_from(n).unwrap_or(MAX_KEYS).min(MAX_KEYS),
            _ => {
                return Err(S3Error::invalid_argument(
                    "Provided max-keys not an integer or within integer range",
                    "max-keys",
                    v,
                ));
            }
        },
    };
    let url = match req.query_param("encoding-type") {
        None => false,
        Some(v) if v.eq_ignore_ascii_case("url") => true,
        Some(v) => {
            let e = S3Error::new(
                S3ErrorCode::InvalidArgument,
                StatusCode::BAD_REQUEST,
                "Invalid Encoding Method specified in Request",
            )
            .with_extra("ArgumentName", "encoding-type");
            return Err(if v.is_empty() {
                e
            } else {
                e.with_extra("ArgumentValue", v)
            });
        }
    };
    Ok(Common {
        prefix: req.query_param("prefix").unwrap_or(""),
        delimiter: req.query_param("delimiter").unwrap_or(""),
        max_keys,
        url,
    })
}

fn contents(page: &ListPage, c: &Common<'_>, with_owner: bool) -> Vec<ContentsXml> {
    page.objects
        .iter()
        .map(|o: &std::sync::Arc<ObjectVersion>| ContentsXml {
            key: c.enc(&o.key),
            last_modified: xml::iso8601(o.last_modified),
            etag: format!("\"{}\"", o.etag),
            checksum_algorithm: o.checksum.as_ref().map(|ch| ch.algorithm.upper_name()),
            checksum_type: o.checksum.as_ref().map(|_| "FULL_OBJECT"),
            size: o.size,
            owner: with_owner.then(|| OwnerXml {
                id: o.owner.canonical_id.clone(),
            }),
            storage_class: o.storage_class,
        })
        .collect()
}

fn prefixes(page: &ListPage, c: &Common<'_>) -> Vec<CommonPrefixXml> {
    page.common_prefixes
        .iter()
        .map(|p| CommonPrefixXml { prefix: c.enc(p) })
        .collect()
}

/// `GET /{bucket}?list-type=2`.
pub(super) fn list_objects_v2(
    s3: &S3,
    req: &S3Request,
    bucket: &str,
) -> Result<Response<Bytes>, S3Error> {
    let bucket = s3.owned_bucket(req, bucket)?;
    let c = common(req)?;
    let token = req.query_param("continuation-token");
    let token_key = match token {
        None => None,
        Some(t) => Some(
            URL_SAFE_NO_PAD
                .decode(t)
                .ok()
                .and_then(|b| String::from_utf8(b).ok())
                .ok_or_else(|| {
                    S3Error::invalid_argument(
                        "The continuation token provided is incorrect",
                        "continuation-token",
                        t,
                    )
                })?,
        ),
    };
    let start_after = req.query_param("start-after").filter(|s| !s.is_empty());
    let after = match (token_key.as_deref(), start_after) {
        (Some(t), _) => Some(t),
        (None, s) => s,
    };
    let page = bucket.list(&ListParams {
        prefix: c.prefix,
        delimiter: c.delimiter,
        after,
        max_keys: c.max_keys,
    });
    let fetch_owner = req.query_param("fetch-owner") == Some("true");
    let next = if page.truncated {
        page.last
            .as_ref()
            .map(|l| URL_SAFE_NO_PAD.encode(l.as_bytes()))
    } else {
        None
    };
    let result = ListV2Result {
        xmlns: S3_XMLNS,
        name: bucket.name.clone(),
        prefix: c.enc(c.prefix),
        delimiter: (!c.delimiter.is_empty()).then(|| c.enc(c.delimiter)),
        max_keys: c.max_keys,
        encoding_type: c.url.then_some("url"),
        key_count: page.objects.len() + page.common_prefixes.len(),
        is_truncated: page.truncated,
        continuation_token: token.map(str::to_owned),
        next_continuation_token: next,
        start_after: start_after.map(|s| c.enc(s)),
        contents: contents(&page, &c, fetch_owner),
        common_prefixes: prefixes(&page, &c),
    };
    xml::xml_response("ListBucketResult", &result)
}

/// `GET /{bucket}` (ListObjects, version 1).
pub(super) fn list_objects_v1(
    s3: &S3,
    req: &S3Request,
    bucket: &str,
) -> Result<Response<Bytes>, S3Error> {
    let bucket = s3.owned_bucket(req, bucket)?;
    let c = common(req)?;
    let marker = req.query_param("marker").unwrap_or("");
    let page = bucket.list(&ListParams {
        prefix: c.prefix,
        delimiter: c.delimiter,
        after: (!marker.is_empty()).then_some(marker),
        max_keys: c.max_keys,
    });
    let next_marker = if page.truncated && !c.delimiter.is_empty() {
        page.last.as_deref().map(|l| c.enc(l))
    } else {
        None
    };
    let result = ListV1Result {
        xmlns: S3_XMLNS,
        name: bucket.name.clone(),
        prefix: c.enc(c.prefix),
        marker: c.enc(marker),
        next_marker,
        max_keys: c.max_keys,
        delimiter: (!c.delimiter.is_empty()).then(|| c.enc(c.delimiter)),
        encoding_type: c.url.then_some("url"),
        is_truncated: page.truncated,
        contents: contents(&page, &c, true),
        common_prefixes: prefixes(&page, &c),
    };
    xml::xml_response("ListBucketResult", &result)
}
