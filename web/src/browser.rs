//! The few browser services the playground uses: the URL fragment, local storage, the clipboard,
//! a clock, the editor's selection, downloads and the service worker.
//!
//! Every function fails quietly (returns `None` or does nothing) when the service is missing, so
//! the app keeps working in a locked-down browser.

use wasm_bindgen::JsCast;
use web_sys::{HtmlDocument, HtmlTextAreaElement};

/// The local-storage key of the saved draft.
const DRAFT_KEY: &str = "podsec.draft";
/// The local-storage key of the mark set while the page analyses or rewrites a text.
const ANALYSING_KEY: &str = "podsec.analysing";
/// The local-storage key of the chosen theme.
const THEME_KEY: &str = "podsec.theme";
/// The session-storage key of the mark left as the page was left (see `address::leave`).
const LEFT_KEY: &str = "podsec.left";

/// Whether `object` has a property `name` that is not `undefined`.
fn has(object: &wasm_bindgen::JsValue, name: &str) -> bool {
    js_sys::Reflect::get(object, &wasm_bindgen::JsValue::from_str(name))
        .is_ok_and(|v| !v.is_undefined() && !v.is_null())
}

fn window() -> Option<web_sys::Window> {
    web_sys::window()
}

/// Milliseconds since the page loaded.
#[must_use]
pub fn now() -> f64 {
    window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// The URL fragment without its `#`, or empty.
#[must_use]
pub fn fragment() -> String {
    window()
        .and_then(|w| w.location().hash().ok())
        .map(|h| h.trim_start_matches('#').to_string())
        .unwrap_or_default()
}

/// Points the address bar at `#fragment` (or at the bare address, for an empty fragment) without
/// adding a history entry.
pub fn replace_fragment(fragment: &str) {
    let Some(w) = window() else { return };
    let location = w.location();
    let current = location.hash().unwrap_or_default();
    if current.trim_start_matches('#') == fragment {
        return;
    }
    let url = if fragment.is_empty() {
        format!(
            "{}{}",
            location.pathname().unwrap_or_default(),
            location.search().unwrap_or_default()
        )
    } else {
        format!("#{fragment}")
    };
    if let Ok(history) = w.history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
    }
}

/// The page's address, fragment included.
#[must_use]
pub fn href() -> String {
    window()
        .and_then(|w| w.location().href().ok())
        .unwrap_or_default()
}

fn storage() -> Option<web_sys::Storage> {
    window()?.local_storage().ok()?
}

/// The saved draft (an encoded permalink), if any.
#[must_use]
pub fn load_draft() -> Option<String> {
    storage()?.get_item(DRAFT_KEY).ok()?
}

/// Saves the draft (an encoded permalink).
pub fn save_draft(encoded: &str) {
    if let Some(s) = storage() {
        let _ = s.set_item(DRAFT_KEY, encoded);
    }
}

/// Sets the mark, for this tab only, that the page was left with the draft ahead of the address
/// bar (see `address::leave`).
pub fn mark_left(mark: &str) {
    if let Some(s) = window().and_then(|w| w.session_storage().ok().flatten()) {
        let _ = s.set_item(LEFT_KEY, mark);
    }
}

/// The mark set as this tab last left the page, if any, clearing it.
#[must_use]
pub fn take_left() -> Option<String> {
    let s = window()?.session_storage().ok()??;
    let mark = s.get_item(LEFT_KEY).ok()?;
    let _ = s.remove_item(LEFT_KEY);
    mark
}

/// Calls `f` as the page is left (reloaded, closed, navigated away from, or hidden for the
/// back-forward cache): the `pagehide` event.
pub fn on_leave(f: impl Fn() + 'static) {
    let Some(w) = window() else { return };
    let f = wasm_bindgen::closure::Closure::<dyn Fn()>::new(f);
    let _ = w.add_event_listener_with_callback("pagehide", f.as_ref().unchecked_ref());
    // The listener lives as long as the page.
    f.forget();
}

/// Sets or clears the mark that the page is analysing (or rewriting) a text.
pub fn set_analysing(on: bool) {
    if let Some(s) = storage() {
        let _ = if on {
            s.set_item(ANALYSING_KEY, "1")
        } else {
            s.remove_item(ANALYSING_KEY)
        };
    }
}

/// Whether the mark is set (the previous visit never finished an analysis it started), clearing
/// it.
#[must_use]
pub fn take_analysing() -> bool {
    let set = storage()
        .and_then(|s| s.get_item(ANALYSING_KEY).ok().flatten())
        .is_some();
    if set {
        set_analysing(false);
    }
    set
}

/// The saved theme name, if any.
#[must_use]
pub fn load_theme() -> Option<String> {
    storage()?.get_item(THEME_KEY).ok()?
}

/// Saves the theme name and applies it to the page (`<html data-theme=...>`).
pub fn apply_theme(name: &str) {
    if let Some(s) = storage() {
        let _ = s.set_item(THEME_KEY, name);
    }
    if let Some(root) = window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
    {
        let _ = root.set_attribute("data-theme", name);
    }
}

/// Copies text to the clipboard; resolves to whether it worked.
pub async fn copy(text: &str) -> bool {
    let Some(w) = window() else { return false };
    if !has(&w.navigator(), "clipboard") {
        return false;
    }
    let promise = w.navigator().clipboard().write_text(text);
    wasm_bindgen_futures::JsFuture::from(promise).await.is_ok()
}

/// Offers `text` as a file download named `name`, through a Blob URL (a `data:` URL fails silently
/// past a couple of megabytes). The URL is revoked once the browser has taken the download.
pub fn download(name: &str, text: &str) {
    let Some(document) = window().and_then(|w| w.document()) else {
        return;
    };
    let Ok(anchor) = document.create_element("a") else {
        return;
    };
    let Ok(anchor) = anchor.dyn_into::<web_sys::HtmlAnchorElement>() else {
        return;
    };
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("application/yaml;charset=utf-8");
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    anchor.set_href(&url);
    anchor.set_download(name);
    anchor.click();
    // The click starts the download synchronously; revoking at once can still race with it in
    // some browsers, so the URL goes after the current task.
    gloo_timers::callback::Timeout::new(0, move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    })
    .forget();
}

/// The local-storage key that says the user chose the plain textarea over the rich editor.
const PLAIN_EDITOR: &str = "podsec-plain-editor";

/// Whether the user chose the plain textarea over the rich editor.
#[must_use]
pub fn plain_editor() -> bool {
    storage()
        .and_then(|s| s.get_item(PLAIN_EDITOR).ok().flatten())
        .is_some()
}

/// Remembers the choice of editor.
pub fn set_plain_editor(plain: bool) {
    if let Some(s) = storage() {
        let _ = if plain {
            s.set_item(PLAIN_EDITOR, "1")
        } else {
            s.remove_item(PLAIN_EDITOR)
        };
    }
}

/// Inserts text at the editor's caret as if typed, so that the browser's undo keeps it.
pub fn insert_text(text: &str) {
    let Some(document) = window().and_then(|w| w.document()) else {
        return;
    };
    if let Ok(html) = document.dyn_into::<HtmlDocument>() {
        let _ = html.exec_command_with_show_ui_and_value("insertText", false, text);
    }
}

/// The 0-based UTF-16 column of character `column` (1-based) of one line.
#[must_use]
pub fn utf16_column(line: &str, column: usize) -> usize {
    line.chars()
        .take(column.saturating_sub(1))
        .map(char::len_utf16)
        .sum()
}

/// The UTF-16 offset of 1-based `line` and `column` (in characters) in `text`.
#[must_use]
pub fn utf16_offset(text: &str, line: usize, column: usize) -> u32 {
    let mut offset = 0usize;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            let within = utf16_column(l.trim_end_matches(['\n', '\r']), column);
            return u32::try_from(offset + within).unwrap_or(u32::MAX);
        }
        offset += l.encode_utf16().count();
    }
    u32::try_from(offset).unwrap_or(u32::MAX)
}

/// Selects from `column` to the end of `line` in the editor, and scrolls the line into view.
pub fn select_line(area: &HtmlTextAreaElement, line: usize, column: usize) {
    let text = area.value();
    let start = utf16_offset(&text, line, column);
    let end = utf16_offset(&text, line + 1, 1);
    let line_end = text
        .split_inclusive('\n')
        .nth(line.saturating_sub(1))
        .map_or(0, |l| {
            u32::try_from(l.trim_end_matches(['\n', '\r']).encode_utf16().count()).unwrap_or(0)
        });
    let line_start = utf16_offset(&text, line, 1);
    let end = end.min(line_start + line_end).max(start);
    let _ = area.focus();
    let _ = area.set_selection_range(start, end);
    // Centre the line: the editor's line height is fixed by the stylesheet.
    let line_height = area
        .scroll_height()
        .checked_div(i32::try_from(text.lines().count().max(1)).unwrap_or(1))
        .unwrap_or(20);
    let target = i32::try_from(line.saturating_sub(1)).unwrap_or(0) * line_height;
    area.set_scroll_top((target - area.client_height() / 2).max(0));
}

/// Registers the service worker (`sw.js` next to the page), versioned by the hashed name of the
/// wasm file so that a new deployment installs a new worker and a new cache.
pub fn register_service_worker() {
    let Some(w) = window() else { return };
    let Some(document) = w.document() else { return };
    // Only secure contexts (https, localhost) have service workers.
    if !has(&w.navigator(), "serviceWorker") {
        return;
    }
    let container = w.navigator().service_worker();
    let version = document
        .query_selector("link[href$='.wasm']")
        .ok()
        .flatten()
        .and_then(|l| l.get_attribute("href"))
        .map(|h| {
            h.rsplit('/')
                .next()
                .unwrap_or("")
                .trim_end_matches(".wasm")
                .to_string()
        })
        .unwrap_or_else(|| "dev".to_string());
    let encoded = String::from(js_sys::encode_uri_component(&version));
    let _ = container.register(&format!("sw.js?v={encoded}"));
}

/// Calls `f` whenever the page's fragment changes by navigation: a link pasted into the address
/// bar of the open page, Back or Forward. (`replace_fragment` does not trigger it.) For listeners
/// that live as long as the page.
pub fn on_hash_change(f: impl Fn() + 'static) {
    let Some(w) = window() else { return };
    let listener = wasm_bindgen::closure::Closure::<dyn Fn()>::new(f);
    let _ = w.add_event_listener_with_callback("hashchange", listener.as_ref().unchecked_ref());
    listener.forget();
}

/// The HTML element with this id, if there is one.
fn element(id: &str) -> Option<web_sys::HtmlElement> {
    window()?
        .document()?
        .get_element_by_id(id)?
        .dyn_into::<web_sys::HtmlElement>()
        .ok()
}

/// Moves the keyboard focus to the element with this id, if there is one.
pub fn focus(id: &str) {
    if let Some(el) = element(id) {
        let _ = el.focus();
    }
}

/// Installs the page's panic hook (see [`rescue`]). A panic is a bug; the release build aborts
/// after the hook, so the hook is the last chance to keep the user's text.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| rescue(&info.to_string())));
}

/// What the panic hook does: the editor's text (as typed, even if not yet analysed) goes into the
/// saved draft and the address bar, so a reload brings it back, and a banner says what happened
/// and shows the text in a read-only box to copy from, in case it is what trips the bug.
pub fn rescue(message: &str) {
    let editor = window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector(".editor textarea").ok().flatten())
        .and_then(|e| e.dyn_into::<HtmlTextAreaElement>().ok());
    rescue_from(editor.as_ref(), message);
}

/// [`rescue`] with the editor given.
pub fn rescue_from(editor: Option<&HtmlTextAreaElement>, message: &str) {
    let Some(document) = window().and_then(|w| w.document()) else {
        return;
    };
    let text = editor.map(crate::code::text);
    if let Some(text) = &text {
        let mut shared = load_draft()
            .and_then(|d| podsec::permalink::decode_draft(&d).ok())
            .unwrap_or(podsec::permalink::Shared {
                text: String::new(),
                options: podsec::Options::default(),
                include_unsafe: false,
            });
        shared.text = text.to_string();
        let encoded = podsec::permalink::encode(&shared);
        save_draft(&encoded);
        // The address bar gets it only if it is a link that opens (see `permalink::link`).
        let fits = shared.text.len() < podsec::permalink::MAX_PAYLOAD - 1024
            && encoded.len() <= podsec::permalink::MAX_LINK;
        replace_fragment(if fits { encoded.as_str() } else { "" });
    }
    let (Some(body), Ok(banner)) = (document.body(), document.create_element("div")) else {
        return;
    };
    let _ = banner.set_attribute("class", "notice error crash");
    let _ = banner.set_attribute("role", "alert");
    let saved = if text.is_some() {
        " Your text is saved: reload the page to continue, or copy it from below."
    } else {
        " Reload the page to continue."
    };
    banner.set_text_content(Some(&format!(
        "podsec stopped on an internal error: {message}.{saved} Please report the error with the text that caused it."
    )));
    if let (Some(text), Ok(copy)) = (text, document.create_element("textarea")) {
        let _ = copy.set_attribute("readonly", "");
        let _ = copy.set_attribute("aria-label", "Your text");
        copy.set_text_content(Some(&text));
        let _ = banner.append_child(&copy);
    }
    // If the saved text is what trips the bug, reloading trips it again: offer a clean start.
    if let Ok(button) = document.create_element("button") {
        let _ = button.set_attribute("type", "button");
        button.set_text_content(Some("Start over with the example"));
        let start_over = wasm_bindgen::closure::Closure::<dyn Fn()>::new(|| {
            if let Some(s) = storage() {
                let _ = s.remove_item(DRAFT_KEY);
            }
            replace_fragment("");
            if let Some(w) = window() {
                let _ = w.location().reload();
            }
        });
        let _ =
            button.add_event_listener_with_callback("click", start_over.as_ref().unchecked_ref());
        start_over.forget();
        let _ = banner.append_child(&button);
    }
    let _ = body.prepend_with_node_1(&banner);
}

/// A file the user chose or dropped: its name and text, or why it cannot be opened.
pub type Opened = Result<(String, String), String>;

/// Reads a file as UTF-8 text (invalid bytes become U+FFFD, which the analysis then reports);
/// files larger than the analysis accepts are refused unread.
pub async fn read_file(file: web_sys::File) -> Opened {
    let name = file.name();
    // Precision is irrelevant: the comparison is against tens of megabytes.
    #[allow(clippy::cast_precision_loss)]
    let limit = podsec::yaml::MAX_INPUT_BYTES as f64;
    if file.size() > limit {
        return Err(format!(
            "{name} is {} MB; the playground reads files up to {} MB",
            crate::state::fixed(file.size() / 1e6, 0),
            crate::state::fixed(limit / 1e6, 0)
        ));
    }
    match wasm_bindgen_futures::JsFuture::from(file.text()).await {
        Ok(text) => Ok((name, text.as_string().unwrap_or_default())),
        Err(_) => Err(format!("{name} could not be read")),
    }
}

/// Whether a drag carries files (not text being dragged within the page).
fn carries_files(e: &web_sys::DragEvent) -> bool {
    e.data_transfer().is_some_and(|dt| {
        dt.types()
            .iter()
            .any(|t| t.as_string().as_deref() == Some("Files"))
    })
}

/// Calls `f` with the first file dropped anywhere on the page. Without this, dropping a file
/// would make the browser leave the page to show the file. For listeners that live as long as the
/// page.
pub fn on_file_drop(f: impl Fn(Opened) + 'static) {
    let Some(w) = window() else { return };
    let over = wasm_bindgen::closure::Closure::<dyn Fn(web_sys::DragEvent)>::new(
        |e: web_sys::DragEvent| {
            if carries_files(&e) {
                e.prevent_default();
            }
        },
    );
    let f = std::rc::Rc::new(f);
    let drop = wasm_bindgen::closure::Closure::<dyn Fn(web_sys::DragEvent)>::new(
        move |e: web_sys::DragEvent| {
            if !carries_files(&e) {
                return;
            }
            e.prevent_default();
            let file = e
                .data_transfer()
                .and_then(|dt| dt.files())
                .and_then(|files| files.get(0));
            if let Some(file) = file {
                let f = f.clone();
                wasm_bindgen_futures::spawn_local(async move { f(read_file(file).await) });
            }
        },
    );
    let _ = w.add_event_listener_with_callback("dragover", over.as_ref().unchecked_ref());
    let _ = w.add_event_listener_with_callback("drop", drop.as_ref().unchecked_ref());
    over.forget();
    drop.forget();
}

/// Clicks the element with this id, if there is one (opens a hidden file input's dialog).
pub fn click(id: &str) {
    if let Some(el) = element(id) {
        el.click();
    }
}

/// Scrolls the element with this id into view (smoothly unless the user asks for less motion)
/// and moves the focus to it, so that keyboard users continue from there.
pub fn reveal(id: &str) {
    if let Some(el) = element(id) {
        if el.get_attribute("tabindex").is_none() {
            let _ = el.set_attribute("tabindex", "-1");
        }
        el.scroll_into_view();
        let options = web_sys::FocusOptions::new();
        options.set_prevent_scroll(true);
        let _ = el.focus_with_options(&options);
    }
}

/// Scrolls the element with this id to the top of its scrolling container, without moving the
/// page itself (the panel scrolls; the editor the user types in stays where it is).
pub fn scroll_within(container: &str, id: &str) {
    let (Some(container), Some(el)) = (element(container), element(id)) else {
        return;
    };
    container.set_scroll_top(el.offset_top() - container.offset_top());
}

/// The media query under which the layout is narrow (a phone), as in the stylesheet.
pub const NARROW: &str = "(max-width: 640px)";

/// Whether the window matches [`NARROW`] now.
pub fn narrow() -> bool {
    window()
        .and_then(|w| w.match_media(NARROW).ok().flatten())
        .is_some_and(|m| m.matches())
}

/// Calls `f` with the new answer whenever [`narrow`] changes (a rotated phone, a resized
/// window). For listeners that live as long as the page.
pub fn on_narrow_change(f: impl Fn(bool) + 'static) {
    let Some(query) = window().and_then(|w| w.match_media(NARROW).ok().flatten()) else {
        return;
    };
    let listener = wasm_bindgen::closure::Closure::<dyn Fn()>::new(move || f(narrow()));
    let _ = query.add_event_listener_with_callback("change", listener.as_ref().unchecked_ref());
    listener.forget();
}
