//! `chatty`: prints log lines until it has written the number of bytes its event names
//! (a bare JSON number; 5 MiB by default), then returns how many it wrote.

use std::io::Write as _;

const DEFAULT_BYTES: usize = 5 << 20;

fn handle(event: &str, _ctx: &s3lambda_guest::Context) -> Result<String, s3lambda_guest::Error> {
    let total = event.trim().parse::<usize>().unwrap_or(DEFAULT_BYTES);
    let mut out = std::io::stdout().lock();
    let mut written = 0;
    let mut line = 0u64;
    while written < total {
        // 100 bytes a line: "line 0000001 " and padding.
        let text = format!("line {line:07} {:-<86}\n", "");
        let take = text.len().min(total - written);
        out.write_all(&text.as_bytes()[..take])
            .map_err(|e| s3lambda_guest::Error::new("WriteError", e.to_string()))?;
        written += take;
        line += 1;
    }
    out.flush()
        .map_err(|e| s3lambda_guest::Error::new("WriteError", e.to_string()))?;
    drop(out);
    Ok(format!("{written}"))
}

s3lambda_guest::handler!(handle);
