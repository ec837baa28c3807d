//! Parsing the signature inputs: the credential scope, the `Authorization` header, the
//! presigned `X-Amz-*` query parameters and SigV4 timestamps.
//!
//! See <https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html> and
//! <https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html>.

use std::borrow::Cow;
use std::time::SystemTime;

use time::{OffsetDateTime, PrimitiveDateTime, macros::format_description};

use super::error::AuthError;

/// The only algorithm accepted.
pub(crate) const ALGORITHM: &str = "AWS4-HMAC-SHA256";

const CREDENTIAL_FORMAT: &str =
    "the Credential is mal-formed; expecting \"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\".";

/// `AKID/yyyymmdd/region/service/aws4_request`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Credential {
    pub(crate) access_key: String,
    pub(crate) date: String,
    pub(crate) region: String,
    pub(crate) service: String,
}

impl Credential {
    /// Parses the five `/`-separated parts; `None` if malformed.
    pub(crate) fn parse(s: &str) -> Option<Self> {
        let mut parts = s.rsplitn(5, '/');
        let terminator = parts.next()?;
        let service = parts.next()?;
        let region = parts.next()?;
        let date = parts.next()?;
        let access_key = parts.next()?;
        let date_ok = date.len() == 8 && date.bytes().all(|b| b.is_ascii_digit());
        if terminator != "aws4_request"
            || !date_ok
            || access_key.is_empty()
            || region.is_empty()
            || service.is_empty()
        {
            return None;
        }
        Some(Self {
            access_key: access_key.to_owned(),
            date: date.to_owned(),
            region: region.to_owned(),
            service: service.to_owned(),
        })
    }

    /// `yyyymmdd/region/service/aws4_request`.
    pub(crate) fn scope(&self) -> String {
        format!(
            "{}/{}/{}/aws4_request",
            self.date, self.region, self.service
        )
    }
}

/// The parts of an `Authorization: AWS4-HMAC-SHA256 ...` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AuthorizationHeader {
    pub(crate) credential: Credential,
    pub(crate) signed_headers: Vec<String>,
    pub(crate) signature: String,
}

fn header_malformed(detail: &str) -> AuthError {
    AuthError::AuthorizationHeaderMalformed {
        message: format!("The authorization header is malformed; {detail}"),
        region: None,
    }
}

impl AuthorizationHeader {
    /// Parses the header value.
    pub(crate) fn parse(value: &str) -> Result<Self, AuthError> {
        let value = value.trim();
        let Some((algorithm, rest)) = value.split_once(' ') else {
            return Err(unsupported_mechanism(value));
        };
        if algorithm != ALGORITHM {
            return Err(unsupported_mechanism(algorithm));
        }
        let (mut credential, mut signed_headers, mut signature) = (None, None, None);
        for component in rest.split(',') {
            let component = component.trim();
            if component.is_empty() {
                continue;
            }
            let Some((name, v)) = component.split_once('=') else {
                return Err(header_malformed(&format!(
                    "the authorization component \"{component}\" is malformed."
                )));
            };
            let slot = match name.trim() {
                "Credential" => &mut credential,
                "SignedHeaders" => &mut signed_headers,
                "Signature" => &mut signature,
                _ => {
                    return Err(header_malformed(&format!(
                        "the authorization component \"{component}\" is malformed."
                    )));
                }
            };
            // A component given twice would let what routes the request (the first) differ
            // from what verifies it (the last): refused.
            if slot.replace(v.trim()).is_some() {
                return Err(header_malformed(&format!(
                    "the authorization component \"{component}\" is repeated."
                )));
            }
        }
        let (Some(credential), Some(signed_headers), Some(signature)) =
            (credential, signed_headers, signature)
        else {
            return Err(header_malformed(
                "the authorization header requires three components: Credential, SignedHeaders, and Signature.",
            ));
        };
        let credential =
            Credential::parse(credential).ok_or_else(|| header_malformed(CREDENTIAL_FORMAT))?;
        let signed_headers = parse_signed_headers(signed_headers)
            .ok_or_else(|| header_malformed("the SignedHeaders component is malformed."))?;
        if !is_hex_signature(signature) {
            return Err(header_malformed("the Signature component is malformed."));
        }
        Ok(Self {
            credential,
            signed_headers,
            signature: signature.to_owned(),
        })
    }
}

fn unsupported_mechanism(algorithm: &str) -> AuthError {
    if algorithm == "AWS" || algorithm.starts_with("AWS ") {
        AuthError::InvalidRequest(
            "The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256."
                .to_owned(),
        )
    } else {
        header_malformed(&format!(
            "the authorization mechanism \"{algorithm}\" is not supported; expecting \"AWS4-HMAC-SHA256\"."
        ))
    }
}

/// `host;range;x-amz-date` → lowercase names; `None` if empty or a name is not a token.
pub(crate) fn parse_signed_headers(s: &str) -> Option<Vec<String>> {
    let names: Vec<String> = s
        .split(';')
        .map(|n| n.trim().to_ascii_lowercase())
        .collect();
    let valid = names.iter().all(|n| {
        !n.is_empty()
            && n.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_.!#$%&'*+^`|~".contains(&b))
    });
    valid.then_some(names)
}

pub(crate) fn is_hex_signature(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The auth parameters of a presigned URL (`X-Amz-Signature` and friends).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PresignedQuery {
    pub(crate) credential: Credential,
    pub(crate) amz_date: String,
    pub(crate) expires: String,
    pub(crate) expires_secs: u64,
    pub(crate) signed_headers: Vec<String>,
    pub(crate) signature: String,
    /// `X-Amz-Content-Sha256` if the client put it in the query.
    pub(crate) content_sha256: Option<String>,
}

/// The query parameters `aws-sigv4` adds itself when presigning, so they are removed from the
/// query we hand it (`X-Amz-Signature` is excluded from the canonical query).
pub(crate) const PRESIGN_PARAMS: [&str; 6] = [
    "X-Amz-Algorithm",
    "X-Amz-Credential",
    "X-Amz-Date",
    "X-Amz-Expires",
    "X-Amz-SignedHeaders",
    "X-Amz-Signature",
];

const QUERY_REQUIRED: &str = "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.";

/// Decoded query pairs of a raw query string.
pub(crate) fn query_pairs(query: &str) -> Vec<(Cow<'_, str>, Cow<'_, str>)> {
    form_urlencoded::parse(query.as_bytes()).collect()
}

/// True when the query carries presigned-URL auth.
pub(crate) fn is_presigned(query: &str) -> bool {
    query_pairs(query)
        .iter()
        .any(|(k, _)| k == "X-Amz-Signature" || k == "X-Amz-Algorithm" || k == "X-Amz-Credential")
}

impl PresignedQuery {
    /// Parses the `X-Amz-*` parameters of a presigned URL.
    pub(crate) fn parse(query: &str) -> Result<Self, AuthError> {
        let pairs = query_pairs(query);
        let get = |name: &str| {
            pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_ref())
        };
        let err = |m: &str| AuthError::AuthorizationQueryParametersError(m.to_owned());
        let (
            Some(algorithm),
            Some(credential),
            Some(signature),
            Some(amz_date),
            Some(signed_headers),
            Some(expires),
        ) = (
            get("X-Amz-Algorithm"),
            get("X-Amz-Credential"),
            get("X-Amz-Signature"),
            get("X-Amz-Date"),
            get("X-Amz-SignedHeaders"),
            get("X-Amz-Expires"),
        )
        else {
            return Err(err(QUERY_REQUIRED));
        };
        if algorithm != ALGORITHM {
            return Err(err("X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\""));
        }
        let credential = Credential::parse(credential).ok_or_else(|| {
            err(&format!(
                "Error parsing the X-Amz-Credential parameter; {CREDENTIAL_FORMAT}"
            ))
        })?;
        if parse_amz_date(amz_date).is_none() {
            return Err(err(
                "X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"",
            ));
        }
        let expires_secs = expires
            .parse::<i64>()
            .map_err(|_| err("X-Amz-Expires should be a number"))?;
        if expires_secs < 0 {
            return Err(err("X-Amz-Expires must be non-negative"));
        }
        if !(1..=604_800).contains(&expires_secs) {
            return Err(err(
                "X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be less than 604800 seconds",
            ));
        }
        let signed_headers = parse_signed_headers(signed_headers)
            .ok_or_else(|| err("Error parsing the X-Amz-SignedHeaders parameter"))?;
        if !is_hex_signature(signature) {
            return Err(err("Error parsing the X-Amz-Signature parameter"));
        }
        Ok(Self {
            credential,
            amz_date: amz_date.to_owned(),
            expires: expires.to_owned(),
            expires_secs: expires_secs.unsigned_abs(),
            signed_headers,
            signature: signature.to_owned(),
            content_sha256: get("X-Amz-Content-Sha256").map(str::to_owned),
        })
    }
}

/// Parses `20130524T000000Z`.
pub(crate) fn parse_amz_date(s: &str) -> Option<SystemTime> {
    let format = format_description!("[year][month][day]T[hour][minute][second]Z");
    // Far-future years would overflow when adding X-Amz-Expires and formatting.
    PrimitiveDateTime::parse(s, format)
        .ok()
        .filter(|t| (1970..9000).contains(&t.year()))
        .map(|t| t.assume_utc().into())
}

/// Formats a time as `20130524T000000Z`.
pub(crate) fn format_amz_date(t: SystemTime) -> String {
    let format = format_description!("[year][month][day]T[hour][minute][second]Z");
    OffsetDateTime::from(t).format(format).unwrap_or_default()
}

/// Formats a time as `2013-05-24T00:00:00Z`, as S3 prints `ServerTime`.
pub(crate) fn format_iso8601(t: SystemTime) -> String {
    let format = format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
    OffsetDateTime::from(t).format(format).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_documented_header() {
        let h = AuthorizationHeader::parse(
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41",
        )
        .unwrap();
        assert_eq!(h.credential.access_key, "AKIAIOSFODNN7EXAMPLE");
        assert_eq!(h.credential.scope(), "20130524/us-east-1/s3/aws4_request");
        assert_eq!(
            h.signed_headers,
            ["host", "range", "x-amz-content-sha256", "x-amz-date"]
        );
    }

    #[test]
    fn rejects_malformed_headers() {
        for bad in [
            "AWS4-HMAC-SHA256",
            "AWS4-HMAC-SHA256 Credential=a/b/c/d/e, SignedHeaders=host, Signature=00",
            "AWS4-HMAC-SHA256 Credential=AK/20130524/us-east-1/s3/aws4_request, SignedHeaders=host",
            "AWS4-HMAC-SHA256 Credential=AK/2013052/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41",
            "AWS4-HMAC-SHA256 Bogus, Credential=AK/20130524/us-east-1/s3/aws4_request",
            "AWS4-ECDSA-P256-SHA256 Credential=x",
            // A repeated component: routing and verification must read the same one.
            "AWS4-HMAC-SHA256 Credential=AK/20130524/us-east-1/lambda/aws4_request, Credential=AK/20130524/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41",
        ] {
            let e = AuthorizationHeader::parse(bad).unwrap_err();
            assert_eq!(e.s3_code(), "AuthorizationHeaderMalformed", "{bad}");
        }
        let e = AuthorizationHeader::parse("AWS AKID:sig").unwrap_err();
        assert_eq!(e.s3_code(), "InvalidRequest");
    }

    #[test]
    fn access_key_may_contain_slashes_only_before_the_scope() {
        let c = Credential::parse("AK/20130524/eu-west-1/lambda/aws4_request").unwrap();
        assert_eq!(
            (c.region.as_str(), c.service.as_str()),
            ("eu-west-1", "lambda")
        );
        assert!(Credential::parse("20130524/eu-west-1/lambda/aws4_request").is_none());
    }

    #[test]
    fn dates_round_trip() {
        let t = parse_amz_date("20130524T000000Z").unwrap();
        assert_eq!(format_amz_date(t), "20130524T000000Z");
        assert_eq!(format_iso8601(t), "2013-05-24T00:00:00Z");
        assert!(parse_amz_date("2013-05-24").is_none());
        assert!(parse_amz_date("99991231T235959Z").is_none());
    }
}
