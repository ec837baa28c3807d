//! SigV4 at the edge: real SDK clients, presigned URLs, and refused requests with S3's codes.

use std::time::{Duration, SystemTime};

use aws_sdk_s3::presigning::PresigningConfig;
use aws_sdk_s3::primitives::ByteStream;

use crate::common::{self, Addressing, code};
use crate::raw::{self, Payload};

#[tokio::test]
async fn wrong_secret_and_unknown_key_are_refused() {
    let server = common::start().await;
    let wrong = common::s3_with(&server, common::KEY, "not-the-secret", Addressing::Path);
    let e = wrong.list_buckets().send().await.unwrap_err();
    assert_eq!(code(&e), "SignatureDoesNotMatch");
    let unknown = common::s3_with(&server, "AKIDUNKNOWN", "x", Addressing::Path);
    let e = unknown.list_buckets().send().await.unwrap_err();
    assert_eq!(code(&e), "InvalidAccessKeyId");
}

#[tokio::test]
async fn stale_and_tampered_requests_are_refused() {
    let server = common::start().await;
    common::s3(&server)
        .create_bucket()
        .bucket("bkt")
        .send()
        .await
        .unwrap();
    let url = format!("{}/bkt/k", server.endpoint());
    let keys = (common::KEY, common::SECRET);

    let stale = SystemTime::now() - Duration::from_mins(20);
    let reply = raw::send(raw::signed_s3(
        "PUT",
        &url,
        &[],
        "hello",
        Payload::Sha256Of(b"hello"),
        keys,
        stale,
    ))
    .await;
    assert_eq!(reply.status, 403, "{}", reply.body);
    assert_eq!(reply.s3_code(), Some("RequestTimeTooSkewed"));
    assert!(
        reply
            .body
            .contains("<MaxAllowedSkewMilliseconds>900000</MaxAllowedSkewMilliseconds>")
    );

    let now = SystemTime::now();
    let reply = raw::send(raw::signed_s3(
        "PUT",
        &url,
        &[],
        "hellO",
        Payload::Sha256Of(b"hello"),
        keys,
        now,
    ))
    .await;
    assert_eq!(reply.status, 400, "{}", reply.body);
    assert_eq!(reply.s3_code(), Some("XAmzContentSHA256Mismatch"));

    let reply = raw::send(raw::signed_s3(
        "PUT",
        &url,
        &[],
        "hello",
        Payload::Unsigned,
        keys,
        now,
    ))
    .await;
    assert_eq!(
        reply.status, 200,
        "UNSIGNED-PAYLOAD is accepted: {}",
        reply.body
    );

    let unsigned = http::Request::builder()
        .method("GET")
        .uri(&url)
        .body(bytes::Bytes::new())
        .unwrap();
    let reply = raw::send(unsigned).await;
    assert_eq!(reply.status, 403);
    assert_eq!(reply.s3_code(), Some("AccessDenied"));
    assert!(reply.headers.contains_key("x-amz-request-id"));
}

#[tokio::test]
async fn presigned_get_and_put() {
    let server = common::start().await;
    let s3 = common::s3(&server);
    s3.create_bucket().bucket("pre").send().await.unwrap();

    let put = s3
        .put_object()
        .bucket("pre")
        .key("up.txt")
        .presigned(PresigningConfig::expires_in(Duration::from_mins(5)).unwrap())
        .await
        .unwrap();
    let mut request = http::Request::builder().method(put.method()).uri(put.uri());
    for (k, v) in put.headers() {
        request = request.header(k, v);
    }
    let reply = raw::send(
        request
            .body(bytes::Bytes::from_static(b"presigned body"))
            .unwrap(),
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.body);

    let get = s3
        .get_object()
        .bucket("pre")
        .key("up.txt")
        .presigned(PresigningConfig::expires_in(Duration::from_mins(5)).unwrap())
        .await
        .unwrap();
    let reply = raw::send(
        http::Request::builder()
            .uri(get.uri())
            .body(bytes::Bytes::new())
            .unwrap(),
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.body, "presigned body");

    // A URL signed long ago has expired.
    let old = PresigningConfig::builder()
        .start_time(SystemTime::now() - Duration::from_hours(1))
        .expires_in(Duration::from_mins(1))
        .build()
        .unwrap();
    let get = s3
        .get_object()
        .bucket("pre")
        .key("up.txt")
        .presigned(old)
        .await
        .unwrap();
    let reply = raw::send(
        http::Request::builder()
            .uri(get.uri())
            .body(bytes::Bytes::new())
            .unwrap(),
    )
    .await;
    assert_eq!(reply.status, 403);
    assert_eq!(reply.s3_code(), Some("AccessDenied"));
    assert!(reply.body.contains("Request has expired"), "{}", reply.body);

    // A tampered URL no longer matches its signature.
    let tampered = get.uri().replace("up.txt", "other.txt");
    let reply = raw::send(
        http::Request::builder()
            .uri(tampered)
            .body(bytes::Bytes::new())
            .unwrap(),
    )
    .await;
    assert_eq!(reply.status, 403);
}

#[tokio::test]
async fn sdk_checksum_uploads_are_accepted() {
    let server = common::start().await;
    let s3 = common::s3(&server);
    s3.create_bucket().bucket("sum").send().await.unwrap();
    for algorithm in [
        aws_sdk_s3::types::ChecksumAlgorithm::Crc32,
        aws_sdk_s3::types::ChecksumAlgorithm::Crc32C,
        aws_sdk_s3::types::ChecksumAlgorithm::Sha256,
    ] {
        let key = format!("k-{}", algorithm.as_str());
        s3.put_object()
            .bucket("sum")
            .key(&key)
            .checksum_algorithm(algorithm)
            .body(ByteStream::from(vec![b'z'; 70_000]))
            .send()
            .await
            .unwrap();
        let got = s3
            .get_object()
            .bucket("sum")
            .key(&key)
            .send()
            .await
            .unwrap();
        assert_eq!(got.body.collect().await.unwrap().into_bytes().len(), 70_000);
    }
}

/// Sends an `auth::testing` streaming request to the server.
async fn send_streaming(request: http::Request<Vec<u8>>) -> raw::Reply {
    raw::send(request.map(bytes::Bytes::from)).await
}

#[tokio::test]
async fn aws_chunked_uploads_in_every_form() {
    use s3lambda::auth::testing::{Signer, Streaming, streaming_request};

    let server = common::start().await;
    let s3 = common::s3(&server);
    s3.create_bucket().bucket("chunks").send().await.unwrap();
    let host = server.addr().to_string();
    let signer = Signer {
        access_key: common::KEY,
        secret_key: common::SECRET,
        region: "us-east-1",
        service: "s3",
        time: SystemTime::now(),
    };
    let a = vec![b'a'; 64 * 1024];
    let b = vec![b'b'; 1024];
    for (form, key) in [
        (Streaming::Signed, "signed"),
        (Streaming::SignedTrailer, "signed-trailer"),
        (Streaming::UnsignedTrailer, "unsigned-trailer"),
    ] {
        let uri = format!("http://{host}/chunks/{key}");
        let request =
            streaming_request(&signer, "PUT", &uri, &host, &[&a, &b], form, "crc32").unwrap();
        let reply = send_streaming(request).await;
        assert_eq!(reply.status, 200, "{form:?}: {}", reply.body);
        let got = s3
            .get_object()
            .bucket("chunks")
            .key(key)
            .send()
            .await
            .unwrap();
        assert_eq!(
            got.content_encoding(),
            None,
            "{form:?}: aws-chunked is not stored"
        );
        let body = got.body.collect().await.unwrap().into_bytes();
        assert_eq!(body.len(), a.len() + b.len(), "{form:?}");
        assert_eq!(&body[..a.len()], a.as_slice());
        assert_eq!(&body[a.len()..], b.as_slice());
    }

    // A chunk altered after signing no longer matches its chunk signature.
    let uri = format!("http://{host}/chunks/tampered");
    let mut request = streaming_request(
        &signer,
        "PUT",
        &uri,
        &host,
        &[&a, &b],
        Streaming::Signed,
        "crc32",
    )
    .unwrap();
    let at = request.body().len() / 2;
    request.body_mut()[at] = b'z';
    let reply = send_streaming(request).await;
    assert_eq!(reply.status, 403, "{}", reply.body);
    assert_eq!(reply.s3_code(), Some("SignatureDoesNotMatch"));

    // A body cut short is refused, never stored, and the connection is not left hanging.
    let mut request = streaming_request(
        &signer,
        "PUT",
        &uri,
        &host,
        &[&a, &b],
        Streaming::Signed,
        "crc32",
    )
    .unwrap();
    let cut = request.body().len() - 100;
    request.body_mut().truncate(cut);
    request
        .headers_mut()
        .insert(http::header::CONTENT_LENGTH, http::HeaderValue::from(cut));
    let reply = send_streaming(request).await;
    assert_eq!(reply.status, 400, "{}", reply.body);
    let e = s3
        .head_object()
        .bucket("chunks")
        .key("tampered")
        .send()
        .await
        .unwrap_err();
    assert!(e.into_service_error().is_not_found());
}
