//! Unit tests of the S3 operations, driven through `S3::handle`.
