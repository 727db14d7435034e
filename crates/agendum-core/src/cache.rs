//! The build cache: compiled public PDFs kept beside the output folder
//! (`.output.cache/` for `output/`), each under the SHA-256 of every input that went into
//! it (the document data, images, appendix pages, templates, fonts and agendum's
//! version). A rebuild compiles only PDFs whose inputs changed, so its output is the same
//! as a clean build's. Cached files are read-only and are hard-linked into the output, so
//! an unchanged archive is neither re-read nor copied. Members' (restricted) PDFs are
//! never cached: exempt papers are not kept anywhere but where they were asked for.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use crate::diag::{Diagnostic, Pos};
use crate::document::sha256_hex;
use crate::render::Stored;

pub struct PdfCache {
    dir: PathBuf,
}

impl PdfCache {
    /// The cache for an output folder: a hidden sibling, never inside what is published.
    pub fn for_output(output: &Path) -> PdfCache {
        let (parent, name) = crate::publish::beside(output);
        PdfCache { dir: parent.join(format!(".{name}.cache")).join("pdf") }
    }

    fn paths(&self, key: &str) -> (PathBuf, PathBuf) {
        (self.dir.join(format!("{key}.pdf")), self.dir.join(format!("{key}.sha256")))
    }

    pub fn get(&self, key: &str) -> Option<Stored> {
        let (pdf, sum) = self.paths(key);
        let sha256 = fs::read_to_string(&sum).ok()?;
        let len = fs::metadata(&pdf).ok()?.len();
        (sha256.len() == 64).then_some(Stored { path: pdf, sha256, len })
    }

    pub fn put(&self, key: &str, bytes: &[u8]) -> Result<Stored, Diagnostic> {
        let err = |p: &Path, e: std::io::Error| {
            Diagnostic::error(Pos::file(p), format!("cannot write to the build cache: {e}")).hint("delete the .cache folder beside the output and build again")
        };
        fs::create_dir_all(&self.dir).map_err(|e| err(&self.dir, e))?;
        let (pdf, sum) = self.paths(key);
        let sha256 = sha256_hex(bytes);
        // Write under a unique name, then rename: a concurrent reader never sees half a file.
        let tmp = self.dir.join(format!(".{key}.{}.{:?}.tmp", std::process::id(), std::thread::current().id()));
        let written = (|| {
            fs::write(&tmp, bytes).map_err(|e| err(&tmp, e))?;
            let mut perms = fs::metadata(&tmp).map_err(|e| err(&tmp, e))?.permissions();
            perms.set_readonly(true);
            let _ = fs::set_permissions(&tmp, perms);
            fs::rename(&tmp, &pdf).map_err(|e| err(&pdf, e))?;
            fs::write(&sum, &sha256).map_err(|e| err(&sum, e))
        })();
        if let Err(e) = written {
            // A full disk must not leave half a PDF, or a PDF without its checksum, to
            // block or mislead the next build.
            let _ = fs::remove_file(&tmp);
            let _ = fs::remove_file(&sum);
            if fs::metadata(&pdf).is_ok() {
                let mut perms = fs::metadata(&pdf).map(|m| m.permissions()).ok();
                if let Some(p) = perms.as_mut() {
                    owner_writable(p);
                    let _ = fs::set_permissions(&pdf, p.clone());
                }
                let _ = fs::remove_file(&pdf);
            }
            return Err(e);
        }
        Ok(Stored { path: pdf, sha256, len: bytes.len() as u64 })
    }

    /// Drop entries this build did not use, so the cache holds one build's PDFs.
    pub fn prune(&self, used: &BTreeSet<String>) {
        let Ok(rd) = fs::read_dir(&self.dir) else { return };
        for e in rd.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            let key = name.split('.').next().unwrap_or("");
            if !used.contains(key) {
                let p = e.path();
                if let Ok(meta) = fs::metadata(&p) {
                    let mut perms = meta.permissions();
                    owner_writable(&mut perms);
                    let _ = fs::set_permissions(&p, perms);
                }
                let _ = fs::remove_file(p);
            }
        }
    }
}

/// Writable by its owner, as a file the user made would be: `set_readonly(false)` would
/// also make it writable by everyone (mode 0666 from 0444) on Unix.
pub fn owner_writable(perms: &mut fs::Permissions) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        perms.set_mode(perms.mode() | 0o200);
    }
    #[cfg(not(unix))]
    {
        #[allow(clippy::permissions_set_readonly_false)]
        perms.set_readonly(false);
    }
}
