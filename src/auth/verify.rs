//! The steps header and presigned authentication share once the signature inputs are parsed:
//! signed-header rules, recomputing and comparing the signature, checking the payload.

use std::sync::Arc;
use std::time::SystemTime;

use bytes::Bytes;
use http::request::Parts;
use sha2::{Digest, Sha256};

use super::canonical::{Location, ServiceProfile, SignatureInput, signatures_match};
use super::chunked::ChunkChain;
use super::error::{AuthError, SignatureMismatch};
use super::parse::{Credential, format_amz_date};
use super::payload::{self, PayloadMode};
use super::{Account, AuthMethod, Authenticated};

/// A parsed, not yet verified, signature claim.
pub(crate) struct Claim<'a> {
    pub(crate) parts: &'a Parts,
    pub(crate) credential: Credential,
    pub(crate) signed_headers: Vec<String>,
    pub(crate) signature: String,
    pub(crate) time: SystemTime,
    pub(crate) location: Location,
    pub(crate) method: AuthMethod,
    pub(crate) payload: PayloadMode,
    /// The canonical request's payload line; `None` when it is the SHA-256 of the body (a
    /// non-S3 request without `x-amz-content-sha256`), known only once the body is read.
    pub(crate) payload_hash: Option<String>,
}

/// Checks which headers are signed: `host` always, and for S3 every `x-amz-*` header sent.
pub(crate) fn check_signed_headers(
    parts: &Parts,
    signed_headers: &[String],
    service: &str,
    location: Location,
) -> Result<(), AuthError> {
    if !signed_headers.iter().any(|h| h == "host") {
        let message = "the SignedHeaders must include host";
        return Err(match location {
            Location::Header => AuthError::AuthorizationHeaderMalformed {
                message: format!("The authorization header is malformed; {message}."),
                region: None,
            },
            Location::Query { .. } => AuthError::AuthorizationQueryParametersError(format!(
                "X-Amz-SignedHeaders: {message}."
            )),
        });
    }
    if ServiceProfile::for_service(service) != ServiceProfile::S3 {
        return Ok(());
    }
    let mut unsigned: Vec<&str> = parts
        .headers
        .keys()
        .map(http::HeaderName::as_str)
        .filter(|n| n.starts_with("x-amz-") && !signed_headers.iter().any(|s| s == n))
        .collect();
    unsigned.sort_unstable();
    unsigned.dedup();
    if unsigned.is_empty() {
        Ok(())
    } else {
        Err(AuthError::HeadersNotSigned {
            headers: unsigned.join(", "),
        })
    }
}

/// Recomputes the signature over the headers (or query) and the payload line, and compares.
/// The claim's payload hash must be known.
pub(crate) fn check_signature(
    claim: &Claim<'_>,
    account: &Account,
    payload_hash: &str,
) -> Result<(), AuthError> {
    let input = SignatureInput {
        parts: claim.parts,
        credential: &claim.credential,
        signed_headers: &claim.signed_headers,
        time: claim.time,
        payload_hash,
        location: claim.location,
    };
    let computed = input.signature(&account.secret_key);
    let matches = computed
        .as_ref()
        .is_ok_and(|c| signatures_match(c, &claim.signature));
    if matches {
        return Ok(());
    }
    if let Err(e) = &computed {
        tracing::debug!(reason = %e.0, "request could not be canonicalized");
    }
    let canonical_request = input.canonical_request();
    let string_to_sign = canonical_request
        .as_deref()
        .map(|c| input.string_to_sign(c));
    Err(AuthError::SignatureDoesNotMatch(Box::new(
        SignatureMismatch {
            access_key: claim.credential.access_key.clone(),
            signature_provided: claim.signature.clone(),
            string_to_sign,
            canonical_request,
        },
    )))
}

/// Recomputes the signature and compares it (unless `signature_checked`: the head's check
/// already did, over the same declared payload line), then checks and decodes the payload.
pub(crate) fn verify(
    claim: Claim<'_>,
    account: Arc<Account>,
    body: Bytes,
    signature_checked: bool,
) -> Result<Authenticated, AuthError> {
    let payload_hash = claim
        .payload_hash
        .clone()
        .unwrap_or_else(|| hex::encode(Sha256::digest(&body)));
    if !signature_checked {
        check_signature(&claim, &account, &payload_hash)?;
    }
    let signing_key = aws_sigv4::sign::v4::generate_signing_key(
        &account.secret_key,
        claim.time,
        &claim.credential.region,
        &claim.credential.service,
    );
    let chain = ChunkChain {
        signing_key: signing_key.as_ref().to_vec(),
        amz_date: format_amz_date(claim.time),
        scope: claim.credential.scope(),
        seed: claim.signature.to_ascii_lowercase(),
        access_key: claim.credential.access_key.clone(),
    };
    let (body, trailers) =
        payload::process(claim.parts, body, claim.payload, &payload_hash, &chain)?;
    Ok(Authenticated {
        account,
        access_key: claim.credential.access_key,
        region: claim.credential.region,
        service: claim.credential.service,
        method: claim.method,
        payload: claim.payload,
        body,
        trailers,
    })
}
