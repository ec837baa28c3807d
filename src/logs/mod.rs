//! CloudWatch Logs for Lambda functions: an in-memory log store ([`store`]) and the
//! read side of the CloudWatch Logs API over awsJson1.1 ([`api`]), so users read their
//! functions' logs with `aws logs`, boto3 or `aws-sdk-cloudwatchlogs` as they do on AWS.
//!
//! Wiring: the runtime appends each invocation's lines with [`LogStore::append`] to group
//! [`lambda_group_name`] and stream [`lambda_stream_name`]; the edge sends a `POST /` whose
//! `X-Amz-Target` passes [`is_logs_target`] (credential scope service `logs`) to
//! [`LogStore::handle`], rendering an `Err` with [`LogsError::to_response`].
//!
//! <https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/Welcome.html>

pub mod api;
pub mod store;

pub use api::{LogsError, LogsRequest, is_logs_target};
pub use store::{LogStore, LogsConfig, lambda_group_name, lambda_stream_name, now_ms};
