//! Reading back the PDFs agendum has just made, fast: the syntax under
//! `objects.rs`. A pack reads every one of its items' PDFs, its front sheet and its page
//! numbers; lopdf's general reader (built for any PDF in the wild, with recovery) spent
//! about a millisecond on each and as much again on rayon threads.
//!
//! What Typst writes is a small, regular part of the format: a classic cross-reference
//! table, no object streams, no encryption, direct stream lengths. `table` reads that
//! table, `scan` finds an object's extent and references without reading it, and `value`
//! reads an object whole into the same `lopdf::Object` lopdf's reader gives (the tests
//! compare them on every kind of PDF agendum makes, and on thousands of damaged files).
//! Anything else is declined (`None`), so that the caller falls back to lopdf: never a
//! different reading, only a faster one.

use lopdf::{Dictionary, Object, ObjectId, Stream, StringFormat};

/// As lopdf's reader bounds nesting (arrays, dictionaries, parentheses in strings).
const MAX_DEPTH: usize = 100;

/// What a PDF's head, cross-reference table and trailer say, read by `table`.
pub(crate) struct Table {
    pub version: String,
    pub binary_mark: Vec<u8>,
    /// Each object in use: its number, where it starts and its generation.
    pub entries: Vec<(u32, usize, u16)>,
    pub trailer: Dictionary,
    /// The trailer's `Size`.
    pub size: u32,
}

/// The head, table and trailer of a PDF this reader knows, or `None`.
pub(crate) fn table(pdf: &[u8]) -> Option<Table> {
    if !pdf.starts_with(b"%PDF-") {
        return None;
    }
    let line_end = pdf.iter().position(|&b| b == b'\r' || b == b'\n')?;
    let version = &pdf[5..line_end];
    let digits = version.iter().take_while(|c| c.is_ascii_digit() || **c == b'.').count();
    let version = std::str::from_utf8(&version[..digits]).ok()?.to_string();
    // The binary mark: a comment of high bytes on the second line.
    let mut binary_mark = Vec::new();
    let second = &pdf[pdf.iter().position(|&b| b == b'\n')? + 1..];
    if let Some(rest) = second.strip_prefix(b"%") {
        let mark = &rest[..rest.iter().position(|&b| b == b'\r' || b == b'\n')?];
        if mark.iter().all(|&b| b >= 128) {
            binary_mark = mark.to_vec();
        }
    }

    let xref_start = startxref(pdf)?;
    let mut p = Parser { b: pdf, i: xref_start };
    if !p.eat(b"xref") {
        return None;
    }
    let mut entries: Vec<(u32, usize, u16)> = Vec::new();
    loop {
        p.skip_white();
        if p.eat(b"trailer") {
            break;
        }
        let start: u32 = p.digits()?;
        p.skip_white();
        let count: u32 = p.digits()?;
        for n in 0..count {
            p.skip_white();
            let offset: usize = p.digits()?;
            p.skip_white();
            let generation: u16 = p.digits()?;
            p.skip_white();
            match p.next()? {
                b'n' => entries.push((start.checked_add(n)?, offset, generation)),
                b'f' => {}
                _ => return None,
            }
        }
    }
    p.skip_space();
    let trailer = p.dictionary(MAX_DEPTH)?;
    // Updates, hybrid files and encryption are lopdf's to read.
    if [&b"Prev"[..], b"XRefStm", b"Encrypt"].iter().any(|k| trailer.has(k)) {
        return None;
    }
    let size = u32::try_from(trailer.get(b"Size").ok()?.as_i64().ok()?).ok()?;
    Some(Table { version, binary_mark, entries, trailer, size })
}

/// An object stream's or a cross-reference stream's dictionary: objects inside objects,
/// lopdf's to read.
fn is_container(dict: &Dictionary) -> bool {
    dict.has_type(b"ObjStm") || dict.has_type(b"XRef")
}

/// One object as found at `at` (where the table says it starts), without reading inside
/// it: its number, where its value starts and ends, the references in it (their spans
/// and what they name), whether it names any of `watched`, and whether it is a stream.
pub(crate) struct Scanned {
    pub id: ObjectId,
    pub start: usize,
    pub end: usize,
    pub refs: Vec<(u32, u32, ObjectId)>,
    pub watched: bool,
    pub stream: bool,
}

/// A plain token as `scan` keeps it: where it starts, and its value as an object number
/// and as a generation where it is one.
type Token = (usize, Option<u32>, Option<u16>);

/// Scan the object at `at`; `None` where lopdf might read it otherwise (the caller then
/// leaves the whole file to lopdf).
pub(crate) fn scan(b: &[u8], at: usize, watched: &[&[u8]]) -> Option<Scanned> {
    let mut p = Parser { b, i: at };
    p.skip_space();
    let id: u32 = p.digits()?;
    p.skip_space();
    let generation: u16 = p.digits()?;
    p.skip_space();
    if !p.eat(b"obj") {
        return None;
    }
    p.skip_space();
    let start = p.i;
    let mut refs = Vec::new();
    let mut seen = false;
    let mut depth = 0usize;
    // The last two plain tokens, for `N G R`.
    let mut last: [Option<Token>; 2] = [None, None];
    let mut i = start;
    let end = loop {
        let c = *b.get(i)?;
        if is_white(c) {
            i += 1;
            continue;
        }
        match c {
            b'%' => {
                while b.get(i).is_some_and(|&c| c != b'\r' && c != b'\n') {
                    i += 1;
                }
            }
            b'(' => {
                i = literal_end(b, i)?;
                last = [None, None];
            }
            b'<' if b.get(i + 1) == Some(&b'<') => {
                depth += 1;
                i += 2;
                last = [None, None];
            }
            b'<' => {
                i += b.get(i..)?.iter().position(|&c| c == b'>')? + 1;
                last = [None, None];
            }
            b'>' if b.get(i + 1) == Some(&b'>') => {
                depth = depth.checked_sub(1)?;
                i += 2;
                last = [None, None];
            }
            b'[' => {
                depth += 1;
                i += 1;
                last = [None, None];
            }
            b']' => {
                depth = depth.checked_sub(1)?;
                i += 1;
                last = [None, None];
            }
            b'/' => {
                let s = i + 1;
                i = regular_run(b, s);
                let name = &b[s..i];
                // An escaped name may spell a watched one: look inside.
                seen |= name.contains(&b'#') || watched.contains(&name);
                last = [None, None];
            }
            b')' | b'>' | b'{' | b'}' => return None,
            _ => {
                let s = i;
                i = regular_run(b, s);
                let token = &b[s..i];
                if depth == 0 && token == b"endobj" {
                    break s;
                }
                if depth == 0 && token == b"stream" {
                    // The dictionary before it, read whole (for its length), then past the
                    // data, which is not copied: composing rarely looks inside a stream.
                    let mut p = Parser { b, i: start };
                    let (dict, _) = p.stream_span()?;
                    let end = p.i;
                    p.skip_space();
                    if !p.eat(b"endobj") || is_container(&dict) {
                        return None;
                    }
                    return Some(Scanned { id: (id, generation), start, end, refs, watched: seen, stream: true });
                }
                if token == b"R" {
                    if let [Some((from, Some(n), _)), Some((_, _, Some(g)))] = last {
                        refs.push((u32::try_from(from).ok()?, u32::try_from(i).ok()?, (n, g)));
                    }
                    last = [None, None];
                } else {
                    // Its value as an unsigned number, if it is one (and fits).
                    let mut v: Option<u64> = Some(0);
                    for &c in token {
                        v = v.filter(|_| c.is_ascii_digit()).map(|v| v * 10 + u64::from(c - b'0')).filter(|&v| v <= u64::from(u32::MAX));
                    }
                    let n = v.and_then(|v| u32::try_from(v).ok());
                    let g = v.and_then(|v| u16::try_from(v).ok());
                    last = [last[1], Some((s, n, g))];
                }
            }
        }
    };
    let mut end = end;
    while end > start && is_white(b[end - 1]) {
        end -= 1;
    }
    (depth == 0 && end > start).then_some(Scanned { id: (id, generation), start, end, refs, watched: seen, stream: false })
}

/// Where the literal string opening at `i` ends (just past its `)`): parentheses balance,
/// a backslash escapes the byte after it. `None`: it does not end.
pub(crate) fn literal_end(b: &[u8], mut i: usize) -> Option<usize> {
    let mut nest = 0usize;
    loop {
        match *b.get(i)? {
            b'\\' => i += 1,
            b'(' => nest += 1,
            b')' => {
                nest -= 1;
                if nest == 0 {
                    return Some(i + 1);
                }
            }
            _ => {}
        }
        i += 1;
    }
}

/// The value of a scanned object, read whole; `None` if it does not read to exactly its
/// end.
pub(crate) fn value(b: &[u8], start: usize, end: usize, stream: bool) -> Option<Object> {
    let mut p = Parser { b: &b[..end], i: start };
    let o = if stream { Object::Stream(p.stream()?) } else { p.object(MAX_DEPTH)? };
    p.skip_space();
    (p.i == end).then_some(o)
}

/// Where the cross-reference table starts, from the last `startxref`.
fn startxref(pdf: &[u8]) -> Option<usize> {
    let tail_from = pdf.len().saturating_sub(1024);
    let tail = &pdf[tail_from..];
    let at = tail.windows(9).rposition(|w| w == b"startxref")?;
    let mut p = Parser { b: tail, i: at + 9 };
    p.skip_white();
    let offset: usize = p.digits()?;
    (offset < pdf.len()).then_some(offset)
}

struct Parser<'a> {
    b: &'a [u8],
    i: usize,
}

pub(crate) fn is_white(c: u8) -> bool {
    CLASS[c as usize] == WHITE
}

fn is_delimiter(c: u8) -> bool {
    CLASS[c as usize] == DELIMITER
}

/// Each byte's class, looked up rather than matched: the scan asks for every byte.
const REGULAR: u8 = 0;
const WHITE: u8 = 1;
const DELIMITER: u8 = 2;
const CLASS: [u8; 256] = {
    let mut t = [REGULAR; 256];
    let white = b" \t\n\r\0\x0C";
    let mut i = 0;
    while i < white.len() {
        t[white[i] as usize] = WHITE;
        i += 1;
    }
    let delimiters = b"()<>[]{}/%";
    let mut i = 0;
    while i < delimiters.len() {
        t[delimiters[i] as usize] = DELIMITER;
        i += 1;
    }
    t
};

/// The end of the run of regular bytes (a name's or a token's) from `i`.
pub(crate) fn regular_run(b: &[u8], i: usize) -> usize {
    b.get(i..).map_or(i, |rest| i + rest.iter().position(|&c| CLASS[c as usize] != REGULAR).unwrap_or(rest.len()))
}

fn hex(c: u8) -> Option<u8> {
    (c as char).to_digit(16).map(|d| d as u8)
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn next(&mut self) -> Option<u8> {
        let c = self.peek()?;
        self.i += 1;
        Some(c)
    }

    fn eat(&mut self, tag: &[u8]) -> bool {
        // `i` may point past the end: an offset in a damaged table, say.
        let found = self.b.get(self.i..).is_some_and(|rest| rest.starts_with(tag));
        if found {
            self.i += tag.len();
        }
        found
    }

    fn skip_white(&mut self) {
        while self.peek().is_some_and(is_white) {
            self.i += 1;
        }
    }

    /// White space and comments (a comment runs to the end of its line).
    fn skip_space(&mut self) {
        loop {
            self.skip_white();
            if self.peek() != Some(b'%') {
                return;
            }
            let Some(end) = self.b.get(self.i..).and_then(|rest| rest.iter().position(|&c| c == b'\r' || c == b'\n')) else { return };
            self.i += end;
        }
    }

    fn eol(&mut self) -> bool {
        self.eat(b"\r\n") || self.eat(b"\n") || self.eat(b"\r")
    }

    /// An unsigned decimal number of the type asked for (`None` on overflow).
    fn digits<T: std::str::FromStr>(&mut self) -> Option<T> {
        let start = self.i;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.i += 1;
        }
        if self.i == start {
            return None;
        }
        std::str::from_utf8(&self.b[start..self.i]).ok()?.parse().ok()
    }

    /// A stream with a direct length that holds (an indirect length, or one that does
    /// not meet `endstream`, is lopdf's to resolve or recover).
    fn stream(&mut self) -> Option<Stream> {
        let (dict, data) = self.stream_span()?;
        Some(Stream::new(dict, self.b[data].to_vec()))
    }

    /// A stream's dictionary and where its data is, the data not copied.
    fn stream_span(&mut self) -> Option<(Dictionary, std::ops::Range<usize>)> {
        let dict = self.dictionary(MAX_DEPTH)?;
        self.skip_space();
        if !self.eat(b"stream") {
            return None;
        }
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.i += 1;
        }
        if !self.eol() {
            return None;
        }
        let data = dict
            .get(b"Length")
            .ok()
            .and_then(|l| l.as_i64().ok())
            .and_then(|l| usize::try_from(l).ok())
            .and_then(|len| self.b.get(self.i..self.i.checked_add(len)?));
        let data = self.i..self.i + data?.len();
        self.i = data.end;
        self.eol();
        if !self.eat(b"endstream") {
            return None;
        }
        Some((dict, data))
    }

    /// A direct object and the space after it.
    fn direct_object(&mut self, depth: usize) -> Option<Object> {
        let o = self.object(depth.checked_sub(1)?)?;
        self.skip_space();
        Some(o)
    }

    /// One object, tried in lopdf's order: null, booleans, a reference, a real, an
    /// integer, a name, a literal string, a hexadecimal string, an array, a dictionary.
    fn object(&mut self, depth: usize) -> Option<Object> {
        if self.eat(b"null") {
            return Some(Object::Null);
        }
        if self.eat(b"true") {
            return Some(Object::Boolean(true));
        }
        if self.eat(b"false") {
            return Some(Object::Boolean(false));
        }
        match self.peek()? {
            b'/' => return self.name().map(Object::Name),
            b'(' => return self.literal_string(MAX_DEPTH).map(|s| Object::String(s, StringFormat::Literal)),
            b'[' => {
                self.i += 1;
                self.skip_space();
                let mut items = Vec::new();
                while !self.eat(b"]") {
                    items.push(self.direct_object(depth)?);
                }
                return Some(Object::Array(items));
            }
            b'<' if self.b.get(self.i + 1) == Some(&b'<') => return self.dictionary(depth).map(Object::Dictionary),
            b'<' => return self.hex_string(),
            _ => {}
        }
        let start = self.i;
        if let Some(r) = self.reference() {
            return Some(r);
        }
        self.i = start;
        self.number()
    }

    /// `N G R`.
    fn reference(&mut self) -> Option<Object> {
        let id: u32 = self.digits()?;
        self.skip_space();
        let generation: u16 = self.digits()?;
        self.skip_space();
        self.eat(b"R").then_some(Object::Reference((id, generation)))
    }

    /// A real (digits with a point) or else an integer, signed or not.
    fn number(&mut self) -> Option<Object> {
        let start = self.i;
        if matches!(self.peek(), Some(b'+' | b'-')) {
            self.i += 1;
        }
        let int_start = self.i;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.i += 1;
        }
        let int_digits = self.i - int_start;
        if self.peek() == Some(b'.') {
            self.i += 1;
            let frac_start = self.i;
            while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                self.i += 1;
            }
            if int_digits > 0 || self.i > frac_start {
                return std::str::from_utf8(&self.b[start..self.i]).ok()?.parse::<f32>().ok().map(Object::Real);
            }
            return None;
        }
        if int_digits == 0 {
            return None;
        }
        std::str::from_utf8(&self.b[start..self.i]).ok()?.parse::<i64>().ok().map(Object::Integer)
    }

    /// `/Name`, with `#xx` escapes.
    fn name(&mut self) -> Option<Vec<u8>> {
        if !self.eat(b"/") {
            return None;
        }
        let mut out = Vec::new();
        while let Some(c) = self.peek() {
            if c == b'#' {
                match (self.b.get(self.i + 1).copied().and_then(hex), self.b.get(self.i + 2).copied().and_then(hex)) {
                    (Some(h), Some(l)) => {
                        out.push(h << 4 | l);
                        self.i += 3;
                    }
                    _ => break,
                }
            } else if !is_white(c) && !is_delimiter(c) {
                out.push(c);
                self.i += 1;
            } else {
                break;
            }
        }
        Some(out)
    }

    /// `(...)`, escapes resolved; balanced parentheses inside are kept.
    fn literal_string(&mut self, depth: usize) -> Option<Vec<u8>> {
        if !self.eat(b"(") {
            return None;
        }
        let mut out = Vec::new();
        loop {
            match self.peek()? {
                b')' => {
                    self.i += 1;
                    return Some(out);
                }
                b'(' => {
                    let inner = self.literal_string(depth.checked_sub(1)?)?;
                    out.push(b'(');
                    out.extend_from_slice(&inner);
                    out.push(b')');
                }
                b'\\' => {
                    self.i += 1;
                    let c = self.peek()?;
                    if (b'0'..=b'7').contains(&c) {
                        let mut v: u16 = 0;
                        for _ in 0..3 {
                            match self.peek() {
                                Some(d @ b'0'..=b'7') => {
                                    v = v * 8 + u16::from(d - b'0');
                                    self.i += 1;
                                }
                                _ => break,
                            }
                        }
                        out.push(v as u8);
                    } else if !self.eol() {
                        self.i += 1;
                        out.push(match c {
                            b'n' => b'\n',
                            b'r' => b'\r',
                            b't' => b'\t',
                            b'b' => b'\x08',
                            b'f' => b'\x0C',
                            other => other,
                        });
                    }
                }
                c => {
                    out.push(c);
                    self.i += 1;
                }
            }
        }
    }

    /// `<hex digits>`, white space between them ignored, an odd last digit as its high half.
    fn hex_string(&mut self) -> Option<Object> {
        if !self.eat(b"<") {
            return None;
        }
        let mut out = Vec::new();
        let mut high = true;
        loop {
            self.skip_white();
            let Some(d) = self.peek().and_then(hex) else { break };
            self.i += 1;
            if high {
                out.push(d << 4);
            } else if let Some(last) = out.last_mut() {
                *last |= d;
            }
            high = !high;
        }
        self.eat(b">").then_some(Object::String(out, StringFormat::Hexadecimal))
    }

    /// `<< /Key value ... >>`.
    fn dictionary(&mut self, depth: usize) -> Option<Dictionary> {
        if !self.eat(b"<<") {
            return None;
        }
        self.skip_space();
        let mut d = Dictionary::new();
        while !self.eat(b">>") {
            let key = self.name()?;
            self.skip_space();
            let value = self.direct_object(depth)?;
            d.set(key, value);
        }
        Some(d)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use crate::objects::Doc;

    /// A reproducible stream of pseudo-random numbers (xorshift) for generated inputs.
    pub(crate) fn numbers(mut seed: u64) -> impl FnMut() -> u64 {
        move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        }
    }

    /// A PDF of these object bodies (object N is `bodies[N-1]`), its table and trailer.
    pub(crate) fn pdf(bodies: &[&[u8]], trailer_extra: &str) -> Vec<u8> {
        let mut out = b"%PDF-1.7\n%\x80\x81\x82\x83\n".to_vec();
        let mut offsets = Vec::new();
        for (n, body) in bodies.iter().enumerate() {
            offsets.push(out.len());
            out.extend_from_slice(format!("{} 0 obj\n", n + 1).as_bytes());
            out.extend_from_slice(body);
            out.extend_from_slice(b"\nendobj\n");
        }
        let xref = out.len();
        out.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f\r\n", bodies.len() + 1).as_bytes());
        for o in offsets {
            out.extend_from_slice(format!("{o:010} 00000 n\r\n").as_bytes());
        }
        out.extend_from_slice(format!("trailer\n<</Size {}/Root 1 0 R{trailer_extra}>>\nstartxref\n{xref}\n%%EOF\n", bodies.len() + 1).as_bytes());
        out
    }

    pub(crate) const SYNTAX: &[&[u8]] = &[
        b"<</Type/Catalog/Pages 2 0 R/Names<</Dests 3 0 R>>>>",
        b"<</Type/Pages/Count 0/Kids[]>>",
        b"[(plain) (a \\(paren\\) and \\\\ and \\n\\r\\t\\b\\f) (octal \\053\\0\\1234 end) (nested (balanced (deep)) parens) (line\\\ncontinued) (raw\r\nbreak)]",
        b"[<48656C6C6F> <4 8 6\n5 7> <> <ABC>]",
        b"[/Name /With#20Space /  -.5 5. +3.25 -17 0 1.0 12345678901]",
        b"<</A null/B true/C false/D [1 0 R 2 0 R 3 4 0 R]/E 7 % a comment\n 0 R/F<</G<</H[[[]]]>>>>>>",
        b"<</Length 11/Filter/FlateDecode>>stream\r\nhello world\r\nendstream",
        b"<</Length 5>>stream\nabcde\nendstream",
    ];

    #[test]
    fn reads_the_syntax_as_lopdf_does() {
        let doc = Doc::scan(std::sync::Arc::new(pdf(SYNTAX, ""))).unwrap();
        assert_eq!(doc.objects.len(), SYNTAX.len());
        let slow = lopdf::Document::load_mem(&pdf(SYNTAX, "")).unwrap();
        assert!(doc.read_all().unwrap() == slow.objects);
        let strings = doc.get_object((3, 0)).unwrap().as_array().unwrap();
        assert_eq!(strings[1].as_str().unwrap(), b"a (paren) and \\ and \n\r\t\x08\x0C");
        assert_eq!(strings[3].as_str().unwrap(), b"nested (balanced (deep)) parens");
        assert_eq!(strings[4].as_str().unwrap(), b"linecontinued");
        let hex = doc.get_object((4, 0)).unwrap().as_array().unwrap();
        assert_eq!(hex[1].as_str().unwrap(), b"Hep");
        assert_eq!(hex[3].as_str().unwrap(), &[0xAB, 0xC0]);
        assert_eq!(doc.get_object((7, 0)).unwrap().as_stream().unwrap().content, b"hello world");
    }

    #[test]
    fn declines_what_it_does_not_know() {
        let scan = |b: &[u8]| Doc::scan(std::sync::Arc::new(b.to_vec()));
        // An indirect length, an update, encryption, a length that misses `endstream`,
        // an object stream, and something that is not a PDF at all.
        assert!(scan(&pdf(&[b"<</Type/Catalog>>", b"<</Length 2 0 R>>stream\nabc\nendstream"], "")).is_none());
        assert!(scan(&pdf(&[b"<</Type/Catalog>>"], "/Prev 9")).is_none());
        assert!(scan(&pdf(&[b"<</Type/Catalog>>"], "/Encrypt 1 0 R")).is_none());
        assert!(scan(&pdf(&[b"<</Type/Catalog>>", b"<</Length 99>>stream\nabc\nendstream"], "")).is_none());
        assert!(scan(&pdf(&[b"<</Type/Catalog>>", b"<</Type/ObjStm/N 0/First 0/Length 0>>stream\n\nendstream"], "")).is_none());
        assert!(scan(b"GIF89a").is_none());
        assert!(scan(b"%PDF-1.7\n").is_none());
        // A table entry pointing past the end of the file, or at another object than the
        // one it numbers (a damaged table), is declined, not a panic or a misreading.
        let base = pdf(SYNTAX, "");
        let entry = base.windows(8).rposition(|w| w == b" 00000 n").unwrap();
        let mut past = base.clone();
        past[entry - 10..entry].copy_from_slice(b"9999999999");
        assert!(scan(&past).is_none());
        let mut swapped = base.clone();
        let first = base.windows(8).position(|w| w == b" 00000 n").unwrap();
        let (a, b) = (base[first - 10..first].to_vec(), base[entry - 10..entry].to_vec());
        swapped[first - 10..first].copy_from_slice(&b);
        swapped[entry - 10..entry].copy_from_slice(&a);
        assert!(scan(&swapped).is_none());
    }
}
