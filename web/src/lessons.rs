//! The lessons view: the guided track of `podsec::lessons` above the editor.
//!
//! Opening a lesson loads its starting manifest (or the learner's saved attempt) into the editor;
//! the text the user had before is kept in local storage and offered back. The goals are judged
//! by the core on every settled edit ([`podsec::lessons::check`]); this module only shows what it
//! says. Progress, attempts and the hints shown stay in local storage: nothing leaves the page.
//!
//! Links: `#lesson:ID` opens a lesson, `#lesson:ID:LINK` a learner's attempt (LINK is an ordinary
//! permalink, see [`podsec::permalink`]).

use std::rc::Rc;

use podsec::lessons::{self, Lesson, Progress};
use podsec::permalink::{self, Shared};
use podsec::{Options, check, glossary};
use yew::prelude::*;

use crate::browser;
use crate::markdown;
use crate::state::{Msg, Notice};

/// The start of a lesson link's fragment.
pub const PREFIX: &str = "lesson:";

/// Texts larger than this are not judged as the user types (no lesson needs more than a few KB).
const CHECK_LIMIT: usize = 64 * 1024;

const CURRENT_KEY: &str = "podsec-lesson";
const DONE_KEY: &str = "podsec-lessons-done";
const KEPT_KEY: &str = "podsec-lessons-kept";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

fn load(key: &str) -> Option<String> {
    storage()?.get_item(key).ok()?
}

fn save(key: &str, value: &str) {
    if let Some(s) = storage() {
        let _ = s.set_item(key, value);
    }
}

fn remove(key: &str) {
    if let Some(s) = storage() {
        let _ = s.remove_item(key);
    }
}

fn attempt_key(id: &str) -> String {
    format!("podsec-lesson-attempt:{id}")
}

fn hints_key(id: &str) -> String {
    format!("podsec-lesson-hints:{id}")
}

/// The lesson open, as saved.
fn current() -> Option<&'static Lesson> {
    load(CURRENT_KEY).and_then(|id| lessons::find(&id))
}

/// The IDs of the lessons done, as saved.
fn done_ids() -> Vec<String> {
    load(DONE_KEY)
        .map(|s| s.lines().map(str::to_string).collect())
        .unwrap_or_default()
}

/// The lesson and the attempt a fragment names, if it is a lesson link (see the module's docs).
/// An attempt that cannot be read opens the lesson as it starts.
#[must_use]
pub fn parse_link(fragment: &str) -> Option<(&'static Lesson, Option<String>)> {
    let rest = fragment.strip_prefix(PREFIX)?;
    let (id, link) = match rest.split_once(':') {
        Some((id, link)) => (id, Some(link)),
        None => (rest, None),
    };
    let lesson = lessons::find(id)?;
    Some((
        lesson,
        link.and_then(|l| permalink::decode(l).ok()).map(|s| s.text),
    ))
}

/// A lesson link's fragment: the lesson, with an attempt when `attempt` is given (`None` when the
/// attempt is too large for a link).
#[must_use]
pub fn link(id: &str, attempt: Option<&Shared>) -> Option<String> {
    match attempt {
        None => Some(format!("{PREFIX}{id}")),
        Some(shared) => permalink::link(shared)
            .ok()
            .map(|l| format!("{PREFIX}{id}:{l}")),
    }
}

/// Whether a text is the user's own, worth keeping when a lesson replaces it: not empty, not a
/// gallery example, not a lesson's starting text or saved attempt.
fn worth_keeping(text: &str) -> bool {
    !text.trim().is_empty()
        && !podsec::examples::EXAMPLES.iter().any(|e| e.yaml == text)
        && !lessons::all()
            .iter()
            .any(|l| l.start == text || load(&attempt_key(l.id)).as_deref() == Some(text))
}

/// Keeps the user's own text (and options) before a lesson replaces it, unless a lesson is
/// already open (its attempt is saved on its own) or the text is not the user's; says whether it
/// kept it.
fn keep(shared: &Shared) -> bool {
    let mine = current().is_none() && worth_keeping(&shared.text);
    if mine {
        save(KEPT_KEY, &permalink::encode(shared));
    }
    mine
}

/// The text a lesson opens with: the learner's saved attempt, or its starting manifest.
fn opening_text(lesson: &Lesson) -> String {
    load(&attempt_key(lesson.id)).unwrap_or_else(|| lesson.start.to_string())
}

/// Opens a lesson link (see [`parse_link`]): keeps the saved draft if it is the user's own text,
/// makes the lesson the open one, and returns the state to show (with the draft's options) and a
/// notice; `None` when the fragment is not a lesson link. Opening a lesson (not an attempt)
/// resumes the learner's saved attempt, if any.
#[must_use]
pub fn open_link(fragment: &str) -> Option<(Shared, Notice)> {
    let (lesson, attempt) = parse_link(fragment)?;
    let draft = browser::load_draft().and_then(|d| permalink::decode_draft(&d).ok());
    let kept = draft.as_ref().is_some_and(keep);
    save(CURRENT_KEY, lesson.id);
    let is_attempt = attempt.is_some();
    let text = attempt.unwrap_or_else(|| opening_text(lesson));
    let (options, include_unsafe) = draft.map_or_else(
        || (Options::default(), false),
        |d| (d.options, d.include_unsafe),
    );
    let n = lessons::number(lesson.id).unwrap_or(0);
    let what = if is_attempt {
        "an attempt at lesson"
    } else {
        "lesson"
    };
    Some((
        Shared {
            text,
            options,
            include_unsafe,
        },
        Notice::info(format!(
            "Opened {what} {n}: {}.{}",
            lesson.title,
            kept_note(kept)
        )),
    ))
}

/// The lessons view's properties: what the editor holds, and the way to replace it.
#[derive(Properties, PartialEq)]
pub struct LessonsProps {
    /// The text, as last settled.
    pub text: Rc<str>,
    /// The analysis options (kept when a lesson replaces the text).
    pub options: Options,
    /// Whether the hardened view includes unsafe edits (kept likewise).
    pub include_unsafe: bool,
    /// Sends a message to the page's model.
    pub dispatch: Callback<Msg>,
}

/// The lessons view: a toggle, the list with progress, and the open lesson.
#[component]
pub fn Lessons(props: &LessonsProps) -> Html {
    // The open lesson, by ID (a `Lesson` holds functions, which do not compare).
    let lesson = use_state_eq(|| current().map(|l| l.id));
    let open = use_state_eq(|| lesson.is_some());
    let done = use_state_eq(done_ids);
    let hints = use_state_eq(|| {
        lesson
            .and_then(|id| load(&hints_key(id)))
            .and_then(|n| n.parse::<usize>().ok())
            .unwrap_or(0)
    });
    let kept = use_state_eq(|| load(KEPT_KEY).is_some());
    // A lesson link opened in the address bar of the open page (the page loads its text).
    {
        let lesson = lesson.clone();
        let open = open.clone();
        let hints = hints.clone();
        let kept = kept.clone();
        use_effect_with((), move |()| {
            browser::on_hash_change(move || {
                if let Some((l, _)) = parse_link(&browser::fragment()) {
                    lesson.set(Some(l.id));
                    hints.set(saved_hints(l.id));
                    open.set(true);
                    kept.set(load(KEPT_KEY).is_some());
                }
            });
        });
    }
    // A lesson opened from the list takes the focus to its title once shown.
    let focus_title = use_mut_ref(|| false);
    {
        let focus_title = focus_title.clone();
        use_effect_with(*lesson, move |_| {
            if focus_title.replace(false) {
                browser::focus("lesson-title");
            }
        });
    }
    // The core judges the text against the open lesson as it settles.
    let progress: Rc<Option<Progress>> = use_memo((*lesson, props.text.clone()), |(id, text)| {
        id.filter(|_| text.len() <= CHECK_LIMIT)
            .and_then(|id| lessons::check(id, text))
    });
    // The attempt and the lesson's completion are saved as they change.
    {
        let done = done.clone();
        use_effect_with(
            (progress.clone(), props.text.clone()),
            move |(progress, text)| {
                if let Some(p) = progress.as_ref() {
                    // Only a text that keeps the lesson's workload is an attempt at it (not, for
                    // a moment, the previous lesson's text); its starting text is no attempt.
                    let keeps = p.goals.first().is_some_and(|g| g.met);
                    match lessons::find(&p.lesson) {
                        Some(l) if l.start == &**text => remove(&attempt_key(l.id)),
                        Some(l) if keeps => save(&attempt_key(l.id), text),
                        _ => {}
                    }
                    if p.done && !done.contains(&p.lesson) {
                        let mut ids = (*done).clone();
                        ids.push(p.lesson.clone());
                        save(DONE_KEY, &ids.join("\n"));
                        done.set(ids);
                    }
                }
            },
        );
    }

    let shared_with = {
        let options = props.options.clone();
        let include_unsafe = props.include_unsafe;
        move |text: String| Shared {
            text,
            options: options.clone(),
            include_unsafe,
        }
    };
    // Opens a lesson from the list (or the next one), resuming a saved attempt.
    let on_open = {
        let lesson = lesson.clone();
        let hints = hints.clone();
        let kept = kept.clone();
        let dispatch = props.dispatch.clone();
        let text = props.text.clone();
        let shared_with = shared_with.clone();
        let focus_title = focus_title.clone();
        Callback::from(move |l: &'static Lesson| {
            let mine = keep(&shared_with(text.to_string()));
            kept.set(load(KEPT_KEY).is_some());
            save(CURRENT_KEY, l.id);
            lesson.set(Some(l.id));
            hints.set(saved_hints(l.id));
            let n = lessons::number(l.id).unwrap_or(0);
            let note = kept_note(mine);
            dispatch.emit(Msg::Restore(
                shared_with(opening_text(l)),
                Some(Notice::info(format!(
                    "Opened lesson {n}: {}.{note}",
                    l.title
                ))),
            ));
            *focus_title.borrow_mut() = true;
        })
    };
    let on_toggle = {
        let open = open.clone();
        Callback::from(move |_: MouseEvent| open.set(!*open))
    };
    let on_list = {
        let lesson = lesson.clone();
        let kept = kept.clone();
        Callback::from(move |_: MouseEvent| {
            remove(CURRENT_KEY);
            lesson.set(None);
            // A lesson link may have kept a text since (the page's own `hashchange` listener
            // runs after this view's).
            kept.set(load(KEPT_KEY).is_some());
            browser::focus("lessons-toggle");
        })
    };
    let on_hint = {
        let hints = hints.clone();
        let lesson = lesson.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(l) = (*lesson).and_then(lessons::find) {
                let n = (*hints + 1).min(l.hints.len());
                save(&hints_key(l.id), &n.to_string());
                hints.set(n);
            }
        })
    };
    let on_restart = {
        let lesson = lesson.clone();
        let dispatch = props.dispatch.clone();
        let shared_with = shared_with.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(l) = (*lesson).and_then(lessons::find) {
                remove(&attempt_key(l.id));
                dispatch.emit(Msg::Restore(
                    shared_with(l.start.to_string()),
                    Some(Notice::info("The lesson starts over.")),
                ));
            }
        })
    };
    let on_bring_back = {
        let kept = kept.clone();
        let dispatch = props.dispatch.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(shared) = load(KEPT_KEY).and_then(|d| permalink::decode_draft(&d).ok()) {
                remove(KEPT_KEY);
                kept.set(false);
                dispatch.emit(Msg::Restore(
                    shared,
                    Some(Notice::info("Your text is back.")),
                ));
            }
        })
    };

    let count = lessons::all().len();
    let finished = lessons::all()
        .iter()
        .filter(|l| done.contains(&l.id.to_string()))
        .count();
    let body = if !*open {
        html! {}
    } else if let Some(l) = (*lesson).and_then(lessons::find) {
        let shared = shared_with(props.text.to_string());
        lesson_view(
            l,
            progress.as_ref().as_ref(),
            *hints,
            &shared,
            &LessonActions {
                list: on_list,
                hint: on_hint,
                restart: on_restart,
                open: on_open.clone(),
            },
        )
    } else {
        list_view(&done, *kept, &on_open, on_bring_back)
    };
    html! {
        <section class="lessons" aria-label="Lessons">
            <button type="button" id="lessons-toggle" class="lessons-toggle"
                aria-expanded={open.to_string()} aria-controls="lessons-body" onclick={on_toggle}>
                { "Lessons" }
                <span class="lessons-count">{ format!(" · {finished} of {count} done") }</span>
            </button>
            <div id="lessons-body">{ body }</div>
        </section>
    }
}

/// What a notice adds when opening a lesson kept the user's text.
fn kept_note(kept: bool) -> &'static str {
    if kept {
        " Your own text is kept: \u{201c}Bring back my text\u{201d} under All lessons returns it."
    } else {
        ""
    }
}

fn saved_hints(id: &str) -> usize {
    load(&hints_key(id))
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

fn list_view(
    done: &[String],
    kept: bool,
    on_open: &Callback<&'static Lesson>,
    on_bring_back: Callback<MouseEvent>,
) -> Html {
    html! {
        <div class="lesson-list">
            <p>{ "Guided exercises, from running as non-root to Pod Security Admission. Each loads a manifest into the editor; change it until every goal is met. Progress stays in this browser." }</p>
            if kept {
                <p><button type="button" id="lessons-bring-back" onclick={on_bring_back}>{ "Bring back my text" }</button>
                { " (the text you had before the first lesson)" }</p>
            }
            <ol>
                { for lessons::all().iter().map(|l| {
                    let finished = done.iter().any(|d| d == l.id);
                    let on_click = on_open.reform(move |_: MouseEvent| l);
                    html! {
                        <li class={classes!(finished.then_some("done"))} data-lesson={l.id}>
                            <button type="button" class="lesson-open" onclick={on_click}>{ l.title }</button>
                            if finished { <span class="lesson-done">{ " ✓ done" }</span> }
                        </li>
                    }
                }) }
            </ol>
        </div>
    }
}

/// What the buttons of an open lesson do.
struct LessonActions {
    list: Callback<MouseEvent>,
    hint: Callback<MouseEvent>,
    restart: Callback<MouseEvent>,
    open: Callback<&'static Lesson>,
}

fn lesson_view(
    l: &'static Lesson,
    progress: Option<&Progress>,
    hints: usize,
    shared: &Shared,
    actions: &LessonActions,
) -> Html {
    let n = lessons::number(l.id).unwrap_or(0);
    let count = lessons::all().len();
    let next = lessons::by_number(n + 1);
    let done = progress.is_some_and(|p| p.done);
    let met = progress.map_or(0, |p| p.goals.iter().filter(|g| g.met).count());
    let goals = progress.map_or(0, |p| p.goals.len());
    let shown = hints.min(l.hints.len());
    let lesson_link = link(l.id, None).unwrap_or_default();
    let attempt_link = link(l.id, Some(shared));
    html! {
        <article class="lesson" data-lesson={l.id} data-done={done.to_string()}>
            <header class="lesson-head">
                <p class="lesson-nav">
                    <button type="button" id="lessons-all" onclick={actions.list.clone()}>{ "← All lessons" }</button>
                    <span>{ format!(" Lesson {n} of {count}") }</span>
                </p>
                <h2 id="lesson-title" tabindex="-1">{ l.title }</h2>
            </header>
            <div class="lesson-body">
            <div class="lesson-explanation">
                <crate::learner::LessonProse lesson={l.id} part={crate::learner::LessonPart::Explanation} />
            </div>
            <h3>{ format!("Goals ({met} of {goals} met)") }</h3>
            { match progress {
                Some(p) => html! {
                    <ul class="goals" aria-live="polite">
                        { for p.goals.iter().map(|g| html! {
                            <li class={if g.met { "goal met" } else { "goal unmet" }}>
                                <span class="mark" aria-hidden="true">{ if g.met { "✓" } else { "○" } }</span>
                                <span class="visually-hidden">{ if g.met { "Met: " } else { "Not yet: " } }</span>
                                <span class="goal-text">{ markdown::render_inline(&g.text) }</span>
                                <span class="why">{ markdown::render_inline(&g.why) }</span>
                            </li>
                        }) }
                    </ul>
                },
                None => html! {
                    <p class="goals-none">{ "The text is too large to judge as you type: start over from the lesson's manifest." }</p>
                },
            } }
            if done {
                <div class="lesson-success" role="status">
                    <p class="lesson-success-title">{ "✓ Every goal is met: lesson done." }</p>
                    <h3>{ "What you learned" }</h3>
                    <crate::learner::LessonProse lesson={l.id} part={crate::learner::LessonPart::Learned} />
                    { references(l) }
                    if let Some(next) = next {
                        <p><button type="button" id="lesson-next" onclick={actions.open.reform(move |_: MouseEvent| next)}>
                            { format!("Next lesson: {} →", next.title) }
                        </button></p>
                    }
                </div>
            }
            if !l.hints.is_empty() {
                <h3>{ "Hints" }</h3>
                if shown > 0 {
                    <crate::learner::LessonHints lesson={l.id} {shown} />
                }
                if shown < l.hints.len() {
                    <p><button type="button" id="lesson-hint" onclick={actions.hint.clone()}>
                        { format!("Show a hint ({} of {})", shown + 1, l.hints.len()) }
                    </button></p>
                }
            }
            <p class="lesson-links">
                <a href={format!("#{lesson_link}")}>{ "Link to this lesson" }</a>
                if let Some(attempt) = attempt_link {
                    { " · " }<a id="lesson-attempt-link" href={format!("#{attempt}")}>{ "Link to your attempt" }</a>
                }
                { " · " }
                <button type="button" id="lesson-restart" onclick={actions.restart.clone()}>{ "Start over" }</button>
            </p>
            </div>
        </article>
    }
}

/// The checks and glossary entries a lesson is about, each explained in place on request.
fn references(l: &Lesson) -> Html {
    html! {
        <div class="lesson-refs">
            if !l.checks.is_empty() {
                <h4>{ "Checks" }</h4>
                <ul>
                    { for l.checks.iter().filter_map(|id| check::find(id)).map(|c| html! {
                        <li><Reference name={c.id} kind="check" /></li>
                    }) }
                </ul>
            }
            if !l.glossary.is_empty() {
                <h4>{ "Fields" }</h4>
                <ul>
                    { for l.glossary.iter().filter(|f| glossary::lookup(f).is_some()).map(|f| html! {
                        <li><Reference name={*f} kind="field" /></li>
                    }) }
                </ul>
            }
        </div>
    }
}

/// A reference's properties.
#[derive(Properties, PartialEq)]
struct ReferenceProps {
    name: &'static str,
    /// `check` (a registry ID) or `field` (a glossary entry).
    kind: &'static str,
}

/// A check or glossary field: its name, a button that shows its documentation.
#[component]
fn Reference(props: &ReferenceProps) -> Html {
    let open = use_state_eq(|| false);
    let toggle = {
        let open = open.clone();
        Callback::from(move |_: MouseEvent| open.set(!*open))
    };
    let id = format!("ref-{}-{}", props.kind, props.name);
    let body = if *open {
        match props.kind {
            "check" => check::find(props.name).map_or_else(Html::default, |c| {
                html! {
                    <div class="ref-body" id={id.clone()}>
                        <p>{ markdown::render_inline(c.summary) }</p>
                        <crate::learner::CheckDocs id={c.id} />
                    </div>
                }
            }),
            _ => glossary::lookup(props.name).map_or_else(Html::default, |g| {
                html! {
                    <div class="ref-body" id={id.clone()}>
                        { markdown::render(g.what) }
                        <p><strong>{ "When unset: " }</strong>{ markdown::render_inline(g.default) }</p>
                    </div>
                }
            }),
        }
    } else {
        html! {}
    };
    html! {
        <>
            <button type="button" class="lesson-ref" aria-expanded={open.to_string()} aria-controls={id.clone()}
                onclick={toggle}>
                <code>{ props.name }</code>
            </button>
            { body }
        </>
    }
}
