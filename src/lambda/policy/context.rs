//! The request a resource policy is evaluated for, and the decision it gets.

use std::fmt;

use super::compiled::Key;

/// Who is calling.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Caller {
    /// An AWS service principal such as `s3.amazonaws.com`.
    Service(String),
    /// An account (its root or any identity in it), 12 digits.
    Account(String),
    /// An IAM identity ARN (role, user, assumed role).
    Arn(String),
}

impl fmt::Display for Caller {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Service(s) => f.write_str(s),
            Self::Account(a) => write!(f, "account {a}"),
            Self::Arn(a) => f.write_str(a),
        }
    }
}

/// The service principal of S3 event notifications.
pub const S3_PRINCIPAL: &str = "s3.amazonaws.com";

/// The action S3 performs on a notification's function.
pub const INVOKE_FUNCTION: &str = "lambda:InvokeFunction";

/// The request being authorized.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestContext {
    /// The caller.
    pub principal: Caller,
    /// The action, e.g. `lambda:InvokeFunction`.
    pub action: String,
    /// `aws:SourceArn`, e.g. `arn:aws:s3:::photos`.
    pub source_arn: Option<String>,
    /// `aws:SourceAccount`, the bucket owner for S3.
    pub source_account: Option<String>,
    /// `aws:PrincipalOrgID`.
    pub principal_org_id: Option<String>,
    /// `lambda:EventSourceToken` (non-AWS event sources such as Alexa).
    pub event_source_token: Option<String>,
    /// `lambda:FunctionUrlAuthType` (`NONE` or `AWS_IAM`, function URL calls only).
    pub function_url_auth_type: Option<String>,
    /// The invoked function ARN, qualified or not, as the caller named it.
    pub resource: String,
}

impl RequestContext {
    /// A context with no optional keys set.
    pub fn new(principal: Caller, action: &str, resource: &str) -> Self {
        Self {
            principal,
            action: action.into(),
            source_arn: None,
            source_account: None,
            principal_org_id: None,
            event_source_token: None,
            function_url_auth_type: None,
            resource: resource.into(),
        }
    }

    /// S3 invoking `resource` for the bucket `bucket` owned by `owner`.
    pub fn s3(bucket: &str, owner: &str, resource: &str) -> Self {
        Self::s3_source(format!("arn:aws:s3:::{bucket}"), owner, resource)
    }

    /// S3 invoking `resource` for the bucket whose ARN is `source_arn`, owned by `owner`:
    /// principal `s3.amazonaws.com`, action `lambda:InvokeFunction`, `AWS:SourceArn` and
    /// `AWS:SourceAccount` set.
    pub fn s3_source(source_arn: String, owner: &str, resource: &str) -> Self {
        Self {
            source_arn: Some(source_arn),
            source_account: Some(owner.into()),
            ..Self::new(
                Caller::Service(S3_PRINCIPAL.into()),
                INVOKE_FUNCTION,
                resource,
            )
        }
    }

    /// The value of a condition key, if the request carries it.
    pub(super) fn value(&self, key: Key) -> Option<&str> {
        match key {
            Key::SourceArn => self.source_arn.as_deref(),
            Key::SourceAccount => self.source_account.as_deref(),
            Key::PrincipalOrgId => self.principal_org_id.as_deref(),
            Key::EventSourceToken => self.event_source_token.as_deref(),
            Key::FunctionUrlAuthType => self.function_url_auth_type.as_deref(),
            Key::PrincipalAccount => match &self.principal {
                Caller::Account(a) => Some(a),
                Caller::Arn(a) => a.split(':').nth(4),
                Caller::Service(_) => None,
            },
            Key::Other => None,
        }
    }
}

/// The outcome of an evaluation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    /// True if a statement allowed the request.
    pub allowed: bool,
    /// The Sid of the statement that allowed it.
    pub statement: Option<String>,
    /// Why, in words a user can act on.
    pub reason: String,
}

impl Decision {
    /// A denial for `reason`.
    pub(super) fn deny(reason: String) -> Self {
        Self {
            allowed: false,
            statement: None,
            reason,
        }
    }
}
