//! The services around S3 and Lambda that deploy tools call: STS `GetCallerIdentity`
//! (`aws-sdk-sts` and the CLI), IAM roles (the CLI), CloudWatch Logs group settings
//! (`aws-sdk-cloudwatchlogs`), Lambda's GetRuntimeManagementConfig (`aws-sdk-lambda`), and
//! the refusal every other service gets in its own protocol (hand-signed requests and the
//! CLI). The CLI tests are ignored by a plain `cargo test` (they need `aws`); CI runs them.

use std::process::Command;
use std::time::SystemTime;

use aws_credential_types::Credentials;
use bytes::Bytes;
use s3lambda::auth::testing::{Payload, Signer};
use s3lambda::sim::Server;

use crate::common::{self, KEY, OTHER_ACCOUNT, OTHER_KEY, OTHER_SECRET, SECRET};
use crate::raw::{Reply, send};

fn sts_with(server: &Server, key: &str, secret: &str) -> aws_sdk_sts::Client {
    let conf = aws_sdk_sts::Config::builder()
        .behavior_version(aws_sdk_sts::config::BehaviorVersion::latest())
        .region(aws_sdk_sts::config::Region::new("us-east-1"))
        .credentials_provider(Credentials::from_keys(key, secret, None))
        .endpoint_url(server.endpoint())
        .http_client(aws_smithy_http_client::Builder::new().build_http())
        .build();
    aws_sdk_sts::Client::from_conf(conf)
}

#[tokio::test]
async fn get_caller_identity_names_the_callers_account() {
    let server = common::start().await;
    let me = sts_with(&server, KEY, SECRET)
        .get_caller_identity()
        .send()
        .await
        .unwrap();
    assert_eq!(me.account(), Some("000000000000"));
    assert_eq!(me.user_id(), Some("000000000000"));
    assert_eq!(me.arn(), Some("arn:aws:iam::000000000000:root"));
    let other = sts_with(&server, OTHER_KEY, OTHER_SECRET)
        .get_caller_identity()
        .send()
        .await
        .unwrap();
    assert_eq!(other.account(), Some(OTHER_ACCOUNT));
    let refused = sts_with(&server, "nobody", "x")
        .get_caller_identity()
        .send()
        .await
        .unwrap_err();
    assert_eq!(common::code(&refused), "InvalidClientTokenId");
    let assume = sts_with(&server, KEY, SECRET)
        .assume_role()
        .role_arn("arn:aws:iam::000000000000:role/r")
        .role_session_name("s")
        .send()
        .await
        .unwrap_err();
    assert_eq!(common::code(&assume), "InvalidAction");
}

/// A request to `server`, signed for `service` with the default keys.
fn signed(
    server: &Server,
    service: &str,
    method: &str,
    path_and_query: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> http::Request<Bytes> {
    signed_as(
        (KEY, SECRET),
        server,
        service,
        method,
        path_and_query,
        headers,
        body,
    )
}

/// A request to `server`, signed for `service` with `keys`.
fn signed_as(
    (access_key, secret_key): (&str, &str),
    server: &Server,
    service: &str,
    method: &str,
    path_and_query: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> http::Request<Bytes> {
    let mut builder = http::Request::builder()
        .method(method)
        .uri(format!("{}{path_and_query}", server.endpoint()))
        .header("host", server.addr().to_string());
    for (k, v) in headers {
        builder = builder.header(*k, *v);
    }
    let mut request = builder
        .body(Bytes::copy_from_slice(body.as_bytes()))
        .unwrap();
    Signer {
        access_key,
        secret_key,
        region: "us-east-1",
        service,
        time: SystemTime::now(),
    }
    .sign(&mut request, Payload::Bytes(body.as_bytes()))
    .unwrap();
    request
}

const FORM: (&str, &str) = (
    "content-type",
    "application/x-www-form-urlencoded; charset=utf-8",
);

fn assert_not_s3(reply: &Reply) {
    assert!(
        !reply.body.contains("MethodNotAllowed") && !reply.body.contains("NoSuchBucket"),
        "{}",
        reply.body
    );
}

#[tokio::test]
async fn get_caller_identity_by_get_and_the_query_protocols_errors() {
    let server = common::start().await;
    let reply = send(signed(
        &server,
        "sts",
        "GET",
        "/?Action=GetCallerIdentity&Version=2011-06-15",
        &[],
        "",
    ))
    .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert!(reply.body.contains("<Account>000000000000</Account>"));
    assert!(reply.headers.contains_key("x-amzn-requestid"));

    let mut tampered = signed(
        &server,
        "iam",
        "POST",
        "/",
        &[FORM],
        "Action=ListRoles&Version=2010-05-08",
    );
    *tampered.body_mut() = Bytes::from_static(b"Action=DeleteRole&Version=2010-05-08");
    let reply = send(tampered).await;
    assert_eq!(reply.status, 403);
    assert!(
        reply
            .body
            .starts_with("<ErrorResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\">")
    );
    assert_eq!(reply.s3_code(), Some("SignatureDoesNotMatch"));
}

#[tokio::test]
async fn other_services_are_refused_in_their_own_protocol() {
    let server = common::start().await;
    // Query (CloudFormation): InvalidAction naming the action.
    let reply = send(signed(
        &server,
        "cloudformation",
        "POST",
        "/",
        &[FORM],
        "Action=ListStacks&Version=2010-05-15",
    ))
    .await;
    assert_eq!(reply.status, 400);
    assert_not_s3(&reply);
    assert!(reply.body.contains(
        "<ErrorResponse xmlns=\"https://cloudformation.amazonaws.com/doc/2010-05-15/\">"
    ));
    assert_eq!(reply.s3_code(), Some("InvalidAction"));
    assert!(
        reply
            .body
            .contains("ListStacks is not simulated by s3lambda")
    );

    // awsJson (DynamoDB): UnknownOperationException naming the operation.
    let reply = send(signed(
        &server,
        "dynamodb",
        "POST",
        "/",
        &[
            ("content-type", "application/x-amz-json-1.0"),
            ("x-amz-target", "DynamoDB_20120810.ListTables"),
        ],
        "{}",
    ))
    .await;
    assert_eq!(reply.status, 400);
    let body: serde_json::Value = serde_json::from_str(&reply.body).unwrap();
    assert_eq!(body["__type"], "UnknownOperationException");
    assert!(
        body["message"]
            .as_str()
            .unwrap_or_default()
            .starts_with("ListTables is not simulated by s3lambda (service dynamodb)")
    );
    assert_eq!(
        reply
            .headers
            .get("content-type")
            .map(http::HeaderValue::as_bytes),
        Some(&b"application/x-amz-json-1.0"[..])
    );

    // REST-XML (Route 53): NotImplemented naming method and path.
    let reply = send(signed(
        &server,
        "route53",
        "GET",
        "/2013-04-01/hostedzone",
        &[],
        "",
    ))
    .await;
    assert_eq!(reply.status, 501);
    assert_not_s3(&reply);
    assert_eq!(reply.s3_code(), Some("NotImplemented"));
    assert!(
        reply
            .body
            .contains("GET /2013-04-01/hostedzone is not simulated")
    );

    // A wrong key is refused in the service's protocol too, before anything else.
    let request = signed_as(
        ("nobody", "x"),
        &server,
        "cloudformation",
        "POST",
        "/",
        &[FORM],
        "Action=ListStacks",
    );
    let reply = send(request).await;
    assert_eq!(reply.status, 403);
    assert_eq!(reply.s3_code(), Some("InvalidClientTokenId"));
}

/// A bucket named like a Lambda API date is S3's when the request is signed for S3.
#[tokio::test]
async fn a_bucket_named_like_a_lambda_date_is_s3s() {
    let server = common::start().await;
    let s3 = common::s3(&server);
    s3.create_bucket()
        .bucket("2015-03-31")
        .send()
        .await
        .unwrap();
    s3.put_object()
        .bucket("2015-03-31")
        .key("functions")
        .body(b"x".to_vec().into())
        .send()
        .await
        .unwrap();
    let got = s3
        .get_object()
        .bucket("2015-03-31")
        .key("functions")
        .send()
        .await
        .unwrap();
    assert_eq!(
        got.body.collect().await.unwrap().into_bytes().as_ref(),
        b"x"
    );
}

#[tokio::test]
async fn log_groups_are_created_kept_tagged_and_deleted() {
    let server = common::start().await;
    let logs = common::logs(&server);
    logs.create_log_group()
        .log_group_name("/app/api")
        .tags("team", "a")
        .send()
        .await
        .unwrap();
    let again = logs
        .create_log_group()
        .log_group_name("/app/api")
        .send()
        .await
        .unwrap_err();
    assert_eq!(common::code(&again), "ResourceAlreadyExistsException");
    logs.put_retention_policy()
        .log_group_name("/app/api")
        .retention_in_days(30)
        .send()
        .await
        .unwrap();
    let bad = logs
        .put_retention_policy()
        .log_group_name("/app/api")
        .retention_in_days(2)
        .send()
        .await
        .unwrap_err();
    assert_eq!(common::code(&bad), "InvalidParameterException");
    let groups = logs.describe_log_groups().send().await.unwrap();
    let group = &groups.log_groups()[0];
    assert_eq!(group.retention_in_days(), Some(30));
    let arn = group.log_group_arn().unwrap_or_default().to_owned();
    logs.tag_resource()
        .resource_arn(&arn)
        .tags("env", "dev")
        .send()
        .await
        .unwrap();
    let tags = logs
        .list_tags_for_resource()
        .resource_arn(&arn)
        .send()
        .await
        .unwrap();
    assert_eq!(tags.tags().map(std::collections::HashMap::len), Some(2));
    #[allow(deprecated)]
    let by_name = logs
        .list_tags_log_group()
        .log_group_name("/app/api")
        .send()
        .await
        .unwrap();
    assert_eq!(
        by_name
            .tags()
            .and_then(|t| t.get("env"))
            .map(String::as_str),
        Some("dev")
    );
    logs.delete_log_group()
        .log_group_name("/app/api")
        .send()
        .await
        .unwrap();
    let gone = logs
        .delete_log_group()
        .log_group_name("/app/api")
        .send()
        .await
        .unwrap_err();
    assert_eq!(common::code(&gone), "ResourceNotFoundException");
}

#[tokio::test]
async fn runtime_management_config_is_auto() {
    let server = common::start().await;
    let lambda = common::lambda(&server);
    common::create_function(&lambda, "rt", s3lambda::runtime::handlers::HELLOWORLD).await;
    let config = lambda
        .get_runtime_management_config()
        .function_name("rt")
        .send()
        .await
        .unwrap();
    assert_eq!(
        config.update_runtime_on(),
        Some(&aws_sdk_lambda::types::UpdateRuntimeOn::Auto)
    );
    assert_eq!(
        config.function_arn(),
        Some("arn:aws:lambda:us-east-1:000000000000:function:rt")
    );
    assert_eq!(config.runtime_version_arn(), None);
    let missing = lambda
        .get_runtime_management_config()
        .function_name("nope")
        .send()
        .await
        .unwrap_err();
    assert_eq!(common::code(&missing), "ResourceNotFoundException");
}

/// `Tags` given to CreateFunction are the function's: ListTags and GetFunction return them; a
/// role ARN that is not one is refused with Lambda's pattern text.
#[tokio::test]
async fn create_function_tags_and_role_check() {
    let server = common::start().await;
    let lambda = common::lambda(&server);
    let code = || {
        aws_sdk_lambda::types::FunctionCode::builder()
            .zip_file(aws_sdk_lambda::primitives::Blob::new(common::zip_of(
                "handler.wasm",
                s3lambda::runtime::handlers::HELLOWORLD,
            )))
            .build()
    };
    lambda
        .create_function()
        .function_name("tagged")
        .role("arn:aws:iam::000000000000:role/lambda-role")
        .handler("handler.handle")
        .code(code())
        .tags("team", "media")
        .send()
        .await
        .unwrap();
    let arn = "arn:aws:lambda:us-east-1:000000000000:function:tagged";
    let listed = lambda.list_tags().resource(arn).send().await.unwrap();
    assert_eq!(
        listed
            .tags()
            .and_then(|t| t.get("team"))
            .map(String::as_str),
        Some("media")
    );
    let got = lambda
        .get_function()
        .function_name("tagged")
        .send()
        .await
        .unwrap();
    assert_eq!(
        got.tags().and_then(|t| t.get("team")).map(String::as_str),
        Some("media")
    );
    let bad = lambda
        .create_function()
        .function_name("badrole")
        .role("lambda-role")
        .handler("handler.handle")
        .code(code())
        .send()
        .await
        .unwrap_err();
    assert_eq!(common::code(&bad), "ValidationException");
    let message = bad
        .into_service_error()
        .meta()
        .message()
        .unwrap_or_default()
        .to_owned();
    assert_eq!(
        message,
        r"1 validation error detected: Value 'lambda-role' at 'role' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:(aws[a-zA-Z-]*)?:iam::\d{12}:role/?[a-zA-Z_0-9+=,.@\-_/]+"
    );
}

/// Runs the AWS CLI against `endpoint` with the default keys; (success, stdout, stderr).
fn aws(endpoint: &str, args: &[&str]) -> (bool, String, String) {
    let output = Command::new("aws")
        .args([
            "--endpoint-url",
            endpoint,
            "--region",
            "us-east-1",
            "--output",
            "json",
        ])
        .args(args)
        .env("AWS_ACCESS_KEY_ID", KEY)
        .env("AWS_SECRET_ACCESS_KEY", SECRET)
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_SESSION_TOKEN")
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
        .output()
        .expect("the aws CLI runs (pip install awscli)");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

async fn cli(server: &Server, args: &[&'static str]) -> (bool, String, String) {
    let endpoint = server.endpoint();
    let args: Vec<&'static str> = args.to_vec();
    tokio::task::spawn_blocking(move || aws(&endpoint, &args))
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the aws CLI; CI runs it with --ignored"]
async fn cli_sts_iam_and_unsimulated_services() {
    let server = common::start().await;
    let (ok, out, err) = cli(&server, &["sts", "get-caller-identity"]).await;
    assert!(ok, "{err}");
    let me: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(me["Account"], "000000000000");
    assert_eq!(me["Arn"], "arn:aws:iam::000000000000:root");

    let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
    let (ok, out, err) = cli(
        &server,
        &[
            "iam",
            "create-role",
            "--role-name",
            "lambda-exec",
            "--assume-role-policy-document",
            trust,
        ],
    )
    .await;
    assert!(ok, "{err}");
    let created: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        created["Role"]["Arn"],
        "arn:aws:iam::000000000000:role/lambda-exec"
    );
    assert_eq!(
        created["Role"]["AssumeRolePolicyDocument"]["Statement"][0]["Action"], "sts:AssumeRole",
        "the CLI decodes the URL-encoded document: {out}"
    );
    let (ok, out, err) = cli(&server, &["iam", "get-role", "--role-name", "lambda-exec"]).await;
    assert!(ok, "{err}");
    let got: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(got["Role"]["RoleId"], created["Role"]["RoleId"]);
    assert_eq!(got["Role"]["MaxSessionDuration"], 3600);
    let (ok, _, err) = cli(
        &server,
        &[
            "iam",
            "attach-role-policy",
            "--role-name",
            "lambda-exec",
            "--policy-arn",
            "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
        ],
    )
    .await;
    assert!(ok, "{err}");
    let (ok, out, err) = cli(&server, &["iam", "list-roles"]).await;
    assert!(ok, "{err}");
    let roles: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(roles["Roles"][0]["RoleName"], "lambda-exec");
    let (ok, _, err) = cli(
        &server,
        &["iam", "delete-role", "--role-name", "lambda-exec"],
    )
    .await;
    assert!(!ok);
    assert!(err.contains("(DeleteConflict)"), "{err}");
    let (ok, _, err) = cli(&server, &["iam", "get-role", "--role-name", "nope"]).await;
    assert!(!ok);
    assert!(
        err.contains("(NoSuchEntity) when calling the GetRole operation: The role with name nope cannot be found."),
        "{err}"
    );

    let (ok, _, err) = cli(&server, &["cloudformation", "list-stacks"]).await;
    assert!(!ok);
    assert!(
        err.contains("(InvalidAction) when calling the ListStacks operation: ListStacks is not simulated by s3lambda"),
        "{err}"
    );
    let (ok, _, err) = cli(&server, &["dynamodb", "list-tables"]).await;
    assert!(!ok);
    assert!(
        err.contains("(UnknownOperationException) when calling the ListTables operation"),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the aws CLI; CI runs it with --ignored"]
async fn cli_logs_and_lambda_settings() {
    let server = common::start().await;
    let (ok, _, err) = cli(
        &server,
        &["logs", "create-log-group", "--log-group-name", "/app/x"],
    )
    .await;
    assert!(ok, "{err}");
    let (ok, _, err) = cli(
        &server,
        &[
            "logs",
            "put-retention-policy",
            "--log-group-name",
            "/app/x",
            "--retention-in-days",
            "7",
        ],
    )
    .await;
    assert!(ok, "{err}");
    let (ok, out, err) = cli(&server, &["logs", "describe-log-groups"]).await;
    assert!(ok, "{err}");
    let groups: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(groups["logGroups"][0]["retentionInDays"], 7);
    let (ok, out, err) = cli(
        &server,
        &["logs", "list-tags-log-group", "--log-group-name", "/app/x"],
    )
    .await;
    assert!(ok, "{err}");
    assert!(out.contains("\"tags\""), "{out}");
    let (ok, out, err) = cli(&server, &["lambda", "get-account-settings"]).await;
    assert!(ok, "{err}");
    assert!(out.contains("AccountLimit"), "{out}");
}
