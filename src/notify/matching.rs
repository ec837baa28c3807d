//! Matching an accepted write against a bucket's notification configuration.
//!
//! Hot path: the caller encodes the key once per event ([`EncodedKey::new`], which borrows
//! when nothing needs encoding) and [`matching_lambdas`] walks the configurations without
//! allocating. Filters compare against the URL-encoded key, as AWS does (a filter on keys
//! with spaces must be written with `+`), case-sensitively.
//! <https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-how-to-filtering.html>

use std::fmt;

use crate::s3event::{EncodedKey, EventName};

use super::config::{EventType, KeyFilter, LambdaConfig, NotificationConfiguration};

/// Why a configuration did not select an event (first failing check, in this order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NoMatch {
    /// None of the configured event types covers the event.
    EventType,
    /// The encoded key does not start with the prefix rule.
    Prefix,
    /// The encoded key does not end with the suffix rule.
    Suffix,
}

impl fmt::Display for NoMatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::EventType => "event type not configured",
            Self::Prefix => "key prefix does not match",
            Self::Suffix => "key suffix does not match",
        })
    }
}

/// Whether `config` selects `event` on the encoded key, or why not.
pub fn evaluate(
    config: &LambdaConfig,
    event: EventName,
    key: &EncodedKey<'_>,
) -> Result<(), NoMatch> {
    select(&config.events, &config.filter, event, key)
}

/// Whether a configuration of any destination kind (Lambda, SQS, SNS) with these event
/// types and key filter selects `event` on the encoded key, or why not.
pub fn select(
    events: &[EventType],
    filter: &KeyFilter,
    event: EventName,
    key: &EncodedKey<'_>,
) -> Result<(), NoMatch> {
    if !events.iter().any(|t| t.matches(event)) {
        return Err(NoMatch::EventType);
    }
    if !filter.prefix_matches(key.as_str()) {
        return Err(NoMatch::Prefix);
    }
    if !filter.suffix_matches(key.as_str()) {
        return Err(NoMatch::Suffix);
    }
    Ok(())
}

/// The Lambda configurations that receive `event` on `key`, in configuration order.
///
/// Validation forbids overlapping configurations, so at most one matches a valid stored
/// configuration; the iterator form still reports every match.
pub fn matching_lambdas<'c, 'k>(
    config: &'c NotificationConfiguration,
    event: EventName,
    key: &'k EncodedKey<'k>,
) -> impl Iterator<Item = &'c LambdaConfig> + 'k
where
    'c: 'k,
{
    config
        .lambda
        .iter()
        .filter(move |c| evaluate(c, event, key).is_ok())
}

/// One configuration's verdict, for traces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigMatch<'c> {
    /// The configuration judged.
    pub config: &'c LambdaConfig,
    /// `Ok` when it selects the event, else the first reason it does not.
    pub outcome: Result<(), NoMatch>,
}

impl ConfigMatch<'_> {
    /// A sentence for the trace, naming the configuration and the values compared, e.g.
    /// `configuration "images" skipped: key prefix does not match (prefix "images/", key "docs/a.txt")`.
    pub fn describe(&self, event: EventName, key: &EncodedKey<'_>) -> String {
        let id = &self.config.id;
        match self.outcome {
            Ok(()) => format!(
                "configuration {id:?} matched {event} on key {:?} -> {}",
                key.as_str(),
                self.config.function_arn
            ),
            Err(NoMatch::EventType) => {
                let types: Vec<&str> = self.config.events.iter().map(|t| t.as_str()).collect();
                format!(
                    "configuration {id:?} skipped: event type not configured ({} not in [{}])",
                    event.config_name(),
                    types.join(", ")
                )
            }
            Err(NoMatch::Prefix) => format!(
                "configuration {id:?} skipped: key prefix does not match (prefix {:?}, key {:?})",
                self.config.filter.prefix.as_deref().unwrap_or_default(),
                key.as_str()
            ),
            Err(NoMatch::Suffix) => format!(
                "configuration {id:?} skipped: key suffix does not match (suffix {:?}, key {:?})",
                self.config.filter.suffix.as_deref().unwrap_or_default(),
                key.as_str()
            ),
        }
    }
}

/// Every Lambda configuration with its verdict (matched or why not), in configuration order.
pub fn explain<'c>(
    config: &'c NotificationConfiguration,
    event: EventName,
    key: &EncodedKey<'_>,
) -> Vec<ConfigMatch<'c>> {
    config
        .lambda
        .iter()
        .map(|c| ConfigMatch {
            config: c,
            outcome: evaluate(c, event, key),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lambda(
        id: &str,
        events: &[EventType],
        prefix: Option<&str>,
        suffix: Option<&str>,
    ) -> LambdaConfig {
        LambdaConfig {
            id: id.into(),
            function_arn: format!("arn:aws:lambda:us-east-1:000000000000:function:{id}"),
            events: events.to_vec(),
            filter: KeyFilter {
                prefix: prefix.map(str::to_owned),
                suffix: suffix.map(str::to_owned),
            },
        }
    }

    fn config() -> NotificationConfiguration {
        NotificationConfiguration {
            lambda: vec![
                lambda(
                    "images",
                    &[EventType::ObjectCreatedAll],
                    Some("images/"),
                    Some(".jpg"),
                ),
                lambda("deletes", &[EventType::ObjectRemovedDelete], None, None),
                lambda(
                    "spaces",
                    &[EventType::ObjectCreatedPut],
                    Some("my+dir/"),
                    None,
                ),
                lambda("empty", &[EventType::ObjectCreatedCopy], Some(""), Some("")),
            ],
            ..NotificationConfiguration::default()
        }
    }

    fn ids(event: EventName, raw_key: &str) -> Vec<String> {
        let cfg = config();
        let key = EncodedKey::new(raw_key);
        matching_lambdas(&cfg, event, &key)
            .map(|c| c.id.clone())
            .collect()
    }

    #[test]
    fn matches_by_event_prefix_and_suffix() {
        use EventName as N;
        assert_eq!(ids(N::ObjectCreatedPut, "images/cat.jpg"), ["images"]);
        assert_eq!(
            ids(N::ObjectCreatedCompleteMultipartUpload, "images/a/b.jpg"),
            ["images"]
        );
        assert!(ids(N::ObjectCreatedPut, "images/cat.png").is_empty());
        assert!(ids(N::ObjectCreatedPut, "docs/cat.jpg").is_empty());
        assert!(
            ids(N::ObjectCreatedPut, "Images/cat.jpg").is_empty(),
            "case-sensitive"
        );
        assert!(
            ids(N::ObjectRemovedDelete, "images/cat.jpg")
                .iter()
                .eq(["deletes"].iter())
        );
        assert!(ids(N::ObjectRemovedDeleteMarkerCreated, "x").is_empty());
        assert_eq!(ids(N::ObjectCreatedCopy, "anything"), ["empty"]);
    }

    #[test]
    fn filters_see_the_encoded_key() {
        use EventName as N;
        // A raw space becomes `+`, so the `my+dir/` prefix matches `my dir/…`.
        assert_eq!(ids(N::ObjectCreatedPut, "my dir/file"), ["spaces"]);
        assert!(
            ids(N::ObjectCreatedPut, "my+dir/file").is_empty(),
            "raw + is %2B"
        );
    }

    #[test]
    fn explain_gives_a_reason_per_config() {
        let cfg = config();
        let key = EncodedKey::new("images/cat.png");
        let verdicts = explain(&cfg, EventName::ObjectCreatedPut, &key);
        let outcomes: Vec<_> = verdicts.iter().map(|v| v.outcome).collect();
        assert_eq!(
            outcomes,
            [
                Err(NoMatch::Suffix),
                Err(NoMatch::EventType),
                Err(NoMatch::Prefix),
                Err(NoMatch::EventType)
            ]
        );
        let text = verdicts[0].describe(EventName::ObjectCreatedPut, &key);
        assert_eq!(
            text,
            r#"configuration "images" skipped: key suffix does not match (suffix ".jpg", key "images/cat.png")"#
        );
        let text = verdicts[1].describe(EventName::ObjectCreatedPut, &key);
        assert!(
            text.contains("s3:ObjectCreated:Put not in [s3:ObjectRemoved:Delete]"),
            "{text}"
        );
        let key = EncodedKey::new("images/cat.jpg");
        let ok = explain(&cfg, EventName::ObjectCreatedPost, &key);
        assert_eq!(ok[0].outcome, Ok(()));
        assert!(
            ok[0]
                .describe(EventName::ObjectCreatedPost, &key)
                .contains("matched ObjectCreated:Post")
        );
    }

    #[test]
    fn queue_and_topic_configs_are_not_delivered() {
        let mut cfg = NotificationConfiguration::default();
        cfg.queue.push(crate::notify::config::QueueConfig {
            id: "q".into(),
            queue_arn: "arn:aws:sqs:us-east-1:000000000000:q".into(),
            events: vec![EventType::ObjectCreatedAll],
            filter: KeyFilter::default(),
        });
        let key = EncodedKey::new("k");
        assert_eq!(
            matching_lambdas(&cfg, EventName::ObjectCreatedPut, &key).count(),
            0
        );
    }
}
