//! Keeps the built `index.html` within its strict Content Security Policy.
//!
//! Trunk injects inline `<script>` elements (the module that loads the wasm, and the autoreload
//! client under `trunk serve`), which `script-src 'self'` forbids. Trunk runs
//! `cargo xtask trunk-hook` as a `post_build` hook (see `Trunk.toml`); it moves each inline script
//! into a file of its own, named after a hash of its content, and points the element at it.

use std::path::Path;

use crate::util::{Result, fnv1a};

/// `cargo xtask trunk-hook`: rewrites `$TRUNK_STAGING_DIR/index.html` in place.
pub(crate) fn trunk_hook(args: &[String]) -> Result {
    if let Some(arg) = args.first() {
        return Err(format!("`trunk-hook` takes no arguments, got `{arg}`"));
    }
    let staging = std::env::var_os("TRUNK_STAGING_DIR")
        .ok_or("`trunk-hook` runs as a Trunk post_build hook (TRUNK_STAGING_DIR is not set)")?;
    let public_url = std::env::var("TRUNK_PUBLIC_URL").unwrap_or_else(|_| "./".into());
    let staging = Path::new(&staging);
    let index = staging.join("index.html");
    let html = std::fs::read_to_string(&index)
        .map_err(|e| format!("cannot read {}: {e}", index.display()))?;
    let (html, scripts) = externalize_scripts(&html, &public_url);
    for script in &scripts {
        let path = staging.join(&script.file);
        std::fs::write(&path, &script.body)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    std::fs::write(&index, html).map_err(|e| format!("cannot write {}: {e}", index.display()))?;
    let names: Vec<&str> = scripts.iter().map(|s| s.file.as_str()).collect();
    println!(
        "trunk-hook: moved {} inline script(s) out of index.html: {names:?}",
        names.len()
    );
    Ok(())
}

/// An inline script moved to its own file.
#[derive(Debug, PartialEq)]
pub(crate) struct External {
    /// File name, relative to the site root.
    pub(crate) file: String,
    /// The script text.
    pub(crate) body: String,
}

/// Replaces every `<script …>body</script>` without a `src` by `<script … src="URL"></script>`
/// and returns the rewritten HTML with the scripts to write.
pub(crate) fn externalize_scripts(html: &str, public_url: &str) -> (String, Vec<External>) {
    let mut out = String::with_capacity(html.len());
    let mut scripts = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<script") {
        let (before, from_tag) = rest.split_at(start);
        out.push_str(before);
        let Some(open_end) = from_tag.find('>') else {
            break;
        };
        let (open, after_open) = from_tag.split_at(open_end + 1);
        let Some(close) = after_open.find("</script>") else {
            out.push_str(open);
            rest = after_open;
            continue;
        };
        let (body, after_body) = after_open.split_at(close);
        let has_src = open.contains(" src=") || open.contains("\nsrc=");
        if has_src || body.trim().is_empty() {
            out.push_str(open);
            out.push_str(body);
        } else {
            let kind = if is_module(open) { "module" } else { "script" };
            let body = resolve_serve_placeholders(body);
            let file = format!("inline-{kind}-{:016x}.js", fnv1a(body.as_bytes()));
            let attrs = open.trim_end_matches('>');
            out.push_str(&format!("{attrs} src=\"{public_url}{file}\">"));
            scripts.push(External { file, body });
        }
        rest = after_body;
    }
    out.push_str(rest);
    (out, scripts)
}

/// `trunk serve` fills the autoreload client's placeholders in HTML responses only; once the client
/// lives in a file of its own, it works them out itself: the host from the page's address, the base
/// path from the script's own address (it sits next to `index.html`).
fn resolve_serve_placeholders(body: &str) -> String {
    body.replace("'{{__TRUNK_ADDRESS__}}'", "window.location.host")
        .replace(
            "'{{__TRUNK_WS_BASE__}}'",
            "new URL('.', document.currentScript.src).pathname",
        )
}

/// Whether an opening `<script …>` tag is a module script (quoted or not, as minifiers leave it).
fn is_module(open: &str) -> bool {
    ["type=\"module\"", "type='module'", "type=module"]
        .iter()
        .any(|t| open.contains(t))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moves_inline_scripts_and_keeps_external_ones() {
        let html = "<head><script src=\"./a.js\"></script></head><body>\
                    <script type=\"module\">\nimport init from './app.js';\nawait init();\n</script>\
                    <script>reload()</script></body>";
        let (out, scripts) = externalize_scripts(html, "./");
        assert_eq!(scripts.len(), 2);
        let module = scripts.first().map(|s| s.file.clone()).unwrap_or_default();
        let classic = scripts.get(1).map(|s| s.file.clone()).unwrap_or_default();
        assert!(module.starts_with("inline-module-"));
        assert!(classic.starts_with("inline-script-"));
        assert_eq!(
            out,
            format!(
                "<head><script src=\"./a.js\"></script></head><body>\
                 <script type=\"module\" src=\"./{module}\"></script>\
                 <script src=\"./{classic}\"></script></body>"
            )
        );
        assert_eq!(
            scripts.first().map(|s| s.body.as_str()),
            Some("\nimport init from './app.js';\nawait init();\n")
        );
    }

    #[test]
    fn recognises_module_scripts_however_quoted() {
        assert!(is_module("<script type=\"module\">"));
        assert!(is_module("<script type=module>"));
        assert!(!is_module("<script>"));
    }

    #[test]
    fn the_autoreload_client_finds_its_server_itself() {
        let html = "<script>const address = '{{__TRUNK_ADDRESS__}}';\n\
                    const base = '{{__TRUNK_WS_BASE__}}';</script>";
        let (_, scripts) = externalize_scripts(html, "./");
        assert_eq!(
            scripts.first().map(|s| s.body.as_str()),
            Some(
                "const address = window.location.host;\n\
                 const base = new URL('.', document.currentScript.src).pathname;"
            )
        );
    }

    #[test]
    fn leaves_html_without_inline_scripts_alone() {
        let html = "<p>no scripts</p><script src=\"x.js\"></script>";
        assert_eq!(
            externalize_scripts(html, "./"),
            (html.to_string(), Vec::new())
        );
    }
}
