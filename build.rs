//! Embeds the bundled inputs (jurisdiction files, templates, the example
//! practice) in the binary, so that `consentgen build` works from any folder.
//! Writes `$OUT_DIR/bundle.rs` with one `include_str!` per file, sorted by name.
//!
//! Also sets `CONSENTGEN_SOURCE_ID`, a hash of the program's own source
//! (code, fonts, lock file), which names the build in `--version` and the
//! manifest (not part of any output's key), and `CONSENTGEN_ENGINE_ID`, the
//! fonts and typesetting crates' versions, which is part of every key.

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

/// FNV-1a, 128 bits: stable across Rust versions and machines, unlike
/// `DefaultHasher`; an identity, not a security measure.
fn fnv(hash: &mut u128, bytes: &[u8]) {
    for b in bytes {
        *hash ^= u128::from(*b);
        *hash = hash.wrapping_mul(0x0000000001000000000000000000013B);
    }
}

fn hash_tree(hash: &mut u128, root: &Path, rel: &str) {
    let path = root.join(rel);
    if path.is_dir() {
        let mut names: Vec<String> = std::fs::read_dir(&path)
            .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        for name in names {
            hash_tree(hash, root, &format!("{rel}/{name}"));
        }
    } else if let Ok(bytes) = std::fs::read(&path) {
        fnv(hash, rel.as_bytes());
        fnv(hash, &(bytes.len() as u64).to_le_bytes());
        fnv(hash, &bytes);
    }
}

fn source_id() -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut hash: u128 = 0x6C62272E07BB014262B821756295C58D;
    // The program only: templates, rule files and the practice are inputs
    // each output's key hashes itself, so that a rule change makes stale only
    // the documents it changes.
    for rel in ["Cargo.toml", "Cargo.lock", "build.rs", "src", "fonts"] {
        println!("cargo:rerun-if-changed={rel}");
        hash_tree(&mut hash, root, rel);
    }
    format!("{hash:032x}")
}

/// What determines an output's bytes besides its own inputs (which its key
/// hashes itself): the fonts, and the versions of the crates that typeset
/// and write the pages (Typst and its PDF writer, Tera for the page shell,
/// lopdf and the font crates for form fields), read from Cargo.lock. The
/// program's own writing code is covered by `manifest::WRITER_VERSION`.
fn engine_id() -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut hash: u128 = 0x6C62272E07BB014262B821756295C58D;
    hash_tree(&mut hash, root, "fonts");
    let lock = std::fs::read_to_string(root.join("Cargo.lock")).unwrap_or_default();
    let engines =
        ["typst", "krilla", "tera", "lopdf", "subsetter", "ttf-parser", "hayro", "pdf-writer"];
    for package in lock.split("[[package]]") {
        let field = |key: &str| {
            package.lines().find_map(|l| l.strip_prefix(key)).map(|v| v.trim().trim_matches('"'))
        };
        if let (Some(name), Some(version)) = (field("name = "), field("version = "))
            && engines.iter().any(|e| name.starts_with(e))
        {
            fnv(&mut hash, format!("{name} {version}\n").as_bytes());
        }
    }
    format!("{hash:032x}")
}

fn main() {
    println!("cargo:rustc-env=CONSENTGEN_SOURCE_ID={}", source_id());
    println!("cargo:rustc-env=CONSENTGEN_ENGINE_ID={}", engine_id());
    let mut out = String::new();
    array(&mut out, "JURISDICTIONS", "jurisdictions", &[".toml"]);
    array(&mut out, "TEMPLATES", "templates", &[".md", ".html", ".typ", ".toml"]);
    array(&mut out, "TEMPLATE_TRANSLATIONS", "templates", &[".po"]);
    array(&mut out, "RULE_TRANSLATIONS", "jurisdictions", &[".po"]);
    let dest = Path::new(&std::env::var("OUT_DIR").unwrap()).join("bundle.rs");
    std::fs::write(dest, out).unwrap();
    println!("cargo:rerun-if-changed=examples/practice.toml");
}
