//! Runs a resolved function version in the WebAssembly runtime: the one place where Lambda's
//! view of a function (registry snapshot) meets the runtime's (component, limits, log).
//! Both the `Invoke` API and the S3 dispatcher run code through it.

use std::sync::Arc;

use bytes::Bytes;

use crate::lambda::registry::Resolved;
use crate::runtime::{Invocation, Outcome, Runtime, RuntimeError};

/// Turns a [`Resolved`] function version into a runtime invocation.
#[derive(Clone)]
pub(crate) struct Executor {
    runtime: Runtime,
    /// One execution-environment id per simulator, as Lambda names log streams after one.
    environment_id: Arc<str>,
}

impl Executor {
    pub fn new(runtime: Runtime) -> Self {
        Self {
            runtime,
            environment_id: uuid::Uuid::new_v4().simple().to_string().into(),
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
        let config = &resolved.config;
        let package = &config.code;
        let cache_key = format!("{}:{}", package.sha256, package.wasm_path);
        let code = self.runtime.load(&cache_key, &package.wasm)?;
        let invocation = Invocation {
            payload,
            request_id,
            invoked_function_arn: invoked_arn,
            function_name: resolved.function_name.clone(),
            function_version: resolved.executed_version.clone(),
            memory_mb: config.memory_size,
            timeout: std::time::Duration::from_secs(u64::from(config.timeout)),
            env: config
                .environment
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
            log_group: format!("/aws/lambda/{}", resolved.function_name),
            log_stream: self.log_stream(&resolved.executed_version),
            reserved_concurrency: None,
        };
        self.runtime.invoke_async(code, invocation).await
    }

    /// Lambda's stream name: `YYYY/MM/DD/[VERSION]` and the environment id.
    pub fn log_stream(&self, version: &str) -> String {
        let today = time::OffsetDateTime::now_utc().date();
        format!(
            "{:04}/{:02}/{:02}/[{version}]{}",
            today.year(),
            u8::from(today.month()),
            today.day(),
            self.environment_id
        )
    }
}
