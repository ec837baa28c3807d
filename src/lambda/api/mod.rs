//! The Lambda REST-JSON API (2015-03-31): request and response types, the `Lambda` service
//! handle, and the `Invoker` seam through which Invoke runs code.
//!
//! One file per operation family (functions, versions, aliases, policy, invoke); `router`
//! matches method and path; `wire` holds the shared JSON shapes. Errors are returned as
//! `LambdaError` and rendered once, by [`LambdaError::to_response`].
//!
//! <https://docs.aws.amazon.com/lambda/latest/api/API_Operations.html>

pub mod access;
pub mod account;
pub mod aliases;
pub mod concurrency;
pub mod functions;
pub mod invoke;
pub mod invoke_config;
pub mod policy;
pub mod router;
pub mod tags;
pub mod versions;
pub mod wire;

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use bytes::Bytes;

use super::config::FunctionConfig;
use super::error::LambdaError;
use super::registry::{Registry, Resolved};
use router::Route;

/// A Lambda API request as the edge hands it over (after SigV4 verification).
#[derive(Debug, Clone)]
pub struct LambdaRequest {
    /// HTTP method.
    pub method: http::Method,
    /// Raw path including the `/2015-03-31` prefix (percent-encoded as received).
    pub path: String,
    /// Decoded query parameters.
    pub query: Vec<(String, String)>,
    /// Request headers.
    pub headers: http::HeaderMap,
    /// Request body.
    pub body: Bytes,
    /// The caller's account (from the access key). Operations act in the account
    /// [`access::owner`] decides from it, never in one taken from an ARN.
    pub account_id: String,
    /// The region (from the credential scope).
    pub region: String,
    /// The request id the edge assigned.
    pub request_id: String,
}

/// How Invoke runs the function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvocationType {
    /// Synchronous: wait for the result.
    RequestResponse,
    /// Asynchronous: queue and return 202.
    Event,
    /// Validate parameters and access only.
    DryRun,
}

/// One invocation handed to the code runner.
#[derive(Debug, Clone)]
pub struct InvokeRequest {
    /// The resolved version with its configuration and code.
    pub resolved: Resolved,
    /// The ARN the caller invoked (alias ARN for an alias).
    pub invoked_arn: String,
    /// The event payload (JSON).
    pub payload: Bytes,
    /// How to invoke.
    pub invocation_type: InvocationType,
    /// The request id.
    pub request_id: String,
}

/// What the code runner returns.
#[derive(Debug, Clone, Default)]
pub struct InvokeResponse {
    /// The function's result (or error document).
    pub payload: Bytes,
    /// `Handled` or `Unhandled` when the function failed.
    pub function_error: Option<String>,
    /// The invocation's log (the API sends at most its last 4 KB).
    pub log_tail: Option<String>,
    /// The version that ran.
    pub executed_version: String,
}

/// The boxed future an [`Invoker`] returns.
pub type InvokeFuture = Pin<Box<dyn Future<Output = Result<InvokeResponse, LambdaError>> + Send>>;

/// What [`Invoker::prepare`] returns: `Err` with the reason the code cannot run.
pub type PrepareFuture = Pin<Box<dyn Future<Output = Result<(), String>> + Send>>;

/// Runs code; implemented elsewhere (the simulator wires the wasmtime runtime in).
pub trait Invoker: Send + Sync {
    /// Runs one invocation.
    fn invoke(&self, req: InvokeRequest) -> InvokeFuture;

    /// Makes a version's code ready to run (for a Node.js or Python function: its
    /// language engine loaded and its source in place), while the function is `Pending`.
    fn prepare(&self, config: Arc<FunctionConfig>) -> PrepareFuture {
        drop(config);
        Box::pin(std::future::ready(Ok(())))
    }
}

/// The Lambda service: registry plus invoker. Cheap to clone.
#[derive(Clone)]
pub struct Lambda {
    registry: Arc<Registry>,
    invoker: Arc<dyn Invoker>,
}

impl std::fmt::Debug for Lambda {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Lambda")
            .field("registry", &self.registry)
            .finish_non_exhaustive()
    }
}

impl Lambda {
    /// A service with an empty registry.
    pub fn new(invoker: Arc<dyn Invoker>) -> Self {
        Self::with_registry(Arc::new(Registry::new()), invoker)
    }

    /// A service over an existing (shared) registry.
    pub fn with_registry(registry: Arc<Registry>, invoker: Arc<dyn Invoker>) -> Self {
        Self { registry, invoker }
    }

    /// The registry.
    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    /// The registry handle, for sharing with the dispatcher.
    pub fn registry_arc(&self) -> Arc<Registry> {
        Arc::clone(&self.registry)
    }

    /// Handles one request. Errors are rendered by the caller with
    /// [`LambdaError::to_response`].
    pub async fn handle(&self, req: LambdaRequest) -> Result<http::Response<Bytes>, LambdaError> {
        let handled = self.route(req).await;
        self.prepare_queued();
        handled
    }

    /// Makes the code of the functions a request left `Pending` ready, in the background,
    /// and settles their state.
    fn prepare_queued(&self) {
        for config in self.registry.take_unprepared() {
            let invoker = Arc::clone(&self.invoker);
            let registry = Arc::clone(&self.registry);
            tokio::spawn(async move {
                let result = invoker.prepare(Arc::clone(&config)).await;
                registry.settle(&config, result);
            });
        }
    }

    async fn route(&self, req: LambdaRequest) -> Result<http::Response<Bytes>, LambdaError> {
        let route = router::route_with_query(&req.method, &req.path, &req.query)?;
        tracing::debug!(?route, request_id = %req.request_id, "lambda request");
        let reg = &*self.registry;
        let r = &req;
        // The one place that decides which account's function the request touches.
        let account = match route.function_action() {
            Some((name, action)) => access::owner(reg, r, action, name)?,
            None => r.account_id.clone(),
        };
        let a = account.as_str();
        match route {
            // Decoding and unzipping a deployment package is seconds of CPU for a large one:
            // these run on a blocking thread so the async workers keep serving.
            Route::CreateFunction => {
                self.blocking(req, move |reg, r| {
                    functions::create_function(reg, r, &account)
                })
                .await
            }
            Route::ListFunctions => functions::list_functions(reg, r, a),
            Route::GetFunction(f) => functions::get_function(reg, r, a, &f),
            Route::DeleteFunction(f) => functions::delete_function(reg, r, a, &f),
            Route::GetFunctionConfiguration(f) => {
                functions::get_function_configuration(reg, r, a, &f)
            }
            Route::UpdateFunctionConfiguration(f) => {
                self.blocking(req, move |reg, r| {
                    functions::update_function_configuration(reg, r, &account, &f)
                })
                .await
            }
            Route::UpdateFunctionCode(f) => {
                self.blocking(req, move |reg, r| {
                    functions::update_function_code(reg, r, &account, &f)
                })
                .await
            }
            Route::PublishVersion(f) => versions::publish_version(reg, r, a, &f),
            Route::ListVersionsByFunction(f) => versions::list_versions(reg, r, a, &f),
            Route::CreateAlias(f) => aliases::create_alias(reg, r, a, &f),
            Route::ListAliases(f) => aliases::list_aliases(reg, r, a, &f),
            Route::GetAlias(f, al) => aliases::get_alias(reg, r, a, &f, &al),
            Route::UpdateAlias(f, al) => aliases::update_alias(reg, r, a, &f, &al),
            Route::DeleteAlias(f, al) => aliases::delete_alias(reg, r, a, &f, &al),
            Route::AddPermission(f) => policy::add_permission(reg, r, a, &f),
            Route::GetPolicy(f) => policy::get_policy(reg, r, a, &f),
            Route::RemovePermission(f, s) => policy::remove_permission(reg, r, a, &f, &s),
            Route::Invoke(f) => invoke::invoke(reg, &self.invoker, r, a, &f).await,
            Route::PutFunctionEventInvokeConfig(f) => invoke_config::put(reg, r, a, &f, false),
            Route::UpdateFunctionEventInvokeConfig(f) => invoke_config::put(reg, r, a, &f, true),
            Route::GetFunctionEventInvokeConfig(f) => invoke_config::get(reg, r, a, &f),
            Route::DeleteFunctionEventInvokeConfig(f) => invoke_config::delete(reg, r, a, &f),
            Route::ListFunctionEventInvokeConfigs(f) => invoke_config::list(reg, r, a, &f),
            Route::PutFunctionConcurrency(f) => concurrency::put(reg, r, a, &f),
            Route::GetFunctionConcurrency(f) => concurrency::get(reg, r, a, &f),
            Route::DeleteFunctionConcurrency(f) => concurrency::delete(reg, r, a, &f),
            Route::GetAccountSettings => account::get_account_settings(reg, r, a),
            Route::ListLayers => Ok(account::empty_list(r, "Layers")),
            Route::ListEventSourceMappings => Ok(account::empty_list(r, "EventSourceMappings")),
            Route::GetFunctionRecursionConfig(f) => {
                let terminate = serde_json::json!({ "RecursiveLoop": "Terminate" });
                account::default_setting(reg, r, a, &f, &terminate)
            }
            Route::GetFunctionCodeSigningConfig(f) => {
                account::default_setting(reg, r, a, &f, &serde_json::json!({}))
            }
            Route::GetRuntimeManagementConfig(f) => {
                account::get_runtime_management_config(reg, r, a, &f)
            }
            Route::ListTags(f) => tags::list(reg, r, a, &f),
            Route::TagResource(f) => tags::tag(reg, r, a, &f),
            Route::UntagResource(f) => tags::untag(reg, r, a, &f),
        }
    }

    /// Runs `op` on the runtime's blocking pool, off the async workers.
    async fn blocking(
        &self,
        req: LambdaRequest,
        op: impl FnOnce(&Registry, &LambdaRequest) -> Result<http::Response<Bytes>, LambdaError>
        + Send
        + 'static,
    ) -> Result<http::Response<Bytes>, LambdaError> {
        let registry = Arc::clone(&self.registry);
        tokio::task::spawn_blocking(move || op(&registry, &req))
            .await
            .map_err(|e| {
                tracing::error!(error = %e, "lambda operation did not complete");
                LambdaError::Service("The operation did not complete.".into())
            })?
    }

    /// Handles one request and renders errors: always a response.
    pub async fn handle_response(&self, req: LambdaRequest) -> http::Response<Bytes> {
        let rid = req.request_id.clone();
        match self.handle(req).await {
            Ok(r) => r,
            Err(e) => {
                if e.is_client_error() {
                    tracing::debug!(
                        code = e.code(),
                        message = e.message(),
                        "lambda client error"
                    );
                } else {
                    tracing::error!(code = e.code(), message = e.message(), "lambda error");
                }
                e.to_response(&rid)
            }
        }
    }
}

#[cfg(test)]
mod tests;
