//! Resource-based policies: statements as AddPermission builds them, one document per
//! qualifier scope, and their evaluation with a reason.

mod compiled;
pub mod eval;
pub mod statement;

pub use compiled::CompiledPolicy;
pub use eval::{Caller, Decision, RequestContext, authorize, evaluate, explain_other_scopes};
pub use statement::{PermissionRequest, Policy, Principal, Statement, build_statement};
