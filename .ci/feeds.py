"""Second opinions on agendum's machine-readable output: the iCalendar files must parse
with the `icalendar` package and the Atom feed with `feedparser`, and say what the
meeting data says. Usage: feeds.py OUTPUT_DIR..."""
import datetime
import json
import pathlib
import sys

import feedparser
import icalendar

failures = 0
for root in map(pathlib.Path, sys.argv[1:]):
    meetings = [json.loads(p.read_text()) for p in root.glob("*/*/meeting.json")]
    for ics_path in [root / "meetings.ics", *root.glob("*/meetings.ics")]:
        cal = icalendar.Calendar.from_ical(ics_path.read_bytes())
        events = [c for c in cal.walk("VEVENT")]
        uids = [str(e["UID"]) for e in events]
        if len(uids) != len(set(uids)):
            print(f"{ics_path}: duplicate UIDs"); failures += 1
        for e in events:
            start = e.decoded("DTSTART")
            if not isinstance(start, datetime.datetime):
                # A meeting whose papers give no time is a day's event (VALUE=DATE).
                if str(e["DTSTART"].params.get("VALUE")) != "DATE":
                    print(f"{ics_path}: {e['UID']} is a date without VALUE=DATE"); failures += 1
            elif start.tzinfo is None or str(e["DTSTART"].params.get("TZID")) != "Europe/London":
                print(f"{ics_path}: {e['UID']} has no Europe/London time"); failures += 1
            # The same instant as the open data's start_date.
            iso = start.isoformat()
            same = [m for m in meetings if m["start_date"] == iso]
            if not same:
                print(f"{ics_path}: {e['UID']} starts {iso}, which no meeting.json gives"); failures += 1
            # A cancelled (or postponed) meeting is CANCELLED in the calendar, any other
            # CONFIRMED; a rescheduled one keeps the identity of its first date.
            for m in same:
                want = "CANCELLED" if m["status"] == "cancelled" else "CONFIRMED"
                if str(e.get("STATUS")) != want:
                    print(f"{ics_path}: {e['UID']} is {e.get('STATUS')}, the meeting is {m['status']}"); failures += 1
                previous = m["extras"].get("previous_date")
                if previous and not str(e["UID"]).startswith(previous + "-"):
                    print(f"{ics_path}: {e['UID']} was moved from {previous} but has a new identity"); failures += 1
        print(f"{ics_path}: {len(events)} event(s) parse")
    # Each committee's feed parses too, and lists only its meetings.
    for committee_feed in root.glob("*/feed.xml"):
        if committee_feed.parent.name == "decisions":
            continue
        parsed = feedparser.parse(committee_feed.read_bytes())
        if parsed.bozo or parsed.version != "atom10":
            print(f"{committee_feed}: not valid Atom 1.0"); failures += 1
        for entry in parsed.entries:
            if f"/{committee_feed.parent.name}/" not in "/" + entry.link:
                print(f"{committee_feed}: entry for another committee {entry.link}"); failures += 1
    feed = feedparser.parse((root / "feed.xml").read_bytes())
    if feed.bozo:
        print(f"{root}/feed.xml: {feed.bozo_exception}"); failures += 1
    if feed.version != "atom10":
        print(f"{root}/feed.xml: not Atom 1.0 ({feed.version})"); failures += 1
    published = [m for m in meetings if m["extras"]["published"]]
    if len(feed.entries) < len(published):
        print(f"{root}/feed.xml: {len(feed.entries)} entries for {len(published)} published agendas"); failures += 1
    for entry in feed.entries:
        if not entry.get("id") or not entry.get("link") or not entry.get("updated_parsed"):
            print(f"{root}/feed.xml: incomplete entry {entry}"); failures += 1
    print(f"{root}/feed.xml: {len(feed.entries)} entries parse")
    # The decisions register's feed: one entry per published notice in its open data.
    register = root / "decisions" / "decisions.json"
    if register.exists():
        notices = [d for d in json.loads(register.read_text())["decisions"] if d["published"]]
        decisions = feedparser.parse((root / "decisions" / "feed.xml").read_bytes())
        if decisions.bozo or decisions.version != "atom10":
            print(f"{root}/decisions/feed.xml: not valid Atom 1.0"); failures += 1
        if len(decisions.entries) != len(notices):
            print(f"{root}/decisions/feed.xml: {len(decisions.entries)} entries for {len(notices)} published notices"); failures += 1
        for d in notices:
            # Call-in ends after publication, and the decision takes effect after that.
            ends, effect = d["call_in"]["ends"], d["takes_effect"]
            if ends and not (d["published"] < ends and (effect is None or ends < effect)):
                print(f"{register}: {d['reference']} call-in ends {ends}, takes effect {effect}"); failures += 1
        print(f"{root}/decisions/feed.xml: {len(decisions.entries)} entries parse")
sys.exit(1 if failures else 0)
