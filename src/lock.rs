//! One build at a time in an output folder. A build holds an exclusive lock
//! on `--out`'s [`LOCK_FILE`] from before it reads the previous manifest
//! until its last file is written or removed, so two builds into one folder
//! (a CI retry, a developer and CI) run one after the other: the second
//! waits, saying for which process, and neither deletes the other's staged
//! files. The file holds the process id of the build that holds it and is
//! removed when that build ends; one a killed build left behind is simply
//! locked again (the system releases a dead process's locks). It is never
//! listed in the manifest.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// The lock's file name inside the output folder.
pub const LOCK_FILE: &str = ".consentgen-lock";

/// The lock on an output folder, released (and its file removed) on drop.
#[derive(Debug)]
pub struct OutLock {
    file: File,
    path: PathBuf,
    /// Folders made to hold the lock, deepest first: removed on drop when a
    /// build left them empty (a failed first build leaves no folder).
    made: Vec<PathBuf>,
}

impl OutLock {
    /// Locks `out`, making it if it is missing. When another build holds
    /// it, calls `waiting` with that build's process id (as its file gives
    /// it) and waits for it to end.
    pub fn acquire(out: &Path, waiting: impl FnOnce(&str)) -> std::io::Result<OutLock> {
        let mut made: Vec<PathBuf> = Vec::new();
        let path = out.join(LOCK_FILE);
        let mut waiting = Some(waiting);
        loop {
            // Made (again, if the build before us made it and left it
            // empty): the folders made are removed on drop when empty.
            let mut at = Some(out);
            while let Some(dir) = at.filter(|d| !d.as_os_str().is_empty() && !d.exists()) {
                if !made.iter().any(|m| m == dir) {
                    made.push(dir.to_path_buf());
                }
                at = dir.parent();
            }
            made.sort_by_key(|d| std::cmp::Reverse(d.components().count()));
            std::fs::create_dir_all(out)?;
            // Never through a link: the lock writes only inside the folder.
            if std::fs::symlink_metadata(&path).is_ok_and(|m| !m.is_file()) {
                return Err(std::io::Error::other(format!(
                    "`{}` is not a regular file",
                    path.display()
                )));
            }
            let mut file = OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(&path)?;
            match file.try_lock() {
                Ok(()) => {}
                Err(TryLockError::WouldBlock) => {
                    let mut pid = String::new();
                    let _ = file.read_to_string(&mut pid);
                    if let Some(w) = waiting.take() {
                        w(pid.trim());
                    }
                    file.lock()?;
                }
                Err(TryLockError::Error(e)) => return Err(e),
            }
            // The build before us removes the file as it ends: hold the
            // file that is there now, or try again.
            if same_file(&file, &path) {
                file.set_len(0)?;
                file.seek(SeekFrom::Start(0))?;
                write!(file, "{}", std::process::id())?;
                return Ok(OutLock { file, path, made });
            }
        }
    }
}

impl Drop for OutLock {
    fn drop(&mut self) {
        // Removed while still held, so a waiting build finds it gone and
        // locks a new one (see `acquire`).
        let _ = std::fs::remove_file(&self.path);
        let _ = self.file.unlock();
        for dir in &self.made {
            if std::fs::remove_dir(dir).is_err() {
                break; // not empty: a build wrote there
            }
        }
    }
}

/// Whether `file` is the file at `path` now.
fn same_file(file: &File, path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (file.metadata(), std::fs::symlink_metadata(path)) {
            (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = file;
        path.is_file()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_waits_for_the_first_and_the_file_goes_with_the_last() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("forms/out");
        let first = OutLock::acquire(&out, |_| panic!("nothing to wait for")).unwrap();
        let lock = out.join(LOCK_FILE);
        assert_eq!(std::fs::read_to_string(&lock).unwrap(), std::process::id().to_string());
        let (tx, rx) = std::sync::mpsc::channel();
        let waiter = {
            let out = out.clone();
            std::thread::spawn(move || {
                let second = OutLock::acquire(&out, |pid| tx.send(pid.to_string()).unwrap());
                second.map(|_| ())
            })
        };
        assert_eq!(rx.recv().unwrap(), std::process::id().to_string(), "it names the holder");
        drop(first);
        waiter.join().unwrap().unwrap();
        assert!(!lock.exists(), "no lock file is left behind");
    }

    #[test]
    fn the_folders_a_lock_made_go_with_it_when_nothing_was_written() {
        let dir = tempfile::tempdir().unwrap();
        drop(OutLock::acquire(&dir.path().join("forms/out"), |_| {}).unwrap());
        assert!(!dir.path().join("forms").exists());
        let kept = dir.path().join("kept/out");
        let lock = OutLock::acquire(&kept, |_| {}).unwrap();
        std::fs::write(kept.join("index.html"), "made").unwrap();
        drop(lock);
        assert!(kept.join("index.html").exists() && !kept.join(LOCK_FILE).exists());
    }
}
