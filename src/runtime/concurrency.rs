//! Concurrency admission: the pool's size and each function's reserved concurrency.
//!
//! Counters only, never a lock held across a wasm call: a [`Permit`] is taken before
//! the instance is created and gives its slot back when dropped.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use dashmap::DashMap;

use super::{RuntimeError, ThrottleReason};

/// Running invocations: in total and per function name.
#[derive(Debug, Default)]
pub(super) struct Admission {
    running: Arc<AtomicU32>,
    per_function: DashMap<String, Arc<AtomicU32>>,
}

/// A slot taken by a running invocation; dropping it frees the slot.
pub(super) struct Permit {
    running: Arc<AtomicU32>,
    function: Option<Arc<AtomicU32>>,
}

impl Drop for Permit {
    fn drop(&mut self) {
        self.running.fetch_sub(1, Ordering::AcqRel);
        if let Some(function) = &self.function {
            function.fetch_sub(1, Ordering::AcqRel);
        }
    }
}

/// Take one slot of `counter` if fewer than `limit` are taken.
fn try_take(counter: &AtomicU32, limit: u32) -> bool {
    counter
        .fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
            (n < limit).then_some(n + 1)
        })
        .is_ok()
}

impl Admission {
    /// Admit one invocation of `function_name`, or say which limit throttles it.
    pub(super) fn admit(
        &self,
        max_instances: u32,
        function_name: &str,
        reserved: Option<u32>,
    ) -> Result<Permit, RuntimeError> {
        let function = match reserved {
            None => None,
            Some(limit) => {
                let counter = match self.per_function.get(function_name) {
                    Some(counter) => Arc::clone(&counter),
                    None => Arc::clone(
                        &self
                            .per_function
                            .entry(function_name.to_owned())
                            .or_default(),
                    ),
                };
                if !try_take(&counter, limit) {
                    return Err(RuntimeError::Throttled {
                        reason: ThrottleReason::ReservedConcurrency {
                            function_name: function_name.to_owned(),
                            limit,
                        },
                    });
                }
                Some(counter)
            }
        };
        if !try_take(&self.running, max_instances) {
            if let Some(function) = &function {
                function.fetch_sub(1, Ordering::AcqRel);
            }
            return Err(RuntimeError::Throttled {
                reason: ThrottleReason::ConcurrencyLimit {
                    limit: max_instances,
                },
            });
        }
        Ok(Permit {
            running: Arc::clone(&self.running),
            function,
        })
    }

    /// Invocations running now.
    pub(super) fn running(&self) -> u32 {
        self.running.load(Ordering::Acquire)
    }
}
