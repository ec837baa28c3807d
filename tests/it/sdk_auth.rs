//! Requests signed by the real `aws-sdk-s3` / `aws-sdk-lambda` clients, sent to a throwaway
//! hyper listener that runs `s3lambda::auth::authenticate` on each one (moved out of the library's unit tests so
//! the AWS SDKs are linked into this test binary only).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use aws_sdk_s3::primitives::ByteStream;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use parking_lot::Mutex;

use s3lambda::auth::{Account, Keyring, PayloadMode, authenticate};

/// What the listener saw for one request.
#[derive(Debug, Clone)]
struct Seen {
    method: String,
    outcome: Result<(PayloadMode, Bytes, Vec<String>), String>,
}

async fn listener(keyring: Keyring) -> (SocketAddr, Arc<Mutex<Vec<Seen>>>) {
    let socket = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = socket.local_addr().unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let keyring = Arc::new(keyring);
    let log = seen.clone();
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = socket.accept().await else {
                return;
            };
            let (keyring, log) = (keyring.clone(), log.clone());
            tokio::spawn(async move {
                let service = service_fn(move |req: http::Request<hyper::body::Incoming>| {
                    let (keyring, log) = (keyring.clone(), log.clone());
                    async move {
                        let (parts, body) = req.into_parts();
                        let body = body
                            .collect()
                            .await
                            .map(http_body_util::Collected::to_bytes)
                            .unwrap_or_default();
                        let outcome = authenticate(&parts, body, &keyring, SystemTime::now())
                            .map(|a| {
                                let trailers =
                                    a.trailers.keys().map(|k| k.as_str().to_owned()).collect();
                                (a.payload, a.body, trailers)
                            })
                            .map_err(|e| format!("{}: {e} {:?}", e.s3_code(), e.extras()));
                        let status = if outcome.is_ok() { 200 } else { 403 };
                        log.lock().push(Seen {
                            method: parts.method.to_string(),
                            outcome,
                        });
                        let response = http::Response::builder()
                            .status(status)
                            .header("content-type", "application/json")
                            .body(Full::new(Bytes::from_static(b"{}")))
                            .unwrap();
                        Ok::<_, std::convert::Infallible>(response)
                    }
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    (addr, seen)
}

fn keyring() -> Keyring {
    Keyring::new([Account::new("000000000000", "test", "test")])
}

fn s3_client(addr: SocketAddr) -> aws_sdk_s3::Client {
    s3_client_with_token(addr, None)
}

fn s3_client_with_token(addr: SocketAddr, token: Option<&str>) -> aws_sdk_s3::Client {
    let config = aws_sdk_s3::Config::builder()
        .behavior_version_latest()
        .region(aws_sdk_s3::config::Region::new("us-east-1"))
        .credentials_provider(aws_credential_types::Credentials::from_keys(
            "test",
            "test",
            token.map(str::to_owned),
        ))
        .endpoint_url(format!("http://{addr}"))
        .force_path_style(true)
        .http_client(aws_smithy_http_client::Builder::new().build_http())
        .build();
    aws_sdk_s3::Client::from_conf(config)
}

#[tokio::test]
async fn sdk_put_object_forms_verify() {
    let (addr, seen) = listener(keyring()).await;
    let client = s3_client(addr);
    let data: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();

    // In-memory body (whatever checksum form the SDK picks by default).
    let _ = client
        .put_object()
        .bucket("b")
        .key("mem")
        .body(ByteStream::from(data.clone()))
        .send()
        .await;
    // A streaming body from a file: aws-chunked with a trailing checksum.
    let path = std::env::temp_dir().join(format!("s3lambda-auth-{}.bin", std::process::id()));
    std::fs::write(&path, &data).unwrap();
    let _ = client
        .put_object()
        .bucket("b")
        .key("file")
        .body(ByteStream::from_path(&path).await.unwrap())
        .send()
        .await;
    let _ = std::fs::remove_file(&path);
    // A plain GET.
    let _ = client.get_object().bucket("b").key("mem").send().await;

    let seen = seen.lock().clone();
    assert!(seen.len() >= 3, "{seen:?}");
    let mut modes = Vec::new();
    for s in &seen {
        let (mode, body, trailers) = s
            .outcome
            .as_ref()
            .unwrap_or_else(|e| panic!("{} rejected: {e}", s.method));
        if s.method == "PUT" {
            assert_eq!(&body[..], &data[..]);
            modes.push(*mode);
        }
        if *mode == PayloadMode::StreamingSignedTrailer {
            assert!(
                trailers.iter().any(|t| t.starts_with("x-amz-checksum-")),
                "{trailers:?}"
            );
        }
    }
    // Over plain HTTP the SDK signs every 64 KiB chunk and the checksum trailer.
    assert!(
        modes.contains(&PayloadMode::StreamingSignedTrailer),
        "{modes:?}"
    );
}

fn presigned_parts(presigned: &aws_sdk_s3::presigning::PresignedRequest) -> http::request::Parts {
    let mut builder = http::Request::builder()
        .method(presigned.method())
        .uri(presigned.uri());
    for (k, v) in presigned.headers() {
        builder = builder.header(k, v);
    }
    let uri: http::Uri = presigned.uri().parse().unwrap();
    builder = builder.header("host", uri.authority().unwrap().as_str());
    builder.body(()).unwrap().into_parts().0
}

#[tokio::test]
async fn sdk_presigned_get_and_put_verify() {
    let addr: SocketAddr = "127.0.0.1:4566".parse().unwrap();
    for token in [None, Some("session-token/with+odd=chars")] {
        let client = s3_client_with_token(addr, token);
        let config =
            aws_sdk_s3::presigning::PresigningConfig::expires_in(Duration::from_mins(5)).unwrap();
        let get = client
            .get_object()
            .bucket("b")
            .key("some key+with/odd chars")
            .presigned(config.clone())
            .await
            .unwrap();
        assert_eq!(get.uri().contains("X-Amz-Security-Token"), token.is_some());
        let ok = authenticate(
            &presigned_parts(&get),
            Bytes::new(),
            &keyring(),
            SystemTime::now(),
        )
        .unwrap();
        assert_eq!(ok.payload, PayloadMode::Unsigned);
        let put = client
            .put_object()
            .bucket("b")
            .key("k")
            .content_type("text/plain")
            .presigned(config)
            .await
            .unwrap();
        let body = Bytes::from_static(b"uploaded with a presigned url");
        let ok = authenticate(
            &presigned_parts(&put),
            body.clone(),
            &keyring(),
            SystemTime::now(),
        )
        .unwrap();
        assert_eq!(ok.body, body);
    }
}

#[tokio::test]
async fn sdk_session_token_header_verifies() {
    let (addr, seen) = listener(keyring()).await;
    let client = s3_client_with_token(addr, Some("the-token"));
    let _ = client.head_bucket().bucket("b").send().await;
    let seen = seen.lock().clone();
    assert_eq!(seen.len(), 1);
    seen[0].outcome.as_ref().unwrap();
}

#[tokio::test]
async fn sdk_lambda_call_verifies() {
    let (addr, seen) = listener(keyring()).await;
    let config = aws_sdk_lambda::Config::builder()
        .behavior_version_latest()
        .region(aws_sdk_lambda::config::Region::new("eu-west-1"))
        .credentials_provider(aws_credential_types::Credentials::from_keys(
            "test", "test", None,
        ))
        .endpoint_url(format!("http://{addr}"))
        .http_client(aws_smithy_http_client::Builder::new().build_http())
        .build();
    let client = aws_sdk_lambda::Client::from_conf(config);
    let _ = client
        .invoke()
        .function_name("arn:aws:lambda:eu-west-1:000000000000:function:f")
        .qualifier("PROD")
        .payload(aws_sdk_lambda::primitives::Blob::new(
            br#"{"a":1}"#.to_vec(),
        ))
        .send()
        .await;
    let seen = seen.lock().clone();
    assert_eq!(seen.len(), 1, "{seen:?}");
    let (_, body, _) = seen[0].outcome.as_ref().unwrap();
    assert_eq!(&body[..], br#"{"a":1}"#);
}
