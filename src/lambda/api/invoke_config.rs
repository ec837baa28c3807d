//! Asynchronous invocation configuration operations (API 2019-09-25):
//! Put/Update/Get/Delete FunctionEventInvokeConfig and ListFunctionEventInvokeConfigs.

use bytes::Bytes;
use http::{Response, StatusCode};
use serde::Deserialize;
use serde_json::{Value, json};

use super::LambdaRequest;
use super::wire::{self, json};
use crate::lambda::error::LambdaError;
use crate::lambda::invoke_config::EventInvokeConfig;
use crate::lambda::registry::Registry;

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
struct Destination {
    destination: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
struct DestinationConfig {
    on_success: Option<Destination>,
    on_failure: Option<Destination>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct ConfigBody {
    maximum_retry_attempts: Option<u32>,
    maximum_event_age_in_seconds: Option<u32>,
    destination_config: Option<DestinationConfig>,
}

/// The model's `FunctionEventInvokeConfig`.
pub fn event_invoke_config_json(c: &EventInvokeConfig, function_arn: &str) -> Value {
    let dest = |d: &Option<String>| {
        d.as_ref()
            .map_or_else(|| json!({}), |d| json!({ "Destination": d }))
    };
    let mut v = json!({
        "LastModified": c.last_modified,
        "FunctionArn": function_arn,
        "DestinationConfig": { "OnSuccess": dest(&c.on_success), "OnFailure": dest(&c.on_failure) },
    });
    if let Some(obj) = v.as_object_mut() {
        if let Some(n) = c.maximum_retry_attempts {
            obj.insert("MaximumRetryAttempts".into(), n.into());
        }
        if let Some(n) = c.maximum_event_age_in_seconds {
            obj.insert("MaximumEventAgeInSeconds".into(), n.into());
        }
    }
    v
}

/// `PUT` (overwrite) or `POST` (merge) `/2019-09-25/functions/{name}/event-invoke-config`.
pub fn put(
    reg: &Registry,
    req: &LambdaRequest,
    account: &str,
    name: &str,
    merge: bool,
) -> Result<Response<Bytes>, LambdaError> {
    let r = wire::function_ref(req, name)?;
    let b: ConfigBody = wire::body(req)?;
    let d = b.destination_config.unwrap_or_default();
    let config = EventInvokeConfig {
        maximum_retry_attempts: b.maximum_retry_attempts,
        maximum_event_age_in_seconds: b.maximum_event_age_in_seconds,
        on_success: d.on_success.and_then(|x| x.destination),
        on_failure: d.on_failure.and_then(|x| x.destination),
        last_modified: 0.0,
    };
    let (c, arn) = reg.put_event_invoke_config(account, &req.region, &r, config, merge)?;
    Ok(json(
        StatusCode::OK,
        &event_invoke_config_json(&c, &arn),
        &req.request_id,
    ))
}

/// `GET /2019-09-25/functions/{name}/event-invoke-config`.
pub fn get(
    reg: &Registry,
    req: &LambdaRequest,
    account: &str,
    name: &str,
) -> Result<Response<Bytes>, LambdaError> {
    let r = wire::function_ref(req, name)?;
    let (c, arn) = reg.get_event_invoke_config(account, &req.region, &r)?;
    Ok(json(
        StatusCode::OK,
        &event_invoke_config_json(&c, &arn),
        &req.request_id,
    ))
}

/// `DELETE /2019-09-25/functions/{name}/event-invoke-config` → 204.
pub fn delete(
    reg: &Registry,
    req: &LambdaRequest,
    account: &str,
    name: &str,
) -> Result<Response<Bytes>, LambdaError> {
    let r = wire::function_ref(req, name)?;
    reg.delete_event_invoke_config(account, &req.region, &r)?;
    Ok(wire::respond(StatusCode::NO_CONTENT, None, &req.request_id))
}

/// `GET /2019-09-25/functions/{name}/event-invoke-config/list`.
pub fn list(
    reg: &Registry,
    req: &LambdaRequest,
    account: &str,
    name: &str,
) -> Result<Response<Bytes>, LambdaError> {
    let r = wire::function_ref_plain(name)?;
    let items = reg.list_event_invoke_configs(account, &req.region, &r)?;
    let configs: Vec<Value> = items
        .iter()
        .map(|(c, arn)| event_invoke_config_json(c, arn))
        .collect();
    Ok(json(
        StatusCode::OK,
        &json!({ "FunctionEventInvokeConfigs": configs }),
        &req.request_id,
    ))
}
