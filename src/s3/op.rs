//! An S3 request's operation, read once from its method, bucket, key, query and headers: the
//! parsing half of the service, apart from execution (`S3::execute` in `mod.rs`), as the
//! Lambda API's `Route` is apart from its handlers.

use std::borrow::Cow;

use http::Method;

use super::config::{Subresource, Verb};
use super::error::S3Error;
use super::form::PostForm;
use super::post::is_form_upload;
use super::request::S3Request;

/// Query parameters naming S3 subresources this simulator does not implement yet (the
/// bucket settings among them are answered by `config/` first; on an object they are not,
/// except `acl` and `tagging`, which `config/` answers on both).
const UNIMPLEMENTED_SUBRESOURCES: &[&str] = &[
    "accelerate",
    "analytics",
    "attributes",
    "cors",
    "encryption",
    "intelligent-tiering",
    "inventory",
    "legal-hold",
    "lifecycle",
    "logging",
    "metadataTable",
    "metrics",
    "object-lock",
    "ownershipControls",
    "policy",
    "policyStatus",
    "publicAccessBlock",
    "renameObject",
    "replication",
    "requestPayment",
    "restore",
    "retention",
    "select",
    "session",
    "torrent",
    "website",
];

/// The bucket and key an object operation addresses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ObjectRef<'r> {
    /// The bucket.
    pub bucket: &'r str,
    /// The key (never empty).
    pub key: &'r str,
}

/// One S3 operation with the names it addresses, borrowed from the request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Op<'r> {
    /// `GET /`.
    ListBuckets,
    /// A subresource this simulator does not implement (`?acl`, `?tagging`, …) on a bucket or
    /// object: `NotImplemented` once the bucket is known to be the requester's.
    Unimplemented(&'r str),
    /// A bucket settings subresource (`?tagging`, `?policy`, `?acl`, `?cors`, …).
    BucketSettings(&'r str, Subresource, Verb),
    /// An object settings subresource (`?tagging`, `?acl`).
    ObjectSettings(ObjectRef<'r>, Subresource, Verb),
    /// `PUT /{bucket}`.
    CreateBucket(&'r str),
    /// `HEAD /{bucket}`.
    HeadBucket(&'r str),
    /// `DELETE /{bucket}`.
    DeleteBucket(&'r str),
    /// `GET /{bucket}?location`.
    GetBucketLocation(&'r str),
    /// `PUT /{bucket}?notification`.
    PutBucketNotification(&'r str),
    /// `GET /{bucket}?notification`.
    GetBucketNotification(&'r str),
    /// `PUT /{bucket}?versioning`.
    PutBucketVersioning(&'r str),
    /// `GET /{bucket}?versioning`.
    GetBucketVersioning(&'r str),
    /// `GET /{bucket}?versions`.
    ListObjectVersions(&'r str),
    /// `GET /{bucket}?uploads`.
    ListMultipartUploads(&'r str),
    /// `GET /{bucket}?list-type=2`.
    ListObjectsV2(&'r str),
    /// `GET /{bucket}`.
    ListObjects(&'r str),
    /// `POST /{bucket}?delete`.
    DeleteObjects(&'r str),
    /// `POST /{bucket}` with `multipart/form-data`: the form, parsed here once (or handed
    /// over already parsed by the edge).
    PostObject(&'r str, Cow<'r, PostForm>),
    /// `POST /{bucket}/{key}?uploads`.
    CreateMultipartUpload(ObjectRef<'r>),
    /// `POST /{bucket}/{key}?uploadId`.
    CompleteMultipartUpload(ObjectRef<'r>),
    /// `PUT /{bucket}/{key}?partNumber&uploadId` (UploadPart or UploadPartCopy).
    UploadPart(ObjectRef<'r>),
    /// `DELETE /{bucket}/{key}?uploadId`.
    AbortMultipartUpload(ObjectRef<'r>),
    /// `GET /{bucket}/{key}?uploadId`.
    ListParts(ObjectRef<'r>),
    /// `PUT /{bucket}/{key}` with `x-amz-copy-source`.
    CopyObject(ObjectRef<'r>),
    /// `PUT /{bucket}/{key}`.
    PutObject(ObjectRef<'r>),
    /// `GET` or `HEAD /{bucket}/{key}`.
    GetObject(ObjectRef<'r>),
    /// `DELETE /{bucket}/{key}`.
    DeleteObject(ObjectRef<'r>),
}

impl<'r> Op<'r> {
    /// Reads the operation of `req`: `MethodNotAllowed` or `NotImplemented` when no operation
    /// matches, and a form upload's parse error.
    pub(crate) fn parse(req: &'r S3Request) -> Result<Self, S3Error> {
        let Some(bucket) = req.bucket.as_deref() else {
            return match req.method {
                Method::GET => Ok(Self::ListBuckets),
                _ => Err(S3Error::method_not_allowed(&req.method, "SERVICE")),
            };
        };
        let key = req.key.as_deref().filter(|k| !k.is_empty());
        if let Some(sub) = Subresource::of(req, key.is_some()) {
            return Ok(match key {
                None => Self::BucketSettings(bucket, sub, Verb::of(&req.method, "BUCKET")?),
                Some(key) => Self::ObjectSettings(
                    ObjectRef { bucket, key },
                    sub,
                    Verb::of(&req.method, "OBJECT")?,
                ),
            });
        }
        if req
            .query
            .iter()
            .any(|(k, _)| UNIMPLEMENTED_SUBRESOURCES.contains(&k.as_str()))
        {
            return Ok(Self::Unimplemented(bucket));
        }
        match key {
            None => Self::bucket_op(req, bucket),
            Some(key) => Self::object_op(req, ObjectRef { bucket, key }),
        }
    }

    fn bucket_op(req: &'r S3Request, b: &'r str) -> Result<Self, S3Error> {
        Ok(match req.method {
            Method::PUT if req.has_query("notification") => Self::PutBucketNotification(b),
            Method::PUT if req.has_query("versioning") => Self::PutBucketVersioning(b),
            Method::PUT => Self::CreateBucket(b),
            Method::HEAD => Self::HeadBucket(b),
            Method::DELETE => Self::DeleteBucket(b),
            Method::GET if req.has_query("versioning") => Self::GetBucketVersioning(b),
            Method::GET if req.has_query("versions") => Self::ListObjectVersions(b),
            Method::GET if req.has_query("uploads") => Self::ListMultipartUploads(b),
            Method::GET if req.has_query("location") => Self::GetBucketLocation(b),
            Method::GET if req.has_query("notification") => Self::GetBucketNotification(b),
            Method::GET if req.query_param("list-type") == Some("2") => Self::ListObjectsV2(b),
            Method::GET => Self::ListObjects(b),
            // A form the edge authenticated by its POST policy is an upload, whatever the
            // query says: `?delete` must not turn a policy-signed form into DeleteObjects.
            Method::POST if req.form.is_some() => Self::PostObject(b, form(req)?),
            Method::POST if req.has_query("delete") => Self::DeleteObjects(b),
            Method::POST if is_form_upload(req) => Self::PostObject(b, form(req)?),
            Method::POST => return Err(S3Error::not_implemented()),
            _ => return Err(S3Error::method_not_allowed(&req.method, "BUCKET")),
        })
    }

    fn object_op(req: &'r S3Request, o: ObjectRef<'r>) -> Result<Self, S3Error> {
        Ok(match req.method {
            Method::POST if req.has_query("uploads") => Self::CreateMultipartUpload(o),
            Method::POST if req.has_query("uploadId") => Self::CompleteMultipartUpload(o),
            Method::PUT if req.has_query("uploadId") || req.has_query("partNumber") => {
                Self::UploadPart(o)
            }
            Method::DELETE if req.has_query("uploadId") => Self::AbortMultipartUpload(o),
            Method::GET if req.has_query("uploadId") => Self::ListParts(o),
            Method::PUT if req.headers.contains_key("x-amz-copy-source") => Self::CopyObject(o),
            Method::PUT => Self::PutObject(o),
            Method::GET | Method::HEAD => Self::GetObject(o),
            Method::DELETE => Self::DeleteObject(o),
            Method::POST => return Err(S3Error::not_implemented()),
            _ => return Err(S3Error::method_not_allowed(&req.method, "OBJECT")),
        })
    }
}

/// The form of a form upload: as the edge parsed it, or parsed here from the body.
fn form(req: &S3Request) -> Result<Cow<'_, PostForm>, S3Error> {
    match &req.form {
        Some(form) => Ok(Cow::Borrowed(form.as_ref())),
        None => PostForm::parse(
            req.header("content-type").unwrap_or_default(),
            req.body.clone(),
        )
        .map(Cow::Owned),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::auth::Account;

    fn req(method: Method, bucket: Option<&str>, key: Option<&str>, query: &[&str]) -> S3Request {
        let mut r = S3Request::new(method, bucket, key, Arc::new(Account::default_account()));
        r.query = query
            .iter()
            .map(|q| ((*q).to_owned(), String::new()))
            .collect();
        r
    }

    #[test]
    fn operations_by_method_query_and_headers() {
        let o = ObjectRef {
            bucket: "b",
            key: "k",
        };
        let cases = [
            (req(Method::GET, None, None, &[]), Op::ListBuckets),
            (
                req(Method::PUT, Some("b"), None, &[]),
                Op::CreateBucket("b"),
            ),
            (
                req(Method::GET, Some("b"), Some("k"), &["retention"]),
                Op::Unimplemented("b"),
            ),
            (
                req(Method::GET, Some("b"), Some("k"), &["tagging"]),
                Op::ObjectSettings(o, Subresource::Tagging, Verb::Get),
            ),
            (
                req(Method::DELETE, Some("b"), None, &["policy"]),
                Op::BucketSettings("b", Subresource::Policy, Verb::Delete),
            ),
            (
                req(Method::GET, Some("b"), Some("k"), &["cors"]),
                Op::Unimplemented("b"),
            ),
            (
                req(Method::PUT, Some("b"), None, &["notification"]),
                Op::PutBucketNotification("b"),
            ),
            (
                req(Method::GET, Some("b"), Some(""), &[]),
                Op::ListObjects("b"),
            ),
            (
                req(Method::POST, Some("b"), Some("k"), &["uploads"]),
                Op::CreateMultipartUpload(o),
            ),
            (
                req(Method::PUT, Some("b"), Some("k"), &["partNumber"]),
                Op::UploadPart(o),
            ),
            (
                req(Method::HEAD, Some("b"), Some("k"), &[]),
                Op::GetObject(o),
            ),
        ];
        for (r, op) in cases {
            assert_eq!(Op::parse(&r), Ok(op), "{} {:?}", r.method, r.query);
        }
        let mut copy = req(Method::PUT, Some("b"), Some("k"), &[]);
        copy.headers
            .insert("x-amz-copy-source", http::HeaderValue::from_static("s/k"));
        assert_eq!(Op::parse(&copy), Ok(Op::CopyObject(o)));
    }

    #[test]
    fn a_policy_signed_form_is_an_upload_whatever_the_query() {
        let body =
            crate::s3::form::tests::body(&[("key", None, "k"), ("file", Some("f.txt"), "data")]);
        let ct = "multipart/form-data; boundary=XyZ";
        let mut r = req(Method::POST, Some("b"), None, &["delete"]);
        r.form = Some(Arc::new(PostForm::parse(ct, body).unwrap()));
        assert!(
            matches!(Op::parse(&r), Ok(Op::PostObject("b", _))),
            "a form authenticated by its policy must not run DeleteObjects"
        );
    }

    #[test]
    fn no_operation_is_an_error() {
        let code = |r: S3Request| Op::parse(&r).err().map(|e| e.code());
        assert_eq!(
            code(req(Method::PUT, None, None, &[])),
            Some("MethodNotAllowed")
        );
        assert_eq!(
            code(req(Method::POST, Some("b"), None, &[])),
            Some("NotImplemented")
        );
        assert_eq!(
            code(req(Method::PATCH, Some("b"), Some("k"), &[])),
            Some("MethodNotAllowed")
        );
    }
}
