//! Regression tests for the holes found by trying the build as an attacker and as a
//! careless user would: each is a case from issue 10's first list.

mod common;

use std::io::Read;
use std::process::{Command, Stdio};

use common::*;

#[test]
fn an_exempt_image_never_replaces_a_public_one_of_the_same_name() {
    let site = copy_site(&fixture("part2"), "image-clash");
    let out = site.parent().unwrap().join("output");
    let res = agendum(&["build", "--html-only", "--site", site.to_str().unwrap(), "--output", out.to_str().unwrap()]);
    assert!(res.status.success(), "{}", stderr(&res));
    let meeting = site.join("content/meetings/2025-06-17-cabinet");
    let public_bytes = std::fs::read(meeting.join("pub/chart.svg")).unwrap();
    let secret_bytes = std::fs::read(meeting.join("secret/chart.svg")).unwrap();
    let page = read(&out.join("cabinet/2025-06-17/03-leisure-contract-award.html"));
    // The page shows the public chart, published under a name of its own.
    let src = page
        .split("<img src=\"")
        .filter_map(|s| s.split('"').next())
        .find(|s| s.starts_with("03-leisure-contract-award-chart-"))
        .expect("the public chart is on the page")
        .to_string();
    assert_eq!(std::fs::read(out.join("cabinet/2025-06-17").join(&src)).unwrap(), public_bytes);
    for f in files_under(&out) {
        assert_ne!(std::fs::read(&f).unwrap(), secret_bytes, "the exempt chart is published as {}", f.display());
    }
}

#[test]
fn the_restricted_folder_cannot_reach_the_public_output_through_a_symlink() {
    let site = copy_site(&fixture("part2"), "symlink");
    let base = site.parent().unwrap();
    let out = base.join("output");
    let res = agendum(&["build", "--html-only", "--site", site.to_str().unwrap(), "--output", out.to_str().unwrap()]);
    assert!(res.status.success(), "{}", stderr(&res));
    std::os::unix::fs::symlink(&out, base.join("pubsym")).unwrap();
    let before = files_under(&out);
    let res =
        agendum(&["build", "--site", site.to_str().unwrap(), "--output", out.to_str().unwrap(), "--restricted", base.join("pubsym/members").to_str().unwrap()]);
    no_panic(&res);
    assert_eq!(res.status.code(), Some(1), "{}", stderr(&res));
    assert!(stderr(&res).contains("overlap"), "{}", stderr(&res));
    assert!(!out.join("members").exists());
    assert_eq!(files_under(&out), before, "the public output changed");
}

#[test]
fn the_output_cannot_be_the_site_or_its_sources() {
    let site = copy_site(&fixture("part2"), "output-dot");
    for target in [".", "content", "content/meetings", "..", "themes/x"] {
        let res = Command::new(env!("CARGO_BIN_EXE_agendum"))
            .current_dir(&site)
            .args(["build", "--html-only", "--output", target])
            .env("NO_COLOR", "1")
            .output()
            .unwrap();
        no_panic(&res);
        assert_eq!(res.status.code(), Some(1), "--output {target}: {}", stderr(&res));
        assert!(stderr(&res).contains("--output"), "--output {target}: {}", stderr(&res));
        assert!(
            site.join("agendum.yaml").is_file() && site.join("content/meetings/2025-06-17-cabinet/meeting.yaml").is_file(),
            "--output {target} harmed the site"
        );
    }
}

#[test]
fn a_folder_agendum_did_not_write_is_never_replaced() {
    let site = copy_site(&fixture("part2"), "not-ours");
    let out = site.parent().unwrap().join("mine");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join("precious.txt"), "keep me").unwrap();
    let res = agendum(&["build", "--html-only", "--site", site.to_str().unwrap(), "--output", out.to_str().unwrap()]);
    no_panic(&res);
    assert_eq!(res.status.code(), Some(1));
    assert!(stderr(&res).contains("not written by agendum"), "{}", stderr(&res));
    assert_eq!(read(&out.join("precious.txt")), "keep me");
}

#[test]
fn a_committee_file_name_cannot_become_a_script_link() {
    let site = copy_site(&fixture("part2"), "js-name");
    std::fs::copy(site.join("content/committees/cabinet.yaml"), site.join("content/committees/javascript:alert(1).yaml")).unwrap();
    let out = site.parent().unwrap().join("output");
    check_and_build_refuse(&site, &["--html-only", "--output", out.to_str().unwrap()], &["content/committees/javascript:alert(1).yaml", "web address"]);
    assert!(!out.exists());
}

#[test]
fn a_markdown_fields_section_is_an_error_not_a_panic() {
    let site = copy_site(&repo(), "fields-md");
    let report = files_under(&site.join("content/meetings")).into_iter().find(|p| p.extension().is_some_and(|e| e == "md")).unwrap();
    let mut text = read(&report);
    text.push_str("\n## Financial\n\nThe costs are met from existing budgets.\n");
    std::fs::write(&report, text).unwrap();
    let out = site.parent().unwrap().join("output");
    check_and_build_refuse(&site, &["--html-only", "--output", out.to_str().unwrap()], &["filled from the front matter"]);
}

#[test]
fn a_closed_pipe_ends_quietly() {
    for args in [vec!["check", "--format", "json"], vec!["dates", "2025-06-17"]] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_agendum"))
            .args(["--site", fixture("part2").to_str().unwrap()])
            .args(&args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut first = [0u8; 10];
        child.stdout.take().unwrap().read_exact(&mut first).unwrap(); // then the pipe closes
        let out = child.wait_with_output().unwrap();
        no_panic(&out);
    }
}

#[test]
fn restricted_without_part2_items_succeeds_and_keeps_the_public_output() {
    let site = copy_site(&repo(), "no-part2");
    let base = site.parent().unwrap();
    let out = base.join("output");
    let members = base.join("members");
    let res =
        agendum(&["build", "--html-only", "--site", site.to_str().unwrap(), "--output", out.to_str().unwrap(), "--restricted", members.to_str().unwrap()]);
    assert!(res.status.success(), "{}", stderr(&res));
    assert!(out.join("index.html").is_file());
    assert!(members.is_dir());
}

#[test]
fn leftovers_of_a_killed_build_are_cleaned() {
    let site = copy_site(&fixture("part2"), "leftovers");
    let base = site.parent().unwrap();
    let out = base.join("output");
    // What `kill -9` in the middle of a build leaves: a pid that is no longer running.
    let mut child = Command::new("sleep").arg("0").spawn().unwrap();
    let dead = child.id();
    child.wait().unwrap();
    for kind in ["staging", "old"] {
        std::fs::create_dir_all(base.join(format!(".output.{kind}-{dead}/x"))).unwrap();
    }
    let res = agendum(&["build", "--html-only", "--site", site.to_str().unwrap(), "--output", out.to_str().unwrap()]);
    assert!(res.status.success(), "{}", stderr(&res));
    let left: Vec<String> =
        std::fs::read_dir(base).unwrap().flatten().map(|e| e.file_name().to_string_lossy().into_owned()).filter(|n| n.starts_with(".output.")).collect();
    assert!(left.iter().all(|n| n == ".output.cache"), "left behind: {left:?}");
}

#[test]
fn the_public_agenda_shows_only_what_the_law_requires_of_an_exempt_item() {
    let out = build(&fixture("part2"), "exempt-agenda");
    let page = read(&out.join("cabinet/2025-06-17/index.html"));
    let text = text(&page);
    assert!(text.contains("Leisure Centres Management Contract - Tender Evaluation"));
    assert!(text.contains("Not for publication by virtue of paragraph 3"));
    for m in ["EXEMPT-MARKER-REPORT-OF", "EXEMPT-MARKER-WARD"] {
        assert!(!page.contains(m), "{m} on the public agenda");
    }
}

#[test]
fn a_public_reference_into_an_exempt_appendix_names_only_the_appendix() {
    let out = build(&fixture("part2"), "exempt-ref");
    let page = read(&out.join("cabinet/2025-06-17/03-leisure-contract-award.html"));
    assert!(!page.contains("walk-away"), "the exempt label is published");
    let t = text(&page);
    assert!(t.contains("The negotiation position is set out in Appendix C of the exempt appendix"), "{t}");
    assert!(!page.contains("EXEMPT-MARKER"));
}

#[test]
fn public_pdfs_are_made_only_from_public_inputs() {
    use agendum::audience::{view, Audience};
    use agendum::pdf::{PdfKind, PdfRenderer};
    let site = fixture("part2");
    let secret = std::fs::read(site.join("content/meetings/2025-06-17-cabinet/secret/chart.svg")).unwrap();
    let folder = agendum::Site::open(&site).unwrap_or_else(|e| panic!("{:?}", e.0));
    let resolved = folder.resolve().unwrap_or_else(|e| panic!("{:?}", e.0));
    let public = view(&resolved, Audience::Public);
    let pdf = PdfRenderer::new(&folder.theme).unwrap();
    let mut inputs = 0;
    for m in public.meetings() {
        for r in &m.reports {
            let job = pdf.prepare(&public, &m.doc, &[r], PdfKind::Report).unwrap();
            for (path, bytes) in job.inputs() {
                inputs += 1;
                assert_ne!(bytes, secret.as_slice(), "the exempt chart is an input of {} as {path}", r.pdf_url);
                assert!(!String::from_utf8_lossy(bytes).contains("EXEMPT-MARKER"), "exempt text in {path} of {}", r.pdf_url);
            }
        }
    }
    assert!(inputs > 2, "the public report's data, chart and appendix pages were seen");
    // The members' view has the exempt chart.
    let members = view(&resolved, Audience::Members);
    assert!(members.assets().values().any(|a| a.bytes.as_slice() == secret.as_slice()));
}

#[test]
fn dates_out_of_any_calendar_are_errors_not_panics() {
    for date in ["262143-12-31", "0001-01-01", "9999-12-31"] {
        let site = copy_site(&fixture("part2"), &format!("date-{}", date.len()));
        let meeting = site.join("content/meetings/2025-06-17-cabinet/meeting.yaml");
        let text = read(&meeting).replace("date: 2025-06-17", &format!("date: {date}"));
        std::fs::write(&meeting, text).unwrap();
        let out = site.parent().unwrap().join("output");
        for args in [vec!["check"], vec!["build", "--html-only", "--output", out.to_str().unwrap()], vec!["dates", date]] {
            let mut all = vec!["--site", site.to_str().unwrap()];
            all.extend(args.iter().copied());
            let res = agendum(&all);
            no_panic(&res);
            assert_ne!(res.status.code(), Some(0), "{date} {args:?}");
        }
    }
}

#[test]
fn an_email_autolink_becomes_a_mailto_link() {
    let site = copy_site(&fixture("part2"), "autolink");
    let report = site.join("content/meetings/2025-06-17-cabinet/03-leisure-contract-award.md");
    let text = read(&report).replace("## Financial implications", "Questions to <leisure@example.gov.uk>.\n\n## Financial implications");
    std::fs::write(&report, text).unwrap();
    let out = site.parent().unwrap().join("output");
    let res = agendum(&["build", "--html-only", "--site", site.to_str().unwrap(), "--output", out.to_str().unwrap()]);
    assert!(res.status.success(), "{}", stderr(&res));
    let page = read(&out.join("cabinet/2025-06-17/03-leisure-contract-award.html"));
    assert!(page.contains("href=\"mailto:leisure@example.gov.uk\""), "{page}");
}

#[test]
fn the_clerk_numbers_agenda_items() {
    let site = copy_site(&fixture("part2"), "item-numbers");
    // (The decision notices name this agenda's items by number: renumbering it would
    // rightly be refused for them, tests/decisions.rs; they are not what this tests.)
    std::fs::remove_dir_all(site.join("content/decisions")).unwrap();
    let meeting = site.join("content/meetings/2025-06-17-cabinet/meeting.yaml");
    let original = read(&meeting);
    // Items 1-6 are procedural and not authored here: the first item is 7, then 8, ...
    std::fs::write(&meeting, original.replace("  - procedural: apologies\n", "  - procedural: apologies\n    number: \"7\"\n")).unwrap();
    let out = site.parent().unwrap().join("output");
    let res = agendum(&["build", "--html-only", "--site", site.to_str().unwrap(), "--output", out.to_str().unwrap()]);
    assert!(res.status.success(), "{}", stderr(&res));
    assert!(out.join("cabinet/2025-06-17/09-leisure-contract-award.html").is_file());
    let page = text(&read(&out.join("cabinet/2025-06-17/index.html")));
    assert!(page.contains("9. Leisure Centres Management Contract Award") || page.contains("9 Leisure Centres Management Contract Award"), "{page}");
    // A lettered item, then a duplicate and a malformed number.
    std::fs::write(&meeting, original.replace("  - report: leisure-contract-award\n", "  - report: leisure-contract-award\n    number: 2a\n")).unwrap();
    let res = agendum(&["build", "--html-only", "--site", site.to_str().unwrap(), "--output", out.to_str().unwrap()]);
    assert!(res.status.success(), "{}", stderr(&res));
    assert!(out.join("cabinet/2025-06-17/2a-leisure-contract-award.html").is_file());
    for (bad, message) in [("\"2\"", "two agenda items are numbered 2"), ("7.1", "is not an agenda item number")] {
        std::fs::write(&meeting, original.replace("  - report: leisure-contract-award\n", &format!("  - report: leisure-contract-award\n    number: {bad}\n")))
            .unwrap();
        check_and_build_refuse(&site, &["--html-only", "--output", out.to_str().unwrap()], &[message, "meeting.yaml:"]);
    }
}
