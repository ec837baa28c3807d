//! STS over the Query protocol (API version 2011-06-15): `GetCallerIdentity` for the calling
//! account, every other action refused by name.
//!
//! s3lambda's credentials are an account's root keys, so the caller is the account's root
//! user: `UserId` is the account id and `Arn` is `arn:aws:iam::{account}:root`, as STS
//! answers for root credentials.
//! <https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html>

use bytes::Bytes;

use super::query::{QueryError, QueryRequest, element, respond};

/// The XML namespace of STS responses.
pub const NAMESPACE: &str = "https://sts.amazonaws.com/doc/2011-06-15/";
/// The API version.
pub const VERSION: &str = "2011-06-15";

/// Serves one STS request.
pub fn handle(req: &QueryRequest) -> Result<http::Response<Bytes>, QueryError> {
    let action = req.action().unwrap_or_default();
    tracing::debug!(action, account = %req.account_id, "sts request");
    match action {
        "GetCallerIdentity" => Ok(get_caller_identity(req)),
        _ => Err(QueryError::invalid_action("sts", action, VERSION)),
    }
}

fn get_caller_identity(req: &QueryRequest) -> http::Response<Bytes> {
    let account = &req.account_id;
    let mut result = String::new();
    element(
        &mut result,
        4,
        "Arn",
        &format!("arn:aws:iam::{account}:root"),
    );
    element(&mut result, 4, "UserId", account);
    element(&mut result, 4, "Account", account);
    respond(
        "GetCallerIdentity",
        NAMESPACE,
        Some(&result),
        &req.request_id,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(action: &str) -> QueryRequest {
        QueryRequest {
            params: vec![
                ("Action".into(), action.into()),
                ("Version".into(), VERSION.into()),
            ],
            account_id: "123456789012".into(),
            region: "us-east-1".into(),
            request_id: "rid".into(),
        }
    }

    #[test]
    fn caller_identity_is_the_accounts_root() {
        let response = handle(&request("GetCallerIdentity")).unwrap();
        let body = std::str::from_utf8(response.body()).unwrap();
        assert!(body.starts_with(
            "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
        ));
        for part in [
            "<GetCallerIdentityResult>",
            "<Arn>arn:aws:iam::123456789012:root</Arn>",
            "<UserId>123456789012</UserId>",
            "<Account>123456789012</Account>",
            "<ResponseMetadata>",
            "<RequestId>rid</RequestId>",
        ] {
            assert!(body.contains(part), "{part} in {body}");
        }
    }

    #[test]
    fn other_actions_are_refused_by_name() {
        let e = handle(&request("AssumeRole")).unwrap_err();
        assert_eq!(e.code, "InvalidAction");
        assert_eq!(e.status, http::StatusCode::BAD_REQUEST);
        assert!(
            e.message
                .starts_with("AssumeRole is not simulated by s3lambda")
        );
    }
}
