//! Object checksums (CRC32, CRC32C, CRC64NVME, SHA1, SHA256) computed with aws-smithy-checksums.
//!
//! Values are the base64 of the big-endian digest, as in the `x-amz-checksum-*` headers.
//! See <https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html>.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

/// A checksum algorithm S3 accepts in `x-amz-checksum-{name}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChecksumAlgorithm {
    /// CRC-32 (ISO-HDLC).
    Crc32,
    /// CRC-32C (Castagnoli).
    Crc32c,
    /// CRC-64/NVME, S3's default for objects uploaded without a checksum.
    Crc64Nvme,
    /// SHA-1.
    Sha1,
    /// SHA-256.
    Sha256,
}

impl ChecksumAlgorithm {
    /// Every algorithm, in the order S3 looks for headers.
    pub const ALL: [Self; 5] = [
        Self::Crc32,
        Self::Crc32c,
        Self::Crc64Nvme,
        Self::Sha1,
        Self::Sha256,
    ];

    /// The lowercase name used in header names, e.g. `crc32c`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Crc32 => "crc32",
            Self::Crc32c => "crc32c",
            Self::Crc64Nvme => "crc64nvme",
            Self::Sha1 => "sha1",
            Self::Sha256 => "sha256",
        }
    }

    /// The uppercase name used in XML and `x-amz-checksum-algorithm`, e.g. `CRC32C`.
    pub fn upper_name(self) -> &'static str {
        match self {
            Self::Crc32 => "CRC32",
            Self::Crc32c => "CRC32C",
            Self::Crc64Nvme => "CRC64NVME",
            Self::Sha1 => "SHA1",
            Self::Sha256 => "SHA256",
        }
    }

    /// The header carrying this checksum, e.g. `x-amz-checksum-crc32`.
    pub fn header_name(self) -> &'static str {
        match self {
            Self::Crc32 => "x-amz-checksum-crc32",
            Self::Crc32c => "x-amz-checksum-crc32c",
            Self::Crc64Nvme => "x-amz-checksum-crc64nvme",
            Self::Sha1 => "x-amz-checksum-sha1",
            Self::Sha256 => "x-amz-checksum-sha256",
        }
    }

    /// The XML element carrying this checksum, e.g. `ChecksumCRC32`.
    pub fn xml_name(self) -> &'static str {
        match self {
            Self::Crc32 => "ChecksumCRC32",
            Self::Crc32c => "ChecksumCRC32C",
            Self::Crc64Nvme => "ChecksumCRC64NVME",
            Self::Sha1 => "ChecksumSHA1",
            Self::Sha256 => "ChecksumSHA256",
        }
    }

    /// Parses an algorithm name, case-insensitively (`CRC32`, `crc32`).
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|a| a.name().eq_ignore_ascii_case(s))
    }

    /// The digest length in bytes.
    pub fn digest_len(self) -> usize {
        match self {
            Self::Crc32 | Self::Crc32c => 4,
            Self::Crc64Nvme => 8,
            Self::Sha1 => 20,
            Self::Sha256 => 32,
        }
    }

    fn smithy(self) -> aws_smithy_checksums::ChecksumAlgorithm {
        use aws_smithy_checksums::ChecksumAlgorithm as A;
        match self {
            Self::Crc32 => A::Crc32,
            Self::Crc32c => A::Crc32c,
            Self::Crc64Nvme => A::Crc64Nvme,
            Self::Sha1 => A::Sha1,
            Self::Sha256 => A::Sha256,
        }
    }

    /// The base64 checksum of `data`.
    pub fn compute(self, data: &[u8]) -> String {
        let mut c = self.smithy().into_impl();
        c.update(data);
        STANDARD.encode(c.finalize())
    }

    /// Whether `value` is well-formed for this algorithm (base64 of the right length).
    pub fn is_well_formed(self, value: &str) -> bool {
        STANDARD
            .decode(value)
            .is_ok_and(|d| d.len() == self.digest_len())
    }
}

/// A stored checksum: algorithm and base64 value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checksum {
    /// The algorithm.
    pub algorithm: ChecksumAlgorithm,
    /// The base64 value.
    pub value: String,
}

impl Checksum {
    /// The checksum of `data` with `algorithm`.
    pub fn of(algorithm: ChecksumAlgorithm, data: &[u8]) -> Self {
        Self {
            algorithm,
            value: algorithm.compute(data),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values() {
        // CRC32 of "hello world" is 0x0d4a1185.
        assert_eq!(ChecksumAlgorithm::Crc32.compute(b"hello world"), "DUoRhQ==");
        // CRC32C of "hello world" is 0xc99465aa.
        assert_eq!(
            ChecksumAlgorithm::Crc32c.compute(b"hello world"),
            "yZRlqg=="
        );
        assert_eq!(
            ChecksumAlgorithm::Sha256.compute(b""),
            "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
        );
        assert!(
            ChecksumAlgorithm::Crc64Nvme
                .is_well_formed(&ChecksumAlgorithm::Crc64Nvme.compute(b"x"))
        );
        assert!(!ChecksumAlgorithm::Crc32.is_well_formed("not base64!"));
        assert_eq!(
            ChecksumAlgorithm::parse("CRC32C"),
            Some(ChecksumAlgorithm::Crc32c)
        );
        assert_eq!(ChecksumAlgorithm::parse("md5"), None);
    }
}
