//! Put/GetBucketNotificationConfiguration through `aws-sdk-s3`: round trips, and each
//! validation error with AWS's code and message.

use std::time::SystemTime;

use aws_sdk_s3::types::{
    Event, FilterRule, FilterRuleName, LambdaFunctionConfiguration, NotificationConfiguration,
    NotificationConfigurationFilter, QueueConfiguration, S3KeyFilter,
};

use crate::common::{self, code};
use crate::raw::{self, Payload};

const F: &str = "arn:aws:lambda:us-east-1:000000000000:function:f";

fn filter(rules: &[(&str, &str)]) -> NotificationConfigurationFilter {
    let mut key = S3KeyFilter::builder();
    for (name, value) in rules {
        key = key.filter_rules(
            FilterRule::builder()
                .name(FilterRuleName::from(*name))
                .value(*value)
                .build(),
        );
    }
    NotificationConfigurationFilter::builder()
        .key(key.build())
        .build()
}

fn lambda(
    id: Option<&str>,
    arn: &str,
    events: &[&str],
    rules: &[(&str, &str)],
) -> LambdaFunctionConfiguration {
    let mut b = LambdaFunctionConfiguration::builder()
        .set_id(id.map(str::to_owned))
        .lambda_function_arn(arn);
    for e in events {
        b = b.events(Event::from(*e));
    }
    if !rules.is_empty() {
        b = b.filter(filter(rules));
    }
    b.build().unwrap()
}

async fn setup() -> (s3lambda::sim::Server, aws_sdk_s3::Client) {
    let server = common::start().await;
    let s3 = common::s3(&server);
    let lambda = common::lambda(&server);
    lambda
        .create_function()
        .function_name("f")
        .role("arn:aws:iam::000000000000:role/r")
        .handler("echo.handle")
        .code(
            aws_sdk_lambda::types::FunctionCode::builder()
                .zip_file(aws_sdk_lambda::primitives::Blob::new(
                    crate::common::zip_of("echo.wasm", s3lambda::runtime::handlers::ECHO),
                ))
                .build(),
        )
        .send()
        .await
        .unwrap();
    lambda
        .add_permission()
        .function_name("f")
        .statement_id("s3")
        .action("lambda:InvokeFunction")
        .principal("s3.amazonaws.com")
        .source_arn("arn:aws:s3:::cfg")
        .send()
        .await
        .unwrap();
    s3.create_bucket().bucket("cfg").send().await.unwrap();
    (server, s3)
}

async fn put(
    s3: &aws_sdk_s3::Client,
    configs: Vec<LambdaFunctionConfiguration>,
) -> Result<(), (String, String)> {
    s3.put_bucket_notification_configuration()
        .bucket("cfg")
        .notification_configuration(
            NotificationConfiguration::builder()
                .set_lambda_function_configurations(Some(configs))
                .build(),
        )
        .send()
        .await
        .map(|_| ())
        .map_err(|e| {
            let message = e
                .as_service_error()
                .and_then(aws_sdk_s3::error::ProvideErrorMetadata::message)
                .unwrap_or("")
                .to_owned();
            (code(&e), message)
        })
}

#[tokio::test]
async fn round_trip_normalizes_rule_names_and_generates_ids() {
    let (_server, s3) = setup().await;
    let empty = s3
        .get_bucket_notification_configuration()
        .bucket("cfg")
        .send()
        .await
        .unwrap();
    assert!(empty.lambda_function_configurations().is_empty());

    let config = NotificationConfiguration::builder()
        .lambda_function_configurations(lambda(
            Some("images"),
            F,
            &["s3:ObjectCreated:*"],
            &[("prefix", "images/"), ("SUFFIX", ".jpg")],
        ))
        .lambda_function_configurations(lambda(None, F, &["s3:ObjectRemoved:Delete"], &[]))
        .queue_configurations(
            QueueConfiguration::builder()
                .id("q")
                .queue_arn("arn:aws:sqs:us-east-1:000000000000:q")
                .events(Event::from("s3:ObjectCreated:Copy"))
                .filter(filter(&[("prefix", "other/")]))
                .build()
                .unwrap(),
        )
        .build();
    s3.put_bucket_notification_configuration()
        .bucket("cfg")
        .notification_configuration(config)
        .send()
        .await
        .unwrap();

    let got = s3
        .get_bucket_notification_configuration()
        .bucket("cfg")
        .send()
        .await
        .unwrap();
    let lambdas = got.lambda_function_configurations();
    assert_eq!(lambdas.len(), 2);
    assert_eq!(lambdas[0].id(), Some("images"));
    assert_eq!(lambdas[0].lambda_function_arn(), F);
    assert_eq!(lambdas[0].events(), [Event::S3ObjectCreated]);
    let rules: Vec<(String, String)> = lambdas[0]
        .filter()
        .and_then(|f| f.key())
        .map(|k| {
            k.filter_rules()
                .iter()
                .map(|r| {
                    (
                        r.name().unwrap().as_str().to_owned(),
                        r.value().unwrap().to_owned(),
                    )
                })
                .collect()
        })
        .unwrap();
    assert_eq!(
        rules,
        [
            ("Prefix".to_owned(), "images/".to_owned()),
            ("Suffix".to_owned(), ".jpg".to_owned())
        ]
    );
    let generated = lambdas[1].id().unwrap();
    assert!(!generated.is_empty(), "an Id is generated when absent");
    assert_eq!(
        got.queue_configurations().len(),
        1,
        "queue configurations are stored and returned"
    );

    // A rejected PUT changes nothing.
    let bad = put(
        &s3,
        vec![lambda(None, "not-an-arn", &["s3:ObjectCreated:*"], &[])],
    )
    .await;
    assert!(bad.is_err());
    let again = s3
        .get_bucket_notification_configuration()
        .bucket("cfg")
        .send()
        .await
        .unwrap();
    assert_eq!(again.lambda_function_configurations(), lambdas);

    // An empty configuration clears it.
    s3.put_bucket_notification_configuration()
        .bucket("cfg")
        .notification_configuration(NotificationConfiguration::builder().build())
        .send()
        .await
        .unwrap();
    let cleared = s3
        .get_bucket_notification_configuration()
        .bucket("cfg")
        .send()
        .await
        .unwrap();
    assert!(
        cleared.lambda_function_configurations().is_empty()
            && cleared.queue_configurations().is_empty()
    );
}

#[tokio::test]
async fn validation_errors_have_aws_codes_and_messages() {
    let (_server, s3) = setup().await;
    let created = ["s3:ObjectCreated:*"];
    let cases: Vec<(&str, Vec<LambdaFunctionConfiguration>, &str, &str)> = vec![
        (
            "unparseable ARN",
            vec![lambda(None, "not-an-arn", &created, &[])],
            "InvalidArgument",
            "The ARN could not be parsed",
        ),
        (
            "bad rule name",
            vec![lambda(None, F, &created, &[("middle", "x")])],
            "InvalidArgument",
            "filter rule name must be either prefix or suffix",
        ),
        (
            "two prefixes",
            vec![lambda(
                None,
                F,
                &created,
                &[("prefix", "a"), ("prefix", "b")],
            )],
            "InvalidArgument",
            "Cannot specify more than one prefix rule in a filter.",
        ),
        (
            "two suffixes",
            vec![lambda(
                None,
                F,
                &created,
                &[("suffix", "a"), ("suffix", "b")],
            )],
            "InvalidArgument",
            "Cannot specify more than one suffix rule in a filter.",
        ),
        (
            "unknown event",
            vec![lambda(None, F, &["s3:ObjectExploded:*"], &[])],
            "InvalidArgument",
            "The event is not supported for notifications",
        ),
        (
            "overlap without filters",
            vec![
                lambda(Some("a"), F, &["s3:ObjectCreated:Put"], &[]),
                lambda(Some("b"), F, &["s3:ObjectCreated:*"], &[]),
            ],
            "InvalidArgument",
            "Configurations overlap. Configurations on the same bucket cannot share a common event type.",
        ),
        (
            "overlapping prefixes",
            vec![
                lambda(Some("a"), F, &["s3:ObjectCreated:Put"], &[("prefix", "a/")]),
                lambda(Some("b"), F, &["s3:ObjectCreated:*"], &[("prefix", "a/b/")]),
            ],
            "InvalidArgument",
            "Configuration is ambiguously defined. Cannot have overlapping suffixes in two rules if the prefixes are overlapping for the same event type.",
        ),
        (
            "duplicate ids",
            vec![
                lambda(
                    Some("same"),
                    F,
                    &["s3:ObjectCreated:*"],
                    &[("prefix", "x/")],
                ),
                lambda(
                    Some("same"),
                    F,
                    &["s3:ObjectCreated:*"],
                    &[("prefix", "y/")],
                ),
            ],
            "InvalidArgument",
            "Same ID used for multiple configurations. IDs must be unique.",
        ),
        (
            "function in another region",
            vec![lambda(
                None,
                "arn:aws:lambda:eu-west-1:000000000000:function:f",
                &created,
                &[],
            )],
            "InvalidArgument",
            "The notification destination service region is not valid for the bucket location constraint",
        ),
        (
            "function that does not exist",
            vec![lambda(
                None,
                "arn:aws:lambda:us-east-1:000000000000:function:missing",
                &created,
                &[],
            )],
            "InvalidArgument",
            "Unable to validate the following destination configurations",
        ),
    ];
    for (what, configs, want_code, want_message) in cases {
        let (got_code, got_message) = put(&s3, configs).await.expect_err(what);
        assert_eq!(
            (got_code.as_str(), got_message.as_str()),
            (want_code, want_message),
            "{what}"
        );
    }

    // Allowed: equal prefixes with distinct suffixes, and the same filter on distinct events.
    put(
        &s3,
        vec![
            lambda(
                Some("jpg"),
                F,
                &created,
                &[("prefix", "p/"), ("suffix", ".jpg")],
            ),
            lambda(
                Some("png"),
                F,
                &created,
                &[("prefix", "p/"), ("suffix", ".png")],
            ),
        ],
    )
    .await
    .unwrap();
    put(
        &s3,
        vec![
            lambda(Some("c"), F, &created, &[]),
            lambda(Some("r"), F, &["s3:ObjectRemoved:*"], &[]),
        ],
    )
    .await
    .unwrap();
}

#[tokio::test]
async fn malformed_bodies_are_malformed_xml() {
    let (server, _s3) = setup().await;
    let url = format!("{}/cfg?notification=", server.endpoint());
    for body in [
        "not xml at all",
        "<NotificationConfiguration><CloudFunctionConfiguration><Event>s3:ObjectCreated:*</Event></CloudFunctionConfiguration></NotificationConfiguration>",
        "<NotificationConfiguration><CloudFunctionConfiguration><CloudFunction>arn:aws:lambda:us-east-1:000000000000:function:f</CloudFunction><Event>s3:ObjectCreated:*</Event><Filter><S3Key><FilterRule><Value>x</Value></FilterRule></S3Key></Filter></CloudFunctionConfiguration></NotificationConfiguration>",
    ] {
        let request = raw::signed_s3(
            "PUT",
            &url,
            &[],
            body,
            Payload::Sha256Of(body.as_bytes()),
            (common::KEY, common::SECRET),
            SystemTime::now(),
        );
        let reply = raw::send(request).await;
        assert_eq!(reply.status, 400, "{body}: {}", reply.body);
        assert_eq!(
            reply.s3_code(),
            Some("MalformedXML"),
            "{body}: {}",
            reply.body
        );
    }
}
