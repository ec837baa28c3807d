//! Which service a request is for, and S3 path-style or virtual-host addressing.
//!
//! `/_s3lambda/...` is the simulator's own API. A SigV4-signed request goes to the service its
//! credential scope names (`s3`, `lambda`, `logs`, `sts`, `iam`, any other), so no other
//! service's request ever gets S3's answer. An unsigned one (or one signed otherwise, as
//! SigV2) is routed by its shape: an `X-Amz-Target` of CloudWatch Logs goes to Logs, any
//! other `X-Amz-Target` to the unsimulated service it names; Lambda's REST paths
//! (`/2015-03-31/...`, `/2019-09-25/...`: every API version the Lambda router knows) go to
//! the Lambda API; everything else to S3. For S3 the bucket comes from the first path segment (path style) or from the
//! `Host` header (`{bucket}.{domain}`, virtual-host style) — see
//! <https://docs.aws.amazon.com/AmazonS3/latest/userguide/VirtualHosting.html>.

use percent_encoding::percent_decode_str;

/// The service a request is addressed to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// The Lambda REST-JSON API.
    Lambda,
    /// The simulator's own API under `/_s3lambda/`.
    Sim,
    /// The CloudWatch Logs API (awsJson1.1, `X-Amz-Target: Logs_20140328.*`).
    Logs,
    /// The S3 REST API, with the bucket and key the request addresses.
    S3(S3Address),
    /// An S3 request whose path names no bucket or key S3 could store (refused with
    /// [`AddressError::to_s3_error`] before anything else).
    BadS3Address(AddressError),
    /// Another AWS service: STS, IAM, or one s3lambda does not simulate.
    Service(Service),
}

/// An AWS service other than S3, Lambda and CloudWatch Logs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Service {
    /// STS (Query protocol): `GetCallerIdentity`.
    Sts,
    /// IAM (Query protocol): roles.
    Iam,
    /// Any other service, by its signing name (or, unsigned, its `X-Amz-Target` prefix):
    /// refused in its own protocol.
    Other(String),
}

impl Service {
    /// The XML namespace of the service's Query-protocol answers.
    pub fn namespace(&self) -> String {
        match self {
            Self::Sts => crate::services::sts::NAMESPACE.to_owned(),
            Self::Iam => crate::services::iam::NAMESPACE.to_owned(),
            Self::Other(name) => format!("https://{name}.amazonaws.com/doc/"),
        }
    }
}

/// What an S3 request addresses.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct S3Address {
    /// The bucket, if any (none for ListBuckets).
    pub bucket: Option<String>,
    /// The object key, percent-decoded, if any.
    pub key: Option<String>,
}

/// Why an S3 path names no bucket or key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddressError {
    /// A percent-escape decodes to bytes that are not UTF-8. S3 keys and bucket names are
    /// UTF-8; decoding such bytes lossily would merge distinct keys (`a%FF`, `a%FE`), so S3's
    /// answer is given instead: 400 `InvalidURI`.
    NotUtf8,
}

impl AddressError {
    /// S3's answer: 400 `InvalidURI`, "Couldn't parse the specified URI."
    pub fn to_s3_error(self) -> crate::s3::S3Error {
        match self {
            Self::NotUtf8 => crate::s3::S3Error::new(
                crate::s3::S3ErrorCode::InvalidURI,
                http::StatusCode::BAD_REQUEST,
                "Couldn't parse the specified URI.",
            ),
        }
    }
}

/// Decides where a request goes from its raw path, `Host` and `X-Amz-Target` headers and
/// the service of its SigV4 credential scope (`scope`, read unverified with
/// [`crate::auth::scope_service`]; the service then verifies the signature).
pub fn route(
    path: &str,
    host: Option<&str>,
    amz_target: Option<&str>,
    scope: Option<&str>,
    domains: &[String],
) -> Target {
    if path == "/_s3lambda" || path.starts_with("/_s3lambda/") {
        return Target::Sim;
    }
    match scope {
        Some("s3") => return s3_target(path, host, domains),
        Some("lambda") => return Target::Lambda,
        Some("logs") => return Target::Logs,
        Some("sts") => return Target::Service(Service::Sts),
        Some("iam") => return Target::Service(Service::Iam),
        Some(other) => return Target::Service(Service::Other(other.to_owned())),
        None => {}
    }
    if let Some(target) = amz_target {
        if path == "/" && crate::logs::is_logs_target(target) {
            return Target::Logs;
        }
        let prefix = target.split_once('.').map_or(target, |(p, _)| p);
        return Target::Service(Service::Other(prefix.to_owned()));
    }
    // A host naming a bucket (`b.localhost`) addresses S3, whatever its key looks like
    // (`2020-06-30/report.csv`); Lambda's paths are Lambda's on the endpoint itself.
    let bucket_host = host.and_then(|h| virtual_host_bucket(h, domains));
    if bucket_host.is_none() && crate::lambda::api::router::is_lambda_path(path) {
        return Target::Lambda;
    }
    s3_target(path, host, domains)
}

fn s3_target(path: &str, host: Option<&str>, domains: &[String]) -> Target {
    match s3_address(path, host, domains) {
        Ok(address) => Target::S3(address),
        Err(e) => Target::BadS3Address(e),
    }
}

/// The bucket and key of an S3 request, or why its path names none.
pub fn s3_address(
    path: &str,
    host: Option<&str>,
    domains: &[String],
) -> Result<S3Address, AddressError> {
    let rest = path.strip_prefix('/').unwrap_or(path);
    let (bucket, key) = match host.and_then(|h| virtual_host_bucket(h, domains)) {
        Some(bucket) => (Ok(Some(bucket.to_owned())), non_empty(rest).map(decode)),
        None => match rest.split_once('/') {
            Some((b, k)) => (
                non_empty(b).map(decode).transpose(),
                non_empty(k).map(decode),
            ),
            None => (non_empty(rest).map(decode).transpose(), None),
        },
    };
    Ok(S3Address {
        bucket: bucket?,
        key: key.transpose()?,
    })
}

/// The bucket named by a virtual-host style `Host`, if the host is `{bucket}.{domain}` for a
/// known domain (the longest domain wins, so `b.s3.localhost` is bucket `b`).
pub(super) fn virtual_host_bucket<'h>(host: &'h str, domains: &[String]) -> Option<&'h str> {
    let name = strip_port(host);
    if domains.iter().any(|d| d == name) {
        return None; // the service endpoint itself: path style
    }
    domains
        .iter()
        .filter_map(|d| {
            let prefix = name.strip_suffix(d.as_str())?.strip_suffix('.')?;
            Some((d.len(), prefix))
        })
        .max_by_key(|(len, _)| *len)
        .map(|(_, bucket)| bucket)
        .filter(|b| !b.is_empty())
}

fn strip_port(host: &str) -> &str {
    if host.starts_with('[') {
        return host; // an IPv6 literal never names a bucket
    }
    host.rsplit_once(':').map_or(host, |(h, _)| h)
}

fn non_empty(s: &str) -> Option<&str> {
    (!s.is_empty()).then_some(s)
}

/// Percent-decodes a path segment, refusing bytes that are not UTF-8 (never lossily).
fn decode(s: &str) -> Result<String, AddressError> {
    percent_decode_str(s)
        .decode_utf8()
        .map(std::borrow::Cow::into_owned)
        .map_err(|_| AddressError::NotUtf8)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn domains() -> Vec<String> {
        crate::sim::Config::default().virtual_host_domains
    }

    fn s3(bucket: Option<&str>, key: Option<&str>) -> Target {
        Target::S3(S3Address {
            bucket: bucket.map(String::from),
            key: key.map(String::from),
        })
    }

    #[test]
    fn routes() {
        let d = domains();
        let cases: &[(&str, Option<&str>, Target)] = &[
            (
                "/2015-03-31/functions",
                Some("127.0.0.1:4566"),
                Target::Lambda,
            ),
            (
                "/2019-09-25/functions/f/event-invoke-config",
                None,
                Target::Lambda,
            ),
            ("/2017-10-31/functions/f/concurrency", None, Target::Lambda),
            ("/2019-09-30/functions/f/concurrency", None, Target::Lambda),
            ("/2016-08-19/account-settings", None, Target::Lambda),
            ("/2018-10-31/layers", None, Target::Lambda),
            (
                "/2020-06-30/functions/f/code-signing-config",
                None,
                Target::Lambda,
            ),
            (
                "/2021-07-20/functions/f/runtime-management-config",
                None,
                Target::Lambda,
            ),
            (
                "/2024-08-31/functions/f/recursion-config",
                None,
                Target::Lambda,
            ),
            ("/_s3lambda/traces", None, Target::Sim),
            ("/", Some("127.0.0.1:4566"), s3(None, None)),
            ("/b", Some("localhost:4566"), s3(Some("b"), None)),
            ("/b/", Some("localhost:4566"), s3(Some("b"), None)),
            (
                "/b/k/x.txt",
                Some("127.0.0.1"),
                s3(Some("b"), Some("k/x.txt")),
            ),
            ("/b/a%20b%2Bc", None, s3(Some("b"), Some("a b+c"))),
            ("/b/%E2%82%AC", None, s3(Some("b"), Some("€"))),
            (
                "/k.txt",
                Some("photos.localhost:4566"),
                s3(Some("photos"), Some("k.txt")),
            ),
            (
                "/",
                Some("photos.s3.localhost:4566"),
                s3(Some("photos"), None),
            ),
            (
                "/d/k",
                Some("my.bucket.s3.amazonaws.com"),
                s3(Some("my.bucket"), Some("d/k")),
            ),
            ("/b/k", Some("s3.localhost:4566"), s3(Some("b"), Some("k"))),
            ("/b/k", Some("[::1]:4566"), s3(Some("b"), Some("k"))),
            ("/_s3lambdax", None, s3(Some("_s3lambdax"), None)),
        ];
        assert_eq!(
            route("/", None, Some("Logs_20140328.GetLogEvents"), None, &d),
            Target::Logs
        );
        assert_eq!(
            route("/b/k", None, Some("Logs_20140328.GetLogEvents"), None, &d),
            Target::Service(Service::Other("Logs_20140328".into()))
        );
        for (path, host, want) in cases {
            assert_eq!(&route(path, *host, None, None, &d), want, "{path} {host:?}");
        }
    }

    #[test]
    fn a_signed_request_goes_to_the_service_of_its_scope() {
        let d = domains();
        let lambda_path = "/2015-03-31/functions";
        let cases: &[(&str, Option<&str>, Option<&str>, Target)] = &[
            ("/", None, Some("sts"), Target::Service(Service::Sts)),
            ("/", None, Some("iam"), Target::Service(Service::Iam)),
            (
                "/",
                None,
                Some("cloudformation"),
                Target::Service(Service::Other("cloudformation".into())),
            ),
            (
                "/",
                Some("DynamoDB_20120810.ListTables"),
                Some("dynamodb"),
                Target::Service(Service::Other("dynamodb".into())),
            ),
            (
                "/",
                Some("Logs_20140328.CreateLogGroup"),
                Some("logs"),
                Target::Logs,
            ),
            (lambda_path, None, Some("lambda"), Target::Lambda),
            ("/anything", None, Some("lambda"), Target::Lambda),
            // A bucket named like a Lambda API date is S3's when the request says so.
            (
                lambda_path,
                None,
                Some("s3"),
                s3(Some("2015-03-31"), Some("functions")),
            ),
            ("/_s3lambda/traces", None, Some("s3"), Target::Sim),
            ("/b/k", None, Some("s3"), s3(Some("b"), Some("k"))),
        ];
        for (path, target, scope, want) in cases {
            assert_eq!(
                &route(path, None, *target, *scope, &d),
                want,
                "{path} {target:?} {scope:?}"
            );
        }
    }

    #[test]
    fn undecodable_escapes_are_refused_never_merged() {
        let d = domains();
        let refused = Target::BadS3Address(AddressError::NotUtf8);
        for (path, host) in [
            ("/b/a%FF", None),
            ("/b/a%FE", None),
            ("/b/%C3", None),
            ("/b%FF/k", None),
            ("/b%FF", None),
            ("/a%FF", Some("photos.localhost:4566")),
        ] {
            assert_eq!(route(path, host, None, None, &d), refused, "{path}");
        }
        assert_eq!(AddressError::NotUtf8.to_s3_error().code(), "InvalidURI");
        assert_eq!(
            route("/b/%ED%95%9C%F0%9F%98%80", None, None, None, &d),
            s3(Some("b"), Some("한😀"))
        );
    }
}
