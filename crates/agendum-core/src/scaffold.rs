//! A way in: `agendum init` (a new council site), `agendum new committee`, `agendum new
//! meeting` (dates from the statutory deadlines), `agendum new report` (every header
//! field and section of the theme's scheme, and its place on the agenda) and `agendum new
//! minutes` (the record's skeleton from the agenda). Nothing here overwrites a file that
//! exists.

use std::fs;
use std::path::{Path, PathBuf};

use crate::diag::{did_you_mean, Diagnostic, Pos};
use crate::model::MeetingFile;
use crate::numbering::slugify;
use crate::theme::{SectionKind, ThemeScheme};

pub struct Scaffolded {
    pub report: PathBuf,
    pub added_to_agenda: bool,
    /// The meeting's date, as its meeting.yaml gives it.
    pub meeting_date: Option<chrono::NaiveDate>,
}

/// Where a YAML-aware editor finds the JSON Schema of a file: its first line, relative
/// to the file, into the site's `.agendum/schemas/` (written by `init` and `agendum
/// schemas`).
fn schema_line(kind: &str) -> String {
    let up = match kind {
        "agendum" => "",
        "committee" => "../../",
        _ => "../../../",
    };
    format!("# yaml-language-server: $schema={up}.agendum/schemas/{kind}.schema.json\n")
}

fn write_new(site: &Path, path: &Path, text: &str) -> Result<(), Diagnostic> {
    if path.exists() {
        return Err(Diagnostic::error(Pos::file(crate::diag::rel(site, path)), "this file exists already")
            .hint("agendum never overwrites a file: edit it, or remove it first"));
    }
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(|e| Diagnostic::error(Pos::file(parent), format!("cannot create the folder: {e}")))?;
    }
    fs::write(path, text).map_err(|e| Diagnostic::error(Pos::file(path), format!("cannot write: {e}")))
}

/// `agendum init`: a new site for `council` on a built-in theme, optionally with a copy of
/// the theme in `themes/<theme>/` for the council to make its own. Returns what it wrote.
pub fn init(site: &Path, council: &str, theme: &str, copy_theme: bool) -> Result<Vec<PathBuf>, Diagnostic> {
    let names = crate::builtin::theme_names();
    if !names.contains(&theme) {
        return Err(Diagnostic::error(Pos::default(), format!("no built-in theme `{theme}`")).suggest(
            theme,
            names.iter().copied(),
            format!("built-in themes: {}", names.join(", ")),
        ));
    }
    if council.trim().is_empty() {
        return Err(Diagnostic::error(Pos::default(), "the council's name is empty").hint("e.g. agendum init --council \"London Borough of Bromley\""));
    }
    let config = site.join("agendum.yaml");
    if config.exists() {
        return Err(Diagnostic::error(Pos::file("agendum.yaml"), "this folder is an agendum site already")
            .hint("agendum never overwrites a site; start in an empty folder"));
    }
    let quoted = council.replace('"', "\\\"");
    let mut written = Vec::new();
    let mut put = |rel: &str, text: String| -> Result<(), Diagnostic> {
        let path = site.join(rel);
        write_new(site, &path, &text)?;
        written.push(PathBuf::from(rel));
        Ok(())
    };
    put(
        "agendum.yaml",
        format!(
            "{}# The council's site: see the README's \"From nothing to a published agenda\".\ncouncil: \"{quoted}\"\ntheme: {theme}\n# base_url: https://democracy.example.gov.uk/\n# logo: {{ file: static/logo.svg, alt: \"{quoted} logo\" }}\npublication:\n  clear_working_days: 5\n  closure_days: []   # extra days the offices are closed, YYYY-MM-DD\n# democratic_services: {{ name: ..., phone: ..., email: ... }}\n",
            schema_line("agendum")
        ),
    )?;
    put(".gitignore", "/output/\n/restricted/\n/.output.*\n".into())?;
    put("content/committees/.keep", String::new())?;
    put("content/meetings/.keep", String::new())?;
    if copy_theme {
        for (rel, bytes) in crate::builtin::files_under(&format!("themes/{theme}")) {
            let path = site.join("themes").join(theme).join(rel);
            write_new(site, &path, &String::from_utf8_lossy(bytes))?;
            written.push(PathBuf::from(format!("themes/{theme}/{rel}")));
        }
    }
    Ok(written)
}

/// `agendum new committee`: `content/committees/<slug>.yaml`.
pub fn new_committee(site: &Path, name: &str, kind: crate::model::CommitteeKind) -> Result<PathBuf, Diagnostic> {
    let slug = slugify(name);
    if slug.is_empty() {
        return Err(
            Diagnostic::error(Pos::default(), "the committee's name has no letters or digits").hint("e.g. agendum new committee \"Planning Committee\"")
        );
    }
    let rel = PathBuf::from(format!("content/committees/{slug}.yaml"));
    let kind = serde_json::to_value(kind).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
    let text = format!(
        "{}name: \"{}\"\nkind: {kind}              # executive | non-executive | scrutiny | regulatory\n# description: what the committee does, in a sentence\nmembers: []\n#  - {{ name: Councillor A Name, role: Chair, party: ... }}\n",
        schema_line("committee"),
        name.replace('"', "\\\"")
    );
    write_new(site, &site.join(&rel), &text)?;
    Ok(rel)
}

/// `agendum new meeting`: the meeting's folder and `meeting.yaml`, its publication date set
/// to the last day the agenda may be published (LGA 1972 s100B, the council's closures
/// counted), with the usual procedural items.
pub fn new_meeting(
    site: &Path,
    committee: &str,
    date: chrono::NaiveDate,
    time: Option<&str>,
    venue: Option<&str>,
    published: chrono::NaiveDate,
) -> Result<PathBuf, Diagnostic> {
    let file = site.join("content/committees").join(format!("{committee}.yaml"));
    if committee.contains(['/', '\\']) || !file.is_file() {
        let names: Vec<String> = crate::load::sorted_files(&site.join("content/committees"), 1)
            .into_iter()
            .filter_map(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
            .collect();
        let d = Diagnostic::error(Pos::file(format!("content/committees/{committee}.yaml")), format!("no committee `{committee}`"));
        return Err(d.suggest(committee, names.iter().map(String::as_str), "create it first: agendum new committee \"Name\""));
    }
    if let Some(t) = time {
        if chrono::NaiveTime::parse_from_str(t, "%H:%M").is_err() {
            return Err(Diagnostic::error(Pos::default(), format!("`{t}` is not a time")).hint("the 24-hour clock, e.g. 19:00"));
        }
    }
    let dir = format!("content/meetings/{}-{committee}", date.format("%Y-%m-%d"));
    let rel = PathBuf::from(format!("{dir}/meeting.yaml"));
    let mut text = schema_line("meeting");
    text.push_str(&format!("committee: {committee}\ndate: \"{}\"\n", date.format("%Y-%m-%d")));
    match time {
        Some(t) => text.push_str(&format!("time: \"{t}\"\n")),
        None => text.push_str("# time: \"19:00\"\n"),
    }
    match venue {
        Some(v) => text.push_str(&format!("venue: \"{}\"\n", v.replace('"', "\\\""))),
        None => text.push_str("# venue: Council Chamber, Town Hall\n"),
    }
    text.push_str(&format!(
        "# The last day the agenda may be published ({}); set the day it actually goes out.\npublished: \"{}\"\nitems:\n  - procedural: apologies\n  - procedural: declarations\n  - procedural: minutes\n",
        published.format("%A %-d %B %Y"),
        published.format("%Y-%m-%d")
    ));
    write_new(site, &site.join(&rel), &text)?;
    Ok(rel)
}

/// `new report`: `supplementary` is the clerk saying that the agenda is out and the item
/// goes in a supplementary agenda, dated `today`.
pub fn new_report(site: &Path, meeting: &str, title: &str, scheme: &ThemeScheme) -> Result<Scaffolded, Diagnostic> {
    new_report_as(site, meeting, title, scheme, None)
}

pub fn new_report_as(
    site: &Path,
    meeting: &str,
    title: &str,
    scheme: &ThemeScheme,
    supplementary: Option<chrono::NaiveDate>,
) -> Result<Scaffolded, Diagnostic> {
    let slug = slugify(title);
    if slug.is_empty() {
        return Err(Diagnostic::error(Pos::default(), "the title has no letters or digits to make a file name from")
            .hint("give the report's title, e.g. \"Shared Services Update\""));
    }
    add_report(site, meeting, &slug, &report_text(title, scheme), &[], supplementary, None)
}

/// Put a new report (and the files it refers to) into a meeting's folder and on its
/// agenda: at the end, or as item `item` (the items from it on move down). Refuses a
/// published agenda unless `supplementary`, a slug the meeting has, and any file that
/// exists: nothing is overwritten, and nothing is written if anything is refused.
pub fn add_report(
    site: &Path,
    meeting: &str,
    slug: &str,
    text: &str,
    files: &[(String, Vec<u8>)],
    supplementary: Option<chrono::NaiveDate>,
    item: Option<u32>,
) -> Result<Scaffolded, Diagnostic> {
    let dir = meeting_folder(site, meeting)?;
    let meeting_yaml = dir.join("meeting.yaml");
    let meeting_file: MeetingFile = crate::load::read_yaml(site, &meeting_yaml)?;
    // A published agenda changes only by a supplementary agenda: say so, never add
    // an item to it in silence.
    let published = meeting_file.published.as_ref().and_then(|p| crate::model::parse_date(&p.value).ok());
    let today = crate::build_date();
    if let Some(p) = published.filter(|p| *p <= today) {
        if supplementary.is_none() {
            return Err(Diagnostic::error(
                Pos::file(crate::diag::rel(site, &meeting_yaml)),
                format!("the agenda of this meeting was published on {}", p.format("%-d %B %Y")),
            )
            .field("published")
            .hint("a new item now goes out as a supplementary agenda: run again with --supplementary, and give the reason it cannot wait (`urgency:`)"));
        }
    }
    if item == Some(0) {
        return Err(Diagnostic::error(Pos::default(), "there is no item 0").hint("agenda items count from 1: give --item 1 or more"));
    }
    // Where it goes: before the entry that now has number `item`.
    let numbers = entry_numbers(&meeting_file);
    let before = item.and_then(|n| numbers.iter().position(|&m| m >= n));
    let position = item.unwrap_or(numbers.last().map_or(1, |n| n + 1));
    let path = dir.join(format!("{position:02}-{slug}.md"));
    let exists = fs::read_dir(&dir).ok().into_iter().flatten().filter_map(|e| e.ok()).any(|e| {
        let name = e.file_name().to_string_lossy().into_owned();
        name.ends_with(".md") && crate::load::strip_number_prefix(name.trim_end_matches(".md")) == slug
    });
    if exists {
        return Err(Diagnostic::error(Pos::file(crate::diag::rel(site, &path)), format!("a report `{slug}` already exists in this meeting"))
            .hint("choose another title, or edit the existing report"));
    }
    for (name, _) in files {
        let p = dir.join(name);
        let inside = std::path::Path::new(name).components().all(|c| matches!(c, std::path::Component::Normal(_)));
        if p.exists() || !inside {
            return Err(Diagnostic::error(Pos::file(crate::diag::rel(site, &p)), "this file exists already")
                .hint("agendum never overwrites a file: move it away, or rename the report"));
        }
    }
    fs::write(&path, text).map_err(|e| Diagnostic::error(Pos::file(&path), format!("cannot write: {e}")))?;
    for (name, bytes) in files {
        let p = dir.join(name);
        if let Some(parent) = p.parent() {
            fs::create_dir_all(parent).map_err(|e| Diagnostic::error(Pos::file(parent), format!("cannot create the folder: {e}")))?;
        }
        fs::write(&p, bytes).map_err(|e| Diagnostic::error(Pos::file(&p), format!("cannot write: {e}")))?;
    }
    let entry = match supplementary.filter(|_| published.is_some_and(|p| p <= today)) {
        Some(d) => format!("- report: {slug}\n    added: \"{}\"\n    urgency: TODO why the item cannot wait for the next meeting", d.format("%Y-%m-%d")),
        None => format!("- report: {slug}"),
    };
    let added = add_to_agenda(&meeting_yaml, &entry, before).unwrap_or(false);
    let meeting_date = crate::model::parse_date(&meeting_file.date.value).ok();
    Ok(Scaffolded { report: crate::diag::rel(site, &path), added_to_agenda: added, meeting_date })
}

/// The folder of the meeting a command names (`2025-06-17-cabinet`), or why there is none,
/// with the nearest name or the meetings there are.
fn meeting_folder(site: &Path, meeting: &str) -> Result<PathBuf, Diagnostic> {
    let dir = site.join("content/meetings").join(meeting);
    if !meeting.contains(['/', '\\']) && !meeting.starts_with('.') && dir.join("meeting.yaml").is_file() {
        return Ok(dir);
    }
    let names: Vec<String> = crate::load::meeting_dirs(site).iter().filter_map(|d| d.file_name().map(|n| n.to_string_lossy().into_owned())).collect();
    let d = Diagnostic::error(Pos::file(format!("content/meetings/{meeting}")), format!("no meeting `{meeting}`"));
    Err(match did_you_mean(meeting, names.iter().map(String::as_str)) {
        Some(s) => d.hint(format!("did you mean `{s}`?")),
        None if names.is_empty() => d.hint("create content/meetings/<yyyy-mm-dd>-<committee>/meeting.yaml first"),
        None => d.hint(format!("meetings: {}", names.join(", "))),
    })
}

/// Each agenda entry's number as the agenda prints it (a given number, or one more than
/// the entry before).
fn entry_numbers(meeting: &MeetingFile) -> Vec<u32> {
    let mut next = 1;
    meeting
        .items
        .iter()
        .map(|i| {
            let n = crate::model::agenda_number(i.value.number.as_deref(), &mut next).unwrap_or_default();
            n.chars().take_while(char::is_ascii_digit).collect::<String>().parse().unwrap_or(next.saturating_sub(1))
        })
        .collect()
}

/// Add the entry (`- report: slug`) to `items:`, before entry `before` (0-based) or at
/// the end, keeping the file's comments and layout; `false` (the file untouched) when the
/// layout is not one this can edit safely, and the caller says what to add.
fn add_to_agenda(meeting_yaml: &Path, entry: &str, before: Option<usize>) -> std::io::Result<bool> {
    let text = fs::read_to_string(meeting_yaml)?;
    let lines: Vec<&str> = text.lines().collect();
    let top_level = |l: &str| !l.starts_with([' ', '-', '#', '\t']) && l.contains(':');
    let Some(start) = lines.iter().position(|l| l.trim_end() == "items:" || l.trim_end() == "items: []") else { return Ok(false) };
    let end = lines.iter().skip(start + 1).position(|l| top_level(l)).map_or(lines.len(), |i| start + 1 + i);
    // The entries: lines starting `- ` at the list's indent.
    let indent = lines[start + 1..end].iter().find(|l| l.trim_start().starts_with("- ")).map(|l| l[..l.len() - l.trim_start().len()].to_string());
    let indent_str = indent.clone().unwrap_or_else(|| "  ".into());
    let entries: Vec<usize> = (start + 1..end).filter(|&i| indent.as_deref().is_some_and(|ind| lines[i].starts_with(&format!("{ind}- ")))).collect();
    let at = match before.and_then(|b| entries.get(b)) {
        Some(&i) => i,
        // After the last non-blank line of the list.
        None => (start + 1..end).rev().find(|&i| !lines[i].trim().is_empty() && !lines[i].trim_start().starts_with('#')).map_or(start + 1, |i| i + 1),
    };
    let entry_text = entry.replace("\n    ", &format!("\n{indent_str}  "));
    let mut out: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    if out[start].trim_end() == "items: []" {
        out[start] = "items:".into();
    }
    out.insert(at, format!("{indent_str}{entry_text}"));
    let mut new = out.join("\n");
    new.push('\n');
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

/// `agendum new minutes`: `minutes.yaml` for a meeting, from its agenda and committee: the
/// members as present (the clerk moves the absent to `apologies`), a minute per item with
/// its title in a comment, and, where the theme numbers minutes on from meeting to
/// meeting, the first number after the committee's last minutes.
pub fn new_minutes(site: &crate::Site, meeting: &str) -> Result<PathBuf, crate::diag::Diagnostics> {
    meeting_folder(&site.root, meeting)?;
    let rel = PathBuf::from(format!("content/meetings/{meeting}/minutes.yaml"));
    if site.root.join(&rel).exists() {
        return Err(Diagnostic::error(Pos::file(&rel), "this file exists already").hint("agendum never overwrites a file: edit it, or remove it first").into());
    }
    let resolved = site.resolve()?;
    let Some(m) = resolved.meetings.iter().find(|m| m.dir_name == meeting) else {
        return Err(Diagnostic::error(Pos::file(&rel), "the meeting did not resolve").hint("run agendum check").into());
    };
    let q = |t: &str| format!("\"{}\"", t.replace('\\', "\\\\").replace('"', "\\\""));
    let mut text = format!("# The record of the meeting of the {} on {}. Draft until `approved:` is added.\n", m.doc.committee, m.doc.date_display);
    if site.theme.scheme.minutes.numbering == crate::theme::MinuteNumbering::Continuous {
        // On from the committee's last minutes before this meeting.
        let next = resolved
            .meetings
            .iter()
            .filter(|o| o.doc.committee_slug == m.doc.committee_slug && o.doc.date < m.doc.date)
            .filter_map(|o| o.minutes.as_ref().and_then(|x| x.first_number.map(|f| f + x.entries.len() as u32)))
            .next_back();
        match next {
            Some(n) => text.push_str(&format!("first_number: {n}\n")),
            None => text.push_str("first_number: 1            # one more than the last minute of the previous meeting\n"),
        }
    }
    text.push_str("# webcast: https://...\nattendance:\n  present:\n");
    for p in &m.doc.members {
        match &p.role {
            Some(r) => text.push_str(&format!("    - {{ name: {}, role: {} }}\n", q(&p.name), q(r))),
            None => text.push_str(&format!("    - {}\n", q(&p.name))),
        }
    }
    text.push_str("  apologies: []\n  substitutes: []   # - { name: ..., for: ... }\n  officers: []\ndeclarations: []   # - { member: ..., item: \"4\", kind: disclosable-pecuniary, nature: ..., left_room: true }\nminutes:\n");
    for item in &m.doc.items {
        text.push_str(&format!(
            "  - item: {}   # {}\n    # text: what was considered\n    # resolved: That ...\n",
            q(&item.number),
            item.title.replace('\n', " ")
        ));
    }
    write_new(&site.root, &site.root.join(&rel), &text)?;
    Ok(rel)
}
