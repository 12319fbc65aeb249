//! `cargo xtask serve` and `cargo xtask dist`: the web app through Trunk.

use std::path::Path;
use std::process::{Command, Stdio};

use crate::setup;
use crate::util::{Result, cmd, human, kib, on_path, root, run, timed};

/// `cargo xtask serve [--port N]`.
pub(crate) fn serve(args: &[String]) -> Result {
    let mut port = String::from("8080");
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--port" => port = args.next().ok_or("`--port` needs a value")?.clone(),
            other => match other.strip_prefix("--port=") {
                Some(value) => port = value.to_string(),
                None => return Err(format!("unknown `serve` argument `{other}`")),
            },
        }
    }
    port.parse::<u16>()
        .map_err(|_| format!("`--port {port}` is not a port number"))?;
    setup::ensure()?;
    println!();
    println!("serve: http://127.0.0.1:{port}/ (rebuilds on change; Ctrl-C stops)");
    println!();
    run(&mut trunk(&[
        "serve",
        "--address",
        "127.0.0.1",
        "--port",
        &port,
    ]))
}

/// `cargo xtask dist`.
pub(crate) fn dist(args: &[String]) -> Result {
    if let Some(arg) = args.first() {
        return Err(format!("`dist` takes no arguments, got `{arg}`"));
    }
    setup::ensure()?;
    let (result, took) = timed(build_release);
    result?;
    println!(
        "dist: built {} in {}",
        root().join("dist").display(),
        human(took)
    );
    print_sizes(&root().join("dist"));
    Ok(())
}

/// `trunk build --release` into `dist/`, the page built with Cargo's `web` profile (size first;
/// `release` is the native binaries' full-speed profile). The Web Worker runs the same wasm.
pub(crate) fn build_release() -> Result {
    run(&mut trunk(&[
        "build",
        "--release",
        "--cargo-profile",
        WEB_PROFILE,
    ]))
}

/// The Cargo profile of the page's wasm.
pub(crate) const WEB_PROFILE: &str = "web";

/// A Trunk command. `PODSEC_XTASK` names this very executable, so Trunk's `post_build` hook
/// (see `Trunk.toml`) runs it directly instead of going through `cargo xtask`, which would first
/// rebuild xtask's dependencies (the core) natively after every edit.
fn trunk(args: &[&str]) -> Command {
    let mut trunk = cmd("trunk", args);
    if let Ok(exe) = std::env::current_exe() {
        trunk.env("PODSEC_XTASK", exe);
    }
    trunk
}

/// Prints the size of each file in `dir`: raw, gzip -9 and brotli -q 11.
fn print_sizes(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut files: Vec<_> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    let brotli = on_path("brotli");
    println!(
        "{:<44} {:>11} {:>11} {:>11}",
        "file", "raw", "gzip -9", "brotli"
    );
    for file in files {
        let name = file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let raw = std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0);
        let gzip = compressed_len("gzip", &["-9", "-c"], &file);
        let br = if brotli {
            compressed_len("brotli", &["-q", "11", "-c"], &file)
        } else {
            None
        };
        let show = |n: Option<u64>| n.map_or_else(|| "n/a".to_string(), kib);
        println!(
            "{name:<44} {:>11} {:>11} {:>11}",
            kib(raw),
            show(gzip),
            show(br)
        );
    }
    if !brotli {
        println!("(brotli sizes need the `brotli` command: apt-get install brotli)");
    }
}

fn compressed_len(program: &str, args: &[&str], file: &Path) -> Option<u64> {
    let output = Command::new(program)
        .args(args)
        .arg(file)
        .stderr(Stdio::null())
        .output()
        .ok()?;
    output
        .status
        .success()
        .then_some(output.stdout.len() as u64)
}
