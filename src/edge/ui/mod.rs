//! The dashboard's HTTP face: its page and assets under `/_s3lambda/ui`, the redirect of a
//! browser's `GET /` there, and the live stream of trace changes as server-sent events
//! ([`stream`]). The views themselves are [`crate::dashboard`]'s; the sim API
//! (`sim_api.rs`) routes to these and decides what the caller may see.

mod stream;

use bytes::Bytes;
use http::request::Parts;
use http::{HeaderValue, Method, Response, StatusCode, header};
use http_body_util::{Either, Full};

pub(crate) use stream::{EventStream, Scope, events};

use super::{Body, Target};
use crate::dashboard::assets;

/// Where the dashboard lives.
pub(crate) const PAGE: &str = "/_s3lambda/ui";

/// The page or one of its assets (`""` for the page), or `None` for an unknown name.
pub(crate) fn asset(name: &str) -> Option<Response<Body>> {
    let asset = assets::asset(name)?;
    let mut response = Response::new(Either::Left(Full::new(Bytes::from_static(
        asset.body.as_bytes(),
    ))));
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(asset.content_type),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    // Only its own scripts and styles, and no framing by another page.
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
        ),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    Some(response)
}

/// A browser opening the endpoint (`GET /`, accepting HTML, unsigned) is sent to the
/// dashboard: such a request is no valid S3 ListBuckets anyway (that one is signed).
pub(crate) fn redirect(parts: &Parts, target: &Target) -> Option<Response<Body>> {
    let service_root = matches!(target, Target::S3(a) if a.bucket.is_none());
    let browser = parts
        .headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"));
    let signed = parts.headers.contains_key(header::AUTHORIZATION)
        || parts.uri.query().is_some_and(|q| {
            q.split('&')
                .any(|p| p.starts_with("X-Amz-Signature=") || p.starts_with("Signature="))
        });
    if parts.method != Method::GET || parts.uri.path() != "/" || !service_root || !browser || signed
    {
        return None;
    }
    let mut response = Response::new(Either::Left(Full::new(Bytes::new())));
    *response.status_mut() = StatusCode::SEE_OTHER;
    response
        .headers_mut()
        .insert(header::LOCATION, HeaderValue::from_static(PAGE));
    Some(response)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edge::S3Address;

    fn get(uri: &str, headers: &[(&str, &str)]) -> Parts {
        let mut b = http::Request::builder().uri(uri);
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        b.body(()).unwrap().into_parts().0
    }

    #[test]
    fn only_an_unsigned_browser_request_for_the_root_is_redirected() {
        let root = Target::S3(S3Address {
            bucket: None,
            key: None,
        });
        let html = ("accept", "text/html,application/xhtml+xml");
        let sent = redirect(&get("/", &[html]), &root).expect("redirected");
        assert_eq!(sent.status(), StatusCode::SEE_OTHER);
        assert_eq!(sent.headers()[header::LOCATION], PAGE);
        assert!(redirect(&get("/", &[]), &root).is_none(), "not a browser");
        let signed = [html, ("authorization", "AWS4-HMAC-SHA256 Credential=x")];
        assert!(redirect(&get("/", &signed), &root).is_none());
        let presigned = "/?X-Amz-Credential=a&X-Amz-Signature=b";
        assert!(redirect(&get(presigned, &[html]), &root).is_none());
        let bucket = Target::S3(S3Address {
            bucket: Some("photos".into()),
            key: None,
        });
        assert!(
            redirect(&get("/", &[html]), &bucket).is_none(),
            "virtual host"
        );
    }

    #[test]
    fn the_page_forbids_other_origins_scripts_and_framing() {
        let page = asset("").expect("page");
        let csp = page.headers()[header::CONTENT_SECURITY_POLICY]
            .to_str()
            .unwrap();
        assert!(csp.contains("default-src 'self'") && csp.contains("frame-ancestors 'none'"));
        assert!(asset("nope.js").is_none());
    }
}
