//! Browser tests: the core and the app inside headless Chromium (`wasm-bindgen-test-runner`).
//!
//! Run by `cargo xtask test` (step `wasm-test`); natively this file compiles to nothing.
#![cfg(target_arch = "wasm32")]
// Test code: a failed lookup should fail the test loudly.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use podsec::{Options, analyze};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::{Element, Event, EventInit, HtmlTextAreaElement};

wasm_bindgen_test_configure!(run_in_browser);

const TWO_CONTAINERS: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: shop
spec:
  template:
    spec:
      containers:
        - name: front
          image: front:1
        - name: back
          image: back:1
";

#[wasm_bindgen_test]
fn analyze_runs_in_the_browser() {
    let analysis = analyze(TWO_CONTAINERS, &Options::default());
    assert!(analysis.errors.is_empty(), "{:?}", analysis.errors);
    let object = analysis.objects.first().expect("one object");
    assert_eq!(
        (object.kind.as_str(), object.name.as_str()),
        ("Deployment", "shop")
    );
    let names: Vec<&str> = object.containers.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["front", "back"]);
}

#[wasm_bindgen_test]
fn analyze_reports_syntax_errors_with_a_position() {
    let analysis = analyze("kind: Pod\nmetadata: [unclosed\n", &Options::default());
    let error = analysis.errors.first().expect("a parse error");
    assert!(error.line >= 2, "{error:?}");
    assert!(error.column >= 1, "{error:?}");
}

/// Mounts the app into a fresh `<div>` and waits for its first render.
async fn mount() -> Element {
    let document = web_sys::window().unwrap().document().unwrap();
    let root = document.create_element("div").unwrap();
    document.body().unwrap().append_child(&root).unwrap();
    yew::Renderer::<podsec_web::app::App>::with_root(root.clone()).render();
    settle().await;
    root
}

/// Lets Yew's scheduler run.
async fn settle() {
    yew::platform::time::sleep(Duration::from_millis(30)).await;
}

/// Waits until `done()` holds (the app may debounce edits), for at most ten seconds.
async fn eventually(done: impl Fn() -> bool) -> bool {
    for _ in 0..200 {
        if done() {
            return true;
        }
        yew::platform::time::sleep(Duration::from_millis(50)).await;
    }
    done()
}

/// The text of the first element matching `selector` under `root`, or "".
fn text(root: &Element, selector: &str) -> String {
    root.query_selector(selector)
        .unwrap()
        .and_then(|e| e.text_content())
        .unwrap_or_default()
}

async fn type_into(root: &Element, text: &str) {
    let area: HtmlTextAreaElement = root
        .query_selector("textarea")
        .unwrap()
        .expect("a textarea")
        .dyn_into()
        .unwrap();
    area.set_value(text);
    let init = EventInit::new();
    init.set_bubbles(true);
    let event = Event::new_with_event_init_dict("input", &init).unwrap();
    area.dispatch_event(&event).unwrap();
    settle().await;
}

// The selectors are loose on purpose (`.results` holds the analysis, `.errors .error` each syntax
// error), so these tests survive changes to the markup.

#[wasm_bindgen_test]
async fn the_app_renders_an_analysis_on_load() {
    let root = mount().await;
    assert!(root.query_selector("textarea#manifest").unwrap().is_some());
    assert!(root.query_selector(".results").unwrap().is_some());
}

#[wasm_bindgen_test]
async fn the_app_follows_the_text() {
    let root = mount().await;
    type_into(&root, TWO_CONTAINERS).await;
    eventually(|| text(&root, ".results").contains("back")).await;
    let results = text(&root, ".results");
    assert!(results.contains("shop"), "{results}");
    let (front, back) = (results.find("front"), results.find("back"));
    assert!(
        front.is_some() && back.is_some() && front < back,
        "{results}"
    );

    let broken = "kind: Pod\nmetadata: [unclosed\n";
    let line = analyze(broken, &Options::default())
        .errors
        .first()
        .expect("an error")
        .line;
    type_into(&root, broken).await;
    eventually(|| !text(&root, ".errors .error").is_empty()).await;
    let error = text(&root, ".errors .error");
    assert!(error.contains(&format!("line {line}")), "{error:?}");
}

#[wasm_bindgen_test]
fn an_internal_error_keeps_the_text_and_says_so() {
    let document = web_sys::window().unwrap().document().unwrap();
    // A stand-in for the editor (other tests' apps have the real one).
    let area: HtmlTextAreaElement = document
        .create_element("textarea")
        .unwrap()
        .dyn_into()
        .unwrap();
    let typed = "kind: Pod\n# typed just before the error\n";
    area.set_value(typed);
    podsec_web::browser::rescue_from(Some(&area), "index out of bounds");

    let banner = document
        .query_selector(".notice.crash")
        .unwrap()
        .expect("a banner");
    assert_eq!(banner.get_attribute("role").as_deref(), Some("alert"));
    let said = banner.text_content().unwrap();
    assert!(said.contains("index out of bounds"), "{said}");
    assert!(said.contains("Your text is saved"), "{said}");
    let copy: HtmlTextAreaElement = banner
        .query_selector("textarea")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    assert_eq!(copy.value(), typed);
    let start_over = banner.query_selector("button").unwrap().expect("a button");
    assert_eq!(
        start_over.text_content().as_deref(),
        Some("Start over with the example")
    );
    // A reload finds the text in the address bar and in the saved draft.
    let draft = podsec_web::browser::load_draft().unwrap();
    assert_eq!(podsec::permalink::decode(&draft).unwrap().text, typed);
    let fragment = podsec_web::browser::fragment();
    assert_eq!(podsec::permalink::decode(&fragment).unwrap().text, typed);
    // Leave no draft behind for the other tests' apps.
    web_sys::window()
        .unwrap()
        .local_storage()
        .unwrap()
        .unwrap()
        .remove_item("podsec.draft")
        .unwrap();
    podsec_web::browser::replace_fragment("");
    banner.remove();
}
