//! aws-chunked bodies: decoding the framing, verifying the chunk-signature chain, the trailer
//! signature and the trailing `x-amz-checksum-*` values.
//!
//! Signed: `{hex size};chunk-signature={sig}\r\n{data}\r\n` ... `0;chunk-signature={sig}\r\n`,
//! then `\r\n` or (with trailer) `name:value\r\n`... `x-amz-trailer-signature:{sig}\r\n\r\n`.
//! Unsigned trailer: `{hex size}\r\n{data}\r\n` ... `0\r\n` `name:value\r\n`... `\r\n`.
//! See <https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html> and
//! <https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming-trailers.html>.

use std::str::FromStr;

use aws_smithy_checksums::ChecksumAlgorithm;
use bytes::{Bytes, BytesMut};
use http::{HeaderMap, HeaderName, HeaderValue};
use sha2::{Digest, Sha256};

use super::canonical::{signatures_match, string_to_sign};
use super::error::{AuthError, SignatureMismatch};

/// Algorithm line of a chunk's string to sign.
pub(crate) const CHUNK_ALGORITHM: &str = "AWS4-HMAC-SHA256-PAYLOAD";
/// Algorithm line of the trailer's string to sign.
pub(crate) const TRAILER_ALGORITHM: &str = "AWS4-HMAC-SHA256-TRAILER";
/// Hex SHA-256 of the empty string.
pub(crate) const EMPTY_SHA256: &str =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
const TRAILER_SIGNATURE: &str = "x-amz-trailer-signature";

/// What signs the chunks of a signed streaming body.
pub(crate) struct ChunkChain {
    /// The signing key for the request's scope and date.
    pub(crate) signing_key: Vec<u8>,
    /// The request time, `yyyymmddThhmmssZ`.
    pub(crate) amz_date: String,
    /// `yyyymmdd/region/service/aws4_request`.
    pub(crate) scope: String,
    /// The seed: the request signature.
    pub(crate) seed: String,
    /// The access key, for error extras.
    pub(crate) access_key: String,
}

impl ChunkChain {
    /// The string to sign of a chunk whose predecessor's signature is `previous`.
    pub(crate) fn chunk_string_to_sign(&self, previous: &str, data: &[u8]) -> String {
        let last = format!("{EMPTY_SHA256}\n{}", hex::encode(Sha256::digest(data)));
        string_to_sign(
            CHUNK_ALGORITHM,
            &self.amz_date,
            &self.scope,
            previous_and(previous, &last).as_str(),
        )
    }

    /// The string to sign of the trailer (canonical trailer headers `name:value\n`).
    pub(crate) fn trailer_string_to_sign(
        &self,
        previous: &str,
        canonical_trailers: &[u8],
    ) -> String {
        let last = hex::encode(Sha256::digest(canonical_trailers));
        string_to_sign(
            TRAILER_ALGORITHM,
            &self.amz_date,
            &self.scope,
            previous_and(previous, &last).as_str(),
        )
    }

    fn verify(&self, string_to_sign: String, provided: &str) -> Result<(), AuthError> {
        let computed =
            aws_sigv4::sign::v4::calculate_signature(&self.signing_key, string_to_sign.as_bytes());
        if signatures_match(&computed, provided) {
            Ok(())
        } else {
            Err(AuthError::SignatureDoesNotMatch(Box::new(
                SignatureMismatch {
                    access_key: self.access_key.clone(),
                    signature_provided: provided.to_owned(),
                    string_to_sign: Some(string_to_sign),
                    canonical_request: None,
                },
            )))
        }
    }
}

fn previous_and(previous: &str, last: &str) -> String {
    format!("{previous}\n{last}")
}

/// The streaming forms of an aws-chunked body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Framing {
    /// `STREAMING-AWS4-HMAC-SHA256-PAYLOAD`.
    Signed,
    /// `STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER`.
    SignedTrailer,
    /// `STREAMING-UNSIGNED-PAYLOAD-TRAILER`.
    UnsignedTrailer,
}

impl Framing {
    fn signed(self) -> bool {
        matches!(self, Self::Signed | Self::SignedTrailer)
    }
    fn has_trailer(self) -> bool {
        matches!(self, Self::SignedTrailer | Self::UnsignedTrailer)
    }
}

/// A decoded aws-chunked body.
#[derive(Debug)]
pub(crate) struct Decoded {
    pub(crate) body: Bytes,
    pub(crate) trailers: HeaderMap,
}

fn malformed(what: &str) -> AuthError {
    AuthError::MalformedChunkedBody(what.to_owned())
}

/// Finds `\r\n` at or after `from`; the index of `\r`.
fn find_crlf(body: &[u8], from: usize) -> Option<usize> {
    body.get(from..)?
        .windows(2)
        .position(|w| w == b"\r\n")
        .map(|i| from + i)
}

/// Decodes `body` (checking signatures when `chain` is given for a signed framing).
pub(crate) fn decode(
    body: &Bytes,
    framing: Framing,
    chain: Option<&ChunkChain>,
) -> Result<Decoded, AuthError> {
    let chain = if framing.signed() {
        Some(chain.ok_or_else(|| malformed("signed framing without a seed signature"))?)
    } else {
        None
    };
    let mut previous = chain.map(|c| c.seed.clone()).unwrap_or_default();
    let mut pieces: Vec<Bytes> = Vec::new();
    let mut pos = 0usize;
    loop {
        let eol = find_crlf(body, pos).ok_or(AuthError::IncompleteBody)?;
        let line = std::str::from_utf8(&body[pos..eol])
            .map_err(|_| malformed("chunk header is not ASCII"))?;
        let (size_hex, extension) = match line.split_once(';') {
            Some((s, e)) => (s, Some(e)),
            None => (line, None),
        };
        if size_hex.is_empty()
            || size_hex.len() > 16
            || !size_hex.bytes().all(|b| b.is_ascii_hexdigit())
        {
            return Err(malformed("invalid chunk size"));
        }
        let size =
            usize::from_str_radix(size_hex, 16).map_err(|_| malformed("invalid chunk size"))?;
        let start = eol + 2;
        let end = start.checked_add(size).ok_or(AuthError::IncompleteBody)?;
        if end > body.len() {
            return Err(AuthError::IncompleteBody);
        }
        let data = body.slice(start..end);
        if let Some(chain) = chain {
            let signature = extension
                .and_then(|e| e.strip_prefix("chunk-signature="))
                .ok_or_else(|| malformed("chunk without chunk-signature"))?;
            chain.verify(chain.chunk_string_to_sign(&previous, &data), signature)?;
            signature.clone_into(&mut previous);
        }
        pos = end;
        if size == 0 {
            break;
        }
        match body.get(pos..pos + 2) {
            Some(b"\r\n") => pos += 2,
            Some(_) => return Err(malformed("chunk data not followed by CRLF")),
            None => return Err(AuthError::IncompleteBody),
        }
        pieces.push(data);
    }
    let trailers = if framing.has_trailer() {
        read_trailers(body, pos, chain, &previous)?
    } else {
        match body.get(pos..) {
            Some(b"\r\n") => {}
            Some(b"" | b"\r") => return Err(AuthError::IncompleteBody),
            _ => return Err(malformed("data after the final chunk")),
        }
        HeaderMap::new()
    };
    let decoded = join(pieces);
    Ok(Decoded {
        body: decoded,
        trailers,
    })
}

/// Reads `name:value\r\n` lines up to the empty line, verifying the trailer signature when
/// `chain` is given. A body ending right after the last trailer line is accepted.
fn read_trailers(
    body: &Bytes,
    mut pos: usize,
    chain: Option<&ChunkChain>,
    previous: &str,
) -> Result<HeaderMap, AuthError> {
    let mut trailers = HeaderMap::new();
    let mut canonical = Vec::new();
    let mut signature = None;
    while pos < body.len() {
        let eol = find_crlf(body, pos).unwrap_or(body.len());
        let line = &body[pos..eol];
        pos = (eol + 2).min(body.len());
        if line.is_empty() {
            if pos != body.len() {
                return Err(malformed("data after the trailers"));
            }
            break;
        }
        let line = std::str::from_utf8(line).map_err(|_| malformed("trailer is not UTF-8"))?;
        let (name, value) = line
            .split_once(':')
            .ok_or_else(|| malformed("trailer without ':'"))?;
        let name = name.trim().to_ascii_lowercase();
        let value = value.trim();
        if name == TRAILER_SIGNATURE {
            signature = Some(value.to_owned());
            continue;
        }
        let header_name =
            HeaderName::from_str(&name).map_err(|_| malformed("invalid trailer name"))?;
        let header_value =
            HeaderValue::from_str(value).map_err(|_| malformed("invalid trailer value"))?;
        trailers.append(header_name, header_value);
    }
    if let Some(chain) = chain {
        let signature = signature.ok_or_else(|| malformed("missing x-amz-trailer-signature"))?;
        let mut names: Vec<&HeaderName> = trailers.keys().collect();
        names.sort_by(|a, b| a.as_str().cmp(b.as_str()));
        for name in names {
            for value in trailers.get_all(name) {
                canonical.extend_from_slice(name.as_str().as_bytes());
                canonical.push(b':');
                canonical.extend_from_slice(value.as_bytes());
                canonical.push(b'\n');
            }
        }
        chain.verify(
            chain.trailer_string_to_sign(previous, &canonical),
            &signature,
        )?;
    }
    Ok(trailers)
}

fn join(pieces: Vec<Bytes>) -> Bytes {
    match pieces.len() {
        0 => Bytes::new(),
        1 => pieces.into_iter().next().unwrap_or_default(),
        _ => {
            let total = pieces.iter().map(Bytes::len).sum();
            let mut out = BytesMut::with_capacity(total);
            for p in &pieces {
                out.extend_from_slice(p);
            }
            out.freeze()
        }
    }
}

/// Verifies every `x-amz-checksum-{crc32,crc32c,crc64nvme,sha1,sha256}` in `trailers` against
/// `body` with `aws-smithy-checksums`.
pub(crate) fn verify_checksums(trailers: &HeaderMap, body: &[u8]) -> Result<(), AuthError> {
    for (name, value) in trailers {
        let Some(algorithm) = name.as_str().strip_prefix("x-amz-checksum-") else {
            continue;
        };
        if !["crc32", "crc32c", "crc64nvme", "sha1", "sha256"].contains(&algorithm) {
            continue;
        }
        let Ok(alg) = ChecksumAlgorithm::from_str(algorithm) else {
            continue;
        };
        let mut checksum = alg.into_impl();
        checksum.update(body);
        let computed = checksum.header_value();
        if computed.as_bytes() != value.as_bytes() {
            return Err(AuthError::BadDigest {
                algorithm: algorithm.to_ascii_uppercase(),
            });
        }
    }
    Ok(())
}

/// Checks that every trailer the `x-amz-trailer` header announced arrived.
pub(crate) fn check_declared(
    declared: Option<&str>,
    trailers: &HeaderMap,
) -> Result<(), AuthError> {
    for name in declared
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|n| !n.is_empty())
    {
        if !trailers.contains_key(name.to_ascii_lowercase().as_str()) {
            return Err(malformed(&format!(
                "the trailer {name} announced in x-amz-trailer is missing"
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unsigned_trailer_body_decodes() {
        let body = Bytes::from_static(
            b"5\r\nhello\r\n6\r\n world\r\n0\r\nx-amz-checksum-crc32:DUoRhQ==\r\n\r\n",
        );
        let d = decode(&body, Framing::UnsignedTrailer, None).unwrap();
        assert_eq!(&d.body[..], b"hello world");
        assert_eq!(d.trailers["x-amz-checksum-crc32"], "DUoRhQ==");
        verify_checksums(&d.trailers, &d.body).unwrap();
        check_declared(Some("x-amz-checksum-crc32"), &d.trailers).unwrap();
        assert!(check_declared(Some("x-amz-checksum-sha256"), &d.trailers).is_err());
    }

    #[test]
    fn single_chunk_is_a_slice_not_a_copy() {
        let body = Bytes::from_static(b"5\r\nhello\r\n0\r\n\r\n");
        let d = decode(&body, Framing::UnsignedTrailer, None).unwrap();
        assert_eq!(d.body.as_ptr(), body[3..].as_ptr());
    }

    #[test]
    fn checksum_mismatch_is_bad_digest() {
        let mut trailers = HeaderMap::new();
        trailers.insert("x-amz-checksum-crc32", HeaderValue::from_static("AAAAAA=="));
        let e = verify_checksums(&trailers, b"hello world").unwrap_err();
        assert_eq!(e.s3_code(), "BadDigest");
        assert_eq!(e.status(), http::StatusCode::BAD_REQUEST);
        assert_eq!(
            e.to_string(),
            "The CRC32 you specified did not match the calculated checksum."
        );
    }

    #[test]
    fn every_algorithm_verifies() {
        for (name, value) in [
            ("x-amz-checksum-crc32c", "yZRlqg=="),
            ("x-amz-checksum-sha1", "Kq5sNclPz7QV2+lfQIuc6R7oRu0="),
            (
                "x-amz-checksum-sha256",
                "uU0nuZNNPgilLlLX2n2r+sSE7+N6U4DukIj3rOLvzek=",
            ),
        ] {
            let mut trailers = HeaderMap::new();
            trailers.insert(
                HeaderName::from_static(name),
                HeaderValue::from_static(value),
            );
            verify_checksums(&trailers, b"hello world").unwrap_or_else(|e| panic!("{name}: {e}"));
        }
    }

    #[test]
    fn truncated_and_malformed_bodies_are_errors() {
        for (raw, code) in [
            (&b"5\r\nhel"[..], "IncompleteBody"),
            (b"5\r\nhello", "IncompleteBody"),
            (b"5\r\nhello\r\n", "IncompleteBody"),
            (b"5\r\nhelloXX0\r\n\r\n", "InvalidRequest"),
            (b"zz\r\nhello\r\n0\r\n\r\n", "InvalidRequest"),
            (b"ffffffffffffffff\r\nx", "IncompleteBody"),
            (b"", "IncompleteBody"),
            (b"0\r\nno-colon\r\n\r\n", "InvalidRequest"),
        ] {
            let e = decode(&Bytes::from_static(raw), Framing::UnsignedTrailer, None).unwrap_err();
            assert_eq!(e.s3_code(), code, "{:?}", String::from_utf8_lossy(raw));
        }
        let e = decode(&Bytes::from_static(b"0\r\n"), Framing::Signed, None).unwrap_err();
        assert_eq!(e.s3_code(), "InvalidRequest");
    }
}
