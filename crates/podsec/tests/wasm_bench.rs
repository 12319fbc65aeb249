//! Browser figures: analysis time of the core compiled to wasm, inside headless Chromium, for the
//! 50-line pod of the native benches and for the Argo CD install of the shared corpus.
//!
//! Built only with the `wasm-bench` feature, which `cargo xtask bench` turns on (it embeds a file
//! of `../shared`); it prints `wasm-bench: NAME median_ms=… min_ms=… runs=…` lines that the xtask
//! reads. Nothing here asserts a time.
#![cfg(target_arch = "wasm32")]

use podsec::{Options, analyze};
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen_test::{console_log, wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

const POD_50_LINES: &str = include_str!("../benches/pod50.yaml");
const ARGO_CD: &str =
    include_str!("../../../../shared/corpus/files/argo-cd/manifests__install.yaml");

#[wasm_bindgen]
extern "C" {
    /// `performance.now()`: milliseconds with sub-millisecond resolution.
    #[wasm_bindgen(js_namespace = performance, js_name = now)]
    fn now() -> f64;
}

/// Times `runs` analyses after `warm` unmeasured ones and prints the median and the minimum.
fn measure(name: &str, text: &str, warm: usize, runs: usize) {
    let options = Options::default();
    for _ in 0..warm {
        std::hint::black_box(analyze(text, &options));
    }
    let mut times: Vec<f64> = (0..runs)
        .map(|_| {
            let start = now();
            std::hint::black_box(analyze(std::hint::black_box(text), &options));
            now() - start
        })
        .collect();
    times.sort_by(f64::total_cmp);
    let median = times.get(times.len() / 2).copied().unwrap_or(f64::NAN);
    let min = times.first().copied().unwrap_or(f64::NAN);
    console_log!(
        "wasm-bench: {name} median_ms={median:.3} min_ms={min:.3} runs={runs} bytes={}",
        text.len()
    );
}

#[wasm_bindgen_test]
fn analysis_time_in_the_browser() {
    measure("pod50", POD_50_LINES, 20, 200);
    measure("argocd", ARGO_CD, 2, 9);
}
