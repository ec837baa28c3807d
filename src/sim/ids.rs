//! Request ids: S3's `x-amz-request-id` / `x-amz-id-2` and Lambda's `x-amzn-RequestId`.

use std::sync::atomic::{AtomicU64, Ordering};

use base64::Engine as _;
use rand::RngCore as _;

/// Hands out request ids: unique per process, cheap, shaped as AWS shapes them.
#[derive(Debug)]
pub struct RequestIds {
    seed: u64,
    next: AtomicU64,
}

impl Default for RequestIds {
    fn default() -> Self {
        Self {
            seed: rand::rng().next_u64(),
            next: AtomicU64::new(1),
        }
    }
}

/// The two ids S3 returns with every response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct S3Ids {
    /// `x-amz-request-id`: 16 upper-case hex digits.
    pub request_id: String,
    /// `x-amz-id-2`: an opaque base64 token.
    pub host_id: String,
}

impl RequestIds {
    /// S3's pair of ids for one request.
    pub fn s3(&self) -> S3Ids {
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        let a = mix(self.seed ^ n);
        let b = mix(a ^ 0x9E37_79B9_7F4A_7C15);
        let mut token = [0u8; 48];
        for (i, chunk) in token.chunks_mut(8).enumerate() {
            chunk.copy_from_slice(&mix(b.wrapping_add(i as u64)).to_le_bytes());
        }
        S3Ids {
            request_id: format!("{a:016X}"),
            host_id: base64::engine::general_purpose::STANDARD.encode(token),
        }
    }

    /// Lambda's request id: a UUID.
    pub fn lambda(&self) -> String {
        uuid::Uuid::new_v4().to_string()
    }
}

/// splitmix64: a cheap bijective scrambler, so sequential counters give unrelated-looking ids.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_shaped() {
        let ids = RequestIds::default();
        let a = ids.s3();
        let b = ids.s3();
        assert_ne!(a, b);
        assert_eq!(a.request_id.len(), 16);
        assert!(
            a.request_id
                .bytes()
                .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_lowercase())
        );
        assert_eq!(a.host_id.len(), 64);
        assert_eq!(ids.lambda().len(), 36);
    }
}
