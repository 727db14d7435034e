//! Pass: YAML tables with money formatting and totals, and each column's longest
//! unbreakable text for paged layout.

use super::*;

/// Longest run of text that cannot be broken across lines in a column, for paged layout.
/// A token longer than `LONG_TOKEN` characters (a checksum, a URL) is broken into slices of
/// `TOKEN_SLICE` by the PDF templates, so a slice is its unit.
pub(super) fn weigh_tables(blocks: &mut [Block]) {
    for_each_block_mut(blocks, &mut |b| {
        if let Block::Table(t) = b {
            for i in 0..t.columns.len() {
                let mut texts = vec![plain(&t.columns[i].heading)];
                for row in &t.rows {
                    if let Some(cell) = row.get(i) {
                        for_each_block(cell, &mut |b| {
                            if let Block::Para { content, .. } | Block::Heading { content, .. } = b {
                                texts.push(plain(content));
                            }
                        });
                    }
                }
                if let Some(f) = t.footer.as_ref().and_then(|f| f.get(i)) {
                    texts.push(plain(f));
                }
                t.columns[i].min_text = longest_unit(texts.iter().map(String::as_str));
            }
        }
    });
}

/// Tokens at least this long are broken into slices in paged output.
pub const LONG_TOKEN: usize = 25;
pub const TOKEN_SLICE: usize = 8;

fn longest_unit<'a>(texts: impl Iterator<Item = &'a str>) -> String {
    let mut best = String::new();
    for word in texts.flat_map(str::split_whitespace) {
        let n = word.chars().count();
        let unit: String = if n >= LONG_TOKEN { word.chars().take(TOKEN_SLICE).collect() } else { word.to_string() };
        if unit.chars().count() > best.chars().count() {
            best = unit;
        }
    }
    best
}

pub(super) struct ReportTables<'a> {
    pub(super) front: &'a ReportFront,
    pub(super) file: &'a Path,
}

impl ReportTables<'_> {
    /// A YAML table as a document table: money formatted, totals computed.
    pub(super) fn build(&self, key: &str, line: u32) -> Result<Table, Diagnostic> {
        let Some(data) = self.front.tables.get(key) else {
            let keys: Vec<&str> = self.front.tables.iter().map(|(k, _)| k.value.as_str()).collect();
            let d = Diagnostic::error(Pos::new(self.file, line, 1), format!("no table `{key}` in the front matter")).field("tables");
            return Err(d.suggest(key, keys.iter().copied(), "define it under `tables:` with columns and rows"));
        };
        build_table(data, self.file, 1)
    }
}

pub fn build_table(data: &TableData, file: &Path, line_offset: u32) -> Result<Table, Diagnostic> {
    for row in &data.rows {
        for (k, _) in row.iter() {
            if !data.columns.iter().any(|c| c.key == k.value) {
                let keys: Vec<&str> = data.columns.iter().map(|c| c.key.as_str()).collect();
                let d = Diagnostic::error(spanned_pos(file, k, line_offset), format!("row has a value for `{}`, which is not a column", k.value))
                    .field(k.value.clone());
                return Err(d.suggest(&k.value, keys.iter().copied(), format!("columns: {}", keys.join(", "))));
            }
        }
    }
    for t in &data.total {
        if !data.columns.iter().any(|c| &c.key == t) {
            return Err(Diagnostic::error(Pos::file(file), format!("cannot total `{t}`: no such column")).field("total"));
        }
    }
    let columns = data
        .columns
        .iter()
        .map(|c| TableColumn {
            heading: vec![Inline::text(c.heading.clone())],
            align: if matches!(c.format, ColumnFormat::Money | ColumnFormat::Number | ColumnFormat::Percent) { "right" } else { "left" },
            min_text: String::new(),
        })
        .collect();
    let mut totals: BTreeMap<&str, f64> = BTreeMap::new();
    let mut left_out: Vec<String> = Vec::new();
    let rows = data
        .rows
        .iter()
        .map(|row| {
            data.columns
                .iter()
                .map(|c| {
                    let cell = row.get(&c.key);
                    let (text, value) = format_cell(cell, c.format);
                    if data.total.contains(&c.key) {
                        match value {
                            Some(v) => *totals.entry(c.key.as_str()).or_default() += v,
                            None if !text.is_empty() => left_out.push(text.clone()),
                            None => {}
                        }
                    }
                    match cell {
                        Some(Cell::List(items)) if c.format == ColumnFormat::Text => vec![Block::List {
                            ordered: false,
                            items: items
                                .iter()
                                .map(|i| ListItem { marker: None, id: None, blocks: vec![Block::Para { number: None, id: None, content: inline_markdown(i) }] })
                                .collect(),
                        }],
                        _ if text.is_empty() => vec![],
                        _ if c.format == ColumnFormat::Text => text_blocks(&text),
                        _ => vec![Block::Para { number: None, id: None, content: vec![Inline::text(text)] }],
                    }
                })
                .collect()
        })
        .collect();
    let footer = (!data.total.is_empty()).then(|| {
        data.columns
            .iter()
            .enumerate()
            .map(|(i, c)| {
                if let Some(v) = totals.get(c.key.as_str()) {
                    vec![Inline::Strong { content: vec![Inline::text(format_value(*v, c.format))] }]
                } else if data.total.contains(&c.key) {
                    vec![Inline::Strong { content: vec![Inline::text(format_value(0.0, c.format))] }]
                } else if i == 0 {
                    vec![Inline::Strong { content: vec![Inline::text(data.total_label.clone().unwrap_or_else(|| "Total".into()))] }]
                } else {
                    vec![]
                }
            })
            .collect()
    });
    let note = (!left_out.is_empty()).then(|| {
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for t in &left_out {
            *counts.entry(t.as_str()).or_default() += 1;
        }
        let parts: Vec<String> = counts.iter().map(|(t, n)| if *n == 1 { format!("one item marked {t}") } else { format!("{n} items marked {t}") }).collect();
        format!("The total leaves out {}.", parts.join(" and "))
    });
    Ok(Table { caption: data.caption.clone(), columns, rows, footer, note })
}

pub(super) fn format_value(v: f64, f: ColumnFormat) -> String {
    match f {
        ColumnFormat::Money => money::format_pounds(v),
        ColumnFormat::Percent => money::format_percent(v),
        _ => money::format_number(v),
    }
}

/// A cell's printed text and its numeric value (for totals).
pub(super) fn format_cell(cell: Option<&Cell>, f: ColumnFormat) -> (String, Option<f64>) {
    match (cell, f) {
        (None, _) => (String::new(), None),
        (Some(Cell::Number(n)), ColumnFormat::Text) => (money::format_number(*n), Some(*n)),
        (Some(Cell::Number(n)), f) => (format_value(*n, f), Some(*n)),
        // The author's own form ("£350k") is kept; the value still counts in totals.
        (Some(Cell::Text(t)), ColumnFormat::Money) => (t.clone(), money::parse_money(t)),
        (Some(Cell::Text(t)), _) => (t.clone(), t.trim().trim_end_matches('%').replace(',', "").parse().ok()),
        (Some(Cell::List(items)), _) => (items.join("; "), None),
    }
}
