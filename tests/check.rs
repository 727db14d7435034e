//! `agendum check` and `agendum dates`: clean on the example site, every seeded defect
//! found in the seed as published, the statutory periods computed as the guidance does.

mod common;
use common::*;
use std::fs;
use std::path::Path;

fn check(site: &Path, extra: &[&str]) -> (Option<i32>, String, String) {
    let mut args = vec!["check", "--site", site.to_str().unwrap()];
    args.extend_from_slice(extra);
    let out = agendum(&args);
    (out.status.code(), String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn example_site_and_fixtures_are_clean() {
    for site in [repo(), fixture("haringey")] {
        let (code, _, err) = check(&site, &["--deny-warnings"]);
        assert_eq!(code, Some(0), "{}:\n{err}", site.display());
        assert!(err.contains("0 error(s), 0 warning(s)"));
    }
    // The Part 2 fixture's signed agreement is a scan-like PDF, as authors' often are:
    // check names the PDF/A and PDF/UA rules it fails, and nothing else.
    let (code, _, err) = check(&fixture("part2"), &["--deny-warnings"]);
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains("0 error(s), 1 warning(s)")
            && err.contains("is not archival and accessible")
            && err.contains("ISO 19005-2")
            && err.contains("ISO 14289-1"),
        "{err}"
    );
    // JSON for tools.
    let (code, out, _) = check(&repo(), &["--format", "json"]);
    assert_eq!(code, Some(0));
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["errors"], 0);
    assert_eq!(v["warnings"], 0);
}

#[test]
fn finds_every_defect_of_the_haringey_paper_as_published() {
    let (code, out, _) = check(&fixture("haringey-as-published"), &["--format", "json"]);
    assert_eq!(code, Some(1));
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let found: Vec<(String, u64, String)> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["severity"].as_str().unwrap().to_string(), d["line"].as_u64().unwrap(), d["message"].as_str().unwrap().to_string()))
        .collect();
    let has = |sev: &str, line: u64, msg: &str| found.iter().any(|(s, l, m)| s == sev && *l == line && m.contains(msg));
    assert!(has("error", 9, "template text left in the report: `[All / Some`"), "{found:?}");
    assert!(has("error", 169, "template text left in the report: `[click here to type]`"), "{found:?}");
    assert!(has("warning", 161, "reference to Appendix A, which the report does not have"), "{found:?}");
    assert!(has("warning", 218, "reference to Appendix B, which the report does not have"), "{found:?}");
    assert_eq!(v["errors"], 2);
}

#[test]
fn bromsgrove_states_finance_without_the_finance_officer() {
    let (code, _, err) = check(&fixture("bromsgrove"), &[]);
    assert_eq!(code, Some(0), "a warning alone passes");
    assert!(err.contains("warning: financial implications are stated, but no finance officer is marked as consulted"), "{err}");
    let (code, _, _) = check(&fixture("bromsgrove"), &["--deny-warnings"]);
    assert_eq!(code, Some(1));
}

#[test]
fn late_publication_and_late_items() {
    let site = copy_site(&repo(), "check-late");
    let meeting = site.join("content/meetings/2012-04-18-improvement-and-efficiency/meeting.yaml");
    // Wednesday 18 April 2012: five clear working days means publishing by Tuesday 10 April
    // (Easter Monday, 9 April, is a bank holiday).
    edit(&meeting, "published: 2012-04-10", "published: 2012-04-12");
    edit(&meeting, "  - procedural: apologies", "  - procedural: urgent-business\n    added: 2012-04-16\n  - procedural: apologies");
    let (code, _, err) = check(&site, &[]);
    assert_eq!(code, Some(1));
    assert!(
        err.contains("error: the agenda is published on 12 April 2012 with 3 clear working days before the meeting; 5 are required (LGA 1972 s100B)"),
        "{err}"
    );
    assert!(err.contains("hint: publish by 10 April 2012"), "{err}");
    assert!(err.contains("meeting.yaml:6:12"), "the line of `published`: {err}");
    assert!(err.contains("item 1 was added on 16 April 2012, after the agenda was published, without a reason for urgency"), "{err}");
}

#[test]
fn key_decisions_exempt_items_and_private_meetings() {
    let site = copy_site(&fixture("part2"), "check-part2");
    let m = site.join("content/meetings/2025-06-17-cabinet");
    edit(&m.join("meeting.yaml"), "  intention: 2025-05-16\n", "  intention: 2025-06-01\n");
    edit(&m.join("03-leisure-contract-award.md"), "notice:\n  forward_plan: 2025-05-01\n", "notice:\n  forward_plan: 2025-06-02\n");
    edit(&m.join("05-leisure-tender-evaluation.md"), "notice:\n  forward_plan: 2025-05-01\n", "");
    edit(&m.join("05-leisure-tender-evaluation.md"), "  public_interest: >-\n    The public interest in withholding the bidders' prices outweighs the public\n    interest in disclosing them while the contract is not yet signed.\n", "");
    let (code, _, err) = check(&site, &[]);
    assert_eq!(code, Some(1));
    for expected in [
        "the notice of intention (1 June 2025) gives fewer than 28 clear days",
        "the forward plan notice gives fewer than 28 clear days (it had to be published by 19 May 2025)",
        "a key decision with no notice in the forward plan",
        "an exempt report must state why the public interest in withholding it outweighs disclosure",
    ] {
        assert!(err.contains(expected), "missing {expected:?} in:\n{err}");
    }
}

#[test]
fn dates_prints_the_statutory_deadlines() {
    let out = agendum(&["dates", "2025-06-17"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    assert!(text.contains("Agenda published (5 clear working days, LGA 1972 s100B)") && text.contains("Monday 9 June 2025"), "{text}");
    assert!(text.contains("Monday 19 May 2025"), "28 clear days: {text}");
    let out = agendum(&["dates", "2025-05-29"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("Tuesday 20 May 2025"));
    let bad = agendum(&["dates", "2025-02-30"]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("not a real date"));
}

#[test]
fn check_reports_load_errors_and_hygiene_together() {
    let site = copy_site(&repo(), "check-many");
    let report = site.join("content/meetings/2012-04-18-improvement-and-efficiency/04-shared-services-update.md");
    edit(&report, "chief_officer:", "chief_oficer:");
    edit(&report, "Project leads within", "TODO check figures. Project leads within");
    let (code, _, err) = check(&site, &[]);
    assert_eq!(code, Some(1));
    assert!(err.contains("unknown field `chief_oficer`") && err.contains("did you mean `chief_officer`?"), "{err}");
    assert!(err.contains("1 TODO placeholder left to fill: ## COMMENTARY"), "both at once: {err}");
    // Raw HTML is reported in a report that does not load, too, at its line.
    edit(&report, "Project leads within", "<b>bold</b> Project leads within");
    let (_, _, err) = check(&site, &[]);
    assert_eq!(err.matches("raw HTML in the report is shown as text").count(), 1, "{err}");
    let line = fs::read_to_string(&report).unwrap().lines().position(|l| l.contains("<b>bold</b>")).unwrap() + 1;
    assert!(err.contains(&format!("04-shared-services-update.md:{line}:1")), "{err}");
}

#[test]
fn raw_html_is_reported_once_by_check_and_by_build() {
    let site = copy_site(&repo(), "check-html");
    let report = site.join("content/meetings/2012-04-18-improvement-and-efficiency/04-shared-services-update.md");
    edit(&report, "Project leads within", "<script>alert(1)</script> Project leads within");
    let (_, _, err) = check(&site, &[]);
    assert_eq!(err.matches("raw HTML in the report is shown as text").count(), 1, "{err}");
    let text = fs::read_to_string(&report).unwrap();
    let line = text.lines().position(|l| l.contains("<script>")).unwrap() + 1;
    assert!(err.contains(&format!("04-shared-services-update.md:{line}:1")), "at its line: {err}");
    let out = site.parent().unwrap().join("output");
    let res = agendum(&["build", "--site", site.to_str().unwrap(), "--output", out.to_str().unwrap()]);
    assert!(res.status.success(), "{}", stderr(&res));
    assert_eq!(stderr(&res).matches("raw HTML in the report is shown as text").count(), 1, "{}", stderr(&res));
}

#[test]
fn images_without_alt_text_length_limits_and_duplicate_slugs() {
    let site = copy_site(&repo(), "check-misc");
    let dir = site.join("content/meetings/2012-04-18-improvement-and-efficiency");
    edit(&dir.join("04-shared-services-update.md"), "Project leads within", "![](structure-chart.png)\n\nProject leads within");
    // A site copy of the theme with a word limit the report exceeds.
    let theme = site.join("themes/bromley");
    fs::create_dir_all(&theme).unwrap();
    let scheme = read(&repo().join("themes/bromley/theme.yaml")).replace("sections:\n", "max_words: 300\nsections:\n");
    fs::write(theme.join("theme.yaml"), scheme).unwrap();
    let (code, _, err) = check(&site, &["--deny-warnings"]);
    assert_eq!(code, Some(1));
    assert!(err.contains("error: image has no alt text"), "{err}");
    edit(&dir.join("04-shared-services-update.md"), "![](structure-chart.png)\n\n", "");
    let (code, _, err) = check(&site, &["--deny-warnings"]);
    assert_eq!(code, Some(1));
    assert!(err.contains("the bromley theme's limit is 300"), "{err}");

    // Two files with the same slug in one meeting.
    fs::copy(dir.join("04-shared-services-update.md"), dir.join("05-shared-services-update.md")).unwrap();
    let (code, _, err) = check(&site, &[]);
    assert_eq!(code, Some(1));
    assert!(err.contains("two reports share the name `shared-services-update`"), "{err}");
}

#[test]
fn bromley_paper_as_published_is_caught() {
    // The paper marks call-in applicable on a non-executive sub-committee's noting report
    // and lists no background papers; the example site corrects both.
    let site = copy_site(&repo(), "check-bromley-published");
    let report = site.join("content/meetings/2012-04-18-improvement-and-efficiency/04-shared-services-update.md");
    edit(&report, "  call_in: false\n", "  call_in: true\n");
    edit(&report, "background_papers: none\n", "");
    let (code, _, err) = check(&site, &["--deny-warnings"]);
    assert_eq!(code, Some(1));
    assert!(err.contains("warning: call-in is marked applicable, but this is not an executive decision"), "{err}");
    assert!(err.contains("warning: background papers are not listed"), "{err}");
    assert!(err.contains("LGA 1972 s100D"));
}

/// `build` publishes papers that break a statutory rule `check` enforces (a late agenda
/// must still go out), but says so, and says so again when nothing has changed since.
#[test]
fn build_publishes_a_late_agenda_and_says_check_has_errors() {
    let site = copy_site(&fixture("part2"), "late-agenda");
    let meeting = site.join("content/meetings").read_dir().unwrap().next().unwrap().unwrap().path().join("meeting.yaml");
    let yaml = read(&meeting);
    assert!(yaml.contains("published: 2025-06-09"));
    std::fs::write(&meeting, yaml.replace("published: 2025-06-09", "published: 2025-06-16")).unwrap();
    let out = site.parent().unwrap().join("output");
    for _ in 0..2 {
        let res = agendum(&["build", "--site", site.to_str().unwrap(), "--output", out.to_str().unwrap()]);
        let err = String::from_utf8_lossy(&res.stderr);
        assert!(res.status.success(), "{err}");
        assert!(err.contains("`agendum check` reports 1 error(s)"), "{err}");
    }
    let res = agendum(&["check", "--site", site.to_str().unwrap()]);
    assert_eq!(res.status.code(), Some(1));
    // A clean site says nothing of the kind.
    let clean = agendum(&["build", "--site", fixture("part2").to_str().unwrap(), "--output", site.parent().unwrap().join("clean").to_str().unwrap()]);
    assert!(!String::from_utf8_lossy(&clean.stderr).contains("agendum check` reports"));
}
