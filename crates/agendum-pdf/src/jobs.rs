//! Which PDFs a view gets, and compiling them on every core: item PDFs and packs.

use rayon::prelude::*;

use crate::pdf::{PdfKind, PdfRenderer};
use agendum_core::audience::{Audience, View};
use agendum_core::cache::PdfCache;
use agendum_core::diag::{Diagnostic, Pos};
use agendum_core::document::{packs, MeetingDoc, ReportDoc};
use agendum_core::render::{Files, Stored, StoredFiles};

/// What `render` made: PDFs in memory (members' ones), PDFs stored in the cache (public
/// ones), and the cache keys the build used.
#[derive(Default)]
pub struct RenderedPdfs {
    pub files: Files,
    pub stored: StoredFiles,
    pub keys: std::collections::BTreeSet<String>,
    pub compiled: usize,
}

/// Item PDFs and packs for every meeting of the view, compiled in parallel; the
/// BTreeMaps keep the output order stable whatever order the work finishes in. `skip`
/// names packs published from elsewhere (frozen). With a cache, a PDF whose inputs are
/// unchanged is taken from it instead of being compiled.
///
/// The members' folder holds what the public one cannot: the items with Part 2 content
/// and a full pack for each meeting that has any.
pub fn render(
    view: &View,
    pdf: &PdfRenderer,
    skip: &dyn Fn(&str) -> bool,
    cache: Option<&PdfCache>,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<RenderedPdfs, Diagnostic> {
    let members = view.audience() == Audience::Members;
    let mut jobs: Vec<(String, MeetingDoc, Vec<&ReportDoc>, PdfKind)> = Vec::new();
    for m in view.meetings() {
        if members && !m.has_exempt {
            continue;
        }
        for r in &m.reports {
            if !members || agendum_core::audience::has_part2(r) {
                jobs.push((r.pdf_url.clone(), m.doc.clone(), vec![r], PdfKind::Report));
            }
        }
        for (doc, numbers) in packs(&m.doc) {
            let in_pack: Vec<&ReportDoc> = m.reports.iter().filter(|r| numbers.contains(&r.item_number)).collect();
            if !skip(&doc.pack_url) {
                jobs.push((doc.pack_url.clone(), doc, in_pack, PdfKind::Pack));
            }
        }
    }
    // Longest first (packs), so that both workers finish together.
    jobs.sort_by_key(|(_, _, reports, kind)| (std::cmp::Reverse(*kind == PdfKind::Pack), std::cmp::Reverse(reports.len())));
    // Typst's layout recurses deeply: its workers need more than rayon's 2 MiB stacks.
    let pool = rayon::ThreadPoolBuilder::new()
        .stack_size(64 << 20)
        .build()
        .map_err(|e| Diagnostic::error(Pos::default(), format!("cannot start worker threads: {e}")))?;
    let total = jobs.len();
    let done = std::sync::atomic::AtomicUsize::new(0);
    enum Made {
        Bytes(Vec<u8>),
        Stored(Stored, bool),
    }
    let results: Vec<Result<(String, String, Made), Diagnostic>> = pool.install(|| {
        jobs.par_iter()
            .map(|(path, m, reports, kind)| {
                let job = pdf.prepare(view, m, reports, *kind)?;
                let key = job.key.clone();
                let made = match cache {
                    Some(c) => match c.get(&key) {
                        Some(stored) => Made::Stored(stored, false),
                        None => Made::Stored(c.put(&key, &pdf.compile(job)?)?, true),
                    },
                    None => Made::Bytes(pdf.compile(job)?),
                };
                progress(done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1, total);
                Ok((path.clone(), key, made))
            })
            .collect()
    });
    let mut out = RenderedPdfs::default();
    for r in results {
        let (path, key, made) = r?;
        out.keys.insert(key);
        match made {
            Made::Bytes(bytes) => {
                out.compiled += 1;
                out.files.insert(path, bytes);
            }
            Made::Stored(stored, compiled) => {
                out.compiled += compiled as usize;
                out.stored.insert(path, stored);
            }
        }
    }
    Ok(out)
}
