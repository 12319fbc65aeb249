//! The event builder: a document's tree built from saphyr's events, scalars resolved as they are
//! read, each collection's sizes summed as it closes. Beside it: `position.rs` maps saphyr's
//! positions to the user's text, `merge.rs` resolves a closing mapping's merge keys and duplicates,
//! and `finish.rs` gives the decoder's verdict on the finished document (alias budget and ratio).

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle, Span as PSpan};

use super::node::{Chunked, Entries, NodeSpan};
use super::position::{CharMap, block_scalar_span, char_to_byte, flow_end, skip_properties};
use super::repair::{AFTER_ROOT, Fixup, UNCLOSED_FLOW, tab_starts_next_token, unfix};
use super::scalar::{self, Resolved};
use super::split::Chunk;
use super::{
    Document, DuplicateKey, Kind, MAX_DEPTH, NodeData, NodeId, ScalarText, Span, Stream, Style,
    YamlError,
};

/// A document being built: its arena and what only reading it needs.
pub(super) struct Builder {
    pub(super) nodes: Chunked<NodeData>,
    /// Each node's decoded size in bytes with aliases expanded (about the size of its JSON), and
    /// how many times go-yaml's decoder visits it and everything under it; needed only while the
    /// document is read.
    pub(super) cost: Chunked<(u64, u64)>,
    pub(super) tags: HashMap<NodeId, Box<str>>,
    pub(super) resolved: HashMap<NodeId, Entries>,
    /// Open collections: (node id, pending key for maps).
    pub(super) stack: Vec<(NodeId, Option<NodeId>)>,
    pub(super) anchors: HashMap<usize, NodeId>,
    pub(super) root: Option<NodeId>,
    pub(super) duplicates: Vec<DuplicateKey>,
    /// The first error Kubernetes' decoder would raise for the document (a tag its value cannot
    /// satisfy, a bad merge, a key JSON cannot hold).
    pub(super) error: Option<(String, Span)>,
    /// Decoded size without alias expansion.
    pub(super) raw: u64,
    /// Whether the document has any alias.
    pub(super) aliases: bool,
    /// The alias expansion left in the text's budget when the document started.
    pub(super) limit: u64,
    /// Whether a collection already expands past `limit`.
    pub(super) over_budget: bool,
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
                if !b.alias(id, sp) {
                    return Some(YamlError {
                        message: "unknown anchor".into(),
                        span: sp,
                        document: Some(index),
                    });
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
                let value_text = if style == Style::Plain && value == "~" && sp.start == sp.end {
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
                b.scalar(text, sp, value_text, style, anchor, tag);
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
                let tag = tag.map(|t| scalar::long_tag(&t.handle, &t.suffix).into_boxed_str());
                b.open(text, sp, sequence, anchor, tag);
            }
            Event::SequenceEnd | Event::MappingEnd => b.end(text, sp),
        }
    }
    None
}

impl Builder {
    fn new() -> Builder {
        Builder {
            nodes: Chunked::default(),
            cost: Chunked::default(),
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

    /// An alias of anchor `id` at `sp`; `false` when no such anchor is open.
    fn alias(&mut self, id: usize, sp: Span) -> bool {
        let Some(t) = self.anchors.get(&id).copied() else {
            return false;
        };
        let (size, decodes) = self.cost.get(t).copied().unwrap_or((2, 1));
        let unjsonable = self.nodes.get(t).is_some_and(|n| n.unjsonable);
        self.raw = self.raw.saturating_add(3);
        self.aliases = true;
        self.push(
            NodeData {
                kind: Kind::Alias { target: t },
                span: NodeSpan::of(sp),
                tagged: false,
                anchored: false,
                value: super::scalar::Packed::NULL,
                yaml11: false,
                unjsonable,
            },
            None,
            None,
            (size, decodes.saturating_add(1)),
        );
        true
    }

    /// A scalar, resolved as go-yaml resolves it (an error its tag raises is the document's).
    fn scalar(
        &mut self,
        text: &str,
        sp: Span,
        mut value_text: String,
        style: Style,
        anchor: usize,
        tag: Option<Box<str>>,
    ) {
        let resolution = scalar::resolve(&value_text, style, tag.as_deref());
        if let Some(message) = resolution.error {
            self.fail(message, sp);
        }
        if let Some(decoded) = resolution.binary {
            value_text = decoded;
        }
        let size = value_text.len() as u64 + 3;
        self.raw = self.raw.saturating_add(size);
        let sp = if matches!(style, Style::Literal | Style::Folded) {
            block_scalar_span(text, sp)
        } else {
            sp
        };
        self.push(
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
                value: super::scalar::Packed::of(resolution.value),
                yaml11: resolution.yaml11,
            },
            (anchor > 0).then_some(anchor),
            tag,
            (size, 1),
        );
    }

    /// Opens a sequence or a mapping, its span moved past its anchor and tag.
    fn open(&mut self, text: &str, sp: Span, sequence: bool, anchor: usize, tag: Option<Box<str>>) {
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
        self.raw = self.raw.saturating_add(2);
        let id = self.push(
            NodeData {
                kind,
                span: NodeSpan::of(sp),
                tagged: tag.is_some(),
                anchored: anchor > 0,
                value: super::scalar::Packed::NULL,
                yaml11: false,
                unjsonable: false,
            },
            (anchor > 0).then_some(anchor),
            tag,
            (2, 1),
        );
        self.stack.push((id, None));
    }

    /// Closes the innermost open collection at `sp`.
    fn end(&mut self, text: &str, sp: Span) {
        if let Some((id, _)) = self.stack.pop() {
            self.close(id, sp);
            // A flow collection ends just past its closing bracket, whatever follows it.
            if let Some(n) = self.nodes.get_mut(id)
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

    /// Whether the root is complete and ends on its own closing character (a flow collection or a
    /// quoted scalar), so that a line after it cannot continue it.
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
                nodes: {
                    let mut nodes = std::mem::take(&mut self.nodes);
                    nodes.trim();
                    nodes
                },
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
            // A closed collection gains nothing: no room to spare (a pod of 1,600 containers
            // held 100 KB of it, a mapping of one entry holding room for four).
            match &mut n.kind {
                Kind::Map { entries, .. } => entries.shrink_to_fit(),
                Kind::Seq { items, .. } => items.shrink_to_fit(),
                Kind::Scalar { .. } | Kind::Alias { .. } => {}
            }
            n.span.set_end(if flow {
                end.end.max(last_end)
            } else {
                last_end
            });
        }
    }
}
