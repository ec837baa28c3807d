//! Test helpers (not used by the server): sign requests, presign URLs and build aws-chunked
//! bodies with `aws-sigv4`, so unit and integration tests can drive every auth form.
//!
//! Chunk signatures come from `aws_sigv4::sign::v4::sign_chunk`, independently of the
//! verifier in this module's parent; the trailer signature uses `calculate_signature` over the
//! documented `AWS4-HMAC-SHA256-TRAILER` string to sign.

use std::str::FromStr;
use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{
    PayloadChecksumKind, PercentEncodingMode, SignableBody, SignableRequest, SignatureLocation,
    SigningSettings, UriPathNormalizationMode, sign,
};
use aws_sigv4::sign::v4;
use bytes::Bytes;
use sha2::{Digest, Sha256};

use super::parse::format_amz_date;

/// Who signs, for which scope and at what time.
#[derive(Debug, Clone, Copy)]
pub struct Signer<'a> {
    /// Access key id.
    pub access_key: &'a str,
    /// Secret access key.
    pub secret_key: &'a str,
    /// Region of the scope, e.g. `us-east-1`.
    pub region: &'a str,
    /// Service of the scope, e.g. `s3` or `lambda`.
    pub service: &'a str,
    /// Signing time.
    pub time: SystemTime,
}

/// What the canonical request's payload line is.
#[derive(Debug, Clone, Copy)]
pub enum Payload<'a> {
    /// The SHA-256 of these bytes.
    Bytes(&'a [u8]),
    /// `UNSIGNED-PAYLOAD`.
    Unsigned,
    /// A literal line, e.g. `STREAMING-AWS4-HMAC-SHA256-PAYLOAD`.
    Literal(&'a str),
}

/// `STREAMING-AWS4-HMAC-SHA256-PAYLOAD`.
pub const STREAMING_SIGNED: &str = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD";
/// `STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER`.
pub const STREAMING_SIGNED_TRAILER: &str = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER";
/// `STREAMING-UNSIGNED-PAYLOAD-TRAILER`.
pub const STREAMING_UNSIGNED_TRAILER: &str = "STREAMING-UNSIGNED-PAYLOAD-TRAILER";

impl Signer<'_> {
    fn settings(&self, location: SignatureLocation, expires: Option<Duration>) -> SigningSettings {
        let mut settings = SigningSettings::default();
        if self.service == "s3" {
            settings.percent_encoding_mode = PercentEncodingMode::Single;
            settings.uri_path_normalization_mode = UriPathNormalizationMode::Disabled;
            settings.payload_checksum_kind = if location == SignatureLocation::Headers {
                PayloadChecksumKind::XAmzSha256
            } else {
                PayloadChecksumKind::NoHeader
            };
        }
        settings.signature_location = location;
        settings.expires_in = expires;
        settings
    }

    fn run<B>(
        &self,
        request: &mut http::Request<B>,
        payload: Payload<'_>,
        settings: SigningSettings,
    ) -> Result<String, String> {
        for h in ["authorization", "x-amz-date", "x-amz-content-sha256"] {
            request.headers_mut().remove(h);
        }
        let identity =
            Credentials::new(self.access_key, self.secret_key, None, None, "test").into();
        let params = v4::SigningParams::builder()
            .identity(&identity)
            .region(self.region)
            .name(self.service)
            .time(self.time)
            .settings(settings)
            .build()
            .map_err(|e| e.to_string())?
            .into();
        let body = match payload {
            Payload::Bytes(b) => SignableBody::Bytes(b),
            Payload::Unsigned => SignableBody::UnsignedPayload,
            Payload::Literal(l) => SignableBody::Precomputed(l.to_owned()),
        };
        let uri = request
            .uri()
            .path_and_query()
            .map_or("/", http::uri::PathAndQuery::as_str)
            .to_owned();
        let headers: Vec<(String, String)> = request
            .headers()
            .iter()
            .filter_map(|(k, v)| Some((k.as_str().to_owned(), v.to_str().ok()?.to_owned())))
            .collect();
        let signable = SignableRequest::new(
            request.method().as_str(),
            uri,
            headers.iter().map(|(k, v)| (k.as_str(), v.as_str())),
            body,
        )
        .map_err(|e| e.to_string())?;
        let (instructions, signature) = sign(signable, &params)
            .map_err(|e| e.to_string())?
            .into_parts();
        instructions.apply_to_request_http1x(request);
        Ok(signature)
    }

    /// Signs `request` in place (adds `x-amz-date`, `Authorization` and for S3
    /// `x-amz-content-sha256`); the request must carry a `host` header. Returns the signature.
    pub fn sign<B>(
        &self,
        request: &mut http::Request<B>,
        payload: Payload<'_>,
    ) -> Result<String, String> {
        let settings = self.settings(SignatureLocation::Headers, None);
        self.run(request, payload, settings)
    }

    /// Presigns `request` in place (adds the `X-Amz-*` query parameters). Returns the signature.
    pub fn presign<B>(
        &self,
        request: &mut http::Request<B>,
        expires: Duration,
    ) -> Result<String, String> {
        let settings = self.settings(SignatureLocation::QueryParams, Some(expires));
        self.run(request, Payload::Unsigned, settings)
    }

    /// The signing key of this scope.
    pub fn signing_key(&self) -> Vec<u8> {
        v4::generate_signing_key(self.secret_key, self.time, self.region, self.service)
            .as_ref()
            .to_vec()
    }
}

/// A signed aws-chunked body: each chunk signed in a chain from `seed_signature` (the request
/// signature), the final 0-size chunk, then (if `trailer` is given) the trailing headers and
/// their `x-amz-trailer-signature`. Empty chunks are skipped.
pub fn sign_chunked_body(
    seed_signature: &str,
    signer: &Signer<'_>,
    chunks: &[&[u8]],
    trailer: Option<&[(&str, &str)]>,
) -> Result<Vec<u8>, String> {
    let identity =
        Credentials::new(signer.access_key, signer.secret_key, None, None, "test").into();
    let params = v4::SigningParams::<()>::builder()
        .identity(&identity)
        .region(signer.region)
        .name(signer.service)
        .time(signer.time)
        .settings(())
        .build()
        .map_err(|e| e.to_string())?;
    let mut previous = seed_signature.to_owned();
    let mut out = Vec::new();
    let mut emit = |data: &[u8], out: &mut Vec<u8>| -> Result<String, String> {
        let signature = v4::sign_chunk(&Bytes::copy_from_slice(data), &previous, &params)
            .map_err(|e| e.to_string())?
            .signature()
            .to_owned();
        out.extend_from_slice(
            format!("{:x};chunk-signature={signature}\r\n", data.len()).as_bytes(),
        );
        out.extend_from_slice(data);
        previous.clone_from(&signature);
        Ok(signature)
    };
    for chunk in chunks.iter().filter(|c| !c.is_empty()) {
        emit(chunk, &mut out)?;
        out.extend_from_slice(b"\r\n");
    }
    let last = emit(&[], &mut out)?;
    match trailer {
        None => out.extend_from_slice(b"\r\n"),
        Some(trailers) => {
            let mut sorted: Vec<(String, String)> = trailers
                .iter()
                .map(|(k, v)| (k.to_ascii_lowercase(), v.trim().to_owned()))
                .collect();
            sorted.sort();
            let mut canonical = String::new();
            for (k, v) in &sorted {
                canonical.push_str(k);
                canonical.push(':');
                canonical.push_str(v);
                canonical.push('\n');
                out.extend_from_slice(format!("{k}:{v}\r\n").as_bytes());
            }
            let string_to_sign = format!(
                "AWS4-HMAC-SHA256-TRAILER\n{}\n{}/{}/{}/aws4_request\n{last}\n{}",
                format_amz_date(signer.time),
                &format_amz_date(signer.time)[..8],
                signer.region,
                signer.service,
                hex::encode(Sha256::digest(canonical.as_bytes()))
            );
            let signature =
                v4::calculate_signature(signer.signing_key(), string_to_sign.as_bytes());
            out.extend_from_slice(
                format!("x-amz-trailer-signature:{signature}\r\n\r\n").as_bytes(),
            );
        }
    }
    Ok(out)
}

/// Which aws-chunked form [`streaming_request`] builds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Streaming {
    /// `STREAMING-AWS4-HMAC-SHA256-PAYLOAD`: signed chunks, no trailer.
    Signed,
    /// `STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER`: signed chunks and a signed checksum trailer.
    SignedTrailer,
    /// `STREAMING-UNSIGNED-PAYLOAD-TRAILER`: plain chunks and a checksum trailer.
    UnsignedTrailer,
}

/// A complete signed S3 streaming upload, as an SDK sends it: `host`, `content-encoding:
/// aws-chunked`, `x-amz-decoded-content-length`, `x-amz-trailer` (trailer forms, with the
/// `checksum` algorithm, e.g. `crc32`), `Authorization`, the aws-chunked body and its
/// `content-length` (not signed). `chunks` are the payload pieces, one aws-chunked chunk each.
pub fn streaming_request(
    signer: &Signer<'_>,
    method: &str,
    uri: &str,
    host: &str,
    chunks: &[&[u8]],
    form: Streaming,
    checksum: &str,
) -> Result<http::Request<Vec<u8>>, String> {
    let decoded: usize = chunks.iter().map(|c| c.len()).sum();
    let whole: Vec<u8> = chunks.concat();
    let trailer = match form {
        Streaming::Signed => None,
        Streaming::SignedTrailer | Streaming::UnsignedTrailer => Some(
            checksum_trailer(checksum, &whole)
                .ok_or_else(|| format!("unknown checksum {checksum}"))?,
        ),
    };
    let mut builder = http::Request::builder()
        .method(method)
        .uri(uri)
        .header("host", host)
        .header("content-encoding", "aws-chunked")
        .header("x-amz-decoded-content-length", decoded.to_string());
    if let Some((name, _)) = &trailer {
        builder = builder.header("x-amz-trailer", name.as_str());
    }
    let mut request = builder.body(Vec::new()).map_err(|e| e.to_string())?;
    let literal = match form {
        Streaming::Signed => STREAMING_SIGNED,
        Streaming::SignedTrailer => STREAMING_SIGNED_TRAILER,
        Streaming::UnsignedTrailer => STREAMING_UNSIGNED_TRAILER,
    };
    let seed = signer.sign(&mut request, Payload::Literal(literal))?;
    let trailers: Vec<(&str, &str)> = trailer
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let body = match form {
        Streaming::Signed => sign_chunked_body(&seed, signer, chunks, None)?,
        Streaming::SignedTrailer => sign_chunked_body(&seed, signer, chunks, Some(&trailers))?,
        Streaming::UnsignedTrailer => unsigned_chunked_body(chunks, &trailers),
    };
    request.headers_mut().insert(
        http::header::CONTENT_LENGTH,
        http::HeaderValue::from(body.len()),
    );
    *request.body_mut() = body;
    Ok(request)
}

/// An unsigned aws-chunked body (`STREAMING-UNSIGNED-PAYLOAD-TRAILER`): `hex-size\r\ndata\r\n`
/// chunks, `0\r\n`, the trailers as `name:value\r\n`, then `\r\n`.
pub fn unsigned_chunked_body(chunks: &[&[u8]], trailers: &[(&str, &str)]) -> Vec<u8> {
    let mut out = Vec::new();
    for chunk in chunks.iter().filter(|c| !c.is_empty()) {
        out.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
        out.extend_from_slice(chunk);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"0\r\n");
    for (k, v) in trailers {
        out.extend_from_slice(format!("{k}:{v}\r\n").as_bytes());
    }
    out.extend_from_slice(b"\r\n");
    out
}

/// The trailer `(x-amz-checksum-{algorithm}, base64 value)` of `data`, for `crc32`, `crc32c`,
/// `crc64nvme`, `sha1` or `sha256`; `None` for another algorithm.
pub fn checksum_trailer(algorithm: &str, data: &[u8]) -> Option<(String, String)> {
    let alg = aws_smithy_checksums::ChecksumAlgorithm::from_str(algorithm).ok()?;
    let mut checksum = alg.into_impl();
    checksum.update(data);
    let value = checksum.header_value().to_str().ok()?.to_owned();
    Some((
        format!("x-amz-checksum-{}", algorithm.to_ascii_lowercase()),
        value,
    ))
}

/// The SigV2 StringToSign of a request, as the simulator computes it: `date_line` is the `Date`
/// header's value (empty when `x-amz-date` is sent) for the header form, `Expires` for the query
/// form (`query_form`, whose `x-amz-*` parameters are then signed as headers);
/// `virtual_host_bucket` is the bucket the `Host` names.
pub fn sigv2_string_to_sign(
    parts: &http::request::Parts,
    date_line: &str,
    query_form: bool,
    virtual_host_bucket: Option<&str>,
) -> String {
    let amz = query_form.then(|| super::sigv2::query_amz(parts));
    super::sigv2::string_to_sign(parts, date_line, amz.as_deref(), virtual_host_bucket)
}

/// The SigV2 signature (base64 HMAC-SHA1) of `string_to_sign` under `secret`.
pub fn sigv2_signature(secret: &str, string_to_sign: &str) -> String {
    super::sigv2::sign(secret, string_to_sign)
}
