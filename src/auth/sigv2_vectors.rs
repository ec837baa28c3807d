//! SigV2 vectors: the AWS documentation's examples (RESTAuthentication, "Authentication
//! examples", every header example's signature reproduced) and the refusals, driven through
//! [`authenticate_s3`](super::authenticate_s3).
//!
//! The documentation's Delete example puts the `x-amz-date` value on the Date line, against its
//! own rule ("use the empty string for the Date"); S3 follows the rule, so the vector here
//! follows it, its signature computed independently (Python's `hmac`). The query example's
//! printed signature does not match its printed StringToSign; the vector uses the StringToSign
//! and a signature computed the same way.

use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http::StatusCode;
use http::request::Parts;

use super::sigv2::{SUBRESOURCES, canonical_resource, sign};
use super::{Account, AuthError, AuthMethod, AuthSettings, Keyring, SigV2Policy, authenticate_s3};

const AKID: &str = "AKIAIOSFODNN7EXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const BUCKET: &str = "awsexamplebucket1";

fn keyring() -> Keyring {
    Keyring::new([Account::new("000000000000", AKID, SECRET)])
}

fn parts(method: &str, uri: &str, headers: &[(&str, &str)]) -> Parts {
    let mut b = http::Request::builder().method(method).uri(uri);
    for (k, v) in headers {
        b = b.header(*k, *v);
    }
    b.body(()).unwrap().into_parts().0
}

fn at(http_date: &str) -> SystemTime {
    let t = time::OffsetDateTime::parse(http_date, &time::format_description::well_known::Rfc2822)
        .unwrap();
    SystemTime::UNIX_EPOCH + Duration::from_secs(t.unix_timestamp().unsigned_abs())
}

/// One documented example: the request, the bucket its `Host` names, its signature.
struct Example {
    method: &'static str,
    uri: &'static str,
    headers: &'static [(&'static str, &'static str)],
    vhost: Option<&'static str>,
    date: &'static str,
    signature: &'static str,
}

const EXAMPLES: [Example; 9] = [
    // Object GET.
    Example {
        method: "GET",
        uri: "/photos/puppy.jpg",
        headers: &[("date", "Tue, 27 Mar 2007 19:36:42 +0000")],
        vhost: Some(BUCKET),
        date: "Tue, 27 Mar 2007 19:36:42 +0000",
        signature: "qgk2+6Sv9/oM7G3qLEjTH1a1l1g=",
    },
    // Object PUT.
    Example {
        method: "PUT",
        uri: "/photos/puppy.jpg",
        headers: &[
            ("content-type", "image/jpeg"),
            ("date", "Tue, 27 Mar 2007 21:15:45 +0000"),
        ],
        vhost: Some(BUCKET),
        date: "Tue, 27 Mar 2007 21:15:45 +0000",
        signature: "iqRzw+ileNPu1fhspnRs8nOjjIA=",
    },
    // List: the query's parameters are not sub-resources.
    Example {
        method: "GET",
        uri: "/?prefix=photos&max-keys=50&marker=puppy",
        headers: &[
            ("user-agent", "Mozilla/5.0"),
            ("date", "Tue, 27 Mar 2007 19:42:41 +0000"),
        ],
        vhost: Some(BUCKET),
        date: "Tue, 27 Mar 2007 19:42:41 +0000",
        signature: "m0WP8eCtspQl5Ahe6L1SozdX9YA=",
    },
    // Fetch: `?acl` is.
    Example {
        method: "GET",
        uri: "/?acl",
        headers: &[("date", "Tue, 27 Mar 2007 19:44:46 +0000")],
        vhost: Some(BUCKET),
        date: "Tue, 27 Mar 2007 19:44:46 +0000",
        signature: "82ZHiFIjc+WbcwFKGUVEQspPn+0=",
    },
    // Delete, path style, with x-amz-date: the Date line is empty (see the module comment).
    Example {
        method: "DELETE",
        uri: "/awsexamplebucket1/photos/puppy.jpg",
        headers: &[
            ("user-agent", "dotnet"),
            ("date", "Tue, 27 Mar 2007 21:20:27 +0000"),
            ("x-amz-date", "Tue, 27 Mar 2007 21:20:26 +0000"),
        ],
        vhost: None,
        date: "Tue, 27 Mar 2007 21:20:26 +0000",
        signature: "Ri1hpB1zpS9pGqR7y8kuNFCl4sE=",
    },
    // Upload: x-amz-* headers lowercased, sorted, repeated ones joined by commas.
    Example {
        method: "PUT",
        uri: "/db-backup.dat.gz",
        headers: &[
            ("user-agent", "curl/7.15.5"),
            ("date", "Tue, 27 Mar 2007 21:06:08 +0000"),
            ("x-amz-acl", "public-read"),
            ("content-type", "application/x-download"),
            ("content-md5", "4gJE4saaMU4BqNR0kLY+lw=="),
            ("X-Amz-Meta-ReviewedBy", "joe@awsexamplebucket1.net"),
            ("X-Amz-Meta-ReviewedBy", "jane@awsexamplebucket1.net"),
            ("X-Amz-Meta-FileChecksum", "0x02661779"),
            ("X-Amz-Meta-ChecksumAlgorithm", "crc32"),
            ("content-disposition", "attachment; filename=database.dat"),
            ("content-encoding", "gzip"),
        ],
        vhost: Some("static.awsexamplebucket1.net"),
        date: "Tue, 27 Mar 2007 21:06:08 +0000",
        signature: "dKZcB+bz2EPXgSdXZp9ozGeOM4I=",
    },
    // List all my buckets.
    Example {
        method: "GET",
        uri: "/",
        headers: &[("date", "Wed, 28 Mar 2007 01:29:59 +0000")],
        vhost: None,
        date: "Wed, 28 Mar 2007 01:29:59 +0000",
        signature: "qGdzdERIC03wnaRNKh6OqZehG9s=",
    },
    // Unicode keys: the path is signed as sent, escapes and their case included.
    Example {
        method: "GET",
        uri: "/dictionary/fran%C3%A7ais/pr%c3%a9f%c3%a8re",
        headers: &[("date", "Wed, 28 Mar 2007 01:49:49 +0000")],
        vhost: None,
        date: "Wed, 28 Mar 2007 01:49:49 +0000",
        signature: "DNEZGsoieTZ92F3bUfSPQcbGmlM=",
    },
    // The same GET with an HTTP date in GMT, as botocore writes it.
    Example {
        method: "GET",
        uri: "/photos/puppy.jpg",
        headers: &[("date", "Tue, 27 Mar 2007 19:36:42 GMT")],
        vhost: Some(BUCKET),
        date: "Tue, 27 Mar 2007 19:36:42 +0000",
        signature: "SIGNED-BELOW",
    },
];

fn header_parts(e: &Example, signature: &str) -> Parts {
    let auth = format!("AWS {AKID}:{signature}");
    let mut headers = e.headers.to_vec();
    headers.push(("authorization", &auth));
    parts(e.method, e.uri, &headers)
}

#[test]
fn documented_header_examples_verify() {
    for e in &EXAMPLES {
        let signature = if e.signature == "SIGNED-BELOW" {
            sign(
                SECRET,
                "GET\n\n\nTue, 27 Mar 2007 19:36:42 GMT\n/awsexamplebucket1/photos/puppy.jpg",
            )
        } else {
            e.signature.to_owned()
        };
        let p = header_parts(e, &signature);
        let ok = authenticate_s3(&p, Bytes::new(), &keyring(), at(e.date), e.vhost)
            .unwrap_or_else(|err| panic!("{} {}: {err} {:?}", e.method, e.uri, err.extras()));
        assert_eq!(ok.method, AuthMethod::HeaderV2);
        assert_eq!(ok.access_key, AKID);
        assert_eq!(ok.service, "s3");
    }
}

#[test]
fn a_wrong_signature_echoes_the_string_to_sign() {
    let e = &EXAMPLES[5];
    let p = header_parts(e, "dKZcB+bz2EPXgSdXZp9ozGeOM4J=");
    let err = authenticate_s3(&p, Bytes::new(), &keyring(), at(e.date), e.vhost).unwrap_err();
    assert_eq!(
        (err.s3_code(), err.status()),
        ("SignatureDoesNotMatch", StatusCode::FORBIDDEN)
    );
    let extras = err.extras();
    let names: Vec<_> = extras.iter().map(|(n, _)| *n).collect();
    assert_eq!(
        names,
        [
            "AWSAccessKeyId",
            "StringToSign",
            "SignatureProvided",
            "StringToSignBytes"
        ]
    );
    assert_eq!(
        extras[1].1,
        "PUT\n4gJE4saaMU4BqNR0kLY+lw==\napplication/x-download\nTue, 27 Mar 2007 21:06:08 +0000\n\
         x-amz-acl:public-read\nx-amz-meta-checksumalgorithm:crc32\nx-amz-meta-filechecksum:0x02661779\n\
         x-amz-meta-reviewedby:joe@awsexamplebucket1.net,jane@awsexamplebucket1.net\n\
         /static.awsexamplebucket1.net/db-backup.dat.gz"
    );
    assert!(extras[3].1.starts_with("50 55 54 0a"), "{}", extras[3].1);
    // Path style instead of the virtual host: the resource lacks the bucket.
    let e = &EXAMPLES[0];
    let err = authenticate_s3(
        &header_parts(e, e.signature),
        Bytes::new(),
        &keyring(),
        at(e.date),
        None,
    )
    .unwrap_err();
    assert_eq!(
        err.extras()[1].1,
        "GET\n\n\nTue, 27 Mar 2007 19:36:42 +0000\n/photos/puppy.jpg"
    );
}

#[test]
fn the_documented_query_example_verifies_until_it_expires() {
    // StringToSign "GET\n\n\n1175139620\n/awsexamplebucket1/photos/puppy.jpg".
    let uri = "/photos/puppy.jpg?AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Signature=1No4mq5ETf02z8aet9voy6gui6E%3D&Expires=1175139620";
    let p = parts("GET", uri, &[]);
    let before = SystemTime::UNIX_EPOCH + Duration::from_secs(1_175_139_620);
    let ok = authenticate_s3(&p, Bytes::new(), &keyring(), before, Some(BUCKET)).unwrap();
    assert_eq!(ok.method, AuthMethod::PresignedV2);
    // Ten years early is fine: a query has no clock skew, only its expiry.
    let early = before - Duration::from_hours(10 * 365 * 24);
    authenticate_s3(&p, Bytes::new(), &keyring(), early, Some(BUCKET)).unwrap();
    let after = before + Duration::from_secs(1);
    let err = authenticate_s3(&p, Bytes::new(), &keyring(), after, Some(BUCKET)).unwrap_err();
    assert_eq!(
        (err.s3_code(), err.to_string().as_str()),
        ("AccessDenied", "Request has expired")
    );
    assert_eq!(
        err.extras(),
        [
            ("Expires", "2007-03-29T03:40:20Z".to_owned()),
            ("ServerTime", "2007-03-29T03:40:21Z".to_owned())
        ]
    );
}

#[test]
fn query_amz_parameters_and_content_type_are_signed() {
    // botocore moves x-amz-* headers and Content-Type into a presigned V2 URL's query.
    let sts = "PUT\n\ntext/plain\n1175139620\nx-amz-security-token:tok/en+\n/awsexamplebucket1/k";
    let sig = sign(SECRET, sts);
    let encoded: String = form_urlencoded::byte_serialize(sig.as_bytes()).collect();
    let uri = format!(
        "/awsexamplebucket1/k?AWSAccessKeyId={AKID}&Signature={encoded}&content-type=text%2Fplain&x-amz-security-token=tok%2Fen%2B&Expires=1175139620"
    );
    let now = SystemTime::UNIX_EPOCH + Duration::from_mins(19_585_650);
    authenticate_s3(
        &parts("PUT", &uri, &[]),
        Bytes::new(),
        &keyring(),
        now,
        None,
    )
    .unwrap();
    // The header wins over the parameter when both are sent.
    let p = parts("PUT", &uri, &[("content-type", "image/png")]);
    let err = authenticate_s3(&p, Bytes::new(), &keyring(), now, None).unwrap_err();
    assert!(err.extras()[1].1.starts_with("PUT\n\nimage/png\n"));
}

#[test]
fn sub_resources_are_sorted_and_decoded() {
    assert!(
        SUBRESOURCES.is_sorted(),
        "binary search needs the list sorted"
    );
    assert_eq!(
        canonical_resource(
            None,
            "/b/k",
            "versionId=3%2B&acl&prefix=x&response-content-type=text%2Fplain&X-Amz-Foo=1"
        ),
        "/b/k?acl&response-content-type=text/plain&versionId=3+"
    );
    assert_eq!(canonical_resource(Some("b"), "/", "uploads"), "/b/?uploads");
    assert_eq!(canonical_resource(None, "", ""), "/");
    assert_eq!(
        canonical_resource(None, "/b", "delete&tagging&location&website"),
        "/b?delete&location&tagging&website"
    );
}

#[test]
fn malformed_headers_are_refused_as_s3_refuses_them() {
    let now = at("Tue, 27 Mar 2007 19:36:42 +0000");
    let date = ("date", "Tue, 27 Mar 2007 19:36:42 +0000");
    for (value, message) in [
        (
            "AWS  AKIAIOSFODNN7EXAMPLE:sig",
            "Authorization header is invalid -- one and only one ' ' (space) required",
        ),
        (
            "AWS AKIAIOSFODNN7EXAMPLE",
            "AWS authorization header is invalid.  Expected AwsAccessKeyId:signature",
        ),
        (
            "AWS AKIAIOSFODNN7EXAMPLE:",
            "AWS authorization header is invalid.  Expected AwsAccessKeyId:signature",
        ),
        (
            "AWS AKIAIOSFODNN7EXAMPLE:a:b",
            "AWS authorization header is invalid.  Expected AwsAccessKeyId:signature",
        ),
    ] {
        let p = parts("GET", "/b/k", &[date, ("authorization", value)]);
        let err = authenticate_s3(&p, Bytes::new(), &keyring(), now, None).unwrap_err();
        assert_eq!(
            (err.s3_code(), err.to_string().as_str()),
            ("InvalidArgument", message)
        );
        assert_eq!(err.extras()[1], ("ArgumentValue", value.to_owned()));
    }
    // No date, a date S3 cannot read, a stale date, an unknown key: in that order.
    let auth = ("authorization", "AWS NOBODY:c2ln");
    let err = authenticate_s3(
        &parts("GET", "/b/k", &[auth]),
        Bytes::new(),
        &keyring(),
        now,
        None,
    )
    .unwrap_err();
    assert_eq!(err.s3_code(), "AccessDenied");
    assert_eq!(
        err.to_string(),
        "AWS authentication requires a valid Date or x-amz-date header"
    );
    let err = authenticate_s3(
        &parts("GET", "/b/k", &[("x-amz-date", "yesterday"), date, auth]),
        Bytes::new(),
        &keyring(),
        now,
        None,
    )
    .unwrap_err();
    assert_eq!(
        err.s3_code(),
        "AccessDenied",
        "x-amz-date wins even when unreadable"
    );
    let later = now + Duration::from_mins(16);
    let err = authenticate_s3(
        &parts("GET", "/b/k", &[date, auth]),
        Bytes::new(),
        &keyring(),
        later,
        None,
    )
    .unwrap_err();
    assert_eq!(err.s3_code(), "RequestTimeTooSkewed");
    assert_eq!(
        err.extras()[0],
        ("RequestTime", "Tue, 27 Mar 2007 19:36:42 +0000".to_owned())
    );
    let err = authenticate_s3(
        &parts("GET", "/b/k", &[date, auth]),
        Bytes::new(),
        &keyring(),
        now,
        None,
    )
    .unwrap_err();
    assert_eq!(err.s3_code(), "InvalidAccessKeyId");
}

#[test]
fn malformed_queries_are_refused_as_s3_refuses_them() {
    let now = SystemTime::UNIX_EPOCH + Duration::from_mins(19_585_650);
    for (query, message) in [
        (
            "Signature=x&AWSAccessKeyId=AK",
            "Query-string authentication requires the Signature, Expires and AWSAccessKeyId parameters",
        ),
        (
            "Signature=x&Expires=1",
            "Query-string authentication requires the Signature, Expires and AWSAccessKeyId parameters",
        ),
        (
            "Signature=x&Expires=soon&AWSAccessKeyId=AK",
            "Invalid date (should be seconds since epoch): soon",
        ),
        (
            "Signature=x&Expires=99999999999999999999&AWSAccessKeyId=AK",
            "Invalid date (should be seconds since epoch): 99999999999999999999",
        ),
    ] {
        let p = parts("GET", &format!("/b/k?{query}"), &[]);
        let err = authenticate_s3(&p, Bytes::new(), &keyring(), now, None).unwrap_err();
        assert_eq!(
            (err.s3_code(), err.status()),
            ("AccessDenied", StatusCode::FORBIDDEN)
        );
        assert_eq!(err.to_string(), message);
    }
    // A header and a V2 query together.
    let p = parts(
        "GET",
        "/b/k?Signature=x&Expires=1&AWSAccessKeyId=AK",
        &[("authorization", "AWS AK:x")],
    );
    let err = authenticate_s3(&p, Bytes::new(), &keyring(), now, None).unwrap_err();
    assert_eq!(err.s3_code(), "InvalidArgument");
}

#[test]
fn refused_when_the_keyring_refuses_sigv2() {
    let settings = AuthSettings {
        sigv2: SigV2Policy::Refuse,
        ..AuthSettings::default()
    };
    let keyring = Keyring::with_settings([Account::new("000000000000", AKID, SECRET)], &settings);
    let e = &EXAMPLES[0];
    let err = authenticate_s3(
        &header_parts(e, e.signature),
        Bytes::new(),
        &keyring,
        at(e.date),
        e.vhost,
    )
    .unwrap_err();
    assert_eq!(
        (err.s3_code(), err.status(), err.to_string().as_str()),
        (
            "InvalidRequest",
            StatusCode::BAD_REQUEST,
            "The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256."
        )
    );
    let uri = "/photos/puppy.jpg?AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Signature=1No4mq5ETf02z8aet9voy6gui6E%3D&Expires=1175139620";
    let err = authenticate_s3(
        &parts("GET", uri, &[]),
        Bytes::new(),
        &keyring,
        at(e.date),
        e.vhost,
    )
    .unwrap_err();
    assert!(matches!(err, AuthError::SignatureVersionNotSupported));
}

#[test]
fn any_key_mode_verifies_v2_against_the_mode_secret() {
    let settings = AuthSettings {
        any_key: true,
        ..AuthSettings::default()
    };
    let keyring = Keyring::with_settings([Account::default_account()], &settings);
    let date = "Tue, 27 Mar 2007 19:36:42 GMT";
    let sig = sign("test", &format!("GET\n\n\n{date}\n/b/k"));
    let auth = format!("AWS 123456789012:{sig}");
    let p = parts("GET", "/b/k", &[("date", date), ("authorization", &auth)]);
    let now = httpdate::parse_http_date(date).unwrap();
    let ok = authenticate_s3(&p, Bytes::new(), &keyring, now, None).unwrap();
    assert_eq!(ok.account.id, "123456789012");
    let wrong = format!(
        "AWS 123456789012:{}",
        sign("not-test", &format!("GET\n\n\n{date}\n/b/k"))
    );
    let p = parts("GET", "/b/k", &[("date", date), ("authorization", &wrong)]);
    let err = authenticate_s3(&p, Bytes::new(), &keyring, now, None).unwrap_err();
    assert_eq!(err.s3_code(), "SignatureDoesNotMatch");
}

mod properties {
    //! SigV2 parsing never panics on what a client sends, and whatever a client signs
    //! correctly verifies.

    use proptest::prelude::*;

    use super::*;

    const NOW_SECS: u64 = 1_700_000_000;

    fn now() -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(NOW_SECS)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn any_header_or_query_is_answered(
            auth in "AWS [ -~]{0,80}",
            date in "[ -~]{0,40}",
            query in "[A-Za-z0-9=&%+._~-]{0,120}",
            v2 in proptest::bool::ANY,
        ) {
            let query = if v2 { format!("Signature=x&{query}") } else { query };
            let uri = format!("/b/k?{query}");
            let mut b = http::Request::builder().method("GET").uri(uri.as_str());
            if !v2 {
                b = b.header("authorization", auth.as_str());
            }
            if let Ok(req) = b.header("date", date.as_str()).body(()) {
                let (p, ()) = req.into_parts();
                let _ = authenticate_s3(&p, Bytes::new(), &keyring(), now(), Some("b"));
            }
        }

        #[test]
        fn what_is_signed_correctly_verifies(
            key in "[a-zA-Z0-9!*'()%._~/-]{1,40}",
            query in proptest::collection::vec(
                ("acl|uploads|uploadId|partNumber|versionId|tagging|prefix|marker|x-amz-meta-a",
                 "[a-z0-9%]{0,8}"),
                0..4,
            ),
            meta in "[ -~]{0,20}",
            vhost in proptest::bool::ANY,
        ) {
            let query: Vec<String> = query.iter().map(|(k, v)| format!("{k}={v}")).collect();
            let path = if vhost { format!("/{key}") } else { format!("/bucket/{key}") };
            let uri = format!("{path}?{}", query.join("&"));
            let date = httpdate::fmt_http_date(now());
            let Ok(req) = http::Request::builder()
                .method("PUT")
                .uri(uri.as_str())
                .header("date", date.as_str())
                .header("x-amz-meta-x", meta.as_str())
                .body(())
            else {
                return Ok(());
            };
            let (mut p, ()) = req.into_parts();
            let bucket = vhost.then_some("bucket");
            let sts = super::super::testing::sigv2_string_to_sign(&p, &date, false, bucket);
            let auth = format!("AWS {AKID}:{}", sign(SECRET, &sts));
            p.headers.insert("authorization", auth.parse().unwrap());
            let ok = authenticate_s3(&p, Bytes::new(), &keyring(), now(), bucket);
            prop_assert!(ok.is_ok(), "{:?}", ok.err());
        }
    }
}

#[test]
fn a_subresource_sigv2_does_not_sign_is_refused_even_where_sigv2_is_accepted() {
    // `publicAccessBlock` is not in the string to sign: a signed URL for the bucket must not
    // read (or a replayed PUT write) that setting.
    for uri in [
        "/bucket?publicAccessBlock&AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Signature=x&Expires=9999999999",
        "/bucket?encryption=&AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Signature=x&Expires=9999999999",
    ] {
        let err = authenticate_s3(
            &parts("GET", uri, &[]),
            Bytes::new(),
            &keyring(),
            SystemTime::now(),
            None,
        )
        .unwrap_err();
        assert!(
            matches!(err, AuthError::SignatureVersionNotSupported),
            "{uri}: {err:?}"
        );
    }
}
