//! May S3 invoke this function? The one answer, given to a delivery before its first
//! attempt and to `PutBucketNotificationConfiguration` for each Lambda destination: resolve
//! the configured ARN in the bucket's region, evaluate that qualifier's resource policy
//! with the request context S3 presents (principal `s3.amazonaws.com`, action
//! `lambda:InvokeFunction`, `AWS:SourceArn` the bucket, `AWS:SourceAccount` its owner),
//! and on denial name the other scopes whose statements would have allowed it. The words
//! are in [`crate::lambda::policy::reason`].

use crate::arn::{FunctionRef, NameKind};
use crate::lambda::policy::{self, Decision, Refusal, RequestContext, Unresolved};
use crate::lambda::registry::{Registry, Resolved};

/// The function a delivery is for, and the request context S3 presents.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Target<'a> {
    /// The function ARN as configured on the bucket.
    pub function_arn: &'a str,
    /// The bucket's region.
    pub region: &'a str,
    /// `arn:aws:s3:::{bucket}`.
    pub source_arn: &'a str,
    /// The bucket owner's account id.
    pub source_account: &'a str,
}

/// What S3 may invoke, and the statement that allows it.
#[derive(Debug, Clone)]
pub(crate) struct Grant {
    /// The version (and snapshot) the configured ARN resolved to.
    pub resolved: Resolved,
    /// The allowing decision.
    pub decision: Decision,
}

/// Whether S3 may invoke `target.function_arn` for the bucket `target` describes.
pub(crate) fn authorize_s3(registry: &Registry, target: &Target<'_>) -> Result<Grant, Refusal> {
    let (function, resolved) = resolve(registry, target).map_err(Refusal::Unresolved)?;
    let context = RequestContext::s3_source(
        target.source_arn.to_owned(),
        target.source_account,
        &resolved.invoked_arn,
    );
    let decision = policy::authorize_with(&resolved.policy, &context, || {
        registry
            .policies(&resolved.account, &resolved.region, &function)
            .unwrap_or_default()
    });
    if !decision.allowed {
        return Err(Refusal::Denied {
            resolved_version: resolved.executed_version,
            decision,
        });
    }
    Ok(Grant { resolved, decision })
}

/// Resolves the configured ARN (a partial ARN takes the bucket's account and region) to
/// what runs now; a function of another region is not S3's to invoke.
pub(crate) fn resolve(
    registry: &Registry,
    target: &Target<'_>,
) -> Result<(FunctionRef, Resolved), Unresolved> {
    let function = FunctionRef::parse(target.function_arn, NameKind::Plain).map_err(|error| {
        Unresolved::NotAFunctionArn {
            arn: target.function_arn.to_owned(),
            error,
        }
    })?;
    let account = function.account.as_deref().unwrap_or(target.source_account);
    let region = function.region.as_deref().unwrap_or(target.region);
    if region != target.region {
        return Err(Unresolved::OtherRegion {
            arn: target.function_arn.to_owned(),
            region: region.to_owned(),
            bucket_region: target.region.to_owned(),
        });
    }
    let resolved = registry
        .resolve(account, region, &function)
        .map_err(Unresolved::NotFound)?;
    Ok((function, resolved))
}
