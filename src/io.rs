//! I/O primitives every stage shares: reading a file with a bound (never
//! trusting its reported size, refusing FIFOs and devices), writing one
//! atomically (a flushed temporary file renamed over it), and hashing bytes.

use std::io::Write as _;
use std::path::Path;

use anyhow::{Context as _, Result};

use sha2::{Digest, Sha256};

/// Why [`read_bounded`] could not read a file.
#[derive(Debug)]
pub enum ReadError {
    /// The file could not be opened or read.
    Io(std::io::Error),
    /// It is a folder, a FIFO, a device or a socket, not a regular file.
    NotAFile,
    /// It holds more bytes than the limit.
    TooLarge,
}

/// Reads a regular file of at most `limit` bytes. Special files (a FIFO,
/// `/dev/zero`) are refused before they are opened, and the read stops past
/// the limit whatever size the file reports, so no input can make a build
/// hang or fill memory.
pub fn read_bounded(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    use std::io::Read as _;
    let meta = std::fs::metadata(path).map_err(ReadError::Io)?;
    if !meta.is_file() {
        return Err(ReadError::NotAFile);
    }
    let file = std::fs::File::open(path).map_err(ReadError::Io)?;
    // The path may have been swapped between the two calls; check what was opened.
    if !file.metadata().map_err(ReadError::Io)?.is_file() {
        return Err(ReadError::NotAFile);
    }
    let mut bytes = Vec::new();
    file.take(limit + 1).read_to_end(&mut bytes).map_err(ReadError::Io)?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge);
    }
    Ok(bytes)
}

/// The SHA-256 of bytes, as lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hex(digest: &[u8]) -> String {
    let mut s = String::with_capacity(digest.len() * 2);
    for b in digest {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

/// Temporary files are named `.consentgen-XXXXXX.tmp` in their target's folder.
pub const TMP_PREFIX: &str = ".consentgen-";
/// The end of a temporary file's name.
pub const TMP_SUFFIX: &str = ".tmp";

/// Whether a file's name is that of one of our temporary files.
pub fn is_temporary(name: &str) -> bool {
    name.starts_with(TMP_PREFIX) && name.ends_with(TMP_SUFFIX)
}

/// A path's folder (`.` for a bare name).
pub fn parent(path: &Path) -> &Path {
    path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."))
}

/// Step 2 for one file: its bytes in a temporary file beside `target`,
/// flushed to disk, closed (so that thousands of files need no thousands of
/// open descriptors) and deleted again unless persisted.
pub fn stage(target: &Path, bytes: &[u8]) -> Result<tempfile::TempPath> {
    Ok(stage_with(target, |w| w.write_all(bytes))?.0)
}

/// [`stage`] for a file written as it is made (the manifest, a few MB that
/// are never held whole): `write` writes its bytes, and the SHA-256 of
/// what it wrote comes back with the temporary file.
pub fn stage_with(
    target: &Path,
    write: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
) -> Result<(tempfile::TempPath, String)> {
    let dir = parent(target);
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let mut tmp = tempfile::Builder::new()
        .prefix(TMP_PREFIX)
        .suffix(TMP_SUFFIX)
        .tempfile_in(dir)
        .with_context(|| format!("creating a temporary file in {}", dir.display()))?;
    let sha256 = {
        let mut hashing =
            Hashing { to: std::io::BufWriter::new(tmp.as_file_mut()), sha: Sha256::new() };
        write(&mut hashing)
            .and_then(|()| hashing.to.flush())
            .with_context(|| format!("writing {}", target.display()))?;
        hex(&hashing.sha.finalize())
    };
    // Temporary files are private (0600); outputs are ordinary files for the web or a share.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644))
            .with_context(|| format!("writing {}", target.display()))?;
    }
    tmp.as_file().sync_all().with_context(|| format!("writing {}", target.display()))?;
    Ok((tmp.into_temp_path(), sha256))
}

/// A writer that hashes what passes through it.
struct Hashing<W> {
    to: W,
    sha: Sha256,
}

impl<W: std::io::Write> std::io::Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.to.write(buf)?;
        self.sha.update(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.to.flush()
    }
}

/// The SHA-256 of a regular file (not a link), read in pieces; `None` if
/// there is none.
pub fn file_sha256(path: &Path) -> Option<String> {
    if !std::fs::symlink_metadata(path).ok()?.is_file() {
        return None;
    }
    let mut hashing = Hashing { to: std::io::sink(), sha: Sha256::new() };
    std::io::copy(&mut std::fs::File::open(path).ok()?, &mut hashing).ok()?;
    Some(hex(&hashing.sha.finalize()))
}

/// Flushes a folder's entries (the renames into it) to disk, so that after a
/// power cut the manifest is never newer than the files it describes.
pub fn sync_folder(dir: &Path) -> Result<()> {
    #[cfg(unix)]
    std::fs::File::open(dir)
        .and_then(|d| d.sync_all())
        .with_context(|| format!("flushing {}", dir.display()))?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

/// Writes `bytes` to `path` atomically: a temporary file in the same folder,
/// flushed, then renamed over the old file, and the folder flushed.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<Written> {
    let same_size =
        std::fs::symlink_metadata(path).is_ok_and(|m| m.is_file() && m.len() == bytes.len() as u64);
    if same_size && std::fs::read(path).is_ok_and(|old| old == bytes) {
        return Ok(Written::Unchanged);
    }
    let tmp = stage(path, bytes)?;
    tmp.persist(path)
        .map_err(|e| e.error)
        .with_context(|| format!("renaming into {}", path.display()))?;
    sync_folder(parent(path))?;
    Ok(Written::Changed)
}

/// Why a path cannot be written over: it exists and is not a regular file
/// (a device such as `/dev/null`, a FIFO, a socket, a folder) or it is a
/// symbolic link (`/dev/stdout`). Renaming a file over it would replace it.
pub fn not_a_target(path: &Path) -> Option<String> {
    match std::fs::symlink_metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => Some(format!("cannot look at {}: {e}", path.display())),
        Ok(m) if m.file_type().is_symlink() => {
            Some(format!("{} is a symbolic link, not a regular file", path.display()))
        }
        Ok(m) if m.is_dir() => Some(format!("{} is a folder, not a file", path.display())),
        Ok(m) if !m.is_file() => {
            Some(format!("{} is a device, FIFO or socket, not a regular file", path.display()))
        }
        Ok(_) => None,
    }
}

/// Whether [`write_atomic`] replaced the file or left it as it was.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Written {
    /// The file is new or its bytes changed.
    Changed,
    /// The file already held these bytes.
    Unchanged,
}

/// An I/O error in a few plain words ("no such file", "permission denied").
pub fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}
