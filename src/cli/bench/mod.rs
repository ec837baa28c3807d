//! `s3lambda bench`: a load generator that signs real S3 PUTs, drives any S3 endpoint (an
//! in-process s3lambda by default), waits for every resulting delivery through the
//! simulator API and reports throughput, latency percentiles, losses and CPU per request.

mod cleanup;
mod conn;
mod cpu;
pub(crate) mod load;
mod report;
mod sign;
mod simapi;
mod verify;
mod wire;

use std::io::IsTerminal as _;
use std::time::{Duration, Instant, SystemTime};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use conn::Endpoint;
use report::{Cpu, Percentiles, Puts, Report, round3};
use sign::Signer;
use simapi::SimApi;
use wire::{Api, Plan};

/// Why a bench run could not be carried out or failed its checks.
#[derive(Debug, thiserror::Error)]
pub enum BenchError {
    /// A flag is wrong.
    #[error("{0}")]
    Usage(String),
    /// A request could not be signed.
    #[error("cannot sign a request: {0}")]
    Sign(String),
    /// An HTTP exchange failed.
    #[error("{0}")]
    Http(String),
    /// A setup call was refused.
    #[error("setup failed at {step}: HTTP {status}: {body}")]
    Setup {
        /// The API call.
        step: &'static str,
        /// Its status.
        status: u16,
        /// Its answer.
        body: String,
    },
    /// The simulator API answered unexpectedly.
    #[error("simulator API: {0}")]
    Sim(String),
    /// The in-process simulator did not start.
    #[error("cannot start the in-process simulator: {0}")]
    Start(String),
    /// The run lost or refused work; the report was printed.
    #[error("{0}")]
    Failed(String),
}

/// `s3lambda bench` arguments.
#[derive(Debug, Clone, clap::Args)]
pub struct BenchArgs {
    /// The S3 endpoint (http://host:port, path-style); default: an in-process s3lambda.
    #[arg(long)]
    pub endpoint: Option<String>,
    /// Objects to PUT.
    #[arg(short = 'n', long, default_value_t = 10_000)]
    pub objects: u64,
    /// Object size: bytes, or with a suffix (`1KiB`, `4k`, `1MiB`).
    #[arg(short = 's', long, default_value = "1KiB", value_parser = parse_size)]
    pub size: usize,
    /// Concurrent connections, each with its own task.
    #[arg(short = 'c', long, default_value_t = 16)]
    pub concurrency: usize,
    /// A fixed total rate in PUTs per second (default: as fast as the connections go).
    #[arg(long)]
    pub rate: Option<f64>,
    /// The bucket (created if needed).
    #[arg(long, default_value = "s3lambda-bench")]
    pub bucket: String,
    /// Key prefix; keys are `<prefix><run-id>/<n>`.
    #[arg(long, default_value = "bench/")]
    pub prefix: String,
    /// The built-in handler to notify (s3-logger, echo, helloworld, ...).
    #[arg(long, default_value = "s3-logger")]
    pub handler: String,
    /// Publish a version, create this alias and notify it instead of $LATEST.
    #[arg(long)]
    pub alias: Option<String>,
    /// Plain S3 PUTs: no function, no notification; checks the bucket listing instead.
    #[arg(long)]
    pub no_notify: bool,
    /// Do not grant S3 the invoke permission (every delivery is denied; the run fails).
    #[arg(long, conflicts_with = "no_notify")]
    pub no_permission: bool,
    /// Access key id.
    #[arg(long, default_value = "test")]
    pub access_key: String,
    /// Secret access key.
    #[arg(long, default_value = "test")]
    pub secret_key: String,
    /// Region.
    #[arg(long, default_value = "us-east-1")]
    pub region: String,
    /// The account id in ARNs (the keys' account).
    #[arg(long, default_value = "000000000000")]
    pub account: String,
    /// Read this server process's CPU time (from /proc) and report it per request.
    #[arg(long)]
    pub server_pid: Option<u32>,
    /// How long to wait for deliveries after the last PUT, seconds.
    #[arg(long, default_value_t = 120)]
    pub wait_timeout: u64,
    /// PUTs before the measured run (keys under `<prefix><run-id>-warmup/`), waited for, so
    /// the handler is compiled and instances are warm; 0 for none.
    #[arg(long, default_value_t = 200)]
    pub warmup: u64,
    /// At most this many traces are read back for handler latencies.
    #[arg(long, default_value_t = 100_000)]
    pub trace_limit: u64,
    /// Print one JSON object on stdout instead of text.
    #[arg(long)]
    pub json: bool,
    /// Keep what the run created on an external endpoint (objects, function, bucket, the
    /// bucket's notification configuration); by default it is deleted and a bucket that
    /// existed gets its configuration back.
    #[arg(long)]
    pub keep: bool,
    /// With --endpoint: wait this long for the server to answer (it may still be starting).
    #[arg(long, value_name = "SECS", default_value_t = 30)]
    pub ready_timeout: u64,
}

fn parse_size(s: &str) -> Result<usize, String> {
    let t = s.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (digits, unit) = t.split_at(split);
    let n: usize = digits.parse().map_err(|_| format!("bad size {s:?}"))?;
    let factor = match unit.to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kib" | "kb" => 1024,
        "m" | "mib" | "mb" => 1024 * 1024,
        _ => return Err(format!("bad size unit in {s:?} (use B, KiB or MiB)")),
    };
    n.checked_mul(factor)
        .ok_or_else(|| format!("size {s:?} too large"))
}

/// Runs the bench and prints its report; an error when it could not run or failed a check.
pub async fn run(args: &BenchArgs) -> Result<(), BenchError> {
    if args.objects == 0 || args.concurrency == 0 {
        return Err(BenchError::Usage(
            "--objects and --concurrency must be at least 1".into(),
        ));
    }
    if args.rate.is_some_and(|r| !(r > 0.0 && r.is_finite())) {
        return Err(BenchError::Usage("--rate must be a positive number".into()));
    }
    let (server, endpoint) = if let Some(e) = &args.endpoint {
        (None, Endpoint::parse(e)?)
    } else {
        let addr = "127.0.0.1:0"
            .parse()
            .map_err(|_| BenchError::Start("address".into()))?;
        let server = s3lambda::sim::Simulator::builder()
            .build()
            .map_err(|e| BenchError::Start(e.to_string()))?
            .start(addr)
            .await
            .map_err(|e| BenchError::Start(e.to_string()))?;
        let endpoint = Endpoint::parse(&server.endpoint())?;
        (Some(server), endpoint)
    };
    let mut created = cleanup::Created::default();
    let result = bench(args, &endpoint, server.is_some(), &mut created).await;
    let cleaned = if server.is_none() && !args.keep {
        let signer = Signer::new(&args.access_key, &args.secret_key, &args.region);
        Some(cleanup::run(&mut Api::new(&endpoint, &signer), &created).await)
    } else {
        None
    };
    if let Some(server) = server {
        server.shutdown().await;
    }
    let mut report = result?;
    match cleaned {
        Some(Ok(done)) => report.cleanup = Some(done),
        Some(Err(e)) => {
            report.problems.push(format!("cleanup failed: {e}"));
            report.ok = false;
        }
        None if args.keep => report.cleanup = Some("kept (--keep)".to_owned()),
        None => {}
    }
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&report).map_err(|e| BenchError::Http(e.to_string()))?
        );
    } else {
        print!("{}", report.text());
    }
    if report.ok {
        Ok(())
    } else {
        Err(BenchError::Failed(report.problems.join("; ")))
    }
}

async fn bench(
    args: &BenchArgs,
    endpoint: &Endpoint,
    in_process: bool,
    created: &mut cleanup::Created,
) -> Result<Report, BenchError> {
    let signer = Signer::new(&args.access_key, &args.secret_key, &args.region);
    let mut sim = SimApi::new(endpoint);
    let simulator = sim
        .wait_ready(Duration::from_secs(args.ready_timeout))
        .await?;
    if !simulator && !args.no_notify {
        return Err(BenchError::Usage(format!(
            "{} answers but has no s3lambda simulator API (GET /_s3lambda/health), so \
             deliveries cannot be counted; pass --no-notify to drive it with plain S3 PUTs",
            endpoint.base
        )));
    }
    let run_id = uuid::Uuid::new_v4().simple().to_string();
    let run_id = run_id.get(..8).unwrap_or(&run_id);
    let key_prefix = format!("{}{run_id}/", args.prefix);
    let mut api = Api::new(endpoint, &signer);
    let made = api.create_bucket(&args.bucket).await?;
    created.bucket = Some((args.bucket.clone(), made));
    created.key_prefix = Some(format!("{}{run_id}", args.prefix));
    if !made && !args.no_notify {
        created.previous_notification =
            Some(cleanup::get_notification(&mut api, &args.bucket).await?);
    }
    let wiring = if args.no_notify {
        None
    } else {
        let function = format!("s3lambda-bench-{run_id}");
        created.function = Some(function.clone());
        created.notified = true;
        Some(
            api.wire(&Plan {
                bucket: &args.bucket,
                prefix: &format!("{}{run_id}", args.prefix),
                handler: &args.handler,
                function: &function,
                alias: args.alias.as_deref(),
                account: &args.account,
                region: &args.region,
                no_permission: args.no_permission,
            })
            .await?,
        )
    };
    let notified = wiring.is_some();
    let mut spec = load::LoadSpec {
        count: args.warmup,
        concurrency: args.concurrency,
        size: args.size,
        rate: args.rate,
        bucket: args.bucket.clone(),
        key_prefix: format!("{}{run_id}-warmup/", args.prefix),
    };
    // One PUT first, waited for, so the handler compiles once; then the rest of the warm-up
    // at full concurrency so instances are warm.
    let mut warmed = 0;
    for batch in [args.warmup.min(1), args.warmup.saturating_sub(1)] {
        if batch == 0 {
            continue;
        }
        spec.count = batch;
        spec.key_prefix = format!("{}{run_id}-warmup/{warmed}-", args.prefix);
        warmed += batch;
        let warm = load::run(endpoint, &signer, &spec, &ProgressBar::hidden()).await?;
        if warm.ok != batch {
            return Err(BenchError::Failed(format!(
                "{} of {batch} warm-up PUTs failed, e.g. {}",
                batch - warm.ok,
                warm.samples.join(" | ")
            )));
        }
        if notified
            && !sim
                .wait_idle(args.wait_timeout.saturating_mul(1000))
                .await?
        {
            return Err(BenchError::Failed(
                "the warm-up deliveries did not finish in --wait-timeout".into(),
            ));
        }
    }
    spec.count = args.objects;
    spec.key_prefix.clone_from(&key_prefix);
    let load_avg = std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<f64>().ok());
    let before = if notified {
        Some(sim.counters().await?)
    } else {
        None
    };
    let cpu_scope = match (args.server_pid, in_process) {
        (Some(pid), _) => Some((format!("server pid {pid}"), cpu::Source::Pid(pid))),
        (None, true) => Some((
            "process (server + loadgen)".to_owned(),
            cpu::Source::SelfProcess,
        )),
        (None, false) => None,
    };
    let own_before = if in_process {
        None
    } else {
        cpu::read(cpu::Source::SelfProcess).ok()
    };
    let cpu_before = match &cpu_scope {
        Some((_, source)) => Some(cpu::read(*source)?),
        None => None,
    };
    let progress = progress_bar(args.objects);
    let load_start = Instant::now();
    let load = load::run(endpoint, &signer, &spec, &progress).await?;
    let mut idle_after = load.elapsed;
    let mut idle = true;
    if notified {
        progress.set_message("waiting for deliveries");
        idle = sim
            .wait_idle(args.wait_timeout.saturating_mul(1000))
            .await?;
        idle_after = load_start.elapsed();
    }
    let cpu_ms = match (&cpu_scope, cpu_before) {
        (Some((_, source)), Some(before)) => Some((cpu::read(*source)? - before).max(0.0)),
        _ => None,
    };
    let own_ms =
        own_before.and_then(|b| Some((cpu::read(cpu::Source::SelfProcess).ok()? - b).max(0.0)));
    progress.finish_and_clear();
    let puts = Puts {
        ok: load.ok,
        denied: load.denied,
        errors: load.errors,
        seconds: round3(load.elapsed.as_secs_f64()),
        per_second: round3(load.ok as f64 / load.elapsed.as_secs_f64().max(1e-9)),
        rate_reached: args
            .rate
            .map(|r| load.ok as f64 / load.elapsed.as_secs_f64().max(1e-9) >= 0.95 * r),
    };
    let mut report = Report {
        ok: true,
        endpoint: endpoint.base.clone(),
        mode: if in_process { "in-process" } else { "external" },
        simulator,
        bucket: args.bucket.clone(),
        key_prefix: key_prefix.clone(),
        target: wiring.as_ref().map(|w| w.target_arn.clone()),
        handler: notified.then(|| args.handler.clone()),
        objects: args.objects,
        size: args.size,
        concurrency: args.concurrency,
        rate: args.rate,
        warmup: args.warmup,
        load_avg,
        puts,
        put_latency_ms: Percentiles::of(&load.latency),
        deliveries: None,
        put_to_handler_start_ms: None,
        put_to_handler_end_ms: None,
        latency_sample: None,
        listed_keys: None,
        cleanup: None,
        cpu: cpu_scope.zip(cpu_ms).map(|((scope, _), ms)| Cpu {
            scope,
            total_ms: ms,
            per_request_ms: (ms / load.ok.max(1) as f64 * 10_000.0).round() / 10_000.0,
        }),
        loadgen_cpu: own_ms.map(|ms| Cpu {
            scope: "loadgen process".to_owned(),
            total_ms: ms,
            per_request_ms: (ms / load.ok.max(1) as f64 * 10_000.0).round() / 10_000.0,
        }),
        problems: Vec::new(),
    };
    if load.ok != args.objects {
        report.problems.push(format!(
            "{} of {} PUTs failed ({} error answers, {} connection errors), e.g. {}",
            args.objects - load.ok,
            args.objects,
            load.denied,
            load.errors,
            load.samples.join(" | ")
        ));
    }
    if let Some(before) = before {
        let after = sim.counters().await?;
        let traces = sim
            .traces(&args.bucket, args.objects.min(args.trace_limit))
            .await?;
        let first_send = load.sends.iter().copied().filter(|t| *t > 0).min();
        let idle_at = first_send.map(|t| t + idle_after.as_micros() as u64);
        verify::deliveries(
            &mut report,
            &verify::Inputs {
                before: &before,
                after: &after,
                traces: &traces,
                sends: &load.sends,
                key_prefix: &key_prefix,
                idle,
                idle_at_us: idle_at
                    .unwrap_or_else(|| s3lambda::trace::unix_micros(SystemTime::now())),
            },
        );
    } else {
        let listed = api.count_keys(&args.bucket, &key_prefix).await?;
        report.listed_keys = Some(listed);
        if listed != args.objects {
            report.problems.push(format!(
                "the bucket lists {listed} keys under {key_prefix}, expected {}: {} objects missing",
                args.objects,
                args.objects.saturating_sub(listed)
            ));
        }
    }
    report.ok = report.problems.is_empty();
    Ok(report)
}

fn progress_bar(len: u64) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr());
    if let Ok(style) =
        ProgressStyle::with_template("{bar:40} {pos}/{len} PUTs {elapsed_precise} eta {eta} {msg}")
    {
        bar.set_style(style);
    }
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse() {
        assert_eq!(parse_size("1024"), Ok(1024));
        assert_eq!(parse_size("1KiB"), Ok(1024));
        assert_eq!(parse_size("4k"), Ok(4096));
        assert_eq!(parse_size("2MiB"), Ok(2 * 1024 * 1024));
        assert!(parse_size("1GB").is_err());
        assert!(parse_size("KiB").is_err());
    }
}
