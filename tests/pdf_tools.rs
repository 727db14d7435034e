//! PDF checks with the tools a person would use: qpdf for structure, pdfinfo for tagging
//! and metadata, pdffonts for embedding, pdftotext for text and reading order, and the
//! agenda's page numbers compared with the pages where items really start.
//! Needs poppler-utils and qpdf: `.ci/run` installs them and runs
//! `cargo test --release --features external-tools`.
#![cfg(feature = "external-tools")]

mod common;
use common::*;
use std::path::{Path, PathBuf};
use std::process::Command;

fn tool(name: &str, args: &[&str]) -> (bool, String) {
    let out = Command::new(name).args(args).output().unwrap_or_else(|e| panic!("{name} is needed ({e}); .ci/run installs it"));
    (out.status.success(), format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)))
}

fn pdftotext(pdf: &Path, page: Option<usize>) -> String {
    pdftotext_with(pdf, page, false)
}

fn pdftotext_with(pdf: &Path, page: Option<usize>, layout: bool) -> String {
    let mut args: Vec<String> = vec![];
    if layout {
        args.push("-layout".into());
    }
    if let Some(p) = page {
        args.extend(["-f".into(), p.to_string(), "-l".into(), p.to_string()]);
    }
    args.extend([pdf.to_string_lossy().into_owned(), "-".into()]);
    let a: Vec<&str> = args.iter().map(String::as_str).collect();
    let (ok, out) = tool("pdftotext", &a);
    assert!(ok, "pdftotext {}: {out}", pdf.display());
    out
}

fn pages(pdf: &Path) -> usize {
    let (_, info) = tool("pdfinfo", &[pdf.to_str().unwrap()]);
    info.lines().find_map(|l| l.strip_prefix("Pages:")).unwrap().trim().parse().unwrap()
}

fn sites() -> Vec<(&'static str, PathBuf)> {
    vec![("bromley", repo()), ("bromsgrove", fixture("bromsgrove")), ("haringey", fixture("haringey")), ("part2", fixture("part2"))]
}

#[test]
fn structure_tagging_fonts_and_metadata() {
    for (name, site) in sites() {
        let out = build(&site, &format!("tools-{name}"));
        for pdf in pdfs_under(&out, false) {
            let p = pdf.to_str().unwrap();
            let (ok, check) = tool("qpdf", &["--check", p]);
            assert!(ok && check.contains("No syntax or stream encoding errors"), "qpdf --check {p}:\n{check}");
            let (_, info) = tool("pdfinfo", &[p]);
            assert!(info.lines().any(|l| l.starts_with("Tagged:") && l.ends_with("yes")), "{p} is not tagged:\n{info}");
            assert!(info.contains("Page size:       595.276 x 841.89 pts (A4)"), "{p} is A4");
            let title = info.lines().find_map(|l| l.strip_prefix("Title:")).unwrap_or("").trim().to_string();
            assert!(!title.is_empty(), "{p} has a title");
            let author = info.lines().find_map(|l| l.strip_prefix("Author:")).unwrap_or("").trim().to_string();
            assert!(author.contains("Council") || author.contains("Borough"), "{p}: author is the council, not {author:?}");
            let (_, fonts) = tool("pdffonts", &[p]);
            let rows: Vec<&str> = fonts.lines().skip(2).filter(|l| !l.trim().is_empty() && !l.starts_with("Syntax")).collect();
            assert!(!rows.is_empty(), "{p} lists fonts");
            for row in rows {
                let cols: Vec<&str> = row.split_whitespace().collect();
                // name type encoding emb sub uni object-id gen: "emb" is the 4th from the end.
                assert_eq!(cols[cols.len() - 5], "yes", "{p}: font not embedded: {row}");
                assert!(cols[0].contains("Liberation"), "{p}: only the bundled fonts: {row}");
            }
        }
    }
}

#[test]
fn report_text_reads_in_order_with_paragraph_numbers() {
    let out = build(&repo(), "tools-order");
    let text = pdftotext(&out.join("improvement-and-efficiency/2012-04-18/04-shared-services-update.pdf"), None);
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let expected = [
        "1. Reason for report To inform Members",
        "2. RECOMMENDATION(S)",
        "3. COMMENTARY Background 3.1 Bexley and Bromley",
        "3.2 The Board",
        "Priority projects 3.5 The list of shared services",
        "3.6 It is proposed that Regulatory services",
        "3.16 The joint working group",
        "3.19 Members of the I&E Sub-Committee",
        "4. Policy Implications 4.1 The shared services workstream",
        "5. Financial Implications 5.1 None directly arising from this report.",
        "6. Legal Implications 6.1 Member decision making",
        "7. Personnel Implications 7.1 Shared services projects",
    ];
    let mut at = 0;
    for e in expected {
        let i = flat[at..].find(e).unwrap_or_else(|| panic!("{e:?} not found after byte {at} in:\n{flat}"));
        at += i + e.len();
    }
}

/// The agenda prints "Page N" for each item; page N must be where the item starts.
fn check_pack_page_numbers(pack: &Path, expect_items: &[&str]) {
    let front = pdftotext_with(pack, Some(1), true);
    let total = pages(pack);
    let mut found = 0;
    for item in expect_items {
        // In the laid-out text, "Page N" ends the agenda line of the item.
        let line = front.lines().find(|l| l.contains(item)).unwrap_or_else(|| panic!("agenda lists {item}:\n{front}"));
        let n: usize = line
            .split("Page ")
            .nth(1)
            .and_then(|s| s.split_whitespace().next())
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| panic!("page number for {item} in {line:?}"));
        assert!(n > 1 && n <= total);
        let page = pdftotext(pack, Some(n));
        let head: String = page.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(head.contains(&format!(": {item}")) || head.contains(item), "page {n} should start {item}:\n{head}");
        // And it is the first page of that item: the previous page is not.
        let prev = pdftotext(pack, Some(n - 1)).split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(!prev.contains(&format!("Item {}", item.split(':').next().unwrap())) || n == 2, "{item} starts on page {n}");
        found += 1;
    }
    assert_eq!(found, expect_items.len());
    // Continuous page numbering on every page.
    for p in [1, total] {
        assert!(pdftotext(pack, Some(p)).contains(&format!("Page {p} of {total}")), "footer on page {p}");
    }
}

#[test]
fn agenda_page_numbers_match_the_pages() {
    let out = build(&fixture("haringey"), "tools-pages-h");
    check_pack_page_numbers(&out.join("corporate-committee/2011-07-21/agenda-pack.pdf"), &["Shared Services Preferred Partnership"]);
    let out = build(&repo(), "tools-pages-b");
    check_pack_page_numbers(&out.join("improvement-and-efficiency/2012-04-18/agenda-pack.pdf"), &["Shared Services Update"]);
    let out = build(&fixture("part2"), "tools-pages-p");
    check_pack_page_numbers(&out.join("cabinet/2025-06-17/agenda-pack.pdf"), &["Leisure Centres Management Contract Award"]);
}

#[test]
fn bookmarks_nest_meeting_item_section() {
    let out = build(&repo(), "tools-outline");
    let (ok, json) = tool("qpdf", &["--json", "--json-key=outlines", out.join("improvement-and-efficiency/2012-04-18/agenda-pack.pdf").to_str().unwrap()]);
    assert!(ok);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let top = &v["outlines"][0];
    assert_eq!(top["title"], "Improvement and Efficiency Sub-Committee");
    let kids: Vec<&str> = top["kids"].as_array().unwrap().iter().map(|k| k["title"].as_str().unwrap()).collect();
    assert_eq!(kids, vec!["Membership", "Agenda", "Item 4: Shared Services Update"]);
    let item = &top["kids"][2];
    let sections: Vec<&str> = item["kids"].as_array().unwrap().iter().map(|k| k["title"].as_str().unwrap()).collect();
    assert_eq!(sections[0], "1. Reason for report");
    assert!(sections.contains(&"3. COMMENTARY"));
    let commentary = item["kids"].as_array().unwrap().iter().find(|k| k["title"] == "3. COMMENTARY").unwrap();
    let subs: Vec<&str> = commentary["kids"].as_array().unwrap().iter().map(|k| k["title"].as_str().unwrap()).collect();
    assert_eq!(subs, vec!["Background", "Priority projects", "Capacity for project delivery"]);
}

#[test]
fn public_pdfs_carry_no_exempt_text() {
    let dir = temp_dir("tools-part2");
    let (out, members) = (dir.join("output"), dir.join("members"));
    let res = agendum(&["build", "--site", fixture("part2").to_str().unwrap(), "--output", out.to_str().unwrap(), "--restricted", members.to_str().unwrap()]);
    assert!(res.status.success());
    let mut public_text = String::new();
    for pdf in pdfs_under(&out, false) {
        public_text.push_str(&pdftotext(&pdf, None));
    }
    // pdftotext joins words hyphenated across lines ("EXEMPT-" "MARKER" -> "EXEMPTMARKER"):
    // compare with hyphens removed on both sides.
    let squash = |s: &str| s.replace(['-', '\n', ' '], "");
    assert!(!squash(&public_text).contains("EXEMPTMARKER"), "exempt text in a public PDF");
    let pack = pdftotext(&out.join("cabinet/2025-06-17/agenda-pack.pdf"), None).split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(pack.contains("Leisure Centres Management Contract - Tender Evaluation"));
    assert!(pack.contains("Not for publication by virtue of paragraph 3 of Part 1 of Schedule 12A to the Local Government Act 1972."));
    assert!(pack.contains("Not for publication."));
    // The published PDF appendix's pages are in the item PDF (as vector pages) and the
    // original is published beside it.
    let item = pdftotext(&out.join("cabinet/2025-06-17/03-leisure-contract-award.pdf"), None);
    assert!(item.contains("Appendix A: Memorandum of Understanding"));
    assert!(pdftotext(&out.join("cabinet/2025-06-17/03-leisure-contract-award-appendix-a.pdf"), None).contains("Memorandum of Understanding"));
    // The members' pack has everything.
    let full = pdftotext(&members.join("cabinet/2025-06-17/agenda-pack.pdf"), None);
    for marker in ["EXEMPT-MARKER-SUMMARY-TEXT", "EXEMPT-MARKER-COMMENTARY", "EXEMPT-MARKER-RECOMMENDATION"] {
        assert!(squash(&full).contains(&squash(marker)), "members' pack has {marker}");
    }
}

/// The Part 2 property again, on the text a reader gets: generated sites built with their
/// PDFs and a members' folder. No marker in the text of any public PDF; the text markers
/// all in the members' PDFs.
#[test]
fn generated_sites_keep_part2_out_of_public_pdf_text() {
    use common::sitegen::*;
    use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
    let cases: u32 = std::env::var("AGENDUM_PDF_PROPTEST_CASES").ok().and_then(|s| s.parse().ok()).unwrap_or(12);
    let root = temp_dir("pdf-property").join("site");
    let mut runner =
        TestRunner::new_with_rng(Config { cases, failure_persistence: None, ..Config::default() }, TestRng::deterministic_rng(RngAlgorithm::ChaCha));
    // Normalised text: no spaces, line breaks or hyphens (a marker may be broken across lines).
    let norm = |s: &str| s.chars().filter(|c| !c.is_whitespace() && *c != '-' && *c != '\u{ad}').collect::<String>().to_lowercase();
    let result = runner.run(&site(), |mut s| {
        for r in s.meetings.iter_mut().flat_map(|m| m.reports.iter_mut()) {
            r.fault = Fault::None;
        }
        let mut w = Writer { markers: Vec::new() };
        w.write(&root, &s);
        let base = root.parent().unwrap();
        let (out, members) = (base.join("out"), base.join("members"));
        let _ = std::fs::remove_dir_all(&out);
        let _ = std::fs::remove_dir_all(&members);
        let res = agendum(&["build", "--site", root.to_str().unwrap(), "--output", out.to_str().unwrap(), "--restricted", members.to_str().unwrap()]);
        proptest::prop_assert!(res.status.success(), "{}", String::from_utf8_lossy(&res.stderr));
        let text_of = |dir: &Path| -> String {
            files_under(dir).iter().filter(|p| p.extension().is_some_and(|e| e == "pdf")).map(|p| norm(&pdftotext(p, None))).collect::<Vec<_>>().join("\n")
        };
        let public = text_of(&out);
        for m in &w.markers {
            proptest::prop_assert!(!public.contains(m.as_str()), "marker {m} in the text of a public PDF");
        }
        let private = text_of(&members);
        for m in w.markers.iter().filter(|m| ["summary", "para", "apptext", "cell", "rec"].iter().any(|k| m.starts_with(&format!("zqx{k}")))) {
            proptest::prop_assert!(private.contains(m.as_str()), "marker {m} missing from the members' PDFs");
        }
        Ok(())
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}
