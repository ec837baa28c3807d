//! The workers: take a job, authorize it once, run attempts, retry or finish, record it all.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use tokio::sync::{Semaphore, mpsc};
use tokio::time::Instant;

use super::authorize::Target;
use super::backend::{AsyncConfig, AttemptOutcome, Authorized, Backend, Ran};
use super::destination::{Condition, DestinationRecord, RecordInput, Records};
use super::job::Job;
use super::schedule::{self, Next, Timing};
use crate::lambda::policy::{Decision, Refusal};
use crate::metrics::Metrics;
use crate::trace::{Attempt, AttemptResult, Journal, Outcome, PolicyCheck, unix_micros};

/// What every worker shares.
pub(super) struct Context {
    pub tx: mpsc::WeakUnboundedSender<Job>,
    pub journal: Arc<Journal>,
    pub metrics: Arc<Metrics>,
    pub records: Records,
    pub timing: Timing,
}

/// Runs up to `workers` jobs at a time until the queue closes.
pub(super) fn spawn<B: Backend>(
    mut rx: mpsc::UnboundedReceiver<Job>,
    workers: usize,
    backend: Arc<B>,
    ctx: Context,
) {
    let ctx = Arc::new(ctx);
    let permits = Arc::new(Semaphore::new(workers));
    tokio::spawn(async move {
        while let Some(job) = rx.recv().await {
            let Ok(permit) = Arc::clone(&permits).acquire_owned().await else {
                break;
            };
            ctx.metrics.queue(-1);
            let backend = Arc::clone(&backend);
            let ctx = Arc::clone(&ctx);
            tokio::spawn(async move {
                run(job, backend.as_ref(), &ctx).await;
                drop(permit);
            });
        }
    });
}

/// How a delivery ended: final, written to its trace and counted once by [`finish`].
#[derive(Debug)]
pub(super) enum End {
    /// The handler returned a result.
    Delivered,
    /// Given up after attempts (or before one, when the event was already too old).
    Failed(Condition),
    /// The resource policy does not let S3 invoke the function.
    Denied {
        /// The version the configured ARN resolved to.
        resolved_version: String,
        /// The decision and why.
        policy: PolicyCheck,
    },
    /// The function, version or alias does not exist.
    Unresolved(String),
    /// Never attempted: the simulator stopped first.
    Abandoned(&'static str),
}

impl End {
    fn outcome(&self) -> Outcome {
        match self {
            Self::Delivered => Outcome::Delivered,
            Self::Failed(condition) => condition.outcome(),
            Self::Denied { .. } => Outcome::Denied,
            Self::Unresolved(_) => Outcome::Unresolved,
            Self::Abandoned(_) => Outcome::Failed,
        }
    }
}

/// Records a delivery's final outcome in its trace and counts it in the journal and the
/// metrics (the event too, when this was its last delivery).
pub(super) fn finish(job: &Job, journal: &Journal, metrics: &Metrics, end: End) {
    let outcome = end.outcome();
    let since_put = job.state.enqueued.elapsed();
    let event = job.spec.trace.settle_delivery(job.spec.delivery, |d| {
        match end {
            End::Delivered | End::Failed(_) => {}
            End::Denied {
                resolved_version,
                policy,
            } => {
                d.resolved_version = Some(resolved_version);
                d.policy = Some(policy);
            }
            End::Unresolved(reason) => d.resolution_error = Some(reason),
            End::Abandoned(reason) => d.resolution_error = Some(reason.to_owned()),
        }
        d.outcome = outcome;
        metrics.delivery_ended(d, since_put);
    });
    if event.is_some() {
        metrics.event_ended(event);
    }
    journal.count(outcome);
}

fn policy_check(decision: Decision) -> PolicyCheck {
    PolicyCheck {
        allowed: decision.allowed,
        statement: decision.statement,
        reason: decision.reason,
    }
}

async fn run<B: Backend>(mut job: Job, backend: &B, ctx: &Context) {
    let target = Target {
        function_arn: &job.spec.function_arn,
        region: &job.spec.region,
        source_arn: &job.spec.source_arn,
        source_account: &job.spec.source_account,
    };
    let mut resolution = None;
    let config = if let Some(config) = &job.state.config {
        config.clone()
    } else {
        match backend.authorize(&target) {
            Ok(Authorized {
                resolved_version,
                decision,
                config,
                resolution: resolved,
            }) => {
                job.spec.trace.update_delivery(job.spec.delivery, |d| {
                    d.resolved_version = Some(resolved_version);
                    d.policy = Some(policy_check(decision));
                });
                job.state.config = Some(config.clone());
                resolution = Some(resolved);
                config
            }
            Err(Refusal::Denied {
                resolved_version,
                decision,
            }) => {
                tracing::info!(event = %job.spec.trace.display_id(), function = %job.spec.function_arn, reason = %decision.reason, "delivery denied");
                let policy = policy_check(decision);
                finish(
                    &job,
                    &ctx.journal,
                    &ctx.metrics,
                    End::Denied {
                        resolved_version,
                        policy,
                    },
                );
                return;
            }
            Err(Refusal::Unresolved(reason)) => {
                unresolved(&job, ctx, reason.to_string());
                return;
            }
        }
    };
    if schedule::expired(&job.state, &config, Instant::now()) {
        fail(&job, ctx, &config, Condition::EventAgeExceeded, None);
        return;
    }
    let started = SystemTime::now();
    match backend
        .invoke(&target, job.spec.payload.clone(), resolution)
        .await
    {
        AttemptOutcome::Ran(mut ran) => {
            job.state.runs += 1;
            let result = match &ran.error {
                None => AttemptResult::Success,
                Some(e) => AttemptResult::FunctionError {
                    function_error: e.kind.as_str().to_owned(),
                    error_type: e.error_type.clone(),
                    error_message: e.error_message.clone(),
                },
            };
            push_attempt(&job, &mut ran, started, result);
            if ran.error.is_none() {
                finish(&job, &ctx.journal, &ctx.metrics, End::Delivered);
                if let Some(dest) = &config.on_success {
                    ctx.records.push(record(
                        &job,
                        Some(dest.clone()),
                        Condition::Success,
                        Some(&ran),
                    ));
                }
                return;
            }
            match schedule::after_function_error(&job.state, &config, ctx.timing, Instant::now()) {
                Next::RetryAfter { sleep, aws } => retry(job, ctx, sleep, aws),
                Next::RetriesExhausted => {
                    fail(&job, ctx, &config, Condition::RetriesExhausted, Some(&ran));
                }
                Next::EventAgeExceeded => {
                    fail(&job, ctx, &config, Condition::EventAgeExceeded, Some(&ran));
                }
            }
        }
        AttemptOutcome::Throttled { retryable, reason } => {
            job.state.throttles += 1;
            let number = job.state.runs + job.state.throttles;
            job.spec.trace.update_delivery(job.spec.delivery, |d| {
                d.attempts.push(Attempt {
                    number,
                    request_id: String::new(),
                    started,
                    started_micros: unix_micros(started),
                    ended_micros: unix_micros(SystemTime::now()),
                    duration: Duration::ZERO,
                    result: AttemptResult::Throttled,
                    log_tail: reason.clone(),
                });
            });
            if !retryable {
                fail(&job, ctx, &config, Condition::ThrottledNoRetry, None);
                return;
            }
            match schedule::after_throttle(&job.state, &config, ctx.timing, Instant::now()) {
                Next::RetryAfter { sleep, aws } => retry(job, ctx, sleep, aws),
                Next::RetriesExhausted | Next::EventAgeExceeded => {
                    fail(&job, ctx, &config, Condition::EventAgeExceeded, None);
                }
            }
        }
        AttemptOutcome::Unresolved(reason) => unresolved(&job, ctx, reason.to_string()),
    }
}

/// Records the attempt in the trace (moving the log tail there: nothing else reads it).
fn push_attempt(job: &Job, ran: &mut Ran, started: SystemTime, result: AttemptResult) {
    let number = job.state.runs + job.state.throttles;
    let log_tail = std::mem::take(&mut ran.log_tail);
    job.spec.trace.update_delivery(job.spec.delivery, |d| {
        if d.resolved_version.as_deref() != Some(ran.executed_version.as_str()) {
            d.resolved_version = Some(ran.executed_version.clone());
        }
        d.attempts.push(Attempt {
            number,
            request_id: ran.request_id.clone(),
            started,
            started_micros: unix_micros(started),
            ended_micros: unix_micros(SystemTime::now()),
            duration: ran.duration,
            result,
            log_tail,
        });
    });
}

fn unresolved(job: &Job, ctx: &Context, reason: String) {
    tracing::info!(event = %job.spec.trace.display_id(), function = %job.spec.function_arn, %reason, "delivery unresolved");
    finish(job, &ctx.journal, &ctx.metrics, End::Unresolved(reason));
}

/// Re-queues `job` after sleeping `sleep`, the scaled form of the AWS wait `aws` (it stays
/// in flight meanwhile).
fn retry(mut job: Job, ctx: &Context, sleep: Duration, aws: Duration) {
    job.state.wait(sleep, aws);
    let tx = ctx.tx.clone();
    let metrics = Arc::clone(&ctx.metrics);
    tokio::spawn(async move {
        tokio::time::sleep(sleep).await;
        if let Some(tx) = tx.upgrade() {
            metrics.queue(1);
            if tx.send(job).is_err() {
                metrics.queue(-1);
            }
        }
    });
}

/// Gives up on a delivery and keeps its failure record.
fn fail(job: &Job, ctx: &Context, config: &AsyncConfig, condition: Condition, ran: Option<&Ran>) {
    tracing::info!(event = %job.spec.trace.display_id(), function = %job.spec.function_arn, condition = condition.as_str(), "delivery failed");
    finish(job, &ctx.journal, &ctx.metrics, End::Failed(condition));
    ctx.records
        .push(record(job, config.on_failure.clone(), condition, ran));
}

fn record(
    job: &Job,
    destination: Option<String>,
    condition: Condition,
    ran: Option<&Ran>,
) -> DestinationRecord {
    DestinationRecord::build(RecordInput {
        destination,
        condition,
        request_id: ran.map_or("", |r| r.request_id.as_str()),
        function_arn: ran.map_or(job.spec.function_arn.as_str(), |r| r.function_arn.as_str()),
        approximate_invoke_count: job.state.runs + job.state.throttles,
        request_payload: &job.spec.payload,
        executed_version: ran.map(|r| r.executed_version.as_str()),
        function_error: ran.and_then(|r| r.error.as_ref()).map(|e| e.kind),
        response_payload: ran.map(|r| r.response.as_ref()),
        event_id: job.spec.trace.display_id(),
    })
}
