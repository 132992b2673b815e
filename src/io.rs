//! I/O primitives every stage shares: reading a file with a bound (never
//! trusting its reported size, refusing FIFOs and devices) and hashing bytes.

use std::path::Path;

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
