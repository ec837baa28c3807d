//! The S3 event record (eventVersion 2.1) that both the S3 service and notification
//! matching use: event names ([`EventName`]), the one object-key encoder ([`encode_key`],
//! [`EncodedKey`]), the sequencer and the `{"Records":[…]}` JSON renderer ([`S3Event`]).
//!
//! It depends on neither `s3` nor `notify`; both depend on it.

mod key;
mod name;
mod record;

pub use key::{EncodedKey, KEY_SAFE_CHARS, KeySink, encode_key, encode_key_into};
pub use name::EventName;
pub use record::{DELETE_MARKER_ETAG, EVENT_VERSION, S3Event, format_event_time, sequencer};
