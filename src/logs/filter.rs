//! CloudWatch Logs filter patterns, the term-based subset s3lambda supports.

use super::wire::{LogsError, invalid};

/// A term-based filter pattern: every plain term must appear (case-sensitive), at least one
/// `?term` must appear when any are given, and no `-term` may appear. A double-quoted phrase
/// is one term. JSON (`{ ... }`) and space-delimited (`[ ... ]`) patterns are not supported.
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct FilterPattern {
    pub(super) all: Vec<String>,
    pub(super) any: Vec<String>,
    pub(super) none: Vec<String>,
}

impl FilterPattern {
    pub(super) fn parse(pattern: &str) -> Result<Self, LogsError> {
        let trimmed = pattern.trim();
        if trimmed.starts_with('{') || trimmed.starts_with('[') || trimmed.starts_with('%') {
            return Err(invalid(
                "Invalid filter pattern: s3lambda supports term and quoted-phrase patterns only, not JSON, space-delimited or regex patterns.",
            ));
        }
        let mut out = Self::default();
        let mut chars = trimmed.chars().peekable();
        loop {
            while chars.next_if(|c| c.is_whitespace()).is_some() {}
            let Some(&first) = chars.peek() else { break };
            let bucket = match first {
                '?' => {
                    chars.next();
                    &mut out.any
                }
                '-' => {
                    chars.next();
                    &mut out.none
                }
                _ => &mut out.all,
            };
            let mut term = String::new();
            if chars.next_if_eq(&'"').is_some() {
                let mut closed = false;
                while let Some(c) = chars.next() {
                    match c {
                        '"' => {
                            closed = true;
                            break;
                        }
                        '\\' => {
                            if let Some(escaped) = chars.next() {
                                term.push(escaped);
                            }
                        }
                        c => term.push(c),
                    }
                }
                if !closed {
                    return Err(invalid(
                        "Invalid filter pattern: unterminated quoted phrase.",
                    ));
                }
            } else {
                while let Some(c) = chars.next_if(|c| !c.is_whitespace()) {
                    term.push(c);
                }
            }
            if !term.is_empty() {
                bucket.push(term);
            }
        }
        Ok(out)
    }

    pub(super) fn matches(&self, message: &str) -> bool {
        self.all.iter().all(|t| message.contains(t.as_str()))
            && (self.any.is_empty() || self.any.iter().any(|t| message.contains(t.as_str())))
            && !self.none.iter().any(|t| message.contains(t.as_str()))
    }
}
