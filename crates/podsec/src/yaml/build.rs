//! The event builder: a document's tree built from saphyr's events (spans mapped to the user's text,
//! scalars resolved as they are read, merge keys and duplicates resolved as each mapping closes), with
//! the alias expansion budget and go-yaml's alias ratio checked as it goes.

use std::borrow::Cow;
use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle, Span as PSpan};

use super::node::{Entries, NodeSpan};
use super::repair::{AFTER_ROOT, Fixup, UNCLOSED_FLOW, tab_starts_next_token, unfix};
use super::scalar::{self, Resolved};
use super::split::Chunk;
use super::{
    Document, DuplicateKey, Kind, MAX_ALIAS_EXPANSION_BYTES, MAX_DEPTH, NodeData, NodeId,
    ScalarText, Span, Stream, Style, YamlError,
};

/// Maps character indexes of one chunk to byte offsets of the whole text.
struct CharMap {
    base_byte: usize,
    /// (char index, byte offset) of each non-ASCII char, relative to the chunk.
    wide: Vec<(usize, usize)>,
}

impl CharMap {
    fn new(chunk: &str, base_byte: usize) -> CharMap {
        let wide = if chunk.is_ascii() {
            Vec::new()
        } else {
            chunk
                .char_indices()
                .enumerate()
                .filter(|(_, (_, c))| !c.is_ascii())
                .map(|(ci, (bi, _))| (ci, bi))
                .collect()
        };
        CharMap { base_byte, wide }
    }
}

/// What resolving a mapping's entries gives: the resolved entries (when they differ from the
/// written ones), whether a value JSON cannot hold survives, and the decoder's errors and the
/// duplicate keys, for the builder to record.
type MapResolution = (
    Option<Entries>,
    bool,
    (Vec<(String, Span)>, Vec<DuplicateKey>),
);

/// A key as go-yaml's `map[interface{}]interface{}` holds it: its Go type and its JSON text. Keys
/// of different types (`1` and `'1'`) are different Go keys, even though they become one JSON key.
type GoKey<'b> = (KeyType, Cow<'b, str>);

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum KeyType {
    Str,
    Int,
    Bool,
    Float,
    /// A null or uint64 key, which go-yaml keeps but the JSON conversion refuses.
    Unconvertible,
}

struct Builder {
    nodes: Vec<NodeData>,
    /// Each node's decoded size in bytes with aliases expanded (about the size of its JSON), and
    /// how many times go-yaml's decoder visits it and everything under it; needed only while the
    /// document is read.
    cost: Vec<(u64, u64)>,
    tags: HashMap<NodeId, Box<str>>,
    resolved: HashMap<NodeId, Entries>,
    /// Open collections: (node id, pending key for maps).
    stack: Vec<(NodeId, Option<NodeId>)>,
    anchors: HashMap<usize, NodeId>,
    root: Option<NodeId>,
    duplicates: Vec<DuplicateKey>,
    /// The first error Kubernetes' decoder would raise for the document (a tag its value cannot
    /// satisfy, a bad merge, a key JSON cannot hold).
    error: Option<(String, Span)>,
    /// Decoded size without alias expansion.
    raw: u64,
    /// Whether the document has any alias.
    aliases: bool,
    /// The alias expansion left in the text's budget when the document started.
    limit: u64,
    /// Whether a collection already expands past `limit`.
    over_budget: bool,
}

/// Moves a collection's span past its anchor (`&name`) and tag (`!tag`), to its first real character.
fn skip_properties(text: &str, sp: Span) -> Span {
    let bytes = text.as_bytes();
    let mut i = sp.start;
    while matches!(bytes.get(i), Some(b'&' | b'!')) {
        while bytes.get(i).is_some_and(|b| !b.is_ascii_whitespace()) {
            i += 1;
        }
        while bytes.get(i).is_some_and(|b| matches!(b, b' ' | b'\t')) {
            i += 1;
        }
    }
    if i == sp.start || i >= sp.end.max(sp.start + 1) && !matches!(bytes.get(i), Some(b'[' | b'{'))
    {
        return sp;
    }
    let skipped = text.get(sp.start..i).map_or(0, |t| t.chars().count());
    Span {
        start: i,
        end: sp.end.max(i),
        line: sp.line,
        col: sp.col + skipped,
    }
}

/// The byte just past the bracket that closes the flow collection opening at `start`.
pub(crate) fn flow_end(text: &str, start: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    if !matches!(bytes.get(start), Some(b'{' | b'[')) {
        return None;
    }
    let mut depth = 0usize;
    let mut i = start;
    while let Some(&c) = bytes.get(i) {
        match c {
            b'{' | b'[' => depth += 1,
            b'}' | b']' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            b'"' => {
                i += 1;
                while let Some(&d) = bytes.get(i) {
                    if d == b'\\' {
                        i += 1;
                    } else if d == b'"' {
                        break;
                    }
                    i += 1;
                }
            }
            b'\'' => {
                i += 1;
                while let Some(&d) = bytes.get(i) {
                    if d == b'\'' {
                        if bytes.get(i + 1) == Some(&b'\'') {
                            i += 1;
                        } else {
                            break;
                        }
                    }
                    i += 1;
                }
            }
            b'#' if matches!(bytes.get(i.wrapping_sub(1)), Some(b' ' | b'\t' | b'\n')) => {
                while bytes.get(i).is_some_and(|&d| d != b'\n') {
                    i += 1;
                }
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// A block scalar's span: from its `|` or `>` indicator to the end of its last content line.
fn block_scalar_span(text: &str, sp: Span) -> Span {
    let bytes = text.as_bytes();
    // End: back over trailing blank lines and indentation.
    let mut end = sp.end.min(text.len());
    while end > sp.start && bytes.get(end - 1).is_some_and(u8::is_ascii_whitespace) {
        end -= 1;
    }
    // Start: the indicator is on the last non-blank line before the content.
    let mut line_start = orig_line_start(text, sp.start);
    let mut line = sp.line;
    while line_start > 0 {
        let prev_start = orig_line_start(text, line_start - 1);
        line -= 1;
        let prev = text.get(prev_start..line_start).unwrap_or("");
        line_start = prev_start;
        if prev.trim().is_empty() {
            continue;
        }
        let code = prev
            .find(" #")
            .map_or(prev, |c| prev.get(..c).unwrap_or(prev));
        if let Some(pos) = code.rfind(['|', '>']) {
            let start = prev_start + pos;
            let col = prev.get(..pos).map_or(0, |p| p.chars().count()) + 1;
            return Span {
                start,
                end: end.max(start + 1),
                line,
                col,
            };
        }
        break;
    }
    Span {
        end: end.max(sp.start),
        ..sp
    }
}

pub(super) fn orig_line_start(text: &str, at: usize) -> usize {
    text.get(..at)
        .and_then(|t| t.rfind('\n'))
        .map_or(0, |i| i + 1)
}

/// Parses one (possibly repaired) chunk. Returns the error that stopped it, if any; documents
/// before the error are in `stream`.
#[allow(clippy::too_many_arguments)]
pub(super) fn parse_attempt(
    text: &str,
    src: &str,
    fixups: &[Fixup],
    dashes: &[usize],
    chunk: &Chunk,
    first_index: usize,
    stream: &mut Stream,
    budget: &mut u64,
) -> Option<YamlError> {
    let map = CharMap::new(src, 0);
    let to_span = |s: PSpan| -> Span {
        let start = chunk.start + unfix(char_to_byte(src, &map, s.start.index()), fixups);
        let end = (chunk.start + unfix(char_to_byte(src, &map, s.end.index()), fixups)).max(start);
        let line = s.start.line() + chunk.line - 1;
        let shift: usize = fixups.iter().filter(|f| f.line == line).map(|f| f.k).sum();
        Span {
            start,
            end,
            line,
            col: (s.start.col() + 1).saturating_sub(shift).max(1),
        }
    };
    let mut parser = Parser::new_from_str(src);
    let mut b = Builder::new();
    b.limit = *budget;
    let mut index = first_index;
    let mut doc_start = chunk.start;
    let mut produced = 0;
    loop {
        let next = parser.next_event();
        let (ev, span) = match next {
            None => break,
            Some(Ok(x)) => x,
            Some(Err(e)) => {
                let m = e.marker();
                let sp = to_span(PSpan::empty(*m));
                // go-yaml reads one document and stops once its root is complete: what follows a
                // flow collection or quoted scalar at the root is never looked at.
                if e.info() == AFTER_ROOT
                    && b.stack.is_empty()
                    && b.root_is_closed_flow()
                    && !tab_starts_next_token(text, b.root_end())
                {
                    b.emit(stream, index, doc_start, chunk, budget, sp);
                    return None;
                }
                // An unclosed flow collection is reported where the parser gave up, often past
                // the end of the text; the opening bracket is where to look.
                let sp = if e.info().starts_with(UNCLOSED_FLOW) {
                    b.innermost_open_flow().unwrap_or(sp)
                } else {
                    sp
                };
                return Some(YamlError {
                    message: e.info().to_string(),
                    span: sp,
                    document: Some(index),
                });
            }
        };
        let sp = to_span(span);
        let sequence = matches!(ev, Event::SequenceStart(..));
        match ev {
            Event::StreamStart | Event::Nothing => {}
            Event::StreamEnd => break,
            Event::DocumentStart(_) => {
                b = Builder::new();
                b.limit = *budget;
                doc_start = if produced == 0 { chunk.start } else { sp.start };
            }
            Event::DocumentEnd => {
                b.emit(stream, index, doc_start, chunk, budget, sp);
                produced += 1;
                index += 1;
            }
            Event::Alias(id) => {
                let target = b.anchors.get(&id).copied();
                match target {
                    Some(t) => {
                        let (size, decodes) = b.cost.get(t).copied().unwrap_or((2, 1));
                        let unjsonable = b.nodes.get(t).is_some_and(|n| n.unjsonable);
                        b.raw = b.raw.saturating_add(3);
                        b.aliases = true;
                        b.push(
                            NodeData {
                                kind: Kind::Alias { target: t },
                                span: NodeSpan::of(sp),
                                tagged: false,
                                anchored: false,
                                value: Resolved::Null,
                                yaml11: false,
                                unjsonable,
                            },
                            None,
                            None,
                            (size, decodes.saturating_add(1)),
                        );
                    }
                    None => {
                        return Some(YamlError {
                            message: "unknown anchor".into(),
                            span: sp,
                            document: Some(index),
                        });
                    }
                }
            }
            Event::Scalar(value, style, anchor, tag) => {
                let style = match style {
                    ScalarStyle::Plain => Style::Plain,
                    ScalarStyle::SingleQuoted => Style::SingleQuoted,
                    ScalarStyle::DoubleQuoted => Style::DoubleQuoted,
                    ScalarStyle::Literal => Style::Literal,
                    ScalarStyle::Folded => Style::Folded,
                };
                let tag = tag.map(|t| scalar::long_tag(&t.handle, &t.suffix).into_boxed_str());
                let mut value_text = if style == Style::Plain && value == "~" && sp.start == sp.end
                {
                    String::new()
                } else if style == Style::Plain
                    && value == "x"
                    && dashes.iter().any(|&d| {
                        (sp.start.saturating_sub(chunk.start)..sp.end.saturating_sub(chunk.start))
                            .contains(&d)
                    })
                {
                    "-".to_string()
                } else {
                    value.into_owned()
                };
                let resolution = scalar::resolve(&value_text, style, tag.as_deref());
                if let Some(message) = resolution.error {
                    b.fail(message, sp);
                }
                if let Some(decoded) = resolution.binary {
                    value_text = decoded;
                }
                let size = value_text.len() as u64 + 3;
                b.raw = b.raw.saturating_add(size);
                let sp = if matches!(style, Style::Literal | Style::Folded) {
                    block_scalar_span(text, sp)
                } else {
                    sp
                };
                b.push(
                    NodeData {
                        // The tree keeps only the text (the scanner's buffer is often ten times
                        // its length), in the node when it is short.
                        kind: Kind::Scalar {
                            text: ScalarText::new(value_text),
                            style,
                        },
                        span: NodeSpan::of(sp),
                        tagged: tag.is_some(),
                        anchored: anchor > 0,
                        unjsonable: matches!(resolution.value, Resolved::Float(f) if !f.is_finite()),
                        value: resolution.value,
                        yaml11: resolution.yaml11,
                    },
                    (anchor > 0).then_some(anchor),
                    tag,
                    (size, 1),
                );
            }
            Event::SequenceStart(anchor, tag) | Event::MappingStart(anchor, tag) => {
                if b.stack.len() >= MAX_DEPTH {
                    return Some(YamlError {
                        message: format!(
                            "nesting is deeper than {MAX_DEPTH} levels; refusing to read further"
                        ),
                        span: sp,
                        document: Some(index),
                    });
                }
                let sp = skip_properties(text, sp);
                let opener = text.as_bytes().get(sp.start).copied();
                let kind = if sequence {
                    Kind::Seq {
                        items: Vec::new(),
                        flow: opener == Some(b'['),
                    }
                } else {
                    Kind::Map {
                        entries: Vec::new(),
                        flow: opener == Some(b'{'),
                        resolved: false,
                    }
                };
                let tag = tag.map(|t| scalar::long_tag(&t.handle, &t.suffix).into_boxed_str());
                b.raw = b.raw.saturating_add(2);
                let id = b.push(
                    NodeData {
                        kind,
                        span: NodeSpan::of(sp),
                        tagged: tag.is_some(),
                        anchored: anchor > 0,
                        value: Resolved::Null,
                        yaml11: false,
                        unjsonable: false,
                    },
                    (anchor > 0).then_some(anchor),
                    tag,
                    (2, 1),
                );
                b.stack.push((id, None));
            }
            Event::SequenceEnd | Event::MappingEnd => {
                if let Some((id, _)) = b.stack.pop() {
                    b.close(id, sp);
                    // A flow collection ends just past its closing bracket, whatever follows it.
                    if let Some(n) = b.nodes.get_mut(id)
                        && matches!(
                            n.kind,
                            Kind::Map { flow: true, .. } | Kind::Seq { flow: true, .. }
                        )
                        && let Some(end) = flow_end(text, n.span.get().start)
                    {
                        n.span.set_end(end);
                    }
                }
            }
        }
    }
    None
}

impl Builder {
    fn new() -> Builder {
        Builder {
            nodes: Vec::new(),
            cost: Vec::new(),
            tags: HashMap::new(),
            resolved: HashMap::new(),
            stack: Vec::new(),
            anchors: HashMap::new(),
            root: None,
            duplicates: Vec::new(),
            error: None,
            raw: 0,
            aliases: false,
            limit: u64::MAX,
            over_budget: false,
        }
    }

    /// Whether the root is complete and ends on its own closing character (a flow collection or a
    /// quoted scalar), so that a line after it cannot continue it.
    /// Where the innermost flow collection still open starts (its bracket).
    fn innermost_open_flow(&self) -> Option<Span> {
        self.stack.iter().rev().find_map(|(id, _)| {
            let n = self.nodes.get(*id)?;
            match &n.kind {
                Kind::Map { flow: true, .. } | Kind::Seq { flow: true, .. } => Some(n.span.get()),
                _ => None,
            }
        })
    }

    fn root_is_closed_flow(&self) -> bool {
        self.root
            .and_then(|r| self.nodes.get(r))
            .is_some_and(|n| match &n.kind {
                Kind::Map { flow, .. } | Kind::Seq { flow, .. } => *flow,
                Kind::Scalar { style, .. } => {
                    matches!(style, Style::SingleQuoted | Style::DoubleQuoted)
                }
                Kind::Alias { .. } => false,
            })
    }

    /// Where the root node ends.
    fn root_end(&self) -> usize {
        self.root
            .and_then(|r| self.nodes.get(r))
            .map_or(0, |n| n.span.end())
    }

    /// Ends a document: it goes into the stream, or its error does.
    fn emit(
        &mut self,
        stream: &mut Stream,
        index: usize,
        doc_start: usize,
        chunk: &Chunk,
        budget: &mut u64,
        at: Span,
    ) {
        if let Some(err) = self.finish_check(index, at) {
            stream.errors.push(err);
        } else if self.root.is_some() && (self.over_budget || self.expansion() > *budget) {
            stream.errors.push(self.expansion_error(index, at));
            *budget = 0;
        } else if self.root.is_some() {
            *budget -= self.expansion();
            stream.documents.push(Document {
                nodes: std::mem::take(&mut self.nodes),
                root: self.root,
                index,
                span: Span {
                    start: doc_start,
                    end: chunk.end,
                    line: chunk.line,
                    col: 1,
                },
                json: chunk.json,
                duplicates: std::mem::take(&mut self.duplicates),
                tags: std::mem::take(&mut self.tags),
                resolved: std::mem::take(&mut self.resolved),
            });
        }
    }

    /// Records the decoder's first error for the document.
    fn fail(&mut self, message: String, span: Span) {
        if self.error.is_none() {
            self.error = Some((message, span));
        }
    }

    fn push(
        &mut self,
        data: NodeData,
        anchor: Option<usize>,
        tag: Option<Box<str>>,
        cost: (u64, u64),
    ) -> NodeId {
        let id = self.nodes.len();
        self.nodes.push(data);
        self.cost.push(cost);
        if let Some(t) = tag {
            self.tags.insert(id, t);
        }
        if let Some(a) = anchor {
            self.anchors.insert(a, id);
        }
        match self.stack.last_mut() {
            None => self.root = Some(id),
            Some((parent, pending)) => {
                let parent = *parent;
                match pending.take() {
                    Some(key) => {
                        if let Some(NodeData {
                            kind: Kind::Map { entries, .. },
                            ..
                        }) = self.nodes.get_mut(parent)
                        {
                            entries.push((key, id));
                        }
                    }
                    None => {
                        let is_map = matches!(
                            self.nodes.get(parent),
                            Some(NodeData {
                                kind: Kind::Map { .. },
                                ..
                            })
                        );
                        if is_map {
                            if let Some(last) = self.stack.last_mut() {
                                last.1 = Some(id);
                            }
                        } else if let Some(NodeData {
                            kind: Kind::Seq { items, .. },
                            ..
                        }) = self.nodes.get_mut(parent)
                        {
                            items.push(id);
                        }
                    }
                }
            }
        }
        id
    }

    /// A node with its alias followed.
    fn target(&self, id: NodeId) -> NodeId {
        match self.nodes.get(id).map(|n| &n.kind) {
            Some(Kind::Alias { target }) => *target,
            _ => id,
        }
    }

    /// The Go map key a key node becomes, or the decoder's error for it.
    fn key_string(&self, key: NodeId) -> Result<GoKey<'_>, String> {
        let Some(n) = self.nodes.get(self.target(key)) else {
            return Err("invalid map key".into());
        };
        let text = match &n.kind {
            Kind::Scalar { text, .. } => text.as_str(),
            Kind::Map { .. } => return Err("invalid map key: map[interface {}]interface {}".into()),
            _ => return Err("invalid map key: []interface {}".into()),
        };
        let json = |v| scalar::json_key(v, text).map(Cow::Owned);
        Ok(match n.value {
            Resolved::Str | Resolved::Merge => (KeyType::Str, Cow::Borrowed(text)),
            Resolved::Null => (KeyType::Unconvertible, Cow::Borrowed("")),
            Resolved::Uint(u) => (KeyType::Unconvertible, Cow::Owned(u.to_string())),
            v @ Resolved::Int(_) => (KeyType::Int, json(v)?),
            v @ Resolved::Bool(_) => (KeyType::Bool, json(v)?),
            v @ Resolved::Float(_) => (KeyType::Float, json(v)?),
        })
    }

    fn is_merge_key(&self, key: NodeId) -> bool {
        self.nodes
            .get(key)
            .is_some_and(|n| matches!(n.kind, Kind::Scalar { .. }) && n.value == Resolved::Merge)
    }

    /// The entries a closed mapping contributes when merged, in order.
    fn effective(&self, map: NodeId) -> Option<&[(NodeId, NodeId)]> {
        match self.nodes.get(map).map(|n| &n.kind) {
            Some(Kind::Map { resolved: true, .. }) => self.resolved.get(&map).map(|r| &**r),
            Some(Kind::Map { entries, .. }) => Some(entries),
            _ => None,
        }
    }

    /// Finishes a collection: its span grows to cover its content, its sizes are summed, merge keys
    /// and duplicate keys are resolved as go-yaml resolves them, and what JSON cannot hold is noted.
    fn close(&mut self, id: NodeId, end: Span) {
        let Some(node) = self.nodes.get(id) else {
            return;
        };
        let (pairs, items): (&[(NodeId, NodeId)], &[NodeId]) = match &node.kind {
            Kind::Map { entries, .. } => (entries, &[]),
            Kind::Seq { items, .. } => (&[], items),
            _ => return,
        };
        let is_map = matches!(node.kind, Kind::Map { .. });
        let flow = matches!(
            node.kind,
            Kind::Map { flow: true, .. } | Kind::Seq { flow: true, .. }
        );
        let mut size: u64 = 2;
        let mut decodes: u64 = 1;
        let mut last_end = node.span.end();
        // One child: its size and end, and the decodes it adds (`merge_key`: a merge key, which
        // go-yaml never decodes itself; `merge_seq`: the sequence a merge key holds, of which it
        // decodes only the items).
        let mut add = |c: NodeId, merge_key: bool, merge_seq: bool| {
            let Some(n) = self.nodes.get(c) else { return };
            let (n_size, n_decodes) = self.cost.get(c).copied().unwrap_or((2, 1));
            size = size.saturating_add(n_size);
            last_end = last_end.max(n.span.end());
            let counted = match (&n.kind, merge_seq) {
                (Kind::Seq { items, .. }, true) => items
                    .iter()
                    .filter_map(|&item| self.cost.get(item))
                    .fold(0u64, |acc, item| acc.saturating_add(item.1)),
                _ if merge_key => 0,
                _ => n_decodes,
            };
            decodes = decodes.saturating_add(counted);
        };
        for &(k, v) in pairs {
            let merge = self.is_merge_key(k);
            add(k, merge, false);
            add(v, false, merge);
        }
        for &c in items {
            add(c, false, false);
        }
        // Past the budget, merging would cost what the budget is there to refuse.
        let (resolved, unjsonable, found) = if size.saturating_sub(self.raw) > self.limit {
            (None, false, None)
        } else if is_map {
            let (resolved, unjsonable, found) = self.resolve_map(id, pairs);
            (resolved, unjsonable, Some(found))
        } else {
            (None, items.iter().any(|&c| self.unjsonable(c)), None)
        };
        if size.saturating_sub(self.raw) > self.limit {
            self.over_budget = true;
        }
        if let Some((errors, dups)) = found {
            for (message, span) in errors {
                self.fail(message, span);
            }
            self.duplicates.extend(dups);
        }
        if let Some(c) = self.cost.get_mut(id) {
            *c = (size, decodes);
        }
        if let Some(r) = resolved {
            self.resolved.insert(id, r);
            if let Some(NodeData {
                kind: Kind::Map { resolved, .. },
                ..
            }) = self.nodes.get_mut(id)
            {
                *resolved = true;
            }
        }
        if let Some(n) = self.nodes.get_mut(id) {
            n.unjsonable = unjsonable;
            n.span.set_end(if flow {
                end.end.max(last_end)
            } else {
                last_end
            });
        }
    }

    fn unjsonable(&self, id: NodeId) -> bool {
        self.nodes
            .get(self.target(id))
            .is_some_and(|n| n.unjsonable)
    }

    /// Applies a mapping's entries in text order as go-yaml does: a merge key's map (or each map of
    /// its sequence, last first) writes its entries, and every key replaces an earlier one. Returns
    /// the resolved entries when they differ from the written ones, whether a value JSON cannot hold
    /// survives, and the decoder's errors and the duplicate keys written in the mapping itself, for
    /// the caller to record.
    fn resolve_map(&self, id: NodeId, pairs: &[(NodeId, NodeId)]) -> MapResolution {
        if let Some(plain) = self.plain_map(pairs) {
            return plain;
        }
        let span_of = |id: NodeId| self.nodes.get(id).map(|n| n.span.get()).unwrap_or_default();
        let mut out: Vec<(NodeId, NodeId)> = Vec::with_capacity(pairs.len());
        // Each key's slot in `out`, by a hash of its Go map key (the key itself is compared on a
        // hit; keys whose hash another key already has go to `collided`).
        let mut index: HashMap<u64, usize> = HashMap::with_capacity(pairs.len());
        let mut collided: HashMap<GoKey<'_>, usize> = HashMap::new();
        let mut bad_key = false;
        let mut changed = false;
        let mut merge_errors: Vec<(String, Span)> = Vec::new();
        let mut key_errors: Vec<(String, Span)> = Vec::new();
        let mut dups: Vec<DuplicateKey> = Vec::new();
        // Whether each resolved key was last written in this mapping (not brought by a merge).
        let mut explicit: Vec<bool> = Vec::with_capacity(pairs.len());
        let hash = |name: &GoKey<'_>| {
            use std::hash::{BuildHasher, BuildHasherDefault};
            BuildHasherDefault::<std::collections::hash_map::DefaultHasher>::default()
                .hash_one(name)
        };
        // One write, merged or explicit: a later key replaces an earlier one in place (then it
        // returns true).
        let mut write = |k: NodeId, v: NodeId, is_explicit: bool| -> bool {
            let name = match self.key_string(k) {
                Ok(name) => name,
                Err(message) => {
                    key_errors.push((message, span_of(k)));
                    return false;
                }
            };
            let h = hash(&name);
            let found = collided.get(&name).copied().or_else(|| {
                index.get(&h).copied().filter(|&at| {
                    out.get(at)
                        .is_some_and(|slot| self.key_string(slot.0).is_ok_and(|o| o == name))
                })
            });
            match found {
                Some(at) => {
                    let first = out.get(at).map(|slot| span_of(slot.0));
                    // A key written twice in this mapping (not one a merge brought).
                    if is_explicit
                        && explicit.get(at).copied().unwrap_or(false)
                        && let Some(first) = first
                    {
                        dups.push(DuplicateKey {
                            key: name.1.to_string(),
                            first,
                            second: span_of(k),
                        });
                    }
                    if let (Some(slot), Some(e)) = (out.get_mut(at), explicit.get_mut(at)) {
                        *slot = (k, v);
                        *e = is_explicit;
                    }
                    true
                }
                None => {
                    bad_key |= name.0 == KeyType::Unconvertible;
                    match index.entry(h) {
                        std::collections::hash_map::Entry::Occupied(_) => {
                            collided.insert(name, out.len());
                        }
                        std::collections::hash_map::Entry::Vacant(slot) => {
                            slot.insert(out.len());
                        }
                    }
                    out.push((k, v));
                    explicit.push(is_explicit);
                    false
                }
            }
        };
        for &(k, v) in pairs {
            if !self.is_merge_key(k) {
                changed |= write(k, v, true);
                continue;
            }
            changed = true;
            let value = self.target(v);
            let sources: &[NodeId] = match self.nodes.get(value).map(|n| &n.kind) {
                Some(Kind::Map { .. }) => std::slice::from_ref(&value),
                // A sequence written in place, not through an alias, may hold maps to merge.
                Some(Kind::Seq { items, .. }) if value == v => items,
                _ => {
                    merge_errors.push((
                        "map merge requires map or sequence of maps as the value".into(),
                        span_of(v),
                    ));
                    continue;
                }
            };
            for &source in sources.iter().rev() {
                let source = self.target(source);
                // The mapping itself, through an anchor on it, gives its written entries.
                let entries = if source == id {
                    Some(pairs)
                } else {
                    self.effective(source)
                };
                let Some(entries) = entries else {
                    merge_errors.push((
                        "map merge requires map or sequence of maps as the value".into(),
                        span_of(source),
                    ));
                    continue;
                };
                for &(mk, mv) in entries {
                    changed |= write(mk, mv, false);
                }
            }
        }
        let unjsonable = bad_key || out.iter().any(|&(_, v)| self.unjsonable(v));
        merge_errors.extend(key_errors);
        (
            changed.then(|| out.into_boxed_slice()),
            unjsonable,
            (merge_errors, dups),
        )
    }

    /// The common case, without building resolved entries: no merge key and no key written twice.
    /// `None` when the mapping has either, for [`Builder::resolve_map`] to apply in full.
    fn plain_map(&self, pairs: &[(NodeId, NodeId)]) -> Option<MapResolution> {
        if pairs.iter().any(|&(k, _)| self.is_merge_key(k)) {
            return None;
        }
        let mut seen: std::collections::HashSet<GoKey<'_>> =
            std::collections::HashSet::with_capacity(pairs.len());
        let mut errors: Vec<(String, Span)> = Vec::new();
        for &(k, _) in pairs {
            match self.key_string(k) {
                Ok(name) => {
                    if !seen.insert(name) {
                        return None;
                    }
                }
                Err(message) => errors.push((
                    message,
                    self.nodes.get(k).map(|n| n.span.get()).unwrap_or_default(),
                )),
            }
        }
        let bad_key = seen.iter().any(|k| k.0 == KeyType::Unconvertible);
        drop(seen);
        let unjsonable = bad_key || pairs.iter().any(|&(_, v)| self.unjsonable(v));
        Some((None, unjsonable, (errors, Vec::new())))
    }

    /// How many bytes aliases add to the document.
    fn expansion(&self) -> u64 {
        let total = self.root.and_then(|r| self.cost.get(r)).map_or(0, |c| c.0);
        total.saturating_sub(self.raw)
    }

    fn expansion_error(&self, index: usize, at: Span) -> YamlError {
        let span = self
            .nodes
            .iter()
            .find(|n| matches!(n.kind, Kind::Alias { .. }))
            .map_or(at, |n| n.span.get());
        YamlError {
            message: format!(
                "aliases expand this text by more than its own size (or {} MiB); refusing to read \
                 further (an alias bomb?)",
                MAX_ALIAS_EXPANSION_BYTES / (1024 * 1024)
            ),
            span,
            document: Some(index),
        }
    }

    /// The decoder's verdict on the finished document: its first error, go-yaml's "excessive
    /// aliasing" rule, and values JSON cannot hold (`.nan`, `.inf`).
    fn finish_check(&self, index: usize, at: Span) -> Option<YamlError> {
        let root = self.root?;
        let error = |message: String, span: Span| YamlError {
            message,
            span,
            document: Some(index),
        };
        if let Some((message, span)) = &self.error {
            return Some(error(message.clone(), *span));
        }
        if self.aliases
            && let Some(span) = self.excessive_aliasing(root)
        {
            return Some(error("document contains excessive aliasing".into(), span));
        }
        if self.unjsonable(root) {
            let span = self
                .nodes
                .iter()
                .find(|n| {
                    matches!(n.value, Resolved::Float(f) if !f.is_finite())
                        || matches!(n.value, Resolved::Null | Resolved::Uint(_))
                            && matches!(n.kind, Kind::Scalar { .. })
                })
                .map_or(at, |n| n.span.get());
            return Some(error(
                "Kubernetes cannot convert this document to JSON: a key is null or above \
                 9223372036854775807, or a value is .nan or .inf"
                    .into(),
                span,
            ));
        }
        None
    }

    /// go-yaml v2's alias-ratio rule (decode.go `allowedAliasRatio`): walking the document in decode
    /// order, it fails once more than 100 of over 1,000 decodes come from aliases and their share
    /// exceeds the allowed ratio. Within one alias expansion the share only grows, so checking at
    /// the end of each expansion decides it; elsewhere every decode is checked. Linear in the
    /// document's nodes: aliases count their target's decodes without walking them.
    fn excessive_aliasing(&self, root: NodeId) -> Option<Span> {
        const LOW: f64 = 400_000.0;
        const HIGH: f64 = 4_000_000.0;
        #[allow(clippy::cast_precision_loss)]
        let exceeds = |decodes: u64, aliased: u64| {
            let d = decodes as f64;
            let allowed = if d <= LOW {
                0.99
            } else if d >= HIGH {
                0.10
            } else {
                0.99 - 0.89 * ((d - LOW) / (HIGH - LOW))
            };
            aliased > 100 && decodes > 1000 && aliased as f64 / d > allowed
        };
        let mut decodes: u64 = 0;
        let mut aliased: u64 = 0;
        // (node, whether it is the sequence of a merge key, which is not decoded itself)
        let mut stack: Vec<(NodeId, bool)> = vec![(root, false)];
        while let Some((id, merge_seq)) = stack.pop() {
            let n = self.nodes.get(id)?;
            if !merge_seq {
                decodes += 1;
                if exceeds(decodes, aliased) {
                    return Some(n.span.get());
                }
            }
            match &n.kind {
                Kind::Alias { target } => {
                    let inner = self.cost.get(*target).map_or(0, |t| t.1);
                    decodes = decodes.saturating_add(inner);
                    aliased = aliased.saturating_add(inner);
                    if exceeds(decodes, aliased) {
                        return Some(n.span.get());
                    }
                }
                Kind::Seq { items, .. } => stack.extend(items.iter().rev().map(|&i| (i, false))),
                Kind::Map { entries, .. } => {
                    for &(k, v) in entries.iter().rev() {
                        if self.is_merge_key(k) {
                            let seq = matches!(
                                self.nodes.get(v).map(|n| &n.kind),
                                Some(Kind::Seq { .. })
                            );
                            stack.push((v, seq));
                        } else {
                            stack.push((v, false));
                            stack.push((k, false));
                        }
                    }
                }
                Kind::Scalar { .. } => {}
            }
        }
        None
    }
}

fn char_to_byte(src: &str, map: &CharMap, char_index: usize) -> usize {
    if map.wide.is_empty() {
        return map.base_byte + char_index.min(src.len());
    }
    let pos = map.wide.partition_point(|&(ci, _)| ci < char_index);
    let rel = match pos.checked_sub(1).and_then(|p| map.wide.get(p)) {
        None => char_index,
        Some(&(ci, bi)) => {
            let w = src
                .get(bi..)
                .and_then(|s| s.chars().next())
                .map_or(1, char::len_utf8);
            bi + w + (char_index - ci - 1)
        }
    };
    map.base_byte + rel.min(src.len())
}
