//! Full-text search of the whole archive as static files: every public report (all its
//! sections, header, footnotes and shown appendices) and every meeting's agenda, indexed
//! in full. The index is split by the first two letters of each word, so a search fetches
//! only the few files its words need; each document's text is a file of its own, fetched
//! for the results shown, to cut a snippet from. Files are scripts (they call
//! `agendumSearch.*`), so the search works from disk as well as from a server. Only the
//! public view is indexed: nothing withheld reaches it.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use crate::audience::View;
use crate::diag::Diagnostic;
use crate::document::*;

/// The words of a text as search sees them: lower case, letters and digits, two or more
/// characters. `static/search.js` splits queries the same way.
pub fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric()).filter(|w| w.chars().count() > 1).map(str::to_lowercase)
}

/// The index file a word is in: its first two characters, as letters and digits a file
/// name can hold, else their code points.
pub fn shard(word: &str) -> String {
    let head: String = word.chars().take(2).collect();
    if head.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()) {
        head
    } else {
        head.chars().map(|c| format!("u{:x}", c as u32)).collect()
    }
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
    }
    Ok(())
}

/// A script calling `agendumSearch.<call>(<json>)`, safe inside any page: `</` and
/// `<!--` cannot end or confuse a script.
fn script(call: &str, args: &[Value]) -> Vec<u8> {
    let args: Vec<String> = args.iter().map(|a| serde_json::to_string(a).unwrap_or_default()).collect();
    script_text(call, &args.join(","))
}

/// `agendumSearch.<call>(<args>)` from arguments already written as JSON.
fn script_text(call: &str, args: &str) -> Vec<u8> {
    format!("agendumSearch.{call}({args});\n").replace("</", "<\\/").replace("<!--", "<\\u0021--").into_bytes()
}

/// The search files: `search/docs.js` (each document's title, address, kind, committee,
/// year and key-decision flag, by number), `search/terms/<shard>.js` (each word's
/// documents with its count in each) and `search/text/<n>.js` (each document's text).
///
/// Written as it goes: each document's text as soon as it is read, the word lists once
/// all are read (they are the only thing held: a document number and a count per word
/// and document).
pub fn index(site: &View, out: &mut dyn FnMut(String, Vec<u8>) -> Result<(), Diagnostic>) -> Result<(), Diagnostic> {
    let committees: BTreeMap<&str, &str> = site.committees.iter().map(|c| (c.slug.as_str(), c.name.as_str())).collect();
    let mut listed: Vec<Value> = Vec::new();
    // word -> (document, count) pairs, flat, in document order.
    let mut postings: BTreeMap<String, Vec<u32>> = BTreeMap::new();
    documents(site, &mut |d| {
        let n = listed.len();
        let mut counts: BTreeMap<String, u32> = BTreeMap::new();
        // The title counts three times: a word in it says more than one in the text.
        for w in words(&d.title).chain(words(&d.title)).chain(words(&d.title)).chain(words(&d.text)) {
            *counts.entry(w).or_default() += 1;
        }
        for (w, c) in counts {
            postings.entry(w).or_default().extend([n as u32, c]);
        }
        let text = d.text.split_whitespace().collect::<Vec<_>>().join(" ");
        out(format!("search/text/{n}.js"), script("text", &[json!(n), json!(text)]))?;
        listed.push(json!([d.title, d.url, d.kind, d.committee, d.year, d.key]));
        Ok(())
    })?;
    out("search/docs.js".into(), script("docs", &[Value::Array(listed), json!(committees)]))?;
    let mut by_shard: BTreeMap<String, Vec<(String, Vec<u32>)>> = BTreeMap::new();
    // One file per shard. Words of one shard are not contiguous in word order (a shard of
    // code points sorts apart from its words), so they are grouped first; each list is
    // moved, not copied.
    for (w, list) in postings {
        by_shard.entry(shard(&w)).or_default().push((w, list));
    }
    for (name, terms) in by_shard {
        let mut text = String::new();
        for (i, (w, list)) in terms.into_iter().enumerate() {
            if i > 0 {
                text.push(',');
            }
            text.push_str(&serde_json::to_string(&w).unwrap_or_default());
            text.push_str(":[");
            for (j, v) in list.iter().enumerate() {
                if j > 0 {
                    text.push(',');
                }
                text.push_str(&v.to_string());
            }
            text.push(']');
        }
        let args = format!("{},{{{text}}}", serde_json::to_string(&name).unwrap_or_default());
        out(format!("search/terms/{name}.js"), script_text("terms", &args))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_and_shards() {
        let w: Vec<String> = words("The Council's £1.2m budget, 2025/26 – Ysgol Gymraeg").collect();
        assert_eq!(w, ["the", "council", "2m", "budget", "2025", "26", "ysgol", "gymraeg"]);
        assert_eq!(shard("budget"), "bu");
        assert_eq!(shard("2025"), "20");
        assert_eq!(shard("écoles"), "ue9u63");
    }
}
