//! Resource-based policies: statements as AddPermission builds them, one document per
//! qualifier scope, their evaluation, and the words of every decision and refusal.

mod compiled;
mod context;
pub mod eval;
pub mod reason;
pub mod statement;

pub use compiled::CompiledPolicy;
pub use context::{Caller, Decision, INVOKE_FUNCTION, RequestContext, S3_PRINCIPAL};
pub use eval::{authorize, authorize_with, evaluate, explain_other_scopes};
pub use reason::{Refusal, Unresolved, scope_label};
pub use statement::{PermissionRequest, Policy, Principal, Statement, build_statement};
