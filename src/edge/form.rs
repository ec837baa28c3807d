//! Reading a browser-form upload (`POST /{bucket}`, `multipart/form-data`), whose signature is
//! a field of the body itself: the fields before the file are read first, at most
//! [`MAX_PRE_DATA`] bytes of them as S3 allows, the policy signature is checked, and only then
//! is the file read. An unsigned or wrongly signed form is refused before its file is read.
//! See <https://docs.aws.amazon.com/AmazonS3/latest/API/RESTObjectPOST.html>.

use std::convert::Infallible;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use futures_util::{FutureExt as _, StreamExt as _};
use http::request::Parts;
use http_body_util::BodyExt as _;
use hyper::body::{Body as _, Incoming};

use super::BodyError;
use crate::auth::Keyring;
use crate::auth::post_policy::{self, PostInput, PostPolicyError};

/// How many bytes may precede the file part (S3: "Your POST request fields preceding the
/// upload file were too large." beyond 20 KB); the file part's own header gets some room too.
pub(super) const MAX_PRE_DATA: usize = 20 * 1024 + 4 * 1024;

/// Why a form upload was refused while its body was read.
pub(super) enum FormRefusal {
    /// The body could not be read.
    Body(BodyError),
    /// More than [`MAX_PRE_DATA`] bytes before the file.
    PreDataTooLarge,
    /// The policy signature is missing or wrong.
    Policy(PostPolicyError),
    /// Not `multipart/form-data` S3 can read (no boundary, a broken part): refused before
    /// the rest of an unauthenticated body is read.
    Malformed,
}

/// Reads the body of a form upload (bounded by `limit`, cut after `stall` of silence),
/// checking its policy signature as soon as the fields before the file are in.
pub(super) async fn read(
    mut body: Incoming,
    parts: &Parts,
    keyring: &Keyring,
    limit: usize,
    stall: Duration,
) -> Result<Bytes, FormRefusal> {
    let limit = limit as u64;
    if body.size_hint().lower() > limit {
        return Err(FormRefusal::Body(BodyError::TooLarge));
    }
    let content_type = parts
        .headers
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let mut collected = BytesMut::new();
    let mut checked = false;
    loop {
        let frame = match tokio::time::timeout(stall, body.frame()).await {
            Err(_) => return Err(FormRefusal::Body(BodyError::Stalled)),
            Ok(None) => return Ok(collected.freeze()),
            Ok(Some(Err(_))) => return Err(FormRefusal::Body(BodyError::Incomplete)),
            Ok(Some(Ok(frame))) => frame,
        };
        let Ok(data) = frame.into_data() else {
            continue;
        };
        if (collected.len() + data.len()) as u64 > limit {
            return Err(FormRefusal::Body(BodyError::TooLarge));
        }
        collected.extend_from_slice(&data);
        if checked {
            continue;
        }
        match fields_before_file(content_type, Bytes::copy_from_slice(&collected)) {
            // Not all there yet.
            None if collected.len() > MAX_PRE_DATA => return Err(FormRefusal::PreDataTooLarge),
            None => {}
            // Not a form S3 can read, so its policy cannot be checked: refuse it now rather
            // than buffer the rest of a body no signature vouches for.
            Some(Err(())) => return Err(FormRefusal::Malformed),
            Some(Ok(fields)) => {
                let input = PostInput {
                    fields: &fields,
                    bucket: "",
                    file_size: 0,
                };
                post_policy::verify_signature(&input, keyring).map_err(FormRefusal::Policy)?;
                checked = true;
            }
        }
    }
}

/// The fields before the file, once `prefix` holds them all and the file part's header:
/// `None` while more bytes are needed, `Err` if the form is malformed.
fn fields_before_file(
    content_type: &str,
    prefix: Bytes,
) -> Option<Result<Vec<(String, String)>, ()>> {
    let Ok(boundary) = multer::parse_boundary(content_type) else {
        return Some(Err(()));
    };
    // The prefix, then a stream that never ends: a step that needs more bytes stays pending.
    let stream = futures_util::stream::iter([Ok::<Bytes, Infallible>(prefix)])
        .chain(futures_util::stream::pending());
    let mut multipart = multer::Multipart::new(stream, boundary);
    let mut fields = Vec::new();
    loop {
        let field = match multipart.next_field().now_or_never()? {
            Ok(Some(field)) => field,
            // The form ended before any file: let the full parse say what is missing.
            Ok(None) => return Some(Ok(fields)),
            Err(_) => return Some(Err(())),
        };
        let name = field.name().unwrap_or_default().to_ascii_lowercase();
        if name == "file" {
            return Some(Ok(fields));
        }
        let Ok(value) = field.bytes().now_or_never()? else {
            return Some(Err(()));
        };
        fields.push((name, String::from_utf8_lossy(&value).into_owned()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CT: &str = "multipart/form-data; boundary=XX";

    #[test]
    fn fields_are_read_up_to_the_file() {
        let full = "--XX\r\nContent-Disposition: form-data; name=\"key\"\r\n\r\nk\r\n--XX\r\nContent-Disposition: form-data; name=\"Policy\"\r\n\r\np\r\n--XX\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nDATA";
        let fields = fields_before_file(CT, Bytes::from(full)).unwrap().unwrap();
        assert_eq!(
            fields,
            [("key".into(), "k".into()), ("policy".into(), "p".into())]
        );
        let cut = &full[..full.find("name=\"Policy\"").unwrap()];
        assert!(
            fields_before_file(CT, Bytes::from(cut)).is_none(),
            "needs more"
        );
        assert!(
            fields_before_file("text/plain", Bytes::from(full))
                .unwrap()
                .is_err()
        );
    }
}
