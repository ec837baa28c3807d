//! Who may call the simulator API (`/_s3lambda/`), and what each caller sees.
//!
//! The simulator API is an unauthenticated local control API: `serve` binds loopback
//! (`127.0.0.1`) by default, so only programs on the developer's machine reach it, and an
//! unsigned request is the local administrator, who sees every account. Two rules keep a web
//! page the developer visits from using it through the browser:
//! - a request with an `Origin` header other than the server's own (`http://{Host}`) is
//!   refused (browsers send `Origin` on every cross-origin POST and on CORS reads);
//! - an unsigned request must name the server by a host a web page cannot take over through
//!   DNS rebinding: an IP address, `localhost` (or a name under `.localhost`), or a configured
//!   virtual-host domain (or a name under one); a page at `http://evil.example:4566` whose
//!   name was re-pointed at 127.0.0.1 is refused, whatever its `Origin`;
//! - a state-changing request (`POST /_s3lambda/reset`) must carry
//!   `Content-Type: application/json` or an `x-s3lambda-client` header, which a page can only
//!   send cross-origin after a CORS preflight that the simulator never grants.
//!
//! A request signed with SigV4 (any service scope) is the caller of its key's account: its
//! traces, destination records and delivery logs are limited to that account (events of its
//! buckets, deliveries to its functions), and it may not reset the simulator.
//! Binding another address (`--host 0.0.0.0`) exposes this admin view to the network: anyone
//! who can connect can read every account's events and logs and reset all state.

use std::time::SystemTime;

use bytes::Bytes;
use http::request::Parts;
use http::{Method, StatusCode};

use crate::auth::{self, AuthError};
use crate::sim::Simulator;

/// The header a non-browser client may send instead of a JSON content type.
pub(crate) const CLIENT_HEADER: &str = "x-s3lambda-client";

/// Who is calling.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Caller {
    /// An unsigned request: the local administrator, who sees every account.
    Admin,
    /// A SigV4-signed request: sees what belongs to this account id only.
    Account(String),
}

impl Caller {
    /// Whether the caller may see something owned by (or delivered to) `account`.
    pub fn sees(&self, account: &str) -> bool {
        match self {
            Self::Admin => true,
            Self::Account(id) => id == account,
        }
    }

    /// Whether the caller may see something of the resource `arn` names (its account's).
    pub fn sees_arn(&self, arn: &str) -> bool {
        match self {
            Self::Admin => true,
            Self::Account(id) => crate::arn::Arn::parse(arn).is_ok_and(|a| a.account == *id),
        }
    }
}

/// A refused request: status, error code, message.
pub(crate) type Refusal = (StatusCode, &'static str, String);

/// Refuses cross-origin requests and state-changing requests a browser form could send.
pub(crate) fn check_origin(parts: &Parts, state_changing: bool) -> Result<(), Refusal> {
    if let Some(origin) = parts.headers.get(http::header::ORIGIN) {
        let origin = origin.to_str().unwrap_or_default();
        let host = parts
            .headers
            .get(http::header::HOST)
            .and_then(|h| h.to_str().ok());
        let same = host.is_some_and(|h| {
            origin.eq_ignore_ascii_case(&format!("http://{h}"))
                || origin.eq_ignore_ascii_case(&format!("https://{h}"))
        });
        if !same {
            return Err((
                StatusCode::FORBIDDEN,
                "CrossOriginRequestRefused",
                format!(
                    "the simulator API answers no cross-origin request (Origin {origin:?} is not this server)"
                ),
            ));
        }
    }
    if state_changing && !is_json(parts) && !parts.headers.contains_key(CLIENT_HEADER) {
        return Err((
            StatusCode::FORBIDDEN,
            "ForbiddenContentType",
            format!(
                "a state-changing simulator API request needs Content-Type: application/json or an {CLIENT_HEADER} header"
            ),
        ));
    }
    Ok(())
}

/// Refuses an unsigned request whose `Host` is a name a web page could re-point at this
/// server (DNS rebinding): only IP addresses, `localhost`, names under `.localhost` and the
/// configured virtual-host `domains` (and names under them) are this server's own.
pub(crate) fn check_host(parts: &Parts, domains: &[String]) -> Result<(), Refusal> {
    let host = parts
        .headers
        .get(http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .or_else(|| parts.uri.host())
        .unwrap_or_default();
    let name = match host.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or_default(),
        None => host.rsplit_once(':').map_or(host, |(name, _)| name),
    };
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    let under = |domain: &str| name == domain || name.ends_with(&format!(".{domain}"));
    let own = name.parse::<std::net::IpAddr>().is_ok()
        || under("localhost")
        || domains.iter().any(|d| under(&d.to_ascii_lowercase()));
    if own {
        Ok(())
    } else {
        Err((
            StatusCode::FORBIDDEN,
            "UntrustedHost",
            format!(
                "the simulator API answers unsigned requests only for an IP address, localhost or a configured virtual-host domain, not Host {host:?} (a web page could re-point that name here); sign the request or use http://127.0.0.1"
            ),
        ))
    }
}

fn is_json(parts: &Parts) -> bool {
    parts
        .headers
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/json"))
}

/// Whether a request changes the simulator's state (the rest only read or wait).
pub(crate) fn is_state_changing(method: &Method, path: &str) -> bool {
    !matches!(*method, Method::GET | Method::HEAD) && path != "/_s3lambda/wait"
}

/// The caller of a request: its key's account when it is signed (and the signature holds),
/// the local administrator when it is not.
pub(crate) fn caller(sim: &Simulator, parts: &Parts, body: Bytes) -> Result<Caller, Refusal> {
    match auth::authenticate(parts, body, sim.keyring(), SystemTime::now()) {
        Ok(authed) => Ok(Caller::Account(authed.account.id.clone())),
        Err(AuthError::Unsigned) => Ok(Caller::Admin),
        Err(e) => Err((e.status(), e.s3_code(), e.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(method: &str, headers: &[(&str, &str)]) -> Parts {
        let mut b = http::Request::builder()
            .method(method)
            .uri("/_s3lambda/reset");
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        b.body(()).unwrap().into_parts().0
    }

    #[test]
    fn cross_origin_and_form_posts_are_refused() {
        let host = ("host", "127.0.0.1:4566");
        let form = parts("POST", &[host, ("content-type", "text/plain")]);
        assert_eq!(
            check_origin(&form, true).unwrap_err().1,
            "ForbiddenContentType"
        );
        let evil = parts(
            "POST",
            &[
                host,
                ("origin", "http://evil.example"),
                ("content-type", "application/json"),
            ],
        );
        assert_eq!(
            check_origin(&evil, true).unwrap_err().1,
            "CrossOriginRequestRefused"
        );
        let same = parts(
            "POST",
            &[
                host,
                ("origin", "http://127.0.0.1:4566"),
                ("content-type", "application/json; charset=utf-8"),
            ],
        );
        assert!(check_origin(&same, true).is_ok());
        assert!(check_origin(&parts("POST", &[host, (CLIENT_HEADER, "cli")]), true).is_ok());
        assert!(check_origin(&parts("GET", &[host]), false).is_ok());
    }

    #[test]
    fn only_reset_changes_state() {
        assert!(is_state_changing(&Method::POST, "/_s3lambda/reset"));
        assert!(!is_state_changing(&Method::POST, "/_s3lambda/wait"));
        assert!(!is_state_changing(&Method::GET, "/_s3lambda/traces"));
        assert!(Caller::Admin.sees("x") && !Caller::Account("a".into()).sees("b"));
    }

    #[test]
    fn an_account_sees_the_arns_of_its_own_account() {
        let arn = "arn:aws:lambda:us-east-1:111111111111:function:f:PROD";
        assert!(Caller::Account("111111111111".into()).sees_arn(arn));
        assert!(!Caller::Account("222222222222".into()).sees_arn(arn));
        assert!(!Caller::Account("111111111111".into()).sees_arn("not-an-arn"));
        assert!(Caller::Admin.sees_arn(arn));
    }

    #[test]
    fn unsigned_requests_need_a_host_no_web_page_can_take_over() {
        let domains = vec!["s3.localhost".to_owned(), "example.internal".to_owned()];
        for ok in [
            "127.0.0.1:4566",
            "localhost:4566",
            "LOCALHOST",
            "bucket.s3.localhost:4566",
            "[::1]:4566",
            "10.0.0.7:4566",
            "a.example.internal",
        ] {
            let p = parts("GET", &[("host", ok)]);
            assert!(check_host(&p, &domains).is_ok(), "{ok}");
        }
        for bad in [
            "rebind.evil:4566",
            "localhost.evil.com",
            "example.internal.evil",
            "",
        ] {
            let p = parts("GET", &[("host", bad)]);
            let refused = check_host(&p, &domains).unwrap_err();
            assert_eq!(refused.1, "UntrustedHost", "{bad}");
        }
    }
}
