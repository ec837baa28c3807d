//! The `s3lambda` command line.
fn main() {}
