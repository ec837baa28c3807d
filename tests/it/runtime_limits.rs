//! Handler limits through the real SDKs: CPU-bound handlers run on the runtime's own
//! threads (S3 answers while they spin), a timed-out handler keeps what it printed in the
//! log and the trace, the memory of all handlers is capped (`Runtime.OutOfMemory`), and
//! a handler printing more than the log limit is truncated, not killed.

use aws_sdk_lambda::primitives::Blob;
use aws_sdk_lambda::types::{FunctionCode, InvocationType, LogType};
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{Event, LambdaFunctionConfiguration, NotificationConfiguration};
use base64::Engine as _;
use s3lambda::runtime::handlers::{CHATTY, SPIN};
use s3lambda::sim::{Config, Server, Simulator};
use serde_json::Value;

use crate::common;

/// Creates `name` running `handler` with this `MemorySize` and `Timeout`.
async fn create(
    lambda: &aws_sdk_lambda::Client,
    name: &str,
    handler: &[u8],
    memory_mb: i32,
    timeout_s: i32,
) {
    lambda
        .create_function()
        .function_name(name)
        .role("arn:aws:iam::000000000000:role/lambda-role")
        .handler("handler.handle")
        .memory_size(memory_mb)
        .timeout(timeout_s)
        .code(
            FunctionCode::builder()
                .zip_file(Blob::new(common::zip_of("handler.wasm", handler)))
                .build(),
        )
        .send()
        .await
        .unwrap();
}

/// Invokes `name` synchronously with the log tail; returns the function error, the
/// payload and the decoded log tail.
async fn invoke_tail(
    lambda: &aws_sdk_lambda::Client,
    name: &str,
    payload: &str,
) -> (Option<String>, String, String) {
    let out = lambda
        .invoke()
        .function_name(name)
        .log_type(LogType::Tail)
        .payload(Blob::new(payload.as_bytes().to_vec()))
        .send()
        .await
        .unwrap();
    let tail = base64::engine::general_purpose::STANDARD
        .decode(out.log_result().unwrap_or_default())
        .unwrap();
    (
        out.function_error().map(str::to_owned),
        String::from_utf8_lossy(out.payload().map_or(&[][..], Blob::as_ref)).into_owned(),
        String::from_utf8(tail).unwrap(),
    )
}

/// Handlers currently admitted by the server's runtime.
fn running(server: &Server) -> u32 {
    server.simulator().runtime().stats().running
}

/// Checks that `log` has the guest's `spinning` line, then the timeout line, then `END`,
/// and returns the `REPORT` duration in milliseconds.
fn check_timed_out_log(log: &str, timeout_line_end: &str) -> f64 {
    let spinning = log
        .find("\nspinning\n")
        .unwrap_or_else(|| panic!("output kept: {log}"));
    let timed_out = log
        .find(timeout_line_end)
        .unwrap_or_else(|| panic!("timeout line: {log}"));
    let end = log
        .find("END RequestId")
        .unwrap_or_else(|| panic!("END: {log}"));
    assert!(spinning < timed_out && timed_out < end, "{log}");
    let report = log
        .lines()
        .find(|l| l.starts_with("REPORT"))
        .unwrap_or_else(|| panic!("REPORT: {log}"));
    let duration = report
        .split('\t')
        .find_map(|f| f.strip_prefix("Duration: "))
        .and_then(|d| d.strip_suffix(" ms"))
        .unwrap_or_else(|| panic!("Duration: {report}"));
    duration.parse().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn s3_gets_answer_while_50_handlers_spin() {
    let server = common::start().await;
    let (s3, lambda) = (common::s3(&server), common::lambda(&server));
    s3.create_bucket().bucket("flood").send().await.unwrap();
    let object = vec![7u8; 1024];
    s3.put_object()
        .bucket("flood")
        .key("k")
        .body(ByteStream::from(object.clone()))
        .send()
        .await
        .unwrap();
    create(&lambda, "spin", SPIN, 128, 10).await;

    for _ in 0..50 {
        let accepted = lambda
            .invoke()
            .function_name("spin")
            .invocation_type(InvocationType::Event)
            .payload(Blob::new("{}"))
            .send()
            .await
            .unwrap();
        assert_eq!(accepted.status_code(), 202);
    }
    // Every spin is admitted before the first GET (each starts its 10 s timeout).
    while running(&server) < 50 {
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }

    for _ in 0..20 {
        let got = s3
            .get_object()
            .bucket("flood")
            .key("k")
            .send()
            .await
            .unwrap();
        let body = got.body.collect().await.unwrap().into_bytes();
        assert_eq!(body.as_ref(), object.as_slice());
    }
    // The GETs were answered while the spins were still running, i.e. well before their
    // timeout (on the edge's own workers, 20 GETs took longer than that).
    assert_eq!(running(&server), 50, "spins ended before the GETs did");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_timed_out_spin_keeps_its_output_in_the_log_and_the_trace() {
    let server = common::start().await;
    let (s3, lambda) = (common::s3(&server), common::lambda(&server));
    create(&lambda, "spin", SPIN, 128, 1).await;
    lambda
        .put_function_event_invoke_config()
        .function_name("spin")
        .maximum_retry_attempts(0)
        .send()
        .await
        .unwrap();
    lambda
        .add_permission()
        .function_name("spin")
        .statement_id("s3")
        .action("lambda:InvokeFunction")
        .principal("s3.amazonaws.com")
        .source_arn("arn:aws:s3:::spinning")
        .send()
        .await
        .unwrap();
    s3.create_bucket().bucket("spinning").send().await.unwrap();
    s3.put_bucket_notification_configuration()
        .bucket("spinning")
        .notification_configuration(
            NotificationConfiguration::builder()
                .lambda_function_configurations(
                    LambdaFunctionConfiguration::builder()
                        .lambda_function_arn("arn:aws:lambda:us-east-1:000000000000:function:spin")
                        .events(Event::S3ObjectCreated)
                        .build()
                        .unwrap(),
                )
                .build(),
        )
        .send()
        .await
        .unwrap();

    // Twenty synchronous spins at once on the runtime's two threads, and one through S3.
    let mut invokes = tokio::task::JoinSet::new();
    for _ in 0..20 {
        let lambda = lambda.clone();
        invokes.spawn(async move { invoke_tail(&lambda, "spin", "{}").await });
    }
    s3.put_object()
        .bucket("spinning")
        .key("k")
        .body(ByteStream::from_static(b"x"))
        .send()
        .await
        .unwrap();
    while let Some(done) = invokes.join_next().await {
        let (function_error, payload, tail) = done.unwrap();
        assert_eq!(function_error.as_deref(), Some("Unhandled"), "{payload}");
        let error: Value = serde_json::from_str(&payload).unwrap();
        assert_eq!(error["errorType"], "Sandbox.Timedout", "{payload}");
        check_timed_out_log(&tail, "Task timed out after 1.00 seconds");
    }

    common::wait_idle(&server).await;
    let found = common::sim_get(&server, "/_s3lambda/traces?bucket=spinning").await;
    let attempt = &found["traces"][0]["deliveries"][0]["attempts"][0];
    assert_eq!(
        attempt["result"]["errorType"], "Sandbox.Timedout",
        "{found:#}"
    );
    let log = attempt["logTail"].as_str().unwrap();
    let reported = check_timed_out_log(log, "Task timed out after 1.00 seconds");
    let traced = attempt["duration"].as_f64().unwrap();
    assert!(
        (reported - traced).abs() < 0.01,
        "REPORT says {reported} ms, the trace {traced} ms"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn memory_size_over_the_memory_cap_is_out_of_memory() {
    let mut config = Config::default();
    config.runtime.max_total_memory_mb = Some(256);
    let server = Simulator::builder()
        .config(config)
        .build()
        .unwrap()
        .start("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let lambda = common::lambda(&server);
    create(&lambda, "big", s3lambda::runtime::handlers::ECHO, 512, 3).await;
    create(&lambda, "small", s3lambda::runtime::handlers::ECHO, 256, 3).await;

    let (function_error, payload, tail) = invoke_tail(&lambda, "big", "{}").await;
    assert_eq!(function_error.as_deref(), Some("Unhandled"), "{payload}");
    let error: Value = serde_json::from_str(&payload).unwrap();
    assert_eq!(error["errorType"], "Runtime.OutOfMemory", "{payload}");
    assert!(tail.contains("MemorySize 512 MB exceeds"), "{tail}");
    assert!(tail.contains("\nRuntime.OutOfMemory\n"), "{tail}");

    // One that fits runs.
    let (function_error, payload, _) = invoke_tail(&lambda, "small", "\"hi\"").await;
    assert_eq!((function_error, payload.as_str()), (None, "\"hi\""));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_5_mib_print_is_truncated_not_killed() {
    let server = common::start().await;
    let lambda = common::lambda(&server);
    create(&lambda, "chatty", CHATTY, 128, 30).await;
    let (function_error, payload, tail) = invoke_tail(&lambda, "chatty", "5242880").await;
    assert_eq!(function_error, None, "{payload}\n{tail}");
    assert_eq!(payload, "5242880");
    assert!(
        tail.contains(
            "[s3lambda] log truncated: the function wrote 5242880 bytes, the first 4194304 are kept"
        ),
        "{tail}"
    );
    assert!(!tail.contains("Runtime.ExitError"), "{tail}");
}
