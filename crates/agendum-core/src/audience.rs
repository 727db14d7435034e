//! The audience filter: the one place that decides what is exempt.
//!
//! Resolve builds one site document holding everything, Part 2 included. Nothing renders
//! it. Each output is rendered from a [`View`], and a `View` can only be made here, by
//! [`view`]. The public view holds no exempt report, no exempt appendix's content, no
//! asset that only exempt content uses, and no reference that would name what is inside
//! an exempt appendix; the renderers cannot add any back, because they see neither the
//! site document nor the site folder.

use std::collections::BTreeSet;

use crate::document::*;
use crate::resolve::{CommitteeInfo, ResolvedSite};

/// Who a view is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Audience {
    /// Everyone: `output/`, the website, feeds, search, open data.
    Public,
    /// Councillors and officers entitled to Part 2 papers: `--restricted DIR`.
    Members,
}

/// What one audience may see of a meeting.
pub struct MeetingView {
    pub doc: MeetingDoc,
    /// The reports this audience may read, in agenda order.
    pub reports: Vec<ReportDoc>,
    /// The minutes as this audience may read them: in the public view an exempt minute
    /// keeps its number, heading, statement and public summary only.
    pub minutes: Option<MinutesDoc>,
    /// The meeting has Part 2 content (exempt reports or appendices). In the public view
    /// this says only that something was withheld, which the agenda states anyway.
    pub has_exempt: bool,
}

/// The site as one audience may see it. Only [`view`] makes one.
pub struct View {
    audience: Audience,
    meetings: Vec<MeetingView>,
    assets: Assets,
    pub council: String,
    pub base_url: Option<String>,
    pub language: String,
    pub theme_name: String,
    pub logo: Option<LogoRef>,
    pub committees: Vec<CommitteeInfo>,
    pub forward_plan: Option<ForwardPlanDoc>,
    /// The decision notices this audience may read (public: exempt ones withheld).
    pub decisions: Vec<DecisionDoc>,
}

impl View {
    pub fn audience(&self) -> Audience {
        self.audience
    }
    pub fn meetings(&self) -> &[MeetingView] {
        &self.meetings
    }
    /// Exactly the assets this view's content uses, by output path.
    pub fn assets(&self) -> &Assets {
        &self.assets
    }

    /// This view's meetings without their reports: what the site-wide pages (home,
    /// committees, archive, calendars, feed, open data) are made from. A build of a large
    /// archive keeps these while it makes each batch of meetings' own pages and drops the
    /// rest. Only a view makes one, so what it holds was filtered for the view's audience.
    pub fn outline(&self) -> Outline {
        // Of the minutes, the attendance only: the councillors' pages count it.
        let attendance = |m: &MinutesDoc| MinutesDoc { entries: Vec::new(), declarations: Vec::new(), ..m.clone() };
        let meetings = self
            .meetings
            .iter()
            .map(|m| MeetingView { doc: m.doc.clone(), reports: Vec::new(), minutes: m.minutes.as_ref().map(attendance), has_exempt: m.has_exempt })
            .collect();
        Outline { audience: self.audience, meetings }
    }

    /// The site-wide view: this view's site (council, committees, forward plan, logo)
    /// with the meetings of `outlines` (of the same audience), in date order.
    pub fn with_outlines(&self, outlines: Vec<Outline>) -> Result<View, crate::diag::Diagnostic> {
        let mut meetings = Vec::new();
        for o in outlines {
            if o.audience != self.audience {
                return Err(crate::diag::Diagnostic::error(crate::diag::Pos::default(), "meetings of another audience were given to a view")
                    .hint("this is a bug in agendum; please report it"));
            }
            meetings.extend(o.meetings);
        }
        meetings.sort_by(|a, b| (&a.doc.date, &a.doc.committee_slug).cmp(&(&b.doc.date, &b.doc.committee_slug)));
        let site_assets = self.assets.iter().filter(|(p, _)| p.starts_with("static/")).map(|(p, a)| (p.clone(), a.clone())).collect();
        Ok(View {
            audience: self.audience,
            meetings,
            assets: site_assets,
            council: self.council.clone(),
            base_url: self.base_url.clone(),
            language: self.language.clone(),
            theme_name: self.theme_name.clone(),
            logo: self.logo.clone(),
            committees: self.committees.clone(),
            forward_plan: self.forward_plan.clone(),
            decisions: self.decisions.clone(),
        })
    }
}

/// A view's meetings without their reports (`View::outline`).
pub struct Outline {
    audience: Audience,
    meetings: Vec<MeetingView>,
}

/// The view of `site` for `audience`.
pub fn view(site: &ResolvedSite, audience: Audience) -> View {
    let meetings: Vec<MeetingView> = site
        .meetings
        .iter()
        .map(|m| {
            let has_exempt = m.reports.iter().any(has_part2);
            match audience {
                Audience::Members => MeetingView { doc: m.doc.clone(), reports: m.reports.clone(), minutes: m.minutes.clone(), has_exempt },
                Audience::Public => MeetingView {
                    doc: public_meeting(&m.doc),
                    reports: m.reports.iter().filter(|r| r.exempt.is_none()).map(public_report).collect(),
                    minutes: m.minutes.as_ref().map(public_minutes),
                    has_exempt,
                },
            }
        })
        .collect();

    // Assets: the site's own (the theme's static files and the logo), and of each
    // meeting's, only those the view's reports use.
    let mut assets = site.assets.clone();
    for (view, source) in meetings.iter().zip(&site.meetings) {
        // Procedural items' PDF documents are public papers of the meeting.
        let documents = view.doc.items.iter().filter_map(|i| i.document.as_ref().and_then(|d| d.pdf.clone()));
        for path in view.reports.iter().flat_map(report_assets).chain(documents) {
            if let Some(a) = source.assets.get(&path) {
                assets.insert(path, a.clone());
            }
        }
    }

    View {
        audience,
        meetings,
        assets,
        council: site.council.clone(),
        base_url: site.base_url.clone(),
        language: site.language.clone(),
        theme_name: site.theme_name.clone(),
        logo: site.logo.clone(),
        committees: site.committees.clone(),
        forward_plan: site.forward_plan.clone(),
        decisions: match audience {
            Audience::Members => site.decisions.clone(),
            Audience::Public => site.decisions.iter().map(public_decision).collect(),
        },
    }
}

/// A public decision notice: an exempt one keeps its reference, title, maker, dates,
/// call-in, the Schedule 12A statement and its public summary; the decision, reasons,
/// alternatives, conflicts and dispensation are withheld.
fn public_decision(d: &DecisionDoc) -> DecisionDoc {
    let mut d = d.clone();
    if d.exempt.is_some() {
        d.decision.clear();
        d.reasons.clear();
        d.alternatives.clear();
        d.conflicts.clear();
        d.dispensation = None;
        d.withheld = true;
    }
    d
}

/// A report with Part 2 content: exempt itself, or with an exempt appendix.
pub fn has_part2(r: &ReportDoc) -> bool {
    r.exempt.is_some() || r.appendices.iter().any(|a| a.exempt)
}

/// Output paths of the assets a report uses: its images and its shown PDF appendices.
pub fn report_assets(r: &ReportDoc) -> Vec<String> {
    let dir = r.url.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
    let mut out = Vec::new();
    let mut image = |i: &Inline| {
        if let Inline::Image { file, .. } = i {
            out.push(format!("{dir}/{file}"));
        }
    };
    for s in &r.sections {
        for_each_inline(&s.blocks, &mut image);
    }
    for a in r.appendices.iter().filter(|a| !a.withheld) {
        for_each_inline(&a.blocks, &mut image);
    }
    for f in &r.footnotes {
        for_each_inline(&f.blocks, &mut image);
    }
    out.extend(r.appendices.iter().filter(|a| !a.withheld).filter_map(|a| a.pdf.clone()));
    out
}

/// The public agenda: an exempt item keeps its number, title and the Schedule 12A
/// statement (what the law requires and the README promises), and nothing else.
fn public_meeting(doc: &MeetingDoc) -> MeetingDoc {
    let mut doc = doc.clone();
    for item in &mut doc.items {
        if let Some(e) = &mut item.exempt {
            e.public_interest = None;
            item.url = None;
            item.pdf_url = None;
            item.slug = None;
            item.report_of = None;
            item.wards = None;
            item.key_decision = false;
            item.blocks.clear();
        }
    }
    doc
}

/// The public minutes: an exempt minute keeps its number, heading, the Schedule 12A
/// statement and the public summary the clerk wrote for it, and nothing else (its text,
/// resolution, mover, seconder, votes and webcast time are withheld).
/// Resolve uses it once more, for the copy of the minutes the next agenda carries as a
/// public paper.
pub(crate) fn public_minutes(m: &MinutesDoc) -> MinutesDoc {
    let mut m = m.clone();
    for e in m.entries.iter_mut().filter(|e| e.exempt.is_some()) {
        e.blocks.clear();
        e.resolution.clear();
        e.proposer = None;
        e.seconder = None;
        e.votes = None;
        e.webcast_at = None;
        e.webcast_url = None;
        e.withheld = true;
    }
    m
}

/// A public report: each exempt appendix becomes a withheld notice (label, title, anchor),
/// references into one point at that notice by its label, and footnotes that only exempt
/// text uses are dropped.
fn public_report(r: &ReportDoc) -> ReportDoc {
    let mut r = r.clone();
    // Ids inside exempt appendices, and the appendix each belongs to.
    let mut hidden: Vec<(String, String, String)> = Vec::new(); // (id, appendix anchor, label)
    let mut exempt_notes: BTreeSet<usize> = BTreeSet::new();
    for a in r.appendices.iter().filter(|a| a.exempt) {
        for_each_block(&a.blocks, &mut |b| {
            for id in block_ids(b) {
                hidden.push((id.to_string(), a.anchor.clone(), a.label.clone()));
            }
        });
        for_each_inline(&a.blocks, &mut |i| {
            if let Inline::FootnoteRef { number } = i {
                exempt_notes.insert(*number);
            }
        });
    }
    for a in r.appendices.iter_mut().filter(|a| a.exempt) {
        a.blocks.clear();
        a.pdf = None;
        a.alt = None;
        a.withheld = true;
    }
    let redirect = |target: &str| hidden.iter().find(|(id, _, _)| id == target).map(|(_, anchor, label)| (anchor.clone(), label.clone()));
    let mut fix = |i: &mut Inline| match i {
        Inline::Ref { target, .. } => {
            if let Some((anchor, label)) = redirect(target) {
                *i = Inline::Link { href: format!("#{anchor}"), content: vec![Inline::text(label)] };
            }
        }
        Inline::Link { href, content } => {
            if let Some((anchor, label)) = href.strip_prefix('#').and_then(redirect) {
                *href = format!("#{anchor}");
                if plain(content).trim().is_empty() {
                    *content = vec![Inline::text(label)];
                }
            }
        }
        _ => {}
    };
    for s in &mut r.sections {
        for_each_inline_mut(&mut s.blocks, &mut fix);
    }
    for a in &mut r.appendices {
        for_each_inline_mut(&mut a.blocks, &mut fix);
    }
    for f in &mut r.footnotes {
        for_each_inline_mut(&mut f.blocks, &mut fix);
    }
    if !exempt_notes.is_empty() {
        let mut public_notes = BTreeSet::new();
        let mut note = |i: &Inline| {
            if let Inline::FootnoteRef { number } = i {
                public_notes.insert(*number);
            }
        };
        for s in &r.sections {
            for_each_inline(&s.blocks, &mut note);
        }
        for a in &r.appendices {
            for_each_inline(&a.blocks, &mut note);
        }
        r.footnotes.retain(|f| !exempt_notes.contains(&f.number) || public_notes.contains(&f.number));
    }
    r
}
