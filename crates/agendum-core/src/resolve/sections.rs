//! Sections the theme fills from the front matter (recommendations, contact, wards,
//! appendices, background papers, fields) and the header block.

use super::*;

/// Sections whose content comes from the front matter rather than Markdown.
pub(super) fn generated_section(sec: &SectionScheme, src: &ReportSource, appendix_ids: &[String]) -> Option<Vec<Block>> {
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
            // `none` as the author typed it reads "None." on the page.
            Some(BackgroundPapers::Text(t)) => Some(vec![para(inline_markdown(&sentence(t)))]),
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

pub(super) fn header_rows(scheme: &ThemeScheme, ctx: &MeetingCtx<'_>, src: &ReportSource, item: &str, date: NaiveDate, exempt: bool) -> Vec<HeaderRow> {
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
