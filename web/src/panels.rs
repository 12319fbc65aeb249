//! The three result panels: findings with verdicts, the effective context, the hardened rewrite.
//!
//! Plain functions over core types; a click on a location calls `on_select(line, column)`.
//! Blocks shown on demand (a check's docs, a field's explanation, folded lines) are
//! [`Disclosure`]s, built only once opened.

use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use podsec::diff::{Cell, Row, side_by_side, split_lines};
use podsec::examples::{
    POD_LEVEL, container_kind_label, is_implicit, level_heading, source_description,
    verdict_heading,
};
use podsec::harden::Edit;
use podsec::{
    Analysis, ContainerReport, EffectiveValue, Finding, FindingLevel, Hardened, ObjectReport, Value,
};
use yew::prelude::*;

use crate::browser;
use crate::disclosure::{Disclosure, Lazy};
use crate::markdown;
use crate::state::{Grouping, Msg, Notice};

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
            <span class="name">{ podsec::model::heading_name(&o.name, o.generate_name.as_deref()).into_owned() }</span>
            if let Some(ns) = &o.namespace {
                <span class="ns">{ format!(" in {ns}") }</span>
            }
        </h2>
    }
}

fn verdict(analysis: &Analysis, o: &ObjectReport) -> Html {
    let heading = verdict_heading(o, &policy_label(analysis));
    html! {
        <div class={classes!("verdict", if o.allowed { "admitted" } else { "denied" })}>
            <p>{ heading }</p>
            if let Some(message) = o.admission_message.as_ref().filter(|_| !o.allowed) {
                <pre class="admission">{ message }</pre>
            }
        </div>
    }
}

/// What the results are: the analysis of the text shown, or, while the text does not parse, the
/// last results that did, marked as stale.
#[derive(Clone, Copy)]
pub struct Results<'a> {
    /// The analysis of the text in the editor (its errors are always shown).
    pub current: &'a Analysis,
    /// The analysis whose objects are shown: `current`, or an earlier one while `current` has a
    /// parse error and fewer objects.
    pub shown: &'a Analysis,
}

impl Results<'_> {
    /// Whether the objects shown are from an earlier text.
    pub fn stale(&self) -> bool {
        !std::ptr::eq(self.current, self.shown)
    }
}

/// The parse errors (first), and a word when the results shown are an earlier text's.
fn errors(results: Results<'_>, on_select: &Callback<(usize, usize)>) -> Html {
    let analysis = results.current;
    html! {
        <>
            if !analysis.errors.is_empty() {
                <section class="errors" id="parse-errors" aria-label="Syntax errors">
                    <h2>{ "The text does not parse" }</h2>
                    <ul>
                        { for analysis.errors.iter().map(|e| html! {
                            <li class="error">
                                { labelled_location(format!("line {}, column {}", e.line, e.column), e.line, e.column, on_select) }
                                { ": " }<span class="message">{ &e.message }</span>
                                if let Some(help) = &e.help {
                                    <p class="help">{ help }</p>
                                }
                            </li>
                        }) }
                    </ul>
                </section>
            }
            if results.stale() {
                <p class="stale-note" role="note">
                    { "The results below are from the last version of the text that parsed; they come back up to date once the error is fixed." }
                </p>
            }
            if analysis.errors.is_empty() && analysis.objects.is_empty() && analysis.skipped.is_empty() {
                <p class="empty">{ "No workload objects yet: paste a Pod, Deployment, Job or any workload." }</p>
            }
        </>
    }
}

/// The objects not analysed, folded, after the workloads.
fn skipped(analysis: &Analysis, on_select: &Callback<(usize, usize)>) -> Html {
    if analysis.skipped.is_empty() {
        return html! {};
    }
    // "3 Namespace, 2 ConfigMap": what is folded, most frequent kind first.
    let mut kinds: BTreeMap<&str, usize> = BTreeMap::new();
    for s in &analysis.skipped {
        *kinds.entry(s.kind.as_str()).or_default() += 1;
    }
    let mut kinds: Vec<(&str, usize)> = kinds.into_iter().collect();
    podsec::order::sort_by_key(&mut kinds, |k| u64::MAX - k.1 as u64);
    let kinds: Vec<String> = kinds
        .iter()
        .take(4)
        .map(|(k, n)| format!("{n} {}", if k.is_empty() { "without kind" } else { k }))
        .collect();
    let n = analysis.skipped.len();
    let summary = format!(
        "Not analysed: {n} other object{} ({}{})",
        plural(n),
        kinds.join(", "),
        if kinds.len() < 4 { "" } else { ", …" }
    );
    let list = Rc::new(analysis.skipped.clone());
    let on_select = on_select.clone();
    let content = Lazy::new(move || {
        html! {
            <ul>
                { for list.iter().map(|s| html! {
                    <li class="skip">
                        { location(s.line, 1, &on_select) }{ " " }
                        <span class="kind">{ &s.kind }</span>{ " " }
                        <span class="name">{ &s.name }</span>{ ": " }
                        <span class="reason">{ &s.reason }</span>
                    </li>
                }) }
            </ul>
        }
    });
    html! {
        <section class="skipped" aria-label="Skipped objects">
            <Disclosure summary={html! { summary }} {content} />
        </section>
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn check_docs(id: &str) -> Html {
    if podsec::check::find(id).is_none() {
        return html! {};
    }
    let owned = id.to_string();
    html! {
        <Disclosure class="docs" summary={html! { format!("About {id}") }}
            content={Lazy::new(move || docs_body(&owned))} />
    }
}

fn docs_body(id: &str) -> Html {
    let Some(check) = podsec::check::find(id) else {
        return html! {};
    };
    html! {
        <>
            <p class="summary">{ markdown::render_inline(check.summary) }</p>
            <crate::learner::CheckDocs id={check.id} full=true />
        </>
    }
}

fn finding(f: &Finding, on_select: &Callback<(usize, usize)>) -> Html {
    html! {
        <li class={classes!("finding", f.level.as_str())} data-check={f.check} data-line={f.line.to_string()}>
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
                    if fix.applicability != podsec::Applicability::Manual && !fix.patches.is_empty() {
                        { " " }{ apply_button(f) }
                    }
                </p>
            }
            { check_docs(f.check) }
        </li>
    }
}

/// "Apply": this finding's fix alone, as one undoable edit of the editor's text (see `code.rs`).
fn apply_button(f: &Finding) -> Html {
    let (check, path, line) = (f.check, f.path.clone(), f.line);
    let onclick = Callback::from(move |_: MouseEvent| {
        crate::code::apply_finding(check, &path, line);
    });
    html! {
        <button type="button" class="apply" {onclick}
            aria-label={format!("Apply the fix: {}", f.fix.as_ref().map_or("", |x| x.title.as_str()))}>
            { "Apply" }
        </button>
    }
}

/// Findings of one check: the first in full (its fix and docs said once), the others folded
/// into a list of their messages and places.
fn cluster(fs: &[&Finding], on_select: &Callback<(usize, usize)>) -> Html {
    let Some((first, rest)) = fs.split_first() else {
        return html! {};
    };
    if rest.is_empty() {
        return finding(first, on_select);
    }
    let more: Rc<Vec<Finding>> = Rc::new(rest.iter().map(|f| (*f).clone()).collect());
    let on = on_select.clone();
    let content = Lazy::new(move || {
        html! {
            <ul class="repeats">
                { for more.iter().map(|f| html! {
                    <li class={classes!("finding", "repeat", f.level.as_str())} data-check={f.check} data-line={f.line.to_string()}>
                        <span class="message">{ &f.message }</span>{ " " }{ location(f.line, f.column, &on) }
                    </li>
                }) }
            </ul>
        }
    });
    let n = rest.len();
    html! {
        <>
            { finding(first, on_select) }
            <li class="cluster">
                <Disclosure class="more" summary={html! { format!("{n} more of {}", first.check) }} {content} />
            </li>
        </>
    }
}

/// A group's key: its order on the card, then its heading.
type GroupKey = (usize, String);

/// The group of a finding, by `grouping`; containers are ordered as on the card.
fn group_of(f: &Finding, grouping: Grouping, o: &ObjectReport) -> GroupKey {
    match grouping {
        Grouping::Level => (f.level as usize, level_heading(f.level).to_string()),
        Grouping::Check => (
            f.level as usize,
            format!("{} ({})", f.check, f.level.as_str()),
        ),
        Grouping::Container => match &f.container {
            None => (0, POD_LEVEL.to_string()),
            Some(name) => {
                let at = o.containers.iter().position(|c| &c.name == name);
                let kind = at
                    .and_then(|i| o.containers.get(i))
                    .map_or("", |c| container_kind_label(c.kind));
                (at.map_or(usize::MAX, |i| i + 1), format!("{kind} {name}"))
            }
        },
    }
}

/// How the findings panel shows findings: grouped how, without which levels.
#[derive(Clone, Copy)]
pub struct View<'a> {
    /// The grouping.
    pub grouping: Grouping,
    /// The levels hidden.
    pub hidden: &'a BTreeSet<FindingLevel>,
}

/// `2 restricted · 1 hardening`, the counts of an object's findings by level.
fn counts(o: &ObjectReport) -> Html {
    let mut by: BTreeMap<FindingLevel, usize> = BTreeMap::new();
    for f in &o.findings {
        *by.entry(f.level).or_default() += 1;
    }
    if by.is_empty() {
        return html! { <span class="none">{ "no findings" }</span> };
    }
    html! {
        <>
            { for by.iter().map(|(level, n)| html! {
                <span class={classes!("count", level.as_str())}>
                    <span class={classes!("badge", level.as_str())}>{ level.as_str() }</span>{ format!(" {n}") }
                </span>
            }) }
        </>
    }
}

fn object_findings(
    analysis: &Analysis,
    index: usize,
    o: &ObjectReport,
    view: View<'_>,
    on_select: &Callback<(usize, usize)>,
) -> Html {
    let mut groups: BTreeMap<GroupKey, Vec<&Finding>> = BTreeMap::new();
    let shown = o
        .findings
        .iter()
        .filter(|f| !view.hidden.contains(&f.level));
    for f in shown {
        groups
            .entry(group_of(f, view.grouping, o))
            .or_default()
            .push(f);
    }
    let hidden = o
        .findings
        .iter()
        .filter(|f| view.hidden.contains(&f.level))
        .count();
    let passes = (!o.passes.is_empty()).then(|| {
        let list = Rc::new(o.passes.clone());
        let on = on_select.clone();
        let n = o.passes.len();
        let summary = if n == 1 {
            "Why 1 Pod Security Standards check passes".to_string()
        } else {
            format!("Why {n} Pod Security Standards checks pass")
        };
        let content = Lazy::new(move || {
            html! {
                <ul>
                    { for list.iter().map(|p| html! {
                        <li class="pass" data-check={p.check}>
                            <code>{ p.check }</code>{ ": " }{ &p.reason }
                            if let Some(line) = p.line {
                                { " " }{ location(line, 1, &on) }
                            }
                        </li>
                    }) }
                </ul>
            }
        });
        html! { <Disclosure class="passes" summary={html! { summary }} {content} /> }
    });
    html! {
        <article class="object" id={format!("object-{index}")} data-kind={o.kind.clone()} data-name={o.name.clone()}>
            <header class="object-head">
                { object_title(o) }
                { location(o.line, 1, on_select) }
            </header>
            { verdict(analysis, o) }
            if o.findings.is_empty() {
                <p class="clean">{ "No findings." }</p>
            }
            if hidden > 0 {
                <p class="filtered">{ format!("{hidden} finding{} hidden by the filter above.", plural(hidden)) }</p>
            }
            { for groups.iter().map(|((_, heading), fs)| {
                // Findings of one check together, in the order their first one appears.
                let mut checks: Vec<(&str, Vec<&Finding>)> = Vec::new();
                for f in fs {
                    match checks.iter_mut().find(|(c, _)| *c == f.check) {
                        Some((_, list)) => list.push(f),
                        None => checks.push((f.check, vec![f])),
                    }
                }
                html! {
                    <section class="group">
                        <h3>{ format!("{heading} ({})", fs.len()) }</h3>
                        <ul class="findings">{ for checks.iter().map(|(_, list)| cluster(list, on_select)) }</ul>
                    </section>
                }
            }) }
            { for passes }
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

/// Per object: its verdict and the counts of its findings, each a link to its card.
fn overview(analysis: &Analysis) -> Html {
    if analysis.objects.len() < 2 {
        return html! {};
    }
    let denied = analysis.objects.iter().filter(|o| !o.allowed).count();
    html! {
        <section class="overview" aria-label="Summary">
            <h2>{ format!("{} workloads, {denied} not admitted at {}", analysis.objects.len(), policy_label(analysis)) }</h2>
            <ul>
                { for analysis.objects.iter().enumerate().map(|(i, o)| {
                    let id = format!("object-{i}");
                    html! {
                        <li class={classes!("overview-row", if o.allowed { "admitted" } else { "denied" })}>
                            <button type="button" class="jump" onclick={Callback::from(move |_: MouseEvent| browser::reveal(&id))}>
                                <span class="kind">{ &o.kind }</span>{ " " }{ podsec::model::heading_name(&o.name, o.generate_name.as_deref()).into_owned() }
                            </button>
                            <span class="mark-verdict">{ if o.allowed { "✓ admitted" } else { "✗ not admitted" } }</span>
                            <span class="counts">{ counts(o) }</span>
                        </li>
                    }
                }) }
            </ul>
        </section>
    }
}

/// Which levels to show, and how to group.
fn controls(analysis: &Analysis, view: View<'_>, dispatch: &Callback<Msg>) -> Html {
    let mut present: BTreeMap<FindingLevel, usize> = BTreeMap::new();
    for f in analysis.objects.iter().flat_map(|o| &o.findings) {
        *present.entry(f.level).or_default() += 1;
    }
    if present.is_empty() {
        return html! {};
    }
    let on_group = dispatch.reform(|e: Event| {
        let select: web_sys::HtmlSelectElement = e.target_unchecked_into();
        Grouping::parse(&select.value()).map_or(Msg::Dismiss, Msg::SetGrouping)
    });
    html! {
        <div class="filters" role="group" aria-label="Filter and group the findings">
            <span class="filters-label">{ "Show:" }</span>
            { for present.iter().map(|(&level, n)| {
                let on = dispatch.reform(move |e: Event| {
                    let input: web_sys::HtmlInputElement = e.target_unchecked_into();
                    Msg::ShowLevel(level, input.checked())
                });
                html! {
                    <label class={classes!("check", "level-filter", level.as_str())}>
                        <input type="checkbox" data-level={level.as_str()} checked={!view.hidden.contains(&level)} onchange={on} />
                        { format!(" {} ({n})", level.as_str()) }
                    </label>
                }
            }) }
            <label class="group-by">{ "Group by " }
                <select id="grouping" onchange={on_group}>
                    { for Grouping::ALL.into_iter().map(|g| html! {
                        <option value={g.as_str()} selected={g == view.grouping}>{ g.as_str() }</option>
                    }) }
                </select>
            </label>
        </div>
    }
}

/// Findings grouped by object, with verdicts: a summary first, the workloads, then what was not
/// analysed.
pub fn findings_panel(
    results: Results<'_>,
    view: View<'_>,
    dispatch: &Callback<Msg>,
    on_select: &Callback<(usize, usize)>,
) -> Html {
    let analysis = results.shown;
    html! {
        <>
            { errors(results, on_select) }
            <div class={classes!("results-body", results.stale().then_some("stale"))}>
                { crate::namespaces::panel(analysis, on_select) }
                { overview(analysis) }
                { controls(analysis, view, dispatch) }
                <div class="objects">
                    { for by_source(analysis).into_iter().map(|(source, members)| {
                        let cards = html! {
                            { for members.into_iter().map(|i| match analysis.objects.get(i) {
                                Some(o) => object_findings(analysis, i, o, view, on_select),
                                None => html! {},
                            }) }
                        };
                        match source {
                            // Rendered output (Helm's `# Source:`, Kustomize's origin): one section a file.
                            Some(file) => html! {
                                <section class="source-group" aria-label={format!("From {file}")}>
                                    <h2 class="source-file"><code>{ file }</code></h2>
                                    { cards }
                                </section>
                            },
                            None => cards,
                        }
                    }) }
                </div>
                { skipped(analysis, on_select) }
            </div>
        </>
    }
}

/// The objects' indexes grouped by the file each was rendered from (the core's `source`), files in
/// order of first appearance; objects with no source form one group without a heading. Text with
/// no source at all is one such group, so the panel looks as it always did.
fn by_source(analysis: &Analysis) -> Vec<(Option<&str>, Vec<usize>)> {
    let mut groups: Vec<(Option<&str>, Vec<usize>)> = Vec::new();
    let mut at: std::collections::HashMap<Option<&str>, usize> = std::collections::HashMap::new();
    for (i, o) in analysis.objects.iter().enumerate() {
        let key = o.source.as_deref();
        let g = *at.entry(key).or_insert_with(|| {
            groups.push((key, Vec::new()));
            groups.len() - 1
        });
        if let Some((_, members)) = groups.get_mut(g) {
            members.push(i);
        }
    }
    groups
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

/// An effective field's properties.
#[derive(Properties, PartialEq)]
pub struct FieldRowProps {
    /// The field's name.
    pub name: &'static str,
    /// Its effective value.
    pub value: EffectiveValue,
    /// The messages of the findings about it (it is highlighted when there are any).
    pub flagged: Vec<String>,
    /// Selects a place in the editor.
    pub on_select: Callback<(usize, usize)>,
}

/// One field of the effective table; its explanation, once asked for, takes a row of its own
/// across the table, so that it never squeezes into the field's column.
#[component]
pub fn FieldRow(props: &FieldRowProps) -> Html {
    let open = use_state_eq(|| false);
    let name = props.name;
    let v = &props.value;
    let glossary = podsec::glossary::lookup(name);
    let implicit = is_implicit(v.source);
    let risky = !props.flagged.is_empty();
    let toggle = {
        let open = open.clone();
        Callback::from(move |_: MouseEvent| open.set(!*open))
    };
    html! {
        <>
            <tr data-field={name} class={classes!(implicit.then_some("implicit"), risky.then_some("risky"))}>
                <th scope="row">
                    if glossary.is_some() {
                        <button type="button" class="disclose field-name" aria-expanded={open.to_string()}
                            aria-controls={format!("about-{name}")} onclick={toggle}>
                            <code>{ name }</code>
                        </button>
                    } else {
                        <code>{ name }</code>
                    }
                </th>
                <td class="value">
                    <code>{ show(&v.value) }</code>
                    { for props.flagged.iter().map(|m| html! { <span class="risk">{ format!("⚠ {m}") }</span> }) }
                    if let Some(note) = &v.note {
                        <span class="note">{ note }</span>
                    }
                </td>
                <td class="source">
                    <span class={classes!("src", v.source.as_str())} title={source_description(v.source)}>
                        { v.source.as_str() }
                        if implicit { <span class="assumed" aria-label="assumed, not written in the text">{ "*" }</span> }
                    </span>
                </td>
                <td class="line">
                    if let Some(line) = v.line {
                        { location(line, 1, &props.on_select) }
                    }
                </td>
            </tr>
            if let Some(doc) = glossary.filter(|_| *open) {
                <tr class="glossary" id={format!("about-{name}")}>
                    <td colspan="4">
                        { markdown::render(doc.what) }
                        <dl>
                            <dt>{ "When unset" }</dt>
                            <dd>{ markdown::render(doc.default) }</dd>
                            <dt>{ "Interactions" }</dt>
                            <dd>{ markdown::render(doc.interactions) }</dd>
                            <dt>{ "Written in" }</dt>
                            <dd class="scope">{ doc.scope.describe() }</dd>
                        </dl>
                    </td>
                </tr>
            }
        </>
    }
}

/// The messages of the findings of `o` about field `name` of container `c` (or of the pod, which
/// every container inherits from): those whose field path names it.
fn flagged(o: &ObjectReport, c: &ContainerReport, name: &str) -> Vec<String> {
    o.findings
        .iter()
        .filter(|f| f.container.as_ref().is_none_or(|n| *n == c.name))
        .filter(|f| {
            f.path
                .split('.')
                .any(|seg| seg.split('[').next() == Some(name))
        })
        .map(|f| f.message.clone())
        .collect()
}

fn container_card(
    o: &ObjectReport,
    c: &ContainerReport,
    on_select: &Callback<(usize, usize)>,
) -> Html {
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
                    { for c.effective.fields().map(|(name, v)| html! {
                        <FieldRow name={name} value={v.clone()} flagged={flagged(o, c, name)} on_select={on_select.clone()} />
                    }) }
                </tbody>
            </table>
        </section>
    }
}

/// The effective security context of every container of every object.
pub fn effective_panel(results: Results<'_>, on_select: &Callback<(usize, usize)>) -> Html {
    let analysis = results.shown;
    html! {
        <>
            { errors(results, on_select) }
            <div class={classes!("results-body", results.stale().then_some("stale"))}>
                <p class="legend">
                    { "Source badges say where each value comes from; " }
                    <span class="src default">{ "default" }<span class="assumed">{ "*" }</span></span>
                    { " values are not in your text (defaults, the runtime or the image). " }
                    <span class="risk">{ "⚠" }</span>{ " marks a value a finding is about. Click a field for its explanation." }
                </p>
                { for analysis.objects.iter().map(|o| html! {
                    <article class="object" data-kind={o.kind.clone()} data-name={o.name.clone()}>
                        <header class="object-head">{ object_title(o) }{ location(o.line, 1, on_select) }</header>
                        { for o.containers.iter().map(|c| container_card(o, c, on_select)) }
                    </article>
                }) }
                { skipped(analysis, on_select) }
            </div>
        </>
    }
}

fn is_changed(o: Cell<'_>, n: Cell<'_>) -> bool {
    Row::Pair(o, n).changed()
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

/// One line of the unified diff: its number (in the hardened text, or the original's for a
/// removed line), its text, and whether it is removed, added or neither.
fn unified_line(i: usize, text: &str, class: Option<&'static str>) -> Html {
    html! {
        <tr class={classes!(class.is_some().then_some("changed"))}>
            <td class="ln">{ i + 1 }</td>
            <td class={classes!("code", class, class.is_some().then_some("changed"))}>
                { text.trim_end_matches(['\n', '\r']) }
            </td>
        </tr>
    }
}

/// A diff row, side by side or unified.
fn pair_rows(o: Cell<'_>, n: Cell<'_>, unified: bool) -> Html {
    let changed = is_changed(o, n);
    if !unified {
        return html! {
            <tr class={classes!(changed.then_some("changed"))}>
                { side(o, changed, "old") }
                { side(n, changed, "new") }
            </tr>
        };
    }
    if !changed {
        return n.map_or_else(|| html! {}, |(i, t)| unified_line(i, t, None));
    }
    html! {
        <>
            if let Some((i, t)) = o { { unified_line(i, t, Some("old")) } }
            if let Some((i, t)) = n { { unified_line(i, t, Some("new")) } }
        </>
    }
}

/// A folded run's properties.
#[derive(Properties, PartialEq)]
pub struct FoldProps {
    /// The original text.
    pub original: Rc<str>,
    /// The hardened text.
    pub hardened: Rc<str>,
    /// The run's first 0-based line in each text, and its length.
    pub old: usize,
    /// See `old`.
    pub new: usize,
    /// See `old`.
    pub n: usize,
    /// Whether the diff is unified (one column).
    pub unified: bool,
}

/// A run of unchanged lines, folded into a button that shows them.
#[component]
pub fn Fold(props: &FoldProps) -> Html {
    // Reused by position when the diff changes: open only for the run it was opened on.
    let run = (props.old, props.new, props.n);
    let opened = use_state_eq(|| None::<(usize, usize, usize)>);
    let open = *opened == Some(run);
    let toggle = {
        let opened = opened.clone();
        Callback::from(move |_: MouseEvent| opened.set((!open).then_some(run)))
    };
    let n = props.n;
    let columns = if props.unified { "2" } else { "4" };
    let label = if open {
        format!("Fold these {n} unchanged line{}", plural(n))
    } else {
        format!("⋯ {n} unchanged line{}: show", plural(n))
    };
    let lines = open.then(|| {
        let old = split_lines(&props.original);
        let new = split_lines(&props.hardened);
        (0..n)
            .map(|k| {
                let (a, b) = (props.old + k, props.new + k);
                let o = old.get(a).map(|t| (a, *t));
                let m = new.get(b).map(|t| (b, *t));
                pair_rows(o, m, props.unified)
            })
            .collect::<Html>()
    });
    html! {
        <>
            <tr class="fold">
                <td colspan={columns}>
                    <button type="button" class="unfold" aria-expanded={open.to_string()} onclick={toggle}>{ label }</button>
                </td>
            </tr>
            { for lines }
        </>
    }
}

fn edit_note(e: &Edit) -> Html {
    html! {
        <>
            <span class={classes!("grade", e.grade.as_str())}>{ e.grade.as_str() }</span>
            { " " }{ &e.title }
            if !e.checks.is_empty() {
                <span class="fixes">{ format!(" (fixes {})", e.checks.join(", ")) }</span>
            }
            if let Some(note) = &e.note {
                <span class="note">{ format!(": {note}") }</span>
            }
        </>
    }
}

/// For each workload: admitted after the rewrite or not, and if not, what still stops it and why
/// the rewrite left it.
fn after_verdicts(hardened: &Hardened, label: &str) -> Html {
    html! {
        <ul class="hardened-verdicts">
            { for hardened.objects.iter().map(|v| {
                let stopped = !v.after || !v.blocking.is_empty();
                html! {
                    <li class={classes!("verdict", if stopped { "denied" } else { "admitted" })}>
                        <p>
                            { format!("{} {}: {} at {label} after the rewrite{}; findings {} → {}",
                                v.object.kind, podsec::model::heading_name(&v.object.name, v.object.generate_name.as_deref()),
                                if v.after { "admitted" } else { "still not admitted" },
                                if v.before == v.after { String::new() } else if v.before { " (was admitted)".to_string() } else { " (was not)".to_string() },
                                v.findings_before, v.findings_after) }
                        </p>
                        if !v.blocking.is_empty() {
                            <p class="blocking-head">{ format!("What still stops it ({}):", v.blocking.len()) }</p>
                            <ul class="blocking">
                                { for v.blocking.iter().map(|b| html! {
                                    <li class="blocker" data-check={b.check}>
                                        <span class={classes!("badge", b.level.as_str())}>{ b.level.as_str() }</span>
                                        { " " }<span class="message">{ &b.message }</span>
                                        { format!(" (line {}{})", b.line, b.container.as_ref().map_or(String::new(), |c| format!(", container \u{201c}{c}\u{201d}"))) }
                                        <span class="why">{ format!(": {}", b.why) }</span>
                                    </li>
                                }) }
                            </ul>
                        }
                    </li>
                }
            }) }
        </ul>
    }
}

/// The original and hardened texts, side by side (or unified on narrow screens), with the edits
/// explained.
pub fn hardened_panel(
    analysis: &Analysis,
    h: &crate::results::HardenedFor,
    include_unsafe: bool,
    unified: bool,
    origin: &crate::state::Origin,
    dispatch: &Callback<Msg>,
) -> Html {
    let hardened = &h.hardened;
    let original: Rc<str> = h.original.clone();
    let hardened_text: Rc<str> = Rc::from(hardened.text.as_str());
    let old = split_lines(&original);
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
        let origin = origin.clone();
        Callback::from(move |_: MouseEvent| {
            browser::download(&origin.hardened_name(), &origin.saved(&text));
        })
    };
    let applied = hardened.edits.iter().filter(|e| e.applied).count();
    let unsafe_left = !include_unsafe
        && hardened
            .edits
            .iter()
            .any(|e| !e.applied && e.grade == podsec::Applicability::Unsafe);
    let manual = hardened
        .edits
        .iter()
        .filter(|e| e.grade == podsec::Applicability::Manual)
        .count();
    let nothing = if unsafe_left {
        "Nothing to change with safe edits; unsafe ones are offered: include them above."
            .to_string()
    } else if manual > 0 {
        format!(
            "Nothing podsec can change by itself: {manual} fix{} need{} a decision of yours (listed below).",
            if manual == 1 { "" } else { "es" },
            if manual == 1 { "s" } else { "" }
        )
    } else {
        "Nothing to change.".to_string()
    };
    let edits = Rc::new(hardened.edits.clone());
    let edit_list = Lazy::new(move || {
        html! {
            <ul>
                { for edits.iter().map(|e| html! {
                    <li class={classes!("edit", if e.applied { "applied" } else { "not-applied" })}>
                        { edit_note(e) }
                        { format!(" · {} {}", e.object.kind, podsec::model::heading_name(&e.object.name, e.object.generate_name.as_deref())) }
                        if let Some(c) = &e.container { { format!(" · container \"{c}\"") } }
                        if let Some(why) = &e.skipped { <span class="skipped-why">{ format!(" · not applied: {why}") }</span> }
                    </li>
                }) }
            </ul>
        }
    });
    let n_edits = hardened.edits.len();
    let header = if unified {
        html! { <tr><th class="ln"></th><th scope="col">{ "Hardened (− original, + hardened)" }</th></tr> }
    } else {
        html! { <tr><th class="ln"></th><th scope="col">{ "Original" }</th><th class="ln"></th><th scope="col">{ "Hardened" }</th></tr> }
    };
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
            { after_verdicts(hardened, &label) }
            if !hardened.changed {
                <p class="empty nothing">{ nothing }</p>
            } else {
                <p class="summary">{ format!("{applied} edit{} applied; unchanged lines are folded.", plural(applied)) }</p>
                <div class="diff-wrap">
                    <table class={classes!("diff", unified.then_some("unified"))}>
                        <thead>{ header }</thead>
                        <tbody>
                            { for side_by_side(&old, &new, CONTEXT).into_iter().map(|row| match row {
                                Row::Fold { old, new, n } => html! {
                                    <Fold original={original.clone()} hardened={hardened_text.clone()} {old} {new} {n} {unified} />
                                },
                                Row::Pair(o, n) => {
                                    let annotate = n.and_then(|(i, _)| notes.get(&(i + 1)));
                                    let blank = if unified { "" } else { "2" };
                                    html! {
                                        <>
                                            { pair_rows(o, n, unified) }
                                            if let Some(edits) = annotate {
                                                { for edits.iter().map(|e| html! {
                                                    <tr class="annotation">
                                                        if !blank.is_empty() { <td colspan={blank}></td> }
                                                        <td colspan="2">{ edit_note(e) }</td>
                                                    </tr>
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
            <Disclosure class="edits" open={hardened.edits.iter().any(|e| !e.applied)}
                summary={html! { format!("All {n_edits} fix{} offered", if n_edits == 1 { "" } else { "es" }) }}
                content={edit_list} />
        </>
    }
}
