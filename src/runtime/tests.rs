//! Tests of the runtime with the built-in handlers.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use serde_json::{Value, json};

use super::handlers::{
    self, CHATTY, ECHO, ENV, FAIL, FS, HELLOWORLD, HOG, PANIC, S3_LOGGER, SLEEP, SPIN,
};
use super::{
    Code, ErrorKind, FunctionError, FunctionResult, Invocation, Outcome, Runtime, RuntimeConfig,
    RuntimeError, ThrottleReason, log, store,
};

/// One runtime shared by the tests that need no special configuration.
fn runtime() -> &'static Runtime {
    static RUNTIME: OnceLock<Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        Runtime::new(RuntimeConfig {
            max_instances: 16,
            ..RuntimeConfig::default()
        })
        .expect("runtime")
    })
}

fn load(runtime: &Runtime, name: &str, wasm: &[u8]) -> Code {
    runtime.load(&format!("sha-of-{name}"), wasm).expect("load")
}

fn run(name: &str, wasm: &[u8], inv: &Invocation) -> Outcome {
    let runtime = runtime();
    runtime
        .invoke(&load(runtime, name, wasm), inv)
        .expect("invoke")
}

fn ok_json(outcome: &Outcome) -> Value {
    match &outcome.result {
        FunctionResult::Ok(body) => serde_json::from_slice(body).expect("response is JSON"),
        FunctionResult::Error(e) => panic!("function failed: {e:?}\n{}", outcome.log),
    }
}

fn error(outcome: &Outcome) -> &FunctionError {
    match &outcome.result {
        FunctionResult::Error(e) => e,
        FunctionResult::Ok(body) => panic!("expected an error, got {body:?}"),
    }
}

/// The lines of the log between `START` and `END`, after checking the frame.
fn body_lines<'a>(outcome: &'a Outcome, inv: &Invocation) -> Vec<&'a str> {
    let lines: Vec<&str> = outcome.log.lines().collect();
    let id = &inv.request_id;
    assert_eq!(
        lines.first().copied(),
        Some(format!("START RequestId: {id} Version: $LATEST").as_str())
    );
    let n = lines.len();
    assert!(n >= 3, "log too short: {}", outcome.log);
    assert_eq!(lines[n - 2], format!("END RequestId: {id}"));
    let report: Vec<&str> = lines[n - 1].split('\t').collect();
    assert_eq!(report.len(), 5, "REPORT fields: {}", lines[n - 1]);
    assert_eq!(report[0], format!("REPORT RequestId: {id}"));
    let duration = report[1]
        .strip_prefix("Duration: ")
        .and_then(|d| d.strip_suffix(" ms"));
    let duration: f64 = duration
        .expect("Duration field")
        .parse()
        .expect("Duration number");
    assert!((duration - outcome.duration.as_secs_f64() * 1000.0).abs() < 0.01);
    assert_eq!(
        report[2],
        format!("Billed Duration: {} ms", outcome.billed_duration_ms)
    );
    assert_eq!(report[3], format!("Memory Size: {} MB", inv.memory_mb));
    assert_eq!(
        report[4],
        format!("Max Memory Used: {} MB", outcome.max_memory_used_mb)
    );
    assert!(outcome.billed_duration_ms >= 1);
    assert!(outcome.billed_duration_ms as f64 >= duration);
    assert!(outcome.max_memory_used_mb >= 1 && outcome.max_memory_used_mb <= inv.memory_mb);
    lines[1..n - 2].to_vec()
}

#[test]
fn built_in_handlers_are_listed() {
    assert_eq!(
        handlers::NAMES,
        [
            "chatty",
            "echo",
            "env",
            "fail",
            "fs",
            "helloworld",
            "hog",
            "panic",
            "s3-logger",
            "sleep",
            "spin"
        ]
    );
    assert_eq!(handlers::by_name("s3-logger"), Some(S3_LOGGER));
    assert_eq!(handlers::by_name("nope"), None);
    for (name, wasm) in handlers::ALL {
        assert!(wasm.starts_with(b"\0asm"), "{name} is not wasm");
    }
}

#[test]
fn echo_returns_its_input() {
    let inv = Invocation::new("echo", r#"{"hello":"world","n":[1,2,3]}"#);
    let outcome = run("echo", ECHO, &inv);
    assert_eq!(outcome.result, FunctionResult::Ok(inv.payload.clone()));
    assert!(body_lines(&outcome, &inv).is_empty(), "{}", outcome.log);
}

#[test]
fn helloworld_logs_the_three_values_and_returns_key1() {
    let inv = Invocation::new(
        "helloworld",
        r#"{"key1":"value1","key2":"value2","key3":"value3"}"#,
    );
    let outcome = run("helloworld", HELLOWORLD, &inv);
    assert_eq!(ok_json(&outcome), json!("value1"));
    assert_eq!(
        body_lines(&outcome, &inv),
        [
            "Loading function",
            "value1 = value1",
            "value2 = value2",
            "value3 = value3"
        ]
    );
}

#[test]
fn helloworld_rejects_malformed_json_as_a_handled_error() {
    let inv = Invocation::new("helloworld", "{not json");
    let outcome = run("helloworld", HELLOWORLD, &inv);
    let e = error(&outcome);
    assert_eq!(
        (e.kind, e.error_type.as_str()),
        (ErrorKind::Handled, "SyntaxError")
    );
}

#[test]
fn s3_logger_logs_one_line_per_record() {
    let record = |key: &str, size: u64| {
        json!({
            "eventVersion": "2.1", "eventSource": "aws:s3", "awsRegion": "us-east-1",
            "eventName": "ObjectCreated:Put",
            "s3": {"bucket": {"name": "photos"}, "object": {"key": key, "size": size}}
        })
    };
    let event = json!({"Records": [record("a/1.jpg", 10), record("b.txt", 0)]});
    let inv = Invocation::new("s3-logger", event.to_string());
    let outcome = run("s3-logger", S3_LOGGER, &inv);
    assert_eq!(
        ok_json(&outcome),
        json!({"records": 2, "keys": ["photos/a/1.jpg", "photos/b.txt"]})
    );
    assert_eq!(
        body_lines(&outcome, &inv),
        [
            "ObjectCreated:Put s3://photos/a/1.jpg size=10",
            "ObjectCreated:Put s3://photos/b.txt size=0"
        ]
    );
}

#[test]
fn fail_is_a_handled_error() {
    let inv = Invocation::new("fail", "{}");
    let outcome = run("fail", FAIL, &inv);
    let e = error(&outcome);
    assert_eq!(e.kind, ErrorKind::Handled);
    assert_eq!(e.kind.as_str(), "Handled");
    assert_eq!(e.error_type, "HandledError");
    assert_eq!(e.error_message, "this handler always fails");
    assert_eq!(
        e.to_json(),
        r#"{"errorMessage":"this handler always fails","errorType":"HandledError"}"#
    );
    assert_eq!(body_lines(&outcome, &inv), ["about to fail"]);
}

#[test]
fn panic_is_an_unhandled_exit_error() {
    let inv = Invocation::new("panic", "{}");
    let outcome = run("panic", PANIC, &inv);
    let e = error(&outcome);
    assert_eq!(e.kind, ErrorKind::Unhandled);
    assert_eq!(e.error_type, "Runtime.ExitError");
    let prefix = format!(
        "RequestId: {} Error: Runtime exited with error: ",
        inv.request_id
    );
    assert!(e.error_message.starts_with(&prefix), "{}", e.error_message);
    assert!(
        e.error_message.contains("unreachable"),
        "{}",
        e.error_message
    );
    let body = body_lines(&outcome, &inv);
    assert!(
        body.iter()
            .any(|l| l.contains("this handler always panics")),
        "{}",
        outcome.log
    );
    assert_eq!(body[body.len() - 2], e.error_message);
    assert_eq!(body[body.len() - 1], "Runtime.ExitError");
}

#[test]
fn spin_ends_at_the_timeout() {
    let mut inv = Invocation::new("spin", "{}");
    inv.timeout = Duration::from_millis(200);
    let outcome = run("spin", SPIN, &inv);
    let e = error(&outcome);
    assert_eq!(
        (e.kind, e.error_type.as_str()),
        (ErrorKind::Unhandled, "Sandbox.Timedout")
    );
    let suffix = format!(" {} Task timed out after 0.20 seconds", inv.request_id);
    assert!(e.error_message.ends_with(&suffix), "{}", e.error_message);
    // The message starts with Lambda's timestamp, e.g. 2026-01-01T00:00:00.000Z.
    let stamp = &e.error_message[..e.error_message.len() - suffix.len()];
    assert_eq!(
        (stamp.len(), &stamp[10..11], &stamp[23..]),
        (24, "T", "Z"),
        "{stamp}"
    );
    assert!(
        outcome.duration >= Duration::from_millis(200),
        "{:?}",
        outcome.duration
    );
    // It stopped (the bound is loose: a loaded machine delays the epoch ticker).
    assert!(
        outcome.duration < Duration::from_secs(5),
        "{:?}",
        outcome.duration
    );
    assert_eq!(
        body_lines(&outcome, &inv),
        ["spinning", e.error_message.as_str()]
    );
}

#[test]
fn hog_is_stopped_at_the_memory_limit() {
    let mut inv = Invocation::new("hog", "{}");
    inv.memory_mb = 64;
    let outcome = run("hog", HOG, &inv);
    let e = error(&outcome);
    assert_eq!(
        (e.kind, e.error_type.as_str()),
        (ErrorKind::Unhandled, "Runtime.OutOfMemory")
    );
    assert_eq!(
        e.error_message,
        format!(
            "RequestId: {} Error: Runtime exited with error: signal: killed",
            inv.request_id
        )
    );
    assert!(
        (60..=64).contains(&outcome.max_memory_used_mb),
        "{}",
        outcome.max_memory_used_mb
    );
    let body = body_lines(&outcome, &inv);
    assert!(
        body[0].starts_with("allocation refused after "),
        "{}",
        outcome.log
    );
    assert_eq!(body[body.len() - 1], "Runtime.OutOfMemory");
}

#[test]
fn fs_cannot_open_a_host_file() {
    for path in ["/etc/passwd", "/proc/self/environ", "Cargo.toml"] {
        let inv = Invocation::new("fs", json!({ "path": path }).to_string());
        let outcome = run("fs", FS, &inv);
        let response = ok_json(&outcome);
        assert_eq!(response["path"], path);
        let message = response["error"].as_str().expect("error message");
        assert!(!message.is_empty());
    }
}

#[test]
fn env_and_context_are_visible_to_the_guest() {
    let mut inv = Invocation::new("env", "{}");
    inv.env = Arc::from(vec![("BUCKET".to_owned(), "photos".to_owned())]);
    inv.function_version = "3".to_owned();
    inv.memory_mb = 256;
    inv.invoked_function_arn = "arn:aws:lambda:eu-west-1:123456789012:function:env:PROD".to_owned();
    let outcome = run("env", ENV, &inv);
    let got = ok_json(&outcome);
    let env = &got["env"];
    assert_eq!(env["BUCKET"], "photos");
    assert_eq!(env["AWS_LAMBDA_FUNCTION_NAME"], "env");
    assert_eq!(env["AWS_LAMBDA_FUNCTION_VERSION"], "3");
    assert_eq!(env["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"], "256");
    assert_eq!(env["AWS_LAMBDA_LOG_GROUP_NAME"], "/aws/lambda/env");
    assert_eq!(env["AWS_REGION"], "eu-west-1");
    assert!(
        env.get("HOME").is_none() && env.get("PATH").is_none(),
        "host env leaked: {env}"
    );
    let ctx = &got["context"];
    assert_eq!(ctx["requestId"], inv.request_id.as_str());
    assert_eq!(ctx["invokedFunctionArn"], inv.invoked_function_arn.as_str());
    assert_eq!(ctx["functionVersion"], "3");
    assert_eq!(ctx["memoryLimitInMB"], 256);
    assert_eq!(ctx["logStreamName"], inv.log_stream.as_str());
    let remaining = ctx["remainingTimeMs"].as_u64().expect("remaining");
    assert!(remaining > 2000 && remaining <= 3000, "{remaining}");
}

#[test]
fn reserved_concurrency_zero_throttles() {
    let mut inv = Invocation::new("echo", "{}");
    inv.reserved_concurrency = Some(0);
    let runtime = runtime();
    let err = runtime
        .invoke(&load(runtime, "echo", ECHO), &inv)
        .expect_err("throttled");
    assert_eq!(err.to_string(), "Rate Exceeded.");
    let RuntimeError::Throttled { reason } = err else {
        panic!("{err:?}")
    };
    assert_eq!(
        reason,
        ThrottleReason::ReservedConcurrency {
            function_name: "echo".into(),
            limit: 0
        }
    );
    assert_eq!(
        reason.code(),
        "ReservedFunctionConcurrentInvocationLimitExceeded"
    );
}

#[test]
fn reserved_concurrency_and_pool_size_throttle_while_busy() {
    let runtime = Runtime::new(RuntimeConfig {
        max_instances: 2,
        ..RuntimeConfig::default()
    })
    .expect("runtime");
    let spin = runtime.load("spin", SPIN).expect("load");
    let echo = runtime.load("echo", ECHO).expect("load");
    let mut busy = Invocation::new("spin", "{}");
    busy.timeout = Duration::from_millis(400);
    busy.reserved_concurrency = Some(1);
    let background = {
        let (runtime, spin, busy) = (runtime.clone(), spin.clone(), busy.clone());
        std::thread::spawn(move || runtime.invoke(&spin, &busy))
    };
    std::thread::sleep(Duration::from_millis(100));
    assert_eq!(runtime.stats().running, 1);
    // The same function is at its reserved concurrency of 1.
    let err = runtime.invoke(&spin, &busy).expect_err("throttled");
    assert!(
        matches!(
            err,
            RuntimeError::Throttled {
                reason: ThrottleReason::ReservedConcurrency { limit: 1, .. }
            }
        ),
        "{err:?}"
    );
    // Another function still runs (one of two pool slots is free).
    let mut other = Invocation::new("echo", "1");
    assert!(runtime.invoke(&echo, &other).is_ok());
    // With a second spin from another function, the pool of 2 is full.
    let second = {
        let (runtime, spin) = (runtime.clone(), spin.clone());
        let mut inv = Invocation::new("spin2", "{}");
        inv.timeout = Duration::from_millis(300);
        std::thread::spawn(move || runtime.invoke(&spin, &inv))
    };
    std::thread::sleep(Duration::from_millis(100));
    other.request_id = "r2".into();
    let err = runtime.invoke(&echo, &other).expect_err("pool full");
    assert!(
        matches!(
            err,
            RuntimeError::Throttled {
                reason: ThrottleReason::ConcurrencyLimit { limit: 2 }
            }
        ),
        "{err:?}"
    );
    for handle in [background, second] {
        let outcome = handle.join().expect("thread").expect("ran");
        assert_eq!(error(&outcome).error_type, "Sandbox.Timedout");
    }
    assert_eq!(runtime.stats().running, 0);
    assert!(
        runtime
            .invoke(
                &spin,
                &Invocation {
                    timeout: Duration::from_millis(20),
                    ..busy
                }
            )
            .is_ok()
    );
}

#[test]
fn invalid_code_is_rejected_at_load() {
    let runtime = runtime();
    for (what, bytes) in [
        ("garbage", &b"not wasm at all"[..]),
        ("core module", &b"(module)"[..]),
        ("component without handle", &b"(component)"[..]),
    ] {
        let err = runtime
            .load(&format!("invalid-{what}"), bytes)
            .expect_err(what);
        assert!(
            matches!(err, RuntimeError::InvalidCode(_)),
            "{what}: {err:?}"
        );
    }
    let err = runtime.load(
        "unknown-import",
        br#"(component (import "nope:x/y" (instance)))"#,
    );
    assert!(matches!(err, Err(RuntimeError::InvalidCode(_))), "{err:?}");
}

#[test]
fn code_is_compiled_once_per_sha() {
    let runtime = Runtime::new(RuntimeConfig {
        max_instances: 2,
        ..RuntimeConfig::default()
    })
    .expect("runtime");
    let a = runtime.load("abc", ECHO).expect("load");
    // A second load under the same sha does not even look at the bytes.
    let b = runtime.load("abc", b"ignored").expect("cached");
    assert!(Arc::ptr_eq(&a.inner, &b.inner));
    assert_eq!(a.sha256(), "abc");
    assert_eq!(runtime.stats().compiled, 1);
    assert!(runtime.unload("abc"));
    assert_eq!(runtime.stats().compiled, 0);
    // Code outlives its cache entry.
    assert!(runtime.invoke(&a, &Invocation::new("echo", "1")).is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invoke_async_runs_on_a_blocking_thread() {
    let runtime = runtime().clone();
    let code = load(&runtime, "echo", ECHO);
    let tasks: Vec<_> = (0..8)
        .map(|i| {
            let (runtime, code) = (runtime.clone(), code.clone());
            tokio::spawn(async move {
                runtime
                    .invoke_async(code, Invocation::new("echo-async", format!("{i}")))
                    .await
            })
        })
        .collect();
    for (i, task) in tasks.into_iter().enumerate() {
        let outcome = task.await.expect("task").expect("invoke");
        assert_eq!(outcome.result, FunctionResult::Ok(format!("{i}").into()));
    }
}

#[test]
fn billing_and_memory_round_up() {
    assert_eq!(log::billed_ms(Duration::from_micros(5)), 1);
    assert_eq!(log::billed_ms(Duration::from_millis(1)), 1);
    assert_eq!(log::billed_ms(Duration::from_micros(1001)), 2);
    assert_eq!(log::megabytes(0), 0);
    assert_eq!(log::megabytes(17 * 65536), 2);
    assert_eq!(log::megabytes(64 << 20), 64);
}

/// Resident set size in KiB, from /proc/self/statm.
fn rss_kib() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").expect("statm");
    let pages: u64 = statm
        .split_whitespace()
        .nth(1)
        .expect("rss")
        .parse()
        .expect("number");
    pages * 4
}

/// `cargo test --release --lib runtime::tests::memory_stays_flat -- --ignored --nocapture`
#[test]
#[ignore = "slow: 10,000 invocations; prints RSS figures"]
fn memory_stays_flat_over_10000_invocations() {
    let runtime = Runtime::new(RuntimeConfig {
        max_instances: 4,
        ..RuntimeConfig::default()
    })
    .expect("runtime");
    let echo = runtime.load("echo", ECHO).expect("load");
    let logger = runtime.load("s3", S3_LOGGER).expect("load");
    let event = json!({"Records": [{"eventName": "ObjectCreated:Put",
        "s3": {"bucket": {"name": "b"}, "object": {"key": "k", "size": 1}}}]})
    .to_string();
    let inv = Invocation::new("s3-logger", event);
    for _ in 0..1000 {
        runtime.invoke(&logger, &inv).expect("warm-up");
        runtime.invoke(&echo, &inv).expect("warm-up");
    }
    let before = rss_kib();
    let started = std::time::Instant::now();
    for _ in 0..10_000 {
        let outcome = runtime.invoke(&logger, &inv).expect("invoke");
        assert!(matches!(outcome.result, FunctionResult::Ok(_)));
        runtime.invoke(&echo, &inv).expect("invoke");
    }
    let elapsed = started.elapsed();
    let after = rss_kib();
    println!(
        "RSS before {before} KiB, after 10,000 x (s3-logger + echo) {after} KiB (delta {} KiB), {:.2} us per invocation",
        i128::from(after) - i128::from(before),
        elapsed.as_secs_f64() * 1e6 / 20_000.0
    );
    assert!(
        after < before + 4096,
        "RSS grew from {before} KiB to {after} KiB"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_guest_blocked_in_a_host_call_still_times_out() {
    let runtime = runtime();
    let code = load(runtime, "sleep", SLEEP);
    let mut inv = Invocation::new("sleep", "{}");
    inv.timeout = Duration::from_millis(200);
    let request_id = inv.request_id.clone();
    let started = std::time::Instant::now();
    let outcome = runtime.invoke_async(code, inv).await.expect("invoke");
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "the 60 s sleep was cut short"
    );
    let e = error(&outcome);
    assert_eq!(
        (e.kind, e.error_type.as_str()),
        (ErrorKind::Unhandled, "Sandbox.Timedout")
    );
    assert!(
        e.error_message
            .ends_with(&format!("{request_id} Task timed out after 0.20 seconds")),
        "{}",
        e.error_message
    );
    assert!(
        outcome
            .log
            .contains(&format!("REPORT RequestId: {request_id}")),
        "{}",
        outcome.log
    );
    // What it printed before blocking is kept, before the timeout line.
    let lines: Vec<&str> = outcome.log.lines().collect();
    assert_eq!(
        lines[1..lines.len() - 2],
        ["sleeping", e.error_message.as_str()],
        "{}",
        outcome.log
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twenty_spins_on_two_threads_time_out_by_epoch_and_keep_their_output() {
    let runtime = Runtime::new(RuntimeConfig {
        max_instances: 32,
        threads: 2,
        ..RuntimeConfig::default()
    })
    .expect("runtime");
    let code = load(&runtime, "spin", SPIN);
    let tasks: Vec<_> = (0..20)
        .map(|_| {
            let (runtime, code) = (runtime.clone(), code.clone());
            let mut inv = Invocation::new("spin", "{}");
            inv.timeout = Duration::from_millis(200);
            tokio::spawn(async move { (runtime.invoke_async(code, inv.clone()).await, inv) })
        })
        .collect();
    for task in tasks {
        let (outcome, inv) = task.await.expect("task");
        let outcome = outcome.expect("invoke");
        let e = error(&outcome);
        assert_eq!(e.error_type, "Sandbox.Timedout", "{}", outcome.log);
        // Output kept, and REPORT agrees with the outcome's duration (`body_lines`).
        assert_eq!(
            body_lines(&outcome, &inv),
            ["spinning", e.error_message.as_str()]
        );
        // The epoch deadline ended it: the fallback timer has no memory figure.
        assert!(outcome.max_memory_used_mb > 0, "{}", outcome.log);
    }
}

#[test]
fn a_5_mib_print_is_truncated_not_killed() {
    let mut inv = Invocation::new("chatty", "5242880");
    // About truncation, not timing: a busy machine may take longer than Lambda's 3 s.
    inv.timeout = Duration::from_mins(2);
    let outcome = run("chatty", CHATTY, &inv);
    assert_eq!(
        outcome.result,
        FunctionResult::Ok("5242880".into()),
        "{}",
        &outcome.log[outcome.log.len().saturating_sub(2000)..]
    );
    let body = body_lines(&outcome, &inv);
    assert_eq!(
        body[body.len() - 1],
        "[s3lambda] log truncated: the function wrote 5242880 bytes, the first 4194304 are kept"
    );
    assert_eq!(body[0], format!("line 0000000 {:-<86}", ""));
    assert!(
        outcome.log.len() < (4 << 20) + 1024,
        "{}",
        outcome.log.len()
    );
}

#[test]
fn memory_size_over_the_memory_cap_is_out_of_memory() {
    let runtime = Runtime::new(RuntimeConfig {
        max_instances: 4,
        max_total_memory_mb: 256,
        ..RuntimeConfig::default()
    })
    .expect("runtime");
    let code = load(&runtime, "echo", ECHO);
    let mut inv = Invocation::new("big", "{}");
    inv.memory_mb = 512;
    let outcome = runtime.invoke(&code, &inv).expect("invoke");
    let e = error(&outcome);
    assert_eq!(
        (e.kind, e.error_type.as_str()),
        (ErrorKind::Unhandled, "Runtime.OutOfMemory")
    );
    // It never ran: no duration, no memory used.
    let lines: Vec<&str> = outcome.log.lines().collect();
    assert_eq!(
        lines[1..lines.len() - 1],
        [
            "[s3lambda] MemorySize 512 MB exceeds the memory all handlers may use together (256 MB)",
            e.error_message.as_str(),
            "Runtime.OutOfMemory",
            format!("END RequestId: {}", inv.request_id).as_str(),
        ]
    );
    assert!(
        lines[lines.len() - 1].ends_with("Memory Size: 512 MB\tMax Memory Used: 0 MB"),
        "{}",
        outcome.log
    );
    inv.memory_mb = 256;
    let outcome = runtime.invoke(&code, &inv).expect("invoke");
    assert_eq!(outcome.result, FunctionResult::Ok("{}".into()));
    assert_eq!(runtime.stats().memory_reserved_mb, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invocation_waits_for_memory_instead_of_failing() {
    let runtime = Runtime::new(RuntimeConfig {
        max_instances: 4,
        max_total_memory_mb: 256,
        ..RuntimeConfig::default()
    })
    .expect("runtime");
    let sleep = load(&runtime, "sleep", SLEEP);
    let echo = load(&runtime, "echo", ECHO);
    let mut sleeping = Invocation::new("sleep", "{}");
    sleeping.memory_mb = 256;
    sleeping.timeout = Duration::from_millis(300);
    let first = tokio::spawn({
        let runtime = runtime.clone();
        async move { runtime.invoke_async(sleep, sleeping).await }
    });
    while runtime.stats().memory_reserved_mb < 256 {
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    // The budget is spent: this one waits, then runs.
    let outcome = runtime
        .invoke_async(echo, Invocation::new("echo", "1"))
        .await
        .expect("not throttled");
    assert_eq!(outcome.result, FunctionResult::Ok("1".into()));
    let slept = first.await.expect("task").expect("invoke");
    assert_eq!(error(&slept).error_type, "Sandbox.Timedout");
    assert_eq!(runtime.stats().memory_reserved_mb, 0);
}

#[test]
fn growth_past_what_wasm32_addresses_is_out_of_memory() {
    use wasmtime::ResourceLimiter as _;
    const GIB: usize = 1 << 30;
    // MemorySize 10240 MB allows more than a wasm32 memory can ever have.
    let mut limiter = store::MemoryLimiter::new(10_240);
    assert!(
        limiter
            .memory_growing(GIB, 2 * GIB, Some(4 * GIB))
            .expect("ok")
    );
    assert!(!limiter.refused);
    assert!(
        !limiter
            .memory_growing(2 * GIB, 4 * GIB + 65_536, Some(4 * GIB))
            .expect("ok")
    );
    assert!(
        limiter.refused,
        "past the memory's maximum is out of memory"
    );
    // The memory type's own limit (wasmtime checks it before asking the limiter).
    let mut limiter = store::MemoryLimiter::new(10_240);
    limiter
        .memory_grow_failed(wasmtime::Error::msg(
            "memory growth exceeds memory type's limits",
        ))
        .expect("ok");
    assert!(limiter.refused);
    let ending = super::classify(
        Err(wasmtime::Trap::UnreachableCodeReached.into()),
        limiter.refused,
        4,
    )
    .expect("ran");
    assert!(matches!(ending, super::Ending::OutOfMemory));
}

#[test]
fn concurrent_first_loads_compile_once() {
    let runtime = Runtime::new(RuntimeConfig::default()).expect("runtime");
    let runtime = &runtime;
    let codes: Vec<Code> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..4)
            .map(|_| s.spawn(|| runtime.load("sha-of-concurrent-echo", ECHO).expect("load")))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("join"))
            .collect()
    });
    for code in &codes[1..] {
        assert!(
            Arc::ptr_eq(&codes[0].inner, &code.inner),
            "every caller got the one compiled component"
        );
    }
    assert_eq!(runtime.compilations(), 1, "compiled once for four callers");
    assert!(runtime.inner.compiling.is_empty(), "no gate is left behind");
}

#[test]
fn the_runtime_table_of_the_config_file_sets_threads_and_the_memory_cap() {
    let config: crate::sim::Config =
        toml::from_str("[runtime]\nthreads = 3\nmax_total_memory_mb = 512\n").expect("toml");
    let applied = config.runtime.apply(RuntimeConfig::default());
    assert_eq!((applied.threads, applied.max_total_memory_mb), (3, 512));
    let unset: crate::sim::Config = toml::from_str("").expect("toml");
    let defaults = unset.runtime.apply(RuntimeConfig::default());
    assert_eq!(defaults.max_total_memory_mb, 16 << 10);
    assert!(defaults.threads >= 1);
    assert!(toml::from_str::<crate::sim::Config>("[runtime]\nthread = 1\n").is_err());
}
