//! In-process clients: the S3 and Lambda APIs called without HTTP, through the same code
//! paths the edge uses after it has checked a request's signature.
//!
//! A [`LocalClient`] acts as one configured account. S3 calls are synchronous (the store is
//! in memory) and emit the same events an HTTP request would, so they must run inside a tokio
//! runtime; Lambda calls are async. Every call returns what the wire would carry, as values:
//! S3 errors as [`S3Error`] (code, status, message), Lambda errors as [`LambdaError`].

use std::fmt::Write as _;
use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use bytes::Bytes;
use http::{HeaderValue, Method, Response};
use serde_json::{Value, json};

use super::{Origin, SimError, Simulator};
use crate::auth::Account;
use crate::lambda::LambdaRequest;
use crate::lambda::error::LambdaError;
use crate::lambda::package;
use crate::runtime::handlers;
use crate::s3::{S3Error, S3Request};
use crate::trace::{Query, TraceView};

/// The role the typed helpers give new functions (Lambda requires one; s3lambda does not
/// check it).
const ROLE: &str = "lambda-role";

/// An in-process client acting as one account. Cheap to clone.
#[derive(Clone)]
pub struct LocalClient {
    sim: Simulator,
    account: Arc<Account>,
}

impl std::fmt::Debug for LocalClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LocalClient")
            .field("account", &self.account.id)
            .finish_non_exhaustive()
    }
}

/// What S3 answered to an accepted write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectWrite {
    /// The `x-amz-request-id` of the request (the event record's `x-amz-request-id`).
    pub request_id: String,
    /// The object's `ETag`, quoted as S3 sends it; `None` for deletes.
    pub etag: Option<String>,
    /// The `x-amz-version-id`, on versioned buckets.
    pub version_id: Option<String>,
}

/// What a synchronous `Invoke` returned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invoked {
    /// The function's result, or its error document.
    pub payload: Bytes,
    /// `Unhandled` (or `Handled`) when the function failed.
    pub function_error: Option<String>,
    /// The last 4 KB of the invocation's log, as `LogType=Tail` returns it.
    pub log: String,
    /// The version that ran.
    pub executed_version: String,
}

impl Simulator {
    /// A client acting as the configured account `account_id`.
    pub fn client(&self, account_id: &str) -> Result<LocalClient, SimError> {
        let account = self
            .keyring()
            .by_account_id(account_id)
            .ok_or_else(|| SimError::UnknownAccount(account_id.to_owned()))?;
        Ok(LocalClient {
            sim: self.clone(),
            account: Arc::clone(account),
        })
    }

    /// A client acting as the first configured account (`000000000000` by default).
    pub fn default_client(&self) -> LocalClient {
        let account = self
            .config()
            .accounts
            .first()
            .and_then(|a| self.keyring().by_account_id(&a.id))
            .map_or_else(|| Arc::new(Account::default_account()), Arc::clone);
        LocalClient {
            sim: self.clone(),
            account,
        }
    }

    /// Waits until no delivery is queued, running or waiting for a retry. `false` if
    /// `timeout` passed first.
    pub async fn wait_idle(&self, timeout: Duration) -> bool {
        self.journal().wait_idle(timeout).await
    }

    /// The traces `query` selects, most recent first.
    pub fn traces(&self, query: &Query) -> Vec<TraceView> {
        self.journal().query(query)
    }

    /// Runs one authenticated S3 request and emits the events of what it changed: the one
    /// path from a verified request to the store and the dispatcher.
    pub(crate) fn s3_call(&self, request: &S3Request) -> Result<Response<Bytes>, S3Error> {
        let crate::s3::Handled {
            response: result,
            effects,
        } = self.s3().handle(request);
        if let Some(bucket) = &request.bucket {
            self.emit(
                bucket,
                effects,
                &Origin {
                    requester: &request.requester,
                    source_ip: request.source_ip,
                    request_id: &request.request_id,
                    host_id: &request.host_id,
                },
            );
        }
        result
    }
}

impl LocalClient {
    /// The account this client acts as.
    pub fn account_id(&self) -> &str {
        &self.account.id
    }

    /// The simulator this client calls.
    pub fn simulator(&self) -> &Simulator {
        &self.sim
    }

    /// A request from this account with fresh request ids, for [`LocalClient::s3`].
    pub fn s3_request(&self, method: Method, bucket: Option<&str>, key: Option<&str>) -> S3Request {
        let ids = self.sim.request_ids().s3();
        S3Request {
            region: self.sim.config().region.clone(),
            request_id: ids.request_id,
            host_id: ids.host_id,
            ..S3Request::new(method, bucket, key, Arc::clone(&self.account))
        }
    }

    /// Runs any S3 request; accepted writes emit their events.
    pub fn s3(&self, request: &S3Request) -> Result<Response<Bytes>, S3Error> {
        self.sim.s3_call(request)
    }

    /// CreateBucket in the simulator's region.
    pub fn create_bucket(&self, bucket: &str) -> Result<(), S3Error> {
        self.s3(&self.s3_request(Method::PUT, Some(bucket), None))
            .map(drop)
    }

    /// PutBucketNotificationConfiguration with the XML body S3 takes.
    pub fn put_bucket_notification(&self, bucket: &str, xml: &str) -> Result<(), S3Error> {
        self.s3(&self.notification_request(bucket, xml)).map(drop)
    }

    /// PutBucketNotificationConfiguration with `x-amz-skip-destination-validation: true`: S3
    /// stores the configuration without checking it may invoke the functions it names, so
    /// the refusal shows at delivery, in the event's trace.
    pub fn put_bucket_notification_unvalidated(
        &self,
        bucket: &str,
        xml: &str,
    ) -> Result<(), S3Error> {
        let mut req = self.notification_request(bucket, xml);
        req.headers.insert(
            "x-amz-skip-destination-validation",
            HeaderValue::from_static("true"),
        );
        self.s3(&req).map(drop)
    }

    fn notification_request(&self, bucket: &str, xml: &str) -> S3Request {
        let mut req = self.s3_request(Method::PUT, Some(bucket), None);
        req.query.push(("notification".to_owned(), String::new()));
        req.body = Bytes::copy_from_slice(xml.as_bytes());
        req
    }

    /// PutObject.
    pub fn put_object(
        &self,
        bucket: &str,
        key: &str,
        body: impl Into<Bytes>,
    ) -> Result<ObjectWrite, S3Error> {
        let mut req = self.s3_request(Method::PUT, Some(bucket), Some(key));
        req.body = body.into();
        self.write(&req)
    }

    /// CopyObject from `source_bucket/source_key`.
    pub fn copy_object(
        &self,
        bucket: &str,
        key: &str,
        source_bucket: &str,
        source_key: &str,
    ) -> Result<ObjectWrite, S3Error> {
        let mut req = self.s3_request(Method::PUT, Some(bucket), Some(key));
        let source = format!(
            "{source_bucket}/{}",
            percent_encoding::utf8_percent_encode(source_key, COPY_SOURCE)
        );
        let value = HeaderValue::from_str(&source).map_err(|_| {
            S3Error::invalid_argument("Invalid copy source encoding", "x-amz-copy-source", &source)
        })?;
        req.headers.insert("x-amz-copy-source", value);
        self.write(&req)
    }

    /// DeleteObject.
    pub fn delete_object(&self, bucket: &str, key: &str) -> Result<ObjectWrite, S3Error> {
        self.write(&self.s3_request(Method::DELETE, Some(bucket), Some(key)))
    }

    /// A whole multipart upload: create, one UploadPart per element of `parts`, complete.
    /// Every part but the last must be at least 5 MiB, as on AWS.
    pub fn multipart_upload(
        &self,
        bucket: &str,
        key: &str,
        parts: &[Bytes],
    ) -> Result<ObjectWrite, S3Error> {
        let mut create = self.s3_request(Method::POST, Some(bucket), Some(key));
        create.query.push(("uploads".to_owned(), String::new()));
        let created = self.s3(&create)?;
        let upload_id = xml_field(created.body(), "UploadId").ok_or_else(|| {
            S3Error::invalid_request("CreateMultipartUpload returned no UploadId")
        })?;
        let mut complete = String::from("<CompleteMultipartUpload>");
        for (n, part) in parts.iter().enumerate() {
            let number = (n + 1).to_string();
            let mut req = self.s3_request(Method::PUT, Some(bucket), Some(key));
            req.query.push(("partNumber".to_owned(), number.clone()));
            req.query.push(("uploadId".to_owned(), upload_id.clone()));
            req.body = part.clone();
            let etag = self.write(&req)?.etag.unwrap_or_default();
            let _ = write!(
                complete,
                "<Part><PartNumber>{number}</PartNumber><ETag>{etag}</ETag></Part>"
            );
        }
        complete.push_str("</CompleteMultipartUpload>");
        let mut req = self.s3_request(Method::POST, Some(bucket), Some(key));
        req.query.push(("uploadId".to_owned(), upload_id));
        req.body = Bytes::from(complete);
        let request_id = req.request_id.clone();
        let response = self.s3(&req)?;
        Ok(ObjectWrite {
            request_id,
            etag: xml_field(response.body(), "ETag"),
            version_id: header(&response, "x-amz-version-id"),
        })
    }

    fn write(&self, req: &S3Request) -> Result<ObjectWrite, S3Error> {
        let response = self.s3(req)?;
        Ok(ObjectWrite {
            request_id: req.request_id.clone(),
            etag: header(&response, "etag"),
            version_id: header(&response, "x-amz-version-id"),
        })
    }

    /// Any Lambda REST-JSON call, e.g. `(POST, "/2015-03-31/functions/f/policy", body)`.
    /// `path` may carry a query (`?Qualifier=PROD`). Returns the response's JSON body (`Null`
    /// when it has none).
    pub async fn lambda(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> Result<Value, LambdaError> {
        let body = body.map_or_else(Bytes::new, |v| Bytes::from(v.to_string()));
        let response = self.lambda_raw(method, path, body, &[]).await?;
        if response.body().is_empty() {
            return Ok(Value::Null);
        }
        serde_json::from_slice(response.body())
            .map_err(|e| LambdaError::Service(format!("response is not JSON: {e}")))
    }

    async fn lambda_raw(
        &self,
        method: Method,
        path: &str,
        body: Bytes,
        headers: &[(&'static str, &str)],
    ) -> Result<Response<Bytes>, LambdaError> {
        let (path, query) = path.split_once('?').unwrap_or((path, ""));
        let mut map = http::HeaderMap::new();
        for (name, value) in headers {
            if let Ok(v) = HeaderValue::from_str(value) {
                map.insert(*name, v);
            }
        }
        self.sim
            .lambda()
            .handle(LambdaRequest {
                method,
                path: path.to_owned(),
                query: form_urlencoded::parse(query.as_bytes())
                    .into_owned()
                    .collect(),
                headers: map,
                body,
                account_id: self.account.id.clone(),
                region: self.sim.config().region.clone(),
                request_id: self.sim.request_ids().lambda(),
            })
            .await
    }

    /// CreateFunction running the built-in handler `handler` (a name from `handlers/`, e.g.
    /// `helloworld` or `s3-logger`), packaged as the zip a user would upload.
    pub async fn create_function(&self, name: &str, handler: &str) -> Result<Value, LambdaError> {
        let package = builtin_package(handler)?;
        self.create_function_from_package(name, &package, "handler.handle")
            .await
    }

    /// CreateFunction from a deployment package (a zip, or a raw `.wasm`).
    pub async fn create_function_from_package(
        &self,
        name: &str,
        package: &[u8],
        handler: &str,
    ) -> Result<Value, LambdaError> {
        let body = json!({
            "FunctionName": name,
            "Role": format!("arn:aws:iam::{}:role/{ROLE}", self.account.id),
            "Handler": handler,
            "Runtime": "provided.al2023",
            "Code": {"ZipFile": base64::engine::general_purpose::STANDARD.encode(package)},
        });
        self.lambda(Method::POST, "/2015-03-31/functions", Some(&body))
            .await
    }

    /// UpdateFunctionCode of `$LATEST` to the built-in handler `handler`.
    pub async fn update_function_code(
        &self,
        name: &str,
        handler: &str,
    ) -> Result<Value, LambdaError> {
        let package = builtin_package(handler)?;
        self.update_function_code_from_package(name, &package).await
    }

    /// UpdateFunctionCode of `$LATEST` to a deployment package (a zip, or a raw `.wasm`).
    pub async fn update_function_code_from_package(
        &self,
        name: &str,
        package: &[u8],
    ) -> Result<Value, LambdaError> {
        let body = json!({
            "ZipFile": base64::engine::general_purpose::STANDARD.encode(package),
        });
        self.lambda(
            Method::PUT,
            &format!("/2015-03-31/functions/{}/code", encode(name)),
            Some(&body),
        )
        .await
    }

    /// PublishVersion; returns the new version number.
    pub async fn publish_version(&self, name: &str) -> Result<String, LambdaError> {
        let v = self
            .lambda(
                Method::POST,
                &format!("/2015-03-31/functions/{}/versions", encode(name)),
                Some(&json!({})),
            )
            .await?;
        Ok(v["Version"].as_str().unwrap_or_default().to_owned())
    }

    /// CreateAlias pointing at `version`.
    pub async fn create_alias(
        &self,
        function: &str,
        alias: &str,
        version: &str,
    ) -> Result<Value, LambdaError> {
        let body = json!({"Name": alias, "FunctionVersion": version});
        self.lambda(
            Method::POST,
            &format!("/2015-03-31/functions/{}/aliases", encode(function)),
            Some(&body),
        )
        .await
    }

    /// AddPermission as the push-model tutorial grants it: principal `s3.amazonaws.com`,
    /// action `lambda:InvokeFunction`, `SourceArn` the bucket, `SourceAccount` its owner.
    pub async fn add_s3_permission(
        &self,
        function: &str,
        qualifier: Option<&str>,
        statement_id: &str,
        bucket: &str,
        source_account: &str,
    ) -> Result<(), LambdaError> {
        let body = json!({
            "StatementId": statement_id,
            "Action": "lambda:InvokeFunction",
            "Principal": "s3.amazonaws.com",
            "SourceArn": format!("arn:aws:s3:::{bucket}"),
            "SourceAccount": source_account,
        });
        let mut path = format!("/2015-03-31/functions/{}/policy", encode(function));
        if let Some(q) = qualifier {
            path.push_str("?Qualifier=");
            path.push_str(&encode(q));
        }
        self.lambda(Method::POST, &path, Some(&body))
            .await
            .map(drop)
    }

    /// A synchronous Invoke of `function` (a name, `name:qualifier` or an ARN) with its log.
    pub async fn invoke(&self, function: &str, payload: &[u8]) -> Result<Invoked, LambdaError> {
        let response = self
            .lambda_raw(
                Method::POST,
                &format!("/2015-03-31/functions/{}/invocations", encode(function)),
                Bytes::copy_from_slice(payload),
                &[("x-amz-log-type", "Tail")],
            )
            .await?;
        let log = header(&response, "x-amz-log-result")
            .and_then(|b64| base64::engine::general_purpose::STANDARD.decode(b64).ok())
            .map(|raw| String::from_utf8_lossy(&raw).into_owned())
            .unwrap_or_default();
        Ok(Invoked {
            function_error: header(&response, "x-amz-function-error"),
            executed_version: header(&response, "x-amz-executed-version").unwrap_or_default(),
            log,
            payload: response.into_body(),
        })
    }
}

/// The zip a user would upload for the built-in handler `name`: `handler.wasm` at the root.
fn builtin_package(name: &str) -> Result<Vec<u8>, LambdaError> {
    let wasm = handlers::by_name(name).ok_or_else(|| {
        LambdaError::InvalidParameterValue(format!(
            "There is no built-in handler named {name}; built-in handlers: {}",
            handlers::ALL
                .iter()
                .map(|(n, _)| *n)
                .collect::<Vec<_>>()
                .join(", ")
        ))
    })?;
    Ok(package::zip_of(&[("handler.wasm", wasm)]))
}

/// What `x-amz-copy-source` percent-encodes in a key (everything but unreserved and `/`).
const COPY_SOURCE: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~')
    .remove(b'/');

/// A path segment, percent-encoded.
pub(crate) fn encode(segment: &str) -> String {
    percent_encoding::utf8_percent_encode(segment, percent_encoding::NON_ALPHANUMERIC).to_string()
}

fn header(response: &Response<Bytes>, name: &str) -> Option<String> {
    response
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// The text of the first `<name>` element of an XML body.
fn xml_field(body: &[u8], name: &str) -> Option<String> {
    let text = std::str::from_utf8(body).ok()?;
    let open = format!("<{name}>");
    let start = text.find(&open)? + open.len();
    let end = text[start..].find("</")? + start;
    quick_xml::escape::unescape(&text[start..end])
        .ok()
        .map(std::borrow::Cow::into_owned)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::trace::Outcome;

    const ARN: &str = "arn:aws:lambda:us-east-1:000000000000:function";

    fn notification(function: &str) -> String {
        format!(
            "<NotificationConfiguration><CloudFunctionConfiguration><Id>all</Id>\
             <CloudFunction>{ARN}:{function}</CloudFunction>\
             <Event>s3:ObjectCreated:*</Event><Event>s3:ObjectRemoved:*</Event>\
             </CloudFunctionConfiguration></NotificationConfiguration>"
        )
    }

    #[tokio::test]
    async fn every_write_emits_its_event_through_the_local_client() {
        let sim = Simulator::builder().build().unwrap();
        let aws = sim.default_client();
        aws.create_function("log", "s3-logger").await.unwrap();
        aws.add_s3_permission("log", None, "s3", "bkt", "000000000000")
            .await
            .unwrap();
        aws.create_bucket("bkt").unwrap();
        aws.put_bucket_notification("bkt", &notification("log"))
            .unwrap();

        let put = aws.put_object("bkt", "a b.txt", &b"hello"[..]).unwrap();
        assert_eq!(
            put.etag.as_deref(),
            Some("\"5d41402abc4b2a76b9719d911017c592\"")
        );
        aws.copy_object("bkt", "copy", "bkt", "a b.txt").unwrap();
        let mpu = aws
            .multipart_upload("bkt", "big", &[Bytes::from_static(b"part")])
            .unwrap();
        assert!(mpu.etag.is_some_and(|e| e.ends_with("-1\"")));
        aws.delete_object("bkt", "copy").unwrap();
        assert!(sim.wait_idle(Duration::from_secs(10)).await);

        let mut names: Vec<String> = sim
            .traces(&Query::default())
            .into_iter()
            .inspect(|t| assert_eq!(t.outcome, Some(Outcome::Delivered), "{t:?}"))
            .map(|t| t.source.event_name)
            .collect();
        names.reverse();
        assert_eq!(
            names,
            [
                "ObjectCreated:Put",
                "ObjectCreated:Copy",
                "ObjectCreated:CompleteMultipartUpload",
                "ObjectRemoved:Delete"
            ]
        );
        let first = &sim.traces(&Query::default())[3];
        assert_eq!(first.source.request_id, put.request_id);
    }

    #[tokio::test]
    async fn invoke_returns_the_result_the_log_and_the_version() {
        let sim = Simulator::builder().build().unwrap();
        let aws = sim.default_client();
        aws.create_function("hello", "helloworld").await.unwrap();
        assert_eq!(aws.publish_version("hello").await.unwrap(), "1");
        let out = aws.invoke("hello:1", b"{}").await.unwrap();
        assert_eq!(out.executed_version, "1");
        assert_eq!(out.function_error, None);
        assert!(out.log.contains("START RequestId:"), "{}", out.log);
        assert!(!out.payload.is_empty());

        aws.create_function("boom", "fail").await.unwrap();
        let failed = aws.invoke("boom", b"{}").await.unwrap();
        assert_eq!(failed.function_error.as_deref(), Some("Handled"));
    }

    #[tokio::test]
    async fn errors_come_back_as_aws_would_send_them() {
        let sim = Simulator::builder().build().unwrap();
        let aws = sim.default_client();
        assert!(matches!(
            sim.client("123456789012"),
            Err(SimError::UnknownAccount(id)) if id == "123456789012"
        ));
        let err = aws
            .create_function("f", "no-such-handler")
            .await
            .unwrap_err();
        assert!(err.to_string().contains("s3-logger"), "{err}");
        let err = aws.put_object("missing", "k", Bytes::new()).unwrap_err();
        assert_eq!(err.code(), "NoSuchBucket");
        let err = aws.publish_version("missing").await.unwrap_err();
        assert!(matches!(err, LambdaError::ResourceNotFound(_)), "{err:?}");
    }
}
