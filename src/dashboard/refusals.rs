//! Refused notification configurations, for the live view: when S3 refuses a
//! `PutBucketNotificationConfiguration` from the bucket's owner, the journal keeps the
//! refusal, and for each destination S3 could not validate, the authorizer's reason.

use crate::s3::{S3Error, S3ErrorCode, S3Request};
use crate::sim::Simulator;
use crate::trace::{ConfigRefusal, RefusedDestination};

/// Keeps `result` in the journal if it is S3 refusing a notification configuration.
pub(crate) fn note<T>(sim: &Simulator, request: &S3Request, result: &Result<T, S3Error>) {
    let Err(error) = result else { return };
    if request.method != http::Method::PUT
        || request.key.is_some()
        || !request.has_query("notification")
        || !matches!(
            error.error_code(),
            S3ErrorCode::InvalidArgument | S3ErrorCode::MalformedXML
        )
    {
        return;
    }
    let Some(bucket) = request
        .bucket
        .as_deref()
        .and_then(|b| sim.s3().store().bucket(b))
    else {
        return;
    };
    if !bucket.is_owned_by(&request.requester.id) {
        return;
    }
    let registry = sim.lambda().registry();
    // A destination S3 could not validate is named `{arn}, null` in an ArgumentName.
    let destinations = error
        .extras()
        .iter()
        .filter(|(name, _)| name.starts_with("ArgumentName"))
        .filter_map(|(_, value)| value.strip_suffix(", null"))
        .map(|arn| RefusedDestination {
            arn: arn.to_owned(),
            reason: super::wiring::access(registry, &bucket, arn).reason,
        })
        .collect();
    sim.journal().refuse_configuration(ConfigRefusal {
        id: String::new(),
        created: std::time::UNIX_EPOCH,
        bucket: bucket.name.clone(),
        bucket_owner: bucket.owner.account_id.clone(),
        request_id: request.request_id.clone(),
        code: error.code().to_owned(),
        message: error.message().to_owned(),
        destinations,
    });
}
