//! SigV2 against `serve`: header-signed and query-signed (presigned) S3 requests built by hand
//! with the simulator's own StringToSign and checked end to end (accepted, tampered, expired,
//! virtual-host, refused by `--refuse-sigv2`, refused for Lambda), then the real clients that
//! still produce SigV2: boto3 (`signature_version='s3'`, and its default presigned URLs) and
//! `aws s3 presign` of the AWS CLI v1 (ignored by a plain `cargo test`: they need python3 with
//! boto3 and the `aws` CLI; CI runs them with `--ignored`).

use std::time::SystemTime;

use bytes::Bytes;
use s3lambda::auth::testing::{sigv2_signature, sigv2_string_to_sign};
use s3lambda::auth::{AuthSettings, SigV2Policy};
use s3lambda::sim::{Config, Server, Simulator};
use serde_json::Value;

use crate::common::{self, KEY, SECRET};
use crate::raw::{self, Reply};

/// `req` signed with SigV2 in its `Authorization` header (a `Date` header added), its resource
/// starting with `virtual_host_bucket` when the `Host` names one.
fn signed_v2(
    mut req: http::Request<Bytes>,
    key: &str,
    secret: &str,
    virtual_host_bucket: Option<&str>,
) -> http::Request<Bytes> {
    let date = httpdate::fmt_http_date(SystemTime::now());
    req.headers_mut()
        .insert("date", date.parse().expect("date"));
    let (parts, body) = req.into_parts();
    let sts = sigv2_string_to_sign(&parts, &date, false, virtual_host_bucket);
    let signature = sigv2_signature(secret, &sts);
    let mut req = http::Request::from_parts(parts, body);
    req.headers_mut().insert(
        "authorization",
        format!("AWS {key}:{signature}").parse().expect("header"),
    );
    req
}

/// A SigV2 query-signed URL for `method` on `path_and_query`, expiring at `expires`.
fn presigned_v2(server: &Server, method: &str, path_and_query: &str, expires: i64) -> String {
    let url = format!("{}{path_and_query}", server.endpoint());
    let parts = http::Request::builder()
        .method(method)
        .uri(&url)
        .body(())
        .expect("request")
        .into_parts()
        .0;
    let sts = sigv2_string_to_sign(&parts, &expires.to_string(), true, None);
    let signature: String =
        form_urlencoded::byte_serialize(sigv2_signature(SECRET, &sts).as_bytes()).collect();
    let sep = if path_and_query.contains('?') {
        '&'
    } else {
        '?'
    };
    format!("{url}{sep}AWSAccessKeyId={KEY}&Signature={signature}&Expires={expires}")
}

fn request(method: &str, url: &str, body: &'static [u8]) -> http::Request<Bytes> {
    http::Request::builder()
        .method(method)
        .uri(url)
        .body(Bytes::from_static(body))
        .expect("request")
}

fn epoch_now() -> i64 {
    let secs = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .expect("after 1970")
        .as_secs();
    i64::try_from(secs).expect("fits")
}

fn element<'a>(reply: &'a Reply, name: &str) -> Option<&'a str> {
    let open = format!("<{name}>");
    let start = reply.body.find(&open)? + open.len();
    let end = reply.body[start..].find(&format!("</{name}>"))? + start;
    Some(&reply.body[start..end])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn header_and_query_sigv2_requests_are_verified() {
    let server = common::start().await;
    let s3 = common::s3(&server);
    s3.create_bucket()
        .bucket("old-style")
        .send()
        .await
        .expect("bucket");
    let endpoint = server.endpoint();

    // PUT signed in the header, with Content-Type, Content-MD5-free, x-amz-meta-*.
    let mut put = request(
        "PUT",
        &format!("{endpoint}/old-style/a%20key.txt"),
        b"hello v2",
    );
    put.headers_mut()
        .insert("content-type", "text/plain".parse().expect("v"));
    put.headers_mut()
        .insert("x-amz-meta-colour", " blue ".parse().expect("v"));
    let reply = raw::send(signed_v2(put, KEY, SECRET, None)).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let got = s3
        .get_object()
        .bucket("old-style")
        .key("a key.txt")
        .send()
        .await
        .expect("stored");
    assert_eq!(got.content_type(), Some("text/plain"));
    assert_eq!(
        got.metadata()
            .and_then(|m| m.get("colour"))
            .map(String::as_str),
        Some("blue")
    );

    // A bucket operation with a signed sub-resource (`?versioning`).
    let get = request("GET", &format!("{endpoint}/old-style?versioning"), b"");
    let reply = raw::send(signed_v2(get, KEY, SECRET, None)).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert!(
        reply.body.contains("VersioningConfiguration"),
        "{}",
        reply.body
    );

    // A presigned GET, valid for a minute.
    let expires = epoch_now() + 60;
    let url = presigned_v2(&server, "GET", "/old-style/a%20key.txt", expires);
    let reply = raw::send(request("GET", &url, b"")).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.body, "hello v2");

    // The same URL for another key: the signature covers the resource.
    let tampered = url.replace("a%20key.txt", "other.txt");
    let reply = raw::send(request("GET", &tampered, b"")).await;
    assert_eq!(reply.status, 403);
    assert_eq!(
        reply.s3_code(),
        Some("SignatureDoesNotMatch"),
        "{}",
        reply.body
    );
    assert_eq!(
        element(&reply, "StringToSign"),
        Some(format!("GET\n\n\n{expires}\n/old-style/other.txt").as_str())
    );
    assert_eq!(element(&reply, "AWSAccessKeyId"), Some(KEY));
    assert!(element(&reply, "StringToSignBytes").is_some_and(|b| b.starts_with("47 45 54 0a")));
    assert_eq!(element(&reply, "CanonicalRequest"), None, "SigV2 has none");

    // Expired: AccessDenied with Expires and ServerTime, and no X-Amz-Expires.
    let url = presigned_v2(&server, "GET", "/old-style/a%20key.txt", epoch_now() - 5);
    let reply = raw::send(request("GET", &url, b"")).await;
    assert_eq!(reply.status, 403);
    assert_eq!(reply.s3_code(), Some("AccessDenied"));
    assert_eq!(element(&reply, "Message"), Some("Request has expired"));
    assert!(element(&reply, "Expires").is_some() && element(&reply, "ServerTime").is_some());
    assert_eq!(element(&reply, "X-Amz-Expires"), None);

    // A presigned PUT, then an unknown key.
    let url = presigned_v2(&server, "PUT", "/old-style/put.txt", epoch_now() + 60);
    let reply = raw::send(request("PUT", &url, b"via url")).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    let unknown = url.replace(
        &format!("AWSAccessKeyId={KEY}"),
        "AWSAccessKeyId=AKIANOBODY",
    );
    let reply = raw::send(request("PUT", &unknown, b"x")).await;
    assert_eq!(
        reply.s3_code(),
        Some("InvalidAccessKeyId"),
        "{}",
        reply.body
    );
    assert_eq!(element(&reply, "AWSAccessKeyId"), Some("AKIANOBODY"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn virtual_host_requests_sign_the_bucket_in_the_resource() {
    let server = common::start().await;
    let s3 = common::s3(&server);
    s3.create_bucket()
        .bucket("vhost")
        .send()
        .await
        .expect("bucket");
    let host = format!("vhost.localhost:{}", server.addr().port());
    let mut put = request("PUT", &format!("{}/k", server.endpoint()), b"virtual");
    put.headers_mut()
        .insert("host", host.parse().expect("host"));
    let reply = raw::send(signed_v2(put, KEY, SECRET, Some("vhost"))).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    // Signed as if path style: the resource lacks the bucket the Host names.
    let mut get = request("GET", &format!("{}/k", server.endpoint()), b"");
    get.headers_mut()
        .insert("host", host.parse().expect("host"));
    let reply = raw::send(signed_v2(get, KEY, SECRET, None)).await;
    assert_eq!(reply.s3_code(), Some("SignatureDoesNotMatch"));
    assert!(element(&reply, "StringToSign").is_some_and(|s| s.ends_with("\n/vhost/k")));
    // The listing of the bucket: `/vhost/`.
    let mut list = request("GET", &format!("{}/", server.endpoint()), b"");
    list.headers_mut()
        .insert("host", host.parse().expect("host"));
    let reply = raw::send(signed_v2(list, KEY, SECRET, Some("vhost"))).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert!(reply.body.contains("<Key>k</Key>"), "{}", reply.body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refuse_sigv2_answers_as_s3_does_for_new_buckets() {
    let config = Config {
        auth: AuthSettings {
            sigv2: SigV2Policy::Refuse,
            ..AuthSettings::default()
        },
        ..Config::default()
    };
    let server = Simulator::builder()
        .config(config)
        .build()
        .expect("builds")
        .start("127.0.0.1:0".parse().expect("addr"))
        .await
        .expect("starts");
    let s3 = common::s3(&server);
    s3.create_bucket()
        .bucket("new-bucket")
        .send()
        .await
        .expect("SigV4 still works");
    let get = request("GET", &format!("{}/new-bucket", server.endpoint()), b"");
    let reply = raw::send(signed_v2(get, KEY, SECRET, None)).await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.s3_code(), Some("InvalidRequest"));
    assert_eq!(
        element(&reply, "Message"),
        Some(
            "The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256."
        )
    );
    let url = presigned_v2(&server, "GET", "/new-bucket/k", epoch_now() + 60);
    let reply = raw::send(request("GET", &url, b"")).await;
    assert_eq!(reply.s3_code(), Some("InvalidRequest"));
}

#[tokio::test]
async fn lambda_refuses_sigv2() {
    let server = common::start().await;
    let get = request(
        "GET",
        &format!("{}/2015-03-31/functions", server.endpoint()),
        b"",
    );
    let reply = raw::send(signed_v2(get, KEY, SECRET, None)).await;
    assert_eq!(reply.status, 400, "{}", reply.body);
    assert_eq!(
        reply
            .headers
            .get("x-amzn-ErrorType")
            .and_then(|v| v.to_str().ok()),
        Some("IncompleteSignatureException")
    );
}

fn python_available() {
    let probe = std::process::Command::new("python3")
        .args(["-c", "import boto3"])
        .output();
    assert!(
        probe.is_ok_and(|o| o.status.success()),
        "this test needs python3 with boto3 (pip install boto3)"
    );
}

/// boto3's presigned URLs (its default for S3, and `signature_version='s3'`) and its
/// header-signed calls with `signature_version='s3'`, virtual-host style.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs python3 with boto3; CI runs it with --ignored"]
async fn boto3_sigv2_presigned_urls_and_calls() {
    python_available();
    let server = common::start().await;
    let s3 = common::s3(&server);
    s3.create_bucket()
        .bucket("boto-v2")
        .send()
        .await
        .expect("bucket");
    s3.put_object()
        .bucket("boto-v2")
        .key("seed.txt")
        .body(Bytes::from_static(b"seeded").into())
        .send()
        .await
        .expect("seed");
    let script = r#"
import json, socket, sys, urllib.request, urllib.error
import boto3
from botocore.config import Config
endpoint = sys.argv[1]
port = endpoint.rsplit(":", 1)[1]
# *.localhost may not resolve here: send virtual-host requests to 127.0.0.1.
_gai = socket.getaddrinfo
def gai(host, *a, **k):
    if isinstance(host, str) and host.endswith(".localhost"):
        host = "127.0.0.1"
    return _gai(host, *a, **k)
socket.getaddrinfo = gai
out = {}
def fetch(url, method="GET", data=None, headers=None):
    req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()
default = boto3.client("s3", endpoint_url=endpoint, aws_access_key_id="test",
                       aws_secret_access_key="test", region_name="us-east-1")
url = default.generate_presigned_url("get_object", Params={"Bucket": "boto-v2", "Key": "seed.txt"})
out["default_is_v2"] = "AWSAccessKeyId=" in url and "X-Amz-" not in url
out["default_get"] = fetch(url)
out["tampered_get"] = fetch(url.replace("seed.txt", "seed.txz"))
v2 = boto3.client("s3", endpoint_url=endpoint, aws_access_key_id="test",
                  aws_secret_access_key="test", region_name="us-east-1",
                  config=Config(signature_version="s3", s3={"addressing_style": "path"}))
put = v2.generate_presigned_url("put_object", ExpiresIn=120,
    Params={"Bucket": "boto-v2", "Key": "up loaded.txt", "ContentType": "text/plain"})
out["presigned_put"] = fetch(put, "PUT", b"from a v2 url", {"Content-Type": "text/plain"})
get = v2.generate_presigned_url("get_object", Params={"Bucket": "boto-v2", "Key": "up loaded.txt",
    "ResponseContentType": "application/x-test"})
out["presigned_get"] = fetch(get)
vh = boto3.client("s3", endpoint_url="http://localhost:" + port, aws_access_key_id="test",
                  aws_secret_access_key="test", region_name="us-east-1",
                  config=Config(signature_version="s3", s3={"addressing_style": "virtual"}))
vh.put_object(Bucket="boto-v2", Key="hdr.txt", Body=b"header signed", Metadata={"k": "v"})
o = vh.get_object(Bucket="boto-v2", Key="hdr.txt")
out["header_get"] = [o["Body"].read().decode(), o["Metadata"]]
out["header_list"] = sorted(x["Key"] for x in vh.list_objects_v2(Bucket="boto-v2")["Contents"])
mp = vh.create_multipart_upload(Bucket="boto-v2", Key="multi.bin")
part = vh.upload_part(Bucket="boto-v2", Key="multi.bin", UploadId=mp["UploadId"], PartNumber=1, Body=b"m" * 10)
vh.complete_multipart_upload(Bucket="boto-v2", Key="multi.bin", UploadId=mp["UploadId"],
    MultipartUpload={"Parts": [{"ETag": part["ETag"], "PartNumber": 1}]})
out["multipart"] = vh.head_object(Bucket="boto-v2", Key="multi.bin")["ContentLength"]
post = v2.generate_presigned_post("boto-v2", "posted/${filename}", ExpiresIn=120)
out["post"] = {"url": post["url"], "fields": list(post["fields"].items())}
vh.delete_object(Bucket="boto-v2", Key="hdr.txt")
bad = boto3.client("s3", endpoint_url="http://localhost:" + port, aws_access_key_id="test",
                   aws_secret_access_key="wrong", region_name="us-east-1",
                   config=Config(signature_version="s3", s3={"addressing_style": "virtual"}))
try:
    bad.get_object(Bucket="boto-v2", Key="seed.txt")
    out["wrong_secret"] = "accepted"
except Exception as e:
    out["wrong_secret"] = e.response["Error"]["Code"]
print(json.dumps(out))
"#;
    let endpoint = server.endpoint();
    let output = tokio::task::spawn_blocking(move || {
        std::process::Command::new("python3")
            .args(["-c", script, &endpoint])
            .output()
            .expect("python3 runs")
    })
    .await
    .expect("joined");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let out: Value = serde_json::from_slice(&output.stdout).expect("json");
    assert_eq!(out["default_is_v2"], true, "{out}");
    assert_eq!(out["default_get"], serde_json::json!([200, "seeded"]));
    assert_eq!(out["tampered_get"][0], 403);
    assert!(
        out["tampered_get"][1]
            .as_str()
            .is_some_and(|b| b.contains("<Code>SignatureDoesNotMatch</Code>")),
        "{out}"
    );
    assert_eq!(out["presigned_put"][0], 200, "{out}");
    assert_eq!(
        out["presigned_get"],
        serde_json::json!([200, "from a v2 url"])
    );
    assert_eq!(
        out["header_get"],
        serde_json::json!(["header signed", {"k": "v"}])
    );
    assert_eq!(
        out["header_list"],
        serde_json::json!(["hdr.txt", "seed.txt", "up loaded.txt"])
    );
    assert_eq!(out["multipart"], 10);
    assert_eq!(out["wrong_secret"], "SignatureDoesNotMatch");

    // botocore's SigV2 POST form (`AWSAccessKeyId`, `policy`, `signature`).
    let url = out["post"]["url"].as_str().expect("url").to_owned();
    let fields: Vec<(String, String)> = out["post"]["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .map(|f| {
            (
                f[0].as_str().expect("name").to_owned(),
                f[1].as_str().expect("value").to_owned(),
            )
        })
        .collect();
    assert!(
        fields.iter().any(|(n, _)| n == "AWSAccessKeyId"),
        "{fields:?}"
    );
    let reply = raw::send(form_post(&url, &fields, "f.txt", b"posted with v2")).await;
    assert_eq!(reply.status, 204, "{}", reply.body);
    let got = s3
        .get_object()
        .bucket("boto-v2")
        .key("posted/f.txt")
        .send()
        .await
        .expect("posted object");
    let body = got.body.collect().await.expect("body").into_bytes();
    assert_eq!(&body[..], b"posted with v2");
}

/// A `multipart/form-data` POST of `fields` then the file.
fn form_post(
    url: &str,
    fields: &[(String, String)],
    filename: &str,
    file: &[u8],
) -> http::Request<Bytes> {
    const BOUNDARY: &str = "sigv2-form-boundary";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    body.extend_from_slice(
        format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\nContent-Type: text/plain\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    http::Request::builder()
        .method("POST")
        .uri(url)
        .header(
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(Bytes::from(body))
        .expect("request")
}

/// `aws s3 presign` (CLI v1: SigV2 query by default) makes a URL the simulator serves.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the aws CLI; CI runs it with --ignored"]
async fn aws_cli_presign_url_is_served() {
    assert!(
        std::process::Command::new("aws")
            .arg("--version")
            .output()
            .is_ok(),
        "this test needs the `aws` CLI (pip install awscli)"
    );
    let server = common::start().await;
    let s3 = common::s3(&server);
    s3.create_bucket()
        .bucket("cli-v2")
        .send()
        .await
        .expect("bucket");
    s3.put_object()
        .bucket("cli-v2")
        .key("dir/file.txt")
        .body(Bytes::from_static(b"from the cli").into())
        .send()
        .await
        .expect("object");
    let endpoint = server.endpoint();
    let output = tokio::task::spawn_blocking(move || {
        std::process::Command::new("aws")
            .args([
                "s3",
                "presign",
                "s3://cli-v2/dir/file.txt",
                "--expires-in",
                "120",
            ])
            .args(["--endpoint-url", &endpoint, "--region", "us-east-1"])
            .env("AWS_ACCESS_KEY_ID", KEY)
            .env("AWS_SECRET_ACCESS_KEY", SECRET)
            .env("AWS_CONFIG_FILE", "/dev/null")
            .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
            .output()
            .expect("aws runs")
    })
    .await
    .expect("joined");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let url = String::from_utf8_lossy(&output.stdout).trim().to_owned();
    assert!(
        url.contains("AWSAccessKeyId=") && url.contains("Signature="),
        "{url}"
    );
    let reply = raw::send(request("GET", &url, b"")).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(reply.body, "from the cli");
    let reply = raw::send(request("GET", &url.replace("file.txt", "file.txz"), b"")).await;
    assert_eq!(reply.s3_code(), Some("SignatureDoesNotMatch"));
}

/// Kills the `serve` child when the test ends, passed or not.
struct Child(std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `serve --any-key --refuse-sigv2` does what the flags say, and every refusal is in the debug
/// log with its reason.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_flags_set_the_modes_and_refusals_are_logged_with_their_reason() {
    use std::process::{Command, Stdio};
    use std::time::{Duration, Instant};
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let log =
        std::env::temp_dir().join(format!("s3lambda-sigv2-{}-{port}.log", std::process::id()));
    let file = std::fs::File::create(&log).expect("log file");
    let child = Child(
        Command::new(env!("CARGO_BIN_EXE_s3lambda"))
            .args([
                "--log",
                "s3lambda=debug",
                "serve",
                "--port",
                &port.to_string(),
            ])
            .args(["--any-key", "--refuse-sigv2"])
            .stdout(Stdio::null())
            .stderr(Stdio::from(file))
            .spawn()
            .expect("s3lambda starts"),
    );
    let started = Instant::now();
    while tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .is_err()
    {
        assert!(
            started.elapsed() < Duration::from_mins(2),
            "serve did not listen"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let endpoint = format!("http://127.0.0.1:{port}");
    let s3 = |key: &str, secret: &str| {
        let conf = aws_sdk_s3::Config::builder()
            .behavior_version(aws_sdk_s3::config::BehaviorVersion::latest())
            .region(aws_sdk_s3::config::Region::new("us-east-1"))
            .credentials_provider(aws_credential_types::Credentials::from_keys(
                key, secret, None,
            ))
            .endpoint_url(&endpoint)
            .force_path_style(true)
            .http_client(aws_smithy_http_client::Builder::new().build_http())
            .build();
        aws_sdk_s3::Client::from_conf(conf)
    };
    s3("123456789012", "test")
        .create_bucket()
        .bucket("flagged")
        .send()
        .await
        .expect("--any-key accepts a 12-digit key");
    let e = s3("123456789012", "wrong")
        .list_buckets()
        .send()
        .await
        .expect_err("wrong secret");
    assert_eq!(common::code(&e), "SignatureDoesNotMatch");
    let get = request("GET", &format!("{endpoint}/flagged"), b"");
    let reply = raw::send(signed_v2(get, "123456789012", "test", None)).await;
    assert_eq!(reply.s3_code(), Some("InvalidRequest"), "--refuse-sigv2");
    drop(child);
    let text = std::fs::read_to_string(&log).expect("log");
    let _ = std::fs::remove_file(&log);
    let refusals: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("DEBUG") && l.contains("refused"))
        .collect();
    for reason in [
        "The request signature we calculated does not match",
        "The authorization mechanism you have provided is not supported",
    ] {
        assert!(
            refusals.iter().any(|l| l.contains(reason)),
            "no debug line gives {reason:?}:\n{}",
            refusals.join("\n")
        );
    }
}
