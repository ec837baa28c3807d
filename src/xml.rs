//! The shape check every XML request body passes before it is parsed: a size bound and an
//! element-nesting bound, checked by a flat pull-parser scan that neither recurses nor builds
//! a tree.
//!
//! The S3 readers (quick-xml's serde deserializer, the notification configuration's tree
//! reader) recurse once per nested element, and a tree of nested elements is dropped
//! recursively: a request nesting tens of thousands of elements would overflow the worker's
//! stack and abort the process. No document of the S3 API nests deeper than a handful of
//! levels (`NotificationConfiguration/CloudFunctionConfiguration/Filter/S3Key/FilterRule/Name`
//! is six), so a document deeper than [`MAX_DEPTH`] is refused before any recursive reader
//! sees it. S3 answers such a body with `MalformedXML`; the callers map [`ShapeError`] to it.
//!
//! Also the one text escaper ([`escape`]) every XML writer of the crate uses.

use quick_xml::Reader;
use quick_xml::events::Event;

/// Escapes text for an XML element or attribute.
pub fn escape(s: &str) -> std::borrow::Cow<'_, str> {
    quick_xml::escape::escape(s)
}

/// The deepest element nesting accepted (the root element is depth 1).
pub const MAX_DEPTH: usize = 32;

/// The largest XML request body accepted, in bytes. The largest documents of the S3 API
/// (CompleteMultipartUpload with 10,000 parts, DeleteObjects with 1,000 keys of up to
/// 1,024 bytes) stay well below it.
pub const MAX_BYTES: usize = 16 << 20;

/// Why a body failed the shape check.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShapeError {
    /// The body is larger than [`MAX_BYTES`].
    #[error("XML body of {0} bytes is larger than {MAX_BYTES}")]
    TooLarge(usize),
    /// The body is not UTF-8.
    #[error("XML body is not UTF-8")]
    NotUtf8,
    /// Elements nest deeper than [`MAX_DEPTH`].
    #[error("XML elements nest deeper than {MAX_DEPTH}")]
    TooDeep,
    /// The pull parser refused the document (unbalanced or malformed markup).
    #[error("XML is not well-formed: {0}")]
    NotWellFormed(String),
}

/// Checks `body`'s size, encoding and nesting depth, and returns it as text for the parser.
///
/// The scan is iterative and allocates only the reader's stack of open element names, which
/// the size bound limits; well-formedness beyond balanced elements is left to the parser.
pub fn checked_text(body: &[u8]) -> Result<&str, ShapeError> {
    if body.len() > MAX_BYTES {
        return Err(ShapeError::TooLarge(body.len()));
    }
    let text = std::str::from_utf8(body).map_err(|_| ShapeError::NotUtf8)?;
    let mut reader = Reader::from_str(text);
    let mut depth = 0usize;
    loop {
        match reader.read_event() {
            Ok(Event::Start(_)) => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Err(ShapeError::TooDeep);
                }
            }
            Ok(Event::End(_)) => depth = depth.saturating_sub(1),
            Ok(Event::Eof) => return Ok(text),
            Ok(_) => {}
            Err(e) => return Err(ShapeError::NotWellFormed(e.to_string())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nested(depth: usize) -> String {
        format!("{}x{}", "<a>".repeat(depth), "</a>".repeat(depth))
    }

    #[test]
    fn accepts_documents_up_to_the_depth_bound() {
        let doc = nested(MAX_DEPTH);
        assert_eq!(checked_text(doc.as_bytes()), Ok(doc.as_str()));
        assert_eq!(
            checked_text(b"<a/><!-- --><?pi?>"),
            Ok("<a/><!-- --><?pi?>")
        );
        assert_eq!(checked_text(b""), Ok(""));
    }

    #[test]
    fn refuses_deep_large_or_unbalanced_documents() {
        assert_eq!(
            checked_text(nested(MAX_DEPTH + 1).as_bytes()),
            Err(ShapeError::TooDeep)
        );
        // Unclosed elements count too: the parser would recurse into them before failing.
        assert_eq!(
            checked_text("<a>".repeat(40_000).as_bytes()),
            Err(ShapeError::TooDeep)
        );
        assert_eq!(
            checked_text(nested(40_000).as_bytes()),
            Err(ShapeError::TooDeep)
        );
        assert!(matches!(
            checked_text(&vec![b' '; MAX_BYTES + 1]),
            Err(ShapeError::TooLarge(_))
        ));
        assert_eq!(checked_text(b"<a>\xff</a>"), Err(ShapeError::NotUtf8));
        assert!(matches!(
            checked_text(b"<a></b>"),
            Err(ShapeError::NotWellFormed(_))
        ));
    }
}
