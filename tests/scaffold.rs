//! From nothing to a published agenda: `init`, `new committee`, `new meeting`, `new
//! report`, then `check` and `build`, as a new council's clerk would run them.

mod common;
use common::*;

fn run(site: &std::path::Path, args: &[&str]) -> std::process::Output {
    let mut all = vec!["--site", site.to_str().unwrap()];
    all.extend_from_slice(args);
    let o = agendum(&all);
    no_panic(&o);
    o
}

#[test]
fn from_nothing_to_a_published_agenda() {
    let site = temp_dir("init").join("borsetshire");
    let o = run(&site, &["init", "--council", "Borsetshire County Council", "--theme", "default"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(read(&site.join("agendum.yaml")).contains("council: \"Borsetshire County Council\""));
    // A site with no committee and no meetings builds: there is nothing wrong with it.
    let out = build(&site, "init-empty");
    assert!(out.join("index.html").is_file());

    let o = run(&site, &["new", "committee", "Cabinet", "--kind", "executive"]);
    assert!(o.status.success(), "{}", stderr(&o));
    // A committee and no meetings yet: builds, with the committee's page.
    let out = build(&site, "init-committee");
    assert!(out.join("cabinet/index.html").is_file());

    // The meeting's publication date is the statutory deadline: five clear working days,
    // bank holidays skipped (Boxing Day on Monday 28th and New Year's Day are not counted).
    let o = run(&site, &["new", "meeting", "cabinet", "2027-01-06", "--time", "19:00", "--venue", "County Hall"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let meeting = read(&site.join("content/meetings/2027-01-06-cabinet/meeting.yaml"));
    assert!(meeting.contains("published: \"2026-12-24\""), "{meeting}");
    assert!(stderr(&o).contains("Agenda published (5 clear working days"), "{}", stderr(&o));

    let o = run(&site, &["new", "report", "2027-01-06-cabinet", "Budget 2027/28"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let report = site.join("content/meetings/2027-01-06-cabinet/04-budget-2027-28.md");
    // The scaffold's placeholders are one message, naming what to fill.
    let o = run(&site, &["check"]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert_eq!(err.matches("TODO placeholder").count(), 1, "{err}");
    assert!(err.contains("left to fill: report_of, chief_officer, contact_officer.name"), "{err}");
    assert!(err.contains("## Summary"), "{err}");

    // Filled in, it checks clean and builds.
    let mut text = read(&report);
    for (from, to) in [
        ("report_of: TODO name and title of the reporting officer", "report_of: Director of Finance"),
        ("chief_officer: TODO name, title", "chief_officer: Jo Bloggs, Chief Executive"),
        (
            "  name: TODO\n  role: TODO\n  phone: TODO\n  email: TODO@example.gov.uk",
            "  name: Sam Smith\n  role: Finance Manager\n  phone: 01234 567890\n  email: sam.smith@borsetshire.gov.uk",
        ),
        ("recommendations_intro: \"TODO e.g. It is recommended that the Committee:\"", "recommendations_intro: \"It is recommended that Cabinet:\""),
        ("  - TODO\n", "  - agrees the budget for consultation.\n"),
    ] {
        assert!(text.contains(from), "scaffold lacks {from:?}");
        text = text.replacen(from, to, 1);
    }
    let lines: Vec<String> = text.lines().map(|l| if l.starts_with("TODO") { "Text of the section.".to_string() } else { l.to_string() }).collect();
    std::fs::write(&report, lines.join("\n") + "\n").unwrap();
    let o = run(&site, &["check"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = build(&site, "init-built");
    assert!(out.join("cabinet/2027-01-06/04-budget-2027-28.pdf").is_file());
    assert!(out.join("cabinet/2027-01-06/agenda-pack.pdf").is_file());

    // Nothing is overwritten.
    let again = run(&site, &["init", "--council", "Other"]);
    assert_eq!(again.status.code(), Some(1));
    assert!(stderr(&again).contains("an agendum site already"));
    let again = run(&site, &["new", "meeting", "cabinet", "2027-01-06"]);
    assert_eq!(again.status.code(), Some(1));
    assert!(stderr(&again).contains("exists already"));
    let unknown = run(&site, &["new", "meeting", "cabnet", "2027-02-06"]);
    assert!(stderr(&unknown).contains("did you mean `cabinet`?"), "{}", stderr(&unknown));
}

#[test]
fn init_can_copy_the_theme_to_make_it_the_councils_own() {
    let site = temp_dir("init-copy").join("site");
    let o = run(&site, &["init", "--council", "Test Council", "--theme", "bromley", "--copy-theme"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(site.join("themes/bromley/theme.yaml").is_file());
    assert!(site.join("themes/bromley/pdf/theme.typ").is_file());
    // The copy is the theme in use: a change to it shows.
    edit(&site.join("themes/bromley/theme.yaml"), "description: London Borough of Bromley report template (2012).", "description: Our own template.");
    let o = run(&site, &["check"]);
    assert!(o.status.success(), "{}", stderr(&o));
}
