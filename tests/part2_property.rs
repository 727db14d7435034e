//! The Part 2 rule as a property over generated sites.
//!
//! Each case writes a whole random site: meetings with public and exempt reports, exempt
//! appendices (Markdown and tables), images whose names clash between public and exempt
//! use, labels inside exempt appendices referenced from public text, and minutes whose
//! exempt minutes (of exempt items, or marked exempt by the clerk) carry text,
//! resolutions and movers of their own. Every exempt
//! thing carries a unique marker. For every site:
//! - no marker in any public file or file name (HTML, JSON, JS, XML, ICS, manifest,
//!   images), nor in any input of any public PDF (its data, images, appendix pages);
//! - every marker in the members' view;
//! - what `build` rejects, `check` reports.
//!
//! `AGENDUM_PROPTEST_CASES` sets the number of cases (default 3,000).

mod common;

use std::path::Path;
use std::sync::OnceLock;

use agendum::audience::{self, Audience};
use agendum::pdf::{PdfKind, PdfRenderer};
use common::sitegen::*;
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

/// Every public file's name and bytes, lower-cased, for marker scans.
fn public_files(out: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    for e in common::files_under(out) {
        let bytes = std::fs::read(&e).unwrap_or_default();
        files.push((e.strip_prefix(out).unwrap_or(&e).to_string_lossy().to_lowercase(), bytes.to_ascii_lowercase()));
    }
    files
}

fn contains(hay: &[u8], needle: &str) -> bool {
    hay.windows(needle.len()).any(|w| w == needle.as_bytes())
}

fn pdf_renderer(theme: &agendum::theme::Theme) -> &'static PdfRenderer {
    static PDF: OnceLock<PdfRenderer> = OnceLock::new();
    PDF.get_or_init(|| PdfRenderer::new(theme).expect("PDF renderer"))
}

fn run_case(root: &Path, site: &Site) -> Result<(), TestCaseError> {
    let mut w = Writer { markers: Vec::new() };
    w.write(root, site);
    let check = agendum::check::check_folder(root);
    let out = root.with_extension("out");
    let _ = std::fs::remove_dir_all(&out);
    let mut opts = agendum::BuildOptions::new(root, &out);
    opts.html_only = true;
    let built = agendum::build(&opts);
    let faulty = site.meetings.iter().flat_map(|m| &m.reports).any(|r| r.fault != Fault::None);
    if let Err(errors) = &built {
        {
            prop_assert!(
                check.has_errors(),
                "build rejected the site but check reported no error.\nbuild: {:?}",
                errors.0.iter().map(|d| &d.message).collect::<Vec<_>>()
            );
            prop_assert!(
                faulty,
                "a site without faults failed to build: {:?}",
                errors.0.iter().map(|d| format!("{}: {}", d.pos.file.display(), d.message)).collect::<Vec<_>>()
            );
            prop_assert!(!out.exists(), "a failed build wrote output");
            return Ok(());
        }
    }
    prop_assert!(!faulty, "a site with an authoring fault built");
    // Public files and names.
    for (name, bytes) in public_files(&out) {
        for m in &w.markers {
            prop_assert!(!name.contains(m.as_str()), "marker {m} in public file name {name}");
            prop_assert!(!contains(&bytes, m), "marker {m} in public file {name}");
        }
    }
    // Public PDF inputs: everything each item PDF and pack would be made from.
    let folder = agendum::Site::open(root).map_err(|e| TestCaseError::fail(format!("{:?}", e.0)))?;
    let resolved = folder.resolve().map_err(|e| TestCaseError::fail(format!("{:?}", e.0)))?;
    let theme = &folder.theme;
    let public = audience::view(&resolved, Audience::Public);
    let pdf = pdf_renderer(theme);
    for m in public.meetings() {
        let mut jobs = Vec::new();
        for r in &m.reports {
            jobs.push(pdf.prepare(&public, &m.doc, &[r], PdfKind::Report));
        }
        for (doc, numbers) in agendum::document::packs(&m.doc) {
            let in_pack: Vec<&agendum::document::ReportDoc> = m.reports.iter().filter(|r| numbers.contains(&r.item_number)).collect();
            jobs.push(pdf.prepare(&public, &doc, &in_pack, PdfKind::Pack));
        }
        if let Some(minutes) = &m.minutes {
            jobs.push(pdf.prepare_minutes(&public, &m.doc, minutes));
        }
        for job in jobs {
            let job = job.map_err(|d| TestCaseError::fail(d.message))?;
            for (path, bytes) in job.inputs() {
                let lower = bytes.to_ascii_lowercase();
                for mk in &w.markers {
                    prop_assert!(!contains(&lower, mk), "marker {mk} in public PDF input {path}");
                }
            }
        }
    }
    // The members see everything.
    let members = audience::view(&resolved, Audience::Members);
    let mut all = Vec::new();
    for m in members.meetings() {
        all.extend(serde_json::to_vec(&m.reports).unwrap_or_default());
        all.extend(serde_json::to_vec(&m.doc).unwrap_or_default());
        all.extend(serde_json::to_vec(&m.minutes).unwrap_or_default());
    }
    for a in members.assets().values() {
        all.extend(a.bytes.iter());
    }
    let all = all.to_ascii_lowercase();
    for mk in &w.markers {
        prop_assert!(contains(&all, mk), "marker {mk} missing from the members' view");
    }
    let _ = std::fs::remove_dir_all(&out);
    Ok(())
}

#[test]
fn no_exempt_marker_reaches_public_output() {
    let cases: u32 = std::env::var("AGENDUM_PROPTEST_CASES").ok().and_then(|s| s.parse().ok()).unwrap_or(3000);
    let root = common::temp_dir("part2-property").join("site");
    let started = std::time::Instant::now();
    // Deterministic: CI runs the same cases every time; raise the count to explore more.
    let mut runner =
        TestRunner::new_with_rng(Config { cases, failure_persistence: None, ..Config::default() }, TestRng::deterministic_rng(RngAlgorithm::ChaCha));
    let result = runner.run(&site(), |s| run_case(&root, &s));
    if let Err(e) = result {
        panic!("{e}");
    }
    eprintln!("part 2 property: {cases} generated sites in {:.1}s", started.elapsed().as_secs_f64());
    let _ = std::fs::remove_dir_all(root.parent().unwrap_or(&root));
}
