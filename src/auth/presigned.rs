//! Presigned URL authentication: the `X-Amz-*` query parameters, `X-Amz-Expires` and expiry.
//!
//! See <https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html>.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use http::request::Parts;

use super::canonical::Location;
use super::error::{AuthError, MAX_SKEW_MILLIS};
use super::header::check_skew;
use super::parse::{PresignedQuery, format_amz_date, format_iso8601, parse_amz_date};
use super::payload::{PayloadMode, UNSIGNED_PAYLOAD};
use super::verify::{self, Claim};
use super::{Account, AuthMethod, Keyring};

/// Parses and checks a presigned request's query (expiry, key, signed headers); the signature
/// itself is checked by the caller.
pub(crate) fn claim<'a>(
    parts: &'a Parts,
    keyring: &Keyring,
    now: SystemTime,
) -> Result<(Claim<'a>, Arc<Account>), AuthError> {
    let query = PresignedQuery::parse(parts.uri.query().unwrap_or(""))?;
    let time = parse_amz_date(&query.amz_date).ok_or_else(|| {
        AuthError::AuthorizationQueryParametersError(
            "X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"".to_owned(),
        )
    })?;
    if format_amz_date(time).get(..8) != Some(query.credential.date.as_str()) {
        return Err(AuthError::AuthorizationQueryParametersError(
            "Invalid credential date. Date is not the same as X-Amz-Date.".to_owned(),
        ));
    }
    let account = keyring
        .resolve(&query.credential.access_key)
        .ok_or_else(|| AuthError::InvalidAccessKeyId {
            access_key: query.credential.access_key.clone(),
        })?;
    let expires_in = Duration::from_secs(query.expires_secs);
    let expires_at = time + expires_in;
    if now > expires_at {
        return Err(AuthError::Expired {
            x_amz_expires: Some(query.expires.clone()),
            expires: format_iso8601(expires_at),
            server_time: format_iso8601(now),
        });
    }
    if time > now + Duration::from_millis(MAX_SKEW_MILLIS) {
        check_skew(time, &query.amz_date, now)?;
    }
    let location = Location::Query {
        expires: expires_in,
    };
    verify::check_signed_headers(
        parts,
        &query.signed_headers,
        &query.credential.service,
        location,
    )?;
    let declared = query.content_sha256.clone().or_else(|| {
        parts
            .headers
            .get("x-amz-content-sha256")
            .and_then(|v| v.to_str().ok())
            .map(|v| v.trim().to_owned())
    });
    let payload_hash = declared.unwrap_or_else(|| UNSIGNED_PAYLOAD.to_owned());
    let payload = PayloadMode::classify(&payload_hash)?;
    let claim = Claim {
        parts,
        credential: query.credential,
        signed_headers: query.signed_headers,
        signature: query.signature,
        time,
        location,
        method: AuthMethod::Presigned,
        payload,
        payload_hash: Some(payload_hash),
    };
    Ok((claim, account))
}
