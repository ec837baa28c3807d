//! Completed multipart uploads, remembered for a while so that a repeated
//! CompleteMultipartUpload is answered as S3 answers it: the same parts list sent again
//! shortly after a success gets the same 200 answer (same ETag, no second object, no second
//! event); anything else — other parts, another key, or a repeat after [`REMEMBER_FOR`] —
//! is `NoSuchUpload`. S3 documents no window; clients retry a completion whose answer was
//! lost, and S3 answers such a retry with the first result.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use parking_lot::Mutex;

/// How long a completion can be repeated (S3 names no figure; ours is a choice).
pub(crate) const REMEMBER_FOR: Duration = Duration::from_mins(10);

/// The most completions remembered at once (the oldest are forgotten first).
const MAX_REMEMBERED: usize = 1024;

/// What the first completion answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Answer {
    /// The `CompleteMultipartUploadResult` XML.
    pub body: String,
    /// The `x-amz-version-id` header, if any.
    pub version_id: Option<String>,
}

#[derive(Debug)]
struct Record {
    bucket: String,
    key: String,
    upload_id: String,
    parts: Vec<(u32, String)>,
    answer: Answer,
    at: Instant,
}

/// The remembered completions.
#[derive(Debug, Default)]
pub(crate) struct CompletedUploads {
    records: Mutex<VecDeque<Record>>,
}

/// A parts list compared as S3 compares it: part numbers and ETags without their quotes.
pub(crate) fn parts_key<'a>(parts: impl IntoIterator<Item = (u32, &'a str)>) -> Vec<(u32, String)> {
    parts
        .into_iter()
        .map(|(n, etag)| (n, etag.trim().trim_matches('"').to_owned()))
        .collect()
}

impl CompletedUploads {
    /// Remembers a successful completion.
    pub(crate) fn remember(
        &self,
        bucket: &str,
        key: &str,
        upload_id: &str,
        parts: Vec<(u32, String)>,
        answer: Answer,
    ) {
        let mut records = self.records.lock();
        let now = Instant::now();
        while records
            .front()
            .is_some_and(|r| records.len() >= MAX_REMEMBERED || now - r.at > REMEMBER_FOR)
        {
            records.pop_front();
        }
        records.push_back(Record {
            bucket: bucket.to_owned(),
            key: key.to_owned(),
            upload_id: upload_id.to_owned(),
            parts,
            answer,
            at: now,
        });
    }

    /// The first answer, if this is a repeat of a recent completion with the same parts.
    pub(crate) fn replay(
        &self,
        bucket: &str,
        key: &str,
        upload_id: &str,
        parts: &[(u32, String)],
    ) -> Option<Answer> {
        let records = self.records.lock();
        records
            .iter()
            .find(|r| {
                r.upload_id == upload_id
                    && r.bucket == bucket
                    && r.key == key
                    && r.parts == parts
                    && r.at.elapsed() <= REMEMBER_FOR
            })
            .map(|r| r.answer.clone())
    }

    /// Forgets every completion of `bucket` (deleted).
    pub(crate) fn forget_bucket(&self, bucket: &str) {
        self.records.lock().retain(|r| r.bucket != bucket);
    }

    /// Forgets everything.
    pub(crate) fn clear(&self) {
        self.records.lock().clear();
    }
}

impl super::S3 {
    /// Recent multipart completions.
    pub(crate) fn completed_uploads(&self) -> &CompletedUploads {
        &self.inner.completed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replays_only_the_same_parts_of_the_same_upload() {
        let done = CompletedUploads::default();
        let parts = parts_key([(1, "\"abc\""), (2, "def")]);
        let answer = Answer {
            body: "<x/>".into(),
            version_id: None,
        };
        done.remember("b", "k", "u", parts.clone(), answer.clone());
        assert_eq!(done.replay("b", "k", "u", &parts), Some(answer));
        assert_eq!(done.replay("b", "k", "u", &parts_key([(1, "abc")])), None);
        assert_eq!(done.replay("b", "other", "u", &parts), None);
        assert_eq!(done.replay("b", "k", "v", &parts), None);
        done.forget_bucket("b");
        assert_eq!(done.replay("b", "k", "u", &parts), None);
    }

    #[test]
    fn the_memory_is_bounded() {
        let done = CompletedUploads::default();
        for i in 0..(MAX_REMEMBERED + 10) {
            done.remember(
                "b",
                "k",
                &i.to_string(),
                vec![],
                Answer {
                    body: String::new(),
                    version_id: None,
                },
            );
        }
        assert!(done.records.lock().len() <= MAX_REMEMBERED);
        assert!(done.replay("b", "k", "0", &[]).is_none());
    }
}
