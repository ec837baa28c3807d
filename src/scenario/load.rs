//! Loading a scenario file: YAML parsing and the checks that need the whole file, every
//! error pointing at a line and column.

use std::collections::HashSet;
use std::fmt;
use std::path::{Path, PathBuf};

use super::schema::{
    Action, DEFAULT_ACCOUNT, DeleteFunction, Expectation, Function, RemovePermission, Scenario,
    Select, Spanned, UpdateAlias,
};
use crate::runtime::handlers;
use crate::trace::Outcome;

/// A scenario read from a file, with where it came from.
#[derive(Debug, Clone)]
pub struct ScenarioFile {
    /// The path as given (used in every message).
    pub path: String,
    /// The directory that relative code paths are resolved against.
    pub dir: PathBuf,
    /// The parsed scenario.
    pub scenario: Scenario,
}

/// Why a scenario file could not be loaded.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct LoadError {
    /// The file.
    pub file: String,
    /// 1-based line (0 when unknown, e.g. the file could not be read).
    pub line: u64,
    /// 1-based column (0 when unknown).
    pub column: u64,
    /// What is wrong.
    pub message: String,
    /// The offending source line, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_line: Option<String>,
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            return write!(f, "{}: {}", self.file, self.message);
        }
        write!(
            f,
            "{}:{}:{}: {}",
            self.file, self.line, self.column, self.message
        )?;
        if let Some(src) = &self.source_line {
            let gutter = self.line.to_string();
            let pad = " ".repeat(gutter.len());
            let caret = " ".repeat(usize::try_from(self.column.saturating_sub(1)).unwrap_or(0));
            write!(f, "\n {pad} |\n {gutter} | {src}\n {pad} | {caret}^")?;
        }
        Ok(())
    }
}

impl std::error::Error for LoadError {}

/// Reads and checks a scenario file.
pub fn load_file(path: &Path) -> Result<ScenarioFile, LoadError> {
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| LoadError {
        file: shown.clone(),
        line: 0,
        column: 0,
        message: format!("cannot read the file: {e}"),
        source_line: None,
    })?;
    let scenario = load_str(&text, &shown)?;
    let dir = path
        .parent()
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    Ok(ScenarioFile {
        path: shown,
        dir,
        scenario,
    })
}

/// Parses and checks scenario text; `file` names it in messages.
pub fn load_str(text: &str, file: &str) -> Result<Scenario, LoadError> {
    let error = |line: u64, column: u64, message: String| LoadError {
        file: file.to_owned(),
        line,
        column,
        message,
        source_line: source_line(text, line),
    };
    let scenario: Scenario = serde_saphyr::from_str(text).map_err(|e| {
        let (line, column) = e.location().map_or((0, 0), |l| (l.line(), l.column()));
        let message = plain_message(&e.without_snippet().to_string());
        error(line, column, message)
    })?;
    check(&scenario).map_err(|(at, message)| error(at.0, at.1, message))?;
    Ok(scenario)
}

/// The parser's message without its trailing ` at line L, column C`.
fn plain_message(rendered: &str) -> String {
    let first = rendered.lines().next().unwrap_or(rendered);
    match first.rfind(" at line ") {
        Some(i) => first[..i].to_owned(),
        None => first.to_owned(),
    }
}

fn source_line(text: &str, line: u64) -> Option<String> {
    let index = usize::try_from(line.checked_sub(1)?).ok()?;
    text.lines().nth(index).map(str::to_owned)
}

type At = (u64, u64);
type Checked = Result<(), (At, String)>;

fn at<T>(s: &Spanned<T>) -> At {
    (s.referenced.line(), s.referenced.column())
}

/// The checks serde cannot make: references between sections and value ranges.
fn check(s: &Scenario) -> Checked {
    let mut accounts: HashSet<&str> = HashSet::from([DEFAULT_ACCOUNT]);
    for a in &s.accounts {
        let id = a.value.id.as_str();
        if id.len() != 12 || !id.bytes().all(|b| b.is_ascii_digit()) {
            return Err((at(a), format!("account id `{id}` is not 12 digits")));
        }
        if !accounts.insert(id) {
            return Err((at(a), format!("account `{id}` is declared twice")));
        }
    }
    let known_account = |acct: Option<&String>, where_: At| -> Checked {
        match acct {
            Some(a) if !accounts.contains(a.as_str()) => Err((
                where_,
                format!("account `{a}` is not declared under `accounts`"),
            )),
            _ => Ok(()),
        }
    };

    let mut functions = HashSet::new();
    for f in &s.functions {
        known_account(f.value.account.as_ref(), at(f))?;
        check_function(f)?;
        let account = f.value.account.as_deref().unwrap_or(DEFAULT_ACCOUNT);
        if !functions.insert((account, f.value.name.as_str())) {
            return Err((
                at(f),
                format!("function `{}` is declared twice", f.value.name),
            ));
        }
    }
    let function_names: HashSet<&str> = s.functions.iter().map(|f| f.value.name.as_str()).collect();

    let mut buckets = HashSet::new();
    for b in &s.buckets {
        known_account(b.value.account.as_ref(), at(b))?;
        if !buckets.insert(b.value.name.as_str()) {
            return Err((
                at(b),
                format!("bucket `{}` is declared twice", b.value.name),
            ));
        }
    }
    let known_bucket = |name: &str, where_: At| -> Checked {
        if buckets.contains(name) {
            Ok(())
        } else {
            Err((
                where_,
                format!("bucket `{name}` is not declared under `buckets`"),
            ))
        }
    };

    let mut invokes = HashSet::new();
    for a in &s.actions {
        match &a.value {
            Action::Put(p) => {
                known_bucket(&p.bucket, at(a))?;
                if p.count == Some(0) {
                    return Err((at(a), "`count` must be at least 1".to_owned()));
                }
            }
            Action::Copy(c) => {
                known_bucket(&c.bucket, at(a))?;
                if let Some(src) = &c.source_bucket {
                    known_bucket(src, at(a))?;
                }
            }
            Action::Multipart(m) => known_bucket(&m.bucket, at(a))?,
            Action::Delete(d) => known_bucket(&d.bucket, at(a))?,
            Action::Invoke(i) => {
                known_account(i.account.as_ref(), at(a))?;
                invokes.insert(i.id.clone().unwrap_or_else(|| i.function.clone()));
            }
            Action::RemovePermission(RemovePermission { function, .. })
            | Action::UpdateAlias(UpdateAlias { function, .. })
            | Action::DeleteFunction(DeleteFunction { function }) => {
                if !function_names.contains(function.as_str()) {
                    return Err((
                        at(a),
                        format!("function `{function}` is not declared under `functions`"),
                    ));
                }
            }
        }
    }

    let known_function = |select: &Select, where_: At| -> Checked {
        if let Some(f) = &select.function {
            let name = super::schema::function_name(f);
            if !function_names.contains(name) {
                return Err((
                    where_,
                    format!("function `{name}` is not declared under `functions`"),
                ));
            }
        }
        if let Some(b) = &select.bucket {
            known_bucket(b, where_)?;
        }
        Ok(())
    };
    let known_outcome = |o: &str, where_: At| -> Checked {
        if Outcome::parse(o).is_some() {
            Ok(())
        } else {
            let all: Vec<&str> = Outcome::ALL.iter().map(|o| o.as_str()).collect();
            Err((
                where_,
                format!("unknown outcome `{o}`, expected one of {}", all.join(", ")),
            ))
        }
    };
    if s.expect.is_empty() {
        return Err((
            (1, 1),
            "a scenario needs at least one entry under `expect`".to_owned(),
        ));
    }
    for e in &s.expect {
        let here = at(e);
        match &e.value {
            Expectation::Delivered(d) => known_function(&d.select(), here)?,
            Expectation::Denied(d) => known_function(&d.select(), here)?,
            Expectation::Outcome(o) => {
                known_function(&o.select(), here)?;
                known_outcome(&o.is, here)?;
            }
            Expectation::NotDelivered(n) => {
                if let Some(b) = &n.bucket {
                    known_bucket(b, here)?;
                }
            }
            Expectation::Rejected(r) => known_bucket(&r.bucket, here)?,
            Expectation::Log(l) => {
                if let Some(id) = &l.invoke {
                    if !invokes.contains(id) {
                        return Err((here, format!("no `invoke` action has the id `{id}`")));
                    }
                } else {
                    known_function(&l.select(), here)?;
                }
            }
            Expectation::Deliveries(c) => {
                known_function(&c.select(), here)?;
                if c.count.is_none() && c.min.is_none() && c.max.is_none() {
                    return Err((
                        here,
                        "`deliveries` needs `count`, `min` or `max`".to_owned(),
                    ));
                }
                if c.count.is_some() && (c.min.is_some() || c.max.is_some()) {
                    return Err((
                        here,
                        "give either `count` or `min`/`max`, not both".to_owned(),
                    ));
                }
                if let Some(o) = c.outcome.as_deref().filter(|o| *o != "any") {
                    known_outcome(o, here)?;
                }
            }
            Expectation::Invoked(i) => {
                if !invokes.contains(&i.invoke) {
                    return Err((
                        here,
                        format!("no `invoke` action has the id `{}`", i.invoke),
                    ));
                }
            }
        }
    }
    Ok(())
}

fn check_function(f: &Spanned<Function>) -> Checked {
    let func = &f.value;
    check_code(&func.code, at(f))?;
    for v in &func.versions {
        if let Some(code) = &v.value.code {
            check_code(code, at(v))?;
        }
    }
    let published = func.versions.len();
    let exists = |v: &str| {
        v == crate::arn::LATEST
            || v.parse::<usize>()
                .is_ok_and(|n| (1..=published).contains(&n))
    };
    for a in &func.aliases {
        if !exists(&a.value.version) {
            return Err((
                at(a),
                format!(
                    "alias `{}` points at version `{}`, but `{}` publishes {published} version(s)",
                    a.value.name, a.value.version, func.name
                ),
            ));
        }
        for (v, w) in &a.value.weights {
            if !exists(v) {
                return Err((
                    at(a),
                    format!(
                        "alias `{}` weights version `{v}`, which is not published",
                        a.value.name
                    ),
                ));
            }
            if !(0.0..=1.0).contains(w) {
                return Err((at(a), format!("weight {w} is not between 0.0 and 1.0")));
            }
        }
    }
    for p in &func.permissions {
        if p.value.source_arn.is_some() && p.value.source_bucket.is_some() {
            return Err((
                at(p),
                "give `source_bucket` or `source_arn`, not both".to_owned(),
            ));
        }
    }
    Ok(())
}

fn check_code(code: &str, here: At) -> Checked {
    let is_package = Path::new(code)
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("wasm") || e.eq_ignore_ascii_case("zip"));
    if handlers::by_name(code).is_some() || is_package {
        return Ok(());
    }
    let names: Vec<&str> = handlers::ALL.iter().map(|(n, _)| *n).collect();
    Err((
        here,
        format!(
            "unknown handler `{code}`: use a built-in ({}) or a path ending in .wasm or .zip",
            names.join(", ")
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "\
name: tutorial
functions:
  - name: helloworld
    code: helloworld
    versions:
      - {}
    aliases:
      - {name: PROD, version: 1}
    permissions:
      - {qualifier: PROD, source_bucket: b, source_account: 000000000000}
buckets:
  - name: b
    notifications:
      - function: helloworld:PROD
        prefix: in/
actions:
  - put: {bucket: b, key: in/a.jpg}
expect:
  - delivered: {function: helloworld, version: 1}
  - deliveries: {function: helloworld, count: 1}
";

    #[test]
    fn a_good_file_loads_with_lines() {
        let s = load_str(GOOD, "good.yaml").unwrap();
        assert_eq!(s.name.as_deref(), Some("tutorial"));
        assert_eq!(s.functions[0].value.aliases[0].value.version, "1");
        assert_eq!(
            s.functions[0].value.permissions[0]
                .value
                .source_account
                .as_deref(),
            Some("000000000000"),
            "a number-looking id stays a string"
        );
        assert_eq!(s.expect[0].referenced.line(), 19);
        assert_eq!(s.expect[1].referenced.line(), 20);
        match &s.expect[0].value {
            Expectation::Delivered(d) => assert_eq!(d.version.as_deref(), Some("1")),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn yaml_errors_carry_line_and_column() {
        let bad = GOOD.replace("prefix: in/", "prefx: in/");
        let e = load_str(&bad, "bad.yaml").unwrap_err();
        assert_eq!((e.line, e.column), (15, 9), "{e}");
        assert!(e.message.contains("unknown field `prefx`"), "{e}");
        let shown = e.to_string();
        assert!(
            shown.starts_with("bad.yaml:15:9: unknown field `prefx`"),
            "{shown}"
        );
        assert!(shown.contains("15 |         prefx: in/"), "{shown}");

        let e = load_str("expect:\n  - delivered: {function: [\n", "x.yaml").unwrap_err();
        assert_eq!(e.line, 2, "{e}");
    }

    #[test]
    fn unknown_expectation_kind_is_named() {
        let bad = GOOD.replace("- delivered:", "- delivred:");
        let e = load_str(&bad, "bad.yaml").unwrap_err();
        assert_eq!(e.line, 19);
        assert!(e.message.contains("unknown variant `delivred`"), "{e}");
    }

    #[test]
    fn references_are_checked_with_the_item_line() {
        let e = load_str(&GOOD.replace("bucket: b, key", "bucket: nope, key"), "f").unwrap_err();
        assert_eq!(e.line, 17);
        assert!(e.message.contains("bucket `nope` is not declared"), "{e}");

        let e = load_str(
            &GOOD.replace("{name: PROD, version: 1}", "{name: PROD, version: 2}"),
            "f",
        )
        .unwrap_err();
        assert_eq!(e.line, 8);
        assert!(e.message.contains("publishes 1 version(s)"), "{e}");

        let e = load_str(&GOOD.replace("code: helloworld", "code: nosuch"), "f").unwrap_err();
        assert_eq!(e.line, 3);
        assert!(e.message.contains("unknown handler `nosuch`"), "{e}");
        assert!(e.message.contains("helloworld"), "lists the built-ins: {e}");

        let e = load_str(
            &GOOD.replace("function: helloworld, count: 1", "function: helloworld"),
            "f",
        )
        .unwrap_err();
        assert_eq!(e.line, 20);
        assert!(e.message.contains("needs `count`"), "{e}");

        let e = load_str(
            &GOOD.replace(
                "version: 1}\n  - deliveries",
                "version: 1}\n  - outcome: {is: gone}\n  - deliveries",
            ),
            "f",
        )
        .unwrap_err();
        assert!(e.message.contains("unknown outcome `gone`"), "{e}");
    }

    #[test]
    fn control_plane_actions_name_declared_functions() {
        let ok = GOOD.replace(
            "  - put: {bucket: b, key: in/a.jpg}\n",
            "  - put: {bucket: b, key: in/a.jpg}\n  - update_alias: {function: helloworld, alias: PROD, version: 1, weights: {}}\n  - remove_permission: {function: helloworld, sid: s3-1, qualifier: PROD}\n",
        );
        let s = load_str(&ok, "f").unwrap();
        assert!(matches!(
            &s.actions[1].value,
            Action::UpdateAlias(u) if u.weights.as_ref().is_some_and(std::collections::BTreeMap::is_empty)
        ));
        let bad = GOOD.replace(
            "  - put: {bucket: b, key: in/a.jpg}\n",
            "  - put: {bucket: b, key: in/a.jpg}\n  - delete_function: {function: nope}\n",
        );
        let e = load_str(&bad, "f").unwrap_err();
        assert_eq!(e.line, 18);
        assert!(e.message.contains("function `nope` is not declared"), "{e}");
    }

    #[test]
    fn a_missing_file_is_an_error_without_a_line() {
        let e = load_file(Path::new("/nonexistent/s.yaml")).unwrap_err();
        assert_eq!(e.line, 0);
        assert!(
            e.to_string()
                .starts_with("/nonexistent/s.yaml: cannot read"),
            "{e}"
        );
    }
}
