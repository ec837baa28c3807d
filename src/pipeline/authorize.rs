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
pub struct Target<'a> {
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
pub struct Grant {
    /// The version (and snapshot) the configured ARN resolved to.
    pub resolved: Resolved,
    /// The allowing decision.
    pub decision: Decision,
}

/// Whether S3 may invoke `target.function_arn` for the bucket `target` describes.
pub fn authorize_s3(registry: &Registry, target: &Target<'_>) -> Result<Grant, Refusal> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lambda::package::zip_of;
    use crate::lambda::policy::PermissionRequest;
    use crate::lambda::registry::{AliasInput, CreateFunction};

    const A: &str = "000000000000";
    const R: &str = "us-east-1";
    const ARN: &str = "arn:aws:lambda:us-east-1:000000000000:function:f";

    fn fref(s: &str) -> FunctionRef {
        FunctionRef::parse(s, NameKind::Namespaced).unwrap()
    }

    /// `f` with version 1 behind the aliases PROD, BETA and SNS.
    fn registry() -> Registry {
        let reg = Registry::new();
        reg.create_function(
            A,
            R,
            CreateFunction {
                function_name: "f".into(),
                role: "arn:aws:iam::000000000000:role/lambda-role".into(),
                handler: Some("app.handler".into()),
                zip_file: zip_of(&[("app.wasm", b"\0asm\x0d\0\x01\0")]),
                publish: true,
                ..Default::default()
            },
        )
        .unwrap();
        for alias in ["PROD", "BETA", "SNS"] {
            reg.create_alias(
                A,
                R,
                &fref("f"),
                AliasInput {
                    name: alias.into(),
                    function_version: "1".into(),
                    description: None,
                    additional_version_weights: None,
                },
            )
            .unwrap();
        }
        reg
    }

    fn grant(reg: &Registry, on: &str, sid: &str, principal: &str, bucket: &str, owner: &str) {
        let req = PermissionRequest {
            statement_id: sid.into(),
            action: "lambda:InvokeFunction".into(),
            principal: principal.into(),
            source_arn: Some(format!("arn:aws:s3:::{bucket}")),
            source_account: Some(owner.into()),
            ..Default::default()
        };
        reg.add_permission(A, R, &fref(on), &req).unwrap();
    }

    fn check(reg: &Registry, function_arn: &str, bucket: &str) -> Result<Grant, Refusal> {
        let source_arn = format!("arn:aws:s3:::{bucket}");
        authorize_s3(
            reg,
            &Target {
                function_arn,
                region: R,
                source_arn: &source_arn,
                source_account: A,
            },
        )
    }

    /// The reason of a denial of version 1, which the refusal names.
    fn denied(result: Result<Grant, Refusal>) -> String {
        match result {
            Err(Refusal::Denied {
                resolved_version,
                decision,
            }) => {
                assert_eq!(resolved_version, "1", "{}", decision.reason);
                assert!(!decision.allowed && decision.statement.is_none());
                decision.reason
            }
            other => panic!("not a denial: {other:?}"),
        }
    }

    #[test]
    fn the_denial_matrix() {
        let reg = registry();
        let prod = format!("{ARN}:PROD");
        // 1. No permission at all.
        let reason = denied(check(&reg, &prod, "no-permission"));
        assert!(reason.contains("no resource-based policy"), "{reason}");
        // 2. Permission on another alias only: named.
        grant(&reg, "f:BETA", "beta", "s3.amazonaws.com", "other-alias", A);
        let reason = denied(check(&reg, &prod, "other-alias"));
        assert!(
            reason.ends_with("; statement \"beta\" matched on f:BETA only"),
            "{reason}"
        );
        // 3. The unqualified function's grant does not cover an alias.
        grant(&reg, "f", "plain", "s3.amazonaws.com", "unqualified", A);
        assert!(check(&reg, ARN, "unqualified").is_ok());
        let reason = denied(check(&reg, &prod, "unqualified"));
        assert!(reason.contains("matched on f only"), "{reason}");
        // 4. Wrong SourceArn, 5. wrong SourceAccount.
        grant(
            &reg,
            "f:PROD",
            "elsewhere",
            "s3.amazonaws.com",
            "other-bucket",
            A,
        );
        assert!(denied(check(&reg, &prod, "wrong-arn")).contains("ArnLike AWS:SourceArn"));
        grant(
            &reg,
            "f:PROD",
            "acct",
            "s3.amazonaws.com",
            "wrong-account",
            "999999999999",
        );
        let reason = denied(check(&reg, &prod, "wrong-account"));
        assert!(
            reason.contains(
                "StringEquals AWS:SourceAccount \"000000000000\" does not match \"999999999999\""
            ),
            "{reason}"
        );
        // 6. Wrong principal.
        grant(
            &reg,
            "f:SNS",
            "sns",
            "sns.amazonaws.com",
            "wrong-principal",
            A,
        );
        let reason = denied(check(&reg, &format!("{ARN}:SNS"), "wrong-principal"));
        assert_eq!(
            reason,
            "denied: policy of f:SNS has no statement for principal s3.amazonaws.com"
        );
        // Allowed: the statement and the version are named.
        grant(&reg, "f:PROD", "s3", "s3.amazonaws.com", "photos", A);
        let grant = check(&reg, &prod, "photos").expect("allowed");
        assert_eq!(grant.decision.statement.as_deref(), Some("s3"));
        assert_eq!(
            grant.decision.reason,
            "allowed by statement \"s3\" of the policy of f:PROD"
        );
        assert_eq!(grant.resolved.executed_version, "1");
        assert_eq!(grant.resolved.invoked_arn, prod);
        // The alias grant does not cover the version it points at.
        let reason = denied(check(&reg, &format!("{ARN}:1"), "photos"));
        assert!(
            reason.ends_with("statement \"s3\" matched on f:PROD only"),
            "{reason}"
        );
    }

    #[test]
    fn what_cannot_be_resolved_is_refused_as_such() {
        let reg = registry();
        let unresolved = |arn: &str| match check(&reg, arn, "photos") {
            Err(Refusal::Unresolved(u)) => u,
            other => panic!("{arn}: {other:?}"),
        };
        assert!(matches!(
            unresolved("not-an-arn:"),
            Unresolved::NotAFunctionArn { .. }
        ));
        let other = unresolved("arn:aws:lambda:eu-west-1:000000000000:function:f");
        assert_eq!(
            other.to_string(),
            "function arn:aws:lambda:eu-west-1:000000000000:function:f is in region eu-west-1 but the bucket is in us-east-1: S3 invokes only functions of the bucket's region"
        );
        let missing = unresolved(&format!("{ARN}:GONE"));
        assert!(matches!(missing, Unresolved::NotFound(_)), "{missing}");
        assert!(matches!(
            unresolved("arn:aws:lambda:us-east-1:000000000000:function:nope"),
            Unresolved::NotFound(_)
        ));
    }
}
