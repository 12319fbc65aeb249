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
            let end = match seq.raw_item(k + 1) {
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
        if !apart || units.iter().any(|u| u.start >= u.end) {
            return None;
        }
        // Each earlier range goes with the element it lies in, if any: the elements are apart and
        // in text order, so that is the last one starting at or before it (found by a binary
        // search, not by a scan of every element: a pod of 50,000 containers has as many).
        let starts: Vec<usize> = units.iter().map(|u| u.start).collect();
        let ends: Vec<usize> = units.iter().map(|u| u.end).collect();
        let mut within: Vec<Option<usize>> = Vec::with_capacity(self.ranges.len());
        for &(_, a, b) in &self.ranges {
            // A range from an earlier round across an element's edge cannot be carried.
            let crosses = |edges: &[usize]| {
                edges
                    .get(edges.partition_point(|&e| e <= a))
                    .is_some_and(|&e| e < b)
            };
            if crosses(&starts) || crosses(&ends) {
                return None;
            }
            let k = starts.partition_point(|&s| s <= a).checked_sub(1);
            within.push(k.filter(|&k| {
                units
                    .get(k)
                    .is_some_and(|u| b <= u.end && !(a == b && a == u.end))
            }));
        }
        let mut theirs: Vec<Vec<(usize, usize, usize)>> = vec![Vec::new(); units.len()];
        for (&(owner, a, b), k) in self.ranges.iter().zip(&within) {
            if let Some(mine) = k.and_then(|k| theirs.get_mut(k))
                && let Some(u) = k.and_then(|k| units.get(k))
            {
                mine.push((owner, a - u.start, b - u.start));
            }
        }
        let mut parts = Vec::with_capacity(units.len());
        for (u, ranges) in units.into_iter().zip(theirs) {
            let mut editor =
                DocEditor::item(text.get(u.start..u.end)?.to_string(), self.layout, u.shape)?;
            editor.ranges = ranges;
            parts.push((u, editor));
        }
        drop(stream);
        let mut kept = within.iter();
        self.ranges
            .retain(|_| kept.next().is_some_and(Option::is_none));
        Some(parts)
    }

    /// Writes the elements' texts back in place, with the ranges they hold.
    pub(crate) fn rejoin(&mut self, mut parts: Vec<(ItemUnit, DocEditor)>) {
        // One pass over the text: each element's new text in place of its old one. An earlier
        // range moves by what the elements before it (ending at or before its start) grew or
        // shrank; an element's own ranges by what those before the element did.
        crate::order::sort_by_key(&mut parts, |(u, _)| u.start as u64);
        let grown: usize = parts.iter().map(|(_, e)| e.text.len()).sum();
        let mut text = String::with_capacity(self.text.len().saturating_add(grown));
        let mut ends: Vec<usize> = Vec::with_capacity(parts.len());
        // The change in length of the text up to the end of each element.
        let mut moved: Vec<isize> = Vec::with_capacity(parts.len());
        let mut delta: isize = 0;
        let mut cursor = 0;
        for (u, editor) in &parts {
            text.push_str(self.text.get(cursor..u.start).unwrap_or(""));
            text.push_str(&editor.text);
            cursor = u.end;
            delta += editor.text.len() as isize - (u.end - u.start) as isize;
            ends.push(u.end);
            moved.push(delta);
        }
        text.push_str(self.text.get(cursor..).unwrap_or(""));
        for r in &mut self.ranges {
            let before = ends.partition_point(|&e| e <= r.1);
            if let Some(&d) = before.checked_sub(1).and_then(|k| moved.get(k)) {
                r.1 = r.1.saturating_add_signed(d);
                r.2 = r.2.saturating_add_signed(d);
            }
        }
        // The elements' ranges follow the earlier ones, the last element's first (as when each
        // element was written back in turn from the end).
        for (k, (u, editor)) in parts.iter().enumerate().rev() {
            let d = k
                .checked_sub(1)
                .and_then(|j| moved.get(j))
                .copied()
                .unwrap_or(0);
            let at = u.start.saturating_add_signed(d);
            self.ranges.extend(
                editor
                    .ranges
                    .iter()
                    .map(|&(owner, a, b)| (owner, a + at, b + at)),
            );
        }
        self.text = text;
        self.parsed = None;
    }
}

#[cfg(test)]
mod tests {
    use super::DocEditor;
    use crate::fix::{FieldPath, Seg};
    use crate::harden::tests::Gen;

    type Ranges = Vec<(usize, usize, usize)>;

    /// The element ranges as they were found before the binary searches: every range checked
    /// against every element. `None` when one crosses an element's edge.
    fn split_by_scan(ranges: &Ranges, units: &[(usize, usize)]) -> Option<(Vec<Ranges>, Ranges)> {
        let straddles = ranges.iter().any(|&(_, a, b)| {
            units
                .iter()
                .any(|&(s, e)| (a < s && b > s) || (a < e && b > e))
        });
        if straddles {
            return None;
        }
        let inside =
            |a: usize, b: usize, (s, e): (usize, usize)| a >= s && b <= e && !(a == b && a == e);
        let theirs = units
            .iter()
            .map(|&(s, e)| {
                ranges
                    .iter()
                    .filter(|&&(_, a, b)| inside(a, b, (s, e)))
                    .map(|&(o, a, b)| (o, a - s, b - s))
                    .collect()
            })
            .collect();
        let kept = ranges
            .iter()
            .copied()
            .filter(|&(_, a, b)| !units.iter().any(|&u| inside(a, b, u)))
            .collect();
        Some((theirs, kept))
    }

    /// The texts written back as they were before the single pass: each element in turn from the
    /// last, every range moved at each.
    fn rejoin_in_turn(
        text: &str,
        ranges: &Ranges,
        parts: &[((usize, usize), String, Ranges)],
    ) -> (String, Ranges) {
        let mut text = text.to_string();
        let mut ranges = ranges.clone();
        for ((start, end), new, theirs) in parts.iter().rev() {
            let delta = new.len() as isize - (end - start) as isize;
            text.replace_range(start..end, new);
            for r in &mut ranges {
                if r.1 >= *end {
                    r.1 = r.1.saturating_add_signed(delta);
                    r.2 = r.2.saturating_add_signed(delta);
                }
            }
            ranges.extend(theirs.iter().map(|&(o, a, b)| (o, a + start, b + start)));
        }
        (text, ranges)
    }

    /// Splitting a pod's containers from its text and writing them back gives what checking every
    /// range against every element gave, for ranges inside elements, between them, across their
    /// edges and empty at their ends, and elements that grow, shrink or stay.
    #[test]
    fn elements_split_and_rejoin_as_the_scans_did() {
        let mut g = Gen(0x9e37_79b9_7f4a_7c15);
        let (mut split, mut refused) = (0, 0);
        for case in 0..300 {
            let n = 2 + g.next(12);
            let mut text = String::from("apiVersion: v1\nkind: Pod\nspec:\n  containers:\n");
            for i in 0..n {
                text.push_str(&format!("  - name: c{i}\n    image: app\n"));
                if g.next(3) == 0 {
                    text.push_str("    securityContext:\n      runAsUser: 1000\n");
                }
            }
            text.push_str("  hostNetwork: false\n");
            let mut ranges: Ranges = Vec::new();
            // Elements start and end at line starts: half the ranges start at one.
            let lines: Vec<usize> = std::iter::once(0)
                .chain(text.match_indices('\n').map(|(i, _)| i + 1))
                .collect();
            for owner in 0..g.next(8) {
                let a = if g.next(2) == 0 {
                    lines[g.next(lines.len())]
                } else {
                    g.next(text.len())
                };
                let b = if g.next(3) == 0 {
                    a
                } else {
                    (a + g.next(40)).min(text.len())
                };
                ranges.push((owner, a, b));
            }
            let wanted: Vec<Vec<Seg>> = (0..n)
                .filter(|_| g.next(3) != 0)
                .map(|i| FieldPath::parse(&format!("spec.containers[{i}]")).0)
                .collect();
            let Some(mut editor) = DocEditor::new(text.clone()) else {
                panic!("case {case}: the pod does not read");
            };
            editor.ranges = ranges.clone();
            let Some(parts) = editor.elements(&wanted) else {
                // Refused only for a range across the edge of an element that splits without it.
                let Some(mut bare) = DocEditor::new(text.clone()) else {
                    panic!("case {case}: the pod does not read");
                };
                if let Some(parts) = bare.elements(&wanted) {
                    let units: Vec<(usize, usize)> =
                        parts.iter().map(|(u, _)| (u.start, u.end)).collect();
                    assert!(split_by_scan(&ranges, &units).is_none(), "case {case}");
                    refused += 1;
                }
                continue;
            };
            let units: Vec<(usize, usize)> = parts.iter().map(|(u, _)| (u.start, u.end)).collect();
            let expected = split_by_scan(&ranges, &units);
            let Some((theirs, kept)) = expected else {
                panic!("case {case}: split although a range crosses an edge: {ranges:?} {units:?}");
            };
            let got: Vec<Ranges> = parts.iter().map(|(_, e)| e.ranges.clone()).collect();
            assert_eq!(got, theirs, "case {case}");
            assert_eq!(editor.ranges, kept, "case {case}");
            split += 1;
            // Each element grows, shrinks or stays, with ranges of its own.
            let mut edited = Vec::new();
            let mut parts = parts;
            for (k, (u, e)) in parts.iter_mut().enumerate() {
                match g.next(3) {
                    0 => e.text.push_str("    args: [x]\n"),
                    1 => {
                        let cut = e.text.len().saturating_sub(g.next(6));
                        e.text.truncate(cut);
                    }
                    _ => {}
                }
                let at = g.next(e.text.len());
                e.ranges.push((100 + k, at, e.text.len()));
                edited.push(((u.start, u.end), e.text.clone(), e.ranges.clone()));
            }
            let before = editor.text.clone();
            let kept_now = editor.ranges.clone();
            editor.rejoin(parts);
            let (text_then, ranges_then) = rejoin_in_turn(&before, &kept_now, &edited);
            assert_eq!(editor.text, text_then, "case {case}");
            assert_eq!(editor.ranges, ranges_then, "case {case}");
        }
        assert!(split > 100 && refused > 100, "{split} {refused}");
    }
}
