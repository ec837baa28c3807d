//! SigV4 request authentication: header, presigned query and aws-chunked bodies; accounts and keys.
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

pub use account::{Account, Keyring};
pub use error::{AuthError, MAX_SKEW_MILLIS, SignatureMismatch};
pub use payload::PayloadMode;

/// How the request carried its signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthMethod {
    /// `Authorization: AWS4-HMAC-SHA256 ...` header.
    Header,
    /// Presigned URL (`X-Amz-Signature` in the query).
    Presigned,
}

/// A request whose signature was verified.
#[derive(Debug, Clone)]
pub struct Authenticated {
    /// The account that owns the access key.
    pub account: Arc<Account>,
    /// The access key id the request was signed with.
    pub access_key: String,
    /// The region of the credential scope.
    pub region: String,
    /// The service of the credential scope: `s3`, `lambda`, `logs`, ...
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

/// A request head whose authentication passed every check that does not need the body; the
/// body is checked by [`SignedHead::with_body`].
pub struct SignedHead<'a> {
    claim: verify::Claim<'a>,
    account: Arc<Account>,
    /// The signature itself was verified (its payload line was declared, not the body's hash).
    signature_checked: bool,
}

impl std::fmt::Debug for SignedHead<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignedHead")
            .field("account", &self.account.id)
            .field("signature_checked", &self.signature_checked)
            .finish_non_exhaustive()
    }
}

impl SignedHead<'_> {
    /// Finishes authentication with the request's whole body: the signature (unless the head
    /// already verified it), then the payload's hash or its aws-chunked chain.
    pub fn with_body(self, body: Bytes) -> Result<Authenticated, AuthError> {
        verify::verify(self.claim, self.account, body, self.signature_checked)
    }
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
    let (claim, account) = claim(parts, keyring, now)?;
    let signature_checked = match &claim.payload_hash {
        Some(hash) => {
            verify::check_signature(&claim, &account, hash)?;
            true
        }
        None => false,
    };
    Ok(SignedHead {
        claim,
        account,
        signature_checked,
    })
}

/// The parsed signature claim of a request and the account of its key.
fn claim<'a>(
    parts: &'a Parts,
    keyring: &Keyring,
    now: SystemTime,
) -> Result<(verify::Claim<'a>, Arc<Account>), AuthError> {
    let presigned = parse::is_presigned(parts.uri.query().unwrap_or(""));
    if let Some(value) = parts.headers.get(http::header::AUTHORIZATION) {
        if presigned {
            return Err(AuthError::InvalidArgument(
                "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified"
                    .to_owned(),
            ));
        }
        header::claim(parts, value, keyring, now)
    } else if presigned {
        presigned::claim(parts, keyring, now)
    } else {
        Err(AuthError::Unsigned)
    }
}

/// Which service a request is addressed to, read from the credential scope WITHOUT verifying
/// (the edge uses it to route before auth); `None` if unsigned or unparseable.
pub fn scope_service(parts: &Parts) -> Option<String> {
    let credential = if let Some(value) = parts.headers.get(http::header::AUTHORIZATION) {
        let value = value.to_str().ok()?;
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
