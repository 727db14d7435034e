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
            // pdfinfo has nothing to complain of (a pack frozen by an earlier agendum is
            // published as it was).
            let frozen = site.join("frozen").join(pdf.strip_prefix(&out).unwrap());
            if !frozen.exists() {
                let stderr = Command::new("pdfinfo").arg(p).output().unwrap().stderr;
                assert!(stderr.is_empty(), "pdfinfo {p}: {}", String::from_utf8_lossy(&stderr));
            }
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
/// `frozen`: a pack published before packs were composed from their items (the example
/// site's record), numbered "Page N of M" by Typst.
fn check_pack_page_numbers(pack: &Path, expect_items: &[&str], frozen: bool) {
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
    // The pack's own page numbers on every page, composed over the items' pages.
    for p in 1..=total {
        let number = if frozen { format!("Page {p} of {total}") } else { format!("Pack page {p} of {total}") };
        assert!(pdftotext(pack, Some(p)).contains(&number), "{}: {number:?} on page {p}", pack.display());
    }
}

#[test]
fn agenda_page_numbers_match_the_pages() {
    let out = build(&fixture("haringey"), "tools-pages-h");
    check_pack_page_numbers(&out.join("corporate-committee/2011-07-21/agenda-pack.pdf"), &["Shared Services Preferred Partnership"], false);
    let out = build(&repo(), "tools-pages-b");
    check_pack_page_numbers(&out.join("improvement-and-efficiency/2012-04-18/agenda-pack.pdf"), &["Shared Services Update"], true);
    let out = build(&fixture("part2"), "tools-pages-p");
    check_pack_page_numbers(&out.join("cabinet/2025-06-17/agenda-pack.pdf"), &["Leisure Centres Management Contract Award"], false);
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
    // Said once for the item, not again after the statement.
    let agenda = pack.split("Page 1 of").next().unwrap_or_default();
    assert_eq!(agenda.matches("Not for publication").count(), 1, "{agenda}");
    // The published PDF appendix's pages are in the item PDF (as vector pages) and the
    // original is published beside it.
    let item = pdftotext(&out.join("cabinet/2025-06-17/03-leisure-contract-award.pdf"), None);
    assert!(item.contains("Appendix A: Memorandum of Understanding"));
    // The appendix's own words follow its pictures, read from the original.
    let flat = item.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains("Text of Appendix A, read from the original") && flat.contains("sports development and the shared booking system"), "{flat}");
    // Footnotes are printed, not only linked.
    assert!(
        item.split_whitespace().collect::<Vec<_>>().join(" ").contains("Medium-term financial strategy 2025-2029, approved by Council on 26 February 2025."),
        "{item}"
    );
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

/// A word as `pdftotext -bbox` places it: its box in points from the top left.
#[derive(Debug, Clone)]
struct Word {
    x0: f64,
    y0: f64,
    x1: f64,
    y1: f64,
    text: String,
}

/// Pages of word boxes, with each page's width and height.
fn word_boxes(pdf: &Path) -> Vec<(f64, f64, Vec<Word>)> {
    let (ok, out) = tool("pdftotext", &["-bbox", &pdf.to_string_lossy(), "-"]);
    assert!(ok, "pdftotext -bbox failed on {}: {out}", pdf.display());
    let attr = |tag: &str, name: &str| -> f64 {
        let key = format!("{name}=\"");
        tag.split(&key).nth(1).and_then(|s| s.split('"').next()).and_then(|v| v.parse().ok()).unwrap_or(f64::NAN)
    };
    let mut pages = Vec::new();
    for page in out.split("<page ").skip(1) {
        let head = &page[..page.find('>').unwrap_or(0)];
        let (w, h) = (attr(head, "width"), attr(head, "height"));
        let mut words = Vec::new();
        for chunk in page.split("<word ").skip(1) {
            let tag = &chunk[..chunk.find('>').unwrap_or(0)];
            let text = chunk[chunk.find('>').map(|i| i + 1).unwrap_or(0)..].split("</word>").next().unwrap_or("").to_string();
            words.push(Word { x0: attr(tag, "xMin"), y0: attr(tag, "yMin"), x1: attr(tag, "xMax"), y1: attr(tag, "yMax"), text });
        }
        pages.push((w, h, words));
    }
    pages
}

/// The page's text area: A4 with agendum's 2.2 cm side margins (lib.typ `setup`).
const SIDE_MARGIN: f64 = 2.2 / 2.54 * 72.0;

/// Words that print over other words, and words outside the text area, in one PDF.
fn overprint(pdf: &Path) -> Vec<String> {
    page_problems(&pdf.display().to_string(), word_boxes(pdf))
}

fn page_problems(name: &str, pages: Vec<(f64, f64, Vec<Word>)>) -> Vec<String> {
    let tol = 0.5;
    let mut found = Vec::new();
    for (n, (width, height, mut words)) in pages.into_iter().enumerate() {
        words.sort_by(|a, b| a.y0.total_cmp(&b.y0));
        for (i, a) in words.iter().enumerate() {
            if a.x0 < SIDE_MARGIN - 1.0 || a.x1 > width - SIDE_MARGIN + 1.0 || a.y0 < 0.0 || a.y1 > height {
                found.push(format!("{name}: page {}: '{}' lies outside the text area (x {:.1}-{:.1} of {width:.1})", n + 1, a.text, a.x0, a.x1));
            }
            for b in &words[i + 1..] {
                if b.y0 >= a.y1 - tol {
                    break;
                }
                let ox = a.x1.min(b.x1) - a.x0.max(b.x0);
                let oy = a.y1.min(b.y1) - a.y0.max(b.y0);
                if ox > tol && oy > tol {
                    found.push(format!("{name}: page {}: '{}' overprints '{}'", n + 1, a.text, b.text));
                }
            }
        }
    }
    found
}

#[test]
fn overprint_checker_finds_overlapping_and_outlying_words() {
    let w = |x0: f64, y0: f64, x1: f64, y1: f64, t: &str| Word { x0, y0, x1, y1, text: t.into() };
    let clean = vec![(
        595.0,
        842.0,
        vec![w(70.0, 100.0, 120.0, 112.0, "Economic"), w(125.0, 100.0, 200.0, 112.0, "Development"), w(70.0, 114.0, 120.0, 126.0, "Scope")],
    )];
    assert!(page_problems("clean", clean).is_empty());
    let overlapping = vec![(595.0, 842.0, vec![w(70.0, 100.0, 160.0, 112.0, "Development"), w(150.0, 101.0, 200.0, 113.0, "Scope")])];
    assert_eq!(page_problems("overlap", overlapping).len(), 1);
    let outside = vec![(595.0, 842.0, vec![w(70.0, 100.0, 590.0, 112.0, "0123456789abcdef0123456789abcdef")])];
    assert_eq!(page_problems("outside", outside).len(), 1);
}

/// Every PDF of the example and the fixtures: no word prints over another or outside the
/// text area.
#[test]
fn no_word_prints_over_another_or_off_the_text_area() {
    let mut problems = Vec::new();
    let mut pdfs = 0;
    for (name, site) in sites() {
        let out = build(&site, &format!("overprint-{name}"));
        for pdf in files_under(&out).into_iter().filter(|p| p.extension().is_some_and(|e| e == "pdf")) {
            pdfs += 1;
            problems.extend(overprint(&pdf));
        }
    }
    assert!(pdfs >= 8, "{pdfs} PDFs checked");
    assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
}

/// A stress corpus of tables a council might paste in: many columns, long words, long
/// tokens, lists in cells, wide numbers, empty cells, Markdown and YAML tables alike.
/// Nothing may print over anything else or off the page.
#[test]
fn stress_tables_never_overprint() {
    struct Rng(u64);
    impl Rng {
        fn below(&mut self, n: usize) -> usize {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            (self.0 % n.max(1) as u64) as usize
        }
    }
    let mut rng = Rng(0x7ab1e5);
    const WORDS: &[&str] = &[
        "council",
        "the",
        "Economic",
        "Development",
        "Responsibilities",
        "Implementation",
        "co-operation",
        "Stakeholders",
        "environmental",
        "A",
        "of",
        "and",
        "interdepartmental",
        "Accountability",
        "£1,250,000",
        "TBA",
        "n/a",
        "Haringey/Waltham",
        "Forest",
        "2011/12",
        "ward",
        "Llanfairpwllgwyngyll",
        "Überprüfung",
        "Zażółć",
        "approximately",
        "e-mail",
    ];
    let token = |rng: &mut Rng| -> String {
        match rng.below(4) {
            0 => (0..64 + rng.below(64)).map(|i| b"0123456789abcdef"[(i * 7 + rng.below(16)) % 16] as char).collect(),
            1 => format!("https://www.example.gov.uk/{}", "democracy/documents/s12345/".repeat(1 + rng.below(4))),
            2 => "//fileserver/share/committee/papers/2011/07/appendix-b-final-version-2-agreed.docx".to_string(),
            _ => "Supercalifragilisticexpialidocious-and-then-some-more-hyphenated-words".to_string(),
        }
    };
    let words = |rng: &mut Rng, n: usize| -> String {
        (0..n).map(|_| if rng.below(40) == 0 { token(rng) } else { WORDS[rng.below(WORDS.len())].to_string() }).collect::<Vec<_>>().join(" ")
    };
    let dir = temp_dir("stress-tables").join("site");
    let meeting = dir.join("content/meetings/2030-05-01-planning");
    std::fs::create_dir_all(&meeting).unwrap();
    std::fs::create_dir_all(dir.join("content/committees")).unwrap();
    std::fs::write(dir.join("agendum.yaml"), "council: Stress Borough Council\ntheme: default\n").unwrap();
    std::fs::write(dir.join("content/committees/planning.yaml"), "name: Planning Committee\nkind: regulatory\nmembers:\n  - name: Councillor A. Chair\n")
        .unwrap();
    let mut items = String::new();
    for r in 1..=6 {
        let mut body = String::from("## Summary\n\nTables of every shape.\n\n## Background and commentary\n\n");
        let mut tables = String::new();
        for t in 0..4 {
            let ncols = 1 + rng.below(if t == 3 { 12 } else { 6 });
            // A Markdown table.
            let head: Vec<String> = (0..ncols)
                .map(|_| {
                    let n = 1 + rng.below(3);
                    words(&mut rng, n)
                })
                .collect();
            body.push_str(&format!("| {} |\n|{}|\n", head.join(" | "), vec!["---"; ncols].join("|")));
            for _ in 0..1 + rng.below(5) {
                let cells: Vec<String> = (0..ncols)
                    .map(|_| match rng.below(6) {
                        0 => String::new(),
                        1 => format!("{}", rng.below(1_000_000_000)),
                        _ => {
                            let n = 1 + rng.below(25);
                            words(&mut rng, n)
                        }
                    })
                    .collect();
                body.push_str(&format!("| {} |\n", cells.join(" | ")));
            }
            body.push('\n');
            // A YAML table, with money and lists in cells.
            let key = format!("t{t}");
            let cols: Vec<(String, bool)> = (0..ncols).map(|c| (format!("c{c}"), c > 0 && rng.below(3) == 0)).collect();
            tables.push_str(&format!("  {key}:\n    caption: {}\n    columns:\n", words(&mut rng, 4)));
            for (c, money) in &cols {
                tables.push_str(&format!(
                    "      - {{ key: {c}, heading: \"{}\"{} }}\n",
                    {
                        let n = 1 + rng.below(4);
                        words(&mut rng, n)
                    },
                    if *money { ", format: money" } else { "" }
                ));
            }
            tables.push_str("    rows:\n");
            for _ in 0..1 + rng.below(6) {
                tables.push_str("      - ");
                let cells: Vec<String> = cols
                    .iter()
                    .map(|(c, money)| {
                        if *money {
                            format!("{c}: {}", rng.below(2_000_000_000))
                        } else if rng.below(4) == 0 {
                            format!("{c}: \"- {}\\n- {}\"", words(&mut rng, 3), words(&mut rng, 6))
                        } else {
                            format!("{c}: \"{}\"", {
                                let n = 1 + rng.below(30);
                                words(&mut rng, n)
                            })
                        }
                    })
                    .collect();
                tables.push_str(&format!("{{ {} }}\n", cells.join(", ")));
            }
            body.push_str(&format!("[[table {key}]]\n\n"));
        }
        body.push_str(&format!("A long token in running text: {}\n", token(&mut rng)));
        let front = format!(
            "---\ntitle: Stress report {r}\nreport_of: Director\ncontact_officer:\n  name: A. Officer\n  email: a@example.gov.uk\nwards: all\ndecision:\n  key: false\npurpose: information\nbackground_papers: none\nrecommendations:\n  - That the committee notes the tables.\ntables:\n{tables}---\n\n"
        );
        std::fs::write(meeting.join(format!("{r:02}-stress-{r}.md")), front + &body).unwrap();
        items.push_str(&format!("  - report: stress-{r}\n"));
    }
    std::fs::write(
        meeting.join("meeting.yaml"),
        format!("committee: planning\ndate: 2030-05-01\ntime: \"18:00\"\nvenue: Town Hall\npublished: 2030-04-20\nitems:\n{items}"),
    )
    .unwrap();
    let out = build(&dir, "stress-tables-out");
    let mut problems = Vec::new();
    let mut pdfs = 0;
    for pdf in files_under(&out).into_iter().filter(|p| p.extension().is_some_and(|e| e == "pdf")) {
        pdfs += 1;
        problems.extend(overprint(&pdf));
    }
    assert_eq!(pdfs, 7);
    assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.iter().take(40).cloned().collect::<Vec<_>>().join("\n"));
}

/// A paragraph in Arabic script reads right to left: it sets from the right edge of the
/// text area, where the eye starts, while an English one sets from the left.
#[test]
fn a_right_to_left_paragraph_sets_from_the_right() {
    let dir = temp_dir("rtl");
    let site = dir.join("site");
    copy_dir(&fixture("part2"), &site);
    let report = site.join("content/meetings/2025-06-17-cabinet/03-leisure-contract-award.md");
    let text = read(&report).replace("## Financial implications", "ملخص التقرير باللغة العربية للمقيمين\n\n## Financial implications");
    std::fs::write(&report, text).unwrap();
    let out = dir.join("out");
    let res = agendum(&["build", "--site", site.to_str().unwrap(), "--output", out.to_str().unwrap()]);
    assert!(res.status.success(), "{}", String::from_utf8_lossy(&res.stderr));
    let pages = word_boxes(&out.join("cabinet/2025-06-17/03-leisure-contract-award.pdf"));
    let arabic = |w: &Word| w.text.chars().any(|c| ('\u{0600}'..='\u{06FF}').contains(&c));
    let (width, _, words) = pages.iter().find(|(_, _, w)| w.iter().any(arabic)).expect("the Arabic paragraph is in the PDF");
    let line: Vec<&Word> = words.iter().filter(|w| arabic(w)).collect();
    let right = line.iter().map(|w| w.x1).fold(0.0, f64::max);
    assert!(right > width - SIDE_MARGIN - 3.0, "the Arabic line ends at {right:.1}, not at the right edge {:.1}", width - SIDE_MARGIN);
}
