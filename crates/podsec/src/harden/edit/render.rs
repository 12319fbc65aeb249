//! Writing values: the layout conventions of the document, read once, and values rendered in
//! them (plain or quoted scalars, flow and block collections, JSON laid out as the file lays out its
//! own).

use super::text::{col, dash_before, line_start, spaces};
use crate::fix::PatchValue;
use crate::yaml;
use crate::yaml::{Document, Node, Style};

/// The layout conventions of the document being edited, read once before the first edit.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Layout {
    /// The line break the text uses, for a text of one line; inserted lines otherwise end as the
    /// line they follow does (`Planner::nl_at`).
    pub(super) nl: &'static str,
    /// Indentation step of nested block mappings.
    pub(super) step: usize,
    /// Extra indentation of block sequences under a key (0 for `key:\n- item`).
    pub(super) seq_indent: usize,
    /// Whether the document is JSON.
    pub(super) json: bool,
}

impl Layout {
    pub(super) fn of(text: &str, doc: &Document) -> Layout {
        let mut steps: Vec<usize> = Vec::new();
        let mut seqs: Vec<usize> = Vec::new();
        if let Some(root) = doc.root() {
            survey(text, root, &mut steps, &mut seqs, 0);
        }
        let step = most_common(&steps).unwrap_or(2);
        let seq_indent = most_common(&seqs).unwrap_or(step);
        Layout {
            nl: if text.contains("\r\n") { "\r\n" } else { "\n" },
            step,
            seq_indent,
            json: doc.json,
        }
    }
}

/// The most frequent value, the smallest of equals.
pub(super) fn most_common(v: &[usize]) -> Option<usize> {
    let mut counts: std::collections::BTreeMap<usize, usize> = std::collections::BTreeMap::new();
    for &x in v {
        *counts.entry(x).or_insert(0) += 1;
    }
    let mut best: Option<(usize, usize)> = None;
    for (x, n) in counts {
        if best.is_none_or(|(_, bn)| n > bn) {
            best = Some((x, n));
        }
    }
    best.map(|(x, _)| x)
}

/// Collects the indentation steps of nested block mappings and the offsets of block sequences
/// under keys.
pub(super) fn survey(
    text: &str,
    node: Node<'_>,
    steps: &mut Vec<usize>,
    seqs: &mut Vec<usize>,
    depth: usize,
) {
    if depth > 64 || steps.len() + seqs.len() > 4096 {
        return;
    }
    if node.is_flow() {
        return;
    }
    for (k, v) in node.raw_entries() {
        if v.is_alias() {
            continue;
        }
        let kc = col(text, k.span().start);
        if v.is_map() && !v.is_flow() {
            if let Some((fk, _)) = v.raw_entries().first() {
                let vc = col(text, fk.span().start);
                if vc > kc && line_start(text, fk.span().start) > k.span().start {
                    steps.push(vc - kc);
                }
            }
        } else if v.is_seq()
            && !v.is_flow()
            && let Some(first) = v.raw_item(0)
            && let Some(dash) = dash_before(text, first.span().start)
        {
            let dc = col(text, dash);
            if dc >= kc {
                seqs.push(dc - kc);
            }
        }
        survey(text, v, steps, seqs, depth + 1);
    }
    for item in node.raw_items() {
        if !item.is_alias() {
            survey(text, item, steps, seqs, depth + 1);
        }
    }
}

pub(super) fn plain_ok(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    (first.is_ascii_alphanumeric() || first == '/')
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '/' | '-'))
        && matches!(
            yaml::decode_scalar(s, Style::Plain, None).0,
            yaml::Scalar::Str(_)
        )
}

pub(super) fn single_quoted(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

pub(super) fn render_str(s: &str, json: bool) -> String {
    if !json && plain_ok(s) {
        s.to_string()
    } else {
        yaml::json_quoted(s)
    }
}

/// A scalar written in the style of the one it replaces.
pub(super) fn render_scalar_like(v: &PatchValue, style: Style, json: bool) -> String {
    match v {
        PatchValue::Str(s) if !json => match style {
            Style::SingleQuoted if !s.contains('\n') => single_quoted(s),
            Style::DoubleQuoted => yaml::json_quoted(s),
            _ => render_str(s, false),
        },
        other => render_inline(other, json),
    }
}

/// A value in flow style, on one line.
pub(super) fn render_inline(v: &PatchValue, json: bool) -> String {
    match v {
        PatchValue::Bool(b) => b.to_string(),
        PatchValue::Int(i) => i.to_string(),
        PatchValue::Str(s) => render_str(s, json),
        PatchValue::List(items) => {
            let parts: Vec<String> = items.iter().map(|i| render_inline(i, json)).collect();
            format!("[{}]", parts.join(", "))
        }
        PatchValue::Map(entries) => {
            let parts: Vec<String> = entries
                .iter()
                .map(|(k, v)| format!("{}: {}", render_str(k, json), render_inline(v, json)))
                .collect();
            format!("{{{}}}", parts.join(", "))
        }
    }
}

/// A JSON value laid out one entry per line, closing brackets at column `col`.
pub(super) fn render_pretty(v: &PatchValue, col: usize, step: usize, nl: &str) -> String {
    let inner = col + step;
    match v {
        PatchValue::Map(entries) if !entries.is_empty() => {
            let parts: Vec<String> = entries
                .iter()
                .map(|(k, v)| {
                    format!(
                        "{}{}: {}",
                        spaces(inner),
                        render_str(k, true),
                        render_pretty(v, inner, step, nl)
                    )
                })
                .collect();
            format!(
                "{{{nl}{}{nl}{}}}",
                parts.join(&format!(",{nl}")),
                spaces(col)
            )
        }
        PatchValue::List(items) if !items.is_empty() => {
            let parts: Vec<String> = items
                .iter()
                .map(|i| format!("{}{}", spaces(inner), render_pretty(i, inner, step, nl)))
                .collect();
            format!("[{nl}{}{nl}{}]", parts.join(&format!(",{nl}")), spaces(col))
        }
        other => render_inline(other, true),
    }
}

pub(super) fn is_block_worthy(v: &PatchValue) -> bool {
    match v {
        PatchValue::List(l) => !l.is_empty(),
        PatchValue::Map(m) => !m.is_empty(),
        _ => false,
    }
}

/// `key: value` in block style with the key at column `col`.
pub(super) fn render_block_entry(
    key: &str,
    v: &PatchValue,
    col: usize,
    layout: &Layout,
) -> Vec<String> {
    let head = format!("{}{}:", spaces(col), render_str(key, false));
    match v {
        PatchValue::Map(entries) if !entries.is_empty() => {
            let mut lines = vec![head];
            lines.extend(render_block_map(entries, col + layout.step, layout));
            lines
        }
        PatchValue::List(items) if !items.is_empty() => {
            let mut lines = vec![head];
            lines.extend(render_block_seq(items, col + layout.seq_indent, layout));
            lines
        }
        other => vec![format!("{head} {}", render_inline(other, false))],
    }
}

pub(super) fn render_block_map(
    entries: &[(String, PatchValue)],
    col: usize,
    layout: &Layout,
) -> Vec<String> {
    entries
        .iter()
        .flat_map(|(k, v)| render_block_entry(k, v, col, layout))
        .collect()
}

pub(super) fn render_block_seq(items: &[PatchValue], dash: usize, layout: &Layout) -> Vec<String> {
    let mut lines = Vec::new();
    for item in items {
        match item {
            PatchValue::Map(entries) if !entries.is_empty() => {
                let mut sub = render_block_map(entries, dash + 2, layout);
                if let Some(first) = sub.first_mut() {
                    let rest = first.get(dash + 2..).unwrap_or("").to_string();
                    *first = format!("{}- {rest}", spaces(dash));
                }
                lines.extend(sub);
            }
            other => lines.push(format!("{}- {}", spaces(dash), render_inline(other, false))),
        }
    }
    lines
}
