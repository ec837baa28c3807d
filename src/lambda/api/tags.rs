//! Tag operations on a function ARN (API 2017-03-31): `GET /tags/{ARN}` (ListTags),
//! `POST /tags/{ARN}` (TagResource), `DELETE /tags/{ARN}?tagKeys=…` (UntagResource).
//!
//! <https://docs.aws.amazon.com/lambda/latest/api/API_TagResource.html>

use std::collections::BTreeMap;

use bytes::Bytes;
use http::{Response, StatusCode};
use serde::Deserialize;
use serde_json::json;

use super::LambdaRequest;
use super::wire::{self, json, required};
use crate::lambda::error::LambdaError;
use crate::lambda::registry::Registry;

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct TagBody {
    tags: Option<BTreeMap<String, String>>,
}

/// `GET /2017-03-31/tags/{ARN}`: `{"Tags":{…}}`.
pub fn list(
    reg: &Registry,
    req: &LambdaRequest,
    account: &str,
    resource: &str,
) -> Result<Response<Bytes>, LambdaError> {
    let r = wire::function_ref_plain(resource)?;
    let tags = reg.list_tags(account, &req.region, &r)?;
    Ok(json(
        StatusCode::OK,
        &json!({ "Tags": tags }),
        &req.request_id,
    ))
}

/// `POST /2017-03-31/tags/{ARN}` with `{"Tags":{…}}`: 204.
pub fn tag(
    reg: &Registry,
    req: &LambdaRequest,
    account: &str,
    resource: &str,
) -> Result<Response<Bytes>, LambdaError> {
    let r = wire::function_ref_plain(resource)?;
    let body: TagBody = wire::body(req)?;
    let tags = required(body.tags, "tags")?;
    reg.tag_resource(account, &req.region, &r, tags)?;
    Ok(wire::respond(StatusCode::NO_CONTENT, None, &req.request_id))
}

/// `DELETE /2017-03-31/tags/{ARN}?tagKeys=a&tagKeys=b`: 204.
pub fn untag(
    reg: &Registry,
    req: &LambdaRequest,
    account: &str,
    resource: &str,
) -> Result<Response<Bytes>, LambdaError> {
    let r = wire::function_ref_plain(resource)?;
    let keys: Vec<String> = req
        .query
        .iter()
        .filter(|(k, _)| k == "tagKeys")
        .map(|(_, v)| v.clone())
        .collect();
    if keys.is_empty() {
        return Err(LambdaError::validation_null(
            "tagKeys",
            "Member must not be null",
        ));
    }
    reg.untag_resource(account, &req.region, &r, &keys)?;
    Ok(wire::respond(StatusCode::NO_CONTENT, None, &req.request_id))
}
