//! Operating the server: `serve --port 0 --ready-json` says where it listens, the health API
//! says it is ready, `/_s3lambda/metrics` counts what flows (read back with a line reader
//! here, and with Python's `prometheus_client` parsers in an ignored test), and the README's
//! `serve & bench --server-pid $!` one-liner works on the first try and leaves nothing behind.

// Sample values are whole counts, exactly representable.
#![allow(clippy::float_cmp)]

use std::collections::BTreeMap;
use std::io::{BufRead as _, BufReader, Write as _};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, SystemTime};

use aws_sdk_s3::primitives::ByteStream;
use serde_json::Value;

use crate::common;
use crate::raw;

const BIN: &str = env!("CARGO_BIN_EXE_s3lambda");

/// Kills a child process when the test ends.
struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

async fn get(url: &str, headers: &[(&str, &str)]) -> raw::Reply {
    let mut request = http::Request::builder().uri(url);
    for (k, v) in headers {
        request = request.header(*k, *v);
    }
    raw::send(request.body(bytes::Bytes::new()).expect("request")).await
}

/// `serve --port 0 --ready-json` prints one JSON line with the port it bound; that address
/// answers the health API as ready.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_on_port_0_prints_where_it_listens() {
    let mut child = Killed(
        Command::new(BIN)
            .args(["--log", "warn", "serve", "--port", "0", "--ready-json"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("serve starts"),
    );
    let stdout = child.0.stdout.take().expect("stdout");
    let line = tokio::task::spawn_blocking(move || {
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).map(|_| line)
    });
    let line = tokio::time::timeout(Duration::from_mins(1), line)
        .await
        .expect("a ready line within 60 s")
        .unwrap()
        .unwrap();
    let ready: Value = serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}: {line:?}"));
    assert_eq!(ready["ready"], true, "{ready}");
    let port = ready["port"].as_u64().expect("port");
    assert_ne!(port, 0, "{ready}");
    assert_eq!(ready["endpoint"], format!("http://127.0.0.1:{port}"));
    assert_eq!(ready["pid"], child.0.id());
    let health = get(&format!("http://127.0.0.1:{port}/_s3lambda/health"), &[]).await;
    assert_eq!(health.status, 200, "{}", health.body);
    let health: Value = serde_json::from_str(&health.body).unwrap();
    assert_eq!(health["ready"], true, "{health}");
    assert_eq!(health["status"], "running", "{health}");
}

/// Once shutdown began, the health API says so with a 503 (a load balancer or `bench` stops
/// sending work there).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_says_draining_once_shutdown_began() {
    let server = common::start().await;
    let url = format!("{}/_s3lambda/health", server.endpoint());
    assert_eq!(get(&url, &[]).await.status, 200);
    server.simulator().begin_shutdown();
    let draining = get(&url, &[]).await;
    assert_eq!(draining.status, 503, "{}", draining.body);
    let body: Value = serde_json::from_str(&draining.body).unwrap();
    assert_eq!(body["status"], "draining", "{body}");
    assert_eq!(body["ready"], false, "{body}");
}

/// The text form of the ready line, without `--ready-json`.
#[test]
fn serve_says_ready_in_words() {
    let mut child = Killed(
        Command::new(BIN)
            .args(["--log", "warn", "serve", "--port", "0"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("serve starts"),
    );
    let mut line = String::new();
    BufReader::new(child.0.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert!(
        line.starts_with("s3lambda ready on http://127.0.0.1:") && !line.ends_with(":0\n"),
        "{line:?}"
    );
}

/// The samples of an exposition, by `name{labels}` as written (a line reader, enough to
/// compare values; the ignored test below parses with a real exposition-format parser).
fn samples(text: &str) -> BTreeMap<String, f64> {
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| {
            let (name, value) = l.rsplit_once(' ')?;
            Some((name.to_owned(), value.parse().ok()?))
        })
        .collect()
}

async fn scrape(server: &s3lambda::sim::Server) -> raw::Reply {
    let reply = get(&format!("{}/_s3lambda/metrics", server.endpoint()), &[]).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    reply
}

/// Wires `open` (delivered to `f:live`, version 1) and `closed` (denied: no permission) and
/// PUTs `n` objects to each.
async fn flow(server: &s3lambda::sim::Server, n: usize) {
    let aws = server.simulator().default_client();
    aws.create_function("f", "echo").await.unwrap();
    let version = aws.publish_version("f").await.unwrap();
    aws.create_alias("f", "live", &version).await.unwrap();
    aws.add_s3_permission("f", Some("live"), "s3", "open", "000000000000")
        .await
        .unwrap();
    let arn = "arn:aws:lambda:us-east-1:000000000000:function:f:live";
    let config = |id: &str| {
        format!(
            "<NotificationConfiguration><CloudFunctionConfiguration><Id>{id}</Id>\
             <CloudFunction>{arn}</CloudFunction><Event>s3:ObjectCreated:*</Event>\
             <Filter><S3Key><FilterRule><Name>prefix</Name><Value>in/</Value></FilterRule>\
             </S3Key></Filter></CloudFunctionConfiguration></NotificationConfiguration>"
        )
    };
    let s3 = common::s3(server);
    for bucket in ["open", "closed"] {
        s3.create_bucket().bucket(bucket).send().await.unwrap();
    }
    aws.put_bucket_notification("open", &config("to-live"))
        .unwrap();
    aws.put_bucket_notification_unvalidated("closed", &config("denied"))
        .unwrap();
    for i in 0..n {
        for bucket in ["open", "closed"] {
            s3.put_object()
                .bucket(bucket)
                .key(format!("in/{i}"))
                .body(ByteStream::from_static(b"0123456789"))
                .send()
                .await
                .unwrap();
        }
    }
    s3.put_object()
        .bucket("open")
        .key("elsewhere")
        .body(ByteStream::from_static(b"x"))
        .send()
        .await
        .unwrap();
    common::wait_idle(server).await;
}

const LIVE: &str = "arn:aws:lambda:us-east-1:000000000000:function:f:live";

/// The counters move as events flow: events by outcome, deliveries by function, version and
/// outcome, the histograms' counts, stored bytes; a signed caller may not read them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_count_events_deliveries_and_latency() {
    let server = common::start().await;
    let before = scrape(&server).await;
    assert_eq!(
        before.headers["content-type"],
        "text/plain; version=0.0.4; charset=utf-8"
    );
    let before = samples(&before.body);
    assert_eq!(before.get("s3lambda_events_emitted_total"), Some(&0.0));
    assert_eq!(before.get("s3lambda_stored_object_bytes"), Some(&0.0));

    flow(&server, 3).await;
    let after = samples(&scrape(&server).await.body);
    let at = |k: &str| {
        after
            .get(k)
            .copied()
            .unwrap_or_else(|| panic!("no {k} in {after:#?}"))
    };
    assert_eq!(at("s3lambda_events_emitted_total"), 7.0);
    assert_eq!(at("s3lambda_events_total{outcome=\"delivered\"}"), 3.0);
    assert_eq!(at("s3lambda_events_total{outcome=\"denied\"}"), 3.0);
    assert_eq!(at("s3lambda_events_total{outcome=\"not_matched\"}"), 1.0);
    let delivered = format!(
        "s3lambda_deliveries_total{{function=\"{LIVE}\",version=\"1\",outcome=\"delivered\"}}"
    );
    assert_eq!(at(&delivered), 3.0);
    let denied = format!(
        "s3lambda_deliveries_total{{function=\"{LIVE}\",version=\"1\",outcome=\"denied\"}}"
    );
    assert_eq!(at(&denied), 3.0);
    let latency = format!("s3lambda_put_to_handler_end_seconds_count{{function=\"{LIVE}\"}}");
    assert_eq!(at(&latency), 3.0);
    let inf =
        format!("s3lambda_put_to_handler_end_seconds_bucket{{function=\"{LIVE}\",le=\"+Inf\"}}");
    assert_eq!(at(&inf), 3.0);
    let sum = format!("s3lambda_put_to_handler_end_seconds_sum{{function=\"{LIVE}\"}}");
    assert!(at(&sum) > 0.0);
    let attempts = format!(
        "s3lambda_delivery_attempt_duration_seconds_count{{function=\"{LIVE}\",result=\"success\"}}"
    );
    assert_eq!(at(&attempts), 3.0);
    assert_eq!(at("s3lambda_stored_objects"), 7.0);
    assert_eq!(at("s3lambda_stored_object_bytes"), 61.0);
    assert_eq!(at("s3lambda_deliveries_in_flight"), 0.0);
    assert_eq!(at("s3lambda_delivery_queue_depth"), 0.0);
    assert!(at("s3lambda_compilations_total") >= 1.0);
    assert!(at("s3lambda_code_storage_bytes") > 0.0);

    // Counters run from the start of the process: a reset does not take them back.
    let reset = http::Request::post(format!("{}/_s3lambda/reset", server.endpoint()))
        .header("content-type", "application/json")
        .body(bytes::Bytes::new())
        .unwrap();
    assert_eq!(raw::send(reset).await.status, 200);
    let reset = samples(&scrape(&server).await.body);
    assert_eq!(reset["s3lambda_events_emitted_total"], 7.0);
    assert_eq!(reset["s3lambda_stored_object_bytes"], 0.0);

    let open_metrics = get(
        &format!("{}/_s3lambda/metrics", server.endpoint()),
        &[(
            "accept",
            "application/openmetrics-text;version=1.0.0,text/plain;q=0.5",
        )],
    )
    .await;
    assert!(
        open_metrics.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/openmetrics-text"),
    );
    assert!(open_metrics.body.ends_with("# EOF\n"));

    let signed = raw::signed_s3(
        "GET",
        &format!("{}/_s3lambda/metrics", server.endpoint()),
        &[],
        Vec::new(),
        raw::Payload::Unsigned,
        (common::KEY, common::SECRET),
        SystemTime::now(),
    );
    let refused = raw::send(signed).await;
    assert_eq!(refused.status, 403, "{}", refused.body);
    assert!(refused.body.contains("AccessDenied"), "{}", refused.body);
}

/// Python's `prometheus_client` reads both formats (its Prometheus text parser and its strict
/// OpenMetrics parser), and the values it reads moved.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs python3 with prometheus_client; CI runs it with --ignored"]
async fn metrics_parse_with_prometheus_client() {
    let server = common::start().await;
    flow(&server, 2).await;
    let url = format!("{}/_s3lambda/metrics", server.endpoint());
    let text = get(&url, &[]).await.body;
    let open = get(&url, &[("accept", "application/openmetrics-text")])
        .await
        .body;
    let script = r#"
import json, sys
from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.openmetrics.parser import text_string_to_metric_families as om
texts = json.load(sys.stdin)
out = {}
for name, parse in (("text", text_string_to_metric_families), ("openmetrics", om)):
    families = {f.name: f for f in parse(texts[name])}
    out[name] = {
        "types": {n: f.type for n, f in families.items()},
        "samples": {s.name + json.dumps(s.labels, sort_keys=True): s.value
                    for f in families.values() for s in f.samples},
    }
print(json.dumps(out))
"#;
    let mut python = Command::new("python3")
        .args(["-c", script])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 runs");
    python
        .stdin
        .take()
        .unwrap()
        .write_all(
            serde_json::json!({ "text": text, "openmetrics": open })
                .to_string()
                .as_bytes(),
        )
        .unwrap();
    let output = python.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "the parsers refused the exposition: {}\n{text}",
        String::from_utf8_lossy(&output.stderr)
    );
    let parsed: Value = serde_json::from_slice(&output.stdout).unwrap();
    for format in ["text", "openmetrics"] {
        let p = &parsed[format];
        assert_eq!(p["types"]["s3lambda_events"], "counter", "{format}: {p}");
        assert_eq!(
            p["types"]["s3lambda_put_to_handler_end_seconds"], "histogram",
            "{p}"
        );
        assert_eq!(p["types"]["s3lambda_stored_object_bytes"], "gauge", "{p}");
        let delivered = &p["samples"][r#"s3lambda_events_total{"outcome": "delivered"}"#];
        assert_eq!(delivered, 2.0, "{format}: {p}");
        let latency =
            format!(r#"s3lambda_put_to_handler_end_seconds_count{{"function": "{LIVE}"}}"#);
        assert_eq!(p["samples"][&latency], 2.0, "{format}: {p}");
    }
}

/// The README's one-liner, verbatim but for the port and the sizes: `bench` starts while
/// `serve` is still starting, waits for it, delivers every PUT, and deletes what it made.
#[test]
fn serve_and_bench_one_liner_works_first_time_and_cleans_up() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let endpoint = format!("http://127.0.0.1:{port}");
    let script = format!(
        "{BIN} --log warn serve --port {port} > /dev/null & \
         {BIN} --log warn bench --endpoint {endpoint} --server-pid $! --alias PROD \
           -n 100 -c 4 --warmup 5 --json; status=$?; \
         kill $! 2>/dev/null; wait; exit $status"
    );
    let output = Command::new("bash")
        .args(["-c", &script])
        .output()
        .expect("bash runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "the one-liner failed\n--- stdout\n{stdout}\n--- stderr\n{stderr}"
    );
    let report: Value = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"));
    assert_eq!(report["ok"], true, "{report}");
    assert_eq!(report["deliveries"]["delivered"], 100, "{report}");
    assert!(
        report["cpu"]["scope"]
            .as_str()
            .unwrap()
            .starts_with("server pid"),
        "{report}"
    );
    let cleanup = report["cleanup"].as_str().expect("a cleanup line");
    assert!(
        cleanup.contains("deleted 105 objects")
            && cleanup.contains("deleted function s3lambda-bench-")
            && cleanup.contains("deleted bucket s3lambda-bench"),
        "{cleanup}"
    );
}

/// On a bucket that existed, a run deletes its objects and puts the bucket's own
/// notification configuration back (the bucket's own function hears none of it); with
/// `--keep` everything stays.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bench_puts_back_a_buckets_configuration_and_keeps_on_request() {
    let server = common::start().await;
    let aws = server.simulator().default_client();
    aws.create_bucket("mine").unwrap();
    aws.create_function("own", "echo").await.unwrap();
    aws.add_s3_permission("own", None, "s3", "mine", "000000000000")
        .await
        .unwrap();
    let own = "<NotificationConfiguration><CloudFunctionConfiguration><Id>own</Id>\
               <CloudFunction>arn:aws:lambda:us-east-1:000000000000:function:own</CloudFunction>\
               <Event>s3:ObjectRemoved:*</Event></CloudFunctionConfiguration></NotificationConfiguration>";
    aws.put_bucket_notification("mine", own).unwrap();
    let endpoint = server.endpoint();
    let run = |keep: bool| {
        let endpoint = endpoint.clone();
        tokio::task::spawn_blocking(move || {
            let mut args = vec![
                "--log",
                "warn",
                "bench",
                "--json",
                "--endpoint",
                &endpoint,
                "--bucket",
                "mine",
                "-n",
                "20",
                "-c",
                "2",
                "--warmup",
                "0",
            ];
            if keep {
                args.push("--keep");
            }
            Command::new(BIN).args(&args).output().unwrap()
        })
    };
    let s3 = common::s3(&server);
    let cleaned = run(false).await.unwrap();
    assert!(
        cleaned.status.success(),
        "{}",
        String::from_utf8_lossy(&cleaned.stderr)
    );
    let report: Value = serde_json::from_slice(&cleaned.stdout).unwrap();
    let cleanup = report["cleanup"].as_str().unwrap();
    assert!(
        cleanup.contains("deleted 20 objects")
            && cleanup.contains("put back the notification configuration of mine")
            && !cleanup.contains("deleted bucket"),
        "{report}"
    );
    let listed = s3.list_objects_v2().bucket("mine").send().await.unwrap();
    assert_eq!(listed.key_count(), Some(0));
    let config = s3
        .get_bucket_notification_configuration()
        .bucket("mine")
        .send()
        .await
        .unwrap();
    let lambdas = config.lambda_function_configurations();
    assert_eq!(lambdas.len(), 1);
    assert_eq!(lambdas[0].id(), Some("own"));
    common::wait_idle(&server).await;
    let heard = common::sim_get(&server, "/_s3lambda/traces?function=own").await;
    assert_eq!(heard["traces"], serde_json::json!([]), "{heard}");

    let kept = run(true).await.unwrap();
    assert!(
        kept.status.success(),
        "{}",
        String::from_utf8_lossy(&kept.stderr)
    );
    let report: Value = serde_json::from_slice(&kept.stdout).unwrap();
    assert_eq!(report["cleanup"], "kept (--keep)", "{report}");
    let listed = s3.list_objects_v2().bucket("mine").send().await.unwrap();
    assert_eq!(listed.key_count(), Some(20));
    let functions = common::lambda(&server)
        .list_functions()
        .send()
        .await
        .unwrap();
    assert_eq!(
        functions.functions().len(),
        2,
        "own and the kept run's function: {functions:?}"
    );
}

/// `s3lambda handler` lists the built-ins and writes one as a component or a deployment
/// package that CreateFunction takes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn handler_writes_a_deployment_package_lambda_accepts() {
    let listed = Command::new(BIN).arg("handler").output().unwrap();
    let names = String::from_utf8_lossy(&listed.stdout);
    assert!(names.lines().any(|l| l == "helloworld"), "{names}");
    let unknown = Command::new(BIN)
        .args(["handler", "nope"])
        .output()
        .unwrap();
    assert!(!unknown.status.success());
    assert!(
        String::from_utf8_lossy(&unknown.stderr).contains("no built-in handler \"nope\""),
        "{}",
        String::from_utf8_lossy(&unknown.stderr)
    );
    let wasm = Command::new(BIN)
        .args(["handler", "echo"])
        .output()
        .unwrap();
    assert_eq!(
        wasm.stdout,
        s3lambda::runtime::handlers::by_name("echo").unwrap()
    );
    let zip = Command::new(BIN)
        .args(["handler", "echo", "--zip"])
        .output()
        .unwrap();
    assert!(zip.status.success());
    let server = common::start().await;
    let created = common::lambda(&server)
        .create_function()
        .function_name("from-cli")
        .role("arn:aws:iam::000000000000:role/r")
        .handler("echo.handle")
        .code(
            aws_sdk_lambda::types::FunctionCode::builder()
                .zip_file(aws_sdk_lambda::primitives::Blob::new(zip.stdout))
                .build(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(created.function_name(), Some("from-cli"));
    let invoked = common::lambda(&server)
        .invoke()
        .function_name("from-cli")
        .payload(aws_sdk_lambda::primitives::Blob::new(&b"{\"a\":1}"[..]))
        .send()
        .await
        .unwrap();
    assert_eq!(invoked.function_error(), None);
}
