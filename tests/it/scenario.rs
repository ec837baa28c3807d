//! Scenario files: every file in `fixtures/scenarios/` must pass; the deliberately broken
//! ones in `fixtures/scenarios/broken/` must fail with a message naming the file, the line
//! and what differed; and the `s3lambda scenario run` binary reports the same way.

use std::path::{Path, PathBuf};
use std::process::Command;

use s3lambda::scenario;

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/scenarios")
}

async fn must_pass(name: &str) {
    let path = dir().join(name);
    let report = match scenario::run_file(&path).await {
        Ok(r) => r,
        Err(e) => panic!("invalid scenario:\n{e}"),
    };
    assert!(
        report.passed(),
        "{}",
        scenario::render_text(&[Ok(report.clone())], false)
    );
    assert!(!report.expectations.is_empty());
}

/// One test per file, so they run in parallel; `every_fixture_has_a_test` keeps the list
/// complete.
macro_rules! scenarios {
    ($($test:ident => $file:literal,)*) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $test() {
                must_pass($file).await;
            }
        )*
        const FILES: &[&str] = &[$($file),*];
    };
}

scenarios! {
    tutorial => "tutorial.yaml",
    alias_needs_its_own_permission => "alias-needs-its-own-permission.yaml",
    source_arn_mismatch => "source-arn-mismatch.yaml",
    source_account_mismatch => "source-account-mismatch.yaml",
    wrong_principal => "wrong-principal.yaml",
    wrong_action => "wrong-action.yaml",
    weighted_alias => "weighted-alias.yaml",
    filters => "filters.yaml",
    two_configurations => "two-configurations.yaml",
    event_types => "event-types.yaml",
    rejected_configurations => "rejected-configurations.yaml",
    retries => "retries.yaml",
    throttled => "throttled.yaml",
    latest_vs_version => "latest-vs-version.yaml",
    invoke => "invoke.yaml",
    changes_after_setup => "changes-after-setup.yaml",
}

#[test]
fn every_fixture_has_a_test() {
    let mut on_disk: Vec<String> = std::fs::read_dir(dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| {
            Path::new(n)
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"))
        })
        .collect();
    on_disk.sort();
    let mut listed: Vec<String> = FILES.iter().map(|s| (*s).to_owned()).collect();
    listed.sort();
    assert_eq!(on_disk, listed, "add new scenario files to `scenarios!`");
    assert!(listed.len() >= 10);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_broken_scenario_names_the_failed_expectation() {
    let path = dir().join("broken/wrong-version.yaml");
    let report = scenario::run_file(&path).await.unwrap();
    assert!(!report.passed());
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    let failed: Vec<_> = report.failures().collect();
    assert_eq!(failed.len(), 1, "only the version expectation fails");
    assert_eq!(failed[0].line, 20);
    let text = report.failure_text();
    let want = format!(
        "{}:20: expect delivered to helloworld:PROD version 2 for key in/HappyFace.jpg — got: ",
        path.display()
    );
    assert!(text.starts_with(&want), "{text}");
    assert!(
        text.contains("s3://examplebucket/in/HappyFace.jpg (ObjectCreated:Put) → helloworld:PROD version 1: delivered"),
        "says what was found instead: {text}"
    );
    // The passing ones are reported as passing.
    assert!(report.expectations[0].passed && report.expectations[2].passed);
    let shown = scenario::render_text(&[Ok(report)], false);
    assert!(shown.contains("  ✗ "), "{shown}");
    assert!(shown.contains("FAIL "), "{shown}");
}

#[tokio::test]
async fn bad_yaml_is_reported_with_its_line() {
    let path = dir().join("broken/bad-yaml.yaml");
    let err = scenario::run_file(&path).await.unwrap_err();
    assert_eq!((err.line, err.column), (9, 9), "{err}");
    let shown = err.to_string();
    assert!(
        shown.starts_with(&format!("{}:9:9: unknown field `prefx`", path.display())),
        "{shown}"
    );
    assert!(
        shown.contains("9 |         prefx: in/"),
        "quotes the line: {shown}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_inline_scenario_can_fail_a_denial_expectation() {
    // Permission on PROD exists, so the delivery is allowed: a `denied` expectation fails.
    let text = "\
functions:
  - name: f
    code: echo
    versions: [{}]
    aliases: [{name: PROD, version: 1}]
    permissions: [{qualifier: PROD, source_bucket: inbox, source_account: \"000000000000\"}]
buckets:
  - name: inbox
    notifications: [{function: f:PROD}]
actions:
  - put: {bucket: inbox, key: k}
expect:
  - denied: {function: f:PROD, reason: SourceArn}
";
    let report = scenario::run_str(text, "inline.yaml").await.unwrap();
    let failure = report.failure_text();
    assert!(
        failure.starts_with(
            "inline.yaml:13: expect denied to f:PROD with a reason containing \"SourceArn\" — got: "
        ),
        "{failure}"
    );
    assert!(failure.contains("f:PROD version 1: delivered"), "{failure}");
}

#[test]
fn the_cli_prints_json_and_exits_non_zero_on_failure() {
    let bin = env!("CARGO_BIN_EXE_s3lambda");
    let ok = Command::new(bin)
        .args(["--log", "warn", "scenario", "run", "--json"])
        .arg(dir().join("tutorial.yaml"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&ok.stdout);
    assert!(
        ok.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(json["passed"], true);
    let exps = json["files"][0]["expectations"].as_array().unwrap();
    assert_eq!(exps.len(), 5);
    assert!(
        exps.iter()
            .all(|e| e["passed"] == true && e["line"].is_u64())
    );

    let bad = Command::new(bin)
        .args(["--log", "warn", "scenario", "run"])
        .arg(dir().join("broken/wrong-version.yaml"))
        .arg(dir().join("broken/bad-yaml.yaml"))
        .output()
        .unwrap();
    assert!(!bad.status.success());
    let stdout = String::from_utf8_lossy(&bad.stdout);
    assert!(
        stdout.contains("wrong-version.yaml:20: expect delivered to helloworld:PROD version 2"),
        "{stdout}"
    );
    assert!(
        stdout.contains("bad-yaml.yaml:9:9: unknown field `prefx`"),
        "{stdout}"
    );
    assert!(stdout.contains("2 file(s): 0 passed, 2 failed"), "{stdout}");
    assert!(!stdout.contains('\x1b'), "no colour when not a terminal");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn code_can_be_a_wasm_file_or_a_zip_next_to_the_scenario() {
    let dir = std::env::temp_dir().join(format!("s3lambda-scenario-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("hello.wasm"),
        s3lambda::runtime::handlers::HELLOWORLD,
    )
    .unwrap();
    std::fs::write(
        dir.join("fail.zip"),
        crate::common::zip_of("handler.wasm", s3lambda::runtime::handlers::FAIL),
    )
    .unwrap();
    let file = dir.join("packages.yaml");
    std::fs::write(
        &file,
        "\
functions:
  - name: f
    code: hello.wasm
    versions:
      - {}
      - code: fail.zip
actions:
  - invoke: {id: one, function: \"f:1\", payload: {key1: from-wasm}}
  - invoke: {id: two, function: \"f:2\"}
expect:
  - invoked: {invoke: one, version: 1, payload: from-wasm}
  - invoked: {invoke: two, version: 2, error: Handled}
",
    )
    .unwrap();
    let report = scenario::run_file(&file).await.unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        report.passed(),
        "{}",
        scenario::render_text(&[Ok(report.clone())], false)
    );
}
