//! Lambda JSON request bodies (and the function names and qualifiers in paths), through
//! `Lambda::handle` as the edge calls it.

use std::sync::{Arc, LazyLock};

use base64::Engine as _;
use bytes::Bytes;
use proptest::prelude::*;
use serde_json::{Map, Value, json};

use crate::lambda::api::InvokeFuture;
use crate::lambda::{InvokeRequest, Invoker, Lambda, LambdaError, LambdaRequest};

struct NoRuntime;

impl Invoker for NoRuntime {
    fn invoke(&self, _req: InvokeRequest) -> InvokeFuture {
        Box::pin(async { Err(LambdaError::Service("no runtime in this test".into())) })
    }
}

static RUNTIME: LazyLock<tokio::runtime::Runtime> = LazyLock::new(|| {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a runtime")
});

/// One service with a function `f` (published once, alias `PROD`), shared by all cases.
static LAMBDA: LazyLock<Lambda> = LazyLock::new(|| {
    let lambda = Lambda::new(Arc::new(NoRuntime));
    let zip = crate::lambda::package::zip_of(&[("app.wasm", b"\0asm\x0d\0\x01\0")]);
    let create = json!({
        "FunctionName": "f", "Role": "arn:aws:iam::000000000000:role/r", "Handler": "app.h",
        "Publish": true,
        "Code": {"ZipFile": base64::engine::general_purpose::STANDARD.encode(zip)},
    });
    let created = call(
        &lambda,
        "POST",
        "/2015-03-31/functions",
        create.to_string().into_bytes(),
    );
    assert_eq!(created, Some(201), "the shared function is created");
    let alias = json!({"Name": "PROD", "FunctionVersion": "1"});
    let created = call(
        &lambda,
        "POST",
        "/2015-03-31/functions/f/aliases",
        alias.to_string().into_bytes(),
    );
    assert_eq!(created, Some(201), "the shared alias is created");
    lambda
});

fn call(lambda: &Lambda, method: &str, path: &str, body: Vec<u8>) -> Option<u16> {
    call_with(lambda, method, path, Vec::new(), body)
}

fn call_with(
    lambda: &Lambda,
    method: &str,
    path: &str,
    query: Vec<(String, String)>,
    body: Vec<u8>,
) -> Option<u16> {
    let method = http::Method::from_bytes(method.as_bytes()).ok()?;
    let req = LambdaRequest {
        method,
        path: path.to_owned(),
        query,
        headers: http::HeaderMap::new(),
        body: Bytes::from(body),
        account_id: "000000000000".into(),
        region: "us-east-1".into(),
        request_id: "req".into(),
    };
    Some(
        RUNTIME
            .block_on(lambda.handle_response(req))
            .status()
            .as_u16(),
    )
}

/// The operations that read a body (and a few that read a `Qualifier`), with the function `f` (or a random name) in the path.
const OPERATIONS: &[(&str, &str)] = &[
    ("POST", "/2015-03-31/functions"),
    ("PUT", "/2015-03-31/functions/{}/code"),
    ("PUT", "/2015-03-31/functions/{}/configuration"),
    ("POST", "/2015-03-31/functions/{}/versions"),
    ("POST", "/2015-03-31/functions/{}/aliases"),
    ("PUT", "/2015-03-31/functions/{}/aliases/PROD"),
    ("POST", "/2015-03-31/functions/{}/policy"),
    ("PUT", "/2019-09-25/functions/{}/event-invoke-config"),
    ("POST", "/2019-09-25/functions/{}/event-invoke-config"),
    ("PUT", "/2017-10-31/functions/{}/concurrency"),
    ("POST", "/2015-03-31/functions/{}/invocations"),
    ("GET", "/2015-03-31/functions/{}"),
    ("GET", "/2015-03-31/functions/{}/configuration"),
    ("GET", "/2015-03-31/functions/{}/policy"),
    ("GET", "/2019-09-25/functions/{}/event-invoke-config"),
];

const KEYS: &[&str] = &[
    "FunctionName",
    "Role",
    "Handler",
    "Runtime",
    "Code",
    "ZipFile",
    "S3Bucket",
    "ImageUri",
    "Description",
    "Timeout",
    "MemorySize",
    "Publish",
    "Environment",
    "Variables",
    "Tags",
    "Architectures",
    "EphemeralStorage",
    "Size",
    "PackageType",
    "RevisionId",
    "Name",
    "FunctionVersion",
    "RoutingConfig",
    "AdditionalVersionWeights",
    "StatementId",
    "Action",
    "Principal",
    "SourceArn",
    "SourceAccount",
    "EventSourceToken",
    "PrincipalOrgID",
    "FunctionUrlAuthType",
    "ReservedConcurrentExecutions",
    "MaximumRetryAttempts",
    "MaximumEventAgeInSeconds",
    "DestinationConfig",
    "OnSuccess",
    "OnFailure",
    "Destination",
    "CodeSha256",
];

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| json!(f)),
        proptest::sample::select(
            &[
                "f",
                "1",
                "$LATEST",
                "PROD",
                "*",
                "lambda:InvokeFunction",
                "s3.amazonaws.com",
                "arn:aws:s3:::b",
                "arn:aws:lambda:us-east-1:000000000000:function:f:1",
                "arn:aws:iam::000000000000:role/r",
                "000000000000",
                "AAEC",
                "x86_64",
                "Zip",
            ][..]
        )
        .prop_map(Value::from),
        "\\PC{0,40}".prop_map(Value::from),
    ]
}

/// JSON objects keyed from [`KEYS`], nested a few levels.
fn body() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(4, 48, 8, |inner| {
        prop_oneof![
            proptest::collection::vec((proptest::sample::select(KEYS), inner.clone()), 0..8)
                .prop_map(|kv| Value::Object(
                    kv.into_iter()
                        .map(|(k, v)| (k.to_owned(), v))
                        .collect::<Map<_, _>>()
                )),
            proptest::collection::vec(inner, 0..4).prop_map(Value::Array),
        ]
    })
}

proptest! {
    #![proptest_config(super::config())]

    #[test]
    fn arbitrary_bytes(
        op in proptest::sample::select(OPERATIONS),
        bytes in proptest::collection::vec(any::<u8>(), 0..512),
    ) {
        let status = call(&LAMBDA, op.0, &op.1.replace("{}", "f"), bytes);
        // A body that passes reaches Invoke's invoker, which this test has none of (500).
        let reaches_runtime = op.1.ends_with("invocations");
        prop_assert!(status.is_some_and(|s| s != 500 || reaches_runtime), "{op:?}: {status:?}");
    }

    #[test]
    fn json_with_known_keys(
        op in proptest::sample::select(OPERATIONS),
        name in prop_oneof![Just("f".to_owned()), Just("f:PROD".to_owned()), "[ -~]{0,70}"],
        doc in body(),
        qualifier in proptest::option::of(prop_oneof![
            Just("1".to_owned()), Just("PROD".to_owned()), "[ -~]{0,140}",
        ]),
    ) {
        let path = op.1.replace("{}", &name.replace(['/', '?', '#'], "%2F"));
        let query = qualifier.map(|q| ("Qualifier".to_owned(), q)).into_iter().collect();
        let _ = call_with(&LAMBDA, op.0, &path, query, doc.to_string().into_bytes());
    }
}
