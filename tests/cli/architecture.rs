//! The house as ARCHITECTURE.md draws it (issue 30): no import cycle between
//! the crate's modules. Each file's `crate::` and `super::` paths (code, not
//! comments or unit tests) are edges from its module to the module they
//! name; a module may use its parent (`super::`), and no two modules may
//! reach each other, at the level of the top modules (`plan`, `render`) and
//! of their files (`plan::stale`, `render::views`).

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
