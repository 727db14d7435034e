//! agendum: council committee papers from YAML and Markdown to accessible HTML and
//! archival PDF.
//!
//! The pipeline runs one way: load -> model -> resolve -> document -> render -> publish.
//! Each stage is a module; later stages never reach back into earlier ones.

pub mod builtin;
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

use diag::{Diagnostics, Pos};

#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub site: PathBuf,
    pub output: PathBuf,
}

#[derive(Debug, Default)]
pub struct BuildReport {
    pub meetings: usize,
    pub reports: usize,
    pub files: usize,
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
    let (site, theme) = resolve(&opts.site)?;
    let renderer = render::html::HtmlRenderer::new(&theme)?;
    let files = renderer.render_site(&site, &theme)?;
    publish::write_atomically(&opts.output, &files)?;
    let mut warnings = Diagnostics::new();
    for m in &site.meetings {
        warnings.extend(m.warnings.clone());
    }
    warnings.sort();
    Ok(BuildReport {
        meetings: site.meetings.len(),
        reports: site.meetings.iter().map(|m| m.reports.len()).sum(),
        files: files.len(),
        warnings,
    })
}

/// The site's theme alone, for commands that need only the scheme (`new report`).
pub fn resolve_theme_only(site: &Path) -> Result<theme::Theme, Diagnostics> {
    let cfg_path = site.join("agendum.yaml");
    let config: model::SiteConfig = load::read_yaml(site, &cfg_path)?;
    Ok(theme::load_theme(site, &config.theme.value, Pos::file("agendum.yaml"))?)
}
