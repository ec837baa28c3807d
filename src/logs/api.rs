//! The CloudWatch Logs read API over awsJson1.1: `POST /` with
//! `X-Amz-Target: Logs_20140328.{Operation}`, JSON in and out, and the one wire rendering
//! of [`LogsError`].
//!
//! Operations: `DescribeLogGroups`, `DescribeLogStreams`, `GetLogEvents`, `FilterLogEvents`.
//! Shapes, field names and defaults follow the service model (`logs/2014-03-28`).
//! Timestamps are epoch milliseconds as JSON numbers.
//!
//! <https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_Operations.html>

use bytes::Bytes;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::store::{EventKey, LogEvent, LogStore, StreamInfo};

use crate::validation::{Offending, validation_message};

/// The `X-Amz-Target` prefix of every CloudWatch Logs operation.
pub const TARGET_PREFIX: &str = "Logs_20140328.";
/// The content type of awsJson1.1 requests and responses.
pub const CONTENT_TYPE: &str = "application/x-amz-json-1.1";

/// The most a response of `GetLogEvents` or `FilterLogEvents` carries: 1 MB, counting each
/// event as its message's UTF-8 bytes plus 26 bytes (as CloudWatch Logs does).
const MAX_RESPONSE_BYTES: usize = 1_048_576;
const EVENT_OVERHEAD_BYTES: usize = 26;

/// Whether an `X-Amz-Target` header value names a CloudWatch Logs operation.
pub fn is_logs_target(target: &str) -> bool {
    target.starts_with(TARGET_PREFIX)
}

/// One CloudWatch Logs request, as the edge hands it over (authentication already done).
#[derive(Debug, Clone)]
pub struct LogsRequest {
    /// The `X-Amz-Target` header value, e.g. `Logs_20140328.GetLogEvents`.
    pub target: String,
    /// The JSON request body.
    pub body: Bytes,
    /// The caller's account id.
    pub account_id: String,
    /// The region from the credential scope.
    pub region: String,
    /// The request id, echoed in `x-amzn-RequestId`.
    pub request_id: String,
}

/// A CloudWatch Logs error, rendered on the wire by [`LogsError::to_response`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LogsError {
    /// The target names no operation this service knows.
    #[error("{0}")]
    UnknownOperation(String),
    /// The log group or log stream does not exist.
    #[error("{0}")]
    ResourceNotFound(String),
    /// The caller named another account's log group (by its ARN).
    #[error("{0}")]
    AccessDenied(String),
    /// A parameter is missing, out of range or inconsistent with another.
    #[error("{0}")]
    InvalidParameter(String),
    /// The body is not the JSON the operation takes.
    #[error("{0}")]
    Serialization(String),
    /// The request's SigV4 authentication failed.
    #[error("{message}")]
    Unauthenticated {
        /// The error code, e.g. `InvalidSignatureException`.
        code: &'static str,
        /// The HTTP status (403 or 400).
        status: http::StatusCode,
        /// The message.
        message: String,
    },
}

impl LogsError {
    /// The missing log group error, with AWS's message.
    pub fn no_group() -> Self {
        Self::ResourceNotFound("The specified log group does not exist.".to_owned())
    }

    /// The missing log stream error, with AWS's message.
    pub fn no_stream() -> Self {
        Self::ResourceNotFound("The specified log stream does not exist.".to_owned())
    }

    /// The AWS error code (`__type`).
    pub fn code(&self) -> &'static str {
        match self {
            Self::UnknownOperation(_) => "UnknownOperationException",
            Self::ResourceNotFound(_) => "ResourceNotFoundException",
            Self::AccessDenied(_) => "AccessDeniedException",
            Self::InvalidParameter(_) => "InvalidParameterException",
            Self::Serialization(_) => "SerializationException",
            Self::Unauthenticated { code, .. } => code,
        }
    }

    /// The HTTP status: 400, or the authentication failure's own.
    pub fn status(&self) -> http::StatusCode {
        match self {
            Self::Unauthenticated { status, .. } => *status,
            _ => http::StatusCode::BAD_REQUEST,
        }
    }

    /// The wire response: `{"__type": code, "message": ...}` as awsJson1.1, with
    /// `x-amzn-RequestId`.
    pub fn to_response(&self, request_id: &str) -> http::Response<Bytes> {
        let body = serde_json::json!({ "__type": self.code(), "message": self.to_string() });
        json_response(self.status(), request_id, body.to_string().into_bytes())
    }
}

fn json_response(
    status: http::StatusCode,
    request_id: &str,
    body: Vec<u8>,
) -> http::Response<Bytes> {
    let mut response = http::Response::new(Bytes::from(body));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static(CONTENT_TYPE),
    );
    if let Ok(id) = http::HeaderValue::from_str(request_id) {
        headers.insert("x-amzn-RequestId", id);
    }
    response
}

fn ok<T: Serialize>(request_id: &str, output: &T) -> Result<http::Response<Bytes>, LogsError> {
    let body = serde_json::to_vec(output).map_err(|e| LogsError::Serialization(e.to_string()))?;
    Ok(json_response(http::StatusCode::OK, request_id, body))
}

fn parse<T: DeserializeOwned>(body: &[u8]) -> Result<T, LogsError> {
    let body = if body.iter().all(u8::is_ascii_whitespace) {
        b"{}".as_slice()
    } else {
        body
    };
    serde_json::from_slice(body)
        .map_err(|e| LogsError::Serialization(format!("The request body could not be read: {e}")))
}

fn invalid(message: impl Into<String>) -> LogsError {
    LogsError::InvalidParameter(message.into())
}

/// Checks an optional `limit` against the model's range and returns it, or `default`.
fn limit(value: Option<i64>, max: i64, default: usize) -> Result<usize, LogsError> {
    match value {
        None => Ok(default),
        Some(v) if v < 1 => Err(invalid(validation_message(
            Offending::Value(&v.to_string()),
            "limit",
            "Member must have value greater than or equal to 1",
        ))),
        Some(v) if v > max => Err(invalid(validation_message(
            Offending::Value(&v.to_string()),
            "limit",
            &format!("Member must have value less than or equal to {max}"),
        ))),
        Some(v) => Ok(usize::try_from(v).unwrap_or(default)),
    }
}

/// The group a request names, by `logGroupName` or `logGroupIdentifier` (a name or an ARN).
/// Groups are read in the caller's account only: an ARN of another account's group is
/// `AccessDeniedException` naming `action` (cross-account observability is not simulated),
/// and no account is ever taken from the ARN.
fn group_name(
    req: &LogsRequest,
    action: &str,
    name: Option<String>,
    identifier: Option<String>,
) -> Result<String, LogsError> {
    match (name, identifier) {
        (Some(_), Some(_)) => Err(invalid(
            "LogGroupName and LogGroupIdentifier cannot both be specified",
        )),
        (Some(name), None) => Ok(name),
        (None, Some(id)) => match id.split_once(":log-group:") {
            Some((prefix, rest)) if prefix.starts_with("arn:") => {
                let group = rest.strip_suffix(":*").unwrap_or(rest);
                let account = prefix.rsplit(':').next().unwrap_or_default();
                if account != req.account_id {
                    return Err(LogsError::AccessDenied(format!(
                        "User: arn:aws:iam::{caller}:root is not authorized to perform: {action} on resource: {prefix}:log-group:{group} because no resource-based policy allows the {action} action (the log group belongs to account {account}; the caller's keys read account {caller}'s log groups only)",
                        caller = req.account_id
                    )));
                }
                Ok(group.to_owned())
            }
            _ => Ok(id),
        },
        (None, None) => Err(invalid(
            "Either LogGroupName or LogGroupIdentifier must be specified",
        )),
    }
}

fn group_arn(region: &str, account: &str, group: &str) -> String {
    format!("arn:aws:logs:{region}:{account}:log-group:{group}")
}

// ---------------------------------------------------------------------------------------
// Opaque paging tokens.

/// Hex-encodes a string token (names may hold any character).
fn hex_token(text: &str) -> String {
    use std::fmt::Write;
    text.bytes()
        .fold(String::with_capacity(text.len() * 2), |mut out, b| {
            let _ = write!(out, "{b:02x}");
            out
        })
}

fn unhex_token(token: &str) -> Result<String, LogsError> {
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
fn key_digits(key: EventKey) -> String {
    let biased = (i128::from(key.timestamp_ms) - i128::from(i64::MIN)) as u64;
    format!("{biased:020}{:020}", key.seq)
}

fn parse_key_digits(digits: &str) -> Option<EventKey> {
    if digits.len() != 40 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let biased: u64 = digits.get(..20)?.parse().ok()?;
    let seq: u64 = digits.get(20..)?.parse().ok()?;
    let timestamp_ms = i64::try_from(i128::from(biased) + i128::from(i64::MIN)).ok()?;
    Some(EventKey { timestamp_ms, seq })
}

const KEY_MIN: EventKey = EventKey {
    timestamp_ms: i64::MIN,
    seq: 0,
};
const KEY_MAX: EventKey = EventKey {
    timestamp_ms: i64::MAX,
    seq: u64::MAX,
};

fn key_succ(key: EventKey) -> EventKey {
    match key.seq.checked_add(1) {
        Some(seq) => EventKey { seq, ..key },
        None => EventKey {
            timestamp_ms: key.timestamp_ms.saturating_add(1),
            seq: 0,
        },
    }
}

fn key_pred(key: EventKey) -> EventKey {
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
enum Direction {
    Forward,
    Backward,
}

fn stream_token(direction: Direction, key: EventKey) -> String {
    let d = match direction {
        Direction::Forward => 'f',
        Direction::Backward => 'b',
    };
    format!("{d}/{}/s", key_digits(key))
}

fn parse_stream_token(token: &str) -> Result<(Direction, EventKey), LogsError> {
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

/// Takes events while the response stays within [`MAX_RESPONSE_BYTES`] and `limit`.
fn within_budget<'a>(
    events: impl Iterator<Item = &'a LogEvent>,
    limit: usize,
) -> Vec<&'a LogEvent> {
    let mut budget = MAX_RESPONSE_BYTES;
    let mut out = Vec::new();
    for event in events.take(limit) {
        let size = event.message.len() + EVENT_OVERHEAD_BYTES;
        if size > budget && !out.is_empty() {
            break;
        }
        budget = budget.saturating_sub(size);
        out.push(event);
    }
    out
}

// ---------------------------------------------------------------------------------------
// Operations.

impl LogStore {
    /// Serves one CloudWatch Logs request. `Err` is rendered by the caller with
    /// [`LogsError::to_response`] (so the edge can log client errors in one place).
    pub fn handle(&self, req: &LogsRequest) -> Result<http::Response<Bytes>, LogsError> {
        let operation = req.target.strip_prefix(TARGET_PREFIX).unwrap_or_default();
        tracing::debug!(operation, account = %req.account_id, region = %req.region, "logs request");
        match operation {
            "DescribeLogGroups" => self.describe_log_groups(req, parse(&req.body)?),
            "DescribeLogStreams" => self.describe_log_streams(req, parse(&req.body)?),
            "GetLogEvents" => self.get_log_events(req, parse(&req.body)?),
            "FilterLogEvents" => self.filter_log_events(req, parse(&req.body)?),
            _ => Err(LogsError::UnknownOperation(format!(
                "Operation {} is not supported by this service.",
                req.target
            ))),
        }
    }

    fn describe_log_groups(
        &self,
        req: &LogsRequest,
        input: DescribeLogGroupsInput,
    ) -> Result<http::Response<Bytes>, LogsError> {
        let limit = limit(input.limit, 50, 50)?;
        if input.log_group_name_prefix.is_some() && input.log_group_name_pattern.is_some() {
            return Err(invalid(
                "LogGroupNamePrefix and LogGroupNamePattern are mutually exclusive parameters.",
            ));
        }
        let after = input.next_token.as_deref().map(unhex_token).transpose()?;
        let prefix = input.log_group_name_prefix.unwrap_or_default();
        let pattern = input.log_group_name_pattern;
        // Fetch one more than asked to know whether a next page exists.
        let fetch = if pattern.is_some() {
            usize::MAX
        } else {
            limit + 1
        };
        let mut groups = self.groups(
            &req.account_id,
            &req.region,
            &prefix,
            after.as_deref(),
            fetch,
        );
        if let Some(pattern) = &pattern {
            let pattern = pattern.to_lowercase();
            groups.retain(|g| g.name.to_lowercase().contains(&pattern));
        }
        let more = groups.len() > limit;
        groups.truncate(limit);
        let next_token = more
            .then(|| groups.last().map(|g| hex_token(&g.name)))
            .flatten();
        let log_groups = groups
            .into_iter()
            .map(|g| {
                let arn = group_arn(&req.region, &req.account_id, &g.name);
                LogGroupOut {
                    arn: format!("{arn}:*"),
                    log_group_arn: arn,
                    creation_time: g.creation_time_ms,
                    metric_filter_count: 0,
                    stored_bytes: g.stored_bytes,
                    log_group_class: "STANDARD",
                    log_group_name: g.name,
                }
            })
            .collect();
        ok(
            &req.request_id,
            &DescribeLogGroupsOutput {
                log_groups,
                next_token,
            },
        )
    }

    fn describe_log_streams(
        &self,
        req: &LogsRequest,
        input: DescribeLogStreamsInput,
    ) -> Result<http::Response<Bytes>, LogsError> {
        let group = group_name(
            req,
            "logs:DescribeLogStreams",
            input.log_group_name,
            input.log_group_identifier,
        )?;
        let limit = limit(input.limit, 50, 50)?;
        let order = match input.order_by.as_deref() {
            None | Some("LogStreamName") => StreamOrder::Name,
            Some("LastEventTime") => StreamOrder::LastEventTime,
            Some(other) => {
                return Err(invalid(validation_message(
                    Offending::Value(other),
                    "orderBy",
                    "Member must satisfy enum value set: [LastEventTime, LogStreamName]",
                )));
            }
        };
        if order == StreamOrder::LastEventTime && input.log_stream_name_prefix.is_some() {
            return Err(invalid(
                "Cannot order by LastEventTime with a logStreamNamePrefix.",
            ));
        }
        let descending = input.descending.unwrap_or(false);
        let sort_key = |s: &StreamInfo| -> (i64, String) {
            match order {
                StreamOrder::Name => (0, s.name.clone()),
                StreamOrder::LastEventTime => (
                    s.last_event_timestamp_ms.unwrap_or(s.creation_time_ms),
                    s.name.clone(),
                ),
            }
        };
        let after = input
            .next_token
            .as_deref()
            .map(|t| {
                let text = unhex_token(t)?;
                let (ts, name) = text
                    .split_once('/')
                    .ok_or_else(|| invalid("The specified nextToken is invalid."))?;
                let ts: i64 = ts
                    .parse()
                    .map_err(|_| invalid("The specified nextToken is invalid."))?;
                Ok::<_, LogsError>((ts, name.to_owned()))
            })
            .transpose()?;
        let mut streams = self
            .streams(&req.account_id, &req.region, &group)
            .ok_or_else(LogsError::no_group)?;
        let prefix = input.log_stream_name_prefix.unwrap_or_default();
        streams.retain(|s| s.name.starts_with(&prefix));
        streams.sort_by_cached_key(|s| sort_key(s));
        if descending {
            streams.reverse();
        }
        if let Some(after) = &after {
            streams.retain(|s| {
                let key = sort_key(s);
                if descending {
                    key < *after
                } else {
                    key > *after
                }
            });
        }
        let more = streams.len() > limit;
        streams.truncate(limit);
        let next_token = more
            .then(|| {
                streams.last().map(|s| {
                    let (ts, name) = sort_key(s);
                    hex_token(&format!("{ts}/{name}"))
                })
            })
            .flatten();
        let log_streams = streams
            .into_iter()
            .map(|s| LogStreamOut {
                arn: format!(
                    "{}:log-stream:{}",
                    group_arn(&req.region, &req.account_id, &group),
                    s.name
                ),
                log_stream_name: s.name,
                creation_time: s.creation_time_ms,
                first_event_timestamp: s.first_event_timestamp_ms,
                last_event_timestamp: s.last_event_timestamp_ms,
                last_ingestion_time: s.last_ingestion_time_ms,
                stored_bytes: 0,
            })
            .collect();
        ok(
            &req.request_id,
            &DescribeLogStreamsOutput {
                log_streams,
                next_token,
            },
        )
    }

    fn get_log_events(
        &self,
        req: &LogsRequest,
        input: GetLogEventsInput,
    ) -> Result<http::Response<Bytes>, LogsError> {
        let group = group_name(
            req,
            "logs:GetLogEvents",
            input.log_group_name,
            input.log_group_identifier,
        )?;
        let stream = input.log_stream_name.ok_or_else(|| {
            invalid(validation_message(
                Offending::Null,
                "logStreamName",
                "Member must not be null",
            ))
        })?;
        let limit = limit(input.limit, 10_000, 10_000)?;
        let token = input
            .next_token
            .as_deref()
            .map(parse_stream_token)
            .transpose()?;
        let (direction, cursor) = match token {
            Some(token) => token,
            None if input.start_from_head.unwrap_or(false) => (Direction::Forward, KEY_MIN),
            None => (Direction::Backward, KEY_MAX),
        };
        let (start, end) = (input.start_time, input.end_time);
        let page: Vec<LogEvent> = self
            .read_stream(&req.account_id, &req.region, &group, &stream, |events| {
                // The events in [startTime, endTime) are one contiguous run; the cursor cuts it.
                let first = start.map_or(0, |s| events.partition_point(|e| e.timestamp_ms < s));
                let last = end.map_or(events.len(), |e| {
                    events.partition_point(|ev| ev.timestamp_ms < e)
                });
                let (from, to) = match direction {
                    Direction::Forward => (
                        first.max(events.partition_point(|e| e.key() <= cursor)),
                        last,
                    ),
                    Direction::Backward => (
                        first,
                        last.min(events.partition_point(|e| e.key() < cursor)),
                    ),
                };
                if from >= to {
                    return Vec::new();
                }
                let run = events.range(from..to);
                match direction {
                    Direction::Forward => within_budget(run, limit),
                    Direction::Backward => {
                        let mut page = within_budget(run.rev(), limit);
                        page.reverse();
                        page
                    }
                }
                .into_iter()
                .cloned()
                .collect()
            })
            .ok_or_else(LogsError::no_group)?
            .ok_or_else(LogsError::no_stream)?;
        let (forward, backward) = match (page.first(), page.last()) {
            (Some(first), Some(last)) => (last.key(), first.key()),
            _ if token.is_none() => (KEY_MIN, KEY_MIN),
            _ => match direction {
                Direction::Forward => (cursor, key_succ(cursor)),
                Direction::Backward => (key_pred(cursor), cursor),
            },
        };
        let output = GetLogEventsOutput {
            events: page
                .iter()
                .map(|e| OutputLogEvent {
                    timestamp: e.timestamp_ms,
                    message: &e.message,
                    ingestion_time: e.ingestion_time_ms,
                })
                .collect(),
            next_forward_token: stream_token(Direction::Forward, forward),
            next_backward_token: stream_token(Direction::Backward, backward),
        };
        ok(&req.request_id, &output)
    }

    fn filter_log_events(
        &self,
        req: &LogsRequest,
        input: FilterLogEventsInput,
    ) -> Result<http::Response<Bytes>, LogsError> {
        let group = group_name(
            req,
            "logs:FilterLogEvents",
            input.log_group_name,
            input.log_group_identifier,
        )?;
        let limit = limit(input.limit, 10_000, 10_000)?;
        if input.log_stream_names.is_some() && input.log_stream_name_prefix.is_some() {
            return Err(invalid(
                "You cannot specify both LogStreamNames and LogStreamNamePrefix.",
            ));
        }
        if let Some(names) = &input.log_stream_names
            && (names.is_empty() || names.len() > 100)
        {
            return Err(invalid(format!(
                "{} (got {})",
                validation_message(
                    Offending::Hidden,
                    "logStreamNames",
                    "Member must have length between 1 and 100"
                ),
                names.len()
            )));
        }
        let pattern = FilterPattern::parse(input.filter_pattern.as_deref().unwrap_or_default())?;
        let after = input
            .next_token
            .as_deref()
            .map(|t| {
                parse_key_digits(t).ok_or_else(|| invalid("The specified nextToken is invalid."))
            })
            .transpose()?;
        let names = input.log_stream_names;
        let prefix = input.log_stream_name_prefix;
        let select = |stream: &str| match (&names, &prefix) {
            (Some(names), _) => names.iter().any(|n| n == stream),
            (None, Some(prefix)) => stream.starts_with(prefix.as_str()),
            (None, None) => true,
        };
        let found = self
            .search(
                &req.account_id,
                &req.region,
                &group,
                select,
                input.start_time,
                input.end_time,
                after,
                |message| pattern.matches(message),
                limit.saturating_add(1),
            )
            .ok_or_else(LogsError::no_group)?;
        let page = within_budget(found.iter().map(|f| &f.event), limit);
        let more = page.len() < found.len();
        let next_token = more
            .then(|| page.last().map(|e| key_digits(e.key())))
            .flatten();
        let events = found
            .iter()
            .take(page.len())
            .map(|f| FilteredLogEvent {
                log_stream_name: &f.stream,
                timestamp: f.event.timestamp_ms,
                message: &f.event.message,
                ingestion_time: f.event.ingestion_time_ms,
                event_id: key_digits(f.event.key()),
            })
            .collect();
        ok(
            &req.request_id,
            &FilterLogEventsOutput {
                events,
                searched_log_streams: Vec::new(),
                next_token,
            },
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum StreamOrder {
    Name,
    LastEventTime,
}

// ---------------------------------------------------------------------------------------
// Filter patterns.

/// A term-based filter pattern: every plain term must appear (case-sensitive), at least one
/// `?term` must appear when any are given, and no `-term` may appear. A double-quoted phrase
/// is one term. JSON (`{ ... }`) and space-delimited (`[ ... ]`) patterns are not supported.
#[derive(Debug, Default, PartialEq, Eq)]
struct FilterPattern {
    all: Vec<String>,
    any: Vec<String>,
    none: Vec<String>,
}

impl FilterPattern {
    fn parse(pattern: &str) -> Result<Self, LogsError> {
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

    fn matches(&self, message: &str) -> bool {
        self.all.iter().all(|t| message.contains(t.as_str()))
            && (self.any.is_empty() || self.any.iter().any(|t| message.contains(t.as_str())))
            && !self.none.iter().any(|t| message.contains(t.as_str()))
    }
}

// ---------------------------------------------------------------------------------------
// Wire shapes (service model `logs/2014-03-28`).

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct DescribeLogGroupsInput {
    log_group_name_prefix: Option<String>,
    log_group_name_pattern: Option<String>,
    next_token: Option<String>,
    limit: Option<i64>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct DescribeLogGroupsOutput {
    log_groups: Vec<LogGroupOut>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_token: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct LogGroupOut {
    log_group_name: String,
    creation_time: i64,
    metric_filter_count: i32,
    arn: String,
    stored_bytes: i64,
    log_group_class: &'static str,
    log_group_arn: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct DescribeLogStreamsInput {
    log_group_name: Option<String>,
    log_group_identifier: Option<String>,
    log_stream_name_prefix: Option<String>,
    order_by: Option<String>,
    descending: Option<bool>,
    next_token: Option<String>,
    limit: Option<i64>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct DescribeLogStreamsOutput {
    log_streams: Vec<LogStreamOut>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_token: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct LogStreamOut {
    log_stream_name: String,
    creation_time: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    first_event_timestamp: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_event_timestamp: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_ingestion_time: Option<i64>,
    arn: String,
    stored_bytes: i64,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct GetLogEventsInput {
    log_group_name: Option<String>,
    log_group_identifier: Option<String>,
    log_stream_name: Option<String>,
    start_time: Option<i64>,
    end_time: Option<i64>,
    next_token: Option<String>,
    limit: Option<i64>,
    start_from_head: Option<bool>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct GetLogEventsOutput<'a> {
    events: Vec<OutputLogEvent<'a>>,
    next_forward_token: String,
    next_backward_token: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct OutputLogEvent<'a> {
    timestamp: i64,
    message: &'a str,
    ingestion_time: i64,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct FilterLogEventsInput {
    log_group_name: Option<String>,
    log_group_identifier: Option<String>,
    log_stream_names: Option<Vec<String>>,
    log_stream_name_prefix: Option<String>,
    start_time: Option<i64>,
    end_time: Option<i64>,
    filter_pattern: Option<String>,
    next_token: Option<String>,
    limit: Option<i64>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct FilterLogEventsOutput<'a> {
    events: Vec<FilteredLogEvent<'a>>,
    searched_log_streams: Vec<SearchedLogStream>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_token: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct FilteredLogEvent<'a> {
    log_stream_name: &'a str,
    timestamp: i64,
    message: &'a str,
    ingestion_time: i64,
    event_id: String,
}

/// Always empty: AWS stopped reporting searched streams in 2020.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct SearchedLogStream {
    log_stream_name: String,
    searched_completely: bool,
}

#[cfg(test)]
#[path = "api_tests.rs"]
mod tests;
