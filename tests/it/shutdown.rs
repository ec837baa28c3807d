//! `s3lambda serve` stopping on SIGTERM: it drains queued event deliveries for the grace
//! period, then says how many it dropped and exits non-zero if any were (the real binary, a
//! real signal).

use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use aws_credential_types::Credentials;
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{Event, LambdaFunctionConfiguration, NotificationConfiguration};

use crate::common;

/// A bound on waiting for the server, so a broken one fails the test instead of hanging it.
const GUARD: Duration = Duration::from_mins(2);

/// `s3lambda serve` in a child process, its log in a file; killed if the test fails.
struct Serve {
    child: Option<Child>,
    endpoint: String,
    log: PathBuf,
}

impl Serve {
    async fn start(grace_secs: u64) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let log = std::env::temp_dir().join(format!(
            "s3lambda-shutdown-{}-{port}.log",
            std::process::id()
        ));
        let file = std::fs::File::create(&log).expect("log file");
        let child = Command::new(env!("CARGO_BIN_EXE_s3lambda"))
            .args(["--log", "info", "serve", "--port", &port.to_string()])
            .args(["--shutdown-grace", &grace_secs.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::from(file))
            .spawn()
            .expect("s3lambda starts");
        let started = Instant::now();
        while tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_err()
        {
            assert!(started.elapsed() < GUARD, "s3lambda serve did not listen");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Self {
            child: Some(child),
            endpoint: format!("http://127.0.0.1:{port}"),
            log,
        }
    }

    fn s3(&self) -> aws_sdk_s3::Client {
        let conf = aws_sdk_s3::Config::builder()
            .behavior_version(aws_sdk_s3::config::BehaviorVersion::latest())
            .region(aws_sdk_s3::config::Region::new("us-east-1"))
            .credentials_provider(Credentials::from_keys(common::KEY, common::SECRET, None))
            .endpoint_url(&self.endpoint)
            .force_path_style(true)
            .http_client(aws_smithy_http_client::Builder::new().build_http())
            .build();
        aws_sdk_s3::Client::from_conf(conf)
    }

    fn lambda(&self) -> aws_sdk_lambda::Client {
        let conf = aws_sdk_lambda::Config::builder()
            .behavior_version(aws_sdk_lambda::config::BehaviorVersion::latest())
            .region(aws_sdk_lambda::config::Region::new("us-east-1"))
            .credentials_provider(Credentials::from_keys(common::KEY, common::SECRET, None))
            .endpoint_url(&self.endpoint)
            .http_client(aws_smithy_http_client::Builder::new().build_http())
            .build();
        aws_sdk_lambda::Client::from_conf(conf)
    }

    /// A bucket whose object creations go to a function running `handler`, which stops at
    /// `timeout_secs` and is not retried; `puts` objects written to it.
    async fn events(&self, handler: &[u8], timeout_secs: i32, puts: usize) {
        let (s3, lambda) = (self.s3(), self.lambda());
        let zip = common::zip_of("handler.wasm", handler);
        lambda
            .create_function()
            .function_name("slow")
            .role("arn:aws:iam::000000000000:role/lambda-role")
            .handler("handler.handle")
            .timeout(timeout_secs)
            .code(
                aws_sdk_lambda::types::FunctionCode::builder()
                    .zip_file(aws_sdk_lambda::primitives::Blob::new(zip))
                    .build(),
            )
            .send()
            .await
            .unwrap();
        lambda
            .put_function_event_invoke_config()
            .function_name("slow")
            .maximum_retry_attempts(0)
            .send()
            .await
            .unwrap();
        lambda
            .add_permission()
            .function_name("slow")
            .statement_id("s3")
            .action("lambda:InvokeFunction")
            .principal("s3.amazonaws.com")
            .source_arn("arn:aws:s3:::inbox")
            .send()
            .await
            .unwrap();
        s3.create_bucket().bucket("inbox").send().await.unwrap();
        let config = NotificationConfiguration::builder()
            .lambda_function_configurations(
                LambdaFunctionConfiguration::builder()
                    .lambda_function_arn("arn:aws:lambda:us-east-1:000000000000:function:slow")
                    .events(Event::S3ObjectCreated)
                    .build()
                    .unwrap(),
            )
            .build();
        s3.put_bucket_notification_configuration()
            .bucket("inbox")
            .notification_configuration(config)
            .send()
            .await
            .unwrap();
        for i in 0..puts {
            s3.put_object()
                .bucket("inbox")
                .key(format!("file-{i}.txt"))
                .body(ByteStream::from_static(b"x"))
                .send()
                .await
                .unwrap();
        }
    }

    /// Sends SIGTERM and waits for the exit; the status and the log.
    async fn terminate(mut self) -> (ExitStatus, String) {
        let mut child = self.child.take().expect("running");
        let pid = child.id().to_string();
        let killed = Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .expect("kill runs");
        assert!(killed.success());
        let status = tokio::time::timeout(
            GUARD,
            tokio::task::spawn_blocking(move || child.wait().expect("waits")),
        )
        .await
        .expect("s3lambda exited within the guard")
        .expect("joined");
        let log = std::fs::read_to_string(&self.log).unwrap_or_default();
        (status, log)
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        if let Some(child) = &mut self.child {
            let _ = child.kill();
            let _ = child.wait();
        }
        let _ = std::fs::remove_file(&self.log);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_with_events_still_running_reports_them_and_fails() {
    let serve = Serve::start(0).await;
    serve
        .events(s3lambda::runtime::handlers::SLEEP, 60, 5)
        .await;
    let (status, log) = serve.terminate().await;
    assert!(
        !status.success(),
        "dropped events must fail the exit\n{log}"
    );
    assert!(
        log.contains("shutdown dropped event deliveries") && log.contains("dropped=5"),
        "{log}"
    );
    assert!(log.contains("s3://inbox/file-"), "names the events: {log}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_drains_running_events_and_exits_zero() {
    let serve = Serve::start(60).await;
    // Each delivery runs until its 2 s timeout, so they are still running at the signal.
    serve.events(s3lambda::runtime::handlers::SLEEP, 2, 3).await;
    let (status, log) = serve.terminate().await;
    assert!(status.success(), "{log}");
    assert!(log.contains("draining queued event deliveries"), "{log}");
    assert!(log.contains("every event delivery finished"), "{log}");
    assert!(!log.contains("dropped"), "{log}");
}
