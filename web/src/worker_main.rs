//! The Web Worker's entry point: answers analysis requests from the page (see `worker`).

fn main() {
    #[cfg(target_arch = "wasm32")]
    podsec_web::worker::serve();
    #[cfg(not(target_arch = "wasm32"))]
    eprintln!("podsec-worker runs in a browser's Web Worker: try `cargo xtask serve`");
}
