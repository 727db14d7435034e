//! The forward plan of key decisions.

use super::*;

pub(super) fn resolve_forward_plan(path: &Path, f: &ForwardPlanFile, theme: &Theme) -> Result<ForwardPlanDoc, Diagnostics> {
    let mut diags = Diagnostics::new();
    let published = parse_date(&f.published.value)
        .map_err(|e| Diagnostic::error(spanned_pos(path, &f.published, 0), e).field("published").hint("write dates as YYYY-MM-DD"));
    let md_blocks = |text: &str, line: u32| -> Vec<Block> {
        let parsed = markdown::parse(text, line);
        let mut blocks: Vec<Block> = parsed.nodes.into_iter().filter_map(|n| if let Node::Block { block, .. } = n { Some(block) } else { None }).collect();
        unnumbered(&mut blocks, &theme.scheme);
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
        let reference = given(v.reference.as_deref());
        decisions.push(crate::document::PlannedDecision {
            id: reference.as_deref().map(|r| format!("kd-{}", slugify(r))),
            reference,
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
