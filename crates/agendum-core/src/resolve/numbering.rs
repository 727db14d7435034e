//! Pass: paragraph numbers (3.1, 7.1.1), outline lists and list markers in the theme's
//! style, and numbered appendices.

use super::*;

/// Number a section's blocks: paragraphs 3.1, 3.2; numbered sub-headings 7.1 with their
/// paragraphs 7.1.1; ordered lists after a numbered paragraph continue it (1.1.1).
pub(super) fn number_blocks(blocks: &mut [Block], section: usize, scheme: &ThemeScheme, key: &str, labels: &mut Labels) {
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
pub(super) fn prefix_ids(blocks: &mut [Block], prefix: &str) {
    for_each_block_mut(blocks, &mut |b| {
        for id in block_ids_mut(b).into_iter().filter(|id| id.starts_with("para-")) {
            *id = format!("{prefix}{id}");
        }
    });
}
