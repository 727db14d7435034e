//! agendum's core: everything but the PDF back end and the command line.
//!
//! front      load (files, YAML, Markdown; every value keeps its file:line) -> model ->
//!            resolve (the theme's scheme, numbering, references, assets)
//! document   one site document: every output name decided, every source file an asset
//! audience   the one filter: site document -> the view one audience may see
//! back       render (HTML, open data; PDF lives in agendum-pdf) -> publish (staged,
//!            checked, swapped in)

// Front
/// The schema crate, for the guide and schemas the command line writes.
pub use schemars;
pub mod builtin;
pub mod diag;
pub mod fonts;
pub mod load;
pub mod markdown;
pub mod model;
pub mod money;
pub mod numbering;
pub mod resolve;
pub mod site;
pub mod theme;
pub mod yaml;
// The document and the audience filter
pub mod audience;
pub mod document;
// Rules over the front's result (`agendum check`, `agendum dates`)
pub mod calendar;
pub mod check;
// Back
pub mod archive;
pub mod cache;
pub mod publish;
pub mod render;
// `agendum new`
pub mod import;
pub mod scaffold;

pub use site::Site;

/// The build's date: `SOURCE_DATE_EPOCH` when set, else the local date.
pub fn build_date() -> chrono::NaiveDate {
    std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .and_then(|secs| chrono::DateTime::from_timestamp(secs, 0))
        .map(|dt| dt.date_naive())
        .unwrap_or_else(|| chrono::Local::now().date_naive())
}
