//! `echo`: returns its input unchanged.

fn handle(event: &str, _ctx: &s3lambda_guest::Context) -> Result<String, s3lambda_guest::Error> {
    Ok(event.to_owned())
}

s3lambda_guest::handler!(handle);
