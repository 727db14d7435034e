//! Bad input gets a clear answer: file, line, field and a hint; exit code 1; no panic;
//! the previous output left as it was.

mod common;
use common::*;
use std::fs;
use std::path::{Path, PathBuf};

fn report_path(site: &Path) -> PathBuf {
    site.join("content/meetings/2012-04-18-improvement-and-efficiency/04-shared-services-update.md")
}

/// Run a build that must fail; return stderr. Checks exit code 1 and that the output
/// folder (holding a sentinel from an earlier build) was not touched.
fn failing_build(site: &Path) -> String {
    let out = site.join("output");
    fs::create_dir_all(&out).unwrap();
    fs::write(out.join("sentinel.html"), "previous build").unwrap();
    // An earlier agendum build's folder, as its marker says.
    fs::write(out.join(".agendum-output"), "").unwrap();
    let res = agendum(&["build", "--site", site.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&res.stderr).into_owned();
    assert_eq!(res.status.code(), Some(1), "expected exit 1, got {:?}:\n{stderr}", res.status.code());
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(read(&out.join("sentinel.html")), "previous build", "output must be left intact");
    assert_eq!(fs::read_dir(&out).unwrap().count(), 2, "nothing new written to output");
    let leftovers: Vec<_> = fs::read_dir(site).unwrap().filter_map(|e| e.ok()).filter(|e| e.file_name().to_string_lossy().contains("staging")).collect();
    assert!(leftovers.is_empty(), "no staging folder left behind");
    stderr
}

#[test]
fn misspelt_front_matter_field_is_located_with_a_suggestion() {
    let site = copy_site(&repo(), "typo");
    edit(&report_path(&site), "contact_officer:", "contact_oficer:");
    let err = failing_build(&site);
    assert!(err.contains("error: unknown field `contact_oficer`"), "{err}");
    assert!(err.contains("04-shared-services-update.md:5:1"), "line of the typo: {err}");
    assert!(err.contains("field: contact_oficer"));
    assert!(err.contains("hint: did you mean `contact_officer`?"));
}

#[test]
fn wrong_type_and_impossible_dates_are_reported_together() {
    let site = copy_site(&repo(), "types");
    let meeting = site.join("content/meetings/2012-04-18-improvement-and-efficiency/meeting.yaml");
    edit(&meeting, "date: 2012-04-18", "date: 2012-02-31");
    edit(&meeting, "time: \"19:00\"", "time: \"7 in the evening\"");
    let err = failing_build(&site);
    assert!(err.contains("meeting.yaml:1:") || err.contains("meeting.yaml:2:"), "{err}");
    assert!(err.contains("`2012-02-31` is not a real date"), "{err}");
    assert!(err.contains("field: date"));
    assert!(err.contains("`7 in the evening` is not a time"), "both problems at once: {err}");
    assert!(err.contains("2 errors found"), "{err}");
}

#[test]
fn unknown_section_heading_suggests_the_theme_heading() {
    let site = copy_site(&repo(), "heading");
    edit(&report_path(&site), "## Legal Implications", "## Legal Implicatons");
    let err = failing_build(&site);
    assert!(err.contains("heading `Legal Implicatons` is not a section of the bromley theme"), "{err}");
    assert!(err.contains("did you mean `Legal Implications`?"), "{err}");
    assert!(err.contains("04-shared-services-update.md:"), "{err}");
}

#[test]
fn missing_required_section_and_unknown_committee() {
    let site = copy_site(&repo(), "required");
    edit(&report_path(&site), "## COMMENTARY", "## Policy Implications\n\nMoved.\n\n## Nonsense Heading Here");
    let meeting = site.join("content/meetings/2012-04-18-improvement-and-efficiency/meeting.yaml");
    edit(&meeting, "committee: improvement-and-efficiency", "committee: improvement-and-eficiency");
    let err = failing_build(&site);
    assert!(err.contains("no committee `improvement-and-eficiency`"), "{err}");
    assert!(err.contains("did you mean `improvement-and-efficiency`?"), "{err}");
}

#[test]
fn reference_to_a_missing_paragraph_is_an_error() {
    let site = copy_site(&repo(), "reference");
    edit(&report_path(&site), "Project leads within the relevant", "As [](#regulatory-servces) says, project leads within the relevant");
    let err = failing_build(&site);
    assert!(err.contains("reference to `regulatory-servces`"), "{err}");
    assert!(err.contains("did you mean `regulatory-services`?"), "{err}");
}

#[test]
fn a_working_reference_prints_the_paragraph_number() {
    let site = copy_site(&repo(), "reference-ok");
    edit(&report_path(&site), "Project leads within the relevant", "As set out in paragraph [](#regulatory-services), project leads within the relevant");
    let out = build(&site, "reference-ok-out");
    let page = read(&out.join("improvement-and-efficiency/2012-04-18/04-shared-services-update.html"));
    assert!(page.contains("As set out in paragraph <a class=\"ref\" href=\"#regulatory-services\">3.6</a>, project leads"), "{}", text(&page));
}

#[test]
fn appendix_paths_cannot_escape_the_site() {
    let site = copy_site(&repo(), "escape");
    edit(&report_path(&site), "facts:", "appendices:\n  - id: \"1\"\n    title: Secrets\n    file: ../../../../etc/passwd\nfacts:");
    let err = failing_build(&site);
    assert!(err.contains("appendix file `../../../../etc/passwd` points outside the meeting's folder"), "{err}");
}

#[test]
fn not_utf8_and_no_front_matter() {
    let site = copy_site(&repo(), "encoding");
    let mut bytes = read(&report_path(&site)).into_bytes();
    bytes.extend_from_slice(b"\nCaf\xe9 latin-1 text\n");
    fs::write(report_path(&site), bytes).unwrap();
    fs::write(site.join("content/meetings/2012-04-18-improvement-and-efficiency/05-extra.md"), "No front matter here.\n").unwrap();
    let err = failing_build(&site);
    assert!(err.contains("file is not valid UTF-8 text"), "{err}");
    assert!(err.contains("save the file as UTF-8"));
    assert!(err.contains("05-extra.md:1:1"), "{err}");
    assert!(err.contains("report has no YAML front matter"));
}

#[test]
fn report_not_on_the_agenda_and_missing_report() {
    let site = copy_site(&repo(), "agenda");
    let meeting = site.join("content/meetings/2012-04-18-improvement-and-efficiency/meeting.yaml");
    edit(&meeting, "  - report: shared-services-update", "  - report: shared-services-updte");
    let err = failing_build(&site);
    assert!(err.contains("no report `shared-services-updte`"), "{err}");
    assert!(err.contains("did you mean `shared-services-update`?"), "{err}");
}

#[test]
fn raw_html_never_reaches_the_page() {
    let site = copy_site(&repo(), "html");
    edit(
        &report_path(&site),
        "Project leads within the relevant",
        "<script>alert('x')</script> <img src=x onerror=alert(1)> Project leads within the relevant",
    );
    let out = build(&site, "html-out");
    let page = read(&out.join("improvement-and-efficiency/2012-04-18/04-shared-services-update.html"));
    assert!(!page.contains("<script>alert"), "scripts are escaped");
    assert!(!page.contains("<img src=x"), "raw tags are escaped");
    assert!(page.contains("&lt;script&gt;alert("));
}

#[test]
fn usage_errors_exit_2_and_help_works() {
    assert_eq!(agendum(&["frobnicate"]).status.code(), Some(2));
    assert_eq!(agendum(&["build", "--no-such-flag"]).status.code(), Some(2));
    let help = agendum(&["--help"]);
    assert!(help.status.success());
    let out = String::from_utf8_lossy(&help.stdout);
    assert!(out.contains("build") && out.contains("new"));
    let version = agendum(&["--version"]);
    assert!(String::from_utf8_lossy(&version.stdout).starts_with("agendum "));
}

#[test]
fn new_report_scaffolds_every_section_and_builds() {
    let site = copy_site(&repo(), "scaffold");
    // The example meeting's agenda is published: a new item is refused unless the clerk
    // says it goes out as a supplementary item.
    let refused = agendum(&["new", "report", "--site", site.to_str().unwrap(), "2012-04-18-improvement-and-efficiency", "Parking Services Review"]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        stderr(&refused).contains("the agenda of this meeting was published on 10 April 2012") && stderr(&refused).contains("--supplementary"),
        "{}",
        stderr(&refused)
    );
    let res =
        agendum(&["new", "report", "--supplementary", "--site", site.to_str().unwrap(), "2012-04-18-improvement-and-efficiency", "Parking Services Review"]);
    assert!(res.status.success(), "{}", String::from_utf8_lossy(&res.stderr));
    let path = site.join("content/meetings/2012-04-18-improvement-and-efficiency/05-parking-services-review.md");
    let text_of = read(&path);
    for heading in ["## Reason for report", "## COMMENTARY", "## Policy Implications", "## Personnel Implications"] {
        assert!(text_of.contains(heading), "scaffold lacks {heading}");
    }
    for field in ["contact_officer:", "chief_officer:", "wards:", "decision:", "recommendations:", "corporate_policy:", "policy_status:", "ward_views:"] {
        assert!(text_of.contains(field), "scaffold lacks {field}");
    }
    let meeting = read(&site.join("content/meetings/2012-04-18-improvement-and-efficiency/meeting.yaml"));
    assert!(meeting.contains("- report: parking-services-review\n    added: \""), "{meeting}");
    assert!(meeting.trim_end().ends_with("urgency: TODO why the item cannot wait for the next meeting"), "{meeting}");
    // The scaffold is valid content: the meeting builds with it as item 5.
    let out = build(&site, "scaffold-out");
    assert!(out.join("improvement-and-efficiency/2012-04-18/05-parking-services-review.html").is_file());
    // A second scaffold with the same title is refused.
    let again = agendum(&["new", "report", "--site", site.to_str().unwrap(), "2012-04-18-improvement-and-efficiency", "Parking Services Review"]);
    assert_eq!(again.status.code(), Some(1));
    let unknown = agendum(&["new", "report", "--site", site.to_str().unwrap(), "2012-04-18-improvement", "X"]);
    assert_eq!(unknown.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("did you mean `2012-04-18-improvement-and-efficiency`?"));
}

#[test]
fn a_logo_needs_alt_text_and_must_be_in_the_site() {
    let site = copy_site(&repo(), "logo");
    fs::write(site.join("logo.svg"), "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"/>").unwrap();
    let cfg = site.join("agendum.yaml");
    fs::write(&cfg, read(&cfg) + "logo:\n  file: logo.svg\n  alt: \"\"\n").unwrap();
    let err = failing_build(&site);
    assert!(err.contains("the logo has no alt text") && err.contains("field: logo.alt"), "{err}");
    edit(&cfg, "  file: logo.svg\n  alt: \"\"", "  file: ../../logo.svg\n  alt: Council logo");
    let err = failing_build(&site);
    assert!(err.contains("is outside the site folder"), "{err}");
}

#[test]
fn a_markdown_section_never_replaces_a_generated_one_in_silence() {
    let site = copy_site(&repo(), "generated-twice");
    let report = report_path(&site);
    let text = fs::read_to_string(&report).unwrap();
    // Bromley makes "Background Documents" from `background_papers:`.
    fs::write(&report, format!("{text}\n## Background Documents (Access via Contact Officer)\n\nWritten by hand as well.\n")).unwrap();
    let err = failing_build(&site);
    assert!(err.contains("is made from `background_papers:` in the front matter, and is written in Markdown here too"), "{err}");
    // Unless the theme says the Markdown may replace it: then the Markdown is printed.
    let theme = site.join("themes/bromley");
    fs::create_dir_all(&theme).unwrap();
    let scheme = String::from_utf8(agendum::builtin::file("themes/bromley/theme.yaml").unwrap().to_vec()).unwrap();
    fs::write(theme.join("theme.yaml"), scheme.replace("    kind: background_papers\n", "    kind: background_papers\n    replaceable: true\n")).unwrap();
    let out = build(&site, "generated-replaced");
    let page = read(&out.join("improvement-and-efficiency/2012-04-18/04-shared-services-update.html"));
    assert!(section(&page, "section-background-papers").contains("Written by hand as well."), "{}", section(&page, "section-background-papers"));
}

#[test]
fn a_contact_email_is_one_address() {
    let site = copy_site(&repo(), "email");
    edit(&report_path(&site), "email: harriet.martyn@bromley.gov.uk", "email: harriet.martyn@bromley.gov.uk or info@bromley.gov.uk");
    let err = failing_build(&site);
    assert!(err.contains("is not one e-mail address") && err.contains("field: contact_officer.email"), "{err}");
}
