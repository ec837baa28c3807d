//! The simulator's own HTTP API under `/_s3lambda/`: health now; traces, wait and reset as the
//! dispatcher lands.

use bytes::Bytes;
use http::request::Parts;
use http::{Method, Response, StatusCode};

use super::Simulator;
use crate::edge::BodyError;

/// Answers one `/_s3lambda/...` request. Unsigned: it is a local control API.
pub async fn handle(
    sim: &Simulator,
    parts: &Parts,
    _body: Result<Bytes, BodyError>,
) -> Response<Bytes> {
    match (&parts.method, parts.uri.path()) {
        (&Method::GET, "/_s3lambda/health") => json(
            StatusCode::OK,
            &serde_json::json!({
                "status": "running",
                "version": env!("CARGO_PKG_VERSION"),
                "region": sim.config().region,
            }),
        ),
        (_, path) => json(
            StatusCode::NOT_FOUND,
            &serde_json::json!({
                "error": "NotFound",
                "message": format!("no simulator API at {} {path}", parts.method),
            }),
        ),
    }
}

fn json(status: StatusCode, value: &serde_json::Value) -> Response<Bytes> {
    let mut response = Response::new(Bytes::from(value.to_string()));
    *response.status_mut() = status;
    response.headers_mut().insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static("application/json"),
    );
    response
}
