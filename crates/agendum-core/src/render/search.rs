//! Full-text search of the whole archive as static files: every public report (all its
//! sections, header, footnotes and shown appendices) and every meeting's agenda, indexed
//! in full. The index is split by the first two letters of each word, so a search fetches
//! only the few files its words need; each document's text is a file of its own, fetched
//! for the results shown, to cut a snippet from. Files are scripts (they call
//! `agendumSearch.*`), so the search works from disk as well as from a server. Only the
//! public view is indexed: nothing withheld reaches it.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::Files;
use crate::audience::View;
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

fn documents(site: &View) -> Vec<Doc> {
    let mut docs = Vec::new();
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
        docs.push(Doc {
            title: format!("{}, {}", d.committee, d.date_display),
            url: d.url.clone(),
            kind: "Meeting".into(),
            committee: d.committee_slug.clone(),
            year: d.date[..4].to_string(),
            key: false,
            text,
        });
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
            docs.push(Doc {
                title: format!("{}. {}", r.item_number, r.title),
                url: r.url.clone(),
                kind: format!("Report to the {}, {}", r.committee, r.date_display),
                committee: r.committee_slug.clone(),
                year: r.date[..4].to_string(),
                key,
                text,
            });
        }
    }
    docs
}

/// A script calling `agendumSearch.<call>(<json>)`, safe inside any page: `</` and
/// `<!--` cannot end or confuse a script.
fn script(call: &str, args: &[Value]) -> Vec<u8> {
    let args: Vec<String> = args.iter().map(|a| serde_json::to_string(a).unwrap_or_default()).collect();
    format!("agendumSearch.{call}({});\n", args.join(",")).replace("</", "<\\/").replace("<!--", "<\\u0021--").into_bytes()
}

/// The search files: `search/docs.js` (each document's title, address, kind, committee,
/// year and key-decision flag, by number), `search/terms/<shard>.js` (each word's
/// documents with its count in each) and `search/text/<n>.js` (each document's text).
pub fn index(site: &View) -> Files {
    let docs = documents(site);
    let mut files = Files::new();
    let committees: BTreeMap<&str, &str> = site.committees.iter().map(|c| (c.slug.as_str(), c.name.as_str())).collect();
    let listed: Vec<Value> = docs.iter().map(|d| json!([d.title, d.url, d.kind, d.committee, d.year, d.key])).collect();
    files.insert("search/docs.js".into(), script("docs", &[Value::Array(listed), json!(committees)]));
    // word -> (document, count), in document order.
    let mut postings: BTreeMap<String, Vec<(usize, u32)>> = BTreeMap::new();
    for (n, d) in docs.iter().enumerate() {
        let mut counts: BTreeMap<String, u32> = BTreeMap::new();
        // The title counts three times: a word in it says more than one in the text.
        for w in words(&d.title).chain(words(&d.title)).chain(words(&d.title)).chain(words(&d.text)) {
            *counts.entry(w).or_default() += 1;
        }
        for (w, c) in counts {
            postings.entry(w).or_default().push((n, c));
        }
        let text = d.text.split_whitespace().collect::<Vec<_>>().join(" ");
        files.insert(format!("search/text/{n}.js"), script("text", &[json!(n), json!(text)]));
    }
    let mut shards: BTreeMap<String, serde_json::Map<String, Value>> = BTreeMap::new();
    for (w, list) in postings {
        let flat: Vec<u64> = list.iter().flat_map(|(n, c)| [*n as u64, u64::from(*c)]).collect();
        shards.entry(shard(&w)).or_default().insert(w, json!(flat));
    }
    for (name, terms) in shards {
        files.insert(format!("search/terms/{name}.js"), script("terms", &[json!(name), Value::Object(terms)]));
    }
    files
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
