//! Lambda's REST paths under every API version reach the Lambda API: the account-level reads
//! and the tag operations IaC tools make on every refresh are answered, and an operation
//! s3lambda does not simulate answers in Lambda's protocol, never with S3's `NoSuchBucket` for
//! a bucket named after the API date.

use aws_sdk_lambda::error::ProvideErrorMetadata as _;
use aws_sdk_lambda::types::RecursiveLoop;

use crate::common;

#[tokio::test]
async fn account_level_reads_are_answered() {
    let server = common::start().await;
    let lambda = common::lambda(&server);
    common::create_function(
        &lambda,
        "helloworld",
        s3lambda::runtime::handlers::HELLOWORLD,
    )
    .await;
    let code_size = lambda
        .get_function_configuration()
        .function_name("helloworld")
        .send()
        .await
        .unwrap()
        .code_size();
    lambda
        .put_function_concurrency()
        .function_name("helloworld")
        .reserved_concurrent_executions(50)
        .send()
        .await
        .unwrap();

    let settings = lambda.get_account_settings().send().await.unwrap();
    let limit = settings.account_limit().expect("AccountLimit");
    assert_eq!(limit.concurrent_executions(), 1000);
    assert_eq!(limit.unreserved_concurrent_executions(), Some(950));
    assert_eq!(limit.total_code_size(), 80_530_636_800);
    assert_eq!(limit.code_size_zipped(), 52_428_800);
    assert_eq!(limit.code_size_unzipped(), 262_144_000);
    let usage = settings.account_usage().expect("AccountUsage");
    assert_eq!(usage.function_count(), 1);
    assert_eq!(usage.total_code_size(), code_size);

    // Another account sees its own usage only.
    let other = common::lambda_with(&server, common::OTHER_KEY, common::OTHER_SECRET);
    let theirs = other.get_account_settings().send().await.unwrap();
    assert_eq!(theirs.account_usage().unwrap().function_count(), 0);

    let layers = lambda.list_layers().send().await.unwrap();
    assert!(layers.layers().is_empty());
    let mappings = lambda.list_event_source_mappings().send().await.unwrap();
    assert!(mappings.event_source_mappings().is_empty());

    let recursion = lambda
        .get_function_recursion_config()
        .function_name("helloworld")
        .send()
        .await
        .unwrap();
    assert_eq!(recursion.recursive_loop(), Some(&RecursiveLoop::Terminate));
    let signing = lambda
        .get_function_code_signing_config()
        .function_name("helloworld")
        .send()
        .await
        .unwrap();
    assert_eq!(signing.code_signing_config_arn(), "");
    let missing = lambda
        .get_function_recursion_config()
        .function_name("nope")
        .send()
        .await
        .unwrap_err();
    assert_eq!(missing.code(), Some("ResourceNotFoundException"));
}

#[tokio::test]
async fn unsimulated_operations_answer_in_lambdas_protocol() {
    let server = common::start().await;
    let lambda = common::lambda(&server);
    common::create_function(
        &lambda,
        "helloworld",
        s3lambda::runtime::handlers::HELLOWORLD,
    )
    .await;

    let runtime = lambda
        .put_runtime_management_config()
        .function_name("helloworld")
        .update_runtime_on(aws_sdk_lambda::types::UpdateRuntimeOn::Auto)
        .send()
        .await
        .unwrap_err();
    assert_eq!(runtime.code(), Some("UnknownOperationException"));
    assert!(
        runtime
            .message()
            .is_some_and(|m| m.starts_with("PutRuntimeManagementConfig is not simulated")),
        "{runtime:?}"
    );
    let mapping = lambda
        .create_event_source_mapping()
        .function_name("helloworld")
        .event_source_arn("arn:aws:sqs:us-east-1:000000000000:queue")
        .send()
        .await
        .unwrap_err();
    assert_eq!(mapping.code(), Some("UnknownOperationException"));
    assert!(
        mapping
            .message()
            .is_some_and(|m| m.starts_with("CreateEventSourceMapping is not simulated")),
        "{mapping:?}"
    );
}

#[tokio::test]
async fn tags_are_stored_listed_and_removed() {
    let server = common::start().await;
    let lambda = common::lambda(&server);
    common::create_function(
        &lambda,
        "helloworld",
        s3lambda::runtime::handlers::HELLOWORLD,
    )
    .await;
    let arn = "arn:aws:lambda:us-east-1:000000000000:function:helloworld";

    let listed = lambda.list_tags().resource(arn).send().await.unwrap();
    assert!(
        listed
            .tags()
            .is_none_or(std::collections::HashMap::is_empty),
        "{listed:?}"
    );
    lambda
        .tag_resource()
        .resource(arn)
        .tags("team", "media")
        .tags("stage", "test")
        .send()
        .await
        .unwrap();
    lambda
        .tag_resource()
        .resource(arn)
        .tags("stage", "prod")
        .send()
        .await
        .unwrap();
    let tags = lambda.list_tags().resource(arn).send().await.unwrap();
    let tags = tags.tags().expect("Tags");
    assert_eq!(tags.len(), 2);
    assert_eq!(tags.get("team").map(String::as_str), Some("media"));
    assert_eq!(tags.get("stage").map(String::as_str), Some("prod"));

    lambda
        .untag_resource()
        .resource(arn)
        .tag_keys("team")
        .tag_keys("absent")
        .send()
        .await
        .unwrap();
    let tags = lambda.list_tags().resource(arn).send().await.unwrap();
    assert_eq!(tags.tags().map(std::collections::HashMap::len), Some(1));

    let missing = lambda
        .list_tags()
        .resource("arn:aws:lambda:us-east-1:000000000000:function:nope")
        .send()
        .await
        .unwrap_err();
    assert_eq!(missing.code(), Some("ResourceNotFoundException"));

    // Another account may not tag this one's function.
    let other = common::lambda_with(&server, common::OTHER_KEY, common::OTHER_SECRET);
    let denied = other
        .tag_resource()
        .resource(arn)
        .tags("x", "y")
        .send()
        .await
        .unwrap_err();
    assert_eq!(denied.code(), Some("AccessDeniedException"));
    let tags = lambda.list_tags().resource(arn).send().await.unwrap();
    assert_eq!(tags.tags().map(std::collections::HashMap::len), Some(1));
}
