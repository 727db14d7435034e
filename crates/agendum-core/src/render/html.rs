//! HTML: Tera templates lay out pages; the document's blocks are written as HTML here,
//! with all author text escaped. Pages link relatively, so `output/` works from any
//! base URL and from disk.

use serde_json::{json, Value};
use tera::{Context, Tera};

use super::{absolute_url, Files};
use crate::audience::{MeetingView, View};
use crate::diag::{Diagnostic, Pos};
use crate::document::*;
use crate::theme::Theme;

/// The names every page's template receives, and what they hold (the theme guide lists
/// them; a test keeps this list equal to what `page_context` inserts).
pub const PAGE_KEYS: &[(&str, &str)] = &[
    ("council", "the council's name (`agendum.yaml`)"),
    ("language", "the document language, BCP 47 (`en-GB`)"),
    ("root", "the relative path from this page to the site's root (`../../`), for links"),
    ("base_url", "the site's public address, if `agendum.yaml` gives one"),
    ("canonical", "this page's absolute address, when `base_url` is set"),
    ("has_sitemap", "whether a sitemap is published (it needs `base_url`)"),
    ("has_forward_plan", "whether the site has a forward plan page"),
    ("has_decisions", "whether the site publishes decision notices (a register at `decisions/index.html`)"),
    ("has_councillors", "whether committees list their members (a page per councillor under `councillors/`)"),
    ("theme", "the theme's name"),
    ("generator", "`agendum <version>`"),
    ("logo", "the council's logo: `src` (from the root) and `alt`, or null"),
];

/// The names particular templates receive besides the shared ones.
pub const TEMPLATE_KEYS: &[(&str, &str)] = &[
    (
        "upcoming",
        "meetings on or after the build's date, soonest first (each: committee, date, date_display, time_display, venue, when_where, href, pack_href, year)",
    ),
    ("latest", "the ten most recent past meetings, newest first"),
    ("committees", "every committee: name, kind, href"),
    ("committee", "this committee: slug, name, kind, description, members, councils"),
    ("past_by_year", "past meetings grouped by year, newest first: year, meetings"),
    ("years", "the archive's years, newest first: year, count"),
    ("year", "this page's year"),
    ("meetings", "this year's meetings, newest first"),
    ("plan", "the forward plan: title, published, introduction_html, decisions (each with summary_html)"),
    ("report", "the report document (see ReportDoc below), with the computed names below"),
    ("meeting", "the meeting document (see MeetingDoc below), with the computed names below"),
    ("json_ld", "schema.org Event data for the meeting, ready for a `<script type=\"application/ld+json\">`"),
    ("minutes", "the minutes (see MinutesDoc below), exempt minutes withheld in the public view, with the computed names below"),
    ("decision", "a decision notice (see DecisionDoc below), an exempt one withheld in the public view, with the computed names below"),
    ("decisions", "the register: every decision notice, newest first, each with `href` and `call_in_now`"),
    ("filters", "the register's filters: `committees` (slug, name), `years`, `statuses` (value, label)"),
    ("councillor", "one councillor: name, slug, party, ward, interests (address), committees (name, href, role), attendance (per committee: committee, expected, present, apologies, absent, percent), meetings (date_display, committee, href, status)"),
    ("councillors", "every councillor, by name: name, href, party, ward"),
];

const DOWNLOAD: &str = "what the PDF link fetches: `name` to save it under (`cabinet-2025-06-17-agenda-pack.pdf`), `size` (\"312 KB\"), `pages`, and `meta` (\"PDF, 312 KB, 14 pages\"); null when PDFs are not built";

/// Names made for the HTML templates beside a document's own fields: (name, where, what).
pub const COMPUTED_KEYS: &[(&str, &str, &str)] = &[
    (
        "html",
        "report.sections[], report.appendices[], report.footnotes[], meeting.items[], minutes.entries[]",
        "the blocks as HTML, author text escaped (a minute's: its body, as its PDF prints it)",
    ),
    ("parts_html", "report.header[]", "each part of the row's value as HTML"),
    ("value_html", "report.header[]", "the row's value as HTML: stacked parts on lines, others side by side"),
    ("title_in_header", "report", "the theme's header has a Title row, which then holds the page's `<h1>`"),
    ("pdf_href", "report, report.appendices[], meeting.items[], minutes, decision", "the PDF's file name beside the page, or null when PDFs are not built"),
    ("minutes_href", "meeting", "the minutes page's file name beside the meeting page, or null before they are written"),
    (
        "decision_html",
        "decision",
        "the decision, reasons, alternatives, conflicts and public summary as HTML: `decision`, `reasons`, `alternatives`, `conflicts`, `public_summary`",
    ),
    (
        "call_in_now",
        "decision, decisions[]",
        "the call-in status on the build's date: `effective` once the period has ended, else `call_in_status`; and `call_in_label` in words",
    ),
    ("withheld_appendices", "report", "exempt appendices this page may not show: label, title, anchor"),
    ("href", "meeting.items[], meeting.supplements[]", "the item's page or the supplement's PDF, relative to the meeting's folder"),
    ("supplement_display", "meeting.items[]", "the date of the supplementary agenda an item went out in"),
    ("contact_html", "meeting, meeting.councils[]", "a contact as one line of HTML: name, role, phones, e-mail links"),
    ("pack_href", "meeting", "the agenda pack's file name, or null"),
    ("document_href", "meeting.items[]", "a procedural item's PDF document (the draft minutes), its file name beside the page"),
    ("pdf_download", "report, report.appendices[], meeting.items[], minutes, decision", DOWNLOAD),
    ("pack_download", "meeting, listed meetings", DOWNLOAD),
    ("document_download", "meeting.items[]", DOWNLOAD),
    ("download", "meeting.supplements[]", DOWNLOAD),
    ("document_html", "meeting.items[]", "a procedural item's Markdown document as HTML"),
];

pub struct HtmlRenderer {
    tera: Tera,
    /// Link each page to its PDF (set when the PDF renderer runs in the same build).
    pub link_pdfs: bool,
    /// The build's date (ISO): meetings on or after it are "upcoming".
    pub today: String,
    /// When set, the first context each template is given is kept here: the theme guide
    /// documents what templates receive from what they really receive.
    pub record: Option<std::sync::Mutex<std::collections::BTreeMap<String, Value>>>,
    /// Size in bytes and page count of each PDF the build made, by output path: every
    /// download link says what it fetches.
    pub downloads: std::collections::BTreeMap<String, (u64, Option<u32>)>,
}

impl HtmlRenderer {
    pub fn new(theme: &Theme) -> Result<Self, Diagnostic> {
        let mut tera = Tera::new();
        // A councillor's page from their name, from the site's root: the same address
        // `render_councillors` writes.
        tera.register_filter("councillor_page", |name: &str, _: tera::Kwargs, _: &tera::State| {
            format!("councillors/{}.html", crate::numbering::slugify(name.trim()))
        });
        let templates: Vec<(&str, &str)> = theme.templates.iter().filter(|(name, _)| name.ends_with(".html")).map(|(n, t)| (n.as_str(), t.as_str())).collect();
        tera.add_raw_templates(templates).map_err(|e| template_error(&e))?;
        Ok(HtmlRenderer { tera, link_pdfs: false, today: String::new(), record: None, downloads: Default::default() })
    }

    fn render(&self, name: &str, page: &Page) -> Result<String, Diagnostic> {
        if let Some(record) = &self.record {
            if let Ok(mut seen) = record.lock() {
                seen.entry(name.to_string()).or_insert_with(|| Value::Object(page.json.clone().unwrap_or_default()));
            }
        }
        let ctx = &page.ctx;
        self.tera.render(name, ctx).map_err(|e| template_error(&e))
    }

    /// Every page of the site, each handed to `out` as soon as it is made (to be
    /// written), so that a ten-year archive is never held in memory at once.
    pub fn render_site(&self, site: &View, out: &mut dyn FnMut(String, Vec<u8>) -> Result<(), Diagnostic>) -> Result<(), Diagnostic> {
        self.render_meetings(site, out)?;
        self.render_site_pages(site, out)?;
        super::search::index(site, out)
    }

    /// Each meeting's own pages (its page and its reports').
    pub fn render_meetings(&self, site: &View, out: &mut dyn FnMut(String, Vec<u8>) -> Result<(), Diagnostic>) -> Result<(), Diagnostic> {
        // Meetings are independent: render a batch of them on every core, hand their
        // pages on in order, then the next batch.
        use rayon::prelude::*;
        for batch in site.meetings().chunks(32) {
            let pages: Vec<Result<Files, Diagnostic>> = batch.par_iter().map(|m| self.render_meeting(site, m)).collect();
            for p in pages {
                for (path, bytes) in p? {
                    out(path, bytes)?;
                }
            }
        }
        Ok(())
    }

    /// The site-wide pages: home, committees, archive, forward plan and the search page.
    /// They list meetings only, so `site` may be a view of outlines (`View::with_outlines`).
    pub fn render_site_pages(&self, site: &View, out: &mut dyn FnMut(String, Vec<u8>) -> Result<(), Diagnostic>) -> Result<(), Diagnostic> {
        let today = self.today.as_str();
        let summaries: Vec<(&MeetingView, Value)> = site.meetings().iter().map(|m| (m, self.meeting_summary(m))).collect();
        let upcoming = |filter: &dyn Fn(&MeetingView) -> bool| -> Vec<&Value> {
            summaries.iter().filter(|(m, _)| m.doc.date.as_str() >= today && filter(m)).map(|(_, v)| v).collect()
        };
        let past = |filter: &dyn Fn(&MeetingView) -> bool| -> Vec<&Value> {
            summaries.iter().rev().filter(|(m, _)| m.doc.date.as_str() < today && filter(m)).map(|(_, v)| v).collect()
        };

        // Home: what is coming, and the latest agendas.
        let mut ctx = self.page_context(site, "index.html");
        ctx.insert("upcoming", &upcoming(&|_| true));
        ctx.insert("latest", &past(&|_| true).into_iter().take(10).collect::<Vec<_>>());
        let committees: Vec<Value> =
            site.committees.iter().map(|c| json!({"name": c.name, "kind": c.kind, "href": format!("{}/index.html", c.slug)})).collect();
        ctx.insert("committees", &committees);
        out("index.html".into(), self.render("index.html", &ctx)?.into_bytes())?;

        // A page per committee: members, upcoming, and past meetings by year.
        for c in &site.committees {
            let path = format!("{}/index.html", c.slug);
            let mut ctx = self.page_context(site, &path);
            ctx.insert("committee", c);
            ctx.insert("upcoming", &upcoming(&|m| m.doc.committee_slug == c.slug));
            ctx.insert("past_by_year", &by_year(past(&|m| m.doc.committee_slug == c.slug)));
            out(path.clone(), self.render("committee.html", &ctx)?.into_bytes())?;
        }

        // The archive: a page per year, newest first.
        let years = by_year(summaries.iter().rev().map(|(_, v)| v).collect());
        let mut ctx = self.page_context(site, "archive/index.html");
        ctx.insert(
            "years",
            &years.iter().map(|y| json!({"year": y["year"], "count": y["meetings"].as_array().map(Vec::len).unwrap_or(0)})).collect::<Vec<_>>(),
        );
        out("archive/index.html".into(), self.render("archive.html", &ctx)?.into_bytes())?;
        for y in &years {
            let path = format!("archive/{}.html", y["year"].as_str().unwrap_or_default());
            let mut ctx = self.page_context(site, &path);
            ctx.insert("year", &y["year"]);
            ctx.insert("meetings", &y["meetings"]);
            out(path.clone(), self.render("year.html", &ctx)?.into_bytes())?;
        }

        if let Some(plan) = &site.forward_plan {
            let mut ctx = self.page_context(site, "forward-plan.html");
            let mut v = serde_json::to_value(plan).unwrap_or(Value::Null);
            v["introduction_html"] = Value::String(blocks_html(&plan.introduction));
            if let Some(ds) = v.get_mut("decisions").and_then(Value::as_array_mut) {
                for (d, src) in ds.iter_mut().zip(&plan.decisions) {
                    d["summary_html"] = Value::String(blocks_html(&src.summary));
                }
            }
            ctx.insert("plan", &v);
            out("forward-plan.html".into(), self.render("forward-plan.html", &ctx)?.into_bytes())?;
        }

        if !site.decisions.is_empty() {
            self.render_decisions(site, out)?;
        }
        self.render_councillors(site, out)?;
        let ctx = self.page_context(site, "search.html");
        out("search.html".into(), self.render("search.html", &ctx)?.into_bytes())
    }

    /// A meeting as listed on the home, committee and archive pages; hrefs are relative
    /// to the site root.
    fn meeting_summary(&self, m: &MeetingView) -> Value {
        json!({
            "committee": m.doc.committee,
            "date": m.doc.date,
            "year": &m.doc.date[..4],
            "date_display": m.doc.date_display,
            "time_display": m.doc.time_display,
            "venue": m.doc.venue,
            "when_where": m.doc.when_where,
            "href": m.doc.url,
            "pack_href": if self.link_pdfs { Value::String(m.doc.pack_url.clone()) } else { Value::Null },
            "pack_download": self.download(&m.doc.pack_url),
        })
    }

    /// What a link to the PDF at `path` (an output path) fetches: a file name to save it
    /// under that says whose and when it is (`cabinet-2025-06-17-agenda-pack.pdf`, while
    /// the address stays `cabinet/2025-06-17/agenda-pack.pdf`), its size and pages.
    fn download(&self, path: &str) -> Value {
        let Some((len, pages)) = self.downloads.get(path) else { return Value::Null };
        let size = if *len < 1 << 20 { format!("{} KB", len.div_ceil(1024)) } else { format!("{:.1} MB", *len as f64 / f64::from(1 << 20)) };
        let mut meta = format!("PDF, {size}");
        if let Some(p) = pages {
            meta.push_str(&format!(", {p} page{}", if *p == 1 { "" } else { "s" }));
        }
        json!({ "name": path.replace('/', "-"), "size": size, "pages": pages, "meta": meta })
    }

    /// A page per councillor (everyone a committee lists): party, ward, committees, the
    /// register of interests, and attendance counted from the minutes; and their index.
    fn render_councillors(&self, site: &View, out: &mut dyn FnMut(String, Vec<u8>) -> Result<(), Diagnostic>) -> Result<(), Diagnostic> {
        use std::collections::BTreeMap;
        #[derive(Default)]
        struct Person {
            party: Option<String>,
            ward: Option<String>,
            interests: Option<String>,
            committees: Vec<Value>,
            // Per committee slug: (expected, present, apologies, absent).
            counts: BTreeMap<String, [u32; 4]>,
            meetings: Vec<Value>,
        }
        let mut people: BTreeMap<String, Person> = BTreeMap::new();
        for c in &site.committees {
            for m in &c.members {
                let p = people.entry(m.name.trim().to_string()).or_default();
                p.party = p.party.take().or_else(|| m.party.clone());
                p.ward = p.ward.take().or_else(|| m.ward.clone());
                // Only web addresses become links.
                p.interests = p.interests.take().or_else(|| m.interests.clone().filter(|u| u.starts_with("https://") || u.starts_with("http://")));
                p.committees.push(json!({ "name": c.name, "href": format!("../{}/index.html", c.slug), "role": m.role }));
                p.counts.entry(c.slug.clone()).or_default();
            }
        }
        if people.is_empty() {
            return Ok(());
        }
        for mv in site.meetings() {
            let (Some(minutes), Some(c)) = (&mv.minutes, site.committees.iter().find(|c| c.slug == mv.doc.committee_slug)) else { continue };
            let present = |n: &str| minutes.present.iter().any(|p| p.name == n);
            for m in &c.members {
                let name = m.name.trim();
                let Some(p) = people.get_mut(name) else { continue };
                let status = if present(name) {
                    1
                } else if minutes.apologies.iter().any(|a| a == name) || minutes.substitutes.iter().any(|s| s.for_member == name) {
                    2
                } else {
                    3
                };
                let counts = p.counts.entry(c.slug.clone()).or_default();
                counts[0] += 1;
                counts[status] += 1;
                let label = ["", "Present", "Apologies", "Absent"][status];
                p.meetings.push(json!({ "date": mv.doc.date, "date_display": mv.doc.date_display, "committee": c.name, "href": format!("../{}", minutes.url), "status": label }));
            }
            // A councillor substituting on a committee they are not a member of.
            for s in &minutes.substitutes {
                if let Some(p) = people.get_mut(s.name.as_str()) {
                    if !c.members.iter().any(|m| m.name.trim() == s.name) {
                        p.meetings.push(json!({ "date": mv.doc.date, "date_display": mv.doc.date_display, "committee": c.name, "href": format!("../{}", minutes.url), "status": format!("Substitute for {}", s.for_member) }));
                    }
                }
            }
        }
        let mut index = Vec::new();
        for (name, p) in &people {
            let slug = crate::numbering::slugify(name);
            if slug.is_empty() {
                continue; // a name with no letters or digits has no address
            }
            let attendance: Vec<Value> = p
                .counts
                .iter()
                .filter(|(_, n)| n[0] > 0)
                .map(|(slug, n)| {
                    let committee = site.committees.iter().find(|c| &c.slug == slug).map(|c| c.name.clone()).unwrap_or_default();
                    json!({ "committee": committee, "expected": n[0], "present": n[1], "apologies": n[2], "absent": n[3], "percent": (n[1] * 100 + n[0] / 2) / n[0] })
                })
                .collect();
            let mut meetings = p.meetings.clone();
            meetings.sort_by(|a, b| b["date"].as_str().cmp(&a["date"].as_str()));
            let path = format!("councillors/{slug}.html");
            let mut ctx = self.page_context(site, &path);
            ctx.insert(
                "councillor",
                &json!({ "name": name, "slug": slug, "party": p.party, "ward": p.ward, "interests": p.interests, "committees": p.committees, "attendance": attendance, "meetings": meetings }),
            );
            out(path, self.render("councillor.html", &ctx)?.into_bytes())?;
            index.push(json!({ "name": name, "href": format!("{slug}.html"), "party": p.party, "ward": p.ward }));
        }
        let mut ctx = self.page_context(site, "councillors/index.html");
        ctx.insert("councillors", &index);
        out("councillors/index.html".into(), self.render("councillors.html", &ctx)?.into_bytes())
    }

    /// A decision's call-in status on the build's date, and in words.
    fn call_in_now(&self, d: &DecisionDoc) -> (String, String) {
        let ended = d.call_in_ends.as_deref().is_some_and(|e| e < self.today.as_str());
        let now = if d.call_in_status == "open" && ended { "effective" } else { d.call_in_status.as_str() };
        let label = match now {
            "effective" => format!("In effect from {}", d.takes_effect_display.as_deref().unwrap_or("")),
            "open" => format!("Open to call-in until {}", d.call_in_ends_display.as_deref().unwrap_or("")),
            "called-in" => "Called in".to_string(),
            "awaiting-publication" => "Notice not yet published".to_string(),
            _ => "Not subject to call-in".to_string(),
        };
        (now.to_string(), label)
    }

    /// A page per decision notice, and the register of them all.
    fn render_decisions(&self, site: &View, out: &mut dyn FnMut(String, Vec<u8>) -> Result<(), Diagnostic>) -> Result<(), Diagnostic> {
        let mut rows = Vec::new();
        for d in &site.decisions {
            let mut v = serde_json::to_value(d).unwrap_or(Value::Null);
            let (now, label) = self.call_in_now(d);
            v["call_in_now"] = json!(now);
            v["call_in_label"] = json!(label);
            v["href"] = json!(file_name(&d.url));
            let mut page = v.clone();
            page["decision_html"] = json!({
                "decision": blocks_html(&d.decision),
                "reasons": blocks_html(&d.reasons),
                "alternatives": blocks_html(&d.alternatives),
                "conflicts": blocks_html(&d.conflicts),
                "public_summary": blocks_html(&d.public_summary),
            });
            page["pdf_href"] = if self.link_pdfs { Value::String(file_name(&d.pdf_url)) } else { Value::Null };
            page["pdf_download"] = self.download(&d.pdf_url);
            let mut ctx = self.page_context(site, &d.url);
            ctx.insert("decision", &page);
            out(d.url.clone(), self.render("decision.html", &ctx)?.into_bytes())?;
            rows.push(v);
        }
        let committees: Vec<Value> = site
            .committees
            .iter()
            .filter(|c| site.decisions.iter().any(|d| d.committee_slug.as_deref() == Some(c.slug.as_str())))
            .map(|c| json!({ "slug": c.slug, "name": c.name }))
            .collect();
        let mut years: Vec<&str> = site.decisions.iter().map(|d| d.year.as_str()).collect();
        years.sort_unstable_by(|a, b| b.cmp(a));
        years.dedup();
        let statuses = [
            ("open", "Open to call-in"),
            ("called-in", "Called in"),
            ("effective", "In effect"),
            ("not-subject", "Not subject to call-in"),
            ("awaiting-publication", "Notice not yet published"),
        ]
        .iter()
        .map(|(v, l)| json!({ "value": v, "label": l }))
        .collect::<Vec<_>>();
        let mut ctx = self.page_context(site, "decisions/index.html");
        ctx.insert("decisions", &rows);
        ctx.insert("filters", &json!({ "committees": committees, "years": years, "statuses": statuses }));
        out("decisions/index.html".into(), self.render("decisions.html", &ctx)?.into_bytes())
    }

    /// The context every page shares; `path` is the page's place in the output.
    fn page_context(&self, site: &View, path: &str) -> Page {
        self.page_from(&self.site_values(site), site, path)
    }

    /// What every page is given that is the site's, not the page's: made once and handed
    /// to each page of a meeting (a template value is shared, not copied).
    fn site_values(&self, site: &View) -> Vec<(&'static str, tera::Value)> {
        fn value<T: serde::Serialize + ?Sized>(v: &T) -> tera::Value {
            tera::Value::try_from_serializable(v).unwrap_or_else(|_| tera::Value::none())
        }
        vec![
            ("council", value(&site.council)),
            ("language", value(&site.language)),
            ("base_url", value(&site.base_url)),
            ("has_sitemap", value(&site.base_url.is_some())),
            ("has_forward_plan", value(&site.forward_plan.is_some())),
            ("has_decisions", value(&!site.decisions.is_empty())),
            ("has_councillors", value(&site.committees.iter().any(|c| !c.members.is_empty()))),
            ("theme", value(&site.theme_name)),
            ("generator", value(concat!("agendum ", env!("CARGO_PKG_VERSION")))),
            ("logo", value(&site.logo.as_ref().map(|l| json!({ "src": l.path, "alt": l.alt })))),
        ]
    }

    /// A page's context: the site's values, and where the page is.
    fn page_from(&self, shared: &[(&'static str, tera::Value)], site: &View, path: &str) -> Page {
        let mut ctx = Page { ctx: Context::new(), json: self.record.is_some().then(Default::default) };
        for (key, value) in shared {
            ctx.insert_value(key, value.clone());
        }
        let root = "../".repeat(path.matches('/').count());
        ctx.insert("root", &root);
        ctx.insert("canonical", &site.base_url.as_ref().map(|b| absolute_url(b, path)));
        ctx
    }

    pub fn render_meeting(&self, site: &View, m: &MeetingView) -> Result<Files, Diagnostic> {
        let mut files = Files::new();
        let shared = self.site_values(site);
        // The meeting as each of its report pages is given it, made once.
        let meeting = tera::Value::try_from_serializable(&m.doc).unwrap_or_else(|_| tera::Value::none());
        for r in &m.reports {
            let mut ctx = self.page_from(&shared, site, &r.url);
            let mut view = report_view(r, &|p| self.download(p));
            view["pdf_href"] = if self.link_pdfs { Value::String(file_name(&r.pdf_url)) } else { Value::Null };
            view["pdf_download"] = self.download(&r.pdf_url);
            ctx.insert("report", &view);
            ctx.insert_value("meeting", meeting.clone());
            let page = self.render("report.html", &ctx)?;
            files.insert(r.url.clone(), page.into_bytes());
        }
        let mut ctx = self.page_from(&shared, site, &m.doc.url);
        let mut doc = serde_json::to_value(&m.doc).unwrap_or(Value::Null);
        if let Some(items) = doc.get_mut("items").and_then(Value::as_array_mut) {
            for (item, src) in items.iter_mut().zip(&m.doc.items) {
                item["html"] = Value::String(blocks_html(&src.blocks));
                // Item pages are linked relative to the meeting folder.
                item["href"] = src.url.as_deref().map(|u| Value::String(file_name(u))).unwrap_or(Value::Null);
                item["pdf_href"] = match &src.pdf_url {
                    Some(u) if self.link_pdfs => Value::String(file_name(u)),
                    _ => Value::Null,
                };
                item["supplement_display"] = json!(m.doc.supplements.iter().find(|s| s.items.contains(&src.number)).map(|s| &s.date_display));
                // A procedural item's document: a PDF beside the page, or Markdown shown here.
                item["document_href"] = json!(src.document.as_ref().and_then(|d| d.pdf.as_deref()).map(file_name));
                item["document_download"] = src.document.as_ref().and_then(|d| d.pdf.as_deref()).map(|p| self.download(p)).unwrap_or(Value::Null);
                item["pdf_download"] = src.pdf_url.as_deref().map(|p| self.download(p)).unwrap_or(Value::Null);
                item["document_html"] = json!(src.document.as_ref().filter(|d| d.pdf.is_none()).map(|d| blocks_html(&d.blocks)));
            }
        }
        if let Some(sups) = doc.get_mut("supplements").and_then(Value::as_array_mut) {
            for (s, src) in sups.iter_mut().zip(&m.doc.supplements) {
                s["href"] = if self.link_pdfs { Value::String(file_name(&src.pack_url)) } else { Value::Null };
                s["download"] = self.download(&src.pack_url);
            }
        }
        doc["contact_html"] = json!(m.doc.contact.as_ref().map(contact_html));
        if let Some(cs) = doc.get_mut("councils").and_then(Value::as_array_mut) {
            for (c, src) in cs.iter_mut().zip(&m.doc.councils) {
                c["contact_html"] = json!(src.contact.as_ref().map(contact_html));
                // Only web addresses become links.
                if !src.url.as_deref().is_some_and(|u| u.starts_with("https://") || u.starts_with("http://")) {
                    c["url"] = Value::Null;
                }
            }
        }
        doc["minutes_href"] = json!(m.doc.minutes_url.as_deref().map(file_name));
        doc["pack_href"] = if self.link_pdfs { Value::String(file_name(&m.doc.pack_url)) } else { Value::Null };
        doc["pack_download"] = self.download(&m.doc.pack_url);
        ctx.insert("meeting", &doc);
        ctx.insert("json_ld", &json_ld(site, m));
        files.insert(m.doc.url.clone(), self.render("meeting.html", &ctx)?.into_bytes());
        if let Some(minutes) = &m.minutes {
            let mut ctx = self.page_from(&shared, site, &minutes.url);
            let mut v = serde_json::to_value(minutes).unwrap_or(Value::Null);
            if let Some(entries) = v.get_mut("entries").and_then(Value::as_array_mut) {
                for (e, src) in entries.iter_mut().zip(&minutes.entries) {
                    e["html"] = Value::String(blocks_html(&src.body()));
                }
            }
            v["pdf_href"] = if self.link_pdfs { Value::String(file_name(&minutes.pdf_url)) } else { Value::Null };
            v["pdf_download"] = self.download(&minutes.pdf_url);
            ctx.insert("minutes", &v);
            ctx.insert("meeting", &doc);
            files.insert(minutes.url.clone(), self.render("minutes.html", &ctx)?.into_bytes());
        }
        Ok(files)
    }
}

/// A contact as one line: name, role, each phone, each e-mail address as a link.
fn contact_html(c: &crate::model::Contact) -> String {
    let mut s = escape(&c.name);
    if let Some(r) = &c.role {
        s.push_str(&format!(", {}", escape(r)));
    }
    for p in c.phone.items() {
        s.push_str(&format!(", tel. {}", escape(p)));
    }
    for e in c.email.items() {
        s.push_str(&format!(", <a href=\"mailto:{0}\">{0}</a>", escape(e.trim())));
    }
    s
}

/// A template's context, and, while the theme guide's record of what each template
/// receives is being made, the same values as JSON (only then: it doubles the work).
struct Page {
    ctx: Context,
    json: Option<serde_json::Map<String, Value>>,
}

impl Page {
    fn insert<T: serde::Serialize + ?Sized>(&mut self, key: &'static str, val: &T) {
        if let Some(json) = &mut self.json {
            json.insert(key.to_string(), serde_json::to_value(val).unwrap_or(Value::Null));
        }
        self.ctx.insert(key, val);
    }

    /// A value already made for templates (shared between pages).
    fn insert_value(&mut self, key: &'static str, val: tera::Value) {
        if let Some(json) = &mut self.json {
            json.insert(key.to_string(), serde_json::to_value(&val).unwrap_or(Value::Null));
        }
        self.ctx.insert_value(key, val);
    }
}

/// Meeting summaries (newest first) grouped by year, newest year first.
fn by_year(meetings: Vec<&Value>) -> Vec<Value> {
    let mut groups: Vec<Value> = Vec::new();
    for m in meetings {
        let year = m["year"].clone();
        match groups.last_mut() {
            Some(g) if g["year"] == year => {
                if let Some(list) = g["meetings"].as_array_mut() {
                    list.push(m.clone())
                }
            }
            _ => groups.push(json!({"year": year, "meetings": [m.clone()]})),
        }
    }
    groups
}

/// schema.org Event for the meeting page, so search engines show the date and place.
/// `</` is escaped so that no author text can close the script element.
fn json_ld(site: &View, m: &MeetingView) -> String {
    let d = &m.doc;
    let mut v = json!({
        "@context": "https://schema.org",
        "@type": "Event",
        "name": format!("{}, {}", d.committee, d.date_display),
        "startDate": match &d.time { Some(t) => format!("{}T{t}:00{}", d.date, d.utc_offset), None => d.date.clone() },
        "eventStatus": match d.status.as_str() {
            "cancelled" => "https://schema.org/EventCancelled",
            "postponed" => "https://schema.org/EventPostponed",
            "rescheduled" => "https://schema.org/EventRescheduled",
            _ => "https://schema.org/EventScheduled",
        },
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
        "location": {"@type": "Place", "name": d.venue.as_deref().unwrap_or("To be confirmed"), "address": d.venue.as_deref().unwrap_or("To be confirmed")},
        "organizer": {"@type": "GovernmentOrganization", "name": site.council},
        "inLanguage": d.language,
        "description": format!("Meeting of the {}. Agenda: {}.", d.committee, d.items.iter().map(|i| format!("{}. {}", i.number, i.title)).collect::<Vec<_>>().join("; ")),
    });
    if let Some(previous) = &d.previous_date {
        v["previousStartDate"] = json!(previous);
    }
    if let Some(base) = &site.base_url {
        v["url"] = json!(absolute_url(base, &d.url));
        v["organizer"]["url"] = json!(base);
    }
    script_safe(&serde_json::to_string(&v).unwrap_or_default())
}

/// JSON inside a `<script>` element: `</` and `<!--` cannot end or confuse it.
fn script_safe(json: &str) -> String {
    json.replace("</", "<\\/").replace("<!--", "<\\u0021--")
}

/// Pages link to siblings by file name: `a/b/04-x.html` -> `04-x.html`.
fn file_name(url: &str) -> String {
    url.rsplit('/').next().unwrap_or(url).to_string()
}

fn template_error(e: &tera::Error) -> Diagnostic {
    let mut msg = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        source = s.source();
    }
    Diagnostic::error(Pos::file("templates"), format!("template error: {msg}"))
        .hint("check the template named in the message; site templates in templates/ override the theme's")
}

/// The report as template data, with HTML already made for every block list.
/// `download` says what a link to a PDF (by output path) fetches.
fn report_view(r: &ReportDoc, download: &dyn Fn(&str) -> Value) -> Value {
    let mut v = serde_json::to_value(r).unwrap_or(Value::Null);
    if let Some(sections) = v.get_mut("sections").and_then(Value::as_array_mut) {
        for (s, src) in sections.iter_mut().zip(&r.sections) {
            s["html"] = Value::String(blocks_html(&src.blocks));
        }
    }
    if let Some(header) = v.get_mut("header").and_then(Value::as_array_mut) {
        for (h, src) in header.iter_mut().zip(&r.header) {
            h["parts_html"] = json!(src.parts.iter().map(|p| inlines_html(p)).collect::<Vec<_>>());
            // Lines (two people, an address) break; cells (Non-Urgent, Executive) sit apart.
            h["value_html"] = json!(if src.stacked {
                src.parts.iter().map(|p| inlines_html(p)).collect::<Vec<_>>().join("<br>")
            } else {
                src.parts.iter().map(|p| format!("<span class=\"part\">{}</span>", inlines_html(p))).collect::<Vec<_>>().join(" ")
            });
        }
    }
    // Where the theme's header has a Title row, the row holds the page's <h1>: the title
    // is printed once, where the council's form puts it (as in the PDF).
    v["title_in_header"] = json!(r.header.iter().any(|h| h.key == "title"));
    if let Some(apps) = v.get_mut("appendices").and_then(Value::as_array_mut) {
        // Withheld appendices are listed apart, as notices.
        apps.retain(|a| !a["withheld"].as_bool().unwrap_or(false));
        let shown: Vec<&Appendix> = r.appendices.iter().filter(|a| !a.withheld).collect();
        for (a, src) in apps.iter_mut().zip(shown) {
            a["html"] = Value::String(blocks_html(&src.blocks));
            if let Some(pdf) = &src.pdf {
                a["pdf_href"] = Value::String(file_name(pdf));
                a["pdf_download"] = download(pdf);
            }
        }
    }
    v["withheld_appendices"] = super::withheld_appendices(r);
    if let Some(notes) = v.get_mut("footnotes").and_then(Value::as_array_mut) {
        for (n, src) in notes.iter_mut().zip(&r.footnotes) {
            n["html"] = Value::String(blocks_html(&src.blocks));
        }
    }
    v
}

pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Only ordinary link targets are written as links; `javascript:` and the like are not.
fn safe_href(href: &str) -> bool {
    let lower = href.trim().to_ascii_lowercase();
    match lower.split_once(':') {
        Some((scheme, _)) if !scheme.contains('/') && !scheme.contains('#') => matches!(scheme, "http" | "https" | "mailto" | "tel"),
        _ => true,
    }
}

pub fn inlines_html(content: &[Inline]) -> String {
    let mut s = String::new();
    for i in content {
        match i {
            Inline::Text { text } => s.push_str(&escape(text)),
            Inline::Strong { content } => s.push_str(&format!("<strong>{}</strong>", inlines_html(content))),
            Inline::Sup { content } => s.push_str(&format!("<sup>{}</sup>", inlines_html(content))),
            Inline::Emph { content } => s.push_str(&format!("<em>{}</em>", inlines_html(content))),
            Inline::Strike { content } => s.push_str(&format!("<del>{}</del>", inlines_html(content))),
            Inline::Code { text } => s.push_str(&format!("<code>{}</code>", escape(text))),
            Inline::Link { href, content } if safe_href(href) => s.push_str(&format!("<a href=\"{}\">{}</a>", escape(href), inlines_html(content))),
            Inline::Link { content, .. } => s.push_str(&inlines_html(content)),
            Inline::Ref { target, number } => s.push_str(&format!("<a class=\"ref\" href=\"#{}\">{}</a>", escape(target), escape(number))),
            Inline::FootnoteRef { number } => {
                s.push_str(&format!("<sup class=\"fnref\"><a href=\"#fn-{number}\" id=\"fnref-{number}\" aria-label=\"Footnote {number}\">{number}</a></sup>"))
            }
            Inline::Break => s.push_str("<br>"),
            Inline::Image { alt, file, .. } => s.push_str(&format!("<img src=\"{}\" alt=\"{}\">", escape(file), escape(alt))),
        }
    }
    s
}

fn id_attr(id: &Option<String>) -> String {
    id.as_ref().map(|i| format!(" id=\"{}\"", escape(i))).unwrap_or_default()
}

pub fn blocks_html(blocks: &[Block]) -> String {
    let mut s = String::new();
    for b in blocks {
        block_html(b, &mut s);
    }
    s
}

fn block_html(b: &Block, s: &mut String) {
    match b {
        Block::Para { number: Some(n), id, content } => s.push_str(&format!(
            "<p class=\"para numbered\"{}><span class=\"num\">{}</span> <span class=\"text\">{}</span></p>\n",
            id_attr(id),
            escape(n),
            inlines_html(content)
        )),
        Block::Para { number: None, id, content } => s.push_str(&format!("<p{}>{}</p>\n", id_attr(id), inlines_html(content))),
        Block::Heading { level, number, id, content } => {
            let l = (*level).clamp(3, 6);
            let num = number.as_ref().map(|n| format!("<span class=\"num\">{}</span> ", escape(n))).unwrap_or_default();
            s.push_str(&format!("<h{l}{}>{num}{}</h{l}>\n", id_attr(id), inlines_html(content)));
        }
        Block::List { ordered, items } => {
            let marked = items.iter().any(|i| i.marker.is_some());
            let tag = if *ordered { "ol" } else { "ul" };
            if marked {
                // Printed markers (3.16.1, iv.) are real text, so screen readers and
                // copy-paste keep the numbers; role=list keeps list semantics.
                s.push_str(&format!("<{tag} class=\"marked\" role=\"list\">\n"));
            } else {
                s.push_str(&format!("<{tag}>\n"));
            }
            for item in items {
                s.push_str(&format!("<li{}>", id_attr(&item.id)));
                if let Some(m) = &item.marker {
                    s.push_str(&format!("<span class=\"marker\">{}</span> <div class=\"item\">", escape(m)));
                }
                // A single paragraph item is written inline, without <p>.
                match item.blocks.as_slice() {
                    [Block::Para { number: None, content, .. }] => s.push_str(&inlines_html(content)),
                    blocks => s.push_str(&blocks_html(blocks)),
                }
                if item.marker.is_some() {
                    s.push_str("</div>");
                }
                s.push_str("</li>\n");
            }
            s.push_str(&format!("</{tag}>\n"));
        }
        Block::Table(t) => table_html(t, s),
        Block::Quote { blocks } => s.push_str(&format!("<blockquote>\n{}</blockquote>\n", blocks_html(blocks))),
        Block::Code { text } => s.push_str(&format!("<pre><code>{}</code></pre>\n", escape(text))),
        Block::Rule => s.push_str("<hr>\n"),
        Block::Fields { layout, rows } => match layout.as_str() {
            "table" => {
                s.push_str("<table class=\"fields\">\n<tbody>\n");
                for r in rows {
                    s.push_str(&format!("<tr><th scope=\"row\">{}</th><td>{}</td></tr>\n", escape(&r.label), inlines_html(&r.value)));
                }
                s.push_str("</tbody>\n</table>\n");
            }
            "lines" => {
                s.push_str("<dl class=\"fields-lines\">\n");
                for r in rows {
                    s.push_str(&format!("<div><dt>{}</dt> <dd>{}</dd></div>\n", escape(&label_text(&r.label)), inlines_html(&r.value)));
                }
                s.push_str("</dl>\n");
            }
            _ => {
                s.push_str("<ol class=\"marked fields\" role=\"list\">\n");
                for r in rows {
                    let marker = r.number.as_ref().map(|n| format!("<span class=\"marker\">{}</span> ", escape(n))).unwrap_or_default();
                    s.push_str(&format!(
                        "<li>{marker}<div class=\"item\"><span class=\"label\">{}</span> {}</div></li>\n",
                        escape(&label_text(&r.label)),
                        inlines_html(&r.value)
                    ));
                }
                s.push_str("</ol>\n");
            }
        },
    }
}

/// "Label:" unless the label already ends in a question mark or colon.
fn label_text(label: &str) -> String {
    if label.ends_with(['?', ':']) {
        label.to_string()
    } else {
        format!("{label}:")
    }
}

/// Whether a table has a header row with any text in it.
pub fn has_head(t: &Table) -> bool {
    t.columns.iter().any(|c| !plain(&c.heading).trim().is_empty())
}

fn table_html(t: &Table, s: &mut String) {
    s.push_str("<div class=\"table-wrap\" role=\"region\" tabindex=\"0\"");
    if let Some(c) = &t.caption {
        s.push_str(&format!(" aria-label=\"{}\"", escape(c)));
    } else {
        s.push_str(" aria-label=\"Table\"");
    }
    s.push_str(">\n<table>\n");
    if let Some(c) = &t.caption {
        s.push_str(&format!("<caption>{}</caption>\n", escape(c)));
    }
    let class = |align: &str| if align == "left" { String::new() } else { format!(" class=\"align-{align}\"") };
    // A table written with an empty header row is a list of label/value rows: its first
    // column heads each row instead.
    let row_headed = !has_head(t);
    if !row_headed {
        s.push_str("<thead>\n<tr>");
        for c in &t.columns {
            s.push_str(&format!("<th scope=\"col\"{}>{}</th>", class(c.align), inlines_html(&c.heading)));
        }
        s.push_str("</tr>\n</thead>\n");
    }
    s.push_str("<tbody>\n");
    for row in &t.rows {
        s.push_str("<tr>");
        for (i, cell) in row.iter().enumerate() {
            let align = t.columns.get(i).map(|c| c.align).unwrap_or("left");
            let inner = match cell.as_slice() {
                [Block::Para { number: None, content, .. }] => inlines_html(content),
                blocks => blocks_html(blocks),
            };
            if row_headed && i == 0 {
                s.push_str(&format!("<th scope=\"row\"{}>{}</th>", class(align), inner));
            } else {
                s.push_str(&format!("<td{}>{}</td>", class(align), inner));
            }
        }
        s.push_str("</tr>\n");
    }
    s.push_str("</tbody>\n");
    if let Some(footer) = &t.footer {
        s.push_str("<tfoot>\n<tr>");
        for (i, cell) in footer.iter().enumerate() {
            let align = t.columns.get(i).map(|c| c.align).unwrap_or("left");
            if i == 0 {
                s.push_str(&format!("<th scope=\"row\"{}>{}</th>", class(align), inlines_html(cell)));
            } else {
                s.push_str(&format!("<td{}>{}</td>", class(align), inlines_html(cell)));
            }
        }
        s.push_str("</tr>\n</tfoot>\n");
    }
    s.push_str("</table>\n</div>\n");
    if let Some(n) = &t.note {
        s.push_str(&format!("<p class=\"table-note\">{}</p>\n", escape(n)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn author_text_is_escaped_and_scripts_are_not_links() {
        let html = inlines_html(&[
            Inline::text("<script>alert(1)</script>"),
            Inline::Link { href: "javascript:alert(1)".into(), content: vec![Inline::text("click")] },
        ]);
        assert!(html.contains("&lt;script&gt;"));
        assert!(!html.contains("<script"));
        assert!(!html.contains("javascript:"));
    }

    #[test]
    fn numbered_paragraph_carries_its_number_as_text() {
        let html = blocks_html(&[Block::Para { number: Some("3.6".into()), id: Some("para-3-6".into()), content: vec![Inline::text("It is proposed")] }]);
        assert_eq!(html, "<p class=\"para numbered\" id=\"para-3-6\"><span class=\"num\">3.6</span> <span class=\"text\">It is proposed</span></p>\n");
    }
}
