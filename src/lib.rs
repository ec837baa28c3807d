//! s3lambda: a simulator of the Amazon S3 → AWS Lambda push model.
//!
//! A mock S3 service speaking the real S3 REST API, a Lambda control plane speaking the
//! real Lambda REST-JSON API, and a dispatcher that delivers S3 event notifications to
//! WebAssembly handlers run in wasmtime, with a readable trace for every event.

pub mod arn;
pub mod auth;
pub mod dispatch;
pub mod edge;
pub mod lambda;
pub mod logs;
pub mod notify;
pub mod runtime;
pub mod s3;
pub mod scenario;
pub mod sim;
pub mod trace;
