//! Integration tests: the real binary on fixture practices, outputs read back.
//! See tests/README.md for where fixtures go.

mod architecture;
mod build;
mod check;
mod errors;
mod explain;
mod forms;
mod group;
mod html;
mod i18n;
mod init;
mod lint;
mod meaning;
mod pdf;
mod practice;
mod privacy;
mod review;
mod robust;
mod rules;
mod safety;
mod schema;
mod trust;
mod util;
