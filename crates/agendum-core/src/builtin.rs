//! Files compiled into the binary: default templates, the shipped themes and fonts.

include!(concat!(env!("OUT_DIR"), "/builtin_files.rs"));

/// A built-in file by its path in the source tree, e.g. `themes/default/theme.yaml`.
pub fn file(path: &str) -> Option<&'static [u8]> {
    FILES.iter().find(|(p, _)| *p == path).map(|(_, b)| *b)
}

/// Built-in files under a folder, with paths relative to that folder, in sorted order.
pub fn files_under(prefix: &str) -> impl Iterator<Item = (&'static str, &'static [u8])> + '_ {
    let prefix = format!("{}/", prefix.trim_end_matches('/'));
    FILES.iter().filter_map(move |(p, b)| p.strip_prefix(prefix.as_str()).map(|rest| (rest, *b)))
}

/// Names of the built-in themes.
pub fn theme_names() -> Vec<&'static str> {
    let mut names: Vec<&str> = FILES.iter().filter_map(|(p, _)| p.strip_prefix("themes/")?.strip_suffix("/theme.yaml")).collect();
    names.sort();
    names
}
