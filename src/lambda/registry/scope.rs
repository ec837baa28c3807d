//! The scope a function reference names: the unqualified function, or one qualifier
//! (`$LATEST`, a published version, an alias). Policies and event invoke configurations are
//! kept per scope.

use std::fmt;

use crate::arn::{FunctionRef, Qualifier};

/// The scope of a function reference.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Scope {
    /// The function without a qualifier.
    Unqualified,
    /// The function with a qualifier.
    Qualified(Qualifier),
}

impl Scope {
    /// The scope a reference names, as written (`…:$LATEST` stays qualified).
    pub fn of(r: &FunctionRef) -> Self {
        r.qualifier_kind()
            .map_or(Self::Unqualified, Self::Qualified)
    }

    /// The scope whose resource policy Lambda checks: `$LATEST` has no policy of its own
    /// (AddPermission refuses it), the unqualified function's covers it.
    #[must_use]
    pub fn policy_scope(self) -> Self {
        match self {
            Self::Qualified(Qualifier::Latest) => Self::Unqualified,
            s => s,
        }
    }

    /// The qualifier this scope runs: `$LATEST` for the unqualified function.
    pub fn qualifier(&self) -> Qualifier {
        match self {
            Self::Unqualified => Qualifier::Latest,
            Self::Qualified(q) => q.clone(),
        }
    }

    /// True for the unqualified function.
    pub fn is_unqualified(&self) -> bool {
        *self == Self::Unqualified
    }
}

/// The qualifier, or nothing for the unqualified function.
impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Unqualified => Ok(()),
            Self::Qualified(q) => q.fmt(f),
        }
    }
}
