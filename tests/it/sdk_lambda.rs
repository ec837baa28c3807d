//! The real aws-sdk-lambda against the handler behind a bare hyper server (no SigV4 check):
//! field names, status codes and typed errors as the SDK parses them. (An integration test,
//! so the AWS SDKs are linked into this test binary only, not the library's unit tests.)

use std::convert::Infallible;
use std::sync::Arc;

use aws_sdk_lambda::operation::add_permission::AddPermissionError;
use aws_sdk_lambda::operation::create_alias::CreateAliasError;
use aws_sdk_lambda::operation::get_function::GetFunctionError;
use aws_sdk_lambda::operation::get_policy::GetPolicyError;
use aws_sdk_lambda::operation::publish_version::PublishVersionError;
use aws_sdk_lambda::primitives::Blob;
use aws_sdk_lambda::types::{
    AliasRoutingConfiguration, FunctionCode, InvocationType as SdkInvocationType, LogType,
};
use http_body_util::{BodyExt, Full};

use s3lambda::lambda::api::{
    InvokeFuture, InvokeRequest, InvokeResponse, Invoker, Lambda, LambdaRequest,
};
use s3lambda::lambda::package::zip_of;

struct Echo;

impl Invoker for Echo {
    fn invoke(&self, req: InvokeRequest) -> InvokeFuture {
        Box::pin(async move {
            Ok(InvokeResponse {
                payload: req.payload,
                function_error: None,
                log_tail: Some("hello log".into()),
                executed_version: req.resolved.executed_version,
            })
        })
    }
}

async fn serve(lambda: Lambda) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            let lambda = lambda.clone();
            tokio::spawn(async move {
                let svc =
                    hyper::service::service_fn(move |req: http::Request<hyper::body::Incoming>| {
                        let lambda = lambda.clone();
                        async move {
                            let (parts, body) = req.into_parts();
                            let body = body
                                .collect()
                                .await
                                .map(http_body_util::Collected::to_bytes)
                                .unwrap_or_default();
                            let query = parts
                                .uri
                                .query()
                                .map(|q| {
                                    form_urlencoded::parse(q.as_bytes()).into_owned().collect()
                                })
                                .unwrap_or_default();
                            let r = lambda
                                .handle_response(LambdaRequest {
                                    method: parts.method,
                                    path: parts.uri.path().to_owned(),
                                    query,
                                    headers: parts.headers,
                                    body,
                                    account_id: "000000000000".into(),
                                    region: "us-east-1".into(),
                                    request_id: "sdk-req".into(),
                                })
                                .await;
                            Ok::<_, Infallible>(r.map(Full::new))
                        }
                    });
                let io = hyper_util::rt::TokioIo::new(stream);
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(io, svc)
                    .await;
            });
        }
    });
    format!("http://{addr}")
}

async fn client() -> aws_sdk_lambda::Client {
    let url = serve(Lambda::new(Arc::new(Echo))).await;
    let conf = aws_sdk_lambda::Config::builder()
        .behavior_version_latest()
        .endpoint_url(url)
        .region(aws_sdk_lambda::config::Region::new("us-east-1"))
        .credentials_provider(aws_credential_types::Credentials::new(
            "test", "test", None, None, "static",
        ))
        .http_client(aws_smithy_http_client::Builder::new().build_http())
        .build();
    aws_sdk_lambda::Client::from_conf(conf)
}

#[tokio::test]
async fn sdk_round_trip() {
    let c = client().await;
    let zip = zip_of(&[("app.wasm", b"\0asm\x0d\0\x01\0")]);
    let created = c
        .create_function()
        .function_name("f")
        .role("arn:aws:iam::000000000000:role/r")
        .handler("app.handler")
        .code(FunctionCode::builder().zip_file(Blob::new(zip)).build())
        .publish(true)
        .send()
        .await
        .unwrap();
    assert_eq!(created.version(), Some("1"));
    assert_eq!(
        created.function_arn(),
        Some("arn:aws:lambda:us-east-1:000000000000:function:f")
    );
    assert_eq!(
        created.state().map(aws_sdk_lambda::types::State::as_str),
        Some("Active")
    );
    assert_eq!(created.timeout(), Some(3));

    let err = c
        .get_function()
        .function_name("nope")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    let GetFunctionError::ResourceNotFoundException(e) = err else {
        panic!("{err:?}")
    };
    assert_eq!(
        e.message(),
        Some("Function not found: arn:aws:lambda:us-east-1:000000000000:function:nope")
    );
    assert_eq!(e.r#type(), Some("User"));

    let err = c
        .publish_version()
        .function_name("f")
        .code_sha256("x")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(
        matches!(err, PublishVersionError::InvalidParameterValueException(_)),
        "{err:?}"
    );

    let alias = c
        .create_alias()
        .function_name("arn:aws:lambda:us-east-1:000000000000:function:f")
        .name("PROD")
        .function_version("1")
        .send()
        .await
        .unwrap();
    assert_eq!(
        alias.alias_arn(),
        Some("arn:aws:lambda:us-east-1:000000000000:function:f:PROD")
    );
    let err = c
        .create_alias()
        .function_name("f")
        .name("PROD")
        .function_version("1")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    let CreateAliasError::ResourceConflictException(e) = err else {
        panic!("{err:?}")
    };
    assert_eq!(
        e.message(),
        Some("Alias already exists: arn:aws:lambda:us-east-1:000000000000:function:f:PROD")
    );
    let err = c
        .create_alias()
        .function_name("f")
        .name("W")
        .function_version("$LATEST")
        .routing_config(
            AliasRoutingConfiguration::builder()
                .additional_version_weights("1", 0.5)
                .build(),
        )
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(
        err.meta().code() == Some("InvalidParameterValueException"),
        "{err:?}"
    );

    let st = c
        .add_permission()
        .function_name("f")
        .qualifier("PROD")
        .statement_id("s3")
        .action("lambda:InvokeFunction")
        .principal("s3.amazonaws.com")
        .source_arn("arn:aws:s3:::photos")
        .send()
        .await
        .unwrap();
    assert!(
        st.statement()
            .unwrap()
            .contains(r#""Resource":"arn:aws:lambda:us-east-1:000000000000:function:f:PROD""#)
    );
    let err = c
        .add_permission()
        .function_name("f")
        .qualifier("PROD")
        .statement_id("s3")
        .action("lambda:InvokeFunction")
        .principal("s3.amazonaws.com")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(
        matches!(err, AddPermissionError::ResourceConflictException(_)),
        "{err:?}"
    );
    let p = c.get_policy().function_name("f:PROD").send().await.unwrap();
    assert!(p.policy().unwrap().contains(r#""Sid":"s3""#));
    assert!(p.revision_id().is_some());
    let err = c
        .get_policy()
        .function_name("f")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert!(
        matches!(err, GetPolicyError::ResourceNotFoundException(_)),
        "{err:?}"
    );

    let out = c
        .invoke()
        .function_name("f")
        .qualifier("PROD")
        .log_type(LogType::Tail)
        .payload(Blob::new(r#"{"a":1}"#))
        .send()
        .await
        .unwrap();
    assert_eq!(out.status_code(), 200);
    assert_eq!(out.executed_version(), Some("1"));
    assert_eq!(
        out.payload().map(|b| b.as_ref().to_vec()),
        Some(br#"{"a":1}"#.to_vec())
    );
    assert_eq!(out.log_result(), Some("aGVsbG8gbG9n"));
    let ev = c
        .invoke()
        .function_name("f")
        .invocation_type(SdkInvocationType::Event)
        .send()
        .await
        .unwrap();
    assert_eq!(ev.status_code(), 202);

    let eic = c
        .put_function_event_invoke_config()
        .function_name("f")
        .qualifier("PROD")
        .maximum_retry_attempts(1)
        .send()
        .await
        .unwrap();
    assert_eq!(eic.maximum_retry_attempts(), Some(1));
    assert!(
        eic.last_modified()
            .is_some_and(|t| t.secs() > 1_600_000_000)
    );
    assert_eq!(
        eic.function_arn(),
        Some("arn:aws:lambda:us-east-1:000000000000:function:f:PROD")
    );
    let err = c
        .get_function_event_invoke_config()
        .function_name("f")
        .send()
        .await
        .unwrap_err()
        .into_service_error();
    assert_eq!(err.meta().code(), Some("ResourceNotFoundException"));

    let versions = c
        .list_versions_by_function()
        .function_name("f")
        .send()
        .await
        .unwrap();
    assert_eq!(versions.versions().len(), 2);
    let aliases = c
        .list_aliases()
        .function_name("f")
        .function_version("1")
        .send()
        .await
        .unwrap();
    assert_eq!(aliases.aliases().len(), 1);
    c.delete_alias()
        .function_name("f")
        .name("missing")
        .send()
        .await
        .unwrap();
    c.remove_permission()
        .function_name("f")
        .qualifier("PROD")
        .statement_id("s3")
        .send()
        .await
        .unwrap();
    c.delete_function().function_name("f").send().await.unwrap();
    let listed = c.list_functions().send().await.unwrap();
    assert!(listed.functions().is_empty());
}
