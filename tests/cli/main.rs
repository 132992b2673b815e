//! Integration tests: the real binary on fixture practices, outputs read back.
//! See tests/README.md for where fixtures go.

mod build;
mod errors;
mod explain;
mod init;
mod robust;
mod util;
