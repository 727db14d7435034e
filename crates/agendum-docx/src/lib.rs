//! Reading Word documents (`.docx`, WordprocessingML) for `agendum import`.
//!
//! A `.docx` is a zip of XML parts; this reads the body of `word/document.xml` in order
//! (paragraphs and tables), naming each paragraph's style as Word shows it (from
//! `word/styles.xml`) with its list level, its runs (bold, italic, links from
//! `word/_rels/document.xml.rels`), its images' alt text, and what an import must not take
//! silently: tracked changes (kept apart, never merged) and comments
//! (`word/comments.xml`). Fields read as the values Word shows; field codes are dropped.
//! No Word, LibreOffice or other program runs.

use std::collections::HashMap;
use std::io::Read;

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

/// The document's body, in order, and its comments.
#[derive(Debug, Default)]
pub struct Document {
    pub blocks: Vec<Block>,
    pub comments: Vec<Comment>,
}

#[derive(Debug)]
pub enum Block {
    Para(Para),
    Table(Table),
}

/// One paragraph. `number` counts the body's paragraphs from 1 (table cells included), so
/// that a message can say where something is.
#[derive(Debug, Default, Clone)]
pub struct Para {
    pub number: usize,
    /// The style's name as Word shows it ("Heading 1", "List Paragraph"); "Normal" when
    /// the paragraph names none.
    pub style: String,
    /// A list item: its level (0 for the outermost) and the list it belongs to.
    pub list: Option<(u8, String)>,
    pub runs: Vec<Run>,
    /// Tracked changes in it, in order.
    pub changes: Vec<Change>,
    pub images: Vec<Image>,
    /// The ids of the comments anchored in it.
    pub comments: Vec<String>,
    /// A page break inside or before it (dropped on import).
    pub page_break: bool,
}

impl Para {
    /// Its text as Word shows it without tracked insertions (and with deletions' text gone).
    pub fn text(&self) -> String {
        self.runs.iter().map(|r| r.text.as_str()).collect()
    }
}

#[derive(Debug, Default, Clone, PartialEq)]
pub struct Run {
    pub text: String,
    pub bold: bool,
    pub italic: bool,
    /// The address of the hyperlink the run is in.
    pub link: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub inserted: bool,
    pub text: String,
    pub author: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Image {
    /// Word's "description" (the alt text); `None` or empty when the author gave none.
    pub alt: Option<String>,
    pub name: Option<String>,
}

#[derive(Debug, Default)]
pub struct Table {
    /// The number of the paragraph the table follows, for messages.
    pub after_paragraph: usize,
    pub style: Option<String>,
    /// Rows of cells; each cell its paragraphs.
    pub rows: Vec<Vec<Vec<Para>>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Comment {
    pub id: String,
    pub author: Option<String>,
    pub text: String,
}

/// Read a `.docx` file's bytes.
pub fn read(bytes: &[u8]) -> Result<Document, String> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| format!("not a Word document (.docx): {e}"))?;
    let mut part = |name: &str| -> Result<Option<String>, String> {
        let mut file = match zip.by_name(name) {
            Ok(f) => f,
            Err(zip::result::ZipError::FileNotFound) => return Ok(None),
            Err(e) => return Err(format!("{name}: {e}")),
        };
        // A limit against a zip bomb: no committee report's XML is 64 MiB.
        let mut text = String::new();
        (&mut file).take(64 << 20).read_to_string(&mut text).map_err(|e| format!("{name}: {e}"))?;
        Ok(Some(text))
    };
    let body = part("word/document.xml")?.ok_or("not a Word document: it has no word/document.xml")?;
    let styles = part("word/styles.xml")?.map(|s| style_names(&s)).transpose()?.unwrap_or_default();
    let links = part("word/_rels/document.xml.rels")?.map(|s| relationships(&s)).transpose()?.unwrap_or_default();
    let comments = part("word/comments.xml")?.map(|s| comments(&s)).transpose()?.unwrap_or_default();
    let blocks = body_blocks(&body, &styles, &links)?;
    Ok(Document { blocks, comments })
}

fn attr(e: &BytesStart, name: &[u8]) -> Option<String> {
    e.attributes().flatten().find(|a| a.key.as_ref() == name).and_then(|a| a.unescape_value().ok()).map(|v| v.into_owned())
}

/// `w:b`, `w:i`: on unless `w:val` says "0", "false" or "none".
fn on(e: &BytesStart) -> bool {
    !matches!(attr(e, b"w:val").as_deref(), Some("0" | "false" | "none"))
}

fn xml_err(part: &str) -> impl Fn(quick_xml::Error) -> String + '_ {
    move |e| format!("{part} is not readable XML: {e}")
}

/// Style id -> name ("Heading1" -> "Heading 1" in English Word; other languages name
/// their built-in styles in their language, and the id is what paragraphs cite).
fn style_names(xml: &str) -> Result<HashMap<String, String>, String> {
    let mut r = Reader::from_str(xml);
    let mut out = HashMap::new();
    let mut current: Option<String> = None;
    loop {
        match r.read_event().map_err(xml_err("word/styles.xml"))? {
            Event::Start(e) if e.name().as_ref() == b"w:style" => current = attr(&e, b"w:styleId"),
            Event::Empty(e) | Event::Start(e) if e.name().as_ref() == b"w:name" => {
                if let (Some(id), Some(name)) = (current.clone(), attr(&e, b"w:val")) {
                    out.insert(id, name);
                }
            }
            Event::End(e) if e.name().as_ref() == b"w:style" => current = None,
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(out)
}

/// Relationship id -> target (hyperlinks' addresses).
fn relationships(xml: &str) -> Result<HashMap<String, String>, String> {
    let mut r = Reader::from_str(xml);
    let mut out = HashMap::new();
    loop {
        match r.read_event().map_err(xml_err("word/_rels/document.xml.rels"))? {
            Event::Empty(e) | Event::Start(e) if e.name().as_ref() == b"Relationship" => {
                if let (Some(id), Some(target)) = (attr(&e, b"Id"), attr(&e, b"Target")) {
                    out.insert(id, target);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(out)
}

fn comments(xml: &str) -> Result<Vec<Comment>, String> {
    let mut r = Reader::from_str(xml);
    let mut out = Vec::new();
    let mut current: Option<Comment> = None;
    let mut in_text = false;
    loop {
        match r.read_event().map_err(xml_err("word/comments.xml"))? {
            Event::Start(e) if e.name().as_ref() == b"w:comment" => {
                current = Some(Comment { id: attr(&e, b"w:id").unwrap_or_default(), author: attr(&e, b"w:author"), text: String::new() })
            }
            Event::Start(e) if e.name().as_ref() == b"w:t" => in_text = true,
            Event::End(e) if e.name().as_ref() == b"w:t" => in_text = false,
            Event::Text(t) if in_text => {
                if let Some(c) = current.as_mut() {
                    c.text.push_str(&t.decode().map_err(|e| format!("word/comments.xml: {e}"))?);
                }
            }
            Event::End(e) if e.name().as_ref() == b"w:comment" => out.extend(current.take()),
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(out)
}

/// Where the reader is inside a paragraph.
#[derive(Default)]
struct RunState {
    bold: bool,
    italic: bool,
    in_text: bool,
    /// Inside `w:ins` / `w:del`: (inserted, author).
    change: Option<(bool, Option<String>)>,
    link: Option<String>,
    /// Inside a field's code (between `begin`/`instrText` and `separate`): not shown.
    in_field_code: bool,
    in_del_text: bool,
}

fn body_blocks(xml: &str, styles: &HashMap<String, String>, links: &HashMap<String, String>) -> Result<Vec<Block>, String> {
    let mut r = Reader::from_str(xml);
    let mut blocks = Vec::new();
    let mut count = 0usize;
    // Tables nest (a table in a cell): a stack of tables being read, each with its rows.
    let mut tables: Vec<Table> = Vec::new();
    let mut para: Option<Para> = None;
    let mut st = RunState::default();
    let name_of = |id: &str| styles.get(id).cloned().unwrap_or_else(|| id.to_string());
    loop {
        let ev = r.read_event().map_err(xml_err("word/document.xml"))?;
        match ev {
            Event::Start(e) if e.name().as_ref() == b"w:p" && para.is_none() => {
                count += 1;
                para = Some(Para { number: count, style: "Normal".into(), ..Para::default() });
            }
            Event::Empty(e) if e.name().as_ref() == b"w:p" && para.is_none() => {
                // An empty paragraph (`<w:p/>`): a blank line, nothing to import.
                count += 1;
                let p = Para { number: count, style: "Normal".into(), ..Para::default() };
                place(p, &mut tables, &mut blocks);
            }
            Event::End(e) if e.name().as_ref() == b"w:p" => {
                if let Some(p) = para.take() {
                    place(p, &mut tables, &mut blocks);
                }
                st = RunState::default();
            }
            Event::Start(e) => {
                let n = e.name();
                match n.as_ref() {
                    b"w:tbl" => tables.push(Table { after_paragraph: count, ..Table::default() }),
                    b"w:tr" => {
                        if let Some(t) = tables.last_mut() {
                            t.rows.push(Vec::new())
                        }
                    }
                    b"w:tc" => {
                        if let Some(row) = tables.last_mut().and_then(|t| t.rows.last_mut()) {
                            row.push(Vec::new())
                        }
                    }
                    b"w:r" => {
                        st.bold = false;
                        st.italic = false;
                    }
                    b"w:t" => st.in_text = true,
                    b"w:delText" => st.in_del_text = true,
                    b"w:ins" | b"w:del" => st.change = Some((n.as_ref() == b"w:ins", attr(&e, b"w:author"))),
                    b"w:hyperlink" => {
                        st.link = attr(&e, b"r:id").and_then(|id| links.get(&id).cloned()).or_else(|| attr(&e, b"w:anchor").map(|a| format!("#{a}")))
                    }
                    b"w:instrText" => st.in_field_code = true,
                    _ => {}
                }
                empty_or_start(&e, &mut para, &mut st, &name_of);
            }
            Event::Empty(e) => empty_or_start(&e, &mut para, &mut st, &name_of),
            Event::End(e) => match e.name().as_ref() {
                b"w:tbl" => {
                    if let Some(t) = tables.pop() {
                        match tables.last_mut() {
                            // A table inside a cell: its text joins the cell's paragraphs.
                            Some(outer) => {
                                if let Some(cell) = outer.rows.last_mut().and_then(|row| row.last_mut()) {
                                    cell.extend(t.rows.into_iter().flatten().flatten());
                                }
                            }
                            None => blocks.push(Block::Table(t)),
                        }
                    }
                }
                b"w:t" => st.in_text = false,
                b"w:delText" => st.in_del_text = false,
                b"w:ins" | b"w:del" => st.change = None,
                b"w:hyperlink" => st.link = None,
                b"w:instrText" => st.in_field_code = false,
                _ => {}
            },
            Event::Text(t) => {
                let Some(p) = para.as_mut() else { continue };
                let text = t.decode().map_err(|e| format!("word/document.xml: {e}"))?.into_owned();
                if st.in_del_text {
                    if let Some((_, author)) = &st.change {
                        push_change(p, false, &text, author.clone());
                    }
                } else if st.in_text && !st.in_field_code {
                    match &st.change {
                        Some((true, author)) => push_change(p, true, &text, author.clone()),
                        Some((false, _)) => {}
                        None => push_run(p, Run { text, bold: st.bold, italic: st.italic, link: st.link.clone() }),
                    }
                }
            }
            Event::GeneralRef(g) => {
                // Character references (&amp; and friends) arrive apart from the text.
                let Some(p) = para.as_mut() else { continue };
                if st.in_text && !st.in_field_code && st.change.is_none() {
                    let name = String::from_utf8_lossy(g.as_ref()).into_owned();
                    let ch = match name.as_str() {
                        "amp" => "&".to_string(),
                        "lt" => "<".to_string(),
                        "gt" => ">".to_string(),
                        "quot" => "\"".to_string(),
                        "apos" => "'".to_string(),
                        other => other
                            .strip_prefix("#x")
                            .and_then(|h| u32::from_str_radix(h, 16).ok())
                            .or_else(|| other.strip_prefix('#').and_then(|d| d.parse().ok()))
                            .and_then(char::from_u32)
                            .map(String::from)
                            .unwrap_or_default(),
                    };
                    push_run(p, Run { text: ch, bold: st.bold, italic: st.italic, link: st.link.clone() });
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(blocks)
}

/// Properties and marks that come as elements of their own (empty or not).
fn empty_or_start(e: &BytesStart, para: &mut Option<Para>, st: &mut RunState, name_of: &dyn Fn(&str) -> String) {
    let Some(p) = para.as_mut() else { return };
    match e.name().as_ref() {
        b"w:pStyle" => {
            if let Some(id) = attr(e, b"w:val") {
                p.style = name_of(&id);
            }
        }
        b"w:ilvl" => {
            let level = attr(e, b"w:val").and_then(|v| v.parse().ok()).unwrap_or(0);
            p.list = Some((level, p.list.take().map(|(_, id)| id).unwrap_or_default()));
        }
        b"w:numId" => {
            let id = attr(e, b"w:val").unwrap_or_default();
            // numId 0 means "no list".
            if id != "0" {
                p.list = Some((p.list.take().map(|(l, _)| l).unwrap_or(0), id));
            } else {
                p.list = None;
            }
        }
        b"w:b" => st.bold = on(e),
        b"w:i" => st.italic = on(e),
        b"w:tab" if st.in_text || !p.runs.is_empty() => push_run(p, Run { text: "\t".into(), ..Run::default() }),
        b"w:br" => {
            if attr(e, b"w:type").as_deref() == Some("page") {
                p.page_break = true;
            } else {
                push_run(p, Run { text: "\n".into(), bold: st.bold, italic: st.italic, link: st.link.clone() });
            }
        }
        b"w:pageBreakBefore" => p.page_break = on(e),
        b"w:fldChar" => match attr(e, b"w:fldCharType").as_deref() {
            Some("begin") => st.in_field_code = true,
            // The field's shown value follows `separate`.
            Some("separate") | Some("end") => st.in_field_code = false,
            _ => {}
        },
        // The drawing's properties: Word keeps the alt text in `descr`.
        b"wp:docPr" => p.images.push(Image { alt: attr(e, b"descr").map(|d| d.trim().to_string()).filter(|d| !d.is_empty()), name: attr(e, b"name") }),
        b"w:commentRangeStart" | b"w:commentReference" => {
            if let Some(id) = attr(e, b"w:id") {
                if !p.comments.contains(&id) {
                    p.comments.push(id);
                }
            }
        }
        _ => {}
    }
}

/// A finished paragraph goes into the cell being read, or else into the body.
fn place(p: Para, tables: &mut [Table], blocks: &mut Vec<Block>) {
    match tables.last_mut() {
        Some(t) => {
            if let Some(cell) = t.rows.last_mut().and_then(|row| row.last_mut()) {
                cell.push(p);
            }
        }
        None => blocks.push(Block::Para(p)),
    }
}

fn push_run(p: &mut Para, run: Run) {
    if run.text.is_empty() {
        return;
    }
    match p.runs.last_mut() {
        // Word splits text into many runs of the same look: join them.
        Some(last) if last.bold == run.bold && last.italic == run.italic && last.link == run.link => last.text.push_str(&run.text),
        _ => p.runs.push(run),
    }
}

fn push_change(p: &mut Para, inserted: bool, text: &str, author: Option<String>) {
    match p.changes.last_mut() {
        Some(c) if c.inserted == inserted && c.author == author => c.text.push_str(text),
        _ => p.changes.push(Change { inserted, text: text.to_string(), author }),
    }
}
