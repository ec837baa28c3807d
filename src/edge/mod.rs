//! The HTTP edge: one hyper listener ([`serve`]), routing, wire error rendering, and the
//! simulator's own API under `/_s3lambda/`.
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
mod lambda;
mod logs;
mod other;
mod query;
mod route;
mod s3;
mod server;
mod sim_api;
mod sim_trust;
mod ui;

use std::net::SocketAddr;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use http::request::Parts;
use http_body_util::{BodyExt as _, Either, Full};
use hyper::body::{Body as _, Incoming};
use hyper::{Request, Response};

pub use crate::sim::EdgeLimits;
pub use route::{AddressError, S3Address, Service, Target, route, s3_address};
pub use server::serve;

use crate::sim::Simulator;

/// A response body: whole, or the dashboard's stream of server-sent events.
pub(crate) type Body = Either<Full<Bytes>, ui::EventStream>;

/// A whole response body.
fn whole(bytes: Bytes) -> Body {
    Either::Left(Full::new(bytes))
}

/// One request, start to finish. Never fails: every error becomes the wire error of the
/// service the request was addressed to.
async fn handle(sim: &Simulator, req: Request<Incoming>, peer: SocketAddr) -> Response<Body> {
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
    let scope = crate::auth::scope_service(&parts);
    let target = route(
        parts.uri.path(),
        host,
        amz_target,
        scope.as_deref(),
        &config.virtual_host_domains,
    );
    if let Some(redirect) = ui::redirect(&parts, &target) {
        return redirect;
    }
    let head = match early::check(sim, &parts, &target) {
        Ok(head) => head,
        Err(refused) => return refused.map(whole),
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
                    return response.map(whole);
                }
            }
        }
        _ => read_body(body, limit, stall).await,
    };
    let response = match target {
        Target::S3(address) => s3::handle(sim, &parts, head, body, address, peer),
        Target::Lambda => lambda::handle(sim, &parts, head, body).await,
        Target::Logs => logs::handle(sim, &parts, head, body),
        Target::Sim => return sim_api::handle(sim, &parts, body).await,
        Target::Service(Service::Other(service)) => {
            other::handle(sim, &parts, head, body, &service)
        }
        Target::Service(service) => query::handle(sim, &parts, head, body, &service),
        // Refused by `early::check` already; answered the same way here.
        Target::BadS3Address(e) => s3::refuse_address(sim, &parts, e),
    };
    response.map(whole)
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
pub(crate) enum BodyError {
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
