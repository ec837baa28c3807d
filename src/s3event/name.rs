//! The concrete event names S3 emits, in their record and configuration forms.

use std::fmt;

/// A concrete event S3 emits for an accepted write (never a wildcard).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventName {
    /// `ObjectCreated:Put`: PutObject, including a presigned PUT.
    ObjectCreatedPut,
    /// `ObjectCreated:Post`: a browser-form POST upload.
    ObjectCreatedPost,
    /// `ObjectCreated:Copy`: CopyObject.
    ObjectCreatedCopy,
    /// `ObjectCreated:CompleteMultipartUpload` (also objects built with UploadPartCopy).
    ObjectCreatedCompleteMultipartUpload,
    /// `ObjectRemoved:Delete`: DeleteObject / DeleteObjects (one event per key).
    ObjectRemovedDelete,
    /// `ObjectRemoved:DeleteMarkerCreated`: a delete in a versioned bucket that created a marker.
    ObjectRemovedDeleteMarkerCreated,
}

impl EventName {
    /// Every concrete event name, in a stable order.
    pub const ALL: [Self; 6] = [
        Self::ObjectCreatedPut,
        Self::ObjectCreatedPost,
        Self::ObjectCreatedCopy,
        Self::ObjectCreatedCompleteMultipartUpload,
        Self::ObjectRemovedDelete,
        Self::ObjectRemovedDeleteMarkerCreated,
    ];

    /// The name as it appears in a record's `eventName`, e.g. `ObjectCreated:Put`.
    pub const fn as_str(self) -> &'static str {
        // The configuration form is `s3:` followed by the record form.
        let full = self.config_name();
        let (_, rest) = full.split_at(3);
        rest
    }

    /// The name as written in a notification configuration, e.g. `s3:ObjectCreated:Put`.
    pub const fn config_name(self) -> &'static str {
        match self {
            Self::ObjectCreatedPut => "s3:ObjectCreated:Put",
            Self::ObjectCreatedPost => "s3:ObjectCreated:Post",
            Self::ObjectCreatedCopy => "s3:ObjectCreated:Copy",
            Self::ObjectCreatedCompleteMultipartUpload => {
                "s3:ObjectCreated:CompleteMultipartUpload"
            }
            Self::ObjectRemovedDelete => "s3:ObjectRemoved:Delete",
            Self::ObjectRemovedDeleteMarkerCreated => "s3:ObjectRemoved:DeleteMarkerCreated",
        }
    }

    /// Whether this is an `ObjectCreated:*` event (records carry `size` and `eTag`).
    pub const fn is_created(self) -> bool {
        matches!(
            self,
            Self::ObjectCreatedPut
                | Self::ObjectCreatedPost
                | Self::ObjectCreatedCopy
                | Self::ObjectCreatedCompleteMultipartUpload
        )
    }

    /// Parses the record form (`ObjectCreated:Put`) or the configuration form
    /// (`s3:ObjectCreated:Put`).
    pub fn parse(name: &str) -> Option<Self> {
        let name = name.strip_prefix("s3:").unwrap_or(name);
        Self::ALL.into_iter().find(|e| e.as_str() == name)
    }
}

impl fmt::Display for EventName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_names_both_forms() {
        assert_eq!(EventName::ObjectCreatedPut.as_str(), "ObjectCreated:Put");
        assert_eq!(
            EventName::ObjectCreatedPut.config_name(),
            "s3:ObjectCreated:Put"
        );
        assert_eq!(
            EventName::ObjectRemovedDeleteMarkerCreated.as_str(),
            "ObjectRemoved:DeleteMarkerCreated"
        );
        for e in EventName::ALL {
            assert_eq!(EventName::parse(e.as_str()), Some(e));
            assert_eq!(EventName::parse(e.config_name()), Some(e));
            assert_eq!(e.to_string(), e.as_str());
        }
        assert_eq!(EventName::parse("s3:ObjectCreated:*"), None);
        assert!(EventName::ObjectCreatedCopy.is_created());
        assert!(!EventName::ObjectRemovedDelete.is_created());
    }
}
