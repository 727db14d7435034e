//! The bad-input corpus in tests/bad-inputs/: each case replaces the example report and
//! must fail with its expected messages, exit code 1, no panic and nothing written.
//! Binary, huge and symlinked inputs are made here. Then a bounded fuzz run mutates the
//! example report and checks that the loader never panics.

mod common;
use common::*;
use std::fs;
use std::path::{Path, PathBuf};

const REPORT: &str = "content/meetings/2012-04-18-improvement-and-efficiency/04-shared-services-update.md";

fn fails_with(site: &Path, expected: &[&str], case: &str) {
    let res = agendum(&["build", "--site", site.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&res.stderr);
    assert_eq!(res.status.code(), Some(1), "{case}: exit code; stderr:\n{err}");
    assert!(!err.contains("panicked"), "{case}: panic:\n{err}");
    assert!(!site.join("output").exists(), "{case}: nothing written");
    for e in expected {
        assert!(err.contains(e), "{case}: expected {e:?} in:\n{err}");
    }
}

#[test]
fn every_case_in_the_corpus() {
    let dir = repo().join("tests/bad-inputs");
    let mut cases: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "md") && p.file_name().unwrap() != "README.md")
        .collect();
    cases.sort();
    assert!(cases.len() >= 12, "corpus: {cases:?}");
    for case in cases {
        let name = case.file_stem().unwrap().to_string_lossy().into_owned();
        let expected = read(&case.with_extension("expected"));
        let expected: Vec<&str> = expected.lines().filter(|l| !l.trim().is_empty()).collect();
        let site = copy_site(&repo(), &format!("bad-{name}"));
        fs::copy(&case, site.join(REPORT)).unwrap();
        fails_with(&site, &expected, &name);
    }
}

#[test]
fn binary_huge_and_linked_files() {
    let site = copy_site(&repo(), "bad-binary");
    fs::write(site.join(REPORT), [0u8, 159, 146, 150, 0xff, 0xfe, 10, 0]).unwrap();
    fails_with(&site, &["file is not valid UTF-8 text", "04-shared-services-update.md:1:"], "binary");

    let site = copy_site(&repo(), "bad-huge");
    let mut big = read(&repo().join(REPORT));
    let filler = "Lorem ipsum dolor sit amet. ".repeat(40_000);
    while big.len() < 9 * 1024 * 1024 {
        big.push_str(&filler);
    }
    fs::write(site.join(REPORT), big).unwrap();
    fails_with(&site, &["file is too large"], "huge");

    #[cfg(unix)]
    {
        let site = copy_site(&repo(), "bad-symlink");
        fs::remove_file(site.join(REPORT)).unwrap();
        std::os::unix::fs::symlink("/etc/passwd", site.join(REPORT)).unwrap();
        fails_with(&site, &["symbolic links are not followed in content"], "symlink");
    }
}

/// A small LCG so the fuzz run is the same on every machine.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> usize {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 33) as usize
    }
}

#[test]
fn fuzzed_reports_never_panic_the_loader() {
    // Bounded: a fixed number of mutations, stopping early after 20 seconds.
    let site = copy_site(&repo(), "fuzz");
    let original = read(&repo().join(REPORT));
    let lines: Vec<&str> = original.lines().collect();
    let specials = [
        "&a ",
        "*a",
        "!!binary ",
        "{",
        "}",
        "[",
        "]",
        ": ",
        "- ",
        "\t",
        "---",
        "|",
        ">",
        "'",
        "\"",
        "#",
        "%YAML 1.2",
        "<script>",
        "[](#x)",
        "## X",
        "\u{0}",
        "\u{feff}",
        "é",
        "2012-13-45",
    ];
    let mut rng = Rng(20121004);
    let start = std::time::Instant::now();
    let mut runs = 0;
    while runs < 400 && start.elapsed().as_secs() < 20 {
        let mut mutated: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
        for _ in 0..(1 + rng.next() % 4) {
            let i = rng.next() % mutated.len();
            match rng.next() % 4 {
                0 => {
                    mutated.remove(i);
                }
                1 => {
                    let line = &mut mutated[i];
                    let at = if line.is_empty() { 0 } else { rng.next() % line.len() };
                    let at = (0..=at).rev().find(|&k| line.is_char_boundary(k)).unwrap_or(0);
                    line.insert_str(at, specials[rng.next() % specials.len()]);
                }
                2 => {
                    let j = rng.next() % mutated.len();
                    mutated.swap(i, j);
                }
                _ => mutated.insert(i, specials[rng.next() % specials.len()].to_string()),
            }
        }
        fs::write(site.join(REPORT), mutated.join("\n")).unwrap();
        let result = std::panic::catch_unwind(|| agendum::check::check_folder(&site));
        assert!(result.is_ok(), "check panicked on mutation {runs}:\n{}", mutated.join("\n"));
        let diags = result.unwrap();
        for d in &diags.0 {
            assert!(!d.message.is_empty() && !d.pos.file.as_os_str().is_empty(), "every diagnostic names a file: {d:?}");
        }
        runs += 1;
    }
    assert!(runs >= 50, "the fuzz run did real work ({runs} mutations)");
}
