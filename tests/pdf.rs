//! PDF output checked in-process: PDF/A-2b and PDF/UA-1 conformance (page_validation),
//! item PDFs and packs where expected, Part 2 kept out of public packs, fixed metadata.
//! Checks that need poppler and qpdf are in `tests/pdf_tools.rs` (run by .ci/run).

mod common;
use common::*;
use page_validation::{validate_pdf_bytes, ValidationOptions, ValidationProfile};
use std::path::{Path, PathBuf};

/// ISO 19005-2 6.1.7.1: each stream's /Length is the number of bytes between the EOL
/// after `stream` and the EOL before `endstream`. page_validation misreads the case where
/// compressed data happens to end in a CR byte followed by the LF EOL (it takes CR LF as
/// the EOL and counts one byte short), so the rule is checked here exactly instead.
fn stream_lengths_exact(d: &[u8]) -> Result<usize, String> {
    let mut checked = 0;
    let mut from = 0;
    // Every `>>` immediately followed by `stream` and an EOL starts a stream's data.
    while let Some(s) = find(d, b">>\nstream", from).into_iter().chain(find(d, b">>stream", from)).min() {
        let kw = s + if d[s + 2] == b'\n' { 3 } else { 2 };
        from = kw + 6;
        let mut p = kw + 6;
        p += if d[p..].starts_with(b"\r\n") { 2 } else { 1 };
        // The stream's dictionary runs back to its `obj` keyword.
        let dict_start = d[..s].windows(3).rposition(|w| w == b"obj").ok_or("stream without obj")?;
        let dict = String::from_utf8_lossy(&d[dict_start..s]);
        let Some(at) = dict.find("/Length ") else { return Err(format!("stream at byte {kw} has no /Length")) };
        let rest = &dict[at + 8..];
        let digits: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
        if rest[digits.len()..].trim_start().starts_with(|c: char| c.is_ascii_digit()) {
            continue; // an indirect /Length (n 0 R): not used by Typst
        }
        let len: usize = digits.parse().map_err(|_| format!("stream at byte {kw}: unreadable /Length"))?;
        let after = &d[(p + len).min(d.len())..];
        if !(after.starts_with(b"\nendstream") || after.starts_with(b"\r\nendstream") || after.starts_with(b"\rendstream")) {
            return Err(format!("stream at byte {kw}: /Length {len} does not end at an EOL before endstream"));
        }
        checked += 1;
    }
    Ok(checked)
}

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    hay.get(from..)?.windows(needle.len()).position(|w| w == needle).map(|i| i + from)
}

fn assert_conforms(pdf: &Path) {
    let bytes = std::fs::read(pdf).unwrap();
    let streams = stream_lengths_exact(&bytes).unwrap_or_else(|e| panic!("{}: {e}", pdf.display()));
    // Even a one-page agenda has its fonts, colour profile, metadata and page contents.
    assert!(streams > 5, "{}: only {streams} streams checked", pdf.display());
    for profile in [ValidationProfile::PdfA2b, ValidationProfile::PdfUa1] {
        let report = validate_pdf_bytes(&bytes, &ValidationOptions::default().profile(profile)).unwrap_or_else(|e| panic!("{}: {e:?}", pdf.display()));
        let failures: Vec<String> = report
            .failures
            .iter()
            .filter(|f| f.rule_id != "ISO 19005-2:2011:6.1.7.1:1") // verified exactly above
            .map(|f| format!("{}: {}", f.rule_id, f.message))
            .collect();
        assert!(failures.is_empty(), "{} is not {profile:?}:\n{}", pdf.display(), failures.join("\n"));
        assert!(report.rules.total > 0, "the validator checked rules");
    }
}

fn build_with_restricted(site: &Path, name: &str) -> (PathBuf, PathBuf) {
    let dir = temp_dir(name);
    let (out, restricted) = (dir.join("output"), dir.join("members"));
    let res = agendum(&["build", "--site", site.to_str().unwrap(), "--output", out.to_str().unwrap(), "--restricted", restricted.to_str().unwrap()]);
    assert!(res.status.success(), "{}", String::from_utf8_lossy(&res.stderr));
    (out, restricted)
}

#[test]
fn every_pdf_of_every_site_is_pdfa_2b_and_pdfua_1() {
    let mut checked = 0;
    for (name, site) in [
        ("bromley", repo()),
        ("bromsgrove", fixture("bromsgrove")),
        ("haringey", fixture("haringey")),
        ("highland", fixture("highland")),
        ("vale", fixture("vale")),
        ("joint", fixture("joint")),
        ("parish", fixture("parish")),
    ] {
        let out = build(&site, &format!("conform-{name}"));
        // What agendum made (a clerk's own PDF document is published as it came).
        let made = |p: &PathBuf| std::fs::read(p).unwrap().windows(9).any(|w| w == b"(agendum ");
        let pdfs: Vec<PathBuf> = pdfs_under(&out, false).into_iter().filter(made).collect();
        // The example site has its meeting's minutes too.
        // The example site has two meetings (item PDF and pack each), the first's minutes
        // and two decision notices; the parish council has four agendas (procedural
        // items only) and two meetings' minutes.
        let expected = match name {
            "bromley" => 7,
            "parish" => 6,
            _ => 2,
        };
        assert_eq!(pdfs.len(), expected, "{name}: its item PDFs, packs and minutes: {pdfs:?}");
        for p in &pdfs {
            assert_conforms(p);
            checked += 1;
        }
    }
    let (out, restricted) = build_with_restricted(&fixture("part2"), "conform-part2");
    for p in pdfs_under(&out, false).iter().chain(pdfs_under(&restricted, false).iter()) {
        assert_conforms(p);
        checked += 1;
    }
    assert!(checked >= 9);
}

#[test]
fn part_two_stays_out_of_the_public_output() {
    let (out, restricted) = build_with_restricted(&fixture("part2"), "part2");
    let base = "cabinet/2025-06-17";
    // Public: the pack, the Part 1 item PDF and the published PDF appendix; no exempt item.
    let public: Vec<String> =
        pdfs_under(&out, true).iter().map(|p| p.strip_prefix(&out).unwrap().to_string_lossy().into_owned()).filter(|p| !p.starts_with("decisions/")).collect();
    assert_eq!(
        public,
        vec![format!("{base}/03-leisure-contract-award-appendix-a.pdf"), format!("{base}/03-leisure-contract-award.pdf"), format!("{base}/agenda-pack.pdf"),]
    );
    // The decision notices: all three in public (the exempt one withheld), and the exempt
    // one's full notice for members only.
    for d in ["cab-2025-014", "cab-2025-015", "od-2025-031"] {
        assert!(out.join(format!("decisions/{d}.pdf")).is_file(), "public notice {d}");
    }
    let members_notices: Vec<PathBuf> = pdfs_under(&restricted.join("decisions"), true);
    assert_eq!(members_notices, vec![restricted.join("decisions/cab-2025-015.pdf")]);
    assert!(!out.join(format!("{base}/05-leisure-tender-evaluation.html")).exists());
    // Members' folder: the exempt report, the full version of the report with the
    // exempt appendix, and the full pack.
    for f in ["05-leisure-tender-evaluation.pdf", "03-leisure-contract-award.pdf", "agenda-pack.pdf"] {
        assert!(restricted.join(base).join(f).is_file(), "restricted {f}");
    }
    // The full pack is longer than the public one (it has the exempt report).
    let pages = |p: &Path| hayro_pages(&std::fs::read(p).unwrap());
    assert!(pages(&restricted.join(base).join("agenda-pack.pdf")) > pages(&out.join(base).join("agenda-pack.pdf")));
    // No public HTML carries exempt text; the meeting page lists the item with its
    // Schedule 12A paragraph.
    for html in ["index.html", &format!("{base}/index.html"), &format!("{base}/03-leisure-contract-award.html")] {
        let page = read(&out.join(html));
        assert!(!page.contains("EXEMPT-MARKER"), "{html} leaks exempt text");
    }
    let meeting = text(&read(&out.join(format!("{base}/index.html"))));
    assert!(meeting.contains("Leisure Centres Management Contract - Tender Evaluation"));
    assert!(meeting.contains("Not for publication by virtue of paragraph 3 of Part 1 of Schedule 12A to the Local Government Act 1972"));
    // The council's logo, with its alt text, heads every page.
    assert!(read(&out.join("index.html")).contains("<img class=\"logo\" src=\"static/logo.svg\" alt=\"Example Borough Council logo\">"));
    assert!(out.join("static/logo.svg").is_file());
    // A chart in the report is published beside it and shown with its alt text.
    let page = read(&out.join(format!("{base}/03-leisure-contract-award.html")));
    // Its name carries a hash of its bytes, so no other picture can take its place.
    let src = page.split("<img src=\"").nth(1).and_then(|s| s.split('"').next()).unwrap_or_default().to_string();
    assert!(src.starts_with("03-leisure-contract-award-visits-chart-") && src.ends_with(".svg"), "{src}");
    assert!(page.contains(&format!("<img src=\"{src}\" alt=\"Bar chart of visits to the three leisure centres")), "image with alt text");
    assert!(out.join(base).join(&src).is_file());
    // Figures take no paragraph number: 5.1, two figures, then 5.2 and 5.3.
    assert!(text(&page).contains("5.2 The negotiation position") && text(&page).contains("5.3 Running the centres in house"), "{}", text(&page));
    let report = text(&read(&out.join(format!("{base}/03-leisure-contract-award.html"))));
    assert!(report.contains("Appendix B: Tender prices and evaluation scores Not for publication"));
}

fn hayro_pages(bytes: &[u8]) -> usize {
    // Count /Type /Page objects without a PDF library: enough for our own output.
    let s = String::from_utf8_lossy(bytes);
    s.matches("/Type /Page\n").count() + s.matches("/Type/Page/").count() + s.matches("/Type /Page ").count() + s.matches("/Type/Page\n").count()
}

#[test]
fn restricted_folder_must_be_outside_the_public_output() {
    let dir = temp_dir("restricted-inside");
    let out = dir.join("output");
    let res = agendum(&[
        "build",
        "--site",
        fixture("part2").to_str().unwrap(),
        "--output",
        out.to_str().unwrap(),
        "--restricted",
        out.join("members").to_str().unwrap(),
    ]);
    assert_eq!(res.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&res.stderr).contains("overlap"));
    assert!(!out.exists(), "nothing written");
}

#[test]
fn pdf_metadata_is_fixed_from_the_content() {
    let out = build(&fixture("haringey"), "pdf-meta");
    let pack = std::fs::read(out.join("corporate-committee/2011-07-21/agenda-pack.pdf")).unwrap();
    let s = String::from_utf8_lossy(&pack);
    // Creation date is the agenda's publication date, not the clock.
    assert!(s.contains("2011-07-13"), "XMP dates come from published: 2011-07-13");
    assert!(!s.contains(&chrono::Utc::now().format("%Y-%m-%d").to_string()), "no build-time date");
    assert!(s.contains("en-GB") || s.contains("/Lang (en-GB)"), "document language");
    // Same input, same bytes (including with PDFs compiled in parallel).
    let again = build(&fixture("haringey"), "pdf-meta-2");
    assert_eq!(pack, std::fs::read(again.join("corporate-committee/2011-07-21/agenda-pack.pdf")).unwrap());
}

#[test]
fn source_date_epoch_sets_the_pdf_date() {
    let dir = temp_dir("sde");
    let out = dir.join("output");
    let res = std::process::Command::new(env!("CARGO_BIN_EXE_agendum"))
        .args(["build", "--site", fixture("bromsgrove").to_str().unwrap(), "--output", out.to_str().unwrap()])
        .env("SOURCE_DATE_EPOCH", "1700000000")
        .output()
        .unwrap();
    assert!(res.status.success());
    let pdf = std::fs::read(out.join("performance-management-board/2010-06-14/agenda-pack.pdf")).unwrap();
    assert!(String::from_utf8_lossy(&pdf).contains("2023-11-14"), "SOURCE_DATE_EPOCH 1700000000 is 14 November 2023");
}

/// Lists and quotes nest as deep as `check` allows and the PDF lays them out; one level
/// more is refused by `check` and `build` alike, with the line.
#[test]
fn nesting_limit_is_the_same_for_check_and_build() {
    let limit = agendum::markdown::MAX_NESTING;
    for (depth, ok) in [(limit, true), (limit + 1, false)] {
        let dir = temp_dir(&format!("nesting-{depth}"));
        let site = dir.join("site");
        copy_dir(&fixture("part2"), &site);
        let report = site.join("content/meetings/2025-06-17-cabinet/03-leisure-contract-award.md");
        let list: String = (0..depth).map(|i| format!("{}- level {}\n", "  ".repeat(i), i + 1)).collect();
        let quote: String = (1..=depth).map(|i| format!("{} quoted {i}\n", ">".repeat(i))).collect();
        let text = read(&report).replace("## Financial implications", &format!("{list}\n{quote}\n## Financial implications"));
        std::fs::write(&report, text).unwrap();
        let check = agendum(&["check", "--site", site.to_str().unwrap()]);
        let build = agendum(&["build", "--site", site.to_str().unwrap(), "--output", dir.join("out").to_str().unwrap()]);
        let (ce, be) = (String::from_utf8_lossy(&check.stderr).into_owned(), String::from_utf8_lossy(&build.stderr).into_owned());
        assert_eq!(build.status.success(), ok, "depth {depth}: {be}");
        assert!(ce.contains("nest more than") != ok && be.contains("nest more than") != ok, "depth {depth}:\n{ce}\n{be}");
        if !ok {
            assert!(be.contains("03-leisure-contract-award.md:"), "{be}");
        }
    }
}

/// Summaries in the UK's community languages print; a character no font has is reported
/// by `check` and `build` alike, at its line and column, instead of failing in Typst.
#[test]
fn every_script_prints_and_the_unprintable_is_located() {
    let dir = temp_dir("scripts");
    let site = dir.join("site");
    copy_dir(&fixture("part2"), &site);
    let report = site.join("content/meetings/2025-06-17-cabinet/03-leisure-contract-award.md");
    let summaries = "Polski: zażółć gęślą jaźń. Română: știință. Cymraeg: Llanfairpwllgwyngyll ŵŷ. Ελληνικά. Русский. \
ਪੰਜਾਬੀ ਸਾਰ. اردو خلاصہ. العربية ملخص. বাংলা সারাংশ. ગુજરાતી સારાંશ. हिन्दी सारांश. 中文摘要，繁體中文摘要。 ትግርኛ. ₹100 €5 ✓ ★ 📜 😀";
    let text = read(&report).replace("## Financial implications", &format!("{summaries}\n\n## Financial implications"));
    std::fs::write(&report, &text).unwrap();
    let out = dir.join("out");
    let res = agendum(&["build", "--site", site.to_str().unwrap(), "--output", out.to_str().unwrap()]);
    assert!(res.status.success(), "{}", String::from_utf8_lossy(&res.stderr));
    assert_conforms(&out.join("cabinet/2025-06-17/03-leisure-contract-award.pdf"));
    // One character no font has (Linear B): both commands name the file, line and column.
    let line = text.lines().position(|l| l.starts_with("Polski:")).unwrap() + 1;
    std::fs::write(&report, text.replace("Polski:", "Polski 𐀀:")).unwrap();
    check_and_build_refuse(&site, &["--output", dir.join("out2").to_str().unwrap()], &[&format!("03-leisure-contract-award.md:{line}:8"), "U+10000"]);
}

#[test]
fn an_authors_pdf_gives_up_its_text() {
    let bytes = std::fs::read(fixture("part2").join("content/meetings/2025-06-17-cabinet/leisure/appendix-a-signed-mou.pdf")).unwrap();
    let pages = agendum::pdf::text::page_texts(&bytes).unwrap();
    assert!(!pages.is_empty());
    let all = pages.join("\n");
    assert!(all.contains("Memorandum of Understanding"), "{all}");
}

/// A theme's PDF style states only what it changes; a misspelt key is an error at the
/// theme's own file and line, from `check` and `build` alike.
#[test]
fn a_theme_states_only_the_pdf_keys_it_changes() {
    let dir = temp_dir("theme-keys");
    let site = dir.join("site");
    copy_dir(&fixture("part2"), &site);
    std::fs::create_dir_all(site.join("themes/civic/pdf")).unwrap();
    std::fs::write(site.join("themes/civic/theme.yaml"), std::fs::read(repo().join("themes/default/theme.yaml")).unwrap()).unwrap();
    std::fs::write(site.join("themes/civic/pdf/theme.typ"), "// Civic: black rules only.\n#let theme = (\n  rule-colour: black,\n)\n").unwrap();
    let cfg = read(&site.join("agendum.yaml")).replace("theme: default", "theme: civic");
    std::fs::write(site.join("agendum.yaml"), cfg).unwrap();
    let res = agendum(&["build", "--site", site.to_str().unwrap(), "--output", dir.join("out").to_str().unwrap()]);
    assert!(res.status.success(), "{}", String::from_utf8_lossy(&res.stderr));
    assert_conforms(&dir.join("out/cabinet/2025-06-17/agenda-pack.pdf"));
    std::fs::write(site.join("themes/civic/pdf/theme.typ"), "#let theme = (\n  rule-colour: black,\n  heading-sise: 12pt,\n)\n").unwrap();
    check_and_build_refuse(
        &site,
        &["--output", dir.join("out2").to_str().unwrap()],
        &["themes/civic/pdf/theme.typ:3:3", "`heading-sise` is not a PDF theme key", "heading-size"],
    );
}
