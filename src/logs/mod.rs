//! CloudWatch Logs for Lambda functions: an in-memory log store ([`store`]) and the
//! CloudWatch Logs API over awsJson1.1 ([`api`]): the reads, log group management
//! (create, delete, retention) and tags, so users read their functions' logs with
//! `aws logs`, boto3 or `aws-sdk-cloudwatchlogs` and IaC tools manage groups as on AWS.
//!
//! Wiring: the runtime appends each invocation's lines with [`LogStore::append`] to group
//! [`lambda_group_name`] and stream [`lambda_stream_name`]; the edge sends a `POST /` whose
//! `X-Amz-Target` passes [`is_logs_target`] (credential scope service `logs`) to
//! [`LogStore::handle`], rendering an `Err` with [`LogsError::to_response`].
//!
//! Rooms: `wire` (request, error, shared helpers), `read`, `manage`, `tags` (the operations),
//! `token` (paging tokens), `filter` (filter patterns).
//!
//! <https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/Welcome.html>

pub mod api;
mod filter;
mod manage;
mod read;
pub mod store;
mod tags;
mod token;
mod wire;

pub use api::{LogsError, LogsRequest, is_logs_target};
pub use store::{LogStore, LogsConfig, lambda_group_name, lambda_stream_name, now_ms};
