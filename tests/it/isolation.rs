//! Account isolation through the real SDK clients: account B, with its own keys, cannot read,
//! change or invoke account A's functions (named by their full ARN), read A's log groups or
//! touch A's buckets, unless A's resource-based policy says so; every refusal names the
//! action, the resource and what is missing. Plus the Lambda API's input bounds.

use std::fmt::Debug;

use aws_credential_types::Credentials;
use aws_sdk_lambda::primitives::Blob;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use s3lambda::runtime::handlers::ECHO;
use s3lambda::sim::Server;

use crate::common::{self, OTHER_ACCOUNT, OTHER_KEY, OTHER_SECRET};

/// Account A (the default account).
const A: &str = "000000000000";

fn function_arn(name: &str) -> String {
    format!("arn:aws:lambda:us-east-1:{A}:function:{name}")
}

/// B's Lambda client.
fn lambda_b(server: &Server) -> aws_sdk_lambda::Client {
    common::lambda_with(server, OTHER_KEY, OTHER_SECRET)
}

/// A CloudWatch Logs client with B's keys.
fn logs_b(server: &Server) -> aws_sdk_cloudwatchlogs::Client {
    let conf = aws_sdk_cloudwatchlogs::Config::builder()
        .behavior_version(aws_sdk_cloudwatchlogs::config::BehaviorVersion::latest())
        .region(aws_sdk_cloudwatchlogs::config::Region::new("us-east-1"))
        .credentials_provider(Credentials::from_keys(OTHER_KEY, OTHER_SECRET, None))
        .endpoint_url(server.endpoint())
        .http_client(aws_smithy_http_client::Builder::new().build_http())
        .build();
    aws_sdk_cloudwatchlogs::Client::from_conf(conf)
}

fn status<E>(e: &SdkError<E, HttpResponse>) -> Option<u16> {
    e.raw_response().map(|r| r.status().as_u16())
}

fn message<E: ProvideErrorMetadata>(e: &SdkError<E, HttpResponse>) -> String {
    e.as_service_error()
        .and_then(ProvideErrorMetadata::message)
        .unwrap_or_default()
        .to_owned()
}

/// Asserts Lambda's AccessDeniedException (403) for B performing `action` on `resource`,
/// and returns the message.
fn assert_denied<E>(e: &SdkError<E, HttpResponse>, action: &str, resource: &str) -> String
where
    E: ProvideErrorMetadata + Debug,
{
    assert_eq!(common::code(e), "AccessDeniedException", "{action}: {e:?}");
    assert_eq!(status(e), Some(403), "{action}");
    let msg = message(e);
    let expected = format!(
        "User: arn:aws:iam::{OTHER_ACCOUNT}:root is not authorized to perform: {action} on resource: {resource} because no resource-based policy allows the {action} action"
    );
    assert!(msg.starts_with(&expected), "{action}: {msg}");
    msg
}

/// `denied!(call, "lambda:Action")`: sends the SDK call and asserts B was refused on the
/// unqualified ARN of `victim`.
macro_rules! denied {
    ($call:expr, $action:literal) => {{
        let e = $call
            .send()
            .await
            .expect_err(concat!($action, " was allowed"));
        assert_denied(&e, $action, &function_arn("victim"))
    }};
}

#[tokio::test]
async fn another_account_is_denied_every_operation_on_a_function_named_by_arn() {
    let server = common::start().await;
    let owner = common::lambda(&server);
    let other = lambda_b(&server);
    common::create_function(&owner, "victim", ECHO).await;
    owner
        .update_function_configuration()
        .function_name("victim")
        .environment(
            aws_sdk_lambda::types::Environment::builder()
                .variables("SECRET", "a-only")
                .build(),
        )
        .send()
        .await
        .unwrap();
    owner
        .publish_version()
        .function_name("victim")
        .send()
        .await
        .unwrap();
    owner
        .create_alias()
        .function_name("victim")
        .name("live")
        .function_version("1")
        .send()
        .await
        .unwrap();
    let arn = function_arn("victim");
    let zip = common::zip_of("handler.wasm", ECHO);

    denied!(
        other.get_function().function_name(&arn),
        "lambda:GetFunction"
    );
    denied!(
        other.get_function_configuration().function_name(&arn),
        "lambda:GetFunctionConfiguration"
    );
    let msg = denied!(
        other.invoke().function_name(&arn).payload(Blob::new("{}")),
        "lambda:InvokeFunction"
    );
    assert!(
        msg.contains("victim has no resource-based policy; add one with AddPermission"),
        "the reason says what is missing: {msg}"
    );
    let msg = denied!(
        other
            .add_permission()
            .function_name(&arn)
            .statement_id("takeover")
            .action("lambda:InvokeFunction")
            .principal("*"),
        "lambda:AddPermission"
    );
    assert!(
        msg.contains("reserved to the function's owner, account 000000000000"),
        "{msg}"
    );
    denied!(
        other
            .update_function_code()
            .function_name(&arn)
            .zip_file(Blob::new(zip)),
        "lambda:UpdateFunctionCode"
    );
    denied!(
        other
            .update_function_configuration()
            .function_name(&arn)
            .timeout(60),
        "lambda:UpdateFunctionConfiguration"
    );
    denied!(
        other.publish_version().function_name(&arn),
        "lambda:PublishVersion"
    );
    denied!(
        other
            .create_alias()
            .function_name(&arn)
            .name("mine")
            .function_version("1"),
        "lambda:CreateAlias"
    );
    denied!(
        other
            .update_alias()
            .function_name(&arn)
            .name("live")
            .function_version("$LATEST"),
        "lambda:UpdateAlias"
    );
    denied!(
        other.delete_alias().function_name(&arn).name("live"),
        "lambda:DeleteAlias"
    );
    denied!(
        other.get_alias().function_name(&arn).name("live"),
        "lambda:GetAlias"
    );
    denied!(
        other.list_aliases().function_name(&arn),
        "lambda:ListAliases"
    );
    denied!(
        other.list_versions_by_function().function_name(&arn),
        "lambda:ListVersionsByFunction"
    );
    denied!(other.get_policy().function_name(&arn), "lambda:GetPolicy");
    denied!(other.list_tags().resource(&arn), "lambda:ListTags");
    denied!(
        other.tag_resource().resource(&arn).tags("k", "v"),
        "lambda:TagResource"
    );
    denied!(
        other.untag_resource().resource(&arn).tag_keys("k"),
        "lambda:UntagResource"
    );
    denied!(
        other.get_function_recursion_config().function_name(&arn),
        "lambda:GetFunctionRecursionConfig"
    );
    denied!(
        other.get_function_code_signing_config().function_name(&arn),
        "lambda:GetFunctionCodeSigningConfig"
    );
    denied!(
        other
            .remove_permission()
            .function_name(&arn)
            .statement_id("any"),
        "lambda:RemovePermission"
    );
    denied!(
        other
            .put_function_concurrency()
            .function_name(&arn)
            .reserved_concurrent_executions(1),
        "lambda:PutFunctionConcurrency"
    );
    denied!(
        other.get_function_concurrency().function_name(&arn),
        "lambda:GetFunctionConcurrency"
    );
    denied!(
        other.delete_function_concurrency().function_name(&arn),
        "lambda:DeleteFunctionConcurrency"
    );
    denied!(
        other
            .put_function_event_invoke_config()
            .function_name(&arn)
            .maximum_retry_attempts(0),
        "lambda:PutFunctionEventInvokeConfig"
    );
    denied!(
        other.get_function_event_invoke_config().function_name(&arn),
        "lambda:GetFunctionEventInvokeConfig"
    );
    denied!(
        other.delete_function().function_name(&arn),
        "lambda:DeleteFunction"
    );
    // A qualified ARN is refused on the qualified resource.
    let e = other
        .invoke()
        .function_name(format!("{arn}:live"))
        .send()
        .await
        .unwrap_err();
    assert_denied(&e, "lambda:InvokeFunction", &format!("{arn}:live"));
    // A function that does not exist is refused the same way: B learns nothing about A.
    let e = other
        .get_function()
        .function_name(function_arn("nothing-here"))
        .send()
        .await
        .unwrap_err();
    assert_denied(&e, "lambda:GetFunction", &function_arn("nothing-here"));

    // Nothing of A's changed.
    let f = owner
        .get_function()
        .function_name("victim")
        .send()
        .await
        .unwrap();
    let c = f.configuration().unwrap();
    assert_eq!(c.timeout(), Some(3));
    assert_eq!(
        c.environment()
            .and_then(|e| e.variables())
            .and_then(|v| v.get("SECRET")),
        Some(&"a-only".to_owned())
    );
    assert!(f.concurrency().is_none());
    let e = owner
        .get_policy()
        .function_name("victim")
        .send()
        .await
        .unwrap_err();
    assert_eq!(common::code(&e), "ResourceNotFoundException");
    let aliases = owner
        .list_aliases()
        .function_name("victim")
        .send()
        .await
        .unwrap();
    assert_eq!(aliases.aliases().len(), 1);
    assert_eq!(aliases.aliases()[0].function_version(), Some("1"));
    // B's own namespace is B's: the bare name is not A's function.
    let e = other
        .get_function()
        .function_name("victim")
        .send()
        .await
        .unwrap_err();
    assert_eq!(common::code(&e), "ResourceNotFoundException");
    assert!(message(&e).contains(&format!(":{OTHER_ACCOUNT}:function:victim")));
}

#[tokio::test]
async fn another_account_cannot_create_a_function_under_an_arn_of_another() {
    let server = common::start().await;
    let owner = common::lambda(&server);
    let other = lambda_b(&server);
    let code = aws_sdk_lambda::types::FunctionCode::builder()
        .zip_file(Blob::new(common::zip_of("handler.wasm", ECHO)))
        .build();
    let e = other
        .create_function()
        .function_name(function_arn("planted"))
        .role(format!("arn:aws:iam::{OTHER_ACCOUNT}:role/r"))
        .handler("handler.handle")
        .code(code.clone())
        .send()
        .await
        .unwrap_err();
    let msg = assert_denied(&e, "lambda:CreateFunction", &function_arn("planted"));
    assert!(
        msg.contains("created in the caller's account, 111111111111"),
        "{msg}"
    );
    let listed = owner.list_functions().send().await.unwrap();
    assert!(listed.functions().is_empty(), "nothing was planted in A");
    // In its own account B creates it, by bare name or by its own ARN.
    let own = format!("arn:aws:lambda:us-east-1:{OTHER_ACCOUNT}:function:planted");
    let c = other
        .create_function()
        .function_name(&own)
        .role(format!("arn:aws:iam::{OTHER_ACCOUNT}:role/r"))
        .handler("handler.handle")
        .code(code)
        .send()
        .await
        .unwrap();
    assert_eq!(c.function_arn(), Some(own.as_str()));
    assert!(
        owner
            .list_functions()
            .send()
            .await
            .unwrap()
            .functions()
            .is_empty()
    );
}

#[tokio::test]
async fn cross_account_invoke_works_once_a_permission_names_the_caller() {
    let server = common::start().await;
    let owner = common::lambda(&server);
    let other = lambda_b(&server);
    common::create_function(&owner, "shared", ECHO).await;
    let arn = function_arn("shared");
    let invoke = |name: String| {
        other
            .invoke()
            .function_name(name)
            .payload(Blob::new(r#"{"n":1}"#))
            .send()
    };

    let e = invoke(arn.clone()).await.unwrap_err();
    let msg = assert_denied(&e, "lambda:InvokeFunction", &arn);
    assert!(
        msg.contains("no statement for principal account 111111111111"),
        "{msg}"
    );

    // A permission for a third account does not let B in, and the reason says whose it is.
    owner
        .add_permission()
        .function_name("shared")
        .statement_id("third")
        .action("lambda:InvokeFunction")
        .principal("222222222222")
        .send()
        .await
        .unwrap();
    let e = invoke(arn.clone()).await.unwrap_err();
    let msg = assert_denied(&e, "lambda:InvokeFunction", &arn);
    assert!(
        msg.contains("no statement for principal account 111111111111"),
        "{msg}"
    );

    owner
        .add_permission()
        .function_name("shared")
        .statement_id("b-invokes")
        .action("lambda:InvokeFunction")
        .principal(OTHER_ACCOUNT)
        .send()
        .await
        .unwrap();
    let out = invoke(arn.clone()).await.unwrap();
    assert_eq!(out.status_code(), 200);
    assert_eq!(out.executed_version(), Some("$LATEST"));
    assert!(out.function_error().is_none());
    // The unqualified function's permission covers `$LATEST`.
    let out = invoke(format!("{arn}:$LATEST")).await.unwrap();
    assert_eq!(out.status_code(), 200);

    // Invoking is all B was granted: reading the function still needs its own grant.
    let e = other
        .get_function()
        .function_name(&arn)
        .send()
        .await
        .unwrap_err();
    let msg = assert_denied(&e, "lambda:GetFunction", &arn);
    assert!(
        msg.contains("Action \"lambda:InvokeFunction\" does not cover lambda:GetFunction"),
        "{msg}"
    );
    owner
        .add_permission()
        .function_name("shared")
        .statement_id("b-reads")
        .action("lambda:GetFunction")
        .principal(format!("arn:aws:iam::{OTHER_ACCOUNT}:root"))
        .send()
        .await
        .unwrap();
    let f = other
        .get_function()
        .function_name(&arn)
        .send()
        .await
        .unwrap();
    assert_eq!(
        f.configuration().and_then(|c| c.function_arn()),
        Some(arn.as_str())
    );
    // A grant never extends to changing the function.
    let e = other
        .update_function_configuration()
        .function_name(&arn)
        .timeout(9)
        .send()
        .await
        .unwrap_err();
    assert_denied(&e, "lambda:UpdateFunctionConfiguration", &arn);
}

#[tokio::test]
async fn another_account_cannot_read_log_groups_by_arn() {
    let server = common::start().await;
    let group = s3lambda::logs::lambda_group_name("victim");
    server.simulator().logs().append(
        A,
        "us-east-1",
        &group,
        "s",
        [(1_000, "A's secret line".to_owned())],
    );
    let owner = common::logs(&server);
    let other = logs_b(&server);
    let group_arn = format!("arn:aws:logs:us-east-1:{A}:log-group:{group}");
    let own = owner
        .get_log_events()
        .log_group_identifier(&group_arn)
        .log_stream_name("s")
        .send()
        .await
        .unwrap();
    assert_eq!(own.events().len(), 1, "A reads its own group by ARN");

    let check = |e: &dyn Fn() -> (String, String), action: &str| {
        let (code, msg) = e();
        assert_eq!(code, "AccessDeniedException", "{action}: {msg}");
        assert!(
            msg.starts_with(&format!(
                "User: arn:aws:iam::{OTHER_ACCOUNT}:root is not authorized to perform: {action} on resource: {group_arn}"
            )),
            "{msg}"
        );
    };
    let e = other
        .get_log_events()
        .log_group_identifier(format!("{group_arn}:*"))
        .log_stream_name("s")
        .send()
        .await
        .unwrap_err();
    check(&|| (common::code(&e), message(&e)), "logs:GetLogEvents");
    let e = other
        .filter_log_events()
        .log_group_identifier(&group_arn)
        .send()
        .await
        .unwrap_err();
    check(&|| (common::code(&e), message(&e)), "logs:FilterLogEvents");
    let e = other
        .describe_log_streams()
        .log_group_identifier(&group_arn)
        .send()
        .await
        .unwrap_err();
    check(
        &|| (common::code(&e), message(&e)),
        "logs:DescribeLogStreams",
    );
    // By name, B reads its own account, which has no such group.
    let e = other
        .get_log_events()
        .log_group_name(&group)
        .log_stream_name("s")
        .send()
        .await
        .unwrap_err();
    assert_eq!(common::code(&e), "ResourceNotFoundException");
    let listed = other.describe_log_groups().send().await.unwrap();
    assert!(listed.log_groups().is_empty(), "{listed:?}");
}

#[tokio::test]
async fn another_account_cannot_touch_buckets() {
    let server = common::start().await;
    let owner = common::s3(&server);
    let other = common::s3_with(&server, OTHER_KEY, OTHER_SECRET, common::Addressing::Path);
    owner
        .create_bucket()
        .bucket("a-bucket")
        .send()
        .await
        .unwrap();
    owner
        .put_object()
        .bucket("a-bucket")
        .key("k")
        .body(b"secret".to_vec().into())
        .send()
        .await
        .unwrap();
    let e = other
        .get_object()
        .bucket("a-bucket")
        .key("k")
        .send()
        .await
        .unwrap_err();
    assert_eq!(common::code(&e), "AccessDenied");
    let e = other
        .put_object()
        .bucket("a-bucket")
        .key("k")
        .body(b"overwritten".to_vec().into())
        .send()
        .await
        .unwrap_err();
    assert_eq!(common::code(&e), "AccessDenied");
    let e = other
        .list_objects_v2()
        .bucket("a-bucket")
        .send()
        .await
        .unwrap_err();
    assert_eq!(common::code(&e), "AccessDenied");
    let e = other
        .delete_object()
        .bucket("a-bucket")
        .key("k")
        .send()
        .await
        .unwrap_err();
    assert_eq!(common::code(&e), "AccessDenied");
    let e = other
        .delete_bucket()
        .bucket("a-bucket")
        .send()
        .await
        .unwrap_err();
    assert_eq!(common::code(&e), "AccessDenied");
    let body = owner
        .get_object()
        .bucket("a-bucket")
        .key("k")
        .send()
        .await
        .unwrap();
    assert_eq!(
        &body.body.collect().await.unwrap().into_bytes()[..],
        b"secret"
    );
}

// ---------------------------------------------------------------------------------------
// Input bounds (issue 12, defect 13).

#[tokio::test]
async fn descriptions_and_handlers_are_bounded_with_the_model_message() {
    let server = common::start().await;
    let owner = common::lambda(&server);
    let code = aws_sdk_lambda::types::FunctionCode::builder()
        .zip_file(Blob::new(common::zip_of("handler.wasm", ECHO)))
        .build();
    let long = "d".repeat(257);
    let e = owner
        .create_function()
        .function_name("f")
        .role(format!("arn:aws:iam::{A}:role/r"))
        .handler("handler.handle")
        .description(&long)
        .code(code.clone())
        .send()
        .await
        .unwrap_err();
    assert_eq!(common::code(&e), "ValidationException");
    assert_eq!(status(&e), Some(400));
    assert_eq!(
        message(&e),
        format!(
            "1 validation error detected: Value '{long}' at 'description' failed to satisfy constraint: Member must have length less than or equal to 256"
        )
    );
    let e = owner
        .create_function()
        .function_name("f")
        .role(format!("arn:aws:iam::{A}:role/r"))
        .handler("h".repeat(129))
        .code(code)
        .send()
        .await
        .unwrap_err();
    assert_eq!(common::code(&e), "ValidationException");
    assert!(message(&e).contains("at 'handler' failed to satisfy constraint: Member must have length less than or equal to 128"));

    common::create_function(&owner, "f", ECHO).await;
    let e = owner
        .update_function_configuration()
        .function_name("f")
        .runtime(aws_sdk_lambda::types::Runtime::from("cobol85"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(common::code(&e), "ValidationException");
    assert!(message(&e).starts_with(
        "1 validation error detected: Value 'cobol85' at 'runtime' failed to satisfy constraint: Member must satisfy enum value set: ["
    ));
    // A megabyte of description: refused, and not echoed back whole.
    let e = owner
        .update_function_configuration()
        .function_name("f")
        .description("x".repeat(1 << 20))
        .send()
        .await
        .unwrap_err();
    assert_eq!(common::code(&e), "ValidationException");
    assert!(message(&e).len() < 4096, "{}", message(&e).len());
    let e = owner
        .publish_version()
        .function_name("f")
        .description(&long)
        .send()
        .await
        .unwrap_err();
    assert_eq!(common::code(&e), "ValidationException");
    let e = owner
        .create_alias()
        .function_name("f")
        .name("live")
        .function_version("$LATEST")
        .description(&long)
        .send()
        .await
        .unwrap_err();
    assert_eq!(common::code(&e), "ValidationException");
    let c = owner
        .get_function_configuration()
        .function_name("f")
        .send()
        .await
        .unwrap();
    assert_eq!(c.description(), Some(""));
    let ok = owner
        .update_function_configuration()
        .function_name("f")
        .description("d".repeat(256))
        .send()
        .await
        .unwrap();
    assert_eq!(ok.description().map(str::len), Some(256));
}

#[tokio::test]
async fn invoke_refuses_a_payload_that_is_not_utf8() {
    let server = common::start().await;
    let owner = common::lambda(&server);
    common::create_function(&owner, "f", ECHO).await;
    let e = owner
        .invoke()
        .function_name("f")
        .payload(Blob::new(b"{\"a\":\"\xff\"}".to_vec()))
        .send()
        .await
        .unwrap_err();
    assert_eq!(common::code(&e), "InvalidRequestContentException");
    assert_eq!(status(&e), Some(400));
    assert!(
        message(&e).starts_with(
            "Could not parse request body into json: Could not parse payload into json: Invalid UTF-8 start byte 0xff"
        ),
        "{}",
        message(&e)
    );
    let e = owner
        .invoke()
        .function_name("f")
        .payload(Blob::new(b"{\"a\":\"\xe2\x28\xa1\"}".to_vec()))
        .send()
        .await
        .unwrap_err();
    assert!(
        message(&e).contains("Invalid UTF-8 middle byte 0x28"),
        "{}",
        message(&e)
    );
    let ok = owner
        .invoke()
        .function_name("f")
        .payload(Blob::new("{\"a\":\"é\"}"))
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status_code(), 200);
}

#[tokio::test]
async fn add_permission_refuses_an_invalid_principal() {
    let server = common::start().await;
    let owner = common::lambda(&server);
    common::create_function(&owner, "f", ECHO).await;
    for bad in [
        "example.com",
        "arn:aws:s3:::bucket",
        "arn:aws:iam::123:root",
    ] {
        let e = owner
            .add_permission()
            .function_name("f")
            .statement_id("s")
            .action("lambda:InvokeFunction")
            .principal(bad)
            .send()
            .await
            .unwrap_err();
        assert_eq!(common::code(&e), "InvalidParameterValueException", "{bad}");
        assert_eq!(
            message(&e),
            "The provided principal was invalid. Please check the principal and try again."
        );
    }
    let e = owner
        .get_policy()
        .function_name("f")
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        common::code(&e),
        "ResourceNotFoundException",
        "nothing was stored"
    );
}

#[tokio::test]
async fn a_denial_on_latest_suggests_the_permission_lambda_accepts() {
    let server = common::start().await;
    let owner = common::lambda(&server);
    let other = lambda_b(&server);
    common::create_function(&owner, "f", ECHO).await;
    let latest = format!("{}:$LATEST", function_arn("f"));
    let e = other
        .invoke()
        .function_name(&latest)
        .send()
        .await
        .unwrap_err();
    let msg = assert_denied(&e, "lambda:InvokeFunction", &latest);
    assert!(
        msg.contains("add one with AddPermission on f without a qualifier"),
        "{msg}"
    );
    assert!(!msg.contains("Qualifier=$LATEST"), "{msg}");
    // What it suggests is what works; what it no longer suggests is refused.
    let e = owner
        .add_permission()
        .function_name("f")
        .qualifier("$LATEST")
        .statement_id("s")
        .action("lambda:InvokeFunction")
        .principal(OTHER_ACCOUNT)
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        message(&e),
        "We currently do not support adding policies for $LATEST."
    );
    owner
        .add_permission()
        .function_name("f")
        .statement_id("s")
        .action("lambda:InvokeFunction")
        .principal(OTHER_ACCOUNT)
        .send()
        .await
        .unwrap();
    let out = other.invoke().function_name(&latest).send().await.unwrap();
    assert_eq!(out.status_code(), 200);
}
