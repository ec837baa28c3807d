//! Runs a resolved function version in the WebAssembly runtime: the one place where Lambda's
//! view of a function (registry snapshot) meets the runtime's (component, limits, log).
//! Both the `Invoke` API and the S3 dispatcher run code through it, and every run's log
//! lines land in the function's CloudWatch log stream.

use std::sync::Arc;

use bytes::Bytes;

use super::prepared::{Prepared, PreparedCache};
use crate::lambda::registry::Resolved;
use crate::logs::{LogStore, lambda_group_name, lambda_stream_name, now_ms};
use crate::runtime::{Invocation, Outcome, Runtime, RuntimeError};

/// Turns a [`Resolved`] function version into a runtime invocation. Cheap to clone: clones
/// share the template cache.
#[derive(Clone)]
pub(crate) struct Executor {
    runtime: Runtime,
    logs: LogStore,
    /// One execution-environment id per simulator, as Lambda names log streams after one.
    environment_id: Arc<str>,
    prepared: Arc<PreparedCache>,
}

impl Executor {
    pub fn new(runtime: Runtime, logs: LogStore) -> Self {
        Self {
            runtime,
            logs,
            environment_id: uuid::Uuid::new_v4().simple().to_string().into(),
            prepared: Arc::default(),
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
        let package = &config.code;
        let cache_key = format!("{}:{}", package.sha256, package.wasm_path);
        let code = if let Some(code) = self.runtime.cached(&cache_key) {
            code
        } else {
            // Compiling takes milliseconds: never on a tokio worker.
            let runtime = self.runtime.clone();
            let wasm = Arc::clone(&package.wasm);
            tokio::task::spawn_blocking(move || runtime.load(&cache_key, &wasm))
                .await
                .map_err(|e| RuntimeError::Internal(format!("compile task: {e}")))??
        };
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
            env: config
                .environment
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        });
        Ok(self.prepared.insert(config, prepared))
    }
}
