//! API handler tests: `LambdaRequest`s built directly, a fake `Invoker`, a tiny fake wasm.
#![allow(clippy::many_single_char_names)]

use std::sync::Arc;

use base64::Engine as _;
use bytes::Bytes;
use http::Method;
use parking_lot::Mutex;
use serde_json::{Value, json};

use super::*;
use crate::lambda::package::zip_of;

const WASM: &[u8] = b"\0asm\x0d\0\x01\0";
const ARN: &str = "arn:aws:lambda:us-east-1:000000000000:function:f";
const ROLE: &str = "arn:aws:iam::000000000000:role/lambda-role";

#[derive(Default)]
struct FakeInvoker {
    calls: Mutex<Vec<(String, String, InvocationType, Bytes)>>,
    error: Option<String>,
}

impl Invoker for FakeInvoker {
    fn invoke(&self, req: InvokeRequest) -> InvokeFuture {
        self.calls.lock().push((
            req.invoked_arn.clone(),
            req.resolved.executed_version.clone(),
            req.invocation_type,
            req.payload.clone(),
        ));
        let function_error = self.error.clone();
        let version = req.resolved.executed_version.clone();
        let log = format!("{}END", "x".repeat(5000));
        Box::pin(async move {
            Ok(InvokeResponse {
                payload: Bytes::from_static(b"{\"ok\":true}"),
                function_error,
                log_tail: Some(log),
                executed_version: version,
            })
        })
    }
}

struct T {
    lambda: Lambda,
    invoker: Arc<FakeInvoker>,
}

struct Out {
    status: u16,
    headers: http::HeaderMap,
    body: Value,
    raw: Bytes,
}

impl Out {
    fn code(&self) -> &str {
        self.headers
            .get("x-amzn-ErrorType")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
    fn msg(&self) -> &str {
        self.body["message"]
            .as_str()
            .or_else(|| self.body["Message"].as_str())
            .unwrap_or("")
    }
}

fn setup() -> T {
    setup_with(FakeInvoker::default())
}

fn setup_with(inv: FakeInvoker) -> T {
    let invoker = Arc::new(inv);
    T {
        lambda: Lambda::new(invoker.clone()),
        invoker,
    }
}

impl T {
    async fn call(
        &self,
        method: Method,
        path_query: &str,
        body: Option<Value>,
        headers: &[(&str, &str)],
    ) -> Out {
        self.call_as("000000000000", method, path_query, body, headers)
            .await
    }

    /// A request authenticated as `account`.
    async fn call_as(
        &self,
        account: &str,
        method: Method,
        path_query: &str,
        body: Option<Value>,
        headers: &[(&str, &str)],
    ) -> Out {
        let (path, q) = path_query.split_once('?').unwrap_or((path_query, ""));
        let query = form_urlencoded::parse(q.as_bytes()).into_owned().collect();
        let mut h = http::HeaderMap::new();
        for (k, v) in headers {
            h.insert(
                http::HeaderName::from_bytes(k.as_bytes()).unwrap(),
                v.parse().unwrap(),
            );
        }
        let req = LambdaRequest {
            method,
            path: format!("/2015-03-31{path}"),
            query,
            headers: h,
            body: body.map(|b| Bytes::from(b.to_string())).unwrap_or_default(),
            account_id: account.into(),
            region: "us-east-1".into(),
            request_id: "req-1".into(),
        };
        let r = self.lambda.handle_response(req).await;
        assert_eq!(r.headers()["x-amzn-RequestId"], "req-1");
        let raw = r.body().clone();
        Out {
            status: r.status().as_u16(),
            headers: r.headers().clone(),
            body: serde_json::from_slice(&raw).unwrap_or(Value::Null),
            raw,
        }
    }

    async fn get(&self, p: &str) -> Out {
        self.call(Method::GET, p, None, &[]).await
    }
    async fn post(&self, p: &str, b: Value) -> Out {
        self.call(Method::POST, p, Some(b), &[]).await
    }
    async fn put(&self, p: &str, b: Value) -> Out {
        self.call(Method::PUT, p, Some(b), &[]).await
    }
    async fn delete(&self, p: &str) -> Out {
        self.call(Method::DELETE, p, None, &[]).await
    }

    async fn create(&self, name: &str, publish: bool) -> Out {
        let zip = base64::engine::general_purpose::STANDARD.encode(zip_of(&[("app.wasm", WASM)]));
        self.post(
            "/functions",
            json!({"FunctionName": name, "Role": ROLE, "Handler": "app.handler", "Runtime": "provided.al2023",
                   "Code": {"ZipFile": zip}, "Publish": publish, "Environment": {"Variables": {"KEY": "V"}}, "Tags": {"team": "a"}}),
        )
        .await
    }

    async fn bump(&self, timeout: u32) {
        assert_eq!(
            self.put("/functions/f/configuration", json!({"Timeout": timeout}))
                .await
                .status,
            200
        );
    }
}

#[tokio::test]
async fn create_get_list_update_delete() {
    let t = setup();
    let c = t.create("f", false).await;
    assert_eq!(c.status, 201, "{}", c.body);
    let b = &c.body;
    assert_eq!(b["FunctionArn"], ARN);
    assert_eq!(b["Version"], "$LATEST");
    assert_eq!(
        (b["Timeout"].as_u64(), b["MemorySize"].as_u64()),
        (Some(3), Some(128))
    );
    assert_eq!(b["State"], "Active");
    assert!(b.get("StateReason").is_none());
    assert_eq!(b["PackageType"], "Zip");
    assert_eq!(b["Architectures"], json!(["x86_64"]));
    assert_eq!(b["EphemeralStorage"]["Size"], 512);
    assert_eq!(
        b["LoggingConfig"],
        json!({"LogFormat": "Text", "LogGroup": "/aws/lambda/f"})
    );
    assert_eq!(b["Environment"]["Variables"]["KEY"], "V");
    assert_eq!(b["Handler"], "app.handler");
    assert_eq!(b["Runtime"], "provided.al2023");
    assert_eq!(b["TracingConfig"]["Mode"], "PassThrough");
    assert_eq!(b["CodeSha256"].as_str().unwrap().len(), 44);
    assert!(b["LastModified"].as_str().unwrap().ends_with("+0000"));
    let dup = t.create("f", false).await;
    assert_eq!(
        (dup.status, dup.code(), dup.msg()),
        (
            409,
            "ResourceConflictException",
            "Function already exist: f"
        )
    );

    let g = t.get("/functions/f").await;
    assert_eq!(g.status, 200);
    assert_eq!(g.body["Configuration"]["FunctionArn"], ARN);
    assert_eq!(g.body["Code"]["RepositoryType"], "S3");
    assert_eq!(g.body["Tags"]["team"], "a");
    let g = t.get("/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A000000000000%3Afunction%3Af/configuration?Qualifier=%24LATEST").await;
    assert_eq!(g.body["FunctionArn"], format!("{ARN}:$LATEST"));
    let g = t
        .get("/functions/000000000000%3Afunction%3Af/configuration")
        .await;
    assert_eq!(g.status, 200);

    let u = t
        .put(
            "/functions/f/configuration",
            json!({"MemorySize": 512, "Description": "d", "Environment": {"Variables": {}}}),
        )
        .await;
    assert_eq!(
        (
            u.status,
            u.body["MemorySize"].as_u64(),
            u.body["Description"].as_str()
        ),
        (200, Some(512), Some("d"))
    );
    assert!(u.body.get("Environment").is_none());
    assert_ne!(u.body["RevisionId"], c.body["RevisionId"]);
    let stale = t
        .put(
            "/functions/f/configuration",
            json!({"Timeout": 5, "RevisionId": c.body["RevisionId"]}),
        )
        .await;
    assert_eq!(
        (stale.status, stale.code()),
        (412, "PreconditionFailedException")
    );
    assert_eq!(
        stale.msg(),
        "The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id"
    );
    let code = t
        .put(
            "/functions/f/code",
            json!({"ZipFile": base64::engine::general_purpose::STANDARD.encode(WASM)}),
        )
        .await;
    assert_eq!(
        (code.status, code.body["CodeSize"].as_u64()),
        (200, Some(8))
    );

    t.create("g", false).await;
    let l = t.get("/functions?MaxItems=1").await;
    assert_eq!(l.body["Functions"].as_array().unwrap().len(), 1);
    assert_eq!(l.body["NextMarker"], "g");
    let l = t.get("/functions?Marker=g").await;
    assert_eq!(l.body["Functions"][0]["FunctionName"], "g");
    assert!(l.body.get("NextMarker").is_none());

    let all = t.get("/functions?FunctionVersion=ALL").await;
    assert_eq!(all.body["Functions"].as_array().map(Vec::len), Some(2));
    let bad = t.get("/functions?FunctionVersion=invalid").await;
    assert_eq!(
        bad.msg(),
        "1 validation error detected: Value 'invalid' at 'functionVersion' failed to satisfy constraint: Member must satisfy enum value set: [ALL]"
    );
    let d = t.delete("/functions/g").await;
    assert_eq!((d.status, d.raw.len()), (204, 0));
    let nf = t.get("/functions/g").await;
    assert_eq!((nf.status, nf.code()), (404, "ResourceNotFoundException"));
    assert_eq!(
        nf.body["Message"],
        "Function not found: arn:aws:lambda:us-east-1:000000000000:function:g"
    );
    assert_eq!(nf.body["Type"], "User");
}

#[tokio::test]
async fn request_errors() {
    let t = setup();
    let bad = t.get("/functions/bad%20name").await;
    assert_eq!((bad.status, bad.code()), (400, "ValidationException"));
    assert!(bad.msg().starts_with("1 validation error detected: Value 'bad name' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: "));
    t.create("f", false).await;
    let mm = t.get("/functions/f%3A1?Qualifier=2").await;
    assert_eq!(
        (mm.status, mm.code(), mm.msg()),
        (
            400,
            "InvalidParameterValueException",
            "The derived qualifier from the function name does not match the specified qualifier."
        )
    );
    let json_err = t.call(Method::POST, "/functions", None, &[]).await;
    assert_eq!(
        json_err.code(),
        "ValidationException",
        "empty body: required members missing"
    );
    assert_eq!(
        json_err.msg(),
        "1 validation error detected: Value null at 'functionName' failed to satisfy constraint: Member must not be null"
    );
    let mut req_bad_json = t.post("/functions/f/aliases", json!("x")).await;
    assert_eq!(req_bad_json.code(), "InvalidRequestContentException");
    req_bad_json = t
        .post(
            "/functions",
            json!({"FunctionName": "h", "Role": ROLE, "Code": {"S3Bucket": "b", "S3Key": "k"}}),
        )
        .await;
    assert_eq!(req_bad_json.code(), "InvalidParameterValueException");
    let nowasm = base64::engine::general_purpose::STANDARD.encode(zip_of(&[("a.txt", b"x")]));
    let e = t
        .post(
            "/functions",
            json!({"FunctionName": "h", "Role": ROLE, "Code": {"ZipFile": nowasm}}),
        )
        .await;
    assert_eq!(
        (e.status, e.code()),
        (400, "InvalidParameterValueException")
    );
    let e = t.call(Method::PATCH, "/functions/f", None, &[]).await;
    assert_eq!(e.status, 404);
    let e = t.get("/functions/f/versions?MaxItems=0").await;
    assert_eq!(e.code(), "ValidationException");
    let e = t.delete("/functions/f?Qualifier=%24LATEST").await;
    assert_eq!(
        (e.status, e.msg()),
        (
            400,
            "$LATEST version cannot be deleted without deleting the function."
        )
    );
}

#[tokio::test]
async fn versions() {
    let t = setup();
    let c = t.create("f", true).await;
    assert_eq!(
        (c.body["Version"].as_str(), c.body["FunctionArn"].as_str()),
        (Some("1"), Some(ARN))
    );
    let again = t
        .post("/functions/f/versions", json!({"Description": "ignored"}))
        .await;
    assert_eq!(
        (
            again.status,
            again.body["Version"].as_str(),
            again.body["Description"].as_str()
        ),
        (201, Some("1"), Some(""))
    );
    assert_eq!(again.body["FunctionArn"], format!("{ARN}:1"));
    t.bump(10).await;
    let sha = t.get("/functions/f").await.body["Configuration"]["CodeSha256"].clone();
    let bad = t
        .post("/functions/f/versions", json!({"CodeSha256": "nope"}))
        .await;
    assert_eq!(
        (bad.status, bad.code()),
        (400, "InvalidParameterValueException")
    );
    assert_eq!(
        bad.msg(),
        format!(
            "CodeSHA256 (nope) is different from current CodeSHA256 in $LATEST ({}). Please try again with the CodeSHA256 in $LATEST.",
            sha.as_str().unwrap()
        )
    );
    let stale = t
        .post(
            "/functions/f/versions",
            json!({"RevisionId": "00000000-0000-0000-0000-000000000000"}),
        )
        .await;
    assert_eq!(stale.status, 412);
    let v2 = t
        .call(Method::POST, "/functions/f/versions", None, &[])
        .await;
    assert_eq!(
        (
            v2.status,
            v2.body["Version"].as_str(),
            v2.body["Timeout"].as_u64()
        ),
        (201, Some("2"), Some(10))
    );
    for n in 3..=4 {
        t.bump(10 + n).await;
        t.post("/functions/f/versions", json!({})).await;
    }
    let l = t.get("/functions/f/versions?MaxItems=2").await;
    let names: Vec<_> = l.body["Versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["FunctionArn"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(names, [format!("{ARN}:$LATEST"), format!("{ARN}:1")]);
    assert_eq!(l.body["NextMarker"], "2");
    let l = t.get("/functions/f/versions?Marker=2&MaxItems=2").await;
    assert_eq!(l.body["Versions"][1]["Version"], "3");
    assert_eq!(l.body["NextMarker"], "4");
    let d = t.delete("/functions/f?Qualifier=1").await;
    assert_eq!(d.status, 204);
    assert_eq!(
        t.get("/functions/f?Qualifier=1").await.msg(),
        format!("Function not found: {ARN}:1")
    );
    assert_eq!(t.get("/functions/f?Qualifier=2").await.status, 200);
    let nf = t.post("/functions/nope/versions", json!({})).await;
    assert_eq!(nf.status, 404);
}

#[tokio::test]
async fn aliases() {
    let t = setup();
    t.create("f", true).await;
    t.bump(9).await;
    t.post("/functions/f/versions", json!({})).await;
    let a = t
        .post(
            "/functions/f/aliases",
            json!({"Name": "PROD", "FunctionVersion": "1"}),
        )
        .await;
    assert_eq!(a.status, 201);
    assert_eq!(
        a.body,
        json!({"AliasArn": format!("{ARN}:PROD"), "Name": "PROD", "FunctionVersion": "1", "Description": "", "RevisionId": a.body["RevisionId"]})
    );
    let dup = t
        .post(
            "/functions/f/aliases",
            json!({"Name": "PROD", "FunctionVersion": "1"}),
        )
        .await;
    assert_eq!(
        (dup.status, dup.code(), dup.msg()),
        (
            409,
            "ResourceConflictException",
            format!("Alias already exists: {ARN}:PROD").as_str()
        )
    );
    assert_eq!(dup.body["Type"], "User");
    let num = t
        .post(
            "/functions/f/aliases",
            json!({"Name": "2024", "FunctionVersion": "1"}),
        )
        .await;
    assert_eq!((num.status, num.code()), (400, "ValidationException"));
    let to_alias = t
        .post(
            "/functions/f/aliases",
            json!({"Name": "x", "FunctionVersion": "PROD"}),
        )
        .await;
    assert_eq!(to_alias.code(), "ValidationException");
    let missing = t
        .post(
            "/functions/f/aliases",
            json!({"Name": "x", "FunctionVersion": "9"}),
        )
        .await;
    assert_eq!(
        (missing.status, missing.msg()),
        (404, format!("Function not found: {ARN}:9").as_str())
    );
    let latest_w = t.post("/functions/f/aliases", json!({"Name": "x", "FunctionVersion": "$LATEST", "RoutingConfig": {"AdditionalVersionWeights": {"1": 0.5}}})).await;
    assert_eq!(
        (latest_w.status, latest_w.msg()),
        (
            400,
            "$LATEST is not supported for an alias pointing to more than 1 version"
        )
    );
    let two = t.post("/functions/f/aliases", json!({"Name": "x", "FunctionVersion": "1", "RoutingConfig": {"AdditionalVersionWeights": {"2": 0.1, "3": 0.1}}})).await;
    assert_eq!(
        two.msg(),
        "Number of items in AdditionalVersionWeights cannot be greater than 1"
    );
    let w = t.post("/functions/f/aliases", json!({"Name": "W", "FunctionVersion": "1", "Description": "canary", "RoutingConfig": {"AdditionalVersionWeights": {"2": 0.2}}})).await;
    assert_eq!(
        (
            w.status,
            w.body["RoutingConfig"]["AdditionalVersionWeights"]["2"].as_f64()
        ),
        (201, Some(0.2))
    );
    assert!(
        t.post(
            "/functions/f/aliases",
            json!({"Name": "dev", "FunctionVersion": "$LATEST"})
        )
        .await
        .status
            == 201
    );

    let g = t.get("/functions/f/aliases/W").await;
    assert_eq!(
        (g.status, g.body["Description"].as_str()),
        (200, Some("canary"))
    );
    let g = t.get("/functions/f/aliases/none").await;
    assert_eq!(
        (g.status, g.msg()),
        (404, format!("Cannot find alias arn: {ARN}:none").as_str())
    );
    let u = t.put("/functions/f/aliases/none", json!({})).await;
    assert_eq!(
        (u.status, u.msg()),
        (404, format!("Alias not found: {ARN}:none").as_str())
    );
    let u = t
        .put(
            "/functions/f/aliases/W",
            json!({"RoutingConfig": {"AdditionalVersionWeights": {}}}),
        )
        .await;
    assert_eq!(u.status, 200);
    assert!(u.body.get("RoutingConfig").is_none());
    assert_ne!(u.body["RevisionId"], w.body["RevisionId"]);
    let stale = t
        .put(
            "/functions/f/aliases/W",
            json!({"RevisionId": w.body["RevisionId"]}),
        )
        .await;
    assert_eq!(stale.status, 412);
    let via_alias = t.get("/functions/f%3APROD").await;
    assert_eq!(
        via_alias.body["Configuration"]["FunctionArn"],
        format!("{ARN}:PROD")
    );
    assert_eq!(via_alias.body["Configuration"]["Version"], "1");

    let l = t.get("/functions/f/aliases?FunctionVersion=1").await;
    let names: Vec<_> = l.body["Aliases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["Name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(names, ["PROD", "W"]);
    let l = t.get("/functions/f/aliases?MaxItems=1").await;
    assert_eq!(
        (
            l.body["Aliases"].as_array().unwrap().len(),
            l.body["NextMarker"].as_str()
        ),
        (1, Some("W"))
    );
    assert_eq!(t.delete("/functions/f/aliases/W").await.status, 204);
    assert_eq!(t.delete("/functions/f/aliases/W").await.status, 204);
    assert_eq!(t.get("/functions/f/aliases/W").await.status, 404);
}

#[tokio::test]
async fn permissions() {
    let t = setup();
    assert_eq!(t.create("f", true).await.body["Version"], "1");
    let c = t.get("/functions/f/configuration").await;
    t.post(
        "/functions/f/aliases",
        json!({"Name": "PROD", "FunctionVersion": "1"}),
    )
    .await;
    let none = t.get("/functions/f/policy").await;
    assert_eq!(
        (none.status, none.msg()),
        (404, "The resource you requested does not exist.")
    );
    let body = json!({"StatementId": "s3", "Action": "lambda:InvokeFunction", "Principal": "s3.amazonaws.com",
                      "SourceArn": "arn:aws:s3:::photos", "SourceAccount": "000000000000", "RevisionId": c.body["RevisionId"]});
    let a = t.post("/functions/f/policy", body.clone()).await;
    assert_eq!(a.status, 201, "{}", a.body);
    let st: Value = serde_json::from_str(a.body["Statement"].as_str().unwrap()).unwrap();
    assert_eq!(st["Resource"], ARN);
    assert_eq!(
        st["Condition"]["ArnLike"]["AWS:SourceArn"],
        "arn:aws:s3:::photos"
    );
    assert!(a.body["Statement"].as_str().unwrap().starts_with(r#"{"Sid":"s3","Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"lambda:InvokeFunction","Resource":"#));
    let dup = t.post("/functions/f/policy", json!({"StatementId": "s3", "Action": "lambda:InvokeFunction", "Principal": "s3.amazonaws.com"})).await;
    assert_eq!(
        (dup.status, dup.msg()),
        (
            409,
            "The statement id (s3) provided already exists. Please provide a new statement id, or remove the existing statement."
        )
    );
    let stale = t.post("/functions/f/policy", body.clone()).await;
    assert_eq!(
        (stale.status, stale.msg()),
        (
            412,
            "The Revision Id provided does not match the latest Revision Id. Call the GetPolicy API to retrieve the latest Revision Id"
        )
    );
    let latest = t
        .post(
            "/functions/f/policy?Qualifier=%24LATEST",
            json!({"StatementId": "x", "Action": "lambda:InvokeFunction", "Principal": "*"}),
        )
        .await;
    assert_eq!(
        (latest.status, latest.msg()),
        (
            400,
            "We currently do not support adding policies for $LATEST."
        )
    );
    let bad_p = t
        .post(
            "/functions/f/policy",
            json!({"StatementId": "x", "Action": "lambda:InvokeFunction", "Principal": "bogus"}),
        )
        .await;
    assert_eq!(
        bad_p.msg(),
        "The provided principal was invalid. Please check the principal and try again."
    );
    let no_alias = t
        .post(
            "/functions/f/policy?Qualifier=BETA",
            json!({"StatementId": "x", "Action": "lambda:InvokeFunction", "Principal": "*"}),
        )
        .await;
    assert_eq!(
        (no_alias.status, no_alias.msg()),
        (404, format!("Cannot find alias arn: {ARN}:BETA").as_str())
    );
    let missing_sid = t
        .post(
            "/functions/f/policy",
            json!({"Action": "lambda:InvokeFunction", "Principal": "*"}),
        )
        .await;
    assert_eq!(
        missing_sid.msg(),
        "1 validation error detected: Value null at 'statementId' failed to satisfy constraint: Member must not be null"
    );
    let acct = t.post("/functions/f%3APROD/policy", json!({"StatementId": "s3", "Action": "lambda:InvokeFunction", "Principal": "111122223333"})).await;
    assert_eq!(acct.status, 201);
    let st: Value = serde_json::from_str(acct.body["Statement"].as_str().unwrap()).unwrap();
    assert_eq!(
        (st["Resource"].as_str(), st["Principal"]["AWS"].as_str()),
        (
            Some(format!("{ARN}:PROD").as_str()),
            Some("arn:aws:iam::111122223333:root")
        )
    );

    let p = t.get("/functions/f/policy").await;
    let doc: Value = serde_json::from_str(p.body["Policy"].as_str().unwrap()).unwrap();
    assert_eq!(
        (
            doc["Version"].as_str(),
            doc["Id"].as_str(),
            doc["Statement"].as_array().map(Vec::len)
        ),
        (Some("2012-10-17"), Some("default"), Some(1))
    );
    let fn_rev = t.get("/functions/f").await.body["Configuration"]["RevisionId"].clone();
    assert_eq!(p.body["RevisionId"], fn_rev);
    assert_eq!(t.get("/functions/f/policy?Qualifier=1").await.status, 404);

    let rm = t.delete("/functions/f/policy/nope").await;
    assert_eq!(
        (rm.status, rm.msg()),
        (404, "Statement nope is not found in resource policy.")
    );
    let rm = t.delete("/functions/f/policy/s3?RevisionId=stale").await;
    assert_eq!(rm.status, 412);
    assert_eq!(t.delete("/functions/f/policy/s3").await.status, 204);
    assert_eq!(t.get("/functions/f/policy").await.status, 404);
    let rm = t.delete("/functions/f/policy/s3").await;
    assert_eq!(rm.msg(), "No policy is associated with the given resource.");
    assert_eq!(
        t.delete("/functions/f/policy/s3?Qualifier=PROD")
            .await
            .status,
        204
    );
}

#[tokio::test]
async fn invoke_modes() {
    let t = setup();
    t.create("f", true).await;
    t.post(
        "/functions/f/aliases",
        json!({"Name": "PROD", "FunctionVersion": "1"}),
    )
    .await;
    let r = t
        .call(
            Method::POST,
            "/functions/f%3APROD/invocations",
            Some(json!({"k": 1})),
            &[("X-Amz-Log-Type", "Tail")],
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.raw, Bytes::from_static(b"{\"ok\":true}"));
    assert_eq!(r.headers["X-Amz-Executed-Version"], "1");
    assert!(r.headers.get("X-Amz-Function-Error").is_none());
    let log = base64::engine::general_purpose::STANDARD
        .decode(r.headers["X-Amz-Log-Result"].as_bytes())
        .unwrap();
    assert_eq!(log.len(), 4096);
    assert!(log.ends_with(b"END"));
    {
        let calls = t.invoker.calls.lock();
        assert_eq!(calls[0].0, format!("{ARN}:PROD"));
        assert_eq!(calls[0].1, "1");
        assert_eq!(calls[0].3, Bytes::from_static(b"{\"k\":1}"));
    }
    let r = t
        .call(
            Method::POST,
            "/functions/f/invocations",
            Some(json!({})),
            &[],
        )
        .await;
    assert_eq!(
        (
            r.status,
            r.headers["X-Amz-Executed-Version"].to_str().unwrap()
        ),
        (200, "$LATEST")
    );
    assert!(r.headers.get("X-Amz-Log-Result").is_none());

    let dry = t
        .call(
            Method::POST,
            "/functions/f/invocations",
            None,
            &[("X-Amz-Invocation-Type", "DryRun")],
        )
        .await;
    assert_eq!((dry.status, dry.raw.len()), (204, 0));
    assert_eq!(t.invoker.calls.lock().len(), 2, "DryRun runs nothing");

    let ev = t
        .call(
            Method::POST,
            "/functions/f/invocations?Qualifier=1",
            Some(json!({"e": 1})),
            &[("X-Amz-Invocation-Type", "Event")],
        )
        .await;
    assert_eq!((ev.status, ev.raw.len()), (202, 0));
    tokio::task::yield_now().await;
    assert_eq!(t.invoker.calls.lock().len(), 3);
    assert_eq!(t.invoker.calls.lock()[2].2, InvocationType::Event);

    let bad = t
        .call(
            Method::POST,
            "/functions/f/invocations",
            None,
            &[("X-Amz-Invocation-Type", "Later")],
        )
        .await;
    assert_eq!(bad.code(), "ValidationException");
    let nf = t
        .call(
            Method::POST,
            "/functions/f/invocations?Qualifier=BETA",
            None,
            &[],
        )
        .await;
    assert_eq!(
        (nf.status, nf.msg()),
        (404, format!("Function not found: {ARN}:BETA").as_str())
    );
    let notjson = t
        .call(
            Method::POST,
            "/functions/f/invocations",
            Some(json!("x")),
            &[],
        )
        .await;
    assert_eq!(notjson.status, 200, "a JSON string is a valid payload");
    let mut big = t
        .call(
            Method::POST,
            "/functions/f/invocations",
            Some(Value::String("a".repeat(1024 * 1024 + 1))),
            &[("X-Amz-Invocation-Type", "Event")],
        )
        .await;
    assert_eq!((big.status, big.code()), (413, "RequestTooLargeException"));
    big = t
        .call(Method::POST, "/functions/missing/invocations", None, &[])
        .await;
    assert_eq!(big.status, 404);
}

#[tokio::test]
async fn invoke_function_error_header() {
    let t = setup_with(FakeInvoker {
        error: Some("Unhandled".into()),
        ..Default::default()
    });
    t.create("f", false).await;
    let r = t
        .call(Method::POST, "/functions/f/invocations", None, &[])
        .await;
    assert_eq!(
        (
            r.status,
            r.headers["X-Amz-Function-Error"].to_str().unwrap()
        ),
        (200, "Unhandled")
    );
    let invalid = t.lambda.handle(LambdaRequest {
        method: Method::POST,
        path: "/2015-03-31/functions/f/invocations".into(),
        query: vec![],
        headers: http::HeaderMap::new(),
        body: Bytes::from_static(b"{not json"),
        account_id: "000000000000".into(),
        region: "us-east-1".into(),
        request_id: "r".into(),
    });
    assert_eq!(
        invalid.await.unwrap_err().code(),
        "InvalidRequestContentException"
    );
}

#[tokio::test]
async fn event_invoke_config() {
    let t = setup();
    t.create("f", true).await;
    t.post(
        "/functions/f/aliases",
        json!({"Name": "PROD", "FunctionVersion": "1"}),
    )
    .await;
    let call = |m: Method, p: &str, b: Option<Value>| {
        let path = format!("/2019-09-25{p}");
        let lambda = t.lambda.clone();
        async move {
            let (path, q) = path
                .split_once('?')
                .map_or((path.clone(), String::new()), |(a, b)| {
                    (a.to_owned(), b.to_owned())
                });
            let r = lambda
                .handle_response(LambdaRequest {
                    method: m,
                    path,
                    query: form_urlencoded::parse(q.as_bytes()).into_owned().collect(),
                    headers: http::HeaderMap::new(),
                    body: b.map(|b| Bytes::from(b.to_string())).unwrap_or_default(),
                    account_id: "000000000000".into(),
                    region: "us-east-1".into(),
                    request_id: "r".into(),
                })
                .await;
            (
                r.status().as_u16(),
                serde_json::from_slice::<Value>(r.body()).unwrap_or(Value::Null),
            )
        }
    };
    let (s, b) = call(
        Method::PUT,
        "/functions/f/event-invoke-config",
        Some(json!({})),
    )
    .await;
    assert_eq!(
        (s, b["message"].as_str()),
        (
            400,
            Some("You must specify at least one of error handling or destination setting.")
        )
    );
    let (s, b) = call(Method::PUT, "/functions/f/event-invoke-config?Qualifier=PROD", Some(json!({"MaximumRetryAttempts": 0, "DestinationConfig": {"OnFailure": {"Destination": "arn:aws:sqs:us-east-1:000000000000:dlq"}}}))).await;
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["FunctionArn"], format!("{ARN}:PROD"));
    assert_eq!(
        b["DestinationConfig"]["OnFailure"]["Destination"],
        "arn:aws:sqs:us-east-1:000000000000:dlq"
    );
    assert_eq!(b["DestinationConfig"]["OnSuccess"], json!({}));
    assert!(b["LastModified"].as_f64().unwrap() > 1.6e9);
    let (s, b) = call(
        Method::POST,
        "/functions/f/event-invoke-config?Qualifier=PROD",
        Some(json!({"MaximumEventAgeInSeconds": 60})),
    )
    .await;
    assert_eq!(
        (
            s,
            b["MaximumRetryAttempts"].as_u64(),
            b["MaximumEventAgeInSeconds"].as_u64()
        ),
        (200, Some(0), Some(60))
    );
    let resolved = t
        .lambda
        .registry()
        .resolve_with(
            "000000000000",
            "us-east-1",
            &crate::arn::FunctionRef::parse("f:PROD", crate::arn::NameKind::Namespaced).unwrap(),
            0.0,
        )
        .unwrap();
    let cfg = resolved.event_invoke_config.unwrap();
    assert_eq!((cfg.retry_attempts(), cfg.max_event_age()), (0, 60));
    let (s, b) = call(Method::GET, "/functions/f/event-invoke-config", None).await;
    assert_eq!(
        (s, b["Message"].as_str()),
        (
            404,
            Some(format!("The function {ARN}:$LATEST doesn't have an EventInvokeConfig").as_str())
        )
    );
    let (s, b) = call(Method::GET, "/functions/f/event-invoke-config/list", None).await;
    assert_eq!(
        (s, b["FunctionEventInvokeConfigs"].as_array().map(Vec::len)),
        (200, Some(1))
    );
    let (s, _) = call(
        Method::PUT,
        "/functions/f/event-invoke-config",
        Some(json!({"MaximumRetryAttempts": 5})),
    )
    .await;
    assert_eq!(s, 400);
    let (s, b) = call(
        Method::PUT,
        "/functions/nope/event-invoke-config",
        Some(json!({"MaximumRetryAttempts": 1})),
    )
    .await;
    assert_eq!(
        (s, b["Message"].as_str()),
        (404, Some("The function doesn't exist."))
    );
    assert_eq!(
        call(
            Method::DELETE,
            "/functions/f/event-invoke-config?Qualifier=PROD",
            None
        )
        .await
        .0,
        204
    );
    assert_eq!(
        call(
            Method::GET,
            "/functions/f/event-invoke-config?Qualifier=PROD",
            None
        )
        .await
        .0,
        404
    );
}

#[tokio::test]
async fn function_concurrency_put_get_delete() {
    let t = setup();
    let missing = t
        .put(
            "/functions/f/concurrency",
            json!({"ReservedConcurrentExecutions": 1}),
        )
        .await;
    assert_eq!(
        (missing.status, missing.code()),
        (404, "ResourceNotFoundException")
    );
    t.create("f", true).await;
    let g = t.get("/functions/f/concurrency").await;
    assert_eq!((g.status, &g.body), (200, &json!({})));
    assert!(
        t.get("/functions/f")
            .await
            .body
            .get("Concurrency")
            .is_none()
    );

    let p = t
        .put(
            "/functions/f/concurrency",
            json!({"ReservedConcurrentExecutions": 0}),
        )
        .await;
    assert_eq!(
        (p.status, &p.body),
        (200, &json!({"ReservedConcurrentExecutions": 0}))
    );
    let g = t.get("/functions/f/concurrency").await;
    assert_eq!(g.body, json!({"ReservedConcurrentExecutions": 0}));
    assert_eq!(
        t.get("/functions/f").await.body["Concurrency"],
        json!({"ReservedConcurrentExecutions": 0})
    );

    let neg = t
        .put(
            "/functions/f/concurrency",
            json!({"ReservedConcurrentExecutions": -1}),
        )
        .await;
    assert_eq!((neg.status, neg.code()), (400, "ValidationException"));
    assert!(
        neg.msg().contains("greater than or equal to 0"),
        "{}",
        neg.msg()
    );
    let none = t.put("/functions/f/concurrency", json!({})).await;
    assert_eq!((none.status, none.code()), (400, "ValidationException"));
    let qualified = t
        .put(
            "/functions/f%3A1/concurrency",
            json!({"ReservedConcurrentExecutions": 2}),
        )
        .await;
    assert_eq!(
        (qualified.status, qualified.code()),
        (400, "InvalidParameterValueException")
    );
    let too_many = t
        .put(
            "/functions/f/concurrency",
            json!({"ReservedConcurrentExecutions": 901}),
        )
        .await;
    assert_eq!(
        (too_many.status, too_many.code()),
        (400, "InvalidParameterValueException")
    );
    // Refused puts leave the reservation alone.
    let g = t.get("/functions/f/concurrency").await;
    assert_eq!(g.body, json!({"ReservedConcurrentExecutions": 0}));

    let d = t.delete("/functions/f/concurrency").await;
    assert_eq!((d.status, d.raw.len()), (204, 0));
    let g = t.get("/functions/f/concurrency").await;
    assert_eq!(g.body, json!({}));
}

#[tokio::test]
async fn another_account_gets_what_the_scope_policy_grants_and_never_changes() {
    const B: &str = "111111111111";
    let t = setup();
    assert_eq!(t.create("f", true).await.status, 201);
    let alias = t
        .post(
            "/functions/f/aliases",
            json!({"Name": "live", "FunctionVersion": "1"}),
        )
        .await;
    assert_eq!(alias.status, 201, "{}", alias.body);
    let grant = t
        .post(
            "/functions/f/policy?Qualifier=live",
            json!({"StatementId": "any", "Action": "lambda:*", "Principal": "*"}),
        )
        .await;
    assert_eq!(grant.status, 201, "{}", grant.body);

    // The alias's policy grants B reading and invoking the alias...
    let read = t
        .call_as(
            B,
            Method::GET,
            &format!("/functions/{ARN}/configuration?Qualifier=live"),
            None,
            &[],
        )
        .await;
    assert_eq!(read.status, 200, "{}", read.body);
    assert_eq!(read.body["FunctionArn"], format!("{ARN}:live"));
    let run = t
        .call_as(
            B,
            Method::POST,
            &format!("/functions/{ARN}:live/invocations"),
            None,
            &[],
        )
        .await;
    assert_eq!(run.status, 200, "{}", run.raw.len());
    // ...not the unqualified function, and the denial says where the grant is.
    let other = t
        .call_as(
            B,
            Method::GET,
            &format!("/functions/{ARN}/configuration"),
            None,
            &[],
        )
        .await;
    assert_eq!((other.status, other.code()), (403, "AccessDeniedException"));
    assert!(
        other.msg().starts_with(&format!(
            "User: arn:aws:iam::{B}:root is not authorized to perform: lambda:GetFunctionConfiguration on resource: {ARN} because no resource-based policy allows the lambda:GetFunctionConfiguration action ("
        )),
        "{}",
        other.msg()
    );
    assert!(
        other
            .msg()
            .contains("statement \"any\" matched on f:live only"),
        "{}",
        other.msg()
    );
    // `lambda:*` does not hand over the function: changes stay with its owner.
    for (method, path, body) in [
        (
            Method::PUT,
            format!("/functions/{ARN}/configuration"),
            Some(json!({"Timeout": 9})),
        ),
        (
            Method::DELETE,
            format!("/functions/{ARN}?Qualifier=live"),
            None,
        ),
        (
            Method::POST,
            format!("/functions/{ARN}/policy?Qualifier=live"),
            Some(json!({"StatementId": "b", "Action": "lambda:*", "Principal": "*"})),
        ),
        (
            Method::PUT,
            format!("/functions/{ARN}/aliases/live"),
            Some(json!({"FunctionVersion": "$LATEST"})),
        ),
    ] {
        let out = t.call_as(B, method, &path, body, &[]).await;
        assert_eq!(
            (out.status, out.code()),
            (403, "AccessDeniedException"),
            "{path}"
        );
        assert!(
            out.msg()
                .contains("reserved to the function's owner, account 000000000000"),
            "{}",
            out.msg()
        );
    }
    let own = t.get("/functions/f/aliases/live").await;
    assert_eq!(own.body["FunctionVersion"], "1");
}
