//! Reserved concurrency through aws-sdk-lambda: the Put/Get/DeleteFunctionConcurrency round
//! trip, a synchronous Invoke refused at reservation 0, and an S3 event to such a function
//! throttled without retry and recorded on failure.

use aws_sdk_lambda::operation::invoke::InvokeError;
use aws_sdk_lambda::operation::put_function_concurrency::PutFunctionConcurrencyError;
use aws_sdk_lambda::primitives::Blob;
use aws_sdk_lambda::types::ThrottleReason;
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{Event, LambdaFunctionConfiguration, NotificationConfiguration};

use crate::common;

const ARN: &str = "arn:aws:lambda:us-east-1:000000000000:function";

/// A Lambda client that does not retry throttles, so the first answer is the one checked.
fn lambda_no_retry(server: &s3lambda::sim::Server) -> aws_sdk_lambda::Client {
    let conf = common::lambda(server)
        .config()
        .to_builder()
        .retry_config(aws_sdk_lambda::config::retry::RetryConfig::disabled())
        .build();
    aws_sdk_lambda::Client::from_conf(conf)
}

async fn create(lambda: &aws_sdk_lambda::Client, name: &str) {
    common::create_function(lambda, name, s3lambda::runtime::handlers::ECHO).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn put_get_delete_round_trip() {
    let server = common::start().await;
    let lambda = lambda_no_retry(&server);

    let missing = lambda
        .put_function_concurrency()
        .function_name("nope")
        .reserved_concurrent_executions(1)
        .send()
        .await
        .unwrap_err();
    assert!(
        missing
            .as_service_error()
            .is_some_and(PutFunctionConcurrencyError::is_resource_not_found_exception),
        "{missing:?}"
    );

    create(&lambda, "f").await;
    let unset = lambda
        .get_function_concurrency()
        .function_name("f")
        .send()
        .await
        .unwrap();
    assert_eq!(unset.reserved_concurrent_executions(), None);

    let put = lambda
        .put_function_concurrency()
        .function_name(format!("{ARN}:f"))
        .reserved_concurrent_executions(5)
        .send()
        .await
        .unwrap();
    assert_eq!(put.reserved_concurrent_executions(), Some(5));
    let got = lambda
        .get_function_concurrency()
        .function_name("f")
        .send()
        .await
        .unwrap();
    assert_eq!(got.reserved_concurrent_executions(), Some(5));
    let function = lambda
        .get_function()
        .function_name("f")
        .send()
        .await
        .unwrap();
    assert_eq!(
        function
            .concurrency()
            .and_then(aws_sdk_lambda::types::Concurrency::reserved_concurrent_executions),
        Some(5)
    );

    let negative = lambda
        .put_function_concurrency()
        .function_name("f")
        .reserved_concurrent_executions(-1)
        .send()
        .await
        .unwrap_err();
    assert_eq!(common::code(&negative), "ValidationException");

    lambda
        .delete_function_concurrency()
        .function_name("f")
        .send()
        .await
        .unwrap();
    let after = lambda
        .get_function_concurrency()
        .function_name("f")
        .send()
        .await
        .unwrap();
    assert_eq!(after.reserved_concurrent_executions(), None);
    let function = lambda
        .get_function()
        .function_name("f")
        .send()
        .await
        .unwrap();
    assert!(function.concurrency().is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invoke_at_reserved_zero_is_throttled() {
    let server = common::start().await;
    let lambda = lambda_no_retry(&server);
    create(&lambda, "f").await;
    lambda
        .put_function_concurrency()
        .function_name("f")
        .reserved_concurrent_executions(0)
        .send()
        .await
        .unwrap();

    let e = lambda
        .invoke()
        .function_name("f")
        .payload(Blob::new("{}"))
        .send()
        .await
        .unwrap_err();
    let Some(InvokeError::TooManyRequestsException(t)) = e.as_service_error() else {
        panic!("expected TooManyRequestsException, got {e:?}");
    };
    assert_eq!(
        t.reason(),
        Some(&ThrottleReason::ReservedFunctionConcurrentInvocationLimitExceeded)
    );
    assert_eq!(e.raw_response().map(|r| r.status().as_u16()), Some(429));
    assert_eq!(t.message(), Some("Rate Exceeded."));

    // Once the reservation is removed, the function runs.
    lambda
        .delete_function_concurrency()
        .function_name("f")
        .send()
        .await
        .unwrap();
    let ok = lambda
        .invoke()
        .function_name("f")
        .payload(Blob::new("{}"))
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status_code(), 200);
    assert!(ok.function_error().is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn s3_event_to_reserved_zero_is_throttled_without_retry() {
    let server = common::start().await;
    let lambda = lambda_no_retry(&server);
    let s3 = common::s3(&server);
    create(&lambda, "zero").await;
    lambda
        .put_function_concurrency()
        .function_name("zero")
        .reserved_concurrent_executions(0)
        .send()
        .await
        .unwrap();
    lambda
        .add_permission()
        .function_name("zero")
        .statement_id("s3")
        .action("lambda:InvokeFunction")
        .principal("s3.amazonaws.com")
        .source_arn("arn:aws:s3:::reserved-zero")
        .source_account("000000000000")
        .send()
        .await
        .unwrap();
    s3.create_bucket()
        .bucket("reserved-zero")
        .send()
        .await
        .unwrap();
    s3.put_bucket_notification_configuration()
        .bucket("reserved-zero")
        .notification_configuration(
            NotificationConfiguration::builder()
                .lambda_function_configurations(
                    LambdaFunctionConfiguration::builder()
                        .id("to-zero")
                        .lambda_function_arn(format!("{ARN}:zero"))
                        .events(Event::S3ObjectCreated)
                        .build()
                        .unwrap(),
                )
                .build(),
        )
        .send()
        .await
        .unwrap();
    s3.put_object()
        .bucket("reserved-zero")
        .key("in/a")
        .body(ByteStream::from_static(b"hello"))
        .send()
        .await
        .unwrap();

    common::wait_idle(&server).await;
    let found = common::sim_get(&server, "/_s3lambda/traces?bucket=reserved-zero").await;
    let traces = found["traces"].as_array().unwrap();
    assert_eq!(traces.len(), 1, "{traces:#?}");
    let t = &traces[0];
    assert_eq!(t["outcome"], "throttled", "{t:#}");
    let attempts = t["deliveries"][0]["attempts"].as_array().unwrap();
    assert_eq!(
        attempts.len(),
        1,
        "no retry at reservation 0: {attempts:#?}"
    );

    let records = common::sim_get(&server, "/_s3lambda/destinations").await;
    let records = records["records"].as_array().unwrap();
    assert_eq!(records.len(), 1, "{records:#?}");
    let record = &records[0]["record"];
    assert_eq!(record["requestContext"]["condition"], "ThrottledNoRetry");
    assert_eq!(
        record["requestPayload"]["Records"][0]["s3"]["object"]["key"],
        "in/a"
    );
}
