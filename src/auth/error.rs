//! `AuthError`: every way SigV4 or SigV2 authentication fails, with its S3 code, status, extra XML
//! elements and the Lambda JSON error type for the same failure.
//!
//! Codes and messages follow <https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html>.

use http::StatusCode;

/// The maximum clock skew S3 allows, in milliseconds (15 minutes).
pub const MAX_SKEW_MILLIS: u64 = 900_000;

/// What was signed and what we computed, for a `SignatureDoesNotMatch` response.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SignatureMismatch {
    /// The access key id of the credential.
    pub access_key: String,
    /// The signature the client sent.
    pub signature_provided: String,
    /// The string to sign we computed, when we could rebuild it.
    pub string_to_sign: Option<String>,
    /// The canonical request we computed, when we could rebuild it.
    pub canonical_request: Option<String>,
}

/// A SigV4 authentication failure. `Display` is the S3 `<Message>` text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AuthError {
    /// Neither an `Authorization` header nor a presigned query: the request is anonymous.
    #[error("Access Denied")]
    Unsigned,
    /// The access key is not in the keyring.
    #[error("The AWS Access Key Id you provided does not exist in our records.")]
    InvalidAccessKeyId {
        /// The access key id the client sent.
        access_key: String,
    },
    /// The signature we computed differs from the client's (or a chunk signature does).
    #[error(
        "The request signature we calculated does not match the signature you provided. Check your key and signing method."
    )]
    SignatureDoesNotMatch(Box<SignatureMismatch>),
    /// The request time is more than 15 minutes away from the server's clock.
    #[error("The difference between the request time and the current time is too large.")]
    RequestTimeTooSkewed {
        /// The request time as the client sent it (`x-amz-date` or `Date`).
        request_time: String,
        /// The server time, ISO 8601.
        server_time: String,
    },
    /// The request carries no usable time (`x-amz-date` or `Date`).
    #[error("AWS authentication requires a valid Date or x-amz-date header")]
    MissingDate,
    /// The `Authorization` header cannot be parsed or is inconsistent.
    #[error("{message}")]
    AuthorizationHeaderMalformed {
        /// The full S3 message.
        message: String,
        /// The region S3 expected, for a wrong-region error.
        region: Option<String>,
    },
    /// The presigned query parameters are missing or malformed.
    #[error("{0}")]
    AuthorizationQueryParametersError(String),
    /// A presigned URL used after `X-Amz-Date + X-Amz-Expires` (SigV4) or after `Expires`
    /// (SigV2).
    #[error("Request has expired")]
    Expired {
        /// `X-Amz-Expires` as sent (SigV4); SigV2 URLs have none and S3 names none.
        x_amz_expires: Option<String>,
        /// When the URL expired, ISO 8601.
        expires: String,
        /// The server time, ISO 8601.
        server_time: String,
    },
    /// `x-amz-*` headers were sent but not signed.
    #[error("There were headers present in the request which were not signed")]
    HeadersNotSigned {
        /// The unsigned header names, comma separated.
        headers: String,
    },
    /// The body's SHA-256 differs from `x-amz-content-sha256`.
    #[error("The provided 'x-amz-content-sha256' header does not match what was computed.")]
    ContentSha256Mismatch {
        /// The client's value.
        client: String,
        /// The value we computed.
        computed: String,
    },
    /// A request S3 refuses as `InvalidRequest` (e.g. a missing `x-amz-content-sha256`).
    #[error("{0}")]
    InvalidRequest(String),
    /// A request S3 refuses as `InvalidArgument` (e.g. a bad `x-amz-content-sha256` value).
    #[error("{0}")]
    InvalidArgument(String),
    /// A refusal S3 answers `403 AccessDenied` with its own message (e.g. a SigV2 query
    /// missing `Expires`).
    #[error("{0}")]
    AccessDenied(String),
    /// A SigV2 `Authorization` header that is not `AWS <key>:<signature>`: S3's
    /// `InvalidArgument`, naming the header and its value.
    #[error("{message}")]
    InvalidAuthorization {
        /// The full S3 message.
        message: String,
        /// The `Authorization` header as sent.
        value: String,
    },
    /// A SigV2 request where SigV2 is refused (`--refuse-sigv2`), or sent to a service that
    /// never accepted it (Lambda, CloudWatch Logs).
    #[error(
        "The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256."
    )]
    SignatureVersionNotSupported,
    /// The aws-chunked body ended early or its decoded length differs from
    /// `x-amz-decoded-content-length`.
    #[error("The request body terminated unexpectedly")]
    IncompleteBody,
    /// The aws-chunked framing is not valid (bad size line, missing CRLF, bad trailer).
    #[error("The aws-chunked encoded body is malformed: {0}")]
    MalformedChunkedBody(String),
    /// A trailing checksum does not match the decoded body.
    #[error("The {algorithm} you specified did not match the calculated checksum.")]
    BadDigest {
        /// The algorithm in upper case as S3 prints it, e.g. `CRC32`.
        algorithm: String,
    },
}

impl AuthError {
    /// The S3 error code.
    pub fn s3_code(&self) -> &'static str {
        match self {
            Self::Unsigned
            | Self::MissingDate
            | Self::Expired { .. }
            | Self::AccessDenied(_)
            | Self::HeadersNotSigned { .. } => "AccessDenied",
            Self::InvalidAccessKeyId { .. } => "InvalidAccessKeyId",
            Self::SignatureDoesNotMatch(_) => "SignatureDoesNotMatch",
            Self::RequestTimeTooSkewed { .. } => "RequestTimeTooSkewed",
            Self::AuthorizationHeaderMalformed { .. } => "AuthorizationHeaderMalformed",
            Self::AuthorizationQueryParametersError(_) => "AuthorizationQueryParametersError",
            Self::ContentSha256Mismatch { .. } => "XAmzContentSHA256Mismatch",
            Self::InvalidRequest(_)
            | Self::MalformedChunkedBody(_)
            | Self::SignatureVersionNotSupported => "InvalidRequest",
            Self::InvalidArgument(_) | Self::InvalidAuthorization { .. } => "InvalidArgument",
            Self::IncompleteBody => "IncompleteBody",
            Self::BadDigest { .. } => "BadDigest",
        }
    }

    /// The HTTP status of the S3 error.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::Unsigned
            | Self::MissingDate
            | Self::InvalidAccessKeyId { .. }
            | Self::SignatureDoesNotMatch(_)
            | Self::RequestTimeTooSkewed { .. }
            | Self::Expired { .. }
            | Self::AccessDenied(_)
            | Self::HeadersNotSigned { .. } => StatusCode::FORBIDDEN,
            Self::AuthorizationHeaderMalformed { .. }
            | Self::InvalidAuthorization { .. }
            | Self::SignatureVersionNotSupported
            | Self::AuthorizationQueryParametersError(_)
            | Self::ContentSha256Mismatch { .. }
            | Self::InvalidRequest(_)
            | Self::InvalidArgument(_)
            | Self::IncompleteBody
            | Self::MalformedChunkedBody(_)
            | Self::BadDigest { .. } => StatusCode::BAD_REQUEST,
        }
    }

    /// The extra elements S3 puts in `<Error>` after `<Message>`, in order.
    pub fn extras(&self) -> Vec<(&'static str, String)> {
        match self {
            Self::InvalidAccessKeyId { access_key } => vec![("AWSAccessKeyId", access_key.clone())],
            Self::SignatureDoesNotMatch(m) => {
                let mut out = vec![("AWSAccessKeyId", m.access_key.clone())];
                if let Some(sts) = &m.string_to_sign {
                    out.push(("StringToSign", sts.clone()));
                }
                out.push(("SignatureProvided", m.signature_provided.clone()));
                if let Some(sts) = &m.string_to_sign {
                    out.push(("StringToSignBytes", hex_bytes(sts)));
                }
                if let Some(creq) = &m.canonical_request {
                    out.push(("CanonicalRequest", creq.clone()));
                    out.push(("CanonicalRequestBytes", hex_bytes(creq)));
                }
                out
            }
            Self::RequestTimeTooSkewed {
                request_time,
                server_time,
            } => vec![
                ("RequestTime", request_time.clone()),
                ("ServerTime", server_time.clone()),
                ("MaxAllowedSkewMilliseconds", MAX_SKEW_MILLIS.to_string()),
            ],
            Self::AuthorizationHeaderMalformed {
                region: Some(region),
                ..
            } => vec![("Region", region.clone())],
            Self::Expired {
                x_amz_expires,
                expires,
                server_time,
            } => {
                let mut out: Vec<_> = x_amz_expires
                    .iter()
                    .map(|e| ("X-Amz-Expires", e.clone()))
                    .collect();
                out.push(("Expires", expires.clone()));
                out.push(("ServerTime", server_time.clone()));
                out
            }
            Self::InvalidAuthorization { value, .. } => vec![
                ("ArgumentName", "Authorization".to_owned()),
                ("ArgumentValue", value.clone()),
            ],
            Self::HeadersNotSigned { headers } => vec![("HeadersNotSigned", headers.clone())],
            Self::ContentSha256Mismatch { client, computed } => vec![
                ("ClientComputedContentSHA256", client.clone()),
                ("S3ComputedContentSHA256", computed.clone()),
            ],
            _ => Vec::new(),
        }
    }

    /// The Lambda JSON error type (`x-amzn-ErrorType`) for the same failure.
    pub fn lambda_code(&self) -> &'static str {
        match self {
            Self::Unsigned => "MissingAuthenticationTokenException",
            Self::InvalidAccessKeyId { .. } => "UnrecognizedClientException",
            Self::SignatureDoesNotMatch(_)
            | Self::RequestTimeTooSkewed { .. }
            | Self::Expired { .. } => "InvalidSignatureException",
            Self::MissingDate
            | Self::AuthorizationHeaderMalformed { .. }
            | Self::InvalidAuthorization { .. }
            | Self::SignatureVersionNotSupported
            | Self::AuthorizationQueryParametersError(_) => "IncompleteSignatureException",
            Self::HeadersNotSigned { .. } | Self::AccessDenied(_) => "AccessDeniedException",
            Self::ContentSha256Mismatch { .. }
            | Self::InvalidRequest(_)
            | Self::InvalidArgument(_)
            | Self::IncompleteBody
            | Self::MalformedChunkedBody(_)
            | Self::BadDigest { .. } => "InvalidRequestContentException",
        }
    }

    /// The HTTP status of the Lambda error.
    pub fn lambda_status(&self) -> StatusCode {
        match self.lambda_code() {
            "IncompleteSignatureException" | "InvalidRequestContentException" => {
                StatusCode::BAD_REQUEST
            }
            _ => StatusCode::FORBIDDEN,
        }
    }

    /// The Lambda JSON `message` for the same failure.
    pub fn lambda_message(&self) -> String {
        match self {
            Self::Unsigned => "Missing Authentication Token".to_owned(),
            Self::InvalidAccessKeyId { .. } => {
                "The security token included in the request is invalid.".to_owned()
            }
            Self::RequestTimeTooSkewed {
                request_time,
                server_time,
            } => format!("Signature expired: {request_time} is now earlier than {server_time}."),
            _ => self.to_string(),
        }
    }
}

/// `"AWS4"` → `"41 57 53 34"`: the space-separated hex S3 puts in `*Bytes` elements.
fn hex_bytes(s: &str) -> String {
    s.bytes()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_are_space_separated_hex() {
        assert_eq!(hex_bytes("AWS4\n"), "41 57 53 34 0a");
        assert_eq!(hex_bytes(""), "");
    }

    #[test]
    fn signature_mismatch_extras_in_s3_order() {
        let e = AuthError::SignatureDoesNotMatch(Box::new(SignatureMismatch {
            access_key: "AK".into(),
            signature_provided: "sig".into(),
            string_to_sign: Some("S".into()),
            canonical_request: Some("C".into()),
        }));
        let names: Vec<_> = e.extras().into_iter().map(|(n, _)| n).collect();
        assert_eq!(
            names,
            [
                "AWSAccessKeyId",
                "StringToSign",
                "SignatureProvided",
                "StringToSignBytes",
                "CanonicalRequest",
                "CanonicalRequestBytes"
            ]
        );
        assert_eq!(e.status(), StatusCode::FORBIDDEN);
        assert_eq!(e.lambda_code(), "InvalidSignatureException");
    }

    #[test]
    fn unsigned_maps_to_missing_token() {
        let e = AuthError::Unsigned;
        assert_eq!(e.s3_code(), "AccessDenied");
        assert_eq!(e.to_string(), "Access Denied");
        assert_eq!(e.lambda_code(), "MissingAuthenticationTokenException");
        assert_eq!(e.lambda_message(), "Missing Authentication Token");
    }

    #[test]
    fn sigv2_refusals_in_s3_shape() {
        let e = AuthError::Expired {
            x_amz_expires: None,
            expires: "2021-10-13T20:41:40Z".into(),
            server_time: "2022-03-16T06:57:35Z".into(),
        };
        let names: Vec<_> = e.extras().into_iter().map(|(n, _)| n).collect();
        assert_eq!(names, ["Expires", "ServerTime"]);
        let e = AuthError::InvalidAuthorization {
            message: "m".into(),
            value: "AWS x".into(),
        };
        assert_eq!(
            (e.s3_code(), e.status()),
            ("InvalidArgument", StatusCode::BAD_REQUEST)
        );
        assert_eq!(
            e.extras(),
            [
                ("ArgumentName", "Authorization".to_owned()),
                ("ArgumentValue", "AWS x".to_owned())
            ]
        );
        let e = AuthError::SignatureVersionNotSupported;
        assert_eq!(
            (e.s3_code(), e.status()),
            ("InvalidRequest", StatusCode::BAD_REQUEST)
        );
        let e = AuthError::SignatureDoesNotMatch(Box::new(SignatureMismatch {
            access_key: "AK".into(),
            signature_provided: "sig".into(),
            string_to_sign: Some("GET".into()),
            canonical_request: None,
        }));
        let names: Vec<_> = e.extras().into_iter().map(|(n, _)| n).collect();
        assert_eq!(
            names,
            [
                "AWSAccessKeyId",
                "StringToSign",
                "SignatureProvided",
                "StringToSignBytes"
            ]
        );
    }
}
