//! Printed forms: dates, times, the Schedule 12A statement, short Markdown values and
//! Markdown fields, YAML names, and word counts.

use super::*;

pub const SCHEDULE_12A: &str = "Part 1 of Schedule 12A to the Local Government Act 1972";

pub fn exemption_statement(paragraphs: &[u8]) -> String {
    let list = match paragraphs {
        [one] => format!("paragraph {one}"),
        many => {
            let Some((last, rest)) = many.split_last() else { return String::from("Not for publication") };
            format!("paragraphs {} and {last}", rest.iter().map(u8::to_string).collect::<Vec<_>>().join(", "))
        }
    };
    format!("Not for publication by virtue of {list} of {SCHEDULE_12A}")
}

/// The exemption of Schedule 12A paragraphs `p` as a clerk lists them (in any order, once
/// or more): sorted, once each. An empty list, or a paragraph outside 1 to 7, is an error
/// at `pos` about `what` ("an exempt minute"), naming `field`.
pub(super) fn exemption_of(p: &[u8], pos: &Pos, what: &str, field: &str, diags: &mut Diagnostics) -> Exemption {
    if p.is_empty() || p.iter().any(|n| !(1..=7).contains(n)) {
        diags.push(
            Diagnostic::error(pos.clone(), format!("{what} needs the Schedule 12A paragraphs, 1 to 7"))
                .field(field)
                .hint("e.g. `[3]` for information about anyone's financial or business affairs"),
        );
    }
    let mut p = p.to_vec();
    p.sort_unstable();
    p.dedup();
    Exemption { statement: exemption_statement(&p), paragraphs: p, public_interest: None }
}

pub fn display_date(d: NaiveDate) -> String {
    format!("{} {}", d.day(), d.format("%B %Y"))
}

pub fn display_time(t: NaiveTime) -> String {
    let pm = t.format("%p").to_string() == "PM";
    let h = t.format("%-I").to_string();
    let suffix = if pm { "pm" } else { "am" };
    if t.format("%M").to_string() == "00" {
        format!("{h}{suffix}")
    } else {
        format!("{h}.{}{suffix}", t.format("%M"))
    }
}

pub(super) fn node_line(n: &Node) -> u32 {
    match n {
        Node::Heading { line, .. } | Node::Block { line, .. } | Node::DataTable { line, .. } => *line,
    }
}

/// The name a value has in YAML (`body`, `disclosable-pecuniary`, `cancelled`).
pub(super) fn yaml_name<T: serde::Serialize>(v: T) -> String {
    serde_json::to_value(v).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
}

/// A text field as the author gave it: trimmed, and `None` when blank.
pub(super) fn given(s: Option<&str>) -> Option<String> {
    s.map(str::trim).filter(|t| !t.is_empty()).map(str::to_string)
}

/// Markdown written in a YAML field (a minute's text, a decision's reasons) as blocks:
/// headings sit at level 3 or below, under the page's own; data tables have no place;
/// nothing is numbered.
pub(super) fn field_blocks(text: &str, line: u32, theme: &Theme) -> Vec<Block> {
    let parsed = markdown::parse_with(text, line, theme.scheme.typography.smart_punctuation);
    let mut blocks = Vec::new();
    for n in parsed.nodes {
        match n {
            Node::Block { block, .. } => blocks.push(block),
            Node::Heading { level, content, id, .. } => blocks.push(Block::Heading { level: level.max(3), number: None, id, content }),
            Node::DataTable { .. } => {}
        }
    }
    unnumbered(&mut blocks, &theme.scheme);
    blocks
}

pub(super) fn layout_name(l: FieldsLayout) -> String {
    match l {
        FieldsLayout::List => "list".into(),
        FieldsLayout::Table => "table".into(),
        FieldsLayout::Lines => "lines".into(),
    }
}

/// Inline Markdown (a recommendation, a field answer) as inline content.
pub fn inline_markdown(text: &str) -> Vec<Inline> {
    inline_markdown_with(text, true)
}

/// As `inline_markdown`, with smart punctuation as the theme says.
pub fn inline_markdown_with(text: &str, smart: bool) -> Vec<Inline> {
    let escaped = escape_block_start(text);
    let parsed = markdown::parse_with(&escaped, 1, smart);
    let mut out = Vec::new();
    for n in parsed.nodes {
        if let Node::Block { block: Block::Para { content, .. }, .. } = n {
            if !out.is_empty() {
                out.push(Inline::Break);
            }
            out.extend(content);
        }
    }
    out
}

/// A one-line value from YAML is inline text: "1. Economic Development" is a name, not
/// a list, and "# of staff" is not a heading. Escape what would start a block.
pub(super) fn escape_block_start(text: &str) -> String {
    let t = text.trim_start();
    let digits = t.chars().take_while(|c| c.is_ascii_digit()).count();
    let ordered = digits > 0 && t[digits..].starts_with(['.', ')']);
    let bullet = t.starts_with(['-', '*', '+']) && t[1..].starts_with(' ');
    if ordered {
        format!("{}\\{}", &t[..digits], &t[digits..])
    } else if bullet || t.starts_with('#') || t.starts_with('>') {
        format!("\\{t}")
    } else {
        text.to_string()
    }
}

/// Adjacent plain runs as one (where a pass split text to look inside it).
pub(super) fn merge_text_runs(v: Vec<Inline>) -> Vec<Inline> {
    let mut out: Vec<Inline> = Vec::new();
    for i in v {
        match (out.last_mut(), i) {
            (Some(Inline::Text { text: a }), Inline::Text { text: b }) => a.push_str(&b),
            (_, other) => out.push(other),
        }
    }
    out
}

pub(super) fn text_blocks(text: &str) -> Vec<Block> {
    if !text.trim().contains('\n') {
        return vec![Block::Para { number: None, id: None, content: inline_markdown(text) }];
    }
    let parsed = markdown::parse(text, 1);
    parsed.nodes.into_iter().filter_map(|n| if let Node::Block { block, .. } = n { Some(block) } else { None }).collect()
}

pub(super) fn count_words(blocks: &[Block]) -> usize {
    let mut n = 0;
    for_each_block(blocks, &mut |b| match b {
        Block::Para { content, .. } | Block::Heading { content, .. } => n += plain(content).split_whitespace().count(),
        Block::Fields { rows, .. } => n += rows.iter().map(|r| plain(&r.value).split_whitespace().count()).sum::<usize>(),
        _ => {}
    });
    n
}
