//! Validation of a PUT notification configuration, with AWS's error codes and messages.
//!
//! Checks, in this order (the first failure is returned, except destination checks, which
//! are collected): for each configuration in document order, the destination ARN
//! ([`ARN_NOT_PARSED`]), the Region of the ARN ([`REGION_MISMATCH`]), each event
//! ([`EVENT_NOT_SUPPORTED`]), the filter rules ([`FILTER_RULE_NAME`], [`FILTER_VALUE_TOO_LONG`],
//! [`MORE_THAN_ONE_PREFIX`],
//! [`MORE_THAN_ONE_SUFFIX`]); then duplicate Ids ([`DUPLICATE_ID`]); then overlapping
//! configurations across all destination kinds ([`OVERLAP_NO_FILTER`] /
//! [`OVERLAP_AMBIGUOUS`]); last the destinations themselves through a
//! [`DestinationValidator`] ([`DESTINATION_CHECK_FAILED`] with numbered arguments), unless
//! [`SkipDestinationValidation::Skip`]. Nothing is stored when any check fails.
//!
//! Sources: <https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-how-to-filtering.html>
//! and AWS's recorded responses, summarised in `fixtures/notification/README.md`.

use std::collections::HashSet;

use base64::Engine as _;

use super::config::{
    DestinationKind, EventType, KeyFilter, LambdaConfig, NotificationConfiguration, QueueConfig,
    TopicConfig,
};
use super::error::{NotifyError, NotifyErrorCode};
use super::raw::{RawConfig, RawNotificationConfiguration};
use crate::arn::Arn;
use crate::lambda::policy::Refusal;

/// `InvalidArgument` message for an unparseable destination ARN (recorded from AWS; also
/// returned when destination validation is skipped).
pub const ARN_NOT_PARSED: &str = "The ARN could not be parsed";

/// `InvalidArgument` message for a destination in another Region than the bucket.
///
/// AWS documents the rule (the function must be in the bucket's Region) but no recorded
/// response was found; this is the message S3 is reported to use for cross-Region
/// notification destinations. ArgumentName is the ARN element, ArgumentValue the ARN.
pub const REGION_MISMATCH: &str =
    "The notification destination service region is not valid for the bucket location constraint";

/// `InvalidArgument` message for an unknown event type (ArgumentName `Event`, ArgumentValue
/// the event text). Chosen: AWS's text was not found in the sources.
pub const EVENT_NOT_SUPPORTED: &str = "The event is not supported for notifications";

/// `InvalidArgument` message for a rule name other than prefix/suffix (any case).
pub const FILTER_RULE_NAME: &str = "filter rule name must be either prefix or suffix";

/// `InvalidArgument` message for two prefix rules in one filter.
pub const MORE_THAN_ONE_PREFIX: &str = "Cannot specify more than one prefix rule in a filter.";

/// `InvalidArgument` message for two suffix rules in one filter.
pub const MORE_THAN_ONE_SUFFIX: &str = "Cannot specify more than one suffix rule in a filter.";

/// `InvalidArgument` message for a filter rule value longer than 1024 bytes (ArgumentName
/// `FilterRule.Value`). From emulator error tables (MinIO), not verified against AWS.
pub const FILTER_VALUE_TOO_LONG: &str =
    "Size of filter rule value cannot exceed 1024 bytes in UTF-8 representation";

/// Longest accepted filter rule value, in bytes.
pub const MAX_FILTER_VALUE_BYTES: usize = 1024;

/// `InvalidArgument` message for two configurations with the same `Id` (ArgumentName `Id`,
/// ArgumentValue the Id). Chosen: AWS's text was not found; one emulator uses this one.
pub const DUPLICATE_ID: &str = "Same ID used for multiple configurations. IDs must be unique.";

/// `InvalidArgument` message when two overlapping configurations have no filter at all
/// (ArgumentName `Event`, ArgumentValue `{event of first}, {event of second}`).
pub const OVERLAP_NO_FILTER: &str =
    "Configurations overlap. Configurations on the same bucket cannot share a common event type.";

/// `InvalidArgument` message when overlapping configurations involve a filter (no
/// argument elements).
pub const OVERLAP_AMBIGUOUS: &str = "Configuration is ambiguously defined. Cannot have overlapping suffixes in two rules if the prefixes are overlapping for the same event type.";

/// `InvalidArgument` message of failed destination checks, with numbered
/// `ArgumentName{n}` = `{arn}, null` / `ArgumentValue{n}` = the reason AWS gives.
pub const DESTINATION_CHECK_FAILED: &str =
    "Unable to validate the following destination configurations";

/// Whether to check destinations (the `x-amz-skip-destination-validation` header).
///
/// Skipping only skips the [`DestinationValidator`] calls; ARN syntax, Region, events,
/// filters and overlaps are always checked.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SkipDestinationValidation {
    /// Check every destination (the default).
    #[default]
    Validate,
    /// Store destinations without checking them.
    Skip,
}

impl SkipDestinationValidation {
    /// From the `x-amz-skip-destination-validation` header value: `true` (any case) skips.
    pub fn from_header(value: Option<&str>) -> Self {
        match value {
            Some(v) if v.trim().eq_ignore_ascii_case("true") => Self::Skip,
            _ => Self::Validate,
        }
    }
}

/// The bucket a configuration is being put on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BucketContext<'a> {
    /// Bucket name.
    pub bucket: &'a str,
    /// The bucket owner's account id.
    pub owner: &'a str,
    /// The bucket's Region.
    pub region: &'a str,
}

/// Checks that S3 may invoke a Lambda destination; implemented by the event pipeline with
/// the authorization every delivery gets (registry + resource policy). A refusal is for
/// traces and logs only: the client sees AWS's fixed text ([`not_authorized_to_invoke`]).
/// Queue and topic destinations are accepted unchecked: the simulator has no SQS or SNS.
pub trait DestinationValidator {
    /// Whether `function_arn` (exactly as configured, qualifier included) exists and its
    /// resource policy lets `s3.amazonaws.com` invoke it for `bucket`.
    fn check_lambda(&self, function_arn: &str, bucket: &BucketContext<'_>) -> Result<(), Refusal>;
}

/// A validator that accepts every destination (for tests and in-process use).
#[derive(Debug, Clone, Copy, Default)]
pub struct AcceptAll;

impl DestinationValidator for AcceptAll {
    fn check_lambda(&self, _: &str, _: &BucketContext<'_>) -> Result<(), Refusal> {
        Ok(())
    }
}

/// A generated configuration `Id`: base64 of a random UUID string, like
/// `YjVkM2Y0YmUtNGI3NC00ZjQyLWEwNGItNDIyYWUxY2I0N2M4` in AWS's sample.
pub fn generate_id() -> String {
    base64::engine::general_purpose::STANDARD.encode(uuid::Uuid::new_v4().to_string())
}

/// Parses `arn:partition:service:region:account:resource` for a destination of `kind`:
/// every part non-empty, service `lambda` (resource `function:name[:qualifier]`), `sqs` or
/// `sns` (resource one name). Anything else "could not be parsed" (a wrong service included:
/// this simulator's choice).
fn parse_arn(kind: DestinationKind, text: &str) -> Option<Arn> {
    let arn = Arn::parse(text).ok()?;
    if arn.region.is_empty() || arn.account.is_empty() {
        return None;
    }
    let resource = arn.resource.as_str();
    let resource_ok = match kind {
        DestinationKind::Lambda => {
            let mut r = resource.split(':');
            matches!(
                (r.next(), r.next(), r.next(), r.next()),
                (Some("function"), Some(name), qualifier, None)
                    if !name.is_empty() && qualifier.is_none_or(|q| !q.is_empty())
            ) && arn.service == "lambda"
        }
        DestinationKind::Queue => {
            arn.service == "sqs" && !resource.is_empty() && !resource.contains(':')
        }
        DestinationKind::Topic => {
            arn.service == "sns" && !resource.is_empty() && !resource.contains(':')
        }
    };
    resource_ok.then_some(arn)
}

/// Builds the key filter from the raw rules (names case-insensitive).
fn parse_filter(raw: &RawConfig) -> Result<KeyFilter, NotifyError> {
    let mut filter = KeyFilter::default();
    for rule in &raw.rules {
        let slot = if rule.name.eq_ignore_ascii_case("prefix") {
            (&mut filter.prefix, MORE_THAN_ONE_PREFIX)
        } else if rule.name.eq_ignore_ascii_case("suffix") {
            (&mut filter.suffix, MORE_THAN_ONE_SUFFIX)
        } else {
            return Err(NotifyError::invalid_argument(
                FILTER_RULE_NAME,
                "FilterRule.Name",
                &rule.name,
            ));
        };
        if rule.value.len() > MAX_FILTER_VALUE_BYTES {
            return Err(NotifyError::invalid_argument(
                FILTER_VALUE_TOO_LONG,
                "FilterRule.Value",
                &rule.value,
            ));
        }
        if slot.0.is_some() {
            return Err(NotifyError::invalid(slot.1));
        }
        *slot.0 = Some(rule.value.clone());
    }
    Ok(filter)
}

/// Checks one raw configuration's own values.
fn check_config(
    raw: &RawConfig,
    bucket: &BucketContext<'_>,
) -> Result<(Vec<EventType>, KeyFilter), NotifyError> {
    let arn_element = raw.kind.arn_element();
    let arn = parse_arn(raw.kind, &raw.arn)
        .ok_or_else(|| NotifyError::invalid_argument(ARN_NOT_PARSED, arn_element, &raw.arn))?;
    if arn.region != bucket.region {
        return Err(NotifyError::invalid_argument(
            REGION_MISMATCH,
            arn_element,
            &raw.arn,
        ));
    }
    let events = raw
        .events
        .iter()
        .map(|e| {
            e.parse::<EventType>()
                .map_err(|_| NotifyError::invalid_argument(EVENT_NOT_SUPPORTED, "Event", e))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok((events, parse_filter(raw)?))
}

/// Finds the first pair of overlapping configurations (document order), across all
/// destination kinds.
fn check_overlaps(configs: &[(Vec<EventType>, KeyFilter)]) -> Result<(), NotifyError> {
    for (i, (a_events, a_filter)) in configs.iter().enumerate() {
        for (b_events, b_filter) in configs.iter().skip(i + 1) {
            let Some((ea, eb)) = a_events.iter().find_map(|ea| {
                b_events
                    .iter()
                    .find(|eb| ea.intersects(**eb))
                    .map(|eb| (ea, eb))
            }) else {
                continue;
            };
            if !a_filter.overlaps(b_filter) {
                continue;
            }
            return Err(if a_filter.is_empty() && b_filter.is_empty() {
                NotifyError::invalid_argument(OVERLAP_NO_FILTER, "Event", &format!("{ea}, {eb}"))
            } else {
                NotifyError::invalid(OVERLAP_AMBIGUOUS)
            });
        }
    }
    Ok(())
}

/// Validates a parsed PUT body for `bucket` and builds the configuration to store
/// (generating missing Ids). See the module documentation for the order of checks.
pub fn validate(
    raw: RawNotificationConfiguration,
    bucket: &BucketContext<'_>,
    validator: &dyn DestinationValidator,
    skip: SkipDestinationValidation,
) -> Result<NotificationConfiguration, NotifyError> {
    let mut config = NotificationConfiguration {
        event_bridge: raw.event_bridge,
        ..NotificationConfiguration::default()
    };
    let mut ids = HashSet::new();
    let mut checked = Vec::with_capacity(raw.configs.len());
    for item in &raw.configs {
        checked.push(check_config(item, bucket)?);
    }
    for item in &raw.configs {
        if let Some(id) = item.id.as_deref()
            && !ids.insert(id)
        {
            return Err(NotifyError::invalid_argument(DUPLICATE_ID, "Id", id));
        }
    }
    check_overlaps(&checked)?;
    for (item, (events, filter)) in raw.configs.into_iter().zip(checked) {
        let id = item.id.unwrap_or_else(generate_id);
        match item.kind {
            DestinationKind::Lambda => config.lambda.push(LambdaConfig {
                id,
                function_arn: item.arn,
                events,
                filter,
            }),
            DestinationKind::Queue => config.queue.push(QueueConfig {
                id,
                queue_arn: item.arn,
                events,
                filter,
            }),
            DestinationKind::Topic => config.topic.push(TopicConfig {
                id,
                topic_arn: item.arn,
                events,
                filter,
            }),
        }
    }
    if skip == SkipDestinationValidation::Validate {
        check_destinations(&config, bucket, validator)?;
    }
    Ok(config)
}

/// The `ArgumentValue{n}` of a Lambda destination S3 may not invoke.
pub fn not_authorized_to_invoke(function_arn: &str) -> String {
    format!("Not authorized to invoke function [{function_arn}]")
}

/// Asks the validator about every Lambda destination; all refusals are reported together.
fn check_destinations(
    config: &NotificationConfiguration,
    bucket: &BucketContext<'_>,
    validator: &dyn DestinationValidator,
) -> Result<(), NotifyError> {
    let mut arguments = Vec::new();
    let mut n = 0;
    for dest in config.destinations() {
        if dest.kind != DestinationKind::Lambda {
            continue;
        }
        if let Err(refusal) = validator.check_lambda(dest.arn, bucket) {
            n += 1;
            tracing::info!(
                bucket = bucket.bucket,
                destination = dest.arn,
                reason = %refusal,
                "notification destination refused"
            );
            arguments.push((format!("ArgumentName{n}"), format!("{}, null", dest.arn)));
            arguments.push((
                format!("ArgumentValue{n}"),
                not_authorized_to_invoke(dest.arn),
            ));
        }
    }
    if arguments.is_empty() {
        Ok(())
    } else {
        Err(NotifyError {
            code: NotifyErrorCode::InvalidArgument,
            message: DESTINATION_CHECK_FAILED.to_owned(),
            arguments,
        })
    }
}

#[cfg(test)]
mod tests {
    use std::fmt::Write as _;

    use super::*;
    use crate::lambda::LambdaError;
    use crate::lambda::policy::Unresolved;
    use crate::notify::xml;

    const BUCKET: BucketContext<'static> = BucketContext {
        bucket: "mybucket",
        owner: "000000000000",
        region: "us-east-1",
    };

    fn fixture(name: &str) -> Vec<u8> {
        let path = format!(
            "{}/fixtures/notification/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    fn put(body: &[u8]) -> Result<NotificationConfiguration, NotifyError> {
        validate(
            xml::parse(body)?,
            &BUCKET,
            &AcceptAll,
            SkipDestinationValidation::Validate,
        )
    }

    fn put_fixture(name: &str) -> Result<NotificationConfiguration, NotifyError> {
        put(&fixture(name))
    }

    /// Refuses functions whose name contains "missing".
    struct Refuse;
    impl DestinationValidator for Refuse {
        fn check_lambda(&self, arn: &str, bucket: &BucketContext<'_>) -> Result<(), Refusal> {
            assert_eq!(
                (bucket.bucket, bucket.owner, bucket.region),
                ("mybucket", "000000000000", "us-east-1")
            );
            if arn.contains("missing") {
                Err(Refusal::Unresolved(Unresolved::NotFound(
                    LambdaError::ResourceNotFound(format!("function {arn} not found")),
                )))
            } else {
                Ok(())
            }
        }
    }

    #[test]
    fn valid_fixture_builds_domain_config() {
        let config = put_fixture("valid-filters.xml").expect("valid");
        assert_eq!(config.lambda.len(), 1);
        let l = &config.lambda[0];
        assert_eq!(l.id, "images");
        assert_eq!(
            l.events,
            [EventType::ObjectCreatedPut, EventType::ObjectCreatedPost]
        );
        assert_eq!(l.filter.prefix.as_deref(), Some("images/"));
        assert_eq!(l.filter.suffix.as_deref(), Some(".jpg"));
        assert_eq!(config.queue[0].filter.prefix.as_deref(), Some("uploads/"));
        // Generated Id: base64 of a 36-character UUID string.
        let generated = &config.queue[0].id;
        assert_eq!(generated.len(), 48);
        let decoded = base64::engine::general_purpose::STANDARD
            .decode(generated)
            .expect("base64");
        assert!(uuid::Uuid::parse_str(std::str::from_utf8(&decoded).expect("utf-8")).is_ok());
        assert_eq!(config.topic[0].filter.prefix.as_deref(), Some("a&b"));
        assert!(config.event_bridge);
        // GET renders normalized rule names.
        let rendered = xml::render(&config);
        assert!(
            rendered.contains("<Name>Prefix</Name><Value>uploads/</Value>"),
            "{rendered}"
        );
        assert!(!rendered.contains("PREFIX"));
    }

    #[test]
    fn empty_config_is_empty() {
        let config = put(b"<NotificationConfiguration/>").expect("empty");
        assert!(config.is_empty());
    }

    #[test]
    fn invalid_fixtures_give_aws_errors() {
        const L: &str = "arn:aws:lambda:eu-west-1:000000000000:function:f";
        type Case = (
            &'static str,
            &'static str,
            &'static [(&'static str, &'static str)],
        );
        let cases: [Case; 9] = [
            (
                "invalid-arn.xml",
                ARN_NOT_PARSED,
                &[
                    ("ArgumentName", "CloudFunction"),
                    ("ArgumentValue", "invalid-queue"),
                ],
            ),
            (
                "invalid-region.xml",
                REGION_MISMATCH,
                &[("ArgumentName", "CloudFunction"), ("ArgumentValue", L)],
            ),
            (
                "invalid-event.xml",
                EVENT_NOT_SUPPORTED,
                &[
                    ("ArgumentName", "Event"),
                    ("ArgumentValue", "s3:ObjectCreated:Rename"),
                ],
            ),
            (
                "invalid-rule-name.xml",
                FILTER_RULE_NAME,
                &[
                    ("ArgumentName", "FilterRule.Name"),
                    ("ArgumentValue", "middle"),
                ],
            ),
            ("invalid-two-prefixes.xml", MORE_THAN_ONE_PREFIX, &[]),
            ("invalid-two-suffixes.xml", MORE_THAN_ONE_SUFFIX, &[]),
            (
                "invalid-overlap-no-filter.xml",
                OVERLAP_NO_FILTER,
                &[
                    ("ArgumentName", "Event"),
                    ("ArgumentValue", "s3:ObjectRemoved:*, s3:ObjectRemoved:*"),
                ],
            ),
            ("invalid-overlap-filters.xml", OVERLAP_AMBIGUOUS, &[]),
            (
                "invalid-duplicate-id.xml",
                DUPLICATE_ID,
                &[("ArgumentName", "Id"), ("ArgumentValue", "same")],
            ),
        ];
        for (name, message, args) in cases {
            let err = put_fixture(name).expect_err(name);
            assert_eq!(err.code, NotifyErrorCode::InvalidArgument, "{name}");
            assert_eq!(err.code.as_str(), "InvalidArgument");
            assert_eq!(err.status(), 400);
            assert_eq!(err.message, message, "{name}");
            let got: Vec<(&str, &str)> = err
                .arguments
                .iter()
                .map(|(n, v)| (n.as_str(), v.as_str()))
                .collect();
            assert_eq!(got, args, "{name}");
        }
    }

    #[test]
    fn arn_syntax() {
        use DestinationKind as K;
        for ok in [
            "arn:aws:lambda:us-east-1:000000000000:function:f",
            "arn:aws:lambda:us-east-1:000000000000:function:f:PROD",
            "arn:aws:lambda:us-east-1:000000000000:function:f:7",
        ] {
            assert!(parse_arn(K::Lambda, ok).is_some(), "{ok}");
        }
        for bad in [
            "invalid-queue",
            "",
            "arn:aws:lambda:us-east-1:000000000000",
            "arn:aws:lambda:us-east-1::function:f",
            "arn:aws:lambda:us-east-1:000000000000:function:",
            "arn:aws:lambda:us-east-1:000000000000:function:f:",
            "arn:aws:lambda:us-east-1:000000000000:function:f:1:2",
            "arn:aws:lambda:us-east-1:000000000000:layer:f",
            "arn:aws:sqs:us-east-1:000000000000:q",
            "xarn:aws:lambda:us-east-1:000000000000:function:f",
        ] {
            assert!(parse_arn(K::Lambda, bad).is_none(), "{bad}");
        }
        assert!(parse_arn(K::Queue, "arn:aws:sqs:us-east-1:000000000000:q").is_some());
        assert!(parse_arn(K::Topic, "arn:aws:sns:us-east-1:000000000000:t").is_some());
        assert!(parse_arn(K::Topic, "arn:aws:sqs:us-east-1:000000000000:t").is_none());
        let err = put(
            b"<NotificationConfiguration><QueueConfiguration><Queue>nope</Queue><Event>s3:ObjectCreated:*</Event></QueueConfiguration></NotificationConfiguration>",
        )
        .expect_err("bad queue arn");
        assert_eq!(err.argument("ArgumentName"), Some("Queue"));
        assert_eq!(err.argument("ArgumentValue"), Some("nope"));
    }

    fn lambda_body(functions: &[(&str, &str)]) -> Vec<u8> {
        let mut body = String::from("<NotificationConfiguration>");
        for (name, event) in functions {
            let _ = write!(
                body,
                "<CloudFunctionConfiguration><CloudFunction>arn:aws:lambda:us-east-1:000000000000:function:{name}</CloudFunction><Event>{event}</Event></CloudFunctionConfiguration>"
            );
        }
        body.push_str("</NotificationConfiguration>");
        body.into_bytes()
    }

    #[test]
    fn destination_failures_are_numbered() {
        let body = lambda_body(&[
            ("missing-one", "s3:ObjectCreated:*"),
            ("ok", "s3:ObjectRemoved:*"),
            ("missing-two:dev", "s3:ObjectRestore:*"),
        ]);
        let raw = xml::parse(&body).expect("parse");
        let err = validate(
            raw.clone(),
            &BUCKET,
            &Refuse,
            SkipDestinationValidation::Validate,
        )
        .expect_err("refused");
        assert_eq!(err.message, DESTINATION_CHECK_FAILED);
        let a1 = "arn:aws:lambda:us-east-1:000000000000:function:missing-one";
        let a2 = "arn:aws:lambda:us-east-1:000000000000:function:missing-two:dev";
        assert_eq!(
            err.arguments,
            [
                ("ArgumentName1".to_owned(), format!("{a1}, null")),
                (
                    "ArgumentValue1".to_owned(),
                    format!("Not authorized to invoke function [{a1}]")
                ),
                ("ArgumentName2".to_owned(), format!("{a2}, null")),
                (
                    "ArgumentValue2".to_owned(),
                    format!("Not authorized to invoke function [{a2}]")
                ),
            ]
        );
        // Skipping stores the configuration as given.
        let config =
            validate(raw, &BUCKET, &Refuse, SkipDestinationValidation::Skip).expect("skip");
        assert_eq!(config.lambda.len(), 3);
        assert_eq!(config.lambda[2].function_arn, a2);
    }

    #[test]
    fn skip_does_not_skip_arn_syntax() {
        let raw = xml::parse(&fixture("invalid-arn.xml")).expect("parse");
        let err = validate(raw, &BUCKET, &AcceptAll, SkipDestinationValidation::Skip)
            .expect_err("bad arn");
        assert_eq!(err.message, ARN_NOT_PARSED);
    }

    #[test]
    fn filter_value_length_limit() {
        let body = |n: usize| {
            format!(
                "<NotificationConfiguration>{}</NotificationConfiguration>",
                entry("lambda", "s3:ObjectCreated:*", Some(&"a".repeat(n)), None)
            )
        };
        assert!(put(body(1024).as_bytes()).is_ok());
        let err = put(body(1025).as_bytes()).expect_err("too long");
        assert_eq!(err.message, FILTER_VALUE_TOO_LONG);
        assert_eq!(err.argument("ArgumentName"), Some("FilterRule.Value"));
    }

    #[test]
    fn skip_header_values() {
        use SkipDestinationValidation as S;
        assert_eq!(S::from_header(Some("true")), S::Skip);
        assert_eq!(S::from_header(Some("TRUE")), S::Skip);
        assert_eq!(S::from_header(Some("false")), S::Validate);
        assert_eq!(S::from_header(None), S::Validate);
    }

    /// A configuration of `kind` with one event and an optional prefix/suffix.
    fn entry(kind: &str, event: &str, prefix: Option<&str>, suffix: Option<&str>) -> String {
        let (element, arn_el, arn) = match kind {
            "lambda" => (
                "CloudFunctionConfiguration",
                "CloudFunction",
                "arn:aws:lambda:us-east-1:000000000000:function:f",
            ),
            "queue" => (
                "QueueConfiguration",
                "Queue",
                "arn:aws:sqs:us-east-1:000000000000:q",
            ),
            _ => (
                "TopicConfiguration",
                "Topic",
                "arn:aws:sns:us-east-1:000000000000:t",
            ),
        };
        let mut rules = String::new();
        if let Some(p) = prefix {
            let _ = write!(
                rules,
                "<FilterRule><Name>prefix</Name><Value>{p}</Value></FilterRule>"
            );
        }
        if let Some(s) = suffix {
            let _ = write!(
                rules,
                "<FilterRule><Name>suffix</Name><Value>{s}</Value></FilterRule>"
            );
        }
        let filter = if rules.is_empty() {
            String::new()
        } else {
            format!("<Filter><S3Key>{rules}</S3Key></Filter>")
        };
        format!("<{element}><{arn_el}>{arn}</{arn_el}><Event>{event}</Event>{filter}</{element}>")
    }

    #[test]
    fn overlap_rule_table() {
        type E = (
            &'static str,
            &'static str,
            Option<&'static str>,
            Option<&'static str>,
        );
        let cases: [(&str, E, E, Option<&str>); 13] = [
            (
                "same event, no filters",
                ("lambda", "s3:ObjectCreated:*", None, None),
                ("lambda", "s3:ObjectCreated:*", None, None),
                Some(OVERLAP_NO_FILTER),
            ),
            (
                "wildcard vs Put",
                ("lambda", "s3:ObjectCreated:*", None, None),
                ("lambda", "s3:ObjectCreated:Put", None, None),
                Some(OVERLAP_NO_FILTER),
            ),
            (
                "Put+prefix vs * unfiltered",
                ("lambda", "s3:ObjectCreated:Put", Some("uploads/"), None),
                ("lambda", "s3:ObjectCreated:*", None, None),
                Some(OVERLAP_AMBIGUOUS),
            ),
            (
                "nested prefixes",
                ("lambda", "s3:ObjectCreated:*", Some("images/"), None),
                ("lambda", "s3:ObjectCreated:*", Some("images/2024/"), None),
                Some(OVERLAP_AMBIGUOUS),
            ),
            (
                "equal prefixes, distinct suffixes",
                (
                    "lambda",
                    "s3:ObjectCreated:*",
                    Some("images/"),
                    Some(".jpg"),
                ),
                (
                    "lambda",
                    "s3:ObjectCreated:*",
                    Some("images/"),
                    Some(".png"),
                ),
                None,
            ),
            (
                "equal prefixes, nested suffixes",
                (
                    "lambda",
                    "s3:ObjectCreated:*",
                    Some("images/"),
                    Some(".jpg"),
                ),
                (
                    "lambda",
                    "s3:ObjectCreated:*",
                    Some("images/"),
                    Some("thumb.jpg"),
                ),
                Some(OVERLAP_AMBIGUOUS),
            ),
            (
                "disjoint prefixes",
                ("lambda", "s3:ObjectCreated:*", Some("images/"), None),
                ("lambda", "s3:ObjectCreated:*", Some("logs/"), None),
                None,
            ),
            (
                "distinct event types",
                ("lambda", "s3:ObjectCreated:*", None, None),
                ("lambda", "s3:ObjectRemoved:*", None, None),
                None,
            ),
            (
                "distinct subtypes",
                ("lambda", "s3:ObjectCreated:Put", None, None),
                ("lambda", "s3:ObjectCreated:Copy", None, None),
                None,
            ),
            (
                "lambda vs queue",
                ("lambda", "s3:ObjectRemoved:*", None, None),
                ("queue", "s3:ObjectRemoved:Delete", None, None),
                Some(OVERLAP_NO_FILTER),
            ),
            (
                "topic vs lambda, same prefix",
                ("topic", "s3:ObjectCreated:Put", Some("in/"), None),
                ("lambda", "s3:ObjectCreated:Put", Some("in/"), None),
                Some(OVERLAP_AMBIGUOUS),
            ),
            (
                "queue vs topic with filter",
                ("queue", "s3:ObjectCreated:*", Some("a"), None),
                ("topic", "s3:ObjectCreated:Post", Some("ab"), None),
                Some(OVERLAP_AMBIGUOUS),
            ),
            (
                "empty prefix overlaps all",
                ("topic", "s3:ObjectCreated:*", Some(""), None),
                ("lambda", "s3:ObjectCreated:*", Some("x/"), None),
                Some(OVERLAP_AMBIGUOUS),
            ),
        ];
        for (label, a, b, expected) in cases {
            let body = format!(
                "<NotificationConfiguration>{}{}</NotificationConfiguration>",
                entry(a.0, a.1, a.2, a.3),
                entry(b.0, b.1, b.2, b.3)
            );
            let result = put(body.as_bytes());
            match expected {
                None => assert!(result.is_ok(), "{label}: {result:?}"),
                Some(message) => {
                    let err = result.expect_err(label);
                    assert_eq!(err.message, message, "{label}");
                }
            }
        }
        // The no-filter message names the two intersecting events, in document order.
        let body = format!(
            "<NotificationConfiguration>{}{}</NotificationConfiguration>",
            entry("lambda", "s3:ObjectCreated:*", None, None),
            entry("lambda", "s3:ObjectCreated:Put", None, None)
        );
        let err = put(body.as_bytes()).expect_err("overlap");
        assert_eq!(
            err.argument("ArgumentValue"),
            Some("s3:ObjectCreated:*, s3:ObjectCreated:Put")
        );
    }
}
