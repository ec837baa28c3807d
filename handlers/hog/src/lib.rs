//! `hog`: grows memory 1 MiB at a time until the host refuses, then aborts.

fn handle(_event: &str, _ctx: &s3lambda_guest::Context) -> Result<String, s3lambda_guest::Error> {
    const CHUNK: usize = 1 << 20;
    let mut held: Vec<Vec<u8>> = Vec::new();
    loop {
        let mut chunk = Vec::new();
        if chunk.try_reserve_exact(CHUNK).is_err() {
            println!("allocation refused after {} MiB", held.len());
            std::process::abort();
        }
        chunk.resize(CHUNK, 1);
        held.push(chunk);
    }
}

s3lambda_guest::handler!(handle);
