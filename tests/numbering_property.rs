//! Numbering as a property over generated reports and themes: whatever the scheme
//! (section, continuous, none), the headings (the theme's, the report's own, run-in),
//! continuation paragraphs, lists and references, a report either resolves with numbers
//! that are unique, in order and what its references print, or is refused; and a number
//! the author typed is never silently replaced.

mod common;

use std::fmt::Write as _;

use agendum::document::{Block, Inline, ReportDoc};
use proptest::prelude::*;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Scheme {
    Section,
    Continuous,
    None,
}

#[derive(Debug, Clone)]
struct Theme {
    scheme: Scheme,
    numbered_subsections: bool,
    run_in_all: bool,
    paragraph_suffix: bool,
}

#[derive(Debug, Clone)]
enum Piece {
    Para {
        label: bool,
        refer: bool,
    },
    Continued,
    Sub {
        run_in: bool,
    },
    List {
        ordered: bool,
        start: u8,
        items: u8,
        nested: bool,
    },
    /// "3.1 The council ..." typed by the author.
    TypedNumber,
}

#[derive(Debug, Clone)]
struct Section {
    /// A theme section (`background`, `implications`) or one of the report's own.
    own: Option<String>,
    pieces: Vec<Piece>,
}

fn piece() -> impl Strategy<Value = Piece> {
    prop_oneof![
        8 => (any::<bool>(), prop::bool::weighted(0.3)).prop_map(|(label, refer)| Piece::Para { label, refer }),
        2 => Just(Piece::Continued),
        2 => any::<bool>().prop_map(|run_in| Piece::Sub { run_in }),
        2 => (any::<bool>(), prop_oneof![4 => Just(1u8), 1 => 2u8..9], 1u8..4, any::<bool>()).prop_map(|(ordered, start, items, nested)| Piece::List { ordered, start, items, nested }),
        1 => Just(Piece::TypedNumber),
    ]
}

fn theme() -> impl Strategy<Value = Theme> {
    (prop_oneof![Just(Scheme::Section), Just(Scheme::Continuous), Just(Scheme::None)], any::<bool>(), any::<bool>(), any::<bool>())
        .prop_map(|(scheme, numbered_subsections, run_in_all, paragraph_suffix)| Theme { scheme, numbered_subsections, run_in_all, paragraph_suffix })
}

fn sections() -> impl Strategy<Value = Vec<Section>> {
    let own = prop::option::weighted(0.5, prop::sample::select(vec!["Local matters", "Police Matters", "The business case", "Next steps"]));
    prop::collection::vec((own, prop::collection::vec(piece(), 1..7)).prop_map(|(own, pieces)| Section { own: own.map(str::to_string), pieces }), 1..5)
}

/// Writes the site; returns the number of typed numbers and the typed paragraphs' text.
fn write_site(dir: &std::path::Path, theme: &Theme, sections: &[Section]) -> (usize, Vec<String>) {
    let scheme = match theme.scheme {
        Scheme::Section => "section",
        Scheme::Continuous => "continuous",
        Scheme::None => "none",
    };
    std::fs::create_dir_all(dir.join("themes/gen")).unwrap();
    std::fs::create_dir_all(dir.join("content/committees")).unwrap();
    std::fs::create_dir_all(dir.join("content/meetings/2024-05-01-board")).unwrap();
    std::fs::write(dir.join("agendum.yaml"), "council: Generated Council\ntheme: gen\n").unwrap();
    std::fs::write(dir.join("content/committees/board.yaml"), "name: Board\nkind: executive\n").unwrap();
    std::fs::write(
        dir.join("content/meetings/2024-05-01-board/meeting.yaml"),
        "committee: board\ndate: \"2024-05-01\"\ntime: \"10:00\"\nvenue: Hall\nitems:\n  - report: gen\n",
    )
    .unwrap();
    let own_numbered = theme.scheme != Scheme::Continuous;
    std::fs::write(
        dir.join("themes/gen/theme.yaml"),
        format!(
            "name: gen\nnumbering:\n  paragraphs: {scheme}\n  subsections: {}\n  run_in_subheadings: {}\n  paragraph_suffix: \"{}\"\n\
             sections:\n  - key: summary\n    heading: Summary\n    required: true\n  - key: recommendations\n    heading: Recommendations\n    kind: recommendations\n    style: paragraph\n\
             \x20 - key: background\n    heading: Background\n  - key: own\n    heading: Own\n    kind: body\n    numbered: {own_numbered}\n\
             \x20 - key: implications\n    heading: Implications\n  - key: papers\n    heading: Background papers\n    kind: background_papers\n    number_paragraphs: false\n",
            if theme.numbered_subsections { "numbered" } else { "unnumbered" },
            theme.run_in_all,
            if theme.paragraph_suffix { "." } else { "" },
        ),
    )
    .unwrap();
    let mut md = String::from("---\ntitle: Generated\ncontact_officer: {name: A Person, email: a.person@example.gov.uk}\nrecommendations:\n  - text: That the Board agrees.\n    items: [first, second]\nbackground_papers: none\n---\n\n## Summary\n\nThe summary. {#summary-para}\n");
    let mut labels = 0;
    let mut typed = 0;
    let mut typed_text = Vec::new();
    let theme_keys = ["background", "implications"];
    let mut used_theme = 0;
    for (n, s) in sections.iter().enumerate() {
        match &s.own {
            Some(h) => {
                let _ = write!(md, "\n## {h} {{#own-{n}}}\n\n");
            }
            None if used_theme < theme_keys.len() => {
                let _ = write!(md, "\n## {}\n\n", theme_keys[used_theme]);
                used_theme += 1;
            }
            None => {
                let _ = write!(md, "\n## Extra {n}\n\n");
            }
        }
        for (i, p) in s.pieces.iter().enumerate() {
            match p {
                Piece::Para { label, refer } => {
                    let r = if *refer && labels > 0 { format!(" See paragraph [](#l{}).", labels - 1) } else { " See [](#summary-para).".to_string() };
                    let l = if *label {
                        labels += 1;
                        format!(" {{#l{}}}", labels - 1)
                    } else {
                        String::new()
                    };
                    let _ = write!(md, "Paragraph {n}-{i}.{r}{l}\n\n");
                }
                Piece::Continued => {
                    let _ = write!(md, "{{.continued}} More of the paragraph before.\n\n");
                }
                Piece::Sub { run_in } => {
                    let _ = write!(md, "### Sub {n}-{i}{}\n\nText under it.\n\n", if *run_in { " {.run-in}" } else { "" });
                }
                Piece::List { ordered, start, items, nested } => {
                    for k in 0..*items {
                        let marker = if *ordered { format!("{}.", *start as usize + k as usize) } else { "-".into() };
                        let _ = writeln!(md, "{marker} Item {k}");
                        if *nested && k == 0 {
                            let _ = writeln!(md, "   1. Inner");
                        }
                    }
                    if *ordered && *start != 1 {
                        typed += 1;
                    }
                    // A paragraph after it, so that two lists in a row stay two lists
                    // (Markdown joins adjacent ones into one).
                    md.push_str("\nAfter the list.\n\n");
                }
                Piece::TypedNumber => {
                    typed += 1;
                    let text = format!("{}.7 The council typed this number in {n}-{i}.", n + 3);
                    let _ = write!(md, "{text}\n\n");
                    typed_text.push(text);
                }
            }
        }
    }
    std::fs::write(dir.join("content/meetings/2024-05-01-board/01-gen.md"), md).unwrap();
    (typed, typed_text)
}

/// Every paragraph number printed in the report, in order, and the number of each id.
fn numbers(r: &ReportDoc) -> (Vec<String>, std::collections::BTreeMap<String, String>) {
    let mut out = Vec::new();
    let mut ids = std::collections::BTreeMap::new();
    for s in &r.sections {
        let mut numbered_before = false;
        for b in &s.blocks {
            if let Block::Para { number: Some(n), id, .. } = b {
                // A continuation keeps an empty number (it sits under the text of the
                // numbered paragraph before it); there must be one before it.
                if n.is_empty() {
                    assert!(numbered_before, "a continuation paragraph with nothing to continue in {}", s.key);
                    continue;
                }
                numbered_before = true;
                out.push(n.clone());
                if let Some(id) = id {
                    ids.insert(id.clone(), n.trim_end_matches('.').to_string());
                }
            }
        }
    }
    (out, ids)
}

fn refs(r: &ReportDoc) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for s in &r.sections {
        agendum::document::for_each_inline(&s.blocks, &mut |i| {
            if let Inline::Ref { target, number } = i {
                out.push((target.clone(), number.clone()));
            }
        });
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: if std::env::var("CI").is_ok() { 400 } else { 150 }, failure_persistence: None, .. ProptestConfig::default() })]

    #[test]
    fn numbers_are_unique_in_order_and_referenced_truly(theme in theme(), sections in sections()) {
        let dir = common::temp_dir("numbering-prop");
        let (typed, typed_text) = write_site(&dir, &theme, &sections);
        let site = agendum::Site::open(&dir).map_err(|d| TestCaseError::fail(format!("{d:?}")))?;
        let result = site.resolve();
        // Typed numbers where the theme numbers paragraphs: refused, naming them.
        let numbered_somewhere = theme.scheme != Scheme::None;
        match result {
            Err(d) => {
                let text = format!("{d:?}");
                prop_assert!(numbered_somewhere && typed > 0 && text.contains("is typed"), "refused without a typed number: {}", text);
            }
            Ok(resolved) => {
                let r = &resolved.meetings[0].reports[0];
                let (nums, ids) = numbers(r);
                let unique: std::collections::BTreeSet<&String> = nums.iter().collect();
                prop_assert_eq!(unique.len(), nums.len(), "numbers repeat: {:?}", nums);
                match theme.scheme {
                    Scheme::Continuous => {
                        let plain: Vec<String> = nums.iter().map(|n| n.trim_end_matches('.').to_string()).collect();
                        let expected: Vec<String> = (1..=plain.len()).map(|n| n.to_string()).collect();
                        prop_assert_eq!(plain, expected);
                    }
                    Scheme::Section => {
                        for s in &r.sections {
                            let Some(sn) = s.number.as_deref() else { continue };
                            let sn = sn.trim_end_matches('.');
                            for b in &s.blocks {
                                if let Block::Para { number: Some(n), .. } = b.clone() {
                                    prop_assert!(n.is_empty() || n.starts_with(&format!("{sn}.")), "{} in section {}", n, sn);
                                }
                            }
                        }
                    }
                    Scheme::None => prop_assert!(nums.is_empty(), "numbers with no numbering: {:?}", nums),
                }
                // A typed number that was not refused is printed as the author typed it.
                let mut all = String::new();
                for s in &r.sections {
                    agendum::document::for_each_block(&s.blocks, &mut |b| {
                        if let Block::Para { content, .. } = b {
                            all.push_str(&agendum::document::plain(content));
                            all.push('\n');
                        }
                    });
                }
                for t in &typed_text {
                    prop_assert!(all.contains(t.as_str()), "typed text lost: {}", t);
                }
                // Typed list numbers (a list starting at 4) keep their number.
                if typed > typed_text.len() {
                    let mut kept = false;
                    for s in &r.sections {
                        agendum::document::for_each_block(&s.blocks, &mut |b| {
                            if let Block::List { ordered: true, items } = b {
                                kept |= items.first().and_then(|i| i.marker.as_deref()).is_some_and(|m| m.trim_end_matches('.').parse::<u32>().is_ok_and(|n| n > 1));
                            }
                        });
                    }
                    prop_assert!(kept, "a list typed to start after 1 lost its number");
                }
                // Every reference prints the number of what it names.
                for (target, number) in refs(r) {
                    if let Some(n) = ids.get(&target) {
                        prop_assert_eq!(&number, n, "reference to {}", target);
                    }
                }
            }
        }
        let _ = std::fs::remove_dir_all(&dir);
    }
}
