//! IAM role operations through [`IamStore::handle`], with Query parameters as the CLI sends
//! them; texts from LocalStack's AWS-validated `test_iam_roles.snapshot.json` (2026-02).

use super::*;

const ACCOUNT: &str = "123456789012";
const TRUST: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;

fn request_in(account: &str, action: &str, params: &[(&str, &str)]) -> QueryRequest {
    let mut all = vec![
        ("Action".to_owned(), action.to_owned()),
        ("Version".to_owned(), VERSION.to_owned()),
    ];
    all.extend(
        params
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned())),
    );
    QueryRequest {
        params: all,
        account_id: account.to_owned(),
        region: "us-east-1".to_owned(),
        request_id: "rid".to_owned(),
    }
}

fn call(iam: &IamStore, action: &str, params: &[(&str, &str)]) -> String {
    match iam.handle(&request_in(ACCOUNT, action, params)) {
        Ok(r) => String::from_utf8_lossy(r.body()).into_owned(),
        Err(e) => panic!("{action}: {e}"),
    }
}

fn fail(iam: &IamStore, action: &str, params: &[(&str, &str)]) -> QueryError {
    match iam.handle(&request_in(ACCOUNT, action, params)) {
        Ok(r) => panic!("{action} succeeded: {:?}", r.body()),
        Err(e) => e,
    }
}

fn between<'a>(body: &'a str, tag: &str) -> &'a str {
    let open = format!("<{tag}>");
    let close = format!("</{tag}>");
    body.split_once(&open)
        .and_then(|(_, rest)| rest.split_once(&close))
        .map_or("", |(inside, _)| inside)
}

#[test]
fn create_get_list_delete() {
    let iam = IamStore::default();
    let created = call(
        &iam,
        "CreateRole",
        &[
            ("RoleName", "lambda-exec"),
            ("AssumeRolePolicyDocument", TRUST),
            ("Path", "/service/"),
            ("Tags.member.1.Key", "team"),
            ("Tags.member.1.Value", "a"),
        ],
    );
    assert!(
        created.starts_with(
            "<CreateRoleResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\">"
        )
    );
    let id = between(&created, "RoleId");
    assert!(id.starts_with("AROA") && id.len() == 21, "{id}");
    assert_eq!(
        between(&created, "Arn"),
        "arn:aws:iam::123456789012:role/service/lambda-exec"
    );
    assert_eq!(between(&created, "Path"), "/service/");
    assert_eq!(
        between(&created, "AssumeRolePolicyDocument"),
        encode_policy(TRUST)
    );
    assert!(encode_policy(TRUST).starts_with("%7B%22Version%22%3A%222012-10-17%22"));
    assert!(!created.contains("MaxSessionDuration") && !created.contains("RoleLastUsed"));
    assert!(created.contains("<Key>team</Key>"));
    let date = between(&created, "CreateDate");
    assert!(date.len() == 20 && date.ends_with('Z'), "{date}");

    let got = call(&iam, "GetRole", &[("RoleName", "LAMBDA-EXEC")]);
    assert_eq!(between(&got, "RoleId"), id);
    assert!(got.contains("<MaxSessionDuration>3600</MaxSessionDuration>"));
    assert!(got.contains("<RoleLastUsed/>"));

    let e = fail(
        &iam,
        "CreateRole",
        &[
            ("RoleName", "Lambda-Exec"),
            ("AssumeRolePolicyDocument", TRUST),
        ],
    );
    assert_eq!(
        (e.code.as_str(), e.status.as_u16(), e.message.as_str()),
        (
            "EntityAlreadyExists",
            409,
            "Role with name Lambda-Exec already exists."
        )
    );

    call(
        &iam,
        "CreateRole",
        &[("RoleName", "b-role"), ("AssumeRolePolicyDocument", TRUST)],
    );
    let listed = call(&iam, "ListRoles", &[]);
    assert!(listed.contains("<IsTruncated>false</IsTruncated>"));
    assert_eq!(listed.matches("<member>").count(), 2);
    assert!(!listed.contains("<Tags>"));
    let first = call(&iam, "ListRoles", &[("MaxItems", "1")]);
    assert!(first.contains("<IsTruncated>true</IsTruncated>"));
    let marker = between(&first, "Marker").to_owned();
    let second = call(&iam, "ListRoles", &[("MaxItems", "1"), ("Marker", &marker)]);
    assert!(
        second.contains("<RoleName>lambda-exec</RoleName>"),
        "{second}"
    );
    let only = call(&iam, "ListRoles", &[("PathPrefix", "/service/")]);
    assert_eq!(only.matches("<member>").count(), 1);

    call(&iam, "DeleteRole", &[("RoleName", "b-role")]);
    let e = fail(&iam, "GetRole", &[("RoleName", "b-role")]);
    assert_eq!(
        (e.code.as_str(), e.status.as_u16(), e.message.as_str()),
        (
            "NoSuchEntity",
            404,
            "The role with name b-role cannot be found."
        )
    );
    assert_eq!(
        fail(&iam, "DeleteRole", &[("RoleName", "b-role")]).code,
        "NoSuchEntity"
    );
}

#[test]
fn roles_belong_to_the_callers_account() {
    let iam = IamStore::default();
    call(
        &iam,
        "CreateRole",
        &[("RoleName", "r"), ("AssumeRolePolicyDocument", TRUST)],
    );
    let other = request_in("210987654321", "GetRole", &[("RoleName", "r")]);
    assert_eq!(iam.handle(&other).unwrap_err().code, "NoSuchEntity");
    let list = request_in("210987654321", "ListRoles", &[]);
    let body = iam.handle(&list).unwrap();
    assert!(!String::from_utf8_lossy(body.body()).contains("<member>"));
    assert!(iam.role(ACCOUNT, "R").is_some() && iam.role("210987654321", "r").is_none());
}

#[test]
fn attached_and_inline_policies() {
    let iam = IamStore::default();
    call(
        &iam,
        "CreateRole",
        &[("RoleName", "r"), ("AssumeRolePolicyDocument", TRUST)],
    );
    let basic = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole";
    call(
        &iam,
        "AttachRolePolicy",
        &[("RoleName", "r"), ("PolicyArn", basic)],
    );
    call(
        &iam,
        "AttachRolePolicy",
        &[("RoleName", "r"), ("PolicyArn", basic)],
    );
    let attached = call(&iam, "ListAttachedRolePolicies", &[("RoleName", "r")]);
    assert_eq!(attached.matches("<member>").count(), 1);
    assert!(attached.contains("<PolicyName>AWSLambdaBasicExecutionRole</PolicyName>"));
    assert!(attached.contains(&format!("<PolicyArn>{basic}</PolicyArn>")));
    let e = fail(
        &iam,
        "AttachRolePolicy",
        &[("RoleName", "r"), ("PolicyArn", "longpolicynamebutnoarn")],
    );
    assert_eq!(
        (e.code.as_str(), e.message.as_str()),
        (
            "ValidationError",
            "ARN longpolicynamebutnoarn is not valid."
        )
    );
    let foreign = "arn:aws:iam::210987654321:policy/p";
    assert_eq!(
        fail(
            &iam,
            "AttachRolePolicy",
            &[("RoleName", "r"), ("PolicyArn", foreign)]
        )
        .message,
        format!("Policy {foreign} does not exist or is not attachable.")
    );
    let e = fail(&iam, "DeleteRole", &[("RoleName", "r")]);
    assert_eq!(
        (e.code.as_str(), e.status.as_u16(), e.message.as_str()),
        (
            "DeleteConflict",
            409,
            "Cannot delete entity, must detach all policies first."
        )
    );
    call(
        &iam,
        "DetachRolePolicy",
        &[("RoleName", "r"), ("PolicyArn", basic)],
    );
    assert_eq!(
        fail(
            &iam,
            "DetachRolePolicy",
            &[("RoleName", "r"), ("PolicyArn", basic)]
        )
        .message,
        format!("Policy {basic} was not found.")
    );

    let doc = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}"#;
    call(
        &iam,
        "PutRolePolicy",
        &[
            ("RoleName", "r"),
            ("PolicyName", "read"),
            ("PolicyDocument", doc),
        ],
    );
    let got = call(
        &iam,
        "GetRolePolicy",
        &[("RoleName", "r"), ("PolicyName", "read")],
    );
    assert_eq!(between(&got, "PolicyDocument"), encode_policy(doc));
    assert_eq!(between(&got, "RoleName"), "r");
    let names = call(&iam, "ListRolePolicies", &[("RoleName", "r")]);
    assert!(names.contains("<member>read</member>"));
    assert_eq!(
        fail(
            &iam,
            "PutRolePolicy",
            &[
                ("RoleName", "r"),
                ("PolicyName", "bad"),
                ("PolicyDocument", "{")
            ]
        )
        .code,
        "MalformedPolicyDocument"
    );
    assert_eq!(
        fail(&iam, "DeleteRole", &[("RoleName", "r")]).message,
        "Cannot delete entity, must delete policies first."
    );
    call(
        &iam,
        "DeleteRolePolicy",
        &[("RoleName", "r"), ("PolicyName", "read")],
    );
    assert_eq!(
        fail(
            &iam,
            "GetRolePolicy",
            &[("RoleName", "r"), ("PolicyName", "read")]
        )
        .message,
        "The role policy with name read cannot be found."
    );
    call(&iam, "DeleteRole", &[("RoleName", "r")]);
}

#[test]
fn validation_and_unknown_actions() {
    let iam = IamStore::default();
    let e = fail(&iam, "CreateRole", &[("RoleName", "r")]);
    assert_eq!(
        e.message,
        "1 validation error detected: Value null at 'assumeRolePolicyDocument' failed to satisfy constraint: Member must not be null"
    );
    let e = fail(
        &iam,
        "CreateRole",
        &[("RoleName", "a b"), ("AssumeRolePolicyDocument", TRUST)],
    );
    assert_eq!(e.code, "ValidationError");
    let e = fail(
        &iam,
        "CreateRole",
        &[("RoleName", "r"), ("AssumeRolePolicyDocument", "nope")],
    );
    assert_eq!(e.message, "This policy contains invalid Json");
    let e = fail(&iam, "CreatePolicy", &[]);
    assert_eq!(e.code, "InvalidAction");
    assert!(
        e.message
            .starts_with("CreatePolicy is not simulated by s3lambda")
    );
}

#[test]
fn role_tags() {
    let iam = IamStore::default();
    call(
        &iam,
        "CreateRole",
        &[("RoleName", "r"), ("AssumeRolePolicyDocument", TRUST)],
    );
    assert!(call(&iam, "ListRoleTags", &[("RoleName", "r")]).contains("<Tags/>"));
    call(
        &iam,
        "TagRole",
        &[
            ("RoleName", "r"),
            ("Tags.member.1.Key", "a"),
            ("Tags.member.1.Value", "1"),
            ("Tags.member.2.Key", "b"),
            ("Tags.member.2.Value", "2"),
        ],
    );
    call(
        &iam,
        "UntagRole",
        &[("RoleName", "r"), ("TagKeys.member.1", "a")],
    );
    let tags = call(&iam, "ListRoleTags", &[("RoleName", "r")]);
    assert!(tags.contains("<Key>b</Key>") && !tags.contains("<Key>a</Key>"));
    assert_eq!(
        fail(&iam, "TagRole", &[("RoleName", "none")]).code,
        "NoSuchEntity"
    );
}

#[test]
fn updates_and_instance_profiles() {
    let iam = IamStore::default();
    call(
        &iam,
        "CreateRole",
        &[("RoleName", "r"), ("AssumeRolePolicyDocument", TRUST)],
    );
    let updated = call(
        &iam,
        "UpdateRole",
        &[
            ("RoleName", "r"),
            ("Description", "d1"),
            ("MaxSessionDuration", "7200"),
        ],
    );
    assert!(updated.contains("<UpdateRoleResult>"));
    let got = call(&iam, "GetRole", &[("RoleName", "r")]);
    assert!(got.contains("<Description>d1</Description>"));
    assert!(got.contains("<MaxSessionDuration>7200</MaxSessionDuration>"));
    assert_eq!(
        fail(
            &iam,
            "UpdateRole",
            &[("RoleName", "r"), ("MaxSessionDuration", "60")]
        )
        .code,
        "ValidationError"
    );
    let described = call(
        &iam,
        "UpdateRoleDescription",
        &[("RoleName", "r"), ("Description", "d2")],
    );
    assert!(described.contains("<Description>d2</Description>"));
    assert!(!described.contains("MaxSessionDuration"));
    let trust2 = TRUST.replace("lambda.amazonaws.com", "edgelambda.amazonaws.com");
    call(
        &iam,
        "UpdateAssumeRolePolicy",
        &[("RoleName", "r"), ("PolicyDocument", &trust2)],
    );
    let got = call(&iam, "GetRole", &[("RoleName", "r")]);
    assert_eq!(
        between(&got, "AssumeRolePolicyDocument"),
        encode_policy(&trust2)
    );
    assert_eq!(
        fail(
            &iam,
            "UpdateAssumeRolePolicy",
            &[("RoleName", "r"), ("PolicyDocument", "{")]
        )
        .code,
        "MalformedPolicyDocument"
    );
    let profiles = call(&iam, "ListInstanceProfilesForRole", &[("RoleName", "r")]);
    assert!(
        profiles.contains("<InstanceProfiles/>")
            && profiles.contains("<IsTruncated>false</IsTruncated>")
    );
    assert_eq!(
        fail(&iam, "ListInstanceProfilesForRole", &[("RoleName", "none")]).code,
        "NoSuchEntity"
    );
}

#[test]
fn attached_policies_page_in_order_whatever_the_attach_order() {
    let iam = IamStore::default();
    call(
        &iam,
        "CreateRole",
        &[("RoleName", "r"), ("AssumeRolePolicyDocument", TRUST)],
    );
    for name in ["Zed", "Alpha", "Mid"] {
        let arn = format!("arn:aws:iam::aws:policy/{name}");
        call(
            &iam,
            "AttachRolePolicy",
            &[("RoleName", "r"), ("PolicyArn", &arn)],
        );
    }
    let mut seen = Vec::new();
    let mut marker: Option<String> = None;
    for _ in 0..4 {
        let mut params = vec![("RoleName", "r"), ("MaxItems", "1")];
        if let Some(m) = &marker {
            params.push(("Marker", m));
        }
        let page = call(&iam, "ListAttachedRolePolicies", &params);
        seen.push(between(&page, "PolicyName").to_owned());
        if page.contains("<IsTruncated>false</IsTruncated>") {
            break;
        }
        marker = Some(between(&page, "Marker").to_owned());
    }
    assert_eq!(seen, ["Alpha", "Mid", "Zed"]);
}

#[test]
fn roles_and_inline_policies_are_bounded_by_iams_quotas() {
    let iam = IamStore::default();
    for i in 0..1000 {
        let name = format!("r{i}");
        call(
            &iam,
            "CreateRole",
            &[("RoleName", &name), ("AssumeRolePolicyDocument", TRUST)],
        );
    }
    let e = fail(
        &iam,
        "CreateRole",
        &[
            ("RoleName", "one-more"),
            ("AssumeRolePolicyDocument", TRUST),
        ],
    );
    assert_eq!(e.code, "LimitExceeded");
    let big = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::{}"}}]}}"#,
        "b".repeat(6000)
    );
    call(
        &iam,
        "PutRolePolicy",
        &[
            ("RoleName", "r0"),
            ("PolicyName", "p1"),
            ("PolicyDocument", &big),
        ],
    );
    // Replacing the same policy is fine; a second one past 10,240 characters together is not.
    call(
        &iam,
        "PutRolePolicy",
        &[
            ("RoleName", "r0"),
            ("PolicyName", "p1"),
            ("PolicyDocument", &big),
        ],
    );
    let e = fail(
        &iam,
        "PutRolePolicy",
        &[
            ("RoleName", "r0"),
            ("PolicyName", "p2"),
            ("PolicyDocument", &big),
        ],
    );
    assert_eq!(e.code, "LimitExceeded");
}
