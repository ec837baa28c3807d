//! Unit tests of the S3 operations, driven through `S3::handle` with hand-built requests.

use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use bytes::Bytes;
use http::{HeaderName, HeaderValue, Method, Response, StatusCode};
use md5::{Digest, Md5};

use super::checksum::ChecksumAlgorithm;
use super::{CreatedKind, Effect, S3, S3Config, S3Error, S3Request};
use crate::auth::Account;

fn alice() -> Arc<Account> {
    Arc::new(Account::default_account())
}

fn bob() -> Arc<Account> {
    Arc::new(Account::new("111111111111", "bob", "bobsecret"))
}

/// A request builder for tests.
struct R(S3Request);

impl R {
    fn new(method: Method, bucket: Option<&str>, key: Option<&str>) -> Self {
        Self(S3Request::new(method, bucket, key, alice()))
    }
    fn as_(mut self, who: Arc<Account>) -> Self {
        self.0.requester = who;
        self
    }
    fn q(mut self, k: &str, v: &str) -> Self {
        self.0.query.push((k.to_owned(), v.to_owned()));
        self
    }
    fn h(mut self, k: &str, v: &str) -> Self {
        self.0.headers.append(
            HeaderName::from_bytes(k.as_bytes()).unwrap(),
            HeaderValue::from_str(v).unwrap(),
        );
        self
    }
    fn body(mut self, b: impl Into<Bytes>) -> Self {
        self.0.body = b.into();
        self
    }
    fn region(mut self, r: &str) -> Self {
        self.0.region = r.to_owned();
        self
    }
    fn send(self, s3: &S3) -> Result<Response<Bytes>, S3Error> {
        s3.answer(self.0)
    }
    fn ok(self, s3: &S3) -> Response<Bytes> {
        match self.send(s3) {
            Ok(r) => r,
            Err(e) => panic!("expected success, got {e}"),
        }
    }
    fn err(self, s3: &S3) -> S3Error {
        match self.send(s3) {
            Ok(r) => panic!("expected error, got {}", r.status()),
            Err(e) => e,
        }
    }
}

fn get(bucket: &str, key: &str) -> R {
    R::new(Method::GET, Some(bucket), Some(key))
}

fn put(bucket: &str, key: &str, data: &'static str) -> R {
    R::new(Method::PUT, Some(bucket), Some(key)).body(data)
}

fn text(r: &Response<Bytes>) -> String {
    String::from_utf8(r.body().to_vec()).unwrap()
}

fn hdr<'a>(r: &'a Response<Bytes>, name: &str) -> Option<&'a str> {
    r.headers().get(name).map(|v| v.to_str().unwrap())
}

/// A service with bucket `bkt` owned by the default account.
fn setup() -> S3 {
    let s3 = S3::new(S3Config::default());
    R::new(Method::PUT, Some("bkt"), None).ok(&s3);
    s3
}

fn b64_md5(data: &[u8]) -> String {
    STANDARD.encode(Md5::digest(data))
}

// ---------------------------------------------------------------- buckets

#[test]
fn create_bucket_validates_names() {
    let s3 = S3::new(S3Config::default());
    let e = R::new(Method::PUT, Some("Bad_Name"), None).err(&s3);
    assert_eq!(e.code(), "InvalidBucketName");
    assert_eq!(e.status(), StatusCode::BAD_REQUEST);
    assert_eq!(e.extra("BucketName"), Some("Bad_Name"));
    let r = R::new(Method::PUT, Some("good-name"), None).ok(&s3);
    assert_eq!(hdr(&r, "location"), Some("/good-name"));
}

#[test]
fn create_bucket_conflicts_across_accounts() {
    let s3 = setup();
    // us-east-1 legacy: re-creating your own bucket there succeeds.
    R::new(Method::PUT, Some("bkt"), None).ok(&s3);
    let e = R::new(Method::PUT, Some("bkt"), None).as_(bob()).err(&s3);
    assert_eq!(e.code(), "BucketAlreadyExists");
    assert_eq!(e.status(), StatusCode::CONFLICT);
    // Elsewhere: BucketAlreadyOwnedByYou.
    let cfg = "<CreateBucketConfiguration><LocationConstraint>eu-west-1</LocationConstraint></CreateBucketConfiguration>";
    R::new(Method::PUT, Some("eu-bkt"), None)
        .region("eu-west-1")
        .body(cfg)
        .ok(&s3);
    let e = R::new(Method::PUT, Some("eu-bkt"), None)
        .region("eu-west-1")
        .body(cfg)
        .err(&s3);
    assert_eq!(e.code(), "BucketAlreadyOwnedByYou");
    assert_eq!(e.status(), StatusCode::CONFLICT);
    let e = R::new(Method::PUT, Some("eu-bkt"), None)
        .as_(bob())
        .region("eu-west-1")
        .body(cfg)
        .err(&s3);
    assert_eq!(e.code(), "BucketAlreadyExists");
}

#[test]
fn create_bucket_location_constraints() {
    let s3 = S3::new(S3Config::default());
    let cfg = |r: &str| {
        format!(
            "<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><LocationConstraint>{r}</LocationConstraint></CreateBucketConfiguration>"
        )
    };
    // us-east-1 endpoint with an explicit us-east-1 constraint.
    let e = R::new(Method::PUT, Some("bk1"), None)
        .body(cfg("us-east-1"))
        .err(&s3);
    assert_eq!(e.code(), "InvalidLocationConstraint");
    assert_eq!(e.extra("LocationConstraint"), Some("us-east-1"));
    // Unknown region.
    let e = R::new(Method::PUT, Some("bk1"), None)
        .body(cfg("mars-north-1"))
        .err(&s3);
    assert_eq!(e.code(), "InvalidLocationConstraint");
    // Regional endpoint without a constraint.
    let e = R::new(Method::PUT, Some("bk1"), None)
        .region("eu-west-1")
        .err(&s3);
    assert_eq!(e.code(), "IllegalLocationConstraintException");
    // Regional endpoint with another region's constraint.
    let e = R::new(Method::PUT, Some("bk1"), None)
        .region("eu-west-1")
        .body(cfg("us-west-2"))
        .err(&s3);
    assert_eq!(e.code(), "IllegalLocationConstraintException");
    assert!(e.message().contains("us-west-2"));
    // Malformed configuration.
    let e = R::new(Method::PUT, Some("bk1"), None)
        .body("<CreateBucketConfiguration><Loc")
        .err(&s3);
    assert_eq!(e.code(), "MalformedXML");
    // The global endpoint may create a bucket in another region.
    R::new(Method::PUT, Some("bk1"), None)
        .body(cfg("ap-south-1"))
        .ok(&s3);
    let r = R::new(Method::GET, Some("bk1"), None)
        .q("location", "")
        .ok(&s3);
    assert!(
        text(&r).contains(">ap-south-1</LocationConstraint>"),
        "{}",
        text(&r)
    );
    let r = R::new(Method::HEAD, Some("bk1"), None).ok(&s3);
    assert_eq!(hdr(&r, "x-amz-bucket-region"), Some("ap-south-1"));
}

#[test]
fn get_bucket_location_us_east_1_is_empty() {
    let s3 = setup();
    let r = R::new(Method::GET, Some("bkt"), None)
        .q("location", "")
        .ok(&s3);
    let body = text(&r);
    assert!(
        body.contains("<LocationConstraint xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"/>")
            || body.contains("<LocationConstraint xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"></LocationConstraint>"),
        "{body}"
    );
}

#[test]
fn head_and_delete_bucket() {
    let s3 = setup();
    let r = R::new(Method::HEAD, Some("bkt"), None).ok(&s3);
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(hdr(&r, "x-amz-bucket-region"), Some("us-east-1"));
    let e = R::new(Method::HEAD, Some("nope"), None).err(&s3);
    assert_eq!(e.code(), "NoSuchBucket");
    assert!(e.to_response(&Method::HEAD, "r", "h").body().is_empty());
    let e = R::new(Method::HEAD, Some("bkt"), None).as_(bob()).err(&s3);
    assert_eq!(e.code(), "AccessDenied");

    put("bkt", "k", "x").ok(&s3);
    let e = R::new(Method::DELETE, Some("bkt"), None).err(&s3);
    assert_eq!(e.code(), "BucketNotEmpty");
    assert_eq!(e.status(), StatusCode::CONFLICT);
    R::new(Method::DELETE, Some("bkt"), Some("k")).ok(&s3);
    let e = R::new(Method::DELETE, Some("bkt"), None)
        .as_(bob())
        .err(&s3);
    assert_eq!(e.code(), "AccessDenied");
    let r = R::new(Method::DELETE, Some("bkt"), None).ok(&s3);
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let e = R::new(Method::DELETE, Some("bkt"), None).err(&s3);
    assert_eq!(e.code(), "NoSuchBucket");
}

#[test]
fn list_buckets_shows_only_own_buckets() {
    let s3 = setup();
    R::new(Method::PUT, Some("abc"), None).ok(&s3);
    R::new(Method::PUT, Some("bobs"), None).as_(bob()).ok(&s3);
    let r = R::new(Method::GET, None, None).ok(&s3);
    let body = text(&r);
    assert!(body.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?><ListAllMyBucketsResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"), "{body}");
    let abc = body.find("<Name>abc</Name>").unwrap();
    let bkt = body.find("<Name>bkt</Name>").unwrap();
    assert!(abc < bkt);
    assert!(!body.contains("bobs"));
    assert!(body.contains(&format!("<ID>{}</ID>", alice().canonical_id)));
    assert!(body.contains("<BucketRegion>us-east-1</BucketRegion>"));
    // Paging.
    let r = R::new(Method::GET, None, None)
        .q("max-buckets", "1")
        .ok(&s3);
    let body = text(&r);
    assert!(body.contains("<Name>abc</Name>") && !body.contains("<Name>bkt</Name>"));
    let token = body
        .split("<ContinuationToken>")
        .nth(1)
        .and_then(|s| s.split('<').next())
        .unwrap()
        .to_owned();
    let r = R::new(Method::GET, None, None)
        .q("max-buckets", "1")
        .q("continuation-token", &token)
        .ok(&s3);
    let body = text(&r);
    assert!(body.contains("<Name>bkt</Name>") && !body.contains("ContinuationToken"));
}

#[test]
fn unknown_bucket_and_unsupported_operations() {
    let s3 = setup();
    let e = get("nope", "k").err(&s3);
    assert_eq!(e.code(), "NoSuchBucket");
    assert_eq!(e.extra("BucketName"), Some("nope"));
    let e = R::new(Method::GET, Some("bkt"), None)
        .q("analytics", "")
        .err(&s3);
    assert_eq!(e.code(), "NotImplemented");
    assert_eq!(e.status(), StatusCode::NOT_IMPLEMENTED);
    let e = R::new(Method::GET, Some("bkt"), None)
        .q("tagging", "")
        .err(&s3);
    assert_eq!(e.code(), "NoSuchTagSet");
    assert_eq!(e.extra("BucketName"), Some("bkt"));
    let e = R::new(Method::GET, Some("nope"), None)
        .q("lifecycle", "")
        .err(&s3);
    assert_eq!(e.code(), "NoSuchBucket");
    let e = R::new(Method::POST, Some("bkt"), Some("k"))
        .q("restore", "")
        .err(&s3);
    assert_eq!(e.code(), "NotImplemented");
    // Another account gets AccessDenied on every operation.
    let e = get("bkt", "k").as_(bob()).err(&s3);
    assert_eq!(e.code(), "AccessDenied");
    assert_eq!(e.status(), StatusCode::FORBIDDEN);
    assert_eq!(e.message(), "Access Denied");
    let e = put("bkt", "k", "x").as_(bob()).err(&s3);
    assert_eq!(e.code(), "AccessDenied");
}

// ---------------------------------------------------------------- objects

#[test]
fn put_get_round_trip_with_metadata_and_content_headers() {
    let s3 = setup();
    let r = put("bkt", "dir/hello.txt", "hello world")
        .h("content-type", "text/plain")
        .h("content-encoding", "identity")
        .h("content-disposition", "attachment; filename=\"h.txt\"")
        .h("content-language", "en")
        .h("cache-control", "max-age=60")
        .h("expires", "Thu, 01 Dec 2094 16:00:00 GMT")
        .h("x-amz-meta-Color", "blue")
        .h("x-amz-meta-empty", "")
        .ok(&s3);
    assert_eq!(
        hdr(&r, "etag"),
        Some("\"5eb63bbbe01eeed093cb22bb8f5acdc3\"")
    );
    let r = get("bkt", "dir/hello.txt").ok(&s3);
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.body().as_ref(), b"hello world");
    assert_eq!(hdr(&r, "content-type"), Some("text/plain"));
    assert_eq!(hdr(&r, "content-length"), Some("11"));
    assert_eq!(hdr(&r, "content-encoding"), Some("identity"));
    assert_eq!(
        hdr(&r, "content-disposition"),
        Some("attachment; filename=\"h.txt\"")
    );
    assert_eq!(hdr(&r, "content-language"), Some("en"));
    assert_eq!(hdr(&r, "cache-control"), Some("max-age=60"));
    assert_eq!(hdr(&r, "expires"), Some("Thu, 01 Dec 2094 16:00:00 GMT"));
    assert_eq!(hdr(&r, "x-amz-meta-color"), Some("blue"));
    assert_eq!(hdr(&r, "x-amz-meta-empty"), Some(""));
    assert_eq!(hdr(&r, "accept-ranges"), Some("bytes"));
    assert!(hdr(&r, "last-modified").unwrap().ends_with(" GMT"));
    // Checksums are returned only when asked for.
    assert!(hdr(&r, "x-amz-checksum-crc64nvme").is_none());

    // HEAD: same headers, no body.
    let r = R::new(Method::HEAD, Some("bkt"), Some("dir/hello.txt")).ok(&s3);
    assert!(r.body().is_empty());
    assert_eq!(hdr(&r, "content-length"), Some("11"));
    assert_eq!(hdr(&r, "x-amz-meta-color"), Some("blue"));

    // Default content type and response-* overrides.
    put("bkt", "raw", "x").ok(&s3);
    let r = get("bkt", "raw").ok(&s3);
    assert_eq!(hdr(&r, "content-type"), Some("binary/octet-stream"));
    let r = get("bkt", "raw")
        .q("response-content-type", "image/png")
        .q("response-cache-control", "no-cache")
        .ok(&s3);
    assert_eq!(hdr(&r, "content-type"), Some("image/png"));
    assert_eq!(hdr(&r, "cache-control"), Some("no-cache"));
}

#[test]
fn get_missing_key() {
    let s3 = setup();
    let e = get("bkt", "missing").err(&s3);
    assert_eq!(e.code(), "NoSuchKey");
    assert_eq!(e.status(), StatusCode::NOT_FOUND);
    assert_eq!(e.extra("Key"), Some("missing"));
    let body =
        String::from_utf8(e.to_response(&Method::GET, "RID", "HID").body().to_vec()).unwrap();
    assert!(body.contains("<Code>NoSuchKey</Code><Message>The specified key does not exist.</Message><Key>missing</Key><RequestId>RID</RequestId>"), "{body}");
    let e = R::new(Method::HEAD, Some("bkt"), Some("missing")).err(&s3);
    assert_eq!(e.code(), "NoSuchKey");
    assert!(e.to_response(&Method::HEAD, "r", "h").body().is_empty());
}

#[test]
fn content_md5_is_verified() {
    let s3 = setup();
    put("bkt", "k", "data")
        .h("content-md5", &b64_md5(b"data"))
        .ok(&s3);
    let e = put("bkt", "k", "data")
        .h("content-md5", &b64_md5(b"other"))
        .err(&s3);
    assert_eq!(e.code(), "BadDigest");
    assert_eq!(e.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        e.extra("ExpectedDigest"),
        Some(hex::encode(Md5::digest(b"other")).as_str())
    );
    assert_eq!(e.extra("CalculatedDigest"), Some(b64_md5(b"data").as_str()));
    let e = put("bkt", "k", "data").h("content-md5", "nope!").err(&s3);
    assert_eq!(e.code(), "InvalidDigest");
    let e = put("bkt", "k", "data")
        .h("content-md5", &STANDARD.encode(b"short"))
        .err(&s3);
    assert_eq!(e.code(), "InvalidDigest");
}

#[test]
fn checksums_are_verified_stored_and_returned() {
    let s3 = setup();
    for alg in ChecksumAlgorithm::ALL {
        let value = alg.compute(b"payload");
        let r = put("bkt", "k", "payload")
            .h(alg.header_name(), &value)
            .ok(&s3);
        assert_eq!(hdr(&r, alg.header_name()), Some(value.as_str()));
        let r = get("bkt", "k").h("x-amz-checksum-mode", "ENABLED").ok(&s3);
        assert_eq!(hdr(&r, alg.header_name()), Some(value.as_str()), "{alg:?}");
        assert_eq!(hdr(&r, "x-amz-checksum-type"), Some("FULL_OBJECT"));
        // Mismatch.
        let e = put("bkt", "k", "payload")
            .h(alg.header_name(), &alg.compute(b"other"))
            .err(&s3);
        assert_eq!(e.code(), "BadDigest", "{alg:?}");
        assert!(e.message().contains(alg.upper_name()));
    }
    // Malformed and multiple.
    let e = put("bkt", "k", "payload")
        .h("x-amz-checksum-crc32", "!!")
        .err(&s3);
    assert_eq!(e.code(), "InvalidRequest");
    let e = put("bkt", "k", "payload")
        .h(
            "x-amz-checksum-crc32",
            &ChecksumAlgorithm::Crc32.compute(b"payload"),
        )
        .h(
            "x-amz-checksum-sha1",
            &ChecksumAlgorithm::Sha1.compute(b"payload"),
        )
        .err(&s3);
    assert_eq!(e.code(), "InvalidRequest");
    // Without a checksum, S3 stores a CRC64NVME one.
    put("bkt", "plain", "payload").ok(&s3);
    let r = get("bkt", "plain")
        .h("x-amz-checksum-mode", "ENABLED")
        .ok(&s3);
    assert_eq!(
        hdr(&r, "x-amz-checksum-crc64nvme"),
        Some(ChecksumAlgorithm::Crc64Nvme.compute(b"payload").as_str())
    );
    // Not for ranges.
    let r = get("bkt", "plain")
        .h("x-amz-checksum-mode", "ENABLED")
        .h("range", "bytes=0-1")
        .ok(&s3);
    assert!(hdr(&r, "x-amz-checksum-crc64nvme").is_none());
}

#[test]
fn ranges() {
    let s3 = setup();
    put("bkt", "k", "0123456789").ok(&s3);
    let cases = [
        ("bytes=0-3", "0123", "bytes 0-3/10"),
        ("bytes=8-20", "89", "bytes 8-9/10"),
        ("bytes=-3", "789", "bytes 7-9/10"),
        ("bytes=6-", "6789", "bytes 6-9/10"),
    ];
    for (range, body, content_range) in cases {
        let r = get("bkt", "k").h("range", range).ok(&s3);
        assert_eq!(r.status(), StatusCode::PARTIAL_CONTENT, "{range}");
        assert_eq!(text(&r), body, "{range}");
        assert_eq!(hdr(&r, "content-range"), Some(content_range));
        assert_eq!(
            hdr(&r, "content-length"),
            Some(body.len().to_string().as_str())
        );
    }
    let e = get("bkt", "k").h("range", "bytes=10-").err(&s3);
    assert_eq!(e.code(), "InvalidRange");
    assert_eq!(e.status(), StatusCode::RANGE_NOT_SATISFIABLE);
    assert_eq!(e.extra("ActualObjectSize"), Some("10"));
    let resp = e.to_response(&Method::GET, "r", "h");
    assert_eq!(hdr(&resp, "content-range"), Some("bytes */10"));
    // Invalid syntax is ignored: the whole object.
    for bad in ["bytes=5-1", "bytes=x-y", "lines=1-2"] {
        let r = get("bkt", "k").h("range", bad).ok(&s3);
        assert_eq!(r.status(), StatusCode::OK, "{bad}");
        assert_eq!(text(&r), "0123456789");
    }
    // HEAD with a range.
    let r = R::new(Method::HEAD, Some("bkt"), Some("k"))
        .h("range", "bytes=0-1")
        .ok(&s3);
    assert_eq!(r.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(hdr(&r, "content-length"), Some("2"));
    assert!(r.body().is_empty());
}

#[test]
fn conditional_get() {
    let s3 = setup();
    let r = put("bkt", "k", "v").ok(&s3);
    let etag = hdr(&r, "etag").unwrap().to_owned();
    let past = "Sat, 01 Jan 2000 00:00:00 GMT";
    let future = "Fri, 01 Jan 2100 00:00:00 GMT";
    let now = httpdate::fmt_http_date(std::time::SystemTime::now());

    let status = |r: R| match r.send(&s3) {
        Ok(r) => r.status(),
        Err(e) => {
            assert_eq!(e.code(), "PreconditionFailed");
            e.status()
        }
    };
    assert_eq!(status(get("bkt", "k").h("if-match", &etag)), StatusCode::OK);
    assert_eq!(status(get("bkt", "k").h("if-match", "*")), StatusCode::OK);
    assert_eq!(
        status(get("bkt", "k").h("if-match", "\"nope\"")),
        StatusCode::PRECONDITION_FAILED
    );
    assert_eq!(
        status(get("bkt", "k").h("if-none-match", &etag)),
        StatusCode::NOT_MODIFIED
    );
    assert_eq!(
        status(get("bkt", "k").h("if-none-match", "\"nope\"")),
        StatusCode::OK
    );
    assert_eq!(
        status(get("bkt", "k").h("if-modified-since", past)),
        StatusCode::OK
    );
    assert_eq!(
        status(get("bkt", "k").h("if-modified-since", &now)),
        StatusCode::NOT_MODIFIED
    );
    // A date in the future is ignored.
    assert_eq!(
        status(get("bkt", "k").h("if-modified-since", future)),
        StatusCode::OK
    );
    assert_eq!(
        status(get("bkt", "k").h("if-unmodified-since", past)),
        StatusCode::PRECONDITION_FAILED
    );
    assert_eq!(
        status(get("bkt", "k").h("if-unmodified-since", future)),
        StatusCode::OK
    );
    // Precedence: If-Match true wins over If-Unmodified-Since false.
    assert_eq!(
        status(
            get("bkt", "k")
                .h("if-match", &etag)
                .h("if-unmodified-since", past)
        ),
        StatusCode::OK
    );
    // If-None-Match false (etag matches) with If-Modified-Since true → 304.
    assert_eq!(
        status(
            get("bkt", "k")
                .h("if-none-match", &etag)
                .h("if-modified-since", past)
        ),
        StatusCode::NOT_MODIFIED
    );
    // If-None-Match true wins over If-Modified-Since false.
    assert_eq!(
        status(
            get("bkt", "k")
                .h("if-none-match", "\"x\"")
                .h("if-modified-since", &now)
        ),
        StatusCode::OK
    );
    // 412 is checked before 304.
    assert_eq!(
        status(
            get("bkt", "k")
                .h("if-match", "\"x\"")
                .h("if-none-match", &etag)
        ),
        StatusCode::PRECONDITION_FAILED
    );
    let r = get("bkt", "k").h("if-none-match", &etag).ok(&s3);
    assert!(r.body().is_empty());
    assert_eq!(hdr(&r, "etag"), Some(etag.as_str()));
    let e = get("bkt", "k").h("if-match", "\"nope\"").err(&s3);
    assert_eq!(e.extra("Condition"), Some("If-Match"));
}

#[test]
fn delete_is_idempotent_and_reports_effects() {
    let s3 = setup();
    let crate::s3::Handled {
        response: r,
        effects: fx,
    } = s3.handle(&put("bkt", "k", "v").0);
    r.unwrap();
    let Effect::ObjectCreated { kind, outcome } = &fx[0] else {
        panic!("{fx:?}")
    };
    assert_eq!(*kind, CreatedKind::Put);
    assert_eq!(outcome.size, 1);
    let put_seq = outcome.sequencer;
    for existed in [true, false] {
        let crate::s3::Handled {
            response: r,
            effects: fx,
        } = s3.handle(&R::new(Method::DELETE, Some("bkt"), Some("k")).0);
        assert_eq!(r.unwrap().status(), StatusCode::NO_CONTENT);
        let Effect::ObjectRemoved { outcome } = &fx[0] else {
            panic!("{fx:?}")
        };
        assert_eq!(outcome.existed, existed);
        assert!(outcome.sequencer > put_seq);
    }
    let e = get("bkt", "k").err(&s3);
    assert_eq!(e.code(), "NoSuchKey");
    let e = R::new(Method::DELETE, Some("nope"), Some("k")).err(&s3);
    assert_eq!(e.code(), "NoSuchBucket");
}

// ---------------------------------------------------------------- DeleteObjects

fn delete_objects(xml: &'static str) -> R {
    R::new(Method::POST, Some("bkt"), None)
        .q("delete", "")
        .h("content-md5", &b64_md5(xml.as_bytes()))
        .body(xml)
}

#[test]
fn delete_objects_verbose_and_quiet() {
    let s3 = setup();
    put("bkt", "a", "1").ok(&s3);
    put("bkt", "b", "2").ok(&s3);
    let r = delete_objects(
        "<Delete xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Object><Key>a</Key></Object><Object><Key>missing</Key></Object><Object><Key>b</Key><VersionId>bogus</VersionId></Object></Delete>",
    )
    .ok(&s3);
    let body = text(&r);
    assert!(
        body.contains("<DeleteResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"),
        "{body}"
    );
    assert!(body.contains("<Deleted><Key>a</Key></Deleted>"), "{body}");
    assert!(
        body.contains("<Deleted><Key>missing</Key></Deleted>"),
        "{body}"
    );
    assert!(
        body.contains("<Error><Key>b</Key><VersionId>bogus</VersionId><Code>NoSuchVersion</Code>"),
        "{body}"
    );
    assert_eq!(get("bkt", "a").err(&s3).code(), "NoSuchKey");
    get("bkt", "b").ok(&s3);

    let r =
        delete_objects("<Delete><Quiet>true</Quiet><Object><Key>b</Key></Object></Delete>").ok(&s3);
    let body = text(&r);
    assert!(!body.contains("<Deleted>"), "{body}");
    assert_eq!(get("bkt", "b").err(&s3).code(), "NoSuchKey");
}

#[test]
fn delete_objects_rejects_bad_requests() {
    let s3 = setup();
    for bad in [
        "<Delete><Object><Key>a</Key>",
        "<Delete></Delete>",
        "<Remove><Object><Key>a</Key></Object></Remove>",
        "<Delete><Object></Object></Delete>",
        "not xml",
    ] {
        let e = delete_objects(bad).err(&s3);
        assert_eq!(e.code(), "MalformedXML", "{bad}");
    }
    let many: String = std::iter::once("<Delete>".to_owned())
        .chain((0..1001).map(|i| format!("<Object><Key>k{i}</Key></Object>")))
        .chain(std::iter::once("</Delete>".to_owned()))
        .collect();
    let e = R::new(Method::POST, Some("bkt"), None)
        .q("delete", "")
        .h("content-md5", &b64_md5(many.as_bytes()))
        .body(many)
        .err(&s3);
    assert_eq!(e.code(), "MalformedXML");
    // Missing Content-MD5 / checksum.
    let e = R::new(Method::POST, Some("bkt"), None)
        .q("delete", "")
        .body("<Delete><Object><Key>a</Key></Object></Delete>")
        .err(&s3);
    assert_eq!(e.code(), "InvalidRequest");
    // A checksum instead of Content-MD5 works.
    let xml = "<Delete><Object><Key>a</Key></Object></Delete>";
    R::new(Method::POST, Some("bkt"), None)
        .q("delete", "")
        .h(
            "x-amz-checksum-crc32",
            &ChecksumAlgorithm::Crc32.compute(xml.as_bytes()),
        )
        .body(xml)
        .ok(&s3);
    // Wrong MD5.
    let e = R::new(Method::POST, Some("bkt"), None)
        .q("delete", "")
        .h("content-md5", &b64_md5(b"x"))
        .body(xml)
        .err(&s3);
    assert_eq!(e.code(), "BadDigest");
}

// ---------------------------------------------------------------- CopyObject

fn copy(dest_key: &str, source: &str) -> R {
    R::new(Method::PUT, Some("bkt"), Some(dest_key)).h("x-amz-copy-source", source)
}

#[test]
fn copy_object_copies_or_replaces_metadata() {
    let s3 = setup();
    put("bkt", "src key", "data")
        .h("content-type", "text/plain")
        .h("x-amz-meta-a", "1")
        .ok(&s3);
    let crate::s3::Handled {
        response: r,
        effects: fx,
    } = s3.handle(&copy("dst", "/bkt/src%20key").0);
    let r = r.unwrap();
    let body = text(&r);
    assert!(body.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?><CopyObjectResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><ETag>\"8d777f385d3dfec8815d20f7496026dc\"</ETag><LastModified>"), "{body}");
    assert!(matches!(
        fx.as_slice(),
        [Effect::ObjectCreated {
            kind: CreatedKind::Copy,
            ..
        }]
    ));
    let r = get("bkt", "dst").ok(&s3);
    assert_eq!(text(&r), "data");
    assert_eq!(hdr(&r, "content-type"), Some("text/plain"));
    assert_eq!(hdr(&r, "x-amz-meta-a"), Some("1"));

    copy("dst2", "bkt/src%20key")
        .h("x-amz-metadata-directive", "REPLACE")
        .h("x-amz-meta-b", "2")
        .h("content-type", "application/json")
        .ok(&s3);
    let r = get("bkt", "dst2").ok(&s3);
    assert_eq!(hdr(&r, "content-type"), Some("application/json"));
    assert_eq!(hdr(&r, "x-amz-meta-b"), Some("2"));
    assert!(hdr(&r, "x-amz-meta-a").is_none());

    let e = copy("dst3", "/bkt/src%20key")
        .h("x-amz-metadata-directive", "MERGE")
        .err(&s3);
    assert_eq!(e.code(), "InvalidArgument");
}

#[test]
fn copy_object_errors() {
    let s3 = setup();
    put("bkt", "k", "data").ok(&s3);
    // Onto itself without changes.
    let e = copy("k", "/bkt/k").err(&s3);
    assert_eq!(e.code(), "InvalidRequest");
    assert!(e.message().contains("copy an object to itself"));
    // ... with REPLACE it is allowed.
    copy("k", "/bkt/k")
        .h("x-amz-metadata-directive", "REPLACE")
        .h("x-amz-meta-new", "1")
        .ok(&s3);
    assert_eq!(hdr(&get("bkt", "k").ok(&s3), "x-amz-meta-new"), Some("1"));
    assert_eq!(copy("d", "/bkt/missing").err(&s3).code(), "NoSuchKey");
    assert_eq!(copy("d", "/nobucket/k").err(&s3).code(), "NoSuchBucket");
    assert_eq!(copy("d", "bkt").err(&s3).code(), "InvalidArgument");
    copy("d", "/bkt/k?versionId=null").ok(&s3);
    assert_eq!(
        copy("d", "/bkt/k?versionId=abc").err(&s3).code(),
        "InvalidArgument"
    );
    // Another account's source bucket.
    R::new(Method::PUT, Some("bobs"), None).as_(bob()).ok(&s3);
    put("bobs", "x", "y").as_(bob()).ok(&s3);
    assert_eq!(copy("d", "/bobs/x").err(&s3).code(), "AccessDenied");
}

#[test]
fn copy_source_conditions() {
    let s3 = setup();
    let etag = hdr(&put("bkt", "k", "data").ok(&s3), "etag")
        .unwrap()
        .to_owned();
    let past = "Sat, 01 Jan 2000 00:00:00 GMT";
    let future = "Fri, 01 Jan 2100 00:00:00 GMT";
    copy("d", "/bkt/k")
        .h("x-amz-copy-source-if-match", &etag)
        .ok(&s3);
    let e = copy("d", "/bkt/k")
        .h("x-amz-copy-source-if-match", "\"x\"")
        .err(&s3);
    assert_eq!(e.code(), "PreconditionFailed");
    let e = copy("d", "/bkt/k")
        .h("x-amz-copy-source-if-none-match", &etag)
        .err(&s3);
    assert_eq!(e.code(), "PreconditionFailed");
    let e = copy("d", "/bkt/k")
        .h("x-amz-copy-source-if-unmodified-since", past)
        .err(&s3);
    assert_eq!(e.code(), "PreconditionFailed");
    copy("d", "/bkt/k")
        .h("x-amz-copy-source-if-modified-since", past)
        .ok(&s3);
    copy("d", "/bkt/k")
        .h("x-amz-copy-source-if-unmodified-since", future)
        .ok(&s3);
    // If-Match true and If-Unmodified-Since false → copy proceeds.
    copy("d", "/bkt/k")
        .h("x-amz-copy-source-if-match", &etag)
        .h("x-amz-copy-source-if-unmodified-since", past)
        .ok(&s3);
    // If-None-Match false and If-Modified-Since true → 412.
    let e = copy("d", "/bkt/k")
        .h("x-amz-copy-source-if-none-match", &etag)
        .h("x-amz-copy-source-if-modified-since", past)
        .err(&s3);
    assert_eq!(e.code(), "PreconditionFailed");
}

// ---------------------------------------------------------------- listing

fn list_setup() -> S3 {
    let s3 = setup();
    for k in [
        "a.txt",
        "dir/1.txt",
        "dir/2.txt",
        "dir/sub/3.txt",
        "photos/2024/x.jpg",
        "z z+.txt",
    ] {
        put("bkt", k, "x").ok(&s3);
    }
    s3
}

fn list_v2() -> R {
    R::new(Method::GET, Some("bkt"), None).q("list-type", "2")
}

fn elements(body: &str, tag: &str) -> Vec<String> {
    let open = format!("<{tag}>");
    let close = format!("</{tag}>");
    let body = body.replace(&format!("<{tag}/>"), &format!("{open}{close}"));
    body.split(&open)
        .skip(1)
        .filter_map(|s| s.split(&close).next().map(str::to_owned))
        .collect()
}

#[test]
fn list_v2_plain_prefix_and_delimiter() {
    let s3 = list_setup();
    let body = text(&list_v2().ok(&s3));
    assert!(body.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?><ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>bkt</Name>"), "{body}");
    assert_eq!(
        elements(&body, "Key"),
        [
            "a.txt",
            "dir/1.txt",
            "dir/2.txt",
            "dir/sub/3.txt",
            "photos/2024/x.jpg",
            "z z+.txt"
        ]
    );
    assert_eq!(elements(&body, "KeyCount"), ["6"]);
    assert_eq!(elements(&body, "IsTruncated"), ["false"]);
    assert_eq!(elements(&body, "MaxKeys"), ["1000"]);
    assert_eq!(
        elements(&body, "ETag")[0],
        "\"9dd4e461268c8034f5c8564e155c67a6\""
    );
    assert_eq!(elements(&body, "StorageClass")[0], "STANDARD");
    assert_eq!(elements(&body, "Size")[0], "1");
    let lm = &elements(&body, "LastModified")[0];
    assert!(
        lm.len() == 24 && lm.as_bytes()[19] == b'.' && lm.as_bytes()[23] == b'Z',
        "{lm}"
    );
    assert!(!body.contains("<Owner>"));
    assert!(!body.contains("<Delimiter>"));

    let body = text(&list_v2().q("delimiter", "/").ok(&s3));
    assert_eq!(elements(&body, "Key"), ["a.txt", "z z+.txt"]);
    assert_eq!(elements(&body, "Prefix"), ["", "dir/", "photos/"]);
    assert_eq!(elements(&body, "KeyCount"), ["4"]);
    assert_eq!(elements(&body, "Delimiter"), ["/"]);

    let body = text(&list_v2().q("delimiter", "/").q("prefix", "dir/").ok(&s3));
    assert_eq!(elements(&body, "Key"), ["dir/1.txt", "dir/2.txt"]);
    assert_eq!(elements(&body, "Prefix"), ["dir/", "dir/sub/"]);

    let body = text(&list_v2().q("prefix", "photos").ok(&s3));
    assert_eq!(elements(&body, "Key"), ["photos/2024/x.jpg"]);

    let body = text(&list_v2().q("fetch-owner", "true").ok(&s3));
    assert_eq!(elements(&body, "ID").len(), 6);
}

#[test]
fn list_v2_pages_with_continuation_and_start_after() {
    let s3 = list_setup();
    let mut keys = Vec::new();
    let mut prefixes = Vec::new();
    let mut token: Option<String> = None;
    let mut pages = 0;
    loop {
        let mut r = list_v2().q("max-keys", "2").q("delimiter", "/");
        if let Some(t) = &token {
            r = r.q("continuation-token", t);
        }
        let body = text(&r.ok(&s3));
        pages += 1;
        keys.extend(elements(&body, "Key"));
        prefixes.extend(elements(&body, "Prefix").into_iter().skip(1));
        assert!(elements(&body, "KeyCount")[0].parse::<u32>().unwrap() <= 2);
        if let Some(t) = &token {
            assert_eq!(
                elements(&body, "ContinuationToken"),
                std::slice::from_ref(t)
            );
        }
        let Some(t) = elements(&body, "NextContinuationToken").pop() else {
            assert_eq!(elements(&body, "IsTruncated"), ["false"]);
            break;
        };
        assert_eq!(elements(&body, "IsTruncated"), ["true"]);
        token = Some(t);
    }
    assert_eq!(pages, 2);
    assert_eq!(keys, ["a.txt", "z z+.txt"]);
    assert_eq!(prefixes, ["dir/", "photos/"]);

    let body = text(&list_v2().q("start-after", "dir/2.txt").ok(&s3));
    assert_eq!(
        elements(&body, "Key"),
        ["dir/sub/3.txt", "photos/2024/x.jpg", "z z+.txt"]
    );
    assert_eq!(elements(&body, "StartAfter"), ["dir/2.txt"]);

    let body = text(&list_v2().q("max-keys", "0").ok(&s3));
    assert!(elements(&body, "Key").is_empty());
    assert_eq!(elements(&body, "IsTruncated"), ["false"]);

    let e = list_v2().q("continuation-token", "!!!").err(&s3);
    assert_eq!(e.code(), "InvalidArgument");
    let e = list_v2().q("max-keys", "ten").err(&s3);
    assert_eq!(e.code(), "InvalidArgument");
    let e = list_v2().q("encoding-type", "base64").err(&s3);
    assert_eq!(e.code(), "InvalidArgument");
    let e = R::new(Method::GET, Some("nope"), None)
        .q("list-type", "2")
        .err(&s3);
    assert_eq!(e.code(), "NoSuchBucket");
}

#[test]
fn list_encoding_type_url() {
    let s3 = list_setup();
    let body = text(
        &list_v2()
            .q("encoding-type", "url")
            .q("prefix", "z z")
            .ok(&s3),
    );
    assert_eq!(elements(&body, "Key"), ["z+z%2B.txt"]);
    assert_eq!(elements(&body, "Prefix"), ["z+z"]);
    assert_eq!(elements(&body, "EncodingType"), ["url"]);
    let body = text(
        &R::new(Method::GET, Some("bkt"), None)
            .q("encoding-type", "url")
            .ok(&s3),
    );
    assert!(elements(&body, "Key").contains(&"z+z%2B.txt".to_owned()));
}

#[test]
fn list_v1_marker_and_next_marker() {
    let s3 = list_setup();
    let v1 = || R::new(Method::GET, Some("bkt"), None);
    let body = text(&v1().q("max-keys", "2").ok(&s3));
    assert_eq!(elements(&body, "Key"), ["a.txt", "dir/1.txt"]);
    assert_eq!(elements(&body, "IsTruncated"), ["true"]);
    assert_eq!(elements(&body, "Marker"), [""]);
    // NextMarker only with a delimiter.
    assert!(elements(&body, "NextMarker").is_empty());
    // V1 always shows the owner.
    assert_eq!(elements(&body, "ID").len(), 2);
    let body = text(&v1().q("max-keys", "2").q("marker", "dir/1.txt").ok(&s3));
    assert_eq!(elements(&body, "Key"), ["dir/2.txt", "dir/sub/3.txt"]);
    assert_eq!(elements(&body, "Marker"), ["dir/1.txt"]);

    let body = text(&v1().q("delimiter", "/").q("max-keys", "2").ok(&s3));
    assert_eq!(elements(&body, "Key"), ["a.txt"]);
    assert_eq!(elements(&body, "NextMarker"), ["dir/"]);
    let body = text(
        &v1()
            .q("delimiter", "/")
            .q("max-keys", "2")
            .q("marker", "dir/")
            .ok(&s3),
    );
    assert_eq!(elements(&body, "Prefix"), ["", "photos/"]);
    assert_eq!(elements(&body, "Key"), ["z z+.txt"]);
    assert_eq!(elements(&body, "IsTruncated"), ["false"]);
}

#[test]
fn metadata_too_large_and_key_too_long() {
    let s3 = setup();
    let big = "v".repeat(2100);
    let e = put("bkt", "k", "x").h("x-amz-meta-big", &big).err(&s3);
    assert_eq!(e.code(), "MetadataTooLarge");
    let long = "k".repeat(1025);
    let e = put("bkt", &long, "x").err(&s3);
    assert_eq!(e.code(), "KeyTooLongError");
}

#[test]
fn conditional_put() {
    let s3 = setup();
    put("bkt", "k", "1").h("if-none-match", "*").ok(&s3);
    let e = put("bkt", "k", "2").h("if-none-match", "*").err(&s3);
    assert_eq!(e.code(), "PreconditionFailed");
    let e = put("bkt", "k", "2").h("if-match", "\"nope\"").err(&s3);
    assert_eq!(e.code(), "PreconditionFailed");
    assert_eq!(text(&get("bkt", "k").ok(&s3)), "1");
}

#[test]
fn expected_bucket_owner() {
    let s3 = setup();
    put("bkt", "k", "v")
        .h("x-amz-expected-bucket-owner", "000000000000")
        .ok(&s3);
    let e = get("bkt", "k")
        .h("x-amz-expected-bucket-owner", "111111111111")
        .err(&s3);
    assert_eq!(e.code(), "AccessDenied");
    let e = R::new(Method::HEAD, Some("bkt"), None)
        .h("x-amz-expected-bucket-owner", "111111111111")
        .err(&s3);
    assert_eq!(e.code(), "AccessDenied");
    let resp = e.to_response(&Method::HEAD, "r", "h");
    assert_eq!(hdr(&resp, "x-amz-bucket-region"), Some("us-east-1"));
    let e = copy("d", "/bkt/k")
        .h("x-amz-source-expected-bucket-owner", "111111111111")
        .err(&s3);
    assert_eq!(e.code(), "AccessDenied");
}

#[test]
fn archived_objects_are_not_readable() {
    let s3 = setup();
    put("bkt", "cold", "zzz")
        .h("x-amz-storage-class", "GLACIER")
        .ok(&s3);
    let e = get("bkt", "cold").err(&s3);
    assert_eq!(e.code(), "InvalidObjectState");
    assert_eq!(e.status(), StatusCode::FORBIDDEN);
    let r = R::new(Method::HEAD, Some("bkt"), Some("cold")).ok(&s3);
    assert_eq!(hdr(&r, "x-amz-storage-class"), Some("GLACIER"));
    assert_eq!(copy("d", "/bkt/cold").err(&s3).code(), "InvalidObjectState");
    let e = put("bkt", "k", "x")
        .h("x-amz-storage-class", "FROZEN")
        .err(&s3);
    assert_eq!(e.code(), "InvalidStorageClass");
}

#[test]
fn timestamps_have_second_precision() {
    let s3 = setup();
    put("bkt", "k", "x").ok(&s3);
    let body = text(&list_v2().ok(&s3));
    assert_eq!(&elements(&body, "LastModified")[0][19..], ".000Z", "{body}");
    let body = text(&R::new(Method::GET, None, None).ok(&s3));
    assert_eq!(&elements(&body, "CreationDate")[0][19..], ".000Z", "{body}");
}

#[test]
fn empty_key_is_bucket_level() {
    let s3 = setup();
    let r = R::new(Method::HEAD, Some("bkt"), Some("")).ok(&s3);
    assert_eq!(hdr(&r, "x-amz-bucket-region"), Some("us-east-1"));
}

#[test]
fn location_constraints_as_aws_records_them() {
    let s3 = S3::new(S3Config::default());
    let cfg = |r: &str| {
        format!(
            "<CreateBucketConfiguration><LocationConstraint>{r}</LocationConstraint></CreateBucketConfiguration>"
        )
    };
    // Regional endpoint: any other constraint, even an unknown one, is "incompatible".
    let e = R::new(Method::PUT, Some("bk1"), None)
        .region("eu-west-1")
        .body(cfg("bar"))
        .err(&s3);
    assert_eq!(e.code(), "IllegalLocationConstraintException");
    assert_eq!(
        e.message(),
        "The bar location constraint is incompatible for the region specific endpoint this request was sent to."
    );
    let e = R::new(Method::PUT, Some("bk1"), None)
        .region("eu-west-1")
        .body(cfg("EU"))
        .err(&s3);
    assert_eq!(e.code(), "IllegalLocationConstraintException");
    // The legacy EU constraint from the global endpoint: eu-west-1, reported as EU.
    let r = R::new(Method::PUT, Some("bk1"), None)
        .body(cfg("EU"))
        .ok(&s3);
    assert_eq!(hdr(&r, "location"), Some("http://bk1.s3.amazonaws.com/"));
    assert_eq!(hdr(&r, "x-amz-bucket-arn"), Some("arn:aws:s3:::bk1"));
    let r = R::new(Method::GET, Some("bk1"), None)
        .q("location", "")
        .ok(&s3);
    assert!(
        text(&r).contains(">EU</LocationConstraint>"),
        "{}",
        text(&r)
    );
    let r = R::new(Method::HEAD, Some("bk1"), None).ok(&s3);
    assert_eq!(hdr(&r, "x-amz-bucket-region"), Some("eu-west-1"));
    assert_eq!(hdr(&r, "x-amz-bucket-arn"), Some("arn:aws:s3:::bk1"));
    assert_eq!(hdr(&r, "x-amz-access-point-alias"), Some("false"));
    // Regional endpoint with its own region.
    R::new(Method::PUT, Some("bk2"), None)
        .region("us-west-2")
        .body(cfg("us-west-2"))
        .ok(&s3);
    let body = text(&R::new(Method::GET, None, None).ok(&s3));
    assert!(
        body.contains("<BucketArn>arn:aws:s3:::bk2</BucketArn>"),
        "{body}"
    );
    let body = text(
        &R::new(Method::GET, None, None)
            .q("bucket-region", "us-west-2")
            .ok(&s3),
    );
    assert_eq!(elements(&body, "Name"), ["bk2"]);
    let e = R::new(Method::GET, None, None)
        .q("bucket-region", "eu-east-1")
        .err(&s3);
    assert_eq!(e.code(), "InvalidArgument");
    assert_eq!(
        e.message(),
        "Argument value eu-east-1 is not a valid AWS Region"
    );
}

#[test]
fn write_condition_validation() {
    let s3 = setup();
    let e = put("bkt", "k", "x").h("if-match", "*").err(&s3);
    assert_eq!(e.code(), "NotImplemented");
    assert_eq!(e.extra("Header"), Some("If-Match"));
    let e = put("bkt", "k", "x").h("if-none-match", "\"abc\"").err(&s3);
    assert_eq!(e.extra("Header"), Some("If-None-Match"));
    let e = put("bkt", "k", "x")
        .h("if-match", "\"abc\"")
        .h("if-none-match", "*")
        .err(&s3);
    assert_eq!(e.extra("Header"), Some("If-Match,If-None-Match"));
    assert_eq!(
        e.extra("additionalMessage"),
        Some("Multiple conditional request headers present in the request")
    );
    // If-Match on a missing key.
    assert_eq!(
        put("bkt", "k", "x")
            .h("if-match", "\"abc\"")
            .err(&s3)
            .code(),
        "NoSuchKey"
    );
    // CopyObject honours the same destination conditions.
    put("bkt", "src", "data").ok(&s3);
    copy("dst", "/bkt/src").h("if-none-match", "*").ok(&s3);
    let e = copy("dst", "/bkt/src").h("if-none-match", "*").err(&s3);
    assert_eq!(e.code(), "PreconditionFailed");
    assert_eq!(e.extra("Condition"), Some("If-None-Match"));
    let e = copy("dst", "/bkt/src").h("if-match", "\"nope\"").err(&s3);
    assert_eq!(e.extra("Condition"), Some("If-Match"));
    let etag = hdr(&get("bkt", "dst").ok(&s3), "etag").unwrap().to_owned();
    copy("dst", "/bkt/src").h("if-match", &etag).ok(&s3);
}

#[test]
fn checksum_returned_for_ranges_covering_the_object() {
    let s3 = setup();
    put("bkt", "k", "0123456789").ok(&s3);
    let crc = ChecksumAlgorithm::Crc64Nvme.compute(b"0123456789");
    for (range, returned) in [
        ("bytes=0-9", true),
        ("bytes=-15", true),
        ("bytes=0-100", true),
        ("bytes=0-8", false),
        ("bytes=1-", false),
    ] {
        let r = get("bkt", "k")
            .h("range", range)
            .h("x-amz-checksum-mode", "ENABLED")
            .ok(&s3);
        assert_eq!(r.status(), StatusCode::PARTIAL_CONTENT);
        assert_eq!(
            hdr(&r, "x-amz-checksum-crc64nvme").is_some(),
            returned,
            "{range}"
        );
        if returned {
            assert_eq!(hdr(&r, "x-amz-checksum-crc64nvme"), Some(crc.as_str()));
        }
    }
}

#[test]
fn copy_in_place_with_storage_class_and_bad_source() {
    let s3 = setup();
    put("bkt", "k", "data").ok(&s3);
    // Naming a storage class, even the current one, makes an in-place copy legal.
    copy("k", "/bkt/k")
        .h("x-amz-storage-class", "STANDARD")
        .ok(&s3);
    let e = copy("k", "wrongformat").err(&s3);
    assert_eq!(e.code(), "InvalidArgument");
    assert_eq!(e.message(), "Invalid copy source object key");
    assert_eq!(e.extra("ArgumentName"), Some("x-amz-copy-source"));
    let r = copy("k2", "/bkt/k").ok(&s3);
    let body = text(&r);
    assert!(
        body.contains("<ChecksumType>FULL_OBJECT</ChecksumType><ChecksumCRC64NVME>"),
        "{body}"
    );
}

#[test]
fn checksum_algorithm_header_alone_is_ignored_on_put() {
    let s3 = setup();
    put("bkt", "k", "data")
        .h("x-amz-checksum-algorithm", "SHA256")
        .h("x-amz-sdk-checksum-algorithm", "TEST")
        .ok(&s3);
    let r = get("bkt", "k").h("x-amz-checksum-mode", "ENABLED").ok(&s3);
    assert!(hdr(&r, "x-amz-checksum-crc64nvme").is_some());
    assert!(hdr(&r, "x-amz-checksum-sha256").is_none());
    // A value header wins over a differing algorithm name.
    let sha = ChecksumAlgorithm::Sha256.compute(b"data");
    put("bkt", "k", "data")
        .h("x-amz-checksum-algorithm", "SHA1")
        .h("x-amz-checksum-sha256", &sha)
        .ok(&s3);
    let r = get("bkt", "k").h("x-amz-checksum-mode", "ENABLED").ok(&s3);
    assert_eq!(hdr(&r, "x-amz-checksum-sha256"), Some(sha.as_str()));
}

#[test]
fn conditional_delete() {
    let s3 = setup();
    let etag = hdr(&put("bkt", "k", "v").ok(&s3), "etag")
        .unwrap()
        .to_owned();
    let del = || R::new(Method::DELETE, Some("bkt"), Some("k"));
    let e = del().h("if-match", "badvalue").err(&s3);
    assert_eq!(e.code(), "PreconditionFailed");
    assert_eq!(e.extra("Condition"), Some("If-Match"));
    let e = del()
        .h(
            "x-amz-if-match-last-modified-time",
            "Sat, 01 Jan 2000 00:00:00 GMT",
        )
        .h("x-amz-if-match-size", "1")
        .err(&s3);
    assert_eq!(e.code(), "NotImplemented");
    assert_eq!(e.extra("Header"), Some("x-amz-if-match-last-modified-time"));
    let e = del().h("x-amz-if-match-size", "1").err(&s3);
    assert_eq!(e.extra("Header"), Some("x-amz-if-match-size"));
    get("bkt", "k").ok(&s3);
    assert_eq!(
        del().h("if-match", &etag).ok(&s3).status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(get("bkt", "k").err(&s3).code(), "NoSuchKey");
}

#[test]
fn website_redirect_location() {
    let s3 = setup();
    put("bkt", "k", "v")
        .h("x-amz-website-redirect-location", "/test/direct")
        .ok(&s3);
    let r = R::new(Method::HEAD, Some("bkt"), Some("k")).ok(&s3);
    assert_eq!(
        hdr(&r, "x-amz-website-redirect-location"),
        Some("/test/direct")
    );
    // Not copied; an in-place copy naming it is legal.
    copy("k2", "/bkt/k").ok(&s3);
    let r = R::new(Method::HEAD, Some("bkt"), Some("k2")).ok(&s3);
    assert!(hdr(&r, "x-amz-website-redirect-location").is_none());
    copy("k", "/bkt/k")
        .h("x-amz-website-redirect-location", "/test/direct")
        .ok(&s3);
    let r = R::new(Method::HEAD, Some("bkt"), Some("k")).ok(&s3);
    assert_eq!(
        hdr(&r, "x-amz-website-redirect-location"),
        Some("/test/direct")
    );
}

#[test]
fn bad_override_values_do_not_fail_the_response() {
    let s3 = setup();
    put("bkt", "k", "v").ok(&s3);
    let r = get("bkt", "k")
        .q("response-content-type", "text/plain\n")
        .q("response-cache-control", "a\u{7}b")
        .ok(&s3);
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(hdr(&r, "content-type"), Some("binary/octet-stream"));
    assert!(hdr(&r, "cache-control").is_none());
}
