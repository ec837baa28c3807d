//! Tag sets of buckets and objects: the `<Tagging>` body, AWS's tag rules and their
//! `InvalidTag` answers, and the rendering of a tag set.
//!
//! Rules (<https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-tagging.html>,
//! <https://docs.aws.amazon.com/tag-editor/latest/userguide/tagging.html>): at most 50 tags on
//! a bucket and 10 on an object, keys of 1–128 and values of 0–256 Unicode characters made of
//! letters, digits, spaces and `_ . : / = + - @`, unique keys, no `aws:` prefix. Messages as
//! AWS answered them (localstack `test_s3_api.snapshot.json`, `test_tagging_validation`,
//! recorded against AWS).

use http::StatusCode;

use super::tree::{self, Node};
use crate::s3::{S3Error, S3ErrorCode};

/// One tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Tag {
    /// The key.
    pub key: String,
    /// The value (may be empty).
    pub value: String,
}

/// Whose tags: the limits and messages differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Owner {
    /// A bucket (50 tags).
    Bucket,
    /// An object (10 tags).
    Object,
}

fn invalid_tag(message: &str) -> S3Error {
    S3Error::new(S3ErrorCode::InvalidTag, StatusCode::BAD_REQUEST, message)
}

fn allowed(c: char) -> bool {
    c.is_alphanumeric() || c.is_whitespace() || "_.:/=+-@".contains(c)
}

/// Reads and validates a `<Tagging><TagSet><Tag><Key/><Value/></Tag>…` body.
pub(crate) fn parse(body: &[u8], owner: Owner) -> Result<Vec<Tag>, S3Error> {
    let root = tree::parse(body, "Tagging").ok_or_else(tree::malformed)?;
    let set = root.child("TagSet").ok_or_else(tree::malformed)?;
    let mut tags = Vec::new();
    for t in set.all("Tag") {
        match (t.text_of("Key"), t.text_of("Value")) {
            (Some(k), Some(v)) => tags.push(Tag {
                key: k.to_owned(),
                value: v.to_owned(),
            }),
            _ => return Err(tree::malformed()),
        }
    }
    validate(&tags, owner)?;
    Ok(tags)
}

/// AWS's tag rules, in the order S3 applies them.
pub(crate) fn validate(tags: &[Tag], owner: Owner) -> Result<(), S3Error> {
    match owner {
        Owner::Bucket if tags.len() > 50 => {
            return Err(invalid_tag("Bucket tag count cannot be greater than 50"));
        }
        Owner::Object if tags.len() > 10 => {
            return Err(S3Error::new(
                S3ErrorCode::InvalidTag,
                StatusCode::BAD_REQUEST,
                "Object tags cannot be greater than 10",
            ));
        }
        _ => {}
    }
    for (i, t) in tags.iter().enumerate() {
        if t.key.starts_with("aws:") {
            let message = match owner {
                Owner::Bucket => "System tags cannot be added/updated by requester",
                Owner::Object => "Your TagKey cannot be prefixed with aws:",
            };
            return Err(invalid_tag(message).with_extra("TagKey", t.key.clone()));
        }
        let key_len = t.key.chars().count();
        if key_len == 0 || key_len > 128 || !t.key.chars().all(allowed) {
            return Err(invalid_tag("The TagKey you have provided is invalid")
                .with_extra("TagKey", t.key.clone()));
        }
        if t.value.chars().count() > 256 || !t.value.chars().all(allowed) {
            return Err(invalid_tag("The TagValue you have provided is invalid")
                .with_extra("TagKey", t.key.clone())
                .with_extra("TagValue", t.value.clone()));
        }
        if tags[..i].iter().any(|o| o.key == t.key) {
            return Err(
                invalid_tag("Cannot provide multiple Tags with the same key")
                    .with_extra("TagKey", t.key.clone()),
            );
        }
    }
    Ok(())
}

/// `<Tagging><TagSet>…</TagSet></Tagging>`.
pub(crate) fn render(tags: &[Tag]) -> String {
    let set = tags
        .iter()
        .map(|t| {
            Node::with(
                "Tag",
                vec![Node::leaf("Key", &t.key), Node::leaf("Value", &t.value)],
            )
        })
        .collect();
    tree::render(&Node::with("Tagging", vec![Node::with("TagSet", set)]))
}

#[cfg(test)]
mod tests {
    use std::fmt::Write as _;

    use super::*;

    fn body(pairs: &[(&str, &str)]) -> String {
        let mut tags = String::new();
        for (k, v) in pairs {
            let _ = write!(tags, "<Tag><Key>{k}</Key><Value>{v}</Value></Tag>");
        }
        format!("<Tagging><TagSet>{tags}</TagSet></Tagging>")
    }

    fn refusal(pairs: &[(&str, &str)], owner: Owner) -> (String, String) {
        let e = parse(body(pairs).as_bytes(), owner).unwrap_err();
        (e.code().to_owned(), e.message().to_owned())
    }

    #[test]
    fn round_trip_keeps_order_and_empty_values() {
        let tags = parse(body(&[("b", "1"), ("a", "")]).as_bytes(), Owner::Bucket).unwrap();
        assert_eq!(tags[1].value, "");
        let again = parse(render(&tags).as_bytes(), Owner::Bucket).unwrap();
        assert_eq!(again, tags);
    }

    #[test]
    fn aws_refusals() {
        let dup = refusal(&[("Key1", "a"), ("Key1", "b")], Owner::Bucket);
        assert_eq!(dup.1, "Cannot provide multiple Tags with the same key");
        assert_eq!(
            refusal(&[("Key1,Key2", "a")], Owner::Object).1,
            "The TagKey you have provided is invalid"
        );
        assert_eq!(
            refusal(&[("Key1", "Val1,Val2")], Owner::Bucket).1,
            "The TagValue you have provided is invalid"
        );
        assert_eq!(
            refusal(&[("aws:x", "a")], Owner::Bucket).1,
            "System tags cannot be added/updated by requester"
        );
        assert_eq!(
            refusal(&[("aws:x", "a")], Owner::Object).1,
            "Your TagKey cannot be prefixed with aws:"
        );
        let eleven: Vec<(String, String)> =
            (0..11).map(|i| (format!("k{i}"), String::new())).collect();
        let eleven: Vec<(&str, &str)> = eleven
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        assert_eq!(refusal(&eleven, Owner::Object).0, "InvalidTag");
        assert!(parse(body(&eleven).as_bytes(), Owner::Bucket).is_ok());
        let no_value = b"<Tagging><TagSet><Tag><Key>k</Key></Tag></TagSet></Tagging>";
        assert_eq!(
            parse(no_value, Owner::Bucket).unwrap_err().code(),
            "MalformedXML"
        );
    }
}
