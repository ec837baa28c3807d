//! SigV4: the `Authorization` header, the presigned query, and aws-chunked framing, all
//! through `auth::authenticate` as the edge calls it.

use std::time::{Duration, SystemTime};

use bytes::Bytes;
use proptest::prelude::*;

use super::{overwrite, splice};
use crate::auth::testing::{Signer, Streaming, streaming_request};
use crate::auth::{Account, Keyring, authenticate};

const NOW: Duration = Duration::from_secs(1_700_000_000);

fn keyring() -> Keyring {
    Keyring::new([Account::default_account()])
}

fn signer() -> Signer<'static> {
    Signer {
        access_key: "test",
        secret_key: "test",
        region: "us-east-1",
        service: "s3",
        time: SystemTime::UNIX_EPOCH + NOW,
    }
}

fn run(request: http::Request<Vec<u8>>) {
    let (parts, body) = request.into_parts();
    let _ = authenticate(
        &parts,
        Bytes::from(body),
        &keyring(),
        SystemTime::UNIX_EPOCH + NOW,
    );
}

/// A request to `uri` with the given headers, if `http` accepts them as such.
fn request(uri: &str, headers: &[(&str, String)], body: Vec<u8>) -> Option<http::Request<Vec<u8>>> {
    let mut b = http::Request::builder()
        .method("PUT")
        .uri(uri)
        .header("host", "localhost");
    for (k, v) in headers {
        b = b.header(*k, v.as_str());
    }
    b.body(body).ok()
}

const AUTHORIZATION: &str = "AWS4-HMAC-SHA256 Credential=test/20231114/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

const PRESIGNED: &str = "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=test%2F20231114%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20231114T221320Z&X-Amz-Expires=300&X-Amz-SignedHeaders=host&X-Amz-Signature=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

fn forms() -> impl Strategy<Value = Streaming> {
    prop_oneof![
        Just(Streaming::Signed),
        Just(Streaming::SignedTrailer),
        Just(Streaming::UnsignedTrailer),
    ]
}

proptest! {
    #![proptest_config(super::config())]

    #[test]
    fn an_arbitrary_authorization_header(
        value in "[ -~]{0,300}",
        date in "[0-9TZ]{0,20}",
        sha in "[ -~]{0,70}",
    ) {
        let headers = [
            ("authorization", value),
            ("x-amz-date", date),
            ("x-amz-content-sha256", sha),
        ];
        if let Some(r) = request("/b/k", &headers, Vec::new()) {
            run(r);
        }
    }

    #[test]
    fn an_authorization_header_with_text_spliced_in(
        at in any::<usize>(),
        len in 0usize..12,
        insert in "[ -~]{0,16}",
    ) {
        let headers = [
            ("authorization", splice(AUTHORIZATION, at, len, &insert)),
            ("x-amz-date", "20231114T221320Z".to_owned()),
            ("x-amz-content-sha256", "UNSIGNED-PAYLOAD".to_owned()),
        ];
        if let Some(r) = request("/b/k", &headers, Vec::new()) {
            run(r);
        }
    }

    #[test]
    fn a_presigned_query_with_text_spliced_in(
        at in any::<usize>(),
        len in 0usize..12,
        insert in "[!-~]{0,16}",
    ) {
        let uri = format!("/b/k?{}", splice(PRESIGNED, at, len, &insert));
        if let Some(r) = request(&uri, &[], Vec::new()) {
            run(r);
        }
    }

    #[test]
    fn an_arbitrary_query(query in "[!-~]{0,300}") {
        if let Some(r) = request(&format!("/b/k?X-Amz-Signature=&{query}"), &[], Vec::new()) {
            run(r);
        }
    }

    /// A correctly signed streaming upload whose aws-chunked body is then damaged: bytes
    /// overwritten, cut short, or a chunk size rewritten.
    #[test]
    fn a_signed_chunked_body_damaged(
        form in forms(),
        chunks in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..300), 0..4),
        edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 0..4),
        truncate in proptest::option::of(any::<usize>()),
        size in proptest::option::of("[0-9a-fA-Fx;= -]{0,20}"),
    ) {
        let pieces: Vec<&[u8]> = chunks.iter().map(Vec::as_slice).collect();
        let request = streaming_request(&signer(), "PUT", "/b/k", "localhost", &pieces, form, "crc32");
        let Ok(request) = request else { return Ok(()) };
        let (parts, body) = request.into_parts();
        let intact = edits.is_empty() && truncate.is_none() && size.is_none();
        let mut body = overwrite(body, &edits);
        if let Some(t) = truncate {
            body.truncate(t % (body.len() + 1));
        }
        if let Some(size) = size {
            // Replace the first chunk's size line.
            if let Some(eol) = body.windows(2).position(|w| w == b"\r\n") {
                let head = body[..eol].iter().position(|b| *b == b';').unwrap_or(eol);
                body.splice(..head, size.bytes());
            }
        }
        let result = authenticate(&parts, Bytes::from(body), &keyring(), SystemTime::UNIX_EPOCH + NOW);
        // The undamaged request authenticates, so the damaged ones reach the chunk decoder.
        prop_assert!(!intact || result.is_ok(), "{result:?}");
    }
}
