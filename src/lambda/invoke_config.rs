//! Asynchronous invocation configuration (`FunctionEventInvokeConfig`): retries, maximum
//! event age and destinations, per function, version or alias.
//!
//! <https://docs.aws.amazon.com/lambda/latest/dg/invocation-async.html>

use super::error::LambdaError;

/// Default retry attempts for asynchronous invocations.
pub const DEFAULT_RETRY_ATTEMPTS: u32 = 2;
/// Default maximum event age in seconds (6 h).
pub const DEFAULT_MAX_EVENT_AGE: u32 = 21600;

/// One `FunctionEventInvokeConfig` (fields left unset keep Lambda's defaults).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EventInvokeConfig {
    /// `MaximumRetryAttempts` (0–2).
    pub maximum_retry_attempts: Option<u32>,
    /// `MaximumEventAgeInSeconds` (60–21600).
    pub maximum_event_age_in_seconds: Option<u32>,
    /// `DestinationConfig.OnSuccess.Destination`.
    pub on_success: Option<String>,
    /// `DestinationConfig.OnFailure.Destination`.
    pub on_failure: Option<String>,
    /// `LastModified` as epoch seconds.
    pub last_modified: f64,
}

impl EventInvokeConfig {
    /// Retry attempts in effect (default 2).
    pub fn retry_attempts(&self) -> u32 {
        self.maximum_retry_attempts
            .unwrap_or(DEFAULT_RETRY_ATTEMPTS)
    }

    /// Maximum event age in effect, in seconds (default 21600).
    pub fn max_event_age(&self) -> u32 {
        self.maximum_event_age_in_seconds
            .unwrap_or(DEFAULT_MAX_EVENT_AGE)
    }

    /// Validates ranges; `require_any` (Put) also needs at least one setting.
    pub fn validate(&self, require_any: bool) -> Result<(), LambdaError> {
        if let Some(n) = self.maximum_retry_attempts
            && n > 2
        {
            return Err(LambdaError::validation(
                n,
                "maximumRetryAttempts",
                "Member must have value less than or equal to 2",
            ));
        }
        if let Some(n) = self.maximum_event_age_in_seconds
            && !(60..=21600).contains(&n)
        {
            let constraint = if n < 60 {
                "Member must have value greater than or equal to 60"
            } else {
                "Member must have value less than or equal to 21600"
            };
            return Err(LambdaError::validation(
                n,
                "maximumEventAgeInSeconds",
                constraint,
            ));
        }
        for (d, field) in [
            (&self.on_success, "destinationConfig.onSuccess.destination"),
            (&self.on_failure, "destinationConfig.onFailure.destination"),
        ] {
            if let Some(d) = d {
                super::limits::destination(d, field)?;
            }
        }
        if require_any
            && self.maximum_retry_attempts.is_none()
            && self.maximum_event_age_in_seconds.is_none()
            && self.on_success.is_none()
            && self.on_failure.is_none()
        {
            return Err(LambdaError::InvalidParameterValue(
                "You must specify at least one of error handling or destination setting.".into(),
            ));
        }
        Ok(())
    }

    /// UpdateFunctionEventInvokeConfig: fields given in `update` replace those here.
    pub fn merge(&mut self, update: EventInvokeConfig) {
        if update.maximum_retry_attempts.is_some() {
            self.maximum_retry_attempts = update.maximum_retry_attempts;
        }
        if update.maximum_event_age_in_seconds.is_some() {
            self.maximum_event_age_in_seconds = update.maximum_event_age_in_seconds;
        }
        if update.on_success.is_some() {
            self.on_success = update.on_success;
        }
        if update.on_failure.is_some() {
            self.on_failure = update.on_failure;
        }
        self.last_modified = update.last_modified;
    }
}

/// The current time as epoch seconds with milliseconds.
pub fn epoch_now() -> f64 {
    let t = time::OffsetDateTime::now_utc();
    (t.unix_timestamp_nanos() / 1_000_000) as f64 / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation_and_merge() {
        let c = EventInvokeConfig {
            maximum_retry_attempts: Some(3),
            ..Default::default()
        };
        assert_eq!(
            c.validate(true).unwrap_err().message(),
            "1 validation error detected: Value '3' at 'maximumRetryAttempts' failed to satisfy constraint: Member must have value less than or equal to 2"
        );
        let c = EventInvokeConfig {
            maximum_event_age_in_seconds: Some(59),
            ..Default::default()
        };
        assert!(
            c.validate(true)
                .unwrap_err()
                .message()
                .contains("greater than or equal to 60")
        );
        let e = EventInvokeConfig::default().validate(true).unwrap_err();
        assert_eq!(
            e.message(),
            "You must specify at least one of error handling or destination setting."
        );
        assert!(EventInvokeConfig::default().validate(false).is_ok());
        let mut c = EventInvokeConfig {
            maximum_retry_attempts: Some(0),
            ..Default::default()
        };
        assert_eq!((c.retry_attempts(), c.max_event_age()), (0, 21600));
        c.merge(EventInvokeConfig {
            on_failure: Some("arn:aws:sqs:us-east-1:000000000000:dlq".into()),
            ..Default::default()
        });
        assert_eq!(c.maximum_retry_attempts, Some(0));
        assert!(c.on_failure.is_some());
        assert!(epoch_now() > 1.6e9);
    }
}
