//! Markdown commentary to document nodes. pulldown-cmark parses (tables, footnotes,
//! heading attributes, smart punctuation); this module builds the tree the resolver
//! numbers. Raw HTML never passes through: it becomes visible text, so a `<script>` in a
//! report cannot reach the public site.

use pulldown_cmark::{Alignment, CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use crate::document::{Block, Inline, ListItem, Table, TableColumn};

/// A top-level node of a report's Markdown, with its line in the file.
#[derive(Debug, Clone)]
pub enum Node {
    Heading {
        level: u8,
        content: Vec<Inline>,
        id: Option<String>,
        unnumbered: bool,
        /// `{.run-in}`: printed bold at the start of the paragraph after it.
        run_in: bool,
        line: u32,
    },
    Block {
        block: Block,
        line: u32,
    },
    /// `[[table key]]` alone in a paragraph: a YAML table from the front matter.
    DataTable {
        key: String,
        line: u32,
    },
}

#[derive(Debug, Default)]
pub struct Parsed {
    pub nodes: Vec<Node>,
    /// Footnote definitions by label, in order of appearance.
    pub footnotes: Vec<(String, Vec<Block>)>,
    /// Raw HTML found (line), reported by `check` and neutralised here.
    pub raw_html: Vec<u32>,
    /// Images without alt text (line).
    pub images_without_alt: Vec<u32>,
    /// Lists and quotes nested deeper than `MAX_NESTING` (line of the first too deep).
    pub too_deep: Vec<u32>,
}

/// How deep lists and quotes may nest. Council papers use three or four levels; the
/// PDF's layout is proven to this depth (tests/pdf.rs), and `check` and `build` refuse
/// deeper ones alike, with the line.
pub const MAX_NESTING: usize = 8;

enum Frame {
    /// Inline container: paragraph, heading, emphasis, link, table cell...
    Inline {
        kind: InlineKind,
        content: Vec<Inline>,
    },
    List {
        ordered: bool,
        /// The number the author typed on the first item.
        start: u64,
        items: Vec<ListItem>,
    },
    Item {
        blocks: Vec<Block>,
    },
    Quote {
        blocks: Vec<Block>,
    },
    Code {
        text: String,
    },
    Table {
        aligns: Vec<Alignment>,
        head: Vec<Vec<Inline>>,
        rows: Vec<Vec<Vec<Block>>>,
        row: Vec<Vec<Block>>,
        in_head: bool,
    },
    Footnote {
        label: String,
        blocks: Vec<Block>,
    },
}

enum InlineKind {
    Para,
    /// A tight list item's text, which has no paragraph of its own.
    Implicit,
    Heading {
        level: u8,
        id: Option<String>,
        unnumbered: bool,
        run_in: bool,
    },
    Strong,
    Emph,
    Strike,
    Link {
        href: String,
    },
    Image {
        src: String,
    },
    Cell,
}

/// Record `line` if a list or quote opened here would nest deeper than allowed.
fn note_depth(stack: &[Frame], line: u32, too_deep: &mut Vec<u32>) {
    let depth = stack.iter().filter(|f| matches!(f, Frame::List { .. } | Frame::Quote { .. })).count() + 1;
    if depth > MAX_NESTING && too_deep.is_empty() {
        too_deep.push(line);
    }
}

/// Parse with smart punctuation (the default house style).
pub fn parse(text: &str, first_line: u32) -> Parsed {
    parse_with(text, first_line, true)
}

/// Parse; `smart` turns straight quotes and `--` into typographic ones, as the theme's
/// `typography.smart_punctuation` says.
pub fn parse_with(text: &str, first_line: u32, smart: bool) -> Parsed {
    let mut opts = Options::empty();
    opts.insert(Options::ENABLE_TABLES);
    opts.insert(Options::ENABLE_FOOTNOTES);
    opts.insert(Options::ENABLE_STRIKETHROUGH);
    opts.insert(Options::ENABLE_HEADING_ATTRIBUTES);
    if smart {
        opts.insert(Options::ENABLE_SMART_PUNCTUATION);
    }
    let line_starts: Vec<usize> = std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
    let line_of = |offset: usize| -> u32 {
        let idx = line_starts.partition_point(|&s| s <= offset);
        first_line + idx.saturating_sub(1) as u32
    };

    let mut out = Parsed::default();
    let mut stack: Vec<Frame> = Vec::new();
    let mut block_line = first_line;

    for (event, range) in Parser::new_ext(text, opts).into_offset_iter() {
        let line = line_of(range.start);
        match event {
            Event::Start(tag) => {
                if stack.is_empty() {
                    block_line = line;
                }
                match tag {
                    Tag::Paragraph => stack.push(Frame::Inline { kind: InlineKind::Para, content: vec![] }),
                    Tag::Heading { level, id, classes, .. } => {
                        let unnumbered = classes.iter().any(|c| c.as_ref() == "unnumbered");
                        let run_in = classes.iter().any(|c| c.as_ref() == "run-in");
                        let level = match level {
                            HeadingLevel::H1 => 1,
                            HeadingLevel::H2 => 2,
                            HeadingLevel::H3 => 3,
                            HeadingLevel::H4 => 4,
                            HeadingLevel::H5 => 5,
                            HeadingLevel::H6 => 6,
                        };
                        stack.push(Frame::Inline { kind: InlineKind::Heading { level, id: id.map(|s| s.to_string()), unnumbered, run_in }, content: vec![] })
                    }
                    Tag::BlockQuote(_) => {
                        flush_implicit(&mut stack);
                        note_depth(&stack, line, &mut out.too_deep);
                        stack.push(Frame::Quote { blocks: vec![] })
                    }
                    Tag::CodeBlock(kind) => {
                        flush_implicit(&mut stack);
                        let _ = matches!(kind, CodeBlockKind::Fenced(_));
                        stack.push(Frame::Code { text: String::new() })
                    }
                    Tag::HtmlBlock => {
                        out.raw_html.push(line);
                        stack.push(Frame::Inline { kind: InlineKind::Para, content: vec![] })
                    }
                    Tag::List(start) => {
                        flush_implicit(&mut stack);
                        note_depth(&stack, line, &mut out.too_deep);
                        stack.push(Frame::List { ordered: start.is_some(), start: start.unwrap_or(1), items: vec![] })
                    }
                    Tag::Item => stack.push(Frame::Item { blocks: vec![] }),
                    Tag::FootnoteDefinition(label) => stack.push(Frame::Footnote { label: label.to_string(), blocks: vec![] }),
                    Tag::Table(aligns) => stack.push(Frame::Table { aligns, head: vec![], rows: vec![], row: vec![], in_head: false }),
                    Tag::TableHead => {
                        if let Some(Frame::Table { in_head, .. }) = stack.last_mut() {
                            *in_head = true;
                        }
                    }
                    Tag::TableRow => {}
                    Tag::TableCell => stack.push(Frame::Inline { kind: InlineKind::Cell, content: vec![] }),
                    Tag::Emphasis => open_inline(&mut stack, InlineKind::Emph),
                    Tag::Strong => open_inline(&mut stack, InlineKind::Strong),
                    Tag::Strikethrough => open_inline(&mut stack, InlineKind::Strike),
                    // `<a@b.gov.uk>` is an e-mail autolink: its target is `mailto:`, not a page.
                    Tag::Link { link_type: pulldown_cmark::LinkType::Email, dest_url, .. } => {
                        open_inline(&mut stack, InlineKind::Link { href: format!("mailto:{dest_url}") })
                    }
                    Tag::Link { dest_url, .. } => open_inline(&mut stack, InlineKind::Link { href: dest_url.to_string() }),
                    Tag::Image { dest_url, .. } => open_inline(&mut stack, InlineKind::Image { src: dest_url.to_string() }),
                    // Superscript, subscript, definition lists, metadata: not enabled.
                    _ => {}
                }
            }
            Event::End(end) => match end {
                TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::HtmlBlock => {
                    if let Some(Frame::Inline { kind, content }) = stack.pop() {
                        let block = match kind {
                            InlineKind::Heading { level, id, unnumbered, run_in } => {
                                if stack.is_empty() {
                                    out.nodes.push(Node::Heading { level, content, id, unnumbered, run_in, line: block_line });
                                    continue;
                                }
                                Block::Heading { level, number: None, id, content }
                            }
                            _ => {
                                let (content, continued) = take_class(content, "continued");
                                let (content, label) = take_label(content);
                                if stack.is_empty() {
                                    if let Some(key) = table_placeholder(&content) {
                                        out.nodes.push(Node::DataTable { key, line: block_line });
                                        continue;
                                    }
                                }
                                // A continuation of the numbered paragraph before it: an
                                // empty number, so it takes none and sits under that text.
                                Block::Para { number: continued.then(String::new), id: label, content }
                            }
                        };
                        push_block(&mut stack, &mut out, block, block_line);
                    }
                }
                TagEnd::BlockQuote(_) => {
                    flush_implicit(&mut stack);
                    if let Some(Frame::Quote { blocks }) = stack.pop() {
                        push_block(&mut stack, &mut out, Block::Quote { blocks }, block_line);
                    }
                }
                TagEnd::CodeBlock => {
                    if let Some(Frame::Code { text }) = stack.pop() {
                        push_block(&mut stack, &mut out, Block::Code { text }, block_line);
                    }
                }
                TagEnd::List(_) => {
                    if let Some(Frame::List { ordered, start, mut items }) = stack.pop() {
                        // "4. The Council ..." keeps the number the author typed: a list
                        // that does not start at 1 is never renumbered in the theme's style.
                        if ordered && start != 1 {
                            for (i, item) in items.iter_mut().enumerate() {
                                item.marker = Some(format!("{}.", start + i as u64));
                            }
                        }
                        push_block(&mut stack, &mut out, Block::List { ordered, items }, block_line);
                    }
                }
                TagEnd::Item => {
                    flush_implicit(&mut stack);
                    if let Some(Frame::Item { blocks }) = stack.pop() {
                        if let Some(Frame::List { items, .. }) = stack.last_mut() {
                            items.push(ListItem { marker: None, id: None, blocks });
                        }
                    }
                }
                TagEnd::FootnoteDefinition => {
                    flush_implicit(&mut stack);
                    if let Some(Frame::Footnote { label, blocks }) = stack.pop() {
                        out.footnotes.push((label, blocks));
                    }
                }
                TagEnd::TableCell => {
                    if let Some(Frame::Inline { content, .. }) = stack.pop() {
                        if let Some(Frame::Table { head, row, in_head, .. }) = stack.last_mut() {
                            if *in_head {
                                head.push(content);
                            } else {
                                row.push(if content.is_empty() { vec![] } else { vec![Block::Para { number: None, id: None, content }] });
                            }
                        }
                    }
                }
                TagEnd::TableHead => {
                    if let Some(Frame::Table { in_head, .. }) = stack.last_mut() {
                        *in_head = false;
                    }
                }
                TagEnd::TableRow => {
                    if let Some(Frame::Table { rows, row, .. }) = stack.last_mut() {
                        rows.push(std::mem::take(row));
                    }
                }
                TagEnd::Table => {
                    if let Some(Frame::Table { aligns, head, rows, .. }) = stack.pop() {
                        let columns = head
                            .into_iter()
                            .enumerate()
                            .map(|(i, heading)| TableColumn { heading, align: align_name(aligns.get(i)), min_text: String::new() })
                            .collect();
                        let table = Table { caption: None, columns, rows, footer: None, note: None };
                        push_block(&mut stack, &mut out, Block::Table(table), block_line);
                    }
                }
                TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough | TagEnd::Link | TagEnd::Image => {
                    if let Some(Frame::Inline { kind, content }) = stack.pop() {
                        let inline = match kind {
                            InlineKind::Strong => Inline::Strong { content },
                            InlineKind::Emph => Inline::Emph { content },
                            InlineKind::Strike => Inline::Strike { content },
                            InlineKind::Link { href } => make_link(href, content),
                            InlineKind::Image { src } => {
                                let alt = crate::document::plain(&content);
                                if alt.trim().is_empty() {
                                    out.images_without_alt.push(line);
                                }
                                Inline::Image { src, alt, file: String::new() }
                            }
                            _ => Inline::Text { text: String::new() },
                        };
                        push_inline(&mut stack, inline);
                    }
                }
                _ => {}
            },
            Event::Text(t) => {
                if let Some(Frame::Code { text }) = stack.last_mut() {
                    text.push_str(&t);
                } else {
                    push_inline(&mut stack, Inline::text(t.to_string()));
                }
            }
            Event::Code(t) => push_inline(&mut stack, Inline::Code { text: t.to_string() }),
            Event::Html(t) | Event::InlineHtml(t) => {
                out.raw_html.push(line);
                push_inline(&mut stack, Inline::text(t.trim_end_matches('\n').to_string()));
            }
            Event::SoftBreak => push_inline(&mut stack, Inline::text(" ")),
            Event::HardBreak => push_inline(&mut stack, Inline::Break),
            Event::Rule => push_block(&mut stack, &mut out, Block::Rule, line),
            Event::FootnoteReference(label) => push_inline(&mut stack, Inline::Link { href: format!("#fn:{label}"), content: vec![] }),
            Event::TaskListMarker(done) => push_inline(&mut stack, Inline::text(if done { "[x] " } else { "[ ] " })),
            Event::InlineMath(t) | Event::DisplayMath(t) => push_inline(&mut stack, Inline::Code { text: t.to_string() }),
        }
    }
    // Neutralised HTML blocks were collected as paragraphs; dedup the lines.
    out.raw_html.sort();
    out.raw_html.dedup();
    merge_text(&mut out.nodes);
    out
}

fn align_name(a: Option<&Alignment>) -> &'static str {
    match a {
        Some(Alignment::Right) => "right",
        Some(Alignment::Center) => "center",
        _ => "left",
    }
}

/// `[](#label)` is a paragraph reference, numbered later; other links stay links.
fn make_link(href: String, content: Vec<Inline>) -> Inline {
    let empty = content.iter().all(|i| matches!(i, Inline::Text { text } if text.trim().is_empty()));
    match href.strip_prefix('#') {
        Some(target) if empty && !target.starts_with("fn:") => Inline::Ref { target: target.to_string(), number: String::new() },
        _ => Inline::Link { href, content },
    }
}

fn open_inline(stack: &mut Vec<Frame>, kind: InlineKind) {
    ensure_inline(stack);
    stack.push(Frame::Inline { kind, content: vec![] });
}

/// Tight list items and footnotes carry inline text with no paragraph: open one.
fn ensure_inline(stack: &mut Vec<Frame>) {
    if !matches!(stack.last(), Some(Frame::Inline { .. })) {
        stack.push(Frame::Inline { kind: InlineKind::Implicit, content: vec![] });
    }
}

fn push_inline(stack: &mut Vec<Frame>, inline: Inline) {
    ensure_inline(stack);
    if let Some(Frame::Inline { content, .. }) = stack.last_mut() {
        content.push(inline);
    }
}

fn flush_implicit(stack: &mut Vec<Frame>) {
    if matches!(stack.last(), Some(Frame::Inline { kind: InlineKind::Implicit, .. })) {
        if let Some(Frame::Inline { content, .. }) = stack.pop() {
            let (content, label) = take_label(content);
            let block = Block::Para { number: None, id: label, content };
            match stack.last_mut() {
                Some(Frame::Item { blocks }) | Some(Frame::Quote { blocks }) | Some(Frame::Footnote { blocks, .. }) => blocks.push(block),
                _ => {}
            }
        }
    }
}

fn push_block(stack: &mut Vec<Frame>, out: &mut Parsed, block: Block, line: u32) {
    flush_implicit(stack);
    match stack.last_mut() {
        None => out.nodes.push(Node::Block { block, line }),
        Some(Frame::Item { blocks }) | Some(Frame::Quote { blocks }) | Some(Frame::Footnote { blocks, .. }) => blocks.push(block),
        Some(_) => {}
    }
}

/// A leading `{.class} ` marks a paragraph (`{.continued} And further ...`).
fn take_class(mut content: Vec<Inline>, class: &str) -> (Vec<Inline>, bool) {
    merge_inlines(&mut content);
    let tag = format!("{{.{class}}}");
    if let Some(Inline::Text { text }) = content.first_mut() {
        if let Some(rest) = text.strip_prefix(&tag) {
            *text = rest.trim_start().to_string();
            if text.is_empty() {
                content.remove(0);
            }
            return (content, true);
        }
    }
    (content, false)
}

/// A trailing `{#label}` names a paragraph for references: "... dictates. {#regulatory}".
fn take_label(mut content: Vec<Inline>) -> (Vec<Inline>, Option<String>) {
    merge_inlines(&mut content);
    if let Some(Inline::Text { text }) = content.last_mut() {
        let trimmed = text.trim_end();
        if let Some(start) = trimmed.rfind("{#") {
            if trimmed.ends_with('}') {
                let label = &trimmed[start + 2..trimmed.len() - 1];
                if !label.is_empty() && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
                    let label = label.to_string();
                    text.truncate(start);
                    let keep = text.trim_end().len();
                    text.truncate(keep);
                    if text.is_empty() {
                        content.pop();
                    }
                    return (content, Some(label));
                }
            }
        }
    }
    (content, None)
}

fn table_placeholder(content: &[Inline]) -> Option<String> {
    let text = crate::document::plain(content);
    let inner = text.trim().strip_prefix("[[table ")?.strip_suffix("]]")?;
    Some(inner.trim().to_string())
}

/// Adjacent text runs (split by the parser at quotes and entities) become one.
fn merge_inlines(content: &mut Vec<Inline>) {
    let mut merged: Vec<Inline> = Vec::with_capacity(content.len());
    for i in content.drain(..) {
        match (merged.last_mut(), i) {
            (Some(Inline::Text { text: a }), Inline::Text { text: b }) => a.push_str(&b),
            (_, Inline::Strong { mut content }) => {
                merge_inlines(&mut content);
                merged.push(Inline::Strong { content })
            }
            (_, Inline::Emph { mut content }) => {
                merge_inlines(&mut content);
                merged.push(Inline::Emph { content })
            }
            (_, Inline::Link { href, mut content }) => {
                merge_inlines(&mut content);
                merged.push(Inline::Link { href, content })
            }
            (_, other) => merged.push(other),
        }
    }
    *content = merged;
}

fn merge_text(nodes: &mut [Node]) {
    fn blocks(bs: &mut [Block]) {
        for b in bs {
            match b {
                Block::Para { content, .. } | Block::Heading { content, .. } => merge_inlines(content),
                Block::List { items, .. } => items.iter_mut().for_each(|i| blocks(&mut i.blocks)),
                Block::Quote { blocks: inner } => blocks(inner),
                Block::Table(t) => {
                    t.columns.iter_mut().for_each(|c| merge_inlines(&mut c.heading));
                    t.rows.iter_mut().flatten().for_each(|cell| blocks(cell));
                }
                _ => {}
            }
        }
    }
    for n in nodes {
        match n {
            Node::Heading { content, .. } => merge_inlines(content),
            Node::Block { block, .. } => blocks(std::slice::from_mut(block)),
            Node::DataTable { .. } => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paras(p: &Parsed) -> Vec<String> {
        p.nodes
            .iter()
            .filter_map(|n| match n {
                Node::Block { block: Block::Para { content, .. }, .. } => Some(crate::document::plain(content)),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn headings_and_paragraphs_with_lines() {
        let p = parse("## Commentary\n\n### Background\n\nFirst para.\n\nSecond\npara.\n", 10);
        assert!(matches!(&p.nodes[0], Node::Heading { level: 2, line: 10, .. }));
        assert!(matches!(&p.nodes[1], Node::Heading { level: 3, line: 12, .. }));
        assert!(matches!(&p.nodes[2], Node::Block { line: 14, .. }));
        assert_eq!(paras(&p), vec!["First para.", "Second para."]);
    }

    #[test]
    fn labels_and_references() {
        let p = parse("It is proposed. {#regulatory}\n\nSee paragraph [](#regulatory).\n", 1);
        match &p.nodes[0] {
            Node::Block { block: Block::Para { id, content, .. }, .. } => {
                assert_eq!(id.as_deref(), Some("regulatory"));
                assert_eq!(crate::document::plain(content), "It is proposed.");
            }
            other => panic!("{other:?}"),
        }
        match &p.nodes[1] {
            Node::Block { block: Block::Para { content, .. }, .. } => {
                assert!(content.iter().any(|i| matches!(i, Inline::Ref { target, .. } if target == "regulatory")));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn raw_html_becomes_text() {
        let p = parse("Hello <script>alert(1)</script> world\n\n<div>block</div>\n", 1);
        let all = paras(&p).join("|");
        assert!(all.contains("<script>alert(1)</script>"), "html kept as visible text: {all}");
        assert_eq!(p.raw_html, vec![1, 3]);
    }

    #[test]
    fn tight_lists_and_tables() {
        let p = parse("- one\n- two\n\n| A | B |\n|---|--:|\n| x | £1 |\n", 1);
        match &p.nodes[0] {
            Node::Block { block: Block::List { ordered: false, items }, .. } => assert_eq!(items.len(), 2),
            other => panic!("{other:?}"),
        }
        match &p.nodes[1] {
            Node::Block { block: Block::Table(t), .. } => {
                assert_eq!(t.columns[1].align, "right");
                assert_eq!(t.rows.len(), 1);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn table_placeholder_is_recognised() {
        let p = parse("[[table savings]]\n", 1);
        assert!(matches!(&p.nodes[0], Node::DataTable { key, .. } if key == "savings"));
    }
}
#[cfg(test)]
mod line_tests {
    #[test]
    fn leading_blank_line() {
        let p = super::parse("\n# A title\n\n## B\n", 9);
        let lines: Vec<u32> = p
            .nodes
            .iter()
            .map(|n| match n {
                super::Node::Heading { line, .. } => *line,
                _ => 0,
            })
            .collect();
        assert_eq!(lines, vec![10, 12]);
    }
}
