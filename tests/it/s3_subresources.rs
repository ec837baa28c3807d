//! Bucket and object settings through `aws-sdk-s3`: every subresource's put/get/delete round
//! trip, the error S3 gives while it is unset, its defaults for a new bucket, and that the
//! settings go with the bucket. Expected answers follow AWS-recorded responses (see
//! `src/s3/config/*.rs` for the source of each).

use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{
    AccelerateConfiguration, BucketAccelerateStatus, BucketCannedAcl, BucketLifecycleConfiguration,
    BucketLoggingStatus, BucketVersioningStatus, CorsConfiguration, CorsRule, DefaultRetention,
    ExpirationStatus, IndexDocument, LifecycleExpiration, LifecycleRule, LifecycleRuleFilter,
    LoggingEnabled, ObjectCannedAcl, ObjectLockConfiguration, ObjectLockEnabled,
    ObjectLockRetentionMode, ObjectLockRule, ObjectOwnership, OwnershipControls,
    OwnershipControlsRule, Payer, Permission, PublicAccessBlockConfiguration,
    ReplicationConfiguration, ReplicationRule, ReplicationRuleStatus, RequestPaymentConfiguration,
    ServerSideEncryption, ServerSideEncryptionByDefault, ServerSideEncryptionConfiguration,
    ServerSideEncryptionRule, Tag, Tagging, Type, VersioningConfiguration, WebsiteConfiguration,
};

use crate::common::{self, code};

fn tagging(pairs: &[(&str, &str)]) -> Tagging {
    let mut t = Tagging::builder();
    for (k, v) in pairs {
        t = t.tag_set(Tag::builder().key(*k).value(*v).build().unwrap());
    }
    t.build().unwrap()
}

async fn setup(name: &str) -> (s3lambda::sim::Server, aws_sdk_s3::Client) {
    let server = common::start().await;
    let s3 = common::s3(&server);
    s3.create_bucket().bucket(name).send().await.unwrap();
    (server, s3)
}

async fn enable_versioning(s3: &aws_sdk_s3::Client, bucket: &str) {
    s3.put_bucket_versioning()
        .bucket(bucket)
        .versioning_configuration(
            VersioningConfiguration::builder()
                .status(BucketVersioningStatus::Enabled)
                .build(),
        )
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn bucket_tagging_round_trip_errors_and_bucket_deletion() {
    let (server, s3) = setup("tags").await;
    let e = s3
        .get_bucket_tagging()
        .bucket("tags")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "NoSuchTagSet");
    s3.put_bucket_tagging()
        .bucket("tags")
        .tagging(tagging(&[("tag1", "tag1"), ("tag2", "")]))
        .send()
        .await
        .unwrap();
    let got = s3.get_bucket_tagging().bucket("tags").send().await.unwrap();
    let pairs: Vec<(&str, &str)> = got.tag_set().iter().map(|t| (t.key(), t.value())).collect();
    assert_eq!(pairs, [("tag1", "tag1"), ("tag2", "")]);
    for (bad, expected) in [
        (
            tagging(&[("Key1", "a"), ("Key1", "b")]),
            "Cannot provide multiple Tags with the same key",
        ),
        (
            tagging(&[("Key1,Key2", "a")]),
            "The TagKey you have provided is invalid",
        ),
        (
            tagging(&[("aws:prefixed", "a")]),
            "System tags cannot be added/updated by requester",
        ),
    ] {
        let e = s3
            .put_bucket_tagging()
            .bucket("tags")
            .tagging(bad)
            .send()
            .await
            .unwrap_err();
        assert_eq!(code(&e), "InvalidTag");
        assert_eq!(
            e.as_service_error().and_then(|s| s.meta().message()),
            Some(expected)
        );
    }
    // A refused PUT changed nothing.
    let got = s3.get_bucket_tagging().bucket("tags").send().await.unwrap();
    assert_eq!(got.tag_set().len(), 2);
    s3.delete_bucket_tagging()
        .bucket("tags")
        .send()
        .await
        .unwrap();
    let e = s3
        .get_bucket_tagging()
        .bucket("tags")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "NoSuchTagSet");

    // Settings are deleted with the bucket.
    s3.put_bucket_tagging()
        .bucket("tags")
        .tagging(tagging(&[("k", "v")]))
        .send()
        .await
        .unwrap();
    s3.delete_bucket().bucket("tags").send().await.unwrap();
    s3.create_bucket().bucket("tags").send().await.unwrap();
    let e = s3
        .get_bucket_tagging()
        .bucket("tags")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "NoSuchTagSet");
    // Another account never reads them.
    let other = common::s3_with(
        &server,
        common::OTHER_KEY,
        common::OTHER_SECRET,
        common::Addressing::Path,
    );
    let e = other
        .get_bucket_tagging()
        .bucket("tags")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "AccessDenied");
}

#[tokio::test]
async fn object_tagging_round_trip() {
    let (_server, s3) = setup("otags").await;
    s3.put_object()
        .bucket("otags")
        .key("k")
        .body(ByteStream::from_static(b"x"))
        .send()
        .await
        .unwrap();
    let got = s3
        .get_object_tagging()
        .bucket("otags")
        .key("k")
        .send()
        .await
        .unwrap();
    assert!(got.tag_set().is_empty());
    s3.put_object_tagging()
        .bucket("otags")
        .key("k")
        .tagging(tagging(&[("tag1", "tag1")]))
        .send()
        .await
        .unwrap();
    let got = s3
        .get_object_tagging()
        .bucket("otags")
        .key("k")
        .send()
        .await
        .unwrap();
    assert_eq!(got.tag_set()[0].key(), "tag1");
    let e = s3
        .put_object_tagging()
        .bucket("otags")
        .key("k")
        .tagging(tagging(&[("aws:x", "v")]))
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "InvalidTag");
    let eleven: Vec<(String, String)> = (0..11).map(|i| (format!("k{i}"), "v".into())).collect();
    let eleven: Vec<(&str, &str)> = eleven
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let e = s3
        .put_object_tagging()
        .bucket("otags")
        .key("k")
        .tagging(tagging(&eleven))
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "InvalidTag");
    // An overwritten object starts without tags.
    s3.put_object()
        .bucket("otags")
        .key("k")
        .body(ByteStream::from_static(b"y"))
        .send()
        .await
        .unwrap();
    let got = s3
        .get_object_tagging()
        .bucket("otags")
        .key("k")
        .send()
        .await
        .unwrap();
    assert!(got.tag_set().is_empty());
    s3.put_object_tagging()
        .bucket("otags")
        .key("k")
        .tagging(tagging(&[("a", "b")]))
        .send()
        .await
        .unwrap();
    s3.delete_object_tagging()
        .bucket("otags")
        .key("k")
        .send()
        .await
        .unwrap();
    let got = s3
        .get_object_tagging()
        .bucket("otags")
        .key("k")
        .send()
        .await
        .unwrap();
    assert!(got.tag_set().is_empty());
    // Tags sent with PutObject, and their count on GetObject.
    s3.put_object()
        .bucket("otags")
        .key("tagged")
        .tagging("a=1&b=two%20words")
        .body(ByteStream::from_static(b"z"))
        .send()
        .await
        .unwrap();
    let got = s3
        .get_object_tagging()
        .bucket("otags")
        .key("tagged")
        .send()
        .await
        .unwrap();
    let pairs: Vec<(&str, &str)> = got.tag_set().iter().map(|t| (t.key(), t.value())).collect();
    assert_eq!(pairs, [("a", "1"), ("b", "two words")]);
    let obj = s3
        .get_object()
        .bucket("otags")
        .key("tagged")
        .send()
        .await
        .unwrap();
    assert_eq!(obj.tag_count(), Some(2));
    let e = s3
        .put_object()
        .bucket("otags")
        .key("tagged")
        .tagging("aws:x=1")
        .body(ByteStream::from_static(b"z"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "InvalidTag");
    let e = s3
        .get_object_tagging()
        .bucket("otags")
        .key("none")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "NoSuchKey");
}

const PUBLIC_POLICY: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::pol/*"}]}"#;

#[tokio::test]
async fn policy_round_trip_status_and_block_public_policy() {
    let (_server, s3) = setup("pol").await;
    let e = s3
        .get_bucket_policy()
        .bucket("pol")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "NoSuchBucketPolicy");
    let e = s3
        .get_bucket_policy_status()
        .bucket("pol")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "NoSuchBucketPolicy");
    for bad in ["", "random", "{}"] {
        let e = s3
            .put_bucket_policy()
            .bucket("pol")
            .policy(bad)
            .send()
            .await
            .unwrap_err();
        assert_eq!(code(&e), "MalformedPolicy", "{bad}");
    }
    // New buckets block public policies.
    let e = s3
        .put_bucket_policy()
        .bucket("pol")
        .policy(PUBLIC_POLICY)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "AccessDenied");
    let private = PUBLIC_POLICY.replace(
        r#"{"AWS":"*"}"#,
        r#"{"AWS":"arn:aws:iam::000000000000:root"}"#,
    );
    s3.put_bucket_policy()
        .bucket("pol")
        .policy(&private)
        .send()
        .await
        .unwrap();
    let got = s3.get_bucket_policy().bucket("pol").send().await.unwrap();
    assert_eq!(got.policy(), Some(private.as_str()));
    let status = s3
        .get_bucket_policy_status()
        .bucket("pol")
        .send()
        .await
        .unwrap();
    assert_eq!(
        status
            .policy_status()
            .and_then(aws_sdk_s3::types::PolicyStatus::is_public),
        Some(false)
    );

    s3.delete_public_access_block()
        .bucket("pol")
        .send()
        .await
        .unwrap();
    s3.put_bucket_policy()
        .bucket("pol")
        .policy(PUBLIC_POLICY)
        .send()
        .await
        .unwrap();
    let status = s3
        .get_bucket_policy_status()
        .bucket("pol")
        .send()
        .await
        .unwrap();
    assert_eq!(
        status
            .policy_status()
            .and_then(aws_sdk_s3::types::PolicyStatus::is_public),
        Some(true)
    );
    s3.delete_bucket_policy()
        .bucket("pol")
        .send()
        .await
        .unwrap();
    let e = s3
        .get_bucket_policy()
        .bucket("pol")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "NoSuchBucketPolicy");
    // Deleting again is still 204.
    s3.delete_bucket_policy()
        .bucket("pol")
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn acls_canned_default_and_disabled_by_ownership() {
    let (_server, s3) = setup("acl").await;
    let acl = s3.get_bucket_acl().bucket("acl").send().await.unwrap();
    let owner = acl
        .owner()
        .and_then(aws_sdk_s3::types::Owner::id)
        .unwrap()
        .to_owned();
    assert_eq!(owner.len(), 64);
    assert_eq!(acl.grants().len(), 1);
    let grant = &acl.grants()[0];
    assert_eq!(grant.permission(), Some(&Permission::FullControl));
    let grantee = grant.grantee().unwrap();
    assert_eq!(grantee.r#type(), &Type::CanonicalUser);
    assert_eq!(grantee.id(), Some(owner.as_str()));

    s3.put_bucket_acl()
        .bucket("acl")
        .acl(BucketCannedAcl::Private)
        .send()
        .await
        .unwrap();
    // ACLs are disabled on a new bucket (BucketOwnerEnforced).
    let e = s3
        .put_bucket_acl()
        .bucket("acl")
        .acl(BucketCannedAcl::PublicRead)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "AccessControlListNotSupported");
    // ObjectWriter ownership and no public access block: public-read is stored.
    s3.put_bucket_ownership_controls()
        .bucket("acl")
        .ownership_controls(
            OwnershipControls::builder()
                .rules(
                    OwnershipControlsRule::builder()
                        .object_ownership(ObjectOwnership::ObjectWriter)
                        .build()
                        .unwrap(),
                )
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    let e = s3
        .put_bucket_acl()
        .bucket("acl")
        .acl(BucketCannedAcl::PublicRead)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "AccessDenied", "BlockPublicAcls is on by default");
    s3.delete_public_access_block()
        .bucket("acl")
        .send()
        .await
        .unwrap();
    s3.put_bucket_acl()
        .bucket("acl")
        .acl(BucketCannedAcl::PublicRead)
        .send()
        .await
        .unwrap();
    let acl = s3.get_bucket_acl().bucket("acl").send().await.unwrap();
    assert_eq!(acl.grants().len(), 2);
    let all_users = acl.grants()[1].grantee().unwrap();
    assert_eq!(all_users.r#type(), &Type::Group);
    assert_eq!(
        all_users.uri(),
        Some("http://acs.amazonaws.com/groups/global/AllUsers")
    );
    assert_eq!(acl.grants()[1].permission(), Some(&Permission::Read));

    s3.put_object()
        .bucket("acl")
        .key("k")
        .body(ByteStream::from_static(b"x"))
        .send()
        .await
        .unwrap();
    let oacl = s3
        .get_object_acl()
        .bucket("acl")
        .key("k")
        .send()
        .await
        .unwrap();
    assert_eq!(oacl.grants().len(), 1);
    s3.put_object_acl()
        .bucket("acl")
        .key("k")
        .acl(ObjectCannedAcl::AuthenticatedRead)
        .send()
        .await
        .unwrap();
    let oacl = s3
        .get_object_acl()
        .bucket("acl")
        .key("k")
        .send()
        .await
        .unwrap();
    assert_eq!(
        oacl.grants()[1]
            .grantee()
            .and_then(aws_sdk_s3::types::Grantee::uri),
        Some("http://acs.amazonaws.com/groups/global/AuthenticatedUsers")
    );
}

#[tokio::test]
async fn acl_request_errors() {
    let server = common::start().await;
    let s3 = common::s3(&server);
    s3.create_bucket().bucket("aclx").send().await.unwrap();
    let e = s3
        .put_bucket_acl()
        .bucket("aclx")
        .acl(BucketCannedAcl::from("fake-acl"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "InvalidArgument");
    let e = s3.put_bucket_acl().bucket("aclx").send().await.unwrap_err();
    assert_eq!(code(&e), "MissingSecurityHeader");
    let e = s3
        .put_bucket_acl()
        .bucket("aclx")
        .acl(BucketCannedAcl::Private)
        .grant_read("uri=\"http://acs.amazonaws.com/groups/s3/LogDelivery\"")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "InvalidRequest");
    let e = s3
        .put_bucket_acl()
        .bucket("aclx")
        .grant_write("fakekey=\"1234\"")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "InvalidArgument");
}

#[tokio::test]
async fn cors_lifecycle_and_website_are_stored_or_missing() {
    let (_server, s3) = setup("docs").await;
    let e = s3
        .get_bucket_cors()
        .bucket("docs")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "NoSuchCORSConfiguration");
    let rule = CorsRule::builder()
        .allowed_methods("GET")
        .allowed_methods("PUT")
        .allowed_origins("https://example.com")
        .max_age_seconds(3000)
        .build()
        .unwrap();
    s3.put_bucket_cors()
        .bucket("docs")
        .cors_configuration(
            CorsConfiguration::builder()
                .cors_rules(rule)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    let got = s3.get_bucket_cors().bucket("docs").send().await.unwrap();
    assert_eq!(got.cors_rules()[0].allowed_methods(), ["GET", "PUT"]);
    assert_eq!(got.cors_rules()[0].max_age_seconds(), Some(3000));
    let bad = CorsRule::builder()
        .allowed_methods("PATCH")
        .allowed_origins("*")
        .build()
        .unwrap();
    let e = s3
        .put_bucket_cors()
        .bucket("docs")
        .cors_configuration(
            CorsConfiguration::builder()
                .cors_rules(bad)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "InvalidRequest");
    s3.delete_bucket_cors().bucket("docs").send().await.unwrap();
    let e = s3
        .get_bucket_cors()
        .bucket("docs")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "NoSuchCORSConfiguration");

    let e = s3
        .get_bucket_lifecycle_configuration()
        .bucket("docs")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "NoSuchLifecycleConfiguration");
    let rule = LifecycleRule::builder()
        .id("wholebucket")
        .filter(LifecycleRuleFilter::builder().prefix("").build())
        .expiration(LifecycleExpiration::builder().days(7).build())
        .status(ExpirationStatus::Enabled)
        .build()
        .unwrap();
    s3.put_bucket_lifecycle_configuration()
        .bucket("docs")
        .lifecycle_configuration(
            BucketLifecycleConfiguration::builder()
                .rules(rule)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    let got = s3
        .get_bucket_lifecycle_configuration()
        .bucket("docs")
        .send()
        .await
        .unwrap();
    assert_eq!(got.rules()[0].id(), Some("wholebucket"));
    assert_eq!(
        got.rules()[0]
            .expiration()
            .and_then(aws_sdk_s3::types::LifecycleExpiration::days),
        Some(7)
    );
    assert_eq!(
        got.transition_default_minimum_object_size()
            .map(aws_sdk_s3::types::TransitionDefaultMinimumObjectSize::as_str),
        Some("all_storage_classes_128K")
    );
    s3.delete_bucket_lifecycle()
        .bucket("docs")
        .send()
        .await
        .unwrap();
    let e = s3
        .get_bucket_lifecycle_configuration()
        .bucket("docs")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "NoSuchLifecycleConfiguration");

    let e = s3
        .get_bucket_website()
        .bucket("docs")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "NoSuchWebsiteConfiguration");
    s3.put_bucket_website()
        .bucket("docs")
        .website_configuration(
            WebsiteConfiguration::builder()
                .index_document(
                    IndexDocument::builder()
                        .suffix("index.html")
                        .build()
                        .unwrap(),
                )
                .build(),
        )
        .send()
        .await
        .unwrap();
    let got = s3.get_bucket_website().bucket("docs").send().await.unwrap();
    assert_eq!(
        got.index_document().map(IndexDocument::suffix),
        Some("index.html")
    );
    s3.delete_bucket_website()
        .bucket("docs")
        .send()
        .await
        .unwrap();
    let e = s3
        .get_bucket_website()
        .bucket("docs")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "NoSuchWebsiteConfiguration");
}

#[tokio::test]
async fn new_bucket_defaults_encryption_ownership_and_public_access_block() {
    let (_server, s3) = setup("defs").await;
    let enc = s3
        .get_bucket_encryption()
        .bucket("defs")
        .send()
        .await
        .unwrap();
    let rule = &enc.server_side_encryption_configuration().unwrap().rules()[0];
    assert_eq!(
        rule.apply_server_side_encryption_by_default()
            .map(ServerSideEncryptionByDefault::sse_algorithm),
        Some(&ServerSideEncryption::Aes256)
    );
    assert_eq!(rule.bucket_key_enabled(), Some(false));
    let kms = ServerSideEncryptionConfiguration::builder()
        .rules(
            ServerSideEncryptionRule::builder()
                .apply_server_side_encryption_by_default(
                    ServerSideEncryptionByDefault::builder()
                        .sse_algorithm(ServerSideEncryption::AwsKms)
                        .kms_master_key_id("alias/mine")
                        .build()
                        .unwrap(),
                )
                .bucket_key_enabled(true)
                .build(),
        )
        .build()
        .unwrap();
    s3.put_bucket_encryption()
        .bucket("defs")
        .server_side_encryption_configuration(kms)
        .send()
        .await
        .unwrap();
    let enc = s3
        .get_bucket_encryption()
        .bucket("defs")
        .send()
        .await
        .unwrap();
    let by_default = enc.server_side_encryption_configuration().unwrap().rules()[0]
        .apply_server_side_encryption_by_default()
        .unwrap()
        .clone();
    assert_eq!(by_default.sse_algorithm(), &ServerSideEncryption::AwsKms);
    assert_eq!(by_default.kms_master_key_id(), Some("alias/mine"));
    let aes_with_key = ServerSideEncryptionConfiguration::builder()
        .rules(
            ServerSideEncryptionRule::builder()
                .apply_server_side_encryption_by_default(
                    ServerSideEncryptionByDefault::builder()
                        .sse_algorithm(ServerSideEncryption::Aes256)
                        .kms_master_key_id("alias/mine")
                        .build()
                        .unwrap(),
                )
                .build(),
        )
        .build()
        .unwrap();
    let e = s3
        .put_bucket_encryption()
        .bucket("defs")
        .server_side_encryption_configuration(aes_with_key)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "InvalidArgument");
    // Deleting returns the bucket to SSE-S3.
    s3.delete_bucket_encryption()
        .bucket("defs")
        .send()
        .await
        .unwrap();
    let enc = s3
        .get_bucket_encryption()
        .bucket("defs")
        .send()
        .await
        .unwrap();
    assert_eq!(
        enc.server_side_encryption_configuration().unwrap().rules()[0]
            .apply_server_side_encryption_by_default()
            .map(ServerSideEncryptionByDefault::sse_algorithm),
        Some(&ServerSideEncryption::Aes256)
    );

    let own = s3
        .get_bucket_ownership_controls()
        .bucket("defs")
        .send()
        .await
        .unwrap();
    assert_eq!(
        own.ownership_controls().unwrap().rules()[0].object_ownership(),
        &ObjectOwnership::BucketOwnerEnforced
    );
    s3.delete_bucket_ownership_controls()
        .bucket("defs")
        .send()
        .await
        .unwrap();
    let e = s3
        .get_bucket_ownership_controls()
        .bucket("defs")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "OwnershipControlsNotFoundError");

    let pab = s3
        .get_public_access_block()
        .bucket("defs")
        .send()
        .await
        .unwrap();
    let c = pab.public_access_block_configuration().unwrap();
    assert_eq!(
        (
            c.block_public_acls(),
            c.ignore_public_acls(),
            c.block_public_policy(),
            c.restrict_public_buckets()
        ),
        (Some(true), Some(true), Some(true), Some(true))
    );
    s3.put_public_access_block()
        .bucket("defs")
        .public_access_block_configuration(
            PublicAccessBlockConfiguration::builder()
                .block_public_acls(true)
                .build(),
        )
        .send()
        .await
        .unwrap();
    let pab = s3
        .get_public_access_block()
        .bucket("defs")
        .send()
        .await
        .unwrap();
    let c = pab.public_access_block_configuration().unwrap();
    assert_eq!(
        (c.block_public_acls(), c.block_public_policy()),
        (Some(true), Some(false))
    );
    s3.delete_public_access_block()
        .bucket("defs")
        .send()
        .await
        .unwrap();
    let e = s3
        .get_public_access_block()
        .bucket("defs")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "NoSuchPublicAccessBlockConfiguration");

    // Ownership chosen at creation.
    s3.create_bucket()
        .bucket("defs-preferred")
        .object_ownership(ObjectOwnership::BucketOwnerPreferred)
        .send()
        .await
        .unwrap();
    let own = s3
        .get_bucket_ownership_controls()
        .bucket("defs-preferred")
        .send()
        .await
        .unwrap();
    assert_eq!(
        own.ownership_controls().unwrap().rules()[0].object_ownership(),
        &ObjectOwnership::BucketOwnerPreferred
    );
}

#[tokio::test]
async fn accelerate_request_payment_and_logging() {
    let (_server, s3) = setup("misc").await;
    let acc = s3
        .get_bucket_accelerate_configuration()
        .bucket("misc")
        .send()
        .await
        .unwrap();
    assert_eq!(acc.status(), None);
    s3.put_bucket_accelerate_configuration()
        .bucket("misc")
        .accelerate_configuration(
            AccelerateConfiguration::builder()
                .status(BucketAccelerateStatus::Enabled)
                .build(),
        )
        .send()
        .await
        .unwrap();
    let acc = s3
        .get_bucket_accelerate_configuration()
        .bucket("misc")
        .send()
        .await
        .unwrap();
    assert_eq!(acc.status(), Some(&BucketAccelerateStatus::Enabled));

    let pay = s3
        .get_bucket_request_payment()
        .bucket("misc")
        .send()
        .await
        .unwrap();
    assert_eq!(pay.payer(), Some(&Payer::BucketOwner));
    s3.put_bucket_request_payment()
        .bucket("misc")
        .request_payment_configuration(
            RequestPaymentConfiguration::builder()
                .payer(Payer::Requester)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    let pay = s3
        .get_bucket_request_payment()
        .bucket("misc")
        .send()
        .await
        .unwrap();
    assert_eq!(pay.payer(), Some(&Payer::Requester));

    let log = s3.get_bucket_logging().bucket("misc").send().await.unwrap();
    assert!(log.logging_enabled().is_none());
    let enabled = |target: &str| {
        BucketLoggingStatus::builder()
            .logging_enabled(
                LoggingEnabled::builder()
                    .target_bucket(target)
                    .target_prefix("log")
                    .build()
                    .unwrap(),
            )
            .build()
    };
    let e = s3
        .put_bucket_logging()
        .bucket("misc")
        .bucket_logging_status(enabled("no-such-target"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "InvalidTargetBucketForLogging");
    s3.put_bucket_logging()
        .bucket("misc")
        .bucket_logging_status(enabled("misc"))
        .send()
        .await
        .unwrap();
    let log = s3.get_bucket_logging().bucket("misc").send().await.unwrap();
    let on = log.logging_enabled().unwrap();
    assert_eq!((on.target_bucket(), on.target_prefix()), ("misc", "log"));
    s3.put_bucket_logging()
        .bucket("misc")
        .bucket_logging_status(BucketLoggingStatus::builder().build())
        .send()
        .await
        .unwrap();
    let log = s3.get_bucket_logging().bucket("misc").send().await.unwrap();
    assert!(log.logging_enabled().is_none());
}

#[tokio::test]
async fn object_lock_and_replication_need_versioning() {
    let (_server, s3) = setup("lock").await;
    let e = s3
        .get_object_lock_configuration()
        .bucket("lock")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "ObjectLockConfigurationNotFoundError");
    let lock = ObjectLockConfiguration::builder()
        .object_lock_enabled(ObjectLockEnabled::Enabled)
        .rule(
            ObjectLockRule::builder()
                .default_retention(
                    DefaultRetention::builder()
                        .mode(ObjectLockRetentionMode::Governance)
                        .days(1)
                        .build(),
                )
                .build(),
        )
        .build();
    let e = s3
        .put_object_lock_configuration()
        .bucket("lock")
        .object_lock_configuration(lock.clone())
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "InvalidBucketState");

    let e = s3
        .get_bucket_replication()
        .bucket("lock")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "ReplicationConfigurationNotFoundError");
    let replication = ReplicationConfiguration::builder()
        .role("arn:aws:iam::000000000000:role/replication")
        .rules(
            ReplicationRule::builder()
                .id("id")
                .priority(1)
                .status(ReplicationRuleStatus::Enabled)
                .destination(
                    aws_sdk_s3::types::Destination::builder()
                        .bucket("arn:aws:s3:::lock-copy")
                        .build()
                        .unwrap(),
                )
                .build()
                .unwrap(),
        )
        .build()
        .unwrap();
    let e = s3
        .put_bucket_replication()
        .bucket("lock")
        .replication_configuration(replication.clone())
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "InvalidRequest");

    enable_versioning(&s3, "lock").await;
    s3.put_object_lock_configuration()
        .bucket("lock")
        .object_lock_configuration(lock)
        .send()
        .await
        .unwrap();
    let got = s3
        .get_object_lock_configuration()
        .bucket("lock")
        .send()
        .await
        .unwrap();
    let conf = got.object_lock_configuration().unwrap();
    assert_eq!(
        conf.object_lock_enabled(),
        Some(&ObjectLockEnabled::Enabled)
    );
    assert_eq!(
        conf.rule()
            .and_then(ObjectLockRule::default_retention)
            .and_then(DefaultRetention::days),
        Some(1)
    );

    // The destination must exist with versioning enabled.
    let e = s3
        .put_bucket_replication()
        .bucket("lock")
        .replication_configuration(replication.clone())
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "InvalidRequest");
    s3.create_bucket().bucket("lock-copy").send().await.unwrap();
    enable_versioning(&s3, "lock-copy").await;
    s3.put_bucket_replication()
        .bucket("lock")
        .replication_configuration(replication)
        .send()
        .await
        .unwrap();
    let got = s3
        .get_bucket_replication()
        .bucket("lock")
        .send()
        .await
        .unwrap();
    let conf = got.replication_configuration().unwrap();
    assert_eq!(conf.role(), "arn:aws:iam::000000000000:role/replication");
    assert_eq!(conf.rules()[0].id(), Some("id"));
    s3.delete_bucket_replication()
        .bucket("lock")
        .send()
        .await
        .unwrap();
    let e = s3
        .get_bucket_replication()
        .bucket("lock")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "ReplicationConfigurationNotFoundError");
}

#[tokio::test]
async fn a_repeated_completion_answers_the_first_result() {
    use aws_sdk_s3::types::{CompletedMultipartUpload, CompletedPart};
    let (_server, s3) = setup("mpu").await;
    enable_versioning(&s3, "mpu").await;
    let upload = s3
        .create_multipart_upload()
        .bucket("mpu")
        .key("k")
        .send()
        .await
        .unwrap();
    let id = upload.upload_id().unwrap();
    let part = s3
        .upload_part()
        .bucket("mpu")
        .key("k")
        .upload_id(id)
        .part_number(1)
        .body(ByteStream::from_static(b"only part"))
        .send()
        .await
        .unwrap();
    let parts = |etag: &str| {
        CompletedMultipartUpload::builder()
            .parts(CompletedPart::builder().part_number(1).e_tag(etag).build())
            .build()
    };
    let etag = part.e_tag().unwrap();
    let complete = || {
        s3.complete_multipart_upload()
            .bucket("mpu")
            .key("k")
            .upload_id(id)
    };
    let first = complete()
        .multipart_upload(parts(etag))
        .send()
        .await
        .unwrap();
    let again = complete()
        .multipart_upload(parts(etag))
        .send()
        .await
        .unwrap();
    assert_eq!(again.e_tag(), first.e_tag());
    assert_eq!(again.version_id(), first.version_id());
    // No second object.
    let versions = s3
        .list_object_versions()
        .bucket("mpu")
        .send()
        .await
        .unwrap();
    assert_eq!(versions.versions().len(), 1);
    // Other parts, or an upload never completed, are NoSuchUpload.
    let e = complete()
        .multipart_upload(parts("\"0123456789abcdef0123456789abcdef\""))
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "NoSuchUpload");
    let e = s3
        .complete_multipart_upload()
        .bucket("mpu")
        .key("k")
        .upload_id("never-created")
        .multipart_upload(parts(etag))
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "NoSuchUpload");
}
