//! Decision notices (`content/decisions/*.yaml`): checked against the meetings, the
//! forward plan and the constitution's rules, with the call-in period and the date each
//! decision takes effect computed on the working-day calendar `agendum dates` uses.

use super::*;

pub(super) fn resolve_decisions(site: &LoadedSite, forward_plan: Option<&ForwardPlanDoc>, theme: &Theme, diags: &mut Diagnostics) -> Vec<DecisionDoc> {
    let cal = site.config.publication.calendar();
    let rules = &site.config.decisions;
    let mut seen: BTreeMap<String, PathBuf> = BTreeMap::new();
    let mut out = Vec::new();
    for (path, f) in &site.shared.decisions {
        let file_pos = Pos::file(path);
        let reference = f.reference.trim().to_string();
        let slug = slugify(&reference);
        if slug.is_empty() {
            diags.push(
                Diagnostic::error(file_pos.clone(), "a decision needs a reference")
                    .field("reference")
                    .hint("give the council's decision reference, e.g. CAB-2025-014"),
            );
            continue;
        }
        if let Some(first) = seen.insert(slug.clone(), path.clone()) {
            diags.push(
                Diagnostic::error(file_pos.clone(), format!("two decisions have the reference {reference}"))
                    .field("reference")
                    .hint(format!("{} has it too; each decision has its own reference", first.display())),
            );
            continue;
        }
        let date = match parse_date(&f.date.value) {
            Ok(d) => d,
            Err(e) => {
                diags.push(Diagnostic::error(spanned_pos(path, &f.date, 0), e).field("date").hint("write the date the decision was taken, YYYY-MM-DD"));
                continue;
            }
        };
        let published = match &f.published {
            None => None,
            Some(p) => match parse_date(&p.value) {
                Ok(d) if d < date => {
                    diags.push(
                        Diagnostic::error(
                            spanned_pos(path, p, 0),
                            format!("the notice is published on {}, before the decision ({})", display_date(d), display_date(date)),
                        )
                        .field("published")
                        .hint("publish the record on or after the day the decision is taken"),
                    );
                    None
                }
                Ok(d) => {
                    let late = cal.clear_days_between(date, d) + u32::from(cal.is_working_day(d) && d > date);
                    if late > rules.record_within_working_days {
                        diags.push(
                            Diagnostic::warning(
                                spanned_pos(path, p, 0),
                                format!(
                                    "the record is published {late} working days after the decision; the constitution allows {}",
                                    rules.record_within_working_days
                                ),
                            )
                            .field("published")
                            .hint("publish decision records as soon as reasonably practicable (2012 Regulations, reg 12)"),
                        );
                    }
                    Some(d)
                }
                Err(e) => {
                    diags.push(Diagnostic::error(spanned_pos(path, p, 0), e).field("published").hint("write dates as YYYY-MM-DD"));
                    None
                }
            },
        };
        // Who decided: a meeting's committee, or one person.
        let (mut decision_maker, mut committee_slug, mut meeting_url) = (String::new(), None, None);
        match (&f.meeting, &f.taken_by) {
            (Some(m), None) => {
                let name = m.value.trim();
                // `YYYY-MM-DD-<committee>`; any other name (whatever its characters) is no meeting.
                let parsed = name.get(..10).zip(name.get(11..)).filter(|_| name.as_bytes().get(10) == Some(&b'-')).map(|(d, slug)| (parse_date(d), slug));
                match parsed {
                    Some((Ok(day), slug)) if site.shared.meeting_names.iter().any(|n| n == name) => match site.shared.committees.get(slug) {
                        Some((_, c)) => {
                            decision_maker = c.name.clone();
                            committee_slug = Some(slug.to_string());
                            // The item it was taken on is on that meeting's agenda.
                            if let (Some(item), Some(numbers)) = (f.item.as_deref().map(str::trim), site.shared.meeting_items.get(name)) {
                                if !numbers.iter().any(|n| n == item) {
                                    diags.push(
                                        Diagnostic::error(Pos::file(path), format!("item {item} is not on the agenda of {name}"))
                                            .field("item")
                                            .hint(format!("its items are numbered {}", numbers.join(", "))),
                                    );
                                }
                            }
                            meeting_url = Some(format!("{slug}/{}/index.html", day.format("%Y-%m-%d")));
                            if day != date {
                                diags.push(
                                    Diagnostic::error(
                                        spanned_pos(path, m, 0),
                                        format!("the decision is dated {}, but the meeting was on {}", display_date(date), display_date(day)),
                                    )
                                    .field("date")
                                    .hint("a decision taken at a meeting has the meeting's date"),
                                );
                            }
                        }
                        None => diags.push(
                            Diagnostic::error(spanned_pos(path, m, 0), format!("the meeting folder `{name}` does not name a committee"))
                                .field("meeting")
                                .hint("meeting folders are named YYYY-MM-DD-<committee>"),
                        ),
                    },
                    _ => {
                        let names: Vec<&str> = site.shared.meeting_names.iter().map(String::as_str).collect();
                        diags.push(Diagnostic::error(spanned_pos(path, m, 0), format!("no meeting `{name}`")).field("meeting").suggest(
                            name,
                            names.iter().copied(),
                            "name the meeting's folder under content/meetings, e.g. 2025-06-17-cabinet",
                        ));
                    }
                }
            }
            (None, Some(p)) => {
                decision_maker = match p.role() {
                    Some(r) => format!("{}, {r}", p.name().trim()),
                    None => p.name().trim().to_string(),
                }
            }
            (Some(m), Some(_)) => diags.push(
                Diagnostic::error(spanned_pos(path, m, 0), "a decision is taken at a meeting or by one person, not both")
                    .field("taken_by")
                    .hint("keep `meeting:` for a committee's decision, or `taken_by:` for an individual's"),
            ),
            (None, None) => diags.push(
                Diagnostic::error(file_pos.clone(), "the decision names no decision maker")
                    .field("meeting")
                    .hint("add `meeting: <folder>` for a decision taken at a meeting, or `taken_by: {name, role}`"),
            ),
        }
        // A key decision is on the forward plan.
        let (mut forward_plan_reference, mut forward_plan_url, mut key_criteria) = (None, None, Vec::new());
        if let Some(k) = &f.key_decision {
            let r = k.value.reference.trim();
            let entry = forward_plan.and_then(|fp| fp.decisions.iter().find(|d| d.reference.as_deref() == Some(r)));
            match (forward_plan, entry) {
                (_, Some(e)) => forward_plan_url = e.id.as_ref().map(|id| format!("forward-plan.html#{id}")),
                (Some(_), None) => {
                    diags.push(Diagnostic::error(spanned_pos(path, k, 0), format!("no decision {r} in the forward plan")).field("key_decision.reference").hint(
                        "give the `reference` of its entry in content/forward-plan.yaml: a key decision must have been in the plan 28 days before (reg 9)",
                    ))
                }
                (None, None) => {}
            }
            forward_plan_reference = Some(r.to_string());
            key_criteria = k.value.criteria.iter().map(|c| c.trim().to_string()).filter(|c| !c.is_empty()).collect();
        }
        // A notice's fields share one page: their headings carry no ids of their own.
        let md = |text: &str| -> Vec<Block> {
            let mut blocks = field_blocks(text, 1, theme);
            for b in &mut blocks {
                if let Block::Heading { id, .. } = b {
                    *id = None;
                }
            }
            blocks
        };
        // Call-in: only executive decisions, and not urgent ones.
        let none = CallIn::default();
        let ci = f.call_in.as_ref().map(|c| &c.value).unwrap_or(&none);
        let call_in_pos = f.call_in.as_ref().map(|c| spanned_pos(path, c, 0)).unwrap_or_else(|| file_pos.clone());
        let urgency = given(ci.urgent.as_deref());
        let called_in = match &ci.called_in {
            None => None,
            Some(c) => match parse_date(c) {
                Ok(d) => Some(d),
                Err(e) => {
                    diags.push(Diagnostic::error(call_in_pos.clone(), e).field("call_in.called_in").hint("write dates as YYYY-MM-DD"));
                    None
                }
            },
        };
        let subject = f.kind == DecisionKind::Executive && urgency.is_none();
        if f.kind == DecisionKind::Officer && (urgency.is_some() || called_in.is_some()) {
            diags.push(
                Diagnostic::error(call_in_pos.clone(), "an officer decision is not subject to call-in")
                    .field("call_in")
                    .hint("call-in applies to executive decisions; remove `call_in:`, or make it `kind: executive`"),
            );
        }
        let (call_in_ends, mut takes_effect) = match published {
            Some(p) if subject => {
                let ends = cal.working_days_after(p, rules.call_in_working_days);
                (Some(ends), Some(cal.working_days_after(ends, 1)))
            }
            // Not subject to call-in: in effect once taken (an urgent one, at once).
            _ if !subject => (None, Some(date)),
            _ => (None, None),
        };
        if let (Some(c), Some(p)) = (called_in, published) {
            if c <= p || call_in_ends.is_some_and(|e| c > e) {
                diags.push(
                    Diagnostic::error(
                        call_in_pos.clone(),
                        format!(
                            "called in on {}, outside the call-in period{}",
                            display_date(c),
                            call_in_ends.map(|e| format!(" ({} to {})", display_date(cal.working_days_after(p, 1)), display_date(e))).unwrap_or_default()
                        ),
                    )
                    .field("call_in.called_in")
                    .hint(format!("a decision can be called in in the {} working days after its notice is published", rules.call_in_working_days)),
                );
            }
        }
        // Called in: it takes effect when scrutiny's outcome says, not on its own.
        if called_in.is_some() {
            takes_effect = None;
        }
        let call_in_status = if !subject {
            "not-subject"
        } else if called_in.is_some() {
            "called-in"
        } else if published.is_none() {
            "awaiting-publication"
        } else {
            "open"
        };
        let exempt = f.exempt.as_deref().map(|p| exemption_of(p, &file_pos, "an exempt decision", "exempt", diags));
        if f.public_summary.is_some() && exempt.is_none() {
            diags.push(
                Diagnostic::error(file_pos.clone(), "a public summary is for an exempt decision, and this one is public")
                    .field("public_summary")
                    .hint("write it under `decision:`, or mark the decision `exempt: [paragraph]`"),
            );
        }
        let day = |d: NaiveDate| d.format("%Y-%m-%d").to_string();
        out.push(DecisionDoc {
            reference,
            title: f.title.trim().to_string(),
            kind: if f.kind == DecisionKind::Executive { "executive" } else { "officer" }.into(),
            decision_maker,
            committee_slug,
            meeting_url,
            item: f.item.as_deref().map(str::trim).map(str::to_string),
            date: day(date),
            date_display: display_date(date),
            published: published.map(day),
            published_display: published.map(display_date),
            key_decision: f.key_decision.is_some(),
            forward_plan_reference,
            forward_plan_url,
            key_criteria,
            decision: md(&f.decision),
            reasons: md(&f.reasons),
            alternatives: f.alternatives.as_deref().map(md).unwrap_or_default(),
            conflicts: f.conflicts.as_deref().map(md).unwrap_or_default(),
            dispensation: given(f.dispensation.as_deref()),
            call_in_status: call_in_status.into(),
            call_in_ends: call_in_ends.map(day),
            call_in_ends_display: call_in_ends.map(display_date),
            takes_effect: takes_effect.map(day),
            takes_effect_display: takes_effect.map(display_date),
            urgency,
            called_in: called_in.map(day),
            called_in_display: called_in.map(display_date),
            called_in_by: ci.called_in_by.iter().map(|s| s.trim().to_string()).collect(),
            call_in_outcome: given(ci.outcome.as_deref()),
            exempt,
            public_summary: f.public_summary.as_deref().map(md).unwrap_or_default(),
            withheld: false,
            signed: f.signed.as_ref().and_then(|s| {
                let d = parse_date(&s.date).ok()?;
                Some(SignatureDoc { name: s.name.trim().to_string(), role: s.role.clone(), date_display: display_date(d) })
            }),
            url: format!("decisions/{slug}.html"),
            pdf_url: format!("decisions/{slug}.pdf"),
            year: date.format("%Y").to_string(),
        });
        if let Some(s) = &f.signed {
            if let Err(e) = parse_date(&s.date) {
                diags.push(Diagnostic::error(file_pos.clone(), e).field("signed.date").hint("write dates as YYYY-MM-DD"));
            }
        }
    }
    // Newest first, as a register reads.
    out.sort_by(|a, b| (&b.date, &b.reference).cmp(&(&a.date, &a.reference)));
    out
}
