//! Resolve: apply the theme's report scheme to the loaded content. Sections are put in the
//! theme's order with defaults for absent ones; paragraphs are numbered (3.1, 7.1.1);
//! references become numbers; YAML tables get money formatting and totals; item numbers
//! follow the agenda. The result is the document tree, and nothing downstream decides
//! content.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Component, Path, PathBuf};

use chrono::{Datelike, NaiveDate, NaiveTime};

use crate::diag::{Diagnostic, Diagnostics, Pos};
use crate::document::*;
use crate::load::{LoadedMeeting, LoadedSite};
use crate::markdown::{self, Node};
use crate::model::*;
use crate::money;
use crate::numbering::{path_number, slugify};
use crate::theme::{FieldsLayout, HeaderKey, HeaderLayout, ListStyle, MastheadLine, SectionKind, SectionScheme, SubsectionStyle, Theme, ThemeScheme};
use crate::yaml::{spanned_pos, Spanned};

/// The one site document: every page, PDF and asset of every audience, with every
/// output name decided. It holds exempt content; renderers never see it, only the
/// audience views made from it by `crate::audience`.
pub struct ResolvedSite {
    /// The council's logo: its output path (an asset) and alt text.
    pub logo: Option<LogoRef>,
    /// Site-wide assets: the logo and the theme's static files.
    pub assets: Assets,
    pub council: String,
    pub base_url: Option<String>,
    pub language: String,
    pub theme_name: String,
    pub meetings: Vec<ResolvedMeeting>,
    pub committees: Vec<CommitteeInfo>,
    pub forward_plan: Option<ForwardPlanDoc>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct CommitteeInfo {
    pub slug: String,
    pub name: String,
    pub kind: String,
    pub description: Option<String>,
    pub members: Vec<Member>,
}

pub struct ResolvedMeeting {
    /// Index of the meeting in `LoadedSite::meetings`, for rules that read the source.
    pub source_index: usize,
    pub doc: MeetingDoc,
    /// Every report of the meeting, exempt ones included. Nothing renders this: the
    /// renderers see an audience view (`crate::audience`).
    pub reports: Vec<ReportDoc>,
    /// The images and PDF appendices of its reports, by output path.
    pub assets: Assets,
    /// Its folder's name under content/meetings.
    pub dir_name: String,
    pub warnings: Diagnostics,
}

pub const SCHEDULE_12A: &str = "Part 1 of Schedule 12A to the Local Government Act 1972";

pub fn exemption_statement(paragraphs: &[u8]) -> String {
    let list = match paragraphs {
        [one] => format!("paragraph {one}"),
        many => {
            let Some((last, rest)) = many.split_last() else { return String::from("Not for publication") };
            format!("paragraphs {} and {last}", rest.iter().map(u8::to_string).collect::<Vec<_>>().join(", "))
        }
    };
    format!("Not for publication by virtue of {list} of {SCHEDULE_12A}")
}

pub fn display_date(d: NaiveDate) -> String {
    format!("{} {}", d.day(), d.format("%B %Y"))
}

pub fn display_time(t: NaiveTime) -> String {
    let (pm, h) = t.format("%p %-I").to_string().split_once(' ').map(|(a, b)| (a == "PM", b.to_string())).unwrap();
    let suffix = if pm { "pm" } else { "am" };
    if t.format("%M").to_string() == "00" {
        format!("{h}{suffix}")
    } else {
        format!("{h}.{}{suffix}", t.format("%M"))
    }
}

pub fn resolve_site(site: &LoadedSite, theme: &Theme) -> Result<ResolvedSite, Diagnostics> {
    let mut diags = Diagnostics::new();
    let committees: Vec<CommitteeInfo> = site
        .committees
        .iter()
        .map(|(slug, (_, c))| CommitteeInfo {
            slug: slug.clone(),
            name: c.name.clone(),
            kind: c.kind.label().to_string(),
            description: c.description.clone(),
            members: c.members.clone(),
        })
        .collect();

    // Committee pages live at `<slug>/`: a few names are taken by the site itself.
    for (slug, (path, _)) in &site.committees {
        if ["archive", "static", "frozen"].contains(&slug.as_str()) {
            diags.push(
                Diagnostic::error(Pos::file(path), format!("a committee cannot be called `{slug}`: the site uses that folder"))
                    .hint("rename the file, e.g. content/committees/{slug}-committee.yaml"),
            );
        }
    }
    let mut meetings = Vec::new();
    let mut seen_urls: BTreeMap<String, PathBuf> = BTreeMap::new();
    // Meetings resolve independently: in parallel, then in folder order as before.
    use rayon::prelude::*;
    let resolved: Vec<Result<ResolvedMeeting, Diagnostics>> = site.meetings.par_iter().map(|m| resolve_meeting(site, theme, m)).collect();
    for (index, (m, result)) in site.meetings.iter().zip(resolved).enumerate() {
        match result.map(|mut rm| {
            rm.source_index = index;
            rm
        }) {
            Ok(rm) => {
                if let Some(prev) = seen_urls.insert(rm.doc.url.clone(), m.path.clone()) {
                    diags.push(
                        Diagnostic::error(Pos::file(&m.path), format!("two meetings of the same committee on {}", rm.doc.date))
                            .hint(format!("the other is {}; merge them or correct the date", prev.display())),
                    );
                }
                meetings.push(rm)
            }
            Err(d) => diags.extend(d),
        }
    }
    if diags.has_errors() {
        diags.sort();
        return Err(diags);
    }
    meetings.sort_by(|a, b| (&a.doc.date, &a.doc.committee_slug).cmp(&(&b.doc.date, &b.doc.committee_slug)));
    let mut assets = Assets::new();
    for (name, bytes) in &theme.statics {
        let sha256 = crate::render::data::sha256_hex(bytes);
        assets.insert(
            format!("static/{name}"),
            Asset { source: format!("theme {}: static/{name}", theme.scheme.name), bytes: std::sync::Arc::new(bytes.clone()), sha256 },
        );
    }
    let logo = match &site.config.logo {
        None => None,
        Some(l) => {
            let (ext, bytes, alt) = load_logo(site, l)?;
            let path = format!("static/logo.{ext}");
            let sha256 = crate::render::data::sha256_hex(&bytes);
            assets.insert(path.clone(), Asset { source: l.value.file.clone(), bytes: std::sync::Arc::new(bytes), sha256 });
            Some(LogoRef { path, alt })
        }
    };
    let forward_plan = match &site.forward_plan {
        None => None,
        Some((path, f)) => Some(resolve_forward_plan(path, f, theme)?),
    };
    Ok(ResolvedSite {
        forward_plan,
        logo,
        assets,
        council: site.config.council.clone(),
        base_url: site.config.base_url.clone(),
        language: site.config.language.clone(),
        theme_name: site.config.theme.value.clone(),
        meetings,
        committees,
    })
}

fn load_logo(site: &LoadedSite, l: &Spanned<Logo>) -> Result<(String, Vec<u8>, String), Diagnostics> {
    let pos = spanned_pos(Path::new("agendum.yaml"), l, 0);
    let ext = Path::new(&l.value.file).extension().and_then(|e| e.to_str()).map(str::to_lowercase).unwrap_or_default();
    if !matches!(ext.as_str(), "svg" | "png") {
        return Err(Diagnostic::error(pos, "the logo must be an SVG or PNG file")
            .field("logo.file")
            .hint("export the logo as SVG (best for print) or PNG")
            .into());
    }
    if l.value.alt.trim().is_empty() {
        return Err(Diagnostic::error(pos, "the logo has no alt text").field("logo.alt").hint("describe it, e.g. \"London Borough of Bromley logo\"").into());
    }
    let full = safe_join(&site.root, &l.value.file).map_err(|_| {
        Diagnostic::error(pos.clone(), format!("logo file `{}` is outside the site folder", l.value.file))
            .field("logo.file")
            .hint("put the logo in the site, e.g. static/logo.svg")
    })?;
    let bytes = std::fs::read(&full).map_err(|e| Diagnostic::error(pos, format!("cannot read the logo `{}`: {e}", l.value.file)).field("logo.file"))?;
    Ok((ext, bytes, l.value.alt.clone()))
}

fn resolve_meeting(site: &LoadedSite, theme: &Theme, m: &LoadedMeeting) -> Result<ResolvedMeeting, Diagnostics> {
    let mut diags = Diagnostics::new();
    let path = &m.path;
    let f = &m.file;
    let committee = site.committees.get(&f.committee.value);
    if committee.is_none() {
        let names: Vec<&str> = site.committees.keys().map(String::as_str).collect();
        let d = Diagnostic::error(spanned_pos(path, &f.committee, 0), format!("no committee `{}`", f.committee.value)).field("committee").suggest(
            &f.committee.value,
            names.iter().copied(),
            format!("create content/committees/{}.yaml, or use one of: {}", f.committee.value, names.join(", ")),
        );
        diags.push(d);
    }
    let date = parse_date(&f.date.value)
        .map_err(|e| Diagnostic::error(spanned_pos(path, &f.date, 0), e).field("date").hint("write dates as YYYY-MM-DD, e.g. 2012-04-18"));
    let time = NaiveTime::parse_from_str(f.time.value.trim(), "%H:%M").map_err(|_| {
        Diagnostic::error(spanned_pos(path, &f.time, 0), format!("`{}` is not a time", f.time.value))
            .field("time")
            .hint("write the time on the 24-hour clock in quotes, e.g. \"19:00\"")
    });
    let published = f
        .published
        .as_ref()
        .map(|p| parse_date(&p.value).map_err(|e| Diagnostic::error(spanned_pos(path, p, 0), e).field("published").hint("write dates as YYYY-MM-DD")));
    let (date, time) = match (date, time) {
        (Ok(d), Ok(t)) => (d, t),
        (d, t) => {
            if let Err(e) = d {
                diags.push(e);
            }
            if let Err(e) = t {
                diags.push(e);
            }
            return Err(diags);
        }
    };
    let published = match published {
        Some(Ok(p)) => Some(p),
        Some(Err(e)) => {
            diags.push(e);
            None
        }
        None => None,
    };
    let Some((_, committee)) = committee else { return Err(diags) };
    let committee_slug = f.committee.value.clone();
    let iso = date.format("%Y-%m-%d").to_string();
    let base = format!("{committee_slug}/{iso}");

    // Two files in a meeting with the same slug would publish to one URL.
    let mut by_slug: BTreeMap<&str, &Path> = BTreeMap::new();
    for r in &m.reports {
        if let Some(first) = by_slug.insert(&r.slug, &r.path) {
            diags.push(
                Diagnostic::error(Pos::file(&r.path), format!("two reports share the name `{}`", r.slug))
                    .hint(format!("{} has it too; rename one of them (the part after the number)", first.display())),
            );
        }
    }
    if diags.has_errors() {
        return Err(diags);
    }
    // Agenda order: every report file must be on the agenda exactly once.
    let mut used: BTreeSet<usize> = BTreeSet::new();
    let mut items = Vec::new();
    let mut reports = Vec::new();
    let mut assets = Assets::new();
    let mut warnings = Diagnostics::new();
    let ctx = MeetingCtx {
        council: &site.config.council,
        language: &site.config.language,
        committee_name: &committee.name,
        committee_slug: &committee_slug,
        date,
        base: &base,
        dir: site.root.join("content/meetings").join(&m.dir_name),
        site_root: &site.root,
    };
    for (index, entry) in f.items.iter().enumerate() {
        let number = (index + 1).to_string();
        let pos = spanned_pos(path, entry, 0);
        let e = &entry.value;
        match (&e.report, e.procedural) {
            (Some(report), None) => {
                let wanted = crate::load::strip_number_prefix(report);
                let found = m.reports.iter().position(|r| r.slug == wanted);
                let Some(idx) = found else {
                    let slugs: Vec<&str> = m.reports.iter().map(|r| r.slug.as_str()).collect();
                    let d = Diagnostic::error(pos, format!("no report `{report}` in this meeting's folder")).field("items.report").suggest(
                        wanted,
                        slugs.iter().copied(),
                        format!(
                            "create {}/{}-{wanted}.md, or run `agendum new report {} \"Title\"`",
                            m.path.parent().unwrap_or(Path::new("")).display(),
                            format_args!("{:02}", index + 1),
                            m.dir_name
                        ),
                    );
                    diags.push(d);
                    continue;
                };
                if !used.insert(idx) {
                    diags.push(Diagnostic::error(pos, format!("report `{report}` is on the agenda twice")).field("items").hint("list each report once"));
                    continue;
                }
                let src = &m.reports[idx];
                match resolve_report(&ctx, theme, src, &number) {
                    Ok((doc, w, report_assets)) => {
                        warnings.extend(w);
                        for (out, a) in report_assets {
                            match assets.get(&out) {
                                Some(prev) if prev.sha256 != a.sha256 => diags.push(
                                    Diagnostic::error(Pos::file(&src.path), format!("`{}` and `{}` would both be published as `{out}`", a.source, prev.source))
                                        .hint("rename one of the files"),
                                ),
                                Some(_) => {}
                                None => {
                                    assets.insert(out, a);
                                }
                            }
                        }
                        items.push(AgendaItem {
                            number: number.clone(),
                            title: doc.title.clone(),
                            kind: "report".into(),
                            blocks: vec![],
                            url: Some(doc.url.clone()),
                            pdf_url: Some(doc.pdf_url.clone()),
                            slug: Some(doc.slug.clone()),
                            report_of: header_text(&doc, "report_of").or_else(|| header_text(&doc, "chief_officer")),
                            wards: src.front.wards.as_ref().map(|w| w.value.display()),
                            key_decision: src.front.decision.key,
                            exempt: doc.exempt.clone(),
                            supplement: supplement_date(e, published, &pos, &mut diags),
                            urgency: e.urgency.clone(),
                        });
                        reports.push(doc);
                    }
                    Err(d) => diags.extend(d),
                }
            }
            (None, Some(kind)) => {
                let title = e.title.clone().unwrap_or_else(|| kind.default_title().to_string());
                let blocks = match &e.text {
                    Some(t) => {
                        let parsed = markdown::parse(t, pos.line);
                        let mut blocks: Vec<Block> =
                            parsed.nodes.into_iter().filter_map(|n| if let Node::Block { block, .. } = n { Some(block) } else { None }).collect();
                        style_lists(&mut blocks, &theme.scheme, 0);
                        blocks
                    }
                    None => vec![],
                };
                items.push(AgendaItem {
                    number,
                    title,
                    kind: serde_json::to_value(kind).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default(),
                    blocks,
                    url: None,
                    pdf_url: None,
                    slug: None,
                    report_of: None,
                    wards: None,
                    key_decision: false,
                    exempt: None,
                    supplement: supplement_date(e, published, &pos, &mut diags),
                    urgency: e.urgency.clone(),
                });
            }
            (Some(_), Some(_)) => diags.push(
                Diagnostic::error(pos, "an agenda item is either a report or a procedural item, not both").field("items").hint("split it into two entries"),
            ),
            (None, None) => diags.push(
                Diagnostic::error(pos, "agenda item names neither `report` nor `procedural`")
                    .field("items")
                    .hint("write `- report: <file name>` or `- procedural: apologies`"),
            ),
        }
    }
    for (i, r) in m.reports.iter().enumerate() {
        if !used.contains(&i) && !diags.0.iter().any(|d| d.pos.file == r.path) {
            diags.push(Diagnostic::error(Pos::file(&r.path), format!("report `{}` is not on the agenda", r.slug)).hint(format!(
                "add `- report: {}` to the items in {}",
                r.slug,
                m.path.display()
            )));
        }
    }
    let mut reissues = Vec::new();
    for r in &f.reissued {
        let pos = spanned_pos(path, r, 0);
        match parse_date(&r.value.date) {
            Err(e) => diags.push(Diagnostic::error(pos, e).field("reissued.date").hint("write dates as YYYY-MM-DD")),
            Ok(_) if r.value.reason.trim().is_empty() => diags.push(
                Diagnostic::error(pos, "a re-issue has no reason").field("reissued.reason").hint("say what changed and why, as the meeting page will show it"),
            ),
            Ok(d) => reissues.push(crate::document::Reissue {
                date: d.format("%Y-%m-%d").to_string(),
                date_display: display_date(d),
                reason: r.value.reason.trim().to_string(),
            }),
        }
    }
    if diags.has_errors() {
        return Err(diags);
    }
    let mut by_date: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for item in &items {
        if let Some(d) = &item.supplement {
            by_date.entry(d.clone()).or_default().push(item.number.clone());
        }
    }
    let supplements = by_date
        .into_iter()
        .map(|(d, numbers)| Supplement {
            date_display: parse_date(&d).map(display_date).unwrap_or_default(),
            pack_url: format!("{base}/supplement-{d}.pdf"),
            date: d,
            items: numbers,
        })
        .collect();
    let doc = MeetingDoc {
        pack_title: "Agenda".into(),
        supplements,
        reissues,
        committee_url: format!("{committee_slug}/index.html"),
        data_url: format!("{base}/meeting.json"),
        utc_offset: crate::calendar::london_utc_offset(date, time).to_string(),
        council: site.config.council.clone(),
        committee: committee.name.clone(),
        committee_slug: committee_slug.clone(),
        committee_kind: committee.kind.label().to_string(),
        date: iso,
        date_display: display_date(date),
        time: time.format("%H:%M").to_string(),
        time_display: display_time(time),
        venue: f.venue.clone(),
        published: published.map(|p| p.format("%Y-%m-%d").to_string()),
        published_display: published.map(display_date),
        members: committee.members.clone(),
        contact: site.config.democratic_services.clone(),
        items,
        url: format!("{base}/index.html"),
        pack_url: format!("{base}/agenda-pack.pdf"),
        language: site.config.language.clone(),
    };
    Ok(ResolvedMeeting { source_index: 0, doc, reports, assets, dir_name: m.dir_name.clone(), warnings })
}

/// The supplementary agenda an item goes out in: its `added` date, when that is after
/// the agenda was published.
fn supplement_date(e: &ItemEntry, published: Option<NaiveDate>, pos: &Pos, diags: &mut Diagnostics) -> Option<String> {
    let added = e.added.as_ref()?;
    match parse_date(added) {
        Err(err) => {
            diags.push(Diagnostic::error(pos.clone(), err).field("items.added").hint("write dates as YYYY-MM-DD"));
            None
        }
        Ok(a) if published.is_some_and(|p| a > p) => Some(a.format("%Y-%m-%d").to_string()),
        Ok(_) => None,
    }
}

fn resolve_forward_plan(path: &Path, f: &ForwardPlanFile, theme: &Theme) -> Result<ForwardPlanDoc, Diagnostics> {
    let mut diags = Diagnostics::new();
    let published = parse_date(&f.published.value)
        .map_err(|e| Diagnostic::error(spanned_pos(path, &f.published, 0), e).field("published").hint("write dates as YYYY-MM-DD"));
    let md_blocks = |text: &str, line: u32| -> Vec<Block> {
        let parsed = markdown::parse(text, line);
        let mut blocks: Vec<Block> = parsed.nodes.into_iter().filter_map(|n| if let Node::Block { block, .. } = n { Some(block) } else { None }).collect();
        style_lists(&mut blocks, &theme.scheme, 0);
        blocks
    };
    let mut decisions = Vec::new();
    for d in &f.decisions {
        let pos = spanned_pos(path, d, 0);
        let v = &d.value;
        let expected_display = match (parse_date(&v.expected), NaiveDate::parse_from_str(&format!("{}-01", v.expected.trim()), "%Y-%m-%d")) {
            (Ok(day), _) => display_date(day),
            (Err(_), Ok(month)) if v.expected.trim().len() == 7 => month.format("%B %Y").to_string(),
            _ => {
                diags.push(
                    Diagnostic::error(pos, format!("`{}` is neither a date nor a month", v.expected))
                        .field("decisions.expected")
                        .hint("write YYYY-MM-DD, or YYYY-MM when only the month is known"),
                );
                continue;
            }
        };
        let exempt = (!v.exempt_paragraphs.is_empty()).then(|| Exemption {
            paragraphs: v.exempt_paragraphs.clone(),
            statement: exemption_statement(&v.exempt_paragraphs),
            public_interest: None,
        });
        if let Some(bad) = v.exempt_paragraphs.iter().find(|p| !(1..=7).contains(*p)) {
            diags.push(
                Diagnostic::error(pos.clone(), format!("there is no paragraph {bad} in Part 1 of Schedule 12A"))
                    .field("decisions.exempt_paragraphs")
                    .hint("the exemption paragraphs are 1 to 7"),
            );
        }
        decisions.push(crate::document::PlannedDecision {
            title: v.title.clone(),
            decision_maker: v.decision_maker.clone(),
            expected: v.expected.trim().to_string(),
            expected_display,
            key: v.key,
            wards: v.wards.as_ref().map(Wards::display),
            summary: v.summary.as_deref().map(|t| md_blocks(t, pos.line)).unwrap_or_default(),
            exempt,
            documents: v.documents.clone(),
            contact: v.contact.clone(),
        });
    }
    let published = match published {
        Ok(p) => p,
        Err(e) => {
            diags.push(e);
            return Err(diags);
        }
    };
    if diags.has_errors() {
        diags.sort();
        return Err(diags);
    }
    // Soonest first, as readers scan for what is coming.
    decisions.sort_by(|a, b| a.expected.cmp(&b.expected));
    Ok(ForwardPlanDoc {
        title: f.title.clone(),
        published: published.format("%Y-%m-%d").to_string(),
        published_display: display_date(published),
        introduction: f.introduction.as_deref().map(|t| md_blocks(t, 1)).unwrap_or_default(),
        decisions,
    })
}

fn header_text(doc: &ReportDoc, key: &str) -> Option<String> {
    doc.header.iter().find(|h| h.key == key).map(|h| h.parts.iter().map(|p| plain(p)).collect::<Vec<_>>().join(", "))
}

struct MeetingCtx<'a> {
    council: &'a str,
    language: &'a str,
    committee_name: &'a str,
    committee_slug: &'a str,
    date: NaiveDate,
    base: &'a str,
    dir: PathBuf,
    site_root: &'a Path,
}

/// Collects the numbers given to labels while numbering, for references.
#[derive(Default)]
struct Labels {
    numbers: BTreeMap<String, String>,
}

fn resolve_report(ctx: &MeetingCtx<'_>, theme: &Theme, src: &ReportSource, item_number: &str) -> Result<(ReportDoc, Diagnostics, Assets), Diagnostics> {
    let scheme = &theme.scheme;
    let front = &src.front;
    let file = src.path.as_path();
    let mut diags = Diagnostics::new();
    let mut warnings = Diagnostics::new();
    let fm = |s: &Spanned<String>| spanned_pos(file, s, 1);

    let report_date = match &front.date {
        Some(d) => match parse_date(&d.value) {
            Ok(x) => x,
            Err(e) => {
                diags.push(Diagnostic::error(spanned_pos(file, d, 1), e).field("date").hint("write dates as YYYY-MM-DD"));
                ctx.date
            }
        },
        None => ctx.date,
    };
    if front.title.value.trim().is_empty() {
        diags.push(Diagnostic::error(fm(&front.title), "the title is empty").field("title").hint("give the report its title as printed on the agenda"));
    }
    if front.contact_officer.is_none() {
        diags.push(
            Diagnostic::error(Pos::new(file, 2, 1), "missing field `contact_officer`")
                .field("contact_officer")
                .hint("every report names a contact officer: `contact_officer: {name: ..., role: ..., phone: ..., email: ...}`"),
        );
    }
    let exempt = match &front.exempt {
        Some(ex) => {
            let bad: Vec<u8> = ex.value.paragraphs.iter().copied().filter(|p| !(1..=7).contains(p)).collect();
            if ex.value.paragraphs.is_empty() || !bad.is_empty() {
                diags.push(
                    Diagnostic::error(spanned_pos(file, ex, 1), "an exempt report must name its Schedule 12A paragraphs (1 to 7)")
                        .field("exempt.paragraphs")
                        .hint("e.g. `exempt: {paragraphs: [3], public_interest: \"...\"}`; paragraph 3 covers financial or business affairs"),
                );
            }
            let mut paragraphs = ex.value.paragraphs.clone();
            paragraphs.sort();
            paragraphs.dedup();
            Some(Exemption { statement: exemption_statement(&paragraphs), paragraphs, public_interest: ex.value.public_interest.clone() })
        }
        None => None,
    };

    // Split the Markdown into sections by `##` headings.
    let parsed = markdown::parse(&src.body, src.body_line);
    for line in &parsed.images_without_alt {
        // Accessibility is a legal duty: a tagged PDF cannot carry an image without it.
        diags.push(
            Diagnostic::error(Pos::new(file, *line, 1), "image has no alt text")
                .field("![alt]")
                .hint("describe the image: ![Map of the ward boundaries](map.png)"),
        );
    }
    let mut written: BTreeMap<String, (Vec<Node>, u32)> = BTreeMap::new();
    let mut current: Option<String> = None;
    for node in parsed.nodes {
        match &node {
            Node::Heading { level: 1, line, .. } => {
                diags.push(
                    Diagnostic::error(Pos::new(file, *line, 1), "`#` headings are not used in reports")
                        .hint("the title comes from `title:`; use `##` for the theme's sections"),
                );
            }
            Node::Heading { level: 2, content, id, line, .. } => {
                let text = plain(content);
                match scheme.match_heading(&text, id.as_deref()) {
                    Some(sec) => {
                        if written.contains_key(&sec.key) {
                            diags.push(
                                Diagnostic::error(Pos::new(file, *line, 1), format!("section `{}` is written twice", sec.heading))
                                    .hint("merge the two sections"),
                            );
                        } else if matches!(sec.kind, SectionKind::Fields | SectionKind::Consultees) {
                            diags.push(
                                Diagnostic::error(Pos::new(file, *line, 1), format!("section `{}` is filled from the front matter, not Markdown", sec.heading))
                                    .hint(format!(
                                        "give its answers under `{}:` in the front matter",
                                        if sec.kind == SectionKind::Fields { format!("facts: {}", sec.key) } else { "consultees".into() }
                                    )),
                            );
                        } else {
                            written.insert(sec.key.clone(), (Vec::new(), *line));
                        }
                        // Text under a refused heading is dropped with it (the error above
                        // says why), not reported again as text outside any section.
                        current = Some(sec.key.clone());
                    }
                    None => {
                        let headings: Vec<&str> = scheme.sections.iter().map(|s| s.heading.as_str()).collect();
                        diags.push(
                            Diagnostic::error(Pos::new(file, *line, 1), format!("heading `{text}` is not a section of the {} theme", scheme.name))
                                .field("##")
                                .suggest(
                                    &text,
                                    headings.iter().copied(),
                                    format!("sections: {}; use `###` for a sub-heading inside a section", headings.join(", ")),
                                ),
                        );
                        current = None;
                    }
                }
            }
            _ => match &current {
                Some(key) => {
                    if let Some(section) = written.get_mut(key) {
                        section.0.push(node);
                    }
                }
                None => {
                    let line = node_line(&node);
                    if !diags.0.iter().any(|d| d.pos.file == file && d.message.contains("before the first")) {
                        diags.push(
                            Diagnostic::error(Pos::new(file, line, 1), "text before the first section heading")
                                .hint("start the commentary with a `##` heading naming a section of the theme"),
                        );
                    }
                }
            },
        }
    }
    // Front-matter prose.
    for (key, text) in [("reasons", &front.reasons), ("alternative_options", &front.alternative_options)] {
        if let Some(text) = text {
            if scheme.section(key).is_none() {
                diags.push(
                    Diagnostic::error(Pos::new(file, 2, 1), format!("the {} theme has no `{key}` section", scheme.name))
                        .field(key)
                        .hint("write it under the theme's own heading in the Markdown instead"),
                );
            } else if written.contains_key(key) {
                diags.push(
                    Diagnostic::error(Pos::new(file, 2, 1), format!("`{key}` is given both in the front matter and as a Markdown section"))
                        .field(key)
                        .hint("keep one of them"),
                );
            } else {
                let parsed = markdown::parse(text, 2);
                written.insert(key.to_string(), (parsed.nodes, 2));
            }
        }
    }
    // Facts must name the theme's fields sections and fields.
    for (sec_key, answers) in front.facts.iter() {
        match scheme.section(&sec_key.value).filter(|s| s.kind == SectionKind::Fields) {
            None => {
                let keys: Vec<&str> = scheme.sections.iter().filter(|s| s.kind == SectionKind::Fields).map(|s| s.key.as_str()).collect();
                let d = Diagnostic::error(fm(sec_key), format!("`{}` is not a fields section of the {} theme", sec_key.value, scheme.name))
                    .field(format!("facts.{}", sec_key.value))
                    .suggest(&sec_key.value, keys.iter().copied(), format!("fields sections: {}", keys.join(", ")));
                diags.push(d);
            }
            Some(sec) => {
                for (k, _) in answers.iter() {
                    if !sec.fields.iter().any(|f| f.key == k.value) {
                        let keys: Vec<&str> = sec.fields.iter().map(|f| f.key.as_str()).collect();
                        let d = Diagnostic::error(fm(k), format!("unknown field `{}`", k.value)).field(format!("facts.{}.{}", sec.key, k.value)).suggest(
                            &k.value,
                            keys.iter().copied(),
                            format!("fields of `{}`: {}", sec.key, keys.join(", ")),
                        );
                        diags.push(d);
                    }
                }
            }
        }
    }
    if let Some(sec) = scheme.sections.iter().find(|s| s.kind == SectionKind::Consultees) {
        for (k, _) in front.consultees.iter() {
            if !sec.fields.iter().any(|f| f.key == k.value) {
                let keys: Vec<&str> = sec.fields.iter().map(|f| f.key.as_str()).collect();
                let d = Diagnostic::error(fm(k), format!("unknown consultee `{}`", k.value)).field(format!("consultees.{}", k.value)).suggest(
                    &k.value,
                    keys.iter().copied(),
                    format!("consultees in this theme: {}", keys.join(", ")),
                );
                diags.push(d);
            }
        }
    } else if !front.consultees.is_empty() {
        diags.push(
            Diagnostic::error(Pos::new(file, 2, 1), format!("the {} theme has no consultees section", scheme.name))
                .field("consultees")
                .hint("record consultation in the commentary instead"),
        );
    }

    let appendix_ids: Vec<String> = front.appendices.iter().map(|a| a.value.id.clone()).collect();
    {
        let mut seen = BTreeSet::new();
        for a in &front.appendices {
            if !seen.insert(a.value.id.clone()) {
                diags.push(
                    Diagnostic::error(spanned_pos(file, a, 1), format!("two appendices are numbered `{}`", a.value.id))
                        .field("appendices.id")
                        .hint("give each appendix its own id"),
                );
            }
        }
    }

    // Build sections in the theme's order.
    let mut labels = Labels::default();
    let mut sections = Vec::new();
    let mut section_no = 0usize;
    let tables = ReportTables { front, file };
    for sec in &scheme.sections {
        let mut is_default = false;
        let mut blocks: Vec<Block> = match written.remove(&sec.key) {
            Some((nodes, _line)) => {
                let mut blocks = Vec::new();
                for n in nodes {
                    match n {
                        Node::Block { block, .. } => blocks.push(block),
                        Node::Heading { level, content, id, .. } => blocks.push(Block::Heading { level, number: None, id, content }),
                        Node::DataTable { key, line } => match tables.build(&key, line) {
                            Ok(t) => blocks.push(Block::Table(t)),
                            Err(d) => diags.push(d),
                        },
                    }
                }
                if blocks.is_empty() && sec.required {
                    diags.push(
                        Diagnostic::error(Pos::new(file, _line, 1), format!("required section `{}` is empty", sec.heading))
                            .hint("write the section, or state \"None\" if nothing arises"),
                    );
                }
                if sec.kind == SectionKind::Recommendations && !front.recommendations.is_empty() {
                    diags.push(
                        Diagnostic::error(Pos::new(file, _line, 1), "recommendations are given both in the front matter and as a Markdown section")
                            .field("recommendations")
                            .hint("keep one of them"),
                    );
                }
                blocks
            }
            None => match generated_section(sec, src, &appendix_ids) {
                Some(b) => b,
                None => {
                    if sec.required {
                        diags.push(
                            Diagnostic::error(Pos::file(file), format!("required section `{}` is missing", sec.heading))
                                .field(sec.key.clone())
                                .hint(format!("add `## {}` to the report, or write \"None\" under it if nothing arises", sec.heading)),
                        );
                        continue;
                    }
                    match &sec.default {
                        Some(text) => {
                            is_default = true;
                            vec![Block::Para { number: None, id: None, content: vec![Inline::text(text.clone())] }]
                        }
                        None => continue,
                    }
                }
            },
        };
        // Numbered only once we know the section is printed, so an omitted optional
        // section does not leave a gap.
        let number = if sec.numbered {
            section_no += 1;
            Some(section_no)
        } else {
            None
        };
        let sec_number = number.map(|n| format!("{n}{}", scheme.numbering.section_suffix));
        if let Some(n) = number.filter(|_| sec.number_paragraphs) {
            labels.numbers.insert(sec.key.clone(), n.to_string());
            number_blocks(&mut blocks, n, scheme, &sec.key, &mut labels);
        } else {
            if let Some(n) = number {
                labels.numbers.insert(sec.key.clone(), n.to_string());
            }
            style_lists(&mut blocks, scheme, 0);
        }
        sections.push(Section {
            key: sec.key.clone(),
            heading: sec.heading.clone(),
            number: sec_number,
            id: format!("section-{}", slugify(&sec.key)),
            kind: kind_name(sec.kind),
            blocks,
            is_default,
        });
    }

    // Appendices.
    let mut assets = Assets::new();
    let mut appendices = Vec::new();
    let mut public_sources = vec![file.to_string_lossy().replace('\\', "/")];
    for a in &front.appendices {
        let apos = spanned_pos(file, a, 1);
        let e = &a.value;
        let mut ap = Appendix {
            id: e.id.clone(),
            label: format!("Appendix {}", e.id),
            title: e.title.clone(),
            anchor: format!("appendix-{}", slugify(&e.id)),
            blocks: vec![],
            pdf: None,
            exempt: e.exempt,
            withheld: false,
        };
        if let Some(key) = &e.table {
            match tables.build(key, apos.line) {
                Ok(t) => ap.blocks.push(Block::Table(t)),
                Err(d) => diags.push(d),
            }
        }
        if let Some(rel_file) = &e.file {
            match safe_join(&ctx.dir, rel_file) {
                Err(why) => diags.push(
                    Diagnostic::error(apos.clone(), format!("appendix file `{rel_file}` {why}"))
                        .field("appendices.file")
                        .hint("give a path inside the meeting's folder, e.g. shared-services/appendix-1.md"),
                ),
                Ok(full) => {
                    let shown = crate::diag::rel(ctx.site_root, &full);
                    if !e.exempt {
                        public_sources.push(shown.to_string_lossy().replace('\\', "/"));
                    }
                    if !full.is_file() {
                        diags.push(
                            Diagnostic::error(apos.clone(), format!("appendix file `{rel_file}` does not exist"))
                                .field("appendices.file")
                                .hint(format!("expected at {}", shown.display())),
                        );
                    } else if rel_file.to_lowercase().ends_with(".pdf") {
                        let out = format!("{}/{:0>2}-{}-appendix-{}.pdf", ctx.base, item_number, src.slug, slugify(&e.id));
                        match register_asset(&mut assets, &full, &shown, out.clone()) {
                            Ok(()) => ap.pdf = Some(out),
                            Err(why) => diags.push(
                                Diagnostic::error(apos.clone(), why)
                                    .field("appendices.file")
                                    .hint("give each appendix its own id (ids that differ only in case or punctuation publish to one file name)"),
                            ),
                        }
                    } else if rel_file.to_lowercase().ends_with(".md") {
                        match crate::load::read_text(ctx.site_root, &full) {
                            Ok(text) => {
                                let parsed = markdown::parse(&text, 1);
                                let prefix = format!("{}-", ap.anchor);
                                ap.blocks.extend(appendix_blocks(parsed.nodes, e.numbered, &prefix, scheme, &tables, &mut labels, &mut diags));
                            }
                            Err(d) => diags.push(d),
                        }
                    } else {
                        diags.push(
                            Diagnostic::error(apos.clone(), format!("appendix file `{rel_file}` is neither Markdown (.md) nor PDF (.pdf)"))
                                .field("appendices.file")
                                .hint("convert it to PDF/A, or re-author it as Markdown"),
                        );
                    }
                }
            }
        }
        if e.file.is_none() && e.table.is_none() {
            diags.push(
                Diagnostic::error(apos, format!("appendix {} has no content", e.id))
                    .field("appendices")
                    .hint("give `file:` (Markdown or PDF) or `table:` (a key of `tables:`)"),
            );
        }
        labels.numbers.insert(ap.anchor.clone(), ap.label.clone());
        appendices.push(ap);
    }

    // Footnotes, numbered by first use.
    let mut footnote_order: Vec<String> = Vec::new();
    let mut footnotes = Vec::new();
    for (label, mut blocks) in parsed.footnotes {
        style_lists(&mut blocks, scheme, 0);
        footnote_order.push(label);
        footnotes.push(Footnote { number: footnote_order.len(), blocks });
    }

    // References: `[](#label)` becomes the number; `#fn:` links become footnote marks;
    // "Appendix B" in text links to the appendix.
    let mut refs = RefResolver { labels: &labels, footnotes: &footnote_order, appendices: &appendix_ids, file, problems: Vec::new() };
    for s in &mut sections {
        refs.blocks(&mut s.blocks);
    }
    for a in &mut appendices {
        refs.blocks(&mut a.blocks);
    }
    for f in &mut footnotes {
        refs.blocks(&mut f.blocks);
    }
    for p in refs.problems {
        diags.push(p);
    }

    let header = header_rows(scheme, ctx, src, item_number, report_date, exempt.is_some());
    let masthead = scheme
        .header
        .masthead
        .iter()
        .map(|m| match m {
            MastheadLine::Council => ctx.council.to_string(),
            MastheadLine::Committee => ctx.committee_name.to_string(),
            MastheadLine::Date => display_date(report_date),
            MastheadLine::Title => front.title.value.clone(),
            MastheadLine::Item => format!("Agenda item {item_number}"),
        })
        .collect();
    let word_count = sections.iter().map(|s| count_words(&s.blocks)).sum();
    if let Some(max) = scheme.max_words {
        if word_count > max as usize {
            warnings.push(
                Diagnostic::warning(Pos::file(file), format!("the report has {word_count} words; the {} theme's limit is {max}", scheme.name))
                    .hint("move detail into an appendix"),
            );
        }
    }
    if diags.has_errors() {
        return Err(diags);
    }
    let stem = format!("{:0>2}-{}", item_number, src.slug);
    let mut image_sources = Vec::new();
    for s in &mut sections {
        walk_inlines(&mut s.blocks, &mut |i| place_image(i, ctx, &stem, file, &mut assets, &mut image_sources, &mut diags));
    }
    for a in &mut appendices {
        let mut mine = Vec::new();
        walk_inlines(&mut a.blocks, &mut |i| place_image(i, ctx, &stem, file, &mut assets, &mut mine, &mut diags));
        if !a.exempt {
            image_sources.extend(mine);
        }
    }
    for f in &mut footnotes {
        walk_inlines(&mut f.blocks, &mut |i| place_image(i, ctx, &stem, file, &mut assets, &mut image_sources, &mut diags));
    }
    if diags.has_errors() {
        return Err(diags);
    }
    unique_ids(&mut sections, &mut appendices);
    for s in &mut sections {
        weigh_tables(&mut s.blocks);
    }
    for a in &mut appendices {
        weigh_tables(&mut a.blocks);
    }
    let doc = ReportDoc {
        slug: src.slug.clone(),
        item_number: item_number.to_string(),
        title: front.title.value.clone(),
        council: ctx.council.to_string(),
        committee: ctx.committee_name.to_string(),
        committee_slug: ctx.committee_slug.to_string(),
        date: report_date.format("%Y-%m-%d").to_string(),
        date_display: display_date(report_date),
        part_label: if exempt.is_some() { "PART 2 - EXEMPT".into() } else { "PART 1 - PUBLIC".into() },
        part_banner: scheme.header.part_banner || exempt.is_some(),
        exempt,
        masthead,
        header_layout: match scheme.header.layout {
            HeaderLayout::Table => "table".into(),
            HeaderLayout::Lines => "lines".into(),
        },
        header,
        sections,
        appendices,
        footnotes,
        footer: scheme.footer.clone(),
        url: format!("{}/{stem}.html", ctx.base),
        pdf_url: format!("{}/{stem}.pdf", ctx.base),
        word_count,
        language: ctx.language.to_string(),
        public_sources: public_sources.into_iter().chain(image_sources).collect(),
    };
    Ok((doc, warnings, assets))
}

/// Every inline in a block tree, for passes that rewrite inlines.
fn walk_inlines(blocks: &mut [Block], f: &mut dyn FnMut(&mut Inline)) {
    fn inl(i: &mut Inline, f: &mut dyn FnMut(&mut Inline)) {
        f(i);
        if let Inline::Strong { content } | Inline::Emph { content } | Inline::Strike { content } | Inline::Link { content, .. } = i {
            content.iter_mut().for_each(|c| inl(c, f));
        }
    }
    for b in blocks {
        match b {
            Block::Para { content, .. } | Block::Heading { content, .. } => content.iter_mut().for_each(|i| inl(i, f)),
            Block::List { items, .. } => items.iter_mut().for_each(|it| walk_inlines(&mut it.blocks, f)),
            Block::Quote { blocks } => walk_inlines(blocks, f),
            Block::Table(t) => t.rows.iter_mut().flatten().for_each(|c| walk_inlines(c, f)),
            Block::Fields { rows, .. } => rows.iter_mut().flat_map(|r| r.value.iter_mut()).for_each(|i| inl(i, f)),
            _ => {}
        }
    }
}

/// An image must be a PNG, JPEG or SVG file in the meeting's folder. It is registered
/// as an asset published beside the report as `<nn>-<slug>-<name>-<hash>.<ext>`: the hash
/// of its bytes is in the name, so two different pictures never share one (a public
/// `pub/chart.svg` and an exempt `secret/chart.svg` stay apart). Images on other sites
/// are not fetched: they stay links.
fn place_image(i: &mut Inline, ctx: &MeetingCtx<'_>, stem: &str, file: &Path, assets: &mut Assets, sources: &mut Vec<String>, diags: &mut Diagnostics) {
    let Inline::Image { src, alt, file: published } = i else { return };
    if src.starts_with("http://") || src.starts_with("https://") {
        *i = Inline::Link { href: src.clone(), content: vec![Inline::text(format!("[Image: {alt}]"))] };
        return;
    }
    let ext = Path::new(src.as_str()).extension().and_then(|e| e.to_str()).map(str::to_lowercase).unwrap_or_default();
    if !matches!(ext.as_str(), "png" | "jpg" | "jpeg" | "svg") {
        diags.push(Diagnostic::error(Pos::file(file), format!("image `{src}` is not a PNG, JPEG or SVG file")).hint("export charts as SVG or PNG"));
        return;
    }
    match safe_join(&ctx.dir, src) {
        Ok(full) if full.is_file() => {
            let shown = crate::diag::rel(ctx.site_root, &full);
            let bytes = match std::fs::read(&full) {
                Ok(b) => b,
                Err(e) => {
                    diags.push(Diagnostic::error(Pos::file(file), format!("cannot read image `{src}`: {e}")).hint("check the file's permissions"));
                    return;
                }
            };
            let sha = crate::render::data::sha256_hex(&bytes);
            let base = slugify(Path::new(src.as_str()).file_stem().and_then(|s| s.to_str()).unwrap_or("image"));
            let base = if base.is_empty() { "image".to_string() } else { base };
            let name = format!("{stem}-{base}-{}.{ext}", &sha[..12]);
            let out = format!("{}/{name}", ctx.base);
            assets.entry(out).or_insert_with(|| Asset { source: shown.to_string_lossy().replace('\\', "/"), bytes: std::sync::Arc::new(bytes), sha256: sha });
            sources.push(shown.to_string_lossy().replace('\\', "/"));
            *published = name;
        }
        Ok(_) => diags.push(
            Diagnostic::error(Pos::file(file), format!("image `{src}` does not exist"))
                .hint("put the image in the meeting's folder and give its path from there"),
        ),
        Err(why) => diags.push(Diagnostic::error(Pos::file(file), format!("image `{src}` {why}")).hint("put the image in the meeting's folder")),
    }
}

/// Register a source file as an asset at `out`. The same file twice is one asset; two
/// different files at one output path are refused, never silently merged.
fn register_asset(assets: &mut Assets, full: &Path, shown: &Path, out: String) -> Result<(), String> {
    let bytes = std::fs::read(full).map_err(|e| format!("cannot read `{}`: {e}", shown.display()))?;
    let sha = crate::render::data::sha256_hex(&bytes);
    let source = shown.to_string_lossy().replace('\\', "/");
    match assets.get(&out) {
        Some(a) if a.sha256 != sha => Err(format!("`{source}` and `{}` would both be published as `{out}`", a.source)),
        Some(_) => Ok(()),
        None => {
            assets.insert(out, Asset { source, bytes: std::sync::Arc::new(bytes), sha256: sha });
            Ok(())
        }
    }
}

/// Ids must be unique in a page (and labels in a PDF): a repeated sub-heading gets "-2".
fn unique_ids(sections: &mut [Section], appendices: &mut [Appendix]) {
    fn walk(blocks: &mut [Block], seen: &mut BTreeSet<String>) {
        for b in blocks {
            match b {
                Block::Para { id: Some(id), .. } | Block::Heading { id: Some(id), .. } => fix(id, seen),
                Block::List { items, .. } => {
                    for i in items {
                        if let Some(id) = &mut i.id {
                            fix(id, seen);
                        }
                        walk(&mut i.blocks, seen);
                    }
                }
                Block::Quote { blocks } => walk(blocks, seen),
                _ => {}
            }
        }
    }
    fn fix(id: &mut String, seen: &mut BTreeSet<String>) {
        if seen.insert(id.clone()) {
            return;
        }
        let mut n = 2;
        while !seen.insert(format!("{id}-{n}")) {
            n += 1;
        }
        *id = format!("{id}-{n}");
    }
    let mut seen = BTreeSet::new();
    for s in sections.iter() {
        seen.insert(s.id.clone());
    }
    for a in appendices.iter() {
        seen.insert(a.anchor.clone());
    }
    for s in sections {
        walk(&mut s.blocks, &mut seen);
    }
    for a in appendices {
        walk(&mut a.blocks, &mut seen);
    }
}

/// Column weights for paged tables: long text gets more room, numbers their own width.
fn weigh_tables(blocks: &mut [Block]) {
    for b in blocks {
        match b {
            Block::Table(t) => {
                let n = t.columns.len();
                for i in 0..n {
                    let numeric = t.columns[i].align == "right";
                    let chars: usize = t.rows.iter().filter_map(|r| r.get(i)).map(|c| text_len(c)).sum();
                    let avg = chars / t.rows.len().max(1);
                    let head = plain(&t.columns[i].heading).len();
                    t.columns[i].weight = if numeric { 0 } else { (avg.max(head) / 25).clamp(1, 4) as u8 };
                }
            }
            Block::List { items, .. } => items.iter_mut().for_each(|i| weigh_tables(&mut i.blocks)),
            Block::Quote { blocks } => weigh_tables(blocks),
            _ => {}
        }
    }
}

fn text_len(blocks: &[Block]) -> usize {
    blocks
        .iter()
        .map(|b| match b {
            Block::Para { content, .. } => plain(content).len(),
            Block::List { items, .. } => items.iter().map(|i| text_len(&i.blocks)).sum(),
            _ => 0,
        })
        .sum()
}

fn node_line(n: &Node) -> u32 {
    match n {
        Node::Heading { line, .. } | Node::Block { line, .. } | Node::DataTable { line, .. } => *line,
    }
}

fn kind_name(k: SectionKind) -> String {
    serde_json::to_value(k).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
}

/// Resolve `rel` inside `dir`, refusing absolute paths, `..` and symlinks that leave it.
pub fn safe_join(dir: &Path, rel: &str) -> Result<PathBuf, &'static str> {
    let p = Path::new(rel);
    if p.is_absolute() || p.components().any(|c| !matches!(c, Component::Normal(_) | Component::CurDir)) {
        return Err("points outside the meeting's folder");
    }
    let full = dir.join(p);
    if let (Ok(real), Ok(real_dir)) = (full.canonicalize(), dir.canonicalize()) {
        if !real.starts_with(&real_dir) {
            return Err("is a link that points outside its folder");
        }
    }
    Ok(full)
}

/// Sections whose content comes from the front matter rather than Markdown.
fn generated_section(sec: &SectionScheme, src: &ReportSource, appendix_ids: &[String]) -> Option<Vec<Block>> {
    let front = &src.front;
    let para = |content: Vec<Inline>| Block::Para { number: None, id: None, content };
    match sec.kind {
        SectionKind::Prose => None,
        SectionKind::Recommendations => {
            if front.recommendations.is_empty() {
                return None;
            }
            let mut blocks = Vec::new();
            if let Some(intro) = &front.recommendations_intro {
                blocks.push(para(inline_markdown(intro)));
            }
            match sec.style {
                ListStyle::Paragraph => blocks.extend(front.recommendations.iter().map(|r| para(inline_markdown(r)))),
                style => {
                    let items = front
                        .recommendations
                        .iter()
                        .enumerate()
                        .map(|(i, r)| ListItem {
                            marker: style.marker(i + 1),
                            id: Some(format!("recommendation-{}", i + 1)),
                            blocks: vec![para(inline_markdown(r))],
                        })
                        .collect();
                    blocks.push(Block::List { ordered: style != ListStyle::Bullet, items });
                }
            }
            Some(blocks)
        }
        SectionKind::Fields => {
            let answers = front.facts.get(&sec.key);
            if answers.is_none() && sec.fields.iter().all(|f| f.default.is_none()) {
                return None;
            }
            let rows = sec
                .fields
                .iter()
                .enumerate()
                .map(|(i, f)| FieldRow {
                    number: (sec.layout == FieldsLayout::List).then(|| format!("{}.", i + 1)),
                    label: f.label.clone(),
                    value: answers
                        .and_then(|a| a.get(&f.key))
                        .map(|v| inline_markdown(v))
                        .or_else(|| f.default.as_ref().map(|d| vec![Inline::text(d.clone())]))
                        .unwrap_or_default(),
                })
                .collect();
            Some(vec![Block::Fields { layout: layout_name(sec.layout), rows }])
        }
        SectionKind::Consultees => {
            let rows = sec
                .fields
                .iter()
                .map(|f| FieldRow {
                    number: None,
                    label: f.label.clone(),
                    value: vec![Inline::text(match front.consultees.get(&f.key) {
                        Some(Consulted::YesNo(true)) => "Yes.".to_string(),
                        Some(Consulted::YesNo(false)) => "No.".to_string(),
                        Some(Consulted::Comment(c)) => c.clone(),
                        None => f.default.clone().unwrap_or_else(|| "No.".into()),
                    })],
                })
                .collect();
            Some(vec![Block::Fields { layout: "table".into(), rows }])
        }
        SectionKind::Wards => front.wards.as_ref().map(|w| vec![para(vec![Inline::text(format!("{}.", w.value.display().trim_end_matches('.')))])]),
        SectionKind::Appendices => {
            if appendix_ids.is_empty() {
                return None;
            }
            Some(
                front
                    .appendices
                    .iter()
                    .map(|a| {
                        let anchor = format!("#appendix-{}", slugify(&a.value.id));
                        para(vec![Inline::Link { href: anchor, content: vec![Inline::text(format!("Appendix {} – {}", a.value.id, a.value.title))] }])
                    })
                    .collect(),
            )
        }
        SectionKind::BackgroundPapers => match front.background_papers.as_ref().map(|b| &b.value) {
            None => None,
            Some(BackgroundPapers::Text(t)) => Some(vec![para(inline_markdown(t))]),
            Some(BackgroundPapers::List(items)) if items.is_empty() => None,
            Some(BackgroundPapers::List(items)) => Some(items.iter().map(|t| para(inline_markdown(t))).collect()),
        },
        SectionKind::Contact => {
            let c = &front.contact_officer.as_ref()?.value;
            let mut rows = vec![FieldRow { number: None, label: "Name".into(), value: vec![Inline::text(c.name.clone())] }];
            if let Some(r) = &c.role {
                rows.push(FieldRow { number: None, label: "Job title".into(), value: vec![Inline::text(r.clone())] });
            }
            if let Some(e) = &c.email {
                rows.push(FieldRow {
                    number: None,
                    label: "E Mail".into(),
                    value: vec![Inline::Link { href: format!("mailto:{e}"), content: vec![Inline::text(e.clone())] }],
                });
            }
            if let Some(p) = &c.phone {
                rows.push(FieldRow { number: None, label: "Tel".into(), value: vec![Inline::text(p.clone())] });
            }
            Some(vec![Block::Fields { layout: "lines".into(), rows }])
        }
    }
}

fn layout_name(l: FieldsLayout) -> String {
    match l {
        FieldsLayout::List => "list".into(),
        FieldsLayout::Table => "table".into(),
    }
}

/// Inline Markdown (a recommendation, a field answer) as inline content.
pub fn inline_markdown(text: &str) -> Vec<Inline> {
    let escaped = escape_block_start(text);
    let parsed = markdown::parse(&escaped, 1);
    let mut out = Vec::new();
    for n in parsed.nodes {
        if let Node::Block { block: Block::Para { content, .. }, .. } = n {
            if !out.is_empty() {
                out.push(Inline::Break);
            }
            out.extend(content);
        }
    }
    out
}

/// A one-line value from YAML is inline text: "1. Economic Development" is a name, not
/// a list, and "# of staff" is not a heading. Escape what would start a block.
fn escape_block_start(text: &str) -> String {
    let t = text.trim_start();
    let digits = t.chars().take_while(|c| c.is_ascii_digit()).count();
    let ordered = digits > 0 && t[digits..].starts_with(['.', ')']);
    let bullet = t.starts_with(['-', '*', '+']) && t[1..].starts_with(' ');
    if ordered {
        format!("{}\\{}", &t[..digits], &t[digits..])
    } else if bullet || t.starts_with('#') || t.starts_with('>') {
        format!("\\{t}")
    } else {
        text.to_string()
    }
}

/// Number a section's blocks: paragraphs 3.1, 3.2; numbered sub-headings 7.1 with their
/// paragraphs 7.1.1; ordered lists after a numbered paragraph continue it (1.1.1).
fn number_blocks(blocks: &mut [Block], section: usize, scheme: &ThemeScheme, key: &str, labels: &mut Labels) {
    let suffix = &scheme.numbering.paragraph_suffix;
    let mut path: Vec<usize> = vec![section];
    let mut counter = 0usize;
    let mut sub = 0usize;
    let mut last_para: Option<Vec<usize>> = None;
    for b in blocks.iter_mut() {
        match b {
            Block::Heading { level, number, id, content } => {
                if *level == 3 && scheme.numbering.subsections == SubsectionStyle::Numbered {
                    sub += 1;
                    path = vec![section, sub];
                    counter = 0;
                    *number = Some(path_number(&path, ""));
                    let anchor = id.clone().unwrap_or_else(|| format!("para-{}", path_number(&path, "").replace('.', "-")));
                    labels.numbers.insert(anchor.clone(), path_number(&path, ""));
                    *id = Some(anchor);
                } else if id.is_none() {
                    *id = Some(format!("{}-{}", slugify(key), slugify(&plain(content))));
                }
                last_para = None;
            }
            // A paragraph that is only an image is a figure: it takes no number.
            Block::Para { content, .. }
                if !content.is_empty()
                    && content.iter().all(|i| matches!(i, Inline::Image { .. }) || matches!(i, Inline::Text { text } if text.trim().is_empty())) => {}
            Block::Para { number, id, .. } => {
                counter += 1;
                let mut p = path.clone();
                p.push(counter);
                let n = path_number(&p, "");
                let anchor = id.clone().unwrap_or_else(|| format!("para-{}", n.replace('.', "-")));
                labels.numbers.insert(anchor.clone(), n.clone());
                *id = Some(anchor);
                *number = Some(path_number(&p, suffix));
                last_para = Some(p);
            }
            // Lists that already carry markers (recommendations in their theme style) keep them.
            Block::List { ordered: true, items } if scheme.numbering.outline_lists && last_para.is_some() && items.iter().all(|i| i.marker.is_none()) => {
                if let Some(lp) = last_para.as_ref() {
                    outline_items(items, lp, suffix, scheme, labels);
                }
            }
            other => style_lists(std::slice::from_mut(other), scheme, 0),
        }
    }
}

fn outline_items(items: &mut [ListItem], parent: &[usize], suffix: &str, scheme: &ThemeScheme, labels: &mut Labels) {
    for (i, item) in items.iter_mut().enumerate() {
        let mut p = parent.to_vec();
        p.push(i + 1);
        let n = path_number(&p, "");
        item.marker = Some(path_number(&p, suffix));
        let anchor = first_label(&item.blocks).unwrap_or_else(|| format!("para-{}", n.replace('.', "-")));
        labels.numbers.insert(anchor.clone(), n);
        item.id = Some(anchor);
        for b in &mut item.blocks {
            match b {
                Block::List { ordered: true, items } => outline_items(items, &p, suffix, scheme, labels),
                other => style_lists(std::slice::from_mut(other), scheme, 1),
            }
        }
    }
}

fn first_label(blocks: &[Block]) -> Option<String> {
    match blocks.first() {
        Some(Block::Para { id: Some(id), .. }) => Some(id.clone()),
        _ => None,
    }
}

/// Give ordered lists outside the paragraph numbering their theme style by depth.
fn style_lists(blocks: &mut [Block], scheme: &ThemeScheme, depth: usize) {
    for b in blocks {
        match b {
            Block::List { ordered, items } => {
                let style = if *ordered { scheme.numbering.lists.get(depth).copied().unwrap_or(ListStyle::Decimal) } else { ListStyle::Bullet };
                for (i, item) in items.iter_mut().enumerate() {
                    if item.marker.is_none() {
                        item.marker = style.marker(i + 1);
                    }
                    style_lists(&mut item.blocks, scheme, depth + 1);
                }
            }
            Block::Quote { blocks } => style_lists(blocks, scheme, depth),
            _ => {}
        }
    }
}

/// Appendix Markdown. A numbered appendix numbers its `##` headings 1, 2, ... and their
/// paragraphs 1.1, 1.1.1 (its own sequence, anchors prefixed with the appendix's); headings
/// marked `{.unnumbered}` and everything under them keep their own text.
#[allow(clippy::too_many_arguments)]
fn appendix_blocks(
    nodes: Vec<Node>,
    numbered: bool,
    prefix: &str,
    scheme: &ThemeScheme,
    tables: &ReportTables<'_>,
    labels: &mut Labels,
    diags: &mut Diagnostics,
) -> Vec<Block> {
    // Group into (heading, blocks) runs at each `##`.
    let mut groups: Vec<(Option<Block>, bool, Vec<Block>)> = vec![(None, true, Vec::new())];
    for n in nodes {
        match n {
            Node::Heading { level: 2, content, id, unnumbered, .. } => {
                groups.push((Some(Block::Heading { level: 2, number: None, id, content }), unnumbered, Vec::new()));
            }
            Node::Heading { level, content, id, .. } => {
                if let Some(g) = groups.last_mut() {
                    g.2.push(Block::Heading { level, number: None, id, content })
                }
            }
            Node::Block { block, .. } => {
                if let Some(g) = groups.last_mut() {
                    g.2.push(block)
                }
            }
            Node::DataTable { key, line } => match tables.build(&key, line) {
                Ok(t) => {
                    if let Some(g) = groups.last_mut() {
                        g.2.push(Block::Table(t))
                    }
                }
                Err(d) => diags.push(d),
            },
        }
    }
    let mut out = Vec::new();
    let mut section = 0;
    let mut local = Labels::default();
    for (heading, unnumbered, mut blocks) in groups {
        let number_this = numbered && heading.is_some() && !unnumbered;
        if let Some(Block::Heading { level, id, content, .. }) = heading {
            let number = number_this.then(|| {
                section += 1;
                format!("{section}")
            });
            let id = Some(id.unwrap_or_else(|| format!("{prefix}{}", slugify(&plain(&content)))));
            out.push(Block::Heading { level, number, id, content });
        }
        if number_this {
            number_blocks(&mut blocks, section, scheme, prefix.trim_end_matches('-'), &mut local);
            prefix_ids(&mut blocks, prefix);
        } else {
            style_lists(&mut blocks, scheme, 0);
        }
        out.extend(blocks);
    }
    // Appendix paragraph labels are reachable as `appendix-a-para-5-1` (or their own label).
    for (k, v) in local.numbers {
        labels.numbers.insert(if k.starts_with("para-") { format!("{prefix}{k}") } else { k }, v);
    }
    out
}

/// Generated paragraph anchors in appendices are prefixed so they never clash with the
/// report's own `para-3-1`.
fn prefix_ids(blocks: &mut [Block], prefix: &str) {
    for b in blocks {
        match b {
            Block::Para { id: Some(id), .. } | Block::Heading { id: Some(id), .. } if id.starts_with("para-") => *id = format!("{prefix}{id}"),
            Block::List { items, .. } => {
                for i in items {
                    if let Some(id) = &mut i.id {
                        if id.starts_with("para-") {
                            *id = format!("{prefix}{id}");
                        }
                    }
                    prefix_ids(&mut i.blocks, prefix);
                }
            }
            _ => {}
        }
    }
}

struct ReportTables<'a> {
    front: &'a ReportFront,
    file: &'a Path,
}

impl ReportTables<'_> {
    /// A YAML table as a document table: money formatted, totals computed.
    fn build(&self, key: &str, line: u32) -> Result<Table, Diagnostic> {
        let Some(data) = self.front.tables.get(key) else {
            let keys: Vec<&str> = self.front.tables.iter().map(|(k, _)| k.value.as_str()).collect();
            let d = Diagnostic::error(Pos::new(self.file, line, 1), format!("no table `{key}` in the front matter")).field("tables");
            return Err(d.suggest(key, keys.iter().copied(), "define it under `tables:` with columns and rows"));
        };
        build_table(data, self.file, 1)
    }
}

pub fn build_table(data: &TableData, file: &Path, line_offset: u32) -> Result<Table, Diagnostic> {
    for row in &data.rows {
        for (k, _) in row.iter() {
            if !data.columns.iter().any(|c| c.key == k.value) {
                let keys: Vec<&str> = data.columns.iter().map(|c| c.key.as_str()).collect();
                let d = Diagnostic::error(spanned_pos(file, k, line_offset), format!("row has a value for `{}`, which is not a column", k.value))
                    .field(k.value.clone());
                return Err(d.suggest(&k.value, keys.iter().copied(), format!("columns: {}", keys.join(", "))));
            }
        }
    }
    for t in &data.total {
        if !data.columns.iter().any(|c| &c.key == t) {
            return Err(Diagnostic::error(Pos::file(file), format!("cannot total `{t}`: no such column")).field("total"));
        }
    }
    let columns = data
        .columns
        .iter()
        .map(|c| TableColumn {
            heading: vec![Inline::text(c.heading.clone())],
            align: if matches!(c.format, ColumnFormat::Money | ColumnFormat::Number | ColumnFormat::Percent) { "right" } else { "left" },
            weight: 1,
        })
        .collect();
    let mut totals: BTreeMap<&str, f64> = BTreeMap::new();
    let mut left_out: Vec<String> = Vec::new();
    let rows = data
        .rows
        .iter()
        .map(|row| {
            data.columns
                .iter()
                .map(|c| {
                    let cell = row.get(&c.key);
                    let (text, value) = format_cell(cell, c.format);
                    if data.total.contains(&c.key) {
                        match value {
                            Some(v) => *totals.entry(c.key.as_str()).or_default() += v,
                            None if !text.is_empty() => left_out.push(text.clone()),
                            None => {}
                        }
                    }
                    match cell {
                        Some(Cell::List(items)) if c.format == ColumnFormat::Text => vec![Block::List {
                            ordered: false,
                            items: items
                                .iter()
                                .map(|i| ListItem { marker: None, id: None, blocks: vec![Block::Para { number: None, id: None, content: inline_markdown(i) }] })
                                .collect(),
                        }],
                        _ if text.is_empty() => vec![],
                        _ if c.format == ColumnFormat::Text => text_blocks(&text),
                        _ => vec![Block::Para { number: None, id: None, content: vec![Inline::text(text)] }],
                    }
                })
                .collect()
        })
        .collect();
    let footer = (!data.total.is_empty()).then(|| {
        data.columns
            .iter()
            .enumerate()
            .map(|(i, c)| {
                if let Some(v) = totals.get(c.key.as_str()) {
                    vec![Inline::Strong { content: vec![Inline::text(format_value(*v, c.format))] }]
                } else if data.total.contains(&c.key) {
                    vec![Inline::Strong { content: vec![Inline::text(format_value(0.0, c.format))] }]
                } else if i == 0 {
                    vec![Inline::Strong { content: vec![Inline::text(data.total_label.clone().unwrap_or_else(|| "Total".into()))] }]
                } else {
                    vec![]
                }
            })
            .collect()
    });
    let note = (!left_out.is_empty()).then(|| {
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for t in &left_out {
            *counts.entry(t.as_str()).or_default() += 1;
        }
        let parts: Vec<String> = counts.iter().map(|(t, n)| if *n == 1 { format!("one item marked {t}") } else { format!("{n} items marked {t}") }).collect();
        format!("The total leaves out {}.", parts.join(" and "))
    });
    Ok(Table { caption: data.caption.clone(), columns, rows, footer, note })
}

fn text_blocks(text: &str) -> Vec<Block> {
    if !text.trim().contains('\n') {
        return vec![Block::Para { number: None, id: None, content: inline_markdown(text) }];
    }
    let parsed = markdown::parse(text, 1);
    parsed.nodes.into_iter().filter_map(|n| if let Node::Block { block, .. } = n { Some(block) } else { None }).collect()
}

fn format_value(v: f64, f: ColumnFormat) -> String {
    match f {
        ColumnFormat::Money => money::format_pounds(v),
        ColumnFormat::Percent => money::format_percent(v),
        _ => money::format_number(v),
    }
}

/// A cell's printed text and its numeric value (for totals).
fn format_cell(cell: Option<&Cell>, f: ColumnFormat) -> (String, Option<f64>) {
    match (cell, f) {
        (None, _) => (String::new(), None),
        (Some(Cell::Number(n)), ColumnFormat::Text) => (money::format_number(*n), Some(*n)),
        (Some(Cell::Number(n)), f) => (format_value(*n, f), Some(*n)),
        // The author's own form ("£350k") is kept; the value still counts in totals.
        (Some(Cell::Text(t)), ColumnFormat::Money) => (t.clone(), money::parse_money(t)),
        (Some(Cell::Text(t)), _) => (t.clone(), t.trim().trim_end_matches('%').replace(',', "").parse().ok()),
        (Some(Cell::List(items)), _) => (items.join("; "), None),
    }
}

fn header_rows(scheme: &ThemeScheme, ctx: &MeetingCtx<'_>, src: &ReportSource, item: &str, date: NaiveDate, exempt: bool) -> Vec<HeaderRow> {
    let f = &src.front;
    let t = |s: &str| vec![Inline::text(s.to_string())];
    let mut rows = Vec::new();
    for field in &scheme.header.fields {
        let label = field.label.clone().unwrap_or_else(|| field.key.default_label().to_string());
        let parts: Option<Vec<Vec<Inline>>> = match field.key {
            HeaderKey::DecisionMaker => Some(vec![t(f.decision_maker.as_deref().unwrap_or(ctx.committee_name))]),
            HeaderKey::Committee => Some(vec![t(ctx.committee_name)]),
            HeaderKey::Date => Some(vec![t(&display_date(date))]),
            HeaderKey::Item => Some(vec![t(item)]),
            HeaderKey::Title => Some(vec![t(&f.title.value)]),
            HeaderKey::ReportOf => f.report_of.as_deref().map(|v| vec![t(v)]),
            HeaderKey::Author => f.author.as_deref().map(|v| vec![t(v)]),
            HeaderKey::ChiefOfficer => f.chief_officer.as_deref().map(|v| vec![t(v)]),
            HeaderKey::HeadOfService => f.head_of_service.as_deref().map(|v| vec![t(v)]),
            HeaderKey::PortfolioHolder => f.portfolio_holder.as_deref().map(|v| vec![t(v)]),
            HeaderKey::Signed => Some(vec![t(f.signed.as_deref().unwrap_or(""))]),
            HeaderKey::ContactOfficer => f.contact_officer.as_ref().map(|c| {
                let c = &c.value;
                let mut parts = vec![t(&match &c.role {
                    Some(r) => format!("{}, {r}", c.name),
                    None => c.name.clone(),
                })];
                if let Some(p) = &c.phone {
                    parts.push(t(&format!("Tel: {p}")));
                }
                if let Some(e) = &c.email {
                    parts.push(vec![Inline::text("E-mail: "), Inline::Link { href: format!("mailto:{e}"), content: t(e) }]);
                }
                parts
            }),
            HeaderKey::Wards => f.wards.as_ref().map(|w| vec![t(&w.value.display())]),
            HeaderKey::DecisionType => {
                let d = f.decision;
                Some(vec![
                    t(if d.urgent { "Urgent" } else { "Non-Urgent" }),
                    t(if d.executive { "Executive" } else { "Non-Executive" }),
                    t(if d.key { "Key" } else { "Non-Key" }),
                ])
            }
            HeaderKey::KeyDecision => {
                let text = if f.decision.key { "Key Decision" } else { "Non-Key Decision" };
                if field.label.is_some() {
                    Some(vec![t(text)])
                } else {
                    rows.push(HeaderRow { key: field.key.name(), label: text.to_string(), parts: vec![] });
                    None
                }
            }
            HeaderKey::Purpose => Some(vec![t(f.purpose.label())]),
            HeaderKey::Part => Some(vec![t(if exempt { "Part 2 (exempt)" } else { "Part 1 (public)" })]),
        };
        if let Some(parts) = parts {
            rows.push(HeaderRow { key: field.key.name(), label, parts });
        }
    }
    rows
}

fn count_words(blocks: &[Block]) -> usize {
    blocks
        .iter()
        .map(|b| match b {
            Block::Para { content, .. } | Block::Heading { content, .. } => plain(content).split_whitespace().count(),
            Block::List { items, .. } => items.iter().map(|i| count_words(&i.blocks)).sum(),
            Block::Quote { blocks } => count_words(blocks),
            Block::Table(t) => t.rows.iter().flatten().map(|c| count_words(c)).sum(),
            Block::Fields { rows, .. } => rows.iter().map(|r| plain(&r.value).split_whitespace().count()).sum(),
            _ => 0,
        })
        .sum()
}

struct RefResolver<'a> {
    labels: &'a Labels,
    footnotes: &'a [String],
    appendices: &'a [String],
    file: &'a Path,
    problems: Vec<Diagnostic>,
}

impl RefResolver<'_> {
    fn blocks(&mut self, blocks: &mut [Block]) {
        for b in blocks {
            match b {
                Block::Para { content, .. } | Block::Heading { content, .. } => self.inlines(content, false),
                Block::List { items, .. } => items.iter_mut().for_each(|i| self.blocks(&mut i.blocks)),
                Block::Quote { blocks } => self.blocks(blocks),
                Block::Table(t) => t.rows.iter_mut().flatten().for_each(|c| self.blocks(c)),
                Block::Fields { rows, .. } => rows.iter_mut().for_each(|r| self.inlines(&mut r.value, false)),
                _ => {}
            }
        }
    }

    fn inlines(&mut self, content: &mut Vec<Inline>, in_link: bool) {
        let mut out = Vec::with_capacity(content.len());
        for inline in content.drain(..) {
            match inline {
                Inline::Ref { target, .. } => match self.labels.numbers.get(&target) {
                    Some(n) => out.push(Inline::Ref { target, number: n.clone() }),
                    None => {
                        self.missing(&target);
                        out.push(Inline::text(format!("[missing reference: {target}]")));
                    }
                },
                Inline::Link { href, content } if href.starts_with("#fn:") => {
                    let label = &href[4..];
                    match self.footnotes.iter().position(|l| l == label) {
                        Some(i) => out.push(Inline::FootnoteRef { number: i + 1 }),
                        None => {
                            self.missing(&format!("footnote {label}"));
                            out.extend(content);
                        }
                    }
                }
                Inline::Link { href, mut content } => {
                    if let Some(target) = href.strip_prefix('#') {
                        if !self.labels.numbers.contains_key(target) && !target.starts_with("section-") {
                            self.missing(target);
                        }
                    }
                    self.inlines(&mut content, true);
                    out.push(Inline::Link { href, content });
                }
                Inline::Strong { mut content } => {
                    self.inlines(&mut content, in_link);
                    out.push(Inline::Strong { content });
                }
                Inline::Emph { mut content } => {
                    self.inlines(&mut content, in_link);
                    out.push(Inline::Emph { content });
                }
                Inline::Text { text } if !in_link && !self.appendices.is_empty() => out.extend(link_appendices(&text, self.appendices)),
                other => out.push(other),
            }
        }
        *content = out;
    }

    fn missing(&mut self, target: &str) {
        let mut candidates: Vec<&str> = self.labels.numbers.keys().map(String::as_str).collect();
        candidates.retain(|c| !c.starts_with("para-"));
        let d = Diagnostic::error(Pos::file(self.file), format!("reference to `{target}`, which is not a paragraph, section or appendix of this report"));
        self.problems.push(d.suggest(target, candidates.iter().copied(), "label the paragraph by ending it with {#label}, then write [](#label)"));
    }
}

/// "as set out in Appendix B" -> a link to the appendix, for appendices that exist.
fn link_appendices(text: &str, ids: &[String]) -> Vec<Inline> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find("Appendix ") {
        let after = &rest[i + "Appendix ".len()..];
        let id = ids
            .iter()
            .filter(|id| after.starts_with(id.as_str()) && !after[id.len()..].chars().next().is_some_and(|c| c.is_alphanumeric()))
            .max_by_key(|id| id.len());
        match id {
            Some(id) => {
                if i > 0 {
                    out.push(Inline::text(&rest[..i]));
                }
                let label = &rest[i..i + "Appendix ".len() + id.len()];
                out.push(Inline::Link { href: format!("#appendix-{}", slugify(id)), content: vec![Inline::text(label)] });
                rest = &rest[i + label.len()..];
            }
            None => {
                out.push(Inline::text(&rest[..i + "Appendix ".len()]));
                rest = after;
            }
        }
    }
    if !rest.is_empty() {
        out.push(Inline::text(rest));
    }
    // Re-join plain runs split at a non-matching "Appendix ".
    let mut merged: Vec<Inline> = Vec::new();
    for i in out {
        match (merged.last_mut(), i) {
            (Some(Inline::Text { text: a }), Inline::Text { text: b }) => a.push_str(&b),
            (_, x) => merged.push(x),
        }
    }
    merged
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn appendix_mentions_become_links() {
        let ids = vec!["1".to_string(), "B".to_string()];
        let out = link_appendices("See Appendix 1 and Appendix 12 and Appendix B.", &ids);
        let links: Vec<String> = out.iter().filter_map(|i| if let Inline::Link { href, .. } = i { Some(href.clone()) } else { None }).collect();
        assert_eq!(links, vec!["#appendix-1", "#appendix-b"]);
        assert_eq!(plain(&out), "See Appendix 1 and Appendix 12 and Appendix B.");
    }

    #[test]
    fn one_line_values_stay_inline_text() {
        assert_eq!(plain(&inline_markdown("1. Economic Development")), "1. Economic Development");
        assert_eq!(plain(&inline_markdown("- not a bullet")), "- not a bullet");
        assert_eq!(plain(&inline_markdown("# of staff")), "# of staff");
        assert_eq!(plain(&inline_markdown("**Bold** start")), "Bold start");
    }

    #[test]
    fn exemption_wording() {
        assert_eq!(exemption_statement(&[3]), "Not for publication by virtue of paragraph 3 of Part 1 of Schedule 12A to the Local Government Act 1972");
        assert!(exemption_statement(&[1, 3, 5]).contains("paragraphs 1, 3 and 5 of"));
    }

    #[test]
    fn times_and_dates_print_as_councils_write_them() {
        assert_eq!(display_time(NaiveTime::from_hms_opt(19, 0, 0).unwrap()), "7pm");
        assert_eq!(display_time(NaiveTime::from_hms_opt(10, 30, 0).unwrap()), "10.30am");
        assert_eq!(display_date(NaiveDate::from_ymd_opt(2012, 4, 18).unwrap()), "18 April 2012");
    }

    #[test]
    fn paths_cannot_escape_the_meeting_folder() {
        let dir = Path::new("/tmp");
        assert!(safe_join(dir, "../../etc/passwd").is_err());
        assert!(safe_join(dir, "/etc/passwd").is_err());
        assert!(safe_join(dir, "a/appendix.md").is_ok());
    }
}
