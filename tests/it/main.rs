//! Integration tests: one binary, a module per flow. Each test starts a simulator on an
//! ephemeral loopback port and drives it with the real AWS SDK clients.

mod architecture;
mod bad_input;
mod cli;
mod common;
mod concurrency;
mod dashboard;
mod dispatch;
mod edge_limits;
mod engine_node;
mod engine_python;
mod engines;
mod isolation;
mod lambda_routes;
pub mod lambda_tutorial;
mod loadgen;
pub mod logs;
mod notification;
mod ops;
mod packages;
mod parser_limits;
mod raw;
mod runtime_limits;
mod runtimes;
mod s3_api;
mod s3_multipart;
mod s3_post;
mod s3_subresources;
mod s3_versioning;
mod scenario;
mod sdk_auth;
mod sdk_lambda;
mod services;
mod shutdown;
mod sigv2;
mod sigv4;
