//! Themes: a council's report template as data. `theme.yaml` holds the report scheme
//! (header fields, sections in order, defaults, numbering); templates and static files sit
//! beside it. Lookup order for every file: the site's own folder, then the theme, then
//! the built-in defaults (as in Zola).

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::builtin;
use crate::diag::{rel, Diagnostic, Pos};
use crate::yaml::{self, Source};

#[derive(Debug, Deserialize, Serialize, Clone, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ThemeScheme {
    /// The theme's name, as `agendum.yaml` gives it (`theme: <name>`).
    pub name: String,
    /// A line saying whose template this is.
    #[serde(default)]
    pub description: Option<String>,
    /// The header block: its rows, layout, labels, dates and where the title goes.
    #[serde(default)]
    pub header: HeaderScheme,
    /// How sections, paragraphs and lists are numbered.
    #[serde(default)]
    pub numbering: Numbering,
    /// The report's sections in the order they print: those the council requires, and
    /// (kind `body`) where the report's own sections go.
    pub sections: Vec<SectionScheme>,
    /// Word limit for a report's body; `agendum check` warns past it.
    #[serde(default)]
    pub max_words: Option<u32>,
    /// Running footer text on every page, e.g. "Report Template: Formal Bodies".
    #[serde(default)]
    pub footer: Option<String>,
    /// Quotes, dashes and the text printed for "none".
    #[serde(default)]
    pub typography: Typography,
    /// How minutes are numbered.
    #[serde(default)]
    pub minutes: MinutesScheme,
    /// How the council's Word template maps to this scheme, for `agendum import`.
    #[serde(default)]
    pub import: ImportScheme,
}

/// The council's Word template, as `agendum import` reads it: which paragraph styles are
/// the title, section headings, sub-headings and ordinary text, which are the template's
/// furniture to drop, and what the header table's rows are. Word's built-in style names
/// are known without saying; a style the map does not name is refused, so that nothing
/// is imported as the wrong thing in silence.
#[derive(Debug, Deserialize, Serialize, Clone, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ImportScheme {
    /// Styles of the report's title. A heading before any section that names none is
    /// taken as the title too, as is the header table's `title` row.
    #[serde(default = "import_title")]
    pub title: Vec<String>,
    /// Styles of section headings. The heading's text names the section (the scheme's
    /// heading or an alias, matched loosely; a number typed before it is dropped); a
    /// heading that names none is one of the report's own sections. "Appendix 1 – Title"
    /// starts an appendix.
    #[serde(default = "import_headings")]
    pub headings: Vec<String>,
    /// Styles of headings inside a section (`###`).
    #[serde(default = "import_subheadings")]
    pub subheadings: Vec<String>,
    /// Styles of ordinary paragraphs and list items (Word's built-in body and list styles
    /// are known already): the template's own.
    #[serde(default)]
    pub body: Vec<String>,
    /// Styles whose paragraphs Word numbers as the report's numbered paragraphs (3.1):
    /// agendum numbers them, so their Word numbers are dropped. Multi-level ("legal")
    /// numbering (3.1, 3.1.1) is taken as paragraph numbering in any style.
    #[serde(default)]
    pub numbered: Vec<String>,
    /// Styles dropped: the template's furniture (council name, committee and date lines
    /// that the theme prints itself). Word's table of contents, header and footer styles
    /// are dropped always. A Part 2 marking is never dropped: see `header_styles`.
    #[serde(default)]
    pub ignore: Vec<String>,
    /// Paragraph styles of recommendations, wherever they stand (a template's own
    /// "Recommendation" list style); they join those under the recommendations heading.
    #[serde(default)]
    pub recommendations: Vec<String>,
    /// Paragraph styles whose text is a header value (the template's masthead lines, a
    /// contact block): style -> header key (`date`, `title`, `part`, `contact_officer`,
    /// ...). Consecutive lines in one such style are one value.
    #[serde(default)]
    pub header_styles: BTreeMap<String, String>,
    /// Headings of the template that name a section differently: heading -> section key.
    #[serde(default)]
    pub sections: BTreeMap<String, String>,
    /// Rows of the header table (label in the first cell) -> header key (`contact_officer`,
    /// `wards`, ... or one of the theme's own rows; `public_interest` for an exempt
    /// report's public-interest test). Rows labelled as the theme's header rows are known
    /// already.
    #[serde(default)]
    pub header: BTreeMap<String, String>,
    /// Tables with columns of sums of money become data tables (`tables:` with money
    /// columns, totals checked) instead of Markdown tables.
    #[serde(default)]
    pub money_tables: bool,
    /// Table styles of the template and what their tables are: `header` (the header
    /// table, wherever it stands), `money` (a data table with money columns), `text` (a
    /// plain table, even where `money_tables` is on). Tables in other styles are read by
    /// where they stand (before the first section: the header) and by their cells.
    #[serde(default)]
    pub tables: BTreeMap<String, TableRole>,
    /// Text that shows a template instruction left in; matched without regard to case.
    #[serde(default = "import_placeholders")]
    pub placeholders: Vec<String>,
}

impl Default for ImportScheme {
    fn default() -> Self {
        ImportScheme {
            title: import_title(),
            headings: import_headings(),
            subheadings: import_subheadings(),
            body: Vec::new(),
            numbered: Vec::new(),
            ignore: Vec::new(),
            recommendations: Vec::new(),
            header_styles: BTreeMap::new(),
            sections: BTreeMap::new(),
            header: BTreeMap::new(),
            money_tables: false,
            tables: BTreeMap::new(),
            placeholders: import_placeholders(),
        }
    }
}

/// What a table in a given Word table style is, for `agendum import`.
#[derive(Debug, Deserialize, Serialize, Clone, Copy, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum TableRole {
    /// The report's header table: label and value rows to the front matter.
    Header,
    /// A data table with money columns (totals checked).
    Money,
    /// A plain table.
    Text,
}

fn import_title() -> Vec<String> {
    vec!["Title".into()]
}
fn import_headings() -> Vec<String> {
    vec!["Heading 1".into(), "Heading 2".into()]
}
fn import_subheadings() -> Vec<String> {
    ["Heading 3", "Heading 4", "Heading 5", "Heading 6"].map(String::from).to_vec()
}
fn import_placeholders() -> Vec<String> {
    ["click here to", "click or tap here", "[insert", "[enter ", "[type ", "<insert", "xx/xx/xx"].map(String::from).to_vec()
}

/// Word's built-in styles of what agendum makes itself (a table of contents, page headers
/// and footers): dropped by every import map.
pub const WORD_FURNITURE_STYLES: &[&str] =
    &["TOC Heading", "TOC 1", "TOC 2", "TOC 3", "TOC 4", "TOC 5", "TOC 6", "TOC 7", "TOC 8", "TOC 9", "Header", "Footer", "Table of Figures"];

/// Word's built-in styles for ordinary text, lists, quotations and table cells, in
/// English Word and as pandoc and LibreOffice write them: known to every import map.
pub const WORD_BODY_STYLES: &[&str] = &[
    "Normal",
    "Normal (Web)",
    "Body Text",
    "Body Text 2",
    "Body Text 3",
    "Body Text Indent",
    "First Paragraph",
    "Compact",
    "List Paragraph",
    "List",
    "List Bullet",
    "List Bullet 2",
    "List Bullet 3",
    "List Number",
    "List Number 2",
    "List Number 3",
    "List Continue",
    "Block Text",
    "Quote",
    "Plain Text",
    "No Spacing",
    "Table Paragraph",
    "Table Contents",
    "Text Body",
    "Default",
    "Footnote Text",
    "Caption",
    "Table Caption",
    "Image Caption",
    "Figure",
    "Captioned Figure",
];

/// How the council numbers its minutes.
#[derive(Debug, Default, Deserialize, Serialize, Clone, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MinutesScheme {
    #[serde(default)]
    pub numbering: MinuteNumbering,
    /// Printed before each minute's number ("CAB", "Min. "); none by default.
    #[serde(default)]
    pub prefix: String,
}

#[derive(Debug, Default, Deserialize, Serialize, Clone, Copy, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum MinuteNumbering {
    /// Each minute takes its agenda item's number.
    #[default]
    Item,
    /// Numbered on from the last meeting's minutes (parish and town councils: 2747,
    /// 2748, ...): each meeting's `minutes.yaml` gives its `first_number`.
    Continuous,
}

/// How author text is set: the council's house style, not the author's keyboard.
#[derive(Debug, Deserialize, Serialize, Clone, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Typography {
    /// Straight quotes and `--` become curly quotes and dashes ("It's" -> "It’s").
    #[serde(default = "yes")]
    pub smart_punctuation: bool,
    /// Printed where an author writes `none` (background papers) or a section has nothing.
    #[serde(default = "none_text")]
    pub none_text: String,
}

impl Default for Typography {
    fn default() -> Self {
        Typography { smart_punctuation: true, none_text: none_text() }
    }
}

fn none_text() -> String {
    "None.".into()
}

#[derive(Debug, Deserialize, Serialize, Clone, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HeaderScheme {
    /// `table` (label and value cells) or `lines` (a label: value per line).
    #[serde(default)]
    pub layout: HeaderLayout,
    #[serde(default = "default_header_fields")]
    pub fields: Vec<HeaderField>,
    /// Print "PART 1 - PUBLIC" / "PART 2 - EXEMPT" above the header.
    #[serde(default)]
    pub part_banner: bool,
    /// Lines printed above the header block, e.g. the council's name.
    #[serde(default)]
    pub masthead: Vec<MastheadLine>,
    /// Where the report's title is printed as a heading: `above` the header block,
    /// `below` it, or `none` where a `title` row or masthead line already prints it.
    #[serde(default)]
    pub title: TitlePlacement,
    /// Added after every label unless the label already ends in punctuation; `""` prints
    /// labels exactly as written.
    #[serde(default = "colon")]
    pub label_suffix: String,
    /// How dates print: chrono's strftime (`%-d %B %Y` gives "6 November 2007"), plus
    /// `%o` for the day's ordinal suffix ("24th").
    #[serde(default = "default_date_format")]
    pub date_format: String,
    /// Print the `%o` ordinal suffix raised ("24<sup>th</sup>").
    #[serde(default)]
    pub superscript_ordinals: bool,
}

impl Default for HeaderScheme {
    fn default() -> Self {
        HeaderScheme {
            layout: HeaderLayout::Table,
            fields: default_header_fields(),
            part_banner: true,
            masthead: Vec::new(),
            title: TitlePlacement::Above,
            label_suffix: colon(),
            date_format: default_date_format(),
            superscript_ordinals: false,
        }
    }
}

fn colon() -> String {
    ":".into()
}
pub fn default_date_format() -> String {
    "%-d %B %Y".into()
}

fn default_header_fields() -> Vec<HeaderField> {
    ["decision_maker", "date", "item", "decision_type", "contact_officer", "chief_officer", "wards"]
        .into_iter()
        .map(|key| HeaderField { key: key.into(), own: String::new(), label: None, case: Case::AsWritten, default: None })
        .collect()
}

#[derive(Debug, Deserialize, Serialize, Clone, Copy, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum TitlePlacement {
    /// A heading above the header block.
    #[default]
    Above,
    /// A heading below the header block.
    Below,
    /// No heading of its own: a `title` header row or masthead line prints it.
    None,
}

/// Letter case of a printed value.
#[derive(Debug, Deserialize, Serialize, Clone, Copy, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Case {
    /// As the report gives it.
    #[default]
    AsWritten,
    /// In capitals ("22ND SEPTEMBER, 2014").
    Upper,
    /// In lower case.
    Lower,
}

impl Case {
    pub fn apply(self, s: &str) -> String {
        match self {
            Case::AsWritten => s.to_string(),
            Case::Upper => s.to_uppercase(),
            Case::Lower => s.to_lowercase(),
        }
    }
}

#[derive(Debug, Deserialize, Serialize, Clone, Copy, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum HeaderLayout {
    /// A table of label and value cells.
    #[default]
    Table,
    /// "Label: value" lines.
    Lines,
    /// Two columns: the item number on the left, the title and the rows as lines beside it.
    Beside,
}

#[derive(Debug, Deserialize, Serialize, Clone, Copy, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum MastheadLine {
    /// The council's name (each council's, for a joint committee).
    Council,
    /// The committee's name.
    Committee,
    /// The report's date, in the header's date format.
    Date,
    /// The report's title (printed once: not again as a heading).
    Title,
    /// "Agenda item 7".
    Item,
}

#[derive(Debug, Deserialize, Serialize, Clone, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HeaderField {
    /// A built-in row: `date`, `contact_officer`, ... (see the theme guide).
    #[serde(default)]
    pub key: String,
    /// Or a row of the theme's own (`own: report_no`), whose value each report gives
    /// under `header: {report_no: ...}` in its front matter.
    #[serde(default)]
    pub own: String,
    /// The label printed; each built-in key has a sensible default, the theme's own keys
    /// print their key. `""` prints the value alone, without a label.
    #[serde(default)]
    pub label: Option<String>,
    /// Letter case of the value: `as_written` (default), `upper`, `lower`.
    #[serde(default)]
    pub case: Case,
    /// For the theme's own keys: the value when a report gives none. Without a default
    /// the row is left out of reports that do not give it.
    #[serde(default)]
    pub default: Option<String>,
}

impl HeaderField {
    /// The built-in key this row prints, or `None` for one of the theme's own.
    pub fn builtin(&self) -> Option<HeaderKey> {
        if self.own.is_empty() {
            HeaderKey::from_name(&self.key)
        } else {
            None
        }
    }
    /// The row's name: its built-in key or its own.
    pub fn name(&self) -> &str {
        if self.own.is_empty() {
            &self.key
        } else {
            &self.own
        }
    }
}

#[derive(Debug, Deserialize, Serialize, Clone, Copy, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum HeaderKey {
    DecisionMaker,
    Committee,
    Date,
    Item,
    Title,
    ReportOf,
    Author,
    ChiefOfficer,
    HeadOfService,
    PortfolioHolder,
    Signed,
    ContactOfficer,
    Wards,
    DecisionType,
    KeyDecision,
    Purpose,
    Part,
}

impl HeaderKey {
    pub fn default_label(self) -> &'static str {
        use HeaderKey::*;
        match self {
            DecisionMaker => "Decision Maker",
            Committee => "Committee",
            Date => "Date",
            Item => "Agenda item",
            Title => "Title",
            ReportOf => "Report of",
            Author => "Author",
            ChiefOfficer => "Chief Officer",
            HeadOfService => "Head of Service",
            PortfolioHolder => "Portfolio Holder",
            Signed => "Signed",
            ContactOfficer => "Contact Officer",
            Wards => "Ward",
            DecisionType => "Decision Type",
            KeyDecision => "Decision",
            Purpose => "Report for",
            Part => "Status",
        }
    }
    pub fn name(self) -> String {
        serde_json::to_value(self).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
    }
    pub fn from_name(name: &str) -> Option<HeaderKey> {
        serde_json::from_value(serde_json::Value::String(name.to_string())).ok()
    }
    pub const ALL: [HeaderKey; 17] = [
        HeaderKey::DecisionMaker,
        HeaderKey::Committee,
        HeaderKey::Date,
        HeaderKey::Item,
        HeaderKey::Title,
        HeaderKey::ReportOf,
        HeaderKey::Author,
        HeaderKey::ChiefOfficer,
        HeaderKey::HeadOfService,
        HeaderKey::PortfolioHolder,
        HeaderKey::Signed,
        HeaderKey::ContactOfficer,
        HeaderKey::Wards,
        HeaderKey::DecisionType,
        HeaderKey::KeyDecision,
        HeaderKey::Purpose,
        HeaderKey::Part,
    ];
}

#[derive(Debug, Deserialize, Serialize, Clone, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Numbering {
    /// How paragraphs are numbered: `section` (3.1, 7.1.1, within each numbered
    /// section), `continuous` (1, 2 ... N through the whole report, under numbered or
    /// unnumbered headings) or `none`.
    #[serde(default)]
    pub paragraphs: ParagraphNumbering,
    /// `###` sub-headings run into the paragraph after them ("**Police Matters:** The
    /// ..."), as `### Heading {.run-in}` does for one heading.
    #[serde(default)]
    pub run_in_subheadings: bool,
    /// Printed after a section number: "." gives "3. COMMENTARY", "" gives "4 Policy".
    #[serde(default = "dot")]
    pub section_suffix: String,
    /// Printed after a paragraph number: "" gives "3.1", "." gives "1.1.".
    #[serde(default)]
    pub paragraph_suffix: String,
    /// Whether `###` sub-headings take a number (Haringey "7.1 Background") or sit
    /// inside the section without breaking its paragraph numbering (Bromley "Background").
    #[serde(default)]
    pub subsections: SubsectionStyle,
    /// Ordered lists in a numbered paragraph continue its number (1.1 -> 1.1.1).
    #[serde(default = "yes")]
    pub outline_lists: bool,
    /// Styles of other ordered lists by nesting level.
    #[serde(default = "default_list_styles")]
    pub lists: Vec<ListStyle>,
}

impl Default for Numbering {
    fn default() -> Self {
        Numbering {
            paragraphs: ParagraphNumbering::Section,
            run_in_subheadings: false,
            section_suffix: dot(),
            paragraph_suffix: String::new(),
            subsections: SubsectionStyle::Unnumbered,
            outline_lists: true,
            lists: default_list_styles(),
        }
    }
}

fn dot() -> String {
    ".".into()
}
fn yes() -> bool {
    true
}
fn default_list_styles() -> Vec<ListStyle> {
    vec![ListStyle::Decimal, ListStyle::LowerAlpha, ListStyle::LowerRoman]
}

#[derive(Debug, Deserialize, Serialize, Clone, Copy, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ParagraphNumbering {
    /// 3.1, 3.2 within each numbered section.
    #[default]
    Section,
    /// 1, 2 ... N through the whole report, whatever the headings.
    Continuous,
    /// No paragraph numbers; numbers an author types are kept as written.
    None,
}

#[derive(Debug, Deserialize, Serialize, Clone, Copy, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum SubsectionStyle {
    /// `###` headings sit inside the section's paragraph numbering.
    #[default]
    Unnumbered,
    /// `###` headings take a number (7.1) and their paragraphs one below it (7.1.1).
    Numbered,
}

/// How list items (and recommendations) are marked.
#[derive(Debug, Deserialize, Serialize, Clone, Copy, Default, PartialEq, Eq, JsonSchema)]
pub enum ListStyle {
    /// Bullets.
    #[default]
    #[serde(rename = "bullet")]
    Bullet,
    #[serde(rename = "1.")]
    Decimal,
    #[serde(rename = "a.")]
    LowerAlpha,
    #[serde(rename = "A.")]
    UpperAlpha,
    #[serde(rename = "i.")]
    LowerRoman,
    #[serde(rename = "I.")]
    UpperRoman,
    #[serde(rename = "(a)")]
    ParenAlpha,
    #[serde(rename = "(i)")]
    ParenRoman,
    #[serde(rename = "(1)")]
    ParenDecimal,
    #[serde(rename = "1)")]
    DecimalParen,
    #[serde(rename = "a)")]
    AlphaParen,
    #[serde(rename = "A)")]
    UpperAlphaParen,
    #[serde(rename = "i)")]
    RomanParen,
    /// Numbered as paragraphs of the section: 4.1, 4.2.
    #[serde(rename = "paragraph")]
    Paragraph,
}

impl ListStyle {
    /// The marker for item `n` (1-based); `None` for bullets and paragraph style.
    pub fn marker(self, n: usize) -> Option<String> {
        use crate::numbering::{alpha, roman};
        Some(match self {
            ListStyle::Bullet | ListStyle::Paragraph => return None,
            ListStyle::Decimal => format!("{n}."),
            ListStyle::LowerAlpha => format!("{}.", alpha(n)),
            ListStyle::UpperAlpha => format!("{}.", alpha(n).to_uppercase()),
            ListStyle::LowerRoman => format!("{}.", roman(n)),
            ListStyle::UpperRoman => format!("{}.", roman(n).to_uppercase()),
            ListStyle::ParenAlpha => format!("({})", alpha(n)),
            ListStyle::ParenRoman => format!("({})", roman(n)),
            ListStyle::ParenDecimal => format!("({n})"),
            ListStyle::DecimalParen => format!("{n})"),
            ListStyle::AlphaParen => format!("{})", alpha(n)),
            ListStyle::UpperAlphaParen => format!("{})", alpha(n).to_uppercase()),
            ListStyle::RomanParen => format!("{})", roman(n)),
        })
    }
}

#[derive(Debug, Deserialize, Serialize, Clone, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SectionScheme {
    /// Stable key: `commentary`, `financial`, ... Markdown `## Heading {#key}` targets it.
    pub key: String,
    /// The heading as printed; authors' `##` headings match it loosely (case, punctuation).
    pub heading: String,
    /// What fills the section: `prose` (Markdown), or one made from the front matter.
    #[serde(default)]
    pub kind: SectionKind,
    /// A required section must be written (or be a kind filled from the header data).
    #[serde(default)]
    pub required: bool,
    /// Text printed when the report does not supply the section.
    #[serde(default)]
    pub default: Option<String>,
    /// Whether the section takes a number (and its paragraphs numbers).
    #[serde(default = "yes")]
    pub numbered: bool,
    /// Whether paragraphs inside a numbered section are numbered (3.1, 3.2). Bromsgrove
    /// prints "14. WARDS AFFECTED" followed by an unnumbered "All."
    #[serde(default = "yes")]
    pub number_paragraphs: bool,
    /// Other headings authors use for this section ("Financial implications").
    #[serde(default)]
    pub aliases: Vec<String>,
    /// For `fields`, `consultees`: the questions or roles, in order.
    #[serde(default)]
    pub fields: Vec<FieldScheme>,
    /// For a section made from the front matter (wards, appendices, background papers,
    /// contact, recommendations): a report may write it in Markdown instead, and the
    /// Markdown is printed. Otherwise writing both is an error.
    #[serde(default)]
    pub replaceable: bool,
    /// The heading is not printed (a sign-off block under the last section); pages keep
    /// it for screen readers.
    #[serde(default)]
    pub hide_heading: bool,
    /// For `fields` and `consultees`: `list` (numbered Q&A), `table`, or `lines`
    /// ("Label: answer" lines).
    #[serde(default)]
    pub layout: FieldsLayout,
    /// For `recommendations`: how each is marked (see the list styles).
    #[serde(default)]
    pub style: ListStyle,
    /// Guidance for authors, written into scaffolded reports.
    #[serde(default)]
    pub guidance: Option<String>,
}

#[derive(Debug, Deserialize, Serialize, Clone, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FieldScheme {
    /// The key reports answer under (`facts.<section>.<key>`, or `consultees.<key>`).
    pub key: String,
    /// The question or role as printed.
    pub label: String,
    /// The answer when a report gives none.
    #[serde(default)]
    pub default: Option<String>,
}

#[derive(Debug, Deserialize, Serialize, Clone, Copy, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SectionKind {
    /// Markdown commentary under a `##` heading.
    #[default]
    Prose,
    /// Where the report's own sections go: every `##` heading that names no other
    /// section of the theme is printed here, with the author's heading, in the order
    /// written. The slot's `numbered` and `number_paragraphs` apply to each of them.
    Body,
    /// The `recommendations:` list of the front matter.
    Recommendations,
    /// Short answers from `facts.<key>` (Bromley's Financial / Staff / Legal blocks).
    Fields,
    /// The Yes/No table of `consultees:` (Bromsgrove "Others consulted").
    Consultees,
    /// The wards affected, from `wards:`.
    Wards,
    /// A linked list of the report's appendices, from `appendices:`.
    Appendices,
    /// From `background_papers:` (a list, a sentence, or `none`).
    BackgroundPapers,
    /// The contact officer's details as a section (Bromsgrove prints them last).
    Contact,
}

#[derive(Debug, Deserialize, Serialize, Clone, Copy, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum FieldsLayout {
    /// Numbered questions with their answers (Bromley's "1. Policy Status: ...").
    #[default]
    List,
    /// A table of label and answer cells.
    Table,
    /// "Label: answer" lines.
    Lines,
}

/// A theme ready to use: its scheme and its layered files.
pub struct Theme {
    pub scheme: ThemeScheme,
    /// Where the scheme came from, for messages.
    pub scheme_path: PathBuf,
    /// Templates by name (`report.html`, `pdf/report.typ`), already layered.
    pub templates: BTreeMap<String, String>,
    /// Where each template came from, as messages name it: `themes/x/pdf/theme.typ` for
    /// the site's theme, `<built-in>/templates/pdf/lib.typ` for agendum's own.
    pub origins: BTreeMap<String, String>,
    /// Static files by output path (`agendum.css`), already layered.
    pub statics: BTreeMap<String, Vec<u8>>,
    /// The bundled fonts (`assets/fonts`) and the theme's own (`fonts/`), by file name:
    /// what the PDFs are set in, and what `check` measures coverage against.
    /// Built-in fonts are borrowed from the binary, not copied (13 MB).
    pub fonts: BTreeMap<String, std::borrow::Cow<'static, [u8]>>,
}

impl ThemeScheme {
    pub fn section(&self, key: &str) -> Option<&SectionScheme> {
        self.sections.iter().find(|s| s.key == key)
    }

    /// Find the section a Markdown heading names: by `{#key}`, heading or alias.
    pub fn match_heading(&self, text: &str, id: Option<&str>) -> Option<&SectionScheme> {
        if let Some(id) = id {
            return self.section(id);
        }
        let norm = normalise_heading(text);
        self.sections
            .iter()
            .find(|s| normalise_heading(&s.heading) == norm || normalise_heading(&s.key) == norm || s.aliases.iter().any(|a| normalise_heading(a) == norm))
    }
}

/// "RECOMMENDATION(S)", "Recommendations" and "recommendations" all match.
pub fn normalise_heading(s: &str) -> String {
    let lower = s.to_lowercase().replace("(s)", "s");
    lower.chars().filter(|c| c.is_alphanumeric()).collect()
}

/// Load the theme named in `agendum.yaml`: the site's `themes/<name>/` if present, else a
/// built-in theme; templates and static files layer built-in < theme < site.
pub fn load_theme(site: &Path, name: &str, name_pos: Pos) -> Result<Theme, Diagnostic> {
    let site_theme = site.join("themes").join(name);
    let (scheme_text, scheme_path, theme_dir): (String, PathBuf, Option<PathBuf>) = if site_theme.join("theme.yaml").is_file() {
        let path = site_theme.join("theme.yaml");
        (crate::load::read_text(site, &path)?, rel(site, &path), Some(site_theme.clone()))
    } else if let Some(bytes) = builtin::file(&format!("themes/{name}/theme.yaml")) {
        (String::from_utf8_lossy(bytes).into_owned(), PathBuf::from(format!("<built-in>/themes/{name}/theme.yaml")), None)
    } else {
        let names = builtin::theme_names();
        let d = Diagnostic::error(name_pos, format!("no theme named `{name}`")).field("theme").suggest(
            name,
            names.iter().copied(),
            format!("built-in themes: {}; or create themes/{name}/theme.yaml", names.join(", ")),
        );
        return Err(d);
    };
    let scheme: ThemeScheme = yaml::parse(&Source { path: &scheme_path, text: &scheme_text, line_offset: 0 })?;
    validate_scheme(&scheme, &scheme_path)?;

    let mut templates = BTreeMap::new();
    let mut statics = BTreeMap::new();
    let mut origins = BTreeMap::new();
    // 1. built-in defaults
    for (p, b) in builtin::files_under("templates") {
        templates.insert(p.to_string(), String::from_utf8_lossy(b).into_owned());
        origins.insert(p.to_string(), format!("<built-in>/templates/{p}"));
    }
    for (p, b) in builtin::files_under("themes/default/static") {
        statics.insert(p.to_string(), b.to_vec());
    }
    // 2. the theme (built-in copy, then the site's copy of it)
    for (p, b) in builtin::files_under(&format!("themes/{name}/templates")) {
        templates.insert(p.to_string(), String::from_utf8_lossy(b).into_owned());
        origins.insert(p.to_string(), format!("<built-in>/themes/{name}/templates/{p}"));
    }
    for (p, b) in builtin::files_under(&format!("themes/{name}/pdf")) {
        templates.insert(format!("pdf/{p}"), String::from_utf8_lossy(b).into_owned());
        origins.insert(format!("pdf/{p}"), format!("<built-in>/themes/{name}/pdf/{p}"));
    }
    for (p, b) in builtin::files_under(&format!("themes/{name}/static")) {
        statics.insert(p.to_string(), b.to_vec());
    }
    let mut fonts = BTreeMap::new();
    for (p, b) in builtin::files_under("assets/fonts").chain(builtin::files_under(&format!("themes/{name}/fonts"))) {
        if crate::fonts::is_font_file(p) {
            fonts.insert(p.to_string(), std::borrow::Cow::Borrowed(b));
        }
    }
    if let Some(dir) = &theme_dir {
        let mut own = BTreeMap::new();
        layer_dir(site, &dir.join("templates"), "", &mut own)?;
        origins.extend(own.keys().map(|k| (k.clone(), format!("themes/{name}/templates/{k}"))));
        templates.extend(own);
        let mut own = BTreeMap::new();
        layer_dir(site, &dir.join("pdf"), "pdf/", &mut own)?;
        origins.extend(own.keys().map(|k| (k.clone(), format!("themes/{name}/{k}"))));
        templates.extend(own);
        layer_static(&dir.join("static"), &mut statics)?;
        let mut own = BTreeMap::new();
        layer_static(&dir.join("fonts"), &mut own)?;
        fonts.extend(own.into_iter().filter(|(p, _)| crate::fonts::is_font_file(p)).map(|(p, b)| (p, std::borrow::Cow::Owned(b))));
    }
    // 3. the site's own templates. A site file identical to the built-in default is the
    //    default (a site that copied the defaults, or this repository, which is both the
    //    example site and the source of the defaults): it must not mask the theme's.
    let mut site_templates = BTreeMap::new();
    layer_dir(site, &site.join("templates"), "", &mut site_templates)?;
    for (name, text) in site_templates {
        let builtin_default = builtin::file(&format!("templates/{name}")).map(String::from_utf8_lossy);
        if builtin_default.as_deref() != Some(text.as_str()) {
            origins.insert(name.clone(), format!("templates/{name}"));
            templates.insert(name, text);
        }
    }
    check_pdf_keys(&origins, &templates)?;
    Ok(Theme { scheme, scheme_path, templates, origins, statics, fonts })
}

fn layer_dir(site: &Path, dir: &Path, prefix: &str, into: &mut BTreeMap<String, String>) -> Result<(), Diagnostic> {
    if !dir.is_dir() {
        return Ok(());
    }
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name().into_iter().filter_map(Result::ok) {
        if !entry.file_type().is_file() {
            continue;
        }
        let name = entry.path().strip_prefix(dir).unwrap_or(entry.path()).to_string_lossy().replace('\\', "/");
        let text = crate::load::read_text(site, entry.path())?;
        into.insert(format!("{prefix}{name}"), text);
    }
    Ok(())
}

fn layer_static(dir: &Path, into: &mut BTreeMap<String, Vec<u8>>) -> Result<(), Diagnostic> {
    if !dir.is_dir() {
        return Ok(());
    }
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name().into_iter().filter_map(Result::ok) {
        if entry.file_type().is_file() {
            let name = entry.path().strip_prefix(dir).unwrap_or(entry.path()).to_string_lossy().replace('\\', "/");
            let bytes = fs::read(entry.path()).map_err(|e| Diagnostic::error(Pos::file(entry.path()), format!("cannot read static file: {e}")))?;
            into.insert(name, bytes);
        }
    }
    Ok(())
}

/// A theme's `pdf/theme.typ` sets only keys that `templates/pdf/defaults.typ` defines:
/// a misspelt key would otherwise be ignored in silence. Checked when the theme loads,
/// so `check` and `build` report it alike, at the theme's own file and line.
/// A key of a PDF style dictionary (`defaults.typ`, a theme's `theme.typ`): its line,
/// name, value as written, and the `//` comment lines just above it.
pub struct PdfKey {
    pub line: usize,
    pub key: String,
    pub value: String,
    pub comment: String,
}

/// The keys of a PDF style dictionary: `  key: value,` lines, indented one level.
pub fn pdf_keys(text: &str) -> Vec<PdfKey> {
    let mut out = Vec::new();
    let mut comment = String::new();
    for (n, l) in text.lines().enumerate() {
        let t = l.trim_start();
        if let Some(c) = t.strip_prefix("//") {
            if l.starts_with("  ") {
                comment.push_str(c.trim());
                comment.push(' ');
            }
            continue;
        }
        let key: String = t.chars().take_while(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-').collect();
        if let Some(value) = t[key.len()..].trim_start().strip_prefix(':').filter(|_| !key.is_empty() && l.starts_with("  ") && !l.starts_with("    ")) {
            let value = value.trim().trim_end_matches(',').to_string();
            out.push(PdfKey { line: n + 1, key, value, comment: comment.trim().to_string() });
        }
        comment.clear();
    }
    out
}

fn check_pdf_keys(origins: &BTreeMap<String, String>, templates: &BTreeMap<String, String>) -> Result<(), Diagnostic> {
    let (Some(defaults), Some(theme)) = (templates.get("pdf/defaults.typ"), templates.get("pdf/theme.typ")) else { return Ok(()) };
    let known: Vec<String> = pdf_keys(defaults).into_iter().map(|k| k.key).collect();
    for PdfKey { line, key, .. } in pdf_keys(theme) {
        if !known.contains(&key) {
            let file = origins.get("pdf/theme.typ").cloned().unwrap_or_else(|| "pdf/theme.typ".into());
            return Err(Diagnostic::error(Pos::new(file, line as u32, 3), format!("`{key}` is not a PDF theme key")).suggest(
                &key,
                known.iter().map(String::as_str),
                format!("the keys are: {}", known.join(", ")),
            ));
        }
    }
    Ok(())
}

fn validate_scheme(scheme: &ThemeScheme, path: &Path) -> Result<(), Diagnostic> {
    let err = |field: &str, msg: String, hint: &str| Diagnostic::error(Pos::file(path), msg).field(field.to_string()).hint(hint.to_string());
    // A bad strftime directive would fail at print time: refuse it here, with the theme.
    let bad_format = chrono::format::StrftimeItems::new(&scheme.header.date_format.replace("%o", "")).any(|i| matches!(i, chrono::format::Item::Error));
    if bad_format {
        return Err(err(
            "header.date_format",
            format!("`{}` is not a date format", scheme.header.date_format),
            "use strftime directives: `%-d %B %Y` gives 6 November 2007, `%A %-d%o %B %Y` gives Thursday 24th June 2010",
        ));
    }
    let mut keys = std::collections::BTreeSet::new();
    let names: Vec<String> = HeaderKey::ALL.iter().map(|k| k.name()).collect();
    for f in &scheme.header.fields {
        match (f.key.is_empty(), f.own.is_empty()) {
            (false, false) | (true, true) => {
                return Err(err(
                    "header.fields",
                    format!("header row `{}{}` needs one of `key` and `own`", f.key, f.own),
                    "`key:` names a built-in row (date, contact_officer, ...); `own:` names a row of the theme's own",
                ))
            }
            (false, true) if f.builtin().is_none() => {
                let d = Diagnostic::error(Pos::file(path), format!("`{}` is not a built-in header row", f.key)).field("header.fields.key");
                return Err(d.suggest(
                    &f.key,
                    names.iter().map(String::as_str),
                    format!("built-in rows: {}; for a row of the theme's own, write `own: {}`", names.join(", "), f.key),
                ));
            }
            _ => {}
        }
        if !f.own.is_empty() && !f.own.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_') {
            return Err(err(
                "header.fields.own",
                format!("`{}` is not a key: use lower-case letters, digits and _", f.own),
                "e.g. `own: report_no`, which reports fill as `header: {report_no: RES/23/18}`",
            ));
        }
        if !keys.insert(f.name()) {
            return Err(err("header.fields", format!("header row `{}` appears twice", f.name()), "list each row once"));
        }
    }
    if scheme.header.title == TitlePlacement::None && !keys.contains("title") && !scheme.header.masthead.contains(&MastheadLine::Title) {
        return Err(err(
            "header.title",
            "`title: none` but neither a `title` header row nor a `title` masthead line prints the title".into(),
            "add `- key: title` to header.fields, or `title` to header.masthead, or place the title `above` or `below` the header",
        ));
    }
    if scheme.sections.iter().filter(|s| s.kind == SectionKind::Body).count() > 1 {
        return Err(err("sections", "more than one section is the `body` slot".into(), "a theme has one place for the report's own sections"));
    }
    let mut seen = std::collections::BTreeSet::new();
    for s in &scheme.sections {
        if !seen.insert(s.key.as_str()) {
            return Err(Diagnostic::error(Pos::file(path), format!("section key `{}` appears twice", s.key))
                .field("sections")
                .hint("give every section a unique key"));
        }
        if matches!(s.kind, SectionKind::Fields | SectionKind::Consultees) && s.fields.is_empty() {
            return Err(Diagnostic::error(Pos::file(path), format!("section `{}` lists no fields", s.key))
                .field(format!("sections.{}.fields", s.key))
                .hint("a fields or consultees section needs `fields: [{key, label}]`"));
        }
    }
    // The Word import map names sections and header rows the scheme has.
    for (heading, key) in &scheme.import.sections {
        if scheme.section(key).is_none() {
            let d = Diagnostic::error(Pos::file(path), format!("`import.sections` maps “{heading}” to `{key}`, which is not a section of the scheme"))
                .field("import.sections");
            return Err(d.suggest(key, scheme.sections.iter().map(|s| s.key.as_str()), "map it to one of the sections' keys"));
        }
    }
    let own: Vec<&str> = scheme.header.fields.iter().filter(|f| !f.own.is_empty()).map(|f| f.own.as_str()).collect();
    for (field, key) in
        scheme.import.header.values().map(|k| ("import.header", k)).chain(scheme.import.header_styles.values().map(|k| ("import.header_styles", k)))
    {
        if HeaderKey::from_name(key).is_none() && !own.contains(&key.as_str()) && key != "public_interest" {
            let d = Diagnostic::error(Pos::file(path), format!("`{key}` is not a header row")).field(field);
            let known: Vec<&str> = names.iter().map(String::as_str).chain(own.iter().copied()).chain(["public_interest"]).collect();
            return Err(d.suggest(key, known.iter().copied(), format!("header rows: {}", known.join(", "))));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_import_map_names_what_the_scheme_has() {
        let scheme = |import: &str| -> ThemeScheme {
            serde_saphyr::from_str(&format!("name: t\nsections:\n  - key: summary\n    heading: Summary\nimport:\n{import}")).unwrap()
        };
        let path = Path::new("themes/t/theme.yaml");
        assert!(validate_scheme(&scheme("  sections: {Executive summary: summary}\n  header: {Report author: author}\n"), path).is_ok());
        let e = validate_scheme(&scheme("  sections: {Executive summary: sumary}\n"), path).unwrap_err();
        assert!(e.message.contains("not a section") && e.hint.as_deref() == Some("did you mean `summary`?"), "{e:?}");
        let e = validate_scheme(&scheme("  header_styles: {Masthead Date: dat}\n"), path).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("import.header_styles"));
        // Every built-in theme's map is valid, and names its template's own styles.
        for name in crate::builtin::theme_names() {
            let text = String::from_utf8_lossy(crate::builtin::file(&format!("themes/{name}/theme.yaml")).unwrap()).into_owned();
            let scheme: ThemeScheme = serde_saphyr::from_str(&text).unwrap();
            validate_scheme(&scheme, path).unwrap();
        }
    }

    #[test]
    fn headings_match_loosely() {
        assert_eq!(normalise_heading("RECOMMENDATION(S)"), normalise_heading("Recommendations"));
        assert_eq!(normalise_heading("Reason for report"), "reasonforreport");
    }

    #[test]
    fn site_copies_of_the_defaults_do_not_mask_the_theme() {
        let dir = std::env::temp_dir().join(format!("agendum-theme-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(dir.join("templates/pdf")).unwrap();
        fs::write(dir.join("templates/pdf/theme.typ"), builtin::file("templates/pdf/theme.typ").unwrap()).unwrap();
        fs::write(dir.join("templates/meeting.html"), "{{ council }} custom").unwrap();
        let theme = load_theme(&dir, "bromley", Pos::default()).unwrap();
        assert_eq!(theme.templates["pdf/theme.typ"].as_bytes(), builtin::file("themes/bromley/pdf/theme.typ").unwrap());
        assert_eq!(theme.templates["meeting.html"], "{{ council }} custom", "a changed site template wins");
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn every_builtin_theme_loads() {
        let names = builtin::theme_names();
        for expected in ["default", "bromley", "bromsgrove", "haringey"] {
            assert!(names.contains(&expected), "missing built-in theme {expected}");
        }
        for name in names {
            let theme = load_theme(Path::new("/nonexistent"), name, Pos::default()).unwrap_or_else(|e| panic!("theme {name}: {e}"));
            assert!(!theme.scheme.sections.is_empty());
            assert!(theme.templates.contains_key("report.html"));
        }
    }
}
