//! The site every command works on: `agendum.yaml` and the theme, loaded once.
//! `build`, `check`, `serve`, `new` and `dates` all start from a [`Site`].

use std::path::{Path, PathBuf};

use crate::calendar::Calendar;
use crate::diag::{Diagnostics, Pos};
use crate::load::LoadedSite;
use crate::model::SiteConfig;
use crate::resolve::ResolvedSite;
use crate::theme::Theme;

pub struct Site {
    /// The site folder (holding agendum.yaml and content/).
    pub root: PathBuf,
    pub config: SiteConfig,
    pub theme: Theme,
}

impl Site {
    /// Read the configuration and the theme it names.
    pub fn open(root: &Path) -> Result<Site, Diagnostics> {
        let config = crate::load::read_config(root)?;
        let name = &config.theme;
        let name_pos = if name.referenced.line() == 0 {
            Pos::file("agendum.yaml")
        } else {
            Pos::new("agendum.yaml", name.referenced.line() as u32, name.referenced.column() as u32)
        };
        let theme = crate::theme::load_theme(root, &name.value, name_pos)?;
        Ok(Site { root: root.to_path_buf(), config, theme })
    }

    /// The front: load every file under content/.
    pub fn load(&self) -> Result<LoadedSite, Diagnostics> {
        crate::load::load_content(&self.root, self.config.clone())
    }

    /// The meeting folders, in name order.
    pub fn meeting_dirs(&self) -> Vec<PathBuf> {
        crate::load::meeting_dirs(&self.root)
    }

    /// A batch of meetings, against the site-wide content read once.
    pub fn load_batch(&self, shared: &std::sync::Arc<crate::load::SiteWide>, dirs: &[PathBuf]) -> Result<LoadedSite, Diagnostics> {
        crate::load::load_batch(&self.root, self.config.clone(), shared.clone(), dirs)
    }

    /// The front, to the one site document.
    pub fn resolve(&self) -> Result<ResolvedSite, Diagnostics> {
        crate::resolve::resolve_site(&self.load()?, &self.theme)
    }

    /// The publication calendar: closure days and the clear working days required.
    pub fn calendar(&self) -> (Calendar, u32) {
        (self.config.publication.calendar(), self.config.publication.clear_working_days)
    }
}
