//! The command line end to end: the AWS CLI walk-through (`tests/cli/tutorial.sh`; ignored by
//! a plain `cargo test` since it needs the `aws` CLI and `zip`, run by CI with `--ignored`)
//! and `s3lambda demo`.

use std::process::Command;

use crate::common;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the aws CLI and zip; CI runs it with --ignored"]
async fn aws_cli_tutorial() {
    assert!(
        Command::new("aws").arg("--version").output().is_ok(),
        "aws_cli_tutorial needs the `aws` CLI (pip install awscli)"
    );
    assert!(
        Command::new("zip").arg("-v").output().is_ok(),
        "aws_cli_tutorial needs `zip` (apt-get install zip)"
    );
    let server = common::start().await;
    let dir = std::env::temp_dir().join(format!("s3lambda-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let wasm = dir.join("helloworld.wasm");
    std::fs::write(&wasm, s3lambda::runtime::handlers::HELLOWORLD).unwrap();
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/cli/tutorial.sh");
    let endpoint = server.endpoint();
    let output = tokio::task::spawn_blocking(move || {
        Command::new("bash")
            .arg(script)
            .arg(endpoint)
            .arg(&wasm)
            .output()
    })
    .await
    .unwrap()
    .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "tutorial failed\n--- stdout\n{stdout}\n--- stderr\n{stderr}"
    );
    assert!(
        stdout.contains("ok: invoke PROD runs version 1"),
        "{stdout}"
    );
}

/// `s3lambda demo` walks through the tutorial, the push model and a denial, and says so.
#[test]
fn demo_passes_every_check() {
    let output = Command::new(env!("CARGO_BIN_EXE_s3lambda"))
        .args(["demo", "--color", "never"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "demo failed\n--- stdout\n{stdout}\n--- stderr\n{stderr}"
    );
    for line in [
        "✓ arn:aws:lambda:us-east-1:000000000000:function:helloworld:PROD -> 1",
        "✓ PROD ran version 1",
        "✓ BETA ran version 2",
        "| START RequestId:",
        "StringEquals AWS:SourceAccount \"111111111111\" does not match \"000000000000\"",
        "✓ all 19 checks passed",
    ] {
        assert!(stdout.contains(line), "missing {line:?} in\n{stdout}");
    }
    assert!(!stdout.contains('\u{1b}'), "--color never printed escapes");
    assert!(!stdout.contains('✗'), "{stdout}");
}
