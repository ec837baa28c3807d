//! CPU time of a process (user + system) read from `/proc/<pid>/stat`, in milliseconds.

use super::BenchError;

/// Whose CPU time.
#[derive(Debug, Clone, Copy)]
pub enum Source {
    /// Another process.
    Pid(u32),
    /// This process (in-process mode: server and loadgen together).
    SelfProcess,
}

/// utime + stime of `source` in ms.
pub fn read(source: Source) -> Result<f64, BenchError> {
    let path = match source {
        Source::Pid(pid) => format!("/proc/{pid}/stat"),
        Source::SelfProcess => "/proc/self/stat".to_owned(),
    };
    let text = std::fs::read_to_string(&path)
        .map_err(|e| BenchError::Usage(format!("cannot read {path}: {e}")))?;
    let ticks = parse_stat(&text)
        .ok_or_else(|| BenchError::Usage(format!("{path} has no utime/stime fields")))?;
    Ok(ticks as f64 * 1000.0 / ticks_per_second() as f64)
}

/// utime + stime in clock ticks from the text of `/proc/<pid>/stat`.
fn parse_stat(text: &str) -> Option<u64> {
    // The command name (field 2) may hold spaces; fields after its closing `)` start at 3.
    let rest = &text[text.rfind(')')? + 1..];
    let mut fields = rest.split_whitespace();
    let utime: u64 = fields.nth(11)?.parse().ok()?;
    let stime: u64 = fields.next()?.parse().ok()?;
    Some(utime + stime)
}

fn ticks_per_second() -> u64 {
    std::process::Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok()?.trim().parse().ok())
        .filter(|t| *t > 0)
        .unwrap_or(100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stat_fields_after_the_name() {
        let stat = "42 (my (odd) name) S 1 42 42 0 -1 4194560 100 0 0 0 250 75 0 0 20 0 4 0";
        assert_eq!(parse_stat(stat), Some(325));
        assert_eq!(parse_stat("garbage"), None);
    }

    #[test]
    fn own_cpu_is_readable() {
        assert!(read(Source::SelfProcess).unwrap() >= 0.0);
    }
}
