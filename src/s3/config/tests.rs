//! Property tests of the settings readers, through `S3::handle` as the edge calls it: random
//! documents built from the settings' element names, and arbitrary bytes, sent to every PUT,
//! get a 2xx or a 4xx S3 error, never a panic; a GET after them still answers.

use std::sync::Arc;

use bytes::Bytes;
use http::Method;
use proptest::prelude::*;

use crate::auth::Account;
use crate::s3::{S3, S3Config, S3Request};

const NAMES: &[&str] = &[
    "Tagging",
    "TagSet",
    "Tag",
    "Key",
    "Value",
    "AccessControlPolicy",
    "Owner",
    "ID",
    "AccessControlList",
    "Grant",
    "Grantee",
    "URI",
    "Permission",
    "CORSConfiguration",
    "CORSRule",
    "AllowedMethod",
    "AllowedOrigin",
    "LifecycleConfiguration",
    "Rule",
    "Status",
    "ServerSideEncryptionConfiguration",
    "ApplyServerSideEncryptionByDefault",
    "SSEAlgorithm",
    "KMSMasterKeyID",
    "OwnershipControls",
    "ObjectOwnership",
    "PublicAccessBlockConfiguration",
    "BlockPublicAcls",
    "AccelerateConfiguration",
    "RequestPaymentConfiguration",
    "Payer",
    "BucketLoggingStatus",
    "LoggingEnabled",
    "TargetBucket",
    "WebsiteConfiguration",
    "IndexDocument",
    "Suffix",
    "ObjectLockConfiguration",
    "ObjectLockEnabled",
    "DefaultRetention",
    "Mode",
    "Days",
    "ReplicationConfiguration",
    "Role",
    "Destination",
    "Bucket",
];

const VALUES: &[&str] = &[
    "",
    "true",
    "maybe",
    "Enabled",
    "GET",
    "AES256",
    "aws:kms",
    "bkt",
    "BucketOwnerPreferred",
    "Requester",
    "GOVERNANCE",
    "1",
    "aws:x",
    "http://acs.amazonaws.com/groups/global/AllUsers",
];

const QUERIES: &[&str] = &[
    "tagging",
    "acl",
    "cors",
    "lifecycle",
    "encryption",
    "ownershipControls",
    "publicAccessBlock",
    "accelerate",
    "requestPayment",
    "logging",
    "website",
    "object-lock",
    "replication",
    "policy",
];

fn xml() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        proptest::sample::select(VALUES).prop_map(str::to_owned),
        "[ -~]{0,12}".prop_map(|s| crate::xml::escape(&s).into_owned()),
    ];
    leaf.prop_recursive(6, 64, 6, |inner| {
        (
            proptest::sample::select(NAMES),
            proptest::collection::vec(inner, 0..5),
            proptest::option::of(proptest::sample::select(&["CanonicalUser", "Group"][..])),
        )
            .prop_map(|(name, children, ty)| {
                let ty = ty.map(|t| format!(" xsi:type=\"{t}\"")).unwrap_or_default();
                format!("<{name}{ty}>{}</{name}>", children.concat())
            })
    })
}

fn send_everywhere(body: &[u8]) {
    let s3 = S3::new(S3Config::default());
    let owner = Arc::new(Account::default_account());
    let request = |method: Method, key: Option<&str>, query: &str| {
        let mut r = S3Request::new(method, Some("bkt"), key, Arc::clone(&owner));
        r.query = vec![(query.to_owned(), String::new())];
        r.body = Bytes::copy_from_slice(body);
        r
    };
    let _ = s3.answer(S3Request::new(
        Method::PUT,
        Some("bkt"),
        None,
        Arc::clone(&owner),
    ));
    let _ = s3.answer(S3Request::new(
        Method::PUT,
        Some("bkt"),
        Some("k"),
        Arc::clone(&owner),
    ));
    for q in QUERIES {
        // On an object only tagging and ACL are settings (the rest stay NotImplemented).
        let keys: &[Option<&str>] = if matches!(*q, "tagging" | "acl") {
            &[None, Some("k")]
        } else {
            &[None]
        };
        for &key in keys {
            if let Err(e) = s3.answer(request(Method::PUT, key, q)) {
                assert!(e.status().is_client_error(), "{q}: {e:?}");
            }
            if let Err(e) = s3.answer(request(Method::GET, key, q)) {
                assert!(e.status().is_client_error(), "{q}: {e:?}");
            }
        }
    }
}

proptest! {
    #![proptest_config(crate::prop_tests::config())]

    #[test]
    fn arbitrary_bytes(body in proptest::collection::vec(any::<u8>(), 0..512)) {
        send_everywhere(&body);
    }

    #[test]
    fn random_documents(doc in xml()) {
        send_everywhere(doc.as_bytes());
    }
}
