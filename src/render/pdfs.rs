//! Which PDFs a view gets, and compiling them on every core: item PDFs and packs.

use rayon::prelude::*;

use super::pdf::{PdfKind, PdfRenderer};
use super::{Files, Stored, StoredFiles};
use crate::audience::{Audience, View};
use crate::cache::PdfCache;
use crate::diag::{Diagnostic, Pos};
use crate::document::{MeetingDoc, ReportDoc};

/// What `render` made: PDFs in memory (members' ones), PDFs stored in the cache (public
/// ones), and the cache keys the build used.
#[derive(Default)]
pub struct RenderedPdfs {
    pub files: Files,
    pub stored: StoredFiles,
    pub keys: std::collections::BTreeSet<String>,
    pub compiled: usize,
}

/// A meeting's packs: the agenda as published, then one supplementary agenda per date
/// on which items were added. Each is the meeting with only that pack's items, and the
/// item numbers it carries. The original pack never changes when items are added late.
pub fn packs(m: &MeetingDoc) -> Vec<(MeetingDoc, Vec<String>)> {
    let mut out = Vec::new();
    let mut main = m.clone();
    main.items.retain(|i| i.supplement.is_none());
    // What a pack holds must not change when a supplement is added, so no pack lists them.
    main.supplements.clear();
    let numbers = main.items.iter().map(|i| i.number.clone()).collect();
    out.push((main, numbers));
    for s in &m.supplements {
        let mut doc = m.clone();
        doc.items.retain(|i| s.items.contains(&i.number));
        doc.supplements.clear();
        // Re-issues are of the original pack, not of a supplement.
        doc.reissues.clear();
        doc.pack_title = "Supplementary agenda".into();
        doc.pack_url = s.pack_url.clone();
        doc.published = Some(s.date.clone());
        doc.published_display = Some(s.date_display.clone());
        out.push((doc, s.items.clone()));
    }
    out
}

/// Item PDFs and packs for every meeting of the view, compiled in parallel; the
/// BTreeMaps keep the output order stable whatever order the work finishes in. `skip`
/// names packs published from elsewhere (frozen). With a cache, a PDF whose inputs are
/// unchanged is taken from it instead of being compiled.
///
/// The members' folder holds what the public one cannot: the items with Part 2 content
/// and a full pack for each meeting that has any.
pub fn render(view: &View, pdf: &PdfRenderer, skip: &dyn Fn(&str) -> bool, cache: Option<&PdfCache>, progress: &(dyn Fn(usize, usize) + Sync)) -> Result<RenderedPdfs, Diagnostic> {
    let members = view.audience() == Audience::Members;
    let mut jobs: Vec<(String, MeetingDoc, Vec<&ReportDoc>, PdfKind)> = Vec::new();
    for m in view.meetings() {
        if members && !m.has_exempt {
            continue;
        }
        for r in &m.reports {
            if !members || crate::audience::has_part2(r) {
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
