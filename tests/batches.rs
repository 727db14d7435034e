//! A large archive is built a batch of meetings at a time (so that memory is one
//! batch's). The batches are invisible in what is published: a build in batches of one
//! meeting writes exactly what a build in one batch writes, public and members' folders
//! alike, and what one batch cannot see alone (the same meeting twice) is still refused.

mod common;
use common::*;

use std::path::Path;

fn build_in_batches(site: &Path, out: &Path, members: &Path, batch: &str) {
    let res = agendum_env(
        &["build", "--site", site.to_str().unwrap(), "--output", out.to_str().unwrap(), "--restricted", members.to_str().unwrap()],
        &[("AGENDUM_BATCH_REPORTS", batch)],
    );
    assert!(res.status.success(), "{}", stderr(&res));
}

/// The Part 2 fixture's meeting, and copies a month and three months later.
fn three_meetings(name: &str) -> std::path::PathBuf {
    let site = copy_site(&fixture("part2"), name);
    let june = site.join("content/meetings/2025-06-17-cabinet");
    for (dir, date, published) in [("2025-07-15-cabinet", "2025-07-15", "2025-07-07"), ("2025-09-16-cabinet", "2025-09-16", "2025-09-08")] {
        let to = site.join("content/meetings").join(dir);
        copy_dir(&june, &to);
        edit(&to.join("meeting.yaml"), "date: 2025-06-17", &format!("date: {date}"));
        edit(&to.join("meeting.yaml"), "published: 2025-06-09", &format!("published: {published}"));
    }
    site
}

fn same_files(a: &Path, b: &Path) {
    let (fa, fb) = (files_under(a), files_under(b));
    let rel = |d: &Path, f: &[std::path::PathBuf]| f.iter().map(|p| p.strip_prefix(d).unwrap().to_path_buf()).collect::<Vec<_>>();
    assert_eq!(rel(a, &fa), rel(b, &fb));
    for (x, y) in fa.iter().zip(&fb) {
        assert!(std::fs::read(x).unwrap() == std::fs::read(y).unwrap(), "{} differs", x.display());
    }
}

#[test]
fn batches_of_one_meeting_publish_what_one_batch_publishes() {
    let site = three_meetings("batches");
    let root = site.parent().unwrap();
    build_in_batches(&site, &root.join("one"), &root.join("one-members"), "100000");
    build_in_batches(&site, &root.join("many"), &root.join("many-members"), "1");
    same_files(&root.join("one"), &root.join("many"));
    same_files(&root.join("one-members"), &root.join("many-members"));
    // Every meeting is on the site-wide pages and in the search index.
    let home = read(&root.join("many/cabinet/index.html"));
    for date in ["2025-06-17", "2025-07-15", "2025-09-16"] {
        assert!(home.contains(&format!("{date}/index.html")), "{date} listed");
    }
    let titles = read(&root.join("many/search/meta/0.js"));
    for title in ["Cabinet, 17 June 2025", "Cabinet, 15 July 2025", "Cabinet, 16 September 2025"] {
        assert!(titles.contains(title), "{title} is indexed: {titles}");
    }

    // `check` takes the site in batches too, and says the same either way.
    let check = |batch: &str| {
        let res = agendum_env(&["check", "--site", site.to_str().unwrap(), "--format", "json"], &[("AGENDUM_BATCH_REPORTS", batch)]);
        (res.status.code(), String::from_utf8_lossy(&res.stdout).into_owned())
    };
    let one = check("100000");
    assert_eq!(one, check("1"));
    assert!(one.1.contains("warning"), "{}", one.1);

    // The same meeting twice, in two batches: refused as in one.
    let twice = site.join("content/meetings/2025-09-16-cabinet-again");
    copy_dir(&site.join("content/meetings/2025-09-16-cabinet"), &twice);
    let res = agendum_env(&["build", "--site", site.to_str().unwrap(), "--output", root.join("twice").to_str().unwrap()], &[("AGENDUM_BATCH_REPORTS", "1")]);
    assert!(!res.status.success());
    assert!(stderr(&res).contains("two meetings of the same committee on 2025-09-16"), "{}", stderr(&res));
    assert!(!root.join("twice").exists(), "a refused build writes nothing");
    for batch in ["1", "100000"] {
        let (code, json) = check(batch);
        assert_eq!(code, Some(1), "check fails with batches of {batch}");
        assert_eq!(json.matches("two meetings of the same committee on 2025-09-16").count(), 1, "{json}");
    }
}

#[test]
fn minutes_carry_into_the_next_agenda_across_a_batch_boundary() {
    // The parish council's meetings in batches of one: each agenda still carries the
    // last meeting's minutes, and everything published is what one batch publishes.
    let site = copy_site(&fixture("parish"), "batches-minutes");
    let root = site.parent().unwrap();
    build_in_batches(&site, &root.join("one"), &root.join("one-members"), "100000");
    build_in_batches(&site, &root.join("many"), &root.join("many-members"), "1");
    same_files(&root.join("one"), &root.join("many"));
    same_files(&root.join("one-members"), &root.join("many-members"));
    let february = files_under(&root.join("many")).into_iter().find(|p| p.to_string_lossy().ends_with("2025-02-10/index.html")).expect("February's page");
    assert!(read(&february).contains("minutes of the meeting held on"), "February's agenda carries January's minutes");
}

#[test]
fn site_wide_files_are_read_and_reported_once_whatever_the_batches() {
    // Three meetings in batches of one; a decision notice and a committee file with a
    // fault each: `check` names each fault once, and `build` refuses with them.
    let site = three_meetings("batches-once");
    edit(&site.join("content/decisions/cab-2025-014.yaml"), "item: \"3\"", "item: \"42\"");
    for batch in ["1", "100000"] {
        let res = agendum_env(&["check", "--site", site.to_str().unwrap()], &[("AGENDUM_BATCH_REPORTS", batch)]);
        let said = stderr(&res);
        assert_eq!(res.status.code(), Some(1), "{said}");
        assert_eq!(said.matches("item 42 is not on the agenda of 2025-06-17-cabinet").count(), 1, "batches of {batch}:\n{said}");
    }
    std::fs::write(site.join("content/committees/scrutiny.yaml"), "name: Scrutiny\nkind: scrutiny\nmembers: 7\n").unwrap();
    for batch in ["1", "100000"] {
        let res = agendum_env(&["check", "--site", site.to_str().unwrap()], &[("AGENDUM_BATCH_REPORTS", batch)]);
        let said = stderr(&res);
        assert_eq!(said.matches("content/committees/scrutiny.yaml").count(), 1, "batches of {batch}:\n{said}");
        let out = site.parent().unwrap().join(format!("out-{batch}"));
        let built = agendum_env(&["build", "--site", site.to_str().unwrap(), "--output", out.to_str().unwrap()], &[("AGENDUM_BATCH_REPORTS", batch)]);
        assert!(!built.status.success() && stderr(&built).contains("content/committees/scrutiny.yaml"), "{}", stderr(&built));
        assert!(!out.exists());
    }
}
