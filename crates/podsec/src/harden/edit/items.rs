//! The items of a `List` document, each edited on its own so that editing one item re-reads only
//! that item.

use super::render::Layout;
use super::text::{
    after_kept_lines, content_end, dash_before, end_of, line_after, line_start, only_space_before,
};
use super::{DocEditor, doc_bounds};
use crate::fix::{FieldPath, Patch, Seg};
use crate::yaml;

/// How the text of a `List` item is read on its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum ItemShape {
    /// `- key: ...` lines: a one-item block sequence, so paths gain a leading `[0]`.
    Block,
    /// A JSON object: the item itself.
    Json,
}

/// One item of a `List` document, edited on its own: its byte range in the whole text and its
/// index.
pub(crate) struct ItemUnit {
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) index: usize,
    shape: ItemShape,
}

impl ItemUnit {
    /// A patch of the whole document (on `items[index]...`) as a patch of the item's text.
    pub(crate) fn local(&self, p: &Patch) -> Patch {
        let rest = p.path().0.get(2..).unwrap_or(&[]);
        let mut segs = Vec::with_capacity(rest.len() + 1);
        if self.shape == ItemShape::Block {
            segs.push(Seg::Index(0));
        }
        segs.extend(rest.iter().cloned());
        p.with_path(FieldPath(segs))
    }

    /// Whether the item is written `- key: ...` (else it is a JSON object).
    pub(crate) fn is_block(&self) -> bool {
        self.shape == ItemShape::Block
    }

    /// A path of the item's text as a path of the whole document, for messages.
    pub(crate) fn global(&self, path: &str) -> String {
        let prefix = format!("items[{}]", self.index);
        match self.shape {
            ItemShape::Block => format!("{prefix}{}", path.strip_prefix("[0]").unwrap_or(path)),
            ItemShape::Json if path.is_empty() => prefix,
            ItemShape::Json if path.starts_with('[') => format!("{prefix}{path}"),
            ItemShape::Json => format!("{prefix}.{path}"),
        }
    }
}

/// The index `k` of `items[k]` that every patch of an edit starts with, if they all share one.
pub(crate) fn item_of(patches: &[Patch]) -> Option<usize> {
    let mut found = None;
    for p in patches {
        let k = match p.path().0.as_slice() {
            [Seg::Key(items), Seg::Index(k), _, ..] if items == "items" => *k,
            _ => return None,
        };
        if found.is_some_and(|f| f != k) {
            return None;
        }
        found = Some(k);
    }
    found
}

/// Editors for the items `wanted` (sorted, distinct) of the `List` document `pos` of `stream`,
/// so that editing one item re-reads only that item instead of the whole document. `None` when
/// the document is not a plain block or JSON list of mappings, or an item does not read on its own
/// (it uses an anchor defined elsewhere, say): the caller then edits the whole document.
pub(crate) fn item_units(
    text: &str,
    stream: &yaml::Stream,
    pos: usize,
    wanted: &[usize],
) -> Option<Vec<(ItemUnit, DocEditor)>> {
    let (units, layout) = item_ranges(text, stream, pos, Some(wanted))?;
    units
        .into_iter()
        .map(|u| {
            let editor = DocEditor::item(text.get(u.start..u.end)?.to_string(), layout, u.shape)?;
            Some((u, editor))
        })
        .collect()
}

/// The byte ranges of the items `wanted` (every item when `None`) of the `List` document `pos`
/// of `stream`, with the document's layout; `None` when the document is not a plain block or
/// JSON list of mappings, each item on lines of its own.
pub(crate) fn item_ranges(
    text: &str,
    stream: &yaml::Stream,
    pos: usize,
    wanted: Option<&[usize]>,
) -> Option<(Vec<ItemUnit>, Layout)> {
    let doc = stream.documents.get(pos)?;
    let (doc_start, doc_end) = doc_bounds(stream, pos, text.len());
    let root = doc.root()?;
    if !root.is_map() || root.is_anchored() {
        return None;
    }
    let (_, items) = root
        .raw_entries()
        .into_iter()
        .rfind(|(k, _)| k.raw_scalar().map(|t| t.0) == Some("items"))?;
    if items.is_alias() || items.is_anchored() || !items.is_seq() {
        return None;
    }
    let shape = if doc.json {
        ItemShape::Json
    } else if !items.is_flow() {
        ItemShape::Block
    } else {
        return None;
    };
    let doc_text = text.get(doc_start..doc_end)?;
    let mut layout = Layout::of(text, doc);
    layout.nl = if doc_text.contains("\r\n") {
        "\r\n"
    } else {
        "\n"
    };
    let list = items.raw_items();
    let all: Vec<usize>;
    let wanted = match wanted {
        Some(w) => w,
        None => {
            all = (0..list.len()).collect();
            &all
        }
    };
    let mut units: Vec<ItemUnit> = Vec::with_capacity(wanted.len());
    for &k in wanted {
        let item = *list.get(k)?;
        if item.is_alias() || !item.is_map() {
            return None;
        }
        let (start, end) = match shape {
            ItemShape::Block => {
                let dash = dash_before(text, item.span().start)?;
                if !only_space_before(text, dash) {
                    return None;
                }
                let end = match list.get(k + 1) {
                    Some(next) => line_start(text, dash_before(text, next.span().start)?),
                    None => after_kept_lines(text, item, line_after(text, content_end(text, item))),
                };
                (line_start(text, dash), end)
            }
            ItemShape::Json => {
                let open = item.span().start;
                if !only_space_before(text, open) {
                    return None;
                }
                (line_start(text, open), end_of(text, item))
            }
        };
        if start < doc_start || end > doc_end || start >= end {
            return None;
        }
        if units.last().is_some_and(|u| u.end > start) {
            return None;
        }
        units.push(ItemUnit {
            start,
            end,
            index: k,
            shape,
        });
    }
    Some((units, layout))
}
