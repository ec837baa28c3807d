//! The shape of `src/`, checked: no import cycle between top-level modules or between the
//! files (and subfolders) of one folder, and no file over 900 lines of non-test code.
//!
//! The module tree is walked from `src/lib.rs` and `src/main.rs` along `mod` declarations;
//! modules behind `#[cfg(test)]` are left out (tests may reach anywhere). In each file, every
//! `crate::`, `super::`, `self::` and `s3lambda::` path (in `use` trees and in code, not in
//! comments or strings) is resolved to the deepest module file it names. A reference from
//! module `a::b::x` to `a::c::y` is an arrow `b -> c` in folder `a`; a reference between a
//! module and one of its ancestors (a file and its folder's `mod.rs`) is no arrow. Items
//! re-exported by a `mod.rs` count as the folder's, so a cycle hidden behind a re-export is
//! not seen: import from the file that defines an item.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Cycles still present while the issue that breaks them is under way, as (folder, the
/// modules of the cycle); the folder `""` is the crate root. THIS LIST MUST STAY EMPTY: it only
/// lets parallel work land in steps. An entry no cycle matches any more fails the test, so the
/// list can only shrink.
const ALLOWED_CYCLES: &[(&str, &[&str])] = &[];

/// The most lines of non-test code a file may have.
const MAX_LINES: usize = 900;

/// Files over [`MAX_LINES`] while they are being split. THIS LIST MUST STAY EMPTY too.
const ALLOWED_LONG_FILES: &[&str] = &[];

#[test]
fn no_import_cycle_between_modules_or_between_the_files_of_a_folder() {
    let tree = Tree::load();
    let mut unexpected = Vec::new();
    let mut matched = BTreeSet::new();
    for (folder, arrows) in tree.arrows_by_folder() {
        for component in strongly_connected(&arrows) {
            let allowed = ALLOWED_CYCLES.iter().position(|(f, members)| {
                *f == folder && component.iter().all(|m| members.contains(&m.as_str()))
            });
            match allowed {
                Some(i) => {
                    matched.insert(i);
                }
                None => unexpected.push(describe(&folder, &component, &arrows)),
            }
        }
    }
    let stale: Vec<_> = ALLOWED_CYCLES
        .iter()
        .enumerate()
        .filter(|(i, _)| !matched.contains(i))
        .map(|(_, (folder, members))| format!("{folder:?}: {}", members.join(", ")))
        .collect();
    assert!(
        unexpected.is_empty(),
        "import cycles in src/ (break each; see ARCHITECTURE.md for the layering):\n{}",
        unexpected.join("\n")
    );
    assert!(
        stale.is_empty(),
        "ALLOWED_CYCLES lists cycles that are gone; remove them: {stale:?}"
    );
}

#[test]
fn no_file_has_more_than_900_lines_of_non_test_code() {
    let tree = Tree::load();
    let mut long = Vec::new();
    let mut seen = BTreeSet::new();
    for module in tree.modules.values() {
        let name = module.file.display().to_string();
        seen.insert(name.clone());
        if module.code_lines > MAX_LINES && !ALLOWED_LONG_FILES.contains(&name.as_str()) {
            long.push(format!("{name}: {} lines", module.code_lines));
        }
    }
    assert!(
        long.is_empty(),
        "files over {MAX_LINES} lines of non-test code (split them into rooms): {long:?}"
    );
    for allowed in ALLOWED_LONG_FILES {
        let still_long = tree
            .modules
            .values()
            .any(|m| m.file.display().to_string() == *allowed && m.code_lines > MAX_LINES);
        assert!(
            still_long || !seen.contains(*allowed),
            "{allowed} is no longer over {MAX_LINES} lines: remove it from ALLOWED_LONG_FILES"
        );
    }
}

/// The checker itself, on a small made-up tree.
#[test]
fn the_checker_sees_use_trees_super_paths_and_skips_comments_strings_and_tests() {
    let code = r##"
        /// A link to [`crate::documented::Item`].
        use crate::a::{b::{C, d}, e as f};
        use super::{sibling, other::Thing};
        // use crate::commented::Out;
        /* crate::block::Comment */
        const S: &str = "crate::in_string::No";
        const R: &str = r#"crate::raw::No"#;
        fn x<'a>(c: char) -> &'a str { let _ = 'x'; crate::g::h(); self::local::y(); "" }
        #[cfg(test)]
        mod tests { use crate::only_tests::Z; }
        mod inline { use super::super::up::W; }
    "##;
    let (clean, docs) = blank_comments_and_strings(code);
    assert_eq!(docs.trim(), "A link to [`crate::documented::Item`].");
    let (without_tests, test_lines) = drop_test_blocks(&clean);
    assert_eq!(test_lines, 2);
    let found: BTreeSet<String> = paths_in(&without_tests, true)
        .iter()
        .chain(&paths_in(&docs, false))
        .map(|f| format!("{}@{}", f.path.join("::"), f.depth))
        .collect();
    let expected: BTreeSet<String> = [
        "crate::documented::Item@0",
        "crate::a::b::C@0",
        "crate::a::b::d@0",
        "crate::a::e@0",
        "super::sibling@0",
        "super::other::Thing@0",
        "crate::g::h@0",
        "self::local::y@0",
        "super::super::up::W@1",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect();
    assert_eq!(found, expected);

    let arrows = BTreeMap::from([
        ("a".to_owned(), BTreeSet::from(["b".to_owned()])),
        ("b".to_owned(), BTreeSet::from(["c".to_owned()])),
        ("c".to_owned(), BTreeSet::from(["a".to_owned()])),
        ("d".to_owned(), BTreeSet::from(["a".to_owned()])),
    ]);
    let components = strongly_connected(&arrows);
    assert_eq!(
        components,
        vec![vec!["a".to_owned(), "b".to_owned(), "c".to_owned()]]
    );
    assert_eq!(
        describe("x", &components[0], &arrows),
        "in src/x: a -> b -> c -> a"
    );
}

/// One module file of the crate.
struct Module {
    /// Relative to the package root, e.g. `src/edge/mod.rs`.
    file: PathBuf,
    /// Module paths (absolute, without `crate`) this file refers to.
    refs: Vec<Vec<String>>,
    /// What it re-exports (`pub use`), by name: to the path re-exported.
    reexports: BTreeMap<String, Vec<String>>,
    /// Non-blank lines of code (not comments) outside `#[cfg(test)]` items.
    code_lines: usize,
}

/// Every non-test module of the library and the binary, by module path (`edge::server`).
struct Tree {
    modules: BTreeMap<Vec<String>, Module>,
}

impl Tree {
    fn load() -> Self {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut tree = Tree {
            modules: BTreeMap::new(),
        };
        // The binary's modules (cli) and the library's share no name, so one namespace holds
        // both; `s3lambda::` in the binary is the library's `crate::`.
        for crate_root in ["src/lib.rs", "src/main.rs"] {
            tree.walk(root, Path::new(crate_root), &[], true);
        }
        tree
    }

    fn walk(&mut self, root: &Path, file: &Path, path: &[String], owns_dir: bool) {
        let text = std::fs::read_to_string(root.join(file))
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", file.display()));
        let (clean, docs) = blank_comments_and_strings(&text);
        let (code, _) = drop_test_blocks(&clean);
        let dir = file.parent().expect("a file in a folder").to_path_buf();
        let child_dir = if owns_dir {
            dir.clone()
        } else {
            dir.join(file.file_stem().expect("a file name"))
        };
        let mut refs = Vec::new();
        let mut reexports = BTreeMap::new();
        let found = paths_in(&code, true)
            .into_iter()
            .chain(paths_in(&docs, false));
        for Found {
            path: segments,
            depth,
            public,
        } in found
        {
            if let Some(resolved) = resolve(path, &segments, depth) {
                if public && resolved.len() > 1 {
                    let name = resolved[resolved.len() - 1].clone();
                    reexports.insert(name, resolved.clone());
                }
                refs.push(resolved);
            }
        }
        let code_lines = code.lines().filter(|l| !l.trim().is_empty()).count();
        if !path.is_empty() {
            self.modules.insert(
                path.to_vec(),
                Module {
                    file: file.to_path_buf(),
                    refs,
                    reexports,
                    code_lines,
                },
            );
        }
        for (name, explicit) in mod_declarations(&code, &text) {
            let flat = child_dir.join(format!("{name}.rs"));
            let (child, child_owns_dir) = if let Some(p) = explicit {
                (dir.join(&p), p.ends_with("mod.rs"))
            } else if root.join(&flat).exists() {
                (flat, false)
            } else {
                (child_dir.join(&name).join("mod.rs"), true)
            };
            let mut child_path = path.to_vec();
            child_path.push(name);
            self.walk(root, &child, &child_path, child_owns_dir);
        }
    }

    /// The module a path names or holds the item it names: the deepest module file on the
    /// path, followed through the re-exports (`pub use`) of a folder's `mod.rs`.
    fn module_of(&self, path: &[String]) -> Option<Vec<String>> {
        let mut path = path.to_vec();
        for _ in 0..8 {
            let module = (1..=path.len())
                .rev()
                .map(|n| path[..n].to_vec())
                .find(|p| self.modules.contains_key(p))?;
            let reexported = path
                .get(module.len())
                .and_then(|item| self.modules[&module].reexports.get(item))
                .filter(|target| **target != path);
            match reexported {
                Some(target) => path.clone_from(target),
                None => return Some(module),
            }
        }
        None
    }

    /// For each folder (a module path; `""` for the crate root), the arrows between its
    /// children.
    fn arrows_by_folder(&self) -> BTreeMap<String, BTreeMap<String, BTreeSet<String>>> {
        let mut folders: BTreeMap<String, BTreeMap<String, BTreeSet<String>>> = BTreeMap::new();
        for (from, module) in &self.modules {
            for to in module.refs.iter().filter_map(|r| self.module_of(r)) {
                let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
                if common < from.len() && common < to.len() {
                    folders
                        .entry(from[..common].join("::"))
                        .or_default()
                        .entry(from[common].clone())
                        .or_default()
                        .insert(to[common].clone());
                }
            }
        }
        folders
    }
}

/// An absolute module path for `segments` as written in the module at `path` (at `depth`
/// inline modules deep), or `None` for a path outside the crate.
/// (`self::` names this module or its children: never an arrow.)
fn resolve(path: &[String], segments: &[String], depth: usize) -> Option<Vec<String>> {
    match segments.first()?.as_str() {
        "crate" | "s3lambda" => Some(segments[1..].to_vec()),
        "super" => {
            let supers = segments.iter().take_while(|s| *s == "super").count();
            if supers <= depth {
                return None; // inside this file
            }
            let up = supers - depth;
            let base = path.len().checked_sub(up)?;
            let rest = segments.iter().skip(supers);
            Some(path[..base].iter().cloned().chain(rest.cloned()).collect())
        }
        _ => None,
    }
}

/// `text` with comments and the contents of string and char literals replaced by spaces
/// (newlines kept), so positions and line numbers stay; and the text of its doc comments
/// (`///`, `//!`), whose intra-doc links are references too.
fn blank_comments_and_strings(text: &str) -> (String, String) {
    let b: Vec<char> = text.chars().collect();
    let mut out: Vec<char> = b.clone();
    let mut docs = String::new();
    let blank = |out: &mut Vec<char>, from: usize, to: usize| {
        for c in &mut out[from..to.min(b.len())] {
            if *c != '\n' {
                *c = ' ';
            }
        }
    };
    let mut i = 0;
    while i < b.len() {
        let next = b.get(i + 1).copied();
        if b[i] == '/' && next == Some('/') {
            let end = b[i..]
                .iter()
                .position(|&c| c == '\n')
                .map_or(b.len(), |p| i + p);
            if matches!(b.get(i + 2), Some('/' | '!')) {
                docs.extend(&b[i + 3..end]);
                docs.push('\n');
            }
            blank(&mut out, i, end);
            i = end;
        } else if b[i] == '/' && next == Some('*') {
            let mut depth = 0;
            let mut j = i;
            while j < b.len() {
                if b[j] == '/' && b.get(j + 1) == Some(&'*') {
                    depth += 1;
                    j += 2;
                } else if b[j] == '*' && b.get(j + 1) == Some(&'/') {
                    depth -= 1;
                    j += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    j += 1;
                }
            }
            blank(&mut out, i, j);
            i = j;
        } else if b[i] == 'r'
            && matches!(next, Some('"' | '#'))
            && !ident_char(b.get(i.wrapping_sub(1)))
        {
            let hashes = b[i + 1..].iter().take_while(|&&c| c == '#').count();
            if b.get(i + 1 + hashes) != Some(&'"') {
                i += 1;
                continue;
            }
            let close: String = std::iter::once('"')
                .chain(std::iter::repeat_n('#', hashes))
                .collect();
            let body_start = i + 2 + hashes;
            let rest: String = b[body_start..].iter().collect();
            let end = rest.find(&close).map_or(b.len(), |p| {
                body_start + rest[..p].chars().count() + close.len()
            });
            blank(&mut out, body_start, end);
            i = end;
        } else if b[i] == '"' {
            let mut j = i + 1;
            while j < b.len() && b[j] != '"' {
                j += if b[j] == '\\' { 2 } else { 1 };
            }
            blank(&mut out, i + 1, j);
            i = j + 1;
        } else if b[i] == '\'' {
            // A char literal ('x', '\n', '\u{..}'), or a lifetime ('a), left as it is.
            if next == Some('\\') {
                let end = b[i + 2..]
                    .iter()
                    .position(|&c| c == '\'')
                    .map_or(b.len(), |p| i + 2 + p);
                blank(&mut out, i + 1, end);
                i = end + 1;
            } else if b.get(i + 2) == Some(&'\'') {
                blank(&mut out, i + 1, i + 2);
                i += 3;
            } else {
                i += 1;
            }
        } else {
            i += 1;
        }
    }
    (out.into_iter().collect(), docs)
}

fn ident_char(c: Option<&char>) -> bool {
    c.is_some_and(|c| c.is_alphanumeric() || *c == '_')
}

/// `code` without its `#[cfg(test)]` items (inline modules, functions, `mod x;` lines), and
/// how many lines those took.
fn drop_test_blocks(code: &str) -> (String, usize) {
    let mut out = String::with_capacity(code.len());
    let mut lines = 0;
    let mut rest = code;
    while let Some(at) = rest.find("#[cfg(test)]") {
        out.push_str(&rest[..at]);
        let item = &rest[at..];
        // The item ends at its `;` or at the brace closing its first `{`, whichever is first.
        let semi = item.find(';');
        let brace = item.find('{');
        let end = match (semi, brace) {
            (Some(s), Some(b)) if s < b => s + 1,
            (_, Some(b)) => {
                let mut depth = 0;
                let mut end = item.len();
                for (i, c) in item[b..].char_indices() {
                    match c {
                        '{' => depth += 1,
                        '}' => {
                            depth -= 1;
                            if depth == 0 {
                                end = b + i + 1;
                                break;
                            }
                        }
                        _ => {}
                    }
                }
                end
            }
            (Some(s), None) => s + 1,
            (None, None) => item.len(),
        };
        let dropped = &item[..end];
        lines += dropped.matches('\n').count() + 1;
        out.push_str(&"\n".repeat(dropped.matches('\n').count()));
        rest = &item[end..];
    }
    out.push_str(rest);
    (out, lines)
}

/// The `mod name;` declarations of a file (test ones already dropped in `code`), each with
/// its `#[path = "..."]` if it has one (read from the original `text`).
fn mod_declarations(code: &str, text: &str) -> Vec<(String, Option<String>)> {
    let mut explicit = BTreeMap::new();
    for (at, _) in text.match_indices("#[path = \"") {
        let value_start = at + "#[path = \"".len();
        let Some(len) = text[value_start..].find('"') else {
            continue;
        };
        let after = tokens(&text[value_start + len..]);
        if let Some(name) = after
            .iter()
            .position(|t| t == "mod")
            .and_then(|i| after.get(i + 1))
        {
            explicit.insert(
                name.clone(),
                text[value_start..value_start + len].to_owned(),
            );
        }
    }
    let tokens = tokens(code);
    tokens
        .iter()
        .enumerate()
        .filter(|(i, t)| *t == "mod" && tokens.get(i + 2).is_some_and(|t| t == ";"))
        .map(|(i, _)| {
            let name = tokens[i + 1].clone();
            let path = explicit.get(&name).cloned();
            (name, path)
        })
        .collect()
}

/// A path found in a file.
struct Found {
    /// Its segments, `crate`/`super`/`self`/`s3lambda` first.
    path: Vec<String>,
    /// How many inline modules it stands in.
    depth: usize,
    /// Whether a `pub use` (of any visibility) re-exports it.
    public: bool,
}

/// Every `crate::`/`super::`/`self::`/`s3lambda::` path in `code`, with use trees expanded
/// when `uses` (code, not prose).
fn paths_in(code: &str, uses: bool) -> Vec<Found> {
    let tokens = tokens(code);
    let mut found = Vec::new();
    let mut inline_depth = Vec::new(); // brace depth at which each open inline module began
    let mut braces = 0usize;
    let mut i = 0;
    while i < tokens.len() {
        let t = tokens[i].as_str();
        match t {
            "{" => braces += 1,
            "}" => {
                braces = braces.saturating_sub(1);
                if inline_depth.last() == Some(&braces) {
                    inline_depth.pop();
                }
            }
            "mod" if tokens.get(i + 2).is_some_and(|t| t == "{") => {
                inline_depth.push(braces);
            }
            "use" if uses => {
                let end = tokens[i..]
                    .iter()
                    .position(|t| t == ";")
                    .map_or(tokens.len(), |p| i + p);
                let public = tokens[..i].last().is_some_and(|t| t == "pub" || t == ")");
                let mut trees = Vec::new();
                expand(&tokens[i + 1..end], &mut Vec::new(), &mut trees);
                for path in trees {
                    if is_root(&path[0]) {
                        found.push(Found {
                            path,
                            depth: inline_depth.len(),
                            public,
                        });
                    }
                }
                i = end;
                continue;
            }
            _ if is_root(t)
                && tokens.get(i + 1).is_some_and(|n| n == "::")
                && !after_path_sep(&tokens, i) =>
            {
                let mut path = vec![t.to_owned()];
                let mut j = i + 1;
                while tokens.get(j).is_some_and(|n| n == "::")
                    && tokens.get(j + 1).is_some_and(|n| is_ident(n))
                {
                    path.push(tokens[j + 1].clone());
                    j += 2;
                }
                found.push(Found {
                    path,
                    depth: inline_depth.len(),
                    public: false,
                });
                i = j;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    found
}

fn after_path_sep(tokens: &[String], i: usize) -> bool {
    i > 0 && tokens[i - 1] == "::"
}

fn is_root(t: &str) -> bool {
    matches!(t, "crate" | "super" | "self" | "s3lambda")
}

fn is_ident(t: &str) -> bool {
    t.chars()
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_')
}

/// Expands a use tree (`a::{b, c::{d as e}}`) into its paths.
fn expand(tokens: &[String], prefix: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    let mut i = 0;
    let start_len = prefix.len();
    while i < tokens.len() {
        match tokens[i].as_str() {
            "::" => {}
            "{" => {
                let close = matching_brace(tokens, i);
                for part in split_top_level(&tokens[i + 1..close]) {
                    expand(part, prefix, out);
                }
                prefix.truncate(start_len);
                return;
            }
            "as" | "*" => break,
            t if is_ident(t) => prefix.push(t.to_owned()),
            _ => {}
        }
        i += 1;
    }
    if prefix.len() > start_len {
        // `self` at the end of a tree names the module before it.
        let mut path = prefix.clone();
        if path.len() > 1 && path.last().is_some_and(|s| s == "self") {
            path.pop();
        }
        if !path.is_empty() {
            out.push(path);
        }
    }
    prefix.truncate(start_len);
}

fn matching_brace(tokens: &[String], open: usize) -> usize {
    let mut depth = 0;
    for (i, t) in tokens.iter().enumerate().skip(open) {
        match t.as_str() {
            "{" => depth += 1,
            "}" => {
                depth -= 1;
                if depth == 0 {
                    return i;
                }
            }
            _ => {}
        }
    }
    tokens.len()
}

fn split_top_level(tokens: &[String]) -> Vec<&[String]> {
    let mut parts = Vec::new();
    let mut depth = 0;
    let mut start = 0;
    for (i, t) in tokens.iter().enumerate() {
        match t.as_str() {
            "{" => depth += 1,
            "}" => depth -= 1,
            "," if depth == 0 => {
                parts.push(&tokens[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&tokens[start..]);
    parts.retain(|p| !p.is_empty());
    parts
}

/// Identifiers, `::`, and single punctuation characters.
fn tokens(code: &str) -> Vec<String> {
    let chars: Vec<char> = code.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_alphanumeric() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            out.push(chars[start..i].iter().collect());
            continue;
        }
        if c == ':' && chars.get(i + 1) == Some(&':') {
            out.push("::".to_owned());
            i += 2;
            continue;
        }
        if !c.is_whitespace() {
            out.push(c.to_string());
        }
        i += 1;
    }
    out
}

/// The strongly connected components of more than one node, each sorted, in a stable order.
fn strongly_connected(arrows: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    let nodes: BTreeSet<&String> = arrows
        .iter()
        .flat_map(|(from, to)| std::iter::once(from).chain(to))
        .collect();
    let reaches = |from: &String| -> BTreeSet<String> {
        let mut seen = BTreeSet::new();
        let mut stack = vec![from.clone()];
        while let Some(n) = stack.pop() {
            for next in arrows.get(&n).into_iter().flatten() {
                if seen.insert(next.clone()) {
                    stack.push(next.clone());
                }
            }
        }
        seen
    };
    let reach: BTreeMap<&String, BTreeSet<String>> =
        nodes.iter().map(|n| (*n, reaches(n))).collect();
    let mut components: Vec<Vec<String>> = Vec::new();
    for n in &nodes {
        if !reach[n].contains(*n) || components.iter().any(|c| c.contains(n)) {
            continue;
        }
        let component: Vec<String> = nodes
            .iter()
            .filter(|m| reach[n].contains(**m) && reach[*m].contains(*n))
            .map(|m| (*m).clone())
            .collect();
        if component.len() > 1 {
            components.push(component);
        }
    }
    components
}

/// One cycle through a component, as `in src/folder: a -> b -> a`.
fn describe(
    folder: &str,
    component: &[String],
    arrows: &BTreeMap<String, BTreeSet<String>>,
) -> String {
    let start = &component[0];
    // Breadth-first from `start` back to it, inside the component.
    let mut previous: BTreeMap<String, String> = BTreeMap::new();
    let mut queue = std::collections::VecDeque::from([start.clone()]);
    'search: while let Some(n) = queue.pop_front() {
        for next in arrows.get(&n).into_iter().flatten() {
            if !component.contains(next) {
                continue;
            }
            if next == start {
                previous.insert(start.clone(), n.clone());
                break 'search;
            }
            if !previous.contains_key(next) {
                previous.insert(next.clone(), n.clone());
                queue.push_back(next.clone());
            }
        }
    }
    let mut cycle = vec![start.clone()];
    let mut at = previous.get(start).cloned();
    while let Some(n) = at {
        cycle.push(n.clone());
        if &n == start {
            break;
        }
        at = previous.get(&n).cloned();
    }
    cycle.reverse();
    if cycle.len() == 1 {
        cycle.push(start.clone());
    }
    let place = if folder.is_empty() {
        "src/ (top-level modules)".to_owned()
    } else {
        format!("src/{}", folder.replace("::", "/"))
    };
    format!("in {place}: {}", cycle.join(" -> "))
}
