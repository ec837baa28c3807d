//! Notification configuration domain types: destinations, event types, key filters.
//!
//! The shapes follow `NotificationConfiguration` of the S3 API
//! (<https://docs.aws.amazon.com/AmazonS3/latest/API/API_NotificationConfiguration.html>);
//! the event type list is the model's `Event` enum
//! (<https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-how-to-event-types-and-destinations.html>).

use std::fmt;
use std::str::FromStr;

use crate::s3event::EventName;

/// A bucket's whole notification configuration (PUT replaces it; empty = none).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NotificationConfiguration {
    /// `CloudFunctionConfiguration` entries (Lambda destinations), in document order.
    pub lambda: Vec<LambdaConfig>,
    /// `QueueConfiguration` entries (SQS destinations), in document order.
    pub queue: Vec<QueueConfig>,
    /// `TopicConfiguration` entries (SNS destinations), in document order.
    pub topic: Vec<TopicConfig>,
    /// Whether `<EventBridgeConfiguration/>` is present.
    pub event_bridge: bool,
}

impl NotificationConfiguration {
    /// Whether nothing is configured (what GET returns for a fresh bucket).
    pub fn is_empty(&self) -> bool {
        self.lambda.is_empty()
            && self.queue.is_empty()
            && self.topic.is_empty()
            && !self.event_bridge
    }

    /// Every destination configuration, of every type: topics, queues, then Lambda
    /// functions (the order GET renders them in).
    pub fn destinations(&self) -> impl Iterator<Item = DestinationConfig<'_>> {
        let topics = self.topic.iter().map(|c| DestinationConfig {
            kind: DestinationKind::Topic,
            id: &c.id,
            arn: &c.topic_arn,
            events: &c.events,
            filter: &c.filter,
        });
        let queues = self.queue.iter().map(|c| DestinationConfig {
            kind: DestinationKind::Queue,
            id: &c.id,
            arn: &c.queue_arn,
            events: &c.events,
            filter: &c.filter,
        });
        let lambdas = self.lambda.iter().map(|c| DestinationConfig {
            kind: DestinationKind::Lambda,
            id: &c.id,
            arn: &c.function_arn,
            events: &c.events,
            filter: &c.filter,
        });
        topics.chain(queues).chain(lambdas)
    }
}

/// A Lambda destination (`CloudFunctionConfiguration` on the wire).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LambdaConfig {
    /// The configuration `Id` (given, or generated when the PUT omitted it).
    pub id: String,
    /// The function ARN exactly as configured (`<CloudFunction>`), qualifier included.
    pub function_arn: String,
    /// The configured event types, in document order.
    pub events: Vec<EventType>,
    /// The key filter.
    pub filter: KeyFilter,
}

/// An SQS destination (`QueueConfiguration`). Stored and validated, never delivered to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueConfig {
    /// The configuration `Id`.
    pub id: String,
    /// The queue ARN (`<Queue>`).
    pub queue_arn: String,
    /// The configured event types, in document order.
    pub events: Vec<EventType>,
    /// The key filter.
    pub filter: KeyFilter,
}

/// An SNS destination (`TopicConfiguration`). Stored and validated, never delivered to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicConfig {
    /// The configuration `Id`.
    pub id: String,
    /// The topic ARN (`<Topic>`).
    pub topic_arn: String,
    /// The configured event types, in document order.
    pub events: Vec<EventType>,
    /// The key filter.
    pub filter: KeyFilter,
}

/// The kind of a destination, i.e. which wire element holds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DestinationKind {
    /// `CloudFunctionConfiguration` / `<CloudFunction>`.
    Lambda,
    /// `QueueConfiguration` / `<Queue>`.
    Queue,
    /// `TopicConfiguration` / `<Topic>`.
    Topic,
}

impl DestinationKind {
    /// The configuration element name (`CloudFunctionConfiguration`, …).
    pub const fn config_element(self) -> &'static str {
        match self {
            Self::Lambda => "CloudFunctionConfiguration",
            Self::Queue => "QueueConfiguration",
            Self::Topic => "TopicConfiguration",
        }
    }

    /// The destination ARN element name, also the `ArgumentName` of ARN errors.
    pub const fn arn_element(self) -> &'static str {
        match self {
            Self::Lambda => "CloudFunction",
            Self::Queue => "Queue",
            Self::Topic => "Topic",
        }
    }
}

/// A borrowed view of one destination configuration of any kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DestinationConfig<'a> {
    /// Which kind of destination.
    pub kind: DestinationKind,
    /// The configuration `Id`.
    pub id: &'a str,
    /// The destination ARN.
    pub arn: &'a str,
    /// The configured event types.
    pub events: &'a [EventType],
    /// The key filter.
    pub filter: &'a KeyFilter,
}

/// A key-name filter: optional prefix and suffix, matched against the URL-encoded key.
///
/// `Some("")` is an empty rule value (accepted and echoed back by AWS); it matches every
/// key, like `None`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeyFilter {
    /// The `prefix` rule value.
    pub prefix: Option<String>,
    /// The `suffix` rule value.
    pub suffix: Option<String>,
}

impl KeyFilter {
    /// Whether no rule is configured at all.
    pub fn is_empty(&self) -> bool {
        self.prefix.is_none() && self.suffix.is_none()
    }

    /// Whether the prefix rule accepts `encoded_key`.
    pub fn prefix_matches(&self, encoded_key: &str) -> bool {
        self.prefix
            .as_deref()
            .is_none_or(|p| encoded_key.starts_with(p))
    }

    /// Whether the suffix rule accepts `encoded_key`.
    pub fn suffix_matches(&self, encoded_key: &str) -> bool {
        self.suffix
            .as_deref()
            .is_none_or(|s| encoded_key.ends_with(s))
    }

    /// Whether some key could pass both filters, as AWS's overlap rule judges it: the
    /// prefixes overlap (one is a prefix of the other; a missing or empty one overlaps
    /// everything) and the suffixes overlap (one is a suffix of the other).
    pub fn overlaps(&self, other: &Self) -> bool {
        let prefixes = match (self.prefix.as_deref(), other.prefix.as_deref()) {
            (Some(a), Some(b)) => a.starts_with(b) || b.starts_with(a),
            _ => true,
        };
        let suffixes = match (self.suffix.as_deref(), other.suffix.as_deref()) {
            (Some(a), Some(b)) => a.ends_with(b) || b.ends_with(a),
            _ => true,
        };
        prefixes && suffixes
    }
}

/// Why an event type string was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown S3 notification event type {0:?}")]
pub struct UnknownEventType(pub String);

macro_rules! event_types {
    ($($variant:ident => $name:literal, $doc:literal;)*) => {
        /// A configurable event type (the S3 model's `Event` enum), wildcards included.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum EventType {
            $(#[doc = $doc] $variant,)*
        }

        impl EventType {
            /// Every event type, in the model's order.
            pub const ALL: &'static [Self] = &[$(Self::$variant,)*];

            /// The configuration form, e.g. `s3:ObjectCreated:*`.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $name,)*
                }
            }
        }
    };
}

event_types! {
    ReducedRedundancyLostObject => "s3:ReducedRedundancyLostObject", "`s3:ReducedRedundancyLostObject`";
    ObjectCreatedAll => "s3:ObjectCreated:*", "`s3:ObjectCreated:*`";
    ObjectCreatedPut => "s3:ObjectCreated:Put", "`s3:ObjectCreated:Put`";
    ObjectCreatedPost => "s3:ObjectCreated:Post", "`s3:ObjectCreated:Post`";
    ObjectCreatedCopy => "s3:ObjectCreated:Copy", "`s3:ObjectCreated:Copy`";
    ObjectCreatedCompleteMultipartUpload => "s3:ObjectCreated:CompleteMultipartUpload", "`s3:ObjectCreated:CompleteMultipartUpload`";
    ObjectRemovedAll => "s3:ObjectRemoved:*", "`s3:ObjectRemoved:*`";
    ObjectRemovedDelete => "s3:ObjectRemoved:Delete", "`s3:ObjectRemoved:Delete`";
    ObjectRemovedDeleteMarkerCreated => "s3:ObjectRemoved:DeleteMarkerCreated", "`s3:ObjectRemoved:DeleteMarkerCreated`";
    ObjectRestoreAll => "s3:ObjectRestore:*", "`s3:ObjectRestore:*`";
    ObjectRestorePost => "s3:ObjectRestore:Post", "`s3:ObjectRestore:Post`";
    ObjectRestoreCompleted => "s3:ObjectRestore:Completed", "`s3:ObjectRestore:Completed`";
    ObjectRestoreDelete => "s3:ObjectRestore:Delete", "`s3:ObjectRestore:Delete`";
    ReplicationAll => "s3:Replication:*", "`s3:Replication:*`";
    ReplicationOperationFailedReplication => "s3:Replication:OperationFailedReplication", "`s3:Replication:OperationFailedReplication`";
    ReplicationOperationNotTracked => "s3:Replication:OperationNotTracked", "`s3:Replication:OperationNotTracked`";
    ReplicationOperationMissedThreshold => "s3:Replication:OperationMissedThreshold", "`s3:Replication:OperationMissedThreshold`";
    ReplicationOperationReplicatedAfterThreshold => "s3:Replication:OperationReplicatedAfterThreshold", "`s3:Replication:OperationReplicatedAfterThreshold`";
    LifecycleTransition => "s3:LifecycleTransition", "`s3:LifecycleTransition`";
    IntelligentTiering => "s3:IntelligentTiering", "`s3:IntelligentTiering`";
    ObjectAclPut => "s3:ObjectAcl:Put", "`s3:ObjectAcl:Put`";
    LifecycleExpirationAll => "s3:LifecycleExpiration:*", "`s3:LifecycleExpiration:*`";
    LifecycleExpirationDelete => "s3:LifecycleExpiration:Delete", "`s3:LifecycleExpiration:Delete`";
    LifecycleExpirationDeleteMarkerCreated => "s3:LifecycleExpiration:DeleteMarkerCreated", "`s3:LifecycleExpiration:DeleteMarkerCreated`";
    ObjectTaggingAll => "s3:ObjectTagging:*", "`s3:ObjectTagging:*`";
    ObjectTaggingPut => "s3:ObjectTagging:Put", "`s3:ObjectTagging:Put`";
    ObjectTaggingDelete => "s3:ObjectTagging:Delete", "`s3:ObjectTagging:Delete`";
    ObjectAnnotationAll => "s3:ObjectAnnotation:*", "`s3:ObjectAnnotation:*`";
    ObjectAnnotationPut => "s3:ObjectAnnotation:Put", "`s3:ObjectAnnotation:Put`";
    ObjectAnnotationDelete => "s3:ObjectAnnotation:Delete", "`s3:ObjectAnnotation:Delete`";
}

impl EventType {
    /// Whether this is a wildcard (`X:*`).
    pub fn is_wildcard(self) -> bool {
        self.as_str().ends_with(":*")
    }

    /// For a wildcard `s3:X:*`, the prefix `s3:X:` every covered name starts with.
    fn wildcard_family(self) -> Option<&'static str> {
        self.as_str().strip_suffix('*')
    }

    /// Whether this type covers `name` (a configuration-form event type name).
    fn covers(self, name: &str) -> bool {
        match self.wildcard_family() {
            Some(family) => name.starts_with(family),
            None => self.as_str() == name,
        }
    }

    /// Whether this configured type selects the concrete event `concrete`
    /// (`X:*` matches every `X:sub`).
    pub fn matches(self, concrete: EventName) -> bool {
        self.covers(concrete.config_name())
    }

    /// Whether some event is selected by both types (equal, or one is the wildcard of the
    /// other's family).
    pub fn intersects(self, other: Self) -> bool {
        self == other || self.covers(other.as_str()) || other.covers(self.as_str())
    }
}

impl FromStr for EventType {
    type Err = UnknownEventType;

    /// Parses the configuration form (`s3:ObjectCreated:*`); case-sensitive, like AWS's enum.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .iter()
            .copied()
            .find(|e| e.as_str() == s)
            .ok_or_else(|| UnknownEventType(s.to_owned()))
    }
}

impl fmt::Display for EventType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_event_type_round_trips() {
        assert_eq!(EventType::ALL.len(), 30);
        for e in EventType::ALL {
            assert_eq!(e.as_str().parse::<EventType>(), Ok(*e));
            assert!(e.as_str().starts_with("s3:"));
        }
        assert_eq!(
            "s3:ObjectCreated:Bogus".parse::<EventType>(),
            Err(UnknownEventType("s3:ObjectCreated:Bogus".into()))
        );
        assert!("ObjectCreated:Put".parse::<EventType>().is_err());
        assert!("s3:objectcreated:*".parse::<EventType>().is_err());
        assert!("s3:TestEvent".parse::<EventType>().is_err());
    }

    #[test]
    fn wildcard_matches_its_family_only() {
        use EventName as N;
        assert!(EventType::ObjectCreatedAll.matches(N::ObjectCreatedPut));
        assert!(EventType::ObjectCreatedAll.matches(N::ObjectCreatedCompleteMultipartUpload));
        assert!(!EventType::ObjectCreatedAll.matches(N::ObjectRemovedDelete));
        assert!(EventType::ObjectRemovedAll.matches(N::ObjectRemovedDeleteMarkerCreated));
        assert!(EventType::ObjectCreatedPut.matches(N::ObjectCreatedPut));
        assert!(!EventType::ObjectCreatedPut.matches(N::ObjectCreatedPost));
        assert!(!EventType::LifecycleExpirationAll.matches(N::ObjectRemovedDelete));
        assert!(!EventType::ObjectRestoreAll.matches(N::ObjectRemovedDelete));
        // Every concrete name is matched by exactly its own type and its family wildcard.
        for n in N::ALL {
            let hits: Vec<_> = EventType::ALL.iter().filter(|t| t.matches(n)).collect();
            assert_eq!(hits.len(), 2, "{n}: {hits:?}");
        }
    }

    #[test]
    fn intersects_is_symmetric_and_family_bound() {
        use EventType as T;
        let yes = [
            (T::ObjectCreatedAll, T::ObjectCreatedPut),
            (T::ObjectCreatedAll, T::ObjectCreatedAll),
            (T::ObjectCreatedCopy, T::ObjectCreatedCopy),
            (T::ObjectRemovedAll, T::ObjectRemovedDeleteMarkerCreated),
            (T::LifecycleTransition, T::LifecycleTransition),
        ];
        let no = [
            (T::ObjectCreatedPut, T::ObjectCreatedPost),
            (T::ObjectCreatedAll, T::ObjectRemovedAll),
            (T::ObjectRemovedAll, T::LifecycleExpirationDelete),
            (T::ObjectTaggingAll, T::ObjectAclPut),
            (T::LifecycleTransition, T::LifecycleExpirationAll),
        ];
        for (a, b) in yes {
            assert!(a.intersects(b) && b.intersects(a), "{a} / {b}");
        }
        for (a, b) in no {
            assert!(!a.intersects(b) && !b.intersects(a), "{a} / {b}");
        }
    }

    #[test]
    fn filter_overlap_and_match() {
        let f = |p: Option<&str>, s: Option<&str>| KeyFilter {
            prefix: p.map(str::to_owned),
            suffix: s.map(str::to_owned),
        };
        assert!(f(None, None).overlaps(&f(Some("a/"), Some(".jpg"))));
        assert!(f(Some("images/"), None).overlaps(&f(Some("images/2024/"), None)));
        assert!(!f(Some("images/"), None).overlaps(&f(Some("logs/"), None)));
        assert!(!f(Some("a/"), Some(".jpg")).overlaps(&f(Some("a/"), Some(".png"))));
        assert!(f(Some("a/"), Some(".jpg")).overlaps(&f(Some("a/"), Some("x.jpg"))));
        assert!(f(Some(""), None).overlaps(&f(Some("z"), None)));
        let g = f(Some("in/"), Some(".jpg"));
        assert!(g.prefix_matches("in/a.jpg") && g.suffix_matches("in/a.jpg"));
        assert!(!g.prefix_matches("out/a.jpg"));
        assert!(!g.suffix_matches("in/a.png"));
        assert!(f(Some(""), Some("")).prefix_matches("anything"));
    }
}
