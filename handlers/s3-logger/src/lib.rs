//! `s3-logger`: logs one line per S3 event record and returns a summary.
//!
//! Each record logs `<eventName> s3://<bucket>/<key> size=<size>`; the response is
//! `{"records":N,"keys":["bucket/key",...]}`.

use serde_json::{Value, json};

fn handle(event: &str, _ctx: &s3lambda_guest::Context) -> Result<String, s3lambda_guest::Error> {
    let event: Value = serde_json::from_str(event)
        .map_err(|e| s3lambda_guest::Error::new("SyntaxError", e.to_string()))?;
    let records = event
        .get("Records")
        .and_then(Value::as_array)
        .map_or(&[][..], Vec::as_slice);
    let mut keys = Vec::with_capacity(records.len());
    for record in records {
        let name = record
            .get("eventName")
            .and_then(Value::as_str)
            .unwrap_or("?");
        let s3 = record.get("s3");
        let bucket = s3
            .and_then(|s| s.pointer("/bucket/name"))
            .and_then(Value::as_str)
            .unwrap_or("?");
        let key = s3
            .and_then(|s| s.pointer("/object/key"))
            .and_then(Value::as_str)
            .unwrap_or("?");
        let size = s3
            .and_then(|s| s.pointer("/object/size"))
            .and_then(Value::as_u64)
            .unwrap_or(0);
        println!("{name} s3://{bucket}/{key} size={size}");
        keys.push(format!("{bucket}/{key}"));
    }
    Ok(json!({ "records": records.len(), "keys": keys }).to_string())
}

s3lambda_guest::handler!(handle);
