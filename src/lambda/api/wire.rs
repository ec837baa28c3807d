//! Wire helpers shared by the operation families: body parsing, query parameters,
//! JSON responses and the model's response shapes (FunctionConfiguration, AliasConfiguration).

use bytes::Bytes;
use http::{HeaderValue, Response, StatusCode};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use super::LambdaRequest;
use crate::arn::{FunctionRef, NameKind};
use crate::lambda::config::{Alias, FunctionConfig, Lifecycle};
use crate::lambda::error::LambdaError;

/// Parses a JSON body (an empty body counts as `{}`).
pub fn body<T: DeserializeOwned>(req: &LambdaRequest) -> Result<T, LambdaError> {
    let bytes: &[u8] = if req.body.iter().all(u8::is_ascii_whitespace) {
        b"{}"
    } else {
        &req.body
    };
    serde_json::from_slice(bytes).map_err(|e| {
        LambdaError::InvalidRequestContent(format!("Could not parse request body into json: {e}"))
    })
}

/// A required member: `Value null at '{field}' failed to satisfy constraint: Member must not be null`.
pub fn required<T>(v: Option<T>, field: &str) -> Result<T, LambdaError> {
    v.ok_or_else(|| LambdaError::validation_null(field, "Member must not be null"))
}

/// The first value of query parameter `name`.
pub fn query<'a>(req: &'a LambdaRequest, name: &str) -> Option<&'a str> {
    req.query
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// `MaxItems` (1–10000 in the model; pages are capped at 50).
pub fn max_items(req: &LambdaRequest) -> Result<Option<usize>, LambdaError> {
    let Some(v) = query(req, "MaxItems") else {
        return Ok(None);
    };
    match v.parse::<usize>() {
        Ok(n) if (1..=10000).contains(&n) => Ok(Some(n)),
        _ => Err(LambdaError::validation(
            v,
            "maxItems",
            "Member must have value between 1 and 10000",
        )),
    }
}

/// Parses the path's FunctionName merged with the `Qualifier` query parameter.
pub fn function_ref(req: &LambdaRequest, name: &str) -> Result<FunctionRef, LambdaError> {
    Ok(FunctionRef::parse_with_qualifier(
        name,
        NameKind::Namespaced,
        query(req, "Qualifier"),
    )?)
}

/// Parses the path's FunctionName ignoring any `Qualifier` parameter.
pub fn function_ref_plain(name: &str) -> Result<FunctionRef, LambdaError> {
    Ok(FunctionRef::parse(name, NameKind::Namespaced)?)
}

/// A response with the request id header and an optional JSON body.
pub fn respond(status: StatusCode, body: Option<&Value>, request_id: &str) -> Response<Bytes> {
    let bytes = body
        .map(|b| Bytes::from(serde_json::to_vec(b).unwrap_or_default()))
        .unwrap_or_default();
    let mut r = Response::new(bytes);
    *r.status_mut() = status;
    if let Ok(v) = HeaderValue::from_str(request_id) {
        r.headers_mut().insert("x-amzn-RequestId", v);
    }
    if body.is_some() {
        r.headers_mut().insert(
            http::header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
    }
    r
}

/// A JSON response.
pub fn json(status: StatusCode, body: &Value, request_id: &str) -> Response<Bytes> {
    respond(status, Some(body), request_id)
}

/// The model's `FunctionConfiguration`, with `FunctionArn` as given.
pub fn function_configuration(c: &FunctionConfig, function_arn: &str) -> Value {
    let mut v = json!({
        "FunctionName": c.function_name,
        "FunctionArn": function_arn,
        "Role": c.role,
        "CodeSize": c.code.size,
        "Description": c.description,
        "Timeout": c.timeout,
        "MemorySize": c.memory_size,
        "LastModified": c.last_modified,
        "CodeSha256": c.code.sha256,
        "Version": c.version,
        "TracingConfig": { "Mode": "PassThrough" },
        "RevisionId": c.revision_id,
        "PackageType": "Zip",
        "Architectures": c.architectures,
        "EphemeralStorage": { "Size": c.ephemeral_storage },
        "SnapStart": { "ApplyOn": "None", "OptimizationStatus": "Off" },
        "LoggingConfig": { "LogFormat": "Text", "LogGroup": format!("/aws/lambda/{}", c.function_name) },
    });
    if let Some(obj) = v.as_object_mut() {
        if let Some(r) = &c.runtime {
            obj.insert("Runtime".into(), r.clone().into());
        }
        if let Some(h) = &c.handler {
            obj.insert("Handler".into(), h.clone().into());
        }
        if !c.environment.is_empty() {
            obj.insert("Environment".into(), json!({ "Variables": c.environment }));
        }
        for (field, value) in lifecycle(&c.lifecycle) {
            obj.insert(field.into(), value.into());
        }
    }
    v
}

/// The model's `AliasConfiguration` (RoutingConfig omitted when empty).
pub fn alias_configuration(a: &Alias) -> Value {
    let mut v = json!({
        "AliasArn": a.alias_arn,
        "Name": a.name,
        "FunctionVersion": a.function_version,
        "Description": a.description,
        "RevisionId": a.revision_id,
    });
    if !a.additional_version_weights.is_empty()
        && let Some(obj) = v.as_object_mut()
    {
        obj.insert(
            "RoutingConfig".into(),
            json!({ "AdditionalVersionWeights": a.additional_version_weights }),
        );
    }
    v
}

/// Adds `NextMarker` to a list response when there is a next page.
pub fn with_marker(mut v: Value, next: Option<String>) -> Value {
    if let (Some(m), Some(obj)) = (next, v.as_object_mut()) {
        obj.insert("NextMarker".into(), m.into());
    }
    v
}

/// The state fields of a lifecycle, as Lambda writes them (a function being created has no
/// `LastUpdateStatus` yet).
fn lifecycle(l: &Lifecycle) -> Vec<(&'static str, String)> {
    const CREATING: &str = "The function is being created.";
    let failed = |reason: &str| {
        [
            ("LastUpdateStatus", "Failed".to_owned()),
            ("LastUpdateStatusReason", reason.to_owned()),
            ("LastUpdateStatusReasonCode", "InternalError".to_owned()),
        ]
    };
    let mut fields = match l {
        Lifecycle::Active | Lifecycle::Updating | Lifecycle::UpdateFailed(_) => {
            vec![("State", "Active".to_owned())]
        }
        Lifecycle::Creating => vec![
            ("State", "Pending".to_owned()),
            ("StateReason", CREATING.to_owned()),
            ("StateReasonCode", "Creating".to_owned()),
        ],
        Lifecycle::CreateFailed(reason) => vec![
            ("State", "Failed".to_owned()),
            ("StateReason", reason.clone()),
            ("StateReasonCode", "InternalError".to_owned()),
        ],
    };
    match l {
        Lifecycle::Active => fields.push(("LastUpdateStatus", "Successful".to_owned())),
        Lifecycle::Updating => fields.extend([
            ("LastUpdateStatus", "InProgress".to_owned()),
            ("LastUpdateStatusReason", CREATING.to_owned()),
            ("LastUpdateStatusReasonCode", "Creating".to_owned()),
        ]),
        Lifecycle::CreateFailed(reason) | Lifecycle::UpdateFailed(reason) => {
            fields.extend(failed(reason));
        }
        Lifecycle::Creating => {}
    }
    fields
}
