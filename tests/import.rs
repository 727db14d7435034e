//! `agendum import`: Word reports in each seed council's template become reports that
//! build with the template's sections and numbers; the round trip from a fixture report
//! gives back its text and paragraph numbers; what the import must not take is refused
//! with its place, and nothing is written; an exempt marking is never dropped. The Word
//! files are made by tests/fixtures/docx/make.sh.

mod common;
use common::*;
use std::path::{Path, PathBuf};

fn docx(name: &str) -> PathBuf {
    fixture("docx").join(name)
}

/// A new site on `theme` with one meeting whose agenda is not yet out.
fn site(theme: &str, name: &str) -> PathBuf {
    let root = temp_dir(name).join("site");
    let meeting = root.join("content/meetings/2030-01-15-board");
    std::fs::create_dir_all(&meeting).unwrap();
    std::fs::create_dir_all(root.join("content/committees")).unwrap();
    std::fs::write(root.join("agendum.yaml"), format!("council: Test Council\ntheme: {theme}\n")).unwrap();
    std::fs::write(root.join("content/committees/board.yaml"), "name: Board\nkind: non-executive\n").unwrap();
    std::fs::write(
        meeting.join("meeting.yaml"),
        "committee: board\ndate: \"2030-01-15\"\npublished: \"2030-01-07\"\nitems:\n  - procedural: apologies\n  - procedural: declarations\n  # the last item\n  - procedural: minutes\n",
    )
    .unwrap();
    root
}

fn import(site: &Path, file: &str, extra: &[&str]) -> std::process::Output {
    let path = docx(file);
    let mut args = vec!["import", "--site", site.to_str().unwrap(), path.to_str().unwrap(), "--meeting", "2030-01-15-board"];
    args.extend_from_slice(extra);
    agendum(&args)
}

fn meeting_files(site: &Path) -> Vec<PathBuf> {
    files_under(&site.join("content/meetings/2030-01-15-board"))
}

/// The one report page of the built site.
fn report_page(out: &Path) -> String {
    let page = files_under(out)
        .into_iter()
        .find(|p| p.to_string_lossy().contains("/board/2030-01-15/") && p.file_name().is_some_and(|n| n.to_string_lossy().starts_with("04-")))
        .expect("the imported report's page");
    read(&page)
}

#[test]
fn each_seed_councils_template_imports_to_a_report_that_builds_with_its_sections_and_numbers() {
    // (theme, document, section headings as printed, paragraph numbers that must be there)
    let cases: [(&str, &str, &[&str], &[&str]); 3] = [
        (
            "bromley",
            "bromley.docx",
            &["1. Reason for report", "2. RECOMMENDATION(S)", "Corporate Policy", "Financial", "3. COMMENTARY", "5. Financial Implications"],
            &["3.1", "3.4"],
        ),
        (
            "bromsgrove",
            "bromsgrove.docx",
            &["1. SUMMARY", "2. RECOMMENDATION", "3. BACKGROUND", "12. OTHER IMPLICATIONS", "14. WARDS AFFECTED"],
            &["1.1", "3.3", "11.1"],
        ),
        (
            "haringey",
            "haringey.docx",
            &["1. Purpose of the report (That is, the decision required)", "4. Recommendations", "7. Summary"],
            &["1.1.", "7.1", "7.1.2.", "7.2.1."],
        ),
    ];
    for (theme, file, headings, numbers_wanted) in cases {
        let root = site(theme, &format!("seed-{theme}"));
        let res = import(&root, file, &[]);
        assert!(res.status.success(), "{theme}: {}", stderr(&res));
        // The documents are dated in 2010-2012, the test meeting in 2030: the clerk is told.
        assert!(
            stderr(&res).contains("note: the document is dated") && stderr(&res).contains("the meeting is on 15 January 2030"),
            "{theme}: {}",
            stderr(&res)
        );
        let meeting = read(&root.join("content/meetings/2030-01-15-board/meeting.yaml"));
        assert!(meeting.contains("# the last item\n  - procedural: minutes\n  - report: "), "{theme}: added last, comments kept:\n{meeting}");
        let report = meeting_files(&root).into_iter().find(|p| p.file_name().unwrap().to_string_lossy().starts_with("04-")).expect("report file");
        let source = read(&report);
        // Typed numbers are gone: agendum numbers (never both).
        assert!(!source.contains("\n3.1 ") && !source.contains("\n1.1. "), "{theme}: typed numbers left in:\n{source}");
        let out = build(&root, &format!("seed-{theme}-out"));
        let page = report_page(&out);
        let h2 = h2s(&page);
        for h in headings {
            assert!(h2.iter().any(|x| x == h), "{theme}: no heading {h:?} in {h2:?}");
        }
        let nums = numbers(&page);
        for n in numbers_wanted {
            assert!(nums.iter().any(|x| x == n), "{theme}: no number {n} in {nums:?}");
        }
        // Each paragraph number appears once: Word's and agendum's never both.
        let t = text(&page);
        assert!(!t.contains("3.1 3.1") && !t.contains("1.1. 1.1."), "{theme}: a number printed twice");
    }
    // The header table and the template's blocks reach the front matter.
    let root = site("bromley", "seed-bromley-front");
    assert!(import(&root, "bromley.docx", &[]).status.success());
    let src = read(&root.join("content/meetings/2030-01-15-board/04-shared-services-update.md"));
    for want in [
        "name: \"Harriet Martyn\"",
        "phone: \"020 8313 4439\"",
        "email: \"harriet.martyn@bromley.gov.uk\"",
        "decision:\n  executive: false\n  key: false\n  urgent: false",
        "policy_status: \"Existing policy.\"",
        "total_budget: \"£328k\"",
        "asked: \"N/A.\"",
        "wards: \"Borough-wide\"",
        "chief_officer: \"Doug Patterson, Chief Executive\"",
        "### Priority projects",
        "**Regulatory services**",
    ] {
        assert!(src.contains(want), "{want:?} not in\n{src}");
    }
}

#[test]
fn the_same_report_saved_by_libreoffice_imports_the_same() {
    // Other XML for the same document: style ids, numbering definitions, table markup.
    for theme in ["bromley", "bromsgrove", "haringey"] {
        let site = agendum::Site::open(&self::site(theme, &format!("lo-{theme}"))).unwrap_or_else(|d| panic!("{d:?}"));
        let import = |file: &str| {
            let doc = agendum_docx::read(&std::fs::read(docx(file)).unwrap()).unwrap();
            agendum::import::convert(&doc, &site.theme.scheme, &agendum::import::Options { accept_changes: false }).unwrap_or_else(|p| panic!("{file}: {p:#?}"))
        };
        let (word, lo) = (import(&format!("{theme}.docx")), import(&format!("{theme}-libreoffice.docx")));
        assert_eq!(word.text, lo.text, "{theme}");
        assert_eq!(word.files.len(), lo.files.len());
    }
}

#[test]
fn a_fixture_report_drafted_in_word_comes_back_with_its_text_and_numbers() {
    // The Bromsgrove fixture report as drafted in the council's template (bromsgrove-
    // roundtrip.md): imported in place of the original, the page's headings, numbered
    // paragraphs and savings table are the original's.
    let original = build(&fixture("bromsgrove"), "rt-original");
    let copy = copy_site(&fixture("bromsgrove"), "rt-copy");
    let dir = copy.join("content/meetings/2010-06-14-performance-management-board");
    let site = agendum::Site::open(&copy).unwrap_or_else(|d| panic!("{d:?}"));
    let doc = agendum_docx::read(&std::fs::read(docx("bromsgrove-roundtrip.docx")).unwrap()).unwrap();
    let imported = agendum::import::convert(&doc, &site.theme.scheme, &agendum::import::Options { accept_changes: false }).unwrap_or_else(|p| panic!("{p:#?}"));
    assert_eq!(imported.slug, "shared-services");
    std::fs::write(dir.join("04-shared-services.md"), &imported.text).unwrap();
    for (name, bytes) in &imported.files {
        std::fs::create_dir_all(dir.join(name).parent().unwrap()).unwrap();
        std::fs::write(dir.join(name), bytes).unwrap();
    }
    let again = build(&copy, "rt-imported");
    let page = |out: &Path| read(&out.join("performance-management-board/2010-06-14/04-shared-services.html"));
    let (a, b) = (page(&original), page(&again));
    let main = |html: &str| html[html.find("<main").unwrap()..html.find("</main>").unwrap()].to_string();
    assert_eq!(h2s(&a), h2s(&b));
    assert_eq!(numbers(&a), numbers(&b));
    let paras = |html: &str| -> Vec<String> { html.split("<p class=\"para numbered\"").skip(1).map(|p| text(&p[..p.find("</p>").unwrap()])).collect() };
    assert_eq!(paras(&main(&a)), paras(&main(&b)));
    assert!(paras(&main(&a)).len() >= 15);
    // The savings table: a money table again, its total checked and printed.
    assert_eq!(section(&a, "section-financial"), section(&b, "section-financial"));
    assert!(section(&b, "section-financial").contains("Total £516,000"));
    // The rest of the page's text, header to contact officer, as well.
    let body = |html: &str| {
        let m = main(html);
        text(&m[..m.find("id=\"appendix-").unwrap_or(m.len())])
    };
    assert_eq!(body(&a), body(&b));
}

#[test]
fn what_the_import_must_not_take_is_refused_with_its_place_and_nothing_is_written() {
    let root = site("bromley", "refuse");
    let before = meeting_files(&root);
    let meeting_yaml = read(&root.join("content/meetings/2030-01-15-board/meeting.yaml"));
    let res = import(&root, "problems.docx", &[]);
    assert_eq!(res.status.code(), Some(1));
    let err = stderr(&res);
    for want in [
        "paragraph 1 (“Text before any heading.”): text before any section heading",
        "the paragraph style “Odd Style” is not in the theme's import map",
        "a template instruction is left in (“click here to”)",
        "a picture without alt text",
        "problems.docx",
        "hint:",
    ] {
        assert!(err.contains(want), "{want:?} not in:\n{err}");
    }
    let res = import(&root, "tracked.docx", &[]);
    let err = stderr(&res);
    assert_eq!(res.status.code(), Some(1));
    assert!(err.contains("tracked changes not accepted or rejected: inserted “on 1 October” by A. Officer, deleted “in September” by A. Officer"), "{err}");
    assert!(err.contains("a comment from Clerk: “Which year’s figures?”"), "{err}");
    assert!(err.contains("--accept-changes"), "{err}");
    // Accepting the changes leaves the comment, still refused.
    let res = import(&root, "tracked.docx", &["--accept-changes"]);
    let err = stderr(&res);
    assert!(!err.contains("tracked changes") && err.contains("a comment from Clerk"), "{err}");
    assert_eq!(meeting_files(&root), before, "a refused import wrote files");
    assert_eq!(read(&root.join("content/meetings/2030-01-15-board/meeting.yaml")), meeting_yaml);
    no_panic(&res);
    // Not a Word document at all.
    let bogus = temp_dir("refuse-bogus").join("report.docx");
    std::fs::write(&bogus, "not a zip").unwrap();
    let res = agendum(&["import", "--site", root.to_str().unwrap(), bogus.to_str().unwrap(), "--meeting", "2030-01-15-board"]);
    assert_eq!(res.status.code(), Some(1));
    assert!(stderr(&res).contains("not a Word document"), "{}", stderr(&res));
    // No such meeting: the meetings there are named.
    let res = import(&root, "bromley.docx", &[]);
    assert!(res.status.success());
    let res = import(&root, "bromley.docx", &[]);
    assert!(stderr(&res).contains("a report `shared-services-update` already exists"), "{}", stderr(&res));
    let path = docx("bromley.docx");
    let res = agendum(&["import", "--site", root.to_str().unwrap(), path.to_str().unwrap(), "--meeting", "2030-01-16-board"]);
    assert!(stderr(&res).contains("did you mean `2030-01-15-board`?"), "{}", stderr(&res));
}

#[test]
fn accepted_changes_are_taken_as_word_shows_them() {
    let root = site("bromley", "accept");
    // (The comment is still refused: remove it to see the accepted text.)
    let res = import(&root, "tracked.docx", &["--accept-changes"]);
    assert_eq!(res.status.code(), Some(1));
    let doc = agendum_docx::read(&std::fs::read(docx("tracked.docx")).unwrap()).unwrap();
    let site = agendum::Site::open(&root).unwrap_or_else(|d| panic!("{d:?}"));
    let mut doc = doc;
    doc.comments.clear();
    for b in doc.blocks.iter_mut() {
        if let agendum_docx::Block::Para(p) = b {
            p.comments.clear();
        }
    }
    let imported = agendum::import::convert(&doc, &site.theme.scheme, &agendum::import::Options { accept_changes: true }).unwrap_or_else(|p| panic!("{p:#?}"));
    assert!(imported.text.contains("The arrangement starts on 1 October."), "{}", imported.text);
    assert!(!imported.text.contains("September"));
}

#[test]
fn an_exempt_marking_is_read_or_the_import_refused() {
    // "PART 2 - EXEMPT" with no paragraph: refused, never imported as a public report.
    let root = site("bromley", "exempt-unread");
    let res = import(&root, "exempt-unread.docx", &[]);
    assert_eq!(res.status.code(), Some(1));
    assert!(stderr(&res).contains("names no paragraph of Schedule 12A"), "{}", stderr(&res));
    assert!(!meeting_files(&root).iter().any(|p| p.to_string_lossy().contains("leisure")));
    // The same marking in a style the map drops is caught too.
    let root = site("bromley", "exempt-ignored");
    let theme = root.join("themes/bromley");
    std::fs::create_dir_all(&theme).unwrap();
    let scheme = String::from_utf8(std::fs::read(repo().join("themes/bromley/theme.yaml")).unwrap()).unwrap();
    std::fs::write(
        theme.join("theme.yaml"),
        scheme
            .replace("ignore: [LBB Council Name]", "ignore: [LBB Council Name, LBB Part]")
            .replace("header_styles:\n    LBB Part: part\n", "header_styles: {}\n"),
    )
    .unwrap();
    let res = import(&root, "exempt-unread.docx", &[]);
    assert_eq!(res.status.code(), Some(1));
    assert!(stderr(&res).contains("the document says it is not for publication (“PART 2 - EXEMPT”)"), "{}", stderr(&res));
    // With its paragraph: imported as exempt, and its text stays out of public output.
    let root = site("bromley", "exempt");
    let res = import(&root, "exempt.docx", &[]);
    assert!(res.status.success(), "{}", stderr(&res));
    let src = read(&root.join("content/meetings/2030-01-15-board/04-leisure-contract-award.md"));
    assert!(src.contains("exempt:\n  paragraphs:\n    - 3"), "{src}");
    let out = build(&root, "exempt-out");
    for f in files_under(&out) {
        let bytes = std::fs::read(&f).unwrap();
        assert!(!String::from_utf8_lossy(&bytes).contains("SECRET-BID-PRICE-4471"), "exempt text in {}", f.display());
    }
}

#[test]
fn item_n_puts_the_report_at_that_place_on_the_agenda() {
    let root = site("haringey", "item");
    let res = import(&root, "haringey.docx", &["--item", "2"]);
    assert!(res.status.success(), "{}", stderr(&res));
    let meeting = read(&root.join("content/meetings/2030-01-15-board/meeting.yaml"));
    let order: Vec<&str> = meeting.lines().filter(|l| l.trim_start().starts_with("- ")).map(str::trim).collect();
    assert_eq!(order[0], "- procedural: apologies");
    assert!(order[1].starts_with("- report: shared-services-preferred-partnership"), "{order:?}");
    assert_eq!(order[2], "- procedural: declarations");
    assert!(meeting_files(&root).iter().any(|p| p.file_name().unwrap().to_string_lossy().starts_with("02-shared-services")));
    // There is no item 0.
    let res = import(&root, "haringey.docx", &["--item", "0"]);
    assert_eq!(res.status.code(), Some(1));
    assert!(stderr(&res).contains("there is no item 0"), "{}", stderr(&res));
    // Its appendix, written from the document, is the report's.
    let out = build(&root, "item-out");
    let page = files_under(&out)
        .into_iter()
        .find(|p| p.to_string_lossy().ends_with(".html") && read(p).contains("Memorandum of Understanding") && p.to_string_lossy().contains("/02-"))
        .expect("report page");
    assert!(read(&page).contains("agree to work together to share services"));
}
