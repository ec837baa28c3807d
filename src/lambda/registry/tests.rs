//! Unit tests of the registry: every room through its public operations.
#![allow(clippy::many_single_char_names)]

use std::collections::BTreeMap;

use super::*;
use crate::arn::{FunctionRef, NameKind, Qualifier};
use crate::lambda::config::FunctionConfig;
use crate::lambda::error::LambdaError;
use crate::lambda::package;
use crate::lambda::policy::PermissionRequest;

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
    assert_eq!(c.code.content_path(), "app.wasm");
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
    assert_eq!(c.wasm().as_deref(), Some(&b"\0asmBBBB"[..]));
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
    two.additional_version_weights = Some(BTreeMap::from([("2".into(), 0.1), ("3".into(), 0.1)]));
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
        ("$LATEST", 30, ARN, Scope::Unqualified)
    );
    assert_eq!(r.wasm().as_deref(), Some(WASM));
    let r = reg.resolve_with(A, R, &fref("f:PROD"), 0.29).unwrap();
    assert_eq!((r.executed_version.as_str(), r.config.timeout), ("2", 20));
    assert_eq!(r.invoked_arn, format!("{ARN}:PROD"));
    assert_eq!(
        r.policy_scope,
        Scope::Qualified(Qualifier::Alias("PROD".into()))
    );
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
    // Authorization as S3 asks it (the one `authorize_s3` delivery and destination
    // validation use): the alias grant does not cover the version.
    let s3_may_invoke = |function_arn: &str| {
        crate::pipeline::authorize_s3(
            &reg,
            &crate::pipeline::Target {
                function_arn,
                region: R,
                source_arn: "arn:aws:s3:::b",
                source_account: A,
            },
        )
    };
    assert!(s3_may_invoke(&format!("{ARN}:PROD")).is_ok());
    let Err(crate::lambda::policy::Refusal::Denied { decision: d, .. }) =
        s3_may_invoke(&format!("{ARN}:1"))
    else {
        panic!("S3 may not invoke version 1 under an alias grant");
    };
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
