//! The node API: a document's arena of positioned nodes and the accessors that read it.

use std::collections::HashMap;

use super::scalar::{self, Resolved};

/// A region of the text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct Span {
    /// Byte offset of the start.
    pub start: usize,
    /// Byte offset just past the end.
    pub end: usize,
    /// 1-based line of the start.
    pub line: usize,
    /// 1-based column (characters) of the start.
    pub col: usize,
}

/// How a scalar was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Style {
    /// Unquoted.
    Plain,
    /// `'single'`.
    SingleQuoted,
    /// `"double"`.
    DoubleQuoted,
    /// `|` block.
    Literal,
    /// `>` block.
    Folded,
}

/// Index of a node in its document's arena.
pub type NodeId = usize;

/// A node's [`Span`] in half the room (a text is at most [`MAX_INPUT_BYTES`](super::MAX_INPUT_BYTES), so offsets, lines and
/// columns fit 32 bits).
#[derive(Clone, Copy, Debug, Default)]
pub(super) struct NodeSpan {
    pub(super) start: u32,
    pub(super) end: u32,
    pub(super) line: u32,
    pub(super) col: u32,
}

impl NodeSpan {
    pub(super) fn of(s: Span) -> NodeSpan {
        let n = |v: usize| u32::try_from(v).unwrap_or(u32::MAX);
        NodeSpan {
            start: n(s.start),
            end: n(s.end),
            line: n(s.line),
            col: n(s.col),
        }
    }

    pub(super) fn get(self) -> Span {
        Span {
            start: self.start as usize,
            end: self.end as usize,
            line: self.line as usize,
            col: self.col as usize,
        }
    }

    pub(super) fn end(self) -> usize {
        self.end as usize
    }

    pub(super) fn set_end(&mut self, end: usize) {
        self.end = u32::try_from(end).unwrap_or(u32::MAX);
    }
}

/// One node.
#[derive(Clone, Debug)]
pub struct NodeData {
    /// What it holds.
    pub kind: Kind,
    /// Where it is.
    pub(super) span: NodeSpan,
    /// Whether the node has an explicit tag (kept in [`Document`]'s `tags`, since few have one).
    pub(super) tagged: bool,
    /// Whether the node carries an anchor (`&name`).
    pub anchored: bool,
    /// A scalar's resolved value (collections: `Null`).
    pub(super) value: scalar::Packed,
    /// Whether the scalar reads as it does only under YAML 1.1 rules.
    pub(super) yaml11: bool,
    /// Whether the node (with what it holds, after merges and duplicates) cannot become JSON.
    pub(super) unjsonable: bool,
}

/// How many bytes of a scalar's text its node holds in place.
const INLINE: usize = 22;

/// A scalar's decoded text: up to 22 bytes inside the node itself (most keys and values of a
/// manifest: `name`, `v1`, `CAP_SYS_ADMIN`), longer ones on the heap, so that a short scalar costs
/// no allocation of its own (a heap string of 2 bytes takes 32 bytes of the allocator).
#[derive(Clone)]
pub struct ScalarText(Text);

#[derive(Clone)]
enum Text {
    Inline { len: u8, bytes: [u8; INLINE] },
    Heap(Box<str>),
}

impl ScalarText {
    pub(super) fn new(s: String) -> ScalarText {
        let mut bytes = [0; INLINE];
        match (u8::try_from(s.len()), bytes.get_mut(..s.len())) {
            (Ok(len), Some(place)) => {
                place.copy_from_slice(s.as_bytes());
                ScalarText(Text::Inline { len, bytes })
            }
            _ => ScalarText(Text::Heap(s.into_boxed_str())),
        }
    }

    /// The bytes of the text (what comparing with a key needs, without checking UTF-8 again).
    fn as_bytes(&self) -> &[u8] {
        match &self.0 {
            Text::Inline { len, bytes } => bytes.get(..usize::from(*len)).unwrap_or(&[]),
            Text::Heap(s) => s.as_bytes(),
        }
    }

    /// The text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        match &self.0 {
            // Always valid: the bytes were copied whole from a `String`.
            Text::Inline { .. } => std::str::from_utf8(self.as_bytes()).unwrap_or(""),
            Text::Heap(s) => s,
        }
    }
}

impl std::fmt::Debug for ScalarText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self.as_str(), f)
    }
}

/// The content of a node.
#[derive(Clone, Debug)]
pub enum Kind {
    /// A scalar, with its decoded text (escapes and folding applied).
    Scalar {
        /// The text.
        text: ScalarText,
        /// How it was written.
        style: Style,
    },
    /// A sequence.
    Seq {
        /// Items.
        items: Vec<NodeId>,
        /// Whether written `[a, b]`.
        flow: bool,
    },
    /// A mapping.
    Map {
        /// Entries in text order, as (key, value).
        entries: Vec<(NodeId, NodeId)>,
        /// Whether written `{a: b}`.
        flow: bool,
        /// Whether the entries Kubernetes sees differ from `entries` (merge keys applied in text
        /// order, duplicate keys collapsed to the last): they are then in [`Document`]'s `resolved`,
        /// each key once, at its first position, with the node that last set it.
        resolved: bool,
    },
    /// An alias (`*name`) of an earlier anchored node.
    Alias {
        /// The anchored node.
        target: NodeId,
    },
}

/// A duplicate key in one mapping.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DuplicateKey {
    /// The key text.
    pub key: String,
    /// The first occurrence.
    pub first: Span,
    /// The later occurrence, whose value applies.
    pub second: Span,
}

/// How many elements one chunk of a [`Chunked`] holds. A full chunk of nodes (288 KiB) is past
/// glibc's threshold for mapping an allocation on its own (128 KiB), so the arena of a large
/// document goes back to the system when it is dropped instead of leaving holes in the heap that
/// later allocations only partly fill (a `List` of 1,000 pods: `harden` 7.9 -> 7.0 MB peak, with
/// chunks of 1,024 nodes before).
pub(super) const CHUNK: usize = 4096;

/// A growing list in chunks of [`CHUNK`] elements: growing never copies what it holds, nor leaves
/// room for as many again as a `Vec` does when it doubles, so a document's arena costs its nodes
/// and at most one chunk more while it is built, and its nodes alone once [`Chunked::trim`]med (a
/// `List` of 1,000 pods is 23,000 nodes: 1.7 MB, in a `Vec` of room for 32,768 that had copied
/// them three times over on the way).
#[derive(Clone, Debug)]
pub(crate) struct Chunked<T> {
    chunks: Vec<Vec<T>>,
    len: usize,
}

impl<T> Default for Chunked<T> {
    fn default() -> Self {
        Chunked {
            chunks: Vec::new(),
            len: 0,
        }
    }
}

impl<T> Chunked<T> {
    pub(super) fn get(&self, i: usize) -> Option<&T> {
        self.chunks.get(i / CHUNK)?.get(i % CHUNK)
    }

    pub(super) fn get_mut(&mut self, i: usize) -> Option<&mut T> {
        self.chunks.get_mut(i / CHUNK)?.get_mut(i % CHUNK)
    }

    pub(super) fn len(&self) -> usize {
        self.len
    }

    pub(super) fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Appends `v`. The first chunk grows as a `Vec` does, so that a small document takes little;
    /// every later one is allocated whole.
    pub(crate) fn push(&mut self, v: T) {
        match self.chunks.last_mut() {
            Some(last) if last.len() < CHUNK => last.push(v),
            _ => {
                let mut chunk = if self.chunks.is_empty() {
                    Vec::new()
                } else {
                    Vec::with_capacity(CHUNK)
                };
                chunk.push(v);
                self.chunks.push(chunk);
            }
        }
        self.len += 1;
    }

    /// Everything in one list of its own length, each chunk freed once copied.
    pub(crate) fn into_vec(self) -> Vec<T> {
        let mut all = Vec::with_capacity(self.len);
        for chunk in self.chunks {
            all.extend(chunk);
        }
        all
    }

    /// Gives back the room of the last chunk beyond what it holds.
    pub(super) fn trim(&mut self) {
        if let Some(last) = self.chunks.last_mut() {
            last.shrink_to_fit();
        }
        self.chunks.shrink_to_fit();
    }

    pub(super) fn iter(&self) -> impl Iterator<Item = &T> {
        self.chunks.iter().flatten()
    }
}

/// One document of the stream.
#[derive(Clone, Debug)]
pub struct Document {
    pub(super) nodes: Chunked<NodeData>,
    pub(super) root: Option<NodeId>,
    /// 0-based index of the document in the stream.
    pub index: usize,
    /// Byte span of the whole document text (from its first byte to the start of the next).
    pub span: Span,
    /// Whether the document came from a JSON stream.
    pub json: bool,
    /// Duplicate keys found anywhere in it.
    pub duplicates: Vec<DuplicateKey>,
    /// The explicit tag of each tagged node.
    pub(super) tags: HashMap<NodeId, Box<str>>,
    /// The resolved entries of each mapping whose `resolved` is set.
    pub(super) resolved: HashMap<NodeId, Entries>,
}

/// A parse error, positioned.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct YamlError {
    /// What is wrong.
    pub message: String,
    /// Where.
    pub span: Span,
    /// Which document (0-based), when known.
    pub document: Option<usize>,
}

/// A whole parsed text.
#[derive(Clone, Debug, Default)]
pub struct Stream {
    /// Documents that parsed.
    pub documents: Vec<Document>,
    /// Errors, each confined to one document.
    pub errors: Vec<YamlError>,
    /// Whether the text contains CRLF line endings.
    pub crlf: bool,
}

/// A handle on a node, following aliases transparently.
#[derive(Clone, Copy, Debug)]
pub struct Node<'a> {
    doc: &'a Document,
    id: NodeId,
}

/// The value of a scalar as Kubernetes' YAML decoding reads it.
#[derive(Clone, Debug, PartialEq)]
pub enum Scalar<'a> {
    /// `null`, `~` or empty.
    Null,
    /// A boolean.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// An integer above `i64::MAX`.
    Uint(u64),
    /// A float.
    Float(f64),
    /// A string.
    Str(&'a str),
}

impl Document {
    /// The root node, if the document is not empty.
    #[must_use]
    pub fn root(&self) -> Option<Node<'_>> {
        self.root.map(|id| Node { doc: self, id }.resolve())
    }

    /// A node by ID.
    #[must_use]
    pub fn node(&self, id: NodeId) -> Option<Node<'_>> {
        (id < self.nodes.len()).then_some(Node { doc: self, id })
    }

    /// Number of nodes in the arena.
    #[must_use]
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Whether the arena is empty.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }
}

impl<'a> Node<'a> {
    pub(crate) fn data(self) -> &'a NodeData {
        // IDs come only from the arena they index; fall back to the root slot defensively.
        match self.doc.nodes.get(self.id) {
            Some(d) => d,
            None => &EMPTY_NODE,
        }
    }

    fn resolve(self) -> Node<'a> {
        match self.data().kind {
            Kind::Alias { target } => Node {
                doc: self.doc,
                id: target,
            },
            _ => self,
        }
    }

    /// The node's ID in its document.
    #[must_use]
    pub fn id(self) -> NodeId {
        self.id
    }

    /// The document the node belongs to.
    #[must_use]
    pub fn document(self) -> &'a Document {
        self.doc
    }

    /// The raw kind.
    #[must_use]
    pub fn kind(self) -> &'a Kind {
        &self.data().kind
    }

    /// Where the node is written.
    #[must_use]
    pub fn span(self) -> Span {
        self.data().span.get()
    }

    /// The explicit tag, if any.
    #[must_use]
    pub fn tag(self) -> Option<&'a str> {
        if !self.data().tagged {
            return None;
        }
        self.doc.tags.get(&self.id).map(|t| &**t)
    }

    /// Whether this node carries an anchor, so that editing it would change every alias too.
    #[must_use]
    pub fn is_anchored(self) -> bool {
        self.data().anchored
    }

    /// Whether this is a mapping.
    #[must_use]
    pub fn is_map(self) -> bool {
        matches!(self.kind(), Kind::Map { .. })
    }

    /// Whether this is a sequence.
    #[must_use]
    pub fn is_seq(self) -> bool {
        matches!(self.kind(), Kind::Seq { .. })
    }

    /// Whether this is a scalar.
    #[must_use]
    pub fn is_scalar(self) -> bool {
        matches!(self.kind(), Kind::Scalar { .. })
    }

    /// Whether this is a flow collection (`{}` or `[]`).
    #[must_use]
    pub fn is_flow(self) -> bool {
        matches!(
            self.kind(),
            Kind::Seq { flow: true, .. } | Kind::Map { flow: true, .. }
        )
    }

    /// A short name of the node's type as the API server words it.
    #[must_use]
    pub fn type_name(self) -> &'static str {
        match self.kind() {
            Kind::Map { .. } => "object",
            Kind::Seq { .. } => "array",
            Kind::Alias { .. } => "alias",
            Kind::Scalar { .. } => match self.scalar() {
                Some(Scalar::Null) => "null",
                Some(Scalar::Bool(_)) => "boolean",
                Some(Scalar::Int(_) | Scalar::Uint(_) | Scalar::Float(_)) => "number",
                _ => "string",
            },
        }
    }

    /// The raw scalar text and style.
    #[must_use]
    pub fn raw_scalar(self) -> Option<(&'a str, Style)> {
        match self.kind() {
            Kind::Scalar { text, style } => Some((text.as_str(), *style)),
            _ => None,
        }
    }

    /// The scalar, decoded as Kubernetes decodes YAML (YAML 1.1 booleans, octal, and so on).
    #[must_use]
    pub fn scalar(self) -> Option<Scalar<'a>> {
        let data = self.data();
        let Kind::Scalar { text, .. } = &data.kind else {
            return None;
        };
        Some(scalar_of(data.value.get(), text.as_str()))
    }

    /// Whether the scalar means what it means only because of YAML 1.1 rules (e.g. `yes`, `on`,
    /// `0755`), which a YAML 1.2 reader would read differently.
    #[must_use]
    pub fn is_yaml11_only(self) -> bool {
        self.is_scalar() && self.data().yaml11
    }

    /// Whether the node is `null` (or an empty value).
    #[must_use]
    pub fn is_null(self) -> bool {
        matches!(self.scalar(), Some(Scalar::Null))
    }

    /// The text of a scalar that is not null, whatever its type (numbers and booleans as written).
    #[must_use]
    pub fn text(self) -> Option<&'a str> {
        match self.scalar()? {
            Scalar::Null => None,
            _ => self.raw_scalar().map(|(t, _)| t),
        }
    }

    /// The string value of a scalar that decodes to a string.
    #[must_use]
    pub fn as_str(self) -> Option<&'a str> {
        match self.scalar()? {
            Scalar::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The boolean value.
    #[must_use]
    pub fn as_bool(self) -> Option<bool> {
        match self.scalar()? {
            Scalar::Bool(b) => Some(b),
            _ => None,
        }
    }

    /// The integer value (floats with no fraction count, as JSON numbers do).
    #[must_use]
    pub fn as_i64(self) -> Option<i64> {
        match self.scalar()? {
            Scalar::Int(i) => Some(i),
            #[allow(clippy::cast_possible_truncation, clippy::float_cmp)]
            Scalar::Float(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Some(f as i64),
            _ => None,
        }
    }

    /// Entries of a mapping as Kubernetes sees them: merge keys (`<<`) applied in text order (a later
    /// key, merged or written, replaces an earlier one; within a merged sequence the earlier map
    /// wins), duplicate keys collapsed to the last. Each key appears once, at its first position.
    #[must_use]
    pub fn entries(self) -> Vec<(Node<'a>, Node<'a>)> {
        self.effective_entries()
            .iter()
            .map(|&(k, v)| (self.at(k).resolve(), self.at(v).resolve()))
            .collect()
    }

    fn effective_entries(self) -> &'a [(NodeId, NodeId)] {
        match self.kind() {
            Kind::Map { resolved: true, .. } => {
                self.doc.resolved.get(&self.id).map_or(&[], |r| &**r)
            }
            Kind::Map { entries, .. } => entries,
            _ => &[],
        }
    }

    fn at(self, id: NodeId) -> Node<'a> {
        Node { doc: self.doc, id }
    }

    /// Whether this (resolved) key node names `key` once converted to a JSON key.
    /// A key as Kubernetes reads it (the text of a string, JSON's spelling of a number or a
    /// boolean): what [`Node::get`] compares with the key asked for. `None` for a key JSON cannot
    /// hold.
    pub(crate) fn key_text(self) -> Option<std::borrow::Cow<'a, str>> {
        let data = self.data();
        match (&data.kind, data.value.get()) {
            (Kind::Scalar { text, .. }, Resolved::Str | Resolved::Merge) => {
                Some(std::borrow::Cow::Borrowed(text.as_str()))
            }
            (Kind::Scalar { text, .. }, value) => scalar::json_key(value, text.as_str())
                .ok()
                .map(std::borrow::Cow::Owned),
            _ => None,
        }
    }

    fn key_is(self, key: &str) -> bool {
        let data = self.data();
        match (&data.kind, data.value.get()) {
            (Kind::Scalar { text, .. }, Resolved::Str | Resolved::Merge) => {
                text.as_bytes() == key.as_bytes()
            }
            (Kind::Scalar { text, .. }, value) => {
                scalar::json_key(value, text.as_str()).is_ok_and(|k| k == key)
            }
            _ => false,
        }
    }

    /// The value of a key in a mapping, as Kubernetes reads it (merge keys and duplicates applied).
    #[must_use]
    pub fn get(self, key: &str) -> Option<Node<'a>> {
        self.get_entry(key).map(|(_, v)| v)
    }

    /// The key and value nodes of a key in a mapping: the key that set the value Kubernetes reads.
    #[must_use]
    pub fn get_entry(self, key: &str) -> Option<(Node<'a>, Node<'a>)> {
        self.effective_entries()
            .iter()
            .rev()
            .map(|&(k, v)| (self.at(k).resolve(), self.at(v).resolve()))
            .find(|(k, _)| k.key_is(key))
    }

    /// The value of a key, treating an explicit `null` as absent.
    #[must_use]
    pub fn field(self, key: &str) -> Option<Node<'a>> {
        self.get(key).filter(|n| !n.is_null())
    }

    /// How many entries (as [`Node::entries`] gives them) or items the node has.
    pub(crate) fn child_count(self) -> usize {
        match self.kind() {
            Kind::Seq { items, .. } => items.len(),
            Kind::Map { .. } => self.effective_entries().len(),
            _ => 0,
        }
    }

    /// The `i`th entry (key and value) or item (no key), aliases followed, without building the
    /// whole list.
    pub(crate) fn child(self, i: usize) -> Option<(Option<Node<'a>>, Node<'a>)> {
        match self.kind() {
            Kind::Seq { items, .. } => items.get(i).map(|&v| (None, self.at(v).resolve())),
            Kind::Map { .. } => self
                .effective_entries()
                .get(i)
                .map(|&(k, v)| (Some(self.at(k).resolve()), self.at(v).resolve())),
            _ => None,
        }
    }

    /// Items of a sequence.
    #[must_use]
    pub fn items(self) -> Vec<Node<'a>> {
        self.iter_items().collect()
    }

    /// Items of a sequence, one by one: a long list costs no memory to walk.
    pub fn iter_items(self) -> impl Iterator<Item = Node<'a>> + 'a {
        let items: &'a [NodeId] = match self.kind() {
            Kind::Seq { items, .. } => items,
            _ => &[],
        };
        let doc = self.doc;
        items.iter().map(move |&id| Node { doc, id }.resolve())
    }

    /// The `i`th item as written (alias not followed), without listing the others: reaching each
    /// item of a long list this way costs nothing per item.
    #[must_use]
    pub fn raw_item(self, i: usize) -> Option<Node<'a>> {
        match self.kind() {
            Kind::Seq { items, .. } => items.get(i).map(|&id| Node { doc: self.doc, id }),
            _ => None,
        }
    }

    /// The last item as written (alias not followed).
    #[must_use]
    pub fn last_raw_item(self) -> Option<Node<'a>> {
        match self.kind() {
            Kind::Seq { items, .. } => items.last().map(|&id| Node { doc: self.doc, id }),
            _ => None,
        }
    }

    /// Items as written (aliases not followed), for editing.
    #[must_use]
    pub fn raw_items(self) -> Vec<Node<'a>> {
        match self.kind() {
            Kind::Seq { items, .. } => items
                .iter()
                .map(|&i| Node {
                    doc: self.doc,
                    id: i,
                })
                .collect(),
            _ => Vec::new(),
        }
    }

    /// Entries as written (no merge expansion, aliases not followed), for editing.
    #[must_use]
    pub fn raw_entries(self) -> Vec<(Node<'a>, Node<'a>)> {
        match self.kind() {
            Kind::Map { entries, .. } => entries
                .iter()
                .map(|&(k, v)| {
                    (
                        Node {
                            doc: self.doc,
                            id: k,
                        },
                        Node {
                            doc: self.doc,
                            id: v,
                        },
                    )
                })
                .collect(),
            _ => Vec::new(),
        }
    }

    /// Whether this handle is an alias (only for raw handles).
    #[must_use]
    pub fn is_alias(self) -> bool {
        matches!(self.kind(), Kind::Alias { .. })
    }

    /// The handle with aliases followed.
    #[must_use]
    pub fn resolved(self) -> Node<'a> {
        self.resolve()
    }
}

static EMPTY_NODE: NodeData = NodeData {
    kind: Kind::Seq {
        items: Vec::new(),
        flow: true,
    },
    span: NodeSpan {
        start: 0,
        end: 0,
        line: 1,
        col: 1,
    },
    tagged: false,
    anchored: false,
    value: scalar::Packed::NULL,
    yaml11: false,
    unjsonable: false,
};

/// Decodes a scalar the way Kubernetes' YAML-to-JSON conversion does (go-yaml v2 resolution, YAML 1.1
/// style). Returns the value and whether it depends on YAML 1.1-only rules. A tag the text cannot
/// satisfy (which Kubernetes refuses) and `!!binary` read as the text.
#[must_use]
pub fn decode_scalar<'t>(text: &'t str, style: Style, tag: Option<&str>) -> (Scalar<'t>, bool) {
    let r = scalar::resolve(text, style, tag);
    (scalar_of(r.value, text), r.yaml11)
}

/// A resolved value as the public [`Scalar`], its text when it is a string.
fn scalar_of(value: Resolved, text: &str) -> Scalar<'_> {
    match value {
        Resolved::Null => Scalar::Null,
        Resolved::Bool(b) => Scalar::Bool(b),
        Resolved::Int(i) => Scalar::Int(i),
        Resolved::Uint(u) => Scalar::Uint(u),
        Resolved::Float(f) => Scalar::Float(f),
        Resolved::Str | Resolved::Merge => Scalar::Str(text),
    }
}

/// A mapping's resolved entries.
pub(super) type Entries = Box<[(NodeId, NodeId)]>;
