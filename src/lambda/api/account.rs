//! Account-level reads IaC tools make on every refresh: GetAccountSettings (API 2016-08-19),
//! ListLayers and ListEventSourceMappings (always empty: s3lambda simulates neither layers
//! nor event source mappings), and a function's GetFunctionRecursionConfig (API 2024-08-31)
//! and GetFunctionCodeSigningConfig (API 2020-06-30; s3lambda has no code signing configs),
//! GetRuntimeManagementConfig (API 2021-07-20; every function updates its runtime `Auto`).
//!
//! <https://docs.aws.amazon.com/lambda/latest/api/API_GetAccountSettings.html>

use bytes::Bytes;
use http::{Response, StatusCode};
use serde_json::json;

use super::LambdaRequest;
use super::wire::{self, json};
use crate::lambda::error::LambdaError;
use crate::lambda::package;
use crate::lambda::registry::{ACCOUNT_CONCURRENCY_LIMIT, Registry};

/// Lambda's default quotas: 75 GB of code storage and 50 MB zipped upload (the unzipped
/// limit is the one packages are held to, [`package::MAX_UNZIPPED`]).
const TOTAL_CODE_SIZE: u64 = 80_530_636_800;
const CODE_SIZE_ZIPPED: u64 = 52_428_800;

/// `GET /2016-08-19/account-settings`: the default quotas and what the calling account uses
/// in the request's region.
pub fn get_account_settings(
    reg: &Registry,
    req: &LambdaRequest,
    account: &str,
) -> Result<Response<Bytes>, LambdaError> {
    let usage = reg.account_usage(account, &req.region);
    Ok(json(
        StatusCode::OK,
        &json!({
            "AccountLimit": {
                "TotalCodeSize": TOTAL_CODE_SIZE,
                "CodeSizeUnzipped": package::MAX_UNZIPPED,
                "CodeSizeZipped": CODE_SIZE_ZIPPED,
                "ConcurrentExecutions": ACCOUNT_CONCURRENCY_LIMIT,
                "UnreservedConcurrentExecutions": usage.unreserved_concurrency(),
            },
            "AccountUsage": {
                "TotalCodeSize": usage.total_code_size,
                "FunctionCount": usage.function_count,
            },
        }),
        &req.request_id,
    ))
}

/// An empty page of a list operation s3lambda has nothing for (`{"Layers":[]}`).
pub fn empty_list(req: &LambdaRequest, member: &str) -> Response<Bytes> {
    json(StatusCode::OK, &json!({ member: [] }), &req.request_id)
}

/// A function setting s3lambda does not store, answered with Lambda's default for an
/// existing function: `GET /2024-08-31/functions/{name}/recursion-config` gives
/// `{"RecursiveLoop":"Terminate"}`, `GET /2020-06-30/functions/{name}/code-signing-config`
/// gives `{}` (no code signing configuration attached, as Lambda answers then).
pub fn default_setting(
    reg: &Registry,
    req: &LambdaRequest,
    account: &str,
    name: &str,
    default: &serde_json::Value,
) -> Result<Response<Bytes>, LambdaError> {
    let r = wire::function_ref_plain(name)?;
    reg.require(account, &req.region, &r)?;
    Ok(json(StatusCode::OK, default, &req.request_id))
}

/// `GET /2021-07-20/functions/{name}/runtime-management-config?Qualifier=`: the mode every
/// function has until `PutRuntimeManagementConfig` (not simulated) changes it,
/// `{"UpdateRuntimeOn":"Auto","FunctionArn":…}`. `RuntimeVersionArn` is left out: AWS returns
/// it null unless the mode is `Manual`
/// (<https://docs.aws.amazon.com/lambda/latest/api/API_GetRuntimeManagementConfig.html>).
/// `FunctionArn` is the ARN GetFunctionConfiguration gives for the same name and qualifier.
pub fn get_runtime_management_config(
    reg: &Registry,
    req: &LambdaRequest,
    account: &str,
    name: &str,
) -> Result<Response<Bytes>, LambdaError> {
    let r = wire::function_ref(req, name)?;
    let v = reg.get_function(account, &req.region, &r)?;
    Ok(json(
        StatusCode::OK,
        &json!({ "UpdateRuntimeOn": "Auto", "FunctionArn": v.arn }),
        &req.request_id,
    ))
}
