//! A table of bad requests over HTTP: each gets S3's error code and status, never a panic or a
//! hung connection, and the server keeps answering afterwards.

use std::time::SystemTime;

use crate::common;
use crate::raw::{self, Payload};

#[tokio::test]
async fn bad_requests_get_s3_errors_and_the_server_keeps_serving() {
    let server = common::start().await;
    let s3 = common::s3(&server);
    s3.create_bucket().bucket("table").send().await.unwrap();
    s3.put_object()
        .bucket("table")
        .key("k")
        .body(aws_sdk_s3::primitives::ByteStream::from_static(
            b"0123456789",
        ))
        .send()
        .await
        .unwrap();
    let e = server.endpoint();
    let keys = (common::KEY, common::SECRET);
    let now = SystemTime::now();
    let signed = |method: &str, path: &str, headers: &[(&str, &str)], body: &'static str| {
        raw::signed_s3(
            method,
            &format!("{e}{path}"),
            headers,
            body,
            Payload::Sha256Of(body.as_bytes()),
            keys,
            now,
        )
    };
    let long_name = "x".repeat(100);
    let delete_md5 = {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD
            .encode(<md5::Md5 as md5::Digest>::digest(b"<Delete><Object>"))
    };
    let cases: Vec<(&str, http::Request<bytes::Bytes>, u16, Option<&str>)> = vec![
        (
            "malformed DeleteObjects XML",
            signed(
                "POST",
                "/table?delete=",
                &[("content-md5", delete_md5.as_str())],
                "<Delete><Object>",
            ),
            400,
            Some("MalformedXML"),
        ),
        (
            "malformed notification XML",
            signed("PUT", "/table?notification=", &[], "<<<"),
            400,
            Some("MalformedXML"),
        ),
        (
            "malformed versioning XML",
            signed(
                "PUT",
                "/table?versioning=",
                &[],
                "<VersioningConfiguration><Status>Maybe</Status></VersioningConfiguration>",
            ),
            400,
            Some("MalformedXML"),
        ),
        (
            "unsatisfiable range",
            signed("GET", "/table/k", &[("range", "bytes=50-60")], ""),
            416,
            Some("InvalidRange"),
        ),
        (
            "unknown bucket",
            signed("GET", "/no-such-bucket/k", &[], ""),
            404,
            Some("NoSuchBucket"),
        ),
        (
            "unknown key",
            signed("GET", "/table/missing", &[], ""),
            404,
            Some("NoSuchKey"),
        ),
        (
            "invalid bucket name",
            signed("PUT", "/Invalid_Name", &[], ""),
            400,
            Some("InvalidBucketName"),
        ),
        (
            "bucket name too long",
            signed("PUT", &format!("/{long_name}"), &[], ""),
            400,
            Some("InvalidBucketName"),
        ),
        (
            "bad Content-MD5",
            signed("PUT", "/table/md5", &[("content-md5", "not-base64!")], "x"),
            400,
            Some("InvalidDigest"),
        ),
        (
            "Content-MD5 mismatch",
            signed(
                "PUT",
                "/table/md5",
                &[("content-md5", "1B2M2Y8AsgTpgAmY7PhCfg==")],
                "x",
            ),
            400,
            Some("BadDigest"),
        ),
        (
            "unknown upload",
            signed("PUT", "/table/k?partNumber=1&uploadId=nope", &[], "x"),
            404,
            Some("NoSuchUpload"),
        ),
        (
            "bad part number",
            signed("PUT", "/table/k?partNumber=0&uploadId=nope", &[], "x"),
            400,
            Some("InvalidArgument"),
        ),
        (
            "bad max-keys",
            signed("GET", "/table?list-type=2&max-keys=lots", &[], ""),
            400,
            Some("InvalidArgument"),
        ),
        (
            "copy from nowhere",
            signed(
                "PUT",
                "/table/copy",
                &[("x-amz-copy-source", "/no-such-bucket/k")],
                "",
            ),
            404,
            Some("NoSuchBucket"),
        ),
        (
            "unsupported subresource",
            signed("GET", "/table?analytics=", &[], ""),
            501,
            Some("NotImplemented"),
        ),
    ];
    for (what, request, status, code) in cases {
        let reply = raw::send(request).await;
        assert_eq!(reply.status.as_u16(), status, "{what}: {}", reply.body);
        if let Some(code) = code {
            assert_eq!(reply.s3_code(), Some(code), "{what}: {}", reply.body);
            assert!(reply.body.contains("<RequestId>"), "{what}: {}", reply.body);
        }
        assert!(reply.headers.contains_key("x-amz-request-id"), "{what}");
    }

    // Oversized headers: refused by the HTTP layer, and the server lives on.
    let huge = "v".repeat(512 * 1024);
    let request = http::Request::builder()
        .uri(format!("{e}/table/k"))
        .header("x-big", huge)
        .body(bytes::Bytes::new())
        .unwrap();
    let reply = raw::send(request).await;
    assert!(
        reply.status.is_client_error(),
        "oversized headers: {}",
        reply.status
    );

    // A chunked body cut short is refused and stores nothing.
    let host = server.addr().to_string();
    let signer = s3lambda::auth::testing::Signer {
        access_key: common::KEY,
        secret_key: common::SECRET,
        region: "us-east-1",
        service: "s3",
        time: now,
    };
    let mut request = s3lambda::auth::testing::streaming_request(
        &signer,
        "PUT",
        &format!("http://{host}/table/cut"),
        &host,
        &[&[b'a'; 9000]],
        s3lambda::auth::testing::Streaming::Signed,
        "crc32",
    )
    .unwrap();
    let cut = request.body().len() / 2;
    request.body_mut().truncate(cut);
    request
        .headers_mut()
        .insert(http::header::CONTENT_LENGTH, http::HeaderValue::from(cut));
    let reply = raw::send(request.map(bytes::Bytes::from)).await;
    assert_eq!(reply.status, 400, "{}", reply.body);

    // Still serving, and nothing half-written is visible.
    let listed = s3.list_objects_v2().bucket("table").send().await.unwrap();
    let keys: Vec<_> = listed.contents().iter().filter_map(|o| o.key()).collect();
    assert_eq!(keys, ["k"]);
}
