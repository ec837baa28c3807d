//! Resource-based policies per scope: AddPermission, RemovePermission, GetPolicy, the
//! policies of every scope (to explain denials) and their evaluation.

use std::sync::Arc;

use super::scope::Scope;
use super::store::{Function, Registry};
use super::validate::{POLICY_REVISION_MSG, check_revision};
use crate::arn::{self, FunctionRef, Qualifier};
use crate::lambda::config::revision;
use crate::lambda::error::LambdaError;
use crate::lambda::policy::{
    self, CompiledPolicy, Decision, PermissionRequest, Policy, RequestContext, Statement,
    build_statement,
};

impl Function {
    /// The RevisionId a scope's policy currently has (before it exists: its owner's).
    fn policy_revision(&self, scope: &Scope) -> String {
        if let Some(p) = self.policies.get(scope) {
            return p.revision_id.clone();
        }
        match scope {
            Scope::Unqualified | Scope::Qualified(Qualifier::Latest) => {
                self.latest.revision_id.clone()
            }
            Scope::Qualified(Qualifier::Version(n)) => self
                .versions
                .get(n)
                .map(|c| c.revision_id.clone())
                .unwrap_or_default(),
            Scope::Qualified(Qualifier::Alias(a)) => self
                .aliases
                .get(a)
                .map(|x| x.revision_id.clone())
                .unwrap_or_default(),
        }
    }

    /// Every policy of the function with the ARN of its scope (unsorted).
    fn scoped_policies(&self) -> Vec<(String, Policy)> {
        self.policies
            .iter()
            .map(|(scope, p)| (self.scope_arn(scope), p.policy().clone()))
            .collect()
    }
}

impl Registry {
    /// AddPermission on the scope the reference's qualifier names.
    pub fn add_permission(
        &self,
        account: &str,
        region: &str,
        r: &FunctionRef,
        req: &PermissionRequest,
    ) -> Result<Statement, LambdaError> {
        if r.qualifier.as_deref() == Some(arn::LATEST) {
            return Err(LambdaError::InvalidParameterValue(
                "We currently do not support adding policies for $LATEST.".into(),
            ));
        }
        let mut f = self.get_mut(account, region, r)?;
        let scope = Scope::of(r);
        f.check_scope(&scope)?;
        let resource = f.scope_arn(&scope);
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
        let unqualified = scope.is_unqualified();
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
        policy::statement::validate_statement_id(sid)?;
        let mut f = self.get_mut_or(account, region, r, |a| {
            LambdaError::ResourceNotFound(format!("No policy found for: {a}"))
        })?;
        let scope = Scope::of(r);
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
        let unqualified = scope.is_unqualified();
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
        let scope = Scope::of(r);
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
        let mut out = f.scoped_policies();
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
        let scope = Scope::of(r).policy_scope();
        if f.check_scope(&scope).is_err() {
            return None;
        }
        let policy = f
            .policies
            .get(&scope)
            .map_or_else(|| Arc::new(CompiledPolicy::default()), Arc::clone);
        let scopes = f.scoped_policies();
        drop(f);
        Some(policy::authorize(&policy, &scopes, ctx))
    }
}
