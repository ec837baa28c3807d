//! The AWS documentation's S3 SigV4 vectors and the negative cases, driven through
//! [`authenticate`](super::authenticate): header, presigned and aws-chunked forms.

use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http::StatusCode;
use http::request::Parts;
use sha2::{Digest, Sha256};

use super::canonical::{Location, SignatureInput};
use super::chunked::ChunkChain;
use super::parse::{Credential, parse_amz_date};
use super::testing::{self, Payload, Signer};
use super::{Account, AuthError, AuthMethod, Keyring, PayloadMode, authenticate};

const AKID: &str = "AKIAIOSFODNN7EXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const HOST: &str = "examplebucket.s3.amazonaws.com";
const EMPTY: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

fn keyring() -> Keyring {
    Keyring::new([Account::new("111122223333", AKID, SECRET)])
}

fn t0() -> SystemTime {
    parse_amz_date("20130524T000000Z").unwrap()
}

fn now() -> SystemTime {
    t0() + Duration::from_mins(1)
}

fn request(method: &str, uri: &str, headers: &[(&str, &str)]) -> Parts {
    let mut b = http::Request::builder().method(method).uri(uri);
    for (k, v) in headers {
        b = b.header(*k, *v);
    }
    b.body(()).unwrap().into_parts().0
}

fn authorization(signed_headers: &str, signature: &str) -> String {
    format!(
        "AWS4-HMAC-SHA256 Credential={AKID}/20130524/us-east-1/s3/aws4_request,SignedHeaders={signed_headers},Signature={signature}"
    )
}

fn s3_credential() -> Credential {
    Credential::parse(&format!("{AKID}/20130524/us-east-1/s3/aws4_request")).unwrap()
}

/// The canonical request and string to sign we show in `SignatureDoesNotMatch`.
fn describe(parts: &Parts, signed: &str, payload: &str, location: Location) -> (String, String) {
    let credential = s3_credential();
    let signed: Vec<String> = signed.split(';').map(str::to_owned).collect();
    let input = SignatureInput {
        parts,
        credential: &credential,
        signed_headers: &signed,
        time: t0(),
        payload_hash: payload,
        location,
    };
    let creq = input.canonical_request().unwrap();
    let sts = input.string_to_sign(&creq);
    // Our rendering and aws-sigv4 must agree on the signature.
    let ours = aws_sigv4::sign::v4::calculate_signature(
        aws_sigv4::sign::v4::generate_signing_key(SECRET, t0(), "us-east-1", "s3"),
        sts.as_bytes(),
    );
    assert_eq!(
        input.signature(SECRET).unwrap(),
        ours,
        "canonical rendering disagrees with aws-sigv4"
    );
    (creq, sts)
}

fn code(e: &AuthError) -> (&'static str, StatusCode) {
    (e.s3_code(), e.status())
}

// ---- header vectors ----

const GET_OBJECT_SIG: &str = "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41";
const GET_OBJECT_SIGNED: &str = "host;range;x-amz-content-sha256;x-amz-date";

fn get_object(signature: &str) -> Parts {
    request(
        "GET",
        "/test.txt",
        &[
            ("host", HOST),
            ("range", "bytes=0-9"),
            ("x-amz-content-sha256", EMPTY),
            ("x-amz-date", "20130524T000000Z"),
            (
                "authorization",
                &authorization(GET_OBJECT_SIGNED, signature),
            ),
        ],
    )
}

#[test]
fn get_object_vector() {
    let parts = get_object(GET_OBJECT_SIG);
    let (creq, sts) = describe(&parts, GET_OBJECT_SIGNED, EMPTY, Location::Header);
    assert_eq!(
        creq,
        format!(
            "GET\n/test.txt\n\nhost:{HOST}\nrange:bytes=0-9\nx-amz-content-sha256:{EMPTY}\nx-amz-date:20130524T000000Z\n\n{GET_OBJECT_SIGNED}\n{EMPTY}"
        )
    );
    assert_eq!(
        sts,
        "AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972"
    );
    let ok = authenticate(&parts, Bytes::new(), &keyring(), now()).unwrap();
    assert_eq!(ok.account.id, "111122223333");
    assert_eq!(ok.access_key, AKID);
    assert_eq!(
        (ok.region.as_str(), ok.service.as_str()),
        ("us-east-1", "s3")
    );
    assert_eq!(ok.method, AuthMethod::Header);
    assert_eq!(ok.payload, PayloadMode::Sha256);
}

#[test]
fn put_object_vector() {
    let body = Bytes::from_static(b"Welcome to Amazon S3.");
    let hash = hex::encode(Sha256::digest(&body));
    assert_eq!(
        hash,
        "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072"
    );
    let signed = "date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class";
    let parts = request(
        "PUT",
        "/test%24file.text",
        &[
            ("host", HOST),
            ("date", "Fri, 24 May 2013 00:00:00 GMT"),
            ("x-amz-date", "20130524T000000Z"),
            ("x-amz-storage-class", "REDUCED_REDUNDANCY"),
            ("x-amz-content-sha256", &hash),
            (
                "authorization",
                &authorization(
                    signed,
                    "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd",
                ),
            ),
        ],
    );
    let (creq, sts) = describe(&parts, signed, &hash, Location::Header);
    assert!(creq.starts_with("PUT\n/test%24file.text\n\ndate:Fri, 24 May 2013 00:00:00 GMT\n"));
    assert!(sts.ends_with("9e0e90d9c76de8fa5b200d8c849cd5b8dc7a3be3951ddb7f6a76b4158342019d"));
    let ok = authenticate(&parts, body.clone(), &keyring(), now()).unwrap();
    assert_eq!(ok.body, body);

    // Tampered body: the signature still matches (it covers the declared hash), the hash does not.
    let e = authenticate(
        &parts,
        Bytes::from_static(b"Welcome to Amazon S4."),
        &keyring(),
        now(),
    )
    .unwrap_err();
    assert_eq!(
        code(&e),
        ("XAmzContentSHA256Mismatch", StatusCode::BAD_REQUEST)
    );
    let extras = e.extras();
    assert_eq!(extras[0], ("ClientComputedContentSHA256", hash.clone()));
    assert_eq!(extras[1].0, "S3ComputedContentSHA256");
}

fn list_request(uri: &str, signature: &str) -> Parts {
    request(
        "GET",
        uri,
        &[
            ("host", HOST),
            ("x-amz-content-sha256", EMPTY),
            ("x-amz-date", "20130524T000000Z"),
            (
                "authorization",
                &authorization("host;x-amz-content-sha256;x-amz-date", signature),
            ),
        ],
    )
}

/// Checks a bucket-level GET vector: its canonical request starts with `creq_prefix`
/// and the request authenticates.
fn assert_list_vector(path_and_query: &str, signature: &str, creq_prefix: &str) {
    let parts = list_request(path_and_query, signature);
    let (creq, _) = describe(
        &parts,
        "host;x-amz-content-sha256;x-amz-date",
        EMPTY,
        Location::Header,
    );
    assert!(creq.starts_with(creq_prefix), "{creq}");
    authenticate(&parts, Bytes::new(), &keyring(), now()).unwrap();
}

#[test]
fn get_lifecycle_vector() {
    assert_list_vector(
        "/?lifecycle",
        "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543",
        "GET\n/\nlifecycle=\n",
    );
}

#[test]
fn list_objects_vector() {
    assert_list_vector(
        "/?max-keys=2&prefix=J",
        "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7",
        "GET\n/\nmax-keys=2&prefix=J\n",
    );
}

// ---- presigned ----

const PRESIGNED_SIG: &str = "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404";

fn presigned(expires: &str, signature: &str) -> Parts {
    let uri = format!(
        "/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential={AKID}%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires={expires}&X-Amz-SignedHeaders=host&X-Amz-Signature={signature}"
    );
    request("GET", &uri, &[("host", HOST)])
}

#[test]
fn presigned_vector() {
    let parts = presigned("86400", PRESIGNED_SIG);
    let (creq, sts) = describe(
        &parts,
        "host",
        "UNSIGNED-PAYLOAD",
        Location::Query {
            expires: Duration::from_hours(24),
        },
    );
    assert!(!creq.contains("X-Amz-Signature"));
    assert_eq!(
        hex::encode(Sha256::digest(creq.as_bytes())),
        "3bfa292879f6447bbcda7001decf97f4a54dc650c8942174ae0a9121cf58ad04"
    );
    assert!(sts.ends_with("3bfa292879f6447bbcda7001decf97f4a54dc650c8942174ae0a9121cf58ad04"));
    let ok = authenticate(&parts, Bytes::new(), &keyring(), now()).unwrap();
    assert_eq!(ok.method, AuthMethod::Presigned);
    assert_eq!(ok.payload, PayloadMode::Unsigned);
    // Still valid just before expiry, expired just after.
    authenticate(
        &parts,
        Bytes::new(),
        &keyring(),
        t0() + Duration::from_secs(86399),
    )
    .unwrap();
    let e = authenticate(
        &parts,
        Bytes::new(),
        &keyring(),
        t0() + Duration::from_secs(86401),
    )
    .unwrap_err();
    assert_eq!(code(&e), ("AccessDenied", StatusCode::FORBIDDEN));
    assert_eq!(e.to_string(), "Request has expired");
    assert_eq!(
        e.extras(),
        vec![
            ("X-Amz-Expires", "86400".to_owned()),
            ("Expires", "2013-05-25T00:00:00Z".to_owned()),
            ("ServerTime", "2013-05-25T00:00:01Z".to_owned()),
        ]
    );
}

#[test]
fn presigned_bad_expires_and_missing_params() {
    for expires in ["604801", "0", "-1"] {
        let e = authenticate(
            &presigned(expires, PRESIGNED_SIG),
            Bytes::new(),
            &keyring(),
            now(),
        )
        .unwrap_err();
        assert_eq!(
            code(&e),
            ("AuthorizationQueryParametersError", StatusCode::BAD_REQUEST),
            "{expires}"
        );
    }
    let e = authenticate(
        &presigned("604801", PRESIGNED_SIG),
        Bytes::new(),
        &keyring(),
        now(),
    )
    .unwrap_err();
    assert!(
        e.to_string()
            .starts_with("X-Amz-Expires must be less than a week")
    );
    let parts = request(
        "GET",
        "/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404",
        &[("host", HOST)],
    );
    let e = authenticate(&parts, Bytes::new(), &keyring(), now()).unwrap_err();
    assert_eq!(
        code(&e),
        ("AuthorizationQueryParametersError", StatusCode::BAD_REQUEST)
    );
    assert_eq!(
        e.to_string(),
        "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters."
    );
}

#[test]
fn presigned_tampered_query_does_not_match() {
    let mut parts = presigned("86400", PRESIGNED_SIG);
    parts.uri = format!("{}&extra=1", parts.uri).parse().unwrap();
    let e = authenticate(&parts, Bytes::new(), &keyring(), now()).unwrap_err();
    assert_eq!(code(&e), ("SignatureDoesNotMatch", StatusCode::FORBIDDEN));
    let extras = e.extras();
    let creq = &extras
        .iter()
        .find(|(n, _)| *n == "CanonicalRequest")
        .unwrap()
        .1;
    assert!(creq.contains("&extra=1"), "{creq}");
    assert!(!creq.contains("X-Amz-Signature"));
}

// ---- chunked ----

const SEED: &str = "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9";
const CHUNK_SIGS: [&str; 3] = [
    "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648",
    "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497",
    "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9",
];
const CHUNK_SIGNED: &str = "content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class";

fn chunked_request(content_sha: &str, seed: &str, decoded_len: &str, content_len: &str) -> Parts {
    request(
        "PUT",
        "/examplebucket/chunkObject.txt",
        &[
            ("host", "s3.amazonaws.com"),
            ("x-amz-date", "20130524T000000Z"),
            ("x-amz-storage-class", "REDUCED_REDUNDANCY"),
            ("x-amz-content-sha256", content_sha),
            ("content-encoding", "aws-chunked"),
            ("x-amz-decoded-content-length", decoded_len),
            ("content-length", content_len),
            (
                "authorization",
                &format!(
                    "AWS4-HMAC-SHA256 Credential={AKID}/20130524/us-east-1/s3/aws4_request,SignedHeaders={CHUNK_SIGNED},Signature={seed}"
                ),
            ),
        ],
    )
}

fn documented_chunked_body() -> Vec<u8> {
    let mut body = Vec::new();
    for (size, sig) in [
        (65536usize, CHUNK_SIGS[0]),
        (1024, CHUNK_SIGS[1]),
        (0, CHUNK_SIGS[2]),
    ] {
        body.extend_from_slice(format!("{size:x};chunk-signature={sig}\r\n").as_bytes());
        body.extend(std::iter::repeat_n(b'a', size));
        body.extend_from_slice(b"\r\n");
    }
    body
}

#[test]
fn chunked_upload_vector() {
    let body = documented_chunked_body();
    assert_eq!(body.len(), 66824);
    let parts = chunked_request(testing::STREAMING_SIGNED, SEED, "66560", "66824");
    let (_, sts) = describe(
        &parts,
        CHUNK_SIGNED,
        testing::STREAMING_SIGNED,
        Location::Header,
    );
    assert!(
        sts.ends_with("cee3fed04b70f867d036f722359b0b1f2f0e5dc0efadbc082b76c4c60e316455"),
        "{sts}"
    );

    // The chunk chain, step by step.
    let chain = ChunkChain {
        signing_key: Signer {
            access_key: AKID,
            secret_key: SECRET,
            region: "us-east-1",
            service: "s3",
            time: t0(),
        }
        .signing_key(),
        amz_date: "20130524T000000Z".into(),
        scope: "20130524/us-east-1/s3/aws4_request".into(),
        seed: SEED.into(),
        access_key: AKID.into(),
    };
    let first = chain.chunk_string_to_sign(SEED, &vec![b'a'; 65536]);
    assert_eq!(
        first,
        format!(
            "AWS4-HMAC-SHA256-PAYLOAD\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n{SEED}\n{EMPTY}\nbf718b6f653bebc184e1479f1935b8da974d701b893afcf49e701f3e2f9f9c5a"
        )
    );
    assert_eq!(
        aws_sigv4::sign::v4::calculate_signature(&chain.signing_key, first.as_bytes()),
        CHUNK_SIGS[0]
    );

    let ok = authenticate(&parts, Bytes::from(body), &keyring(), now()).unwrap();
    assert_eq!(ok.payload, PayloadMode::StreamingSigned);
    assert_eq!(ok.body.len(), 66560);
    assert!(ok.body.iter().all(|&b| b == b'a'));
    assert!(ok.trailers.is_empty());
}

#[test]
fn testing_helper_reproduces_the_documented_body() {
    let signer = Signer {
        access_key: AKID,
        secret_key: SECRET,
        region: "us-east-1",
        service: "s3",
        time: t0(),
    };
    let data = vec![b'a'; 66560];
    let (a, b) = data.split_at(65536);
    let body = testing::sign_chunked_body(SEED, &signer, &[a, b], None).unwrap();
    assert_eq!(body, documented_chunked_body());
}

#[test]
fn tampered_chunk_is_rejected() {
    let mut body = documented_chunked_body();
    body[1000] = b'b';
    let parts = chunked_request(testing::STREAMING_SIGNED, SEED, "66560", "66824");
    let e = authenticate(&parts, Bytes::from(body), &keyring(), now()).unwrap_err();
    assert_eq!(code(&e), ("SignatureDoesNotMatch", StatusCode::FORBIDDEN));
    assert!(
        e.extras()
            .iter()
            .any(|(n, v)| *n == "StringToSign" && v.starts_with("AWS4-HMAC-SHA256-PAYLOAD\n"))
    );
}

#[test]
fn truncated_chunked_body_is_incomplete() {
    let body = documented_chunked_body();
    let parts = chunked_request(testing::STREAMING_SIGNED, SEED, "66560", "66824");
    for cut in [10, 100, 65_000, 65_700, body.len() - 2, body.len() - 1] {
        let e = authenticate(
            &parts,
            Bytes::copy_from_slice(&body[..cut]),
            &keyring(),
            now(),
        )
        .unwrap_err();
        assert_eq!(
            code(&e),
            ("IncompleteBody", StatusCode::BAD_REQUEST),
            "cut at {cut}"
        );
    }
}

/// Signs a streaming S3 PUT with the test helpers, as an SDK would.
fn signed_stream(content_sha: &str, decoded: usize, trailer: Option<&str>) -> (Parts, String) {
    let signer = Signer {
        access_key: AKID,
        secret_key: SECRET,
        region: "us-east-1",
        service: "s3",
        time: t0(),
    };
    let mut b = http::Request::builder()
        .method("PUT")
        .uri("/bucket/key")
        .header("host", "localhost:4566")
        .header("content-encoding", "aws-chunked")
        .header("x-amz-decoded-content-length", decoded.to_string());
    if let Some(t) = trailer {
        b = b.header("x-amz-trailer", t);
    }
    let mut req = b.body(()).unwrap();
    let seed = signer
        .sign(&mut req, Payload::Literal(content_sha))
        .unwrap();
    (req.into_parts().0, seed)
}

#[test]
fn signed_trailer_round_trip_and_checksum_mismatch() {
    let signer = Signer {
        access_key: AKID,
        secret_key: SECRET,
        region: "us-east-1",
        service: "s3",
        time: t0(),
    };
    let data = b"hello world, in three chunks".as_slice();
    let chunks = [&data[..10], &data[10..20], &data[20..]];
    let (name, value) = testing::checksum_trailer("crc32c", data).unwrap();
    let (parts, seed) = signed_stream(testing::STREAMING_SIGNED_TRAILER, data.len(), Some(&name));
    let body =
        testing::sign_chunked_body(&seed, &signer, &chunks, Some(&[(&name, &value)])).unwrap();
    let ok = authenticate(&parts, Bytes::from(body), &keyring(), now()).unwrap();
    assert_eq!(ok.payload, PayloadMode::StreamingSignedTrailer);
    assert_eq!(&ok.body[..], data);
    assert_eq!(ok.trailers[name.as_str()], value.as_str());

    // A wrong checksum, correctly signed: BadDigest.
    let (wrong_name, wrong) = testing::checksum_trailer("crc32c", b"other").unwrap();
    let body = testing::sign_chunked_body(&seed, &signer, &chunks, Some(&[(&wrong_name, &wrong)]))
        .unwrap();
    let e = authenticate(&parts, Bytes::from(body), &keyring(), now()).unwrap_err();
    assert_eq!(code(&e), ("BadDigest", StatusCode::BAD_REQUEST));
    assert_eq!(
        e.to_string(),
        "The CRC32C you specified did not match the calculated checksum."
    );

    // A trailer changed after signing: the trailer signature fails.
    let body =
        testing::sign_chunked_body(&seed, &signer, &chunks, Some(&[(&name, &value)])).unwrap();
    let text = String::from_utf8(body).unwrap().replace(&value, &wrong);
    let e = authenticate(&parts, Bytes::from(text), &keyring(), now()).unwrap_err();
    assert_eq!(code(&e), ("SignatureDoesNotMatch", StatusCode::FORBIDDEN));
}

#[test]
fn unsigned_trailer_round_trip_and_checksum_mismatch() {
    let data = vec![7u8; 70_000];
    let chunks = [&data[..65536], &data[65536..]];
    for alg in ["crc32", "crc32c", "crc64nvme", "sha1", "sha256"] {
        let (name, value) = testing::checksum_trailer(alg, &data).unwrap();
        let (parts, _) =
            signed_stream(testing::STREAMING_UNSIGNED_TRAILER, data.len(), Some(&name));
        let body = testing::unsigned_chunked_body(&chunks, &[(&name, &value)]);
        let ok = authenticate(&parts, Bytes::from(body), &keyring(), now()).unwrap();
        assert_eq!(ok.payload, PayloadMode::StreamingUnsignedTrailer);
        assert_eq!(ok.body, data);
        let body = testing::unsigned_chunked_body(&chunks[..1], &[(&name, &value)]);
        let e = authenticate(&parts, Bytes::from(body), &keyring(), now()).unwrap_err();
        assert_eq!(
            code(&e),
            ("IncompleteBody", StatusCode::BAD_REQUEST),
            "{alg}: decoded length"
        );
    }
    let (name, value) = testing::checksum_trailer("crc32", b"not the data").unwrap();
    let (parts, _) = signed_stream(testing::STREAMING_UNSIGNED_TRAILER, data.len(), Some(&name));
    let body = testing::unsigned_chunked_body(&chunks, &[(&name, &value)]);
    let e = authenticate(&parts, Bytes::from(body), &keyring(), now()).unwrap_err();
    assert_eq!(code(&e), ("BadDigest", StatusCode::BAD_REQUEST));
    assert_eq!(
        e.to_string(),
        "The CRC32 you specified did not match the calculated checksum."
    );
}

// ---- negative header cases ----

#[test]
fn wrong_secret_is_signature_mismatch_with_extras() {
    let keyring = Keyring::new([Account::new("111122223333", AKID, "not-the-secret")]);
    let e = authenticate(&get_object(GET_OBJECT_SIG), Bytes::new(), &keyring, now()).unwrap_err();
    assert_eq!(code(&e), ("SignatureDoesNotMatch", StatusCode::FORBIDDEN));
    assert_eq!(e.lambda_code(), "InvalidSignatureException");
    let extras = e.extras();
    let get = |n: &str| {
        extras
            .iter()
            .find(|(k, _)| *k == n)
            .map(|(_, v)| v.clone())
            .unwrap()
    };
    assert_eq!(get("AWSAccessKeyId"), AKID);
    assert_eq!(get("SignatureProvided"), GET_OBJECT_SIG);
    assert!(
        get("StringToSign")
            .ends_with("7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972")
    );
    assert!(get("StringToSignBytes").starts_with("41 57 53 34 2d"));
    assert!(get("CanonicalRequest").starts_with("GET\n/test.txt\n"));
    assert!(get("CanonicalRequestBytes").starts_with("47 45 54 0a"));
}

#[test]
fn unknown_key_is_invalid_access_key_id() {
    let e = authenticate(
        &get_object(GET_OBJECT_SIG),
        Bytes::new(),
        &Keyring::default(),
        now(),
    )
    .unwrap_err();
    assert_eq!(code(&e), ("InvalidAccessKeyId", StatusCode::FORBIDDEN));
    assert_eq!(e.extras(), vec![("AWSAccessKeyId", AKID.to_owned())]);
    assert_eq!(e.lambda_code(), "UnrecognizedClientException");
}

#[test]
fn stale_date_is_too_skewed() {
    let late = t0() + Duration::from_secs(15 * 60 + 1);
    let e = authenticate(&get_object(GET_OBJECT_SIG), Bytes::new(), &keyring(), late).unwrap_err();
    assert_eq!(code(&e), ("RequestTimeTooSkewed", StatusCode::FORBIDDEN));
    assert_eq!(
        e.extras(),
        vec![
            ("RequestTime", "20130524T000000Z".to_owned()),
            ("ServerTime", "2013-05-24T00:15:01Z".to_owned()),
            ("MaxAllowedSkewMilliseconds", "900000".to_owned()),
        ]
    );
    let early = t0() - Duration::from_secs(15 * 60 + 1);
    let e = authenticate(&get_object(GET_OBJECT_SIG), Bytes::new(), &keyring(), early).unwrap_err();
    assert_eq!(e.s3_code(), "RequestTimeTooSkewed");
    authenticate(
        &get_object(GET_OBJECT_SIG),
        Bytes::new(),
        &keyring(),
        t0() + Duration::from_secs(899),
    )
    .unwrap();
}

#[test]
fn unsigned_amz_header_is_access_denied() {
    let mut parts = get_object(GET_OBJECT_SIG);
    parts
        .headers
        .insert("x-amz-meta-color", "blue".parse().unwrap());
    let e = authenticate(&parts, Bytes::new(), &keyring(), now()).unwrap_err();
    assert_eq!(code(&e), ("AccessDenied", StatusCode::FORBIDDEN));
    assert_eq!(
        e.to_string(),
        "There were headers present in the request which were not signed"
    );
    assert_eq!(
        e.extras(),
        vec![("HeadersNotSigned", "x-amz-meta-color".to_owned())]
    );
}

#[test]
fn malformed_authorization_and_missing_content_sha() {
    let mut parts = get_object(GET_OBJECT_SIG);
    parts.headers.insert(
        "authorization",
        "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3, SignedHeaders=host, Signature=x"
            .parse()
            .unwrap(),
    );
    let e = authenticate(&parts, Bytes::new(), &keyring(), now()).unwrap_err();
    assert_eq!(
        code(&e),
        ("AuthorizationHeaderMalformed", StatusCode::BAD_REQUEST)
    );
    assert!(
        e.to_string()
            .starts_with("The authorization header is malformed;")
    );

    let mut parts = get_object(GET_OBJECT_SIG);
    parts.headers.remove("x-amz-content-sha256");
    let e = authenticate(&parts, Bytes::new(), &keyring(), now()).unwrap_err();
    assert_eq!(code(&e), ("InvalidRequest", StatusCode::BAD_REQUEST));

    let mut parts = get_object(GET_OBJECT_SIG);
    parts.headers.remove("x-amz-date");
    let e = authenticate(&parts, Bytes::new(), &keyring(), now()).unwrap_err();
    assert_eq!(code(&e), ("AccessDenied", StatusCode::FORBIDDEN));
}

#[test]
fn host_must_be_signed() {
    let parts = request(
        "GET",
        "/test.txt",
        &[
            ("host", HOST),
            ("x-amz-content-sha256", EMPTY),
            ("x-amz-date", "20130524T000000Z"),
            (
                "authorization",
                &authorization("x-amz-content-sha256;x-amz-date", GET_OBJECT_SIG),
            ),
        ],
    );
    let e = authenticate(&parts, Bytes::new(), &keyring(), now()).unwrap_err();
    assert_eq!(
        code(&e),
        ("AuthorizationHeaderMalformed", StatusCode::BAD_REQUEST)
    );
}

// ---- other services ----

#[test]
fn lambda_request_signed_by_aws_sigv4_verifies() {
    let signer = Signer {
        access_key: AKID,
        secret_key: SECRET,
        region: "eu-west-1",
        service: "lambda",
        time: t0(),
    };
    let body = br#"{"Name":"x"}"#;
    let mut req = http::Request::builder()
        .method("POST")
        .uri("/2015-03-31/functions/arn%3Aaws%3Alambda%3Aeu-west-1%3A111122223333%3Afunction%3Af/invocations?Qualifier=PROD")
        .header("host", "localhost:4566")
        .header("content-type", "application/json")
        .header("x-amz-user-agent", "aws-sdk-rust")
        .body(())
        .unwrap();
    signer.sign(&mut req, Payload::Bytes(body)).unwrap();
    let parts = req.into_parts().0;
    assert!(parts.headers.get("x-amz-content-sha256").is_none());
    let ok = authenticate(&parts, Bytes::from_static(body), &keyring(), now()).unwrap();
    assert_eq!(
        (ok.service.as_str(), ok.region.as_str()),
        ("lambda", "eu-west-1")
    );
    assert_eq!(super::scope_service(&parts).as_deref(), Some("lambda"));
    // The body is covered by the signature for non-S3 services.
    let e = authenticate(&parts, Bytes::from_static(b"{}"), &keyring(), now()).unwrap_err();
    assert_eq!(e.s3_code(), "SignatureDoesNotMatch");
    assert_eq!(e.lambda_code(), "InvalidSignatureException");
}

#[test]
fn s3_request_signed_by_helper_with_odd_path_verifies() {
    let signer = Signer {
        access_key: AKID,
        secret_key: SECRET,
        region: "us-east-1",
        service: "s3",
        time: t0(),
    };
    let mut req = http::Request::builder()
        .method("PUT")
        .uri("/bucket/a%20b/../c%2Fd?uploads&x=%2B")
        .header("host", "localhost:4566")
        .header("x-amz-meta-k", "  spaced   value ")
        .body(())
        .unwrap();
    signer.sign(&mut req, Payload::Unsigned).unwrap();
    let parts = req.into_parts().0;
    let ok = authenticate(&parts, Bytes::from_static(b"anything"), &keyring(), now()).unwrap();
    assert_eq!(ok.payload, PayloadMode::Unsigned);
    assert_eq!(&ok.body[..], b"anything");
}

#[test]
fn s3_presigned_by_helper_verifies() {
    let signer = Signer {
        access_key: AKID,
        secret_key: SECRET,
        region: "us-east-1",
        service: "s3",
        time: t0(),
    };
    let mut req = http::Request::builder()
        .method("GET")
        .uri("/bucket/key?versionId=3")
        .header("host", "localhost:4566")
        .body(())
        .unwrap();
    signer.presign(&mut req, Duration::from_mins(5)).unwrap();
    let parts = req.into_parts().0;
    authenticate(&parts, Bytes::new(), &keyring(), now()).unwrap();
    let e = authenticate(
        &parts,
        Bytes::new(),
        &keyring(),
        t0() + Duration::from_secs(301),
    )
    .unwrap_err();
    assert_eq!(e.to_string(), "Request has expired");
}

#[test]
fn streaming_request_helper_builds_every_form() {
    let signer = Signer {
        access_key: AKID,
        secret_key: SECRET,
        region: "us-east-1",
        service: "s3",
        time: t0(),
    };
    let data = vec![3u8; 150_000];
    let chunks: Vec<&[u8]> = data.chunks(65536).collect();
    for form in [
        testing::Streaming::Signed,
        testing::Streaming::SignedTrailer,
        testing::Streaming::UnsignedTrailer,
    ] {
        let req = testing::streaming_request(
            &signer,
            "PUT",
            "/b/k",
            "localhost:4566",
            &chunks,
            form,
            "sha256",
        )
        .unwrap();
        let (parts, body) = req.into_parts();
        assert_eq!(
            parts.headers["content-length"],
            body.len().to_string().as_str()
        );
        let ok = authenticate(&parts, Bytes::from(body), &keyring(), now()).unwrap();
        assert_eq!(ok.body, data, "{form:?}");
        assert_eq!(
            ok.trailers.contains_key("x-amz-checksum-sha256"),
            form != testing::Streaming::Signed
        );
    }
}

#[test]
fn date_header_without_x_amz_date_verifies() {
    // Signed over `date` only: aws-sigv4 must not add x-amz-date to the signed headers.
    let signed = "date;host;x-amz-content-sha256";
    let mut parts = request(
        "GET",
        "/test.txt",
        &[
            ("host", HOST),
            ("date", "Fri, 24 May 2013 00:00:00 GMT"),
            ("x-amz-content-sha256", EMPTY),
        ],
    );
    let (creq, sts) = describe(&parts, signed, EMPTY, Location::Header);
    assert!(!creq.contains("x-amz-date"));
    let key = aws_sigv4::sign::v4::generate_signing_key(SECRET, t0(), "us-east-1", "s3");
    let signature = aws_sigv4::sign::v4::calculate_signature(key, sts.as_bytes());
    parts.headers.insert(
        "authorization",
        authorization(signed, &signature).parse().unwrap(),
    );
    authenticate(&parts, Bytes::new(), &keyring(), now()).unwrap();
}

#[test]
fn missing_host_is_an_error_not_a_panic() {
    let parts = request(
        "GET",
        "/test.txt",
        &[
            ("x-amz-content-sha256", EMPTY),
            ("x-amz-date", "20130524T000000Z"),
            (
                "authorization",
                &authorization(GET_OBJECT_SIGNED, GET_OBJECT_SIG),
            ),
        ],
    );
    let e = authenticate(&parts, Bytes::new(), &keyring(), now()).unwrap_err();
    assert_eq!(code(&e), ("SignatureDoesNotMatch", StatusCode::FORBIDDEN));
}

#[test]
fn far_future_presigned_date_is_rejected_without_panic() {
    let uri = format!(
        "/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential={AKID}%2F99991231%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=99991231T235959Z&X-Amz-Expires=604800&X-Amz-SignedHeaders=host&X-Amz-Signature={PRESIGNED_SIG}"
    );
    let e = authenticate(
        &request("GET", &uri, &[("host", HOST)]),
        Bytes::new(),
        &keyring(),
        now(),
    )
    .unwrap_err();
    assert_eq!(
        code(&e),
        ("AuthorizationQueryParametersError", StatusCode::BAD_REQUEST)
    );
}
