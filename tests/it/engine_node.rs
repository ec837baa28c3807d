//! Node.js functions through the server: the fixtures of `fixtures/functions/node/` zipped
//! as a user would, created with `--runtime nodejs20.x`, run by the Node.js engine
//! (`handlers/engines/node/build.sh` must have built it), invoked through aws-sdk-lambda and
//! through an S3 notification, with Lambda's responses, error documents and log lines.

use std::path::Path;
use std::time::{Duration, Instant};

use aws_sdk_lambda::primitives::Blob;
use aws_sdk_lambda::types::{Environment, FunctionCode, LogType, Runtime as SdkRuntime, State};
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{Event, LambdaFunctionConfiguration, NotificationConfiguration};
use base64::Engine as _;
use serde_json::{Value, json};

use crate::common;

const ROLE: &str = "arn:aws:iam::000000000000:role/lambda_basic_execution";
const ARN: &str = "arn:aws:lambda:us-east-1:000000000000:function";

/// A zip of every file under `fixtures/functions/node/<dir>`, paths relative to it.
fn fixture_zip(dir: &str) -> Vec<u8> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/functions/node")
        .join(dir);
    let mut files = Vec::new();
    let mut stack = vec![root.clone()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).expect("fixture dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let rel = path
                    .strip_prefix(&root)
                    .expect("inside")
                    .to_string_lossy()
                    .replace('\\', "/");
                files.push((rel, std::fs::read(&path).expect("read")));
            }
        }
    }
    files.sort();
    let entries: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(n, b)| (n.as_str(), b.as_slice()))
        .collect();
    s3lambda::lambda::package::zip_of(&entries)
}

/// Creates `name` from the fixture `dir` with `handler`, then waits until it is Active.
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
        .runtime(SdkRuntime::Nodejs20x)
        .role(ROLE)
        .handler(handler)
        // Generous by default: the first invocations on a loaded 2-core CI machine can be slow.
        .timeout(timeout.unwrap_or(30))
        .environment(vars.build())
        .code(
            FunctionCode::builder()
                .zip_file(Blob::new(fixture_zip(dir)))
                .build(),
        )
        .send()
        .await
        .unwrap_or_else(|e| panic!("create {name}: {e:?}"));
    let started = Instant::now();
    loop {
        let conf = lambda
            .get_function_configuration()
            .function_name(name)
            .send()
            .await
            .unwrap();
        match conf.state() {
            Some(State::Active) => return,
            Some(State::Failed) => panic!("{name} failed: {:?}", conf.state_reason()),
            _ => {}
        }
        assert!(
            started.elapsed() < Duration::from_mins(5),
            "{name} not Active"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Invokes `name` with the log tail: (function error, payload, log).
async fn invoke(
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
        .unwrap_or_else(|e| panic!("invoke {name}: {e:?}"));
    let tail = base64::engine::general_purpose::STANDARD
        .decode(out.log_result().unwrap_or_default())
        .unwrap();
    (
        out.function_error().map(str::to_owned),
        String::from_utf8_lossy(out.payload().map_or(&[][..], Blob::as_ref)).into_owned(),
        String::from_utf8(tail).unwrap(),
    )
}

fn parse(payload: &str) -> Value {
    serde_json::from_str(payload).unwrap_or_else(|e| panic!("{e}: {payload}"))
}

/// The log lines the handler wrote (START/END/REPORT left out), split on tabs.
fn lines(log: &str) -> Vec<Vec<String>> {
    log.lines()
        .filter(|l| !l.starts_with("START ") && !l.starts_with("END ") && !l.starts_with("REPORT "))
        .map(|l| l.split('\t').map(str::to_owned).collect())
        .collect()
}

/// Whether `s` is an ISO-8601 UTC time with milliseconds, as `Date.toISOString` writes.
fn is_iso_time(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 24
        && b[4] == b'-'
        && b[7] == b'-'
        && b[10] == b'T'
        && b[13] == b':'
        && b[16] == b':'
        && b[19] == b'.'
        && b[23] == b'Z'
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the node engine: handlers/engines/node/build.sh"]
async fn tutorial_helloworld_runs_verbatim_and_logs_as_lambda() {
    let server = common::start().await;
    let lambda = common::lambda(&server);
    create(
        &lambda,
        "helloworld",
        "helloworld",
        "helloworld.handler",
        &[],
        None,
    )
    .await;
    let event = r#"{"key1":"value1","key2":"value2","key3":"value3"}"#;
    let (error, payload, log) = invoke(&lambda, "helloworld", event).await;
    assert_eq!(error, None, "{payload}\n{log}");
    assert_eq!(payload, r#""message""#);
    let lines = lines(&log);
    let request_id = log
        .lines()
        .find_map(|l| l.strip_prefix("START RequestId: "))
        .and_then(|l| l.split_whitespace().next())
        .expect("START line")
        .to_owned();
    // Module load output: request id `undefined`, as Lambda prints it during init.
    let loading = lines
        .iter()
        .find(|l| l.last().is_some_and(|m| m == "Loading function"))
        .unwrap_or_else(|| panic!("{log}"));
    assert!(is_iso_time(&loading[0]), "{loading:?}");
    assert_eq!(loading[1..], ["undefined", "INFO", "Loading function"]);
    for (n, value) in [(1, "value1"), (2, "value2"), (3, "value3")] {
        let want = format!("value{n} = {value}");
        let line = lines
            .iter()
            .find(|l| l.last() == Some(&want))
            .unwrap_or_else(|| panic!("no {want:?} in {log}"));
        assert!(is_iso_time(&line[0]), "{line:?}");
        assert_eq!(line[1], request_id);
        assert_eq!(line[2], "INFO");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the node engine: handlers/engines/node/build.sh"]
async fn tutorial_wiring_delivers_an_s3_event_to_the_node_function() {
    let server = common::start().await;
    let lambda = common::lambda(&server);
    let s3 = common::s3(&server);
    create(
        &lambda,
        "helloworld",
        "helloworld",
        "helloworld.handler",
        &[],
        None,
    )
    .await;
    lambda
        .publish_version()
        .function_name("helloworld")
        .send()
        .await
        .unwrap();
    lambda
        .create_alias()
        .function_name("helloworld")
        .name("PROD")
        .function_version("1")
        .send()
        .await
        .unwrap();
    lambda
        .add_permission()
        .function_name("helloworld")
        .qualifier("PROD")
        .statement_id("1")
        .action("lambda:InvokeFunction")
        .principal("s3.amazonaws.com")
        .source_arn("arn:aws:s3:::examplebucket")
        .source_account("000000000000")
        .send()
        .await
        .unwrap();
    s3.create_bucket()
        .bucket("examplebucket")
        .send()
        .await
        .unwrap();
    let config = NotificationConfiguration::builder()
        .lambda_function_configurations(
            LambdaFunctionConfiguration::builder()
                .lambda_function_arn(format!("{ARN}:helloworld:PROD"))
                .events(Event::S3ObjectCreated)
                .build()
                .unwrap(),
        )
        .build();
    s3.put_bucket_notification_configuration()
        .bucket("examplebucket")
        .notification_configuration(config)
        .send()
        .await
        .unwrap();
    s3.put_object()
        .bucket("examplebucket")
        .key("HappyFace.jpg")
        .body(ByteStream::from_static(b"hello"))
        .send()
        .await
        .unwrap();

    common::wait_idle(&server).await;
    let found = common::sim_get(&server, "/_s3lambda/traces?bucket=examplebucket").await;
    let traces = found["traces"].as_array().cloned().unwrap_or_default();
    assert_eq!(traces.len(), 1, "{found:#}");
    let delivery = &traces[0]["deliveries"][0];
    assert_eq!(traces[0]["outcome"], "delivered", "{found:#}");
    assert_eq!(delivery["resolvedVersion"], "1");
    let log = delivery["attempts"][0]["logTail"].as_str().unwrap();
    // The S3 event has no key1..key3: the function logs what it finds.
    assert!(log.contains("\tINFO\tvalue1 = undefined"), "{log}");
    assert!(log.contains("\tundefined\tINFO\tLoading function"), "{log}");

    let events = common::logs(&server)
        .filter_log_events()
        .log_group_name("/aws/lambda/helloworld")
        .filter_pattern("\"value1 = \"")
        .send()
        .await
        .unwrap();
    assert_eq!(events.events().len(), 1, "{events:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the node engine: handlers/engines/node/build.sh"]
async fn errors_are_lambdas_documents_and_log_lines() {
    let server = common::start().await;
    let lambda = common::lambda(&server);
    let cases: &[(&str, &str, &str)] = &[
        ("throw-sync", "errors", "index.throwSync"),
        ("reject", "errors", "index.rejectAsync"),
        ("callback-error", "errors", "index.callbackError"),
        ("callback-string", "errors", "index.callbackString"),
        ("not-exported", "errors", "index.missing"),
        ("not-a-function", "errors", "index.notAFunction"),
        ("bad-handler", "errors", "index"),
        ("no-module", "errors", "nofile.handler"),
        ("missing-package", "importerror", "index.handler"),
        ("missing-builtin", "importerror", "builtin.handler"),
        ("syntax", "importerror", "syntax.handler"),
        ("never-settles", "errors", "index.neverSettles"),
    ];
    for (name, dir, handler) in cases {
        create(&lambda, name, dir, handler, &[], None).await;
    }
    let run = |name: &'static str| {
        let lambda = lambda.clone();
        async move {
            let (error, payload, log) = invoke(&lambda, name, r#"{"key":"k"}"#).await;
            assert_eq!(
                error.as_deref(),
                Some("Unhandled"),
                "{name}: {payload}\n{log}"
            );
            (parse(&payload), log)
        }
    };

    let (doc, log) = run("throw-sync").await;
    assert_eq!(doc["errorType"], "Error");
    assert_eq!(doc["errorMessage"], "boom: k");
    assert_eq!(doc["trace"][0], "Error: boom: k");
    assert!(
        doc["trace"][1]
            .as_str()
            .unwrap()
            .contains("(/var/task/index.js:12:"),
        "{doc}"
    );
    assert_eq!(
        doc.as_object().unwrap().keys().collect::<Vec<_>>(),
        ["errorMessage", "errorType", "trace"]
    );
    let line = lines(&log)
        .into_iter()
        .find(|l| l.get(2).is_some_and(|lvl| lvl == "ERROR"))
        .unwrap_or_else(|| panic!("{log}"));
    assert_eq!(line[3], "Invoke Error ");
    let logged = parse(&line[4]);
    assert_eq!(logged["errorType"], "Error");
    assert_eq!(logged["errorMessage"], "boom: k");
    assert_eq!(logged["stack"][0], "Error: boom: k");

    let (doc, _) = run("reject").await;
    assert_eq!(doc["errorType"], "TypeError");

    let (doc, log) = run("callback-error").await;
    assert_eq!(doc["errorType"], "ValidationError");
    assert_eq!(doc["errorMessage"], "bad input");
    assert!(log.contains(r#""field":"key1""#), "{log}");

    let (doc, _) = run("callback-string").await;
    assert_eq!(
        doc,
        json!({"errorType": "string", "errorMessage": "plain failure", "trace": []})
    );

    let (doc, log) = run("not-exported").await;
    assert_eq!(doc["errorType"], "Runtime.HandlerNotFound");
    assert_eq!(
        doc["errorMessage"],
        "index.missing is undefined or not exported"
    );
    assert!(
        log.contains(
            "\tundefined\tERROR\tUncaught Exception \t{\"errorType\":\"Runtime.HandlerNotFound\""
        ),
        "{log}"
    );

    let (doc, _) = run("not-a-function").await;
    assert_eq!(doc["errorMessage"], "index.notAFunction is not a function");

    let (doc, _) = run("bad-handler").await;
    assert_eq!(doc["errorType"], "Runtime.MalformedHandlerName");
    assert_eq!(doc["errorMessage"], "Bad handler");

    let (doc, _) = run("no-module").await;
    assert_eq!(doc["errorType"], "Runtime.ImportModuleError");
    assert_eq!(
        doc["errorMessage"],
        "Error: Cannot find module 'nofile'\nRequire stack:\n- /var/runtime/index.mjs"
    );

    let (doc, _) = run("missing-package").await;
    assert_eq!(doc["errorType"], "Runtime.ImportModuleError");
    assert_eq!(
        doc["errorMessage"],
        "Error: Cannot find module 'left-pad'\nRequire stack:\n- /var/task/index.js\n- /var/runtime/index.mjs"
    );

    let (doc, log) = run("missing-builtin").await;
    assert_eq!(doc["errorType"], "Runtime.ImportModuleError");
    let message = doc["errorMessage"].as_str().unwrap();
    assert!(
        message.starts_with("Error: Cannot find module 'fs': s3lambda's Node.js engine does not provide this built-in module"),
        "{message}"
    );
    assert!(log.contains("Cannot find module 'fs'"), "{log}");

    let (doc, _) = run("syntax").await;
    assert_eq!(doc["errorType"], "Runtime.UserCodeSyntaxError");
    assert!(
        doc["errorMessage"]
            .as_str()
            .unwrap()
            .starts_with("SyntaxError: "),
        "{doc}"
    );

    let (doc, _) = run("never-settles").await;
    assert_eq!(doc["errorType"], "Runtime.NodeJsExit");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the node engine: handlers/engines/node/build.sh"]
async fn callbacks_promises_and_the_event_loop() {
    let server = common::start().await;
    let lambda = common::lambda(&server);
    let cases: &[(&str, &str)] = &[
        ("async-fn", "index.asyncHandler"),
        ("promise", "index.promiseHandler"),
        ("succeed", "index.succeed"),
        ("done", "index.done"),
        ("no-result", "index.noResult"),
        ("waits", "index.waitsForTimers"),
        ("no-wait", "index.doesNotWait"),
        ("first-call", "index.firstCallWins"),
    ];
    for (name, handler) in cases {
        create(&lambda, name, "async", handler, &[], None).await;
    }
    let ok = |name: &'static str| {
        let lambda = lambda.clone();
        async move {
            let (error, payload, log) = invoke(&lambda, name, r#"{"n":21}"#).await;
            assert_eq!(error, None, "{name}: {payload}\n{log}");
            (parse(&payload), log)
        }
    };
    assert_eq!(
        ok("async-fn").await.0,
        json!({"doubled": 42, "nested": {"ok": true}})
    );
    assert_eq!(ok("promise").await.0, json!("promised 21"));
    assert_eq!(ok("succeed").await.0, json!({"via": "succeed"}));
    assert_eq!(ok("done").await.0, json!("via done"));
    let (result, log) = ok("no-result").await;
    assert_eq!(result, Value::Null);
    assert!(log.contains("\tINFO\treturns nothing"), "{log}");
    let (result, log) = ok("waits").await;
    assert_eq!(result, json!("after the loop emptied"));
    assert!(log.contains("timer ran before the response"), "{log}");
    let (result, log) = ok("no-wait").await;
    assert_eq!(result, json!("right away"));
    assert!(!log.contains("this timer never runs"), "{log}");
    assert_eq!(ok("first-call").await.0, json!("first"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the node engine: handlers/engines/node/build.sh"]
async fn modules_context_environment_and_log_format() {
    let server = common::start().await;
    let lambda = common::lambda(&server);
    create(
        &lambda,
        "nested",
        "nested",
        "src/lib/app.handler",
        &[],
        None,
    )
    .await;
    create(&lambda, "esm", "esm", "index.handler", &[], None).await;
    create(&lambda, "esm-type", "esm-type", "app.handler", &[], None).await;
    create(&lambda, "cjs", "cjs", "app.handler", &[], None).await;
    create(
        &lambda,
        "context",
        "context",
        "index.handler",
        &[("GREETING", "hi")],
        None,
    )
    .await;
    create(&lambda, "logging", "logging", "index.handler", &[], None).await;

    let (error, payload, log) = invoke(&lambda, "nested", r#"{"name":"ann"}"#).await;
    assert_eq!(error, None, "{payload}\n{log}");
    assert_eq!(
        parse(&payload),
        json!({"greeting": "hello, ANN", "version": "1.2.3",
               "formatted": "list has 3 items {\"a\":1}", "file": "app.js",
               "dir": "/var/task/src/lib"})
    );

    let (error, payload, log) = invoke(&lambda, "esm", r#"{"n":4}"#).await;
    assert_eq!(error, None, "{payload}\n{log}");
    assert_eq!(
        parse(&payload),
        json!({"product": 12, "square": 16, "counter": 1, "legacy": "legacy-cjs",
               "tag": "cjs-tag", "text": "n=4"})
    );
    assert!(
        log.contains("\tundefined\tINFO\tloaded file:///var/task/index.mjs"),
        "{log}"
    );
    let (error, payload, _) = invoke(&lambda, "esm-type", "{}").await;
    assert_eq!(error, None, "{payload}");
    assert_eq!(parse(&payload)["esm"], true);
    let (error, payload, _) = invoke(&lambda, "cjs", r#"{"a":1}"#).await;
    assert_eq!(error, None, "{payload}");
    assert_eq!(parse(&payload), json!({"cjs": true, "got": {"a": 1}}));

    let (error, payload, log) = invoke(&lambda, "context", r#"{"a":1}"#).await;
    assert_eq!(error, None, "{payload}\n{log}");
    let ctx = parse(&payload);
    let request_id = log
        .lines()
        .find_map(|l| l.strip_prefix("START RequestId: "))
        .and_then(|l| l.split_whitespace().next())
        .unwrap();
    assert_eq!(ctx["awsRequestId"], request_id);
    assert_eq!(ctx["functionName"], "context");
    assert_eq!(ctx["functionVersion"], "$LATEST");
    assert_eq!(ctx["invokedFunctionArn"], format!("{ARN}:context"));
    assert_eq!(ctx["memoryLimitInMB"], "128");
    assert_eq!(ctx["logGroupName"], "/aws/lambda/context");
    assert!(ctx["logStreamName"].as_str().is_some_and(|s| !s.is_empty()));
    assert_eq!(ctx["callbackWaitsForEmptyEventLoop"], true);
    assert_eq!(ctx["remainingPositive"], true);
    assert_eq!(ctx["env"]["handler"], "index.handler");
    assert_eq!(ctx["env"]["taskRoot"], "/var/task");
    assert_eq!(ctx["env"]["functionName"], "context");
    assert_eq!(ctx["env"]["greeting"], "hi");
    assert_eq!(ctx["event"], json!({"a": 1}));

    let (error, payload, log) = invoke(&lambda, "logging", r#"{"bucket":"b"}"#).await;
    assert_eq!(error, None, "{payload}\n{log}");
    let lines = lines(&log);
    let message = |level: &str| -> Vec<String> {
        lines
            .iter()
            .filter(|l| l.get(2).is_some_and(|x| x == level))
            .map(|l| l[3..].join("\t"))
            .collect()
    };
    assert!(
        message("INFO").contains(&"plain text and 42".to_owned()),
        "{log}"
    );
    assert!(
        message("INFO").contains(
            &"{\r  bucket: 'b',\r  keys: [ 1, 2, 3 ],\r  nested: { deep: { deeper: [Object] } }\r}"
                .to_owned()
        ),
        "{log}"
    );
    assert!(
        message("INFO").contains(&"line one\rline two".to_owned()),
        "{log}"
    );
    assert_eq!(message("WARN"), ["a warning"]);
    assert_eq!(message("DEBUG"), ["debug {\"a\":[1,\"two\"]}"]);
    assert_eq!(message("TRACE"), ["trace line"]);
    let error_line = &message("ERROR")[0];
    assert!(
        error_line.starts_with("an error Error: logged, not thrown\r    at "),
        "{error_line}"
    );
    assert!(log.lines().any(|l| l == "raw stdout"), "{log}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the node engine: handlers/engines/node/build.sh"]
async fn an_infinite_loop_stops_at_timeout_with_its_output_kept() {
    let server = common::start().await;
    let lambda = common::lambda(&server);
    create(&lambda, "spin", "spin", "index.handler", &[], Some(2)).await;
    let (error, payload, log) = invoke(&lambda, "spin", "{}").await;
    assert_eq!(error.as_deref(), Some("Unhandled"), "{payload}\n{log}");
    assert!(
        payload.contains("Task timed out after 2.00 seconds"),
        "{payload}"
    );
    assert!(log.contains("\tINFO\tbefore the loop"), "{log}");
}
