//! The published site as a web team would host it: pages, links, feeds, calendars, open
//! data, the manifest, frozen packs, Part 2 kept out, and the preview server.

mod common;
use common::*;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// Every `href`/`src` value in an HTML page.
fn links(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in ["href=\"", "src=\""] {
        for part in html.split(attr).skip(1) {
            out.push(part[..part.find('"').unwrap()].replace("&amp;", "&"));
        }
    }
    out
}

/// Checks every internal link and `#fragment` of every page; returns how many it checked.
fn assert_links_resolve(out: &Path) -> usize {
    let mut checked = 0;
    for page in files_under(out).into_iter().filter(|p| p.extension().is_some_and(|e| e == "html")) {
        let html = read(&page);
        for link in links(&html) {
            if link.starts_with("http://") || link.starts_with("https://") || link.starts_with("mailto:") || link.starts_with("tel:") {
                continue;
            }
            let (path, fragment) = link.split_once('#').map(|(p, f)| (p, Some(f))).unwrap_or((link.as_str(), None));
            let target: PathBuf = if path.is_empty() { page.clone() } else { page.parent().unwrap().join(path) };
            let target = normalise(&target);
            assert!(target.starts_with(out), "{}: link {link} leaves the site", page.display());
            assert!(target.is_file(), "{}: link {link} is broken", page.display());
            if let Some(f) = fragment {
                let body = read(&target);
                assert!(body.contains(&format!("id=\"{f}\"")), "{}: link {link} has no target #{f}", page.display());
            }
            checked += 1;
        }
    }
    checked
}

fn normalise(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            c => out.push(c),
        }
    }
    out
}

#[test]
fn every_internal_link_and_fragment_resolves_on_every_site() {
    for (site, name) in [
        (repo(), "links-bromley"),
        (fixture("bromsgrove"), "links-bromsgrove"),
        (fixture("haringey"), "links-haringey"),
        (fixture("part2"), "links-part2"),
        (fixture("parish"), "links-parish"),
    ] {
        let out = build(&site, name);
        let n = assert_links_resolve(&out);
        assert!(n > 40, "{name}: only {n} links checked");
    }
}

#[test]
fn the_example_site_is_a_complete_publication() {
    let out = build(&repo(), "site-pages");
    let base = "improvement-and-efficiency/2012-04-18";
    // Home: the meeting is in the past, so it is among the latest agendas.
    let home = read(&out.join("index.html"));
    let home_text = text(&home);
    let (exec, sub) = (
        home_text.find("Latest agendas Executive, 23 May 2012").unwrap_or(usize::MAX),
        home_text.find("Improvement and Efficiency Sub-Committee, 18 April 2012"),
    );
    assert!(sub.is_some_and(|s| exec < s), "newest first: {home_text}");
    assert!(home.contains(&format!("href=\"{base}/agenda-pack.pdf\"")));
    assert!(home.contains("<link rel=\"canonical\" href=\"https://democracy.example.gov.uk/index.html\">"));
    // Committee page: members and past meetings by year, and its calendar.
    let committee = text(&read(&out.join("improvement-and-efficiency/index.html")));
    assert!(committee.contains("Past meetings 2012 Improvement and Efficiency Sub-Committee, 18 April 2012"), "{committee}");
    assert!(committee.contains("Councillor A. Chairman (Chairman)"));
    assert!(out.join("improvement-and-efficiency/meetings.ics").is_file());
    // Archive by year.
    assert!(text(&read(&out.join("archive/index.html"))).contains("2012 (2 meetings)"));
    assert!(read(&out.join("archive/2012.html")).contains(&format!("href=\"../{base}/index.html\"")));
    // Forward plan: soonest first, with the exemption paragraph.
    let plan = text(&read(&out.join("forward-plan.html")));
    let (a, b) = (plan.find("Shared services with the Royal Borough").unwrap(), plan.find("Contract for the Council's insurance cover").unwrap());
    assert!(a < b);
    assert!(plan.contains("Expected 23 May 2012") && plan.contains("Expected June 2012"), "{plan}");
    assert!(plan.contains("paragraph 3 of Part 1 of Schedule 12A"));
    // Meeting page: breadcrumbs through the committee, JSON-LD with the BST offset.
    let meeting = read(&out.join(format!("{base}/index.html")));
    assert!(meeting.contains("<li><a href=\"../../improvement-and-efficiency/index.html\">Improvement and Efficiency Sub-Committee</a></li>"));
    let ld = meeting.split("<script type=\"application/ld+json\">").nth(1).unwrap().split("</script>").next().unwrap();
    let ld: serde_json::Value = serde_json::from_str(ld).unwrap();
    assert_eq!(ld["@type"], "Event");
    assert_eq!(ld["startDate"], "2012-04-18T19:00:00+01:00");
    assert_eq!(ld["url"], format!("https://democracy.example.gov.uk/{base}/index.html"));
    // Search: the whole text is indexed, split by the first letters of each word; a
    // word deep in the report (a question inside paragraph 3.16) finds it.
    let call = |file: &str, name: &str| -> Vec<serde_json::Value> {
        let text = read(&out.join(file));
        let args = text.strip_prefix(&format!("agendumSearch.{name}(")).unwrap().trim_end().strip_suffix(");").unwrap();
        serde_json::from_str(&format!("[{args}]")).unwrap()
    };
    let docs = call("search/docs.js", "docs");
    let meta = call("search/meta/0.js", "meta");
    let report = meta[1].as_array().unwrap().iter().position(|d| d[0] == "4. Shared Services Update").expect("the report is indexed");
    assert_eq!(docs[0].as_array().unwrap().len(), meta[1].as_array().unwrap().len(), "facets for every document");
    // The word's file: under the longest listed prefix of the word.
    let word = "redundancies";
    let prefix = docs[2].as_array().unwrap().iter().filter_map(|p| p.as_str()).filter(|p| word.starts_with(p)).max_by_key(|p| p.len()).unwrap();
    let terms = call(&format!("search/terms/{prefix}.js"), "terms");
    let postings = terms[1][word].as_array().expect("a word from paragraph 3.16 is indexed");
    // Documents are gaps from the one before.
    let mut n = 0;
    let found: Vec<u64> = postings
        .chunks(2)
        .map(|p| {
            n += p[0].as_u64().unwrap();
            n
        })
        .collect();
    assert!(found.contains(&(report as u64)), "{postings:?}");
    let text = call(&format!("search/text/{report}.js"), "text");
    assert!(text[1].as_str().unwrap().contains("Who will pay for redundancies?"));
    assert!(read(&out.join("search.html")).contains("static/search.js"));
    // Sitemap: every page but the search page, absolute.
    let sitemap = read(&out.join("sitemap.xml"));
    for page in files_under(&out).iter().filter(|p| p.extension().is_some_and(|e| e == "html")) {
        let rel = page.strip_prefix(&out).unwrap().to_string_lossy();
        assert_eq!(sitemap.contains(&format!("<loc>https://democracy.example.gov.uk/{rel}</loc>")), rel != "search.html", "{rel}");
    }
}

#[test]
fn manifest_lists_every_published_file_with_its_sha256() {
    let out = build(&fixture("part2"), "manifest");
    let manifest: serde_json::Value = serde_json::from_str(&read(&out.join("manifest.json"))).unwrap();
    let listed: Vec<&serde_json::Value> = manifest["files"].as_array().unwrap().iter().collect();
    let on_disk: BTreeSet<String> =
        files_under(&out).iter().map(|p| p.strip_prefix(&out).unwrap().to_string_lossy().into_owned()).filter(|p| p != "manifest.json").collect();
    let names: BTreeSet<String> = listed.iter().map(|f| f["path"].as_str().unwrap().to_string()).collect();
    assert_eq!(names, on_disk);
    for f in listed {
        let bytes = std::fs::read(out.join(f["path"].as_str().unwrap())).unwrap();
        assert_eq!(f["sha256"], sha256(&bytes), "{}", f["path"]);
        assert_eq!(f["size"], bytes.len());
    }
}

#[test]
fn open_data_gives_each_document_with_its_media_type_and_sha256() {
    let out = build(&fixture("part2"), "opendata");
    let base = "cabinet/2025-06-17";
    let v: serde_json::Value = serde_json::from_str(&read(&out.join(format!("{base}/meeting.json")))).unwrap();
    assert_eq!(v["_type"], "event");
    assert_eq!(v["timezone"], "Europe/London");
    assert_eq!(v["start_date"], "2025-06-17T18:30:00+01:00");
    let pack = &v["documents"][0]["links"][0];
    assert_eq!(pack["media_type"], "application/pdf");
    let path = pack["url"].as_str().unwrap();
    let local = path.split_once(&format!("{base}/")).map(|(_, f)| format!("{base}/{f}")).unwrap();
    assert_eq!(pack["sha256"], sha256(&std::fs::read(out.join(local)).unwrap()));
    // The exempt item is on the agenda with its statement, and has no documents.
    let exempt = v["agenda"].as_array().unwrap().iter().find(|i| i["description"].as_str().unwrap().contains("Tender Evaluation")).unwrap();
    assert!(exempt["notes"][0].as_str().unwrap().starts_with("Not for publication by virtue of paragraph 3"));
    assert_eq!(exempt["media"].as_array().unwrap().len(), 0);
}

#[test]
fn calendars_have_stable_uids_and_london_times() {
    let out = build(&fixture("part2"), "ics");
    let ics = read(&out.join("cabinet/meetings.ics"));
    assert!(ics.contains("\r\nUID:2025-06-17-cabinet@"));
    assert!(ics.contains("\r\nDTSTART;TZID=Europe/London:20250617T183000\r\n"));
    assert!(ics.contains("\r\nTZID:Europe/London\r\n"));
    assert!(ics.lines().all(|l| l.len() <= 76), "lines are folded");
    // The UID does not depend on the build: a second build gives the same calendar.
    let again = build(&fixture("part2"), "ics-again");
    assert_eq!(ics, read(&again.join("cabinet/meetings.ics")));
}

#[test]
fn upcoming_meetings_follow_the_build_date() {
    let site = fixture("part2");
    let dir = temp_dir("upcoming");
    for (epoch, upcoming) in [("1748736000", true), ("1767225600", false)] {
        // 1 June 2025 (before the meeting), then 1 January 2026 (after).
        let out = dir.join(epoch);
        let res = agendum_env(&["build", "--html-only", "--site", site.to_str().unwrap(), "--output", out.to_str().unwrap()], &[("SOURCE_DATE_EPOCH", epoch)]);
        assert!(res.status.success(), "{}", String::from_utf8_lossy(&res.stderr));
        let home = text(&read(&out.join("index.html")));
        assert_eq!(home.contains("Upcoming meetings Cabinet, 17 June 2025"), upcoming, "{home}");
    }
}

#[test]
fn exempt_markers_never_reach_public_text_output() {
    let site = fixture("part2");
    // The fixture does carry the markers, in both exempt reports and the exempt appendix.
    let sources: String = files_under(&site.join("content")).iter().filter(|p| p.extension().is_some_and(|e| e == "md")).map(|p| read(p)).collect();
    assert!(sources.matches("EXEMPT-MARKER").count() >= 4);
    let out = temp_dir("leak").join("output");
    let restricted = temp_dir("leak-restricted").join("members");
    let res = agendum(&["build", "--site", site.to_str().unwrap(), "--output", out.to_str().unwrap(), "--restricted", restricted.to_str().unwrap()]);
    assert!(res.status.success(), "{}", String::from_utf8_lossy(&res.stderr));
    let mut scanned = 0;
    for f in files_under(&out) {
        let name = f.strip_prefix(&out).unwrap().to_string_lossy().into_owned();
        assert!(!name.to_uppercase().contains("EXEMPT-MARKER") && !name.contains("tender-evaluation"), "{name} is published");
        if f.extension().is_some_and(|e| e == "pdf") {
            continue; // PDF text is checked with pdftotext in tests/pdf_tools.rs
        }
        let bytes = std::fs::read(&f).unwrap();
        assert!(!String::from_utf8_lossy(&bytes).contains("EXEMPT-MARKER"), "{name} leaks exempt text");
        scanned += 1;
    }
    // Pages, search index, feed, calendars, sitemap, open data and manifest were all scanned.
    for must in ["index.html", "search/docs.js", "feed.xml", "meetings.ics", "sitemap.xml", "cabinet/2025-06-17/meeting.json", "manifest.json"] {
        assert!(out.join(must).is_file(), "{must}");
    }
    assert!(scanned >= 15, "{scanned}");
}

fn build_in(site: &Path, out: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec!["build", "--site", site.to_str().unwrap(), "--output", out.to_str().unwrap()];
    args.extend_from_slice(extra);
    agendum(&args)
}

#[test]
fn a_published_pack_is_frozen_until_a_supplement_or_reissue() {
    let site = copy_site(&fixture("part2"), "freeze");
    let out = site.parent().unwrap().join("output");
    let pack = "cabinet/2025-06-17/agenda-pack.pdf";
    let meeting = site.join("content/meetings/2025-06-17-cabinet/meeting.yaml");
    let report = site.join("content/meetings/2025-06-17-cabinet/03-leisure-contract-award.md");

    let res = build_in(&site, &out, &["--freeze"]);
    assert!(res.status.success(), "{}", String::from_utf8_lossy(&res.stderr));
    assert!(String::from_utf8_lossy(&res.stderr).contains(&format!("froze {pack}")));
    let published = std::fs::read(out.join(pack)).unwrap();
    assert_eq!(std::fs::read(site.join("frozen").join(pack)).unwrap(), published);
    let lock: serde_json::Value = serde_json::from_str(&read(&site.join("agendum.lock"))).unwrap();
    assert_eq!(lock["packs"][pack]["sha256"], sha256(&published));

    // A later build with the same content publishes the frozen file as it is.
    assert!(build_in(&site, &out, &[]).status.success());
    assert_eq!(std::fs::read(out.join(pack)).unwrap(), published);

    // Changing a report in the pack fails, naming the meeting, and leaves output alone.
    edit(&report, "## Background", "## Background\n\nA sentence added after publication.\n");
    let res = build_in(&site, &out, &[]);
    assert_eq!(res.status.code(), Some(1));
    let err = String::from_utf8_lossy(&res.stderr);
    assert!(err.contains("content/meetings/2025-06-17-cabinet/meeting.yaml") && err.contains("was published on 2025-06-09 and is frozen"), "{err}");
    assert!(err.contains("reissued:"), "{err}");
    assert_eq!(std::fs::read(out.join(pack)).unwrap(), published);

    // A re-issue with a reason lets it through; the meeting page says why.
    edit(&meeting, "items:", "reissued:\n  - date: 2025-06-11\n    reason: Paragraph 4.2 corrected to give the contract length.\nitems:");
    let res = build_in(&site, &out, &["--freeze"]);
    assert!(res.status.success(), "{}", String::from_utf8_lossy(&res.stderr));
    let reissued = std::fs::read(out.join(pack)).unwrap();
    assert_ne!(reissued, published);
    let page = text(&read(&out.join("cabinet/2025-06-17/index.html")));
    assert!(page.contains("Re-issued 11 June 2025 : Paragraph 4.2 corrected to give the contract length."), "{page}");

    // A late item goes out as a supplementary agenda: the frozen pack stays as it is.
    // (Late items go at the end, so that the published item numbers stand.)
    let yaml = read(&meeting);
    std::fs::write(&meeting, format!("{yaml}  - procedural: other\n    title: Leisure centre opening hours\n    text: An urgent item on opening hours over the summer.\n    added: 2025-06-13\n    urgency: The summer timetable must be agreed before the next meeting.\n")).unwrap();
    let res = build_in(&site, &out, &[]);
    assert!(res.status.success(), "{}", String::from_utf8_lossy(&res.stderr));
    assert_eq!(std::fs::read(out.join(pack)).unwrap(), reissued);
    assert!(out.join("cabinet/2025-06-17/supplement-2025-06-13.pdf").is_file());
    let json: serde_json::Value = serde_json::from_str(&read(&out.join("cabinet/2025-06-17/meeting.json"))).unwrap();
    assert!(json["documents"].as_array().unwrap().iter().any(|d| d["note"] == "Supplementary agenda, 13 June 2025"));
    let page = text(&read(&out.join("cabinet/2025-06-17/index.html")));
    assert!(page.contains("Supplementary agenda, published 13 June 2025 (PDF, ") && page.contains("1 page)"), "{page}");
    assert!(page.contains("Added on 13 June 2025 (supplementary agenda). Reason for urgency: The summer timetable"), "{page}");

    // The frozen copy is tamper-evident.
    let mut bytes = std::fs::read(site.join("frozen").join(pack)).unwrap();
    let n = bytes.len();
    bytes[n - 10] ^= 1;
    std::fs::write(site.join("frozen").join(pack), bytes).unwrap();
    let res = build_in(&site, &out, &[]);
    assert_eq!(res.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&res.stderr).contains("has been altered"), "{}", String::from_utf8_lossy(&res.stderr));
}

mod serve {
    use super::*;
    use std::io::{Read, Write};
    use std::net::TcpStream;
    use std::time::{Duration, Instant};

    fn get(port: u16, path: &str) -> Option<(u16, String)> {
        let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
        s.set_read_timeout(Some(Duration::from_secs(5))).ok()?;
        write!(s, "GET {path} HTTP/1.1\r\nHost: localhost\r\n\r\n").ok()?;
        let mut body = String::new();
        s.read_to_string(&mut body).ok()?;
        let status = body.split_whitespace().nth(1)?.parse().ok()?;
        Some((status, body))
    }

    fn wait_for(port: u16, path: &str, want: impl Fn(u16, &str) -> bool) -> (u16, String) {
        let start = Instant::now();
        loop {
            if let Some((status, body)) = get(port, path) {
                if want(status, &body) {
                    return (status, body);
                }
            }
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "server never showed what was expected at {path}; last answer: {:?}",
                get(port, path).map(|(s, b)| (s, b.chars().take(2000).collect::<String>()))
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    }

    struct Kill(std::process::Child);
    impl Drop for Kill {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }

    #[test]
    fn preview_rebuilds_on_change_and_shows_errors_in_the_browser() {
        let site = copy_site(&fixture("haringey"), "serve");
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let child = std::process::Command::new(env!("CARGO_BIN_EXE_agendum"))
            .args(["serve", "--html-only", "--quiet", "--port", &port.to_string(), "--site", site.to_str().unwrap()])
            // The preview is built in the temporary folder: this test's own, swept later.
            .env("TMPDIR", site.parent().unwrap())
            .stderr(std::fs::File::create(site.with_extension("serve.log")).unwrap())
            .spawn()
            .unwrap();
        let _guard = Kill(child);
        let (_, home) = wait_for(port, "/", |s, _| s == 200);
        assert!(home.contains("/__agendum/generation"), "pages get the reload script");
        assert!(get(port, "/../../etc/passwd").map(|(s, _)| s) == Some(404));
        // Break the meeting file: the browser shows the error, with file and line.
        let meeting = files_under(&site.join("content/meetings")).into_iter().find(|p| p.ends_with("meeting.yaml")).unwrap();
        let good = read(&meeting);
        std::fs::write(&meeting, good.replacen("venue:", "venu:", 1)).unwrap();
        let (status, page) = wait_for(port, "/", |s, _| s == 500);
        assert_eq!(status, 500);
        assert!(page.contains("The build failed") && page.contains("meeting.yaml") && page.contains("venu"), "{page}");
        // Fix it: the site comes back.
        std::fs::write(&meeting, good).unwrap();
        wait_for(port, "/", |s, b| s == 200 && b.contains("Committee meetings"));
    }
}
