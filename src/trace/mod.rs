//! Per-event traces: what happened to every S3 event, kept in a bounded journal.
//!
//! A trace records the S3 request that caused an event, each notification configuration
//! considered (and why it did or did not match), and for each match the function ARN, the
//! version it resolved to, the policy decision with its reason, every attempt and the final
//! outcome. The journal keeps the most recent traces (a ring buffer) and counts outcomes
//! without bound; `wait_idle` lets tests wait for in-flight events instead of sleeping, and
//! `subscribe` lets a live view hear of every change.

mod journal;
mod live;
mod record;
mod refusal;

pub use journal::{AttemptLog, InFlight, Journal, Query};
pub use live::{Change, Subscription};
pub use record::{
    Attempt, AttemptResult, ConfigCheck, Delivery, MatchResult, Outcome, PolicyCheck, Source,
    Trace, TraceList, TraceView, unix_micros,
};
pub use refusal::{ConfigRefusal, RefusedDestination};
