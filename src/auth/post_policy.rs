//! Browser-based POST uploads: the POST policy, its SigV4 signature and its conditions.
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

/// Fields no condition needs to cover (besides names starting with `x-ignore-`).
const EXEMPT_FIELDS: [&str; 3] = ["x-amz-signature", "file", "policy"];

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
    /// The access key id of `x-amz-credential`.
    pub access_key: String,
    /// The region of the credential scope.
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

/// The policy text, its credential and the account of its key, once the signature holds.
fn signed_policy<'a>(
    input: &'a PostInput<'a>,
    keyring: &Keyring,
) -> Result<(&'a str, Credential, Arc<Account>), PostPolicyError> {
    let policy = input.field("policy");
    let has_sigv4 = SIGV4_FIELDS.iter().any(|(n, _)| input.field(n).is_some());
    let Some(policy) = policy else {
        return Err(if has_sigv4 {
            PostPolicyError::MissingField("Policy")
        } else {
            PostPolicyError::Anonymous
        });
    };
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
    Ok((policy, credential, account))
}

/// Verifies a POST form's signature and policy at server time `now`.
pub fn verify(
    input: &PostInput<'_>,
    keyring: &Keyring,
    now: SystemTime,
) -> Result<PostAuthenticated, PostPolicyError> {
    let (policy, credential, account) = signed_policy(input, keyring)?;
    let document = PolicyDocument::decode(policy)?;
    if OffsetDateTime::from(now) > document.expiration {
        return Err(PostPolicyError::Expired);
    }
    document.check(input)?;
    Ok(PostAuthenticated {
        account,
        access_key: credential.access_key,
        region: credential.region,
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
mod tests {
    use super::*;

    const AK: &str = "AKIAIOSFODNN7EXAMPLE";
    const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

    /// botocore's `generate_presigned_post("sigv4examplebucket", "user/user1/photo.jpg")` with
    /// the clock at 2015-12-29T00:00:00Z and the AWS example credentials (recomputed
    /// independently of this code).
    const BOTO_POLICY: &str = "eyJleHBpcmF0aW9uIjogIjIwMTUtMTItMjlUMDE6MDA6MDBaIiwgImNvbmRpdGlvbnMiOiBbeyJidWNrZXQiOiAic2lndjRleGFtcGxlYnVja2V0In0sIHsia2V5IjogInVzZXIvdXNlcjEvcGhvdG8uanBnIn0sIHsieC1hbXotYWxnb3JpdGhtIjogIkFXUzQtSE1BQy1TSEEyNTYifSwgeyJ4LWFtei1jcmVkZW50aWFsIjogIkFLSUFJT1NGT0ROTjdFWEFNUExFLzIwMTUxMjI5L3VzLWVhc3QtMS9zMy9hd3M0X3JlcXVlc3QifSwgeyJ4LWFtei1kYXRlIjogIjIwMTUxMjI5VDAwMDAwMFoifV19";
    const BOTO_SIGNATURE: &str = "3364624b39010d9b06f5d9b8c9a18a6e478d261c048159c92f2fd6fa885f14e6";
    const BOTO_CREDENTIAL: &str = "AKIAIOSFODNN7EXAMPLE/20151229/us-east-1/s3/aws4_request";

    fn keyring() -> Keyring {
        Keyring::new([Account::new("000000000000", AK, SECRET)])
    }

    fn at(rfc3339: &str) -> SystemTime {
        SystemTime::from(OffsetDateTime::parse(rfc3339, &Rfc3339).unwrap())
    }

    fn boto_fields() -> Vec<(String, String)> {
        [
            ("key", "user/user1/photo.jpg"),
            ("x-amz-algorithm", "AWS4-HMAC-SHA256"),
            ("x-amz-credential", BOTO_CREDENTIAL),
            ("x-amz-date", "20151229T000000Z"),
            ("policy", BOTO_POLICY),
            ("x-amz-signature", BOTO_SIGNATURE),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
    }

    fn input(fields: &[(String, String)]) -> PostInput<'_> {
        PostInput {
            fields,
            bucket: "sigv4examplebucket",
            file_size: 10,
        }
    }

    #[test]
    fn signature_of_the_botocore_vector() {
        let credential = Credential::parse(BOTO_CREDENTIAL).unwrap();
        assert_eq!(
            policy_signature(SECRET, &credential, BOTO_POLICY).as_deref(),
            Some(BOTO_SIGNATURE)
        );
    }

    #[test]
    fn botocore_post_verifies_before_expiry() {
        let fields = boto_fields();
        let ok = verify(&input(&fields), &keyring(), at("2015-12-29T00:30:00Z")).unwrap();
        assert_eq!(ok.account.access_key, AK);
        assert_eq!(ok.region, "us-east-1");
    }

    #[test]
    fn expired_policy_is_access_denied() {
        let fields = boto_fields();
        let e = verify(&input(&fields), &keyring(), at("2015-12-29T01:00:01Z")).unwrap_err();
        assert_eq!(e, PostPolicyError::Expired);
        assert_eq!(
            (e.s3_code(), e.status()),
            ("AccessDenied", StatusCode::FORBIDDEN)
        );
        assert_eq!(
            e.to_string(),
            "Invalid according to Policy: Policy expired."
        );
    }

    #[test]
    fn tampered_signature_and_policy_do_not_match() {
        let mut fields = boto_fields();
        fields[5].1 = BOTO_SIGNATURE.replace('3', "4");
        let e = verify(&input(&fields), &keyring(), at("2015-12-29T00:30:00Z")).unwrap_err();
        assert_eq!(e.s3_code(), "SignatureDoesNotMatch");
        let extras = e.extras();
        assert!(extras.contains(&("StringToSign", BOTO_POLICY.to_owned())));
        // A truncated policy fails on the signature, before it is decoded.
        let mut fields = boto_fields();
        fields[4].1.truncate(BOTO_POLICY.len() - 2);
        let e = verify(&input(&fields), &keyring(), at("2015-12-29T00:30:00Z")).unwrap_err();
        assert_eq!(e.s3_code(), "SignatureDoesNotMatch");
    }

    #[test]
    fn unknown_key_and_missing_fields() {
        let fields = boto_fields();
        let e = verify(&input(&fields), &Keyring::default(), SystemTime::UNIX_EPOCH).unwrap_err();
        assert_eq!(
            (e.s3_code(), e.status()),
            ("InvalidAccessKeyId", StatusCode::FORBIDDEN)
        );

        let without = |name: &str| -> Vec<(String, String)> {
            boto_fields()
                .into_iter()
                .filter(|(n, _)| n != name)
                .collect()
        };
        let e = verify(
            &input(&without("x-amz-signature")),
            &keyring(),
            SystemTime::UNIX_EPOCH,
        )
        .unwrap_err();
        assert_eq!(e, PostPolicyError::MissingField("X-Amz-Signature"));
        assert_eq!(e.status(), StatusCode::BAD_REQUEST);
        assert_eq!(
            e.to_string(),
            "Bucket POST must contain a field named 'X-Amz-Signature'.  If it is specified, please check the order of the fields."
        );
        let e = verify(
            &input(&without("policy")),
            &keyring(),
            SystemTime::UNIX_EPOCH,
        )
        .unwrap_err();
        assert_eq!(e, PostPolicyError::MissingField("Policy"));
        let anonymous = vec![("key".to_owned(), "k".to_owned())];
        let e = verify(&input(&anonymous), &keyring(), SystemTime::UNIX_EPOCH).unwrap_err();
        assert_eq!(
            (e.s3_code(), e.to_string().as_str()),
            ("AccessDenied", "Access Denied")
        );
    }

    fn doc(conditions: &str) -> Result<PolicyDocument, PostPolicyError> {
        let json =
            format!(r#"{{"expiration": "2030-01-01T00:00:00.000Z", "conditions": {conditions}}}"#);
        PolicyDocument::decode(&STANDARD.encode(json))
    }

    fn fields(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn exact_match_in_both_forms() {
        let f = fields(&[("key", "a/b.txt")]);
        let simple = doc(r#"[{"key": "a/b.txt"}, {"bucket": "sigv4examplebucket"}]"#).unwrap();
        simple.check(&input(&f)).unwrap();
        let array = doc(r#"[["eq", "$key", "a/b.txt"]]"#).unwrap();
        array.check(&input(&f)).unwrap();
        let e = doc(r#"[["eq", "$key", "A/b.txt"]]"#)
            .unwrap()
            .check(&input(&f))
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            r#"Invalid according to Policy: Policy Condition failed: ["eq", "$key", "A/b.txt"]"#
        );
        let e = doc(r#"[{"key": "x"}]"#)
            .unwrap()
            .check(&input(&f))
            .unwrap_err();
        assert_eq!(
            e,
            PostPolicyError::ConditionFailed(r#"["eq", "$key", "x"]"#.to_owned())
        );
        assert_eq!(
            (e.s3_code(), e.status()),
            ("AccessDenied", StatusCode::FORBIDDEN)
        );
        let e = doc(r#"[{"bucket": "other"}, {"key": "a/b.txt"}]"#)
            .unwrap()
            .check(&input(&f));
        assert!(matches!(e, Err(PostPolicyError::ConditionFailed(_))));
    }

    #[test]
    fn starts_with_prefix_and_empty_prefix() {
        let f = fields(&[("key", "user/1/x"), ("content-type", "image/png")]);
        doc(r#"[["starts-with", "$key", "user/"], ["starts-with", "$Content-Type", ""]]"#)
            .unwrap()
            .check(&input(&f))
            .unwrap();
        let e = doc(r#"[["starts-with", "$key", "admin/"], ["starts-with", "$content-type", ""]]"#)
            .unwrap()
            .check(&input(&f))
            .unwrap_err();
        assert_eq!(
            e,
            PostPolicyError::ConditionFailed(r#"["starts-with", "$key", "admin/"]"#.to_owned())
        );
        // Operators and names are case-insensitive.
        doc(r#"[["StArTs-WiTh", "$KeY", "user"], {"CONTENT-TYPE": "image/png"}]"#)
            .unwrap()
            .check(&input(&f))
            .unwrap();
        // A condition on an absent field fails, even with an empty prefix.
        let e = doc(r#"[["starts-with", "$key", ""], ["starts-with", "$x-amz-meta-a", ""]]"#)
            .unwrap()
            .check(&input(&f));
        assert!(matches!(e, Err(PostPolicyError::ConditionFailed(_))));
    }

    #[test]
    fn content_length_range_is_inclusive() {
        let f = fields(&[]);
        let d = doc(r#"[["content-length-range", 5, "10"]]"#).unwrap();
        let with = |size| PostInput {
            file_size: size,
            ..input(&f)
        };
        d.check(&with(5)).unwrap();
        d.check(&with(10)).unwrap();
        let e = d.check(&with(11)).unwrap_err();
        assert_eq!(
            e,
            PostPolicyError::EntityTooLarge {
                proposed: 11,
                max: 10
            }
        );
        assert_eq!(
            (e.s3_code(), e.status()),
            ("EntityTooLarge", StatusCode::BAD_REQUEST)
        );
        assert_eq!(e.extras()[1], ("MaxSizeAllowed", "10".to_owned()));
        let e = d.check(&with(1)).unwrap_err();
        assert_eq!(
            e,
            PostPolicyError::EntityTooSmall {
                proposed: 1,
                min: 5
            }
        );
        let e = doc(r#"[["content-length-range", "test", "10"]]"#)
            .unwrap()
            .check(&with(1));
        assert_eq!(
            e,
            Err(PostPolicyError::ConditionFailed(
                r#"["content-length-range", "test", "10"]"#.to_owned()
            ))
        );
    }

    #[test]
    fn every_field_must_be_covered() {
        let f = fields(&[
            ("key", "k"),
            ("zeta", "1"),
            ("alpha", "2"),
            ("x-ignore-tracker", "t"),
            ("policy", "p"),
            ("x-amz-signature", "s"),
        ]);
        let e = doc(r#"[["starts-with", "$key", ""]]"#)
            .unwrap()
            .check(&input(&f))
            .unwrap_err();
        assert_eq!(
            e,
            PostPolicyError::ExtraInputFields("zeta, alpha".to_owned())
        );
        assert_eq!(
            e.to_string(),
            "Invalid according to Policy: Extra input fields: zeta, alpha"
        );
        doc(r#"[["starts-with", "$key", ""], {"zeta": "1"}, ["eq", "$alpha", "2"]]"#)
            .unwrap()
            .check(&input(&f))
            .unwrap();
    }

    #[test]
    fn malformed_documents() {
        let code = |r: Result<PolicyDocument, PostPolicyError>| r.unwrap_err().to_string();
        assert_eq!(
            code(PolicyDocument::decode(&STANDARD.encode("{"))),
            "Invalid Policy: Invalid JSON."
        );
        assert_eq!(
            code(PolicyDocument::decode(
                &STANDARD.encode(r#"{"conditions": []}"#)
            )),
            "Invalid Policy: Missing expiration."
        );
        assert_eq!(
            code(PolicyDocument::decode(
                &STANDARD.encode(r#"{"expiration": "2030-01-01T00:00:00Z"}"#)
            )),
            "Invalid Policy: Missing conditions."
        );
        assert_eq!(
            code(PolicyDocument::decode(&STANDARD.encode(
                r#"{"expiration": "2030-01-01 00:00:00", "conditions": []}"#
            ))),
            "Invalid Policy: Invalid expiration."
        );
        assert_eq!(
            code(doc(r#"[{"bucket": "b", "key": "k"}]"#)),
            "Invalid Policy: Invalid Simple-Condition: Simple-Conditions must have exactly one property specified."
        );
        assert_eq!(
            code(doc(r"[{}]")),
            "Invalid Policy: Invalid Simple-Condition: Simple-Conditions must have exactly one property specified."
        );
        assert_eq!(
            code(doc(r#"[{"content-length": 5}]"#)),
            "Invalid Policy: Invalid Simple-Condition: value must be a string."
        );
        assert!(matches!(
            doc(r#"[["content-length-range", 0]]"#),
            Err(PostPolicyError::InvalidPolicyDocument(_))
        ));
        assert!(matches!(
            doc(r#"[["matches", "$key", "x"]]"#),
            Err(PostPolicyError::InvalidPolicyDocument(_))
        ));
        let e = PolicyDocument::decode("not base64!").unwrap_err();
        assert_eq!(
            (e.s3_code(), e.status()),
            ("InvalidPolicyDocument", StatusCode::BAD_REQUEST)
        );
    }
}
