//! The multipart listings: ListParts (`GET /{bucket}/{key}?uploadId`) and
//! ListMultipartUploads (`GET /{bucket}?uploads`), with their XML.
//! See <https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListParts.html>.

use bytes::Bytes;
use http::Response;
use serde::Serialize;

use super::S3;
use super::checksum::ChecksumAlgorithm;
use super::error::S3Error;
use super::multipart::{ok_xml, upload_id};
use super::request::S3Request;
use super::storage_class::StorageClass;
use super::xml::{self, OwnerXml, S3_XMLNS};

/// The most uploads or parts one list page returns.
const MAX_LIST: usize = 1000;

#[derive(Serialize)]
struct PartEntryXml {
    #[serde(rename = "PartNumber")]
    part_number: u32,
    #[serde(rename = "LastModified")]
    last_modified: String,
    #[serde(rename = "ETag")]
    etag: String,
    #[serde(rename = "Size")]
    size: u64,
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

#[derive(Serialize)]
struct ListPartsResult {
    #[serde(rename = "@xmlns")]
    xmlns: &'static str,
    #[serde(rename = "Bucket")]
    bucket: String,
    #[serde(rename = "Key")]
    key: String,
    #[serde(rename = "UploadId")]
    upload_id: String,
    #[serde(rename = "PartNumberMarker")]
    part_number_marker: u32,
    #[serde(rename = "NextPartNumberMarker")]
    next_part_number_marker: u32,
    #[serde(rename = "MaxParts")]
    max_parts: usize,
    #[serde(rename = "IsTruncated")]
    is_truncated: bool,
    #[serde(rename = "Part")]
    parts: Vec<PartEntryXml>,
    #[serde(rename = "Initiator")]
    initiator: OwnerXml,
    #[serde(rename = "Owner")]
    owner: OwnerXml,
    #[serde(rename = "StorageClass")]
    storage_class: StorageClass,
    #[serde(rename = "ChecksumAlgorithm", skip_serializing_if = "Option::is_none")]
    checksum_algorithm: Option<&'static str>,
}

fn max_param(req: &S3Request, name: &str) -> Result<usize, S3Error> {
    match req.query_param(name) {
        None => Ok(MAX_LIST),
        Some(v) => v.parse::<usize>().map(|n| n.min(MAX_LIST)).map_err(|_| {
            S3Error::invalid_argument(
                format!("Provided {name} not an integer or within integer range"),
                name,
                v,
            )
        }),
    }
}

/// `GET /{bucket}/{key}?uploadId`.
pub(super) fn list_parts(
    s3: &S3,
    req: &S3Request,
    bucket: &str,
    key: &str,
) -> Result<Response<Bytes>, S3Error> {
    let bucket = s3.owned_bucket(req, bucket)?;
    let upload = bucket.upload(key, upload_id(req))?;
    let max_parts = max_param(req, "max-parts")?;
    let marker: u32 = match req.query_param("part-number-marker") {
        None | Some("") => 0,
        Some(v) => v.parse().map_err(|_| {
            S3Error::invalid_argument(
                "Provided part-number-marker not an integer or within integer range",
                "part-number-marker",
                v,
            )
        })?,
    };
    let mut rest = upload.parts.range(marker.saturating_add(1)..);
    let page: Vec<_> = rest.by_ref().take(max_parts).collect();
    let is_truncated = rest.next().is_some();
    let next = page.last().map_or(0, |(n, _)| **n);
    let parts = page
        .into_iter()
        .map(|(_, p)| {
            let value = |a: ChecksumAlgorithm| {
                p.checksum
                    .as_ref()
                    .filter(|c| c.algorithm == a)
                    .map(|c| c.value.clone())
            };
            PartEntryXml {
                part_number: p.part_number,
                last_modified: xml::iso8601(p.last_modified),
                etag: format!("\"{}\"", p.etag),
                size: p.size,
                crc32: value(ChecksumAlgorithm::Crc32),
                crc32c: value(ChecksumAlgorithm::Crc32c),
                crc64nvme: value(ChecksumAlgorithm::Crc64Nvme),
                sha1: value(ChecksumAlgorithm::Sha1),
                sha256: value(ChecksumAlgorithm::Sha256),
            }
        })
        .collect();
    let body = xml::render(
        "ListPartsResult",
        &ListPartsResult {
            xmlns: S3_XMLNS,
            bucket: bucket.name.clone(),
            key: key.to_owned(),
            upload_id: upload.upload_id.clone(),
            part_number_marker: marker,
            next_part_number_marker: next,
            max_parts,
            is_truncated,
            parts,
            initiator: OwnerXml::from(&upload.spec.owner),
            owner: OwnerXml::from(&upload.spec.owner),
            storage_class: upload.spec.storage_class,
            checksum_algorithm: upload
                .spec
                .checksum_algorithm
                .map(ChecksumAlgorithm::upper_name),
        },
    )?;
    ok_xml(body)
}

#[derive(Serialize)]
struct UploadXml {
    #[serde(rename = "Key")]
    key: String,
    #[serde(rename = "UploadId")]
    upload_id: String,
    #[serde(rename = "Initiator")]
    initiator: OwnerXml,
    #[serde(rename = "Owner")]
    owner: OwnerXml,
    #[serde(rename = "StorageClass")]
    storage_class: StorageClass,
    #[serde(rename = "Initiated")]
    initiated: String,
    #[serde(rename = "ChecksumAlgorithm", skip_serializing_if = "Option::is_none")]
    checksum_algorithm: Option<&'static str>,
}

#[derive(Serialize)]
struct PrefixXml {
    #[serde(rename = "Prefix")]
    prefix: String,
}

#[derive(Serialize)]
struct ListUploadsResult {
    #[serde(rename = "@xmlns")]
    xmlns: &'static str,
    #[serde(rename = "Bucket")]
    bucket: String,
    #[serde(rename = "KeyMarker")]
    key_marker: String,
    #[serde(rename = "UploadIdMarker")]
    upload_id_marker: String,
    #[serde(rename = "NextKeyMarker", skip_serializing_if = "Option::is_none")]
    next_key_marker: Option<String>,
    #[serde(rename = "NextUploadIdMarker", skip_serializing_if = "Option::is_none")]
    next_upload_id_marker: Option<String>,
    #[serde(rename = "Prefix")]
    prefix: String,
    #[serde(rename = "Delimiter", skip_serializing_if = "Option::is_none")]
    delimiter: Option<String>,
    #[serde(rename = "MaxUploads")]
    max_uploads: usize,
    #[serde(rename = "IsTruncated")]
    is_truncated: bool,
    #[serde(rename = "Upload")]
    uploads: Vec<UploadXml>,
    #[serde(rename = "CommonPrefixes")]
    common_prefixes: Vec<PrefixXml>,
}

/// `GET /{bucket}?uploads`.
pub(super) fn list_uploads(
    s3: &S3,
    req: &S3Request,
    bucket: &str,
) -> Result<Response<Bytes>, S3Error> {
    let bucket = s3.owned_bucket(req, bucket)?;
    let max_uploads = max_param(req, "max-uploads")?;
    let prefix = req.query_param("prefix").unwrap_or("");
    let delimiter = req.query_param("delimiter").unwrap_or("");
    let key_marker = req.query_param("key-marker").filter(|s| !s.is_empty());
    let upload_id_marker = req
        .query_param("upload-id-marker")
        .filter(|s| !s.is_empty());
    let page = bucket.list_uploads(prefix, delimiter, key_marker, upload_id_marker, max_uploads);
    let (next_key, next_id) = match (&page.last, page.truncated) {
        (Some((k, id)), true) => (Some(k.clone()), Some(id.clone())),
        _ => (None, None),
    };
    let body = xml::render(
        "ListMultipartUploadsResult",
        &ListUploadsResult {
            xmlns: S3_XMLNS,
            bucket: bucket.name.clone(),
            key_marker: key_marker.unwrap_or("").to_owned(),
            upload_id_marker: upload_id_marker.unwrap_or("").to_owned(),
            next_key_marker: next_key,
            next_upload_id_marker: next_id,
            prefix: prefix.to_owned(),
            delimiter: (!delimiter.is_empty()).then(|| delimiter.to_owned()),
            max_uploads,
            is_truncated: page.truncated,
            uploads: page
                .uploads
                .iter()
                .map(|u| UploadXml {
                    key: u.key.clone(),
                    upload_id: u.upload_id.clone(),
                    initiator: OwnerXml::from(&u.owner),
                    owner: OwnerXml::from(&u.owner),
                    storage_class: u.storage_class,
                    initiated: xml::iso8601(u.initiated),
                    checksum_algorithm: u.checksum_algorithm.map(ChecksumAlgorithm::upper_name),
                })
                .collect(),
            common_prefixes: page
                .common_prefixes
                .iter()
                .map(|p| PrefixXml { prefix: p.clone() })
                .collect(),
        },
    )?;
    ok_xml(body)
}
