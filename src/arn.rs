//! ARNs and function references with their qualifier.
//!
//! An ARN is six colon-separated parts, `arn:partition:service:region:account:resource`,
//! where the resource part may itself hold colons. A Lambda `FunctionName` parameter
//! accepts a bare name, a full ARN or a partial ARN `{account}:function:{name}`, each
//! optionally followed by `:{qualifier}` (`$LATEST`, a version number or an alias name).
//! Parsing follows the patterns of the Lambda service model (no regex engine: the optional
//! groups of the model's pattern are tried in every combination, which is what the regex does).
//!
//! <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html>

use std::fmt;

use crate::validation::{Offending, validation_message};

/// The pattern Lambda quotes for `FunctionName` (CreateFunction), as recorded against AWS.
pub const FUNCTION_NAME_PATTERN: &str = r"(arn:(aws[a-zA-Z-]*)?:lambda:)?((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:)?(\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\$LATEST|[a-zA-Z0-9-_]+))?";
/// The pattern Lambda quotes for `NamespacedFunctionName` (Get*, Invoke, policy and alias
/// operations), as recorded against AWS (2025).
pub const NAMESPACED_FUNCTION_NAME_PATTERN: &str = r"(arn:(aws[a-zA-Z-]*)?:lambda:)?((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:)?(\d{12}:)?(function:)?([a-zA-Z0-9-_\.]+)(:(\$LATEST(\.PUBLISHED)?|[a-zA-Z0-9-_]+))?";
/// The pattern Lambda quotes for the `Qualifier` parameter, as recorded against AWS (2025).
pub const QUALIFIER_PATTERN: &str = r"\$(LATEST(\.PUBLISHED)?)|[a-zA-Z0-9-_$]+";

/// The qualifier of the unpublished version every function has.
pub const LATEST: &str = "$LATEST";

/// The maximum length of a `FunctionName` parameter (full ARN with qualifier).
pub const FUNCTION_NAME_MAX_LEN: usize = 140;
/// The maximum length of the bare function name.
pub const BARE_NAME_MAX_LEN: usize = 64;

/// A failure to parse an ARN or a function reference.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ArnError {
    /// Not six colon-separated parts starting with `arn`.
    #[error("invalid ARN: {0}")]
    Malformed(String),
    /// A framework constraint failed (Lambda reports it as `ValidationException`).
    #[error("{}", validation_message(Offending::Value(value), field, constraint))]
    Validation {
        /// The offending value.
        value: String,
        /// The field name as Lambda spells it (`functionName`, `qualifier`, ...).
        field: String,
        /// The constraint text, e.g. `Member must satisfy regular expression pattern: ...`.
        constraint: String,
    },
    /// The bare name is longer than 64 characters (Lambda reports this constraint text as
    /// `InvalidParameterValueException`, unlike other constraint failures).
    #[error(
        "{}",
        validation_message(
            Offending::Value(.0),
            "functionName",
            "Member must have length less than or equal to 64"
        )
    )]
    NameTooLong(String),
    /// The qualifier in the function name differs from the `Qualifier` parameter.
    #[error("The derived qualifier from the function name does not match the specified qualifier.")]
    QualifierMismatch,
}

impl ArnError {
    /// A regular-expression constraint failure on `field`.
    pub fn pattern(value: &str, field: &str, pattern: &str) -> Self {
        Self::Validation {
            value: value.to_owned(),
            field: field.to_owned(),
            constraint: format!("Member must satisfy regular expression pattern: {pattern}"),
        }
    }

    /// A maximum-length constraint failure on `field`.
    pub fn too_long(value: &str, field: &str, max: usize) -> Self {
        Self::Validation {
            value: value.to_owned(),
            field: field.to_owned(),
            constraint: format!("Member must have length less than or equal to {max}"),
        }
    }
}

/// A parsed ARN: `arn:{partition}:{service}:{region}:{account}:{resource}`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Arn {
    /// `aws`, `aws-cn`, ...
    pub partition: String,
    /// `lambda`, `s3`, `iam`, ...
    pub service: String,
    /// May be empty (S3 bucket ARNs).
    pub region: String,
    /// May be empty (S3 bucket ARNs).
    pub account: String,
    /// Everything after the fifth colon; may contain colons.
    pub resource: String,
}

impl Arn {
    /// Parses an ARN into its six parts.
    pub fn parse(s: &str) -> Result<Self, ArnError> {
        let mut parts = s.splitn(6, ':');
        let (
            Some("arn"),
            Some(partition),
            Some(service),
            Some(region),
            Some(account),
            Some(resource),
        ) = (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
        )
        else {
            return Err(ArnError::Malformed(s.to_owned()));
        };
        if partition.is_empty() || service.is_empty() {
            return Err(ArnError::Malformed(s.to_owned()));
        }
        Ok(Self {
            partition: partition.to_owned(),
            service: service.to_owned(),
            region: region.to_owned(),
            account: account.to_owned(),
            resource: resource.to_owned(),
        })
    }
}

impl fmt::Display for Arn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "arn:{}:{}:{}:{}:{}",
            self.partition, self.service, self.region, self.account, self.resource
        )
    }
}

/// The unqualified ARN of a Lambda function.
pub fn function_arn(region: &str, account: &str, name: &str) -> String {
    format!("arn:aws:lambda:{region}:{account}:function:{name}")
}

/// The ARN of a Lambda function with an optional qualifier appended.
pub fn qualified_function_arn(
    region: &str,
    account: &str,
    name: &str,
    qualifier: Option<&str>,
) -> String {
    match qualifier {
        Some(q) => format!("{}:{q}", function_arn(region, account, name)),
        None => function_arn(region, account, name),
    }
}

/// What a qualifier designates.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Qualifier {
    /// `$LATEST`.
    Latest,
    /// A published version number.
    Version(u64),
    /// An alias name.
    Alias(String),
}

impl Qualifier {
    /// Classifies a qualifier string: `$LATEST`, all digits → version, otherwise an alias.
    pub fn parse(s: &str) -> Self {
        if s == LATEST {
            Self::Latest
        } else if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
            // An all-digit string too large for u64 cannot name an existing version;
            // keep it as an alias name so lookups report "not found".
            s.parse()
                .map_or_else(|_| Self::Alias(s.to_owned()), Self::Version)
        } else {
            Self::Alias(s.to_owned())
        }
    }
}

impl fmt::Display for Qualifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Latest => f.write_str(LATEST),
            Self::Version(v) => write!(f, "{v}"),
            Self::Alias(a) => f.write_str(a),
        }
    }
}

/// Which `FunctionName` pattern an operation uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameKind {
    /// `FunctionName` (CreateFunction): no dots in the name.
    Plain,
    /// `NamespacedFunctionName`: dots allowed.
    Namespaced,
}

/// A reference to a Lambda function as given in a `FunctionName` parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FunctionRef {
    /// The bare function name.
    pub name: String,
    /// The account, when given in an ARN or partial ARN.
    pub account: Option<String>,
    /// The region, when given in an ARN.
    pub region: Option<String>,
    /// The qualifier, from the name suffix or the `Qualifier` parameter.
    pub qualifier: Option<String>,
}

impl FunctionRef {
    /// A reference to an unqualified function by bare name.
    pub fn named(name: &str) -> Self {
        Self {
            name: name.to_owned(),
            account: None,
            region: None,
            qualifier: None,
        }
    }

    /// Parses a `FunctionName` value (field name `functionName`).
    pub fn parse(s: &str, kind: NameKind) -> Result<Self, ArnError> {
        let pattern = match kind {
            NameKind::Plain => FUNCTION_NAME_PATTERN,
            NameKind::Namespaced => NAMESPACED_FUNCTION_NAME_PATTERN,
        };
        if s.len() > FUNCTION_NAME_MAX_LEN {
            return Err(ArnError::too_long(s, "functionName", FUNCTION_NAME_MAX_LEN));
        }
        let tokens: Vec<&str> = s.split(':').collect();
        let parsed = match_function_name(&tokens, kind)
            .ok_or_else(|| ArnError::pattern(s, "functionName", pattern))?;
        if parsed.name.len() > BARE_NAME_MAX_LEN {
            return Err(ArnError::too_long(
                &parsed.name,
                "functionName",
                BARE_NAME_MAX_LEN,
            ));
        }
        Ok(parsed)
    }

    /// Parses a `FunctionName` and merges the separate `Qualifier` parameter: when both
    /// are given they must agree.
    pub fn parse_with_qualifier(
        s: &str,
        kind: NameKind,
        qualifier: Option<&str>,
    ) -> Result<Self, ArnError> {
        let mut r = Self::parse(s, kind)?;
        if let Some(q) = qualifier {
            validate_qualifier(q)?;
            match &r.qualifier {
                Some(existing) if existing != q => return Err(ArnError::QualifierMismatch),
                _ => r.qualifier = Some(q.to_owned()),
            }
        }
        Ok(r)
    }

    /// The qualifier classified.
    pub fn qualifier_kind(&self) -> Option<Qualifier> {
        self.qualifier.as_deref().map(Qualifier::parse)
    }
}

/// Checks a `Qualifier` parameter against the model (1–128, `(|[a-zA-Z0-9$_-]+)`).
pub fn validate_qualifier(q: &str) -> Result<(), ArnError> {
    if q.len() > 128 {
        return Err(ArnError::too_long(q, "qualifier", 128));
    }
    if q.is_empty()
        || !q
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'$' | b'_' | b'-'))
    {
        return Err(ArnError::pattern(q, "qualifier", QUALIFIER_PATTERN));
    }
    Ok(())
}

fn is_name_token(t: &str, kind: NameKind) -> bool {
    !t.is_empty()
        && t.bytes().all(|b| {
            b.is_ascii_alphanumeric()
                || b == b'-'
                || b == b'_'
                || (kind == NameKind::Namespaced && b == b'.')
        })
}

fn is_qualifier_token(t: &str) -> bool {
    t == LATEST
        || (!t.is_empty()
            && t.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
}

fn is_partition(t: &str) -> bool {
    t.is_empty()
        || (t.starts_with("aws") && t[3..].bytes().all(|b| b.is_ascii_alphabetic() || b == b'-'))
}

/// `(eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}`
fn is_region(t: &str) -> bool {
    let t = t.strip_prefix("eusc-").unwrap_or(t);
    let b = t.as_bytes();
    if b.len() < 2 || !b[0].is_ascii_lowercase() || !b[1].is_ascii_lowercase() {
        return false;
    }
    let mut rest = &t[2..];
    if let Some(r) = rest.strip_prefix("-gov") {
        rest = r;
    } else if let Some(r) = rest.strip_prefix("-iso") {
        rest = r
            .strip_prefix(|c: char| {
                c.is_ascii_lowercase() && r.get(1..).is_some_and(|x| x.starts_with('-'))
            })
            .unwrap_or(r);
    }
    let Some(rest) = rest.strip_prefix('-') else {
        return false;
    };
    let Some((mid, digit)) = rest.rsplit_once('-') else {
        return false;
    };
    !mid.is_empty()
        && mid.bytes().all(|c| c.is_ascii_lowercase())
        && digit.len() == 1
        && digit.as_bytes()[0].is_ascii_digit()
}

/// True if `t` is exactly 12 ASCII digits.
pub fn is_account_id(t: &str) -> bool {
    t.len() == 12 && t.bytes().all(|b| b.is_ascii_digit())
}

/// Tries every combination of the pattern's optional groups (arn prefix, region, account,
/// `function:`, qualifier), as the model's regex would.
fn match_function_name(tokens: &[&str], kind: NameKind) -> Option<FunctionRef> {
    for mask in 0u8..32 {
        let (arn, region, account, function, qualifier) = (
            mask & 1 != 0,
            mask & 2 != 0,
            mask & 4 != 0,
            mask & 8 != 0,
            mask & 16 != 0,
        );
        let want = usize::from(arn) * 3
            + usize::from(region)
            + usize::from(account)
            + usize::from(function)
            + 1
            + usize::from(qualifier);
        if want != tokens.len() {
            continue;
        }
        let mut i = 0;
        let mut ok = true;
        if arn {
            ok &= tokens[0] == "arn" && is_partition(tokens[1]) && tokens[2] == "lambda";
            i += 3;
        }
        let mut out = FunctionRef {
            name: String::new(),
            account: None,
            region: None,
            qualifier: None,
        };
        if ok && region {
            ok &= is_region(tokens[i]);
            out.region = Some(tokens[i].to_owned());
            i += 1;
        }
        if ok && account {
            ok &= is_account_id(tokens[i]);
            out.account = Some(tokens[i].to_owned());
            i += 1;
        }
        if ok && function {
            ok &= tokens[i] == "function";
            i += 1;
        }
        if ok {
            ok &= is_name_token(tokens[i], kind);
            tokens[i].clone_into(&mut out.name);
            i += 1;
        }
        if ok && qualifier {
            ok &= is_qualifier_token(tokens[i]);
            out.qualifier = Some(tokens[i].to_owned());
        }
        if ok {
            return Some(out);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arn_round_trip_keeps_colons_in_resource() {
        let a = Arn::parse("arn:aws:lambda:us-east-1:123456789012:function:f:PROD").unwrap();
        assert_eq!(a.service, "lambda");
        assert_eq!(a.account, "123456789012");
        assert_eq!(a.resource, "function:f:PROD");
        assert_eq!(
            a.to_string(),
            "arn:aws:lambda:us-east-1:123456789012:function:f:PROD"
        );
        let s3 = Arn::parse("arn:aws:s3:::photos").unwrap();
        assert_eq!(
            (
                s3.region.as_str(),
                s3.account.as_str(),
                s3.resource.as_str()
            ),
            ("", "", "photos")
        );
        assert!(Arn::parse("arn:aws:s3::photos").is_err());
        assert!(Arn::parse("nope:aws:s3:::photos").is_err());
    }

    #[test]
    fn function_ref_forms() {
        let r = FunctionRef::parse("f", NameKind::Namespaced).unwrap();
        assert_eq!(r, FunctionRef::named("f"));
        let r = FunctionRef::parse("f:PROD", NameKind::Namespaced).unwrap();
        assert_eq!(r.qualifier.as_deref(), Some("PROD"));
        let r =
            FunctionRef::parse("123456789012:function:f:$LATEST", NameKind::Namespaced).unwrap();
        assert_eq!(r.account.as_deref(), Some("123456789012"));
        assert_eq!(r.qualifier_kind(), Some(Qualifier::Latest));
        let r = FunctionRef::parse(
            "arn:aws:lambda:eu-west-1:123456789012:function:f:7",
            NameKind::Namespaced,
        )
        .unwrap();
        assert_eq!(r.region.as_deref(), Some("eu-west-1"));
        assert_eq!(r.name, "f");
        assert_eq!(r.qualifier_kind(), Some(Qualifier::Version(7)));
        let r = FunctionRef::parse(
            "arn:aws:lambda:us-gov-west-1:123456789012:function:f",
            NameKind::Namespaced,
        )
        .unwrap();
        assert_eq!(r.qualifier, None);
        assert!(FunctionRef::parse("my.fn", NameKind::Namespaced).is_ok());
    }

    #[test]
    fn function_ref_rejections_use_validation_message() {
        let e = FunctionRef::parse("bad name!", NameKind::Namespaced).unwrap_err();
        assert_eq!(
            e.to_string(),
            format!(
                "1 validation error detected: Value 'bad name!' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: {NAMESPACED_FUNCTION_NAME_PATTERN}"
            )
        );
        assert!(FunctionRef::parse("my.fn", NameKind::Plain).is_err());
        assert!(
            FunctionRef::parse(
                "arn:aws:s3:us-east-1:123456789012:function:f",
                NameKind::Namespaced
            )
            .is_err()
        );
        assert!(FunctionRef::parse("a:b:c:d", NameKind::Namespaced).is_err());
        assert!(FunctionRef::parse("", NameKind::Namespaced).is_err());
        let long = "a".repeat(65);
        let e = FunctionRef::parse(&long, NameKind::Plain).unwrap_err();
        assert!(
            e.to_string().contains("length less than or equal to 64"),
            "{e}"
        );
        let e = FunctionRef::parse(&"a".repeat(141), NameKind::Plain).unwrap_err();
        assert!(
            e.to_string().contains("length less than or equal to 140"),
            "{e}"
        );
    }

    #[test]
    fn qualifier_parameter_must_agree() {
        let r = FunctionRef::parse_with_qualifier("f", NameKind::Namespaced, Some("2")).unwrap();
        assert_eq!(r.qualifier_kind(), Some(Qualifier::Version(2)));
        let r = FunctionRef::parse_with_qualifier("f:2", NameKind::Namespaced, Some("2")).unwrap();
        assert_eq!(r.qualifier.as_deref(), Some("2"));
        assert_eq!(
            FunctionRef::parse_with_qualifier("f:1", NameKind::Namespaced, Some("2")).unwrap_err(),
            ArnError::QualifierMismatch
        );
        assert!(matches!(
            FunctionRef::parse_with_qualifier("f", NameKind::Namespaced, Some("a b")).unwrap_err(),
            ArnError::Validation { ref field, .. } if field == "qualifier"
        ));
    }

    #[test]
    fn qualifier_kinds_and_arns() {
        assert_eq!(Qualifier::parse("12"), Qualifier::Version(12));
        assert_eq!(Qualifier::parse("PROD"), Qualifier::Alias("PROD".into()));
        assert_eq!(
            Qualifier::parse("2024-01-02"),
            Qualifier::Alias("2024-01-02".into())
        );
        assert_eq!(
            qualified_function_arn("us-east-1", "000000000000", "f", Some("$LATEST")),
            "arn:aws:lambda:us-east-1:000000000000:function:f:$LATEST"
        );
        assert!(is_region("us-east-1") && is_region("us-gov-west-1") && !is_region("useast1"));
        assert!(
            is_region("us-isob-east-1")
                && is_region("us-iso-east-1")
                && is_region("eusc-de-east-1")
        );
        assert!(!is_region("us-east-") && !is_region("us-east-12"));
    }
}
