//! S3 XML bodies (CreateBucket, versioning, DeleteObjects, CompleteMultipartUpload) and the
//! notification configuration (parse and validation), through `S3::handle` as the edge
//! calls it.

use std::sync::Arc;

use base64::Engine as _;
use bytes::Bytes;
use http::Method;
use md5::{Digest as _, Md5};
use proptest::prelude::*;

use crate::auth::Account;
use crate::s3::{S3, S3Config, S3Request};

/// The element names the S3 bodies use, so random documents often reach the typed readers.
const NAMES: &[&str] = &[
    "Delete",
    "Object",
    "Key",
    "VersionId",
    "Quiet",
    "CompleteMultipartUpload",
    "Part",
    "PartNumber",
    "ETag",
    "ChecksumCRC32",
    "VersioningConfiguration",
    "Status",
    "MfaDelete",
    "CreateBucketConfiguration",
    "LocationConstraint",
    "NotificationConfiguration",
    "CloudFunctionConfiguration",
    "LambdaFunctionConfiguration",
    "QueueConfiguration",
    "TopicConfiguration",
    "EventBridgeConfiguration",
    "Id",
    "CloudFunction",
    "Queue",
    "Topic",
    "Event",
    "Filter",
    "S3Key",
    "FilterRule",
    "Name",
    "Value",
];

const VALUES: &[&str] = &[
    "",
    "1",
    "0",
    "-1",
    "10001",
    "99999999999999999999",
    "true",
    "Enabled",
    "Suspended",
    "us-east-1",
    "s3:ObjectCreated:*",
    "s3:ObjectRemoved:Delete",
    "prefix",
    "suffix",
    "arn:aws:lambda:us-east-1:000000000000:function:f",
    "\"etag\"",
    "&amp;",
    "&#0;",
    "]]>",
];

fn s3() -> (S3, Arc<Account>) {
    let s3 = S3::new(S3Config::default());
    let owner = Arc::new(Account::default_account());
    let created = s3.answer(S3Request::new(
        Method::PUT,
        Some("bkt"),
        None,
        Arc::clone(&owner),
    ));
    assert!(created.is_ok(), "the bucket is created: {created:?}");
    (s3, owner)
}

/// Random XML: nested elements named from [`NAMES`] with text from [`VALUES`] or arbitrary.
fn xml() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        proptest::sample::select(VALUES).prop_map(str::to_owned),
        "[ -~]{0,24}",
    ];
    leaf.prop_recursive(6, 64, 6, |inner| {
        (
            proptest::sample::select(NAMES),
            proptest::collection::vec(inner, 0..6),
            proptest::option::of("[ -~]{0,16}"),
        )
            .prop_map(|(name, children, attr)| {
                let attr = attr.map(|a| format!(" a=\"{a}\"")).unwrap_or_default();
                format!("<{name}{attr}>{}</{name}>", children.concat())
            })
    })
}

/// Every body-reading operation once with `body`.
fn send_everywhere(body: &[u8]) {
    let (s3, owner) = s3();
    let body = Bytes::copy_from_slice(body);
    let with = |method: Method, bucket: &str, key: Option<&str>, query: &[(&str, &str)]| {
        let mut r = S3Request::new(method, Some(bucket), key, Arc::clone(&owner));
        r.query = query
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        r.body = body.clone();
        r
    };
    let _ = s3.answer(with(Method::PUT, "new-bucket", None, &[]));
    let _ = s3.answer(with(Method::PUT, "bkt", None, &[("versioning", "")]));
    let _ = s3.answer(with(Method::PUT, "bkt", None, &[("notification", "")]));
    let mut delete = with(Method::POST, "bkt", None, &[("delete", "")]);
    let md5 = base64::engine::general_purpose::STANDARD.encode(Md5::digest(&body));
    if let Ok(v) = http::HeaderValue::from_str(&md5) {
        delete.headers.insert("content-md5", v);
    }
    let _ = s3.answer(delete);
    let created = s3.answer(with(Method::POST, "bkt", Some("k"), &[("uploads", "")]));
    if let Ok(r) = created {
        let text = String::from_utf8_lossy(r.body());
        let id = text
            .split_once("<UploadId>")
            .and_then(|(_, rest)| rest.split_once("</UploadId>"))
            .map(|(id, _)| id.to_owned())
            .unwrap_or_default();
        let _ = s3.answer(with(Method::POST, "bkt", Some("k"), &[("uploadId", &id)]));
    }
}

/// Valid bodies are accepted where the properties send theirs, so random ones reach the
/// readers rather than stopping at the bucket or the request line.
#[test]
fn valid_bodies_are_accepted() {
    let (s3, owner) = s3();
    for (query, body) in [
        (
            "versioning",
            "<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>",
        ),
        ("notification", "<NotificationConfiguration/>"),
    ] {
        let mut r = S3Request::new(Method::PUT, Some("bkt"), None, Arc::clone(&owner));
        r.query = vec![(query.to_owned(), String::new())];
        r.body = Bytes::from(body);
        let answer = s3.answer(r);
        assert!(answer.is_ok(), "{query}: {answer:?}");
    }
}

proptest! {
    #![proptest_config(super::config())]

    #[test]
    fn arbitrary_bytes(body in proptest::collection::vec(any::<u8>(), 0..1024)) {
        send_everywhere(&body);
    }

    #[test]
    fn random_nesting_of_known_elements(doc in xml(), declaration in any::<bool>()) {
        let doc = if declaration {
            format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>{doc}")
        } else {
            doc
        };
        send_everywhere(doc.as_bytes());
    }
}

proptest! {
    #![proptest_config(super::config())]

    /// Thousands of levels of the known elements, in a random repeating order.
    #[test]
    fn deep_nesting(
        depth in 1usize..5_000,
        names in proptest::collection::vec(proptest::sample::select(NAMES), 1..4),
    ) {
        let name = |i: usize| names[i % names.len()];
        let mut doc = String::new();
        for i in 0..depth {
            doc.push('<');
            doc.push_str(name(i));
            doc.push('>');
        }
        for i in (0..depth).rev() {
            doc.push_str("</");
            doc.push_str(name(i));
            doc.push('>');
        }
        send_everywhere(doc.as_bytes());
    }
}
