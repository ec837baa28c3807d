//! The `s3lambda` command line: `serve` runs the simulator, `demo` walks through the
//! tutorial, `trace` shows what happened to events, `scenario` and `bench` test and measure,
//! `handler` writes a built-in handler for clients to deploy.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};
use s3lambda::pipeline::{DispatchConfig, Timing};
use s3lambda::sim::{AccountConfig, Config, Simulator};

mod cli;

/// A simulator of the Amazon S3 → AWS Lambda push model.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Cli {
    /// Log filter (tracing's env-filter syntax), e.g. `info` or `s3lambda=debug`
    /// [default: `info` for serve, `warn` otherwise]. `RUST_LOG` wins when set.
    #[arg(long, global = true)]
    log: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Runs the simulator: S3 and Lambda on one endpoint (default http://127.0.0.1:4566).
    Serve(ServeArgs),
    /// Walks through the AWS Lambda aliases tutorial and the S3 push model in-process,
    /// checking every outcome; exits non-zero if any differs.
    Demo(cli::demo::DemoArgs),
    /// Shows what happened to S3 events: configurations matched, version resolved, policy
    /// decision and why, attempts and their logs.
    Trace(cli::trace::TraceArgs),
    /// Runs declarative scenario files (fixtures/scenarios/README.md) and checks their
    /// expectations.
    Scenario(cli::scenario::ScenarioArgs),
    /// Load generator: signed S3 PUTs from concurrent connections, every resulting delivery
    /// waited for and counted; throughput, latency percentiles and CPU per request.
    Bench(cli::bench::BenchArgs),
    /// Writes a built-in handler component (or, with --zip, a deployment package holding it)
    /// for CreateFunction from any client; with no name, lists them.
    Handler(cli::handler::HandlerArgs),
}

#[derive(Debug, clap::Args)]
struct ServeArgs {
    /// A TOML configuration file; flags override it.
    #[arg(long)]
    config: Option<PathBuf>,
    /// The address to listen on [default: 127.0.0.1].
    #[arg(long)]
    host: Option<IpAddr>,
    /// The port to listen on (0 for any free port) [default: 4566].
    #[arg(long)]
    port: Option<u16>,
    /// The region of the simulated services [default: us-east-1].
    #[arg(long)]
    region: Option<String>,
    /// An extra account as ID:ACCESS_KEY:SECRET_KEY (repeatable).
    #[arg(long = "account", value_parser = parse_account)]
    accounts: Vec<AccountConfig>,
    /// Wait as long as AWS between async retries (1 and 2 minutes) and throttle backoffs.
    #[arg(long, conflicts_with = "timing_scale")]
    aws_timing: bool,
    /// Multiply AWS's retry delays and event ages by this factor [default: 0.001, so the
    /// 1-minute retry wait is 60 ms].
    #[arg(long)]
    timing_scale: Option<f64>,
    /// On SIGTERM or Ctrl-C, wait this long for queued event deliveries before exiting; any
    /// still pending then are reported and the exit status is non-zero [default: 30].
    #[arg(long, value_name = "SECS")]
    shutdown_grace: Option<u64>,
    /// Close a connection that has not sent a complete request head this long after the
    /// server started waiting for one (also the idle keep-alive timeout) [default: 20000].
    #[arg(long, value_name = "MS")]
    header_read_timeout_ms: Option<u64>,
    /// Answer `400 RequestTimeout` when a request body sends nothing for this long
    /// [default: 20000].
    #[arg(long, value_name = "MS")]
    body_stall_timeout_ms: Option<u64>,
    /// Serve at most this many connections at once; more are closed on accept
    /// [default: 4096].
    #[arg(long, value_name = "N")]
    max_connections: Option<usize>,
    /// Accept runtimes AWS has deprecated (nodejs6.10, python2.7, ...) with a warning, so old
    /// tutorials replay verbatim; without it they are refused as AWS refuses them.
    #[arg(long)]
    legacy_runtimes: bool,
    /// Print the ready line on stdout as one JSON object (`{"ready":true,"endpoint":...,
    /// "port":...}`) instead of text, for programs that start `serve` on `--port 0`.
    #[arg(long)]
    ready_json: bool,
    /// Accept any access key, as LocalStack does: a 12-digit key selects that account, any
    /// other the first configured one; signatures are still verified, against the secret
    /// `--any-key-secret` [default: test].
    #[arg(long)]
    any_key: bool,
    /// The secret every key accepted by `--any-key` signs with [default: test].
    #[arg(long, value_name = "SECRET", requires = "any_key")]
    any_key_secret: Option<String>,
    /// Refuse S3 requests signed with Signature Version 2, as S3 does for buckets created
    /// after 24 June 2020 (`InvalidRequest`); by default they are verified and accepted.
    #[arg(long)]
    refuse_sigv2: bool,
}

fn parse_account(s: &str) -> Result<AccountConfig, String> {
    let mut it = s.splitn(3, ':');
    match (it.next(), it.next(), it.next()) {
        (Some(id), Some(key), Some(secret)) if !key.is_empty() && !secret.is_empty() => {
            Ok(AccountConfig {
                id: id.to_owned(),
                access_key: key.to_owned(),
                secret_key: secret.to_owned(),
                canonical_id: None,
                display_name: None,
            })
        }
        _ => Err("expected ID:ACCESS_KEY:SECRET_KEY".to_owned()),
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .or_else(|_| {
            let default = match cli.command {
                Command::Serve(_) => "info",
                _ => "warn",
            };
            tracing_subscriber::EnvFilter::try_new(cli.log.as_deref().unwrap_or(default))
        })
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let colour = std::io::IsTerminal::is_terminal(&std::io::stderr());
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(colour)
        .init();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("s3lambda: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async {
        match cli.command {
            Command::Serve(args) => serve(args).await,
            Command::Demo(args) => {
                if cli::demo::run(&args).await? {
                    Ok(())
                } else {
                    Err("the demo's outcomes differed from AWS's".into())
                }
            }
            Command::Trace(args) => {
                let text = cli::trace::run(&args).await?;
                print!("{text}");
                Ok(())
            }
            Command::Scenario(args) => {
                let (text, passed) = cli::scenario::run(&args).await;
                print!("{text}");
                if passed {
                    Ok(())
                } else {
                    Err("some scenarios failed".into())
                }
            }
            Command::Bench(args) => cli::bench::run(&args).await.map_err(Into::into),
            Command::Handler(args) => cli::handler::run(&args).map_err(Into::into),
        }
    });
    // Handler threads still running after a drain must not hold the exit.
    runtime.shutdown_background();
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("s3lambda: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(args: ServeArgs) -> Result<(), Box<dyn std::error::Error>> {
    let mut config = match &args.config {
        Some(path) => Config::from_file(path)?,
        None => Config::default(),
    };
    let port = args.port.unwrap_or(config.listen.port());
    let host = args.host.unwrap_or(config.listen.ip());
    config.listen = SocketAddr::new(host, port);
    if let Some(region) = args.region {
        config.region = region;
    }
    config.accounts.extend(args.accounts);
    config.legacy_runtimes |= args.legacy_runtimes;
    config.auth.any_key |= args.any_key;
    if let Some(secret) = args.any_key_secret {
        config.auth.any_key_secret = secret;
    }
    if args.refuse_sigv2 {
        config.auth.sigv2 = s3lambda::auth::SigV2Policy::Refuse;
    }
    if let Some(secs) = args.shutdown_grace {
        config.shutdown_grace_secs = secs;
    }
    if let Some(ms) = args.header_read_timeout_ms {
        config.edge.header_read_timeout_ms = ms;
    }
    if let Some(ms) = args.body_stall_timeout_ms {
        config.edge.body_stall_timeout_ms = ms;
    }
    if let Some(n) = args.max_connections {
        config.edge.max_connections = n;
    }
    let listen = config.listen;
    let grace = Duration::from_secs(config.shutdown_grace_secs);
    let timing = match (args.aws_timing, args.timing_scale) {
        (true, _) => Timing::aws(),
        (false, Some(factor)) => Timing::scaled(factor),
        (false, None) => Timing::default(),
    };
    let sim = Simulator::builder()
        .config(config)
        .dispatch(DispatchConfig {
            timing,
            ..DispatchConfig::default()
        })
        .build()?;
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|e| format!("cannot listen on {listen}: {e}"))?;
    let local = listener.local_addr()?;
    sim.start_dispatch();
    tracing::info!(
        endpoint = %format!("http://{local}"),
        region = %sim.config().region,
        accounts = sim.config().accounts.len(),
        "s3lambda is ready"
    );
    ready_line(&sim, local, args.ready_json);
    let stopping = sim.clone();
    sim.clone()
        .serve(listener, async move {
            shutdown_signal().await;
            stopping.begin_shutdown();
        })
        .await;
    drain(&sim, grace).await
}

/// The one line on stdout that says `serve` accepts connections, and where: text, or JSON
/// with `--ready-json`. Connections made from now on are answered. A closed stdout does not
/// stop the server.
fn ready_line(sim: &Simulator, local: SocketAddr, json: bool) {
    use std::io::Write as _;
    let endpoint = format!("http://{local}");
    let line = if json {
        serde_json::json!({
            "ready": true,
            "endpoint": endpoint,
            "host": local.ip().to_string(),
            "port": local.port(),
            "region": sim.config().region,
            "pid": std::process::id(),
            "version": env!("CARGO_PKG_VERSION"),
        })
        .to_string()
    } else {
        format!("s3lambda ready on {endpoint}")
    };
    let mut out = std::io::stdout().lock();
    if let Err(e) = writeln!(out, "{line}").and_then(|()| out.flush()) {
        tracing::warn!(error = %e, "the ready line could not be written to stdout");
    }
}

/// After the listener stopped: waits up to `grace` for queued event deliveries (a second
/// signal ends the wait), then says how many were dropped; an error if any were.
async fn drain(sim: &Simulator, grace: Duration) -> Result<(), Box<dyn std::error::Error>> {
    let pending = sim.journal().pending();
    if pending > 0 {
        tracing::info!(
            pending,
            grace_secs = grace.as_secs(),
            "draining queued event deliveries (signal again to stop now)"
        );
    }
    let report = tokio::select! {
        report = sim.drain(grace) => report,
        () = shutdown_signal() => sim.drain(Duration::ZERO).await,
    };
    if report.dropped == 0 {
        tracing::info!("every event delivery finished; stopped");
        return Ok(());
    }
    tracing::error!(
        dropped = report.dropped,
        events = %report.examples.join(", "),
        "shutdown dropped event deliveries still queued or running"
    );
    Err(format!(
        "{} event deliveries were dropped at shutdown",
        report.dropped
    )
    .into())
}

/// Resolves on Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}
