//! Full-text search of the whole archive as static files: every public report (all its
//! sections, header, footnotes and shown appendices) and every meeting's agenda, indexed
//! in full. The index is split by the first two letters of each word, so a search fetches
//! only the few files its words need; each document's text is a file of its own, fetched
//! for the results shown, to cut a snippet from. Files are scripts (they call
//! `agendumSearch.*`), so the search works from disk as well as from a server. Only the
//! public view is indexed: nothing withheld reaches it.

use std::collections::{BTreeMap, HashMap};

use serde_json::{json, Value};

use crate::audience::View;
use crate::diag::Diagnostic;
use crate::document::*;

/// The words of a text as search sees them, before they are lowered: letters and digits,
/// two or more characters (`text.split(|c: char| !c.is_alphanumeric())`, two characters
/// or more). `static/search.js` splits queries the same way. Read a byte at a time where
/// the text is ASCII (most of a council's), a character at a time elsewhere.
fn raw_words(text: &str) -> impl Iterator<Item = &str> + '_ {
    let b = text.as_bytes();
    let mut i = 0;
    // Whether the character at `at` is a letter or digit, and its length.
    let word_char = move |at: usize| -> (bool, usize) {
        match b[at] {
            c if c.is_ascii() => (c.is_ascii_alphanumeric(), 1),
            _ => text[at..].chars().next().map_or((false, 1), |c| (c.is_alphanumeric(), c.len_utf8())),
        }
    };
    std::iter::from_fn(move || loop {
        while i < b.len() {
            let (w, len) = word_char(i);
            if w {
                break;
            }
            i += len;
        }
        if i >= b.len() {
            return None;
        }
        let (start, mut chars) = (i, 0);
        while i < b.len() {
            let (w, len) = word_char(i);
            if !w {
                break;
            }
            i += len;
            chars += 1;
        }
        if chars >= 2 {
            return Some(&text[start..i]);
        }
    })
}

/// A hasher for the word counts of one document: words are short and not chosen by an
/// attacker who could make them collide to any effect (a slower index at worst), so a
/// multiply-rotate over eight bytes at a time rather than SipHash.
#[derive(Default)]
struct WordHasher(u64);

impl std::hash::Hasher for WordHasher {
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x517c_c1b7_2722_0a95;
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let v = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
            self.0 = (self.0.rotate_left(5) ^ v).wrapping_mul(K);
        }
        for &c in chunks.remainder() {
            self.0 = (self.0.rotate_left(5) ^ u64::from(c)).wrapping_mul(K);
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// The file name of a shard of words beginning with `prefix`: the prefix itself when it
/// is plain letters and digits, else `~` and its code points in hex (`~e9-63` for "éc"),
/// which no plain name can be. `static/search.js` names them the same way.
pub fn shard_name(prefix: &str) -> String {
    if prefix.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()) {
        prefix.to_string()
    } else {
        format!("~{}", prefix.chars().map(|c| format!("{:x}", c as u32)).collect::<Vec<_>>().join("-"))
    }
}

/// A shard file's largest size, before compression: a shard over it is split by the
/// next letter of its words, so a search fetches a few kilobytes per word however large
/// the archive grows (a single very common word stays whole).
const SHARD_BYTES: usize = 24 * 1024;

/// The word-list entries (`"word":[...]`, postings already written) grouped into shards:
/// words beginning with `prefix` (of `depth` characters) in one shard while they fit,
/// else the words exactly `prefix` in it and the longer ones split by their next letter.
fn split_shards(prefix: String, depth: usize, entries: Vec<(String, String)>, out: &mut Vec<(String, Vec<(String, String)>)>) {
    let size: usize = entries.iter().map(|(_, e)| e.len() + 1).sum();
    if size <= SHARD_BYTES || entries.iter().all(|(w, _)| w.chars().count() <= depth) {
        out.push((prefix, entries));
        return;
    }
    let mut here = Vec::new();
    let mut below: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    for (w, e) in entries {
        if w.chars().count() <= depth {
            here.push((w, e));
        } else {
            below.entry(w.chars().take(depth + 1).collect()).or_default().push((w, e));
        }
    }
    if !here.is_empty() {
        out.push((prefix, here));
    }
    for (p, e) in below {
        split_shards(p, depth + 1, e, out);
    }
}

/// The text of a block list on one line, single-spaced (open data's text fields).
pub fn one_line(blocks: &[Block]) -> String {
    let mut s = String::new();
    full_text(blocks, &mut s);
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Every text of a block list, in order.
pub fn full_text(blocks: &[Block], out: &mut String) {
    for_each_block(blocks, &mut |b| {
        match b {
            Block::Para { content, .. } | Block::Heading { content, .. } => out.push_str(&plain(content)),
            Block::Fields { rows, .. } => {
                for r in rows {
                    out.push_str(&format!("{} {} ", r.label, plain(&r.value)));
                }
            }
            Block::Table(t) => {
                if let Some(c) = &t.caption {
                    out.push_str(c);
                    out.push(' ');
                }
                for c in &t.columns {
                    out.push_str(&plain(&c.heading));
                    out.push(' ');
                }
            }
            Block::Code { text } => out.push_str(text),
            _ => {}
        }
        out.push(' ');
    });
}

struct Doc {
    title: String,
    url: String,
    kind: String,
    committee: String,
    year: String,
    key: bool,
    text: String,
}

/// Each document of the view in order, handed to `each` one at a time: a meeting's
/// agenda, then its reports.
fn documents(site: &View, each: &mut dyn FnMut(Doc) -> Result<(), Diagnostic>) -> Result<(), Diagnostic> {
    for m in site.meetings() {
        let d = &m.doc;
        let mut text = String::new();
        for i in &d.items {
            text.push_str(&format!("{}. {} ", i.number, i.title));
            full_text(&i.blocks, &mut text);
            if let Some(doc) = &i.document {
                full_text(&doc.blocks, &mut text);
            }
        }
        each(Doc {
            title: format!("{}, {}", d.committee, d.date_display),
            url: d.url.clone(),
            kind: "Meeting".into(),
            committee: d.committee_slug.clone(),
            year: d.date[..4].to_string(),
            key: false,
            text,
        })?;
        for r in &m.reports {
            let mut text = String::new();
            for row in &r.header {
                text.push_str(&format!("{} {} ", row.label, row.parts.iter().map(|p| plain(p)).collect::<Vec<_>>().join(" ")));
            }
            for s in &r.sections {
                text.push_str(&s.heading);
                text.push(' ');
                full_text(&s.blocks, &mut text);
            }
            for a in r.appendices.iter().filter(|a| !a.withheld) {
                text.push_str(&format!("{}: {} ", a.label, a.title));
                full_text(&a.blocks, &mut text);
            }
            for f in &r.footnotes {
                full_text(&f.blocks, &mut text);
            }
            let key = d.items.iter().any(|i| i.number == r.item_number && i.key_decision);
            each(Doc {
                title: format!("{}. {}", r.item_number, r.title),
                url: r.url.clone(),
                kind: format!("Report to the {}, {}", r.committee, r.date_display),
                committee: r.committee_slug.clone(),
                year: r.date[..4].to_string(),
                key,
                text,
            })?;
        }
        if let Some(mins) = &m.minutes {
            let mut text = String::new();
            for e in &mins.entries {
                text.push_str(&format!("{} {} ", e.number, e.title));
                full_text(&e.body(), &mut text);
            }
            each(Doc {
                title: format!("Minutes: {}, {}", d.committee, d.date_display),
                url: mins.url.clone(),
                kind: "Minutes".into(),
                committee: d.committee_slug.clone(),
                year: d.date[..4].to_string(),
                key: false,
                text,
            })?;
        }
    }
    Ok(())
}

/// The site's decision notices, as search documents.
fn decision_documents(site: &View, each: &mut dyn FnMut(Doc) -> Result<(), Diagnostic>) -> Result<(), Diagnostic> {
    for d in &site.decisions {
        let mut text = format!("{} {} ", d.reference, d.decision_maker);
        for b in [&d.decision, &d.reasons, &d.alternatives, &d.public_summary] {
            full_text(b, &mut text);
        }
        each(Doc {
            title: format!("{}: {}", d.reference, d.title),
            url: d.url.clone(),
            kind: "Decision".into(),
            committee: d.committee_slug.clone().unwrap_or_default(),
            year: d.year.clone(),
            key: d.key_decision,
            text,
        })?;
    }
    Ok(())
}

/// A script calling `agendumSearch.<call>(<json>)`, safe inside any page: `</` and
/// `<!--` cannot end or confuse a script.
fn script(call: &str, args: &[Value]) -> Vec<u8> {
    let args: Vec<String> = args.iter().map(|a| serde_json::to_string(a).unwrap_or_default()).collect();
    script_text(call, &args.join(","))
}

/// `agendumSearch.text(<n>,"<text>")`: a document's text, single-spaced, as a JSON
/// string, made in one pass (the same bytes as `script("text", ...)` would give).
fn text_script(n: usize, text: &str) -> Vec<u8> {
    let mut s = String::with_capacity(text.len() + 32);
    s.push_str(&format!("agendumSearch.text({n},\""));
    for (i, word) in text.split_whitespace().enumerate() {
        if i > 0 {
            s.push(' ');
        }
        // Runs that need no escape are copied whole.
        let mut from = 0;
        for (at, c) in word.bytes().enumerate() {
            let escaped = match c {
                b'"' => "\\\"",
                b'\\' => "\\\\",
                0x08 => "\\b",
                0x0C => "\\f",
                c if c < 0x20 => "",
                _ => continue,
            };
            s.push_str(&word[from..at]);
            if escaped.is_empty() {
                s.push_str(&format!("\\u{:04x}", c));
            } else {
                s.push_str(escaped);
            }
            from = at + 1;
        }
        s.push_str(&word[from..]);
    }
    s.push_str("\");\n");
    safe_in_page(s)
}

/// `agendumSearch.<call>(<args>)` from arguments already written as JSON.
fn script_text(call: &str, args: &str) -> Vec<u8> {
    safe_in_page(format!("agendumSearch.{call}({args});\n"))
}

/// A script made safe inside any page: `</` and `<!--` cannot end or confuse it. Most
/// texts have no `<` at all: then there is nothing to escape (and no need to copy a
/// report's whole text twice more).
fn safe_in_page(s: String) -> Vec<u8> {
    if !s.contains('<') {
        return s.into_bytes();
    }
    s.replace("</", "<\\/").replace("<!--", "<\\u0021--").into_bytes()
}

/// The search files: `search/docs.js` (each document's title, address, kind, committee,
/// year and key-decision flag, by number), `search/terms/<shard>.js` (each word's
/// documents with its count in each) and `search/text/<n>.js` (each document's text).
///
/// Written as it goes: each document's text as soon as it is read, the word lists once
/// all are read (they are the only thing held: a document number and a count per word
/// and document).
pub fn index(site: &View, out: &mut dyn FnMut(String, Vec<u8>) -> Result<(), Diagnostic>) -> Result<(), Diagnostic> {
    let mut index = SearchIndex::default();
    index.add(site, out)?;
    index.add_decisions(site, out)?;
    index.finish(site, out)
}

/// The search index being made: documents are added a view at a time (a build of a
/// large archive adds each batch of meetings), their texts written as they come.
#[derive(Default)]
pub struct SearchIndex {
    /// Per document: its committee's slug, year and key-decision flag, for the filters.
    facets: Vec<(String, u32, bool)>,
    /// Titles, addresses and kinds not yet written (the last, unfinished chunk).
    meta: Vec<Value>,
    /// word -> (document, count) pairs, flat, in document order.
    postings: BTreeMap<String, Vec<u32>>,
}

impl SearchIndex {
    /// Index every document of `site`: each meeting's agenda and its reports.
    pub fn add(&mut self, site: &View, out: &mut dyn FnMut(String, Vec<u8>) -> Result<(), Diagnostic>) -> Result<(), Diagnostic> {
        documents(site, &mut |d| self.add_doc(d, out))
    }

    /// The site's decision notices (once: they are the site's, not a batch's).
    pub fn add_decisions(&mut self, site: &View, out: &mut dyn FnMut(String, Vec<u8>) -> Result<(), Diagnostic>) -> Result<(), Diagnostic> {
        decision_documents(site, &mut |d| self.add_doc(d, out))
    }

    fn add_doc(&mut self, d: Doc, out: &mut dyn FnMut(String, Vec<u8>) -> Result<(), Diagnostic>) -> Result<(), Diagnostic> {
        let n = self.facets.len();
        // Each word's count in the document. The order the counts are taken in does not
        // matter (each word gains one posting per document), so a hash map; a word is
        // lowered, and its key made, only when it is not lower case already or is new.
        let mut counts: HashMap<String, u32, std::hash::BuildHasherDefault<WordHasher>> = HashMap::default();
        let mut count = |w: &str, by: u32| {
            let lowered;
            let upper = if w.is_ascii() { w.bytes().any(|c| c.is_ascii_uppercase()) } else { w.chars().any(char::is_uppercase) };
            let w = if upper {
                lowered = w.to_lowercase();
                lowered.as_str()
            } else {
                w
            };
            match counts.get_mut(w) {
                Some(c) => *c += by,
                None => {
                    counts.insert(w.to_string(), by);
                }
            }
        };
        // The title counts three times: a word in it says more than one in the text.
        for w in raw_words(&d.title) {
            count(w, 3);
        }
        for w in raw_words(&d.text) {
            count(w, 1);
        }
        for (w, c) in counts {
            self.postings.entry(w).or_default().extend([n as u32, c]);
        }
        out(format!("search/text/{n}.js"), text_script(n, &d.text))?;
        self.facets.push((d.committee.clone(), d.year.parse::<u32>().unwrap_or(0), d.key));
        self.meta.push(json!([d.title, d.url, d.kind]));
        if self.meta.len() == META_CHUNK {
            let chunk = n / META_CHUNK;
            out(format!("search/meta/{chunk}.js"), script("meta", &[json!(chunk), Value::Array(std::mem::take(&mut self.meta))]))?;
        }
        Ok(())
    }

    /// Write what is left: the last chunk of titles, the word lists and `docs.js`.
    /// `site` gives the committees for the filter.
    pub fn finish(self, site: &View, out: &mut dyn FnMut(String, Vec<u8>) -> Result<(), Diagnostic>) -> Result<(), Diagnostic> {
        let SearchIndex { facets, meta, postings } = self;
        if !meta.is_empty() {
            let chunk = (facets.len() - 1) / META_CHUNK;
            out(format!("search/meta/{chunk}.js"), script("meta", &[json!(chunk), Value::Array(meta)]))?;
        }
        let committees: Vec<(&str, &str)> = site.committees.iter().map(|c| (c.slug.as_str(), c.name.as_str())).collect();
        let facets: Vec<Value> = facets.iter().map(|(slug, year, key)| json!([committees.iter().position(|(s, _)| s == slug), year, u8::from(*key)])).collect();
        // Each word's entry, its documents as gaps from the one before (mostly one or two
        // digits, where document numbers run to five), grouped by the first two letters.
        let mut by_head: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
        for (w, list) in postings {
            let mut entry = serde_json::to_string(&w).unwrap_or_default();
            entry.push_str(":[");
            let mut prev = 0;
            for (i, pair) in list.chunks(2).enumerate() {
                if i > 0 {
                    entry.push(',');
                }
                entry.push_str(&format!("{},{}", pair[0] - prev, pair[1]));
                prev = pair[0];
            }
            entry.push(']');
            by_head.entry(w.chars().take(2).collect()).or_default().push((w, entry));
        }
        let mut shards = Vec::new();
        for (head, entries) in by_head {
            split_shards(head, 2, entries, &mut shards);
        }
        let prefixes: Vec<&str> = shards.iter().map(|(p, _)| p.as_str()).collect();
        out("search/docs.js".into(), script("docs", &[Value::Array(facets), json!(committees), json!(prefixes)]))?;
        for (prefix, entries) in &shards {
            let name = shard_name(prefix);
            let body: Vec<&str> = entries.iter().map(|(_, e)| e.as_str()).collect();
            let args = format!("{},{{{}}}", serde_json::to_string(&name).unwrap_or_default(), body.join(","));
            out(format!("search/terms/{name}.js"), script_text("terms", &args))?;
        }
        Ok(())
    }
}

/// Documents per file of titles, addresses and kinds (`search/meta/<k>.js`): a search
/// fetches the few chunks its shown results are in.
const META_CHUNK: usize = 100;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_script_is_the_json_of_the_single_spaced_text() {
        for text in [
            "",
            "plain",
            "  two\n\tlines  ",
            "quote \" and \\ back",
            "ctl \u{1}\u{8}\u{c}\u{1f} end",
            "</script> <!-- x --> a<b",
            "Cymraeg: ŵ ŷ, 中文, emoji 🙂",
        ] {
            let single = text.split_whitespace().collect::<Vec<_>>().join(" ");
            assert_eq!(text_script(7, text), script("text", &[json!(7), json!(single)]), "{text:?}");
        }
    }

    /// Over generated texts (ASCII, Welsh and other scripts, punctuation, digits, spaces
    /// of every kind): the words are the plain definition's.
    #[test]
    fn words_are_the_alphanumeric_runs_of_two_or_more() {
        let pieces = ["a", "Bb", "12", " ", "\u{a0}", "\t", "£", "ŵ", "Ŷ", "中文", "🙂", "-", "'", "’", "ǅ", "x", "\u{2003}", "İ", "ß", "٣", ".", "e\u{301}"];
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..5000 {
            let mut text = String::new();
            for _ in 0..seed % 12 {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                text.push_str(pieces[(seed % pieces.len() as u64) as usize]);
            }
            let plain: Vec<&str> = text.split(|c: char| !c.is_alphanumeric()).filter(|w| w.chars().nth(1).is_some()).collect();
            assert_eq!(raw_words(&text).collect::<Vec<_>>(), plain, "{text:?}");
            let single = text.split_whitespace().collect::<Vec<_>>().join(" ");
            assert_eq!(text_script(3, &text), script("text", &[json!(3), json!(single)]), "{text:?}");
            seed = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
        }
    }

    #[test]
    fn words_and_shards() {
        let w: Vec<String> = raw_words("The Council's £1.2m budget, 2025/26 – Ysgol Gymraeg").map(str::to_lowercase).collect();
        assert_eq!(w, ["the", "council", "2m", "budget", "2025", "26", "ysgol", "gymraeg"]);
        assert_eq!(shard_name("bu"), "bu");
        assert_eq!(shard_name("20"), "20");
        assert_eq!(shard_name("éc"), "~e9-63");
        // No plain name is an escaped one.
        assert!(!shard_name("ue9").starts_with('~'));
    }

    #[test]
    fn large_shards_split_by_the_next_letter_and_keep_short_words() {
        let entry = |w: &str| (w.to_string(), format!("\"{w}\":[{}]", "1,1,".repeat(4000)));
        let entries = vec![entry("co"), entry("committee"), entry("council"), entry("councillor"), entry("contract")];
        let mut out = Vec::new();
        split_shards("co".into(), 2, entries, &mut out);
        let prefixes: Vec<&str> = out.iter().map(|(p, _)| p.as_str()).collect();
        // "cou" is split down to where "council" and "councillor" part; no empty shard is kept.
        assert_eq!(prefixes, ["co", "com", "con", "council", "councill"]);
        // Every word is in exactly one shard, under the longest prefix it begins with.
        let mut words: Vec<&str> = out.iter().flat_map(|(_, e)| e.iter().map(|(w, _)| w.as_str())).collect();
        words.sort();
        assert_eq!(words, ["co", "committee", "contract", "council", "councillor"]);
        for (p, e) in &out {
            for (w, _) in e {
                let longest = prefixes.iter().filter(|q| w.starts_with(**q)).max_by_key(|q| q.len()).unwrap();
                assert_eq!(longest, p, "{w}");
            }
        }
    }
}
