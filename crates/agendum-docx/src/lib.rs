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
    /// Footnotes by id, as their text.
    pub footnotes: HashMap<String, String>,
    /// The text of each page header and footer (`word/header1.xml`, ...), one string per
    /// part: not imported, but a "NOT FOR PUBLICATION" there must not go unread.
    pub furniture: Vec<String>,
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
    /// A list item (Word's automatic numbering or bullets).
    pub list: Option<ListMark>,
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
    /// Its text with every tracked change accepted (insertions in, deletions out).
    pub fn text(&self) -> String {
        self.runs.iter().filter(|r| !r.deleted).map(|r| r.text.as_str()).collect()
    }
}

/// How Word marks a list paragraph: its level (0 for the outermost), the list it belongs
/// to, and the level's number format from `word/numbering.xml` (`bullet`, `decimal`,
/// `lowerLetter`, `lowerRoman`, ...) and text (`%1.%2.`: a multi-level, "legal" number).
#[derive(Debug, Default, Clone, PartialEq)]
pub struct ListMark {
    pub level: u8,
    pub id: String,
    pub format: String,
    pub text: String,
}

impl ListMark {
    pub fn is_bullet(&self) -> bool {
        self.format == "bullet" || self.format == "none"
    }
}

#[derive(Debug, Default, Clone, PartialEq)]
pub struct Run {
    pub text: String,
    pub bold: bool,
    pub italic: bool,
    /// The address of the hyperlink the run is in.
    pub link: Option<String>,
    /// A tracked insertion or deletion: its text is here, in place, marked.
    pub inserted: bool,
    pub deleted: bool,
    /// A footnote reference (the run's text is empty): the footnote's id.
    pub footnote: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub inserted: bool,
    pub text: String,
    pub author: Option<String>,
    /// A tracked change of formatting (or of a paragraph mark), not of text.
    pub formatting: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Image {
    /// Word's "description" (the alt text); `None` or empty when the author gave none.
    pub alt: Option<String>,
    pub name: Option<String>,
    /// The picture's part in the package (`word/media/image1.png`) and its bytes; empty
    /// for a linked (not embedded) picture.
    pub part: Option<String>,
    pub data: Vec<u8>,
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
    let mut furniture_parts: Vec<String> = zip.file_names().filter_map(|n| n.ok()).filter(|n| is_furniture_part(n)).map(|n| n.into_owned()).collect();
    furniture_parts.sort();
    let mut part = |name: &str| -> Result<Option<Vec<u8>>, String> {
        let mut file = match zip.by_name(name) {
            Ok(f) => f,
            Err(zip::result::ZipError::FileNotFound) => return Ok(None),
            Err(e) => return Err(format!("{name}: {e}")),
        };
        // A limit against a zip bomb: no committee report's part is 64 MiB.
        let mut data = Vec::new();
        (&mut file).take(64 << 20).read_to_end(&mut data).map_err(|e| format!("{name}: {e}"))?;
        Ok(Some(data))
    };
    let mut xml = |name: &str| -> Result<Option<String>, String> {
        part(name)?.map(|b| String::from_utf8(b).map_err(|_| format!("{name} is not UTF-8 text"))).transpose()
    };
    let body = xml("word/document.xml")?.ok_or("not a Word document: it has no word/document.xml")?;
    let styles = xml("word/styles.xml")?.map(|s| styles(&s)).transpose()?.unwrap_or_default();
    let lists = xml("word/numbering.xml")?.map(|s| numbering(&s)).transpose()?.unwrap_or_default();
    let links = xml("word/_rels/document.xml.rels")?.map(|s| relationships(&s)).transpose()?.unwrap_or_default();
    let comments = xml("word/comments.xml")?.map(|s| notes(&s, b"w:comment", "word/comments.xml")).transpose()?.unwrap_or_default();
    let footnotes = xml("word/footnotes.xml")?.map(|s| notes(&s, b"w:footnote", "word/footnotes.xml")).transpose()?.unwrap_or_default();
    let mut blocks = body_blocks(&body, &styles, &lists, &links)?;
    let mut furniture = Vec::new();
    for name in furniture_parts {
        if let Some(text) = xml(&name)? {
            furniture.push(plain_text(&text, &name)?);
        }
    }
    // The pictures' bytes, from the parts their relationships name.
    let mut images: Vec<&mut Image> = Vec::new();
    for b in blocks.iter_mut() {
        match b {
            Block::Para(p) => images.extend(p.images.iter_mut()),
            Block::Table(t) => images.extend(t.rows.iter_mut().flatten().flatten().flat_map(|p| p.images.iter_mut())),
        }
    }
    for img in images {
        if let Some(name) = &img.part {
            img.data = part(name)?.unwrap_or_default();
        }
    }
    Ok(Document {
        blocks,
        comments: comments.into_iter().map(|(id, author, text)| Comment { id, author, text }).collect(),
        footnotes: footnotes.into_iter().map(|(id, _, text)| (id, text)).collect(),
        furniture,
    })
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

/// The styles: id -> name ("Heading1" -> "Heading 1" in English Word; other languages
/// name their built-in styles in their language, and the id is what paragraphs cite), and
/// the list a paragraph style numbers its paragraphs in (`List Number`, a council's
/// "Numbered Para").
#[derive(Default)]
struct Styles {
    names: HashMap<String, String>,
    lists: HashMap<String, (u8, String)>,
}

fn styles(xml: &str) -> Result<Styles, String> {
    let mut r = Reader::from_str(xml);
    let mut out = Styles::default();
    let mut current: Option<String> = None;
    loop {
        match r.read_event().map_err(xml_err("word/styles.xml"))? {
            Event::Start(e) if e.name().as_ref() == b"w:style" => current = attr(&e, b"w:styleId"),
            Event::Empty(e) | Event::Start(e) => {
                let Some(id) = current.clone() else { continue };
                match e.name().as_ref() {
                    b"w:name" => {
                        if let Some(name) = attr(&e, b"w:val") {
                            out.names.insert(id, name);
                        }
                    }
                    b"w:numId" => {
                        let num = attr(&e, b"w:val").unwrap_or_default();
                        out.lists.entry(id).or_insert((0, String::new())).1 = num;
                    }
                    b"w:ilvl" => {
                        let level = attr(&e, b"w:val").and_then(|v| v.parse().ok()).unwrap_or(0);
                        out.lists.entry(id).or_insert((0, String::new())).0 = level;
                    }
                    _ => {}
                }
            }
            Event::End(e) if e.name().as_ref() == b"w:style" => current = None,
            Event::Eof => break,
            _ => {}
        }
    }
    out.lists.retain(|_, (_, num)| !num.is_empty() && num != "0");
    Ok(out)
}

/// List id -> each level's (format, text).
type Lists = HashMap<String, HashMap<u8, (String, String)>>;

/// `word/numbering.xml`: list id -> each level's (format, text).
fn numbering(xml: &str) -> Result<Lists, String> {
    let mut r = Reader::from_str(xml);
    let mut abstracts: HashMap<String, HashMap<u8, (String, String)>> = HashMap::new();
    let mut nums: Vec<(String, String)> = Vec::new();
    let (mut abs, mut level, mut num): (Option<String>, Option<u8>, Option<String>) = (None, None, None);
    loop {
        match r.read_event().map_err(xml_err("word/numbering.xml"))? {
            Event::Start(e) | Event::Empty(e) => match e.name().as_ref() {
                b"w:abstractNum" => abs = attr(&e, b"w:abstractNumId"),
                b"w:lvl" => level = attr(&e, b"w:ilvl").and_then(|v| v.parse().ok()),
                b"w:numFmt" | b"w:lvlText" => {
                    if let (Some(a), Some(l)) = (&abs, level) {
                        let entry = abstracts.entry(a.clone()).or_default().entry(l).or_default();
                        let v = attr(&e, b"w:val").unwrap_or_default();
                        if e.name().as_ref() == b"w:numFmt" {
                            entry.0 = v
                        } else {
                            entry.1 = v
                        }
                    }
                }
                b"w:num" => num = attr(&e, b"w:numId"),
                b"w:abstractNumId" => {
                    if let (Some(n), Some(a)) = (&num, attr(&e, b"w:val")) {
                        nums.push((n.clone(), a));
                    }
                }
                _ => {}
            },
            Event::End(e) => match e.name().as_ref() {
                b"w:abstractNum" => abs = None,
                b"w:lvl" => level = None,
                b"w:num" => num = None,
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(nums.into_iter().filter_map(|(n, a)| abstracts.get(&a).map(|levels| (n, levels.clone()))).collect())
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

/// Comments or footnotes: (id, author, plain text), paragraphs joined by a space.
/// Word's separator footnotes (those with a `w:type`) are not the author's.
fn notes(xml: &str, element: &[u8], part: &str) -> Result<Vec<(String, Option<String>, String)>, String> {
    let mut r = Reader::from_str(xml);
    let mut out = Vec::new();
    let mut current: Option<(String, Option<String>, String)> = None;
    let mut in_text = false;
    loop {
        match r.read_event().map_err(xml_err(part))? {
            Event::Start(e) if e.name().as_ref() == element => {
                current = attr(&e, b"w:type").is_none().then(|| (attr(&e, b"w:id").unwrap_or_default(), attr(&e, b"w:author"), String::new()))
            }
            Event::Start(e) if e.name().as_ref() == b"w:t" => in_text = true,
            Event::End(e) if e.name().as_ref() == b"w:t" => in_text = false,
            Event::End(e) if e.name().as_ref() == b"w:p" => {
                if let Some(c) = current.as_mut().filter(|c| !c.2.is_empty() && !c.2.ends_with(' ')) {
                    c.2.push(' ');
                }
            }
            Event::Text(t) if in_text => {
                if let Some(c) = current.as_mut() {
                    c.2.push_str(&t.decode().map_err(|e| format!("{part}: {e}"))?);
                }
            }
            Event::GeneralRef(g) if in_text => {
                if let Some(c) = current.as_mut() {
                    c.2.push_str(&character(&g));
                }
            }
            Event::End(e) if e.name().as_ref() == element => {
                if let Some(mut c) = current.take() {
                    c.2 = c.2.trim().to_string();
                    out.push(c);
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(out)
}

/// `word/header1.xml`, `word/footer2.xml`: the page furniture's parts.
fn is_furniture_part(name: &str) -> bool {
    name.strip_prefix("word/").is_some_and(|n| (n.starts_with("header") || n.starts_with("footer")) && n.ends_with(".xml") && !n.contains('/'))
}

/// A part's shown text (`w:t`), paragraphs apart by a space.
fn plain_text(xml: &str, part: &str) -> Result<String, String> {
    let mut r = Reader::from_str(xml);
    let (mut out, mut in_text) = (String::new(), false);
    loop {
        match r.read_event().map_err(xml_err(part))? {
            Event::Start(e) if e.name().as_ref() == b"w:t" => in_text = true,
            Event::End(e) if e.name().as_ref() == b"w:t" => in_text = false,
            Event::End(e) if e.name().as_ref() == b"w:p" => out.push(' '),
            Event::Text(t) if in_text => out.push_str(&t.decode().map_err(|e| format!("{part}: {e}"))?),
            Event::GeneralRef(g) if in_text => out.push_str(&character(&g)),
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(out.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// A character reference (`&amp;`, `&#x2019;`) as its text.
fn character(g: &[u8]) -> String {
    let name = String::from_utf8_lossy(g);
    match name.as_ref() {
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
    }
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
    /// The paragraph's style id, for the list its style carries.
    style_id: Option<String>,
}

fn body_blocks(xml: &str, styles: &Styles, lists: &Lists, links: &HashMap<String, String>) -> Result<Vec<Block>, String> {
    let mut r = Reader::from_str(xml);
    let mut blocks = Vec::new();
    let mut count = 0usize;
    // Tables nest (a table in a cell): a stack of tables being read, each with its rows.
    let mut tables: Vec<Table> = Vec::new();
    let mut para: Option<Para> = None;
    let mut st = RunState::default();
    let name_of = |id: &str| styles.names.get(id).cloned().unwrap_or_else(|| id.to_string());
    // A finished paragraph: its list from its style if it names none itself (`numId` 0
    // in the paragraph turns the style's list off), and the list level's format.
    let finish = |mut p: Para, style_id: &Option<String>| {
        if p.list.is_none() {
            if let Some((level, id)) = style_id.as_ref().and_then(|s| styles.lists.get(s)) {
                p.list = Some(ListMark { level: *level, id: id.clone(), ..ListMark::default() });
            }
        }
        if let Some(mark) = p.list.as_mut() {
            if mark.id.is_empty() || mark.id == "0" {
                p.list = None;
            } else if let Some((format, text)) = lists.get(&mark.id).and_then(|levels| levels.get(&mark.level)) {
                mark.format = format.clone();
                mark.text = text.clone();
            } else {
                // A list numbering.xml does not describe: Word shows numbers.
                mark.format = "decimal".into();
            }
        }
        p
    };
    // Inside a text box (`w:txbxContent`): its paragraphs join the paragraph that holds it.
    let mut in_text_box = 0usize;
    loop {
        let ev = r.read_event().map_err(xml_err("word/document.xml"))?;
        match ev {
            // Word writes a drawing twice, for new readers and old (`mc:Fallback`): the
            // old one's text would come twice. A formatting change's record holds the old
            // formatting (bold, a style): neither is the text as shown.
            Event::Start(e)
                if matches!(e.name().as_ref(), b"mc:Fallback" | b"w:rPrChange" | b"w:pPrChange" | b"w:tblPrChange" | b"w:trPrChange" | b"w:tcPrChange") =>
            {
                if e.name().as_ref() != b"mc:Fallback" {
                    if let Some(p) = para.as_mut() {
                        p.changes.push(Change { inserted: false, text: String::new(), author: attr(&e, b"w:author"), formatting: true });
                    }
                }
                r.read_to_end(e.name()).map_err(xml_err("word/document.xml"))?;
            }
            Event::Start(e) if e.name().as_ref() == b"w:txbxContent" => in_text_box += 1,
            Event::End(e) if e.name().as_ref() == b"w:txbxContent" => in_text_box = in_text_box.saturating_sub(1),
            Event::Start(e) | Event::Empty(e) if e.name().as_ref() == b"w:p" && in_text_box > 0 => {}
            Event::End(e) if e.name().as_ref() == b"w:p" && in_text_box > 0 => {
                if let Some(p) = para.as_mut() {
                    push_run(p, Run { text: " ".into(), ..Run::default() });
                }
            }
            Event::Start(e) if e.name().as_ref() == b"w:p" && para.is_none() => {
                count += 1;
                para = Some(Para { number: count, style: "Normal".into(), ..Para::default() });
            }
            Event::Empty(e) if e.name().as_ref() == b"w:p" && para.is_none() => {
                // An empty paragraph (`<w:p/>`): a blank line, nothing to import.
                count += 1;
                let p = Para { number: count, style: "Normal".into(), ..Para::default() };
                place(finish(p, &None), &mut tables, &mut blocks);
            }
            Event::End(e) if e.name().as_ref() == b"w:p" => {
                if let Some(p) = para.take() {
                    place(finish(p, &st.style_id), &mut tables, &mut blocks);
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
                    // A tracked move is a deletion where it was and an insertion where it went.
                    b"w:ins" | b"w:del" | b"w:moveTo" | b"w:moveFrom" => {
                        st.change = Some((matches!(n.as_ref(), b"w:ins" | b"w:moveTo"), attr(&e, b"w:author")))
                    }
                    b"w:hyperlink" => {
                        st.link = attr(&e, b"r:id").and_then(|id| links.get(&id).cloned()).or_else(|| attr(&e, b"w:anchor").map(|a| format!("#{a}")))
                    }
                    b"w:instrText" => st.in_field_code = true,
                    _ => {}
                }
                empty_or_start(&e, &mut para, &mut st, &name_of, links);
            }
            // An empty `w:ins`/`w:del`: a paragraph mark inserted or deleted (paragraphs
            // split or joined), a tracked change with no text of its own.
            Event::Empty(e) if matches!(e.name().as_ref(), b"w:ins" | b"w:del") => {
                if let Some(p) = para.as_mut() {
                    p.changes.push(Change { inserted: e.name().as_ref() == b"w:ins", text: String::new(), author: attr(&e, b"w:author"), formatting: true });
                }
            }
            // The table's style (`w:tblPr`), before its rows.
            Event::Empty(e) if e.name().as_ref() == b"w:tblStyle" && para.is_none() => {
                if let (Some(t), Some(id)) = (tables.last_mut(), attr(&e, b"w:val")) {
                    t.style = Some(name_of(&id));
                }
            }
            Event::Empty(e) => empty_or_start(&e, &mut para, &mut st, &name_of, links),
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
                b"w:ins" | b"w:del" | b"w:moveTo" | b"w:moveFrom" => st.change = None,
                b"w:hyperlink" => st.link = None,
                b"w:instrText" => st.in_field_code = false,
                _ => {}
            },
            Event::Text(t) => {
                let Some(p) = para.as_mut() else { continue };
                let text = t.decode().map_err(|e| format!("word/document.xml: {e}"))?.into_owned();
                text_in(p, &st, text);
            }
            Event::GeneralRef(g) => {
                // Character references (&amp; and friends) arrive apart from the text.
                let Some(p) = para.as_mut() else { continue };
                text_in(p, &st, character(&g));
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(blocks)
}

/// Text read inside a paragraph: shown text, or a tracked change's (kept in place, marked,
/// and listed in `changes`); a field's code is not shown.
fn text_in(p: &mut Para, st: &RunState, text: String) {
    let run =
        |inserted: bool, deleted: bool| Run { text: text.clone(), bold: st.bold, italic: st.italic, link: st.link.clone(), inserted, deleted, footnote: None };
    if st.in_del_text {
        if let Some((_, author)) = &st.change {
            push_change(p, false, &text, author.clone());
            push_run(p, run(false, true));
        }
    } else if st.in_text && !st.in_field_code {
        match &st.change {
            Some((true, author)) => {
                push_change(p, true, &text, author.clone());
                push_run(p, run(true, false));
            }
            // A moved-away run keeps its text in `w:t`.
            Some((false, author)) => {
                push_change(p, false, &text, author.clone());
                push_run(p, run(false, true));
            }
            None => push_run(p, run(false, false)),
        }
    }
}

/// Properties and marks that come as elements of their own (empty or not).
fn empty_or_start(e: &BytesStart, para: &mut Option<Para>, st: &mut RunState, name_of: &dyn Fn(&str) -> String, links: &HashMap<String, String>) {
    let Some(p) = para.as_mut() else { return };
    match e.name().as_ref() {
        b"w:pStyle" => {
            if let Some(id) = attr(e, b"w:val") {
                p.style = name_of(&id);
                st.style_id = Some(id);
            }
        }
        b"w:ilvl" => p.list.get_or_insert_with(ListMark::default).level = attr(e, b"w:val").and_then(|v| v.parse().ok()).unwrap_or(0),
        // numId 0 means "no list" (kept as "0" so that the style's list is not used).
        b"w:numId" => p.list.get_or_insert_with(ListMark::default).id = attr(e, b"w:val").unwrap_or_default(),
        b"w:b" => st.bold = on(e),
        b"w:i" => st.italic = on(e),
        b"w:tab" if st.in_text || !p.runs.is_empty() => push_run(p, Run { text: "\t".into(), ..Run::default() }),
        b"w:br" => {
            if attr(e, b"w:type").as_deref() == Some("page") {
                p.page_break = true;
            } else {
                push_run(p, Run { text: "\n".into(), bold: st.bold, italic: st.italic, link: st.link.clone(), ..Run::default() });
            }
        }
        b"w:noBreakHyphen" => push_run(p, Run { text: "-".into(), bold: st.bold, italic: st.italic, link: st.link.clone(), ..Run::default() }),
        b"w:cr" => push_run(p, Run { text: "\n".into(), bold: st.bold, italic: st.italic, link: st.link.clone(), ..Run::default() }),
        b"w:footnoteReference" => {
            if let Some(id) = attr(e, b"w:id") {
                p.runs.push(Run { footnote: Some(id), ..Run::default() });
            }
        }
        // The picture's bytes are in the part its relationship names.
        b"a:blip" => {
            if let (Some(img), Some(target)) = (p.images.last_mut(), attr(e, b"r:embed").and_then(|id| links.get(&id).cloned())) {
                img.part = Some(format!("word/{}", target.trim_start_matches('/').trim_start_matches("word/")));
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
        b"wp:docPr" => p.images.push(Image {
            alt: attr(e, b"descr").map(|d| d.trim().to_string()).filter(|d| !d.is_empty()),
            name: attr(e, b"name"),
            part: None,
            data: Vec::new(),
        }),
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
        Some(last)
            if last.footnote.is_none()
                && (last.bold, last.italic, &last.link, last.inserted, last.deleted) == (run.bold, run.italic, &run.link, run.inserted, run.deleted) =>
        {
            last.text.push_str(&run.text)
        }
        _ => p.runs.push(run),
    }
}

fn push_change(p: &mut Para, inserted: bool, text: &str, author: Option<String>) {
    match p.changes.last_mut() {
        Some(c) if c.inserted == inserted && c.author == author && !c.formatting => c.text.push_str(text),
        _ => p.changes.push(Change { inserted, text: text.to_string(), author, formatting: false }),
    }
}
