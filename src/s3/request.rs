//! The S3 request as the edge hands it over: bucket and key already extracted, body decoded.

use std::net::IpAddr;
use std::sync::Arc;

use bytes::Bytes;
use http::{HeaderMap, Method};

use super::form::PostForm;
use crate::auth::Account;

/// One authenticated S3 request, ready for the service (`S3::handle`).
#[derive(Debug, Clone)]
pub struct S3Request {
    /// The HTTP method.
    pub method: Method,
    /// The bucket, from the path or the virtual host; `None` for service-level requests.
    pub bucket: Option<String>,
    /// The percent-decoded object key; `None` for bucket-level requests.
    pub key: Option<String>,
    /// Decoded query pairs in order; flags such as `?location` have an empty value.
    pub query: Vec<(String, String)>,
    /// Request headers, including trailing checksum headers merged in by the edge.
    pub headers: HeaderMap,
    /// The decoded payload.
    pub body: Bytes,
    /// A form upload's form, when the edge already parsed it (to check its policy); the
    /// service then reads it from here, not again from `body`.
    pub form: Option<Arc<PostForm>>,
    /// The signing account.
    pub requester: Arc<Account>,
    /// The region the request was signed for.
    pub region: String,
    /// The `x-amz-request-id` the edge will return.
    pub request_id: String,
    /// The `x-amz-id-2` the edge will return.
    pub host_id: String,
    /// The client's address.
    pub source_ip: IpAddr,
}

impl S3Request {
    /// A request with empty headers, query and body, for tests and in-process use.
    pub fn new(
        method: Method,
        bucket: Option<&str>,
        key: Option<&str>,
        requester: Arc<Account>,
    ) -> Self {
        Self {
            method,
            bucket: bucket.map(str::to_owned),
            key: key.map(str::to_owned),
            query: Vec::new(),
            headers: HeaderMap::new(),
            body: Bytes::new(),
            form: None,
            requester,
            region: "us-east-1".to_owned(),
            request_id: "0000000000000000".to_owned(),
            host_id: "s3lambda".to_owned(),
            source_ip: IpAddr::from([127, 0, 0, 1]),
        }
    }

    /// The first value of query parameter `name`, if present.
    pub fn query_param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Whether query parameter `name` is present (with or without a value).
    pub fn has_query(&self, name: &str) -> bool {
        self.query.iter().any(|(k, _)| k == name)
    }

    /// Header `name` as a string, if present and valid UTF-8/ASCII.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}
