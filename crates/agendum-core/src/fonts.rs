//! Which characters the PDFs can print: every character of every bundled font
//! (`assets/fonts`: Liberation Sans and the Noto fallbacks) and of the theme's `fonts/`.
//! `check` reports any character outside this set with its file, line and column,
//! because Typst would refuse the whole PDF for it.

/// A font file agendum loads.
pub fn is_font_file(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    [".ttf", ".otf", ".ttc", ".otc"].iter().any(|e| n.ends_with(e))
}

/// A set of Unicode scalar values, as a bitset over the whole code space (136 KiB).
pub struct Coverage {
    bits: Vec<u64>,
}

impl Coverage {
    /// The union of the character maps of every face in `fonts` (collections included).
    pub fn of<'a>(fonts: impl IntoIterator<Item = &'a [u8]>) -> Coverage {
        let mut bits = vec![0u64; 0x110000 / 64];
        for data in fonts {
            let faces = ttf_parser::fonts_in_collection(data).unwrap_or(1);
            for index in 0..faces {
                let Ok(face) = ttf_parser::Face::parse(data, index) else { continue };
                let Some(cmap) = face.tables().cmap else { continue };
                for sub in cmap.subtables.into_iter().filter(|s| s.is_unicode()) {
                    sub.codepoints(|cp| {
                        if let Some(slot) = bits.get_mut(cp as usize / 64) {
                            *slot |= 1 << (cp % 64);
                        }
                    });
                }
            }
        }
        Coverage { bits }
    }

    /// Whether a character prints. Line breaks, tabs and the invisible format characters
    /// (soft hyphen, zero-width and direction marks) need no glyph.
    pub fn covers(&self, c: char) -> bool {
        let cp = c as u32;
        if matches!(c, '\n' | '\r' | '\t') || needs_no_glyph(c) {
            return true;
        }
        self.bits.get(cp as usize / 64).is_some_and(|b| b & (1 << (cp % 64)) != 0)
    }
}

fn needs_no_glyph(c: char) -> bool {
    matches!(c as u32, 0x00AD | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x2064 | 0xFE00..=0xFE0F | 0xFEFF)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_fonts_cover_the_uk_community_scripts() {
        let fonts: Vec<&[u8]> = crate::builtin::files_under("assets/fonts").filter(|(n, _)| is_font_file(n)).map(|(_, b)| b).collect();
        let cov = Coverage::of(fonts);
        // Polish, Romanian, Welsh, Greek, Cyrillic, Punjabi, Urdu/Arabic, Bengali, Gujarati,
        // Hindi, Chinese (simplified and traditional), Tigrinya, the rupee and the euro.
        for text in [
            "zażółć gęślą jaźń",
            "știință",
            "Llanfairpwllgwyngyll ŵŷ",
            "Ελληνικά",
            "Русский",
            "ਪੰਜਾਬੀ",
            "اردو العربية",
            "বাংলা",
            "ગુજરાતી",
            "हिन्दी",
            "中文 简体 繁體 學校",
            "ትግርኛ",
            "₹ € £ ✓ ★ ☎",
        ] {
            for c in text.chars() {
                assert!(cov.covers(c), "{c:?} (U+{:04X}) in {text:?}", c as u32);
            }
        }
        assert!(cov.covers('\u{1F4DC}') && cov.covers('\u{1F600}'), "monochrome emoji");
        assert!(!cov.covers('\u{10000}'), "no bundled font has Linear B");
        assert!(!cov.covers('\u{E000}'), "private use");
    }
}
