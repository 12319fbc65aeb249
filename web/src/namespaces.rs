//! Namespace admission in the playground: the inputs (the request's namespace and user, and the
//! PodSecurity admission configuration) and the per-namespace results.
//!
//! Everything shown is the core's text (`podsec::admission::view` and `podsec::examples`); this
//! module lays it out, colouring each line by the tone the core gives it.

use podsec::admission::view::{Line, NextView, WorkloadView, view};
use podsec::examples::{
    ADMISSION_CONFIG_HELP, ADMISSION_CONFIG_SAMPLE, ADMISSION_SUMMARY, NAMESPACE_HELP,
    USERNAME_HELP,
};
use podsec::{Analysis, Options};
use web_sys::{HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

use crate::browser;
use crate::disclosure::{Disclosure, Lazy};
use crate::state::Msg;

/// The file name `kubectl apply -f` is given in the messages shown: the name the text downloads as.
pub const FILE: &str = "manifest.yaml";

/// The inputs' properties.
#[derive(Properties, PartialEq)]
pub struct AdmissionInputsProps {
    /// The options, whose namespace, user and admission configuration are shown.
    pub options: Options,
    /// Sends the user's changes.
    pub dispatch: Callback<Msg>,
}

/// The namespace-admission inputs, folded; open from the start when any of them is set (a link or
/// a draft that holds them).
#[component]
pub fn AdmissionInputs(props: &AdmissionInputsProps) -> Html {
    let o = &props.options;
    let set = o.namespace.is_some() || o.username.is_some() || o.admission_config.is_some();
    let initially = use_state(|| set);
    let namespace = o.namespace.clone().unwrap_or_default();
    let username = o.username.clone().unwrap_or_default();
    let config = o.admission_config.clone().unwrap_or_default();
    let dispatch = props.dispatch.clone();
    let content = Lazy::new(move || {
        let on_namespace = dispatch.reform(|e: InputEvent| {
            Msg::SetNamespace(e.target_unchecked_into::<HtmlInputElement>().value())
        });
        let on_username = dispatch.reform(|e: InputEvent| {
            Msg::SetUsername(e.target_unchecked_into::<HtmlInputElement>().value())
        });
        let on_config = dispatch.reform(|e: InputEvent| {
            Msg::SetAdmissionConfig(e.target_unchecked_into::<HtmlTextAreaElement>().value())
        });
        let on_sample = dispatch
            .reform(|_: MouseEvent| Msg::SetAdmissionConfig(ADMISSION_CONFIG_SAMPLE.into()));
        html! {
            <div class="admission-fields">
                <label class="field" for="admission-namespace">{ "Namespace" }</label>
                <input id="admission-namespace" type="text" spellcheck="false" autocomplete="off"
                    placeholder="default" value={namespace.clone()} oninput={on_namespace}
                    aria-describedby="help-admission-namespace" />
                <p id="help-admission-namespace" class="field-help">{ NAMESPACE_HELP }</p>
                <label class="field" for="admission-user">{ "User" }</label>
                <input id="admission-user" type="text" spellcheck="false" autocomplete="off"
                    value={username.clone()} oninput={on_username}
                    aria-describedby="help-admission-user" />
                <p id="help-admission-user" class="field-help">{ USERNAME_HELP }</p>
                <label class="field" for="admission-config">{ "Admission configuration" }</label>
                <textarea id="admission-config" rows="10" spellcheck="false" autocomplete="off"
                    value={config.clone()} oninput={on_config}
                    aria-describedby="help-admission-config" />
                <p id="help-admission-config" class="field-help">
                    { ADMISSION_CONFIG_HELP }{ " " }
                    <button type="button" id="admission-sample" class="link" onclick={on_sample}>
                        { "Start from a sample" }
                    </button>
                </p>
            </div>
        }
    });
    html! {
        <Disclosure class="admission-inputs" open={*initially}
            summary={html! { ADMISSION_SUMMARY }} {content} />
    }
}

/// A line in the colour of its tone.
fn line(l: &Line) -> Html {
    html! { <li class={classes!("tone", l.tone.as_str())}>{ &l.text }</li> }
}

/// A button that selects a line in the editor.
fn at(line: usize, on_select: &Callback<(usize, usize)>) -> Html {
    html! {
        <button type="button" class="loc" data-line={line.to_string()}
            aria-label={format!("Go to line {line}")}
            onclick={on_select.reform(move |_| (line, 1))}>
            { format!("line {line}") }
        </button>
    }
}

/// The fields a level asks to change, each a link to its place; `objects` names the object of
/// each (a namespace's list), a workload's own list does not.
fn changes(next: &NextView, objects: bool, on_select: &Callback<(usize, usize)>) -> Html {
    html! {
        <ul class="ns-changes">
            { for next.changes.iter().map(|c| {
                let (l, col) = (c.line, c.column);
                html! {
                    <li data-check={c.check}>
                        if objects {
                            <span class="ns-object">{ &c.object }</span>{ " " }
                        }
                        <code>{ &c.path }</code>{ ": " }{ &c.message }{ " " }
                        <button type="button" class="loc" data-line={l.to_string()}
                            aria-label={format!("Go to line {l}:{col}")}
                            onclick={on_select.reform(move |_| (l, col))}>
                            { format!("line {l}:{col}") }
                        </button>
                    </li>
                }
            }) }
        </ul>
    }
}

fn workload(w: &WorkloadView, on_select: &Callback<(usize, usize)>) -> Html {
    let id = format!("object-{}", w.index);
    let modes = {
        let w = w.clone();
        Lazy::new(move || {
            html! {
                <>
                    <ul class="ns-lines">
                        { for w.modes.iter().map(|m| html! {
                            <li class={classes!("tone", m.line.tone.as_str())}>
                                <span class="mode">{ m.mode }</span>{ " " }<code>{ &m.policy }</code>{ ": " }{ &m.line.text }
                            </li>
                        }) }
                    </ul>
                    if !w.pods.is_empty() {
                        <ul class="ns-lines pods">{ for w.pods.iter().map(line) }</ul>
                    }
                    if !w.annotations.is_empty() {
                        <p class="ns-label">{ "Audit annotations:" }</p>
                        <ul class="ns-annotations">
                            { for w.annotations.iter().map(|a| html! { <li><code>{ a }</code></li> }) }
                        </ul>
                    }
                </>
            }
        })
    };
    let next = w.next.as_ref().map(|n| {
        let n = n.clone();
        let on = on_select.clone();
        html! {
            <Disclosure class="ns-next" summary={html! { n.heading.clone() }}
                content={Lazy::new(move || changes(&n, false, &on))} />
        }
    });
    html! {
        <section class="ns-workload" data-title={w.title.clone()}>
            <h4>
                <span class="title">{ &w.title }</span>{ " " }{ at(w.line, on_select) }{ " " }
                <button type="button" class="jump" onclick={Callback::from(move |_: MouseEvent| browser::reveal(&id))}>
                    { "its findings" }
                </button>
            </h4>
            <p class={classes!("ns-verdict", "tone", w.verdict.tone.as_str())}>{ &w.verdict.text }</p>
            if let Some(note) = &w.namespace_note {
                <p class="ns-note">{ note }</p>
            }
            <p class="ns-label">{ "kubectl apply prints:" }</p>
            <ul class="kubectl">{ for w.apply.iter().map(line) }</ul>
            if let Some(event) = &w.event {
                <p class="ns-label">{ "and its controller records:" }</p>
                <ul class="kubectl"><li class="tone error">{ event }</li></ul>
            }
            <Disclosure class="ns-modes-detail" summary={html! { "Each mode, its pods and audit annotations" }} content={modes} />
            <p class="ns-strictest">{ &w.strictest }</p>
            { for next }
        </section>
    }
}

/// Every namespace with its policy and its workloads; nothing when the analysis decided no
/// namespace admission.
pub fn panel(analysis: &Analysis, on_select: &Callback<(usize, usize)>) -> Html {
    let Some(v) = view(analysis, FILE) else {
        return html! {};
    };
    html! {
        <section class="namespaces" aria-label="Namespace admission">
            <h2>{ &v.heading }</h2>
            if !v.notes.is_empty() {
                <ul class="ns-lines">{ for v.notes.iter().map(line) }</ul>
            }
            { for v.namespaces.iter().map(|n| html! {
                <article class="namespace" data-namespace={n.name.clone()}>
                    <h3>
                        { &n.heading }
                        if let Some(l) = n.line {
                            { " " }{ at(l, on_select) }
                        }
                    </h3>
                    <p class="ns-note">{ &n.about }</p>
                    <ul class="ns-modes">
                        { for n.modes.iter().map(|m| html! {
                            <li data-mode={m.mode}>
                                <span class="mode">{ m.mode }</span>{ " " }
                                <code class="policy">{ &m.policy }</code>{ " " }
                                <span class="detail">{ &m.detail }</span>
                            </li>
                        }) }
                    </ul>
                    if !n.notes.is_empty() {
                        <ul class="ns-lines">{ for n.notes.iter().map(line) }</ul>
                    }
                    { for n.workloads.iter().map(|w| workload(w, on_select)) }
                    <p class="ns-strictest">{ &n.strictest }</p>
                    if let Some(next) = &n.next {
                        <div class="ns-relabel">
                            <p class="ns-relabel-heading">{ &next.heading }{ ":" }</p>
                            { changes(next, true, on_select) }
                            if let Some(label) = &next.label {
                                <p class="ns-note">{ "then label it " }<code>{ label }</code></p>
                            }
                        </div>
                    }
                </article>
            }) }
        </section>
    }
}
