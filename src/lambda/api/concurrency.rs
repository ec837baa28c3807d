//! Reserved concurrency operations: PutFunctionConcurrency and DeleteFunctionConcurrency
//! (API 2017-10-31) and GetFunctionConcurrency (API 2019-09-30).
//!
//! <https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html>

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
struct ConcurrencyBody {
    reserved_concurrent_executions: Option<i64>,
}

/// The model's `ReservedConcurrentExecutions` (`@range(min: 0)`).
fn reserved(n: Option<i64>) -> Result<u32, LambdaError> {
    let n = required(n, "reservedConcurrentExecutions")?;
    u32::try_from(n).map_err(|_| {
        LambdaError::validation(
            n,
            "reservedConcurrentExecutions",
            "Member must have value greater than or equal to 0",
        )
    })
}

/// `PUT /2017-10-31/functions/{name}/concurrency`.
pub fn put(
    reg: &Registry,
    req: &LambdaRequest,
    account: &str,
    name: &str,
) -> Result<Response<Bytes>, LambdaError> {
    let r = wire::function_ref_plain(name)?;
    let b: ConcurrencyBody = wire::body(req)?;
    let n = reserved(b.reserved_concurrent_executions)?;
    let n = reg.put_function_concurrency(account, &req.region, &r, n)?;
    Ok(json(
        StatusCode::OK,
        &json!({ "ReservedConcurrentExecutions": n }),
        &req.request_id,
    ))
}

/// `GET /2019-09-30/functions/{name}/concurrency` (`{}` when none is reserved).
pub fn get(
    reg: &Registry,
    req: &LambdaRequest,
    account: &str,
    name: &str,
) -> Result<Response<Bytes>, LambdaError> {
    let r = wire::function_ref_plain(name)?;
    let body = match reg.get_function_concurrency(account, &req.region, &r)? {
        Some(n) => json!({ "ReservedConcurrentExecutions": n }),
        None => json!({}),
    };
    Ok(json(StatusCode::OK, &body, &req.request_id))
}

/// `DELETE /2017-10-31/functions/{name}/concurrency` → 204.
pub fn delete(
    reg: &Registry,
    req: &LambdaRequest,
    account: &str,
    name: &str,
) -> Result<Response<Bytes>, LambdaError> {
    let r = wire::function_ref_plain(name)?;
    reg.delete_function_concurrency(account, &req.region, &r)?;
    Ok(wire::respond(StatusCode::NO_CONTENT, None, &req.request_id))
}
