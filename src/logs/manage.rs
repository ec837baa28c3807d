//! Log group management: `CreateLogGroup`, `DeleteLogGroup`, `PutRetentionPolicy` and
//! `DeleteRetentionPolicy`, in the caller's account and region only.
//!
//! <https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html>

use std::collections::BTreeMap;

use bytes::Bytes;
use serde::Deserialize;

use super::store::LogStore;
use super::tags::validate_tags;
use super::wire::{GroupInput, LogsError, LogsRequest, empty_ok, invalid, required_group_name};
use crate::validation::{Offending, validation_message};

/// The retention periods CloudWatch Logs accepts, in days (the service model's enum of
/// `retentionInDays`, as AWS's refusal lists it).
pub(super) const RETENTION_DAYS: [u32; 22] = [
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922,
    3288, 3653,
];

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct CreateLogGroupInput {
    log_group_name: Option<String>,
    kms_key_id: Option<String>,
    tags: Option<BTreeMap<String, String>>,
    log_group_class: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct PutRetentionPolicyInput {
    log_group_name: Option<String>,
    retention_in_days: Option<i64>,
}

impl LogStore {
    /// `CreateLogGroup`: an empty group with its tags; `ResourceAlreadyExistsException` when
    /// the group exists (also one Lambda created by writing to it). KMS keys and the
    /// infrequent-access class are refused rather than ignored.
    pub(super) fn create_log_group(
        &self,
        req: &LogsRequest,
        input: CreateLogGroupInput,
    ) -> Result<http::Response<Bytes>, LogsError> {
        let name = required_group_name(input.log_group_name)?;
        let tags = input.tags.unwrap_or_default();
        validate_tags(&tags)?;
        if input.kms_key_id.is_some() {
            return Err(invalid(
                "s3lambda does not simulate KMS: create the log group without kmsKeyId.",
            ));
        }
        match input.log_group_class.as_deref() {
            None | Some("STANDARD") => {}
            Some(class @ ("INFREQUENT_ACCESS" | "DELIVERY")) => {
                return Err(invalid(format!(
                    "s3lambda simulates STANDARD log groups only, not {class}."
                )));
            }
            Some(other) => {
                return Err(invalid(validation_message(
                    Offending::Value(other),
                    "logGroupClass",
                    "Member must satisfy enum value set: [DELIVERY, INFREQUENT_ACCESS, STANDARD]",
                )));
            }
        }
        if !self.create_group_new(&req.account_id, &req.region, &name, tags) {
            return Err(LogsError::AlreadyExists(
                "The specified log group already exists".to_owned(),
            ));
        }
        Ok(empty_ok(&req.request_id))
    }

    /// `DeleteLogGroup`: the group with all its streams and events.
    pub(super) fn delete_log_group(
        &self,
        req: &LogsRequest,
        input: GroupInput,
    ) -> Result<http::Response<Bytes>, LogsError> {
        let name = required_group_name(input.log_group_name)?;
        if !self.delete_group(&req.account_id, &req.region, &name) {
            return Err(LogsError::no_group());
        }
        Ok(empty_ok(&req.request_id))
    }

    /// `PutRetentionPolicy`: one of [`RETENTION_DAYS`], stored and reported by
    /// `DescribeLogGroups`.
    pub(super) fn put_retention_policy(
        &self,
        req: &LogsRequest,
        input: PutRetentionPolicyInput,
    ) -> Result<http::Response<Bytes>, LogsError> {
        let name = required_group_name(input.log_group_name)?;
        let days = input.retention_in_days.ok_or_else(|| {
            invalid(validation_message(
                Offending::Null,
                "retentionInDays",
                "Member must not be null",
            ))
        })?;
        let days = u32::try_from(days)
            .ok()
            .filter(|d| RETENTION_DAYS.contains(d))
            .ok_or_else(|| {
                let allowed: Vec<String> = RETENTION_DAYS.iter().map(u32::to_string).collect();
                invalid(validation_message(
                    Offending::Value(&days.to_string()),
                    "retentionInDays",
                    &format!(
                        "Member must satisfy enum value set: [{}]",
                        allowed.join(", ")
                    ),
                ))
            })?;
        if !self.set_retention(&req.account_id, &req.region, &name, Some(days)) {
            return Err(LogsError::no_group());
        }
        Ok(empty_ok(&req.request_id))
    }

    /// `DeleteRetentionPolicy`: the group's events never expire again.
    pub(super) fn delete_retention_policy(
        &self,
        req: &LogsRequest,
        input: GroupInput,
    ) -> Result<http::Response<Bytes>, LogsError> {
        let name = required_group_name(input.log_group_name)?;
        if !self.set_retention(&req.account_id, &req.region, &name, None) {
            return Err(LogsError::no_group());
        }
        Ok(empty_ok(&req.request_id))
    }
}
