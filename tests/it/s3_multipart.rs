//! Multipart uploads through `aws-sdk-s3`: the happy path, completion errors, abort,
//! listings and UploadPartCopy.

use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{ChecksumAlgorithm, CompletedMultipartUpload, CompletedPart};
use md5::{Digest, Md5};

use crate::common::{self, code};

const MIB: usize = 1024 * 1024;

fn part(n: i32, etag: &str) -> CompletedPart {
    CompletedPart::builder().part_number(n).e_tag(etag).build()
}

fn parts(list: Vec<CompletedPart>) -> CompletedMultipartUpload {
    CompletedMultipartUpload::builder()
        .set_parts(Some(list))
        .build()
}

async fn setup(bucket: &str) -> (s3lambda::sim::Server, aws_sdk_s3::Client) {
    let server = common::start().await;
    let s3 = common::s3(&server);
    s3.create_bucket().bucket(bucket).send().await.unwrap();
    (server, s3)
}

async fn create(s3: &aws_sdk_s3::Client, bucket: &str, key: &str) -> String {
    s3.create_multipart_upload()
        .bucket(bucket)
        .key(key)
        .send()
        .await
        .unwrap()
        .upload_id()
        .unwrap()
        .to_owned()
}

async fn upload(
    s3: &aws_sdk_s3::Client,
    bucket: &str,
    key: &str,
    id: &str,
    n: i32,
    data: Vec<u8>,
) -> String {
    s3.upload_part()
        .bucket(bucket)
        .key(key)
        .upload_id(id)
        .part_number(n)
        .body(ByteStream::from(data))
        .send()
        .await
        .unwrap()
        .e_tag()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn three_parts_complete_with_multipart_etag() {
    let (_server, s3) = setup("mpu").await;
    let id = create(&s3, "mpu", "big.bin").await;
    let datas = [vec![b'a'; 5 * MIB], vec![b'b'; 5 * MIB], b"tail".to_vec()];
    let mut etags = Vec::new();
    for (i, d) in datas.iter().enumerate() {
        let n = i32::try_from(i).unwrap() + 1;
        etags.push(upload(&s3, "mpu", "big.bin", &id, n, d.clone()).await);
    }
    // Not readable before completion.
    let e = s3
        .get_object()
        .bucket("mpu")
        .key("big.bin")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "NoSuchKey");
    let done = s3
        .complete_multipart_upload()
        .bucket("mpu")
        .key("big.bin")
        .upload_id(&id)
        .multipart_upload(parts(
            etags
                .iter()
                .enumerate()
                .map(|(i, e)| part(i32::try_from(i).unwrap() + 1, e))
                .collect(),
        ))
        .send()
        .await
        .unwrap();
    let mut h = Md5::new();
    for d in &datas {
        h.update(Md5::digest(d));
    }
    let expected = format!("\"{}-3\"", hex::encode(h.finalize()));
    assert_eq!(done.e_tag(), Some(expected.as_str()));
    let got = s3
        .get_object()
        .bucket("mpu")
        .key("big.bin")
        .send()
        .await
        .unwrap();
    assert_eq!(got.e_tag(), Some(expected.as_str()));
    let body = got.body.collect().await.unwrap().into_bytes();
    assert_eq!(body.len(), 10 * MIB + 4);
    assert_eq!(&body[..5 * MIB], datas[0].as_slice());
    assert_eq!(&body[5 * MIB..10 * MIB], datas[1].as_slice());
    assert_eq!(&body[10 * MIB..], b"tail");
    // GetObject/HeadObject by part number.
    let p2 = s3
        .get_object()
        .bucket("mpu")
        .key("big.bin")
        .part_number(2)
        .send()
        .await
        .unwrap();
    assert_eq!(p2.parts_count(), Some(3));
    assert_eq!(p2.content_length(), Some(i64::try_from(5 * MIB).unwrap()));
    let p2 = p2.body.collect().await.unwrap().into_bytes();
    assert_eq!(p2.as_ref(), datas[1].as_slice());
    let head = s3
        .head_object()
        .bucket("mpu")
        .key("big.bin")
        .part_number(3)
        .send()
        .await
        .unwrap();
    assert_eq!(head.content_length(), Some(4));
    // The upload is gone.
    let e = s3
        .list_parts()
        .bucket("mpu")
        .key("big.bin")
        .upload_id(&id)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "NoSuchUpload");
}

#[tokio::test]
async fn completion_errors() {
    let (_server, s3) = setup("mpe").await;
    let id = create(&s3, "mpe", "k").await;
    let e1 = upload(&s3, "mpe", "k", &id, 1, vec![1; 1024]).await;
    let e2 = upload(&s3, "mpe", "k", &id, 2, vec![2; 1024]).await;
    let complete = |list: Vec<CompletedPart>, upload_id: &str| {
        s3.complete_multipart_upload()
            .bucket("mpe")
            .key("k")
            .upload_id(upload_id)
            .multipart_upload(parts(list))
            .send()
    };
    let e = complete(vec![part(2, &e2), part(1, &e1)], &id)
        .await
        .unwrap_err();
    assert_eq!(code(&e), "InvalidPartOrder");
    let e = complete(
        vec![
            part(1, &e1),
            part(2, "\"00000000000000000000000000000000\""),
        ],
        &id,
    )
    .await
    .unwrap_err();
    assert_eq!(code(&e), "InvalidPart");
    let e = complete(vec![part(1, &e1), part(3, &e2)], &id)
        .await
        .unwrap_err();
    assert_eq!(code(&e), "InvalidPart");
    let e = complete(vec![part(1, &e1), part(2, &e2)], &id)
        .await
        .unwrap_err();
    assert_eq!(code(&e), "EntityTooSmall");
    let e = complete(vec![part(1, &e1)], "nope").await.unwrap_err();
    assert_eq!(code(&e), "NoSuchUpload");
    // The failures left the upload in place: a single small part completes.
    let done = complete(vec![part(1, &e1)], &id).await.unwrap();
    assert!(done.e_tag().unwrap().ends_with("-1\""));
    let e = s3
        .upload_part()
        .bucket("mpe")
        .key("k")
        .upload_id("nope")
        .part_number(1)
        .body(ByteStream::from_static(b"x"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "NoSuchUpload");
}

#[tokio::test]
async fn abort_and_listings() {
    let (_server, s3) = setup("mpl").await;
    let a = create(&s3, "mpl", "dir/a").await;
    let b = create(&s3, "mpl", "dir/b").await;
    let c = create(&s3, "mpl", "other").await;
    upload(&s3, "mpl", "dir/a", &a, 1, vec![0; 10]).await;
    upload(&s3, "mpl", "dir/a", &a, 3, vec![0; 30]).await;
    let listed = s3
        .list_parts()
        .bucket("mpl")
        .key("dir/a")
        .upload_id(&a)
        .send()
        .await
        .unwrap();
    let numbers: Vec<_> = listed
        .parts()
        .iter()
        .map(aws_sdk_s3::types::Part::part_number)
        .collect();
    assert_eq!(numbers, [Some(1), Some(3)]);
    assert_eq!(listed.parts()[1].size(), Some(30));
    let page = s3
        .list_parts()
        .bucket("mpl")
        .key("dir/a")
        .upload_id(&a)
        .max_parts(1)
        .send()
        .await
        .unwrap();
    assert_eq!(page.is_truncated(), Some(true));
    assert_eq!(page.next_part_number_marker(), Some("1"));

    let all = s3
        .list_multipart_uploads()
        .bucket("mpl")
        .send()
        .await
        .unwrap();
    let ids: Vec<_> = all.uploads().iter().filter_map(|u| u.upload_id()).collect();
    assert_eq!(ids, [a.as_str(), b.as_str(), c.as_str()]);
    let dir = s3
        .list_multipart_uploads()
        .bucket("mpl")
        .prefix("dir/")
        .max_uploads(1)
        .send()
        .await
        .unwrap();
    assert_eq!(dir.uploads().len(), 1);
    assert_eq!(dir.is_truncated(), Some(true));
    assert_eq!(dir.next_key_marker(), Some("dir/a"));

    s3.abort_multipart_upload()
        .bucket("mpl")
        .key("dir/a")
        .upload_id(&a)
        .send()
        .await
        .unwrap();
    let e = s3
        .abort_multipart_upload()
        .bucket("mpl")
        .key("dir/a")
        .upload_id(&a)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "NoSuchUpload");
    let all = s3
        .list_multipart_uploads()
        .bucket("mpl")
        .send()
        .await
        .unwrap();
    assert_eq!(all.uploads().len(), 2);
}

#[tokio::test]
async fn upload_part_copy_with_range_and_checksums() {
    let (_server, s3) = setup("mpc").await;
    let src: Vec<u8> = (0..6 * MIB)
        .map(|i| u8::try_from(i % 251).unwrap())
        .collect();
    s3.put_object()
        .bucket("mpc")
        .key("src")
        .body(ByteStream::from(src.clone()))
        .send()
        .await
        .unwrap();
    let id = s3
        .create_multipart_upload()
        .bucket("mpc")
        .key("dst")
        .checksum_algorithm(ChecksumAlgorithm::Crc32)
        .send()
        .await
        .unwrap()
        .upload_id()
        .unwrap()
        .to_owned();
    let p1 = s3
        .upload_part_copy()
        .bucket("mpc")
        .key("dst")
        .upload_id(&id)
        .part_number(1)
        .copy_source("mpc/src")
        .send()
        .await
        .unwrap();
    let e1 = p1.copy_part_result().unwrap().e_tag().unwrap().to_owned();
    let p2 = s3
        .upload_part_copy()
        .bucket("mpc")
        .key("dst")
        .upload_id(&id)
        .part_number(2)
        .copy_source("mpc/src")
        .copy_source_range("bytes=10-19")
        .send()
        .await
        .unwrap();
    let e2 = p2.copy_part_result().unwrap().e_tag().unwrap().to_owned();
    // A part uploaded with an explicit CRC32 is accepted and listed with it.
    let p3 = s3
        .upload_part()
        .bucket("mpc")
        .key("dst")
        .upload_id(&id)
        .part_number(3)
        .checksum_algorithm(ChecksumAlgorithm::Crc32)
        .body(ByteStream::from_static(b"end"))
        .send()
        .await
        .unwrap();
    assert!(p3.checksum_crc32().is_some());
    let listed = s3
        .list_parts()
        .bucket("mpc")
        .key("dst")
        .upload_id(&id)
        .send()
        .await
        .unwrap();
    assert_eq!(listed.parts()[2].checksum_crc32(), p3.checksum_crc32());
    let e3 = p3.e_tag().unwrap().to_owned();
    let e = s3
        .complete_multipart_upload()
        .bucket("mpc")
        .key("dst")
        .upload_id(&id)
        .multipart_upload(parts(vec![part(1, &e1), part(2, &e2), part(3, &e3)]))
        .send()
        .await;
    // Part 2 (10 bytes) is not the last part: too small.
    assert_eq!(code(&e.unwrap_err()), "EntityTooSmall");
    s3.complete_multipart_upload()
        .bucket("mpc")
        .key("dst")
        .upload_id(&id)
        .multipart_upload(parts(vec![part(1, &e1), part(2, &e2)]))
        .send()
        .await
        .unwrap();
    let body = s3
        .get_object()
        .bucket("mpc")
        .key("dst")
        .send()
        .await
        .unwrap()
        .body
        .collect()
        .await
        .unwrap()
        .into_bytes();
    let mut expected = src.clone();
    expected.extend_from_slice(&src[10..20]);
    assert_eq!(body.as_ref(), expected.as_slice());
}
