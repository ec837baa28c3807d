//! The `Simulator`: configuration and the wiring of all services.
//!
//! One `Simulator` value holds every service (S3, Lambda, the handler runtime). The edge wraps
//! it in HTTP: `Simulator::serve` and `Simulator::start` are defined there, since the
//! simulator knows nothing of HTTP. A Rust test or benchmark can use it in-process as well.
//! Cloning is cheap: all clones share the same state.

mod config;
mod edge_limits;
mod ids;
mod local;
mod metrics;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::oneshot;

pub(crate) use crate::pipeline::Origin;
pub use config::{AccountConfig, Config, ConfigError};
pub use edge_limits::EdgeLimits;
pub use ids::{RequestIds, S3Ids};
pub(crate) use local::encode as encode_path_segment;
pub use local::{Invoked, LocalClient, ObjectWrite};
pub use metrics::Readiness;

use crate::auth::Keyring;
use crate::lambda::Lambda;
use crate::lambda::runtimes::Deprecated;
use crate::logs::LogStore;
use crate::pipeline::{DispatchConfig, Dispatcher, Executor, Pipeline, RuntimeInvoker};
use crate::runtime::{Runtime, RuntimeConfig, RuntimeError};
use crate::s3::{Effect, S3, S3Config};
use crate::services::iam::IamStore;
use crate::trace::{Journal, Outcome, Query};

/// The whole simulator. Cheap to clone; clones share state.
#[derive(Clone)]
pub struct Simulator {
    shared: Arc<Shared>,
}

struct Shared {
    config: Config,
    keyring: Keyring,
    ids: RequestIds,
    s3: S3,
    lambda: Lambda,
    runtime: Runtime,
    journal: Arc<Journal>,
    pipeline: Pipeline,
    logs: LogStore,
    iam: IamStore,
    readiness: metrics::ReadinessCell,
}

/// Why a simulator could not be built or started.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    /// The configuration is unusable.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The WebAssembly runtime could not start.
    #[error("cannot start the WebAssembly runtime: {0}")]
    Runtime(#[from] RuntimeError),
    /// No configured account has this id.
    #[error("no configured account has the id {0}")]
    UnknownAccount(String),
    /// The listener could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// Why.
        source: std::io::Error,
    },
}

/// Builds a [`Simulator`] step by step.
#[derive(Debug, Default)]
pub struct SimulatorBuilder {
    config: Config,
    runtime: RuntimeConfig,
    dispatch: DispatchConfig,
    journal_capacity: Option<usize>,
}

impl SimulatorBuilder {
    /// Replaces the whole configuration.
    #[must_use]
    pub fn config(mut self, config: Config) -> Self {
        self.config = config;
        self
    }

    /// Sets the region.
    #[must_use]
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.config.region = region.into();
        self
    }

    /// Adds an account (besides the default one, unless the configuration replaced it).
    #[must_use]
    pub fn account(mut self, id: &str, access_key: &str, secret_key: &str) -> Self {
        self.config.accounts.push(AccountConfig {
            id: id.to_owned(),
            access_key: access_key.to_owned(),
            secret_key: secret_key.to_owned(),
            canonical_id: None,
            display_name: None,
        });
        self
    }

    /// Sets the handler runtime's configuration.
    #[must_use]
    pub fn runtime(mut self, runtime: RuntimeConfig) -> Self {
        self.runtime = runtime;
        self
    }

    /// Sets how deliveries are dispatched (workers, retry timing).
    #[must_use]
    pub fn dispatch(mut self, dispatch: DispatchConfig) -> Self {
        self.dispatch = dispatch;
        self
    }

    /// Sets how many recent event traces are kept (default 100,000).
    #[must_use]
    pub fn journal_capacity(mut self, traces: usize) -> Self {
        self.journal_capacity = Some(traces);
        self
    }

    /// Builds the simulator.
    pub fn build(self) -> Result<Simulator, SimError> {
        self.config.validate()?;
        let keyring = Keyring::with_settings(self.config.accounts(), &self.config.auth);
        let runtime = Runtime::new(self.config.runtime.apply(self.runtime))?;
        let logs = LogStore::new(self.config.logs);
        let executor = Executor::new(runtime.clone(), logs.clone());
        let journal = Arc::new(Journal::new(self.journal_capacity.unwrap_or(100_000)));
        let lambda = Lambda::new(Arc::new(RuntimeInvoker::new(
            executor.clone(),
            Arc::clone(&journal),
        )));
        lambda
            .registry()
            .packages()
            .set_limit(self.config.max_code_storage_bytes);
        lambda
            .registry()
            .runtimes()
            .set(if self.config.legacy_runtimes {
                Deprecated::Accept
            } else {
                Deprecated::Refuse
            });
        let pipeline = Pipeline::new(
            &self.dispatch,
            Arc::clone(&journal),
            lambda.clone(),
            executor,
        );
        let s3 = S3::with_validator(
            S3Config {
                default_region: self.config.region.clone(),
                ..S3Config::default()
            },
            pipeline.destination_validator(),
        );
        Ok(Simulator {
            shared: Arc::new(Shared {
                config: self.config,
                keyring,
                ids: RequestIds::default(),
                s3,
                lambda,
                runtime,
                journal,
                pipeline,
                logs,
                iam: IamStore::default(),
                readiness: metrics::ReadinessCell::default(),
            }),
        })
    }
}

impl Simulator {
    /// A builder with the defaults of `s3lambda serve`.
    pub fn builder() -> SimulatorBuilder {
        SimulatorBuilder::default()
    }

    /// The configuration in force.
    pub fn config(&self) -> &Config {
        &self.shared.config
    }

    /// The accepted access keys.
    pub fn keyring(&self) -> &Keyring {
        &self.shared.keyring
    }

    /// The request id source.
    pub fn request_ids(&self) -> &RequestIds {
        &self.shared.ids
    }

    /// The S3 service.
    pub fn s3(&self) -> &S3 {
        &self.shared.s3
    }

    /// The Lambda service.
    pub fn lambda(&self) -> &Lambda {
        &self.shared.lambda
    }

    /// The handler runtime.
    pub fn runtime(&self) -> &Runtime {
        &self.shared.runtime
    }

    /// The journal of event traces.
    pub fn journal(&self) -> &Arc<Journal> {
        &self.shared.journal
    }

    /// IAM roles, per account (stored, not enforced).
    pub fn iam(&self) -> &IamStore {
        &self.shared.iam
    }

    /// Function logs, as CloudWatch Logs serves them.
    pub fn logs(&self) -> &LogStore {
        &self.shared.logs
    }

    /// The dispatcher of S3 event deliveries.
    pub fn dispatcher(&self) -> &Dispatcher {
        self.shared.pipeline.dispatcher()
    }

    /// Starts the dispatcher's workers if they are not running yet. Needs a tokio runtime;
    /// `serve` and `start` call it.
    pub fn start_dispatch(&self) {
        self.shared.pipeline.start();
        self.shared.readiness.advance(Readiness::Ready);
    }

    /// Emits the events of `effects`, the changes one accepted request made to `bucket`.
    pub(crate) fn emit(&self, bucket: &str, effects: Vec<Effect>, origin: &Origin<'_>) {
        self.shared
            .pipeline
            .emit(&self.shared.s3, bucket, effects, origin);
    }

    /// Forgets every bucket, function, trace and destination record.
    pub fn reset(&self) {
        self.shared.s3.clear();
        self.shared.lambda.registry().clear();
        self.shared.journal.clear();
        self.dispatcher().records().clear();
        self.shared.logs.clear();
        self.shared.iam.clear();
    }

    /// Waits up to `grace` for every queued and running event delivery to finish (retries
    /// included); reports what was still in flight when the grace period ended.
    pub async fn drain(&self, grace: Duration) -> DrainReport {
        let journal = self.journal();
        if journal.wait_idle(grace).await {
            return DrainReport::default();
        }
        let pending = Query {
            outcome: Some(Outcome::Pending),
            limit: Some(DrainReport::EXAMPLES),
            ..Query::default()
        };
        let examples = journal
            .query(&pending)
            .into_iter()
            .map(|v| format!("{} s3://{}/{}", v.id, v.source.bucket, v.source.key))
            .collect();
        DrainReport {
            dropped: journal.pending(),
            examples,
        }
    }
}

/// What [`Simulator::drain`] left undone.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DrainReport {
    /// Event deliveries still queued or running when the grace period ended.
    pub dropped: usize,
    /// Some of their events (at most [`DrainReport::EXAMPLES`]), as `evt-id s3://bucket/key`.
    pub examples: Vec<String>,
}

impl DrainReport {
    /// How many dropped events a report names.
    pub const EXAMPLES: usize = 10;
}

/// A simulator serving HTTP in the background (started by `Simulator::start`, which the edge
/// defines). Dropping it stops the server.
pub struct Server {
    addr: SocketAddr,
    sim: Simulator,
    stop: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl Server {
    /// A handle on a server task running on `addr`, stopped by sending on `stop`.
    pub(crate) fn running(
        addr: SocketAddr,
        sim: Simulator,
        stop: oneshot::Sender<()>,
        task: tokio::task::JoinHandle<()>,
    ) -> Self {
        Self {
            addr,
            sim,
            stop: Some(stop),
            task: Some(task),
        }
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://{addr}`, for a client's endpoint URL.
    pub fn endpoint(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The simulator behind the server.
    pub fn simulator(&self) -> &Simulator {
        &self.sim
    }

    /// Stops accepting, lets open requests finish, and waits for the server task.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}
