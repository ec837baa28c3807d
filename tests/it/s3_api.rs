//! The S3 object API through `aws-sdk-s3`, path style and virtual-host style.

use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{
    BucketLocationConstraint, CreateBucketConfiguration, Delete, ObjectIdentifier,
};

use crate::common::{self, Addressing, code};

#[tokio::test]
async fn bucket_lifecycle() {
    let server = common::start().await;
    let s3 = common::s3(&server);
    s3.create_bucket().bucket("life").send().await.unwrap();
    s3.head_bucket().bucket("life").send().await.unwrap();
    // Re-creating your own bucket is a no-op in us-east-1 (AWS keeps that legacy answer).
    s3.create_bucket().bucket("life").send().await.unwrap();
    let other = common::s3_with(
        &server,
        common::OTHER_KEY,
        common::OTHER_SECRET,
        Addressing::Path,
    );
    let e = other
        .create_bucket()
        .bucket("life")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "BucketAlreadyExists");
    let e = s3
        .create_bucket()
        .bucket("Bad_Name")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "InvalidBucketName");

    s3.create_bucket()
        .bucket("eu-bucket")
        .create_bucket_configuration(
            CreateBucketConfiguration::builder()
                .location_constraint(BucketLocationConstraint::EuWest1)
                .build(),
        )
        .send()
        .await
        .unwrap();
    let e = s3
        .create_bucket()
        .bucket("eu-bucket")
        .create_bucket_configuration(
            CreateBucketConfiguration::builder()
                .location_constraint(BucketLocationConstraint::EuWest1)
                .build(),
        )
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "BucketAlreadyOwnedByYou");
    let loc = s3
        .get_bucket_location()
        .bucket("eu-bucket")
        .send()
        .await
        .unwrap();
    assert_eq!(
        loc.location_constraint(),
        Some(&BucketLocationConstraint::EuWest1)
    );
    let loc = s3
        .get_bucket_location()
        .bucket("life")
        .send()
        .await
        .unwrap();
    assert_eq!(
        loc.location_constraint()
            .map_or("", BucketLocationConstraint::as_str),
        ""
    );

    let names: Vec<_> = s3
        .list_buckets()
        .send()
        .await
        .unwrap()
        .buckets()
        .iter()
        .filter_map(|b| b.name().map(str::to_owned))
        .collect();
    assert!(names.contains(&"life".to_owned()) && names.contains(&"eu-bucket".to_owned()));

    s3.put_object()
        .bucket("life")
        .key("k")
        .body(ByteStream::from_static(b"x"))
        .send()
        .await
        .unwrap();
    let e = s3.delete_bucket().bucket("life").send().await.unwrap_err();
    assert_eq!(code(&e), "BucketNotEmpty");
    s3.delete_object()
        .bucket("life")
        .key("k")
        .send()
        .await
        .unwrap();
    s3.delete_bucket().bucket("life").send().await.unwrap();
    let e = s3.head_bucket().bucket("life").send().await.unwrap_err();
    assert!(e.into_service_error().is_not_found());
}

async fn put_get_round_trip(addressing: Addressing) {
    let server = common::start().await;
    let s3 = common::s3_with(&server, common::KEY, common::SECRET, addressing);
    s3.create_bucket().bucket("photos").send().await.unwrap();
    let body = vec![7u8; 1024];
    let put = s3
        .put_object()
        .bucket("photos")
        .key("dir/red flower+1@€.jpg")
        .content_type("image/jpeg")
        .metadata("owner", "alice")
        .body(ByteStream::from(body.clone()))
        .send()
        .await
        .unwrap();
    let etag = put.e_tag().unwrap().to_owned();
    assert_eq!(
        etag,
        format!(
            "\"{}\"",
            hex::encode(<md5::Md5 as md5::Digest>::digest(&body))
        )
    );

    let got = s3
        .get_object()
        .bucket("photos")
        .key("dir/red flower+1@€.jpg")
        .send()
        .await
        .unwrap();
    assert_eq!(got.content_type(), Some("image/jpeg"));
    assert_eq!(
        got.metadata().unwrap().get("owner").map(String::as_str),
        Some("alice")
    );
    assert_eq!(got.e_tag(), Some(etag.as_str()));
    assert_eq!(got.content_length(), Some(1024));
    assert_eq!(
        got.body.collect().await.unwrap().into_bytes().as_ref(),
        body.as_slice()
    );

    let head = s3
        .head_object()
        .bucket("photos")
        .key("dir/red flower+1@€.jpg")
        .send()
        .await
        .unwrap();
    assert_eq!(head.content_length(), Some(1024));

    let ranged = s3
        .get_object()
        .bucket("photos")
        .key("dir/red flower+1@€.jpg")
        .range("bytes=10-19")
        .send()
        .await
        .unwrap();
    assert_eq!(ranged.content_range(), Some("bytes 10-19/1024"));
    assert_eq!(ranged.body.collect().await.unwrap().into_bytes().len(), 10);

    let e = s3
        .get_object()
        .bucket("photos")
        .key("dir/red flower+1@€.jpg")
        .range("bytes=5000-")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "InvalidRange");

    let e = s3
        .get_object()
        .bucket("photos")
        .key("dir/red flower+1@€.jpg")
        .if_none_match(&etag)
        .send()
        .await
        .unwrap_err();
    assert_eq!(e.raw_response().map(|r| r.status().as_u16()), Some(304));
    let e = s3
        .get_object()
        .bucket("photos")
        .key("dir/red flower+1@€.jpg")
        .if_match("\"nope\"")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "PreconditionFailed");

    let e = s3
        .get_object()
        .bucket("photos")
        .key("missing")
        .send()
        .await
        .unwrap_err();
    assert!(e.into_service_error().is_no_such_key());
    let e = s3
        .get_object()
        .bucket("nobucket")
        .key("k")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "NoSuchBucket");
}

#[tokio::test]
async fn put_get_path_style() {
    put_get_round_trip(Addressing::Path).await;
}

#[tokio::test]
async fn put_get_virtual_host() {
    put_get_round_trip(Addressing::VirtualHost).await;
}

#[tokio::test]
async fn listing_copy_and_batch_delete() {
    let server = common::start().await;
    let s3 = common::s3(&server);
    s3.create_bucket().bucket("list").send().await.unwrap();
    for key in ["a/1", "a/2", "a/b/3", "c", "d e"] {
        s3.put_object()
            .bucket("list")
            .key(key)
            .body(ByteStream::from_static(b"data"))
            .send()
            .await
            .unwrap();
    }
    let top = s3
        .list_objects_v2()
        .bucket("list")
        .delimiter("/")
        .send()
        .await
        .unwrap();
    let keys: Vec<_> = top.contents().iter().filter_map(|o| o.key()).collect();
    let prefixes: Vec<_> = top
        .common_prefixes()
        .iter()
        .filter_map(|p| p.prefix())
        .collect();
    assert_eq!(keys, ["c", "d e"]);
    assert_eq!(prefixes, ["a/"]);
    assert_eq!(top.key_count(), Some(3));

    // Paging: two at a time through every key.
    let mut seen = Vec::new();
    let mut token = None;
    loop {
        let page = s3
            .list_objects_v2()
            .bucket("list")
            .max_keys(2)
            .set_continuation_token(token)
            .send()
            .await
            .unwrap();
        seen.extend(
            page.contents()
                .iter()
                .filter_map(|o| o.key().map(str::to_owned)),
        );
        if page.is_truncated() != Some(true) {
            break;
        }
        token = page.next_continuation_token().map(str::to_owned);
    }
    assert_eq!(seen, ["a/1", "a/2", "a/b/3", "c", "d e"]);

    let v1 = s3
        .list_objects()
        .bucket("list")
        .prefix("a/")
        .marker("a/1")
        .send()
        .await
        .unwrap();
    let keys: Vec<_> = v1.contents().iter().filter_map(|o| o.key()).collect();
    assert_eq!(keys, ["a/2", "a/b/3"]);

    let copied = s3
        .copy_object()
        .bucket("list")
        .key("copy")
        .copy_source("list/a/1")
        .send()
        .await
        .unwrap();
    assert!(
        copied
            .copy_object_result()
            .and_then(|r| r.e_tag())
            .is_some()
    );
    let e = s3
        .copy_object()
        .bucket("list")
        .key("copy2")
        .copy_source("list/missing")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "NoSuchKey");

    let delete = Delete::builder()
        .objects(ObjectIdentifier::builder().key("a/1").build().unwrap())
        .objects(
            ObjectIdentifier::builder()
                .key("never-existed")
                .build()
                .unwrap(),
        )
        .build()
        .unwrap();
    let out = s3
        .delete_objects()
        .bucket("list")
        .delete(delete)
        .send()
        .await
        .unwrap();
    assert_eq!(
        out.deleted().len(),
        2,
        "deleting a missing key succeeds too"
    );
    let rest = s3.list_objects_v2().bucket("list").send().await.unwrap();
    assert_eq!(rest.key_count(), Some(5));
}

#[tokio::test]
async fn cross_account_access_is_denied() {
    let server = common::start().await;
    common::s3(&server)
        .create_bucket()
        .bucket("mine")
        .send()
        .await
        .unwrap();
    let other = common::s3_with(
        &server,
        common::OTHER_KEY,
        common::OTHER_SECRET,
        Addressing::Path,
    );
    let e = other
        .put_object()
        .bucket("mine")
        .key("k")
        .body(ByteStream::from_static(b"x"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "AccessDenied");
}
