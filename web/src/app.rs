//! The view: a textarea for the manifest and the analysis of what it holds.
//!
//! The analysis is derived from the model with `use_memo`, never stored. Rendering is plain
//! functions over core types; all Kubernetes knowledge stays in the core.

use std::rc::Rc;

use podsec::{Analysis, ContainerReport, ObjectReport, ParseError, PssLevel, Skipped};
use web_sys::{HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

use crate::state::{Model, Msg, update};

impl Reducible for Model {
    type Action = Msg;

    fn reduce(self: Rc<Self>, msg: Msg) -> Rc<Self> {
        Rc::new(update(&self, msg))
    }
}

const LEVELS: [PssLevel; 3] = [
    PssLevel::Privileged,
    PssLevel::Baseline,
    PssLevel::Restricted,
];

/// The whole page.
#[component]
pub fn App() -> Html {
    let model = use_reducer(Model::default);
    let analysis = use_memo(
        (model.text.clone(), model.options.clone()),
        |(text, options)| podsec::analyze(text, options),
    );
    let oninput = {
        let model = model.clone();
        Callback::from(move |e: InputEvent| {
            let area: HtmlTextAreaElement = e.target_unchecked_into();
            model.dispatch(Msg::Edit(area.value()));
        })
    };
    let onchange = {
        let model = model.clone();
        Callback::from(move |e: Event| {
            let select: HtmlSelectElement = e.target_unchecked_into();
            if let Some(level) = PssLevel::parse(&select.value()) {
                model.dispatch(Msg::SetLevel(level));
            }
        })
    };
    let level = model.options.level;

    html! {
        <main>
            <header>
                <h1>{ "podsec" }</h1>
                <p>{ "Kubernetes security contexts, checked as you type. Nothing leaves your browser." }</p>
            </header>
            <div class="panes">
                <section class="editor">
                    <label for="manifest">{ "Manifest (YAML or JSON)" }</label>
                    <textarea id="manifest" spellcheck="false" autocomplete="off"
                        value={model.text.to_string()} {oninput} />
                    <label for="level">{ "Level " }
                        <select id="level" {onchange}>
                            { for LEVELS.iter().map(|&l| html! {
                                <option value={l.as_str()} selected={l == level}>{ l.as_str() }</option>
                            }) }
                        </select>
                    </label>
                </section>
                <section class="results" aria-live="polite">
                    { view_analysis(&analysis) }
                </section>
            </div>
        </main>
    }
}

fn view_analysis(analysis: &Analysis) -> Html {
    let nothing =
        analysis.errors.is_empty() && analysis.objects.is_empty() && analysis.skipped.is_empty();
    html! {
        <>
            if !analysis.errors.is_empty() {
                <ul class="errors">{ for analysis.errors.iter().map(view_error) }</ul>
            }
            if !analysis.objects.is_empty() {
                <ul class="objects">{ for analysis.objects.iter().map(view_object) }</ul>
            }
            if !analysis.skipped.is_empty() {
                <ul class="skipped">{ for analysis.skipped.iter().map(view_skipped) }</ul>
            }
            if nothing {
                <p class="empty">{ "No workload objects yet." }</p>
            }
        </>
    }
}

fn view_error(error: &ParseError) -> Html {
    html! {
        <li class="error">
            { format!("line {}, column {}: {}", error.line, error.column, error.message) }
        </li>
    }
}

fn view_object(object: &ObjectReport) -> Html {
    let verdict = if object.allowed { "allowed" } else { "denied" };
    html! {
        <li class="object">
            <span class="kind">{ &object.kind }</span>
            { " " }
            <span class="name">{ &object.name }</span>
            { " " }
            <span class="line">{ format!("line {}", object.line) }</span>
            { " " }
            <span class={classes!("verdict", verdict)}>{ verdict }</span>
            if let Some(message) = &object.admission_message {
                <p class="admission">{ message }</p>
            }
            <ul class="containers">{ for object.containers.iter().map(view_container) }</ul>
        </li>
    }
}

fn view_container(container: &ContainerReport) -> Html {
    html! {
        <li class="container">
            <span class="name">{ &container.name }</span>
            { " " }
            <span class="type">{ container.kind }</span>
            { " " }
            <span class="line">{ format!("line {}", container.line) }</span>
        </li>
    }
}

fn view_skipped(skipped: &Skipped) -> Html {
    html! {
        <li class="skipped">
            { format!("line {}: {} {} skipped: {}", skipped.line, skipped.kind, skipped.name, skipped.reason) }
        </li>
    }
}
