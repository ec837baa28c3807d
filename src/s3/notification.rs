//! Put/GetBucketNotificationConfiguration: the wire side of [`crate::notify`], kept per bucket.
//!
//! PUT replaces the whole configuration atomically (a rejected PUT changes nothing) and an
//! empty `<NotificationConfiguration/>` clears it; GET returns what is stored, or an empty
//! configuration. Destinations are validated through the [`DestinationValidator`] the
//! simulator installs (function exists, and its qualifier's policy lets S3 invoke it).
//! See <https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketNotificationConfiguration.html>.

use std::sync::Arc;

use bytes::Bytes;
use http::{Response, StatusCode};

use super::{S3, S3Error, S3ErrorCode, S3Request};
use crate::notify::{
    self, BucketContext, NotificationConfiguration, NotifyError, NotifyErrorCode,
    SkipDestinationValidation,
};

/// `PUT /{bucket}?notification`.
pub(super) fn put(s3: &S3, req: &S3Request, bucket: &str) -> Result<Response<Bytes>, S3Error> {
    let owned = s3.owned_bucket(req, bucket)?;
    let skip =
        SkipDestinationValidation::from_header(req.header("x-amz-skip-destination-validation"));
    let context = BucketContext {
        bucket,
        owner: &owned.owner.account_id,
        region: &owned.region,
    };
    let config =
        notify::parse_put(&req.body, &context, s3.destination_validator(), skip).map_err(|e| {
            // The client shows only the message; the log names every refused argument (each
            // refused destination's own reason is logged by the validator as it is checked).
            let arguments: Vec<String> = e
                .arguments
                .iter()
                .map(|(n, v)| format!("{n}={v}"))
                .collect();
            tracing::info!(bucket, code = %e.code, error = %e.message,
                arguments = %arguments.join("; "), "notification configuration refused");
            to_s3_error(e)
        })?;
    tracing::info!(
        bucket,
        lambda = config.lambda.len(),
        queue = config.queue.len(),
        topic = config.topic.len(),
        "notification configuration stored"
    );
    s3.set_notification(bucket, config);
    Ok(Response::new(Bytes::new()))
}

/// `GET /{bucket}?notification`.
pub(super) fn get(s3: &S3, req: &S3Request, bucket: &str) -> Result<Response<Bytes>, S3Error> {
    s3.owned_bucket(req, bucket)?;
    let body = match s3.notification(bucket) {
        Some(config) => notify::xml::render(&config),
        None => notify::xml::render(&NotificationConfiguration::default()),
    };
    let mut response = Response::new(Bytes::from(body));
    response.headers_mut().insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static("application/xml"),
    );
    Ok(response)
}

/// A validation failure as S3 sends it: `InvalidArgument` / `MalformedXML` with the
/// `ArgumentName[N]` / `ArgumentValue[N]` elements in order.
fn to_s3_error(e: NotifyError) -> S3Error {
    let code = match e.code {
        NotifyErrorCode::MalformedXml => S3ErrorCode::MalformedXML,
        NotifyErrorCode::InvalidArgument => S3ErrorCode::InvalidArgument,
    };
    e.arguments.into_iter().fold(
        S3Error::new(code, StatusCode::BAD_REQUEST, e.message),
        |err, (name, value)| err.with_extra(name, value),
    )
}

impl S3 {
    /// The bucket's notification configuration, if it has a non-empty one.
    pub fn notification(&self, bucket: &str) -> Option<Arc<NotificationConfiguration>> {
        self.inner
            .notifications
            .get(bucket)
            .map(|c| Arc::clone(c.value()))
    }

    fn set_notification(&self, bucket: &str, config: NotificationConfiguration) {
        if config.is_empty() {
            self.inner.notifications.remove(bucket);
        } else {
            self.inner
                .notifications
                .insert(bucket.to_owned(), Arc::new(config));
        }
    }

    /// Forgets a deleted bucket's configuration.
    pub(super) fn drop_notification(&self, bucket: &str) {
        self.inner.notifications.remove(bucket);
    }
}
