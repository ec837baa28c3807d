//! The CloudWatch Logs API over awsJson1.1: `POST /` with
//! `X-Amz-Target: Logs_20140328.{Operation}`, dispatched to the operation's room.
//!
//! Reads (`read`): `DescribeLogGroups`, `DescribeLogStreams`, `GetLogEvents`,
//! `FilterLogEvents`. Groups (`manage`): `CreateLogGroup`, `DeleteLogGroup`,
//! `PutRetentionPolicy`, `DeleteRetentionPolicy`. Tags (`tags`): `TagLogGroup`,
//! `UntagLogGroup`, `ListTagsLogGroup`, `TagResource`, `UntagResource`, `ListTagsForResource`.
//! Any other operation is `UnknownOperationException` naming it. Shapes, field names and
//! defaults follow the service model (`logs/2014-03-28`).
//!
//! <https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_Operations.html>

use bytes::Bytes;

use super::store::LogStore;
use super::wire::parse;
pub use super::wire::{CONTENT_TYPE, LogsError, LogsRequest, TARGET_PREFIX, is_logs_target};

#[cfg(test)]
use super::{
    filter::FilterPattern,
    store::EventKey,
    token::{
        Direction, KEY_MIN, hex_token, key_digits, key_pred, key_succ, parse_key_digits,
        parse_stream_token, stream_token, unhex_token,
    },
};

impl LogStore {
    /// Serves one CloudWatch Logs request. `Err` is rendered by the caller with
    /// [`LogsError::to_response`] (so the edge can log client errors in one place).
    pub fn handle(&self, req: &LogsRequest) -> Result<http::Response<Bytes>, LogsError> {
        let operation = req.target.strip_prefix(TARGET_PREFIX).unwrap_or_default();
        tracing::debug!(operation, account = %req.account_id, region = %req.region, "logs request");
        let body = &req.body;
        match operation {
            "DescribeLogGroups" => self.describe_log_groups(req, parse(body)?),
            "DescribeLogStreams" => self.describe_log_streams(req, parse(body)?),
            "GetLogEvents" => self.get_log_events(req, parse(body)?),
            "FilterLogEvents" => self.filter_log_events(req, parse(body)?),
            "CreateLogGroup" => self.create_log_group(req, parse(body)?),
            "DeleteLogGroup" => self.delete_log_group(req, parse(body)?),
            "PutRetentionPolicy" => self.put_retention_policy(req, parse(body)?),
            "DeleteRetentionPolicy" => self.delete_retention_policy(req, parse(body)?),
            "TagLogGroup" => self.tag_log_group(req, parse(body)?),
            "UntagLogGroup" => self.untag_log_group(req, parse(body)?),
            "ListTagsLogGroup" => self.list_tags_log_group(req, parse(body)?),
            "TagResource" => self.tag_resource(req, parse(body)?),
            "UntagResource" => self.untag_resource(req, parse(body)?),
            "ListTagsForResource" => self.list_tags_for_resource(req, parse(body)?),
            _ => Err(LogsError::UnknownOperation(format!(
                "Operation {} is not supported by this service.",
                req.target
            ))),
        }
    }
}

#[cfg(test)]
#[path = "api_tests.rs"]
mod tests;
