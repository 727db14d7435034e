//! Render: audience views to bytes. Each output format is a small renderer with the same
//! shape (mdBook style): it reads a view and returns files by output path. The PDF
//! renderer lives in its own crate, agendum-pdf.

pub mod data;
pub mod html;
pub mod search;

use std::collections::BTreeMap;

/// Output files by path relative to the output folder. A BTreeMap keeps writing order,
/// and so everything downstream, deterministic.
pub type Files = BTreeMap<String, Vec<u8>>;

/// A file already on disk (a cached PDF), published by hard link instead of being read
/// and copied: its size and SHA-256 are known.
#[derive(Debug, Clone)]
pub struct Stored {
    pub path: std::path::PathBuf,
    pub sha256: String,
    pub len: u64,
    /// Its pages, where they were counted as it was written (else read from its head).
    pub pages: Option<u32>,
}

/// Stored files by output path.
pub type StoredFiles = BTreeMap<String, Stored>;

/// Appendices the view withholds: label, title and anchor only, so pages can say what is
/// withheld and links to it land on the notice.
pub fn withheld_appendices(r: &crate::document::ReportDoc) -> serde_json::Value {
    serde_json::json!(r
        .appendices
        .iter()
        .filter(|a| a.withheld)
        .map(|a| serde_json::json!({"label": a.label, "title": a.title, "anchor": a.anchor}))
        .collect::<Vec<_>>())
}

/// `base` joined with a site-relative path: the one way every renderer makes an absolute
/// URL (canonical links, feeds, calendars, open data, the sitemap).
pub fn absolute_url(base: &str, path: &str) -> String {
    format!("{}/{}", base.trim_end_matches('/'), path)
}

/// How much of a PDF `page_count` reads: agendum's own PDFs keep their page tree first.
pub const PAGE_TREE_HEAD: usize = 16 << 10;

/// The number of pages of a PDF, from its page tree's `/Count` (the largest, the root's):
/// enough for the PDFs agendum writes, whose page tree is the first object. `None` when
/// there is none to read (a compressed page tree in someone else's PDF).
pub fn page_count(pdf: &[u8]) -> Option<u32> {
    let mut best = None;
    for marker in [&b"/Type/Pages"[..], &b"/Type /Pages"[..]] {
        let mut from = 0;
        while let Some(at) = find(&pdf[from..], marker).map(|i| i + from) {
            // `/Count n` in the same dictionary: before the next `>>`.
            let end = find(&pdf[at..], b">>").map(|i| i + at).unwrap_or(pdf.len());
            if let Some(c) = find(&pdf[at..end], b"/Count").map(|i| i + at + 6) {
                let digits: String =
                    pdf[c..end].iter().skip_while(|b| b.is_ascii_whitespace()).take_while(|b| b.is_ascii_digit()).map(|&b| b as char).collect();
                if let Ok(n) = digits.parse::<u32>() {
                    best = best.max(Some(n));
                }
            }
            from = at + marker.len();
        }
    }
    best
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    let (&first, rest) = needle.split_first()?;
    let mut from = 0;
    // Jump between occurrences of the first byte, then compare the rest.
    while let Some(i) = hay.get(from..)?.iter().position(|&b| b == first) {
        let at = from + i;
        if hay.get(at + 1..at + needle.len()) == Some(rest) {
            return Some(at);
        }
        from = at + 1;
    }
    None
}
