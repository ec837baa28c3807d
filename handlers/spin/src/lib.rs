//! `spin`: loops forever; the host stops it at the function's timeout.

fn handle(_event: &str, _ctx: &s3lambda_guest::Context) -> Result<String, s3lambda_guest::Error> {
    println!("spinning");
    let mut n: u64 = 0;
    loop {
        n = std::hint::black_box(n.wrapping_add(1));
    }
}

s3lambda_guest::handler!(handle);
