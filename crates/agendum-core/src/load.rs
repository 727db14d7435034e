//! Load: read `agendum.yaml` and walk `content/` for committees, meetings and reports.
//! Files are read defensively (size limit, UTF-8, no symlinks out of the site) and in a
//! deterministic order; every problem is collected, not only the first.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::diag::{rel, Diagnostic, Diagnostics, Pos};
use crate::model::{CommitteeFile, ForwardPlanFile, MeetingFile, ReportFront, ReportSource, SiteConfig};
use crate::yaml::{self, Source};

/// Content files larger than this are refused: no committee report is 8 MiB of text,
/// and a limit keeps a stray data dump from stalling a build.
pub const MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;

/// A batch of meetings, with the site-wide content they are resolved against.
pub struct LoadedSite {
    pub root: PathBuf,
    pub config: SiteConfig,
    /// Read once per build, shared by every batch.
    pub shared: std::sync::Arc<SiteWide>,
    pub meetings: Vec<LoadedMeeting>,
}

/// What belongs to the site, not to a batch of meetings: committees, the forward plan,
/// the decision notices, and what those notices name of meetings in any batch.
#[derive(Default)]
pub struct SiteWide {
    pub committees: BTreeMap<String, (PathBuf, CommitteeFile)>,
    /// `content/forward-plan.yaml`, if the site publishes one.
    pub forward_plan: Option<(PathBuf, ForwardPlanFile)>,
    /// `content/decisions/*.yaml`: the decision notices.
    pub decisions: Vec<(PathBuf, crate::model::DecisionFile)>,
    /// Every meeting folder's name, whatever the batch: what a decision's `meeting:` names.
    pub meeting_names: Vec<String>,
    /// The agenda item numbers of each meeting a decision names, whatever the batch.
    pub meeting_items: BTreeMap<String, Vec<String>>,
}

pub struct LoadedMeeting {
    /// Folder name, e.g. `2012-04-18-improvement-and-efficiency`.
    pub dir_name: String,
    /// `meeting.yaml`, relative to the site.
    pub path: PathBuf,
    pub file: MeetingFile,
    /// Reports beside `meeting.yaml`, sorted by file name.
    pub reports: Vec<ReportSource>,
    /// `minutes.yaml` beside it (relative to the site), once the clerk has written it.
    pub minutes: Option<(PathBuf, crate::model::MinutesFile)>,
}

/// Read a text file: refuses oversized, non-UTF-8 and symlinked files with a clear message.
pub fn read_text(root: &Path, path: &Path) -> Result<String, Diagnostic> {
    let shown = rel(root, path);
    let meta = fs::symlink_metadata(path).map_err(|e| Diagnostic::error(Pos::file(&shown), format!("cannot read file: {e}")))?;
    if meta.file_type().is_symlink() {
        return Err(
            Diagnostic::error(Pos::file(&shown), "symbolic links are not followed in content").hint("copy the file into the site instead of linking to it")
        );
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(Diagnostic::error(Pos::file(&shown), format!("file is too large ({} bytes; the limit is {} bytes)", meta.len(), MAX_FILE_BYTES))
            .hint("split the content, or attach large documents as PDF appendices"));
    }
    let bytes = fs::read(path).map_err(|e| Diagnostic::error(Pos::file(&shown), format!("cannot read file: {e}")))?;
    String::from_utf8(bytes).map_err(|e| {
        let good = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line = good.iter().filter(|&&b| b == b'\n').count() as u32 + 1;
        let column = good.iter().rev().take_while(|&&b| b != b'\n').count() as u32 + 1;
        Diagnostic::error(Pos::new(&shown, line, column), "file is not valid UTF-8 text")
            .hint("save the file as UTF-8 (in Word: Save As > Plain Text > Unicode (UTF-8))")
    })
}

/// Split `---` YAML front matter from a Markdown file. Returns (yaml, body, body_line).
pub fn split_front_matter(text: &str) -> Option<(&str, &str, u32)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let rest = text.strip_prefix("---\n").or_else(|| text.strip_prefix("---\r\n"))?;
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        if line.trim_end() == "---" {
            let yaml = &rest[..offset];
            let body = &rest[offset + line.len()..];
            let body_line = 2 + yaml.lines().count() as u32 + 1;
            return Some((yaml, body, body_line));
        }
        offset += line.len();
    }
    None
}

/// `agendum.yaml`: read once, by `Site::open`.
pub fn read_config(root: &Path) -> Result<SiteConfig, Diagnostics> {
    let config_path = root.join("agendum.yaml");
    if !config_path.is_file() {
        return Err(Diagnostic::error(Pos::file(rel(root, &config_path)), "no agendum.yaml: this folder is not an agendum site")
            .hint("run agendum in the site folder, or pass --site DIR")
            .into());
    }
    read_yaml::<SiteConfig>(root, &config_path).map_err(Into::into)
}

/// Everything under `content/`, for a site whose configuration is already read.
pub fn load_content(root: &Path, config: SiteConfig) -> Result<LoadedSite, Diagnostics> {
    load_content_of(root, config, &meeting_dirs(root))
}

/// The meeting folders under content/meetings, in name order.
pub fn meeting_dirs(root: &Path) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = match fs::read_dir(root.join("content/meetings")) {
        Ok(rd) => rd.filter_map(|e| e.ok()).map(|e| e.path()).filter(|p| p.is_dir()).collect(),
        Err(_) => Vec::new(),
    };
    dirs.sort();
    dirs
}

/// The meeting folders in batches of about `AGENDUM_BATCH_REPORTS` reports (default a
/// thousand; a meeting is never split), in folder order: `build` and `check` take a large
/// archive a batch at a time, so their memory is one batch's. A site without meetings is
/// one empty batch (its committee pages and calendars are still made).
pub fn meeting_batches(root: &Path) -> Vec<Vec<PathBuf>> {
    let limit: usize = std::env::var("AGENDUM_BATCH_REPORTS").ok().and_then(|v| v.parse().ok()).filter(|&n| n > 0).unwrap_or(1000);
    let mut batches = vec![Vec::new()];
    let mut in_batch = 0;
    for dir in meeting_dirs(root) {
        let reports = fs::read_dir(&dir).map(|rd| rd.flatten().filter(|e| e.path().extension().is_some_and(|x| x == "md")).count()).unwrap_or(0);
        if in_batch > 0 && in_batch + reports > limit {
            batches.push(Vec::new());
            in_batch = 0;
        }
        in_batch += reports.max(1);
        if let Some(b) = batches.last_mut() {
            b.push(dir);
        }
    }
    batches
}

/// Two meetings of one committee on one day, found across batches (within one batch
/// `resolve_site` finds them): `seen` maps each meeting's address to its folder.
pub fn repeated_meetings(seen: &mut BTreeMap<String, String>, meetings: &[crate::resolve::ResolvedMeeting]) -> Diagnostics {
    let mut out = Diagnostics::new();
    for m in meetings {
        if let Some(prev) = seen.insert(m.doc.url.clone(), m.dir_name.clone()) {
            out.push(
                Diagnostic::error(
                    Pos::file(Path::new("content/meetings").join(&m.dir_name).join("meeting.yaml")),
                    format!("two meetings of the same committee on {}", m.doc.date),
                )
                .hint(format!("the other is content/meetings/{prev}/meeting.yaml; merge them or correct the date")),
            );
        }
    }
    out
}

/// The site's committees and forward plan, and the meetings in `dirs` only.
pub fn load_content_of(root: &Path, config: SiteConfig, dirs: &[PathBuf]) -> Result<LoadedSite, Diagnostics> {
    let (shared, mut diags) = load_site_wide(root);
    match load_batch(root, config, std::sync::Arc::new(shared), dirs) {
        Ok(site) if !diags.has_errors() => Ok(site),
        Ok(_) => {
            diags.sort();
            Err(diags)
        }
        Err(d) => {
            diags.extend(d);
            diags.sort();
            Err(diags)
        }
    }
}

/// The site-wide content, read once per build: what loaded, and what did not.
pub fn load_site_wide(root: &Path) -> (SiteWide, Diagnostics) {
    let mut diags = Diagnostics::new();
    let content = root.join("content");
    let mut committees = BTreeMap::new();
    let committees_dir = content.join("committees");
    for path in sorted_files(&committees_dir, 1) {
        if !is_yaml(&path) {
            continue;
        }
        let slug = stem(&path);
        if !crate::numbering::is_safe_slug(&slug) {
            diags.push(unsafe_name(root, &path, &slug, "committee"));
            continue;
        }
        match read_yaml::<CommitteeFile>(root, &path) {
            Ok(c) => {
                committees.insert(slug, (rel(root, &path), c));
            }
            Err(d) => diags.push(d),
        }
    }

    let forward_plan = optional_yaml::<ForwardPlanFile>(root, &content.join("forward-plan.yaml"), &mut diags.0);

    let mut decisions = Vec::new();
    for path in sorted_files(&content.join("decisions"), 1) {
        if !is_yaml(&path) {
            continue;
        }
        match read_yaml::<crate::model::DecisionFile>(root, &path) {
            Ok(d) => decisions.push((rel(root, &path), d)),
            Err(d) => diags.push(d),
        }
    }
    // Only a decision names a meeting by its folder: list them only for one.
    let meeting_names: Vec<String> = if decisions.is_empty() {
        Vec::new()
    } else {
        meeting_dirs(root).iter().filter_map(|d| d.file_name().map(|n| n.to_string_lossy().into_owned())).collect()
    };
    // The agendas the decisions name (their own batch reports any fault in them).
    let mut meeting_items = BTreeMap::new();
    for name in decisions.iter().filter_map(|(_, d)| d.meeting.as_ref()).map(|m| m.value.trim()) {
        if meeting_items.contains_key(name) || !meeting_names.iter().any(|n| n == name) {
            continue;
        }
        if let Ok(f) = read_yaml::<MeetingFile>(root, &content.join("meetings").join(name).join("meeting.yaml")) {
            meeting_items.insert(name.to_string(), f.item_numbers());
        }
    }
    (SiteWide { committees, forward_plan, decisions, meeting_names, meeting_items }, diags)
}

/// The meetings in `dirs`, against the site-wide content: a build of a large archive
/// loads its meetings a batch at a time.
pub fn load_batch(root: &Path, config: SiteConfig, shared: std::sync::Arc<SiteWide>, dirs: &[PathBuf]) -> Result<LoadedSite, Diagnostics> {
    let mut diags = Diagnostics::new();
    let mut meetings = Vec::new();
    // Each meeting folder loads on its own: read them in parallel, keep folder order.
    use rayon::prelude::*;
    let loaded: Vec<(Option<LoadedMeeting>, Vec<Diagnostic>)> = dirs.par_iter().map(|dir| load_meeting(root, dir)).collect();
    for (meeting, errors) in loaded {
        meetings.extend(meeting);
        for d in errors {
            diags.push(d);
        }
    }

    // A new site has committees and no meetings yet: it builds (committee pages, an
    // empty calendar), so a web team can publish it before the first agenda.
    if diags.has_errors() {
        diags.sort();
        return Err(diags);
    }
    Ok(LoadedSite { root: root.to_path_buf(), config, shared, meetings })
}

/// One meeting folder: its meeting.yaml and every report in it.
fn load_meeting(root: &Path, dir: &Path) -> (Option<LoadedMeeting>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let meeting_path = dir.join("meeting.yaml");
    if !meeting_path.is_file() {
        diags.push(
            Diagnostic::error(Pos::file(rel(root, dir)), "meeting folder has no meeting.yaml")
                .hint("add meeting.yaml with committee, date, time, venue and items"),
        );
        return (None, diags);
    }
    let file = match read_yaml::<MeetingFile>(root, &meeting_path) {
        Ok(f) => f,
        Err(d) => {
            diags.push(d);
            return (None, diags);
        }
    };
    let mut reports = Vec::new();
    for path in sorted_files(dir, 1) {
        if path.extension().and_then(|e| e.to_str()) != Some("md") {
            continue;
        }
        match load_report(root, &path) {
            Ok(r) => reports.push(r),
            Err(d) => diags.push(d),
        }
    }
    let minutes = optional_yaml::<crate::model::MinutesFile>(root, &dir.join("minutes.yaml"), &mut diags);
    let meeting =
        LoadedMeeting { dir_name: dir.file_name().unwrap_or_default().to_string_lossy().into_owned(), path: rel(root, &meeting_path), file, reports, minutes };
    (Some(meeting), diags)
}

fn load_report(root: &Path, path: &Path) -> Result<ReportSource, Diagnostic> {
    let shown = rel(root, path);
    let text = read_text(root, path)?;
    let Some((yaml_text, body, body_line)) = split_front_matter(&text) else {
        return Err(Diagnostic::error(Pos::new(&shown, 1, 1), "report has no YAML front matter")
            .hint("start the file with a line `---`, the header fields, and another `---`"));
    };
    let front: ReportFront = yaml::parse(&Source { path: &shown, text: yaml_text, line_offset: 1 })?;
    let file_stem = stem(path);
    let slug = strip_number_prefix(&file_stem).to_string();
    if !crate::numbering::is_safe_slug(&slug) {
        return Err(unsafe_name(root, path, &slug, "report"));
    }
    Ok(ReportSource { path: shown, slug, front: Box::new(front), body: body.to_string(), body_line })
}

/// A file whose name would become part of a web address but cannot safely.
fn unsafe_name(root: &Path, path: &Path, slug: &str, what: &str) -> Diagnostic {
    let suggestion = crate::numbering::slugify(slug);
    let ext = path.extension().map(|e| format!(".{}", e.to_string_lossy())).unwrap_or_default();
    Diagnostic::error(Pos::file(rel(root, path)), format!("the {what} file name `{slug}` cannot be used in a web address")).hint(format!(
        "name {what} files with lower-case letters, digits and hyphens only{}",
        if suggestion.is_empty() { String::new() } else { format!(", e.g. {suggestion}{ext}") }
    ))
}

/// `04-shared-services` -> `shared-services`.
pub fn strip_number_prefix(stem: &str) -> &str {
    match stem.split_once('-') {
        Some((n, rest)) if !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()) => rest,
        _ => stem,
    }
}

/// A YAML file a site may have or not (the forward plan, a meeting's minutes): read with
/// its path relative to the site, or `None` when it is absent (or broken: said in `diags`).
fn optional_yaml<T: serde::de::DeserializeOwned>(root: &Path, path: &Path, diags: &mut Vec<Diagnostic>) -> Option<(PathBuf, T)> {
    if !path.is_file() {
        return None;
    }
    match read_yaml::<T>(root, path) {
        Ok(f) => Some((rel(root, path), f)),
        Err(d) => {
            diags.push(d);
            None
        }
    }
}

pub fn read_yaml<T: serde::de::DeserializeOwned>(root: &Path, path: &Path) -> Result<T, Diagnostic> {
    let text = read_text(root, path)?;
    let shown = rel(root, path);
    yaml::parse(&Source { path: &shown, text: &text, line_offset: 0 })
}

fn is_yaml(p: &Path) -> bool {
    matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml"))
}

fn stem(p: &Path) -> String {
    p.file_stem().unwrap_or_default().to_string_lossy().into_owned()
}

/// Regular files under `dir` to `depth`, sorted by name; hidden files are skipped.
pub fn sorted_files(dir: &Path, depth: usize) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = WalkDir::new(dir)
        .max_depth(depth)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() || e.file_type().is_symlink())
        .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
        .map(|e| e.into_path())
        .collect();
    files.sort();
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn front_matter_split_reports_body_line() {
        let text = "---\ntitle: X\nwards: all\n---\n## Summary\n";
        let (yaml, body, line) = split_front_matter(text).unwrap();
        assert_eq!(yaml, "title: X\nwards: all\n");
        assert_eq!(body, "## Summary\n");
        assert_eq!(line, 5);
        assert!(split_front_matter("## no front matter").is_none());
    }

    #[test]
    fn number_prefix_is_stripped() {
        assert_eq!(strip_number_prefix("04-shared-services"), "shared-services");
        assert_eq!(strip_number_prefix("shared-services"), "shared-services");
    }
}
