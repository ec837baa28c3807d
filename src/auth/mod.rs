//! SigV4 request authentication: header, presigned query and aws-chunked bodies; SigV2 for S3
//! (header and query, `sigv2`); accounts, keys and the `--any-key` mode.
//!
//! [`authenticate`] rebuilds the request as the client signed it (only the headers in
//! `SignedHeaders`, the time of `x-amz-date`, the scope's region and service, the client's
//! payload hash), recomputes the signature with `aws-sigv4`, compares in constant time, then
//! checks the payload: its SHA-256, or the aws-chunked chain of chunk signatures, trailer
//! signature and trailing checksums.
//! See <https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-authenticating-requests.html>.
//!
//! - `s3` scopes use S3 canonicalization (single percent-encoding, no path normalization,
//!   `x-amz-content-sha256` required and every `x-amz-*` header signed); every other service
//!   (`lambda`, `logs`, ...) uses standard SigV4 (double encoding, normalized path, payload
//!   hash = SHA-256 of the body, `x-amz-content-sha256` optional).
//! - Failures are [`AuthError`]s: `s3_code`/`status`/`extras` for the S3 `<Error>` XML,
//!   `lambda_code`/`lambda_status`/`lambda_message` for the Lambda JSON error.
//! - [`AuthError::Unsigned`] means "anonymous": the caller decides whether anonymous access
//!   is allowed.
//! - SigV2 (`Authorization: AWS key:signature`, or `Signature`/`Expires`/`AWSAccessKeyId` in
//!   the query) is verified in full from the head, since it never covers the body; refused
//!   when the keyring says so ([`SigV2Policy::Refuse`]).
//! - Every refusal is logged at debug level with its reason.
//! - [`testing`] signs requests, presigned URLs and aws-chunked bodies for tests.

mod account;
mod canonical;
mod chunked;
mod error;
mod header;
mod parse;
mod payload;
pub mod post_policy;
mod presigned;
mod sigv2;
#[cfg(test)]
mod sigv2_vectors;
/// Not API: request signers for this crate's own tests and benchmarks, hidden from the docs
/// and free to change. Sign with `aws-sigv4` or an AWS SDK instead.
#[doc(hidden)]
pub mod testing;
#[cfg(test)]
mod vectors;
mod verify;

use std::sync::Arc;
use std::time::SystemTime;

use bytes::Bytes;
use http::request::Parts;

pub use account::{ANY_KEY_DEFAULT_SECRET, Account, AuthSettings, Keyring, SigV2Policy};
pub use error::{AuthError, MAX_SKEW_MILLIS, SignatureMismatch};
pub use payload::PayloadMode;

/// How the request carried its signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthMethod {
    /// `Authorization: AWS4-HMAC-SHA256 ...` header.
    Header,
    /// Presigned URL (`X-Amz-Signature` in the query).
    Presigned,
    /// SigV2 `Authorization: AWS key:signature` header (S3 only).
    HeaderV2,
    /// SigV2 query (`AWSAccessKeyId`, `Signature`, `Expires`; S3 only).
    PresignedV2,
}

/// A request whose signature was verified.
#[derive(Debug, Clone)]
pub struct Authenticated {
    /// The account that owns the access key.
    pub account: Arc<Account>,
    /// The access key id the request was signed with.
    pub access_key: String,
    /// The region of the credential scope; empty for SigV2, which names none.
    pub region: String,
    /// The service of the credential scope: `s3`, `lambda`, `logs`, ... (`s3` for SigV2)
    pub service: String,
    /// Header or presigned URL.
    pub method: AuthMethod,
    /// How the payload was signed.
    pub payload: PayloadMode,
    /// The decoded payload (aws-chunked framing removed).
    pub body: Bytes,
    /// The trailing headers of an aws-chunked body (`x-amz-checksum-*`), verified.
    pub trailers: http::HeaderMap,
}

/// Verifies the SigV4 signature of a request whose whole body is `body`, at server time `now`.
pub fn authenticate(
    parts: &Parts,
    body: Bytes,
    keyring: &Keyring,
    now: SystemTime,
) -> Result<Authenticated, AuthError> {
    authenticate_head(parts, keyring, now)?.with_body(body)
}

/// [`authenticate`] for an S3 request whose `Host` names its bucket (see
/// [`authenticate_s3_head`]).
pub fn authenticate_s3(
    parts: &Parts,
    body: Bytes,
    keyring: &Keyring,
    now: SystemTime,
    virtual_host_bucket: Option<&str>,
) -> Result<Authenticated, AuthError> {
    authenticate_s3_head(parts, keyring, now, virtual_host_bucket)?.with_body(body)
}

/// A request head whose authentication passed every check that does not need the body; the
/// body is checked by [`SignedHead::with_body`].
pub struct SignedHead<'a> {
    kind: HeadKind<'a>,
}

enum HeadKind<'a> {
    V4 {
        claim: verify::Claim<'a>,
        account: Arc<Account>,
        /// The signature itself was verified (its payload line was declared, not the body's
        /// hash).
        signature_checked: bool,
    },
    /// SigV2, verified in full: it never covers the body.
    V2(sigv2::Verified),
}

impl std::fmt::Debug for SignedHead<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut d = f.debug_struct("SignedHead");
        match &self.kind {
            HeadKind::V4 {
                account,
                signature_checked,
                ..
            } => d
                .field("account", &account.id)
                .field("signature_checked", signature_checked),
            HeadKind::V2(v) => d.field("account", &v.account.id).field("sigv2", &true),
        };
        d.finish_non_exhaustive()
    }
}

impl SignedHead<'_> {
    /// Finishes authentication with the request's whole body: the signature (unless the head
    /// already verified it), then the payload's hash or its aws-chunked chain.
    pub fn with_body(self, body: Bytes) -> Result<Authenticated, AuthError> {
        let result = match self.kind {
            HeadKind::V4 {
                claim,
                account,
                signature_checked,
            } => verify::verify(claim, account, body, signature_checked),
            HeadKind::V2(v) => Ok(Authenticated {
                account: v.account,
                access_key: v.access_key,
                region: String::new(),
                service: "s3".to_owned(),
                method: v.method,
                payload: PayloadMode::Unsigned,
                body,
                trailers: http::HeaderMap::new(),
            }),
        };
        if let Err(e) = &result {
            log_refusal(e);
        }
        result
    }

    /// True when the request was signed with SigV2.
    pub fn is_sigv2(&self) -> bool {
        matches!(self.kind, HeadKind::V2(_))
    }
}

/// Logs why a request was refused, at debug level.
fn log_refusal(e: &AuthError) {
    tracing::debug!(code = e.s3_code(), reason = %e, extras = ?e.extras(), "authentication refused");
}

/// Checks all of a request's authentication that does not need its body, so that the edge can
/// refuse a request before reading a byte of it: the request is signed (header or presigned
/// query), its key is known, its time within the skew window or expiry, its signed headers as
/// required, and, when the payload line of the signature is declared rather than the hash of
/// the body (every S3 request; other services when they send `x-amz-content-sha256`), the
/// signature itself. For `STREAMING-*` bodies this is the seed signature. The body is checked
/// afterwards by [`SignedHead::with_body`], which does not compute the signature again.
///
/// A request of another service without `x-amz-content-sha256` signs the SHA-256 of its body,
/// so only its key, date and headers can be checked here.
pub fn authenticate_head<'a>(
    parts: &'a Parts,
    keyring: &Keyring,
    now: SystemTime,
) -> Result<SignedHead<'a>, AuthError> {
    authenticate_s3_head(parts, keyring, now, None)
}

/// [`authenticate_head`] for an S3 request whose `Host` names its bucket (virtual-host
/// style): SigV2 signs that bucket at the start of its resource.
pub fn authenticate_s3_head<'a>(
    parts: &'a Parts,
    keyring: &Keyring,
    now: SystemTime,
    virtual_host_bucket: Option<&str>,
) -> Result<SignedHead<'a>, AuthError> {
    let result = head(parts, keyring, now, virtual_host_bucket);
    if let Err(e) = &result {
        log_refusal(e);
    }
    result
}

fn head<'a>(
    parts: &'a Parts,
    keyring: &Keyring,
    now: SystemTime,
    virtual_host_bucket: Option<&str>,
) -> Result<SignedHead<'a>, AuthError> {
    let (claim, account) = match claim(parts, keyring, now, virtual_host_bucket)? {
        Claimed::V4(claim, account) => (claim, account),
        Claimed::V2(verified) => {
            return Ok(SignedHead {
                kind: HeadKind::V2(verified),
            });
        }
    };
    let signature_checked = match &claim.payload_hash {
        Some(hash) => {
            verify::check_signature(&claim, &account, hash)?;
            true
        }
        None => false,
    };
    Ok(SignedHead {
        kind: HeadKind::V4 {
            claim,
            account,
            signature_checked,
        },
    })
}

/// What a request's head claims: a SigV4 signature to check, or a verified SigV2 one.
enum Claimed<'a> {
    V4(verify::Claim<'a>, Arc<Account>),
    V2(sigv2::Verified),
}

/// Which signature a request carries, read from its head without verifying it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignatureVersion {
    /// No `Authorization` header and no signed query: anonymous.
    Unsigned,
    /// SigV4, header or presigned query.
    V4,
    /// SigV2, header or query (S3 only).
    V2,
}

/// Which signature `parts` carries (without verifying it).
pub fn signature_version(parts: &Parts) -> SignatureVersion {
    let query = parts.uri.query().unwrap_or("");
    match parts.headers.get(http::header::AUTHORIZATION) {
        Some(v) if sigv2::is_header(v.as_bytes()) => SignatureVersion::V2,
        Some(_) => SignatureVersion::V4,
        None if parse::is_presigned(query) => SignatureVersion::V4,
        None if sigv2::is_query(query) => SignatureVersion::V2,
        None => SignatureVersion::Unsigned,
    }
}

/// The parsed signature claim of a request and the account of its key.
fn claim<'a>(
    parts: &'a Parts,
    keyring: &Keyring,
    now: SystemTime,
    virtual_host_bucket: Option<&str>,
) -> Result<Claimed<'a>, AuthError> {
    let query = parts.uri.query().unwrap_or("");
    let presigned = parse::is_presigned(query);
    let v2_query = !presigned && sigv2::is_query(query);
    let refuse_v2 = || {
        if sigv2::names_unsigned_subresource(query) {
            // A sub-resource SigV2 leaves out of the string to sign would let a signed URL or
            // a replayed request act on a setting it never signed: SigV4 only.
            return Err(AuthError::SignatureVersionNotSupported);
        }
        if keyring.sigv2() == SigV2Policy::Refuse {
            // What S3 answers a SigV2 request for a bucket created after 24 June 2020 (and in
            // every region opened after January 2014): 400 InvalidRequest, "The authorization
            // mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256."
            // <https://docs.aws.amazon.com/AmazonS3/latest/API/specify-signature-version.html#UsingAWSSDK-sig2-deprecation>
            // (the message as S3 answers it, e.g. github.com/tclahr/uac/issues/354, us-east-2).
            Err(AuthError::SignatureVersionNotSupported)
        } else {
            Ok(())
        }
    };
    if let Some(value) = parts.headers.get(http::header::AUTHORIZATION) {
        if presigned || v2_query {
            return Err(AuthError::InvalidArgument(
                "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified"
                    .to_owned(),
            ));
        }
        if sigv2::is_header(value.as_bytes()) {
            refuse_v2()?;
            let text = value
                .to_str()
                .map_err(|_| AuthError::InvalidAuthorization {
                    message:
                        "AWS authorization header is invalid.  Expected AwsAccessKeyId:signature"
                            .to_owned(),
                    value: String::from_utf8_lossy(value.as_bytes()).into_owned(),
                })?;
            let verified = sigv2::header(parts, text, keyring, now, virtual_host_bucket)?;
            return Ok(Claimed::V2(verified));
        }
        header::claim(parts, value, keyring, now).map(|(c, a)| Claimed::V4(c, a))
    } else if presigned {
        presigned::claim(parts, keyring, now).map(|(c, a)| Claimed::V4(c, a))
    } else if v2_query {
        refuse_v2()?;
        sigv2::query(parts, keyring, now, virtual_host_bucket).map(Claimed::V2)
    } else {
        Err(AuthError::Unsigned)
    }
}

/// Which service a request is addressed to, read from the credential scope WITHOUT verifying
/// (the edge uses it to route before auth); `None` if unsigned or unparseable.
pub fn scope_service(parts: &Parts) -> Option<String> {
    let credential = if let Some(value) = parts.headers.get(http::header::AUTHORIZATION) {
        let value = value.to_str().ok()?;
        // A header naming two credentials is refused by the verifier; it routes nowhere, so
        // what routes a request is always what verifies it.
        if value.matches("Credential=").count() != 1 {
            return None;
        }
        let start = value.find("Credential=")? + "Credential=".len();
        let rest = value.get(start..)?;
        let end = rest.find([',', ' ']).unwrap_or(rest.len());
        parse::Credential::parse(rest.get(..end)?)?
    } else {
        let query = parts.uri.query()?;
        let pairs = parse::query_pairs(query);
        let (_, v) = pairs.iter().find(|(k, _)| k == "X-Amz-Credential")?;
        parse::Credential::parse(v)?
    };
    Some(credential.service)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(uri: &str, headers: &[(&str, &str)]) -> Parts {
        let mut b = http::Request::builder().uri(uri);
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        b.body(()).unwrap().into_parts().0
    }

    #[test]
    fn scope_service_reads_header_and_query() {
        let p = parts(
            "/x",
            &[(
                "authorization",
                "AWS4-HMAC-SHA256 Credential=AK/20130524/us-east-1/lambda/aws4_request, SignedHeaders=host, Signature=00",
            )],
        );
        assert_eq!(scope_service(&p).as_deref(), Some("lambda"));
        let p = parts(
            "/x?X-Amz-Credential=AK%2F20130524%2Fus-east-1%2Fs3%2Faws4_request",
            &[],
        );
        assert_eq!(scope_service(&p).as_deref(), Some("s3"));
        assert_eq!(scope_service(&parts("/x?a=b", &[])), None);
    }

    #[test]
    fn header_and_query_auth_together_is_invalid() {
        let p = parts(
            "/b/k?X-Amz-Algorithm=AWS4-HMAC-SHA256",
            &[("authorization", "AWS4-HMAC-SHA256 Credential=x")],
        );
        let e = authenticate(&p, Bytes::new(), &Keyring::default(), SystemTime::now()).unwrap_err();
        assert_eq!(
            (e.s3_code(), e.status()),
            ("InvalidArgument", http::StatusCode::BAD_REQUEST)
        );
    }

    #[test]
    fn unsigned_request_is_access_denied() {
        let p = parts("/bucket/key", &[("host", "localhost")]);
        let e = authenticate(&p, Bytes::new(), &Keyring::default(), SystemTime::now()).unwrap_err();
        assert_eq!(e.s3_code(), "AccessDenied");
        assert_eq!(e.status(), http::StatusCode::FORBIDDEN);
        assert_eq!(e.lambda_code(), "MissingAuthenticationTokenException");
    }
}
