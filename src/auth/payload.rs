//! The payload modes of `x-amz-content-sha256` and turning a signed request's body into the
//! decoded payload: SHA-256 check, or aws-chunked decoding with its signatures and checksums.
//!
//! See <https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html>.

use bytes::Bytes;
use http::HeaderMap;
use http::request::Parts;
use sha2::{Digest, Sha256};

use super::chunked::{self, ChunkChain, Framing};
use super::error::AuthError;

/// How the client signed the payload (the last line of the canonical request).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PayloadMode {
    /// A hex SHA-256 of the body, checked against the body.
    Sha256,
    /// `UNSIGNED-PAYLOAD`: the body is not covered by the signature.
    Unsigned,
    /// `STREAMING-AWS4-HMAC-SHA256-PAYLOAD`: aws-chunked with chained chunk signatures.
    StreamingSigned,
    /// `STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER`: signed chunks and a signed trailer.
    StreamingSignedTrailer,
    /// `STREAMING-UNSIGNED-PAYLOAD-TRAILER`: plain aws-chunked with trailing checksums.
    StreamingUnsignedTrailer,
}

/// `UNSIGNED-PAYLOAD`.
pub(crate) const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";

const BAD_CONTENT_SHA: &str = "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER, STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD, STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER or a valid sha256 value.";

impl PayloadMode {
    /// Classifies an `x-amz-content-sha256` value.
    pub(crate) fn classify(value: &str) -> Result<Self, AuthError> {
        Ok(match value {
            UNSIGNED_PAYLOAD => Self::Unsigned,
            "STREAMING-AWS4-HMAC-SHA256-PAYLOAD" => Self::StreamingSigned,
            "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER" => Self::StreamingSignedTrailer,
            "STREAMING-UNSIGNED-PAYLOAD-TRAILER" => Self::StreamingUnsignedTrailer,
            v if v.starts_with("STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD") => {
                return Err(AuthError::InvalidRequest(
                    "SigV4a (AWS4-ECDSA-P256-SHA256) streaming payloads are not supported by s3lambda."
                        .to_owned(),
                ));
            }
            v if v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit()) => Self::Sha256,
            _ => return Err(AuthError::InvalidArgument(BAD_CONTENT_SHA.to_owned())),
        })
    }

    fn framing(self) -> Option<Framing> {
        match self {
            Self::Sha256 | Self::Unsigned => None,
            Self::StreamingSigned => Some(Framing::Signed),
            Self::StreamingSignedTrailer => Some(Framing::SignedTrailer),
            Self::StreamingUnsignedTrailer => Some(Framing::UnsignedTrailer),
        }
    }
}

/// Checks the payload of a request whose signature was verified; returns the decoded body and
/// its trailers. `hash` is the canonical payload line, `chain` signs aws-chunked chunks.
pub(crate) fn process(
    parts: &Parts,
    body: Bytes,
    mode: PayloadMode,
    hash: &str,
    chain: &ChunkChain,
) -> Result<(Bytes, HeaderMap), AuthError> {
    let Some(framing) = mode.framing() else {
        if mode == PayloadMode::Sha256 {
            let computed = hex::encode(Sha256::digest(&body));
            if !computed.eq_ignore_ascii_case(hash) {
                return Err(AuthError::ContentSha256Mismatch {
                    client: hash.to_owned(),
                    computed,
                });
            }
        }
        return Ok((body, HeaderMap::new()));
    };
    let decoded = chunked::decode(&body, framing, Some(chain))?;
    if let Some(expected) = parts.headers.get("x-amz-decoded-content-length") {
        let expected: Option<u64> = expected.to_str().ok().and_then(|v| v.trim().parse().ok());
        if expected != Some(decoded.body.len() as u64) {
            return Err(AuthError::IncompleteBody);
        }
    }
    let declared = parts
        .headers
        .get("x-amz-trailer")
        .and_then(|v| v.to_str().ok());
    chunked::check_declared(declared, &decoded.trailers)?;
    chunked::verify_checksums(&decoded.trailers, &decoded.body)?;
    Ok((decoded.body, decoded.trailers))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_every_form() {
        assert_eq!(
            PayloadMode::classify("UNSIGNED-PAYLOAD").unwrap(),
            PayloadMode::Unsigned
        );
        assert_eq!(
            PayloadMode::classify("STREAMING-UNSIGNED-PAYLOAD-TRAILER").unwrap(),
            PayloadMode::StreamingUnsignedTrailer
        );
        assert_eq!(
            PayloadMode::classify(chunked::EMPTY_SHA256).unwrap(),
            PayloadMode::Sha256
        );
        let e = PayloadMode::classify("nonsense").unwrap_err();
        assert_eq!(e.s3_code(), "InvalidArgument");
        assert_eq!(e.status(), http::StatusCode::BAD_REQUEST);
    }
}
