//! The theme guide and the JSON Schemas are generated from the code; the copies shipped
//! in `docs/` must be what the code generates now, and what they describe must be all
//! that templates receive.

mod common;
use common::*;

use serde_json::Value;

const REGENERATE: &str = "run `cargo run --release -- guide > docs/theme-guide.md` and `cargo run --release -- schemas --out docs/schemas`";

#[test]
fn shipped_guide_and_schemas_are_what_the_code_generates() {
    let (recorded, pdf) = agendum::guide::record(&repo()).unwrap_or_else(|d| panic!("{d:?}"));
    let guide = agendum::guide::theme_guide(&recorded, pdf.as_ref());
    assert!(read(&repo().join("docs/theme-guide.md")) == guide, "docs/theme-guide.md is out of date: {REGENERATE}");
    for (name, text) in agendum::guide::schema_files() {
        assert!(read(&repo().join("docs/schemas").join(&name)) == text, "docs/schemas/{name} is out of date: {REGENERATE}");
    }
    // The guide names every key a theme can set.
    for key in ["paragraphs", "run_in_subheadings", "label_suffix", "date_format", "superscript_ordinals", "hide_heading", "smart_punctuation", "none_text"] {
        assert!(guide.contains(&format!("| `{key}` |")), "the guide lacks {key}");
    }
    for pdf_key in ["number-width", "header-label-width", "masthead-align"] {
        assert!(guide.contains(&format!("| `{pdf_key}` |")), "the guide lacks the PDF key {pdf_key}");
    }
}

/// Every name a template receives is described, and every described name is given.
#[test]
fn every_name_a_template_receives_is_described() {
    use agendum::render::html::{COMPUTED_KEYS, PAGE_KEYS, TEMPLATE_KEYS};
    let mut recorded = agendum::guide::record(&repo()).unwrap().0;
    for fixture_name in ["joint", "part2"] {
        recorded.extend(agendum::guide::record(&fixture(fixture_name)).unwrap().0);
    }
    for (template, ctx) in &recorded {
        let obj = ctx.as_object().unwrap();
        for (k, _) in PAGE_KEYS {
            assert!(obj.contains_key(*k), "{template} lacks the shared name {k}");
        }
        for k in obj.keys() {
            assert!(
                PAGE_KEYS.iter().any(|(n, _)| n == k) || TEMPLATE_KEYS.iter().any(|(n, _)| n == k),
                "{template} receives `{k}`, which the guide does not describe"
            );
        }
    }
    // Names made for HTML beside the documents' own fields are in COMPUTED_KEYS.
    let report_schema = serde_json::to_value(agendum::schemars::schema_for!(agendum::document::ReportDoc)).unwrap();
    let meeting_schema = serde_json::to_value(agendum::schemars::schema_for!(agendum::document::MeetingDoc)).unwrap();
    let mut extra = std::collections::BTreeSet::new();
    let report = &recorded["report.html"]["report"];
    let meeting = &recorded["meeting.html"]["meeting"];
    extras(report, &report_schema, &report_schema, &mut extra);
    extras(meeting, &meeting_schema, &meeting_schema, &mut extra);
    for k in &extra {
        assert!(COMPUTED_KEYS.iter().any(|(n, _, _)| n == k), "templates receive `{k}`, which the guide does not describe");
    }
}

/// Keys of `v` (and of the objects in its lists) that its schema does not define. An
/// enum's variants are taken together: a key any variant has is the document's own.
fn extras(v: &Value, schema: &Value, root: &Value, out: &mut std::collections::BTreeSet<String>) {
    let variants = variants(schema, root);
    match v {
        Value::Object(map) => {
            for (k, child) in map {
                let subs: Vec<&Value> = variants.iter().filter_map(|s| s.get("properties").and_then(|p| p.get(k))).collect();
                if subs.is_empty() {
                    out.insert(k.clone());
                }
                for s in subs {
                    extras(child, s, root, out);
                }
            }
        }
        Value::Array(items) => {
            for s in variants.iter().filter_map(|s| s.get("items")) {
                for i in items {
                    extras(i, s, root, out);
                }
            }
        }
        _ => {}
    }
}

/// A schema's alternatives, references followed: itself, or each of its `anyOf` /
/// `oneOf` / `allOf` members.
fn variants<'a>(s: &'a Value, root: &'a Value) -> Vec<&'a Value> {
    if let Some(r) = s.get("$ref").and_then(Value::as_str) {
        let name = r.rsplit('/').next().unwrap_or("");
        return match root.get("$defs").or_else(|| root.get("definitions")).and_then(|d| d.get(name)) {
            Some(d) => variants(d, root),
            None => vec![s],
        };
    }
    let mut out = Vec::new();
    for key in ["anyOf", "oneOf", "allOf"] {
        for x in s.get(key).and_then(Value::as_array).into_iter().flatten() {
            out.extend(variants(x, root));
        }
    }
    if out.is_empty() || s.get("properties").is_some() {
        out.push(s);
    }
    out
}

/// The schemas know every field the fixtures use: an editor validating against them
/// would not flag a correct file.
#[test]
fn schemas_know_every_field_the_fixtures_use() {
    let schemas: std::collections::BTreeMap<String, Value> = agendum::guide::schemas().into_iter().map(|(n, _, _, v)| (n.to_string(), v)).collect();
    let mut sites = vec![repo()];
    for f in ["highland", "vale", "joint", "bromsgrove", "haringey", "part2"] {
        sites.push(fixture(f));
    }
    let mut checked = 0;
    for site in sites {
        for path in files_under(&site) {
            let rel = path.strip_prefix(&site).unwrap().to_string_lossy().replace('\\', "/");
            if ["output/", "target/", "tests/", "crates/"].iter().any(|d| rel.starts_with(d)) {
                continue;
            }
            let schema = if rel == "agendum.yaml" {
                "agendum.schema.json"
            } else if rel.starts_with("content/committees/") && rel.ends_with(".yaml") {
                "committee.schema.json"
            } else if rel.starts_with("content/meetings/") && rel.ends_with("/meeting.yaml") {
                "meeting.schema.json"
            } else if rel.starts_with("themes/") && rel.ends_with("/theme.yaml") {
                "theme.schema.json"
            } else {
                continue;
            };
            let text = read(&path);
            let keys: Vec<&str> =
                text.lines().filter(|l| !l.starts_with([' ', '#', '-']) && l.contains(':')).map(|l| l.split(':').next().unwrap().trim()).collect();
            let props = schemas[schema]["properties"].as_object().unwrap();
            for k in keys {
                assert!(props.contains_key(k), "{}: `{k}` is not in {schema}", path.display());
            }
            checked += 1;
        }
    }
    assert!(checked >= 15, "only {checked} files checked");
}
