//! The document tree: one per report and per meeting, fully resolved (numbers, defaults,
//! cross-references, money). Both renderers read only this, so HTML and PDF agree.
//! It is plain data (serialisable) and carries no markup: author text stays text.

use schemars::JsonSchema;
use serde::Serialize;

#[derive(Debug, Clone, Serialize, PartialEq, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Inline {
    Text {
        text: String,
    },
    Strong {
        content: Vec<Inline>,
    },
    Emph {
        content: Vec<Inline>,
    },
    Strike {
        content: Vec<Inline>,
    },
    Code {
        text: String,
    },
    /// `href` is either `#id` within the report or an absolute URL.
    Link {
        href: String,
        content: Vec<Inline>,
    },
    /// A reference to a numbered paragraph, printed as its number.
    Ref {
        target: String,
        number: String,
    },
    FootnoteRef {
        number: usize,
    },
    /// Raised text: an ordinal's suffix ("24<sup>th</sup>") where the theme asks.
    Sup {
        content: Vec<Inline>,
    },
    Break,
    /// An image from the report's folder, published beside the report as `file`.
    Image {
        src: String,
        alt: String,
        file: String,
    },
}

impl Inline {
    pub fn text(s: impl Into<String>) -> Self {
        Inline::Text { text: s.into() }
    }
}

/// Plain text of inline content, for titles, search and metadata.
pub fn plain(content: &[Inline]) -> String {
    let mut s = String::new();
    for i in content {
        match i {
            Inline::Text { text } | Inline::Code { text } => s.push_str(text),
            Inline::Strong { content } | Inline::Emph { content } | Inline::Strike { content } | Inline::Sup { content } | Inline::Link { content, .. } => {
                s.push_str(&plain(content))
            }
            Inline::Ref { number, .. } => s.push_str(number),
            Inline::FootnoteRef { number } => s.push_str(&format!("[{number}]")),
            Inline::Image { alt, .. } => s.push_str(alt),
            Inline::Break => s.push(' '),
        }
    }
    s
}

#[derive(Debug, Clone, Serialize, PartialEq, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Block {
    /// A paragraph; `number` is set in numbered sections ("3.1").
    Para {
        number: Option<String>,
        id: Option<String>,
        content: Vec<Inline>,
    },
    /// A sub-heading inside a section ("Background", or numbered "7.1 Background").
    Heading {
        level: u8,
        number: Option<String>,
        id: Option<String>,
        content: Vec<Inline>,
    },
    List {
        ordered: bool,
        items: Vec<ListItem>,
    },
    Table(Table),
    Quote {
        blocks: Vec<Block>,
    },
    Code {
        text: String,
    },
    Rule,
    /// Labelled short answers (Bromley's "1. Policy Status: Existing policy.").
    Fields {
        layout: String,
        rows: Vec<FieldRow>,
    },
}

#[derive(Debug, Clone, Serialize, PartialEq, JsonSchema)]
pub struct ListItem {
    /// The printed marker: "3.16.1", "a.", "iv."; `None` for bullets.
    pub marker: Option<String>,
    pub id: Option<String>,
    pub blocks: Vec<Block>,
}

#[derive(Debug, Clone, Serialize, PartialEq, JsonSchema)]
pub struct FieldRow {
    pub number: Option<String>,
    pub label: String,
    pub value: Vec<Inline>,
}

#[derive(Debug, Clone, Serialize, PartialEq, JsonSchema)]
pub struct Table {
    pub caption: Option<String>,
    pub columns: Vec<TableColumn>,
    pub rows: Vec<Vec<Vec<Block>>>,
    /// Totals row, if any: one cell per column.
    pub footer: Option<Vec<Vec<Inline>>>,
    /// A note under the table (what the totals leave out).
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq, JsonSchema)]
pub struct TableColumn {
    pub heading: Vec<Inline>,
    /// "left", "right" or "center".
    pub align: &'static str,
    /// The column's longest unbreakable run of text (a word, or a slice of a token too
    /// long for any line): paged output makes the column at least this wide, as a
    /// browser's automatic table layout does.
    pub min_text: String,
}

/// A label-value row of the header block. Values are parts printed in separate cells
/// or lines ("Non-Urgent", "Non-Executive", "Non-Key").
#[derive(Debug, Clone, Serialize, PartialEq, JsonSchema)]
pub struct HeaderRow {
    pub key: String,
    /// The label as printed, punctuation included; empty for a row without a label.
    pub label: String,
    pub parts: Vec<Vec<Inline>>,
    /// The parts are lines (two people, an address), not cells side by side.
    pub stacked: bool,
}

#[derive(Debug, Clone, Serialize, PartialEq, JsonSchema)]
pub struct Section {
    pub key: String,
    pub heading: String,
    /// "3." or "4": the printed section number with its suffix; `None` if unnumbered.
    pub number: Option<String>,
    /// The theme prints no heading here (pages keep it for screen readers).
    pub heading_hidden: bool,
    pub id: String,
    pub kind: String,
    pub blocks: Vec<Block>,
    /// The theme's default text was used because the report did not supply the section.
    pub is_default: bool,
}

#[derive(Debug, Clone, Serialize, PartialEq, JsonSchema)]
pub struct Appendix {
    pub id: String,
    /// "Appendix 1".
    pub label: String,
    pub title: String,
    pub anchor: String,
    pub blocks: Vec<Block>,
    /// A PDF appendix: the output path of its asset (published beside the report and
    /// included as pages of the PDFs).
    pub pdf: Option<String>,
    /// The author's description of a PDF appendix, for its pages' alt text.
    pub alt: Option<String>,
    pub exempt: bool,
    /// Set only by the audience filter: the appendix is exempt and this view may not
    /// show it, so it carries its label, title and anchor and nothing else.
    pub withheld: bool,
}

#[derive(Debug, Clone, Serialize, PartialEq, JsonSchema)]
pub struct Footnote {
    pub number: usize,
    pub blocks: Vec<Block>,
}

#[derive(Debug, Clone, Serialize, PartialEq, JsonSchema)]
pub struct Exemption {
    pub paragraphs: Vec<u8>,
    /// "Not for publication by virtue of paragraph 3 of Part 1 of Schedule 12A ..."
    pub statement: String,
    pub public_interest: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq, JsonSchema)]
pub struct ReportDoc {
    pub slug: String,
    pub item_number: String,
    pub title: String,
    pub council: String,
    pub committee: String,
    pub committee_slug: String,
    /// ISO date of the meeting, and as printed ("18 April 2012").
    pub date: String,
    pub date_display: String,
    /// "PART 1 - PUBLIC" or "PART 2 - EXEMPT".
    pub part_label: String,
    /// Print the part banner (the theme's choice; exempt reports always carry it).
    pub part_banner: bool,
    pub exempt: Option<Exemption>,
    pub masthead: Vec<String>,
    /// `table`, `lines` or `beside` (the item number in a column beside the title).
    pub header_layout: String,
    /// Where the title prints as a heading: `above` or `below` the header block, or
    /// `none` (a masthead line or header row prints it).
    pub title_position: String,
    pub header: Vec<HeaderRow>,
    pub sections: Vec<Section>,
    pub appendices: Vec<Appendix>,
    pub footnotes: Vec<Footnote>,
    pub footer: Option<String>,
    /// Site-relative URL path of the report page, e.g. `committee/2012-04-18/04-slug.html`.
    pub url: String,
    pub pdf_url: String,
    pub word_count: usize,
    pub language: String,
    /// The site files the public version is made from (the report, its public appendix
    /// files and images), which is what a frozen pack's record is checked against.
    #[serde(skip)]
    pub public_sources: Vec<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq, JsonSchema)]
pub struct AgendaItem {
    pub number: String,
    pub title: String,
    pub kind: String,
    /// Procedural text, resolved.
    pub blocks: Vec<Block>,
    /// Public report page (None for procedural or exempt items).
    pub url: Option<String>,
    pub pdf_url: Option<String>,
    pub slug: Option<String>,
    pub report_of: Option<String>,
    pub wards: Option<String>,
    pub key_decision: bool,
    pub exempt: Option<Exemption>,
    /// Set when the item was added after the agenda was published: it goes out in the
    /// supplementary agenda of that date, not in the original pack.
    pub supplement: Option<String>,
    /// The reason for urgency the chair will state (s100B(4)(b)).
    pub urgency: Option<String>,
    /// A procedural item's text as the clerk wrote it: what a frozen pack's record is
    /// checked against (never the rendered form, which changes with agendum).
    #[serde(skip)]
    pub source_text: Option<String>,
    /// The document a procedural item carries into the pack (the draft minutes).
    pub document: Option<ItemDocument>,
}

/// A procedural item's document: Markdown (as blocks) or a PDF published beside the
/// meeting page, whose pages go into the pack.
#[derive(Debug, Clone, Serialize, PartialEq, JsonSchema)]
pub struct ItemDocument {
    /// The link text and the heading in the pack: the item's title.
    pub title: String,
    pub blocks: Vec<Block>,
    /// Output path of a PDF document (an asset of the meeting).
    pub pdf: Option<String>,
    /// What a PDF document shows, for its pages' alt text.
    pub alt: Option<String>,
    /// Its source file, relative to the site: part of a frozen pack's record.
    #[serde(skip)]
    pub source: String,
}

/// A supplementary agenda: items added after publication, with their own pack.
#[derive(Debug, Clone, Serialize, PartialEq, JsonSchema)]
pub struct Supplement {
    pub date: String,
    pub date_display: String,
    pub pack_url: String,
    /// Item numbers it carries.
    pub items: Vec<String>,
}

/// A re-issue of the published pack, with its reason (shown on the meeting page).
#[derive(Debug, Clone, Serialize, PartialEq, JsonSchema)]
pub struct Reissue {
    pub date: String,
    pub date_display: String,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize, PartialEq, JsonSchema)]
pub struct MeetingDoc {
    pub council: String,
    pub committee: String,
    pub committee_slug: String,
    pub committee_kind: String,
    pub date: String,
    pub date_display: String,
    /// "19:00"; `None` where the papers give no time.
    pub time: Option<String>,
    pub time_display: Option<String>,
    pub venue: Option<String>,
    /// When and where in one phrase: "7pm, Civic Centre", or what of it is known.
    pub when_where: String,
    pub published: Option<String>,
    pub published_display: Option<String>,
    pub members: Vec<crate::model::Member>,
    pub contact: Option<crate::model::Contact>,
    /// A joint committee's councils; empty for a committee of the site's own council.
    pub councils: Vec<CouncilDoc>,
    pub items: Vec<AgendaItem>,
    pub url: String,
    pub pack_url: String,
    pub language: String,
    /// What the pack's front sheet calls it: "Agenda" or "Supplementary agenda".
    pub pack_title: String,
    pub supplements: Vec<Supplement>,
    pub reissues: Vec<Reissue>,
    /// `committee/index.html`.
    pub committee_url: String,
    /// Open data about the meeting: `committee/date/meeting.json`.
    pub data_url: String,
    /// UTC offset in force in London at the start ("+01:00" in summer time).
    pub utc_offset: String,
    /// `scheduled`, `held`, `cancelled`, `postponed` or `rescheduled`.
    pub status: String,
    /// What the meeting page says of a meeting not held as planned ("Cancelled").
    pub status_display: Option<String>,
    pub status_reason: Option<String>,
    /// A rescheduled meeting's first date (ISO).
    pub previous_date: Option<String>,
    pub previous_date_display: Option<String>,
    /// The minutes' page and PDF, once written; `draft` or `approved`.
    pub minutes_url: Option<String>,
    pub minutes_pdf_url: Option<String>,
    pub minutes_status: Option<String>,
}

/// The minutes of a meeting: its record, resolved. Exempt minutes are here in full;
/// the public view (`crate::audience`) keeps only their heading and statement.
#[derive(Debug, Clone, Serialize, PartialEq, JsonSchema)]
pub struct MinutesDoc {
    /// `committee/date/minutes.html` and `.pdf`.
    pub url: String,
    pub pdf_url: String,
    /// "Minutes of the meeting of the Cabinet held on 18 April 2012"
    pub title: String,
    pub approved: Option<String>,
    pub approved_display: Option<String>,
    pub signed_by: Option<String>,
    /// "Draft minutes: not yet approved as a correct record" or "Approved as a correct
    /// record at the meeting of 20 June 2012".
    pub status_line: String,
    pub present: Vec<PersonDoc>,
    pub apologies: Vec<String>,
    pub substitutes: Vec<SubstituteDoc>,
    pub absent: Vec<String>,
    pub also_present: Vec<PersonDoc>,
    pub officers: Vec<PersonDoc>,
    pub declarations: Vec<DeclarationDoc>,
    pub exclusion: Option<Exemption>,
    pub exclusion_items: Vec<String>,
    pub webcast: Option<String>,
    /// Where minutes are numbered on from meeting to meeting: this meeting's first.
    pub first_number: Option<u32>,
    pub entries: Vec<MinuteDoc>,
    /// Its source file, relative to the site.
    #[serde(skip)]
    pub source: String,
}

#[derive(Debug, Clone, Serialize, PartialEq, JsonSchema)]
pub struct PersonDoc {
    pub name: String,
    pub role: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq, JsonSchema)]
pub struct SubstituteDoc {
    pub name: String,
    /// The member substituted for.
    pub for_member: String,
}

#[derive(Debug, Clone, Serialize, PartialEq, JsonSchema)]
pub struct DeclarationDoc {
    pub member: String,
    pub item: String,
    pub kind: String,
    pub kind_display: String,
    pub nature: String,
    pub left_room: bool,
    pub dispensation: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq, JsonSchema)]
pub struct MinuteDoc {
    /// The minute's number as printed ("3", "2747").
    pub number: String,
    /// The agenda item it minutes.
    pub item: String,
    pub title: String,
    /// Its anchor on the minutes page: `minute-3`.
    pub id: String,
    pub blocks: Vec<Block>,
    pub resolution: Vec<Block>,
    pub proposer: Option<String>,
    pub seconder: Option<String>,
    pub votes: Option<VotesDoc>,
    /// "00:12:30", and the webcast's address at that time.
    pub webcast_at: Option<String>,
    pub webcast_url: Option<String>,
    pub exempt: Option<Exemption>,
    /// An exempt minute's public text (the only part of it the public view keeps).
    pub public_summary: Vec<Block>,
    /// Set by the public view: the minute's content was withheld.
    pub withheld: bool,
}

#[derive(Debug, Clone, Serialize, PartialEq, JsonSchema)]
pub struct VotesDoc {
    pub for_count: u32,
    pub against_count: u32,
    pub abstain_count: u32,
    /// Names where the vote was recorded by name (empty otherwise).
    pub for_names: Vec<String>,
    pub against_names: Vec<String>,
    pub abstain_names: Vec<String>,
    /// `carried` or `lost` (a tie is lost unless the chair's casting vote is recorded).
    pub result: String,
}

/// The forward plan of key decisions, when the site has one.
#[derive(Debug, Clone, Serialize, PartialEq, JsonSchema)]
pub struct ForwardPlanDoc {
    pub title: String,
    pub published: String,
    pub published_display: String,
    pub introduction: Vec<Block>,
    pub decisions: Vec<PlannedDecision>,
}

#[derive(Debug, Clone, Serialize, PartialEq, JsonSchema)]
pub struct PlannedDecision {
    /// The plan's reference ("KD-2025-07") and its anchor on the plan's page.
    pub reference: Option<String>,
    pub id: Option<String>,
    pub title: String,
    pub decision_maker: String,
    /// "2025-06" or "2025-06-17", and as printed ("June 2025").
    pub expected: String,
    pub expected_display: String,
    pub key: bool,
    pub wards: Option<String>,
    pub summary: Vec<Block>,
    pub exempt: Option<Exemption>,
    pub documents: Vec<String>,
    pub contact: Option<String>,
}

/// A decision notice: what was decided, by whom, why, what else was considered, and
/// when it takes effect (after call-in). Exempt ones are whole here; the public view
/// (`crate::audience`) keeps their reference, title, maker, dates and public summary.
#[derive(Debug, Clone, Serialize, PartialEq, JsonSchema)]
pub struct DecisionDoc {
    pub reference: String,
    pub title: String,
    /// `executive` or `officer`.
    pub kind: String,
    /// "Cabinet", or "Councillor A. Smith, Cabinet Member for Leisure".
    pub decision_maker: String,
    /// The committee's slug, for a decision taken at a meeting.
    pub committee_slug: Option<String>,
    pub meeting_url: Option<String>,
    pub item: Option<String>,
    pub date: String,
    pub date_display: String,
    pub published: Option<String>,
    pub published_display: Option<String>,
    pub key_decision: bool,
    pub forward_plan_reference: Option<String>,
    /// The forward plan page's anchor for it: `forward-plan.html#kd-2025-07`.
    pub forward_plan_url: Option<String>,
    pub key_criteria: Vec<String>,
    pub decision: Vec<Block>,
    pub reasons: Vec<Block>,
    pub alternatives: Vec<Block>,
    pub conflicts: Vec<Block>,
    pub dispensation: Option<String>,
    /// `awaiting-publication`, `open` (call-in period running or not yet started),
    /// `called-in`, `not-subject` (urgent, or not an executive decision) or `effective`
    /// (period ended by the build's date) — set where the register is made.
    pub call_in_status: String,
    /// The last day on which it can be called in, and the day it takes effect.
    pub call_in_ends: Option<String>,
    pub call_in_ends_display: Option<String>,
    pub takes_effect: Option<String>,
    pub takes_effect_display: Option<String>,
    pub urgency: Option<String>,
    pub called_in: Option<String>,
    pub called_in_display: Option<String>,
    pub called_in_by: Vec<String>,
    pub call_in_outcome: Option<String>,
    pub exempt: Option<Exemption>,
    pub public_summary: Vec<Block>,
    /// Set by the public view: the record's content was withheld.
    pub withheld: bool,
    pub signed: Option<SignatureDoc>,
    /// `decisions/<reference>.html` and `.pdf`.
    pub url: String,
    pub pdf_url: String,
    pub year: String,
}

#[derive(Debug, Clone, Serialize, PartialEq, JsonSchema)]
pub struct SignatureDoc {
    pub name: String,
    pub role: Option<String>,
    pub date_display: String,
}

/// A source file the output needs (an image, a PDF appendix, the logo), read once by
/// the front and registered under the one output path it is published at. Renderers
/// get bytes from here, never from the site folder.
#[derive(Debug, Clone)]
pub struct Asset {
    /// Where it came from, relative to the site (for messages).
    pub source: String,
    pub bytes: std::sync::Arc<Vec<u8>>,
    pub sha256: String,
}

/// SHA-256 as lower-case hex: asset names, the manifest, the cache and frozen packs.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// Assets by output path. Two different files can never share a path: resolve refuses it.
pub type Assets = std::collections::BTreeMap<String, Asset>;

/// The council's logo: an asset's output path and its alt text.
#[derive(Debug, Clone, Serialize, PartialEq, JsonSchema)]
pub struct LogoRef {
    pub path: String,
    pub alt: String,
}

/// One council of a joint committee: named on its papers, with its logo and contact.
#[derive(Debug, Clone, Serialize, PartialEq, JsonSchema)]
pub struct CouncilDoc {
    pub name: String,
    pub logo: Option<LogoRef>,
    pub contact: Option<crate::model::Contact>,
    pub url: Option<String>,
}

// The one walk over the block tree: every pass that looks at or rewrites blocks or
// inlines goes through these, so a new kind of block is handled in one place.

/// Every block, depth first (list items, quotes, table cells, in document order).
pub fn for_each_block<'a>(blocks: &'a [Block], f: &mut dyn FnMut(&'a Block)) {
    for b in blocks {
        f(b);
        match b {
            Block::List { items, .. } => items.iter().for_each(|i| for_each_block(&i.blocks, f)),
            Block::Quote { blocks } => for_each_block(blocks, f),
            Block::Table(t) => t.rows.iter().flatten().for_each(|c| for_each_block(c, f)),
            _ => {}
        }
    }
}

/// Inline content directly held by a block (not by its children).
fn own_inlines(b: &Block) -> Vec<&[Inline]> {
    match b {
        Block::Para { content, .. } | Block::Heading { content, .. } => vec![content],
        Block::Fields { rows, .. } => rows.iter().map(|r| r.value.as_slice()).collect(),
        Block::Table(t) => {
            let mut v: Vec<&[Inline]> = t.columns.iter().map(|c| c.heading.as_slice()).collect();
            v.extend(t.footer.iter().flatten().map(Vec::as_slice));
            v
        }
        _ => vec![],
    }
}

/// Every inline, depth first, including those inside links and emphasis.
pub fn for_each_inline(blocks: &[Block], f: &mut dyn FnMut(&Inline)) {
    fn inl(i: &Inline, f: &mut dyn FnMut(&Inline)) {
        f(i);
        if let Inline::Strong { content } | Inline::Emph { content } | Inline::Strike { content } | Inline::Sup { content } | Inline::Link { content, .. } = i {
            content.iter().for_each(|c| inl(c, f));
        }
    }
    for_each_block(blocks, &mut |b| own_inlines(b).into_iter().flatten().for_each(|i| inl(i, f)));
}

/// Every block, for passes that rewrite blocks in place (ids, table columns). `f` sees a
/// block before its children.
pub fn for_each_block_mut(blocks: &mut [Block], f: &mut dyn FnMut(&mut Block)) {
    for b in blocks {
        f(b);
        match b {
            Block::List { items, .. } => items.iter_mut().for_each(|i| for_each_block_mut(&mut i.blocks, f)),
            Block::Quote { blocks } => for_each_block_mut(blocks, f),
            Block::Table(t) => t.rows.iter_mut().flatten().for_each(|c| for_each_block_mut(c, f)),
            _ => {}
        }
    }
}

/// Every run of inline content (a paragraph's, a heading's, a field's value, a table's
/// headings and totals), for passes that may replace one inline by several.
pub fn for_each_inline_list_mut(blocks: &mut [Block], f: &mut dyn FnMut(&mut Vec<Inline>)) {
    for_each_block_mut(blocks, &mut |b| match b {
        Block::Para { content, .. } | Block::Heading { content, .. } => f(content),
        Block::Fields { rows, .. } => rows.iter_mut().for_each(|r| f(&mut r.value)),
        Block::Table(t) => {
            t.columns.iter_mut().for_each(|c| f(&mut c.heading));
            t.footer.iter_mut().flatten().for_each(&mut *f);
        }
        _ => {}
    });
}

/// Every inline, for passes that rewrite them. `f` sees a parent before its children,
/// and the children of what it returns.
pub fn for_each_inline_mut(blocks: &mut [Block], f: &mut dyn FnMut(&mut Inline)) {
    for_each_inline_list_mut(blocks, &mut |content| for_each_inline_in_mut(content, f));
}

/// Every inline of a run of inline content (a header value, say) and those nested in it,
/// for passes that rewrite them in place. `f` sees an inline before its children.
pub fn for_each_inline_in_mut(content: &mut [Inline], f: &mut dyn FnMut(&mut Inline)) {
    for i in content {
        f(i);
        if let Inline::Strong { content } | Inline::Emph { content } | Inline::Strike { content } | Inline::Sup { content } | Inline::Link { content, .. } = i {
            for_each_inline_in_mut(content, f);
        }
    }
}

/// The element ids a block itself carries, to rewrite (list items carry their own).
pub fn block_ids_mut(b: &mut Block) -> Vec<&mut String> {
    match b {
        Block::Para { id: Some(id), .. } | Block::Heading { id: Some(id), .. } => vec![id],
        Block::List { items, .. } => items.iter_mut().filter_map(|i| i.id.as_mut()).collect(),
        _ => vec![],
    }
}

/// The element ids a block itself carries (list items carry their own).
pub fn block_ids(b: &Block) -> Vec<&str> {
    match b {
        Block::Para { id: Some(id), .. } | Block::Heading { id: Some(id), .. } => vec![id],
        Block::List { items, .. } => items.iter().filter_map(|i| i.id.as_deref()).collect(),
        _ => vec![],
    }
}

/// A meeting's packs: the agenda as published, then one supplementary agenda per date
/// on which items were added. Each is the meeting with only that pack's items, and the
/// item numbers it carries. The original pack never changes when items are added late.
pub fn packs(m: &MeetingDoc) -> Vec<(MeetingDoc, Vec<String>)> {
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

impl MinutesDoc {
    /// The minutes as one run of blocks, for the next agenda, which carries them as its
    /// minutes item's document: the status line, attendance, declarations, the exclusion
    /// resolution and each minute under its number and heading. Headings are at level 3
    /// (below the item's own).
    pub fn as_blocks(&self) -> Vec<Block> {
        let para = |content: Vec<Inline>| Block::Para { number: None, id: None, content };
        let heading = |t: &str| Block::Heading { level: 3, number: None, id: None, content: vec![Inline::text(t)] };
        let list = |items: Vec<String>| Block::List {
            ordered: false,
            items: items.into_iter().map(|t| ListItem { marker: None, id: None, blocks: vec![para(vec![Inline::text(t)])] }).collect(),
        };
        let person = |p: &PersonDoc| match &p.role {
            Some(r) => format!("{} ({r})", p.name),
            None => p.name.clone(),
        };
        let mut out = vec![para(vec![Inline::Strong { content: vec![Inline::text(format!("{}.", self.status_line))] }])];
        let present: Vec<String> =
            self.present.iter().map(person).chain(self.substitutes.iter().map(|s| format!("{} (substituting for {})", s.name, s.for_member))).collect();
        for (title, names) in [
            ("Present", present),
            ("Also present", self.also_present.iter().map(person).collect()),
            ("Apologies for absence", self.apologies.clone()),
            ("Absent", self.absent.clone()),
            ("Officers present", self.officers.iter().map(|p| p.role.as_ref().map(|r| format!("{}, {r}", p.name)).unwrap_or_else(|| p.name.clone())).collect()),
        ] {
            if !names.is_empty() {
                out.push(heading(title));
                out.push(list(names));
            }
        }
        out.push(heading("Declarations of interest"));
        if self.declarations.is_empty() {
            out.push(para(vec![Inline::text("None were declared.")]));
        } else {
            out.push(list(
                self.declarations
                    .iter()
                    .map(|d| {
                        let mut t = format!("{}: item {}, {}: {}.", d.member, d.item, d.kind_display.to_lowercase(), d.nature);
                        if d.left_room {
                            t.push_str(" Left the room for the item.");
                        }
                        if let Some(x) = &d.dispensation {
                            t.push_str(&format!(" Dispensation: {x}."));
                        }
                        t
                    })
                    .collect(),
            ));
        }
        for e in &self.entries {
            out.push(Block::Heading { level: 3, number: Some(e.number.clone()), id: None, content: vec![Inline::text(&e.title)] });
            out.extend(e.body());
        }
        out
    }
}

impl MinuteDoc {
    /// What prints under the minute's heading, in order, in every renderer: the exempt
    /// statement, the text (or, withheld, the public summary), "RESOLVED:" and the
    /// resolution, mover and seconder, the vote, and the webcast link.
    pub fn body(&self) -> Vec<Block> {
        let para = |content: Vec<Inline>| Block::Para { number: None, id: None, content };
        let strong = |t: &str| Inline::Strong { content: vec![Inline::text(t)] };
        let mut out = Vec::new();
        if let Some(e) = &self.exempt {
            out.push(para(vec![Inline::Emph { content: vec![Inline::text(format!("{}.", e.statement))] }]));
        }
        if self.withheld {
            out.extend(self.public_summary.iter().cloned());
            return out;
        }
        out.extend(self.blocks.iter().cloned());
        match self.resolution.as_slice() {
            [] => {}
            [Block::Para { content, id, .. }] => {
                let mut c = vec![strong("RESOLVED: ")];
                c.extend(content.iter().cloned());
                out.push(Block::Para { number: None, id: id.clone(), content: c });
            }
            many => {
                out.push(para(vec![strong("RESOLVED:")]));
                out.extend(many.iter().cloned());
            }
        }
        let moved = match (&self.proposer, &self.seconder) {
            (Some(p), Some(s)) => Some(format!("Proposed by {p}, seconded by {s}.")),
            (Some(p), None) => Some(format!("Proposed by {p}.")),
            (None, Some(s)) => Some(format!("Seconded by {s}.")),
            (None, None) => None,
        };
        if let Some(m) = moved {
            out.push(para(vec![Inline::text(m)]));
        }
        if let Some(v) = &self.votes {
            let plural = |n: u32, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
            out.push(para(vec![Inline::text(format!(
                "Votes: {} for, {} against, {}. The motion was {}.",
                v.for_count,
                v.against_count,
                plural(v.abstain_count, "abstention", "abstentions"),
                v.result
            ))]));
            let named: Vec<ListItem> = [("For", &v.for_names), ("Against", &v.against_names), ("Abstained", &v.abstain_names)]
                .into_iter()
                .filter(|(_, names)| !names.is_empty())
                .map(|(side, names)| ListItem { marker: None, id: None, blocks: vec![para(vec![Inline::text(format!("{side}: {}", names.join(", ")))])] })
                .collect();
            if !named.is_empty() {
                out.push(Block::List { ordered: false, items: named });
            }
        }
        if let (Some(url), Some(at)) = (&self.webcast_url, &self.webcast_at) {
            out.push(para(vec![Inline::Link { href: url.clone(), content: vec![Inline::text(format!("Watch this item in the webcast (from {at})"))] }]));
        }
        out
    }
}
