//! The function registry: functions per (account, region), `$LATEST`, published versions,
//! aliases with routing weights, per-qualifier resource policies, event invoke
//! configurations, reserved concurrency, and resolution of a function reference to the
//! version that runs.
//!
//! One room per job: `store` (the map keyed by `FunctionKey` and the per-function
//! record), `scope` (unqualified or one qualifier), `validate` (wire
//! validation with AWS's texts), `functions`, `versions`, `aliases`, `permissions`,
//! `event_invoke`, `concurrency` and `resolution`. The operations' parameters live in
//! [`crate::lambda::input`].
//!
//! <https://docs.aws.amazon.com/lambda/latest/dg/configuration-versions.html>

mod account;
mod aliases;
mod concurrency;
mod event_invoke;
mod functions;
mod lifecycle;
mod permissions;
mod resolution;
mod scope;
mod store;
mod tags;
mod validate;
mod versions;

#[cfg(test)]
mod tests;

pub use account::AccountUsage;
pub use concurrency::{ACCOUNT_CONCURRENCY_LIMIT, MIN_UNRESERVED_CONCURRENCY};
pub use functions::FunctionView;
pub use resolution::Resolved;
pub use scope::Scope;
pub use store::{MAX_PAGE, Registry};

pub use crate::lambda::input::{AliasInput, AliasUpdate, CodeUpdate, ConfigUpdate, CreateFunction};
