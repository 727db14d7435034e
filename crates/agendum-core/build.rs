//! Embeds the built-in templates, themes and fonts into the binary, so that an installed
//! `agendum` works anywhere. The file list is generated so that a new template file
//! cannot be forgotten.

use std::fs;
use std::path::{Path, PathBuf};

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = fs::read_dir(dir) else { return };
    let mut entries: Vec<PathBuf> = rd.filter_map(|e| e.ok()).map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            walk(&p, out);
        } else if !p.file_name().unwrap().to_string_lossy().starts_with('.') {
            out.push(p);
        }
    }
}

fn main() {
    // The templates, themes and fonts live at the top of the repository, where councils
    // and theme authors find them; this crate is two folders down.
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap()).join("../..");
    let mut files = Vec::new();
    for top in ["templates", "themes", "assets"] {
        println!("cargo:rerun-if-changed=../../{top}");
        walk(&root.join(top), &mut files);
    }
    let mut code = String::from("/// Built-in files: (path relative to the crate root, contents).\npub static FILES: &[(&str, &[u8])] = &[\n");
    for f in &files {
        let relative = f.strip_prefix(&root).unwrap().to_string_lossy().replace('\\', "/");
        // Paths relative to the manifest, not absolute: the target folder is shared between
        // checkouts (CI reuses it), and a stale absolute path would embed another clone's files.
        code.push_str(&format!("    ({relative:?}, include_bytes!(concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/../../{relative}\"))),\n"));
    }
    code.push_str("];\n");
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap()).join("builtin_files.rs");
    fs::write(out, code).unwrap();
}
