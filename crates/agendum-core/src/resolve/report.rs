//! A report: its Markdown split into the theme's sections, defaults for absent ones, then
//! the passes in order (numbering, appendices, footnotes, references, assets, ids, tables).

use super::*;

pub(super) fn resolve_report(
    ctx: &MeetingCtx<'_>,
    theme: &Theme,
    src: &ReportSource,
    item_number: &str,
) -> Result<(ReportDoc, Diagnostics, Assets), Diagnostics> {
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
    // The address becomes a `mailto:` link: "a@x or b@y" would be one broken link.
    if let Some(c) = &front.contact_officer {
        for email in c.value.all().iter().flat_map(|c| c.email.items()).filter(|e| !is_email(e)) {
            diags.push(
                Diagnostic::error(spanned_pos(file, c, 1), format!("`{email}` is not one e-mail address"))
                    .field("contact_officer.email")
                    .hint("give each address on its own, e.g. `email: [jo.bloggs@example.gov.uk, team@example.gov.uk]`"),
            );
        }
    }
    // Values for the theme's own header rows must name one of them.
    for (key, _) in front.header.iter() {
        let own: Vec<&str> = scheme.header.fields.iter().filter(|f| f.builtin().is_none()).map(|f| f.name()).collect();
        if !own.contains(&key.value.as_str()) {
            let hint = if own.is_empty() {
                format!("the {} theme's header has no rows of its own; built-in rows take their values from the front matter's fields", scheme.name)
            } else {
                format!("the {} theme's own header rows: {}", scheme.name, own.join(", "))
            };
            diags.push(
                Diagnostic::error(fm(key), format!("`{}` is not a header row of the {} theme", key.value, scheme.name))
                    .field(format!("header.{}", key.value))
                    .suggest(&key.value, own.iter().copied(), hint),
            );
        }
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
    let smart = scheme.typography.smart_punctuation;
    let parsed = markdown::parse_with(&src.body, src.body_line, smart);
    diags.extend(too_deep(file, &parsed));
    for &line in &parsed.raw_html {
        warnings.push(raw_html_warning(file, line));
    }
    for line in &parsed.images_without_alt {
        // Accessibility is a legal duty: a tagged PDF cannot carry an image without it.
        diags.push(
            Diagnostic::error(Pos::new(file, *line, 1), "image has no alt text")
                .field("![alt]")
                .hint("describe the image: ![Map of the ward boundaries](map.png)"),
        );
    }
    let mut written: BTreeMap<String, (Vec<Node>, u32)> = BTreeMap::new();
    // The report's own sections, for the theme's `body` slot: key, heading, line.
    let body_slot = scheme.sections.iter().any(|s| s.kind == SectionKind::Body);
    let mut body: Vec<(String, String, u32)> = Vec::new();
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
                    None if body_slot => {
                        let key = id.clone().unwrap_or_else(|| format!("body-{}", slugify(&text)));
                        if written.contains_key(&key) || scheme.section(&key).is_some() || key == "body-" {
                            diags.push(
                                Diagnostic::error(Pos::new(file, *line, 1), format!("section `{text}` is written twice, or its name is taken"))
                                    .hint("give the heading its own words, or an id: `## Heading {#my-section}`"),
                            );
                            current = Some(String::new());
                        } else {
                            written.insert(key.clone(), (Vec::new(), *line));
                            body.push((key.clone(), text.clone(), *line));
                            current = Some(key);
                        }
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
                        // Its text goes with it: reported once, at the heading, not again
                        // as text outside any section.
                        current = Some(String::new());
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
                let parsed = markdown::parse_with(text, 2, smart);
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

    // Build sections in the theme's order; the report's own sections fill the `body` slot.
    let mut labels = Labels::default();
    let mut sections = Vec::new();
    let mut numbers = SectionNumbers { section: 0, paragraph: 0 };
    let tables = ReportTables { front, file };
    let mut body = body.into_iter();
    for sec in &scheme.sections {
        if sec.kind == SectionKind::Body {
            for (key, heading, line) in body.by_ref() {
                let nodes = written.remove(&key).map(|(n, _)| n).unwrap_or_default();
                let (mut blocks, lines) = section_blocks(nodes, scheme, &tables, &mut diags);
                if blocks.is_empty() {
                    diags.push(
                        Diagnostic::error(Pos::new(file, line, 1), format!("section `{heading}` is empty")).hint("write the section, or delete its heading"),
                    );
                }
                let number = numbers.number(scheme, sec, &key, &heading, &mut blocks, &lines, &mut labels, &mut diags, file);
                sections.push(Section {
                    key: key.clone(),
                    heading,
                    number,
                    heading_hidden: false,
                    id: format!("section-{}", slugify(&key)),
                    kind: "body".into(),
                    blocks,
                    is_default: false,
                });
            }
            continue;
        }
        let mut is_default = false;
        let mut lines = Vec::new();
        let mut blocks: Vec<Block> = match written.remove(&sec.key) {
            Some((nodes, _line)) => {
                let (blocks, at) = section_blocks(nodes, scheme, &tables, &mut diags);
                lines = at;
                if blocks.is_empty() && sec.required {
                    diags.push(
                        Diagnostic::error(Pos::new(file, _line, 1), format!("required section `{}` is empty", sec.heading))
                            .hint("write the section, or state \"None\" if nothing arises"),
                    );
                }
                // A section the theme makes from the front matter is never replaced in silence.
                let from_front = match sec.kind {
                    SectionKind::Recommendations => (!front.recommendations.is_empty()).then_some("recommendations"),
                    SectionKind::Wards => front.wards.is_some().then_some("wards"),
                    SectionKind::Appendices => (!front.appendices.is_empty()).then_some("appendices"),
                    SectionKind::BackgroundPapers => front.background_papers.is_some().then_some("background_papers"),
                    SectionKind::Contact => front.contact_officer.is_some().then_some("contact_officer"),
                    _ => None,
                };
                // The theme may let the Markdown stand in for the generated section.
                if let Some(field) = from_front.filter(|_| !sec.replaceable) {
                    diags.push(
                        Diagnostic::error(
                            Pos::new(file, _line, 1),
                            format!("section `{}` is made from `{field}:` in the front matter, and is written in Markdown here too", sec.heading),
                        )
                        .field(field)
                        .hint(format!("keep one of them: delete this `## {}` section, or remove `{field}:`", sec.heading)),
                    );
                }
                blocks
            }
            None => match generated_section(sec, scheme, src, &appendix_ids) {
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
        let number = numbers.number(scheme, sec, &sec.key, &sec.heading, &mut blocks, &lines, &mut labels, &mut diags, file);
        sections.push(Section {
            key: sec.key.clone(),
            heading: sec.heading.clone(),
            number,
            heading_hidden: sec.hide_heading,
            id: format!("section-{}", slugify(&sec.key)),
            kind: yaml_name(sec.kind),
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
            alt: e.alt.clone().filter(|a| !a.trim().is_empty()),
            exempt: e.exempt,
            withheld: false,
        };
        if let Some(key) = &e.table {
            match tables.build(key, apos.line) {
                Ok(mut t) => {
                    // The appendix heading already names the table: a caption that only
                    // repeats it ("Appendix B: ...") would print the same line twice.
                    let heading = format!("{}: {}", ap.label, ap.title);
                    if t.caption.as_deref().is_some_and(|c| c.trim() == heading || c.trim() == ap.title) {
                        t.caption = None;
                    }
                    ap.blocks.push(Block::Table(t))
                }
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
                                let parsed = markdown::parse_with(&text, 1, smart);
                                diags.extend(too_deep(&shown, &parsed));
                                for line in &parsed.images_without_alt {
                                    diags.push(
                                        Diagnostic::error(Pos::new(&shown, *line, 1), "image has no alt text")
                                            .field("![alt]")
                                            .hint("describe the image: ![Map of the ward boundaries](map.png)"),
                                    );
                                }
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
        unnumbered(&mut blocks, scheme);
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
    let masthead: Vec<String> = scheme
        .header
        .masthead
        .iter()
        .flat_map(|m| match m {
            // A joint committee's paper names each of its councils, a line each.
            MastheadLine::Council if !ctx.councils.is_empty() => ctx.councils.iter().map(|c| c.name.clone()).collect(),
            MastheadLine::Council => vec![ctx.council.to_string()],
            MastheadLine::Committee => vec![ctx.committee_name.to_string()],
            MastheadLine::Date => vec![plain(&format_date(report_date, &scheme.header.date_format, false))],
            MastheadLine::Title => vec![front.title.value.clone()],
            MastheadLine::Item => vec![format!("Agenda item {item_number}")],
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
        for_each_inline_mut(&mut s.blocks, &mut |i| place_image(i, ctx, &stem, file, &mut assets, &mut image_sources, &mut diags));
    }
    for a in &mut appendices {
        let mut mine = Vec::new();
        for_each_inline_mut(&mut a.blocks, &mut |i| place_image(i, ctx, &stem, file, &mut assets, &mut mine, &mut diags));
        if !a.exempt {
            image_sources.extend(mine);
        }
    }
    for f in &mut footnotes {
        for_each_inline_mut(&mut f.blocks, &mut |i| place_image(i, ctx, &stem, file, &mut assets, &mut image_sources, &mut diags));
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
            HeaderLayout::Beside => "beside".into(),
        },
        title_position: match scheme.header.title {
            crate::theme::TitlePlacement::Above => "above".into(),
            crate::theme::TitlePlacement::Below => "below".into(),
            crate::theme::TitlePlacement::None => "none".into(),
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

/// Lists and quotes nested deeper than the PDF can lay out, as an error at their line.
pub(super) fn too_deep(file: &Path, parsed: &markdown::Parsed) -> Diagnostics {
    let mut d = Diagnostics::new();
    for line in &parsed.too_deep {
        d.push(
            Diagnostic::error(Pos::new(file, *line, 1), format!("lists or quotes nest more than {} deep here", markdown::MAX_NESTING))
                .hint("flatten the list: a paper's structure rarely needs more than three or four levels"),
        );
    }
    d
}

/// One plausible e-mail address: a local part, one `@`, and a domain with a dot; no spaces.
pub(super) fn is_email(s: &str) -> bool {
    let s = s.trim();
    match s.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !s.chars().any(|c| c.is_whitespace() || matches!(c, '<' | '>' | '"' | ',' | ';'))
        }
        None => false,
    }
}

/// Raw HTML in a report: shown as text, never used (`check` says so too where the
/// report cannot be resolved).
pub fn raw_html_warning(file: &std::path::Path, line: u32) -> Diagnostic {
    Diagnostic::warning(Pos::new(file, line, 1), "raw HTML in the report is shown as text, not used")
        .hint("write it in Markdown; scripts and HTML never reach the public site")
}

#[cfg(test)]
mod email_tests {
    #[test]
    fn one_address_only() {
        assert!(super::is_email("harriet.martyn@bromley.gov.uk"));
        for bad in ["a@x or b@y.gov.uk", "jo@", "@x.gov.uk", "jo@localhost", "jo bloggs@x.gov.uk", "a@b@c.uk", "<a@b.uk>", "a@b.uk, c@d.uk"] {
            assert!(!super::is_email(bad), "{bad}");
        }
    }
}
