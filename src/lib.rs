//! agendum: council committee papers from YAML and Markdown to accessible HTML and
//! archival PDF.
//!
//! This crate is the pipeline and the command line. The stages live in two crates:
//! `agendum-core` (front: load -> resolve -> one site document; the audience filter;
//! HTML, open data, publish) and `agendum-pdf` (Typst). `build` below is the whole
//! pipeline, in order, and reads in a minute.

pub use agendum_core::*;
pub use agendum_pdf as pdf;

pub mod guide;
pub mod serve;
pub mod unchanged;

use std::path::PathBuf;

use agendum_core::diag::{Diagnostic, Diagnostics, Pos};

#[derive(Clone)]
pub struct BuildOptions {
    pub site: PathBuf,
    pub output: PathBuf,
    /// Also write the members-only papers (Part 2 included) into this folder, which must
    /// lie outside `output`.
    pub restricted: Option<PathBuf>,
    /// Skip PDF output (HTML only), for quick previews.
    pub html_only: bool,
    /// Record the packs of published meetings in `agendum.lock` and `frozen/`.
    pub freeze: bool,
    /// The build's date: meetings from this day on are "upcoming". `None`: today, or
    /// `SOURCE_DATE_EPOCH` when set (reproducible builds).
    pub today: Option<chrono::NaiveDate>,
    /// Called as PDFs finish: (done, total). For a progress bar.
    pub progress: Option<std::sync::Arc<dyn Fn(usize, usize) + Send + Sync>>,
}

impl BuildOptions {
    pub fn new(site: impl Into<PathBuf>, output: impl Into<PathBuf>) -> Self {
        BuildOptions { site: site.into(), output: output.into(), restricted: None, html_only: false, freeze: false, today: None, progress: None }
    }
}

#[derive(Debug, Default)]
pub struct BuildReport {
    pub meetings: usize,
    pub reports: usize,
    pub files: usize,
    pub pdfs: usize,
    /// PDFs compiled by this build (the others came from the cache).
    pub compiled: usize,
    pub warnings: Diagnostics,
    /// Errors `check` reports that `build` does not refuse (a late agenda, a key decision
    /// without its notice: the papers must still be published), so `build` says how many.
    pub check_errors: usize,
    /// Packs frozen by this build (`--freeze`).
    pub frozen: Vec<String>,
    /// Nothing changed since the last build: the output was left as it was.
    pub unchanged: bool,
}

/// The first `n` bytes of a file (fewer if it is shorter; none if it cannot be read).
fn read_head(path: &std::path::Path, n: u64) -> Vec<u8> {
    use std::io::Read;
    let mut head = Vec::new();
    if let Ok(f) = std::fs::File::open(path) {
        let _ = f.take(n).read_to_end(&mut head);
    }
    head
}

/// Everything `agendum check` reports: the content rules, then (when they pass) one PDF
/// laid out with the theme.
pub fn check_site(root: &std::path::Path) -> Diagnostics {
    let folder = match Site::open(root) {
        Ok(f) => f,
        Err(d) => return d,
    };
    let (mut diags, resolved) = check::check_and_resolve(&folder);
    if let Some(site) = resolved.filter(|_| !diags.has_errors()) {
        diags.extend(check_theme_pdf(&folder, &site));
    }
    diags
}

/// `check`'s PDF pass: lay out one paper with the theme's PDF templates, so that an error
/// in a theme's Typst is found by `check` as `build` would find it, at the theme's own
/// file and line. The first report of the first meeting (or its agenda pack, where it
/// has no reports) exercises the templates; a site with no meetings has nothing to lay out.
pub fn check_theme_pdf(folder: &Site, site: &resolve::ResolvedSite) -> Diagnostics {
    let mut out = Diagnostics::new();
    let view = audience::view(site, audience::Audience::Members);
    let Some(m) = view.meetings().first() else { return out };
    let result = pdf::PdfRenderer::new(&folder.theme).and_then(|r| match m.reports.first() {
        Some(first) => r.compile(r.prepare(&view, &m.doc, &[first], pdf::PdfKind::Report)?),
        None => r.pack(&view, &m.doc, &m.doc, &[]),
    });
    if let Err(d) = result {
        out.push(d);
    }
    out
}

/// The whole build: front (load, resolve) -> one site document -> audience views ->
/// back (render, publish), a batch of meetings at a time. Nothing is written unless
/// every stage succeeds.
pub fn build(opts: &BuildOptions) -> Result<BuildReport, Diagnostics> {
    // Where to write is settled before anything else: a refused target costs nothing.
    let targets = publish::Targets::check(&opts.site, &opts.output, opts.restricted.as_deref())?;
    let today = opts.today.unwrap_or_else(build_date).format("%Y-%m-%d").to_string();
    // Nothing changed since the last build, in the site or in its output: nothing to do.
    // (`--freeze` always runs: it is asked for to write the lock.)
    let inputs = if opts.freeze { None } else { unchanged::inputs(opts, &targets.output, targets.restricted.as_deref(), &today) };
    let last = unchanged::last_build(&targets.output);
    if let Some(report) =
        inputs.as_deref().zip(last.as_ref()).and_then(|(i, last)| unchanged::unchanged(last, i, &targets.output, targets.restricted.as_deref()))
    {
        return Ok(report);
    }
    // The previous output's files, as recorded, before the record is forgotten.
    let previous = unchanged::previous_files(last);
    unchanged::forget(&targets.output);
    let folder = Site::open(&opts.site)?;
    let theme = &folder.theme;
    let progress = |done: usize, total: usize| {
        if let Some(p) = &opts.progress {
            p(done, total)
        }
    };

    // Files are written into a staging folder beside the output as they are made.
    // A file the previous output holds as it is, untouched, is linked from there.
    let output_dir = targets.output.clone();
    let mut out = publish::Publication::new(&targets.output)?.reusing(Box::new(move |path, sha256| unchanged::untouched(&previous, &output_dir, path, sha256)));
    let mut members = match &targets.restricted {
        Some(dir) => Some(publish::Publication::new(dir)?),
        None => None,
    };
    let mut html = render::html::HtmlRenderer::new(theme)?;
    html.link_pdfs = !opts.html_only;
    html.today = today;
    let pdf = if opts.html_only {
        None
    } else {
        // A character no font has would fail a PDF deep in Typst: say where it is instead.
        let unprintable = check::unprintable_characters(&folder);
        if unprintable.has_errors() {
            return Err(unprintable);
        }
        Some(pdf::PdfRenderer::new(theme)?)
    };
    let cache = cache::PdfCache::for_output(&targets.output);
    // Public PDFs are written once, where they are published.
    cache.writing_into(out.staging());
    let (mut pdfs, mut compiled, mut meetings, mut reports, mut pdfs_done) = (0, 0, 0, 0, 0);
    let mut used_keys = std::collections::BTreeSet::new();
    let mut to_freeze = Vec::new();
    let mut checked = Diagnostics::new();
    let mut search = render::search::SearchIndex::default();
    let mut outlines = Vec::new();
    let mut site_view = None;
    let mut seen_urls: std::collections::BTreeMap<String, String> = std::collections::BTreeMap::new();

    // The meetings a batch at a time (about a thousand reports each): each batch is
    // loaded, resolved, checked, filtered, and its PDFs and pages made and written; then
    // only its meetings' outlines are kept, for the site-wide pages. Memory is one
    // batch's, whatever the size of the archive.
    let mut first_batch = true;
    // What one batch hands the next: each committee's last minutes, and the forward plan
    // and decision notices, resolved once.
    let mut carried = resolve::Carry::default();
    // Committees, the forward plan and the decision notices: read once, for every batch.
    let (shared, mut shared_errors) = load::load_site_wide(&folder.root);
    let shared = std::sync::Arc::new(shared);
    for batch in load::meeting_batches(&folder.root) {
        let loaded = folder.load_batch(&shared, &batch);
        // A fault in the site-wide files is reported with the first batch's own.
        if shared_errors.has_errors() {
            if let Err(d) = loaded {
                shared_errors.extend(d);
            }
            shared_errors.sort();
            return Err(shared_errors);
        }
        let loaded = loaded?;
        let site = resolve::resolve_batch(&loaded, theme, &mut carried)?;
        // Two meetings of one committee on one day, in different batches.
        let clash = load::repeated_meetings(&mut seen_urls, &site.meetings);
        if clash.has_errors() {
            return Err(clash);
        }
        meetings += site.meetings.len();
        reports += site.meetings.iter().map(|m| m.reports.len()).sum::<usize>();
        let public = audience::view(&site, audience::Audience::Public);
        // What `check` would warn of (`build` prints it too) and the batch's part of the
        // search index are made on cores of their own while this thread makes the PDFs
        // and pages: a rebuild after one edit otherwise waits on one core for all three.
        let batch = std::thread::scope(|scope| -> Result<(), Diagnostics> {
            // The sources go once checked: the rest works from the resolved site.
            let resolved = &site;
            let checking = scope.spawn(move || {
                let found = check::check_resolved(&loaded, resolved, theme);
                drop(loaded);
                found
            });
            let (index, view) = (&mut search, &public);
            let indexing = scope.spawn(move || {
                let mut files = Vec::new();
                index
                    .add(view, &mut |path, bytes| {
                        files.push((path, bytes));
                        Ok(())
                    })
                    .map(|()| files)
            });
            let made = (|| -> Result<(), Diagnostics> {
                // The batch's PDFs (its appendices and documents as given, its item PDFs and
                // packs), whose download links say what they fetch.
                let mut batch_pdfs: Vec<String> = Vec::new();
                // Pages counted as the PDFs were written, by path.
                let mut counted: std::collections::HashMap<String, u32> = std::collections::HashMap::new();
                for (path, asset) in public.assets() {
                    out.add(path.clone(), asset.bytes.as_ref().clone())?;
                    if path.ends_with(".pdf") {
                        batch_pdfs.push(path.clone());
                    }
                }
                // PDFs first, so that the pages can say what each download is.
                if let Some(pdf) = &pdf {
                    let (reused, published_packs) = archive::frozen_packs(&opts.site, &site, &public)?;
                    let offset = pdfs_done;
                    let made = pdf::jobs::render(&public, pdf, &|p| reused.contains_key(p), Some(&cache), &|d, t| progress(offset + d, offset + t))?;
                    pdfs_done += made.stored.len() + made.files.len();
                    pdfs += made.stored.len() + reused.len();
                    compiled += made.compiled;
                    used_keys.extend(made.keys);
                    batch_pdfs.extend(made.stored.keys().cloned());
                    batch_pdfs.extend(reused.keys().cloned());
                    for (path, s) in made.stored {
                        if let Some(n) = s.pages {
                            counted.insert(path.clone(), n);
                        }
                        out.add_stored(path, s)?;
                    }
                    out.add_all(reused)?;
                    if opts.freeze {
                        for (pack, published, content, reissues) in published_packs {
                            let Some(at) = out.location(&pack) else { continue };
                            let bytes = std::fs::read(&at).map_err(|e| Diagnostic::error(Pos::file(&at), format!("cannot read: {e}")))?;
                            to_freeze.push((pack, published, content, reissues, bytes));
                        }
                    }
                    let members_view = members.is_some().then(|| audience::view(&site, audience::Audience::Members));
                    // The decision notices are the site's, not a batch's: made with the first.
                    if first_batch {
                        let made = pdf::jobs::render_decisions(&public, pdf, Some(&cache), &|_| true)?;
                        pdfs += made.stored.len();
                        compiled += made.compiled;
                        used_keys.extend(made.keys);
                        batch_pdfs.extend(made.stored.keys().cloned());
                        for (path, s) in made.stored {
                            out.add_stored(path, s)?;
                        }
                        if let (Some(members), Some(view)) = (members.as_mut(), &members_view) {
                            // Only the exempt ones differ from the public notices.
                            let made = pdf::jobs::render_decisions(view, pdf, None, &|d| d.exempt.is_some())?;
                            pdfs += made.files.len();
                            compiled += made.compiled;
                            members.add_all(made.files)?;
                        }
                    }
                    if let (Some(members), Some(view)) = (members.as_mut(), &members_view) {
                        let made = pdf::jobs::render(view, pdf, &|_| false, None, &progress)?;
                        pdfs += made.files.len();
                        compiled += made.compiled;
                        members.add_all(made.files)?;
                        // The members' copies of what the public folder withholds or cannot hold.
                        for m in view.meetings() {
                            for r in m.reports.iter().filter(|r| audience::has_part2(r)) {
                                for path in audience::report_assets(r) {
                                    if let Some(a) = view.assets().get(&path) {
                                        members.add(path, a.bytes.as_ref().clone())?;
                                    }
                                }
                            }
                        }
                    }
                }
                // Each PDF's size and pages, for the download links: agendum's own PDFs keep
                // their page tree first, so a few kilobytes of each say it.
                for path in &batch_pdfs {
                    let (Some(at), Some((_, len))) = (out.location(path), out.digest(path)) else { continue };
                    let pages = counted.get(path).copied().or_else(|| render::page_count(&read_head(&at, render::PAGE_TREE_HEAD as u64)));
                    html.downloads.insert(path.clone(), (len, pages));
                }
                html.render_meetings(&public, &mut |path, bytes| out.add(path, bytes))?;
                // Each meeting's open data, with the SHA-256 of the files just made.
                for m in public.meetings() {
                    let (path, bytes) = render::data::meeting_data(&public, m, &|p| out.digest(p));
                    out.add(path, bytes)?;
                }
                Ok(())
            })();
            // A panic in either is the build's (as it would be on this thread).
            checked.extend(checking.join().unwrap_or_else(|e| std::panic::resume_unwind(e)));
            let indexed = indexing.join().unwrap_or_else(|e| std::panic::resume_unwind(e));
            made?;
            for (path, bytes) in indexed? {
                out.add(path, bytes)?;
            }
            Ok(())
        });
        batch?;
        outlines.push(public.outline());
        // The site itself (council, committees, forward plan), without this batch's meetings.
        site_view = Some(public.with_outlines(Vec::new()).map_err(|d| Diagnostics(vec![d]))?);
        first_batch = false;
    }
    // The site-wide pages, from every meeting's outline.
    let Some(last) = site_view else {
        return Err(Diagnostics(vec![Diagnostic::error(Pos::file("content/meetings"), "nothing to build").hint("this is a bug in agendum; please report it")]));
    };
    let public = last.with_outlines(outlines).map_err(|d| Diagnostics(vec![d]))?;
    html.render_site_pages(&public, &mut |path, bytes| out.add(path, bytes))?;
    // The decision notices are the site's: indexed after every batch's meetings, so that
    // the index is the same however the archive was batched.
    search.add_decisions(&public, &mut |path, bytes| out.add(path, bytes))?;
    search.finish(&public, &mut |path, bytes| out.add(path, bytes))?;
    // Calendars, feed, sitemap and open data describe the files made above.
    let data = render::data::render(&public, &out.paths());
    out.add_all(data)?;
    out.add_manifest()?;

    // Stage everything, then swap in: a failure in either leaves both folders as they were.
    let members_len = members.as_ref().map(publish::Publication::len).unwrap_or(0);
    let files = out.len() + members_len;
    let written: Vec<(String, String)> = out.paths().into_iter().filter_map(|p| Some((p.to_string(), out.digest(p)?.0))).collect();
    let staged = out.stage()?;
    let staged_members = match members {
        Some(m) => match m.stage() {
            Ok(s) => Some(s),
            Err(e) => {
                staged.discard();
                return Err(e.into());
            }
        },
        None => None,
    };
    // An HTML-only build keeps the PDFs of the output it replaces for the next full one.
    staged.swap_in_keeping(|old| {
        if opts.html_only {
            cache.keep_from(old)
        }
    })?;
    if let Some(s) = staged_members {
        s.swap_in()?;
    }
    if !opts.html_only {
        cache.finish(&used_keys);
    }
    // The lock is written only once the output is in place.
    let mut frozen = Vec::new();
    if !to_freeze.is_empty() {
        let mut lock = archive::Lock::read(&opts.site)?;
        frozen = archive::freeze(&opts.site, &mut lock, &to_freeze)?;
    }
    // `build` says what `check` would warn of, once each.
    // The resolver's warnings are among `check`'s; each is printed once.
    let check_errors = checked.errors().count();
    let mut warnings = Diagnostics(checked.0.into_iter().filter(|d| !d.is_error()).collect());
    warnings.sort();
    warnings.0.dedup_by(|a, b| a.render(false) == b.render(false));
    let report = BuildReport { meetings, reports, files, pdfs, compiled, warnings, check_errors, frozen, unchanged: false };
    if let Some(inputs) = inputs {
        unchanged::record(inputs, &targets.output, targets.restricted.as_deref(), &report, &written);
    }
    Ok(report)
}
