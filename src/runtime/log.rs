//! The Lambda-style log of one invocation: `START`, the handler's output, `END`, `REPORT`.

use std::fmt::Write as _;
use std::time::Duration;

use time::OffsetDateTime;
use time::macros::format_description;

use super::Invocation;

/// The `REPORT` figures.
pub(super) struct Report {
    pub(super) duration: Duration,
    pub(super) billed_ms: u64,
    pub(super) max_memory_used_mb: u32,
}

/// The whole log: `START`, `output`, the runtime's own `lines`, `END`, `REPORT`.
pub(super) fn render(inv: &Invocation, output: &[u8], lines: &[&str], report: &Report) -> String {
    let id = &inv.request_id;
    let mut log = String::with_capacity(output.len() + 512);
    let _ = writeln!(
        log,
        "START RequestId: {id} Version: {}",
        inv.function_version
    );
    log.push_str(&String::from_utf8_lossy(output));
    if !log.ends_with('\n') {
        log.push('\n');
    }
    for line in lines {
        log.push_str(line);
        log.push('\n');
    }
    let _ = writeln!(log, "END RequestId: {id}");
    let _ = writeln!(
        log,
        "REPORT RequestId: {id}\tDuration: {:.2} ms\tBilled Duration: {} ms\tMemory Size: {} MB\tMax Memory Used: {} MB",
        report.duration.as_secs_f64() * 1000.0,
        report.billed_ms,
        inv.memory_mb,
        report.max_memory_used_mb,
    );
    log
}

/// Lambda's timestamp in log lines and timeout messages: `2026-01-01T12:00:00.123Z`.
pub(super) fn timestamp(at: OffsetDateTime) -> String {
    at.format(format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z"
    ))
    .unwrap_or_default()
}

/// The billed duration: rounded up to the millisecond, at least 1 ms.
pub(super) fn billed_ms(duration: Duration) -> u64 {
    (duration.as_nanos().div_ceil(1_000_000) as u64).max(1)
}

/// Peak memory in MB, rounded up.
pub(super) fn megabytes(bytes: usize) -> u32 {
    u32::try_from(bytes.div_ceil(1 << 20)).unwrap_or(u32::MAX)
}
