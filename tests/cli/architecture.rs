//! The house as ARCHITECTURE.md draws it (issue 30): no import cycle between
//! the crate's modules. Each file's `crate::` and `super::` paths (code, not
//! comments or unit tests) are edges from its module to the module they
//! name; a module may use its parent (`super::`), and no two modules may
//! reach each other, at the level of the top modules (`plan`, `render`) and
//! of their files (`plan::stale`, `render::views`). And no file of the
//! program or its tests passes 600 lines, no function 100.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Every module of `src/` by path (`plan::stale`), with its code: comments
/// and `#[cfg(test)] mod tests` left out.
fn modules() -> BTreeMap<String, String> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, String>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(root, &p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                let rel = p.strip_prefix(root).unwrap().with_extension("");
                let mut parts: Vec<String> =
                    rel.iter().map(|s| s.to_string_lossy().into_owned()).collect();
                if matches!(parts.last().map(String::as_str), Some("mod" | "lib" | "main")) {
                    parts.pop();
                }
                let text = std::fs::read_to_string(&p).unwrap();
                let text = text.split("#[cfg(test)]\nmod tests").next().unwrap();
                let code: String = text
                    .lines()
                    .filter(|l| !l.trim_start().starts_with("//"))
                    .map(|l| format!("{l}\n"))
                    .collect();
                out.insert(parts.join("::"), code);
            }
        }
    }
    let root = crate::util::root().join("src");
    let mut out = BTreeMap::new();
    walk(&root, &root, &mut out);
    out
}

/// The module a path names: its longest prefix that is a module.
fn owner<'a>(modules: &'a BTreeMap<String, String>, path: &[&str]) -> Option<&'a str> {
    (1..=path.len())
        .rev()
        .find_map(|n| modules.get_key_value(&path[..n].join("::")).map(|(k, _)| k.as_str()))
}

/// The edges between modules, cut to `level` parts (`plan` at 1, `plan::stale` at 2).
fn edges(modules: &BTreeMap<String, String>, level: usize) -> BTreeMap<String, BTreeSet<String>> {
    let cut = |m: &str| m.split("::").take(level).collect::<Vec<_>>().join("::");
    let ident = |s: &str| -> Vec<String> {
        let mut parts = Vec::new();
        let mut rest = s;
        loop {
            let n = rest
                .find(|c: char| !(c.is_ascii_lowercase() || c == '_' || c.is_ascii_digit()))
                .unwrap_or(rest.len());
            if n == 0 {
                break;
            }
            parts.push(rest[..n].to_string());
            match rest[n..].strip_prefix("::") {
                Some(r) => rest = r,
                None => break,
            }
        }
        parts
    };
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (name, code) in modules {
        if name.is_empty() {
            continue; // lib.rs and main.rs declare the modules
        }
        let parent: Vec<&str> = name.split("::").collect();
        let parent = &parent[..parent.len() - 1];
        let mut targets = Vec::new();
        for (at, _) in code.match_indices("crate::") {
            let path = ident(&code[at + "crate::".len()..]);
            let path: Vec<&str> = path.iter().map(String::as_str).collect();
            targets.extend(owner(modules, &path));
        }
        for (at, _) in code.match_indices("super::") {
            let path = ident(&code[at + "super::".len()..]);
            let mut full: Vec<&str> = parent.to_vec();
            full.extend(path.iter().map(String::as_str));
            targets.extend(owner(modules, &full));
        }
        let from = cut(name);
        for t in targets {
            let to = cut(t);
            if !to.is_empty() && to != from && !from.starts_with(&format!("{to}::")) {
                out.entry(from.clone()).or_default().insert(to);
            }
        }
    }
    out
}

/// The cycles of a graph: each strongly connected set of two or more nodes.
fn cycles(edges: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    let reach = |from: &str| {
        let mut seen = BTreeSet::new();
        let mut todo = vec![from.to_string()];
        while let Some(n) = todo.pop() {
            for m in edges.get(&n).into_iter().flatten() {
                if seen.insert(m.clone()) {
                    todo.push(m.clone());
                }
            }
        }
        seen
    };
    let reaches: BTreeMap<&String, BTreeSet<String>> =
        edges.keys().map(|k| (k, reach(k))).collect();
    let mut out: Vec<Vec<String>> = Vec::new();
    for (k, r) in &reaches {
        let mut set: Vec<String> = r
            .iter()
            .filter(|m| *m != *k && reaches.get(m).is_some_and(|back| back.contains(*k)))
            .cloned()
            .collect();
        if set.is_empty() {
            continue;
        }
        set.push((*k).clone());
        set.sort();
        if !out.contains(&set) {
            out.push(set);
        }
    }
    out
}

#[test]
fn the_cycle_finder_finds_a_cycle_and_its_members() {
    let mut e: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (a, b) in
        [("write", "manifest"), ("manifest", "write"), ("plan", "write"), ("load", "model")]
    {
        e.entry(a.into()).or_default().insert(b.into());
    }
    assert_eq!(cycles(&e), [vec!["manifest".to_string(), "write".to_string()]]);
}

#[test]
fn no_module_imports_a_module_that_imports_it() {
    let modules = modules();
    assert!(modules.len() > 50 && modules.contains_key("plan::stale"), "{:?}", modules.keys());
    let top = edges(&modules, 1);
    assert!(top["commands"].contains("project"), "the edges are read: {top:?}");
    for level in [1, 2] {
        let found = cycles(&edges(&modules, level));
        assert!(
            found.is_empty(),
            "import cycles at level {level} (move the shared types below both): {found:?}"
        );
    }
}

/// Every `.rs` file under `src/` and `tests/` (and `build.rs`), with its text.
fn rust_files() -> Vec<(String, String)> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<(String, String)>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(root, &p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                let name = p.strip_prefix(root).unwrap().display().to_string();
                out.push((name, std::fs::read_to_string(&p).unwrap()));
            }
        }
    }
    let root = crate::util::root();
    let mut out = Vec::new();
    walk(&root, &root.join("src"), &mut out);
    walk(&root, &root.join("tests"), &mut out);
    out.push(("build.rs".into(), std::fs::read_to_string(root.join("build.rs")).unwrap()));
    out.sort();
    out
}

/// Each function of a file (formatted by rustfmt) with its first line and
/// its length in lines, from its `fn` line to the `}` at its indentation.
fn functions(text: &str) -> Vec<(String, usize, usize)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let code = line.trim_start();
        let indent = &line[..line.len() - code.len()];
        let mut rest = code;
        for prefix in ["pub(crate) ", "pub(super) ", "pub ", "const ", "async ", "unsafe "] {
            rest = rest.strip_prefix(prefix).unwrap_or(rest);
        }
        let Some(name) = rest.strip_prefix("fn ") else { continue };
        if code.ends_with(';') {
            continue; // a declaration in a trait
        }
        let name: String = name.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
        let close = format!("{indent}}}");
        let end = if code.ends_with('}') {
            i
        } else {
            (i + 1..lines.len()).find(|&j| lines[j] == close).unwrap_or(i)
        };
        out.push((name, i + 1, end - i + 1));
    }
    out
}

#[test]
fn the_length_finder_measures_a_function_to_its_closing_brace() {
    let text = "fn a() {}\n\nimpl X {\n    pub fn b(\n        x: u8,\n    ) -> u8 {\n        x\n    }\n}\n";
    assert_eq!(functions(text), [("a".into(), 1, 1), ("b".into(), 4, 5)]);
}

#[test]
fn no_file_passes_600_lines_and_no_function_100() {
    let files = rust_files();
    assert!(files.iter().any(|(n, _)| n == "src/plan/mod.rs"), "the files are read");
    let mut long = Vec::new();
    for (name, text) in &files {
        let n = text.lines().count();
        if n > 600 {
            long.push(format!("{name}: {n} lines"));
        }
        for (f, line, len) in functions(text) {
            if len > 100 {
                long.push(format!("{name}:{line}: fn {f}: {len} lines"));
            }
        }
    }
    assert!(long.is_empty(), "split these along their own steps:\n{}", long.join("\n"));
}
