//! `cargo xtask vendor`: the playground's editor, CodeMirror 6, as one committed ES module.
//!
//! `web/vendor/codemirror/` holds the entry (`editor.js`, podsec's hooks around CodeMirror), a
//! replacement for style-mod's mounting that the page's CSP allows (`style-mod-csp.js`), and the
//! pinned npm packages (`package.json`, `package-lock.json`); esbuild bundles and minifies them
//! into `web/assets/codemirror.js`, which is committed, so building the site needs no npm bundling.
//! The bundle's first line records a hash of those files: a test fails when they change
//! without the bundle being rebuilt, and `cargo xtask vendor --check` (a `cargo xtask test` step)
//! rebuilds it and compares the bytes.

use std::path::PathBuf;

use crate::util::{Result, cmd, fnv1a, root, run, stdout_of};

/// The files the bundle is made from, relative to [`source_dir`].
const SOURCES: [&str; 4] = [
    "editor.js",
    "style-mod-csp.js",
    "package.json",
    "package-lock.json",
];
/// Written into the packages' `node_modules/` after a successful `npm ci`.
const STAMP: &str = ".podsec-stamp";

fn source_dir() -> PathBuf {
    root().join("web").join("vendor").join("codemirror")
}

/// The committed bundle.
pub(crate) fn bundle_path() -> PathBuf {
    root().join("web").join("assets").join("codemirror.js")
}

/// `cargo xtask vendor [--check]`.
pub(crate) fn run_command(args: &[String]) -> Result {
    let check = match args {
        [] => false,
        [flag] if flag == "--check" => true,
        [other, ..] => return Err(format!("unknown `vendor` argument `{other}`")),
    };
    install()?;
    let built = build()?;
    let path = bundle_path();
    if check {
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        if committed != built {
            return Err(format!(
                "{} does not match its sources and pins; run `cargo xtask vendor`",
                path.display()
            ));
        }
        println!("vendor: {} matches its sources", path.display());
        return Ok(());
    }
    std::fs::write(&path, &built).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    println!("vendor: wrote {} ({} bytes)", path.display(), built.len());
    Ok(())
}

/// Installs the pinned packages (`npm ci`) unless the stamp says they are there. A setup step.
pub(crate) fn install() -> Result<String> {
    let dir = source_dir();
    let stamp_path = dir.join("node_modules").join(STAMP);
    let wanted = format!("{:016x}", sources_hash()?);
    let stamp = std::fs::read_to_string(&stamp_path).unwrap_or_default();
    if stamp.trim() == wanted && esbuild().is_file() {
        return Ok("editor bundle's packages up to date".into());
    }
    let mut npm = cmd("npm", &["ci", "--no-audit", "--no-fund"]);
    npm.current_dir(&dir);
    run(&mut npm)?;
    std::fs::write(&stamp_path, wanted)
        .map_err(|e| format!("cannot write {}: {e}", stamp_path.display()))?;
    Ok("ran npm ci for the editor bundle".into())
}

fn esbuild() -> PathBuf {
    source_dir()
        .join("node_modules")
        .join(".bin")
        .join("esbuild")
}

/// The hash of the bundle's sources, as its first line records it.
fn sources_hash() -> Result<u64> {
    let mut bytes = Vec::new();
    for name in SOURCES {
        let path = source_dir().join(name);
        let content =
            std::fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        bytes.extend(content);
        bytes.push(0);
    }
    Ok(fnv1a(&bytes))
}

/// The bundle's first line.
fn header(hash: u64) -> String {
    format!(
        "// CodeMirror 6 for the podsec playground, built by `cargo xtask vendor` from \
         web/vendor/codemirror (sources {hash:016x}).\n\
         // CodeMirror, Lezer, style-mod, crelt, w3c-keyname, find-cluster-break: MIT License, \
         Copyright (C) 2016-2024 by Marijn Haverbeke <marijn@haverbeke.berlin> and others.\n"
    )
}

/// Bundles the entry with esbuild and returns the module's text, header first.
fn build() -> Result<String> {
    let mut esbuild = cmd(
        &esbuild().to_string_lossy(),
        &[
            "editor.js",
            "--bundle",
            "--minify",
            "--format=esm",
            "--target=es2020",
            "--legal-comments=none",
            "--charset=utf8",
            // CodeMirror's styles in a constructed stylesheet, not a <style> the CSP blocks.
            "--alias:style-mod=./style-mod-csp.js",
        ],
    );
    esbuild.current_dir(source_dir());
    let out = stdout_of(&mut esbuild).ok_or("esbuild failed")?;
    Ok(format!("{}{out}\n", header(sources_hash()?)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_committed_bundle_was_built_from_its_sources() {
        let bundle = std::fs::read_to_string(bundle_path()).unwrap_or_default();
        let first = bundle.lines().next().unwrap_or_default();
        let hash = sources_hash().unwrap_or_default();
        assert_eq!(
            first,
            header(hash).lines().next().unwrap_or_default(),
            "web/assets/codemirror.js is stale: run `cargo xtask vendor`"
        );
    }
}
