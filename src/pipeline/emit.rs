//! From accepted S3 writes to deliveries: match the bucket's notification configurations,
//! render the event record for each match, start the event's trace and queue the deliveries.
//!
//! Only buckets with a notification configuration produce events (as with AWS); for those,
//! every event gets a trace, including the configurations that did not match and why.

use std::net::IpAddr;
use std::sync::Arc;

use bytes::Bytes;

use super::job::NewJob;
use super::queue::Dispatcher;
use crate::auth::Account;
use crate::notify::{NoMatch, NotificationConfiguration, matching};
use crate::s3::{Bucket, Effect, S3};
use crate::s3event::{EncodedKey, EventName, S3Event};
use crate::trace::{ConfigCheck, Delivery, Journal, MatchResult, Source};

/// Who made the request that changed the store, as the event record reports it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Origin<'a> {
    /// The signing account.
    pub requester: &'a Account,
    /// The client address.
    pub source_ip: IpAddr,
    /// The `x-amz-request-id` the client saw.
    pub request_id: &'a str,
    /// The `x-amz-id-2` the client saw.
    pub host_id: &'a str,
}

/// The events of one accepted request, for one bucket with a notification configuration.
pub(super) struct Emission<'a> {
    bucket: Arc<Bucket>,
    config: Arc<NotificationConfiguration>,
    origin: &'a Origin<'a>,
    target: JobTarget,
}

impl<'a> Emission<'a> {
    /// The emission of a request to `bucket`, or `None` when the bucket has no notification
    /// configuration (no event, as with AWS) or is gone.
    pub(super) fn new(s3: &S3, bucket: &str, origin: &'a Origin<'a>) -> Option<Self> {
        let config = s3.notification(bucket)?;
        let bucket = s3.store().bucket(bucket)?; // deleted meanwhile: nothing to notify
        let target = JobTarget {
            region: bucket.region.as_str().into(),
            source_arn: format!("arn:aws:s3:::{}", bucket.name).into(),
            source_account: bucket.owner.account_id.as_str().into(),
        };
        Some(Self {
            bucket,
            config,
            origin,
            target,
        })
    }

    /// Emits the event of one change: its trace, and a delivery for each matching
    /// Lambda configuration.
    pub(super) fn emit(&self, journal: &Journal, dispatcher: &Dispatcher, effect: &Effect) {
        let Self {
            bucket,
            config,
            origin,
            target,
        } = self;
        let name = effect.event_name();
        let event = match effect {
            Effect::ObjectCreated { outcome, .. } => S3Event {
                key: outcome.key.clone(),
                size: outcome.size,
                etag: outcome.etag.clone(),
                version_id: outcome.version_id.clone(),
                sequencer: outcome.sequencer,
                ..event_base(name, bucket, origin)
            },
            Effect::ObjectRemoved { outcome } => S3Event {
                key: outcome.key.clone(),
                version_id: outcome.version_id.clone(),
                sequencer: outcome.sequencer,
                ..event_base(name, bucket, origin)
            },
        };
        let key = EncodedKey::new(&event.key);
        let trace = journal.begin(Source {
            bucket: event.bucket.clone(),
            key: event.key.clone(),
            event_name: name.as_str().to_owned(),
            request_id: origin.request_id.to_owned(),
            version_id: event.version_id.clone(),
            bucket_owner: bucket.owner.account_id.clone(),
        });
        // The sentences about each configuration are written when the trace is read: the
        // configuration snapshot, the event name and the key decide them.
        let snapshot = Arc::clone(config);
        trace.set_configurations_with(move |source| {
            config_checks(&snapshot, name, &EncodedKey::new(&source.key))
        });
        // Every delivery is in the trace before the first is queued, so the last one to end
        // is the one that ends the event.
        let jobs: Vec<NewJob> = matching::matching_lambdas(config, name, &key)
            .map(|lambda| NewJob {
                delivery: trace.add_delivery(Delivery::new(
                    lambda.id.clone(),
                    lambda.function_arn.clone(),
                )),
                trace: Arc::clone(&trace),
                function_arn: lambda.function_arn.clone(),
                payload: Bytes::from(event.render(&lambda.id)),
                region: Arc::clone(&target.region),
                source_arn: Arc::clone(&target.source_arn),
                source_account: Arc::clone(&target.source_account),
            })
            .collect();
        dispatcher.metrics().event_emitted(jobs.len());
        for job in jobs {
            dispatcher.submit(job);
        }
        tracing::debug!(event = %trace.display_id(), bucket = %bucket.name, key = %event.key, %name, "S3 event emitted");
    }
}

/// The request context every delivery of one request shares, built once per request
/// rather than once per delivery.
struct JobTarget {
    region: Arc<str>,
    source_arn: Arc<str>,
    source_account: Arc<str>,
}

/// Every configuration's verdict on the event, in words (Lambda configurations in order,
/// then the SQS and SNS ones that matched, which are not simulated).
fn config_checks(
    config: &NotificationConfiguration,
    name: EventName,
    key: &EncodedKey<'_>,
) -> Vec<ConfigCheck> {
    let mut checks: Vec<ConfigCheck> = matching::explain(config, name, key)
        .iter()
        .map(|v| ConfigCheck {
            configuration_id: v.config.id.clone(),
            destination: v.config.function_arn.clone(),
            result: match v.outcome {
                Ok(()) => MatchResult::Matched,
                Err(NoMatch::EventType) => MatchResult::EventType(v.describe(name, key)),
                Err(NoMatch::Prefix) => MatchResult::Prefix(v.describe(name, key)),
                Err(NoMatch::Suffix) => MatchResult::Suffix(v.describe(name, key)),
            },
        })
        .collect();
    let others = config
        .queue
        .iter()
        .map(|q| (&q.id, &q.queue_arn, &q.events, &q.filter, "SQS"))
        .chain(
            config
                .topic
                .iter()
                .map(|t| (&t.id, &t.topic_arn, &t.events, &t.filter, "SNS")),
        );
    for (id, arn, events, filter, service) in others {
        if matching::select(events, filter, name, key).is_ok() {
            checks.push(ConfigCheck {
                configuration_id: id.clone(),
                destination: arn.clone(),
                result: MatchResult::DestinationNotSimulated(format!(
                    "configuration {id:?} matched, but {service} delivery is not simulated: nothing was sent to {arn}"
                )),
            });
        }
    }
    checks
}

/// The fields every record of this request shares; key and object fields are filled in by
/// the caller.
fn event_base(name: EventName, bucket: &Bucket, origin: &Origin<'_>) -> S3Event {
    S3Event {
        name,
        region: bucket.region.clone(),
        time: time::OffsetDateTime::now_utc(),
        requester: format!("AWS:{}", origin.requester.access_key),
        source_ip: origin.source_ip.to_string(),
        request_id: origin.request_id.to_owned(),
        host_id: origin.host_id.to_owned(),
        bucket: bucket.name.clone(),
        bucket_owner: bucket.owner.canonical_id.clone(),
        key: String::new(),
        size: 0,
        etag: String::new(),
        version_id: None,
        sequencer: 0,
    }
}
