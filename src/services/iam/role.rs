//! An IAM role as s3lambda stores it, and its XML renderings (CreateRole's, GetRole's and
//! ListRoles' members differ in which fields they carry).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use crate::services::query::element;

/// What IAM leaves unencoded in a policy document it returns: RFC 3986's unreserved
/// characters (`%7B%22Version%22%3A…`; clients URL-decode it).
const POLICY_ENCODE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// One stored role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Role {
    /// The name as created (names are unique regardless of case).
    pub name: String,
    /// The path, `/` by default.
    pub path: String,
    /// `AROA` and 17 characters.
    pub id: String,
    /// `arn:aws:iam::{account}:role{path}{name}`.
    pub arn: String,
    /// ISO 8601, seconds, UTC.
    pub create_date: String,
    /// The trust policy, as sent.
    pub assume_role_policy: String,
    /// The description, if any.
    pub description: Option<String>,
    /// The maximum session duration in seconds (3600 by default).
    pub max_session_duration: u32,
    /// Tags, in the order given.
    pub tags: Vec<(String, String)>,
    /// Attached managed policy ARNs, in attachment order.
    pub attached: Vec<String>,
    /// Inline policies: name → document as sent.
    pub inline: BTreeMap<String, String>,
}

/// Which operation's rendering of a role.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rendering {
    /// CreateRole: no `MaxSessionDuration`, no `RoleLastUsed`.
    Created,
    /// GetRole: everything, with an empty `RoleLastUsed`.
    Full,
    /// A ListRoles member: `MaxSessionDuration`, no tags, no `RoleLastUsed`.
    Listed,
}

/// A policy document as IAM returns it: URL-encoded.
pub fn encode_policy(document: &str) -> String {
    utf8_percent_encode(document, POLICY_ENCODE).to_string()
}

impl Role {
    /// The role's fields as XML elements at `indent` spaces.
    pub fn render(&self, indent: usize, rendering: Rendering) -> String {
        let mut out = String::new();
        element(&mut out, indent, "Path", &self.path);
        element(
            &mut out,
            indent,
            "AssumeRolePolicyDocument",
            &encode_policy(&self.assume_role_policy),
        );
        if rendering != Rendering::Created {
            element(
                &mut out,
                indent,
                "MaxSessionDuration",
                &self.max_session_duration.to_string(),
            );
        }
        element(&mut out, indent, "RoleId", &self.id);
        element(&mut out, indent, "RoleName", &self.name);
        if let Some(description) = &self.description {
            element(&mut out, indent, "Description", description);
        }
        element(&mut out, indent, "Arn", &self.arn);
        element(&mut out, indent, "CreateDate", &self.create_date);
        if rendering == Rendering::Full {
            let _ = writeln!(out, "{:indent$}<RoleLastUsed/>", "", indent = indent);
        }
        if rendering != Rendering::Listed && !self.tags.is_empty() {
            out.push_str(&render_tags(indent, &self.tags));
        }
        out
    }
}

/// `<Tags><member><Key/><Value/></member>…</Tags>` at `indent` spaces.
pub fn render_tags(indent: usize, tags: &[(String, String)]) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{:indent$}<Tags>", "", indent = indent);
    for (key, value) in tags {
        let _ = writeln!(out, "{:w$}<member>", "", w = indent + 2);
        element(&mut out, indent + 4, "Key", key);
        element(&mut out, indent + 4, "Value", value);
        let _ = writeln!(out, "{:w$}</member>", "", w = indent + 2);
    }
    let _ = writeln!(out, "{:indent$}</Tags>", "", indent = indent);
    out
}
