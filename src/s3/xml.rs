//! XML and date helpers shared by the S3 operations: serde rendering with the S3 namespace,
//! parsing request bodies and S3 date formats. (`encoding-type=url` keys use the event
//! record's encoder, [`crate::s3event::encode_key`].)

use bytes::Bytes;
use http::{Response, StatusCode, header};
use serde::Serialize;
use serde::de::DeserializeOwned;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::error::S3Error;
use super::store::Owner;

/// The S3 XML namespace.
pub const S3_XMLNS: &str = "http://s3.amazonaws.com/doc/2006-03-01/";

const XML_DECL: &str = r#"<?xml version="1.0" encoding="UTF-8"?>"#;

/// `<Owner><ID/><DisplayName/></Owner>` as version and multipart listings show it.
#[derive(Serialize)]
pub(super) struct OwnerXml {
    #[serde(rename = "ID")]
    id: String,
    #[serde(rename = "DisplayName")]
    display_name: String,
}

impl From<&Owner> for OwnerXml {
    fn from(o: &Owner) -> Self {
        Self {
            id: o.canonical_id.clone(),
            display_name: o.display_name.clone(),
        }
    }
}

/// Serializes `value` as the root element `root`, prefixed by the XML declaration.
pub fn render<T: Serialize>(root: &str, value: &T) -> Result<String, S3Error> {
    let body = quick_xml::se::to_string_with_root(root, value)
        .map_err(|e| S3Error::internal(format!("XML serialization failed: {e}")))?;
    let mut out = String::with_capacity(XML_DECL.len() + body.len());
    out.push_str(XML_DECL);
    out.push_str(&body);
    Ok(out)
}

/// A 200 response carrying `value` as XML under `root`.
pub fn xml_response<T: Serialize>(root: &str, value: &T) -> Result<Response<Bytes>, S3Error> {
    let body = render(root, value)?;
    Response::builder()
        .status(StatusCode::OK)
        .header(header::CONTENT_TYPE, "application/xml")
        .body(Bytes::from(body))
        .map_err(|e| S3Error::internal(e.to_string()))
}

/// Parses an XML request body; anything unparseable is `MalformedXML`, and so is a body
/// too large or nested too deep for the recursive deserializer ([`crate::xml::checked_text`]).
pub fn parse<T: DeserializeOwned>(body: &[u8]) -> Result<T, S3Error> {
    let text = crate::xml::checked_text(body).map_err(|e| {
        tracing::debug!(error = %e, "XML body refused before parsing");
        S3Error::malformed_xml()
    })?;
    quick_xml::de::from_str(text).map_err(|e| {
        tracing::debug!(error = %e, "malformed XML body");
        S3Error::malformed_xml()
    })
}

/// ISO-8601 with milliseconds as S3 writes it in XML: `2009-10-12T17:50:30.000Z`.
pub fn iso8601(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        t.millisecond()
    )
}

/// RFC 7231 date as S3 writes it in `Last-Modified`: `Wed, 12 Oct 2009 17:50:00 GMT`.
pub fn http_date(t: OffsetDateTime) -> String {
    httpdate::fmt_http_date(std::time::SystemTime::from(t))
}

/// Parses an HTTP date (RFC 7231, RFC 850 or asctime) or an ISO-8601 timestamp.
pub fn parse_http_date(s: &str) -> Option<OffsetDateTime> {
    if let Ok(t) = httpdate::parse_http_date(s.trim()) {
        return Some(OffsetDateTime::from(t));
    }
    OffsetDateTime::parse(s.trim(), &Rfc3339).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn dates_format_as_s3() {
        let t = datetime!(2009-10-12 17:50:30.123 UTC);
        assert_eq!(iso8601(t), "2009-10-12T17:50:30.123Z");
        assert_eq!(http_date(t), "Mon, 12 Oct 2009 17:50:30 GMT");
        assert_eq!(
            parse_http_date("Mon, 12 Oct 2009 17:50:30 GMT"),
            Some(datetime!(2009-10-12 17:50:30 UTC))
        );
        assert_eq!(parse_http_date("yesterday"), None);
    }

    #[test]
    fn parse_rejects_garbage() {
        #[derive(Debug, serde::Deserialize)]
        struct Y {}
        #[derive(serde::Deserialize)]
        struct X {
            #[serde(rename = "A")]
            _a: String,
        }
        assert_eq!(
            parse::<X>(b"<X><A>").err().map(|e| e.code().to_owned()),
            Some("MalformedXML".to_owned())
        );
        let deep = format!("<Y>{}{}</Y>", "<Z>".repeat(40_000), "</Z>".repeat(40_000));
        assert_eq!(
            parse::<Y>(deep.as_bytes())
                .err()
                .map(|e| e.code().to_owned()),
            Some("MalformedXML".to_owned())
        );
    }
}
