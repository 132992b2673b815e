//! Embeds the bundled inputs (jurisdiction files, templates, the example
//! practice) in the binary, so that `consentgen build` works from any folder.
//! Writes `$OUT_DIR/bundle.rs` with one `include_str!` per file, sorted by name.

use std::fmt::Write as _;
use std::path::Path;

fn list(dir: &str, ext: &[&str]) -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    println!("cargo:rerun-if-changed={}", root.display());
    let mut names: Vec<String> = std::fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("reading {}: {e}", root.display()))
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| ext.iter().any(|x| n.ends_with(x)))
        .collect();
    names.sort();
    names
}

fn array(out: &mut String, name: &str, dir: &str, ext: &[&str]) {
    writeln!(out, "/// Bundled files of `{dir}/`: (file name, text).").unwrap();
    writeln!(out, "pub static {name}: &[(&str, &str)] = &[").unwrap();
    for file in list(dir, ext) {
        writeln!(
            out,
            "    ({file:?}, include_str!(concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/{dir}/{file}\"))),"
        )
        .unwrap();
    }
    writeln!(out, "];").unwrap();
}

fn main() {
    let mut out = String::new();
    array(&mut out, "JURISDICTIONS", "jurisdictions", &[".toml"]);
    array(&mut out, "TEMPLATES", "templates", &[".md", ".html", ".typ", ".toml"]);
    let dest = Path::new(&std::env::var("OUT_DIR").unwrap()).join("bundle.rs");
    std::fs::write(dest, out).unwrap();
    println!("cargo:rerun-if-changed=examples/practice.toml");
}
