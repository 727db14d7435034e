//! Numbering helpers: paragraph paths (3.1, 7.1.1) and list markers (a., iv.).

/// A paragraph number built from its path: `[7, 1, 2]` -> "7.1.2" plus the suffix.
pub fn path_number(path: &[usize], suffix: &str) -> String {
    let mut s = path.iter().map(|n| n.to_string()).collect::<Vec<_>>().join(".");
    s.push_str(suffix);
    s
}

/// 1 -> a, 26 -> z, 27 -> aa.
pub fn alpha(mut n: usize) -> String {
    let mut out = Vec::new();
    while n > 0 {
        n -= 1;
        out.push((b'a' + (n % 26) as u8) as char);
        n /= 26;
    }
    out.iter().rev().collect()
}

/// Lower-case Roman numerals, 1 -> i, 14 -> xiv.
pub fn roman(mut n: usize) -> String {
    const TABLE: [(usize, &str); 13] =
        [(1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")];
    let mut s = String::new();
    for (value, numeral) in TABLE {
        while n >= value {
            s.push_str(numeral);
            n -= value;
        }
    }
    s
}

/// Slug for ids and URLs: lower-case ASCII letters, digits and single hyphens.
pub fn slugify(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraph_paths() {
        assert_eq!(path_number(&[3, 1], ""), "3.1");
        assert_eq!(path_number(&[7, 1, 1], ""), "7.1.1");
        assert_eq!(path_number(&[1, 1], "."), "1.1.");
    }

    #[test]
    fn letters_and_numerals() {
        assert_eq!(alpha(1), "a");
        assert_eq!(alpha(10), "j");
        assert_eq!(alpha(27), "aa");
        assert_eq!(roman(1), "i");
        assert_eq!(roman(4), "iv");
        assert_eq!(roman(14), "xiv");
        assert_eq!(roman(2012), "mmxii");
    }

    #[test]
    fn slugs() {
        assert_eq!(slugify("Shared Services: Update!"), "shared-services-update");
        assert_eq!(slugify("OD & Learning"), "od-learning");
    }
}

/// A name usable as it is in a URL and a file name: lower-case ASCII letters and digits,
/// with single hyphens inside. Names agendum builds from file names must be of this form,
/// so no link it writes can carry a scheme (`javascript:`), a path or markup.
pub fn is_safe_slug(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 100
        && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !s.contains("--")
}

#[cfg(test)]
mod slug_tests {
    use super::*;

    #[test]
    fn safe_slugs() {
        assert!(is_safe_slug("cabinet"));
        assert!(is_safe_slug("improvement-and-efficiency-2"));
        for bad in ["", "javascript:alert(1)", "Cabinet", "a b", "../x", "a/b", "-a", "a-", "a--b", "caf\u{e9}", "x.y"] {
            assert!(!is_safe_slug(bad), "{bad}");
        }
    }

    #[test]
    fn slugify_is_always_safe_or_empty() {
        for s in ["javascript:alert(1)", "Économie & Finance", "  --x--  ", "<script>", "a\u{0}b"] {
            let out = slugify(s);
            assert!(out.is_empty() || is_safe_slug(&out), "{s:?} -> {out:?}");
        }
    }
}
