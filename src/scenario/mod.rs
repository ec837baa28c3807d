//! Declarative scenarios: a YAML file describes accounts, functions (versions, aliases,
//! permissions), buckets and their notification configurations, then actions and the
//! expectations to check once every delivery has finished.
//!
//! `s3lambda scenario run FILE...` is a thin wrapper around [`run_file`]; tests call it the
//! same way. The file format is documented in `fixtures/scenarios/README.md`.
//!
//! ```no_run
//! # async fn demo() {
//! let result = s3lambda::scenario::run_file("fixtures/scenarios/tutorial.yaml".as_ref()).await;
//! let report = result.expect("a valid scenario");
//! assert!(report.passed(), "{}", report.failure_text());
//! # }
//! ```

pub mod check;
pub mod load;
pub mod report;
pub mod run;
pub mod schema;

use std::path::Path;

pub use load::{LoadError, ScenarioFile, load_file, load_str};
pub use report::{
    ExpectationResult, FileResult, Problem, Report, all_passed, render_json, render_text,
};
pub use run::run;
pub use schema::Scenario;

/// Loads and runs one scenario file on a fresh simulator.
pub async fn run_file(path: &Path) -> FileResult {
    let file = load_file(path)?;
    Ok(run(&file).await)
}

/// Loads and runs scenario text (`name` stands for the file in messages; relative code
/// paths resolve against the current directory).
pub async fn run_str(text: &str, name: &str) -> FileResult {
    let scenario = load_str(text, name)?;
    let file = ScenarioFile {
        path: name.to_owned(),
        dir: std::path::PathBuf::from("."),
        scenario,
    };
    Ok(run(&file).await)
}
