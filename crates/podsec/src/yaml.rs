//! The positioned tree: YAML and JSON streams read into documents whose every node knows its byte
//! span, line and column, with aliases, merge keys and Kubernetes' YAML 1.1 scalar rules.
//!
//! This is the only module that knows the YAML library (`saphyr-parser`, an event parser with a span
//! per event). The tree is an arena per document; aliases are nodes that point at their anchor, so an
//! alias bomb costs nothing to build and is refused by an expansion budget before anyone walks it.
//!
//! Architecture invariant: nothing here allocates in proportion to alias expansion, and every
//! function returns errors as values.

use std::borrow::Cow;
use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle, Span as PSpan};

/// Texts larger than this are refused before parsing.
pub const MAX_INPUT_BYTES: usize = 32 * 1024 * 1024;
/// The most nodes a document may expand to through aliases (beyond its own nodes).
pub const MAX_ALIAS_EXPANSION: u64 = 1_000_000;
/// The deepest nesting of collections accepted (go-yaml refuses beyond 10,000; real manifests stay
/// under 30).
pub const MAX_DEPTH: usize = 1_000;

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

/// One node.
#[derive(Clone, Debug)]
pub struct NodeData {
    /// What it holds.
    pub kind: Kind,
    /// Where it is.
    pub span: Span,
    /// Explicit tag, e.g. `!!str`, if any.
    pub tag: Option<String>,
    /// Whether the node carries an anchor (`&name`).
    pub anchored: bool,
    size: u64,
}

/// The content of a node.
#[derive(Clone, Debug)]
pub enum Kind {
    /// A scalar, with its decoded text (escapes and folding applied).
    Scalar {
        /// The text.
        text: String,
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

/// One document of the stream.
#[derive(Clone, Debug)]
pub struct Document {
    nodes: Vec<NodeData>,
    root: Option<NodeId>,
    /// 0-based index of the document in the stream.
    pub index: usize,
    /// Byte span of the whole document text (from its first byte to the start of the next).
    pub span: Span,
    /// Whether the document came from a JSON stream.
    pub json: bool,
    /// Duplicate keys found anywhere in it.
    pub duplicates: Vec<DuplicateKey>,
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
    fn data(self) -> &'a NodeData {
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
        self.data().span
    }

    /// The explicit tag, if any.
    #[must_use]
    pub fn tag(self) -> Option<&'a str> {
        self.data().tag.as_deref()
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
                Some(Scalar::Int(_) | Scalar::Float(_)) => "number",
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
        let (text, style) = self.raw_scalar()?;
        Some(decode_scalar(text, style, self.tag()).0)
    }

    /// Whether the scalar means what it means only because of YAML 1.1 rules (e.g. `yes`, `on`,
    /// `0755`), which a YAML 1.2 reader would read differently.
    #[must_use]
    pub fn is_yaml11_only(self) -> bool {
        match self.raw_scalar() {
            Some((text, style)) => decode_scalar(text, style, self.tag()).1,
            None => false,
        }
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

    /// Entries of a mapping, in text order, with merge keys (`<<`) expanded: explicit keys first,
    /// then merged keys not already present. Later duplicates of a key win, as in Kubernetes.
    #[must_use]
    pub fn entries(self) -> Vec<(Node<'a>, Node<'a>)> {
        let mut out = Vec::new();
        self.collect_entries(&mut out, 0);
        out
    }

    fn collect_entries(self, out: &mut Vec<(Node<'a>, Node<'a>)>, depth: usize) {
        let Kind::Map { entries, .. } = self.kind() else {
            return;
        };
        let mut merges = Vec::new();
        for &(k, v) in entries {
            let key = Node {
                doc: self.doc,
                id: k,
            }
            .resolve();
            let value = Node {
                doc: self.doc,
                id: v,
            }
            .resolve();
            if key.is_merge_key() {
                merges.push(value);
            } else {
                out.push((key, value));
            }
        }
        if depth > 16 {
            return;
        }
        for m in merges {
            let sources: Vec<Node<'a>> = match m.kind() {
                Kind::Seq { items, .. } => items
                    .iter()
                    .map(|&i| {
                        Node {
                            doc: self.doc,
                            id: i,
                        }
                        .resolve()
                    })
                    .collect(),
                _ => vec![m],
            };
            for s in sources {
                let mut merged = Vec::new();
                s.collect_entries(&mut merged, depth + 1);
                for (k, v) in merged {
                    let name = k.text();
                    if !out.iter().any(|(ek, _)| ek.text() == name) {
                        out.push((k, v));
                    }
                }
            }
        }
    }

    fn is_merge_key(self) -> bool {
        matches!(self.raw_scalar(), Some(("<<", Style::Plain)))
    }

    /// The value of a key in a mapping (the last one written, merge keys considered).
    #[must_use]
    pub fn get(self, key: &str) -> Option<Node<'a>> {
        self.get_entry(key).map(|(_, v)| v)
    }

    /// The key and value nodes of a key in a mapping.
    #[must_use]
    pub fn get_entry(self, key: &str) -> Option<(Node<'a>, Node<'a>)> {
        let Kind::Map { entries, .. } = self.kind() else {
            return None;
        };
        let mut found = None;
        let mut has_merge = false;
        for &(k, v) in entries {
            let kn = Node {
                doc: self.doc,
                id: k,
            }
            .resolve();
            if kn.is_merge_key() {
                has_merge = true;
            } else if kn.raw_scalar().map(|(t, _)| t) == Some(key) {
                found = Some((
                    kn,
                    Node {
                        doc: self.doc,
                        id: v,
                    }
                    .resolve(),
                ));
            }
        }
        if found.is_some() || !has_merge {
            return found;
        }
        self.entries()
            .into_iter()
            .find(|(k, _)| k.raw_scalar().map(|(t, _)| t) == Some(key))
    }

    /// The value of a key, treating an explicit `null` as absent.
    #[must_use]
    pub fn field(self, key: &str) -> Option<Node<'a>> {
        self.get(key).filter(|n| !n.is_null())
    }

    /// Items of a sequence.
    #[must_use]
    pub fn items(self) -> Vec<Node<'a>> {
        match self.kind() {
            Kind::Seq { items, .. } => items
                .iter()
                .map(|&i| {
                    Node {
                        doc: self.doc,
                        id: i,
                    }
                    .resolve()
                })
                .collect(),
            _ => Vec::new(),
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
    span: Span {
        start: 0,
        end: 0,
        line: 1,
        col: 1,
    },
    tag: None,
    anchored: false,
    size: 1,
};

/// Decodes a scalar the way Kubernetes' YAML-to-JSON conversion does (go-yaml v2 resolution, YAML 1.1
/// style). Returns the value and whether it depends on YAML 1.1-only rules.
#[must_use]
pub fn decode_scalar<'t>(text: &'t str, style: Style, tag: Option<&str>) -> (Scalar<'t>, bool) {
    if style != Style::Plain {
        return (Scalar::Str(text), false);
    }
    if let Some("tag:yaml.org,2002:str" | "!!str") = tag {
        return (Scalar::Str(text), false);
    }
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return (Scalar::Null, false),
        "true" | "True" | "TRUE" => return (Scalar::Bool(true), false),
        "false" | "False" | "FALSE" => return (Scalar::Bool(false), false),
        "y" | "Y" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" => {
            return (Scalar::Bool(true), true);
        }
        "n" | "N" | "no" | "No" | "NO" | "off" | "Off" | "OFF" => {
            return (Scalar::Bool(false), true);
        }
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return (Scalar::Float(f64::INFINITY), false);
        }
        "-.inf" | "-.Inf" | "-.INF" => return (Scalar::Float(f64::NEG_INFINITY), false),
        ".nan" | ".NaN" | ".NAN" => return (Scalar::Float(f64::NAN), false),
        _ => {}
    }
    if let Some(v) = decode_int(text) {
        return v;
    }
    let first = text.as_bytes().first().copied().unwrap_or(b'a');
    if (first.is_ascii_digit() || matches!(first, b'-' | b'+' | b'.'))
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.' | b'e' | b'E' | b'_'))
    {
        let plain: Cow<'_, str> = if text.contains('_') {
            Cow::Owned(text.replace('_', ""))
        } else {
            Cow::Borrowed(text)
        };
        if let Ok(f) = plain.parse::<f64>() {
            return (Scalar::Float(f), text.contains('_'));
        }
    }
    (Scalar::Str(text), false)
}

fn decode_int(text: &str) -> Option<(Scalar<'_>, bool)> {
    let (neg, body) = match text.as_bytes().first()? {
        b'-' => (true, text.get(1..)?),
        b'+' => (false, text.get(1..)?),
        _ => (false, text),
    };
    if body.is_empty() {
        return None;
    }
    let underscores = body.contains('_');
    let clean: Cow<'_, str> = if underscores {
        Cow::Owned(body.replace('_', ""))
    } else {
        Cow::Borrowed(body)
    };
    let (radix, digits, yaml11) = if let Some(h) = clean.strip_prefix("0x") {
        (16, h, false)
    } else if let Some(b) = clean.strip_prefix("0b") {
        (2, b, true)
    } else if let Some(o) = clean.strip_prefix("0o") {
        (8, o, false)
    } else if clean.len() > 1 && clean.starts_with('0') && clean.bytes().all(|b| b.is_ascii_digit())
    {
        (8, clean.get(1..)?, true)
    } else {
        (10, clean.as_ref(), false)
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let v = i64::from_str_radix(digits, radix).ok()?;
    let v = if neg { v.checked_neg()? } else { v };
    Some((Scalar::Int(v), yaml11 || underscores))
}

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

/// Parses a whole text: splits it into documents as kubectl does, and parses each on its own, so one
/// broken document never hides the others.
#[must_use]
pub fn parse_stream(text: &str) -> Stream {
    let mut stream = Stream::default();
    if text.len() > MAX_INPUT_BYTES {
        stream.errors.push(YamlError {
            message: format!(
                "input is too large: {} MB (the limit is {} MB)",
                text.len() / (1024 * 1024),
                MAX_INPUT_BYTES / (1024 * 1024)
            ),
            span: Span {
                start: 0,
                end: 0,
                line: 1,
                col: 1,
            },
            document: None,
        });
        return stream;
    }
    stream.crlf = text.contains("\r\n");
    let trimmed = text.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']);
    let chunks = if trimmed.starts_with('{') || trimmed.starts_with('[') {
        split_json(text)
    } else {
        split_yaml(text)
    };
    for chunk in chunks {
        let index = stream.documents.len()
            + stream
                .errors
                .iter()
                .filter(|e| e.document.is_some())
                .count();
        parse_chunk(text, &chunk, index, &mut stream);
    }
    stream
}

#[derive(Debug)]
struct Chunk {
    start: usize,
    end: usize,
    line: usize,
    json: bool,
}

fn line_starts(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    // (line number 1-based, byte offset of its start)
    std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .filter(move |&i| i <= text.len())
        .enumerate()
        .map(|(n, i)| (n + 1, i))
}

fn split_yaml(text: &str) -> Vec<Chunk> {
    let mut chunks = Vec::new();
    let mut start = 0;
    let mut start_line = 1;
    for (line, off) in line_starts(text) {
        let rest = text.get(off..).unwrap_or("");
        if off > start && is_separator(rest) {
            chunks.push(Chunk {
                start,
                end: off,
                line: start_line,
                json: false,
            });
            start = off;
            start_line = line;
        }
    }
    chunks.push(Chunk {
        start,
        end: text.len(),
        line: start_line,
        json: false,
    });
    chunks
}

fn is_separator(line: &str) -> bool {
    let Some(after) = line.strip_prefix("---") else {
        return false;
    };
    matches!(
        after.as_bytes().first(),
        None | Some(b' ' | b'\t' | b'\r' | b'\n')
    )
}

/// Splits a stream of JSON values written back to back (as kubectl accepts) by bracket matching.
/// Falls back to YAML splitting for whatever follows a value that does not close.
fn split_json(text: &str) -> Vec<Chunk> {
    let bytes = text.as_bytes();
    let mut chunks = Vec::new();
    let mut i = 0;
    let mut line = 1;
    while i < bytes.len() {
        // Skip whitespace between values.
        while let Some(&b) = bytes.get(i) {
            if b == b'\n' {
                line += 1;
            }
            if b.is_ascii_whitespace() {
                i += 1;
            } else {
                break;
            }
        }
        let Some(&b) = bytes.get(i) else { break };
        if b != b'{' && b != b'[' {
            // Not JSON any more: the rest is parsed as YAML (and reports its own errors).
            chunks.push(Chunk {
                start: i,
                end: text.len(),
                line,
                json: false,
            });
            break;
        }
        let start = i;
        let start_line = line;
        let mut depth = 0usize;
        let mut in_str = false;
        let mut esc = false;
        let mut closed = false;
        while let Some(&c) = bytes.get(i) {
            i += 1;
            if c == b'\n' {
                line += 1;
            }
            if in_str {
                if esc {
                    esc = false;
                } else if c == b'\\' {
                    esc = true;
                } else if c == b'"' {
                    in_str = false;
                }
                continue;
            }
            match c {
                b'"' => in_str = true,
                b'{' | b'[' => depth += 1,
                b'}' | b']' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        closed = true;
                        break;
                    }
                }
                _ => {}
            }
        }
        chunks.push(Chunk {
            start,
            end: i,
            line: start_line,
            json: true,
        });
        if !closed {
            break;
        }
    }
    if chunks.is_empty() {
        chunks.push(Chunk {
            start: 0,
            end: text.len(),
            line: 1,
            json: true,
        });
    }
    chunks
}

struct Builder {
    nodes: Vec<NodeData>,
    /// Open collections: (node id, pending key for maps).
    stack: Vec<(NodeId, Option<NodeId>)>,
    anchors: HashMap<usize, NodeId>,
    root: Option<NodeId>,
    duplicates: Vec<DuplicateKey>,
}

/// Spaces inserted before the first non-blank character of a line, so that the YAML 1.2 parser
/// accepts what go-yaml (and so Kubernetes) accepts: a flow collection's closing bracket at the
/// indentation of its key. Positions are mapped back to the user's text.
#[derive(Clone, Copy, Debug)]
struct Fixup {
    /// Byte offset in the original chunk where the spaces go.
    at: usize,
    /// How many spaces.
    k: usize,
    /// 1-based line (in the whole text).
    line: usize,
}

/// The most indentation repairs tried per document before the error stands.
const MAX_FIXUPS: usize = 64;

fn parse_chunk(text: &str, chunk: &Chunk, first_index: usize, stream: &mut Stream) {
    let Some(orig) = text.get(chunk.start..chunk.end) else {
        return;
    };
    if orig.lines().all(|l| {
        let t = l.trim();
        t.is_empty() || t.starts_with('#') || t == "---" || t == "..."
    }) {
        return;
    }
    let mut fixups: Vec<Fixup> = Vec::new();
    loop {
        let src: Cow<'_, str> = if fixups.is_empty() {
            Cow::Borrowed(orig)
        } else {
            let mut m = String::with_capacity(orig.len() + fixups.len() * 4);
            let mut last = 0;
            for f in &fixups {
                m.push_str(orig.get(last..f.at).unwrap_or(""));
                m.extend(std::iter::repeat_n(' ', f.k));
                last = f.at;
            }
            m.push_str(orig.get(last..).unwrap_or(""));
            Cow::Owned(m)
        };
        let mut local = Stream::default();
        match parse_attempt(text, &src, &fixups, chunk, first_index, &mut local) {
            None => {
                stream.documents.append(&mut local.documents);
                stream.errors.append(&mut local.errors);
                return;
            }
            Some(err) => {
                let mut line_start =
                    orig_line_start(text, err.span.start).saturating_sub(chunk.start);
                let mut line_no = err.span.line;
                if err.message == "invalid indentation in quoted scalar" {
                    // The parser points at the scalar's start; the culprit is the first later line
                    // indented no deeper than the key's line.
                    let key_line = orig
                        .get(line_start..)
                        .unwrap_or("")
                        .split('\n')
                        .next()
                        .unwrap_or("");
                    let key_indent = key_line.len() - key_line.trim_start_matches(' ').len();
                    let mut at = line_start + key_line.len() + 1;
                    let mut n = line_no + 1;
                    while let Some(rest) = orig.get(at..).filter(|r| !r.is_empty()) {
                        let l = rest.split('\n').next().unwrap_or("");
                        let ind = l.len() - l.trim_start_matches(' ').len();
                        if !l.trim().is_empty() && ind <= key_indent {
                            line_start = at;
                            line_no = n;
                            break;
                        }
                        at += l.len() + 1;
                        n += 1;
                    }
                }
                let repairable = err.message.starts_with("invalid indentation")
                    && fixups.len() < MAX_FIXUPS
                    && !fixups.iter().any(|f| f.at == line_start && f.k > 32);
                if !repairable {
                    stream.documents.append(&mut local.documents);
                    stream.errors.append(&mut local.errors);
                    stream.errors.push(err);
                    return;
                }
                // Indent the offending line a little more than the line before it.
                let indent = |l: &str| l.len() - l.trim_start_matches(' ').len();
                let before = orig.get(..line_start).unwrap_or("");
                let prev = before
                    .trim_end_matches(['\n', '\r'])
                    .rsplit('\n')
                    .next()
                    .unwrap_or("");
                let cur = orig
                    .get(line_start..)
                    .unwrap_or("")
                    .split('\n')
                    .next()
                    .unwrap_or("");
                let need = (indent(prev) + 2).saturating_sub(indent(cur)).max(1);
                match fixups.iter_mut().find(|f| f.at == line_start) {
                    Some(f) => f.k += need,
                    None => {
                        fixups.push(Fixup {
                            at: line_start,
                            k: need,
                            line: line_no,
                        });
                        fixups.sort_by_key(|f| f.at);
                    }
                }
            }
        }
    }
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

fn orig_line_start(text: &str, at: usize) -> usize {
    text.get(..at)
        .and_then(|t| t.rfind('\n'))
        .map_or(0, |i| i + 1)
}

/// Maps a byte offset in the repaired chunk back to the original chunk.
fn unfix(rel: usize, fixups: &[Fixup]) -> usize {
    let mut shift = 0;
    for f in fixups {
        let mod_at = f.at + shift;
        if rel < mod_at {
            break;
        }
        if rel < mod_at + f.k {
            return f.at;
        }
        shift += f.k;
    }
    rel - shift
}

/// Parses one (possibly repaired) chunk. Returns the error that stopped it, if any; documents
/// before the error are in `stream`.
fn parse_attempt(
    text: &str,
    src: &str,
    fixups: &[Fixup],
    chunk: &Chunk,
    first_index: usize,
    stream: &mut Stream,
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
                doc_start = if produced == 0 { chunk.start } else { sp.start };
            }
            Event::DocumentEnd => {
                if let Some(err) = b.finish_check(index, sp) {
                    stream.errors.push(err);
                } else if b.root.is_some() {
                    let nodes = std::mem::take(&mut b.nodes);
                    stream.documents.push(Document {
                        nodes,
                        root: b.root,
                        index,
                        span: Span {
                            start: doc_start,
                            end: chunk.end,
                            line: chunk.line,
                            col: 1,
                        },
                        json: chunk.json,
                        duplicates: std::mem::take(&mut b.duplicates),
                    });
                }
                produced += 1;
                index += 1;
            }
            Event::Alias(id) => {
                let target = b.anchors.get(&id).copied();
                match target {
                    Some(t) => {
                        let size = b.nodes.get(t).map_or(1, |n| n.size);
                        b.push(
                            NodeData {
                                kind: Kind::Alias { target: t },
                                span: sp,
                                tag: None,
                                anchored: false,
                                size,
                            },
                            None,
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
                let tag = tag.map(|t| format!("{}{}", t.handle, t.suffix));
                let value_text = if style == Style::Plain && value == "~" && sp.start == sp.end {
                    String::new()
                } else {
                    value.into_owned()
                };
                let sp = if matches!(style, Style::Literal | Style::Folded) {
                    block_scalar_span(text, sp)
                } else {
                    sp
                };
                b.push(
                    NodeData {
                        kind: Kind::Scalar {
                            text: value_text,
                            style,
                        },
                        span: sp,
                        tag,
                        anchored: anchor > 0,
                        size: 1,
                    },
                    (anchor > 0).then_some(anchor),
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
                    }
                };
                let tag = tag.map(|t| format!("{}{}", t.handle, t.suffix));
                let id = b.push(
                    NodeData {
                        kind,
                        span: sp,
                        tag,
                        anchored: anchor > 0,
                        size: 1,
                    },
                    (anchor > 0).then_some(anchor),
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
                        && let Some(end) = flow_end(text, n.span.start)
                    {
                        n.span.end = end;
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
            stack: Vec::new(),
            anchors: HashMap::new(),
            root: None,
            duplicates: Vec::new(),
        }
    }

    fn push(&mut self, data: NodeData, anchor: Option<usize>) -> NodeId {
        let id = self.nodes.len();
        self.nodes.push(data);
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

    /// Finishes a collection: its span grows to cover its content, its expanded size is summed, and
    /// duplicate keys are recorded.
    fn close(&mut self, id: NodeId, end: Span) {
        let (children, is_map): (Vec<NodeId>, bool) = match self.nodes.get(id).map(|n| &n.kind) {
            Some(Kind::Map { entries, .. }) => {
                (entries.iter().flat_map(|&(k, v)| [k, v]).collect(), true)
            }
            Some(Kind::Seq { items, .. }) => (items.clone(), false),
            _ => return,
        };
        let mut size: u64 = 1;
        let mut last_end = self.nodes.get(id).map_or(0, |n| n.span.end);
        for &c in &children {
            if let Some(n) = self.nodes.get(c) {
                size = size.saturating_add(n.size);
                last_end = last_end.max(n.span.end);
            }
        }
        let flow = matches!(
            self.nodes.get(id).map(|n| &n.kind),
            Some(Kind::Map { flow: true, .. } | Kind::Seq { flow: true, .. })
        );
        if let Some(n) = self.nodes.get_mut(id) {
            n.size = size;
            n.span.end = if flow {
                end.end.max(last_end)
            } else {
                last_end
            };
        }
        if is_map {
            let mut seen: HashMap<&str, Span> = HashMap::new();
            let mut dups = Vec::new();
            for pair in children.chunks(2) {
                let Some(&k) = pair.first() else { continue };
                let Some(NodeData {
                    kind: Kind::Scalar { text, .. },
                    span,
                    ..
                }) = self.nodes.get(k)
                else {
                    continue;
                };
                if text == "<<" {
                    continue;
                }
                if let Some(first) = seen.insert(text.as_str(), *span) {
                    dups.push(DuplicateKey {
                        key: text.clone(),
                        first,
                        second: *span,
                    });
                }
            }
            self.duplicates.extend(dups);
        }
    }

    fn finish_check(&self, index: usize, at: Span) -> Option<YamlError> {
        let root = self.root?;
        let total = self.nodes.get(root).map_or(0, |n| n.size);
        let real = self.nodes.len() as u64;
        if total.saturating_sub(real) > MAX_ALIAS_EXPANSION.max(real.saturating_mul(4)) {
            let anchor_span = self
                .nodes
                .iter()
                .find(|n| matches!(n.kind, Kind::Alias { .. }))
                .map_or(at, |n| n.span);
            return Some(YamlError {
                message: format!(
                    "aliases expand this document to more than {MAX_ALIAS_EXPANSION} nodes (an alias bomb?); refusing to read it"
                ),
                span: anchor_span,
                document: Some(index),
            });
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

#[cfg(test)]
mod tests;
