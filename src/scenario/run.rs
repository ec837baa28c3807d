//! Running a scenario against a fresh in-process [`Simulator`]: setup, actions, waiting for
//! the deliveries, then checking every expectation.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::time::Duration;

use bytes::Bytes;
use http::Method;
use serde_json::{Value, json};

use super::check::{self, Recorded};
use super::load::ScenarioFile;
use super::report::{Problem, Report};
use super::schema::{
    Action, Bucket, DEFAULT_ACCOUNT, Function, Notification, Permission, Scenario, Spanned,
    function_name,
};
use crate::pipeline::DispatchConfig;
use crate::runtime::handlers;
use crate::sim::{LocalClient, Simulator, encode_path_segment as seg};
use crate::trace::Query;

/// How long the deliveries of a scenario may take before it is reported as stuck.
const IDLE_TIMEOUT: Duration = Duration::from_mins(1);

/// Runs a loaded scenario on a fresh simulator and checks its expectations.
pub async fn run(file: &ScenarioFile) -> Report {
    let scenario = &file.scenario;
    let mut report = Report::new(
        &file.path,
        scenario.name.clone().unwrap_or_else(|| file.path.clone()),
    );
    let mut builder = Simulator::builder();
    for a in &scenario.accounts {
        let id = &a.value.id;
        builder = builder.account(id, &format!("key-{id}"), &format!("secret-{id}"));
    }
    let sim = match builder.dispatch(DispatchConfig::default()).build() {
        Ok(sim) => sim,
        Err(e) => {
            report.problems.push(Problem {
                line: 0,
                step: "start the simulator".to_owned(),
                message: e.to_string(),
            });
            return report;
        }
    };
    sim.start_dispatch();
    let mut runner = Runner {
        sim: sim.clone(),
        file,
        clients: HashMap::new(),
        problems: Vec::new(),
        recorded: Recorded::default(),
    };
    runner.setup_functions(scenario).await;
    runner.setup_buckets(scenario);
    for action in &scenario.actions {
        runner.act(action).await;
    }
    if !sim.wait_idle(IDLE_TIMEOUT).await {
        runner.problems.push(Problem {
            line: 0,
            step: "wait for deliveries".to_owned(),
            message: format!(
                "deliveries were still running after {} s",
                IDLE_TIMEOUT.as_secs()
            ),
        });
    }
    let mut traces = sim.journal().query(&Query {
        limit: Some(usize::MAX),
        ..Query::default()
    });
    traces.reverse(); // oldest first
    report.problems = runner.problems;
    report
        .problems
        .extend(check::unexpected_rejections(scenario, &runner.recorded));
    for e in &scenario.expect {
        report
            .expectations
            .push(check::check(e, &traces, &runner.recorded));
    }
    report
}

struct Runner<'a> {
    sim: Simulator,
    file: &'a ScenarioFile,
    clients: HashMap<String, LocalClient>,
    problems: Vec<Problem>,
    recorded: Recorded,
}

impl Runner<'_> {
    fn client(&mut self, account: &str) -> Option<LocalClient> {
        if let Some(c) = self.clients.get(account) {
            return Some(c.clone());
        }
        match self.sim.client(account) {
            Ok(c) => {
                self.clients.insert(account.to_owned(), c.clone());
                Some(c)
            }
            Err(e) => {
                self.problem(0, format!("use account {account}"), e.to_string());
                None
            }
        }
    }

    fn problem(&mut self, line: u64, step: String, message: String) {
        self.problems.push(Problem {
            line,
            step,
            message,
        });
    }

    /// The account owning function `name` in the file, if it declares one.
    fn function_account<'s>(scenario: &'s Scenario, name: &str) -> Option<&'s str> {
        scenario
            .functions
            .iter()
            .find(|f| f.value.name == name)
            .map(|f| f.value.account.as_deref().unwrap_or(DEFAULT_ACCOUNT))
    }

    fn bucket_account<'s>(scenario: &'s Scenario, bucket: &str) -> &'s str {
        scenario
            .buckets
            .iter()
            .find(|b| b.value.name == bucket)
            .and_then(|b| b.value.account.as_deref())
            .unwrap_or(DEFAULT_ACCOUNT)
    }

    /// The bytes of a `.wasm` or zip path, relative to the scenario file.
    fn package(&mut self, code: &str, line: u64) -> Option<Vec<u8>> {
        let path = self.file.dir.join(code);
        match std::fs::read(&path) {
            Ok(bytes) => Some(bytes),
            Err(e) => {
                self.problem(
                    line,
                    format!("read code {code}"),
                    format!("cannot read {}: {e}", path.display()),
                );
                None
            }
        }
    }

    async fn setup_functions(&mut self, scenario: &Scenario) {
        for f in &scenario.functions {
            let account = f.value.account.as_deref().unwrap_or(DEFAULT_ACCOUNT);
            let Some(client) = self.client(account) else {
                continue;
            };
            self.setup_function(&client, f).await;
        }
    }

    async fn setup_function(&mut self, client: &LocalClient, f: &Spanned<Function>) {
        let line = f.referenced.line();
        let func = &f.value;
        let name = func.name.as_str();
        let created = if handlers::by_name(&func.code).is_some() {
            client.create_function(name, &func.code).await
        } else {
            let Some(package) = self.package(&func.code, line) else {
                return;
            };
            client
                .create_function_from_package(name, &package, "handler.handle")
                .await
        };
        if let Err(e) = created {
            self.problem(line, format!("create function {name}"), e.to_string());
            return;
        }
        if let Some(n) = func.reserved_concurrency {
            let path = format!("/2017-10-31/functions/{name}/concurrency");
            let body = json!({ "ReservedConcurrentExecutions": n });
            if let Err(e) = client.lambda(Method::PUT, &path, Some(&body)).await {
                self.problem(
                    line,
                    format!("reserve concurrency of {name}"),
                    e.to_string(),
                );
            }
        }
        for (i, v) in func.versions.iter().enumerate() {
            let n = i + 1;
            let vline = v.referenced.line();
            if let Err(message) = self.publish(client, name, n, &v.value).await {
                self.problem(vline, format!("publish version {n} of {name}"), message);
            }
        }
        for a in &func.aliases {
            let alias = &a.value;
            let mut body = json!({ "Name": alias.name, "FunctionVersion": alias.version });
            if !alias.weights.is_empty() {
                body["RoutingConfig"] = json!({ "AdditionalVersionWeights": alias.weights });
            }
            let path = format!("/2015-03-31/functions/{}/aliases", seg(name));
            if let Err(e) = client.lambda(Method::POST, &path, Some(&body)).await {
                self.problem(
                    a.referenced.line(),
                    format!("create alias {name}:{}", alias.name),
                    e.to_string(),
                );
            }
        }
        for (i, p) in func.permissions.iter().enumerate() {
            let (path, body) = permission_request(name, i + 1, &p.value);
            if let Err(e) = client.lambda(Method::POST, &path, Some(&body)).await {
                self.problem(
                    p.referenced.line(),
                    format!("add permission to {name}"),
                    e.to_string(),
                );
            }
        }
    }

    async fn publish(
        &mut self,
        client: &LocalClient,
        name: &str,
        n: usize,
        v: &super::schema::Version,
    ) -> Result<(), String> {
        if let Some(code) = &v.code {
            if handlers::by_name(code).is_some() {
                client
                    .update_function_code(name, code)
                    .await
                    .map_err(|e| e.to_string())?;
            } else {
                let package = self
                    .package(code, 0)
                    .ok_or_else(|| format!("cannot read {code}"))?;
                client
                    .update_function_code_from_package(name, &package)
                    .await
                    .map_err(|e| e.to_string())?;
            }
        }
        let description = v
            .description
            .clone()
            .unwrap_or_else(|| format!("version {n}"));
        let path = format!("/2015-03-31/functions/{}/configuration", seg(name));
        client
            .lambda(
                Method::PUT,
                &path,
                Some(&json!({ "Description": description })),
            )
            .await
            .map_err(|e| e.to_string())?;
        let published = client
            .publish_version(name)
            .await
            .map_err(|e| e.to_string())?;
        if published != n.to_string() {
            return Err(format!(
                "expected version {n}, Lambda published version {published}"
            ));
        }
        Ok(())
    }

    fn setup_buckets(&mut self, scenario: &Scenario) {
        for b in &scenario.buckets {
            let account = b.value.account.as_deref().unwrap_or(DEFAULT_ACCOUNT);
            let Some(client) = self.client(account) else {
                continue;
            };
            self.setup_bucket(scenario, &client, b);
        }
    }

    fn setup_bucket(&mut self, scenario: &Scenario, client: &LocalClient, b: &Spanned<Bucket>) {
        let line = b.referenced.line();
        let bucket = &b.value;
        let name = bucket.name.as_str();
        if let Err(e) = client.create_bucket(name) {
            self.problem(line, format!("create bucket {name}"), e.to_string());
            return;
        }
        if bucket.versioning {
            let mut req = client.s3_request(Method::PUT, Some(name), None);
            req.query.push(("versioning".to_owned(), String::new()));
            req.body = Bytes::from_static(
                b"<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>",
            );
            if let Err(e) = client.s3(&req) {
                self.problem(line, format!("enable versioning on {name}"), e.to_string());
            }
        }
        if bucket.notifications.is_empty() {
            return;
        }
        let region = self.sim.config().region.clone();
        let xml = notification_xml(scenario, &region, bucket);
        let result = if bucket.skip_destination_validation {
            let mut req = client.s3_request(Method::PUT, Some(name), None);
            req.query.push(("notification".to_owned(), String::new()));
            req.headers.insert(
                "x-amz-skip-destination-validation",
                http::HeaderValue::from_static("true"),
            );
            req.body = Bytes::from(xml);
            client.s3(&req).map(|_| ())
        } else {
            client.put_bucket_notification(name, &xml)
        };
        let outcome = result.map_err(|e| {
            let mut message = e.message().to_owned();
            for (name, value) in e.extras() {
                let _ = write!(message, "; {name}: {value}");
            }
            check::S3Failure {
                code: e.code().to_owned(),
                message,
            }
        });
        self.recorded.notifications.insert(
            name.to_owned(),
            check::NotificationResult {
                line,
                result: outcome,
            },
        );
    }

    async fn act(&mut self, action: &Spanned<Action>) {
        let line = action.referenced.line();
        let scenario = &self.file.scenario;
        match &action.value {
            Action::Put(p) => {
                let Some(client) = self.client(Self::bucket_account(scenario, &p.bucket)) else {
                    return;
                };
                let body = p.body.clone().unwrap_or_else(|| "hello".to_owned());
                for n in 1..=p.count.unwrap_or(1) {
                    let key = p.key.replace("{n}", &n.to_string());
                    if let Err(e) = client.put_object(&p.bucket, &key, body.clone()) {
                        self.problem(line, format!("put s3://{}/{key}", p.bucket), e.to_string());
                        return;
                    }
                }
            }
            Action::Copy(c) => {
                let Some(client) = self.client(Self::bucket_account(scenario, &c.bucket)) else {
                    return;
                };
                let source_bucket = c.source_bucket.as_deref().unwrap_or(&c.bucket);
                if let Err(e) = client.copy_object(&c.bucket, &c.key, source_bucket, &c.source_key)
                {
                    self.problem(
                        line,
                        format!(
                            "copy s3://{source_bucket}/{} to s3://{}/{}",
                            c.source_key, c.bucket, c.key
                        ),
                        e.to_string(),
                    );
                }
            }
            Action::Multipart(m) => {
                let Some(client) = self.client(Self::bucket_account(scenario, &m.bucket)) else {
                    return;
                };
                let parts: Vec<Bytes> = if m.parts.is_empty() {
                    vec![Bytes::from_static(b"part")]
                } else {
                    m.parts.iter().map(|p| Bytes::from(p.clone())).collect()
                };
                if let Err(e) = client.multipart_upload(&m.bucket, &m.key, &parts) {
                    self.problem(
                        line,
                        format!("multipart upload s3://{}/{}", m.bucket, m.key),
                        e.to_string(),
                    );
                }
            }
            Action::Delete(d) => {
                let Some(client) = self.client(Self::bucket_account(scenario, &d.bucket)) else {
                    return;
                };
                if let Err(e) = client.delete_object(&d.bucket, &d.key) {
                    self.problem(
                        line,
                        format!("delete s3://{}/{}", d.bucket, d.key),
                        e.to_string(),
                    );
                }
            }
            Action::Invoke(i) => {
                let account = i
                    .account
                    .as_deref()
                    .or_else(|| Self::function_account(scenario, function_name(&i.function)))
                    .unwrap_or(DEFAULT_ACCOUNT);
                let Some(client) = self.client(account) else {
                    return;
                };
                let payload = i.payload.clone().unwrap_or_else(|| json!({}));
                let bytes = serde_json::to_vec(&payload).unwrap_or_default();
                let result = client
                    .invoke(&i.function, &bytes)
                    .await
                    .map(|r| check::InvokeResult {
                        payload: String::from_utf8_lossy(&r.payload).into_owned(),
                        function_error: r.function_error,
                        log: r.log,
                        executed_version: r.executed_version,
                    })
                    .map_err(|e| e.to_string());
                let id = i.id.clone().unwrap_or_else(|| i.function.clone());
                self.recorded
                    .invokes
                    .insert(id, check::InvokeRecord { line, result });
            }
            Action::RemovePermission(r) => {
                let mut path = format!(
                    "/2015-03-31/functions/{}/policy/{}",
                    seg(&r.function),
                    seg(&r.sid)
                );
                if let Some(q) = &r.qualifier {
                    path.push_str("?Qualifier=");
                    path.extend(form_urlencoded::byte_serialize(q.as_bytes()));
                }
                let step = format!("remove permission {} from {}", r.sid, r.function);
                self.control(line, &r.function, step, Method::DELETE, &path, None)
                    .await;
            }
            Action::UpdateAlias(u) => {
                let mut body = json!({ "FunctionVersion": u.version });
                if let Some(w) = &u.weights {
                    body["RoutingConfig"] = json!({ "AdditionalVersionWeights": w });
                }
                let path = format!(
                    "/2015-03-31/functions/{}/aliases/{}",
                    seg(&u.function),
                    seg(&u.alias)
                );
                let step = format!("update alias {}:{}", u.function, u.alias);
                self.control(line, &u.function, step, Method::PUT, &path, Some(&body))
                    .await;
            }
            Action::DeleteFunction(d) => {
                let path = format!("/2015-03-31/functions/{}", seg(&d.function));
                let step = format!("delete function {}", d.function);
                self.control(line, &d.function, step, Method::DELETE, &path, None)
                    .await;
            }
        }
    }
}

impl Runner<'_> {
    /// A Lambda control-plane call as the account owning `function`; failures are problems.
    async fn control(
        &mut self,
        line: u64,
        function: &str,
        step: String,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) {
        let account = Self::function_account(&self.file.scenario, function)
            .unwrap_or(DEFAULT_ACCOUNT)
            .to_owned();
        let Some(client) = self.client(&account) else {
            return;
        };
        if let Err(e) = client.lambda(method, path, body).await {
            self.problem(line, step, e.to_string());
        }
    }
}

/// The AddPermission path and body for the `index`th permission of `function`.
fn permission_request(function: &str, index: usize, p: &Permission) -> (String, Value) {
    let mut path = format!("/2015-03-31/functions/{}/policy", seg(function));
    if let Some(q) = &p.qualifier {
        path.push_str("?Qualifier=");
        path.extend(form_urlencoded::byte_serialize(q.as_bytes()));
    }
    let mut body = json!({
        "StatementId": p.sid.clone().unwrap_or_else(|| format!("s3-{index}")),
        "Action": p.action.as_deref().unwrap_or("lambda:InvokeFunction"),
        "Principal": p.principal.as_deref().unwrap_or("s3.amazonaws.com"),
    });
    let source_arn = p.source_arn.clone().or_else(|| {
        p.source_bucket
            .as_ref()
            .map(|b| format!("arn:aws:s3:::{b}"))
    });
    if let Some(arn) = source_arn {
        body["SourceArn"] = Value::String(arn);
    }
    if let Some(account) = &p.source_account {
        body["SourceAccount"] = Value::String(account.clone());
    }
    (path, body)
}

/// The destination ARN of a notification: an ARN verbatim, otherwise a name (optionally
/// qualified) in the account of the function declared with that name, or the bucket's.
fn destination_arn(scenario: &Scenario, region: &str, bucket: &Bucket, n: &Notification) -> String {
    if n.function.starts_with("arn:") {
        return n.function.clone();
    }
    let account = Runner::function_account(scenario, function_name(&n.function))
        .or(bucket.account.as_deref())
        .unwrap_or(DEFAULT_ACCOUNT);
    format!("arn:aws:lambda:{region}:{account}:function:{}", n.function)
}

/// The NotificationConfiguration XML of a bucket's `notifications`.
fn notification_xml(scenario: &Scenario, region: &str, bucket: &Bucket) -> String {
    let mut xml = String::from(
        r#"<NotificationConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">"#,
    );
    for (i, n) in bucket.notifications.iter().enumerate() {
        let n = &n.value;
        let id = n.id.clone().unwrap_or_else(|| format!("config-{}", i + 1));
        xml.push_str("<CloudFunctionConfiguration><Id>");
        xml.push_str(&crate::xml::escape(&id));
        xml.push_str("</Id><CloudFunction>");
        xml.push_str(&crate::xml::escape(&destination_arn(
            scenario, region, bucket, n,
        )));
        xml.push_str("</CloudFunction>");
        if n.events.is_empty() {
            xml.push_str("<Event>s3:ObjectCreated:*</Event>");
        }
        for e in &n.events {
            xml.push_str("<Event>");
            xml.push_str(&crate::xml::escape(e));
            xml.push_str("</Event>");
        }
        if n.prefix.is_some() || n.suffix.is_some() {
            xml.push_str("<Filter><S3Key>");
            for (rule, value) in [("prefix", &n.prefix), ("suffix", &n.suffix)] {
                if let Some(v) = value {
                    xml.push_str("<FilterRule><Name>");
                    xml.push_str(rule);
                    xml.push_str("</Name><Value>");
                    xml.push_str(&crate::xml::escape(v));
                    xml.push_str("</Value></FilterRule>");
                }
            }
            xml.push_str("</S3Key></Filter>");
        }
        xml.push_str("</CloudFunctionConfiguration>");
    }
    xml.push_str("</NotificationConfiguration>");
    xml
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notifications_become_cloud_function_configurations() {
        let s = super::super::load::load_str(
            "functions:\n  - {name: f, code: echo, account: \"111111111111\"}\naccounts:\n  - id: \"111111111111\"\nbuckets:\n  - name: b\n    notifications:\n      - {function: f:PROD, prefix: in/, suffix: .jpg}\n      - {id: two, function: g, events: [s3:ObjectRemoved:*]}\nexpect:\n  - deliveries: {count: 0}\n",
            "t",
        )
        .unwrap();
        let xml = notification_xml(&s, "us-east-1", &s.buckets[0].value);
        assert!(xml.contains("<Id>config-1</Id><CloudFunction>arn:aws:lambda:us-east-1:111111111111:function:f:PROD</CloudFunction><Event>s3:ObjectCreated:*</Event><Filter><S3Key><FilterRule><Name>prefix</Name><Value>in/</Value></FilterRule><FilterRule><Name>suffix</Name><Value>.jpg</Value></FilterRule></S3Key></Filter>"), "{xml}");
        assert!(xml.contains("<Id>two</Id><CloudFunction>arn:aws:lambda:us-east-1:000000000000:function:g</CloudFunction><Event>s3:ObjectRemoved:*</Event></CloudFunctionConfiguration>"), "{xml}");
    }

    #[test]
    fn permissions_become_add_permission_calls() {
        let p = Permission {
            sid: None,
            qualifier: Some("PROD".into()),
            principal: None,
            action: None,
            source_bucket: Some("b".into()),
            source_arn: None,
            source_account: Some("000000000000".into()),
        };
        let (path, body) = permission_request("f", 2, &p);
        assert_eq!(path, "/2015-03-31/functions/f/policy?Qualifier=PROD");
        // A name from the YAML is one path segment, whatever it holds.
        let (path, _) = permission_request("a/b?c", 1, &p);
        assert_eq!(
            path,
            "/2015-03-31/functions/a%2Fb%3Fc/policy?Qualifier=PROD"
        );
        assert_eq!(
            body,
            json!({"StatementId": "s3-2", "Action": "lambda:InvokeFunction",
                   "Principal": "s3.amazonaws.com", "SourceArn": "arn:aws:s3:::b",
                   "SourceAccount": "000000000000"})
        );
    }
}
