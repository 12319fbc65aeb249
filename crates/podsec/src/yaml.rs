//! The positioned tree: YAML and JSON streams read into documents whose every node knows its byte
//! span, line and column, with aliases, merge keys and Kubernetes' YAML 1.1 scalar rules.
//!
//! This is the only module that knows the YAML library (`saphyr-parser`, an event parser with a span
//! per event). The tree is an arena per document; aliases are nodes that point at their anchor, so an
//! alias bomb costs nothing to build and is refused by an expansion budget before anyone walks it.
//!
//! Architecture invariant: nothing here allocates in proportion to alias expansion, and every
//! function returns errors as values.

mod build;
mod finish;
mod help;
mod json;
mod merge;
mod node;
mod position;
mod repair;
mod scalar;
mod split;
pub use help::help;
pub(crate) use json::quoted as json_quoted;
pub use json::{Decoded, decode_documents, to_json};
pub(crate) use node::Chunked;
pub use node::{
    Document, DuplicateKey, Kind, Node, NodeData, NodeId, Scalar, ScalarText, Span, Stream, Style,
    YamlError, decode_scalar,
};
pub(crate) use position::{flow_end, line_breaks, line_ends};
pub use split::{Documents, documents, parse_stream, split_stream};

/// Texts larger than this are refused before parsing.
pub const MAX_INPUT_BYTES: usize = 32 * 1024 * 1024;
/// The most bytes aliases may add to a whole text's decoded size, beyond the text's own length: a
/// text may at most double through aliases, or grow by 1 MiB if it is small. (Kubernetes' own decoder
/// stops alias bombs by node count only; this also stops a few large aliased strings.)
pub const MAX_ALIAS_EXPANSION_BYTES: u64 = 1024 * 1024;
/// The deepest nesting of collections accepted (go-yaml refuses beyond 10,000; real manifests stay
/// under 30).
pub const MAX_DEPTH: usize = 1_000;

#[cfg(test)]
mod tests;
