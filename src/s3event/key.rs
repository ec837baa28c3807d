//! The one object-key encoder: the form of `s3.object.key` in event records, the form
//! notification filters match, and S3's `encoding-type=url` listings.
//!
//! Every caller goes through [`encode_key_into`]; the output it writes to (text or bytes) is
//! its one parameter, a [`KeySink`].

use std::borrow::Cow;
use std::fmt;

/// Characters kept literal by [`encode_key`], besides ASCII letters and digits.
///
/// The set is Java's `URLEncoder` (form encoding: `.`, `-`, `_`, `*` safe, space → `+`)
/// plus `/`, which AWS keeps literal in records today. AWS does not document the exact set;
/// `a@b` → `a%40b`, `/` kept, space → `+`, `+` → `%2B` are observed; `*` safe and `~`, `=`,
/// `(`, `)` encoded are this simulator's choice (unverified against AWS). The same set is
/// what S3 keeps in an `encoding-type=url` listing (form encoding, `/` kept).
pub const KEY_SAFE_CHARS: &str = ".-_*/";

/// Which bytes stay literal: ASCII letters, digits and [`KEY_SAFE_CHARS`].
const SAFE: [bool; 256] = safe_table();

const fn safe_table() -> [bool; 256] {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = (b as u8).is_ascii_alphanumeric();
        b += 1;
    }
    let extra = KEY_SAFE_CHARS.as_bytes();
    let mut i = 0;
    while i < extra.len() {
        table[extra[i] as usize] = true;
        i += 1;
    }
    table
}

/// `%00%01…%FF`: the escape of byte `b` is the three characters at `3 * b`.
const PERCENT: &str = match std::str::from_utf8(&PERCENT_BYTES) {
    Ok(s) => s,
    Err(_) => panic!("percent escapes are ASCII"),
};
const PERCENT_BYTES: [u8; 768] = percent_table();

const fn percent_table() -> [u8; 768] {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut table = [0; 768];
    let mut b = 0;
    while b < 256 {
        table[3 * b] = b'%';
        table[3 * b + 1] = HEX[b >> 4];
        table[3 * b + 2] = HEX[b & 0x0f];
        b += 1;
    }
    table
}

fn is_key_safe(b: u8) -> bool {
    SAFE[usize::from(b)]
}

/// Where [`encode_key_into`] writes: a `String` or a byte buffer (the record renderer's).
pub trait KeySink {
    /// Appends a piece of encoded text.
    fn push_encoded(&mut self, piece: &str);
}

impl KeySink for String {
    fn push_encoded(&mut self, piece: &str) {
        self.push_str(piece);
    }
}

impl KeySink for Vec<u8> {
    fn push_encoded(&mut self, piece: &str) {
        self.extend_from_slice(piece.as_bytes());
    }
}

/// Form-URL-encodes an object key into `out`: space → `+`, [`KEY_SAFE_CHARS`] and ASCII
/// alphanumerics kept, every other byte of the UTF-8 form as upper-case `%XX`. Runs of kept
/// characters are copied whole.
pub fn encode_key_into(out: &mut impl KeySink, key: &str) {
    let mut run_start = 0;
    for (i, &b) in key.as_bytes().iter().enumerate() {
        if is_key_safe(b) {
            continue;
        }
        // The run holds only ASCII bytes, so both ends are character boundaries.
        if let Some(run) = key.get(run_start..i).filter(|r| !r.is_empty()) {
            out.push_encoded(run);
        }
        let escape = if b == b' ' {
            "+"
        } else {
            let at = 3 * usize::from(b);
            PERCENT.get(at..at + 3).unwrap_or_default()
        };
        out.push_encoded(escape);
        run_start = i + 1;
    }
    if let Some(run) = key.get(run_start..).filter(|r| !r.is_empty()) {
        out.push_encoded(run);
    }
}

/// The encoded form of `key` (see [`encode_key_into`]).
pub fn encode_key(key: &str) -> String {
    let mut out = String::with_capacity(key.len() + 8);
    encode_key_into(&mut out, key);
    out
}

/// An object key in its URL-encoded form (see [`encode_key_into`]), borrowed when the raw key
/// needs no encoding. Notification filters match against this form; encode once per event.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct EncodedKey<'a>(Cow<'a, str>);

impl<'a> EncodedKey<'a> {
    /// Encodes `raw`; allocates only when some byte needs encoding.
    pub fn new(raw: &'a str) -> Self {
        if raw.bytes().all(is_key_safe) {
            Self(Cow::Borrowed(raw))
        } else {
            Self(Cow::Owned(encode_key(raw)))
        }
    }

    /// The encoded text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for EncodedKey<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoded_key_borrows_when_nothing_to_encode() {
        assert!(matches!(EncodedKey::new("a/b.jpg").0, Cow::Borrowed(_)));
        assert!(matches!(EncodedKey::new("a b").0, Cow::Owned(_)));
    }

    /// Safe set chosen: ASCII letters, digits and `.-_*/` (Java URLEncoder plus `/`).
    #[test]
    fn key_encoding_table() {
        for (raw, encoded) in [
            ("HappyFace.jpg", "HappyFace.jpg"),
            ("red flower.jpg", "red+flower.jpg"),
            ("this im + age blah.txt", "this+im+%2B+age+blah.txt"),
            ("a@b", "a%40b"),
            (
                "testupload/dir1/testfile.txt",
                "testupload/dir1/testfile.txt",
            ),
            ("k=v", "k%3Dv"),
            ("~home", "%7Ehome"),
            ("star*", "star*"),
            ("(1)", "%281%29"),
            ("a-b_c.d", "a-b_c.d"),
            ("é", "%C3%A9"),
            ("日本", "%E6%97%A5%E6%9C%AC"),
            ("%41", "%2541"),
            ("a:b,c;d&e?f#g", "a%3Ab%2Cc%3Bd%26e%3Ff%23g"),
            ("", ""),
        ] {
            assert_eq!(encode_key(raw), encoded, "key {raw:?}");
            assert_eq!(EncodedKey::new(raw).as_str(), encoded, "key {raw:?}");
            let mut bytes = Vec::new();
            encode_key_into(&mut bytes, raw);
            assert_eq!(bytes, encoded.as_bytes(), "key {raw:?}");
        }
    }

    /// The `encoding-type=url` form of listings is this same encoding.
    #[test]
    fn url_encoding_matches_s3() {
        assert_eq!(encode_key("a b.txt"), "a+b.txt");
        assert_eq!(encode_key("a+b.txt"), "a%2Bb.txt");
        assert_eq!(encode_key("100%.csv"), "100%25.csv");
        assert_eq!(encode_key("한/x.txt"), "%ED%95%9C/x.txt");
    }

    /// Every byte encodes as the form encoder with `/` kept would (the listing rule).
    #[test]
    fn agrees_with_form_encoding_for_every_byte() {
        for b in 0..=255u8 {
            let s = [b];
            let Ok(key) = std::str::from_utf8(&s) else {
                continue;
            };
            let form = form_urlencoded::byte_serialize(key.as_bytes())
                .collect::<String>()
                .replace("%2F", "/");
            assert_eq!(encode_key(key), form, "byte {b:#04x}");
        }
        let key = "é日本 a/b";
        let form = form_urlencoded::byte_serialize(key.as_bytes())
            .collect::<String>()
            .replace("%2F", "/");
        assert_eq!(encode_key(key), form);
    }
}
