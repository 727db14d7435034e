//! The model: council, committees, meetings, agenda items and reports, typed as users
//! write them. Serde derives these straight from YAML with `deny_unknown_fields`, so a
//! typo is an error with a suggestion; `Spanned` keeps the positions that later stages
//! need for their messages.

use std::path::PathBuf;

use chrono::{Datelike, NaiveDate};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::yaml::{Spanned, SpannedMap};

/// `agendum.yaml` at the site root.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SiteConfig {
    /// The council's name as printed on every paper, e.g. "London Borough of Bromley".
    pub council: String,
    /// Theme name: `themes/<name>/` in the site, else a built-in theme.
    #[serde(default = "default_theme")]
    #[schemars(with = "String")]
    pub theme: Spanned<String>,
    /// Absolute URL where `output/` is published, used for absolute links.
    #[serde(default)]
    pub base_url: Option<String>,
    /// Document language (BCP 47), `en-GB` unless set.
    #[serde(default = "default_language")]
    pub language: String,
    #[serde(default)]
    pub publication: PublicationRules,
    /// Democratic services contact printed on agenda front sheets.
    #[serde(default)]
    pub democratic_services: Option<Contact>,
    /// The council's logo (SVG or PNG, inside the site) and its alt text.
    #[serde(default)]
    #[schemars(with = "Option<Logo>")]
    pub logo: Option<Spanned<Logo>>,
    /// The constitution's rules for decision records and call-in.
    #[serde(default)]
    pub decisions: DecisionRules,
}

#[derive(Debug, Deserialize, Serialize, Clone, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionRules {
    /// Clear working days after a decision notice is published in which it can be called
    /// in; it takes effect on the next working day (commonly five).
    #[serde(default = "five")]
    pub call_in_working_days: u32,
    /// Working days after a decision within which its record must be published ("as soon
    /// as reasonably practicable": many constitutions say two or three).
    #[serde(default = "two")]
    pub record_within_working_days: u32,
}

impl Default for DecisionRules {
    fn default() -> Self {
        DecisionRules { call_in_working_days: 5, record_within_working_days: 2 }
    }
}

fn two() -> u32 {
    2
}

/// `content/decisions/<reference>.yaml`: one decision notice, of an executive decision
/// (taken at a meeting, or by a member or officer alone) or an officer decision, with
/// what regulations 12-13 of the 2012 Regulations (and regulation 7 of the Openness of
/// Local Government Bodies Regulations 2014) require it to record.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionFile {
    /// The council's decision reference ("CAB-2025-014").
    pub reference: String,
    pub title: String,
    /// `executive` (subject to call-in unless urgent) or `officer`.
    pub kind: DecisionKind,
    /// Taken at a meeting: its folder under content/meetings ("2025-06-17-cabinet").
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub meeting: Option<Spanned<String>>,
    /// The agenda item it was taken on.
    #[serde(default)]
    pub item: Option<String>,
    /// Taken by one person (a Cabinet member, an officer under delegation): who.
    #[serde(default)]
    pub taken_by: Option<Person>,
    /// The date the decision was taken: YYYY-MM-DD.
    #[schemars(with = "String")]
    pub date: Spanned<String>,
    /// The date the decision notice was published: YYYY-MM-DD. Absent: not yet.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub published: Option<Spanned<String>>,
    /// A key decision: its forward plan reference and the criteria it meets.
    #[serde(default)]
    #[schemars(with = "Option<KeyDecisionRecord>")]
    pub key_decision: Option<Spanned<KeyDecisionRecord>>,
    /// The decision: Markdown.
    pub decision: String,
    /// The reasons for it: Markdown.
    pub reasons: String,
    /// Alternative options considered and rejected: Markdown.
    #[serde(default)]
    pub alternatives: Option<String>,
    /// Any conflict of interest declared by a member consulted, or the decision maker.
    #[serde(default)]
    pub conflicts: Option<String>,
    /// A dispensation granted for it.
    #[serde(default)]
    pub dispensation: Option<String>,
    #[serde(default)]
    #[schemars(with = "Option<CallIn>")]
    pub call_in: Option<Spanned<CallIn>>,
    /// Exempt under these Schedule 12A paragraphs: the public notice keeps its reference,
    /// title, maker, dates and `public_summary` only.
    #[serde(default)]
    pub exempt: Option<Vec<u8>>,
    #[serde(default)]
    pub public_summary: Option<String>,
    /// The signed-and-dated block of the council's form.
    #[serde(default)]
    pub signed: Option<Signature>,
}

#[derive(Debug, Deserialize, Serialize, Clone, Copy, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum DecisionKind {
    Executive,
    Officer,
}

#[derive(Debug, Deserialize, Clone, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct KeyDecisionRecord {
    /// The forward plan entry's reference ("KD-2025-07").
    pub reference: String,
    /// Which of the constitution's key-decision tests it meets.
    #[serde(default)]
    pub criteria: Vec<String>,
}

#[derive(Debug, Default, Deserialize, Clone, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CallIn {
    /// Not subject to call-in: the reason for urgency, as agreed by the chair of scrutiny.
    #[serde(default)]
    pub urgent: Option<String>,
    /// The date it was called in, if it was.
    #[serde(default)]
    pub called_in: Option<String>,
    /// By whom.
    #[serde(default)]
    pub called_in_by: Vec<String>,
    /// What scrutiny decided, once it has.
    #[serde(default)]
    pub outcome: Option<String>,
}

#[derive(Debug, Deserialize, Clone, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Signature {
    pub name: String,
    #[serde(default)]
    pub role: Option<String>,
    pub date: String,
}

#[derive(Debug, Deserialize, Serialize, Clone, PartialEq, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Logo {
    pub file: String,
    /// Required: the logo is an image, and a screen reader reads this instead.
    pub alt: String,
}

fn default_theme() -> Spanned<String> {
    Spanned::new("default".to_string(), serde_saphyr::Location::UNKNOWN, serde_saphyr::Location::UNKNOWN)
}
fn default_language() -> String {
    "en-GB".to_string()
}

#[derive(Debug, Deserialize, Serialize, Clone, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PublicationRules {
    /// Clear working days between publication and meeting (LGA 1972 s100B: five).
    #[serde(default = "five")]
    pub clear_working_days: u32,
    /// Extra days the council's offices are closed (ISO dates), beyond bank holidays.
    #[serde(default)]
    pub closure_days: Vec<String>,
    /// Notice of a key decision: 28 clear `calendar` days (the 2012 Regulations) or
    /// `working` days, as the constitution says.
    #[serde(default)]
    pub key_decision_days: KeyDecisionDays,
}

#[derive(Debug, Deserialize, Serialize, Clone, Copy, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum KeyDecisionDays {
    #[default]
    Calendar,
    Working,
}

impl PublicationRules {
    /// The working-day calendar: bank holidays and the council's closure days (those
    /// written as dates; `check` reports the others).
    pub fn calendar(&self) -> crate::calendar::Calendar {
        crate::calendar::Calendar::new(self.closure_days.iter().filter_map(|d| parse_date(d).ok()).collect())
    }
}

impl Default for PublicationRules {
    fn default() -> Self {
        PublicationRules { clear_working_days: 5, closure_days: Vec::new(), key_decision_days: KeyDecisionDays::Calendar }
    }
}
fn five() -> u32 {
    5
}

#[derive(Debug, Deserialize, Serialize, Clone, Default, PartialEq, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    pub name: String,
    #[serde(default)]
    pub role: Option<String>,
    /// One number, or a list: `phone: [020 8461 7596, 07700 900123]`.
    #[serde(default)]
    pub phone: OneOrMany,
    /// One address, or a list; each is checked and linked with `mailto:`.
    #[serde(default)]
    pub email: OneOrMany,
}

/// A value authors write once or as a list.
#[derive(Debug, Deserialize, Clone, Default, PartialEq, Eq, JsonSchema)]
#[serde(untagged)]
pub enum OneOrMany {
    #[default]
    #[serde(skip)]
    Nothing,
    One(String),
    Many(Vec<String>),
}

/// As written: nothing is `null`, one value a string, several a list.
impl Serialize for OneOrMany {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            OneOrMany::Nothing => s.serialize_none(),
            OneOrMany::One(v) => s.serialize_str(v),
            OneOrMany::Many(v) => v.serialize(s),
        }
    }
}

impl OneOrMany {
    pub fn items(&self) -> Vec<&str> {
        match self {
            OneOrMany::Nothing => vec![],
            OneOrMany::One(s) => vec![s.as_str()],
            OneOrMany::Many(v) => v.iter().map(String::as_str).collect(),
        }
    }
    pub fn is_empty(&self) -> bool {
        self.items().is_empty()
    }
}

/// One contact officer, or several (each printed as its own block).
#[derive(Debug, Deserialize, Clone, PartialEq, JsonSchema)]
#[serde(untagged)]
pub enum Contacts {
    One(Contact),
    Many(Vec<Contact>),
}

impl Contacts {
    pub fn all(&self) -> Vec<&Contact> {
        match self {
            Contacts::One(c) => vec![c],
            Contacts::Many(v) => v.iter().collect(),
        }
    }
}

/// One of the councils of a joint committee.
#[derive(Debug, Deserialize, Serialize, Clone, PartialEq, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PartnerCouncil {
    pub name: String,
    /// The council's logo, inside the site, with its alt text.
    #[serde(default)]
    pub logo: Option<Logo>,
    #[serde(default)]
    pub contact: Option<Contact>,
    #[serde(default)]
    pub url: Option<String>,
}

/// `content/committees/<slug>.yaml`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CommitteeFile {
    pub name: String,
    pub kind: CommitteeKind,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub members: Vec<Member>,
    /// A joint committee: the councils it serves, each printed in mastheads and named in
    /// the open data. Absent: the site's own council.
    #[serde(default)]
    pub councils: Vec<PartnerCouncil>,
}

#[derive(Debug, Deserialize, Serialize, Clone, Copy, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum CommitteeKind {
    Executive,
    NonExecutive,
    Scrutiny,
    Regulatory,
}

impl CommitteeKind {
    pub fn label(self) -> &'static str {
        match self {
            CommitteeKind::Executive => "Executive",
            CommitteeKind::NonExecutive => "Non-Executive",
            CommitteeKind::Scrutiny => "Scrutiny",
            CommitteeKind::Regulatory => "Regulatory",
        }
    }
}

#[derive(Debug, Deserialize, Serialize, Clone, PartialEq, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Member {
    pub name: String,
    #[serde(default)]
    pub role: Option<String>,
    #[serde(default)]
    pub party: Option<String>,
    /// The ward (or division) the councillor represents.
    #[serde(default)]
    pub ward: Option<String>,
    /// The councillor's register of interests: an https:// address.
    #[serde(default)]
    pub interests: Option<String>,
}

/// `content/meetings/<yyyy-mm-dd>-<committee>/meeting.yaml`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MeetingFile {
    /// Slug of a file in `content/committees/`.
    #[schemars(with = "String")]
    pub committee: Spanned<String>,
    #[schemars(with = "String")]
    pub date: Spanned<String>,
    /// 24-hour clock, "19:00"; left out where the papers give no time.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub time: Option<Spanned<String>>,
    #[serde(default)]
    pub venue: Option<String>,
    /// Date the agenda was (or will be) published.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub published: Option<Spanned<String>>,
    /// The agenda, in order: item numbers follow this order.
    #[schemars(with = "Vec<ItemEntry>")]
    pub items: Vec<Spanned<ItemEntry>>,
    /// Notices of a private (Part 2) executive meeting: the 28-day notice of intention
    /// and the 5-day confirmation (Access to Information Regulations 2012, reg. 5).
    #[serde(default)]
    #[schemars(with = "Option<PrivateNotices>")]
    pub private_notices: Option<Spanned<PrivateNotices>>,
    /// Re-issues of the published agenda pack, each with the date and the reason, which
    /// the meeting page shows. A published pack changes only through one of these or
    /// through a supplementary agenda (items with `added:`).
    #[serde(default)]
    #[schemars(with = "Vec<Reissue>")]
    pub reissued: Vec<Spanned<Reissue>>,
    /// Whether the meeting takes (or took) place as planned. Absent: scheduled, or held
    /// once its minutes are written.
    #[serde(default)]
    #[schemars(with = "Option<MeetingStatus>")]
    pub status: Option<Spanned<MeetingStatus>>,
    /// Why it was cancelled, postponed or rescheduled (the meeting page says it).
    #[serde(default)]
    pub status_reason: Option<String>,
    /// A rescheduled meeting: the date it was first called for (its folder and `date:`
    /// are the new date).
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub previous_date: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize, Serialize, Clone, Copy, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum MeetingStatus {
    Scheduled,
    Held,
    Cancelled,
    /// Put off to a date not yet fixed.
    Postponed,
    /// Moved to this folder's date from `previous_date`.
    Rescheduled,
}

/// `minutes.yaml` beside `meeting.yaml`: the record of what happened, written by the
/// clerk after the meeting. Draft until `approved` says when the committee approved it
/// as a correct record.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MinutesFile {
    #[serde(default)]
    #[schemars(with = "Option<Approval>")]
    pub approved: Option<Spanned<Approval>>,
    /// Minutes numbered continuously across meetings (parish and town councils): the
    /// number of this meeting's first minute. Absent: each minute takes its item's number.
    #[serde(default)]
    #[schemars(with = "Option<u32>")]
    pub first_number: Option<Spanned<u32>>,
    #[serde(default)]
    pub attendance: Attendance,
    #[serde(default)]
    #[schemars(with = "Vec<Declaration>")]
    pub declarations: Vec<Spanned<Declaration>>,
    /// The resolution to exclude the press and public (s100A(4) Local Government Act 1972).
    #[serde(default)]
    #[schemars(with = "Option<ExclusionResolution>")]
    pub exclusion: Option<Spanned<ExclusionResolution>>,
    /// The meeting's webcast or recording: an https:// address.
    #[serde(default)]
    pub webcast: Option<String>,
    /// One entry per agenda item minuted, in agenda order.
    #[schemars(with = "Vec<Minute>")]
    pub minutes: Vec<Spanned<Minute>>,
}

#[derive(Debug, Deserialize, Clone, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Approval {
    /// The date of the meeting at which the minutes were approved: YYYY-MM-DD.
    pub date: String,
    /// Who signed them (the chair at that meeting).
    #[serde(default)]
    pub signed_by: Option<String>,
}

#[derive(Debug, Default, Deserialize, Clone, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Attendance {
    /// Members present: a name, or `{name, role}` ("Chairman").
    #[serde(default)]
    pub present: Vec<Person>,
    #[serde(default)]
    pub apologies: Vec<String>,
    #[serde(default)]
    pub substitutes: Vec<Substitute>,
    /// Members absent without apologies.
    #[serde(default)]
    pub absent: Vec<String>,
    /// Other councillors who attended (not members of the committee).
    #[serde(default)]
    pub also_present: Vec<Person>,
    #[serde(default)]
    pub officers: Vec<Person>,
}

#[derive(Debug, Deserialize, Serialize, Clone, PartialEq, JsonSchema)]
#[serde(untagged)]
pub enum Person {
    Name(String),
    Full {
        name: String,
        #[serde(default)]
        role: Option<String>,
    },
}

impl Person {
    pub fn name(&self) -> &str {
        match self {
            Person::Name(n) | Person::Full { name: n, .. } => n,
        }
    }
    pub fn role(&self) -> Option<&str> {
        match self {
            Person::Name(_) => None,
            Person::Full { role, .. } => role.as_deref(),
        }
    }
}

#[derive(Debug, Deserialize, Clone, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Substitute {
    pub name: String,
    /// The member substituted for.
    #[serde(rename = "for")]
    pub for_member: String,
}

#[derive(Debug, Deserialize, Clone, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Declaration {
    pub member: String,
    /// The agenda item number the interest is in.
    pub item: String,
    pub kind: InterestKind,
    /// What the interest is, as declared.
    pub nature: String,
    /// The member left the room for the item.
    #[serde(default)]
    pub left_room: bool,
    /// A dispensation granted, and by whom.
    #[serde(default)]
    pub dispensation: Option<String>,
}

#[derive(Debug, Deserialize, Serialize, Clone, Copy, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum InterestKind {
    DisclosablePecuniary,
    OtherRegistrable,
    NonRegistrable,
}

impl InterestKind {
    pub fn label(self) -> &'static str {
        match self {
            InterestKind::DisclosablePecuniary => "Disclosable pecuniary interest",
            InterestKind::OtherRegistrable => "Other registrable interest",
            InterestKind::NonRegistrable => "Non-registrable interest",
        }
    }
}

#[derive(Debug, Deserialize, Clone, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExclusionResolution {
    /// The agenda items the public is excluded for.
    pub items: Vec<String>,
    /// The paragraphs of Part 1 of Schedule 12A the business falls under.
    pub paragraphs: Vec<u8>,
}

#[derive(Debug, Deserialize, Clone, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Minute {
    /// The agenda item minuted: its number.
    pub item: String,
    /// The minute's heading; absent: the item's title.
    #[serde(default)]
    pub title: Option<String>,
    /// What was considered and said: Markdown.
    #[serde(default)]
    pub text: Option<String>,
    /// The decision, as resolved ("That ..."): Markdown. Printed after "RESOLVED:".
    #[serde(default)]
    pub resolved: Option<String>,
    #[serde(default)]
    pub proposer: Option<String>,
    #[serde(default)]
    pub seconder: Option<String>,
    #[serde(default)]
    pub votes: Option<Votes>,
    /// Where in the webcast the item starts: "hh:mm:ss".
    #[serde(default)]
    pub webcast_at: Option<String>,
    /// Exempt under these Schedule 12A paragraphs. A minute of an exempt item is exempt
    /// without this.
    #[serde(default)]
    pub exempt: Option<Vec<u8>>,
    /// For an exempt minute: what may be published of it (the public sees only this).
    #[serde(default)]
    pub public_summary: Option<String>,
}

/// A recorded vote: each side a count, or the names of those who voted so.
#[derive(Debug, Deserialize, Clone, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Votes {
    #[serde(rename = "for", default)]
    pub for_: VoteSide,
    #[serde(default)]
    pub against: VoteSide,
    #[serde(default)]
    pub abstain: VoteSide,
}

#[derive(Debug, Deserialize, Clone, JsonSchema)]
#[serde(untagged)]
pub enum VoteSide {
    Count(u32),
    Names(Vec<String>),
}

impl Default for VoteSide {
    fn default() -> Self {
        VoteSide::Count(0)
    }
}

#[derive(Debug, Deserialize, Serialize, Clone, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Reissue {
    pub date: String,
    pub reason: String,
}

#[derive(Debug, Deserialize, Clone, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PrivateNotices {
    pub intention: Option<String>,
    pub confirmation: Option<String>,
}

/// One agenda entry: a report (a Markdown file beside `meeting.yaml`) or a procedural item.
#[derive(Debug, Deserialize, Clone, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ItemEntry {
    /// The item's number as the clerk numbers it ("7", "1a"); later items without one
    /// count on from it. Absent: one more than the item before.
    #[serde(default)]
    pub number: Option<String>,
    /// Report file stem, with or without its `nn-` prefix: `shared-services-update`.
    #[serde(default)]
    pub report: Option<String>,
    #[serde(default)]
    pub procedural: Option<ProceduralKind>,
    #[serde(default)]
    pub title: Option<String>,
    /// Markdown text printed under a procedural item.
    #[serde(default)]
    pub text: Option<String>,
    /// A document the item carries into the pack (a procedural item's: the draft minutes
    /// of the last meeting, say): a Markdown or PDF file in the meeting's folder. It is
    /// public; exempt material belongs in a report marked `exempt`.
    #[serde(default)]
    pub file: Option<String>,
    /// For a PDF `file`: what it is and shows, in words, for a screen reader (its pages
    /// go into the pack as pictures).
    #[serde(default)]
    pub alt: Option<String>,
    /// Date the item was added, when after the agenda was published (a supplement).
    #[serde(default)]
    pub added: Option<String>,
    /// Why a late item cannot wait (s100B(4)(b)): required when `added` is after
    /// publication.
    #[serde(default)]
    pub urgency: Option<String>,
}

#[derive(Debug, Deserialize, Serialize, Clone, Copy, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ProceduralKind {
    Apologies,
    Declarations,
    Minutes,
    PublicQuestions,
    UrgentBusiness,
    Exclusion,
    Other,
}

impl ProceduralKind {
    pub fn default_title(self) -> &'static str {
        match self {
            ProceduralKind::Apologies => "Apologies for absence",
            ProceduralKind::Declarations => "Declarations of interest",
            ProceduralKind::Minutes => "Minutes of the previous meeting",
            ProceduralKind::PublicQuestions => "Questions from members of the public",
            ProceduralKind::UrgentBusiness => "Urgent business",
            ProceduralKind::Exclusion => "Exclusion of the press and public",
            ProceduralKind::Other => "Other business",
        }
    }
}

/// The YAML front matter of a report.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportFront {
    #[schemars(with = "String")]
    pub title: Spanned<String>,
    /// Defaults to the committee's name.
    #[serde(default)]
    pub decision_maker: Option<String>,
    /// Defaults to the meeting date.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub date: Option<Spanned<String>>,
    #[serde(default)]
    pub report_of: Option<String>,
    #[serde(default)]
    pub author: Option<String>,
    #[serde(default)]
    pub chief_officer: Option<String>,
    #[serde(default)]
    pub head_of_service: Option<String>,
    #[serde(default)]
    pub portfolio_holder: Option<String>,
    /// "Signed:" line of the Haringey template: who signs the report off.
    #[serde(default)]
    pub signed: Option<String>,
    /// One contact officer, or a list of them.
    #[schemars(with = "Option<Contacts>")]
    pub contact_officer: Option<Spanned<Contacts>>,
    #[serde(default)]
    #[schemars(with = "Option<Wards>")]
    pub wards: Option<Spanned<Wards>>,
    #[serde(default)]
    pub decision: DecisionType,
    #[serde(default)]
    pub purpose: Purpose,
    /// Notice of a key decision: the forward plan entry, or a general exception or
    /// special urgency instead.
    #[serde(default)]
    #[schemars(with = "Option<KeyDecisionNotice>")]
    pub notice: Option<Spanned<KeyDecisionNotice>>,
    /// Part 2: the Schedule 12A paragraphs and the public-interest statement.
    #[serde(default)]
    #[schemars(with = "Option<Exempt>")]
    pub exempt: Option<Spanned<Exempt>>,
    /// Lead-in line printed before the list, e.g. "It is recommended that the Board:".
    #[serde(default)]
    pub recommendations_intro: Option<String>,
    /// Each a sentence, or `{text, items}` with its own numbered sub-recommendations.
    #[serde(default)]
    pub recommendations: Vec<Recommendation>,
    /// Prose sections may also be given here (Markdown), keyed as in the theme.
    #[serde(default)]
    pub reasons: Option<String>,
    #[serde(default)]
    pub alternative_options: Option<String>,
    /// Who was consulted: theme role key -> yes/no (or a comment).
    #[serde(default)]
    pub consultees: SpannedMap<Consulted>,
    /// A list, or `none`.
    #[serde(default)]
    #[schemars(with = "Option<BackgroundPapers>")]
    pub background_papers: Option<Spanned<BackgroundPapers>>,
    #[serde(default)]
    #[schemars(with = "Vec<AppendixEntry>")]
    pub appendices: Vec<Spanned<AppendixEntry>>,
    /// Short answers for the theme's `fields` sections: section key -> field key -> text.
    #[serde(default)]
    pub facts: SpannedMap<SpannedMap<String>>,
    /// YAML data rendered as tables: `[[table key]]` in the Markdown places one.
    #[serde(default)]
    pub tables: SpannedMap<TableData>,
    /// Values for the theme's own header rows (`Classification`, `Past Pathway`), by key;
    /// several lines print as several lines.
    #[serde(default)]
    pub header: SpannedMap<OneOrMany>,
}

/// A recommendation, with sub-recommendations (2.1 -> 2.1.1) if it has any.
#[derive(Debug, Deserialize, Clone, JsonSchema)]
#[serde(untagged)]
pub enum Recommendation {
    Text(String),
    Nested(NestedRecommendation),
}

#[derive(Debug, Deserialize, Clone, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NestedRecommendation {
    pub text: String,
    #[serde(default)]
    pub items: Vec<Recommendation>,
}

impl Recommendation {
    pub fn text(&self) -> &str {
        match self {
            Recommendation::Text(t) => t,
            Recommendation::Nested(n) => &n.text,
        }
    }
    pub fn items(&self) -> &[Recommendation] {
        match self {
            Recommendation::Text(_) => &[],
            Recommendation::Nested(n) => &n.items,
        }
    }
}

#[derive(Debug, Deserialize, Serialize, Clone, PartialEq, Eq, JsonSchema)]
#[serde(untagged)]
pub enum Wards {
    /// "borough-wide", "district-wide", "all", or any single ward name.
    One(String),
    Many(Vec<String>),
}

impl Wards {
    pub fn display(&self) -> String {
        match self {
            Wards::One(s) => match s.to_lowercase().as_str() {
                "borough-wide" | "borough wide" => "Borough-wide".into(),
                "district-wide" | "district wide" => "District-wide".into(),
                "all" => "All".into(),
                _ => s.clone(),
            },
            Wards::Many(v) => v.join(", "),
        }
    }
}

#[derive(Debug, Deserialize, Serialize, Clone, Copy, Default, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionType {
    #[serde(default)]
    pub key: bool,
    #[serde(default)]
    pub urgent: bool,
    #[serde(default)]
    pub executive: bool,
    #[serde(default)]
    pub call_in: bool,
}

#[derive(Debug, Deserialize, Serialize, Clone, Default, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct KeyDecisionNotice {
    /// Date the forward plan (notice of key decision) entry was published.
    #[serde(default)]
    pub forward_plan: Option<String>,
    /// Date of the general exception notice (at least 5 clear days).
    #[serde(default)]
    pub general_exception: Option<String>,
    /// Special urgency: the reason, agreed with the chair of scrutiny.
    #[serde(default)]
    pub special_urgency: Option<String>,
}

#[derive(Debug, Deserialize, Serialize, Clone, Copy, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Purpose {
    #[default]
    Decision,
    Information,
    Noting,
}

impl Purpose {
    pub fn label(self) -> &'static str {
        match self {
            Purpose::Decision => "For decision",
            Purpose::Information => "For information",
            Purpose::Noting => "For noting",
        }
    }
}

#[derive(Debug, Deserialize, Serialize, Clone, Default, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Exempt {
    /// Paragraphs of Part 1 of Schedule 12A to the Local Government Act 1972 (1-7).
    pub paragraphs: Vec<u8>,
    #[serde(default)]
    pub public_interest: Option<String>,
}

#[derive(Debug, Deserialize, Serialize, Clone, JsonSchema)]
#[serde(untagged)]
pub enum Consulted {
    YesNo(bool),
    Comment(String),
}

#[derive(Debug, Deserialize, Serialize, Clone, JsonSchema)]
#[serde(untagged)]
pub enum BackgroundPapers {
    /// `none`, `not applicable`, or a sentence.
    Text(String),
    List(Vec<String>),
}

#[derive(Debug, Deserialize, Serialize, Clone, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AppendixEntry {
    /// "1", "A", "B": printed as "Appendix 1".
    pub id: String,
    pub title: String,
    /// A Markdown or PDF file, relative to the report's folder.
    #[serde(default)]
    pub file: Option<String>,
    /// A key of `tables:` rendered as the whole appendix.
    #[serde(default)]
    pub table: Option<String>,
    /// Exempt appendix (Part 2) to a public report.
    #[serde(default)]
    pub exempt: bool,
    /// Number a Markdown appendix's `##` headings (1, 2, ...) and paragraphs (1.1, 1.1.1),
    /// as in a memorandum of understanding. `## Schedule 1 {.unnumbered}` opts out.
    #[serde(default)]
    pub numbered: bool,
    /// For a PDF appendix: what it shows, in words (its pages go into the item PDF as
    /// pictures, so this is what a screen reader announces for them).
    #[serde(default)]
    pub alt: Option<String>,
}

/// A table of YAML data: columns, rows, totals.
#[derive(Debug, Deserialize, Clone, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TableData {
    #[serde(default)]
    pub caption: Option<String>,
    pub columns: Vec<Column>,
    pub rows: Vec<SpannedMap<Cell>>,
    /// Column keys to total in a final row.
    #[serde(default)]
    pub total: Vec<String>,
    /// Label for the total row, "Total" unless set.
    #[serde(default)]
    pub total_label: Option<String>,
}

#[derive(Debug, Deserialize, Serialize, Clone, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Column {
    pub key: String,
    pub heading: String,
    #[serde(default)]
    pub format: ColumnFormat,
}

#[derive(Debug, Deserialize, Serialize, Clone, Copy, Default, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ColumnFormat {
    #[default]
    Text,
    Money,
    Number,
    Percent,
}

#[derive(Debug, Deserialize, Serialize, Clone, JsonSchema)]
#[serde(untagged)]
pub enum Cell {
    Number(f64),
    Text(String),
    List(Vec<String>),
}

/// An agenda item's number: the clerk's where given ("7", "1a": up to three digits and
/// one lower-case letter), else one more than the item before; `next` counts on.
/// `None`: what was given is not an item number.
pub fn agenda_number(given: Option<&str>, next: &mut u32) -> Option<String> {
    match given {
        Some(n) => {
            let n = n.trim();
            let digits: String = n.chars().take_while(char::is_ascii_digit).collect();
            let rest = &n[digits.len()..];
            if !(1..=3).contains(&digits.len()) || rest.len() > 1 || !rest.chars().all(|c| c.is_ascii_lowercase()) {
                return None;
            }
            *next = digits.parse::<u32>().unwrap_or(0) + 1;
            Some(n.to_string())
        }
        None => {
            let n = next.to_string();
            *next += 1;
            Some(n)
        }
    }
}

impl MeetingFile {
    /// The numbers its agenda gives its items, in order (an entry whose number is not
    /// one is left out).
    pub fn item_numbers(&self) -> Vec<String> {
        let mut next = 1;
        self.items.iter().filter_map(|e| agenda_number(e.value.number.as_deref(), &mut next)).collect()
    }
}

/// A parsed ISO date with where it was written, for messages.
pub fn parse_date(s: &str) -> Result<NaiveDate, String> {
    let d = NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|e| {
        let t = s.trim();
        let shape_ok = t.len() == 10 && t.as_bytes()[4] == b'-' && t.as_bytes()[7] == b'-';
        if shape_ok {
            format!("`{t}` is not a real date ({e})")
        } else {
            format!("`{t}` is not a date in the form YYYY-MM-DD")
        }
    })?;
    // Committee papers are dated in years a calendar of bank holidays can cover.
    if !(1900..=2200).contains(&d.year()) {
        return Err(format!("`{}` is outside the years 1900 to 2200", s.trim()));
    }
    Ok(d)
}

/// Where a loaded report came from.
#[derive(Debug)]
pub struct ReportSource {
    /// `content/meetings/<dir>/<nn>-<slug>.md`, relative to the site.
    pub path: PathBuf,
    /// The slug without the numeric prefix.
    pub slug: String,
    pub front: ReportFrontHolder,
    /// Markdown after the front matter.
    pub body: String,
    /// Line in the file where `body` starts (1-based).
    pub body_line: u32,
}

/// Front matter is large; box it so that `ReportSource` moves cheaply.
pub type ReportFrontHolder = Box<ReportFront>;

/// `content/forward-plan.yaml`: the notice of key decisions to be taken (Local
/// Authorities (Executive Arrangements) (Meetings and Access to Information) (England)
/// Regulations 2012, reg. 9), published 28 clear days ahead.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ForwardPlanFile {
    #[serde(default = "forward_plan_title")]
    pub title: String,
    /// Date this edition of the plan was published.
    #[schemars(with = "String")]
    pub published: Spanned<String>,
    #[serde(default)]
    pub introduction: Option<String>,
    #[schemars(with = "Vec<PlannedDecision>")]
    pub decisions: Vec<Spanned<PlannedDecision>>,
}

fn forward_plan_title() -> String {
    "Forward plan of key decisions".to_string()
}

#[derive(Debug, Deserialize, Clone, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PlannedDecision {
    /// The plan's reference for it ("KD-2025-07"): decision notices name it.
    #[serde(default)]
    pub reference: Option<String>,
    pub title: String,
    pub decision_maker: String,
    /// When the decision is expected: a date (YYYY-MM-DD) or a month (YYYY-MM).
    pub expected: String,
    #[serde(default = "yes")]
    pub key: bool,
    #[serde(default)]
    pub wards: Option<Wards>,
    #[serde(default)]
    pub summary: Option<String>,
    /// Paragraphs of Schedule 12A if the report is expected to be exempt in whole or part.
    #[serde(default)]
    pub exempt_paragraphs: Vec<u8>,
    #[serde(default)]
    pub documents: Vec<String>,
    #[serde(default)]
    pub contact: Option<String>,
}

fn yes() -> bool {
    true
}
