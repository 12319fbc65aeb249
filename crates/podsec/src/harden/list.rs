//! A text that is one `List` document (`kubectl get pods -o yaml`) hardened item by item: each
//! item is read, analysed and rewritten as a document of its own, and its edits are reported as
//! edits of the `List`. The `List` is parsed once, to find its items; no round reads it whole, so
//! memory follows the largest item and the edits reported, not the whole document's tree and
//! analysis.

use super::{
    CANNOT_EDIT, Edit, HardenOptions, Hardened, INTRODUCES, NOT_APPLIED, ObjectVerdict, edit,
    harden_text, parse,
};
use crate::fix::{FieldPath, Patch, Seg};

/// The rewrite of `text` item by item, when it is one block `List` document whose items each
/// stand on lines of their own and read alone; `None` otherwise (and when an item's rewrite would
/// touch the dash that starts it), for the whole-text rewrite to do.
pub(super) fn harden(text: &str, options: &HardenOptions) -> Option<Hardened> {
    // Inline ignores may name lines outside an item.
    if text.contains(crate::suppress::MARKER) || !text.contains("List") {
        return None;
    }
    let (document, items) = {
        let stream = parse(text);
        if !stream.errors.is_empty() || stream.documents.len() != 1 {
            return None;
        }
        let doc = stream.documents.first()?;
        let kind = doc.root()?.get("kind")?.text()?;
        if !kind.ends_with("List") {
            return None;
        }
        let (items, _) = edit::item_ranges(text, &stream, 0, None)?;
        if items.is_empty() || !items.iter().all(edit::ItemUnit::is_block) {
            return None;
        }
        (doc.index, items)
    };
    let mut out = String::with_capacity(text.len() + text.len() / 2);
    // Lines of the output so far.
    let mut lines = 0;
    let mut cursor = 0;
    let mut edits: Vec<Edit> = Vec::new();
    let mut objects: Vec<ObjectVerdict> = Vec::new();
    for item in &items {
        let own = text.get(item.start..item.end)?;
        // The item as a document of its own: its dash read as a space, so that its mapping keeps
        // every byte where it was.
        let dash = own.find('-')?;
        let mut alone = own.to_string();
        alone.replace_range(dash..=dash, " ");
        // An item that does not read alone (an alias of an anchor in another item, say) is read
        // with the whole document.
        if !parse(&alone).errors.is_empty() {
            return None;
        }
        let h = harden_text(&alone, options);
        let written = h.text.get(..=dash)?;
        if written.get(..dash) != own.get(..dash) || !written.ends_with(' ') {
            return None;
        }
        let between = text.get(cursor..item.start)?;
        lines += newlines(between);
        out.push_str(between);
        // Lines before the item's first line in the output.
        let offset = lines;
        out.push_str(own.get(..=dash)?);
        out.push_str(h.text.get(dash + 1..)?);
        lines += newlines(&h.text);
        cursor = item.end;
        let prefix = [Seg::Key("items".to_string()), Seg::Index(item.index)];
        let words = FieldPath(prefix.to_vec()).to_string();
        for mut e in h.edits {
            e.object.document = document;
            e.patches = e
                .patches
                .iter()
                .map(|p| p.with_path(within(&prefix, p)))
                .collect();
            e.lines = e.lines.map(|(a, b)| (a + offset, b + offset));
            for h in &mut e.hunks {
                *h = (h.0 + offset, h.1 + offset);
            }
            e.skipped = e.skipped.map(|s| global_reason(s, &words));
            edits.push(e);
        }
        for mut o in h.objects {
            o.object.document = document;
            o.line += offset;
            for b in &mut o.blocking {
                b.line += offset;
                if let Some((fix, reason)) = b.why.split_once(NOT_APPLIED) {
                    b.why = format!(
                        "{fix}{NOT_APPLIED}{}",
                        global_reason(reason.to_string(), &words)
                    );
                }
            }
            objects.push(o);
        }
    }
    out.push_str(text.get(cursor..)?);
    // Applied edits first, as the whole-text rewrite orders them.
    edits.sort_by_key(|e| !e.applied);
    Some(Hardened {
        changed: out != text,
        text: out,
        edits,
        objects,
    })
}

/// A patch's path of an item as a path of the `List`.
fn within(prefix: &[Seg], p: &Patch) -> FieldPath {
    FieldPath(prefix.iter().chain(&p.path().0).cloned().collect())
}

/// A reason an edit was not applied, with the path it names as a path of the `List`.
fn global_reason(reason: String, item: &str) -> String {
    let global = |path: &str| match path {
        "" => item.to_string(),
        p if p.starts_with('[') => format!("{item}{p}"),
        p => format!("{item}.{p}"),
    };
    if let Some(rest) = reason.strip_prefix(CANNOT_EDIT)
        && let Some((path, why)) = rest.split_once(": ")
    {
        return format!("{CANNOT_EDIT}{}: {why}", global(path));
    }
    if let Some(rest) = reason.strip_prefix(INTRODUCES)
        && let Some((check, rest)) = rest.split_once(" at ")
        && let Some((path, why)) = rest.split_once(')')
    {
        return format!("{INTRODUCES}{check} at {}){why}", global(path));
    }
    reason
}

fn newlines(s: &str) -> usize {
    s.bytes().filter(|&b| b == b'\n').count()
}
