//! Storage: the registry's map of functions keyed by [`FunctionKey`], the per-function
//! record, shared lookups and list paging.
//!
//! State choice: a WebAssembly component function is `Active` as soon as CreateFunction
//! returns; a Node.js or Python one is `Pending` until its engine is ready (`lifecycle.rs`).

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use dashmap::DashMap;
use dashmap::mapref::one::{Ref, RefMut};

use super::scope::Scope;
use crate::arn::{self, FunctionRef, Qualifier};
use crate::lambda::config::{Alias, Fingerprint, FunctionConfig, revision};
use crate::lambda::error::LambdaError;
use crate::lambda::invoke_config::EventInvokeConfig;
use crate::lambda::package;
use crate::lambda::policy::CompiledPolicy;
use crate::lambda::runtimes::RuntimePolicy;

/// Default and maximum page size of the list operations.
pub const MAX_PAGE: usize = 50;

/// Where a function is stored: its owning account, its region and its bare name.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct FunctionKey {
    /// The owning account.
    pub(crate) account: String,
    /// The region.
    pub(crate) region: String,
    /// The bare function name.
    pub(crate) name: String,
}

impl FunctionKey {
    /// The key of the function `r` names in `account`. The account is always the one the
    /// caller passes (the API's access check decided it from the authenticated caller; the
    /// dispatcher passes the notification target's): an account written in the ARN never
    /// selects another account's function here.
    pub(crate) fn of(account: &str, region: &str, r: &FunctionRef) -> Self {
        Self {
            account: account.to_owned(),
            region: r.region.clone().unwrap_or_else(|| region.to_owned()),
            name: r.name.clone(),
        }
    }

    /// The unqualified function ARN.
    pub(crate) fn arn(&self) -> String {
        arn::function_arn(&self.region, &self.account, &self.name)
    }

    /// True if the function lives in `account` and `region`.
    pub(super) fn is_in(&self, account: &str, region: &str) -> bool {
        self.account == account && self.region == region
    }
}

/// One function: `$LATEST`, its published versions, aliases, policies and settings.
#[derive(Debug)]
pub(super) struct Function {
    /// Replaced by a new `Arc` on every change, so a resolution holds a stable snapshot.
    pub(super) latest: Arc<FunctionConfig>,
    /// Immutable once published.
    pub(super) versions: BTreeMap<u64, Arc<FunctionConfig>>,
    pub(super) next_version: u64,
    pub(super) last_published: Option<(u64, Fingerprint)>,
    pub(super) aliases: BTreeMap<String, Alias>,
    /// Parsed once per change, shared by every resolution.
    pub(super) policies: HashMap<Scope, Arc<CompiledPolicy>>,
    /// Keyed by qualifier (`$LATEST` for the unqualified function).
    pub(super) event_invoke_configs: HashMap<Qualifier, EventInvokeConfig>,
    pub(super) tags: BTreeMap<String, String>,
    pub(super) reserved_concurrency: Option<u32>,
}

/// All functions of all accounts and regions. Cheap to share behind an `Arc`.
#[derive(Debug, Default)]
pub struct Registry {
    pub(super) functions: DashMap<FunctionKey, Function>,
    /// Deployment packages, each stored once and capped in total.
    pub(super) packages: package::PackageStore,
    /// What a deprecated `Runtime` gets.
    pub(super) runtimes: RuntimePolicy,
    /// `$LATEST` snapshots whose code is still to be made ready (see `lifecycle.rs`).
    pub(super) unprepared: parking_lot::Mutex<Vec<Arc<FunctionConfig>>>,
}

/// One page of `items` starting at the item whose key is `marker`, and the next marker.
pub(super) fn page<T: Clone>(
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
    /// A new function whose only version is `latest`.
    pub(super) fn new(latest: FunctionConfig, tags: BTreeMap<String, String>) -> Self {
        Self {
            latest: Arc::new(latest),
            versions: BTreeMap::new(),
            next_version: 1,
            last_published: None,
            aliases: BTreeMap::new(),
            policies: HashMap::new(),
            event_invoke_configs: HashMap::new(),
            tags,
            reserved_concurrency: None,
        }
    }

    /// The unqualified function ARN.
    pub(super) fn arn(&self) -> String {
        self.latest.function_arn()
    }

    /// The function ARN qualified with `q`.
    pub(super) fn qualified(&self, q: impl std::fmt::Display) -> String {
        format!("{}:{q}", self.arn())
    }

    /// The ARN of a scope: unqualified, or qualified with its qualifier.
    pub(super) fn scope_arn(&self, scope: &Scope) -> String {
        match scope {
            Scope::Unqualified => self.arn(),
            Scope::Qualified(q) => self.qualified(q),
        }
    }

    /// The configuration a version string designates.
    pub(super) fn version(&self, v: &str) -> Result<&Arc<FunctionConfig>, LambdaError> {
        match Qualifier::parse(v) {
            Qualifier::Latest => Ok(&self.latest),
            Qualifier::Version(n) => self
                .versions
                .get(&n)
                .ok_or_else(|| LambdaError::function_not_found(&self.qualified(v))),
            Qualifier::Alias(_) => Err(LambdaError::function_not_found(&self.qualified(v))),
        }
    }

    /// `Cannot find alias arn: {arn}`.
    pub(super) fn alias_not_found(&self, name: &str) -> LambdaError {
        LambdaError::ResourceNotFound(format!("Cannot find alias arn: {}", self.qualified(name)))
    }

    /// Issues a new RevisionId for `$LATEST` and the unqualified policy.
    pub(super) fn bump(&mut self) {
        let revision_id = revision();
        if let Some(p) = self.policies.get_mut(&Scope::Unqualified) {
            let mut policy = p.policy().clone();
            policy.revision_id.clone_from(&revision_id);
            *p = Arc::new(CompiledPolicy::new(policy));
        }
        Arc::make_mut(&mut self.latest).revision_id = revision_id;
    }

    /// Checks that a scope exists (version or alias).
    pub(super) fn check_scope(&self, scope: &Scope) -> Result<(), LambdaError> {
        match scope {
            Scope::Unqualified | Scope::Qualified(Qualifier::Latest) => Ok(()),
            Scope::Qualified(Qualifier::Version(n)) => self
                .versions
                .get(n)
                .map(|_| ())
                .ok_or_else(|| LambdaError::function_not_found(&self.qualified(n))),
            Scope::Qualified(Qualifier::Alias(a)) => self
                .aliases
                .get(a)
                .map(|_| ())
                .ok_or_else(|| self.alias_not_found(a)),
        }
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

    /// What a deprecated `Runtime` gets on create and update (refused by default, as AWS does).
    pub fn runtimes(&self) -> &RuntimePolicy {
        &self.runtimes
    }

    /// Removes every function (simulator reset).
    pub fn clear(&self) {
        self.functions.clear();
    }

    /// Whether the function `r` names exists (`ResourceNotFoundException` if not), without
    /// copying anything out of it.
    pub fn require(&self, account: &str, region: &str, r: &FunctionRef) -> Result<(), LambdaError> {
        self.get(account, region, r).map(drop)
    }

    /// The function for reading: a shared shard lock, so concurrent reads (every delivery
    /// resolves an ARN) do not wait on each other.
    pub(super) fn get(
        &self,
        account: &str,
        region: &str,
        r: &FunctionRef,
    ) -> Result<Ref<'_, FunctionKey, Function>, LambdaError> {
        let key = FunctionKey::of(account, region, r);
        self.functions
            .get(&key)
            .ok_or_else(|| Self::not_found(&key, r))
    }

    /// The function for changing it: an exclusive shard lock.
    pub(super) fn get_mut(
        &self,
        account: &str,
        region: &str,
        r: &FunctionRef,
    ) -> Result<RefMut<'_, FunctionKey, Function>, LambdaError> {
        let key = FunctionKey::of(account, region, r);
        self.functions
            .get_mut(&key)
            .ok_or_else(|| Self::not_found(&key, r))
    }

    /// `Function not found: {arn[:qualifier]}`.
    fn not_found(key: &FunctionKey, r: &FunctionRef) -> LambdaError {
        LambdaError::function_not_found(&arn::qualified_function_arn(
            &key.region,
            &key.account,
            &key.name,
            r.qualifier.as_deref(),
        ))
    }

    /// Like `get_mut`, with the error for a missing function built from its unqualified ARN.
    pub(super) fn get_mut_or(
        &self,
        account: &str,
        region: &str,
        r: &FunctionRef,
        missing: impl FnOnce(String) -> LambdaError,
    ) -> Result<RefMut<'_, FunctionKey, Function>, LambdaError> {
        let key = FunctionKey::of(account, region, r);
        self.functions
            .get_mut(&key)
            .ok_or_else(|| missing(key.arn()))
    }
}
