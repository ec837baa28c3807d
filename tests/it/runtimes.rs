//! The `Runtime` a function is created with: a deprecated one (the tutorial's `nodejs6.10`)
//! is refused as AWS refuses it, naming the replacement, unless legacy runtimes are enabled.

use aws_sdk_lambda::error::ProvideErrorMetadata as _;
use aws_sdk_lambda::primitives::Blob;
use aws_sdk_lambda::types::{FunctionCode, Runtime};
use s3lambda::sim::{Config, Server, Simulator};

use crate::common;
use crate::lambda_tutorial::helloworld_zip;

const ROLE: &str = "arn:aws:iam::000000000000:role/lambda_basic_execution";

/// The tutorial's command: `create-function --runtime nodejs6.10 --handler helloworld.handler`.
async fn create_on(
    server: &Server,
    runtime: &str,
) -> Result<
    aws_sdk_lambda::operation::create_function::CreateFunctionOutput,
    aws_sdk_lambda::error::SdkError<
        aws_sdk_lambda::operation::create_function::CreateFunctionError,
    >,
> {
    common::lambda(server)
        .create_function()
        .function_name("helloworld")
        .runtime(Runtime::from(runtime))
        .role(ROLE)
        .handler("helloworld.handler")
        .code(
            FunctionCode::builder()
                .zip_file(Blob::new(helloworld_zip()))
                .build(),
        )
        .send()
        .await
}

async fn start_with(legacy_runtimes: bool) -> Server {
    Simulator::builder()
        .config(Config {
            legacy_runtimes,
            ..Config::default()
        })
        .build()
        .expect("simulator builds")
        .start("127.0.0.1:0".parse().expect("addr"))
        .await
        .expect("server starts")
}

#[tokio::test]
async fn a_deprecated_runtime_is_refused_naming_its_replacement() {
    let server = start_with(false).await;
    let err = create_on(&server, "nodejs6.10").await.unwrap_err();
    assert_eq!(err.code(), Some("InvalidParameterValueException"));
    assert_eq!(
        err.message(),
        Some(
            "The runtime parameter of nodejs6.10 is no longer supported for creating or updating AWS Lambda functions. We recommend you use the new runtime (nodejs24.x) while creating or updating functions."
        )
    );
    // Nothing was created; a current runtime is accepted, and an update to a deprecated one
    // is refused the same way.
    let lambda = common::lambda(&server);
    assert!(
        lambda
            .get_function()
            .function_name("helloworld")
            .send()
            .await
            .is_err()
    );
    create_on(&server, "nodejs20.x").await.unwrap();
    let err = lambda
        .update_function_configuration()
        .function_name("helloworld")
        .runtime(Runtime::from("python2.7"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("InvalidParameterValueException"));
    assert!(
        err.message()
            .is_some_and(|m| m.contains("new runtime (python3.14)")),
        "{err:?}"
    );
}

#[tokio::test]
async fn legacy_runtimes_accept_the_tutorial_command_verbatim() {
    let server = start_with(true).await;
    let created = create_on(&server, "nodejs6.10").await.unwrap();
    assert_eq!(created.runtime(), Some(&Runtime::from("nodejs6.10")));
    let got = common::lambda(&server)
        .get_function_configuration()
        .function_name("helloworld")
        .send()
        .await
        .unwrap();
    assert_eq!(got.runtime(), Some(&Runtime::from("nodejs6.10")));
}
