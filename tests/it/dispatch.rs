//! S3 events pushed to Lambda through real clients: the tutorial's wiring, the denial
//! matrix, retries with an on-failure record, and 10,000 concurrent writes counted exactly.

use aws_sdk_lambda::primitives::Blob;
use aws_sdk_lambda::types::{DestinationConfig, OnFailure};
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{
    Event, FilterRule, FilterRuleName, LambdaFunctionConfiguration, NotificationConfiguration,
    NotificationConfigurationFilter, S3KeyFilter,
};
use serde_json::Value;

use crate::common::{self, code};

const ARN: &str = "arn:aws:lambda:us-east-1:000000000000:function";

struct Wiring {
    server: s3lambda::sim::Server,
    s3: aws_sdk_s3::Client,
    lambda: aws_sdk_lambda::Client,
}

impl Wiring {
    async fn new() -> Self {
        let server = common::start().await;
        let s3 = common::s3(&server);
        let lambda = common::lambda(&server);
        Self { server, s3, lambda }
    }

    /// A function running `handler`, version 1 published, and aliases pointing at it.
    async fn function(&self, name: &str, handler: &[u8], aliases: &[(&str, &str)]) {
        common::create_function(&self.lambda, name, handler).await;
        self.lambda
            .publish_version()
            .function_name(name)
            .send()
            .await
            .unwrap();
        for (alias, version) in aliases {
            self.lambda
                .create_alias()
                .function_name(name)
                .name(*alias)
                .function_version(*version)
                .send()
                .await
                .unwrap();
        }
    }

    /// The push-model grant, as the tutorial adds it.
    async fn allow_s3(
        &self,
        function: &str,
        qualifier: Option<&str>,
        sid: &str,
        bucket: &str,
        account: &str,
    ) {
        self.lambda
            .add_permission()
            .function_name(function)
            .set_qualifier(qualifier.map(str::to_owned))
            .statement_id(sid)
            .action("lambda:InvokeFunction")
            .principal("s3.amazonaws.com")
            .source_arn(format!("arn:aws:s3:::{bucket}"))
            .source_account(account)
            .send()
            .await
            .unwrap();
    }

    async fn notify(
        &self,
        bucket: &str,
        function_arn: &str,
        skip_validation: bool,
    ) -> Result<(), String> {
        let config = NotificationConfiguration::builder()
            .lambda_function_configurations(
                LambdaFunctionConfiguration::builder()
                    .id("to-lambda")
                    .lambda_function_arn(function_arn)
                    .events(Event::S3ObjectCreated)
                    .filter(
                        NotificationConfigurationFilter::builder()
                            .key(
                                S3KeyFilter::builder()
                                    .filter_rules(
                                        FilterRule::builder()
                                            .name(FilterRuleName::Prefix)
                                            .value("in/")
                                            .build(),
                                    )
                                    .build(),
                            )
                            .build(),
                    )
                    .build()
                    .unwrap(),
            )
            .build();
        self.s3
            .put_bucket_notification_configuration()
            .bucket(bucket)
            .notification_configuration(config)
            .skip_destination_validation(skip_validation)
            .send()
            .await
            .map(|_| ())
            .map_err(|e| {
                let c = code(&e);
                let raw = e
                    .raw_response()
                    .and_then(|r| r.body().bytes())
                    .map(|b| String::from_utf8_lossy(b).into_owned())
                    .unwrap_or_default();
                format!("{c}: {raw}")
            })
    }

    async fn put(&self, bucket: &str, key: &str) {
        self.s3
            .put_object()
            .bucket(bucket)
            .key(key)
            .body(ByteStream::from_static(b"hello"))
            .send()
            .await
            .unwrap();
    }

    async fn traces(&self, query: &str) -> Vec<Value> {
        common::wait_idle(&self.server).await;
        let found = common::sim_get(&self.server, &format!("/_s3lambda/traces?{query}")).await;
        found["traces"].as_array().cloned().unwrap_or_default()
    }

    /// The single trace of `bucket`'s events, after the queue went idle.
    async fn only_trace(&self, bucket: &str) -> Value {
        let traces = self.traces(&format!("bucket={bucket}")).await;
        assert_eq!(traces.len(), 1, "{traces:#?}");
        traces.into_iter().next().unwrap()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tutorial_wiring_delivers_to_version_1_through_prod() {
    let w = Wiring::new().await;
    w.function(
        "helloworld",
        s3lambda::runtime::handlers::S3_LOGGER,
        &[("PROD", "1")],
    )
    .await;
    w.s3.create_bucket()
        .bucket("examplebucket")
        .send()
        .await
        .unwrap();
    w.allow_s3(
        "helloworld",
        Some("PROD"),
        "1",
        "examplebucket",
        "000000000000",
    )
    .await;
    w.notify("examplebucket", &format!("{ARN}:helloworld:PROD"), false)
        .await
        .unwrap();

    w.put("examplebucket", "in/HappyFace.jpg").await;
    w.put("examplebucket", "out/ignored.jpg").await;

    let traces = w.traces("bucket=examplebucket").await;
    assert_eq!(traces.len(), 2, "{traces:#?}");
    let ignored = &traces[0];
    assert_eq!(ignored["source"]["key"], "out/ignored.jpg");
    assert_eq!(ignored["configurations"][0]["match"]["result"], "prefix");
    assert!(ignored["deliveries"].as_array().unwrap().is_empty());

    let trace = &traces[1];
    assert_eq!(trace["outcome"], "delivered", "{trace:#}");
    assert_eq!(trace["source"]["eventName"], "ObjectCreated:Put");
    assert_eq!(trace["configurations"][0]["match"]["result"], "matched");
    let delivery = &trace["deliveries"][0];
    assert_eq!(delivery["functionArn"], format!("{ARN}:helloworld:PROD"));
    assert_eq!(delivery["resolvedVersion"], "1");
    assert_eq!(delivery["policy"]["allowed"], true);
    assert_eq!(delivery["policy"]["statement"], "1");
    let attempts = delivery["attempts"].as_array().unwrap();
    assert_eq!(attempts.len(), 1);
    let log = attempts[0]["logTail"].as_str().unwrap();
    assert!(
        log.contains("examplebucket")
            && log.contains("in/HappyFace.jpg")
            && log.contains("ObjectCreated:Put"),
        "{log}"
    );
    assert!(log.contains("Version: 1"), "{log}");

    // The attempt's log by its request id.
    let request_id = attempts[0]["requestId"].as_str().unwrap();
    let by_id = common::sim_get(&w.server, &format!("/_s3lambda/logs/{request_id}")).await;
    assert_eq!(by_id["version"], "1");
    assert!(
        by_id["log"]
            .as_str()
            .unwrap()
            .contains(&format!("START RequestId: {request_id} Version: 1")),
        "{by_id:#}"
    );

    // The same lines are in the function's CloudWatch log.
    let logs = common::logs(&w.server);
    let events = logs
        .filter_log_events()
        .log_group_name("/aws/lambda/helloworld")
        .filter_pattern("HappyFace")
        .send()
        .await
        .unwrap();
    assert_eq!(events.events().len(), 1, "{events:?}");

    // And the record the handler saw is AWS's.
    let counters = common::sim_get(&w.server, "/_s3lambda/counters").await;
    assert_eq!(counters["outcomes"]["delivered"], 1);
    assert_eq!(counters["events"], 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn denial_matrix() {
    let w = Wiring::new().await;
    w.function(
        "f",
        s3lambda::runtime::handlers::ECHO,
        &[("PROD", "1"), ("BETA", "1")],
    )
    .await;
    let prod = format!("{ARN}:f:PROD");

    // (bucket, setup, expected config-time code, expected reason fragment at delivery)
    // 1. No permission at all: rejected at config time; with validation skipped, denied.
    w.s3.create_bucket()
        .bucket("no-permission")
        .send()
        .await
        .unwrap();
    let rejected = w.notify("no-permission", &prod, false).await.unwrap_err();
    assert!(rejected.starts_with("InvalidArgument"), "{rejected}");
    assert!(
        rejected.contains("Unable to validate the following destination configurations"),
        "{rejected}"
    );
    assert!(
        rejected.contains(&format!(
            "<ArgumentValue1>Not authorized to invoke function [{prod}]</ArgumentValue1>"
        )),
        "{rejected}"
    );
    w.notify("no-permission", &prod, true).await.unwrap();
    w.put("no-permission", "in/a").await;
    let t = w.only_trace("no-permission").await;
    assert_eq!(t["outcome"], "denied");
    assert_eq!(
        t["deliveries"][0]["resolvedVersion"], "1",
        "the refused version is named"
    );
    assert!(
        t["deliveries"][0]["policy"]["reason"]
            .as_str()
            .unwrap()
            .contains("no resource-based policy"),
        "{t:#}"
    );

    // 2. Permission on another alias only.
    w.s3.create_bucket()
        .bucket("other-alias")
        .send()
        .await
        .unwrap();
    w.allow_s3("f", Some("BETA"), "beta", "other-alias", "000000000000")
        .await;
    assert!(
        w.notify("other-alias", &prod, false)
            .await
            .unwrap_err()
            .starts_with("InvalidArgument")
    );
    w.notify("other-alias", &prod, true).await.unwrap();
    w.put("other-alias", "in/a").await;
    let t = w.only_trace("other-alias").await;
    let reason = t["deliveries"][0]["policy"]["reason"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(t["outcome"], "denied");
    assert!(reason.contains("f:BETA"), "{reason}");

    // 3. Permission on the unqualified function only does not cover the alias.
    w.s3.create_bucket()
        .bucket("unqualified")
        .send()
        .await
        .unwrap();
    w.allow_s3("f", None, "plain", "unqualified", "000000000000")
        .await;
    w.notify("unqualified", &prod, true).await.unwrap();
    w.put("unqualified", "in/a").await;
    assert_eq!(w.only_trace("unqualified").await["outcome"], "denied");

    // 4. Wrong SourceArn, 5. wrong SourceAccount.
    w.s3.create_bucket()
        .bucket("wrong-arn")
        .send()
        .await
        .unwrap();
    w.allow_s3(
        "f",
        Some("PROD"),
        "elsewhere",
        "some-other-bucket",
        "000000000000",
    )
    .await;
    w.notify("wrong-arn", &prod, true).await.unwrap();
    w.put("wrong-arn", "in/a").await;
    let t = w.only_trace("wrong-arn").await;
    assert!(
        t["deliveries"][0]["policy"]["reason"]
            .as_str()
            .unwrap()
            .contains("ArnLike"),
        "{t:#}"
    );

    w.s3.create_bucket()
        .bucket("wrong-account")
        .send()
        .await
        .unwrap();
    w.allow_s3("f", Some("PROD"), "acct", "wrong-account", "999999999999")
        .await;
    w.notify("wrong-account", &prod, true).await.unwrap();
    w.put("wrong-account", "in/a").await;
    let t = w.only_trace("wrong-account").await;
    assert!(
        t["deliveries"][0]["policy"]["reason"]
            .as_str()
            .unwrap()
            .contains("SourceAccount"),
        "{t:#}"
    );

    // 6. Wrong principal (on an alias of its own, so no other statement is in the way).
    w.lambda
        .create_alias()
        .function_name("f")
        .name("SNS")
        .function_version("1")
        .send()
        .await
        .unwrap();
    w.s3.create_bucket()
        .bucket("wrong-principal")
        .send()
        .await
        .unwrap();
    w.lambda
        .add_permission()
        .function_name("f")
        .qualifier("SNS")
        .statement_id("sns")
        .action("lambda:InvokeFunction")
        .principal("sns.amazonaws.com")
        .send()
        .await
        .unwrap();
    w.notify("wrong-principal", &format!("{ARN}:f:SNS"), true)
        .await
        .unwrap();
    w.put("wrong-principal", "in/a").await;
    let t = w.only_trace("wrong-principal").await;
    let reason = t["deliveries"][0]["policy"]["reason"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        reason.contains("no statement for principal s3.amazonaws.com"),
        "{reason}"
    );

    // 7. Permission removed after the configuration was accepted.
    w.s3.create_bucket().bucket("revoked").send().await.unwrap();
    w.allow_s3("f", Some("PROD"), "revocable", "revoked", "000000000000")
        .await;
    w.notify("revoked", &prod, false)
        .await
        .expect("validated while the grant exists");
    w.lambda
        .remove_permission()
        .function_name("f")
        .qualifier("PROD")
        .statement_id("revocable")
        .send()
        .await
        .unwrap();
    w.put("revoked", "in/a").await;
    assert_eq!(w.only_trace("revoked").await["outcome"], "denied");

    // 8. Function deleted after the configuration was accepted.
    w.function("gone", s3lambda::runtime::handlers::ECHO, &[])
        .await;
    w.s3.create_bucket()
        .bucket("deleted-function")
        .send()
        .await
        .unwrap();
    w.allow_s3("gone", None, "1", "deleted-function", "000000000000")
        .await;
    w.notify("deleted-function", &format!("{ARN}:gone"), false)
        .await
        .unwrap();
    w.lambda
        .delete_function()
        .function_name("gone")
        .send()
        .await
        .unwrap();
    w.put("deleted-function", "in/a").await;
    let t = w.only_trace("deleted-function").await;
    assert_eq!(t["outcome"], "unresolved", "{t:#}");
    assert!(
        t["deliveries"][0]["resolutionError"]
            .as_str()
            .unwrap()
            .contains("Function not found"),
        "{t:#}"
    );

    // 9. Alias moved to a version that fails: allowed, run, failed after retries.
    w.s3.create_bucket()
        .bucket("moved-alias")
        .send()
        .await
        .unwrap();
    w.allow_s3("f", Some("PROD"), "moved", "moved-alias", "000000000000")
        .await;
    w.notify("moved-alias", &prod, false).await.unwrap();
    w.lambda
        .update_function_code()
        .function_name("f")
        .zip_file(Blob::new(common::zip_of(
            "handler.wasm",
            s3lambda::runtime::handlers::FAIL,
        )))
        .send()
        .await
        .unwrap();
    w.lambda
        .publish_version()
        .function_name("f")
        .send()
        .await
        .unwrap();
    w.lambda
        .update_alias()
        .function_name("f")
        .name("PROD")
        .function_version("2")
        .send()
        .await
        .unwrap();
    w.put("moved-alias", "in/a").await;
    let t = w.only_trace("moved-alias").await;
    assert_eq!(t["outcome"], "failed", "{t:#}");
    assert_eq!(t["deliveries"][0]["resolvedVersion"], "2");
    assert_eq!(t["deliveries"][0]["attempts"].as_array().unwrap().len(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failing_handler_is_retried_then_recorded_on_failure() {
    let w = Wiring::new().await;
    w.function("fail", s3lambda::runtime::handlers::FAIL, &[])
        .await;
    let dlq = "arn:aws:sqs:us-east-1:000000000000:failures";
    w.lambda
        .put_function_event_invoke_config()
        .function_name("fail")
        .destination_config(
            DestinationConfig::builder()
                .on_failure(OnFailure::builder().destination(dlq).build())
                .build(),
        )
        .send()
        .await
        .unwrap();
    w.s3.create_bucket().bucket("retries").send().await.unwrap();
    w.allow_s3("fail", None, "1", "retries", "000000000000")
        .await;
    w.notify("retries", &format!("{ARN}:fail"), false)
        .await
        .unwrap();
    w.put("retries", "in/x").await;

    let t = w.only_trace("retries").await;
    assert_eq!(t["outcome"], "failed");
    let attempts = t["deliveries"][0]["attempts"].as_array().unwrap();
    assert_eq!(attempts.len(), 3);
    assert!(
        attempts
            .iter()
            .all(|a| a["result"]["kind"] == "functionError"),
        "{attempts:#?}"
    );
    let records = common::sim_get(&w.server, "/_s3lambda/destinations").await;
    let records = records["records"].as_array().unwrap();
    assert_eq!(records.len(), 1);
    assert_eq!(records[0]["destination"], dlq);
    let record = &records[0]["record"];
    assert_eq!(record["requestContext"]["condition"], "RetriesExhausted");
    assert_eq!(record["requestContext"]["approximateInvokeCount"], 3);
    assert_eq!(
        record["requestPayload"]["Records"][0]["s3"]["object"]["key"],
        "in/x"
    );
    assert_eq!(record["responseContext"]["functionError"], "Handled");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_concurrent_writes_are_each_delivered_once() {
    const OBJECTS: usize = 10_000;
    const CLIENTS: usize = 16;
    let w = Wiring::new().await;
    w.function("count", s3lambda::runtime::handlers::ECHO, &[])
        .await;
    w.s3.create_bucket().bucket("load").send().await.unwrap();
    w.allow_s3("count", None, "1", "load", "000000000000").await;
    w.notify("load", &format!("{ARN}:count"), false)
        .await
        .unwrap();

    let mut tasks = Vec::new();
    for client in 0..CLIENTS {
        let s3 = common::s3(&w.server);
        tasks.push(tokio::spawn(async move {
            for i in (client..OBJECTS).step_by(CLIENTS) {
                s3.put_object()
                    .bucket("load")
                    .key(format!("in/{i:05}"))
                    .body(ByteStream::from_static(b"x"))
                    .send()
                    .await
                    .unwrap();
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let traces = w
        .traces(&format!("bucket=load&limit={}", OBJECTS * 2))
        .await;
    assert_eq!(traces.len(), OBJECTS);
    let mut keys: Vec<&str> = traces
        .iter()
        .map(|t| t["source"]["key"].as_str().unwrap())
        .collect();
    keys.sort_unstable();
    keys.dedup();
    assert_eq!(keys.len(), OBJECTS, "every key once");
    assert!(traces.iter().all(|t| t["outcome"] == "delivered"
        && t["deliveries"][0]["attempts"].as_array().unwrap().len() == 1));
    let counters = common::sim_get(&w.server, "/_s3lambda/counters").await;
    assert_eq!(counters["outcomes"]["delivered"], OBJECTS);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_write_operation_emits_its_event_name() {
    use aws_sdk_s3::types::{
        BucketVersioningStatus, CompletedMultipartUpload, CompletedPart, VersioningConfiguration,
    };

    let w = Wiring::new().await;
    w.function("log", s3lambda::runtime::handlers::S3_LOGGER, &[])
        .await;
    w.s3.create_bucket().bucket("ops").send().await.unwrap();
    w.s3.put_bucket_versioning()
        .bucket("ops")
        .versioning_configuration(
            VersioningConfiguration::builder()
                .status(BucketVersioningStatus::Enabled)
                .build(),
        )
        .send()
        .await
        .unwrap();
    w.allow_s3("log", None, "1", "ops", "000000000000").await;
    let config = NotificationConfiguration::builder()
        .lambda_function_configurations(
            LambdaFunctionConfiguration::builder()
                .id("all")
                .lambda_function_arn(format!("{ARN}:log"))
                .events(Event::S3ObjectCreated)
                .events(Event::S3ObjectRemoved)
                .build()
                .unwrap(),
        )
        .build();
    w.s3.put_bucket_notification_configuration()
        .bucket("ops")
        .notification_configuration(config)
        .send()
        .await
        .unwrap();

    w.put("ops", "a.txt").await;
    w.s3.copy_object()
        .bucket("ops")
        .key("b.txt")
        .copy_source("ops/a.txt")
        .send()
        .await
        .unwrap();
    let upload =
        w.s3.create_multipart_upload()
            .bucket("ops")
            .key("c.bin")
            .send()
            .await
            .unwrap();
    let upload_id = upload.upload_id().unwrap();
    let part =
        w.s3.upload_part()
            .bucket("ops")
            .key("c.bin")
            .upload_id(upload_id)
            .part_number(1)
            .body(ByteStream::from_static(b"part"))
            .send()
            .await
            .unwrap();
    w.s3.complete_multipart_upload()
        .bucket("ops")
        .key("c.bin")
        .upload_id(upload_id)
        .multipart_upload(
            CompletedMultipartUpload::builder()
                .parts(
                    CompletedPart::builder()
                        .part_number(1)
                        .e_tag(part.e_tag().unwrap())
                        .build(),
                )
                .build(),
        )
        .send()
        .await
        .unwrap();
    let marker =
        w.s3.delete_object()
            .bucket("ops")
            .key("a.txt")
            .send()
            .await
            .unwrap();
    assert_eq!(marker.delete_marker(), Some(true));
    let versions =
        w.s3.list_object_versions()
            .bucket("ops")
            .prefix("b.txt")
            .send()
            .await
            .unwrap();
    let b_version = versions.versions()[0].version_id().unwrap().to_owned();
    w.s3.delete_object()
        .bucket("ops")
        .key("b.txt")
        .version_id(&b_version)
        .send()
        .await
        .unwrap();

    let mut traces = w.traces("bucket=ops").await;
    traces.reverse(); // oldest first
    let seen: Vec<(String, String)> = traces
        .iter()
        .map(|t| {
            (
                t["source"]["eventName"].as_str().unwrap().to_owned(),
                t["source"]["key"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let want: Vec<(String, String)> = [
        ("ObjectCreated:Put", "a.txt"),
        ("ObjectCreated:Copy", "b.txt"),
        ("ObjectCreated:CompleteMultipartUpload", "c.bin"),
        ("ObjectRemoved:DeleteMarkerCreated", "a.txt"),
        ("ObjectRemoved:Delete", "b.txt"),
    ]
    .iter()
    .map(|(e, k)| ((*e).to_owned(), (*k).to_owned()))
    .collect();
    assert_eq!(seen, want);
    assert!(
        traces.iter().all(|t| t["outcome"] == "delivered"),
        "{traces:#?}"
    );
    assert!(
        traces.iter().all(|t| t["source"]["versionId"].is_string()),
        "versioned bucket: every event has a versionId"
    );
    let log = traces[3]["deliveries"][0]["attempts"][0]["logTail"]
        .as_str()
        .unwrap();
    assert!(log.contains("ObjectRemoved:DeleteMarkerCreated"), "{log}");
}
