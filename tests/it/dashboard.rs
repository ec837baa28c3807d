//! The live dashboard (`/_s3lambda/ui`): its JSON views after the tutorial's wiring, the
//! server-sent event stream, what a signed caller of another account may see, and (ignored
//! unless Chromium is installed) the page itself in headless Chromium, driven over the
//! DevTools protocol by `tests/browser/dashboard.mjs`.

use std::io::{BufRead as _, Write as _};
use std::time::{Duration, SystemTime};

use aws_sdk_lambda::primitives::Blob;
use aws_sdk_lambda::types::FunctionCode;
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{Event, LambdaFunctionConfiguration, NotificationConfiguration};
use bytes::Bytes;
use http_body_util::{BodyExt as _, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use s3lambda::sim::Server;
use serde_json::Value;

use crate::common::{self, OTHER_KEY, OTHER_SECRET};
use crate::raw::{Payload, send, signed_s3};

const ROLE: &str = "arn:aws:iam::000000000000:role/lambda_basic_execution";
const PROD: &str = "arn:aws:lambda:us-east-1:000000000000:function:helloworld:PROD";

/// The steps of `s3lambda demo` (the versions-and-aliases tutorial, then the push model and
/// the cross-account denial), through the real SDK clients against `server`.
pub async fn tutorial(server: &Server) {
    let lambda = common::lambda(server);
    let code = |zip: Vec<u8>| FunctionCode::builder().zip_file(Blob::new(zip)).build();
    lambda
        .create_function()
        .function_name("helloworld")
        .role(ROLE)
        .handler("helloworld.handler")
        .code(code(crate::lambda_tutorial::helloworld_zip()))
        .send()
        .await
        .unwrap();
    let alias = |name: &'static str, version: String| {
        lambda
            .create_alias()
            .function_name("helloworld")
            .name(name)
            .function_version(version)
            .send()
    };
    alias("DEV", "$LATEST".into()).await.unwrap();
    let publish = || lambda.publish_version().function_name("helloworld").send();
    let v1 = publish().await.unwrap().version.unwrap();
    alias("BETA", v1.clone()).await.unwrap();
    alias("PROD", v1).await.unwrap();
    let v2_zip = s3lambda::lambda::package::zip_of(&[
        ("helloworld.wasm", s3lambda::runtime::handlers::HELLOWORLD),
        ("VERSION", b"2\n"),
    ]);
    lambda
        .update_function_code()
        .function_name("helloworld")
        .zip_file(Blob::new(v2_zip))
        .send()
        .await
        .unwrap();
    let v2 = publish().await.unwrap().version.unwrap();
    lambda
        .update_alias()
        .function_name("helloworld")
        .name("BETA")
        .function_version(v2)
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
    let s3 = common::s3(server);
    s3.create_bucket()
        .bucket("examplebucket")
        .send()
        .await
        .unwrap();
    s3.put_bucket_notification_configuration()
        .bucket("examplebucket")
        .notification_configuration(to_prod())
        .send()
        .await
        .unwrap();
    put(&s3, "examplebucket", "HappyFace.jpg").await;
    let other = common::s3_with(server, OTHER_KEY, OTHER_SECRET, common::Addressing::Path);
    other
        .create_bucket()
        .bucket("otherbucket")
        .send()
        .await
        .unwrap();
    let refused = other
        .put_bucket_notification_configuration()
        .bucket("otherbucket")
        .notification_configuration(to_prod())
        .send()
        .await
        .expect_err("S3 refuses a destination it may not invoke");
    assert_eq!(common::code(&refused), "InvalidArgument");
    other
        .put_bucket_notification_configuration()
        .bucket("otherbucket")
        .notification_configuration(to_prod())
        .skip_destination_validation(true)
        .send()
        .await
        .unwrap();
    put(&other, "otherbucket", "HappyFace.jpg").await;
    common::wait_idle(server).await;
}

fn to_prod() -> NotificationConfiguration {
    NotificationConfiguration::builder()
        .lambda_function_configurations(
            LambdaFunctionConfiguration::builder()
                .id("to-prod")
                .lambda_function_arn(PROD)
                .events(Event::from("s3:ObjectCreated:*"))
                .build()
                .unwrap(),
        )
        .build()
}

async fn put(s3: &aws_sdk_s3::Client, bucket: &str, key: &str) {
    s3.put_object()
        .bucket(bucket)
        .key(key)
        .body(ByteStream::from_static(br#"{"key1":"from s3"}"#))
        .send()
        .await
        .unwrap();
}

/// The one configuration of `bucket` in an account's wiring.
fn flow<'a>(wiring: &'a Value, account: &str, bucket: &str) -> &'a Value {
    let account = wiring["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["account"] == account)
        .unwrap_or_else(|| panic!("account {account} in {wiring}"));
    let bucket = account["buckets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["name"] == bucket)
        .unwrap_or_else(|| panic!("bucket {bucket} in {account}"));
    &bucket["configurations"][0]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_wiring_shows_the_tutorial_allowed_and_the_other_accounts_bucket_denied() {
    let server = common::start().await;
    tutorial(&server).await;
    let wiring = common::sim_get(&server, "/_s3lambda/wiring").await;

    let allowed = flow(&wiring, "000000000000", "examplebucket");
    assert_eq!(allowed["id"], "to-prod");
    assert_eq!(allowed["events"][0], "s3:ObjectCreated:*");
    assert_eq!(allowed["target"], PROD);
    let function = &allowed["function"];
    assert_eq!(function["name"], "helloworld");
    assert_eq!(
        (&function["qualifierKind"], &function["qualifier"]),
        (&Value::from("alias"), &Value::from("PROD"))
    );
    assert_eq!(function["routes"][0]["version"], "1", "PROD -> 1");
    assert_eq!(function["routes"][0]["weight"], 1.0);
    assert_eq!(function["policyScope"], "helloworld:PROD");
    assert_eq!(function["statements"][0]["sid"], "1");
    assert_eq!(function["statements"][0]["allows"], true);
    assert_eq!(allowed["access"]["verdict"], "allowed");
    assert_eq!(allowed["access"]["statement"], "1");
    assert_eq!(
        allowed["access"]["reason"],
        "allowed by statement \"1\" of the policy of helloworld:PROD"
    );

    let denied = flow(&wiring, common::OTHER_ACCOUNT, "otherbucket");
    assert_eq!(denied["access"]["verdict"], "denied");
    let reason = denied["access"]["reason"].as_str().unwrap();
    assert!(
        reason.contains("AWS:SourceAccount") || reason.contains("AWS:SourceArn"),
        "{reason}"
    );
    assert_eq!(denied["function"]["statements"][0]["allows"], false);

    // What the delivery said is what the graph says: the same authorizer decided both.
    let traces = common::sim_get(&server, "/_s3lambda/traces?bucket=otherbucket").await;
    assert_eq!(traces["traces"][0]["outcome"], "denied");
    assert_eq!(
        traces["traces"][0]["deliveries"][0]["policy"]["reason"],
        reason
    );

    let functions = common::sim_get(&server, "/_s3lambda/functions").await;
    let panel = &functions["functions"][0];
    assert_eq!(panel["name"], "helloworld");
    let versions: Vec<&str> = panel["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["version"].as_str().unwrap())
        .collect();
    assert_eq!(versions, ["$LATEST", "1", "2"]);
    let aliases: Vec<(&str, &str)> = panel["aliases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["name"].as_str().unwrap(),
                a["functionVersion"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(aliases, [("BETA", "2"), ("DEV", "$LATEST"), ("PROD", "1")]);
    assert_eq!(panel["latency"]["count"], 1, "one delivered event");
    assert!(panel["latency"]["p50Ms"].as_f64().unwrap() > 0.0);
    assert!(
        panel["recent"][0]["log"]
            .as_str()
            .unwrap()
            .contains("Version: 1"),
        "{panel}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_signed_caller_sees_its_own_wiring_and_not_the_other_accounts_function() {
    let server = common::start().await;
    tutorial(&server).await;
    let url = format!("{}/_s3lambda/wiring", server.endpoint());
    let request = signed_s3(
        "GET",
        &url,
        &[],
        Bytes::new(),
        Payload::Sha256Of(b""),
        (OTHER_KEY, OTHER_SECRET),
        SystemTime::now(),
    );
    let reply = send(request).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let wiring: Value = serde_json::from_str(&reply.body).unwrap();
    let accounts = wiring["accounts"].as_array().unwrap();
    assert_eq!(accounts.len(), 1, "only its own account: {wiring}");
    let denied = flow(&wiring, common::OTHER_ACCOUNT, "otherbucket");
    assert_eq!(denied["access"]["verdict"], "denied");
    assert!(denied["access"].get("reason").is_none(), "{denied}");
    let function = &denied["function"];
    assert_eq!(function["visible"], false);
    assert_eq!(function["statements"], Value::Array(Vec::new()));
    assert_eq!(function["routes"], Value::Array(Vec::new()));
    let url = format!("{}/_s3lambda/functions", server.endpoint());
    let request = signed_s3(
        "GET",
        &url,
        &[],
        Bytes::new(),
        Payload::Sha256Of(b""),
        (OTHER_KEY, OTHER_SECRET),
        SystemTime::now(),
    );
    let reply = send(request).await;
    let functions: Value = serde_json::from_str(&reply.body).unwrap();
    assert_eq!(
        functions["functions"],
        Value::Array(Vec::new()),
        "none of its own"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_browser_opening_the_endpoint_gets_the_dashboard_page() {
    let server = common::start().await;
    let request = http::Request::get(format!("{}/", server.endpoint()))
        .header("accept", "text/html,application/xhtml+xml")
        .body(Bytes::new())
        .unwrap();
    let reply = send(request).await;
    assert_eq!(reply.status, 303);
    assert_eq!(reply.headers["location"], "/_s3lambda/ui");
    let request = http::Request::get(format!("{}/_s3lambda/ui", server.endpoint()))
        .body(Bytes::new())
        .unwrap();
    let page = send(request).await;
    assert_eq!(page.status, 200);
    assert!(
        page.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert!(page.body.contains("/_s3lambda/ui/app.js"));
    for asset in [
        "app.js",
        "graph.js",
        "events.js",
        "functions.js",
        "dom.js",
        "app.css",
    ] {
        let request = http::Request::get(format!("{}/_s3lambda/ui/{asset}", server.endpoint()))
            .body(Bytes::new())
            .unwrap();
        assert_eq!(send(request).await.status, 200, "{asset}");
    }
    // An unsigned GET / that is not a browser's is still S3's (and refused as anonymous).
    let request = http::Request::get(format!("{}/", server.endpoint()))
        .body(Bytes::new())
        .unwrap();
    assert_eq!(send(request).await.status, 403);
}

/// Reads server-sent events until `done` accepts one (panics after 30 s).
async fn read_events(
    body: &mut hyper::body::Incoming,
    buffer: &mut String,
    mut done: impl FnMut(&str, &str) -> bool,
) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        while let Some(end) = buffer.find("\n\n") {
            let event: String = buffer.drain(..end + 2).collect();
            let kind = event
                .lines()
                .find_map(|l| l.strip_prefix("event: "))
                .unwrap_or_default();
            let data = event
                .lines()
                .find_map(|l| l.strip_prefix("data: "))
                .unwrap_or_default();
            if done(kind, data) {
                return;
            }
        }
        let frame = tokio::time::timeout_at(deadline, body.frame())
            .await
            .expect("an event within 30 s")
            .expect("the stream is open")
            .expect("a frame");
        if let Ok(data) = frame.into_data() {
            buffer.push_str(std::str::from_utf8(&data).unwrap());
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_event_stream_sends_recent_traces_then_each_new_put_as_it_happens() {
    let server = common::start().await;
    tutorial(&server).await;
    let client = Client::builder(TokioExecutor::new()).build_http::<Full<Bytes>>();
    let request = http::Request::get(format!("{}/_s3lambda/events", server.endpoint()))
        .body(Full::new(Bytes::new()))
        .unwrap();
    let response = client.request(request).await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "text/event-stream");
    let mut body = response.into_body();
    let mut buffer = String::new();
    let mut backlog = Vec::new();
    read_events(&mut body, &mut buffer, |kind, data| {
        if kind == "trace" {
            let trace: Value = serde_json::from_str(data).unwrap();
            backlog.push((
                trace["source"]["bucket"].as_str().unwrap().to_owned(),
                trace["outcome"]
                    .as_str()
                    .unwrap_or("not matched")
                    .to_owned(),
            ));
        }
        kind == "ready"
    })
    .await;
    assert_eq!(
        backlog,
        [
            ("examplebucket".to_owned(), "delivered".to_owned()),
            ("otherbucket".to_owned(), "denied".to_owned())
        ],
        "the recent traces, oldest first"
    );

    put(&common::s3(&server), "examplebucket", "live.jpg").await;
    let mut seen = Vec::new();
    read_events(&mut body, &mut buffer, |kind, data| {
        let trace: Value = serde_json::from_str(data).unwrap_or_default();
        if kind == "trace" && trace["source"]["key"] == "live.jpg" {
            let outcome = trace["outcome"].as_str().unwrap_or_default().to_owned();
            seen.push(outcome.clone());
            return outcome == "delivered";
        }
        false
    })
    .await;
    assert_eq!(
        seen.last().map(String::as_str),
        Some("delivered"),
        "{seen:?}"
    );

    // Shutting the server down ends the stream instead of waiting for it.
    let started = std::time::Instant::now();
    server.shutdown().await;
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}

/// The dashboard in headless Chromium: the tutorial's wiring in the graph, the denied
/// event's reason in its trace, a new PUT in the stream without a reload. Screenshots go to
/// `$S3LAMBDA_SCREENSHOTS` when it is set.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs chromium and `npm ci` in tests/browser"]
async fn the_dashboard_in_headless_chromium() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let driver = root.join("tests/browser");
    assert!(
        driver.join("node_modules/playwright-core").is_dir(),
        "run `npm ci` in tests/browser first"
    );
    let server = common::start().await;
    tutorial(&server).await;
    let mut child = std::process::Command::new("node")
        .arg(driver.join("dashboard.mjs"))
        .arg(server.endpoint())
        .current_dir(&driver)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::inherit())
        .spawn()
        .expect("node runs");
    let stdout = child.stdout.take().unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let (tx, mut lines) = tokio::sync::mpsc::unbounded_channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut checks = Vec::new();
    loop {
        let line = tokio::time::timeout(Duration::from_mins(2), lines.recv())
            .await
            .expect("the driver reports within 2 minutes");
        let Some(line) = line else { break };
        println!("browser: {line}");
        if line == "READY_FOR_PUT" {
            put(&common::s3(&server), "examplebucket", "live-put.jpg").await;
            writeln!(stdin, "PUT live-put.jpg").unwrap();
            stdin.flush().unwrap();
        } else if let Some(check) = line.strip_prefix("ok - ") {
            checks.push(check.to_owned());
        }
    }
    let status = tokio::task::spawn_blocking(move || child.wait())
        .await
        .unwrap()
        .unwrap();
    assert!(
        status.success(),
        "the browser driver failed: {status}; passed: {checks:?}"
    );
    for expected in [
        "the graph shows the tutorial's wiring",
        "the denied event's trace names the failed condition",
        "a new PUT appears in the stream without a reload",
    ] {
        assert!(
            checks.iter().any(|c| c == expected),
            "{expected}: {checks:?}"
        );
    }
}
