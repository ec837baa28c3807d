//! Resource policies: statements built from AddPermission inputs (principal, conditions) and
//! their evaluation against arbitrary request contexts, including the `ArnLike` and
//! `StringLike` globs, which must stay linear on adversarial patterns.

use proptest::prelude::*;

use crate::lambda::policy::{
    Caller, CompiledPolicy, PermissionRequest, Policy, RequestContext, authorize, build_statement,
    evaluate,
};

const RESOURCE: &str = "arn:aws:lambda:us-east-1:000000000000:function:f";

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        proptest::sample::select(
            &[
                "*",
                "?",
                "s3.amazonaws.com",
                "000000000000",
                "arn:aws:s3:::b",
                "arn:aws:s3:::*",
                "arn:*:s3:::b*",
                "lambda:InvokeFunction",
                "lambda:*",
                "NONE",
                "AWS_IAM",
                "o-abc",
                "arn:aws:iam::000000000000:root",
                RESOURCE,
            ][..]
        )
        .prop_map(str::to_owned),
        "[a-z0-9:*?/.-]{0,60}",
        "\\PC{0,30}",
    ]
}

fn caller() -> impl Strategy<Value = Caller> {
    prop_oneof![
        text().prop_map(Caller::Service),
        text().prop_map(Caller::Account),
        text().prop_map(Caller::Arn),
    ]
}

proptest! {
    #![proptest_config(super::config())]

    #[test]
    fn statements_from_arbitrary_permissions(
        sid in text(), action in text(), principal in text(),
        source_arn in proptest::option::of(text()),
        source_account in proptest::option::of(text()),
        token in proptest::option::of(text()),
        org in proptest::option::of(text()),
        url in proptest::option::of(text()),
        via_url in proptest::option::of(any::<bool>()),
        who in caller(), ctx_action in text(), ctx_arn in proptest::option::of(text()),
        ctx_account in proptest::option::of(text()), ctx_org in proptest::option::of(text()),
        resource in prop_oneof![Just(RESOURCE.to_owned()), text()],
    ) {
        let req = PermissionRequest {
            statement_id: sid,
            action,
            principal,
            source_arn,
            source_account,
            event_source_token: token,
            principal_org_id: org,
            function_url_auth_type: url,
            invoked_via_function_url: via_url,
            ..PermissionRequest::default()
        };
        let Ok(statement) = build_statement(&req, &resource) else { return Ok(()) };
        let policy = Policy { statements: vec![statement], revision_id: "r".into() };
        let _ = policy.to_json();
        let mut ctx = RequestContext::new(who, &ctx_action, &resource);
        ctx.source_arn = ctx_arn;
        ctx.source_account = ctx_account;
        ctx.principal_org_id = ctx_org;
        let _ = evaluate(&policy, &ctx);
        let scopes = vec![(RESOURCE.to_owned(), policy.clone())];
        let _ = authorize(&CompiledPolicy::new(policy), &scopes, &ctx);
    }

    /// Patterns full of `*` against long near-matching text: a backtracking glob would take
    /// exponential time here.
    #[test]
    fn adversarial_globs(stars in 1usize..40, tail in "[ab?]{0,4}", text_len in 0usize..400) {
        let pattern = format!("{}{tail}", "a*".repeat(stars));
        let text = "a".repeat(text_len);
        let _ = crate::lambda::policy::eval::glob(&pattern, &text);
        let arn_pattern = format!("arn:aws:s3:::{pattern}");
        let _ = crate::lambda::policy::eval::arn_like(&arn_pattern, &format!("arn:aws:s3:::{text}"));
    }
}
