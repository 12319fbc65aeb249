//! The edit engine: declarative patches become minimal text edits on the positioned tree.
//!
//! One patch at a time, the engine reads the document, finds where the path leads, and plans a
//! single splice of the text (or expands a mapping value into one patch per key). After each
//! splice the document is read again and the same patch is planned once more: it must now be
//! satisfied, which proves the edit did what it says. Text that no splice covers is never touched,
//! so comments, quoting, key order, layout and line endings survive.
//!
//! One concern a file: `text` reads the text around a node, `render` writes values in the
//! document's own layout, `path` follows a field path through the tree, `plan` turns one patch into
//! one splice, `batch` plays a run of edits on one list at once, and `items` edits the items of a
//! `List` one by one. This file is the editor that drives them.

use std::collections::VecDeque;

use serde::Serialize;

use crate::fix::{FieldPath, Patch, Seg};
use crate::yaml::{self, Document};

mod batch;
mod items;
mod path;
mod plan;
mod render;
mod text;

pub(crate) use batch::{Host, Outcome, list_edit};
use items::ItemShape;
pub(crate) use items::{ItemUnit, container_of, item_of, item_ranges, item_units};
use plan::{Plan, Planner};
use render::Layout;

/// Why a patch could not be applied as a text edit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct EditError {
    /// The field path of the patch.
    pub path: String,
    /// What stopped the edit, as a sentence fragment (e.g. "it is shared through an anchor").
    pub reason: String,
}

impl EditError {
    fn new(path: &FieldPath, reason: impl Into<String>) -> EditError {
        EditError {
            path: path.to_string(),
            reason: reason.into(),
        }
    }
}

/// One replacement of a byte range of the document text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Splice {
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) text: String,
}

/// The text of one document, edited patch by patch.
#[derive(Clone, Debug)]
pub(crate) struct DocEditor {
    /// The current text.
    pub(crate) text: String,
    layout: Layout,
    errors: usize,
    /// Changed byte ranges of the current text, each with the index of the fix that made it.
    pub(crate) ranges: Vec<(usize, usize, usize)>,
    /// The parse of `text`, kept until the next splice: a patch that expands into several, or is
    /// already satisfied, does not need the text parsed again.
    parsed: Option<yaml::Stream>,
}

/// How many times one patch may splice before it must be satisfied (removing every copy of an
/// item takes one splice per copy).
const MAX_SPLICES_PER_PATCH: usize = 64;

fn first_doc(stream: &yaml::Stream) -> Option<&Document> {
    stream.documents.first()
}

impl DocEditor {
    /// An editor over the text of one document; `None` when the text holds no document.
    pub(crate) fn new(text: String) -> Option<DocEditor> {
        let stream = super::parse(&text);
        let doc = first_doc(&stream)?;
        let layout = Layout::of(&text, doc);
        let errors = stream.errors.len();
        Some(DocEditor {
            text,
            layout,
            errors,
            ranges: Vec::new(),
            parsed: Some(stream),
        })
    }

    /// An editor over the text of one item of a `List`, read on its own with the layout of the
    /// whole document; `None` unless it reads without error as `shape` expects.
    fn item(text: String, layout: Layout, shape: ItemShape) -> Option<DocEditor> {
        let stream = super::parse(&text);
        if !stream.errors.is_empty() || stream.documents.len() != 1 {
            return None;
        }
        let root = first_doc(&stream)?.root()?;
        let fits = match shape {
            ItemShape::Block => {
                root.is_seq()
                    && !root.is_flow()
                    && root
                        .raw_items()
                        .first()
                        .is_some_and(|i| i.is_map() && !i.is_alias())
                    && root.raw_items().len() == 1
            }
            ItemShape::Json => root.is_map(),
        };
        fits.then_some(DocEditor {
            text,
            layout,
            errors: 0,
            ranges: Vec::new(),
            parsed: Some(stream),
        })
    }

    /// The editor as it is, to restore if an edit fails: its text and ranges without the parse of
    /// the text, which is read again only if the snapshot is restored (a clone holding it copied
    /// the whole tree for every edit played on a document).
    pub(crate) fn snapshot(&self) -> DocEditor {
        DocEditor {
            text: self.text.clone(),
            layout: self.layout,
            errors: self.errors,
            ranges: self.ranges.clone(),
            parsed: None,
        }
    }

    /// Applies one patch; the changed ranges are recorded under `owner`. On error the text may be
    /// half-edited: callers restore a snapshot taken before.
    pub(crate) fn apply(&mut self, patch: &Patch, owner: usize) -> Result<(), EditError> {
        let mut queue: VecDeque<(Patch, usize)> = VecDeque::new();
        queue.push_back((patch.clone(), 0));
        let mut budget = 4096;
        while let Some((p, splices)) = queue.pop_front() {
            budget -= 1;
            if budget == 0 {
                return Err(EditError::new(p.path(), "the patch does not converge"));
            }
            let stream = self
                .parsed
                .take()
                .unwrap_or_else(|| super::parse(&self.text));
            if stream.errors.len() > self.errors {
                return Err(EditError::new(
                    p.path(),
                    "the edit would make the document unreadable",
                ));
            }
            let Some(root) = first_doc(&stream).and_then(Document::root) else {
                return Err(EditError::new(p.path(), "the document is empty"));
            };
            let planner = Planner {
                text: &self.text,
                layout: self.layout,
                path: p.path(),
            };
            let plan = planner.plan(root, &p)?;
            match plan {
                Plan::Done => self.parsed = Some(stream),
                Plan::Expand(ps) => {
                    self.parsed = Some(stream);
                    for q in ps.into_iter().rev() {
                        queue.push_front((q, 0));
                    }
                }
                Plan::Splice(s) => {
                    let limit = if matches!(p, Patch::RemoveItem { .. }) {
                        MAX_SPLICES_PER_PATCH
                    } else {
                        1
                    };
                    if splices >= limit {
                        return Err(EditError::new(p.path(), "the edit does not take effect"));
                    }
                    self.splice(s, owner)?;
                    // Removing a list element by index is done once: the next element now has
                    // that index.
                    let by_index = matches!(&p, Patch::Remove { path } if matches!(path.0.last(), Some(Seg::Index(_))));
                    if !by_index {
                        queue.push_front((p, splices + 1));
                    }
                }
            }
        }
        Ok(())
    }

    fn splice(&mut self, s: Splice, owner: usize) -> Result<(), EditError> {
        let ok = s.start <= s.end
            && s.end <= self.text.len()
            && self.text.is_char_boundary(s.start)
            && self.text.is_char_boundary(s.end);
        if !ok {
            return Err(EditError {
                path: String::new(),
                reason: "internal error: an edit out of range".to_string(),
            });
        }
        let new_len = s.text.len();
        let old_len = s.end - s.start;
        self.text.replace_range(s.start..s.end, &s.text);
        for r in &mut self.ranges {
            let (a, b) = (r.1, r.2);
            if b <= s.start {
                // Entirely before the splice.
            } else if a >= s.end {
                r.1 = a + new_len - old_len;
                r.2 = b + new_len - old_len;
            } else {
                r.1 = a.min(s.start);
                r.2 = if b >= s.end {
                    b + new_len - old_len
                } else {
                    s.start + new_len
                };
            }
        }
        self.ranges.push((owner, s.start, s.start + new_len));
        Ok(())
    }
}

/// Applies patches to document `doc_index` of a text and returns the new text. Patches that are
/// already satisfied change nothing; an error leaves no partial edit behind.
///
/// # Errors
///
/// When a patch cannot be written as a text edit (the place is shared through an anchor, a value
/// spans several lines where a scalar is expected, the document does not exist, ...).
pub fn apply_patches(text: &str, doc_index: usize, patches: &[Patch]) -> Result<String, EditError> {
    let stream = super::parse(text);
    let Some(pos) = stream.documents.iter().position(|d| d.index == doc_index) else {
        return Err(EditError {
            path: String::new(),
            reason: format!("there is no readable document {doc_index}"),
        });
    };
    let (start, end) = doc_bounds(&stream, pos, text.len());
    let slice = text.get(start..end).unwrap_or("").to_string();
    let Some(mut ed) = DocEditor::new(slice) else {
        return Err(EditError {
            path: String::new(),
            reason: format!("document {doc_index} is empty"),
        });
    };
    for p in order_patches(patches) {
        ed.apply(p, 0)?;
    }
    Ok(format!(
        "{}{}{}",
        text.get(..start).unwrap_or(""),
        ed.text,
        text.get(end..).unwrap_or("")
    ))
}

/// The byte range of the `pos`-th readable document, cut short where the next one starts.
pub(crate) fn doc_bounds(stream: &yaml::Stream, pos: usize, len: usize) -> (usize, usize) {
    let Some(doc) = stream.documents.get(pos) else {
        return (len, len);
    };
    span_bounds(doc.span, stream.documents.get(pos + 1).map(|d| d.span), len)
}

/// The bounds of a document of `span` in a text of `len` bytes, the next document's span `next`:
/// from its start to its end or the next one's start.
pub(crate) fn span_bounds(
    span: yaml::Span,
    next: Option<yaml::Span>,
    len: usize,
) -> (usize, usize) {
    let start = span.start.min(len);
    let mut end = span.end.min(len);
    if let Some(next) = next
        && next.start > start
    {
        end = end.min(next.start);
    }
    (start, end.max(start))
}

/// The index of the list element a patch removes, if it removes one by index.
pub(crate) fn removed_index(p: &Patch) -> Option<&FieldPath> {
    match p {
        Patch::Remove { path } if matches!(path.0.last(), Some(Seg::Index(_))) => Some(path),
        _ => None,
    }
}

/// Patches in an order that keeps list indexes valid: removals by index last, highest index first.
pub(crate) fn order_patches(patches: &[Patch]) -> Vec<&Patch> {
    let mut v: Vec<&Patch> = patches.iter().collect();
    crate::order::sort_by(&mut v, |a, b| match (removed_index(a), removed_index(b)) {
        (None, None) => std::cmp::Ordering::Equal,
        (None, Some(_)) => std::cmp::Ordering::Less,
        (Some(_), None) => std::cmp::Ordering::Greater,
        (Some(x), Some(y)) => y.cmp(x),
    });
    v
}
