//! The wasmtime engine: the fastest configuration measured for a fresh instance per
//! invocation (pooling, keep-resident memory reset with `PAGEMAP_SCAN`, no component
//! concurrency, epoch interruption), and the thread that advances the epoch.

use std::time::Duration;

use wasmtime::{
    Cache, CacheConfig, Config, Enabled, Engine, InstanceAllocationStrategy,
    PoolingAllocationConfig,
};

use super::{InstanceAllocator, RuntimeConfig, RuntimeError};

/// Core instances, tables and memories the pool holds per slot on average: a Rust
/// `wasm32-wasip2` component has one memory and a few core instances (main module and
/// the shims `wasm-component-ld` adds); a language engine (SpiderMonkey, CPython) links
/// up to 64 core instances and tables, so the pool keeps room for several at once.
const CORE_INSTANCES_PER_COMPONENT: u32 = 16;
const MEMORIES_PER_COMPONENT: u32 = 2;
/// The most elements one table of a pooled instance may hold (an engine's function table
/// has tens of thousands; wasmtime's default is 20,000).
const MAX_TABLE_ELEMENTS: usize = 200_000;

/// How the engine ended up configured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MemoryReset {
    /// Pooling, memories kept resident and reset with `PAGEMAP_SCAN` (Linux 6.7+).
    PagemapScan,
    /// Pooling, memories decommitted with `madvise` (no `PAGEMAP_SCAN` here).
    Madvise,
    /// No pooling: every instance maps and unmaps its own memory.
    OnDemand,
}

/// Build the engine, falling back from `PAGEMAP_SCAN` when the kernel lacks it.
pub(super) fn build(config: &RuntimeConfig) -> Result<(Engine, MemoryReset), RuntimeError> {
    match config.allocator {
        InstanceAllocator::OnDemand => Ok((
            new_engine(config, MemoryReset::OnDemand)?,
            MemoryReset::OnDemand,
        )),
        InstanceAllocator::Pooling => {
            if PoolingAllocationConfig::is_pagemap_scan_available() {
                match new_engine(config, MemoryReset::PagemapScan) {
                    Ok(engine) => return Ok((engine, MemoryReset::PagemapScan)),
                    Err(e) => {
                        tracing::warn!(error = %e, "PAGEMAP_SCAN refused; pooling without it");
                    }
                }
            }
            Ok((
                new_engine(config, MemoryReset::Madvise)?,
                MemoryReset::Madvise,
            ))
        }
    }
}

fn new_engine(config: &RuntimeConfig, reset: MemoryReset) -> Result<Engine, RuntimeError> {
    let mut wasm = Config::new();
    wasm.epoch_interruption(true)
        .concurrency_support(false)
        .wasm_backtrace_max_frames(None);
    if reset != MemoryReset::OnDemand {
        let slots = config.max_instances.max(1);
        let mut pool = PoolingAllocationConfig::default();
        pool.total_component_instances(slots)
            .total_core_instances(slots.saturating_mul(CORE_INSTANCES_PER_COMPONENT))
            .total_tables(slots.saturating_mul(CORE_INSTANCES_PER_COMPONENT))
            .total_memories(slots.saturating_mul(MEMORIES_PER_COMPONENT))
            .table_elements(MAX_TABLE_ELEMENTS);
        if reset == MemoryReset::PagemapScan {
            pool.linear_memory_keep_resident(config.keep_resident_bytes)
                .table_keep_resident(config.keep_resident_bytes)
                .pagemap_scan(Enabled::Yes);
        } else {
            pool.pagemap_scan(Enabled::No);
        }
        wasm.allocation_strategy(InstanceAllocationStrategy::Pooling(pool));
    }
    if let Some(dir) = &config.code_cache_dir {
        let mut cache = CacheConfig::new();
        cache.with_directory(dir);
        match Cache::new(cache) {
            Ok(cache) => {
                wasm.cache(Some(cache));
            }
            Err(e) => tracing::warn!(dir = %dir.display(), error = %e,
                "no on-disk cache of compiled code; every start compiles"),
        }
    }
    Engine::new(&wasm).map_err(|e| RuntimeError::Internal(format!("wasmtime engine: {e}")))
}

/// Advance the engine's epoch every `tick` until the engine is dropped.
pub(super) fn spawn_epoch_ticker(engine: &Engine, tick: Duration) -> Result<(), RuntimeError> {
    let weak = engine.weak();
    std::thread::Builder::new()
        .name("s3lambda-epoch".to_owned())
        .spawn(move || {
            loop {
                std::thread::sleep(tick);
                match weak.upgrade() {
                    Some(engine) => engine.increment_epoch(),
                    None => break,
                }
            }
        })
        .map(drop)
        .map_err(|e| RuntimeError::Internal(format!("epoch thread: {e}")))
}
