//! YAML reading with source positions. Wraps serde-saphyr so that every error becomes a
//! [`Diagnostic`] naming the file, line, column and field, with a "did you mean" hint for
//! unknown keys. Limits guard against YAML bombs (deep nesting, alias expansion).

use std::fmt;
use std::marker::PhantomData;
use std::path::Path;

use serde::de::{DeserializeOwned, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};
pub use serde_saphyr::Spanned;

use crate::diag::{did_you_mean, Diagnostic, Pos};

/// A YAML source with the line offset at which its first line sits in the real file
/// (front matter starts on line 2 of a Markdown file).
pub struct Source<'a> {
    pub path: &'a Path,
    pub text: &'a str,
    pub line_offset: u32,
}

impl Source<'_> {
    pub fn pos_of(&self, line: u64, column: u64) -> Pos {
        if line == 0 {
            return Pos::file(self.path);
        }
        Pos::new(self.path, line as u32 + self.line_offset, column as u32)
    }
}

/// Where a spanned value was written in `file`, whose YAML starts `line_offset` lines in
/// (1 for front matter). Values without a position point at the whole file.
pub fn spanned_pos<T>(file: &Path, s: &Spanned<T>, line_offset: u32) -> Pos {
    match s.referenced.line() as u32 {
        0 => Pos::file(file),
        line => Pos::new(file, line + line_offset, s.referenced.column() as u32),
    }
}

fn options() -> serde_saphyr::Options {
    let mut opts = serde_saphyr::Options::default();
    // Aliases are rarely needed in committee papers; keep expansion small so that a
    // "billion laughs" document fails fast instead of eating memory.
    opts.alias_limits.max_total_replayed_events = 50_000;
    opts.alias_limits.max_replay_stack_depth = 16;
    opts.alias_limits.max_alias_expansions_per_anchor = 100;
    opts.with_snippet = false;
    opts.duplicate_keys = serde_saphyr::DuplicateKeyPolicy::Error;
    opts
}

/// Parse `source` as `T`, turning any failure into a located diagnostic.
pub fn parse<T: DeserializeOwned>(source: &Source<'_>) -> Result<T, Diagnostic> {
    // An empty document is an empty mapping, so that an empty front matter gives the
    // "missing field" message rather than a parser message about end of input.
    let text = if source.text.trim().is_empty() { "{}" } else { source.text };
    serde_saphyr::from_str_with_options::<T>(text, options()).map_err(|e| to_diagnostic(source, &e))
}

fn to_diagnostic(source: &Source<'_>, err: &serde_saphyr::Error) -> Diagnostic {
    let pos = match err.location() {
        Some(loc) => source.pos_of(loc.line(), loc.column()),
        None => Pos::file(source.path),
    };
    let raw = err.without_snippet().to_string();
    // serde-saphyr may prefix "line:col:" or append location text; keep the first line.
    let first = raw.lines().next().unwrap_or("invalid YAML").trim();
    // The position is reported separately; drop serde-saphyr's " at line N, column M".
    let message = match first.rfind(" at line ") {
        Some(i) => first[..i].to_string(),
        None => first.to_string(),
    };
    let mut d = Diagnostic::error(pos, message.clone());
    if let Some((field, expected)) = unknown_field(&message) {
        d.message = format!("unknown field `{field}`");
        d = d.field(field.clone());
        let candidates: Vec<&str> = expected.iter().map(String::as_str).collect();
        d = d.suggest(&field, candidates.iter().copied(), format!("the fields allowed here are: {}", expected.join(", ")));
    } else if let Some(key) = message.strip_prefix("duplicate mapping key: ") {
        let key = key.split(',').next().unwrap_or(key).trim().to_string();
        d.message = format!("the key `{key}` appears twice");
        d = d.field(key).hint("keep one of them: a later value would silently replace the earlier");
    } else if let Some(field) = between(&message, "missing field `", "`") {
        d = d.field(field.clone()).hint(format!("add `{field}:` to this mapping"));
    } else if let Some(variant) = between(&message, "unknown variant `", "`") {
        let expected = expected_list(message.split_once("expected").map(|(_, r)| r).unwrap_or(""));
        let candidates: Vec<&str> = expected.iter().map(String::as_str).collect();
        if let Some(s) = did_you_mean(&variant, candidates.iter().copied()) {
            d = d.hint(format!("did you mean `{s}`?"));
        } else if !expected.is_empty() {
            d = d.hint(format!("use one of: {}", expected.join(", ")));
        }
    } else if message.contains("invalid type") || message.starts_with("expected ") {
        let wants = if message.contains("string") {
            "text (quote it if it contains : [ ] { } or #)"
        } else if message.contains("sequence") || message.contains("a list") {
            "a list"
        } else if message.contains("bool") {
            "`true` or `false`"
        } else {
            "a value of another type"
        };
        d = d.hint(format!("this field takes {wants}"));
    } else if message.to_lowercase().contains("alias") || message.to_lowercase().contains("budget") || message.to_lowercase().contains("depth") {
        d = d.hint("this YAML expands too far (aliases or nesting); write the values out plainly");
    }
    // Name the field from the source line when the parser did not.
    if d.field.is_none() && d.pos.line > source.line_offset {
        if let Some(line) = source.text.lines().nth((d.pos.line - source.line_offset - 1) as usize) {
            let key = line.trim_start().trim_start_matches("- ").split(':').next().unwrap_or("").trim();
            if !key.is_empty() && key.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '-') {
                d = d.field(key.to_string());
            }
        }
    }
    d
}

fn between(s: &str, start: &str, end: &str) -> Option<String> {
    let i = s.find(start)? + start.len();
    let j = s[i..].find(end)? + i;
    Some(s[i..j].to_string())
}

/// "one of `a`, `b`" / "a or b" / "one of a, b" -> [a, b].
fn expected_list(s: &str) -> Vec<String> {
    let s = s.trim().trim_start_matches("one of").trim();
    s.split(", ").flat_map(|p| p.split(" or ")).map(|p| p.trim().trim_matches('`').to_string()).filter(|p| !p.is_empty() && !p.contains(' ')).collect()
}

/// Parse serde's "unknown field `x`, expected one of `a`, `b`" message.
fn unknown_field(message: &str) -> Option<(String, Vec<String>)> {
    let field = between(message, "unknown field `", "`")?;
    let rest = message.split_once("expected").map(|(_, r)| r).unwrap_or("");
    Some((field, expected_list(rest)))
}

/// An ordered mapping that keeps where each key was written, for content whose keys
/// are defined by the theme (facts, consultees, tables) and so are validated later.
#[derive(Debug, Clone)]
pub struct SpannedMap<V>(pub Vec<(Spanned<String>, V)>);

/// In a schema, a map of string keys to `V`: the positions are the loader's business.
impl<V: schemars::JsonSchema> schemars::JsonSchema for SpannedMap<V> {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        format!("Map_of_{}", V::schema_name()).into()
    }
    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "object",
            "additionalProperties": generator.subschema_for::<V>(),
        })
    }
}

impl<V> Default for SpannedMap<V> {
    fn default() -> Self {
        SpannedMap(Vec::new())
    }
}

impl<V> SpannedMap<V> {
    pub fn get(&self, key: &str) -> Option<&V> {
        self.0.iter().find(|(k, _)| k.value == key).map(|(_, v)| v)
    }
    pub fn iter(&self) -> impl Iterator<Item = (&Spanned<String>, &V)> {
        self.0.iter().map(|(k, v)| (k, v))
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for SpannedMap<V> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct MapVisitor<V>(PhantomData<V>);
        impl<'de, V: Deserialize<'de>> Visitor<'de> for MapVisitor<V> {
            type Value = SpannedMap<V>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a mapping")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some((k, v)) = map.next_entry::<Spanned<String>, V>()? {
                    out.push((k, v));
                }
                Ok(SpannedMap(out))
            }
            fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
                Ok(SpannedMap(Vec::new()))
            }
        }
        deserializer.deserialize_map(MapVisitor(PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Officer {
        contact_officer: String,
        chief_officer: Option<String>,
    }

    fn src<'a>(path: &'a Path, text: &'a str) -> Source<'a> {
        Source { path, text, line_offset: 1 }
    }

    #[test]
    fn unknown_field_gets_line_and_suggestion() {
        let path = PathBuf::from("x.md");
        let err = parse::<Officer>(&src(&path, "chief_officer: A\ncontact_oficer: B\n")).unwrap_err();
        assert_eq!(err.message, "unknown field `contact_oficer`");
        assert_eq!(err.field.as_deref(), Some("contact_oficer"));
        assert_eq!(err.hint.as_deref(), Some("did you mean `contact_officer`?"));
        assert_eq!(err.pos.line, 3, "line 2 of the front matter is line 3 of the file");
    }

    #[test]
    fn missing_field_is_named() {
        let path = PathBuf::from("x.md");
        let err = parse::<Officer>(&src(&path, "chief_officer: A\n")).unwrap_err();
        assert_eq!(err.field.as_deref(), Some("contact_officer"));
    }

    #[test]
    fn alias_bomb_is_refused() {
        let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        let mut prev = 'a';
        for c in 'b'..='k' {
            bomb.push_str(&format!("{c}: &{c} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
            prev = c;
        }
        let path = PathBuf::from("bomb.yaml");
        let res = parse::<serde_json::Value>(&src(&path, &bomb));
        assert!(res.is_err(), "a billion-laughs document must be refused");
    }

    #[test]
    fn spanned_map_keeps_order_and_lines() {
        let path = PathBuf::from("x.yaml");
        let m: SpannedMap<String> = parse(&Source { path: &path, text: "b: 1\na: 2\n", line_offset: 0 }).unwrap();
        let keys: Vec<_> = m.iter().map(|(k, _)| (k.value.clone(), k.referenced.line())).collect();
        assert_eq!(keys, vec![("b".to_string(), 1), ("a".to_string(), 2)]);
    }
}
