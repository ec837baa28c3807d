//! Lambda's REST paths under every API version reach the Lambda API.

use aws_sdk_lambda::error::ProvideErrorMetadata as _;

use crate::common;

/// The calls IaC tools make at every refresh reach Lambda under every API version: an
/// operation s3lambda does not simulate yet answers in Lambda's protocol, never with S3's
/// `NoSuchBucket` for a bucket named after the API date.
#[tokio::test]
async fn every_lambda_api_version_is_answered_by_lambda() {
    let server = common::start().await;
    let lambda = common::lambda(&server);
    common::create_function(
        &lambda,
        "helloworld",
        s3lambda::runtime::handlers::HELLOWORLD,
    )
    .await;

    let settings = lambda.get_account_settings().send().await.unwrap_err();
    let layers = lambda.list_layers().send().await.unwrap_err();
    let signing = lambda
        .get_function_code_signing_config()
        .function_name("helloworld")
        .send()
        .await
        .unwrap_err();
    let runtime = lambda
        .get_runtime_management_config()
        .function_name("helloworld")
        .send()
        .await
        .unwrap_err();
    let recursion = lambda
        .get_function_recursion_config()
        .function_name("helloworld")
        .send()
        .await
        .unwrap_err();
    for (what, code) in [
        ("GetAccountSettings", settings.code()),
        ("ListLayers", layers.code()),
        ("GetFunctionCodeSigningConfig", signing.code()),
        ("GetRuntimeManagementConfig", runtime.code()),
        ("GetFunctionRecursionConfig", recursion.code()),
    ] {
        assert_eq!(code, Some("UnknownOperationException"), "{what}");
    }
}
