//! A text hardened piece by piece: each document of a stream of several, or each item of a text
//! that is one `List` document (`kubectl get pods -o yaml`). Each piece is read, analysed and
//! rewritten as a text of its own, and its edits are reported as edits of the whole (an item's
//! paths under `items[k]`). The text is parsed once, to find its pieces; no round reads it whole,
//! so memory follows the largest piece and the edits reported, not the whole text's trees and
//! analysis.

use std::borrow::Cow;

use super::{
    CANNOT_EDIT, Edit, HardenOptions, Hardened, INTRODUCES, NOT_APPLIED, ObjectVerdict, edit,
    harden_text, parse,
};
use crate::fix::{FieldPath, Patch, Seg};
use crate::yaml::{Span, line_breaks};

/// A piece of the text hardened on its own: a document of a stream, or an item of a `List`.
struct Piece {
    start: usize,
    end: usize,
    /// The index of its document in the stream.
    document: usize,
    /// For an item: its index in `items`, and where its `-` is in its text (none for a JSON
    /// object).
    item: Option<(usize, Option<usize>)>,
}

/// The rewrite of `text` piece by piece: each document of a stream of several, or each item of a
/// text that is one block `List` document; `None` when the text is neither, does not read without
/// error, holds inline ignores (they may name lines of another piece), or a piece does not read
/// alone (an alias of an anchor in another item, say) or its rewrite would touch an item's dash,
/// for the whole-text rewrite to do.
pub(super) fn harden(text: &str, options: &HardenOptions, budget: usize) -> Option<Hardened> {
    let mut out = String::with_capacity(text.len() + text.len() / 2);
    let mut edits: Vec<Edit> = Vec::new();
    let mut objects: Vec<ObjectVerdict> = Vec::new();
    each(text, options, budget, &mut |part| {
        out.push_str(&part.text);
        edits.extend(part.edits);
        objects.extend(part.objects);
    })?;
    // Applied edits first within each document, as the whole-text rewrite orders them.
    crate::order::sort_by_key(&mut edits, super::report_order);
    Some(Hardened {
        changed: out != text,
        text: out,
        edits,
        objects,
    })
}

/// [`harden`] a piece at a time: `emit` gets each piece's part of the output (with the text
/// between it and the piece before), its edits and its verdicts, as edits and verdicts of the
/// whole text, in text order, then the text after the last piece. Edits come in the order of
/// the piece's own report, not yet in [`super::report_order`] across pieces. `None` as
/// [`harden`] says, possibly after some parts were emitted: they are then void.
pub(super) fn each(
    text: &str,
    options: &HardenOptions,
    budget: usize,
    emit: &mut dyn FnMut(Hardened),
) -> Option<()> {
    if text.contains(crate::suppress::MARKER) {
        return None;
    }
    // The documents read one at a time, only the first one's tree kept (a text of one document
    // is split into its items): a stream of a thousand documents is never held whole.
    let pieces = {
        super::work::read(text.len());
        let mut spans: Vec<(Span, usize)> = Vec::new();
        let mut first = None;
        for doc in crate::yaml::documents(text) {
            let doc = doc.ok()?;
            spans.push((doc.span, doc.index));
            first = if spans.len() == 1 { Some(doc) } else { None };
        }
        match (spans.len(), first) {
            (1, Some(doc)) => {
                let stream = crate::yaml::Stream {
                    crlf: text.contains("\r\n"),
                    documents: vec![doc],
                    errors: Vec::new(),
                };
                items(text, &stream)?
            }
            (0 | 1, _) => return None,
            _ => documents(text, &spans)?,
        }
    };
    // Lines of the output so far.
    let mut lines = 0;
    // The edits of the pieces so far: the pieces share the budget.
    let mut used = 0;
    let mut cursor = 0;
    for piece in &pieces {
        let own = text.get(piece.start..piece.end)?;
        // An item as a document of its own: its dash read as a space, so that its mapping keeps
        // every byte where it was.
        let mut alone = own.to_string();
        if let Some((_, Some(dash))) = piece.item {
            alone.replace_range(dash..=dash, " ");
        }
        let read = parse(&alone);
        if !read.errors.is_empty() || read.documents.len() != 1 {
            return None;
        }
        drop(read);
        let left = budget.saturating_sub(used);
        let h = match piece.item {
            Some(_) => harden_text(&alone, options, left),
            // A document may be a `List` itself.
            None => super::harden_within(&alone, options, left),
        };
        used += h.edits.len();
        let between = text.get(cursor..piece.start)?;
        // Lines as the analysis numbers them (a lone `\r` too); a piece starts a line, so no
        // `\r\n` is split between two texts counted.
        lines += line_breaks(between);
        let mut out = String::with_capacity(between.len() + h.text.len());
        out.push_str(between);
        // Lines before the piece's first line in the output.
        let offset = lines;
        match piece.item {
            Some((_, Some(dash))) => {
                let written = h.text.get(..=dash)?;
                if written.get(..dash) != own.get(..dash) || !written.ends_with(' ') {
                    return None;
                }
                out.push_str(own.get(..=dash)?);
                out.push_str(h.text.get(dash + 1..)?);
            }
            _ => out.push_str(&h.text),
        }
        lines += line_breaks(&h.text);
        cursor = piece.end;
        let prefix: Vec<Seg> = piece
            .item
            .map(|(k, _)| vec![Seg::Key(Cow::Borrowed("items")), Seg::Index(k)])
            .unwrap_or_default();
        let words = FieldPath(prefix.clone()).to_string();
        let mut edits = Vec::with_capacity(h.edits.len());
        for mut e in h.edits {
            e.object.document = piece.document;
            if !prefix.is_empty() {
                e.patches = e
                    .patches
                    .iter()
                    .map(|p| p.with_path(within(&prefix, p)))
                    .collect();
                e.skipped = e.skipped.map(|s| global_reason(s, &words));
            }
            e.lines = e.lines.map(|(a, b)| (a + offset, b + offset));
            for h in &mut e.hunks {
                *h = (h.0 + offset, h.1 + offset);
            }
            edits.push(e);
        }
        let mut objects = Vec::with_capacity(h.objects.len());
        for mut o in h.objects {
            o.object.document = piece.document;
            o.line += offset;
            for b in &mut o.blocking {
                b.line += offset;
                if !prefix.is_empty()
                    && let Some((fix, reason)) = b.why.split_once(NOT_APPLIED)
                {
                    b.why = format!(
                        "{fix}{NOT_APPLIED}{}",
                        global_reason(reason.to_string(), &words)
                    );
                }
            }
            objects.push(o);
        }
        emit(Hardened {
            changed: h.changed,
            text: out,
            edits,
            objects,
        });
    }
    emit(Hardened {
        changed: false,
        text: text.get(cursor..)?.to_string(),
        edits: Vec::new(),
        objects: Vec::new(),
    });
    Some(())
}

/// The items of a text that is one `List` document, each on lines of its own.
fn items(text: &str, stream: &crate::yaml::Stream) -> Option<Vec<Piece>> {
    let doc = stream.documents.first()?;
    if !doc.root()?.get("kind")?.text()?.ends_with("List") {
        return None;
    }
    let (items, _) = edit::item_ranges(text, stream, 0, None)?;
    if items.is_empty() {
        return None;
    }
    items
        .iter()
        .map(|item| {
            Some(Piece {
                start: item.start,
                end: item.end,
                document: doc.index,
                item: Some((
                    item.index,
                    if item.is_block() {
                        Some(text.get(item.start..item.end)?.find('-')?)
                    } else {
                        None
                    },
                )),
            })
        })
        .collect()
}

/// The documents of a stream of several (their spans and indexes), each starting a line, bounded
/// as [`edit::doc_bounds`] bounds them.
fn documents(text: &str, spans: &[(Span, usize)]) -> Option<Vec<Piece>> {
    let len = text.len();
    spans
        .iter()
        .enumerate()
        .map(|(pos, &(span, document))| {
            let (start, end) = edit::span_bounds(span, spans.get(pos + 1).map(|n| n.0), len);
            let at_line_start = start == 0 || text.as_bytes().get(start - 1) == Some(&b'\n');
            (at_line_start && start < end).then_some(Piece {
                start,
                end,
                document,
                item: None,
            })
        })
        .collect()
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
