//! `sleep`: blocks in a WASI sleep for a minute; the host stops it at the function's timeout
//! even though no wasm code runs meanwhile.

fn handle(_event: &str, _ctx: &s3lambda_guest::Context) -> Result<String, s3lambda_guest::Error> {
    println!("sleeping");
    std::thread::sleep(std::time::Duration::from_secs(60));
    Ok("\"woke up\"".to_owned())
}

s3lambda_guest::handler!(handle);
