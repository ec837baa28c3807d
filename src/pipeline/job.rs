//! One delivery of an S3 event to one function, as it waits in the queue.

use std::sync::Arc;

use bytes::Bytes;

use super::schedule::JobState;
use crate::trace::{InFlight, Trace};

/// A queued delivery: what S3 sends, to which function, and where it is in its schedule.
#[derive(Debug)]
pub(crate) struct Job {
    /// The event's trace.
    pub trace: Arc<Trace>,
    /// The index of this delivery in the trace.
    pub delivery: usize,
    /// The function ARN as the notification configuration names it.
    pub function_arn: String,
    /// The S3 event message (`{"Records":[...]}`).
    pub payload: Bytes,
    /// The bucket's region.
    pub region: Arc<str>,
    /// `arn:aws:s3:::{bucket}`: `AWS:SourceArn` of the request context.
    pub source_arn: Arc<str>,
    /// The bucket owner: `AWS:SourceAccount`.
    pub source_account: Arc<str>,
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
            trace: self.trace,
            delivery: self.delivery,
            function_arn: self.function_arn,
            payload: self.payload,
            region: self.region,
            source_arn: self.source_arn,
            source_account: self.source_account,
            state: JobState::new(),
            _in_flight: in_flight,
        }
    }
}
