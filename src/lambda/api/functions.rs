//! Function operations: CreateFunction, GetFunction, GetFunctionConfiguration, ListFunctions,
//! UpdateFunctionCode, UpdateFunctionConfiguration, DeleteFunction.

use std::collections::BTreeMap;

use base64::Engine as _;
use bytes::Bytes;
use http::{Response, StatusCode};
use serde::Deserialize;
use serde_json::json;

use super::wire::{self, function_configuration, json, required};
use super::{LambdaRequest, access};
use crate::arn;
use crate::lambda::error::LambdaError;
use crate::lambda::input::{CodeUpdate, ConfigUpdate, CreateFunction};
use crate::lambda::registry::Registry;

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
struct EnvironmentBody {
    variables: Option<BTreeMap<String, String>>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
struct StorageBody {
    size: Option<u32>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
struct CodeBody {
    zip_file: Option<String>,
    s3_bucket: Option<String>,
    image_uri: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct CreateBody {
    function_name: Option<String>,
    runtime: Option<String>,
    role: Option<String>,
    handler: Option<String>,
    code: Option<CodeBody>,
    description: Option<String>,
    timeout: Option<u32>,
    memory_size: Option<u32>,
    publish: Option<bool>,
    environment: Option<EnvironmentBody>,
    tags: Option<BTreeMap<String, String>>,
    architectures: Option<Vec<String>>,
    ephemeral_storage: Option<StorageBody>,
    package_type: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct UpdateCodeBody {
    zip_file: Option<String>,
    s3_bucket: Option<String>,
    image_uri: Option<String>,
    publish: Option<bool>,
    revision_id: Option<String>,
    architectures: Option<Vec<String>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct UpdateConfigBody {
    role: Option<String>,
    handler: Option<String>,
    description: Option<String>,
    timeout: Option<u32>,
    memory_size: Option<u32>,
    environment: Option<EnvironmentBody>,
    runtime: Option<String>,
    revision_id: Option<String>,
    ephemeral_storage: Option<StorageBody>,
}

fn zip_bytes(
    zip: Option<String>,
    s3_bucket: Option<&String>,
    image_uri: Option<&String>,
) -> Result<Vec<u8>, LambdaError> {
    if image_uri.is_some() {
        return Err(LambdaError::InvalidParameterValue(
            "Container images are not supported by s3lambda; upload a zip holding a .wasm component as ZipFile.".into(),
        ));
    }
    if s3_bucket.is_some() {
        return Err(LambdaError::InvalidParameterValue(
            "Code from S3Bucket/S3Key is not supported by s3lambda; pass the deployment package as ZipFile.".into(),
        ));
    }
    let b64 = zip.ok_or_else(|| {
        LambdaError::InvalidParameterValue(
            "Please provide a source for function code: ZipFile.".into(),
        )
    })?;
    base64::engine::general_purpose::STANDARD
        .decode(b64.trim())
        .map_err(|e| {
            LambdaError::InvalidRequestContent(format!("Could not decode ZipFile as base64: {e}"))
        })
}

/// `POST /2015-03-31/functions` → 201 FunctionConfiguration.
pub fn create_function(
    reg: &Registry,
    req: &LambdaRequest,
    account: &str,
) -> Result<Response<Bytes>, LambdaError> {
    let b: CreateBody = wire::body(req)?;
    let function_name = required(b.function_name, "functionName")?;
    access::create_in_own_account(req, &function_name)?;
    let role = required(b.role, "role")?;
    let code = required(b.code, "code")?;
    if b.package_type.as_deref().is_some_and(|p| p != "Zip") {
        return Err(LambdaError::InvalidParameterValue(
            "s3lambda supports PackageType Zip only.".into(),
        ));
    }
    let zip_file = zip_bytes(
        code.zip_file,
        code.s3_bucket.as_ref(),
        code.image_uri.as_ref(),
    )?;
    let input = CreateFunction {
        function_name,
        runtime: b.runtime,
        role,
        handler: b.handler,
        description: b.description,
        timeout: b.timeout,
        memory_size: b.memory_size,
        environment: b.environment.and_then(|e| e.variables).unwrap_or_default(),
        zip_file,
        publish: b.publish.unwrap_or(false),
        tags: b.tags.unwrap_or_default(),
        architectures: b.architectures,
        ephemeral_storage: b.ephemeral_storage.and_then(|s| s.size),
    };
    let c = reg.create_function(account, &req.region, input)?;
    Ok(json(
        StatusCode::CREATED,
        &function_configuration(&c, &c.function_arn()),
        &req.request_id,
    ))
}

/// `GET /2015-03-31/functions` → ListFunctions.
pub fn list_functions(
    reg: &Registry,
    req: &LambdaRequest,
    account: &str,
) -> Result<Response<Bytes>, LambdaError> {
    let marker = wire::query(req, "Marker");
    let max = wire::max_items(req)?;
    let (items, next) = match wire::query(req, "FunctionVersion") {
        None => reg.list_functions(account, &req.region, marker, max),
        Some("ALL") => reg.list_functions_all_versions(account, &req.region, marker, max),
        Some(other) => {
            return Err(LambdaError::validation(
                other,
                "functionVersion",
                "Member must satisfy enum value set: [ALL]",
            ));
        }
    };
    let functions: Vec<_> = items
        .iter()
        .map(|c| {
            let arn = if c.version == arn::LATEST {
                c.function_arn()
            } else {
                c.version_arn()
            };
            function_configuration(c, &arn)
        })
        .collect();
    Ok(json(
        StatusCode::OK,
        &wire::with_marker(json!({ "Functions": functions }), next),
        &req.request_id,
    ))
}

/// `GET /2015-03-31/functions/{name}` → {Configuration, Code, Tags?}.
pub fn get_function(
    reg: &Registry,
    req: &LambdaRequest,
    account: &str,
    name: &str,
) -> Result<Response<Bytes>, LambdaError> {
    let r = wire::function_ref(req, name)?;
    let v = reg.get_function(account, &req.region, &r)?;
    let c = &v.config;
    let location = format!(
        "https://awslambda-{}-tasks.s3.{}.amazonaws.com/snapshots/{}/{}-{}",
        c.region,
        c.region,
        c.account,
        c.function_name,
        c.version.trim_start_matches('$')
    );
    let mut body = json!({
        "Configuration": function_configuration(c, &v.arn),
        "Code": { "RepositoryType": "S3", "Location": location },
    });
    if !v.tags.is_empty()
        && let Some(obj) = body.as_object_mut()
    {
        obj.insert("Tags".into(), json!(v.tags));
    }
    if let Some(n) = v.reserved_concurrency
        && let Some(obj) = body.as_object_mut()
    {
        obj.insert(
            "Concurrency".into(),
            json!({ "ReservedConcurrentExecutions": n }),
        );
    }
    Ok(json(StatusCode::OK, &body, &req.request_id))
}

/// `GET /2015-03-31/functions/{name}/configuration`.
pub fn get_function_configuration(
    reg: &Registry,
    req: &LambdaRequest,
    account: &str,
    name: &str,
) -> Result<Response<Bytes>, LambdaError> {
    let r = wire::function_ref(req, name)?;
    let v = reg.get_function(account, &req.region, &r)?;
    Ok(json(
        StatusCode::OK,
        &function_configuration(&v.config, &v.arn),
        &req.request_id,
    ))
}

/// `PUT /2015-03-31/functions/{name}/code`.
pub fn update_function_code(
    reg: &Registry,
    req: &LambdaRequest,
    account: &str,
    name: &str,
) -> Result<Response<Bytes>, LambdaError> {
    let r = wire::function_ref_plain(name)?;
    let b: UpdateCodeBody = wire::body(req)?;
    let zip_file = zip_bytes(b.zip_file, b.s3_bucket.as_ref(), b.image_uri.as_ref())?;
    let publish = b.publish.unwrap_or(false);
    let c = reg.update_function_code(
        account,
        &req.region,
        &r,
        CodeUpdate {
            zip_file,
            publish,
            architectures: b.architectures,
            revision_id: b.revision_id,
        },
    )?;
    let arn = if publish {
        c.version_arn()
    } else {
        c.function_arn()
    };
    Ok(json(
        StatusCode::OK,
        &function_configuration(&c, &arn),
        &req.request_id,
    ))
}

/// `PUT /2015-03-31/functions/{name}/configuration`.
pub fn update_function_configuration(
    reg: &Registry,
    req: &LambdaRequest,
    account: &str,
    name: &str,
) -> Result<Response<Bytes>, LambdaError> {
    let r = wire::function_ref_plain(name)?;
    let b: UpdateConfigBody = wire::body(req)?;
    let u = ConfigUpdate {
        timeout: b.timeout,
        memory_size: b.memory_size,
        environment: b.environment.map(|e| e.variables.unwrap_or_default()),
        description: b.description,
        handler: b.handler,
        runtime: b.runtime,
        role: b.role,
        ephemeral_storage: b.ephemeral_storage.and_then(|s| s.size),
        revision_id: b.revision_id,
    };
    let c = reg.update_function_configuration(account, &req.region, &r, u)?;
    Ok(json(
        StatusCode::OK,
        &function_configuration(&c, &c.function_arn()),
        &req.request_id,
    ))
}

/// `DELETE /2015-03-31/functions/{name}?Qualifier=` → 204.
pub fn delete_function(
    reg: &Registry,
    req: &LambdaRequest,
    account: &str,
    name: &str,
) -> Result<Response<Bytes>, LambdaError> {
    let r = wire::function_ref(req, name)?;
    reg.delete_function(account, &req.region, &r)?;
    Ok(wire::respond(StatusCode::NO_CONTENT, None, &req.request_id))
}
