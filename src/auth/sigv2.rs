//! Signature Version 2, as S3 still verifies it: `Authorization: AWS <key>:<signature>` and the
//! query form (`AWSAccessKeyId`, `Signature`, `Expires`), a base64 HMAC-SHA1 over
//!
//! ```text
//! VERB \n Content-MD5 \n Content-Type \n Date-or-Expires \n CanonicalizedAmzHeaders CanonicalizedResource
//! ```
//!
//! See <https://docs.aws.amazon.com/AmazonS3/latest/userguide/RESTAuthentication.html>. The
//! sub-resources signed in the resource are the documented ones plus those botocore's
//! `HmacV1Auth` signs (`QSAOfInterest`), which is what S3 verifies in practice. An
//! `x-amz-date` header is the request time, and then the Date line is empty (it is signed
//! among the `x-amz-*` headers instead). A query-signed request has no clock-skew check, only
//! its `Expires`; its `x-amz-*` query parameters are signed as headers (botocore moves
//! `x-amz-security-token` and friends there), and its `Content-Type` / `Content-MD5` line is
//! the header when sent, else the query parameter of that name.
//! The checks run in S3's order: the header's form, the date, the skew, the key, the
//! signature (query: the parameters, `Expires`, the expiry, the key, the signature).

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use base64::Engine as _;
use hmac::{Hmac, KeyInit, Mac};
use http::request::Parts;
use percent_encoding::percent_decode_str;
use sha1::Sha1;

use super::error::{AuthError, SignatureMismatch};
use super::header::check_skew;
use super::parse::{format_iso8601, parse_amz_date, query_pairs};
use super::{Account, AuthMethod, Keyring};

/// The query sub-resources S3 puts in a SigV2 `CanonicalizedResource`, sorted: AWS's list
/// (acl, lifecycle, location, logging, notification, partNumber, policy, requestPayment,
/// torrent, uploadId, uploads, versionId, versioning, versions, website, the `response-*`
/// overrides and `delete`) and the later ones botocore signs (accelerate, analytics, cors,
/// inventory, metrics, object-lock, replication, restore, select, tagging, ...).
pub(crate) const SUBRESOURCES: [&str; 35] = [
    "accelerate",
    "acl",
    "analytics",
    "cors",
    "defaultObjectAcl",
    "delete",
    "inventory",
    "lifecycle",
    "location",
    "logging",
    "metrics",
    "notification",
    "object-lock",
    "partNumber",
    "policy",
    "replication",
    "requestPayment",
    "response-cache-control",
    "response-content-disposition",
    "response-content-encoding",
    "response-content-language",
    "response-content-type",
    "response-expires",
    "restore",
    "select",
    "select-type",
    "storageClass",
    "tagging",
    "torrent",
    "uploadId",
    "uploads",
    "versionId",
    "versioning",
    "versions",
    "website",
];

/// Sub-resources S3 here acts on that neither AWS's SigV2 list nor botocore's signs: a
/// SigV2 request naming one is refused, since its signature would not cover what it does.
const UNSIGNED_SUBRESOURCES: [&str; 4] = [
    "encryption",
    "ownershipControls",
    "policyStatus",
    "publicAccessBlock",
];

/// Whether `query` names a sub-resource SigV2 does not sign ([`UNSIGNED_SUBRESOURCES`]).
pub(crate) fn names_unsigned_subresource(query: &str) -> bool {
    query_pairs(query)
        .iter()
        .any(|(k, _)| UNSIGNED_SUBRESOURCES.contains(&k.as_ref()))
}

/// The longest `Authorization` or query value echoed back in an error.
const MAX_ECHO: usize = 8 * 1024;

const ONE_SPACE: &str = "Authorization header is invalid -- one and only one ' ' (space) required";
const KEY_COLON_SIGNATURE: &str =
    "AWS authorization header is invalid.  Expected AwsAccessKeyId:signature";
const QUERY_REQUIRED: &str =
    "Query-string authentication requires the Signature, Expires and AWSAccessKeyId parameters";

/// A SigV2 request whose signature was verified.
#[derive(Debug, Clone)]
pub(crate) struct Verified {
    pub(crate) account: Arc<Account>,
    pub(crate) access_key: String,
    pub(crate) method: AuthMethod,
}

/// True for an `Authorization` header of the SigV2 form (`AWS ...`).
pub(crate) fn is_header(value: &[u8]) -> bool {
    value.starts_with(b"AWS ")
}

/// True when the query carries SigV2 auth (a `Signature` parameter).
pub(crate) fn is_query(query: &str) -> bool {
    query_pairs(query).iter().any(|(k, _)| k == "Signature")
}

/// Verifies `Authorization: AWS <key>:<signature>`. `virtual_host_bucket` is the bucket the
/// `Host` names (virtual-host style), which the resource starts with.
pub(crate) fn header(
    parts: &Parts,
    value: &str,
    keyring: &Keyring,
    now: SystemTime,
    virtual_host_bucket: Option<&str>,
) -> Result<Verified, AuthError> {
    let invalid = |message: &str| AuthError::InvalidAuthorization {
        message: message.to_owned(),
        value: truncated(value),
    };
    let rest = value.strip_prefix("AWS ").unwrap_or(value);
    if rest.contains(' ') {
        return Err(invalid(ONE_SPACE));
    }
    let Some((access_key, signature)) = rest.split_once(':') else {
        return Err(invalid(KEY_COLON_SIGNATURE));
    };
    if signature.is_empty() || signature.contains(':') {
        return Err(invalid(KEY_COLON_SIGNATURE));
    }
    let (time, time_text, date_line) = request_time(parts)?;
    check_skew(time, &time_text, now)?;
    let account = known(keyring, access_key)?;
    let string_to_sign = string_to_sign(parts, &date_line, None, virtual_host_bucket);
    check(&account, access_key, signature, string_to_sign)?;
    Ok(Verified {
        account,
        access_key: access_key.to_owned(),
        method: AuthMethod::HeaderV2,
    })
}

/// Verifies a SigV2 query (`AWSAccessKeyId`, `Signature`, `Expires`).
pub(crate) fn query(
    parts: &Parts,
    keyring: &Keyring,
    now: SystemTime,
    virtual_host_bucket: Option<&str>,
) -> Result<Verified, AuthError> {
    let pairs = query_pairs(parts.uri.query().unwrap_or(""));
    let get = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_ref())
    };
    let (Some(signature), Some(expires), Some(access_key)) =
        (get("Signature"), get("Expires"), get("AWSAccessKeyId"))
    else {
        return Err(AuthError::AccessDenied(QUERY_REQUIRED.to_owned()));
    };
    let expires_at = parse_expires(expires).ok_or_else(|| {
        AuthError::AccessDenied(format!(
            "Invalid date (should be seconds since epoch): {}",
            truncated(expires)
        ))
    })?;
    let now_secs = time::OffsetDateTime::from(now).unix_timestamp();
    if now_secs > expires_at.unix_timestamp() {
        return Err(AuthError::Expired {
            x_amz_expires: None,
            expires: format_offset(expires_at),
            server_time: format_iso8601(now),
        });
    }
    let account = known(keyring, access_key)?;
    let amz_from_query = query_amz(parts);
    let string_to_sign = string_to_sign(parts, expires, Some(&amz_from_query), virtual_host_bucket);
    check(&account, access_key, signature, string_to_sign)?;
    Ok(Verified {
        account,
        access_key: access_key.to_owned(),
        method: AuthMethod::PresignedV2,
    })
}

/// A query-signed request's `x-amz-*` parameters, signed as headers: lowercase names, values
/// decoded and trimmed.
pub(crate) fn query_amz(parts: &Parts) -> Vec<(String, String)> {
    query_pairs(parts.uri.query().unwrap_or(""))
        .iter()
        .filter(|(k, _)| k.to_ascii_lowercase().starts_with("x-amz-"))
        .map(|(k, v)| (k.to_ascii_lowercase(), v.trim().to_owned()))
        .collect()
}

fn known(keyring: &Keyring, access_key: &str) -> Result<Arc<Account>, AuthError> {
    keyring
        .resolve(access_key)
        .ok_or_else(|| AuthError::InvalidAccessKeyId {
            access_key: truncated(access_key),
        })
}

fn check(
    account: &Account,
    access_key: &str,
    signature: &str,
    string_to_sign: String,
) -> Result<(), AuthError> {
    if signature_matches(&account.secret_key, &string_to_sign, signature) {
        return Ok(());
    }
    Err(AuthError::SignatureDoesNotMatch(Box::new(
        SignatureMismatch {
            access_key: truncated(access_key),
            signature_provided: truncated(signature),
            string_to_sign: Some(string_to_sign),
            canonical_request: None,
        },
    )))
}

/// `Expires`: seconds since the epoch, a sign allowed; `None` when it is not a number or not a
/// time this side of the year 10000.
fn parse_expires(raw: &str) -> Option<time::OffsetDateTime> {
    let digits = raw.strip_prefix('+').unwrap_or(raw);
    if digits.is_empty() || digits.len() > 20 {
        return None;
    }
    let secs: i64 = digits.parse().ok()?;
    time::OffsetDateTime::from_unix_timestamp(secs)
        .ok()
        .filter(|t| (0..=9999).contains(&t.year()))
}

fn format_offset(t: time::OffsetDateTime) -> String {
    let format =
        time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
    t.format(format).unwrap_or_default()
}

/// The request time of a header-signed request, its text as sent, and the Date line of the
/// string to sign: `x-amz-date` when sent (the Date line then empty), else `Date`.
fn request_time(parts: &Parts) -> Result<(SystemTime, String, String), AuthError> {
    let (text, date_line) = if let Some(v) = parts.headers.get("x-amz-date") {
        let text = v.to_str().map_err(|_| AuthError::MissingDate)?.trim();
        (text, String::new())
    } else if let Some(v) = parts.headers.get(http::header::DATE) {
        let text = v.to_str().map_err(|_| AuthError::MissingDate)?.trim();
        (text, text.to_owned())
    } else {
        return Err(AuthError::MissingDate);
    };
    let time = parse_date(text).ok_or(AuthError::MissingDate)?;
    Ok((time, text.to_owned(), date_line))
}

/// An RFC 2616 date (`Tue, 27 Mar 2007 19:36:42 GMT`, RFC 850, asctime), an RFC 2822 one with a
/// numeric zone (`Tue, 27 Mar 2007 19:36:42 +0000`, as AWS's examples write it) or an ISO 8601
/// basic one (`20070327T193642Z`).
fn parse_date(text: &str) -> Option<SystemTime> {
    if let Ok(t) = httpdate::parse_http_date(text) {
        return Some(t);
    }
    if let Ok(t) = time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc2822)
    {
        let secs = u64::try_from(t.unix_timestamp()).ok()?;
        return SystemTime::UNIX_EPOCH.checked_add(Duration::from_secs(secs));
    }
    parse_amz_date(text)
}

/// The StringToSign of a SigV2 request: the verb, Content-MD5, Content-Type, `date_line`, the
/// `x-amz-*` headers (and `query_amz`, a query-signed request's `x-amz-*` parameters: `Some`
/// for the query form) and the resource.
pub(crate) fn string_to_sign(
    parts: &Parts,
    date_line: &str,
    query_amz: Option<&[(String, String)]>,
    virtual_host_bucket: Option<&str>,
) -> String {
    let raw_query = parts.uri.query().unwrap_or("");
    let positional = |name: http::header::HeaderName| {
        parts
            .headers
            .get(&name)
            .and_then(|v| v.to_str().ok())
            .map(|v| v.trim().to_owned())
            .or_else(|| {
                // A query-signed request may carry them as parameters (botocore puts them there).
                query_amz.and_then(|_| query_param_ignore_case(raw_query, name.as_str()))
            })
            .unwrap_or_default()
    };
    let mut out = String::with_capacity(128);
    out.push_str(parts.method.as_str());
    out.push('\n');
    out.push_str(&positional(http::header::HeaderName::from_static(
        "content-md5",
    )));
    out.push('\n');
    out.push_str(&positional(http::header::CONTENT_TYPE));
    out.push('\n');
    out.push_str(date_line);
    out.push('\n');
    out.push_str(&amz_headers(&parts.headers, query_amz.unwrap_or_default()));
    out.push_str(&canonical_resource(
        virtual_host_bucket,
        parts.uri.path(),
        raw_query,
    ));
    out
}

fn query_param_ignore_case(raw_query: &str, name: &str) -> Option<String> {
    query_pairs(raw_query)
        .into_iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.trim().to_owned())
}

/// `CanonicalizedAmzHeaders`: every `x-amz-*` header, lowercase, sorted, values of one name
/// joined by commas, each trimmed, one `name:value\n` line each.
fn amz_headers(headers: &http::HeaderMap, query_amz: &[(String, String)]) -> String {
    let mut by_name: std::collections::BTreeMap<String, Vec<String>> =
        std::collections::BTreeMap::new();
    for (name, value) in headers {
        if name.as_str().starts_with("x-amz-") {
            let value = String::from_utf8_lossy(value.as_bytes()).trim().to_owned();
            by_name
                .entry(name.as_str().to_owned())
                .or_default()
                .push(value);
        }
    }
    for (name, value) in query_amz {
        by_name.entry(name.clone()).or_default().push(value.clone());
    }
    let mut out = String::new();
    for (name, values) in by_name {
        out.push_str(&name);
        out.push(':');
        out.push_str(&values.join(","));
        out.push('\n');
    }
    out
}

/// `CanonicalizedResource`: `/bucket` when the `Host` names it, the path as sent (not
/// decoded), then the signed sub-resources sorted by name, their values decoded.
pub(crate) fn canonical_resource(
    virtual_host_bucket: Option<&str>,
    raw_path: &str,
    raw_query: &str,
) -> String {
    let mut out = String::new();
    if let Some(bucket) = virtual_host_bucket {
        out.push('/');
        out.push_str(bucket);
    }
    out.push_str(if raw_path.is_empty() { "/" } else { raw_path });
    let mut signed: Vec<(&str, Option<String>)> = raw_query
        .split('&')
        .filter(|p| !p.is_empty())
        .filter_map(|pair| {
            let (name, value) = match pair.split_once('=') {
                Some((n, v)) => (
                    n,
                    Some(percent_decode_str(v).decode_utf8_lossy().into_owned()),
                ),
                None => (pair, None),
            };
            SUBRESOURCES
                .binary_search(&name)
                .is_ok()
                .then_some((name, value))
        })
        .collect();
    signed.sort_by(|a, b| a.0.cmp(b.0));
    for (i, (name, value)) in signed.iter().enumerate() {
        out.push(if i == 0 { '?' } else { '&' });
        out.push_str(name);
        if let Some(value) = value {
            out.push('=');
            out.push_str(value);
        }
    }
    out
}

/// The base64 HMAC-SHA1 of `string_to_sign` under `secret`.
pub(crate) fn sign(secret: &str, string_to_sign: &str) -> String {
    base64::engine::general_purpose::STANDARD
        .encode(mac(secret, string_to_sign).finalize().into_bytes())
}

fn mac(secret: &str, string_to_sign: &str) -> Hmac<Sha1> {
    // HMAC takes a key of any length.
    let mut mac = <Hmac<Sha1> as KeyInit>::new_from_slice(secret.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC accepts every key length"));
    mac.update(string_to_sign.as_bytes());
    mac
}

/// Compares in constant time; a signature that is not base64 matches nothing.
pub(crate) fn signature_matches(secret: &str, string_to_sign: &str, provided: &str) -> bool {
    let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(provided.trim()) else {
        return false;
    };
    mac(secret, string_to_sign).verify_slice(&bytes).is_ok()
}

fn truncated(s: &str) -> String {
    if s.len() <= MAX_ECHO {
        return s.to_owned();
    }
    let mut end = MAX_ECHO;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s[..end].to_owned()
}
