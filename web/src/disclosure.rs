//! A disclosure: a button that shows or hides a block, whose content exists only while shown.
//!
//! The playground uses it instead of `<details>`: Chromium's paste over a selection in the
//! textarea slows down with every closed `<details>` on the page (pasting 3.5 MB over the text
//! took a minute with one per finding), and a closed block that is never built costs nothing to
//! render either.

use std::rc::Rc;

use yew::prelude::*;

/// What a disclosure shows once opened, built only then. Two are equal when they are the same
/// closure, so a parent's re-render rebuilds an open disclosure's content, never a closed one's.
#[derive(Clone)]
pub struct Lazy(pub Rc<dyn Fn() -> Html>);

impl Lazy {
    /// Content built by `f` when shown.
    pub fn new(f: impl Fn() -> Html + 'static) -> Lazy {
        Lazy(Rc::new(f))
    }
}

impl PartialEq for Lazy {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

/// A disclosure's properties.
#[derive(Properties, PartialEq)]
pub struct DisclosureProps {
    /// The button's label.
    pub summary: Html,
    /// The content.
    pub content: Lazy,
    /// Classes of the wrapper (`docs`, `passes`, …).
    #[prop_or_default]
    pub class: Classes,
    /// Whether it starts open.
    #[prop_or_default]
    pub open: bool,
}

/// A button with `aria-expanded`, and the content below it while expanded.
///
/// The component is reused by position when the results change, so what the user toggled is
/// remembered with the summary it was toggled under: a disclosure that now shows another summary
/// (another check's docs) starts as its `open` says.
#[component]
pub fn Disclosure(props: &DisclosureProps) -> Html {
    let toggled = use_state_eq(|| None::<Html>);
    let open = props.open != (toggled.as_ref() == Some(&props.summary));
    let toggle = {
        let toggled = toggled.clone();
        let summary = props.summary.clone();
        Callback::from(move |_: MouseEvent| {
            toggled.set(if toggled.as_ref() == Some(&summary) {
                None
            } else {
                Some(summary.clone())
            });
        })
    };
    html! {
        <div class={classes!("disclosure", props.class.clone(), open.then_some("open"))}>
            <button type="button" class="disclose" aria-expanded={open.to_string()} onclick={toggle}>
                { props.summary.clone() }
            </button>
            if open {
                <div class="disclosed">{ (props.content.0)() }</div>
            }
        </div>
    }
}
