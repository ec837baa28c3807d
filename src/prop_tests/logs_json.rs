//! CloudWatch Logs JSON inputs, through `LogStore::handle` as the edge calls it.

use bytes::Bytes;
use proptest::prelude::*;
use serde_json::{Map, Value, json};

use crate::logs::api::TARGET_PREFIX;
use crate::logs::{LogStore, LogsConfig, LogsRequest};

const OPERATIONS: &[&str] = &[
    "CreateLogGroup",
    "CreateLogStream",
    "DescribeLogGroups",
    "DescribeLogStreams",
    "GetLogEvents",
    "FilterLogEvents",
    "PutLogEvents",
    "DeleteLogGroup",
    "DeleteLogStream",
    "PutRetentionPolicy",
    "NoSuchOperation",
];

const KEYS: &[&str] = &[
    "logGroupName",
    "logStreamName",
    "logGroupNamePrefix",
    "logStreamNamePrefix",
    "limit",
    "nextToken",
    "startTime",
    "endTime",
    "startFromHead",
    "filterPattern",
    "logStreamNames",
    "logEvents",
    "timestamp",
    "message",
    "orderBy",
    "descending",
    "retentionInDays",
    "interleaved",
    "unmask",
];

fn value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| json!(f)),
        proptest::sample::select(&["/aws/lambda/f", "LastEventTime", "", "f/b", "ERROR"][..])
            .prop_map(Value::from),
        "\\PC{0,40}".prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 32, 6, |inner| {
        prop_oneof![
            proptest::collection::vec((proptest::sample::select(KEYS), inner.clone()), 0..6)
                .prop_map(|kv| Value::Object(
                    kv.into_iter()
                        .map(|(k, v)| (k.to_owned(), v))
                        .collect::<Map<_, _>>()
                )),
            proptest::collection::vec(inner, 0..4).prop_map(Value::Array),
        ]
    })
}

fn call(store: &LogStore, operation: &str, body: Vec<u8>) {
    let _ = store.handle(&LogsRequest {
        target: format!("{TARGET_PREFIX}{operation}"),
        body: Bytes::from(body),
        account_id: "000000000000".into(),
        region: "us-east-1".into(),
        request_id: "req".into(),
    });
}

proptest! {
    #![proptest_config(super::config())]

    #[test]
    fn arbitrary_bytes(
        op in proptest::sample::select(OPERATIONS),
        bytes in proptest::collection::vec(any::<u8>(), 0..512),
    ) {
        call(&LogStore::new(LogsConfig::default()), op, bytes);
    }

    #[test]
    fn json_with_known_keys(
        ops in proptest::collection::vec((proptest::sample::select(OPERATIONS), value()), 1..6),
    ) {
        let store = LogStore::new(LogsConfig::default());
        call(&store, "CreateLogGroup", br#"{"logGroupName":"/aws/lambda/f"}"#.to_vec());
        for (op, doc) in ops {
            call(&store, op, doc.to_string().into_bytes());
        }
    }
}
