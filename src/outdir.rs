//! The output folder as a jail, checked before a build renders or writes
//! anything ([`crate::write`] checks each path again as it writes):
//!
//! - `--out` is a folder, or does not exist yet ([`check_folder`]);
//! - no path a build writes passes through a symbolic link inside `--out`,
//!   or ends at something other than a regular file; this holds even with
//!   `--force`;
//! - a file is overwritten only if the tool wrote it: the previous manifest
//!   lists it (or was about to, when a build was stopped);
//! - `--out` is not the folder of the practice file or of another input, nor
//!   a folder above one;
//! - a folder with no readable manifest of ours is taken over only if every
//!   file in it is one the build writes, byte for byte ([`unlisted`]: checked
//!   again once the files are made): so `--out ~` is refused, and a folder
//!   whose manifest was deleted or damaged (a merge conflict) is recognised
//!   by its content and gets its manifest back.
//!
//! `--force` lifts the last two: it overwrites files the tool did not write
//! and builds into a folder that holds inputs or other files. Files the
//! manifest does not list are never deleted, with or without it.

use std::path::{Path, PathBuf};

use crate::diag::Diagnostic;
use crate::io::sha256_hex;
use crate::manifest::{Manifest, Output};
use crate::options::InputOptions;
use crate::write::{MANIFEST, Unsafe, reached_safely, safe_relative};

/// Refuses an `--out` that names a file (or lies under one), before anything
/// is read or rendered.
pub fn check_folder(out: &Path) -> Result<(), Diagnostic> {
    let mut at = Some(out);
    while let Some(p) = at.filter(|p| !p.as_os_str().is_empty()) {
        match std::fs::metadata(p) {
            Ok(m) if m.is_dir() => return Ok(()),
            Ok(_) => {
                let what = if p == out {
                    format!("`--out {}` is a file, not a folder", out.display())
                } else {
                    format!("`--out {}` cannot be made: `{}` is a file", out.display(), p.display())
                };
                return Err(Diagnostic::error("out-not-a-folder", what)
                    .with_hint("name a folder for the forms; it is made if it does not exist"));
            }
            Err(_) => at = p.parent(),
        }
    }
    Ok(())
}

/// What a build is about to write, for [`preflight`].
pub struct Targets<'a> {
    /// The output folder.
    pub out: &'a Path,
    /// Every path the build writes under it, the manifest included.
    pub paths: Vec<&'a str>,
    /// The files of the previous build that it would remove (if intact).
    pub removals: Vec<&'a str>,
    /// The previous build's manifest, if it is one of ours.
    pub previous: Option<&'a Manifest>,
    /// The inputs, whose folders `--out` must keep out of.
    pub inputs: &'a InputOptions,
    /// `--force`.
    pub force: bool,
    /// Whether `manifest.json` is ours though it does not read
    /// ([`damaged_manifest`]): then it may be replaced.
    pub damaged: bool,
}

/// Every reason the build may not write or remove what it is about to, as
/// diagnostics: errors stop the build; warnings name manifest entries that
/// are not plain paths inside the folder, which are never touched.
pub fn preflight(t: &Targets<'_>) -> Vec<Diagnostic> {
    let mut diags = links(t, &t.paths);
    let (plain, odd): (Vec<&str>, Vec<&str>) =
        t.removals.iter().partition(|p| safe_relative(p).is_some());
    diags.extend(links(t, &plain));
    for path in odd {
        diags.push(
            Diagnostic::warning(
                "manifest-path",
                format!("the manifest lists `{path}`, which is not a plain path inside the output folder; it is left alone"),
            )
            .with_hint("manifest.json is written by consentgen; do not edit it by hand"),
        );
    }
    if !t.force {
        diags.extend(inputs_inside(t));
        if !crate::diag::has_errors(&diags) {
            diags.extend(foreign_folder(t));
        }
        if !crate::diag::has_errors(&diags) {
            diags.extend(foreign_files(t));
        }
    }
    diags
}

/// Every regular file under `dir` (`/`-separated, relative), links and a
/// killed build's temporary files left out, in order.
fn files_under(dir: &Path) -> Vec<String> {
    fn walk(base: &Path, dir: &Path, out: &mut Vec<String>) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        for e in entries.flatten() {
            let Ok(kind) = e.file_type() else { continue };
            let name = e.file_name().to_string_lossy().into_owned();
            if kind.is_dir() {
                walk(base, &e.path(), out);
            } else if !crate::io::is_temporary(&name) && name != crate::lock::LOCK_FILE {
                let rel = e.path().strip_prefix(base).map(Path::to_path_buf).unwrap_or_default();
                out.push(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

/// Whether `manifest.json` in `out` is ours though it does not read (a merge
/// conflict, a cut-off write): it names consentgen.
pub fn damaged_manifest(out: &Path) -> Option<String> {
    let bytes = crate::write::read_output(out, MANIFEST)?;
    if Manifest::read(out).is_some() {
        return None;
    }
    let text = String::from_utf8_lossy(&bytes);
    if !text.contains("\"consentgen\"") {
        return None;
    }
    let why = match serde_json::from_slice::<serde_json::Value>(&bytes) {
        Err(e) => format!("{e}"),
        Ok(_) => "it is not a manifest this version reads".into(),
    };
    Some(why)
}

/// With no readable manifest of ours: the files at paths this build writes,
/// which it takes as its own only if it writes the same bytes (checked once
/// they are made, see `Project::build`).
pub fn unlisted(out: &Path, previous: Option<&Manifest>, paths: &[&str]) -> Vec<String> {
    if previous.is_some() {
        return Vec::new();
    }
    files_under(out).into_iter().filter(|f| f != MANIFEST && paths.contains(&f.as_str())).collect()
}

/// A folder with no readable manifest of ours that holds files the build
/// does not write (a home folder, a web site): refused wherever it is.
fn foreign_folder(t: &Targets<'_>) -> Vec<Diagnostic> {
    if t.previous.is_some() {
        return Vec::new();
    }
    let other: Vec<String> = files_under(t.out)
        .into_iter()
        .filter(|f| !(f == MANIFEST && t.damaged))
        .filter(|f| f == MANIFEST || !t.paths.contains(&f.as_str()))
        .map(|f| t.out.join(f).display().to_string())
        .collect();
    if other.is_empty() {
        return Vec::new();
    }
    let message = format!(
        "`--out {}` holds files consentgen did not write and no manifest of ours lists: {}",
        t.out.display(),
        some_paths(&other)
    );
    vec![
        Diagnostic::error("out-not-ours", message)
            .with_hint("choose a new or empty folder for the forms, e.g. `--out forms`")
            .with_hint("--force builds there anyway; files it does not write are left alone"),
    ]
}

/// Symbolic links (and files where folders must be) on the way to any of `paths`.
fn links(t: &Targets<'_>, paths: &[&str]) -> Vec<Diagnostic> {
    let mut seen: Vec<PathBuf> = Vec::new();
    let mut diags = Vec::new();
    for path in paths {
        let Some(rel) = safe_relative(path) else {
            diags.push(Diagnostic::error(
                "internal",
                format!("the output path `{path}` is not a plain relative path"),
            ));
            continue;
        };
        let Err(u) = reached_safely(t.out, rel) else { continue };
        let at = match &u {
            Unsafe::Link(p) | Unsafe::NotAFolder(p) | Unsafe::NotAFile(p) => p.clone(),
        };
        if seen.contains(&at) {
            continue;
        }
        seen.push(at);
        let d = match u {
            Unsafe::Link(p) => Diagnostic::error(
                "out-link",
                format!("`{}` is a symbolic link inside the output folder", p.display()),
            )
            .with_hint("a build never writes or deletes through a link; remove the link, or give the real folder as --out"),
            other => Diagnostic::error("out-blocked", format!("{other}, where the build writes `{path}`"))
                .with_hint("move it out of the output folder, or choose another --out"),
        };
        diags.push(d);
    }
    diags
}

/// `--out` equal to or above the practice's folder or an input folder; or
/// inside the practice's folder, not yet ours, and not empty.
fn inputs_inside(t: &Targets<'_>) -> Vec<Diagnostic> {
    let Ok(out) = std::fs::canonicalize(t.out) else { return Vec::new() };
    let practice_dir = t
        .inputs
        .practice
        .as_deref()
        .and_then(|p| std::fs::canonicalize(p).ok())
        .and_then(|p| p.parent().map(Path::to_path_buf));
    let mut inputs: Vec<(PathBuf, String)> = Vec::new();
    if let (Some(dir), Some(p)) = (&practice_dir, &t.inputs.practice) {
        inputs.push((dir.clone(), format!("the practice file `{}`", p.display())));
    }
    for (dir, flag) in
        [(&t.inputs.templates, "--templates"), (&t.inputs.jurisdictions, "--jurisdictions")]
    {
        if let Some(d) = dir
            && let Ok(real) = std::fs::canonicalize(d)
        {
            inputs.push((real, format!("the {flag} folder `{}`", d.display())));
        }
    }
    for (dir, what) in inputs {
        if dir.starts_with(&out) {
            return vec![
                Diagnostic::error(
                    "out-holds-inputs",
                    format!("`--out {}` holds {what}", t.out.display()),
                )
                .with_hint("write the forms into a folder of their own, e.g. `--out forms`")
                .with_hint(
                    "--force builds there anyway, overwriting files consentgen did not write",
                ),
            ];
        }
    }
    Vec::new()
}

/// Files at target paths that the tool did not write.
fn foreign_files(t: &Targets<'_>) -> Vec<Diagnostic> {
    let mut foreign: Vec<String> = Vec::new();
    for path in &t.paths {
        let Some(rel) = safe_relative(path) else { continue };
        let full = t.out.join(rel);
        if std::fs::symlink_metadata(&full).is_err() {
            continue;
        }
        // Without a manifest, `foreign_folder` and the byte check after
        // rendering decide (see `unlisted`).
        let ours = if *path == MANIFEST {
            t.previous.is_some() || t.damaged
        } else {
            t.previous.is_none_or(|m| m.lists(path))
        };
        if !ours {
            foreign.push(full.display().to_string());
        }
    }
    if foreign.is_empty() {
        return Vec::new();
    }
    let message = format!(
        "the build would overwrite {} consentgen did not write: {}",
        if foreign.len() == 1 { "a file" } else { "files" },
        some_paths(&foreign)
    );
    vec![
        Diagnostic::error("not-ours", message)
            .with_hint("move them away or choose another --out; --force overwrites them"),
    ]
}

/// Paths for a message: the first five, quoted, and how many more.
pub fn some_paths(paths: &[String]) -> String {
    let shown: Vec<String> = paths.iter().take(5).map(|p| format!("`{p}`")).collect();
    match paths.len().saturating_sub(5) {
        0 => shown.join(", "),
        more => format!("{} and {more} more", shown.join(", ")),
    }
}

/// The outputs of states this build leaves out that it keeps as they are:
/// with `--states` (`selected`), a build is a selection, not a new truth, so
/// every other state's files stay, and their manifest entries with them,
/// when the files still hold what the manifest recorded. A file found edited
/// is kept too, but the manifest no longer lists it.
pub fn kept_outputs(
    out: &Path,
    selected: bool,
    states: &[String],
    previous: Option<&Manifest>,
) -> (Vec<Output>, Vec<Diagnostic>) {
    let (mut kept, mut edited) = (Vec::new(), Vec::new());
    if !selected {
        return (kept, edited);
    }
    let others = previous
        .iter()
        .flat_map(|m| &m.outputs)
        .filter(|o| o.about.state.as_ref().is_some_and(|s| !states.contains(s)));
    for o in others {
        match crate::write::read_output(out, &o.path) {
            Some(bytes) if sha256_hex(&bytes) == o.sha256 => kept.push(o.clone()),
            Some(_) => edited.push(
                Diagnostic::warning(
                    "kept-edited",
                    format!("`{}` was edited since it was built; left in place, no longer listed in the manifest", o.path),
                )
                .with_hint("a build of its state with --force replaces it"),
            ),
            None => {}
        }
    }
    (kept, edited)
}

/// The files of an earlier build (its outputs and pending files) this build
/// no longer makes or keeps, and may remove: with `--states` (`selected`:
/// the states built), only files of those states and files naming no state.
pub fn removals<'a>(
    previous: Option<&'a Manifest>,
    paths: &[&str],
    kept: &[Output],
    selected: Option<&Vec<String>>,
) -> Vec<&'a str> {
    let in_scope = |path: &str| {
        let Some(states) = selected else { return true };
        let state = previous.and_then(|m| m.output(path)).and_then(|o| o.about.state.as_ref());
        state.is_none_or(|s| states.contains(s))
    };
    previous
        .iter()
        .flat_map(|m| {
            m.outputs
                .iter()
                .map(|o| o.path.as_str())
                .chain(m.pending.iter().map(|p| p.path.as_str()))
        })
        .filter(|p| !paths.contains(p) && !kept.iter().any(|k| k.path == *p))
        .filter(|p| in_scope(p))
        .collect()
}

/// After a build's files are written: removes the files of the earlier build
/// that `removals` names (only those the jail checked: with `--states`, none
/// of another state), unless this build wrote or kept them; an edited one is
/// left in place with a warning. Returns how many were removed.
pub fn remove_previous(
    out: &Path,
    previous: Option<&Manifest>,
    removals: &[&str],
    written: &[String],
    kept: &[String],
) -> (usize, Vec<Diagnostic>) {
    let mut keep: Vec<&str> = written.iter().map(String::as_str).collect();
    keep.extend(kept.iter().map(String::as_str));
    let previous_files = previous
        .iter()
        .flat_map(|m| {
            let outputs = m.outputs.iter().map(|o| (o.path.as_str(), o.sha256.as_str()));
            outputs.chain(m.pending.iter().map(|p| (p.path.as_str(), p.sha256.as_str())))
        })
        .filter(|(path, _)| removals.contains(path));
    let removed = crate::write::remove_obsolete(out, previous_files, &keep);
    let edited = removed
        .edited
        .iter()
        .map(|path| {
            Diagnostic::warning(
                "kept-edited",
                format!("`{path}` is no longer built, but was edited; left in place"),
            )
            .with_hint("delete it yourself if it is not needed")
        })
        .collect();
    (removed.removed, edited)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_out_that_is_a_file_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("f");
        std::fs::write(&file, b"x").unwrap();
        assert!(check_folder(dir.path()).is_ok());
        assert!(check_folder(&dir.path().join("new/deeper")).is_ok());
        let e = check_folder(&file).unwrap_err();
        assert!(e.message.ends_with("is a file, not a folder"), "{}", e.message);
        let e = check_folder(&file.join("below")).unwrap_err();
        assert!(e.message.contains("cannot be made"), "{}", e.message);
    }
}
