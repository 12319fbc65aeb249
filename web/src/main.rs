//! The playground's entry point: mounts the app on the page's `<body>`.

fn main() {
    #[cfg(target_arch = "wasm32")]
    {
        podsec_web::browser::install_panic_hook();
        yew::Renderer::<podsec_web::app::App>::new().render();
    }
    #[cfg(not(target_arch = "wasm32"))]
    eprintln!("podsec-web runs in a browser: try `cargo xtask serve`");
}
