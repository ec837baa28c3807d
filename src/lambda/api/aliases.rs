//! Alias operations: CreateAlias, GetAlias, UpdateAlias, DeleteAlias, ListAliases.

use std::collections::BTreeMap;

use bytes::Bytes;
use http::{Response, StatusCode};
use serde::Deserialize;
use serde_json::json;

use super::LambdaRequest;
use super::wire::{self, alias_configuration, json, required};
use crate::lambda::error::LambdaError;
use crate::lambda::input::{AliasInput, AliasUpdate};
use crate::lambda::registry::Registry;

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
struct RoutingBody {
    additional_version_weights: Option<BTreeMap<String, f64>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct CreateBody {
    name: Option<String>,
    function_version: Option<String>,
    description: Option<String>,
    routing_config: Option<RoutingBody>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct UpdateBody {
    function_version: Option<String>,
    description: Option<String>,
    routing_config: Option<RoutingBody>,
    revision_id: Option<String>,
}

/// `POST /2015-03-31/functions/{name}/aliases` → 201 AliasConfiguration.
pub fn create_alias(
    reg: &Registry,
    req: &LambdaRequest,
    account: &str,
    name: &str,
) -> Result<Response<Bytes>, LambdaError> {
    let r = wire::function_ref_plain(name)?;
    let b: CreateBody = wire::body(req)?;
    let input = AliasInput {
        name: required(b.name, "name")?,
        function_version: required(b.function_version, "functionVersion")?,
        description: b.description,
        additional_version_weights: b
            .routing_config
            .map(|rc| rc.additional_version_weights.unwrap_or_default()),
    };
    let a = reg.create_alias(account, &req.region, &r, input)?;
    Ok(json(
        StatusCode::CREATED,
        &alias_configuration(&a),
        &req.request_id,
    ))
}

/// `GET /2015-03-31/functions/{name}/aliases/{alias}`.
pub fn get_alias(
    reg: &Registry,
    req: &LambdaRequest,
    account: &str,
    name: &str,
    alias: &str,
) -> Result<Response<Bytes>, LambdaError> {
    let r = wire::function_ref_plain(name)?;
    let a = reg.get_alias(account, &req.region, &r, alias)?;
    Ok(json(
        StatusCode::OK,
        &alias_configuration(&a),
        &req.request_id,
    ))
}

/// `PUT /2015-03-31/functions/{name}/aliases/{alias}`.
pub fn update_alias(
    reg: &Registry,
    req: &LambdaRequest,
    account: &str,
    name: &str,
    alias: &str,
) -> Result<Response<Bytes>, LambdaError> {
    let r = wire::function_ref_plain(name)?;
    let b: UpdateBody = wire::body(req)?;
    let u = AliasUpdate {
        function_version: b.function_version,
        description: b.description,
        additional_version_weights: b
            .routing_config
            .map(|rc| rc.additional_version_weights.unwrap_or_default()),
        revision_id: b.revision_id,
    };
    let a = reg.update_alias(account, &req.region, &r, alias, u)?;
    Ok(json(
        StatusCode::OK,
        &alias_configuration(&a),
        &req.request_id,
    ))
}

/// `DELETE /2015-03-31/functions/{name}/aliases/{alias}` → 204 (also for a missing alias).
pub fn delete_alias(
    reg: &Registry,
    req: &LambdaRequest,
    account: &str,
    name: &str,
    alias: &str,
) -> Result<Response<Bytes>, LambdaError> {
    let r = wire::function_ref_plain(name)?;
    reg.delete_alias(account, &req.region, &r, alias)?;
    Ok(wire::respond(StatusCode::NO_CONTENT, None, &req.request_id))
}

/// `GET /2015-03-31/functions/{name}/aliases?FunctionVersion=&Marker=&MaxItems=`.
pub fn list_aliases(
    reg: &Registry,
    req: &LambdaRequest,
    account: &str,
    name: &str,
) -> Result<Response<Bytes>, LambdaError> {
    let r = wire::function_ref_plain(name)?;
    let (items, next) = reg.list_aliases(
        account,
        &req.region,
        &r,
        wire::query(req, "FunctionVersion"),
        wire::query(req, "Marker"),
        wire::max_items(req)?,
    )?;
    let aliases: Vec<_> = items.iter().map(alias_configuration).collect();
    Ok(json(
        StatusCode::OK,
        &wire::with_marker(json!({ "Aliases": aliases }), next),
        &req.request_id,
    ))
}
