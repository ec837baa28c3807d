//! The endpoint address and one HTTP/1.1 keep-alive connection to it (reconnecting after
//! an error), used for the load and for setup calls.

use bytes::Bytes;
use http::{Request, StatusCode};
use http_body_util::{BodyExt as _, Full};
use hyper::client::conn::http1::SendRequest;
use hyper_util::rt::TokioIo;

use super::BenchError;

/// An `http://host:port` endpoint.
#[derive(Debug, Clone)]
pub struct Endpoint {
    /// `http://host:port`, no trailing slash.
    pub base: String,
    /// `host:port` (the `Host` header and the address to connect to).
    pub authority: String,
}

impl Endpoint {
    /// Parses `http://host[:port]`.
    pub fn parse(s: &str) -> Result<Self, BenchError> {
        let bad = |why: &str| BenchError::Usage(format!("--endpoint {s:?}: {why}"));
        let uri: http::Uri = s.parse().map_err(|_| bad("not a URL"))?;
        if uri.scheme_str() != Some("http") {
            return Err(bad("only http:// endpoints are supported"));
        }
        if uri.path_and_query().is_some_and(|p| p.as_str() != "/") {
            return Err(bad("give the endpoint without a path"));
        }
        let authority = uri.authority().ok_or_else(|| bad("no host"))?;
        let authority = match authority.port_u16() {
            Some(_) => authority.as_str().to_owned(),
            None => format!("{}:80", authority.host()),
        };
        Ok(Self {
            base: format!("http://{authority}"),
            authority,
        })
    }

    /// A request builder for `path_and_query` with the `host` header set.
    pub fn request(&self, method: http::Method, path_and_query: &str) -> http::request::Builder {
        Request::builder()
            .method(method)
            .uri(format!("{}{path_and_query}", self.base))
            .header(http::header::HOST, &self.authority)
    }
}

/// One keep-alive connection.
#[derive(Debug)]
pub struct Conn {
    authority: String,
    sender: Option<SendRequest<Full<Bytes>>>,
}

impl Conn {
    /// A connection to `endpoint`, opened on first use.
    pub fn new(endpoint: &Endpoint) -> Self {
        Self {
            authority: endpoint.authority.clone(),
            sender: None,
        }
    }

    async fn connect(&self) -> Result<SendRequest<Full<Bytes>>, BenchError> {
        let stream = tokio::net::TcpStream::connect(&self.authority)
            .await
            .map_err(|e| BenchError::Http(format!("cannot connect to {}: {e}", self.authority)))?;
        let _ = stream.set_nodelay(true);
        let (sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
            .await
            .map_err(|e| {
                BenchError::Http(format!("HTTP handshake with {}: {e}", self.authority))
            })?;
        tokio::spawn(async move {
            let _ = conn.await;
        });
        Ok(sender)
    }

    /// Sends `request` and reads the whole answer; the connection is reopened next time
    /// after any error. A request that fails on a reused connection (the server may have
    /// closed it while idle) is sent once more on a fresh one, as an SDK would.
    pub async fn send(
        &mut self,
        request: Request<Full<Bytes>>,
    ) -> Result<(StatusCode, Bytes), BenchError> {
        let reused = self.sender.as_ref().is_some_and(|s| !s.is_closed());
        if !reused {
            return self.send_once(request).await;
        }
        let copy = copy_of(&request);
        match self.send_once(request).await {
            Err(BenchError::Http(_)) => self.send_once(copy).await,
            other => other,
        }
    }

    async fn send_once(
        &mut self,
        request: Request<Full<Bytes>>,
    ) -> Result<(StatusCode, Bytes), BenchError> {
        let mut sender = match self.sender.take() {
            Some(s) if !s.is_closed() => s,
            _ => self.connect().await?,
        };
        let http_err = |e: hyper::Error| BenchError::Http(e.to_string());
        sender.ready().await.map_err(http_err)?;
        let response = sender.send_request(request).await.map_err(http_err)?;
        let status = response.status();
        let body = response
            .into_body()
            .collect()
            .await
            .map_err(http_err)?
            .to_bytes();
        self.sender = Some(sender);
        Ok((status, body))
    }
}

fn copy_of(request: &Request<Full<Bytes>>) -> Request<Full<Bytes>> {
    let mut copy = Request::new(request.body().clone());
    *copy.method_mut() = request.method().clone();
    *copy.uri_mut() = request.uri().clone();
    *copy.version_mut() = request.version();
    *copy.headers_mut() = request.headers().clone();
    copy
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_parse() {
        let e = Endpoint::parse("http://127.0.0.1:4566/").unwrap();
        assert_eq!(e.base, "http://127.0.0.1:4566");
        assert_eq!(e.authority, "127.0.0.1:4566");
        assert_eq!(
            Endpoint::parse("http://localhost").unwrap().authority,
            "localhost:80"
        );
        assert!(Endpoint::parse("https://x:1").is_err());
        assert!(Endpoint::parse("http://x:1/bucket").is_err());
    }
}
