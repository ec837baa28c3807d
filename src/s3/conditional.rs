//! Range requests and conditional headers (If-Match, If-None-Match, If-Modified-Since,
//! If-Unmodified-Since and their `x-amz-copy-source-` forms), evaluated in the order S3 uses.
//!
//! See <https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html> and
//! <https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-requests.html>.

use http::StatusCode;
use time::OffsetDateTime;

use super::code::S3ErrorCode;
use super::error::S3Error;
use super::request::S3Request;
use super::xml::parse_http_date;

/// An inclusive byte range of an object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ByteRange {
    /// The first byte.
    pub start: u64,
    /// The last byte (inclusive).
    pub end: u64,
}

/// Parses a `Range` header against an object of `size` bytes.
///
/// `Ok(None)` means "serve the whole object": no header, or one S3 ignores (bad syntax,
/// several ranges, first > last). An unsatisfiable range is `InvalidRange` (416).
pub fn parse_range(header: Option<&str>, size: u64) -> Result<Option<ByteRange>, S3Error> {
    let Some(header) = header else {
        return Ok(None);
    };
    let Some(spec) = header.trim().strip_prefix("bytes=") else {
        return Ok(None);
    };
    if spec.contains(',') {
        return Ok(None);
    }
    let Some((first, last)) = spec.trim().split_once('-') else {
        return Ok(None);
    };
    let unsatisfiable = || {
        S3Error::new(
            S3ErrorCode::InvalidRange,
            StatusCode::RANGE_NOT_SATISFIABLE,
            "The requested range is not satisfiable",
        )
        .with_extra("RangeRequested", header)
        .with_extra("ActualObjectSize", size.to_string())
        .with_header("Content-Range", format!("bytes */{size}"))
    };
    let num = |s: &str| -> Option<u64> {
        if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
            None
        } else {
            s.parse().ok()
        }
    };
    match (first.trim(), last.trim()) {
        ("", suffix) => {
            let Some(n) = num(suffix) else {
                return Ok(None);
            };
            if n == 0 || size == 0 {
                return Err(unsatisfiable());
            }
            Ok(Some(ByteRange {
                start: size.saturating_sub(n),
                end: size - 1,
            }))
        }
        (first, "") => {
            let Some(start) = num(first) else {
                return Ok(None);
            };
            if start >= size {
                return Err(unsatisfiable());
            }
            Ok(Some(ByteRange {
                start,
                end: size - 1,
            }))
        }
        (first, last) => {
            let (Some(start), Some(end)) = (num(first), num(last)) else {
                return Ok(None);
            };
            if start > end {
                return Ok(None);
            }
            if start >= size {
                return Err(unsatisfiable());
            }
            Ok(Some(ByteRange {
                start,
                end: end.min(size - 1),
            }))
        }
    }
}

/// What the conditional headers of a GET/HEAD decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Precondition {
    /// Serve the object.
    Proceed,
    /// Answer 304 Not Modified.
    NotModified,
}

/// Whether an `If-Match`/`If-None-Match` list matches `etag` (hex, no quotes).
fn etag_matches(list: &str, etag: &str) -> bool {
    list.split(',').map(str::trim).any(|t| {
        let t = t.strip_prefix("W/").unwrap_or(t);
        t == "*" || t.trim_matches('"') == etag
    })
}

fn truncate_secs(t: OffsetDateTime) -> i64 {
    t.unix_timestamp()
}

/// The header names one family of conditions uses.
struct Names {
    matches: &'static str,
    none_match: &'static str,
    modified_since: &'static str,
    unmodified_since: &'static str,
}

const GET_NAMES: Names = Names {
    matches: "if-match",
    none_match: "if-none-match",
    modified_since: "if-modified-since",
    unmodified_since: "if-unmodified-since",
};

const COPY_NAMES: Names = Names {
    matches: "x-amz-copy-source-if-match",
    none_match: "x-amz-copy-source-if-none-match",
    modified_since: "x-amz-copy-source-if-modified-since",
    unmodified_since: "x-amz-copy-source-if-unmodified-since",
};

/// The raw outcome: `Err(condition)` for a 412, `Ok(NotModified)` for a 304.
fn evaluate(
    req: &S3Request,
    names: &Names,
    etag: &str,
    last_modified: OffsetDateTime,
) -> Result<Precondition, &'static str> {
    let lm = truncate_secs(last_modified);
    let now = OffsetDateTime::now_utc().unix_timestamp();
    let if_match = req.header(names.matches);
    let if_none_match = req.header(names.none_match);
    // 1. If-Match; when present, If-Unmodified-Since is not evaluated.
    if let Some(list) = if_match {
        if !etag_matches(list, etag) {
            return Err("If-Match");
        }
    } else if let Some(t) = req.header(names.unmodified_since).and_then(parse_http_date)
        && lm > t.unix_timestamp()
    {
        return Err("If-Unmodified-Since");
    }
    // 2. If-None-Match; when present, If-Modified-Since is not evaluated.
    if let Some(list) = if_none_match {
        if etag_matches(list, etag) {
            return Ok(Precondition::NotModified);
        }
    } else if let Some(t) = req.header(names.modified_since).and_then(parse_http_date)
        && t.unix_timestamp() <= now
        && lm <= t.unix_timestamp()
    {
        return Ok(Precondition::NotModified);
    }
    Ok(Precondition::Proceed)
}

/// Evaluates `If-*` headers of a GET/HEAD: `PreconditionFailed` (412) or 304 or proceed.
pub fn check_get(
    req: &S3Request,
    etag: &str,
    last_modified: OffsetDateTime,
) -> Result<Precondition, S3Error> {
    evaluate(req, &GET_NAMES, etag, last_modified).map_err(S3Error::precondition_failed)
}

/// Evaluates `x-amz-copy-source-if-*` headers: every failure, including "not modified", is 412.
pub fn check_copy_source(
    req: &S3Request,
    etag: &str,
    last_modified: OffsetDateTime,
) -> Result<(), S3Error> {
    match evaluate(req, &COPY_NAMES, etag, last_modified) {
        Ok(Precondition::Proceed) => Ok(()),
        Ok(Precondition::NotModified) => {
            let which = if req.header(COPY_NAMES.none_match).is_some() {
                "x-amz-copy-source-If-None-Match"
            } else {
                "x-amz-copy-source-If-Modified-Since"
            };
            Err(S3Error::precondition_failed(which))
        }
        Err(cond) => Err(S3Error::precondition_failed(&format!(
            "x-amz-copy-source-{cond}"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[allow(clippy::unnecessary_wraps)]
    fn r(start: u64, end: u64) -> Option<ByteRange> {
        Some(ByteRange { start, end })
    }

    #[test]
    fn ranges() {
        assert_eq!(parse_range(Some("bytes=0-4"), 10).unwrap(), r(0, 4));
        assert_eq!(parse_range(Some("bytes=5-100"), 10).unwrap(), r(5, 9));
        assert_eq!(parse_range(Some("bytes=-3"), 10).unwrap(), r(7, 9));
        assert_eq!(parse_range(Some("bytes=-30"), 10).unwrap(), r(0, 9));
        assert_eq!(parse_range(Some("bytes=4-"), 10).unwrap(), r(4, 9));
        // Ignored: whole object.
        for h in [
            "bytes=5-2",
            "bytes=a-b",
            "items=0-1",
            "bytes=0-1,3-4",
            "bytes=",
            "bytes=-",
        ] {
            assert_eq!(parse_range(Some(h), 10).unwrap(), None, "{h}");
        }
        assert_eq!(parse_range(None, 10).unwrap(), None);
        // Unsatisfiable.
        for (h, size) in [
            ("bytes=10-", 10),
            ("bytes=10-20", 10),
            ("bytes=-0", 10),
            ("bytes=0-", 0),
        ] {
            let e = parse_range(Some(h), size).unwrap_err();
            assert_eq!(e.code(), "InvalidRange", "{h}");
            assert_eq!(e.status(), StatusCode::RANGE_NOT_SATISFIABLE);
            assert_eq!(e.extra("RangeRequested"), Some(h));
        }
    }

    #[test]
    fn etag_lists() {
        assert!(etag_matches("\"abc\"", "abc"));
        assert!(etag_matches("abc", "abc"));
        assert!(etag_matches("\"x\", \"abc\"", "abc"));
        assert!(etag_matches("*", "abc"));
        assert!(!etag_matches("\"abd\"", "abc"));
    }
}
