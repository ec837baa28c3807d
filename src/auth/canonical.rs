//! Recomputing a request's SigV4 signature with `aws-sigv4`, as the client computed it, and
//! (S3 only) the canonical request and string to sign shown in `SignatureDoesNotMatch`.
//!
//! The request handed to `aws_sigv4::http_request::sign` holds exactly the headers the client
//! listed in `SignedHeaders`, the client's time and payload hash, and the scope's region and
//! service. The signer's own additions (`x-amz-date`, `x-amz-content-sha256`) are excluded when
//! the client did not sign them. See
//! <https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html>.

use std::borrow::Cow;
use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{
    PayloadChecksumKind, PercentEncodingMode, SessionTokenMode, SignableBody, SignableRequest,
    SignatureLocation, SigningSettings, UriPathNormalizationMode, sign,
};
use aws_sigv4::sign::v4;
use http::request::Parts;
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use sha2::{Digest, Sha256};

use super::parse::{ALGORITHM, Credential, PRESIGN_PARAMS, format_amz_date};

/// How a service canonicalizes the path and payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ServiceProfile {
    /// S3: single percent-encoding, no path normalization, `x-amz-content-sha256` signed.
    S3,
    /// Every other service: double encoding, normalized path, no extra header.
    Standard,
}

impl ServiceProfile {
    pub(crate) fn for_service(service: &str) -> Self {
        if service == "s3" {
            Self::S3
        } else {
            Self::Standard
        }
    }
}

/// Where the signature travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Location {
    /// `Authorization` header.
    Header,
    /// Presigned query, with `X-Amz-Expires`.
    Query { expires: Duration },
}

/// Everything needed to recompute one request signature.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SignatureInput<'a> {
    pub(crate) parts: &'a Parts,
    pub(crate) credential: &'a Credential,
    pub(crate) signed_headers: &'a [String],
    pub(crate) time: SystemTime,
    /// The last line of the canonical request (hex hash, `UNSIGNED-PAYLOAD`, `STREAMING-...`).
    pub(crate) payload_hash: &'a str,
    pub(crate) location: Location,
}

/// Failure to even build the signable request (bad header bytes, bad URI).
#[derive(Debug)]
pub(crate) struct Unsignable(pub(crate) String);

impl SignatureInput<'_> {
    fn profile(&self) -> ServiceProfile {
        ServiceProfile::for_service(&self.credential.service)
    }

    /// The request target the signer sees: the path and, for presigned URLs, the query without
    /// the parameters the signer adds itself.
    fn signable_uri(&self) -> String {
        let path = self.parts.uri.path();
        let query = self.parts.uri.query().unwrap_or("");
        let query: Cow<'_, str> = match self.location {
            Location::Header => Cow::Borrowed(query),
            Location::Query { .. } => Cow::Owned(
                query
                    .split('&')
                    .filter(|piece| {
                        let key = piece.split('=').next().unwrap_or("");
                        let decoded: String = form_urlencoded::parse(key.as_bytes())
                            .map(|(k, _)| k.into_owned())
                            .next()
                            .unwrap_or_default();
                        !piece.is_empty() && !PRESIGN_PARAMS.contains(&decoded.as_str())
                    })
                    .collect::<Vec<_>>()
                    .join("&"),
            ),
        };
        if query.is_empty() {
            path.to_owned()
        } else {
            format!("{path}?{query}")
        }
    }

    /// The signed headers' names and values as the client sent them, in `SignedHeaders` order.
    fn header_values(&self) -> Result<Vec<(&str, &str)>, Unsignable> {
        let mut out = Vec::new();
        for name in self.signed_headers {
            let mut found = false;
            for value in self.parts.headers.get_all(name.as_str()) {
                let value = value
                    .to_str()
                    .map_err(|_| Unsignable(format!("header {name} is not visible ASCII")))?;
                out.push((name.as_str(), value));
                found = true;
            }
            if !found
                && name == "host"
                && let Some(authority) = self.parts.uri.authority()
            {
                out.push((name.as_str(), authority.as_str()));
            }
        }
        Ok(out)
    }

    /// The signature `aws-sigv4` computes for this request with `secret`.
    pub(crate) fn signature(&self, secret: &str) -> Result<String, Unsignable> {
        let profile = self.profile();
        let mut settings = SigningSettings::default();
        let signed = |n: &str| self.signed_headers.iter().any(|h| h == n);
        let mut excluded: Vec<Cow<'static, str>> = Vec::new();
        if !signed("x-amz-date") {
            excluded.push(Cow::Borrowed("x-amz-date"));
        }
        if !signed("x-amz-content-sha256") {
            excluded.push(Cow::Borrowed("x-amz-content-sha256"));
        }
        settings.excluded_headers = Some(excluded);
        match profile {
            ServiceProfile::S3 => {
                settings.percent_encoding_mode = PercentEncodingMode::Single;
                settings.uri_path_normalization_mode = UriPathNormalizationMode::Disabled;
                settings.payload_checksum_kind = PayloadChecksumKind::XAmzSha256;
            }
            ServiceProfile::Standard => {
                settings.percent_encoding_mode = PercentEncodingMode::Double;
                settings.uri_path_normalization_mode = UriPathNormalizationMode::Enabled;
                settings.payload_checksum_kind = PayloadChecksumKind::NoHeader;
            }
        }
        settings.session_token_mode = SessionTokenMode::Include;
        match self.location {
            Location::Header => settings.signature_location = SignatureLocation::Headers,
            Location::Query { expires } => {
                settings.signature_location = SignatureLocation::QueryParams;
                settings.expires_in = Some(expires);
            }
        }
        let identity = Credentials::new(
            self.credential.access_key.clone(),
            secret.to_owned(),
            None,
            None,
            "s3lambda",
        )
        .into();
        let params = v4::SigningParams::builder()
            .identity(&identity)
            .region(&self.credential.region)
            .name(&self.credential.service)
            .time(self.time)
            .settings(settings)
            .build()
            .map_err(|e| Unsignable(e.to_string()))?
            .into();
        let headers = self.header_values()?;
        // aws-sigv4 takes the host from the URI when no host header is given, and panics if
        // there is none: refuse first.
        if !headers.iter().any(|(n, _)| *n == "host") {
            return Err(Unsignable("no host header to sign".to_owned()));
        }
        let request = SignableRequest::new(
            self.parts.method.as_str(),
            self.signable_uri(),
            headers.into_iter(),
            SignableBody::Precomputed(self.payload_hash.to_owned()),
        )
        .map_err(|e| Unsignable(e.to_string()))?;
        let (_, signature) = sign(request, &params)
            .map_err(|e| Unsignable(e.to_string()))?
            .into_parts();
        Ok(signature)
    }

    /// The canonical request, for `SignatureDoesNotMatch` (S3 profile only: other services
    /// normalize the path, which only `aws-sigv4` does here).
    pub(crate) fn canonical_request(&self) -> Option<String> {
        if self.profile() != ServiceProfile::S3 {
            return None;
        }
        let mut out = String::new();
        out.push_str(self.parts.method.as_str());
        out.push('\n');
        out.push_str(self.parts.uri.path());
        out.push('\n');
        out.push_str(&self.canonical_query());
        out.push('\n');
        let mut names: Vec<&String> = self.signed_headers.iter().collect();
        names.sort();
        names.dedup();
        let headers = self.header_values().ok()?;
        for name in &names {
            let values: Vec<String> = headers
                .iter()
                .filter(|(n, _)| n == name)
                .map(|(_, v)| trim_all(v))
                .collect();
            out.push_str(name);
            out.push(':');
            out.push_str(&values.join(","));
            out.push('\n');
        }
        out.push('\n');
        out.push_str(
            &names
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(";"),
        );
        out.push('\n');
        out.push_str(self.payload_hash);
        Some(out)
    }

    fn canonical_query(&self) -> String {
        let query = self.parts.uri.query().unwrap_or("");
        let mut pairs: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
            .filter(|(k, _)| {
                !(matches!(self.location, Location::Query { .. }) && k == "X-Amz-Signature")
            })
            .map(|(k, v)| (uri_encode(&k), uri_encode(&v)))
            .collect();
        pairs.sort();
        pairs
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("&")
    }

    /// The string to sign over `canonical_request`.
    pub(crate) fn string_to_sign(&self, canonical_request: &str) -> String {
        string_to_sign(
            ALGORITHM,
            &format_amz_date(self.time),
            &self.credential.scope(),
            &hex::encode(Sha256::digest(canonical_request.as_bytes())),
        )
    }
}

/// `{algorithm}\n{date}\n{scope}\n{last line}`.
pub(crate) fn string_to_sign(algorithm: &str, amz_date: &str, scope: &str, last: &str) -> String {
    format!("{algorithm}\n{amz_date}\n{scope}\n{last}")
}

/// Unreserved characters (RFC 3986) stay, everything else is `%XX`.
const URI_ENCODE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

fn uri_encode(s: &str) -> String {
    utf8_percent_encode(s, URI_ENCODE).to_string()
}

/// Trims spaces and collapses runs of spaces, as SigV4 canonical headers do.
fn trim_all(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    for word in v.split(' ').filter(|w| !w.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Constant-time comparison of two signatures (hex, case-insensitive).
pub(crate) fn signatures_match(computed: &str, provided: &str) -> bool {
    let (a, b) = (computed.as_bytes(), provided.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    a.iter()
        .zip(b)
        .fold(0u8, |acc, (x, y)| acc | (x ^ y.to_ascii_lowercase()))
        == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comparison_is_exact() {
        assert!(signatures_match("ab01", "ab01"));
        assert!(signatures_match("ab01", "AB01"));
        assert!(!signatures_match("ab01", "ab02"));
        assert!(!signatures_match("ab01", "ab0"));
    }

    #[test]
    fn query_values_are_uri_encoded() {
        assert_eq!(uri_encode("a b/c~"), "a%20b%2Fc~");
        assert_eq!(trim_all("  a   b "), "a b");
    }
}
