//! A PDF's objects as a pack is composed from them: each kept as the bytes it was read
//! from, with where its references are, until something looks inside it.
//!
//! A pack joins a dozen item PDFs of a few hundred objects each, nearly all of them tag
//! tree elements that only need new numbers. Reading every one into lopdf's objects and
//! writing it out again was most of the CPU a pack cost beyond Typst's own. Here an
//! object is scanned once for its references (and for the few names that mean it must be
//! relabelled); it is read whole only when composing asks for it, and written back as its
//! own bytes with the new numbers put in. PDFs this does not know (anything not Typst's
//! plain form, see `read`) are read by lopdf and held read.

use std::cell::OnceCell;
use std::collections::BTreeMap;
use std::io::Write;
use std::sync::Arc;

use lopdf::{Dictionary, Object, ObjectId, StringFormat};

use crate::relabel::{Relabel, Spans, WATCHED};

/// An object as its bytes: `src[start..end]` is its value (a stream with its data), and
/// `refs` the spans of its references, with the objects they now name.
pub struct Raw {
    src: Arc<Vec<u8>>,
    start: u32,
    end: u32,
    refs: Vec<(u32, u32, ObjectId)>,
    stream: bool,
    watched: bool,
    /// The object read whole, once something has looked inside (its references kept
    /// up to date with `refs`, and relabelled as `relabel` says).
    read: OnceCell<Box<Object>>,
    /// Its relabelling for a pack, and where in its bytes that changes it.
    relabel: Option<Box<(Arc<Relabel>, Spans)>>,
}

/// An object as its bytes, or read whole. Boxed when read: a pack moves thousands of
/// these, most of them never read, and a slot the size of a whole lopdf object made
/// every move and every vector three times the size.
pub enum Obj {
    Raw(Raw),
    Read(Box<Object>),
}

impl Obj {
    /// The object, read if it had not been (`None`: its bytes do not read as they scanned).
    pub fn get(&self) -> Option<&Object> {
        match self {
            Obj::Read(o) => Some(o),
            Obj::Raw(r) => {
                if r.read.get().is_none() {
                    let _ = r.read.set(Box::new(r.parse()?));
                }
                r.read.get().map(|o| &**o)
            }
        }
    }

    /// The object to change: from here on it is held read.
    pub fn get_mut(&mut self) -> Option<&mut Object> {
        if let Obj::Raw(r) = self {
            let o = match r.read.take() {
                Some(o) => o,
                None => Box::new(r.parse()?),
            };
            *self = Obj::Read(o);
        }
        match self {
            Obj::Read(o) => Some(o),
            Obj::Raw(_) => None,
        }
    }

    /// Whether relabelling may change it (it names one of `WATCHED`).
    pub fn watched(&self) -> bool {
        match self {
            Obj::Raw(r) => r.watched,
            Obj::Read(_) => true,
        }
    }

    /// Relabel it for a pack (see `relabel`): as its bytes where they say exactly where,
    /// else read whole. `false`: it cannot be read.
    pub fn relabel(&mut self, r: &Arc<Relabel>) -> bool {
        if !self.watched() {
            return true;
        }
        if let Obj::Raw(raw) = self {
            if raw.relabel.is_none() {
                if let Some(spans) = crate::relabel::spans(&raw.src, raw.start as usize, raw.end as usize) {
                    if !spans.is_empty() {
                        if let Some(o) = raw.read.get_mut() {
                            crate::relabel::relabel(o, r);
                        }
                        raw.relabel = Some(Box::new((r.clone(), spans)));
                    }
                    return true;
                }
            }
        }
        match self.get_mut() {
            Some(o) => {
                crate::relabel::relabel(o, r);
                true
            }
            None => false,
        }
    }

    /// Change every reference in it by `f`.
    pub fn each_ref_mut(&mut self, f: &mut impl FnMut(&mut ObjectId)) {
        match self {
            Obj::Read(o) => each_ref_mut(o, f),
            Obj::Raw(r) => {
                r.refs.iter_mut().for_each(|(_, _, id)| f(id));
                if let Some(o) = r.read.get_mut() {
                    each_ref_mut(o, f);
                }
            }
        }
    }

    /// Every object it refers to.
    pub fn refs(&self, out: &mut Vec<ObjectId>) {
        match self {
            Obj::Read(o) => refs_in(o, out),
            Obj::Raw(r) => out.extend(r.refs.iter().map(|(_, _, id)| *id)),
        }
    }

    /// A stream whose dictionary refers to nothing: its identity is its bytes, as read
    /// (`Some(bytes)`) or as lopdf holds it.
    pub fn plain_stream(&self) -> Option<PlainStream<'_>> {
        match self {
            Obj::Raw(r) if r.stream && r.refs.is_empty() && r.relabel.is_none() => Some(PlainStream::Bytes(&r.src[r.start as usize..r.end as usize])),
            Obj::Read(o) => match &**o {
                Object::Stream(s) if !s.dict.iter().any(|(_, v)| has_reference(v)) => Some(PlainStream::Read(s)),
                _ => None,
            },
            _ => None,
        }
    }

    /// Write the object's value, each reference numbered by `number`.
    fn write(&self, out: &mut Vec<u8>, number: &dyn Fn(ObjectId) -> ObjectId) {
        match self {
            Obj::Read(o) => write_object(out, o, number),
            Obj::Raw(r) => {
                // Its bytes, with each reference's new number and each relabelled span
                // put in, in the order they come.
                let (relabel, spans) = match r.relabel.as_deref() {
                    Some((relabel, spans)) => (Some(&**relabel), spans.as_slice()),
                    None => (None, &[][..]),
                };
                let (mut refs, mut spans) = (r.refs.iter().peekable(), spans.iter().peekable());
                let mut at = r.start as usize;
                loop {
                    let reference_first = match (refs.peek(), spans.peek()) {
                        (Some(a), Some(b)) => a.0 < b.0,
                        (Some(_), None) => true,
                        (None, Some(_)) => false,
                        (None, None) => break,
                    };
                    if reference_first {
                        let Some(&(from, to, id)) = refs.next() else { break };
                        out.extend_from_slice(&r.src[at..from as usize]);
                        write_reference(out, number(id));
                        at = to as usize;
                    } else {
                        let (Some(&(from, to, kind)), Some(relabel)) = (spans.next(), relabel) else { break };
                        out.extend_from_slice(&r.src[at..from as usize]);
                        crate::relabel::write(out, &r.src[from as usize..to as usize], kind, relabel);
                        at = to as usize;
                    }
                }
                out.extend_from_slice(&r.src[at..r.end as usize]);
            }
        }
    }
}

impl Raw {
    /// The object read from its bytes, with the references it holds now: its bytes keep
    /// the numbers it was read with, `refs` the current ones, in the same order.
    fn parse(&self) -> Option<Object> {
        let mut o = crate::read::value(&self.src, self.start as usize, self.end as usize, self.stream)?;
        let mut now = self.refs.iter();
        let mut aligned = true;
        each_ref_mut(&mut o, &mut |id| match now.next() {
            Some(&(_, _, n)) => *id = n,
            None => aligned = false,
        });
        if let Some(b) = &self.relabel {
            crate::relabel::relabel(&mut o, &b.0);
        }
        (aligned && now.next().is_none()).then_some(o)
    }
}

/// A stream that refers to nothing, as `Obj::plain_stream` finds it.
pub enum PlainStream<'a> {
    Bytes(&'a [u8]),
    Read(&'a lopdf::Stream),
}

/// A PDF's objects by number, in the order of their numbers. Typst numbers its objects
/// 1 to N, generation 0, so they are held in a vector by number, from `first` on (a pack
/// is a few thousand, looked up, moved and renumbered many times over: a part moved past
/// the pack's objects only changes `first`, and joins the pack's vector whole); an object
/// of a later generation, or numbered before `first` or far past the others (someone
/// else's PDF), is held in a map beside it.
#[derive(Default)]
pub struct Objects {
    first: u32,
    slots: Vec<Option<Obj>>,
    other: BTreeMap<ObjectId, Obj>,
    len: usize,
}

impl Objects {
    /// Where `id` goes in the vector, if it belongs there: generation 0, from `first`
    /// on, and not so far past the objects held that the vector would be mostly empty.
    fn slot(&self, id: ObjectId) -> Option<usize> {
        let at = id.0.checked_sub(self.first)? as usize;
        (id.1 == 0 && at < self.slots.len().max(self.len * 2) + 4096).then_some(at)
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn get(&self, id: &ObjectId) -> Option<&Obj> {
        if let Some(Some(o)) = self.slot(*id).and_then(|at| self.slots.get(at)) {
            return Some(o);
        }
        if self.other.is_empty() {
            return None;
        }
        self.other.get(id)
    }

    pub fn get_mut(&mut self, id: &ObjectId) -> Option<&mut Obj> {
        match self.slot(*id) {
            Some(at) if self.slots.get(at).is_some_and(Option::is_some) => self.slots[at].as_mut(),
            _ => self.other.get_mut(id),
        }
    }

    pub fn insert(&mut self, id: ObjectId, o: Obj) -> Option<Obj> {
        if self.len == 0 && self.slots.is_empty() && id.1 == 0 {
            // The first object numbers the vector.
            self.first = id.0;
        }
        let old = match self.slot(id) {
            Some(at) => {
                if at >= self.slots.len() {
                    self.slots.resize_with(at + 1, || None);
                }
                self.slots[at].replace(o).or_else(|| self.other.remove(&id))
            }
            None => self.other.insert(id, o),
        };
        if old.is_none() {
            self.len += 1;
        }
        old
    }

    pub fn remove(&mut self, id: &ObjectId) -> Option<Obj> {
        let old = match self.slot(*id) {
            Some(at) if self.slots.get(at).is_some_and(Option::is_some) => self.slots[at].take(),
            _ => self.other.remove(id),
        };
        if old.is_some() {
            self.len -= 1;
        }
        old
    }

    /// Keep only the objects `keep` says to.
    pub fn retain(&mut self, mut keep: impl FnMut(&ObjectId, &mut Obj) -> bool) {
        let first = self.first;
        for (n, slot) in (first..).zip(self.slots.iter_mut()) {
            if let Some(o) = slot {
                if !keep(&(n, 0), o) {
                    *slot = None;
                    self.len -= 1;
                }
            }
        }
        let before = self.other.len();
        self.other.retain(|id, o| keep(id, o));
        self.len -= before - self.other.len();
    }

    /// Every object with its number, in order.
    pub fn iter(&self) -> impl Iterator<Item = (ObjectId, &Obj)> {
        let in_slots = (self.first..).zip(&self.slots).filter_map(|(n, o)| o.as_ref().map(|o| ((n, 0), o)));
        merged(in_slots, self.other.iter().map(|(id, o)| (*id, o)))
    }

    pub fn iter_mut(&mut self) -> impl Iterator<Item = (ObjectId, &mut Obj)> {
        let in_slots = (self.first..).zip(&mut self.slots).filter_map(|(n, o)| o.as_mut().map(|o| ((n, 0), o)));
        merged(in_slots, self.other.iter_mut().map(|(id, o)| (*id, o)))
    }

    pub fn keys(&self) -> impl Iterator<Item = ObjectId> + '_ {
        self.iter().map(|(id, _)| id)
    }

    pub fn values(&self) -> impl Iterator<Item = &Obj> {
        self.iter().map(|(_, o)| o)
    }

    pub fn values_mut(&mut self) -> impl Iterator<Item = &mut Obj> {
        self.iter_mut().map(|(_, o)| o)
    }

    /// Every object with its number, in order, taken out.
    pub fn into_sorted(self) -> Vec<(ObjectId, Obj)> {
        let in_slots = (self.first..).zip(self.slots).filter_map(|(n, o)| o.map(|o| ((n, 0), o)));
        merged(in_slots, self.other.into_iter()).collect()
    }

    /// The objects numbered `start`, `start + 1`, ... in the order of their numbers, each
    /// given to `renumber` (which puts the new numbers in its references). Objects
    /// numbered 1 to N with no gaps (Typst's) keep their places: only `first` moves.
    fn renumbered(self, start: u32, mut renumber: impl FnMut(&mut Obj)) -> Objects {
        let len = self.len;
        let mut slots = if self.other.is_empty() {
            let mut slots = self.slots;
            slots.retain(Option::is_some);
            slots
        } else {
            self.into_sorted().into_iter().map(|(_, o)| Some(o)).collect()
        };
        slots.iter_mut().flatten().for_each(&mut renumber);
        Objects { first: start, slots, other: BTreeMap::new(), len }
    }

    /// Move every object of `more` in (a part's, numbered after these).
    pub fn append(&mut self, mut more: Objects) {
        let end = self.first as usize + self.slots.len();
        if self.is_empty() && self.slots.is_empty() {
            *self = more;
        } else if more.first as usize >= end && more.slots.len() + (more.first as usize - end) <= more.len * 2 + 4096 {
            self.slots.resize_with(more.first as usize - self.first as usize, || None);
            self.slots.append(&mut more.slots);
            self.len += more.len - more.other.len();
            for (id, o) in std::mem::take(&mut more.other) {
                self.insert(id, o);
            }
        } else {
            for (id, o) in more.into_sorted() {
                self.insert(id, o);
            }
        }
    }
}

impl FromIterator<(ObjectId, Obj)> for Objects {
    fn from_iter<I: IntoIterator<Item = (ObjectId, Obj)>>(items: I) -> Objects {
        let mut objects = Objects::default();
        for (id, o) in items {
            objects.insert(id, o);
        }
        objects
    }
}

/// Two sequences of numbered objects, each in order, as one in order.
fn merged<T>(a: impl Iterator<Item = (ObjectId, T)>, b: impl Iterator<Item = (ObjectId, T)>) -> impl Iterator<Item = (ObjectId, T)> {
    let (mut a, mut b) = (a.peekable(), b.peekable());
    std::iter::from_fn(move || match (a.peek(), b.peek()) {
        (Some(x), Some(y)) if y.0 < x.0 => b.next(),
        (Some(_), _) => a.next(),
        (None, _) => b.next(),
    })
}

/// A PDF's objects, its trailer and its head.
pub struct Doc {
    pub version: String,
    pub binary_mark: Vec<u8>,
    pub objects: Objects,
    pub trailer: Dictionary,
    pub max_id: u32,
}

type Res<T> = Result<T, String>;

impl Doc {
    /// A PDF: scanned when it is in Typst's plain form, else read by lopdf. Its bytes are
    /// taken, not copied: the objects kept as bytes point into them.
    pub fn read(what: &str, pdf: Vec<u8>) -> Res<Doc> {
        let src = Arc::new(pdf);
        match Doc::scan(src.clone()) {
            Some(doc) => Ok(doc),
            None => lopdf::Document::load_mem(&src).map(Doc::from).map_err(|e| format!("{what}: {e}")),
        }
    }

    /// Whether `pdf` is in the plain form read here without lopdf (checks and tests).
    pub fn scans(pdf: &[u8]) -> bool {
        Doc::scan(Arc::new(pdf.to_vec())).is_some()
    }

    pub(crate) fn scan(src: Arc<Vec<u8>>) -> Option<Doc> {
        let table = crate::read::table(&src)?;
        let mut objects = Objects::default();
        for &(number, at, generation) in &table.entries {
            let s = crate::read::scan(&src, at, WATCHED)?;
            if s.id != (number, generation) {
                return None;
            }
            let obj = Raw {
                src: src.clone(),
                start: s.start as u32,
                end: s.end as u32,
                refs: s.refs,
                stream: s.stream,
                watched: s.watched,
                read: OnceCell::new(),
                relabel: None,
            };
            objects.insert(s.id, Obj::Raw(obj));
        }
        let mut max_id = table.size.checked_sub(1)?;
        if let Some(last) = table.entries.iter().map(|e| e.0).max() {
            max_id = max_id.max(last);
        }
        Some(Doc { version: table.version, binary_mark: table.binary_mark, objects, trailer: table.trailer, max_id })
    }

    pub fn get_object(&self, id: ObjectId) -> Res<&Object> {
        self.objects.get(&id).ok_or_else(|| format!("object {} {} is missing", id.0, id.1))?.get().ok_or_else(|| unreadable(id))
    }

    pub fn get_object_mut(&mut self, id: ObjectId) -> Res<&mut Object> {
        self.objects.get_mut(&id).ok_or_else(|| format!("object {} {} is missing", id.0, id.1))?.get_mut().ok_or_else(|| unreadable(id))
    }

    pub fn get_dictionary(&self, id: ObjectId) -> Res<&Dictionary> {
        self.get_object(id)?.as_dict().map_err(|e| e.to_string())
    }

    pub fn get_dictionary_mut(&mut self, id: ObjectId) -> Res<&mut Dictionary> {
        self.get_object_mut(id)?.as_dict_mut().map_err(|e| e.to_string())
    }

    fn root(&self) -> Res<ObjectId> {
        self.trailer.get(b"Root").and_then(Object::as_reference).map_err(|e| format!("the trailer's Root: {e}"))
    }

    pub fn catalog(&self) -> Res<&Dictionary> {
        self.get_dictionary(self.root()?)
    }

    pub fn catalog_mut(&mut self) -> Res<&mut Dictionary> {
        let root = self.root()?;
        self.get_dictionary_mut(root)
    }

    /// The pages in order, through the page tree (bounded: a tree that loops ends).
    pub fn pages(&self) -> Vec<ObjectId> {
        let mut out = Vec::new();
        let Some(top) = self.catalog().ok().and_then(|c| c.get(b"Pages").and_then(Object::as_reference).ok()) else { return out };
        let mut seen = std::collections::HashSet::new();
        self.collect_pages(top, &mut out, &mut seen, 0);
        out
    }

    fn collect_pages(&self, node: ObjectId, out: &mut Vec<ObjectId>, seen: &mut std::collections::HashSet<ObjectId>, depth: u32) {
        if depth > 64 || !seen.insert(node) {
            return;
        }
        let Ok(d) = self.get_dictionary(node) else { return };
        match d.get(b"Type").and_then(Object::as_name) {
            Ok(b"Page") => out.push(node),
            _ => {
                if let Ok(kids) = d.get(b"Kids").and_then(Object::as_array) {
                    for kid in kids.iter().filter_map(|k| k.as_reference().ok()) {
                        self.collect_pages(kid, out, seen, depth + 1);
                    }
                }
            }
        }
    }

    /// Every object read whole, or `None` if one does not read (checks and tests).
    pub fn read_all(&self) -> Option<BTreeMap<ObjectId, Object>> {
        self.objects.iter().map(|(id, o)| Some((id, o.get()?.clone()))).collect()
    }

    pub fn add_object(&mut self, o: impl Into<Object>) -> ObjectId {
        self.max_id += 1;
        let id = (self.max_id, 0);
        self.objects.insert(id, Obj::Read(Box::new(o.into())));
        id
    }

    /// Number the objects from `start` on, in the order of their numbers (generation 0),
    /// every reference with them.
    pub fn renumber(&mut self, start: u32) {
        let numbers = Numbers::new(self.objects.keys(), start);
        let mut renumbered = |id: &mut ObjectId| *id = numbers.of(*id);
        self.trailer.iter_mut().for_each(|(_, v)| each_ref_mut(v, &mut renumbered));
        self.objects = std::mem::take(&mut self.objects).renumbered(start, |o| o.each_ref_mut(&mut renumbered));
        self.max_id = (start + self.objects.len() as u32).saturating_sub(1);
    }

    /// The PDF: head, each object, a cross-reference table and the trailer. The objects
    /// are numbered 1 to N as they are written (in the order of their numbers), so the
    /// table is one section with no gaps.
    pub fn save(mut self) -> Vec<u8> {
        let numbers = Numbers::new(self.objects.keys(), 1);
        let number = |id: ObjectId| numbers.of(id);
        let size = self.objects.len() + 1;
        // Sized once from the objects' own bytes: a pack is megabytes, and growing a
        // vector by doubling copies it over and over.
        let bytes: usize = self
            .objects
            .values()
            .map(|o| match o {
                Obj::Raw(r) => (r.end - r.start) as usize + 40,
                Obj::Read(o) => match &**o {
                    Object::Stream(s) => s.content.len() + 200,
                    _ => 200,
                },
            })
            .sum();
        let mut out = Vec::with_capacity(bytes + 20 * size + 1024);
        let _ = writeln!(out, "%PDF-{}", self.version);
        out.push(b'%');
        // PDF/A wants four or more bytes over 127 after the header; Typst writes them.
        if self.binary_mark.len() >= 4 && self.binary_mark.iter().all(|&b| b >= 128) {
            out.extend_from_slice(&self.binary_mark);
        } else {
            out.extend_from_slice(&[0xE2, 0xE3, 0xCF, 0xD3]);
        }
        out.push(b'\n');
        let mut offsets = Vec::with_capacity(size);
        for (n, o) in self.objects.values().enumerate() {
            offsets.push(out.len());
            write_digits(&mut out, n as u64 + 1);
            out.extend_from_slice(b" 0 obj\n");
            o.write(&mut out, &number);
            out.extend_from_slice(b"\nendobj\n");
        }
        let xref = out.len();
        let _ = write!(out, "xref\n0 {size}\n0000000000 65535 f\r\n");
        for at in offsets {
            // Ten digits, zero-padded, as the table's fixed-width entries need.
            let mut entry = *b"0000000000 00000 n\r\n";
            let mut n = at;
            for d in entry[..10].iter_mut().rev() {
                *d = b'0' + (n % 10) as u8;
                n /= 10;
            }
            out.extend_from_slice(&entry);
        }
        for key in [&b"Prev"[..], b"XRefStm"] {
            self.trailer.remove(key);
        }
        self.trailer.set("Size", size as i64);
        out.extend_from_slice(b"trailer\n");
        write_dictionary(&mut out, &self.trailer, &number);
        let _ = write!(out, "\nstartxref\n{xref}\n%%EOF");
        out
    }
}

/// New object numbers, from `start` on in the order of the old ones (generation 0): by
/// number for generation 0, by a map for later generations (which Typst never writes).
struct Numbers {
    by_number: Vec<u32>,
    later: std::collections::HashMap<ObjectId, u32>,
}

impl Numbers {
    fn new(ids: impl Iterator<Item = ObjectId>, start: u32) -> Numbers {
        let mut n = Numbers { by_number: Vec::new(), later: Default::default() };
        for (next, id) in (start..).zip(ids) {
            if id.1 == 0 {
                let at = id.0 as usize;
                if at >= n.by_number.len() {
                    n.by_number.resize(at + 1, 0);
                }
                n.by_number[at] = next;
            } else {
                n.later.insert(id, next);
            }
        }
        n
    }

    /// The new number of `id`; an object not numbered (a dangling reference) keeps its own.
    fn of(&self, id: ObjectId) -> ObjectId {
        let n = if id.1 == 0 { self.by_number.get(id.0 as usize).copied().filter(|&n| n != 0) } else { self.later.get(&id).copied() };
        n.map_or(id, |n| (n, 0))
    }
}

impl From<lopdf::Document> for Doc {
    fn from(d: lopdf::Document) -> Doc {
        Doc {
            version: d.version,
            binary_mark: d.binary_mark,
            objects: d.objects.into_iter().map(|(id, o)| (id, Obj::Read(Box::new(o)))).collect(),
            trailer: d.trailer,
            max_id: d.max_id,
        }
    }
}

fn unreadable(id: ObjectId) -> String {
    format!("object {} {} cannot be read", id.0, id.1)
}

/// Change every reference in `o` (a stream's in its dictionary) by `f`.
pub fn each_ref_mut(o: &mut Object, f: &mut impl FnMut(&mut ObjectId)) {
    match o {
        Object::Reference(id) => f(id),
        Object::Array(a) => a.iter_mut().for_each(|v| each_ref_mut(v, f)),
        Object::Dictionary(d) => d.iter_mut().for_each(|(_, v)| each_ref_mut(v, f)),
        Object::Stream(s) => s.dict.iter_mut().for_each(|(_, v)| each_ref_mut(v, f)),
        _ => {}
    }
}

/// The objects `o` refers to.
pub fn refs_in(o: &Object, out: &mut Vec<ObjectId>) {
    match o {
        Object::Reference(id) => out.push(*id),
        Object::Array(a) => a.iter().for_each(|v| refs_in(v, out)),
        Object::Dictionary(d) => d.iter().for_each(|(_, v)| refs_in(v, out)),
        Object::Stream(s) => s.dict.iter().for_each(|(_, v)| refs_in(v, out)),
        _ => {}
    }
}

pub fn has_reference(o: &Object) -> bool {
    match o {
        Object::Reference(_) => true,
        Object::Array(a) => a.iter().any(has_reference),
        Object::Dictionary(d) => d.iter().any(|(_, v)| has_reference(v)),
        _ => false,
    }
}

/// An object in PDF syntax (as lopdf writes it: a space only where two tokens would run
/// together), each reference numbered by `number`.
pub fn write_object(out: &mut Vec<u8>, o: &Object, number: &dyn Fn(ObjectId) -> ObjectId) {
    match o {
        Object::Null => out.extend_from_slice(b"null"),
        Object::Boolean(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        Object::Integer(i) => {
            let _ = write!(out, "{i}");
        }
        // Rust writes an f32 without an exponent, as PDF needs; a value no PDF can hold
        // is written as 0.
        Object::Real(r) => {
            let _ = write!(out, "{}", if r.is_finite() { *r } else { 0.0 });
        }
        Object::Name(n) => write_name(out, n),
        Object::String(s, format) => write_string(out, s, format),
        Object::Array(a) => {
            out.push(b'[');
            for (i, v) in a.iter().enumerate() {
                if i > 0 && needs_space(v) {
                    out.push(b' ');
                }
                write_object(out, v, number);
            }
            out.push(b']');
        }
        Object::Dictionary(d) => write_dictionary(out, d, number),
        Object::Stream(s) => {
            let mut dict = s.dict.clone();
            dict.set("Length", s.content.len() as i64);
            write_dictionary(out, &dict, number);
            out.extend_from_slice(b"stream\n");
            out.extend_from_slice(&s.content);
            out.extend_from_slice(b"\nendstream");
        }
        Object::Reference(id) => write_reference(out, number(*id)),
    }
}

/// `N G R`, its digits written directly (a pack writes hundreds of thousands).
fn write_reference(out: &mut Vec<u8>, id: ObjectId) {
    write_digits(out, u64::from(id.0));
    out.push(b' ');
    write_digits(out, u64::from(id.1));
    out.extend_from_slice(b" R");
}

fn write_digits(out: &mut Vec<u8>, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[at..]);
}

/// Values that would run into a name or number before them without a space.
fn needs_space(o: &Object) -> bool {
    matches!(o, Object::Null | Object::Boolean(_) | Object::Integer(_) | Object::Real(_) | Object::Reference(_))
}

fn write_dictionary(out: &mut Vec<u8>, d: &Dictionary, number: &dyn Fn(ObjectId) -> ObjectId) {
    out.extend_from_slice(b"<<");
    for (k, v) in d.iter() {
        write_name(out, k);
        if needs_space(v) {
            out.push(b' ');
        }
        write_object(out, v, number);
    }
    out.extend_from_slice(b">>");
}

fn write_name(out: &mut Vec<u8>, name: &[u8]) {
    out.push(b'/');
    name_body(out, name);
}

/// A name's bytes as written after its `/`: delimiters, `#` and bytes outside `!`-`~`
/// as `#XX`.
pub(crate) fn name_body(out: &mut Vec<u8>, name: &[u8]) {
    for &b in name {
        if b"()<>[]{}/%#".contains(&b) || !(33..=126).contains(&b) {
            let _ = write!(out, "#{b:02X}");
        } else {
            out.push(b);
        }
    }
}

fn write_string(out: &mut Vec<u8>, s: &[u8], format: &StringFormat) {
    match format {
        StringFormat::Literal => {
            out.push(b'(');
            literal_body(out, s);
            out.push(b')');
        }
        StringFormat::Hexadecimal => {
            out.push(b'<');
            hex_body(out, s);
            out.push(b'>');
        }
    }
}

/// A string's bytes as written inside `(...)`: parentheses and backslashes escaped, and a
/// carriage return (which a reader would take for a line end).
pub(crate) fn literal_body(out: &mut Vec<u8>, s: &[u8]) {
    for &b in s {
        match b {
            b'(' | b')' | b'\\' => out.extend_from_slice(&[b'\\', b]),
            b'\r' => out.extend_from_slice(b"\\r"),
            _ => out.push(b),
        }
    }
}

/// A string's bytes as written inside `<...>`.
pub(crate) fn hex_body(out: &mut Vec<u8>, s: &[u8]) {
    for &b in s {
        let _ = write!(out, "{b:02X}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::tests::{pdf, SYNTAX};

    /// lopdf's reading with the objects numbered 1 to N in the order of their numbers.
    fn renumbered(doc: &lopdf::Document) -> BTreeMap<ObjectId, Object> {
        let new: std::collections::HashMap<ObjectId, ObjectId> = doc.objects.keys().enumerate().map(|(i, id)| (*id, (i as u32 + 1, 0))).collect();
        doc.objects
            .iter()
            .map(|(id, o)| {
                let mut o = o.clone();
                each_ref_mut(&mut o, &mut |r| {
                    if let Some(n) = new.get(r) {
                        *r = *n;
                    }
                });
                (new[id], o)
            })
            .collect()
    }

    /// Scanned, every object reads as lopdf reads it; renumbered and written back, lopdf
    /// reads the same objects with the new numbers.
    fn alike(bytes: &[u8]) -> Option<bool> {
        let scanned = Doc::scan(Arc::new(bytes.to_vec()))?;
        let Ok(slow) = lopdf::Document::load_mem(bytes) else { return Some(false) };
        let Some(whole) = scanned.read_all() else { return Some(false) };
        if whole != slow.objects {
            return Some(false);
        }
        // Moved far along, then written (numbered 1 to N again): the bytes kept as read
        // carry the new numbers, and so does anything read whole on the way.
        let mut moved = Doc::scan(Arc::new(bytes.to_vec()))?;
        let _ = moved.objects.values().next().map(Obj::get);
        moved.renumber(1000);
        let again = lopdf::Document::load_mem(&moved.save()).ok()?;
        Some(again.objects == renumbered(&slow))
    }

    #[test]
    fn scanned_objects_read_and_write_as_lopdf_reads_them() {
        assert_eq!(alike(&pdf(SYNTAX, "")), Some(true));
        // The references found by the scan are the ones reading finds, in order.
        let src = Arc::new(pdf(SYNTAX, ""));
        let doc = Doc::scan(src).unwrap();
        for o in doc.objects.values() {
            let (mut scanned, mut read) = (Vec::new(), Vec::new());
            o.refs(&mut scanned);
            refs_in(o.get().unwrap(), &mut read);
            assert_eq!(scanned, read);
        }
        // Only objects naming what relabelling changes are watched.
        let watched = pdf(&[b"<</Type/Catalog>>", b"<</StructParents 3>>", b"<</Dest(x)>>", b"<</S/GoTo/D(x)>>", b"<</K[1 2 0 R]>>"], "");
        let doc = Doc::scan(Arc::new(watched)).unwrap();
        let flags: Vec<bool> = doc.objects.values().map(Obj::watched).collect();
        assert_eq!(flags, [false, true, true, true, false]);
    }

    #[test]
    fn written_objects_read_back_the_same() {
        let mut doc = Doc { version: "1.7".into(), binary_mark: vec![], objects: Objects::default(), trailer: Dictionary::new(), max_id: 0 };
        let values = vec![
            Object::Null,
            Object::Boolean(true),
            Object::Integer(-42),
            Object::Real(595.2756),
            Object::Real(0.5),
            Object::Name(b"With Space/And#Hash".to_vec()),
            Object::String(b"(unbalanced \\ \r".to_vec(), StringFormat::Literal),
            Object::String(vec![0xFE, 0xFF, 0, 65], StringFormat::Hexadecimal),
            Object::Array(vec![Object::Integer(1), Object::Reference((1, 0)), Object::Real(-2.25), Object::Name(b"N".to_vec())]),
        ];
        let mut dict = Dictionary::new();
        for (i, v) in values.iter().enumerate() {
            dict.set(format!("K{i}"), v.clone());
        }
        let root = doc.add_object(dict.clone());
        doc.add_object(lopdf::Stream::new(dict.clone(), b"data (with) <bytes>".to_vec()));
        doc.trailer.set("Root", root);
        let back = lopdf::Document::load_mem(&doc.save()).unwrap();
        assert_eq!(back.get_dictionary((1, 0)).unwrap(), &dict);
        assert_eq!(back.get_object((2, 0)).unwrap().as_stream().unwrap().content, b"data (with) <bytes>");
        // PDF/A's binary mark is written even when the document had none.
        assert!(back.binary_mark.iter().all(|&b| b >= 128) && back.binary_mark.len() >= 4);
    }

    /// Random inserts, removals and retains, numbers dense and sparse, generations 0 and
    /// later: the store holds, finds and orders exactly what a BTreeMap would.
    #[test]
    fn objects_hold_and_order_as_a_map_does() {
        let mut next = crate::read::tests::numbers(0x2545F4914F6CDD1D);
        let value = |o: &Obj| o.get().and_then(|o| o.as_i64().ok());
        let held = |objects: &Objects| -> Vec<(ObjectId, i64)> { objects.iter().map(|(id, o)| (id, value(o).unwrap())).collect() };
        let model = |map: &BTreeMap<ObjectId, i64>| -> Vec<(ObjectId, i64)> { map.iter().map(|(id, v)| (*id, *v)).collect() };
        // A store and its model after random steps, numbers from `base` on.
        let mut random = |base: u32, steps: i64| {
            let (mut objects, mut map) = (Objects::default(), BTreeMap::new());
            for step in 0..steps {
                let number = base
                    + match next() % 4 {
                        0 => (next() % 1_000_000) as u32,
                        _ => (next() % 64) as u32,
                    };
                let id = (number, if next().is_multiple_of(8) { (next() % 3) as u16 } else { 0 });
                match next() % 6 {
                    0 => assert_eq!(objects.remove(&id).map(|o| value(&o)), map.remove(&id).map(Some)),
                    1 if step % 50 == 0 => {
                        let keep = next() % 3;
                        objects.retain(|id, _| !(id.0 as u64 + keep).is_multiple_of(3));
                        map.retain(|id: &ObjectId, _| !(id.0 as u64 + keep).is_multiple_of(3));
                    }
                    _ => assert_eq!(objects.insert(id, Obj::Read(Box::new(Object::Integer(step)))).map(|o| value(&o)), map.insert(id, step).map(Some)),
                }
                assert_eq!(objects.len(), map.len());
                assert_eq!(objects.get(&id).and_then(value), map.get(&id).copied());
            }
            (objects, map)
        };
        for round in 0..200u32 {
            let (mut objects, mut map) = random(1 + round % 3, 300);
            assert_eq!(held(&objects), model(&map));
            // Another store's objects moved in: numbered after these, or among them.
            let (more, more_map) = random(if round % 2 == 0 { 70 } else { 1 }, 60);
            objects.append(more);
            map.extend(more_map);
            assert_eq!(held(&objects), model(&map));
            assert_eq!(objects.len(), map.len());
            // Renumbered from a start: the same objects in the same order.
            let start = 1 + round * 37 % 5000;
            let renumbered = objects.renumbered(start, |_| {});
            let expected: Vec<(ObjectId, i64)> = (start..).zip(map.values()).map(|(n, v)| ((n, 0), *v)).collect();
            assert_eq!(held(&renumbered), expected);
            let taken: Vec<ObjectId> = renumbered.into_sorted().into_iter().map(|(id, _)| id).collect();
            assert_eq!(taken, expected.iter().map(|(id, _)| *id).collect::<Vec<_>>());
        }
    }

    /// Over thousands of damaged copies: a file the scan takes reads whole as lopdf reads
    /// it, or an object says it cannot be read; the scan never panics.
    #[test]
    fn damaged_files_scan_alike_or_are_declined() {
        let base = pdf(SYNTAX, "");
        let mut next = crate::read::tests::numbers(0x9E3779B97F4A7C15);
        let (mut taken, mut unreadable) = (0, 0);
        const BYTES: &[u8] = b" \n\r()<>[]{}/%#\\0123456789.+-RnulltrefasobjendstreamABCF";
        for _ in 0..4000 {
            let mut b = base.clone();
            for _ in 0..1 + next() % 3 {
                let at = 20 + (next() as usize) % (b.len() / 2);
                let c = BYTES[(next() as usize) % BYTES.len()];
                match next() % 3 {
                    0 => b[at] = c,
                    1 => b.insert(at, c),
                    _ => {
                        b.remove(at);
                    }
                }
            }
            let Some(doc) = Doc::scan(Arc::new(b.clone())) else { continue };
            taken += 1;
            match (doc.read_all(), lopdf::Document::load_mem(&b)) {
                (Some(whole), Ok(slow)) => assert!(whole == slow.objects, "read differently from lopdf:\n{}", String::from_utf8_lossy(&b)),
                (None, _) => unreadable += 1,
                (Some(_), Err(_)) => {}
            }
        }
        assert!(taken > 200, "only {taken} damaged files were scanned at all");
        assert!(unreadable < taken, "{unreadable} of {taken}");
    }
}
