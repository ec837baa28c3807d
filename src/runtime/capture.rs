//! The captured log of one invocation: stdout and stderr of the guest, bounded.
//!
//! Lambda keeps what a function prints up to a limit and drops the rest; the function
//! keeps running. So does [`LogCapture`]: it keeps the first `capacity` bytes, counts what
//! it drops, and never fails a write (a failing write would make a Rust guest's `println!`
//! panic and the invocation end in `Runtime.ExitError`).

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::{Bytes, BytesMut};
use parking_lot::Mutex;
use tokio::io::AsyncWrite;
use wasmtime_wasi::cli::{IsTerminal, StdoutStream};
use wasmtime_wasi::p2::{OutputStream, Pollable, StreamResult};

/// The most a guest may write in one `write` call: a permit, not a limit on the log.
const WRITE_PERMIT: usize = 64 << 10;

/// A bounded, shared log buffer; clones write to the same buffer.
#[derive(Clone)]
pub(super) struct LogCapture {
    inner: Arc<Mutex<Buffer>>,
}

struct Buffer {
    kept: BytesMut,
    capacity: usize,
    dropped: u64,
}

/// What a capture holds at the end of an invocation.
pub(super) struct Captured {
    /// The first bytes written, at most the capacity.
    pub(super) bytes: Bytes,
    /// How many bytes were written past the capacity and dropped.
    pub(super) dropped: u64,
}

impl LogCapture {
    /// An empty capture keeping at most `capacity` bytes.
    pub(super) fn new(capacity: usize) -> Self {
        Self {
            inner: Arc::new(Mutex::new(Buffer {
                kept: BytesMut::new(),
                capacity,
                dropped: 0,
            })),
        }
    }

    /// Keep what fits of `bytes`, count the rest.
    fn push(&self, bytes: &[u8]) {
        let mut buffer = self.inner.lock();
        let room = buffer.capacity.saturating_sub(buffer.kept.len());
        let (kept, dropped) = bytes.split_at(bytes.len().min(room));
        buffer.kept.extend_from_slice(kept);
        buffer.dropped = buffer.dropped.saturating_add(dropped.len() as u64);
    }

    /// The kept bytes and the count of dropped ones so far.
    pub(super) fn contents(&self) -> Captured {
        let buffer = self.inner.lock();
        Captured {
            bytes: Bytes::copy_from_slice(&buffer.kept),
            dropped: buffer.dropped,
        }
    }
}

impl Captured {
    /// The line the log gets when output was dropped, if any was.
    pub(super) fn truncation_notice(&self) -> Option<String> {
        (self.dropped > 0).then(|| {
            format!(
                "[s3lambda] log truncated: the function wrote {} bytes, the first {} are kept",
                (self.bytes.len() as u64).saturating_add(self.dropped),
                self.bytes.len()
            )
        })
    }
}

impl IsTerminal for LogCapture {
    fn is_terminal(&self) -> bool {
        false
    }
}

impl StdoutStream for LogCapture {
    fn p2_stream(&self) -> Box<dyn OutputStream> {
        Box::new(self.clone())
    }

    fn async_stream(&self) -> Box<dyn AsyncWrite + Send + Sync> {
        Box::new(self.clone())
    }
}

impl OutputStream for LogCapture {
    fn write(&mut self, bytes: Bytes) -> StreamResult<()> {
        self.push(&bytes);
        Ok(())
    }

    fn flush(&mut self) -> StreamResult<()> {
        Ok(())
    }

    fn check_write(&mut self) -> StreamResult<usize> {
        Ok(WRITE_PERMIT)
    }
}

#[wasmtime_wasi::async_trait]
impl Pollable for LogCapture {
    async fn ready(&mut self) {}
}

impl AsyncWrite for LogCapture {
    fn poll_write(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.push(buf);
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}
