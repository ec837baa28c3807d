//! After a run against an external endpoint: delete what the run created (its objects, the
//! function, the bucket if it made it) and put back the bucket's notification configuration
//! if the bucket was there before, unless `--keep`.

use std::fmt::Write as _;

use base64::Engine as _;
use bytes::Bytes;
use http::Method;
use md5::Digest as _;

use super::BenchError;
use super::wire::{Api, encode_query};

/// What a run created, filled in as it goes.
#[derive(Debug, Default)]
pub struct Created {
    /// The bucket, and whether the run created it (else it existed).
    pub bucket: Option<(String, bool)>,
    /// The bucket's notification configuration before the run replaced it (pre-existing
    /// buckets only).
    pub previous_notification: Option<Bytes>,
    /// Whether the run put its own notification configuration.
    pub notified: bool,
    /// The function the run created.
    pub function: Option<String>,
    /// The prefix of every key the run wrote.
    pub key_prefix: Option<String>,
}

/// DeleteObjects takes at most this many keys.
const BATCH: usize = 1000;

/// Deletes what `created` lists; a sentence saying what was done.
pub async fn run(api: &mut Api<'_>, created: &Created) -> Result<String, BenchError> {
    let Some((bucket, made)) = &created.bucket else {
        return Ok("nothing to clean up".to_owned());
    };
    let mut done = Vec::new();
    // A bucket the run made loses its configuration first, so deleting emits no event.
    if created.notified && *made {
        put_notification(api, bucket, b"<NotificationConfiguration/>".to_vec()).await?;
    }
    if let Some(prefix) = &created.key_prefix {
        let n = delete_prefix(api, bucket, prefix).await?;
        done.push(format!("deleted {n} objects under {prefix}"));
    }
    if let (false, Some(previous)) = (*made, &created.previous_notification) {
        put_notification(api, bucket, previous.to_vec()).await?;
        done.push(format!(
            "put back the notification configuration of {bucket}"
        ));
    }
    if let Some(function) = &created.function {
        let (status, body) = api
            .call(
                "lambda",
                Method::DELETE,
                &format!("/2015-03-31/functions/{}", encode_query(function)),
                &[],
                Vec::new(),
            )
            .await?;
        check("DeleteFunction", status, &body)?;
        done.push(format!("deleted function {function}"));
    }
    if *made {
        let (status, body) = api
            .call("s3", Method::DELETE, &format!("/{bucket}"), &[], Vec::new())
            .await?;
        check("DeleteBucket", status, &body)?;
        done.push(format!("deleted bucket {bucket}"));
    }
    Ok(done.join(", "))
}

fn check(step: &'static str, status: http::StatusCode, body: &Bytes) -> Result<(), BenchError> {
    if status.is_success() {
        Ok(())
    } else {
        Err(BenchError::Setup {
            step,
            status: status.as_u16(),
            body: String::from_utf8_lossy(body).into_owned(),
        })
    }
}

/// The bucket's notification configuration as GetBucketNotificationConfiguration answers it.
pub async fn get_notification(api: &mut Api<'_>, bucket: &str) -> Result<Bytes, BenchError> {
    let (status, body) = api
        .call(
            "s3",
            Method::GET,
            &format!("/{bucket}?notification"),
            &[],
            Vec::new(),
        )
        .await?;
    check("GetBucketNotificationConfiguration", status, &body)?;
    Ok(body)
}

async fn put_notification(api: &mut Api<'_>, bucket: &str, xml: Vec<u8>) -> Result<(), BenchError> {
    // Put back as it was, even if a destination's permission changed meanwhile.
    let skip = [("x-amz-skip-destination-validation", "true")];
    let (status, body) = api
        .call(
            "s3",
            Method::PUT,
            &format!("/{bucket}?notification"),
            &skip,
            xml,
        )
        .await?;
    check("PutBucketNotificationConfiguration", status, &body)
}

/// Deletes every key under `prefix` (ListObjectsV2, then DeleteObjects by 1,000); how many.
async fn delete_prefix(api: &mut Api<'_>, bucket: &str, prefix: &str) -> Result<u64, BenchError> {
    let mut deleted = 0;
    loop {
        let keys = api.list_keys(bucket, prefix, BATCH).await?;
        if keys.is_empty() {
            return Ok(deleted);
        }
        let mut xml = String::from("<Delete><Quiet>true</Quiet>");
        for key in &keys {
            let _ = write!(
                xml,
                "<Object><Key>{}</Key></Object>",
                s3lambda::xml::escape(key)
            );
        }
        xml.push_str("</Delete>");
        let md5 = base64::engine::general_purpose::STANDARD.encode(md5::Md5::digest(&xml));
        let (status, body) = api
            .call(
                "s3",
                Method::POST,
                &format!("/{bucket}?delete"),
                &[("content-md5", &md5), ("content-type", "application/xml")],
                xml.into_bytes(),
            )
            .await?;
        check("DeleteObjects", status, &body)?;
        if String::from_utf8_lossy(&body).contains("<Error>") {
            return Err(BenchError::Setup {
                step: "DeleteObjects",
                status: status.as_u16(),
                body: String::from_utf8_lossy(&body).into_owned(),
            });
        }
        deleted += keys.len() as u64;
    }
}
