//! Resource-based policy documents and statements, built exactly as Lambda's AddPermission
//! builds them (key order Sid, Effect, Principal, Action, Resource, Condition).
//!
//! <https://docs.aws.amazon.com/lambda/latest/dg/access-control-resource-based.html>

use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

use crate::arn::{self, Arn, ArnError};
use crate::lambda::error::LambdaError;

/// Maximum serialized size of one policy document.
pub const POLICY_MAX_BYTES: usize = 20480;

/// A statement principal as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    /// `{"Service": "s3.amazonaws.com"}`.
    Service(String),
    /// `{"AWS": "arn:aws:iam::123456789012:root"}` or any IAM ARN.
    Aws(String),
    /// `"*"`.
    Any,
}

impl Principal {
    /// Interprets AddPermission's `Principal`: `*`, a 12-digit account, an IAM or STS
    /// identity ARN (`arn:aws:iam::123456789012:root`, `...:role/r`, `arn:aws:sts::...`) or
    /// an AWS service principal (`s3.amazonaws.com`, `alexa-appkit.amazon.com`). Anything
    /// else (another service's resource ARN, an ARN without a 12-digit account, a domain
    /// that is not AWS's) is refused as Lambda refuses it.
    pub fn from_request(p: &str) -> Result<Self, LambdaError> {
        if p == "*" {
            Ok(Self::Any)
        } else if arn::is_account_id(p) {
            Ok(Self::Aws(format!("arn:aws:iam::{p}:root")))
        } else if p.starts_with("arn:") && is_identity_arn(p) {
            Ok(Self::Aws(p.to_owned()))
        } else if is_service_principal(p) {
            Ok(Self::Service(p.to_owned()))
        } else {
            Err(LambdaError::InvalidParameterValue(
                "The provided principal was invalid. Please check the principal and try again."
                    .into(),
            ))
        }
    }
}

/// An IAM or STS identity: `arn:aws*:iam::{12 digits}:{root|user/..|role/..|group/..}` or
/// `arn:aws*:sts::{12 digits}:assumed-role/..|federated-user/..`.
fn is_identity_arn(p: &str) -> bool {
    Arn::parse(p).is_ok_and(|a| {
        let kinds: &[&str] = match a.service.as_str() {
            "iam" => &["root", "user/", "role/", "group/"],
            "sts" => &["assumed-role/", "federated-user/"],
            _ => return false,
        };
        a.partition.starts_with("aws")
            && a.region.is_empty()
            && arn::is_account_id(&a.account)
            && kinds.iter().any(|k| {
                a.resource.strip_prefix(k).is_some_and(|rest| {
                    *k == "root" && rest.is_empty() || k.ends_with('/') && !rest.is_empty()
                })
            })
    })
}

/// An AWS service principal: DNS labels ending in `.amazonaws.com`, `.amazonaws.com.cn`
/// or `.amazon.com`.
fn is_service_principal(p: &str) -> bool {
    let Some(host) = [".amazonaws.com", ".amazonaws.com.cn", ".amazon.com"]
        .iter()
        .find_map(|suffix| p.strip_suffix(suffix))
    else {
        return false;
    };
    !host.is_empty()
        && host.split('.').all(|label| {
            !label.is_empty()
                && !label.starts_with('-')
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
}

impl Serialize for Principal {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Any => s.serialize_str("*"),
            Self::Service(v) => {
                let mut m = s.serialize_map(Some(1))?;
                m.serialize_entry("Service", v)?;
                m.end()
            }
            Self::Aws(v) => {
                let mut m = s.serialize_map(Some(1))?;
                m.serialize_entry("AWS", v)?;
                m.end()
            }
        }
    }
}

/// One condition block: operator → [(key, value)], insertion order kept.
pub type Conditions = Vec<(String, Vec<(String, String)>)>;

/// One `Allow` statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    /// The statement id (unique within one policy).
    pub sid: String,
    /// The principal.
    pub principal: Principal,
    /// The action, e.g. `lambda:InvokeFunction`.
    pub action: String,
    /// The function ARN, qualified when the permission is on a version or alias.
    pub resource: String,
    /// Conditions (ANDed).
    pub condition: Conditions,
}

impl Serialize for Statement {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        struct Block<'a>(&'a [(String, String)]);
        impl Serialize for Block<'_> {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let mut m = s.serialize_map(Some(self.0.len()))?;
                for (k, v) in self.0 {
                    m.serialize_entry(k, v)?;
                }
                m.end()
            }
        }
        struct Cond<'a>(&'a Conditions);
        impl Serialize for Cond<'_> {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let mut m = s.serialize_map(Some(self.0.len()))?;
                for (op, kv) in self.0 {
                    m.serialize_entry(op, &Block(kv))?;
                }
                m.end()
            }
        }
        let n = if self.condition.is_empty() { 5 } else { 6 };
        let mut m = s.serialize_map(Some(n))?;
        m.serialize_entry("Sid", &self.sid)?;
        m.serialize_entry("Effect", "Allow")?;
        m.serialize_entry("Principal", &self.principal)?;
        m.serialize_entry("Action", &self.action)?;
        m.serialize_entry("Resource", &self.resource)?;
        if !self.condition.is_empty() {
            m.serialize_entry("Condition", &Cond(&self.condition))?;
        }
        m.end()
    }
}

impl Statement {
    /// The statement as the JSON string AddPermission returns.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// A resource-based policy document of one scope (unqualified, a version or an alias).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Policy {
    /// The statements, in insertion order.
    pub statements: Vec<Statement>,
    /// Changes whenever this document changes.
    pub revision_id: String,
}

impl Serialize for Policy {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(3))?;
        m.serialize_entry("Version", "2012-10-17")?;
        m.serialize_entry("Id", "default")?;
        m.serialize_entry("Statement", &self.statements)?;
        m.end()
    }
}

impl Policy {
    /// The document as the JSON string GetPolicy returns.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// True if the document has no statements (GetPolicy then reports 404).
    pub fn is_empty(&self) -> bool {
        self.statements.is_empty()
    }

    /// Adds a statement: duplicate Sid → 409, size over 20 KB → PolicyLengthExceeded.
    pub fn add(&mut self, st: Statement) -> Result<(), LambdaError> {
        if self.statements.iter().any(|s| s.sid == st.sid) {
            return Err(LambdaError::ResourceConflict(format!(
                "The statement id ({}) provided already exists. Please provide a new statement id, or remove the existing statement.",
                st.sid
            )));
        }
        let mut next = self.clone();
        next.statements.push(st);
        let size = next.to_json().len();
        if size > POLICY_MAX_BYTES {
            return Err(LambdaError::PolicyLengthExceeded(format!(
                "The final policy size ({size}) is bigger than the limit ({POLICY_MAX_BYTES})."
            )));
        }
        self.statements = next.statements;
        Ok(())
    }

    /// Removes a statement by Sid; returns false if absent.
    pub fn remove(&mut self, sid: &str) -> bool {
        let before = self.statements.len();
        self.statements.retain(|s| s.sid != sid);
        self.statements.len() != before
    }
}

/// AddPermission's parameters, free of HTTP.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PermissionRequest {
    /// `StatementId`.
    pub statement_id: String,
    /// `Action`.
    pub action: String,
    /// `Principal`.
    pub principal: String,
    /// `SourceArn`.
    pub source_arn: Option<String>,
    /// `SourceAccount`.
    pub source_account: Option<String>,
    /// `EventSourceToken`.
    pub event_source_token: Option<String>,
    /// `PrincipalOrgID`.
    pub principal_org_id: Option<String>,
    /// `FunctionUrlAuthType`.
    pub function_url_auth_type: Option<String>,
    /// `InvokedViaFunctionUrl`.
    pub invoked_via_function_url: Option<bool>,
    /// `RevisionId` precondition.
    pub revision_id: Option<String>,
}

const STATEMENT_ID_PATTERN: &str = "([a-zA-Z0-9-_]+)";
const ACTION_PATTERN: &str = r"(lambda:[*]|lambda:[a-zA-Z]+|[*])";
const SOURCE_ACCOUNT_PATTERN: &str = r"\d{12}";
const SOURCE_ARN_PATTERN: &str =
    r"arn:(aws[a-zA-Z0-9-]*):([a-zA-Z0-9\-])+:([a-z]{2}(-gov)?-[a-z]+-\d{1})?:(\d{12})?:(.*)";
const ORG_ID_PATTERN: &str = "^o-[a-z0-9]{10,32}$";
const EVENT_SOURCE_TOKEN_PATTERN: &str = "[a-zA-Z0-9._\\-]+";

/// Validates the statement id's pattern and length (`statementId`).
pub fn validate_statement_id(sid: &str) -> Result<(), LambdaError> {
    if sid.len() > 100 {
        return Err(ArnError::too_long(sid, "statementId", 100).into());
    }
    if sid.is_empty()
        || !sid
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        return Err(ArnError::pattern(sid, "statementId", STATEMENT_ID_PATTERN).into());
    }
    Ok(())
}

fn check(ok: bool, value: &str, field: &str, pattern: &str) -> Result<(), LambdaError> {
    if ok {
        Ok(())
    } else {
        Err(ArnError::pattern(value, field, pattern).into())
    }
}

/// Builds the statement AddPermission stores for `resource` (the function ARN, qualified
/// when a qualifier applies), validating every field as the model does.
pub fn build_statement(req: &PermissionRequest, resource: &str) -> Result<Statement, LambdaError> {
    validate_statement_id(&req.statement_id)?;
    let a = req.action.as_str();
    let action_ok = a == "*"
        || a == "lambda:*"
        || a.strip_prefix("lambda:")
            .is_some_and(|r| !r.is_empty() && r.bytes().all(|b| b.is_ascii_alphabetic()));
    check(action_ok, a, "action", ACTION_PATTERN)?;
    check(
        !req.principal.is_empty() && !req.principal.contains(char::is_whitespace),
        &req.principal,
        "principal",
        r"[^\s]+",
    )?;
    let principal = Principal::from_request(&req.principal)?;
    let mut string_equals = Vec::new();
    if let Some(acct) = &req.source_account {
        check(
            arn::is_account_id(acct),
            acct,
            "sourceAccount",
            SOURCE_ACCOUNT_PATTERN,
        )?;
        string_equals.push(("AWS:SourceAccount".to_owned(), acct.clone()));
    }
    if let Some(org) = &req.principal_org_id {
        let ok = org.strip_prefix("o-").is_some_and(|r| {
            (10..=32).contains(&r.len())
                && r.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        });
        check(ok, org, "principalOrgID", ORG_ID_PATTERN)?;
        string_equals.push(("aws:PrincipalOrgID".to_owned(), org.clone()));
    }
    if let Some(tok) = &req.event_source_token {
        let ok = !tok.is_empty()
            && tok.len() <= 256
            && tok
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
        check(ok, tok, "eventSourceToken", EVENT_SOURCE_TOKEN_PATTERN)?;
        string_equals.push(("lambda:EventSourceToken".to_owned(), tok.clone()));
    }
    if let Some(t) = &req.function_url_auth_type {
        if t != "NONE" && t != "AWS_IAM" {
            return Err(LambdaError::validation(
                t,
                "functionUrlAuthType",
                "Member must satisfy enum value set: [NONE, AWS_IAM]",
            ));
        }
        string_equals.push(("lambda:FunctionUrlAuthType".to_owned(), t.clone()));
    }
    let mut condition: Conditions = Vec::new();
    if !string_equals.is_empty() {
        condition.push(("StringEquals".to_owned(), string_equals));
    }
    if let Some(src) = &req.source_arn {
        let ok = Arn::parse(src).is_ok_and(|a| a.partition.starts_with("aws"));
        check(ok, src, "sourceArn", SOURCE_ARN_PATTERN)?;
        condition.push((
            "ArnLike".to_owned(),
            vec![("AWS:SourceArn".to_owned(), src.clone())],
        ));
    }
    if req.invoked_via_function_url == Some(true) {
        condition.push((
            "Bool".to_owned(),
            vec![("lambda:InvokedViaFunctionUrl".to_owned(), "true".to_owned())],
        ));
    }
    Ok(Statement {
        sid: req.statement_id.clone(),
        principal,
        action: req.action.clone(),
        resource: resource.to_owned(),
        condition,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const RES: &str = "arn:aws:lambda:us-east-1:123456789012:function:f:dev";

    fn req(principal: &str) -> PermissionRequest {
        PermissionRequest {
            statement_id: "s3".into(),
            action: "lambda:InvokeFunction".into(),
            principal: principal.into(),
            ..Default::default()
        }
    }

    #[test]
    fn statement_json_matches_aws_key_order() {
        let mut r = req("s3.amazonaws.com");
        r.source_account = Some("123456789012".into());
        r.source_arn = Some("arn:aws:s3:::bucket".into());
        let st = build_statement(&r, RES).unwrap();
        assert_eq!(
            st.to_json(),
            r#"{"Sid":"s3","Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"lambda:InvokeFunction","Resource":"arn:aws:lambda:us-east-1:123456789012:function:f:dev","Condition":{"StringEquals":{"AWS:SourceAccount":"123456789012"},"ArnLike":{"AWS:SourceArn":"arn:aws:s3:::bucket"}}}"#
        );
    }

    #[test]
    fn principal_forms() {
        let j = |p: &str| build_statement(&req(p), RES).unwrap().to_json();
        assert!(
            j("123456789012").contains(r#""Principal":{"AWS":"arn:aws:iam::123456789012:root"}"#)
        );
        assert!(
            j("arn:aws:iam::111122223333:role/r")
                .contains(r#""Principal":{"AWS":"arn:aws:iam::111122223333:role/r"}"#)
        );
        assert!(j("*").contains(r#""Principal":"*","#));
        assert!(!j("*").contains("Condition"));
        for bad in [
            "example.com",
            "arn:aws:s3:::bucket",
            "arn:aws:iam::123:root",
            "arn:aws:iam::123456789012:",
            "arn:aws:lambda:us-east-1:123456789012:function:f",
            ".amazonaws.com",
            "12345678901",
        ] {
            assert!(build_statement(&req(bad), RES).is_err(), "{bad} accepted");
        }
        for good in [
            "arn:aws:sts::123456789012:assumed-role/r/s",
            "arn:aws:iam::123456789012:user/u",
            "alexa-appkit.amazon.com",
            "events.amazonaws.com",
        ] {
            assert!(build_statement(&req(good), RES).is_ok(), "{good} refused");
        }
        let e = build_statement(&req("nonsense"), RES).unwrap_err();
        assert_eq!(
            e.message(),
            "The provided principal was invalid. Please check the principal and try again."
        );
        assert_eq!(e.code(), "InvalidParameterValueException");
    }

    #[test]
    fn other_conditions_and_validation() {
        let mut r = req("*");
        r.principal_org_id = Some("o-abcdefghij".into());
        r.event_source_token = Some("tok.1".into());
        r.function_url_auth_type = Some("NONE".into());
        let j = build_statement(&r, RES).unwrap().to_json();
        assert!(j.ends_with(r#""Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-abcdefghij","lambda:EventSourceToken":"tok.1","lambda:FunctionUrlAuthType":"NONE"}}}"#), "{j}");
        let mut bad = req("*");
        bad.statement_id = "no spaces".into();
        let e = build_statement(&bad, RES).unwrap_err();
        assert_eq!(
            e.message(),
            "1 validation error detected: Value 'no spaces' at 'statementId' failed to satisfy constraint: Member must satisfy regular expression pattern: ([a-zA-Z0-9-_]+)"
        );
        let mut bad = req("*");
        bad.action = "s3:GetObject".into();
        assert_eq!(
            build_statement(&bad, RES).unwrap_err().code(),
            "ValidationException"
        );
        let mut bad = req("*");
        bad.source_account = Some("12".into());
        assert!(
            build_statement(&bad, RES)
                .unwrap_err()
                .message()
                .contains("'sourceAccount'")
        );
        let mut bad = req("*");
        bad.principal_org_id = Some("o-short".into());
        assert!(
            build_statement(&bad, RES)
                .unwrap_err()
                .message()
                .contains("'principalOrgID'")
        );
        let mut ok = req("*");
        ok.action = "lambda:*".into();
        assert!(build_statement(&ok, RES).is_ok());
    }

    #[test]
    fn policy_document_rules() {
        let mut p = Policy::default();
        p.add(build_statement(&req("*"), RES).unwrap()).unwrap();
        let e = p.add(build_statement(&req("*"), RES).unwrap()).unwrap_err();
        assert_eq!(e.status(), 409);
        assert_eq!(
            e.message(),
            "The statement id (s3) provided already exists. Please provide a new statement id, or remove the existing statement."
        );
        assert!(
            p.to_json()
                .starts_with(r#"{"Version":"2012-10-17","Id":"default","Statement":[{"Sid":"s3""#)
        );
        let mut i = 0;
        let err = loop {
            let mut r = req("s3.amazonaws.com");
            r.statement_id = format!("sid-{i}");
            r.source_arn = Some(format!("arn:aws:s3:::bucket-with-a-rather-long-name-{i}"));
            if let Err(e) = p.add(build_statement(&r, RES).unwrap()) {
                break e;
            }
            i += 1;
        };
        assert_eq!(err.code(), "PolicyLengthExceededException");
        assert!(err.message().starts_with("The final policy size ("));
        assert!(
            err.message()
                .ends_with(") is bigger than the limit (20480).")
        );
        assert!(p.to_json().len() <= POLICY_MAX_BYTES);
        assert!(p.remove("s3"));
        assert!(!p.remove("s3"));
    }
}
