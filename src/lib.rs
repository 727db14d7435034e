//! agendum: council committee papers from YAML and Markdown to accessible HTML and
//! archival PDF.
//!
//! The pipeline runs one way: load -> model -> resolve -> document -> render -> publish.
//! Each stage is a module; later stages never reach back into earlier ones.

pub mod builtin;
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
pub mod theme;
pub mod yaml;

use std::path::{Path, PathBuf};

use diag::{Diagnostic, Diagnostics, Pos};

#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub site: PathBuf,
    pub output: PathBuf,
    /// Also write the members-only papers (Part 2 included) into this folder, which must
    /// lie outside `output`.
    pub restricted: Option<PathBuf>,
    /// Skip PDF output (HTML only), for quick previews.
    pub html_only: bool,
}

#[derive(Debug, Default)]
pub struct BuildReport {
    pub meetings: usize,
    pub reports: usize,
    pub files: usize,
    pub pdfs: usize,
    pub warnings: Diagnostics,
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
    let mut files = html.render_site(&site, &theme)?;
    // Images and PDF appendices the pages link to.
    files.extend(appendix_copies(&site, false)?);
    let mut pdfs = 0;
    let mut restricted_files = render::Files::new();
    if !opts.html_only {
        let pdf = render::pdf::PdfRenderer::new(&theme)?;
        let public = render_pdfs(&site, &pdf, render::pdf::Audience::Public)?;
        pdfs += public.len();
        files.extend(public);
        if opts.restricted.is_some() {
            restricted_files = render_pdfs(&site, &pdf, render::pdf::Audience::Restricted)?;
            pdfs += restricted_files.len();
            restricted_files.extend(appendix_copies(&site, true)?);
        }
    }
    publish::write_atomically(&output, &files)?;
    if let Some(r) = &opts.restricted {
        publish::write_atomically(&absolute(r), &restricted_files)?;
    }
    let mut warnings = Diagnostics::new();
    for m in &site.meetings {
        warnings.extend(m.warnings.clone());
    }
    warnings.sort();
    Ok(BuildReport {
        meetings: site.meetings.len(),
        reports: site.meetings.iter().map(|m| m.reports.len()).sum(),
        files: files.len() + restricted_files.len(),
        pdfs,
        warnings,
    })
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

/// Item PDFs and packs for every meeting, compiled in parallel; the BTreeMap keeps
/// the output order stable whatever order the work finishes in.
fn render_pdfs(site: &resolve::ResolvedSite, pdf: &render::pdf::PdfRenderer, audience: render::pdf::Audience) -> Result<render::Files, Diagnostic> {
    use rayon::prelude::*;
    use render::pdf::{Audience, PdfKind};
    let mut jobs: Vec<(String, &resolve::ResolvedMeeting, Vec<&document::ReportDoc>, PdfKind)> = Vec::new();
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
                jobs.push((r.pdf_url.clone(), m, vec![*r], PdfKind::Report));
            }
        }
        jobs.push((m.doc.pack_url.clone(), m, reports, PdfKind::Pack));
    }
    // Typst's layout recurses deeply: its workers need more than rayon's 2 MiB stacks.
    let pool = rayon::ThreadPoolBuilder::new()
        .stack_size(64 << 20)
        .build()
        .map_err(|e| Diagnostic::error(Pos::default(), format!("cannot start worker threads: {e}")))?;
    let results: Vec<Result<(String, Vec<u8>), Diagnostic>> = pool.install(|| {
        jobs.par_iter()
            .map(|(path, m, reports, kind)| pdf.render(site, m, reports, *kind, audience).map(|bytes| (path.clone(), bytes)))
            .collect()
    });
    let mut files = render::Files::new();
    for r in results {
        let (path, bytes) = r?;
        files.insert(path, bytes);
    }
    Ok(files)
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
