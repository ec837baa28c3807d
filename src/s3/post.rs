//! PostObject: a browser-based upload, an HTML form POSTed as `multipart/form-data` to a bucket.
//!
//! The form arrives parsed ([`super::form::PostForm`], read once); the edge verified its
//! policy with [`crate::auth::post_policy::verify`] before the request got here.
//! `post_object` writes the file through PutObject's path and reports `ObjectCreated:Post`.
//! See <https://docs.aws.amazon.com/AmazonS3/latest/API/RESTObjectPOST.html>.

use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue, Method, Response, StatusCode, header};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use super::checksum::{Checksum, ChecksumAlgorithm};
use super::error::S3Error;
use super::form::{PostForm, is_form_content_type};
use super::request::S3Request;
use super::{CreatedKind, Effect, S3, headers, object};
use crate::xml::escape;

/// Form fields stored on the object as the header of the same name.
const STORED_FIELDS: &[&str] = &[
    "content-type",
    "cache-control",
    "content-disposition",
    "content-encoding",
    "content-language",
    "expires",
    "x-amz-storage-class",
    "x-amz-website-redirect-location",
];

/// What S3 leaves unescaped in the `Location` of a POST response (it escapes `/` too).
const LOCATION_KEY: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Whether `req` is a form upload: `multipart/form-data` content.
pub(super) fn is_form_upload(req: &S3Request) -> bool {
    req.header("content-type").is_some_and(is_form_content_type)
}

/// `POST /{bucket}` with `multipart/form-data`: the policy was verified by the edge.
pub(super) fn post_object(
    s3: &S3,
    req: &S3Request,
    bucket: &str,
    form: &PostForm,
    fx: &mut Vec<Effect>,
) -> Result<Response<Bytes>, S3Error> {
    let key = form.key();
    let mut headers = HeaderMap::new();
    for (name, value) in form.fields() {
        let stored = STORED_FIELDS.contains(&name.as_str())
            || name.starts_with("x-amz-meta-")
            || name.starts_with("x-amz-checksum-");
        if !stored {
            continue;
        }
        let invalid = || S3Error::invalid_argument("Invalid form field value", name.clone(), value);
        let header_name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| invalid())?;
        let header_value = HeaderValue::from_bytes(value.as_bytes()).map_err(|_| invalid())?;
        headers.append(header_name, header_value);
    }
    let mut put = req.clone();
    put.method = Method::PUT;
    put.key = Some(key.to_owned());
    put.query = Vec::new();
    put.headers = headers;
    put.body = form.file().body.clone();
    put.form = None;
    let mut written = Vec::new();
    let stored = object::put_object(s3, &put, bucket, key, &mut written)?;
    let mut etag = String::new();
    for effect in written {
        fx.push(match effect {
            Effect::ObjectCreated { outcome, .. } => {
                etag.clone_from(&outcome.etag);
                Effect::ObjectCreated {
                    kind: CreatedKind::Post,
                    outcome,
                }
            }
            removed @ Effect::ObjectRemoved { .. } => removed,
        });
    }
    let location = location(req, bucket, key);
    let redirect = form
        .field("success_action_redirect")
        .or_else(|| form.field("redirect"))
        .filter(|r| {
            let r = r.to_ascii_lowercase();
            r.starts_with("http://") || r.starts_with("https://")
        })
        .map(|url| {
            let query: String = form_urlencoded::Serializer::new(String::new())
                .append_pair("bucket", bucket)
                .append_pair("key", key)
                .append_pair("etag", &format!("\"{etag}\""))
                .finish();
            let sep = if url.contains('?') { '&' } else { '?' };
            format!("{url}{sep}{query}")
        })
        // The object is stored by now: a redirect that cannot be a header is dropped, not
        // turned into an error after the write.
        .filter(|url| http::HeaderValue::from_str(url).is_ok());
    let mut b = Response::builder()
        .header(header::ETAG, format!("\"{etag}\""))
        .header(header::LOCATION, redirect.as_deref().unwrap_or(&location));
    for (name, value) in stored.headers() {
        if name.as_str().starts_with("x-amz-") {
            b = b.header(name, value);
        }
    }
    if !stored
        .headers()
        .keys()
        .any(|n| n.as_str().starts_with("x-amz-checksum-"))
    {
        let checksum = Checksum::of(ChecksumAlgorithm::Crc64Nvme, &form.file().body);
        b = headers::checksum_headers(b, Some(&checksum));
    }
    let (status, body) = if redirect.is_some() {
        (StatusCode::SEE_OTHER, Bytes::new())
    } else {
        match form.field("success_action_status") {
            Some("200") => (StatusCode::OK, Bytes::new()),
            Some("201") => {
                b = b.header(header::CONTENT_TYPE, "application/xml");
                let xml = format!(
                    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<PostResponse><Location>{}</Location><Bucket>{}</Bucket><Key>{}</Key><ETag>\"{}\"</ETag></PostResponse>",
                    escape(&location),
                    escape(bucket),
                    escape(key),
                    escape(&etag)
                );
                (StatusCode::CREATED, Bytes::from(xml))
            }
            _ => (StatusCode::NO_CONTENT, Bytes::new()),
        }
    };
    b.status(status)
        .body(body)
        .map_err(|e| S3Error::internal(e.to_string()))
}

/// The object's URL as S3 gives it in `Location`: the key percent-encoded, `/` included.
fn location(req: &S3Request, bucket: &str, key: &str) -> String {
    let host = req.header("host").unwrap_or("localhost");
    let key = utf8_percent_encode(key, LOCATION_KEY);
    if host.starts_with(&format!("{bucket}.")) {
        format!("http://{host}/{key}")
    } else {
        format!("http://{host}/{bucket}/{key}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::s3::form::tests::body;

    const CT: &str = "multipart/form-data; boundary=XyZ";

    fn upload(
        s3: &S3,
        parts: &[(&str, Option<&str>, &str)],
    ) -> (Result<Response<Bytes>, S3Error>, Vec<Effect>) {
        let mut req = S3Request::new(
            Method::POST,
            Some("bkt"),
            None,
            std::sync::Arc::new(crate::auth::Account::default_account()),
        );
        req.headers
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(CT));
        req.headers
            .insert(header::HOST, HeaderValue::from_static("127.0.0.1:4566"));
        req.body = body(parts);
        let handled = s3.handle(&req);
        (handled.response, handled.effects)
    }

    fn bucket() -> S3 {
        let s3 = S3::new(super::super::S3Config::default());
        let req = S3Request::new(
            Method::PUT,
            Some("bkt"),
            None,
            std::sync::Arc::new(crate::auth::Account::default_account()),
        );
        s3.answer(req).unwrap();
        s3
    }

    #[test]
    fn upload_reports_object_created_post_and_stores_fields() {
        let s3 = bucket();
        let (resp, fx) = upload(
            &s3,
            &[
                ("key", None, "dir/${filename}"),
                ("Content-Type", None, "text/plain"),
                ("x-amz-meta-Color", None, "blue"),
                ("file", Some("a b.txt"), "hello"),
            ],
        );
        let resp = resp.unwrap();
        assert_eq!(resp.status(), StatusCode::NO_CONTENT);
        assert_eq!(
            resp.headers()[header::LOCATION],
            "http://127.0.0.1:4566/bkt/dir%2Fa%20b.txt"
        );
        assert_eq!(
            resp.headers()[header::ETAG],
            "\"5d41402abc4b2a76b9719d911017c592\""
        );
        assert!(resp.headers().contains_key("x-amz-checksum-crc64nvme"));
        let [Effect::ObjectCreated { kind, outcome }] = fx.as_slice() else {
            panic!("one effect expected: {fx:?}");
        };
        assert_eq!(*kind, CreatedKind::Post);
        assert_eq!((outcome.key.as_str(), outcome.size), ("dir/a b.txt", 5));
        let obj = s3
            .store()
            .bucket("bkt")
            .unwrap()
            .get_object("dir/a b.txt")
            .unwrap();
        assert_eq!(obj.content.content_type.as_deref(), Some("text/plain"));
        assert_eq!(obj.metadata.get("color").map(String::as_str), Some("blue"));
    }

    #[test]
    fn success_action_status_and_redirect() {
        let s3 = bucket();
        let (resp, _) = upload(
            &s3,
            &[
                ("key", None, "k&1"),
                ("success_action_status", None, "201"),
                ("file", None, "x"),
            ],
        );
        let resp = resp.unwrap();
        assert_eq!(resp.status(), StatusCode::CREATED);
        let xml = String::from_utf8(resp.body().to_vec()).unwrap();
        assert!(xml.contains("<PostResponse><Location>http://127.0.0.1:4566/bkt/k%261</Location><Bucket>bkt</Bucket><Key>k&amp;1</Key><ETag>\"9dd4e461268c8034f5c8564e155c67a6\"</ETag></PostResponse>"), "{xml}");
        let (resp, _) = upload(
            &s3,
            &[
                ("key", None, "k"),
                ("success_action_status", None, "404"),
                ("file", None, "x"),
            ],
        );
        assert_eq!(resp.unwrap().status(), StatusCode::NO_CONTENT);
        let (resp, _) = upload(
            &s3,
            &[
                ("key", None, "k"),
                ("success_action_redirect", None, "http://app.test/done?x=1"),
                ("file", None, "x"),
            ],
        );
        let resp = resp.unwrap();
        assert_eq!(resp.status(), StatusCode::SEE_OTHER);
        assert_eq!(
            resp.headers()[header::LOCATION],
            "http://app.test/done?x=1&bucket=bkt&key=k&etag=%229dd4e461268c8034f5c8564e155c67a6%22"
        );
        let (resp, _) = upload(
            &s3,
            &[
                ("key", None, "k"),
                ("success_action_redirect", None, "/relative"),
                ("file", None, "x"),
            ],
        );
        assert_eq!(resp.unwrap().status(), StatusCode::NO_CONTENT);
    }

    #[test]
    fn upload_to_a_missing_bucket_fails_without_effect() {
        let s3 = S3::new(super::super::S3Config::default());
        let (resp, fx) = upload(&s3, &[("key", None, "k"), ("file", None, "x")]);
        assert_eq!(resp.unwrap_err().code(), "NoSuchBucket");
        assert!(fx.is_empty());
    }
}
