//! Hostile request shapes over HTTP: XML bodies nested tens of thousands of elements deep
//! (S3 answers `MalformedXML` and the server lives on) and object keys whose percent-escapes
//! are not UTF-8 (S3 answers `InvalidURI`; two such keys never become one stored key); a JSON
//! payload nested as deep is answered too.

use std::time::SystemTime;

use aws_sdk_s3::primitives::ByteStream;

use crate::common;
use crate::raw::{self, Payload};

/// `<outer>` holding `depth` nested `<inner>` elements.
fn nested(outer: &str, inner: &str, depth: usize) -> String {
    format!(
        "<{outer}>{}{}</{outer}>",
        format!("<{inner}>").repeat(depth),
        format!("</{inner}>").repeat(depth)
    )
}

fn content_md5(body: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(<md5::Md5 as md5::Digest>::digest(body))
}

#[tokio::test]
async fn deeply_nested_xml_is_malformed_and_the_server_survives() {
    let server = common::start().await;
    let s3 = common::s3(&server);
    s3.create_bucket().bucket("deep").send().await.unwrap();
    let upload = s3
        .create_multipart_upload()
        .bucket("deep")
        .key("mp")
        .send()
        .await
        .unwrap();
    let upload_id = upload.upload_id().unwrap().to_owned();
    let e = server.endpoint();
    let depth = 40_000;
    let cases = [
        (
            "PUT",
            "/deep?notification=".to_owned(),
            nested("NotificationConfiguration", "Filter", depth),
        ),
        (
            "POST",
            "/deep?delete=".to_owned(),
            nested("Delete", "Object", depth),
        ),
        (
            "POST",
            format!("/deep/mp?uploadId={upload_id}"),
            nested("CompleteMultipartUpload", "Part", depth),
        ),
        (
            "PUT",
            "/deep?versioning=".to_owned(),
            nested("VersioningConfiguration", "Status", depth),
        ),
        (
            "PUT",
            "/deeper".to_owned(),
            nested("CreateBucketConfiguration", "LocationConstraint", depth),
        ),
    ];
    for (method, path, body) in cases {
        let md5 = content_md5(body.as_bytes());
        let request = raw::signed_s3(
            method,
            &format!("{e}{path}"),
            &[("content-md5", md5.as_str())],
            body.clone(),
            Payload::Sha256Of(body.as_bytes()),
            (common::KEY, common::SECRET),
            SystemTime::now(),
        );
        let reply = raw::send(request).await;
        assert_eq!(reply.status, 400, "{method} {path}: {}", reply.body);
        assert_eq!(reply.s3_code(), Some("MalformedXML"), "{method} {path}");
        assert!(
            reply.body.contains(
                "The XML you provided was not well-formed or did not validate against our published schema"
            ),
            "{}",
            reply.body
        );
    }
    // Still alive, and nothing was configured by the refused bodies.
    let buckets = s3.list_buckets().send().await.unwrap();
    assert_eq!(buckets.buckets().len(), 1);
    let config = s3
        .get_bucket_notification_configuration()
        .bucket("deep")
        .send()
        .await
        .unwrap();
    assert!(config.lambda_function_configurations().is_empty());
}

#[tokio::test]
async fn keys_with_non_utf8_escapes_are_refused_never_merged() {
    let server = common::start().await;
    let s3 = common::s3(&server);
    s3.create_bucket().bucket("keys").send().await.unwrap();
    let e = server.endpoint();
    let request = |method: &str, path: &str, body: &'static str| {
        raw::signed_s3(
            method,
            &format!("{e}{path}"),
            &[],
            body,
            Payload::Sha256Of(body.as_bytes()),
            (common::KEY, common::SECRET),
            SystemTime::now(),
        )
    };
    for (method, path, body) in [
        ("PUT", "/keys/a%FF", "first"),
        ("PUT", "/keys/a%FE", "second"),
        ("GET", "/keys/a%FF", ""),
        ("PUT", "/keys/dir/%C3", "truncated sequence"),
        ("PUT", "/keys%FF/k", "bucket"),
    ] {
        let reply = raw::send(request(method, path, body)).await;
        assert_eq!(reply.status, 400, "{method} {path}: {}", reply.body);
        assert_eq!(reply.s3_code(), Some("InvalidURI"), "{method} {path}");
        assert!(
            reply
                .body
                .contains("Couldn&apos;t parse the specified URI.")
                || reply.body.contains("Couldn't parse the specified URI."),
            "{}",
            reply.body
        );
    }
    let listed = s3.list_objects_v2().bucket("keys").send().await.unwrap();
    assert_eq!(listed.key_count(), Some(0), "nothing stored");

    // Valid multibyte keys are unaffected, raw or through the SDK.
    let reply = raw::send(request("PUT", "/keys/%ED%95%9C%F0%9F%98%80", "hangul")).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    s3.put_object()
        .bucket("keys")
        .key("é/ü ñ.txt")
        .body(ByteStream::from_static(b"latin"))
        .send()
        .await
        .unwrap();
    for (key, want) in [("한😀", &b"hangul"[..]), ("é/ü ñ.txt", b"latin")] {
        let got = s3
            .get_object()
            .bucket("keys")
            .key(key)
            .send()
            .await
            .unwrap();
        let body = got.body.collect().await.unwrap().into_bytes();
        assert_eq!(body.as_ref(), want, "{key}");
    }
}

#[tokio::test]
async fn deeply_nested_json_payload_does_not_kill_the_server() {
    let server = common::start().await;
    let lambda = common::lambda(&server);
    common::create_function(&lambda, "echo", s3lambda::runtime::handlers::ECHO).await;
    let depth = 40_000;
    let payload = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    // The host only checks that the payload is JSON (serde_json skips a value without
    // recursing) and hands it to the handler: an answer either way, never a dead server.
    let result = lambda
        .invoke()
        .function_name("echo")
        .payload(aws_sdk_lambda::primitives::Blob::new(payload))
        .send()
        .await;
    if let Err(e) = &result {
        assert!(!common::code(e).starts_with("not a service error"), "{e:?}");
    }
    let out = lambda
        .invoke()
        .function_name("echo")
        .payload(aws_sdk_lambda::primitives::Blob::new("[[1]]"))
        .send()
        .await
        .unwrap();
    assert_eq!(out.status_code(), 200);
}
