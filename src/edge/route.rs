//! Which service a request is for, and S3 path-style or virtual-host addressing.
//!
//! Lambda's REST paths (`/2015-03-31/...`, `/2019-09-25/...`, `/2017-10-31/...`, ...) go to the
//! Lambda API, `/_s3lambda/...` to the simulator's own API, everything else to S3. For S3 the
//! bucket comes
//! from the first path segment (path style) or from the `Host` header (`{bucket}.{domain}`,
//! virtual-host style) — see
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
}

/// What an S3 request addresses.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct S3Address {
    /// The bucket, if any (none for ListBuckets).
    pub bucket: Option<String>,
    /// The object key, percent-decoded, if any.
    pub key: Option<String>,
}

/// Lambda API path prefixes (API versions).
const LAMBDA_PREFIXES: [&str; 6] = [
    "/2015-03-31/",
    "/2019-09-25/",
    "/2017-03-31/",
    "/2017-10-31/",
    "/2019-09-30/",
    "/2021-10-31/",
];

/// Decides where a request goes from its raw path, `Host` and `X-Amz-Target` headers.
pub fn route(
    path: &str,
    host: Option<&str>,
    amz_target: Option<&str>,
    domains: &[String],
) -> Target {
    if path == "/" && amz_target.is_some_and(crate::logs::is_logs_target) {
        return Target::Logs;
    }
    if LAMBDA_PREFIXES.iter().any(|p| path.starts_with(p)) {
        return Target::Lambda;
    }
    if path == "/_s3lambda" || path.starts_with("/_s3lambda/") {
        return Target::Sim;
    }
    Target::S3(s3_address(path, host, domains))
}

/// The bucket and key of an S3 request.
pub fn s3_address(path: &str, host: Option<&str>, domains: &[String]) -> S3Address {
    let rest = path.strip_prefix('/').unwrap_or(path);
    if let Some(bucket) = host.and_then(|h| virtual_host_bucket(h, domains)) {
        return S3Address {
            bucket: Some(bucket.to_owned()),
            key: non_empty(rest).map(decode),
        };
    }
    let (bucket, key) = match rest.split_once('/') {
        Some((b, k)) => (b, non_empty(k)),
        None => (rest, None),
    };
    S3Address {
        bucket: non_empty(bucket).map(decode),
        key: key.map(decode),
    }
}

/// The bucket named by a virtual-host style `Host`, if the host is `{bucket}.{domain}` for a
/// known domain (the longest domain wins, so `b.s3.localhost` is bucket `b`).
fn virtual_host_bucket<'h>(host: &'h str, domains: &[String]) -> Option<&'h str> {
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

fn decode(s: &str) -> String {
    percent_decode_str(s).decode_utf8_lossy().into_owned()
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
            route("/", None, Some("Logs_20140328.GetLogEvents"), &d),
            Target::Logs
        );
        assert_eq!(
            route("/b/k", None, Some("Logs_20140328.GetLogEvents"), &d),
            s3(Some("b"), Some("k"))
        );
        for (path, host, want) in cases {
            assert_eq!(&route(path, *host, None, &d), want, "{path} {host:?}");
        }
    }
}
