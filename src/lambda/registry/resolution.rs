//! Resolution: a function reference to what runs (version, configuration snapshot, policy,
//! event invoke configuration, reserved concurrency), with weighted alias routing.

use std::sync::Arc;

use super::scope::Scope;
use super::store::Registry;
use crate::arn::{FunctionRef, Qualifier};
use crate::lambda::config::FunctionConfig;
use crate::lambda::error::LambdaError;
use crate::lambda::invoke_config::EventInvokeConfig;
use crate::lambda::policy::CompiledPolicy;

/// A function reference resolved to what runs.
#[derive(Debug, Clone)]
pub struct Resolved {
    /// The function name.
    pub function_name: String,
    /// The owning account.
    pub account: String,
    /// The region.
    pub region: String,
    /// The version that runs (`$LATEST` or a number, never an alias name).
    pub executed_version: String,
    /// The configuration snapshot of that version (timeout, memory, env, handler, code),
    /// shared with the registry.
    pub config: Arc<FunctionConfig>,
    /// The ARN as invoked (unqualified, or qualified with the given qualifier).
    pub invoked_arn: String,
    /// The policy scope that authorizes this invocation.
    pub policy_scope: Scope,
    /// That scope's policy document (empty if none), parsed for evaluation.
    pub policy: Arc<CompiledPolicy>,
    /// The asynchronous invocation configuration of the invoked qualifier (`$LATEST` when
    /// unqualified), if one was put.
    pub event_invoke_config: Option<EventInvokeConfig>,
    /// The function's reserved concurrency (per function, whatever the qualifier), if set.
    pub reserved_concurrency: Option<u32>,
}

impl Resolved {
    /// The wasm component bytes of the executed version, if it runs a component.
    pub fn wasm(&self) -> Option<Arc<[u8]>> {
        self.config.wasm()
    }
}

impl Registry {
    /// Resolves a reference to what runs, choosing between weighted alias versions with a
    /// random number.
    pub fn resolve(
        &self,
        account: &str,
        region: &str,
        r: &FunctionRef,
    ) -> Result<Resolved, LambdaError> {
        self.resolve_with(account, region, r, rand::random::<f64>())
    }

    /// Resolves with a given number `roll` in `[0, 1)`: with weights `{v: w}`, `roll < w`
    /// runs `v`, otherwise the primary version.
    pub fn resolve_with(
        &self,
        account: &str,
        region: &str,
        r: &FunctionRef,
        roll: f64,
    ) -> Result<Resolved, LambdaError> {
        let f = self.get(account, region, r)?;
        // `$LATEST` has no policy of its own (AddPermission refuses it): the unqualified
        // function's policy covers it.
        let scope = Scope::of(r).policy_scope();
        let (config, invoked_arn) = match r.qualifier_kind() {
            None => (Arc::clone(&f.latest), f.arn()),
            Some(Qualifier::Alias(a)) => {
                let alias = f
                    .aliases
                    .get(&a)
                    .ok_or_else(|| LambdaError::function_not_found(&f.qualified(&a)))?;
                let mut chosen = alias.function_version.as_str();
                let mut acc = 0.0;
                for (v, w) in &alias.additional_version_weights {
                    acc += w;
                    if roll < acc {
                        chosen = v;
                        break;
                    }
                }
                (Arc::clone(f.version(chosen)?), alias.alias_arn.clone())
            }
            Some(q) => {
                let q = q.to_string();
                (Arc::clone(f.version(&q)?), f.qualified(&q))
            }
        };
        Ok(Resolved {
            function_name: f.latest.function_name.clone(),
            account: f.latest.account.clone(),
            region: f.latest.region.clone(),
            executed_version: config.version.clone(),
            policy: f
                .policies
                .get(&scope)
                .map_or_else(|| Arc::new(CompiledPolicy::default()), Arc::clone),
            event_invoke_config: f.event_invoke_configs.get(&scope.qualifier()).cloned(),
            config,
            invoked_arn,
            policy_scope: scope,
            reserved_concurrency: f.reserved_concurrency,
        })
    }
}
