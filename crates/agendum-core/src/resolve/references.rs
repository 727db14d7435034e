//! Pass: `[](#label)` becomes the number it points at, footnote marks are numbered, and
//! "Appendix B" in text links to the appendix.

use super::*;

pub(super) struct RefResolver<'a> {
    pub(super) labels: &'a Labels,
    pub(super) footnotes: &'a [String],
    pub(super) appendices: &'a [String],
    pub(super) file: &'a Path,
    pub(super) problems: Vec<Diagnostic>,
}

impl RefResolver<'_> {
    pub(super) fn blocks(&mut self, blocks: &mut [Block]) {
        for_each_inline_list_mut(blocks, &mut |content| self.inlines(content, false));
    }

    pub(super) fn inlines(&mut self, content: &mut Vec<Inline>, in_link: bool) {
        let mut out = Vec::with_capacity(content.len());
        for inline in content.drain(..) {
            match inline {
                Inline::Ref { target, .. } => match self.labels.numbers.get(&target) {
                    Some(n) => out.push(Inline::Ref { target, number: n.clone() }),
                    None => {
                        self.missing(&target);
                        out.push(Inline::text(format!("[missing reference: {target}]")));
                    }
                },
                Inline::Link { href, content } if href.starts_with("#fn:") => {
                    let label = &href[4..];
                    match self.footnotes.iter().position(|l| l == label) {
                        Some(i) => out.push(Inline::FootnoteRef { number: i + 1 }),
                        None => {
                            self.missing(&format!("footnote {label}"));
                            out.extend(content);
                        }
                    }
                }
                Inline::Link { href, mut content } => {
                    if let Some(target) = href.strip_prefix('#') {
                        if !self.labels.numbers.contains_key(target) && !target.starts_with("section-") {
                            self.missing(target);
                        }
                    }
                    self.inlines(&mut content, true);
                    out.push(Inline::Link { href, content });
                }
                Inline::Strong { mut content } => {
                    self.inlines(&mut content, in_link);
                    out.push(Inline::Strong { content });
                }
                Inline::Emph { mut content } => {
                    self.inlines(&mut content, in_link);
                    out.push(Inline::Emph { content });
                }
                Inline::Text { text } if !in_link && !self.appendices.is_empty() => out.extend(link_appendices(&text, self.appendices)),
                other => out.push(other),
            }
        }
        *content = out;
    }

    pub(super) fn missing(&mut self, target: &str) {
        let mut candidates: Vec<&str> = self.labels.numbers.keys().map(String::as_str).collect();
        candidates.retain(|c| !c.starts_with("para-"));
        let d = Diagnostic::error(Pos::file(self.file), format!("reference to `{target}`, which is not a paragraph, section or appendix of this report"));
        self.problems.push(d.suggest(target, candidates.iter().copied(), "label the paragraph by ending it with {#label}, then write [](#label)"));
    }
}

/// "as set out in Appendix B" (or "appendix B", "APPENDIX B") -> a link to the
/// appendix, for appendices that exist. The id matches as written.
pub(super) fn link_appendices(text: &str, ids: &[String]) -> Vec<Inline> {
    let mut out = Vec::new();
    let mut rest = text;
    // ASCII lower-casing keeps byte offsets, so positions in it are positions in `rest`.
    while let Some(i) = rest.to_ascii_lowercase().find("appendix ") {
        let after = &rest[i + "Appendix ".len()..];
        let id = ids
            .iter()
            .filter(|id| after.starts_with(id.as_str()) && !after[id.len()..].chars().next().is_some_and(|c| c.is_alphanumeric()))
            .max_by_key(|id| id.len());
        match id {
            Some(id) => {
                if i > 0 {
                    out.push(Inline::text(&rest[..i]));
                }
                let label = &rest[i..i + "Appendix ".len() + id.len()];
                out.push(Inline::Link { href: format!("#appendix-{}", slugify(id)), content: vec![Inline::text(label)] });
                rest = &rest[i + label.len()..];
            }
            None => {
                out.push(Inline::text(&rest[..i + "Appendix ".len()]));
                rest = after;
            }
        }
    }
    if !rest.is_empty() {
        out.push(Inline::text(rest));
    }
    // Re-join plain runs split at a non-matching "Appendix ".
    merge_text_runs(out)
}
