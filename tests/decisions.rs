//! Decision notices: call-in periods and effective dates on the working-day calendar,
//! the register and its data, exempt notices withheld, and the checks on a notice.

mod common;
use common::*;

use serde_json::Value;

fn register(out: &std::path::Path) -> Value {
    serde_json::from_str(&read(&out.join("decisions/decisions.json"))).unwrap()
}

fn decision<'a>(data: &'a Value, reference: &str) -> &'a Value {
    data["decisions"].as_array().unwrap().iter().find(|d| d["reference"] == reference).unwrap_or_else(|| panic!("no {reference}"))
}

#[test]
fn call_in_periods_and_effective_dates_follow_the_constitution() {
    let out = build(&fixture("part2"), "decisions-dates");
    let data = register(&out);
    // Published Thursday 19 June 2025: five clear working days are 20, 23, 24, 25 and 26
    // June. It was called in on the 24th, so it takes effect only when scrutiny says.
    let called = decision(&data, "CAB-2025-014");
    assert_eq!(called["call_in"]["ends"], "2025-06-26");
    assert_eq!(called["call_in"]["status"], "called-in");
    assert_eq!(called["takes_effect"], Value::Null);
    assert_eq!(called["forward_plan_reference"], "KD-2025-07");
    // Urgent: not subject to call-in, in effect the day it was taken.
    let urgent = decision(&data, "CAB-2025-015");
    assert_eq!(urgent["call_in"]["status"], "not-subject");
    assert_eq!(urgent["takes_effect"], "2025-06-17");
    assert!(urgent["call_in"]["urgency"].as_str().unwrap().contains("standstill period"));
    // An officer decision is never called in.
    assert_eq!(decision(&data, "OD-2025-031")["call_in"]["status"], "not-subject");

    // A decision published before a bank holiday weekend: Friday 2 May 2025, with the
    // Monday a bank holiday, runs 6 to 12 May and takes effect on the 13th.
    let site = copy_site(&fixture("part2"), "decisions-bank-holiday");
    let file = site.join("content/decisions/cab-2025-014.yaml");
    let text = read(&file)
        .replace("date: 2025-06-17", "date: 2025-05-01")
        .replace("meeting: 2025-06-17-cabinet", "taken_by: {name: Councillor A. Leader, role: Leader of the Council}")
        .replace("published: 2025-06-19", "published: 2025-05-02");
    let text = text.split("call_in:").next().unwrap().to_string() + "signed: {name: Councillor A. Leader, date: 2025-05-02}\n";
    std::fs::write(&file, text).unwrap();
    let out = build(&site, "decisions-bank-holiday-out");
    let moved = register(&out);
    let d = decision(&moved, "CAB-2025-014");
    assert_eq!(d["call_in"]["ends"], "2025-05-12", "{d}");
    assert_eq!(d["takes_effect"], "2025-05-13");
    assert_eq!(d["call_in"]["status"], "open");
}

#[test]
fn the_register_lists_every_notice_and_withholds_exempt_ones() {
    let out = build(&fixture("part2"), "decisions-register");
    let page = text(&read(&out.join("decisions/index.html")));
    for (reference, title) in
        [("CAB-2025-014", "Leisure centres management contract award"), ("CAB-2025-015", "Leisure tender evaluation"), ("OD-2025-031", "Temporary closure")]
    {
        assert!(page.contains(&format!("{reference} {title}")), "{reference} in the register: {page}");
    }
    assert!(page.contains("Called in") && page.contains("Not subject to call-in"));
    let html = read(&out.join("decisions/index.html"));
    assert!(html.contains("data-key=\"yes\"") && html.contains("data-callin=\"called-in\"") && html.contains("data-committee=\"cabinet\""));
    // Every page links to the register.
    assert!(read(&out.join("index.html")).contains("decisions/index.html"));
    // The notice: maker linked to the meeting, key decision to the forward plan.
    let notice = read(&out.join("decisions/cab-2025-014.html"));
    assert!(notice.contains("href=\"../cabinet/2025-06-17/index.html\""));
    assert!(notice.contains("href=\"../forward-plan.html#kd-kd-2025-07\""), "forward plan link");
    assert!(read(&out.join("forward-plan.html")).contains("id=\"kd-kd-2025-07\""));
    assert!(text(&notice).contains("Called in 24 June 2025 by Cllr D. Scrutiny, Cllr E. Scrutiny, Cllr F. Scrutiny"));
    // The exempt notice: its statement and public summary, none of its record.
    let exempt = text(&read(&out.join("decisions/cab-2025-015.html")));
    assert!(exempt.contains("Not for publication by virtue of paragraph 3") && exempt.contains("Cabinet agreed the evaluation of the leisure tenders"));
    for f in files_under(&out) {
        let bytes = std::fs::read(&f).unwrap();
        assert!(!bytes.windows(13).any(|w| w == b"EXEMPT-MARKER"), "exempt text in {}", f.display());
    }
    // The feed: one entry per published notice, newest first.
    let feed = read(&out.join("decisions/feed.xml"));
    assert_eq!(feed.matches("<entry>").count(), 3);
    assert!(feed.find("OD-2025-031").unwrap() < feed.find("CAB-2025-014").unwrap());
}

/// Each slip in a notice is refused by `check` and `build` alike at its place.
#[test]
fn slips_in_decision_notices_are_refused() {
    let base = "reference: X-1\ntitle: A decision\nkind: executive\ndecision: That it be done.\nreasons: Because.\n";
    let cases: &[(&str, String, &str)] = &[
        ("meeting", format!("{base}meeting: 2025-06-18-cabinet\ndate: 2025-06-18\n"), "no meeting `2025-06-18-cabinet`"),
        // Names that are not `YYYY-MM-DD-<committee>`, whatever their characters.
        ("meeting-accent", format!("{base}meeting: 2025-06-1é-cabinet\ndate: 2025-06-18\n"), "no meeting `2025-06-1é-cabinet`"),
        ("meeting-short", format!("{base}meeting: cabinet\ndate: 2025-06-18\n"), "no meeting `cabinet`"),
        ("date", format!("{base}meeting: 2025-06-17-cabinet\ndate: 2025-06-18\n"), "the decision is dated 18 June 2025, but the meeting was on 17 June 2025"),
        // The item must be on that meeting's agenda (read whatever batch it is in).
        ("item", format!("{base}meeting: 2025-06-17-cabinet\ndate: 2025-06-17\nitem: \"42\"\n"), "item 42 is not on the agenda of 2025-06-17-cabinet"),
        (
            "plan",
            format!("{base}meeting: 2025-06-17-cabinet\ndate: 2025-06-17\nkey_decision: {{reference: KD-2025-99}}\n"),
            "no decision KD-2025-99 in the forward plan",
        ),
        (
            "late-call-in",
            format!("{base}meeting: 2025-06-17-cabinet\ndate: 2025-06-17\npublished: 2025-06-19\ncall_in: {{called_in: 2025-07-01}}\n"),
            "called in on 1 July 2025, outside the call-in period (20 June 2025 to 26 June 2025)",
        ),
        (
            "officer",
            "reference: X-1\ntitle: A\nkind: officer\ndecision: D.\nreasons: R.\ntaken_by: Director\ndate: 2025-06-17\ncall_in: {urgent: soon}\n".to_string(),
            "an officer decision is not subject to call-in",
        ),
        ("maker", format!("{base}date: 2025-06-17\n"), "the decision names no decision maker"),
        (
            "before",
            format!("{base}taken_by: Director\ndate: 2025-06-17\npublished: 2025-06-16\n"),
            "the notice is published on 16 June 2025, before the decision",
        ),
        ("field", format!("{base}taken_by: Director\ndate: 2025-06-17\nreason: typo\n"), "unknown field `reason`"),
    ];
    for (name, yaml, message) in cases {
        let site = copy_site(&fixture("part2"), &format!("decision-slip-{name}"));
        std::fs::write(site.join("content/decisions/x-1.yaml"), yaml).unwrap();
        let checked = agendum(&["check", "--site", site.to_str().unwrap()]);
        let said = String::from_utf8_lossy(&checked.stderr);
        assert!(!checked.status.success(), "{name}: check passed:\n{said}");
        assert!(said.contains(message), "{name}: check said:\n{said}");
        assert!(said.contains("content/decisions/x-1.yaml"), "{name}: names the file:\n{said}");
        let out = site.with_extension("out");
        let built = agendum(&["build", "--site", site.to_str().unwrap(), "--output", out.to_str().unwrap()]);
        assert!(!built.status.success() && String::from_utf8_lossy(&built.stderr).contains(message), "{name}: build did not refuse it");
        assert!(!out.exists(), "{name}: a refused build wrote output");
    }
    // A record published late is a warning, with the rule it breaks.
    let site = copy_site(&fixture("part2"), "decision-late");
    std::fs::write(site.join("content/decisions/x-1.yaml"), format!("{base}taken_by: Director\ndate: 2025-06-17\npublished: 2025-06-25\n")).unwrap();
    let checked = agendum(&["check", "--site", site.to_str().unwrap()]);
    let said = String::from_utf8_lossy(&checked.stderr);
    assert!(checked.status.success(), "{said}");
    assert!(said.contains("the record is published 6 working days after the decision; the constitution allows 2"), "{said}");
}
