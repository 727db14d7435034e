//! The real pipeline on the seed reports re-authored as content: the example site
//! (Bromley) and the Bromsgrove and Haringey fixtures, each in its council's theme.

mod common;
use common::*;

fn range(prefix: &str, from: usize, to: usize) -> Vec<String> {
    (from..=to).map(|i| format!("{prefix}{i}")).collect()
}

#[test]
fn bromley_example_site_matches_the_seed() {
    let out = build(&repo(), "bromley");
    let page = read(&out.join("improvement-and-efficiency/2012-04-18/04-shared-services-update.html"));

    // Sections in the theme's order, numbered as in the paper.
    assert_eq!(
        h2s(&page),
        vec![
            "1. Reason for report",
            "2. RECOMMENDATION(S)",
            "Corporate Policy",
            "Financial",
            "Staff",
            "Legal",
            "Customer Impact",
            "Ward Councillor Views",
            "3. COMMENTARY",
            "4. Policy Implications",
            "5. Financial Implications",
            "6. Legal Implications",
            "7. Personnel Implications",
            "Background Documents (Access via Contact Officer)",
        ]
    );
    // Paragraph numbers: 3.1-3.19 run on through the unnumbered sub-headings.
    let mut expected = vec!["1.".to_string(), "2.".into(), "3.".into()];
    expected.extend(range("3.", 1, 19));
    expected.extend(["4.", "4.1", "5.", "5.1", "6.", "6.1", "7.", "7.1"].map(String::from));
    assert_eq!(numbers(&page), expected);
    assert!(text(&page).contains("Background 3.1 Bexley and Bromley"));
    assert!(text(&page).contains("Priority projects 3.5 The list of shared services"));
    assert!(text(&page).contains("Capacity for project delivery 3.11 Project leads"));

    // Header block.
    let header = text(&page[page.find("<table class=\"report-header\"").unwrap()..page.find("</table>").unwrap()]);
    for expected in [
        "Decision Maker: Improvement and Efficiency Sub-Committee",
        "Date: 18 April 2012",
        "Decision Type: Non-Urgent Non-Executive Non-Key",
        "Title: Shared Services Update",
        "Contact Officer: Harriet Martyn, Project Manager, Organisational Improvement Tel: 020 8313 4439 E-mail: harriet.martyn@bromley.gov.uk",
        "Chief Officer: Doug Patterson, Chief Executive",
        "Ward: Borough-wide",
    ] {
        assert!(header.contains(expected), "header lacks {expected:?}: {header}");
    }
    assert!(page.contains("PART 1 - PUBLIC"));

    // The short-answer blocks, numbered within each block.
    assert_eq!(section(&page, "section-financial-summary"), "Financial 1. Cost of proposal: N/A 2. Ongoing costs: N/A. 3. Budget head/performance centre: Chris Spellman 4. Total current budget for this head: £328k 5. Source of funding: Existing revenue budgets");
    assert!(section(&page, "section-legal-summary").contains("2. Call-in: Call-in is applicable"));
    // Recommendations as bullets; the 3.16 questions as a bullet list inside 3.16.
    assert!(section(&page, "section-recommendations").contains("That Members note the progress made to date on shared services project"));
    assert!(section(&page, "section-commentary").contains("3.16 The joint working group will be tasked"));
    assert!(section(&page, "section-commentary").contains("Who will pay for redundancies?"));
    // The theme's default text for the absent Financial Implications section.
    assert_eq!(section(&page, "section-financial"), "5. Financial Implications 5.1 None directly arising from this report.");
    // An optional section with no default (Procurement) is left out without a gap.
    assert!(!page.contains("Procurement Implications"));

    // The meeting page lists the items in order with the report linked.
    let meeting = read(&out.join("improvement-and-efficiency/2012-04-18/index.html"));
    let t = text(&meeting);
    let order = ["Apologies for absence", "Declarations of interest", "Minutes of the previous meeting", "Shared Services Update"];
    let positions: Vec<usize> = order.iter().map(|s| t.find(s).unwrap_or_else(|| panic!("{s} missing"))).collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "agenda order: {positions:?}");
    assert!(meeting.contains("href=\"04-shared-services-update.html\""));
    assert_eq!(markers(&meeting), vec!["1.", "2.", "3.", "4."]);
    assert!(out.join("index.html").is_file());
    assert!(out.join("static/agendum.css").is_file());
}

#[test]
fn bromsgrove_fixture_matches_the_seed() {
    let out = build(&fixture("bromsgrove"), "bromsgrove");
    let page = read(&out.join("performance-management-board/2010-06-14/04-shared-services.html"));
    let headings: Vec<String> = h2s(&page).into_iter().take(17).collect();
    assert_eq!(
        headings,
        vec![
            "1. SUMMARY",
            "2. RECOMMENDATION",
            "3. BACKGROUND",
            "4. FINANCIAL IMPLICATIONS",
            "5. LEGAL IMPLICATIONS",
            "6. COUNCIL OBJECTIVES",
            "7. RISK MANAGEMENT INCLUDING HEALTH & SAFETY CONSIDERATIONS",
            "8. CUSTOMER IMPLICATIONS",
            "9. EQUALITIES AND DIVERSITY IMPLICATIONS",
            "10. VALUE FOR MONEY IMPLICATIONS",
            "11. CLIMATE CHANGE AND CARBON IMPLICATIONS",
            "12. OTHER IMPLICATIONS",
            "13. OTHERS CONSULTED ON THE REPORT",
            "14. WARDS AFFECTED",
            "15. APPENDICES",
            "16. BACKGROUND PAPERS",
            "CONTACT OFFICER",
        ]
    );
    let t = text(&page);
    for masthead in ["Bromsgrove District Council", "Performance Management Board", "14 June 2010"] {
        assert!(t.starts_with("") && t.contains(masthead));
    }
    assert!(t.contains("Responsible Portfolio Holder: Roger Hollingworth, Leader of the Council"));
    assert!(t.contains("Responsible Head of Service: Kevin Dicks, Chief Executive"));
    assert!(t.contains("Non-Key Decision"));
    // "2.1 It is recommended that the Board:" then "i. Considers ..."
    assert_eq!(section(&page, "section-recommendations"), "2. RECOMMENDATION 2.1 It is recommended that the Board: i. Considers the project highlight report attached and makes any recommendations to Cabinet it thinks appropriate.");
    // The savings as a table: money formatted, the author's £120k kept, the total computed.
    let fin = section(&page, "section-financial");
    assert!(fin.contains("4.1 The single management team will deliver a saving of £246,000 in 2010/2011."));
    assert!(fin.contains("Single management team 2010/11 £246,000"));
    assert!(fin.contains("from 2010/11 £120k"));
    assert!(fin.contains("Total £516,000"), "{fin}");
    assert!(fin.contains("4.3 It is anticipated"));
    assert!(page.contains("<td class=\"align-right\">£246,000</td>"), "money is right-aligned");
    // 7.1 with the bullet risks, 7.2 with the label/value table.
    let risk = section(&page, "section-risk");
    assert!(risk.contains("7.1 The main risks associated with the details included in this report are: Non delivery of savings. Non delivery of service improvements. 7.2 These risks"));
    assert!(risk.contains("Risk Register: Shared Services."));
    // Other implications table and the Others consulted Yes/No table.
    let other = section(&page, "section-other");
    assert!(other.contains("Procurement Issues See point about SLAs for each service."));
    assert!(other.contains("Biodiversity None."));
    let consulted = section(&page, "section-consulted");
    assert!(consulted.contains("Portfolio Holder No."));
    assert!(consulted.contains("Chief Executive Yes."));
    assert!(consulted.contains("Corporate Procurement Team No."));
    assert_eq!(section(&page, "section-wards"), "14. WARDS AFFECTED All.");
    assert_eq!(section(&page, "section-appendices"), "15. APPENDICES Appendix 1 – Shared Services Highlight report");
    assert_eq!(section(&page, "section-background-papers"), "16. BACKGROUND PAPERS Not applicable.");
    assert_eq!(section(&page, "section-contact"), "CONTACT OFFICER Name: Kevin Dicks E Mail: k.dicks@bromsgrove.gov.uk Tel: (01527) 881484");
    // "Appendix 1" in the text links to the appendix.
    assert!(page.contains("<a href=\"#appendix-1\">Appendix 1</a>"));
    assert!(page.contains("id=\"appendix-1\""));
}

#[test]
fn haringey_fixture_matches_the_seed() {
    let out = build(&fixture("haringey"), "haringey");
    let page = read(&out.join("corporate-committee/2011-07-21/05-shared-services-partnership.html"));
    let t = text(&page);
    for h in [
        "Agenda item: 5",
        "Meeting: Corporate Committee",
        "On: 21 July 2011",
        "Report Title: Shared Services Preferred Partnership with London Borough of Waltham Forest - Update Report",
        "Report of: Chief Executive",
        "Contact Officer: Tim Dauncey, Interim Director of Special Projects",
        "Report for: Non-Key Decision",
    ] {
        assert!(t.contains(h), "header lacks {h:?}");
    }
    let nums = numbers(&page);
    // Sections 1-12 with "1.1." style paragraphs and numbered sub-sections 7.1 ... 7.7.
    for n in
        ["1.", "1.1.", "2.1.", "4.1.", "6.1.", "7.", "7.1", "7.1.1.", "7.1.4.", "7.2", "7.2.1.", "7.7", "7.7.1.", "7.7.2.", "8.2.", "11.1.", "11.2.", "12.1."]
    {
        assert!(nums.contains(&n.to_string()), "missing number {n}: {nums:?}");
    }
    // Absent optional section takes the theme default, keeping the template's numbering.
    assert_eq!(section(&page, "section-cabinet-member"), "2. Introduction by Cabinet Member (if necessary) 2.1. Not applicable.");
    assert_eq!(section(&page, "section-appendices"), "11. Use of appendices /Tables and photographs 11.1. Appendix A – Memorandum of Understanding 11.2. Appendix B – Shared Services Project Summary Update");
    assert!(section(&page, "section-background-papers").starts_with("12. Local Government (Access to Information) Act 1985 12.1. Report to cabinet 21/12/2010"));
    // Appendix A, the MOU, numbered in its own sequence with nested clauses.
    let mou = &page[page.find("id=\"appendix-a\"").unwrap()..page.find("id=\"appendix-b\"").unwrap()];
    let mou_markers = markers(mou);
    for m in ["1.1.1.", "1.1.4.", "3.1.1.1.", "5.8.1.", "5.8.2.", "5.8.2.8.", "8.3.1.", "9.1.3."] {
        assert!(mou_markers.contains(&m.to_string()), "MOU lacks {m}: {mou_markers:?}");
    }
    // Cross-references inside the MOU print the paragraph numbers.
    assert!(text(mou).contains("in accordance with 3.2.4 ."), "{}", text(mou));
    assert!(text(mou).contains("Subject to the provisions in 8.4 , the MOU"));
    // Schedule 4's lettered list, and Schedule 3's governance table.
    assert!(mou_markers.contains(&"j.".to_string()));
    assert!(text(mou).contains("Senior Stakeholder Board"));
    // Appendix B: the project summary with money and a computed total.
    let b = &page[page.find("id=\"appendix-b\"").unwrap()..];
    let bt = text(b);
    assert!(bt.contains("1. Economic Development"));
    assert!(bt.contains("£100,000"));
    assert!(bt.contains("£75,000"));
    assert!(bt.contains("Total potential cashable savings £425,000"), "{bt}");
    assert!(bt.contains("The total leaves out"));
    assert!(page.contains("<a href=\"#appendix-a\">Appendix A</a>"));
    assert!(page.contains("<a href=\"#appendix-b\">Appendix B</a>"));
    assert!(t.contains("Report Template: Formal Bodies"));
}

#[test]
fn same_input_gives_byte_identical_output() {
    let a = build(&fixture("haringey"), "det-a");
    let b = build(&fixture("haringey"), "det-b");
    let files = |root: &std::path::Path| {
        let mut v: Vec<(String, Vec<u8>)> =
            files_under(root).into_iter().map(|p| (p.strip_prefix(root).unwrap().to_string_lossy().into_owned(), std::fs::read(&p).unwrap())).collect();
        v.sort();
        v
    };
    let (fa, fb) = (files(&a), files(&b));
    assert!(!fa.is_empty());
    assert_eq!(fa.len(), fb.len());
    for ((na, ba), (nb, bb)) in fa.iter().zip(&fb) {
        assert_eq!(na, nb);
        assert!(ba == bb, "{na} differs between two builds");
    }
}

#[test]
fn an_appendix_table_does_not_repeat_its_heading_as_caption() {
    let out = build(&fixture("haringey"), "appendix-caption");
    let page = read(&out.join("corporate-committee/2011-07-21/05-shared-services-partnership.html"));
    assert_eq!(text(&page).matches("Appendix B: Shared Services Project Summary Update").count(), 1, "heading once, no caption repeating it");
}
