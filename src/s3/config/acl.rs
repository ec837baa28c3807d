//! Access control lists of buckets and objects: canned ACLs (`x-amz-acl`), grant headers
//! (`x-amz-grant-*`) and `<AccessControlPolicy>` bodies, stored and returned with the owner.
//! Stored only: access is still decided by the owner-only rule.
//!
//! With `BucketOwnerEnforced` ownership (a new bucket's default) ACLs are disabled: reads
//! work, and a write that grants anything beyond the owner's full control is refused with
//! `AccessControlListNotSupported`
//! (<https://docs.aws.amazon.com/AmazonS3/latest/userguide/about-object-ownership.html>). With
//! `BlockPublicAcls` on (the default), a public grant is `AccessDenied`. Errors as AWS
//! answered them (localstack `test_s3.snapshot.json`, `test_s3_bucket_acl_exceptions`,
//! recorded against AWS).

use std::fmt::Write as _;

use http::StatusCode;

use super::tree;
use crate::s3::store::Owner;
use crate::s3::{S3Error, S3ErrorCode, S3Request};
use crate::xml::escape;

const ALL_USERS: &str = "http://acs.amazonaws.com/groups/global/AllUsers";
const AUTHENTICATED_USERS: &str = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers";
const LOG_DELIVERY: &str = "http://acs.amazonaws.com/groups/s3/LogDelivery";
const GROUPS: &[&str] = &[ALL_USERS, AUTHENTICATED_USERS, LOG_DELIVERY];
const PERMISSIONS: &[&str] = &["FULL_CONTROL", "WRITE", "WRITE_ACP", "READ", "READ_ACP"];
const GRANT_HEADERS: &[(&str, &str)] = &[
    ("x-amz-grant-full-control", "FULL_CONTROL"),
    ("x-amz-grant-write", "WRITE"),
    ("x-amz-grant-write-acp", "WRITE_ACP"),
    ("x-amz-grant-read", "READ"),
    ("x-amz-grant-read-acp", "READ_ACP"),
];

/// Who a grant is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Grantee {
    /// A canonical user id.
    User(String),
    /// A predefined group's URI.
    Group(String),
}

/// One grant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Grant {
    /// The grantee.
    pub grantee: Grantee,
    /// `FULL_CONTROL`, `WRITE`, `WRITE_ACP`, `READ` or `READ_ACP`.
    pub permission: String,
}

/// An access control list (the owner is the bucket's or object's own).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Acl {
    /// The grants, in order.
    pub grants: Vec<Grant>,
}

impl Acl {
    /// `private`: the owner's full control.
    pub(crate) fn private(owner: &Owner) -> Self {
        Self {
            grants: vec![full_control(owner)],
        }
    }

    /// Whether the list grants nothing beyond the owner's full control.
    fn owner_only(&self, owner: &Owner) -> bool {
        self.grants.iter().all(|g| *g == full_control(owner))
    }

    /// Whether a grant goes to everyone or to every AWS user.
    fn is_public(&self) -> bool {
        self.grants.iter().any(|g| {
            matches!(&g.grantee, Grantee::Group(u) if u == ALL_USERS || u == AUTHENTICATED_USERS)
        })
    }
}

fn full_control(owner: &Owner) -> Grant {
    Grant {
        grantee: Grantee::User(owner.canonical_id.clone()),
        permission: "FULL_CONTROL".to_owned(),
    }
}

fn group(uri: &str, permission: &str) -> Grant {
    Grant {
        grantee: Grantee::Group(uri.to_owned()),
        permission: permission.to_owned(),
    }
}

/// The grants of a canned ACL, or `None` for an unknown name.
fn canned(name: &str, owner: &Owner) -> Option<Acl> {
    let mut acl = Acl::private(owner);
    match name {
        "private" | "bucket-owner-read" | "bucket-owner-full-control" | "aws-exec-read" => {}
        "public-read" => acl.grants.push(group(ALL_USERS, "READ")),
        "public-read-write" => {
            acl.grants.push(group(ALL_USERS, "READ"));
            acl.grants.push(group(ALL_USERS, "WRITE"));
        }
        "authenticated-read" => acl.grants.push(group(AUTHENTICATED_USERS, "READ")),
        "log-delivery-write" => {
            acl.grants.push(group(LOG_DELIVERY, "WRITE"));
            acl.grants.push(group(LOG_DELIVERY, "READ_ACP"));
        }
        _ => return None,
    }
    Some(acl)
}

fn invalid(message: &str, name: &str, value: &str) -> S3Error {
    S3Error::invalid_argument(message, name, value)
}

fn is_canonical_id(id: &str) -> bool {
    id.len() == 64 && id.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The `x-amz-grant-*` headers as grants (`None` when there are none).
fn header_grants(req: &S3Request) -> Result<Option<Acl>, S3Error> {
    let mut grants = Vec::new();
    let mut any = false;
    for (header, permission) in GRANT_HEADERS {
        let Some(value) = req.header(header) else {
            continue;
        };
        any = true;
        for item in value.split(',').map(str::trim).filter(|i| !i.is_empty()) {
            let (key, raw) = item.split_once('=').unwrap_or((item, ""));
            let v = raw.trim().trim_matches('"');
            let grantee = match key.trim() {
                "id" if is_canonical_id(v) => Grantee::User(v.to_owned()),
                "id" => return Err(invalid("Invalid id", "id", v)),
                "uri" if GROUPS.contains(&v) => Grantee::Group(v.to_owned()),
                "uri" => return Err(invalid("Invalid group uri", "uri", v)),
                _ => return Err(invalid("Argument format not recognized", header, item)),
            };
            grants.push(Grant {
                grantee,
                permission: (*permission).to_owned(),
            });
        }
    }
    Ok(any.then_some(Acl { grants }))
}

fn malformed_acl() -> S3Error {
    S3Error::new(
        S3ErrorCode::MalformedACLError,
        StatusCode::BAD_REQUEST,
        "The XML you provided was not well-formed or did not validate against our published schema",
    )
}

/// An `<AccessControlPolicy>` body as grants.
fn body_grants(body: &[u8]) -> Result<Acl, S3Error> {
    let doc = tree::parse(body, "AccessControlPolicy").ok_or_else(malformed_acl)?;
    let list = doc.child("AccessControlList").ok_or_else(malformed_acl)?;
    if doc.child("Owner").and_then(|o| o.text_of("ID")).is_none() {
        return Err(malformed_acl());
    }
    let mut grants = Vec::new();
    for g in list.all("Grant") {
        let grantee = g.child("Grantee").ok_or_else(malformed_acl)?;
        let permission = g
            .text_of("Permission")
            .filter(|p| PERMISSIONS.contains(p))
            .ok_or_else(malformed_acl)?;
        let grantee = match (
            grantee.attr("type"),
            grantee.text_of("ID"),
            grantee.text_of("URI"),
        ) {
            (Some("CanonicalUser"), Some(id), _) if is_canonical_id(id) => {
                Grantee::User(id.to_owned())
            }
            (Some("CanonicalUser"), Some(id), _) => {
                return Err(invalid("Invalid id", "CanonicalUser/ID", id));
            }
            (Some("Group"), _, Some(uri)) if GROUPS.contains(&uri) => {
                Grantee::Group(uri.to_owned())
            }
            (Some("Group"), _, Some(uri)) => {
                return Err(invalid("Invalid group uri", "Group/URI", uri));
            }
            _ => return Err(malformed_acl()),
        };
        grants.push(Grant {
            grantee,
            permission: permission.to_owned(),
        });
    }
    Ok(Acl { grants })
}

/// Reads the ACL a PutBucketAcl/PutObjectAcl request sets, and checks it against the
/// bucket's ownership (`acls_disabled`) and Block Public Access (`blocks_public`).
pub(crate) fn requested(
    req: &S3Request,
    owner: &Owner,
    acls_disabled: bool,
    blocks_public: bool,
) -> Result<Acl, S3Error> {
    let canned_name = req.header("x-amz-acl");
    let grants = header_grants(req)?;
    let acl = match (canned_name, grants, req.body.is_empty()) {
        (Some(_), Some(_), _) => {
            return Err(S3Error::invalid_request(
                "Specifying both Canned ACLs and Header Grants is not allowed",
            ));
        }
        (Some(_), None, false) | (None, Some(_), false) => {
            return Err(S3Error::new(
                S3ErrorCode::UnexpectedContent,
                StatusCode::BAD_REQUEST,
                "This request does not support content",
            ));
        }
        (Some(name), None, true) => {
            canned(name, owner).ok_or_else(|| invalid("", "x-amz-acl", name))?
        }
        (None, Some(acl), true) => acl,
        (None, None, false) => body_grants(&req.body)?,
        (None, None, true) => {
            return Err(S3Error::new(
                S3ErrorCode::MissingSecurityHeader,
                StatusCode::BAD_REQUEST,
                "Your request was missing a required header",
            )
            .with_extra("MissingHeaderName", "x-amz-acl"));
        }
    };
    if acls_disabled && !acl.owner_only(owner) {
        return Err(S3Error::new(
            S3ErrorCode::AccessControlListNotSupported,
            StatusCode::BAD_REQUEST,
            "The bucket does not allow ACLs",
        ));
    }
    if blocks_public && acl.is_public() {
        return Err(S3Error::access_denied());
    }
    Ok(acl)
}

/// `<AccessControlPolicy>` with the owner and the grants.
pub(crate) fn render(acl: &Acl, owner: &Owner) -> String {
    let mut s = String::from(r#"<?xml version="1.0" encoding="UTF-8"?>"#);
    let _ = write!(
        s,
        r#"<AccessControlPolicy xmlns="{}"><Owner><ID>{}</ID></Owner><AccessControlList>"#,
        crate::s3::xml::S3_XMLNS,
        escape(&owner.canonical_id)
    );
    for g in &acl.grants {
        let grantee = match &g.grantee {
            Grantee::User(id) => format!(r#"xsi:type="CanonicalUser"><ID>{}</ID>"#, escape(id)),
            Grantee::Group(uri) => format!(r#"xsi:type="Group"><URI>{}</URI>"#, escape(uri)),
        };
        let _ = write!(
            s,
            r#"<Grant><Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" {grantee}</Grantee><Permission>{}</Permission></Grant>"#,
            g.permission
        );
    }
    s.push_str("</AccessControlList></AccessControlPolicy>");
    s
}
