//! `panic`: panics, so the instance traps (an unhandled error).

fn handle(_event: &str, _ctx: &s3lambda_guest::Context) -> Result<String, s3lambda_guest::Error> {
    panic!("this handler always panics");
}

s3lambda_guest::handler!(handle);
