//! Browser POST uploads: the multipart form and its policy document (expiration and
//! conditions), through `PostForm::parse` and `post_policy::verify` as the S3 POST path runs.

use std::time::{Duration, SystemTime};

use base64::Engine as _;
use bytes::Bytes;
use proptest::prelude::*;
use serde_json::{Value, json};

use crate::auth::post_policy::{PostInput, verify};
use crate::auth::{Account, Keyring};
use crate::s3::form::PostForm;

const BOUNDARY: &str = "xYzZY";

fn form(fields: &[(String, String)], file: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    for (name, value) in fields {
        out.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    out.extend_from_slice(
        format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n\r\n")
            .as_bytes(),
    );
    out.extend_from_slice(file);
    out.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    out
}

fn condition() -> impl Strategy<Value = Value> {
    let word = prop_oneof![
        proptest::sample::select(
            &[
                "eq",
                "starts-with",
                "content-length-range",
                "$key",
                "$bucket",
                "$Content-Type",
                "$x-amz-date",
                "b",
                "",
                "user/",
                "bucket",
                "key",
                "x-amz-algorithm",
            ][..]
        )
        .prop_map(Value::from),
        "\\PC{0,20}".prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| json!(f)),
        Just(Value::Null),
    ];
    prop_oneof![
        proptest::collection::vec(word.clone(), 0..5).prop_map(Value::Array),
        proptest::collection::btree_map("[a-zA-Z$-]{0,12}", word, 0..3)
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        Just(Value::from("x")),
    ]
}

fn policy() -> impl Strategy<Value = Value> {
    (
        prop_oneof![
            Just(Value::from("2030-01-01T00:00:00.000Z")),
            Just(Value::from("2000-01-01T00:00:00Z")),
            "[0-9TZ:.+-]{0,30}".prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
        ],
        proptest::collection::vec(condition(), 0..6),
    )
        .prop_map(
            |(expiration, conditions)| json!({"expiration": expiration, "conditions": conditions}),
        )
}

/// The signature of `policy` for `test/20231114/us-east-1/s3/aws4_request`.
fn sign(policy: &str) -> String {
    let day = SystemTime::UNIX_EPOCH + Duration::from_hours(472_200);
    let key = aws_sigv4::sign::v4::generate_signing_key("test", day, "us-east-1", "s3");
    aws_sigv4::sign::v4::calculate_signature(key.as_ref(), policy.as_bytes())
}

/// Parses and verifies a form; whether it was accepted.
fn check(content_type: &str, body: Vec<u8>) -> bool {
    let Ok(form) = PostForm::parse(content_type, Bytes::from(body)) else {
        return false;
    };
    let keyring = Keyring::new([Account::default_account()]);
    let input = PostInput {
        fields: form.fields(),
        bucket: "bkt",
        file_size: form.file().body.len() as u64,
    };
    verify(
        &input,
        &keyring,
        SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000),
    )
    .is_ok()
}

/// The signed form the properties start from is accepted, so their mutations reach every
/// check (signature, expiration, conditions).
#[test]
fn the_valid_form_is_accepted() {
    let credential = "test/20231114/us-east-1/s3/aws4_request";
    let policy = json!({
        "expiration": "2030-01-01T00:00:00.000Z",
        "conditions": [
            {"bucket": "bkt"},
            ["starts-with", "$key", "user/"],
            {"x-amz-algorithm": "AWS4-HMAC-SHA256"},
            {"x-amz-credential": credential},
            {"x-amz-date": "20231114T221320Z"},
        ],
    });
    let encoded = base64::engine::general_purpose::STANDARD.encode(policy.to_string());
    let fields: Vec<(String, String)> = [
        ("key", "user/${filename}"),
        ("policy", &encoded),
        ("x-amz-algorithm", "AWS4-HMAC-SHA256"),
        ("x-amz-credential", credential),
        ("x-amz-date", "20231114T221320Z"),
        ("x-amz-signature", &sign(&encoded)),
    ]
    .iter()
    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
    .collect();
    assert!(check(
        &format!("multipart/form-data; boundary={BOUNDARY}"),
        form(&fields, b"data")
    ));
}

proptest! {
    #![proptest_config(super::config())]

    #[test]
    fn arbitrary_bodies(
        boundary in "[ -~]{0,80}",
        body in proptest::collection::vec(any::<u8>(), 0..1024),
    ) {
        let _ = check(&format!("multipart/form-data; boundary={boundary}"), body);
    }

    #[test]
    fn forms_with_random_policies(
        doc in policy(),
        raw_policy in proptest::option::of("[A-Za-z0-9+/=]{0,80}"),
        extra in proptest::collection::vec(("[a-zA-Z-]{1,20}", "[ -~]{0,40}"), 0..4),
        algorithm in prop_oneof![Just("AWS4-HMAC-SHA256".to_owned()), "[ -~]{0,20}"],
        credential in prop_oneof![
            Just("test/20231114/us-east-1/s3/aws4_request".to_owned()),
            "[ -~]{0,60}",
        ],
        date in prop_oneof![Just("20231114T221320Z".to_owned()), "[0-9TZ]{0,20}"],
        signature in proptest::option::of("[0-9a-f]{0,64}"),
        file in proptest::collection::vec(any::<u8>(), 0..64),
    ) {
        let encoded = raw_policy.unwrap_or_else(|| {
            base64::engine::general_purpose::STANDARD.encode(doc.to_string())
        });
        // Without a random signature, sign the policy as a client would, so the checks
        // past the signature (expiration, conditions) run.
        let signature = signature.unwrap_or_else(|| sign(&encoded));
        let mut fields = vec![
            ("key".to_owned(), "user/${filename}".to_owned()),
            ("policy".to_owned(), encoded),
            ("x-amz-algorithm".to_owned(), algorithm),
            ("x-amz-credential".to_owned(), credential),
            ("x-amz-date".to_owned(), date),
            ("x-amz-signature".to_owned(), signature),
        ];
        fields.extend(extra);
        let _ = check(&format!("multipart/form-data; boundary={BOUNDARY}"), form(&fields, &file));
    }
}
