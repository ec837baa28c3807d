//! When to try again: Lambda's asynchronous retry schedule, as pure functions of a job's state.

use std::time::Duration;

use tokio::time::Instant;

use super::backend::AsyncConfig;

/// The scale of every delay. AWS waits 1 and 2 minutes between retries; a factor of 0.001
/// makes that 60 and 120 ms.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Timing {
    factor: f64,
}

impl Default for Timing {
    /// 1/1000 of AWS's delays, so a failing handler's three attempts end in well under a
    /// second. `Timing::aws()` (`--aws-timing`) waits as long as AWS does.
    fn default() -> Self {
        Self { factor: 0.001 }
    }
}

impl Timing {
    /// AWS's own delays.
    pub fn aws() -> Self {
        Self { factor: 1.0 }
    }

    /// AWS's delays multiplied by `factor` (clamped to 0..=1000).
    pub fn scaled(factor: f64) -> Self {
        let factor = if factor.is_finite() {
            factor.clamp(0.0, 1000.0)
        } else {
            1.0
        };
        Self { factor }
    }

    /// The factor.
    pub fn factor(self) -> f64 {
        self.factor
    }

    /// `d` at this scale.
    pub fn scale(self, d: Duration) -> Duration {
        d.mul_f64(self.factor)
    }
}

/// Where a job is in its schedule.
#[derive(Debug, Clone)]
pub(crate) struct JobState {
    pub enqueued: Instant,
    /// Handler runs so far.
    pub runs: u32,
    /// Throttled attempts so far.
    pub throttles: u32,
    /// The settings, once authorized.
    pub config: Option<AsyncConfig>,
    /// The retry waits slept so far (scaled), and what they stand for in AWS time.
    pub waited: Duration,
    pub waited_aws: Duration,
}

impl JobState {
    pub fn new() -> Self {
        Self {
            enqueued: Instant::now(),
            runs: 0,
            throttles: 0,
            config: None,
            waited: Duration::ZERO,
            waited_aws: Duration::ZERO,
        }
    }

    /// The event's age in AWS time: real time in the queue and in the handler counts in
    /// full; retry waits count as the AWS waits they stand for.
    pub fn age(&self, now: Instant) -> Duration {
        now.duration_since(self.enqueued)
            .saturating_sub(self.waited)
            + self.waited_aws
    }

    /// Records a retry wait about to be slept.
    pub fn wait(&mut self, sleep: Duration, aws: Duration) {
        self.waited += sleep;
        self.waited_aws += aws;
    }
}

/// What to do after an attempt that did not succeed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Next {
    /// Run again after sleeping `sleep` (the scaled form of the AWS wait `aws`).
    RetryAfter {
        /// How long to sleep.
        sleep: Duration,
        /// The AWS wait it stands for.
        aws: Duration,
    },
    /// Give up: retries are exhausted.
    RetriesExhausted,
    /// Give up: the event would be older than its maximum age.
    EventAgeExceeded,
}

/// AWS's waits before the first and second retry of a function error.
const FUNCTION_ERROR_DELAYS: [Duration; 2] = [Duration::from_mins(1), Duration::from_mins(2)];
const THROTTLE_FIRST: Duration = Duration::from_secs(1);
const THROTTLE_MAX: Duration = Duration::from_mins(5);

/// After a function error (the run is already counted in `state.runs`).
pub(crate) fn after_function_error(
    state: &JobState,
    config: &AsyncConfig,
    timing: Timing,
    now: Instant,
) -> Next {
    let retries_done = state.runs.saturating_sub(1);
    if retries_done >= config.max_retries {
        return Next::RetriesExhausted;
    }
    let wait = FUNCTION_ERROR_DELAYS
        .get(retries_done as usize)
        .copied()
        .unwrap_or(FUNCTION_ERROR_DELAYS[1]);
    within_age(state, config, timing, now, wait)
}

/// After a throttle (counted in `state.throttles`): exponential backoff, 1 s doubling to 5 min.
pub(crate) fn after_throttle(
    state: &JobState,
    config: &AsyncConfig,
    timing: Timing,
    now: Instant,
) -> Next {
    let exp = state.throttles.saturating_sub(1).min(16);
    let wait = THROTTLE_FIRST.saturating_mul(1 << exp).min(THROTTLE_MAX);
    within_age(state, config, timing, now, wait)
}

/// Whether the event is already older than its maximum age.
pub(crate) fn expired(state: &JobState, config: &AsyncConfig, now: Instant) -> bool {
    state.age(now) > config.max_event_age
}

fn within_age(
    state: &JobState,
    config: &AsyncConfig,
    timing: Timing,
    now: Instant,
    aws_wait: Duration,
) -> Next {
    if state.age(now) + aws_wait > config.max_event_age {
        Next::EventAgeExceeded
    } else {
        Next::RetryAfter {
            sleep: timing.scale(aws_wait),
            aws: aws_wait,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state(runs: u32, throttles: u32) -> JobState {
        JobState {
            runs,
            throttles,
            ..JobState::new()
        }
    }

    /// A retry at AWS timing, where the sleep is the AWS wait.
    fn retry(d: Duration) -> Next {
        Next::RetryAfter { sleep: d, aws: d }
    }

    #[test]
    fn function_errors_wait_one_then_two_minutes_then_give_up() {
        let c = AsyncConfig::default();
        let t = Timing::aws();
        let now = Instant::now();
        assert_eq!(
            after_function_error(&state(1, 0), &c, t, now),
            retry(Duration::from_mins(1))
        );
        assert_eq!(
            after_function_error(&state(2, 0), &c, t, now),
            retry(Duration::from_mins(2))
        );
        assert_eq!(
            after_function_error(&state(3, 0), &c, t, now),
            Next::RetriesExhausted
        );
        let none = AsyncConfig {
            max_retries: 0,
            ..c
        };
        assert_eq!(
            after_function_error(&state(1, 0), &none, t, now),
            Next::RetriesExhausted
        );
    }

    #[test]
    fn scaled_timing_shrinks_waits() {
        let c = AsyncConfig::default();
        let t = Timing::default();
        assert_eq!(
            after_function_error(&state(1, 0), &c, t, Instant::now()),
            Next::RetryAfter {
                sleep: Duration::from_millis(60),
                aws: Duration::from_mins(1)
            }
        );
        assert!((Timing::scaled(f64::NAN).factor() - 1.0).abs() < f64::EPSILON);
    }

    #[test]
    fn real_time_counts_in_full_and_scaled_waits_as_aws_time() {
        let c = AsyncConfig {
            max_event_age: Duration::from_mins(1),
            ..AsyncConfig::default()
        };
        let mut s = state(1, 0);
        let start = s.enqueued;
        // 100 ms in the queue at 1/1000 timing is 100 ms of age, not 100 s.
        assert!(!expired(&s, &c, start + Duration::from_millis(100)));
        // A slept 60 ms retry wait stands for AWS's 60 s.
        s.wait(Duration::from_millis(60), Duration::from_mins(1));
        assert!(expired(&s, &c, start + Duration::from_millis(200)));
        assert_eq!(
            s.age(start + Duration::from_millis(160)),
            Duration::from_mins(1) + Duration::from_millis(100)
        );
    }

    #[test]
    fn throttles_back_off_exponentially_up_to_five_minutes() {
        let c = AsyncConfig::default();
        let t = Timing::aws();
        let now = Instant::now();
        let waits: Vec<_> = [1, 2, 3, 9, 10, 30]
            .iter()
            .map(|n| after_throttle(&state(0, *n), &c, t, now))
            .collect();
        assert_eq!(
            waits,
            [1, 2, 4, 256, 300, 300].map(|s| retry(Duration::from_secs(s)))
        );
    }

    #[test]
    fn a_retry_past_the_maximum_age_expires_instead() {
        let c = AsyncConfig {
            max_event_age: Duration::from_secs(90),
            ..AsyncConfig::default()
        };
        let t = Timing::aws();
        let now = Instant::now();
        assert_eq!(
            after_function_error(&state(1, 0), &c, t, now),
            retry(Duration::from_mins(1))
        );
        assert_eq!(
            after_function_error(&state(2, 0), &c, t, now),
            Next::EventAgeExceeded
        );
        let s = state(0, 0);
        assert!(!expired(&s, &c, now));
        assert!(expired(&s, &c, now + Duration::from_secs(91)));
    }
}
