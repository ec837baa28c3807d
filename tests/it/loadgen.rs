//! `s3lambda bench`, the load generator: in-process, against another s3lambda endpoint, with
//! plain PUTs against moto (ignored by a plain `cargo test`: it needs moto_server), and a run
//! that loses deliveries failing loudly.

use std::net::TcpStream;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::common;

fn bench(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_s3lambda"))
        .args(["--log", "warn", "bench", "--json"])
        .args(args)
        .output()
        .expect("s3lambda runs")
}

fn report(output: &Output) -> Value {
    let stdout = String::from_utf8_lossy(&output.stdout);
    serde_json::from_str(&stdout).unwrap_or_else(|e| {
        panic!(
            "no JSON report ({e})\n--- stdout\n{stdout}\n--- stderr\n{}",
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

fn assert_ordered(r: &Value, name: &str, count: u64) {
    let p = &r[name];
    assert_eq!(p["count"], count, "{name}: {p}");
    let values: Vec<f64> = ["p50", "p90", "p99", "p999", "max"]
        .iter()
        .map(|q| {
            p[q].as_f64()
                .unwrap_or_else(|| panic!("{name}.{q} missing: {p}"))
        })
        .collect();
    assert!(values[0] > 0.0, "{name}: {p}");
    assert!(
        values.windows(2).all(|w| w[0] <= w[1]),
        "{name} not ordered: {p}"
    );
}

/// A notified run that delivered all `n` PUTs, with every latency reported.
fn assert_delivered(output: &Output, n: u64) -> Value {
    let r = report(output);
    assert!(
        output.status.success(),
        "bench failed: {r}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(r["ok"], true, "{r}");
    assert_eq!(r["puts"]["ok"], n, "{r}");
    assert_eq!(r["deliveries"]["delivered"], n, "{r}");
    assert_eq!(r["deliveries"]["events"], n, "{r}");
    assert_eq!(r["latencySample"]["complete"], true, "{r}");
    assert_ordered(&r, "putLatencyMs", n);
    assert_ordered(&r, "putToHandlerStartMs", n);
    assert_ordered(&r, "putToHandlerEndMs", n);
    let start = r["putToHandlerStartMs"]["p50"].as_f64().unwrap();
    let end = r["putToHandlerEndMs"]["p50"].as_f64().unwrap();
    assert!(start <= end, "{r}");
    r
}

#[test]
fn in_process_run_delivers_every_put() {
    let output = bench(&["-n", "300", "-c", "8", "--warmup", "10"]);
    let r = assert_delivered(&output, 300);
    assert_eq!(r["mode"], "in-process");
    assert_eq!(r["cpu"]["scope"], "process (server + loadgen)", "{r}");
    assert!(r["cpu"]["perRequestMs"].as_f64().is_some(), "{r}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn external_s3lambda_run_with_an_alias() {
    let server = common::start().await;
    let endpoint = server.endpoint();
    let output = tokio::task::spawn_blocking(move || {
        bench(&[
            "--endpoint",
            &endpoint,
            "-n",
            "200",
            "-c",
            "4",
            "--warmup",
            "5",
            "--alias",
            "live",
            "--handler",
            "echo",
            "--rate",
            "2000",
        ])
    })
    .await
    .unwrap();
    let r = assert_delivered(&output, 200);
    assert_eq!(r["mode"], "external");
    assert!(
        r["target"].as_str().unwrap().ends_with(":live"),
        "the alias is notified: {r}"
    );
    assert_eq!(server.simulator().journal().events(), 205, "warm-up + run");
}

#[test]
fn lost_deliveries_fail_loudly() {
    let output = bench(&["-n", "50", "-c", "4", "--warmup", "0", "--no-permission"]);
    assert!(
        !output.status.success(),
        "a run with denied deliveries must fail"
    );
    let r = report(&output);
    assert_eq!(r["ok"], false, "{r}");
    assert_eq!(r["deliveries"]["other"]["denied"], 50, "{r}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("LOST DELIVERIES: 50 of 50 PUTs were not delivered")
            && stderr.contains("denied"),
        "{stderr}"
    );
}

/// Kills the moto server when the test ends.
struct Moto(Child);

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
#[ignore = "needs moto_server; CI runs it with --ignored"]
fn plain_puts_against_moto() {
    assert!(
        Command::new("moto_server").arg("--help").output().is_ok(),
        "plain_puts_against_moto needs `moto_server` (pip install 'moto[server]')"
    );
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let moto = Moto(
        Command::new("moto_server")
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("moto_server starts"),
    );
    let deadline = Instant::now() + Duration::from_secs(15);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "moto_server did not listen");
        std::thread::sleep(Duration::from_millis(50));
    }
    let endpoint = format!("http://127.0.0.1:{port}");
    let refused = bench(&["--endpoint", &endpoint, "-n", "10"]);
    assert!(!refused.status.success());
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains("no s3lambda simulator API") && stderr.contains("--no-notify"),
        "{stderr}"
    );
    let pid = moto.0.id().to_string();
    let output = bench(&[
        "--endpoint",
        &endpoint,
        "--no-notify",
        "-n",
        "150",
        "-c",
        "4",
        "--warmup",
        "0",
        "--server-pid",
        &pid,
    ]);
    let r = report(&output);
    assert!(output.status.success(), "{r}");
    assert_eq!(r["listedKeys"], 150, "{r}");
    assert_eq!(r["simulator"], false, "{r}");
    assert_ordered(&r, "putLatencyMs", 150);
    assert_eq!(r["cpu"]["scope"], format!("server pid {pid}"), "{r}");
}
