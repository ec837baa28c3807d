//! Asynchronous invocation configuration per qualifier: Put/Update/Get/Delete/List
//! FunctionEventInvokeConfig.

use dashmap::mapref::one::RefMut;

use super::scope::Scope;
use super::store::{Function, FunctionKey, Registry};
use crate::arn::{FunctionRef, Qualifier};
use crate::lambda::error::LambdaError;
use crate::lambda::invoke_config::{EventInvokeConfig, epoch_now};

impl Registry {
    /// The function and qualifier key (`$LATEST` when unqualified) of an event invoke config;
    /// the qualifier must exist.
    fn invoke_config_target(
        &self,
        account: &str,
        region: &str,
        r: &FunctionRef,
    ) -> Result<(RefMut<'_, FunctionKey, Function>, Qualifier), LambdaError> {
        let f = self.get_mut_or(account, region, r, |_| {
            LambdaError::ResourceNotFound("The function doesn't exist.".into())
        })?;
        let q = Scope::of(r).qualifier();
        f.check_scope(&Scope::Qualified(q.clone()))?;
        Ok((f, q))
    }

    /// PutFunctionEventInvokeConfig (`merge = false`, overwrites) or
    /// UpdateFunctionEventInvokeConfig (`merge = true`). Returns the config and the qualified ARN.
    pub fn put_event_invoke_config(
        &self,
        account: &str,
        region: &str,
        r: &FunctionRef,
        mut config: EventInvokeConfig,
        merge: bool,
    ) -> Result<(EventInvokeConfig, String), LambdaError> {
        config.validate(!merge)?;
        config.last_modified = epoch_now();
        let (mut f, q) = self.invoke_config_target(account, region, r)?;
        let arn = f.qualified(&q);
        let stored = match (merge, f.event_invoke_configs.get(&q).cloned()) {
            (true, Some(mut existing)) => {
                existing.merge(config);
                existing
            }
            _ => config,
        };
        f.event_invoke_configs.insert(q, stored.clone());
        Ok((stored, arn))
    }

    /// GetFunctionEventInvokeConfig.
    pub fn get_event_invoke_config(
        &self,
        account: &str,
        region: &str,
        r: &FunctionRef,
    ) -> Result<(EventInvokeConfig, String), LambdaError> {
        let (f, q) = self.invoke_config_target(account, region, r)?;
        let arn = f.qualified(&q);
        f.event_invoke_configs
            .get(&q)
            .cloned()
            .map(|c| (c, arn.clone()))
            .ok_or_else(|| {
                LambdaError::ResourceNotFound(format!(
                    "The function {arn} doesn't have an EventInvokeConfig"
                ))
            })
    }

    /// DeleteFunctionEventInvokeConfig.
    pub fn delete_event_invoke_config(
        &self,
        account: &str,
        region: &str,
        r: &FunctionRef,
    ) -> Result<(), LambdaError> {
        let (mut f, q) = self.invoke_config_target(account, region, r)?;
        let arn = f.qualified(&q);
        f.event_invoke_configs
            .remove(&q)
            .map(|_| ())
            .ok_or_else(|| {
                LambdaError::ResourceNotFound(format!(
                    "The function {arn} doesn't have an EventInvokeConfig"
                ))
            })
    }

    /// ListFunctionEventInvokeConfigs (all qualifiers of a function, with their ARNs).
    pub fn list_event_invoke_configs(
        &self,
        account: &str,
        region: &str,
        r: &FunctionRef,
    ) -> Result<Vec<(EventInvokeConfig, String)>, LambdaError> {
        let f = self.get_mut_or(account, region, r, |_| {
            LambdaError::ResourceNotFound("The function doesn't exist.".into())
        })?;
        let mut out: Vec<(EventInvokeConfig, String)> = f
            .event_invoke_configs
            .iter()
            .map(|(q, c)| (c.clone(), f.qualified(q)))
            .collect();
        out.sort_by(|a, b| a.1.cmp(&b.1));
        Ok(out)
    }
}
