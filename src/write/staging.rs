//! A build's files on their way into the output folder: steps 0 to 2 of the
//! protocol (see the module above) done as each file is made, so that a
//! build holds at most one file's bytes per worker, never all of them; then
//! steps 3 to 5 when every file is staged ([`Staging::commit`]).

use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};
use rayon::prelude::*;
use tempfile::TempPath;

use super::{CommitStats, MANIFEST, clean_leftovers, invalidate, reached_safely, safe_relative};
use crate::io::{parent, sha256_hex, sync_folder};

/// The output folder of one build, checked and cleaned, taking files as
/// they are made. Dropped without [`Staging::commit`], it leaves the folder
/// as it was: each staged file's temporary file goes with its [`Staged`],
/// and the folders made for them are removed where they are empty.
#[derive(Debug)]
pub struct Staging {
    out: PathBuf,
    /// Folders that did not exist when the build began, deepest first.
    made_folders: Vec<PathBuf>,
    committed: bool,
}

/// One file of a build, staged: its path, its SHA-256, and the temporary
/// file beside its target that holds its bytes (none when the target holds
/// them already). The temporary file is deleted if this is dropped.
#[derive(Debug)]
pub struct Staged {
    /// Path under the output folder, `/`-separated.
    pub path: String,
    /// SHA-256 of its bytes, lower-case hex.
    pub sha256: String,
    tmp: Option<TempPath>,
}

impl Staged {
    /// A file already at its target with these bytes (an output kept from
    /// the previous build): nothing to write.
    pub fn in_place(path: &str, sha256: String) -> Staged {
        Staged { path: path.to_string(), sha256, tmp: None }
    }

    /// Whether committing it changes the file at its target (the target
    /// did not hold these bytes when it was staged).
    pub fn replaces(&self) -> bool {
        self.tmp.is_some()
    }
}

impl Staging {
    /// Steps 0 and 1 for a build that writes `paths` (the manifest among
    /// them): every target is a plain relative path reached without a
    /// symbolic link, or nothing is written; then the temporary files a
    /// killed build left are removed.
    pub fn begin(out: &Path, paths: &[&str]) -> Result<Staging> {
        let mut targets = Vec::with_capacity(paths.len());
        for path in paths {
            targets.push(out.join(target_of(out, path)?));
        }
        let made_folders = missing_folders(out, &targets);
        let outputs: Vec<String> =
            paths.iter().filter(|p| **p != MANIFEST).map(|p| p.to_string()).collect();
        clean_leftovers(out, &outputs);
        Ok(Staging { out: out.to_path_buf(), made_folders, committed: false })
    }

    /// The output folder.
    pub fn out(&self) -> &Path {
        &self.out
    }

    /// Step 2 for one file: its bytes in a temporary file beside its target,
    /// flushed, unless the target already holds exactly these bytes.
    pub fn stage(&self, path: &str, bytes: &[u8]) -> Result<Staged> {
        let target = self.out.join(target_of(&self.out, path)?);
        let sha256 = sha256_hex(bytes);
        let same_length = std::fs::symlink_metadata(&target)
            .is_ok_and(|m| m.is_file() && m.len() == bytes.len() as u64);
        if same_length && std::fs::read(&target).is_ok_and(|old| old == bytes) {
            return Ok(Staged { path: path.to_string(), sha256, tmp: None });
        }
        let tmp = crate::io::stage(&target, bytes)?;
        Ok(Staged { path: path.to_string(), sha256, tmp: Some(tmp) })
    }

    /// Step 2 for the manifest, written by `write` straight into its
    /// temporary file (never held whole). It is always staged: step 3 may
    /// rewrite the file at its target, so whether it changes is known only
    /// at step 5.
    pub fn stage_manifest(
        &self,
        write: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
    ) -> Result<Staged> {
        let target = self.out.join(target_of(&self.out, MANIFEST)?);
        let (tmp, sha256) = crate::io::stage_with(&target, write)?;
        Ok(Staged { path: MANIFEST.into(), sha256, tmp: Some(tmp) })
    }

    /// Steps 3 to 5: if any file changes, the manifest says `"complete":
    /// false` and names the staged files; each is renamed over its target
    /// and their folders flushed; then `manifest` (if given: a manifest
    /// that says `"complete": true`, see [`super::seal`], from
    /// [`Staging::stage_manifest`]) is renamed into place.
    pub fn commit(mut self, files: Vec<Staged>, manifest: Option<Staged>) -> Result<CommitStats> {
        let mut stats = CommitStats::default();
        let (staged, unchanged): (Vec<Staged>, Vec<Staged>) =
            files.into_iter().partition(Staged::replaces);
        stats.unchanged += unchanged.len();

        // 3. Invalidate, naming the files about to appear.
        let manifest_path = self.out.join(MANIFEST);
        if !staged.is_empty() {
            let pending: Vec<(&str, String)> =
                staged.iter().map(|f| (f.path.as_str(), f.sha256.clone())).collect();
            invalidate(&manifest_path, &pending)?;
        }
        self.committed = true;

        let invalidated = !staged.is_empty();

        // 4. Replace.
        let mut folders: Vec<PathBuf> = Vec::new();
        for f in staged {
            // Checked again: a build stages for as long as it makes files, and
            // a link put in the way meanwhile must not be written through.
            let target = self.out.join(target_of(&self.out, &f.path)?);
            let Some(tmp) = f.tmp else { continue };
            tmp.persist(&target)
                .map_err(|e| e.error)
                .with_context(|| format!("renaming into {}", target.display()))?;
            stats.changed += 1;
            let folder = parent(&target).to_path_buf();
            if !folders.contains(&folder) {
                folders.push(folder);
            }
        }
        folders.par_iter().try_for_each(|folder| sync_folder(folder))?;

        // 5. Seal.
        if let Some(m) = manifest {
            // Unless step 3 rewrote it, the manifest there may hold these
            // bytes already (a rebuild with nothing new): left alone.
            if !invalidated && crate::io::file_sha256(&manifest_path).as_ref() == Some(&m.sha256) {
                stats.unchanged += 1;
            } else if let Some(tmp) = m.tmp {
                target_of(&self.out, MANIFEST)?;
                tmp.persist(&manifest_path)
                    .map_err(|e| e.error)
                    .with_context(|| format!("renaming into {}", manifest_path.display()))?;
                sync_folder(parent(&manifest_path))?;
                stats.changed += 1;
            }
        }
        Ok(stats)
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            // Removes only empty folders: one that still holds a temporary
            // file (a `Staged` not dropped yet) or anything else stays.
            for d in &self.made_folders {
                let _ = std::fs::remove_dir(d);
            }
        }
    }
}

/// `path` as a relative path inside `out` that reaches no symbolic link.
fn target_of<'p>(out: &Path, path: &'p str) -> Result<&'p Path> {
    let rel = safe_relative(path)
        .with_context(|| format!("the output path `{path}` leaves the output folder"))?;
    reached_safely(out, rel).map_err(|u| anyhow::anyhow!("{u}; nothing was written"))?;
    Ok(rel)
}

/// The folders below `out` that do not exist yet and that writing `targets`
/// would make, deepest first.
pub(super) fn missing_folders(out: &Path, targets: &[PathBuf]) -> Vec<PathBuf> {
    let mut missing: Vec<PathBuf> = Vec::new();
    for t in targets {
        let mut dir = t.parent();
        while let Some(d) = dir.filter(|d| *d != out && d.starts_with(out)) {
            if std::fs::symlink_metadata(d).is_ok() || missing.iter().any(|m| m == d) {
                break;
            }
            missing.push(d.to_path_buf());
            dir = d.parent();
        }
    }
    missing.sort_by_key(|d| std::cmp::Reverse(d.components().count()));
    missing
}
