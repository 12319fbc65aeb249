//! The rich editor: CodeMirror 6 (`codemirror.js`, built by `cargo xtask vendor` from
//! `web/vendor/codemirror`) mounted in place of the textarea once the first result is shown.
//!
//! The textarea stays the first paint and the fallback: the module is fetched only after the page
//! has shown its first result (so the first load is unchanged), and if it never loads the textarea
//! goes on working. Everything CodeMirror shows comes from the core through the hooks made here:
//! colours from `podsec::tokens`, squiggles from the analysis' findings at the token their column
//! points at, hover text from `podsec::editor::hover`, completions from `podsec::editor::complete`,
//! fixes from `podsec::harden::apply_patches`. There is one editor per page, kept in a thread
//! local so that the app reads and writes the text through [`text`], [`set_text`] and [`select`]
//! whichever editor is showing.

use std::cell::RefCell;
use std::rc::Rc;

use podsec::tokens::{self, State};
use podsec::{Analysis, Applicability, Patch};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::HtmlTextAreaElement;

#[wasm_bindgen]
extern "C" {
    /// What `podsecEditor.mount` returns (web/vendor/codemirror/editor.js).
    pub type Handle;
    #[wasm_bindgen(method)]
    fn text(this: &Handle) -> String;
    /// The whole text as a JavaScript string.
    #[wasm_bindgen(method, js_name = text)]
    fn js_text(this: &Handle) -> JsValue;
    /// The document around a line: `[first line, text]`, or null when over the limit.
    #[wasm_bindgen(method)]
    fn around(this: &Handle, line: u32, limit: u32) -> JsValue;
    #[wasm_bindgen(method, js_name = setText)]
    fn set_text(this: &Handle, text: &str);
    #[wasm_bindgen(method)]
    fn replace(this: &Handle, text: &str) -> bool;
    #[wasm_bindgen(method)]
    fn insert(this: &Handle, text: &str);
    #[wasm_bindgen(method)]
    fn select(this: &Handle, line: u32, column: u32, focus: bool);
    #[wasm_bindgen(method, js_name = caretLine)]
    fn caret_line(this: &Handle) -> u32;
    #[wasm_bindgen(method)]
    fn destroy(this: &Handle);
    #[wasm_bindgen(method, js_name = setFindings)]
    fn set_findings(this: &Handle, findings: &js_sys::Array);

    /// `globalThis.podsecEditor`.
    type Module;
    #[wasm_bindgen(method)]
    fn mount(this: &Module, textarea: &HtmlTextAreaElement, hooks: &js_sys::Object) -> Handle;
}

/// The largest YAML document completion reads on each request (it parses the document around
/// the caret, in UTF-16 units).
const COMPLETE_LIMIT: usize = 512 * 1024;

/// A fix the squiggles offer: the document it is in and its patches.
struct Offer {
    document: usize,
    patches: Vec<Patch>,
}

#[derive(Default)]
struct Editor {
    handle: Option<Handle>,
    /// Whether the module was asked for.
    requested: bool,
    /// Called when the text changes (the app's `on_input`).
    on_change: Option<yew::Callback<crate::editor::Change>>,
    /// The settled text and its analysis, for hover.
    settled: Option<(Rc<str>, Rc<crate::results::Derived>)>,
    /// The fixes of the squiggles shown, by index.
    offers: Vec<Offer>,
}

thread_local! {
    static EDITOR: RefCell<Editor> = RefCell::new(Editor::default());
}

/// Whether the rich editor is showing.
#[must_use]
pub fn mounted() -> bool {
    EDITOR.with(|e| e.borrow().handle.is_some())
}

thread_local! {
    /// The text [`text`] read last, and the JavaScript string it was read from.
    static READ: RefCell<Option<(std::rc::Weak<str>, JsValue)>> = const { RefCell::new(None) };
}

/// The editor's text: CodeMirror's when it is showing, else the textarea's. The JavaScript
/// string it was read from is kept while the text lives, so that sending this very text to the
/// worker ([`js_text`]) does not copy megabytes back out of wasm.
#[must_use]
pub fn text(area: &HtmlTextAreaElement) -> Rc<str> {
    let js = EDITOR
        .with(|e| e.borrow().handle.as_ref().map(Handle::js_text))
        .unwrap_or_else(|| JsValue::from_str(&area.value()));
    let text: Rc<str> = Rc::from(js.as_string().unwrap_or_default());
    READ.with(|r| *r.borrow_mut() = Some((Rc::downgrade(&text), js)));
    text
}

/// `text` as a JavaScript string: the one it was read from when [`text`] read this very text
/// (a weak reference keeps its address from being reused), else a new copy.
#[must_use]
pub fn js_text(text: &Rc<str>) -> JsValue {
    READ.with(|r| {
        r.borrow()
            .as_ref()
            .filter(|(read, _)| std::ptr::addr_eq(read.as_ptr(), Rc::as_ptr(text)))
            .map(|(_, js)| js.clone())
    })
    .unwrap_or_else(|| JsValue::from_str(text))
}

/// The editor's length in UTF-16 units, read without copying the text.
#[must_use]
pub fn length(area: &HtmlTextAreaElement) -> usize {
    let rich = EDITOR.with(|e| {
        e.borrow().handle.as_ref().and_then(|h| {
            ["view", "state", "doc", "length"]
                .iter()
                .try_fold(JsValue::from(h), |v, key| {
                    js_sys::Reflect::get(&v, &JsValue::from_str(key)).ok()
                })
                .and_then(|n| n.as_f64())
        })
    });
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    rich.map_or_else(|| area.text_length() as usize, |n| n as usize)
}

/// Replaces the editor's text from outside (an example, a file, a link), undoably. The squiggles
/// of the text's analysis, if the page has it already, are shown again: the replacement dropped
/// those that were shown for it before it arrived.
pub fn set_text(area: &HtmlTextAreaElement, text: &str) {
    let shown = EDITOR.with(|e| {
        e.borrow()
            .handle
            .as_ref()
            .map(|h| h.set_text(text))
            .is_some()
    });
    if !shown {
        area.set_value(text);
        return;
    }
    let settled = EDITOR.with(|e| e.borrow().settled.clone());
    if let Some((settled, derived)) = settled
        && &*settled == text
    {
        show_findings(&settled, &derived.analysis);
    }
}

/// Selects from `column` (characters, 1-based) to the end of `line` and shows it.
pub fn select(area: &HtmlTextAreaElement, line: usize, column: usize) {
    let shown = EDITOR.with(|e| {
        let e = e.borrow();
        let Some(handle) = e.handle.as_ref() else {
            return false;
        };
        let column = e
            .settled
            .as_ref()
            .map_or(column.saturating_sub(1), |(t, _)| {
                utf16_column(t, line, column)
            });
        handle.select(to_u32(line), to_u32(column), true);
        true
    });
    if !shown {
        crate::browser::select_line(area, line, column);
    }
}

/// The 1-based line of the caret, when the rich editor is showing.
#[must_use]
pub fn caret_line() -> Option<usize> {
    EDITOR.with(|e| e.borrow().handle.as_ref().map(|h| h.caret_line() as usize))
}

/// Inserts text at the caret, when the rich editor is showing; says whether it did.
pub fn insert(text: &str) -> bool {
    EDITOR.with(|e| e.borrow().handle.as_ref().map(|h| h.insert(text)).is_some())
}

/// Replaces the text by `text` as one minimal, undoable edit; says whether anything changed.
pub fn replace(text: &str) -> bool {
    EDITOR.with(|e| e.borrow().handle.as_ref().is_some_and(|h| h.replace(text)))
}

/// Puts the textarea back with the editor's text (the plain editor).
pub fn unmount() {
    let handle = EDITOR.with(|e| e.borrow_mut().handle.take());
    if let Some(handle) = handle {
        handle.destroy();
    }
}

/// Keeps what the hooks need in step with the page: the change callback, the settled text and
/// its analysis. Called on every render of the editor.
pub fn update(
    on_change: &yew::Callback<crate::editor::Change>,
    text: &Rc<str>,
    derived: &Rc<crate::results::Derived>,
) {
    EDITOR.with(|e| {
        let mut e = e.borrow_mut();
        e.on_change = Some(on_change.clone());
        e.settled = Some((text.clone(), derived.clone()));
    });
}

/// Fetches the module (once) and mounts it over `area` when it has loaded. The script element is
/// same-origin, as the page's CSP asks; a failure leaves the textarea.
pub fn load(area: HtmlTextAreaElement, on_mount: impl Fn() + 'static) {
    if mount_now(&area) {
        on_mount();
        return;
    }
    let requested = EDITOR.with(|e| std::mem::replace(&mut e.borrow_mut().requested, true));
    if requested {
        return;
    }
    let Some(window) = web_sys::window() else {
        return;
    };
    let on_ready = Closure::<dyn Fn()>::new(move || {
        if mount_now(&area) {
            on_mount();
        }
    });
    let _ = window
        .add_event_listener_with_callback("podsec-editor-ready", on_ready.as_ref().unchecked_ref());
    on_ready.forget();
    if let Some(document) = window.document()
        && let (Ok(script), Some(head)) = (document.create_element("script"), document.head())
    {
        let _ = script.set_attribute("type", "module");
        let _ = script.set_attribute("src", "codemirror.js");
        let _ = head.append_child(&script);
    }
}

/// Mounts the editor over `area` if the module is loaded and no editor is showing.
fn mount_now(area: &HtmlTextAreaElement) -> bool {
    if mounted() {
        return false;
    }
    let Ok(module) = js_sys::Reflect::get(&js_sys::global(), &"podsecEditor".into()) else {
        return false;
    };
    if module.is_undefined() {
        return false;
    }
    let handle = module.unchecked_into::<Module>().mount(area, &hooks());
    EDITOR.with(|e| e.borrow_mut().handle = Some(handle));
    true
}

/// The lines of `text` numbered in `wanted` (1-based), found in one pass that stops at the last
/// one wanted: a few findings in a large text do not split all of it.
fn lines_at(
    text: &str,
    wanted: impl Iterator<Item = usize>,
) -> std::collections::BTreeMap<usize, &str> {
    // Inserted one by one: `collect` into a map sorts first, with a stable sort of its own in the
    // wasm (podsec::order).
    let mut found = std::collections::BTreeMap::new();
    for l in wanted {
        found.insert(l, "");
    }
    let last = found.keys().next_back().copied().unwrap_or(0);
    for (i, line) in text.split('\n').enumerate().take(last) {
        if let Some(slot) = found.get_mut(&(i + 1)) {
            *slot = line;
        }
    }
    found
}

/// Shows the analysis' findings and parse errors as squiggles at the token each points at, and the
/// pod-level value a container inherits as a secondary mark.
pub fn show_findings(text: &str, analysis: &Analysis) {
    EDITOR.with(|e| {
        let mut e = e.borrow_mut();
        if e.handle.is_none() {
            return;
        }
        let wanted = analysis.errors.iter().map(|e| e.line).chain(
            analysis
                .objects
                .iter()
                .flat_map(|o| &o.findings)
                .flat_map(|f| std::iter::once(f.line).chain(f.related.iter().map(|r| r.line))),
        );
        let lines = lines_at(text, wanted);
        let list = js_sys::Array::new();
        let mut offers = Vec::new();
        let mut push = |line: usize, column: usize, level: &str, message: &str, more: Extra| {
            let content = lines.get(&line).map_or("", |l| l.trim_end_matches('\r'));
            let (from, to) = span(content, column);
            let item = js_sys::Object::new();
            set(&item, "line", &JsValue::from(to_u32(line)));
            set(&item, "from", &JsValue::from(from));
            set(&item, "to", &JsValue::from(to));
            set(&item, "level", &JsValue::from_str(level));
            set(&item, "message", &JsValue::from_str(message));
            if let Some(summary) = more.summary {
                // The docs are Markdown; the tooltip is plain text.
                set(
                    &item,
                    "summary",
                    &JsValue::from_str(&summary.replace('`', "")),
                );
            }
            if let Some(fix) = more.fix {
                set(&item, "fix", &JsValue::from_str(&fix));
            }
            let apply = more.offer.map_or(-1, |offer| {
                offers.push(offer);
                i32::try_from(offers.len() - 1).unwrap_or(-1)
            });
            set(&item, "apply", &JsValue::from(apply));
            list.push(&item);
        };
        for error in &analysis.errors {
            push(
                error.line,
                error.column,
                "error",
                &error.message_and_help(),
                Extra::default(),
            );
        }
        for object in &analysis.objects {
            for f in &object.findings {
                let fix = f.fix.as_ref();
                let offer = fix
                    .filter(|fix| {
                        fix.applicability != Applicability::Manual && !fix.patches.is_empty()
                    })
                    .map(|fix| Offer {
                        document: object.document,
                        patches: fix.patches.clone(),
                    });
                let extra = Extra {
                    summary: podsec::check::find(f.check).map(|c| c.summary),
                    fix: fix.map(|fix| match &fix.note {
                        Some(note) => format!("{} ({})", fix.title, note),
                        None => fix.title.clone(),
                    }),
                    offer,
                };
                push(f.line, f.column, f.level.as_str(), &f.message, extra);
                for r in &f.related {
                    push(r.line, r.column, "inherited", &r.message, Extra::default());
                }
            }
        }
        e.offers = offers;
        if let Some(handle) = &e.handle {
            handle.set_findings(&list);
        }
    });
}

/// What a squiggle may carry beyond its message.
#[derive(Default)]
struct Extra {
    summary: Option<&'static str>,
    fix: Option<String>,
    offer: Option<Offer>,
}

fn set(object: &js_sys::Object, key: &str, value: &JsValue) {
    let _ = js_sys::Reflect::set(object, &JsValue::from_str(key), value);
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The UTF-16 range of the token at character `column` (1-based) of a line: the key or the value
/// a finding points at, or the one character there when no token starts there.
fn span(line: &str, column: usize) -> (u32, u32) {
    let byte = line
        .char_indices()
        .nth(column.saturating_sub(1))
        .map_or(line.len(), |(i, _)| i);
    let (start, end) = match tokens::token_at(line, byte) {
        Some(t)
            if t.start <= byte || line.get(byte..t.start).is_some_and(|s| s.trim().is_empty()) =>
        {
            (t.start, t.end)
        }
        _ => (
            byte,
            line.get(byte..)
                .and_then(|s| s.chars().next())
                .map_or(byte, |c| byte + c.len_utf8()),
        ),
    };
    (utf16_len(line, start), utf16_len(line, end))
}

/// The UTF-16 length of `line`'s first `bytes` bytes.
fn utf16_len(line: &str, bytes: usize) -> u32 {
    to_u32(line.get(..bytes).map_or(0, |s| s.encode_utf16().count()))
}

/// The 0-based UTF-16 column of character `column` (1-based) of `line` in `text`.
fn utf16_column(text: &str, line: usize, column: usize) -> usize {
    text.split('\n')
        .nth(line.saturating_sub(1))
        .map_or(0, |l| crate::browser::utf16_column(l, column))
}

/// The byte offset of UTF-16 column `column` in `line`.
fn byte_of(line: &str, column: u32) -> usize {
    let mut left = column as usize;
    for (i, c) in line.char_indices() {
        if left == 0 {
            return i;
        }
        left = left.saturating_sub(c.len_utf16());
    }
    line.len()
}

/// The byte offset where 1-based `line` starts in `text`.
fn line_start(text: &str, line: u32) -> Option<usize> {
    if line <= 1 {
        return Some(0);
    }
    text.match_indices('\n')
        .nth(line as usize - 2)
        .map(|(i, _)| i + 1)
}

/// The hooks CodeMirror calls: `tokenize`, `changed`, `hover`, `complete`, `apply`.
fn hooks() -> js_sys::Object {
    let hooks = js_sys::Object::new();
    let tokenize =
        Closure::<dyn Fn(String, u32) -> js_sys::Uint32Array>::new(|line: String, state: u32| {
            let (found, next) = tokens::line(&line, State::unpack(state));
            let runs = tokens::utf16_runs(&line, &found);
            let mut out = Vec::with_capacity(runs.len() * 2 + 1);
            out.push(next.pack());
            for (length, kind) in runs {
                out.push(length);
                out.push(kind as u32);
            }
            js_sys::Uint32Array::from(out.as_slice())
        });
    let changed = Closure::<dyn Fn(bool, bool)>::new(|typed: bool, whole: bool| {
        let callback = EDITOR.with(|e| e.borrow().on_change.clone());
        if let Some(callback) = callback {
            callback.emit(if whole {
                crate::editor::Change::Whole
            } else if typed {
                crate::editor::Change::Typed
            } else {
                crate::editor::Change::Replaced
            });
        }
    });
    let hover = Closure::<dyn Fn(String, u32, u32) -> JsValue>::new(hover);
    let complete = Closure::<dyn Fn(String, u32, u32) -> JsValue>::new(complete);
    let apply = Closure::<dyn Fn(u32)>::new(apply);
    set(&hooks, "tokenize", tokenize.as_ref());
    set(&hooks, "changed", changed.as_ref());
    set(&hooks, "hover", hover.as_ref());
    set(&hooks, "complete", complete.as_ref());
    set(&hooks, "apply", apply.as_ref());
    tokenize.forget();
    changed.forget();
    hover.forget();
    complete.forget();
    apply.forget();
    hooks
}

/// Hover documentation for the key at UTF-16 `column` of `line` (1-based `number`), read from the
/// settled text when that line is unchanged in it.
fn hover(line: String, number: u32, column: u32) -> JsValue {
    let found = EDITOR.with(|e| {
        let e = e.borrow();
        let (text, derived) = e.settled.as_ref()?;
        let start = line_start(text, number)?;
        let settled_line = text.get(start..)?.split('\n').next()?;
        if settled_line.trim_end_matches('\r') != line.trim_end_matches('\r') {
            return None;
        }
        let offset = start + byte_of(&line, column);
        let hover = podsec::editor::hover(text, offset, &derived.analysis)?;
        let from = hover.start.checked_sub(start)?;
        let to = hover.end.checked_sub(start)?.min(line.len());
        Some((hover.markdown, utf16_len(&line, from), utf16_len(&line, to)))
    });
    let Some((markdown, from, to)) = found else {
        return JsValue::NULL;
    };
    let mut paragraphs = markdown
        .split("\n\n")
        .map(|p| p.replace('`', "").replace("**", "").trim().to_string())
        .filter(|p| !p.is_empty());
    let title = paragraphs.next().unwrap_or_default();
    let body: js_sys::Array = paragraphs.map(|p| JsValue::from_str(&p)).collect();
    let out = js_sys::Object::new();
    set(&out, "from", &JsValue::from(from));
    set(&out, "to", &JsValue::from(to));
    set(&out, "title", &JsValue::from_str(&title));
    set(&out, "body", &body);
    out.into()
}

/// Completions at UTF-16 `column` of `line` (1-based `number`) in the editor's current text.
/// Only the YAML document around the line is read, so that a keystroke costs the same in a
/// 50-line pod and in a 2 MB install.
fn complete(line: String, number: u32, column: u32) -> JsValue {
    let around = EDITOR.with(|e| {
        let e = e.borrow();
        let found: js_sys::Array = e
            .handle
            .as_ref()?
            .around(number, to_u32(COMPLETE_LIMIT))
            .dyn_into()
            .ok()?;
        let first = found.get(0).as_f64()?;
        Some((first, found.get(1).as_string()?))
    });
    let Some((first, text)) = around else {
        return JsValue::NULL;
    };
    // Truncation is fine: `first` is a line number the editor gave.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let within = number.saturating_sub(first as u32) + 1;
    let Some(start) = line_start(&text, within) else {
        return JsValue::NULL;
    };
    let at = byte_of(&line, column);
    let candidates = podsec::editor::complete(&text, start + at);
    if candidates.is_empty() {
        return JsValue::NULL;
    }
    // The word being typed starts after the last character that cannot be in a name or value.
    let word = line.get(..at).map_or(0, |before| {
        before
            .char_indices()
            .rev()
            .find(|(_, c)| !(c.is_alphanumeric() || matches!(c, '_' | '.' | '-')))
            .map_or(0, |(i, c)| i + c.len_utf8())
    });
    let options: js_sys::Array = candidates
        .iter()
        .map(|c| {
            let o = js_sys::Object::new();
            set(&o, "label", &JsValue::from_str(&c.label));
            set(&o, "detail", &JsValue::from_str(&c.detail));
            set(
                &o,
                "type",
                &JsValue::from_str(if c.value { "enum" } else { "property" }),
            );
            JsValue::from(o)
        })
        .collect();
    let out = js_sys::Object::new();
    set(&out, "from", &JsValue::from(utf16_len(&line, word)));
    set(&out, "options", &options);
    out.into()
}

/// Applies the fix of the settled analysis' finding of `check` at `path` on `line` (the findings
/// panel's Apply) to the editor's current text as one undoable edit, in either editor; says
/// whether the text changed.
pub fn apply_finding(check: &str, path: &str, line: usize) -> bool {
    let offer = EDITOR.with(|e| {
        let e = e.borrow();
        let (_, derived) = e.settled.as_ref()?;
        derived.analysis.objects.iter().find_map(|o| {
            let f = o
                .findings
                .iter()
                .find(|f| f.check == check && f.path == path && f.line == line)?;
            let fix = f.fix.as_ref()?;
            Some(Offer {
                document: o.document,
                patches: fix.patches.clone(),
            })
        })
    });
    let Some(offer) = offer else {
        return false;
    };
    let area = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector(".editor textarea").ok().flatten())
        .and_then(|e| e.dyn_into::<HtmlTextAreaElement>().ok());
    let Some(area) = area else {
        return false;
    };
    let current = text(&area);
    let Ok(edited) = podsec::harden::apply_patches(&current, offer.document, &offer.patches) else {
        return false;
    };
    if *edited == *current {
        return false;
    }
    if mounted() {
        return replace(&edited);
    }
    // The textarea keeps its own undo history for text inserted as if typed.
    let _ = area.focus();
    area.select();
    crate::browser::insert_text(&edited);
    true
}

/// Applies the fix of squiggle `index` to the current text as one undoable edit.
fn apply(index: u32) {
    let edited = EDITOR.with(|e| {
        let e = e.borrow();
        let offer = e.offers.get(index as usize)?;
        let text = e.handle.as_ref()?.text();
        podsec::harden::apply_patches(&text, offer.document, &offer.patches).ok()
    });
    if let Some(text) = edited {
        replace(&text);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_squiggle_covers_the_key_or_the_value_in_utf16_units() {
        let line = "      privileged: true";
        assert_eq!(span(line, 7), (6, 16));
        assert_eq!(span(line, 19), (18, 22));
        // Before a multi-byte key, columns count UTF-16 units.
        let line = "  é\u{1F600}: yes";
        assert_eq!(span(line, 3), (2, 5));
        assert_eq!(span(line, 7), (7, 10));
        // Past the end: one empty place at the end.
        assert_eq!(span("a: 1", 9), (4, 4));
    }

    #[test]
    fn only_the_lines_wanted_are_found_and_a_line_past_the_end_is_empty() {
        let text = "a: 1\nb: 2\r\nc: 3\nd: 4";
        let found = lines_at(text, [3, 2, 3, 9].into_iter());
        assert_eq!(
            found.into_iter().collect::<Vec<_>>(),
            [(2, "b: 2\r"), (3, "c: 3"), (9, "")]
        );
        assert!(lines_at(text, std::iter::empty()).is_empty());
    }

    #[test]
    fn positions_convert_between_lines_bytes_and_utf16() {
        let text = "a: 1\n\u{1F600}b: 2\nc: 3";
        assert_eq!(line_start(text, 1), Some(0));
        assert_eq!(line_start(text, 2), Some(5));
        assert_eq!(line_start(text, 3), Some(14));
        assert_eq!(line_start(text, 4), None);
        assert_eq!(byte_of("\u{1F600}b: 2", 2), 4);
        assert_eq!(utf16_column(text, 2, 2), 2);
    }
}
