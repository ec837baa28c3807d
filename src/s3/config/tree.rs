//! The bounded element tree the bucket-settings documents are read into and written from.
//!
//! Every body passes [`crate::xml::checked_text`] first (size and nesting bounds), and a
//! settings document is further capped at [`MAX_DOCUMENT_BYTES`]; anything that fails to
//! parse is `MalformedXML` (the caller may rename the code, as ACLs do). Namespaces are
//! dropped: elements and attributes are kept by local name.

use std::fmt::Write as _;

use quick_xml::Reader;
use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesStart, Event};

use crate::s3::S3Error;
use crate::xml::escape;

/// The largest settings document accepted (a lifecycle configuration of 1,000 rules fits).
pub(super) const MAX_DOCUMENT_BYTES: usize = 1 << 20;

/// One element: local name, attributes by local name, direct text, children in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Node {
    /// The element's local name.
    pub name: String,
    /// Attributes, by local name.
    pub attrs: Vec<(String, String)>,
    /// The element's own text (trimmed when read).
    pub text: String,
    /// Child elements, in document order.
    pub children: Vec<Node>,
}

impl Node {
    /// A leaf element with text.
    pub(super) fn leaf(name: &str, text: impl Into<String>) -> Self {
        Self {
            name: name.to_owned(),
            text: text.into(),
            ..Self::default()
        }
    }

    /// A container element.
    pub(super) fn with(name: &str, children: Vec<Node>) -> Self {
        Self {
            name: name.to_owned(),
            children,
            ..Self::default()
        }
    }

    /// The first child named `name`.
    pub(super) fn child(&self, name: &str) -> Option<&Node> {
        self.children.iter().find(|c| c.name == name)
    }

    /// Every child named `name`.
    pub(super) fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Node> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// The text of the first child named `name`.
    pub(super) fn text_of(&self, name: &str) -> Option<&str> {
        self.child(name).map(|c| c.text.as_str())
    }

    /// The attribute `name` (local name).
    pub(super) fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Reads `body` into a tree whose root must be `root`. `None` when the body is empty, too
/// large, not well-formed, or has another root (the caller answers `MalformedXML`).
pub(super) fn parse(body: &[u8], root: &str) -> Option<Node> {
    if body.len() > MAX_DOCUMENT_BYTES {
        return None;
    }
    let text = crate::xml::checked_text(body).ok()?;
    let mut reader = Reader::from_str(text);
    reader.config_mut().expand_empty_elements = true;
    let mut stack: Vec<Node> = Vec::new();
    let mut done: Option<Node> = None;
    loop {
        match reader.read_event().ok()? {
            Event::Start(start) => {
                if done.is_some() {
                    return None;
                }
                stack.push(element(&start)?);
            }
            Event::End(_) => {
                let mut node = stack.pop()?;
                let trimmed = node.text.trim();
                if trimmed.len() != node.text.len() {
                    let trimmed = trimmed.to_owned();
                    node.text = trimmed;
                }
                match stack.last_mut() {
                    Some(parent) => parent.children.push(node),
                    None => done = Some(node),
                }
            }
            Event::Text(t) => push_text(&mut stack, &t.xml10_content())?,
            Event::CData(t) => push_text(&mut stack, &t.xml10_content())?,
            Event::GeneralRef(r) => {
                let resolved = if r.is_char_ref() {
                    r.resolve_char_ref().ok()?.map(String::from)
                } else {
                    resolve_predefined_entity(&r.xml10_content()).map(str::to_owned)
                };
                push_text(&mut stack, &resolved?)?;
            }
            Event::DocType(_) => return None,
            Event::Decl(_) | Event::Comment(_) | Event::PI(_) | Event::Empty(_) => {}
            Event::Eof => break,
        }
    }
    done.filter(|n| stack.is_empty() && n.name == root)
}

fn element(start: &BytesStart<'_>) -> Option<Node> {
    let name = start.local_name().into_inner().to_owned();
    let mut attrs = Vec::new();
    for a in start.attributes() {
        let a = a.ok()?;
        if a.key.as_ref().starts_with("xmlns") {
            continue;
        }
        let value = a
            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .ok()?;
        attrs.push((
            a.key.local_name().into_inner().to_owned(),
            value.into_owned(),
        ));
    }
    Some(Node {
        name,
        attrs,
        ..Node::default()
    })
}

fn push_text(stack: &mut [Node], text: &str) -> Option<()> {
    match stack.last_mut() {
        Some(node) => {
            node.text.push_str(text);
            Some(())
        }
        None if text.trim().is_empty() => Some(()),
        None => None,
    }
}

/// Writes `node` as a document: the XML declaration, then the root element with the S3
/// namespace. Attributes are not written (no stored settings document needs them).
pub(super) fn render(node: &Node) -> String {
    let mut out = String::from(r#"<?xml version="1.0" encoding="UTF-8"?>"#);
    write_node(&mut out, node, Some(crate::s3::xml::S3_XMLNS));
    out
}

fn write_node(out: &mut String, node: &Node, xmlns: Option<&str>) {
    let _ = write!(out, "<{}", node.name);
    if let Some(ns) = xmlns {
        let _ = write!(out, r#" xmlns="{ns}""#);
    }
    if node.children.is_empty() && node.text.is_empty() {
        out.push_str("/>");
        return;
    }
    out.push('>');
    out.push_str(&escape(&node.text));
    for c in &node.children {
        write_node(out, c, None);
    }
    let _ = write!(out, "</{}>", node.name);
}

/// `MalformedXML` for a document that does not read or validate.
pub(super) fn malformed() -> S3Error {
    S3Error::malformed_xml()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_and_writes_a_document() {
        let body = br#"<?xml version="1.0"?><A xmlns="x"><B k="v">t &amp; u</B><C/></A>"#;
        let n = parse(body, "A").unwrap();
        assert_eq!(n.text_of("B"), Some("t & u"));
        assert_eq!(n.child("B").unwrap().attr("k"), Some("v"));
        assert_eq!(
            render(&n),
            r#"<?xml version="1.0" encoding="UTF-8"?><A xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><B>t &amp; u</B><C/></A>"#
        );
    }

    #[test]
    fn refuses_other_roots_and_bad_markup() {
        assert!(parse(b"<A/>", "B").is_none());
        assert!(parse(b"<A><B></A>", "A").is_none());
        assert!(parse(b"", "A").is_none());
        assert!(parse(b"<A/><A/>", "A").is_none());
        assert!(parse(b"<!DOCTYPE A><A/>", "A").is_none());
        let deep = format!("<A>{}{}</A>", "<B>".repeat(100), "</B>".repeat(100));
        assert!(parse(deep.as_bytes(), "A").is_none());
        assert!(parse(&vec![b' '; MAX_DOCUMENT_BYTES + 1], "A").is_none());
    }
}
