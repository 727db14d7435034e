//! Pass: source files the output needs (images, PDF appendices, the logo) registered as
//! assets under one output name each, never two files at one name.

use super::*;

pub(super) fn load_logo(site: &LoadedSite, l: &Spanned<Logo>) -> Result<(String, Vec<u8>, String), Diagnostics> {
    load_logo_at(site, spanned_pos(Path::new("agendum.yaml"), l, 0), &l.value)
}

/// A logo file (the site's, or a joint committee's council's), checked: SVG or PNG,
/// with alt text, inside the site.
pub(super) fn load_logo_at(site: &LoadedSite, pos: Pos, logo: &Logo) -> Result<(String, Vec<u8>, String), Diagnostics> {
    let ext = Path::new(&logo.file).extension().and_then(|e| e.to_str()).map(str::to_lowercase).unwrap_or_default();
    if !matches!(ext.as_str(), "svg" | "png") {
        return Err(Diagnostic::error(pos, "the logo must be an SVG or PNG file")
            .field("logo.file")
            .hint("export the logo as SVG (best for print) or PNG")
            .into());
    }
    if logo.alt.trim().is_empty() {
        return Err(Diagnostic::error(pos, "the logo has no alt text").field("logo.alt").hint("describe it, e.g. \"London Borough of Bromley logo\"").into());
    }
    let full = safe_join(&site.root, &logo.file).map_err(|_| {
        Diagnostic::error(pos.clone(), format!("logo file `{}` is outside the site folder", logo.file))
            .field("logo.file")
            .hint("put the logo in the site, e.g. static/logo.svg")
    })?;
    let bytes = std::fs::read(&full).map_err(|e| Diagnostic::error(pos, format!("cannot read the logo `{}`: {e}", logo.file)).field("logo.file"))?;
    Ok((ext, bytes, logo.alt.clone()))
}

/// Each joint committee's councils, by committee: their logos registered as site assets
/// (`static/logo-<council>.<ext>`), their contacts' addresses checked. A committee of the
/// site's own council has none.
pub(super) fn joint_councils(site: &LoadedSite, assets: &mut Assets, diags: &mut Diagnostics) -> BTreeMap<String, Vec<CouncilDoc>> {
    let mut councils: BTreeMap<String, Vec<CouncilDoc>> = BTreeMap::new();
    for (slug, (path, c)) in &site.shared.committees {
        let mut list = Vec::new();
        for pc in &c.councils {
            let logo = match &pc.logo {
                None => None,
                Some(l) => match load_logo_at(site, Pos::file(path), l) {
                    Ok((ext, bytes, alt)) => {
                        let out = format!("static/logo-{}.{ext}", slugify(&pc.name));
                        let sha256 = crate::document::sha256_hex(&bytes);
                        if let Err(why) = add_asset(assets, out.clone(), Asset { source: l.file.clone(), bytes: std::sync::Arc::new(bytes), sha256 }) {
                            diags.push(Diagnostic::error(Pos::file(path), why).field("councils.logo").hint("give each council its own name and logo file"));
                        }
                        Some(LogoRef { path: out, alt })
                    }
                    Err(d) => {
                        diags.extend(d);
                        None
                    }
                },
            };
            if let Some(contact) = &pc.contact {
                for e in contact.email.items().into_iter().filter(|e| !report::is_email(e)) {
                    diags.push(
                        Diagnostic::error(Pos::file(path), format!("`{e}` is not one e-mail address"))
                            .field("councils.contact.email")
                            .hint("give each address on its own"),
                    );
                }
            }
            list.push(CouncilDoc { name: pc.name.clone(), logo, contact: pc.contact.clone(), url: pc.url.clone() });
        }
        if list.len() == 1 {
            diags.push(
                Diagnostic::error(Pos::file(path), "a joint committee lists one council")
                    .field("councils")
                    .hint("list every council of the joint committee, or leave `councils:` out for the site's own council's committee"),
            );
        }
        councils.insert(slug.clone(), list);
    }
    councils
}

/// An image must be a PNG, JPEG or SVG file in the meeting's folder. It is registered
/// as an asset published beside the report as `<nn>-<slug>-<name>-<hash>.<ext>`: the hash
/// of its bytes is in the name, so two different pictures never share one (a public
/// `pub/chart.svg` and an exempt `secret/chart.svg` stay apart). Images on other sites
/// are not fetched: they stay links.
pub(super) fn place_image(
    i: &mut Inline,
    ctx: &MeetingCtx<'_>,
    stem: &str,
    file: &Path,
    assets: &mut Assets,
    sources: &mut Vec<String>,
    diags: &mut Diagnostics,
) {
    let Inline::Image { src, alt, file: published } = i else { return };
    if src.starts_with("http://") || src.starts_with("https://") {
        *i = Inline::Link { href: src.clone(), content: vec![Inline::text(format!("[Image: {alt}]"))] };
        return;
    }
    let ext = Path::new(src.as_str()).extension().and_then(|e| e.to_str()).map(str::to_lowercase).unwrap_or_default();
    if !matches!(ext.as_str(), "png" | "jpg" | "jpeg" | "svg") {
        diags.push(Diagnostic::error(Pos::file(file), format!("image `{src}` is not a PNG, JPEG or SVG file")).hint("export charts as SVG or PNG"));
        return;
    }
    match safe_join(&ctx.dir, src) {
        Ok(full) if full.is_file() => {
            let shown = crate::diag::rel(ctx.site_root, &full);
            let bytes = match std::fs::read(&full) {
                Ok(b) => b,
                Err(e) => {
                    diags.push(Diagnostic::error(Pos::file(file), format!("cannot read image `{src}`: {e}")).hint("check the file's permissions"));
                    return;
                }
            };
            let sha = crate::document::sha256_hex(&bytes);
            let base = slugify(Path::new(src.as_str()).file_stem().and_then(|s| s.to_str()).unwrap_or("image"));
            let base = if base.is_empty() { "image".to_string() } else { base };
            let name = format!("{stem}-{base}-{}.{ext}", &sha[..12]);
            let out = format!("{}/{name}", ctx.base);
            assets.entry(out).or_insert_with(|| Asset { source: shown.to_string_lossy().replace('\\', "/"), bytes: std::sync::Arc::new(bytes), sha256: sha });
            sources.push(shown.to_string_lossy().replace('\\', "/"));
            *published = name;
        }
        Ok(_) => diags.push(
            Diagnostic::error(Pos::file(file), format!("image `{src}` does not exist"))
                .hint("put the image in the meeting's folder and give its path from there"),
        ),
        Err(why) => diags.push(Diagnostic::error(Pos::file(file), format!("image `{src}` {why}")).hint("put the image in the meeting's folder")),
    }
}

/// Register a source file as an asset at `out`. The same file twice is one asset; two
/// different files at one output path are refused, never silently merged.
pub(super) fn register_asset(assets: &mut Assets, full: &Path, shown: &Path, out: String) -> Result<(), String> {
    let bytes = std::fs::read(full).map_err(|e| format!("cannot read `{}`: {e}", shown.display()))?;
    let sha256 = crate::document::sha256_hex(&bytes);
    add_asset(assets, out, Asset { source: shown.to_string_lossy().replace('\\', "/"), bytes: std::sync::Arc::new(bytes), sha256 })
}

/// Add an asset at `out`: the same bytes again are the same asset; other bytes at the
/// same path are refused, naming both sources.
pub(super) fn add_asset(assets: &mut Assets, out: String, asset: Asset) -> Result<(), String> {
    match assets.get(&out) {
        Some(prev) if prev.sha256 != asset.sha256 => Err(format!("`{}` and `{}` would both be published as `{out}`", asset.source, prev.source)),
        Some(_) => Ok(()),
        None => {
            assets.insert(out, asset);
            Ok(())
        }
    }
}

/// Resolve `rel` inside `dir`, refusing absolute paths, `..` and symlinks that leave it.
pub fn safe_join(dir: &Path, rel: &str) -> Result<PathBuf, &'static str> {
    let p = Path::new(rel);
    if p.is_absolute() || p.components().any(|c| !matches!(c, Component::Normal(_) | Component::CurDir)) {
        return Err("points outside the meeting's folder");
    }
    let full = dir.join(p);
    if let (Ok(real), Ok(real_dir)) = (full.canonicalize(), dir.canonicalize()) {
        if !real.starts_with(&real_dir) {
            return Err("is a link that points outside its folder");
        }
    }
    Ok(full)
}
