//! `s3lambda scenario run FILE...`: runs scenario files on fresh in-process simulators and
//! prints a pass/fail line per expectation (or JSON with `--json`).

use std::io::IsTerminal as _;
use std::path::PathBuf;

use s3lambda::scenario::{self, FileResult};

/// `s3lambda scenario` arguments.
#[derive(Debug, clap::Args)]
pub struct ScenarioArgs {
    #[command(subcommand)]
    pub command: ScenarioCommand,
}

/// `s3lambda scenario` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum ScenarioCommand {
    /// Runs scenario files (YAML; see fixtures/scenarios/README.md) and reports each
    /// expectation; exits non-zero when any fails or a file is invalid.
    Run(RunArgs),
}

/// `s3lambda scenario run` arguments.
#[derive(Debug, clap::Args)]
pub struct RunArgs {
    /// The scenario files.
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
}

/// Runs the files in order; the report to print and whether everything passed.
pub async fn run(args: &ScenarioArgs) -> (String, bool) {
    let ScenarioCommand::Run(run) = &args.command;
    let mut results: Vec<FileResult> = Vec::with_capacity(run.files.len());
    for file in &run.files {
        results.push(scenario::run_file(file).await);
    }
    let passed = scenario::all_passed(&results);
    let text = if run.json {
        let mut s =
            serde_json::to_string_pretty(&scenario::render_json(&results)).unwrap_or_default();
        s.push('\n');
        s
    } else {
        scenario::render_text(&results, std::io::stdout().is_terminal())
    };
    (text, passed)
}
