//! A rebuild with nothing changed does nothing. The build records, beside the cache, a
//! digest of everything it was made from (every file of the site folder but its outputs,
//! agendum's own binary, the options and the date the HTML is dated by) and a digest of
//! what it wrote (every output file's path, size and modification time). When both are
//! the same at the next build, the output is exactly what building would give again,
//! so it is left as it is and the record's summary (and warnings) are reported.
//!
//! Any difference, a file added, removed, edited or touched in the site or in either
//! output, means a full build: the record only ever skips work, never decides content.
//!
//! The record also lists each public file with its size, modification time and SHA-256.
//! A build that makes a file the previous output holds at the same path, untouched since
//! (same size and time), links the previous output's copy into the new output instead of
//! writing or copying it again (never the cache's own file): an archive where one report
//! changed rewrites little more than that report's files.

use std::path::{Path, PathBuf};

use agendum_core::diag::Diagnostic;
use sha2::{Digest, Sha256};

use crate::{BuildOptions, BuildReport};

/// What the last build was made from and wrote (`last-build.json` beside the cache).
#[derive(serde::Serialize, serde::Deserialize)]
pub struct Record {
    inputs: String,
    outputs: String,
    meetings: usize,
    reports: usize,
    files: usize,
    pdfs: usize,
    warnings: Vec<Diagnostic>,
    /// How many errors `check` reports that the build published regardless.
    #[serde(default)]
    check_errors: usize,
    /// Public files as written: path, size, modification time (ns), SHA-256.
    #[serde(default)]
    files_written: Vec<(String, u64, u128, String)>,
}

/// The previous output's files, by path: (size, modification time, SHA-256) as recorded.
pub type PreviousFiles = std::collections::HashMap<String, (u64, u128, String)>;

fn mtime_ns(meta: &std::fs::Metadata) -> Option<u128> {
    Some(meta.modified().ok()?.duration_since(std::time::UNIX_EPOCH).ok()?.as_nanos())
}

/// The record of the last build into `output`, if there is one.
pub fn last_build(output: &Path) -> Option<Record> {
    serde_json::from_str(&std::fs::read_to_string(record_path(output)).ok()?).ok()
}

/// The files the last build recorded (none without a record).
pub fn previous_files(last: Option<Record>) -> PreviousFiles {
    last.map(|r| r.files_written.into_iter().map(|(p, len, t, sha)| (p, (len, t, sha))).collect()).unwrap_or_default()
}

/// The previous output's copy of `path`, if it is the file with `sha256` and untouched
/// since it was recorded.
pub fn untouched(previous: &PreviousFiles, output: &Path, path: &str, sha256: &str) -> Option<PathBuf> {
    let (len, t, sha) = previous.get(path)?;
    if sha != sha256 {
        return None;
    }
    let file = output.join(path);
    let meta = std::fs::symlink_metadata(&file).ok()?;
    (meta.is_file() && meta.len() == *len && mtime_ns(&meta) == Some(*t)).then_some(file)
}

fn record_path(output: &Path) -> PathBuf {
    let (parent, name) = agendum_core::publish::beside(output);
    parent.join(format!(".{name}.cache")).join("last-build.json")
}

fn hex(h: Sha256) -> String {
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Every file under `dir` in a stable order, skipping `skip`, hidden folders (a
/// version-control folder, agendum's caches and staging folders) and folders tagged as
/// caches (`CACHEDIR.TAG`, the cache-directory convention: a Cargo `target/` beside an
/// example site, say), none of which a build reads.
fn files(dir: &Path, skip: &[&Path]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let walk = walkdir::WalkDir::new(dir).follow_links(true).sort_by_file_name().into_iter().filter_entry(|e| {
        let is_dir = e.depth() > 0 && e.file_type().is_dir();
        let hidden_dir = is_dir && e.file_name().to_string_lossy().starts_with('.');
        let cache_dir = is_dir && e.path().join("CACHEDIR.TAG").is_file();
        !hidden_dir && !cache_dir && !skip.iter().any(|s| e.path() == *s)
    });
    for e in walk {
        match e {
            Ok(e) if e.file_type().is_file() => out.push(e.into_path()),
            Ok(_) => {}
            // Unreadable: make the digest differ from any recorded one.
            Err(_) => out.push(PathBuf::from("\0unreadable")),
        }
    }
    out
}

/// What the build is made from. `None` when it cannot be said (then the build runs).
pub fn inputs(opts: &BuildOptions, output: &Path, restricted: Option<&Path>, today: &str) -> Option<String> {
    let mut h = Sha256::new();
    let exe = std::env::current_exe().ok().and_then(|p| std::fs::metadata(p).ok())?;
    h.update(format!("agendum {} exe {} {}\n", env!("CARGO_PKG_VERSION"), exe.len(), mtime_ns(&exe)?));
    h.update(format!("html-only {} today {today} output {} restricted {:?}\n", opts.html_only, output.display(), restricted));
    h.update(format!("SOURCE_DATE_EPOCH {:?}\n", std::env::var("SOURCE_DATE_EPOCH").ok()));
    let site = std::fs::canonicalize(&opts.site).ok()?;
    let mut skip: Vec<&Path> = vec![output];
    skip.extend(restricted);
    for f in files(&site, &skip) {
        let bytes = std::fs::read(&f).ok()?;
        h.update(f.strip_prefix(&site).unwrap_or(&f).to_string_lossy().as_bytes());
        h.update((bytes.len() as u64).to_le_bytes());
        h.update(Sha256::digest(&bytes));
    }
    Some(hex(h))
}

/// What the last build left in the output folders, as the file system sees it. `each`
/// is given every file of the public output: its path, size and modification time.
fn outputs(output: &Path, restricted: Option<&Path>, each: &mut dyn FnMut(&str, u64, u128)) -> Option<String> {
    let mut h = Sha256::new();
    for (n, dir) in std::iter::once(output).chain(restricted).enumerate() {
        if !dir.is_dir() {
            return None;
        }
        h.update(dir.to_string_lossy().as_bytes());
        for f in files(dir, &[]) {
            let meta = std::fs::symlink_metadata(&f).ok()?;
            let (rel, mtime) = (f.strip_prefix(dir).unwrap_or(&f).to_string_lossy(), mtime_ns(&meta)?);
            h.update(rel.as_bytes());
            h.update(format!(" {} {mtime}\n", meta.len()));
            if n == 0 {
                each(&rel, meta.len(), mtime);
            }
        }
    }
    Some(hex(h))
}

/// The last build's report, when its inputs are `inputs` and its output is untouched.
pub fn unchanged(last: &Record, inputs: &str, output: &Path, restricted: Option<&Path>) -> Option<BuildReport> {
    if last.inputs != inputs || Some(&last.outputs) != outputs(output, restricted, &mut |_, _, _| {}).as_ref() {
        return None;
    }
    Some(BuildReport {
        meetings: last.meetings,
        reports: last.reports,
        files: last.files,
        pdfs: last.pdfs,
        compiled: 0,
        warnings: agendum_core::diag::Diagnostics(last.warnings.clone()),
        check_errors: last.check_errors,
        frozen: vec![],
        unchanged: true,
    })
}

/// Note what this build was made from and what it wrote. Best effort: without the
/// record the next build simply runs in full.
/// `written` gives each public file's SHA-256, by path.
pub fn record(inputs: String, output: &Path, restricted: Option<&Path>, report: &BuildReport, written: &[(String, String)]) {
    let shas: std::collections::HashMap<&str, &str> = written.iter().map(|(p, sha)| (p.as_str(), sha.as_str())).collect();
    let mut files_written = Vec::new();
    let Some(outputs) = outputs(output, restricted, &mut |path, len, mtime| {
        if let Some(sha) = shas.get(path) {
            files_written.push((path.to_string(), len, mtime, sha.to_string()));
        }
    }) else {
        return;
    };
    let r = Record {
        inputs,
        outputs,
        meetings: report.meetings,
        reports: report.reports,
        files: report.files,
        pdfs: report.pdfs,
        warnings: report.warnings.0.clone(),
        check_errors: report.check_errors,
        files_written,
    };
    let path = record_path(output);
    if let (Some(dir), Ok(text)) = (path.parent(), serde_json::to_string(&r)) {
        let _ = std::fs::create_dir_all(dir);
        let _ = std::fs::write(&path, text);
    }
}

/// Forget the record (before a build writes anything), so that a build that fails
/// half-way is never taken for a finished one.
pub fn forget(output: &Path) {
    let _ = std::fs::remove_file(record_path(output));
}
