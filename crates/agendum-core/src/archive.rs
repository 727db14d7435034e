//! Frozen agenda packs. Once an agenda is published (s100B) its pack is the record: a
//! later build must not quietly change it. `agendum build --freeze` records each
//! published meeting's pack in `agendum.lock` (what it was made from, and the PDF's
//! SHA-256) and keeps the PDF itself under `frozen/`; every later build publishes that
//! file as it is. A change to the pack's content fails the build unless it goes out as
//! a supplementary agenda (items with `added:`, which get their own pack) or as a
//! re-issue recorded in the meeting's `reissued:` list with a reason.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::diag::{Diagnostic, Diagnostics, Pos};
use crate::document::sha256_hex;

pub const LOCK_FILE: &str = "agendum.lock";
pub const FROZEN_DIR: &str = "frozen";

#[derive(Debug, Default, Serialize, Deserialize, PartialEq)]
pub struct Lock {
    /// By pack path in the output, e.g. `cabinet/2025-06-17/agenda-pack.pdf`.
    pub packs: BTreeMap<String, FrozenPack>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct FrozenPack {
    /// The publication date the pack went out with.
    pub published: String,
    /// SHA-256 of what the pack was made from (the resolved agenda and reports, and the
    /// bytes of their images and PDF appendices), so template and version upgrades do
    /// not count as changes but content does.
    pub content: String,
    /// SHA-256 of the published PDF.
    pub sha256: String,
    /// How many re-issues the meeting had recorded when this pack was frozen.
    pub reissues: usize,
}

impl Lock {
    pub fn read(site: &Path) -> Result<Lock, Diagnostic> {
        let path = site.join(LOCK_FILE);
        match std::fs::read_to_string(&path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Lock::default()),
            Err(e) => Err(Diagnostic::error(Pos::file(LOCK_FILE), format!("cannot read: {e}"))),
            Ok(text) => serde_json::from_str(&text).map_err(|e| {
                Diagnostic::error(Pos::new(LOCK_FILE, e.line() as u32, e.column() as u32), format!("the lock file is damaged: {e}"))
                    .hint("restore agendum.lock from version control; it records what was published")
            }),
        }
    }

    pub fn write(&self, site: &Path) -> Result<(), Diagnostic> {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        let tmp = site.join(format!(".{LOCK_FILE}.tmp"));
        std::fs::write(&tmp, text)
            .and_then(|_| std::fs::rename(&tmp, site.join(LOCK_FILE)))
            .map_err(|e| Diagnostic::error(Pos::file(LOCK_FILE), format!("cannot write: {e}")))
    }
}

/// What to do with one published meeting's pack.
pub enum Decision {
    /// Not frozen (yet): render it as usual.
    Render,
    /// Frozen and unchanged: publish these bytes, not a new rendering.
    Reuse(Vec<u8>),
    /// Frozen, changed, and a new re-issue explains why: render, and re-freeze on `--freeze`.
    Reissue,
}

/// Decide for a pack, given the hash of what it would be made from now.
pub fn decide(site: &Path, lock: &Lock, pack: &str, content: &[&str], reissues: usize, meeting_file: &Path) -> Result<Decision, Diagnostic> {
    let Some(frozen) = lock.packs.get(pack) else { return Ok(Decision::Render) };
    if content.contains(&frozen.content.as_str()) {
        let path = site.join(FROZEN_DIR).join(pack);
        let bytes = std::fs::read(&path).map_err(|e| {
            Diagnostic::error(Pos::file(format!("{FROZEN_DIR}/{pack}")), format!("the published pack is missing: {e}"))
                .hint("restore frozen/ from version control or the archive; agendum.lock records its SHA-256")
        })?;
        if sha256_hex(&bytes) != frozen.sha256 {
            return Err(Diagnostic::error(
                Pos::file(format!("{FROZEN_DIR}/{pack}")),
                "the published pack has been altered: its SHA-256 is not the one recorded in agendum.lock",
            )
            .hint("restore the file as published from version control or the archive"));
        }
        return Ok(Decision::Reuse(bytes));
    }
    if reissues > frozen.reissues {
        return Ok(Decision::Reissue);
    }
    if pack.ends_with("/minutes.pdf") {
        return Err(Diagnostic::error(
            Pos::file(meeting_file),
            format!("the minutes {pack} were approved as a correct record on {} and are frozen, but this build would change them", frozen.published),
        )
        .hint("approved minutes are the record: correct them by a resolution at a later meeting (minuted there), not by editing minutes.yaml; restore the file from version control"));
    }
    Err(Diagnostic::error(Pos::file(meeting_file), format!("the agenda pack {pack} was published on {} and is frozen, but this build would change it", frozen.published))
        .hint("put late items in a supplementary agenda (give each `added: YYYY-MM-DD`), or re-issue the pack: add `reissued: [{date: YYYY-MM-DD, reason: \"...\"}]` to the meeting, then run `agendum build --freeze`"))
}

/// What approved minutes are made from, as a hash: their file's bytes and the agenda's
/// numbers and titles they take their headings from.
fn minutes_content_hash(site_dir: &Path, doc: &crate::document::MeetingDoc, minutes: &crate::document::MinutesDoc) -> Result<String, Diagnostic> {
    use sha2::{Digest, Sha256};
    let bytes = std::fs::read(site_dir.join(&minutes.source)).map_err(|e| Diagnostic::error(Pos::file(&minutes.source), format!("cannot read: {e}")))?;
    let items: Vec<(&str, &str)> = doc.items.iter().map(|i| (i.number.as_str(), i.title.as_str())).collect();
    let mut h = Sha256::new();
    h.update(b"minutes\0");
    h.update(serde_json::json!([doc.committee, doc.date, items]).to_string());
    h.update(Sha256::digest(&bytes));
    Ok(h.finalize().iter().map(|b| format!("{b:02x}")).collect())
}

/// Record packs of published meetings (new ones, and re-issues) after a successful build.
/// Returns the packs newly frozen.
pub fn freeze(site: &Path, lock: &mut Lock, packs: &[(String, String, String, usize, Vec<u8>)]) -> Result<Vec<String>, Diagnostics> {
    let mut done = Vec::new();
    for (pack, published, content, reissues, bytes) in packs {
        let entry = FrozenPack { published: published.clone(), content: content.clone(), sha256: sha256_hex(bytes), reissues: *reissues };
        if lock.packs.get(pack) == Some(&entry) {
            continue;
        }
        let path = site.join(FROZEN_DIR).join(pack);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| Diagnostic::error(Pos::file(dir), format!("cannot create: {e}")))?;
        }
        std::fs::write(&path, bytes).map_err(|e| Diagnostic::error(Pos::file(&path), format!("cannot write: {e}")))?;
        lock.packs.insert(pack.clone(), entry);
        done.push(pack.clone());
    }
    if !done.is_empty() {
        lock.write(site)?;
    }
    Ok(done)
}

/// A pack of a published meeting that this build renders: (output path, publication
/// date, content hash, re-issues), recorded by `--freeze`.
pub type PublishedPack = (String, String, String, usize);

/// Published packs: those frozen and unchanged are reused as they were published; a
/// changed one without a new re-issue fails the build. Returns the reused files and the
/// packs to render. `public` is the public view of `site`, meeting for meeting.
pub fn frozen_packs(
    site_dir: &Path,
    site: &crate::resolve::ResolvedSite,
    public: &crate::audience::View,
) -> Result<(crate::render::Files, Vec<PublishedPack>), Diagnostics> {
    let lock = Lock::read(site_dir)?;
    let mut reused = crate::render::Files::new();
    let mut published_packs = Vec::new();
    let mut diags = Diagnostics::new();
    for (m, view) in site.meetings.iter().zip(public.meetings()) {
        let Some(published) = &m.doc.published else { continue };
        let meeting_file = Path::new("content/meetings").join(&m.dir_name).join("meeting.yaml");
        for (doc, numbers) in crate::document::packs(&m.doc) {
            let in_pack: Vec<&crate::document::ReportDoc> = view.reports.iter().filter(|r| numbers.contains(&r.item_number)).collect();
            let (content, legacy) = match pack_content_hashes(site_dir, site, &doc, &in_pack) {
                Ok(both) => both,
                Err(d) => {
                    diags.push(d);
                    continue;
                }
            };
            match decide(site_dir, &lock, &doc.pack_url, &[&content, &legacy], doc.reissues.len(), &meeting_file) {
                Ok(Decision::Reuse(bytes)) => {
                    // Recorded in the older form: `--freeze` rewrites the record (not the file).
                    if lock.packs.get(&doc.pack_url).is_some_and(|f| f.content != content) {
                        published_packs.push((doc.pack_url.clone(), lock.packs[&doc.pack_url].published.clone(), content.clone(), doc.reissues.len()));
                    }
                    reused.insert(doc.pack_url.clone(), bytes);
                }
                Ok(_) => published_packs.push((doc.pack_url.clone(), doc.published.clone().unwrap_or_else(|| published.clone()), content, doc.reissues.len())),
                Err(d) => diags.push(d),
            }
        }
    }
    // Approved minutes are frozen like a published pack: the record as approved.
    for m in &site.meetings {
        let Some(minutes) = &m.minutes else { continue };
        let Some(approved) = &minutes.approved else { continue };
        let minutes_file = Path::new("content/meetings").join(&m.dir_name).join("minutes.yaml");
        let content = match minutes_content_hash(site_dir, &m.doc, minutes) {
            Ok(c) => c,
            Err(d) => {
                diags.push(d);
                continue;
            }
        };
        match decide(site_dir, &lock, &minutes.pdf_url, &[&content], 0, &minutes_file) {
            Ok(Decision::Reuse(bytes)) => {
                reused.insert(minutes.pdf_url.clone(), bytes);
            }
            Ok(_) => published_packs.push((minutes.pdf_url.clone(), approved.clone(), content, 0)),
            Err(d) => diags.push(d),
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
/// structures or output, so that upgrading agendum or its templates does not count as a
/// change. Returns (the current form, the legacy form): locks written before agendum
/// 0.1.1 took procedural text as rendered HTML, and stay valid. The two differ only in
/// the agenda's text, so the source files are read and hashed once for both.
fn pack_content_hashes(
    site_dir: &Path,
    site: &crate::resolve::ResolvedSite,
    doc: &crate::document::MeetingDoc,
    reports: &[&crate::document::ReportDoc],
) -> Result<(String, String), Diagnostic> {
    use sha2::{Digest, Sha256};
    let head = |legacy: bool| {
        let items: Vec<serde_json::Value> = doc
            .items
            .iter()
            .map(|i| {
                let text = if legacy { serde_json::json!(crate::render::html::blocks_html(&i.blocks)) } else { serde_json::json!(i.source_text) };
                serde_json::json!([i.number, i.title, i.kind, i.report_of, i.wards, i.key_decision, i.exempt.as_ref().map(|e| &e.statement), text])
            })
            .collect();
        let members: Vec<serde_json::Value> = doc.members.iter().map(|m| serde_json::json!([m.name, m.role, m.party])).collect();
        let contact = doc.contact.as_ref().map(|c| serde_json::json!([c.name, c.role, c.phone, c.email]));
        serde_json::json!([site.council, doc.committee, doc.date, doc.time, doc.venue, doc.published, doc.pack_title, members, contact, items]).to_string()
    };
    // Everything after the head, fed to both hashers alike.
    let mut tail: Vec<Vec<u8>> = Vec::new();
    if let Some(logo) = &site.logo {
        if let Some(a) = site.assets.get(&logo.path) {
            tail.push(Sha256::digest(a.bytes.as_slice()).to_vec());
        }
        tail.push(logo.alt.as_bytes().to_vec());
    }
    // Procedural documents (the draft minutes) are part of the pack as published.
    // (Minutes carried from the last meeting have no source here: they are approved,
    // and their file changed, at this meeting.)
    for d in doc.items.iter().filter_map(|i| i.document.as_ref()).filter(|d| !d.source.is_empty()) {
        let bytes = std::fs::read(site_dir.join(&d.source)).map_err(|e| Diagnostic::error(Pos::file(&d.source), format!("cannot read: {e}")))?;
        tail.push(d.source.as_bytes().to_vec());
        tail.push(Sha256::digest(&bytes).to_vec());
    }
    for r in reports {
        tail.push(r.item_number.as_bytes().to_vec());
        for rel in &r.public_sources {
            let bytes = std::fs::read(site_dir.join(rel)).map_err(|e| Diagnostic::error(Pos::file(rel), format!("cannot read: {e}")))?;
            tail.push(rel.as_bytes().to_vec());
            tail.push(Sha256::digest(&bytes).to_vec());
        }
    }
    let hash = |legacy: bool| {
        let mut h = Sha256::new();
        h.update(head(legacy));
        for part in &tail {
            h.update(part);
        }
        h.finalize().iter().map(|b| format!("{b:02x}")).collect::<String>()
    };
    Ok((hash(false), hash(true)))
}
