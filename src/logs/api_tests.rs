//! Unit tests of every CloudWatch Logs operation through [`LogStore::handle`] with JSON bodies.

use serde_json::{Value, json};

use super::*;
use crate::logs::store::LogsConfig;

const ACCOUNT: &str = "000000000000";
const REGION: &str = "us-east-1";
const GROUP: &str = "/aws/lambda/hello";

fn request(operation: &str, body: &Value) -> LogsRequest {
    LogsRequest {
        target: format!("{TARGET_PREFIX}{operation}"),
        body: Bytes::from(body.to_string()),
        account_id: ACCOUNT.to_owned(),
        region: REGION.to_owned(),
        request_id: "req-1".to_owned(),
    }
}

/// Asserts the JSON content type and the `x-amzn-RequestId` header every response carries.
fn assert_json_headers<B>(response: &http::Response<B>, request_id: &str) {
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .map(http::HeaderValue::as_bytes)
    };
    assert_eq!(header("content-type"), Some(CONTENT_TYPE.as_bytes()));
    assert_eq!(header("x-amzn-RequestId"), Some(request_id.as_bytes()));
}

/// Calls an operation and returns the parsed JSON body, failing the test on an error.
fn call(store: &LogStore, operation: &str, body: &Value) -> Value {
    match store.handle(&request(operation, body)) {
        Ok(response) => {
            assert_eq!(response.status(), http::StatusCode::OK);
            assert_json_headers(&response, "req-1");
            serde_json::from_slice(response.body()).unwrap_or(Value::Null)
        }
        Err(e) => panic!("{operation} failed: {} {e}", e.code()),
    }
}

/// Calls an operation that must fail and returns the error.
fn fail(store: &LogStore, operation: &str, body: &Value) -> LogsError {
    match store.handle(&request(operation, body)) {
        Ok(response) => panic!("{operation} succeeded: {:?}", response.body()),
        Err(e) => e,
    }
}

fn messages(events: &Value) -> Vec<String> {
    events
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|e| e["message"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

fn store_with_lines() -> LogStore {
    let store = LogStore::default();
    store.append(
        ACCOUNT,
        REGION,
        GROUP,
        "s1",
        (1..=5).map(|i| (i * 10, format!("line {i}"))),
    );
    store
}

#[test]
fn target_recognition() {
    assert!(is_logs_target("Logs_20140328.GetLogEvents"));
    assert!(!is_logs_target("AWSLambda.Invoke"));
    assert!(!is_logs_target(""));
}

#[test]
fn error_wire_rendering() {
    let response = LogsError::no_group().to_response("abc");
    assert_eq!(response.status(), http::StatusCode::BAD_REQUEST);
    assert_json_headers(&response, "abc");
    let body: Value = serde_json::from_slice(response.body()).unwrap_or(Value::Null);
    assert_eq!(
        body,
        json!({"__type": "ResourceNotFoundException", "message": "The specified log group does not exist."})
    );
}

#[test]
fn unknown_operation_and_bad_json() {
    let store = LogStore::default();
    let e = fail(&store, "PutLogEvents", &json!({}));
    assert_eq!(e.code(), "UnknownOperationException");
    let mut req = request("DescribeLogGroups", &json!({}));
    req.target = "Nope.DescribeLogGroups".to_owned();
    assert_eq!(
        store.handle(&req).err().map(|e| e.code()),
        Some("UnknownOperationException")
    );
    req = request("DescribeLogGroups", &json!({}));
    req.body = Bytes::from_static(b"{not json");
    assert_eq!(
        store.handle(&req).err().map(|e| e.code()),
        Some("SerializationException")
    );
    req.body = Bytes::from_static(b"{\"limit\":\"ten\"}");
    assert_eq!(
        store.handle(&req).err().map(|e| e.code()),
        Some("SerializationException")
    );
    req.body = Bytes::new();
    assert!(store.handle(&req).is_ok(), "an empty body reads as {{}}");
}

#[test]
fn describe_log_groups_prefix_paging_and_shape() {
    let store = LogStore::default();
    for name in [
        "/aws/lambda/c",
        "/aws/lambda/a",
        "/aws/lambda/b",
        "/other/x",
    ] {
        store.append(ACCOUNT, REGION, name, "s", [(1, "hello".to_owned())]);
    }
    store.append(
        "111111111111",
        REGION,
        "/aws/lambda/foreign",
        "s",
        [(1, "x".to_owned())],
    );
    store.append(
        ACCOUNT,
        "eu-west-1",
        "/aws/lambda/elsewhere",
        "s",
        [(1, "x".to_owned())],
    );

    let all = call(&store, "DescribeLogGroups", &json!({}));
    assert_eq!(all["logGroups"].as_array().map(Vec::len), Some(4));
    assert!(all.get("nextToken").is_none());
    let first = &all["logGroups"][0];
    assert_eq!(first["logGroupName"], "/aws/lambda/a");
    assert_eq!(
        first["arn"],
        "arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/a:*"
    );
    assert_eq!(
        first["logGroupArn"],
        "arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/a"
    );
    assert_eq!(first["storedBytes"], 5);
    assert_eq!(first["metricFilterCount"], 0);
    assert_eq!(first["logGroupClass"], "STANDARD");
    assert!(
        first["creationTime"]
            .as_i64()
            .is_some_and(|t| t > 1_600_000_000_000)
    );
    assert!(
        first.get("retentionInDays").is_none(),
        "never expire: absent"
    );

    let page1 = call(
        &store,
        "DescribeLogGroups",
        &json!({"logGroupNamePrefix": "/aws/lambda/", "limit": 2}),
    );
    let names: Vec<&str> = page1["logGroups"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|g| g["logGroupName"].as_str())
        .collect();
    assert_eq!(names, ["/aws/lambda/a", "/aws/lambda/b"]);
    let token = page1["nextToken"].as_str().unwrap_or_default().to_owned();
    assert!(!token.is_empty());
    let page2 = call(
        &store,
        "DescribeLogGroups",
        &json!({"logGroupNamePrefix": "/aws/lambda/", "limit": 2, "nextToken": token}),
    );
    let names: Vec<&str> = page2["logGroups"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|g| g["logGroupName"].as_str())
        .collect();
    assert_eq!(names, ["/aws/lambda/c"]);
    assert!(page2.get("nextToken").is_none());

    let pattern = call(
        &store,
        "DescribeLogGroups",
        &json!({"logGroupNamePattern": "LAMBDA/B"}),
    );
    assert_eq!(pattern["logGroups"][0]["logGroupName"], "/aws/lambda/b");
    assert_eq!(pattern["logGroups"].as_array().map(Vec::len), Some(1));

    assert_eq!(
        fail(&store, "DescribeLogGroups", &json!({"limit": 0})).code(),
        "InvalidParameterException"
    );
    assert_eq!(
        fail(&store, "DescribeLogGroups", &json!({"limit": 51})).code(),
        "InvalidParameterException"
    );
    assert_eq!(
        fail(&store, "DescribeLogGroups", &json!({"nextToken": "zz"})).code(),
        "InvalidParameterException"
    );
    assert_eq!(
        fail(
            &store,
            "DescribeLogGroups",
            &json!({"logGroupNamePrefix": "/a", "logGroupNamePattern": "a"})
        )
        .code(),
        "InvalidParameterException"
    );
}

#[test]
fn describe_log_streams_orders_pages_and_errors() {
    let store = LogStore::default();
    store.append(ACCOUNT, REGION, GROUP, "b", [(300, "x".to_owned())]);
    store.append(
        ACCOUNT,
        REGION,
        GROUP,
        "a",
        [(100, "x".to_owned()), (200, "y".to_owned())],
    );
    store.append(ACCOUNT, REGION, GROUP, "c", [(150, "x".to_owned())]);
    let names = |v: &Value| -> Vec<String> {
        v["logStreams"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|s| s["logStreamName"].as_str().map(str::to_owned))
            .collect()
    };

    let by_name = call(
        &store,
        "DescribeLogStreams",
        &json!({"logGroupName": GROUP}),
    );
    assert_eq!(names(&by_name), ["a", "b", "c"]);
    let a = &by_name["logStreams"][0];
    assert_eq!(a["firstEventTimestamp"], 100);
    assert_eq!(a["lastEventTimestamp"], 200);
    assert!(a["lastIngestionTime"].as_i64().is_some());
    assert!(a["creationTime"].as_i64().is_some());
    assert_eq!(a["storedBytes"], 0);
    assert_eq!(
        a["arn"],
        "arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/hello:log-stream:a"
    );

    let by_time = call(
        &store,
        "DescribeLogStreams",
        &json!({"logGroupName": GROUP, "orderBy": "LastEventTime", "descending": true}),
    );
    assert_eq!(names(&by_time), ["b", "a", "c"]);

    // Paging, descending by time, one per page.
    let mut seen = Vec::new();
    let mut token: Option<String> = None;
    for _ in 0..5 {
        let mut body = json!({"logGroupIdentifier": format!("arn:aws:logs:us-east-1:000000000000:log-group:{GROUP}:*"), "orderBy": "LastEventTime", "descending": true, "limit": 1});
        if let Some(t) = &token {
            body["nextToken"] = json!(t);
        }
        let page = call(&store, "DescribeLogStreams", &body);
        seen.extend(names(&page));
        token = page["nextToken"].as_str().map(str::to_owned);
        if token.is_none() {
            break;
        }
    }
    assert_eq!(seen, ["b", "a", "c"]);

    let prefixed = call(
        &store,
        "DescribeLogStreams",
        &json!({"logGroupIdentifier": GROUP, "logStreamNamePrefix": "c"}),
    );
    assert_eq!(names(&prefixed), ["c"]);

    let e = fail(
        &store,
        "DescribeLogStreams",
        &json!({"logGroupName": "/nope"}),
    );
    assert_eq!(e, LogsError::no_group());
    for body in [
        json!({}),
        json!({"logGroupName": GROUP, "logGroupIdentifier": GROUP}),
        json!({"logGroupName": GROUP, "orderBy": "Size"}),
        json!({"logGroupName": GROUP, "orderBy": "LastEventTime", "logStreamNamePrefix": "a"}),
        json!({"logGroupName": GROUP, "limit": 51}),
    ] {
        assert_eq!(
            fail(&store, "DescribeLogStreams", &body).code(),
            "InvalidParameterException",
            "{body}"
        );
    }
}

#[test]
fn get_log_events_from_tail_by_default_and_pages_both_ways() {
    let store = store_with_lines();
    let tail = call(
        &store,
        "GetLogEvents",
        &json!({"logGroupName": GROUP, "logStreamName": "s1", "limit": 2}),
    );
    assert_eq!(messages(&tail["events"]), ["line 4", "line 5"]);
    assert_eq!(tail["events"][0]["timestamp"], 40);
    assert!(tail["events"][0]["ingestionTime"].as_i64().is_some());
    let fwd = tail["nextForwardToken"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let back = tail["nextBackwardToken"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(fwd.starts_with("f/") && fwd.ends_with("/s"), "{fwd}");
    assert!(back.starts_with("b/") && back.ends_with("/s"), "{back}");

    let older = call(
        &store,
        "GetLogEvents",
        &json!({"logGroupName": GROUP, "logStreamName": "s1", "limit": 2, "nextToken": back}),
    );
    assert_eq!(messages(&older["events"]), ["line 2", "line 3"]);
    let oldest_token = older["nextBackwardToken"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let oldest = call(
        &store,
        "GetLogEvents",
        &json!({"logGroupName": GROUP, "logStreamName": "s1", "limit": 2, "nextToken": oldest_token}),
    );
    assert_eq!(messages(&oldest["events"]), ["line 1"]);
    let start_token = oldest["nextBackwardToken"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let nothing = call(
        &store,
        "GetLogEvents",
        &json!({"logGroupName": GROUP, "logStreamName": "s1", "nextToken": start_token}),
    );
    assert_eq!(messages(&nothing["events"]), Vec::<String>::new());
    assert_eq!(
        nothing["nextBackwardToken"].as_str(),
        Some(start_token.as_str()),
        "same token at the start"
    );
    // Forward from the very start of the stream sees every event.
    let again = nothing["nextForwardToken"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let all = call(
        &store,
        "GetLogEvents",
        &json!({"logGroupName": GROUP, "logStreamName": "s1", "nextToken": again}),
    );
    assert_eq!(messages(&all["events"]).len(), 5);

    // At the end, the forward token comes back unchanged; new events then show up.
    let end = call(
        &store,
        "GetLogEvents",
        &json!({"logGroupName": GROUP, "logStreamName": "s1", "nextToken": fwd}),
    );
    assert_eq!(messages(&end["events"]), Vec::<String>::new());
    assert_eq!(end["nextForwardToken"].as_str(), Some(fwd.as_str()));
    store.append(ACCOUNT, REGION, GROUP, "s1", [(60, "line 6".to_owned())]);
    let new = call(
        &store,
        "GetLogEvents",
        &json!({"logGroupName": GROUP, "logStreamName": "s1", "nextToken": fwd}),
    );
    assert_eq!(messages(&new["events"]), ["line 6"]);
}

#[test]
fn get_log_events_from_head_and_time_range() {
    let store = store_with_lines();
    let head = call(
        &store,
        "GetLogEvents",
        &json!({"logGroupName": GROUP, "logStreamName": "s1", "startFromHead": true, "limit": 3}),
    );
    assert_eq!(messages(&head["events"]), ["line 1", "line 2", "line 3"]);
    let next = head["nextForwardToken"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let rest = call(
        &store,
        "GetLogEvents",
        &json!({"logGroupName": GROUP, "logStreamName": "s1", "startFromHead": true, "nextToken": next}),
    );
    assert_eq!(messages(&rest["events"]), ["line 4", "line 5"]);

    // startTime inclusive, endTime exclusive.
    let range = call(
        &store,
        "GetLogEvents",
        &json!({"logGroupName": GROUP, "logStreamName": "s1", "startTime": 20, "endTime": 40}),
    );
    assert_eq!(messages(&range["events"]), ["line 2", "line 3"]);

    let empty = store.clone();
    empty.create_group(ACCOUNT, REGION, "/empty");
    empty.append(ACCOUNT, REGION, "/empty", "s", std::iter::empty());
    let none = call(
        &empty,
        "GetLogEvents",
        &json!({"logGroupName": "/empty", "logStreamName": "s"}),
    );
    assert_eq!(none["events"], json!([]));
    assert_eq!(none["nextForwardToken"], format!("f/{}/s", "0".repeat(40)));
    assert_eq!(none["nextBackwardToken"], format!("b/{}/s", "0".repeat(40)));
}

#[test]
fn get_log_events_errors() {
    let store = store_with_lines();
    assert_eq!(
        fail(
            &store,
            "GetLogEvents",
            &json!({"logGroupName": "/nope", "logStreamName": "s1"})
        ),
        LogsError::no_group()
    );
    assert_eq!(
        fail(
            &store,
            "GetLogEvents",
            &json!({"logGroupName": GROUP, "logStreamName": "nope"})
        ),
        LogsError::no_stream()
    );
    for body in [
        json!({"logGroupName": GROUP}),
        json!({"logGroupName": GROUP, "logStreamName": "s1", "limit": 10_001}),
        json!({"logGroupName": GROUP, "logStreamName": "s1", "nextToken": "x/1/s"}),
        json!({"logGroupName": GROUP, "logStreamName": "s1", "nextToken": "f/123/s"}),
        json!({"logStreamName": "s1"}),
    ] {
        assert_eq!(
            fail(&store, "GetLogEvents", &body).code(),
            "InvalidParameterException",
            "{body}"
        );
    }
}

#[test]
fn get_log_events_caps_a_response_at_one_megabyte() {
    let store = LogStore::new(LogsConfig::default());
    let big = "x".repeat(300_000);
    store.append(
        ACCOUNT,
        REGION,
        GROUP,
        "s",
        (0..5).map(|i| (i, big.clone())),
    );
    let head = call(
        &store,
        "GetLogEvents",
        &json!({"logGroupName": GROUP, "logStreamName": "s", "startFromHead": true}),
    );
    assert_eq!(head["events"].as_array().map(Vec::len), Some(3));
}

#[test]
fn filter_log_events_terms_phrases_and_streams() {
    let store = LogStore::default();
    store.append(
        ACCOUNT,
        REGION,
        GROUP,
        "2024/01/15/[$LATEST]aa",
        [
            (1, "START RequestId: 1".to_owned()),
            (3, "ERROR disk full".to_owned()),
            (5, "END RequestId: 1".to_owned()),
        ],
    );
    store.append(
        ACCOUNT,
        REGION,
        GROUP,
        "2024/01/15/[2]bb",
        [
            (2, "error lowercase".to_owned()),
            (4, "ERROR timeout after 3s".to_owned()),
        ],
    );

    let all = call(&store, "FilterLogEvents", &json!({"logGroupName": GROUP}));
    assert_eq!(
        messages(&all["events"]),
        [
            "START RequestId: 1",
            "error lowercase",
            "ERROR disk full",
            "ERROR timeout after 3s",
            "END RequestId: 1"
        ]
    );
    assert_eq!(all["searchedLogStreams"], json!([]));
    assert!(all.get("nextToken").is_none());
    let first = &all["events"][0];
    assert_eq!(first["logStreamName"], "2024/01/15/[$LATEST]aa");
    assert_eq!(first["timestamp"], 1);
    assert!(first["ingestionTime"].as_i64().is_some());
    let ids: Vec<&str> = all["events"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|e| e["eventId"].as_str())
        .collect();
    assert_eq!(ids.len(), 5);
    assert!(ids.windows(2).all(|w| w[0] != w[1]));

    let errors = call(
        &store,
        "FilterLogEvents",
        &json!({"logGroupName": GROUP, "filterPattern": "ERROR"}),
    );
    assert_eq!(
        messages(&errors["events"]),
        ["ERROR disk full", "ERROR timeout after 3s"],
        "case-sensitive"
    );
    let both = call(
        &store,
        "FilterLogEvents",
        &json!({"logGroupName": GROUP, "filterPattern": "ERROR full"}),
    );
    assert_eq!(messages(&both["events"]), ["ERROR disk full"]);
    let phrase = call(
        &store,
        "FilterLogEvents",
        &json!({"logGroupName": GROUP, "filterPattern": "\"timeout after\""}),
    );
    assert_eq!(messages(&phrase["events"]), ["ERROR timeout after 3s"]);
    let no_phrase = call(
        &store,
        "FilterLogEvents",
        &json!({"logGroupName": GROUP, "filterPattern": "\"after timeout\""}),
    );
    assert_eq!(messages(&no_phrase["events"]), Vec::<String>::new());
    let too_long = "?zz ".repeat(257);
    let e = fail(
        &store,
        "FilterLogEvents",
        &json!({"logGroupName": GROUP, "filterPattern": too_long}),
    );
    assert!(
        e.to_string().contains("at 'filterPattern' failed to satisfy constraint: Member must have length less than or equal to 1024"),
        "{e}"
    );
    let any = call(
        &store,
        "FilterLogEvents",
        &json!({"logGroupName": GROUP, "filterPattern": "?START ?END"}),
    );
    assert_eq!(
        messages(&any["events"]),
        ["START RequestId: 1", "END RequestId: 1"]
    );
    let not = call(
        &store,
        "FilterLogEvents",
        &json!({"logGroupName": GROUP, "filterPattern": "ERROR -disk"}),
    );
    assert_eq!(messages(&not["events"]), ["ERROR timeout after 3s"]);

    let named = call(
        &store,
        "FilterLogEvents",
        &json!({"logGroupName": GROUP, "logStreamNames": ["2024/01/15/[2]bb"]}),
    );
    assert_eq!(
        messages(&named["events"]),
        ["error lowercase", "ERROR timeout after 3s"]
    );
    let prefixed = call(
        &store,
        "FilterLogEvents",
        &json!({"logGroupName": GROUP, "logStreamNamePrefix": "2024/01/15/[$LATEST]"}),
    );
    assert_eq!(messages(&prefixed["events"]).len(), 3);
    // Both ends inclusive.
    let ranged = call(
        &store,
        "FilterLogEvents",
        &json!({"logGroupName": GROUP, "startTime": 2, "endTime": 4}),
    );
    assert_eq!(
        messages(&ranged["events"]),
        [
            "error lowercase",
            "ERROR disk full",
            "ERROR timeout after 3s"
        ]
    );
}

#[test]
fn filter_log_events_pages_with_next_token() {
    let store = LogStore::default();
    store.append(
        ACCOUNT,
        REGION,
        GROUP,
        "a",
        (0..5).map(|i| (i * 2, format!("a{i}"))),
    );
    store.append(
        ACCOUNT,
        REGION,
        GROUP,
        "b",
        (0..5).map(|i| (i * 2 + 1, format!("b{i}"))),
    );
    let mut seen = Vec::new();
    let mut token: Option<String> = None;
    let mut pages = 0;
    loop {
        let mut body = json!({"logGroupName": GROUP, "limit": 3});
        if let Some(t) = &token {
            body["nextToken"] = json!(t);
        }
        let page = call(&store, "FilterLogEvents", &body);
        pages += 1;
        seen.extend(messages(&page["events"]));
        token = page["nextToken"].as_str().map(str::to_owned);
        if token.is_none() || pages > 10 {
            break;
        }
    }
    assert_eq!(pages, 4);
    assert_eq!(
        seen,
        ["a0", "b0", "a1", "b1", "a2", "b2", "a3", "b3", "a4", "b4"]
    );
}

#[test]
fn filter_log_events_errors() {
    let store = store_with_lines();
    assert_eq!(
        fail(&store, "FilterLogEvents", &json!({"logGroupName": "/nope"})),
        LogsError::no_group()
    );
    for body in [
        json!({"logGroupName": GROUP, "logStreamNames": ["s1"], "logStreamNamePrefix": "s"}),
        json!({"logGroupName": GROUP, "logStreamNames": []}),
        json!({"logGroupName": GROUP, "filterPattern": "{ $.level = \"ERROR\" }"}),
        json!({"logGroupName": GROUP, "filterPattern": "\"unterminated"}),
        json!({"logGroupName": GROUP, "nextToken": "garbage"}),
        json!({"logGroupName": GROUP, "limit": 0}),
        json!({}),
    ] {
        assert_eq!(
            fail(&store, "FilterLogEvents", &body).code(),
            "InvalidParameterException",
            "{body}"
        );
    }
}

#[test]
fn filter_pattern_parsing() {
    let p = FilterPattern::parse(r#"  ERROR "disk \"full\"" ?a ?b -skip "#).unwrap_or_default();
    assert_eq!(p.all, ["ERROR", "disk \"full\""]);
    assert_eq!(p.any, ["a", "b"]);
    assert_eq!(p.none, ["skip"]);
    assert!(FilterPattern::parse("").is_ok_and(|p| p.matches("anything")));
}

#[test]
fn token_round_trips() {
    for key in [
        KEY_MIN,
        EventKey {
            timestamp_ms: -5,
            seq: 7,
        },
        EventKey {
            timestamp_ms: i64::MAX,
            seq: u64::MAX,
        },
    ] {
        assert_eq!(parse_key_digits(&key_digits(key)), Some(key));
        assert_eq!(
            parse_stream_token(&stream_token(Direction::Backward, key)),
            Ok((Direction::Backward, key))
        );
        assert!(key_pred(key_succ(key)) == key || key.seq == u64::MAX);
    }
    assert_eq!(
        unhex_token(&hex_token("/aws/lambda/ünï")),
        Ok("/aws/lambda/ünï".to_owned())
    );
}

#[test]
fn create_describe_retention_and_delete_a_group() {
    let store = LogStore::default();
    assert_eq!(
        call(
            &store,
            "CreateLogGroup",
            &json!({"logGroupName": "/app/one"})
        ),
        json!({})
    );
    let e = fail(
        &store,
        "CreateLogGroup",
        &json!({"logGroupName": "/app/one"}),
    );
    assert_eq!(
        (e.code(), e.to_string().as_str()),
        (
            "ResourceAlreadyExistsException",
            "The specified log group already exists"
        )
    );
    let groups = call(&store, "DescribeLogGroups", &json!({}));
    assert!(groups["logGroups"][0].get("retentionInDays").is_none());
    call(
        &store,
        "PutRetentionPolicy",
        &json!({"logGroupName": "/app/one", "retentionInDays": 14}),
    );
    let groups = call(&store, "DescribeLogGroups", &json!({}));
    assert_eq!(groups["logGroups"][0]["retentionInDays"], json!(14));
    let e = fail(
        &store,
        "PutRetentionPolicy",
        &json!({"logGroupName": "/app/one", "retentionInDays": 2}),
    );
    assert_eq!(e.code(), "InvalidParameterException");
    assert_eq!(
        e.to_string(),
        "1 validation error detected: Value '2' at 'retentionInDays' failed to satisfy constraint: Member must satisfy enum value set: [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653]"
    );
    let e = fail(
        &store,
        "PutRetentionPolicy",
        &json!({"logGroupName": "/nope", "retentionInDays": 1}),
    );
    assert_eq!(e, LogsError::no_group());
    call(
        &store,
        "DeleteRetentionPolicy",
        &json!({"logGroupName": "/app/one"}),
    );
    let groups = call(&store, "DescribeLogGroups", &json!({}));
    assert!(groups["logGroups"][0].get("retentionInDays").is_none());
    call(
        &store,
        "DeleteLogGroup",
        &json!({"logGroupName": "/app/one"}),
    );
    assert_eq!(
        fail(
            &store,
            "DeleteLogGroup",
            &json!({"logGroupName": "/app/one"})
        ),
        LogsError::no_group()
    );
    assert_eq!(
        call(&store, "DescribeLogGroups", &json!({}))["logGroups"],
        json!([])
    );
}

#[test]
fn create_log_group_validates_its_input() {
    let store = LogStore::default();
    let e = fail(&store, "CreateLogGroup", &json!({}));
    assert_eq!(
        e.to_string(),
        "1 validation error detected: Value null at 'logGroupName' failed to satisfy constraint: Member must not be null"
    );
    let e = fail(&store, "CreateLogGroup", &json!({"logGroupName": "a b"}));
    assert!(
        e.to_string()
            .ends_with(r"Member must satisfy regular expression pattern: [\.\-_/#A-Za-z0-9]+"),
        "{e}"
    );
    let long = "a".repeat(513);
    assert_eq!(
        fail(&store, "CreateLogGroup", &json!({"logGroupName": long})).code(),
        "InvalidParameterException"
    );
    let many: serde_json::Map<String, Value> =
        (0..51).map(|i| (format!("k{i}"), json!("v"))).collect();
    assert_eq!(
        fail(
            &store,
            "CreateLogGroup",
            &json!({"logGroupName": "g", "tags": many})
        )
        .code(),
        "InvalidParameterException"
    );
    assert!(!store.group_exists(ACCOUNT, REGION, "g"));
}

#[test]
fn tags_by_name_and_by_arn() {
    let store = LogStore::default();
    call(
        &store,
        "CreateLogGroup",
        &json!({"logGroupName": "g", "tags": {"team": "a"}}),
    );
    assert_eq!(
        call(&store, "ListTagsLogGroup", &json!({"logGroupName": "g"})),
        json!({"tags": {"team": "a"}})
    );
    call(
        &store,
        "TagLogGroup",
        &json!({"logGroupName": "g", "tags": {"env": "dev"}}),
    );
    call(
        &store,
        "UntagLogGroup",
        &json!({"logGroupName": "g", "tags": ["team"]}),
    );
    let arn = format!("arn:aws:logs:{REGION}:{ACCOUNT}:log-group:g");
    assert_eq!(
        call(&store, "ListTagsForResource", &json!({"resourceArn": arn})),
        json!({"tags": {"env": "dev"}})
    );
    call(
        &store,
        "TagResource",
        &json!({"resourceArn": format!("{arn}:*"), "tags": {"x": "1"}}),
    );
    call(
        &store,
        "UntagResource",
        &json!({"resourceArn": arn, "tagKeys": ["env"]}),
    );
    assert_eq!(
        call(&store, "ListTagsForResource", &json!({"resourceArn": arn})),
        json!({"tags": {"x": "1"}})
    );
    let other = format!("arn:aws:logs:{REGION}:111111111111:log-group:g");
    assert_eq!(
        fail(
            &store,
            "ListTagsForResource",
            &json!({"resourceArn": other})
        )
        .code(),
        "AccessDeniedException"
    );
    let missing = format!("arn:aws:logs:{REGION}:{ACCOUNT}:log-group:none");
    assert_eq!(
        fail(
            &store,
            "TagResource",
            &json!({"resourceArn": missing, "tags": {"a": "b"}})
        ),
        LogsError::no_resource()
    );
    assert_eq!(
        fail(&store, "ListTagsLogGroup", &json!({"logGroupName": "none"})),
        LogsError::no_group()
    );
    assert_eq!(
        fail(
            &store,
            "TagResource",
            &json!({"resourceArn": "nope", "tags": {}})
        )
        .code(),
        "InvalidParameterException"
    );
    // Past 50 tags in all, TooManyTagsException, and nothing is added.
    let many: serde_json::Map<String, Value> =
        (0..50).map(|i| (format!("k{i}"), json!("v"))).collect();
    assert_eq!(
        fail(
            &store,
            "TagLogGroup",
            &json!({"logGroupName": "g", "tags": many})
        )
        .code(),
        "TooManyTagsException"
    );
    assert_eq!(
        call(&store, "ListTagsLogGroup", &json!({"logGroupName": "g"})),
        json!({"tags": {"x": "1"}})
    );
}
