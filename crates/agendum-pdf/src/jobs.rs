//! Which PDFs a view gets, and compiling them on every core: item PDFs and packs.

use crate::pdf::{PdfJob, PdfKind, PdfRenderer};
use agendum_core::audience::{Audience, View};
use agendum_core::cache::PdfCache;
use agendum_core::diag::{Diagnostic, Pos};
use agendum_core::document::{packs, MeetingDoc, ReportDoc};
use agendum_core::render::{Files, Stored, StoredFiles};

/// What `render` made: PDFs in memory (members' ones), PDFs on disk (public ones, written
/// where they are published or found in the previous output by the cache), and the cache
/// keys the build used.
#[derive(Default)]
pub struct RenderedPdfs {
    pub files: Files,
    pub stored: StoredFiles,
    pub keys: std::collections::BTreeSet<String>,
    pub compiled: usize,
}

/// The order PDFs are made in: meeting by meeting, as the archive is, each pack as soon
/// as the item PDFs it is composed from are done. Documents made one after another share
/// much of what Typst memoises (a meeting's header, its committee's names, the pack's
/// item titles): a 1,000-report build in this order took about 3 % less CPU than
/// longest-first across the archive. Packs waiting on an item do not hold up the items
/// after them, so no core waits until the end.
struct Queue {
    /// Jobs not started, in order.
    order: std::collections::VecDeque<usize>,
    /// For each job, the item PDFs it still waits for (a pack's).
    waiting: Vec<usize>,
    /// For each item PDF, the packs waiting for it.
    dependents: Vec<Vec<usize>>,
    stopped: bool,
}

impl Queue {
    /// `needs[i]`: the jobs job `i` is composed from.
    fn new(needs: &[Vec<usize>]) -> Queue {
        let mut dependents = vec![Vec::new(); needs.len()];
        for (pack, items) in needs.iter().enumerate() {
            for &i in items {
                dependents[i].push(pack);
            }
        }
        Queue { order: (0..needs.len()).collect(), waiting: needs.iter().map(Vec::len).collect(), dependents, stopped: false }
    }

    /// The next job for a worker: the first in order that waits for nothing. `None`:
    /// nothing left, or an error.
    fn take(queue: &std::sync::Mutex<Queue>, turn: &std::sync::Condvar) -> Option<usize> {
        let mut q = queue.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            if q.stopped || q.order.is_empty() {
                return None;
            }
            if let Some(at) = q.order.iter().position(|&i| q.waiting[i] == 0) {
                return q.order.remove(at);
            }
            q = turn.wait(q).unwrap_or_else(|e| e.into_inner());
        }
    }

    fn finish(queue: &std::sync::Mutex<Queue>, turn: &std::sync::Condvar, job: usize, failed: bool) {
        let mut q = queue.lock().unwrap_or_else(|e| e.into_inner());
        for pack in std::mem::take(&mut q.dependents[job]) {
            q.waiting[pack] -= 1;
        }
        // The first error ends the build: take no more jobs.
        q.stopped |= failed;
        turn.notify_all();
    }
}

/// A PDF made: in memory (without a cache), or on disk through the cache (and whether it
/// was compiled now rather than found).
enum Made {
    Bytes(Vec<u8>),
    Stored(Stored, bool),
}

/// The PDF under `key`, published at `path`: from the cache, else made (and written
/// where it is published); without a cache, made. With it, the bytes of a PDF made and
/// written now (a pack may be made from them).
fn keep(cache: Option<&PdfCache>, key: &str, path: &str, make: impl FnOnce() -> Result<Vec<u8>, Diagnostic>) -> Result<(Made, Option<Vec<u8>>), Diagnostic> {
    Ok(match cache {
        Some(c) => match c.get(key, Some(path)) {
            Some(stored) => (Made::Stored(stored, false), None),
            None => {
                let bytes = make()?;
                (Made::Stored(c.put(key, Some(path), &bytes)?, true), Some(bytes))
            }
        },
        None => (Made::Bytes(make()?), None),
    })
}

impl RenderedPdfs {
    fn take(&mut self, path: String, made: Made) {
        match made {
            Made::Bytes(bytes) => {
                self.compiled += 1;
                self.files.insert(path, bytes);
            }
            Made::Stored(stored, compiled) => {
                self.compiled += compiled as usize;
                self.stored.insert(path, stored);
            }
        }
    }
}

/// The view's decision notices that `wanted` names, as PDFs (a handful a week: one after
/// another).
pub fn render_decisions(
    view: &View,
    pdf: &PdfRenderer,
    cache: Option<&PdfCache>,
    wanted: &dyn Fn(&agendum_core::document::DecisionDoc) -> bool,
) -> Result<RenderedPdfs, Diagnostic> {
    let mut out = RenderedPdfs::default();
    for d in view.decisions.iter().filter(|d| wanted(d)) {
        let job = pdf.prepare_decision(view, d)?;
        let key = job.key.clone();
        let (made, _) = keep(cache, &key, &d.pdf_url, || pdf.compile(job))?;
        out.take(d.pdf_url.clone(), made);
        out.keys.insert(key);
    }
    Ok(out)
}

/// One PDF to make: where it is published, the meeting as the PDF shows it, its reports.
struct Job<'a> {
    path: String,
    meeting: &'a MeetingDoc,
    /// A pack's view of the meeting (a supplementary pack lists only its items).
    shown: Option<MeetingDoc>,
    reports: Vec<&'a ReportDoc>,
    kind: PdfKind,
    /// A minutes PDF's record.
    minutes: Option<&'a agendum_core::document::MinutesDoc>,
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
    let mut jobs: Vec<Job> = Vec::new();
    for m in view.meetings() {
        if members && !m.has_exempt {
            continue;
        }
        for r in &m.reports {
            if !members || agendum_core::audience::has_part2(r) {
                jobs.push(Job { path: r.pdf_url.clone(), meeting: &m.doc, shown: None, reports: vec![r], kind: PdfKind::Report, minutes: None });
            }
        }
        for (doc, numbers) in packs(&m.doc) {
            let in_pack: Vec<&ReportDoc> = m.reports.iter().filter(|r| numbers.contains(&r.item_number)).collect();
            if !skip(&doc.pack_url) {
                jobs.push(Job { path: doc.pack_url.clone(), meeting: &m.doc, shown: Some(doc), reports: in_pack, kind: PdfKind::Pack, minutes: None });
            }
        }
        // The minutes: the members' folder has its own copy where a minute is exempt.
        if let Some(minutes) = &m.minutes {
            if (!members || minutes.entries.iter().any(|e| e.exempt.is_some())) && !skip(&minutes.pdf_url) {
                jobs.push(Job { path: minutes.pdf_url.clone(), meeting: &m.doc, shown: None, reports: vec![], kind: PdfKind::Minutes, minutes: Some(minutes) });
            }
        }
    }
    // Each pack's items, by job: it is composed from their PDFs.
    let item_job: std::collections::HashMap<&str, usize> =
        jobs.iter().enumerate().filter(|(_, j)| j.kind == PdfKind::Report).map(|(i, j)| (j.path.as_str(), i)).collect();
    let needs: Vec<Vec<usize>> = jobs
        .iter()
        .map(|j| match j.kind {
            PdfKind::Pack => j.reports.iter().filter_map(|r| item_job.get(r.pdf_url.as_str()).copied()).collect(),
            _ => Vec::new(),
        })
        .collect();
    // How many packs each job is a part of.
    let mut users = vec![0usize; jobs.len()];
    needs.iter().flatten().for_each(|&i| users[i] += 1);
    let total = jobs.len();
    let done = std::sync::atomic::AtomicUsize::new(0);
    // One PDF's outcome: (output path, cache key, the PDF).
    type Outcome = Result<(String, String, Made), Diagnostic>;
    // Item PDFs made in this build, by key, held until the last pack composed from them
    // takes them (with how many packs still will): a pack reads its parts from memory,
    // not back from the files just written.
    let made_here: std::sync::Mutex<std::collections::HashMap<String, (Vec<u8>, usize)>> = Default::default();
    // Every pack's parts' keys, so that the cache keeps them (a procedural document's
    // PDF is a part only: nothing else names it).
    let part_keys: std::sync::Mutex<std::collections::BTreeSet<String>> = Default::default();
    // Each item PDF's cache key, by its output path, as its job prepared it: a pack
    // names its parts by these instead of preparing them again.
    let item_keys: std::sync::Mutex<std::collections::HashMap<String, String>> = Default::default();
    // A pack's part: the item PDF made a moment ago (from memory or from the cache), else
    // compiled now and cached.
    let part = |key: &str, job: Option<PdfJob>| -> Result<Vec<u8>, Diagnostic> {
        {
            let mut held = made_here.lock().unwrap_or_else(|e| e.into_inner());
            if let Some((bytes, users)) = held.get_mut(key) {
                *users -= 1;
                if *users > 0 {
                    return Ok(bytes.clone());
                }
                // The last pack to take it: moved out, not copied.
                return Ok(held.remove(key).map(|(bytes, _)| bytes).unwrap_or_default());
            }
        }
        if let Some(c) = cache {
            if let Some(stored) = c.get(key, None) {
                if let Ok(bytes) = std::fs::read(&stored.path) {
                    return Ok(bytes);
                }
            }
        }
        let job = job
            .ok_or_else(|| Diagnostic::error(Pos::default(), "an item PDF made for its pack is missing").hint("this is a bug in agendum; please report it"))?;
        let bytes = pdf.compile(job)?;
        if let Some(c) = cache {
            c.put(key, None, &bytes)?;
        }
        Ok(bytes)
    };
    let work = |i: usize, j: &Job| -> Outcome {
        let (key, made) = match j.kind {
            PdfKind::Report => {
                let job = pdf.prepare(view, j.meeting, &j.reports, PdfKind::Report)?;
                let key = job.key.clone();
                item_keys.lock().unwrap_or_else(|e| e.into_inner()).insert(j.path.clone(), key.clone());
                let (made, written) = keep(cache, &key, &j.path, || pdf.compile(job))?;
                // Made now, not found in the cache: also held for the packs it is a part of.
                if users[i] > 0 {
                    let bytes = match (written, &made) {
                        (Some(bytes), _) => Some(bytes),
                        (None, Made::Bytes(bytes)) => Some(bytes.clone()),
                        (None, Made::Stored(..)) => None,
                    };
                    if let Some(bytes) = bytes {
                        let mut held = made_here.lock().unwrap_or_else(|e| e.into_inner());
                        held.entry(key.clone()).or_insert_with(|| (bytes, 0)).1 += users[i];
                    }
                }
                (key, made)
            }
            PdfKind::Minutes => {
                let minutes = j
                    .minutes
                    .ok_or_else(|| Diagnostic::error(Pos::default(), "minutes without their record").hint("this is a bug in agendum; please report it"))?;
                let job = pdf.prepare_minutes(view, j.meeting, minutes)?;
                let key = job.key.clone();
                (key.clone(), keep(cache, &key, &j.path, || pdf.compile(job))?.0)
            }
            PdfKind::Pack => {
                let known = |r: &ReportDoc| item_keys.lock().unwrap_or_else(|e| e.into_inner()).get(&r.pdf_url).cloned();
                let job = pdf.prepare_pack(view, j.meeting, j.shown.as_ref().unwrap_or(j.meeting), &j.reports, &known)?;
                let key = job.key.clone();
                // The parts stay cached beside their pack, whether it is made now or was before.
                part_keys.lock().unwrap_or_else(|e| e.into_inner()).extend(job.parts.iter().map(|p| p.key.clone()));
                (key.clone(), keep(cache, &key, &j.path, || pdf.compose(job, &part))?.0)
            }
        };
        progress(done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1, total);
        Ok((j.path.clone(), key, made))
    };
    // One plain thread per core, each taking the next job in order (see `Queue`) and
    // writing its PDF as soon as it is done. Not a rayon pool: Typst parallelises inside
    // a compile with rayon, and a pool thread waiting there steals other compiles and
    // starts them on its own stack, so many documents are in flight at once, each holding
    // its memory (913 MB after 300 reports, against 150 MB with plain threads, which are
    // also faster: examples/pdf_loop.rs measures both).
    let workers = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2).min(total.max(1));
    let slots: Vec<std::sync::Mutex<Option<Outcome>>> = (0..total).map(|_| std::sync::Mutex::new(None)).collect();
    let queue = std::sync::Mutex::new(Queue::new(&needs));
    let turn = std::sync::Condvar::new();
    let spawned: Result<(), Diagnostic> = std::thread::scope(|scope| {
        let mut handles = Vec::new();
        for _ in 0..workers {
            let (queue, turn, slots, jobs, work) = (&queue, &turn, &slots, &jobs, &work);
            // Typst's layout recurses deeply: its workers need more than the default stack.
            let handle = std::thread::Builder::new().stack_size(64 << 20).spawn_scoped(scope, move || {
                while let Some(i) = Queue::take(queue, turn) {
                    let result = work(i, &jobs[i]);
                    let failed = result.is_err();
                    if let Ok(mut slot) = slots[i].lock() {
                        *slot = Some(result);
                    }
                    Queue::finish(queue, turn, i, failed);
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
    out.keys.extend(part_keys.into_inner().unwrap_or_else(|e| e.into_inner()));
    for r in results {
        let (path, key, made) = r?;
        out.keys.insert(key);
        out.take(path, made);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Condvar, Mutex};

    #[test]
    fn jobs_go_in_order_and_a_pack_once_its_items_are_done() {
        // Meeting A: items 0 and 1, pack 2; meeting B: item 3, pack 4.
        let queue = Mutex::new(Queue::new(&[vec![], vec![], vec![0, 1], vec![], vec![3]]));
        let turn = Condvar::new();
        let take = || Queue::take(&queue, &turn);
        assert_eq!(take(), Some(0));
        assert_eq!(take(), Some(1));
        Queue::finish(&queue, &turn, 1, false);
        // Pack 2 still waits for item 0: the next meeting's item goes first, not a wait.
        assert_eq!(take(), Some(3));
        Queue::finish(&queue, &turn, 0, false);
        assert_eq!(take(), Some(2));
        Queue::finish(&queue, &turn, 3, false);
        assert_eq!(take(), Some(4));
        assert_eq!(take(), None);
        // An error stops the rest.
        let queue = Mutex::new(Queue::new(&[vec![], vec![], vec![0]]));
        assert_eq!(Queue::take(&queue, &turn), Some(0));
        Queue::finish(&queue, &turn, 0, true);
        assert_eq!(Queue::take(&queue, &turn), None);
    }
}
