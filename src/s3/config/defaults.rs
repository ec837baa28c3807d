//! The settings a new bucket already has: SSE-S3 default encryption, `BucketOwnerEnforced`
//! object ownership, all four Block Public Access switches on (AWS's defaults for buckets
//! created since April 2023), and the two whose GET answers an empty or default document
//! while unset: transfer acceleration and request payment.
//!
//! Defaults and shapes as AWS answered them (localstack `test_s3_api.snapshot.json`:
//! `test_crud_public_access_block`, `test_crud_bucket_ownership_controls`,
//! `test_bucket_acceleration_configuration_*`; `test_s3.snapshot.json`:
//! `test_s3_default_bucket_encryption*`, `test_s3_request_payer*`; recorded against AWS).

use http::StatusCode;

use super::access::{ObjectOwnership, Ownership, PublicAccessBlock};
use super::store::{Document, Settings};
use super::tree::{self, Node};
use super::{Verb, ok_empty, ok_xml, unset};
use crate::s3::{Bucket, S3Error, S3ErrorCode};

const PAB_FIELDS: [&str; 4] = [
    "BlockPublicAcls",
    "IgnorePublicAcls",
    "BlockPublicPolicy",
    "RestrictPublicBuckets",
];

fn parse_bool(n: &Node, name: &str) -> Result<bool, S3Error> {
    match n.text_of(name) {
        None => Ok(false),
        Some(t) if t.eq_ignore_ascii_case("true") => Ok(true),
        Some(t) if t.eq_ignore_ascii_case("false") => Ok(false),
        Some(_) => Err(tree::malformed()),
    }
}

/// `?publicAccessBlock`.
pub(super) fn public_access_block(
    settings: &Settings,
    bucket: &Bucket,
    verb: Verb,
    body: &[u8],
) -> Result<http::Response<bytes::Bytes>, S3Error> {
    let name = bucket.name.as_str();
    match verb {
        Verb::Get => match settings.read(name, |s| s.public_access_block.0) {
            Some(flags) => {
                let fields = PAB_FIELDS
                    .iter()
                    .zip(flags)
                    .map(|(n, v)| Node::leaf(n, v.to_string()))
                    .collect();
                ok_xml(tree::render(&Node::with(
                    "PublicAccessBlockConfiguration",
                    fields,
                )))
            }
            None => Err(unset(
                S3ErrorCode::NoSuchPublicAccessBlockConfiguration,
                "The public access block configuration was not found",
                name,
            )),
        },
        Verb::Put => {
            let doc =
                tree::parse(body, "PublicAccessBlockConfiguration").ok_or_else(tree::malformed)?;
            let mut flags = [false; 4];
            for (flag, field) in flags.iter_mut().zip(PAB_FIELDS) {
                *flag = parse_bool(&doc, field)?;
            }
            settings.write(name, |s| {
                s.public_access_block = PublicAccessBlock(Some(flags));
            });
            ok_empty(StatusCode::OK)
        }
        Verb::Delete => {
            settings.write(name, |s| s.public_access_block = PublicAccessBlock(None));
            ok_empty(StatusCode::NO_CONTENT)
        }
    }
}

/// `?ownershipControls`.
pub(super) fn ownership_controls(
    settings: &Settings,
    bucket: &Bucket,
    verb: Verb,
    body: &[u8],
) -> Result<http::Response<bytes::Bytes>, S3Error> {
    let name = bucket.name.as_str();
    match verb {
        Verb::Get => match settings.read(name, |s| s.ownership.0) {
            Some(o) => ok_xml(tree::render(&Node::with(
                "OwnershipControls",
                vec![Node::with(
                    "Rule",
                    vec![Node::leaf("ObjectOwnership", o.as_str())],
                )],
            ))),
            None => Err(unset(
                S3ErrorCode::OwnershipControlsNotFoundError,
                "The bucket ownership controls were not found",
                name,
            )),
        },
        Verb::Put => {
            let doc = tree::parse(body, "OwnershipControls").ok_or_else(tree::malformed)?;
            let mut rules = doc.all("Rule");
            let (Some(rule), None) = (rules.next(), rules.next()) else {
                return Err(tree::malformed());
            };
            let o = rule
                .text_of("ObjectOwnership")
                .and_then(ObjectOwnership::parse)
                .ok_or_else(tree::malformed)?;
            settings.write(name, |s| s.ownership = Ownership(Some(o)));
            ok_empty(StatusCode::OK)
        }
        Verb::Delete => {
            settings.write(name, |s| s.ownership = Ownership(None));
            ok_empty(StatusCode::NO_CONTENT)
        }
    }
}

/// The answer of GetBucketEncryption on a bucket with no configuration of its own: SSE-S3.
fn default_encryption() -> Node {
    Node::with(
        "ServerSideEncryptionConfiguration",
        vec![Node::with(
            "Rule",
            vec![
                Node::with(
                    "ApplyServerSideEncryptionByDefault",
                    vec![Node::leaf("SSEAlgorithm", "AES256")],
                ),
                Node::leaf("BucketKeyEnabled", "false"),
            ],
        )],
    )
}

/// Validates a PutBucketEncryption body; adds `BucketKeyEnabled` as S3 reports it.
fn check_encryption(body: &[u8]) -> Result<Node, S3Error> {
    let mut doc =
        tree::parse(body, "ServerSideEncryptionConfiguration").ok_or_else(tree::malformed)?;
    if doc.all("Rule").count() != 1 {
        return Err(tree::malformed());
    }
    let rule = doc
        .children
        .iter_mut()
        .find(|c| c.name == "Rule")
        .ok_or_else(tree::malformed)?;
    let by_default = rule
        .child("ApplyServerSideEncryptionByDefault")
        .ok_or_else(tree::malformed)?;
    let algorithm = by_default
        .text_of("SSEAlgorithm")
        .ok_or_else(tree::malformed)?;
    match algorithm {
        "AES256" if by_default.child("KMSMasterKeyID").is_some() => {
            return Err(S3Error::new(
                S3ErrorCode::InvalidArgument,
                StatusCode::BAD_REQUEST,
                "a KMSMasterKeyID is not applicable if the default sse algorithm is not aws:kms or aws:kms:dsse",
            )
            .with_extra("ArgumentName", "ApplyServerSideEncryptionByDefault"));
        }
        "AES256" | "aws:kms" | "aws:kms:dsse" => {}
        _ => return Err(tree::malformed()),
    }
    if rule.child("BucketKeyEnabled").is_none() {
        rule.children.push(Node::leaf("BucketKeyEnabled", "false"));
    }
    Ok(doc)
}

/// `?encryption`: deleting returns the bucket to the SSE-S3 default, as S3 does.
pub(super) fn encryption(
    settings: &Settings,
    bucket: &Bucket,
    verb: Verb,
    body: &[u8],
) -> Result<http::Response<bytes::Bytes>, S3Error> {
    let name = bucket.name.as_str();
    match verb {
        Verb::Get => {
            let doc = settings.read(name, |s| s.documents.get(&Document::Encryption).cloned());
            ok_xml(tree::render(&doc.unwrap_or_else(default_encryption)))
        }
        Verb::Put => {
            let doc = check_encryption(body)?;
            settings.write(name, |s| s.documents.insert(Document::Encryption, doc));
            ok_empty(StatusCode::OK)
        }
        Verb::Delete => {
            settings.write(name, |s| s.documents.remove(&Document::Encryption));
            ok_empty(StatusCode::NO_CONTENT)
        }
    }
}

/// `?accelerate` (GET and PUT): an empty configuration until set.
pub(super) fn accelerate(
    settings: &Settings,
    bucket: &Bucket,
    verb: Verb,
    body: &[u8],
) -> Result<http::Response<bytes::Bytes>, S3Error> {
    let name = bucket.name.as_str();
    match verb {
        Verb::Get => {
            let doc = settings.read(name, |s| s.documents.get(&Document::Accelerate).cloned());
            ok_xml(tree::render(&doc.unwrap_or_else(|| {
                Node::with("AccelerateConfiguration", vec![])
            })))
        }
        Verb::Put => {
            if name.contains('.') {
                return Err(S3Error::invalid_request(
                    "S3 Transfer Acceleration is not supported for buckets with periods (.) in their names",
                ));
            }
            let doc = tree::parse(body, "AccelerateConfiguration").ok_or_else(tree::malformed)?;
            let status = doc.text_of("Status").ok_or_else(tree::malformed)?;
            if !matches!(status, "Enabled" | "Suspended") {
                return Err(tree::malformed());
            }
            let doc = Node::with(
                "AccelerateConfiguration",
                vec![Node::leaf("Status", status)],
            );
            settings.write(name, |s| s.documents.insert(Document::Accelerate, doc));
            ok_empty(StatusCode::OK)
        }
        Verb::Delete => Err(S3Error::method_not_allowed(&http::Method::DELETE, "BUCKET")),
    }
}

/// `?requestPayment` (GET and PUT): `BucketOwner` until set.
pub(super) fn request_payment(
    settings: &Settings,
    bucket: &Bucket,
    verb: Verb,
    body: &[u8],
) -> Result<http::Response<bytes::Bytes>, S3Error> {
    let name = bucket.name.as_str();
    let render = |payer: &str| {
        tree::render(&Node::with(
            "RequestPaymentConfiguration",
            vec![Node::leaf("Payer", payer)],
        ))
    };
    match verb {
        Verb::Get => {
            let payer = settings.read(name, |s| {
                s.documents
                    .get(&Document::RequestPayment)
                    .and_then(|d| d.text_of("Payer").map(str::to_owned))
            });
            ok_xml(render(payer.as_deref().unwrap_or("BucketOwner")))
        }
        Verb::Put => {
            let doc =
                tree::parse(body, "RequestPaymentConfiguration").ok_or_else(tree::malformed)?;
            let payer = doc.text_of("Payer").ok_or_else(tree::malformed)?;
            if !matches!(payer, "Requester" | "BucketOwner") {
                return Err(tree::malformed());
            }
            let doc = Node::with(
                "RequestPaymentConfiguration",
                vec![Node::leaf("Payer", payer)],
            );
            settings.write(name, |s| s.documents.insert(Document::RequestPayment, doc));
            ok_empty(StatusCode::OK)
        }
        Verb::Delete => Err(S3Error::method_not_allowed(&http::Method::DELETE, "BUCKET")),
    }
}
