//! SigV4 header signing of bench requests with `aws-sigv4`, the way an AWS SDK signs them.

use std::time::SystemTime;

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{
    PayloadChecksumKind, PercentEncodingMode, SignableBody, SignableRequest, SigningSettings,
    UriPathNormalizationMode, sign,
};
use aws_sigv4::sign::v4;

use super::BenchError;

/// Keys and Region that sign every request of a run.
#[derive(Debug, Clone)]
pub struct Signer {
    credentials: Credentials,
    region: String,
}

impl Signer {
    /// A signer for these keys in `region`.
    pub fn new(access_key: &str, secret_key: &str, region: &str) -> Self {
        Self {
            credentials: Credentials::new(access_key, secret_key, None, None, "s3lambda-bench"),
            region: region.to_owned(),
        }
    }

    /// Signs `request` in place for `service` (`s3` or `lambda`): adds `x-amz-date`,
    /// `Authorization` and, for S3, `x-amz-content-sha256` with the hash of `body`. The
    /// request must carry its `host` header.
    pub fn sign<B>(
        &self,
        service: &str,
        request: &mut http::Request<B>,
        body: &[u8],
    ) -> Result<(), BenchError> {
        let mut settings = SigningSettings::default();
        if service == "s3" {
            settings.percent_encoding_mode = PercentEncodingMode::Single;
            settings.uri_path_normalization_mode = UriPathNormalizationMode::Disabled;
            settings.payload_checksum_kind = PayloadChecksumKind::XAmzSha256;
        }
        let identity = self.credentials.clone().into();
        let params = v4::SigningParams::builder()
            .identity(&identity)
            .region(&self.region)
            .name(service)
            .time(SystemTime::now())
            .settings(settings)
            .build()
            .map_err(|e| BenchError::Sign(e.to_string()))?
            .into();
        let uri = request
            .uri()
            .path_and_query()
            .map_or("/", http::uri::PathAndQuery::as_str);
        let headers = request
            .headers()
            .iter()
            .filter_map(|(k, v)| Some((k.as_str(), v.to_str().ok()?)));
        let signable = SignableRequest::new(
            request.method().as_str(),
            uri,
            headers,
            SignableBody::Bytes(body),
        )
        .map_err(|e| BenchError::Sign(e.to_string()))?;
        let (instructions, _signature) = sign(signable, &params)
            .map_err(|e| BenchError::Sign(e.to_string()))?
            .into_parts();
        instructions.apply_to_request_http1x(request);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn s3_requests_carry_the_sdk_headers() {
        let signer = Signer::new("test", "test", "us-east-1");
        let mut req = http::Request::put("http://127.0.0.1:1/b/k")
            .header("host", "127.0.0.1:1")
            .body(())
            .unwrap();
        signer.sign("s3", &mut req, b"abc").unwrap();
        let h = req.headers();
        assert_eq!(
            h["x-amz-content-sha256"],
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert!(h.contains_key("x-amz-date"));
        let auth = h["authorization"].to_str().unwrap();
        assert!(
            auth.starts_with("AWS4-HMAC-SHA256 Credential=test/"),
            "{auth}"
        );
        assert!(auth.contains("/us-east-1/s3/aws4_request"), "{auth}");
    }

    #[test]
    fn lambda_requests_have_no_payload_header() {
        let signer = Signer::new("test", "test", "us-east-1");
        let mut req = http::Request::post("http://h/2015-03-31/functions")
            .header("host", "h")
            .body(())
            .unwrap();
        signer.sign("lambda", &mut req, b"{}").unwrap();
        assert!(!req.headers().contains_key("x-amz-content-sha256"));
        let auth = req.headers()["authorization"].to_str().unwrap();
        assert!(auth.contains("/lambda/aws4_request"), "{auth}");
    }
}
