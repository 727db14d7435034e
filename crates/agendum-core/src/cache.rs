//! The build cache: which public PDF was made from which inputs, so that a rebuild
//! compiles only PDFs whose inputs changed and its output is the same as a clean
//! build's. Each PDF is known by the SHA-256 of every input that went into it (the
//! document data, images, appendix pages, templates, fonts and agendum's version).
//!
//! A published PDF is written once, into the output being made; the cache's index
//! (`.output.cache/pdf/index`, beside the output, never in it) records where it is, with
//! its SHA-256, length and modification time. The next build takes it from there if it
//! is untouched (same length and time): the output's files are ordinary files of the
//! output alone, and the archive's PDFs are not kept twice. Only PDFs nothing publishes
//! (a procedural document's PDF, a part of its pack) are files of the cache's own; an
//! HTML-only build, which replaces the output without its PDFs, moves them there first.
//! Members' (restricted) PDFs are never cached: exempt papers are not kept anywhere but
//! where they were asked for.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use crate::diag::{Diagnostic, Pos};
use crate::document::sha256_hex;
use crate::render::Stored;

pub struct PdfCache {
    dir: PathBuf,
    /// The output folder: where the last build's PDFs are until this one is in place.
    output: PathBuf,
    /// Where this build writes its output (its staging folder), once it is known.
    staging: OnceLock<Arc<crate::publish::Staging>>,
    /// Each PDF known, by key: as the last build left them, and what this one adds.
    index: Mutex<BTreeMap<String, Entry>>,
    /// Where this build publishes each PDF it took or made, by key.
    published: Mutex<BTreeMap<String, String>>,
}

#[derive(Clone, Debug, PartialEq)]
struct Entry {
    sha256: String,
    len: u64,
    /// Modification time (ns since the epoch) when it was recorded.
    mtime: u128,
    place: Place,
}

#[derive(Clone, Debug, PartialEq)]
enum Place {
    /// In the output, at this path.
    Output(String),
    /// A file of the cache's own (`<key>.pdf`).
    Kept,
    /// Written by this build into its staging folder, at this path.
    Staged(String),
}

/// The index's file in the cache folder: a line `<key> <sha256> <length> <mtime> <place>`
/// for each PDF, the place `-` for the cache's own file, else `=` and its output path.
const INDEX: &str = "index";

fn mtime_ns(meta: &fs::Metadata) -> Option<u128> {
    Some(meta.modified().ok()?.duration_since(std::time::UNIX_EPOCH).ok()?.as_nanos())
}

impl PdfCache {
    /// The cache for an output folder: a hidden sibling, never inside what is published.
    pub fn for_output(output: &Path) -> PdfCache {
        let (parent, name) = crate::publish::beside(output);
        let dir = parent.join(format!(".{name}.cache")).join("pdf");
        let mut index = BTreeMap::new();
        // An index that cannot be read is an empty cache: every PDF is made again.
        for line in fs::read_to_string(dir.join(INDEX)).unwrap_or_default().lines() {
            let mut f = line.splitn(5, ' ');
            let (Some(key), Some(sha), Some(Ok(len)), Some(Ok(mtime)), Some(place)) =
                (f.next(), f.next(), f.next().map(str::parse::<u64>), f.next().map(str::parse::<u128>), f.next())
            else {
                continue;
            };
            let place = match place {
                "-" => Place::Kept,
                p => match p.strip_prefix('=') {
                    Some(rel) if crate::publish::is_safe_rel(rel) => Place::Output(rel.to_string()),
                    _ => continue,
                },
            };
            if sha.len() == 64 && is_key(key) {
                index.insert(key.to_string(), Entry { sha256: sha.to_string(), len, mtime, place });
            }
        }
        PdfCache { dir, output: output.to_path_buf(), staging: OnceLock::new(), index: Mutex::new(index), published: Mutex::new(BTreeMap::new()) }
    }

    /// Write this build's published PDFs into `staging`, the output being made.
    pub fn writing_into(&self, staging: Arc<crate::publish::Staging>) {
        let _ = self.staging.set(staging);
    }

    fn kept(&self, key: &str) -> PathBuf {
        self.dir.join(format!("{key}.pdf"))
    }

    /// Where an entry's file is.
    fn file(&self, key: &str, place: &Place) -> Option<PathBuf> {
        Some(match place {
            Place::Output(rel) => self.output.join(rel),
            Place::Kept => self.kept(key),
            Place::Staged(rel) => self.staging.get()?.dir().join(rel),
        })
    }

    /// The PDF under `key`, if the index knows it and its file is there as recorded (the
    /// same length and, outside this build's own, the same modification time).
    /// `published` is where this build publishes it (`None`: a part only).
    pub fn get(&self, key: &str, published: Option<&str>) -> Option<Stored> {
        let e = self.index.lock().unwrap_or_else(|e| e.into_inner()).get(key).cloned()?;
        let path = self.file(key, &e.place)?;
        let meta = fs::metadata(&path).ok()?;
        let untouched = meta.len() == e.len && (matches!(e.place, Place::Staged(_)) || mtime_ns(&meta) == Some(e.mtime));
        if !untouched {
            return None;
        }
        if let Some(rel) = published {
            self.published.lock().unwrap_or_else(|e| e.into_inner()).insert(key.to_string(), rel.to_string());
        }
        Some(Stored { path, sha256: e.sha256, len: e.len, pages: None })
    }

    /// A PDF just made: written where this build publishes it (`published`, in the
    /// output being made), or, for a part nothing publishes, into the cache's folder.
    pub fn put(&self, key: &str, published: Option<&str>, bytes: &[u8]) -> Result<Stored, Diagnostic> {
        let sha256 = sha256_hex(bytes);
        let (path, place, mtime) = match (published, self.staging.get()) {
            (Some(rel), Some(staging)) => {
                let path = staging.place(rel)?;
                fs::write(&path, bytes).map_err(|e| crate::publish::write_err("cannot write", &path, e))?;
                self.published.lock().unwrap_or_else(|e| e.into_inner()).insert(key.to_string(), rel.to_string());
                // Its time is taken when the output is in place (`finish`).
                (path, Place::Staged(rel.to_string()), 0)
            }
            _ => {
                let path = self.put_kept(key, bytes)?;
                let mtime = fs::metadata(&path).ok().and_then(|m| mtime_ns(&m)).unwrap_or(0);
                (path, Place::Kept, mtime)
            }
        };
        let entry = Entry { sha256: sha256.clone(), len: bytes.len() as u64, mtime, place };
        self.index.lock().unwrap_or_else(|e| e.into_inner()).insert(key.to_string(), entry);
        let pages = crate::render::page_count(&bytes[..bytes.len().min(crate::render::PAGE_TREE_HEAD)]);
        Ok(Stored { path, sha256, len: bytes.len() as u64, pages })
    }

    /// A PDF as a file of the cache's own, written under a unique name and renamed, so
    /// that a concurrent reader never sees half a file.
    fn put_kept(&self, key: &str, bytes: &[u8]) -> Result<PathBuf, Diagnostic> {
        let err = |p: &Path, e: std::io::Error| {
            Diagnostic::error(Pos::file(p), format!("cannot write to the build cache: {e}")).hint("delete the .cache folder beside the output and build again")
        };
        fs::create_dir_all(&self.dir).map_err(|e| err(&self.dir, e))?;
        let pdf = self.kept(key);
        let tmp = self.dir.join(format!(".{key}.{}.{:?}.tmp", std::process::id(), std::thread::current().id()));
        if let Err(e) = fs::write(&tmp, bytes).and_then(|()| fs::rename(&tmp, &pdf)) {
            // A full disk must not leave half a PDF to mislead the next build.
            let _ = fs::remove_file(&tmp);
            return Err(err(&pdf, e));
        }
        Ok(pdf)
    }

    /// Once this build's output is in place: the index of the PDFs it used (`used`), where
    /// they now are; the cache's own files nothing needs any more are removed.
    pub fn finish(&self, used: &BTreeSet<String>) {
        let published = std::mem::take(&mut *self.published.lock().unwrap_or_else(|e| e.into_inner()));
        let mut index = self.index.lock().unwrap_or_else(|e| e.into_inner());
        let mut next = BTreeMap::new();
        for key in used {
            let Some(e) = index.get(key) else { continue };
            let place = match published.get(key) {
                Some(rel) => Place::Output(rel.clone()),
                // A part only: kept if it is the cache's own (a previous output's is gone).
                None if e.place == Place::Kept => Place::Kept,
                None => continue,
            };
            let Some(meta) = self.file(key, &place).and_then(|f| fs::metadata(f).ok()) else { continue };
            if meta.len() == e.len {
                let mtime = mtime_ns(&meta).unwrap_or(0);
                next.insert(key.clone(), Entry { sha256: e.sha256.clone(), len: e.len, mtime, place });
            }
        }
        *index = next;
        self.remove_unkept(&index);
        self.write_index(&index);
    }

    /// Before an HTML-only build removes the previous output: its PDFs the index knows,
    /// untouched, move into the cache's folder, so the next full build still has them.
    pub fn keep_from(&self, old_output: &Path) {
        let mut index = self.index.lock().unwrap_or_else(|e| e.into_inner());
        let mut moved = false;
        for (key, e) in index.iter_mut() {
            let Place::Output(rel) = &e.place else { continue };
            let from = old_output.join(rel);
            let untouched = fs::metadata(&from).is_ok_and(|m| m.len() == e.len && mtime_ns(&m) == Some(e.mtime));
            if untouched && fs::create_dir_all(&self.dir).is_ok() && fs::rename(&from, self.kept(key)).is_ok() {
                e.place = Place::Kept;
                moved = true;
            }
        }
        // Entries whose PDF is not moved are of an output about to go: forgotten.
        index.retain(|_, e| e.place == Place::Kept);
        if moved || self.dir.join(INDEX).exists() {
            self.write_index(&index);
        }
    }

    /// Remove the cache folder's files but the index and the PDFs it keeps (unused PDFs,
    /// temporary files of a build that was stopped, an older cache's files).
    fn remove_unkept(&self, index: &BTreeMap<String, Entry>) {
        let Ok(rd) = fs::read_dir(&self.dir) else { return };
        for e in rd.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            let kept = name == INDEX || name.strip_suffix(".pdf").is_some_and(|key| index.get(key).is_some_and(|e| e.place == Place::Kept));
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
    }

    fn write_index(&self, index: &BTreeMap<String, Entry>) {
        let text: String = index
            .iter()
            .map(|(key, e)| {
                let place = match &e.place {
                    Place::Output(rel) | Place::Staged(rel) => format!("={rel}"),
                    Place::Kept => "-".to_string(),
                };
                format!("{key} {} {} {} {place}\n", e.sha256, e.len, e.mtime)
            })
            .collect();
        let _ = fs::create_dir_all(&self.dir);
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
        let staging = out.with_file_name("staging");
        let cache = PdfCache::for_output(&out);
        cache.writing_into(Arc::new(crate::publish::Staging::new(staging.clone())));
        let a = cache.put("aa11", Some("c/a.pdf"), b"%PDF-a").unwrap();
        cache.put("bb22", Some("c/b.pdf"), b"%PDF-bb").unwrap();
        // A part only: the cache's own file.
        let part = cache.put("cc33", None, b"%PDF-part").unwrap();
        assert_eq!(a.sha256, sha256_hex(b"%PDF-a"));
        assert_eq!(a.path, staging.join("c/a.pdf"), "written once, into the output being made");
        assert_eq!(part.path, cache.kept("cc33"));
        // The output is put in place; only what this build used is kept, and the next
        // build finds it there by the index.
        fs::rename(&staging, &out).unwrap();
        cache.finish(&BTreeSet::from(["aa11".to_string(), "cc33".to_string()]));
        let next = PdfCache::for_output(&out);
        let got = next.get("aa11", Some("c/a.pdf")).expect("kept");
        assert_eq!((got.sha256.as_str(), got.len, got.path), (a.sha256.as_str(), 6, out.join("c/a.pdf")));
        assert!(next.get("cc33", None).is_some(), "the part is kept");
        assert!(next.get("bb22", None).is_none());
        // An output PDF edited (even to the same length) is not used.
        std::thread::sleep(std::time::Duration::from_millis(5));
        fs::write(out.join("c/a.pdf"), b"%PDF-A").unwrap();
        assert!(PdfCache::for_output(&out).get("aa11", None).is_none());
        // An index that is not one (damaged, or from another tool, or an older agendum's)
        // is an empty cache; a place outside the output is refused.
        fs::write(next.dir.join(INDEX), format!("not an index\n../x 00 1\naa11 {} 6 1 =../../etc/passwd\n", a.sha256)).unwrap();
        assert!(PdfCache::for_output(&out).index.lock().unwrap().is_empty());
        let _ = fs::remove_dir_all(out.parent().unwrap());
    }

    #[test]
    fn an_html_only_build_keeps_the_pdfs_of_the_output_it_replaces() {
        let out = temp("html-only");
        let staging = out.with_file_name("staging");
        let cache = PdfCache::for_output(&out);
        cache.writing_into(Arc::new(crate::publish::Staging::new(staging.clone())));
        cache.put("aa11", Some("a.pdf"), b"%PDF-a").unwrap();
        fs::rename(&staging, &out).unwrap();
        cache.finish(&BTreeSet::from(["aa11".to_string()]));
        // The HTML-only build moves the old output aside and, before removing it, keeps
        // its PDFs.
        let old = out.with_file_name("old");
        fs::rename(&out, &old).unwrap();
        PdfCache::for_output(&out).keep_from(&old);
        fs::remove_dir_all(&old).unwrap();
        let next = PdfCache::for_output(&out);
        let got = next.get("aa11", Some("a.pdf")).expect("kept through the HTML-only build");
        assert_eq!(fs::read(&got.path).unwrap(), b"%PDF-a");
        // The full build after it publishes it again and the cache's copy goes.
        fs::create_dir_all(&out).unwrap();
        fs::copy(&got.path, out.join("a.pdf")).unwrap();
        next.finish(&BTreeSet::from(["aa11".to_string()]));
        assert!(!next.kept("aa11").exists());
        assert!(PdfCache::for_output(&out).get("aa11", None).is_some());
        let _ = fs::remove_dir_all(out.parent().unwrap());
    }
}
