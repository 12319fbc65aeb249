//! The edit engine: declarative patches become minimal text edits on the positioned tree.
//!
//! One patch at a time, the engine reads the document, finds where the path leads, and plans a
//! single splice of the text (or expands a mapping value into one patch per key). After each
//! splice the document is read again and the same patch is planned once more: it must now be
//! satisfied, which proves the edit did what it says. Text that no splice covers is never touched,
//! so comments, quoting, key order, layout and line endings survive.

use std::collections::VecDeque;

use serde::Serialize;

use crate::fix::{FieldPath, Patch, PatchValue, Seg};
use crate::yaml::{self, Document, Node, Style};

mod batch;

pub(crate) use batch::{Host, Outcome, list_edit};

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

/// The layout conventions of the document being edited, read once before the first edit.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Layout {
    /// The line break the text uses.
    nl: &'static str,
    /// Indentation step of nested block mappings.
    step: usize,
    /// Extra indentation of block sequences under a key (0 for `key:\n- item`).
    seq_indent: usize,
    /// Whether the document is JSON.
    json: bool,
}

impl Layout {
    fn of(text: &str, doc: &Document) -> Layout {
        let mut steps: Vec<usize> = Vec::new();
        let mut seqs: Vec<usize> = Vec::new();
        if let Some(root) = doc.root() {
            survey(text, root, &mut steps, &mut seqs, 0);
        }
        let step = most_common(&steps).unwrap_or(2);
        let seq_indent = most_common(&seqs).unwrap_or(step);
        Layout {
            nl: if text.contains("\r\n") { "\r\n" } else { "\n" },
            step,
            seq_indent,
            json: doc.json,
        }
    }
}

/// The most frequent value, the smallest of equals.
fn most_common(v: &[usize]) -> Option<usize> {
    let mut counts: std::collections::BTreeMap<usize, usize> = std::collections::BTreeMap::new();
    for &x in v {
        *counts.entry(x).or_insert(0) += 1;
    }
    let mut best: Option<(usize, usize)> = None;
    for (x, n) in counts {
        if best.is_none_or(|(_, bn)| n > bn) {
            best = Some((x, n));
        }
    }
    best.map(|(x, _)| x)
}

/// Collects the indentation steps of nested block mappings and the offsets of block sequences
/// under keys.
fn survey(text: &str, node: Node<'_>, steps: &mut Vec<usize>, seqs: &mut Vec<usize>, depth: usize) {
    if depth > 64 || steps.len() + seqs.len() > 4096 {
        return;
    }
    if node.is_flow() {
        return;
    }
    for (k, v) in node.raw_entries() {
        if v.is_alias() {
            continue;
        }
        let kc = col(text, k.span().start);
        if v.is_map() && !v.is_flow() {
            if let Some((fk, _)) = v.raw_entries().first() {
                let vc = col(text, fk.span().start);
                if vc > kc && line_start(text, fk.span().start) > k.span().start {
                    steps.push(vc - kc);
                }
            }
        } else if v.is_seq()
            && !v.is_flow()
            && let Some(first) = v.raw_items().first()
            && let Some(dash) = dash_before(text, first.span().start)
        {
            let dc = col(text, dash);
            if dc >= kc {
                seqs.push(dc - kc);
            }
        }
        survey(text, v, steps, seqs, depth + 1);
    }
    for item in node.raw_items() {
        if !item.is_alias() {
            survey(text, item, steps, seqs, depth + 1);
        }
    }
}

// ----- Text helpers -----------------------------------------------------------------------------

fn line_start(text: &str, pos: usize) -> usize {
    text.get(..pos)
        .and_then(|t| t.rfind('\n'))
        .map_or(0, |i| i + 1)
}

/// Byte column of `pos` (the indentation we write is ASCII, so bytes are what matter).
fn col(text: &str, pos: usize) -> usize {
    pos.saturating_sub(line_start(text, pos))
}

/// The position of the line break ending the line that holds `pos` (or the end of the text).
fn line_break(text: &str, pos: usize) -> usize {
    match text.get(pos..).and_then(|t| t.find('\n')) {
        Some(i) => {
            let at = pos + i;
            if at > 0 && text.as_bytes().get(at - 1) == Some(&b'\r') {
                at - 1
            } else {
                at
            }
        }
        None => text.len(),
    }
}

/// The start of the line after the one holding `pos`; `pos` itself when it already starts a line.
fn line_after(text: &str, pos: usize) -> usize {
    if pos > 0 && text.as_bytes().get(pos - 1) == Some(&b'\n') {
        return pos;
    }
    match text.get(pos..).and_then(|t| t.find('\n')) {
        Some(i) => pos + i + 1,
        None => text.len(),
    }
}

fn only_space_before(text: &str, pos: usize) -> bool {
    text.get(line_start(text, pos)..pos)
        .is_some_and(|p| p.bytes().all(|b| b == b' ' || b == b'\t'))
}

/// The `-` of the block sequence item that starts at `pos`.
fn dash_before(text: &str, pos: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut i = pos;
    while i > 0 {
        i -= 1;
        match bytes.get(i)? {
            b' ' | b'\t' => continue,
            b'-' => return Some(i),
            _ => return None,
        }
    }
    None
}

/// The `:` after a key that ends at `key_end`.
fn colon_after(text: &str, key_end: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut i = key_end;
    loop {
        match bytes.get(i)? {
            b' ' | b'\t' => i += 1,
            b':' => return Some(i),
            _ => return None,
        }
    }
}

fn spaces(n: usize) -> String {
    " ".repeat(n)
}

/// The end of a node's text. Flow collections end at their closing bracket (the tree's span of a
/// flow collection may run on over a comment that follows it).
fn end_of(text: &str, node: Node<'_>) -> usize {
    let sp = node.span();
    if !node.is_flow() {
        return sp.end;
    }
    yaml::flow_end(text, sp.start).unwrap_or(sp.end)
}

/// The end of a node's content for line-based edits. A block scalar's span may run on over the
/// indentation of the line after it; that indentation is not part of it.
fn content_end(text: &str, node: Node<'_>) -> usize {
    let e = end_of(text, node);
    let ls = line_start(text, e);
    if e > ls
        && text
            .get(ls..e)
            .is_some_and(|t| t.bytes().all(|b| b == b' ' || b == b'\t'))
    {
        ls
    } else {
        e
    }
}

/// The end of a map entry: its value's end, or just past the colon when the value is empty.
fn entry_end(text: &str, key: Node<'_>, value: Node<'_>) -> usize {
    let ve = content_end(text, value);
    let ke = key.span().end;
    if ve > ke {
        ve
    } else {
        colon_after(text, ke).map_or(ke, |c| c + 1)
    }
}

/// Where text inserted after `node` goes, given `pos`, the start of the line after its content.
/// A keep-chomping block scalar (`|+`, `>+`) at the end of `node` owns the blank lines that follow
/// it (they are part of its value), so the insertion moves past them.
fn after_kept_lines(text: &str, node: Node<'_>, pos: usize) -> usize {
    let mut last = node;
    // The last value of the last value ...: the node whose text ends `node`'s. Bounded like the
    // parser's nesting.
    for _ in 0..1024 {
        if last.is_alias() || last.is_flow() {
            return pos;
        }
        let next = if last.is_map() {
            last.raw_entries().last().map(|&(_, v)| v)
        } else {
            last.raw_items().last().copied()
        };
        match next {
            Some(n) => last = n,
            None => break,
        }
    }
    if !keeps_trailing_lines(text, last) {
        return pos;
    }
    let mut at = pos;
    while let Some(rest) = text.get(at..).filter(|r| !r.is_empty()) {
        let (line, next) = match rest.find('\n') {
            Some(i) => (rest.get(..i).unwrap_or(""), at + i + 1),
            None => (rest, text.len()),
        };
        if !line.bytes().all(|b| matches!(b, b' ' | b'\t' | b'\r')) {
            break;
        }
        at = next;
    }
    at
}

/// Whether `node` is a block scalar with the keep chomping indicator (`|+`, `>2+`, ...).
fn keeps_trailing_lines(text: &str, node: Node<'_>) -> bool {
    if !matches!(node.raw_scalar(), Some((_, Style::Literal | Style::Folded))) {
        return false;
    }
    let start = node.span().start;
    let head = text.get(start..line_break(text, start)).unwrap_or("");
    head.find(['|', '>'])
        .and_then(|i| head.get(i + 1..))
        .is_some_and(|h| {
            h.bytes()
                .take_while(|b| matches!(b, b'+' | b'-' | b'0'..=b'9'))
                .any(|b| b == b'+')
        })
}

fn is_single_line(text: &str, node: Node<'_>) -> bool {
    let sp = node.span();
    text.get(sp.start..end_of(text, node))
        .is_some_and(|t| !t.contains('\n') && !t.is_empty())
}

fn is_empty_span(node: Node<'_>) -> bool {
    node.span().start >= node.span().end
}

// ----- Rendering --------------------------------------------------------------------------------

fn plain_ok(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    (first.is_ascii_alphanumeric() || first == '/')
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '/' | '-'))
        && matches!(
            yaml::decode_scalar(s, Style::Plain, None).0,
            yaml::Scalar::Str(_)
        )
}

fn single_quoted(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

fn render_str(s: &str, json: bool) -> String {
    if !json && plain_ok(s) {
        s.to_string()
    } else {
        yaml::json_quoted(s)
    }
}

/// A scalar written in the style of the one it replaces.
fn render_scalar_like(v: &PatchValue, style: Style, json: bool) -> String {
    match v {
        PatchValue::Str(s) if !json => match style {
            Style::SingleQuoted if !s.contains('\n') => single_quoted(s),
            Style::DoubleQuoted => yaml::json_quoted(s),
            _ => render_str(s, false),
        },
        other => render_inline(other, json),
    }
}

/// A value in flow style, on one line.
fn render_inline(v: &PatchValue, json: bool) -> String {
    match v {
        PatchValue::Bool(b) => b.to_string(),
        PatchValue::Int(i) => i.to_string(),
        PatchValue::Str(s) => render_str(s, json),
        PatchValue::List(items) => {
            let parts: Vec<String> = items.iter().map(|i| render_inline(i, json)).collect();
            format!("[{}]", parts.join(", "))
        }
        PatchValue::Map(entries) => {
            let parts: Vec<String> = entries
                .iter()
                .map(|(k, v)| format!("{}: {}", render_str(k, json), render_inline(v, json)))
                .collect();
            format!("{{{}}}", parts.join(", "))
        }
    }
}

/// A JSON value laid out one entry per line, closing brackets at column `col`.
fn render_pretty(v: &PatchValue, col: usize, step: usize, nl: &str) -> String {
    let inner = col + step;
    match v {
        PatchValue::Map(entries) if !entries.is_empty() => {
            let parts: Vec<String> = entries
                .iter()
                .map(|(k, v)| {
                    format!(
                        "{}{}: {}",
                        spaces(inner),
                        render_str(k, true),
                        render_pretty(v, inner, step, nl)
                    )
                })
                .collect();
            format!(
                "{{{nl}{}{nl}{}}}",
                parts.join(&format!(",{nl}")),
                spaces(col)
            )
        }
        PatchValue::List(items) if !items.is_empty() => {
            let parts: Vec<String> = items
                .iter()
                .map(|i| format!("{}{}", spaces(inner), render_pretty(i, inner, step, nl)))
                .collect();
            format!("[{nl}{}{nl}{}]", parts.join(&format!(",{nl}")), spaces(col))
        }
        other => render_inline(other, true),
    }
}

/// The indentation of the line holding `pos`.
fn indent_of(text: &str, pos: usize) -> usize {
    let start = line_start(text, pos);
    text.get(start..)
        .map_or(0, |t| t.bytes().take_while(|&b| b == b' ').count())
}

fn is_block_worthy(v: &PatchValue) -> bool {
    match v {
        PatchValue::List(l) => !l.is_empty(),
        PatchValue::Map(m) => !m.is_empty(),
        _ => false,
    }
}

/// `key: value` in block style with the key at column `col`.
fn render_block_entry(key: &str, v: &PatchValue, col: usize, layout: &Layout) -> Vec<String> {
    let head = format!("{}{}:", spaces(col), render_str(key, false));
    match v {
        PatchValue::Map(entries) if !entries.is_empty() => {
            let mut lines = vec![head];
            lines.extend(render_block_map(entries, col + layout.step, layout));
            lines
        }
        PatchValue::List(items) if !items.is_empty() => {
            let mut lines = vec![head];
            lines.extend(render_block_seq(items, col + layout.seq_indent, layout));
            lines
        }
        other => vec![format!("{head} {}", render_inline(other, false))],
    }
}

fn render_block_map(entries: &[(String, PatchValue)], col: usize, layout: &Layout) -> Vec<String> {
    entries
        .iter()
        .flat_map(|(k, v)| render_block_entry(k, v, col, layout))
        .collect()
}

fn render_block_seq(items: &[PatchValue], dash: usize, layout: &Layout) -> Vec<String> {
    let mut lines = Vec::new();
    for item in items {
        match item {
            PatchValue::Map(entries) if !entries.is_empty() => {
                let mut sub = render_block_map(entries, dash + 2, layout);
                if let Some(first) = sub.first_mut() {
                    let rest = first.get(dash + 2..).unwrap_or("").to_string();
                    *first = format!("{}- {rest}", spaces(dash));
                }
                lines.extend(sub);
            }
            other => lines.push(format!("{}- {}", spaces(dash), render_inline(other, false))),
        }
    }
    lines
}

/// Whether the value at `node` already is what `v` asks for. Mappings are compared as subsets (a
/// patch that sets some keys of a mapping leaves the others alone).
pub(crate) fn satisfies(node: Node<'_>, v: &PatchValue) -> bool {
    match v {
        PatchValue::Bool(b) => node.as_bool() == Some(*b),
        PatchValue::Int(i) => node.as_i64() == Some(*i),
        PatchValue::Str(s) => node.as_str() == Some(s.as_str()),
        PatchValue::List(items) => {
            let have = node.items();
            node.is_seq()
                && have.len() == items.len()
                && have.iter().zip(items).all(|(n, i)| satisfies(*n, i))
        }
        PatchValue::Map(entries) => {
            node.is_map()
                && entries
                    .iter()
                    .all(|(k, v)| node.get(k).is_some_and(|n| satisfies(n, v)))
        }
    }
}

fn scalar_text(node: Node<'_>) -> Option<&str> {
    node.text()
}

// ----- Navigation -------------------------------------------------------------------------------

/// How a node is held by its parent. Key, value and item handles are raw (aliases not followed).
#[derive(Clone, Copy, Debug)]
enum Slot<'a> {
    Root,
    Entry {
        map: Node<'a>,
        key: Node<'a>,
        value: Node<'a>,
    },
    /// The key exists only through a merge key (`<<`) of `map`.
    Merged {
        map: Node<'a>,
    },
    Item {
        seq: Node<'a>,
        node: Node<'a>,
    },
}

#[derive(Clone, Copy, Debug)]
enum Nav<'a> {
    /// Every segment exists. `node` is resolved; `shared` says whether the collection holding it
    /// is reached through an anchor or alias (so editing inside it would change other places).
    Exists {
        slot: Slot<'a>,
        node: Node<'a>,
        shared: bool,
    },
    /// The mapping reached after `depth` segments lacks the next key.
    MissingKey {
        slot: Slot<'a>,
        map: Node<'a>,
        depth: usize,
        shared: bool,
    },
    /// The value reached after `depth` segments is null (or a scalar) where a mapping is needed.
    Empty {
        slot: Slot<'a>,
        depth: usize,
        shared: bool,
    },
    /// A list element on the way does not exist.
    MissingIndex,
}

fn navigate<'a>(root: Node<'a>, segs: &[Seg], path: &FieldPath) -> Result<Nav<'a>, EditError> {
    let mut slot = Slot::Root;
    let mut cur = root.resolved();
    let mut parent_shared = false;
    let mut inside_shared = root.is_alias() || cur.is_anchored();
    for (i, seg) in segs.iter().enumerate() {
        match seg {
            Seg::Key(k) => {
                if cur.is_map() {
                    let found = cur
                        .raw_entries()
                        .into_iter()
                        .rfind(|(kn, _)| kn.resolved().raw_scalar().map(|t| t.0) == Some(k));
                    match found {
                        Some((kn, vn)) => {
                            slot = Slot::Entry {
                                map: cur,
                                key: kn,
                                value: vn,
                            };
                            parent_shared = inside_shared;
                            cur = vn.resolved();
                            inside_shared = inside_shared || vn.is_alias() || cur.is_anchored();
                        }
                        None => match cur.get(k) {
                            Some(v) => {
                                slot = Slot::Merged { map: cur };
                                parent_shared = inside_shared;
                                cur = v;
                                inside_shared = true;
                            }
                            None => {
                                return Ok(Nav::MissingKey {
                                    slot,
                                    map: cur,
                                    depth: i,
                                    shared: inside_shared,
                                });
                            }
                        },
                    }
                } else if cur.is_scalar() {
                    return Ok(Nav::Empty {
                        slot,
                        depth: i,
                        shared: parent_shared,
                    });
                } else {
                    return Err(EditError::new(
                        path,
                        format!("{} is a list, not a mapping", FieldPath(segs_upto(segs, i))),
                    ));
                }
            }
            Seg::Index(n) => {
                let Some(item) = cur
                    .is_seq()
                    .then(|| cur.raw_items())
                    .and_then(|items| items.get(*n).copied())
                else {
                    return Ok(Nav::MissingIndex);
                };
                slot = Slot::Item {
                    seq: cur,
                    node: item,
                };
                parent_shared = inside_shared;
                cur = item.resolved();
                inside_shared = inside_shared || item.is_alias() || cur.is_anchored();
            }
        }
    }
    Ok(Nav::Exists {
        slot,
        node: cur,
        shared: parent_shared,
    })
}

fn segs_upto(segs: &[Seg], n: usize) -> Vec<Seg> {
    segs.iter().take(n).cloned().collect()
}

/// The value to write at `segs`, with mappings created for every key of the path.
fn nest(segs: &[Seg], leaf: PatchValue, path: &FieldPath) -> Result<PatchValue, EditError> {
    let mut v = leaf;
    for seg in segs.iter().rev() {
        match seg {
            Seg::Key(k) => v = PatchValue::Map(vec![(k.clone(), v)]),
            Seg::Index(_) => {
                return Err(EditError::new(
                    path,
                    "a list element on the path does not exist",
                ));
            }
        }
    }
    Ok(v)
}

// ----- Planning ---------------------------------------------------------------------------------

enum Plan {
    Done,
    Splice(Splice),
    Expand(Vec<Patch>),
}

const SHARED: &str = "the place is shared through a YAML anchor or alias, so editing it would change other places too";

struct Planner<'t> {
    text: &'t str,
    layout: Layout,
    path: &'t FieldPath,
}

impl<'t> Planner<'t> {
    fn err(&self, reason: impl Into<String>) -> EditError {
        EditError::new(self.path, reason)
    }

    fn flow(&self, n: Node<'_>) -> bool {
        self.layout.json || n.is_flow()
    }

    fn plan(&self, root: Node<'_>, patch: &Patch) -> Result<Plan, EditError> {
        let path = self.path;
        let segs = path.0.as_slice();
        let nav = navigate(root, segs, path)?;
        match patch {
            Patch::Set { value, .. } => match nav {
                Nav::Exists { slot, node, shared } => {
                    if satisfies(node, value) {
                        return Ok(Plan::Done);
                    }
                    if let (PatchValue::Map(entries), true) = (value, node.is_map())
                        && (!node.raw_entries().is_empty() || matches!(slot, Slot::Merged { .. }))
                    {
                        return Ok(Plan::Expand(
                            entries
                                .iter()
                                .map(|(k, v)| Patch::Set {
                                    path: path.key(k),
                                    value: v.clone(),
                                })
                                .collect(),
                        ));
                    }
                    if let Slot::Merged { map } = slot {
                        if shared {
                            return Err(self.err(SHARED));
                        }
                        let Some(Seg::Key(k)) = segs.last() else {
                            return Err(self.err("cannot edit a merged value"));
                        };
                        return self.insert_entry(map, k, value).map(Plan::Splice);
                    }
                    if shared {
                        return Err(self.err(SHARED));
                    }
                    self.replace(slot, node, value).map(Plan::Splice)
                }
                Nav::MissingKey {
                    slot,
                    map,
                    depth,
                    shared,
                } => {
                    if shared {
                        return Err(self.err(SHARED));
                    }
                    self.add(slot, map, segs, depth, value.clone())
                }
                Nav::Empty {
                    slot,
                    depth,
                    shared,
                } => {
                    if shared {
                        return Err(self.err(SHARED));
                    }
                    let v = nest(segs.get(depth..).unwrap_or(&[]), value.clone(), path)?;
                    self.replace_value(slot, &v).map(Plan::Splice)
                }
                Nav::MissingIndex => Err(self.err("a list element on the path does not exist")),
            },
            Patch::Ensure { item, .. } => match nav {
                Nav::Exists { slot, node, shared } => {
                    if node.is_seq() {
                        if node.items().iter().any(|n| satisfies(*n, item)) {
                            return Ok(Plan::Done);
                        }
                        let raw = match slot {
                            Slot::Entry { value, .. } => value,
                            Slot::Item { node, .. } => node,
                            Slot::Root | Slot::Merged { .. } => return Err(self.err(SHARED)),
                        };
                        if shared || raw.is_alias() || node.is_anchored() {
                            return Err(self.err(SHARED));
                        }
                        self.append_item(node, item).map(Plan::Splice)
                    } else if node.is_null() {
                        if shared {
                            return Err(self.err(SHARED));
                        }
                        self.replace_value(slot, &PatchValue::List(vec![item.clone()]))
                            .map(Plan::Splice)
                    } else {
                        Err(self.err(format!("the value is {}, not a list", node.type_name())))
                    }
                }
                Nav::MissingKey {
                    slot,
                    map,
                    depth,
                    shared,
                } => {
                    if shared {
                        return Err(self.err(SHARED));
                    }
                    self.add(slot, map, segs, depth, PatchValue::List(vec![item.clone()]))
                }
                Nav::Empty {
                    slot,
                    depth,
                    shared,
                } => {
                    if shared {
                        return Err(self.err(SHARED));
                    }
                    let v = nest(
                        segs.get(depth..).unwrap_or(&[]),
                        PatchValue::List(vec![item.clone()]),
                        path,
                    )?;
                    self.replace_value(slot, &v).map(Plan::Splice)
                }
                Nav::MissingIndex => Err(self.err("a list element on the path does not exist")),
            },
            Patch::RemoveItem { item, .. } => match nav {
                Nav::Exists { slot, node, shared } if node.is_seq() => {
                    let Some(idx) = node
                        .items()
                        .iter()
                        .position(|n| scalar_text(*n) == Some(item.as_str()))
                    else {
                        return Ok(Plan::Done);
                    };
                    let raw = match slot {
                        Slot::Entry { value, .. } => value,
                        Slot::Item { node, .. } => node,
                        Slot::Root | Slot::Merged { .. } => return Err(self.err(SHARED)),
                    };
                    if shared || raw.is_alias() || node.is_anchored() {
                        return Err(self.err(SHARED));
                    }
                    self.remove_item(node, idx, slot).map(Plan::Splice)
                }
                _ => Ok(Plan::Done),
            },
            Patch::Remove { .. } => match nav {
                Nav::Exists { slot, node, shared } => {
                    if shared {
                        return Err(self.err(SHARED));
                    }
                    match slot {
                        Slot::Entry { map, key, value } => {
                            if node.is_anchored() && !value.is_alias() {
                                return Err(self.err(SHARED));
                            }
                            self.remove_entry(map, key, value).map(Plan::Splice)
                        }
                        Slot::Item { seq, node: raw } => {
                            if node.is_anchored() && !raw.is_alias() {
                                return Err(self.err(SHARED));
                            }
                            let idx = seq
                                .raw_items()
                                .iter()
                                .position(|n| n.id() == raw.id())
                                .unwrap_or(0);
                            let parent = segs.get(..segs.len().saturating_sub(1)).unwrap_or(&[]);
                            let seq_slot = match navigate(root, parent, path)? {
                                Nav::Exists { slot, .. } => slot,
                                _ => Slot::Root,
                            };
                            self.remove_item(seq, idx, seq_slot).map(Plan::Splice)
                        }
                        Slot::Merged { .. } => Err(self.err(
                            "the key comes from a merge key (<<), so it cannot be removed here",
                        )),
                        Slot::Root => Err(self.err("cannot remove the whole document")),
                    }
                }
                _ => Ok(Plan::Done),
            },
        }
    }

    /// Adds the missing key `segs[depth]` (and the rest of the path) to `map`, held in `slot`. An
    /// empty `{}` is replaced as a whole, so that block documents stay block.
    fn add(
        &self,
        slot: Slot<'_>,
        map: Node<'_>,
        segs: &[Seg],
        depth: usize,
        leaf: PatchValue,
    ) -> Result<Plan, EditError> {
        let replaceable = matches!(slot, Slot::Entry { value, .. } | Slot::Item { node: value, .. } if !value.is_alias());
        if map.raw_entries().is_empty() && replaceable && !map.is_anchored() {
            let v = nest(segs.get(depth..).unwrap_or(&[]), leaf, self.path)?;
            return self.replace_value(slot, &v).map(Plan::Splice);
        }
        let Some(Seg::Key(k)) = segs.get(depth) else {
            return Err(self.err("unexpected path"));
        };
        let v = nest(segs.get(depth + 1..).unwrap_or(&[]), leaf, self.path)?;
        self.insert_entry(map, k, &v).map(Plan::Splice)
    }

    /// Writes `value` over an existing value `node` held in `slot`.
    fn replace(
        &self,
        slot: Slot<'_>,
        node: Node<'_>,
        value: &PatchValue,
    ) -> Result<Splice, EditError> {
        let raw = match slot {
            Slot::Entry { value, .. } => value,
            Slot::Item { node, .. } => node,
            Slot::Root | Slot::Merged { .. } => return Err(self.err("cannot replace this value")),
        };
        if !raw.is_alias() && raw.is_anchored() {
            return Err(self.err(SHARED));
        }
        let scalar_value = !matches!(value, PatchValue::List(_) | PatchValue::Map(_));
        if scalar_value && node.is_scalar() && !node.is_null() && !raw.is_alias() {
            let Some((_, style)) = raw.raw_scalar() else {
                return Err(self.err("cannot replace this value"));
            };
            if matches!(style, Style::Literal | Style::Folded) || raw.tag().is_some() {
                return Err(self.err("the value is a block scalar or has a tag"));
            }
            let sp = raw.span();
            return Ok(Splice {
                start: sp.start,
                end: sp.end,
                text: render_scalar_like(value, style, self.layout.json),
            });
        }
        self.replace_value(slot, value)
    }

    /// Writes `value` in place of whatever the slot holds (null, a wrong-typed scalar, `{}`, or an
    /// alias token).
    fn replace_value(&self, slot: Slot<'_>, value: &PatchValue) -> Result<Splice, EditError> {
        let text = self.text;
        match slot {
            Slot::Entry {
                map,
                key,
                value: raw,
            } => {
                if !raw.is_alias() && (raw.is_anchored() || raw.tag().is_some()) {
                    return Err(self.err(SHARED));
                }
                let colon = colon_after(text, key.span().end)
                    .ok_or_else(|| self.err("cannot find the key's colon"))?;
                let empty = is_empty_span(raw);
                if self.flow(map) {
                    let rendered = render_inline(value, self.layout.json);
                    return Ok(if empty {
                        Splice {
                            start: colon + 1,
                            end: colon + 1,
                            text: format!(" {rendered}"),
                        }
                    } else {
                        Splice {
                            start: raw.span().start,
                            end: end_of(text, raw),
                            text: rendered,
                        }
                    });
                }
                let one_line = empty || is_single_line(text, raw);
                let block_style =
                    matches!(raw.raw_scalar(), Some((_, Style::Literal | Style::Folded)));
                if !one_line || block_style {
                    return Err(self.err("the existing value spans several lines"));
                }
                if !is_block_worthy(value) {
                    let rendered = render_inline(value, false);
                    return Ok(if empty {
                        Splice {
                            start: colon + 1,
                            end: colon + 1,
                            text: format!(" {rendered}"),
                        }
                    } else {
                        Splice {
                            start: raw.span().start,
                            end: end_of(text, raw),
                            text: rendered,
                        }
                    });
                }
                let key_col = col(text, key.span().start);
                let lines = match value {
                    PatchValue::Map(entries) => {
                        render_block_map(entries, key_col + self.layout.step, &self.layout)
                    }
                    PatchValue::List(items) => {
                        render_block_seq(items, key_col + self.layout.seq_indent, &self.layout)
                    }
                    _ => Vec::new(),
                };
                let tail_start = if empty { colon + 1 } else { end_of(text, raw) };
                let brk = line_break(text, tail_start);
                let tail = text.get(tail_start..brk).unwrap_or("");
                Ok(Splice {
                    start: colon + 1,
                    end: brk,
                    text: format!("{tail}{}{}", self.layout.nl, lines.join(self.layout.nl)),
                })
            }
            Slot::Item { seq, node: raw } => {
                if !raw.is_alias() && (raw.is_anchored() || raw.tag().is_some()) {
                    return Err(self.err(SHARED));
                }
                let rendered = render_inline(value, self.layout.json);
                if !is_empty_span(raw) && (self.flow(seq) || is_single_line(text, raw)) {
                    return Ok(Splice {
                        start: raw.span().start,
                        end: end_of(text, raw),
                        text: rendered,
                    });
                }
                if !self.flow(seq)
                    && let Some(dash) = dash_before(text, raw.span().start)
                {
                    return Ok(Splice {
                        start: dash + 1,
                        end: dash + 1,
                        text: format!(" {rendered}"),
                    });
                }
                Err(self.err("cannot replace this list element"))
            }
            Slot::Root | Slot::Merged { .. } => Err(self.err("cannot replace this value")),
        }
    }

    /// Adds `key: value` to a mapping.
    fn insert_entry(
        &self,
        map: Node<'_>,
        key: &str,
        value: &PatchValue,
    ) -> Result<Splice, EditError> {
        let text = self.text;
        let entries = map.raw_entries();
        if self.flow(map) {
            let kv = format!(
                "{}: {}",
                render_str(key, self.layout.json),
                render_inline(value, self.layout.json)
            );
            return match entries.last() {
                Some(&(lk, lv)) => {
                    let end = entry_end(text, lk, lv);
                    let multi_line = text
                        .get(map.span().start..end_of(text, map))
                        .is_some_and(|t| t.contains('\n'));
                    let (sep, kv) = if multi_line && only_space_before(text, lk.span().start) {
                        // One key per line: the new key gets a line of its own, and JSON values
                        // are laid out the way the file lays out its own.
                        let key_col = col(text, lk.span().start);
                        let open_indent = indent_of(text, map.span().start);
                        let step = key_col.saturating_sub(open_indent).max(1);
                        let kv = if self.layout.json {
                            format!(
                                "{}: {}",
                                render_str(key, true),
                                render_pretty(value, key_col, step, self.layout.nl)
                            )
                        } else {
                            kv
                        };
                        (format!(",{}{}", self.layout.nl, spaces(key_col)), kv)
                    } else {
                        (", ".to_string(), kv)
                    };
                    Ok(Splice {
                        start: end,
                        end,
                        text: format!("{sep}{kv}"),
                    })
                }
                None => {
                    let open = map.span().start;
                    if text.as_bytes().get(open) != Some(&b'{') {
                        return Err(self.err("cannot find the mapping's opening brace"));
                    }
                    Ok(Splice {
                        start: open + 1,
                        end: open + 1,
                        text: kv,
                    })
                }
            };
        }
        let (Some(&(fk, _)), Some(&(lk, lv))) = (entries.first(), entries.last()) else {
            return Err(self.err("the mapping is empty"));
        };
        let first = fk.span().start;
        let prefix = text.get(line_start(text, first)..first).unwrap_or("");
        if !prefix.bytes().all(|b| b == b' ' || b == b'-') {
            return Err(self.err("the mapping's indentation is unusual"));
        }
        let key_col = prefix.len();
        let lines = render_block_entry(key, value, key_col, &self.layout);
        let pos = after_kept_lines(text, lv, line_after(text, entry_end(text, lk, lv)));
        let body = lines.join(self.layout.nl);
        let ins = if pos >= text.len() && !text.ends_with('\n') {
            format!("{}{body}", self.layout.nl)
        } else {
            format!("{body}{}", self.layout.nl)
        };
        Ok(Splice {
            start: pos,
            end: pos,
            text: ins,
        })
    }

    /// Adds an item at the end of a sequence.
    fn append_item(&self, seq: Node<'_>, item: &PatchValue) -> Result<Splice, EditError> {
        let text = self.text;
        let items = seq.raw_items();
        if self.flow(seq) {
            let rendered = render_inline(item, self.layout.json);
            return match items.last() {
                Some(last) => {
                    let end = end_of(text, *last);
                    let multi_line = text
                        .get(seq.span().start..seq.span().end)
                        .is_some_and(|t| t.contains('\n'));
                    let sep = if multi_line && only_space_before(text, last.span().start) {
                        let indent = text
                            .get(line_start(text, last.span().start)..last.span().start)
                            .unwrap_or("");
                        format!(",{}{indent}", self.layout.nl)
                    } else {
                        ", ".to_string()
                    };
                    Ok(Splice {
                        start: end,
                        end,
                        text: format!("{sep}{rendered}"),
                    })
                }
                None => {
                    let open = seq.span().start;
                    if text.as_bytes().get(open) != Some(&b'[') {
                        return Err(self.err("cannot find the list's opening bracket"));
                    }
                    Ok(Splice {
                        start: open + 1,
                        end: open + 1,
                        text: rendered,
                    })
                }
            };
        }
        let (Some(first), Some(last)) = (items.first(), items.last()) else {
            return Err(self.err("the list is empty"));
        };
        let dash = dash_before(text, first.span().start)
            .ok_or_else(|| self.err("cannot find the list's dash"))?;
        let prefix = text.get(line_start(text, dash)..dash).unwrap_or("");
        if !prefix.bytes().all(|b| b == b' ' || b == b'-') {
            return Err(self.err("the list's indentation is unusual"));
        }
        let lines = render_block_seq(std::slice::from_ref(item), prefix.len(), &self.layout);
        let pos = after_kept_lines(text, *last, line_after(text, content_end(text, *last)));
        let body = lines.join(self.layout.nl);
        let ins = if pos >= text.len() && !text.ends_with('\n') {
            format!("{}{body}", self.layout.nl)
        } else {
            format!("{body}{}", self.layout.nl)
        };
        Ok(Splice {
            start: pos,
            end: pos,
            text: ins,
        })
    }

    /// Removes one entry of a mapping.
    fn remove_entry(
        &self,
        map: Node<'_>,
        key: Node<'_>,
        value: Node<'_>,
    ) -> Result<Splice, EditError> {
        let text = self.text;
        let entries = map.raw_entries();
        let Some(idx) = entries.iter().position(|(k, _)| k.id() == key.id()) else {
            return Err(self.err("cannot find the key"));
        };
        let end = entry_end(text, key, value);
        if self.flow(map) {
            return Ok(flow_removal(
                text,
                &entries
                    .iter()
                    .map(|&(k, v)| (k.span().start, entry_end(text, k, v)))
                    .collect::<Vec<_>>(),
                idx,
            ));
        }
        if entries.len() == 1 {
            return Ok(Splice {
                start: key.span().start,
                end,
                text: "{}".to_string(),
            });
        }
        if only_space_before(text, key.span().start) {
            return Ok(Splice {
                start: line_start(text, key.span().start),
                end: line_after(text, end),
                text: String::new(),
            });
        }
        // The first key of a list item (`- key: value`): the next key moves up onto the dash line.
        match entries.get(idx + 1) {
            Some(&(next, _)) if idx == 0 => Ok(Splice {
                start: key.span().start,
                end: next.span().start,
                text: String::new(),
            }),
            _ => Err(self.err("cannot remove a key written on the line of another")),
        }
    }

    /// Removes one element of a sequence.
    fn remove_item(
        &self,
        seq: Node<'_>,
        idx: usize,
        seq_slot: Slot<'_>,
    ) -> Result<Splice, EditError> {
        let text = self.text;
        let items = seq.raw_items();
        let Some(item) = items.get(idx).copied() else {
            return Err(self.err("no such list element"));
        };
        if self.flow(seq) {
            return Ok(flow_removal(
                text,
                &items
                    .iter()
                    .map(|n| (n.span().start, end_of(text, *n)))
                    .collect::<Vec<_>>(),
                idx,
            ));
        }
        if items.len() == 1 {
            if let Slot::Entry { key, .. } = seq_slot {
                let colon = colon_after(text, key.span().end)
                    .ok_or_else(|| self.err("cannot find the key's colon"))?;
                return Ok(Splice {
                    start: colon + 1,
                    end: end_of(text, item).max(colon + 1),
                    text: " []".to_string(),
                });
            }
            return Err(self.err("cannot empty this list"));
        }
        let dash = dash_before(text, item.span().start)
            .ok_or_else(|| self.err("cannot find the element's dash"))?;
        if !only_space_before(text, dash) {
            return Err(self.err("the list element shares its line with another"));
        }
        Ok(Splice {
            start: line_start(text, dash),
            end: line_after(text, content_end(text, item)),
            text: String::new(),
        })
    }
}

/// Removes element `idx` of a flow collection whose elements span `(start, end)`, with one comma.
fn flow_removal(text: &str, spans: &[(usize, usize)], idx: usize) -> Splice {
    let this = spans.get(idx).copied().unwrap_or((0, 0));
    if let Some(&(next_start, _)) = spans.get(idx + 1) {
        return Splice {
            start: this.0,
            end: next_start,
            text: String::new(),
        };
    }
    if let Some(&(_, prev_end)) = idx.checked_sub(1).and_then(|p| spans.get(p)) {
        return Splice {
            start: prev_end,
            end: this.1,
            text: String::new(),
        };
    }
    // The only element: a trailing comma (`[a,]`) goes with it.
    let bytes = text.as_bytes();
    let mut end = this.1;
    while matches!(bytes.get(end), Some(b' ' | b'\t' | b'\r' | b'\n')) {
        end += 1;
    }
    let mut end = if bytes.get(end) == Some(&b',') {
        end + 1
    } else {
        this.1
    };
    let mut start = this.0;
    // An element alone on its line takes the line with it.
    let blank = |t: Option<&str>| t.is_some_and(|t| t.trim().is_empty());
    if blank(text.get(line_start(text, start)..start))
        && blank(text.get(end..line_break(text, end)))
    {
        start = line_start(text, start);
        end = line_after(text, end);
    }
    Splice {
        start,
        end,
        text: String::new(),
    }
}

// ----- The editor -------------------------------------------------------------------------------

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

    /// Applies one patch; the changed ranges are recorded under `owner`. On error the text may be
    /// half-edited: callers restore a clone taken before.
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

/// How the text of a `List` item is read on its own.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ItemShape {
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
    let mut units = Vec::with_capacity(wanted.len());
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
        if units
            .last()
            .is_some_and(|(u, _): &(ItemUnit, DocEditor)| u.end > start)
        {
            return None;
        }
        let editor = DocEditor::item(text.get(start..end)?.to_string(), layout, shape)?;
        units.push((
            ItemUnit {
                start,
                end,
                index: k,
                shape,
            },
            editor,
        ));
    }
    Some(units)
}

/// The byte range of the `pos`-th readable document, cut short where the next one starts.
pub(crate) fn doc_bounds(stream: &yaml::Stream, pos: usize, len: usize) -> (usize, usize) {
    let Some(doc) = stream.documents.get(pos) else {
        return (len, len);
    };
    let start = doc.span.start.min(len);
    let mut end = doc.span.end.min(len);
    if let Some(next) = stream.documents.get(pos + 1)
        && next.span.start > start
    {
        end = end.min(next.span.start);
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
    v.sort_by(|a, b| match (removed_index(a), removed_index(b)) {
        (None, None) => std::cmp::Ordering::Equal,
        (None, Some(_)) => std::cmp::Ordering::Less,
        (Some(_), None) => std::cmp::Ordering::Greater,
        (Some(x), Some(y)) => y.cmp(x),
    });
    v
}
