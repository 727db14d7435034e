//! PDF: the Typst compiler embedded as a library. Templates (`pdf/*.typ`, layered like
//! the HTML ones) receive the document tree as JSON through the `World`'s files, never
//! as generated markup, so no report can run Typst code or break the layout.
//! Output is tagged PDF/UA-1 and PDF/A-2b, with fonts bundled and timestamps fixed.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use serde_json::{json, Value};
use typst::diag::{FileError, FileResult, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Feature, Library, LibraryExt, World, WorldExt};
use typst_kit::fonts::FontStore;
use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, PdfStandard, PdfStandards, Timestamp};

use agendum_core::audience::View;
use agendum_core::diag::{Diagnostic, Pos};
use agendum_core::document::{block_ids, for_each_block, Block, LogoRef, MeetingDoc, ReportDoc};
use agendum_core::theme::Theme;

/// Shared, read-only state for every PDF of a build: the library, fonts and templates.
pub struct PdfRenderer {
    library: LazyHash<Library>,
    fonts: FontStore,
    sources: HashMap<FileId, Source>,
    /// Where each template came from, for messages (`themes/x/pdf/theme.typ`).
    origins: HashMap<FileId, String>,
    /// PDF appendices as SVG pages, converted once per build whatever uses them.
    appendix_pages: Mutex<HashMap<String, Arc<AppendixPages>>>,
    /// Page numbers laid out, by the pack's page count: packs of the same length share
    /// them (only their pages' drawing is used, so nothing else of them differs).
    furniture: Mutex<HashMap<usize, Arc<crate::compose::Furniture>>>,
    /// SHA-256 of everything shared by every PDF of the build: agendum's version, the
    /// templates and the fonts. Part of each PDF's cache key.
    fingerprint: [u8; 32],
}

/// One PDF, ready to compile: the `World`'s files and the options. `key` identifies
/// every input, so a PDF cached under it is exactly what compiling would give.
pub struct PdfJob {
    main: FileId,
    files: HashMap<FileId, Bytes>,
    date: Datetime,
    ident: String,
    pub key: String,
}

/// What a PDF contains: one report, or a meeting's agenda pack (as laid out by Typst:
/// its front sheet; the items' pages are composed after it, see `PackJob`).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum PdfKind {
    Report,
    Pack,
    /// A meeting's minutes (`prepare_minutes`).
    Minutes,
}

/// One part of a pack: its agenda item number, its cache key, and (unless it was made
/// already in this build, and is known by its key) what to compile it from.
pub struct PackPart {
    pub item: String,
    pub key: String,
    pub job: Option<PdfJob>,
}

/// Where a pack's parts come from: a part's PDF by its key (and its job, when it was
/// not made already in this build).
pub type PartSource<'a> = dyn Fn(&str, Option<PdfJob>) -> Result<Vec<u8>, Diagnostic> + 'a;

/// An agenda pack, ready to make: its front sheet and its parts in agenda order (each
/// report's item PDF, each procedural document's PDF). `key` covers the front sheet and
/// every part, so a pack cached under it is exactly what composing would give.
pub struct PackJob {
    pub front: PdfJob,
    pub parts: Vec<PackPart>,
    pub key: String,
}

impl PackJob {
    /// Every input of the pack and of its parts: what a test scans for exempt markers.
    pub fn inputs(&self) -> Vec<(String, &[u8])> {
        let mut v = self.front.inputs();
        for p in self.parts.iter().filter_map(|p| p.job.as_ref()) {
            v.extend(p.inputs());
        }
        v
    }
}

fn file_id(path: &str) -> FileId {
    // Paths are made from slugs and numbers; anything Typst would refuse becomes a name
    // that simply is not found, never a panic.
    let vpath = VirtualPath::new(path).or_else(|_| VirtualPath::new("/invalid-path")).unwrap_or_else(|_| unreachable!("a plain absolute path is valid"));
    RootedPath::new(VirtualRoot::Project, vpath).intern()
}

impl PdfJob {
    /// Add a value to the template data (`data.json`) after preparing: what is known
    /// only later, such as where a pack's parts start.
    pub fn set_data(&mut self, key: &str, value: Value) {
        let id = file_id("/data.json");
        let mut data: Value = self.files.get(&id).and_then(|b| serde_json::from_slice(b.as_slice()).ok()).unwrap_or_else(|| json!({}));
        data[key] = value;
        self.files.insert(id, Bytes::new(serde_json::to_vec(&data).unwrap_or_default()));
    }

    /// Every file the PDF is made from but the templates (its data, images, appendix
    /// pages, logo), by virtual path in path order: what a test scans for exempt markers.
    pub fn inputs(&self) -> Vec<(String, &[u8])> {
        let mut v: Vec<(String, &[u8])> = self.files.iter().map(|(id, b)| (id.vpath().get_with_slash().to_string(), b.as_slice())).collect();
        v.sort_by(|a, b| a.0.cmp(&b.0));
        v
    }
}

impl PdfRenderer {
    pub fn new(theme: &Theme) -> Result<Self, Diagnostic> {
        let mut fonts = FontStore::new();
        // The bundled fonts and the theme's: Typst falls back through all of them.
        for bytes in theme.fonts.values() {
            // Built-in fonts stay where they are in the binary; a theme's own are copied once.
            let bytes = match bytes {
                std::borrow::Cow::Borrowed(b) => Bytes::new(*b),
                std::borrow::Cow::Owned(v) => Bytes::new(v.clone()),
            };
            for font in Font::iter(bytes) {
                let info = font.info().clone();
                fonts.push((font, info));
            }
        }
        let features = [Feature::A11yExtras].into_iter().collect();
        let library = LazyHash::new(Library::builder().with_features(features).build());
        let sources: HashMap<FileId, Source> = theme
            .templates
            .iter()
            .filter(|(name, _)| name.starts_with("pdf/") && name.ends_with(".typ"))
            .map(|(name, text)| {
                let id = file_id(&format!("/{name}"));
                (id, Source::new(id, text.clone()))
            })
            .collect();
        let origins = theme.origins.iter().filter(|(name, _)| name.starts_with("pdf/")).map(|(name, o)| (file_id(&format!("/{name}")), o.clone())).collect();
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        h.update(concat!("agendum ", env!("CARGO_PKG_VERSION"), " typst 0.15.1"));
        let mut names: Vec<(&FileId, &Source)> = sources.iter().collect();
        names.sort_by_key(|(id, _)| id.vpath().get_with_slash().to_string());
        for (id, src) in names {
            h.update(id.vpath().get_with_slash().as_bytes());
            h.update(Sha256::digest(src.text().as_bytes()));
        }
        for (name, bytes) in &theme.fonts {
            h.update(name.as_bytes());
            h.update(Sha256::digest(bytes));
        }
        Ok(PdfRenderer {
            library,
            fonts,
            sources,
            origins,
            appendix_pages: Mutex::new(HashMap::new()),
            furniture: Mutex::new(HashMap::new()),
            fingerprint: h.finalize().into(),
        })
    }

    /// Gather one PDF's inputs and its cache key, without laying anything out.
    /// `reports` are already filtered for the audience.
    pub fn prepare(&self, site: &View, meeting: &MeetingDoc, reports: &[&ReportDoc], kind: PdfKind) -> Result<PdfJob, Diagnostic> {
        match kind {
            PdfKind::Report => {
                let ident = reports.first().map(|r| r.pdf_url.clone()).unwrap_or_default();
                self.prepare_with(site, meeting, reports, "/pdf/report.typ", ident, None)
            }
            // The front sheet needs the agenda, not the reports: their pages are the parts.
            PdfKind::Pack => self.prepare_with(site, meeting, &[], "/pdf/pack.typ", meeting.pack_url.clone(), None),
            PdfKind::Minutes => {
                Err(Diagnostic::error(Pos::default(), "minutes are prepared with their record").hint("this is a bug in agendum; please report it"))
            }
        }
    }

    /// A meeting's minutes as a PDF: `minutes` as the view gives them (exempt minutes
    /// withheld in the public view), each minute's body as the HTML page prints it.
    pub fn prepare_minutes(&self, site: &View, meeting: &MeetingDoc, minutes: &agendum_core::document::MinutesDoc) -> Result<PdfJob, Diagnostic> {
        let mut job = self.prepare_with(site, meeting, &[], "/pdf/minutes.typ", minutes.pdf_url.clone(), None)?;
        let mut v = serde_json::to_value(minutes).unwrap_or(Value::Null);
        if let Some(entries) = v.get_mut("entries").and_then(Value::as_array_mut) {
            for (e, src) in entries.iter_mut().zip(&minutes.entries) {
                e["body"] = serde_json::to_value(src.body()).unwrap_or(Value::Null);
            }
        }
        job.set_data("minutes", v);
        // Keyed, as every job is, on everything it is made from: the minutes included.
        let PdfJob { files, date, ident, .. } = job;
        Ok(self.job("/pdf/minutes.typ", files, date, ident))
    }

    /// A pack's front sheet and parts. `meeting` is the whole meeting (as its item PDFs
    /// are made, so that a part is the published item PDF, byte for byte); `pack` is the
    /// meeting as this pack shows it (a supplementary pack lists only its own items);
    /// `reports` are the view's reports in this pack.
    /// `known` gives the cache key of a report's item PDF already prepared in this build
    /// (so it is not prepared again), or `None`.
    pub fn prepare_pack(
        &self,
        site: &View,
        meeting: &MeetingDoc,
        pack: &MeetingDoc,
        reports: &[&ReportDoc],
        known: &dyn Fn(&ReportDoc) -> Option<String>,
    ) -> Result<PackJob, Diagnostic> {
        let front = self.prepare(site, pack, &[], PdfKind::Pack)?;
        let mut parts = Vec::new();
        let part = |item: &str, job: PdfJob| PackPart { item: item.to_string(), key: job.key.clone(), job: Some(job) };
        for item in &pack.items {
            if let Some(r) = reports.iter().find(|r| r.item_number == item.number) {
                match known(r) {
                    Some(key) => parts.push(PackPart { item: item.number.clone(), key, job: None }),
                    None => parts.push(part(&item.number, self.prepare(site, meeting, &[r], PdfKind::Report)?)),
                }
            } else if item.document.is_some() {
                let ident = format!("{}#item-{}", meeting.pack_url, item.number);
                parts.push(part(&item.number, self.prepare_with(site, meeting, &[], "/pdf/document.typ", ident, Some(&item.number))?));
            }
        }
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        h.update(b"pack");
        h.update(&front.key);
        for p in &parts {
            h.update(p.item.as_bytes());
            h.update(&p.key);
        }
        let key = h.finalize().iter().map(|b| format!("{b:02x}")).collect();
        Ok(PackJob { front, parts, key })
    }

    /// Make a pack: each part through `part` (which may take it from a cache, or compile
    /// it), the front sheet laid out with the page each part starts on, the pack's page
    /// numbers laid out apart, and all of it composed.
    pub fn compose(&self, job: PackJob, part: &PartSource) -> Result<Vec<u8>, Diagnostic> {
        let PackJob { mut front, parts, .. } = job;
        let mut made = Vec::with_capacity(parts.len());
        let mut starts = serde_json::Map::new();
        let mut after = 0usize;
        let unreadable = |e: String| Diagnostic::error(Pos::default(), e).hint("this is a bug in agendum; please report it");
        for PackPart { item, key, job } in parts {
            let read = crate::compose::Part::read(&item, part(&key, job)?).map_err(unreadable)?;
            starts.insert(item, json!(after + 1));
            after += read.pages();
            made.push(read);
        }
        front.set_data("starts", Value::Object(starts));
        let front = crate::objects::Doc::read("the front sheet", self.compile(front)?).map_err(unreadable)?;
        let total = front.pages().len() + after;
        let furniture = self.furniture(total)?;
        crate::compose::compose_pack(front, made, &furniture).map_err(|e| {
            Diagnostic::error(Pos::file("templates/pdf/pack.typ"), format!("composing the agenda pack: {e}")).hint("this is a bug in agendum; please report it")
        })
    }

    /// A pack made start to finish, every part compiled here (`check`, tests).
    pub fn pack(&self, site: &View, meeting: &MeetingDoc, pack: &MeetingDoc, reports: &[&ReportDoc]) -> Result<Vec<u8>, Diagnostic> {
        let job = self.prepare_pack(site, meeting, pack, reports, &|_| None)?;
        self.compose(job, &|_, p| match p {
            Some(p) => self.compile(p),
            None => Err(Diagnostic::error(Pos::default(), "a part of the pack was not prepared").hint("this is a bug in agendum; please report it")),
        })
    }

    /// The pack's page numbers: `total` pages, each carrying only its number. Untagged:
    /// only its pages' drawing is used, marked as an artifact where it is drawn; its
    /// catalog, metadata and date are dropped, so one layout serves every pack of the
    /// same length.
    fn furniture(&self, total: usize) -> Result<Arc<crate::compose::Furniture>, Diagnostic> {
        if let Some(made) = self.furniture.lock().unwrap_or_else(|e| e.into_inner()).get(&total) {
            return Ok(made.clone());
        }
        let laid_out = self.lay_out_furniture(total)?;
        let made = Arc::new(crate::compose::Furniture::new(&laid_out).map_err(|e| {
            Diagnostic::error(Pos::file("templates/pdf/furniture.typ"), format!("reading the page numbers: {e}"))
                .hint("this is a bug in agendum; please report it")
        })?);
        self.furniture.lock().unwrap_or_else(|e| e.into_inner()).insert(total, made.clone());
        Ok(made)
    }

    fn lay_out_furniture(&self, total: usize) -> Result<Vec<u8>, Diagnostic> {
        // A fixed date: whichever pack of this length comes first, the layout is the same.
        let date = date_of("2000-01-01");
        let main = file_id("/pdf/furniture.typ");
        if !self.sources.contains_key(&main) {
            return Err(Diagnostic::error(Pos::file("templates/pdf/furniture.typ"), "the theme has no page-number template"));
        }
        let mut files = HashMap::new();
        files.insert(file_id("/data.json"), Bytes::new(serde_json::to_vec(&json!({ "total": total })).unwrap_or_default()));
        let job = PdfJob { main, files, date, ident: "agendum-pack-page-numbers".into(), key: String::new() };
        self.lay_out(job, &[PdfStandard::A_2b], false)
    }

    fn prepare_with(
        &self,
        site: &View,
        meeting: &MeetingDoc,
        reports: &[&ReportDoc],
        main_name: &str,
        ident: String,
        document_of: Option<&str>,
    ) -> Result<PdfJob, Diagnostic> {
        let restricted = site.audience() == agendum_core::audience::Audience::Members;
        let main = file_id(main_name);
        if !self.sources.contains_key(&main) {
            return Err(Diagnostic::error(Pos::file(format!("templates{main_name}")), "the theme has no PDF template")
                .hint("themes need pdf/report.typ and pdf/pack.typ (the built-in ones are used unless overridden)"));
        }
        let mut files: HashMap<FileId, Bytes> = HashMap::new();
        let mut attachments = serde_json::Map::new();
        let mut report_values = Vec::new();
        // A procedural item's PDF document: its pages as pictures and text.
        if let Some(number) = document_of {
            for item in meeting.items.iter().filter(|i| i.number == number) {
                let Some(pdf) = item.document.as_ref().and_then(|d| d.pdf.as_ref()) else { continue };
                self.attach(site, pdf, &format!("{}:document", item.number), &format!("item-{}-document", item.number), &mut files, &mut attachments)?;
            }
        }
        for r in reports {
            let mut v = report_value(r);
            // Only what this report shows: the view has no asset its content does not use.
            let dir = r.url.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
            for a in r.appendices.iter().filter(|a| !a.withheld) {
                if let Some(pdf) = &a.pdf {
                    self.attach(
                        site,
                        pdf,
                        &format!("{}:{}", r.item_number, a.anchor),
                        &format!("{}-{}", r.item_number, a.anchor),
                        &mut files,
                        &mut attachments,
                    )?;
                }
            }
            for path in agendum_core::audience::report_assets(r) {
                let Some(name) = path.strip_prefix(dir).and_then(|p| p.strip_prefix('/')) else { continue };
                if path.ends_with(".pdf") {
                    continue;
                }
                let asset = site.assets().get(&path).ok_or_else(|| {
                    Diagnostic::error(Pos::file(&path), "image missing from the build's assets").hint("this is a bug in agendum; please report it")
                })?;
                files.insert(file_id(&format!("/images/{name}")), Bytes::new(asset.bytes.as_ref().clone()));
            }
            v["anchors"] = json!(anchors(r));
            report_values.push(v);
        }
        // The site's logo, or a joint committee's councils' logos side by side.
        let joint: Vec<&LogoRef> = meeting.councils.iter().filter_map(|c| c.logo.as_ref()).collect();
        let wanted: Vec<&LogoRef> = if meeting.councils.is_empty() { site.logo.iter().collect() } else { joint };
        let mut logos = Vec::new();
        for l in wanted {
            let asset = site.assets().get(&l.path).ok_or_else(|| Diagnostic::error(Pos::file("agendum.yaml"), "logo missing from the build's assets"))?;
            let path = format!("/{}", l.path);
            files.insert(file_id(&path), Bytes::new(asset.bytes.as_ref().clone()));
            logos.push(json!({ "path": path, "alt": l.alt }));
        }
        let council = if meeting.councils.is_empty() {
            site.council.clone()
        } else {
            let names: Vec<&str> = meeting.councils.iter().map(|c| c.name.as_str()).collect();
            match names.split_last() {
                Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
                _ => names.join(""),
            }
        };
        let data = json!({
            "logo": logos,
            "kind": main_name.trim_start_matches("/pdf/").trim_end_matches(".typ"),
            "item": document_of,
            "restricted": restricted,
            "council": council,
            "language": site.language,
            "meeting": meeting,
            "reports": report_values,
            "attachments": attachments,
            "generator": concat!("agendum ", env!("CARGO_PKG_VERSION")),
        });
        let date = document_date(meeting);
        let mut data = data;
        data["date"] = json!({
            "year": date.year(), "month": date.month(), "day": date.day(),
            "hour": date.hour(), "minute": date.minute(), "second": date.second(),
        });
        files.insert(file_id("/data.json"), Bytes::new(serde_json::to_vec(&data).unwrap_or_default()));
        let ident = format!("{ident}{}", if restricted { "#restricted" } else { "" });
        Ok(self.job(main_name, files, date, ident))
    }

    /// A decision notice as a PDF, from the decision as the view gives it.
    pub fn prepare_decision(&self, site: &View, d: &agendum_core::document::DecisionDoc) -> Result<PdfJob, Diagnostic> {
        let main_name = "/pdf/decision.typ";
        if !self.sources.contains_key(&file_id(main_name)) {
            return Err(Diagnostic::error(Pos::file("templates/pdf/decision.typ"), "the theme has no decision notice template"));
        }
        let mut files: HashMap<FileId, Bytes> = HashMap::new();
        let mut logos = Vec::new();
        if let Some(l) = &site.logo {
            let asset = site.assets().get(&l.path).ok_or_else(|| Diagnostic::error(Pos::file("agendum.yaml"), "logo missing from the build's assets"))?;
            let path = format!("/{}", l.path);
            files.insert(file_id(&path), Bytes::new(asset.bytes.as_ref().clone()));
            logos.push(json!({ "path": path, "alt": l.alt }));
        }
        let restricted = site.audience() == agendum_core::audience::Audience::Members;
        let date = date_of(d.published.as_deref().unwrap_or(&d.date));
        let data = json!({
            "logo": logos,
            "kind": "decision",
            "restricted": restricted,
            "council": site.council,
            "language": site.language,
            // What the page furniture prints: the decision maker and the date.
            "meeting": { "committee": d.decision_maker, "date_display": d.date_display },
            "decision": d,
            "generator": concat!("agendum ", env!("CARGO_PKG_VERSION")),
            "date": {
                "year": date.year(), "month": date.month(), "day": date.day(),
                "hour": date.hour(), "minute": date.minute(), "second": date.second(),
            },
        });
        files.insert(file_id("/data.json"), Bytes::new(serde_json::to_vec(&data).unwrap_or_default()));
        let ident = format!("{}{}", d.pdf_url, if restricted { "#restricted" } else { "" });
        Ok(self.job(main_name, files, date, ident))
    }

    /// A job and its cache key: every input, agendum's version, templates and fonts.
    fn job(&self, main_name: &str, files: HashMap<FileId, Bytes>, date: Datetime, ident: String) -> PdfJob {
        let main = file_id(main_name);
        let key = {
            use sha2::{Digest, Sha256};
            let mut h = Sha256::new();
            h.update(self.fingerprint);
            h.update(main_name);
            h.update(&ident);
            h.update(format!("{date:?}"));
            let mut inputs: Vec<(String, &Bytes)> = files.iter().map(|(id, b)| (id.vpath().get_with_slash().to_string(), b)).collect();
            inputs.sort_by(|a, b| a.0.cmp(&b.0));
            for (path, bytes) in inputs {
                h.update(path.as_bytes());
                h.update((bytes.len() as u64).to_le_bytes());
                h.update(bytes.as_slice());
            }
            h.finalize().iter().map(|b| format!("{b:02x}")).collect()
        };
        PdfJob { main, files, date, ident, key }
    }

    /// Lay out and write one PDF.
    pub fn compile(&self, job: PdfJob) -> Result<Vec<u8>, Diagnostic> {
        self.lay_out(job, &[PdfStandard::A_2b, PdfStandard::Ua_1], true).map(edit_catalog)
    }

    /// Lay out `job` with Typst and write it as PDF to `standards`, tagged or not.
    fn lay_out(&self, job: PdfJob, standards: &[PdfStandard], tagged: bool) -> Result<Vec<u8>, Diagnostic> {
        let PdfJob { main, files, date, ident, .. } = job;
        let world = DocWorld { r: self, main, files, today: date };
        let warned = typst::compile::<PagedDocument>(&world);
        let document = warned.output.map_err(|errors| typst_error(&world, &self.origins, errors.as_slice()))?;
        let options = PdfOptions {
            ident: typst::foundations::Smart::Custom(ident),
            creator: typst::foundations::Smart::Custom(Some(concat!("agendum ", env!("CARGO_PKG_VERSION"), " (Typst)").to_string())),
            timestamp: Some(Timestamp::new_utc(date)),
            page_ranges: None,
            standards: PdfStandards::new(standards).map_err(|e| Diagnostic::error(Pos::default(), format!("PDF standards: {e:?}")))?,
            tagged,
            pretty: false,
        };
        let bytes = typst_pdf::pdf(&document, &options).map_err(|errors| typst_error(&world, &self.origins, errors.as_slice()));
        // Typst memoises across compilations. Entries unused for the last two documents
        // are dropped so that memory stays bounded on archive-sized builds, while what
        // documents share (fonts, shaping, the templates) stays warm. Two is also the
        // fastest: 1,000 reports cold took 15.1-16.5 s keeping two, 16.9-18.4 s keeping
        // eight, 17.3 s keeping none (AGENDUM_EVICT overrides it, for measuring).
        typst::comemo::evict(std::env::var("AGENDUM_EVICT").ok().and_then(|v| v.parse().ok()).unwrap_or(2));
        bytes
    }
}

/// A PDF appendix, converted once per build: its pages as SVG pictures and their text.
struct AppendixPages {
    svgs: Vec<Bytes>,
    text: Vec<String>,
}

impl PdfRenderer {
    /// The pages of a PDF appendix as SVG, and their text, converted on first use.
    /// An author's PDF (an appendix, a procedural item's document) for the templates:
    /// its pages as pictures `/attachments/<name>-<n>.svg` and their words, under `key`.
    fn attach(
        &self,
        site: &View,
        pdf: &str,
        key: &str,
        name: &str,
        files: &mut HashMap<FileId, Bytes>,
        attachments: &mut serde_json::Map<String, Value>,
    ) -> Result<(), Diagnostic> {
        let pages = self.appendix_svgs(site, pdf)?;
        let mut paths = Vec::new();
        for (i, svg) in pages.svgs.iter().enumerate() {
            let path = format!("/attachments/{name}-{}.svg", i + 1);
            files.insert(file_id(&path), svg.clone());
            paths.push(path);
        }
        attachments.insert(key.to_string(), json!({ "pages": paths, "text": pages.text }));
        Ok(())
    }

    fn appendix_svgs(&self, site: &View, path: &str) -> Result<Arc<AppendixPages>, Diagnostic> {
        let asset = site.assets().get(path).ok_or_else(|| {
            Diagnostic::error(Pos::file(path), "PDF appendix missing from the build's assets").hint("this is a bug in agendum; please report it")
        })?;
        if let Some(done) = self.appendix_pages.lock().unwrap_or_else(|e| e.into_inner()).get(&asset.sha256) {
            return Ok(done.clone());
        }
        let (svgs, text) = pdf_to_svgs_and_text(&asset.bytes).map_err(|why| {
            Diagnostic::error(Pos::file(&asset.source), format!("appendix is not a readable PDF: {why}"))
                .hint("re-save it as PDF (or PDF/A) from the program that made it")
        })?;
        let pages = Arc::new(AppendixPages { svgs: svgs.into_iter().map(Bytes::from_string).collect(), text });
        self.appendix_pages.lock().unwrap_or_else(|e| e.into_inner()).insert(asset.sha256.clone(), pages.clone());
        Ok(pages)
    }
}

/// Two changes to the document catalog, which Typst writes as the last object before a
/// classic xref table (so only `startxref` moves; any other shape is left as it is):
/// - ask viewers to open the bookmarks pane (`/PageMode /UseOutlines`): a long pack is
///   navigated by its outline, and Typst has no option for it;
/// - leave out `/Suspects false` from `/MarkInfo`. Absent means false, and poppler up to
///   25.11 reports the key, though valid, as "Syntax Error: Suspects object is wrong
///   type" on every `pdfinfo`, which alarms whoever checks the archive.
pub fn edit_catalog(pdf: Vec<u8>) -> Vec<u8> {
    fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
        hay.windows(needle.len()).rposition(|w| w == needle)
    }
    let Some(cat) = find(&pdf, b"/Type/Catalog") else { return pdf };
    let Some(xref) = find(&pdf, b"\nxref\n").map(|i| i + 1) else { return pdf };
    let Some(sx) = find(&pdf, b"startxref\n") else { return pdf };
    // The catalog must be the last object: nothing but its own dictionary before the xref.
    if cat > xref || find(&pdf[cat..xref], b" 0 obj").is_some() || find(&pdf[cat..xref], b"/PageMode").is_some() {
        return pdf;
    }
    let num_start = sx + b"startxref\n".len();
    let num_end = pdf[num_start..].iter().position(|b| !b.is_ascii_digit()).map(|n| num_start + n).unwrap_or(num_start);
    let Some(offset) = std::str::from_utf8(&pdf[num_start..num_end]).ok().and_then(|s| s.parse::<usize>().ok()) else { return pdf };
    if offset != xref {
        return pdf;
    }
    let at = cat + b"/Type/Catalog".len();
    let mut catalog = b"/PageMode/UseOutlines".to_vec();
    catalog.extend_from_slice(&pdf[at..xref]);
    if let Some(i) = find(&catalog, b"/MarkInfo<</Marked true/Suspects false>>") {
        let key = b"/MarkInfo<</Marked true".len();
        catalog.drain(i + key..i + key + b"/Suspects false".len());
    }
    let mut out = Vec::with_capacity(pdf.len() + 32);
    out.extend_from_slice(&pdf[..at]);
    out.extend_from_slice(&catalog);
    let moved = out.len();
    out.extend_from_slice(&pdf[xref..num_start]);
    out.extend_from_slice(moved.to_string().as_bytes());
    out.extend_from_slice(&pdf[num_end..]);
    out
}

/// Each page of a PDF as a standalone SVG document (vector, white background), and its
/// text (empty for a page without any, such as a scan), from one parse of the file.
pub fn pdf_to_svgs_and_text(bytes: &[u8]) -> Result<(Vec<String>, Vec<String>), String> {
    let pdf = hayro_syntax::Pdf::new(bytes.to_vec()).map_err(|e| format!("{e:?}"))?;
    let pages = pdf.pages();
    if pages.is_empty() {
        return Err("it has no pages".into());
    }
    let cache = hayro_svg::RenderCache::new();
    let settings = hayro_interpret::InterpreterSettings::default();
    let render = hayro_svg::SvgRenderSettings { bg_color: [255, 255, 255, 255] };
    let svgs = pages.iter().map(|page| hayro_svg::convert(page, &cache, &settings, &render)).collect();
    let text_cache = hayro_interpret::InterpreterCache::new();
    let text = pages.iter().map(|page| crate::text::page_text(page, &text_cache)).collect();
    Ok((svgs, text))
}

/// The report as template data. Appendices stay in the report's order; the view has
/// already reduced a withheld one to its label, title and anchor (`withheld: true`).
fn report_value(r: &ReportDoc) -> Value {
    serde_json::to_value(r).unwrap_or(Value::Null)
}

/// Every element id in a report, so templates link only to targets that exist. A
/// withheld appendix keeps its anchor on its "not for publication" notice.
fn anchors(r: &ReportDoc) -> Vec<String> {
    let mut out = Vec::new();
    let ids = |blocks: &[Block], out: &mut Vec<String>| for_each_block(blocks, &mut |b| out.extend(block_ids(b).into_iter().map(str::to_string)));
    for s in &r.sections {
        out.push(s.id.clone());
        ids(&s.blocks, &mut out);
    }
    for a in &r.appendices {
        out.push(a.anchor.clone());
        ids(&a.blocks, &mut out);
    }
    for f in &r.footnotes {
        out.push(format!("fn-{}", f.number));
    }
    out
}

/// The PDF's date: `SOURCE_DATE_EPOCH` when set (reproducible-builds convention), else
/// the agenda's publication date, else the meeting date. Never the clock.
fn document_date(m: &MeetingDoc) -> Datetime {
    date_of(m.published.as_deref().unwrap_or(&m.date))
}

/// A PDF's date: `iso` (YYYY-MM-DD), or SOURCE_DATE_EPOCH where it is set.
fn date_of(iso: &str) -> Datetime {
    if let Some(secs) = std::env::var("SOURCE_DATE_EPOCH").ok().and_then(|s| s.trim().parse::<i64>().ok()) {
        if let Some(dt) = chrono::DateTime::from_timestamp(secs, 0) {
            use chrono::{Datelike, Timelike};
            if let Some(d) = Datetime::from_ymd_hms(dt.year(), dt.month() as u8, dt.day() as u8, dt.hour() as u8, dt.minute() as u8, dt.second() as u8) {
                return d;
            }
        }
    }
    let parts: Vec<i32> = iso.split('-').filter_map(|p| p.parse().ok()).collect();
    let (y, mo, d) = match parts[..] {
        [y, mo, d] => (y, mo as u8, d as u8),
        _ => (1970, 1, 1),
    };
    Datetime::from_ymd_hms(y, mo, d, 0, 0, 0).or_else(|| Datetime::from_ymd_hms(1970, 1, 1, 0, 0, 0)).unwrap_or_else(|| unreachable!("1970-01-01 is a date"))
}

struct DocWorld<'a> {
    r: &'a PdfRenderer,
    main: FileId,
    files: HashMap<FileId, Bytes>,
    today: Datetime,
}

impl World for DocWorld<'_> {
    fn library(&self) -> &LazyHash<Library> {
        &self.r.library
    }
    fn book(&self) -> &LazyHash<FontBook> {
        self.r.fonts.book()
    }
    fn main(&self) -> FileId {
        self.main
    }
    fn source(&self, id: FileId) -> FileResult<Source> {
        self.r.sources.get(&id).cloned().ok_or_else(|| FileError::NotFound(std::path::PathBuf::from(id.vpath().get_with_slash())))
    }
    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if let Some(b) = self.files.get(&id) {
            return Ok(b.clone());
        }
        // Templates may read their own files as bytes too.
        if let Some(s) = self.r.sources.get(&id) {
            return Ok(Bytes::from_string(s.text().to_string()));
        }
        Err(FileError::NotFound(std::path::PathBuf::from(id.vpath().get_with_slash())))
    }
    fn font(&self, index: usize) -> Option<Font> {
        self.r.fonts.font(index)
    }
    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        Some(self.today)
    }
}

/// Typst errors point into templates (content is data and cannot cause them, except
/// through accessibility rules such as a missing alt text): name the template and line.
fn span_file(span: typst::syntax::DiagSpan) -> Option<FileId> {
    match span.get() {
        typst::syntax::DiagSpanKind::Number { id, .. } | typst::syntax::DiagSpanKind::Range { id, .. } => Some(id),
        typst::syntax::DiagSpanKind::Detached => None,
    }
}

fn typst_error(world: &DocWorld<'_>, origins: &HashMap<FileId, String>, errors: &[SourceDiagnostic]) -> Diagnostic {
    let Some(first) = errors.first() else {
        return Diagnostic::error(Pos::file("templates/pdf"), "PDF: Typst failed without saying why").hint("this is a bug in agendum; please report it");
    };
    let mut pos = Pos::file("templates/pdf");
    if let Some(id) = span_file(first.span) {
        let name = id.vpath().get_without_slash().to_string();
        // The theme's own file where the error is in it, not the built-in path.
        pos = Pos::file(origins.get(&id).cloned().unwrap_or_else(|| format!("templates/{}", name.trim_start_matches('/'))));
        if let (Ok(source), Some(range)) = (world.source(id), world.range(first.span)) {
            let line = source.lines().byte_to_line(range.start).map(|l| l + 1).unwrap_or(0);
            pos.line = line as u32;
        }
    }
    let mut d = Diagnostic::error(pos, format!("PDF: {}", first.message));
    let hints: Vec<String> = first.hints.iter().map(|h| h.v.to_string()).collect();
    if !hints.is_empty() {
        d = d.hint(hints.join("; "));
    }
    if errors.len() > 1 {
        d.message.push_str(&format!(" (and {} more)", errors.len() - 1));
    }
    d
}
