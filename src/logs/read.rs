//! The read operations of CloudWatch Logs: `DescribeLogGroups`, `DescribeLogStreams`,
//! `GetLogEvents`, `FilterLogEvents`, and their wire shapes (service model `logs/2014-03-28`).
//! Timestamps are epoch milliseconds as JSON numbers.

use bytes::Bytes;
use serde::{Deserialize, Serialize};

use super::filter::FilterPattern;
use super::store::{LogEvent, LogStore, StreamInfo};
use super::token::{
    Direction, KEY_MAX, KEY_MIN, hex_token, key_digits, key_pred, key_succ, parse_key_digits,
    parse_stream_token, stream_token, unhex_token,
};
use super::wire::{LogsError, LogsRequest, group_arn, group_name, invalid, limit, ok};
use crate::validation::{Offending, validation_message};

/// The most a response of `GetLogEvents` or `FilterLogEvents` carries: 1 MB, counting each
/// event as its message's UTF-8 bytes plus 26 bytes (as CloudWatch Logs does).
const MAX_RESPONSE_BYTES: usize = 1_048_576;
const EVENT_OVERHEAD_BYTES: usize = 26;

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

/// The longest `filterPattern` the model allows.
const MAX_FILTER_PATTERN: usize = 1024;
impl LogStore {
    pub(super) fn describe_log_groups(
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
                    retention_in_days: g.retention_in_days,
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

    pub(super) fn describe_log_streams(
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

    pub(super) fn get_log_events(
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

    pub(super) fn filter_log_events(
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
        let pattern = input.filter_pattern.as_deref().unwrap_or_default();
        if pattern.len() > MAX_FILTER_PATTERN {
            // AWS's model bound; the value is not echoed back.
            return Err(invalid(validation_message(
                Offending::Hidden,
                "filterPattern",
                "Member must have length less than or equal to 1024",
            )));
        }
        let pattern = FilterPattern::parse(pattern)?;
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
// Wire shapes (service model `logs/2014-03-28`).

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct DescribeLogGroupsInput {
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
    #[serde(skip_serializing_if = "Option::is_none")]
    retention_in_days: Option<u32>,
    metric_filter_count: i32,
    arn: String,
    stored_bytes: i64,
    log_group_class: &'static str,
    log_group_arn: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct DescribeLogStreamsInput {
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
pub(super) struct GetLogEventsInput {
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
pub(super) struct FilterLogEventsInput {
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
