//! Render: audience views to bytes. Each output format is a small renderer with the same
//! shape (mdBook style): it reads a view and returns files by output path. The PDF
//! renderer lives in its own crate, agendum-pdf.

pub mod data;
pub mod html;

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
