//! Sections the theme fills from the front matter (recommendations, contact, wards,
//! appendices, background papers, fields) and the header block.

use super::*;

/// Sections whose content comes from the front matter rather than Markdown.
pub(super) fn generated_section(sec: &SectionScheme, scheme: &ThemeScheme, src: &ReportSource, appendix_ids: &[String]) -> Option<Vec<Block>> {
    let front = &src.front;
    let smart = scheme.typography.smart_punctuation;
    let md = |t: &str| inline_markdown_with(t, smart);
    let para = |content: Vec<Inline>| Block::Para { number: None, id: None, content };
    match sec.kind {
        SectionKind::Prose | SectionKind::Body => None,
        SectionKind::Recommendations => {
            if front.recommendations.is_empty() {
                return None;
            }
            let mut blocks = Vec::new();
            if let Some(intro) = &front.recommendations_intro {
                blocks.push(para(md(intro)));
            }
            match sec.style {
                // Numbered as the section's paragraphs (2.1); sub-recommendations are an
                // outline list under theirs (2.1.1).
                ListStyle::Paragraph => {
                    for r in &front.recommendations {
                        blocks.push(para(md(r.text())));
                        if !r.items().is_empty() {
                            blocks.push(Block::List { ordered: true, items: recommendation_items(r.items(), None, scheme, 1, &md, "") });
                        }
                    }
                }
                style => blocks.push(Block::List {
                    ordered: style != ListStyle::Bullet,
                    items: recommendation_items(&front.recommendations, Some(style), scheme, 0, &md, ""),
                }),
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
                        .map(|v| if is_none_word(v) { vec![Inline::text(scheme.typography.none_text.clone())] } else { md(v) })
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
            // `none` reads as the theme's "None" text.
            Some(BackgroundPapers::Text(t)) if is_none_word(t) => Some(vec![para(vec![Inline::text(scheme.typography.none_text.clone())])]),
            Some(BackgroundPapers::Text(t)) => Some(vec![para(md(&sentence(t)))]),
            Some(BackgroundPapers::List(items)) if items.is_empty() => None,
            Some(BackgroundPapers::List(items)) => Some(items.iter().map(|t| para(md(t))).collect()),
        },
        SectionKind::Contact => {
            let contacts = front.contact_officer.as_ref()?.value.all();
            Some(contacts.into_iter().map(|c| Block::Fields { layout: "lines".into(), rows: contact_rows(c) }).collect())
        }
    }
}

/// `none` (or `None.`): the author means there are none. Other words, `N/A` among them,
/// print as written.
fn is_none_word(t: &str) -> bool {
    let n: String = t.trim().trim_end_matches('.').to_lowercase();
    n == "none"
}

/// Recommendations as list items: the theme's style at the top (`None`: outline-numbered
/// by the section's paragraphs), the theme's list styles below.
fn recommendation_items(
    recs: &[Recommendation],
    style: Option<ListStyle>,
    scheme: &ThemeScheme,
    depth: usize,
    md: &dyn Fn(&str) -> Vec<Inline>,
    id_prefix: &str,
) -> Vec<ListItem> {
    recs.iter()
        .enumerate()
        .map(|(i, r)| {
            let id = format!("{id_prefix}{}", i + 1);
            let mut blocks = vec![Block::Para { number: None, id: None, content: md(r.text()) }];
            if !r.items().is_empty() {
                let sub = style.map(|_| scheme.numbering.lists.get(depth + 1).copied().unwrap_or(ListStyle::LowerAlpha));
                blocks.push(Block::List { ordered: true, items: recommendation_items(r.items(), sub, scheme, depth + 1, md, &format!("{id}-")) });
            }
            ListItem { marker: style.and_then(|s| s.marker(i + 1)), id: style.map(|_| format!("recommendation-{id}")), blocks }
        })
        .collect()
}

fn contact_rows(c: &Contact) -> Vec<FieldRow> {
    let mut rows = vec![FieldRow { number: None, label: "Name".into(), value: vec![Inline::text(c.name.clone())] }];
    if let Some(r) = &c.role {
        rows.push(FieldRow { number: None, label: "Job title".into(), value: vec![Inline::text(r.clone())] });
    }
    for e in c.email.items() {
        rows.push(FieldRow { number: None, label: "E Mail".into(), value: vec![mailto(e)] });
    }
    for p in c.phone.items() {
        rows.push(FieldRow { number: None, label: "Tel".into(), value: vec![Inline::text(p.to_string())] });
    }
    rows
}

fn mailto(e: &str) -> Inline {
    Inline::Link { href: format!("mailto:{}", e.trim()), content: vec![Inline::text(e.trim().to_string())] }
}

/// A date in the theme's format, with `%o` as the day's ordinal suffix (raised where the
/// theme says). The format is checked when the theme loads.
pub(super) fn format_date(date: NaiveDate, format: &str, superscript: bool) -> Vec<Inline> {
    let suffix = match date.day() {
        11..=13 => "th",
        d if d % 10 == 1 => "st",
        d if d % 10 == 2 => "nd",
        d if d % 10 == 3 => "rd",
        _ => "th",
    };
    let mut out = Vec::new();
    for (i, piece) in format.split("%o").enumerate() {
        if i > 0 {
            out.push(if superscript { Inline::Sup { content: vec![Inline::text(suffix)] } } else { Inline::text(suffix) });
        }
        if !piece.is_empty() {
            out.push(Inline::text(date.format(piece).to_string()));
        }
    }
    merge_text_runs(out)
}

/// A header value written over several lines prints as several lines.
fn value_lines(v: &str) -> Vec<Vec<Inline>> {
    v.lines().map(str::trim).filter(|l| !l.is_empty()).map(|l| vec![Inline::text(l.to_string())]).collect()
}

fn cased(parts: Vec<Vec<Inline>>, case: crate::theme::Case) -> Vec<Vec<Inline>> {
    if case == crate::theme::Case::AsWritten {
        return parts;
    }
    parts
        .into_iter()
        .map(|mut p| {
            for_each_inline_in_mut(&mut p, &mut |i| {
                if let Inline::Text { text } = i {
                    *text = case.apply(text);
                }
            });
            p
        })
        .collect()
}

/// The label as printed: the theme's suffix (":") unless the label ends in punctuation
/// already, or is empty (a row without a label).
pub(super) fn printed_label(label: &str, suffix: &str, has_value: bool) -> String {
    let l = label.trim_end();
    if l.is_empty() || !has_value || l.ends_with([':', '?', '.', '!', ';']) {
        l.to_string()
    } else {
        format!("{l}{suffix}")
    }
}

pub(super) fn header_rows(scheme: &ThemeScheme, ctx: &MeetingCtx<'_>, src: &ReportSource, item: &str, date: NaiveDate, exempt: bool) -> Vec<HeaderRow> {
    let f = &src.front;
    let hs = &scheme.header;
    let t = |s: &str| vec![Inline::text(s.to_string())];
    let lines = |v: &Option<String>| v.as_deref().map(value_lines).filter(|l| !l.is_empty());
    let mut rows = Vec::new();
    for field in &hs.fields {
        let builtin = field.builtin();
        let label = field.label.clone().unwrap_or_else(|| builtin.map(|k| k.default_label().to_string()).unwrap_or_else(|| field.name().to_string()));
        // (parts, stacked): stacked parts are lines, others cells side by side.
        let value: Option<(Vec<Vec<Inline>>, bool)> = match builtin {
            None => f
                .header
                .get(field.name())
                .map(|v| v.items().iter().flat_map(|s| value_lines(s)).collect::<Vec<_>>())
                .filter(|l| !l.is_empty())
                .or_else(|| field.default.as_deref().map(value_lines))
                .map(|l| (l, true)),
            Some(key) => match key {
                HeaderKey::DecisionMaker => Some((value_lines(f.decision_maker.as_deref().unwrap_or(ctx.committee_name)), true)),
                HeaderKey::Committee => Some((vec![t(ctx.committee_name)], false)),
                HeaderKey::Date => Some((vec![format_date(date, &hs.date_format, hs.superscript_ordinals)], false)),
                HeaderKey::Item => Some((vec![t(item)], false)),
                HeaderKey::Title => Some((vec![t(&f.title.value)], false)),
                HeaderKey::ReportOf => lines(&f.report_of).map(|l| (l, true)),
                HeaderKey::Author => lines(&f.author).map(|l| (l, true)),
                HeaderKey::ChiefOfficer => lines(&f.chief_officer).map(|l| (l, true)),
                HeaderKey::HeadOfService => lines(&f.head_of_service).map(|l| (l, true)),
                HeaderKey::PortfolioHolder => lines(&f.portfolio_holder).map(|l| (l, true)),
                HeaderKey::Signed => Some((lines(&f.signed).unwrap_or_else(|| vec![vec![]]), true)),
                HeaderKey::ContactOfficer => f.contact_officer.as_ref().map(|c| {
                    let mut parts = Vec::new();
                    for c in c.value.all() {
                        parts.push(t(&match &c.role {
                            Some(r) => format!("{}, {r}", c.name),
                            None => c.name.clone(),
                        }));
                        for p in c.phone.items() {
                            parts.push(t(&format!("Tel: {p}")));
                        }
                        for e in c.email.items() {
                            parts.push(vec![Inline::text("E-mail: "), mailto(e)]);
                        }
                    }
                    (parts, true)
                }),
                HeaderKey::Wards => f.wards.as_ref().map(|w| match &w.value {
                    Wards::Many(list) if list.len() > 1 => (list.iter().map(|x| t(x)).collect(), true),
                    w => (vec![t(&w.display())], false),
                }),
                HeaderKey::DecisionType => {
                    let d = f.decision;
                    Some((
                        vec![
                            t(if d.urgent { "Urgent" } else { "Non-Urgent" }),
                            t(if d.executive { "Executive" } else { "Non-Executive" }),
                            t(if d.key { "Key" } else { "Non-Key" }),
                        ],
                        false,
                    ))
                }
                HeaderKey::KeyDecision => {
                    let text = if f.decision.key { "Key Decision" } else { "Non-Key Decision" };
                    if field.label.is_some() {
                        Some((vec![t(text)], false))
                    } else {
                        rows.push(HeaderRow { key: key.name(), label: text.to_string(), parts: vec![], stacked: false });
                        None
                    }
                }
                HeaderKey::Purpose => Some((vec![t(f.purpose.label())], false)),
                HeaderKey::Part => Some((vec![t(if exempt { "Part 2 (exempt)" } else { "Part 1 (public)" })], false)),
            },
        };
        if let Some((parts, stacked)) = value {
            let parts = cased(parts, field.case);
            let stacked = stacked && parts.len() > 1;
            rows.push(HeaderRow { key: field.name().to_string(), label: printed_label(&label, &hs.label_suffix, true), parts, stacked });
        }
    }
    rows
}

/// A short answer as a sentence: capital first letter, closing full stop ("none" -> "None.").
fn sentence(t: &str) -> String {
    let t = t.trim();
    let mut chars = t.chars();
    let mut out: String = match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => return String::new(),
    };
    if !out.ends_with(['.', '!', '?', ')']) && out.split_whitespace().count() <= 3 {
        out.push('.');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinals_follow_english_usage() {
        let d = |day| NaiveDate::from_ymd_opt(2010, 1, day).unwrap_or_default();
        let shown = |day| plain(&format_date(d(day), "%-d%o", false));
        for (day, want) in
            [(1, "1st"), (2, "2nd"), (3, "3rd"), (4, "4th"), (11, "11th"), (12, "12th"), (13, "13th"), (21, "21st"), (22, "22nd"), (23, "23rd"), (31, "31st")]
        {
            assert_eq!(shown(day), want);
        }
        // Raised where the theme asks, and the rest of the format as chrono prints it.
        let june = NaiveDate::from_ymd_opt(2010, 6, 24).unwrap_or_default();
        let raised = format_date(june, "%A %-d%o %B %Y", true);
        assert_eq!(raised[1], Inline::Sup { content: vec![Inline::text("th")] });
        assert_eq!(plain(&raised), "Thursday 24th June 2010");
        assert_eq!(plain(&format_date(june, "%-d %B %Y", true)), "24 June 2010");
    }

    #[test]
    fn labels_print_as_written_with_the_theme_suffix() {
        assert_eq!(printed_label("Committee", ":", true), "Committee:");
        assert_eq!(printed_label("Committee:", ":", true), "Committee:");
        assert_eq!(printed_label("Report No", "", true), "Report No");
        assert_eq!(printed_label("Agenda Item No.", ":", true), "Agenda Item No.");
        assert_eq!(printed_label("Consulted?", ":", true), "Consulted?");
        assert_eq!(printed_label("", ":", true), "", "a row without a label gets no colon");
    }

    #[test]
    fn only_none_means_none() {
        assert!(is_none_word("none") && is_none_word("None.") && is_none_word(" NONE "));
        assert!(!is_none_word("N/A") && !is_none_word("Not applicable") && !is_none_word("None yet"));
    }
}
