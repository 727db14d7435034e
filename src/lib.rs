//! agendum: council committee papers from YAML and Markdown to accessible HTML and
//! archival PDF.
//!
//! The pipeline runs one way: load -> model -> resolve -> document -> render -> publish.
//! Each stage is a module; later stages never reach back into earlier ones.

pub mod archive;
pub mod builtin;
pub mod cache;
pub mod check;
pub mod calendar;
pub mod diag;
pub mod document;
pub mod load;
pub mod markdown;
pub mod model;
pub mod money;
pub mod numbering;
pub mod publish;
pub mod render;
pub mod resolve;
pub mod scaffold;
pub mod serve;
pub mod theme;
pub mod yaml;

use std::path::{Path, PathBuf};

use diag::{Diagnostic, Diagnostics, Pos};

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

/// The build's date: `SOURCE_DATE_EPOCH` when set, else the local date.
pub fn build_date() -> chrono::NaiveDate {
    std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .and_then(|secs| chrono::DateTime::from_timestamp(secs, 0))
        .map(|dt| dt.date_naive())
        .unwrap_or_else(|| chrono::Local::now().date_naive())
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
    /// Packs frozen by this build (`--freeze`).
    pub frozen: Vec<String>,
}

/// Load and resolve a site: everything up to the document trees.
pub fn resolve(site: &Path) -> Result<(resolve::ResolvedSite, theme::Theme), Diagnostics> {
    let loaded = load::load_site(site)?;
    let theme_name = &loaded.config.theme;
    let name_pos = if theme_name.referenced.line() == 0 {
        Pos::file("agendum.yaml")
    } else {
        Pos::new("agendum.yaml", theme_name.referenced.line() as u32, theme_name.referenced.column() as u32)
    };
    let theme = theme::load_theme(site, &theme_name.value, name_pos)?;
    let resolved = resolve::resolve_site(&loaded, &theme)?;
    Ok((resolved, theme))
}

/// The whole build: nothing is written unless every stage succeeds.
pub fn build(opts: &BuildOptions) -> Result<BuildReport, Diagnostics> {
    if let Some(r) = &opts.restricted {
        let (out, res) = (absolute(&opts.output), absolute(r));
        if res.starts_with(&out) || out.starts_with(&res) {
            return Err(Diagnostic::error(Pos::file(r), "the restricted folder must be outside the public output folder")
                .hint("e.g. --restricted ../members-only; exempt papers must never be published")
                .into());
        }
    }
    let output = absolute(&opts.output);
    let (site, theme) = resolve(&opts.site)?;
    let mut html = render::html::HtmlRenderer::new(&theme)?;
    html.link_pdfs = !opts.html_only;
    html.today = opts.today.unwrap_or_else(build_date).format("%Y-%m-%d").to_string();
    let mut files = html.render_site(&site, &theme)?;
    // Images and PDF appendices the pages link to.
    files.extend(appendix_copies(&site, false)?);
    let mut pdfs = 0;
    let mut compiled = 0;
    let mut restricted_files = render::Files::new();
    let mut stored = render::StoredFiles::new();
    let mut used_keys = std::collections::BTreeSet::new();
    let mut to_freeze = Vec::new();
    let progress = |done: usize, total: usize| {
        if let Some(p) = &opts.progress {
            p(done, total)
        }
    };
    if !opts.html_only {
        let (reused, published_packs) = frozen_packs(&opts.site, &site)?;
        let pdf = render::pdf::PdfRenderer::new(&theme)?;
        let cache = cache::PdfCache::for_output(&output);
        let public = render_pdfs(&site, &pdf, render::pdf::Audience::Public, &reused, Some(&cache), &progress)?;
        pdfs += public.stored.len() + reused.len();
        compiled += public.compiled;
        stored = public.stored;
        used_keys = public.keys;
        files.extend(reused);
        if opts.freeze {
            for (pack, published, content, reissues) in published_packs {
                let bytes = match (files.get(&pack), stored.get(&pack)) {
                    (Some(b), _) => b.clone(),
                    (None, Some(s)) => std::fs::read(&s.path).map_err(|e| Diagnostic::error(Pos::file(&s.path), format!("cannot read: {e}")))?,
                    (None, None) => continue,
                };
                to_freeze.push((pack, published, content, reissues, bytes));
            }
        }
        if opts.restricted.is_some() {
            let members = render_pdfs(&site, &pdf, render::pdf::Audience::Restricted, &render::Files::new(), None, &progress)?;
            pdfs += members.files.len();
            compiled += members.compiled;
            restricted_files = members.files;
            restricted_files.extend(appendix_copies(&site, true)?);
        }
    }
    // Calendars, feed, sitemap and open data describe the files made above.
    let digest = |path: &str| -> Option<(String, u64)> {
        files.get(path).map(|b| (render::data::sha256_hex(b), b.len() as u64)).or_else(|| stored.get(path).map(|s| (s.sha256.clone(), s.len)))
    };
    let data = render::data::render(&site, &files, &stored, &digest);
    files.extend(data);
    let manifest = publish::manifest(&files, &stored);
    files.insert(publish::MANIFEST.into(), manifest);
    publish::write_atomically(&output, &files, &stored)?;
    if let Some(r) = &opts.restricted {
        publish::write_atomically(&absolute(r), &restricted_files, &render::StoredFiles::new())?;
    }
    if !opts.html_only {
        cache::PdfCache::for_output(&output).prune(&used_keys);
    }
    // The lock is written only once the output is in place.
    let mut frozen = Vec::new();
    if !to_freeze.is_empty() {
        let mut lock = archive::Lock::read(&opts.site)?;
        frozen = archive::freeze(&opts.site, &mut lock, &to_freeze)?;
    }
    let mut warnings = Diagnostics::new();
    for m in &site.meetings {
        warnings.extend(m.warnings.clone());
    }
    warnings.sort();
    Ok(BuildReport {
        meetings: site.meetings.len(),
        reports: site.meetings.iter().map(|m| m.reports.len()).sum(),
        files: files.len() + stored.len() + restricted_files.len(),
        pdfs,
        compiled,
        warnings,
        frozen,
    })
}

/// A pack of a published meeting that this build renders: (output path, publication
/// date, content hash, re-issues), recorded by `--freeze`.
type PublishedPack = (String, String, String, usize);

/// Published packs: those frozen and unchanged are reused as they were published; a
/// changed one without a new re-issue fails the build. Returns the reused files and the
/// packs to render.
fn frozen_packs(site_dir: &Path, site: &resolve::ResolvedSite) -> Result<(render::Files, Vec<PublishedPack>), Diagnostics> {
    let lock = archive::Lock::read(site_dir)?;
    let mut reused = render::Files::new();
    let mut published_packs = Vec::new();
    let mut diags = Diagnostics::new();
    for m in &site.meetings {
        let Some(published) = &m.doc.published else { continue };
        let public: Vec<&document::ReportDoc> = m.public_reports().collect();
        let meeting_file = Path::new("content/meetings").join(m.dir.file_name().unwrap_or_default()).join("meeting.yaml");
        for (doc, numbers) in packs(&m.doc) {
            let in_pack: Vec<&document::ReportDoc> = public.iter().copied().filter(|r| numbers.contains(&r.item_number)).collect();
            let content = pack_content_hash(site, &doc, &in_pack)?;
            match archive::decide(site_dir, &lock, &doc.pack_url, &content, doc.reissues.len(), &meeting_file) {
                Ok(archive::Decision::Reuse(bytes)) => {
                    reused.insert(doc.pack_url.clone(), bytes);
                }
                Ok(_) => published_packs.push((doc.pack_url.clone(), doc.published.clone().unwrap_or_else(|| published.clone()), content, doc.reissues.len())),
                Err(d) => diags.push(d),
            }
        }
    }
    if diags.has_errors() {
        return Err(diags);
    }
    Ok((reused, published_packs))
}

/// SHA-256 of what a public pack is made from: the agenda as the clerk wrote it and the
/// bytes of every source file of the public reports in it (reports, appendix files,
/// images). It is built from named fields and file bytes, not from agendum's own data
/// structures, so that upgrading agendum or its templates does not count as a change.
fn pack_content_hash(site: &resolve::ResolvedSite, doc: &document::MeetingDoc, reports: &[&document::ReportDoc]) -> Result<String, Diagnostic> {
    use sha2::{Digest, Sha256};
    let items: Vec<serde_json::Value> = doc
        .items
        .iter()
        .map(|i| {
            serde_json::json!([i.number, i.title, i.kind, i.report_of, i.wards, i.key_decision, i.exempt.as_ref().map(|e| &e.statement), render::html::blocks_html(&i.blocks)])
        })
        .collect();
    let members: Vec<serde_json::Value> = doc.members.iter().map(|m| serde_json::json!([m.name, m.role, m.party])).collect();
    let contact = doc.contact.as_ref().map(|c| serde_json::json!([c.name, c.role, c.phone, c.email]));
    let head = serde_json::json!([site.council, doc.committee, doc.date, doc.time, doc.venue, doc.published, doc.pack_title, members, contact, items]);
    let mut h = Sha256::new();
    h.update(head.to_string());
    if let Some((_, logo, alt)) = &site.logo {
        h.update(Sha256::digest(logo));
        h.update(alt);
    }
    for r in reports {
        h.update(&r.item_number);
        for rel in &r.public_sources {
            let bytes = std::fs::read(site.root.join(rel)).map_err(|e| Diagnostic::error(Pos::file(rel), format!("cannot read: {e}")))?;
            h.update(rel);
            h.update(Sha256::digest(&bytes));
        }
    }
    Ok(h.finalize().iter().map(|b| format!("{b:02x}")).collect())
}

fn absolute(p: &Path) -> PathBuf {
    let abs = if p.is_absolute() { p.to_path_buf() } else { std::env::current_dir().unwrap_or_default().join(p) };
    // Normalise `.` and `..` without touching the file system (the folder may not exist).
    let mut out = PathBuf::new();
    for c in abs.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            c => out.push(c),
        }
    }
    out
}

/// What `render_pdfs` made: PDFs in memory (restricted ones), PDFs stored in the cache
/// (public ones), and the cache keys the build used.
#[derive(Default)]
struct RenderedPdfs {
    files: render::Files,
    stored: render::StoredFiles,
    keys: std::collections::BTreeSet<String>,
    compiled: usize,
}

/// Item PDFs and packs for every meeting, compiled in parallel; the BTreeMaps keep the
/// output order stable whatever order the work finishes in. With a cache, a PDF whose
/// inputs are unchanged is taken from it instead of being compiled.
fn render_pdfs(
    site: &resolve::ResolvedSite,
    pdf: &render::pdf::PdfRenderer,
    audience: render::pdf::Audience,
    reused: &render::Files,
    cache: Option<&cache::PdfCache>,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<RenderedPdfs, Diagnostic> {
    use rayon::prelude::*;
    use render::pdf::{Audience, PdfKind};
    let mut jobs: Vec<(String, document::MeetingDoc, Vec<&document::ReportDoc>, PdfKind)> = Vec::new();
    for m in &site.meetings {
        let reports: Vec<&document::ReportDoc> = match audience {
            Audience::Public => m.public_reports().collect(),
            Audience::Restricted => m.reports.iter().collect(),
        };
        // The members' folder holds what the public one cannot: the exempt items and a
        // full pack for each meeting that has any.
        let has_exempt = m.reports.iter().any(|r| r.exempt.is_some() || r.appendices.iter().any(|a| a.exempt));
        if audience == Audience::Restricted && !has_exempt {
            continue;
        }
        for r in &reports {
            if audience == Audience::Public || r.exempt.is_some() || r.appendices.iter().any(|a| a.exempt) {
                jobs.push((r.pdf_url.clone(), m.doc.clone(), vec![*r], PdfKind::Report));
            }
        }
        for (doc, numbers) in packs(&m.doc) {
            let in_pack: Vec<&document::ReportDoc> = reports.iter().copied().filter(|r| numbers.contains(&r.item_number)).collect();
            if !reused.contains_key(&doc.pack_url) {
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
        Stored(render::Stored, bool),
    }
    let results: Vec<Result<(String, String, Made), Diagnostic>> = pool.install(|| {
        jobs.par_iter()
            .map(|(path, m, reports, kind)| {
                let job = pdf.prepare(site, m, reports, *kind, audience)?;
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

/// A meeting's packs: the agenda as published, then one supplementary agenda per date
/// on which items were added. Each is the meeting with only that pack's items, and the
/// item numbers it carries. The original pack never changes when items are added late.
pub fn packs(m: &document::MeetingDoc) -> Vec<(document::MeetingDoc, Vec<String>)> {
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

/// Files published as they are beside their report: images and PDF appendices.
fn appendix_copies(site: &resolve::ResolvedSite, restricted: bool) -> Result<render::Files, Diagnostic> {
    let mut files = render::Files::new();
    for m in &site.meetings {
        for r in &m.reports {
            let report_public = r.exempt.is_none();
            // Images are published beside the report, for the audience that may see them.
            let dir = r.url.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
            let shown: Vec<&(String, String)> = match (restricted, report_public) {
                (false, true) => r.images.iter().collect(),
                (false, false) => vec![],
                (true, true) => r.exempt_images.iter().collect(),
                (true, false) => r.images.iter().chain(&r.exempt_images).collect(),
            };
            {
                for (site_rel, name) in shown {
                    let bytes = std::fs::read(site.root.join(site_rel)).map_err(|e| Diagnostic::error(Pos::file(site_rel), format!("cannot read: {e}")))?;
                    files.insert(format!("{dir}/{name}"), bytes);
                }
            }
            for a in &r.appendices {
                let public = report_public && !a.exempt;
                if restricted == public {
                    continue;
                }
                if let Some(pdf) = &a.pdf {
                    let bytes = std::fs::read(site.root.join(pdf)).map_err(|e| Diagnostic::error(Pos::file(pdf), format!("cannot read: {e}")))?;
                    let dir = r.url.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
                    files.insert(format!("{dir}/{}", render::html::appendix_pdf_name(r, a, pdf)), bytes);
                }
            }
        }
    }
    Ok(files)
}

/// The site's theme alone, for commands that need only the scheme (`new report`).
pub fn resolve_theme_only(site: &Path) -> Result<theme::Theme, Diagnostics> {
    let cfg_path = site.join("agendum.yaml");
    let config: model::SiteConfig = load::read_yaml(site, &cfg_path)?;
    Ok(theme::load_theme(site, &config.theme.value, Pos::file("agendum.yaml"))?)
}
