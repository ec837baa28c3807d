//! Shared test plumbing: a simulator on an ephemeral port and real AWS SDK clients for it.

use aws_credential_types::Credentials;
use aws_sdk_s3::config::interceptors::BeforeTransmitInterceptorContextMut;
use aws_sdk_s3::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_s3::error::BoxError;
use s3lambda::sim::{Server, Simulator};

/// The default account's keys.
pub const KEY: &str = "test";
/// The default account's secret.
pub const SECRET: &str = "test";
/// A second account, for cross-account cases.
pub const OTHER_ACCOUNT: &str = "111111111111";
/// The second account's keys.
pub const OTHER_KEY: &str = "other";
/// The second account's secret.
pub const OTHER_SECRET: &str = "other-secret";

/// A simulator serving on 127.0.0.1 with an ephemeral port, with a second account.
pub async fn start() -> Server {
    Simulator::builder()
        .account(OTHER_ACCOUNT, OTHER_KEY, OTHER_SECRET)
        .build()
        .expect("simulator builds")
        .start("127.0.0.1:0".parse().expect("addr"))
        .await
        .expect("server starts")
}

fn http_client() -> aws_smithy_runtime_api::client::http::SharedHttpClient {
    aws_smithy_http_client::Builder::new().build_http()
}

/// How the S3 client addresses buckets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Addressing {
    /// `http://127.0.0.1:port/bucket/key`.
    Path,
    /// `http://bucket.localhost:port/key`, connected to 127.0.0.1 (see [`Loopback`]).
    VirtualHost,
}

/// An `aws-sdk-s3` client for `server` signing with the given keys.
pub fn s3_with(
    server: &Server,
    key: &str,
    secret: &str,
    addressing: Addressing,
) -> aws_sdk_s3::Client {
    let builder = aws_sdk_s3::Config::builder()
        .behavior_version(aws_sdk_s3::config::BehaviorVersion::latest())
        .region(aws_sdk_s3::config::Region::new("us-east-1"))
        .credentials_provider(Credentials::from_keys(key, secret, None))
        .http_client(http_client());
    let builder = match addressing {
        Addressing::Path => builder
            .endpoint_url(server.endpoint())
            .force_path_style(true),
        Addressing::VirtualHost => builder
            .endpoint_url(format!("http://localhost:{}", server.addr().port()))
            .force_path_style(false)
            .interceptor(Loopback),
    };
    aws_sdk_s3::Client::from_conf(builder.build())
}

/// The default account's path-style S3 client.
pub fn s3(server: &Server) -> aws_sdk_s3::Client {
    s3_with(server, KEY, SECRET, Addressing::Path)
}

/// An `aws-sdk-lambda` client for `server`.
pub fn lambda_with(server: &Server, key: &str, secret: &str) -> aws_sdk_lambda::Client {
    let conf = aws_sdk_lambda::Config::builder()
        .behavior_version(aws_sdk_lambda::config::BehaviorVersion::latest())
        .region(aws_sdk_lambda::config::Region::new("us-east-1"))
        .credentials_provider(Credentials::from_keys(key, secret, None))
        .endpoint_url(server.endpoint())
        .http_client(http_client())
        .build();
    aws_sdk_lambda::Client::from_conf(conf)
}

/// The default account's Lambda client.
pub fn lambda(server: &Server) -> aws_sdk_lambda::Client {
    lambda_with(server, KEY, SECRET)
}

/// An `aws-sdk-cloudwatchlogs` client for `server`, with the default account's keys.
pub fn logs(server: &Server) -> aws_sdk_cloudwatchlogs::Client {
    let conf = aws_sdk_cloudwatchlogs::Config::builder()
        .behavior_version(aws_sdk_cloudwatchlogs::config::BehaviorVersion::latest())
        .region(aws_sdk_cloudwatchlogs::config::Region::new("us-east-1"))
        .credentials_provider(Credentials::from_keys(KEY, SECRET, None))
        .endpoint_url(server.endpoint())
        .http_client(http_client())
        .build();
    aws_sdk_cloudwatchlogs::Client::from_conf(conf)
}

/// Creates `name` running the wasm `handler` (as `handler.wasm` in a zip, handler
/// `handler.handle`, role `lambda-role` of the default account); panics if refused.
pub async fn create_function(lambda: &aws_sdk_lambda::Client, name: &str, handler: &[u8]) {
    let zip = zip_of("handler.wasm", handler);
    lambda
        .create_function()
        .function_name(name)
        .role("arn:aws:iam::000000000000:role/lambda-role")
        .handler("handler.handle")
        .code(
            aws_sdk_lambda::types::FunctionCode::builder()
                .zip_file(aws_sdk_lambda::primitives::Blob::new(zip))
                .build(),
        )
        .send()
        .await
        .unwrap();
}

/// Sends virtual-host requests (`bucket.localhost`) to 127.0.0.1 while keeping the signed
/// `Host` header, since `*.localhost` does not resolve on every machine.
#[derive(Debug)]
pub struct Loopback;

impl Intercept for Loopback {
    fn name(&self) -> &'static str {
        "Loopback"
    }

    fn modify_before_transmit(
        &self,
        context: &mut BeforeTransmitInterceptorContextMut<'_>,
        _components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let request = context.request_mut();
        let uri: http::Uri = request.uri().parse()?;
        let authority = uri.authority().ok_or("no authority")?.as_str().to_owned();
        let port = uri.port_u16().unwrap_or(80);
        let path = uri.path_and_query().map_or("/", |p| p.as_str()).to_owned();
        request.headers_mut().insert("host", authority);
        request.set_uri(format!("http://127.0.0.1:{port}{path}"))?;
        Ok(())
    }
}

/// The AWS error code of an SDK error (`Err` text when it is not a service error).
pub fn code<E, R>(e: &aws_smithy_runtime_api::client::result::SdkError<E, R>) -> String
where
    E: aws_smithy_types::error::metadata::ProvideErrorMetadata + std::fmt::Debug,
    R: std::fmt::Debug,
{
    match e {
        aws_smithy_runtime_api::client::result::SdkError::ServiceError(s) => {
            s.err().code().unwrap_or("").to_owned()
        }
        other => format!("not a service error: {other:?}"),
    }
}

/// `GET` a simulator API path (`/_s3lambda/...`) and parse its JSON.
pub async fn sim_get(server: &Server, path: &str) -> serde_json::Value {
    sim_call(server, "GET", path).await
}

/// `POST` to a simulator API path and parse its JSON; panics unless it answered 200.
pub async fn sim_post(server: &Server, path: &str) -> serde_json::Value {
    sim_call(server, "POST", path).await
}

async fn sim_call(server: &Server, method: &str, path: &str) -> serde_json::Value {
    let request = http::Request::builder()
        .method(method)
        .uri(format!("{}{path}", server.endpoint()))
        .body(bytes::Bytes::new())
        .expect("request");
    let reply = crate::raw::send(request).await;
    assert_eq!(reply.status, 200, "{method} {path}: {}", reply.body);
    serde_json::from_str(&reply.body).expect("JSON")
}

/// Waits (through `POST /_s3lambda/wait`) until no delivery is in flight.
pub async fn wait_idle(server: &Server) {
    let idle = sim_post(server, "/_s3lambda/wait?timeout_ms=60000").await;
    assert_eq!(idle["idle"], true);
}

/// A deployment package with one file, as `zip` makes it (the library's own packager).
pub fn zip_of(name: &str, bytes: &[u8]) -> Vec<u8> {
    s3lambda::lambda::package::zip_of(&[(name, bytes)])
}
