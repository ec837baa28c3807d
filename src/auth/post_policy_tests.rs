//! Tests of the POST policy: AWS's documented example, botocore's forms, every refusal.

use super::*;

const AK: &str = "AKIAIOSFODNN7EXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

/// botocore's `generate_presigned_post("sigv4examplebucket", "user/user1/photo.jpg")` with
/// the clock at 2015-12-29T00:00:00Z and the AWS example credentials (recomputed
/// independently of this code).
const BOTO_POLICY: &str = "eyJleHBpcmF0aW9uIjogIjIwMTUtMTItMjlUMDE6MDA6MDBaIiwgImNvbmRpdGlvbnMiOiBbeyJidWNrZXQiOiAic2lndjRleGFtcGxlYnVja2V0In0sIHsia2V5IjogInVzZXIvdXNlcjEvcGhvdG8uanBnIn0sIHsieC1hbXotYWxnb3JpdGhtIjogIkFXUzQtSE1BQy1TSEEyNTYifSwgeyJ4LWFtei1jcmVkZW50aWFsIjogIkFLSUFJT1NGT0ROTjdFWEFNUExFLzIwMTUxMjI5L3VzLWVhc3QtMS9zMy9hd3M0X3JlcXVlc3QifSwgeyJ4LWFtei1kYXRlIjogIjIwMTUxMjI5VDAwMDAwMFoifV19";
const BOTO_SIGNATURE: &str = "3364624b39010d9b06f5d9b8c9a18a6e478d261c048159c92f2fd6fa885f14e6";
const BOTO_CREDENTIAL: &str = "AKIAIOSFODNN7EXAMPLE/20151229/us-east-1/s3/aws4_request";

fn keyring() -> Keyring {
    Keyring::new([Account::new("000000000000", AK, SECRET)])
}

fn at(rfc3339: &str) -> SystemTime {
    SystemTime::from(OffsetDateTime::parse(rfc3339, &Rfc3339).unwrap())
}

fn boto_fields() -> Vec<(String, String)> {
    [
        ("key", "user/user1/photo.jpg"),
        ("x-amz-algorithm", "AWS4-HMAC-SHA256"),
        ("x-amz-credential", BOTO_CREDENTIAL),
        ("x-amz-date", "20151229T000000Z"),
        ("policy", BOTO_POLICY),
        ("x-amz-signature", BOTO_SIGNATURE),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect()
}

fn input(fields: &[(String, String)]) -> PostInput<'_> {
    PostInput {
        fields,
        bucket: "sigv4examplebucket",
        file_size: 10,
    }
}

#[test]
fn signature_of_the_botocore_vector() {
    let credential = Credential::parse(BOTO_CREDENTIAL).unwrap();
    assert_eq!(
        policy_signature(SECRET, &credential, BOTO_POLICY).as_deref(),
        Some(BOTO_SIGNATURE)
    );
}

#[test]
fn botocore_post_verifies_before_expiry() {
    let fields = boto_fields();
    let ok = verify(&input(&fields), &keyring(), at("2015-12-29T00:30:00Z")).unwrap();
    assert_eq!(ok.account.access_key, AK);
    assert_eq!(ok.region, "us-east-1");
}

#[test]
fn expired_policy_is_access_denied() {
    let fields = boto_fields();
    let e = verify(&input(&fields), &keyring(), at("2015-12-29T01:00:01Z")).unwrap_err();
    assert_eq!(e, PostPolicyError::Expired);
    assert_eq!(
        (e.s3_code(), e.status()),
        ("AccessDenied", StatusCode::FORBIDDEN)
    );
    assert_eq!(
        e.to_string(),
        "Invalid according to Policy: Policy expired."
    );
}

#[test]
fn tampered_signature_and_policy_do_not_match() {
    let mut fields = boto_fields();
    fields[5].1 = BOTO_SIGNATURE.replace('3', "4");
    let e = verify(&input(&fields), &keyring(), at("2015-12-29T00:30:00Z")).unwrap_err();
    assert_eq!(e.s3_code(), "SignatureDoesNotMatch");
    let extras = e.extras();
    assert!(extras.contains(&("StringToSign", BOTO_POLICY.to_owned())));
    // A truncated policy fails on the signature, before it is decoded.
    let mut fields = boto_fields();
    fields[4].1.truncate(BOTO_POLICY.len() - 2);
    let e = verify(&input(&fields), &keyring(), at("2015-12-29T00:30:00Z")).unwrap_err();
    assert_eq!(e.s3_code(), "SignatureDoesNotMatch");
}

#[test]
fn unknown_key_and_missing_fields() {
    let fields = boto_fields();
    let e = verify(&input(&fields), &Keyring::default(), SystemTime::UNIX_EPOCH).unwrap_err();
    assert_eq!(
        (e.s3_code(), e.status()),
        ("InvalidAccessKeyId", StatusCode::FORBIDDEN)
    );

    let without = |name: &str| -> Vec<(String, String)> {
        boto_fields()
            .into_iter()
            .filter(|(n, _)| n != name)
            .collect()
    };
    let e = verify(
        &input(&without("x-amz-signature")),
        &keyring(),
        SystemTime::UNIX_EPOCH,
    )
    .unwrap_err();
    assert_eq!(e, PostPolicyError::MissingField("X-Amz-Signature"));
    assert_eq!(e.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        e.to_string(),
        "Bucket POST must contain a field named 'X-Amz-Signature'.  If it is specified, please check the order of the fields."
    );
    let e = verify(
        &input(&without("policy")),
        &keyring(),
        SystemTime::UNIX_EPOCH,
    )
    .unwrap_err();
    assert_eq!(e, PostPolicyError::MissingField("Policy"));
    let anonymous = vec![("key".to_owned(), "k".to_owned())];
    let e = verify(&input(&anonymous), &keyring(), SystemTime::UNIX_EPOCH).unwrap_err();
    assert_eq!(
        (e.s3_code(), e.to_string().as_str()),
        ("AccessDenied", "Access Denied")
    );
}

fn doc(conditions: &str) -> Result<PolicyDocument, PostPolicyError> {
    let json =
        format!(r#"{{"expiration": "2030-01-01T00:00:00.000Z", "conditions": {conditions}}}"#);
    PolicyDocument::decode(&STANDARD.encode(json))
}

fn fields(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

#[test]
fn exact_match_in_both_forms() {
    let f = fields(&[("key", "a/b.txt")]);
    let simple = doc(r#"[{"key": "a/b.txt"}, {"bucket": "sigv4examplebucket"}]"#).unwrap();
    simple.check(&input(&f)).unwrap();
    let array = doc(r#"[["eq", "$key", "a/b.txt"]]"#).unwrap();
    array.check(&input(&f)).unwrap();
    let e = doc(r#"[["eq", "$key", "A/b.txt"]]"#)
        .unwrap()
        .check(&input(&f))
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        r#"Invalid according to Policy: Policy Condition failed: ["eq", "$key", "A/b.txt"]"#
    );
    let e = doc(r#"[{"key": "x"}]"#)
        .unwrap()
        .check(&input(&f))
        .unwrap_err();
    assert_eq!(
        e,
        PostPolicyError::ConditionFailed(r#"["eq", "$key", "x"]"#.to_owned())
    );
    assert_eq!(
        (e.s3_code(), e.status()),
        ("AccessDenied", StatusCode::FORBIDDEN)
    );
    let e = doc(r#"[{"bucket": "other"}, {"key": "a/b.txt"}]"#)
        .unwrap()
        .check(&input(&f));
    assert!(matches!(e, Err(PostPolicyError::ConditionFailed(_))));
}

#[test]
fn starts_with_prefix_and_empty_prefix() {
    let f = fields(&[("key", "user/1/x"), ("content-type", "image/png")]);
    doc(r#"[["starts-with", "$key", "user/"], ["starts-with", "$Content-Type", ""]]"#)
        .unwrap()
        .check(&input(&f))
        .unwrap();
    let e = doc(r#"[["starts-with", "$key", "admin/"], ["starts-with", "$content-type", ""]]"#)
        .unwrap()
        .check(&input(&f))
        .unwrap_err();
    assert_eq!(
        e,
        PostPolicyError::ConditionFailed(r#"["starts-with", "$key", "admin/"]"#.to_owned())
    );
    // Operators and names are case-insensitive.
    doc(r#"[["StArTs-WiTh", "$KeY", "user"], {"CONTENT-TYPE": "image/png"}]"#)
        .unwrap()
        .check(&input(&f))
        .unwrap();
    // A condition on an absent field fails, even with an empty prefix.
    let e = doc(r#"[["starts-with", "$key", ""], ["starts-with", "$x-amz-meta-a", ""]]"#)
        .unwrap()
        .check(&input(&f));
    assert!(matches!(e, Err(PostPolicyError::ConditionFailed(_))));
}

#[test]
fn content_length_range_is_inclusive() {
    let f = fields(&[]);
    let d = doc(r#"[["content-length-range", 5, "10"]]"#).unwrap();
    let with = |size| PostInput {
        file_size: size,
        ..input(&f)
    };
    d.check(&with(5)).unwrap();
    d.check(&with(10)).unwrap();
    let e = d.check(&with(11)).unwrap_err();
    assert_eq!(
        e,
        PostPolicyError::EntityTooLarge {
            proposed: 11,
            max: 10
        }
    );
    assert_eq!(
        (e.s3_code(), e.status()),
        ("EntityTooLarge", StatusCode::BAD_REQUEST)
    );
    assert_eq!(e.extras()[1], ("MaxSizeAllowed", "10".to_owned()));
    let e = d.check(&with(1)).unwrap_err();
    assert_eq!(
        e,
        PostPolicyError::EntityTooSmall {
            proposed: 1,
            min: 5
        }
    );
    let e = doc(r#"[["content-length-range", "test", "10"]]"#)
        .unwrap()
        .check(&with(1));
    assert_eq!(
        e,
        Err(PostPolicyError::ConditionFailed(
            r#"["content-length-range", "test", "10"]"#.to_owned()
        ))
    );
}

#[test]
fn every_field_must_be_covered() {
    let f = fields(&[
        ("key", "k"),
        ("zeta", "1"),
        ("alpha", "2"),
        ("x-ignore-tracker", "t"),
        ("policy", "p"),
        ("x-amz-signature", "s"),
    ]);
    let e = doc(r#"[["starts-with", "$key", ""]]"#)
        .unwrap()
        .check(&input(&f))
        .unwrap_err();
    assert_eq!(
        e,
        PostPolicyError::ExtraInputFields("zeta, alpha".to_owned())
    );
    assert_eq!(
        e.to_string(),
        "Invalid according to Policy: Extra input fields: zeta, alpha"
    );
    doc(r#"[["starts-with", "$key", ""], {"zeta": "1"}, ["eq", "$alpha", "2"]]"#)
        .unwrap()
        .check(&input(&f))
        .unwrap();
}

#[test]
fn malformed_documents() {
    let code = |r: Result<PolicyDocument, PostPolicyError>| r.unwrap_err().to_string();
    assert_eq!(
        code(PolicyDocument::decode(&STANDARD.encode("{"))),
        "Invalid Policy: Invalid JSON."
    );
    assert_eq!(
        code(PolicyDocument::decode(
            &STANDARD.encode(r#"{"conditions": []}"#)
        )),
        "Invalid Policy: Missing expiration."
    );
    assert_eq!(
        code(PolicyDocument::decode(
            &STANDARD.encode(r#"{"expiration": "2030-01-01T00:00:00Z"}"#)
        )),
        "Invalid Policy: Missing conditions."
    );
    assert_eq!(
        code(PolicyDocument::decode(&STANDARD.encode(
            r#"{"expiration": "2030-01-01 00:00:00", "conditions": []}"#
        ))),
        "Invalid Policy: Invalid expiration."
    );
    assert_eq!(
        code(doc(r#"[{"bucket": "b", "key": "k"}]"#)),
        "Invalid Policy: Invalid Simple-Condition: Simple-Conditions must have exactly one property specified."
    );
    assert_eq!(
        code(doc(r"[{}]")),
        "Invalid Policy: Invalid Simple-Condition: Simple-Conditions must have exactly one property specified."
    );
    assert_eq!(
        code(doc(r#"[{"content-length": 5}]"#)),
        "Invalid Policy: Invalid Simple-Condition: value must be a string."
    );
    assert!(matches!(
        doc(r#"[["content-length-range", 0]]"#),
        Err(PostPolicyError::InvalidPolicyDocument(_))
    ));
    assert!(matches!(
        doc(r#"[["matches", "$key", "x"]]"#),
        Err(PostPolicyError::InvalidPolicyDocument(_))
    ));
    let e = PolicyDocument::decode("not base64!").unwrap_err();
    assert_eq!(
        (e.s3_code(), e.status()),
        ("InvalidPolicyDocument", StatusCode::BAD_REQUEST)
    );
}

/// A SigV2 form: the policy `{"expiration": "2015-12-29T01:00:00Z", "conditions": [{"bucket":
/// "sigv4examplebucket"}, {"key": "user/user1/photo.jpg"}]}` as `json.dumps` writes it, signed
/// with Python's `hmac` (base64 HMAC-SHA1 of the base64 text).
const V2_POLICY: &str = "eyJleHBpcmF0aW9uIjogIjIwMTUtMTItMjlUMDE6MDA6MDBaIiwgImNvbmRpdGlvbnMiOiBbeyJidWNrZXQiOiAic2lndjRleGFtcGxlYnVja2V0In0sIHsia2V5IjogInVzZXIvdXNlcjEvcGhvdG8uanBnIn1dfQ==";
const V2_SIGNATURE: &str = "XZCZdbLKqtDgP/ftyRPwL+dQJXg=";

fn v2_fields(signature: &str) -> Vec<(String, String)> {
    [
        ("key", "user/user1/photo.jpg"),
        ("AWSAccessKeyId", AK),
        ("policy", V2_POLICY),
        ("signature", signature),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_ascii_lowercase(), v.to_owned()))
    .collect()
}

#[test]
fn sigv2_form_verifies_and_is_refused_where_sigv2_is() {
    let fields = v2_fields(V2_SIGNATURE);
    let ok = verify(&input(&fields), &keyring(), at("2015-12-29T00:30:00Z")).unwrap();
    assert_eq!((ok.access_key.as_str(), ok.region.as_str()), (AK, ""));
    let fields = v2_fields("XZCZdbLKqtDgP/ftyRPwL+dQJXh=");
    let e = verify(&input(&fields), &keyring(), at("2015-12-29T00:30:00Z")).unwrap_err();
    assert_eq!(e.s3_code(), "SignatureDoesNotMatch");
    assert_eq!(e.extras()[1], ("StringToSign", V2_POLICY.to_owned()));
    let mut fields = v2_fields(V2_SIGNATURE);
    fields.retain(|(n, _)| n != "awsaccesskeyid");
    let e = verify(&input(&fields), &keyring(), at("2015-12-29T00:30:00Z")).unwrap_err();
    assert_eq!(e, PostPolicyError::MissingField("AWSAccessKeyId"));
    let settings = super::super::AuthSettings {
        sigv2: super::super::SigV2Policy::Refuse,
        ..super::super::AuthSettings::default()
    };
    let refusing = Keyring::with_settings([Account::new("000000000000", AK, SECRET)], &settings);
    let fields = v2_fields(V2_SIGNATURE);
    let e = verify(&input(&fields), &refusing, at("2015-12-29T00:30:00Z")).unwrap_err();
    assert_eq!(e.s3_code(), "InvalidRequest");
}
