//! The workers: take a job, authorize it once, run attempts, retry or finish, record it all.

use std::sync::Arc;
use std::time::SystemTime;

use tokio::sync::{Semaphore, mpsc};
use tokio::time::Instant;

use super::backend::{AttemptOutcome, Authorized, Backend, Ran, Refusal, Target};
use super::destination::{DestinationRecord, RecordInput, Records};
use super::schedule::{self, Next, Timing};
use super::{AsyncConfig, Job};
use crate::trace::{Attempt, AttemptResult, Journal, Outcome};

/// What every worker shares.
pub(super) struct Context {
    pub tx: mpsc::WeakUnboundedSender<Job>,
    pub journal: Arc<Journal>,
    pub records: Records,
    pub timing: Timing,
}

/// Runs up to `workers` jobs at a time until the queue closes.
pub(super) fn spawn(
    mut rx: mpsc::UnboundedReceiver<Job>,
    workers: usize,
    backend: Arc<dyn Backend>,
    ctx: Context,
) {
    let ctx = Arc::new(ctx);
    let permits = Arc::new(Semaphore::new(workers));
    tokio::spawn(async move {
        while let Some(job) = rx.recv().await {
            let Ok(permit) = Arc::clone(&permits).acquire_owned().await else {
                break;
            };
            let backend = Arc::clone(&backend);
            let ctx = Arc::clone(&ctx);
            tokio::spawn(async move {
                run(job, backend.as_ref(), &ctx).await;
                drop(permit);
            });
        }
    });
}

async fn run(mut job: Job, backend: &dyn Backend, ctx: &Context) {
    let target = Target {
        function_arn: &job.function_arn,
        region: &job.region,
        source_arn: &job.source_arn,
        source_account: &job.source_account,
    };
    let mut resolution = None;
    let config = if let Some(config) = &job.state.config {
        config.clone()
    } else {
        match backend.authorize(&target) {
            Ok(Authorized {
                resolved_version,
                policy,
                config,
                resolution: resolved,
            }) => {
                job.trace.update_delivery(job.delivery, |d| {
                    d.resolved_version = Some(resolved_version);
                    d.policy = Some(policy);
                });
                job.state.config = Some(config.clone());
                resolution = resolved;
                config
            }
            Err(Refusal::Denied {
                resolved_version,
                policy,
            }) => {
                tracing::info!(event = %job.trace.display_id(), function = %job.function_arn, reason = %policy.reason, "delivery denied");
                job.trace.update_delivery(job.delivery, |d| {
                    d.resolved_version = Some(resolved_version);
                    d.policy = Some(policy);
                    d.outcome = Outcome::Denied;
                });
                ctx.journal.count(Outcome::Denied);
                return;
            }
            Err(Refusal::Unresolved(reason)) => {
                unresolved(&job, ctx, reason);
                return;
            }
        }
    };
    if schedule::expired(&job.state, &config, Instant::now()) {
        finish_failed(
            &job,
            ctx,
            &config,
            Outcome::Expired,
            "EventAgeExceeded",
            None,
        );
        return;
    }
    let started = SystemTime::now();
    match backend
        .invoke(&target, job.payload.clone(), resolution)
        .await
    {
        AttemptOutcome::Ran(mut ran) => {
            job.state.runs += 1;
            let result = match &ran.function_error {
                None => AttemptResult::Success,
                Some(kind) => AttemptResult::FunctionError {
                    function_error: kind.clone(),
                    error_type: ran.error_type.clone(),
                    error_message: ran.error_message.clone(),
                },
            };
            push_attempt(&job, &mut ran, started, result);
            if ran.function_error.is_none() {
                job.trace
                    .update_delivery(job.delivery, |d| d.outcome = Outcome::Delivered);
                ctx.journal.count(Outcome::Delivered);
                if let Some(dest) = &config.on_success {
                    ctx.records
                        .push(record(&job, Some(dest.clone()), "Success", Some(&ran)));
                }
                return;
            }
            match schedule::after_function_error(&job.state, &config, ctx.timing, Instant::now()) {
                Next::RetryAfter { sleep, aws } => retry(job, ctx, sleep, aws),
                Next::RetriesExhausted => {
                    finish_failed(
                        &job,
                        ctx,
                        &config,
                        Outcome::Failed,
                        "RetriesExhausted",
                        Some(&ran),
                    );
                }
                Next::EventAgeExceeded => {
                    finish_failed(
                        &job,
                        ctx,
                        &config,
                        Outcome::Expired,
                        "EventAgeExceeded",
                        Some(&ran),
                    );
                }
            }
        }
        AttemptOutcome::Throttled { retryable, reason } => {
            job.state.throttles += 1;
            let number = job.state.runs + job.state.throttles;
            job.trace.update_delivery(job.delivery, |d| {
                d.attempts.push(Attempt {
                    number,
                    request_id: String::new(),
                    started,
                    started_micros: crate::trace::unix_micros(started),
                    ended_micros: crate::trace::unix_micros(SystemTime::now()),
                    duration: std::time::Duration::ZERO,
                    result: AttemptResult::Throttled,
                    log_tail: reason.clone(),
                });
            });
            if !retryable {
                finish_failed(
                    &job,
                    ctx,
                    &config,
                    Outcome::Throttled,
                    "ThrottledNoRetry",
                    None,
                );
                return;
            }
            match schedule::after_throttle(&job.state, &config, ctx.timing, Instant::now()) {
                Next::RetryAfter { sleep, aws } => retry(job, ctx, sleep, aws),
                Next::RetriesExhausted | Next::EventAgeExceeded => {
                    finish_failed(
                        &job,
                        ctx,
                        &config,
                        Outcome::Expired,
                        "EventAgeExceeded",
                        None,
                    );
                }
            }
        }
        AttemptOutcome::Unresolved(reason) => unresolved(&job, ctx, reason),
    }
}

/// Records the attempt in the trace (moving the log tail there: nothing else reads it).
fn push_attempt(job: &Job, ran: &mut Ran, started: SystemTime, result: AttemptResult) {
    let number = job.state.runs + job.state.throttles;
    let log_tail = std::mem::take(&mut ran.log_tail);
    job.trace.update_delivery(job.delivery, |d| {
        if d.resolved_version.as_deref() != Some(ran.executed_version.as_str()) {
            d.resolved_version = Some(ran.executed_version.clone());
        }
        d.attempts.push(Attempt {
            number,
            request_id: ran.request_id.clone(),
            started,
            started_micros: crate::trace::unix_micros(started),
            ended_micros: crate::trace::unix_micros(SystemTime::now()),
            duration: ran.duration,
            result,
            log_tail,
        });
    });
}

fn unresolved(job: &Job, ctx: &Context, reason: String) {
    tracing::info!(event = %job.trace.display_id(), function = %job.function_arn, %reason, "delivery unresolved");
    job.trace.update_delivery(job.delivery, |d| {
        d.resolution_error = Some(reason);
        d.outcome = Outcome::Unresolved;
    });
    ctx.journal.count(Outcome::Unresolved);
}

/// Re-queues `job` after sleeping `sleep`, the scaled form of the AWS wait `aws` (it stays
/// in flight meanwhile).
fn retry(mut job: Job, ctx: &Context, sleep: std::time::Duration, aws: std::time::Duration) {
    job.state.wait(sleep, aws);
    let tx = ctx.tx.clone();
    tokio::spawn(async move {
        tokio::time::sleep(sleep).await;
        if let Some(tx) = tx.upgrade() {
            let _ = tx.send(job);
        }
    });
}

fn finish_failed(
    job: &Job,
    ctx: &Context,
    config: &AsyncConfig,
    outcome: Outcome,
    condition: &str,
    ran: Option<&Ran>,
) {
    tracing::info!(event = %job.trace.display_id(), function = %job.function_arn, condition, "delivery failed");
    job.trace
        .update_delivery(job.delivery, |d| d.outcome = outcome);
    ctx.journal.count(outcome);
    ctx.records
        .push(record(job, config.on_failure.clone(), condition, ran));
}

fn record(
    job: &Job,
    destination: Option<String>,
    condition: &str,
    ran: Option<&Ran>,
) -> DestinationRecord {
    DestinationRecord::build(RecordInput {
        destination,
        condition,
        request_id: ran.map_or("", |r| r.request_id.as_str()),
        function_arn: ran.map_or(job.function_arn.as_str(), |r| r.function_arn.as_str()),
        approximate_invoke_count: job.state.runs + job.state.throttles,
        request_payload: &job.payload,
        executed_version: ran.map(|r| r.executed_version.as_str()),
        function_error: ran.and_then(|r| r.function_error.as_deref()),
        response_payload: ran.map(|r| r.response.as_ref()),
        event_id: job.trace.display_id(),
    })
}
