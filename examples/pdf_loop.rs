//! Typst alone laying out every page of a site once, the limit bench/ holds a full build
//! to, and the memory of compiles one after another: it compiles each report of a site as
//! an item PDF and each agenda pack's front sheet (the pages a pack adds to its items'),
//! printing the resident set every 25 documents.
//!
//!     pdf_loop <site> sequential|threads|rayon [count]
//!
//! `threads` is how `agendum build` compiles (a plain thread per core); `rayon` compiles
//! on a rayon pool, as agendum did before. A pool thread that waits inside Typst's own
//! parallel layout steals another compile and nests it on its stack, so documents pile
//! up in flight: at 300 reports the pool held 913 MB (9.4 s), plain threads 150 MB
//! (5.8 s), one thread 135 MB (10.2 s).

use agendum::document::{MeetingDoc, ReportDoc};

// The allocator `agendum` uses, so that this limit is measured on the same footing.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// One document to lay out: a report's item PDF, or a pack's front sheet.
enum Page<'a> {
    Item(&'a MeetingDoc, &'a ReportDoc),
    Front(Box<MeetingDoc>),
}

fn rss_mb() -> u64 {
    std::fs::read_to_string("/proc/self/statm").ok().and_then(|s| s.split_whitespace().nth(1).and_then(|p| p.parse::<u64>().ok())).unwrap_or(0) * 4096
        / (1 << 20)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(site), Some(mode)) = (args.get(1), args.get(2)) else {
        eprintln!("usage: pdf_loop <site> sequential|threads|rayon [count]");
        std::process::exit(2);
    };
    let site = agendum::Site::open(std::path::Path::new(site)).expect("site");
    let resolved = site.resolve().expect("resolve");
    let view = agendum::audience::view(&resolved, agendum::audience::Audience::Public);
    let renderer = agendum::pdf::PdfRenderer::new(&site.theme).expect("renderer");
    // Every page once, in the order a build makes them: meeting by meeting, each
    // report's item PDF, then each of its packs' front sheets.
    let mut all: Vec<Page> = Vec::new();
    for m in view.meetings() {
        all.extend(m.reports.iter().map(|r| Page::Item(&m.doc, r)));
        for (pack, _) in agendum::document::packs(&m.doc) {
            all.push(Page::Front(Box::new(pack)));
        }
    }
    let count = args.get(3).and_then(|c| c.parse().ok()).unwrap_or(all.len()).min(all.len());
    let done = std::sync::atomic::AtomicUsize::new(0);
    let one = |i: usize| {
        let job = match &all[i] {
            Page::Item(m, r) => renderer.prepare(&view, m, &[r], agendum::pdf::PdfKind::Report).expect("prepare"),
            Page::Front(pack) => {
                let mut job = renderer.prepare(&view, pack, &[], agendum::pdf::PdfKind::Pack).expect("prepare");
                // Where each item starts, as a pack's front sheet is given it.
                let starts: serde_json::Map<String, serde_json::Value> =
                    pack.items.iter().enumerate().map(|(n, item)| (item.number.clone(), serde_json::json!(1 + 5 * n))).collect();
                job.set_data("starts", serde_json::Value::Object(starts));
                job
            }
        };
        renderer.compile(job).expect("compile");
        if done.fetch_add(1, std::sync::atomic::Ordering::Relaxed).is_multiple_of(25) {
            println!("{i} {} MB", rss_mb());
        }
    };
    match mode.as_str() {
        "sequential" => (0..count).for_each(one),
        "threads" => {
            let next = std::sync::atomic::AtomicUsize::new(0);
            std::thread::scope(|scope| {
                for _ in 0..std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2) {
                    let (next, one) = (&next, &one);
                    std::thread::Builder::new()
                        .stack_size(64 << 20)
                        .spawn_scoped(scope, move || loop {
                            let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                            if i >= count {
                                break;
                            }
                            one(i);
                        })
                        .expect("thread");
                }
            });
        }
        _ => {
            use rayon::prelude::*;
            let pool = rayon::ThreadPoolBuilder::new().stack_size(64 << 20).build().expect("pool");
            let indices: Vec<usize> = (0..count).collect();
            pool.install(|| indices.par_iter().for_each(|&i| one(i)));
        }
    }
    println!("end {} MB", rss_mb());
}
