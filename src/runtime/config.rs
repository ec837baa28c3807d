//! The runtime's configuration: pool size, epoch tick, limits.

use std::path::PathBuf;
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
    /// The most log output (stdout and stderr together) kept of one invocation: what a
    /// guest writes past it is dropped (the function keeps running) and the log says it
    /// was truncated, as Lambda truncates. Default 4 MiB.
    pub max_log_bytes: usize,
    /// How many OS threads run guests (`runtime.threads`). Guests never run on the
    /// caller's async workers, so a CPU-bound handler cannot slow the S3 or Lambda API;
    /// each thread interleaves its guests at every epoch tick. Default: the number of
    /// CPU cores.
    pub threads: usize,
    /// The cap on the sum of the `MemorySize` of all running guests, in MB (each counted
    /// at most 4096, what wasm32 can address). An invocation that does not fit waits for
    /// running ones to end; one larger than the whole cap ends in `Runtime.OutOfMemory`.
    /// Default 16384 (16 GiB: the default pool of 128 instances at Lambda's default
    /// 128 MB).
    pub max_total_memory_mb: u32,
    /// How much lower than the server's the CPU priority of the handler threads is, as a
    /// nice increment (Linux; elsewhere ignored). When handlers keep every core busy the
    /// kernel then gives the edge's threads the CPU first, so S3 and Lambda requests are
    /// answered at their usual latency; idle cores still run handlers at full speed. 0 runs
    /// handlers at the server's priority. Default 5: on the project machine it keeps S3 GET p99
    /// under 50 spinning handlers within 2x of idle (10 does too, but costs 15 % of the
    /// in-process event throughput; 3 does not always hold the latency).
    pub handler_niceness: u8,
    /// Where the language engines (`nodejs.wasm`, `python.wasm`) are. Default
    /// [`default_engines_dir`](super::default_engines_dir).
    pub engines_dir: PathBuf,
    /// Where compiled code is kept between runs (wasmtime's cache, keyed by the code, the
    /// wasmtime version and the engine's configuration), so a language engine compiles once
    /// per machine. `None` compiles in every process. Default
    /// [`default_code_cache_dir`](super::default_code_cache_dir).
    pub code_cache_dir: Option<PathBuf>,
}

impl Default for RuntimeConfig {
    fn default() -> Self {
        Self {
            max_instances: 128,
            epoch_tick: Duration::from_millis(10),
            allocator: InstanceAllocator::Pooling,
            keep_resident_bytes: 1 << 20,
            max_log_bytes: 4 << 20,
            threads: std::thread::available_parallelism().map_or(2, std::num::NonZero::get),
            max_total_memory_mb: 16 << 10,
            handler_niceness: 5,
            engines_dir: super::default_engines_dir(),
            code_cache_dir: Some(super::default_code_cache_dir()),
        }
    }
}

/// The `[runtime]` table of the configuration file: the runtime settings a deployment
/// tunes. Absent keys keep [`RuntimeConfig`]'s defaults (or what the embedding program set).
///
/// ```toml
/// [runtime]
/// threads = 4                 # OS threads that run handlers (default: the CPU cores)
/// max_total_memory_mb = 8192  # sum of running handlers' MemorySize (default 16384)
/// handler_niceness = 5        # handler threads' priority below the server's (default 5)
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RuntimeSettings {
    /// [`RuntimeConfig::threads`]; 0 is treated as 1.
    pub threads: Option<usize>,
    /// [`RuntimeConfig::max_total_memory_mb`].
    pub max_total_memory_mb: Option<u32>,
    /// [`RuntimeConfig::handler_niceness`].
    pub handler_niceness: Option<u8>,
}

impl RuntimeSettings {
    /// `config` with the keys set here applied over it.
    #[must_use]
    pub fn apply(&self, mut config: RuntimeConfig) -> RuntimeConfig {
        if let Some(threads) = self.threads {
            config.threads = threads.max(1);
        }
        if let Some(mb) = self.max_total_memory_mb {
            config.max_total_memory_mb = mb;
        }
        if let Some(niceness) = self.handler_niceness {
            config.handler_niceness = niceness;
        }
        config
    }
}
