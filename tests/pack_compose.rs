//! Agenda packs are composed from the item PDFs as published: each report is laid out
//! once. Checked on the built PDFs with an independent reader (lopdf): the pack's pages
//! after its front sheet are the item PDFs' pages, content stream for content stream; the
//! joined tag tree, parent tree, element ids, links and metadata are consistent.

mod common;
use common::*;
use lopdf::{Document, Object, ObjectId};
use std::collections::{BTreeSet, HashSet};
use std::path::Path;

fn load(p: &Path) -> Document {
    Document::load(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn refs(o: Option<&Object>) -> Vec<ObjectId> {
    match o {
        Some(Object::Reference(id)) => vec![*id],
        Some(Object::Array(a)) => a.iter().filter_map(|o| o.as_reference().ok()).collect(),
        _ => vec![],
    }
}

/// The decoded content of each content stream of a page, in order.
fn page_streams(doc: &Document, page: ObjectId) -> Vec<Vec<u8>> {
    let d = doc.get_dictionary(page).unwrap();
    refs(d.get(b"Contents").ok())
        .into_iter()
        .map(|c| {
            let s = doc.get_object(c).unwrap().as_stream().unwrap();
            if s.dict.has(b"Filter") {
                s.decompressed_content().unwrap()
            } else {
                s.content.clone()
            }
        })
        .collect()
}

/// What the page itself draws: in a pack, without the wrapper that adds the page number.
fn own_content(doc: &Document, page: ObjectId, in_pack: bool) -> Vec<u8> {
    let mut s = page_streams(doc, page);
    if in_pack {
        assert!(s.len() >= 3, "a pack page is its own content between the page number's wrapper");
        assert_eq!(s.remove(0), b"q\n");
        let last = s.pop().unwrap();
        assert!(String::from_utf8_lossy(&last).contains("/Artifact"), "the page number is an artifact");
    }
    s.concat()
}

fn number_tree(doc: &Document, node: &lopdf::Dictionary, out: &mut Vec<(i64, Object)>) {
    if let Ok(n) = node.get(b"Nums").and_then(Object::as_array) {
        for pair in n.chunks(2) {
            out.push((pair[0].as_i64().unwrap(), pair[1].clone()));
        }
    }
    for k in refs(node.get(b"Kids").ok()) {
        number_tree(doc, doc.get_dictionary(k).unwrap(), out);
    }
}

/// Checks one pack; returns how many table cells name their headers (checked above).
fn check_structure(pack: &Path) -> usize {
    let doc = load(pack);
    let catalog = doc.catalog().unwrap();
    let tree_id = catalog.get(b"StructTreeRoot").unwrap().as_reference().unwrap();
    let tree = doc.get_dictionary(tree_id).unwrap();
    // Every element reachable from the root, each with its parent pointing back.
    let mut elements = HashSet::new();
    let mut stack: Vec<(ObjectId, ObjectId)> = refs(tree.get(b"K").ok()).into_iter().map(|k| (k, tree_id)).collect();
    let mut ids = HashSet::new();
    while let Some((e, parent)) = stack.pop() {
        let Ok(d) = doc.get_dictionary(e) else { continue };
        if d.get(b"Type").and_then(Object::as_name).ok() != Some(b"StructElem".as_slice()) {
            continue;
        }
        assert!(elements.insert(e), "{}: element {e:?} reached twice", pack.display());
        assert_eq!(d.get(b"P").unwrap().as_reference().unwrap(), parent, "{}: parent of {e:?}", pack.display());
        if let Ok(Object::String(id, _)) = d.get(b"ID") {
            assert!(ids.insert(id.clone()), "{}: element id {} twice", pack.display(), String::from_utf8_lossy(id));
        }
        let kids: Vec<ObjectId> = match d.get(b"K") {
            Ok(Object::Array(a)) => a.iter().filter_map(|o| o.as_reference().ok()).collect(),
            Ok(Object::Reference(r)) => vec![*r],
            _ => vec![],
        };
        stack.extend(kids.into_iter().map(|k| (k, e)));
    }
    assert!(elements.len() > 10, "{}: a tag tree", pack.display());
    // A table cell's headers (`/Headers` ids) are cells of its own table, not of another
    // part's table that happens to use the same ids.
    let by_id: std::collections::HashMap<Vec<u8>, ObjectId> = elements
        .iter()
        .filter_map(|&e| match doc.get_dictionary(e).ok()?.get(b"ID") {
            Ok(Object::String(id, _)) => Some((id.clone(), e)),
            _ => None,
        })
        .collect();
    let table_of = |mut e: ObjectId| -> Option<ObjectId> {
        for _ in 0..64 {
            let d = doc.get_dictionary(e).ok()?;
            if d.get(b"S").and_then(Object::as_name).ok() == Some(b"Table".as_slice()) {
                return Some(e);
            }
            e = d.get(b"P").ok()?.as_reference().ok()?;
        }
        None
    };
    let mut headed = 0;
    for &e in &elements {
        let d = doc.get_dictionary(e).unwrap();
        let attrs: Vec<&lopdf::Dictionary> = match d.get(b"A") {
            Ok(Object::Dictionary(a)) => vec![a],
            Ok(Object::Array(list)) => list.iter().filter_map(|o| o.as_dict().ok()).collect(),
            Ok(Object::Reference(r)) => doc.get_dictionary(*r).into_iter().collect(),
            _ => vec![],
        };
        for a in attrs {
            for h in a.get(b"Headers").and_then(Object::as_array).map(|v| v.as_slice()).unwrap_or(&[]) {
                let id = h.as_str().unwrap().to_vec();
                let header = *by_id.get(&id).unwrap_or_else(|| panic!("{}: a header id {} no element has", pack.display(), String::from_utf8_lossy(&id)));
                assert_eq!(table_of(header), table_of(e), "{}: a cell's header {} is in another table", pack.display(), String::from_utf8_lossy(&id));
                headed += 1;
            }
        }
    }

    // The parent tree: unique keys, below ParentTreeNextKey, naming reachable elements;
    // every page's and annotation's key is in it.
    let mut nums = Vec::new();
    number_tree(&doc, doc.get_dictionary(tree.get(b"ParentTree").unwrap().as_reference().unwrap_or(tree_id)).unwrap_or(tree), &mut nums);
    if nums.is_empty() {
        number_tree(&doc, tree.get(b"ParentTree").unwrap().as_dict().unwrap(), &mut nums);
    }
    let keys: BTreeSet<i64> = nums.iter().map(|(k, _)| *k).collect();
    assert_eq!(keys.len(), nums.len(), "{}: parent tree keys are unique", pack.display());
    let next = tree.get(b"ParentTreeNextKey").unwrap().as_i64().unwrap();
    assert!(keys.iter().all(|&k| k < next));
    for (_, v) in &nums {
        // A page's entry is an array (often held indirectly) of the elements of its marked
        // content; an annotation's is its element.
        let v = match v {
            Object::Reference(r) if doc.get_object(*r).is_ok_and(|o| o.as_array().is_ok()) => doc.get_object(*r).unwrap(),
            v => v,
        };
        let named: Vec<ObjectId> = match v {
            Object::Array(a) => a.iter().filter_map(|o| o.as_reference().ok()).collect(),
            Object::Reference(r) => vec![*r],
            _ => vec![],
        };
        for e in named {
            assert!(elements.contains(&e), "{}: the parent tree names an element outside the tag tree: {e:?} {:?}", pack.display(), doc.get_object(e));
        }
    }
    let pages: Vec<ObjectId> = doc.get_pages().into_values().collect();
    // Named destinations: each name once, each pointing at a page of the pack.
    let mut names: Vec<Vec<u8>> = Vec::new();
    if let Ok(dests) = catalog
        .get(b"Names")
        .and_then(|n| match n {
            Object::Reference(r) => doc.get_dictionary(*r),
            Object::Dictionary(d) => Ok(d),
            _ => Err(lopdf::Error::DictKey("Names".into())),
        })
        .and_then(|n| n.get(b"Dests"))
        .and_then(Object::as_dict)
    {
        for pair in dests.get(b"Names").and_then(Object::as_array).map(|a| a.chunks(2).collect::<Vec<_>>()).unwrap_or_default() {
            let name = pair[0].as_str().unwrap().to_vec();
            let dest = match &pair[1] {
                Object::Reference(r) => doc.get_object(*r).unwrap().clone(),
                d => d.clone(),
            };
            let page = dest.as_array().unwrap()[0].as_reference().unwrap();
            assert!(pages.contains(&page), "{}: destination {} is not on a page of the pack", pack.display(), String::from_utf8_lossy(&name));
            names.push(name);
        }
    }
    let distinct: BTreeSet<&Vec<u8>> = names.iter().collect();
    assert_eq!(distinct.len(), names.len(), "{}: a destination name twice", pack.display());
    let mut used = BTreeSet::new();
    for &p in &pages {
        let d = doc.get_dictionary(p).unwrap();
        if let Ok(k) = d.get(b"StructParents").and_then(Object::as_i64) {
            assert!(keys.contains(&k) && used.insert(k), "{}: page key {k}", pack.display());
        }
        for a in refs(d.get(b"Annots").ok()) {
            let a = doc.get_dictionary(a).unwrap();
            if let Ok(k) = a.get(b"StructParent").and_then(Object::as_i64) {
                assert!(keys.contains(&k) && used.insert(k), "{}: annotation key {k}", pack.display());
            }
            // No placeholder link is left; links inside the pack go to its own pages.
            if let Ok(action) = a.get(b"A").and_then(Object::as_dict) {
                if let Ok(uri) = action.get(b"URI").and_then(Object::as_str) {
                    assert!(!uri.starts_with(b"agendum-item:"), "{}: a placeholder link is left", pack.display());
                }
            }
            match a.get(b"Dest") {
                Ok(Object::Array(dest)) => assert!(pages.contains(&dest[0].as_reference().unwrap()), "{}: a link to a page outside the pack", pack.display()),
                // A named destination must be one the pack has.
                Ok(Object::String(n, _)) => assert!(distinct.contains(n), "{}: a link to a missing destination {}", pack.display(), String::from_utf8_lossy(n)),
                _ => {}
            }
        }
    }
    // The metadata's page count is the pack's.
    let xmp = doc.get_object(catalog.get(b"Metadata").unwrap().as_reference().unwrap()).unwrap().as_stream().unwrap();
    let xmp = String::from_utf8_lossy(&xmp.content).into_owned();
    assert!(xmp.contains(&format!("<xmpTPg:NPages>{}</xmpTPg:NPages>", pages.len())), "{}: NPages", pack.display());
    headed
}

/// The public pack's pages after its front sheet are the item PDFs' pages, in agenda order.
fn check_reuse(folder: &Path) {
    let pack_path = folder.join("agenda-pack.pdf");
    let pack = load(&pack_path);
    let pack_pages: Vec<ObjectId> = pack.get_pages().into_values().collect();
    let pack_content: Vec<Vec<u8>> = pack_pages.iter().map(|&p| own_content(&pack, p, true)).collect();
    let mut items: Vec<_> =
        pdfs_under(folder, false).into_iter().filter(|p| !p.ends_with("agenda-pack.pdf") && !p.to_string_lossy().contains("supplementary")).collect();
    items.sort();
    let mut found_at = Vec::new();
    let mut item_pages = 0;
    for item in &items {
        let d = load(item);
        // Procedural items' own PDFs published as they came are not agendum's.
        let info = d.trailer.get(b"Info").and_then(Object::as_reference).and_then(|i| d.get_dictionary(i)).ok();
        if !info.and_then(|i| i.get(b"Creator").and_then(Object::as_str).ok()).is_some_and(|c| c.starts_with(b"agendum")) {
            continue;
        }
        let pages: Vec<Vec<u8>> = d.get_pages().into_values().map(|p| own_content(&d, p, false)).collect();
        item_pages += pages.len();
        let at = (0..pack_content.len().saturating_sub(pages.len() - 1))
            .find(|&i| pack_content[i..i + pages.len()] == pages[..])
            .unwrap_or_else(|| panic!("{}'s pages are not in the pack as they are", item.display()));
        found_at.push(at);
    }
    assert!(found_at.windows(2).all(|w| w[0] < w[1]), "items in agenda order");
    assert!(found_at.first().is_some_and(|&a| a >= 1), "the front sheet comes first");
    assert!(pack_pages.len() > item_pages, "a front sheet and every item page");
}

/// agendum's own reader (which packs read their parts with) reads a PDF agendum made
/// exactly as lopdf's general reader does.
fn read_alike(p: &Path) {
    let bytes = std::fs::read(p).unwrap();
    assert!(agendum::pdf::objects::Doc::scans(&bytes), "{}: agendum's reader declined its own PDF", p.display());
    let slow = Document::load_mem(&bytes).unwrap();
    // As packs hold their parts: scanned, every object reads as lopdf reads it, and
    // written back (numbered 1 to N) it reads the same again.
    let scanned = agendum::pdf::objects::Doc::read("test", bytes.clone()).unwrap();
    assert!(scanned.read_all().is_some_and(|whole| whole == slow.objects), "{}: scanned objects read differently", p.display());
    let again = Document::load_mem(&scanned.save()).unwrap();
    let number: std::collections::HashMap<(u32, u16), (u32, u16)> = slow.objects.keys().enumerate().map(|(i, id)| (*id, (i as u32 + 1, 0))).collect();
    for (id, o) in &slow.objects {
        let mut o = o.clone();
        agendum::pdf::objects::each_ref_mut(&mut o, &mut |r| *r = number.get(r).copied().unwrap_or(*r));
        assert!(again.objects.get(&number[id]) == Some(&o), "{}: object {id:?} written back differently", p.display());
    }
}

#[test]
fn packs_are_composed_from_the_item_pdfs_with_a_consistent_tag_tree() {
    let (mut packs, mut headed, mut read) = (0, 0, 0);
    for (name, folder) in [
        ("haringey", "corporate-committee/2011-07-21"),
        ("part2", "cabinet/2025-06-17"),
        ("joint", "shared-services-board/2012-03-15"),
        ("highland", "corporate-resources/2018-05-24"),
        ("vale", "cabinet/2014-09-22"),
        ("bromsgrove", "performance-management-board/2010-06-14"),
    ] {
        let dir = temp_dir(&format!("compose-{name}"));
        let (out, members) = (dir.join("output"), dir.join("members"));
        let res = agendum(&["build", "--site", fixture(name).to_str().unwrap(), "--output", out.to_str().unwrap(), "--restricted", members.to_str().unwrap()]);
        assert!(res.status.success(), "{}", String::from_utf8_lossy(&res.stderr));
        check_reuse(&out.join(folder));
        for pdf in pdfs_under(&out, false).into_iter().chain(if members.exists() { pdfs_under(&members, false) } else { vec![] }) {
            read_alike(&pdf);
            read += 1;
        }
        for pack in pdfs_under(&out, false).into_iter().chain(if members.exists() { pdfs_under(&members, false) } else { vec![] }) {
            if pack.file_name().is_some_and(|n| n.to_string_lossy().contains("pack") || n.to_string_lossy().contains("supplementary")) {
                headed += check_structure(&pack);
                packs += 1;
            }
        }
    }
    assert!(packs >= 7, "{packs} packs checked");
    assert!(read >= 20, "{read} PDFs read both ways");
    assert!(headed > 10, "table cells naming their headers were checked ({headed})");
}

#[test]
fn the_example_sites_pdfs_read_alike_both_ways() {
    // Minutes, decision notices, PDF appendices' copies and packs beside the item PDFs.
    let out = build(&repo(), "read-example");
    let pdfs = pdfs_under(&out, true);
    for p in &pdfs {
        let bytes = std::fs::read(p).unwrap();
        // An author's PDF appendix, published as given, may be anything: only agendum's
        // own are read by agendum's reader, and it must decline rather than misread.
        if agendum::pdf::objects::Doc::scans(&bytes) || !p.to_string_lossy().contains("-appendix-") {
            read_alike(p);
        }
    }
    assert!(pdfs.iter().any(|p| p.to_string_lossy().contains("minutes")), "minutes were read");
    assert!(pdfs.iter().any(|p| p.to_string_lossy().contains("decisions")), "decision notices were read");
}
