//! `env`: returns its environment and invocation context as JSON:
//! `{"env":{"NAME":"value",...},"context":{"requestId":..,"functionName":..,...}}`.

use serde_json::{Map, Value, json};

fn handle(_event: &str, ctx: &s3lambda_guest::Context) -> Result<String, s3lambda_guest::Error> {
    let env: Map<String, Value> = std::env::vars()
        .map(|(k, v)| (k, Value::String(v)))
        .collect();
    let context = json!({
        "requestId": ctx.request_id,
        "invokedFunctionArn": ctx.invoked_function_arn,
        "functionName": ctx.function_name,
        "functionVersion": ctx.function_version,
        "memoryLimitInMB": ctx.memory_limit_mb,
        "deadlineMs": ctx.deadline_ms,
        "remainingTimeMs": ctx.remaining_time_ms(),
        "logGroupName": ctx.log_group_name,
        "logStreamName": ctx.log_stream_name,
    });
    Ok(json!({ "env": env, "context": context }).to_string())
}

s3lambda_guest::handler!(handle);
