//! The memory budget: a cap on the sum of the `MemorySize` of all running guests.
//!
//! Without it, `max_instances` guests of 4 GiB each could all be live at once. An
//! invocation reserves its `MemorySize` (at most what wasm32 can address, 4 GiB) before it
//! starts and gives it back when it ends. When the budget is spent, an invocation waits
//! for room, first come first served, as a Lambda caller waits for a cold start: it is not
//! throttled, and its timeout only starts once it runs. An invocation that could never fit
//! (a `MemorySize` above the whole budget) ends at once in `Runtime.OutOfMemory`.

use std::sync::Arc;

use tokio::sync::{OwnedSemaphorePermit, Semaphore, TryAcquireError};

/// The most memory a wasm32 guest can address, in MB (4 GiB).
pub(super) const WASM32_MAX_MB: u32 = 4096;

/// The budget, in MB.
pub(super) struct Budget {
    total_mb: u32,
    free: Arc<Semaphore>,
}

/// Memory reserved by one running invocation; dropping it gives the memory back.
pub(super) struct Reservation {
    _permit: OwnedSemaphorePermit,
}

impl Budget {
    /// A budget of `total_mb` MB.
    pub(super) fn new(total_mb: u32) -> Self {
        let total_mb = total_mb.min(u32::try_from(Semaphore::MAX_PERMITS).unwrap_or(u32::MAX));
        Self {
            total_mb,
            free: Arc::new(Semaphore::new(total_mb as usize)),
        }
    }

    /// The whole budget, in MB.
    pub(super) fn total_mb(&self) -> u32 {
        self.total_mb
    }

    /// The MB an invocation of `memory_mb` reserves, or `None` if it can never fit.
    fn need(&self, memory_mb: u32) -> Option<u32> {
        let need = memory_mb.clamp(1, WASM32_MAX_MB);
        (need <= self.total_mb).then_some(need)
    }

    /// Wait until `memory_mb` fits, and reserve it; `None` if it never will.
    pub(super) async fn reserve(&self, memory_mb: u32) -> Option<Reservation> {
        let need = self.need(memory_mb)?;
        // The semaphore is never closed.
        let permit = Arc::clone(&self.free).acquire_many_owned(need).await.ok()?;
        Some(Reservation { _permit: permit })
    }

    /// The same, blocking the calling thread while it waits.
    pub(super) fn reserve_blocking(&self, memory_mb: u32) -> Option<Reservation> {
        let need = self.need(memory_mb)?;
        loop {
            match Arc::clone(&self.free).try_acquire_many_owned(need) {
                Ok(permit) => return Some(Reservation { _permit: permit }),
                Err(TryAcquireError::NoPermits) => {
                    std::thread::sleep(std::time::Duration::from_millis(1));
                }
                Err(TryAcquireError::Closed) => return None,
            }
        }
    }

    /// MB reserved by running invocations now.
    pub(super) fn reserved_mb(&self) -> u32 {
        self.total_mb
            .saturating_sub(u32::try_from(self.free.available_permits()).unwrap_or(u32::MAX))
    }
}
