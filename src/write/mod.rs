//! Write: a build's files go into the output folder so that, wherever the
//! build stops (an error, a full disk, `SIGKILL`, a power cut), every file is
//! its old version or its new one, and `manifest.json` never vouches for a
//! file that is not what it says.
//!
//! # What `manifest.json` means
//!
//! - `"complete": true`: a build finished; every output it lists holds the
//!   bytes of its `sha256`, and its `key` says what it was made from (see
//!   `crate::plan::reusable`: an output whose key still matches is kept, not
//!   made again).
//! - `"complete": false`: a build started replacing files and did not finish.
//!   The rest of the manifest is the one before that build; its files may
//!   each be old or new, and `pending` lists (path and SHA-256) the files
//!   that build was writing, so the next one knows them for its own. The
//!   next build repairs the folder.
//! - no manifest: no build finished here (or an unreadable manifest was
//!   removed before files were replaced).
//!
//! A reader that trusts the hashes must check `complete` first.
//!
//! # The protocol ([`Staging`]; [`commit`] runs it on files already made)
//!
//! 0. **Check**: every target is a plain relative path reached without a
//!    symbolic link ([`reached_safely`]); otherwise nothing is written.
//! 1. **Clean**: `.consentgen-*.tmp` files a killed build left are removed.
//! 2. **Stage**: every new or changed file is written to a temporary file
//!    beside its target and flushed to disk, as soon as it is made (so a
//!    build never holds every file's bytes). Nothing visible has changed;
//!    an error here, or a build that fails later, leaves the folder as it
//!    was.
//! 3. **Invalidate**: if any file other than the manifest changes, the
//!    manifest is rewritten, atomically, with `"complete": false` and the
//!    staged files under `pending` (a first build writes a manifest that
//!    lists only those).
//! 4. **Replace**: each staged file is renamed over its target (one atomic
//!    `rename` each), and their folders are flushed.
//! 5. **Seal**: the new manifest, with `"complete": true`, is renamed into
//!    place.
//!
//! A file whose bytes would not change is not touched, so a rebuild with
//! nothing new keeps every modification time, and a build that changes only
//! the manifest goes straight to step 5. A manifest marked incomplete makes
//! the next build trust no key in it and make every output again.

use std::path::{Component, Path, PathBuf};

use anyhow::{Context as _, Result};
use rayon::prelude::*;
use serde_json::Value;

/// The manifest's file name in the output folder.
pub const MANIFEST: &str = "manifest.json";

mod staging;
#[cfg(test)]
use staging::missing_folders;
pub use staging::{Staged, Staging};

use crate::io::{is_temporary, write_atomic};

/// A manifest larger than this is not one of ours; it is never read whole.
const MAX_MANIFEST_BYTES: u64 = 64 << 20;

/// One file a build writes: its path under the output folder and its bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutputFile {
    /// Path under the output folder, `/`-separated.
    pub path: String,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

use crate::io::sha256_hex;

/// What [`commit`] did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CommitStats {
    /// Files written because they were new or changed.
    pub changed: usize,
    /// Files left alone because they already held the same bytes.
    pub unchanged: usize,
}

/// Writes a build's files into `out` by the protocol in the module docs, all
/// at once (a build stages each file as it is made: [`Staging`]). The file
/// named [`MANIFEST`], if any, is sealed last with `"complete": true`.
///
/// Every target is checked first ([`reached_safely`]): a path that leaves
/// `out`, passes through a symbolic link, or ends at something other than a
/// regular file is refused before anything is written. Folders made for the
/// new files are removed again if staging fails.
pub fn commit(out: &Path, files: &[OutputFile]) -> Result<CommitStats> {
    let (manifests, files): (Vec<&OutputFile>, Vec<&OutputFile>) =
        files.iter().partition(|f| f.path == MANIFEST);
    let mut paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
    paths.extend(manifests.iter().map(|m| m.path.as_str()));
    let staging = Staging::begin(out, &paths)?;
    // Step 2 on every core: most of it is waiting for the disk to flush.
    let staged: Vec<Staged> =
        files.par_iter().map(|f| staging.stage(&f.path, &f.bytes)).collect::<Result<_>>()?;
    let sealed = manifests.first().map(|m| seal(&m.bytes)).transpose()?;
    let manifest =
        sealed.map(|bytes| staging.stage_manifest(|w| w.write_all(&bytes))).transpose()?;
    staging.commit(staged, manifest)
}

/// A manifest made ready to seal a build: `complete` set to true. (A build's
/// own manifest, from `Manifest::to_file`, says so already and is written as
/// it is.)
pub fn seal(manifest: &[u8]) -> Result<Vec<u8>> {
    let mut value: Value = serde_json::from_slice(manifest).context("reading the new manifest")?;
    let map = value.as_object_mut().context("the new manifest is not a JSON object")?;
    map.insert("complete".into(), Value::Bool(true));
    let mut bytes = serde_json::to_vec_pretty(&value).context("writing the manifest")?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// Step 3: before any file is replaced, the manifest says `"complete":
/// false` and lists under `pending` (path and SHA-256) the files about to
/// be written, so that the next build knows them for its own even if this
/// one is killed before it seals its manifest. Without a manifest (a first
/// build), one is made that lists only those; a manifest that is not a JSON
/// object is replaced.
fn invalidate(manifest_path: &Path, pending: &[(&str, String)]) -> Result<()> {
    let mut map = match read_json(manifest_path) {
        Some(Value::Object(map)) => map,
        _ => {
            let mut map = serde_json::Map::new();
            let tool = serde_json::json!({
                "name": "consentgen",
                "version": env!("CARGO_PKG_VERSION"),
                "build": crate::bundle::build_id(),
            });
            map.insert("tool".into(), tool);
            map.insert("outputs".into(), Value::Array(Vec::new()));
            map
        }
    };
    map.insert("complete".into(), Value::Bool(false));
    let mut listed: Vec<Value> = match map.remove("pending") {
        Some(Value::Array(items)) => items,
        _ => Vec::new(),
    };
    listed
        .retain(|v| !pending.iter().any(|(p, _)| v.get("path").and_then(Value::as_str) == Some(p)));
    listed.extend(pending.iter().map(|(p, sha)| serde_json::json!({"path": p, "sha256": sha})));
    map.insert("pending".into(), Value::Array(listed));
    let mut bytes = serde_json::to_vec_pretty(&Value::Object(map))
        .context("marking the old manifest incomplete")?;
    bytes.push(b'\n');
    write_atomic(manifest_path, &bytes)?;
    Ok(())
}

/// A JSON file, if it is a regular file (not a link) of a sane size that parses.
fn read_json(path: &Path) -> Option<Value> {
    let meta = std::fs::symlink_metadata(path).ok()?;
    if !meta.is_file() || meta.len() > MAX_MANIFEST_BYTES {
        return None;
    }
    serde_json::from_slice(&std::fs::read(path).ok()?).ok()
}

/// A manifest or output path as a relative path that stays inside the output
/// folder, or `None`. Only the normal form a build writes is accepted:
/// `/`-separated names, none empty, `.` or `..`, without `\\`, `:` or NUL,
/// so that two spellings of one path (`CA//en/x`, `CA/./en/x`) cannot make
/// the same file look like two.
pub fn safe_relative(path: &str) -> Option<&Path> {
    let p = Path::new(path);
    let ok = !path.is_empty()
        && path.len() <= 1024
        && path.split('/').all(|part| {
            !part.is_empty() && part != "." && part != ".." && !part.contains(['\\', ':', '\0'])
        })
        && p.components().all(|c| matches!(c, Component::Normal(_)));
    ok.then_some(p)
}

/// Removes the temporary files a killed build may have left: in `out` and
/// in every folder below it, as deep as the outputs go. Symbolic links are
/// not followed; nothing but `.consentgen-*.tmp` files is touched.
fn clean_leftovers(out: &Path, paths: &[String]) {
    let depth = paths.iter().map(|p| p.matches('/').count()).max().unwrap_or(0);
    let mut folders = vec![(out.to_path_buf(), 0)];
    while let Some((dir, level)) = folders.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for entry in entries.flatten() {
            let Ok(kind) = entry.file_type() else { continue };
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if kind.is_dir() && level < depth {
                folders.push((entry.path(), level + 1));
            } else if kind.is_file() && is_temporary(&name) {
                let _ = std::fs::remove_file(entry.path());
            }
        }
    }
}

/// Reads an output file of a previous build: `path` under `out`, if it is a
/// regular file reached without symbolic links (see [`reached_safely`]).
pub fn read_output(out: &Path, path: &str) -> Option<Vec<u8>> {
    let rel = safe_relative(path)?;
    reached_safely(out, rel).ok()?;
    crate::io::read_bounded(&out.join(rel), MAX_OUTPUT_BYTES).ok()
}

/// Largest output file read back: far above any PDF or page a build makes.
const MAX_OUTPUT_BYTES: u64 = 256 << 20;

/// Why a path inside the output folder may not be written or deleted.
#[derive(Debug)]
pub enum Unsafe {
    /// A folder or file on the way is a symbolic link.
    Link(PathBuf),
    /// Something on the way that must be a folder is not one.
    NotAFolder(PathBuf),
    /// The target exists and is not a regular file.
    NotAFile(PathBuf),
}

impl std::fmt::Display for Unsafe {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Unsafe::Link(p) => write!(f, "`{}` is a symbolic link", p.display()),
            Unsafe::NotAFolder(p) => write!(f, "`{}` is not a folder", p.display()),
            Unsafe::NotAFile(p) => write!(f, "`{}` is not a regular file", p.display()),
        }
    }
}

/// Checks that `rel` (a relative path of normal components) under `out`
/// reaches no symbolic link: every folder on the way that exists is a real
/// folder, and the target, if it exists, is a regular file. The output
/// folder is a jail: a build writes and deletes only what this allows.
pub fn reached_safely(out: &Path, rel: &Path) -> std::result::Result<(), Unsafe> {
    let mut at = out.to_path_buf();
    let parts: Vec<_> = rel.components().collect();
    for (i, part) in parts.iter().enumerate() {
        at.push(part);
        let last = i + 1 == parts.len();
        match std::fs::symlink_metadata(&at) {
            Err(_) => return Ok(()), // nothing there yet: it will be made as a real folder or file
            Ok(m) if m.file_type().is_symlink() => return Err(Unsafe::Link(at)),
            Ok(m) if !last && !m.is_dir() => return Err(Unsafe::NotAFolder(at)),
            Ok(m) if last && !m.is_file() => return Err(Unsafe::NotAFile(at)),
            Ok(_) => {}
        }
    }
    Ok(())
}

/// What [`remove_obsolete`] did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Removed {
    /// Files removed.
    pub removed: usize,
    /// Files kept because they no longer hold what the manifest recorded.
    pub edited: Vec<String>,
}

/// Removes files a previous build wrote that this build no longer makes:
/// only those `previous` lists (path and SHA-256), only if they are regular
/// files inside `out` reached without symbolic links, and only if they still
/// hold the bytes recorded; then the folders this leaves empty.
pub fn remove_obsolete<'a>(
    out: &Path,
    previous: impl IntoIterator<Item = (&'a str, &'a str)>,
    keep: &[&str],
) -> Removed {
    let mut r = Removed::default();
    for (path, sha256) in previous {
        let Some(rel) = safe_relative(path) else { continue };
        if keep.contains(&path) || reached_safely(out, rel).is_err() {
            continue;
        }
        let full = out.join(rel);
        match crate::io::read_bounded(&full, MAX_OUTPUT_BYTES) {
            Ok(bytes) if sha256_hex(&bytes) == sha256 => {
                if std::fs::remove_file(&full).is_ok() {
                    r.removed += 1;
                    let mut dir = full.parent();
                    while let Some(d) = dir.filter(|d| *d != out) {
                        if std::fs::remove_dir(d).is_err() {
                            break;
                        }
                        dir = d.parent();
                    }
                }
            }
            Ok(_) => r.edited.push(path.to_string()),
            Err(_) => {}
        }
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::Written;
    use serde_json::json;

    #[test]
    fn writes_and_skips_identical_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a/b.txt");
        assert_eq!(write_atomic(&path, b"one").unwrap(), Written::Changed);
        assert_eq!(write_atomic(&path, b"one").unwrap(), Written::Unchanged);
        assert_eq!(write_atomic(&path, b"two").unwrap(), Written::Changed);
        assert_eq!(std::fs::read(&path).unwrap(), b"two");
        let leftovers: Vec<_> = std::fs::read_dir(dir.path().join("a")).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "no temporary files left behind");
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    fn file(path: &str, bytes: &[u8]) -> OutputFile {
        OutputFile { path: path.into(), bytes: bytes.to_vec() }
    }

    /// A build's files with a manifest listing them, as the build makes it.
    fn build(files: &[(&str, &[u8])]) -> Vec<OutputFile> {
        let mut out: Vec<OutputFile> = files.iter().map(|(p, b)| file(p, b)).collect();
        let outputs: Vec<Value> =
            files.iter().map(|(p, b)| json!({"path": p, "sha256": sha256_hex(b)})).collect();
        out.push(file(MANIFEST, &serde_json::to_vec(&json!({"outputs": outputs})).unwrap()));
        out
    }

    fn manifest(dir: &Path) -> Value {
        serde_json::from_slice(&std::fs::read(dir.join(MANIFEST)).unwrap()).unwrap()
    }

    #[test]
    fn commit_seals_the_manifest_and_rewrites_only_what_changed() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path();
        let stats = commit(out, &build(&[("a.html", b"A"), ("CA/en/b.pdf", b"B")])).unwrap();
        assert_eq!(stats, CommitStats { changed: 3, unchanged: 0 });
        assert_eq!(manifest(out)["complete"], true);
        std::fs::write(out.join("CA/en/b.pdf"), b"edited").unwrap();
        let stats = commit(out, &build(&[("a.html", b"A"), ("CA/en/b.pdf", b"B")])).unwrap();
        // The edited file, and the manifest: marked incomplete, then sealed again.
        assert_eq!(stats, CommitStats { changed: 2, unchanged: 1 });
        assert_eq!(manifest(out)["complete"], true);
        assert_eq!(std::fs::read(out.join("CA/en/b.pdf")).unwrap(), b"B");
    }

    #[test]
    fn invalidating_marks_the_old_manifest_incomplete_and_names_the_new_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(MANIFEST);
        std::fs::write(&path, br#"{"outputs": [{"path": "a"}], "complete": true}"#).unwrap();
        invalidate(&path, &[("b", "1".into())]).unwrap();
        let m = manifest(dir.path());
        assert_eq!(m["complete"], false);
        assert_eq!(m["outputs"], json!([{"path": "a"}]), "the rest is kept");
        assert_eq!(m["pending"], json!([{"path": "b", "sha256": "1"}]));
        invalidate(&path, &[("b", "2".into()), ("c", "3".into())]).unwrap();
        let m = manifest(dir.path());
        assert_eq!(
            m["pending"],
            json!([{"path": "b", "sha256": "2"}, {"path": "c", "sha256": "3"}])
        );
        // Not a manifest, or none: one is made that names the new files as ours.
        std::fs::write(&path, b"not json").unwrap();
        invalidate(&path, &[("d", "4".into())]).unwrap();
        let m = manifest(dir.path());
        assert_eq!(m["tool"]["name"], "consentgen");
        assert_eq!(m["pending"], json!([{"path": "d", "sha256": "4"}]));
        std::fs::remove_file(&path).unwrap();
        invalidate(&path, &[]).unwrap();
        assert_eq!(manifest(dir.path())["complete"], false);
    }

    #[cfg(unix)]
    #[test]
    fn commit_refuses_links_inside_the_output_folder_before_writing() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let elsewhere = dir.path().join("elsewhere");
        std::fs::create_dir_all(&out).unwrap();
        std::fs::create_dir_all(&elsewhere).unwrap();
        std::os::unix::fs::symlink(&elsewhere, out.join("TX")).unwrap();
        let e = commit(&out, &build(&[("CA/en/a.html", b"A"), ("TX/en/a.html", b"A")]))
            .unwrap_err()
            .to_string();
        assert!(e.contains("is a symbolic link"), "{e}");
        assert_eq!(std::fs::read_dir(&elsewhere).unwrap().count(), 0);
        assert!(!out.join("CA").exists(), "nothing was written");
        assert!(!out.join(MANIFEST).exists());
    }

    #[test]
    fn a_failed_commit_leaves_no_empty_folders() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path();
        // `x` is a file where a folder is needed: reached_safely refuses it.
        std::fs::write(out.join("x"), b"file").unwrap();
        assert!(commit(out, &build(&[("a/b/c.html", b"A"), ("x/y.html", b"B")])).is_err());
        assert!(!out.join("a").exists());
        // A folder that cannot be made (a file in the way, found only when staging).
        let folders = missing_folders(out, &[out.join("p/q/r.html"), out.join("p/s.html")]);
        assert_eq!(folders, [out.join("p/q"), out.join("p")]);
    }

    #[test]
    fn leftover_temporary_files_are_removed_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path();
        for p in [".consentgen-abc.tmp", "CA/en/.consentgen-x1.tmp", "CA/en/keep.tmp", "keep"] {
            std::fs::create_dir_all(out.join(p).parent().unwrap()).unwrap();
            std::fs::write(out.join(p), b"x").unwrap();
        }
        commit(out, &build(&[("CA/en/a.html", b"A")])).unwrap();
        assert!(!out.join(".consentgen-abc.tmp").exists());
        assert!(!out.join("CA/en/.consentgen-x1.tmp").exists());
        assert!(out.join("CA/en/keep.tmp").exists());
        assert!(out.join("keep").exists());
    }

    #[test]
    fn paths_outside_the_output_folder_are_refused() {
        for bad in
            ["", "/etc/passwd", "../x", "a/../../x", "./a", "a//b", "a/./b", "a/", "a\\b", "c:x"]
        {
            assert!(safe_relative(bad).is_none(), "{bad:?}");
        }
        assert!(safe_relative("CA/en/consent.pdf").is_some());
        let dir = tempfile::tempdir().unwrap();
        assert!(commit(dir.path(), &[file("../escape", b"x")]).is_err());
        assert!(!dir.path().parent().unwrap().join("escape").exists());
    }
}
