//! Many patches on one list, planned on a single reading of the text.
//!
//! A list of 80,000 capabilities gets one "remove X" edit per name. Applied one by one, each edit
//! reads the whole document again, so the work grows with the square of the list. Here the list is
//! read once into a model (its elements and the separators between them), every edit of the run is
//! played on the model exactly as [`super::DocEditor::apply`] would play it on the text, and the
//! text is written once at the end, with every changed range where the one-by-one engine would
//! have left it. The result is read again once and compared with the model; any shape the model does
//! not cover (a multi-line flow list, an alias, a block list emptied or grown) is left to the
//! one-by-one engine, so the output is the same either way.

use std::collections::HashMap;

use super::path::{Nav, Slot, navigate, scalar_text};
use super::render::render_inline;
use super::text::{
    colon_after, content_end, dash_before, end_of, is_single_line, line_after, line_start,
    only_space_before,
};
use super::{DocEditor, EditError, MAX_SPLICES_PER_PATCH, first_doc};
use crate::fix::{FieldPath, Patch, PatchValue};
use crate::yaml::{Document, Style};

/// What became of one edit of a batch.
#[derive(Debug)]
pub(crate) enum Outcome {
    /// It conflicts with an accepted patch of this title.
    Conflict(String),
    /// It is applied.
    Applied,
    /// It cannot be written; the text is as before it.
    Failed(EditError),
}

/// The caller's record of accepted patches, asked before each edit and told after.
pub(crate) trait Host {
    /// The title of an accepted patch that edit `k` of the batch conflicts with.
    fn conflict(&self, k: usize) -> Option<String>;
    /// Edit `k` of the batch is applied.
    fn accept(&mut self, k: usize);
}

/// The shape of an edit a batch can play: remove every copy of an item, then maybe make sure the
/// list holds another (as `write SYS_ADMIN instead of CAP_SYS_ADMIN` does).
pub(crate) fn list_edit<'p>(patches: &[&'p Patch]) -> Option<&'p FieldPath> {
    let path = patches.first()?.path();
    let ok = match patches {
        [Patch::RemoveItem { .. }]
        | [
            Patch::Ensure {
                item: PatchValue::Str(_),
                ..
            },
        ] => true,
        [
            Patch::RemoveItem { .. },
            Patch::Ensure {
                item: PatchValue::Str(_),
                path: p,
            },
        ] => p == path,
        _ => false,
    };
    ok.then_some(path)
}

/// A piece of the list's text: an element, a separator or a line.
struct Piece {
    /// Original byte range, or text written by the batch.
    text: PieceText,
    alive: bool,
}

enum PieceText {
    Orig(usize, usize),
    New(String),
}

/// Where a changed range ends up: before piece `i` (after every live piece before it).
#[derive(Clone, Copy)]
enum Anchor {
    Before(usize),
}

/// One element of the list.
struct Elem {
    piece: usize,
    /// Block lists: the rest of the element's line. Flow lists: the separator after it (`None`
    /// when that is the trailing one).
    after: Option<usize>,
    prev: Option<usize>,
    next: Option<usize>,
    /// The decoded string, if it is one (what `Ensure` compares).
    value: Option<String>,
    /// The scalar's text (what `RemoveItem` compares).
    text: Option<String>,
}

struct Model<'t> {
    text: &'t str,
    flow: bool,
    json: bool,
    pieces: Vec<Piece>,
    /// Flow lists: the text between the last element and `]`, and how much of its start is cut.
    tail: (usize, usize),
    tail_cut: usize,
    elems: Vec<Elem>,
    first: Option<usize>,
    last: Option<usize>,
    alive: usize,
    /// Live elements by their scalar text (what `RemoveItem` compares), in list order.
    by_text: HashMap<String, Vec<usize>>,
    /// Live elements by decoded string.
    values: HashMap<String, usize>,
    ranges: Vec<(usize, Anchor, Anchor)>,
    /// How many pieces the list had before the batch (appended ones come after).
    orig: usize,
}

impl DocEditor {
    /// Plays the edits of `batch` (each: its owner and its patches in application order, all on
    /// the list at `path`) on one reading of the text. Returns what became of the first edits,
    /// as many as it could play (it stops before an edit whose shape it does not cover); `None`
    /// when it played none and changed nothing.
    pub(crate) fn apply_list_batch(
        &mut self,
        path: &FieldPath,
        batch: &[(usize, Vec<Patch>)],
        host: &mut dyn Host,
    ) -> Option<Vec<Outcome>> {
        let stream = match self.parsed.take() {
            Some(s) => s,
            None => super::super::parse(&self.text),
        };
        let played = if stream.errors.len() > self.errors {
            None
        } else {
            first_doc(&stream)
                .and_then(Document::root)
                .and_then(|root| Model::read(&self.text, root, path, self.layout.json))
                .and_then(|mut m| {
                    let outcomes = m.play(path, batch, host);
                    (!outcomes.is_empty()).then(|| (m.write(&self.ranges), m.expect(), outcomes))
                })
        };
        let Some(((text, ranges), expected, outcomes)) = played else {
            self.parsed = Some(stream);
            return None;
        };
        let reread = super::super::parse(&text);
        let same = reread.errors.len() <= self.errors
            && first_doc(&reread)
                .and_then(Document::root)
                .and_then(|root| match navigate(root, &path.0, path) {
                    Ok(Nav::Exists { node, .. }) if node.is_seq() => Some(
                        node.items()
                            .iter()
                            .map(|n| scalar_text(*n).map(str::to_string))
                            .collect::<Vec<_>>(),
                    ),
                    _ => None,
                })
                .is_some_and(|items| items == expected);
        if !same {
            self.parsed = Some(stream);
            return None;
        }
        self.text = text;
        self.ranges = ranges;
        self.parsed = Some(reread);
        Some(outcomes)
    }
}

impl<'t> Model<'t> {
    /// The model of the list at `path`, if it is a shape the batch covers: an existing,
    /// unshared list of single-line scalars, written on one line in flow style or one element per
    /// line in block style.
    fn read(
        text: &'t str,
        root: crate::yaml::Node<'_>,
        path: &FieldPath,
        json: bool,
    ) -> Option<Model<'t>> {
        let Ok(Nav::Exists { slot, node, shared }) = navigate(root, &path.0, path) else {
            return None;
        };
        let raw = match slot {
            Slot::Entry { value, .. } => value,
            Slot::Item { node, .. } => node,
            Slot::Root | Slot::Merged { .. } => return None,
        };
        if !node.is_seq() || shared || raw.is_alias() || node.is_anchored() {
            return None;
        }
        let items = node.raw_items();
        let simple = |n: crate::yaml::Node<'_>| {
            !n.is_alias()
                && n.is_scalar()
                && is_single_line(text, n)
                && !matches!(n.raw_scalar(), Some((_, Style::Literal | Style::Folded)))
        };
        if items.is_empty() || !items.iter().all(|n| simple(*n)) {
            return None;
        }
        let flow = json || node.is_flow();
        let mut m = Model {
            text,
            flow,
            json,
            pieces: Vec::new(),
            tail: (0, 0),
            tail_cut: 0,
            elems: Vec::new(),
            first: None,
            last: None,
            alive: 0,
            by_text: HashMap::new(),
            values: HashMap::new(),
            ranges: Vec::new(),
            orig: 0,
        };
        let orig = |m: &mut Model<'_>, a: usize, b: usize| {
            m.pieces.push(Piece {
                text: PieceText::Orig(a, b),
                alive: true,
            });
            m.pieces.len() - 1
        };
        if flow {
            let open = node.span().start;
            let close = end_of(text, node).checked_sub(1)?;
            let region = text.get(open..=close)?;
            if !region.starts_with('[') || !region.ends_with(']') || region.contains('\n') {
                return None;
            }
            let mut at = open + 1;
            for n in &items {
                let (a, b) = (n.span().start, end_of(text, *n));
                if a < at || b > close {
                    return None;
                }
                let gap = orig(&mut m, at, a);
                if let Some(prev) = m.elems.last_mut() {
                    prev.after = Some(gap);
                }
                let piece = orig(&mut m, a, b);
                m.push_elem(*n, piece, None);
                at = b;
            }
            m.tail = (at, close);
        } else {
            // The text from the key's colon to the first element: what emptying the list
            // replaces with ` []`. Emptying is left to the one-by-one engine, so it is only kept.
            let mut at = match slot {
                Slot::Entry { key, .. } => colon_after(text, key.span().end)? + 1,
                _ => line_start(text, items.first()?.span().start),
            };
            for n in &items {
                let dash = dash_before(text, n.span().start)?;
                if !only_space_before(text, dash) {
                    return None;
                }
                let (a, b) = (line_start(text, dash), end_of(text, *n));
                let c = line_after(text, content_end(text, *n));
                if a < at || c < b {
                    return None;
                }
                orig(&mut m, at, a);
                let piece = orig(&mut m, a, b);
                let rest = orig(&mut m, b, c);
                m.push_elem(*n, piece, Some(rest));
                at = c;
            }
            m.tail = (at, at);
        }
        m.orig = m.pieces.len();
        Some(m)
    }

    fn push_elem(&mut self, n: crate::yaml::Node<'_>, piece: usize, after: Option<usize>) {
        let id = self.elems.len();
        let value = n.as_str().map(str::to_string);
        if let Some(v) = &value {
            *self.values.entry(v.clone()).or_insert(0) += 1;
        }
        let text = scalar_text(n).map(str::to_string);
        if let Some(t) = &text {
            self.by_text.entry(t.clone()).or_default().push(id);
        }
        if let Some(last) = self.last.and_then(|l| self.elems.get_mut(l)) {
            last.next = Some(id);
        }
        self.elems.push(Elem {
            piece,
            after,
            prev: self.last,
            next: None,
            value,
            text,
        });
        self.first = self.first.or(Some(id));
        self.last = Some(id);
        self.alive += 1;
    }

    /// The byte range the batch may change: from the first piece to the end of the tail.
    fn region(&self) -> (usize, usize) {
        let start = match self.pieces.first().map(|p| &p.text) {
            Some(PieceText::Orig(a, _)) => *a,
            _ => self.tail.0,
        };
        (start, self.tail.1)
    }

    /// Plays the edits in order; stops before the first one it does not cover.
    fn play(
        &mut self,
        path: &FieldPath,
        batch: &[(usize, Vec<Patch>)],
        host: &mut dyn Host,
    ) -> Vec<Outcome> {
        let mut outcomes = Vec::with_capacity(batch.len());
        for (k, (owner, patches)) in batch.iter().enumerate() {
            if let Some(title) = host.conflict(k) {
                outcomes.push(Outcome::Conflict(title));
                continue;
            }
            let (remove, ensure) = match patches.as_slice() {
                [Patch::RemoveItem { item, .. }] => (Some(item), None),
                [
                    Patch::Ensure {
                        item: PatchValue::Str(s),
                        ..
                    },
                ] => (None, Some(s)),
                [
                    Patch::RemoveItem { item, .. },
                    Patch::Ensure {
                        item: PatchValue::Str(s),
                        ..
                    },
                ] => (Some(item), Some(s)),
                _ => break,
            };
            let copies: Vec<usize> = remove
                .and_then(|x| self.by_text.get(x.as_str()))
                .cloned()
                .unwrap_or_default();
            if copies.len() > MAX_SPLICES_PER_PATCH {
                outcomes.push(Outcome::Failed(EditError::new(
                    path,
                    "the edit does not take effect",
                )));
                continue;
            }
            let left = self.alive - copies.len();
            let appends = ensure.is_some_and(|s| {
                let gone = copies
                    .iter()
                    .filter(|&&id| self.elems.get(id).and_then(|e| e.value.as_ref()) == Some(s))
                    .count();
                self.values.get(s.as_str()).copied().unwrap_or(0) <= gone
            });
            // Emptying a block list, growing one, or growing an emptied flow list: one by one. So
            // is a quoted item appended before spaces: the parser's span of a quoted scalar takes
            // the spaces after it, and later edits would start from there.
            let spaced = ensure.is_some_and(|s| {
                render_inline(&PatchValue::Str(s.clone()), self.json).starts_with(['"', '\''])
                    && self
                        .text
                        .get(self.tail.0 + self.tail_cut..self.tail.1)
                        .is_some_and(|t| t.starts_with([' ', '\t']))
            });
            if left == 0 && (!self.flow || appends) || appends && (!self.flow || spaced) {
                break;
            }
            if let Some(x) = remove {
                self.by_text.remove(x.as_str());
            }
            for id in copies {
                self.remove(*owner, id);
            }
            if let (Some(s), true) = (ensure, appends) {
                self.append(*owner, s);
            }
            host.accept(k);
            outcomes.push(Outcome::Applied);
        }
        outcomes
    }

    fn kill(&mut self, piece: usize) {
        if let Some(p) = self.pieces.get_mut(piece) {
            p.alive = false;
        }
    }

    /// Removes one element as `remove_item` does: in a flow list with the separator after it (or
    /// before it, for the last one), alone with a trailing comma; in a block list its lines.
    fn remove(&mut self, owner: usize, id: usize) {
        let Some(e) = self.elems.get(id) else { return };
        let (piece, after, prev, next) = (e.piece, e.after, e.prev, e.next);
        if let Some(v) = e.value.clone()
            && let Some(n) = self.values.get_mut(&v)
        {
            *n = n.saturating_sub(1);
        }
        // Block lists: the element's lines. Flow lists: the element and the separator after it.
        let at = if !self.flow || next.is_some() {
            self.kill(piece);
            if let Some(rest) = after {
                self.kill(rest);
            }
            piece
        } else if let Some(p) = prev {
            let gap = self.elems.get(p).and_then(|e| e.after);
            if let Some(g) = gap {
                self.kill(g);
            }
            self.kill(piece);
            if let Some(pe) = self.elems.get_mut(p) {
                pe.after = after;
            }
            gap.unwrap_or(piece)
        } else {
            // The only element: a trailing comma goes with it.
            self.kill(piece);
            let rest = self
                .text
                .get(self.tail.0 + self.tail_cut..self.tail.1)
                .unwrap_or("");
            let ws = rest
                .bytes()
                .take_while(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
                .count();
            if rest.as_bytes().get(ws) == Some(&b',') {
                self.tail_cut += ws + 1;
            }
            piece
        };
        match prev.and_then(|p| self.elems.get_mut(p)) {
            Some(pe) => pe.next = next,
            None => self.first = next,
        }
        match next.and_then(|n| self.elems.get_mut(n)) {
            Some(ne) => ne.prev = prev,
            None => self.last = prev,
        }
        self.alive -= 1;
        self.ranges
            .push((owner, Anchor::Before(at), Anchor::Before(at)));
    }

    /// Appends an item to a flow list that is not empty, as `append_item` does.
    fn append(&mut self, owner: usize, s: &str) {
        let Some(last) = self.last else { return };
        let rendered = render_inline(&PatchValue::Str(s.to_string()), self.json);
        self.pieces.push(Piece {
            text: PieceText::New(", ".to_string()),
            alive: true,
        });
        let sep = self.pieces.len() - 1;
        self.pieces.push(Piece {
            text: PieceText::New(rendered),
            alive: true,
        });
        let piece = self.pieces.len() - 1;
        if let Some(le) = self.elems.get_mut(last) {
            le.after = Some(sep);
        }
        let id = self.elems.len();
        self.by_text.entry(s.to_string()).or_default().push(id);
        *self.values.entry(s.to_string()).or_insert(0) += 1;
        self.elems.push(Elem {
            piece,
            after: None,
            prev: Some(last),
            next: None,
            value: Some(s.to_string()),
            text: Some(s.to_string()),
        });
        if let Some(le) = self.elems.get_mut(last) {
            le.next = Some(id);
        }
        self.last = Some(id);
        self.alive += 1;
        self.ranges
            .push((owner, Anchor::Before(sep), Anchor::Before(piece + 1)));
    }

    fn piece_text<'s>(&'s self, p: &'s Piece) -> &'s str {
        match &p.text {
            PieceText::Orig(a, b) => self.text.get(*a..*b).unwrap_or(""),
            PieceText::New(s) => s,
        }
    }

    /// The new text, and the ranges of `before` followed by those the batch wrote.
    fn write(&self, before: &[(usize, usize, usize)]) -> (String, Vec<(usize, usize, usize)>) {
        let (start, end) = self.region();
        let mut out = String::with_capacity(self.text.len());
        out.push_str(self.text.get(..start).unwrap_or(""));
        // Where each piece starts in the output.
        let mut at: Vec<usize> = Vec::with_capacity(self.pieces.len() + 1);
        for p in &self.pieces {
            at.push(out.len());
            if p.alive {
                out.push_str(self.piece_text(p));
            }
        }
        at.push(out.len());
        let tail_at = out.len();
        out.push_str(
            self.text
                .get(self.tail.0 + self.tail_cut..self.tail.1)
                .unwrap_or(""),
        );
        let new_end = out.len();
        out.push_str(self.text.get(end..).unwrap_or(""));
        let place = |a: Anchor| match a {
            Anchor::Before(i) => at.get(i).copied().unwrap_or(tail_at),
        };
        // For each piece of the list, the first one at or after it that is still there.
        let mut next_alive = vec![None; self.orig + 1];
        for i in (0..self.orig).rev() {
            let here = self.pieces.get(i).is_some_and(|p| p.alive).then_some(i);
            let later = next_alive.get(i + 1).copied().flatten();
            if let Some(slot) = next_alive.get_mut(i) {
                *slot = here.or(later);
            }
        }
        let starts: Vec<usize> = self
            .pieces
            .iter()
            .take(self.orig)
            .map(|p| match p.text {
                PieceText::Orig(a, _) => a,
                PieceText::New(_) => start,
            })
            .collect();
        // Where a point written before ends up, as the splices one by one would move it: a point
        // inside removed text goes to where the removal was; at the place of an insertion, the
        // start of a range that holds text moves after it, any other point stays before it.
        let old = |p: usize, right: bool| -> usize {
            if p < start {
                return p;
            }
            if p > end {
                return p - end + new_end;
            }
            if p >= self.tail.0 {
                if p == self.tail.0 {
                    return if right {
                        tail_at
                    } else {
                        at.get(self.orig).copied().unwrap_or(tail_at)
                    };
                }
                return tail_at + (p - self.tail.0).max(self.tail_cut) - self.tail_cut;
            }
            let i = starts.partition_point(|&s| s <= p).saturating_sub(1);
            let piece_start = starts.get(i).copied().unwrap_or(start);
            let piece_at = at.get(i).copied().unwrap_or(tail_at);
            if p > piece_start {
                let alive = self.pieces.get(i).is_some_and(|x| x.alive);
                return if alive {
                    piece_at + p - piece_start
                } else {
                    piece_at
                };
            }
            if right {
                next_alive
                    .get(i)
                    .copied()
                    .flatten()
                    .and_then(|j| at.get(j).copied())
                    .unwrap_or(tail_at)
            } else {
                piece_at
            }
        };
        let mut ranges: Vec<(usize, usize, usize)> = before
            .iter()
            .map(|&(o, a, b)| (o, old(a, a < b), old(b, false)))
            .collect();
        ranges.extend(self.ranges.iter().map(|&(o, a, b)| (o, place(a), place(b))));
        (out, ranges)
    }

    /// The scalar texts the list must hold afterwards.
    fn expect(&self) -> Vec<Option<String>> {
        let mut out = Vec::with_capacity(self.alive);
        let mut cur = self.first;
        while let Some(e) = cur.and_then(|id| self.elems.get(id)) {
            out.push(e.text.clone());
            cur = e.next;
        }
        out
    }
}
