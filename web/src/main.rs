//! The playground's entry point: mounts the app on the page's `<body>`.
//!
//! The same wasm serves the Web Worker (see `worker`): `web/assets/podsec-worker.js` imports this
//! build's JavaScript and wasm (the page's own hashed files, so they are fetched once) and calls
//! [`worker_serve`]. The start function therefore renders only where there is a window.

fn main() {
    #[cfg(target_arch = "wasm32")]
    if web_sys::window().is_some() {
        podsec_web::browser::install_panic_hook();
        yew::Renderer::<podsec_web::app::App>::new().render();
    }
    #[cfg(not(target_arch = "wasm32"))]
    eprintln!("podsec-web runs in a browser: try `cargo xtask serve`");
}

/// The Web Worker's entry point: answers analysis requests from the page (see `worker::serve`).
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn worker_serve() {
    podsec_web::worker::serve();
}
