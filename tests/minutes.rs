//! After the meeting: minutes (numbered per item or on from meeting to meeting, with
//! resolutions, movers and recorded votes), meeting status, the checks on a clerk's
//! minutes.yaml, and exempt minutes kept out of public output.

mod common;
use common::*;

use std::path::Path;

fn minutes_text(out: &Path, meeting: &str) -> String {
    text(&read(&out.join(meeting).join("minutes.html")))
}

#[test]
fn parish_minutes_number_on_from_meeting_to_meeting_with_named_votes() {
    let out = build(&fixture("parish"), "minutes-parish");
    let january = minutes_text(&out, "full-council/2025-01-13");
    // Five minutes, 2747 to 2751, each under its item's title.
    for (n, title) in [(2747, "Apologies for absence"), (2749, "Minutes of the previous meeting"), (2751, "Precept for 2025/26")] {
        assert!(january.contains(&format!("{n} {title}")), "minute {n} {title} in: {january}");
    }
    let html = read(&out.join("full-council/2025-01-13/minutes.html"));
    assert!(html.contains("id=\"minute-2751\"") && !html.contains("id=\"minute-2752\""));
    assert!(january.contains("Approved as a correct record at the meeting of 10 February 2025, signed by Cllr J. Arden"));
    assert!(january.contains("RESOLVED: That the precept for 2025/26 be set at £48,500."));
    assert!(january.contains("Proposed by Cllr J. Arden, seconded by Cllr P. Bell."));
    assert!(january.contains("Votes: 3 for, 1 against, 0 abstentions. The motion was carried."), "{january}");
    assert!(january.contains("For: Cllr J. Arden, Cllr P. Bell, Cllr S. Cole") && january.contains("Against: Cllr T. Ellis"));
    assert!(
        january.contains("Cllr S. Cole: item 4, disclosable pecuniary interest: owns 6 Mill Lane, next to the application site. Left the room for the item.")
    );
    assert!(january.contains("Apologies for absence Cllr R. Dunn"));
    // February's minutes number on from January's and are still a draft.
    let february = minutes_text(&out, "full-council/2025-02-10");
    assert!(february.contains("2752 Apologies for absence") && february.contains("2755 Village hall car park resurfacing"));
    assert!(february.contains("Draft minutes: not yet approved as a correct record"));
    let page = text(&read(&out.join("full-council/2025-02-10/index.html")));
    assert!(page.contains("Draft minutes of the meeting"), "{page}");
    assert!(text(&read(&out.join("full-council/2025-01-13/index.html"))).contains("Minutes of the meeting"));
    // The minutes are open data, hashed like the packs.
    let data: serde_json::Value = serde_json::from_str(&read(&out.join("full-council/2025-02-10/meeting.json"))).unwrap();
    assert_eq!(data["status"], "passed");
    assert_eq!(data["extras"]["minutes_status"], "draft");
    let notes: Vec<&str> = data["documents"].as_array().unwrap().iter().filter_map(|d| d["note"].as_str()).collect();
    assert!(notes.contains(&"Draft minutes (PDF)") && notes.contains(&"Draft minutes (web page)"), "{notes:?}");
    // The results as data: who attended, and each vote as a Popolo vote event.
    let data: serde_json::Value = serde_json::from_str(&read(&out.join("full-council/2025-01-13/meeting.json"))).unwrap();
    let people: Vec<(&str, &str)> = data["participants"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["entity_type"] == "person")
        .map(|p| (p["name"].as_str().unwrap(), p["note"].as_str().unwrap()))
        .collect();
    assert!(people.contains(&("Cllr T. Ellis", "present")) && people.contains(&("Cllr R. Dunn", "apologies")), "{people:?}");
    let precept = data["extras"]["results"].as_array().unwrap().iter().find(|r| r["minute"] == "2751").unwrap();
    assert_eq!(precept["agenda_item"], "5");
    assert_eq!(precept["vote_event"]["result"], "pass");
    assert_eq!(precept["vote_event"]["counts"][1], serde_json::json!({"option": "no", "value": 1}));
    assert_eq!(precept["vote_event"]["votes"][3], serde_json::json!({"option": "no", "voter_name": "Cllr T. Ellis"}));
    // The committee's own feed, beside its calendar.
    let feed = read(&out.join("full-council/feed.xml"));
    assert!(feed.contains("<title>Ashcombe Parish Council: Parish Council agendas</title>") && feed.matches("<entry>").count() == 3, "{feed}");
}

#[test]
fn cancelled_and_rescheduled_meetings_say_so_everywhere() {
    let out = build(&fixture("parish"), "minutes-status");
    let cancelled = read(&out.join("full-council/2025-03-10/index.html"));
    assert!(text(&cancelled).contains("This meeting has been cancelled There was no business requiring a decision"));
    assert!(cancelled.contains("\"eventStatus\":\"https://schema.org/EventCancelled\""));
    let moved = read(&out.join("full-council/2025-04-14/index.html"));
    assert!(text(&moved).contains("This meeting was moved from 7 April 2025 to 14 April 2025"));
    assert!(moved.contains("\"eventStatus\":\"https://schema.org/EventRescheduled\"") && moved.contains("\"previousStartDate\":\"2025-04-07\""));
    // The calendar: the cancelled meeting is CANCELLED, the moved one keeps its first
    // date's identity with a higher sequence, so subscribers' calendars update in place.
    let ics = read(&out.join("meetings.ics")).replace("\r\n ", "");
    let event = |uid: &str| -> String {
        let start = ics.find(&format!("UID:{uid}")).unwrap_or_else(|| panic!("no event {uid}"));
        ics[start..].split("END:VEVENT").next().unwrap().to_string()
    };
    let march = event("2025-03-10-full-council@");
    assert!(march.contains("STATUS:CANCELLED") && march.contains("SEQUENCE:1"), "{march}");
    let april = event("2025-04-07-full-council@");
    assert!(april.contains("DTSTART;TZID=Europe/London:20250414T193000") && april.contains("STATUS:CONFIRMED") && april.contains("SEQUENCE:1"), "{april}");
    assert!(!ics.contains("UID:2025-04-14"), "the moved meeting has one identity");
    let data: serde_json::Value = serde_json::from_str(&read(&out.join("full-council/2025-03-10/meeting.json"))).unwrap();
    assert_eq!(data["status"], "cancelled");
}

/// A copy of the parish fixture with one file replaced.
fn parish_with(name: &str, rel: &str, content: &str) -> std::path::PathBuf {
    let site = copy_site(&fixture("parish"), name);
    std::fs::write(site.join(rel), content).unwrap();
    site
}

const JANUARY: &str = "content/meetings/2025-01-13-full-council/minutes.yaml";

/// Each slip in a clerk's minutes is refused by `check` and by `build` alike, at its line
/// and field, and the build leaves the previous output as it was.
#[test]
fn slips_in_minutes_are_refused_at_their_place() {
    let head = "first_number: 2747\nattendance:\n  present: [Cllr J. Arden, Cllr P. Bell, Cllr S. Cole]\n";
    let cases: &[(&str, String, &str, &str)] = &[
        (
            "declaration",
            format!("{head}declarations:\n  - member: Cllr S. Cole\n    item: \"9\"\n    kind: other-registrable\n    nature: a neighbour\nminutes:\n  - item: \"1\"\n"),
            "a declaration names item 9, which is not on the agenda",
            ":5:",
        ),
        (
            "votes",
            format!("{head}minutes:\n  - item: \"3\"\n    resolved: That the minutes be approved.\n    votes: {{for: 4, against: 1}}\n"),
            "5 votes are recorded on item 3, but 3 members were present",
            ":5:",
        ),
        (
            "voter",
            format!("{head}minutes:\n  - item: \"1\"\n  - item: \"4\"\n    votes:\n      for: [Cllr J. Arden, Cllr R. Dunn]\n"),
            "Cllr R. Dunn is recorded as voting on item 4, but is not listed as present",
            ":6:",
        ),
        (
            "approved",
            format!("approved:\n  date: 2025-01-06\n{head}minutes:\n  - item: \"1\"\n"),
            "minutes approved on 6 January 2025, not after the meeting they record",
            ":2:",
        ),
        ("webcast", format!("{head}minutes:\n  - item: \"1\"\n    webcast_at: \"00:10:00\"\n"), "a minute gives a webcast time, but the minutes give no webcast", ":5:"),
        ("twice", format!("{head}minutes:\n  - item: \"1\"\n  - item: \"1\"\n"), "item 1 is minuted twice", ":6:"),
        ("numbering", "attendance:\n  present: [Cllr J. Arden]\nminutes:\n  - item: \"1\"\n".to_string(), "these give no first number", "minutes.yaml"),
        ("field", format!("{head}minutes:\n  - item: \"3\"\n    seconded: Cllr P. Bell\n"), "unknown field `seconded`", ":6:"),
    ];
    for (name, yaml, message, place) in cases {
        // A good build first, then the slip.
        let site = copy_site(&fixture("parish"), &format!("minutes-slip-{name}"));
        let out = site.with_extension("out");
        assert!(agendum(&["build", "--site", site.to_str().unwrap(), "--output", out.to_str().unwrap()]).status.success());
        let before = read(&out.join("full-council/2025-01-13/minutes.html"));
        std::fs::write(site.join(JANUARY), yaml).unwrap();
        let checked = agendum(&["check", "--site", site.to_str().unwrap()]);
        let said = String::from_utf8_lossy(&checked.stderr);
        assert!(!checked.status.success(), "{name}: check passed:\n{said}");
        assert!(said.contains(message), "{name}: check said:\n{said}");
        let located = said.lines().any(|l| l.contains("minutes.yaml") && l.contains(place));
        assert!(located, "{name}: not at {place}:\n{said}");
        // build refuses it too, and leaves the previous output as it was.
        let built = agendum(&["build", "--site", site.to_str().unwrap(), "--output", out.to_str().unwrap()]);
        assert!(!built.status.success() && String::from_utf8_lossy(&built.stderr).contains(message), "{name}: build did not refuse it");
        assert_eq!(read(&out.join("full-council/2025-01-13/minutes.html")), before);
    }
    // Minutes of a meeting that was not held.
    let site = parish_with("minutes-slip-cancelled", "content/meetings/2025-03-10-full-council/minutes.yaml", "first_number: 2756\nminutes: []\n");
    let checked = agendum(&["check", "--site", site.to_str().unwrap()]);
    assert!(!checked.status.success() && String::from_utf8_lossy(&checked.stderr).contains("the meeting is cancelled, but has minutes"));
}

#[test]
fn minute_numbers_that_do_not_follow_on_are_warned_of() {
    let feb = "content/meetings/2025-02-10-full-council/minutes.yaml";
    let site = copy_site(&fixture("parish"), "minutes-gap");
    let text = read(&site.join(feb)).replace("first_number: 2752", "first_number: 2760");
    std::fs::write(site.join(feb), text).unwrap();
    let checked = agendum(&["check", "--site", site.to_str().unwrap()]);
    let said = String::from_utf8_lossy(&checked.stderr);
    assert!(checked.status.success(), "a warning, not an error:\n{said}");
    assert!(said.contains("the minutes start at 2760, but the last meeting's (13 January 2025) ended at 2751"), "{said}");
    assert!(said.contains("first_number: 2752"), "the hint gives the number: {said}");
    // A meeting without minutes once the next agenda is out.
    let site = copy_site(&fixture("parish"), "minutes-missing");
    std::fs::remove_file(site.join(feb)).unwrap();
    let said = String::from_utf8_lossy(&agendum(&["check", "--site", site.to_str().unwrap()]).stderr).to_string();
    assert!(said.contains("this meeting has no minutes, and the next one's agenda (14 April 2025) is published on 2025-04-07"), "{said}");
}

/// An exempt minute (of an exempt item, or marked so by the clerk) keeps only its number,
/// heading, statement and public summary in public output; the members' folder has it all.
#[test]
fn exempt_minutes_stay_out_of_public_output() {
    let site = copy_site(&fixture("part2"), "minutes-exempt");
    std::fs::write(
        site.join("content/meetings/2025-06-17-cabinet/minutes.yaml"),
        "attendance:\n  present: [Cllr A, Cllr B, Cllr C]\nexclusion:\n  items: [\"5\"]\n  paragraphs: [3]\nminutes:\n  - item: \"3\"\n    resolved: That the leisure contract be awarded.\n  - item: \"5\"\n    text: The tender scores were discussed. ZQXSECRETTEXT\n    resolved: That Bidder ZQXSECRETBIDDER be appointed.\n    proposer: Cllr ZQXSECRETMOVER\n    votes: {for: 2, against: 1}\n    public_summary: The Cabinet agreed the recommendations in the exempt report.\n",
    )
    .unwrap();
    let dir = temp_dir("minutes-exempt-out");
    let (out, members) = (dir.join("output"), dir.join("members"));
    let res = agendum(&["build", "--site", site.to_str().unwrap(), "--output", out.to_str().unwrap(), "--restricted", members.to_str().unwrap()]);
    assert!(res.status.success(), "{}", String::from_utf8_lossy(&res.stderr));
    for f in files_under(&out) {
        let bytes = std::fs::read(&f).unwrap();
        assert!(!bytes.windows(9).any(|w| w == b"ZQXSECRET"), "exempt minute in {}", f.display());
    }
    let public = minutes_text(&out, "cabinet/2025-06-17");
    assert!(public.contains("Not for publication by virtue of paragraph 3"), "{public}");
    assert!(public.contains("The Cabinet agreed the recommendations in the exempt report."));
    assert!(public.contains("RESOLVED: That the press and public be excluded from the meeting for item 5"));
    assert!(public.contains("RESOLVED: That the leisure contract be awarded."));
    // The members' minutes PDF is theirs alone; its data carried the whole minute.
    assert!(members.join("cabinet/2025-06-17/minutes.pdf").is_file(), "members' minutes PDF");
    assert!(out.join("cabinet/2025-06-17/minutes.pdf").is_file(), "public minutes PDF");
}

/// The next agenda carries the last meeting's minutes for approval, without the clerk
/// attaching them: on its page, and in its pack after the front sheet.
#[test]
fn the_next_agenda_carries_the_draft_minutes() {
    let out = build(&fixture("parish"), "minutes-carried");
    let april = text(&read(&out.join("full-council/2025-04-14/index.html")));
    assert!(april.contains("Draft minutes of the meeting held on 10 February 2025"), "{april}");
    assert!(april.contains("2755 Village hall car park resurfacing"));
    // The cancelled March meeting is skipped; January's agenda has no earlier minutes.
    let january = text(&read(&out.join("full-council/2025-01-13/index.html")));
    assert!(!january.contains("Minutes of the meeting held on") && !january.contains("Draft minutes of the meeting held on"), "{january}");
    // February's agenda carries January's, approved since.
    let february = text(&read(&out.join("full-council/2025-02-10/index.html")));
    assert!(february.contains("Minutes of the meeting held on 13 January 2025") && february.contains("2751 Precept for 2025/26"), "{february}");
}

/// A councillor's page: committees, ward, the register of interests, and attendance
/// counted from the published minutes.
#[test]
fn councillors_pages_count_attendance_from_the_minutes() {
    let out = build(&fixture("parish"), "minutes-councillors");
    let dunn = text(&read(&out.join("councillors/cllr-r-dunn.html")));
    // January: apologies; February: present; March cancelled; April has no minutes yet.
    assert!(dunn.contains("Ward Ashcombe South"), "{dunn}");
    assert!(dunn.contains("Parish Council 2 1 1 0 50%"), "{dunn}");
    assert!(dunn.contains("Parish Council, 13 January 2025 : Apologies") && dunn.contains("Parish Council, 10 February 2025 : Present"));
    let arden = read(&out.join("councillors/cllr-j-arden.html"));
    assert!(arden.contains("href=\"https://ashcombe-pc.example.org/interests/arden.html\""));
    assert!(text(&arden).contains("Parish Council 2 2 0 0 100%"));
    let index = text(&read(&out.join("councillors/index.html")));
    assert!(index.contains("Cllr J. Arden (Independent, Ashcombe North)") && index.contains("Cllr T. Ellis"), "{index}");
}

/// Approved minutes are the record: `--freeze` keeps them as approved, later builds
/// publish those bytes, and an edit to them is refused; draft minutes stay open.
#[test]
fn approved_minutes_are_frozen_like_a_published_pack() {
    let site = copy_site(&fixture("parish"), "minutes-frozen");
    let out = site.with_extension("out");
    let res = agendum(&["build", "--freeze", "--site", site.to_str().unwrap(), "--output", out.to_str().unwrap()]);
    assert!(res.status.success(), "{}", String::from_utf8_lossy(&res.stderr));
    let lock = read(&site.join("agendum.lock"));
    assert!(lock.contains("full-council/2025-01-13/minutes.pdf"), "approved minutes frozen: {lock}");
    assert!(!lock.contains("full-council/2025-02-10/minutes.pdf"), "draft minutes are not: {lock}");
    let frozen = std::fs::read(site.join("frozen/full-council/2025-01-13/minutes.pdf")).unwrap();
    assert_eq!(frozen, std::fs::read(out.join("full-council/2025-01-13/minutes.pdf")).unwrap());
    // A draft may still change.
    let feb = site.join("content/meetings/2025-02-10-full-council/minutes.yaml");
    std::fs::write(&feb, read(&feb).replace("Three quotations were considered.", "Three quotations were considered in detail.")).unwrap();
    assert!(agendum(&["build", "--site", site.to_str().unwrap(), "--output", out.to_str().unwrap()]).status.success());
    // The approved record may not.
    let jan = site.join("content/meetings/2025-01-13-full-council/minutes.yaml");
    std::fs::write(&jan, read(&jan).replace("The council considered application", "The council discussed application")).unwrap();
    let checked = agendum(&["check", "--site", site.to_str().unwrap()]);
    assert!(!checked.status.success() && String::from_utf8_lossy(&checked.stderr).contains("are frozen"), "check reports it too");
    let res = agendum(&["build", "--site", site.to_str().unwrap(), "--output", out.to_str().unwrap()]);
    let said = String::from_utf8_lossy(&res.stderr);
    assert!(!res.status.success(), "an edit to approved minutes was published");
    assert!(said.contains("were approved as a correct record on 2025-02-10 and are frozen"), "{said}");
    assert!(said.contains("content/meetings/2025-01-13-full-council/minutes.yaml"), "{said}");
    assert_eq!(std::fs::read(out.join("full-council/2025-01-13/minutes.pdf")).unwrap(), frozen, "the output kept the approved minutes");
}

/// `agendum new minutes` writes the record's skeleton from the agenda and the committee,
/// numbered on from the last minutes where the theme numbers continuously, and it checks.
#[test]
fn new_minutes_starts_the_record_from_the_agenda() {
    let site = copy_site(&fixture("parish"), "minutes-new");
    let res = agendum(&["--site", site.to_str().unwrap(), "new", "minutes", "2025-04-14-full-council"]);
    assert!(res.status.success(), "{}", String::from_utf8_lossy(&res.stderr));
    let written = read(&site.join("content/meetings/2025-04-14-full-council/minutes.yaml"));
    // February's minutes were 2752 to 2755.
    assert!(written.contains("first_number: 2756"), "{written}");
    assert!(written.contains("- item: \"3\"   # Minutes of the previous meeting") && written.contains("\"Cllr R. Dunn\""), "{written}");
    let checked = agendum(&["check", "--site", site.to_str().unwrap()]);
    assert!(checked.status.success(), "{}", String::from_utf8_lossy(&checked.stderr));
    // Never over a file that exists.
    let again = agendum(&["--site", site.to_str().unwrap(), "new", "minutes", "2025-04-14-full-council"]);
    assert!(!again.status.success() && String::from_utf8_lossy(&again.stderr).contains("this file exists already"));
    assert_eq!(read(&site.join("content/meetings/2025-04-14-full-council/minutes.yaml")), written);
}
