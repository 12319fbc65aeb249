//! Document splitting: a text cut into documents as kubectl cuts it (a `---` line, or JSON values
//! written back to back), each parsed on its own so one broken document never hides the others.

use std::collections::VecDeque;

use super::repair::parse_chunk;
use super::{Document, MAX_ALIAS_EXPANSION_BYTES, MAX_INPUT_BYTES, Span, Stream, YamlError};

/// Parses a whole text: splits it into documents as kubectl does, and parses each on its own, so one
/// broken document never hides the others.
#[must_use]
pub fn parse_stream(text: &str) -> Stream {
    let mut stream = Stream {
        crlf: text.contains("\r\n"),
        ..Stream::default()
    };
    for item in documents(text) {
        match item {
            Ok(doc) => stream.documents.push(doc),
            Err(e) => stream.errors.push(e),
        }
    }
    stream
}

/// Parses a text one document at a time, in order: each document, or the error that stopped one.
/// A caller that handles each document and drops it holds one document's tree at a time, not the
/// whole text's (the analysis does; `parse_stream` collects them all).
#[must_use]
pub fn documents(text: &str) -> Documents<'_> {
    let mut pending = VecDeque::new();
    let chunks = if text.len() > MAX_INPUT_BYTES {
        pending.push_back(Err(YamlError {
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
        }));
        Vec::new()
    } else {
        let trimmed = text.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']);
        if trimmed.starts_with('{') || trimmed.starts_with('[') {
            split_json(text)
        } else {
            split_yaml(text)
        }
    };
    Documents {
        text,
        chunks: chunks.into_iter(),
        budget: (text.len() as u64).max(MAX_ALIAS_EXPANSION_BYTES),
        index: 0,
        pending,
    }
}

/// The iterator of [`documents`].
pub struct Documents<'t> {
    text: &'t str,
    chunks: std::vec::IntoIter<Chunk>,
    /// Alias expansion left for the rest of the text.
    budget: u64,
    /// Index of the next document.
    index: usize,
    pending: VecDeque<Result<Document, YamlError>>,
}

impl Iterator for Documents<'_> {
    type Item = Result<Document, YamlError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(item) = self.pending.pop_front() {
                return Some(item);
            }
            let chunk = self.chunks.next()?;
            let mut local = Stream::default();
            parse_chunk(self.text, &chunk, self.index, &mut local, &mut self.budget);
            let numbered = local.errors.iter().filter(|e| e.document.is_some()).count();
            self.index += local.documents.len() + numbered;
            // In document order: each document or its error; errors of no document last.
            let mut items: Vec<(usize, Result<Document, YamlError>)> = local
                .documents
                .into_iter()
                .map(|d| (d.index, Ok(d)))
                .chain(
                    local
                        .errors
                        .into_iter()
                        .map(|e| (e.document.unwrap_or(usize::MAX), Err(e))),
                )
                .collect();
            crate::order::sort_by_key(&mut items, |(i, _)| *i as u64);
            self.pending.extend(items.into_iter().map(|(_, item)| item));
        }
    }
}

/// The documents of a text as kubectl splits it (`---` lines, or JSON values back to back): the
/// byte range and first line of each.
#[must_use]
pub fn split_stream(text: &str) -> Vec<(usize, usize, usize)> {
    let trimmed = text.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']);
    let chunks = if trimmed.starts_with('{') || trimmed.starts_with('[') {
        split_json(text)
    } else {
        split_yaml(text)
    };
    chunks
        .into_iter()
        .map(|c| (c.start, c.end, c.line))
        .collect()
}

#[derive(Debug)]
pub(super) struct Chunk {
    pub(super) start: usize,
    pub(super) end: usize,
    pub(super) line: usize,
    pub(super) json: bool,
}

/// The start of each line split on `\n` (as kubectl splits the text to find `---`), with its
/// 1-based line number as YAML numbers lines ([`super::position::breaks_line`]: a lone `\r` ends
/// a line too, so numbers may skip).
fn line_starts(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut line = 1;
    let mut last = 0;
    std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .filter(move |&i| i <= text.len())
        .map(move |i| {
            line += super::position::line_breaks(text.get(last..i).unwrap_or(""));
            last = i;
            (line, i)
        })
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
            if super::position::breaks_line(bytes, i) {
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
            if super::position::breaks_line(bytes, i) {
                line += 1;
            }
            i += 1;
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
