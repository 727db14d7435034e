//! Machine-readable publications, made after the pages and PDFs so that they can give
//! each document's SHA-256: iCalendar (RFC 5545), an Atom feed (RFC 4287), sitemap.xml,
//! and open data per meeting shaped like Open Civic Data events. Public content only:
//! they are built from the public file set and the public agenda.

use serde_json::{json, Value};

use super::absolute_url;
use super::Files;
use crate::audience::View;
use crate::document::MeetingDoc;

pub use crate::document::sha256_hex;

/// Everything in this module, keyed by output path. `published` is the public output so far.
/// `digest` gives the SHA-256 and size of a published file, wherever it is held.
pub fn render(site: &View, published: &[&str]) -> Files {
    let mut out = Files::new();
    let all: Vec<&MeetingDoc> = site.meetings().iter().map(|m| &m.doc).collect();
    out.insert("meetings.ics".into(), icalendar(site, &format!("{}: committee meetings", site.council), &all).into_bytes());
    for c in &site.committees {
        let mine: Vec<&MeetingDoc> = all.iter().copied().filter(|d| d.committee_slug == c.slug).collect();
        out.insert(format!("{}/meetings.ics", c.slug), icalendar(site, &format!("{}: {}", site.council, c.name), &mine).into_bytes());
    }
    out.insert("feed.xml".into(), atom(site, &all, "feed.xml", &format!("{}: published agendas", site.council)).into_bytes());
    // Each committee's own feed, beside its calendar.
    for c in &site.committees {
        let mine: Vec<&MeetingDoc> = all.iter().copied().filter(|d| d.committee_slug == c.slug).collect();
        let path = format!("{}/feed.xml", c.slug);
        out.insert(path.clone(), atom(site, &mine, &path, &format!("{}: {} agendas", site.council, c.name)).into_bytes());
    }
    if !site.decisions.is_empty() {
        out.insert("decisions/feed.xml".into(), decisions_feed(site).into_bytes());
        out.insert("decisions/decisions.json".into(), decisions_data(site).into_bytes());
    }
    if let Some(base) = &site.base_url {
        let mut pages: Vec<&str> =
            published.iter().copied().chain(out.keys().map(String::as_str)).filter(|p| p.ends_with(".html") && *p != "search.html").collect();
        pages.sort();
        out.insert("sitemap.xml".into(), sitemap(site, base, &pages).into_bytes());
    }
    out
}

/// A link to a published file, absolute when the site has a base URL.
fn url(site: &View, path: &str) -> String {
    match &site.base_url {
        Some(b) => absolute_url(b, path),
        None => path.to_string(),
    }
}

fn document(site: &View, digest: &dyn Fn(&str) -> Option<(String, u64)>, note: &str, date: Option<&str>, path: &str, media_type: &str) -> Option<Value> {
    let (sha256, size) = digest(path)?;
    Some(json!({
        "note": note,
        "date": date,
        "links": [{ "url": url(site, path), "media_type": media_type, "sha256": sha256, "size": size }],
    }))
}

/// One meeting as Open Civic Data event JSON, with SHA-256 for every document.
/// `meeting.json` for one meeting of a batch, once its files are made (it gives each
/// one's SHA-256): `(path, bytes)`.
pub fn meeting_data(site: &View, m: &crate::audience::MeetingView, files: &dyn Fn(&str) -> Option<(String, u64)>) -> (String, Vec<u8>) {
    (m.doc.data_url.clone(), open_data(site, &m.doc, m.minutes.as_ref(), files).into_bytes())
}

/// The minutes' results the Open Civic Data and Popolo way: per agenda item its minute,
/// the resolution, and the vote as a vote event with counts and (where recorded by name)
/// votes.
fn results(d: &MeetingDoc, minutes: &crate::document::MinutesDoc) -> (Vec<Value>, Vec<Value>) {
    let text = crate::render::search::one_line;
    let mut participants = Vec::new();
    for p in &minutes.present {
        participants.push(json!({ "entity_type": "person", "name": p.name, "note": "present", "role": p.role }));
    }
    for s in &minutes.substitutes {
        participants.push(json!({ "entity_type": "person", "name": s.name, "note": format!("substitute for {}", s.for_member) }));
    }
    for (list, note) in [(&minutes.apologies, "apologies"), (&minutes.absent, "absent")] {
        for n in list {
            participants.push(json!({ "entity_type": "person", "name": n, "note": note }));
        }
    }
    for p in &minutes.officers {
        participants.push(json!({ "entity_type": "person", "name": p.name, "note": "officer", "role": p.role }));
    }
    let events = minutes
        .entries
        .iter()
        .map(|e| {
            let vote = e.votes.as_ref().map(|v| {
                let named = |names: &[String], option: &str| names.iter().map(|n| json!({ "option": option, "voter_name": n })).collect::<Vec<_>>();
                let mut votes = named(&v.for_names, "yes");
                votes.extend(named(&v.against_names, "no"));
                votes.extend(named(&v.abstain_names, "abstain"));
                json!({
                    "motion_text": text(&e.resolution),
                    "result": if v.result == "carried" { "pass" } else { "fail" },
                    "counts": [
                        { "option": "yes", "value": v.for_count },
                        { "option": "no", "value": v.against_count },
                        { "option": "abstain", "value": v.abstain_count },
                    ],
                    "votes": votes,
                })
            });
            json!({
                "agenda_item": e.item,
                "minute": e.number,
                "title": e.title,
                "resolution": text(&e.resolution),
                "proposer": e.proposer,
                "seconder": e.seconder,
                "exempt": e.exempt.as_ref().map(|x| &x.statement),
                "vote_event": vote,
                "media_start": e.webcast_at,
                "start_date": d.date,
            })
        })
        .collect();
    (participants, events)
}

fn open_data(site: &View, d: &MeetingDoc, minutes: Option<&crate::document::MinutesDoc>, files: &dyn Fn(&str) -> Option<(String, u64)>) -> String {
    let published = d.published.as_deref();
    let mut documents: Vec<Value> = Vec::new();
    documents.extend(document(site, files, "Agenda pack", published, &d.pack_url, "application/pdf"));
    for s in &d.supplements {
        documents.extend(document(site, files, &format!("Supplementary agenda, {}", s.date_display), Some(&s.date), &s.pack_url, "application/pdf"));
    }
    let minutes_note = if d.minutes_status.as_deref() == Some("approved") { "Minutes" } else { "Draft minutes" };
    if let Some(u) = &d.minutes_url {
        documents.extend(document(site, files, &format!("{minutes_note} (web page)"), None, u, "text/html"));
    }
    if let Some(u) = &d.minutes_pdf_url {
        documents.extend(document(site, files, &format!("{minutes_note} (PDF)"), None, u, "application/pdf"));
    }
    let agenda: Vec<Value> = d
        .items
        .iter()
        .map(|i| {
            let mut media = Vec::new();
            if let Some(u) = &i.url {
                media.extend(document(site, files, &format!("Item {}: {} (web page)", i.number, i.title), published, u, "text/html"));
            }
            if let Some(u) = &i.pdf_url {
                media.extend(document(site, files, &format!("Item {}: {} (PDF)", i.number, i.title), published, u, "application/pdf"));
            }
            let mut notes: Vec<String> = Vec::new();
            if let Some(e) = &i.exempt {
                notes.push(e.statement.clone());
            }
            if i.key_decision {
                notes.push("Key decision".into());
            }
            if let Some(s) = &i.supplement {
                notes.push(format!("Added on {s} (supplementary agenda)"));
            }
            json!({
                "order": i.number,
                "description": i.title,
                "classification": [i.kind],
                "notes": notes,
                "media": media,
                "related_entities": [],
                "subjects": [],
            })
        })
        .collect();
    let v = json!({
        "_type": "event",
        "name": format!("{}, {}", d.committee, d.date_display),
        "description": format!("Meeting of the {}", d.committee),
        "classification": "committee-meeting",
        "start_date": match &d.time { Some(t) => format!("{}T{t}:00{}", d.date, d.utc_offset), None => d.date.clone() },
        "timezone": "Europe/London",
        "all_day": d.time.is_none(),
        // Open Civic Data's event statuses: confirmed, tentative, cancelled, passed.
        "status": match d.status.as_str() {
            "cancelled" | "postponed" => "cancelled",
            "held" => "passed",
            _ => "confirmed",
        },
        "location": { "name": d.venue.as_deref().unwrap_or(""), "note": "" },
        // A joint committee names each of its councils beside itself.
        "participants": std::iter::once(json!({ "entity_type": "organization", "name": d.committee, "note": "host" }))
            .chain(d.councils.iter().map(|c| json!({ "entity_type": "organization", "name": c.name, "note": "joint committee council" })))
            .collect::<Vec<_>>(),
        "agenda": agenda,
        "documents": documents,
        "media": minutes.and_then(|m| m.webcast.as_ref()).map(|w| vec![json!({ "note": "Webcast", "links": [{ "url": w, "media_type": "video" }] })]).unwrap_or_default(),
        "links": [{ "url": url(site, &d.url), "note": "Meeting page" }],
        "sources": [{ "url": url(site, &d.url), "note": site.council }],
        "extras": {
            "council": site.council,
            "published": published,
            "reissues": d.reissues,
            "meeting_status": d.status,
            "status_reason": d.status_reason,
            "previous_date": d.previous_date,
            "minutes_status": d.minutes_status,
        },
    });
    let mut v = v;
    if let Some(m) = minutes {
        let (people, events) = results(d, m);
        if let Some(list) = v["participants"].as_array_mut() {
            list.extend(people);
        }
        v["extras"]["results"] = Value::Array(events);
        v["extras"]["declarations"] = json!(m.declarations);
    }
    let mut s = serde_json::to_string_pretty(&v).unwrap_or_default();
    s.push('\n');
    s
}

/// RFC 5545 text: backslash, comma, semicolon and newlines escaped.
fn ics_text(s: &str) -> String {
    s.replace('\\', "\\\\").replace(';', "\\;").replace(',', "\\,").replace("\r\n", "\\n").replace('\n', "\\n")
}

/// Lines longer than 75 octets are folded (CRLF + space), never inside a character.
fn ics_line(out: &mut String, line: &str) {
    let mut width = 0;
    for c in line.chars() {
        if width + c.len_utf8() > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += c.len_utf8();
    }
    out.push_str("\r\n");
}

/// The calendar's host part for UIDs: the base URL's host, so UIDs stay stable.
fn uid_host(site: &View) -> String {
    site.base_url
        .as_deref()
        .and_then(|b| b.split("://").nth(1))
        .map(|rest| rest.split('/').next().unwrap_or(rest).to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| crate::numbering::slugify(&site.council))
}

fn compact(date: &str) -> String {
    date.replace('-', "")
}

fn icalendar(site: &View, name: &str, meetings: &[&MeetingDoc]) -> String {
    let mut out = String::new();
    let host = uid_host(site);
    for l in
        ["BEGIN:VCALENDAR", "VERSION:2.0", concat!("PRODID:-//agendum//agendum ", env!("CARGO_PKG_VERSION"), "//EN"), "CALSCALE:GREGORIAN", "METHOD:PUBLISH"]
    {
        ics_line(&mut out, l);
    }
    ics_line(&mut out, &format!("X-WR-CALNAME:{}", ics_text(name)));
    ics_line(&mut out, "X-WR-TIMEZONE:Europe/London");
    // Europe/London since 1996: BST from the last Sunday in March to the last in October.
    for l in [
        "BEGIN:VTIMEZONE",
        "TZID:Europe/London",
        "BEGIN:DAYLIGHT",
        "TZOFFSETFROM:+0000",
        "TZOFFSETTO:+0100",
        "TZNAME:BST",
        "DTSTART:19810329T010000",
        "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
        "END:DAYLIGHT",
        "BEGIN:STANDARD",
        "TZOFFSETFROM:+0100",
        "TZOFFSETTO:+0000",
        "TZNAME:GMT",
        "DTSTART:19961027T020000",
        "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
        "END:STANDARD",
        "END:VTIMEZONE",
    ] {
        ics_line(&mut out, l);
    }
    for d in meetings {
        // DTSTAMP is when the information last changed: the latest re-issue, else the
        // agenda's publication, else the meeting date. Never the clock.
        let stamp = d.reissues.last().map(|r| r.date.as_str()).or(d.published.as_deref()).unwrap_or(&d.date);
        ics_line(&mut out, "BEGIN:VEVENT");
        // A rescheduled meeting keeps the identity of the event first called, so that a
        // calendar that holds it moves it rather than adding another.
        ics_line(&mut out, &format!("UID:{}-{}@{}", d.previous_date.as_deref().unwrap_or(&d.date), d.committee_slug, host));
        ics_line(&mut out, &format!("DTSTAMP:{}T000000Z", compact(stamp)));
        // A meeting without a published time is a day's event (RFC 5545 3.6.1).
        match &d.time {
            Some(t) => ics_line(&mut out, &format!("DTSTART;TZID=Europe/London:{}T{}00", compact(&d.date), t.replace(':', ""))),
            None => ics_line(&mut out, &format!("DTSTART;VALUE=DATE:{}", compact(&d.date))),
        }
        // Each change a subscriber must see counts: a re-issue, a cancellation, a move.
        let changed = usize::from(matches!(d.status.as_str(), "cancelled" | "postponed" | "rescheduled"));
        ics_line(&mut out, &format!("SEQUENCE:{}", d.reissues.len() + changed));
        ics_line(&mut out, &format!("SUMMARY:{}", ics_text(&d.committee)));
        if let Some(venue) = &d.venue {
            ics_line(&mut out, &format!("LOCATION:{}", ics_text(venue)));
        }
        let agenda: Vec<String> = d.items.iter().map(|i| format!("{}. {}", i.number, i.title)).collect();
        let status = match (&d.status_display, &d.status_reason) {
            (Some(s), Some(r)) => format!("{s}: {r}\n\n"),
            (Some(s), None) => format!("{s}.\n\n"),
            _ => String::new(),
        };
        ics_line(&mut out, &format!("DESCRIPTION:{}", ics_text(&format!("{status}Agenda:\n{}", agenda.join("\n")))));
        if site.base_url.is_some() {
            ics_line(&mut out, &format!("URL:{}", url(site, &d.url)));
        }
        // RFC 5545 has no "postponed": the meeting is not on this date, so it is cancelled
        // here; the description says why.
        ics_line(&mut out, if matches!(d.status.as_str(), "cancelled" | "postponed") { "STATUS:CANCELLED" } else { "STATUS:CONFIRMED" });
        ics_line(&mut out, "END:VEVENT");
    }
    ics_line(&mut out, "END:VCALENDAR");
    out
}

fn xml(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// Atom feed of published agendas and supplements, newest first.
/// One entry of an Atom feed.
struct Entry {
    id: String,
    title: String,
    updated: String,
    link: String,
    summary: String,
}

fn tag(site: &View, suffix: &str) -> String {
    format!("tag:{},2012:{}", uid_host(site), suffix)
}

fn atom(site: &View, meetings: &[&MeetingDoc], self_path: &str, title: &str) -> String {
    let mut entries: Vec<Entry> = Vec::new();
    for d in meetings {
        let Some(published) = &d.published else { continue };
        let updated = d.reissues.last().map(|r| r.date.clone()).unwrap_or_else(|| published.clone());
        let mut summary = format!("Agenda for the meeting of the {} on {}", d.committee, d.date_display);
        if !d.when_where.is_empty() {
            summary.push_str(&format!(" at {}", d.when_where));
        }
        summary.push('.');
        if let Some(r) = d.reissues.last() {
            summary.push_str(&format!(" Re-issued on {}: {}", r.date_display, r.reason));
        }
        entries.push(Entry {
            id: tag(site, &format!("{}/{}", d.committee_slug, d.date)),
            title: format!("Agenda: {}, {}", d.committee, d.date_display),
            updated,
            link: url(site, &d.url),
            summary,
        });
        for s in &d.supplements {
            entries.push(Entry {
                id: tag(site, &format!("{}/{}/supplement-{}", d.committee_slug, d.date, s.date)),
                title: format!("Supplementary agenda: {}, {}", d.committee, d.date_display),
                updated: s.date.clone(),
                link: url(site, &d.url),
                summary: format!(
                    "Items added on {}: {}.",
                    s.date_display,
                    s.items
                        .iter()
                        .filter_map(|n| d.items.iter().find(|i| &i.number == n))
                        .map(|i| format!("{}. {}", i.number, i.title))
                        .collect::<Vec<_>>()
                        .join("; ")
                ),
            });
        }
    }
    let fallback = meetings.iter().map(|d| d.date.clone()).max();
    // The site's feed keeps its identity; a committee's is its own.
    let (id, alternate) = match self_path.strip_suffix("/feed.xml") {
        Some(slug) => (format!("agendas/{slug}"), format!("{slug}/index.html")),
        None => ("agendas".to_string(), "index.html".to_string()),
    };
    feed(site, title, &id, &alternate, self_path, entries, fallback)
}

/// The decision notices as they are published, newest first (`decisions/feed.xml`).
fn decisions_feed(site: &View) -> String {
    let entries = site
        .decisions
        .iter()
        .filter_map(|d| {
            let published = d.published.clone()?;
            let mut summary = format!("{}: decision of {} on {}.", d.reference, d.decision_maker, d.date_display);
            if d.key_decision {
                summary.push_str(" Key decision.");
            }
            if let Some(e) = &d.call_in_ends_display {
                summary.push_str(&format!(" Open to call-in until {e}."));
            }
            if let Some(u) = &d.urgency {
                summary.push_str(&format!(" Not subject to call-in: {u}"));
            }
            Some(Entry { id: tag(site, &format!("decisions/{}", d.reference)), title: d.title.clone(), updated: published, link: url(site, &d.url), summary })
        })
        .collect();
    let fallback = site.decisions.iter().map(|d| d.date.clone()).max();
    feed(site, &format!("{}: decisions", site.council), "decisions", "decisions/index.html", "decisions/feed.xml", entries, fallback)
}

/// The register as open data: every notice as the public may read it, with its page and
/// PDF, the call-in period and the date it takes effect.
fn decisions_data(site: &View) -> String {
    let list: Vec<Value> = site
        .decisions
        .iter()
        .map(|d| {
            let text = crate::render::search::one_line;
            json!({
                "reference": d.reference,
                "title": d.title,
                "kind": d.kind,
                "decision_maker": d.decision_maker,
                "committee": d.committee_slug,
                "item": d.item,
                "date": d.date,
                "published": d.published,
                "key_decision": d.key_decision,
                "forward_plan_reference": d.forward_plan_reference,
                "key_criteria": d.key_criteria,
                "decision": text(&d.decision),
                "reasons": text(&d.reasons),
                "alternatives": text(&d.alternatives),
                "conflicts": text(&d.conflicts),
                "dispensation": d.dispensation,
                "exempt": d.exempt.as_ref().map(|e| &e.statement),
                "public_summary": text(&d.public_summary),
                "call_in": {
                    "status": d.call_in_status,
                    "ends": d.call_in_ends,
                    "urgency": d.urgency,
                    "called_in": d.called_in,
                    "called_in_by": d.called_in_by,
                    "outcome": d.call_in_outcome,
                },
                "takes_effect": d.takes_effect,
                "links": [
                    { "url": url(site, &d.url), "media_type": "text/html" },
                    { "url": url(site, &d.pdf_url), "media_type": "application/pdf" },
                ],
            })
        })
        .collect();
    let mut s = serde_json::to_string_pretty(&json!({ "council": site.council, "decisions": list })).unwrap_or_default();
    s.push('\n');
    s
}

/// An Atom 1.0 feed (RFC 4287) of `entries`, newest first; `fallback` dates an empty one.
fn feed(site: &View, title: &str, id: &str, alternate: &str, self_path: &str, mut entries: Vec<Entry>, fallback: Option<String>) -> String {
    entries.sort_by(|a, b| (&b.updated, &b.id).cmp(&(&a.updated, &a.id)));
    let updated = entries.first().map(|e| e.updated.clone()).or(fallback).unwrap_or_else(|| "1970-01-01".into());
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n");
    out.push_str(&format!("  <title>{}</title>\n", xml(title)));
    out.push_str(&format!("  <id>{}</id>\n", xml(&tag(site, id))));
    out.push_str(&format!("  <updated>{updated}T00:00:00Z</updated>\n"));
    out.push_str(&format!("  <author><name>{}</name></author>\n", xml(&site.council)));
    out.push_str(&format!("  <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n", xml(&url(site, alternate))));
    if site.base_url.is_some() {
        out.push_str(&format!("  <link rel=\"self\" type=\"application/atom+xml\" href=\"{}\"/>\n", xml(&url(site, self_path))));
    }
    out.push_str(concat!("  <generator version=\"", env!("CARGO_PKG_VERSION"), "\">agendum</generator>\n"));
    for e in &entries {
        out.push_str("  <entry>\n");
        out.push_str(&format!("    <id>{}</id>\n", xml(&e.id)));
        out.push_str(&format!("    <title>{}</title>\n", xml(&e.title)));
        out.push_str(&format!("    <updated>{}T00:00:00Z</updated>\n", e.updated));
        out.push_str(&format!("    <link rel=\"alternate\" type=\"text/html\" href=\"{}\"/>\n", xml(&e.link)));
        out.push_str(&format!("    <summary>{}</summary>\n", xml(&e.summary)));
        out.push_str("  </entry>\n");
    }
    out.push_str("</feed>\n");
    out
}

/// sitemap.xml (sitemaps.org 0.9): every public page, absolute.
fn sitemap(site: &View, base: &str, pages: &[&str]) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for p in pages {
        // Pages of a meeting change when its agenda is published or re-issued.
        let lastmod = site
            .meetings()
            .iter()
            .find(|m| p.starts_with(&format!("{}/{}/", m.doc.committee_slug, m.doc.date)))
            .and_then(|m| m.doc.reissues.last().map(|r| r.date.clone()).or_else(|| m.doc.published.clone()));
        out.push_str(&format!("  <url><loc>{}</loc>", xml(&absolute_url(base, p))));
        if let Some(l) = lastmod {
            out.push_str(&format!("<lastmod>{l}</lastmod>"));
        }
        out.push_str("</url>\n");
    }
    out.push_str("</urlset>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ics_lines_fold_at_75_octets_without_splitting_characters() {
        let mut out = String::new();
        let long = format!("DESCRIPTION:{}", "é".repeat(60));
        ics_line(&mut out, &long);
        for line in out.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(line.len() <= 75, "{} octets: {line}", line.len());
        }
        let unfolded = out.replace("\r\n ", "");
        assert_eq!(unfolded.trim_end(), long);
        assert_eq!(ics_text("a, b; c\\d\ne"), "a\\, b\\; c\\\\d\\ne");
    }

    #[test]
    fn sha256_of_known_input() {
        assert_eq!(sha256_hex(b"abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}
