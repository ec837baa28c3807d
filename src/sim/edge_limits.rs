//! The edge's connection limits: how long a client may take to send its headers or its body,
//! how long an idle keep-alive connection is kept, and how many connections are served at once.
//!
//! Amazon S3 documents no exact numbers; the defaults follow what its front end is observed to
//! do: an idle keep-alive connection is closed after about 20 s, and a request whose body stops
//! arriving is answered `400 RequestTimeout` ("Your socket connection to the server was not
//! read from or written to within the timeout period."). See
//! <https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html>.

use std::time::Duration;

use serde::Deserialize;

/// The `[edge]` table of the configuration.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EdgeLimits {
    /// How long a connection may wait for a complete request head (request line and headers),
    /// counted from the moment the server waits for one: on a new connection, or after the
    /// previous response on a keep-alive connection. So it is also the idle keep-alive
    /// timeout. A connection over it is closed. Default 20 000 ms.
    pub header_read_timeout_ms: u64,
    /// How long a request body may send nothing before the request is answered
    /// `400 RequestTimeout` and the connection closed. Default 20 000 ms.
    pub body_stall_timeout_ms: u64,
    /// How many connections are served at once; a connection accepted over the cap is closed
    /// at once. Default 4 096.
    pub max_connections: usize,
}

impl Default for EdgeLimits {
    fn default() -> Self {
        Self {
            header_read_timeout_ms: 20_000,
            body_stall_timeout_ms: 20_000,
            max_connections: 4_096,
        }
    }
}

impl EdgeLimits {
    /// The header read (and idle keep-alive) timeout.
    pub fn header_read_timeout(&self) -> Duration {
        Duration::from_millis(self.header_read_timeout_ms)
    }

    /// The body stall timeout.
    pub fn body_stall_timeout(&self) -> Duration {
        Duration::from_millis(self.body_stall_timeout_ms)
    }

    /// Errors unless every limit is usable (timeouts and the cap above zero).
    pub fn validate(&self) -> Result<(), String> {
        if self.header_read_timeout_ms == 0 || self.body_stall_timeout_ms == 0 {
            return Err("edge timeouts must be above zero milliseconds".to_owned());
        }
        if self.max_connections == 0 {
            return Err("edge.max_connections must be at least 1".to_owned());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::sim::Config;

    #[test]
    fn the_edge_table_sets_the_limits_and_keeps_defaults() {
        let c: Config = toml::from_str(
            "shutdown_grace_secs = 5\n[edge]\nheader_read_timeout_ms = 1500\nmax_connections = 8",
        )
        .unwrap();
        c.validate().unwrap();
        assert_eq!(c.shutdown_grace_secs, 5);
        assert_eq!(c.edge.header_read_timeout().as_millis(), 1500);
        assert_eq!(c.edge.max_connections, 8);
        assert_eq!(
            c.edge.body_stall_timeout_ms, 20_000,
            "unset keys keep their default"
        );
        assert!(toml::from_str::<Config>("[edge]\nidle = 1").is_err());
        let zero: Config = toml::from_str("[edge]\nmax_connections = 0").unwrap();
        assert!(zero.validate().is_err());
    }
}
