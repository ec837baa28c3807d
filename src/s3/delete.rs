//! DeleteObjects: `POST /{bucket}?delete` with an XML list of keys, quiet mode, per-key results.
//!
//! See <https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteObjects.html>.

use bytes::Bytes;
use http::Response;
use serde::{Deserialize, Serialize};

use super::checksum::ChecksumAlgorithm;
use super::error::S3Error;
use super::headers::{request_checksum, verify_content_md5};
use super::request::S3Request;
use super::store::DeleteKind;
use super::xml::{self, S3_XMLNS};
use super::{Effect, S3};

/// The most keys one DeleteObjects request may name.
pub const MAX_DELETE_KEYS: usize = 1000;

#[derive(Debug, Deserialize)]
struct Delete {
    #[serde(rename = "Object", default)]
    objects: Vec<ObjectIdentifier>,
    #[serde(rename = "Quiet", default)]
    quiet: Option<bool>,
}

#[derive(Debug, Deserialize)]
struct ObjectIdentifier {
    #[serde(rename = "Key")]
    key: String,
    #[serde(rename = "VersionId", default)]
    version_id: Option<String>,
}

#[derive(Serialize)]
struct DeleteResult {
    #[serde(rename = "@xmlns")]
    xmlns: &'static str,
    #[serde(rename = "Deleted")]
    deleted: Vec<Deleted>,
    #[serde(rename = "Error")]
    errors: Vec<DeleteError>,
}

#[derive(Serialize)]
struct Deleted {
    #[serde(rename = "Key")]
    key: String,
    #[serde(rename = "VersionId", skip_serializing_if = "Option::is_none")]
    version_id: Option<String>,
    #[serde(rename = "DeleteMarker", skip_serializing_if = "Option::is_none")]
    delete_marker: Option<bool>,
    #[serde(
        rename = "DeleteMarkerVersionId",
        skip_serializing_if = "Option::is_none"
    )]
    delete_marker_version_id: Option<String>,
}

#[derive(Serialize)]
struct DeleteError {
    #[serde(rename = "Key")]
    key: String,
    #[serde(rename = "VersionId", skip_serializing_if = "Option::is_none")]
    version_id: Option<String>,
    #[serde(rename = "Code")]
    code: String,
    #[serde(rename = "Message")]
    message: String,
}

/// Checks the root element is `<Delete>`; serde ignores the root name.
fn root_is_delete(body: &[u8]) -> bool {
    let mut reader = quick_xml::Reader::from_reader(body);
    let mut buf = Vec::new();
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(quick_xml::events::Event::Start(e)) => {
                return e.local_name().into_inner() == "Delete";
            }
            Ok(quick_xml::events::Event::Eof) | Err(_) => return false,
            Ok(_) => buf.clear(),
        }
    }
}

/// `POST /{bucket}?delete`.
pub(super) fn delete_objects(
    s3: &S3,
    req: &S3Request,
    bucket: &str,
    fx: &mut Vec<Effect>,
) -> Result<Response<Bytes>, S3Error> {
    let bucket = s3.owned_bucket(req, bucket)?;
    let has_checksum = req.headers.contains_key("content-md5")
        || ChecksumAlgorithm::ALL
            .iter()
            .any(|a| req.headers.contains_key(a.header_name()));
    if !has_checksum {
        return Err(S3Error::invalid_request(
            "Missing required header for this request: Content-MD5 OR x-amz-checksum-*",
        ));
    }
    verify_content_md5(req, &req.body)?;
    request_checksum(req, &req.body)?;
    if !root_is_delete(&req.body) {
        return Err(S3Error::malformed_xml());
    }
    let parsed: Delete = xml::parse(&req.body)?;
    if parsed.objects.is_empty()
        || parsed.objects.len() > MAX_DELETE_KEYS
        || parsed.objects.iter().any(|o| o.key.is_empty())
    {
        return Err(S3Error::malformed_xml());
    }
    let quiet = parsed.quiet.unwrap_or(false);
    let mut result = DeleteResult {
        xmlns: S3_XMLNS,
        deleted: Vec::new(),
        errors: Vec::new(),
    };
    for o in parsed.objects {
        let outcome = match o.version_id.as_deref() {
            None => bucket.delete_object(&o.key),
            Some(v) => {
                let Ok(outcome) = bucket.delete_version(&o.key, v) else {
                    result.errors.push(DeleteError {
                        key: o.key,
                        version_id: o.version_id,
                        code: "NoSuchVersion".to_owned(),
                        message: "The specified version does not exist.".to_owned(),
                    });
                    continue;
                };
                outcome
            }
        };
        let marker = outcome.is_delete_marker();
        let marker_version = (outcome.kind == DeleteKind::MarkerCreated)
            .then(|| outcome.version_id.clone())
            .flatten();
        fx.push(Effect::ObjectRemoved { outcome });
        if !quiet {
            result.deleted.push(Deleted {
                key: o.key,
                version_id: o.version_id,
                delete_marker: marker.then_some(true),
                delete_marker_version_id: marker_version,
            });
        }
    }
    xml::xml_response("DeleteResult", &result)
}
