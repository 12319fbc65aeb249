//! The editor: a plain textarea with a line-number gutter, a marker on every line with a finding,
//! and the parse error underlined.
//!
//! The textarea is uncontrolled: the app writes its value only when the text is replaced from
//! outside (see `Model::revision`), so typing keeps the browser's undo history. The gutter and the
//! error overlay follow its scrolling through their `scrollTop`, which the stylesheet's fixed
//! line height keeps aligned.

use std::collections::BTreeMap;
use std::rc::Rc;

use podsec::{Analysis, FindingLevel};
use web_sys::{Element, HtmlTextAreaElement, KeyboardEvent};
use yew::prelude::*;

use crate::app::Derived;
use crate::browser;

/// The editor's properties.
#[derive(Properties, PartialEq)]
pub struct EditorProps {
    /// The settled text (the textarea may be a few keystrokes ahead).
    pub text: Rc<str>,
    /// Its analysis.
    pub derived: Rc<Derived>,
    /// The textarea, shared with the app for selections.
    pub area: NodeRef,
    /// Called on every input.
    pub on_input: Callback<()>,
}

/// What a gutter marker shows.
struct Mark {
    /// The most severe level on the line (`None` for a parse error).
    level: Option<FindingLevel>,
    /// One line per finding.
    title: String,
}

fn marks(analysis: &Analysis) -> BTreeMap<usize, Mark> {
    let mut marks: BTreeMap<usize, Mark> = BTreeMap::new();
    for e in &analysis.errors {
        let m = marks.entry(e.line).or_insert(Mark {
            level: None,
            title: String::new(),
        });
        m.level = None;
        push_line(&mut m.title, &format!("error: {}", e.message));
    }
    for o in &analysis.objects {
        for f in &o.findings {
            let m = marks.entry(f.line).or_insert(Mark {
                level: Some(f.level),
                title: String::new(),
            });
            if let Some(level) = m.level {
                m.level = Some(level.min(f.level));
            }
            push_line(
                &mut m.title,
                &format!("{}: {}", f.level.as_str(), f.message),
            );
        }
    }
    marks
}

fn push_line(s: &mut String, line: &str) {
    if !s.is_empty() {
        s.push('\n');
    }
    s.push_str(line);
}

fn gutter(lines: usize, marks: &BTreeMap<usize, Mark>) -> Html {
    let mut out: Vec<Html> = Vec::new();
    let mut run = String::new();
    for n in 1..=lines {
        match marks.get(&n) {
            Some(m) => {
                if !run.is_empty() {
                    out.push(html! { { std::mem::take(&mut run) } });
                }
                let class = m.level.map_or("error", FindingLevel::as_str);
                out.push(html! {
                    <span class={classes!("mark", class)} title={m.title.clone()} data-line={n.to_string()}>
                        { n }
                    </span>
                });
                run.push('\n');
            }
            None => {
                run.push_str(&n.to_string());
                run.push('\n');
            }
        }
    }
    if !run.is_empty() {
        out.push(html! { { run } });
    }
    html! { <>{ for out }</> }
}

/// The overlay that underlines the first parse error at its line and column.
fn error_overlay(text: &str, analysis: &Analysis) -> Html {
    let Some(error) = analysis.errors.first() else {
        return html! {};
    };
    let lines: Vec<&str> = text.split('\n').collect();
    let line = error.line.clamp(1, lines.len().max(1));
    let content = lines.get(line - 1).copied().unwrap_or("");
    let content = content.trim_end_matches('\r');
    let before: String = content
        .chars()
        .take(error.column.saturating_sub(1))
        .collect();
    let at: String = content
        .chars()
        .nth(error.column.saturating_sub(1))
        .map_or_else(|| " ".to_string(), |c| c.to_string());
    let above = "\n".repeat(line - 1);
    let below = "\n".repeat(lines.len().saturating_sub(line) + 1);
    html! {
        <>
            { above }{ before }
            <mark class="parse-error" title={error.message.clone()}>{ at }</mark>
            { below }
        </>
    }
}

/// The editor.
#[component]
pub fn Editor(props: &EditorProps) -> Html {
    let gutter_ref = use_node_ref();
    let overlay_ref = use_node_ref();
    // After Escape, the next Tab leaves the editor instead of indenting.
    let escaped = use_mut_ref(|| false);

    let analysis = &props.derived.analysis;
    let lines = props.text.split('\n').count();
    let gutter_html = use_memo(props.derived.clone(), move |d| {
        gutter(lines.max(1), &marks(&d.analysis))
    });

    let oninput = props.on_input.reform(|_: InputEvent| ());
    let onscroll = {
        let gutter_ref = gutter_ref.clone();
        let overlay_ref = overlay_ref.clone();
        Callback::from(move |e: Event| {
            let area: HtmlTextAreaElement = e.target_unchecked_into();
            if let Some(g) = gutter_ref.cast::<Element>() {
                g.set_scroll_top(area.scroll_top());
            }
            if let Some(o) = overlay_ref.cast::<Element>() {
                o.set_scroll_top(area.scroll_top());
                o.set_scroll_left(area.scroll_left());
            }
        })
    };
    let onkeydown = {
        let escaped = escaped.clone();
        Callback::from(move |e: KeyboardEvent| {
            let key = e.key();
            if key == "Escape" {
                *escaped.borrow_mut() = true;
                return;
            }
            let was_escaped = std::mem::replace(&mut *escaped.borrow_mut(), false);
            if key == "Tab" && !e.shift_key() && !e.ctrl_key() && !e.alt_key() && !e.meta_key() {
                if was_escaped {
                    return;
                }
                e.prevent_default();
                browser::insert_text("  ");
            }
        })
    };

    html! {
        <div class="editor">
            <label for="manifest" class="editor-label">{ "Manifest (YAML or JSON)" }</label>
            <p id="editor-help" class="hint">
                { "Tab indents with two spaces; press Esc then Tab to leave the editor." }
            </p>
            <div class="code">
                <pre class="gutter" ref={gutter_ref} aria-hidden="true">{ (*gutter_html).clone() }</pre>
                <div class="field">
                    <pre class="overlay" ref={overlay_ref} aria-hidden="true">
                        { error_overlay(&props.text, analysis) }
                    </pre>
                    <textarea id="manifest" ref={props.area.clone()} spellcheck="false"
                        autocomplete="off" autocapitalize="off" wrap="off"
                        aria-describedby="editor-help" aria-invalid={(!analysis.errors.is_empty()).to_string()}
                        {oninput} {onscroll} {onkeydown} />
                </div>
            </div>
        </div>
    }
}
