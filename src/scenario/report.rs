//! The result of running scenarios: per expectation pass/fail with its file and line, as
//! text for people (✓/✗, optionally coloured) or JSON for machines.

use std::fmt::Write as _;

use serde::Serialize;
use serde_json::{Value, json};

use super::load::LoadError;

/// A setup step or action that failed (the scenario fails with it).
#[derive(Debug, Clone, Serialize)]
pub struct Problem {
    /// The line of the item (0 when not tied to one).
    pub line: u64,
    /// What was being done, e.g. `create alias f:PROD`.
    pub step: String,
    /// The error.
    pub message: String,
}

/// One expectation's result.
#[derive(Debug, Clone, Serialize)]
pub struct ExpectationResult {
    /// Its line in the file.
    pub line: u64,
    /// What was expected, in words.
    pub expectation: String,
    /// Whether it held.
    pub passed: bool,
    /// What was found: the evidence when it passed, what differed when it failed.
    pub detail: String,
}

/// The report of one scenario file.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The file.
    pub file: String,
    /// The scenario's name.
    pub name: String,
    /// Failed setup steps and actions.
    pub problems: Vec<Problem>,
    /// Every expectation, in file order.
    pub expectations: Vec<ExpectationResult>,
}

impl Report {
    /// An empty report.
    pub fn new(file: &str, name: String) -> Self {
        Self {
            file: file.to_owned(),
            name,
            problems: Vec::new(),
            expectations: Vec::new(),
        }
    }

    /// No problem and every expectation held.
    pub fn passed(&self) -> bool {
        self.problems.is_empty() && self.expectations.iter().all(|e| e.passed)
    }

    /// The expectations that failed.
    pub fn failures(&self) -> impl Iterator<Item = &ExpectationResult> {
        self.expectations.iter().filter(|e| !e.passed)
    }

    /// `file:line: expect …` for an expectation, `file:line: …` for a problem.
    fn at(&self, line: u64) -> String {
        if line == 0 {
            self.file.clone()
        } else {
            format!("{}:{line}", self.file)
        }
    }

    /// The failure lines, e.g. `x.yaml:42: expect delivered to f version 1 — got: …`.
    pub fn failure_text(&self) -> String {
        let mut out = String::new();
        for p in &self.problems {
            let _ = writeln!(out, "{}: {} failed: {}", self.at(p.line), p.step, p.message);
        }
        for e in self.failures() {
            let _ = writeln!(
                out,
                "{}: expect {} — {}",
                self.at(e.line),
                e.expectation,
                e.detail
            );
        }
        out
    }
}

/// The result of one file: a report, or why it could not be loaded.
pub type FileResult = Result<Report, LoadError>;

/// Whether every file loaded and passed.
pub fn all_passed(results: &[FileResult]) -> bool {
    results.iter().all(|r| r.as_ref().is_ok_and(Report::passed))
}

struct Paint {
    on: bool,
}

impl Paint {
    fn wrap(&self, code: &str, s: &str) -> String {
        if self.on {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_owned()
        }
    }
    fn green(&self, s: &str) -> String {
        self.wrap("32", s)
    }
    fn red(&self, s: &str) -> String {
        self.wrap("31", s)
    }
    fn yellow(&self, s: &str) -> String {
        self.wrap("33", s)
    }
    fn bold(&self, s: &str) -> String {
        self.wrap("1", s)
    }
    fn dim(&self, s: &str) -> String {
        self.wrap("2", s)
    }
}

/// The report for people: a heading per file, a ✓ or ✗ line per expectation (failures with
/// what was found), then totals. `colour` adds ANSI colours.
pub fn render_text(results: &[FileResult], colour: bool) -> String {
    let p = Paint { on: colour };
    let mut out = String::new();
    let (mut passed, mut failed, mut problems) = (0usize, 0usize, 0usize);
    for r in results {
        match r {
            Err(e) => {
                let _ = writeln!(out, "{} {e}", p.red("✗ invalid scenario"));
            }
            Ok(report) => {
                let mark = if report.passed() {
                    p.green("PASS")
                } else {
                    p.red("FAIL")
                };
                let _ = writeln!(
                    out,
                    "{mark} {} {}",
                    p.bold(&report.file),
                    p.dim(&format!("({})", report.name))
                );
                for problem in &report.problems {
                    let _ = writeln!(
                        out,
                        "  {} {}: {} failed: {}",
                        p.yellow("!"),
                        report.at(problem.line),
                        problem.step,
                        problem.message
                    );
                    problems += 1;
                }
                for e in &report.expectations {
                    if e.passed {
                        passed += 1;
                        let _ = writeln!(
                            out,
                            "  {} {}: expect {}",
                            p.green("✓"),
                            report.at(e.line),
                            e.expectation
                        );
                    } else {
                        failed += 1;
                        let _ = writeln!(
                            out,
                            "  {} {}: expect {} — {}",
                            p.red("✗"),
                            report.at(e.line),
                            e.expectation,
                            p.red(&e.detail)
                        );
                    }
                }
            }
        }
    }
    let files_ok = results
        .iter()
        .filter(|r| r.as_ref().is_ok_and(Report::passed))
        .count();
    let mut totals = format!(
        "{} file(s): {files_ok} passed, {} failed; {passed} expectation(s) held, {failed} failed",
        results.len(),
        results.len() - files_ok
    );
    if problems > 0 {
        let _ = write!(totals, "; {problems} setup step(s) or action(s) failed");
    }
    let _ = writeln!(
        out,
        "{}",
        if files_ok == results.len() {
            p.green(&totals)
        } else {
            p.red(&totals)
        }
    );
    out
}

/// The report for machines.
pub fn render_json(results: &[FileResult]) -> Value {
    let files: Vec<Value> = results
        .iter()
        .map(|r| match r {
            Ok(report) => json!({
                "file": report.file,
                "name": report.name,
                "passed": report.passed(),
                "problems": report.problems,
                "expectations": report.expectations,
            }),
            Err(e) => json!({
                "file": e.file,
                "passed": false,
                "error": e,
            }),
        })
        .collect();
    json!({ "passed": all_passed(results), "files": files })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report() -> Report {
        let mut r = Report::new("s.yaml", "demo".into());
        r.expectations.push(ExpectationResult {
            line: 7,
            expectation: "delivered to f version 1".into(),
            passed: true,
            detail: "evt-000000000001".into(),
        });
        r.expectations.push(ExpectationResult {
            line: 9,
            expectation: "denied to f".into(),
            passed: false,
            detail: "got: delivered".into(),
        });
        r
    }

    #[test]
    fn text_names_file_line_and_what_differed() {
        let text = render_text(&[Ok(report())], false);
        assert!(text.contains("FAIL s.yaml (demo)"), "{text}");
        assert!(
            text.contains("  ✓ s.yaml:7: expect delivered to f version 1\n"),
            "{text}"
        );
        assert!(
            text.contains("  ✗ s.yaml:9: expect denied to f — got: delivered\n"),
            "{text}"
        );
        assert!(text.contains("1 expectation(s) held, 1 failed"), "{text}");
        assert!(!text.contains('\x1b'), "no colour unless asked");
        assert!(render_text(&[Ok(report())], true).contains("\x1b[31m"));
        assert_eq!(
            report().failure_text(),
            "s.yaml:9: expect denied to f — got: delivered\n"
        );
    }

    #[test]
    fn json_has_every_expectation_and_the_verdict() {
        let bad = LoadError {
            file: "b.yaml".into(),
            line: 3,
            column: 1,
            message: "unknown field".into(),
            source_line: None,
        };
        let v = render_json(&[Ok(report()), Err(bad)]);
        assert_eq!(v["passed"], false);
        assert_eq!(v["files"][0]["expectations"][1]["line"], 9);
        assert_eq!(v["files"][0]["expectations"][1]["passed"], false);
        assert_eq!(v["files"][1]["error"]["line"], 3);
    }
}
