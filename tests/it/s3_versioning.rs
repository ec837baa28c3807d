//! Bucket versioning through `aws-sdk-s3`: version ids, reads by version, delete markers,
//! ListObjectVersions, deleting versions, and the suspended state.

use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{
    BucketVersioningStatus, Delete, ObjectIdentifier, VersioningConfiguration,
};

use crate::common::{self, code};

async fn set_versioning(s3: &aws_sdk_s3::Client, bucket: &str, status: BucketVersioningStatus) {
    s3.put_bucket_versioning()
        .bucket(bucket)
        .versioning_configuration(VersioningConfiguration::builder().status(status).build())
        .send()
        .await
        .unwrap();
}

async fn put(
    s3: &aws_sdk_s3::Client,
    bucket: &str,
    key: &str,
    data: &'static [u8],
) -> Option<String> {
    s3.put_object()
        .bucket(bucket)
        .key(key)
        .body(ByteStream::from_static(data))
        .send()
        .await
        .unwrap()
        .version_id()
        .map(str::to_owned)
}

async fn read(s3: &aws_sdk_s3::Client, bucket: &str, key: &str, version: Option<&str>) -> Vec<u8> {
    s3.get_object()
        .bucket(bucket)
        .key(key)
        .set_version_id(version.map(str::to_owned))
        .send()
        .await
        .unwrap()
        .body
        .collect()
        .await
        .unwrap()
        .into_bytes()
        .to_vec()
}

#[tokio::test]
async fn versions_markers_and_listing() {
    let server = common::start().await;
    let s3 = common::s3(&server);
    s3.create_bucket().bucket("ver").send().await.unwrap();
    let got = s3
        .get_bucket_versioning()
        .bucket("ver")
        .send()
        .await
        .unwrap();
    assert_eq!(got.status(), None);
    // Unversioned: no version id.
    assert_eq!(put(&s3, "ver", "old", b"0").await, None);

    set_versioning(&s3, "ver", BucketVersioningStatus::Enabled).await;
    let got = s3
        .get_bucket_versioning()
        .bucket("ver")
        .send()
        .await
        .unwrap();
    assert_eq!(got.status(), Some(&BucketVersioningStatus::Enabled));

    let v1 = put(&s3, "ver", "k", b"one").await.expect("version id");
    let v2 = put(&s3, "ver", "k", b"two").await.expect("version id");
    assert_ne!(v1, v2);
    assert_eq!(v1.len(), 32);
    assert_eq!(read(&s3, "ver", "k", None).await, b"two");
    assert_eq!(read(&s3, "ver", "k", Some(&v1)).await, b"one");
    assert_eq!(read(&s3, "ver", "old", Some("null")).await, b"0");
    let head = s3
        .head_object()
        .bucket("ver")
        .key("k")
        .version_id(&v1)
        .send()
        .await
        .unwrap();
    assert_eq!(head.version_id(), Some(v1.as_str()));
    let e = s3
        .get_object()
        .bucket("ver")
        .key("k")
        .version_id("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "NoSuchVersion");

    // A delete without a version id creates a marker.
    let del = s3
        .delete_object()
        .bucket("ver")
        .key("k")
        .send()
        .await
        .unwrap();
    assert_eq!(del.delete_marker(), Some(true));
    let marker = del.version_id().expect("marker version").to_owned();
    let e = s3
        .get_object()
        .bucket("ver")
        .key("k")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "NoSuchKey");
    let raw = e.raw_response().unwrap();
    assert_eq!(raw.headers().get("x-amz-delete-marker"), Some("true"));
    let e = s3
        .get_object()
        .bucket("ver")
        .key("k")
        .version_id(&marker)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "MethodNotAllowed");
    assert_eq!(read(&s3, "ver", "k", Some(&v2)).await, b"two");
    let listed = s3.list_objects_v2().bucket("ver").send().await.unwrap();
    let keys: Vec<_> = listed.contents().iter().filter_map(|o| o.key()).collect();
    assert_eq!(keys, ["old"]);

    let versions = s3
        .list_object_versions()
        .bucket("ver")
        .send()
        .await
        .unwrap();
    let vs: Vec<_> = versions
        .versions()
        .iter()
        .map(|v| {
            (
                v.key().unwrap(),
                v.version_id().unwrap(),
                v.is_latest().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        vs,
        [
            ("k", v2.as_str(), false),
            ("k", v1.as_str(), false),
            ("old", "null", true)
        ]
    );
    let ms: Vec<_> = versions
        .delete_markers()
        .iter()
        .map(|m| {
            (
                m.key().unwrap(),
                m.version_id().unwrap(),
                m.is_latest().unwrap(),
            )
        })
        .collect();
    assert_eq!(ms, [("k", marker.as_str(), true)]);

    // Paging: one entry at a time walks all four.
    let mut seen = 0;
    let (mut km, mut vm) = (None::<String>, None::<String>);
    loop {
        let page = s3
            .list_object_versions()
            .bucket("ver")
            .max_keys(1)
            .set_key_marker(km.clone())
            .set_version_id_marker(vm.clone())
            .send()
            .await
            .unwrap();
        seen += page.versions().len() + page.delete_markers().len();
        if page.is_truncated() != Some(true) {
            break;
        }
        km = page.next_key_marker().map(str::to_owned);
        vm = page.next_version_id_marker().map(str::to_owned);
        assert!(seen <= 4, "paging does not end");
    }
    assert_eq!(seen, 4);

    // Deleting the marker by id brings v2 back.
    let del = s3
        .delete_object()
        .bucket("ver")
        .key("k")
        .version_id(&marker)
        .send()
        .await
        .unwrap();
    assert_eq!(del.delete_marker(), Some(true));
    assert_eq!(read(&s3, "ver", "k", None).await, b"two");
    // Deleting v2 permanently makes v1 current.
    s3.delete_object()
        .bucket("ver")
        .key("k")
        .version_id(&v2)
        .send()
        .await
        .unwrap();
    assert_eq!(read(&s3, "ver", "k", None).await, b"one");

    // DeleteObjects with a version id.
    let out = s3
        .delete_objects()
        .bucket("ver")
        .delete(
            Delete::builder()
                .objects(
                    ObjectIdentifier::builder()
                        .key("k")
                        .version_id(&v1)
                        .build()
                        .unwrap(),
                )
                .objects(ObjectIdentifier::builder().key("old").build().unwrap())
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(out.deleted().len(), 2);
    let old = out
        .deleted()
        .iter()
        .find(|d| d.key() == Some("old"))
        .unwrap();
    assert_eq!(old.delete_marker(), Some(true));
    assert!(old.delete_marker_version_id().is_some());
    let e = s3
        .get_object()
        .bucket("ver")
        .key("k")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "NoSuchKey");
}

#[tokio::test]
async fn suspended_writes_replace_the_null_version() {
    let server = common::start().await;
    let s3 = common::s3(&server);
    s3.create_bucket().bucket("sus").send().await.unwrap();
    set_versioning(&s3, "sus", BucketVersioningStatus::Enabled).await;
    let v1 = put(&s3, "sus", "k", b"kept").await.unwrap();
    set_versioning(&s3, "sus", BucketVersioningStatus::Suspended).await;
    let got = s3
        .get_bucket_versioning()
        .bucket("sus")
        .send()
        .await
        .unwrap();
    assert_eq!(got.status(), Some(&BucketVersioningStatus::Suspended));
    assert_eq!(put(&s3, "sus", "k", b"a").await.as_deref(), Some("null"));
    assert_eq!(put(&s3, "sus", "k", b"b").await.as_deref(), Some("null"));
    let versions = s3
        .list_object_versions()
        .bucket("sus")
        .send()
        .await
        .unwrap();
    let ids: Vec<_> = versions
        .versions()
        .iter()
        .filter_map(|v| v.version_id())
        .collect();
    assert_eq!(ids, ["null", v1.as_str()]);
    assert_eq!(read(&s3, "sus", "k", None).await, b"b");
    assert_eq!(read(&s3, "sus", "k", Some(&v1)).await, b"kept");
    // A delete puts a null marker in place of the null version.
    let del = s3
        .delete_object()
        .bucket("sus")
        .key("k")
        .send()
        .await
        .unwrap();
    assert_eq!(del.delete_marker(), Some(true));
    assert_eq!(del.version_id(), Some("null"));
    let versions = s3
        .list_object_versions()
        .bucket("sus")
        .send()
        .await
        .unwrap();
    assert_eq!(versions.versions().len(), 1);
    assert_eq!(versions.delete_markers().len(), 1);

    // Bad bodies are MalformedXML.
    let e = s3
        .put_bucket_versioning()
        .bucket("sus")
        .versioning_configuration(
            VersioningConfiguration::builder()
                .status(BucketVersioningStatus::from("Sometimes"))
                .build(),
        )
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "MalformedXML");
}
