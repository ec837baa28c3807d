//! Node.js and Python functions and their lifecycle: a function whose code runs in a
//! language engine is `Pending` until the engine is ready, then `Active`, or `Failed` with
//! the reason (here: the engine is not built), as Lambda's function states go; and the
//! package rules of source runtimes. The engines' own behaviour is tested in
//! `engine_node.rs` and `engine_python.rs`.

use std::process::Command;
use std::time::Duration;

use aws_sdk_lambda::error::ProvideErrorMetadata as _;
use aws_sdk_lambda::primitives::Blob;
use aws_sdk_lambda::types::{FunctionCode, Runtime, State};
use s3lambda::runtime::RuntimeConfig;
use s3lambda::sim::{Server, Simulator};

use crate::common;

const ROLE: &str = "arn:aws:iam::000000000000:role/lambda-role";

/// The AWS tutorial's function, verbatim.
pub const HELLOWORLD_JS: &str = "console.log('Loading function'); exports.handler = function(event, context, callback) { console.log('value1 =', event.key1); console.log('value2 =', event.key2); console.log('value3 =', event.key3); callback(null, \"message\"); };\n";

/// A simulator whose engines folder is `engines_dir`.
async fn start_with_engines(engines_dir: &std::path::Path) -> Server {
    Simulator::builder()
        .runtime(RuntimeConfig {
            engines_dir: engines_dir.to_owned(),
            ..RuntimeConfig::default()
        })
        .build()
        .expect("simulator builds")
        .start("127.0.0.1:0".parse().expect("addr"))
        .await
        .expect("server starts")
}

async fn create(
    lambda: &aws_sdk_lambda::Client,
    name: &str,
    runtime: &str,
    zip: Vec<u8>,
) -> Result<
    aws_sdk_lambda::operation::create_function::CreateFunctionOutput,
    aws_sdk_lambda::error::SdkError<
        aws_sdk_lambda::operation::create_function::CreateFunctionError,
    >,
> {
    lambda
        .create_function()
        .function_name(name)
        .runtime(Runtime::from(runtime))
        .role(ROLE)
        .handler("helloworld.handler")
        .code(FunctionCode::builder().zip_file(Blob::new(zip)).build())
        .send()
        .await
}

/// Polls GetFunction until the function leaves `Pending` (at most 30 s).
async fn settled(
    lambda: &aws_sdk_lambda::Client,
    name: &str,
) -> aws_sdk_lambda::types::FunctionConfiguration {
    for _ in 0..300 {
        let got = lambda
            .get_function()
            .function_name(name)
            .send()
            .await
            .unwrap();
        let config = got.configuration.expect("configuration");
        if config.state != Some(State::Pending) {
            return config;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{name} stayed Pending");
}

#[tokio::test]
async fn a_node_function_whose_engine_is_missing_goes_from_pending_to_failed_with_the_reason() {
    let empty = tempfile::tempdir().unwrap();
    let server = start_with_engines(empty.path()).await;
    let lambda = common::lambda(&server);
    let zip = common::zip_of("helloworld.js", HELLOWORLD_JS.as_bytes());
    let created = create(&lambda, "helloworld", "nodejs20.x", zip)
        .await
        .unwrap();
    assert_eq!(created.state, Some(State::Pending));
    assert_eq!(
        created.state_reason.as_deref(),
        Some("The function is being created.")
    );
    assert_eq!(
        created
            .state_reason_code
            .map(|c| c.as_str().to_owned())
            .as_deref(),
        Some("Creating")
    );
    assert_eq!(
        created.last_update_status, None,
        "no update status while being created"
    );

    let failed = settled(&lambda, "helloworld").await;
    assert_eq!(failed.state, Some(State::Failed));
    let reason = failed.state_reason.unwrap_or_default();
    assert!(
        reason.contains("The Node.js engine is not available"),
        "{reason}"
    );
    assert!(
        reason.contains("handlers/engines/node/build.sh"),
        "{reason}"
    );
    assert_ne!(
        failed.revision_id, created.revision_id,
        "a state change is a new revision"
    );

    let refused = lambda
        .invoke()
        .function_name("helloworld")
        .send()
        .await
        .unwrap_err();
    assert_eq!(refused.code(), Some("ResourceConflictException"));
    assert_eq!(
        refused.message(),
        Some(
            "The operation cannot be performed at this time. The function is currently in the following state: Failed"
        )
    );
}

#[tokio::test]
async fn source_packages_need_a_language_runtime_and_components_run_under_any() {
    let server = common::start().await;
    let lambda = common::lambda(&server);
    // Source code under a custom runtime: there is no component to run.
    let js = common::zip_of("helloworld.js", HELLOWORLD_JS.as_bytes());
    let e = create(&lambda, "custom", "provided.al2023", js)
        .await
        .unwrap_err();
    assert_eq!(e.code(), Some("InvalidParameterValueException"));
    assert!(
        e.message().unwrap_or_default().contains("no .wasm file"),
        "{e:?}"
    );
    // A component under a language runtime runs as a component: Active at once.
    let wasm = common::zip_of("helloworld.wasm", s3lambda::runtime::handlers::HELLOWORLD);
    let created = create(&lambda, "component", "nodejs20.x", wasm)
        .await
        .unwrap();
    assert_eq!(created.state, Some(State::Active));
    let ran = lambda
        .invoke()
        .function_name("component")
        .send()
        .await
        .unwrap();
    assert_eq!(ran.function_error, None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the aws CLI and the Node.js engine (handlers/engines/node/build.sh); CI runs it with --ignored"]
async fn the_aws_cli_waiter_sees_a_node_function_become_active_and_it_runs() {
    let server = common::start().await;
    let dir = tempfile::tempdir().unwrap();
    let zip = dir.path().join("helloworld.zip");
    std::fs::write(
        &zip,
        common::zip_of("helloworld.js", HELLOWORLD_JS.as_bytes()),
    )
    .unwrap();
    let endpoint = server.endpoint();
    let aws = move |args: &[&str]| {
        let out = Command::new("aws")
            .args([
                "--endpoint-url",
                &endpoint,
                "--region",
                "us-east-1",
                "--output",
                "json",
            ])
            .args(args)
            .env("AWS_ACCESS_KEY_ID", common::KEY)
            .env("AWS_SECRET_ACCESS_KEY", common::SECRET)
            .output()
            .expect("the aws CLI runs");
        assert!(
            out.status.success(),
            "aws {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let zip_arg = format!("fileb://{}", zip.display());
    let out_file = dir.path().join("out.json");
    let out_arg = out_file.display().to_string();
    let created = tokio::task::spawn_blocking({
        let aws = aws.clone();
        move || {
            let created = aws(&[
                "lambda",
                "create-function",
                "--function-name",
                "helloworld",
                "--runtime",
                "nodejs20.x",
                "--role",
                ROLE,
                "--handler",
                "helloworld.handler",
                "--zip-file",
                &zip_arg,
            ]);
            aws(&[
                "lambda",
                "wait",
                "function-active-v2",
                "--function-name",
                "helloworld",
            ]);
            let active = aws(&[
                "lambda",
                "get-function-configuration",
                "--function-name",
                "helloworld",
            ]);
            aws(&[
                "lambda",
                "invoke",
                "--function-name",
                "helloworld",
                "--payload",
                r#"{"key1":"value1"}"#,
                &out_arg,
            ]);
            (created, active)
        }
    })
    .await
    .unwrap();
    let (created, active) = created;
    let created: serde_json::Value = serde_json::from_str(&created).unwrap();
    let active: serde_json::Value = serde_json::from_str(&active).unwrap();
    assert_eq!(created["State"], "Pending");
    assert_eq!(active["State"], "Active", "{active}");
    assert_eq!(active["LastUpdateStatus"], "Successful");
    assert_eq!(std::fs::read_to_string(&out_file).unwrap(), "\"message\"");
}
