//! The AWS services around S3 and Lambda that deploy tools call first, simulated minimally
//! and honestly: STS `GetCallerIdentity` ([`sts`]) and IAM roles ([`iam`]), both over the
//! AWS Query protocol ([`query`]), and the refusal every other service gets in its own
//! protocol ([`unsimulated`]).
//!
//! Domain code: requests arrive as decoded parameters with the caller's account (from its
//! credentials); answers leave as the `http` crate's response values the protocols are
//! made of. The edge (`edge/query.rs`, `edge/other.rs`) does the HTTP.

pub mod iam;
pub mod query;
pub mod sts;
pub mod unsimulated;
