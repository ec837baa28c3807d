//! Python functions, unchanged source in a zip, run by the Python engine through the real
//! path: CreateFunction with `python3.12`, S3 notifications through an alias, retries with an
//! on-failure record, CloudWatch Logs, and direct Invoke for results and error documents.
//!
//! The engine is built by `handlers/engines/python/build.sh` (CI runs it first); these tests
//! are ignored in a plain `cargo test`.

use std::path::Path;
use std::time::Duration;

use aws_sdk_lambda::primitives::Blob;
use aws_sdk_lambda::types::{
    DestinationConfig, Environment, FunctionCode, LogType, OnFailure, State,
};
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{Event, LambdaFunctionConfiguration, NotificationConfiguration};
use base64::Engine as _;
use serde_json::{Value, json};

use crate::common;

const ARN: &str = "arn:aws:lambda:us-east-1:000000000000:function";
const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/functions/python");

/// Every file under `dir`, as a deployment package (paths relative to `dir`).
fn zip_dir(dir: &str) -> Vec<u8> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<(String, Vec<u8>)>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                if path.file_name().is_some_and(|n| n != "__pycache__") {
                    walk(root, &path, out);
                }
            } else {
                let name = path
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                out.push((name, std::fs::read(&path).unwrap()));
            }
        }
    }
    let root = Path::new(FIXTURES).join(dir);
    let mut files = Vec::new();
    walk(&root, &root, &mut files);
    let entries: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    s3lambda::lambda::package::zip_of(&entries)
}

/// Creates a `python3.12` function from the fixture folder `dir` and waits until it is Active.
async fn create(
    lambda: &aws_sdk_lambda::Client,
    name: &str,
    dir: &str,
    handler: &str,
    env: &[(&str, &str)],
    timeout: Option<i32>,
) {
    let mut vars = Environment::builder();
    for (k, v) in env {
        vars = vars.variables(*k, *v);
    }
    lambda
        .create_function()
        .function_name(name)
        .runtime(aws_sdk_lambda::types::Runtime::Python312)
        .role("arn:aws:iam::000000000000:role/lambda-role")
        .handler(handler)
        .set_timeout(timeout)
        .environment(vars.build())
        .code(
            FunctionCode::builder()
                .zip_file(Blob::new(zip_dir(dir)))
                .build(),
        )
        .send()
        .await
        .unwrap();
    wait_active(lambda, name).await;
}

async fn wait_active(lambda: &aws_sdk_lambda::Client, name: &str) {
    // The first load compiles the engine (minutes in a debug build on two cores); later ones read
    // the compiled code from the disk cache.
    for _ in 0..6000 {
        let got = lambda
            .get_function_configuration()
            .function_name(name)
            .send()
            .await
            .unwrap();
        match got.state() {
            Some(State::Active) => return,
            Some(State::Failed) => panic!("{name} failed: {:?}", got.state_reason()),
            _ => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
    panic!("{name} never became Active");
}

/// Invokes `name` with `event`; (payload, function error, log tail).
async fn invoke(
    lambda: &aws_sdk_lambda::Client,
    name: &str,
    event: &Value,
) -> (Value, Option<String>, String) {
    let out = lambda
        .invoke()
        .function_name(name)
        .log_type(LogType::Tail)
        .payload(Blob::new(event.to_string()))
        .send()
        .await
        .unwrap();
    let payload = out
        .payload()
        .map(|p| p.as_ref().to_vec())
        .unwrap_or_default();
    let payload = serde_json::from_slice(&payload)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&payload)));
    let log = base64::engine::general_purpose::STANDARD
        .decode(out.log_result().unwrap_or_default())
        .unwrap();
    (
        payload,
        out.function_error().map(str::to_owned),
        String::from_utf8_lossy(&log).into_owned(),
    )
}

/// A `[LEVEL]\t<time>\t<request id>\t<message>` line of `log`, as the runtime's logging
/// handler writes it: the time is `YYYY-MM-DDTHH:MM:SS.mmmZ`.
fn logging_line<'a>(log: &'a str, level: &str, message: &str) -> Option<(&'a str, &'a str)> {
    log.lines().find_map(|line| {
        let mut parts = line.splitn(4, '\t');
        let (lvl, time, id, msg) = (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
        let time_ok = time.len() == 24
            && time.ends_with('Z')
            && time.as_bytes()[10] == b'T'
            && time.as_bytes()[19] == b'.';
        (lvl == format!("[{level}]") && msg == message && time_ok).then_some((time, id))
    })
}

async fn notify_all_creates(s3: &aws_sdk_s3::Client, bucket: &str, function_arn: &str) {
    s3.put_bucket_notification_configuration()
        .bucket(bucket)
        .notification_configuration(
            NotificationConfiguration::builder()
                .lambda_function_configurations(
                    LambdaFunctionConfiguration::builder()
                        .lambda_function_arn(function_arn)
                        .events(Event::S3ObjectCreated)
                        .build()
                        .unwrap(),
                )
                .build(),
        )
        .send()
        .await
        .unwrap();
}

async fn allow_s3(
    lambda: &aws_sdk_lambda::Client,
    name: &str,
    qualifier: Option<&str>,
    bucket: &str,
) {
    lambda
        .add_permission()
        .function_name(name)
        .set_qualifier(qualifier.map(str::to_owned))
        .statement_id("s3")
        .action("lambda:InvokeFunction")
        .principal("s3.amazonaws.com")
        .source_arn(format!("arn:aws:s3:::{bucket}"))
        .source_account("000000000000")
        .send()
        .await
        .unwrap();
}

async fn traces(server: &s3lambda::sim::Server, bucket: &str) -> Vec<Value> {
    common::wait_idle(server).await;
    let found = common::sim_get(server, &format!("/_s3lambda/traces?bucket={bucket}")).await;
    found["traces"].as_array().cloned().unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the python engine: handlers/engines/python/build.sh"]
async fn s3_event_through_an_alias_is_logged_with_logging_info() {
    let server = common::start().await;
    let (s3, lambda) = (common::s3(&server), common::lambda(&server));
    create(
        &lambda,
        "pylogger",
        "lambda_function",
        "lambda_function.lambda_handler",
        &[],
        None,
    )
    .await;
    lambda
        .publish_version()
        .function_name("pylogger")
        .send()
        .await
        .unwrap();
    lambda
        .create_alias()
        .function_name("pylogger")
        .name("LIVE")
        .function_version("1")
        .send()
        .await
        .unwrap();
    s3.create_bucket().bucket("pyphotos").send().await.unwrap();
    allow_s3(&lambda, "pylogger", Some("LIVE"), "pyphotos").await;
    notify_all_creates(&s3, "pyphotos", &format!("{ARN}:pylogger:LIVE")).await;
    s3.put_object()
        .bucket("pyphotos")
        .key("in/Happy Face.jpg")
        .body(ByteStream::from_static(b"jpeg"))
        .send()
        .await
        .unwrap();

    let traces = traces(&server, "pyphotos").await;
    assert_eq!(traces.len(), 1, "{traces:#?}");
    assert_eq!(traces[0]["outcome"], "delivered", "{:#}", traces[0]);
    let delivery = &traces[0]["deliveries"][0];
    assert_eq!(delivery["resolvedVersion"], "1");
    let attempt = &delivery["attempts"][0];
    let request_id = attempt["requestId"].as_str().unwrap();
    let log = attempt["logTail"].as_str().unwrap();
    // Module-level print, then the logging record with this invocation's request id.
    assert!(log.contains("Loading function\n"), "{log}");
    let (_, id) = logging_line(log, "INFO", "object in/Happy Face.jpg in bucket pyphotos")
        .unwrap_or_else(|| panic!("no [INFO] line in {log:?}"));
    assert_eq!(id, request_id);
    assert!(log.contains("event: \"ObjectCreated:Put\"\n"), "{log}");

    // The same record through the CloudWatch Logs API.
    let events = common::logs(&server)
        .filter_log_events()
        .log_group_name("/aws/lambda/pylogger")
        .filter_pattern("\"Happy Face\"")
        .send()
        .await
        .unwrap();
    let messages: Vec<&str> = events.events().iter().filter_map(|e| e.message()).collect();
    assert!(
        messages
            .iter()
            .any(|m| m.starts_with("[INFO]\t") && m.contains(request_id)),
        "{messages:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the python engine: handlers/engines/python/build.sh"]
async fn raising_function_is_retried_twice_then_recorded_on_failure() {
    let server = common::start().await;
    let (s3, lambda) = (common::s3(&server), common::lambda(&server));
    create(
        &lambda,
        "pyfail",
        "lambda_function",
        "lambda_function.lambda_handler",
        &[],
        None,
    )
    .await;
    let dlq = "arn:aws:sqs:us-east-1:000000000000:py-failures";
    lambda
        .put_function_event_invoke_config()
        .function_name("pyfail")
        .destination_config(
            DestinationConfig::builder()
                .on_failure(OnFailure::builder().destination(dlq).build())
                .build(),
        )
        .send()
        .await
        .unwrap();
    s3.create_bucket().bucket("pyretries").send().await.unwrap();
    allow_s3(&lambda, "pyfail", None, "pyretries").await;
    notify_all_creates(&s3, "pyretries", &format!("{ARN}:pyfail")).await;
    s3.put_object()
        .bucket("pyretries")
        .key("fail/x.txt")
        .body(ByteStream::from_static(b"x"))
        .send()
        .await
        .unwrap();

    let traces = traces(&server, "pyretries").await;
    assert_eq!(traces.len(), 1, "{traces:#?}");
    assert_eq!(traces[0]["outcome"], "failed", "{:#}", traces[0]);
    let attempts = traces[0]["deliveries"][0]["attempts"].as_array().unwrap();
    assert_eq!(attempts.len(), 3, "{attempts:#?}");
    for attempt in attempts {
        assert_eq!(attempt["result"]["kind"], "functionError", "{attempt:#}");
        let log = attempt["logTail"].as_str().unwrap();
        assert!(
            log.contains(
                "[ERROR] ValueError: refusing fail/x.txt\rTraceback (most recent call last):\r"
            ),
            "{log:?}"
        );
    }
    let records = common::sim_get(&server, "/_s3lambda/destinations").await;
    let records = records["records"].as_array().unwrap();
    assert_eq!(records.len(), 1, "{records:#?}");
    assert_eq!(records[0]["destination"], dlq);
    let record = &records[0]["record"];
    assert_eq!(record["requestContext"]["condition"], "RetriesExhausted");
    assert_eq!(record["requestContext"]["approximateInvokeCount"], 3);
    assert_eq!(record["responseContext"]["functionError"], "Unhandled");
    assert_eq!(
        record["responsePayload"]["errorType"], "ValueError",
        "{record:#}"
    );
    assert_eq!(
        record["responsePayload"]["errorMessage"],
        "refusing fail/x.txt"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the python engine: handlers/engines/python/build.sh"]
async fn invoke_returns_results_context_and_environment() {
    let server = common::start().await;
    let lambda = common::lambda(&server);
    create(
        &lambda,
        "pyctx",
        "cases",
        "context_echo.handler",
        &[("GREETING", "hej")],
        Some(7),
    )
    .await;
    let (out, error, log) = invoke(&lambda, "pyctx", &json!({"n": 5})).await;
    assert_eq!(error, None, "{out:#} {log}");
    assert_eq!(out["event"], json!({"n": 5}));
    assert_eq!(out["function_name"], "pyctx");
    assert_eq!(out["function_version"], "$LATEST");
    assert_eq!(out["invoked_function_arn"], format!("{ARN}:pyctx"));
    // The runtime reads the memory size from the environment: a string.
    assert_eq!(out["memory_limit_in_mb"], "128");
    assert_eq!(out["memory_type"], "str");
    assert_eq!(out["log_group_name"], "/aws/lambda/pyctx");
    assert!(
        out["log_stream_name"]
            .as_str()
            .unwrap()
            .contains("[$LATEST]"),
        "{out:#}"
    );
    assert_eq!(out["identity"], json!([null, null]));
    assert_eq!(out["client_context"], Value::Null);
    let remaining = out["remaining_ms"].as_u64().unwrap();
    assert!(remaining > 0 && remaining <= 7000, "{remaining}");
    assert_eq!(out["cwd"], "/var/task");
    assert_eq!(out["handler_env"], "context_echo.handler");
    assert_eq!(out["task_root"], "/var/task");
    assert_eq!(out["greeting"], "hej");
    assert_eq!(out["region"], "us-east-1");
    let request_id = out["aws_request_id"].as_str().unwrap();
    // During the module's load (init) the request id is empty; in the handler it is set.
    assert!(
        logging_line(&log, "WARNING", "module loading").is_some_and(|(_, id)| id.is_empty()),
        "{log}"
    );
    assert!(
        logging_line(&log, "WARNING", "handling 5").is_some_and(|(_, id)| id == request_id),
        "{log}"
    );

    // simplejson's rules: Decimal as its text, named tuples as objects, non-ASCII kept.
    create(&lambda, "pyrich", "cases", "errors.rich_result", &[], None).await;
    let out = lambda
        .invoke()
        .function_name("pyrich")
        .send()
        .await
        .unwrap();
    assert_eq!(out.function_error(), None);
    let text = String::from_utf8(out.payload().unwrap().as_ref().to_vec()).unwrap();
    assert_eq!(
        text,
        r#"{"decimal": 1.10, "point": {"x": 1, "y": 2}, "tuple": [1, "two"], "text": "héllo ✓", "nan": NaN, "7": null}"#
    );

    create(&lambda, "pynone", "cases", "errors.returns_none", &[], None).await;
    let (out, error, log) = invoke(&lambda, "pynone", &json!({})).await;
    assert_eq!((out, error), (Value::Null, None));
    assert!(log.contains("nothing to return\n"), "{log}");

    create(
        &lambda,
        "pynested",
        "cases",
        "app/handlers/nested.handler",
        &[],
        None,
    )
    .await;
    let (out, error, _) = invoke(&lambda, "pynested", &json!({"word": "deep"})).await;
    assert_eq!((out, error), (json!("DEEP!"), None));

    create(
        &lambda,
        "pystdlib",
        "cases",
        "stdlib_tour.handler",
        &[],
        None,
    )
    .await;
    let (first, error, log) = invoke(&lambda, "pystdlib", &json!({})).await;
    assert_eq!(error, None, "{first:#} {log}");
    assert_eq!(
        first["sha256"],
        "06c270dcf9edeb6d92cc8eb6e3996170e1814eacc75f2fc984cd0bee4d1d0836"
    );
    assert_eq!(first["total"], "3.75");
    assert_eq!(first["quote"], "a+b%26c");
    assert_eq!(first["uuid_version"], 4);
    // Each instance draws its own random numbers (the build-time seed is not reused).
    let (second, _, _) = invoke(&lambda, "pystdlib", &json!({})).await;
    assert_ne!(first["random"], second["random"]);
}

/// The error document, function error and `[ERROR]` log record of a failing invocation.
async fn failure(lambda: &aws_sdk_lambda::Client, name: &str, handler: &str) -> (Value, String) {
    create(lambda, name, "cases", handler, &[], None).await;
    let (out, error, log) = invoke(lambda, name, &json!({"n": 2})).await;
    assert_eq!(error.as_deref(), Some("Unhandled"), "{out:#} {log}");
    (out, log)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the python engine: handlers/engines/python/build.sh"]
async fn errors_are_the_runtime_documents_and_records() {
    let server = common::start().await;
    let lambda = common::lambda(&server);
    let nbsp = '\u{a0}';

    let (out, log) = failure(&lambda, "pyraise", "errors.raise_value_error").await;
    assert_eq!(out["errorType"], "ValueError");
    assert_eq!(out["errorMessage"], "bad value: 2");
    assert!(
        out["requestId"].as_str().is_some_and(|id| !id.is_empty()),
        "{out:#}"
    );
    assert_eq!(
        out["stackTrace"],
        json!([
            "  File \"/var/task/errors.py\", line 10, in raise_value_error\n    return helper(event)\n",
            "  File \"/var/task/errors.py\", line 14, in helper\n    raise ValueError(\"bad value: \" + str(event.get(\"n\")))\n"
        ])
    );
    let record = format!(
        "[ERROR] ValueError: bad value: 2\rTraceback (most recent call last):\r\
         {nbsp}{nbsp}File \"/var/task/errors.py\", line 10, in raise_value_error\r\
         {nbsp}{nbsp}{nbsp}{nbsp}return helper(event)\r"
    );
    assert!(
        log.contains("about to fail\n") && log.contains(&record),
        "{log:?}"
    );

    let (out, log) = failure(&lambda, "pyunser", "errors.unserializable").await;
    assert_eq!(
        out,
        json!({"errorMessage": "Unable to marshal response: Object of type set is not JSON serializable",
               "errorType": "Runtime.MarshalError", "requestId": out["requestId"], "stackTrace": []})
    );
    assert!(log.contains("[ERROR] Runtime.MarshalError: Unable to marshal response: Object of type set is not JSON serializable\rTraceback (most recent call last):\n"), "{log:?}");

    let (out, log) = failure(&lambda, "pyimport", "import_error.handler").await;
    assert_eq!(out["errorType"], "Runtime.ImportModuleError");
    assert_eq!(
        out["errorMessage"],
        "Unable to import module 'import_error': No module named 'requests_that_do_not_exist'"
    );
    assert_eq!(out["stackTrace"], json!([]));
    assert!(
        log.contains("\t\tLAMBDA_WARNING: Unhandled exception."),
        "{log:?}"
    );
    assert!(log.contains("[ERROR] Runtime.ImportModuleError: Unable to import module 'import_error': No module named 'requests_that_do_not_exist'\rTraceback (most recent call last):\n"), "{log:?}");

    let (out, _) = failure(&lambda, "pynative", "native_user.handler").await;
    assert_eq!(out["errorType"], "Runtime.ImportModuleError");
    assert!(
        out["errorMessage"]
            .as_str()
            .unwrap()
            .contains("fastmath.cpython-312-x86_64-linux-gnu.so is a native extension"),
        "{out:#}"
    );

    let (out, _) = failure(&lambda, "pymissing", "errors.nowhere").await;
    assert_eq!(out["errorType"], "Runtime.HandlerNotFound");
    assert_eq!(
        out["errorMessage"],
        "Handler 'nowhere' missing on module 'errors'"
    );

    let (out, _) = failure(&lambda, "pymalformed", "errors").await;
    assert_eq!(out["errorType"], "Runtime.MalformedHandlerName");
    assert_eq!(
        out["errorMessage"],
        "Bad handler 'errors': not enough values to unpack (expected 2, got 1)"
    );

    let (out, log) = failure(&lambda, "pysyntax", "syntax_error.handler").await;
    assert_eq!(out["errorType"], "Runtime.UserCodeSyntaxError");
    assert_eq!(
        out["errorMessage"],
        "Syntax error in module 'syntax_error': expected ':' (syntax_error.py, line 1)"
    );
    assert_eq!(
        out["stackTrace"],
        json!(["  File \"/var/task/syntax_error.py\" Line 1\n    def handler(event, context)\n"])
    );
    assert!(
        log.contains("[ERROR] Runtime.UserCodeSyntaxError: "),
        "{log:?}"
    );

    let (out, log) = failure(&lambda, "pymodule", "module_error.handler").await;
    assert_eq!(out["errorType"], "RuntimeError");
    assert_eq!(out["errorMessage"], "failed while loading");
    let last = out["stackTrace"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .as_str()
        .unwrap();
    assert!(
        last.contains("/var/task/module_error.py\", line 2, in <module>"),
        "{out:#}"
    );
    assert!(
        log.starts_with("loading module_error\n") || log.contains("\nloading module_error\n"),
        "{log:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the python engine: handlers/engines/python/build.sh"]
async fn infinite_loop_is_stopped_at_timeout_with_its_output_kept() {
    let server = common::start().await;
    let lambda = common::lambda(&server);
    create(&lambda, "pyspin", "cases", "spin.handler", &[], Some(1)).await;
    let started = std::time::Instant::now();
    let (out, error, log) = invoke(&lambda, "pyspin", &json!({})).await;
    assert_eq!(error.as_deref(), Some("Unhandled"), "{out:#}");
    assert!(started.elapsed() < Duration::from_secs(30));
    assert!(
        out["errorMessage"]
            .as_str()
            .unwrap_or_default()
            .contains("Task timed out after 1.00 seconds"),
        "{out:#}"
    );
    assert!(log.contains("spinning\n"), "{log:?}");
}
