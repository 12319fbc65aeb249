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
use crate::worker::{Answer, Client, Latest, SYNC_LIMIT};

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

    // Small texts are analysed here, synchronously; large ones by the worker (see `worker`), while
    // the page keeps showing the last analysis and says that a new one is coming.
    let last_sync: Rc<RefCell<Option<Rc<Derived>>>> = use_mut_ref(|| None);
    let sync = {
        let last_ms = last_ms.clone();
        let last_sync = last_sync.clone();
        use_memo(
            (model.text.clone(), model.options.clone()),
            move |(text, options)| {
                (text.len() <= SYNC_LIMIT).then(|| {
                    let started = browser::now();
                    let analysis = podsec::analyze(text, options);
                    let ms = browser::now() - started;
                    *last_ms.borrow_mut() = ms;
                    let derived = Rc::new(Derived {
                        analysis,
                        started,
                        ms,
                    });
                    *last_sync.borrow_mut() = Some(derived.clone());
                    derived
                })
            },
        )
    };
    let from_worker: UseStateHandle<Option<Rc<Derived>>> = use_state(|| None);
    let latest: Rc<RefCell<Latest>> = use_mut_ref(Latest::default);
    let client: Rc<RefCell<Option<Client>>> = use_mut_ref(|| None);
    let busy = use_state_eq(|| false);
    {
        let from_worker = from_worker.clone();
        let latest = latest.clone();
        let client = client.clone();
        let last_ms = last_ms.clone();
        let busy = busy.clone();
        use_effect_with(
            (model.text.clone(), model.options.clone()),
            move |(text, options)| {
                // A newer request, or a synchronous analysis, makes any answer in flight stale.
                let seq = latest.borrow_mut().send();
                if text.len() <= SYNC_LIMIT {
                    latest.borrow_mut().accept(seq);
                    busy.set(false);
                    if from_worker.is_some() {
                        from_worker.set(None);
                    }
                    return;
                }
                if client.borrow().is_none() {
                    let shown = from_worker.clone();
                    let awaited = latest.clone();
                    let busy = busy.clone();
                    let on_answer = move |answer: Answer| {
                        if !awaited.borrow_mut().accept(answer.seq) {
                            return;
                        }
                        *last_ms.borrow_mut() = answer.ms;
                        busy.set(false);
                        shown.set(Some(Rc::new(Derived {
                            analysis: answer.analysis,
                            started: answer.started,
                            ms: answer.ms,
                        })));
                    };
                    match Client::start(on_answer) {
                        Ok(c) => *client.borrow_mut() = Some(c),
                        Err(_) => {
                            // No worker (a locked-down browser): analyse here after all.
                            let started = browser::now();
                            let analysis = podsec::analyze(text, options);
                            let ms = browser::now() - started;
                            latest.borrow_mut().accept(seq);
                            from_worker.set(Some(Rc::new(Derived {
                                analysis,
                                started,
                                ms,
                            })));
                            return;
                        }
                    }
                }
                if let Some(c) = &*client.borrow() {
                    busy.set(true);
                    c.request(seq, text, options, browser::now());
                }
            },
        );
    }
    let shown = (*sync)
        .clone()
        .or_else(|| (*from_worker).clone())
        .or_else(|| last_sync.borrow().clone());
    let derived: Rc<Derived> = match shown {
        Some(d) => d,
        None => Rc::new(Derived {
            analysis: podsec::analyze("", &model.options),
            started: browser::now(),
            ms: 0.0,
        }),
    };
    let hardened: Rc<Option<Hardened>> = use_memo(
        (
            model.text.clone(),
            model.options.clone(),
            model.include_unsafe,
            model.tab == Tab::Hardened,
        ),
        |(text, options, include_unsafe, shown)| {
            shown.then(|| {
                podsec::harden(
                    text,
                    &HardenOptions {
                        analysis: options.clone(),
                        threshold: if *include_unsafe {
                            Applicability::Unsafe
                        } else {
                            Applicability::Safe
                        },
                    },
                )
            })
        },
    );

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
    // The address bar and the saved draft follow the shared state, a moment after the last change
    // so that compressing a large text never delays the findings.
    {
        let saving = saving.clone();
        use_effect_with(model.shared(), move |shared| {
            let shared = shared.clone();
            let delay = if shared.text.len() > 64 * 1024 {
                600
            } else {
                0
            };
            *saving.borrow_mut() = Some(Timeout::new(delay, move || {
                let encoded = permalink::encode(&shared);
                browser::replace_fragment(&encoded);
                browser::save_draft(&encoded);
            }));
        });
    }
    use_effect_with(model.theme, |theme| browser::apply_theme(theme.as_str()));
    use_effect_with((), |()| browser::register_service_worker());
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

    let analysis = &derived.analysis;
    let panel = match model.tab {
        Tab::Findings => findings_panel(analysis, &on_select),
        Tab::Effective => effective_panel(analysis, &on_select),
        Tab::Hardened => match &*hardened {
            Some(h) => hardened_panel(analysis, &model.text, h, model.include_unsafe, &dispatch),
            None => html! {},
        },
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
                    <p class="status" ref={status} aria-live="polite" aria-busy={if *busy { "true" } else { "false" }} data-analysis-ms={format!("{:.1}", derived.ms)}>
                        { format!("{objects} workload{} · {findings} finding{} · analysed in {} ms",
                            plural(objects), plural(findings), format_ms(derived.ms)) }
                        if *busy { { " · analysing…" } }
                    </p>
                </section>
                <section class="results" aria-label="Results">
                    <div class="tabs" role="tablist" aria-label="Panels">
                        { for Tab::ALL.into_iter().map(|tab| {
                            let selected = tab == model.tab;
                            html! {
                                <button type="button" role="tab" id={format!("tab-{}", tab.id())}
                                    aria-selected={if selected { "true" } else { "false" }}
                                    aria-controls="panel"
                                    class={classes!("tab", selected.then_some("selected"))}
                                    onclick={dispatch.reform(move |_| Msg::SetTab(tab))}>
                                    { tab.label() }
                                </button>
                            }
                        }) }
                    </div>
                    <div id="panel" role="tabpanel" class={classes!("panel", model.tab.id())}
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

fn toolbar(model: &Model, dispatch: &Callback<Msg>) -> Html {
    let on_example = dispatch.reform(|e: Event| {
        let id = select_value(&e);
        let select: HtmlSelectElement = e.target_unchecked_into();
        select.set_value("");
        match podsec::examples::find(&id) {
            Some(example) => Msg::Load(example.yaml.to_string()),
            None => Msg::Dismiss,
        }
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
                    <option value="" selected=true>{ "Load an example…" }</option>
                    { for podsec::examples::EXAMPLES.iter().map(|e| html! {
                        <option value={e.id} title={e.about}>{ e.title }</option>
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
            <button type="button" id="share" onclick={on_share}>{ "Copy link" }</button>
        </div>
    }
}
