//! The AWS documentation S3 SigV4 vectors and negative cases, driven through `authenticate`.
