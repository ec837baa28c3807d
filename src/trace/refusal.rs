//! A notification configuration S3 refused (`PutBucketNotificationConfiguration` answered
//! with an error): no event follows from it, but the live view shows it beside the events,
//! with why S3 may not invoke each destination it could not validate.

use std::time::SystemTime;

use serde::{Deserialize, Serialize};

/// One refused configuration.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConfigRefusal {
    /// Its id, e.g. `cfg-000000000001` (set by the journal).
    pub id: String,
    /// When it was refused (set by the journal).
    #[serde(with = "super::record::unix_millis")]
    pub created: SystemTime,
    /// The bucket.
    pub bucket: String,
    /// The bucket owner, who sent it.
    pub bucket_owner: String,
    /// The `x-amz-request-id` the client saw.
    pub request_id: String,
    /// The S3 error code, e.g. `InvalidArgument`.
    pub code: String,
    /// The S3 error message.
    pub message: String,
    /// The destinations S3 could not validate.
    pub destinations: Vec<RefusedDestination>,
}

/// A destination of a refused configuration.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RefusedDestination {
    /// The function ARN as configured.
    pub arn: String,
    /// Why S3 may not invoke it (absent where the caller may not read the function's policy).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}
