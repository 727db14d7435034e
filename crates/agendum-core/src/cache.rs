//! The build cache: compiled public PDFs kept beside the output folder
//! (`.output.cache/` for `output/`), each under the SHA-256 of every input that went into
//! it (the document data, images, appendix pages, templates, fonts and agendum's
//! version). A rebuild compiles only PDFs whose inputs changed, so its output is the same
//! as a clean build's. Cached files are read-only; the output gets copies of its own.
//! Each PDF's SHA-256 and length are kept in one `index` file, written when the build
//! ends, rather than in a file beside each PDF: a thousand fewer files made per build.
//! Members' (restricted) PDFs are never cached: exempt papers are not kept anywhere but
//! where they were asked for.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::diag::{Diagnostic, Pos};
use crate::document::sha256_hex;
use crate::render::Stored;

pub struct PdfCache {
    dir: PathBuf,
    /// Each cached PDF's SHA-256 and length, by key: as the last build left them, and
    /// what this one adds.
    index: Mutex<BTreeMap<String, (String, u64)>>,
}

/// The index's file in the cache folder (`<key> <sha256> <length>` a line).
const INDEX: &str = "index";

impl PdfCache {
    /// The cache for an output folder: a hidden sibling, never inside what is published.
    pub fn for_output(output: &Path) -> PdfCache {
        let (parent, name) = crate::publish::beside(output);
        let dir = parent.join(format!(".{name}.cache")).join("pdf");
        let mut index = BTreeMap::new();
        // An index that cannot be read is an empty cache: every PDF is made again.
        for line in fs::read_to_string(dir.join(INDEX)).unwrap_or_default().lines() {
            let mut f = line.split(' ');
            if let (Some(key), Some(sha), Some(Ok(len)), None) = (f.next(), f.next(), f.next().map(str::parse::<u64>), f.next()) {
                if sha.len() == 64 && is_key(key) {
                    index.insert(key.to_string(), (sha.to_string(), len));
                }
            }
        }
        PdfCache { dir, index: Mutex::new(index) }
    }

    fn path(&self, key: &str) -> PathBuf {
        self.dir.join(format!("{key}.pdf"))
    }

    /// The PDF cached under `key`, if the index knows it and its file is there at the
    /// length recorded.
    pub fn get(&self, key: &str) -> Option<Stored> {
        let (sha256, len) = self.index.lock().unwrap_or_else(|e| e.into_inner()).get(key).cloned()?;
        let pdf = self.path(key);
        (fs::metadata(&pdf).ok()?.len() == len).then_some(Stored { path: pdf, sha256, len })
    }

    pub fn put(&self, key: &str, bytes: &[u8]) -> Result<Stored, Diagnostic> {
        let err = |p: &Path, e: std::io::Error| {
            Diagnostic::error(Pos::file(p), format!("cannot write to the build cache: {e}")).hint("delete the .cache folder beside the output and build again")
        };
        fs::create_dir_all(&self.dir).map_err(|e| err(&self.dir, e))?;
        let pdf = self.path(key);
        let sha256 = sha256_hex(bytes);
        // Write under a unique name, then rename: a concurrent reader never sees half a file.
        let tmp = self.dir.join(format!(".{key}.{}.{:?}.tmp", std::process::id(), std::thread::current().id()));
        let written = (|| {
            fs::write(&tmp, bytes).map_err(|e| err(&tmp, e))?;
            let mut perms = fs::metadata(&tmp).map_err(|e| err(&tmp, e))?.permissions();
            perms.set_readonly(true);
            let _ = fs::set_permissions(&tmp, perms);
            fs::rename(&tmp, &pdf).map_err(|e| err(&pdf, e))
        })();
        if let Err(e) = written {
            // A full disk must not leave half a PDF to block or mislead the next build.
            let _ = fs::remove_file(&tmp);
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
        self.index.lock().unwrap_or_else(|e| e.into_inner()).insert(key.to_string(), (sha256.clone(), bytes.len() as u64));
        Ok(Stored { path: pdf, sha256, len: bytes.len() as u64 })
    }

    /// Drop entries this build did not use, so the cache holds one build's PDFs, and
    /// write the index of what is left.
    pub fn prune(&self, used: &BTreeSet<String>) {
        let Ok(rd) = fs::read_dir(&self.dir) else { return };
        let mut index = self.index.lock().unwrap_or_else(|e| e.into_inner());
        index.retain(|key, _| used.contains(key));
        for e in rd.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if name == INDEX {
                continue;
            }
            // A PDF of this build stays; anything else goes (an unused PDF, a temporary
            // file left by a build that was stopped, an older cache's checksum files).
            let kept = name.strip_suffix(".pdf").is_some_and(|key| index.contains_key(key));
            if !kept {
                let p = e.path();
                if let Ok(meta) = fs::metadata(&p) {
                    let mut perms = meta.permissions();
                    owner_writable(&mut perms);
                    let _ = fs::set_permissions(&p, perms);
                }
                let _ = fs::remove_file(p);
            }
        }
        let text: String = index.iter().map(|(key, (sha, len))| format!("{key} {sha} {len}\n")).collect();
        let tmp = self.dir.join(format!(".{INDEX}.{}.tmp", std::process::id()));
        if fs::write(&tmp, text).and_then(|()| fs::rename(&tmp, self.dir.join(INDEX))).is_err() {
            // Without its index the cache is empty to the next build, which is safe.
            let _ = fs::remove_file(&tmp);
            let _ = fs::remove_file(self.dir.join(INDEX));
        }
    }
}

/// A cache key as agendum makes them (hex digits): anything else in an index is ignored.
fn is_key(key: &str) -> bool {
    !key.is_empty() && key.bytes().all(|b| b.is_ascii_hexdigit())
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

#[cfg(test)]
mod tests {
    use super::*;

    fn temp(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("agendum-cache-{}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&d);
        fs::create_dir_all(&d).unwrap();
        d.join("output")
    }

    #[test]
    fn the_index_carries_entries_to_the_next_build_and_a_damaged_one_empties_the_cache() {
        let out = temp("index");
        let cache = PdfCache::for_output(&out);
        let a = cache.put("aa11", b"%PDF-a").unwrap();
        cache.put("bb22", b"%PDF-bb").unwrap();
        assert_eq!(a.sha256, sha256_hex(b"%PDF-a"));
        // Only what this build used is kept, and the next build finds it by the index.
        cache.prune(&BTreeSet::from(["aa11".to_string()]));
        let next = PdfCache::for_output(&out);
        let got = next.get("aa11").expect("kept");
        assert_eq!((got.sha256.as_str(), got.len), (a.sha256.as_str(), 6));
        assert!(next.get("bb22").is_none());
        assert!(!next.path("bb22").exists(), "an unused PDF is removed");
        // A cached file whose length is not the one recorded is not used.
        let path = next.path("aa11");
        let mut perms = fs::metadata(&path).unwrap().permissions();
        owner_writable(&mut perms);
        fs::set_permissions(&path, perms).unwrap();
        fs::write(&path, b"%PDF-changed").unwrap();
        assert!(PdfCache::for_output(&out).get("aa11").is_none());
        // An index that is not one (damaged, or from another tool) is an empty cache.
        fs::write(next.dir.join(INDEX), "not an index\n../x 00 1\n").unwrap();
        assert!(PdfCache::for_output(&out).index.lock().unwrap().is_empty());
    }
}
