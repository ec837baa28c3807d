//! Setup before the load, as an SDK user would do it with signed calls: the bucket, and for
//! notified runs the function (a built-in handler, zipped), a version, an alias, S3's
//! invoke permission and the bucket's notification configuration.

use base64::Engine as _;
use bytes::Bytes;
use http::{Method, StatusCode};
use http_body_util::Full;
use serde_json::json;

use super::BenchError;
use super::conn::{Conn, Endpoint};
use super::sign::Signer;

/// Signed calls over one connection.
#[derive(Debug)]
pub struct Api<'a> {
    endpoint: &'a Endpoint,
    signer: &'a Signer,
    conn: Conn,
}

/// What the notification points at.
#[derive(Debug, Clone)]
pub struct Wiring {
    /// The ARN in the notification configuration (qualified by the alias, if any).
    pub target_arn: String,
}

/// What to wire.
#[derive(Debug, Clone)]
pub struct Plan<'a> {
    /// The bucket.
    pub bucket: &'a str,
    /// The key prefix the notification filters on.
    pub prefix: &'a str,
    /// The built-in handler's name.
    pub handler: &'a str,
    /// The function name.
    pub function: &'a str,
    /// An alias to create (on a published version) and notify.
    pub alias: Option<&'a str>,
    /// The account in ARNs.
    pub account: &'a str,
    /// The Region in ARNs.
    pub region: &'a str,
    /// Skip AddPermission (deliveries will be denied).
    pub no_permission: bool,
}

impl<'a> Api<'a> {
    /// Calls over a new connection to `endpoint`.
    pub fn new(endpoint: &'a Endpoint, signer: &'a Signer) -> Self {
        Self {
            endpoint,
            signer,
            conn: Conn::new(endpoint),
        }
    }

    /// One signed call; the status and body.
    pub async fn call(
        &mut self,
        service: &str,
        method: Method,
        path_and_query: &str,
        headers: &[(&str, &str)],
        body: Vec<u8>,
    ) -> Result<(StatusCode, Bytes), BenchError> {
        let mut builder = self.endpoint.request(method, path_and_query);
        for (k, v) in headers {
            builder = builder.header(*k, *v);
        }
        let mut request = builder
            .body(())
            .map_err(|e| BenchError::Http(e.to_string()))?;
        self.signer.sign(service, &mut request, &body)?;
        let request = request.map(|()| Full::new(Bytes::from(body)));
        self.conn.send(request).await
    }

    async fn expect_ok(
        &mut self,
        step: &'static str,
        service: &str,
        method: Method,
        path: &str,
        headers: &[(&str, &str)],
        body: Vec<u8>,
    ) -> Result<Bytes, BenchError> {
        let (status, answer) = self.call(service, method, path, headers, body).await?;
        if status.is_success() {
            Ok(answer)
        } else {
            Err(BenchError::Setup {
                step,
                status: status.as_u16(),
                body: String::from_utf8_lossy(&answer).into_owned(),
            })
        }
    }

    /// Creates `bucket` (fine if this account already owns it); whether it was created.
    /// HeadBucket asks first: in us-east-1, CreateBucket answers 200 for a bucket the caller
    /// already owns.
    pub async fn create_bucket(&mut self, bucket: &str) -> Result<bool, BenchError> {
        let (status, _) = self
            .call("s3", Method::HEAD, &format!("/{bucket}"), &[], Vec::new())
            .await?;
        if status.is_success() {
            return Ok(false);
        }
        let (status, body) = self
            .call("s3", Method::PUT, &format!("/{bucket}"), &[], Vec::new())
            .await?;
        let body = String::from_utf8_lossy(&body);
        if status.is_success() {
            return Ok(true);
        }
        if body.contains("BucketAlreadyOwnedByYou") {
            return Ok(false);
        }
        Err(BenchError::Setup {
            step: "CreateBucket",
            status: status.as_u16(),
            body: body.into_owned(),
        })
    }

    /// Wires `plan.bucket` to a new function running `plan.handler`.
    pub async fn wire(&mut self, plan: &Plan<'_>) -> Result<Wiring, BenchError> {
        let wasm = s3lambda::runtime::handlers::by_name(plan.handler)
            .ok_or_else(|| BenchError::Usage(format!("no built-in handler {:?}", plan.handler)))?;
        let zip = s3lambda::lambda::package::zip_of(&[("handler.wasm", wasm)]);
        let function = plan.function;
        let body = json!({
            "FunctionName": function,
            "Runtime": "provided.al2023",
            "Role": format!("arn:aws:iam::{}:role/s3lambda-bench", plan.account),
            "Handler": "handler.handle",
            "Code": { "ZipFile": base64::engine::general_purpose::STANDARD.encode(&zip) },
        });
        let functions = "/2015-03-31/functions";
        self.expect_ok(
            "CreateFunction",
            "lambda",
            Method::POST,
            functions,
            &[("content-type", "application/json")],
            body.to_string().into_bytes(),
        )
        .await?;
        let arn = format!(
            "arn:aws:lambda:{}:{}:function:{function}",
            plan.region, plan.account
        );
        let mut qualifier = None;
        if let Some(alias) = plan.alias {
            let answer = self
                .expect_ok(
                    "PublishVersion",
                    "lambda",
                    Method::POST,
                    &format!("{functions}/{function}/versions"),
                    &[("content-type", "application/json")],
                    b"{}".to_vec(),
                )
                .await?;
            let version = serde_json::from_slice::<serde_json::Value>(&answer)
                .ok()
                .and_then(|v| v.get("Version")?.as_str().map(str::to_owned))
                .ok_or_else(|| BenchError::Http("PublishVersion answered no Version".into()))?;
            let body = json!({ "Name": alias, "FunctionVersion": version });
            self.expect_ok(
                "CreateAlias",
                "lambda",
                Method::POST,
                &format!("{functions}/{function}/aliases"),
                &[("content-type", "application/json")],
                body.to_string().into_bytes(),
            )
            .await?;
            qualifier = Some(alias);
        }
        let target_arn = match qualifier {
            Some(q) => format!("{arn}:{q}"),
            None => arn,
        };
        if !plan.no_permission {
            let body = json!({
                "StatementId": "s3-invoke",
                "Action": "lambda:InvokeFunction",
                "Principal": "s3.amazonaws.com",
                "SourceArn": format!("arn:aws:s3:::{}", plan.bucket),
                "SourceAccount": plan.account,
            });
            let query = qualifier
                .map(|q| format!("?Qualifier={q}"))
                .unwrap_or_default();
            self.expect_ok(
                "AddPermission",
                "lambda",
                Method::POST,
                &format!("{functions}/{function}/policy{query}"),
                &[("content-type", "application/json")],
                body.to_string().into_bytes(),
            )
            .await?;
        }
        let xml = notification_xml(&target_arn, plan.prefix);
        let skip = if plan.no_permission {
            vec![("x-amz-skip-destination-validation", "true")]
        } else {
            Vec::new()
        };
        self.expect_ok(
            "PutBucketNotificationConfiguration",
            "s3",
            Method::PUT,
            &format!("/{}?notification", plan.bucket),
            &skip,
            xml.into_bytes(),
        )
        .await?;
        Ok(Wiring { target_arn })
    }

    /// The first `max` keys under `prefix` (one ListObjectsV2 page).
    pub async fn list_keys(
        &mut self,
        bucket: &str,
        prefix: &str,
        max: usize,
    ) -> Result<Vec<String>, BenchError> {
        let query = format!(
            "/{bucket}?list-type=2&max-keys={max}&prefix={}",
            encode_query(prefix)
        );
        let body = self
            .expect_ok("ListObjectsV2", "s3", Method::GET, &query, &[], Vec::new())
            .await?;
        let page: ListPage = quick_xml::de::from_str(&String::from_utf8_lossy(&body))
            .map_err(|e| BenchError::Http(format!("ListObjectsV2 answer: {e}")))?;
        Ok(page.contents.into_iter().map(|e| e.key).collect())
    }

    /// Counts the keys under `prefix` with ListObjectsV2, page by page.
    pub async fn count_keys(&mut self, bucket: &str, prefix: &str) -> Result<u64, BenchError> {
        let mut token: Option<String> = None;
        let mut count = 0;
        loop {
            let mut query = format!("/{bucket}?list-type=2&prefix={}", encode_query(prefix));
            if let Some(t) = &token {
                query.push_str("&continuation-token=");
                query.push_str(&encode_query(t));
            }
            let body = self
                .expect_ok("ListObjectsV2", "s3", Method::GET, &query, &[], Vec::new())
                .await?;
            let page: ListPage = quick_xml::de::from_str(&String::from_utf8_lossy(&body))
                .map_err(|e| BenchError::Http(format!("ListObjectsV2 answer: {e}")))?;
            count += page.contents.len() as u64;
            match page.next_continuation_token {
                Some(t) if page.is_truncated => token = Some(t),
                _ => return Ok(count),
            }
        }
    }
}

#[derive(Debug, serde::Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ListPage {
    #[serde(default)]
    is_truncated: bool,
    next_continuation_token: Option<String>,
    #[serde(default)]
    contents: Vec<ListEntry>,
}

#[derive(Debug, serde::Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ListEntry {
    key: String,
}

/// The query-string encoding AWS signs (RFC 3986 unreserved characters kept).
pub fn encode_query(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, UNRESERVED).to_string()
}

/// The path encoding of a key: like [`encode_query`] but `/` is kept.
pub fn encode_key(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, KEY_SAFE).to_string()
}

const UNRESERVED: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

const KEY_SAFE: &percent_encoding::AsciiSet = &UNRESERVED.remove(b'/');

fn notification_xml(arn: &str, prefix: &str) -> String {
    let prefix = s3lambda::xml::escape(prefix);
    let arn = s3lambda::xml::escape(arn);
    format!(
        "<NotificationConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">\
         <CloudFunctionConfiguration><Id>s3lambda-bench</Id>\
         <CloudFunction>{arn}</CloudFunction><Event>s3:ObjectCreated:*</Event>\
         <Filter><S3Key><FilterRule><Name>prefix</Name><Value>{prefix}</Value></FilterRule>\
         </S3Key></Filter></CloudFunctionConfiguration></NotificationConfiguration>"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_queries_encode_like_sigv4() {
        assert_eq!(encode_key("a b/c~d"), "a%20b/c~d");
        assert_eq!(encode_query("a/b+c"), "a%2Fb%2Bc");
    }

    #[test]
    fn notification_filters_on_the_prefix() {
        let xml = notification_xml("arn:aws:lambda:r:1:function:f:live", "p<x/");
        assert!(xml.contains("<Value>p&lt;x/</Value>"), "{xml}");
        assert!(xml.contains("<CloudFunction>arn:aws:lambda:r:1:function:f:live</CloudFunction>"));
    }

    #[test]
    fn list_pages_parse() {
        let page: ListPage = quick_xml::de::from_str(
            "<ListBucketResult><IsTruncated>true</IsTruncated><Contents><Key>a</Key></Contents>\
             <Contents><Key>b</Key></Contents><NextContinuationToken>t</NextContinuationToken>\
             </ListBucketResult>",
        )
        .unwrap();
        assert_eq!(page.contents.len(), 2);
        assert!(page.is_truncated);
        assert_eq!(page.next_continuation_token.as_deref(), Some("t"));
    }
}
