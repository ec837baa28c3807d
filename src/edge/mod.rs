//! The HTTP edge: one hyper listener, routing, request ids and wire error rendering.
//!
//! Every request is read whole (bounded by `max_body_bytes`), authenticated with SigV4, and
//! handed to the service its path names. The edge owns no domain logic: it only turns HTTP
//! into the services' request values and their results or errors back into HTTP.

mod ids;
mod lambda;
mod logs;
mod route;
mod s3;

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt as _, Full, Limited};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;

pub use ids::{RequestIds, S3Ids};
pub use route::{AddressError, S3Address, Target, route, s3_address};

use crate::sim::Simulator;

/// Serves `sim` on `listener` until `shutdown` resolves, then lets open connections finish
/// their current request (up to ten seconds) and returns.
pub async fn serve(listener: TcpListener, sim: Simulator, shutdown: impl Future<Output = ()>) {
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(conn) => conn,
                Err(e) => {
                    // EMFILE and friends: back off briefly instead of spinning.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let sim = sim.clone();
        let service = service_fn(move |req| {
            let sim = sim.clone();
            async move { Ok::<_, Infallible>(handle(&sim, req, peer).await) }
        });
        let conn = http1::Builder::new()
            .keep_alive(true)
            .max_buf_size(256 * 1024)
            .serve_connection(TokioIo::new(stream), service);
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            if let Err(e) = conn.await {
                tracing::debug!(error = %e, %peer, "connection ended with an error");
            }
        });
    }
    tracing::info!("shutting down: draining open connections");
    if tokio::time::timeout(Duration::from_secs(10), graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!("connections still open after 10 s; closing them");
    }
}

/// One request, start to finish. Never fails: every error becomes the wire error of the
/// service the request was addressed to.
async fn handle(
    sim: &Simulator,
    req: Request<Incoming>,
    peer: SocketAddr,
) -> Response<Full<Bytes>> {
    let (parts, body) = req.into_parts();
    let config = sim.config();
    let host = parts
        .headers
        .get(http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .or_else(|| parts.uri.host());
    let amz_target = parts
        .headers
        .get("x-amz-target")
        .and_then(|h| h.to_str().ok());
    let target = route(
        parts.uri.path(),
        host,
        amz_target,
        &config.virtual_host_domains,
    );
    let body = read_body(body, config.max_body_bytes).await;
    let response = match target {
        Target::S3(address) => s3::handle(sim, &parts, body, address, peer),
        Target::Lambda => lambda::handle(sim, parts, body).await,
        Target::Logs => logs::handle(sim, &parts, body),
        Target::Sim => crate::sim::api::handle(sim, &parts, body).await,
    };
    response.map(Full::new)
}

/// Why a request body could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyError {
    /// Larger than the configured limit.
    TooLarge,
    /// The client stopped sending before the body was complete.
    Incomplete,
}

async fn read_body(body: Incoming, limit: usize) -> Result<Bytes, BodyError> {
    match Limited::new(body, limit).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(e) if e.is::<http_body_util::LengthLimitError>() => Err(BodyError::TooLarge),
        Err(_) => Err(BodyError::Incomplete),
    }
}

/// The query string as decoded pairs, in order; a key without `=` gets an empty value.
pub(crate) fn query_pairs(uri: &http::Uri) -> Vec<(String, String)> {
    uri.query()
        .map(|q| form_urlencoded::parse(q.as_bytes()).into_owned().collect())
        .unwrap_or_default()
}
