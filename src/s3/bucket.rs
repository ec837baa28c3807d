//! Bucket operations: CreateBucket, HeadBucket, DeleteBucket, ListBuckets, GetBucketLocation.
//!
//! See <https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateBucket.html> and
//! <https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html>.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use bytes::Bytes;
use http::{Response, StatusCode, header};
use serde::{Deserialize, Serialize};

use super::S3;
use super::code::S3ErrorCode;
use super::config::ObjectOwnership;
use super::error::S3Error;
use super::request::S3Request;
use super::store::{Owner, StoreError};
use super::xml::{self, S3_XMLNS};

/// Regions S3 accepts as a `LocationConstraint`.
const REGIONS: &[&str] = &[
    "af-south-1",
    "ap-east-1",
    "ap-east-2",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-south-1",
    "ap-south-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "ap-southeast-6",
    "ap-southeast-7",
    "ca-central-1",
    "ca-west-1",
    "cn-north-1",
    "cn-northwest-1",
    "eu-central-1",
    "eu-central-2",
    "eu-north-1",
    "eu-south-1",
    "eu-south-2",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "il-central-1",
    "me-central-1",
    "me-south-1",
    "mx-central-1",
    "sa-east-1",
    "us-east-1",
    "us-east-2",
    "us-gov-east-1",
    "us-gov-west-1",
    "us-west-1",
    "us-west-2",
];

const US_EAST_1: &str = "us-east-1";

/// Prefixes reserved by S3.
const BAD_PREFIXES: &[&str] = &["xn--", "sthree-", "amzn-s3-demo-"];
/// Suffixes reserved by S3 (access point aliases, directory and table buckets, ...).
const BAD_SUFFIXES: &[&str] = &["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"];

/// Whether `name` follows the general-purpose bucket naming rules.
pub fn is_valid_bucket_name(name: &str) -> bool {
    let bytes = name.as_bytes();
    if !(3..=63).contains(&bytes.len()) {
        return false;
    }
    let allowed = |c: u8| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'.' || c == b'-';
    let alnum = |c: u8| c.is_ascii_lowercase() || c.is_ascii_digit();
    if !bytes.iter().all(|&c| allowed(c)) {
        return false;
    }
    if !bytes.first().is_some_and(|&c| alnum(c)) || !bytes.last().is_some_and(|&c| alnum(c)) {
        return false;
    }
    if name.contains("..") || name.contains(".-") || name.contains("-.") {
        return false;
    }
    if name.parse::<std::net::Ipv4Addr>().is_ok() {
        return false;
    }
    !BAD_PREFIXES.iter().any(|p| name.starts_with(p))
        && !BAD_SUFFIXES.iter().any(|s| name.ends_with(s))
}

#[derive(Debug, Default, Deserialize)]
struct CreateBucketConfiguration {
    #[serde(rename = "LocationConstraint")]
    location_constraint: Option<String>,
}

/// Where a CreateBucket request puts the bucket: `(region, location constraint)`, or the AWS
/// error for its location constraint.
fn resolve_location(req: &S3Request, signed_region: &str) -> Result<(String, String), S3Error> {
    let body = std::str::from_utf8(&req.body).map_err(|_| S3Error::malformed_xml())?;
    let constraint = if body.trim().is_empty() {
        None
    } else {
        xml::parse::<CreateBucketConfiguration>(body.as_bytes())?
            .location_constraint
            .filter(|c| !c.is_empty())
    };
    let Some(constraint) = constraint else {
        if signed_region == US_EAST_1 {
            return Ok((US_EAST_1.to_owned(), String::new()));
        }
        return Err(S3Error::new(
            S3ErrorCode::IllegalLocationConstraintException,
            StatusCode::BAD_REQUEST,
            "The unspecified location constraint is incompatible for the region specific endpoint this request was sent to.",
        ));
    };
    // A regional endpoint accepts only its own region.
    if signed_region != US_EAST_1 {
        if constraint != signed_region {
            return Err(S3Error::new(
                S3ErrorCode::IllegalLocationConstraintException,
                StatusCode::BAD_REQUEST,
                format!(
                    "The {constraint} location constraint is incompatible for the region specific endpoint this request was sent to."
                ),
            ));
        }
        return Ok((constraint.clone(), constraint));
    }
    // The us-east-1 (global) endpoint creates buckets in any other region.
    let region = if constraint == "EU" {
        "eu-west-1"
    } else {
        constraint.as_str()
    };
    if region == US_EAST_1 || !REGIONS.contains(&region) {
        return Err(S3Error::new(
            S3ErrorCode::InvalidLocationConstraint,
            StatusCode::BAD_REQUEST,
            "The specified location-constraint is not valid",
        )
        .with_extra("LocationConstraint", constraint.as_str()));
    }
    Ok((region.to_owned(), constraint))
}

/// `arn:aws:s3:::{bucket}`.
fn bucket_arn(name: &str) -> String {
    format!("arn:aws:s3:::{name}")
}

fn empty(status: StatusCode) -> Result<Response<Bytes>, S3Error> {
    Response::builder()
        .status(status)
        .body(Bytes::new())
        .map_err(|e| S3Error::internal(e.to_string()))
}

/// `PUT /{bucket}`.
pub(super) fn create_bucket(
    s3: &S3,
    req: &S3Request,
    name: &str,
) -> Result<Response<Bytes>, S3Error> {
    if !is_valid_bucket_name(name) {
        return Err(S3Error::invalid_bucket_name(name));
    }
    let signed_region = if req.region.is_empty() {
        s3.config().default_region.as_str()
    } else {
        req.region.as_str()
    };
    let (region, constraint) = resolve_location(req, signed_region)?;
    let ownership = match req.header("x-amz-object-ownership") {
        None => None,
        Some(v) => Some(ObjectOwnership::parse(v).ok_or_else(|| {
            S3Error::invalid_argument(
                format!("Invalid x-amz-object-ownership header: {v}"),
                "x-amz-object-ownership",
                v,
            )
        })?),
    };
    match s3.store().create_bucket(
        name,
        Owner::from(req.requester.as_ref()),
        &region,
        &constraint,
    ) {
        Ok(_) => {
            // A recreated name starts from the defaults.
            s3.settings().remove(name);
            if let Some(o) = ownership {
                s3.settings().write(name, |s| s.ownership.0 = Some(o));
            }
        }
        // For legacy compatibility, re-creating your own us-east-1 bucket there succeeds.
        Err(StoreError::BucketAlreadyOwnedByYou {
            region: existing, ..
        }) if existing == US_EAST_1 && region == US_EAST_1 => {}
        Err(e) => return Err(e.into()),
    }
    tracing::debug!(bucket = name, %region, account = %req.requester.id, "bucket created");
    // us-east-1 answers a path; other regions answer the bucket's URL.
    let location = if region == US_EAST_1 {
        format!("/{name}")
    } else {
        format!("http://{name}.s3.amazonaws.com/")
    };
    Response::builder()
        .status(StatusCode::OK)
        .header(header::LOCATION, location)
        .header("x-amz-bucket-arn", bucket_arn(name))
        .body(Bytes::new())
        .map_err(|e| S3Error::internal(e.to_string()))
}

/// `HEAD /{bucket}`.
pub(super) fn head_bucket(
    s3: &S3,
    req: &S3Request,
    name: &str,
) -> Result<Response<Bytes>, S3Error> {
    let bucket = s3
        .store()
        .bucket(name)
        .ok_or_else(|| S3Error::no_such_bucket(name))?;
    super::check_access(req, &bucket, "x-amz-expected-bucket-owner")
        .map_err(|e| e.with_header("x-amz-bucket-region", &bucket.region))?;
    Response::builder()
        .status(StatusCode::OK)
        .header("x-amz-bucket-region", bucket.region.as_str())
        .header("x-amz-access-point-alias", "false")
        .header("x-amz-bucket-arn", bucket_arn(&bucket.name))
        .body(Bytes::new())
        .map_err(|e| S3Error::internal(e.to_string()))
}

/// `DELETE /{bucket}`.
pub(super) fn delete_bucket(
    s3: &S3,
    req: &S3Request,
    name: &str,
) -> Result<Response<Bytes>, S3Error> {
    s3.owned_bucket(req, name)?;
    s3.store().delete_bucket(name)?;
    s3.drop_notification(name);
    s3.settings().remove(name);
    s3.completed_uploads().forget_bucket(name);
    empty(StatusCode::NO_CONTENT)
}

#[derive(Serialize)]
struct LocationConstraint<'a> {
    #[serde(rename = "@xmlns")]
    xmlns: &'static str,
    #[serde(rename = "$text")]
    value: &'a str,
}

/// `GET /{bucket}?location`: empty for us-east-1, as AWS answers.
pub(super) fn get_bucket_location(
    s3: &S3,
    req: &S3Request,
    name: &str,
) -> Result<Response<Bytes>, S3Error> {
    let bucket = s3.owned_bucket(req, name)?;
    let value = bucket.location_constraint.as_str();
    xml::xml_response(
        "LocationConstraint",
        &LocationConstraint {
            xmlns: S3_XMLNS,
            value,
        },
    )
}

#[derive(Serialize)]
struct ListAllMyBucketsResult {
    #[serde(rename = "@xmlns")]
    xmlns: &'static str,
    #[serde(rename = "Owner")]
    owner: OwnerXml,
    #[serde(rename = "Buckets")]
    buckets: BucketsXml,
    #[serde(rename = "ContinuationToken", skip_serializing_if = "Option::is_none")]
    continuation_token: Option<String>,
    #[serde(rename = "Prefix", skip_serializing_if = "Option::is_none")]
    prefix: Option<String>,
}

/// `<Owner><ID/></Owner>` as listings show it.
#[derive(Serialize)]
pub(super) struct OwnerXml {
    #[serde(rename = "ID")]
    pub id: String,
}

#[derive(Serialize)]
struct BucketsXml {
    #[serde(rename = "Bucket", default)]
    bucket: Vec<BucketXml>,
}

#[derive(Serialize)]
struct BucketXml {
    #[serde(rename = "Name")]
    name: String,
    #[serde(rename = "CreationDate")]
    creation_date: String,
    #[serde(rename = "BucketRegion")]
    bucket_region: String,
    #[serde(rename = "BucketArn")]
    bucket_arn: String,
}

/// `GET /`: the requester's buckets (`prefix`, `bucket-region`, `max-buckets`, `continuation-token`).
pub(super) fn list_buckets(s3: &S3, req: &S3Request) -> Result<Response<Bytes>, S3Error> {
    let max = match req.query_param("max-buckets") {
        None => usize::MAX,
        Some(v) => match v.parse::<usize>() {
            Ok(n) if (1..=10_000).contains(&n) => n,
            _ => {
                return Err(S3Error::invalid_argument(
                    "Provided max-buckets not an integer or within integer range",
                    "max-buckets",
                    v,
                ));
            }
        },
    };
    let after = match req.query_param("continuation-token") {
        None => None,
        Some(t) => Some(
            URL_SAFE_NO_PAD
                .decode(t)
                .ok()
                .and_then(|b| String::from_utf8(b).ok())
                .ok_or_else(|| {
                    S3Error::invalid_argument(
                        "The continuation token provided is incorrect",
                        "continuation-token",
                        t,
                    )
                })?,
        ),
    };
    let prefix = req.query_param("prefix").unwrap_or("");
    let region = req.query_param("bucket-region");
    if let Some(r) = region
        && !REGIONS.contains(&r)
    {
        return Err(S3Error::new(
            S3ErrorCode::InvalidArgument,
            StatusCode::BAD_REQUEST,
            format!("Argument value {r} is not a valid AWS Region"),
        )
        .with_extra("ArgumentName", "bucket-region"));
    }
    let mut mine = s3.store().buckets().into_iter().filter(|b| {
        b.is_owned_by(&req.requester.id)
            && b.name.starts_with(prefix)
            && region.is_none_or(|r| b.region == r)
            && after.as_deref().is_none_or(|a| b.name.as_str() > a)
    });
    let page: Vec<_> = mine.by_ref().take(max).collect();
    let more = mine.next().is_some();
    let continuation_token = if more {
        page.last()
            .map(|b| URL_SAFE_NO_PAD.encode(b.name.as_bytes()))
    } else {
        None
    };
    let result = ListAllMyBucketsResult {
        xmlns: S3_XMLNS,
        owner: OwnerXml {
            id: req.requester.canonical_id.clone(),
        },
        buckets: BucketsXml {
            bucket: page
                .iter()
                .map(|b| BucketXml {
                    name: b.name.clone(),
                    creation_date: xml::iso8601(b.created),
                    bucket_region: b.region.clone(),
                    bucket_arn: bucket_arn(&b.name),
                })
                .collect(),
        },
        continuation_token,
        prefix: req.query_param("prefix").map(str::to_owned),
    };
    xml::xml_response("ListAllMyBucketsResult", &result)
}

#[cfg(test)]
mod tests {
    use super::is_valid_bucket_name;

    #[test]
    fn bucket_name_rules() {
        let cases: &[(&str, bool)] = &[
            ("abc", true),
            ("my-bucket.example-1", true),
            ("a1b", true),
            ("ab", false),
            (&"a".repeat(63), true),
            (&"a".repeat(64), false),
            ("MyBucket", false),
            ("my_bucket", false),
            ("-abc", false),
            ("abc-", false),
            (".abc", false),
            ("abc.", false),
            ("a..b", false),
            ("a.-b", false),
            ("a-.b", false),
            ("192.168.5.4", false),
            ("xn--abc", false),
            ("sthree-abc", false),
            ("amzn-s3-demo-bucket", false),
            ("abc-s3alias", false),
            ("abc--ol-s3", false),
            ("abc.mrap", false),
            ("abc--x-s3", false),
            ("abc--table-s3", false),
            ("a b", false),
        ];
        for (name, ok) in cases {
            assert_eq!(is_valid_bucket_name(name), *ok, "{name}");
        }
    }
}
