//! Which PDFs a view gets, and compiling them on every core: item PDFs and packs.

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

/// The order PDFs are made in. A pack lays out every report of its meeting at once and
/// needs several times the memory of an item PDF, so one pack is made at a time while
/// the other workers make item PDFs: both kinds of work are about the same size (each
/// report is laid out in its item PDF and in its pack), so the cores stay busy to the
/// end and memory is one pack and a few items, whatever the size of the archive.
struct Queue {
    packs: std::collections::VecDeque<usize>,
    items: std::collections::VecDeque<usize>,
    pack_running: bool,
    stopped: bool,
}

impl Queue {
    fn new(jobs: &[(String, MeetingDoc, Vec<&ReportDoc>, PdfKind)]) -> Queue {
        let (packs, items): (Vec<usize>, Vec<usize>) = (0..jobs.len()).partition(|&i| jobs[i].3 == PdfKind::Pack);
        Queue { packs: packs.into(), items: items.into(), pack_running: false, stopped: false }
    }

    /// The next job for a worker: a pack if none is being made, else an item PDF; with
    /// only packs left and one being made, wait for it. `None`: nothing left, or an error.
    fn take(queue: &std::sync::Mutex<Queue>, turn: &std::sync::Condvar) -> Option<usize> {
        let mut q = queue.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            if q.stopped {
                return None;
            }
            if !q.pack_running {
                if let Some(i) = q.packs.pop_front() {
                    q.pack_running = true;
                    return Some(i);
                }
            }
            if let Some(i) = q.items.pop_front() {
                return Some(i);
            }
            if q.packs.is_empty() {
                return None;
            }
            q = turn.wait(q).unwrap_or_else(|e| e.into_inner());
        }
    }

    fn finish(queue: &std::sync::Mutex<Queue>, turn: &std::sync::Condvar, was_pack: bool, failed: bool) {
        let mut q = queue.lock().unwrap_or_else(|e| e.into_inner());
        if was_pack {
            q.pack_running = false;
        }
        // The first error ends the build: take no more jobs.
        q.stopped |= failed;
        turn.notify_all();
    }
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
    // Longest first within each kind, so that the workers finish together.
    jobs.sort_by_key(|(_, _, reports, kind)| (std::cmp::Reverse(*kind == PdfKind::Pack), std::cmp::Reverse(reports.len())));
    let total = jobs.len();
    let done = std::sync::atomic::AtomicUsize::new(0);
    enum Made {
        Bytes(Vec<u8>),
        Stored(Stored, bool),
    }
    // One PDF's outcome: (output path, cache key, the PDF).
    type Outcome = Result<(String, String, Made), Diagnostic>;
    let work = |(path, m, reports, kind): &(String, MeetingDoc, Vec<&ReportDoc>, PdfKind)| -> Outcome {
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
    };
    // One plain thread per core, each taking the next job in order (longest first) and
    // writing its PDF as soon as it is done. Not a rayon pool: Typst parallelises inside
    // a compile with rayon, and a pool thread waiting there steals other compiles and
    // starts them on its own stack, so many documents are in flight at once, each holding
    // its memory (913 MB after 300 reports, against 150 MB with plain threads, which are
    // also faster: examples/pdf_loop.rs measures both).
    let workers = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2).min(total.max(1));
    let slots: Vec<std::sync::Mutex<Option<Outcome>>> = (0..total).map(|_| std::sync::Mutex::new(None)).collect();
    let queue = std::sync::Mutex::new(Queue::new(&jobs));
    let turn = std::sync::Condvar::new();
    let spawned: Result<(), Diagnostic> = std::thread::scope(|scope| {
        let mut handles = Vec::new();
        for _ in 0..workers {
            let (queue, turn, slots, jobs, work) = (&queue, &turn, &slots, &jobs, &work);
            // Typst's layout recurses deeply: its workers need more than the default stack.
            let handle = std::thread::Builder::new().stack_size(64 << 20).spawn_scoped(scope, move || {
                while let Some(i) = Queue::take(queue, turn) {
                    let result = work(&jobs[i]);
                    let failed = result.is_err();
                    if let Ok(mut slot) = slots[i].lock() {
                        *slot = Some(result);
                    }
                    Queue::finish(queue, turn, jobs[i].3 == PdfKind::Pack, failed);
                }
            });
            handles.push(handle.map_err(|e| Diagnostic::error(Pos::default(), format!("cannot start worker threads: {e}")))?);
        }
        for h in handles {
            if h.join().is_err() {
                return Err(Diagnostic::error(Pos::default(), "a PDF worker stopped unexpectedly (a bug in agendum)")
                    .hint("please report it with the site that caused it"));
            }
        }
        Ok(())
    });
    spawned?;
    let results: Vec<Outcome> = slots.into_iter().filter_map(|s| s.into_inner().ok().flatten()).collect();
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
