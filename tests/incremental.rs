//! Incremental builds: a rebuild compiles only the PDFs whose inputs changed, and its
//! output is byte for byte what a clean build gives.

mod common;
use common::*;

use std::path::Path;

/// Build and return how many PDFs were compiled (from the summary line).
fn build_counting(site: &Path, out: &Path) -> usize {
    let res = agendum(&["build", "--site", site.to_str().unwrap(), "--output", out.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&res.stderr);
    assert!(res.status.success(), "{err}");
    let n = err.split(" compiled)").next().unwrap().rsplit(", ").next().unwrap();
    n.parse().unwrap_or_else(|_| panic!("no count in {err}"))
}

fn snapshot(out: &Path) -> Vec<(String, Vec<u8>)> {
    files_under(out).into_iter().map(|p| (p.strip_prefix(out).unwrap().to_string_lossy().into_owned(), std::fs::read(&p).unwrap())).collect()
}

fn assert_same(a: &Path, b: &Path) {
    let (sa, sb) = (snapshot(a), snapshot(b));
    assert_eq!(sa.iter().map(|f| &f.0).collect::<Vec<_>>(), sb.iter().map(|f| &f.0).collect::<Vec<_>>());
    for ((name, x), (_, y)) in sa.iter().zip(&sb) {
        assert!(x == y, "{name} differs between the incremental and the clean build");
    }
}

#[test]
fn rebuilds_compile_only_what_changed_and_match_a_clean_build() {
    // Two meetings: the fixture's, and a copy a month later.
    let site = copy_site(&fixture("part2"), "incr");
    let june = site.join("content/meetings/2025-06-17-cabinet");
    let july = site.join("content/meetings/2025-07-15-cabinet");
    copy_dir(&june, &july);
    edit(&july.join("meeting.yaml"), "date: 2025-06-17", "date: 2025-07-15");
    edit(&july.join("meeting.yaml"), "published: 2025-06-09", "published: 2025-07-07");
    let out = site.parent().unwrap().join("output");

    // Clean: two public PDFs per meeting (item 3 and the pack), and the site's three
    // decision notices.
    assert_eq!(build_counting(&site, &out), 7);
    // Nothing changed: nothing compiled, same bytes.
    let before = snapshot(&out);
    assert_eq!(build_counting(&site, &out), 0);
    assert_eq!(before, snapshot(&out));

    // One report edited: its item PDF and its meeting's pack only.
    use std::os::unix::fs::MetadataExt;
    let june_pdf = out.join("cabinet/2025-06-17/03-leisure-contract-award.pdf");
    let inode = std::fs::metadata(&june_pdf).unwrap().ino();
    let june_page = out.join("cabinet/2025-06-17/index.html");
    let page_inode = std::fs::metadata(&june_page).unwrap().ino();
    edit(&july.join("03-leisure-contract-award.md"), "## Background and commentary", "## Background and commentary\n\nA sentence added in July.\n");
    assert_eq!(build_counting(&site, &out), 2);
    // June's PDFs were taken from the previous output (the same file, not a new copy),
    // and every PDF is an ordinary writable file of the output alone.
    assert_eq!(std::fs::metadata(&june_pdf).unwrap().ino(), inode, "the unchanged PDF is linked from the previous output");
    assert_eq!(std::fs::metadata(&june_page).unwrap().ino(), page_inode, "so is an unchanged page");
    for f in files_under(&out) {
        assert_eq!(std::fs::metadata(&f).unwrap().nlink(), 1, "{} shares its file", f.display());
    }
    for pdf in pdfs_under(&out, true) {
        assert_ordinary_file(&pdf);
    }
    let clean = site.parent().unwrap().join("clean");
    assert_eq!(build_counting(&site, &clean), 7);
    assert_same(&out, &clean);
    assert!(text(&read(&out.join("cabinet/2025-07-15/03-leisure-contract-award.html"))).contains("A sentence added in July."));

    // The council's name is on every PDF: a config change recompiles them all.
    edit(&site.join("agendum.yaml"), "council: Example Borough Council", "council: Example Borough Council (test)");
    assert_eq!(build_counting(&site, &out), 7);

    // A site template override reaches every PDF too.
    std::fs::create_dir_all(site.join("templates/pdf")).unwrap();
    let theme = std::fs::read_to_string(repo().join("templates/pdf/theme.typ")).unwrap();
    std::fs::write(site.join("templates/pdf/theme.typ"), format!("{theme}\n// a local change\n")).unwrap();
    assert_eq!(build_counting(&site, &out), 7);
    let clean2 = site.parent().unwrap().join("clean2");
    build_counting(&site, &clean2);
    assert_same(&out, &clean2);

    // The cache lives beside the output, never in it, and knows only this build's PDFs,
    // each where the output has it: no PDF is kept twice.
    let cache = site.parent().unwrap().join(".output.cache/pdf");
    let index = std::fs::read_to_string(cache.join("index")).unwrap();
    assert_eq!(index.lines().count(), 7, "{index}");
    for line in index.lines() {
        let place = line.splitn(5, ' ').nth(4).unwrap();
        let rel = place.strip_prefix('=').unwrap_or_else(|| panic!("a published PDF is the cache's own: {line}"));
        assert!(out.join(rel).is_file(), "{line}");
    }
    assert_eq!(std::fs::read_dir(&cache).unwrap().filter(|e| e.as_ref().unwrap().path().extension().is_some_and(|x| x == "pdf")).count(), 0);
    assert!(!files_under(&out).iter().any(|p| p.strip_prefix(&out).unwrap().to_string_lossy().contains(".cache")));

    // An HTML-only build replaces the output without its PDFs, and keeps them for the
    // next full build, which compiles nothing and matches a clean build.
    let res = agendum(&["build", "--html-only", "--site", site.to_str().unwrap(), "--output", out.to_str().unwrap()]);
    assert!(res.status.success(), "{}", stderr(&res));
    assert!(pdfs_under(&out, false).is_empty(), "an HTML-only output has none of agendum's PDFs");
    assert_eq!(build_counting(&site, &out), 0);
    assert_same(&out, &clean2);
    for f in files_under(&out) {
        assert_eq!(std::fs::metadata(&f).unwrap().nlink(), 1, "{} shares its file", f.display());
    }
    // A PDF in the output edited by hand is made again, not taken as it is.
    let pack = out.join("cabinet/2025-06-17/agenda-pack.pdf");
    let mut bytes = std::fs::read(&pack).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    std::thread::sleep(std::time::Duration::from_millis(10));
    std::fs::write(&pack, bytes).unwrap();
    assert_eq!(build_counting(&site, &out), 1);
    assert_same(&out, &clean2);
}

fn mtimes(out: &Path) -> Vec<(std::path::PathBuf, std::time::SystemTime)> {
    files_under(out).into_iter().map(|p| (p.clone(), std::fs::metadata(&p).unwrap().modified().unwrap())).collect()
}

/// A rebuild with nothing changed, in the site or in its output, writes nothing and says
/// what the last build said (its warnings included); anything touched in either means a
/// full build, whose output is the clean build's.
#[test]
fn a_rebuild_with_nothing_changed_writes_nothing_and_anything_touched_rebuilds() {
    let site = copy_site(&fixture("part2"), "unchanged");
    let out = site.parent().unwrap().join("output");
    let run = || {
        let res = agendum(&["build", "--site", site.to_str().unwrap(), "--output", out.to_str().unwrap()]);
        assert!(res.status.success(), "{}", stderr(&res));
        stderr(&res)
    };
    let first = run();
    assert!(first.contains("warning"), "the fixture has a warning: {first}");
    let before = mtimes(&out);
    let again = run();
    assert_eq!(before, mtimes(&out), "nothing in the output was rewritten");
    // The same warnings; the summary says nothing was done.
    let warnings = |s: &str| s.lines().filter(|l| !l.contains(" meeting(s), ")).map(str::to_string).collect::<Vec<_>>();
    assert_eq!(warnings(&first), warnings(&again));
    // "built 1 meeting(s), ... (2 PDF, 2 compiled) into X" then "up to date: 1 meeting(s), ... (2 PDF, 0 compiled) in X".
    let counts = |s: &str, from: &str| s.split(from).nth(1).and_then(|r| r.split(" (").next()).map(str::to_string);
    assert!(counts(&first, "built ").is_some() && counts(&first, "built ") == counts(&again, "up to date: "), "{first}\n{again}");
    assert!(again.contains("PDF, 0 compiled) in "), "{again}");

    let clean = site.parent().unwrap().join("clean");
    let res = agendum(&["build", "--site", site.to_str().unwrap(), "--output", clean.to_str().unwrap()]);
    assert!(res.status.success());
    // An output file edited, or removed: the next build puts it back.
    let page = out.join("cabinet/2025-06-17/index.html");
    let mut changed = std::fs::read(&page).unwrap();
    changed.extend_from_slice(b"<!-- edited by hand -->");
    std::fs::write(&page, changed).unwrap();
    run();
    assert_same(&out, &clean);
    std::fs::remove_file(out.join("cabinet/2025-06-17/agenda-pack.pdf")).unwrap();
    run();
    assert_same(&out, &clean);
    // A source edited: built again. An unchanged PDF is taken from the previous output
    // (linked, not copied again), and is then an ordinary writable file of the output
    // alone, not the cache's.
    let mou = out.join("cabinet/2025-06-17/03-leisure-contract-award-appendix-a.pdf");
    let before = std::fs::read(&mou).unwrap();
    edit(
        &site.join("content/meetings/2025-06-17-cabinet/03-leisure-contract-award.md"),
        "## Background and commentary",
        "## Background and commentary\n\nA sentence added.\n",
    );
    run();
    assert!(text(&read(&out.join("cabinet/2025-06-17/03-leisure-contract-award.html"))).contains("A sentence added."));
    for pdf in pdfs_under(&out, true) {
        assert_ordinary_file(&pdf);
    }
    assert_eq!(std::fs::read(&mou).unwrap(), before);
    let clean3 = site.parent().unwrap().join("clean3");
    let res = agendum(&["build", "--site", site.to_str().unwrap(), "--output", clean3.to_str().unwrap()]);
    assert!(res.status.success());
    assert_same(&out, &clean3);
    // A new file anywhere in the site (a theme, an image) counts too.
    let before = mtimes(&out);
    std::fs::write(site.join("content/notes.txt"), "not used by the site").unwrap();
    run();
    assert_ne!(before, mtimes(&out), "a file added to the site means a build");
    // A folder tagged as a cache (a Cargo target/ beside an example site) is not read by
    // a build, so what changes in it changes nothing; a logo folder is read.
    let target = site.join("target");
    std::fs::create_dir_all(&target).unwrap();
    std::fs::write(target.join("CACHEDIR.TAG"), "Signature: 8a477f597d28d172789f06886806bc55\n").unwrap();
    std::fs::write(target.join("build.bin"), "one").unwrap();
    run();
    std::fs::write(target.join("build.bin"), "two").unwrap();
    assert!(run().contains("up to date"), "a cache folder's files are not inputs");
    std::fs::create_dir_all(site.join("images")).unwrap();
    std::fs::write(site.join("images/logo.svg"), "<svg xmlns=\"http://www.w3.org/2000/svg\"/>").unwrap();
    assert!(!run().contains("up to date"), "any other folder's files are");
}
