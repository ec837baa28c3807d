//! `helloworld`: the AWS Lambda getting-started function, in Rust.
//!
//! Logs `Loading function` once per instance (s3lambda runs every invocation in a fresh
//! instance, so once per invocation), then `value1 = ..`, `value2 = ..`, `value3 = ..` from
//! the event, and returns `event.key1` as JSON (the tutorial's Node function returns
//! `event.key1`; `null` when absent).

use std::sync::Once;

use serde_json::Value;

static LOADING: Once = Once::new();

fn handle(event: &str, _ctx: &s3lambda_guest::Context) -> Result<String, s3lambda_guest::Error> {
    LOADING.call_once(|| println!("Loading function"));
    let event: Value = serde_json::from_str(event)
        .map_err(|e| s3lambda_guest::Error::new("SyntaxError", e.to_string()))?;
    let show = |key: &str| match event.get(key) {
        Some(Value::String(s)) => s.clone(),
        Some(v) => v.to_string(),
        None => "undefined".to_owned(),
    };
    println!("value1 = {}", show("key1"));
    println!("value2 = {}", show("key2"));
    println!("value3 = {}", show("key3"));
    Ok(event.get("key1").unwrap_or(&Value::Null).to_string())
}

s3lambda_guest::handler!(handle);
