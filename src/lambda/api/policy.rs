//! Resource-policy operations: AddPermission, RemovePermission, GetPolicy.

use bytes::Bytes;
use http::{Response, StatusCode};
use serde::Deserialize;
use serde_json::json;

use super::LambdaRequest;
use super::wire::{self, json, required};
use crate::lambda::error::LambdaError;
use crate::lambda::policy::PermissionRequest;
use crate::lambda::registry::Registry;

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct AddBody {
    statement_id: Option<String>,
    action: Option<String>,
    principal: Option<String>,
    source_arn: Option<String>,
    source_account: Option<String>,
    event_source_token: Option<String>,
    #[serde(rename = "PrincipalOrgID")]
    principal_org_id: Option<String>,
    function_url_auth_type: Option<String>,
    invoked_via_function_url: Option<bool>,
    revision_id: Option<String>,
}

/// `POST /2015-03-31/functions/{name}/policy?Qualifier=` → 201 `{"Statement": "<json>"}`.
pub fn add_permission(
    reg: &Registry,
    req: &LambdaRequest,
    account: &str,
    name: &str,
) -> Result<Response<Bytes>, LambdaError> {
    let r = wire::function_ref(req, name)?;
    let b: AddBody = wire::body(req)?;
    let p = PermissionRequest {
        statement_id: required(b.statement_id, "statementId")?,
        action: required(b.action, "action")?,
        principal: required(b.principal, "principal")?,
        source_arn: b.source_arn,
        source_account: b.source_account,
        event_source_token: b.event_source_token,
        principal_org_id: b.principal_org_id,
        function_url_auth_type: b.function_url_auth_type,
        invoked_via_function_url: b.invoked_via_function_url,
        revision_id: b.revision_id,
    };
    let st = reg.add_permission(account, &req.region, &r, &p)?;
    Ok(json(
        StatusCode::CREATED,
        &json!({ "Statement": st.to_json() }),
        &req.request_id,
    ))
}

/// `GET /2015-03-31/functions/{name}/policy?Qualifier=` → `{"Policy": "<json>", "RevisionId"}`.
pub fn get_policy(
    reg: &Registry,
    req: &LambdaRequest,
    account: &str,
    name: &str,
) -> Result<Response<Bytes>, LambdaError> {
    let r = wire::function_ref(req, name)?;
    let p = reg.get_policy(account, &req.region, &r)?;
    Ok(json(
        StatusCode::OK,
        &json!({ "Policy": p.to_json(), "RevisionId": p.revision_id }),
        &req.request_id,
    ))
}

/// `DELETE /2015-03-31/functions/{name}/policy/{sid}?Qualifier=&RevisionId=` → 204.
pub fn remove_permission(
    reg: &Registry,
    req: &LambdaRequest,
    account: &str,
    name: &str,
    sid: &str,
) -> Result<Response<Bytes>, LambdaError> {
    let r = wire::function_ref(req, name)?;
    reg.remove_permission(
        account,
        &req.region,
        &r,
        sid,
        wire::query(req, "RevisionId"),
    )?;
    Ok(wire::respond(StatusCode::NO_CONTENT, None, &req.request_id))
}
