//! The go-yaml leniency repair. saphyr is a YAML 1.2 parser and refuses a few things go-yaml (and so
//! Kubernetes) accepts; a document whose parse stops on one of them is parsed again from a repaired
//! text, with positions mapped back to the user's text. The repairs branch on saphyr's error texts,
//! which the tests below pin.

use std::borrow::Cow;

use super::build::parse_attempt;
use super::position::orig_line_start;
use super::split::Chunk;
use super::{Span, Stream, YamlError};

/// saphyr's error for a lone `-` in a flow collection (`[a, -]`), which go-yaml reads as the string
/// "-": the repair parses it as `x` and reads it back as `-`.
pub(super) const DASH_IN_FLOW: &str = "plain scalar cannot start with '-' followed by ,[]{}";
/// How saphyr's errors for a line indented less than YAML 1.2 wants begin ("invalid indentation",
/// "… in flow construct", "… in quoted scalar"): the repair indents the line and parses again.
pub(super) const INVALID_INDENTATION: &str = "invalid indentation";
/// The one of those that points at a quoted scalar's start rather than at the line to indent.
pub(super) const QUOTED_INDENTATION: &str = "invalid indentation in quoted scalar";
/// saphyr's error for text after a complete root: where the root is a closed flow collection or a
/// quoted scalar, go-yaml never reads that far, and the builder keeps the document.
pub(super) const AFTER_ROOT: &str = "did not find expected <document start>";
/// How saphyr's errors for an unclosed flow collection begin: the builder reports them at the
/// opening bracket rather than where the parser gave up.
pub(super) const UNCLOSED_FLOW: &str = "while parsing a flow";

/// Spaces inserted before the first non-blank character of a line, so that the YAML 1.2 parser
/// accepts what go-yaml (and so Kubernetes) accepts: a flow collection's closing bracket at the
/// indentation of its key. Positions are mapped back to the user's text.
#[derive(Clone, Copy, Debug)]
pub(super) struct Fixup {
    /// Byte offset in the original chunk where the spaces go.
    at: usize,
    /// How many spaces.
    pub(super) k: usize,
    /// 1-based line (in the whole text).
    pub(super) line: usize,
}

/// The most indentation repairs tried per document before the error stands.
const MAX_FIXUPS: usize = 64;

pub(super) fn parse_chunk(
    text: &str,
    chunk: &Chunk,
    first_index: usize,
    stream: &mut Stream,
    budget: &mut u64,
) {
    let Some(orig) = text.get(chunk.start..chunk.end) else {
        return;
    };
    // go-yaml refuses a document end marker before any document start.
    let first = orig.lines().enumerate().find(|(_, l)| {
        let t = l.trim();
        !t.is_empty() && !t.starts_with('#')
    });
    if let Some((n, l)) = first
        && l.trim_end_matches('\r') == "..."
    {
        let start = chunk.start + orig_offset_of_line(orig, n);
        stream.errors.push(YamlError {
            message: "did not find expected node content".into(),
            span: Span {
                start,
                end: start + 3,
                line: chunk.line + n,
                col: 1,
            },
            document: Some(first_index),
        });
        return;
    }
    if orig.lines().all(|l| {
        let t = l.trim();
        t.is_empty() || t.starts_with('#') || t == "---" || t == "..."
    }) {
        return;
    }
    let mut fixups: Vec<Fixup> = Vec::new();
    // Offsets of lone `-` scalars in flow collections (`[a, -]`), which go-yaml reads as the string
    // "-" and the YAML 1.2 parser refuses: they are parsed as `x` and read back as `-`.
    let mut dashes: Vec<usize> = Vec::new();
    loop {
        let base: Cow<'_, str> = if dashes.is_empty() {
            Cow::Borrowed(orig)
        } else {
            let mut bytes = orig.as_bytes().to_vec();
            for &d in &dashes {
                if let Some(b) = bytes.get_mut(d) {
                    *b = b'x';
                }
            }
            Cow::Owned(String::from_utf8(bytes).unwrap_or_else(|_| orig.to_string()))
        };
        let src: Cow<'_, str> = if fixups.is_empty() {
            base
        } else {
            let mut m = String::with_capacity(orig.len() + fixups.len() * 4);
            let mut last = 0;
            for f in &fixups {
                m.push_str(base.get(last..f.at).unwrap_or(""));
                m.extend(std::iter::repeat_n(' ', f.k));
                last = f.at;
            }
            m.push_str(base.get(last..).unwrap_or(""));
            Cow::Owned(m)
        };
        let mut local = Stream::default();
        let mut left = *budget;
        let outcome = parse_attempt(
            text,
            &src,
            &fixups,
            &dashes,
            chunk,
            first_index,
            &mut local,
            &mut left,
        );
        if let Some(err) = &outcome
            && err.message == DASH_IN_FLOW
            && dashes.len() < MAX_FIXUPS
        {
            let rel = err.span.start.saturating_sub(chunk.start);
            let at = (rel.saturating_sub(2)..=rel)
                .rev()
                .find(|&i| orig.as_bytes().get(i) == Some(&b'-') && !dashes.contains(&i));
            if let Some(at) = at {
                dashes.push(at);
                continue;
            }
        }
        if outcome.is_none()
            || !outcome
                .as_ref()
                .is_some_and(|e| e.message.starts_with(INVALID_INDENTATION))
        {
            *budget = left;
        }
        match outcome {
            None => {
                stream.documents.append(&mut local.documents);
                stream.errors.append(&mut local.errors);
                return;
            }
            Some(err) => {
                let mut line_start =
                    orig_line_start(text, err.span.start).saturating_sub(chunk.start);
                let mut line_no = err.span.line;
                if err.message == QUOTED_INDENTATION {
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
                let repairable = err.message.starts_with(INVALID_INDENTATION)
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
                        crate::order::sort_by_key(&mut fixups, |f| f.at as u64);
                    }
                }
            }
        }
    }
}

/// Whether go-yaml's scanner, looking for the token after a document's root, meets a tab at the start
/// of a line (which it refuses: "found character that cannot start any token"). Tabs on the root's
/// own line are whitespace; comments and blank lines are skipped.
pub(super) fn tab_starts_next_token(text: &str, from: usize) -> bool {
    let mut line_start = false;
    let mut in_comment = false;
    for b in text.as_bytes().iter().skip(from) {
        match b {
            b'\n' => {
                line_start = true;
                in_comment = false;
            }
            _ if in_comment => {}
            b'#' => in_comment = true,
            b' ' | b'\r' => {}
            b'\t' => {
                if line_start {
                    return true;
                }
            }
            _ => return false,
        }
    }
    false
}

/// The byte offset of the `n`th (0-based) line of a text.
fn orig_offset_of_line(text: &str, n: usize) -> usize {
    if n == 0 {
        return 0;
    }
    text.match_indices('\n')
        .nth(n - 1)
        .map_or(text.len(), |(i, _)| i + 1)
}

/// Maps a byte offset in the repaired chunk back to the original chunk.
pub(super) fn unfix(rel: usize, fixups: &[Fixup]) -> usize {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::parse_stream;

    /// The first error saphyr gives for a text, as the repair sees it.
    fn saphyr_error(text: &str) -> Option<String> {
        let mut parser = saphyr_parser::Parser::new_from_str(text);
        loop {
            if let Err(e) = parser.next_event()? {
                return Some(e.info().to_string());
            }
        }
    }

    /// The repairs recognise saphyr's errors by their text: each text they branch on is pinned here
    /// with a minimal input, so that a saphyr upgrade that rewords one fails this test instead of
    /// silently disabling a repair. Each input is also read through the repair, as go-yaml reads it.
    #[test]
    fn saphyr_error_texts_the_repairs_branch_on() {
        let cases: [(&str, &str, &str); 7] = [
            (
                "a: [b, -]\n",
                DASH_IN_FLOW,
                "a lone dash in a flow sequence",
            ),
            ("&r {a: 1}\nb: 2\n", AFTER_ROOT, "text after a flow root"),
            ("\"a\"\nb: 2\n", AFTER_ROOT, "text after a quoted root"),
            (
                "a:\n  b: [\n  1\n  ]\n",
                "invalid indentation",
                "a bracket at its key's indentation",
            ),
            (
                "a: [1,\n2]\n",
                "invalid indentation in flow construct",
                "flow content at column 1",
            ),
            (
                "a:\n  b: \"x\nc\"\n",
                QUOTED_INDENTATION,
                "a quoted scalar's line at column 1",
            ),
            (
                "a:\n  b: {c: 1,\n  d: 2\n}\n",
                "invalid indentation in flow construct",
                "a brace at column 1",
            ),
        ];
        for (text, expected, what) in cases {
            assert_eq!(
                saphyr_error(text).as_deref(),
                Some(expected),
                "{what}: {text:?}"
            );
            let stream = parse_stream(text);
            assert!(stream.errors.is_empty(), "{what}: {:?}", stream.errors);
            assert_eq!(stream.documents.len(), 1, "{what}");
        }
        for text in [
            "a:\n  b: [\n  1\n  ]\n",
            "a: [1,\n2]\n",
            "a:\n  b: \"x\nc\"\n",
        ] {
            let error = saphyr_error(text).unwrap_or_default();
            assert!(error.starts_with(INVALID_INDENTATION), "{error}");
        }
        // What the repairs read: the dash back as a string, the flow root alone.
        let dash = parse_stream("a: [b, -]\n");
        let items = dash.documents[0].root().unwrap().get("a").unwrap().items();
        assert_eq!(items[1].as_str(), Some("-"));
        let root = parse_stream("&r {a: 1}\nb: 2\n");
        assert_eq!(root.documents[0].root().unwrap().entries().len(), 1);
    }

    /// The error positioning branches on the text of saphyr's unclosed-flow errors: an unclosed
    /// collection is reported at its opening bracket, not at the end of the text.
    #[test]
    fn saphyr_error_texts_of_unclosed_flow_collections() {
        for (text, expected) in [
            (
                "a: [1\n",
                "while parsing a flow sequence, expected ',' or ']'",
            ),
            (
                "a: {b: 1\n",
                "while parsing a flow mapping, did not find expected ',' or '}'",
            ),
        ] {
            assert_eq!(saphyr_error(text).as_deref(), Some(expected));
            assert!(expected.starts_with(UNCLOSED_FLOW));
            let stream = parse_stream(text);
            let spans: Vec<_> = stream
                .errors
                .iter()
                .map(|e| (e.span.line, e.span.col))
                .collect();
            assert_eq!(spans, [(1, 4)], "{text:?}: {:?}", stream.errors);
        }
    }
}
