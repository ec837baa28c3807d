//! Version operations: PublishVersion, ListVersionsByFunction.

use bytes::Bytes;
use http::{Response, StatusCode};
use serde::Deserialize;
use serde_json::json;

use super::LambdaRequest;
use super::wire::{self, function_configuration, json};
use crate::lambda::error::LambdaError;
use crate::lambda::registry::Registry;

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct PublishBody {
    code_sha256: Option<String>,
    description: Option<String>,
    revision_id: Option<String>,
}

/// `POST /2015-03-31/functions/{name}/versions` → 201 (also when nothing changed).
pub fn publish_version(
    reg: &Registry,
    req: &LambdaRequest,
    account: &str,
    name: &str,
) -> Result<Response<Bytes>, LambdaError> {
    let r = wire::function_ref_plain(name)?;
    let b: PublishBody = wire::body(req)?;
    let c = reg.publish_version(
        account,
        &req.region,
        &r,
        b.description,
        b.code_sha256.as_deref(),
        b.revision_id.as_deref(),
    )?;
    Ok(json(
        StatusCode::CREATED,
        &function_configuration(&c, &c.version_arn()),
        &req.request_id,
    ))
}

/// `GET /2015-03-31/functions/{name}/versions?Marker=&MaxItems=`.
pub fn list_versions(
    reg: &Registry,
    req: &LambdaRequest,
    account: &str,
    name: &str,
) -> Result<Response<Bytes>, LambdaError> {
    let r = wire::function_ref_plain(name)?;
    let (items, next) = reg.list_versions(
        account,
        &req.region,
        &r,
        wire::query(req, "Marker"),
        wire::max_items(req)?,
    )?;
    let versions: Vec<_> = items
        .iter()
        .map(|c| function_configuration(c, &c.version_arn()))
        .collect();
    Ok(json(
        StatusCode::OK,
        &wire::with_marker(json!({ "Versions": versions }), next),
        &req.request_id,
    ))
}
