//! `agendum import`: a report drafted in the council's Word template becomes a report
//! source (front matter and Markdown) by the theme's `import:` map. The front stage's
//! way in from Word: what it writes is checked and built like any report an author
//! writes. What it cannot take faithfully (tracked changes, comments, styles the map does
//! not know, pictures without alt text, template instructions left in, text outside any
//! section) is refused, every case listed with its place, and nothing is written.

use std::collections::BTreeMap;

use agendum_docx::{Block as WBlock, Document, Para, Run, Table};
use serde_json::{json, Map, Value};

use crate::diag::{Diagnostic, Diagnostics, Pos};
use crate::money::parse_money;
use crate::numbering::slugify;
use crate::theme::{
    normalise_heading, HeaderKey, ParagraphNumbering, SectionKind, SectionScheme, TableRole, ThemeScheme, WORD_BODY_STYLES, WORD_FURNITURE_STYLES,
};

/// A report made from a Word document.
#[derive(Debug)]
pub struct Imported {
    pub title: String,
    /// The file name's stem: the title as a slug.
    pub slug: String,
    /// The report file: front matter and Markdown.
    pub text: String,
    /// Files the report refers to (pictures, Markdown appendices), by file name in the
    /// meeting's folder.
    pub files: Vec<(String, Vec<u8>)>,
    /// What the clerk should know (appendices to attach); not refusals.
    pub notes: Vec<String>,
    /// The date the document gives (its header's Date row or masthead line), if any.
    pub date: Option<chrono::NaiveDate>,
}

/// Something in the document the import will not take, and where.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// "paragraph 12 (“The two councils…”)" or "the table after paragraph 4".
    pub place: String,
    pub message: String,
    pub hint: Option<String>,
}

pub struct Options {
    /// Accept every tracked change (insertions in, deletions out) instead of refusing.
    pub accept_changes: bool,
}

/// What `agendum import` did.
pub struct ImportReport {
    /// The report file written, relative to the site.
    pub report: std::path::PathBuf,
    pub files: Vec<String>,
    pub added_to_agenda: bool,
    pub slug: String,
    pub notes: Vec<String>,
}

/// `agendum import`: read the Word file, convert it by the site theme's map, and put the
/// report into the meeting (as item `item`, or last). Every refusal comes back at once,
/// each naming its place in the document; then nothing is written.
pub fn import_file(
    site: &crate::Site,
    docx: &std::path::Path,
    meeting: &str,
    item: Option<u32>,
    opts: &Options,
    supplementary: Option<chrono::NaiveDate>,
) -> Result<ImportReport, Diagnostics> {
    let shown = docx.display().to_string();
    let bytes = std::fs::read(docx).map_err(|e| Diagnostic::error(Pos::file(&shown), format!("cannot read: {e}")))?;
    let doc = agendum_docx::read(&bytes).map_err(|e| Diagnostic::error(Pos::file(&shown), e).hint("save the report from Word as a Word Document (.docx)"))?;
    let imported = convert(&doc, &site.theme.scheme, opts).map_err(|problems| {
        Diagnostics(
            problems
                .into_iter()
                .map(|p| {
                    let d = Diagnostic::error(Pos::file(&shown), format!("{}: {}", p.place, p.message));
                    match p.hint {
                        Some(h) => d.hint(h),
                        None => d,
                    }
                })
                .collect(),
        )
    })?;
    let made = crate::scaffold::add_report(&site.root, meeting, &imported.slug, &imported.text, &imported.files, supplementary, item)?;
    let mut notes = imported.notes;
    // A template's date left from an earlier meeting would print on the report.
    if let (Some(said), Some(held)) = (imported.date, made.meeting_date) {
        if said != held {
            notes.push(format!(
                "the document is dated {}; the meeting is on {}: the report keeps the document's date (`date:` in {}), delete it to use the meeting's",
                said.format("%-d %B %Y"),
                held.format("%-d %B %Y"),
                made.report.display()
            ));
        }
    }
    Ok(ImportReport {
        report: made.report,
        files: imported.files.iter().map(|(n, _)| n.clone()).collect(),
        added_to_agenda: made.added_to_agenda,
        slug: imported.slug,
        notes,
    })
}

/// Where a paragraph is, as a clerk finds it in Word: its number and its first words.
fn place(p: &Para) -> String {
    let words = one_line(&p.text());
    let short: String = words.chars().take(40).collect();
    if short.is_empty() {
        format!("paragraph {}", p.number)
    } else if short.len() < words.len() {
        format!("paragraph {} (“{short}…”)", p.number)
    } else {
        format!("paragraph {} (“{short}”)", p.number)
    }
}

/// What a paragraph style is to the import.
#[derive(Debug, Clone, PartialEq)]
enum Role {
    /// A header value in a masthead line: the header key.
    Header(String),
    /// A recommendation, wherever it stands.
    Recommendation,
    Title,
    Heading,
    Subheading,
    Body,
    Numbered,
    Ignore,
    Unknown,
}

/// A section being gathered: the scheme's section it names (or `None`: the report's own).
struct Gathered<'a> {
    scheme: Option<&'a SectionScheme>,
    heading: String,
    paras: Vec<Item>,
}

/// A paragraph or table of a section, as the section's kind reads it.
enum Item {
    Para {
        md: String,
        text: String,
        list: Option<(u8, bool)>,
    },
    /// A table's caption (Word's "Caption" or "Table Caption" style), for the table after.
    Caption(String),
    Sub(String),
    /// Plain text and Markdown of the cells, where it is, and what the map says it is.
    Table(Vec<Vec<String>>, Vec<Vec<String>>, String, Option<TableRole>),
}

struct Appendix {
    id: String,
    title: String,
    md: Vec<String>,
}

struct Importer<'a> {
    scheme: &'a ThemeScheme,
    doc: &'a Document,
    opts: &'a Options,
    problems: Vec<Problem>,
    title: Option<String>,
    front: Map<String, Value>,
    header: Map<String, Value>,
    sections: Vec<Gathered<'a>>,
    appendices: Vec<Appendix>,
    images: Vec<(String, Vec<u8>)>,
    tables: Map<String, Value>,
    footnotes: Vec<String>,
    unknown_styles: BTreeMap<String, Vec<String>>,
    /// The text before the first section (masthead, header), by place: a Part 2 marking
    /// there must be read, never dropped.
    before_sections: Vec<(String, String)>,
    /// Header values from paragraph styles: key, lines, where.
    header_lines: Vec<(String, Vec<String>, String)>,
    prev_header: Option<String>,
    /// Recommendations in their own style, with their list level.
    styled_recommendations: Vec<(String, u8)>,
}

/// Convert a Word document by the theme's map. `Err` lists every problem found.
pub fn convert(doc: &Document, scheme: &ThemeScheme, opts: &Options) -> Result<Imported, Vec<Problem>> {
    let mut im = Importer {
        scheme,
        doc,
        opts,
        problems: Vec::new(),
        title: None,
        front: Map::new(),
        header: Map::new(),
        sections: Vec::new(),
        appendices: Vec::new(),
        images: Vec::new(),
        tables: Map::new(),
        footnotes: Vec::new(),
        unknown_styles: BTreeMap::new(),
        before_sections: Vec::new(),
        header_lines: Vec::new(),
        prev_header: None,
        styled_recommendations: Vec::new(),
    };
    for block in &doc.blocks {
        match block {
            WBlock::Para(p) => im.para(p),
            WBlock::Table(t) => im.table(t),
        }
    }
    // Comments whose anchor the body does not show (a range starting between
    // paragraphs): refused all the same.
    let anchored: std::collections::BTreeSet<&String> = doc
        .blocks
        .iter()
        .flat_map(|b| match b {
            WBlock::Para(p) => p.comments.iter().collect::<Vec<_>>(),
            WBlock::Table(t) => t.rows.iter().flatten().flatten().flat_map(|p| p.comments.iter()).collect(),
        })
        .collect();
    for c in doc.comments.iter().filter(|c| !anchored.contains(&c.id)) {
        let by = c.author.as_deref().map(|a| format!(" from {a}")).unwrap_or_default();
        im.problem(
            "the document".into(),
            format!("a comment{by}: “{}”", c.text),
            Some("resolve and delete the comments in Word (Review > Delete All Comments) before importing"),
        );
    }
    for (style, places) in std::mem::take(&mut im.unknown_styles) {
        let n = places.len();
        let shown: Vec<String> = places.iter().take(5).cloned().collect();
        im.problems.push(Problem {
            place: shown.join("; ") + if n > 5 { format!("; and {} more", n - 5) } else { String::new() }.as_str(),
            message: format!("the paragraph style “{style}” is not in the theme's import map"),
            hint: Some(format!(
                "say what it is in `import:` of themes/{}/theme.yaml (body, headings, subheadings, numbered or ignore), or give these paragraphs one of the template's styles",
                scheme.name
            )),
        });
    }
    im.finish()
}

impl<'a> Importer<'a> {
    fn role(&self, style: &str) -> Role {
        let map = &self.scheme.import;
        let has = |list: &[String]| list.iter().any(|s| s.eq_ignore_ascii_case(style));
        if let Some((_, key)) = map.header_styles.iter().find(|(s, _)| s.eq_ignore_ascii_case(style)) {
            Role::Header(key.clone())
        } else if has(&map.recommendations) {
            Role::Recommendation
        } else if has(&map.ignore) || WORD_FURNITURE_STYLES.iter().any(|s| s.eq_ignore_ascii_case(style)) {
            Role::Ignore
        } else if has(&map.title) {
            Role::Title
        } else if has(&map.headings) {
            Role::Heading
        } else if has(&map.subheadings) {
            Role::Subheading
        } else if has(&map.numbered) {
            Role::Numbered
        } else if has(&map.body) || WORD_BODY_STYLES.iter().any(|s| s.eq_ignore_ascii_case(style)) {
            Role::Body
        } else {
            Role::Unknown
        }
    }

    fn problem(&mut self, place: String, message: impl Into<String>, hint: Option<&str>) {
        self.problems.push(Problem { place, message: message.into(), hint: hint.map(str::to_string) });
    }

    /// What every paragraph is checked for, wherever it is (table cells too).
    fn hygiene(&mut self, p: &Para, pictures: bool) {
        if !p.changes.is_empty() && !self.opts.accept_changes {
            let what: Vec<String> = p
                .changes
                .iter()
                .map(|c| {
                    let by = c.author.as_deref().map(|a| format!(" by {a}")).unwrap_or_default();
                    match (c.formatting, c.text.trim().is_empty()) {
                        (true, true) => format!("a change of formatting or of a paragraph break{by}"),
                        _ => format!("{} “{}”{by}", if c.inserted { "inserted" } else { "deleted" }, c.text.trim()),
                    }
                })
                .collect();
            self.problem(
                place(p),
                format!("tracked changes not accepted or rejected: {}", what.join(", ")),
                Some("accept or reject them in Word (Review > Accept/Reject), or import with --accept-changes to accept them all"),
            );
        }
        for id in &p.comments {
            let c = self.doc.comments.iter().find(|c| &c.id == id);
            let text = c.map(|c| c.text.clone()).unwrap_or_default();
            let by = c.and_then(|c| c.author.clone()).map(|a| format!(" from {a}")).unwrap_or_default();
            self.problem(
                place(p),
                format!("a comment{by}: “{text}”"),
                Some("resolve and delete the comments in Word (Review > Delete All Comments) before importing"),
            );
        }
        for img in p.images.iter().filter(|_| pictures) {
            if img.alt.is_none() {
                self.problem(
                    place(p),
                    format!("a picture without alt text{}", img.name.as_deref().map(|n| format!(" (“{n}”)")).unwrap_or_default()),
                    Some("in Word, right-click the picture > View Alt Text, and say what it shows; or mark it decorative and remove it"),
                );
            }
        }
        let lower = p.text().to_lowercase();
        if let Some(ph) = self.scheme.import.placeholders.iter().find(|ph| !ph.is_empty() && lower.contains(&ph.to_lowercase())) {
            self.problem(place(p), format!("a template instruction is left in (“{ph}”)"), Some("replace it with the report's text, or delete it"));
        }
    }

    /// Runs as Markdown: bold, italic, links, footnotes; tracked changes accepted (only
    /// reached with --accept-changes or none present).
    fn inline(&mut self, runs: &[Run]) -> String {
        let mut out = String::new();
        for r in runs.iter().filter(|r| !r.deleted) {
            if let Some(id) = &r.footnote {
                if let Some(text) = self.doc.footnotes.get(id) {
                    self.footnotes.push(escape(text));
                    out.push_str(&format!("[^{}]", self.footnotes.len()));
                }
                continue;
            }
            let text = escape(&r.text.replace(['\t', '\n'], " "));
            let core = text.trim();
            if core.is_empty() {
                out.push_str(&text);
                continue;
            }
            let (lead, trail) = (&text[..text.len() - text.trim_start().len()], &text[text.trim_end().len()..]);
            let mut s = core.to_string();
            if r.italic {
                s = format!("*{s}*");
            }
            if r.bold {
                s = format!("**{s}**");
            }
            // A link to a bookmark in the Word file ("#_Toc123") has nowhere to go on the
            // page: its text stays, plain.
            if let Some(link) = r.link.as_ref().filter(|l| !l.starts_with('#')) {
                s = format!("[{s}](<{}>)", link.replace(['<', '>'], ""));
            }
            out.push_str(lead);
            out.push_str(&s);
            out.push_str(trail);
        }
        one_line(&out)
    }

    fn para(&mut self, p: &'a Para) {
        let role = self.role(&p.style);
        // A picture in the template's furniture (a logo by the masthead) is dropped with
        // it: only its other faults count.
        self.hygiene(p, role != Role::Ignore);
        let text = p.text();
        if text.trim().is_empty() && p.images.is_empty() {
            return; // blank lines and page breaks
        }
        // The header style of the paragraph before, if it had one.
        let previous = std::mem::replace(&mut self.prev_header, if let Role::Header(k) = &role { Some(k.clone()) } else { None });
        // (The title is not a marking: "Confidential Waste Collection" is a public report.)
        if self.sections.is_empty() && self.appendices.is_empty() && role != Role::Title {
            self.before_sections.push((place(p), one_line(&text)));
        }
        match role {
            // Lines of one value in a row ("Name", "Role", "Tel") are read together.
            Role::Header(key) => match self.header_lines.last_mut() {
                Some((k, lines, _)) if *k == key && previous.as_deref() == Some(key.as_str()) => lines.push(text.clone()),
                _ => self.header_lines.push((key, vec![text.clone()], place(p))),
            },
            Role::Recommendation => {
                let md = strip_item_marker(&strip_typed_number(&self.inline(&p.runs)));
                self.styled_recommendations.push((md, p.list.as_ref().map_or(0, |l| l.level)));
            }
            Role::Ignore => {}
            Role::Unknown => self.unknown_styles.entry(p.style.clone()).or_default().push(place(p)),
            Role::Title => {
                if self.title.is_none() {
                    self.title = Some(one_line(&text));
                }
            }
            Role::Heading | Role::Subheading => self.heading(p, role == Role::Heading),
            // A heading typed as a body paragraph ("3. COMMENTARY" in bold Normal): its
            // text names a section of the template and it looks like a heading.
            Role::Body if self.typed_heading(p) => self.heading(p, true),
            Role::Body | Role::Numbered => self.body(p, role == Role::Numbered),
        }
    }

    fn heading(&mut self, p: &'a Para, top: bool) {
        let text = strip_heading_number(&one_line(&p.text()));
        // "Appendix 1 – Title" (also "Appendix A: Title") starts an appendix.
        if let Some((id, title)) = appendix_heading(&text) {
            self.appendices.push(Appendix { id, title, md: Vec::new() });
            return;
        }
        if let Some(a) = self.appendices.last_mut() {
            let hashes = if top { "##" } else { "###" };
            a.md.push(format!("{hashes} {}", escape(&text)));
            return;
        }
        let named = self.section_named(&text);
        if !top || (named.is_none() && self.sections.is_empty() && self.title.is_none()) {
            match self.sections.last_mut() {
                Some(s) if !top => s.paras.push(Item::Sub(text)),
                _ if self.title.is_none() => self.title = Some(text),
                _ => self.problem(place(p), "a sub-heading before any section", Some("start the report's text with one of the template's section headings")),
            }
            return;
        }
        self.sections.push(Gathered { scheme: named, heading: text, paras: Vec::new() });
    }

    /// A body paragraph that is a section's heading in all but style: its whole text
    /// names one of the template's sections (or an appendix), and it is set as headings
    /// are (bold throughout, or in capitals, or numbered "3.").
    fn typed_heading(&self, p: &Para) -> bool {
        if p.list.as_ref().is_some_and(|l| !l.is_bullet() && l.text.matches('%').count() > 1) || p.list.as_ref().is_some_and(|l| l.is_bullet()) {
            return false;
        }
        let raw = one_line(&p.text());
        let text = strip_heading_number(&raw);
        if text.split_whitespace().count() > 12 || text.is_empty() {
            return false;
        }
        let shown: Vec<&Run> = p.runs.iter().filter(|r| !r.deleted && !r.text.trim().is_empty()).collect();
        let bold = !shown.is_empty() && shown.iter().all(|r| r.bold);
        let capitals = text.chars().any(char::is_alphabetic) && !text.chars().any(char::is_lowercase);
        let numbered = raw != text;
        (bold || capitals || numbered) && (self.section_named(&text).is_some() || appendix_heading(&text).is_some_and(|(_, t)| !t.is_empty()))
    }

    fn section_named(&self, text: &str) -> Option<&'a SectionScheme> {
        let scheme: &'a ThemeScheme = self.scheme;
        let norm = normalise_heading(text);
        if let Some(key) = scheme.import.sections.iter().find(|(h, _)| normalise_heading(h) == norm).map(|(_, k)| k) {
            return scheme.section(key);
        }
        scheme.match_heading(text, None)
    }

    fn body(&mut self, p: &'a Para, numbered_style: bool) {
        // Word's automatic paragraph numbering (a numbered style, or a multi-level
        // "3.1" list) is agendum's to give; other lists stay lists.
        let list = p.list.as_ref();
        let outline = numbered_style || list.is_some_and(|l| l.text.matches('%').count() > 1);
        let mut md = self.inline(&p.runs);
        // A number typed before the text is agendum's to give too: never both.
        if self.scheme.numbering.paragraphs != ParagraphNumbering::None || outline {
            md = strip_typed_number(&md);
        }
        md = escape_line_start(&md);
        for pic in self.pictures(p) {
            md = if md.is_empty() { pic } else { format!("{md}\n\n{pic}") };
        }
        if md.trim().is_empty() {
            return;
        }
        let text = strip_typed_number(&one_line(&p.text()));
        let caption = p.images.is_empty() && matches!(p.style.to_lowercase().as_str(), "caption" | "table caption");
        if let (true, Some(s)) = (caption && self.appendices.is_empty(), self.sections.last_mut()) {
            s.paras.push(Item::Caption(md));
            return;
        }
        if let Some(a) = self.appendices.last_mut() {
            a.md.push(list_line(&md, list.filter(|_| !outline).map(|l| (l.level, l.is_bullet()))));
            return;
        }
        match self.sections.last_mut() {
            Some(s) => s.paras.push(Item::Para { md, text, list: list.filter(|_| !outline).map(|l| (l.level, l.is_bullet())) }),
            None => self.problem(
                place(p),
                "text before any section heading",
                Some("put it under one of the template's section headings, or give the template's masthead lines a style the map ignores"),
            ),
        }
    }

    /// A paragraph's pictures (those with alt text and bytes; the others are refused by
    /// `hygiene`) as Markdown images, each written out as `<slug>/figure-N.<ext>`.
    fn pictures(&mut self, p: &Para) -> Vec<String> {
        let mut out = Vec::new();
        for img in &p.images {
            let Some(alt) = &img.alt else { continue };
            if img.data.is_empty() {
                continue;
            }
            let ext = img.part.as_deref().and_then(|p| p.rsplit_once('.')).map(|(_, e)| e.to_lowercase()).unwrap_or_else(|| "png".into());
            let name = format!("{{slug}}/figure-{}.{ext}", self.images.len() + 1);
            self.images.push((name.clone(), img.data.clone()));
            out.push(format!("![{}]({name})", escape(alt)));
        }
        out
    }

    /// Each cell's paragraphs as Markdown (pictures included), checked as any paragraph.
    fn cells(&mut self, t: &Table) -> Vec<Vec<String>> {
        let mut rows = Vec::new();
        for row in &t.rows {
            let mut cells = Vec::new();
            for cell in row {
                let mut parts = Vec::new();
                for p in cell {
                    self.hygiene(p, true);
                    parts.push(self.inline(&p.runs));
                    parts.extend(self.pictures(p));
                }
                parts.retain(|s| !s.is_empty());
                cells.push(parts.join(" "));
            }
            rows.push(cells);
        }
        rows
    }

    fn table(&mut self, t: &'a Table) {
        let place = format!("the table after paragraph {}", t.after_paragraph);
        let plain: Vec<Vec<String>> =
            t.rows.iter().map(|r| r.iter().map(|c| c.iter().map(|p| one_line(&p.text())).collect::<Vec<_>>().join(" ").trim().to_string()).collect()).collect();
        if self.appendices.last().is_some() {
            let md = self.cells(t);
            let table = markdown_table(&md);
            if let Some(a) = self.appendices.last_mut() {
                a.md.push(table);
            }
            return;
        }
        let role = t.style.as_deref().and_then(|st| self.scheme.import.tables.iter().find(|(k, _)| k.eq_ignore_ascii_case(st)).map(|(_, r)| *r));
        match self.sections.last_mut() {
            Some(_) if role == Some(TableRole::Header) => {
                self.header_cells_hygiene(t);
                self.header_table(&plain, &place)
            }
            Some(_) => {
                let md = self.cells(t);
                if let Some(s) = self.sections.last_mut() {
                    s.paras.push(Item::Table(plain, md, place, role));
                }
            }
            // Before any section: the header table.
            None => {
                self.header_cells_hygiene(t);
                let marked: Vec<(String, String)> = plain
                    .iter()
                    .filter(|r| r.first().and_then(|l| self.header_key(l.trim().trim_end_matches(':'))).as_deref() != Some("title"))
                    .map(|r| (place.clone(), r.join(" ")))
                    .collect();
                self.before_sections.extend(marked);
                self.header_table(&plain, &place)
            }
        }
    }

    /// A header table's words are checked like any (a logo in it goes with the template's
    /// furniture: it needs no alt text).
    fn header_cells_hygiene(&mut self, t: &Table) {
        for p in t.rows.iter().flatten().flatten() {
            self.hygiene(p, false);
        }
    }

    /// The header table: each row a label and its value, to the front matter.
    fn header_table(&mut self, rows: &[Vec<String>], place: &str) {
        for row in rows {
            let label = row.first().map(|l| l.trim().trim_end_matches(':').trim().to_string()).unwrap_or_default();
            let value = row.iter().skip(1).map(|c| c.trim()).filter(|c| !c.is_empty()).collect::<Vec<_>>().join("\n");
            if label.is_empty() && value.is_empty() {
                continue;
            }
            // A row that is a decision type on its own ("Non-Key Decision").
            if value.is_empty() && decision_words(&label).is_some() {
                self.set_header("decision_type", &label, place);
                continue;
            }
            match self.header_key(&label) {
                Some(key) => self.set_header(&key, &value, place),
                None => self.problem(
                    format!("{place}, row “{label}”"),
                    "a header row the theme's import map does not know",
                    Some("add the label under `import: header:` in the theme (label: header key), or remove the row"),
                ),
            }
        }
    }

    /// The header key a row's label names: the import map's, the theme's header rows'
    /// labels and keys, and the built-in keys' usual labels.
    fn header_key(&self, label: &str) -> Option<String> {
        let norm = normalise_heading(label);
        if norm.is_empty() {
            return None;
        }
        if let Some((_, k)) = self.scheme.import.header.iter().find(|(l, _)| normalise_heading(l) == norm) {
            return Some(k.clone());
        }
        for f in &self.scheme.header.fields {
            let shown = f.label.clone().or_else(|| f.builtin().map(|k| k.default_label().to_string())).unwrap_or_default();
            if normalise_heading(&shown) == norm || normalise_heading(f.name()) == norm {
                return Some(f.name().to_string());
            }
        }
        HeaderKey::ALL.iter().find(|k| normalise_heading(k.default_label()) == norm || normalise_heading(&k.name()) == norm).map(|k| k.name())
    }

    fn set_header(&mut self, key: &str, value: &str, place: &str) {
        let text = one_line(value);
        if text.is_empty() {
            return;
        }
        let at = format!("{place}, row “{key}”");
        match HeaderKey::from_name(key) {
            Some(HeaderKey::Title) => {
                if self.title.is_none() {
                    self.title = Some(text)
                }
            }
            // The agenda gives the committee and the item number.
            Some(HeaderKey::Committee | HeaderKey::Item) => {}
            Some(HeaderKey::Date) => match parse_shown_date(&text) {
                Some(d) => {
                    self.front.insert("date".into(), json!(d));
                }
                None => self.problem(at, format!("“{text}” is not a date agendum can read"), Some("write the date as in “18 April 2012”")),
            },
            Some(HeaderKey::ContactOfficer) => {
                self.front.insert("contact_officer".into(), contact(value));
            }
            Some(HeaderKey::Wards) => {
                let wards: Vec<String> = value.split([',', ';', '\n']).map(|w| w.trim().trim_end_matches('.').to_string()).filter(|w| !w.is_empty()).collect();
                self.front.insert("wards".into(), if wards.len() == 1 { json!(wards[0]) } else { json!(wards) });
            }
            Some(HeaderKey::DecisionType | HeaderKey::KeyDecision) => match decision_words(&text) {
                Some(d) => {
                    let entry = self.front.entry("decision").or_insert_with(|| json!({}));
                    if let (Some(obj), Value::Object(new)) = (entry.as_object_mut(), d) {
                        obj.extend(new);
                    }
                }
                None => self.problem(
                    at,
                    format!("“{text}” does not say what kind of decision"),
                    Some("write e.g. “Key Decision”, “Non-Key Decision”, “Non-Urgent, Executive”"),
                ),
            },
            Some(HeaderKey::Purpose) => {
                let lower = text.to_lowercase();
                let purpose = if lower.contains("information") {
                    "information"
                } else if lower.contains("noting") || lower.contains("note") {
                    "noting"
                } else {
                    "decision"
                };
                self.front.insert("purpose".into(), json!(purpose));
            }
            Some(HeaderKey::Part) => {
                let lower = text.to_lowercase();
                if lower.contains("part 2") || lower.contains("part ii") || lower.contains("exempt") || lower.contains("confidential") {
                    let paragraphs = schedule_12a_paragraphs(&lower);
                    if paragraphs.is_empty() {
                        self.problem(
                            at,
                            "the report is marked exempt but names no paragraph of Schedule 12A",
                            Some("write the paragraphs, e.g. “Part 2 – exempt under paragraph 3 of Schedule 12A”"),
                        );
                    } else {
                        let exempt = self.front.entry("exempt").or_insert_with(|| json!({}));
                        if let Some(e) = exempt.as_object_mut() {
                            e.insert("paragraphs".into(), json!(paragraphs));
                        }
                    }
                }
            }
            Some(k) => {
                self.front.insert(k.name(), json!(text));
            }
            // The public-interest test of an exempt report (a row some templates carry).
            None if key == "public_interest" => {
                let exempt = self.front.entry("exempt").or_insert_with(|| json!({}));
                if let Some(e) = exempt.as_object_mut() {
                    e.insert("public_interest".into(), json!(text));
                }
            }
            None => {
                self.header.insert(key.to_string(), if value.contains('\n') { json!(value.lines().map(str::trim).collect::<Vec<_>>()) } else { json!(text) });
            }
        }
    }

    fn finish(mut self) -> Result<Imported, Vec<Problem>> {
        for (key, lines, at) in std::mem::take(&mut self.header_lines) {
            self.set_header(&key, &lines.join("\n"), &at);
        }
        // A document that says it is exempt is imported as exempt or not at all: a
        // marking in a masthead style the map ignores, or in words the header rows did
        // not carry, would otherwise publish Part 2 text.
        if self.front.get("exempt").is_none_or(|e| e.get("paragraphs").is_none()) {
            let furniture = self.doc.furniture.iter().map(|t| ("the page header or footer".to_string(), t.clone()));
            let marked = self.before_sections.iter().cloned().chain(furniture).find(|(_, t)| says_exempt(t));
            if let Some((at, text)) = marked {
                self.problem(
                    at,
                    format!("the document says it is not for publication (“{text}”) but no Schedule 12A paragraph was read from it"),
                    Some("give the Part row (or masthead line) the paragraphs, e.g. “Part 2 – exempt under paragraph 3 of Schedule 12A”, and map it (`import: header_styles:` or `header:`)"),
                );
            }
        }
        let Some(title) = self.title.clone() else {
            self.problem("the document".into(), "no title found", Some("give the title the template's Title style, or a `Title` row in the header table"));
            return Err(self.problems);
        };
        if self.sections.is_empty() {
            self.problem("the document".into(), "no section heading found", Some("the theme's import map names the heading styles (`import: headings:`)"));
        }
        let slug = slugify(&title);
        if slug.is_empty() {
            self.problem(
                "the document".into(),
                format!("the title “{title}” has no letters or digits to name the report's file"),
                Some("give the report a title in words"),
            );
        }
        let mut body = String::new();
        let sections = std::mem::take(&mut self.sections);
        for s in &sections {
            match s.scheme.map(|sc| sc.kind) {
                None | Some(SectionKind::Prose) | Some(SectionKind::Body) => {
                    let heading = match s.scheme {
                        Some(sc) if normalise_heading(&sc.heading) == normalise_heading(&s.heading) => s.heading.clone(),
                        Some(sc) => format!("{} {{#{}}}", s.heading, sc.key),
                        None => s.heading.clone(),
                    };
                    body.push_str(&format!("\n## {}\n\n", escape_heading(&heading)));
                    body.push_str(&self.prose(&s.paras));
                }
                Some(kind) => self.generated(s, kind),
            }
        }
        // Recommendations in their own style join those under the heading.
        if !self.styled_recommendations.is_empty() {
            let recs = self.front.entry("recommendations").or_insert_with(|| json!([]));
            if let Some(list) = recs.as_array_mut() {
                for (md, level) in std::mem::take(&mut self.styled_recommendations) {
                    push_recommendation(list, md, level);
                }
            }
        }
        if !self.footnotes.is_empty() {
            body.push('\n');
            for (i, f) in self.footnotes.iter().enumerate() {
                body.push_str(&format!("[^{}]: {f}\n", i + 1));
            }
        }
        let mut files: Vec<(String, Vec<u8>)> = std::mem::take(&mut self.images).into_iter().map(|(n, b)| (n.replace("{slug}", &slug), b)).collect();
        body = body.replace("{slug}/figure-", &format!("{slug}/figure-"));
        let mut notes = Vec::new();
        // Appendices: written out from the document, or listed to attach.
        let listed: Vec<(String, String)> = match self.front.remove("appendices") {
            Some(Value::Array(a)) => a.iter().filter_map(|v| Some((v["id"].as_str()?.to_string(), v["title"].as_str()?.to_string()))).collect(),
            _ => Vec::new(),
        };
        let mut entries = Vec::new();
        for a in &self.appendices {
            let file = format!("{slug}/appendix-{}.md", slugify(&a.id));
            let title =
                if a.title.is_empty() { listed.iter().find(|(id, _)| id == &a.id).map(|(_, t)| t.clone()).unwrap_or_default() } else { a.title.clone() };
            files.push((file.clone(), (a.md.join("\n\n") + "\n").replace("{slug}/figure-", "figure-").into_bytes()));
            entries.push(json!({ "id": a.id, "title": title, "file": file }));
        }
        for (id, t) in listed.iter().filter(|(id, _)| !self.appendices.iter().any(|a| &a.id == id)) {
            let file = format!("{slug}/appendix-{}.pdf", slugify(id));
            notes.push(format!("Appendix {id} ({t}) is not in the document: put it in the meeting's folder as {file} (a PDF/A), or change `appendices:`"));
            entries.push(json!({ "id": id, "title": t, "file": file, "alt": format!("TODO: what Appendix {id} shows, in words") }));
        }
        if !entries.is_empty() {
            self.front.insert("appendices".into(), Value::Array(entries));
        }
        if !self.problems.is_empty() {
            return Err(self.problems);
        }
        let mut front = std::mem::take(&mut self.front);
        front.insert("title".into(), json!(title));
        if !self.header.is_empty() {
            front.insert("header".into(), Value::Object(std::mem::take(&mut self.header)));
        }
        if !self.tables.is_empty() {
            front.insert("tables".into(), Value::Object(std::mem::take(&mut self.tables)));
        }
        // The front matter in the order a report's author writes it.
        let mut yaml_text = String::new();
        let mut keys: Vec<&String> = front.keys().collect();
        keys.sort_by_key(|k| FRONT_ORDER.iter().position(|o| o == k).unwrap_or(FRONT_ORDER.len()));
        for k in keys {
            let mut one = Map::new();
            one.insert(k.clone(), front[k].clone());
            yaml_text.push_str(&yaml(&Value::Object(one), 0));
        }
        while body.contains("\n\n\n") {
            body = body.replace("\n\n\n", "\n\n");
        }
        let text = format!("---\n# Imported from Word by `agendum import`.\n{yaml_text}---\n{body}");
        let date = front.get("date").and_then(Value::as_str).and_then(|d| crate::model::parse_date(d).ok());
        Ok(Imported { title, slug, text, files, notes, date })
    }

    /// A prose section's Markdown: paragraphs, lists (nested), sub-headings and tables.
    fn prose(&mut self, items: &[Item]) -> String {
        let mut out = String::new();
        let mut in_list = false;
        for (i, item) in items.iter().enumerate() {
            match item {
                // A caption goes with the table after it, or stands as a paragraph.
                Item::Caption(_) if matches!(items.get(i + 1), Some(Item::Table(..))) => continue,
                Item::Caption(c) => out.push_str(&format!("{}{c}\n", if in_list { "\n" } else { "" })),
                Item::Para { md, list: Some((level, bullet)), .. } => {
                    out.push_str(&list_item(md, *level, *bullet));
                    in_list = true;
                    continue;
                }
                Item::Para { md, .. } => out.push_str(&format!("{}{md}\n", if in_list { "\n" } else { "" })),
                Item::Sub(h) => out.push_str(&format!("{}### {}\n", if in_list { "\n" } else { "" }, escape_heading(h))),
                Item::Table(plain, md, place, role) => {
                    let caption = match i.checked_sub(1).and_then(|j| items.get(j)) {
                        Some(Item::Caption(c)) => Some(c.as_str()),
                        _ => None,
                    };
                    let t = self.table_markdown(plain, md, place, caption, *role);
                    out.push_str(&format!("{}{t}\n", if in_list { "\n" } else { "" }));
                }
            }
            out.push('\n');
            in_list = false;
        }
        if in_list {
            out.push('\n');
        }
        out
    }

    /// A table as Markdown, or, where the theme asks and its columns are money, as a
    /// data table of the front matter (its typed total checked against its rows).
    fn table_markdown(&mut self, plain: &[Vec<String>], md: &[Vec<String>], place: &str, caption: Option<&str>, role: Option<TableRole>) -> String {
        let money = match role {
            Some(TableRole::Money) => true,
            Some(TableRole::Text) => false,
            _ => self.scheme.import.money_tables,
        };
        if money {
            if let Some(t) = money_table(plain, caption) {
                match t {
                    Ok(value) => {
                        let key = format!("table-{}", self.tables.len() + 1);
                        self.tables.insert(key.clone(), value);
                        return format!("[[table {key}]]\n");
                    }
                    Err(msg) => self.problem(place.to_string(), msg, Some("correct the total in Word, or the rows it adds up")),
                }
            }
        }
        // A Markdown table has no caption: the caption is a paragraph before it.
        match caption {
            Some(c) => format!("{c}\n\n{}", markdown_table(md)),
            None => markdown_table(md),
        }
    }

    /// Sections the theme makes from front-matter data: their text goes there.
    fn generated(&mut self, s: &Gathered<'a>, kind: SectionKind) {
        let Some(sc) = s.scheme else { return };
        // (Markdown, plain text, list level and whether bulleted) of each paragraph.
        type ParaParts<'p> = (&'p String, &'p String, Option<(u8, bool)>);
        let paras: Vec<ParaParts> =
            s.paras.iter().filter_map(|i| if let Item::Para { md, text, list, .. } = i { Some((md, text, *list)) } else { None }).collect();
        let tables: Vec<&Vec<Vec<String>>> = s.paras.iter().filter_map(|i| if let Item::Table(plain, ..) = i { Some(plain) } else { None }).collect();
        let at = || format!("the “{}” section", s.heading);
        // What the section's kind cannot hold is refused, never dropped: a table among the
        // recommendations, a sub-heading among the wards, words beside a Yes/No table.
        let holds_paras = !matches!(kind, SectionKind::Consultees);
        let holds_tables = matches!(kind, SectionKind::Fields | SectionKind::Consultees | SectionKind::BackgroundPapers | SectionKind::Contact);
        for item in &s.paras {
            let what = match item {
                Item::Sub(h) => Some(format!("the sub-heading “{h}”")),
                Item::Caption(c) => Some(format!("the caption “{c}”")),
                Item::Table(.., place, _) if !holds_tables => Some(place.to_string()),
                Item::Para { text, .. } if !holds_paras && !is_none_text(text) => Some(format!("“{}”", text.chars().take(50).collect::<String>())),
                _ => None,
            };
            if let Some(what) = what {
                self.problem(
                    at(),
                    format!("{what}: the theme makes this section from data, and it has no place for it"),
                    Some("move it to a section of text, or remove it"),
                );
            }
        }
        match kind {
            SectionKind::Recommendations => {
                let mut recs: Vec<Value> = Vec::new();
                for (i, (md, _, list)) in paras.iter().enumerate() {
                    let md = strip_item_marker(md);
                    // A lead-in ("It is recommended that the Board:") before the first.
                    if i == 0 && md.trim_end().ends_with(':') && paras.len() > 1 {
                        self.front.insert("recommendations_intro".into(), json!(md));
                        continue;
                    }
                    push_recommendation(&mut recs, md, list.map(|l| l.0).unwrap_or(0));
                }
                self.front.insert("recommendations".into(), Value::Array(recs));
            }
            SectionKind::Fields => {
                let mut answers = Map::new();
                // "Policy Status: Existing policy." lines ("Have Ward Councillors been
                // asked for comments? N/A." too), or a table of question and answer.
                let mut rows: Vec<(Option<String>, String, String)> = Vec::new();
                for (_, text, _) in &paras {
                    let t = strip_typed_number(text);
                    let lower = t.to_lowercase();
                    let field = sc.fields.iter().filter(|f| lower.starts_with(&f.label.to_lowercase())).max_by_key(|f| f.label.len());
                    match field {
                        Some(f) => rows.push((Some(f.key.clone()), f.label.clone(), t[f.label.len()..].trim_start_matches([':', ' ', '?']).trim().to_string())),
                        None => rows.push((None, t.split_once(':').map_or(t.clone(), |(l, _)| l.to_string()), String::new())),
                    }
                }
                for r in tables.iter().flat_map(|t| t.iter()).filter(|r| r.len() >= 2) {
                    let norm = normalise_heading(strip_typed_number(&r[0]).trim_end_matches(':'));
                    let key = sc.fields.iter().find(|f| normalise_heading(&f.label) == norm || normalise_heading(&f.key) == norm).map(|f| f.key.clone());
                    rows.push((key, r[0].clone(), r[1..].join(" ").trim().to_string()));
                }
                for (key, label, answer) in rows {
                    match key {
                        Some(k) => {
                            // Answers print as Markdown: the officer's words, escaped.
                            answers.insert(k, json!(escape(&answer)));
                        }
                        None => self.problem(
                            at(),
                            format!("“{label}” is not one of the section's questions"),
                            Some("the theme lists the section's questions (`fields:`); use their wording"),
                        ),
                    }
                }
                if !answers.is_empty() {
                    let facts = self.front.entry("facts").or_insert_with(|| json!({}));
                    if let Some(f) = facts.as_object_mut() {
                        f.insert(sc.key.clone(), Value::Object(answers));
                    }
                }
            }
            SectionKind::Consultees => {
                let mut answers = Map::new();
                for row in tables.iter().flat_map(|t| t.iter()).filter(|r| r.len() >= 2) {
                    let norm = normalise_heading(&row[0]);
                    let Some(f) = sc.fields.iter().find(|f| normalise_heading(&f.label) == norm || normalise_heading(&f.key) == norm) else {
                        if !row[0].trim().is_empty() && !matches!(normalise_heading(&row[1]).as_str(), "yes" | "no" | "yesno") {
                            continue; // a heading row ("Consultee | Yes/No")
                        }
                        self.problem(at(), format!("“{}” is not one of the consultees the theme lists", row[0]), None);
                        continue;
                    };
                    let answer = row[1..].join(" ").trim().to_string();
                    let value = match normalise_heading(&answer).as_str() {
                        "yes" => json!(true),
                        "no" | "" => json!(false),
                        _ => json!(answer),
                    };
                    answers.insert(f.key.clone(), value);
                }
                self.front.insert("consultees".into(), Value::Object(answers));
            }
            SectionKind::Wards => {
                let wards: Vec<String> = paras
                    .iter()
                    .flat_map(|(_, t, _)| t.split([',', ';']))
                    .map(|w| w.trim().trim_end_matches('.').to_string())
                    .filter(|w| !w.is_empty())
                    .collect();
                if !wards.is_empty() && !self.front.contains_key("wards") {
                    self.front.insert("wards".into(), if wards.len() == 1 { json!(wards[0]) } else { json!(wards) });
                }
            }
            SectionKind::BackgroundPapers => {
                // Paragraphs, or a table's rows (document, where to see it) as one line each.
                let texts: Vec<String> = paras
                    .iter()
                    .map(|(md, _, _)| md.to_string())
                    .chain(
                        tables
                            .iter()
                            .flat_map(|t| t.iter())
                            .map(|r| escape(&r.iter().map(|c| c.trim()).filter(|c| !c.is_empty()).collect::<Vec<_>>().join(" – "))),
                    )
                    .filter(|t| !t.is_empty())
                    .collect();
                let value = match texts.as_slice() {
                    [] => return,
                    [one] if normalise_heading(one) == "none" => json!("none"),
                    [one] => json!(one),
                    many => json!(many),
                };
                self.front.insert("background_papers".into(), value);
            }
            SectionKind::Contact => {
                // Lines, or a table's rows ("Name | Kevin Dicks") as "label: value" lines.
                let lines: Vec<String> = paras
                    .iter()
                    .map(|(_, t, _)| t.to_string())
                    .chain(tables.iter().flat_map(|t| t.iter()).map(|r| r.iter().map(|c| c.trim()).filter(|c| !c.is_empty()).collect::<Vec<_>>().join(": ")))
                    .collect();
                if !lines.is_empty() {
                    self.front.insert("contact_officer".into(), contact(&lines.join("\n")));
                }
            }
            SectionKind::Appendices => {
                for (_, t, _) in paras.iter().filter(|(_, t, _)| appendix_heading(t).is_none() && !is_none_text(t)) {
                    self.problem(at(), format!("“{t}” names no appendix"), Some("list each appendix as “Appendix 1 – Title”, one to a line"));
                }
                let listed: Vec<Value> =
                    paras.iter().filter_map(|(_, t, _)| appendix_heading(t)).map(|(id, title)| json!({ "id": id, "title": title })).collect();
                self.front.insert("appendices".into(), Value::Array(listed));
            }
            SectionKind::Prose | SectionKind::Body => {}
        }
    }
}

const FRONT_ORDER: &[&str] = &[
    "title",
    "decision_maker",
    "date",
    "report_of",
    "author",
    "chief_officer",
    "head_of_service",
    "portfolio_holder",
    "signed",
    "contact_officer",
    "wards",
    "decision",
    "purpose",
    "exempt",
    "header",
    "recommendations_intro",
    "recommendations",
    "facts",
    "consultees",
    "tables",
    "background_papers",
    "appendices",
];

/// A recommendation at its list level: a nested one (level 1 and below) goes under the
/// one before, as its `items`.
fn push_recommendation(list: &mut Vec<Value>, md: String, level: u8) {
    match list.last_mut() {
        Some(parent) if level > 0 => {
            if parent.is_string() {
                *parent = json!({ "text": parent.as_str().unwrap_or_default(), "items": [] });
            }
            if let Some(items) = parent.get_mut("items").and_then(Value::as_array_mut) {
                items.push(json!(md));
            }
        }
        _ => list.push(json!(md)),
    }
}

/// "Appendix 1 – Shared services", "APPENDIX A: Risks", "Appendix B".
fn appendix_heading(text: &str) -> Option<(String, String)> {
    let t = text.trim();
    let rest = t.get(..9).filter(|p| p.eq_ignore_ascii_case("appendix "))?;
    let rest = &t[rest.len()..];
    let (id, title) = rest.split_once(|c: char| c.is_whitespace() || matches!(c, ':' | '–' | '—' | '-' | '.')).unwrap_or((rest, ""));
    let id = id.trim();
    if id.is_empty() || id.len() > 4 || !id.chars().all(|c| c.is_ascii_alphanumeric()) {
        return None;
    }
    let title = title.trim().trim_start_matches([':', '–', '—', '-', '.']).trim();
    Some((id.to_string(), title.to_string()))
}

/// The Schedule 12A paragraphs a Part 2 marking names: the numbers after "paragraph(s)"
/// ("paragraphs 3 and 5", "para. 3, 4"), not the Part's own number or the Act's year.
fn schedule_12a_paragraphs(lower: &str) -> Vec<u8> {
    let mut out = Vec::new();
    for (i, _) in lower.match_indices("para") {
        let rest = &lower[i..];
        let rest = rest.trim_start_matches(|c: char| c.is_alphabetic() || c == '.');
        for word in rest.split([' ', ',', '&']).filter(|w| !w.is_empty()) {
            match word.trim_end_matches([',', '.', ')', ';']).parse::<u8>() {
                Ok(n) if (1..=7).contains(&n) => out.push(n),
                _ if word == "and" || word == "or" => {}
                _ => break,
            }
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// "None.", "N/A", "Not applicable": the author saying there is nothing.
fn is_none_text(t: &str) -> bool {
    matches!(normalise_heading(t).as_str(), "none" | "na" | "notapplicable" | "nil")
}

/// Words that mark a report exempt (Part 2).
fn says_exempt(text: &str) -> bool {
    let t = text.to_lowercase().replace(['-', '–', '—'], " ");
    let words: Vec<&str> = t.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
    words.windows(2).any(|w| w[0] == "part" && matches!(w[1], "2" | "ii" | "two" | "b"))
        || words.iter().any(|w| matches!(*w, "exempt" | "confidential"))
        || t.contains("not for publication")
}

/// "Non-Urgent, Non-Executive, Non-Key", "Key Decision": the decision type's flags.
fn decision_words(text: &str) -> Option<Value> {
    let mut out = Map::new();
    for part in text.split([',', ';', '/', '\n']) {
        let w = part.trim().to_lowercase().replace(['‐', '–'], "-").replace("decision", "").trim().to_string();
        let (negated, word) = match w.strip_prefix("non-").or_else(|| w.strip_prefix("non ")).or_else(|| w.strip_prefix("not ")) {
            Some(rest) => (true, rest.trim().to_string()),
            None => (false, w.clone()),
        };
        let key = match word.as_str() {
            "key" => "key",
            "urgent" => "urgent",
            "executive" => "executive",
            "subject to call-in" | "call-in" => "call_in",
            _ => continue,
        };
        out.insert(key.into(), json!(!negated));
    }
    (!out.is_empty()).then_some(Value::Object(out))
}

/// A contact block as templates lay it out ("Harriet Martyn, Project Manager Tel: 020
/// 8313 4439 E-mail: h.m@bromley.gov.uk"; "Name: Kevin Dicks / E Mail: ... / Tel: ..."):
/// the e-mail is the word with an `@`, the phone the digits after "Tel" (or any run of nine
/// or more digits), the name the first of what is left and the role the rest.
fn contact(text: &str) -> Value {
    let mut c = Map::new();
    let mut rest = text.replace('\n', ", ");
    if let Some(tok) = rest.split_whitespace().find(|t| t.contains('@')).map(str::to_string) {
        let email = tok.trim_matches(|ch: char| !(ch.is_alphanumeric() || "@.-_+".contains(ch))).trim_end_matches('.');
        c.insert("email".into(), json!(email));
        rest = rest.replacen(&tok, " ", 1);
    }
    // Labels go (ASCII lower-casing keeps byte offsets).
    for label in ["e-mail:", "e mail:", "email:", "e-mail", "e mail", "name:"] {
        while let Some(i) = rest.to_ascii_lowercase().find(label) {
            rest.replace_range(i..i + label.len(), " ");
        }
    }
    let phone_chars = |ch: char| ch.is_ascii_digit() || " +()-".contains(ch);
    let lower = rest.to_ascii_lowercase();
    let labelled = ["telephone", "tel", "phone"].iter().find_map(|l| lower.find(l).map(|i| (i, i + l.len())));
    let span = match labelled {
        Some((from, after)) => {
            let start = after + rest[after..].find(|ch: char| !matches!(ch, ':' | '.' | ' ')).unwrap_or(rest.len() - after);
            let len = rest[start..].find(|ch: char| !phone_chars(ch)).unwrap_or(rest.len() - start);
            Some((from, start, start + len))
        }
        None => {
            // The longest run of phone characters holding nine or more digits.
            let mut best: Option<(usize, usize, usize)> = None;
            let mut i = 0;
            while i < rest.len() {
                let len = rest[i..].find(|ch: char| !phone_chars(ch)).unwrap_or(rest.len() - i);
                if rest[i..i + len].chars().filter(char::is_ascii_digit).count() >= 9 {
                    best = Some((i, i, i + len));
                }
                i += len.max(rest[i..].chars().next().map_or(1, char::len_utf8));
            }
            best
        }
    };
    if let Some((from, start, end)) = span {
        let phone = rest[start..end].trim().to_string();
        if !phone.is_empty() {
            c.insert("phone".into(), json!(phone));
        }
        rest.replace_range(from..end, " ");
    }
    let parts: Vec<String> = rest.split([',', '/']).map(one_line).map(|p| p.trim_end_matches('.').to_string()).filter(|p| !p.is_empty()).collect();
    if let Some(name) = parts.first() {
        c.insert("name".into(), json!(name));
    }
    if parts.len() > 1 {
        c.insert("role".into(), json!(parts[1..].join(", ")));
    }
    Value::Object(c)
}

/// "18 April 2012", "14TH JUNE 2010", "Wednesday 18 April 2012", "18/04/2012" -> ISO.
fn parse_shown_date(text: &str) -> Option<String> {
    let t = text.trim().trim_end_matches('.');
    if let Ok(d) = chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d") {
        return Some(d.format("%Y-%m-%d").to_string());
    }
    if let Ok(d) = chrono::NaiveDate::parse_from_str(t, "%d/%m/%Y") {
        return Some(d.format("%Y-%m-%d").to_string());
    }
    let words: Vec<String> = t
        .split_whitespace()
        // "18 th April 2012": an ordinal's letters set apart.
        .filter(|w| !matches!(w.to_lowercase().as_str(), "st" | "nd" | "rd" | "th"))
        .map(|w| {
            let w = w.trim_end_matches(',');
            let digits = w.trim_end_matches(|c: char| c.is_alphabetic());
            if !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit()) {
                digits.to_string()
            } else {
                w.to_string()
            }
        })
        .collect();
    let n = words.len();
    if n < 3 {
        return None;
    }
    let tail = words[n - 3..].join(" ");
    chrono::NaiveDate::parse_from_str(&tail, "%d %B %Y")
        .ok()
        .or_else(|| chrono::NaiveDate::parse_from_str(&tail, "%d %b %Y").ok())
        .map(|d| d.format("%Y-%m-%d").to_string())
}

/// A money table: a heading row, then rows whose cells in one or more columns are all
/// sums of money (the others text); a last row headed "Total" must add up. `None`: not
/// a money table.
fn money_table(rows: &[Vec<String>], caption: Option<&str>) -> Option<Result<Value, String>> {
    let (head, body) = rows.split_first()?;
    let width = head.len();
    if width < 2 || body.is_empty() || body.iter().any(|r| r.len() != width) {
        return None;
    }
    let blank = |t: &str| t.is_empty() || t == "-" || t == "–";
    let money_col = |c: usize| {
        let cells: Vec<&str> = body.iter().map(|r| r[c].trim()).filter(|t| !blank(t)).collect();
        !cells.is_empty() && cells.iter().all(|t| parse_money(t).is_some()) && (cells.iter().any(|t| t.contains('£')) || head[c].contains('£'))
    };
    let money: Vec<usize> = (1..width).filter(|&c| money_col(c)).collect();
    if money.is_empty() {
        return None;
    }
    let keys: Vec<String> = head.iter().enumerate().map(|(i, h)| if slugify(h).is_empty() { format!("column-{}", i + 1) } else { slugify(h) }).collect();
    let columns: Vec<Value> =
        head.iter().enumerate().map(|(i, h)| json!({ "key": keys[i], "heading": h, "format": if money.contains(&i) { "money" } else { "text" } })).collect();
    let (last, rest) = body.split_last()?;
    let has_total = last[0].trim().to_lowercase().starts_with("total") && !rest.is_empty() && (1..width).all(|c| money.contains(&c) || blank(last[c].trim()));
    let data = if has_total { rest } else { body };
    let value_rows: Vec<Value> = data.iter().map(|r| Value::Object(keys.iter().zip(r).map(|(k, v)| (k.clone(), json!(v))).collect())).collect();
    let mut table = json!({ "columns": columns, "rows": value_rows });
    if let Some(c) = caption {
        table["caption"] = json!(c);
    }
    if has_total {
        for &c in &money {
            let typed = parse_money(&last[c]).unwrap_or(0.0);
            let sum: f64 = data.iter().filter_map(|r| parse_money(&r[c])).sum();
            if (typed - sum).abs() > 0.5 {
                return Some(Err(format!("the “{}” column's total is {} but its rows add up to {}", head[c], last[c], crate::money::format_pounds(sum))));
            }
        }
        table["total"] = json!(money.iter().map(|&c| keys[c].clone()).collect::<Vec<_>>());
        if last[0].trim() != "Total" {
            table["total_label"] = json!(last[0]);
        }
    }
    Some(Ok(table))
}

fn markdown_table(rows: &[Vec<String>]) -> String {
    let width = rows.iter().map(Vec::len).max().unwrap_or(0);
    if width == 0 {
        return String::new();
    }
    let line = |r: &Vec<String>| {
        let cells: Vec<String> = (0..width).map(|i| r.get(i).map(|c| c.replace('|', "\\|")).unwrap_or_default()).collect();
        format!("| {} |\n", cells.join(" | "))
    };
    let mut out = line(&rows[0]);
    out.push_str(&format!("|{}\n", "---|".repeat(width)));
    for r in &rows[1..] {
        out.push_str(&line(r));
    }
    out
}

/// A list item's Markdown line, indented by level.
fn list_item(md: &str, level: u8, bullet: bool) -> String {
    let indent = "    ".repeat(level as usize);
    let marker = if bullet { "-" } else { "1." };
    format!("{indent}{marker} {}\n", strip_item_marker(md))
}

fn list_line(md: &str, list: Option<(u8, bool)>) -> String {
    match list {
        Some((level, bullet)) => list_item(md, level, bullet).trim_end().to_string(),
        None => md.to_string(),
    }
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Text as Markdown reads it literally.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '\\' | '*' | '_' | '[' | ']' | '`' | '<' | '>' | '|' | '~' | '&') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A line that would start a Markdown block ("# ", "- ", "2012. ", "+ ") starts as text.
fn escape_line_start(s: &str) -> String {
    let t = s.trim_start();
    let digits = t.chars().take_while(char::is_ascii_digit).count();
    if digits > 0 && matches!(t[digits..].chars().next(), Some('.' | ')')) {
        return format!("{}\\{}", &t[..digits], &t[digits..]);
    }
    if t.starts_with(['#', '-', '+', '=']) {
        return format!("\\{t}");
    }
    t.to_string()
}

fn escape_heading(h: &str) -> String {
    h.replace('#', "\\#")
}

/// A paragraph number typed before the text ("3.1 ", "12. ", "7.1.3\t"): agendum gives
/// numbers, so it goes.
fn strip_typed_number(s: &str) -> String {
    let t = s.trim_start();
    let num = t.chars().take_while(|c| c.is_ascii_digit() || *c == '.').count();
    if num == 0 {
        return t.to_string();
    }
    let (n, rest) = t.split_at(num);
    let dotted = n.contains('.') && n.chars().next().is_some_and(|c| c.is_ascii_digit());
    if dotted && rest.starts_with(char::is_whitespace) && !n.contains("..") {
        return rest.trim_start().to_string();
    }
    t.to_string()
}

/// A heading's typed number ("3.", "3", "7.2", "10)") goes: agendum numbers sections.
fn strip_heading_number(s: &str) -> String {
    let t = s.trim();
    let num = t.chars().take_while(|c| c.is_ascii_digit() || *c == '.' || *c == ')').count();
    if num > 0 && t[num..].starts_with(char::is_whitespace) && t.chars().next().is_some_and(|c| c.is_ascii_digit()) {
        return t[num..].trim().to_string();
    }
    t.to_string()
}

/// A list marker typed before an item ("i. ", "(a) ", "2.1 "): the theme marks items.
fn strip_item_marker(s: &str) -> String {
    let t = strip_typed_number(s);
    let (marker, rest) = match t.split_once(' ') {
        Some(x) => x,
        None => return t,
    };
    let core = marker.trim_start_matches('(').trim_end_matches([')', '.']);
    let typed = marker != core
        && !core.is_empty()
        && core.len() <= 4
        && (core.chars().all(|c| c.is_ascii_digit())
            || core.chars().all(|c| "ivxl".contains(c))
            || (core.len() == 1 && core.chars().all(|c| c.is_ascii_lowercase())));
    if typed {
        rest.trim_start().to_string()
    } else {
        t
    }
}

/// Block-style YAML of a JSON value: strings double-quoted (JSON's escapes are YAML's).
fn yaml(v: &Value, indent: usize) -> String {
    let pad = "  ".repeat(indent);
    let mut out = String::new();
    match v {
        Value::Object(map) => {
            for (k, val) in map {
                match val {
                    Value::Object(m) if !m.is_empty() => out.push_str(&format!("{pad}{k}:\n{}", yaml(val, indent + 1))),
                    Value::Array(a) if !a.is_empty() => out.push_str(&format!("{pad}{k}:\n{}", yaml(val, indent + 1))),
                    _ => out.push_str(&format!("{pad}{k}: {}\n", scalar(val))),
                }
            }
        }
        Value::Array(items) => {
            for item in items {
                match item {
                    Value::Object(m) if !m.is_empty() => {
                        let inner = yaml(item, indent + 1);
                        let inner = inner.strip_prefix(&"  ".repeat(indent + 1)).unwrap_or(&inner).to_string();
                        out.push_str(&format!("{pad}- {inner}"));
                    }
                    _ => out.push_str(&format!("{pad}- {}\n", scalar(item))),
                }
            }
        }
        other => out.push_str(&format!("{pad}{}\n", scalar(other))),
    }
    out
}

fn scalar(v: &Value) -> String {
    match v {
        Value::Object(_) => "{}".into(),
        Value::Array(_) => "[]".into(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_numbers_go_and_ordinary_numbers_stay() {
        assert_eq!(strip_typed_number("3.1 The councils"), "The councils");
        assert_eq!(strip_typed_number("7.1.3\tJoint meetings"), "Joint meetings");
        assert_eq!(strip_typed_number("12. Twelve"), "Twelve");
        assert_eq!(strip_typed_number("2012 was a year"), "2012 was a year");
        assert_eq!(strip_typed_number("£1.5m was saved"), "£1.5m was saved");
        assert_eq!(strip_heading_number("3. COMMENTARY"), "COMMENTARY");
        assert_eq!(strip_heading_number("10) Risk"), "Risk");
        assert_eq!(strip_item_marker("i. Considers the report"), "Considers the report");
        assert_eq!(strip_item_marker("(a) agree"), "agree");
        assert_eq!(strip_item_marker("That the Board agrees"), "That the Board agrees");
    }

    #[test]
    fn header_values_are_read_as_written() {
        assert_eq!(parse_shown_date("14TH JUNE 2010").as_deref(), Some("2010-06-14"));
        assert_eq!(parse_shown_date("Wednesday, 18 April 2012").as_deref(), Some("2012-04-18"));
        assert_eq!(parse_shown_date("18/04/2012").as_deref(), Some("2012-04-18"));
        assert_eq!(parse_shown_date("soon"), None);
        assert_eq!(decision_words("Non-Urgent, Non-Executive, Non-Key"), Some(json!({"urgent": false, "executive": false, "key": false})));
        assert_eq!(decision_words("Key Decision"), Some(json!({"key": true})));
        assert_eq!(decision_words("Shared services"), None);
        assert_eq!(schedule_12a_paragraphs("part 2 – exempt under paragraph 3 of schedule 12a to the local government act 1972"), vec![3]);
        assert_eq!(schedule_12a_paragraphs("part 2: paragraphs 3 and 5"), vec![3, 5]);
        assert_eq!(schedule_12a_paragraphs("part 2 - exempt"), Vec::<u8>::new());
        let c = contact("Harriet Martyn, Project Manager, Organisational Improvement Tel: 020 8313 4439 E-mail: h.m@bromley.gov.uk");
        assert_eq!(
            c,
            json!({"name": "Harriet Martyn", "role": "Project Manager, Organisational Improvement", "phone": "020 8313 4439", "email": "h.m@bromley.gov.uk"})
        );
        let c = contact("Name: Kevin Dicks\nE Mail: k.dicks@bromsgrove.gov.uk\nTel: (01527) 881484");
        assert_eq!(c, json!({"name": "Kevin Dicks", "phone": "(01527) 881484", "email": "k.dicks@bromsgrove.gov.uk"}));
        let c = contact("Tim Dauncey, Interim Director of Special Projects, 020 8489 2000");
        assert_eq!(c, json!({"name": "Tim Dauncey", "role": "Interim Director of Special Projects", "phone": "020 8489 2000"}));
        assert_eq!(parse_shown_date("18 th April 2012").as_deref(), Some("2012-04-18"));
        assert_eq!(appendix_heading("Appendix 1 – Highlight report"), Some(("1".into(), "Highlight report".into())));
        assert_eq!(appendix_heading("APPENDIX B"), Some(("B".into(), String::new())));
        assert_eq!(appendix_heading("Appendices"), None);
    }

    #[test]
    fn money_tables_must_add_up() {
        let rows = |total: &str| {
            vec![
                vec!["Service".to_string(), "Saving £".to_string()],
                vec!["Legal".into(), "£1,000".into()],
                vec!["Audit".into(), "£2,000".into()],
                vec!["Total".into(), total.to_string()],
            ]
        };
        let ok = money_table(&rows("£3,000"), Some("Savings")).unwrap().unwrap();
        assert_eq!(ok["caption"], "Savings");
        assert_eq!(ok["total"], json!(["saving"]));
        assert_eq!(ok["rows"].as_array().unwrap().len(), 2);
        assert!(money_table(&rows("£4,000"), None).unwrap().unwrap_err().contains("add up to £3,000"));
        assert!(money_table(&[vec!["A".into(), "B".into()], vec!["x".into(), "words".into()]], None).is_none());
    }

    /// Runs of generated text, with Markdown's special characters and typed numbers,
    /// bold, italic and links, in sections of a theme: the import's Markdown reads back
    /// (CommonMark, as agendum parses it) as the same words in the same paragraphs, with
    /// the same emphasis, and a paragraph's typed number gone.
    #[test]
    fn generated_paragraphs_come_through_as_written() {
        use agendum_docx::{Block, Document, Para, Run};
        use pulldown_cmark::{Event, Parser, Tag, TagEnd};
        let scheme: ThemeScheme =
            serde_saphyr::from_str("name: t\nsections:\n  - key: summary\n    heading: Summary\n  - key: body\n    heading: Body\n    kind: body\n").unwrap();
        let mut seed: u64 = 0x5eed;
        let mut next = move |n: u64| {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 33) % n
        };
        let alphabet: Vec<char> = "abc XYZ 019 *_[]()<>|#`\\!&.-+=:;'\"£€é–—“”~^{}".chars().collect();
        for case in 0..300 {
            let mut blocks =
                vec![Block::Para(Para { number: 1, style: "Title".into(), runs: vec![Run { text: "A title".into(), ..Run::default() }], ..Para::default() })];
            blocks.push(Block::Para(Para {
                number: 2,
                style: "Heading 1".into(),
                runs: vec![Run { text: "Summary".into(), ..Run::default() }],
                ..Para::default()
            }));
            let mut want: Vec<Vec<(String, bool, bool)>> = Vec::new();
            for i in 0..(1 + next(4)) {
                let mut runs = Vec::new();
                let mut words = Vec::new();
                for _ in 0..(1 + next(4)) {
                    let len = 1 + next(12);
                    let mut text: String = (0..len).map(|_| alphabet[next(alphabet.len() as u64) as usize]).collect();
                    // What Markdown would read as markup in plain words: an entity, a strike.
                    if next(4) == 0 {
                        text.push_str(["&amp;", "&#169;", "~~struck~~", "[^1]", "<b>"][next(5) as usize]);
                    }
                    let (bold, italic) = (next(3) == 0, next(3) == 0);
                    let link = (next(5) == 0).then(|| "https://example.gov.uk/a_b".to_string());
                    let text = if text.trim().is_empty() { "x".to_string() } else { text };
                    words.push((text.clone(), bold, italic));
                    runs.push(Run { text, bold, italic, link, ..Run::default() });
                    runs.push(Run { text: " ".into(), ..Run::default() });
                }
                // Sometimes a typed paragraph number, which goes.
                if next(3) == 0 {
                    runs.insert(0, Run { text: format!("1.{} ", i + 1), ..Run::default() });
                }
                want.push(words);
                blocks.push(Block::Para(Para { number: 3 + i as usize, style: "Normal".into(), runs, ..Para::default() }));
            }
            let doc = Document { blocks, ..Document::default() };
            let imported = convert(&doc, &scheme, &Options { accept_changes: false }).unwrap_or_else(|p| panic!("case {case}: {p:?}"));
            let body = imported.text.split("\n---\n").nth(1).unwrap();
            // Paragraphs of the Markdown, each as (text, bold, italic) pieces.
            let mut got: Vec<Vec<(String, bool, bool)>> = Vec::new();
            let (mut bold, mut italic, mut in_para) = (0, 0, false);
            let opts = pulldown_cmark::Options::ENABLE_TABLES | pulldown_cmark::Options::ENABLE_FOOTNOTES | pulldown_cmark::Options::ENABLE_STRIKETHROUGH;
            for ev in Parser::new_ext(body, opts) {
                match ev {
                    Event::Start(Tag::Paragraph) => {
                        got.push(Vec::new());
                        in_para = true;
                    }
                    Event::End(TagEnd::Paragraph) => in_para = false,
                    Event::Start(Tag::Strong) => bold += 1,
                    Event::End(TagEnd::Strong) => bold -= 1,
                    Event::Start(Tag::Emphasis) => italic += 1,
                    Event::End(TagEnd::Emphasis) => italic -= 1,
                    Event::Text(t) | Event::Code(t) if in_para => {
                        if let Some(p) = got.last_mut() {
                            p.push((t.to_string(), bold > 0, italic > 0));
                        }
                    }
                    _ => {}
                }
            }
            // Compare the words with their emphasis (Markdown splits text at will).
            let flat = |p: &Vec<(String, bool, bool)>| -> Vec<(String, bool, bool)> {
                let mut out = Vec::new();
                for (t, b, i) in p {
                    for ch in t.chars().filter(|c| !c.is_whitespace()) {
                        out.push((ch.to_string(), *b, *i));
                    }
                }
                out
            };
            assert_eq!(got.len(), want.len(), "case {case}: paragraphs\n{body}");
            for (g, w) in got.iter().zip(&want) {
                assert_eq!(flat(g), flat(w), "case {case}:\n{body}");
            }
        }
    }

    #[test]
    fn an_exempt_marking_in_the_page_header_is_not_left_unread() {
        use agendum_docx::{Block, Document, Para, Run};
        let scheme: ThemeScheme = serde_saphyr::from_str("name: t\nsections:\n  - key: summary\n    heading: Summary\n").unwrap();
        let para = |n: usize, style: &str, text: &str| {
            Block::Para(Para { number: n, style: style.into(), runs: vec![Run { text: text.into(), ..Run::default() }], ..Para::default() })
        };
        let doc = |header: &str| Document {
            blocks: vec![para(1, "Title", "T"), para(2, "Heading 1", "Summary"), para(3, "Normal", "Text.")],
            furniture: vec![header.to_string()],
            ..Document::default()
        };
        let problems =
            convert(&doc("NOT FOR PUBLICATION by virtue of the Local Government Act 1972"), &scheme, &Options { accept_changes: false }).unwrap_err();
        assert_eq!(problems[0].place, "the page header or footer");
        assert!(problems[0].message.contains("not for publication"), "{problems:?}");
        assert!(convert(&doc("Page 1 of 3 – Part 1 public"), &scheme, &Options { accept_changes: false }).is_ok());
        // A title is not a marking.
        let mut titled = doc("");
        titled.blocks[0] = para(1, "Title", "Confidential Waste Collection Contract");
        assert!(convert(&titled, &scheme, &Options { accept_changes: false }).is_ok());
    }

    #[test]
    fn what_a_data_section_cannot_hold_is_refused_not_dropped() {
        use agendum_docx::{Block, Document, Para, Run, Table};
        let scheme: ThemeScheme = serde_saphyr::from_str(concat!(
            "name: t\nsections:\n  - key: summary\n    heading: Summary\n",
            "  - key: recommendations\n    heading: Recommendations\n    kind: recommendations\n",
            "  - key: consulted\n    heading: Consulted\n    kind: consultees\n    fields: [{key: ceo, label: Chief Executive}]\n",
            "  - key: contact\n    heading: Contact officer\n    kind: contact\n",
        ))
        .unwrap();
        let cell = |t: &str| vec![Para { runs: vec![Run { text: t.into(), ..Run::default() }], ..Para::default() }];
        let table = |after: usize, rows: &[&[&str]]| {
            Block::Table(Table { after_paragraph: after, style: None, rows: rows.iter().map(|r| r.iter().map(|c| cell(c)).collect()).collect() })
        };
        let para = |n: usize, style: &str, text: &str| {
            Block::Para(Para { number: n, style: style.into(), runs: vec![Run { text: text.into(), ..Run::default() }], ..Para::default() })
        };
        let doc = |with_faults: bool| {
            let mut blocks = vec![
                para(1, "Title", "T"),
                para(2, "Heading 1", "Summary"),
                para(3, "Normal", "Text."),
                para(4, "Heading 1", "Recommendations"),
                para(5, "Normal", "That it is agreed."),
            ];
            if with_faults {
                blocks.push(table(5, &[&["Option", "Cost"], &["A", "£1"]]));
            }
            blocks.push(para(6, "Heading 1", "Consulted"));
            if with_faults {
                blocks.push(para(7, "Normal", "The following officers were consulted on the report."));
            }
            blocks.push(table(7, &[&["Chief Executive", "Yes"]]));
            blocks.push(para(8, "Heading 1", "Contact officer"));
            blocks.push(table(8, &[&["Name", "Kevin Dicks"], &["Tel", "01527 881484"]]));
            Document { blocks, ..Document::default() }
        };
        let problems = convert(&doc(true), &scheme, &Options { accept_changes: false }).unwrap_err();
        let messages: Vec<String> = problems.iter().map(|p| format!("{}: {}", p.place, p.message)).collect();
        assert!(messages.iter().any(|m| m.starts_with("the “Recommendations” section: the table after paragraph 5")), "{messages:?}");
        assert!(messages.iter().any(|m| m.contains("“The following officers were consulted")), "{messages:?}");
        assert_eq!(messages.len(), 2, "{messages:?}");
        let text = convert(&doc(false), &scheme, &Options { accept_changes: false }).unwrap().text;
        assert!(text.contains("contact_officer:\n  name: \"Kevin Dicks\"\n  phone: \"01527 881484\""), "{text}");
        assert!(text.contains("consultees:\n  ceo: true"), "{text}");
    }

    #[test]
    fn recommendation_and_contact_styles_are_read_wherever_they_stand() {
        use agendum_docx::{Block, Document, ListMark, Para, Run};
        let scheme: ThemeScheme = serde_saphyr::from_str(concat!(
            "name: t\nsections:\n  - key: summary\n    heading: Summary\n",
            "  - key: recommendations\n    heading: Recommendations\n    kind: recommendations\n",
            "import:\n  recommendations: [Recommendation]\n  header_styles: {Contact Details: contact_officer}\n",
        ))
        .unwrap();
        let para = |n: usize, style: &str, text: &str, level: Option<u8>| {
            Block::Para(Para {
                number: n,
                style: style.into(),
                runs: vec![Run { text: text.into(), ..Run::default() }],
                list: level.map(|l| ListMark { level: l, id: "1".into(), format: "decimal".into(), text: "%1.".into() }),
                ..Para::default()
            })
        };
        let doc = Document {
            blocks: vec![
                para(1, "Title", "T", None),
                para(2, "Contact Details", "Ann Officer, Head of Leisure", None),
                para(3, "Contact Details", "Tel: 020 8313 4000", None),
                para(4, "Heading 1", "Summary", None),
                para(5, "Normal", "Text.", None),
                para(6, "Recommendation", "1. That the contract be awarded.", Some(0)),
                para(7, "Recommendation", "for five years", Some(1)),
            ],
            ..Document::default()
        };
        let text = convert(&doc, &scheme, &Options { accept_changes: false }).unwrap().text;
        assert!(text.contains("contact_officer:\n  name: \"Ann Officer\"\n  phone: \"020 8313 4000\"\n  role: \"Head of Leisure\""), "{text}");
        assert!(text.contains("recommendations:\n  - items:\n      - \"for five years\"\n    text: \"That the contract be awarded.\""), "{text}");
    }

    #[test]
    fn pictures_in_table_cells_come_through_and_a_logo_in_the_header_table_is_furniture() {
        use agendum_docx::{Block, Document, Image, Para, Run, Table};
        let scheme: ThemeScheme = serde_saphyr::from_str("name: t\nsections:\n  - key: summary\n    heading: Summary\n").unwrap();
        let pic = |alt: Option<&str>| Image {
            alt: alt.map(str::to_string),
            name: Some("Picture 1".into()),
            part: Some("word/media/image1.png".into()),
            data: b"\x89PNG".to_vec(),
        };
        let cell = |t: &str, img: Option<Image>| {
            vec![Para { runs: vec![Run { text: t.into(), ..Run::default() }], images: img.into_iter().collect(), ..Para::default() }]
        };
        let para = |n: usize, style: &str, text: &str| {
            Block::Para(Para { number: n, style: style.into(), runs: vec![Run { text: text.into(), ..Run::default() }], ..Para::default() })
        };
        let doc = |body_alt: Option<&str>| Document {
            blocks: vec![
                para(1, "Title", "Parks"),
                Block::Table(Table { after_paragraph: 1, style: None, rows: vec![vec![cell("", Some(pic(None))), cell("", None)]] }),
                para(2, "Heading 1", "Summary"),
                Block::Table(Table {
                    after_paragraph: 2,
                    style: None,
                    rows: vec![vec![cell("Park", None), cell("Map", None)], vec![cell("Hall Place", None), cell("", Some(pic(body_alt)))]],
                }),
            ],
            ..Document::default()
        };
        let made = convert(&doc(Some("Map of Hall Place")), &scheme, &Options { accept_changes: false }).unwrap();
        assert!(made.text.contains("| Hall Place | ![Map of Hall Place](parks/figure-1.png) |"), "{}", made.text);
        assert_eq!(made.files.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>(), vec!["parks/figure-1.png"]);
        let problems = convert(&doc(None), &scheme, &Options { accept_changes: false }).unwrap_err();
        assert_eq!(problems.len(), 1, "only the body table's picture: {problems:?}");
        assert!(problems[0].message.contains("a picture without alt text"));
    }

    #[test]
    fn table_styles_say_what_a_table_is() {
        use agendum_docx::{Block, Document, Para, Run, Table};
        let scheme: ThemeScheme = serde_saphyr::from_str(
            "name: t\nheader:\n  fields:\n    - key: report_of\nsections:\n  - key: summary\n    heading: Summary\nimport:\n  tables: {Finance Table: money, Report Header: header}\n",
        )
        .unwrap();
        let cell = |t: &str| vec![Para { runs: vec![Run { text: t.into(), ..Run::default() }], ..Para::default() }];
        let table = |style: &str, rows: &[&[&str]]| {
            Block::Table(Table { after_paragraph: 2, style: Some(style.into()), rows: rows.iter().map(|r| r.iter().map(|c| cell(c)).collect()).collect() })
        };
        let para = |n: usize, style: &str, text: &str| {
            Block::Para(Para { number: n, style: style.into(), runs: vec![Run { text: text.into(), ..Run::default() }], ..Para::default() })
        };
        let doc = Document {
            blocks: vec![
                para(1, "Title", "T"),
                para(2, "Heading 1", "Summary"),
                // A header table after the first heading, known by its style.
                table("Report Header", &[&["Report of", "Director of Finance"]]),
                table("Finance Table", &[&["Item", "Cost"], &["Legal", "£1,000"], &["Audit", "£2,000"], &["Total", "£3,000"]]),
                table("Plain Table", &[&["Item", "Cost"], &["Legal", "£1,000"]]),
            ],
            ..Document::default()
        };
        let text = convert(&doc, &scheme, &Options { accept_changes: false }).unwrap().text;
        assert!(text.contains("report_of: \"Director of Finance\""), "{text}");
        assert!(text.contains("[[table table-1]]") && text.contains("total:\n      - \"cost\""), "{text}");
        // money_tables is off: a table in another style stays a Markdown table.
        assert!(text.contains("| Legal | £1,000 |"), "{text}");
    }

    #[test]
    fn a_heading_typed_in_a_body_style_still_starts_its_section() {
        use agendum_docx::{Block, Document, Para, Run};
        let scheme: ThemeScheme =
            serde_saphyr::from_str("name: t\nsections:\n  - key: summary\n    heading: Summary\n  - key: commentary\n    heading: Commentary\n").unwrap();
        let para = |n: usize, style: &str, text: &str, bold: bool| {
            Block::Para(Para { number: n, style: style.into(), runs: vec![Run { text: text.into(), bold, ..Run::default() }], ..Para::default() })
        };
        let doc = Document {
            blocks: vec![
                para(1, "Title", "T", false),
                para(2, "Heading 1", "Summary", false),
                para(3, "Normal", "The summary.", false),
                para(4, "Normal", "2. COMMENTARY", false),
                para(5, "Normal", "The commentary.", false),
                // Bold, but not a section's name: a paragraph.
                para(6, "Normal", "Commentary in short", true),
                // A section's name in running text: a paragraph.
                para(7, "Normal", "Summary", false),
            ],
            ..Document::default()
        };
        let text = convert(&doc, &scheme, &Options { accept_changes: false }).unwrap().text;
        assert!(text.contains("## Summary\n\nThe summary.\n\n## COMMENTARY\n\nThe commentary.\n\n**Commentary in short**\n\nSummary\n"), "{text}");
    }

    #[test]
    fn words_automatic_paragraph_numbering_is_agendums_and_lists_stay_lists() {
        use agendum_docx::{Block, Document, ListMark, Para, Run};
        let scheme: ThemeScheme = serde_saphyr::from_str("name: t\nsections:\n  - key: summary\n    heading: Summary\n").unwrap();
        let para = |n: usize, style: &str, text: &str, list: Option<ListMark>| {
            Block::Para(Para { number: n, style: style.into(), list, runs: vec![Run { text: text.into(), ..Run::default() }], ..Para::default() })
        };
        let mark = |level: u8, format: &str, text: &str| Some(ListMark { level, id: "1".into(), format: format.into(), text: text.into() });
        let doc = Document {
            blocks: vec![
                para(1, "Title", "T", None),
                para(2, "Heading 1", "1. Summary", None),
                // Multi-level "legal" numbering: a numbered paragraph.
                para(3, "Normal", "The councils agree.", mark(1, "decimal", "%1.%2")),
                para(4, "List Paragraph", "first", mark(0, "lowerLetter", "(%1)")),
                para(5, "List Paragraph", "nested", mark(1, "bullet", "")),
                para(6, "Normal", "After the list.", None),
            ],
            ..Document::default()
        };
        let text = convert(&doc, &scheme, &Options { accept_changes: false }).unwrap().text;
        assert!(text.contains("## Summary\n\nThe councils agree.\n\n1. first\n    - nested\n\nAfter the list.\n"), "{text}");
    }

    #[test]
    fn yaml_is_quoted_and_nested() {
        let v = json!({"title": "A \"quoted\" title: yes", "decision": {"key": true}, "recommendations": ["one", {"text": "two", "items": ["a"]}]});
        let y = yaml(&v, 0);
        let back: serde_json::Value = serde_saphyr::from_str(&y).unwrap();
        assert_eq!(back, v, "{y}");
    }
}
