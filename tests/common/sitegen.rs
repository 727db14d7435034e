//! Generated sites for property tests: meetings with public and exempt reports, exempt
//! appendices (Markdown and tables), images whose names clash between public and exempt
//! use, and labels inside exempt appendices referenced from public text. Every exempt
//! thing carries a unique marker (`Writer::markers`); authoring faults make some sites
//! fail to build on purpose.

use std::fmt::Write as _;
use std::path::Path;

use proptest::prelude::*;

#[derive(Debug, Clone)]
pub struct Site {
    pub meetings: Vec<Meeting>,
}

#[derive(Debug, Clone)]
pub struct Meeting {
    pub day: u8,
    pub reports: Vec<Report>,
    /// The meeting's minutes: a minute per report (an exempt report's minute exempt),
    /// and, if set, one public item's minute marked exempt by the clerk.
    pub minutes: Option<Minutes>,
}

#[derive(Debug, Clone)]
pub struct Minutes {
    /// The first report's minute is marked `exempt:` with a public summary.
    pub clerk_exempts_first: bool,
    pub votes: bool,
}

#[derive(Debug, Clone)]
pub struct Report {
    pub exempt: bool,
    pub paras: u8,
    /// A public image in the summary, named like the exempt one.
    pub public_image: bool,
    pub appendices: Vec<Appendix>,
    /// Public text refers to a label inside the first exempt appendix.
    pub ref_into_exempt: bool,
    pub fault: Fault,
}

#[derive(Debug, Clone)]
pub struct Appendix {
    pub exempt: bool,
    pub table: bool,
    pub image: bool,
    pub label: bool,
}

/// Authoring slips a generated report may carry, so that `check` and `build` are
/// compared on sites that fail as well as on sites that build.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Fault {
    None,
    MissingAlt,
    UnknownHeading,
    MissingImage,
    UnknownLabel,
    DuplicateSection,
}

pub fn appendix() -> impl Strategy<Value = Appendix> {
    (any::<bool>(), any::<bool>(), any::<bool>(), any::<bool>()).prop_map(|(exempt, table, image, label)| Appendix { exempt, table, image, label })
}

pub fn fault() -> impl Strategy<Value = Fault> {
    prop_oneof![
        12 => Just(Fault::None),
        1 => Just(Fault::MissingAlt),
        1 => Just(Fault::UnknownHeading),
        1 => Just(Fault::MissingImage),
        1 => Just(Fault::UnknownLabel),
        1 => Just(Fault::DuplicateSection),
    ]
}

pub fn report() -> impl Strategy<Value = Report> {
    (prop::bool::weighted(0.35), 1u8..4, any::<bool>(), prop::collection::vec(appendix(), 0..3), any::<bool>(), fault()).prop_map(
        |(exempt, paras, public_image, appendices, ref_into_exempt, fault)| Report { exempt, paras, public_image, appendices, ref_into_exempt, fault },
    )
}

pub fn site() -> impl Strategy<Value = Site> {
    let minutes = prop::option::weighted(0.6, (any::<bool>(), any::<bool>()).prop_map(|(clerk_exempts_first, votes)| Minutes { clerk_exempts_first, votes }));
    prop::collection::vec((1u8..28, prop::collection::vec(report(), 1..4), minutes).prop_map(|(day, reports, minutes)| Meeting { day, reports, minutes }), 1..3)
        .prop_map(|mut meetings| {
            // One meeting per date: the committee meets once a day.
            let mut seen = std::collections::BTreeSet::new();
            meetings.retain(|m| seen.insert(m.day));
            Site { meetings }
        })
}

/// Writes a site and remembers every marker it planted.
pub struct Writer {
    pub markers: Vec<String>,
}

impl Writer {
    pub fn marker(&mut self, what: &str) -> String {
        // Lower case and hyphen-free, so it survives being made into a slug or file name.
        let m = format!("zqx{}{}mark", what, self.markers.len());
        self.markers.push(m.clone());
        m
    }

    pub fn write(&mut self, root: &Path, site: &Site) {
        let _ = std::fs::remove_dir_all(root);
        std::fs::create_dir_all(root.join("content/committees")).unwrap();
        std::fs::write(
            root.join("agendum.yaml"),
            "council: Generated Borough Council\ntheme: default\nbase_url: https://example.gov.uk/\ndemocratic_services:\n  name: Democratic Services\n  email: ds@example.gov.uk\n",
        )
        .unwrap();
        std::fs::write(
            root.join("content/committees/planning.yaml"),
            "name: Planning Committee\nkind: regulatory\nmembers:\n  - name: Councillor A. Chair\n    role: Chair\n",
        )
        .unwrap();
        for m in &site.meetings {
            let dir = root.join(format!("content/meetings/2030-03-{:02}-planning", m.day));
            std::fs::create_dir_all(dir.join("pub")).unwrap();
            std::fs::create_dir_all(dir.join("sec")).unwrap();
            // Item 1 confirms the last meeting's minutes: the agenda carries them as a
            // public paper, exempt minutes withheld. Reports are items 2 onwards.
            let mut items = String::from("  - procedural: minutes\n");
            for (i, r) in m.reports.iter().enumerate() {
                // An exempt report's file name is exempt too: it must not become a public URL.
                let slug = if r.exempt { format!("report-{}-{}", i + 1, self.marker("slug")) } else { format!("report-{}", i + 1) };
                writeln!(items, "  - report: {slug}").unwrap();
                let text = self.report(&dir, i, r);
                std::fs::write(dir.join(format!("{:02}-{slug}.md", i + 1)), text).unwrap();
            }
            if let Some(mins) = &m.minutes {
                let text = self.minutes(m, mins);
                std::fs::write(dir.join("minutes.yaml"), text).unwrap();
            }
            std::fs::write(
                dir.join("meeting.yaml"),
                format!("committee: planning\ndate: 2030-03-{:02}\ntime: \"18:00\"\nvenue: Town Hall\npublished: 2030-02-20\nitems:\n{items}", m.day),
            )
            .unwrap();
        }
    }

    /// minutes.yaml for `m`: every exempt minute's text, resolution and mover carry markers.
    pub fn minutes(&mut self, m: &Meeting, mins: &Minutes) -> String {
        let mut y = String::from("attendance:\n  present: [Councillor A. Chair, Councillor B. Member, Councillor C. Member]\n");
        let exempt_items: Vec<usize> =
            m.reports.iter().enumerate().filter(|(i, r)| r.exempt || (*i == 0 && mins.clerk_exempts_first)).map(|(i, _)| i + 2).collect();
        if !exempt_items.is_empty() {
            let items: Vec<String> = exempt_items.iter().map(|i| format!("\"{i}\"")).collect();
            writeln!(y, "exclusion:\n  items: [{}]\n  paragraphs: [3]", items.join(", ")).unwrap();
        }
        y.push_str("minutes:\n");
        for (i, r) in m.reports.iter().enumerate() {
            let n = i + 2;
            let clerk = i == 0 && mins.clerk_exempts_first && !r.exempt;
            let secret = r.exempt || clerk;
            let tag = |w: &mut Writer, what: &str| if secret { format!(" {}", w.marker(what)) } else { String::new() };
            let (text, resolved, proposer) = (tag(self, "minutetext"), tag(self, "resolved"), tag(self, "proposer"));
            writeln!(y, "  - item: \"{n}\"\n    text: The committee considered the report.{text}\n    resolved: That the recommendations be agreed.{resolved}\n    proposer: Councillor B.{proposer}").unwrap();
            if clerk {
                writeln!(y, "    exempt: [3]\n    public_summary: The committee agreed the recommendations.").unwrap();
            }
            if mins.votes {
                writeln!(y, "    votes: {{for: 2, against: 1}}").unwrap();
            }
        }
        y
    }

    pub fn svg(title: &str) -> String {
        format!("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 10 10\" width=\"10\" height=\"10\"><title>{title}</title><rect width=\"10\" height=\"10\" fill=\"#1d4f91\"/></svg>\n")
    }

    pub fn report(&mut self, dir: &Path, index: usize, r: &Report) -> String {
        let n = index + 1;
        // In an exempt report everything but the title is exempt.
        let tag = |w: &mut Writer, what: &str| if r.exempt { format!(" {}", w.marker(what)) } else { String::new() };
        let mut front = format!("title: Generated report {n}\n");
        writeln!(front, "report_of: Director of Place{}", tag(self, "reportof")).unwrap();
        front.push_str("contact_officer:\n  name: A. Officer\n  email: a.officer@example.gov.uk\n");
        writeln!(front, "wards: [\"Central{}\"]", tag(self, "ward")).unwrap();
        front.push_str("decision:\n  key: false\npurpose: decision\nbackground_papers: none\n");
        writeln!(front, "recommendations:\n  - That the committee agrees the proposal.{}", tag(self, "rec")).unwrap();
        if r.exempt {
            let pi = self.marker("interest");
            writeln!(front, "exempt:\n  paragraphs: [3]\n  public_interest: \"The public interest in withholding outweighs disclosure. {pi}\"").unwrap();
        }
        let mut body = String::new();
        writeln!(body, "## Summary\n\nThis report is number {n}.{}\n", tag(self, "summary")).unwrap();
        if r.public_image {
            let file = format!("pub/chart-{n}.svg");
            std::fs::write(dir.join(&file), Self::svg(&format!("Public chart {n}{}", tag(self, "pubsvg")))).unwrap();
            writeln!(body, "![A public chart of report {n}]({file})\n").unwrap();
        }
        if r.fault == Fault::MissingAlt {
            std::fs::write(dir.join(format!("pub/noalt-{n}.svg")), Self::svg("x")).unwrap();
            writeln!(body, "![](pub/noalt-{n}.svg)\n").unwrap();
        }
        if r.fault == Fault::MissingImage {
            writeln!(body, "![A chart that is not there](pub/missing-{n}.svg)\n").unwrap();
        }
        if r.fault == Fault::DuplicateSection {
            body.push_str("## Summary\n\nThe summary again.\n\n");
        }
        body.push_str("## Background and commentary\n\n");
        for p in 0..r.paras {
            writeln!(body, "Paragraph {p} of the commentary.{}\n", tag(self, "para")).unwrap();
        }
        if r.fault == Fault::UnknownLabel {
            body.push_str("As [](#no-such-label) says.\n\n");
        }
        if r.fault == Fault::UnknownHeading {
            body.push_str("## Not a section of this theme\n\nText.\n\n");
        }

        let mut apps = String::new();
        let mut tables = String::new();
        let mut first_exempt_label: Option<String> = None;
        for (k, a) in r.appendices.iter().enumerate() {
            let id = (b'A' + k as u8) as char;
            let secret = r.exempt || a.exempt;
            let t = |w: &mut Writer, what: &str| if secret { format!(" {}", w.marker(what)) } else { String::new() };
            writeln!(apps, "  - id: {id}\n    title: Appendix title {id}").unwrap();
            if a.exempt {
                apps.push_str("    exempt: true\n");
            }
            if a.table {
                let key = format!("t{}", k);
                writeln!(apps, "    table: {key}").unwrap();
                let cell = t(self, "cell");
                writeln!(tables, "  {key}:\n    columns:\n      - {{ key: name, heading: Name }}\n      - {{ key: price, heading: Price, format: money }}\n    rows:\n      - {{ name: \"Bidder{cell}\", price: 1000 }}").unwrap();
            } else {
                let file = format!("sec/appendix-{n}-{}.md", id.to_ascii_lowercase());
                writeln!(apps, "    file: {file}\n    numbered: true").unwrap();
                let mut md = format!("## Detail\n\nAppendix text.{}", t(self, "apptext"));
                if a.label {
                    let label = if secret { self.marker("label") } else { format!("label-{n}-{k}") };
                    write!(md, " {{#{label}}}").unwrap();
                    if a.exempt && first_exempt_label.is_none() {
                        first_exempt_label = Some(label);
                    }
                }
                md.push_str("\n\n");
                if a.image {
                    // Same file name as the public chart, different bytes.
                    let img = format!("sec/{k}/chart-{n}.svg");
                    std::fs::create_dir_all(dir.join(format!("sec/{k}"))).unwrap();
                    std::fs::write(dir.join(&img), Self::svg(&format!("Appendix chart{}", t(self, "secsvg")))).unwrap();
                    writeln!(md, "![An appendix chart{}](sec/{k}/chart-{n}.svg)\n", t(self, "alt")).unwrap();
                }
                std::fs::write(dir.join(&file), md).unwrap();
            }
        }
        if r.ref_into_exempt {
            if let Some(label) = &first_exempt_label {
                writeln!(body, "The details are in [](#{label}).\n").unwrap();
            }
        }
        if !apps.is_empty() {
            front.push_str("appendices:\n");
            front.push_str(&apps);
        }
        if !tables.is_empty() {
            front.push_str("tables:\n");
            front.push_str(&tables);
        }
        format!("---\n{front}---\n\n{body}")
    }
}
