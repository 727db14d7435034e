//! agendum's PDF back end: Typst embedded as a library. It receives an audience view
//! (`agendum_core::audience::View`) and its assets, never the site folder, and writes
//! tagged PDF/UA-1 + PDF/A-2b item PDFs and agenda packs. Kept in its own crate so that
//! the core's tests build and run without compiling Typst.

pub mod compose;
pub mod jobs;
pub mod objects;
pub mod pdf;
pub mod read;
pub mod relabel;
pub mod text;

pub use pdf::{PackJob, PackPart, PdfJob, PdfKind, PdfRenderer};
