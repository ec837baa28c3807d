//! Which account's function a request may touch, decided once per request from the
//! authenticated caller.
//!
//! A request acts in the caller's own account (the edge derives it from the access key).
//! Naming another account's function by its ARN is `AccessDeniedException` (403), in
//! Lambda's words (`User: arn:aws:iam::B:root is not authorized to perform: lambda:GetFunction
//! on resource: arn:aws:lambda:...:A:function:f because no resource-based policy allows the
//! lambda:GetFunction action`), unless the function's resource-based policy, for the scope
//! Lambda checks (the qualifier's; `$LATEST` shares the unqualified function's), grants the
//! caller's account that action. Only invocation and the read actions can be granted to
//! another account this way; changing a function, its aliases, versions, settings or policy
//! stays with its owner, and no account creates a function in another.
//!
//! The registry never takes an account from an ARN: it looks functions up in the account
//! this module returns.
//!
//! <https://docs.aws.amazon.com/lambda/latest/dg/permissions-function-cross-account.html>

use crate::arn::{self, FunctionRef, NameKind};
use crate::lambda::error::LambdaError;
use crate::lambda::policy::{Caller, RequestContext};
use crate::lambda::registry::Registry;

use super::LambdaRequest;
use super::wire;

/// The actions a function's resource-based policy can grant another account: invocation
/// and reading the function.
pub const GRANTABLE: [&str; 10] = [
    "lambda:InvokeFunction",
    "lambda:GetFunction",
    "lambda:GetFunctionConfiguration",
    "lambda:GetPolicy",
    "lambda:ListVersionsByFunction",
    "lambda:ListAliases",
    "lambda:GetAlias",
    "lambda:GetFunctionConcurrency",
    "lambda:GetFunctionEventInvokeConfig",
    "lambda:ListFunctionEventInvokeConfigs",
];

/// The IAM identity of a caller authenticated with an account's keys (its root user: the
/// simulator has no IAM users).
pub fn caller_arn(account: &str) -> String {
    format!("arn:aws:iam::{account}:root")
}

/// Lambda's denial for `caller` performing `action` on `resource`, with `why` appended in
/// parentheses when there is more to say than the policy's absence.
pub fn denied(caller: &str, action: &str, resource: &str, why: Option<&str>) -> LambdaError {
    let base = format!(
        "User: {} is not authorized to perform: {action} on resource: {resource} because no resource-based policy allows the {action} action",
        caller_arn(caller)
    );
    LambdaError::AccessDenied(match why {
        Some(why) => format!("{base} ({why})"),
        None => base,
    })
}

/// The account whose function a request for `action` on the function named `name` (with the
/// request's `Qualifier`) acts in: the caller's own, or the owner's when the owner's policy
/// grants the caller's account `action`. Otherwise `AccessDeniedException`.
///
/// A name that does not parse is left to the operation, which reports it the same way.
pub fn owner(
    reg: &Registry,
    req: &LambdaRequest,
    action: &'static str,
    name: &str,
) -> Result<String, LambdaError> {
    let parsed = wire::function_ref(req, name).or_else(|_| wire::function_ref_plain(name));
    let Ok(r) = parsed else {
        return Ok(req.account_id.clone());
    };
    let owner = match r.account.as_deref() {
        Some(a) if a != req.account_id => a.to_owned(),
        _ => return Ok(req.account_id.clone()),
    };
    let region = r.region.as_deref().unwrap_or(&req.region);
    let resource = arn::qualified_function_arn(region, &owner, &r.name, r.qualifier.as_deref());
    if !GRANTABLE.contains(&action) {
        let why = format!(
            "{action} is reserved to the function's owner, account {owner}; a resource-based policy can grant another account only {}",
            GRANTABLE.join(", ")
        );
        return Err(denied(&req.account_id, action, &resource, Some(&why)));
    }
    let ctx = RequestContext::new(Caller::Account(req.account_id.clone()), action, &resource);
    match reg.check_policy(&owner, region, &r, &ctx) {
        Some(d) if d.allowed => {
            tracing::debug!(
                caller = %req.account_id, %owner, action, reason = %d.reason,
                "cross-account request allowed by resource-based policy"
            );
            Ok(owner)
        }
        Some(d) => Err(denied(&req.account_id, action, &resource, Some(&d.reason))),
        None => Err(denied(&req.account_id, action, &resource, None)),
    }
}

/// CreateFunction: a function is created in the caller's account only; a `FunctionName`
/// that is another account's ARN is `AccessDeniedException`.
pub fn create_in_own_account(req: &LambdaRequest, function_name: &str) -> Result<(), LambdaError> {
    let Ok(r) = FunctionRef::parse(function_name, NameKind::Plain) else {
        return Ok(());
    };
    match r.account.as_deref() {
        Some(a) if a != req.account_id => {
            let region = r.region.as_deref().unwrap_or(&req.region);
            let resource = arn::function_arn(region, a, &r.name);
            let why = format!(
                "a function is created in the caller's account, {}; account {a}'s functions are created with its own credentials",
                req.account_id
            );
            Err(denied(
                &req.account_id,
                "lambda:CreateFunction",
                &resource,
                Some(&why),
            ))
        }
        _ => Ok(()),
    }
}
