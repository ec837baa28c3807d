//! Versioning operations: Put/GetBucketVersioning, ListObjectVersions, and the version
//! lookups GetObject, HeadObject, DeleteObject and copies make with `versionId`.
//!
//! See <https://docs.aws.amazon.com/AmazonS3/latest/userguide/Versioning.html> and
//! <https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectVersions.html>.

use std::sync::Arc;

use bytes::Bytes;
use http::{Method, Response, StatusCode};
use serde::{Deserialize, Serialize};

use super::S3;
use super::code::S3ErrorCode;
use super::error::S3Error;
use super::request::S3Request;
use super::storage_class::StorageClass;
use super::store::{
    Bucket, ObjectVersion, VersionListParams, VersionLookupError, VersioningStatus,
};
use super::xml::{self, OwnerXml, S3_XMLNS};

/// `NoSuchVersion` 404 with `Key` and `VersionId`.
pub(super) fn no_such_version(key: &str, version_id: &str) -> S3Error {
    S3Error::new(
        S3ErrorCode::NoSuchVersion,
        StatusCode::NOT_FOUND,
        "The specified version does not exist.",
    )
    .with_extra("Key", key)
    .with_extra("VersionId", version_id)
}

/// `InvalidArgument` for a `versionId` this store could not have issued.
pub(super) fn invalid_version_id(version_id: &str) -> S3Error {
    S3Error::invalid_argument("Invalid version id specified", "versionId", version_id)
}

/// The version GET/HEAD should serve: the current one, or `versionId`'s. A current delete
/// marker is `NoSuchKey` with `x-amz-delete-marker: true`; a marker named by id is
/// `MethodNotAllowed` (405).
pub(super) fn version_to_read(
    req: &S3Request,
    bucket: &Bucket,
    key: &str,
) -> Result<Arc<ObjectVersion>, S3Error> {
    match req.query_param("versionId") {
        None => match bucket.current_version(key) {
            None => Err(S3Error::no_such_key(key)),
            Some(v) if v.delete_marker => {
                let mut e = S3Error::no_such_key(key).with_header("x-amz-delete-marker", "true");
                if let Some(id) = &v.version_id {
                    e = e.with_header("x-amz-version-id", id.as_str());
                }
                Err(e)
            }
            Some(v) => Ok(v),
        },
        Some(id) => {
            let v = bucket.get_version(key, id).map_err(|e| match e {
                VersionLookupError::Malformed => invalid_version_id(id),
                VersionLookupError::NoSuchVersion => no_such_version(key, id),
            })?;
            if v.delete_marker {
                let method = if req.method == Method::HEAD {
                    Method::HEAD
                } else {
                    Method::GET
                };
                return Err(S3Error::method_not_allowed(&method, "DeleteMarker")
                    .with_header("x-amz-delete-marker", "true")
                    .with_header("x-amz-version-id", v.version_id_or_null().to_owned())
                    .with_header("last-modified", xml::http_date(v.last_modified)));
            }
            Ok(v)
        }
    }
}

#[derive(Debug, Deserialize)]
struct VersioningXml {
    #[serde(rename = "Status", default)]
    status: Option<String>,
    #[serde(rename = "MfaDelete", default)]
    mfa_delete: Option<String>,
}

#[derive(Serialize)]
struct VersioningOut {
    #[serde(rename = "@xmlns")]
    xmlns: &'static str,
    #[serde(rename = "Status", skip_serializing_if = "Option::is_none")]
    status: Option<&'static str>,
}

/// Checks the root element is `<VersioningConfiguration>`; serde ignores the root name.
fn root_is(body: &[u8], name: &str) -> bool {
    let mut reader = quick_xml::Reader::from_reader(body);
    let mut buf = Vec::new();
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e)) => {
                return e.local_name().into_inner() == name;
            }
            Ok(quick_xml::events::Event::Eof) | Err(_) => return false,
            Ok(_) => buf.clear(),
        }
    }
}

/// `PUT /{bucket}?versioning`: `Enabled` or `Suspended`; anything else is `MalformedXML`.
pub(super) fn put_bucket_versioning(
    s3: &S3,
    req: &S3Request,
    bucket: &str,
) -> Result<Response<Bytes>, S3Error> {
    let bucket = s3.owned_bucket(req, bucket)?;
    if !root_is(&req.body, "VersioningConfiguration") {
        return Err(S3Error::malformed_xml());
    }
    let parsed: VersioningXml = xml::parse(&req.body)?;
    match parsed.mfa_delete.as_deref() {
        None | Some("Disabled") => {}
        Some("Enabled") => {
            return Err(S3Error::invalid_request(
                "DevPay and Mfa are mutually exclusive authorization methods.",
            ));
        }
        Some(_) => return Err(S3Error::malformed_xml()),
    }
    match parsed.status.as_deref() {
        Some("Enabled") => bucket.set_versioning(true),
        Some("Suspended") => bucket.set_versioning(false),
        None => {}
        Some(_) => return Err(S3Error::malformed_xml()),
    }
    Response::builder()
        .status(StatusCode::OK)
        .body(Bytes::new())
        .map_err(|e| S3Error::internal(e.to_string()))
}

/// `GET /{bucket}?versioning`: empty `VersioningConfiguration` if never enabled.
pub(super) fn get_bucket_versioning(
    s3: &S3,
    req: &S3Request,
    bucket: &str,
) -> Result<Response<Bytes>, S3Error> {
    let bucket = s3.owned_bucket(req, bucket)?;
    let status = match bucket.versioning() {
        VersioningStatus::Unversioned => None,
        VersioningStatus::Enabled => Some("Enabled"),
        VersioningStatus::Suspended => Some("Suspended"),
    };
    xml::xml_response(
        "VersioningConfiguration",
        &VersioningOut {
            xmlns: S3_XMLNS,
            status,
        },
    )
}

#[derive(Serialize)]
struct VersionXml {
    #[serde(rename = "Key")]
    key: String,
    #[serde(rename = "VersionId")]
    version_id: String,
    #[serde(rename = "IsLatest")]
    is_latest: bool,
    #[serde(rename = "LastModified")]
    last_modified: String,
    #[serde(rename = "ETag")]
    etag: String,
    #[serde(rename = "Size")]
    size: u64,
    #[serde(rename = "Owner")]
    owner: OwnerXml,
    #[serde(rename = "StorageClass")]
    storage_class: StorageClass,
}

#[derive(Serialize)]
struct MarkerXml {
    #[serde(rename = "Key")]
    key: String,
    #[serde(rename = "VersionId")]
    version_id: String,
    #[serde(rename = "IsLatest")]
    is_latest: bool,
    #[serde(rename = "LastModified")]
    last_modified: String,
    #[serde(rename = "Owner")]
    owner: OwnerXml,
}

#[derive(Serialize)]
struct PrefixXml {
    #[serde(rename = "Prefix")]
    prefix: String,
}

#[derive(Serialize)]
struct ListVersionsResult {
    #[serde(rename = "@xmlns")]
    xmlns: &'static str,
    #[serde(rename = "Name")]
    name: String,
    #[serde(rename = "Prefix")]
    prefix: String,
    #[serde(rename = "KeyMarker")]
    key_marker: String,
    #[serde(rename = "VersionIdMarker")]
    version_id_marker: String,
    #[serde(rename = "NextKeyMarker", skip_serializing_if = "Option::is_none")]
    next_key_marker: Option<String>,
    #[serde(
        rename = "NextVersionIdMarker",
        skip_serializing_if = "Option::is_none"
    )]
    next_version_id_marker: Option<String>,
    #[serde(rename = "MaxKeys")]
    max_keys: usize,
    #[serde(rename = "Delimiter", skip_serializing_if = "Option::is_none")]
    delimiter: Option<String>,
    #[serde(rename = "EncodingType", skip_serializing_if = "Option::is_none")]
    encoding_type: Option<&'static str>,
    #[serde(rename = "IsTruncated")]
    is_truncated: bool,
    #[serde(rename = "Version")]
    versions: Vec<VersionXml>,
    #[serde(rename = "DeleteMarker")]
    markers: Vec<MarkerXml>,
    #[serde(rename = "CommonPrefixes")]
    common_prefixes: Vec<PrefixXml>,
}

/// `GET /{bucket}?versions`. Versions and delete markers come out as two lists (all
/// `Version` elements, then all `DeleteMarker` elements); SDKs read them apart anyway.
pub(super) fn list_object_versions(
    s3: &S3,
    req: &S3Request,
    bucket: &str,
) -> Result<Response<Bytes>, S3Error> {
    let bucket = s3.owned_bucket(req, bucket)?;
    let max_keys = match req.query_param("max-keys") {
        None => super::list::MAX_KEYS,
        Some(v) => v
            .parse::<usize>()
            .map(|n| n.min(super::list::MAX_KEYS))
            .map_err(|_| {
                S3Error::invalid_argument(
                    "Provided max-keys not an integer or within integer range",
                    "max-keys",
                    v,
                )
            })?,
    };
    let url = match req.query_param("encoding-type") {
        None => false,
        Some(v) if v.eq_ignore_ascii_case("url") => true,
        Some(v) => {
            return Err(S3Error::invalid_argument(
                "Invalid Encoding Method specified in Request",
                "encoding-type",
                v,
            ));
        }
    };
    let enc = |s: &str| {
        if url {
            crate::s3event::encode_key(s)
        } else {
            s.to_owned()
        }
    };
    let prefix = req.query_param("prefix").unwrap_or("");
    let delimiter = req.query_param("delimiter").unwrap_or("");
    let key_marker = req.query_param("key-marker").unwrap_or("");
    let version_id_marker = req.query_param("version-id-marker").unwrap_or("");
    if !version_id_marker.is_empty() && key_marker.is_empty() {
        return Err(S3Error::invalid_argument(
            "A version-id marker cannot be specified without a key marker.",
            "version-id-marker",
            version_id_marker,
        ));
    }
    let page = bucket.list_versions(&VersionListParams {
        prefix,
        delimiter,
        key_marker: Some(key_marker),
        version_id_marker: Some(version_id_marker),
        max_keys,
    });
    let owner = |v: &ObjectVersion| OwnerXml::from(&v.owner);
    let mut versions = Vec::new();
    let mut markers = Vec::new();
    for (v, is_latest) in &page.versions {
        if v.delete_marker {
            markers.push(MarkerXml {
                key: enc(&v.key),
                version_id: v.version_id_or_null().to_owned(),
                is_latest: *is_latest,
                last_modified: xml::iso8601(v.last_modified),
                owner: owner(v),
            });
        } else {
            versions.push(VersionXml {
                key: enc(&v.key),
                version_id: v.version_id_or_null().to_owned(),
                is_latest: *is_latest,
                last_modified: xml::iso8601(v.last_modified),
                etag: format!("\"{}\"", v.etag),
                size: v.size,
                owner: owner(v),
                storage_class: v.storage_class,
            });
        }
    }
    let (next_key_marker, next_version_id_marker) = match page.next {
        Some((k, v)) => (Some(enc(&k)), v),
        None => (None, None),
    };
    let result = ListVersionsResult {
        xmlns: S3_XMLNS,
        name: bucket.name.clone(),
        prefix: enc(prefix),
        key_marker: enc(key_marker),
        version_id_marker: version_id_marker.to_owned(),
        next_key_marker,
        next_version_id_marker,
        max_keys,
        delimiter: (!delimiter.is_empty()).then(|| enc(delimiter)),
        encoding_type: url.then_some("url"),
        is_truncated: page.truncated,
        versions,
        markers,
        common_prefixes: page
            .common_prefixes
            .iter()
            .map(|p| PrefixXml { prefix: enc(p) })
            .collect(),
    };
    xml::xml_response("ListVersionsResult", &result)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::Account;
    use crate::s3::{DeleteKind, Effect, S3Config};

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

    fn text(r: &Response<Bytes>) -> String {
        String::from_utf8(r.body().to_vec()).unwrap()
    }

    #[test]
    fn configuration_round_trip_and_bad_bodies() {
        let s3 = S3::new(S3Config::default());
        s3.answer(req(Method::PUT, None, &[], "")).unwrap();
        let r = s3
            .answer(req(Method::GET, None, &[("versioning", "")], ""))
            .unwrap();
        assert!(
            text(&r).ends_with(
                "<VersioningConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"/>"
            ),
            "{}",
            text(&r)
        );
        for bad in [
            "",
            "<VersioningConfiguration><Status>On</Status></VersioningConfiguration>",
            "<Other><Status>Enabled</Status></Other>",
            "<VersioningConfiguration><Status>Enabled",
        ] {
            let e = s3
                .answer(req(Method::PUT, None, &[("versioning", "")], bad))
                .unwrap_err();
            assert_eq!(e.code(), "MalformedXML", "{bad}");
        }
        s3.answer(req(
            Method::PUT,
            None,
            &[("versioning", "")],
            "<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>",
        ))
        .unwrap();
        let r = s3
            .answer(req(Method::GET, None, &[("versioning", "")], ""))
            .unwrap();
        assert!(text(&r).contains("<Status>Enabled</Status>"));
    }

    #[test]
    fn delete_effects_and_marker_reads() {
        let s3 = S3::new(S3Config::default());
        s3.answer(req(Method::PUT, None, &[], "")).unwrap();
        s3.store().bucket("bkt").unwrap().set_versioning(true);
        let crate::s3::Handled {
            response: r,
            effects: fx,
        } = s3.handle(&req(Method::PUT, Some("k"), &[], "x"));
        let v1 = r.unwrap().headers()["x-amz-version-id"]
            .to_str()
            .unwrap()
            .to_owned();
        let [Effect::ObjectCreated { outcome, .. }] = fx.as_slice() else {
            panic!("{fx:?}")
        };
        assert_eq!(outcome.version_id.as_deref(), Some(v1.as_str()));
        let crate::s3::Handled {
            response: r,
            effects: fx,
        } = s3.handle(&req(Method::DELETE, Some("k"), &[], ""));
        let r = r.unwrap();
        assert_eq!(r.headers()["x-amz-delete-marker"], "true");
        let marker = r.headers()["x-amz-version-id"].to_str().unwrap().to_owned();
        let [Effect::ObjectRemoved { outcome }] = fx.as_slice() else {
            panic!("{fx:?}")
        };
        assert_eq!(outcome.kind, DeleteKind::MarkerCreated);
        assert_eq!(outcome.version_id.as_deref(), Some(marker.as_str()));
        let e = s3.answer(req(Method::GET, Some("k"), &[], "")).unwrap_err();
        assert_eq!(e.code(), "NoSuchKey");
        let resp = e.to_response(&Method::HEAD, "r", "h");
        assert_eq!(resp.headers()["x-amz-delete-marker"], "true");
        let e = s3
            .answer(req(Method::GET, Some("k"), &[("versionId", &marker)], ""))
            .unwrap_err();
        assert_eq!(e.status(), StatusCode::METHOD_NOT_ALLOWED);
        assert_eq!(e.extra("ResourceType"), Some("DeleteMarker"));
        let e = s3
            .answer(req(Method::GET, Some("k"), &[("versionId", "bogus")], ""))
            .unwrap_err();
        assert_eq!(e.code(), "InvalidArgument");
        let crate::s3::Handled {
            response: r,
            effects: fx,
        } = s3.handle(&req(Method::DELETE, Some("k"), &[("versionId", &v1)], ""));
        assert!(r.unwrap().headers().get("x-amz-delete-marker").is_none());
        let [Effect::ObjectRemoved { outcome }] = fx.as_slice() else {
            panic!("{fx:?}")
        };
        assert_eq!(
            outcome.kind,
            DeleteKind::VersionRemoved { was_marker: false }
        );
        let r = s3
            .answer(req(Method::GET, None, &[("versions", "")], ""))
            .unwrap();
        let body = text(&r);
        assert!(body.contains("<DeleteMarker><Key>k</Key>"), "{body}");
        assert!(!body.contains("<Version>"), "{body}");
    }
}
