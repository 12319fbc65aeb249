//! The three result panels: findings with verdicts, the effective context, the hardened rewrite.
//!
//! Plain functions over core types; a click on a location calls `on_select(line, column)`.

use std::collections::BTreeMap;

use podsec::diff::{Line, diff_lines, split_lines};
use podsec::examples::{container_kind_label, is_implicit, level_heading, source_description};
use podsec::harden::Edit;
use podsec::{
    Analysis, ContainerReport, EffectiveValue, Finding, FindingLevel, Hardened, ObjectReport, Value,
};
use yew::prelude::*;

use crate::browser;
use crate::markdown;
use crate::state::{Msg, Notice};

/// Lines of context kept around each change in the hardened diff.
const CONTEXT: usize = 3;

fn location(line: usize, column: usize, on_select: &Callback<(usize, usize)>) -> Html {
    labelled_location(format!("line {line}:{column}"), line, column, on_select)
}

fn labelled_location(
    label: String,
    line: usize,
    column: usize,
    on_select: &Callback<(usize, usize)>,
) -> Html {
    html! {
        <button type="button" class="loc" data-line={line.to_string()}
            aria-label={format!("Go to {label}")}
            onclick={on_select.reform(move |_| (line, column))}>
            { label }
        </button>
    }
}

fn object_title(o: &ObjectReport) -> Html {
    html! {
        <h2 class="object-title">
            <span class="kind">{ &o.kind }</span>{ " " }
            <span class="name">{ if o.name.is_empty() { "(unnamed)" } else { &o.name } }</span>
            if let Some(ns) = &o.namespace {
                <span class="ns">{ format!(" in {ns}") }</span>
            }
        </h2>
    }
}

fn verdict(analysis: &Analysis, o: &ObjectReport) -> Html {
    let label = policy_label(analysis);
    if o.allowed {
        html! {
            <p class="verdict admitted">{ format!("Would be admitted at {label}") }</p>
        }
    } else {
        html! {
            <div class="verdict denied">
                <p>{ format!("Would not be admitted at {label}") }</p>
                if let Some(message) = &o.admission_message {
                    <pre class="admission">{ message }</pre>
                }
            </div>
        }
    }
}

fn errors_and_skipped(analysis: &Analysis, on_select: &Callback<(usize, usize)>) -> Html {
    html! {
        <>
            if !analysis.errors.is_empty() {
                <section class="errors" aria-label="Syntax errors">
                    <h2>{ "The text does not parse" }</h2>
                    <ul>
                        { for analysis.errors.iter().map(|e| html! {
                            <li class="error">
                                { labelled_location(format!("line {}, column {}", e.line, e.column), e.line, e.column, on_select) }
                                { ": " }<span class="message">{ &e.message }</span>
                            </li>
                        }) }
                    </ul>
                </section>
            }
            if !analysis.skipped.is_empty() {
                <section class="skipped" aria-label="Skipped objects">
                    <h2>{ "Not analysed" }</h2>
                    <ul>
                        { for analysis.skipped.iter().map(|s| html! {
                            <li class="skip">
                                { location(s.line, 1, on_select) }{ " " }
                                <span class="kind">{ &s.kind }</span>{ " " }
                                <span class="name">{ &s.name }</span>{ ": " }
                                <span class="reason">{ &s.reason }</span>
                            </li>
                        }) }
                    </ul>
                </section>
            }
            if analysis.errors.is_empty() && analysis.objects.is_empty() && analysis.skipped.is_empty() {
                <p class="empty">{ "No workload objects yet: paste a Pod, Deployment, Job or any workload." }</p>
            }
        </>
    }
}

fn check_docs(id: &str) -> Html {
    let Some(check) = podsec::check::find(id) else {
        return html! {};
    };
    let d = &check.docs;
    html! {
        <details class="docs">
            <summary>{ format!("About {id}") }</summary>
            <p class="summary">{ markdown::render_inline(check.summary) }</p>
            <h4>{ "What it looks for" }</h4>
            { markdown::render(d.what) }
            <h4>{ "Why it matters" }</h4>
            { markdown::render(d.why) }
            if !d.use_instead.is_empty() {
                <h4>{ "Write instead" }</h4>
                <pre class="yaml">{ d.use_instead }</pre>
            }
            if !d.fix_safety.is_empty() {
                <h4>{ "Is the fix safe?" }</h4>
                { markdown::render(d.fix_safety) }
            }
            if !d.policy.is_empty() {
                <h4>{ "Policy" }</h4>
                { markdown::render(d.policy) }
            }
            if !d.references.is_empty() {
                <h4>{ "References" }</h4>
                <ul class="refs">{ for d.references.iter().map(|r| html! { <li>{ markdown::reference(r) }</li> }) }</ul>
            }
        </details>
    }
}

fn finding(f: &Finding, on_select: &Callback<(usize, usize)>) -> Html {
    html! {
        <li class={classes!("finding", f.level.as_str())} data-check={f.check.clone()} data-line={f.line.to_string()}>
            <div class="finding-head">
                <span class={classes!("badge", f.level.as_str())}>{ f.level.as_str() }</span>
                <span class="message">{ &f.message }</span>
                { location(f.line, f.column, on_select) }
            </div>
            if !f.related.is_empty() {
                <ul class="related">
                    { for f.related.iter().map(|r| html! {
                        <li>{ &r.message }{ " " }{ location(r.line, r.column, on_select) }</li>
                    }) }
                </ul>
            }
            if let Some(fix) = &f.fix {
                <p class="fix">
                    <span class={classes!("grade", fix.applicability.as_str())}>{ format!("fix, {}", fix.applicability.as_str()) }</span>
                    { " " }{ &fix.title }
                    if let Some(note) = &fix.note {
                        <span class="note">{ format!(" ({note})") }</span>
                    }
                </p>
            }
            { check_docs(&f.check) }
        </li>
    }
}

fn object_findings(
    analysis: &Analysis,
    o: &ObjectReport,
    on_select: &Callback<(usize, usize)>,
) -> Html {
    let mut groups: BTreeMap<FindingLevel, Vec<&Finding>> = BTreeMap::new();
    for f in &o.findings {
        groups.entry(f.level).or_default().push(f);
    }
    html! {
        <article class="object" data-kind={o.kind.clone()} data-name={o.name.clone()}>
            <header class="object-head">
                { object_title(o) }
                { location(o.line, 1, on_select) }
            </header>
            { verdict(analysis, o) }
            if groups.is_empty() {
                <p class="clean">{ "No findings." }</p>
            }
            { for groups.iter().map(|(level, fs)| html! {
                <section class={classes!("group", level.as_str())}>
                    <h3>{ format!("{} ({})", level_heading(*level), fs.len()) }</h3>
                    <ul class="findings">{ for fs.iter().map(|f| finding(f, on_select)) }</ul>
                </section>
            }) }
            if !o.passes.is_empty() {
                <details class="passes">
                    <summary>{ if o.passes.len() == 1 { "Why 1 Pod Security Standards check passes".to_string() } else { format!("Why {} Pod Security Standards checks pass", o.passes.len()) } }</summary>
                    <ul>
                        { for o.passes.iter().map(|p| html! {
                            <li class="pass" data-check={p.check}>
                                <code>{ p.check }</code>{ ": " }{ &p.reason }
                                if let Some(line) = p.line {
                                    { " " }{ location(line, 1, on_select) }
                                }
                            </li>
                        }) }
                    </ul>
                </details>
            }
        </article>
    }
}

/// The level and version decided at, as the admission message names them: `restricted:latest
/// (v1.37)` when the latest version was asked for, `baseline:v1.25` otherwise.
pub fn policy_label(analysis: &Analysis) -> String {
    let level = analysis.level.as_str();
    let requested = analysis.requested_version.label();
    if requested == analysis.version {
        format!("{level}:{requested}")
    } else {
        format!("{level}:{requested} ({})", analysis.version)
    }
}

/// Findings grouped by object and level, with verdicts.
pub fn findings_panel(analysis: &Analysis, on_select: &Callback<(usize, usize)>) -> Html {
    html! {
        <>
            { errors_and_skipped(analysis, on_select) }
            <div class="objects">
                { for analysis.objects.iter().map(|o| object_findings(analysis, o, on_select)) }
            </div>
        </>
    }
}

/// A value as Kubernetes would show it.
fn show(value: &Value) -> String {
    match value {
        Value::Null => "unset".to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Str(s) => s.clone(),
        Value::List(items) => {
            let items: Vec<String> = items.iter().map(show).collect();
            format!("[{}]", items.join(", "))
        }
        Value::Object(entries) => {
            let entries: Vec<String> = entries
                .iter()
                .map(|(k, v)| format!("{k}: {}", show(v)))
                .collect();
            format!("{{{}}}", entries.join(", "))
        }
    }
}

fn effective_row(
    name: &'static str,
    v: &EffectiveValue,
    on_select: &Callback<(usize, usize)>,
) -> Html {
    let glossary = podsec::glossary::lookup(name);
    let implicit = is_implicit(v.source);
    html! {
        <tr data-field={name} class={classes!(implicit.then_some("implicit"))}>
            <th scope="row">
                if let Some(doc) = glossary {
                    <details class="glossary">
                        <summary><code>{ name }</code></summary>
                        { markdown::render(doc.what) }
                        <dl>
                            <dt>{ "When unset" }</dt>
                            <dd>{ markdown::render(doc.default) }</dd>
                            <dt>{ "Interactions" }</dt>
                            <dd>{ markdown::render(doc.interactions) }</dd>
                            <dt>{ "Written in" }</dt>
                            <dd class="scope">{ doc.scope.describe() }</dd>
                        </dl>
                    </details>
                } else {
                    <code>{ name }</code>
                }
            </th>
            <td class="value">
                <code>{ show(&v.value) }</code>
                if let Some(note) = &v.note {
                    <span class="note">{ note }</span>
                }
            </td>
            <td>
                <span class={classes!("src", v.source.as_str())} title={source_description(v.source)}>
                    { v.source.as_str() }
                    if implicit { <span class="assumed" aria-label="assumed, not written in the text">{ "*" }</span> }
                </span>
            </td>
            <td>
                if let Some(line) = v.line {
                    { location(line, 1, on_select) }
                }
            </td>
        </tr>
    }
}

fn container_card(c: &ContainerReport, on_select: &Callback<(usize, usize)>) -> Html {
    html! {
        <section class="container" data-container={c.name.clone()}>
            <h3>
                <span class={classes!("ctype", container_kind_label(c.kind))}>{ container_kind_label(c.kind) }</span>
                { " " }<span class="cname">{ &c.name }</span>{ " " }
                { location(c.line, 1, on_select) }
            </h3>
            <table class="effective">
                <thead>
                    <tr><th scope="col">{ "Field" }</th><th scope="col">{ "Effective value" }</th>
                        <th scope="col">{ "Source" }</th><th scope="col">{ "Line" }</th></tr>
                </thead>
                <tbody>
                    { for c.effective.fields.iter().map(|(name, v)| effective_row(name, v, on_select)) }
                </tbody>
            </table>
        </section>
    }
}

/// The effective security context of every container of every object.
pub fn effective_panel(analysis: &Analysis, on_select: &Callback<(usize, usize)>) -> Html {
    html! {
        <>
            { errors_and_skipped(analysis, on_select) }
            <p class="legend">
                { "Source badges say where each value comes from; " }
                <span class="src default">{ "default" }<span class="assumed">{ "*" }</span></span>
                { " values are not in your text (defaults, the runtime or the image). Click a field for its explanation." }
            </p>
            { for analysis.objects.iter().map(|o| html! {
                <article class="object" data-kind={o.kind.clone()} data-name={o.name.clone()}>
                    <header class="object-head">{ object_title(o) }{ location(o.line, 1, on_select) }</header>
                    { for o.containers.iter().map(|c| container_card(c, on_select)) }
                </article>
            }) }
        </>
    }
}

/// One side of a row: a 0-based line index and its text.
type Cell<'a> = Option<(usize, &'a str)>;

/// One row of the side-by-side view.
enum Row<'a> {
    /// Old and new line, either possibly missing.
    Pair(Cell<'a>, Cell<'a>),
    /// A run of unchanged lines left out.
    Fold(usize),
}

fn rows<'a>(old: &[&'a str], new: &[&'a str]) -> Vec<Row<'a>> {
    let ops = diff_lines(old, new);
    let mut pairs: Vec<(Cell<'a>, Cell<'a>)> = Vec::new();
    let mut removed: Vec<usize> = Vec::new();
    let mut added: Vec<usize> = Vec::new();
    let flush = |pairs: &mut Vec<_>, removed: &mut Vec<usize>, added: &mut Vec<usize>| {
        for i in 0..removed.len().max(added.len()) {
            let o = removed
                .get(i)
                .map(|&k| (k, old.get(k).copied().unwrap_or("")));
            let n = added
                .get(i)
                .map(|&k| (k, new.get(k).copied().unwrap_or("")));
            pairs.push((o, n));
        }
        removed.clear();
        added.clear();
    };
    for op in ops {
        match op {
            Line::Removed { old: k } => removed.push(k),
            Line::Added { new: k } => added.push(k),
            Line::Same { old: a, new: b } => {
                flush(&mut pairs, &mut removed, &mut added);
                pairs.push((
                    Some((a, old.get(a).copied().unwrap_or(""))),
                    Some((b, new.get(b).copied().unwrap_or(""))),
                ));
            }
        }
    }
    flush(&mut pairs, &mut removed, &mut added);
    let changed: Vec<bool> = pairs
        .iter()
        .map(|(o, n)| match (o, n) {
            (Some((_, a)), Some((_, b))) => a != b,
            _ => true,
        })
        .collect();
    let near = |i: usize| {
        let lo = i.saturating_sub(CONTEXT);
        let hi = (i + CONTEXT).min(changed.len().saturating_sub(1));
        (lo..=hi).any(|j| changed.get(j).copied().unwrap_or(false))
    };
    let mut out = Vec::new();
    let mut folded = 0;
    for (i, (o, n)) in pairs.into_iter().enumerate() {
        if near(i) {
            if folded > 0 {
                out.push(Row::Fold(folded));
                folded = 0;
            }
            out.push(Row::Pair(o, n));
        } else {
            folded += 1;
        }
    }
    if folded > 0 {
        out.push(Row::Fold(folded));
    }
    out
}

fn side(cell: Option<(usize, &str)>, changed: bool, class: &'static str) -> Html {
    match cell {
        Some((i, text)) => html! {
            <>
                <td class="ln">{ i + 1 }</td>
                <td class={classes!("code", class, changed.then_some("changed"))}>
                    { text.trim_end_matches(['\n', '\r']) }
                </td>
            </>
        },
        None => html! { <><td class="ln"></td><td class={classes!("code", "blank")}></td></> },
    }
}

fn edit_note(e: &Edit) -> Html {
    html! {
        <>
            <span class={classes!("grade", e.grade.as_str())}>{ e.grade.as_str() }</span>
            { " " }{ &e.title }
            <span class="fixes">{ format!(" (fixes {})", e.checks.join(", ")) }</span>
            if let Some(note) = &e.note {
                <span class="note">{ format!(": {note}") }</span>
            }
        </>
    }
}

/// The original and hardened texts side by side, with the edits explained.
pub fn hardened_panel(
    analysis: &Analysis,
    original: &str,
    hardened: &Hardened,
    include_unsafe: bool,
    dispatch: &Callback<Msg>,
) -> Html {
    let old = split_lines(original);
    let new = split_lines(&hardened.text);
    // Annotations by the first output line each applied edit wrote.
    let mut notes: BTreeMap<usize, Vec<&Edit>> = BTreeMap::new();
    for e in hardened.edits.iter().filter(|e| e.applied) {
        if let Some((first, _)) = e.lines {
            notes.entry(first).or_default().push(e);
        }
    }
    let label = policy_label(analysis);
    let on_unsafe = dispatch.reform(|e: Event| {
        let input: web_sys::HtmlInputElement = e.target_unchecked_into();
        Msg::SetUnsafe(input.checked())
    });
    let on_copy = {
        let dispatch = dispatch.clone();
        let text = hardened.text.clone();
        Callback::from(move |_: MouseEvent| {
            let dispatch = dispatch.clone();
            let text = text.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let copied = browser::copy(&text).await;
                let notice = if copied {
                    Notice::info("Hardened YAML copied.")
                } else {
                    Notice::error("Could not copy: select the text and copy it by hand.")
                };
                dispatch.emit(Msg::Notify(notice));
            });
        })
    };
    let on_download = {
        let text = hardened.text.clone();
        Callback::from(move |_: MouseEvent| browser::download("hardened.yaml", &text))
    };
    let applied = hardened.edits.iter().filter(|e| e.applied).count();
    html! {
        <>
            <div class="hardened-controls">
                <label class="check">
                    <input type="checkbox" id="include-unsafe" checked={include_unsafe} onchange={on_unsafe} />
                    { " Include unsafe edits (they may stop a working workload)" }
                </label>
                <button type="button" id="copy-hardened" onclick={on_copy}>{ "Copy hardened YAML" }</button>
                <button type="button" id="download-hardened" onclick={on_download}>{ "Download" }</button>
            </div>
            <ul class="hardened-verdicts">
                { for hardened.objects.iter().map(|v| html! {
                    <li class={classes!("verdict", if v.after { "admitted" } else { "denied" })}>
                        { format!("{} {}: {} at {label} after the rewrite{}; findings {} → {}",
                            v.object.kind, v.object.name,
                            if v.after { "admitted" } else { "still not admitted" },
                            if v.before == v.after { String::new() } else if v.before { " (was admitted)".to_string() } else { " (was not)".to_string() },
                            v.findings_before, v.findings_after) }
                    </li>
                }) }
            </ul>
            if !hardened.changed {
                <p class="empty">{ format!("Nothing to change{}.", if include_unsafe { "" } else { " with safe edits; try including unsafe ones" }) }</p>
            } else {
                <p class="summary">{ format!("{applied} edit{} applied; unchanged lines are folded.", if applied == 1 { "" } else { "s" }) }</p>
                <div class="diff-wrap">
                    <table class="diff">
                        <thead><tr><th class="ln"></th><th scope="col">{ "Original" }</th><th class="ln"></th><th scope="col">{ "Hardened" }</th></tr></thead>
                        <tbody>
                            { for rows(&old, &new).into_iter().map(|row| match row {
                                Row::Fold(n) => html! {
                                    <tr class="fold"><td colspan="4">{ format!("⋯ {n} unchanged line{}", if n == 1 { "" } else { "s" }) }</td></tr>
                                },
                                Row::Pair(o, n) => {
                                    let changed = match (o, n) { (Some((_, a)), Some((_, b))) => a != b, _ => true };
                                    let annotate = n.and_then(|(i, _)| notes.get(&(i + 1)));
                                    html! {
                                        <>
                                            <tr class={classes!(changed.then_some("changed"))}>
                                                { side(o, changed, "old") }
                                                { side(n, changed, "new") }
                                            </tr>
                                            if let Some(edits) = annotate {
                                                { for edits.iter().map(|e| html! {
                                                    <tr class="annotation"><td colspan="2"></td><td colspan="2">{ edit_note(e) }</td></tr>
                                                }) }
                                            }
                                        </>
                                    }
                                }
                            }) }
                        </tbody>
                    </table>
                </div>
            }
            <details class="edits" open={hardened.edits.iter().any(|e| !e.applied)}>
                <summary>{ format!("All {} fix{} offered", hardened.edits.len(), if hardened.edits.len() == 1 { "" } else { "es" }) }</summary>
                <ul>
                    { for hardened.edits.iter().map(|e| html! {
                        <li class={classes!("edit", if e.applied { "applied" } else { "not-applied" })}>
                            { edit_note(e) }
                            { format!(" · {} {}", e.object.kind, e.object.name) }
                            if let Some(c) = &e.container { { format!(" · container \"{c}\"") } }
                            if let Some(why) = &e.skipped { <span class="skipped-why">{ format!(" · not applied: {why}") }</span> }
                        </li>
                    }) }
                </ul>
            </details>
        </>
    }
}
