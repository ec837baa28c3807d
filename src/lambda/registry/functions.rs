//! Functions: CreateFunction, GetFunction, ListFunctions, UpdateFunctionCode,
//! UpdateFunctionConfiguration and DeleteFunction on the stored `$LATEST`.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::scope::Scope;
use super::store::{Function, FunctionKey, Registry, page};
use super::validate::{
    FUNCTION_REVISION_MSG, check_revision, only_latest, validate_environment, validate_range,
    validate_role,
};
use crate::arn::{self, ArnError, FunctionRef, Qualifier};
use crate::lambda::config::{FunctionConfig, Lifecycle, now, revision};
use crate::lambda::error::LambdaError;
use crate::lambda::input::{CodeUpdate, ConfigUpdate, CreateFunction};
use crate::lambda::{limits, package, runtimes};

/// What a read returns: the configuration and the ARN to show as `FunctionArn`.
#[derive(Debug, Clone)]
pub struct FunctionView {
    /// The configuration (of `$LATEST`, a version, or the version an alias points to).
    pub config: FunctionConfig,
    /// Unqualified for an unqualified reference, else the qualified ARN (alias ARN for an alias).
    pub arn: String,
    /// The function's tags.
    pub tags: BTreeMap<String, String>,
    /// The function's reserved concurrency (PutFunctionConcurrency), if set.
    pub reserved_concurrency: Option<u32>,
}

impl Registry {
    /// CreateFunction. Returns the `$LATEST` configuration, or version 1 with `publish`.
    pub fn create_function(
        &self,
        account: &str,
        region: &str,
        input: CreateFunction,
    ) -> Result<FunctionConfig, LambdaError> {
        let fref = FunctionRef::parse(&input.function_name, arn::NameKind::Plain)?;
        if fref.qualifier.is_some() {
            return Err(ArnError::pattern(
                &input.function_name,
                "functionName",
                arn::FUNCTION_NAME_PATTERN,
            )
            .into());
        }
        limits::description(input.description.as_deref())?;
        limits::handler(input.handler.as_deref())?;
        limits::runtime(input.runtime.as_deref())?;
        self.runtimes.check(input.runtime.as_deref())?;
        limits::architectures(input.architectures.as_deref())?;
        limits::tags(&input.tags)?;
        validate_role(&input.role)?;
        let timeout = input.timeout.unwrap_or(3);
        validate_range(timeout, "timeout", 1, 900)?;
        let memory_size = input.memory_size.unwrap_or(128);
        validate_range(memory_size, "memorySize", 128, 10240)?;
        let ephemeral_storage = input.ephemeral_storage.unwrap_or(512);
        validate_range(ephemeral_storage, "ephemeralStorage.size", 512, 10240)?;
        validate_environment(&input.environment)?;
        let code = self.packages.open(
            &input.zip_file,
            input.handler.as_deref(),
            runtimes::layout(input.runtime.as_deref()),
        )?;
        let key = FunctionKey::of(account, region, &fref);
        let latest = FunctionConfig {
            function_name: key.name.clone(),
            account: key.account.clone(),
            region: key.region.clone(),
            version: arn::LATEST.into(),
            runtime: input.runtime,
            role: input.role,
            handler: input.handler,
            description: input.description.unwrap_or_default(),
            timeout,
            memory_size,
            environment: input.environment,
            code: Arc::new(code),
            last_modified: now(),
            revision_id: revision(),
            architectures: input.architectures.unwrap_or_else(|| vec!["x86_64".into()]),
            ephemeral_storage,
            lifecycle: Lifecycle::Active,
        };
        let mut f = Function::new(latest, input.tags);
        self.start_preparing(&mut f, Lifecycle::Creating);
        let entry = self.functions.entry(key.clone());
        if let dashmap::Entry::Occupied(_) = entry {
            return Err(LambdaError::ResourceConflict(format!(
                "Function already exist: {}",
                key.name
            )));
        }
        let out = if input.publish {
            f.publish(None)
        } else {
            FunctionConfig::clone(&f.latest)
        };
        tracing::debug!(function = %key.name, account = %key.account, region = %key.region, "function created");
        entry.insert(f);
        Ok(out)
    }

    /// GetFunction / GetFunctionConfiguration.
    pub fn get_function(
        &self,
        account: &str,
        region: &str,
        r: &FunctionRef,
    ) -> Result<FunctionView, LambdaError> {
        let f = self.get(account, region, r)?;
        let (config, arn) = match r.qualifier_kind() {
            None => (FunctionConfig::clone(&f.latest), f.arn()),
            Some(Qualifier::Alias(a)) => {
                let alias = f
                    .aliases
                    .get(&a)
                    .ok_or_else(|| LambdaError::function_not_found(&f.qualified(&a)))?;
                (
                    FunctionConfig::clone(f.version(&alias.function_version)?),
                    alias.alias_arn.clone(),
                )
            }
            Some(q) => {
                let q = q.to_string();
                (FunctionConfig::clone(f.version(&q)?), f.qualified(&q))
            }
        };
        Ok(FunctionView {
            config,
            arn,
            tags: f.tags.clone(),
            reserved_concurrency: f.reserved_concurrency,
        })
    }

    /// ListFunctions (`$LATEST` of each function, sorted by name; marker = next name).
    pub fn list_functions(
        &self,
        account: &str,
        region: &str,
        marker: Option<&str>,
        max: Option<usize>,
    ) -> (Vec<FunctionConfig>, Option<String>) {
        let mut all: Vec<FunctionConfig> = self
            .functions
            .iter()
            .filter(|e| e.key().is_in(account, region))
            .map(|e| FunctionConfig::clone(&e.latest))
            .collect();
        all.sort_by(|a, b| a.function_name.cmp(&b.function_name));
        page(&all, |c| c.function_name.clone(), marker, max)
    }

    /// ListFunctions with `FunctionVersion=ALL`: `$LATEST` and every published version of each
    /// function, by name then version; marker = `name:version` of the next entry.
    pub fn list_functions_all_versions(
        &self,
        account: &str,
        region: &str,
        marker: Option<&str>,
        max: Option<usize>,
    ) -> (Vec<FunctionConfig>, Option<String>) {
        let mut all: Vec<(String, u64, FunctionConfig)> = Vec::new();
        for e in self
            .functions
            .iter()
            .filter(|e| e.key().is_in(account, region))
        {
            all.push((e.key().name.clone(), 0, FunctionConfig::clone(&e.latest)));
            all.extend(
                e.versions
                    .iter()
                    .map(|(n, c)| (e.key().name.clone(), *n, FunctionConfig::clone(c))),
            );
        }
        all.sort_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
        let all: Vec<FunctionConfig> = all.into_iter().map(|(_, _, c)| c).collect();
        page(
            &all,
            |c| format!("{}:{}", c.function_name, c.version),
            marker,
            max,
        )
    }

    /// UpdateFunctionCode. Returns `$LATEST`, or the new version with `publish`.
    pub fn update_function_code(
        &self,
        account: &str,
        region: &str,
        r: &FunctionRef,
        input: CodeUpdate,
    ) -> Result<FunctionConfig, LambdaError> {
        only_latest(r)?;
        limits::architectures(input.architectures.as_deref())?;
        // Unzip before taking the function's write lock: it can take seconds.
        let (handler, runtime) = {
            let f = self.get(account, region, r)?;
            (f.latest.handler.clone(), f.latest.runtime.clone())
        };
        let open = |handler: Option<&str>, runtime: Option<&str>| {
            self.packages
                .open(&input.zip_file, handler, runtimes::layout(runtime))
        };
        let mut code = open(handler.as_deref(), runtime.as_deref())?;
        let mut f = self.get_mut(account, region, r)?;
        check_revision(
            input.revision_id.as_deref(),
            &f.latest.revision_id,
            FUNCTION_REVISION_MSG,
        )?;
        if f.latest.handler != handler || f.latest.runtime != runtime {
            // The handler or runtime changed meanwhile: open the package for them.
            code = open(f.latest.handler.as_deref(), f.latest.runtime.as_deref())?;
        }
        let latest = Arc::make_mut(&mut f.latest);
        latest.code = Arc::new(code);
        if let Some(a) = input.architectures {
            latest.architectures = a;
        }
        latest.last_modified = now();
        f.bump();
        self.start_preparing(&mut f, Lifecycle::Updating);
        Ok(if input.publish {
            f.publish(None)
        } else {
            FunctionConfig::clone(&f.latest)
        })
    }

    /// UpdateFunctionConfiguration.
    pub fn update_function_configuration(
        &self,
        account: &str,
        region: &str,
        r: &FunctionRef,
        u: ConfigUpdate,
    ) -> Result<FunctionConfig, LambdaError> {
        only_latest(r)?;
        limits::description(u.description.as_deref())?;
        limits::handler(u.handler.as_deref())?;
        limits::runtime(u.runtime.as_deref())?;
        self.runtimes.check(u.runtime.as_deref())?;
        if let Some(t) = u.timeout {
            validate_range(t, "timeout", 1, 900)?;
        }
        if let Some(m) = u.memory_size {
            validate_range(m, "memorySize", 128, 10240)?;
        }
        if let Some(s) = u.ephemeral_storage {
            validate_range(s, "ephemeralStorage.size", 512, 10240)?;
        }
        if let Some(role) = &u.role {
            validate_role(role)?;
        }
        if let Some(env) = &u.environment {
            validate_environment(env)?;
        }
        // A new handler selects its component in the current package, and a runtime of
        // another layout opens the package anew: unzipped before taking the function's write
        // lock, as it can take seconds.
        let reopen = |latest: &FunctionConfig| {
            let handler = u.handler.as_deref().or(latest.handler.as_deref());
            let runtime = u.runtime.as_deref().or(latest.runtime.as_deref());
            let layout = runtimes::layout(runtime);
            let needed = layout != runtimes::layout(latest.runtime.as_deref())
                || (u.handler.is_some() && layout == package::Layout::Component);
            needed.then(|| self.packages.open(&latest.code.archive, handler, layout))
        };
        let mut selected = {
            let current = Arc::clone(&self.get(account, region, r)?.latest);
            reopen(&current).transpose()?
        };
        let mut f = self.get_mut(account, region, r)?;
        check_revision(
            u.revision_id.as_deref(),
            &f.latest.revision_id,
            FUNCTION_REVISION_MSG,
        )?;
        if selected
            .as_ref()
            .is_some_and(|code| code.sha256 != f.latest.code.sha256)
        {
            // The code changed meanwhile.
            selected = reopen(&f.latest).transpose()?;
        }
        let reopened = selected.is_some();
        if let Some(code) = selected {
            Arc::make_mut(&mut f.latest).code = Arc::new(code);
        }
        let l = Arc::make_mut(&mut f.latest);
        if let Some(t) = u.timeout {
            l.timeout = t;
        }
        if let Some(m) = u.memory_size {
            l.memory_size = m;
        }
        if let Some(e) = u.environment {
            l.environment = e;
        }
        if let Some(d) = u.description {
            l.description = d;
        }
        if u.handler.is_some() {
            l.handler = u.handler;
        }
        if u.runtime.is_some() {
            l.runtime = u.runtime;
        }
        if let Some(role) = u.role {
            l.role = role;
        }
        if let Some(s) = u.ephemeral_storage {
            l.ephemeral_storage = s;
        }
        l.last_modified = now();
        f.bump();
        if reopened {
            self.start_preparing(&mut f, Lifecycle::Updating);
        }
        Ok(FunctionConfig::clone(&f.latest))
    }

    /// DeleteFunction: the whole function (no qualifier) or one version.
    pub fn delete_function(
        &self,
        account: &str,
        region: &str,
        r: &FunctionRef,
    ) -> Result<(), LambdaError> {
        match r.qualifier_kind() {
            None => {
                let key = FunctionKey::of(account, region, r);
                self.functions
                    .remove(&key)
                    .map(|_| ())
                    .ok_or_else(|| LambdaError::function_not_found(&key.arn()))
            }
            Some(Qualifier::Latest) => {
                self.get_mut_or(account, region, r, |a| LambdaError::function_not_found(&a))?;
                Err(LambdaError::InvalidParameterValue(
                    "$LATEST version cannot be deleted without deleting the function.".into(),
                ))
            }
            Some(Qualifier::Version(n)) => {
                let mut f =
                    self.get_mut_or(account, region, r, |a| LambdaError::function_not_found(&a))?;
                let v = n.to_string();
                f.version(&v)?;
                let users: Vec<String> = f
                    .aliases
                    .values()
                    .filter(|a| {
                        a.function_version == v || a.additional_version_weights.contains_key(&v)
                    })
                    .map(|a| a.name.clone())
                    .collect();
                if !users.is_empty() {
                    return Err(LambdaError::ResourceConflict(format!(
                        "Unable to delete version because the following aliases reference it: [{}]",
                        users.join(", ")
                    )));
                }
                f.versions.remove(&n);
                f.event_invoke_configs.remove(&Qualifier::Version(n));
                f.policies.remove(&Scope::Qualified(Qualifier::Version(n)));
                Ok(())
            }
            Some(Qualifier::Alias(a)) => {
                let f =
                    self.get_mut_or(account, region, r, |a| LambdaError::function_not_found(&a))?;
                Err(LambdaError::InvalidParameterValue(format!(
                    "Deletion of aliases is not supported through DeleteFunction ({}); use DeleteAlias.",
                    f.qualified(&a)
                )))
            }
        }
    }
}
