//! The reader on Word files made by `tests/fixtures/docx/make.sh` (pandoc's Word output:
//! built-in styles, real numbering, tracked changes, comments, a style of the author's).

use agendum_docx::{read, Block, Para};

fn fixture(name: &str) -> agendum_docx::Document {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/docx").join(name);
    read(&std::fs::read(&path).unwrap()).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn paras(doc: &agendum_docx::Document) -> Vec<&Para> {
    doc.blocks.iter().filter_map(|b| if let Block::Para(p) = b { Some(p) } else { None }).collect()
}

#[test]
fn styles_runs_lists_links_tables_and_images_come_through() {
    let doc = fixture("report.docx");
    let ps = paras(&doc);
    let styled: Vec<(&str, String)> = ps.iter().map(|p| (p.style.as_str(), p.text())).collect();
    assert_eq!(styled[0], ("Title", "Shared Services with the Royal Borough of Kingston upon Thames".to_string()));
    assert!(styled.contains(&("Heading 1", "Reason for report".to_string())), "{styled:?}");
    assert!(styled.contains(&("Heading 1", "Recommendations".to_string())));
    // Bold and italic runs, joined where Word split them, and the link's address.
    let reason = ps.iter().find(|p| p.text().starts_with("To seek")).unwrap();
    assert!(reason.runs.iter().any(|r| r.bold && r.text == "Executive’s"), "{:?}", reason.runs);
    assert!(reason.runs.iter().any(|r| r.italic && r.text == "shared"));
    assert!(reason.runs.iter().any(|r| r.link.as_deref() == Some("https://example.gov.uk/forward-plan") && r.text == "forward plan"));
    // Numbered and nested bullet lists: their level and list.
    let rec = ps.iter().find(|p| p.text().starts_with("That the Executive agrees")).unwrap();
    let mark = rec.list.as_ref().unwrap();
    assert_eq!((mark.level, mark.format.as_str(), mark.is_bullet()), (0, "decimal", false), "{mark:?}");
    let nested = ps.iter().find(|p| p.text() == "a shared head of service").unwrap();
    let mark = nested.list.as_ref().unwrap();
    assert_eq!((mark.level, mark.is_bullet()), (1, true), "{mark:?}");
    // The table, cell by cell.
    let table = doc.blocks.iter().find_map(|b| if let Block::Table(t) = b { Some(t) } else { None }).unwrap();
    let cells: Vec<Vec<String>> = table.rows.iter().map(|r| r.iter().map(|c| c.iter().map(|p| p.text()).collect::<String>()).collect()).collect();
    assert_eq!(cells, vec![vec!["Service", "Cost"], vec!["Legal", "£1,000"], vec!["Audit", "£2,000"]]);
    assert_eq!(table.style.as_deref(), Some("Table"), "pandoc's table style, by name");
    // The picture and its alt text (Word's description).
    let alts: Vec<Option<String>> = ps.iter().flat_map(|p| p.images.iter().map(|i| i.alt.clone())).collect();
    // (pandoc sets typographic apostrophes.)
    assert_eq!(alts, vec![Some("The two councils’ shared services, by year".to_string())]);
    // Its bytes, from the part its relationship names: a PNG.
    let image = ps.iter().flat_map(|p| p.images.iter()).next().unwrap();
    assert!(image.part.as_deref().is_some_and(|p| p.starts_with("word/media/")), "{:?}", image.part);
    assert!(image.data.starts_with(b"\x89PNG"), "{} bytes", image.data.len());
    // The footnote: its reference in place, its text apart.
    let noted = ps.iter().find(|p| p.text().starts_with("The two councils compared")).unwrap();
    let id = noted.runs.iter().find_map(|r| r.footnote.clone()).expect("a footnote reference");
    assert_eq!(doc.footnotes[&id], "Figures for 2011/12.");
    // No tracked change, no comment.
    assert!(ps.iter().all(|p| p.changes.is_empty() && p.comments.is_empty()) && doc.comments.is_empty());
    // Paragraph numbers count the body in order.
    let numbers: Vec<usize> = ps.iter().map(|p| p.number).collect();
    assert!(numbers.windows(2).all(|w| w[0] < w[1]));
}

#[test]
fn tracked_changes_and_comments_are_kept_apart() {
    let doc = fixture("tracked.docx");
    let ps = paras(&doc);
    let start = ps.iter().find(|p| p.text().starts_with("The arrangement starts")).unwrap();
    // The text with the changes accepted; the changes in place, marked; and listed with
    // their author.
    assert_eq!(start.text(), "The arrangement starts on 1 October.");
    let original: String = start.runs.iter().filter(|r| !r.inserted).map(|r| r.text.as_str()).collect();
    assert_eq!(original, "The arrangement starts in September.");
    assert_eq!(start.changes.len(), 2, "{:?}", start.changes);
    assert!(start.changes[0].inserted && start.changes[0].text == "on 1 October" && start.changes[0].author.as_deref() == Some("A. Officer"));
    assert!(!start.changes[1].inserted && start.changes[1].text == "in September", "{:?}", start.changes);
    let commented = ps.iter().find(|p| p.text().contains("their services")).unwrap();
    assert_eq!(commented.comments.len(), 1);
    assert_eq!(doc.comments.len(), 1);
    assert_eq!(doc.comments[0].author.as_deref(), Some("Clerk"));
    assert!(doc.comments[0].text.contains("Which year"));
}

#[test]
fn odd_styles_placeholders_and_pictures_without_alt_are_visible() {
    let doc = fixture("problems.docx");
    let ps = paras(&doc);
    assert!(
        ps.iter().any(|p| p.style == "Odd Style" && p.text() == "A paragraph in a style no map knows."),
        "{:?}",
        ps.iter().map(|p| &p.style).collect::<Vec<_>>()
    );
    assert!(ps.iter().any(|p| p.text().contains("Click here to enter text.")));
    let alts: Vec<Option<String>> = ps.iter().flat_map(|p| p.images.iter().map(|i| i.alt.clone())).collect();
    assert_eq!(alts, vec![None]);
}

#[test]
fn what_is_not_a_word_document_is_refused_plainly() {
    assert!(read(b"not a zip").unwrap_err().contains("not a Word document"));
    // A zip without word/document.xml.
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut w = zip::ZipWriter::new(&mut buf);
        w.start_file("hello.txt", zip::write::SimpleFileOptions::default()).unwrap();
        std::io::Write::write_all(&mut w, b"hi").unwrap();
        w.finish().unwrap();
    }
    assert!(read(buf.get_ref()).unwrap_err().contains("no word/document.xml"));
}

/// A .docx holding `body` (WordprocessingML inside `w:body`), for what pandoc never writes.
fn docx_with(body: &str) -> Vec<u8> {
    docx_with_parts(body, &[])
}

fn docx_with_parts(body: &str, parts: &[(&str, &str)]) -> Vec<u8> {
    let xml = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"><w:body>{body}</w:body></w:document>"#
    );
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut w = zip::ZipWriter::new(&mut buf);
        w.start_file("word/document.xml", zip::write::SimpleFileOptions::default()).unwrap();
        std::io::Write::write_all(&mut w, xml.as_bytes()).unwrap();
        for (name, text) in parts {
            w.start_file(*name, zip::write::SimpleFileOptions::default()).unwrap();
            std::io::Write::write_all(&mut w, text.as_bytes()).unwrap();
        }
        w.finish().unwrap();
    }
    buf.into_inner()
}

#[test]
fn page_headers_and_footers_are_read_for_what_they_say() {
    let header = r#"<w:hdr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:p><w:r><w:t>NOT FOR</w:t></w:r><w:r><w:t xml:space="preserve"> PUBLICATION</w:t></w:r></w:p></w:hdr>"#;
    let footer = r#"<w:ftr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:p><w:r><w:t>Page</w:t></w:r></w:p></w:ftr>"#;
    let doc = read(&docx_with_parts(r#"<w:p><w:r><w:t>Body.</w:t></w:r></w:p>"#, &[("word/header1.xml", header), ("word/footer1.xml", footer)])).unwrap();
    assert_eq!(doc.furniture, vec!["Page".to_string(), "NOT FOR PUBLICATION".to_string()]);
    assert_eq!(paras(&doc).len(), 1, "the header is not body text");
}

#[test]
fn what_word_writes_and_pandoc_does_not_is_read_as_word_shows_it() {
    let doc = read(&docx_with(concat!(
        // A text box, written twice (new and old readers): its text once, in its paragraph.
        r#"<w:p><w:r><w:t xml:space="preserve">Before </w:t></w:r><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wps:txbx><w:txbxContent><w:p><w:r><w:t>Boxed</w:t></w:r></w:p></w:txbxContent></wps:txbx></w:drawing></mc:Choice><mc:Fallback><w:pict><w:txbxContent><w:p><w:r><w:t>Boxed</w:t></w:r></w:p></w:txbxContent></w:pict></mc:Fallback></mc:AlternateContent></w:r><w:r><w:t xml:space="preserve"> after.</w:t></w:r></w:p>"#,
        // A formatting change: the old formatting (bold) is not the text's.
        r#"<w:p><w:r><w:rPr><w:i/><w:rPrChange w:id="1" w:author="A. Officer"><w:rPr><w:b/></w:rPr></w:rPrChange></w:rPr><w:t>Restyled.</w:t></w:r></w:p>"#,
        // A tracked move, and a deleted paragraph mark.
        r#"<w:p><w:pPr><w:rPr><w:del w:id="2" w:author="B"/></w:rPr></w:pPr><w:moveFrom w:id="3" w:author="B"><w:r><w:t>Moved away.</w:t></w:r></w:moveFrom><w:moveTo w:id="4" w:author="B"><w:r><w:t>Moved here.</w:t></w:r></w:moveTo></w:p>"#,
        r#"<w:p><w:r><w:t>non</w:t><w:noBreakHyphen/><w:t>key</w:t></w:r></w:p>"#,
    )))
    .unwrap();
    let ps = paras(&doc);
    assert_eq!(ps.len(), 4, "{ps:#?}");
    assert_eq!(ps[0].text().split_whitespace().collect::<Vec<_>>().join(" "), "Before Boxed after.");
    assert!(ps[1].runs.iter().all(|r| !r.bold) && ps[1].runs[0].italic, "{:?}", ps[1].runs);
    assert!(ps[1].changes.iter().any(|c| c.formatting && c.author.as_deref() == Some("A. Officer")));
    assert_eq!(ps[2].text(), "Moved here.");
    assert!(ps[2].changes.iter().any(|c| !c.inserted && c.text == "Moved away."));
    assert!(ps[2].changes.iter().any(|c| c.inserted && c.text == "Moved here."));
    assert!(ps[2].changes.iter().any(|c| c.formatting && !c.inserted), "the deleted paragraph mark: {:?}", ps[2].changes);
    assert_eq!(ps[3].text(), "non-key");
}
