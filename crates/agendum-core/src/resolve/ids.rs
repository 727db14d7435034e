//! Pass: element ids unique within a page (and labels within a PDF).

use super::*;

/// Ids must be unique in a page (and labels in a PDF): a repeated sub-heading gets "-2".
pub(super) fn unique_ids(sections: &mut [Section], appendices: &mut [Appendix]) {
    fn fix(id: &mut String, seen: &mut BTreeSet<String>) {
        if seen.insert(id.clone()) {
            return;
        }
        let mut n = 2;
        while !seen.insert(format!("{id}-{n}")) {
            n += 1;
        }
        *id = format!("{id}-{n}");
    }
    let mut seen: BTreeSet<String> = sections.iter().map(|s| s.id.clone()).chain(appendices.iter().map(|a| a.anchor.clone())).collect();
    let mut visit = |b: &mut Block| block_ids_mut(b).into_iter().for_each(|id| fix(id, &mut seen));
    for s in sections {
        for_each_block_mut(&mut s.blocks, &mut visit);
    }
    for a in appendices {
        for_each_block_mut(&mut a.blocks, &mut visit);
    }
}
