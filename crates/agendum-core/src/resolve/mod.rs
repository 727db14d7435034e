//! Resolve: apply the theme's report scheme to the loaded content. Sections are put in the
//! theme's order with defaults for absent ones; paragraphs are numbered (3.1, 7.1.1);
//! references become numbers; YAML tables get money formatting and totals; item numbers
//! follow the agenda. The result is the document tree, and nothing downstream decides
//! content.
//!
//! The passes live in their own files, in the order a report goes through them; they
//! share `MeetingCtx` and `Labels` below and walk blocks with `crate::document`'s walkers.

mod assets;
mod decisions;
mod forward_plan;
mod ids;
mod meeting;
mod minutes;
mod numbering;
mod references;
pub mod report;
mod sections;
mod tables;
mod text;

use assets::*;
use decisions::*;
use forward_plan::*;
use ids::*;
use meeting::*;
use minutes::*;
use numbering::*;
use references::*;
use report::*;
use sections::*;
use tables::*;
use text::*;

// The resolve API other stages use.
pub use assets::safe_join;

/// What one batch of meetings hands the next: each committee's last minutes, and the
/// site-wide documents (forward plan, decision notices), resolved once with the first.
#[derive(Default)]
pub struct Carry {
    minutes: CarriedMinutes,
    site_wide: Option<(Option<ForwardPlanDoc>, Vec<DecisionDoc>)>,
}
pub use tables::build_table;
pub use text::{display_date, display_time, exemption_statement, inline_markdown, SCHEDULE_12A};

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Component, Path, PathBuf};

use chrono::{Datelike, NaiveDate, NaiveTime};

use crate::diag::{Diagnostic, Diagnostics, Pos};
use crate::document::*;
use crate::load::{LoadedMeeting, LoadedSite};
use crate::markdown::{self, Node};
use crate::model::*;
use crate::money;
use crate::numbering::{path_number, slugify};
use crate::theme::{
    FieldsLayout, HeaderKey, HeaderLayout, ListStyle, MastheadLine, ParagraphNumbering, SectionKind, SectionScheme, SubsectionStyle, Theme, ThemeScheme,
};
use crate::yaml::{spanned_pos, Spanned};

/// The one site document: every page, PDF and asset of every audience, with every
/// output name decided. It holds exempt content; renderers never see it, only the
/// audience views made from it by `crate::audience`.
pub struct ResolvedSite {
    /// The council's logo: its output path (an asset) and alt text.
    pub logo: Option<LogoRef>,
    /// Site-wide assets: the logo and the theme's static files.
    pub assets: Assets,
    pub council: String,
    pub base_url: Option<String>,
    pub language: String,
    pub theme_name: String,
    pub meetings: Vec<ResolvedMeeting>,
    pub committees: Vec<CommitteeInfo>,
    pub forward_plan: Option<ForwardPlanDoc>,
    /// The decision notices, newest first: exempt ones whole (see `crate::audience`).
    pub decisions: Vec<DecisionDoc>,
    /// What `check` warns of in them (late records).
    pub decision_warnings: Diagnostics,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct CommitteeInfo {
    pub slug: String,
    pub name: String,
    /// A joint committee's councils (empty: the site's own council's committee).
    pub councils: Vec<CouncilDoc>,
    pub kind: String,
    pub description: Option<String>,
    pub members: Vec<Member>,
}

pub struct ResolvedMeeting {
    /// Index of the meeting in `LoadedSite::meetings`, for rules that read the source.
    pub source_index: usize,
    pub doc: MeetingDoc,
    /// Every report of the meeting, exempt ones included. Nothing renders this: the
    /// renderers see an audience view (`crate::audience`).
    pub reports: Vec<ReportDoc>,
    /// The images and PDF appendices of its reports, by output path.
    pub assets: Assets,
    /// Its minutes, once written: exempt minutes in full (see `crate::audience`).
    pub minutes: Option<MinutesDoc>,
    /// Its folder's name under content/meetings.
    pub dir_name: String,
    pub warnings: Diagnostics,
}

pub fn resolve_site(site: &LoadedSite, theme: &Theme) -> Result<ResolvedSite, Diagnostics> {
    resolve_batch(site, theme, &mut Carry::default())
}

/// One batch of meetings, after those of `carried` (the batches before): each
/// committee's first meeting here carries the minutes of its last meeting there.
pub fn resolve_batch(site: &LoadedSite, theme: &Theme, carried: &mut Carry) -> Result<ResolvedSite, Diagnostics> {
    let mut diags = Diagnostics::new();
    let mut assets = Assets::new();
    // A joint committee's councils, with their logos as site assets.
    let councils = joint_councils(site, &mut assets, &mut diags);
    let committees: Vec<CommitteeInfo> = site
        .shared
        .committees
        .iter()
        .map(|(slug, (_, c))| CommitteeInfo {
            slug: slug.clone(),
            name: c.name.clone(),
            councils: councils.get(slug).cloned().unwrap_or_default(),
            kind: c.kind.label().to_string(),
            description: c.description.clone(),
            members: c.members.clone(),
        })
        .collect();

    // Committee pages live at `<slug>/`: a few names are taken by the site itself.
    for (slug, (path, _)) in &site.shared.committees {
        if ["archive", "static", "frozen"].contains(&slug.as_str()) {
            diags.push(
                Diagnostic::error(Pos::file(path), format!("a committee cannot be called `{slug}`: the site uses that folder"))
                    .hint("rename the file, e.g. content/committees/{slug}-committee.yaml"),
            );
        }
    }
    let mut meetings = Vec::new();
    let mut seen_urls: BTreeMap<String, PathBuf> = BTreeMap::new();
    // Meetings resolve independently: in parallel, then in folder order as before.
    use rayon::prelude::*;
    let resolved: Vec<Result<ResolvedMeeting, Diagnostics>> = site.meetings.par_iter().map(|m| resolve_meeting(site, theme, m, &councils)).collect();
    for (index, (m, result)) in site.meetings.iter().zip(resolved).enumerate() {
        match result.map(|mut rm| {
            rm.source_index = index;
            rm
        }) {
            Ok(rm) => {
                if let Some(prev) = seen_urls.insert(rm.doc.url.clone(), m.path.clone()) {
                    diags.push(
                        Diagnostic::error(Pos::file(&m.path), format!("two meetings of the same committee on {}", rm.doc.date))
                            .hint(format!("the other is {}; merge them or correct the date", prev.display())),
                    );
                }
                meetings.push(rm)
            }
            Err(d) => diags.extend(d),
        }
    }
    if diags.has_errors() {
        diags.sort();
        return Err(diags);
    }
    meetings.sort_by(|a, b| (&a.doc.date, &a.doc.committee_slug).cmp(&(&b.doc.date, &b.doc.committee_slug)));
    carry_minutes_forward(&mut meetings, &mut carried.minutes);
    for (name, bytes) in &theme.statics {
        let sha256 = crate::document::sha256_hex(bytes);
        assets.insert(
            format!("static/{name}"),
            Asset { source: format!("theme {}: static/{name}", theme.scheme.name), bytes: std::sync::Arc::new(bytes.clone()), sha256 },
        );
    }
    let logo = match &site.config.logo {
        None => None,
        Some(l) => {
            let (ext, bytes, alt) = load_logo(site, l)?;
            let path = format!("static/logo.{ext}");
            let sha256 = crate::document::sha256_hex(&bytes);
            assets.insert(path.clone(), Asset { source: l.value.file.clone(), bytes: std::sync::Arc::new(bytes), sha256 });
            Some(LogoRef { path, alt })
        }
    };
    // The site's forward plan and decision notices: resolved with the first batch, then
    // handed on (their faults are reported once, with that batch).
    let (forward_plan, decisions, decision_warnings) = match &carried.site_wide {
        Some((plan, decisions)) => (plan.clone(), decisions.clone(), Diagnostics::new()),
        None => {
            let forward_plan = match &site.shared.forward_plan {
                None => None,
                Some((path, f)) => match resolve_forward_plan(path, f, theme) {
                    Ok(plan) => Some(plan),
                    Err(d) => {
                        carried.site_wide = Some((None, Vec::new()));
                        return Err(d);
                    }
                },
            };
            let mut decision_diags = Diagnostics::new();
            let decisions = resolve_decisions(site, forward_plan.as_ref(), theme, &mut decision_diags);
            if decision_diags.has_errors() {
                carried.site_wide = Some((forward_plan, Vec::new()));
                decision_diags.sort();
                return Err(decision_diags);
            }
            carried.site_wide = Some((forward_plan.clone(), decisions.clone()));
            (forward_plan, decisions, decision_diags)
        }
    };
    Ok(ResolvedSite {
        forward_plan,
        logo,
        assets,
        council: site.config.council.clone(),
        base_url: site.config.base_url.clone(),
        language: site.config.language.clone(),
        theme_name: site.config.theme.value.clone(),
        meetings,
        committees,
        decisions,
        decision_warnings,
    })
}

struct MeetingCtx<'a> {
    council: &'a str,
    /// A joint committee's councils (empty otherwise): the masthead names each.
    councils: &'a [CouncilDoc],
    language: &'a str,
    committee_name: &'a str,
    committee_slug: &'a str,
    date: NaiveDate,
    base: &'a str,
    dir: PathBuf,
    site_root: &'a Path,
}

/// Collects the numbers given to labels while numbering, for references.
#[derive(Default)]
struct Labels {
    numbers: BTreeMap<String, String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn appendix_mentions_become_links() {
        let ids = vec!["1".to_string(), "B".to_string()];
        let out = link_appendices("See Appendix 1 and Appendix 12 and Appendix B.", &ids);
        let links: Vec<String> = out.iter().filter_map(|i| if let Inline::Link { href, .. } = i { Some(href.clone()) } else { None }).collect();
        assert_eq!(links, vec!["#appendix-1", "#appendix-b"]);
        assert_eq!(plain(&out), "See Appendix 1 and Appendix 12 and Appendix B.");
    }

    #[test]
    fn one_line_values_stay_inline_text() {
        assert_eq!(plain(&inline_markdown("1. Economic Development")), "1. Economic Development");
        assert_eq!(plain(&inline_markdown("- not a bullet")), "- not a bullet");
        assert_eq!(plain(&inline_markdown("# of staff")), "# of staff");
        assert_eq!(plain(&inline_markdown("**Bold** start")), "Bold start");
    }

    #[test]
    fn exemption_wording() {
        assert_eq!(exemption_statement(&[3]), "Not for publication by virtue of paragraph 3 of Part 1 of Schedule 12A to the Local Government Act 1972");
        assert!(exemption_statement(&[1, 3, 5]).contains("paragraphs 1, 3 and 5 of"));
    }

    #[test]
    fn times_and_dates_print_as_councils_write_them() {
        assert_eq!(display_time(NaiveTime::from_hms_opt(19, 0, 0).unwrap()), "7pm");
        assert_eq!(display_time(NaiveTime::from_hms_opt(10, 30, 0).unwrap()), "10.30am");
        assert_eq!(display_date(NaiveDate::from_ymd_opt(2012, 4, 18).unwrap()), "18 April 2012");
    }

    #[test]
    fn paths_cannot_escape_the_meeting_folder() {
        let dir = Path::new("/tmp");
        assert!(safe_join(dir, "../../etc/passwd").is_err());
        assert!(safe_join(dir, "/etc/passwd").is_err());
        assert!(safe_join(dir, "a/appendix.md").is_ok());
    }
}
