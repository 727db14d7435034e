//! `agendum new report`: a new report file with every header field and every section of
//! the theme's scheme, ready for an officer to fill in, and its place on the agenda.

use std::fs;
use std::path::{Path, PathBuf};

use crate::diag::{did_you_mean, Diagnostic, Pos};
use crate::model::MeetingFile;
use crate::numbering::slugify;
use crate::theme::{SectionKind, ThemeScheme};

pub struct Scaffolded {
    pub report: PathBuf,
    pub added_to_agenda: bool,
}

pub fn new_report(site: &Path, meeting: &str, title: &str, scheme: &ThemeScheme) -> Result<Scaffolded, Diagnostic> {
    let meetings = site.join("content/meetings");
    let dir = meetings.join(meeting);
    let meeting_yaml = dir.join("meeting.yaml");
    if meeting.contains(['/', '\\']) || meeting.starts_with('.') || !meeting_yaml.is_file() {
        let mut names: Vec<String> = fs::read_dir(&meetings)
            .map(|rd| {
                rd.filter_map(|e| e.ok()).filter(|e| e.path().join("meeting.yaml").is_file()).map(|e| e.file_name().to_string_lossy().into_owned()).collect()
            })
            .unwrap_or_default();
        names.sort();
        let d = Diagnostic::error(Pos::file(format!("content/meetings/{meeting}")), format!("no meeting `{meeting}`"));
        return Err(match did_you_mean(meeting, names.iter().map(String::as_str)) {
            Some(s) => d.hint(format!("did you mean `{s}`?")),
            None if names.is_empty() => d.hint("create content/meetings/<yyyy-mm-dd>-<committee>/meeting.yaml first"),
            None => d.hint(format!("meetings: {}", names.join(", "))),
        });
    }
    let slug = slugify(title);
    if slug.is_empty() {
        return Err(Diagnostic::error(Pos::default(), "the title has no letters or digits to make a file name from")
            .hint("give the report's title, e.g. \"Shared Services Update\""));
    }
    let meeting_file: MeetingFile = crate::load::read_yaml(site, &meeting_yaml)?;
    let position = meeting_file.items.len() + 1;
    let path = dir.join(format!("{position:02}-{slug}.md"));
    let exists = fs::read_dir(&dir).ok().into_iter().flatten().filter_map(|e| e.ok()).any(|e| {
        let name = e.file_name().to_string_lossy().into_owned();
        name.ends_with(".md") && crate::load::strip_number_prefix(name.trim_end_matches(".md")) == slug
    });
    if exists {
        return Err(Diagnostic::error(Pos::file(crate::diag::rel(site, &path)), format!("a report `{slug}` already exists in this meeting"))
            .hint("choose another title, or edit the existing report"));
    }
    fs::write(&path, report_text(title, scheme)).map_err(|e| Diagnostic::error(Pos::file(&path), format!("cannot write: {e}")))?;
    let added = add_to_agenda(&meeting_yaml, &slug).unwrap_or(false);
    Ok(Scaffolded { report: crate::diag::rel(site, &path), added_to_agenda: added })
}

/// Append `- report: slug` when `items:` is the last key of meeting.yaml (the usual
/// layout); otherwise leave the file alone and let the caller say what to add.
fn add_to_agenda(meeting_yaml: &Path, slug: &str) -> std::io::Result<bool> {
    let text = fs::read_to_string(meeting_yaml)?;
    let last_top_key = text.lines().rfind(|l| !l.starts_with([' ', '-', '#', '\t']) && l.contains(':'));
    if last_top_key.map(|l| l.trim_end()) != Some("items:") {
        return Ok(false);
    }
    let indent = text.lines().rev().find(|l| l.trim_start().starts_with("- ")).map(|l| &l[..l.len() - l.trim_start().len()]).unwrap_or("  ");
    let mut new = text.clone();
    if !new.ends_with('\n') {
        new.push('\n');
    }
    new.push_str(&format!("{indent}- report: {slug}\n"));
    fs::write(meeting_yaml, new)?;
    Ok(true)
}

fn report_text(title: &str, scheme: &ThemeScheme) -> String {
    let quoted = title.replace('"', "\\\"");
    let mut s = format!(
        r#"---
# Report header. Every field is listed; delete the ones your council does not use.
title: "{quoted}"
# decision_maker: defaults to the committee's name
report_of: TODO name and title of the reporting officer
chief_officer: TODO name, title
# head_of_service:
# portfolio_holder:
# author:
contact_officer:
  name: TODO
  role: TODO
  phone: TODO
  email: TODO@example.gov.uk
wards: borough-wide          # or a list: [Ward A, Ward B]
decision:
  key: false                 # a key decision needs a forward plan entry
  urgent: false
  executive: false
  call_in: false
purpose: decision            # decision | information | noting
# exempt:                    # Part 2 only: Schedule 12A paragraphs and the public-interest test
#   paragraphs: [3]
#   public_interest: TODO
"#
    );
    for sec in &scheme.sections {
        match sec.kind {
            SectionKind::Recommendations => {
                s.push_str("recommendations_intro: \"TODO e.g. It is recommended that the Committee:\"\nrecommendations:\n  - TODO\n")
            }
            SectionKind::Fields => {
                s.push_str(&format!("# {}\nfacts:\n", sec.heading));
                break;
            }
            _ => {}
        }
    }
    let fields: Vec<_> = scheme.sections.iter().filter(|s| s.kind == SectionKind::Fields).collect();
    if !fields.is_empty() {
        if !s.contains("facts:\n") {
            s.push_str("facts:\n");
        }
        for sec in fields {
            s.push_str(&format!("  {}:\n", sec.key));
            for f in &sec.fields {
                s.push_str(&format!("    {}: TODO  # {}\n", f.key, f.label));
            }
        }
    }
    if let Some(sec) = scheme.sections.iter().find(|s| s.kind == SectionKind::Consultees) {
        s.push_str("consultees:\n");
        for f in &sec.fields {
            s.push_str(&format!("  {}: false  # {}\n", f.key, f.label));
        }
    }
    s.push_str("background_papers: none\nappendices: []\n#  - id: \"1\"\n#    title: TODO\n#    file: TODO.md\n---\n");
    for sec in scheme.sections.iter().filter(|s| matches!(s.kind, SectionKind::Prose)) {
        s.push_str(&format!("\n## {}\n\n", sec.heading));
        match (&sec.guidance, &sec.default) {
            (Some(g), _) => s.push_str(&format!("TODO {g}\n")),
            (None, Some(d)) => s.push_str(&format!("TODO (if nothing arises, write: {d})\n")),
            (None, None) => s.push_str("TODO\n"),
        }
    }
    s
}
