//! Subcommands of the `s3lambda` binary that are more than a call into the library.

pub mod bench;
pub mod demo;
pub mod handler;
pub mod scenario;
pub mod trace;
