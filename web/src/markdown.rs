//! A small renderer for the Markdown of the check docs and the glossary, into Yew nodes.
//!
//! The docs are written one sentence per line, with blank lines between paragraphs, `- ` list
//! items and `code` spans; that is all this reads. Everything else is text: the output is built
//! from text and element nodes, never from HTML strings, so nothing in a doc can inject markup.
//!
//! A line that is not a list item ends the list above it unless it is indented, so the sentence
//! after a list starts a paragraph (CommonMark would make it part of the last item).

use yew::prelude::*;

/// A run of inline content.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Inline {
    /// Plain text.
    Text(String),
    /// A code span's content.
    Code(String),
}

/// A block of content.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Block {
    /// A paragraph.
    Paragraph(Vec<Inline>),
    /// A bulleted list, one entry per item.
    List(Vec<Vec<Inline>>),
}

/// The blocks of `text`.
#[must_use]
pub fn parse(text: &str) -> Vec<Block> {
    // Lines of the current paragraph, or of the current list's items.
    let mut paragraph: Vec<&str> = Vec::new();
    let mut items: Vec<Vec<&str>> = Vec::new();
    let mut out = Vec::new();
    let flush = |out: &mut Vec<Block>, paragraph: &mut Vec<&str>, items: &mut Vec<Vec<&str>>| {
        if !paragraph.is_empty() {
            out.push(Block::Paragraph(inline(&paragraph.join(" "))));
            paragraph.clear();
        }
        if !items.is_empty() {
            out.push(Block::List(
                items.iter().map(|item| inline(&item.join(" "))).collect(),
            ));
            items.clear();
        }
    };
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.is_empty() {
            flush(&mut out, &mut paragraph, &mut items);
        } else if let Some(item) = trimmed.strip_prefix("- ") {
            if !paragraph.is_empty() {
                flush(&mut out, &mut paragraph, &mut items);
            }
            items.push(vec![item.trim_start()]);
        } else if let Some(item) = items.last_mut().filter(|_| line.starts_with([' ', '\t'])) {
            item.push(trimmed);
        } else {
            if !items.is_empty() {
                flush(&mut out, &mut paragraph, &mut items);
            }
            paragraph.push(trimmed);
        }
    }
    flush(&mut out, &mut paragraph, &mut items);
    out
}

/// The inline content of one line: text and code spans. A run of backticks opens a code span
/// closed by the next run of the same length; without one it is text.
#[must_use]
pub fn inline(text: &str) -> Vec<Inline> {
    let mut out = Vec::new();
    let mut plain = String::new();
    let mut rest = text;
    while let Some(start) = rest.find('`') {
        let (before, from) = rest.split_at(start);
        plain.push_str(before);
        let ticks = from.len() - from.trim_start_matches('`').len();
        let (fence, after) = from.split_at(ticks);
        match closing(after, ticks) {
            Some((code, next)) => {
                if !plain.is_empty() {
                    out.push(Inline::Text(std::mem::take(&mut plain)));
                }
                out.push(Inline::Code(strip_padding(code).to_string()));
                rest = next;
            }
            None => {
                plain.push_str(fence);
                rest = after;
            }
        }
    }
    plain.push_str(rest);
    if !plain.is_empty() {
        out.push(Inline::Text(plain));
    }
    out
}

/// The code before the first run of exactly `ticks` backticks in `s`, and what follows that run.
fn closing(s: &str, ticks: usize) -> Option<(&str, &str)> {
    let mut at = 0;
    while let Some(found) = s.get(at..)?.find('`') {
        let start = at + found;
        let run = s.get(start..)?;
        let len = run.len() - run.trim_start_matches('`').len();
        if len == ticks {
            return Some((s.get(..start)?, s.get(start + len..)?));
        }
        at = start + len;
    }
    None
}

/// A code span's content without the one space each side that lets it start or end with a
/// backtick.
fn strip_padding(code: &str) -> &str {
    match code.strip_prefix(' ').and_then(|c| c.strip_suffix(' ')) {
        Some(inner) if !inner.trim().is_empty() => inner,
        _ => code,
    }
}

fn inline_html(runs: &[Inline]) -> Html {
    html! {
        { for runs.iter().map(|run| match run {
            Inline::Text(t) => html! { { t.clone() } },
            Inline::Code(c) => html! { <code>{ c.clone() }</code> },
        }) }
    }
}

/// `text`'s blocks as paragraphs and lists.
pub fn render(text: &str) -> Html {
    html! {
        { for parse(text).iter().map(|block| match block {
            Block::Paragraph(runs) => html! { <p>{ inline_html(runs) }</p> },
            Block::List(items) => html! {
                <ul class="md-list">
                    { for items.iter().map(|runs| html! { <li>{ inline_html(runs) }</li> }) }
                </ul>
            },
        }) }
    }
}

/// One line of inline Markdown (code spans only), for places that hold a phrase, not blocks.
pub fn render_inline(text: &str) -> Html {
    inline_html(&inline(text))
}

/// A reference: a link when it is a web address (opened in a new tab on the user's click; the
/// page fetches nothing), otherwise text.
pub fn reference(r: &str) -> Html {
    let web = r.starts_with("https://") || r.starts_with("http://");
    if web && !r.contains(char::is_whitespace) {
        html! {
            <a href={r.to_string()} rel="noopener noreferrer" target="_blank">{ r }</a>
        }
    } else {
        render_inline(r)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Inline {
        Inline::Text(s.to_string())
    }

    fn code(s: &str) -> Inline {
        Inline::Code(s.to_string())
    }

    #[test]
    fn lines_join_into_paragraphs_split_by_blank_lines() {
        assert_eq!(
            parse("One sentence.\nAnother one.\n\n  \nA second paragraph.\n"),
            vec![
                Block::Paragraph(vec![text("One sentence. Another one.")]),
                Block::Paragraph(vec![text("A second paragraph.")]),
            ]
        );
    }

    #[test]
    fn list_items_follow_a_paragraph_and_a_sentence_after_them_is_a_paragraph() {
        assert_eq!(
            parse("Flags:\n- `a`;\n- b,\n  continued;\n- c.\nThe rest."),
            vec![
                Block::Paragraph(vec![text("Flags:")]),
                Block::List(vec![
                    vec![code("a"), text(";")],
                    vec![text("b, continued;")],
                    vec![text("c.")],
                ]),
                Block::Paragraph(vec![text("The rest.")]),
            ]
        );
    }

    #[test]
    fn a_code_span_may_cross_a_line_break() {
        assert_eq!(
            parse("Set `runAsNonRoot:\ntrue` here."),
            vec![Block::Paragraph(vec![
                text("Set "),
                code("runAsNonRoot: true"),
                text(" here.")
            ])]
        );
    }

    #[test]
    fn code_spans_match_runs_of_the_same_length() {
        assert_eq!(
            inline("a `b` c ``d ` e`` f"),
            vec![
                text("a "),
                code("b"),
                text(" c "),
                code("d ` e"),
                text(" f")
            ]
        );
        assert_eq!(inline("`` ` ``"), vec![code("`")]);
        assert_eq!(inline("` `"), vec![code(" ")]);
    }

    #[test]
    fn an_unclosed_backtick_is_text() {
        assert_eq!(inline("it's a ` tick"), vec![text("it's a ` tick")]);
        assert_eq!(
            inline("``not closed` by one"),
            vec![text("``not closed` by one")]
        );
        assert_eq!(inline("`"), vec![text("`")]);
        assert_eq!(inline(""), vec![]);
    }

    #[test]
    fn markup_stays_text() {
        assert_eq!(
            parse("<script>alert(1)</script> & `<b>`"),
            vec![Block::Paragraph(vec![
                text("<script>alert(1)</script> & "),
                code("<b>")
            ])]
        );
    }

    #[test]
    fn a_dash_without_a_space_is_text() {
        assert_eq!(
            parse("-1 is not a list\n--flag neither"),
            vec![Block::Paragraph(vec![text(
                "-1 is not a list --flag neither"
            )])]
        );
    }

    /// Every doc string the web app shows through this renderer.
    fn all_docs() -> Vec<(String, &'static str)> {
        let mut out = Vec::new();
        for c in podsec::check::all() {
            let d = &c.docs;
            out.push((format!("{} summary", c.id), c.summary));
            for (part, s) in [
                ("what", d.what),
                ("why", d.why),
                ("fix_safety", d.fix_safety),
                ("policy", d.policy),
            ] {
                out.push((format!("{} {part}", c.id), s));
            }
            for r in d.references {
                out.push((format!("{} reference", c.id), *r));
            }
        }
        for f in podsec::glossary::FIELDS {
            for (part, s) in [
                ("what", f.what),
                ("default", f.default),
                ("interactions", f.interactions),
            ] {
                out.push((format!("glossary {} {part}", f.name), s));
            }
        }
        out
    }

    #[test]
    fn every_doc_renders_without_stray_backticks() {
        let mut codes = 0;
        for (place, s) in all_docs() {
            for block in parse(s) {
                let runs: Vec<Inline> = match block {
                    Block::Paragraph(runs) => runs,
                    Block::List(items) => items.into_iter().flatten().collect(),
                };
                for run in runs {
                    match run {
                        Inline::Text(t) => assert!(!t.contains('`'), "{place}: {t}"),
                        Inline::Code(_) => codes += 1,
                    }
                }
            }
        }
        assert!(codes > 100, "only {codes} code spans in the docs");
    }

    #[test]
    fn references_are_links_only_when_they_are_web_addresses() {
        let link = reference("https://kubernetes.io/docs/");
        let html = format!("{link:?}");
        assert!(html.contains("noopener noreferrer"), "{html}");
        assert!(html.contains("_blank"), "{html}");
        for not_link in [
            "CIS Kubernetes Benchmark 5.7.3",
            "javascript:alert(1)",
            "https://a b",
        ] {
            let html = format!("{:?}", reference(not_link));
            assert!(!html.contains("href"), "{not_link}: {html}");
        }
    }
}
