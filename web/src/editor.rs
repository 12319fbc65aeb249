//! The editor: a plain textarea with a line-number gutter, a marker on every line with a finding,
//! and the parse error underlined.
//!
//! Markers are buttons named after their findings, with a popup on hover or focus; F8 and Shift+F8
//! in the textarea go to the next and previous marked line and say its findings in a live region.
//! The gutter follows the textarea in the tab order (one stop), so Tab reaches the text first.
//!
//! The textarea is uncontrolled: the app writes its value only when the text is replaced from
//! outside (see `Model::revision`), so typing keeps the browser's undo history. The gutter and the
//! error overlay follow its scrolling through their `scrollTop`, which the stylesheet's fixed
//! line height keeps aligned.

use std::collections::BTreeMap;
use std::rc::Rc;

use podsec::{Analysis, FindingLevel};
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, HtmlTextAreaElement, KeyboardEvent, Node};
use yew::prelude::*;

use crate::results::Derived;
use crate::{browser, code};

/// The editor's properties.
/// What kind of edit changed the text: the app waits for a pause in typing before it analyses a
/// large text, but analyses a paste, a drop or a replacement at once.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    /// A keystroke: a character typed, a line break, a deletion.
    Typed,
    /// Anything else: a paste, a drop, an undo, a fix applied, a new text.
    Replaced,
    /// The whole text replaced at once: a paste, a drop or a keystroke over all of it.
    Whole,
}

impl Change {
    /// The change an `InputEvent` of this `inputType` made (the Input Events spec's names).
    #[must_use]
    pub fn of_input_type(input_type: &str) -> Self {
        if input_type == "insertText"
            || input_type == "insertLineBreak"
            || input_type.starts_with("deleteContent")
            || input_type.starts_with("deleteWord")
        {
            Self::Typed
        } else {
            Self::Replaced
        }
    }
}

#[derive(Properties, PartialEq)]
pub struct EditorProps {
    /// The settled text (the textarea may be a few keystrokes ahead).
    pub text: crate::state::Text,
    /// Its analysis.
    pub derived: Rc<Derived>,
    /// The textarea, shared with the app for selections.
    pub area: NodeRef,
    /// Called on every input, with what kind of change it was.
    pub on_input: Callback<Change>,
    /// The analysis options, for "Apply all safe fixes".
    #[prop_or_default]
    pub options: podsec::Options,
}

/// The largest text "Apply all safe fixes" rewrites on the page (hardening re-reads the text after
/// each edit; larger texts are rewritten by the worker in the Hardened panel).
const APPLY_ALL_LIMIT: usize = 256 * 1024;

/// What a gutter marker shows.
#[derive(Clone, PartialEq)]
struct Mark {
    /// The most severe level on the line (`None` for a parse error).
    level: Option<FindingLevel>,
    /// The first column anything on the line points at.
    column: usize,
    /// Each finding (or parse error) on the line: its level's name and its message.
    items: Vec<(&'static str, String)>,
}

impl Mark {
    /// Every item, `level: message`, separated by semicolons.
    fn summary(&self) -> String {
        let items: Vec<String> = self
            .items
            .iter()
            .map(|(level, message)| format!("{level}: {message}"))
            .collect();
        items.join("; ")
    }
}

/// The marked lines, by line number.
type Marks = BTreeMap<usize, Mark>;

fn marks(analysis: &Analysis) -> Marks {
    let mut marks = Marks::new();
    let mut add = |line: usize, column: usize, level: Option<FindingLevel>, item| {
        let m = marks.entry(line).or_insert(Mark {
            level,
            column,
            items: Vec::new(),
        });
        // A parse error outranks every finding; otherwise the most severe level shows.
        m.level = m.level.zip(level).map(|(a, b)| a.min(b));
        m.column = m.column.min(column);
        m.items.push(item);
    };
    for e in &analysis.errors {
        add(e.line, e.column, None, ("error", e.message_and_help()));
    }
    for o in &analysis.objects {
        for f in &o.findings {
            add(
                f.line,
                f.column,
                Some(f.level),
                (f.level.as_str(), f.message.clone()),
            );
        }
    }
    marks
}

/// The line numbers, each marked line a button named after its findings. Only `stop` (or the
/// first marker) is in the tab order; the arrow keys move between markers.
fn gutter(lines: usize, marks: &Marks, stop: Option<usize>) -> Html {
    let stop = stop
        .filter(|l| marks.contains_key(l))
        .or_else(|| marks.keys().next().copied());
    let mut out: Vec<Html> = Vec::new();
    let mut run = String::new();
    let flush = |out: &mut Vec<Html>, run: &mut String| {
        if !run.is_empty() {
            let text = std::mem::take(run);
            out.push(html! { <span aria-hidden="true">{ text }</span> });
        }
    };
    for n in 1..=lines {
        match marks.get(&n) {
            Some(m) => {
                flush(&mut out, &mut run);
                let class = m.level.map_or("error", FindingLevel::as_str);
                out.push(html! {
                    <button type="button" class={classes!("mark", class)} data-line={n.to_string()}
                        tabindex={if stop == Some(n) { "0" } else { "-1" }}
                        aria-label={format!("Line {n}: {}", m.summary())}>
                        { n }
                    </button>
                });
                run.push('\n');
            }
            None => {
                run.push_str(&n.to_string());
                run.push('\n');
            }
        }
    }
    flush(&mut out, &mut run);
    html! { <>{ for out }</> }
}

/// The popup listing a marker's findings, shown while the marker is hovered or focused. Screen
/// readers get the same list from the marker's name, so the popup is hidden from them.
fn tip(line: usize, mark: &Mark, tip_ref: &NodeRef, onmouseleave: Callback<MouseEvent>) -> Html {
    html! {
        <div class="mark-tip" ref={tip_ref.clone()} aria-hidden="true" data-line={line.to_string()}
            {onmouseleave}>
            <p class="mark-tip-line">{ format!("Line {line}") }</p>
            <ul>
                { for mark.items.iter().map(|(level, message)| html! {
                    <li><span class={classes!("badge", *level)}>{ *level }</span>{ " " }{ message }</li>
                }) }
            </ul>
        </div>
    }
}

/// Puts the popup beside `line`'s marker (the popup and the gutter share an offset parent, the
/// editor), or hides it when the marker is scrolled out of view. The popup must already hold the
/// marker's findings, so that its height is known.
fn place_tip(gutter: &NodeRef, tip: &NodeRef, line: usize) {
    let (Some(gutter), Some(tip)) = (gutter.cast::<HtmlElement>(), tip.cast::<HtmlElement>())
    else {
        return;
    };
    let Some(mark) = gutter
        .query_selector(&format!(".mark[data-line=\"{line}\"]"))
        .ok()
        .flatten()
        .and_then(|m| m.dyn_into::<HtmlElement>().ok())
    else {
        return;
    };
    let top = mark.offset_top() - gutter.scroll_top();
    let inside = top + mark.offset_height() > gutter.offset_top()
        && top < gutter.offset_top() + gutter.client_height();
    // Near the bottom of the editor the popup opens upwards, its bottom level with the marker's.
    let bottom = gutter.offset_top() + gutter.client_height();
    let top = if top + tip.offset_height() > bottom {
        (top + mark.offset_height() - tip.offset_height()).max(gutter.offset_top())
    } else {
        top
    };
    let left = gutter.offset_left() + gutter.offset_width();
    let style = tip.style();
    let _ = style.set_property("top", &format!("{top}px"));
    let _ = style.set_property("left", &format!("{left}px"));
    let _ = style.set_property("visibility", if inside { "visible" } else { "hidden" });
}

/// The 1-based line of UTF-16 offset `offset` in `text`.
fn caret_line(text: &str, offset: u32) -> usize {
    let mut left = offset as usize;
    let mut line = 1;
    for c in text.chars() {
        let units = c.len_utf16();
        if units > left {
            break;
        }
        left -= units;
        if c == '\n' {
            line += 1;
        }
    }
    line
}

/// The marked line after `from` (before it when `forward` is false), wrapping around.
fn step(marks: &Marks, from: usize, forward: bool) -> Option<usize> {
    if forward {
        marks
            .range(from + 1..)
            .next()
            .or_else(|| marks.iter().next())
            .map(|(l, _)| *l)
    } else {
        marks
            .range(..from)
            .next_back()
            .or_else(|| marks.iter().next_back())
            .map(|(l, _)| *l)
    }
}

/// What the live region says about a marked line.
fn announcement(marks: &Marks, line: usize) -> String {
    let Some(mark) = marks.get(&line) else {
        return String::new();
    };
    let index = marks.range(..=line).count();
    format!(
        "Line {line} ({index} of {} marked): {}",
        marks.len(),
        mark.summary()
    )
}

/// Scrolls the gutter and the error overlay to where the textarea is scrolled.
fn follow(area: &HtmlTextAreaElement, gutter: &NodeRef, overlay: &NodeRef) {
    if let Some(g) = gutter.cast::<Element>() {
        g.set_scroll_top(area.scroll_top());
    }
    if let Some(o) = overlay.cast::<Element>() {
        o.set_scroll_top(area.scroll_top());
        o.set_scroll_left(area.scroll_left());
    }
}

/// The element that has the focus.
fn active_element() -> Option<Element> {
    web_sys::window()?.document()?.active_element()
}

/// Whether `node` is `within` or inside it.
fn inside(within: &NodeRef, node: Option<&Node>) -> bool {
    within
        .cast::<Node>()
        .is_some_and(|w| node.is_some_and(|n| w.contains(Some(n))))
}

/// The line of the marker at or around an event's target.
fn marker_line(target: Option<web_sys::EventTarget>) -> Option<usize> {
    target?
        .dyn_into::<Element>()
        .ok()?
        .closest(".mark")
        .ok()??
        .get_attribute("data-line")?
        .parse()
        .ok()
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

/// An analysis compared by identity, as a memo key: comparing two large analyses field by field
/// on every render (a hover re-renders the editor) costs more than recomputing from a new one.
struct Same(Rc<Derived>);

impl PartialEq for Same {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

/// The editor.
#[component]
pub fn Editor(props: &EditorProps) -> Html {
    let gutter_ref = use_node_ref();
    let overlay_ref = use_node_ref();
    let tip_ref = use_node_ref();
    // After Escape, the next Tab leaves the editor instead of indenting.
    let escaped = use_mut_ref(|| false);
    // The marker in the tab order, and the markers hovered and focused (their popup shows).
    let stop = use_state_eq(|| None::<usize>);
    let hovered = use_state_eq(|| None::<usize>);
    let focused = use_state_eq(|| None::<usize>);
    // What the live region last said.
    let said = use_state_eq(String::new);
    // Whether the rich editor (CodeMirror, see `code.rs`) shows instead of the textarea.
    let rich = use_state_eq(code::mounted);
    let plain = use_state_eq(browser::plain_editor);
    code::update(&props.on_input, props.text.rc(), &props.derived);
    {
        // After the first result is painted, unless the user chose the plain editor.
        let area = props.area.clone();
        let rich = rich.clone();
        use_effect_with(*plain, move |plain| {
            if !*plain && let Some(area) = area.cast::<HtmlTextAreaElement>() {
                gloo_timers::callback::Timeout::new(0, move || {
                    code::load(area, move || rich.set(true));
                })
                .forget();
            }
        });
    }
    {
        let text = props.text.clone();
        use_effect_with(
            (Same(props.derived.clone()), *rich),
            move |(derived, rich)| {
                if *rich {
                    code::show_findings(&text, &derived.0.analysis);
                }
            },
        );
    }
    let on_apply_all = {
        let area = props.area.clone();
        let options = props.options.clone();
        let said = said.clone();
        Callback::from(move |_: MouseEvent| {
            let Some(area) = area.cast::<HtmlTextAreaElement>() else {
                return;
            };
            let text = code::text(&area);
            if text.len() > APPLY_ALL_LIMIT {
                said.set(
                    "The text is too large to rewrite here: the Hardened panel has the rewrite."
                        .to_string(),
                );
                return;
            }
            let options = podsec::HardenOptions {
                analysis: options.clone(),
                threshold: podsec::Applicability::Safe,
            };
            let hardened = podsec::harden(&text, &options);
            if hardened.changed && code::replace(&hardened.text) {
                said.set("Applied every safe fix; Ctrl+Z undoes them.".to_string());
            } else {
                said.set("No safe fix applies.".to_string());
            }
        })
    };
    let on_plain = {
        let plain = plain.clone();
        let rich = rich.clone();
        let on_input = props.on_input.clone();
        Callback::from(move |e: Event| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            let want_plain = input.checked();
            browser::set_plain_editor(want_plain);
            if want_plain {
                code::unmount();
                rich.set(false);
                on_input.emit(Change::Replaced);
            }
            plain.set(want_plain);
        })
    };

    let analysis = &props.derived.analysis;
    let lines = if *rich {
        1
    } else {
        props.text.split('\n').count()
    };
    let marks = use_memo(Same(props.derived.clone()), |d| marks(&d.0.analysis));
    // Rebuilt only when the line count, the markers or the tab stop change: typing within a line
    // of a long text leaves the gutter's tens of thousands of lines alone.
    // The rich editor has its own gutter and squiggles: neither is built while it shows.
    let gutter_html = use_memo(
        (lines.max(1), (*marks).clone(), *stop, *rich),
        |(lines, marks, stop, rich)| {
            if *rich {
                Html::default()
            } else {
                gutter(*lines, marks, *stop)
            }
        },
    );
    let shown = (*hovered).or(*focused).filter(|l| marks.contains_key(l));
    {
        let area = props.area.clone();
        let gutter_ref = gutter_ref.clone();
        let overlay_ref = overlay_ref.clone();
        let tip_ref = tip_ref.clone();
        use_effect(move || {
            // A text pasted or loaded scrolls the textarea before the gutter has its lines; catch
            // up, unless a focused marker is what scrolled the gutter.
            if let Some(area) = area.cast::<HtmlTextAreaElement>()
                && !inside(&gutter_ref, active_element().as_deref())
            {
                follow(&area, &gutter_ref, &overlay_ref);
            }
            if let Some(line) = shown {
                place_tip(&gutter_ref, &tip_ref, line);
            }
        });
    }

    // Selects a marked line in the textarea and says what is on it.
    let go_to = {
        let area = props.area.clone();
        let marks = marks.clone();
        let said = said.clone();
        move |line: usize| {
            if let (Some(area), Some(mark)) = (area.cast::<HtmlTextAreaElement>(), marks.get(&line))
            {
                code::select(&area, line, mark.column);
                said.set(announcement(&marks, line));
            }
        }
    };

    // Whether the paste about to land replaces the whole text: its selection covers all of it
    // (Yew has no `beforeinput`; `paste` comes before the text changes).
    let over_all = use_mut_ref(|| false);
    let before_paste = {
        let over_all = over_all.clone();
        Callback::from(move |e: Event| {
            let area: HtmlTextAreaElement = e.target_unchecked_into();
            let all = area.text_length();
            *over_all.borrow_mut() = all > 0
                && area.selection_start().ok().flatten() == Some(0)
                && area.selection_end().ok().flatten() == Some(all);
        })
    };
    let oninput = {
        let said = said.clone();
        props.on_input.reform(move |e: InputEvent| {
            said.set(String::new());
            // A script's plain `Event("input")` is not an InputEvent: it has no type.
            let kind = wasm_bindgen::JsCast::dyn_ref::<InputEvent>(&e).map(InputEvent::input_type);
            // Taken by every input, so that a paste that changed nothing leaves no mark.
            let over_all = std::mem::take(&mut *over_all.borrow_mut());
            match kind.as_deref() {
                Some("insertFromPaste") if over_all => Change::Whole,
                Some(kind) => Change::of_input_type(kind),
                None => Change::Replaced,
            }
        })
    };
    let onscroll = {
        let gutter_ref = gutter_ref.clone();
        let overlay_ref = overlay_ref.clone();
        Callback::from(move |e: Event| {
            let area: HtmlTextAreaElement = e.target_unchecked_into();
            follow(&area, &gutter_ref, &overlay_ref);
        })
    };
    let onkeydown = {
        let escaped = escaped.clone();
        let marks = marks.clone();
        let said = said.clone();
        let go_to = go_to.clone();
        Callback::from(move |e: KeyboardEvent| {
            let key = e.key();
            if key == "Escape" {
                *escaped.borrow_mut() = true;
                return;
            }
            let was_escaped = std::mem::replace(&mut *escaped.borrow_mut(), false);
            let plain = !e.ctrl_key() && !e.alt_key() && !e.meta_key();
            if key == "Tab" && !e.shift_key() && plain {
                if was_escaped {
                    return;
                }
                e.prevent_default();
                if !code::insert("  ") {
                    browser::insert_text("  ");
                }
            } else if key == "F8" && plain {
                e.prevent_default();
                let line = code::caret_line().unwrap_or_else(|| {
                    let area: HtmlTextAreaElement = e.target_unchecked_into();
                    let caret = area.selection_start().ok().flatten().unwrap_or(0);
                    caret_line(&area.value(), caret)
                });
                match step(&marks, line, !e.shift_key()) {
                    Some(target) => go_to(target),
                    None => said.set("No findings in the text.".to_string()),
                }
            }
        })
    };

    // The gutter: markers are buttons; Enter (or a click) selects the line in the editor.
    let on_gutter_click = {
        let go_to = go_to.clone();
        Callback::from(move |e: MouseEvent| {
            if let Some(line) = marker_line(e.target()) {
                go_to(line);
            }
        })
    };
    let on_gutter_key = {
        let marks = marks.clone();
        let gutter_ref = gutter_ref.clone();
        let hovered = hovered.clone();
        let focused = focused.clone();
        Callback::from(move |e: KeyboardEvent| {
            let Some(line) = marker_line(e.target()) else {
                return;
            };
            let next = match e.key().as_str() {
                "ArrowDown" => marks.range(line + 1..).next(),
                "ArrowUp" => marks.range(..line).next_back(),
                "Home" => marks.iter().next(),
                "End" => marks.iter().next_back(),
                "Escape" => {
                    hovered.set(None);
                    focused.set(None);
                    return;
                }
                _ => return,
            };
            e.prevent_default();
            let Some((next, _)) = next else { return };
            if let Some(mark) = gutter_ref
                .cast::<Element>()
                .and_then(|g| {
                    g.query_selector(&format!(".mark[data-line=\"{next}\"]"))
                        .ok()
                        .flatten()
                })
                .and_then(|m| m.dyn_into::<HtmlElement>().ok())
            {
                let _ = mark.focus();
            }
        })
    };
    let on_gutter_focusin = {
        let stop = stop.clone();
        let focused = focused.clone();
        Callback::from(move |e: FocusEvent| {
            if let Some(line) = marker_line(e.target()) {
                stop.set(Some(line));
                focused.set(Some(line));
            }
        })
    };
    let on_gutter_focusout = {
        let focused = focused.clone();
        Callback::from(move |_: FocusEvent| focused.set(None))
    };
    // Focusing a marker scrolls the gutter to it; the textarea follows.
    let on_gutter_scroll = {
        let area = props.area.clone();
        let gutter_ref = gutter_ref.clone();
        let tip_ref = tip_ref.clone();
        Callback::from(move |_: Event| {
            let Some(gutter) = gutter_ref.cast::<Element>() else {
                return;
            };
            if inside(&gutter_ref, active_element().as_deref())
                && let Some(area) = area.cast::<HtmlTextAreaElement>()
            {
                area.set_scroll_top(gutter.scroll_top());
            }
            if let Some(line) = shown {
                place_tip(&gutter_ref, &tip_ref, line);
            }
        })
    };
    let on_gutter_over = {
        let hovered = hovered.clone();
        Callback::from(move |e: MouseEvent| hovered.set(marker_line(e.target())))
    };
    // The pointer may move from a marker onto its popup, and back, without closing it.
    let on_gutter_leave = {
        let hovered = hovered.clone();
        let tip_ref = tip_ref.clone();
        Callback::from(move |e: MouseEvent| {
            let to = e.related_target().and_then(|t| t.dyn_into::<Node>().ok());
            if !inside(&tip_ref, to.as_ref()) {
                hovered.set(None);
            }
        })
    };
    let on_tip_leave = {
        let hovered = hovered.clone();
        Callback::from(move |e: MouseEvent| {
            // Back onto a marker, the gutter's mouseover says which.
            if marker_line(e.related_target()).is_none() {
                hovered.set(None);
            }
        })
    };

    html! {
        <div class="editor">
            <div class="editor-head">
                <label for="manifest" class="editor-label">{ "Manifest (YAML or JSON)" }</label>
                if *rich {
                    <button type="button" class="apply-all" onclick={on_apply_all}>
                        { "Apply all safe fixes" }
                    </button>
                }
                <label class="plain-toggle">
                    <input type="checkbox" checked={*plain} onchange={on_plain} />
                    { " Plain text editor" }
                </label>
            </div>
            <p id="editor-help" class="hint">
                { "Tab indents with two spaces; press Esc then Tab to leave the editor. " }
                { "F8 and Shift+F8 go to the next and previous line with a finding." }
            </p>
            <div class={classes!("code", rich.then_some("rich"))}>
                // The textarea comes first in the tab order; the stylesheet puts the gutter on its left.
                <div class="field" {onkeydown}>
                    <pre class="overlay" ref={overlay_ref} aria-hidden="true">
                        if !*rich { { error_overlay(&props.text, analysis) } }
                    </pre>
                    <textarea id="manifest" ref={props.area.clone()} spellcheck="false"
                        autocomplete="off" autocapitalize="off" wrap="off"
                        aria-describedby="editor-help" aria-keyshortcuts="F8 Shift+F8"
                        aria-invalid={(!analysis.errors.is_empty()).to_string()}
                        onpaste={before_paste} {oninput} {onscroll} />
                </div>
                <pre class="gutter" ref={gutter_ref} role="group" aria-label="Lines with findings"
                    onclick={on_gutter_click} onkeydown={on_gutter_key}
                    onfocusin={on_gutter_focusin} onfocusout={on_gutter_focusout}
                    onscroll={on_gutter_scroll} onmouseover={on_gutter_over}
                    onmouseleave={on_gutter_leave}>
                    { (*gutter_html).clone() }
                </pre>
            </div>
            if let Some((line, mark)) = shown.and_then(|l| marks.get(&l).map(|m| (l, m))) {
                { tip(line, mark, &tip_ref, on_tip_leave) }
            }
            <p class="problem" id="editor-problem" role="status" aria-live="polite" aria-atomic="true">
                { (*said).clone() }
            </p>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marked(lines: &[usize]) -> Marks {
        lines
            .iter()
            .map(|&l| {
                (
                    l,
                    Mark {
                        level: None,
                        column: 1,
                        items: vec![("error", format!("at {l}"))],
                    },
                )
            })
            .collect()
    }

    #[test]
    fn keystrokes_are_told_apart_from_pastes_and_replacements() {
        for typed in [
            "insertText",
            "insertLineBreak",
            "deleteContentBackward",
            "deleteContentForward",
            "deleteWordBackward",
        ] {
            assert_eq!(Change::of_input_type(typed), Change::Typed, "{typed}");
        }
        for other in [
            "insertFromPaste",
            "insertFromDrop",
            "historyUndo",
            "deleteByCut",
            "insertReplacementText",
            "",
        ] {
            assert_eq!(Change::of_input_type(other), Change::Replaced, "{other}");
        }
    }

    #[test]
    fn step_goes_to_the_next_and_previous_marked_line_and_wraps() {
        let marks = marked(&[3, 7, 12]);
        assert_eq!(step(&marks, 1, true), Some(3));
        assert_eq!(step(&marks, 3, true), Some(7));
        assert_eq!(step(&marks, 12, true), Some(3));
        assert_eq!(step(&marks, 40, true), Some(3));
        assert_eq!(step(&marks, 7, false), Some(3));
        assert_eq!(step(&marks, 3, false), Some(12));
        assert_eq!(step(&marks, 1, false), Some(12));
        assert_eq!(step(&Marks::new(), 1, true), None);
    }

    #[test]
    fn caret_line_counts_utf16_units() {
        let text = "a\n\u{1F600}b\nc";
        assert_eq!(caret_line(text, 0), 1);
        assert_eq!(caret_line(text, 1), 1);
        assert_eq!(caret_line(text, 2), 2);
        // The emoji is two UTF-16 units: offset 5 is after "b", still on line 2.
        assert_eq!(caret_line(text, 5), 2);
        assert_eq!(caret_line(text, 6), 3);
        assert_eq!(caret_line(text, 99), 3);
    }

    #[test]
    fn announcement_names_the_line_its_rank_and_every_item() {
        let mut marks = marked(&[3, 7]);
        if let Some(m) = marks.get_mut(&7) {
            m.items.push(("hardening", "more".to_string()));
        }
        assert_eq!(
            announcement(&marks, 7),
            "Line 7 (2 of 2 marked): error: at 7; hardening: more"
        );
        assert_eq!(announcement(&marks, 5), "");
    }
}
