//! Opaque paging tokens of the read operations: hex-encoded names for the listings, event
//! positions (`(timestamp, sequence)` as 40 digits) for `GetLogEvents` and `FilterLogEvents`.

use super::store::EventKey;
use super::wire::{LogsError, invalid};

/// Hex-encodes a string token (names may hold any character).
pub(super) fn hex_token(text: &str) -> String {
    use std::fmt::Write;
    text.bytes()
        .fold(String::with_capacity(text.len() * 2), |mut out, b| {
            let _ = write!(out, "{b:02x}");
            out
        })
}

pub(super) fn unhex_token(token: &str) -> Result<String, LogsError> {
    let bad = || invalid("The specified nextToken is invalid.");
    if !token.len().is_multiple_of(2) || !token.is_ascii() {
        return Err(bad());
    }
    let bytes = (0..token.len())
        .step_by(2)
        .map(|i| {
            token
                .get(i..i + 2)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or_else(bad)
        })
        .collect::<Result<Vec<u8>, _>>()?;
    String::from_utf8(bytes).map_err(|_| bad())
}

/// An event position as 40 digits: the timestamp offset to be non-negative, then the sequence.
pub(super) fn key_digits(key: EventKey) -> String {
    let biased = (i128::from(key.timestamp_ms) - i128::from(i64::MIN)) as u64;
    format!("{biased:020}{:020}", key.seq)
}

pub(super) fn parse_key_digits(digits: &str) -> Option<EventKey> {
    if digits.len() != 40 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let biased: u64 = digits.get(..20)?.parse().ok()?;
    let seq: u64 = digits.get(20..)?.parse().ok()?;
    let timestamp_ms = i64::try_from(i128::from(biased) + i128::from(i64::MIN)).ok()?;
    Some(EventKey { timestamp_ms, seq })
}

pub(super) const KEY_MIN: EventKey = EventKey {
    timestamp_ms: i64::MIN,
    seq: 0,
};
pub(super) const KEY_MAX: EventKey = EventKey {
    timestamp_ms: i64::MAX,
    seq: u64::MAX,
};

pub(super) fn key_succ(key: EventKey) -> EventKey {
    match key.seq.checked_add(1) {
        Some(seq) => EventKey { seq, ..key },
        None => EventKey {
            timestamp_ms: key.timestamp_ms.saturating_add(1),
            seq: 0,
        },
    }
}

pub(super) fn key_pred(key: EventKey) -> EventKey {
    match key.seq.checked_sub(1) {
        Some(seq) => EventKey { seq, ..key },
        None if key.timestamp_ms == i64::MIN => KEY_MIN,
        None => EventKey {
            timestamp_ms: key.timestamp_ms - 1,
            seq: u64::MAX,
        },
    }
}

/// A `GetLogEvents` token: `f/{key}/s` reads events after `key`, `b/{key}/s` events before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Direction {
    Forward,
    Backward,
}

pub(super) fn stream_token(direction: Direction, key: EventKey) -> String {
    let d = match direction {
        Direction::Forward => 'f',
        Direction::Backward => 'b',
    };
    format!("{d}/{}/s", key_digits(key))
}

pub(super) fn parse_stream_token(token: &str) -> Result<(Direction, EventKey), LogsError> {
    let bad = || invalid("The specified nextToken is invalid.");
    let (direction, rest) = if let Some(rest) = token.strip_prefix("f/") {
        (Direction::Forward, rest)
    } else if let Some(rest) = token.strip_prefix("b/") {
        (Direction::Backward, rest)
    } else {
        return Err(bad());
    };
    let digits = rest.strip_suffix("/s").ok_or_else(bad)?;
    Ok((direction, parse_key_digits(digits).ok_or_else(bad)?))
}
