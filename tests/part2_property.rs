//! The Part 2 rule as a property over generated sites.
//!
//! Each case writes a whole random site: meetings with public and exempt reports, exempt
//! appendices (Markdown and tables), images whose names clash between public and exempt
//! use, and labels inside exempt appendices referenced from public text. Every exempt
//! thing carries a unique marker. For every site:
//! - no marker in any public file or file name (HTML, JSON, JS, XML, ICS, manifest,
//!   images), nor in any input of any public PDF (its data, images, appendix pages);
//! - every marker in the members' view;
//! - what `build` rejects, `check` reports.
//!
//! `AGENDUM_PROPTEST_CASES` sets the number of cases (default 3,000).

mod common;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use agendum::audience::{self, Audience};
use agendum::pdf::{PdfKind, PdfRenderer};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

#[derive(Debug, Clone)]
struct Site {
    meetings: Vec<Meeting>,
}

#[derive(Debug, Clone)]
struct Meeting {
    day: u8,
    reports: Vec<Report>,
}

#[derive(Debug, Clone)]
struct Report {
    exempt: bool,
    paras: u8,
    /// A public image in the summary, named like the exempt one.
    public_image: bool,
    appendices: Vec<Appendix>,
    /// Public text refers to a label inside the first exempt appendix.
    ref_into_exempt: bool,
    fault: Fault,
}

#[derive(Debug, Clone)]
struct Appendix {
    exempt: bool,
    table: bool,
    image: bool,
    label: bool,
}

/// Authoring slips a generated report may carry, so that `check` and `build` are
/// compared on sites that fail as well as on sites that build.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Fault {
    None,
    MissingAlt,
    UnknownHeading,
    MissingImage,
    UnknownLabel,
    DuplicateSection,
}

fn appendix() -> impl Strategy<Value = Appendix> {
    (any::<bool>(), any::<bool>(), any::<bool>(), any::<bool>()).prop_map(|(exempt, table, image, label)| Appendix { exempt, table, image, label })
}

fn fault() -> impl Strategy<Value = Fault> {
    prop_oneof![
        12 => Just(Fault::None),
        1 => Just(Fault::MissingAlt),
        1 => Just(Fault::UnknownHeading),
        1 => Just(Fault::MissingImage),
        1 => Just(Fault::UnknownLabel),
        1 => Just(Fault::DuplicateSection),
    ]
}

fn report() -> impl Strategy<Value = Report> {
    (prop::bool::weighted(0.35), 1u8..4, any::<bool>(), prop::collection::vec(appendix(), 0..3), any::<bool>(), fault()).prop_map(
        |(exempt, paras, public_image, appendices, ref_into_exempt, fault)| Report { exempt, paras, public_image, appendices, ref_into_exempt, fault },
    )
}

fn site() -> impl Strategy<Value = Site> {
    prop::collection::vec((1u8..28, prop::collection::vec(report(), 1..4)).prop_map(|(day, reports)| Meeting { day, reports }), 1..3).prop_map(
        |mut meetings| {
            // One meeting per date: the committee meets once a day.
            let mut seen = std::collections::BTreeSet::new();
            meetings.retain(|m| seen.insert(m.day));
            Site { meetings }
        },
    )
}

/// Writes a site and remembers every marker it planted.
struct Writer {
    markers: Vec<String>,
}

impl Writer {
    fn marker(&mut self, what: &str) -> String {
        // Lower case and hyphen-free, so it survives being made into a slug or file name.
        let m = format!("zqx{}{}mark", what, self.markers.len());
        self.markers.push(m.clone());
        m
    }

    fn write(&mut self, root: &Path, site: &Site) {
        let _ = std::fs::remove_dir_all(root);
        std::fs::create_dir_all(root.join("content/committees")).unwrap();
        std::fs::write(
            root.join("agendum.yaml"),
            "council: Generated Borough Council\ntheme: default\nbase_url: https://example.gov.uk/\ndemocratic_services:\n  name: Democratic Services\n  email: ds@example.gov.uk\n",
        )
        .unwrap();
        std::fs::write(
            root.join("content/committees/planning.yaml"),
            "name: Planning Committee\nkind: regulatory\nmembers:\n  - name: Councillor A. Chair\n    role: Chair\n",
        )
        .unwrap();
        for m in &site.meetings {
            let dir = root.join(format!("content/meetings/2030-03-{:02}-planning", m.day));
            std::fs::create_dir_all(dir.join("pub")).unwrap();
            std::fs::create_dir_all(dir.join("sec")).unwrap();
            let mut items = String::new();
            for (i, r) in m.reports.iter().enumerate() {
                let slug = format!("report-{}", i + 1);
                writeln!(items, "  - report: {slug}").unwrap();
                let text = self.report(&dir, i, r);
                std::fs::write(dir.join(format!("{:02}-{slug}.md", i + 1)), text).unwrap();
            }
            std::fs::write(
                dir.join("meeting.yaml"),
                format!("committee: planning\ndate: 2030-03-{:02}\ntime: \"18:00\"\nvenue: Town Hall\npublished: 2030-02-20\nitems:\n{items}", m.day),
            )
            .unwrap();
        }
    }

    fn svg(title: &str) -> String {
        format!("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 10 10\" width=\"10\" height=\"10\"><title>{title}</title><rect width=\"10\" height=\"10\" fill=\"#1d4f91\"/></svg>\n")
    }

    fn report(&mut self, dir: &Path, index: usize, r: &Report) -> String {
        let n = index + 1;
        // In an exempt report everything but the title is exempt.
        let tag = |w: &mut Writer, what: &str| if r.exempt { format!(" {}", w.marker(what)) } else { String::new() };
        let mut front = format!("title: Generated report {n}\n");
        writeln!(front, "report_of: Director of Place{}", tag(self, "reportof")).unwrap();
        front.push_str("contact_officer:\n  name: A. Officer\n  email: a.officer@example.gov.uk\n");
        writeln!(front, "wards: [\"Central{}\"]", tag(self, "ward")).unwrap();
        front.push_str("decision:\n  key: false\npurpose: decision\nbackground_papers: none\n");
        writeln!(front, "recommendations:\n  - That the committee agrees the proposal.{}", tag(self, "rec")).unwrap();
        if r.exempt {
            let pi = self.marker("interest");
            writeln!(front, "exempt:\n  paragraphs: [3]\n  public_interest: \"The public interest in withholding outweighs disclosure. {pi}\"").unwrap();
        }
        let mut body = String::new();
        writeln!(body, "## Summary\n\nThis report is number {n}.{}\n", tag(self, "summary")).unwrap();
        if r.public_image {
            let file = format!("pub/chart-{n}.svg");
            std::fs::write(dir.join(&file), Self::svg(&format!("Public chart {n}{}", tag(self, "pubsvg")))).unwrap();
            writeln!(body, "![A public chart of report {n}]({file})\n").unwrap();
        }
        if r.fault == Fault::MissingAlt {
            std::fs::write(dir.join(format!("pub/noalt-{n}.svg")), Self::svg("x")).unwrap();
            writeln!(body, "![](pub/noalt-{n}.svg)\n").unwrap();
        }
        if r.fault == Fault::MissingImage {
            writeln!(body, "![A chart that is not there](pub/missing-{n}.svg)\n").unwrap();
        }
        if r.fault == Fault::DuplicateSection {
            body.push_str("## Summary\n\nThe summary again.\n\n");
        }
        body.push_str("## Background and commentary\n\n");
        for p in 0..r.paras {
            writeln!(body, "Paragraph {p} of the commentary.{}\n", tag(self, "para")).unwrap();
        }
        if r.fault == Fault::UnknownLabel {
            body.push_str("As [](#no-such-label) says.\n\n");
        }
        if r.fault == Fault::UnknownHeading {
            body.push_str("## Not a section of this theme\n\nText.\n\n");
        }

        let mut apps = String::new();
        let mut tables = String::new();
        let mut first_exempt_label: Option<String> = None;
        for (k, a) in r.appendices.iter().enumerate() {
            let id = (b'A' + k as u8) as char;
            let secret = r.exempt || a.exempt;
            let t = |w: &mut Writer, what: &str| if secret { format!(" {}", w.marker(what)) } else { String::new() };
            writeln!(apps, "  - id: {id}\n    title: Appendix title {id}").unwrap();
            if a.exempt {
                apps.push_str("    exempt: true\n");
            }
            if a.table {
                let key = format!("t{}", k);
                writeln!(apps, "    table: {key}").unwrap();
                let cell = t(self, "cell");
                writeln!(tables, "  {key}:\n    columns:\n      - {{ key: name, heading: Name }}\n      - {{ key: price, heading: Price, format: money }}\n    rows:\n      - {{ name: \"Bidder{cell}\", price: 1000 }}").unwrap();
            } else {
                let file = format!("sec/appendix-{n}-{}.md", id.to_ascii_lowercase());
                writeln!(apps, "    file: {file}\n    numbered: true").unwrap();
                let mut md = format!("## Detail\n\nAppendix text.{}", t(self, "apptext"));
                if a.label {
                    let label = if secret { self.marker("label") } else { format!("label-{n}-{k}") };
                    write!(md, " {{#{label}}}").unwrap();
                    if a.exempt && first_exempt_label.is_none() {
                        first_exempt_label = Some(label);
                    }
                }
                md.push_str("\n\n");
                if a.image {
                    // Same file name as the public chart, different bytes.
                    let img = format!("sec/{k}/chart-{n}.svg");
                    std::fs::create_dir_all(dir.join(format!("sec/{k}"))).unwrap();
                    std::fs::write(dir.join(&img), Self::svg(&format!("Appendix chart{}", t(self, "secsvg")))).unwrap();
                    writeln!(md, "![An appendix chart{}](sec/{k}/chart-{n}.svg)\n", t(self, "alt")).unwrap();
                }
                std::fs::write(dir.join(&file), md).unwrap();
            }
        }
        if r.ref_into_exempt {
            if let Some(label) = &first_exempt_label {
                writeln!(body, "The details are in [](#{label}).\n").unwrap();
            }
        }
        if !apps.is_empty() {
            front.push_str("appendices:\n");
            front.push_str(&apps);
        }
        if !tables.is_empty() {
            front.push_str("tables:\n");
            front.push_str(&tables);
        }
        format!("---\n{front}---\n\n{body}")
    }
}

/// Every public file's name and bytes, lower-cased, for marker scans.
fn public_files(out: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    for e in walk(out) {
        let bytes = std::fs::read(&e).unwrap_or_default();
        files.push((e.strip_prefix(out).unwrap_or(&e).to_string_lossy().to_lowercase(), bytes.to_ascii_lowercase()));
    }
    files
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else {
                out.push(p);
            }
        }
    }
    out
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
