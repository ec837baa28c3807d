//! The listener: accepting connections (bounded in number), serving each with hyper, and
//! draining open connections at shutdown; `Simulator::serve` and `Simulator::start`.

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, oneshot};

use crate::sim::{Server, SimError, Simulator};

/// Serves `sim` over HTTP on `listener` until `shutdown` resolves: starts its dispatcher,
/// accepts connections, and at shutdown lets open connections finish their current request
/// (up to ten seconds) before it returns.
pub async fn serve(listener: TcpListener, sim: Simulator, shutdown: impl Future<Output = ()>) {
    sim.start_dispatch();
    listen(listener, sim, shutdown).await;
}

impl Simulator {
    /// Serves HTTP on `listener` until `shutdown` resolves (see [`serve`]).
    pub async fn serve(self, listener: TcpListener, shutdown: impl Future<Output = ()>) {
        serve(listener, self, shutdown).await;
    }

    /// Binds `addr` (port 0 for an ephemeral port) and serves in a background task until the
    /// returned handle is dropped or shut down.
    pub async fn start(self, addr: SocketAddr) -> Result<Server, SimError> {
        let listener = TcpListener::bind(addr)
            .await
            .map_err(|source| SimError::Bind { addr, source })?;
        let local = listener
            .local_addr()
            .map_err(|source| SimError::Bind { addr, source })?;
        let (tx, rx) = oneshot::channel::<()>();
        let sim = self.clone();
        let task = tokio::spawn(async move {
            serve(listener, sim, async {
                let _ = rx.await;
            })
            .await;
        });
        Ok(Server::running(local, self, tx, task))
    }
}

/// Accepts connections on `listener` until `shutdown` resolves, then lets open connections
/// finish their current request (up to ten seconds) and returns.
///
/// At most `edge.max_connections` connections are served at once: one accepted over the cap
/// is closed at once. Each connection must send a complete request head within
/// `edge.header_read_timeout_ms` of the server waiting for one (so an idle keep-alive
/// connection is closed after that long too).
async fn listen(listener: TcpListener, sim: Simulator, shutdown: impl Future<Output = ()>) {
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
            async move { Ok::<_, Infallible>(super::handle(&sim, req, peer).await) }
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
    sim.journal().end_subscriptions(); // live event streams end, so their connections drain
    if tokio::time::timeout(Duration::from_secs(10), graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!("connections still open after 10 s; closing them");
    }
}
