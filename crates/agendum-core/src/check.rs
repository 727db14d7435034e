//! `agendum check`: load and resolve everything, render nothing, and apply the rules a
//! clerk relies on before publishing: the statutory notice periods (LGA 1972 s100B, the
//! Access to Information Regulations 2012), Part 2 requirements, and content hygiene.
//! Every problem is reported at once, each with its file, line and a hint.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::NaiveDate;

use crate::calendar::Calendar;
use crate::diag::{Diagnostic, Diagnostics, Pos};
use crate::load::{LoadedMeeting, LoadedSite};
use crate::model::{parse_date, CommitteeKind, KeyDecisionDays, ReportSource};
use crate::resolve::{display_date, ResolvedMeeting, ResolvedSite};
use crate::theme::{SectionKind, Theme};
use crate::yaml::spanned_pos;

/// Text left over from report templates; each is an error, since it would be published.
const LEFTOVERS: &[&str] = &["[click here to type]", "[no.]", "[all / some", "[key / non-key", "please include the following table", "[insert", "lorem ipsum"];

/// Check a site folder: everything `build` would reject, and the rules on top.
pub fn check_folder(root: &Path) -> Diagnostics {
    match crate::Site::open(root) {
        Ok(site) => check(&site),
        Err(d) => d,
    }
}

pub fn check(site: &crate::Site) -> Diagnostics {
    check_and_resolve(site).0
}

/// `check`, and the site document it resolved on the way when the site resolves, for
/// checks that go on from it (the command line lays out a PDF with the theme).
pub fn check_and_resolve(site: &crate::Site) -> (Diagnostics, Option<crate::resolve::ResolvedSite>) {
    let (mut d, resolved) = check_content(site);
    d.extend(unprintable_characters(site));
    d.sort();
    (d, resolved)
}

/// Characters no bundled or theme font has: Typst would refuse the whole PDF for one of
/// them, so each is reported where it stands (once per file and character).
pub fn unprintable_characters(site: &crate::Site) -> Diagnostics {
    let coverage = crate::fonts::Coverage::of(site.theme.fonts.values().map(|f| f.as_ref()));
    let mut out = Diagnostics::new();
    let mut files = vec![site.root.join("agendum.yaml")];
    files.extend(
        crate::load::sorted_files(&site.root.join("content"), 6)
            .into_iter()
            .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("md" | "yaml" | "yml"))),
    );
    // Most files are plain ASCII the fonts all have: a byte test settles them.
    let ascii: Vec<bool> = (0u8..128).map(|b| coverage.covers(b as char)).collect();
    for path in files {
        let Ok(text) = std::fs::read_to_string(&path) else { continue };
        if text.bytes().all(|b| ascii.get(b as usize).copied().unwrap_or(false)) {
            continue;
        }
        let mut seen = std::collections::BTreeSet::new();
        for (n, line) in text.lines().enumerate() {
            for (col, c) in line.chars().enumerate() {
                if !coverage.covers(c) && seen.insert(c) {
                    let count = text.chars().filter(|x| *x == c).count();
                    out.push(
                        Diagnostic::error(
                            Pos::new(crate::diag::rel(&site.root, &path), n as u32 + 1, col as u32 + 1),
                            format!(
                                "the character {c:?} (U+{:04X}) cannot be printed in the PDFs: no bundled or theme font has it{}",
                                c as u32,
                                if count > 1 { format!(" ({count} times in this file)") } else { String::new() }
                            ),
                        )
                        .hint("replace it (an emoji with words, say), or add a font that has it to the theme's fonts/ folder"),
                    );
                }
            }
        }
    }
    out
}

/// PDF appendices as their authors made them: published beside the report as they are, so
/// a council wants them PDF/A (archival) and PDF/UA (tagged); and their pages go into
/// the item PDF as pictures, which need the author's words (`alt`) for a screen reader.
fn author_pdfs(site: &LoadedSite) -> Diagnostics {
    use page_validation::{validate_pdf_bytes, ValidationOptions, ValidationProfile};
    let mut out = Diagnostics::new();
    for m in &site.meetings {
        let dir = site.root.join("content/meetings").join(&m.dir_name);
        for src in &m.reports {
            for a in &src.front.appendices {
                let Some(file) = a.value.file.as_deref().filter(|f| f.to_lowercase().ends_with(".pdf")) else { continue };
                let pos = spanned_pos(&src.path, a, 1);
                if a.value.alt.as_deref().is_none_or(|t| t.trim().is_empty()) {
                    out.push(
                        Diagnostic::warning(pos.clone(), format!("PDF appendix {} has no `alt`", a.value.id))
                            .field("appendices.alt")
                            .hint("say in a sentence or two what it is and shows, e.g. `alt: The signed memorandum of understanding, 6 pages`: its pages are pictures in the item PDF"),
                    );
                }
                let Ok(path) = crate::resolve::safe_join(&dir, file) else { continue };
                let Ok(bytes) = std::fs::read(&path) else { continue };
                let mut failing = Vec::new();
                for (profile, name) in [(ValidationProfile::PdfA2b, "PDF/A-2b"), (ValidationProfile::PdfUa1, "PDF/UA-1")] {
                    let Ok(report) = validate_pdf_bytes(&bytes, &ValidationOptions::default().profile(profile)) else {
                        failing.push(format!("{name}: the validator could not read it"));
                        continue;
                    };
                    let mut rules: Vec<String> = report.failures.iter().map(|f| f.rule_id.clone()).collect();
                    rules.sort();
                    rules.dedup();
                    if !rules.is_empty() {
                        let shown: Vec<String> = rules.iter().take(4).cloned().collect();
                        failing.push(format!(
                            "{name}: {}{}",
                            shown.join(", "),
                            if rules.len() > 4 { format!(" and {} more", rules.len() - 4) } else { String::new() }
                        ));
                    }
                }
                if !failing.is_empty() {
                    out.push(
                        Diagnostic::warning(pos, format!("appendix file `{file}` is not archival and accessible ({})", failing.join("; ")))
                            .field("appendices.file")
                            .hint("export it again as PDF/A with document structure tags (in Word: Save As PDF, Options, 'PDF/A compliant' and 'Document structure tags for accessibility'); it is published as it is"),
                    );
                }
            }
        }
    }
    out
}

/// The site's content checked a batch of meetings at a time, as `build` takes it (so
/// `check` of a large archive needs no more memory than its build). Returns the first
/// batch's site document when every batch resolved, for the theme's PDF check.
fn check_content(site: &crate::Site) -> (Diagnostics, Option<crate::resolve::ResolvedSite>) {
    let root = site.root.as_path();
    let theme = &site.theme;
    let mut all = Diagnostics::new();
    let mut first = None;
    let mut failed = false;
    let mut seen = std::collections::BTreeMap::new();
    let mut carried = crate::resolve::Carry::default();
    // The site-wide files are read (and their faults reported) once.
    let (shared, shared_errors) = crate::load::load_site_wide(root);
    let shared = std::sync::Arc::new(shared);
    let shared_failed = shared_errors.has_errors();
    all.extend(shared_errors);
    for batch in crate::load::meeting_batches(root) {
        let loaded = match site.load_batch(&shared, &batch) {
            Ok(l) => l,
            Err(d) => {
                // Files that failed to load are still read for leftovers, so one pass shows all.
                all.extend(d);
                for path in report_files(&batch) {
                    if let Ok(text) = crate::load::read_text(root, &path) {
                        let split = crate::load::split_front_matter(&text);
                        let body_line = split.map(|(_, _, l)| l).unwrap_or(1);
                        let rel = crate::diag::rel(root, &path);
                        hygiene_text(&rel, &text, body_line, None, &mut all);
                        raw_html(&rel, split.map_or(text.as_str(), |(_, body, _)| body), body_line, &mut all);
                    }
                }
                failed = true;
                continue;
            }
        };
        // Without their committees (whose faults are reported above), the meetings
        // cannot be resolved.
        let resolved = if shared_failed { Err(Diagnostics::new()) } else { crate::resolve::resolve_batch(&loaded, theme, &mut carried) };
        let resolved = match resolved {
            Ok(r) => r,
            Err(d) => {
                // Hygiene rules still run on what loaded, so one pass shows everything.
                all.extend(d);
                for m in &loaded.meetings {
                    for r in &m.reports {
                        hygiene(root, r, true, &mut all);
                    }
                }
                failed = true;
                continue;
            }
        };
        all.extend(crate::load::repeated_meetings(&mut seen, &resolved.meetings));
        all.extend(check_resolved(&loaded, &resolved, theme));
        // What `build` would refuse of frozen packs and approved minutes that changed.
        let public = crate::audience::view(&resolved, crate::audience::Audience::Public);
        if let Err(d) = crate::archive::frozen_packs(root, &resolved, &public) {
            all.extend(d);
        }
        if first.is_none() {
            first = Some(resolved);
        }
    }
    // What concerns the whole site (its calendar, its forward plan) is said once.
    all.sort();
    all.0.dedup();
    (all, if failed { None } else { first })
}

/// What `check` says of a site that loaded and resolved: its rules and the resolver's
/// warnings. `build` calls this with the site it has already resolved, so that it prints
/// `check`'s warnings without loading and resolving everything a second time.
pub fn check_resolved(loaded: &LoadedSite, resolved: &crate::resolve::ResolvedSite, theme: &crate::theme::Theme) -> Diagnostics {
    let mut out = Diagnostics::new();
    for m in &resolved.meetings {
        out.extend(m.warnings.clone());
    }
    out.extend(resolved.decision_warnings.clone());
    rules(loaded, resolved, theme, &mut out);
    out.extend(author_pdfs(loaded));
    out.sort();
    out
}

fn calendar(site: &LoadedSite, out: &mut Diagnostics) -> Calendar {
    let mut closures = Vec::new();
    for d in &site.config.publication.closure_days {
        match parse_date(d) {
            Ok(x) => closures.push(x),
            Err(e) => out.push(Diagnostic::error(Pos::file("agendum.yaml"), e).field("publication.closure_days").hint("write dates as YYYY-MM-DD")),
        }
    }
    Calendar::new(closures)
}

fn rules(site: &LoadedSite, resolved: &ResolvedSite, theme: &Theme, out: &mut Diagnostics) {
    minutes_rules(site, resolved, out);
    let cal = calendar(site, out);
    let rules = &site.config.publication;
    for rm in &resolved.meetings {
        let lm = &site.meetings[rm.source_index];
        let Ok(date) = parse_date(&rm.doc.date) else { continue };
        let deadline = cal.publication_deadline(date, rules.clear_working_days);
        // A meeting called off before its agenda went out has none to publish.
        let not_held = matches!(rm.doc.status.as_str(), "cancelled" | "postponed");
        if !(not_held && lm.file.published.is_none()) {
            publication(lm, date, deadline, rules.clear_working_days, &cal, out);
        }
        let kind = site.shared.committees.get(&lm.file.committee.value).map(|(_, c)| c.kind);
        private_meeting(lm, rm, kind, date, &cal, out);
        for src in &lm.reports {
            report_rules(src, kind, date, &cal, rules.key_decision_days, theme, out);
            hygiene(&site.root, src, false, out);
        }
    }
}

/// Each committee's meetings in date order, compared with the one before: minutes
/// numbered on continuously from it, and its minutes written before the next agenda
/// (which carries them as draft) is published. Committees with no minutes in agendum
/// yet are left alone.
fn minutes_rules(site: &LoadedSite, resolved: &ResolvedSite, out: &mut Diagnostics) {
    let mut by_committee: BTreeMap<&str, Vec<&ResolvedMeeting>> = BTreeMap::new();
    for rm in &resolved.meetings {
        by_committee.entry(rm.doc.committee_slug.as_str()).or_default().push(rm);
    }
    for meetings in by_committee.values_mut() {
        if !meetings.iter().any(|m| m.minutes.is_some()) {
            continue;
        }
        meetings.sort_by(|a, b| a.doc.date.cmp(&b.doc.date));
        let held: Vec<&&ResolvedMeeting> = meetings.iter().filter(|m| !matches!(m.doc.status.as_str(), "cancelled" | "postponed")).collect();
        for pair in held.windows(2) {
            let (a, b) = (pair[0], pair[1]);
            match (&a.minutes, &b.minutes) {
                (Some(ma), Some(mb)) => {
                    if let (Some(fa), Some(fb)) = (ma.first_number, mb.first_number) {
                        let next = fa + ma.entries.len() as u32;
                        if fb != next {
                            let lm = &site.meetings[b.source_index];
                            let pos = lm
                                .minutes
                                .as_ref()
                                .and_then(|(p, f)| f.first_number.as_ref().map(|n| spanned_pos(p, n, 0)))
                                .unwrap_or_else(|| Pos::file(&mb.source));
                            out.push(
                                Diagnostic::warning(
                                    pos,
                                    format!("the minutes start at {fb}, but the last meeting's ({}) ended at {}", a.doc.date_display, next - 1),
                                )
                                .field("first_number")
                                .hint(format!("minutes are numbered on from one meeting to the next: `first_number: {next}`")),
                            );
                        }
                    }
                }
                (None, _) => {
                    if let Some(p) = &b.doc.published {
                        out.push(
                            Diagnostic::warning(
                                Pos::file(&site.meetings[a.source_index].path),
                                format!("this meeting has no minutes, and the next one's agenda ({}) is published on {}", b.doc.date_display, p),
                            )
                            .hint("write minutes.yaml beside meeting.yaml: the next agenda carries the draft minutes for approval"),
                        );
                    }
                }
                _ => {}
            }
        }
    }
}

fn publication(lm: &LoadedMeeting, date: NaiveDate, deadline: NaiveDate, clear: u32, cal: &Calendar, out: &mut Diagnostics) {
    let f = &lm.file;
    let published = f.published.as_ref().and_then(|p| parse_date(&p.value).ok().map(|d| (d, p)));
    match published {
        None => out.push(Diagnostic::warning(Pos::file(&lm.path), "the meeting has no publication date").field("published").hint(format!(
            "the agenda must be published by {} ({clear} clear working days before {}); add `published: {deadline}`",
            display_date(deadline),
            display_date(date)
        ))),
        Some((p, spanned)) if p > deadline => out.push(
            Diagnostic::error(
                spanned_pos(&lm.path, spanned, 0),
                format!(
                    "the agenda is published on {} with {} clear working days before the meeting; {clear} are required (LGA 1972 s100B)",
                    display_date(p),
                    cal.clear_days_between(p, date)
                ),
            )
            .field("published")
            .hint(format!("publish by {}, or move the meeting", display_date(deadline))),
        ),
        Some(_) => {}
    }
    // Items added after publication need a reason for urgency (s100B(4)(b)).
    for (i, item) in f.items.iter().enumerate() {
        let Some(added) = &item.value.added else { continue };
        let pos = spanned_pos(&lm.path, item, 0);
        match parse_date(added) {
            Err(e) => out.push(Diagnostic::error(pos, e).field("items.added").hint("write dates as YYYY-MM-DD")),
            Ok(a) => {
                let late = published.map(|(p, _)| a > p).unwrap_or(a > deadline);
                if late && item.value.urgency.as_deref().map(str::trim).unwrap_or("").is_empty() {
                    out.push(
                        Diagnostic::error(
                            pos,
                            format!("item {} was added on {}, after the agenda was published, without a reason for urgency", i + 1, display_date(a)),
                        )
                        .field("items.urgency")
                        .hint("give `urgency:` the special circumstances that mean it cannot wait (LGA 1972 s100B(4)(b)), as the chair will state them"),
                    );
                }
            }
        }
    }
}

fn private_meeting(lm: &LoadedMeeting, rm: &ResolvedMeeting, kind: Option<CommitteeKind>, date: NaiveDate, cal: &Calendar, out: &mut Diagnostics) {
    if kind != Some(CommitteeKind::Executive) || !rm.reports.iter().any(|r| r.exempt.is_some()) {
        return;
    }
    let need = |what: &str, days: &str| {
        format!("add `private_notices: {{{what}: YYYY-MM-DD}}` (the {days} notice of a private meeting, Access to Information Regulations 2012 reg. 5)")
    };
    let notices = lm.file.private_notices.as_ref();
    let intention = notices.and_then(|n| n.value.intention.clone());
    let confirmation = notices.and_then(|n| n.value.confirmation.clone());
    let pos = notices.map(|n| spanned_pos(&lm.path, n, 0)).unwrap_or_else(|| Pos::file(&lm.path));
    match intention.as_deref().map(parse_date) {
        None => out.push(
            Diagnostic::error(pos.clone(), "this executive meeting will be held partly in private but has no 28-day notice of intention")
                .field("private_notices.intention")
                .hint(need("intention", "28-day")),
        ),
        Some(Err(e)) => out.push(Diagnostic::error(pos.clone(), e).field("private_notices.intention")),
        Some(Ok(d)) if d > Calendar::calendar_deadline(date, 28) => out.push(
            Diagnostic::error(pos.clone(), format!("the notice of intention ({}) gives fewer than 28 clear days", display_date(d)))
                .field("private_notices.intention")
                .hint(format!("it had to be published by {}", display_date(Calendar::calendar_deadline(date, 28)))),
        ),
        _ => {}
    }
    let five = cal.publication_deadline(date, 5);
    match confirmation.as_deref().map(parse_date) {
        None => out.push(
            Diagnostic::error(pos, "this executive meeting will be held partly in private but has no 5-day confirmation notice")
                .field("private_notices.confirmation")
                .hint(need("confirmation", "5-day")),
        ),
        Some(Err(e)) => out.push(Diagnostic::error(pos, e).field("private_notices.confirmation")),
        Some(Ok(d)) if d > five => out.push(
            Diagnostic::error(pos, format!("the confirmation notice ({}) gives fewer than 5 clear days", display_date(d)))
                .field("private_notices.confirmation")
                .hint(format!("it had to be published by {}", display_date(five))),
        ),
        _ => {}
    }
}

fn report_rules(
    src: &ReportSource,
    kind: Option<CommitteeKind>,
    date: NaiveDate,
    cal: &Calendar,
    key_days: KeyDecisionDays,
    theme: &Theme,
    out: &mut Diagnostics,
) {
    let f = &src.front;
    let file = src.path.as_path();
    let top = Pos::new(file, 2, 1);
    // Part 2: paragraphs are enforced when resolving; the public-interest test here.
    if let Some(ex) = &f.exempt {
        if ex.value.public_interest.as_deref().map(str::trim).unwrap_or("").is_empty() {
            out.push(
                Diagnostic::error(spanned_pos(file, ex, 1), "an exempt report must state why the public interest in withholding it outweighs disclosure")
                    .field("exempt.public_interest")
                    .hint("Schedule 12A paragraphs 1-7 are subject to the public interest test; write the statement under `exempt: public_interest:`"),
            );
        }
    }
    // Contradictory flags.
    let executive_body = kind == Some(CommitteeKind::Executive);
    if f.decision.call_in && !f.decision.executive && !executive_body {
        out.push(
            Diagnostic::warning(top.clone(), "call-in is marked applicable, but this is not an executive decision")
                .field("decision.call_in")
                .hint("call-in applies to executive decisions; set `call_in: false` or `executive: true`"),
        );
    }
    if f.decision.executive && kind.is_some() && !executive_body {
        out.push(
            Diagnostic::warning(top.clone(), "an executive decision on the agenda of a non-executive committee")
                .field("decision.executive")
                .hint("check the decision type, or the decision maker"),
        );
    }
    // Key decisions need notice: 28 clear days in the forward plan, or an exception.
    if f.decision.key {
        let n = f.notice.as_ref();
        let pos = n.map(|n| spanned_pos(file, n, 1)).unwrap_or_else(|| top.clone());
        let fp_deadline = match key_days {
            KeyDecisionDays::Calendar => Calendar::calendar_deadline(date, 28),
            KeyDecisionDays::Working => cal.publication_deadline(date, 28),
        };
        let ok_fp = n.and_then(|n| n.value.forward_plan.as_deref()).and_then(|d| parse_date(d).ok()).map(|d| d <= fp_deadline);
        let ok_ge = n.and_then(|n| n.value.general_exception.as_deref()).and_then(|d| parse_date(d).ok()).map(|d| d <= cal.publication_deadline(date, 5));
        let special = n.and_then(|n| n.value.special_urgency.as_deref()).is_some_and(|s| !s.trim().is_empty());
        if !(ok_fp == Some(true) || ok_ge == Some(true) || special) {
            let msg = match (ok_fp, ok_ge) {
                (None, None) => "a key decision with no notice in the forward plan".to_string(),
                (Some(false), _) => format!("the forward plan notice gives fewer than 28 clear days (it had to be published by {})", display_date(fp_deadline)),
                (_, Some(false)) => "the general exception notice gives fewer than 5 clear days".to_string(),
                _ => "a key decision with no valid notice".to_string(),
            };
            out.push(
                Diagnostic::error(pos, msg)
                    .field("notice")
                    .hint("give `notice: {forward_plan: YYYY-MM-DD}`, or a `general_exception` notice date, or a `special_urgency` reason"),
            );
        }
    }
    // Background papers must be listed or stated as none (s100D).
    if theme.scheme.sections.iter().any(|s| s.kind == SectionKind::BackgroundPapers) && f.background_papers.is_none() {
        out.push(
            Diagnostic::warning(top.clone(), "background papers are not listed")
                .field("background_papers")
                .hint("list them, or write `background_papers: none` (LGA 1972 s100D)"),
        );
    }
    // Financial implications stated while no finance officer is marked as consulted
    // (roles come from the theme; an unlisted role counts as not consulted).
    let finance_roles: Vec<&str> = theme
        .scheme
        .sections
        .iter()
        .filter(|s| s.kind == SectionKind::Consultees)
        .flat_map(|s| s.fields.iter().map(|f| f.key.as_str()))
        .filter(|k| k.contains("financ"))
        .collect();
    let finance_consulted =
        finance_roles.iter().any(|k| matches!(f.consultees.get(k), Some(crate::model::Consulted::YesNo(true)) | Some(crate::model::Consulted::Comment(_))));
    let states_finance = src.body.lines().any(|l| {
        let l = l.trim_start();
        l.starts_with("## ") && l.to_lowercase().contains("financ")
    });
    if !finance_roles.is_empty() && !finance_consulted && states_finance {
        out.push(
            Diagnostic::warning(top, "financial implications are stated, but no finance officer is marked as consulted")
                .field("consultees")
                .hint(format!("consult the finance officer on the implications and mark them under `consultees:` ({})", finance_roles.join(", "))),
        );
    }
}

/// Line-based checks on the report as written: leftover template text, references to
/// appendices that do not exist, and (where the resolver, which says so itself, did not
/// get to it: `unresolved`) raw HTML.
fn hygiene(root: &Path, src: &ReportSource, unresolved: bool, out: &mut Diagnostics) {
    let Ok(text) = crate::load::read_text(root, &root.join(&src.path)) else { return };
    let ids: Vec<&str> = src.front.appendices.iter().map(|a| a.value.id.as_str()).collect();
    hygiene_text(&src.path, &text, src.body_line, Some(&ids), out);
    if unresolved {
        raw_html(&src.path, &src.body, src.body_line, out);
    }
}

/// Raw HTML in a report's body that the resolver did not get to read.
fn raw_html(path: &Path, body: &str, body_line: u32, out: &mut Diagnostics) {
    for line in crate::markdown::parse(body, body_line).raw_html {
        out.push(crate::resolve::report::raw_html_warning(path, line));
    }
}

/// TODO placeholders (a fresh `agendum new report` has many) are reported once per
/// report, at the first, naming every field and section still to fill.
fn todos(path: &Path, text: &str, body_line: u32, out: &mut Diagnostics) {
    // Most reports have none: then there is no need to follow the lines.
    if !text.contains("TODO") {
        return;
    }
    let mut first: Option<(u32, u32)> = None;
    let mut count = 0;
    let mut places: Vec<String> = Vec::new();
    let (mut top, mut heading) = (String::new(), String::new());
    for (i, line) in text.lines().enumerate() {
        let n = i as u32 + 1;
        let trimmed = line.trim_start();
        if n < body_line {
            let key = trimmed.split(':').next().unwrap_or("").trim_start_matches("- ").trim();
            if !line.starts_with([' ', '\t', '#', '-']) && line.contains(':') {
                top = key.to_string();
            }
        } else if let Some(h) = trimmed.strip_prefix("## ") {
            heading = format!("## {}", h.trim());
        }
        let Some(col) = line.find("TODO") else { continue };
        if trimmed.starts_with('#') && n < body_line {
            continue; // a commented-out field in the front matter
        }
        count += 1;
        first.get_or_insert((n, col as u32 + 1));
        let place = if n < body_line {
            let key = trimmed.split(':').next().unwrap_or("").trim_start_matches("- ").trim();
            if line.starts_with([' ', '\t', '-']) && trimmed.contains(':') && key != top && !key.is_empty() && !key.contains(' ') {
                format!("{top}.{key}")
            } else {
                top.clone()
            }
        } else if heading.is_empty() {
            "the text".to_string()
        } else {
            heading.clone()
        };
        if !places.contains(&place) {
            places.push(place);
        }
    }
    if let Some((line, col)) = first {
        out.push(
            Diagnostic::error(
                Pos::new(path, line, col),
                format!("{count} TODO placeholder{} left to fill: {}", if count == 1 { "" } else { "s" }, places.join(", ")),
            )
            .hint("write each one, or delete the fields and sections the report does not need; nothing with a TODO is published"),
        );
    }
}

/// `ids`: the report's appendix ids, when its front matter could be read.
fn hygiene_text(path: &Path, text: &str, body_line: u32, ids: Option<&[&str]>, out: &mut Diagnostics) {
    todos(path, text, body_line, out);
    // Template leftovers, each at its first place on a line. The leftovers are ASCII, so
    // the bytes are compared with ASCII case folding only: every byte stays where it was
    // (full lowering moves them: a Kelvin sign becomes one byte). One pass over the text:
    // only at a byte that can begin a leftover (most text has none) are they compared.
    let mut found = Vec::new();
    let mut places: Vec<Vec<usize>> = vec![Vec::new(); LEFTOVERS.len()];
    let bytes = text.as_bytes();
    let first: Vec<u8> = LEFTOVERS.iter().filter_map(|l| l.bytes().next()).collect();
    for (at, &c) in bytes.iter().enumerate() {
        if !first.contains(&c.to_ascii_lowercase()) {
            continue;
        }
        for (k, leftover) in LEFTOVERS.iter().enumerate() {
            if bytes.get(at..at + leftover.len()).is_some_and(|here| here.eq_ignore_ascii_case(leftover.as_bytes())) {
                places[k].push(at);
            }
        }
    }
    for (k, (leftover, places)) in LEFTOVERS.iter().zip(places).enumerate() {
        let mut last_line = None;
        for at in places {
            let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
            if last_line == Some(line_start) {
                continue;
            }
            last_line = Some(line_start);
            let n = text[..line_start].bytes().filter(|&b| b == b'\n').count() as u32 + 1;
            found.push((n, k, at - line_start, &text[at..at + leftover.len()]));
        }
    }
    found.sort();
    for (n, _, col, seen) in found {
        out.push(
            Diagnostic::error(Pos::new(path, n, col as u32 + 1), format!("template text left in the report: `{seen}`"))
                .hint("replace it with the real content, or delete it"),
        );
    }
    if !text.contains("Appendix ") {
        return;
    }
    for (i, line) in text.lines().enumerate() {
        let n = i as u32 + 1;
        let Some(ids) = ids else { continue };
        if n < body_line {
            continue;
        }
        let mut rest = line;
        let mut offset = 0;
        while let Some(at) = rest.find("Appendix ") {
            let after = &rest[at + 9..];
            let id: String = after.chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
            if !id.is_empty() && id.len() <= 3 && !ids.contains(&id.as_str()) {
                let hint = if ids.is_empty() {
                    "the report lists no appendices".to_string()
                } else {
                    format!("the report's appendices are {}", ids.iter().map(|i| format!("Appendix {i}")).collect::<Vec<_>>().join(", "))
                };
                out.push(
                    Diagnostic::warning(Pos::new(path, n, (offset + at) as u32 + 1), format!("reference to Appendix {id}, which the report does not have"))
                        .hint(hint),
                );
            }
            offset += at + 9;
            rest = after;
        }
    }
}

/// The reports (Markdown files) in these meeting folders.
fn report_files(meetings: &[std::path::PathBuf]) -> Vec<std::path::PathBuf> {
    let mut files: Vec<std::path::PathBuf> = meetings.iter().flat_map(|dir| crate::load::sorted_files(dir, 1)).collect();
    files.retain(|p| p.extension().is_some_and(|x| x == "md"));
    files
}

/// The dates a clerk plans a meeting by.
pub fn dates(meeting: NaiveDate, cal: &Calendar, clear: u32) -> Vec<(String, NaiveDate)> {
    vec![
        ("Notice of key decisions in the forward plan (28 clear days)".into(), Calendar::calendar_deadline(meeting, 28)),
        ("Notice of intention to meet in private (28 clear days)".into(), Calendar::calendar_deadline(meeting, 28)),
        (format!("Agenda published ({clear} clear working days, LGA 1972 s100B)"), cal.publication_deadline(meeting, clear)),
        ("General exception notice for a key decision (5 clear days)".into(), cal.publication_deadline(meeting, 5)),
        ("Confirmation of a private meeting (5 clear days)".into(), cal.publication_deadline(meeting, 5)),
    ]
}

/// The site's calendar (closure days) if there is a site, else bank holidays only.
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_leftover_is_found_where_it_stands() {
        // As they appear in the seed papers: Haringey's Word template fields and
        // Bromsgrove's table instruction.
        let text = "---\ntitle: x\n---\nAgenda item: [No.]\nWards(s) affected: [All / Some (Specify)] Report for: [Key / Non-Key Decision]\n\
                    2.1. [click here to type]\nPlease include the following table and spell out any particular implications\nTODO figures\n";
        let mut out = Diagnostics::new();
        hygiene_text(Path::new("r.md"), text, 4, Some(&[]), &mut out);
        let found: Vec<(u32, String)> = out.0.iter().map(|d| (d.pos.line, d.message.clone())).collect();
        for (line, what) in
            [(4, "[No.]"), (5, "[All / Some"), (5, "[Key / Non-Key"), (6, "[click here to type]"), (7, "Please include the following table"), (8, "TODO")]
        {
            assert!(found.iter().any(|(l, m)| *l == line && m.contains(what)), "{what} on line {line}: {found:?}");
        }
        assert!(out.0.iter().all(|d| d.is_error()));
    }

    #[test]
    fn leftovers_after_letters_that_change_length_when_lowered_are_found_without_a_panic() {
        // A Kelvin sign (3 bytes) lowers to `k` (1 byte), a dotted capital I (2 bytes) to
        // 3 bytes: the column is the place in the line as written.
        let mut out = Diagnostics::new();
        let text = "---\n---\n\u{212A}\u{212A} [Insert name] and \u{130} lorem ipsum, lorem ipsum\r\nnext [insert\n\u{212A}[insert\n";
        hygiene_text(Path::new("r.md"), text, 3, Some(&[]), &mut out);
        let found: Vec<(u32, u32, String)> = out.0.iter().map(|d| (d.pos.line, d.pos.column, d.message.clone())).collect();
        assert_eq!(
            found,
            [
                (3, 8, "template text left in the report: `[Insert`".to_string()),
                (3, 29, "template text left in the report: `lorem ipsum`".to_string()),
                (4, 6, "template text left in the report: `[insert`".to_string()),
                (5, 4, "template text left in the report: `[insert`".to_string()),
            ]
        );
    }

    #[test]
    fn appendix_references_need_the_appendix() {
        let mut out = Diagnostics::new();
        hygiene_text(Path::new("r.md"), "---\n---\nSee Appendix 1 and Appendix C, and Appendix 12.\n", 3, Some(&["1"]), &mut out);
        let msgs: Vec<&str> = out.0.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(msgs, vec!["reference to Appendix C, which the report does not have", "reference to Appendix 12, which the report does not have"]);
    }
}
