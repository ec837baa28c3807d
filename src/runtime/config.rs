//! The runtime's configuration: pool size, epoch tick, limits.

use std::time::Duration;

/// How instances get their memories, tables and instance state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum InstanceAllocator {
    /// wasmtime's pooling allocator: slots reserved up front and reused, with up to
    /// [`RuntimeConfig::keep_resident_bytes`] of each memory kept resident and reset with
    /// `PAGEMAP_SCAN` where the kernel has it (Linux 6.7+). The fastest; reserves virtual
    /// address space for [`RuntimeConfig::max_instances`] memories of up to 4 GiB each.
    #[default]
    Pooling,
    /// Allocate every instance on demand (mmap per instance). Slower, no reservation.
    OnDemand,
}

/// The runtime's configuration. `Default` serves.
#[derive(Debug, Clone)]
pub struct RuntimeConfig {
    /// How many instances may run at once (the pool size). An invocation beyond it is
    /// throttled (`RuntimeError::Throttled`), as an account concurrency limit would.
    /// Default 128.
    pub max_instances: u32,
    /// How often the background thread advances the engine's epoch: the resolution of
    /// function timeouts. Default 10 ms.
    pub epoch_tick: Duration,
    /// The instance allocator. Default [`InstanceAllocator::Pooling`].
    pub allocator: InstanceAllocator,
    /// Bytes of each linear memory and table kept resident between instances in the
    /// pool (only with [`InstanceAllocator::Pooling`]; only used when `PAGEMAP_SCAN` is
    /// available). Default 1 MiB.
    pub keep_resident_bytes: usize,
    /// The most log output (stdout and stderr together) one invocation may write; a
    /// guest writing more gets a write error. Default 4 MiB.
    pub max_log_bytes: usize,
}

impl Default for RuntimeConfig {
    fn default() -> Self {
        Self {
            max_instances: 128,
            epoch_tick: Duration::from_millis(10),
            allocator: InstanceAllocator::Pooling,
            keep_resident_bytes: 1 << 20,
            max_log_bytes: 4 << 20,
        }
    }
}
