//! The load: C tasks, each with its own keep-alive connection, PUTting N signed objects
//! (optionally at a fixed total rate) and recording each PUT's latency and send time.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use hdrhistogram::Histogram;
use http::Method;
use http_body_util::Full;
use indicatif::ProgressBar;

use super::BenchError;
use super::conn::{Conn, Endpoint};
use super::sign::Signer;
use super::wire::encode_key;

/// What to send.
#[derive(Debug, Clone)]
pub struct LoadSpec {
    /// Objects to PUT.
    pub count: u64,
    /// Connections (and tasks).
    pub concurrency: usize,
    /// Object size in bytes.
    pub size: usize,
    /// Total PUTs per second, if fixed.
    pub rate: Option<f64>,
    /// The bucket.
    pub bucket: String,
    /// Keys are `{key_prefix}{n}`.
    pub key_prefix: String,
}

/// What happened.
#[derive(Debug)]
pub struct LoadResult {
    /// PUT latency in µs (successful PUTs).
    pub latency: Histogram<u64>,
    /// Wall-clock send time of PUT `n` in µs since the epoch; 0 if it failed.
    pub sends: Vec<u64>,
    /// PUTs answered 2xx.
    pub ok: u64,
    /// PUTs answered with an error status.
    pub denied: u64,
    /// PUTs that got no answer (connection errors).
    pub errors: u64,
    /// The first few failures, described.
    pub samples: Vec<String>,
    /// From the first send to the last answer.
    pub elapsed: Duration,
}

struct TaskResult {
    latency: Histogram<u64>,
    sends: Vec<(u64, u64)>,
    denied: u64,
    errors: u64,
    samples: Vec<String>,
}

/// A histogram of µs from 1 µs to 1 hour, 3 significant digits.
pub fn histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, 3_600_000_000, 3).expect("constant, valid bounds")
}

/// Runs the load.
pub async fn run(
    endpoint: &Endpoint,
    signer: &Signer,
    spec: &LoadSpec,
    progress: &ProgressBar,
) -> Result<LoadResult, BenchError> {
    let next = Arc::new(AtomicU64::new(0));
    let body = Bytes::from(
        (0..spec.size)
            .map(|i| b'a' + (i % 26) as u8)
            .collect::<Vec<_>>(),
    );
    let start = Instant::now();
    let mut tasks = Vec::with_capacity(spec.concurrency);
    for _ in 0..spec.concurrency.max(1) {
        let ctx = Task {
            endpoint: endpoint.clone(),
            signer: signer.clone(),
            spec: spec.clone(),
            next: Arc::clone(&next),
            body: body.clone(),
            progress: progress.clone(),
            start,
        };
        tasks.push(tokio::spawn(ctx.run()));
    }
    let mut result = LoadResult {
        latency: histogram(),
        sends: vec![0; usize::try_from(spec.count).unwrap_or(usize::MAX)],
        ok: 0,
        denied: 0,
        errors: 0,
        samples: Vec::new(),
        elapsed: Duration::ZERO,
    };
    for task in tasks {
        let t = task
            .await
            .map_err(|e| BenchError::Http(format!("a load task failed: {e}")))?;
        let _ = result.latency.add(&t.latency);
        for (n, at) in t.sends {
            if let Some(slot) = result
                .sends
                .get_mut(usize::try_from(n).unwrap_or(usize::MAX))
            {
                *slot = at;
            }
        }
        result.denied += t.denied;
        result.errors += t.errors;
        for s in t.samples {
            if result.samples.len() < 5 {
                result.samples.push(s);
            }
        }
    }
    result.elapsed = start.elapsed();
    result.ok = result.latency.len();
    Ok(result)
}

struct Task {
    endpoint: Endpoint,
    signer: Signer,
    spec: LoadSpec,
    next: Arc<AtomicU64>,
    body: Bytes,
    progress: ProgressBar,
    start: Instant,
}

impl Task {
    async fn run(self) -> TaskResult {
        let mut conn = Conn::new(&self.endpoint);
        let mut out = TaskResult {
            latency: histogram(),
            sends: Vec::new(),
            denied: 0,
            errors: 0,
            samples: Vec::new(),
        };
        loop {
            let n = self.next.fetch_add(1, Ordering::Relaxed);
            if n >= self.spec.count {
                return out;
            }
            if let Some(rate) = self.spec.rate {
                let due = self.start + Duration::from_secs_f64(n as f64 / rate);
                tokio::time::sleep_until(due.into()).await;
            }
            let key = format!("{}{n}", self.spec.key_prefix);
            match self.put(&mut conn, &key).await {
                Ok((sent_us, latency, status, answer)) if (200..300).contains(&status) => {
                    out.latency.saturating_record(latency.max(1));
                    out.sends.push((n, sent_us));
                    drop(answer);
                }
                Ok((_, _, status, answer)) => {
                    out.denied += 1;
                    if out.samples.len() < 5 {
                        let text = String::from_utf8_lossy(&answer);
                        out.samples
                            .push(format!("PUT {key}: {status} {}", text.trim()));
                    }
                }
                Err(e) => {
                    out.errors += 1;
                    if out.samples.len() < 5 {
                        out.samples.push(format!("PUT {key}: {e}"));
                    }
                }
            }
            self.progress.inc(1);
        }
    }

    /// One signed PUT: its send time (µs since the epoch), latency (µs), status and body.
    async fn put(&self, conn: &mut Conn, key: &str) -> Result<(u64, u64, u16, Bytes), BenchError> {
        let path = format!("/{}/{}", self.spec.bucket, encode_key(key));
        let mut request = self
            .endpoint
            .request(Method::PUT, &path)
            .header(http::header::CONTENT_LENGTH, self.body.len())
            .body(())
            .map_err(|e| BenchError::Http(e.to_string()))?;
        let sent = SystemTime::now();
        let clock = Instant::now();
        self.signer.sign("s3", &mut request, &self.body)?;
        let request = request.map(|()| Full::new(self.body.clone()));
        let (status, answer) = conn.send(request).await?;
        let latency = clock.elapsed().as_micros() as u64;
        Ok((
            s3lambda::trace::unix_micros(sent),
            latency,
            status.as_u16(),
            answer,
        ))
    }
}
