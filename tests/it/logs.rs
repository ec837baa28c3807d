//! CloudWatch Logs read API through `aws-sdk-cloudwatchlogs`: the SDK parses every response
//! (groups, streams, events, paging tokens, paginators) and the typed errors.
//!
//! Wiring this expects (to be done by the edge/sim): `Logs_20140328.*` targets routed to
//! `LogStore::handle`, and `Simulator::logs() -> &s3lambda::logs::LogStore` to seed events.

use aws_sdk_cloudwatchlogs::types::OrderBy;
use s3lambda::logs::{LogStore, lambda_group_name, lambda_stream_name};

use crate::common;

const ACCOUNT: &str = "000000000000";
const REGION: &str = "us-east-1";
const ENV_A: &str = "0123456789abcdef0123456789abcdef";
const ENV_B: &str = "fedcba9876543210fedcba9876543210";

/// Two functions' groups; `hello` has two execution environments' streams.
fn seed(store: &LogStore) -> (String, String) {
    let date = time::macros::date!(2024 - 01 - 15);
    let stream_a = lambda_stream_name(date, "$LATEST", ENV_A);
    let stream_b = lambda_stream_name(date, "1", ENV_B);
    let hello = lambda_group_name("hello");
    store.append(
        ACCOUNT,
        REGION,
        &hello,
        &stream_a,
        [
            (1_000, "START RequestId: r1 Version: $LATEST".to_owned()),
            (1_001, "ERROR something broke".to_owned()),
            (1_002, "END RequestId: r1".to_owned()),
            (1_003, "REPORT RequestId: r1 Duration: 2.00 ms".to_owned()),
            (1_004, "ERROR \"quoted\" again".to_owned()),
        ],
    );
    store.append(
        ACCOUNT,
        REGION,
        &hello,
        &stream_b,
        [
            (2_000, "START RequestId: r2 Version: 1".to_owned()),
            (2_001, "error: lowercase is not ERROR-less".to_owned()),
        ],
    );
    store.append(
        ACCOUNT,
        REGION,
        &lambda_group_name("world"),
        &stream_a,
        [(5, "hi".to_owned())],
    );
    store.append(
        ACCOUNT,
        REGION,
        "/custom/app",
        "main",
        [(5, "x".to_owned())],
    );
    (stream_a, stream_b)
}

#[tokio::test]
async fn sdk_reads_groups_streams_and_events() {
    let server = common::start().await;
    let (stream_a, stream_b) = seed(server.simulator().logs());
    let logs = common::logs(&server);

    // DescribeLogGroups, with a prefix and through the paginator one group per page.
    let groups = logs
        .describe_log_groups()
        .log_group_name_prefix("/aws/lambda/")
        .send()
        .await
        .unwrap();
    let names: Vec<&str> = groups
        .log_groups()
        .iter()
        .filter_map(|g| g.log_group_name())
        .collect();
    assert_eq!(names, ["/aws/lambda/hello", "/aws/lambda/world"]);
    let hello = &groups.log_groups()[0];
    assert_eq!(
        hello.arn(),
        Some("arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/hello:*")
    );
    assert_eq!(
        hello.log_group_arn(),
        Some("arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/hello")
    );
    assert!(hello.creation_time().is_some_and(|t| t > 1_600_000_000_000));
    assert!(hello.stored_bytes().is_some_and(|b| b > 0));
    assert_eq!(hello.retention_in_days(), None);
    assert!(groups.next_token().is_none());
    let pages: Vec<_> = logs
        .describe_log_groups()
        .limit(1)
        .into_paginator()
        .send()
        .try_collect()
        .await
        .unwrap();
    let paged: Vec<&str> = pages
        .iter()
        .flat_map(aws_sdk_cloudwatchlogs::operation::describe_log_groups::DescribeLogGroupsOutput::log_groups)
        .filter_map(|g| g.log_group_name())
        .collect();
    assert_eq!(
        paged,
        ["/aws/lambda/hello", "/aws/lambda/world", "/custom/app"]
    );

    // DescribeLogStreams, newest last event first.
    let streams = logs
        .describe_log_streams()
        .log_group_name("/aws/lambda/hello")
        .order_by(OrderBy::LastEventTime)
        .descending(true)
        .send()
        .await
        .unwrap();
    let names: Vec<&str> = streams
        .log_streams()
        .iter()
        .filter_map(|s| s.log_stream_name())
        .collect();
    assert_eq!(names, [stream_b.as_str(), stream_a.as_str()]);
    assert_eq!(
        stream_a,
        "2024/01/15/[$LATEST]0123456789abcdef0123456789abcdef"
    );
    let b = &streams.log_streams()[0];
    assert_eq!(b.first_event_timestamp(), Some(2_000));
    assert_eq!(b.last_event_timestamp(), Some(2_001));
    assert!(b.last_ingestion_time().is_some());
    assert!(b.creation_time().is_some());
    assert_eq!(b.arn(), Some(format!("arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/hello:log-stream:{stream_b}").as_str()));

    // GetLogEvents: from the tail by default, from the head on request, and paging tokens.
    let tail = logs
        .get_log_events()
        .log_group_name("/aws/lambda/hello")
        .log_stream_name(&stream_a)
        .limit(2)
        .send()
        .await
        .unwrap();
    let got: Vec<&str> = tail.events().iter().filter_map(|e| e.message()).collect();
    assert_eq!(
        got,
        [
            "REPORT RequestId: r1 Duration: 2.00 ms",
            "ERROR \"quoted\" again"
        ]
    );
    assert_eq!(tail.events()[0].timestamp(), Some(1_003));
    assert!(tail.events()[0].ingestion_time().is_some());
    assert!(
        tail.next_forward_token()
            .is_some_and(|t| t.starts_with("f/"))
    );
    let back = tail.next_backward_token().unwrap();
    assert!(back.starts_with("b/"));
    let before = logs
        .get_log_events()
        .log_group_identifier("arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/hello")
        .log_stream_name(&stream_a)
        .next_token(back)
        .send()
        .await
        .unwrap();
    let got: Vec<&str> = before.events().iter().filter_map(|e| e.message()).collect();
    assert_eq!(
        got,
        [
            "START RequestId: r1 Version: $LATEST",
            "ERROR something broke",
            "END RequestId: r1"
        ]
    );
    let pages: Vec<_> = logs
        .get_log_events()
        .log_group_name("/aws/lambda/hello")
        .log_stream_name(&stream_a)
        .start_from_head(true)
        .limit(2)
        .into_paginator()
        .send()
        .try_collect()
        .await
        .unwrap();
    let sizes: Vec<usize> = pages.iter().map(|p| p.events().len()).collect();
    assert_eq!(
        sizes,
        [2, 2, 1, 0],
        "the paginator stops when the forward token repeats"
    );

    // FilterLogEvents: terms across streams in time order, quoted phrases, paging.
    let errors = logs
        .filter_log_events()
        .log_group_name("/aws/lambda/hello")
        .filter_pattern("ERROR")
        .send()
        .await
        .unwrap();
    let got: Vec<(&str, &str)> = errors
        .events()
        .iter()
        .filter_map(|e| Some((e.log_stream_name()?, e.message()?)))
        .collect();
    assert_eq!(
        got,
        [
            (stream_a.as_str(), "ERROR something broke"),
            (stream_a.as_str(), "ERROR \"quoted\" again"),
            (stream_b.as_str(), "error: lowercase is not ERROR-less"),
        ]
    );
    assert!(
        errors
            .events()
            .iter()
            .all(|e| e.event_id().is_some_and(|id| !id.is_empty()))
    );
    assert_eq!(errors.events()[0].timestamp(), Some(1_001));
    assert!(errors.events()[0].ingestion_time().is_some());
    assert!(errors.next_token().is_none());
    let phrase = logs
        .filter_log_events()
        .log_group_name("/aws/lambda/hello")
        .filter_pattern("\"something broke\"")
        .log_stream_names(&stream_a)
        .send()
        .await
        .unwrap();
    assert_eq!(phrase.events().len(), 1);
    let pages: Vec<_> = logs
        .filter_log_events()
        .log_group_name("/aws/lambda/hello")
        .start_time(1_001)
        .end_time(2_000)
        .limit(2)
        .into_paginator()
        .send()
        .try_collect()
        .await
        .unwrap();
    let all: Vec<&str> = pages
        .iter()
        .flat_map(
            aws_sdk_cloudwatchlogs::operation::filter_log_events::FilterLogEventsOutput::events,
        )
        .filter_map(|e| e.message())
        .collect();
    assert_eq!(all.len(), 5, "1001..=2000 across both streams: {all:?}");
    assert_eq!(pages.len(), 3);
}

#[tokio::test]
async fn sdk_sees_typed_errors() {
    let server = common::start().await;
    let (stream_a, _) = seed(server.simulator().logs());
    let logs = common::logs(&server);

    let e = logs
        .describe_log_streams()
        .log_group_name("/aws/lambda/nope")
        .send()
        .await
        .unwrap_err();
    let e = e.into_service_error();
    assert!(e.is_resource_not_found_exception(), "{e:?}");
    assert_eq!(
        aws_sdk_cloudwatchlogs::error::ProvideErrorMetadata::message(&e),
        Some("The specified log group does not exist.")
    );

    let e = logs
        .get_log_events()
        .log_group_name("/aws/lambda/nope")
        .log_stream_name(&stream_a)
        .send()
        .await
        .unwrap_err();
    assert!(e.into_service_error().is_resource_not_found_exception());
    let e = logs
        .get_log_events()
        .log_group_name("/aws/lambda/hello")
        .log_stream_name("nope")
        .send()
        .await
        .unwrap_err();
    let e = e.into_service_error();
    assert!(e.is_resource_not_found_exception());
    assert_eq!(
        aws_sdk_cloudwatchlogs::error::ProvideErrorMetadata::message(&e),
        Some("The specified log stream does not exist.")
    );
    let e = logs
        .filter_log_events()
        .log_group_name("/aws/lambda/nope")
        .send()
        .await
        .unwrap_err();
    assert!(e.into_service_error().is_resource_not_found_exception());

    let e = logs
        .filter_log_events()
        .log_group_name("/aws/lambda/hello")
        .log_stream_names("a")
        .log_stream_name_prefix("b")
        .send()
        .await
        .unwrap_err();
    assert!(e.into_service_error().is_invalid_parameter_exception());
    let e = logs
        .describe_log_groups()
        .limit(0)
        .send()
        .await
        .unwrap_err();
    assert!(e.into_service_error().is_invalid_parameter_exception());
}
