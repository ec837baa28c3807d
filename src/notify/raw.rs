//! A PUT notification configuration as written: parsed for structure from the XML body,
//! not yet validated.

use super::config::DestinationKind;

/// A PUT body parsed for structure, before value validation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RawNotificationConfiguration {
    /// Every destination configuration, of every kind, in document order.
    pub configs: Vec<RawConfig>,
    /// Whether `<EventBridgeConfiguration>` is present.
    pub event_bridge: bool,
}

/// One destination configuration as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawConfig {
    /// Which configuration element it came from.
    pub kind: DestinationKind,
    /// `<Id>`, if given.
    pub id: Option<String>,
    /// The destination ARN text (`<CloudFunction>`, `<Queue>` or `<Topic>`).
    pub arn: String,
    /// Each `<Event>` text, in order (at least one).
    pub events: Vec<String>,
    /// Each `<FilterRule>` of `<Filter><S3Key>`, in order.
    pub rules: Vec<RawFilterRule>,
}

/// One `<FilterRule>` as written (the name is not yet checked).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawFilterRule {
    /// `<Name>` text.
    pub name: String,
    /// `<Value>` text (may be empty).
    pub value: String,
}
