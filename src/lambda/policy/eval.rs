//! Resource-based policy evaluation as a pure function, with a reason a user can act on.
//!
//! Allow-only policies: statements are ORed, the conditions of one statement ANDed. A
//! statement applies when its principal, action and resource match the request and every
//! condition holds. `ArnLike`/`ArnEquals` compare the six ARN parts separately (`*` and `?`
//! never cross a part boundary); `StringLike` wildcards span colons; values are compared
//! case-sensitively, condition key names case-insensitively; a key missing from the
//! request makes a positive condition false. The words of every decision are in
//! [`super::reason`].
//!
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html>

use super::compiled::{ArnPattern, CompiledPolicy, Cond, Op, Pattern, Rule};
use super::context::{Caller, Decision, RequestContext};
use super::reason::{self, Failure};
use super::statement::{Policy, Principal, Statement};
use crate::arn::Arn;

/// Evaluates `policy` (of the scope `ctx.resource` designates) for `ctx`. Parses the
/// statements first: where one document is evaluated many times, keep a
/// [`CompiledPolicy`] and call [`CompiledPolicy::evaluate`].
pub fn evaluate(policy: &Policy, ctx: &RequestContext) -> Decision {
    CompiledPolicy::new(policy.clone()).evaluate(ctx)
}

impl CompiledPolicy {
    /// Evaluates this policy (of the scope `ctx.resource` designates) for `ctx`. Allocates
    /// only the decision: the allowing statement's reason, or on denial the reason of each
    /// statement for the caller's principal.
    pub fn evaluate(&self, ctx: &RequestContext) -> Decision {
        let statements = &self.policy().statements;
        for (st, rule) in statements.iter().zip(&self.rules) {
            if principal_matches(&st.principal, &ctx.principal) && check_rule(rule, st, ctx).is_ok()
            {
                return Decision {
                    allowed: true,
                    statement: Some(st.sid.clone()),
                    reason: reason::allowed(&st.sid, ctx),
                };
            }
        }
        self.denial(ctx)
    }

    /// The denial and its reasons (the slow path: it formats every failure).
    fn denial(&self, ctx: &RequestContext) -> Decision {
        let statements = &self.policy().statements;
        if statements.is_empty() {
            return reason::no_policy(ctx);
        }
        let failures: Vec<(&Statement, Failure<'_>)> = statements
            .iter()
            .zip(&self.rules)
            .filter(|(st, _)| principal_matches(&st.principal, &ctx.principal))
            .filter_map(|(st, rule)| Some((st, check_rule(rule, st, ctx).err()?)))
            .collect();
        reason::no_statement_applies(&failures, ctx)
    }
}

/// For a denied request, finds statements of *other* scopes that would have allowed it had
/// the caller invoked that scope, e.g. `statement "1" matched on helloworld:BETA only`.
/// `scopes` holds each scope's ARN and policy.
pub fn explain_other_scopes(scopes: &[(String, Policy)], ctx: &RequestContext) -> Option<String> {
    let mut hits = Vec::new();
    for (arn, policy) in scopes {
        if *arn == ctx.resource {
            continue;
        }
        let moved = RequestContext {
            resource: arn.clone(),
            ..ctx.clone()
        };
        let d = evaluate(policy, &moved);
        if let (true, Some(sid)) = (d.allowed, d.statement) {
            hits.push(reason::matched_elsewhere(&sid, arn));
        }
    }
    (!hits.is_empty()).then(|| reason::join(&hits))
}

/// Evaluates `policy` and, on denial, appends which other scopes would have allowed the
/// request (`scopes`: every policy of the function with its scope ARN), e.g.
/// `denied: policy of helloworld:PROD has no statement for principal s3.amazonaws.com; statement "1" matched on helloworld:BETA only`.
pub fn authorize(
    policy: &CompiledPolicy,
    scopes: &[(String, Policy)],
    ctx: &RequestContext,
) -> Decision {
    let mut d = policy.evaluate(ctx);
    if !d.allowed {
        explain_denial(&mut d, scopes, ctx);
    }
    d
}

/// [`authorize`], asking for the other scopes only on denial (the allowed path reads no
/// other policy).
pub fn authorize_with(
    policy: &CompiledPolicy,
    ctx: &RequestContext,
    scopes: impl FnOnce() -> Vec<(String, Policy)>,
) -> Decision {
    let mut d = policy.evaluate(ctx);
    if !d.allowed {
        explain_denial(&mut d, &scopes(), ctx);
    }
    d
}

/// Appends to a denial's reason the other scopes that would have allowed the request.
fn explain_denial(d: &mut Decision, scopes: &[(String, Policy)], ctx: &RequestContext) {
    if let Some(more) = explain_other_scopes(scopes, ctx) {
        d.reason = reason::with_elsewhere(&d.reason, &more);
    }
}

fn principal_matches(p: &Principal, caller: &Caller) -> bool {
    match (p, caller) {
        (Principal::Any, _) => true,
        (Principal::Service(s), Caller::Service(c)) => s.eq_ignore_ascii_case(c),
        (Principal::Aws(a), Caller::Account(acct)) => root_account(a) == Some(acct.as_str()),
        (Principal::Aws(a), Caller::Arn(c)) => {
            a == c
                || root_account(a)
                    .is_some_and(|acct| Arn::parse(c).is_ok_and(|x| x.account == acct))
        }
        _ => false,
    }
}

fn root_account(arn: &str) -> Option<&str> {
    arn.strip_prefix("arn:aws:iam::")?.strip_suffix(":root")
}

/// Whether a statement whose principal matches applies, or the first reason it does not.
fn check_rule<'a>(
    rule: &'a Rule,
    st: &Statement,
    ctx: &'a RequestContext,
) -> Result<(), Failure<'a>> {
    if !rule.action.matches_ignore_case(&ctx.action) {
        return Err(Failure::Action);
    }
    // `$LATEST` is covered by the unqualified function's statements (Resource without a
    // qualifier), as Lambda evaluates them.
    let unqualified = ctx.resource.strip_suffix(":$LATEST");
    if !rule.resource.matches(&ctx.resource)
        && !unqualified.is_some_and(|r| rule.resource.matches(r))
    {
        return Err(Failure::Resource);
    }
    for cond in &rule.conditions {
        check_condition(cond, st, ctx)?;
    }
    Ok(())
}

fn check_condition<'a>(
    cond: &'a Cond,
    st: &Statement,
    ctx: &'a RequestContext,
) -> Result<(), Failure<'a>> {
    let Some(actual) = ctx.value(cond.key) else {
        // A missing key fails positive operators and satisfies negated ones and ...IfExists.
        return if cond.negated || cond.if_exists {
            Ok(())
        } else {
            Err(Failure::Missing(cond))
        };
    };
    let matched = match &cond.op {
        Op::Equals => actual == cond.expected(st),
        Op::EqualsIgnoreCase | Op::Bool => actual.eq_ignore_ascii_case(cond.expected(st)),
        Op::Like(p) => p.matches(actual),
        Op::Arn(p) => p.matches(actual),
        Op::Unsupported => return Err(Failure::Unsupported(cond)),
    };
    if matched == cond.negated {
        Err(Failure::Compared(cond, actual))
    } else {
        Ok(())
    }
}

/// `ArnLike`: six parts compared separately, each a glob; both must be six-part ARNs.
pub fn arn_like(pattern: &str, value: &str) -> bool {
    ArnPattern::new(pattern).matches(value)
}

/// Case-sensitive glob with `*` (any run, including colons) and `?` (one character).
pub fn glob(pattern: &str, text: &str) -> bool {
    Pattern::new(pattern).matches(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lambda::policy::statement::{PermissionRequest, build_statement};

    const F: &str = "arn:aws:lambda:us-east-1:111111111111:function:helloworld";

    fn fq(q: &str) -> String {
        format!("{F}:{q}")
    }

    struct Grant<'a> {
        sid: &'a str,
        principal: &'a str,
        resource: String,
        source_arn: Option<&'a str>,
        source_account: Option<&'a str>,
        org: Option<&'a str>,
        action: &'a str,
    }

    fn grant(sid: &'static str, principal: &'static str, resource: &str) -> Grant<'static> {
        Grant {
            sid,
            principal,
            resource: resource.to_owned(),
            source_arn: None,
            source_account: None,
            org: None,
            action: "lambda:InvokeFunction",
        }
    }

    fn policy(grants: Vec<Grant<'_>>) -> Policy {
        let mut p = Policy::default();
        for g in grants {
            let req = PermissionRequest {
                statement_id: g.sid.into(),
                action: g.action.into(),
                principal: g.principal.into(),
                source_arn: g.source_arn.map(Into::into),
                source_account: g.source_account.map(Into::into),
                principal_org_id: g.org.map(Into::into),
                ..Default::default()
            };
            p.add(build_statement(&req, &g.resource).unwrap()).unwrap();
        }
        p
    }

    fn s3(bucket: &str, owner: &str, resource: &str) -> RequestContext {
        RequestContext::s3(bucket, owner, resource)
    }

    fn with_src(g: Grant<'static>, arn: &'static str) -> Grant<'static> {
        Grant {
            source_arn: Some(arn),
            ..g
        }
    }

    fn with_acct(g: Grant<'static>, acct: &'static str) -> Grant<'static> {
        Grant {
            source_account: Some(acct),
            ..g
        }
    }

    fn caller(principal: Caller, resource: &str) -> RequestContext {
        RequestContext::new(principal, "lambda:InvokeFunction", resource)
    }

    fn with_token(token: &str, url: &str) -> Policy {
        let req = PermissionRequest {
            statement_id: "t".into(),
            action: "lambda:InvokeFunction".into(),
            principal: "*".into(),
            event_source_token: (!token.is_empty()).then(|| token.into()),
            function_url_auth_type: (!url.is_empty()).then(|| url.into()),
            ..Default::default()
        };
        let mut p = Policy::default();
        p.add(build_statement(&req, F).unwrap()).unwrap();
        p
    }

    #[test]
    fn evaluation_table() {
        // (name, policy, context, allowed, expected Sid or reason fragment)
        let cases: Vec<(&str, Policy, RequestContext, bool, &str)> = vec![
            (
                "service principal, unqualified",
                policy(vec![grant("1", "s3.amazonaws.com", F)]),
                s3("photos", "222222222222", F),
                true,
                "1",
            ),
            (
                "empty policy",
                Policy::default(),
                s3("photos", "2", F),
                false,
                "denied: policy of helloworld has no statement for principal s3.amazonaws.com (helloworld has no resource-based policy",
            ),
            (
                "other service only",
                policy(vec![grant("1", "sns.amazonaws.com", F)]),
                s3("p", "2", F),
                false,
                "denied: policy of helloworld has no statement for principal s3.amazonaws.com",
            ),
            (
                "wildcard principal",
                policy(vec![grant("any", "*", F)]),
                s3("p", "2", F),
                true,
                "any",
            ),
            (
                "account principal, account caller",
                policy(vec![grant("acct", "222222222222", F)]),
                caller(Caller::Account("222222222222".into()), F),
                true,
                "acct",
            ),
            (
                "account principal, role in account",
                policy(vec![grant("acct", "222222222222", F)]),
                caller(Caller::Arn("arn:aws:iam::222222222222:role/r".into()), F),
                true,
                "acct",
            ),
            (
                "account principal, other account",
                policy(vec![grant("acct", "222222222222", F)]),
                caller(Caller::Account("333333333333".into()), F),
                false,
                "no statement for principal account 333333333333",
            ),
            (
                "role ARN principal exact",
                policy(vec![grant("role", "arn:aws:iam::222222222222:role/r", F)]),
                caller(Caller::Arn("arn:aws:iam::222222222222:role/r".into()), F),
                true,
                "role",
            ),
            (
                "role ARN principal, other role",
                policy(vec![grant("role", "arn:aws:iam::222222222222:role/r", F)]),
                caller(Caller::Arn("arn:aws:iam::222222222222:role/x".into()), F),
                false,
                "no statement for principal arn:aws:iam::222222222222:role/x",
            ),
            (
                "service principal vs account caller",
                policy(vec![grant("1", "s3.amazonaws.com", F)]),
                caller(Caller::Account("222222222222".into()), F),
                false,
                "no statement for principal",
            ),
            (
                "ArnLike exact bucket",
                policy(vec![with_src(
                    grant("s3-invoke", "s3.amazonaws.com", F),
                    "arn:aws:s3:::photos",
                )]),
                s3("photos", "2", F),
                true,
                "s3-invoke",
            ),
            (
                "ArnLike other bucket",
                policy(vec![with_src(
                    grant("s3-invoke", "s3.amazonaws.com", F),
                    "arn:aws:s3:::photos",
                )]),
                s3("other", "2", F),
                false,
                "statement \"s3-invoke\" did not match: ArnLike AWS:SourceArn \"arn:aws:s3:::other\" does not match \"arn:aws:s3:::photos\"",
            ),
            (
                "ArnLike star in resource part",
                policy(vec![with_src(
                    grant("w", "s3.amazonaws.com", F),
                    "arn:aws:s3:::photos-*",
                )]),
                s3("photos-2024", "2", F),
                true,
                "w",
            ),
            (
                "ArnLike question mark",
                policy(vec![with_src(
                    grant("q", "s3.amazonaws.com", F),
                    "arn:aws:s3:::photo?",
                )]),
                s3("photos", "2", F),
                true,
                "q",
            ),
            (
                "ArnLike question mark needs one char",
                policy(vec![with_src(
                    grant("q", "s3.amazonaws.com", F),
                    "arn:aws:s3:::photo?",
                )]),
                s3("photo", "2", F),
                false,
                "does not match \"arn:aws:s3:::photo?\"",
            ),
            (
                "ArnLike is case-sensitive",
                policy(vec![with_src(
                    grant("c", "s3.amazonaws.com", F),
                    "arn:aws:s3:::Photos",
                )]),
                s3("photos", "2", F),
                false,
                "ArnLike AWS:SourceArn \"arn:aws:s3:::photos\" does not match \"arn:aws:s3:::Photos\"",
            ),
            (
                "StringEquals SourceAccount ok",
                policy(vec![with_acct(
                    grant("a", "s3.amazonaws.com", F),
                    "222222222222",
                )]),
                s3("p", "222222222222", F),
                true,
                "a",
            ),
            (
                "StringEquals SourceAccount other",
                policy(vec![with_acct(
                    grant("a", "s3.amazonaws.com", F),
                    "222222222222",
                )]),
                s3("p", "333333333333", F),
                false,
                "StringEquals AWS:SourceAccount \"333333333333\" does not match \"222222222222\"",
            ),
            (
                "missing SourceArn fails positive condition",
                policy(vec![with_src(
                    grant("m", "s3.amazonaws.com", F),
                    "arn:aws:s3:::photos",
                )]),
                RequestContext {
                    source_arn: None,
                    ..s3("p", "2", F)
                },
                false,
                "requires \"arn:aws:s3:::photos\" but the request carries no AWS:SourceArn",
            ),
            (
                "conditions are ANDed",
                policy(vec![with_acct(
                    with_src(grant("both", "s3.amazonaws.com", F), "arn:aws:s3:::photos"),
                    "222222222222",
                )]),
                s3("photos", "333333333333", F),
                false,
                "AWS:SourceAccount",
            ),
            (
                "statements are ORed",
                policy(vec![
                    with_src(grant("a", "s3.amazonaws.com", F), "arn:aws:s3:::x"),
                    with_src(grant("b", "s3.amazonaws.com", F), "arn:aws:s3:::photos"),
                ]),
                s3("photos", "2", F),
                true,
                "b",
            ),
            (
                "all failures listed",
                policy(vec![
                    with_src(grant("a", "s3.amazonaws.com", F), "arn:aws:s3:::x"),
                    with_src(grant("b", "s3.amazonaws.com", F), "arn:aws:s3:::y"),
                ]),
                s3("photos", "2", F),
                false,
                "statement \"a\" did not match: ArnLike AWS:SourceArn \"arn:aws:s3:::photos\" does not match \"arn:aws:s3:::x\"; statement \"b\" did not match",
            ),
            (
                "unqualified grant denies alias",
                policy(vec![grant("1", "s3.amazonaws.com", F)]),
                s3("p", "2", &fq("PROD")),
                false,
                "Resource \"arn:aws:lambda:us-east-1:111111111111:function:helloworld\" does not match the invoked ARN",
            ),
            (
                "alias grant allows alias",
                policy(vec![grant("1", "s3.amazonaws.com", &fq("PROD"))]),
                s3("p", "2", &fq("PROD")),
                true,
                "1",
            ),
            (
                "alias grant denies its version",
                policy(vec![grant("1", "s3.amazonaws.com", &fq("PROD"))]),
                s3("p", "2", &fq("3")),
                false,
                "does not match the invoked ARN \"arn:aws:lambda:us-east-1:111111111111:function:helloworld:3\"",
            ),
            (
                "alias grant denies unqualified",
                policy(vec![grant("1", "s3.amazonaws.com", &fq("PROD"))]),
                s3("p", "2", F),
                false,
                "did not match: Resource",
            ),
            (
                "star qualifier allows any qualified",
                policy(vec![grant("1", "s3.amazonaws.com", &fq("*"))]),
                s3("p", "2", &fq("7")),
                true,
                "1",
            ),
            (
                "star qualifier denies unqualified",
                policy(vec![grant("1", "s3.amazonaws.com", &fq("*"))]),
                s3("p", "2", F),
                false,
                "Resource",
            ),
            (
                "version grant allows version",
                policy(vec![grant("v", "s3.amazonaws.com", &fq("1"))]),
                s3("p", "2", &fq("1")),
                true,
                "v",
            ),
            (
                "action wildcard lambda:*",
                policy(vec![Grant {
                    action: "lambda:*",
                    ..grant("w", "s3.amazonaws.com", F)
                }]),
                s3("p", "2", F),
                true,
                "w",
            ),
            (
                "other action",
                policy(vec![Grant {
                    action: "lambda:GetFunction",
                    ..grant("g", "s3.amazonaws.com", F)
                }]),
                s3("p", "2", F),
                false,
                "Action \"lambda:GetFunction\" does not cover lambda:InvokeFunction",
            ),
            (
                "org id",
                policy(vec![Grant {
                    org: Some("o-abcdefghij"),
                    ..grant("o", "*", F)
                }]),
                RequestContext {
                    principal_org_id: Some("o-abcdefghij".into()),
                    ..caller(Caller::Account("2".into()), F)
                },
                true,
                "o",
            ),
            (
                "org id missing",
                policy(vec![Grant {
                    org: Some("o-abcdefghij"),
                    ..grant("o", "*", F)
                }]),
                caller(Caller::Account("2".into()), F),
                false,
                "no aws:PrincipalOrgID",
            ),
            (
                "event source token",
                with_token("alexa-skill-1", ""),
                RequestContext {
                    event_source_token: Some("alexa-skill-1".into()),
                    ..caller(Caller::Service("alexa-appkit.amazon.com".into()), F)
                },
                true,
                "t",
            ),
            (
                "event source token differs",
                with_token("alexa-skill-1", ""),
                RequestContext {
                    event_source_token: Some("alexa-skill-2".into()),
                    ..caller(Caller::Service("alexa-appkit.amazon.com".into()), F)
                },
                false,
                "StringEquals lambda:EventSourceToken \"alexa-skill-2\" does not match \"alexa-skill-1\"",
            ),
            (
                "function URL auth type",
                with_token("", "NONE"),
                RequestContext {
                    function_url_auth_type: Some("NONE".into()),
                    ..caller(Caller::Account("2".into()), F)
                },
                true,
                "t",
            ),
            (
                "function URL auth type missing",
                with_token("", "AWS_IAM"),
                caller(Caller::Account("2".into()), F),
                false,
                "requires \"AWS_IAM\" but the request carries no lambda:FunctionUrlAuthType",
            ),
            (
                "StringEquals is case-sensitive",
                policy(vec![with_acct(
                    grant("a", "s3.amazonaws.com", F),
                    "222222222222",
                )]),
                RequestContext {
                    source_account: Some("222222222222 ".into()),
                    ..s3("p", "x", F)
                },
                false,
                "does not match \"222222222222\"",
            ),
            (
                "service principal name is case-insensitive",
                policy(vec![grant("1", "s3.amazonaws.com", F)]),
                caller(Caller::Service("S3.amazonaws.com".into()), F),
                true,
                "1",
            ),
        ];
        assert!(cases.len() >= 25);
        for (name, p, ctx, allowed, expect) in &cases {
            let d = evaluate(p, ctx);
            assert_eq!(d.allowed, *allowed, "{name}: {}", d.reason);
            if *allowed {
                assert_eq!(d.statement.as_deref(), Some(*expect), "{name}");
                assert!(
                    d.reason.starts_with("allowed by statement"),
                    "{name}: {}",
                    d.reason
                );
            } else {
                assert_eq!(d.statement, None, "{name}");
                assert!(d.reason.contains(expect), "{name}: {}", d.reason);
            }
        }
    }

    #[test]
    fn condition_key_names_are_case_insensitive() {
        let mut p = policy(vec![grant("1", "s3.amazonaws.com", F)]);
        p.statements[0].condition = vec![(
            "ArnLike".into(),
            vec![("aws:sourcearn".into(), "arn:aws:s3:::photos".into())],
        )];
        assert!(evaluate(&p, &s3("photos", "2", F)).allowed);
        p.statements[0].condition = vec![(
            "StringLike".into(),
            vec![("AWS:SOURCEARN".into(), "arn:aws:*".into())],
        )];
        assert!(
            evaluate(&p, &s3("photos", "2", F)).allowed,
            "StringLike spans colons"
        );
        p.statements[0].condition = vec![(
            "ArnLike".into(),
            vec![("AWS:SourceArn".into(), "arn:aws:*".into())],
        )];
        assert!(
            !evaluate(&p, &s3("photos", "2", F)).allowed,
            "ArnLike star stays in one part"
        );
        p.statements[0].condition = vec![(
            "StringNotEquals".into(),
            vec![("AWS:SourceAccount".into(), "2".into())],
        )];
        assert!(!evaluate(&p, &s3("photos", "2", F)).allowed);
        assert!(evaluate(&p, &s3("photos", "3", F)).allowed);
        p.statements[0].condition = vec![(
            "ArnLikeIfExists".into(),
            vec![("AWS:SourceArn".into(), "arn:aws:s3:::x".into())],
        )];
        assert!(
            evaluate(
                &p,
                &RequestContext {
                    source_arn: None,
                    ..s3("p", "2", F)
                }
            )
            .allowed
        );
    }

    #[test]
    fn explain_names_the_other_scope() {
        let prod = Policy::default();
        let beta = policy(vec![grant("1", "s3.amazonaws.com", &fq("BETA"))]);
        let ctx = s3("photos", "2", &fq("PROD"));
        let d = evaluate(&prod, &ctx);
        assert_eq!(
            d.reason,
            "denied: policy of helloworld:PROD has no statement for principal s3.amazonaws.com (helloworld:PROD has no resource-based policy; add one with AddPermission with Qualifier=PROD)"
        );
        let scopes = vec![(fq("PROD"), prod.clone()), (fq("BETA"), beta)];
        assert_eq!(
            explain_other_scopes(&scopes, &ctx).as_deref(),
            Some("statement \"1\" matched on helloworld:BETA only")
        );
        assert_eq!(explain_other_scopes(&scopes[..1], &ctx), None);
        let d = authorize(&CompiledPolicy::new(prod), &scopes, &ctx);
        assert!(!d.allowed);
        assert!(
            d.reason.starts_with(
                "denied: policy of helloworld:PROD has no statement for principal s3.amazonaws.com"
            ),
            "{}",
            d.reason
        );
        assert!(
            d.reason
                .ends_with("; statement \"1\" matched on helloworld:BETA only"),
            "{}",
            d.reason
        );
        let unq = s3("photos", "2", F);
        assert!(
            evaluate(&Policy::default(), &unq)
                .reason
                .ends_with("add one with AddPermission)")
        );
    }

    #[test]
    fn latest_is_covered_by_the_unqualified_policy() {
        let latest = s3("photos", "2", &fq("$LATEST"));
        let d = evaluate(&Policy::default(), &latest);
        assert_eq!(
            d.reason,
            "denied: policy of helloworld:$LATEST has no statement for principal s3.amazonaws.com (helloworld has no resource-based policy, which also covers helloworld:$LATEST; add one with AddPermission on helloworld without a qualifier)"
        );
        assert!(!d.reason.contains("Qualifier=$LATEST"));
        let unqualified = policy(vec![grant("1", "s3.amazonaws.com", F)]);
        assert!(evaluate(&unqualified, &latest).allowed);
        let prod_only = policy(vec![grant("1", "s3.amazonaws.com", &fq("PROD"))]);
        assert!(!evaluate(&prod_only, &latest).allowed);
    }

    #[test]
    fn globs() {
        assert!(glob("a*c", "abbbc") && glob("*", "") && glob("a?c", "abc") && !glob("a?c", "ac"));
        assert!(glob("a*b*c", "a:x:b:y:c") && !glob("abc", "abd"));
        assert!(arn_like("arn:aws:s3:::*", "arn:aws:s3:::b:with:colons"));
        assert!(!arn_like("arn:aws:s3:::b", "not-an-arn"));
    }
}
