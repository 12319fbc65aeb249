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

fn texts(root: &Element, selector: &str) -> Vec<String> {
    let nodes = root.query_selector_all(selector).unwrap();
    (0..nodes.length())
        .filter_map(|i| nodes.item(i)?.text_content())
        .collect()
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

#[wasm_bindgen_test]
async fn the_app_shows_the_example_on_load() {
    let root = mount().await;
    assert_eq!(texts(&root, ".objects .object > .kind"), ["Deployment"]);
    assert_eq!(texts(&root, ".containers .name"), ["migrate", "app"]);
}

#[wasm_bindgen_test]
async fn the_app_follows_the_text() {
    let root = mount().await;
    type_into(&root, TWO_CONTAINERS).await;
    assert_eq!(texts(&root, ".object > .name"), ["shop"]);
    assert_eq!(texts(&root, ".containers .name"), ["front", "back"]);
    assert_eq!(
        texts(&root, ".containers .type"),
        ["container", "container"]
    );

    type_into(&root, "kind: Pod\nmetadata: [unclosed\n").await;
    let errors = texts(&root, ".errors .error");
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(errors.first().unwrap().starts_with("line "), "{errors:?}");
    assert!(texts(&root, ".objects").is_empty());
}
