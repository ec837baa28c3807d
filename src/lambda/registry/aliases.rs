//! Aliases and their routing weights: CreateAlias, GetAlias, UpdateAlias, DeleteAlias and
//! ListAliases.

use std::collections::BTreeMap;

use super::scope::Scope;
use super::store::{Function, Registry, page};
use super::validate::{
    FUNCTION_REVISION_MSG, check_revision, validate_alias_name, validate_version, validate_weights,
};
use crate::arn::{self, FunctionRef, Qualifier};
use crate::lambda::config::{Alias, revision};
use crate::lambda::error::LambdaError;
use crate::lambda::input::{AliasInput, AliasUpdate};
use crate::lambda::limits;

impl Function {
    /// Checks a routing config against existing versions.
    pub(super) fn check_routing(
        &self,
        primary: &str,
        weights: &BTreeMap<String, f64>,
    ) -> Result<(), LambdaError> {
        validate_weights(weights)?;
        if weights.is_empty() {
            return Ok(());
        }
        if primary == arn::LATEST {
            return Err(LambdaError::InvalidParameterValue(
                "$LATEST is not supported for an alias pointing to more than 1 version".into(),
            ));
        }
        for v in weights.keys() {
            if v == primary {
                return Err(LambdaError::InvalidParameterValue(format!(
                    "Invalid function version {v}. Function version {v} is already included in routing configuration."
                )));
            }
            self.version(v)?;
        }
        Ok(())
    }
}

impl Registry {
    /// CreateAlias.
    pub fn create_alias(
        &self,
        account: &str,
        region: &str,
        r: &FunctionRef,
        input: AliasInput,
    ) -> Result<Alias, LambdaError> {
        validate_alias_name(&input.name)?;
        validate_version(&input.function_version)?;
        limits::description(input.description.as_deref())?;
        let weights = input.additional_version_weights.unwrap_or_default();
        validate_weights(&weights)?;
        if r.qualifier.is_some() {
            return Err(LambdaError::InvalidParameterValue(
                "An alias cannot be created through a qualified function name; pass the unqualified name.".into(),
            ));
        }
        let mut f = self.get_mut(account, region, r)?;
        f.check_routing(&input.function_version, &weights)?;
        f.version(&input.function_version)?;
        let alias_arn = f.qualified(&input.name);
        if f.aliases.contains_key(&input.name) {
            return Err(LambdaError::ResourceConflict(format!(
                "Alias already exists: {alias_arn}"
            )));
        }
        let alias = Alias {
            name: input.name.clone(),
            alias_arn,
            function_version: input.function_version,
            description: input.description.unwrap_or_default(),
            additional_version_weights: weights,
            revision_id: revision(),
        };
        f.aliases.insert(input.name, alias.clone());
        Ok(alias)
    }

    /// GetAlias.
    pub fn get_alias(
        &self,
        account: &str,
        region: &str,
        r: &FunctionRef,
        name: &str,
    ) -> Result<Alias, LambdaError> {
        validate_alias_name(name)?;
        let f = self.get(account, region, r)?;
        f.aliases
            .get(name)
            .cloned()
            .ok_or_else(|| f.alias_not_found(name))
    }

    /// UpdateAlias: always issues a new RevisionId.
    pub fn update_alias(
        &self,
        account: &str,
        region: &str,
        r: &FunctionRef,
        name: &str,
        u: AliasUpdate,
    ) -> Result<Alias, LambdaError> {
        validate_alias_name(name)?;
        limits::description(u.description.as_deref())?;
        if let Some(v) = &u.function_version {
            validate_version(v)?;
        }
        if let Some(w) = &u.additional_version_weights {
            validate_weights(w)?;
        }
        let mut f = self.get_mut(account, region, r)?;
        let current = f.aliases.get(name).cloned().ok_or_else(|| {
            LambdaError::ResourceNotFound(format!("Alias not found: {}", f.qualified(name)))
        })?;
        check_revision(
            u.revision_id.as_deref(),
            &current.revision_id,
            FUNCTION_REVISION_MSG,
        )?;
        let version = u
            .function_version
            .unwrap_or_else(|| current.function_version.clone());
        let weights = u
            .additional_version_weights
            .unwrap_or_else(|| current.additional_version_weights.clone());
        f.check_routing(&version, &weights)?;
        f.version(&version)?;
        let updated = Alias {
            function_version: version,
            description: u.description.unwrap_or(current.description),
            additional_version_weights: weights,
            revision_id: revision(),
            ..current
        };
        f.aliases.insert(name.to_owned(), updated.clone());
        Ok(updated)
    }

    /// DeleteAlias: succeeds even if the alias does not exist; drops the alias's policy.
    pub fn delete_alias(
        &self,
        account: &str,
        region: &str,
        r: &FunctionRef,
        name: &str,
    ) -> Result<(), LambdaError> {
        validate_alias_name(name)?;
        let mut f = self.get_mut(account, region, r)?;
        f.aliases.remove(name);
        let q = Qualifier::Alias(name.to_owned());
        f.event_invoke_configs.remove(&q);
        f.policies.remove(&Scope::Qualified(q));
        Ok(())
    }

    /// ListAliases with an optional `FunctionVersion` filter; marker = next alias name.
    pub fn list_aliases(
        &self,
        account: &str,
        region: &str,
        r: &FunctionRef,
        function_version: Option<&str>,
        marker: Option<&str>,
        max: Option<usize>,
    ) -> Result<(Vec<Alias>, Option<String>), LambdaError> {
        if let Some(v) = function_version {
            validate_version(v)?;
        }
        let f = self.get(account, region, r)?;
        let all: Vec<Alias> = f
            .aliases
            .values()
            .filter(|a| function_version.is_none_or(|v| a.function_version == v))
            .cloned()
            .collect();
        Ok(page(&all, |a| a.name.clone(), marker, max))
    }
}
