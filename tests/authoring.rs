//! The authoring model (issue 12): reports of other councils, re-authored with content
//! and a theme only. Each fixture's theme sits in the fixture's own `themes/` folder,
//! so what these tests pass needed no code of its own.

mod common;
use common::*;

fn pdf_text(path: &std::path::Path) -> String {
    let bytes = std::fs::read(path).unwrap();
    agendum::pdf::text::page_texts(&bytes).unwrap().join("\n")
}

fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A Scottish council's report: header rows of the theme's own, labels as written, the
/// title in a header row, run-in implications, nested recommendations under a lead-in,
/// the report's own sections, and a sign-off block without a heading.
#[test]
fn highland_report_as_the_council_prints_it() {
    let out = build(&fixture("highland"), "highland");
    let page = read(&out.join("corporate-resources/2018-05-24/09-welfare-support.html"));
    let t = text(&page);
    // Header rows in the theme's order, labels exactly as written (no added colons).
    assert!(
        t.contains("Agenda Item 9 Report No RES/23/18 Council line HIGHLAND COUNCIL Committee: Corporate Resources Committee Date: 24 May 2018 Report Title: Welfare Support in the Highlands Report By: Depute Chief Executive"),
        "{t}"
    );
    // The title is the page's one <h1>, inside its header row.
    assert_eq!(page.matches("<h1").count(), 1);
    assert!(page.contains("<h1 class=\"title-in-header\">"));
    // Section numbers, the report's own headings, and paragraph numbers in order.
    assert_eq!(
        h2s(&page)[..6],
        ["1. Purpose/Executive Summary", "2. Recommendations", "3. Implications", "4. Demand in 2017/18", "5. Budgets for 2018/19", "6. Working with partners"]
    );
    let nums = numbers(&page);
    for n in ["1.1", "1.2", "2.1", "3.1", "3.6", "4.1", "4.2", "5.1", "5.3", "6.1"] {
        assert!(nums.contains(&n.to_string()), "missing {n}: {nums:?}");
    }
    assert!(!nums.contains(&"4.3".to_string()), "the continuation paragraph took a number: {nums:?}");
    // Run-in headings open their numbered paragraph.
    assert!(section(&page, "section-implications").contains("3.1 Resource – the budgets"), "{}", section(&page, "section-implications"));
    // Recommendations: the lead-in is paragraph 2.1, then i. ii. iii. with a. b. under ii.
    let recs = section(&page, "section-recommendations");
    assert!(recs.contains("2.1 Members are asked to: i. note the demand"), "{recs}");
    assert!(recs.contains("ii. agree the approach to the 2018/19 budgets, namely a. to keep"), "{recs}");
    assert!(recs.contains("iii. note the work"), "{recs}");
    // References resolve in the report's own sections.
    assert!(t.contains("(see paragraph 5.2") && t.contains("as described in paragraph 4.1"), "{t}");
    // The sign-off: heading kept for screen readers only; `none` is the theme's None.
    assert!(page.contains("class=\"visually-hidden\">Sign-off</h2>"));
    assert!(section(&page, "section-signoff").contains("Background Papers: None."));
    // The clerk's agenda numbers: 1 and 2 procedural, then item 9.
    let agenda = text(&read(&out.join("corporate-resources/2018-05-24/index.html")));
    assert!(agenda.contains("9. Welfare Support in the Highlands"), "{agenda}");

    // The PDF reads the same, the title once, the sign-off without its heading.
    let pdf = squash(&pdf_text(&out.join("corporate-resources/2018-05-24/09-welfare-support.pdf")));
    assert!(pdf.contains("Report Title: Welfare Support in the Highlands"), "{pdf}");
    assert_eq!(pdf.matches("Welfare Support in the Highlands").count(), 1, "{pdf}");
    assert!(pdf.contains("3.1 Resource – the budgets"), "{pdf}");
    assert!(pdf.contains("Designation: Depute Chief Executive"), "{pdf}");
    assert!(!pdf.contains("Sign-off"), "{pdf}");
}

/// A Welsh cabinet report: paragraphs numbered 1 ... N through the report under
/// unnumbered headings, recommendations and reasons as lists of their own, capitals and
/// an ordinal date, two contact officers with several e-mails and phones, and a meeting
/// whose papers give no time or venue.
#[test]
fn vale_report_numbers_paragraphs_through_the_report() {
    let out = build(&fixture("vale"), "vale");
    let dir = out.join("cabinet/2014-09-22");
    let page = read(&dir.join("07-regulatory-services.html"));
    let t = text(&page);
    // Unlabelled rows in capitals, the date with its ordinal (labels kept for screen readers only).
    for v in [
        "<span class=\"part\">CABINET</span>",
        "<span class=\"part\">22ND SEPTEMBER, 2014</span>",
        "<h1 class=\"title-in-header\"><span class=\"part\">REGIONALISING REGULATORY SERVICES</span></h1>",
    ] {
        assert!(page.contains(v), "no {v}");
    }
    // A value written over two lines stays two lines.
    assert!(page.contains("REPORT OF THE LEADER<br>AND THE CABINET MEMBER"), "{page}");
    // Paragraph numbers run on across sections, skipping the two lists.
    let nums = numbers(&page);
    let expected: Vec<String> = (1..=13).map(|n| format!("{n}.")).collect();
    assert_eq!(nums, expected);
    assert!(section(&page, "section-background").contains("2. The three councils"));
    assert!(section(&page, "section-body-the-business-case").contains("6. The business case set five criteria"));
    assert!(t.contains("scored highest against the criteria in paragraph 6"), "{t}");
    // Recommendations in the theme's (1) style, with (a) (b) beneath.
    let recs = section(&page, "section-recommendations");
    assert!(recs.starts_with("Recommendations (1) THAT the proposal"), "{recs}");
    assert!(recs.contains("(2) THAT the Managing Director be authorised (a) to agree"), "{recs}");
    // Headings carry no numbers.
    assert!(h2s(&page).iter().any(|h| h == "Purpose of the Report"));
    // Both contacts, every address a mailto: link, every phone.
    for href in ["mailto:mpunter@valeofglamorgan.gov.uk", "mailto:dholland@valeofglamorgan.gov.uk", "mailto:publicprotection@valeofglamorgan.gov.uk"] {
        assert!(page.contains(&format!("href=\"{href}\"")), "no {href}");
    }
    assert!(t.contains("Tel: 01446 709105") && t.contains("Tel: 01446 709106"));
    assert!(section(&page, "section-background-papers").ends_with("None."));

    // No time, no venue: nothing invented.
    let meeting = text(&read(&dir.join("index.html")));
    assert!(!meeting.contains("Venue"), "{meeting}");
    let ics = read(&out.join("meetings.ics"));
    assert!(ics.contains("DTSTART;VALUE=DATE:20140922"), "{ics}");
    assert!(!ics.contains("LOCATION:"));
    let json: serde_json::Value = serde_json::from_str(&read(&dir.join("meeting.json"))).unwrap();
    assert_eq!(json["all_day"], true);
    assert_eq!(json["start_date"], "2014-09-22");

    let pdf = squash(&pdf_text(&dir.join("07-regulatory-services.pdf")));
    assert!(pdf.contains("22ND SEPTEMBER, 2014"), "{pdf}");
    assert!(pdf.contains("13. This is a matter for Executive decision."), "{pdf}");
}

/// Numbers the author typed are never silently replaced: where the theme numbers
/// paragraphs, a typed number is an error at its line, from `check` and `build` alike.
#[test]
fn typed_paragraph_numbers_are_refused_at_their_line() {
    // "4. The council ..." (a list starting at 4) in a continuously numbered report.
    let site = copy_site(&fixture("vale"), "typed-list");
    let report = site.join("content/meetings/2014-09-22-cabinet/07-regulatory-services.md");
    edit(&report, "A business case was commissioned", "4. A business case was commissioned");
    check_and_build_refuse(&site, &[], &["07-regulatory-services.md:44", "the paragraph number `4.` is typed"]);

    // "3.1 The ..." typed in section 3 of a report numbered by section.
    let site = copy_site(&fixture("highland"), "typed-para");
    let report = site.join("content/meetings/2018-05-24-corporate-resources/09-welfare-support.md");
    edit(&report, "Applicants are referred", "6.1 Applicants are referred");
    check_and_build_refuse(&site, &[], &["09-welfare-support.md:", "the paragraph number `6.1` is typed"]);

    // Where nothing numbers paragraphs, a typed list number is kept as written.
    let site = copy_site(&fixture("vale"), "typed-kept");
    edit(&site.join("content/meetings/2014-09-22-cabinet/07-regulatory-services.md"), "Head of Legal Services; Head", "4. Head of Legal Services; Head");
    let out = build(&site, "typed-kept-out");
    let page = read(&out.join("cabinet/2014-09-22/07-regulatory-services.html"));
    assert!(text(&section(&page, "section-consulted")).contains("4. Head of Legal Services"), "{}", section(&page, "section-consulted"));
}

/// What a theme author gets wrong is said at the theme's file, by `check` as by `build`.
#[test]
fn theme_mistakes_are_reported_at_the_theme() {
    let theme = |site: &std::path::Path| site.join("themes/highland/theme.yaml");
    // A misspelt built-in row.
    let site = copy_site(&fixture("highland"), "theme-misspelt");
    edit(&theme(&site), "- key: committee", "- key: comittee");
    check_and_build_refuse(&site, &[], &["themes/highland/theme.yaml", "`comittee` is not a built-in header row", "did you mean `committee`?"]);
    // `title: none` with nothing else printing the title.
    let site = copy_site(&fixture("highland"), "theme-no-title");
    edit(&theme(&site), "    - key: title\n      label: \"Report Title:\"\n", "");
    check_and_build_refuse(&site, &[], &["`title: none` but neither"]);
    // A date format chrono cannot print.
    let site = copy_site(&fixture("highland"), "theme-date");
    edit(&theme(&site), "  title: none\n", "  title: none\n  date_format: \"%-d %Q %Y\"\n");
    check_and_build_refuse(&site, &[], &["is not a date format"]);
    // A syntax error in the theme's Typst: at the theme's own file, not agendum's.
    let site = copy_site(&fixture("highland"), "theme-typst");
    edit(&site.join("themes/highland/pdf/theme.typ"), "heading-size: 11pt,", "heading-size: 11pt +,");
    check_and_build_refuse(&site, &[], &["themes/highland/pdf/theme.typ:3"]);
    // A report giving a value for a header row the theme does not have.
    let site = copy_site(&fixture("highland"), "report-header");
    edit(&site.join("content/meetings/2018-05-24-corporate-resources/09-welfare-support.md"), "report_no: RES/23/18", "report_nos: RES/23/18");
    check_and_build_refuse(&site, &[], &["`report_nos` is not a header row of the highland theme", "did you mean `report_no`?"]);
}

/// Typography is the theme's: smart punctuation can be turned off.
#[test]
fn smart_punctuation_is_a_theme_setting() {
    let site = copy_site(&fixture("highland"), "straight-quotes");
    let out = build(&site, "curly");
    let page = read(&out.join("corporate-resources/2018-05-24/09-welfare-support.html"));
    assert!(page.contains("council’s own resources"));
    edit(&site.join("themes/highland/theme.yaml"), "smart_punctuation: true", "smart_punctuation: false");
    let out = build(&site, "straight");
    let page = read(&out.join("corporate-resources/2018-05-24/09-welfare-support.html"));
    assert!(page.contains("council&#39;s own resources") || page.contains("council's own resources"), "{page}");
    assert!(!page.contains("council’s"));
}

/// A joint committee of two councils: both named (and their logos shown) on every paper,
/// each council's contact on the agenda, both named in the open data; header rows the
/// template defines, one without a label; a header value naming two people on two lines.
#[test]
fn joint_committee_names_both_councils() {
    let out = build(&fixture("joint"), "joint");
    let dir = out.join("shared-services-board/2012-03-15");
    let page = read(&dir.join("05-ict-shared-service.html"));
    let t = text(&page);
    assert!(t.contains("Bromsgrove District Council Redditch Borough Council Shared Services Board 15 March 2012"), "{t}");
    assert!(page.contains("Councillor R Hollingworth (Bromsgrove)<br>Councillor C Gandy (Redditch)"));
    assert!(t.contains("Portfolio Holder Consulted: Yes") && t.contains("Ward Councillor Consulted: N/A") && t.contains("Wards Affected: All Wards"), "{t}");
    assert!(t.contains("Non-Key Decision") && !t.contains("Non-Key Decision:"), "{t}");
    // Nested recommendations in a paragraph-numbered section: 2.2 with 2.2.1, 2.2.2.
    let nums = numbers(&page);
    let markers = markers(&page);
    for n in ["2.1", "2.2", "2.3"] {
        assert!(nums.contains(&n.to_string()), "{nums:?}");
    }
    for m in ["2.2.1", "2.2.2"] {
        assert!(markers.contains(&m.to_string()), "{markers:?}");
    }
    // The agenda names both councils and their contacts; the open data names both.
    let meeting = read(&dir.join("index.html"));
    for c in ["mailto:democratic@bromsgrove.gov.uk", "mailto:democratic@redditchbc.gov.uk", "https://www.redditchbc.gov.uk/"] {
        assert!(meeting.contains(c), "no {c}");
    }
    let json: serde_json::Value = serde_json::from_str(&read(&dir.join("meeting.json"))).unwrap();
    let names: Vec<&str> = json["participants"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Shared Services Board", "Bromsgrove District Council", "Redditch Borough Council"]);
    // Both logos are published and placed, with their alt text, in the item PDF and pack.
    assert!(out.join("static/logo-bromsgrove-district-council.svg").is_file() && out.join("static/logo-redditch-borough-council.svg").is_file());
    for pdf in ["05-ict-shared-service.pdf", "agenda-pack.pdf"] {
        let bytes = std::fs::read(dir.join(pdf)).unwrap();
        for alt in ["Bromsgrove District Council logo", "Redditch Borough Council logo"] {
            assert!(bytes.windows(alt.len()).any(|w| w == alt.as_bytes()), "{pdf} lacks {alt}");
        }
    }
    let pack = squash(&pdf_text(&dir.join("agenda-pack.pdf")));
    assert!(pack.contains("Bromsgrove District Council and Redditch Borough Council"), "{pack}");
    assert!(pack.contains("A joint committee of"), "{pack}");

    // One council alone is not a joint committee.
    let site = copy_site(&fixture("joint"), "joint-one");
    let c = site.join("content/committees/shared-services-board.yaml");
    let text = read(&c);
    let cut = text.find("  - name: Redditch").unwrap();
    let end = text.find("members:").unwrap();
    std::fs::write(&c, format!("{}{}", &text[..cut], &text[end..])).unwrap();
    check_and_build_refuse(&site, &[], &["a joint committee lists one council"]);
}

/// The `beside` layout: the item number in a column of its own, the title and the rows
/// beside it; the title printed once.
#[test]
fn header_beside_layout() {
    let site = copy_site(&fixture("joint"), "beside");
    edit(&site.join("themes/worcs-shared/theme.yaml"), "  layout: table", "  layout: beside");
    let out = build(&site, "beside-out");
    let page = read(&out.join("shared-services-board/2012-03-15/05-ict-shared-service.html"));
    assert!(page.contains("<div class=\"report-header-beside\">"));
    assert!(text(&page).contains("Item 5 ICT Shared Service – Business Case Relevant Portfolio Holder:"), "{}", text(&page));
    assert_eq!(page.matches("<h1").count(), 1);
    let pdf = squash(&pdf_text(&out.join("shared-services-board/2012-03-15/05-ict-shared-service.pdf")));
    assert!(pdf.contains("5 ICT Shared Service – Business Case Relevant Portfolio Holder:"), "{pdf}");
    assert_eq!(pdf.matches("ICT Shared Service – Business Case").count(), 1, "{pdf}");
}

/// Procedural items carry documents into the pack: the draft minutes written as Markdown,
/// a signed document as PDF (published beside the meeting page, its pages in the pack
/// with their alt text and their words), each with its page number on the agenda.
#[test]
fn procedural_items_carry_documents_into_the_pack() {
    let out = build(&fixture("highland"), "documents-md");
    let dir = out.join("corporate-resources/2018-05-24");
    let meeting = read(&dir.join("index.html"));
    assert!(meeting.contains("<div class=\"item-document\">"), "the minutes are on the meeting page");
    assert!(text(&meeting).contains("The Committee agreed to add £150,000 to the budget."));
    // Outside paragraph numbering a `{.continued}` paragraph is an ordinary one.
    let document = &meeting[meeting.find("<div class=\"item-document\">").unwrap()..];
    assert!(document.contains("<p>The Chair thanked officers for the report.</p>"), "{document}");
    let pack = squash(&pdf_text(&dir.join("agenda-pack.pdf")));
    assert!(pack.contains("3. Minutes of the meeting held on 22 February 2018 (draft) Page 2"), "{pack}");
    assert!(
        pack.contains("Item 3 Minutes of the meeting held on 22 February 2018 (draft) Minutes of the meeting of the Corporate Resources Committee"),
        "{pack}"
    );

    let out = build(&fixture("joint"), "documents-pdf");
    let dir = out.join("shared-services-board/2012-03-15");
    let published = dir.join("04-memorandum-of-understanding-between-the-councils-for-noting.pdf");
    assert_eq!(
        std::fs::read(&published).unwrap(),
        std::fs::read(fixture("joint").join("content/meetings/2012-03-15-shared-services-board/documents/memorandum-of-understanding.pdf")).unwrap(),
        "the document is published as the clerk gave it"
    );
    assert!(read(&dir.join("index.html")).contains("href=\"04-memorandum-of-understanding-between-the-councils-for-noting.pdf\""));
    let bytes = std::fs::read(dir.join("agenda-pack.pdf")).unwrap();
    let alt = "The signed memorandum of understanding between the two councils, one page.";
    assert!(bytes.windows(alt.len()).any(|w| w == alt.as_bytes()), "the pages carry the clerk's alt text");
    let pack = squash(&pdf_text(&dir.join("agenda-pack.pdf")));
    assert!(pack.contains("4. Memorandum of understanding between the councils (for noting) Page 2"), "{pack}");
    assert!(pack.contains("Text of Memorandum of understanding between the councils (for noting), read from the original"), "{pack}");

    // A published pack's documents are part of what is frozen: changing one is refused
    // unless the pack is re-issued.
    let site = copy_site(&fixture("joint"), "documents-frozen");
    let o = agendum(&["build", "--freeze", "--site", site.to_str().unwrap(), "--output", site.join("output").to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let doc = site.join("content/meetings/2012-03-15-shared-services-board/documents/memorandum-of-understanding.pdf");
    let mut changed = std::fs::read(&doc).unwrap();
    changed.extend_from_slice(b"\n% amended\n");
    std::fs::write(&doc, changed).unwrap();
    let o = agendum(&["build", "--site", site.to_str().unwrap(), "--output", site.join("output").to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("agenda-pack.pdf"), "{}", stderr(&o));

    // A document that is missing, or of another kind, is an error at its item.
    let site = copy_site(&fixture("highland"), "documents-bad");
    edit(&site.join("content/meetings/2018-05-24-corporate-resources/meeting.yaml"), "minutes/draft-minutes-2018-02-22.md", "minutes/draft.docx");
    check_and_build_refuse(&site, &[], &["meeting.yaml:", "document `minutes/draft.docx` does not exist"]);
}

/// "appendix 1" in lower case links like "Appendix 1"; and `build` says what `check`
/// warns of (here a PDF appendix without words for a screen reader), once.
#[test]
fn lower_case_appendix_references_link_and_build_prints_checks_warnings() {
    let site = copy_site(&fixture("bromsgrove"), "appendix-case");
    let report = site.join("content/meetings/2010-06-14-performance-management-board/04-shared-services.md");
    edit(&report, "To update the Board on the Shared Services project.", "To update the Board on the Shared Services project, as set out in appendix 1.");
    let out = build(&site, "appendix-case-out");
    let page = read(&out.join("performance-management-board/2010-06-14/04-shared-services.html"));
    assert!(page.contains("<a href=\"#appendix-1\">appendix 1</a>"), "{}", section(&page, "section-summary"));

    let site = copy_site(&fixture("part2"), "build-warnings");
    edit(
        &site.join("content/meetings/2025-06-17-cabinet/03-leisure-contract-award.md"),
        "    alt: The memorandum of understanding between the two councils on leisure services, signed by both chief executives.\n",
        "",
    );
    let check = agendum(&["check", "--site", site.to_str().unwrap()]);
    assert!(stderr(&check).contains("has no `alt`"), "{}", stderr(&check));
    let o = agendum(&["build", "--site", site.to_str().unwrap(), "--output", site.join("output").to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stderr(&o).matches("has no `alt`").count(), 1, "{}", stderr(&o));
    // As many warnings as `check` gives.
    let checked = stderr(&check);
    let n = checked.rsplit("error(s), ").next().and_then(|t| t.split(' ').next()).unwrap_or("?").to_string();
    assert!(stderr(&o).contains(&format!("with {n} warning(s)")), "check: {checked}\nbuild: {}", stderr(&o));
}

/// Every link to a PDF says what it fetches: a file name to save it under that carries
/// the committee and date, while the address stays as it was; its size; its pages.
#[test]
fn download_links_name_the_file_and_give_size_and_pages() {
    let mut checked = 0;
    for (site, name) in [(repo(), "downloads-example"), (fixture("joint"), "downloads-joint")] {
        let out = build(&site, name);
        for page in files_under(&out).into_iter().filter(|p| p.extension().is_some_and(|e| e == "html")) {
            let html = read(&page);
            let dir = page.parent().unwrap();
            for piece in html.split("<a href=\"").skip(1) {
                let href = &piece[..piece.find('"').unwrap()];
                if !href.ends_with(".pdf") {
                    continue;
                }
                let file = dir.join(href);
                let rel = file.canonicalize().unwrap().strip_prefix(out.canonicalize().unwrap()).unwrap().to_string_lossy().replace('\\', "/");
                let download = piece.split("download=\"").nth(1).map(|d| &d[..d.find('"').unwrap()]);
                assert_eq!(download, Some(rel.replace('/', "-").as_str()), "{}: {href}", page.display());
                let after = &piece[piece.find("</a>").unwrap()..];
                let meta = after
                    .split("(PDF, ")
                    .nth(1)
                    .map(|m| format!("PDF, {}", &m[..m.find(')').unwrap()]))
                    .unwrap_or_else(|| panic!("{}: {href} has no size", page.display()));
                let bytes = std::fs::read(&file).unwrap();
                let pages = agendum::pdf::text::page_texts(&bytes).unwrap().len();
                let kb = (bytes.len() as u64).div_ceil(1024);
                let expected = format!("PDF, {kb} KB, {pages} page{}", if pages == 1 { "" } else { "s" });
                assert_eq!(meta, expected, "{}: {href}", page.display());
                checked += 1;
            }
        }
    }
    assert!(checked >= 8, "only {checked} PDF links checked");
}

/// `output/` holds ordinary writable files: a web team may touch a PDF there without
/// reaching the build cache, and the next build puts the right file back.
#[test]
fn published_pdfs_are_ordinary_writable_files() {
    let site = copy_site(&fixture("highland"), "writable");
    let out = site.join("output");
    let run = || agendum(&["build", "--site", site.to_str().unwrap(), "--output", out.to_str().unwrap()]);
    assert!(run().status.success());
    let pdf = out.join("corporate-resources/2018-05-24/09-welfare-support.pdf");
    let original = std::fs::read(&pdf).unwrap();
    for p in pdfs_under(&out, true) {
        assert_ordinary_file(&p);
    }
    std::fs::write(&pdf, b"changed by hand").unwrap();
    let o = run();
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(std::fs::read(&pdf).unwrap(), original, "the cache was not touched by the edit");
}
