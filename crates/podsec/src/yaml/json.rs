//! A document as the JSON Kubernetes sees: podsec's own reading of the YAML, written out so that it
//! can be compared with Kubernetes' decoder (sigs.k8s.io/yaml) by the oracle test and `podsec decode`.
//!
//! It is built from the same node API the analysis reads (`entries`, `items`, `scalar`), so what it
//! prints is what every check sees.

use std::fmt::Write as _;

use super::{Document, Kind, Node, Scalar, Span, Stream, parse_stream};

/// One document of a text, decoded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decoded {
    /// Byte range of the document's text (as kubectl splits a stream at `---` lines).
    pub start: usize,
    /// End of that range.
    pub end: usize,
    /// 1-based line the document starts on.
    pub line: usize,
    /// The JSON Kubernetes would see (`null` for a document with no content), or the error that
    /// stops Kubernetes reading it, with its position.
    pub result: Result<String, (String, Span)>,
}

/// Every document of a text, each decoded on its own as kubectl would hand it to the decoder.
#[must_use]
pub fn decode_documents(text: &str) -> Vec<Decoded> {
    super::split_stream(text)
        .into_iter()
        .map(|(start, end, line)| {
            let chunk = text.get(start..end).unwrap_or("");
            let stream = parse_stream(chunk);
            Decoded {
                start,
                end,
                line,
                result: first_document(&stream, line),
            }
        })
        .collect()
}

/// The first document of a chunk (go-yaml's `Unmarshal` reads only the first), or the first error
/// before it.
fn first_document(stream: &Stream, line: usize) -> Result<String, (String, Span)> {
    let doc = stream.documents.first();
    let first_doc_index = doc.map_or(usize::MAX, |d| d.index);
    if let Some(e) = stream
        .errors
        .iter()
        .find(|e| e.document.is_none_or(|i| i <= first_doc_index))
    {
        let mut span = e.span;
        span.line += line - 1;
        return Err((e.message.clone(), span));
    }
    Ok(doc.map_or_else(|| "null".to_string(), to_json))
}

/// A document's root as JSON (`null` when empty).
#[must_use]
pub fn to_json(doc: &Document) -> String {
    let mut out = String::new();
    match doc.root() {
        Some(root) => write_node(root, &mut out),
        None => out.push_str("null"),
    }
    out
}

fn write_node(node: Node<'_>, out: &mut String) {
    match node.kind() {
        Kind::Map { .. } => {
            out.push('{');
            for (i, (k, v)) in node.entries().into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_str(&key_text(k), out);
                out.push(':');
                write_node(v, out);
            }
            out.push('}');
        }
        Kind::Seq { .. } => {
            out.push('[');
            for (i, item) in node.items().into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_node(item, out);
            }
            out.push(']');
        }
        Kind::Alias { .. } => write_node(node.resolved(), out),
        Kind::Scalar { .. } => match node.scalar() {
            Some(Scalar::Null) | None => out.push_str("null"),
            Some(Scalar::Bool(b)) => out.push_str(if b { "true" } else { "false" }),
            Some(Scalar::Int(i)) => {
                let _ = write!(out, "{i}");
            }
            Some(Scalar::Uint(u)) => {
                let _ = write!(out, "{u}");
            }
            Some(Scalar::Float(f)) => {
                let _ = write!(out, "{f}");
            }
            Some(Scalar::Str(s)) => write_str(s, out),
        },
    }
}

/// The JSON key of a key node.
fn key_text(key: Node<'_>) -> String {
    let data = key.data();
    match &data.kind {
        Kind::Scalar { text, .. } => super::scalar::json_key(data.value.get(), text.as_str())
            .unwrap_or_else(|_| text.as_str().to_string()),
        _ => String::new(),
    }
}

/// A string as a JSON string (also a valid YAML double-quoted scalar): quotes, backslashes and
/// control characters escaped.
pub(crate) fn quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    write_str(s, &mut out);
    out
}

fn write_str(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}
