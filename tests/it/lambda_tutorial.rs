//! The AWS Lambda versions-and-aliases tutorial, step by step, through `aws-sdk-lambda`.

use std::io::Write as _;

use aws_sdk_lambda::error::ProvideErrorMetadata as _;
use aws_sdk_lambda::primitives::Blob;
use aws_sdk_lambda::types::{AliasRoutingConfiguration, FunctionCode, InvocationType, LogType};

use crate::common::{self, code};

const ROLE: &str = "arn:aws:iam::000000000000:role/lambda_basic_execution";
const FN_ARN: &str = "arn:aws:lambda:us-east-1:000000000000:function:helloworld";

/// A deployment package: a zip holding `helloworld.wasm`.
pub fn helloworld_zip() -> Vec<u8> {
    common::zip_of("helloworld.wasm", s3lambda::runtime::handlers::HELLOWORLD)
}

#[tokio::test]
async fn versions_aliases_and_permissions() {
    let server = common::start().await;
    let lambda = common::lambda(&server);

    let created = lambda
        .create_function()
        .function_name("helloworld")
        .runtime(aws_sdk_lambda::types::Runtime::Providedal2023)
        .role(ROLE)
        .handler("helloworld.handler")
        .code(
            FunctionCode::builder()
                .zip_file(Blob::new(helloworld_zip()))
                .build(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(created.function_name(), Some("helloworld"));
    assert_eq!(created.function_arn(), Some(FN_ARN));
    assert_eq!(created.version(), Some("$LATEST"));
    assert_eq!(created.timeout(), Some(3));
    assert_eq!(created.memory_size(), Some(128));
    assert_eq!(created.role(), Some(ROLE));
    assert_eq!(created.handler(), Some("helloworld.handler"));
    let sha = created.code_sha256().unwrap().to_owned();
    assert_eq!(sha.len(), 44, "base64 of a SHA-256");
    assert!(created.revision_id().is_some());

    let dev = lambda
        .create_alias()
        .function_name("helloworld")
        .name("DEV")
        .function_version("$LATEST")
        .send()
        .await
        .unwrap();
    assert_eq!(dev.alias_arn(), Some(format!("{FN_ARN}:DEV").as_str()));
    assert_eq!(dev.function_version(), Some("$LATEST"));

    let v1 = lambda
        .publish_version()
        .function_name("helloworld")
        .send()
        .await
        .unwrap();
    assert_eq!(v1.version(), Some("1"));
    assert_eq!(v1.function_arn(), Some(format!("{FN_ARN}:1").as_str()));
    assert_eq!(v1.code_sha256(), Some(sha.as_str()));

    for name in ["BETA", "PROD"] {
        let alias = lambda
            .create_alias()
            .function_name("helloworld")
            .name(name)
            .function_version("1")
            .send()
            .await
            .unwrap();
        assert_eq!(alias.function_version(), Some("1"));
        assert_eq!(alias.name(), Some(name));
    }
    let e = lambda
        .create_alias()
        .function_name("helloworld")
        .name("PROD")
        .function_version("1")
        .send()
        .await
        .unwrap_err();
    assert!(e.into_service_error().is_resource_conflict_exception());

    // New code, published as version 2; BETA moves to it.
    let new_code = new_code();
    let updated = lambda
        .update_function_code()
        .function_name("helloworld")
        .zip_file(Blob::new(new_code))
        .send()
        .await
        .unwrap();
    assert_ne!(updated.code_sha256(), Some(sha.as_str()));
    let v2 = lambda
        .publish_version()
        .function_name("helloworld")
        .send()
        .await
        .unwrap();
    assert_eq!(v2.version(), Some("2"));
    let again = lambda
        .publish_version()
        .function_name("helloworld")
        .send()
        .await
        .unwrap();
    assert_eq!(
        again.version(),
        Some("2"),
        "publishing unchanged code returns the existing version"
    );
    let beta = lambda
        .update_alias()
        .function_name("helloworld")
        .name("BETA")
        .function_version("2")
        .send()
        .await
        .unwrap();
    assert_eq!(beta.function_version(), Some("2"));

    let versions = lambda
        .list_versions_by_function()
        .function_name("helloworld")
        .send()
        .await
        .unwrap();
    let listed: Vec<_> = versions
        .versions()
        .iter()
        .filter_map(|v| v.version())
        .collect();
    assert_eq!(listed, ["$LATEST", "1", "2"]);
    let aliases = lambda
        .list_aliases()
        .function_name("helloworld")
        .send()
        .await
        .unwrap();
    let mut names: Vec<_> = aliases.aliases().iter().filter_map(|a| a.name()).collect();
    names.sort_unstable();
    assert_eq!(names, ["BETA", "DEV", "PROD"]);

    // The push-model permission, on PROD only.
    let added = lambda
        .add_permission()
        .function_name("helloworld")
        .qualifier("PROD")
        .statement_id("1")
        .action("lambda:InvokeFunction")
        .principal("s3.amazonaws.com")
        .source_arn("arn:aws:s3:::examplebucket")
        .source_account("000000000000")
        .send()
        .await
        .unwrap();
    let statement: serde_json::Value = serde_json::from_str(added.statement().unwrap()).unwrap();
    assert_eq!(
        statement,
        serde_json::json!({
            "Sid": "1",
            "Effect": "Allow",
            "Principal": {"Service": "s3.amazonaws.com"},
            "Action": "lambda:InvokeFunction",
            "Resource": format!("{FN_ARN}:PROD"),
            "Condition": {
                "StringEquals": {"AWS:SourceAccount": "000000000000"},
                "ArnLike": {"AWS:SourceArn": "arn:aws:s3:::examplebucket"}
            }
        })
    );
    let prod = lambda
        .get_policy()
        .function_name("helloworld")
        .qualifier("PROD")
        .send()
        .await
        .unwrap();
    let policy: serde_json::Value = serde_json::from_str(prod.policy().unwrap()).unwrap();
    assert_eq!(policy["Version"], "2012-10-17");
    assert_eq!(policy["Statement"][0], statement);
    let e = lambda
        .get_policy()
        .function_name("helloworld")
        .qualifier("BETA")
        .send()
        .await
        .unwrap_err();
    assert!(
        e.into_service_error().is_resource_not_found_exception(),
        "BETA has its own, empty, policy"
    );
    let e = lambda
        .get_policy()
        .function_name("helloworld")
        .send()
        .await
        .unwrap_err();
    assert!(
        e.into_service_error().is_resource_not_found_exception(),
        "the unqualified function too"
    );

    // Invoking through the aliases runs the version each points to.
    for (qualifier, version) in [("PROD", "1"), ("BETA", "2"), ("DEV", "$LATEST")] {
        let out = lambda
            .invoke()
            .function_name("helloworld")
            .qualifier(qualifier)
            .log_type(LogType::Tail)
            .payload(Blob::new(
                r#"{"key1":"value1","key2":"value2","key3":"value3"}"#,
            ))
            .send()
            .await
            .unwrap();
        assert_eq!(out.status_code(), 200);
        assert_eq!(out.executed_version(), Some(version), "{qualifier}");
        assert_eq!(out.function_error(), None);
        let log = base64_decode(out.log_result().unwrap());
        assert!(log.contains("value1 = value1"), "{log}");
        assert!(log.contains(&format!("Version: {version}")), "{log}");
        assert!(log.contains("REPORT RequestId:"), "{log}");
    }
    let queued = lambda
        .invoke()
        .function_name("helloworld")
        .invocation_type(InvocationType::Event)
        .payload(Blob::new("{}"))
        .send()
        .await
        .unwrap();
    assert_eq!(queued.status_code(), 202);

    // Weighted alias: one extra version, weight in 0..=1.
    let weighted = lambda
        .update_alias()
        .function_name("helloworld")
        .name("PROD")
        .routing_config(
            AliasRoutingConfiguration::builder()
                .additional_version_weights("2", 0.3)
                .build(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(
        weighted
            .routing_config()
            .and_then(|r| r.additional_version_weights())
            .and_then(|w| w.get("2")),
        Some(&0.3)
    );
}

/// helloworld again in a package with one more file, so its CodeSha256 differs.
fn new_code() -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut out);
    let options = zip::write::SimpleFileOptions::default();
    zip.start_file("helloworld.wasm", options).unwrap();
    zip.write_all(s3lambda::runtime::handlers::HELLOWORLD)
        .unwrap();
    zip.start_file("VERSION", options).unwrap();
    zip.write_all(b"2").unwrap();
    zip.finish().unwrap();
    out.into_inner()
}

fn base64_decode(s: &str) -> String {
    use base64::Engine as _;
    String::from_utf8_lossy(&base64::engine::general_purpose::STANDARD.decode(s).unwrap())
        .into_owned()
}

#[tokio::test]
async fn errors_parse_into_typed_sdk_errors() {
    let server = common::start().await;
    let lambda = common::lambda(&server);
    let e = lambda
        .get_function()
        .function_name("nope")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "ResourceNotFoundException");
    assert!(e.into_service_error().is_resource_not_found_exception());

    lambda
        .create_function()
        .function_name("f")
        .role(ROLE)
        .handler("helloworld.handler")
        .code(
            FunctionCode::builder()
                .zip_file(Blob::new(helloworld_zip()))
                .build(),
        )
        .send()
        .await
        .unwrap();
    let e = lambda
        .add_permission()
        .function_name("f")
        .qualifier("$LATEST")
        .statement_id("s")
        .action("lambda:InvokeFunction")
        .principal("s3.amazonaws.com")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "InvalidParameterValueException");
    assert_eq!(
        e.message(),
        Some("We currently do not support adding policies for $LATEST.")
    );

    lambda
        .add_permission()
        .function_name("f")
        .statement_id("s")
        .action("lambda:InvokeFunction")
        .principal("s3.amazonaws.com")
        .send()
        .await
        .unwrap();
    let e = lambda
        .add_permission()
        .function_name("f")
        .statement_id("s")
        .action("lambda:InvokeFunction")
        .principal("s3.amazonaws.com")
        .send()
        .await
        .unwrap_err();
    assert!(e.into_service_error().is_resource_conflict_exception());

    let e = lambda
        .add_permission()
        .function_name("f")
        .statement_id("t")
        .action("lambda:InvokeFunction")
        .principal("s3.amazonaws.com")
        .revision_id("stale")
        .send()
        .await
        .unwrap_err();
    assert!(e.into_service_error().is_precondition_failed_exception());

    let e = lambda
        .create_alias()
        .function_name("f")
        .name("A")
        .function_version("9")
        .send()
        .await
        .unwrap_err();
    assert!(e.into_service_error().is_resource_not_found_exception());
    let e = lambda
        .create_alias()
        .function_name("f")
        .name("2024")
        .function_version("$LATEST")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "ValidationException");

    let e = lambda
        .get_alias()
        .function_name("f")
        .name("missing")
        .send()
        .await
        .unwrap_err();
    assert!(e.into_service_error().is_resource_not_found_exception());
    lambda
        .delete_alias()
        .function_name("f")
        .name("missing")
        .send()
        .await
        .expect("DeleteAlias of a missing alias is 204");

    let e = lambda
        .delete_function()
        .function_name("f")
        .qualifier("$LATEST")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "InvalidParameterValueException");

    let e = lambda
        .create_function()
        .function_name("bad")
        .role(ROLE)
        .handler("x.handler")
        .code(
            FunctionCode::builder()
                .zip_file(Blob::new(common::zip_of("readme.txt", b"no wasm")))
                .build(),
        )
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&e), "InvalidParameterValueException");

    let wrong = common::lambda_with(&server, common::KEY, "wrong-secret");
    let e = wrong.list_functions().send().await.unwrap_err();
    assert_eq!(code(&e), "InvalidSignatureException");
}
