//! Positions: saphyr's character indexes mapped to byte offsets of the user's text, and the spans
//! the builder corrects (a collection past its anchor and tag, a flow collection to its closing
//! bracket, a block scalar to its last content line).

use super::Span;

/// Maps character indexes of one chunk to byte offsets of the whole text.
pub(super) struct CharMap {
    base_byte: usize,
    /// (char index, byte offset) of each non-ASCII char, relative to the chunk.
    wide: Vec<(usize, usize)>,
}

impl CharMap {
    pub(super) fn new(chunk: &str, base_byte: usize) -> CharMap {
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

/// Moves a collection's span past its anchor (`&name`) and tag (`!tag`), to its first real character.
pub(super) fn skip_properties(text: &str, sp: Span) -> Span {
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
pub(super) fn block_scalar_span(text: &str, sp: Span) -> Span {
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

pub(super) fn char_to_byte(src: &str, map: &CharMap, char_index: usize) -> usize {
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

/// Whether the byte at `i` of `b` ends a line as YAML counts lines (and so the parser's line
/// numbers and the editors'): `\n`, and a `\r` not followed by `\n` (the `\r` of `\r\n` does
/// not, its `\n` does). kubectl cuts documents at `---` lines split on `\n` alone; this is only
/// how lines are numbered.
pub(crate) fn breaks_line(b: &[u8], i: usize) -> bool {
    match b.get(i) {
        Some(b'\n') => true,
        Some(b'\r') => b.get(i + 1) != Some(&b'\n'),
        _ => false,
    }
}

/// The offset of each byte of `s` that ends a line, as [`breaks_line`] counts them, in order.
pub(crate) fn line_ends(s: &str) -> impl Iterator<Item = usize> + '_ {
    let b = s.as_bytes();
    // Most texts have no `\r` at all: one quick look, then a search for `\n` alone instead of a
    // test per byte.
    let lf_only = !b.contains(&b'\r');
    let (lf, mixed) = if lf_only {
        (Some(s.match_indices('\n').map(|(i, _)| i)), None)
    } else {
        (None, Some((0..b.len()).filter(move |&i| breaks_line(b, i))))
    };
    lf.into_iter().flatten().chain(mixed.into_iter().flatten())
}

/// How many lines `s` breaks, as [`breaks_line`] counts them.
pub(crate) fn line_breaks(s: &str) -> usize {
    line_ends(s).count()
}
