//! The edge under abuse, through raw sockets: bodies refused before they are read, slow and
//! idle connections closed, the connection cap, a stalled body, and the simulator API against
//! a web page's cross-origin POST and another account's eyes.

use std::net::SocketAddr;
use std::time::{Duration, SystemTime};

use aws_sdk_s3::primitives::ByteStream;
use s3lambda::auth::testing::{Payload, Signer};
use s3lambda::edge::EdgeLimits;
use s3lambda::sim::{Config, Server, Simulator};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;

use crate::common;

/// 300 MiB: what the attack declares, never sends.
const HUGE: u64 = 300 << 20;
/// A bound on every socket read, so a broken server fails the test instead of hanging it.
const GUARD: Duration = Duration::from_mins(1);

async fn start_with(limits: EdgeLimits) -> Server {
    let config = Config {
        edge: limits,
        ..Config::default()
    };
    Simulator::builder()
        .config(config)
        .account(
            common::OTHER_ACCOUNT,
            common::OTHER_KEY,
            common::OTHER_SECRET,
        )
        .build()
        .expect("simulator builds")
        .start("127.0.0.1:0".parse().expect("addr"))
        .await
        .expect("server starts")
}

/// A request head as it goes on the wire.
fn head<B>(request: &http::Request<B>) -> String {
    let target = request
        .uri()
        .path_and_query()
        .map_or("/", http::uri::PathAndQuery::as_str);
    let mut text = format!("{} {target} HTTP/1.1\r\n", request.method());
    for (name, value) in request.headers() {
        text.push_str(name.as_str());
        text.push_str(": ");
        text.push_str(value.to_str().expect("ASCII header"));
        text.push_str("\r\n");
    }
    text.push_str("\r\n");
    text
}

async fn connect(addr: SocketAddr) -> TcpStream {
    TcpStream::connect(addr).await.expect("connects")
}

/// Reads until the end of a response head; `None` if the server closed first.
async fn read_head(stream: &mut TcpStream) -> Option<String> {
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        if let Some(end) = got.windows(4).position(|w| w == b"\r\n\r\n") {
            return Some(String::from_utf8_lossy(&got[..end]).into_owned());
        }
        let n = tokio::time::timeout(GUARD, stream.read(&mut buf))
            .await
            .expect("the server answered or closed within the guard")
            .unwrap_or(0);
        if n == 0 {
            return None;
        }
        got.extend_from_slice(&buf[..n]);
    }
}

/// Reads until the server closes the connection (EOF or reset); what it sent meanwhile.
async fn read_to_close(stream: &mut TcpStream) -> String {
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        let read = tokio::time::timeout(GUARD, stream.read(&mut buf))
            .await
            .expect("the server closed the connection within the guard");
        match read {
            Ok(0) | Err(_) => return String::from_utf8_lossy(&got).into_owned(),
            Ok(n) => got.extend_from_slice(&buf[..n]),
        }
    }
}

fn put_head(addr: SocketAddr, path: &str) -> http::Request<()> {
    http::Request::builder()
        .method("PUT")
        .uri(path)
        .header("host", addr.to_string())
        .body(())
        .expect("request")
}

/// Sends the head of a 300 MiB upload (not its body) and returns the answer's head and the
/// rest of what the server sent until it closed the connection.
async fn send_huge_head(addr: SocketAddr, mut request: http::Request<()>) -> (String, String) {
    request
        .headers_mut()
        .insert("content-length", HUGE.to_string().parse().expect("value"));
    request
        .headers_mut()
        .insert("expect", "100-continue".parse().expect("value"));
    let mut stream = connect(addr).await;
    stream
        .write_all(head(&request).as_bytes())
        .await
        .expect("head sent");
    // The whole answer arrives and the connection closes, with no body sent.
    split(&read_to_close(&mut stream).await)
}

/// A response's head and body.
fn split(response: &str) -> (String, String) {
    let (head, body) = response.split_once("\r\n\r\n").unwrap_or((response, ""));
    (head.to_owned(), body.to_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn anonymous_put_is_refused_before_its_body() {
    let server = common::start().await;
    common::s3(&server)
        .create_bucket()
        .bucket("open")
        .send()
        .await
        .unwrap();
    let (answer, rest) = send_huge_head(server.addr(), put_head(server.addr(), "/open/big")).await;
    assert!(answer.starts_with("HTTP/1.1 403"), "{answer}");
    assert!(
        answer.to_ascii_lowercase().contains("connection: close"),
        "{answer}"
    );
    assert!(rest.contains("<Code>AccessDenied</Code>"), "{rest}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrongly_signed_put_is_refused_before_its_body() {
    let server = common::start().await;
    let addr = server.addr();
    common::s3(&server)
        .create_bucket()
        .bucket("open")
        .send()
        .await
        .unwrap();
    for (secret, payload, code) in [
        ("wrong", Payload::Unsigned, "SignatureDoesNotMatch"),
        (
            "wrong",
            Payload::Literal(s3lambda::auth::testing::STREAMING_SIGNED),
            "SignatureDoesNotMatch",
        ),
    ] {
        let mut request = put_head(addr, "/open/big");
        if matches!(payload, Payload::Literal(_)) {
            request.headers_mut().insert(
                "x-amz-decoded-content-length",
                HUGE.to_string().parse().expect("value"),
            );
            request
                .headers_mut()
                .insert("content-encoding", "aws-chunked".parse().expect("value"));
        }
        Signer {
            access_key: common::KEY,
            secret_key: secret,
            region: "us-east-1",
            service: "s3",
            time: SystemTime::now(),
        }
        .sign(&mut request, payload)
        .expect("signs");
        let (answer, rest) = send_huge_head(addr, request).await;
        assert!(answer.starts_with("HTTP/1.1 403"), "{answer}");
        assert!(rest.contains(&format!("<Code>{code}</Code>")), "{rest}");
    }
    // An unknown key is refused the same way.
    let mut request = put_head(addr, "/open/big");
    Signer {
        access_key: "nobody",
        secret_key: "x",
        region: "us-east-1",
        service: "s3",
        time: SystemTime::now(),
    }
    .sign(&mut request, Payload::Unsigned)
    .expect("signs");
    let (answer, rest) = send_huge_head(addr, request).await;
    assert!(answer.starts_with("HTTP/1.1 403"), "{answer}");
    assert!(rest.contains("<Code>InvalidAccessKeyId</Code>"), "{rest}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn anonymous_lambda_and_logs_calls_are_refused_before_their_body() {
    let server = common::start().await;
    let addr = server.addr();
    let mut request = http::Request::builder()
        .method("POST")
        .uri("/2015-03-31/functions")
        .header("host", addr.to_string())
        .body(())
        .expect("request");
    let (answer, rest) = send_huge_head(addr, request).await;
    assert!(answer.starts_with("HTTP/1.1 403"), "{answer}");
    assert!(
        answer.contains("MissingAuthenticationTokenException") || rest.contains("Missing"),
        "{answer}\n{rest}"
    );
    request = http::Request::builder()
        .method("POST")
        .uri("/")
        .header("host", addr.to_string())
        .header("x-amz-target", "Logs_20140328.GetLogEvents")
        .header("content-type", "application/x-amz-json-1.1")
        .body(())
        .expect("request");
    let (answer, _) = send_huge_head(addr, request).await;
    assert!(answer.starts_with("HTTP/1.1 403"), "{answer}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_signed_put_still_lands() {
    let server = common::start().await;
    let s3 = common::s3(&server);
    s3.create_bucket().bucket("fine").send().await.unwrap();
    s3.put_object()
        .bucket("fine")
        .key("k")
        .body(ByteStream::from_static(b"hello"))
        .send()
        .await
        .unwrap();
    let got = s3
        .get_object()
        .bucket("fine")
        .key("k")
        .send()
        .await
        .unwrap();
    assert_eq!(
        got.body.collect().await.unwrap().into_bytes().as_ref(),
        b"hello"
    );
}

fn short_limits() -> EdgeLimits {
    EdgeLimits {
        header_read_timeout_ms: 300,
        body_stall_timeout_ms: 300,
        ..EdgeLimits::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn half_a_request_line_is_cut_off() {
    let server = start_with(short_limits()).await;
    let mut stream = connect(server.addr()).await;
    stream.write_all(b"GET /_s3lambda/hea").await.expect("sent");
    // The connection is closed (perhaps after a 408) without the request ever completing.
    let rest = read_to_close(&mut stream).await;
    assert!(!rest.contains("200 OK"), "{rest}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idle_keep_alive_connection_is_closed() {
    let server = start_with(short_limits()).await;
    let mut stream = connect(server.addr()).await;
    let request = format!(
        "GET /_s3lambda/health HTTP/1.1\r\nhost: {}\r\n\r\n",
        server.addr()
    );
    stream.write_all(request.as_bytes()).await.expect("sent");
    let answer = read_head(&mut stream).await.expect("an answer");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    // Kept alive, then closed for idleness: the read ends instead of waiting forever.
    read_to_close(&mut stream).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stalled_body_gets_request_timeout() {
    let server = start_with(short_limits()).await;
    let addr = server.addr();
    common::s3(&server)
        .create_bucket()
        .bucket("slow")
        .send()
        .await
        .unwrap();
    let mut request = put_head(addr, "/slow/k");
    Signer {
        access_key: common::KEY,
        secret_key: common::SECRET,
        region: "us-east-1",
        service: "s3",
        time: SystemTime::now(),
    }
    .sign(&mut request, Payload::Unsigned)
    .expect("signs");
    request
        .headers_mut()
        .insert("content-length", "100".parse().expect("value"));
    let mut stream = connect(addr).await;
    stream
        .write_all(head(&request).as_bytes())
        .await
        .expect("head sent");
    stream.write_all(b"0123456789").await.expect("some body");
    let (answer, rest) = split(&read_to_close(&mut stream).await);
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    assert!(rest.contains("<Code>RequestTimeout</Code>"), "{rest}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_over_the_cap_are_closed() {
    let server = start_with(EdgeLimits {
        max_connections: 2,
        ..EdgeLimits::default()
    })
    .await;
    let addr = server.addr();
    let request = format!("GET /_s3lambda/health HTTP/1.1\r\nhost: {addr}\r\n\r\n");
    let mut held = Vec::new();
    for _ in 0..2 {
        let mut stream = connect(addr).await;
        stream.write_all(request.as_bytes()).await.expect("sent");
        let answer = read_head(&mut stream).await.expect("served");
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
        held.push(stream);
    }
    let mut third = connect(addr).await;
    // The write may fail once the server has closed the socket; either way, no answer.
    let _ = third.write_all(request.as_bytes()).await;
    let rest = read_to_close(&mut third).await;
    assert!(
        rest.is_empty(),
        "a connection over the cap was served: {rest}"
    );
    drop(held);
}

/// A raw request to the simulator API; the status and body.
async fn sim_raw(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
) -> (u16, String) {
    let mut builder = http::Request::builder()
        .method(method)
        .uri(format!("http://{addr}{path}"))
        .header("host", addr.to_string());
    for (k, v) in headers {
        builder = builder.header(*k, *v);
    }
    let reply = crate::raw::send(builder.body(bytes::Bytes::new()).expect("request")).await;
    (reply.status.as_u16(), reply.body)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_web_page_cannot_reset_the_simulator() {
    let server = common::start().await;
    let addr = server.addr();
    let s3 = common::s3(&server);
    s3.create_bucket().bucket("precious").send().await.unwrap();
    // What a page's `fetch(url, {method: "POST", mode: "no-cors", body: "x"})` sends.
    let (status, body) = sim_raw(
        addr,
        "POST",
        "/_s3lambda/reset",
        &[
            ("origin", "http://evil.example"),
            ("content-type", "text/plain;charset=UTF-8"),
        ],
    )
    .await;
    assert_eq!(status, 403, "{body}");
    assert!(body.contains("CrossOriginRequestRefused"), "{body}");
    // A form-encodable POST without an Origin (an old browser, a redirect) is refused too.
    let (status, body) = sim_raw(
        addr,
        "POST",
        "/_s3lambda/reset",
        &[("content-type", "application/x-www-form-urlencoded")],
    )
    .await;
    assert_eq!(status, 403, "{body}");
    assert!(body.contains("ForbiddenContentType"), "{body}");
    s3.head_bucket()
        .bucket("precious")
        .send()
        .await
        .expect("not reset");
    // A cross-origin read is refused as well.
    let (status, _) = sim_raw(
        addr,
        "GET",
        "/_s3lambda/traces",
        &[("origin", "http://evil.example")],
    )
    .await;
    assert_eq!(status, 403);
    // The local tools' way still works.
    let (status, body) = sim_raw(
        addr,
        "POST",
        "/_s3lambda/reset",
        &[("content-type", "application/json")],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert!(
        s3.head_bucket().bucket("precious").send().await.is_err(),
        "reset"
    );
}

/// A simulator API GET signed with `key`/`secret`.
async fn signed_sim_get(addr: SocketAddr, path: &str, key: &str, secret: &str) -> (u16, String) {
    let mut request = http::Request::builder()
        .method("GET")
        .uri(format!("http://{addr}{path}"))
        .header("host", addr.to_string())
        .body(bytes::Bytes::new())
        .expect("request");
    Signer {
        access_key: key,
        secret_key: secret,
        region: "us-east-1",
        service: "s3",
        time: SystemTime::now(),
    }
    .sign(&mut request, Payload::Bytes(b""))
    .expect("signs");
    let reply = crate::raw::send(request).await;
    (reply.status.as_u16(), reply.body)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_signed_caller_sees_only_its_own_traces() {
    let server = common::start().await;
    let addr = server.addr();
    let s3 = common::s3(&server);
    let lambda = common::lambda(&server);
    common::create_function(&lambda, "mine", s3lambda::runtime::handlers::HELLOWORLD).await;
    lambda
        .add_permission()
        .function_name("mine")
        .statement_id("s3")
        .action("lambda:InvokeFunction")
        .principal("s3.amazonaws.com")
        .source_arn("arn:aws:s3:::traced")
        .send()
        .await
        .unwrap();
    s3.create_bucket().bucket("traced").send().await.unwrap();
    let config = aws_sdk_s3::types::NotificationConfiguration::builder()
        .lambda_function_configurations(
            aws_sdk_s3::types::LambdaFunctionConfiguration::builder()
                .lambda_function_arn("arn:aws:lambda:us-east-1:000000000000:function:mine")
                .events(aws_sdk_s3::types::Event::S3ObjectCreated)
                .build()
                .unwrap(),
        )
        .build();
    s3.put_bucket_notification_configuration()
        .bucket("traced")
        .notification_configuration(config)
        .send()
        .await
        .unwrap();
    s3.put_object()
        .bucket("traced")
        .key("secret.txt")
        .body(ByteStream::from_static(b"x"))
        .send()
        .await
        .unwrap();
    common::wait_idle(&server).await;

    let count = |body: &str| -> usize {
        let v: serde_json::Value = serde_json::from_str(body).expect("JSON");
        v["traces"].as_array().expect("traces").len()
    };
    let (status, body) = sim_raw(addr, "GET", "/_s3lambda/traces", &[]).await;
    assert_eq!(
        (status, count(&body)),
        (200, 1),
        "the local admin sees all: {body}"
    );
    let (status, body) =
        signed_sim_get(addr, "/_s3lambda/traces", common::KEY, common::SECRET).await;
    assert_eq!(
        (status, count(&body)),
        (200, 1),
        "the owner sees its trace: {body}"
    );
    let (status, body) = signed_sim_get(
        addr,
        "/_s3lambda/traces",
        common::OTHER_KEY,
        common::OTHER_SECRET,
    )
    .await;
    assert_eq!(
        (status, count(&body)),
        (200, 0),
        "account B sees none of A's: {body}"
    );
    assert!(!body.contains("secret.txt"), "{body}");
    let (status, body) = signed_sim_get(
        addr,
        "/_s3lambda/destinations",
        common::OTHER_KEY,
        common::OTHER_SECRET,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let (status, body) =
        signed_sim_get(addr, "/_s3lambda/traces", common::OTHER_KEY, "wrong").await;
    assert_eq!(status, 403, "a bad signature is not the admin: {body}");
}

/// Sends a form upload's head declaring 300 MiB and the first `sent` bytes of its body.
async fn send_form_prefix(addr: SocketAddr, sent: &[u8]) -> (String, String) {
    let head = format!(
        "POST /forms HTTP/1.1\r\nhost: {addr}\r\ncontent-type: multipart/form-data; boundary=XX\r\ncontent-length: {HUGE}\r\n\r\n"
    );
    let mut stream = connect(addr).await;
    stream.write_all(head.as_bytes()).await.expect("head sent");
    stream.write_all(sent).await.expect("prefix sent");
    split(&read_to_close(&mut stream).await)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unsigned_form_upload_is_refused_before_its_file() {
    let server = common::start().await;
    let addr = server.addr();
    common::s3(&server)
        .create_bucket()
        .bucket("forms")
        .send()
        .await
        .unwrap();
    let fields = b"--XX\r\nContent-Disposition: form-data; name=\"key\"\r\n\r\nk\r\n--XX\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big\"\r\n\r\nstart of 300 MiB";
    let (answer, rest) = send_form_prefix(addr, fields).await;
    assert!(answer.starts_with("HTTP/1.1 403"), "{answer}");
    assert!(rest.contains("<Code>AccessDenied</Code>"), "{rest}");
    // Fields that never end are not buffered past S3's pre-data limit.
    let mut endless =
        b"--XX\r\nContent-Disposition: form-data; name=\"x-ignore-pad\"\r\n\r\n".to_vec();
    endless.resize(26 * 1024, b'a');
    let (answer, rest) = send_form_prefix(addr, &endless).await;
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    assert!(
        rest.contains("<Code>MaxPostPreDataLengthExceeded</Code>"),
        "{rest}"
    );
    // A form that is not multipart S3 can read (a part with no headers) has no policy to
    // check: it is refused at once, not read to its declared 300 MiB.
    let (answer, rest) = send_form_prefix(addr, b"--XX\r\nno headers here\r\n\r\n").await;
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    assert!(rest.contains("<Code>MalformedPOSTRequest</Code>"), "{rest}");
}
