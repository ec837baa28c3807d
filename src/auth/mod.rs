//! SigV4 request authentication: header, presigned query and aws-chunked bodies; accounts and keys.

mod account;

pub use account::{Account, Keyring};
