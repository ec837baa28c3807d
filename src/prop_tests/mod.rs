//! Property tests of every parser a request reaches: arbitrary bytes and near-valid inputs
//! (one field mutated, random nesting, random frame sizes) must give `Ok` or a typed error,
//! never a panic, and in bounded time (inputs are size-bounded so each case is fast).
//!
//! Each property runs `PROPTEST_CASES` cases (default 32: the whole set takes seconds). Run
//! them long with `PROPTEST_CASES=100000 cargo test --release --lib prop_tests`.

use proptest::test_runner::Config;

mod arn;
mod auth;
mod lambda_json;
mod logs_json;
mod package;
mod policy;
mod post;
mod s3_xml;

/// The configuration of every property here: `PROPTEST_CASES` cases (default 32), and no
/// failure files written into the source tree (a failure becomes a unit test instead).
pub(crate) fn config() -> Config {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(32);
    Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    }
}

/// `base` with `insert` put in place of the characters `at..at + len` (positions taken
/// modulo the length, on character boundaries).
pub(crate) fn splice(base: &str, at: usize, len: usize, insert: &str) -> String {
    let chars: Vec<char> = base.chars().collect();
    let start = at % (chars.len() + 1);
    let end = (start + len).min(chars.len());
    let mut out: String = chars[..start].iter().collect();
    out.push_str(insert);
    out.extend(&chars[end..]);
    out
}

/// `bytes` with the byte at each `(position, value)` overwritten (positions modulo length).
pub(crate) fn overwrite(mut bytes: Vec<u8>, edits: &[(usize, u8)]) -> Vec<u8> {
    if !bytes.is_empty() {
        for (at, value) in edits {
            let i = at % bytes.len();
            bytes[i] = *value;
        }
    }
    bytes
}
