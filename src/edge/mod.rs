//! The HTTP edge: one hyper listener, routing, request ids and wire error rendering.
//!
//! A request is routed by its head, and its signature checked as far as it can be without the
//! body ([`crate::auth::authenticate_head`]): an anonymous or wrongly signed request is
//! refused before a byte of its body is read. Then the body is read whole (bounded by
//! `max_body_bytes`, cut when it stalls), authenticated in full with SigV4, and handed to the
//! service its path names. Connections are bounded in number and in time ([`EdgeLimits`]).
//! The edge owns no domain logic: it only turns HTTP into the services' request values and
//! their results or errors back into HTTP.

mod early;
mod form;
mod ids;
mod lambda;
mod limits;
mod logs;
mod route;
mod s3;

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use http::request::Parts;
use http_body_util::{BodyExt as _, Full};
use hyper::body::{Body as _, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

pub use ids::{RequestIds, S3Ids};
pub use limits::EdgeLimits;
pub use route::{AddressError, S3Address, Target, route, s3_address};

use crate::sim::Simulator;

/// Serves `sim` on `listener` until `shutdown` resolves, then lets open connections finish
/// their current request (up to ten seconds) and returns.
///
/// At most `edge.max_connections` connections are served at once: one accepted over the cap
/// is closed at once. Each connection must send a complete request head within
/// `edge.header_read_timeout_ms` of the server waiting for one (so an idle keep-alive
/// connection is closed after that long too).
pub async fn serve(listener: TcpListener, sim: Simulator, shutdown: impl Future<Output = ()>) {
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let limits = sim.config().edge.clone();
    let permits = Arc::new(Semaphore::new(limits.max_connections));
    let mut at_cap = false;
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
        let Ok(permit) = Arc::clone(&permits).try_acquire_owned() else {
            // Once per episode at warn, so a flood of connections does not flood the log.
            if at_cap {
                tracing::debug!(%peer, "connection closed: the connection cap is reached");
            } else {
                tracing::warn!(
                    %peer,
                    max_connections = limits.max_connections,
                    "connection cap reached: closing new connections until some end"
                );
                at_cap = true;
            }
            drop(stream);
            continue;
        };
        at_cap = false;
        let _ = stream.set_nodelay(true);
        let sim = sim.clone();
        let service = service_fn(move |req| {
            let sim = sim.clone();
            async move { Ok::<_, Infallible>(handle(&sim, req, peer).await) }
        });
        let conn = http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(limits.header_read_timeout())
            .keep_alive(true)
            .max_buf_size(256 * 1024)
            .serve_connection(TokioIo::new(stream), service);
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            let _permit = permit;
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
    let head = match early::check(sim, &parts, &target) {
        Ok(head) => head,
        Err(refused) => return refused.map(Full::new),
    };
    let limit = match target {
        Target::Sim => SIM_API_BODY_LIMIT,
        _ => config.max_body_bytes,
    };
    let stall = config.edge.body_stall_timeout();
    let body = match &target {
        Target::S3(address) if s3::is_form_upload(&parts, address) => {
            match form::read(body, &parts, sim.keyring(), limit, stall).await {
                Ok(body) => Ok(body),
                Err(form::FormRefusal::Body(e)) => Err(e),
                Err(refusal) => {
                    let mut response = s3::refuse_form(sim, &parts, &refusal);
                    response.headers_mut().insert(
                        http::header::CONNECTION,
                        http::HeaderValue::from_static("close"),
                    );
                    return response.map(Full::new);
                }
            }
        }
        _ => read_body(body, limit, stall).await,
    };
    let response = match target {
        Target::S3(address) => s3::handle(sim, &parts, head, body, address, peer),
        Target::Lambda => lambda::handle(sim, &parts, head, body).await,
        Target::Logs => logs::handle(sim, &parts, head, body),
        Target::Sim => crate::sim::api::handle(sim, &parts, body).await,
        // Refused by `early::check` already; answered the same way here.
        Target::BadS3Address(e) => s3::refuse_address(sim, &parts, e),
    };
    response.map(Full::new)
}

/// Finishes a request's authentication with its body: from the head the edge already checked
/// (its signature is not computed again), or in full where the head was not checked.
fn authenticate(
    sim: &Simulator,
    parts: &Parts,
    head: Option<crate::auth::SignedHead<'_>>,
    body: Bytes,
) -> Result<crate::auth::Authenticated, crate::auth::AuthError> {
    match head {
        Some(head) => head.with_body(body),
        None => crate::auth::authenticate(parts, body, sim.keyring(), std::time::SystemTime::now()),
    }
}

/// The largest body the simulator API reads: its requests carry no payload.
const SIM_API_BODY_LIMIT: usize = 64 * 1024;

/// Why a request body could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyError {
    /// Larger than the configured limit.
    TooLarge,
    /// The client stopped sending before the body was complete.
    Incomplete,
    /// The client sent nothing for longer than the body stall timeout.
    Stalled,
}

/// Reads a whole body of at most `limit` bytes. A body that declares more (`Content-Length`)
/// is refused without reading it; one that sends nothing for `stall` is cut.
async fn read_body(mut body: Incoming, limit: usize, stall: Duration) -> Result<Bytes, BodyError> {
    let declared = body.size_hint().lower();
    if declared > limit as u64 {
        return Err(BodyError::TooLarge);
    }
    // A body that arrives in one frame is kept as it came; a longer one is gathered into one
    // buffer sized from its declared length (up to a bound: the client could stall after
    // declaring a large one), so it is not copied again at every doubling.
    let mut first: Option<Bytes> = None;
    let mut gathered: Option<BytesMut> = None;
    let mut len = 0usize;
    loop {
        let frame = match tokio::time::timeout(stall, body.frame()).await {
            Err(_) => return Err(BodyError::Stalled),
            Ok(None) => break,
            Ok(Some(Err(_))) => return Err(BodyError::Incomplete),
            Ok(Some(Ok(frame))) => frame,
        };
        let Ok(data) = frame.into_data() else {
            continue; // trailers: aws-chunked carries its own, in the data
        };
        len += data.len();
        if len > limit {
            return Err(BodyError::TooLarge);
        }
        match (&mut gathered, first.take()) {
            (Some(buffer), _) => buffer.extend_from_slice(&data),
            (None, None) => first = Some(data),
            (None, Some(previous)) => {
                let reserve = usize::try_from(declared)
                    .unwrap_or(usize::MAX)
                    .clamp(len, len.max(RESERVE_BOUND));
                let mut buffer = BytesMut::with_capacity(reserve);
                buffer.extend_from_slice(&previous);
                buffer.extend_from_slice(&data);
                gathered = Some(buffer);
            }
        }
    }
    Ok(match (gathered, first) {
        (Some(buffer), _) => buffer.freeze(),
        (None, first) => first.unwrap_or_default(),
    })
}

/// The most [`read_body`] reserves up front from a declared length.
const RESERVE_BOUND: usize = 8 << 20;

/// The query string as decoded pairs, in order; a key without `=` gets an empty value.
pub(crate) fn query_pairs(uri: &http::Uri) -> Vec<(String, String)> {
    uri.query()
        .map(|q| form_urlencoded::parse(q.as_bytes()).into_owned().collect())
        .unwrap_or_default()
}
