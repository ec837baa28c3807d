//! IAM roles over the Query protocol (API version 2010-05-08), stored per account, minimal and
//! honest: CreateRole, GetRole, DeleteRole, ListRoles, AttachRolePolicy, DetachRolePolicy,
//! ListAttachedRolePolicies, PutRolePolicy, GetRolePolicy, DeleteRolePolicy,
//! ListRolePolicies, TagRole, UntagRole, ListRoleTags, UpdateRole, UpdateRoleDescription,
//! UpdateAssumeRolePolicy and ListInstanceProfilesForRole (always empty: instance profiles are
//! not simulated), in AWS's shapes and with IAM's errors.
//!
//! Nothing here is enforced: a role's trust and permission policies are stored and returned,
//! never evaluated (s3lambda's credentials are root keys, and Lambda runs whatever role ARN a
//! function names). Managed policies are not simulated: attaching one records its ARN.
//! <https://docs.aws.amazon.com/IAM/latest/APIReference/API_Operations.html>

mod ops;
mod role;
mod validate;

use std::collections::{BTreeMap, HashMap};

use bytes::Bytes;
use parking_lot::RwLock;

pub use role::{Rendering, Role, encode_policy};

use super::query::{QueryError, QueryRequest};

/// The XML namespace of IAM responses.
pub const NAMESPACE: &str = "https://iam.amazonaws.com/doc/2010-05-08/";
/// The API version.
pub const VERSION: &str = "2010-05-08";

/// The roles of every account: account → lower-cased role name → role (IAM role names are
/// unique regardless of case).
#[derive(Debug, Default)]
pub struct IamStore {
    accounts: RwLock<HashMap<String, BTreeMap<String, Role>>>,
}

impl IamStore {
    /// Serves one IAM request in the caller's account.
    pub fn handle(&self, req: &QueryRequest) -> Result<http::Response<Bytes>, QueryError> {
        let action = req.action().unwrap_or_default();
        tracing::debug!(action, account = %req.account_id, "iam request");
        match action {
            "CreateRole" => self.create_role(req),
            "GetRole" => self.get_role(req),
            "DeleteRole" => self.delete_role(req),
            "ListRoles" => self.list_roles(req),
            "AttachRolePolicy" => self.attach_role_policy(req),
            "DetachRolePolicy" => self.detach_role_policy(req),
            "ListAttachedRolePolicies" => self.list_attached_role_policies(req),
            "PutRolePolicy" => self.put_role_policy(req),
            "GetRolePolicy" => self.get_role_policy(req),
            "DeleteRolePolicy" => self.delete_role_policy(req),
            "ListRolePolicies" => self.list_role_policies(req),
            "TagRole" => self.tag_role(req),
            "UntagRole" => self.untag_role(req),
            "ListRoleTags" => self.list_role_tags(req),
            "UpdateRole" => self.update_role(req),
            "UpdateRoleDescription" => self.update_role_description(req),
            "UpdateAssumeRolePolicy" => self.update_assume_role_policy(req),
            "ListInstanceProfilesForRole" => self.list_instance_profiles_for_role(req),
            _ => Err(QueryError::invalid_action("iam", action, VERSION)),
        }
    }

    /// A copy of one role, by name (any case), for callers outside the API.
    pub fn role(&self, account: &str, name: &str) -> Option<Role> {
        self.accounts
            .read()
            .get(account)
            .and_then(|roles| roles.get(&name.to_lowercase()))
            .cloned()
    }

    /// Forgets every role of every account.
    pub fn clear(&self) {
        self.accounts.write().clear();
    }

    fn read<R>(&self, account: &str, f: impl FnOnce(Option<&BTreeMap<String, Role>>) -> R) -> R {
        f(self.accounts.read().get(account))
    }

    fn write<R>(&self, account: &str, f: impl FnOnce(&mut BTreeMap<String, Role>) -> R) -> R {
        f(self.accounts.write().entry(account.to_owned()).or_default())
    }
}

#[cfg(test)]
mod tests;
