//! What an accepted request changed in the store, and the S3 event each change emits.

use super::store::{DeleteKind, DeleteOutcome, WriteOutcome};
use crate::s3event::EventName;

/// How an object came to be created, for `s3:ObjectCreated:*` event names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CreatedKind {
    /// PutObject (`ObjectCreated:Put`).
    Put,
    /// CopyObject (`ObjectCreated:Copy`).
    Copy,
    /// CompleteMultipartUpload (`ObjectCreated:CompleteMultipartUpload`), reported once the
    /// object is readable.
    CompleteMultipartUpload,
    /// A browser-form POST upload (`ObjectCreated:Post`).
    Post,
}

/// A change an accepted request made to the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// An object was written.
    ObjectCreated {
        /// Which operation wrote it.
        kind: CreatedKind,
        /// What was written.
        outcome: WriteOutcome,
    },
    /// A delete request was accepted for a key (whether or not it existed).
    ObjectRemoved {
        /// What was removed.
        outcome: DeleteOutcome,
    },
}

impl Effect {
    /// The S3 event this change emits, e.g. `ObjectCreated:Put`.
    pub fn event_name(&self) -> EventName {
        match self {
            Effect::ObjectCreated { kind, .. } => match kind {
                CreatedKind::Put => EventName::ObjectCreatedPut,
                CreatedKind::Copy => EventName::ObjectCreatedCopy,
                CreatedKind::CompleteMultipartUpload => {
                    EventName::ObjectCreatedCompleteMultipartUpload
                }
                CreatedKind::Post => EventName::ObjectCreatedPost,
            },
            Effect::ObjectRemoved { outcome } if outcome.kind == DeleteKind::MarkerCreated => {
                EventName::ObjectRemovedDeleteMarkerCreated
            }
            Effect::ObjectRemoved { .. } => EventName::ObjectRemovedDelete,
        }
    }
}
