//! Helpers for integration tests: run the real `agendum` binary on a site, read output.
#![allow(dead_code)]

pub mod sitegen;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn fixture(name: &str) -> PathBuf {
    repo().join("tests/fixtures").join(name)
}

/// A fresh, empty temporary folder for one test.
pub fn temp_dir(name: &str) -> PathBuf {
    // Folders of test runs that have ended are removed once per run: a failed test's
    // output stays to be looked at until the next run, and /tmp does not fill up.
    static SWEEP: std::sync::Once = std::sync::Once::new();
    SWEEP.call_once(|| {
        let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else { return };
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            let Some(pid) = name.strip_prefix("agendum-test-").and_then(|r| r.split('-').next()).and_then(|p| p.parse::<u32>().ok()) else { continue };
            if pid != std::process::id() && Path::new("/proc").is_dir() && !Path::new("/proc").join(pid.to_string()).exists() {
                let _ = std::fs::remove_dir_all(e.path());
            }
        }
    });
    let dir = std::env::temp_dir().join(format!("agendum-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

pub fn agendum(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_agendum")).args(args).env("NO_COLOR", "1").output().expect("run agendum")
}

/// Build `site` into a new temp folder and return it; panics with stderr on failure.
pub fn build(site: &Path, name: &str) -> PathBuf {
    let out = temp_dir(name).join("output");
    let res = agendum(&["build", "--site", site.to_str().unwrap(), "--output", out.to_str().unwrap()]);
    assert!(res.status.success(), "build of {} failed:\n{}", site.display(), String::from_utf8_lossy(&res.stderr));
    out
}

pub fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Text of the HTML with tags removed and entities decoded (enough for our own output).
pub fn text(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    let out = out.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'");
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Every `<span class="num">…</span>` in order: section, heading and paragraph numbers.
pub fn numbers(html: &str) -> Vec<String> {
    spans(html, "<span class=\"num\">")
}

/// Every list/field marker in order.
pub fn markers(html: &str) -> Vec<String> {
    spans(html, "<span class=\"marker\">")
}

fn spans(html: &str, open: &str) -> Vec<String> {
    html.split(open).skip(1).map(|s| s[..s.find("</span>").unwrap()].to_string()).collect()
}

/// The text of each `<h2>` in order.
pub fn h2s(html: &str) -> Vec<String> {
    html.split("<h2").skip(1).map(|s| text(&s[s.find('>').unwrap() + 1..s.find("</h2>").unwrap()])).collect()
}

/// Text of the section with the given id.
pub fn section(html: &str, id: &str) -> String {
    let start = html.find(&format!("id=\"{id}\"")).unwrap_or_else(|| panic!("no section {id}"));
    let start = start + html[start..].find('>').unwrap() + 1;
    let end = html[start..].find("</section>").unwrap() + start;
    text(&html[start..end])
}

/// Copy a site into a temp folder so a test can change it: everything but build output,
/// the record of frozen packs (tests edit published meetings; tests/publish.rs covers
/// freezing) and, for this repository (which is also the example site), the source tree.
pub fn copy_site(from: &Path, name: &str) -> PathBuf {
    let to = temp_dir(name).join("site");
    std::fs::create_dir_all(&to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let n = e.file_name().to_string_lossy().into_owned();
        if ["output", "target", ".git", "src", "tests", "bench", "examples", "assets", ".ci", "agendum.lock", "frozen"].contains(&n.as_str()) {
            continue;
        }
        if e.path().is_dir() {
            copy_dir(&e.path(), &to.join(&n));
        } else {
            std::fs::copy(e.path(), to.join(&n)).unwrap();
        }
    }
    to
}

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.path().is_dir() {
            copy_dir(&e.path(), &to.join(e.file_name()));
        } else {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

/// Replace the first `from` in a file; the text must be there.
pub fn edit(path: &Path, from: &str, to: &str) {
    let s = read(path);
    assert!(s.contains(from), "{} lacks {from:?}", path.display());
    std::fs::write(path, s.replacen(from, to, 1)).unwrap();
}

/// PDFs that agendum made under `dir`, sorted (published copies of PDF appendices, the
/// council's own files, are left out unless `with_appendix_copies`).
pub fn pdfs_under(dir: &Path, with_appendix_copies: bool) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(pdfs_under(&p, with_appendix_copies));
        } else if p.extension().is_some_and(|x| x == "pdf") && (with_appendix_copies || !p.to_string_lossy().contains("-appendix-")) {
            out.push(p);
        }
    }
    out.sort();
    out
}

/// Every file under `dir`, sorted.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(files_under(&p));
        } else {
            out.push(p);
        }
    }
    out.sort();
    out
}

/// Run `agendum` with extra environment variables.
pub fn agendum_env(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_agendum"));
    c.args(args).env("NO_COLOR", "1");
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().expect("run agendum")
}

/// What a run printed on stderr.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The run ended without a panic, whatever its exit code.
pub fn no_panic(o: &Output) {
    let e = stderr(o);
    assert!(!e.contains("panicked"), "panic:\n{e}");
    assert_ne!(o.status.code(), Some(101), "panic exit:\n{e}");
}

/// `check`, then `build` with `build_args`, on `site`: both must refuse it (exit 1, no
/// panic), each message holding every one of `needles`, so that what `build` rejects
/// `check` reports too.
pub fn check_and_build_refuse(site: &Path, build_args: &[&str], needles: &[&str]) {
    let mut build = vec!["build"];
    build.extend_from_slice(build_args);
    for args in [vec!["check"], build] {
        let mut all = vec!["--site", site.to_str().unwrap()];
        all.extend(args.iter().copied());
        let res = agendum(&all);
        no_panic(&res);
        let err = stderr(&res);
        assert_eq!(res.status.code(), Some(1), "{args:?}: {err}");
        for n in needles {
            assert!(err.contains(n), "{args:?}: no {n:?} in:\n{err}");
        }
    }
}

/// `path` is an ordinary file of the output: its own (no hard link into a cache or a
/// previous output), writable by its owner, and by nobody else (not 0666).
pub fn assert_ordinary_file(path: &Path) {
    let meta = std::fs::metadata(path).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        assert_eq!(meta.nlink(), 1, "{} shares its file", path.display());
        assert_eq!(meta.permissions().mode() & 0o022, 0, "{} is writable by others", path.display());
    }
    assert!(!meta.permissions().readonly(), "{} is read-only", path.display());
}
