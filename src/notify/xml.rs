//! The notification configuration's XML wire form: parsing the PUT body into raw
//! (unvalidated) configurations, and rendering the GET response.
//!
//! Wire shape: <https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketNotificationConfiguration.html>.
//! The Lambda element is `CloudFunctionConfiguration` with `<CloudFunction>` (the SDK's
//! `LambdaFunctionConfiguration` / `LambdaFunctionArn` are member names only); every list is
//! flattened. Parsing checks structure only ([`NotifyError`] `MalformedXML`); values are
//! checked when the raw configurations are validated.

use std::fmt::Write as _;

use quick_xml::Reader;
use quick_xml::escape::{escape, resolve_predefined_entity};
use quick_xml::events::Event;

use super::config::{DestinationKind, KeyFilter, NotificationConfiguration};
use super::error::NotifyError;
use super::raw::{RawConfig, RawFilterRule, RawNotificationConfiguration};

/// The S3 XML namespace of the GET response.
pub const S3_XMLNS: &str = "http://s3.amazonaws.com/doc/2006-03-01/";

/// A parsed element: local name, direct text, children.
#[derive(Debug, Default)]
struct Node {
    name: String,
    text: String,
    children: Vec<Node>,
}

/// Parses an XML document into a tree (well-formedness only). The shape check comes first,
/// so the tree is never deeper than [`crate::xml::MAX_DEPTH`] and drops without deep
/// recursion.
fn parse_tree(body: &[u8]) -> Result<Node, NotifyError> {
    let text =
        crate::xml::checked_text(body).map_err(|e| NotifyError::malformed(&e.to_string()))?;
    let mut reader = Reader::from_str(text);
    reader.config_mut().expand_empty_elements = true;
    let mut stack: Vec<Node> = Vec::new();
    let mut root: Option<Node> = None;
    loop {
        let event = reader
            .read_event()
            .map_err(|e| NotifyError::malformed(&e.to_string()))?;
        match event {
            Event::Start(start) => {
                if root.is_some() {
                    return Err(NotifyError::malformed("content after the root element"));
                }
                stack.push(Node {
                    name: start.local_name().into_inner().to_owned(),
                    ..Node::default()
                });
            }
            Event::End(_) => {
                let node = stack
                    .pop()
                    .ok_or_else(|| NotifyError::malformed("unmatched end"))?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(node),
                    None => root = Some(node),
                }
            }
            Event::Text(t) => push_text(&mut stack, &t.xml10_content())?,
            Event::CData(t) => push_text(&mut stack, &t.xml10_content())?,
            Event::GeneralRef(r) => {
                let resolved = if r.is_char_ref() {
                    r.resolve_char_ref()
                        .map_err(|e| NotifyError::malformed(&e.to_string()))?
                        .map(String::from)
                } else {
                    resolve_predefined_entity(&r.xml10_content()).map(str::to_owned)
                };
                let resolved = resolved.ok_or_else(|| NotifyError::malformed("unknown entity"))?;
                push_text(&mut stack, &resolved)?;
            }
            Event::DocType(_) => return Err(NotifyError::malformed("DOCTYPE is not allowed")),
            Event::Decl(_) | Event::Comment(_) | Event::PI(_) | Event::Empty(_) => {}
            Event::Eof => break,
        }
    }
    if !stack.is_empty() {
        return Err(NotifyError::malformed("unclosed element"));
    }
    root.ok_or_else(|| NotifyError::malformed("no root element"))
}

fn push_text(stack: &mut [Node], text: &str) -> Result<(), NotifyError> {
    match stack.last_mut() {
        Some(node) => {
            node.text.push_str(text);
            Ok(())
        }
        None if text.trim().is_empty() => Ok(()),
        None => Err(NotifyError::malformed("text outside the root element")),
    }
}

/// Checks that a container element holds only whitespace text.
fn container(node: &Node) -> Result<&[Node], NotifyError> {
    if node.text.trim().is_empty() {
        Ok(&node.children)
    } else {
        Err(NotifyError::malformed("text in a container element"))
    }
}

/// Returns a leaf element's text.
fn leaf(node: Node) -> Result<String, NotifyError> {
    if node.children.is_empty() {
        Ok(node.text)
    } else {
        Err(NotifyError::malformed("elements inside a text element"))
    }
}

/// Parses a PUT Bucket notification configuration body for structure.
///
/// Errors (all `MalformedXML`): not well-formed XML; a root other than
/// `NotificationConfiguration`; an unknown element; a configuration without its destination
/// ARN or without any `Event`; a repeated `Id`, destination or `Filter`; a `FilterRule` missing
/// `Name` or `Value`. An empty `<NotificationConfiguration/>` is an empty configuration.
pub fn parse(body: &[u8]) -> Result<RawNotificationConfiguration, NotifyError> {
    let root = parse_tree(body)?;
    if root.name != "NotificationConfiguration" {
        return Err(NotifyError::malformed(
            "root is not NotificationConfiguration",
        ));
    }
    container(&root)?;
    let mut out = RawNotificationConfiguration::default();
    for child in root.children {
        let kind = match child.name.as_str() {
            "CloudFunctionConfiguration" => DestinationKind::Lambda,
            "QueueConfiguration" => DestinationKind::Queue,
            "TopicConfiguration" => DestinationKind::Topic,
            "EventBridgeConfiguration" => {
                container(&child)?;
                if !child.children.is_empty() {
                    return Err(NotifyError::malformed(
                        "EventBridgeConfiguration must be empty",
                    ));
                }
                out.event_bridge = true;
                continue;
            }
            _ => {
                return Err(NotifyError::malformed(
                    "unknown NotificationConfiguration child",
                ));
            }
        };
        out.configs.push(parse_config(kind, child)?);
    }
    Ok(out)
}

fn parse_config(kind: DestinationKind, node: Node) -> Result<RawConfig, NotifyError> {
    container(&node)?;
    let mut id = None;
    let mut arn = None;
    let mut events = Vec::new();
    let mut rules = None;
    for child in node.children {
        match child.name.as_str() {
            "Id" if id.is_none() => id = Some(leaf(child)?),
            "Event" => events.push(leaf(child)?),
            "Filter" if rules.is_none() => rules = Some(parse_filter(child)?),
            name if name == kind.arn_element() && arn.is_none() => arn = Some(leaf(child)?),
            _ => return Err(NotifyError::malformed("unexpected or repeated element")),
        }
    }
    let arn = arn.ok_or_else(|| NotifyError::malformed("destination ARN missing"))?;
    if events.is_empty() {
        return Err(NotifyError::malformed("no Event"));
    }
    Ok(RawConfig {
        kind,
        id,
        arn,
        events,
        rules: rules.unwrap_or_default(),
    })
}

fn parse_filter(node: Node) -> Result<Vec<RawFilterRule>, NotifyError> {
    container(&node)?;
    let mut rules = Vec::new();
    let mut seen_key = false;
    for key in node.children {
        if key.name != "S3Key" || seen_key {
            return Err(NotifyError::malformed("Filter holds one S3Key"));
        }
        seen_key = true;
        container(&key)?;
        for rule in key.children {
            if rule.name != "FilterRule" {
                return Err(NotifyError::malformed("S3Key holds FilterRule elements"));
            }
            container(&rule)?;
            let mut name = None;
            let mut value = None;
            for part in rule.children {
                match part.name.as_str() {
                    "Name" if name.is_none() => name = Some(leaf(part)?),
                    "Value" if value.is_none() => value = Some(leaf(part)?),
                    _ => return Err(NotifyError::malformed("unexpected FilterRule child")),
                }
            }
            match (name, value) {
                (Some(name), Some(value)) => rules.push(RawFilterRule { name, value }),
                _ => return Err(NotifyError::malformed("FilterRule needs Name and Value")),
            }
        }
    }
    Ok(rules)
}

/// Renders the GET Bucket notification configuration response body.
///
/// Order: `TopicConfiguration`s, `QueueConfiguration`s, `CloudFunctionConfiguration`s, then
/// `<EventBridgeConfiguration/>` (the model's member order); inside each: `Id`, destination,
/// each `Event`, then `Filter` (rules as `Prefix` then `Suffix`, names normalized) when a rule
/// is configured.
pub fn render(config: &NotificationConfiguration) -> String {
    let mut out = String::with_capacity(256);
    out.push_str(r#"<?xml version="1.0" encoding="UTF-8"?>"#);
    let _ = write!(out, r#"<NotificationConfiguration xmlns="{S3_XMLNS}">"#);
    for dest in config.destinations() {
        let element = dest.kind.config_element();
        let arn_element = dest.kind.arn_element();
        let _ = write!(
            out,
            "<{element}><Id>{}</Id><{arn_element}>{}</{arn_element}>",
            escape(dest.id),
            escape(dest.arn)
        );
        for event in dest.events {
            let _ = write!(out, "<Event>{}</Event>", event.as_str());
        }
        render_filter(&mut out, dest.filter);
        let _ = write!(out, "</{element}>");
    }
    if config.event_bridge {
        out.push_str("<EventBridgeConfiguration></EventBridgeConfiguration>");
    }
    out.push_str("</NotificationConfiguration>");
    out
}

fn render_filter(out: &mut String, filter: &KeyFilter) {
    if filter.is_empty() {
        return;
    }
    out.push_str("<Filter><S3Key>");
    for (name, value) in [("Prefix", &filter.prefix), ("Suffix", &filter.suffix)] {
        if let Some(value) = value {
            let _ = write!(
                out,
                "<FilterRule><Name>{name}</Name><Value>{}</Value></FilterRule>",
                escape(value.as_str())
            );
        }
    }
    out.push_str("</S3Key></Filter>");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notify::config::{EventType, LambdaConfig, QueueConfig, TopicConfig};
    use crate::notify::error::NotifyErrorCode;

    fn fixture(name: &str) -> Vec<u8> {
        let path = format!(
            "{}/fixtures/notification/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    #[test]
    fn parses_all_kinds_with_filters() {
        let raw = parse(&fixture("valid-filters.xml")).expect("valid");
        assert_eq!(raw.configs.len(), 3);
        let lambda = &raw.configs[0];
        assert_eq!(lambda.kind, DestinationKind::Lambda);
        assert_eq!(lambda.id.as_deref(), Some("images"));
        assert_eq!(
            lambda.arn,
            "arn:aws:lambda:us-east-1:000000000000:function:thumbnail:PROD"
        );
        assert_eq!(
            lambda.events,
            ["s3:ObjectCreated:Put", "s3:ObjectCreated:Post"]
        );
        assert_eq!(
            lambda.rules,
            [
                RawFilterRule {
                    name: "prefix".into(),
                    value: "images/".into()
                },
                RawFilterRule {
                    name: "Suffix".into(),
                    value: ".jpg".into()
                },
            ]
        );
        assert_eq!(raw.configs[1].kind, DestinationKind::Queue);
        assert_eq!(raw.configs[1].id, None);
        assert_eq!(raw.configs[2].kind, DestinationKind::Topic);
        assert_eq!(raw.configs[2].rules[0].value, "a&b");
        assert!(raw.event_bridge);
    }

    #[test]
    fn empty_configuration_forms() {
        for body in [
            &b"<NotificationConfiguration/>"[..],
            br#"<?xml version="1.0" encoding="UTF-8"?>
<NotificationConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
</NotificationConfiguration>"#,
        ] {
            assert_eq!(parse(body), Ok(RawNotificationConfiguration::default()));
        }
    }

    #[test]
    fn structural_errors_are_malformed_xml() {
        for name in [
            "malformed-not-xml.xml",
            "malformed-rule-missing-value.xml",
            "malformed-rule-missing-name.xml",
            "malformed-wrong-root.xml",
            "malformed-unknown-element.xml",
            "malformed-no-destination.xml",
        ] {
            let err = parse(&fixture(name)).expect_err(name);
            assert_eq!(err.code, NotifyErrorCode::MalformedXml, "{name}");
            assert!(err.arguments.is_empty(), "{name}");
        }
        for body in [
            &b""[..],
            b"<NotificationConfiguration>",
            b"<NotificationConfiguration></Other>",
            b"<NotificationConfiguration/><NotificationConfiguration/>",
            b"<NotificationConfiguration><CloudFunctionConfiguration><CloudFunction>x</CloudFunction></CloudFunctionConfiguration></NotificationConfiguration>",
            b"<NotificationConfiguration>text</NotificationConfiguration>",
            b"<NotificationConfiguration><QueueConfiguration><CloudFunction>x</CloudFunction><Event>s3:ObjectCreated:*</Event></QueueConfiguration></NotificationConfiguration>",
        ] {
            let err = parse(body).expect_err(&String::from_utf8_lossy(body));
            assert_eq!(err.code, NotifyErrorCode::MalformedXml);
        }
    }

    #[test]
    fn deep_nesting_is_malformed_not_a_stack_overflow() {
        let deep = format!(
            "<NotificationConfiguration>{}{}</NotificationConfiguration>",
            "<Filter>".repeat(40_000),
            "</Filter>".repeat(40_000)
        );
        let err = parse(deep.as_bytes()).expect_err("too deep");
        assert_eq!(err.code, NotifyErrorCode::MalformedXml);
    }

    #[test]
    fn renders_get_response_in_aws_order() {
        let config = NotificationConfiguration {
            lambda: vec![LambdaConfig {
                id: "l1".into(),
                function_arn: "arn:aws:lambda:us-east-1:000000000000:function:f".into(),
                events: vec![EventType::ObjectCreatedAll],
                filter: KeyFilter {
                    prefix: Some("in/".into()),
                    suffix: Some("<&>".into()),
                },
            }],
            queue: vec![QueueConfig {
                id: "q1".into(),
                queue_arn: "arn:aws:sqs:us-east-1:000000000000:q".into(),
                events: vec![EventType::ObjectRemovedAll],
                filter: KeyFilter {
                    prefix: None,
                    suffix: Some(String::new()),
                },
            }],
            topic: vec![TopicConfig {
                id: "t1".into(),
                topic_arn: "arn:aws:sns:us-east-1:000000000000:t".into(),
                events: vec![
                    EventType::ReducedRedundancyLostObject,
                    EventType::ObjectCreatedAll,
                ],
                filter: KeyFilter::default(),
            }],
            event_bridge: true,
        };
        let expected = concat!(
            r#"<?xml version="1.0" encoding="UTF-8"?>"#,
            r#"<NotificationConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">"#,
            "<TopicConfiguration><Id>t1</Id><Topic>arn:aws:sns:us-east-1:000000000000:t</Topic>",
            "<Event>s3:ReducedRedundancyLostObject</Event><Event>s3:ObjectCreated:*</Event></TopicConfiguration>",
            "<QueueConfiguration><Id>q1</Id><Queue>arn:aws:sqs:us-east-1:000000000000:q</Queue>",
            "<Event>s3:ObjectRemoved:*</Event><Filter><S3Key><FilterRule><Name>Suffix</Name><Value></Value>",
            "</FilterRule></S3Key></Filter></QueueConfiguration>",
            "<CloudFunctionConfiguration><Id>l1</Id><CloudFunction>arn:aws:lambda:us-east-1:000000000000:function:f</CloudFunction>",
            "<Event>s3:ObjectCreated:*</Event><Filter><S3Key><FilterRule><Name>Prefix</Name><Value>in/</Value></FilterRule>",
            "<FilterRule><Name>Suffix</Name><Value>&lt;&amp;&gt;</Value></FilterRule></S3Key></Filter></CloudFunctionConfiguration>",
            "<EventBridgeConfiguration></EventBridgeConfiguration>",
            "</NotificationConfiguration>",
        );
        let rendered = render(&config);
        assert_eq!(rendered, expected);
        // The rendered form parses back to the same configurations.
        let raw = parse(rendered.as_bytes()).expect("round trip");
        assert_eq!(raw.configs.len(), 3);
        assert_eq!(raw.configs[2].rules[1].value, "<&>");
        assert!(raw.event_bridge);
    }

    #[test]
    fn renders_empty_configuration() {
        assert_eq!(
            render(&NotificationConfiguration::default()),
            concat!(
                r#"<?xml version="1.0" encoding="UTF-8"?>"#,
                r#"<NotificationConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"></NotificationConfiguration>"#
            )
        );
    }
}
