//! `cargo xtask`: the project's development tasks, in Rust instead of shell scripts.
//!
//! Each subcommand lives in its own module; this file only dispatches. Adding a subcommand is one
//! `mod` line and one match arm.

mod bench;
mod conformance;
mod csp;
mod docs;
mod fuzz;
mod hostile;
mod oracle;
mod setup;
mod test;
mod util;
mod vendor;
mod web;

use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask <command> [options]

commands:
  setup              install what building and testing need (idempotent, fast when done)
  serve [--port N]   setup, then serve the web app on http://127.0.0.1:N/ (default 8080), rebuilding on change
  dist               setup, then build the release site into dist/ and print the bundle sizes
  test [STEP...]     setup, then run every check CI runs (or only the named steps)
  bench [--skip STEP]
                     measure native, memory, browser, bundle and a peer; write docs/benchmarks.md
  fuzz [SECONDS] [TARGET...]
                     seed from ../shared and run each cargo-fuzz target (default 60 s each)
  oracle [DOCS] [SEED]
                     compare podsec's YAML reading with Kubernetes' decoder on DOCS generated
                     documents (default 200,000; seed from the clock unless given)
  docs [--check]     regenerate CHECKS.md from the check registry (or check it is fresh)
  vendor [--check]   rebuild web/assets/codemirror.js from web/vendor/codemirror (or check it matches)
  help               print this message
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((command, rest)) = args.split_first() else {
        eprint!("{USAGE}");
        return ExitCode::FAILURE;
    };
    let result = match command.as_str() {
        "setup" => setup::run_command(rest),
        "serve" => web::serve(rest),
        "dist" => web::dist(rest),
        "test" => test::run_command(rest),
        "fuzz" => fuzz::run_command(rest),
        "bench" => bench::run_command(rest),
        "oracle" => oracle::run_command(rest),
        // Internal: Trunk runs it as a post_build hook (see Trunk.toml).
        "trunk-hook" => csp::trunk_hook(rest),
        "docs" => docs::run(rest),
        "vendor" => vendor::run_command(rest),
        // Further commands are one line each, e.g. `"bench" => bench::run(rest),`.
        "help" | "-h" | "--help" => {
            print!("{USAGE}");
            Ok(())
        }
        other => Err(format!("unknown command `{other}`\n\n{USAGE}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        // The command has already said what went wrong.
        Err(message) if message.is_empty() => ExitCode::FAILURE,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}
