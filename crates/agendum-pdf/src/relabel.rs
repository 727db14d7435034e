//! Relabelling a part's objects for its pack: its parent-tree keys move past the pack's
//! (`/StructParents`, `/StructParent`), and its element ids, the table header ids that
//! name them and its destination names take the item's prefix, so that no two parts'
//! labels meet.
//!
//! `relabel` says what changes, on an object read whole. Most objects a part has never
//! need reading, and of those naming a label most need only their label changed: `spans`
//! finds, from an object's bytes, exactly where `relabel` would change it, and `write`
//! writes those bytes changed. Where the bytes hold anything `spans` is not sure of, it
//! says so and the object is read whole (the tests hold the two ways to the same result).

use std::io::Write;

use lopdf::{Dictionary, Object};

use crate::read::{is_white, literal_end, regular_run};

/// Names that mean relabelling may change an object. An object naming none is left
/// as its bytes.
pub const WATCHED: &[&[u8]] = &[b"StructParents", b"StructParent", b"ID", b"Headers", b"Dest", b"GoTo"];

/// One part's relabelling: what its parent-tree keys move by, and its names' prefix.
#[derive(Clone, Debug)]
pub struct Relabel {
    pub offset: i64,
    pub prefix: Vec<u8>,
}

pub fn prefixed(prefix: &[u8], name: &[u8]) -> Vec<u8> {
    let mut v = prefix.to_vec();
    v.extend_from_slice(name);
    v
}

/// Relabel an object read whole.
pub fn relabel(obj: &mut Object, r: &Relabel) {
    let d = match obj {
        Object::Dictionary(d) => d,
        Object::Stream(s) => &mut s.dict,
        _ => return,
    };
    for key in [&b"StructParents"[..], b"StructParent"] {
        if let Ok(Object::Integer(n)) = d.get_mut(key) {
            *n += r.offset;
        }
    }
    if d.get(b"Type").and_then(Object::as_name).ok() == Some(b"StructElem") {
        if let Ok(Object::String(id, _)) = d.get_mut(b"ID") {
            *id = prefixed(&r.prefix, id);
        }
        // A table cell names its header cells by their ids (`/A << /O /Table /Headers [...] >>`):
        // they are renamed with the ids, or a cell would point at another part's headers.
        if let Ok(a) = d.get_mut(b"A") {
            rename_headers(a, &r.prefix);
        }
    }
    // Attributes held as objects of their own.
    table_headers(d, &r.prefix);
    // Named destinations: of a link, a bookmark or a go-to action.
    let rename = |o: &mut Object| match o {
        Object::String(n, _) | Object::Name(n) => *n = prefixed(&r.prefix, n),
        _ => {}
    };
    if let Ok(dest) = d.get_mut(b"Dest") {
        rename(dest);
    }
    if let Ok(Object::Dictionary(a)) = d.get_mut(b"A") {
        if a.get(b"S").and_then(Object::as_name).ok() == Some(b"GoTo") {
            if let Ok(dest) = a.get_mut(b"D") {
                rename(dest);
            }
        }
    }
    if d.get(b"S").and_then(Object::as_name).ok() == Some(b"GoTo") {
        if let Ok(dest) = d.get_mut(b"D") {
            rename(dest);
        }
    }
}

/// The `/Headers` ids of table attributes held directly in a structure element's `/A`
/// (a dictionary, or an array of them with revision numbers).
fn rename_headers(a: &mut Object, prefix: &[u8]) {
    match a {
        Object::Dictionary(d) => table_headers(d, prefix),
        Object::Array(items) => items.iter_mut().for_each(|i| rename_headers(i, prefix)),
        _ => {}
    }
}

/// A table attribute dictionary's `/Headers` ids, prefixed.
fn table_headers(d: &mut Dictionary, prefix: &[u8]) {
    if d.get(b"O").and_then(Object::as_name).ok() != Some(b"Table") {
        return;
    }
    if let Ok(Object::Array(headers)) = d.get_mut(b"Headers") {
        for h in headers {
            if let Object::String(id, _) = h {
                *id = prefixed(prefix, id);
            }
        }
    }
}

/// What a span of an object's bytes is, where relabelling changes it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Kind {
    /// A parent-tree key: moved by the offset.
    Key,
    /// A literal string, `(...)`: the prefix goes first inside.
    Literal,
    /// A hex string, `<...>`.
    Hex,
    /// A name, `/...`.
    Name,
}

/// Where, in an object's bytes, relabelling changes it: `(from, to, kind)`, in order.
pub type Spans = Vec<(u32, u32, Kind)>;

/// The keys `relabel` reads, as `spans` tells them apart.
#[derive(Clone, Copy, PartialEq)]
enum Key {
    Type,
    O,
    S,
    A,
    Id,
    Headers,
    Dest,
    D,
    StructParents,
    Other,
}

fn key_of(name: &[u8]) -> Key {
    match name {
        b"Type" => Key::Type,
        b"O" => Key::O,
        b"S" => Key::S,
        b"A" => Key::A,
        b"ID" => Key::Id,
        b"Headers" => Key::Headers,
        b"Dest" => Key::Dest,
        b"D" => Key::D,
        b"StructParents" | b"StructParent" => Key::StructParents,
        _ => Key::Other,
    }
}

/// Where a dictionary or array sits, as far as `relabel` cares: the object's own
/// dictionary, its `/A` dictionary, a dictionary or array reached from its `/A` through
/// arrays only, or elsewhere.
#[derive(Clone, Copy, PartialEq)]
enum Place {
    Top,
    ADict,
    AArray,
    AArrayDict,
    Elsewhere,
}

/// A dictionary or array open around the token being read.
struct Frame {
    dict: bool,
    /// Its entry in `Opened`, by the order it opened in.
    id: usize,
    /// A dictionary: whether the next token is a key, and the key whose value is next.
    want_key: bool,
    key: Key,
    /// Keys seen (by `Key as u16` bit): a key twice is left to reading whole.
    seen: u16,
    /// An array that is a table attribute's `/Headers`: its dictionary's frame.
    headers_of: Option<usize>,
    /// The last value set a parent-tree key span, which a reference's `0 R` cancels.
    key_span: Option<usize>,
    /// Where a reference's tokens are after a number value: 1 after the number (its
    /// generation may follow), 2 after the generation (`R` must follow).
    reference: u8,
}

/// What decides, once the object is read to its end, whether a span is changed.
#[derive(Clone, Copy)]
enum Rule {
    /// In the object's own dictionary, always.
    Top,
    /// `/ID` of the object's own dictionary, if it is a structure element.
    Id,
    /// A `/Headers` id of the dictionary at this frame, if it is a table attribute that
    /// `relabel` reaches.
    Headers(usize),
    /// `/D` of the dictionary at this frame, if it is a go-to action `relabel` reaches.
    D(usize),
}

/// What `relabel` asks of each dictionary or array opened, known once the object is read
/// to its end: where it sits, and (a dictionary) whether it is a structure element, a
/// table attribute, a go-to action.
#[derive(Clone, Copy)]
struct Opened {
    place: Place,
    struct_elem: bool,
    table: bool,
    go_to: bool,
}

/// A token as `spans` sees it.
enum Token<'a> {
    OpenDict,
    CloseDict,
    OpenArray,
    CloseArray,
    Name(&'a [u8]),
    String(Kind),
    Other(&'a [u8]),
}

/// Where relabelling changes the object whose value is `b[start..end]` (a stream's
/// dictionary, then its data): `None` where the bytes hold anything this is not sure of
/// (a key twice, an escaped name, a malformed dictionary), and then the object is read
/// whole instead.
pub fn spans(b: &[u8], start: usize, end: usize) -> Option<Spans> {
    let b = &b[..end];
    let mut frames: Vec<Frame> = Vec::new();
    let mut opened: Vec<Opened> = Vec::new();
    let mut found: Vec<(u32, u32, Kind, Rule)> = Vec::new();
    let mut i = start;
    let mut began = false;
    loop {
        while i < b.len() && is_white(b[i]) {
            i += 1;
        }
        let Some(&c) = b.get(i) else { break };
        let from = i;
        let token = match c {
            b'%' => {
                while b.get(i).is_some_and(|&c| c != b'\r' && c != b'\n') {
                    i += 1;
                }
                continue;
            }
            b'(' => {
                i = literal_end(b, i)?;
                Token::String(Kind::Literal)
            }
            b'<' if b.get(i + 1) == Some(&b'<') => {
                i += 2;
                Token::OpenDict
            }
            b'<' => {
                i += b.get(i..)?.iter().position(|&c| c == b'>')? + 1;
                Token::String(Kind::Hex)
            }
            b'>' if b.get(i + 1) == Some(&b'>') => {
                i += 2;
                Token::CloseDict
            }
            b'[' => {
                i += 1;
                Token::OpenArray
            }
            b']' => {
                i += 1;
                Token::CloseArray
            }
            b'/' => {
                i = regular_run(b, i + 1);
                let name = &b[from + 1..i];
                if name.contains(&b'#') {
                    return None;
                }
                Token::Name(name)
            }
            b')' | b'>' | b'{' | b'}' => return None,
            _ => {
                i = regular_run(b, i);
                let t = &b[from..i];
                if frames.is_empty() && began && (t == b"stream" || t == b"endobj") {
                    break;
                }
                Token::Other(t)
            }
        };
        let span = (from as u32, i as u32);
        // A key, or the rest of a reference (`n g R`) after a number value.
        if let Some(f) = frames.last_mut() {
            if f.dict && f.want_key {
                match token {
                    Token::Name(name) if f.reference != 2 => {
                        f.reference = 0;
                        f.key = key_of(name);
                        if f.key != Key::Other {
                            let bit = 1 << (f.key as u16);
                            if f.seen & bit != 0 {
                                return None;
                            }
                            f.seen |= bit;
                        }
                        f.want_key = false;
                        continue;
                    }
                    Token::Other(t) => {
                        // `0 R` after a number: that number was a reference.
                        match (f.reference, t) {
                            (1, t) if !t.is_empty() && t.iter().all(u8::is_ascii_digit) => f.reference = 2,
                            (2, b"R") => {
                                f.reference = 0;
                                if let Some(at) = f.key_span.take() {
                                    found.remove(at);
                                }
                            }
                            _ => return None,
                        }
                        continue;
                    }
                    Token::CloseDict if f.reference != 2 => {}
                    _ => return None,
                }
            }
        } else if began {
            // Anything after the object's one value (other than its stream) is unknown.
            return None;
        }
        began = true;
        // The token is a value (or closes a frame).
        let top = frames.last().map(|f| (f.dict, opened[f.id].place, f.key, f.headers_of, f.id));
        if let Some(f) = frames.last_mut() {
            f.key_span = None;
        }
        match token {
            Token::CloseDict | Token::CloseArray => {
                let f = frames.pop()?;
                if f.dict != matches!(token, Token::CloseDict) || (f.dict && !f.want_key) {
                    return None;
                }
                if let Some(p) = frames.last_mut() {
                    p.want_key = true;
                }
                continue;
            }
            Token::OpenDict | Token::OpenArray => {
                let place = match top {
                    None => Place::Top,
                    Some((true, Place::Top, Key::A, ..)) => {
                        if matches!(token, Token::OpenDict) {
                            Place::ADict
                        } else {
                            Place::AArray
                        }
                    }
                    Some((false, Place::AArray, ..)) => {
                        if matches!(token, Token::OpenDict) {
                            Place::AArrayDict
                        } else {
                            Place::AArray
                        }
                    }
                    _ => Place::Elsewhere,
                };
                let headers_of = match (top, &token) {
                    (Some((true, _, Key::Headers, _, id)), Token::OpenArray) => Some(id),
                    _ => None,
                };
                let dict = matches!(token, Token::OpenDict);
                frames.push(Frame { dict, id: opened.len(), want_key: true, key: Key::Other, seen: 0, headers_of, key_span: None, reference: 0 });
                opened.push(Opened { place, struct_elem: false, table: false, go_to: false });
                continue;
            }
            _ => {}
        }
        let Some((dict, place, key, headers_of, id)) = top else { continue };
        if !dict {
            // An array element: a string of a table attribute's `/Headers`.
            if let (Token::String(kind), Some(of)) = (&token, headers_of) {
                found.push((span.0, span.1, *kind, Rule::Headers(of)));
            }
            continue;
        }
        let f = frames.last_mut()?;
        f.want_key = true;
        f.reference = u8::from(matches!(token, Token::Other(t) if !t.is_empty() && t.iter().all(u8::is_ascii_digit)));
        // A string or name: what a label is.
        let label = match &token {
            Token::String(kind) => Some(*kind),
            Token::Name(_) => Some(Kind::Name),
            _ => None,
        };
        match (key, &token, label) {
            (Key::Type, Token::Name(n), _) => opened[id].struct_elem = *n == b"StructElem",
            (Key::O, Token::Name(n), _) => opened[id].table = *n == b"Table",
            (Key::S, Token::Name(n), _) => opened[id].go_to = *n == b"GoTo",
            (Key::StructParents, Token::Other(t), _) if place == Place::Top => {
                let digits = t.strip_prefix(b"-").unwrap_or(t);
                if digits.is_empty() || digits.len() > 18 || !digits.iter().all(u8::is_ascii_digit) {
                    // Not a plain integer (a real, or a sign lopdf may read otherwise).
                    if t.iter().any(|c| c.is_ascii_digit()) {
                        return None;
                    }
                } else {
                    f.key_span = Some(found.len());
                    found.push((span.0, span.1, Kind::Key, Rule::Top));
                }
            }
            (Key::Id, Token::String(kind), _) if place == Place::Top => found.push((span.0, span.1, *kind, Rule::Id)),
            (Key::Dest, _, Some(kind)) if place == Place::Top => found.push((span.0, span.1, kind, Rule::Top)),
            (Key::D, _, Some(kind)) => found.push((span.0, span.1, kind, Rule::D(id))),
            (_, Token::Other(t), _) if !(t.iter().all(|c| c.is_ascii_digit() || b"+-.".contains(c)) || *t == b"true" || *t == b"false" || *t == b"null") => {
                return None;
            }
            _ => {}
        }
    }
    if !frames.is_empty() {
        return None;
    }
    let struct_elem = opened.first().is_some_and(|o| o.struct_elem);
    let kept = found.into_iter().filter(|&(_, _, _, rule)| match rule {
        Rule::Top => true,
        Rule::Id => struct_elem,
        Rule::Headers(of) => {
            opened[of].table
                && match opened[of].place {
                    Place::Top => true,
                    Place::ADict | Place::AArrayDict => struct_elem,
                    _ => false,
                }
        }
        Rule::D(of) => opened[of].go_to && matches!(opened[of].place, Place::Top | Place::ADict),
    });
    Some(kept.map(|(from, to, kind, _)| (from, to, kind)).collect())
}

/// The bytes of a span `spans` found, relabelled by `r`.
pub fn write(out: &mut Vec<u8>, token: &[u8], kind: Kind, r: &Relabel) {
    match kind {
        Kind::Key => {
            let n: i64 = std::str::from_utf8(token).ok().and_then(|t| t.parse().ok()).unwrap_or(0);
            let _ = write!(out, "{}", n.saturating_add(r.offset));
        }
        Kind::Literal => {
            out.push(b'(');
            crate::objects::literal_body(out, &r.prefix);
            out.extend_from_slice(&token[1..]);
        }
        Kind::Hex => {
            out.push(b'<');
            crate::objects::hex_body(out, &r.prefix);
            out.extend_from_slice(&token[1..]);
        }
        Kind::Name => {
            out.push(b'/');
            crate::objects::name_body(out, &r.prefix);
            out.extend_from_slice(&token[1..]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lopdf::StringFormat;

    /// Every name an object holds, as key or value, at any depth.
    fn names_in(o: &Object, out: &mut Vec<Vec<u8>>) {
        match o {
            Object::Name(n) => out.push(n.clone()),
            Object::Array(a) => a.iter().for_each(|v| names_in(v, out)),
            Object::Dictionary(d) => d.iter().for_each(|(k, v)| {
                out.push(k.clone());
                names_in(v, out)
            }),
            Object::Stream(s) => names_in(&Object::Dictionary(s.dict.clone()), out),
            _ => {}
        }
    }

    /// Over generated objects built from the keys and values tag trees, links and
    /// bookmarks use: relabelling changes an object only if it names a watched name, so
    /// leaving the others unread (as packs do) loses nothing.
    #[test]
    fn relabelling_changes_only_objects_naming_a_watched_name() {
        let mut next = crate::read::tests::numbers(0x243F6A8885A308D3);
        let keys: &[&[u8]] =
            &[b"Type", b"S", b"P", b"K", b"Pg", b"A", b"O", b"ID", b"Headers", b"Dest", b"D", b"StructParents", b"StructParent", b"Title", b"Alt"];
        let names: &[&[u8]] = &[b"StructElem", b"TD", b"TH", b"Table", b"Layout", b"GoTo", b"URI", b"Link", b"Document", b"Annot"];
        fn value(next: &mut dyn FnMut() -> u64, keys: &[&[u8]], names: &[&[u8]], depth: u32) -> Object {
            match next() % if depth > 2 { 5 } else { 7 } {
                0 => Object::Integer((next() % 50) as i64),
                1 => Object::Name(names[(next() as usize) % names.len()].to_vec()),
                2 => Object::String(b"U1x0y0".to_vec(), StringFormat::Literal),
                3 => Object::Reference(((next() % 90) as u32 + 1, 0)),
                4 => Object::Real(1.5),
                5 => Object::Array((0..next() % 4).map(|_| value(next, keys, names, depth + 1)).collect()),
                _ => Object::Dictionary(dict(next, keys, names, depth + 1)),
            }
        }
        fn dict(next: &mut dyn FnMut() -> u64, keys: &[&[u8]], names: &[&[u8]], depth: u32) -> Dictionary {
            let mut d = Dictionary::new();
            for _ in 0..1 + next() % 5 {
                let k = keys[(next() as usize) % keys.len()];
                d.set(k.to_vec(), value(next, keys, names, depth));
            }
            d
        }
        let (mut unwatched, mut changed) = (0, 0);
        for _ in 0..20_000 {
            let o = Object::Dictionary(dict(&mut next, keys, names, 0));
            let mut relabelled = o.clone();
            relabel(&mut relabelled, &Relabel { offset: 7, prefix: b"item-3-".to_vec() });
            let mut seen = Vec::new();
            names_in(&o, &mut seen);
            let watched = seen.iter().any(|n| WATCHED.contains(&n.as_slice()));
            if relabelled != o {
                changed += 1;
                assert!(watched, "changed without a watched name: {o:?}");
            }
            if !watched {
                unwatched += 1;
            }
        }
        assert!(changed > 1000 && unwatched > 1000, "{changed} changed, {unwatched} unwatched");
    }

    /// Generated objects as bytes: the keys and values tag trees, links and bookmarks
    /// use, written in the syntax's variety (spacing, comments, both kinds of string,
    /// references where numbers could be, a key twice now and then, escaped names).
    struct Gen<'a> {
        next: &'a mut dyn FnMut() -> u64,
    }

    const KEYS: &[&str] = &["Type", "S", "P", "K", "Pg", "A", "O", "ID", "Headers", "Dest", "D", "StructParents", "StructParent", "Title", "Scope"];
    const NAMES: &[&str] = &["StructElem", "TD", "TH", "Table", "Layout", "GoTo", "URI", "Link", "Document", "Annot", "Fit"];

    impl Gen<'_> {
        fn pick(&mut self, n: usize) -> usize {
            (self.next)() as usize % n
        }

        fn space(&mut self, out: &mut String) {
            out.push_str(["\n", " ", "  ", "\r\n", " %note\n", "\t"][self.pick(6)]);
        }

        fn value(&mut self, out: &mut String, depth: u32) {
            match self.pick(if depth > 3 { 8 } else { 10 }) {
                0 => out.push_str(&format!("{}", self.pick(60) as i64 - 5)),
                1 => out.push_str(["1.5", "-0.25", "+7", "3."][self.pick(4)]),
                2 if self.pick(60) == 0 => out.push_str("/Go#54o"),
                2 => out.push_str(&format!("/{}", NAMES[self.pick(NAMES.len())])),
                3 => out.push_str(["(U1x0y0)", "(a\\)b)", "(n(es)ted)", "()", "(line\\\nbreak)"][self.pick(5)]),
                4 => out.push_str(["<55317830>", "<FEFF0041>", "<4 1 4>", "<>"][self.pick(4)]),
                5 => out.push_str(&format!("{} 0 R", 1 + self.pick(90))),
                6 => out.push_str(["true", "false", "null"][self.pick(3)]),
                7 => out.push_str(&format!("{}", self.pick(9))),
                8 => {
                    out.push('[');
                    for _ in 0..self.pick(4) {
                        self.space(out);
                        self.value(out, depth + 1);
                    }
                    out.push(']');
                }
                _ => self.dict(out, depth + 1),
            }
        }

        fn dict(&mut self, out: &mut String, depth: u32) {
            out.push_str("<<");
            let mut used = Vec::new();
            for _ in 0..1 + self.pick(6) {
                let mut k = KEYS[self.pick(KEYS.len())];
                // A key is used twice only now and then.
                if used.contains(&k) && self.pick(8) != 0 {
                    continue;
                }
                if self.pick(200) == 0 {
                    k = "I#44";
                }
                used.push(k);
                self.space(out);
                out.push_str(&format!("/{k}"));
                self.space(out);
                self.value(out, depth);
            }
            self.space(out);
            out.push_str(">>");
        }
    }

    fn apply(b: &[u8], spans: &Spans, r: &Relabel) -> Vec<u8> {
        let (mut out, mut at) = (Vec::new(), 0);
        for &(from, to, kind) in spans {
            out.extend_from_slice(&b[at..from as usize]);
            write(&mut out, &b[from as usize..to as usize], kind, r);
            at = to as usize;
        }
        out.extend_from_slice(&b[at..]);
        out
    }

    /// Over generated objects: where `spans` answers, the bytes it changes read as the
    /// object read whole and relabelled; where it does not, the object is read whole.
    #[test]
    fn spans_change_the_bytes_as_relabel_changes_the_object() {
        let mut next = crate::read::tests::numbers(0x9E3779B97F4A7C15);
        let r = Relabel { offset: 40, prefix: b"item-4(b)-".to_vec() };
        let (mut patched, mut unchanged, mut declined, mut unreadable) = (0, 0, 0, 0);
        for _ in 0..30_000 {
            let mut text = String::new();
            Gen { next: &mut next }.dict(&mut text, 0);
            let b = text.into_bytes();
            let Some(read) = crate::read::value(&b, 0, b.len(), false) else {
                unreadable += 1;
                continue;
            };
            let mut expected = read.clone();
            relabel(&mut expected, &r);
            match spans(&b, 0, b.len()) {
                None => {
                    declined += 1;
                }
                Some(s) if s.is_empty() => {
                    unchanged += 1;
                    assert!(expected == read, "relabelling changes what spans leaves: {}", String::from_utf8_lossy(&b));
                }
                Some(s) => {
                    patched += 1;
                    let changed = apply(&b, &s, &r);
                    let again = crate::read::value(&changed, 0, changed.len(), false);
                    assert!(
                        again.as_ref() == Some(&expected),
                        "{}\nbecame {}\n{again:?}\nnot {expected:?}",
                        String::from_utf8_lossy(&b),
                        String::from_utf8_lossy(&changed)
                    );
                }
            }
        }
        // Most are answered: a decline costs only the reading it saves.
        assert!(
            patched > 3000 && unchanged > 10_000 && declined < 6000,
            "{patched} patched, {unchanged} unchanged, {declined} declined, {unreadable} unreadable"
        );
    }

    /// A stream's dictionary is relabelled, its data never looked into.
    #[test]
    fn a_streams_data_is_left_alone() {
        let b = b"<</StructParents 3/Length 19>>stream\n/StructParents 9 )(\nendstream";
        let s = spans(b, 0, b.len()).unwrap();
        assert_eq!(s, vec![(17, 18, Kind::Key)]);
        let r = Relabel { offset: 10, prefix: b"p-".to_vec() };
        assert_eq!(apply(b, &s, &r), b"<</StructParents 13/Length 19>>stream\n/StructParents 9 )(\nendstream".to_vec());
        // A reference is not a key to move.
        assert_eq!(spans(b"<</StructParents 3 0 R>>", 0, 24), Some(vec![]));
    }
}
