//! The IAM role operations: read the parameters, check them as IAM does, change the store,
//! render the answer.

use std::collections::BTreeMap;

use bytes::Bytes;
use http::StatusCode;
use rand::Rng as _;

use super::role::{Rendering, Role, encode_policy, render_tags};
use super::validate::{self, required};
use super::{IamStore, NAMESPACE};
use crate::services::query::{QueryError, QueryRequest, element, respond};

/// Managed policies one role may have attached (IAM's default quota).
const MAX_ATTACHED: usize = 10;
/// Default and largest page of a list operation.
const DEFAULT_MAX_ITEMS: usize = 100;
const MAX_ITEMS: usize = 1000;

type Answer = Result<http::Response<Bytes>, QueryError>;

fn no_role(name: &str) -> QueryError {
    QueryError::sender(
        "NoSuchEntity",
        StatusCode::NOT_FOUND,
        format!("The role with name {name} cannot be found."),
    )
}

fn conflict(message: &str) -> QueryError {
    QueryError::sender("DeleteConflict", StatusCode::CONFLICT, message)
}

/// `AROA` and 17 upper-case letters and digits: the form of an IAM role's unique id.
fn role_id() -> String {
    const CHARS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut rng = rand::rng();
    let tail: String = (0..17)
        .map(|_| char::from(CHARS[rng.random_range(0..CHARS.len())]))
        .collect();
    format!("AROA{tail}")
}

fn now_iso() -> String {
    let format =
        time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
    time::OffsetDateTime::now_utc()
        .format(&format)
        .unwrap_or_default()
}

fn role_name(req: &QueryRequest) -> Result<&str, QueryError> {
    let name = required(req.param("RoleName"), "roleName")?;
    validate::role_name(name)?;
    Ok(name)
}

/// `MaxItems` (1–1000, default 100) and the `Marker` to resume after.
fn page(req: &QueryRequest) -> Result<(usize, Option<&str>), QueryError> {
    let max = match req.param("MaxItems") {
        None => DEFAULT_MAX_ITEMS,
        Some(v) => match v.parse::<usize>() {
            Ok(n) if (1..=MAX_ITEMS).contains(&n) => n,
            _ => {
                return Err(QueryError::validation(format!(
                    "1 validation error detected: Value '{v}' at 'maxItems' failed to satisfy constraint: Member must have value between 1 and {MAX_ITEMS}"
                )));
            }
        },
    };
    Ok((max, req.param("Marker")))
}

/// One page of `items` after `marker` in key order, as `(page, next marker)`. The items are
/// sorted here: a marker is a key, so the order must be the keys' whatever the caller's.
fn paginate<T>(
    mut items: Vec<(String, T)>,
    marker: Option<&str>,
    max: usize,
) -> (Vec<T>, Option<String>) {
    items.sort_by(|a, b| a.0.cmp(&b.0));
    let start = marker.map_or(0, |m| items.partition_point(|(k, _)| k.as_str() <= m));
    let mut page: Vec<(String, T)> = items.into_iter().skip(start).take(max + 1).collect();
    let next = if page.len() > max {
        page.truncate(max);
        page.last().map(|(k, _)| k.clone())
    } else {
        None
    };
    (page.into_iter().map(|(_, t)| t).collect(), next)
}

/// IAM's default quota of roles per account.
const MAX_ROLES: usize = 1000;
/// IAM's quota on the inline policies of one role, together, in characters.
const MAX_INLINE_CHARS: usize = 10_240;

/// IAM's `LimitExceeded` (409).
fn limit_exceeded(message: String) -> QueryError {
    QueryError::sender("LimitExceeded", StatusCode::CONFLICT, message)
}

fn truncation(out: &mut String, next: Option<String>) {
    element(
        out,
        4,
        "IsTruncated",
        if next.is_some() { "true" } else { "false" },
    );
    if let Some(marker) = next {
        element(out, 4, "Marker", &marker);
    }
}

fn role_result(role: &Role, rendering: Rendering) -> String {
    format!("    <Role>\n{}    </Role>\n", role.render(6, rendering))
}

impl IamStore {
    pub(super) fn create_role(&self, req: &QueryRequest) -> Answer {
        let name = role_name(req)?;
        let policy = required(
            req.param("AssumeRolePolicyDocument"),
            "assumeRolePolicyDocument",
        )?;
        validate::trust_policy(policy)?;
        let path = req.param("Path").unwrap_or("/");
        validate::path(path)?;
        let description = req.param("Description");
        check_description(description)?;
        let max_session_duration = req
            .param("MaxSessionDuration")
            .map_or(Ok(3600), session_duration)?;
        let tags = req.tags("Tags");
        validate::tags(&tags)?;
        if req.param("PermissionsBoundary").is_some() {
            return Err(QueryError::validation(
                "s3lambda does not simulate managed policies: create the role without PermissionsBoundary.",
            ));
        }
        let role = Role {
            name: name.to_owned(),
            path: path.to_owned(),
            id: role_id(),
            arn: format!("arn:aws:iam::{}:role{path}{name}", req.account_id),
            create_date: now_iso(),
            assume_role_policy: policy.to_owned(),
            description: description.map(str::to_owned),
            max_session_duration,
            tags,
            attached: Vec::new(),
            inline: BTreeMap::new(),
        };
        let result = role_result(&role, Rendering::Created);
        self.write(&req.account_id, |roles| {
            let key = name.to_lowercase();
            if roles.contains_key(&key) {
                return Err(QueryError::sender(
                    "EntityAlreadyExists",
                    StatusCode::CONFLICT,
                    format!("Role with name {name} already exists."),
                ));
            }
            if roles.len() >= MAX_ROLES {
                return Err(limit_exceeded(format!(
                    "Cannot exceed quota for RolesPerAccount: {MAX_ROLES}"
                )));
            }
            roles.insert(key, role);
            Ok(())
        })?;
        Ok(respond(
            "CreateRole",
            NAMESPACE,
            Some(&result),
            &req.request_id,
        ))
    }

    /// Runs `f` on a role of the caller's account, or answers NoSuchEntity.
    fn with_role<R>(
        &self,
        req: &QueryRequest,
        name: &str,
        f: impl FnOnce(&Role) -> R,
    ) -> Result<R, QueryError> {
        self.read(&req.account_id, |roles| {
            roles
                .and_then(|r| r.get(&name.to_lowercase()))
                .map(f)
                .ok_or_else(|| no_role(name))
        })
    }

    /// Runs `f` on a role of the caller's account for changing it, or answers NoSuchEntity.
    fn with_role_mut<R>(
        &self,
        req: &QueryRequest,
        name: &str,
        f: impl FnOnce(&mut Role) -> Result<R, QueryError>,
    ) -> Result<R, QueryError> {
        self.write(&req.account_id, |roles| {
            roles
                .get_mut(&name.to_lowercase())
                .ok_or_else(|| no_role(name))
                .and_then(f)
        })
    }

    pub(super) fn get_role(&self, req: &QueryRequest) -> Answer {
        let name = role_name(req)?;
        let result = self.with_role(req, name, |role| role_result(role, Rendering::Full))?;
        Ok(respond(
            "GetRole",
            NAMESPACE,
            Some(&result),
            &req.request_id,
        ))
    }

    pub(super) fn delete_role(&self, req: &QueryRequest) -> Answer {
        let name = role_name(req)?;
        self.write(&req.account_id, |roles| {
            let key = name.to_lowercase();
            let role = roles.get(&key).ok_or_else(|| no_role(name))?;
            if !role.attached.is_empty() {
                return Err(conflict(
                    "Cannot delete entity, must detach all policies first.",
                ));
            }
            if !role.inline.is_empty() {
                return Err(conflict(
                    "Cannot delete entity, must delete policies first.",
                ));
            }
            roles.remove(&key);
            Ok(())
        })?;
        Ok(respond("DeleteRole", NAMESPACE, None, &req.request_id))
    }

    pub(super) fn list_roles(&self, req: &QueryRequest) -> Answer {
        let prefix = req.param("PathPrefix").unwrap_or("/");
        let (max, marker) = page(req)?;
        let roles: Vec<(String, String)> = self.read(&req.account_id, |roles| {
            roles
                .into_iter()
                .flat_map(|r| r.iter())
                .filter(|(_, role)| role.path.starts_with(prefix))
                .map(|(key, role)| {
                    let member = format!(
                        "      <member>\n{}      </member>\n",
                        role.render(8, Rendering::Listed)
                    );
                    (key.clone(), member)
                })
                .collect()
        });
        let (members, next) = paginate(roles, marker, max);
        let mut result = String::new();
        truncation(&mut result, next);
        result.push_str("    <Roles>\n");
        for member in members {
            result.push_str(&member);
        }
        result.push_str("    </Roles>\n");
        Ok(respond(
            "ListRoles",
            NAMESPACE,
            Some(&result),
            &req.request_id,
        ))
    }

    pub(super) fn attach_role_policy(&self, req: &QueryRequest) -> Answer {
        let name = role_name(req)?;
        let arn = required(req.param("PolicyArn"), "policyArn")?;
        validate::policy_arn(arn)?;
        let owner = arn.split(':').nth(4).unwrap_or_default();
        if owner != "aws" && owner != req.account_id {
            return Err(QueryError::sender(
                "NoSuchEntity",
                StatusCode::NOT_FOUND,
                format!("Policy {arn} does not exist or is not attachable."),
            ));
        }
        self.with_role_mut(req, name, |role| {
            if role.attached.iter().any(|a| a == arn) {
                return Ok(());
            }
            if role.attached.len() >= MAX_ATTACHED {
                return Err(limit_exceeded(format!(
                    "Cannot exceed quota for PoliciesPerRole: {MAX_ATTACHED}"
                )));
            }
            role.attached.push(arn.to_owned());
            Ok(())
        })?;
        Ok(respond(
            "AttachRolePolicy",
            NAMESPACE,
            None,
            &req.request_id,
        ))
    }

    pub(super) fn detach_role_policy(&self, req: &QueryRequest) -> Answer {
        let name = role_name(req)?;
        let arn = required(req.param("PolicyArn"), "policyArn")?;
        validate::policy_arn(arn)?;
        self.with_role_mut(req, name, |role| {
            let before = role.attached.len();
            role.attached.retain(|a| a != arn);
            if role.attached.len() == before {
                return Err(QueryError::sender(
                    "NoSuchEntity",
                    StatusCode::NOT_FOUND,
                    format!("Policy {arn} was not found."),
                ));
            }
            Ok(())
        })?;
        Ok(respond(
            "DetachRolePolicy",
            NAMESPACE,
            None,
            &req.request_id,
        ))
    }

    pub(super) fn list_attached_role_policies(&self, req: &QueryRequest) -> Answer {
        let name = role_name(req)?;
        let prefix = req.param("PathPrefix").unwrap_or("/");
        let (max, marker) = page(req)?;
        let attached = self.with_role(req, name, |role| role.attached.clone())?;
        let items: Vec<(String, (String, String))> = attached
            .into_iter()
            .filter_map(|arn| {
                let resource = arn.split(':').nth(5)?.strip_prefix("policy")?.to_owned();
                let policy = validate::policy_arn(&arn).ok()?.to_owned();
                resource
                    .starts_with(prefix)
                    .then(|| (arn.clone(), (policy, arn)))
            })
            .collect();
        let (page, next) = paginate(items, marker, max);
        let mut result = String::new();
        result.push_str("    <AttachedPolicies>\n");
        for (policy, arn) in page {
            result.push_str("      <member>\n");
            element(&mut result, 8, "PolicyName", &policy);
            element(&mut result, 8, "PolicyArn", &arn);
            result.push_str("      </member>\n");
        }
        result.push_str("    </AttachedPolicies>\n");
        truncation(&mut result, next);
        Ok(respond(
            "ListAttachedRolePolicies",
            NAMESPACE,
            Some(&result),
            &req.request_id,
        ))
    }

    pub(super) fn put_role_policy(&self, req: &QueryRequest) -> Answer {
        let name = role_name(req)?;
        let policy = required(req.param("PolicyName"), "policyName")?;
        validate::policy_name(policy)?;
        let document = required(req.param("PolicyDocument"), "policyDocument")?;
        validate::document(document, "policyDocument")?;
        self.with_role_mut(req, name, |role| {
            // IAM's quota: the inline policies of a role together, in characters.
            let others: usize = role
                .inline
                .iter()
                .filter(|(n, _)| n.as_str() != policy)
                .map(|(_, d)| d.chars().count())
                .sum();
            if others + document.chars().count() > MAX_INLINE_CHARS {
                return Err(limit_exceeded(format!(
                    "Maximum policy size of {MAX_INLINE_CHARS} bytes exceeded for role {}",
                    role.name
                )));
            }
            role.inline.insert(policy.to_owned(), document.to_owned());
            Ok(())
        })?;
        Ok(respond("PutRolePolicy", NAMESPACE, None, &req.request_id))
    }

    fn no_inline(policy: &str) -> QueryError {
        QueryError::sender(
            "NoSuchEntity",
            StatusCode::NOT_FOUND,
            format!("The role policy with name {policy} cannot be found."),
        )
    }

    pub(super) fn get_role_policy(&self, req: &QueryRequest) -> Answer {
        let name = role_name(req)?;
        let policy = required(req.param("PolicyName"), "policyName")?;
        validate::policy_name(policy)?;
        let (role_name, document) = self.with_role(req, name, |role| {
            (role.name.clone(), role.inline.get(policy).cloned())
        })?;
        let document = document.ok_or_else(|| Self::no_inline(policy))?;
        let mut result = String::new();
        element(&mut result, 4, "RoleName", &role_name);
        element(&mut result, 4, "PolicyName", policy);
        element(&mut result, 4, "PolicyDocument", &encode_policy(&document));
        Ok(respond(
            "GetRolePolicy",
            NAMESPACE,
            Some(&result),
            &req.request_id,
        ))
    }

    pub(super) fn delete_role_policy(&self, req: &QueryRequest) -> Answer {
        let name = role_name(req)?;
        let policy = required(req.param("PolicyName"), "policyName")?;
        validate::policy_name(policy)?;
        self.with_role_mut(req, name, |role| {
            role.inline
                .remove(policy)
                .map(drop)
                .ok_or_else(|| Self::no_inline(policy))
        })?;
        Ok(respond(
            "DeleteRolePolicy",
            NAMESPACE,
            None,
            &req.request_id,
        ))
    }

    pub(super) fn list_role_policies(&self, req: &QueryRequest) -> Answer {
        let name = role_name(req)?;
        let (max, marker) = page(req)?;
        let names: Vec<(String, String)> = self.with_role(req, name, |role| {
            role.inline.keys().map(|k| (k.clone(), k.clone())).collect()
        })?;
        let (page, next) = paginate(names, marker, max);
        let mut result = String::new();
        result.push_str("    <PolicyNames>\n");
        for policy in page {
            element(&mut result, 6, "member", &policy);
        }
        result.push_str("    </PolicyNames>\n");
        truncation(&mut result, next);
        Ok(respond(
            "ListRolePolicies",
            NAMESPACE,
            Some(&result),
            &req.request_id,
        ))
    }

    pub(super) fn tag_role(&self, req: &QueryRequest) -> Answer {
        let name = role_name(req)?;
        let tags = req.tags("Tags");
        validate::tags(&tags)?;
        self.with_role_mut(req, name, |role| {
            let mut merged = role.tags.clone();
            for (key, value) in tags {
                match merged
                    .iter_mut()
                    .find(|(k, _)| k.eq_ignore_ascii_case(&key))
                {
                    Some(existing) => existing.1 = value,
                    None => merged.push((key, value)),
                }
            }
            validate::tags(&merged)?;
            role.tags = merged;
            Ok(())
        })?;
        Ok(respond("TagRole", NAMESPACE, None, &req.request_id))
    }

    pub(super) fn untag_role(&self, req: &QueryRequest) -> Answer {
        let name = role_name(req)?;
        let keys = req.members("TagKeys");
        self.with_role_mut(req, name, |role| {
            role.tags
                .retain(|(k, _)| !keys.iter().any(|key| key.eq_ignore_ascii_case(k)));
            Ok(())
        })?;
        Ok(respond("UntagRole", NAMESPACE, None, &req.request_id))
    }

    pub(super) fn list_role_tags(&self, req: &QueryRequest) -> Answer {
        let name = role_name(req)?;
        let tags = self.with_role(req, name, |role| role.tags.clone())?;
        let mut result = if tags.is_empty() {
            "    <Tags/>\n".to_owned()
        } else {
            render_tags(4, &tags)
        };
        element(&mut result, 4, "IsTruncated", "false");
        Ok(respond(
            "ListRoleTags",
            NAMESPACE,
            Some(&result),
            &req.request_id,
        ))
    }

    /// `UpdateRole`: the description and the maximum session duration.
    pub(super) fn update_role(&self, req: &QueryRequest) -> Answer {
        let name = role_name(req)?;
        let description = req.param("Description").map(str::to_owned);
        check_description(description.as_deref())?;
        let duration = req
            .param("MaxSessionDuration")
            .map(session_duration)
            .transpose()?;
        self.with_role_mut(req, name, |role| {
            if let Some(d) = description {
                role.description = Some(d);
            }
            if let Some(d) = duration {
                role.max_session_duration = d;
            }
            Ok(())
        })?;
        Ok(respond("UpdateRole", NAMESPACE, Some(""), &req.request_id))
    }

    /// `UpdateRoleDescription`: answers the role as CreateRole renders it.
    pub(super) fn update_role_description(&self, req: &QueryRequest) -> Answer {
        let name = role_name(req)?;
        let description = required(req.param("Description"), "description")?;
        check_description(Some(description))?;
        let result = self.with_role_mut(req, name, |role| {
            role.description = Some(description.to_owned());
            Ok(role_result(role, Rendering::Created))
        })?;
        Ok(respond(
            "UpdateRoleDescription",
            NAMESPACE,
            Some(&result),
            &req.request_id,
        ))
    }

    /// `UpdateAssumeRolePolicy`: a new trust policy, checked as CreateRole checks it.
    pub(super) fn update_assume_role_policy(&self, req: &QueryRequest) -> Answer {
        let name = role_name(req)?;
        let document = required(req.param("PolicyDocument"), "policyDocument")?;
        validate::trust_policy(document)?;
        self.with_role_mut(req, name, |role| {
            document.clone_into(&mut role.assume_role_policy);
            Ok(())
        })?;
        Ok(respond(
            "UpdateAssumeRolePolicy",
            NAMESPACE,
            None,
            &req.request_id,
        ))
    }

    /// `ListInstanceProfilesForRole`: always empty (instance profiles are not simulated);
    /// deploy tools call it before deleting a role.
    pub(super) fn list_instance_profiles_for_role(&self, req: &QueryRequest) -> Answer {
        let name = role_name(req)?;
        self.with_role(req, name, |_| ())?;
        let mut result = "    <InstanceProfiles/>\n".to_owned();
        element(&mut result, 4, "IsTruncated", "false");
        Ok(respond(
            "ListInstanceProfilesForRole",
            NAMESPACE,
            Some(&result),
            &req.request_id,
        ))
    }
}

fn check_description(description: Option<&str>) -> Result<(), QueryError> {
    if description.is_some_and(|d| d.chars().count() > 1000) {
        return Err(QueryError::validation(
            "1 validation error detected: Value at 'description' failed to satisfy constraint: Member must have length less than or equal to 1000",
        ));
    }
    Ok(())
}

fn session_duration(v: &str) -> Result<u32, QueryError> {
    v.parse::<u32>()
        .ok()
        .filter(|d| (3600..=43200).contains(d))
        .ok_or_else(|| {
            QueryError::validation(format!(
                "1 validation error detected: Value '{v}' at 'maxSessionDuration' failed to satisfy constraint: Member must have value between 3600 and 43200"
            ))
        })
}
