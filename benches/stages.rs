//! Per-stage hot-path benchmarks (criterion): SigV4 verification, S3 event rendering,
//! notification matching, ARN resolution, policy evaluation, and the in-process dispatch
//! path from a store write to the handler's return.
//!
//! `cargo bench --bench stages` runs them all and ends with a summary table (stage, mean);
//! `cargo bench --bench stages -- policy` runs one group. See `benches/README.md`. The
//! wasmtime invocation cost against bare wasmtime is measured in `benches/runtime.rs`.

use std::collections::BTreeMap;
use std::hint::black_box;
use std::path::PathBuf;
use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use criterion::{BenchmarkGroup, BenchmarkId, Criterion, measurement::WallTime};
use http::request::Parts;
use time::OffsetDateTime;

use s3lambda::arn::{FunctionRef, NameKind};
use s3lambda::auth::testing::{Payload, Signer, Streaming, streaming_request};
use s3lambda::auth::{Account, Keyring, authenticate};
use s3lambda::lambda::LambdaRequest;
use s3lambda::lambda::package::zip_of;
use s3lambda::lambda::policy::{
    CompiledPolicy, PermissionRequest, Policy, RequestContext, build_statement,
};
use s3lambda::lambda::registry::{AliasInput, ConfigUpdate, CreateFunction, Registry};
use s3lambda::notify::matching::{explain, matching_lambdas};
use s3lambda::notify::{EventType, KeyFilter, LambdaConfig, NotificationConfiguration};
use s3lambda::pipeline::{DispatchConfig, Target, authorize_s3};
use s3lambda::runtime::handlers::ECHO;
use s3lambda::s3::store::{ContentHeaders, NewObject, Owner};
use s3lambda::s3event::{EncodedKey, EventName, S3Event};
use s3lambda::sim::{LocalClient, Simulator};

const ACCOUNT: &str = "000000000000";
const REGION: &str = "us-east-1";
const BUCKET: &str = "bench-bucket";
const KEY: &str = "uploads/2026/11/24/report-0001.csv";
const FUNCTION: &str = "bench-fn";

/// Every benchmark registered, as (group, function, parameter): the summary reads their
/// `estimates.json` files after the run.
#[derive(Default)]
struct Registered(Vec<(String, String, String)>);

impl Registered {
    fn bench<F>(
        &mut self,
        group: &mut BenchmarkGroup<'_, WallTime>,
        group_name: &str,
        function: &str,
        parameter: &str,
        f: F,
    ) where
        F: FnMut(&mut criterion::Bencher<'_, WallTime>),
    {
        let mut f = f;
        group.bench_function(BenchmarkId::new(function, parameter), |b| f(b));
        self.0
            .push((group_name.into(), function.into(), parameter.into()));
    }
}

// ---------------------------------------------------------------------------------------
// 1. SigV4

fn signer(time: SystemTime) -> Signer<'static> {
    Signer {
        access_key: "test",
        secret_key: "test",
        region: REGION,
        service: "s3",
        time,
    }
}

fn signed_put(time: SystemTime, body: &[u8], payload: Payload<'_>) -> Parts {
    let mut request = http::Request::builder()
        .method("PUT")
        .uri(format!("/{BUCKET}/{KEY}"))
        .header("host", "localhost:4566")
        .header("content-length", body.len())
        .header("content-type", "text/csv")
        .body(())
        .expect("request");
    signer(time).sign(&mut request, payload).expect("signed");
    request.into_parts().0
}

fn bench_sigv4(c: &mut Criterion, reg: &mut Registered) {
    let now = SystemTime::now();
    let keyring = Keyring::new([Account::default_account()]);
    let body = Bytes::from(vec![b'x'; 1024]);

    let signed = signed_put(now, &body, Payload::Bytes(&body));
    let unsigned = signed_put(now, &body, Payload::Unsigned);
    let chunked = streaming_request(
        &signer(now),
        "PUT",
        &format!("/{BUCKET}/{KEY}"),
        "localhost:4566",
        &[&body],
        Streaming::Signed,
        "crc32",
    )
    .expect("streaming request");
    let (chunked_parts, chunked_body) = chunked.into_parts();
    let chunked_body = Bytes::from(chunked_body);

    // The fixtures verify before they are timed.
    for (parts, b) in [
        (&signed, &body),
        (&unsigned, &body),
        (&chunked_parts, &chunked_body),
    ] {
        let ok = authenticate(parts, b.clone(), &keyring, now).expect("verifies");
        assert_eq!(ok.body.len(), 1024);
    }

    let name = "sigv4";
    let mut g = c.benchmark_group(name);
    reg.bench(&mut g, name, "signed_payload", "1KiB", |b| {
        b.iter(|| authenticate(black_box(&signed), body.clone(), &keyring, now));
    });
    reg.bench(&mut g, name, "unsigned_payload", "1KiB", |b| {
        b.iter(|| authenticate(black_box(&unsigned), body.clone(), &keyring, now));
    });
    reg.bench(&mut g, name, "aws_chunked_signed", "1KiB", |b| {
        b.iter(|| {
            authenticate(
                black_box(&chunked_parts),
                chunked_body.clone(),
                &keyring,
                now,
            )
        });
    });
    g.finish();
}

// ---------------------------------------------------------------------------------------
// 2. S3 event record

fn put_event() -> S3Event {
    S3Event {
        name: EventName::ObjectCreatedPut,
        region: REGION.into(),
        time: OffsetDateTime::from_unix_timestamp(1_764_000_000).expect("time"),
        requester: format!("AWS:{ACCOUNT}"),
        source_ip: "127.0.0.1".into(),
        request_id: "C3D13FE58DE4C810".into(),
        host_id: "FMyUVURIY8/IgAtTv8xRjskZQpcIZ9KG4V5Wp6S7S/JRWeUWerMUE5JgHvANOjpD".into(),
        bucket: BUCKET.into(),
        bucket_owner: Account::default_account().canonical_id,
        key: KEY.into(),
        size: 1024,
        etag: "\"0f343b0931126a20f133d67c2b018a3b\"".into(),
        version_id: None,
        sequencer: 0x55AE_D6DC_D902_81E5,
    }
}

fn bench_event(c: &mut Criterion, reg: &mut Registered) {
    let event = put_event();
    let id = "bench-config";
    let rendered = event.render(id);
    serde_json::from_slice::<serde_json::Value>(&rendered).expect("the record is JSON");

    let name = "event_render";
    let mut g = c.benchmark_group(name);
    let mut buf = Vec::with_capacity(2048);
    reg.bench(&mut g, name, "reused_buffer", "put", |b| {
        b.iter(|| {
            buf.clear();
            black_box(&event).render_into(id, &mut buf);
            black_box(buf.len())
        });
    });
    reg.bench(&mut g, name, "fresh_presized", "put", |b| {
        b.iter(|| black_box(&event).render(id));
    });
    reg.bench(&mut g, name, "fresh_empty_vec", "put", |b| {
        b.iter(|| {
            let mut out = Vec::new();
            black_box(&event).render_into(id, &mut out);
            out
        });
    });
    g.finish();
}

// ---------------------------------------------------------------------------------------
// 3. Notification matching

fn function_arn() -> String {
    format!("arn:aws:lambda:{REGION}:{ACCOUNT}:function:{FUNCTION}")
}

/// `n` configurations with distinct prefixes `uploads/tenant-NNN/` and suffixes `.ext-NNN`;
/// only the last one can match [`matching_key`].
fn notification(n: usize) -> NotificationConfiguration {
    NotificationConfiguration {
        lambda: (0..n)
            .map(|i| LambdaConfig {
                id: format!("config-{i:03}"),
                function_arn: function_arn(),
                events: vec![EventType::ObjectCreatedAll],
                filter: KeyFilter {
                    prefix: Some(format!("uploads/tenant-{i:03}/")),
                    suffix: Some(format!(".ext-{i:03}")),
                },
            })
            .collect(),
        ..NotificationConfiguration::default()
    }
}

fn matching_key(n: usize) -> String {
    let last = n - 1;
    format!("uploads/tenant-{last:03}/2026/11/24/report.ext-{last:03}")
}

fn bench_matching(c: &mut Criterion, reg: &mut Registered) {
    let name = "notify_matching";
    let mut g = c.benchmark_group(name);
    for n in [1usize, 10, 100] {
        let config = notification(n);
        let hit = matching_key(n);
        let hit = EncodedKey::new(&hit);
        let miss = EncodedKey::new("downloads/2026/11/24/report.csv");
        let event = EventName::ObjectCreatedPut;
        assert_eq!(matching_lambdas(&config, event, &hit).count(), 1);
        assert_eq!(matching_lambdas(&config, event, &miss).count(), 0);
        let p = n.to_string();
        reg.bench(&mut g, name, "matching_lambdas_one", &p, |b| {
            b.iter(|| matching_lambdas(black_box(&config), event, black_box(&hit)).count());
        });
        reg.bench(&mut g, name, "matching_lambdas_none", &p, |b| {
            b.iter(|| matching_lambdas(black_box(&config), event, black_box(&miss)).count());
        });
        reg.bench(&mut g, name, "explain_one", &p, |b| {
            b.iter(|| explain(black_box(&config), event, black_box(&hit)));
        });
    }
    g.finish();
}

// ---------------------------------------------------------------------------------------
// 4. ARN resolution

fn s3_permission(sid: &str, bucket: &str) -> PermissionRequest {
    PermissionRequest {
        statement_id: sid.into(),
        action: "lambda:InvokeFunction".into(),
        principal: "s3.amazonaws.com".into(),
        source_arn: Some(format!("arn:aws:s3:::{bucket}")),
        source_account: Some(ACCOUNT.into()),
        ..PermissionRequest::default()
    }
}

/// `bench-fn` with versions 1 and 2, alias `live` → 2, alias `canary` → 1 with 10 % on 2,
/// and an S3 permission on each scope.
fn registry(code: Vec<u8>) -> Registry {
    let reg = Registry::new();
    let name = FunctionRef::named(FUNCTION);
    reg.create_function(
        ACCOUNT,
        REGION,
        CreateFunction {
            function_name: FUNCTION.into(),
            role: format!("arn:aws:iam::{ACCOUNT}:role/lambda-role"),
            handler: Some("echo.handler".into()),
            zip_file: code,
            ..CreateFunction::default()
        },
    )
    .expect("create_function");
    reg.publish_version(ACCOUNT, REGION, &name, None, None, None)
        .expect("version 1");
    reg.update_function_configuration(
        ACCOUNT,
        REGION,
        &name,
        ConfigUpdate {
            description: Some("second".into()),
            ..ConfigUpdate::default()
        },
    )
    .expect("update");
    let v2 = reg
        .publish_version(ACCOUNT, REGION, &name, None, None, None)
        .expect("version 2");
    assert_eq!(v2.version, "2");
    reg.create_alias(
        ACCOUNT,
        REGION,
        &name,
        AliasInput {
            name: "live".into(),
            function_version: "2".into(),
            ..AliasInput::default()
        },
    )
    .expect("alias live");
    reg.create_alias(
        ACCOUNT,
        REGION,
        &name,
        AliasInput {
            name: "canary".into(),
            function_version: "1".into(),
            additional_version_weights: Some(BTreeMap::from([("2".into(), 0.1)])),
            ..AliasInput::default()
        },
    )
    .expect("alias canary");
    for q in [None, Some("1"), Some("live"), Some("canary")] {
        let r = FunctionRef {
            qualifier: q.map(str::to_owned),
            ..FunctionRef::named(FUNCTION)
        };
        reg.add_permission(ACCOUNT, REGION, &r, &s3_permission("s3invoke", BUCKET))
            .expect("add_permission");
    }
    reg
}

fn bench_resolve(c: &mut Criterion, reg: &mut Registered) {
    let registry = registry(zip_of(&[("echo.wasm", ECHO)]));
    let qualified = |q: &str| FunctionRef {
        qualifier: Some(q.into()),
        ..FunctionRef::named(FUNCTION)
    };
    let cases = [
        ("unqualified", FunctionRef::named(FUNCTION), 0.5, "$LATEST"),
        ("version", qualified("1"), 0.5, "1"),
        ("alias", qualified("live"), 0.5, "2"),
        ("weighted_alias_primary", qualified("canary"), 0.5, "1"),
        ("weighted_alias_extra", qualified("canary"), 0.05, "2"),
    ];
    let name = "arn_resolve";
    let mut g = c.benchmark_group(name);
    for (label, r, roll, expected) in &cases {
        let got = registry
            .resolve_with(ACCOUNT, REGION, r, *roll)
            .expect("resolves");
        assert_eq!(got.executed_version, *expected);
        reg.bench(&mut g, name, "resolve_with", label, |b| {
            b.iter(|| registry.resolve_with(ACCOUNT, REGION, black_box(r), *roll));
        });
    }
    // As the dispatcher does it: parse the configured ARN, then resolve.
    let arn = format!("{}:live", function_arn());
    reg.bench(&mut g, name, "parse_and_resolve", "alias_arn", |b| {
        b.iter(|| {
            let r = FunctionRef::parse(black_box(&arn), NameKind::Plain).expect("arn");
            registry.resolve_with(ACCOUNT, REGION, &r, 0.5)
        });
    });
    // The whole check a delivery gets before its first attempt: parse, resolve, evaluate
    // the alias's policy with S3's request context.
    let source_arn = format!("arn:aws:s3:::{BUCKET}");
    let target = Target {
        function_arn: &arn,
        region: REGION,
        source_arn: &source_arn,
        source_account: ACCOUNT,
    };
    assert!(authorize_s3(&registry, &target).is_ok());
    reg.bench(&mut g, name, "authorize_s3", "alias_arn", |b| {
        b.iter(|| authorize_s3(&registry, black_box(&target)));
    });
    g.finish();
}

// ---------------------------------------------------------------------------------------
// 5. Policy evaluation

/// `n` S3 statements for buckets `bucket-000`…; the last one is for [`BUCKET`].
fn policy(n: usize) -> Policy {
    let resource = function_arn();
    let statements = (0..n)
        .map(|i| {
            let bucket = if i + 1 == n {
                BUCKET.to_owned()
            } else {
                format!("bucket-{i:03}")
            };
            build_statement(&s3_permission(&format!("s3-{i:03}"), &bucket), &resource)
                .expect("statement")
        })
        .collect();
    Policy {
        statements,
        revision_id: "rev".into(),
    }
}

fn bench_policy(c: &mut Criterion, reg: &mut Registered) {
    let allowed = RequestContext::s3(BUCKET, ACCOUNT, &function_arn());
    let denied = RequestContext::s3("other-bucket", ACCOUNT, &function_arn());
    let name = "policy_evaluate";
    let mut g = c.benchmark_group(name);
    for n in [1usize, 10, 50] {
        // Parsed once, as the registry keeps it per scope.
        let policy = CompiledPolicy::new(policy(n));
        assert!(policy.evaluate(&allowed).allowed);
        assert!(!policy.evaluate(&denied).allowed);
        let p = n.to_string();
        reg.bench(&mut g, name, "allowed_by_last", &p, |b| {
            b.iter(|| black_box(&policy).evaluate(black_box(&allowed)));
        });
        reg.bench(&mut g, name, "denied", &p, |b| {
            b.iter(|| black_box(&policy).evaluate(black_box(&denied)));
        });
    }
    g.finish();
}

// ---------------------------------------------------------------------------------------
// 6. In process: store write → event → dispatcher → handler return

struct Pipeline {
    sim: Simulator,
    client: LocalClient,
    owner: Owner,
    body: Bytes,
}

impl Pipeline {
    fn new(rt: &tokio::runtime::Runtime) -> Self {
        let sim = Simulator::builder()
            .dispatch(DispatchConfig {
                workers: 4,
                ..DispatchConfig::default()
            })
            .journal_capacity(1024)
            .build()
            .expect("simulator");
        let _enter = rt.enter();
        let client = sim.default_client();
        assert_eq!(client.account_id(), ACCOUNT);
        let owner = Owner::from(&Account::default_account());
        client.create_bucket(BUCKET).expect("bucket");
        let registry = sim.lambda().registry();
        registry
            .create_function(
                ACCOUNT,
                REGION,
                CreateFunction {
                    function_name: FUNCTION.into(),
                    role: format!("arn:aws:iam::{ACCOUNT}:role/lambda-role"),
                    zip_file: ECHO.to_vec(),
                    ..CreateFunction::default()
                },
            )
            .expect("create_function");
        registry
            .add_permission(
                ACCOUNT,
                REGION,
                &FunctionRef::named(FUNCTION),
                &s3_permission("s3invoke", BUCKET),
            )
            .expect("add_permission");
        let xml = format!(
            "<NotificationConfiguration><CloudFunctionConfiguration><Id>bench-config</Id>\
             <Filter><S3Key><FilterRule><Name>prefix</Name><Value>uploads/</Value></FilterRule>\
             <FilterRule><Name>suffix</Name><Value>.csv</Value></FilterRule></S3Key></Filter>\
             <CloudFunction>{}</CloudFunction><Event>s3:ObjectCreated:*</Event>\
             </CloudFunctionConfiguration></NotificationConfiguration>",
            function_arn()
        );
        client
            .put_bucket_notification(BUCKET, &xml)
            .expect("notification");
        Self {
            sim,
            client,
            owner,
            body: Bytes::from(vec![b'x'; 1024]),
        }
    }

    /// One PUT (`LocalClient::put_object`: the S3 request path after SigV4, the store
    /// write, the event, matching, the trace and the queue), then wait until the handler
    /// has returned and the delivery is final. Returns the deliveries made.
    async fn put_and_deliver(&self) -> usize {
        let before = self.sim.journal().events();
        self.client
            .put_object(BUCKET, KEY, self.body.clone())
            .expect("put_object");
        assert!(
            self.sim.wait_idle(Duration::from_secs(10)).await,
            "delivery finished"
        );
        (self.sim.journal().events() - before) as usize
    }
}

/// A RequestResponse Invoke of `bench-fn` as the edge hands it to the Lambda API.
fn invoke_request(payload: Bytes) -> LambdaRequest {
    LambdaRequest {
        method: http::Method::POST,
        path: format!("/2015-03-31/functions/{FUNCTION}/invocations"),
        query: Vec::new(),
        headers: http::HeaderMap::new(),
        body: payload,
        account_id: ACCOUNT.into(),
        region: REGION.into(),
        request_id: "bench-request".into(),
    }
}

fn bench_pipeline(c: &mut Criterion, reg: &mut Registered) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime");
    let p = Pipeline::new(&rt);

    // Check the fixture once: one delivery, and it was delivered.
    assert_eq!(rt.block_on(p.put_and_deliver()), 1);
    let last = p.sim.journal().query(&s3lambda::trace::Query::default());
    let view = last.first().expect("a trace");
    assert_eq!(
        view.deliveries.first().map(|d| d.outcome),
        Some(s3lambda::trace::Outcome::Delivered),
        "echo delivery: {:?}",
        view.deliveries
    );
    let payload = Bytes::from(put_event().render("bench-config"));
    let response = rt
        .block_on(p.sim.lambda().handle(invoke_request(payload.clone())))
        .expect("invoke");
    assert_eq!(response.status(), http::StatusCode::OK);
    assert_eq!(response.body(), &payload, "echo returns its input");

    let name = "in_process";
    let mut g = c.benchmark_group(name);
    g.sample_size(50);
    reg.bench(&mut g, name, "lambda_invoke_api", "echo", |b| {
        b.iter_custom(|iters| {
            rt.block_on(async {
                let start = Instant::now();
                for _ in 0..iters {
                    let r = p.sim.lambda().handle(invoke_request(payload.clone())).await;
                    black_box(r.expect("invoke"));
                }
                start.elapsed()
            })
        });
    });
    reg.bench(&mut g, name, "put_to_handler_return", "echo", |b| {
        b.iter_custom(|iters| {
            rt.block_on(async {
                let start = Instant::now();
                for _ in 0..iters {
                    black_box(p.put_and_deliver().await);
                }
                start.elapsed()
            })
        });
    });
    let bucket = p.sim.s3().store().bucket(BUCKET).expect("bucket");
    reg.bench(&mut g, name, "store_put_object", "1KiB", |b| {
        b.iter(|| {
            bucket.put_object(
                KEY,
                NewObject {
                    body: p.body.clone(),
                    content: ContentHeaders::default(),
                    metadata: BTreeMap::new(),
                    checksum: None,
                    storage_class: s3lambda::s3::StorageClass::Standard,
                    owner: p.owner.clone(),
                },
            )
        });
    });
    g.finish();
}

// ---------------------------------------------------------------------------------------
// Summary

fn criterion_dir() -> PathBuf {
    if let Some(home) = std::env::var_os("CRITERION_HOME") {
        return PathBuf::from(home);
    }
    std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| PathBuf::from("target"), PathBuf::from)
        .join("criterion")
}

fn format_ns(ns: f64) -> String {
    if ns < 1_000.0 {
        format!("{ns:.1} ns")
    } else if ns < 1_000_000.0 {
        format!("{:.2} µs", ns / 1_000.0)
    } else {
        format!("{:.2} ms", ns / 1_000_000.0)
    }
}

/// Prints (stage, mean) for every benchmark this process measured (estimates written since
/// `started`; filtered-out benchmarks and `--test` runs leave none).
fn summary(reg: &Registered, started: SystemTime) {
    let dir = criterion_dir();
    let mut rows = Vec::new();
    for (group, function, parameter) in &reg.0 {
        let path = dir
            .join(group)
            .join(function)
            .join(parameter)
            .join("new")
            .join("estimates.json");
        let fresh = std::fs::metadata(&path)
            .and_then(|m| m.modified())
            .is_ok_and(|t| t >= started);
        if !fresh {
            continue;
        }
        let mean = std::fs::read(&path)
            .ok()
            .and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
            .and_then(|v| v.pointer("/mean/point_estimate")?.as_f64());
        if let Some(mean) = mean {
            rows.push((format!("{group}/{function}/{parameter}"), mean));
        }
    }
    if rows.is_empty() {
        return;
    }
    let width = rows.iter().map(|(s, _)| s.len()).max().unwrap_or(5).max(5);
    println!();
    println!("{:<width$}  {:>12}", "stage", "mean");
    println!("{}  {}", "-".repeat(width), "-".repeat(12));
    for (stage, mean) in rows {
        println!("{stage:<width$}  {:>12}", format_ns(mean));
    }
}

fn main() {
    let started = SystemTime::now() - Duration::from_secs(1);
    // Short by default so the whole suite runs in a few minutes; flags still override.
    let mut c = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(2))
        .configure_from_args();
    let mut reg = Registered::default();
    bench_sigv4(&mut c, &mut reg);
    bench_event(&mut c, &mut reg);
    bench_matching(&mut c, &mut reg);
    bench_resolve(&mut c, &mut reg);
    bench_policy(&mut c, &mut reg);
    bench_pipeline(&mut c, &mut reg);
    c.final_summary();
    summary(&reg, started);
}
