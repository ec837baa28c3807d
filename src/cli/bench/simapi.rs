//! The simulator's `/_s3lambda/` API as the bench uses it: presence, counters, waiting for
//! idle, and the traces of the run's events.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::Method;
use http_body_util::Full;
use serde::Deserialize;

use super::BenchError;
use super::conn::{Conn, Endpoint};
use super::wire::encode_query;

/// Final-outcome counters at one moment.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Counters {
    /// Events emitted.
    pub events: u64,
    /// Units of work in flight.
    #[serde(default)]
    pub pending: u64,
    /// Final outcomes by name.
    #[serde(default)]
    pub outcomes: BTreeMap<String, u64>,
}

impl Counters {
    /// The count of `outcome`.
    pub fn get(&self, outcome: &str) -> u64 {
        self.outcomes.get(outcome).copied().unwrap_or(0)
    }
}

/// The part of a trace the bench reads.
#[derive(Debug, Clone, Deserialize)]
pub struct Trace {
    /// `evt-...`.
    pub id: String,
    /// The S3 request.
    pub source: TraceSource,
    /// The overall outcome.
    pub outcome: Option<String>,
    /// Its deliveries.
    #[serde(default)]
    pub deliveries: Vec<Delivery>,
}

/// A trace's source.
#[derive(Debug, Clone, Deserialize)]
pub struct TraceSource {
    /// The object key.
    pub key: String,
}

/// One delivery of a trace.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Delivery {
    /// Why it could not be resolved.
    pub resolution_error: Option<String>,
    /// The policy decision.
    pub policy: Option<Policy>,
    /// Its attempts.
    #[serde(default)]
    pub attempts: Vec<Attempt>,
}

/// A policy decision.
#[derive(Debug, Clone, Deserialize)]
pub struct Policy {
    /// Why.
    pub reason: String,
}

/// One attempt.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Attempt {
    /// Start, µs since the epoch (0 from a server without the field).
    #[serde(default)]
    pub started_micros: u64,
    /// End as the dispatcher saw it, µs since the epoch (0 from a server without it).
    #[serde(default)]
    pub ended_micros: u64,
    /// Start, ms since the epoch.
    pub started: u64,
    /// Run time in ms.
    pub duration: f64,
}

impl Attempt {
    /// Start in µs since the epoch.
    pub fn start_us(&self) -> u64 {
        if self.started_micros > 0 {
            self.started_micros
        } else {
            self.started * 1000
        }
    }

    /// End in µs since the epoch: as recorded, or start + duration from older servers.
    pub fn end_us(&self) -> u64 {
        if self.ended_micros > 0 {
            return self.ended_micros;
        }
        self.start_us() + (self.duration * 1000.0).round().max(0.0) as u64
    }
}

/// What `GET /_s3lambda/health` said.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Health {
    /// No answer (nothing listening yet).
    Silent,
    /// An s3lambda that serves.
    Ready,
    /// An s3lambda not serving yet.
    Starting,
    /// An s3lambda shutting down.
    Draining,
    /// Another server.
    Other,
}

impl Health {
    fn of(status: u16, body: &[u8]) -> Self {
        let Ok(v) = serde_json::from_slice::<serde_json::Value>(body) else {
            return Self::Other;
        };
        match (status, v.get("status").and_then(serde_json::Value::as_str)) {
            (200, Some(_)) => Self::Ready,
            (503, Some("starting")) => Self::Starting,
            (503, Some("draining")) => Self::Draining,
            _ => Self::Other,
        }
    }
}

/// A client of the simulator API.
#[derive(Debug)]
pub struct SimApi<'a> {
    endpoint: &'a Endpoint,
    conn: Conn,
}

impl<'a> SimApi<'a> {
    /// A client of `endpoint`.
    pub fn new(endpoint: &'a Endpoint) -> Self {
        Self {
            endpoint,
            conn: Conn::new(endpoint),
        }
    }

    async fn call(&mut self, method: Method, path: &str) -> Result<(u16, Bytes), BenchError> {
        let request = self
            .endpoint
            .request(method, path)
            .body(Full::new(Bytes::new()))
            .map_err(|e| BenchError::Http(e.to_string()))?;
        let (status, body) = self.conn.send(request).await?;
        Ok((status.as_u16(), body))
    }

    async fn json<T: serde::de::DeserializeOwned>(
        &mut self,
        method: Method,
        path: &str,
    ) -> Result<T, BenchError> {
        let (status, body) = self.call(method, path).await?;
        if status != 200 {
            return Err(BenchError::Sim(format!(
                "{path} answered {status}: {}",
                String::from_utf8_lossy(&body)
            )));
        }
        serde_json::from_slice(&body).map_err(|e| BenchError::Sim(format!("{path}: {e}")))
    }

    /// Waits up to `timeout` for the endpoint to answer, as a server still starting does not
    /// yet: whether it is an s3lambda (its health API answers, ready). An error if nothing
    /// answered in time or the s3lambda there is shutting down.
    pub async fn wait_ready(&mut self, timeout: Duration) -> Result<bool, BenchError> {
        let deadline = Instant::now() + timeout;
        loop {
            let health = match self.call(Method::GET, "/_s3lambda/health").await {
                Ok((status, body)) => Health::of(status, &body),
                Err(_) => Health::Silent,
            };
            match health {
                Health::Ready => return Ok(true),
                Health::Other => return Ok(false),
                Health::Draining => {
                    return Err(BenchError::Usage(format!(
                        "the s3lambda at {} is shutting down",
                        self.endpoint.base
                    )));
                }
                Health::Silent | Health::Starting if Instant::now() >= deadline => {
                    return Err(BenchError::Usage(format!(
                        "nothing ready at {} after {} s: start `s3lambda serve` first (its first \
                         line on stdout gives the endpoint), or raise --ready-timeout",
                        self.endpoint.base,
                        timeout.as_secs()
                    )));
                }
                Health::Silent | Health::Starting => {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            }
        }
    }

    /// The counters now.
    pub async fn counters(&mut self) -> Result<Counters, BenchError> {
        self.json(Method::GET, "/_s3lambda/counters").await
    }

    /// Waits up to `timeout_ms` for nothing in flight; whether it got there.
    pub async fn wait_idle(&mut self, timeout_ms: u64) -> Result<bool, BenchError> {
        let (status, body) = self
            .call(
                Method::POST,
                &format!("/_s3lambda/wait?timeout_ms={timeout_ms}"),
            )
            .await?;
        match status {
            200 => Ok(true),
            408 => Ok(false),
            _ => Err(BenchError::Sim(format!(
                "/_s3lambda/wait answered {status}: {}",
                String::from_utf8_lossy(&body)
            ))),
        }
    }

    /// The most recent `limit` traces of `bucket`.
    pub async fn traces(&mut self, bucket: &str, limit: u64) -> Result<Vec<Trace>, BenchError> {
        #[derive(Deserialize)]
        struct List {
            traces: Vec<Trace>,
        }
        let path = format!(
            "/_s3lambda/traces?bucket={}&limit={limit}",
            encode_query(bucket)
        );
        Ok(self.json::<List>(Method::GET, &path).await?.traces)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn health_answers_are_read() {
        assert_eq!(
            Health::of(200, br#"{"status":"running","ready":true}"#),
            Health::Ready
        );
        assert_eq!(Health::of(200, br#"{"status":"running"}"#), Health::Ready);
        assert_eq!(
            Health::of(503, br#"{"status":"starting"}"#),
            Health::Starting
        );
        assert_eq!(
            Health::of(503, br#"{"status":"draining"}"#),
            Health::Draining
        );
        assert_eq!(Health::of(404, b"<Error/>"), Health::Other);
        assert_eq!(Health::of(200, b"{}"), Health::Other);
    }

    #[test]
    fn attempts_prefer_microseconds() {
        let a: Attempt =
            serde_json::from_str(r#"{"started":5,"startedMicros":5123,"duration":0.25}"#).unwrap();
        assert_eq!((a.start_us(), a.end_us()), (5123, 5373));
        let ended: Attempt = serde_json::from_str(
            r#"{"started":5,"startedMicros":5123,"endedMicros":5400,"duration":0.25}"#,
        )
        .unwrap();
        assert_eq!(ended.end_us(), 5400);
        let old: Attempt = serde_json::from_str(r#"{"started":5,"duration":1.0}"#).unwrap();
        assert_eq!((old.start_us(), old.end_us()), (5000, 6000));
    }
}
