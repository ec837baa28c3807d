//! Browser-based POST uploads: the POST policy, its SigV4 (or SigV2) signature and its conditions.
//!
//! An HTML form POST carries its authentication in form fields: `policy` (base64 JSON with
//! `expiration` and `conditions`), `x-amz-algorithm`, `x-amz-credential`, `x-amz-date` and
//! `x-amz-signature`, the hex HMAC-SHA256 of the base64 policy text under the SigV4 signing
//! key of the credential's date, region and service. [`verify`] checks them in the order S3
//! does: required fields, signature (over the policy text as received), the policy document,
//! expiration, each condition, then that every form field is covered by a condition.
//! See <https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-HTTPPOSTConstructPolicy.html>
//! and <https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-post-example.html>.
//!
//! Field names and condition names and operators are case-insensitive; values are not. The
//! `key` field is checked after `${filename}` substitution (the caller passes it expanded).

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::SystemTime;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use http::StatusCode;
use serde_json::Value;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::canonical::signatures_match;
use super::error::{AuthError, SignatureMismatch};
use super::parse::{ALGORITHM, Credential};
use super::{Account, Keyring};

/// Fields no condition needs to cover (besides names starting with `x-ignore-`): SigV4's and,
/// for SigV2 forms, `AWSAccessKeyId` and `signature`.
const EXEMPT_FIELDS: [&str; 5] = [
    "x-amz-signature",
    "file",
    "policy",
    "awsaccesskeyid",
    "signature",
];

/// The SigV4 fields a signed POST needs, in the order S3 reports a missing one.
const SIGV4_FIELDS: [(&str, &str); 4] = [
    ("x-amz-algorithm", "X-Amz-Algorithm"),
    ("x-amz-credential", "X-Amz-Credential"),
    ("x-amz-date", "X-Amz-Date"),
    ("x-amz-signature", "X-Amz-Signature"),
];

/// What a POST form offers for verification.
#[derive(Debug, Clone, Copy)]
pub struct PostInput<'a> {
    /// The form fields before the file, in order, names lowercased; the `key` field already
    /// has `${filename}` replaced.
    pub fields: &'a [(String, String)],
    /// The bucket the form was posted to (what the `bucket` condition matches).
    pub bucket: &'a str,
    /// The size of the file field in bytes (what `content-length-range` bounds).
    pub file_size: u64,
}

impl PostInput<'_> {
    /// The first value of field `name` (lowercase), if present.
    fn field(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A POST whose policy signature and conditions were verified.
#[derive(Debug, Clone)]
pub struct PostAuthenticated {
    /// The account that owns the access key.
    pub account: Arc<Account>,
    /// The access key id of `x-amz-credential` (SigV2: `AWSAccessKeyId`).
    pub access_key: String,
    /// The region of the credential scope (empty for SigV2, which names none).
    pub region: String,
}

/// A refused POST upload. `Display` is the S3 `<Message>`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PostPolicyError {
    /// No policy and no signature: an anonymous upload, refused.
    #[error("Access Denied")]
    Anonymous,
    /// A required field is missing (S3 names it in its canonical case).
    #[error(
        "Bucket POST must contain a field named '{0}'.  If it is specified, please check the order of the fields."
    )]
    MissingField(&'static str),
    /// A field has a value S3 refuses.
    #[error("{message}")]
    InvalidArgument {
        /// The message.
        message: String,
        /// The field.
        name: &'static str,
        /// Its value.
        value: String,
    },
    /// The signature or access key is wrong (`SignatureDoesNotMatch`, `InvalidAccessKeyId`).
    #[error("{0}")]
    Auth(AuthError),
    /// The policy is not base64, not JSON, or not a valid policy document.
    #[error("{0}")]
    InvalidPolicyDocument(String),
    /// The policy's `expiration` is past.
    #[error("Invalid according to Policy: Policy expired.")]
    Expired,
    /// A condition does not hold; the condition as S3 prints it, e.g. `["eq", "$key", "a"]`.
    #[error("Invalid according to Policy: Policy Condition failed: {0}")]
    ConditionFailed(String),
    /// Form fields no condition covers, comma separated.
    #[error("Invalid according to Policy: Extra input fields: {0}")]
    ExtraInputFields(String),
    /// The file is larger than `content-length-range` allows.
    #[error("Your proposed upload exceeds the maximum allowed size")]
    EntityTooLarge {
        /// The file size.
        proposed: u64,
        /// The policy's maximum.
        max: i64,
    },
    /// The file is smaller than `content-length-range` allows.
    #[error("Your proposed upload is smaller than the minimum allowed size")]
    EntityTooSmall {
        /// The file size.
        proposed: u64,
        /// The policy's minimum.
        min: i64,
    },
}

impl PostPolicyError {
    /// The S3 error code.
    pub fn s3_code(&self) -> &'static str {
        match self {
            Self::Anonymous
            | Self::Expired
            | Self::ConditionFailed(_)
            | Self::ExtraInputFields(_) => "AccessDenied",
            Self::MissingField(_) | Self::InvalidArgument { .. } => "InvalidArgument",
            Self::Auth(e) => e.s3_code(),
            Self::InvalidPolicyDocument(_) => "InvalidPolicyDocument",
            Self::EntityTooLarge { .. } => "EntityTooLarge",
            Self::EntityTooSmall { .. } => "EntityTooSmall",
        }
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::Anonymous
            | Self::Expired
            | Self::ConditionFailed(_)
            | Self::ExtraInputFields(_) => StatusCode::FORBIDDEN,
            Self::Auth(e) => e.status(),
            Self::MissingField(_)
            | Self::InvalidArgument { .. }
            | Self::InvalidPolicyDocument(_)
            | Self::EntityTooLarge { .. }
            | Self::EntityTooSmall { .. } => StatusCode::BAD_REQUEST,
        }
    }

    /// The extra elements of the `<Error>` body, in order.
    pub fn extras(&self) -> Vec<(&'static str, String)> {
        match self {
            Self::MissingField(name) => {
                vec![
                    ("ArgumentName", (*name).to_owned()),
                    ("ArgumentValue", String::new()),
                ]
            }
            Self::InvalidArgument { name, value, .. } => {
                vec![
                    ("ArgumentName", (*name).to_owned()),
                    ("ArgumentValue", value.clone()),
                ]
            }
            Self::Auth(e) => e.extras(),
            Self::EntityTooLarge { proposed, max } => vec![
                ("ProposedSize", proposed.to_string()),
                ("MaxSizeAllowed", max.to_string()),
            ],
            Self::EntityTooSmall { proposed, min } => vec![
                ("ProposedSize", proposed.to_string()),
                ("MinSizeAllowed", min.to_string()),
            ],
            _ => Vec::new(),
        }
    }
}

/// Checks only the form's signature: the SigV4 fields are present, the key is known and the
/// signature matches the policy text. Needs no file and no clock, so the edge can check it as
/// soon as the fields before the file have arrived, before reading the file.
pub fn verify_signature(input: &PostInput<'_>, keyring: &Keyring) -> Result<(), PostPolicyError> {
    signed_policy(input, keyring).map(|_| ())
}

/// Who signed a form's policy: the key and the region of its scope (none for SigV2).
struct PolicySigner {
    access_key: String,
    region: String,
}

/// The policy text, its signer and the account of its key, once the signature holds.
fn signed_policy<'a>(
    input: &'a PostInput<'a>,
    keyring: &Keyring,
) -> Result<(&'a str, PolicySigner, Arc<Account>), PostPolicyError> {
    let policy = input.field("policy");
    let has_sigv4 = SIGV4_FIELDS.iter().any(|(n, _)| input.field(n).is_some());
    let has_sigv2 = !has_sigv4
        && (input.field("signature").is_some() || input.field("awsaccesskeyid").is_some());
    let Some(policy) = policy else {
        return Err(if has_sigv4 || has_sigv2 {
            PostPolicyError::MissingField("Policy")
        } else {
            PostPolicyError::Anonymous
        });
    };
    if has_sigv2 {
        return signed_policy_v2(input, keyring, policy);
    }
    let mut values = [""; 4];
    for (slot, (name, canonical)) in values.iter_mut().zip(SIGV4_FIELDS) {
        *slot = input
            .field(name)
            .ok_or(PostPolicyError::MissingField(canonical))?;
    }
    let [algorithm, credential, _date, signature] = values;
    if algorithm != ALGORITHM {
        return Err(PostPolicyError::InvalidArgument {
            message: "X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\"".to_owned(),
            name: "X-Amz-Algorithm",
            value: algorithm.to_owned(),
        });
    }
    let credential = Credential::parse(credential).ok_or_else(|| PostPolicyError::InvalidArgument {
        message: "Error parsing the X-Amz-Credential parameter; the Credential is mal-formed; expecting \"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\".".to_owned(),
        name: "X-Amz-Credential",
        value: credential.to_owned(),
    })?;
    let account = keyring.resolve(&credential.access_key).ok_or_else(|| {
        PostPolicyError::Auth(AuthError::InvalidAccessKeyId {
            access_key: credential.access_key.clone(),
        })
    })?;
    let computed = policy_signature(&account.secret_key, &credential, policy);
    if !computed.is_some_and(|c| signatures_match(&c, signature)) {
        return Err(PostPolicyError::Auth(AuthError::SignatureDoesNotMatch(
            Box::new(SignatureMismatch {
                access_key: credential.access_key.clone(),
                signature_provided: signature.to_owned(),
                string_to_sign: Some(policy.to_owned()),
                canonical_request: None,
            }),
        )));
    }
    let signer = PolicySigner {
        access_key: credential.access_key,
        region: credential.region,
    };
    Ok((policy, signer, account))
}

/// A SigV2 form: `AWSAccessKeyId` and `signature`, the base64 HMAC-SHA1 of the policy text as
/// sent (<https://docs.aws.amazon.com/AmazonS3/latest/userguide/HTTPPOSTForms.html>, what
/// botocore's `HmacV1PostAuth` signs); refused where SigV2 is.
fn signed_policy_v2<'a>(
    input: &'a PostInput<'a>,
    keyring: &Keyring,
    policy: &'a str,
) -> Result<(&'a str, PolicySigner, Arc<Account>), PostPolicyError> {
    if keyring.sigv2() == super::SigV2Policy::Refuse {
        return Err(PostPolicyError::Auth(
            AuthError::SignatureVersionNotSupported,
        ));
    }
    let access_key = input
        .field("awsaccesskeyid")
        .ok_or(PostPolicyError::MissingField("AWSAccessKeyId"))?;
    let signature = input
        .field("signature")
        .ok_or(PostPolicyError::MissingField("Signature"))?;
    let account = keyring.resolve(access_key).ok_or_else(|| {
        PostPolicyError::Auth(AuthError::InvalidAccessKeyId {
            access_key: access_key.to_owned(),
        })
    })?;
    if !super::sigv2::signature_matches(&account.secret_key, policy, signature) {
        return Err(PostPolicyError::Auth(AuthError::SignatureDoesNotMatch(
            Box::new(SignatureMismatch {
                access_key: access_key.to_owned(),
                signature_provided: signature.to_owned(),
                string_to_sign: Some(policy.to_owned()),
                canonical_request: None,
            }),
        )));
    }
    let signer = PolicySigner {
        access_key: access_key.to_owned(),
        region: String::new(),
    };
    Ok((policy, signer, account))
}

/// Verifies a POST form's signature and policy at server time `now`.
pub fn verify(
    input: &PostInput<'_>,
    keyring: &Keyring,
    now: SystemTime,
) -> Result<PostAuthenticated, PostPolicyError> {
    let (policy, signer, account) = signed_policy(input, keyring)?;
    let document = PolicyDocument::decode(policy)?;
    if OffsetDateTime::from(now) > document.expiration {
        return Err(PostPolicyError::Expired);
    }
    document.check(input)?;
    Ok(PostAuthenticated {
        account,
        access_key: signer.access_key,
        region: signer.region,
    })
}

/// The hex signature of `policy` (the base64 text as sent) for `credential`: HMAC-SHA256 under
/// the SigV4 signing key of the credential's date, region and service. `None` if the
/// credential's date is not a date.
pub(crate) fn policy_signature(
    secret: &str,
    credential_scope: &Credential,
    policy: &str,
) -> Option<String> {
    let date = time::Date::parse(
        &credential_scope.date,
        time::macros::format_description!("[year][month][day]"),
    )
    .ok()?;
    let time = SystemTime::from(date.midnight().assume_utc());
    let key = aws_sigv4::sign::v4::generate_signing_key(
        secret,
        time,
        &credential_scope.region,
        &credential_scope.service,
    );
    Some(aws_sigv4::sign::v4::calculate_signature(
        key,
        policy.as_bytes(),
    ))
}

/// A decoded policy document.
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyDocument {
    /// When the policy stops being valid.
    pub expiration: OffsetDateTime,
    /// The conditions, in order.
    pub conditions: Vec<Condition>,
}

/// One policy condition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Condition {
    /// `{"field": "value"}` or `["eq", "$field", "value"]`.
    Eq {
        /// The field reference as written (`$key`, or `key` in the simple form).
        field: String,
        /// The exact value.
        value: String,
        /// The condition as S3 prints it when it fails.
        shown: String,
    },
    /// `["starts-with", "$field", "prefix"]`; an empty prefix allows any value.
    StartsWith {
        /// The field reference as written (`$key`).
        field: String,
        /// The prefix.
        prefix: String,
        /// The condition as S3 prints it when it fails.
        shown: String,
    },
    /// `["content-length-range", min, max]`, inclusive; `None` when a bound is not a number.
    ContentLengthRange {
        /// The bounds, if both are integers (numbers or numeric strings).
        bounds: Option<(i64, i64)>,
        /// The condition as S3 prints it when it fails.
        shown: String,
    },
}

fn invalid_policy(detail: &str) -> PostPolicyError {
    PostPolicyError::InvalidPolicyDocument(format!("Invalid Policy: {detail}"))
}

/// `["eq", "$key", "a"]`: the JSON items joined by `", "`.
fn show(items: &[Value]) -> String {
    let parts: Vec<String> = items.iter().map(Value::to_string).collect();
    format!("[{}]", parts.join(", "))
}

impl PolicyDocument {
    /// Decodes the base64 `policy` field and parses the JSON document.
    pub fn decode(policy: &str) -> Result<Self, PostPolicyError> {
        let compact: String = policy
            .chars()
            .filter(|c| !c.is_ascii_whitespace())
            .collect();
        let json = STANDARD.decode(compact).map_err(|_| {
            PostPolicyError::InvalidPolicyDocument(
                "The content of the form does not meet the conditions specified in the policy document."
                    .to_owned(),
            )
        })?;
        let value: Value =
            serde_json::from_slice(&json).map_err(|_| invalid_policy("Invalid JSON."))?;
        let Value::Object(map) = value else {
            return Err(invalid_policy("Invalid JSON."));
        };
        let expiration = match map.get("expiration") {
            None => return Err(invalid_policy("Missing expiration.")),
            Some(Value::String(s)) => OffsetDateTime::parse(s, &Rfc3339)
                .map_err(|_| invalid_policy("Invalid expiration."))?,
            Some(_) => return Err(invalid_policy("Invalid expiration.")),
        };
        let conditions = match map.get("conditions") {
            None => return Err(invalid_policy("Missing conditions.")),
            Some(Value::Array(items)) => items
                .iter()
                .map(Condition::parse)
                .collect::<Result<Vec<_>, _>>()?,
            Some(_) => return Err(invalid_policy("Invalid conditions.")),
        };
        Ok(Self {
            expiration,
            conditions,
        })
    }

    /// Checks every condition against `input`, then that every field is covered.
    pub fn check(&self, input: &PostInput<'_>) -> Result<(), PostPolicyError> {
        let mut covered = BTreeSet::new();
        for condition in &self.conditions {
            condition.check(input, &mut covered)?;
        }
        let mut extra: Vec<String> = input
            .fields
            .iter()
            .map(|(n, _)| n.to_ascii_lowercase())
            .filter(|n| {
                !EXEMPT_FIELDS.contains(&n.as_str())
                    && !n.starts_with("x-ignore-")
                    && !covered.contains(n)
            })
            .collect();
        extra.dedup();
        if extra.is_empty() {
            Ok(())
        } else {
            Err(PostPolicyError::ExtraInputFields(extra.join(", ")))
        }
    }
}

impl Condition {
    /// Parses one element of `conditions`.
    pub fn parse(value: &Value) -> Result<Self, PostPolicyError> {
        match value {
            Value::Object(map) => {
                let mut entries = map.iter();
                let (Some((field, v)), None) = (entries.next(), entries.next()) else {
                    return Err(invalid_policy(
                        "Invalid Simple-Condition: Simple-Conditions must have exactly one property specified.",
                    ));
                };
                let Value::String(v) = v else {
                    return Err(invalid_policy(
                        "Invalid Simple-Condition: value must be a string.",
                    ));
                };
                let field = format!("${field}");
                Ok(Self::Eq {
                    shown: show(&[
                        Value::from("eq"),
                        Value::from(field.as_str()),
                        Value::from(v.as_str()),
                    ]),
                    field,
                    value: v.clone(),
                })
            }
            Value::Array(items) => {
                let Some(Value::String(op)) = items.first() else {
                    return Err(invalid_policy(
                        "Invalid Condition: operation must be a string.",
                    ));
                };
                let op = op.to_ascii_lowercase();
                let shown = show(items);
                if items.len() != 3 {
                    return Err(invalid_policy(&format!(
                        "Invalid '{op}' condition: wrong number of arguments."
                    )));
                }
                let strings = || match (items.get(1), items.get(2)) {
                    (Some(Value::String(f)), Some(Value::String(v))) => Ok((f.clone(), v.clone())),
                    _ => Err(invalid_policy(&format!(
                        "Invalid '{op}' condition: arguments must be strings."
                    ))),
                };
                match op.as_str() {
                    "eq" => {
                        let (field, value) = strings()?;
                        Ok(Self::Eq {
                            field,
                            value,
                            shown,
                        })
                    }
                    "starts-with" => {
                        let (field, prefix) = strings()?;
                        Ok(Self::StartsWith {
                            field,
                            prefix,
                            shown,
                        })
                    }
                    "content-length-range" => {
                        let bound = |v: Option<&Value>| match v {
                            Some(Value::Number(n)) => n.as_i64(),
                            Some(Value::String(s)) => s.trim().parse().ok(),
                            _ => None,
                        };
                        let bounds = bound(items.get(1)).zip(bound(items.get(2)));
                        Ok(Self::ContentLengthRange { bounds, shown })
                    }
                    _ => Err(invalid_policy(&format!(
                        "Invalid Condition: unknown operation '{op}'."
                    ))),
                }
            }
            _ => Err(invalid_policy(
                "Invalid Condition: must be an object or an array.",
            )),
        }
    }

    /// Checks the condition, adding the field it names to `covered`.
    fn check(
        &self,
        input: &PostInput<'_>,
        covered: &mut BTreeSet<String>,
    ) -> Result<(), PostPolicyError> {
        let (field, shown) = match self {
            Self::ContentLengthRange { bounds, shown } => {
                let Some((min, max)) = *bounds else {
                    return Err(PostPolicyError::ConditionFailed(shown.clone()));
                };
                let size = input.file_size;
                if i64::try_from(size).map_or(true, |s| s > max) {
                    return Err(PostPolicyError::EntityTooLarge {
                        proposed: size,
                        max,
                    });
                }
                if i64::try_from(size).is_ok_and(|s| s < min) {
                    return Err(PostPolicyError::EntityTooSmall {
                        proposed: size,
                        min,
                    });
                }
                return Ok(());
            }
            Self::Eq { field, shown, .. } | Self::StartsWith { field, shown, .. } => (field, shown),
        };
        let failed = || PostPolicyError::ConditionFailed(shown.clone());
        let Some(name) = field.strip_prefix('$') else {
            return Err(failed());
        };
        let name = name.to_ascii_lowercase();
        let actual = if name == "bucket" {
            Some(input.bucket)
        } else {
            input.field(&name)
        };
        covered.insert(name.clone());
        let Some(actual) = actual else {
            return Err(failed());
        };
        let holds = match self {
            Self::Eq { value, .. } => actual == value,
            // Content-Type may list several types: each must start with the prefix.
            Self::StartsWith { prefix, .. } if name == "content-type" => actual
                .split(',')
                .all(|t| t.trim_start().starts_with(prefix.as_str())),
            Self::StartsWith { prefix, .. } => actual.starts_with(prefix.as_str()),
            Self::ContentLengthRange { .. } => true,
        };
        if holds { Ok(()) } else { Err(failed()) }
    }
}

#[cfg(test)]
#[path = "post_policy_tests.rs"]
mod tests;
