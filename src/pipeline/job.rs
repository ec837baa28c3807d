//! One delivery of an S3 event to one function, as it waits in the queue.

use std::sync::Arc;

use bytes::Bytes;

use super::schedule::JobState;
use crate::trace::{InFlight, Trace};

/// A queued delivery: what S3 sends, to which function ([`NewJob`]), and where it is in its
/// schedule.
#[derive(Debug)]
pub(crate) struct Job {
    /// What to deliver, as submitted.
    pub spec: NewJob,
    /// Attempts, waits and settings so far.
    pub state: JobState,
    /// Counts the delivery as in flight until the job is dropped.
    pub _in_flight: InFlight,
}

/// A new delivery, as the queue (`Dispatcher::submit`) takes it.
#[derive(Debug)]
pub(crate) struct NewJob {
    /// The event's trace.
    pub trace: Arc<Trace>,
    /// The delivery's index in the trace.
    pub delivery: usize,
    /// The configured function ARN.
    pub function_arn: String,
    /// The event message.
    pub payload: Bytes,
    /// The bucket's region (shared by every delivery of one request).
    pub region: Arc<str>,
    /// The bucket's ARN (shared by every delivery of one request).
    pub source_arn: Arc<str>,
    /// The bucket owner's account id (shared by every delivery of one request).
    pub source_account: Arc<str>,
}

impl NewJob {
    /// The job, at the start of its schedule, counted as in flight by `in_flight`.
    pub(crate) fn queued(self, in_flight: InFlight) -> Job {
        Job {
            spec: self,
            state: JobState::new(),
            _in_flight: in_flight,
        }
    }
}
