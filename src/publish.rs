//! Publish: write the rendered files into a staging folder beside `output/`, then swap it
//! in. A failed or interrupted build leaves the previous `output/` as it was, and files
//! that no longer belong disappear with the old folder.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::diag::{Diagnostic, Pos};
use crate::render::{Files, StoredFiles};

pub const MANIFEST: &str = "manifest.json";

/// `manifest.json`: every published file with its size and SHA-256, so that a records
/// manager can prove years later that a file is the one published. It lists everything
/// but itself, in path order, and holds no timestamps (same input, same bytes).
pub fn manifest(files: &Files, stored: &StoredFiles) -> Vec<u8> {
    let mut entries: Vec<(&String, u64, String)> = files
        .iter()
        .filter(|(p, _)| p.as_str() != MANIFEST)
        .map(|(p, b)| (p, b.len() as u64, crate::render::data::sha256_hex(b)))
        .chain(stored.iter().map(|(p, s)| (p, s.len, s.sha256.clone())))
        .collect();
    entries.sort();
    let list: Vec<serde_json::Value> = entries.into_iter().map(|(p, len, sha)| serde_json::json!({ "path": p, "size": len, "sha256": sha })).collect();
    let v = serde_json::json!({
        "generator": concat!("agendum ", env!("CARGO_PKG_VERSION")),
        "algorithm": "sha256",
        "files": list,
    });
    let mut out = serde_json::to_vec_pretty(&v).unwrap_or_default();
    out.push(b'\n');
    out
}

pub fn write_atomically(output: &Path, files: &Files, stored: &StoredFiles) -> Result<(), Diagnostic> {
    let err = |what: &str, p: &Path, e: std::io::Error| {
        Diagnostic::error(Pos::file(p), format!("{what}: {e}")).hint("check that the output folder's parent exists and is writable")
    };
    let parent = output.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    fs::create_dir_all(parent).map_err(|e| err("cannot create the output's parent folder", parent, e))?;
    let name = output.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "output".into());
    let staging = parent.join(format!(".{name}.staging-{}", std::process::id()));
    let old = parent.join(format!(".{name}.old-{}", std::process::id()));
    let _ = fs::remove_dir_all(&staging);
    let result = (|| {
        for (rel, bytes) in files {
            let path = staging.join(safe_rel(rel)?);
            if let Some(dir) = path.parent() {
                fs::create_dir_all(dir).map_err(|e| err("cannot create folder", dir, e))?;
            }
            let mut f = fs::File::create(&path).map_err(|e| err("cannot write", &path, e))?;
            f.write_all(bytes).map_err(|e| err("cannot write", &path, e))?;
        }
        // Cached files are linked, not copied: an unchanged archive costs no I/O.
        for (rel, s) in stored {
            let path = staging.join(safe_rel(rel)?);
            if let Some(dir) = path.parent() {
                fs::create_dir_all(dir).map_err(|e| err("cannot create folder", dir, e))?;
            }
            if fs::hard_link(&s.path, &path).is_err() {
                fs::copy(&s.path, &path).map_err(|e| err("cannot copy from the build cache", &s.path, e))?;
            }
        }
        Ok(())
    })();
    if let Err(e) = result {
        let _ = fs::remove_dir_all(&staging);
        return Err(e);
    }
    if output.exists() {
        fs::rename(output, &old).map_err(|e| err("cannot move the previous output aside", output, e))?;
    }
    if let Err(e) = fs::rename(&staging, output) {
        // Put the previous output back rather than leave nothing.
        let _ = fs::rename(&old, output);
        let _ = fs::remove_dir_all(&staging);
        return Err(err("cannot move the new output into place", output, e));
    }
    let _ = fs::remove_dir_all(&old);
    Ok(())
}

/// Output paths come from slugs and dates, but check anyway: nothing is written outside.
fn safe_rel(rel: &str) -> Result<PathBuf, Diagnostic> {
    let p = Path::new(rel);
    if p.is_absolute() || p.components().any(|c| !matches!(c, std::path::Component::Normal(_))) {
        return Err(Diagnostic::error(Pos::file(rel), "refusing to write outside the output folder"));
    }
    Ok(p.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn swaps_in_and_removes_stale_files() {
        let dir = std::env::temp_dir().join(format!("agendum-publish-{}", std::process::id()));
        let out = dir.join("output");
        let _ = fs::remove_dir_all(&dir);
        let mut files = Files::new();
        files.insert("a/stale.html".into(), b"old".to_vec());
        write_atomically(&out, &files, &StoredFiles::new()).unwrap();
        let mut files = Files::new();
        files.insert("a/new.html".into(), b"new".to_vec());
        write_atomically(&out, &files, &StoredFiles::new()).unwrap();
        assert!(out.join("a/new.html").is_file());
        assert!(!out.join("a/stale.html").exists());
        let leftovers: Vec<_> = fs::read_dir(&dir).unwrap().filter_map(|e| e.ok()).map(|e| e.file_name()).collect();
        assert_eq!(leftovers.len(), 1, "no staging folders left: {leftovers:?}");
        assert!(safe_rel("../x").is_err());
        let _ = fs::remove_dir_all(&dir);
    }
}
