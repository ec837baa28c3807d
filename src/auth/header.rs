//! Header authentication: `Authorization: AWS4-HMAC-SHA256 Credential=..., SignedHeaders=...,
//! Signature=...`, the request time from `x-amz-date` or `Date`, the 15-minute skew window.
//!
//! See <https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html>.

use std::time::{Duration, SystemTime};

use std::sync::Arc;

use http::HeaderValue;
use http::request::Parts;

use super::canonical::{Location, ServiceProfile};
use super::error::{AuthError, MAX_SKEW_MILLIS};
use super::parse::{AuthorizationHeader, format_amz_date, format_iso8601, parse_amz_date};
use super::payload::PayloadMode;
use super::verify::{self, Claim};
use super::{Account, AuthMethod, Keyring};

/// The request time and its text as sent.
fn request_time(parts: &Parts) -> Result<(SystemTime, String), AuthError> {
    if let Some(v) = parts.headers.get("x-amz-date") {
        let text = v.to_str().map_err(|_| AuthError::MissingDate)?.trim();
        let time = parse_amz_date(text).ok_or(AuthError::MissingDate)?;
        return Ok((time, text.to_owned()));
    }
    if let Some(v) = parts.headers.get(http::header::DATE) {
        let text = v.to_str().map_err(|_| AuthError::MissingDate)?.trim();
        let time = httpdate::parse_http_date(text).map_err(|_| AuthError::MissingDate)?;
        return Ok((time, text.to_owned()));
    }
    Err(AuthError::MissingDate)
}

/// Errors unless `time` is within 15 minutes of `now`.
pub(crate) fn check_skew(
    time: SystemTime,
    request_time: &str,
    now: SystemTime,
) -> Result<(), AuthError> {
    let skew = now.duration_since(time).unwrap_or_else(|e| e.duration());
    if skew > Duration::from_millis(MAX_SKEW_MILLIS) {
        return Err(AuthError::RequestTimeTooSkewed {
            request_time: request_time.to_owned(),
            server_time: format_iso8601(now),
        });
    }
    Ok(())
}

/// Parses and checks everything of a request carrying an `Authorization` header that does not
/// need its body: the header, the date and its skew, the key, the signed headers. The
/// signature itself is checked by the caller.
pub(crate) fn claim<'a>(
    parts: &'a Parts,
    value: &HeaderValue,
    keyring: &Keyring,
    now: SystemTime,
) -> Result<(Claim<'a>, Arc<Account>), AuthError> {
    let value = value
        .to_str()
        .map_err(|_| AuthError::AuthorizationHeaderMalformed {
            message: "The authorization header is malformed; it is not visible ASCII.".to_owned(),
            region: None,
        })?;
    let auth = AuthorizationHeader::parse(value)?;
    let (time, time_text) = request_time(parts)?;
    if format_amz_date(time).get(..8) != Some(auth.credential.date.as_str()) {
        return Err(AuthError::AuthorizationHeaderMalformed {
            message: "The authorization header is malformed; Invalid credential date. Date is not the same as X-Amz-Date."
                .to_owned(),
            region: None,
        });
    }
    let account = keyring
        .resolve(&auth.credential.access_key)
        .ok_or_else(|| AuthError::InvalidAccessKeyId {
            access_key: auth.credential.access_key.clone(),
        })?;
    check_skew(time, &time_text, now)?;
    verify::check_signed_headers(
        parts,
        &auth.signed_headers,
        &auth.credential.service,
        Location::Header,
    )?;
    let declared = parts
        .headers
        .get("x-amz-content-sha256")
        .map(|v| v.to_str().map(str::trim));
    let (payload, payload_hash) = match declared {
        Some(Ok(v)) => (PayloadMode::classify(v)?, Some(v.to_owned())),
        Some(Err(_)) => return Err(PayloadMode::classify("").unwrap_err()),
        None if ServiceProfile::for_service(&auth.credential.service) == ServiceProfile::S3 => {
            return Err(AuthError::InvalidRequest(
                "Missing required header for this request: x-amz-content-sha256".to_owned(),
            ));
        }
        None => (PayloadMode::Sha256, None),
    };
    let claim = Claim {
        parts,
        credential: auth.credential,
        signed_headers: auth.signed_headers,
        signature: auth.signature,
        time,
        location: Location::Header,
        method: AuthMethod::Header,
        payload,
        payload_hash,
    };
    Ok((claim, account))
}
