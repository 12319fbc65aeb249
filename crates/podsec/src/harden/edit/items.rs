//! Elements of a block sequence edited on their own, so that editing one re-reads only that
//! element: the items of a `List` document, and the containers of a pod with many.

use std::borrow::Cow;

use super::path::{Nav, Slot, navigate};
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

/// One element of a block sequence (an item of a `List` document, a container), edited on its
/// own: its byte range in the text it was cut from, and its path there.
pub(crate) struct ItemUnit {
    pub(crate) start: usize,
    pub(crate) end: usize,
    /// The index of a `List` item (for a container, its index in its list).
    pub(crate) index: usize,
    path: Vec<Seg>,
    shape: ItemShape,
}

impl ItemUnit {
    /// A patch of the whole document (on `items[index]...`) as a patch of the item's text.
    pub(crate) fn local(&self, p: &Patch) -> Patch {
        let rest = p.path().0.get(self.path.len()..).unwrap_or(&[]);
        let mut segs = Vec::with_capacity(rest.len() + 1);
        if self.shape == ItemShape::Block {
            segs.push(Seg::Index(0));
        }
        segs.extend(rest.iter().cloned());
        p.with_path(FieldPath(segs))
    }

    /// The element's path in the text it was cut from.
    pub(crate) fn path(&self) -> &[Seg] {
        &self.path
    }

    /// Whether the item is written `- key: ...` (else it is a JSON object).
    pub(crate) fn is_block(&self) -> bool {
        self.shape == ItemShape::Block
    }

    /// A path of the item's text as a path of the whole document, for messages.
    pub(crate) fn global(&self, path: &str) -> String {
        let prefix = FieldPath(self.path.clone()).to_string();
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
            path: vec![Seg::Key(Cow::Borrowed("items")), Seg::Index(k)],
            shape,
        });
    }
    Some((units, layout))
}

/// The lists of a pod whose elements are edited on their own.
const CONTAINER_LISTS: [&str; 3] = ["containers", "initContainers", "ephemeralContainers"];

/// The path of the container (`...containers[k]`) that every patch of an edit goes inside, if
/// they all go inside one.
pub(crate) fn container_of(patches: &[Patch]) -> Option<&[Seg]> {
    let first = patches.first()?.path().0.as_slice();
    let at = first.windows(2).rposition(
        |w| matches!(w, [Seg::Key(k), Seg::Index(_)] if CONTAINER_LISTS.contains(&k.as_ref())),
    )?;
    let prefix = first.get(..at + 2)?;
    patches
        .iter()
        .all(|p| p.path().0.len() > prefix.len() && p.path().0.starts_with(prefix))
        .then_some(prefix)
}

impl DocEditor {
    /// Editors for the block sequence elements at `wanted` (distinct paths), in text order, each
    /// holding the changed ranges inside it; `None` when one of them cannot be edited on its own
    /// (it is reached through an anchor or alias, written in flow style, shares a line, or does
    /// not read alone), and the document is then edited whole.
    pub(crate) fn elements(&mut self, wanted: &[Vec<Seg>]) -> Option<Vec<(ItemUnit, DocEditor)>> {
        if self.layout.json {
            return None;
        }
        let stream = self
            .parsed
            .take()
            .unwrap_or_else(|| super::super::parse(&self.text));
        let root = super::first_doc(&stream).and_then(yaml::Document::root);
        let text = self.text.as_str();
        let mut units: Vec<ItemUnit> = Vec::with_capacity(wanted.len());
        for path in wanted {
            let (Some(root), Some(Seg::Index(k))) = (root, path.last()) else {
                return None;
            };
            let at = FieldPath(path.clone());
            let Ok(Nav::Exists {
                slot: Slot::Item { seq, node: raw },
                node,
                shared: false,
            }) = navigate(root, path, &at)
            else {
                return None;
            };
            if raw.is_alias() || node.is_anchored() || !node.is_map() || seq.is_flow() {
                return None;
            }
            let dash = dash_before(text, raw.span().start)?;
            if !only_space_before(text, dash) {
                return None;
            }
            let end = match seq.raw_items().get(k + 1) {
                Some(next) => line_start(text, dash_before(text, next.span().start)?),
                None => after_kept_lines(text, raw, line_after(text, content_end(text, raw))),
            };
            units.push(ItemUnit {
                start: line_start(text, dash),
                end,
                index: *k,
                path: path.clone(),
                shape: ItemShape::Block,
            });
        }
        crate::order::sort_by_key(&mut units, |u| u.start as u64);
        let apart = units.windows(2).all(|w| match w {
            [a, b] => a.end <= b.start,
            _ => true,
        });
        // A range from an earlier round across an element's edge cannot be carried.
        let straddles = self.ranges.iter().any(|&(_, a, b)| {
            units
                .iter()
                .any(|u| (a < u.start && b > u.start) || (a < u.end && b > u.end))
        });
        if !apart || straddles || units.iter().any(|u| u.start >= u.end) {
            return None;
        }
        let mut parts = Vec::with_capacity(units.len());
        for u in units {
            let mut editor =
                DocEditor::item(text.get(u.start..u.end)?.to_string(), self.layout, u.shape)?;
            editor.ranges = self
                .ranges
                .iter()
                .filter(|&&(_, a, b)| a >= u.start && b <= u.end && !(a == b && a == u.end))
                .map(|&(owner, a, b)| (owner, a - u.start, b - u.start))
                .collect();
            parts.push((u, editor));
        }
        drop(stream);
        let inside = |a: usize, b: usize| {
            parts.iter().any(|(u, _): &(ItemUnit, DocEditor)| {
                a >= u.start && b <= u.end && !(a == b && a == u.end)
            })
        };
        self.ranges.retain(|&(_, a, b)| !inside(a, b));
        Some(parts)
    }

    /// Writes the elements' texts back in place, with the ranges they hold.
    pub(crate) fn rejoin(&mut self, parts: Vec<(ItemUnit, DocEditor)>) {
        for (u, editor) in parts.into_iter().rev() {
            let delta = editor.text.len() as isize - (u.end - u.start) as isize;
            self.text.replace_range(u.start..u.end, &editor.text);
            for r in &mut self.ranges {
                if r.1 >= u.end {
                    r.1 = r.1.saturating_add_signed(delta);
                    r.2 = r.2.saturating_add_signed(delta);
                }
            }
            self.ranges.extend(
                editor
                    .ranges
                    .iter()
                    .map(|&(owner, a, b)| (owner, a + u.start, b + u.start)),
            );
        }
        self.parsed = None;
    }
}
