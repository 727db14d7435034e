//! Diagnostics: every problem names the file, line, column and field, says what is
//! wrong and, where we can, how to fix it. All stages report through this type so
//! that `build` and `check` speak with one voice.

use std::fmt;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// A position in a source file, 1-based. `line == 0` means "the whole file".
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Default, serde::Serialize, serde::Deserialize)]
pub struct Pos {
    pub file: PathBuf,
    pub line: u32,
    pub column: u32,
}

impl Pos {
    pub fn new(file: impl Into<PathBuf>, line: u32, column: u32) -> Self {
        Pos { file: file.into(), line, column }
    }
    pub fn file(file: impl Into<PathBuf>) -> Self {
        Pos { file: file.into(), line: 0, column: 0 }
    }
}

impl fmt::Display for Pos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if self.line > 0 {
            write!(f, ":{}", self.line)?;
            if self.column > 0 {
                write!(f, ":{}", self.column)?;
            }
        }
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Diagnostic {
    pub severity: Severity,
    #[serde(flatten)]
    pub pos: Pos,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

impl Diagnostic {
    pub fn error(pos: Pos, message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Error, pos, field: None, message: message.into(), hint: None }
    }
    pub fn warning(pos: Pos, message: impl Into<String>) -> Self {
        Diagnostic { severity: Severity::Warning, pos, field: None, message: message.into(), hint: None }
    }
    pub fn field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
    /// Hint "did you mean `x`?" when a candidate is close to `word`, else `otherwise`.
    pub fn suggest<'a>(self, word: &str, candidates: impl IntoIterator<Item = &'a str>, otherwise: impl Into<String>) -> Self {
        match did_you_mean(word, candidates) {
            Some(s) => self.hint(format!("did you mean `{s}`?")),
            None => self.hint(otherwise),
        }
    }
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Human form, rustc-like. `colour` adds ANSI styling for terminals.
    pub fn render(&self, colour: bool) -> String {
        let (label, code) = match self.severity {
            Severity::Error => ("error", "1;31"),
            Severity::Warning => ("warning", "1;33"),
        };
        let paint = |code: &str, s: &str| {
            if colour {
                format!("\x1b[{code}m{s}\x1b[0m")
            } else {
                s.to_string()
            }
        };
        let mut out = format!("{}: {}\n  {} {}\n", paint(code, label), paint("1", &self.message), paint("1;34", "-->"), self.pos);
        if let Some(field) = &self.field {
            out.push_str(&format!("   {} field: {}\n", paint("1;34", "="), field));
        }
        if let Some(hint) = &self.hint {
            out.push_str(&format!("   {} hint: {}\n", paint("1;34", "="), hint));
        }
        out
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(false))
    }
}

/// A collection of diagnostics, so that a stage can report every problem at once.
#[derive(Debug, Default, Clone)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }
    pub fn extend(&mut self, other: Diagnostics) {
        self.0.extend(other.0);
    }
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Diagnostic::is_error)
    }
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter().filter(|d| d.is_error())
    }
    pub fn warnings(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter().filter(|d| !d.is_error())
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn len(&self) -> usize {
        self.0.len()
    }
    /// Stable order: by file, line, column, then message, so output never depends on
    /// the order in which parallel work finished.
    pub fn sort(&mut self) {
        self.0.sort_by(|a, b| (&a.pos, a.severity, &a.message).cmp(&(&b.pos, b.severity, &b.message)));
        self.0.dedup();
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(d: Diagnostic) -> Self {
        Diagnostics(vec![d])
    }
}

/// Whether to colour output on stderr: a terminal, and `NO_COLOR` unset or empty.
pub fn colour_stderr() -> bool {
    let no_colour = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    !no_colour && std::io::stderr().is_terminal()
}

/// Closest candidate by edit distance, for "did you mean" hints.
pub fn did_you_mean<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let candidates: Vec<&str> = candidates.into_iter().collect();
    // A truncated name ("2012-04-18-improvement") points at the one it starts.
    let lower = word.to_lowercase();
    let mut prefixed: Vec<&str> = candidates.iter().copied().filter(|c| lower.len() >= 6 && c.to_lowercase().starts_with(&lower)).collect();
    prefixed.sort_by_key(|c| (c.len(), *c));
    if let Some(first) = prefixed.first() {
        return Some(first);
    }
    candidates
        .into_iter()
        .map(|c| (strsim::damerau_levenshtein(&word.to_lowercase(), &c.to_lowercase()), c))
        .filter(|(d, c)| *d <= 2.max(c.len() / 3))
        .min_by_key(|(d, c)| (*d, *c))
        .map(|(_, c)| c)
}

/// Paths in diagnostics are shown relative to the site root, as the user typed them.
pub fn rel(site: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(site).map(Path::to_path_buf).unwrap_or_else(|_| path.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_field_names() {
        let fields = ["contact_officer", "chief_officer", "decision_maker"];
        assert_eq!(did_you_mean("contact_oficer", fields), Some("contact_officer"));
        assert_eq!(did_you_mean("decison_maker", fields), Some("decision_maker"));
        assert_eq!(did_you_mean("zzz", fields), None);
    }

    #[test]
    fn renders_position_field_and_hint() {
        let d = Diagnostic::error(Pos::new("content/a.md", 4, 1), "unknown field `x`").field("x").hint("remove it");
        let text = d.render(false);
        assert!(text.contains("content/a.md:4:1"));
        assert!(text.contains("field: x"));
        assert!(text.contains("hint: remove it"));
        assert!(!text.contains('\x1b'));
    }
}
