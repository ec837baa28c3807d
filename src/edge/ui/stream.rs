//! `GET /_s3lambda/events`: the journal's changes as server-sent events. On connect the
//! stream sends the most recent traces and refused configurations (oldest first), then each
//! trace again whenever it changes (a new event, a delivery resolved, an attempt, the
//! outcome), coalescing bursts, and each configuration S3 refuses. A `trace` event carries
//! the trace as the sim API serves it, a `refusal` event the refused configuration, each as
//! the caller may see it.
//! A comment every 15 s keeps idle connections open; the stream ends when the client goes
//! or the server shuts down (`Journal::end_subscriptions`).

use std::collections::BTreeSet;
use std::convert::Infallible;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderValue, Response, header};
use http_body_util::Either;
use hyper::body::Frame;
use tokio::sync::mpsc;

use super::super::Body;
use crate::sim::Simulator;
use crate::trace::{Change, ConfigRefusal, Query, TraceView};

/// How many recent traces a new stream starts with.
const BACKLOG: usize = 200;
/// How long a burst of changes is gathered before it is sent.
const COALESCE: Duration = Duration::from_millis(25);
/// How often an idle stream sends a comment.
const KEEPALIVE: Duration = Duration::from_secs(15);

/// A response body fed by the task that follows the journal.
#[derive(Debug)]
pub(crate) struct EventStream {
    chunks: mpsc::Receiver<Bytes>,
}

impl hyper::body::Body for EventStream {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        self.chunks
            .poll_recv(cx)
            .map(|chunk| chunk.map(|c| Ok(Frame::data(c))))
    }
}

/// What the caller of a stream may see.
pub(crate) trait Scope: Send + Sync + 'static {
    /// Whether the trace concerns the caller at all: checked before its view is built.
    fn concerns(&self, trace: &crate::trace::Trace) -> bool;
    /// The trace as the caller may see it, or `None`.
    fn trace(&self, view: TraceView) -> Option<TraceView>;
    /// The refused configuration as the caller may see it, or `None`.
    fn refusal(&self, refusal: ConfigRefusal) -> Option<ConfigRefusal>;
}

/// The event stream, showing what `scope` lets the caller see.
pub(crate) fn events(sim: &Simulator, scope: impl Scope) -> Response<Body> {
    let (tx, rx) = mpsc::channel::<Bytes>(64);
    let sim = sim.clone();
    let mut changes = sim.journal().subscribe();
    tokio::spawn(async move {
        let journal = sim.journal();
        let backlog = |tx: mpsc::Sender<Bytes>| {
            let traces = journal.query(&Query {
                limit: Some(BACKLOG),
                ..Query::default()
            });
            let mut recent: Vec<(std::time::SystemTime, Bytes)> = traces
                .into_iter()
                .filter_map(|v| scope.trace(v))
                .map(|v| (v.created, frame(&v)))
                .chain(
                    journal
                        .refusals()
                        .into_iter()
                        .filter_map(|r| scope.refusal(r))
                        .map(|r| (r.created, refusal_frame(&r))),
                )
                .collect();
            recent.sort_by_key(|(created, _)| *created);
            let frames: Vec<Bytes> = recent.into_iter().map(|(_, f)| f).collect();
            async move {
                for f in frames {
                    if tx.send(f).await.is_err() {
                        return false;
                    }
                }
                true
            }
        };
        if !backlog(tx.clone()).await
            || tx
                .send(Bytes::from_static(b"event: ready\ndata: {}\n\n"))
                .await
                .is_err()
        {
            return;
        }
        let mut keepalive =
            tokio::time::interval_at(tokio::time::Instant::now() + KEEPALIVE, KEEPALIVE);
        loop {
            let first = tokio::select! {
                () = tx.closed() => return,
                _ = keepalive.tick() => {
                    if tx.send(Bytes::from_static(b": keep-alive\n\n")).await.is_err() {
                        return;
                    }
                    continue;
                }
                change = changes.next() => match change {
                    Some(change) => change,
                    None => return,
                },
            };
            tokio::time::sleep(COALESCE).await;
            let mut ids = BTreeSet::new();
            let mut refused = Vec::new();
            let mut lagged = false;
            for change in std::iter::once(first).chain(std::iter::from_fn(|| changes.try_next())) {
                match change {
                    Change::Trace(id) => {
                        ids.insert(id);
                    }
                    Change::Refusal(id) => refused.push(id),
                    Change::Lagged => lagged = true,
                }
            }
            if lagged {
                // Some changes were missed: send the recent traces again.
                if !backlog(tx.clone()).await {
                    return;
                }
                continue;
            }
            let refused = refused
                .into_iter()
                .filter_map(|id| journal.refusal(id))
                .filter_map(|r| scope.refusal(r))
                .map(|r| refusal_frame(&r));
            let traces = ids
                .into_iter()
                .filter_map(|id| journal.get(id))
                .filter(|t| scope.concerns(t))
                .filter_map(|t| scope.trace(t.view()))
                .map(|v| frame(&v));
            for f in refused.chain(traces).collect::<Vec<_>>() {
                if tx.send(f).await.is_err() {
                    return;
                }
            }
        }
    });
    let mut response = Response::new(Either::Right(EventStream { chunks: rx }));
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/event-stream"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

/// One `refusal` event: `data` the refused configuration's JSON on one line.
fn refusal_frame(refusal: &ConfigRefusal) -> Bytes {
    let json = serde_json::to_string(refusal).unwrap_or_default();
    Bytes::from(format!("event: refusal\ndata: {json}\n\n"))
}

/// One `trace` event: `id` the trace's number, `data` its JSON on one line.
fn frame(view: &TraceView) -> Bytes {
    let id = view.id.strip_prefix("evt-").unwrap_or(&view.id);
    let json = serde_json::to_string(view).unwrap_or_default();
    Bytes::from(format!("id: {id}\nevent: trace\ndata: {json}\n\n"))
}
