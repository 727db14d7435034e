//! Deterministic benchmark corpus: N meetings x M realistic reports (header fields,
//! numbered commentary with sub-headings and lists, a YAML money table, some Markdown
//! appendices, some exempt items), in the default theme.
//!
//!     cargo run --release --example gen_corpus -- <out-dir> [meetings] [reports] [seed]

use std::fmt::Write as _;
use std::fs;
use std::path::Path;

/// A small LCG: the corpus must be the same on every machine and every run.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len() as u64) as usize]
    }
}

const WORDS: &[&str] = &[
    "council",
    "service",
    "budget",
    "members",
    "residents",
    "delivery",
    "contract",
    "savings",
    "programme",
    "partnership",
    "strategy",
    "housing",
    "transport",
    "parking",
    "review",
    "performance",
    "investment",
    "capital",
    "revenue",
    "risk",
    "officers",
    "consultation",
    "borough",
    "ward",
    "planning",
    "waste",
    "libraries",
    "leisure",
    "staff",
    "procurement",
    "the",
    "of",
    "and",
    "to",
    "in",
    "for",
    "with",
    "on",
    "a",
    "will",
    "be",
    "has",
    "been",
    "is",
    "are",
    "this",
    "that",
    "proposed",
    "agreed",
    "expected",
    "reported",
    "improve",
    "reduce",
    "support",
    "deliver",
    "consider",
    "monitor",
];
const TITLES: &[&str] = &[
    "Parking Services Review",
    "Leisure Centres Contract",
    "Housing Revenue Account Budget",
    "Waste Collection Options",
    "Libraries Transformation",
    "Capital Programme Monitoring",
    "Shared Services Update",
    "Highways Maintenance Plan",
    "Council Tax Support Scheme",
    "Treasury Management Strategy",
    "Climate Action Plan Progress",
    "Corporate Risk Register",
];
const COMMITTEES: &[(&str, &str, &str)] = &[
    ("cabinet", "Cabinet", "executive"),
    ("scrutiny", "Overview and Scrutiny Committee", "scrutiny"),
    ("planning", "Planning Committee", "regulatory"),
    ("audit", "Audit and Governance Committee", "non-executive"),
];

fn sentence(r: &mut Rng, words: usize) -> String {
    let mut s = String::new();
    for i in 0..words {
        let w = r.pick(WORDS);
        if i == 0 {
            let mut c = w.chars();
            s.push_str(&c.next().unwrap().to_uppercase().collect::<String>());
            s.push_str(c.as_str());
        } else {
            s.push(' ');
            s.push_str(w);
        }
    }
    s.push('.');
    s
}

fn paragraph(r: &mut Rng) -> String {
    let n = 3 + r.below(4) as usize;
    (0..n)
        .map(|_| {
            let w = 10 + r.below(14) as usize;
            sentence(r, w)
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let out = Path::new(args.get(1).map(String::as_str).unwrap_or("bench/corpus"));
    let meetings: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(100);
    let reports: usize = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(10);
    let seed: u64 = args.get(4).and_then(|s| s.parse().ok()).unwrap_or(2012);
    let mut r = Rng(seed);
    let _ = fs::remove_dir_all(out);
    fs::create_dir_all(out.join("content/committees")).unwrap();
    fs::write(out.join("agendum.yaml"), "council: Example Borough Council\ntheme: default\nbase_url: https://democracy.example.gov.uk/\n").unwrap();
    for (slug, name, kind) in COMMITTEES {
        let members: String = (1..=7).map(|i| format!("  - name: Councillor {}. Member\n", (b'A' + i as u8) as char)).collect();
        fs::write(out.join(format!("content/committees/{slug}.yaml")), format!("name: {name}\nkind: {kind}\nmembers:\n{members}")).unwrap();
    }
    for m in 0..meetings {
        let (slug, _, _) = COMMITTEES[m % COMMITTEES.len()];
        // Meetings spread over the years, on weekdays, unique per committee.
        let day = chrono_like_date(2015, (m / COMMITTEES.len()) * 9 + m % COMMITTEES.len());
        let dir = out.join(format!("content/meetings/{day}-{slug}"));
        fs::create_dir_all(&dir).unwrap();
        let mut items = String::from("items:\n  - procedural: apologies\n  - procedural: declarations\n  - procedural: minutes\n");
        for k in 0..reports {
            let n = k + 4;
            let title = format!("{} {}", r.pick(TITLES), m * reports + k + 1);
            let rslug = format!("report-{}", k + 1);
            let exempt = r.below(20) == 0;
            let has_appendix = r.below(5) == 0;
            items.push_str(&format!("  - report: {rslug}\n"));
            let mut s = String::new();
            writeln!(s, "---\ntitle: {title}\nreport_of: Director of Place\nportfolio_holder: Councillor B. Member\ncontact_officer:\n  name: Officer {n}\n  role: Head of Service\n  phone: 01234 567{n:03}\n  email: officer{n}@example.gov.uk").unwrap();
            let (w1, w2, key) = (r.pick(&["North", "South", "East"]), r.pick(&["Central", "Riverside", "Park"]), r.below(3) == 0);
            writeln!(s, "wards: [{w1} Ward, {w2} Ward]\ndecision:\n  key: {key}\n  executive: {}\npurpose: decision", slug == "cabinet").unwrap();
            if exempt {
                writeln!(s, "exempt:\n  paragraphs: [3]\n  public_interest: The commercial interests of the council outweigh disclosure.").unwrap();
            }
            writeln!(s, "recommendations:").unwrap();
            for _ in 0..3 {
                let rec = sentence(&mut r, 12).to_lowercase();
                writeln!(s, "  - That the Committee {rec}").unwrap();
            }
            writeln!(s, "background_papers:\n  - Report to the Committee, {}", chrono_like_date(2014, m)).unwrap();
            if has_appendix {
                writeln!(s, "appendices:\n  - id: \"1\"\n    title: Supporting analysis\n    file: {rslug}/appendix-1.md\n    numbered: true").unwrap();
            }
            writeln!(s, "tables:\n  savings:\n    caption: Savings by year\n    columns:\n      - {{key: item, heading: Item}}\n      - {{key: year, heading: Year}}\n      - {{key: amount, heading: Saving, format: money}}\n    rows:").unwrap();
            for y in 0..5 {
                let amount = 10_000 + r.below(400) * 1000;
                writeln!(s, "      - {{item: Saving {}, year: 20{}/{}, amount: {amount}}}", y + 1, 20 + y, 21 + y).unwrap();
            }
            writeln!(s, "    total: [amount]\n---\n").unwrap();
            {
                let p = paragraph(&mut r);
                writeln!(s, "## Summary\n\n{p}\n").unwrap();
            }
            {
                let p = paragraph(&mut r);
                writeln!(s, "## Reasons for the recommendations\n\n{p}\n").unwrap();
            }
            writeln!(s, "## Background and commentary\n").unwrap();
            for sub in 0..3 {
                let heading = r.pick(&["Background", "Options", "Progress", "Next steps", "Consultation findings"]);
                writeln!(s, "### {heading}\n").unwrap();
                let n = 3 + r.below(4);
                for p in 0..n {
                    let para = paragraph(&mut r);
                    writeln!(s, "{para}\n").unwrap();
                    if p == 1 && sub == 0 {
                        for _ in 0..4 {
                            let item = sentence(&mut r, 7);
                            writeln!(s, "- {item}").unwrap();
                        }
                        writeln!(s).unwrap();
                    }
                }
            }
            {
                let p = paragraph(&mut r);
                writeln!(s, "## Financial implications\n\n{p}\n\n[[table savings]]\n").unwrap();
            }
            {
                let p = paragraph(&mut r);
                writeln!(s, "## Legal implications\n\n{p}\n").unwrap();
            }
            {
                let p = paragraph(&mut r);
                writeln!(s, "## Risk management\n\n{p}\n").unwrap();
            }
            fs::write(dir.join(format!("{n:02}-{rslug}.md")), s).unwrap();
            if has_appendix {
                let mut a = String::new();
                for h in 0..3 {
                    writeln!(a, "## Part {}\n", h + 1).unwrap();
                    for _ in 0..3 {
                        let p = paragraph(&mut r);
                        writeln!(a, "{p}\n").unwrap();
                    }
                }
                fs::create_dir_all(dir.join(&rslug)).unwrap();
                fs::write(dir.join(&rslug).join("appendix-1.md"), a).unwrap();
            }
        }
        fs::write(dir.join("meeting.yaml"), format!("committee: {slug}\ndate: {day}\ntime: \"18:30\"\nvenue: Council Chamber, Town Hall\n{items}")).unwrap();
    }
    eprintln!("wrote {meetings} meetings x {reports} reports into {}", out.display());
}

/// The `n`th weekday from 5 January of `year`, as YYYY-MM-DD (no calendar crate needed
/// for a corpus: 30-day months are close enough and always valid dates).
fn chrono_like_date(year: usize, n: usize) -> String {
    let day_index = n + n / 5 * 2; // skip weekends roughly
    let y = year + day_index / 336;
    let rest = day_index % 336;
    format!("{y}-{:02}-{:02}", rest / 28 + 1, rest % 28 + 1)
}
