//! Agenda packs composed from PDFs already made, so that each report is laid out once.
//!
//! A pack is its front sheet (the agenda, laid out by Typst with the page each item starts
//! on) followed by the item PDFs as they were published and each procedural document's
//! own PDF. The parts are joined at the level of PDF objects: pages, the tag tree
//! (each part's `Document` element becomes a `Part` of the pack's), the parent tree
//! (renumbered), element ids, named destinations, role maps and bookmarks (nested under
//! the front sheet's, "Item N: " before each part's first). The pack's page numbers are
//! laid out apart (`furniture.typ`, one page per pack page) and drawn over each page as a
//! pagination artifact. The front sheet's `agendum-item:N` links become links to the
//! first page of item N. The front sheet's catalog, metadata, output intent and document
//! identity are the pack's, so PDF/A-2b and PDF/UA-1 hold as they do for each part.

use std::collections::{BTreeMap, HashMap};

use lopdf::{Dictionary, Object, ObjectId, Stream, StringFormat};

use crate::objects::{each_ref_mut, refs_in, Doc, Obj, Objects, PlainStream};
use crate::relabel::{prefixed, Relabel};
use std::sync::Arc;

/// One part of a pack: the item it is (its agenda number) and its PDF, read.
pub struct Part {
    pub item: String,
    pub doc: Doc,
}

impl Part {
    pub fn read(item: &str, pdf: Vec<u8>) -> Res<Part> {
        Ok(Part { item: item.to_string(), doc: Doc::read(&format!("item {item}'s PDF"), pdf)? })
    }

    pub fn pages(&self) -> usize {
        self.doc.pages().len()
    }
}

type Res<T> = Result<T, String>;

fn bad<E: std::fmt::Display>(what: &'static str) -> impl Fn(E) -> String {
    move |e| format!("{what}: {e}")
}

/// The objects a key names, whether it holds one reference or an array of them.
fn refs(o: Option<&Object>) -> Vec<ObjectId> {
    match o {
        Some(Object::Reference(id)) => vec![*id],
        Some(Object::Array(a)) => a.iter().filter_map(|o| o.as_reference().ok()).collect(),
        _ => vec![],
    }
}

/// A dictionary held directly or through a reference.
fn deref_dict<'a>(doc: &'a Doc, o: &'a Object) -> Option<&'a Dictionary> {
    match o {
        Object::Reference(id) => doc.get_dictionary(*id).ok(),
        Object::Dictionary(d) => Some(d),
        _ => None,
    }
}

fn get_dict<'a>(doc: &'a Doc, d: &'a Dictionary, key: &[u8]) -> Option<&'a Dictionary> {
    d.get(key).ok().and_then(|o| deref_dict(doc, o))
}

/// Every entry of a number tree (`Nums`, or `Kids` down to them), in order.
fn number_tree(doc: &Doc, node: &Dictionary, out: &mut Vec<(i64, Object)>, depth: u32) {
    if depth > 32 {
        return;
    }
    if let Ok(nums) = node.get(b"Nums").and_then(Object::as_array) {
        for pair in nums.chunks(2) {
            if let [k, v] = pair {
                if let Ok(k) = k.as_i64() {
                    out.push((k, v.clone()));
                }
            }
        }
    }
    for kid in refs(node.get(b"Kids").ok()) {
        if let Ok(d) = doc.get_dictionary(kid) {
            number_tree(doc, d, out, depth + 1);
        }
    }
}

/// Every entry of a name tree (`Names`, or `Kids` down to them).
fn name_tree(doc: &Doc, node: &Dictionary, out: &mut Vec<(Vec<u8>, Object)>, depth: u32) {
    if depth > 32 {
        return;
    }
    if let Ok(names) = node.get(b"Names").and_then(Object::as_array) {
        for pair in names.chunks(2) {
            if let [Object::String(k, _), v] = pair {
                out.push((k.clone(), v.clone()));
            }
        }
    }
    for kid in refs(node.get(b"Kids").ok()) {
        if let Ok(d) = doc.get_dictionary(kid) {
            name_tree(doc, d, out, depth + 1);
        }
    }
}

/// A flat name tree, sorted as the format requires.
fn flat_name_tree(mut entries: Vec<(Vec<u8>, Object)>) -> Dictionary {
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    entries.dedup_by(|a, b| a.0 == b.0);
    let mut names = Vec::with_capacity(entries.len() * 2);
    for (k, v) in entries {
        names.push(Object::String(k, StringFormat::Literal));
        names.push(v);
    }
    let mut d = Dictionary::new();
    d.set("Names", Object::Array(names));
    d
}

/// A PDF text string as Rust text (UTF-16BE with its mark, or PDFDocEncoding, whose
/// printable ASCII and Latin-1 range is all Typst writes that way).
fn text_of(bytes: &[u8]) -> String {
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        let units: Vec<u16> = rest.chunks(2).map(|c| u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)])).collect();
        String::from_utf16_lossy(&units)
    } else {
        bytes.iter().map(|&b| b as char).collect()
    }
}

/// Rust text as a PDF text string: ASCII as it is, anything else as UTF-16BE.
fn text_string(s: &str) -> Object {
    if s.is_ascii() {
        return Object::String(s.as_bytes().to_vec(), StringFormat::Literal);
    }
    let mut b = vec![0xFE, 0xFF];
    for u in s.encode_utf16() {
        b.extend_from_slice(&u.to_be_bytes());
    }
    Object::String(b, StringFormat::Hexadecimal)
}

/// The siblings from `First` along `Next` (bounded: a broken chain cannot loop).
fn outline_children(doc: &Doc, node: &Dictionary) -> Vec<ObjectId> {
    let mut out = Vec::new();
    let mut at = node.get(b"First").and_then(Object::as_reference).ok();
    while let Some(id) = at {
        if out.contains(&id) || out.len() > 100_000 {
            break;
        }
        out.push(id);
        at = doc.get_dictionary(id).ok().and_then(|d| d.get(b"Next").and_then(Object::as_reference).ok());
    }
    out
}

/// Give a bookmark node the children `kids`, linked both ways.
fn set_outline_children(doc: &mut Doc, parent: ObjectId, kids: &[ObjectId]) -> Res<()> {
    for (i, &k) in kids.iter().enumerate() {
        let d = doc.get_dictionary_mut(k).map_err(bad("bookmark"))?;
        d.set("Parent", parent);
        d.remove(b"Prev");
        d.remove(b"Next");
        if i > 0 {
            d.set("Prev", kids[i - 1]);
        }
        if let Some(&n) = kids.get(i + 1) {
            d.set("Next", n);
        }
    }
    let p = doc.get_dictionary_mut(parent).map_err(bad("bookmark"))?;
    match (kids.first(), kids.last()) {
        (Some(&f), Some(&l)) => {
            p.set("First", f);
            p.set("Last", l);
        }
        _ => {
            p.remove(b"First");
            p.remove(b"Last");
        }
    }
    Ok(())
}

/// Set `Count` through the bookmark tree: an open node counts its visible descendants,
/// a closed one the negative of its children's. Returns the node's visible descendants.
fn recount(doc: &mut Doc, node: ObjectId, root: bool, depth: u32) -> i64 {
    if depth > 64 {
        return 0;
    }
    let Ok(d) = doc.get_dictionary(node) else { return 0 };
    let kids = outline_children(doc, d);
    let open = root || d.get(b"Count").and_then(Object::as_i64).map(|c| c > 0).unwrap_or(false);
    let mut visible = 0;
    for k in &kids {
        let below = recount(doc, *k, false, depth + 1);
        let kid_open = doc.get_dictionary(*k).ok().and_then(|d| d.get(b"Count").and_then(Object::as_i64).ok()).map(|c| c > 0).unwrap_or(false);
        visible += 1 + if kid_open { below } else { 0 };
    }
    if let Ok(d) = doc.get_dictionary_mut(node) {
        if kids.is_empty() && !root {
            d.remove(b"Count");
        } else {
            d.set("Count", if open { visible } else { -(kids.len() as i64) });
        }
    }
    visible
}

/// A part's pieces, read before its objects move into the pack.
struct PartTree {
    pages: Vec<ObjectId>,
    top: Vec<ObjectId>,
    nums: Vec<(i64, Object)>,
    next_key: i64,
    ids: Vec<(Vec<u8>, Object)>,
    roles: Dictionary,
    dests: Vec<(Vec<u8>, Object)>,
    bookmarks: Vec<ObjectId>,
}

fn read_part(doc: &Doc) -> Res<PartTree> {
    let catalog = doc.catalog().map_err(bad("part's catalog"))?;
    let pages: Vec<ObjectId> = doc.pages();
    let tree = get_dict(doc, catalog, b"StructTreeRoot").ok_or("a part of the pack is not a tagged PDF")?;
    let top = refs(tree.get(b"K").ok());
    let mut nums = Vec::new();
    if let Some(pt) = get_dict(doc, tree, b"ParentTree") {
        number_tree(doc, pt, &mut nums, 0);
    }
    let next_key = tree.get(b"ParentTreeNextKey").and_then(Object::as_i64).unwrap_or_else(|_| nums.iter().map(|(k, _)| k + 1).max().unwrap_or(0));
    let mut ids = Vec::new();
    if let Some(t) = get_dict(doc, tree, b"IDTree") {
        name_tree(doc, t, &mut ids, 0);
    }
    let roles = get_dict(doc, tree, b"RoleMap").cloned().unwrap_or_default();
    let mut dests = Vec::new();
    if let Some(t) = get_dict(doc, catalog, b"Names").and_then(|n| get_dict(doc, n, b"Dests")) {
        name_tree(doc, t, &mut dests, 0);
    }
    if let Some(old) = get_dict(doc, catalog, b"Dests") {
        dests.extend(old.iter().map(|(k, v)| (k.clone(), v.clone())));
    }
    let bookmarks = get_dict(doc, catalog, b"Outlines").map(|o| outline_children(doc, o)).unwrap_or_default();
    Ok(PartTree { pages, top, nums, next_key, ids, roles, dests, bookmarks })
}

/// The front sheet's `agendum-item:N` links, pointed at the first page of item N.
fn link_items(doc: &mut Doc, front_pages: &[ObjectId], starts: &HashMap<String, ObjectId>) -> Res<()> {
    let mut annots = Vec::new();
    for &p in front_pages {
        let page = doc.get_dictionary(p).map_err(bad("front sheet page"))?;
        let list = match page.get(b"Annots") {
            Ok(Object::Reference(id)) => doc.get_object(*id).ok().and_then(|o| o.as_array().ok()).cloned().unwrap_or_default(),
            Ok(Object::Array(a)) => a.clone(),
            _ => vec![],
        };
        annots.extend(list.iter().filter_map(|o| o.as_reference().ok()));
    }
    for id in annots {
        let Ok(a) = doc.get_dictionary_mut(id) else { continue };
        let target = match a.get(b"A").and_then(Object::as_dict) {
            Ok(action) => match action.get(b"URI").and_then(Object::as_str) {
                Ok(uri) => uri.strip_prefix(b"agendum-item:").map(|n| String::from_utf8_lossy(n).into_owned()),
                Err(_) => None,
            },
            Err(_) => None,
        };
        let Some(item) = target else { continue };
        let page = starts.get(&item).ok_or_else(|| format!("the agenda links to item {item}, which has no pages in the pack"))?;
        a.remove(b"A");
        a.set("Dest", Object::Array(vec![Object::Reference(*page), Object::Name(b"Fit".to_vec())]));
    }
    Ok(())
}

/// The pack's page numbers, read and made ready once for every pack of the same length:
/// one form per page (its drawing, compressed) and the objects the forms use (the font),
/// numbered from 1. Each pack takes a copy, numbered after its own objects.
pub struct Furniture {
    /// How many object numbers the page numbers' PDF used: each pack moves past them all,
    /// as it did when it read the whole PDF in.
    span: u32,
    objects: Vec<(ObjectId, Object)>,
    forms: Vec<Stream>,
}

impl Furniture {
    pub fn new(pdf: &[u8]) -> Res<Furniture> {
        let mut fur = Doc::read("page numbers", pdf.to_vec())?;
        fur.renumber(1);
        let mut forms = Vec::new();
        for fp in fur.pages() {
            let page = fur.get_dictionary(fp).map_err(bad("page numbers"))?;
            let mut content = Vec::new();
            for c in refs(page.get(b"Contents").ok()) {
                let s = fur.get_object(c).and_then(|o| o.as_stream().map_err(|e| e.to_string())).map_err(bad("page numbers"))?;
                content.extend(if s.dict.has(b"Filter") { s.decompressed_content().map_err(bad("page numbers"))? } else { s.content.clone() });
                content.push(b'\n');
            }
            let mut form = Dictionary::new();
            form.set("Type", Object::Name(b"XObject".to_vec()));
            form.set("Subtype", Object::Name(b"Form".to_vec()));
            form.set("BBox", page.get(b"MediaBox").cloned().unwrap_or(Object::Array(vec![0.into(), 0.into(), 595.2756.into(), 841.8898.into()])));
            if let Ok(r) = page.get(b"Resources") {
                form.set("Resources", r.clone());
            }
            let mut s = Stream::new(form, content);
            s.compress().map_err(bad("page numbers"))?;
            forms.push(s);
        }
        // Only what the forms reach is kept: the rest (its catalog, page tree, metadata)
        // a pack would drop anyway.
        let mut roots = Vec::new();
        forms.iter().for_each(|f| f.dict.iter().for_each(|(_, v)| refs_in(v, &mut roots)));
        let seen = reachable(&fur.objects, roots);
        let mut objects = Vec::new();
        for (id, o) in std::mem::take(&mut fur.objects).into_sorted().into_iter().filter(|(id, _)| seen.contains(id)) {
            objects.push((id, o.get().cloned().ok_or("page numbers: an object cannot be read")?));
        }
        Ok(Furniture { span: fur.max_id, objects, forms })
    }

    pub fn pages(&self) -> usize {
        self.forms.len()
    }
}

/// Every reference in `o`, moved on by `by` object numbers.
fn shift_refs(o: &mut Object, by: u32) {
    each_ref_mut(o, &mut |id| id.0 += by);
}

/// A set of objects: by number for generation 0 (all a pack has), else hashed.
#[derive(Default)]
struct Seen {
    by_number: Vec<bool>,
    other: std::collections::HashSet<ObjectId>,
}

impl Seen {
    fn insert(&mut self, id: ObjectId) -> bool {
        if id.1 != 0 {
            return self.other.insert(id);
        }
        let n = id.0 as usize;
        if n >= self.by_number.len() {
            self.by_number.resize(n + 1, false);
        }
        !std::mem::replace(&mut self.by_number[n], true)
    }

    fn contains(&self, id: &ObjectId) -> bool {
        if id.1 != 0 {
            return self.other.contains(id);
        }
        self.by_number.get(id.0 as usize).copied().unwrap_or(false)
    }
}

/// The objects reached from `roots` through `objects`' references.
fn reachable(objects: &Objects, mut todo: Vec<ObjectId>) -> Seen {
    let mut seen = Seen::default();
    while let Some(id) = todo.pop() {
        if seen.insert(id) {
            if let Some(o) = objects.get(&id) {
                o.refs(&mut todo);
            }
        }
    }
    seen
}

/// Draw each furniture page over the matching pack page, as a pagination artifact.
fn stamp(doc: &mut Doc, pages: &[ObjectId], furniture: &Furniture) -> Res<()> {
    if furniture.pages() != pages.len() {
        return Err(format!("page numbers laid out for {} pages, the pack has {}", furniture.pages(), pages.len()));
    }
    let offset = doc.max_id;
    for (id, o) in &furniture.objects {
        let mut o = o.clone();
        shift_refs(&mut o, offset);
        doc.objects.insert((id.0 + offset, id.1), Obj::Read(Box::new(o)));
    }
    doc.max_id = offset + furniture.span;
    // Each page's own content is kept whole inside q ... Q, so nothing it leaves set can
    // move the number; the number is marked as an artifact (not part of the reading order).
    let before = doc.add_object(Stream::new(Dictionary::new(), b"q\n".to_vec()));
    let after =
        doc.add_object(Stream::new(Dictionary::new(), b"\nQ\n/Artifact <</Type /Pagination /Subtype /Footer>> BDC\nq /AgendumPackPage Do Q\nEMC\n".to_vec()));
    for (&p, form) in pages.iter().zip(&furniture.forms) {
        let mut form = Object::Stream(form.clone());
        shift_refs(&mut form, offset);
        let form = doc.add_object(form);
        let page = doc.get_dictionary(p).map_err(bad("pack page"))?;
        let mut resources = page.get(b"Resources").ok().and_then(|r| deref_dict(doc, r)).cloned().unwrap_or_default();
        let mut xobjects = resources.get(b"XObject").ok().and_then(|r| deref_dict(doc, r)).cloned().unwrap_or_default();
        xobjects.set("AgendumPackPage", form);
        resources.set("XObject", xobjects);
        let mut contents = vec![Object::Reference(before)];
        contents.extend(refs(page.get(b"Contents").ok()).into_iter().map(Object::Reference));
        contents.push(Object::Reference(after));
        let page = doc.get_dictionary_mut(p).map_err(bad("pack page"))?;
        page.set("Resources", resources);
        page.set("Contents", Object::Array(contents));
    }
    Ok(())
}

/// The XMP packet's page count, which PDF/A readers compare with the document's.
fn set_xmp_pages(doc: &mut Doc, total: usize) -> Res<()> {
    let Some(id) = doc.catalog().ok().and_then(|c| c.get(b"Metadata").and_then(Object::as_reference).ok()) else { return Ok(()) };
    let Some(stream) = doc.get_object_mut(id).ok().and_then(|o| o.as_stream_mut().ok()) else { return Ok(()) };
    let text = if stream.dict.has(b"Filter") { stream.decompressed_content().map_err(bad("metadata"))? } else { stream.content.clone() };
    let mut text = String::from_utf8(text).map_err(bad("metadata"))?;
    let (open, close) = ("<xmpTPg:NPages>", "</xmpTPg:NPages>");
    if let (Some(a), Some(b)) = (text.find(open), text.find(close)) {
        if a < b {
            text.replace_range(a + open.len()..b, &total.to_string());
            stream.dict.remove(b"Filter");
            stream.dict.remove(b"DecodeParms");
            stream.set_content(text.into_bytes());
        }
    }
    Ok(())
}

/// The pack: `front` (its front sheet, read; the pack keeps its catalog and metadata), then
/// each part's pages, with the page numbers of `furniture` drawn over every page.
pub fn compose_pack(front: Doc, parts: Vec<Part>, furniture: &Furniture) -> Res<Vec<u8>> {
    let mut doc = front;
    let catalog = doc.catalog().map_err(bad("front sheet"))?.clone();
    let pages_id = catalog.get(b"Pages").and_then(Object::as_reference).map_err(bad("front sheet pages"))?;
    let tree_id = catalog.get(b"StructTreeRoot").and_then(Object::as_reference).map_err(bad("front sheet tag tree"))?;
    let front_tree = read_part(&doc)?;
    let root_elem = *front_tree.top.first().ok_or("the front sheet has an empty tag tree")?;
    let mut nums = front_tree.nums;
    let mut next_key = front_tree.next_key;
    let mut ids = front_tree.ids;
    let mut roles = front_tree.roles;
    let mut dests = front_tree.dests;
    let mut pages = front_tree.pages.clone();
    let mut starts: HashMap<String, ObjectId> = HashMap::new();
    let mut bookmarks: Vec<ObjectId> = Vec::new();
    // The front sheet's root element's children as it holds them (elements, and any
    // marked-content ids or object references held directly); the parts follow them.
    let mut elements: Vec<Object> = match doc.get_dictionary(root_elem).ok().map(|d| d.get(b"K")) {
        Some(Ok(Object::Array(k))) => k.clone(),
        Some(Ok(k)) => vec![k.clone()],
        _ => Vec::new(),
    };

    for part in parts {
        let mut seg = part.doc;
        seg.renumber(doc.max_id + 1);
        doc.max_id = seg.max_id;
        let tree = read_part(&seg).map_err(|e| format!("item {}: {e}", part.item))?;
        let prefix = format!("item-{}-", part.item).into_bytes();
        let offset = next_key;
        // Only objects naming what relabelling changes are looked at.
        let labels = Arc::new(Relabel { offset, prefix: prefix.clone() });
        for (id, obj) in seg.objects.iter_mut() {
            if !obj.relabel(&labels) {
                return Err(format!("item {}: object {} cannot be read", part.item, id.0));
            }
        }
        // The part's document element becomes one part of the pack's.
        for &t in &tree.top {
            if let Ok(Object::Dictionary(d)) = seg.get_object_mut(t) {
                if d.get(b"S").and_then(Object::as_name).ok() == Some(b"Document") {
                    d.set("S", Object::Name(b"Part".to_vec()));
                }
                d.set("P", root_elem);
            }
            elements.push(Object::Reference(t));
        }
        nums.extend(tree.nums.into_iter().map(|(k, v)| (k + offset, v)));
        next_key = offset + tree.next_key;
        ids.extend(tree.ids.into_iter().map(|(k, v)| (prefixed(&prefix, &k), v)));
        dests.extend(tree.dests.into_iter().map(|(k, v)| (prefixed(&prefix, &k), v)));
        for (k, v) in tree.roles.iter() {
            if !roles.has(k) {
                roles.set(k.clone(), v.clone());
            }
        }
        if let Some(&first) = tree.pages.first() {
            starts.insert(part.item.clone(), first);
        }
        // "Item N: " before the part's first bookmark (its title).
        if let Some(&first) = tree.bookmarks.first() {
            if let Ok(Object::Dictionary(d)) = seg.get_object_mut(first) {
                let title = d.get(b"Title").and_then(Object::as_str).map(text_of).unwrap_or_default();
                d.set("Title", text_string(&format!("Item {}: {title}", part.item)));
            }
        }
        bookmarks.extend(&tree.bookmarks);
        for &p in &tree.pages {
            if let Ok(Object::Dictionary(d)) = seg.get_object_mut(p) {
                d.set("Parent", pages_id);
            }
        }
        pages.extend(&tree.pages);
        doc.objects.append(std::mem::take(&mut seg.objects));
    }

    // The page tree, flat.
    let pages_dict = doc.get_dictionary_mut(pages_id).map_err(bad("pages"))?;
    pages_dict.set("Kids", Object::Array(pages.iter().map(|&p| Object::Reference(p)).collect()));
    pages_dict.set("Count", pages.len() as i64);

    // The tag tree.
    doc.get_dictionary_mut(root_elem).map_err(bad("tag tree"))?.set("K", Object::Array(elements));
    let mut parent_tree = Dictionary::new();
    parent_tree.set("Nums", Object::Array(nums.into_iter().flat_map(|(k, v)| [Object::Integer(k), v]).collect()));
    let tree = doc.get_dictionary_mut(tree_id).map_err(bad("tag tree"))?;
    tree.set("ParentTree", parent_tree);
    tree.set("ParentTreeNextKey", next_key);
    if !ids.is_empty() {
        tree.set("IDTree", flat_name_tree(ids));
    }
    if !roles.is_empty() {
        tree.set("RoleMap", roles);
    }

    // Named destinations, and the catalog's other entries as the front sheet had them.
    let mut names = get_dict(&doc, &catalog, b"Names").cloned().unwrap_or_default();
    if !dests.is_empty() {
        names.set("Dests", flat_name_tree(dests));
    }
    {
        let cat = doc.catalog_mut().map_err(bad("catalog"))?;
        cat.remove(b"Dests");
        if !names.is_empty() {
            cat.set("Names", names);
        }
    }

    // Bookmarks: the parts' under the front sheet's single top bookmark (the committee),
    // or beside the front sheet's own where it has several.
    if !bookmarks.is_empty() {
        let outlines = match catalog.get(b"Outlines").and_then(Object::as_reference) {
            Ok(id) => id,
            Err(_) => {
                let mut d = Dictionary::new();
                d.set("Type", Object::Name(b"Outlines".to_vec()));
                let id = doc.add_object(d);
                doc.catalog_mut().map_err(bad("catalog"))?.set("Outlines", id);
                id
            }
        };
        let top = outline_children(&doc, doc.get_dictionary(outlines).map_err(bad("bookmarks"))?);
        let parent = if top.len() == 1 { top[0] } else { outlines };
        let mut kids = if top.len() == 1 { outline_children(&doc, doc.get_dictionary(parent).map_err(bad("bookmarks"))?) } else { top };
        kids.extend(bookmarks);
        set_outline_children(&mut doc, parent, &kids)?;
        if parent != outlines {
            // The committee's bookmark opens on its items.
            let d = doc.get_dictionary_mut(parent).map_err(bad("bookmarks"))?;
            d.set("Count", 1);
        }
        recount(&mut doc, outlines, true, 0);
    }

    link_items(&mut doc, &front_tree.pages, &starts)?;
    stamp(&mut doc, &pages, furniture)?;
    set_xmp_pages(&mut doc, pages.len())?;
    prune(&mut doc);
    dedupe_streams(&mut doc);
    Ok(doc.save())
}

/// Drop the objects nothing reaches from the trailer: the parts' own catalogs, page tree
/// roots, metadata and output intents. (lopdf's `prune_objects` does the same, at about
/// ten times the cost.)
fn prune(doc: &mut Doc) {
    let mut roots = Vec::new();
    doc.trailer.iter().for_each(|(_, v)| refs_in(v, &mut roots));
    let seen = reachable(&doc.objects, roots);
    doc.objects.retain(|id, _| seen.contains(id));
}

/// Streams that are byte-for-byte the same (a font subset, the colour profile, a logo
/// each part embeds) are kept once: the pack is not the sum of its parts' overheads.
fn dedupe_streams(doc: &mut Doc) {
    use sha2::{Digest, Sha256};
    // Only streams whose dictionaries hold no references: their identity is their bytes.
    // Most streams (each page's drawing) are of a length no other has: only those that
    // share one are hashed.
    let size = |s: &PlainStream| match s {
        PlainStream::Bytes(b) => (0, b.len()),
        PlainStream::Read(s) => (1, s.content.len()),
    };
    let mut sizes: HashMap<(u8, usize), u32> = HashMap::new();
    for s in doc.objects.values().filter_map(Obj::plain_stream) {
        *sizes.entry(size(&s)).or_default() += 1;
    }
    let mut first: BTreeMap<[u8; 32], ObjectId> = BTreeMap::new();
    let mut same: HashMap<ObjectId, ObjectId> = HashMap::new();
    for (id, obj) in doc.objects.iter() {
        let Some(stream) = obj.plain_stream() else { continue };
        if sizes.get(&size(&stream)).is_none_or(|&n| n < 2) {
            continue;
        }
        let mut h = Sha256::new();
        match stream {
            // As written (Typst writes the same stream the same way in every part).
            PlainStream::Bytes(b) => h.update(b),
            PlainStream::Read(s) => {
                for (k, v) in s.dict.iter() {
                    if k.as_slice() != b"Length" {
                        h.update(k);
                        h.update(format!("{v:?}").as_bytes());
                    }
                }
                h.update(b"\0stream\0");
                h.update(&s.content);
            }
        }
        let key: [u8; 32] = h.finalize().into();
        match first.get(&key) {
            Some(&kept) => {
                same.insert(id, kept);
            }
            None => {
                first.insert(key, id);
            }
        }
    }
    if same.is_empty() {
        return;
    }
    for obj in doc.objects.values_mut() {
        obj.each_ref_mut(&mut |id| {
            if let Some(k) = same.get(id) {
                *id = *k;
            }
        });
    }
    for id in same.keys() {
        doc.objects.remove(id);
    }
}
