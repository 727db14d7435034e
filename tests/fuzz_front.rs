//! Bounded, structure-aware fuzzing of the front: Markdown, front matter and theme
//! headings. Real reports from the example site and the fixtures (one per built-in theme)
//! are mutated the ways authors slip: headings of every theme put anywhere, front-matter
//! values of the wrong type, lines deleted, repeated, swapped or cut off, and the
//! fragments in `tests/fuzz-corpus/fragments.md`. For every mutant:
//! - `check` and an HTML build run without panicking;
//! - whatever `build` rejects, `check` reports;
//! - the public PDF inputs can be prepared without panicking.
//!
//! Deterministic: a fixed seed, `AGENDUM_FUZZ_ITERATIONS` mutants (default 2,000), so a
//! failure names the iteration to replay. `AGENDUM_FUZZ_SEED` explores other inputs.

mod common;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use agendum::audience::{view, Audience};
use agendum::pdf::{PdfKind, PdfRenderer};

/// xorshift64*: small, fast and reproducible; no dependency needed for a fuzz loop.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// The files authors and clerks write: reports, appendices, meeting and committee files.
fn source_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(source_files(&p));
        } else if p.extension().is_some_and(|x| x == "md" || x == "yaml") {
            out.push(p);
        }
    }
    out.sort();
    out
}

/// Every section heading of every built-in theme and of the fixtures' own themes: an
/// author may type any of them.
fn theme_headings() -> Vec<String> {
    let mut out = Vec::new();
    let fixture_themes =
        ["highland", "vale", "joint"].into_iter().flat_map(|f| std::fs::read_dir(common::fixture(f).join("themes")).into_iter().flatten().flatten());
    for e in std::fs::read_dir(common::repo().join("themes")).unwrap().flatten().chain(fixture_themes) {
        let text = std::fs::read_to_string(e.path().join("theme.yaml")).unwrap_or_default();
        for line in text.lines() {
            if let Some(h) = line.trim().strip_prefix("heading:") {
                out.push(h.trim().trim_matches('"').to_string());
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

const VALUES: &[&str] = &[
    "",
    "[]",
    "{}",
    "[1, 2]",
    "null",
    "-1",
    "99999999999999999999",
    "\"📜 中文 العربية\"",
    "2012-02-30",
    "9999-12-31",
    "0001-01-01",
    "262143-12-31",
    "\"25:99\"",
    "true",
    "*nothing",
    "'unterminated",
    "{a: [b, {c: d}]}",
    "none",
    "|\n  block text",
    "\"javascript:alert(1)\"",
];

const LINE_NOISE: &[&str] = &["{", "}", "[", "]", "#", "|", "*", "\t", ">", "- ", "1. ", "{#x}", "[](#x)", "\\", "`", "<", "&amp;", "---", ":", "%"];

fn mutate(text: &str, rng: &mut Rng, headings: &[String], fragments: &[String]) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    for _ in 0..1 + rng.below(4) {
        // Where the front matter ends (the second `---`), so mutations can aim at either part.
        // A YAML file (meeting.yaml, a committee) is front matter throughout.
        let yaml = lines.first().is_none_or(|l| l.trim() != "---");
        let fence = if yaml { lines.len() } else { lines.iter().enumerate().skip(1).find(|(_, l)| l.trim() == "---").map(|(i, _)| i).unwrap_or(0) };
        let n = lines.len().max(1);
        match rng.below(9) {
            0 => {
                let level = *rng.pick(&["#", "##", "##", "###", "####"]);
                let at = fence + 1 + rng.below(n.saturating_sub(fence).max(1));
                lines.insert(at.min(lines.len()), format!("\n{level} {}\n", rng.pick(headings)));
            }
            1 => {
                let at = fence + 1 + rng.below(n.saturating_sub(fence).max(1));
                lines.insert(at.min(lines.len()), format!("\n{}\n", rng.pick(fragments)));
            }
            2 if !lines.is_empty() => {
                let i = rng.below(lines.len());
                lines.remove(i);
            }
            3 if !lines.is_empty() => {
                let i = rng.below(lines.len());
                let l = lines[i].clone();
                lines.insert(i, l);
            }
            4 if lines.len() > 1 => {
                let (a, b) = (rng.below(lines.len()), rng.below(lines.len()));
                lines.swap(a, b);
            }
            5 if fence > 1 => {
                // A front-matter value of another type or shape.
                let i = if yaml { rng.below(fence) } else { 1 + rng.below(fence - 1) };
                if let Some((key, _)) = lines[i].split_once(':') {
                    lines[i] = format!("{key}: {}", rng.pick(VALUES));
                }
            }
            6 if !lines.is_empty() => {
                let i = rng.below(lines.len());
                let l = &mut lines[i];
                let at = (0..=l.len()).filter(|k| l.is_char_boundary(*k)).nth(rng.below(l.chars().count() + 1)).unwrap_or(0);
                let noise: &&str = rng.pick(LINE_NOISE);
                l.insert_str(at, noise);
            }
            7 => {
                let keep = rng.below(lines.len() + 1);
                lines.truncate(keep);
            }
            _ => {
                // An exempt flag flipped on: Part 2 rules and the filter see the mutant too.
                if fence > 1 {
                    lines.insert(1, "exempt: {paragraphs: [3], public_interest: \"Fuzzed.\"}".into());
                }
            }
        }
    }
    let mut out = lines.join("\n");
    out.push('\n');
    out
}

#[test]
fn the_front_never_panics_and_check_reports_what_build_rejects() {
    let iterations: usize = std::env::var("AGENDUM_FUZZ_ITERATIONS").ok().and_then(|s| s.parse().ok()).unwrap_or(2000);
    let seed: u64 = std::env::var("AGENDUM_FUZZ_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(0x5eed_a9e7_d0c5);
    let headings = theme_headings();
    let fragments: Vec<String> =
        std::fs::read_to_string(common::repo().join("tests/fuzz-corpus/fragments.md")).unwrap().split("\n%%\n").map(str::to_string).collect();
    assert!(headings.len() > 20 && fragments.len() > 20);

    // One working copy per base site; each mutant is written over one report and undone.
    let work = common::temp_dir("fuzz-front");
    let mut bases = Vec::new();
    let example = work.join("bromley");
    common::copy_dir(&common::repo().join("content"), &example.join("content"));
    std::fs::copy(common::repo().join("agendum.yaml"), example.join("agendum.yaml")).unwrap();
    bases.push(example);
    // The re-authored councils' sites too, with their own themes: body slots, continuous
    // numbering, run-in headings, header rows of their own, joint committees, documents.
    // And after the meeting: minutes, decision notices, a parish council's year.
    for f in ["bromsgrove", "haringey", "part2", "highland", "vale", "joint", "parish"] {
        let dir = work.join(f);
        common::copy_dir(&common::fixture(f), &dir);
        bases.push(dir);
    }
    let targets: Vec<(PathBuf, PathBuf, String)> = bases
        .iter()
        .flat_map(|b| source_files(&b.join("content")).into_iter().map(move |p| (b.clone(), p.clone(), std::fs::read_to_string(&p).unwrap())))
        .collect();

    // The panic hook would print thousands of expected-free lines; failures are collected.
    let started = std::time::Instant::now();
    let mut rng = Rng(seed);
    let mut failures = Vec::new();
    let (mut built, mut rejected) = (0, 0);
    let pdf = {
        let site = agendum::Site::open(&bases[3]).unwrap_or_else(|e| panic!("{:?}", e.0));
        PdfRenderer::new(&site.theme).unwrap()
    };
    for i in 0..iterations {
        let (site, file, original) = rng.pick(&targets);
        let mutant = mutate(original, &mut rng, &headings, &fragments);
        std::fs::write(file, &mutant).unwrap();
        let out = work.join("out");
        let _ = std::fs::remove_dir_all(&out);
        let result = catch_unwind(AssertUnwindSafe(|| {
            let check = agendum::check::check_folder(site);
            let mut opts = agendum::BuildOptions::new(site, &out);
            opts.html_only = true;
            let build = agendum::build(&opts);
            // The public PDFs' inputs, prepared as a real build would (without layout).
            if build.is_ok() {
                let folder = agendum::Site::open(site).map_err(|e| format!("{:?}", e.0))?;
                let resolved = folder.resolve().map_err(|e| format!("{:?}", e.0))?;
                let public = view(&resolved, Audience::Public);
                for m in public.meetings() {
                    for r in &m.reports {
                        let _ = pdf.prepare(&public, &m.doc, &[r], PdfKind::Report);
                    }
                    if let Some(minutes) = &m.minutes {
                        let _ = pdf.prepare_minutes(&public, &m.doc, minutes);
                    }
                }
                for d in &public.decisions {
                    let _ = pdf.prepare_decision(&public, d);
                }
            }
            match build {
                Err(errors) if !check.has_errors() => {
                    Err(format!("build rejected it but check did not: {:?}", errors.0.iter().map(|d| &d.message).collect::<Vec<_>>()))
                }
                Err(_) => Ok(false),
                Ok(_) => Ok(true),
            }
        }));
        match result {
            Ok(Ok(true)) => built += 1,
            Ok(Ok(false)) => rejected += 1,
            Ok(Err(why)) => failures.push(format!("iteration {i} ({}): {why}", file.display())),
            Err(_) => failures.push(format!("iteration {i} ({}): panicked; the mutant is kept as {}", file.display(), keep(&work, i, &mutant).display())),
        }
        std::fs::write(file, original).unwrap();
    }
    eprintln!("fuzz: {iterations} mutants in {:.1}s ({built} built, {rejected} rejected)", started.elapsed().as_secs_f64());
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
    // The mutants must reach both outcomes, or the fuzzing is not exploring.
    assert!(built > iterations / 20 && rejected > iterations / 20, "{built} built, {rejected} rejected");
    let _ = std::fs::remove_dir_all(&work);
}

fn keep(work: &Path, i: usize, mutant: &str) -> PathBuf {
    let p = work.with_extension(format!("crash-{i}.md"));
    let _ = std::fs::write(&p, mutant);
    p
}
