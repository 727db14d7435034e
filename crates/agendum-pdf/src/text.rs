//! The text of an author's PDF, page by page, for the item PDF's "text of the appendix":
//! the pages themselves go in as pictures (PDF/A-2 and PDF/UA-1 forbid placing another
//! PDF's pages as they are), so their words would otherwise reach neither text search
//! nor a screen reader. Glyphs are read with hayro (the same interpreter that draws the
//! pictures) through their ToUnicode maps, then set into lines by position.

use hayro_interpret::font::Glyph;
use hayro_interpret::hayro_syntax::Pdf;
use hayro_interpret::{
    interpret_page, BlendMode, ClipPath, Context, Device, GlyphDrawMode, Image, InterpreterCache, InterpreterSettings, Paint, PathDrawMode, SoftMask,
};
use kurbo::{Affine, BezPath, Point, Rect};

#[derive(Default)]
struct Collector {
    glyphs: Vec<Placed>,
}

/// A glyph on the page: where it starts and ends (its advance), the size of an em there,
/// and its text.
struct Placed {
    x: f64,
    y: f64,
    end: f64,
    em: f64,
    text: String,
}

impl<'a> Device<'a> for Collector {
    fn set_soft_mask(&mut self, _: Option<SoftMask<'a>>) {}
    fn set_blend_mode(&mut self, _: BlendMode) {}
    fn draw_path(&mut self, _: &BezPath, _: Affine, _: &Paint<'a>, _: &PathDrawMode) {}
    fn push_clip_path(&mut self, _: &ClipPath) {}
    fn push_transparency_group(&mut self, _: f32, _: Option<SoftMask<'a>>, _: BlendMode) {}
    fn draw_glyph(&mut self, glyph: &Glyph<'a>, transform: Affine, glyph_transform: Affine, _: &Paint<'a>, _: &GlyphDrawMode) {
        let Some(text) = glyph.as_unicode() else { return };
        let text = match text {
            hayro_interpret::hayro_cmap::BfString::Char(c) => c.to_string(),
            hayro_interpret::hayro_cmap::BfString::String(s) => s,
        };
        // Glyph space is 1000 units to the em (hayro's convention for outlines).
        let t = transform * glyph_transform;
        let at = t * Point::ORIGIN;
        let advance = match glyph {
            Glyph::Outline(g) => g.advance_width().map(f64::from),
            Glyph::Type3(_) => None,
        }
        .unwrap_or(500.0);
        let end = (t * Point::new(advance, 0.0)).x;
        let em = (t * Point::new(0.0, 1000.0) - at).hypot();
        self.glyphs.push(Placed { x: at.x, y: at.y, end, em, text });
    }
    fn draw_image(&mut self, _: Image<'a, '_>, _: Affine) {}
    fn pop_clip_path(&mut self) {}
    fn pop_transparency_group(&mut self) {}
}

/// Each page's text, lines top to bottom, words left to right. Pages without text (a
/// scan) give an empty string.
pub fn page_texts(bytes: &[u8]) -> Result<Vec<String>, String> {
    let pdf = Pdf::new(bytes.to_vec()).map_err(|e| format!("{e:?}"))?;
    let cache = InterpreterCache::new();
    Ok(pdf.pages().iter().map(|page| page_text(page, &cache)).collect())
}

/// One page's text, from a PDF already parsed (the SVG conversion parses it too).
pub fn page_text<'a>(page: &'a hayro_interpret::hayro_syntax::page::Page<'a>, cache: &InterpreterCache<'a>) -> String {
    let (w, h) = page.render_dimensions();
    let transform = hayro_interpret::util::TransformExt::to_kurbo(&page.initial_transform(true));
    let mut ctx = Context::new(transform, Rect::new(0.0, 0.0, w as f64, h as f64), cache, page.xref(), InterpreterSettings::default());
    let mut device = Collector::default();
    interpret_page(page, &mut ctx, &mut device);
    lines(device.glyphs)
}

/// Glyph positions to text: glyphs whose baselines are within a third of an em share a
/// line; within a line, a gap of more than a sixth of an em after a glyph's advance is a
/// space between words.
fn lines(mut glyphs: Vec<Placed>) -> String {
    glyphs.retain(|g| g.x.is_finite() && g.y.is_finite() && g.end.is_finite() && g.em.is_finite());
    glyphs.sort_by(|a, b| a.y.total_cmp(&b.y));
    let mut rows: Vec<Vec<Placed>> = Vec::new();
    for g in glyphs {
        match rows.last_mut() {
            Some(row) if (row[0].y - g.y).abs() <= row[0].em.max(1.0) / 3.0 => row.push(g),
            _ => rows.push(vec![g]),
        }
    }
    let mut text = Vec::new();
    for mut row in rows {
        row.sort_by(|a, b| a.x.total_cmp(&b.x));
        let mut line = String::new();
        for (i, g) in row.iter().enumerate() {
            if i > 0 {
                let prev = &row[i - 1];
                if g.x - prev.end > prev.em / 6.0 && !line.ends_with(' ') {
                    line.push(' ');
                }
            }
            line.push_str(&g.text);
        }
        let line = line.split_whitespace().collect::<Vec<_>>().join(" ");
        if !line.is_empty() {
            text.push(line);
        }
    }
    text.join("\n")
}
