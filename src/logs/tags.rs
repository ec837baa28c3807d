//! Log group tags: `TagLogGroup`, `UntagLogGroup`, `ListTagsLogGroup` (by group name, the
//! deprecated forms Terraform's older providers call) and `TagResource`, `UntagResource`,
//! `ListTagsForResource` (by the group's ARN).
//!
//! <https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_TagResource.html>

use std::collections::BTreeMap;

use bytes::Bytes;
use serde::{Deserialize, Serialize};

use super::store::LogStore;
use super::wire::{GroupInput, LogsError, LogsRequest, empty_ok, invalid, ok, required_group_name};
use crate::validation::{Offending, validation_message};

/// At most 50 tags on a resource; keys of 1–128 characters, values of at most 256.
const MAX_TAGS: usize = 50;
const MAX_KEY: usize = 128;
const MAX_VALUE: usize = 256;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct TagLogGroupInput {
    log_group_name: Option<String>,
    tags: Option<BTreeMap<String, String>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct UntagLogGroupInput {
    log_group_name: Option<String>,
    tags: Option<Vec<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct TagResourceInput {
    resource_arn: Option<String>,
    tags: Option<BTreeMap<String, String>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct UntagResourceInput {
    resource_arn: Option<String>,
    tag_keys: Option<Vec<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct ResourceInput {
    resource_arn: Option<String>,
}

#[derive(Debug, Serialize)]
struct TagsOutput {
    tags: BTreeMap<String, String>,
}

/// The model's limits on a tag map.
pub(super) fn validate_tags(tags: &BTreeMap<String, String>) -> Result<(), LogsError> {
    if tags.len() > MAX_TAGS {
        return Err(invalid(validation_message(
            Offending::Hidden,
            "tags",
            &format!("Member must have length less than or equal to {MAX_TAGS}"),
        )));
    }
    for (key, value) in tags {
        if key.is_empty() || key.chars().count() > MAX_KEY {
            return Err(invalid(validation_message(
                Offending::Hidden,
                "tags",
                &format!(
                    "Map keys must satisfy constraint: [Member must have length less than or equal to {MAX_KEY}, Member must have length greater than or equal to 1]"
                ),
            )));
        }
        if value.chars().count() > MAX_VALUE {
            return Err(invalid(validation_message(
                Offending::Hidden,
                "tags",
                &format!(
                    "Map value must satisfy constraint: [Member must have length less than or equal to {MAX_VALUE}]"
                ),
            )));
        }
    }
    Ok(())
}

fn required<T>(value: Option<T>, field: &str) -> Result<T, LogsError> {
    value.ok_or_else(|| {
        invalid(validation_message(
            Offending::Null,
            field,
            "Member must not be null",
        ))
    })
}

/// The region and group an ARN of the caller's own log group names:
/// `arn:aws:logs:{region}:{account}:log-group:{name}` (a trailing `:*` allowed). Another
/// account's group is `AccessDeniedException` naming `action`: the account is never taken
/// from the ARN.
fn own_group(req: &LogsRequest, arn: &str, action: &str) -> Result<(String, String), LogsError> {
    let bad = || invalid(format!("Invalid resource ARN: {arn}"));
    let crate::arn::Arn {
        partition,
        service,
        region,
        account,
        resource,
    } = crate::arn::Arn::parse(arn).map_err(|_| bad())?;
    let group = resource
        .strip_prefix("log-group:")
        .map(|g| g.strip_suffix(":*").unwrap_or(g))
        .filter(|g| {
            !g.is_empty() && service == "logs" && partition.starts_with("aws") && !region.is_empty()
        })
        .ok_or_else(bad)?
        .to_owned();
    if account != req.account_id {
        return Err(LogsError::AccessDenied(format!(
            "User: arn:aws:iam::{caller}:root is not authorized to perform: {action} on resource: {arn} (the log group belongs to account {account}; the caller's keys reach account {caller}'s log groups only)",
            caller = req.account_id
        )));
    }
    Ok((region, group))
}

impl LogStore {
    fn merge_tags(
        &self,
        account: &str,
        region: &str,
        group: &str,
        tags: BTreeMap<String, String>,
        not_found: fn() -> LogsError,
    ) -> Result<(), LogsError> {
        validate_tags(&tags)?;
        self.update_group_tags(account, region, group, |current| {
            current.extend(tags);
            if current.len() > MAX_TAGS {
                return Err(LogsError::TooManyTags(format!(
                    "A resource can have no more than {MAX_TAGS} tags."
                )));
            }
            Ok(())
        })
        .ok_or_else(not_found)?
    }

    fn remove_tags(
        &self,
        account: &str,
        region: &str,
        group: &str,
        keys: &[String],
        not_found: fn() -> LogsError,
    ) -> Result<(), LogsError> {
        self.update_group_tags(account, region, group, |current| {
            for key in keys {
                current.remove(key);
            }
            Ok::<(), LogsError>(())
        })
        .ok_or_else(not_found)?
    }

    /// `TagLogGroup` (deprecated): adds or replaces tags on a group named by name.
    pub(super) fn tag_log_group(
        &self,
        req: &LogsRequest,
        input: TagLogGroupInput,
    ) -> Result<http::Response<Bytes>, LogsError> {
        let name = required_group_name(input.log_group_name)?;
        let tags = required(input.tags, "tags")?;
        self.merge_tags(
            &req.account_id,
            &req.region,
            &name,
            tags,
            LogsError::no_group,
        )?;
        Ok(empty_ok(&req.request_id))
    }

    /// `UntagLogGroup` (deprecated): removes tag keys from a group named by name.
    pub(super) fn untag_log_group(
        &self,
        req: &LogsRequest,
        input: UntagLogGroupInput,
    ) -> Result<http::Response<Bytes>, LogsError> {
        let name = required_group_name(input.log_group_name)?;
        let keys = required(input.tags, "tags")?;
        self.remove_tags(
            &req.account_id,
            &req.region,
            &name,
            &keys,
            LogsError::no_group,
        )?;
        Ok(empty_ok(&req.request_id))
    }

    /// `ListTagsLogGroup` (deprecated): `{"tags":{…}}`.
    pub(super) fn list_tags_log_group(
        &self,
        req: &LogsRequest,
        input: GroupInput,
    ) -> Result<http::Response<Bytes>, LogsError> {
        let name = required_group_name(input.log_group_name)?;
        let tags = self
            .group_tags(&req.account_id, &req.region, &name)
            .ok_or_else(LogsError::no_group)?;
        ok(&req.request_id, &TagsOutput { tags })
    }

    /// `TagResource`: adds or replaces tags on a group named by ARN.
    pub(super) fn tag_resource(
        &self,
        req: &LogsRequest,
        input: TagResourceInput,
    ) -> Result<http::Response<Bytes>, LogsError> {
        let arn = required(input.resource_arn, "resourceArn")?;
        let tags = required(input.tags, "tags")?;
        let (region, group) = own_group(req, &arn, "logs:TagResource")?;
        self.merge_tags(
            &req.account_id,
            &region,
            &group,
            tags,
            LogsError::no_resource,
        )?;
        Ok(empty_ok(&req.request_id))
    }

    /// `UntagResource`: removes tag keys from a group named by ARN.
    pub(super) fn untag_resource(
        &self,
        req: &LogsRequest,
        input: UntagResourceInput,
    ) -> Result<http::Response<Bytes>, LogsError> {
        let arn = required(input.resource_arn, "resourceArn")?;
        let keys = required(input.tag_keys, "tagKeys")?;
        let (region, group) = own_group(req, &arn, "logs:UntagResource")?;
        self.remove_tags(
            &req.account_id,
            &region,
            &group,
            &keys,
            LogsError::no_resource,
        )?;
        Ok(empty_ok(&req.request_id))
    }

    /// `ListTagsForResource`: `{"tags":{…}}` of a group named by ARN.
    pub(super) fn list_tags_for_resource(
        &self,
        req: &LogsRequest,
        input: ResourceInput,
    ) -> Result<http::Response<Bytes>, LogsError> {
        let arn = required(input.resource_arn, "resourceArn")?;
        let (region, group) = own_group(req, &arn, "logs:ListTagsForResource")?;
        let tags = self
            .group_tags(&req.account_id, &region, &group)
            .ok_or_else(LogsError::no_resource)?;
        ok(&req.request_id, &TagsOutput { tags })
    }
}
