//! `fail`: returns a handled error (`HandledError`).

fn handle(_event: &str, _ctx: &s3lambda_guest::Context) -> Result<String, s3lambda_guest::Error> {
    eprintln!("about to fail");
    Err(s3lambda_guest::Error::new(
        "HandledError",
        "this handler always fails",
    ))
}

s3lambda_guest::handler!(handle);
