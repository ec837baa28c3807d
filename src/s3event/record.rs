//! One S3 event and its `{"Records":[…]}` JSON rendering, with the sequencer and event-time
//! formats.
//!
//! The renderer writes the record straight into a preallocated buffer in the key order AWS
//! emits (see the example in
//! <https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html>);
//! it never builds a `serde_json::Value` tree, and uses `serde_json` only to escape strings.

use std::io::Write as _;

use time::OffsetDateTime;

use super::key::encode_key_into;
use super::name::EventName;

/// The `eventVersion` of ObjectCreated / ObjectRemoved records.
pub const EVENT_VERSION: &str = "2.1";

/// The `eTag` AWS reports on `ObjectRemoved:DeleteMarkerCreated` (the MD5 of nothing).
pub const DELETE_MARKER_ETAG: &str = "d41d8cd98f00b204e9800998ecf8427e";

/// One S3 event, as the store reports an accepted write: everything a record needs except
/// the notification configuration `Id`, which differs per matching configuration.
///
/// Field presence follows AWS (reference §2), applied by [`S3Event::render`]:
/// `size` and `eTag` only on `ObjectCreated:*`; no `size`/`eTag` on `ObjectRemoved:Delete`;
/// `eTag` = [`DELETE_MARKER_ETAG`] and no `size` on `ObjectRemoved:DeleteMarkerCreated`;
/// `versionId` only when `version_id` is `Some` (and not the literal `"null"` version of an
/// unversioned or versioning-suspended write).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct S3Event {
    /// The event that happened.
    pub name: EventName,
    /// The bucket's Region (`awsRegion`).
    pub region: String,
    /// When S3 finished the request (`eventTime`, rendered in UTC with milliseconds).
    pub time: OffsetDateTime,
    /// The requester's principal id (`userIdentity.principalId`).
    pub requester: String,
    /// The client IP (`requestParameters.sourceIPAddress`).
    pub source_ip: String,
    /// The `x-amz-request-id` returned to the request that caused the event.
    pub request_id: String,
    /// The `x-amz-id-2` returned to the request that caused the event.
    pub host_id: String,
    /// The bucket name.
    pub bucket: String,
    /// The bucket owner's canonical/customer id (`s3.bucket.ownerIdentity.principalId`).
    pub bucket_owner: String,
    /// The object key, raw (the renderer URL-encodes it).
    pub key: String,
    /// Object size in bytes (rendered on `ObjectCreated:*` only).
    pub size: u64,
    /// Object ETag; surrounding quotes, if any, are dropped when rendered.
    pub etag: String,
    /// The version id, when the bucket is versioned.
    pub version_id: Option<String>,
    /// Per-key increasing sequence number, rendered with [`sequencer`].
    pub sequencer: u64,
}

impl S3Event {
    /// Renders `{"Records":[record]}` for the notification configuration `configuration_id`.
    pub fn render(&self, configuration_id: &str) -> Vec<u8> {
        let mut out = Vec::with_capacity(
            640 + self.region.len()
                + self.requester.len()
                + self.source_ip.len()
                + self.request_id.len()
                + self.host_id.len()
                + configuration_id.len()
                + 2 * self.bucket.len()
                + self.bucket_owner.len()
                + self.key.len() * 3
                + self.etag.len()
                + self.version_id.as_ref().map_or(0, String::len),
        );
        self.render_into(configuration_id, &mut out);
        out
    }

    /// Appends `{"Records":[record]}` to `out` (see [`S3Event::render`]).
    pub fn render_into(&self, configuration_id: &str, out: &mut Vec<u8>) {
        out.extend_from_slice(b"{\"Records\":[{\"eventVersion\":\"");
        out.extend_from_slice(EVENT_VERSION.as_bytes());
        out.extend_from_slice(b"\",\"eventSource\":\"aws:s3\",\"awsRegion\":");
        json_str(out, &self.region);
        out.extend_from_slice(b",\"eventTime\":\"");
        write_event_time(out, self.time);
        out.extend_from_slice(b"\",\"eventName\":\"");
        out.extend_from_slice(self.name.as_str().as_bytes());
        out.extend_from_slice(b"\",\"userIdentity\":{\"principalId\":");
        json_str(out, &self.requester);
        out.extend_from_slice(b"},\"requestParameters\":{\"sourceIPAddress\":");
        json_str(out, &self.source_ip);
        out.extend_from_slice(b"},\"responseElements\":{\"x-amz-request-id\":");
        json_str(out, &self.request_id);
        out.extend_from_slice(b",\"x-amz-id-2\":");
        json_str(out, &self.host_id);
        out.extend_from_slice(b"},\"s3\":{\"s3SchemaVersion\":\"1.0\",\"configurationId\":");
        json_str(out, configuration_id);
        out.extend_from_slice(b",\"bucket\":{\"name\":");
        json_str(out, &self.bucket);
        out.extend_from_slice(b",\"ownerIdentity\":{\"principalId\":");
        json_str(out, &self.bucket_owner);
        out.extend_from_slice(b"},\"arn\":");
        // `arn:aws:s3:::` needs no escaping; the bucket name is escaped without its quotes.
        out.extend_from_slice(b"\"arn:aws:s3:::");
        let start = out.len();
        json_str(out, &self.bucket);
        out.remove(start);
        out.extend_from_slice(b"},\"object\":{\"key\":\"");
        // The encoded key holds only unreserved ASCII and `%XX`/`+`: no JSON escaping needed.
        encode_key_into(out, &self.key);
        out.push(b'"');
        match self.name {
            EventName::ObjectRemovedDelete => {}
            EventName::ObjectRemovedDeleteMarkerCreated => {
                out.extend_from_slice(b",\"eTag\":\"");
                out.extend_from_slice(DELETE_MARKER_ETAG.as_bytes());
                out.push(b'"');
            }
            _ => {
                out.extend_from_slice(b",\"size\":");
                let _ = write!(out, "{}", self.size);
                out.extend_from_slice(b",\"eTag\":");
                json_str(out, self.etag.trim_matches('"'));
            }
        }
        if let Some(version) = self.version_id.as_deref().filter(|v| *v != "null") {
            out.extend_from_slice(b",\"versionId\":");
            json_str(out, version);
        }
        out.extend_from_slice(b",\"sequencer\":\"");
        let _ = write!(out, "{:018X}", self.sequencer);
        out.extend_from_slice(b"\"}}}]}");
    }
}

/// Formats a sequencer: 18 upper-case hex digits, zero padded (`0055AED6DCD90281E5`), so
/// that for one key a later event compares greater, as AWS documents.
pub fn sequencer(value: u64) -> String {
    format!("{value:018X}")
}

/// Writes `time` in UTC as `1970-01-01T00:00:00.000Z`.
fn write_event_time(out: &mut Vec<u8>, time: OffsetDateTime) {
    let utc = time.to_offset(time::UtcOffset::UTC);
    // Writing to a Vec cannot fail.
    let _ = write!(
        out,
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        utc.year(),
        u8::from(utc.month()),
        utc.day(),
        utc.hour(),
        utc.minute(),
        utc.second(),
        utc.millisecond()
    );
}

/// Formats an event time as records show it (`1970-01-01T00:00:00.000Z`).
pub fn format_event_time(time: OffsetDateTime) -> String {
    let mut out = Vec::with_capacity(24);
    write_event_time(&mut out, time);
    String::from_utf8(out).unwrap_or_default()
}

/// Appends `s` as a JSON string literal (quoted and escaped by serde_json).
fn json_str(out: &mut Vec<u8>, s: &str) {
    // Serializing a `&str` into a `Vec<u8>` cannot fail; keep the output valid JSON anyway.
    if serde_json::to_writer(&mut *out, s).is_err() {
        out.extend_from_slice(b"\"\"");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> S3Event {
        S3Event {
            name: EventName::ObjectCreatedPut,
            region: "us-west-2".into(),
            time: OffsetDateTime::UNIX_EPOCH,
            requester: "AIDAJDPLRKLG7UEXAMPLE".into(),
            source_ip: "127.0.0.1".into(),
            request_id: "C3D13FE58DE4C810".into(),
            host_id: "FMyUVURIY8/IgAtTv8xRjskZQpcIZ9KG4V5Wp6S7S/JRWeUWerMUE5JgHvANOjpD".into(),
            bucket: "mybucket".into(),
            bucket_owner: "A3NL1KOZZKExample".into(),
            key: "HappyFace.jpg".into(),
            size: 1024,
            etag: "\"d41d8cd98f00b204e9800998ecf8427e\"".into(),
            version_id: None,
            sequencer: 0x55AE_D6DC_D902_81E5,
        }
    }

    fn with(name: EventName, version: Option<&str>) -> S3Event {
        S3Event {
            name,
            version_id: version.map(str::to_owned),
            ..base()
        }
    }

    /// Removes whitespace outside JSON strings, so a pretty fixture compares to compact output.
    fn compact(text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut in_str = false;
        let mut escaped = false;
        for c in text.chars() {
            if in_str {
                out.push(c);
                if escaped {
                    escaped = false;
                } else if c == '\\' {
                    escaped = true;
                } else if c == '"' {
                    in_str = false;
                }
            } else if c == '"' {
                in_str = true;
                out.push(c);
            } else if !c.is_whitespace() {
                out.push(c);
            }
        }
        out
    }

    fn fixture(name: &str) -> String {
        let path = format!("{}/fixtures/events/{name}", env!("CARGO_MANIFEST_DIR"));
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    /// Compares rendered output to a fixture: exact text (so exact key order), then field by
    /// field through serde_json (so a failure names the field).
    fn check(event: &S3Event, fixture_name: &str) {
        let rendered = event.render("testConfigRule");
        let rendered = String::from_utf8(rendered).expect("utf-8");
        let expected = fixture(fixture_name);
        let got: serde_json::Value = serde_json::from_str(&rendered).expect("valid JSON");
        let want: serde_json::Value = serde_json::from_str(&expected).expect("fixture JSON");
        let got_rec = &got["Records"][0];
        let want_rec = &want["Records"][0];
        for path in [
            "/eventVersion",
            "/eventSource",
            "/awsRegion",
            "/eventTime",
            "/eventName",
            "/userIdentity",
            "/requestParameters",
            "/responseElements",
            "/s3/s3SchemaVersion",
            "/s3/configurationId",
            "/s3/bucket",
            "/s3/object/key",
            "/s3/object/size",
            "/s3/object/eTag",
            "/s3/object/versionId",
            "/s3/object/sequencer",
        ] {
            assert_eq!(
                got_rec.pointer(path),
                want_rec.pointer(path),
                "{fixture_name}: field {path}"
            );
        }
        assert_eq!(got, want, "{fixture_name}: whole record");
        assert_eq!(
            rendered,
            compact(&expected),
            "{fixture_name}: text and key order"
        );
    }

    #[test]
    fn aws_doc_example_versioned_put() {
        check(
            &with(
                EventName::ObjectCreatedPut,
                Some("096fKKXTRTtl3on89fVO.nfljtsv6qko"),
            ),
            "object-created-put-versioned.json",
        );
    }

    #[test]
    fn each_event_name_matches_its_fixture() {
        check(&base(), "object-created-put.json");
        check(
            &with(EventName::ObjectCreatedPost, None),
            "object-created-post.json",
        );
        check(
            &with(EventName::ObjectCreatedCopy, None),
            "object-created-copy.json",
        );
        check(
            &with(EventName::ObjectCreatedCompleteMultipartUpload, None),
            "object-created-complete-multipart-upload.json",
        );
        check(
            &with(EventName::ObjectRemovedDelete, None),
            "object-removed-delete.json",
        );
        check(
            &with(
                EventName::ObjectRemovedDeleteMarkerCreated,
                Some("3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY"),
            ),
            "object-removed-delete-marker-created.json",
        );
    }

    #[test]
    fn null_version_is_not_rendered() {
        let out = String::from_utf8(with(EventName::ObjectCreatedPut, Some("null")).render("c"))
            .expect("utf-8");
        assert!(!out.contains("versionId"), "{out}");
    }

    #[test]
    fn strings_are_json_escaped() {
        let event = S3Event {
            requester: "a\"b\\c\n".into(),
            key: "q\"uote".into(),
            ..base()
        };
        let out = event.render("id \"x\"");
        let v: serde_json::Value = serde_json::from_slice(&out).expect("valid JSON");
        assert_eq!(v["Records"][0]["userIdentity"]["principalId"], "a\"b\\c\n");
        assert_eq!(v["Records"][0]["s3"]["configurationId"], "id \"x\"");
        assert_eq!(v["Records"][0]["s3"]["object"]["key"], "q%22uote");
    }

    #[test]
    fn event_time_is_utc_with_milliseconds() {
        let t = time::macros::datetime!(2025-03-04 05:06:07.089 +02:00);
        assert_eq!(format_event_time(t), "2025-03-04T03:06:07.089Z");
        assert_eq!(
            format_event_time(OffsetDateTime::UNIX_EPOCH),
            "1970-01-01T00:00:00.000Z"
        );
    }

    #[test]
    fn sequencer_is_18_upper_hex_digits_and_orders() {
        assert_eq!(sequencer(0x55AE_D6DC_D902_81E5), "0055AED6DCD90281E5");
        assert_eq!(sequencer(0), "000000000000000000");
        assert_eq!(sequencer(1).len(), 18);
        assert!(sequencer(0xff) < sequencer(0x100));
        assert!(sequencer(9) < sequencer(10));
        assert_eq!(sequencer(u64::MAX), "00FFFFFFFFFFFFFFFF");
    }
}
