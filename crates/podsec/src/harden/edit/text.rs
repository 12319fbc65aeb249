//! Reading the text around a node: lines, columns, and where a node's text really ends.

use crate::yaml;
use crate::yaml::{Node, Style};

pub(super) fn line_start(text: &str, pos: usize) -> usize {
    text.get(..pos)
        .and_then(|t| t.rfind('\n'))
        .map_or(0, |i| i + 1)
}

/// Byte column of `pos` (the indentation we write is ASCII, so bytes are what matter).
pub(super) fn col(text: &str, pos: usize) -> usize {
    pos.saturating_sub(line_start(text, pos))
}

/// The position of the line break ending the line that holds `pos` (or the end of the text).
pub(super) fn line_break(text: &str, pos: usize) -> usize {
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
pub(super) fn line_after(text: &str, pos: usize) -> usize {
    if pos > 0 && text.as_bytes().get(pos - 1) == Some(&b'\n') {
        return pos;
    }
    match text.get(pos..).and_then(|t| t.find('\n')) {
        Some(i) => pos + i + 1,
        None => text.len(),
    }
}

pub(super) fn only_space_before(text: &str, pos: usize) -> bool {
    text.get(line_start(text, pos)..pos)
        .is_some_and(|p| p.bytes().all(|b| b == b' ' || b == b'\t'))
}

/// The `-` of the block sequence item that starts at `pos`.
pub(super) fn dash_before(text: &str, pos: usize) -> Option<usize> {
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
pub(super) fn colon_after(text: &str, key_end: usize) -> Option<usize> {
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

pub(super) fn spaces(n: usize) -> String {
    " ".repeat(n)
}

/// The end of a node's text. Flow collections end at their closing bracket (the tree's span of a
/// flow collection may run on over a comment that follows it).
pub(super) fn end_of(text: &str, node: Node<'_>) -> usize {
    let sp = node.span();
    if !node.is_flow() {
        return sp.end;
    }
    yaml::flow_end(text, sp.start).unwrap_or(sp.end)
}

/// The end of a node's content for line-based edits. A block scalar's span may run on over the
/// indentation of the line after it; that indentation is not part of it.
pub(super) fn content_end(text: &str, node: Node<'_>) -> usize {
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
pub(super) fn entry_end(text: &str, key: Node<'_>, value: Node<'_>) -> usize {
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
pub(super) fn after_kept_lines(text: &str, node: Node<'_>, pos: usize) -> usize {
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
            last.last_raw_item()
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
pub(super) fn keeps_trailing_lines(text: &str, node: Node<'_>) -> bool {
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

pub(super) fn is_single_line(text: &str, node: Node<'_>) -> bool {
    let sp = node.span();
    text.get(sp.start..end_of(text, node))
        .is_some_and(|t| !t.contains('\n') && !t.is_empty())
}

pub(super) fn is_empty_span(node: Node<'_>) -> bool {
    node.span().start >= node.span().end
}

/// The indentation of the line holding `pos`.
pub(super) fn indent_of(text: &str, pos: usize) -> usize {
    let start = line_start(text, pos);
    text.get(start..)
        .map_or(0, |t| t.bytes().take_while(|&b| b == b' ').count())
}
