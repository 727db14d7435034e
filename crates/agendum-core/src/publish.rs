//! Publish: put rendered files where they were asked for, without harming anything else.
//!
//! - [`Targets::check`] resolves `--output` and `--restricted` to real paths (symlinks
//!   followed) and refuses a folder that is, holds, or lies inside the site's sources or
//!   the other output, or that exists and was not written by agendum.
//! - [`Publication`] collects one audience's files and refuses two different files at
//!   one path, so nothing is silently overwritten.
//! - [`swap_in`] writes into a staging folder beside the target and swaps it in, so a
//!   failed or interrupted build leaves the previous output as it was. Staging folders
//!   left by killed builds are removed by the next one.

use std::fs;
use std::io::Write;
use std::path::{Component, Path, PathBuf};

use crate::diag::{Diagnostic, Diagnostics, Pos};
use crate::render::{Files, Stored, StoredFiles};

pub const MANIFEST: &str = "manifest.json";
/// Marks a folder as agendum's own output: only such a folder is ever replaced.
pub const MARKER: &str = ".agendum-output";
const MARKER_TEXT: &str = "This folder is written by agendum and replaced whole by each build.\nDo not keep other files here.\n";

/// The site's top-level entries that hold sources: an output may never be or lie in them.
const SOURCES: &[&str] = &["agendum.yaml", "agendum.lock", "content", "themes", "templates", "static", "frozen", "assets"];

/// Where a build writes: real, checked paths.
#[derive(Debug, Clone)]
pub struct Targets {
    pub output: PathBuf,
    pub restricted: Option<PathBuf>,
}

impl Targets {
    pub fn check(site: &Path, output: &Path, restricted: Option<&Path>) -> Result<Targets, Diagnostics> {
        let site_real = fs::canonicalize(site).map_err(|e| {
            Diagnostic::error(Pos::file(site), format!("cannot open the site folder: {e}")).hint("pass --site DIR with the folder holding agendum.yaml")
        })?;
        let mut diags = Diagnostics::new();
        let out = real_path(output);
        let res = restricted.map(real_path);
        check_one(&site_real, output, &out, "--output").into_iter().for_each(|d| diags.push(d));
        if let (Some(given), Some(res)) = (restricted, &res) {
            check_one(&site_real, given, res, "--restricted").into_iter().for_each(|d| diags.push(d));
            if res.starts_with(&out) || out.starts_with(res) {
                diags.push(
                    Diagnostic::error(Pos::file(given), format!("the restricted folder {} and the public output {} overlap", res.display(), out.display()))
                        .field("--restricted")
                        .hint("give a folder outside the public output, e.g. --restricted ../members-only; exempt papers must never be published"),
                );
            }
        }
        if diags.has_errors() {
            return Err(diags);
        }
        Ok(Targets { output: out, restricted: res })
    }
}

fn check_one(site: &Path, given: &Path, real: &Path, flag: &str) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let refuse = |why: String, hint: &str| Diagnostic::error(Pos::file(given), why).field(flag).hint(hint.to_string());
    if site.starts_with(real) {
        out.push(refuse(
            format!("{flag} {} is the site folder or holds it: building there would delete the site", real.display()),
            "write to a folder of its own, e.g. --output output",
        ));
        return out;
    }
    if let Ok(inside) = real.strip_prefix(site) {
        if let Some(Component::Normal(top)) = inside.components().next() {
            if SOURCES.iter().any(|s| top == *s) {
                out.push(refuse(
                    format!("{flag} {} lies in the site's sources ({})", real.display(), top.to_string_lossy()),
                    "write to a folder of its own, e.g. --output output",
                ));
                return out;
            }
        }
    }
    if real.exists() {
        if !real.is_dir() {
            out.push(refuse(format!("{flag} {} exists and is not a folder", real.display()), "choose another path"));
        } else if !is_ours(real) {
            out.push(refuse(
                format!("{flag} {} exists and was not written by agendum: it would be replaced whole", real.display()),
                "choose a new or empty folder; agendum only replaces folders it made (they hold a .agendum-output file)",
            ));
        }
    }
    out
}

/// A folder agendum may replace: empty, or marked as its output (or an older agendum's
/// output, recognised by its manifest).
fn is_ours(dir: &Path) -> bool {
    if dir.join(MARKER).is_file() {
        return true;
    }
    if fs::read_dir(dir).map(|mut d| d.next().is_none()).unwrap_or(false) {
        return true;
    }
    fs::read_to_string(dir.join(MANIFEST)).map(|m| m.contains("\"generator\": \"agendum ")).unwrap_or(false)
}

/// The real path of `p`: the longest existing ancestor canonicalised (symlinks followed),
/// with the rest appended after resolving `.` and `..`.
pub fn real_path(p: &Path) -> PathBuf {
    let abs = if p.is_absolute() { p.to_path_buf() } else { std::env::current_dir().unwrap_or_default().join(p) };
    let mut lexical = PathBuf::new();
    for c in abs.components() {
        match c {
            Component::ParentDir => {
                lexical.pop();
            }
            Component::CurDir => {}
            c => lexical.push(c),
        }
    }
    let mut existing = lexical.clone();
    let mut rest = Vec::new();
    loop {
        if let Ok(real) = fs::canonicalize(&existing) {
            let mut out = real;
            for r in rest.iter().rev() {
                out.push(r);
            }
            return out;
        }
        match (existing.file_name().map(|n| n.to_os_string()), existing.parent().map(Path::to_path_buf)) {
            (Some(name), Some(parent)) => {
                rest.push(name);
                existing = parent;
            }
            _ => return lexical,
        }
    }
}

/// One audience's output, written as it is made into a staging folder beside its target
/// (nothing is held in memory but each file's path, size and SHA-256), and files already
/// on disk (cached PDFs), copied in when the output is staged. Two different files at one
/// path are an error, not an overwrite. It starts with the marker that makes the folder
/// recognisably agendum's. Dropped without being staged, it removes its staging folder.
pub struct Publication {
    target: PathBuf,
    staging: std::sync::Arc<Staging>,
    written: std::collections::BTreeMap<String, (String, u64)>,
    pub stored: StoredFiles,
    staged: bool,
    /// The previous output's copy of a file (by path and SHA-256), when it is that very
    /// file, untouched since it was written: linked instead of written or copied again.
    previous: Option<Previous>,
}

/// Finds the previous output's own copy of a file: `(path, sha256) -> its location`.
pub type Previous = Box<dyn Fn(&str, &str) -> Option<PathBuf>>;

/// A staging folder, and the folders made in it so far: shared by what writes into it
/// (the publication, and the build cache writing PDFs from worker threads), so that each
/// folder is made once, not per file.
pub struct Staging {
    dir: PathBuf,
    folders: std::sync::Mutex<std::collections::HashSet<PathBuf>>,
}

impl Staging {
    pub fn new(dir: PathBuf) -> Staging {
        Staging { dir, folders: Default::default() }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Where `rel` goes in the staging folder, its folder made.
    pub fn place(&self, rel: &str) -> Result<PathBuf, Diagnostic> {
        let file = self.dir.join(safe_rel(rel)?);
        if let Some(dir) = file.parent() {
            let mut folders = self.folders.lock().unwrap_or_else(|e| e.into_inner());
            if !folders.contains(dir) {
                fs::create_dir_all(dir).map_err(|e| write_err("cannot create folder", dir, e))?;
                folders.insert(dir.to_path_buf());
            }
        }
        Ok(file)
    }
}

pub(crate) fn write_err(what: &str, p: &Path, e: std::io::Error) -> Diagnostic {
    Diagnostic::error(Pos::file(p), format!("{what}: {e}")).hint("check that the output folder's parent exists and is writable, and that the disk has room")
}

impl Publication {
    /// A new output for `target`, staged beside it (`.output.staging-<pid>`).
    pub fn new(target: &Path) -> Result<Publication, Diagnostic> {
        let (parent, _) = beside(target);
        fs::create_dir_all(parent).map_err(|e| write_err("cannot create the output's parent folder", parent, e))?;
        clean_leftovers(target);
        let staging = side_name(target, "staging", std::process::id());
        let _ = fs::remove_dir_all(&staging);
        fs::create_dir_all(&staging).map_err(|e| write_err("cannot create folder", &staging, e))?;
        let mut p = Publication {
            target: target.to_path_buf(),
            staging: std::sync::Arc::new(Staging::new(staging)),
            written: Default::default(),
            stored: StoredFiles::new(),
            staged: false,
            previous: None,
        };
        p.add(MARKER.to_string(), MARKER_TEXT.as_bytes().to_vec())?;
        Ok(p)
    }

    /// Link files the previous output already holds as they are (see `Previous`). The
    /// previous output is removed once this one is in place, so each such file is again
    /// an ordinary one of this output alone, and the previous output is whole until then.
    pub fn reusing(mut self, previous: Previous) -> Publication {
        self.previous = Some(previous);
        self
    }

    /// The folder this output is written into until it is put in place.
    pub fn staging(&self) -> std::sync::Arc<Staging> {
        self.staging.clone()
    }

    /// Where `rel` goes in the staging folder, its folder made.
    fn place(&self, rel: &str) -> Result<PathBuf, Diagnostic> {
        self.staging.place(rel)
    }

    /// The previous output's copy of `path`, linked at `dest`, if it is the same file.
    fn link_previous(&self, path: &str, sha256: &str, dest: &Path) -> bool {
        match self.previous.as_ref().and_then(|f| f(path, sha256)) {
            Some(old) => fs::hard_link(old, dest).is_ok(),
            None => false,
        }
    }

    pub fn add(&mut self, path: String, bytes: Vec<u8>) -> Result<(), Diagnostic> {
        let sha = crate::document::sha256_hex(&bytes);
        if let Some((prev, _)) = self.written.get(&path) {
            if *prev != sha {
                return Err(collision(&path));
            }
            return Ok(());
        }
        if self.stored.contains_key(&path) || (path == MARKER && bytes != MARKER_TEXT.as_bytes()) {
            return Err(collision(&path));
        }
        let file = self.place(&path)?;
        if !self.link_previous(&path, &sha, &file) {
            let mut f = fs::File::create(&file).map_err(|e| write_err("cannot write", &file, e))?;
            f.write_all(&bytes).map_err(|e| write_err("cannot write", &file, e))?;
        }
        self.written.insert(path, (sha, bytes.len() as u64));
        Ok(())
    }

    pub fn add_all(&mut self, files: Files) -> Result<(), Diagnostic> {
        for (p, b) in files {
            self.add(p, b)?;
        }
        Ok(())
    }

    pub fn add_stored(&mut self, path: String, s: Stored) -> Result<(), Diagnostic> {
        if self.written.contains_key(&path) || self.stored.contains_key(&path) {
            return Err(collision(&path));
        }
        self.stored.insert(path, s);
        Ok(())
    }

    pub fn len(&self) -> usize {
        self.written.len() + self.stored.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Every path published so far, in order.
    pub fn paths(&self) -> Vec<&str> {
        let mut v: Vec<&str> = self.written.keys().chain(self.stored.keys()).map(String::as_str).collect();
        v.sort_unstable();
        v
    }

    /// Where a published file's bytes are now (staged, or in the cache).
    pub fn location(&self, path: &str) -> Option<PathBuf> {
        if self.written.contains_key(path) {
            return safe_rel(path).ok().map(|r| self.staging.dir().join(r));
        }
        self.stored.get(path).map(|s| s.path.clone())
    }

    /// SHA-256 and size of a published file, wherever it is held.
    pub fn digest(&self, path: &str) -> Option<(String, u64)> {
        self.written.get(path).cloned().or_else(|| self.stored.get(path).map(|s| (s.sha256.clone(), s.len)))
    }

    /// `manifest.json`: every published file with its size and SHA-256, so that a records
    /// manager can prove years later that a file is the one published. It lists
    /// everything but itself, in path order, and holds no timestamps.
    pub fn add_manifest(&mut self) -> Result<(), Diagnostic> {
        let mut entries: Vec<(&String, u64, String)> = self
            .written
            .iter()
            .filter(|(p, _)| p.as_str() != MANIFEST)
            .map(|(p, (sha, len))| (p, *len, sha.clone()))
            .chain(self.stored.iter().map(|(p, s)| (p, s.len, s.sha256.clone())))
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
        self.add(MANIFEST.into(), out)
    }

    /// Finish the staging folder: the cached files are copied in (a reflink where the
    /// file system can), so `output/` holds ordinary writable files that a web team may
    /// touch without reaching the cache; or linked from the previous output, as above.
    pub fn stage(mut self) -> Result<Staged, Diagnostic> {
        for (rel, s) in std::mem::take(&mut self.stored) {
            let path = self.place(&rel)?;
            // Written there as it was made.
            if s.path == path {
                continue;
            }
            if self.link_previous(&rel, &s.sha256, &path) {
                continue;
            }
            fs::copy(&s.path, &path).map_err(|e| write_err("cannot copy from the build cache", &s.path, e))?;
            let mut perms = fs::metadata(&path).map_err(|e| write_err("cannot read", &path, e))?.permissions();
            crate::cache::owner_writable(&mut perms);
            fs::set_permissions(&path, perms).map_err(|e| write_err("cannot make writable", &path, e))?;
        }
        self.staged = true;
        Ok(Staged { target: self.target.clone(), staging: self.staging.dir().to_path_buf() })
    }
}

impl Drop for Publication {
    fn drop(&mut self) {
        if !self.staged {
            let _ = fs::remove_dir_all(self.staging.dir());
        }
    }
}

fn collision(path: &str) -> Diagnostic {
    Diagnostic::error(Pos::file(path), format!("two different files would be published as `{path}`"))
        .hint("rename one of the sources (a committee, report or appendix) so that their output names differ")
}

/// A staged output, written but not yet in place.
pub struct Staged {
    target: PathBuf,
    staging: PathBuf,
}

/// The folder that holds `target`, and `target`'s own name: agendum's working folders
/// (staging, the previous output, the cache) are hidden siblings named after it.
pub fn beside(target: &Path) -> (&Path, String) {
    let parent = target.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "output".into());
    (parent, name)
}

fn side_name(target: &Path, kind: &str, pid: u32) -> PathBuf {
    let (parent, name) = beside(target);
    parent.join(format!(".{name}.{kind}-{pid}"))
}

/// Remove staging and old folders of this target left by builds that were killed.
fn clean_leftovers(target: &Path) {
    let (parent, name) = beside(target);
    let Ok(rd) = fs::read_dir(parent) else { return };
    for e in rd.flatten() {
        let file = e.file_name().to_string_lossy().into_owned();
        for kind in ["staging", "old"] {
            let prefix = format!(".{name}.{kind}-");
            let Some(pid) = file.strip_prefix(&prefix).and_then(|p| p.parse::<u32>().ok()) else { continue };
            if pid != std::process::id() && !process_alive(pid) {
                let _ = fs::remove_dir_all(e.path());
            }
        }
    }
}

fn process_alive(pid: u32) -> bool {
    let proc = Path::new("/proc");
    if proc.is_dir() {
        proc.join(pid.to_string()).exists()
    } else {
        // Without /proc we cannot tell: leave it, rather than remove a running build's work.
        true
    }
}

impl Staged {
    /// Drop a staged output that will not be used.
    pub fn discard(self) {
        let _ = fs::remove_dir_all(&self.staging);
    }

    /// Put the staged folder in place of the target. The previous target is removed only
    /// once the new one is in place, and only because `Targets::check` found it ours.
    pub fn swap_in(self) -> Result<(), Diagnostic> {
        self.swap_in_keeping(|_| {})
    }

    /// `swap_in`, handing `keep` the previous output (moved aside) before it is removed.
    pub fn swap_in_keeping(self, keep: impl FnOnce(&Path)) -> Result<(), Diagnostic> {
        let err =
            |what: &str, p: &Path, e: std::io::Error| Diagnostic::error(Pos::file(p), format!("{what}: {e}")).hint("check that the output folder is writable");
        let old = side_name(&self.target, "old", std::process::id());
        let had_old = fs::symlink_metadata(&self.target).is_ok();
        if had_old {
            if let Err(e) = fs::rename(&self.target, &old) {
                let _ = fs::remove_dir_all(&self.staging);
                return Err(err("cannot move the previous output aside", &self.target, e));
            }
        }
        if let Err(e) = fs::rename(&self.staging, &self.target) {
            // Put the previous output back rather than leave nothing.
            if had_old {
                let _ = fs::rename(&old, &self.target);
            }
            let _ = fs::remove_dir_all(&self.staging);
            return Err(err("cannot move the new output into place", &self.target, e));
        }
        if had_old {
            keep(&old);
            let _ = fs::remove_dir_all(&old);
        }
        Ok(())
    }
}

/// Whether `rel` is a path inside a folder (no root, no `..`), as output paths are.
pub fn is_safe_rel(rel: &str) -> bool {
    safe_rel(rel).is_ok()
}

/// Output paths come from slugs and dates, but check anyway: nothing is written outside.
pub fn safe_rel(rel: &str) -> Result<PathBuf, Diagnostic> {
    let p = Path::new(rel);
    if rel.is_empty() || p.is_absolute() || p.components().any(|c| !matches!(c, Component::Normal(_))) {
        return Err(Diagnostic::error(Pos::file(rel), "refusing to write outside the output folder").hint("this is a bug in agendum; please report it"));
    }
    Ok(p.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tmp(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("agendum-publish-{}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn swaps_in_and_removes_stale_files() {
        let dir = tmp("swap");
        let out = dir.join("output");
        let mut p = Publication::new(&out).unwrap();
        p.add("a/stale.html".into(), b"old".to_vec()).unwrap();
        p.stage().unwrap().swap_in().unwrap();
        let mut p = Publication::new(&out).unwrap();
        p.add("a/new.html".into(), b"new".to_vec()).unwrap();
        p.stage().unwrap().swap_in().unwrap();
        assert!(out.join("a/new.html").is_file());
        assert!(out.join(MARKER).is_file());
        assert!(!out.join("a/stale.html").exists());
        let leftovers: Vec<_> = fs::read_dir(&dir).unwrap().filter_map(|e| e.ok()).map(|e| e.file_name()).collect();
        assert_eq!(leftovers.len(), 1, "no staging folders left: {leftovers:?}");
        assert!(safe_rel("../x").is_err());
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn an_empty_publication_still_makes_the_folder() {
        let dir = tmp("empty");
        let out = dir.join("members");
        Publication::new(&out).unwrap().stage().unwrap().swap_in().unwrap();
        assert!(out.join(MARKER).is_file());
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn collisions_are_refused() {
        let dir = tmp("collide");
        let mut p = Publication::new(&dir.join("output")).unwrap();
        p.add("x.svg".into(), b"one".to_vec()).unwrap();
        p.add("x.svg".into(), b"one".to_vec()).unwrap();
        assert!(p.add("x.svg".into(), b"two".to_vec()).is_err());
        assert!(p.add(MARKER.into(), b"x".to_vec()).is_err());
        // Dropped unstaged: its staging folder goes with it.
        drop(p);
        assert_eq!(fs::read_dir(&dir).unwrap().count(), 0);
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn leftovers_of_dead_builds_are_removed() {
        let dir = tmp("leftovers");
        let out = dir.join("output");
        // No process has pid 0x7fff_fff0 on Linux (pid_max is at most 2^22).
        let dead = dir.join(".output.staging-2147483632");
        let dead_old = dir.join(".output.old-2147483632");
        fs::create_dir_all(&dead).unwrap();
        fs::create_dir_all(&dead_old).unwrap();
        let other = dir.join("keep-me");
        fs::create_dir_all(&other).unwrap();
        Publication::new(&out).unwrap().stage().unwrap().swap_in().unwrap();
        assert!(!dead.exists() && !dead_old.exists());
        assert!(other.exists());
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn real_paths_follow_symlinks() {
        let dir = tmp("real");
        fs::create_dir_all(dir.join("output")).unwrap();
        std::os::unix::fs::symlink(dir.join("output"), dir.join("pubsym")).unwrap();
        let real = real_path(&dir.join("pubsym/members"));
        assert_eq!(real, fs::canonicalize(dir.join("output")).unwrap().join("members"));
        let _ = fs::remove_dir_all(&dir);
    }
}
