//! Notification configuration: domain types, XML wire form, validation and matching.
//!
//! The S3 layer calls [`parse_put`] for `PUT /{bucket}?notification` (structure, values,
//! overlaps and destinations checked; nothing stored on error), stores the returned
//! [`NotificationConfiguration`], renders GET with [`xml::render`], and on every accepted
//! write asks [`matching::matching_lambdas`] which Lambda configurations receive the event.
//! See <https://docs.aws.amazon.com/AmazonS3/latest/userguide/EventNotifications.html>.

pub mod config;
pub mod error;
pub mod matching;
pub mod raw;
pub mod validate;
pub mod xml;

pub use config::{
    DestinationConfig, DestinationKind, EventType, KeyFilter, LambdaConfig,
    NotificationConfiguration, QueueConfig, TopicConfig, UnknownEventType,
};
pub use error::{NotifyError, NotifyErrorCode};
pub use matching::{ConfigMatch, NoMatch, matching_lambdas};
pub use validate::{AcceptAll, BucketContext, DestinationValidator, SkipDestinationValidation};

/// Parses and validates a PUT Bucket notification configuration body: the whole
/// configuration to store, or the error S3 returns (and nothing is stored).
pub fn parse_put(
    body: &[u8],
    bucket: &BucketContext<'_>,
    validator: &dyn DestinationValidator,
    skip: SkipDestinationValidation,
) -> Result<NotificationConfiguration, NotifyError> {
    validate::validate(xml::parse(body)?, bucket, validator, skip)
}
