//! `fs`: tries to read a host file and returns the error it got.
//!
//! The response is `{"path":"/etc/passwd","error":"..."}`, or, should the read
//! succeed (it must not: the host preopens no directory), a handled `SandboxEscape` error.

fn handle(event: &str, _ctx: &s3lambda_guest::Context) -> Result<String, s3lambda_guest::Error> {
    let path = event
        .trim()
        .strip_prefix("{\"path\":\"")
        .and_then(|rest| rest.strip_suffix("\"}"))
        .unwrap_or("/etc/passwd");
    match std::fs::read(path) {
        Ok(bytes) => Err(s3lambda_guest::Error::new(
            "SandboxEscape",
            format!("read {} bytes from {path}", bytes.len()),
        )),
        Err(e) => {
            let error = e.to_string().replace('\\', "\\\\").replace('"', "\\\"");
            Ok(format!("{{\"path\":\"{path}\",\"error\":\"{error}\"}}"))
        }
    }
}

s3lambda_guest::handler!(handle);
