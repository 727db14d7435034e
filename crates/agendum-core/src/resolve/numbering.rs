//! Pass: paragraph numbers (3.1, 7.1.1), outline lists and list markers in the theme's
//! style, and numbered appendices.

use super::*;

/// A section's Markdown nodes as blocks, with the line of each top-level block. Run-in
/// headings (`{.run-in}`, or every sub-heading where the theme says) open the paragraph
/// after them in bold.
pub(super) fn section_blocks(nodes: Vec<Node>, scheme: &ThemeScheme, tables: &ReportTables<'_>, diags: &mut Diagnostics) -> (Vec<Block>, Vec<u32>) {
    let mut blocks = Vec::new();
    let mut lines = Vec::new();
    let mut run_in: Option<(Vec<Inline>, Option<String>, u8, u32)> = None;
    let flush = |run_in: &mut Option<(Vec<Inline>, Option<String>, u8, u32)>, blocks: &mut Vec<Block>, lines: &mut Vec<u32>| {
        if let Some((content, id, level, line)) = run_in.take() {
            blocks.push(Block::Heading { level, number: None, id, content });
            lines.push(line);
        }
    };
    for n in nodes {
        match n {
            Node::Heading { level, content, id, run_in: marked, line, .. } => {
                flush(&mut run_in, &mut blocks, &mut lines);
                if marked || (scheme.numbering.run_in_subheadings && level >= 3) {
                    run_in = Some((content, id, level, line));
                } else {
                    blocks.push(Block::Heading { level, number: None, id, content });
                    lines.push(line);
                }
            }
            Node::Block { block: Block::Para { number, id, content }, line } if run_in.is_some() => {
                let Some((heading, heading_id, _, _)) = run_in.take() else { continue };
                let mut joined = vec![Inline::Strong { content: heading }, Inline::text(" ")];
                joined.extend(content);
                blocks.push(Block::Para { number, id: id.or(heading_id), content: joined });
                lines.push(line);
            }
            Node::Block { block, line } => {
                flush(&mut run_in, &mut blocks, &mut lines);
                blocks.push(block);
                lines.push(line);
            }
            Node::DataTable { key, line } => {
                flush(&mut run_in, &mut blocks, &mut lines);
                match tables.build(&key, line) {
                    Ok(t) => {
                        blocks.push(Block::Table(t));
                        lines.push(line);
                    }
                    Err(d) => diags.push(d),
                }
            }
        }
    }
    flush(&mut run_in, &mut blocks, &mut lines);
    (blocks, lines)
}

/// The running section and paragraph numbers of one report.
pub(super) struct SectionNumbers {
    pub section: usize,
    /// The last paragraph number given, where paragraphs run 1 ... N through the report.
    pub paragraph: usize,
}

impl SectionNumbers {
    /// Number a printed section and its paragraphs as the theme says; returns the
    /// section's printed number ("3.").
    #[allow(clippy::too_many_arguments)]
    pub(super) fn number(
        &mut self,
        scheme: &ThemeScheme,
        sec: &SectionScheme,
        key: &str,
        heading: &str,
        blocks: &mut [Block],
        lines: &[u32],
        labels: &mut Labels,
        diags: &mut Diagnostics,
        file: &Path,
    ) -> Option<String> {
        let number = sec.numbered.then(|| {
            self.section += 1;
            self.section
        });
        if let Some(n) = number {
            labels.numbers.insert(key.to_string(), n.to_string());
        }
        let numbering = match scheme.numbering.paragraphs {
            ParagraphNumbering::Section if sec.number_paragraphs => number.map(|n| vec![n]),
            ParagraphNumbering::Continuous if sec.number_paragraphs => Some(vec![]),
            _ => None,
        };
        match numbering {
            Some(base) => {
                typed_numbers(blocks, lines, &base, file, diags);
                let mut local = 0;
                let counter = if base.is_empty() { &mut self.paragraph } else { &mut local };
                number_paragraphs(blocks, &base, counter, scheme, key, labels);
            }
            None => {
                style_lists(blocks, scheme, 0);
                clear_continued(blocks);
                // A reference to a labelled paragraph that has no number of its own
                // prints its section's number, or else its section's heading.
                let shown = number.map(|n| n.to_string()).unwrap_or_else(|| heading.to_string());
                for_each_block(blocks, &mut |b| {
                    if let Block::Para { id: Some(id), .. } = b {
                        labels.numbers.entry(id.clone()).or_insert_with(|| shown.clone());
                    }
                });
            }
        }
        number.map(|n| format!("{n}{}", scheme.numbering.section_suffix))
    }
}

/// Numbers typed by the author where the theme numbers paragraphs itself would be
/// printed beside the theme's own: refused, at their line, never silently replaced.
fn typed_numbers(blocks: &[Block], lines: &[u32], base: &[usize], file: &Path, diags: &mut Diagnostics) {
    for (b, line) in blocks.iter().zip(lines) {
        let typed = match b {
            // "4. The Council ..." parses as a list starting at 4: its markers are set.
            Block::List { ordered: true, items } if items.first().is_some_and(|i| i.marker.is_some()) => items.first().and_then(|i| i.marker.clone()),
            // "3.1 The Council ..." in section 3.
            Block::Para { content, number: None, .. } if !base.is_empty() => {
                let text = plain(content);
                let head = text.split_whitespace().next().unwrap_or("");
                let parts: Vec<&str> = head.trim_end_matches('.').split('.').collect();
                let shaped = parts.len() >= 2 && parts.iter().all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()));
                (shaped && parts[0] == base[0].to_string() && text.len() > head.len()).then(|| head.to_string())
            }
            _ => None,
        };
        if let Some(n) = typed {
            diags.push(
                Diagnostic::error(Pos::new(file, *line, 1), format!("the paragraph number `{n}` is typed, and the theme numbers paragraphs itself")).hint(
                    "delete the typed number: the theme gives every paragraph its number. To refer to a paragraph, label it `{#name}` and write `[](#name)`",
                ),
            );
        }
    }
}

/// Number a section's blocks: paragraphs 3.1, 3.2; numbered sub-headings 7.1 with their
/// paragraphs 7.1.1; ordered lists after a numbered paragraph continue it (1.1.1).
pub(super) fn number_blocks(blocks: &mut [Block], section: usize, scheme: &ThemeScheme, key: &str, labels: &mut Labels) {
    let mut counter = 0usize;
    number_paragraphs(blocks, &[section], &mut counter, scheme, key, labels)
}

/// Number paragraphs under `base` (`[3]` gives 3.1, 3.2; `[]` gives 1, 2 ... as in a
/// report numbered continuously, where `counter` runs on from section to section).
/// A continuation paragraph (`{.continued}`, an empty number) takes no number and
/// belongs to the paragraph before it.
pub(super) fn number_paragraphs(blocks: &mut [Block], base: &[usize], counter: &mut usize, scheme: &ThemeScheme, key: &str, labels: &mut Labels) {
    let suffix = &scheme.numbering.paragraph_suffix;
    let mut path: Vec<usize> = base.to_vec();
    let mut sub = 0usize;
    let mut last_para: Option<Vec<usize>> = None;
    for b in blocks.iter_mut() {
        match b {
            Block::Para { number, id, .. } if number.as_deref() == Some("") => match last_para.as_ref() {
                Some(lp) => {
                    if let Some(anchor) = id.as_ref() {
                        labels.numbers.insert(anchor.clone(), path_number(lp, ""));
                    }
                }
                // Nothing before it to continue: an ordinary paragraph, without a number.
                None => *number = None,
            },
            Block::Heading { level, number, id, content } => {
                // Sub-sections number only under a section number: 7.1, 7.1.1.
                if *level == 3 && scheme.numbering.subsections == SubsectionStyle::Numbered && !base.is_empty() {
                    sub += 1;
                    path = vec![base[0], sub];
                    *counter = 0;
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
                *counter += 1;
                let mut p = path.clone();
                p.push(*counter);
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
    // Paragraphs inside lists, quotes and tables take no number: a continuation there is
    // an ordinary paragraph.
    for b in blocks.iter_mut().filter(|b| !matches!(b, Block::Para { .. })) {
        clear_continued(std::slice::from_mut(b));
    }
}

pub(super) fn outline_items(items: &mut [ListItem], parent: &[usize], suffix: &str, scheme: &ThemeScheme, labels: &mut Labels) {
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

pub(super) fn first_label(blocks: &[Block]) -> Option<String> {
    match blocks.first() {
        Some(Block::Para { id: Some(id), .. }) => Some(id.clone()),
        _ => None,
    }
}

/// Blocks outside paragraph numbering (footnotes, procedural text, unnumbered appendices):
/// lists in the theme's styles, and `{.continued}` paragraphs as ordinary ones.
pub(super) fn unnumbered(blocks: &mut [Block], scheme: &ThemeScheme) {
    style_lists(blocks, scheme, 0);
    clear_continued(blocks);
}

/// Outside paragraph numbering a continuation paragraph is an ordinary one.
pub(super) fn clear_continued(blocks: &mut [Block]) {
    for_each_block_mut(blocks, &mut |b| {
        if let Block::Para { number, .. } = b {
            if number.as_deref() == Some("") {
                *number = None;
            }
        }
    });
}

/// Give ordered lists outside the paragraph numbering their theme style by depth.
pub(super) fn style_lists(blocks: &mut [Block], scheme: &ThemeScheme, depth: usize) {
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
pub(super) fn appendix_blocks(
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
    for (heading, opted_out, mut blocks) in groups {
        let number_this = numbered && heading.is_some() && !opted_out;
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
            unnumbered(&mut blocks, scheme);
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
pub(super) fn prefix_ids(blocks: &mut [Block], prefix: &str) {
    for_each_block_mut(blocks, &mut |b| {
        for id in block_ids_mut(b).into_iter().filter(|id| id.starts_with("para-")) {
            *id = format!("{prefix}{id}");
        }
    });
}
