//! Runs a resolved function version in the WebAssembly runtime: the one place where Lambda's
//! view of a function (registry snapshot) meets the runtime's (component, limits, log).
//! Both the `Invoke` API and the S3 dispatcher run code through it, and every run's log
//! lines land in the function's CloudWatch log stream.

use std::sync::Arc;

use bytes::Bytes;

use super::prepared::{Prepared, PreparedCache};
use crate::lambda::config::FunctionConfig;
use crate::lambda::package::Content;
use crate::lambda::registry::Resolved;
use crate::lambda::runtimes::{self, Family};
use crate::logs::{LogStore, lambda_group_name, lambda_stream_name, now_ms};
use crate::runtime::{Code, Invocation, Language, Outcome, Runtime, RuntimeError};

/// Turns a [`Resolved`] function version into a runtime invocation. Cheap to clone: clones
/// share the template cache.
#[derive(Clone)]
pub(crate) struct Executor {
    runtime: Runtime,
    logs: LogStore,
    /// One execution-environment id per simulator, as Lambda names log streams after one.
    environment_id: Arc<str>,
    prepared: Arc<PreparedCache>,
    /// Compiles and unzips to disk at once: one per core, so a burst of new functions
    /// cannot take every blocking thread.
    loads: Arc<tokio::sync::Semaphore>,
}

impl Executor {
    pub fn new(runtime: Runtime, logs: LogStore) -> Self {
        Self {
            runtime,
            logs,
            environment_id: uuid::Uuid::new_v4().simple().to_string().into(),
            prepared: Arc::default(),
            loads: Arc::new(tokio::sync::Semaphore::new(
                std::thread::available_parallelism().map_or(2, std::num::NonZero::get),
            )),
        }
    }

    /// Runs `payload` through the version `resolved` names, as invoked through `invoked_arn`.
    pub async fn run(
        &self,
        resolved: &Resolved,
        invoked_arn: String,
        payload: Bytes,
        request_id: String,
    ) -> Result<Outcome, RuntimeError> {
        let prepared = self.prepare(resolved).await?;
        let config = &resolved.config;
        let date = time::OffsetDateTime::now_utc().date();
        let log_stream = if date == prepared.stream_date {
            prepared.log_stream.clone()
        } else {
            lambda_stream_name(date, &resolved.executed_version, &self.environment_id)
        };
        let invocation = Invocation {
            payload,
            request_id,
            invoked_function_arn: invoked_arn,
            function_name: resolved.function_name.clone(),
            function_version: resolved.executed_version.clone(),
            memory_mb: config.memory_size,
            timeout: std::time::Duration::from_secs(u64::from(config.timeout)),
            env: Arc::clone(&prepared.env),
            log_group: prepared.log_group.clone(),
            log_stream: log_stream.clone(),
            reserved_concurrency: resolved.reserved_concurrency,
        };
        let outcome = self
            .runtime
            .invoke_async(prepared.code.clone(), invocation)
            .await?;
        let now = now_ms();
        self.logs.append(
            &resolved.account,
            &resolved.region,
            &prepared.log_group,
            &log_stream,
            outcome.log.lines().map(|line| (now, line.to_owned())),
        );
        Ok(outcome)
    }

    /// What every run of this version shares, derived once per configuration snapshot:
    /// the compiled code, the log group and stream names and the environment.
    async fn prepare(&self, resolved: &Resolved) -> Result<Arc<Prepared>, RuntimeError> {
        let config = &resolved.config;
        if let Some(prepared) = self.prepared.get(config) {
            return Ok(prepared);
        }
        let code = self.load(config).await?;
        let stream_date = time::OffsetDateTime::now_utc().date();
        let prepared = Arc::new(Prepared {
            code,
            log_group: lambda_group_name(&resolved.function_name),
            log_stream: lambda_stream_name(
                stream_date,
                &resolved.executed_version,
                &self.environment_id,
            ),
            stream_date,
            env: environment(config),
        });
        Ok(self.prepared.insert(config, prepared))
    }

    /// The compiled code of a version: its component, or its source in its language's
    /// engine. Loading is blocking work (a compile, an unzip to disk): never on a tokio
    /// worker.
    pub async fn load(&self, config: &FunctionConfig) -> Result<Code, RuntimeError> {
        let package = &config.code;
        let (key, language) = match &package.content {
            Content::Component { path, .. } => (format!("{}:{path}", package.sha256), None),
            Content::Source(_) => {
                let Some(family) = runtimes::family(config.runtime.as_deref()) else {
                    return Err(RuntimeError::InvalidCode(format!(
                        "the package holds source code, which runtime {} does not run",
                        config.runtime.as_deref().unwrap_or("(none)")
                    )));
                };
                let language = language(family);
                let key = format!("{}:{}", language.file_name(), package.sha256);
                (key, Some(language))
            }
        };
        if let Some(code) = self.runtime.cached(&key) {
            return Ok(code);
        }
        let runtime = self.runtime.clone();
        let content = package.content.clone();
        let _slot = self
            .loads
            .acquire()
            .await
            .map_err(|e| RuntimeError::Internal(format!("compile slots: {e}")))?;
        tokio::task::spawn_blocking(move || match (content, language) {
            (Content::Source(tree), Some(language)) => {
                runtime.load_source(language, &key, tree.files(), tree.owner())
            }
            (Content::Component { wasm, .. }, _) => runtime.load(&key, &wasm),
            // A source package always has its language (checked above).
            (Content::Source(_), None) => Err(RuntimeError::InvalidCode(
                "source code needs a Node.js or Python runtime".into(),
            )),
        })
        .await
        .map_err(|e| RuntimeError::Internal(format!("compile task: {e}")))?
    }
}

/// The engine that runs a source language.
fn language(family: Family) -> Language {
    match family {
        Family::Node => Language::Node,
        Family::Python => Language::Python,
    }
}

/// The environment of a version's runs: Lambda's reserved variables (the ones a function
/// sees whatever its configuration, apart from the `AWS_LAMBDA_*` ones the runtime adds per
/// invocation, `AWS_REGION` among them) with the function's own variables over them.
/// <https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime>
fn environment(config: &FunctionConfig) -> Arc<[(String, String)]> {
    let mut env: Vec<(String, String)> = vec![
        ("LAMBDA_TASK_ROOT".into(), "/var/task".into()),
        ("LAMBDA_RUNTIME_DIR".into(), "/var/runtime".into()),
        ("AWS_LAMBDA_INITIALIZATION_TYPE".into(), "on-demand".into()),
        ("TZ".into(), ":UTC".into()),
        ("LANG".into(), "en_US.UTF-8".into()),
    ];
    if let Some(handler) = &config.handler {
        env.push(("_HANDLER".into(), handler.clone()));
    }
    if let Some(runtime) = &config.runtime {
        env.push(("AWS_EXECUTION_ENV".into(), format!("AWS_Lambda_{runtime}")));
    }
    env.retain(|(k, _)| !config.environment.contains_key(k));
    env.extend(
        config
            .environment
            .iter()
            .map(|(k, v)| (k.clone(), v.clone())),
    );
    env.into()
}
