//! The function registry: functions per (account, region), `$LATEST`, published versions,
//! aliases with routing weights, per-qualifier resource policies, and resolution of a
//! function reference to the version that runs.
//!
//! State choice: a function is `Active` as soon as CreateFunction returns (no `Pending`
//! phase and no `StateReason`), so clients need no waiter; documented in the README.
//!
//! <https://docs.aws.amazon.com/lambda/latest/dg/configuration-versions.html>

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use dashmap::DashMap;
use dashmap::mapref::one::{Ref, RefMut};

use super::config::{Alias, Fingerprint, FunctionConfig, now, revision};
use super::error::LambdaError;
use super::invoke_config::{EventInvokeConfig, epoch_now};
use super::policy::{
    CompiledPolicy, Decision, PermissionRequest, Policy, RequestContext, Statement, build_statement,
};
use super::{limits, package};
use crate::arn::{self, ArnError, FunctionRef, Qualifier};

/// Default and maximum page size of the list operations.
pub const MAX_PAGE: usize = 50;

/// The account's concurrent executions limit per region (Lambda's default quota).
pub const ACCOUNT_CONCURRENCY_LIMIT: u32 = 1000;

/// The concurrency Lambda keeps unreserved for functions without a reservation.
pub const MIN_UNRESERVED_CONCURRENCY: u32 = 100;

const ALIAS_NAME_PATTERN: &str = "(?!^[0-9]+$)([a-zA-Z0-9-_]+)";
const VERSION_PATTERN: &str = r"(\$LATEST|[0-9]+)";
const ROLE_PATTERN: &str = r"arn:(aws[a-zA-Z-]*)?:iam::\d{12}:role/?[a-zA-Z_0-9+=,.@\-_/]+";

const FUNCTION_REVISION_MSG: &str = "GetFunction/GetAlias";
const POLICY_REVISION_MSG: &str = "GetPolicy";

/// CreateFunction's parameters.
#[derive(Debug, Clone, Default)]
pub struct CreateFunction {
    /// `FunctionName` (bare name, ARN or partial ARN; no qualifier).
    pub function_name: String,
    /// `Runtime`.
    pub runtime: Option<String>,
    /// `Role` (required).
    pub role: String,
    /// `Handler`.
    pub handler: Option<String>,
    /// `Description`.
    pub description: Option<String>,
    /// `Timeout` (default 3).
    pub timeout: Option<u32>,
    /// `MemorySize` (default 128).
    pub memory_size: Option<u32>,
    /// `Environment.Variables`.
    pub environment: BTreeMap<String, String>,
    /// `Code.ZipFile`: a zip, or a raw `.wasm`.
    pub zip_file: Vec<u8>,
    /// `Publish`.
    pub publish: bool,
    /// `Tags`.
    pub tags: BTreeMap<String, String>,
    /// `Architectures` (default `x86_64`).
    pub architectures: Option<Vec<String>>,
    /// `EphemeralStorage.Size` (default 512).
    pub ephemeral_storage: Option<u32>,
}

/// UpdateFunctionConfiguration's parameters (absent fields are left as they are).
#[derive(Debug, Clone, Default)]
pub struct ConfigUpdate {
    /// `Timeout`.
    pub timeout: Option<u32>,
    /// `MemorySize`.
    pub memory_size: Option<u32>,
    /// `Environment.Variables` (replaces the whole map).
    pub environment: Option<BTreeMap<String, String>>,
    /// `Description`.
    pub description: Option<String>,
    /// `Handler`.
    pub handler: Option<String>,
    /// `Runtime`.
    pub runtime: Option<String>,
    /// `Role`.
    pub role: Option<String>,
    /// `EphemeralStorage.Size`.
    pub ephemeral_storage: Option<u32>,
    /// `RevisionId` precondition.
    pub revision_id: Option<String>,
}

/// UpdateFunctionCode's parameters.
#[derive(Debug, Clone, Default)]
pub struct CodeUpdate {
    /// `ZipFile`.
    pub zip_file: Vec<u8>,
    /// `Publish`.
    pub publish: bool,
    /// `Architectures`.
    pub architectures: Option<Vec<String>>,
    /// `RevisionId` precondition.
    pub revision_id: Option<String>,
}

/// CreateAlias's parameters.
#[derive(Debug, Clone, Default)]
pub struct AliasInput {
    /// `Name`.
    pub name: String,
    /// `FunctionVersion`.
    pub function_version: String,
    /// `Description`.
    pub description: Option<String>,
    /// `RoutingConfig.AdditionalVersionWeights`.
    pub additional_version_weights: Option<BTreeMap<String, f64>>,
}

/// UpdateAlias's parameters.
#[derive(Debug, Clone, Default)]
pub struct AliasUpdate {
    /// `FunctionVersion`.
    pub function_version: Option<String>,
    /// `Description`.
    pub description: Option<String>,
    /// `RoutingConfig.AdditionalVersionWeights` (`Some(empty)` clears the weights).
    pub additional_version_weights: Option<BTreeMap<String, f64>>,
    /// `RevisionId` precondition.
    pub revision_id: Option<String>,
}

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

/// The policy scope: `None` for the unqualified function, else the qualifier.
pub type Scope = Option<String>;

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
    /// The wasm component bytes of the executed version.
    pub fn wasm(&self) -> Arc<[u8]> {
        self.config.wasm()
    }
}

#[derive(Debug)]
struct Function {
    /// Replaced by a new `Arc` on every change, so a resolution holds a stable snapshot.
    latest: Arc<FunctionConfig>,
    /// Immutable once published.
    versions: BTreeMap<u64, Arc<FunctionConfig>>,
    next_version: u64,
    last_published: Option<(u64, Fingerprint)>,
    aliases: BTreeMap<String, Alias>,
    /// Parsed once per change, shared by every resolution.
    policies: HashMap<Scope, Arc<CompiledPolicy>>,
    event_invoke_configs: HashMap<String, EventInvokeConfig>,
    tags: BTreeMap<String, String>,
    reserved_concurrency: Option<u32>,
}

type Key = (String, String, String);

/// All functions of all accounts and regions. Cheap to share behind an `Arc`.
#[derive(Debug, Default)]
pub struct Registry {
    functions: DashMap<Key, Function>,
    /// Deployment packages, each stored once and capped in total.
    packages: package::PackageStore,
}

fn validate_range(v: u32, field: &str, min: u32, max: u32) -> Result<(), LambdaError> {
    let constraint = if v < min {
        format!("Member must have value greater than or equal to {min}")
    } else if v > max {
        format!("Member must have value less than or equal to {max}")
    } else {
        return Ok(());
    };
    Err(ArnError::Validation {
        value: v.to_string(),
        field: field.into(),
        constraint,
    }
    .into())
}

fn validate_role(role: &str) -> Result<(), LambdaError> {
    let ok = arn::Arn::parse(role).is_ok_and(|a| {
        a.partition.starts_with("aws")
            && a.service == "iam"
            && a.region.is_empty()
            && arn::is_account_id(&a.account)
            && a.resource.strip_prefix("role").is_some_and(|r| {
                let r = r.strip_prefix('/').unwrap_or(r);
                !r.is_empty()
                    && r.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"+=,.@-_/".contains(&b))
            })
    });
    if ok {
        Ok(())
    } else {
        Err(ArnError::pattern(role, "role", ROLE_PATTERN).into())
    }
}

/// Environment variables: keys `[a-zA-Z]([a-zA-Z0-9_])+`, at most 4 KB as JSON.
fn validate_environment(env: &BTreeMap<String, String>) -> Result<(), LambdaError> {
    for k in env.keys() {
        let mut b = k.bytes();
        let ok = b.next().is_some_and(|c| c.is_ascii_alphabetic())
            && k.len() >= 2
            && b.all(|c| c.is_ascii_alphanumeric() || c == b'_');
        if !ok {
            return Err(LambdaError::Validation(format!(
                "1 validation error detected: Value at 'environment.variables' failed to satisfy constraint: Map keys must satisfy constraint: [Member must satisfy regular expression pattern: [a-zA-Z]([a-zA-Z0-9_])+] (key '{k}')"
            )));
        }
    }
    let measured = serde_json::to_string(env).unwrap_or_default();
    if measured.len() > 4096 {
        return Err(LambdaError::InvalidParameterValue(format!(
            "Lambda was unable to configure your environment variables because the environment variables you have provided exceeded the 4KB limit. String measured: {measured}"
        )));
    }
    Ok(())
}

fn validate_alias_name(name: &str) -> Result<(), LambdaError> {
    if name.len() > 128 {
        return Err(ArnError::too_long(name, "name", 128).into());
    }
    let ok = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        && !name.bytes().all(|b| b.is_ascii_digit());
    if ok {
        Ok(())
    } else {
        Err(ArnError::pattern(name, "name", ALIAS_NAME_PATTERN).into())
    }
}

fn validate_version(v: &str) -> Result<(), LambdaError> {
    let ok = v == "$LATEST" || (!v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()));
    if ok {
        Ok(())
    } else {
        Err(ArnError::pattern(v, "functionVersion", VERSION_PATTERN).into())
    }
}

fn java_map(m: &BTreeMap<String, f64>) -> String {
    let inner: Vec<String> = m.iter().map(|(k, v)| format!("{k}={v:?}")).collect();
    format!("{{{}}}", inner.join(", "))
}

fn validate_weights(m: &BTreeMap<String, f64>) -> Result<(), LambdaError> {
    let field = "routingConfig.additionalVersionWeights";
    if m.keys()
        .any(|k| k.is_empty() || k.len() > 1024 || !k.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(LambdaError::Validation(format!(
            "1 validation error detected: Value '{}' at '{field}' failed to satisfy constraint: Map keys must satisfy constraint: [Member must have length less than or equal to 1024, Member must have length greater than or equal to 1, Member must satisfy regular expression pattern: [0-9]+]",
            java_map(m)
        )));
    }
    if m.values().any(|w| !(0.0..=1.0).contains(w)) {
        return Err(LambdaError::Validation(format!(
            "1 validation error detected: Value '{}' at '{field}' failed to satisfy constraint: Map value must satisfy constraint: [Member must have value less than or equal to 1.0, Member must have value greater than or equal to 0.0, Member must not be null]",
            java_map(m)
        )));
    }
    if m.len() > 1 {
        return Err(LambdaError::InvalidParameterValue(
            "Number of items in AdditionalVersionWeights cannot be greater than 1".into(),
        ));
    }
    Ok(())
}

fn check_revision(given: Option<&str>, current: &str, api: &str) -> Result<(), LambdaError> {
    match given {
        Some(g) if g != current => Err(LambdaError::revision_mismatch(api)),
        _ => Ok(()),
    }
}

fn page<T: Clone>(
    items: &[T],
    key: impl Fn(&T) -> String,
    marker: Option<&str>,
    max: Option<usize>,
) -> (Vec<T>, Option<String>) {
    let max = max.unwrap_or(MAX_PAGE).clamp(1, MAX_PAGE);
    let start = marker
        .and_then(|m| items.iter().position(|i| key(i) == m))
        .unwrap_or(0);
    let rest = items.get(start..).unwrap_or_default();
    let out: Vec<T> = rest.iter().take(max).cloned().collect();
    let next = rest.get(max).map(&key);
    (out, next)
}

impl Function {
    fn arn(&self) -> String {
        self.latest.function_arn()
    }

    fn qualified(&self, q: &str) -> String {
        format!("{}:{q}", self.arn())
    }

    /// The configuration a version string designates.
    fn version(&self, v: &str) -> Result<&Arc<FunctionConfig>, LambdaError> {
        match Qualifier::parse(v) {
            Qualifier::Latest => Ok(&self.latest),
            Qualifier::Version(n) => self
                .versions
                .get(&n)
                .ok_or_else(|| LambdaError::function_not_found(&self.qualified(v))),
            Qualifier::Alias(_) => Err(LambdaError::function_not_found(&self.qualified(v))),
        }
    }

    fn alias_not_found(&self, name: &str) -> LambdaError {
        LambdaError::ResourceNotFound(format!("Cannot find alias arn: {}", self.qualified(name)))
    }

    /// Checks a routing config against existing versions.
    fn check_routing(
        &self,
        primary: &str,
        weights: &BTreeMap<String, f64>,
    ) -> Result<(), LambdaError> {
        validate_weights(weights)?;
        if weights.is_empty() {
            return Ok(());
        }
        if primary == "$LATEST" {
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

    fn bump(&mut self) {
        let revision_id = revision();
        if let Some(p) = self.policies.get_mut(&None) {
            let mut policy = p.policy().clone();
            policy.revision_id.clone_from(&revision_id);
            *p = Arc::new(CompiledPolicy::new(policy));
        }
        Arc::make_mut(&mut self.latest).revision_id = revision_id;
    }

    /// The RevisionId a scope's policy currently has (before it exists: its owner's).
    fn policy_revision(&self, scope: &Scope) -> String {
        if let Some(p) = self.policies.get(scope) {
            return p.revision_id.clone();
        }
        match scope.as_deref().map(Qualifier::parse) {
            None | Some(Qualifier::Latest) => self.latest.revision_id.clone(),
            Some(Qualifier::Version(n)) => self
                .versions
                .get(&n)
                .map(|c| c.revision_id.clone())
                .unwrap_or_default(),
            Some(Qualifier::Alias(a)) => self
                .aliases
                .get(&a)
                .map(|x| x.revision_id.clone())
                .unwrap_or_default(),
        }
    }

    /// Checks that a policy scope exists (version or alias).
    fn check_scope(&self, scope: &Scope) -> Result<(), LambdaError> {
        match scope.as_deref().map(Qualifier::parse) {
            None | Some(Qualifier::Latest) => Ok(()),
            Some(Qualifier::Version(n)) => self
                .versions
                .get(&n)
                .map(|_| ())
                .ok_or_else(|| LambdaError::function_not_found(&self.qualified(&n.to_string()))),
            Some(Qualifier::Alias(a)) => self
                .aliases
                .get(&a)
                .map(|_| ())
                .ok_or_else(|| self.alias_not_found(&a)),
        }
    }

    fn publish(&mut self, description: Option<String>) -> FunctionConfig {
        let fp = self.latest.fingerprint();
        if let Some((n, last)) = &self.last_published
            && *last == fp
            && let Some(existing) = self.versions.get(n)
        {
            return FunctionConfig::clone(existing);
        }
        let n = self.next_version;
        self.next_version += 1;
        let mut v = FunctionConfig::clone(&self.latest);
        v.version = n.to_string();
        v.revision_id = revision();
        v.last_modified = now();
        if let Some(d) = description {
            v.description = d;
        }
        self.versions.insert(n, Arc::new(v.clone()));
        self.last_published = Some((n, fp));
        self.bump();
        v
    }
}

impl Registry {
    /// An empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// The deployment packages of all functions (each stored once, with a cap).
    pub fn packages(&self) -> &package::PackageStore {
        &self.packages
    }

    /// The map key of the function `r` names in `account`. The account is always the one
    /// the caller passes (the API's access check decided it from the authenticated caller;
    /// the dispatcher passes the notification target's): an account written in the ARN
    /// never selects another account's function here.
    fn key(account: &str, region: &str, r: &FunctionRef) -> Key {
        (
            account.to_owned(),
            r.region.clone().unwrap_or_else(|| region.to_owned()),
            r.name.clone(),
        )
    }

    /// The function for reading: a shared shard lock, so concurrent reads (every delivery
    /// resolves an ARN) do not wait on each other.
    fn get(
        &self,
        account: &str,
        region: &str,
        r: &FunctionRef,
    ) -> Result<Ref<'_, Key, Function>, LambdaError> {
        let key = Self::key(account, region, r);
        self.functions
            .get(&key)
            .ok_or_else(|| Self::not_found(&key, r))
    }

    /// The function for changing it: an exclusive shard lock.
    fn get_mut(
        &self,
        account: &str,
        region: &str,
        r: &FunctionRef,
    ) -> Result<RefMut<'_, Key, Function>, LambdaError> {
        let key = Self::key(account, region, r);
        self.functions
            .get_mut(&key)
            .ok_or_else(|| Self::not_found(&key, r))
    }

    /// `Function not found: {arn[:qualifier]}`.
    fn not_found(key: &Key, r: &FunctionRef) -> LambdaError {
        LambdaError::function_not_found(&arn::qualified_function_arn(
            &key.1,
            &key.0,
            &key.2,
            r.qualifier.as_deref(),
        ))
    }

    /// Like `get_mut`, with the error for a missing function built from its unqualified ARN.
    fn get_mut_or(
        &self,
        account: &str,
        region: &str,
        r: &FunctionRef,
        missing: impl FnOnce(String) -> LambdaError,
    ) -> Result<RefMut<'_, Key, Function>, LambdaError> {
        let key = Self::key(account, region, r);
        self.functions
            .get_mut(&key)
            .ok_or_else(|| missing(arn::function_arn(&key.1, &key.0, &key.2)))
    }

    /// Rejects a qualifier other than `$LATEST` on operations that modify `$LATEST`.
    fn only_latest(r: &FunctionRef) -> Result<(), LambdaError> {
        match r.qualifier.as_deref() {
            None | Some("$LATEST") => Ok(()),
            Some(_) => Err(LambdaError::InvalidParameterValue(
                "Only the $LATEST version of a function can be modified; pass the function name without a qualifier.".into(),
            )),
        }
    }

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
        let code = self
            .packages
            .open(&input.zip_file, input.handler.as_deref())?;
        let key = Self::key(account, region, &fref);
        let latest = FunctionConfig {
            function_name: key.2.clone(),
            account: key.0.clone(),
            region: key.1.clone(),
            version: "$LATEST".into(),
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
        };
        let mut f = Function {
            latest: Arc::new(latest),
            versions: BTreeMap::new(),
            next_version: 1,
            last_published: None,
            aliases: BTreeMap::new(),
            policies: HashMap::new(),
            event_invoke_configs: HashMap::new(),
            tags: input.tags,
            reserved_concurrency: None,
        };
        let entry = self.functions.entry(key.clone());
        if let dashmap::Entry::Occupied(_) = entry {
            return Err(LambdaError::ResourceConflict(format!(
                "Function already exist: {}",
                key.2
            )));
        }
        let out = if input.publish {
            f.publish(None)
        } else {
            FunctionConfig::clone(&f.latest)
        };
        tracing::debug!(function = %key.2, account = %key.0, region = %key.1, "function created");
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
            .filter(|e| e.key().0 == account && e.key().1 == region)
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
            .filter(|e| e.key().0 == account && e.key().1 == region)
        {
            all.push((e.key().2.clone(), 0, FunctionConfig::clone(&e.latest)));
            all.extend(
                e.versions
                    .iter()
                    .map(|(n, c)| (e.key().2.clone(), *n, FunctionConfig::clone(c))),
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
        Self::only_latest(r)?;
        limits::architectures(input.architectures.as_deref())?;
        // Unzip before taking the function's write lock: it can take seconds.
        let handler = self.get(account, region, r)?.latest.handler.clone();
        let mut code = self.packages.open(&input.zip_file, handler.as_deref())?;
        let mut f = self.get_mut(account, region, r)?;
        check_revision(
            input.revision_id.as_deref(),
            &f.latest.revision_id,
            FUNCTION_REVISION_MSG,
        )?;
        if f.latest.handler != handler {
            // The handler changed meanwhile: select its component.
            code = self
                .packages
                .open(&input.zip_file, f.latest.handler.as_deref())?;
        }
        let latest = Arc::make_mut(&mut f.latest);
        latest.code = Arc::new(code);
        if let Some(a) = input.architectures {
            latest.architectures = a;
        }
        latest.last_modified = now();
        f.bump();
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
        Self::only_latest(r)?;
        limits::description(u.description.as_deref())?;
        limits::handler(u.handler.as_deref())?;
        limits::runtime(u.runtime.as_deref())?;
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
        // The new handler selects its component in the current package, unzipped before
        // taking the function's write lock: it can take seconds.
        let mut selected = match &u.handler {
            Some(h) => {
                let current = Arc::clone(&self.get(account, region, r)?.latest.code);
                Some(self.packages.open(&current.archive, Some(h))?)
            }
            None => None,
        };
        let mut f = self.get_mut(account, region, r)?;
        check_revision(
            u.revision_id.as_deref(),
            &f.latest.revision_id,
            FUNCTION_REVISION_MSG,
        )?;
        if let (Some(h), Some(code)) = (&u.handler, &mut selected)
            && code.sha256 != f.latest.code.sha256
        {
            // The code changed meanwhile.
            *code = self.packages.open(&f.latest.code.archive, Some(h))?;
        }
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
                let key = Self::key(account, region, r);
                self.functions.remove(&key).map(|_| ()).ok_or_else(|| {
                    LambdaError::function_not_found(&arn::function_arn(&key.1, &key.0, &key.2))
                })
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
                f.event_invoke_configs.remove(&v);
                f.policies.remove(&Some(v));
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

    /// PublishVersion with its `CodeSha256` and `RevisionId` preconditions.
    pub fn publish_version(
        &self,
        account: &str,
        region: &str,
        r: &FunctionRef,
        description: Option<String>,
        code_sha256: Option<&str>,
        revision_id: Option<&str>,
    ) -> Result<FunctionConfig, LambdaError> {
        Self::only_latest(r)?;
        limits::description(description.as_deref())?;
        let mut f = self.get_mut(account, region, r)?;
        if let Some(sha) = code_sha256
            && sha != f.latest.code.sha256
        {
            return Err(LambdaError::InvalidParameterValue(format!(
                "CodeSHA256 ({sha}) is different from current CodeSHA256 in $LATEST ({}). Please try again with the CodeSHA256 in $LATEST.",
                f.latest.code.sha256
            )));
        }
        check_revision(revision_id, &f.latest.revision_id, FUNCTION_REVISION_MSG)?;
        Ok(f.publish(description))
    }

    /// ListVersionsByFunction: `$LATEST` first, then versions ascending; marker = next version.
    pub fn list_versions(
        &self,
        account: &str,
        region: &str,
        r: &FunctionRef,
        marker: Option<&str>,
        max: Option<usize>,
    ) -> Result<(Vec<FunctionConfig>, Option<String>), LambdaError> {
        let f = self.get(account, region, r)?;
        let all: Vec<FunctionConfig> = std::iter::once(FunctionConfig::clone(&f.latest))
            .chain(f.versions.values().map(|c| FunctionConfig::clone(c)))
            .collect();
        Ok(page(&all, |c| c.version.clone(), marker, max))
    }

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
        f.event_invoke_configs.remove(name);
        f.policies.remove(&Some(name.to_owned()));
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

    /// AddPermission on the scope the reference's qualifier names.
    pub fn add_permission(
        &self,
        account: &str,
        region: &str,
        r: &FunctionRef,
        req: &PermissionRequest,
    ) -> Result<Statement, LambdaError> {
        if r.qualifier.as_deref() == Some("$LATEST") {
            return Err(LambdaError::InvalidParameterValue(
                "We currently do not support adding policies for $LATEST.".into(),
            ));
        }
        let mut f = self.get_mut(account, region, r)?;
        let scope: Scope = r.qualifier.clone();
        f.check_scope(&scope)?;
        let resource = match &scope {
            Some(q) => f.qualified(q),
            None => f.arn(),
        };
        let st = build_statement(req, &resource)?;
        check_revision(
            req.revision_id.as_deref(),
            &f.policy_revision(&scope),
            POLICY_REVISION_MSG,
        )?;
        let mut policy = f
            .policies
            .get(&scope)
            .map(|p| p.policy().clone())
            .unwrap_or_default();
        policy.add(st.clone())?;
        policy.revision_id = revision();
        let unqualified = scope.is_none();
        f.policies
            .insert(scope, Arc::new(CompiledPolicy::new(policy)));
        if unqualified {
            f.bump();
        }
        Ok(st)
    }

    /// RemovePermission.
    pub fn remove_permission(
        &self,
        account: &str,
        region: &str,
        r: &FunctionRef,
        sid: &str,
        revision_id: Option<&str>,
    ) -> Result<(), LambdaError> {
        super::policy::statement::validate_statement_id(sid)?;
        let mut f = self.get_mut_or(account, region, r, |a| {
            LambdaError::ResourceNotFound(format!("No policy found for: {a}"))
        })?;
        let scope: Scope = r.qualifier.clone();
        f.check_scope(&scope)?;
        let Some(mut policy) = f.policies.get(&scope).map(|p| p.policy().clone()) else {
            return Err(LambdaError::ResourceNotFound(
                "No policy is associated with the given resource.".into(),
            ));
        };
        check_revision(revision_id, &policy.revision_id, POLICY_REVISION_MSG)?;
        if !policy.remove(sid) {
            return Err(LambdaError::ResourceNotFound(format!(
                "Statement {sid} is not found in resource policy."
            )));
        }
        let unqualified = scope.is_none();
        if policy.is_empty() {
            f.policies.remove(&scope);
        } else {
            policy.revision_id = revision();
            f.policies
                .insert(scope, Arc::new(CompiledPolicy::new(policy)));
        }
        if unqualified {
            f.bump();
        }
        Ok(())
    }

    /// GetPolicy: 404 when the scope has no statements.
    pub fn get_policy(
        &self,
        account: &str,
        region: &str,
        r: &FunctionRef,
    ) -> Result<Policy, LambdaError> {
        // Lambda answers every miss here (function, version, alias, policy) with this text.
        let missing =
            || LambdaError::ResourceNotFound("The resource you requested does not exist.".into());
        let f = self.get_mut_or(account, region, r, |_| missing())?;
        let scope: Scope = r.qualifier.clone();
        f.check_scope(&scope).map_err(|_| missing())?;
        f.policies
            .get(&scope)
            .filter(|p| !p.is_empty())
            .map(|p| p.policy().clone())
            .ok_or_else(missing)
    }

    /// Every policy of a function with the ARN of its scope (for explaining denials).
    pub fn policies(
        &self,
        account: &str,
        region: &str,
        r: &FunctionRef,
    ) -> Result<Vec<(String, Policy)>, LambdaError> {
        let f = self.get(account, region, r)?;
        let mut out: Vec<(String, Policy)> = f
            .policies
            .iter()
            .map(|(scope, p)| {
                (
                    scope.as_deref().map_or_else(|| f.arn(), |q| f.qualified(q)),
                    p.policy().clone(),
                )
            })
            .collect();
        out.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(out)
    }

    /// Evaluates, for `ctx`, the resource policy Lambda checks for the reference `r` (the
    /// scope of its qualifier; `$LATEST` and no qualifier share the unqualified function's
    /// policy), explaining a denial with the other scopes that would have allowed it.
    /// `None` when the function, or the version or alias `r` names, does not exist.
    pub fn check_policy(
        &self,
        account: &str,
        region: &str,
        r: &FunctionRef,
        ctx: &RequestContext,
    ) -> Option<Decision> {
        let f = self.get(account, region, r).ok()?;
        let scope: Scope = r.qualifier.clone().filter(|q| q != "$LATEST");
        if f.check_scope(&scope).is_err() {
            return None;
        }
        let policy = f
            .policies
            .get(&scope)
            .map_or_else(|| Arc::new(CompiledPolicy::default()), Arc::clone);
        let scopes: Vec<(String, Policy)> = f
            .policies
            .iter()
            .map(|(s, p)| {
                (
                    s.as_deref().map_or_else(|| f.arn(), |q| f.qualified(q)),
                    p.policy().clone(),
                )
            })
            .collect();
        drop(f);
        Some(super::policy::authorize(&policy, &scopes, ctx))
    }

    /// Authorizes an invocation of `resolved` by `ctx` (whose `resource` should be
    /// `resolved.invoked_arn`) against the policy of its scope; a denial names the other
    /// scopes whose statements would have matched.
    pub fn authorize(&self, resolved: &Resolved, ctx: &RequestContext) -> Decision {
        let r = FunctionRef {
            name: resolved.function_name.clone(),
            account: Some(resolved.account.clone()),
            region: Some(resolved.region.clone()),
            qualifier: None,
        };
        let scopes = self
            .policies(&resolved.account, &resolved.region, &r)
            .unwrap_or_default();
        super::policy::authorize(&resolved.policy, &scopes, ctx)
    }

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
        let scope: Scope = r.qualifier.clone().filter(|q| q != "$LATEST");
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
            event_invoke_config: f
                .event_invoke_configs
                .get(scope.as_deref().unwrap_or("$LATEST"))
                .cloned(),
            config,
            invoked_arn,
            policy_scope: scope,
            reserved_concurrency: f.reserved_concurrency,
        })
    }

    /// The function and qualifier key (`$LATEST` when unqualified) of an event invoke config;
    /// the qualifier must exist.
    fn invoke_config_target(
        &self,
        account: &str,
        region: &str,
        r: &FunctionRef,
    ) -> Result<(RefMut<'_, Key, Function>, String), LambdaError> {
        let f = self.get_mut_or(account, region, r, |_| {
            LambdaError::ResourceNotFound("The function doesn't exist.".into())
        })?;
        let q = r.qualifier.clone().unwrap_or_else(|| "$LATEST".into());
        f.check_scope(&Some(q.clone()))?;
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

    /// Refuses a qualified reference: concurrency is reserved per function.
    fn unqualified_only(r: &FunctionRef) -> Result<(), LambdaError> {
        if r.qualifier.is_some() {
            return Err(LambdaError::InvalidParameterValue(
                "Reserved concurrency is configured per function; pass the function name without a qualifier.".into(),
            ));
        }
        Ok(())
    }

    /// PutFunctionConcurrency: reserves `n` concurrent executions for the function. Lambda
    /// keeps at least [`MIN_UNRESERVED_CONCURRENCY`] of the account's
    /// [`ACCOUNT_CONCURRENCY_LIMIT`] unreserved in each region.
    pub fn put_function_concurrency(
        &self,
        account: &str,
        region: &str,
        r: &FunctionRef,
        n: u32,
    ) -> Result<u32, LambdaError> {
        Self::unqualified_only(r)?;
        let key = Self::key(account, region, r);
        let reserved_elsewhere: u64 = self
            .functions
            .iter()
            .filter(|e| e.key().0 == key.0 && e.key().1 == key.1 && e.key().2 != key.2)
            .filter_map(|e| e.value().reserved_concurrency)
            .map(u64::from)
            .sum();
        let mut f = self.get_mut(account, region, r)?;
        if reserved_elsewhere + u64::from(n)
            > u64::from(ACCOUNT_CONCURRENCY_LIMIT - MIN_UNRESERVED_CONCURRENCY)
        {
            return Err(LambdaError::InvalidParameterValue(format!(
                "Specified ReservedConcurrentExecutions for function decreases account's UnreservedConcurrentExecution below its minimum value of [{MIN_UNRESERVED_CONCURRENCY}]."
            )));
        }
        f.reserved_concurrency = Some(n);
        tracing::debug!(function = %key.2, reserved = n, "reserved concurrency set");
        Ok(n)
    }

    /// GetFunctionConcurrency: the reserved concurrency, `None` when unset.
    pub fn get_function_concurrency(
        &self,
        account: &str,
        region: &str,
        r: &FunctionRef,
    ) -> Result<Option<u32>, LambdaError> {
        Self::unqualified_only(r)?;
        Ok(self.get(account, region, r)?.reserved_concurrency)
    }

    /// DeleteFunctionConcurrency: removes the reservation (no error when none was set).
    pub fn delete_function_concurrency(
        &self,
        account: &str,
        region: &str,
        r: &FunctionRef,
    ) -> Result<(), LambdaError> {
        Self::unqualified_only(r)?;
        self.get_mut(account, region, r)?.reserved_concurrency = None;
        Ok(())
    }

    /// Removes every function (simulator reset).
    pub fn clear(&self) {
        self.functions.clear();
    }
}

#[cfg(test)]
#[allow(clippy::many_single_char_names)]
mod tests {
    use super::*;
    use crate::arn::NameKind;

    const A: &str = "000000000000";
    const R: &str = "us-east-1";
    const WASM: &[u8] = b"\0asm\x0d\0\x01\0";
    const ARN: &str = "arn:aws:lambda:us-east-1:000000000000:function:f";

    fn fref(s: &str) -> FunctionRef {
        FunctionRef::parse(s, NameKind::Namespaced).unwrap()
    }

    fn create(reg: &Registry, publish: bool) -> FunctionConfig {
        reg.create_function(
            A,
            R,
            CreateFunction {
                function_name: "f".into(),
                role: "arn:aws:iam::000000000000:role/lambda-role".into(),
                handler: Some("app.handler".into()),
                zip_file: package::zip_of(&[("app.wasm", WASM)]),
                publish,
                ..Default::default()
            },
        )
        .unwrap()
    }

    fn alias(name: &str, v: &str, w: Option<(&str, f64)>) -> AliasInput {
        AliasInput {
            name: name.into(),
            function_version: v.into(),
            description: None,
            additional_version_weights: w.map(|(k, x)| BTreeMap::from([(k.to_owned(), x)])),
        }
    }

    fn set_timeout(reg: &Registry, t: u32) {
        reg.update_function_configuration(
            A,
            R,
            &fref("f"),
            ConfigUpdate {
                timeout: Some(t),
                ..Default::default()
            },
        )
        .unwrap();
    }

    #[test]
    fn create_defaults_and_conflict() {
        let reg = Registry::new();
        let c = create(&reg, false);
        assert_eq!(
            (c.version.as_str(), c.timeout, c.memory_size),
            ("$LATEST", 3, 128)
        );
        assert_eq!(c.function_arn(), ARN);
        assert_eq!(c.code.wasm_path, "app.wasm");
        assert_eq!(uuid::Uuid::parse_str(&c.revision_id).map(|_| ()), Ok(()));
        let e = reg
            .create_function(
                A,
                R,
                CreateFunction {
                    function_name: "f".into(),
                    role: c.role.clone(),
                    zip_file: WASM.to_vec(),
                    ..Default::default()
                },
            )
            .unwrap_err();
        assert_eq!(
            (e.status().as_u16(), e.message()),
            (409, "Function already exist: f")
        );
        let bad_role = reg.create_function(
            A,
            R,
            CreateFunction {
                function_name: "g".into(),
                role: "nope".into(),
                zip_file: WASM.to_vec(),
                ..Default::default()
            },
        );
        assert_eq!(bad_role.unwrap_err().code(), "ValidationException");
        let bad_timeout = reg.create_function(
            A,
            R,
            CreateFunction {
                function_name: "g".into(),
                role: c.role.clone(),
                timeout: Some(901),
                zip_file: WASM.to_vec(),
                ..Default::default()
            },
        );
        assert!(bad_timeout.unwrap_err().message().ends_with("at 'timeout' failed to satisfy constraint: Member must have value less than or equal to 900"));
        let other_region = reg.get_function(A, "eu-west-1", &fref("f")).unwrap_err();
        assert_eq!(
            other_region.message(),
            "Function not found: arn:aws:lambda:eu-west-1:000000000000:function:f"
        );
    }

    #[test]
    fn publish_on_create_and_versions() {
        let reg = Registry::new();
        let v1 = create(&reg, true);
        assert_eq!(v1.version, "1");
        let latest = reg.get_function(A, R, &fref("f")).unwrap();
        assert_eq!(latest.arn, ARN);
        assert_eq!(latest.config.version, "$LATEST");
        let l = reg.get_function(A, R, &fref("f:$LATEST")).unwrap();
        assert_eq!(l.arn, format!("{ARN}:$LATEST"));
        let v = reg.get_function(A, R, &fref("f:1")).unwrap();
        assert_eq!(
            (v.arn.as_str(), v.config.version.as_str()),
            (format!("{ARN}:1").as_str(), "1")
        );
        let e = reg.get_function(A, R, &fref("f:9")).unwrap_err();
        assert_eq!(e.message(), format!("Function not found: {ARN}:9"));
    }

    #[test]
    fn publish_rules() {
        let reg = Registry::new();
        create(&reg, false);
        let f = fref("f");
        let v1 = reg
            .publish_version(A, R, &f, Some("first".into()), None, None)
            .unwrap();
        assert_eq!(
            (v1.version.as_str(), v1.description.as_str()),
            ("1", "first")
        );
        let again = reg
            .publish_version(A, R, &f, Some("ignored".into()), None, None)
            .unwrap();
        assert_eq!(
            (again.version.as_str(), again.description.as_str()),
            ("1", "first")
        );
        assert_eq!(again.revision_id, v1.revision_id);
        reg.update_function_configuration(
            A,
            R,
            &f,
            ConfigUpdate {
                description: Some("latest desc".into()),
                ..Default::default()
            },
        )
        .unwrap();
        let v2 = reg.publish_version(A, R, &f, None, None, None).unwrap();
        assert_eq!(
            (v2.version.as_str(), v2.description.as_str()),
            ("2", "latest desc")
        );
        let e = reg
            .publish_version(A, R, &f, None, Some("abc"), None)
            .unwrap_err();
        let sha = reg
            .get_function(A, R, &f)
            .unwrap()
            .config
            .code
            .sha256
            .clone();
        assert_eq!(
            e.message(),
            format!(
                "CodeSHA256 (abc) is different from current CodeSHA256 in $LATEST ({sha}). Please try again with the CodeSHA256 in $LATEST."
            )
        );
        let e = reg
            .publish_version(A, R, &f, None, None, Some("stale"))
            .unwrap_err();
        assert_eq!(e.status(), 412);
        assert!(
            e.message()
                .ends_with("Call the GetFunction/GetAlias API to retrieve the latest Revision Id")
        );
        // Versions are immutable snapshots.
        set_timeout(&reg, 30);
        assert_eq!(
            reg.get_function(A, R, &fref("f:1")).unwrap().config.timeout,
            3
        );
        let (vs, next) = reg.list_versions(A, R, &f, None, None).unwrap();
        assert_eq!(
            vs.iter().map(|c| c.version.as_str()).collect::<Vec<_>>(),
            ["$LATEST", "1", "2"]
        );
        assert_eq!(next, None);
    }

    #[test]
    fn revisions_change_on_every_modification() {
        let reg = Registry::new();
        let c = create(&reg, false);
        let f = fref("f");
        let u = reg
            .update_function_configuration(
                A,
                R,
                &f,
                ConfigUpdate {
                    memory_size: Some(256),
                    revision_id: Some(c.revision_id.clone()),
                    ..Default::default()
                },
            )
            .unwrap();
        assert_ne!(u.revision_id, c.revision_id);
        let e = reg
            .update_function_configuration(
                A,
                R,
                &f,
                ConfigUpdate {
                    revision_id: Some(c.revision_id.clone()),
                    ..Default::default()
                },
            )
            .unwrap_err();
        assert_eq!(e.code(), "PreconditionFailedException");
        let code = reg
            .update_function_code(
                A,
                R,
                &f,
                CodeUpdate {
                    zip_file: b"\0asm\x0d\0\x01\0\0".to_vec(),
                    ..Default::default()
                },
            )
            .unwrap();
        assert_ne!(code.revision_id, u.revision_id);
        assert_eq!(code.code.size, 9);
        assert_eq!(code.memory_size, 256);
        let e = reg
            .update_function_configuration(
                A,
                R,
                &f,
                ConfigUpdate {
                    memory_size: Some(64),
                    ..Default::default()
                },
            )
            .unwrap_err();
        assert!(e.message().contains("greater than or equal to 128"));
    }

    #[test]
    fn environment_limits() {
        let reg = Registry::new();
        create(&reg, false);
        let big = BTreeMap::from([("LARGE_VAR".to_owned(), "x".repeat(4100))]);
        let e = reg
            .update_function_configuration(
                A,
                R,
                &fref("f"),
                ConfigUpdate {
                    environment: Some(big),
                    ..Default::default()
                },
            )
            .unwrap_err();
        assert_eq!(e.code(), "InvalidParameterValueException");
        assert!(e.message().starts_with("Lambda was unable to configure your environment variables because the environment variables you have provided exceeded the 4KB limit. String measured: {\"LARGE_VAR\":\"xxx"));
        let bad = BTreeMap::from([("1A".to_owned(), "v".to_owned())]);
        let e = reg
            .update_function_configuration(
                A,
                R,
                &fref("f"),
                ConfigUpdate {
                    environment: Some(bad),
                    ..Default::default()
                },
            )
            .unwrap_err();
        assert_eq!(e.code(), "ValidationException");
    }

    #[test]
    fn handler_update_reselects_component() {
        let reg = Registry::new();
        let role = "arn:aws:iam::000000000000:role/r".to_owned();
        reg.create_function(
            A,
            R,
            CreateFunction {
                function_name: "m".into(),
                role,
                handler: Some("a.run".into()),
                zip_file: package::zip_of(&[("a.wasm", WASM), ("b.wasm", b"\0asmBBBB")]),
                ..Default::default()
            },
        )
        .unwrap();
        let c = reg
            .update_function_configuration(
                A,
                R,
                &fref("m"),
                ConfigUpdate {
                    handler: Some("b.run".into()),
                    ..Default::default()
                },
            )
            .unwrap();
        assert_eq!(&*c.wasm(), b"\0asmBBBB");
        let e = reg
            .update_function_configuration(
                A,
                R,
                &fref("m"),
                ConfigUpdate {
                    handler: Some("c.run".into()),
                    ..Default::default()
                },
            )
            .unwrap_err();
        assert_eq!(e.code(), "InvalidParameterValueException");
    }

    #[test]
    fn delete_rules() {
        let reg = Registry::new();
        create(&reg, true);
        reg.publish_version(A, R, &fref("f"), None, None, None)
            .unwrap(); // unchanged: still 1
        set_timeout(&reg, 5);
        reg.publish_version(A, R, &fref("f"), None, None, None)
            .unwrap();
        let e = reg.delete_function(A, R, &fref("f:$LATEST")).unwrap_err();
        assert_eq!(
            e.message(),
            "$LATEST version cannot be deleted without deleting the function."
        );
        reg.create_alias(A, R, &fref("f"), alias("PROD", "2", None))
            .unwrap();
        let e = reg.delete_function(A, R, &fref("f:2")).unwrap_err();
        assert_eq!(e.status(), 409);
        reg.delete_function(A, R, &fref("f:1")).unwrap();
        assert!(reg.get_function(A, R, &fref("f:1")).is_err());
        assert!(reg.get_function(A, R, &fref("f:2")).is_ok());
        assert_eq!(
            reg.delete_function(A, R, &fref("f:1"))
                .unwrap_err()
                .status(),
            404
        );
        reg.delete_function(A, R, &fref("f")).unwrap();
        assert_eq!(
            reg.delete_function(A, R, &fref("f")).unwrap_err().message(),
            format!("Function not found: {ARN}")
        );
    }

    #[test]
    fn alias_rules() {
        let reg = Registry::new();
        create(&reg, true);
        set_timeout(&reg, 9);
        reg.publish_version(A, R, &fref("f"), None, None, None)
            .unwrap();
        let f = fref("f");
        let a = reg
            .create_alias(A, R, &f, alias("PROD", "1", None))
            .unwrap();
        assert_eq!(
            (a.alias_arn.as_str(), a.description.as_str()),
            (format!("{ARN}:PROD").as_str(), "")
        );
        assert_eq!(
            reg.create_alias(A, R, &f, alias("PROD", "1", None))
                .unwrap_err()
                .message(),
            format!("Alias already exists: {ARN}:PROD")
        );
        assert!(
            reg.create_alias(A, R, &f, alias("dev", "$LATEST", None))
                .is_ok()
        );
        assert!(
            reg.create_alias(A, R, &f, alias("2024-01-02", "1", None))
                .is_ok()
        );
        let e = reg
            .create_alias(A, R, &f, alias("2024", "1", None))
            .unwrap_err();
        assert_eq!(
            e.message(),
            "1 validation error detected: Value '2024' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: (?!^[0-9]+$)([a-zA-Z0-9-_]+)"
        );
        assert_eq!(
            reg.create_alias(A, R, &f, alias("x", "PROD", None))
                .unwrap_err()
                .code(),
            "ValidationException"
        );
        assert_eq!(
            reg.create_alias(A, R, &f, alias("x", "7", None))
                .unwrap_err()
                .message(),
            format!("Function not found: {ARN}:7")
        );
        let e = reg
            .create_alias(A, R, &f, alias("x", "$LATEST", Some(("1", 0.5))))
            .unwrap_err();
        assert_eq!(
            e.message(),
            "$LATEST is not supported for an alias pointing to more than 1 version"
        );
        let e = reg
            .create_alias(A, R, &f, alias("x", "1", Some(("1", 0.5))))
            .unwrap_err();
        assert_eq!(
            e.message(),
            "Invalid function version 1. Function version 1 is already included in routing configuration."
        );
        let e = reg
            .create_alias(A, R, &f, alias("x", "1", Some(("$LATEST", 0.5))))
            .unwrap_err();
        assert_eq!(e.code(), "ValidationException");
        assert!(
            e.message()
                .contains("at 'routingConfig.additionalVersionWeights'")
        );
        assert_eq!(
            reg.create_alias(A, R, &f, alias("x", "1", Some(("2", 1.5))))
                .unwrap_err()
                .code(),
            "ValidationException"
        );
        assert_eq!(
            reg.create_alias(A, R, &f, alias("x", "1", Some(("5", 0.5))))
                .unwrap_err()
                .message(),
            format!("Function not found: {ARN}:5")
        );
        let mut two = alias("x", "1", None);
        two.additional_version_weights =
            Some(BTreeMap::from([("2".into(), 0.1), ("3".into(), 0.1)]));
        assert_eq!(
            reg.create_alias(A, R, &f, two).unwrap_err().message(),
            "Number of items in AdditionalVersionWeights cannot be greater than 1"
        );
        // Update.
        let e = reg
            .update_alias(A, R, &f, "nope", AliasUpdate::default())
            .unwrap_err();
        assert_eq!(e.message(), format!("Alias not found: {ARN}:nope"));
        let u = reg
            .update_alias(A, R, &f, "PROD", AliasUpdate::default())
            .unwrap();
        assert_ne!(u.revision_id, a.revision_id);
        let e = reg
            .update_alias(
                A,
                R,
                &f,
                "PROD",
                AliasUpdate {
                    revision_id: Some(a.revision_id.clone()),
                    ..Default::default()
                },
            )
            .unwrap_err();
        assert_eq!(e.status(), 412);
        let w = reg
            .update_alias(
                A,
                R,
                &f,
                "PROD",
                AliasUpdate {
                    additional_version_weights: Some(BTreeMap::from([("2".into(), 0.25)])),
                    ..Default::default()
                },
            )
            .unwrap();
        assert_eq!(w.additional_version_weights.get("2"), Some(&0.25));
        let cleared = reg
            .update_alias(
                A,
                R,
                &f,
                "PROD",
                AliasUpdate {
                    additional_version_weights: Some(BTreeMap::new()),
                    ..Default::default()
                },
            )
            .unwrap();
        assert!(cleared.additional_version_weights.is_empty());
        // Get / list / delete.
        assert_eq!(
            reg.get_alias(A, R, &f, "gone").unwrap_err().message(),
            format!("Cannot find alias arn: {ARN}:gone")
        );
        let (all, _) = reg.list_aliases(A, R, &f, None, None, None).unwrap();
        assert_eq!(all.len(), 3);
        let (ones, _) = reg.list_aliases(A, R, &f, Some("1"), None, None).unwrap();
        assert_eq!(
            ones.iter().map(|a| a.name.as_str()).collect::<Vec<_>>(),
            ["2024-01-02", "PROD"]
        );
        let (p1, next) = reg.list_aliases(A, R, &f, None, None, Some(2)).unwrap();
        assert_eq!((p1.len(), next.as_deref()), (2, Some("dev")));
        let (p2, next) = reg
            .list_aliases(A, R, &f, None, Some("dev"), Some(2))
            .unwrap();
        assert_eq!((p2.len(), next), (1, None));
        reg.delete_alias(A, R, &f, "PROD").unwrap();
        reg.delete_alias(A, R, &f, "PROD").unwrap();
        // GetFunction through an alias.
        let v = reg.get_function(A, R, &fref("f:dev")).unwrap();
        assert_eq!(
            (v.arn, v.config.version),
            (format!("{ARN}:dev"), "$LATEST".to_owned())
        );
        assert_eq!(
            reg.get_function(A, R, &fref("f:PROD"))
                .unwrap_err()
                .message(),
            format!("Function not found: {ARN}:PROD")
        );
    }

    #[test]
    fn resolution() {
        let reg = Registry::new();
        create(&reg, true);
        set_timeout(&reg, 20);
        reg.publish_version(A, R, &fref("f"), None, None, None)
            .unwrap();
        set_timeout(&reg, 30);
        let f = fref("f");
        reg.create_alias(A, R, &f, alias("PROD", "1", Some(("2", 0.3))))
            .unwrap();
        let r = reg.resolve_with(A, R, &f, 0.5).unwrap();
        assert_eq!(
            (
                r.executed_version.as_str(),
                r.config.timeout,
                r.invoked_arn.as_str(),
                r.policy_scope.clone()
            ),
            ("$LATEST", 30, ARN, None)
        );
        assert_eq!(&*r.wasm(), WASM);
        let r = reg.resolve_with(A, R, &fref("f:PROD"), 0.29).unwrap();
        assert_eq!((r.executed_version.as_str(), r.config.timeout), ("2", 20));
        assert_eq!(r.invoked_arn, format!("{ARN}:PROD"));
        assert_eq!(r.policy_scope.as_deref(), Some("PROD"));
        let r = reg.resolve_with(A, R, &fref("f:PROD"), 0.3).unwrap();
        assert_eq!((r.executed_version.as_str(), r.config.timeout), ("1", 3));
        let r = reg.resolve_with(A, R, &fref("f:2"), 0.0).unwrap();
        assert_eq!(r.executed_version, "2");
        assert!(reg.resolve_with(A, R, &fref("f:BETA"), 0.0).is_err());
        let qualified = FunctionRef::parse(
            "arn:aws:lambda:us-east-1:000000000000:function:f:1",
            NameKind::Namespaced,
        )
        .unwrap();
        assert_eq!(
            reg.resolve(A, "eu-west-1", &qualified)
                .unwrap()
                .executed_version,
            "1",
            "the ARN's region applies"
        );
        // The account is the one the caller passes (decided from the authenticated
        // caller), never the ARN's: another account finds no such function.
        assert_eq!(
            reg.resolve("111111111111", R, &qualified)
                .unwrap_err()
                .code(),
            "ResourceNotFoundException"
        );
        let runs: usize = (0..200)
            .filter(|_| reg.resolve(A, R, &fref("f:PROD")).unwrap().executed_version == "2")
            .count();
        assert!((20..120).contains(&runs), "{runs}");
    }

    #[test]
    fn permissions_per_scope() {
        let reg = Registry::new();
        create(&reg, true);
        let f = fref("f");
        reg.create_alias(A, R, &f, alias("PROD", "1", None))
            .unwrap();
        let req = PermissionRequest {
            statement_id: "s3".into(),
            action: "lambda:InvokeFunction".into(),
            principal: "s3.amazonaws.com".into(),
            ..Default::default()
        };
        let e = reg
            .add_permission(A, R, &fref("f:$LATEST"), &req)
            .unwrap_err();
        assert_eq!(
            e.message(),
            "We currently do not support adding policies for $LATEST."
        );
        assert_eq!(
            reg.add_permission(A, R, &fref("f:BETA"), &req)
                .unwrap_err()
                .message(),
            format!("Cannot find alias arn: {ARN}:BETA")
        );
        assert_eq!(
            reg.add_permission(A, R, &fref("f:4"), &req)
                .unwrap_err()
                .message(),
            format!("Function not found: {ARN}:4")
        );
        assert_eq!(
            reg.get_policy(A, R, &f).unwrap_err().message(),
            "The resource you requested does not exist."
        );
        assert_eq!(
            reg.get_policy(A, R, &fref("f:7")).unwrap_err().message(),
            "The resource you requested does not exist."
        );
        assert_eq!(
            reg.get_policy(A, R, &fref("nope")).unwrap_err().message(),
            "The resource you requested does not exist."
        );
        assert_eq!(
            reg.remove_permission(A, R, &fref("nope"), "s3", None)
                .unwrap_err()
                .message(),
            "No policy found for: arn:aws:lambda:us-east-1:000000000000:function:nope"
        );
        assert_eq!(
            reg.delete_function(A, R, &fref("nope:3"))
                .unwrap_err()
                .message(),
            "Function not found: arn:aws:lambda:us-east-1:000000000000:function:nope"
        );
        let before = reg.get_function(A, R, &f).unwrap().config.revision_id;
        let st = reg
            .add_permission(
                A,
                R,
                &f,
                &PermissionRequest {
                    revision_id: Some(before.clone()),
                    ..req.clone()
                },
            )
            .unwrap();
        assert_eq!(st.resource, ARN);
        let after = reg.get_function(A, R, &f).unwrap().config.revision_id;
        assert_ne!(before, after);
        let p = reg.get_policy(A, R, &f).unwrap();
        assert_eq!(p.revision_id, after);
        assert_eq!(
            reg.add_permission(A, R, &f, &req).unwrap_err().status(),
            409
        );
        let e = reg
            .add_permission(
                A,
                R,
                &f,
                &PermissionRequest {
                    statement_id: "x".into(),
                    revision_id: Some(before),
                    ..req.clone()
                },
            )
            .unwrap_err();
        assert!(
            e.message()
                .ends_with("Call the GetPolicy API to retrieve the latest Revision Id")
        );
        // Same Sid on the alias: separate document, qualified resource.
        let st = reg.add_permission(A, R, &fref("f:PROD"), &req).unwrap();
        assert_eq!(st.resource, format!("{ARN}:PROD"));
        assert_eq!(
            reg.get_policy(A, R, &fref("f:1")).unwrap_err().status(),
            404
        );
        assert_eq!(
            reg.resolve_with(A, R, &fref("f:PROD"), 0.0)
                .unwrap()
                .policy
                .statements
                .len(),
            1
        );
        assert_eq!(reg.policies(A, R, &f).unwrap().len(), 2);
        // Remove.
        assert_eq!(
            reg.remove_permission(A, R, &f, "nope", None)
                .unwrap_err()
                .message(),
            "Statement nope is not found in resource policy."
        );
        assert_eq!(
            reg.remove_permission(A, R, &f, "s3", Some("stale"))
                .unwrap_err()
                .status(),
            412
        );
        reg.remove_permission(A, R, &f, "s3", None).unwrap();
        assert_eq!(
            reg.get_policy(A, R, &f).unwrap_err().message(),
            "The resource you requested does not exist."
        );
        assert_eq!(
            reg.remove_permission(A, R, &f, "s3", None)
                .unwrap_err()
                .message(),
            "No policy is associated with the given resource."
        );
        assert_eq!(
            reg.remove_permission(A, R, &fref("f:BETA"), "s3", None)
                .unwrap_err()
                .message(),
            format!("Cannot find alias arn: {ARN}:BETA")
        );
        // Authorization through the registry: the alias grant does not cover the version.
        let on_alias = reg.resolve_with(A, R, &fref("f:PROD"), 0.0).unwrap();
        assert!(
            reg.authorize(
                &on_alias,
                &RequestContext::s3("b", A, &on_alias.invoked_arn)
            )
            .allowed
        );
        let on_version = reg.resolve_with(A, R, &fref("f:1"), 0.0).unwrap();
        let d = reg.authorize(
            &on_version,
            &RequestContext::s3("b", A, &on_version.invoked_arn),
        );
        assert!(!d.allowed);
        assert!(
            d.reason
                .ends_with("statement \"s3\" matched on f:PROD only"),
            "{}",
            d.reason
        );
        reg.delete_alias(A, R, &f, "PROD").unwrap();
        reg.create_alias(A, R, &f, alias("PROD", "1", None))
            .unwrap();
        assert_eq!(
            reg.get_policy(A, R, &fref("f:PROD")).unwrap_err().status(),
            404,
            "alias policy dropped with the alias"
        );
    }

    #[test]
    fn list_functions_pages() {
        let reg = Registry::new();
        for i in 0..55 {
            reg.create_function(
                A,
                R,
                CreateFunction {
                    function_name: format!("fn-{i:02}"),
                    role: "arn:aws:iam::000000000000:role/r".into(),
                    zip_file: WASM.to_vec(),
                    ..Default::default()
                },
            )
            .unwrap();
        }
        let (p1, next) = reg.list_functions(A, R, None, Some(500));
        assert_eq!((p1.len(), next.as_deref()), (50, Some("fn-50")));
        let (p2, next) = reg.list_functions(A, R, next.as_deref(), None);
        assert_eq!((p2.len(), next), (5, None));
        assert!(reg.list_functions(A, "eu-west-1", None, None).0.is_empty());
        reg.publish_version(A, R, &fref("fn-00"), None, None, None)
            .unwrap();
        let (all, next) = reg.list_functions_all_versions(A, R, None, Some(3));
        let names: Vec<String> = all
            .iter()
            .map(|c| format!("{}:{}", c.function_name, c.version))
            .collect();
        assert_eq!(names, ["fn-00:$LATEST", "fn-00:1", "fn-01:$LATEST"]);
        assert_eq!(next.as_deref(), Some("fn-02:$LATEST"));
    }

    #[test]
    fn reserved_concurrency_is_per_function() {
        let reg = Registry::new();
        create(&reg, true);
        assert_eq!(
            reg.get_function_concurrency(A, R, &fref("f")).unwrap(),
            None
        );
        assert_eq!(
            reg.resolve(A, R, &fref("f")).unwrap().reserved_concurrency,
            None
        );
        assert_eq!(
            reg.put_function_concurrency(A, R, &fref("f"), 0).unwrap(),
            0
        );
        assert_eq!(
            reg.get_function_concurrency(A, R, &fref(ARN)).unwrap(),
            Some(0)
        );
        // Every qualifier runs under the function's reservation.
        assert_eq!(
            reg.resolve(A, R, &fref("f:1"))
                .unwrap()
                .reserved_concurrency,
            Some(0)
        );
        assert_eq!(
            reg.get_function(A, R, &fref("f"))
                .unwrap()
                .reserved_concurrency,
            Some(0)
        );
        reg.put_function_concurrency(A, R, &fref("f"), 7).unwrap();
        assert_eq!(
            reg.resolve(A, R, &fref("f")).unwrap().reserved_concurrency,
            Some(7)
        );
        reg.delete_function_concurrency(A, R, &fref("f")).unwrap();
        assert_eq!(
            reg.get_function_concurrency(A, R, &fref("f")).unwrap(),
            None
        );
        // Deleting again is not an error.
        reg.delete_function_concurrency(A, R, &fref("f")).unwrap();
    }

    #[test]
    fn reserved_concurrency_refusals() {
        let reg = Registry::new();
        let e = reg
            .put_function_concurrency(A, R, &fref("f"), 1)
            .unwrap_err();
        assert_eq!(e, LambdaError::function_not_found(ARN));
        let e = reg.get_function_concurrency(A, R, &fref("f")).unwrap_err();
        assert_eq!(e.code(), "ResourceNotFoundException");
        let e = reg
            .delete_function_concurrency(A, R, &fref("f"))
            .unwrap_err();
        assert_eq!(e.code(), "ResourceNotFoundException");
        create(&reg, true);
        let e = reg
            .put_function_concurrency(A, R, &fref("f:1"), 1)
            .unwrap_err();
        assert_eq!(e.code(), "InvalidParameterValueException");
        let e = reg
            .get_function_concurrency(A, R, &fref("f:$LATEST"))
            .unwrap_err();
        assert_eq!(e.code(), "InvalidParameterValueException");
        // At most 900 of the account's 1000 may be reserved.
        reg.put_function_concurrency(A, R, &fref("f"), 900).unwrap();
        let e = reg
            .put_function_concurrency(A, R, &fref("f"), 901)
            .unwrap_err();
        assert!(e.message().contains("minimum value of [100]"), "{e}");
        assert_eq!(
            reg.get_function_concurrency(A, R, &fref("f")).unwrap(),
            Some(900)
        );
    }
}
