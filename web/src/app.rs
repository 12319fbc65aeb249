//! The page: toolbar, editor, and the findings, effective-context and hardened panels.
//!
//! The analysis and the hardened rewrite are derived from the model with `use_memo`, never stored.
//! Rendering is plain functions over core types with callbacks; all Kubernetes knowledge (labels,
//! orderings, explanations) comes from the core.

use std::cell::RefCell;
use std::rc::Rc;

use gloo_timers::callback::Timeout;
use podsec::permalink;
use podsec::{Analysis, PssLevel, Runtime, Version};
use web_sys::{HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

use crate::address::{Link, LinkState, leave, left_draft_wins, save_draft};
use crate::browser;
use crate::derive::{use_analysis, use_hardened};
use crate::disclosure::{Disclosure, Lazy};
use crate::editor::Editor;
use crate::offload::use_offload;
use crate::panels::{Results, View, effective_panel, findings_panel, hardened_panel};
use crate::results::{ByPtr, Derived, HardenedFor};
use crate::state::{Model, Msg, Notice, Tab, Theme, split_fragment, update};
use crate::worker::{HARDEN_SYNC_LIMIT, Job, LinkOptions, SYNC_LIMIT};

impl Reducible for Model {
    type Action = Msg;

    fn reduce(self: Rc<Self>, msg: Msg) -> Rc<Self> {
        Rc::new(update(&self, msg))
    }
}

/// The last analysis without parse errors, and the revision and lineage of the text it belongs to.
type Good = (u32, u32, Rc<Derived>);

/// How long a notice that needs nothing from the user stays, in milliseconds.
const NOTICE_MS: u32 = 8_000;

/// The model on page load: a permalink in the fragment wins, then the saved draft, then the seed
/// example. A text the previous visit was still analysing on the page when it ended (a crash, a
/// tab killed for its memory) is opened without being analysed.
fn boot() -> Model {
    let model = boot_text();
    let stalled = browser::take_analysing();
    let draft = browser::load_draft().and_then(|d| permalink::decode_draft(&d).ok());
    if stalled && draft.is_some_and(|d| *d.text == *model.text) {
        return update(&model, Msg::Pause);
    }
    model
}

fn boot_text() -> Model {
    let mut model = Model::default();
    if let Some(theme) = browser::load_theme().as_deref().and_then(Theme::parse) {
        model.theme = theme;
    }
    let draft = browser::load_draft().and_then(|d| permalink::decode_draft(&d).ok());
    let fragment = browser::fragment();
    let left = browser::take_left();
    if let Some((shared, notice)) = crate::lessons::open_link(&fragment) {
        return update(&model, Msg::Restore(shared, Some(notice)));
    }
    if !fragment.is_empty() {
        let (link, tab) = split_fragment(&fragment);
        // This tab left the page with this link in the address bar and a newer draft (keystrokes
        // made before the link caught up with them): the draft is what the user last saw.
        let opened = match draft
            .as_ref()
            .filter(|d| left_draft_wins(&fragment, d, left.as_deref()))
        {
            Some(newer) => Ok(newer.clone()),
            None => permalink::decode(link),
        };
        match opened {
            Ok(shared) => {
                let model = update(&model, Msg::Restore(shared, None));
                return match tab {
                    Some(tab) => update(&model, Msg::SetTab(tab)),
                    None => model,
                };
            }
            Err(e) => {
                let instead = if draft.is_some() {
                    "your last draft"
                } else {
                    "the example"
                };
                model.notice = Some(Notice::error(format!(
                    "Could not open this link: {e}. Showing {instead} instead."
                )));
            }
        }
    }
    match draft {
        Some(shared) => {
            let notice = model.notice.clone();
            update(&model, Msg::Restore(shared, notice))
        }
        None => model,
    }
}

/// The debounce before an edit is analysed: short for small texts, longer when analysis is slow.
/// A keystroke in a text the worker analyses waits for a pause in typing ([`TYPING_PAUSE_MS`]):
/// reading megabytes out of the editor, and showing their findings, would otherwise land between
/// keystrokes and hold up the next one's paint.
fn debounce_ms(last_analysis_ms: f64, typed_in_large: bool) -> u32 {
    // Truncation is fine: the value is clamped to a few hundred milliseconds.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let ms = (40.0 + 1.5 * last_analysis_ms).clamp(40.0, 600.0) as u32;
    if typed_in_large {
        ms.max(TYPING_PAUSE_MS)
    } else {
        ms
    }
}

/// How long typing pauses before a large text is analysed, in milliseconds: longer than the gap
/// between keystrokes of steady typing (about 100 to 250 ms), short enough to feel immediate.
const TYPING_PAUSE_MS: u32 = 400;

/// The whole page.
#[component]
pub fn App() -> Html {
    let model = use_reducer(boot);
    let area = use_node_ref();
    let pending: Rc<RefCell<Option<Timeout>>> = use_mut_ref(|| None);
    let saving: Rc<RefCell<Option<Timeout>>> = use_mut_ref(|| None);
    let last_ms: Rc<RefCell<f64>> = use_mut_ref(|| 0.0);
    let status = use_node_ref();
    let analyses: Rc<RefCell<u32>> = use_mut_ref(|| 0);
    // Whether the layout is a phone's (the hardened diff is then unified).
    let narrow = use_state_eq(browser::narrow);
    {
        let narrow = narrow.clone();
        use_effect_with((), move |()| {
            browser::on_narrow_change(move |n| narrow.set(n));
        });
    }
    // The last analysis without parse errors, and the revision and lineage of its text.
    let last_good: Rc<RefCell<Option<Good>>> = use_mut_ref(|| None);

    // Small texts are analysed and hardened here, synchronously; large ones by the worker (see
    // `worker`), while the page keeps showing the last result and says that a new one is coming.
    // If the worker fails, everything is done here.
    let written: Rc<RefCell<String>> = use_mut_ref(String::new);
    let link = Link {
        state: use_mut_ref(LinkState::default),
        tab: use_mut_ref(|| model.tab),
        written: written.clone(),
    };
    *link.tab.borrow_mut() = model.tab;
    let offload_state = use_offload(link.clone(), last_ms.clone());
    let worker_ok = offload_state.worker_ok.clone();
    let paused = model.paused;
    let offloaded = model.text.len() > SYNC_LIMIT && *worker_ok && !paused;
    let derived = use_analysis(&model, &offload_state, offloaded);
    let hardened = use_hardened(&model, &offload_state);
    let busy = *offload_state.busy[Job::Analyze];
    let hardening = *offload_state.busy[Job::Harden];

    // The editor shows text set from outside (load, example, link) once per revision.
    {
        let area = area.clone();
        let text = model.text.clone();
        use_effect_with(model.revision, move |_| {
            if let Some(area) = area.cast::<HtmlTextAreaElement>() {
                crate::code::set_text(&area, &text);
            }
        });
    }
    // Leaving the page saves the editor's text as the draft if the draft is behind it: an edit
    // still waiting for its analysis (or for its draft, for a large text) is not lost on a reload.
    {
        let now = use_mut_ref(|| (model.options.clone(), model.include_unsafe));
        *now.borrow_mut() = (model.options.clone(), model.include_unsafe);
        let area = area.clone();
        use_effect_with((), move |()| {
            browser::on_leave(move || {
                if let Some(area) = area.cast::<HtmlTextAreaElement>() {
                    let (options, include_unsafe) = now.borrow().clone();
                    leave(&permalink::Shared {
                        text: crate::code::text(&area).to_string(),
                        options,
                        include_unsafe,
                    });
                }
            });
        });
    }
    // The saved draft and the address bar follow the shared state. The draft is saved here, at
    // once for small texts (and before their analysis, above) and a moment after the last change
    // for large ones; the link is made by the worker for large texts, so that compressing them
    // never delays the findings.
    {
        let saving = saving.clone();
        let linking: Rc<RefCell<Option<Timeout>>> = use_mut_ref(|| None);
        let link = link.clone();
        let offload = offload_state.clone();
        // The text is copied into the shared state only when the draft or the link is made, a
        // moment later for large texts: never on the keystroke's path.
        let deps = (
            (
                model.text.clone(),
                model.options.clone(),
                model.include_unsafe,
            ),
            offloaded,
        );
        use_effect_with(deps, move |(inputs, offloaded)| {
            let (text, options, include_unsafe) = inputs.clone();
            let large = text.len() > SYNC_LIMIT;
            *link.state.borrow_mut() = LinkState::Pending;
            if *offloaded {
                // The worker's link is saved as the draft (see `Offload::receive`). It is asked
                // for once typing pauses: compressing megabytes would hold up the next analysis,
                // and its answer (a fragment of hundreds of kilobytes for the address bar and
                // the draft) would land between keystrokes.
                *saving.borrow_mut() = None;
                offload.cancel(Job::Link);
                let options = LinkOptions {
                    options,
                    include_unsafe,
                };
                *linking.borrow_mut() =
                    Some(Timeout::new(600, move || offload.link(&text, options)));
                return;
            }
            let shared = Rc::new(permalink::Shared {
                text: text.to_string(),
                options,
                include_unsafe,
            });
            let draft = shared.clone();
            *saving.borrow_mut() = Some(Timeout::new(if large { 600 } else { 0 }, move || {
                save_draft(&draft);
            }));
            offload.cancel(Job::Link);
            *linking.borrow_mut() = Some(Timeout::new(if large { 600 } else { 0 }, move || {
                link.set(permalink::link(&shared).map_err(|e| e.to_string()));
            }));
        });
    }
    // The address bar names the panel shown.
    {
        let link = link.clone();
        use_effect_with(model.tab, move |_| link.show());
    }
    // Notices that need nothing from the user go away by themselves.
    {
        let dispatch = model.dispatcher();
        let timer: Rc<RefCell<Option<Timeout>>> = use_mut_ref(|| None);
        use_effect_with(model.notice.clone(), move |notice| {
            *timer.borrow_mut() = notice.clone().filter(Notice::expires).map(|notice| {
                Timeout::new(NOTICE_MS, move || dispatch.dispatch(Msg::Expire(notice)))
            });
        });
    }
    // A link pasted into the address bar of the open page (or Back and Forward across such
    // navigations) opens like a link followed from elsewhere. Fragments the page wrote itself are
    // ignored; a link that cannot be read leaves the text as it is.
    {
        let model = model.clone();
        use_effect_with((), move |()| {
            browser::on_hash_change(move || {
                let fragment = browser::fragment();
                if fragment.is_empty() || *written.borrow() == fragment {
                    return;
                }
                if let Some((shared, notice)) = crate::lessons::open_link(&fragment) {
                    model.dispatch(Msg::Restore(shared, Some(notice)));
                    return;
                }
                let (link, tab) = split_fragment(&fragment);
                match permalink::decode(link) {
                    Ok(shared) => {
                        model.dispatch(Msg::Restore(
                            shared,
                            Some(Notice::info(
                                "Opened the link. Back returns to the text you had.",
                            )),
                        ));
                        if let Some(tab) = tab {
                            model.dispatch(Msg::SetTab(tab));
                        }
                    }
                    Err(e) => {
                        // The address bar goes back to the text shown, so that a copied link
                        // holds what the user sees.
                        browser::replace_fragment(&written.borrow());
                        model.dispatch(Msg::Notify(Notice::error(format!(
                            "Could not open this link: {e}. Your text is unchanged."
                        ))));
                    }
                }
            });
        });
    }
    use_effect_with(model.theme, |theme| browser::apply_theme(theme.as_str()));
    use_effect_with((), |()| browser::register_service_worker());
    // A file dropped anywhere on the page opens in the editor.
    {
        let dispatch = model.dispatcher();
        use_effect_with((), move |()| {
            browser::on_file_drop(move |opened| dispatch.dispatch(opened_msg(opened)));
        });
    }
    // A text that parses is remembered, so that the next that does not can show its results as
    // stale; a new parse error scrolls the results panel to it.
    {
        let last_good = last_good.clone();
        let (revision, lineage) = (model.revision, model.lineage);
        let had_errors: Rc<RefCell<bool>> = use_mut_ref(|| false);
        use_effect_with(derived.clone(), move |d| {
            let errors = !d.analysis.errors.is_empty();
            if errors {
                if !*had_errors.borrow() {
                    browser::scroll_within("panel", "parse-errors");
                }
            } else {
                *last_good.borrow_mut() = Some((revision, lineage, d.clone()));
            }
            *had_errors.borrow_mut() = errors;
        });
    }
    // After each render of a new analysis, record analysis + render time for measurements.
    {
        let status = status.clone();
        use_effect_with(derived.clone(), move |d| {
            if let Some(el) = status.cast::<web_sys::Element>() {
                let total = browser::now() - d.started;
                let mut n = analyses.borrow_mut();
                *n += 1;
                let _ = el.set_attribute("data-total-ms", &crate::state::fixed(total, 1));
                let _ = el.set_attribute("data-analyses", &n.to_string());
                let _ = el.set_attribute("data-started", &crate::state::fixed(d.started, 1));
                let _ = el.set_attribute("data-decode-ms", &crate::state::fixed(d.decode_ms, 1));
                let _ = el.set_attribute("data-in-worker", &d.in_worker.to_string());
            }
        });
    }

    let on_input = {
        let model = model.clone();
        let area = area.clone();
        let pending = pending.clone();
        let offload = offload_state.clone();
        let whole = use_mut_ref(|| false);
        Callback::from(move |change: crate::editor::Change| {
            let large = area
                .cast::<HtmlTextAreaElement>()
                .is_some_and(|a| crate::code::length(&a) > SYNC_LIMIT);
            if !model.paused && large {
                offload.warm();
            }
            let model = model.clone();
            let area = area.clone();
            let typed = change == crate::editor::Change::Typed;
            // A replacement of the whole text is remembered until the edits that follow it land.
            if change == crate::editor::Change::Whole {
                *whole.borrow_mut() = true;
            }
            let whole = whole.clone();
            let delay = debounce_ms(*last_ms.borrow(), typed && large);
            let timeout = Timeout::new(delay, move || {
                if let Some(area) = area.cast::<HtmlTextAreaElement>() {
                    let text = crate::code::text(&area);
                    model.dispatch(if std::mem::take(&mut *whole.borrow_mut()) {
                        Msg::EditAll(text)
                    } else {
                        Msg::Edit(text)
                    });
                }
            });
            // Dropping the previous timeout cancels it.
            *pending.borrow_mut() = Some(timeout);
        })
    };
    let on_select = {
        let area = area.clone();
        Callback::from(move |(line, column): (usize, usize)| {
            if let Some(area) = area.cast::<HtmlTextAreaElement>() {
                crate::code::select(&area, line, column);
            }
        })
    };
    let dispatch = {
        let model = model.clone();
        Callback::from(move |msg: Msg| model.dispatch(msg))
    };

    // The tab list is one stop for Tab; the arrow keys, Home and End choose within it.
    let on_tab_key = {
        let model = model.clone();
        Callback::from(move |e: KeyboardEvent| {
            if let Some(next) = model.tab.step(&e.key()) {
                e.prevent_default();
                model.dispatch(Msg::SetTab(next));
                browser::focus(&format!("tab-{}", next.id()));
            }
        })
    };
    let analysis = &derived.analysis;
    // While the text does not parse, the last results of this text that did stay, marked stale.
    let good = last_good.borrow().clone();
    let shown: Rc<Derived> = match good {
        Some((revision, lineage, good))
            if revision == model.revision
                && lineage == model.lineage
                && !analysis.errors.is_empty()
                && good.analysis.objects.len() > analysis.objects.len() =>
        {
            good
        }
        _ => derived.clone(),
    };
    let shown_analysis: &Analysis = &shown.analysis;
    let results = Results {
        current: analysis,
        shown: shown_analysis,
    };
    let panel = {
        let deps = PanelDeps {
            tab: model.tab,
            current: ByPtr(derived.clone()),
            shown: ByPtr(shown.clone()),
            grouping: model.grouping,
            hidden: model.hidden.clone(),
            hardened: hardened.clone().map(ByPtr),
            hardening,
            include_unsafe: model.include_unsafe,
            narrow: *narrow,
            text_kb: model.text.len() / 1024,
            origin: model.origin.clone(),
        };
        let (dispatch, on_select) = (dispatch.clone(), on_select.clone());
        let render: Rc<dyn Fn(&PanelDeps) -> Html> =
            Rc::new(move |d: &PanelDeps| panel(d, &dispatch, &on_select));
        html! { <Panel deps={deps} render={render} /> }
    };
    let objects = shown_analysis.objects.len();
    let findings: usize = shown_analysis
        .objects
        .iter()
        .map(|o| o.findings.len())
        .sum();
    let errors = analysis.errors.len();
    let summary = if paused {
        "Not analysed: the last visit stopped while analysing this text".to_string()
    } else {
        let counts = format!(
            "{objects} workload{} · {findings} finding{}",
            plural(objects),
            plural(findings)
        );
        match analysis.errors.first() {
            Some(e) => format!(
                "The text does not parse: line {}, column {}{} · {counts}{}",
                e.line,
                e.column,
                if errors > 1 {
                    format!(" (and {} more error{})", errors - 1, plural(errors - 1))
                } else {
                    String::new()
                },
                if results.stale() {
                    " as of the last text that parsed"
                } else {
                    ""
                }
            ),
            None => format!("{counts} · analysed in {} ms", format_ms(derived.ms)),
        }
    };
    // On a phone the results are below the editor: say so, with what they hold.
    let below = {
        let denied = shown_analysis.objects.iter().filter(|o| !o.allowed).count();
        if errors > 0 {
            "Parse error: see the results below".to_string()
        } else if objects == 0 {
            "Results below".to_string()
        } else {
            format!(
                "Results below: {objects} workload{}, {denied} not admitted, {findings} finding{}",
                plural(objects),
                plural(findings)
            )
        }
    };
    let worker_error = (*offload_state.worker_error)
        .clone()
        .filter(|_| model.text.len() > HARDEN_SYNC_LIMIT);

    html! {
        <>
            <header class="top">
                <h1>{ "podsec" }</h1>
                <p class="tagline">{ "Kubernetes security contexts, checked as you type. Nothing leaves your browser." }</p>
                { toolbar(&model, &dispatch, &link.state) }
            </header>
            if let Some(notice) = &model.notice {
                <div class={classes!("notice", notice.error.then_some("error"))}
                    role={if notice.error { "alert" } else { "status" }}>
                    <span class="notice-text">{ &notice.text }</span>
                    if let Some(action) = notice.action {
                        <button type="button" class="action" onclick={dispatch.reform(move |_| action.msg())}>
                            { action.label() }
                        </button>
                    }
                    <button type="button" class="dismiss" onclick={dispatch.reform(|_| Msg::Dismiss)}>
                        { "Dismiss" }
                    </button>
                </div>
            }
            <main class="panes">
                <section class="editor-pane" aria-label="Editor">
                    <crate::lessons::Lessons text={model.text.rc().clone()} options={model.options.clone()}
                        include_unsafe={model.include_unsafe} dispatch={dispatch.clone()} />
                    <Editor text={model.text.clone()} derived={derived.clone()} area={area.clone()}
                        on_input={on_input} options={model.options.clone()} />
                    <p class="status" ref={status} aria-live="polite" aria-busy={if busy { "true" } else { "false" }} data-analysis-ms={crate::state::fixed(derived.ms, 1)}>
                        <span class={classes!("summary", (errors > 0 || paused).then_some("has-errors"))}>{ summary }</span>
                        if busy { { " · analysing…" } }
                        if let Some(why) = worker_error {
                            <span class="worker-error">
                                { format!(" · on this page: the background worker is unavailable ({why})") }
                            </span>
                        }
                    </p>
                    <crate::namespaces::AdmissionInputs options={model.options.clone()} dispatch={dispatch.clone()} />
                    <a class="below" href="#results" onclick={Callback::from(|e: MouseEvent| {
                        e.prevent_default();
                        browser::reveal("results");
                    })}>{ below }{ " ↓" }</a>
                </section>
                <section class="results" id="results" aria-label="Results">
                    <div class="tabs" role="tablist" aria-label="Panels" onkeydown={on_tab_key}>
                        { for Tab::ALL.into_iter().map(|tab| {
                            let selected = tab == model.tab;
                            html! {
                                <button type="button" role="tab" id={format!("tab-{}", tab.id())}
                                    aria-selected={if selected { "true" } else { "false" }}
                                    tabindex={if selected { "0" } else { "-1" }}
                                    aria-controls="panel"
                                    class={classes!("tab", selected.then_some("selected"))}
                                    onclick={dispatch.reform(move |_| Msg::SetTab(tab))}>
                                    { tab.label() }
                                </button>
                            }
                        }) }
                    </div>
                    <div id="panel" role="tabpanel" tabindex="0" class={classes!("panel", model.tab.id())}
                        aria-labelledby={format!("tab-{}", model.tab.id())}>
                        { panel }
                    </div>
                </section>
            </main>
        </>
    }
}

/// Everything the results panel shows. The panel is rebuilt only when this changes, so that the
/// page's other renders (the text settling, "analysing…", the link's answer) leave a long list of
/// cards alone: for the Argo CD install each rebuild cost tens of milliseconds on the main thread.
#[derive(Clone, PartialEq)]
struct PanelDeps {
    tab: Tab,
    current: ByPtr<Derived>,
    shown: ByPtr<Derived>,
    grouping: crate::state::Grouping,
    hidden: std::collections::BTreeSet<podsec::FindingLevel>,
    hardened: Option<ByPtr<HardenedFor>>,
    hardening: bool,
    include_unsafe: bool,
    narrow: bool,
    text_kb: usize,
    /// What the hardened rewrite is downloaded as.
    origin: crate::state::Origin,
}

#[derive(Properties)]
struct PanelProps {
    deps: PanelDeps,
    render: Rc<dyn Fn(&PanelDeps) -> Html>,
}

impl PartialEq for PanelProps {
    /// Only what is shown counts: `render` is a new closure on every render of the page, and the
    /// callbacks it holds keep working when an older one is used.
    fn eq(&self, other: &Self) -> bool {
        self.deps == other.deps
    }
}

/// The results panel, rendered again only when [`PanelDeps`] change.
#[component]
fn Panel(props: &PanelProps) -> Html {
    (props.render)(&props.deps)
}

/// The panel of the tab shown.
fn panel(d: &PanelDeps, dispatch: &Callback<Msg>, on_select: &Callback<(usize, usize)>) -> Html {
    let results = Results {
        current: &d.current.0.analysis,
        shown: &d.shown.0.analysis,
    };
    let view = View {
        grouping: d.grouping,
        hidden: &d.hidden,
    };
    match d.tab {
        Tab::Findings => findings_panel(results, view, dispatch, on_select),
        Tab::Effective => effective_panel(results, on_select),
        Tab::Hardened => {
            let updating = d.hardening.then(|| {
                html! {
                    <p class="updating" role="status">
                        { format!("Rewriting {} KB in the background…", d.text_kb) }
                    </p>
                }
            });
            match &d.hardened {
                Some(h) => html! {
                    <>
                        { for updating }
                        { hardened_panel(results.current, &h.0, d.include_unsafe, d.narrow, &d.origin, dispatch) }
                    </>
                },
                None => html! { <>{ for updating }</> },
            }
        }
    }
}

/// What the user is told after copying a link of `chars` characters (or failing to).
fn shared_notice(copied: bool, chars: usize) -> Notice {
    if !copied {
        return Notice::error("Could not copy: copy the link from the address bar instead.");
    }
    let count = permalink::thousands(chars);
    if chars > permalink::LONG_LINK {
        Notice::error(format!(
            "Link copied, but it is {count} characters long: some browsers, chat tools and mail \
             clients cut links over {} characters. Check that it opens, or download the text instead.",
            permalink::thousands(permalink::LONG_LINK)
        ))
    } else {
        Notice::info(format!(
            "Link copied ({count} characters). It holds the whole text: nothing is stored on a server."
        ))
    }
}

/// `text` with its first letter in upper case.
fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn format_ms(ms: f64) -> String {
    if ms < 10.0 {
        crate::state::fixed(ms, 1)
    } else {
        crate::state::fixed(ms, 0)
    }
}

fn select_value(e: &Event) -> String {
    let select: HtmlSelectElement = e.target_unchecked_into();
    select.value()
}

/// The message for a file the user opened or dropped.
fn opened_msg(opened: browser::Opened) -> Msg {
    match opened {
        Ok((name, text)) => Msg::Open(name, text),
        Err(why) => Msg::Notify(Notice::error(format!(
            "Could not open the file: {why}. Your text is unchanged."
        ))),
    }
}

fn toolbar(model: &Model, dispatch: &Callback<Msg>, link: &Rc<RefCell<LinkState>>) -> Html {
    let on_file = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: Event| {
            let input: web_sys::HtmlInputElement = e.target_unchecked_into();
            let file = input.files().and_then(|files| files.get(0));
            // Choosing the same file again should open it again.
            input.set_value("");
            if let Some(file) = file {
                let dispatch = dispatch.clone();
                wasm_bindgen_futures::spawn_local(async move {
                    dispatch.emit(opened_msg(browser::read_file(file).await));
                });
            }
        })
    };
    let on_open = Callback::from(|_: MouseEvent| browser::click("open-file"));
    let on_example = dispatch.reform(|e: Event| {
        podsec::examples::find(&select_value(&e))
            .map_or(Msg::Dismiss, |example| Msg::Load(example.id))
    });
    let on_level = dispatch
        .reform(|e: Event| PssLevel::parse(&select_value(&e)).map_or(Msg::Dismiss, Msg::SetLevel));
    let on_version = dispatch
        .reform(|e: Event| Version::parse(&select_value(&e)).map_or(Msg::Dismiss, Msg::SetVersion));
    let on_runtime = dispatch
        .reform(|e: Event| Runtime::parse(&select_value(&e)).map_or(Msg::Dismiss, Msg::SetRuntime));
    let on_kube = dispatch
        .reform(|e: Event| Msg::SetKube(podsec::examples::parse_kube_value(&select_value(&e))));
    let on_theme = dispatch
        .reform(|e: Event| Theme::parse(&select_value(&e)).map_or(Msg::Dismiss, Msg::SetTheme));
    let on_share = {
        let dispatch = dispatch.clone();
        let link = link.clone();
        Callback::from(move |_: MouseEvent| {
            let state = link.borrow().clone();
            match state {
                LinkState::Pending => {
                    dispatch.emit(Msg::Notify(Notice::info(
                        "The link is still being made: try again in a moment.",
                    )));
                }
                LinkState::Refused(why) => {
                    dispatch.emit(Msg::Notify(Notice::error(capitalise(&why))));
                }
                LinkState::Ready(_) => {
                    let dispatch = dispatch.clone();
                    let href = browser::href();
                    wasm_bindgen_futures::spawn_local(async move {
                        let copied = browser::copy(&href).await;
                        dispatch.emit(Msg::Notify(shared_notice(copied, href.len())));
                    });
                }
            }
        })
    };
    let on_download = {
        let text = model.text.clone();
        let origin = model.origin.clone();
        Callback::from(move |_: MouseEvent| {
            browser::download(&origin.manifest_name(), &origin.saved(&text));
        })
    };
    let options = &model.options;
    html! {
        <div class="toolbar" role="toolbar" aria-label="Options">
            <label>{ "Example " }
                <select id="example" onchange={on_example}>
                    <option value="" selected={model.example.is_none()} disabled=true>{ "Load an example…" }</option>
                    { for podsec::examples::EXAMPLES.iter().map(|e| html! {
                        <option value={e.id} title={e.about} selected={model.example == Some(e.id)}>{ e.title }</option>
                    }) }
                </select>
            </label>
            <label title={podsec::examples::LEVEL_HELP}>{ "Level " }
                <select id="level" onchange={on_level} aria-describedby="help-level">
                    { for podsec::examples::LEVELS.iter().map(|&l| html! {
                        <option value={l.as_str()} selected={l == options.level}>{ l.as_str() }</option>
                    }) }
                </select>
            </label>
            <label title={podsec::examples::VERSION_HELP}>{ "Version " }
                <select id="version" onchange={on_version} aria-describedby="help-version">
                    { for podsec::examples::versions().into_iter().map(|v| html! {
                        <option value={v.label()} selected={v == options.version}>{ v.label() }</option>
                    }) }
                </select>
            </label>
            <label title={podsec::examples::RUNTIME_HELP}>{ "Runtime " }
                <select id="runtime" onchange={on_runtime} aria-describedby="help-runtime">
                    { for podsec::examples::RUNTIMES.iter().map(|&r| html! {
                        <option value={r.as_str()} selected={r == options.runtime}>{ r.as_str() }</option>
                    }) }
                </select>
            </label>
            <label title={podsec::examples::KUBE_HELP}>{ "Kubernetes " }
                <select id="kube" onchange={on_kube} aria-describedby="help-kube">
                    { for podsec::examples::kube_versions().into_iter().map(|k| html! {
                        <option value={podsec::examples::kube_value(k)}
                            selected={k == options.kube_minor}>{ podsec::examples::kube_label(k) }</option>
                    }) }
                </select>
            </label>
            <label>{ "Theme " }
                <select id="theme" onchange={on_theme}>
                    { for Theme::ALL.into_iter().map(|t| html! {
                        <option value={t.as_str()} selected={t == model.theme}>{ t.as_str() }</option>
                    }) }
                </select>
            </label>
            <button type="button" id="open" onclick={on_open}
                title="Open a YAML or JSON file from your computer (or drop it on the page); it is read here, never uploaded">
                { "Open file…" }
            </button>
            <input type="file" id="open-file" class="hidden" tabindex="-1" aria-hidden="true"
                accept=".yaml,.yml,.json,.txt,application/json,application/yaml,text/yaml,text/plain"
                onchange={on_file} />
            <button type="button" id="share" onclick={on_share}>{ "Copy link" }</button>
            <button type="button" id="download" onclick={on_download}
                title="Save the text as a file">{ "Download" }</button>
            <Disclosure class="help" summary={html! { "What do Level, Version, Runtime and Kubernetes mean?" }}
                content={Lazy::new(|| html! {
                    <dl>
                        <dt>{ "Level" }</dt><dd>{ podsec::examples::LEVEL_HELP }</dd>
                        <dt>{ "Version" }</dt><dd>{ podsec::examples::VERSION_HELP }</dd>
                        <dt>{ "Runtime" }</dt><dd>{ podsec::examples::RUNTIME_HELP }</dd>
                        <dt>{ "Kubernetes" }</dt><dd>{ podsec::examples::KUBE_HELP }</dd>
                    </dl>
                })} />
            <span id="help-level" class="hidden">{ podsec::examples::LEVEL_HELP }</span>
            <span id="help-version" class="hidden">{ podsec::examples::VERSION_HELP }</span>
            <span id="help-runtime" class="hidden">{ podsec::examples::RUNTIME_HELP }</span>
            <span id="help-kube" class="hidden">{ podsec::examples::KUBE_HELP }</span>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_keystroke_in_a_large_text_waits_for_a_pause_in_typing() {
        // Small texts: a short debounce that grows with the analysis' own time.
        assert_eq!(debounce_ms(0.5, false), 40);
        assert_eq!(debounce_ms(100.0, false), 190);
        assert_eq!(debounce_ms(10_000.0, false), 600);
        // A keystroke in a large text waits for a pause; a paste into it does not.
        assert_eq!(debounce_ms(30.0, true), TYPING_PAUSE_MS);
        assert_eq!(debounce_ms(30.0, false), 85);
        assert_eq!(debounce_ms(10_000.0, true), 600);
    }
}
