//! `s3lambda demo`: the AWS Lambda versions/aliases tutorial and its S3 push model, walked
//! through in-process, each outcome checked against what AWS does.

use std::fmt::Display;
use std::io::IsTerminal as _;
use std::time::Duration;

use anstyle::{AnsiColor, Style};
use serde_json::{Value, json};

use s3lambda::arn::LATEST;
use s3lambda::lambda::package::zip_of;
use s3lambda::runtime::handlers;
use s3lambda::sim::{LocalClient, Simulator};
use s3lambda::trace::{Outcome, Query, TraceView};

const ACCOUNT: &str = "000000000000";
const OTHER_ACCOUNT: &str = "111111111111";
const FUNCTION_ARN: &str = "arn:aws:lambda:us-east-1:000000000000:function:helloworld";
const BUCKET: &str = "examplebucket";
const OTHER_BUCKET: &str = "otherbucket";

/// Options of `s3lambda demo`.
#[derive(Debug, clap::Args)]
pub struct DemoArgs {
    /// Colour: `auto` (when stdout is a terminal and NO_COLOR is unset), `always` or `never`.
    #[arg(long, default_value = "auto", value_parser = ["auto", "always", "never"])]
    color: String,
}

/// Runs the walk-through, printing as it goes. `Ok(false)` when an outcome differed.
pub async fn run(args: &DemoArgs) -> Result<bool, Box<dyn std::error::Error>> {
    let colour = match args.color.as_str() {
        "always" => true,
        "never" => false,
        _ => std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    };
    let sim = Simulator::builder()
        .account(OTHER_ACCOUNT, "other", "other-secret")
        .build()?;
    let mut demo = Demo {
        aws: sim.default_client(),
        other: sim.client(OTHER_ACCOUNT)?,
        sim,
        paint: Paint(colour),
        step: 0,
        checks: 0,
        failures: Vec::new(),
    };
    demo.intro();
    demo.versions_and_aliases().await?;
    demo.push_model().await?;
    demo.denial().await?;
    Ok(demo.summary())
}

struct Demo {
    sim: Simulator,
    aws: LocalClient,
    other: LocalClient,
    paint: Paint,
    step: u32,
    checks: u32,
    failures: Vec<String>,
}

type Step = Result<(), Box<dyn std::error::Error>>;

impl Demo {
    fn intro(&self) {
        println!(
            "{}",
            self.paint.bold(
                "s3lambda demo: the AWS Lambda versions and aliases tutorial, then the S3 push model"
            )
        );
        println!(
            "{}",
            self.paint.dim(format!(
                "In-process simulator, accounts {ACCOUNT} and {OTHER_ACCOUNT}, region us-east-1. \
                 The same calls work over HTTP: `s3lambda serve` and any AWS client."
            ))
        );
    }

    fn heading(&mut self, what: impl Display) {
        self.step += 1;
        println!(
            "\n{} {}",
            self.paint.bold(format!("{:>2}.", self.step)),
            self.paint.bold(what)
        );
    }

    /// Records one check: prints ✓ and `shown`, or ✗ with what differed.
    fn check(&mut self, what: &str, got: &str, want: &str, shown: impl Display) {
        self.checks += 1;
        if got == want {
            println!("    {} {shown}", self.paint.green("✓"));
        } else {
            let failure = format!("{what}: got {got:?}, want {want:?}");
            println!("    {} {}", self.paint.red("✗"), self.paint.red(&failure));
            self.failures.push(failure);
        }
    }

    fn note(&self, text: impl Display) {
        println!("      {}", self.paint.dim(text));
    }

    async fn versions_and_aliases(&mut self) -> Step {
        self.heading(
            "Create the function helloworld (handler helloworld.handler, a wasm component)",
        );
        let package = zip_of(&[("helloworld.wasm", handlers::HELLOWORLD)]);
        let created = self
            .aws
            .create_function_from_package("helloworld", &package, "helloworld.handler")
            .await?;
        let arn = text(&created["FunctionArn"]);
        self.check("FunctionArn", &arn, FUNCTION_ARN, self.paint.cyan(&arn));
        let version = text(&created["Version"]);
        self.check("Version", &version, LATEST, "version $LATEST");

        self.heading("Alias DEV -> $LATEST");
        let dev = self.aws.create_alias("helloworld", "DEV", LATEST).await?;
        let dev_arn = text(&dev["AliasArn"]);
        let want = format!("{FUNCTION_ARN}:DEV");
        self.check("DEV AliasArn", &dev_arn, &want, self.paint.cyan(&dev_arn));

        self.heading("Publish version 1; aliases BETA and PROD -> 1");
        let v1 = self.aws.publish_version("helloworld").await?;
        self.check("PublishVersion", &v1, "1", format!("version {v1}"));
        for alias in ["BETA", "PROD"] {
            let a = self.aws.create_alias("helloworld", alias, &v1).await?;
            let got = text(&a["FunctionVersion"]);
            let shown = format!("{} -> {got}", self.paint.cyan(text(&a["AliasArn"])));
            self.check(&format!("{alias} FunctionVersion"), &got, "1", shown);
        }

        self.heading("New code (the package gains a VERSION file), publish version 2, BETA -> 2");
        let package = zip_of(&[
            ("helloworld.wasm", handlers::HELLOWORLD),
            ("VERSION", b"2\n"),
        ]);
        self.aws
            .update_function_code_from_package("helloworld", &package)
            .await?;
        let v2 = self.aws.publish_version("helloworld").await?;
        self.check("PublishVersion", &v2, "2", format!("version {v2}"));
        let beta = self
            .aws
            .lambda(
                http::Method::PUT,
                "/2015-03-31/functions/helloworld/aliases/BETA",
                Some(&json!({"FunctionVersion": v2})),
            )
            .await?;
        let got = text(&beta["FunctionVersion"]);
        self.check("BETA FunctionVersion", &got, "2", "BETA -> 2");

        self.heading("Invoke each alias: which version runs?");
        for (alias, want) in [("PROD", "1"), ("BETA", "2"), ("DEV", LATEST)] {
            let out = self
                .aws
                .invoke(&format!("helloworld:{alias}"), br#"{"key1":"value1"}"#)
                .await?;
            let shown = format!(
                "{alias} ran version {} and returned {}",
                out.executed_version,
                String::from_utf8_lossy(&out.payload)
            );
            self.check(
                &format!("{alias} ExecutedVersion"),
                &out.executed_version,
                want,
                shown,
            );
        }
        Ok(())
    }

    async fn push_model(&mut self) -> Step {
        self.heading(format!(
            "AddPermission on PROD: s3.amazonaws.com may invoke, for arn:aws:s3:::{BUCKET} in {ACCOUNT}"
        ));
        self.aws
            .add_s3_permission("helloworld", Some("PROD"), "1", BUCKET, ACCOUNT)
            .await?;
        let policy = self
            .aws
            .lambda(
                http::Method::GET,
                "/2015-03-31/functions/helloworld/policy?Qualifier=PROD",
                None,
            )
            .await?;
        let statement: Value = serde_json::from_str(policy["Policy"].as_str().unwrap_or("{}"))?;
        let resource = text(&statement["Statement"][0]["Resource"]);
        let want = format!("{FUNCTION_ARN}:PROD");
        self.check(
            "statement Resource",
            &resource,
            &want,
            format!("statement 1 on {}", self.paint.cyan(&resource)),
        );
        self.note(&statement["Statement"][0]["Condition"]);

        self.heading(format!(
            "Bucket {BUCKET} notifies the PROD alias of every new object; upload HappyFace.jpg"
        ));
        self.aws.create_bucket(BUCKET)?;
        self.aws
            .put_bucket_notification(BUCKET, &notification(&want))?;
        self.note(format!("notification: s3:ObjectCreated:* -> {want}"));
        let put = self
            .aws
            .put_object(BUCKET, "HappyFace.jpg", &br#"{"key1":"from s3"}"#[..])?;
        self.note(format!(
            "PUT s3://{BUCKET}/HappyFace.jpg: request {}",
            put.request_id
        ));
        let trace = self.only_trace(BUCKET).await?;
        self.show(&trace);
        let delivery = trace.deliveries.first();
        let version = delivery
            .and_then(|d| d.resolved_version.clone())
            .unwrap_or_default();
        self.check(
            "resolved version",
            &version,
            "1",
            "PROD resolved to version 1",
        );
        let statement = delivery
            .and_then(|d| d.policy.as_ref())
            .and_then(|p| p.statement.clone())
            .unwrap_or_default();
        self.check(
            "allowing statement",
            &statement,
            "1",
            "allowed by statement 1",
        );
        let outcome = outcome(&trace);
        self.check("outcome", &outcome, "delivered", "delivered: version 1 ran");
        let logged = delivery
            .and_then(|d| d.attempts.first())
            .is_some_and(|a| a.log_tail.contains("Version: 1"));
        self.check(
            "log",
            if logged { "Version: 1" } else { "no such line" },
            "Version: 1",
            "its log says START ... Version: 1",
        );
        Ok(())
    }

    async fn denial(&mut self) -> Step {
        self.heading(format!(
            "A bucket of account {OTHER_ACCOUNT} targets the same PROD alias"
        ));
        self.other.create_bucket(OTHER_BUCKET)?;
        let target = format!("{FUNCTION_ARN}:PROD");
        let rejected = self
            .other
            .put_bucket_notification(OTHER_BUCKET, &notification(&target));
        let code = rejected
            .as_ref()
            .err()
            .map_or("accepted", |e| e.code())
            .to_owned();
        self.check(
            "PutBucketNotificationConfiguration",
            &code,
            "InvalidArgument",
            "S3 refuses the configuration: InvalidArgument, Unable to validate the following destination configurations",
        );
        self.note(
            "with x-amz-skip-destination-validation: true it is stored, and the upload shows why",
        );
        self.other
            .put_bucket_notification_unvalidated(OTHER_BUCKET, &notification(&target))?;
        self.other
            .put_object(OTHER_BUCKET, "HappyFace.jpg", &b"{}"[..])?;
        let trace = self.only_trace(OTHER_BUCKET).await?;
        self.show(&trace);
        let outcome = outcome(&trace);
        self.check(
            "outcome",
            &outcome,
            "denied",
            "denied, and the trace says why:",
        );
        let reason = trace
            .deliveries
            .first()
            .and_then(|d| d.policy.as_ref())
            .map(|p| p.reason.clone())
            .unwrap_or_default();
        println!("      {}", self.paint.yellow(&reason));
        let names_it = reason.contains("SourceArn") || reason.contains("SourceAccount");
        self.check(
            "denial reason",
            if names_it {
                "names the condition"
            } else {
                &reason
            },
            "names the condition",
            "the reason names the failed condition",
        );
        Ok(())
    }

    /// Waits for the bucket's one event to settle and returns its trace.
    async fn only_trace(&self, bucket: &str) -> Result<TraceView, Box<dyn std::error::Error>> {
        if !self.sim.wait_idle(Duration::from_secs(30)).await {
            return Err("deliveries still pending after 30 s".into());
        }
        let query = Query {
            bucket: Some(bucket.to_owned()),
            ..Query::default()
        };
        let mut traces = self.sim.traces(&query);
        match traces.len() {
            1 => Ok(traces.remove(0)),
            n => Err(format!("expected one event for {bucket}, found {n}").into()),
        }
    }

    fn show(&self, trace: &TraceView) {
        let rendered = super::trace::render(trace);
        for line in rendered.lines() {
            println!("      {}", self.paint.dim(line));
        }
    }

    fn summary(&self) -> bool {
        println!();
        if self.failures.is_empty() {
            println!(
                "{}",
                self.paint
                    .green(format!("✓ all {} checks passed", self.checks))
            );
            true
        } else {
            println!(
                "{}",
                self.paint.red(format!(
                    "✗ {} of {} checks differed from AWS's behaviour:",
                    self.failures.len(),
                    self.checks
                ))
            );
            for failure in &self.failures {
                println!("  - {failure}");
            }
            false
        }
    }
}

/// A notification configuration sending every new object to `function_arn`.
fn notification(function_arn: &str) -> String {
    format!(
        "<NotificationConfiguration><CloudFunctionConfiguration><Id>to-prod</Id>\
         <CloudFunction>{function_arn}</CloudFunction><Event>s3:ObjectCreated:*</Event>\
         </CloudFunctionConfiguration></NotificationConfiguration>"
    )
}

fn text(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_owned()
}

fn outcome(trace: &TraceView) -> String {
    trace.outcome.map_or("none", Outcome::as_str).to_owned()
}

/// ANSI styling, or none.
#[derive(Debug, Clone, Copy)]
struct Paint(bool);

impl Paint {
    fn styled(self, style: Style, text: impl Display) -> String {
        if self.0 {
            format!("{style}{text}{style:#}")
        } else {
            text.to_string()
        }
    }
    fn bold(self, text: impl Display) -> String {
        self.styled(Style::new().bold(), text)
    }
    fn dim(self, text: impl Display) -> String {
        self.styled(Style::new().dimmed(), text)
    }
    fn green(self, text: impl Display) -> String {
        self.styled(AnsiColor::Green.on_default(), text)
    }
    fn red(self, text: impl Display) -> String {
        self.styled(AnsiColor::Red.on_default().bold(), text)
    }
    fn yellow(self, text: impl Display) -> String {
        self.styled(AnsiColor::Yellow.on_default(), text)
    }
    fn cyan(self, text: impl Display) -> String {
        self.styled(AnsiColor::Cyan.on_default(), text)
    }
}
