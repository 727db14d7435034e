//! A meeting: its agenda in order, each report resolved with its item number, supplements
//! and re-issues, and the meeting's assets.

use super::*;

pub(super) fn resolve_meeting(
    site: &LoadedSite,
    theme: &Theme,
    m: &LoadedMeeting,
    councils: &BTreeMap<String, Vec<CouncilDoc>>,
) -> Result<ResolvedMeeting, Diagnostics> {
    let mut diags = Diagnostics::new();
    let path = &m.path;
    let f = &m.file;
    let committee = site.shared.committees.get(&f.committee.value);
    if committee.is_none() {
        let names: Vec<&str> = site.shared.committees.keys().map(String::as_str).collect();
        let d = Diagnostic::error(spanned_pos(path, &f.committee, 0), format!("no committee `{}`", f.committee.value)).field("committee").suggest(
            &f.committee.value,
            names.iter().copied(),
            format!("create content/committees/{}.yaml, or use one of: {}", f.committee.value, names.join(", ")),
        );
        diags.push(d);
    }
    let date = parse_date(&f.date.value)
        .map_err(|e| Diagnostic::error(spanned_pos(path, &f.date, 0), e).field("date").hint("write dates as YYYY-MM-DD, e.g. 2012-04-18"));
    let time = match &f.time {
        None => Ok(None),
        Some(t) => NaiveTime::parse_from_str(t.value.trim(), "%H:%M").map(Some).map_err(|_| {
            Diagnostic::error(spanned_pos(path, t, 0), format!("`{}` is not a time", t.value))
                .field("time")
                .hint("write the time on the 24-hour clock in quotes, e.g. \"19:00\"; leave `time:` out if the papers give none")
        }),
    };
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
    let joint: &[CouncilDoc] = councils.get(&committee_slug).map(Vec::as_slice).unwrap_or(&[]);
    let ctx = MeetingCtx {
        council: &site.config.council,
        councils: joint,
        language: &site.config.language,
        committee_name: &committee.name,
        committee_slug: &committee_slug,
        date,
        base: &base,
        dir: site.root.join("content/meetings").join(&m.dir_name),
        site_root: &site.root,
    };
    // Item numbers: the clerk's where given ("7", "1a"), counting on from them.
    let mut next_number: u32 = 1;
    let mut numbers_seen: BTreeSet<String> = BTreeSet::new();
    for entry in &f.items {
        let pos = spanned_pos(path, entry, 0);
        let e = &entry.value;
        let Some(number) = crate::model::agenda_number(e.number.as_deref(), &mut next_number) else {
            diags.push(
                Diagnostic::error(pos.clone(), format!("`{}` is not an agenda item number", e.number.as_deref().unwrap_or_default().trim()))
                    .field("items.number")
                    .hint("write a number, optionally with one lower-case letter: 7, 12, 1a"),
            );
            continue;
        };
        if !numbers_seen.insert(number.clone()) {
            diags.push(
                Diagnostic::error(pos.clone(), format!("two agenda items are numbered {number}"))
                    .field("items.number")
                    .hint("give each item its own number; items without one count on from the item before"),
            );
            continue;
        }
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
                            format_args!("{:0>2}", number),
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
                            if let Err(why) = add_asset(&mut assets, out, a) {
                                diags.push(Diagnostic::error(Pos::file(&src.path), why).hint("rename one of the files"));
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
                            source_text: None,
                            document: None,
                        });
                        if e.file.is_some() {
                            diags.push(
                                Diagnostic::error(pos.clone(), "a report item carries its documents as appendices")
                                    .field("items.file")
                                    .hint("list the file under `appendices:` in the report's front matter"),
                            );
                        }
                        reports.push(doc);
                    }
                    Err(d) => diags.extend(d),
                }
            }
            (None, Some(kind)) => {
                let title = e.title.clone().unwrap_or_else(|| kind.default_title().to_string());
                let smart = theme.scheme.typography.smart_punctuation;
                let document = match &e.file {
                    None => None,
                    Some(rel_file) => item_document(&ctx, theme, rel_file, e.alt.as_deref(), &title, &number, &pos, &mut assets, &mut warnings, &mut diags),
                };
                let blocks = match &e.text {
                    Some(t) => {
                        let parsed = markdown::parse_with(t, pos.line, smart);
                        let mut blocks: Vec<Block> =
                            parsed.nodes.into_iter().filter_map(|n| if let Node::Block { block, .. } = n { Some(block) } else { None }).collect();
                        unnumbered(&mut blocks, &theme.scheme);
                        blocks
                    }
                    None => vec![],
                };
                items.push(AgendaItem {
                    number,
                    title,
                    kind: yaml_name(kind),
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
                    source_text: e.text.clone(),
                    document,
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
    let status = meeting_status(path, f, date, &mut diags);
    let mut doc = MeetingDoc {
        status: status.status,
        status_display: status.display,
        status_reason: given(f.status_reason.as_deref()),
        previous_date: status.previous.map(|d| d.format("%Y-%m-%d").to_string()),
        previous_date_display: status.previous.map(display_date),
        minutes_url: None,
        minutes_pdf_url: None,
        minutes_status: None,
        pack_title: "Agenda".into(),
        supplements,
        reissues,
        committee_url: format!("{committee_slug}/index.html"),
        data_url: format!("{base}/meeting.json"),
        utc_offset: crate::calendar::london_utc_offset(date, time.unwrap_or(NaiveTime::MIN)).to_string(),
        council: site.config.council.clone(),
        committee: committee.name.clone(),
        committee_slug: committee_slug.clone(),
        committee_kind: committee.kind.label().to_string(),
        date: iso,
        date_display: display_date(date),
        time: time.map(|t| t.format("%H:%M").to_string()),
        time_display: time.map(display_time),
        when_where: [time.map(display_time), f.venue.clone()].into_iter().flatten().collect::<Vec<_>>().join(", "),
        venue: f.venue.clone(),
        published: published.map(|p| p.format("%Y-%m-%d").to_string()),
        published_display: published.map(display_date),
        members: committee.members.clone(),
        contact: site.config.democratic_services.clone(),
        councils: joint.to_vec(),
        items,
        url: format!("{base}/index.html"),
        pack_url: format!("{base}/agenda-pack.pdf"),
        language: site.config.language.clone(),
    };
    let minutes = match &m.minutes {
        None => None,
        Some((file, minutes)) => {
            let made = resolve_minutes(file, minutes, &doc, theme, &mut warnings, &mut diags);
            if diags.has_errors() {
                return Err(diags);
            }
            made
        }
    };
    if let Some(mins) = &minutes {
        doc.minutes_url = Some(mins.url.clone());
        doc.minutes_pdf_url = Some(mins.pdf_url.clone());
        doc.minutes_status = Some(if mins.approved.is_some() { "approved" } else { "draft" }.into());
        if doc.status == "scheduled" {
            doc.status = "held".into();
        }
    }
    Ok(ResolvedMeeting { source_index: 0, doc, reports, assets, minutes, dir_name: m.dir_name.clone(), warnings })
}

/// A procedural item's document: Markdown read into blocks, or a PDF registered as an
/// asset published beside the meeting page (`03-minutes-of-the-previous-meeting.pdf`).
#[allow(clippy::too_many_arguments)]
fn item_document(
    ctx: &MeetingCtx<'_>,
    theme: &Theme,
    rel_file: &str,
    alt: Option<&str>,
    title: &str,
    number: &str,
    pos: &Pos,
    assets: &mut Assets,
    warnings: &mut Diagnostics,
    diags: &mut Diagnostics,
) -> Option<ItemDocument> {
    let full = match safe_join(&ctx.dir, rel_file) {
        Ok(f) => f,
        Err(why) => {
            diags.push(
                Diagnostic::error(pos.clone(), format!("document `{rel_file}` {why}")).field("items.file").hint("give a path inside the meeting's folder"),
            );
            return None;
        }
    };
    let shown = crate::diag::rel(ctx.site_root, &full);
    if !full.is_file() {
        diags.push(
            Diagnostic::error(pos.clone(), format!("document `{rel_file}` does not exist"))
                .field("items.file")
                .hint(format!("expected at {}", shown.display())),
        );
        return None;
    }
    let source = shown.to_string_lossy().replace('\\', "/");
    let lower = rel_file.to_lowercase();
    if lower.ends_with(".pdf") {
        let out = format!("{}/{:0>2}-{}.pdf", ctx.base, number, slugify(title));
        if let Err(why) = register_asset(assets, &full, &shown, out.clone()) {
            diags.push(Diagnostic::error(pos.clone(), why).field("items.file").hint("give each item's document its own title"));
            return None;
        }
        let alt = given(alt);
        if alt.is_none() {
            warnings.push(
                Diagnostic::warning(pos.clone(), format!("the PDF document of item {number} has no `alt`")).field("items.alt").hint(
                    "say in a sentence what it is, e.g. `alt: Draft minutes of the meeting of 7 March 2024, 4 pages`: its pages are pictures in the pack",
                ),
            );
        }
        return Some(ItemDocument { title: title.to_string(), blocks: vec![], pdf: Some(out), alt, source });
    }
    if !lower.ends_with(".md") {
        diags.push(
            Diagnostic::error(pos.clone(), format!("document `{rel_file}` is neither Markdown (.md) nor PDF (.pdf)"))
                .field("items.file")
                .hint("save it as PDF/A, or write it as Markdown"),
        );
        return None;
    }
    let text = match crate::load::read_text(ctx.site_root, &full) {
        Ok(t) => t,
        Err(d) => {
            diags.push(d);
            return None;
        }
    };
    let parsed = markdown::parse_with(&text, 1, theme.scheme.typography.smart_punctuation);
    diags.extend(too_deep(&shown, &parsed));
    let mut blocks = Vec::new();
    for n in parsed.nodes {
        match n {
            Node::Block { block, .. } => blocks.push(block),
            Node::Heading { level, content, id, .. } => blocks.push(Block::Heading { level: level.max(3), number: None, id, content }),
            Node::DataTable { line, .. } => diags.push(
                Diagnostic::error(Pos::new(&shown, line, 1), "a procedural document has no front matter for data tables").hint("write the table in Markdown"),
            ),
        }
    }
    // Pictures need a report's folder and alt checks: a document with them goes as PDF.
    let mut image = false;
    for_each_inline(&blocks, &mut |i| image |= matches!(i, Inline::Image { .. }));
    if image {
        diags.push(
            Diagnostic::error(Pos::file(&shown), "a procedural document cannot place images")
                .hint("attach the document as a PDF (with `alt:`), or make it a report with the images"),
        );
    }
    unnumbered(&mut blocks, &theme.scheme);
    // Ids inside the document are its own: prefixed so they never clash with the page's.
    let prefix = format!("item-{}-", slugify(number));
    for_each_block_mut(&mut blocks, &mut |b| {
        for id in block_ids_mut(b) {
            *id = format!("{prefix}{id}");
        }
    });
    Some(ItemDocument { title: title.to_string(), blocks, pdf: None, alt: None, source })
}

/// The supplementary agenda an item goes out in: its `added` date, when that is after
/// the agenda was published.
pub(super) fn supplement_date(e: &ItemEntry, published: Option<NaiveDate>, pos: &Pos, diags: &mut Diagnostics) -> Option<String> {
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

pub(super) fn header_text(doc: &ReportDoc, key: &str) -> Option<String> {
    doc.header.iter().find(|h| h.key == key).map(|h| h.parts.iter().map(|p| plain(p)).collect::<Vec<_>>().join(", "))
}
