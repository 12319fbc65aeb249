//! The page: toolbar, editor, and the findings, effective-context and hardened panels.
//!
//! The analysis and the hardened rewrite are derived from the model with `use_memo`, never stored.
//! Rendering is plain functions over core types with callbacks; all Kubernetes knowledge (labels,
//! orderings, explanations) comes from the core.

use std::cell::RefCell;
use std::rc::Rc;

use gloo_timers::callback::Timeout;
use podsec::permalink;
use podsec::{Analysis, Applicability, HardenOptions, Hardened, PssLevel, Runtime, Version};
use web_sys::{HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

use crate::browser;
use crate::editor::Editor;
use crate::panels::{effective_panel, findings_panel, hardened_panel};
use crate::state::{Model, Msg, Notice, Tab, Theme, update};
use crate::worker::{
    Answer, Client, HARDEN_SYNC_LIMIT, Job, Latest, LinkOptions, Output, SYNC_LIMIT,
};

impl Reducible for Model {
    type Action = Msg;

    fn reduce(self: Rc<Self>, msg: Msg) -> Rc<Self> {
        Rc::new(update(&self, msg))
    }
}

/// An analysis and how long it took.
#[derive(Debug, PartialEq)]
pub struct Derived {
    /// The analysis.
    pub analysis: Analysis,
    /// When it started (milliseconds since page load).
    pub started: f64,
    /// How long it took, in milliseconds.
    pub ms: f64,
    /// How long the page took to read a worker's answer back, in milliseconds (0 when computed
    /// on the page).
    pub decode_ms: f64,
    /// Whether the worker computed it.
    pub in_worker: bool,
}

/// A hardened rewrite and the text it rewrote (which, while the worker works on a newer text, is
/// not the editor's).
#[derive(Debug, PartialEq)]
pub struct HardenedFor {
    /// The text it rewrote.
    pub original: Rc<str>,
    /// The rewrite.
    pub hardened: Hardened,
    /// How long it took, in milliseconds.
    pub ms: f64,
}

/// A request's sequence number and the text it was about.
type Requested = (u32, Rc<str>);

/// The page's handles on work done by the worker: the client, the newest request per job, the
/// latest answers, whether each job is in flight, and whether the worker still works.
#[derive(Clone)]
struct Offload {
    client: Rc<RefCell<Option<Client>>>,
    latest: Rc<RefCell<[Latest; 3]>>,
    analysis: UseStateHandle<Option<Rc<Derived>>>,
    hardened: UseStateHandle<Option<Rc<HardenedFor>>>,
    busy: [UseStateHandle<bool>; 3],
    worker_ok: UseStateHandle<bool>,
    last_ms: Rc<RefCell<f64>>,
    /// The last fragment written to the address bar and the saved draft.
    written: Rc<RefCell<String>>,
    /// The sequence number and text of the newest rewrite requested.
    hardening: Rc<RefCell<Option<Requested>>>,
}

impl Offload {
    /// Makes any answer in flight for `job` stale and stops waiting for it.
    fn cancel(&self, job: Job) {
        let i = job.index();
        let mut latest = self.latest.borrow_mut();
        let seq = latest[i].send();
        latest[i].accept(seq);
        self.busy[i].set(false);
    }

    /// Sends `job` to the worker, starting it on first use, and returns its sequence number. If
    /// the worker cannot be started, the page does the work itself from the next render on.
    fn request(&self, job: Job, text: &str, options: &str) -> Option<u32> {
        if self.client.borrow().is_none() {
            let on_answer = {
                let this = self.clone();
                move |answer: Answer| this.receive(answer)
            };
            let on_failure = {
                let this = self.clone();
                move || {
                    for busy in &this.busy {
                        busy.set(false);
                    }
                    this.worker_ok.set(false);
                }
            };
            match Client::start(on_answer, on_failure) {
                Ok(c) => *self.client.borrow_mut() = Some(c),
                Err(_) => {
                    // No worker (a locked-down browser): work here after all.
                    self.worker_ok.set(false);
                    return None;
                }
            }
        }
        let i = job.index();
        let seq = self.latest.borrow_mut()[i].send();
        let client = self.client.borrow();
        let c = client.as_ref()?;
        self.busy[i].set(true);
        c.request(job, seq, text, options, browser::now());
        Some(seq)
    }

    /// Sends the analysis of `text` to the worker.
    fn analyze(&self, text: &str, options: &podsec::Options) {
        let options = serde_json::to_string(options).unwrap_or_default();
        self.request(Job::Analyze, text, &options);
    }

    /// Sends the hardening of `text` to the worker, remembering the text for the answer.
    fn harden(&self, text: &Rc<str>, options: &HardenOptions) {
        let json = serde_json::to_string(options).unwrap_or_default();
        if let Some(seq) = self.request(Job::Harden, text, &json) {
            *self.hardening.borrow_mut() = Some((seq, text.clone()));
        }
    }

    /// Sends the encoding of the shared state to the worker.
    fn link(&self, shared: &permalink::Shared) {
        let options = LinkOptions {
            options: shared.options.clone(),
            include_unsafe: shared.include_unsafe,
        };
        let json = serde_json::to_string(&options).unwrap_or_default();
        self.request(Job::Link, &shared.text, &json);
    }

    /// Shows an answer if it is the newest for its job.
    fn receive(&self, answer: Answer) {
        match answer.output {
            Output::Analysis(analysis) => {
                if !self.latest.borrow_mut()[0].accept(answer.seq) {
                    return;
                }
                *self.last_ms.borrow_mut() = answer.ms;
                self.busy[0].set(false);
                self.analysis.set(Some(Rc::new(Derived {
                    analysis,
                    started: answer.started,
                    ms: answer.ms,
                    decode_ms: answer.decode_ms,
                    in_worker: true,
                })));
            }
            Output::Link(fragment) => {
                if !self.latest.borrow_mut()[2].accept(answer.seq) {
                    return;
                }
                self.busy[2].set(false);
                save(&self.written, fragment);
            }
            Output::Hardened(hardened) => {
                if !self.latest.borrow_mut()[1].accept(answer.seq) {
                    return;
                }
                let Some((seq, original)) = self.hardening.borrow_mut().take() else {
                    return;
                };
                if seq != answer.seq {
                    return;
                }
                self.busy[1].set(false);
                self.hardened.set(Some(Rc::new(HardenedFor {
                    original,
                    hardened,
                    ms: answer.ms,
                })));
            }
        }
    }
}

/// The model on page load: a permalink in the fragment wins, then the saved draft, then the seed
/// example.
fn boot() -> Model {
    let mut model = Model::default();
    if let Some(theme) = browser::load_theme().as_deref().and_then(Theme::parse) {
        model.theme = theme;
    }
    let draft = browser::load_draft().and_then(|d| permalink::decode(&d).ok());
    let fragment = browser::fragment();
    if !fragment.is_empty() {
        match permalink::decode(&fragment) {
            Ok(shared) => return update(&model, Msg::Restore(shared, None)),
            Err(e) => {
                let instead = if draft.is_some() {
                    "your last draft"
                } else {
                    "the example"
                };
                model.notice = Some(Notice {
                    text: format!("Could not open this link: {e}. Showing {instead} instead."),
                    error: true,
                });
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

/// Points the address bar and the saved draft at `fragment`, and remembers it as the page's own.
fn save(written: &RefCell<String>, fragment: String) {
    browser::replace_fragment(&fragment);
    browser::save_draft(&fragment);
    *written.borrow_mut() = fragment;
}

/// The debounce before an edit is analysed: short for small texts, longer when analysis is slow.
fn debounce_ms(last_analysis_ms: f64) -> u32 {
    // Truncation is fine: the value is clamped to a few hundred milliseconds.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let ms = (40.0 + 1.5 * last_analysis_ms).clamp(40.0, 600.0) as u32;
    ms
}

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

    // Small texts are analysed and hardened here, synchronously; large ones by the worker (see
    // `worker`), while the page keeps showing the last result and says that a new one is coming.
    // If the worker fails, everything is done here.
    let worker_ok = use_state_eq(|| true);
    let offloaded = model.text.len() > SYNC_LIMIT && *worker_ok;
    let last_sync: Rc<RefCell<Option<Rc<Derived>>>> = use_mut_ref(|| None);
    let sync = {
        let last_ms = last_ms.clone();
        let last_sync = last_sync.clone();
        use_memo(
            (model.text.clone(), model.options.clone(), offloaded),
            move |(text, options, offloaded)| {
                (!offloaded).then(|| {
                    let started = browser::now();
                    let analysis = podsec::analyze(text, options);
                    let ms = browser::now() - started;
                    *last_ms.borrow_mut() = ms;
                    let derived = Rc::new(Derived {
                        analysis,
                        started,
                        ms,
                        decode_ms: 0.0,
                        in_worker: false,
                    });
                    *last_sync.borrow_mut() = Some(derived.clone());
                    derived
                })
            },
        )
    };
    let written: Rc<RefCell<String>> = use_mut_ref(String::new);
    let offload_state = Offload {
        client: use_mut_ref(|| None),
        latest: use_mut_ref(Default::default),
        analysis: use_state(|| None),
        hardened: use_state(|| None),
        busy: [
            use_state_eq(|| false),
            use_state_eq(|| false),
            use_state_eq(|| false),
        ],
        written: written.clone(),
        worker_ok: worker_ok.clone(),
        last_ms: last_ms.clone(),
        hardening: use_mut_ref(|| None),
    };
    {
        let offload = offload_state.clone();
        use_effect_with(
            (model.text.clone(), model.options.clone(), offloaded),
            move |(text, options, offloaded)| {
                if *offloaded {
                    offload.analyze(text, options);
                } else {
                    offload.cancel(Job::Analyze);
                    if offload.analysis.is_some() {
                        offload.analysis.set(None);
                    }
                }
            },
        );
    }
    let shown = (*sync)
        .clone()
        .or_else(|| (*offload_state.analysis).clone())
        .or_else(|| last_sync.borrow().clone());
    let derived: Rc<Derived> = match shown {
        Some(d) => d,
        None => Rc::new(Derived {
            analysis: podsec::analyze("", &model.options),
            started: browser::now(),
            ms: 0.0,
            decode_ms: 0.0,
            in_worker: false,
        }),
    };
    let harden_options = HardenOptions {
        analysis: model.options.clone(),
        threshold: if model.include_unsafe {
            Applicability::Unsafe
        } else {
            Applicability::Safe
        },
    };
    let harden_key = (
        model.text.clone(),
        harden_options,
        model.tab == Tab::Hardened,
        model.text.len() > HARDEN_SYNC_LIMIT && *worker_ok,
    );
    let hardened_sync: Rc<Option<Rc<HardenedFor>>> =
        use_memo(harden_key.clone(), |(text, options, shown, offloaded)| {
            (*shown && !offloaded).then(|| {
                let started = browser::now();
                let hardened = podsec::harden(text, options);
                Rc::new(HardenedFor {
                    original: text.clone(),
                    hardened,
                    ms: browser::now() - started,
                })
            })
        });
    {
        let offload = offload_state.clone();
        use_effect_with(harden_key, move |(text, options, shown, offloaded)| {
            if *shown && *offloaded {
                offload.harden(text, options);
            } else {
                offload.cancel(Job::Harden);
            }
        });
    }
    let hardened: Option<Rc<HardenedFor>> = (*hardened_sync)
        .clone()
        .or_else(|| (*offload_state.hardened).clone());
    let busy = *offload_state.busy[0];
    let hardening = *offload_state.busy[1];

    // The editor shows text set from outside (load, example, link) once per revision.
    {
        let area = area.clone();
        let text = model.text.clone();
        use_effect_with(model.revision, move |_| {
            if let Some(area) = area.cast::<HtmlTextAreaElement>() {
                area.set_value(&text);
            }
        });
    }
    // The address bar and the saved draft follow the shared state. Compressing a large text is
    // the worker's job too; without a worker it waits a moment after the last change, so that it
    // never delays the findings.
    {
        let saving = saving.clone();
        let written = written.clone();
        let offload = offload_state.clone();
        use_effect_with((model.shared(), offloaded), move |(shared, offloaded)| {
            if *offloaded {
                offload.link(shared);
                return;
            }
            offload.cancel(Job::Link);
            let shared = shared.clone();
            let delay = if shared.text.len() > SYNC_LIMIT {
                600
            } else {
                0
            };
            *saving.borrow_mut() = Some(Timeout::new(delay, move || {
                save(&written, permalink::encode(&shared));
            }));
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
                let msg = match permalink::decode(&fragment) {
                    Ok(shared) => Msg::Restore(
                        shared,
                        Some(Notice {
                            text: "Opened the link. Back returns to the text you had.".to_string(),
                            error: false,
                        }),
                    ),
                    Err(e) => {
                        // The address bar goes back to the text shown, so that a copied link
                        // holds what the user sees.
                        browser::replace_fragment(&written.borrow());
                        Msg::Notify(Notice {
                            text: format!("Could not open this link: {e}. Your text is unchanged."),
                            error: true,
                        })
                    }
                };
                model.dispatch(msg);
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
    // After each render of a new analysis, record analysis + render time for measurements.
    {
        let status = status.clone();
        use_effect_with(derived.clone(), move |d| {
            if let Some(el) = status.cast::<web_sys::Element>() {
                let total = browser::now() - d.started;
                let mut n = analyses.borrow_mut();
                *n += 1;
                let _ = el.set_attribute("data-total-ms", &format!("{total:.1}"));
                let _ = el.set_attribute("data-analyses", &n.to_string());
                let _ = el.set_attribute("data-started", &format!("{:.1}", d.started));
                let _ = el.set_attribute("data-decode-ms", &format!("{:.1}", d.decode_ms));
                let _ = el.set_attribute("data-in-worker", &d.in_worker.to_string());
            }
        });
    }

    let on_input = {
        let model = model.clone();
        let area = area.clone();
        let pending = pending.clone();
        Callback::from(move |()| {
            let model = model.clone();
            let area = area.clone();
            let delay = debounce_ms(*last_ms.borrow());
            let timeout = Timeout::new(delay, move || {
                if let Some(area) = area.cast::<HtmlTextAreaElement>() {
                    model.dispatch(Msg::Edit(area.value()));
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
                browser::select_line(&area, line, column);
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
    let panel = match model.tab {
        Tab::Findings => findings_panel(analysis, &on_select),
        Tab::Effective => effective_panel(analysis, &on_select),
        Tab::Hardened => {
            let updating = hardening.then(|| {
                html! {
                    <p class="updating" role="status">
                        { format!("Rewriting {} KB in the background…", model.text.len() / 1024) }
                    </p>
                }
            });
            match &hardened {
                Some(h) => html! {
                    <>
                        { for updating }
                        { hardened_panel(analysis, &h.original, &h.hardened, model.include_unsafe, &dispatch) }
                    </>
                },
                None => html! { <>{ for updating }</> },
            }
        }
    };
    let objects = analysis.objects.len();
    let findings: usize = analysis.objects.iter().map(|o| o.findings.len()).sum();

    html! {
        <>
            <header class="top">
                <h1>{ "podsec" }</h1>
                <p class="tagline">{ "Kubernetes security contexts, checked as you type. Nothing leaves your browser." }</p>
                { toolbar(&model, &dispatch) }
            </header>
            if let Some(notice) = &model.notice {
                <div class={classes!("notice", notice.error.then_some("error"))}
                    role={if notice.error { "alert" } else { "status" }}>
                    <span class="notice-text">{ &notice.text }</span>
                    <button type="button" class="dismiss" onclick={dispatch.reform(|_| Msg::Dismiss)}>
                        { "Dismiss" }
                    </button>
                </div>
            }
            <main class="panes">
                <section class="editor-pane" aria-label="Editor">
                    <Editor text={model.text.clone()} derived={derived.clone()} area={area.clone()}
                        on_input={on_input} />
                    <p class="status" ref={status} aria-live="polite" aria-busy={if busy { "true" } else { "false" }} data-analysis-ms={format!("{:.1}", derived.ms)}>
                        { format!("{objects} workload{} · {findings} finding{} · analysed in {} ms",
                            plural(objects), plural(findings), format_ms(derived.ms)) }
                        if busy { { " · analysing…" } }
                        if !*worker_ok && model.text.len() > SYNC_LIMIT {
                            { " · on this page (the background worker is unavailable)" }
                        }
                    </p>
                </section>
                <section class="results" aria-label="Results">
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

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn format_ms(ms: f64) -> String {
    if ms < 10.0 {
        format!("{ms:.1}")
    } else {
        format!("{ms:.0}")
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
        Err(why) => Msg::Notify(Notice {
            text: format!("Could not open the file: {why}. Your text is unchanged."),
            error: true,
        }),
    }
}

fn toolbar(model: &Model, dispatch: &Callback<Msg>) -> Html {
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
    let on_theme = dispatch
        .reform(|e: Event| Theme::parse(&select_value(&e)).map_or(Msg::Dismiss, Msg::SetTheme));
    let on_share = {
        let dispatch = dispatch.clone();
        Callback::from(move |_: MouseEvent| {
            let dispatch = dispatch.clone();
            let link = browser::href();
            wasm_bindgen_futures::spawn_local(async move {
                let copied = browser::copy(&link).await;
                let text = if copied {
                    format!(
                        "Link copied ({} characters). It holds the whole text: nothing is stored on a server.",
                        link.len()
                    )
                } else {
                    "Could not copy: copy the link from the address bar instead.".to_string()
                };
                dispatch.emit(Msg::Notify(Notice {
                    text,
                    error: !copied,
                }));
            });
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
            <label>{ "Level " }
                <select id="level" onchange={on_level}>
                    { for podsec::examples::LEVELS.iter().map(|&l| html! {
                        <option value={l.as_str()} selected={l == options.level}>{ l.as_str() }</option>
                    }) }
                </select>
            </label>
            <label>{ "Version " }
                <select id="version" onchange={on_version}>
                    { for podsec::examples::versions().into_iter().map(|v| html! {
                        <option value={v.label()} selected={v == options.version}>{ v.label() }</option>
                    }) }
                </select>
            </label>
            <label>{ "Runtime " }
                <select id="runtime" onchange={on_runtime}>
                    { for podsec::examples::RUNTIMES.iter().map(|&r| html! {
                        <option value={r.as_str()} selected={r == options.runtime}>{ r.as_str() }</option>
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
        </div>
    }
}
