//! `cargo xtask test`: everything CI runs, in order, each step timed.
//!
//! A failing step does not stop the independent steps after it, so one run reports everything;
//! steps that need a failed step's output are reported as skipped. The last line is a summary
//! (`xtask test: 9 passed, 0 failed`) and the exit status is non-zero on any failure.

use std::time::Duration;

use crate::util::{Result, cmd, human, root, run, stdout_of, timed};
use crate::{conformance, fuzz, setup, vendor, web};

/// Headless Chromium's WebDriver, from Debian's `chromium-driver`.
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

struct Step {
    name: &'static str,
    what: &'static str,
    run: fn() -> Result,
    /// A step whose success this one needs.
    needs: Option<&'static str>,
}

const STEPS: &[Step] = &[
    Step {
        name: "fmt",
        what: "cargo fmt --check",
        run: fmt,
        needs: None,
    },
    Step {
        name: "clippy",
        what: "clippy, native",
        run: clippy,
        needs: None,
    },
    Step {
        name: "clippy-wasm",
        what: "clippy, wasm32",
        run: clippy_wasm,
        needs: None,
    },
    Step {
        name: "test",
        what: "cargo test --workspace",
        run: cargo_test,
        needs: None,
    },
    Step {
        name: "vendor",
        what: "web/assets/codemirror.js matches its sources (esbuild rebuild)",
        run: vendor_check,
        needs: None,
    },
    Step {
        name: "wasm-core",
        what: "core builds for wasm32",
        run: wasm_core,
        needs: None,
    },
    Step {
        name: "trunk",
        what: "trunk build --release",
        run: web::build_release,
        needs: None,
    },
    Step {
        name: "wasm-test",
        what: "wasm-bindgen tests in headless Chromium",
        run: wasm_test,
        needs: None,
    },
    Step {
        name: "e2e",
        what: "end-to-end tests of dist/ in Chromium",
        run: e2e,
        needs: Some("trunk"),
    },
    Step {
        name: "fuzz-build",
        what: "cargo-fuzz targets build (installs cargo-fuzz once)",
        run: fuzz::build_step,
        needs: None,
    },
    Step {
        name: "conformance",
        what: "PSA conformance corpus",
        run: conformance::conformance,
        needs: None,
    },
];

/// `cargo xtask test [STEP...]`.
pub(crate) fn run_command(args: &[String]) -> Result {
    for arg in args {
        if !STEPS.iter().any(|s| s.name == arg) {
            let names: Vec<&str> = STEPS.iter().map(|s| s.name).collect();
            return Err(format!(
                "unknown step `{arg}`; steps are: {}",
                names.join(", ")
            ));
        }
    }
    let (setup_result, setup_took) = timed(setup::ensure);
    setup_result?;

    let mut passed: Vec<&str> = Vec::new();
    let mut failed: Vec<&str> = Vec::new();
    let mut total = setup_took;
    for step in STEPS {
        if !args.is_empty() && !args.iter().any(|a| a == step.name) {
            continue;
        }
        if step.name == "conformance" && !conformance::available() {
            println!("\n== conformance: skipped (../shared not found)");
            continue;
        }
        if let Some(need) = step.needs {
            let selected = args.is_empty() || args.iter().any(|a| a == need);
            if selected && !passed.contains(&need) {
                println!("\n== {}: skipped ({need} failed)", step.name);
                failed.push(step.name);
                continue;
            }
        }
        println!("\n== {}: {}", step.name, step.what);
        let (result, took) = timed(step.run);
        total += took;
        match result {
            Ok(()) => {
                println!("== {}: ok ({})", step.name, human(took));
                passed.push(step.name);
            }
            Err(message) => {
                println!("== {}: FAILED ({}): {message}", step.name, human(took));
                failed.push(step.name);
            }
        }
    }
    summary(&passed, &failed, total);
    if failed.is_empty() {
        Ok(())
    } else {
        // The summary above already names the failures and must stay the last line.
        Err(String::new())
    }
}

fn summary(passed: &[&str], failed: &[&str], total: Duration) {
    println!("\nxtask test: total {} (setup included)", human(total));
    if !failed.is_empty() {
        println!("xtask test: failed steps: {}", failed.join(", "));
    }
    println!(
        "xtask test: {} passed, {} failed",
        passed.len(),
        failed.len()
    );
}

fn fmt() -> Result {
    run(&mut cmd("cargo", &["fmt", "--all", "--", "--check"]))
}

fn clippy() -> Result {
    run(&mut cmd(
        "cargo",
        &[
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ],
    ))
}

/// The web crate (with its browser tests) and, as its dependency, the core, as the browser gets
/// them. Not `-p podsec --all-targets`: the core's dev-dependencies (proptest) do not build for
/// wasm32.
fn clippy_wasm() -> Result {
    run(&mut cmd(
        "cargo",
        &[
            "clippy",
            "-p",
            "podsec-web",
            "--all-targets",
            "--target",
            "wasm32-unknown-unknown",
            "--",
            "-D",
            "warnings",
        ],
    ))
}

/// The default members plus the web crate, whose state tests run natively.
fn cargo_test() -> Result {
    let mut test = cmd("cargo", &["test", "--workspace"]);
    // The YAML fidelity test must not skip here: setup built Kubernetes' decoder.
    test.env("PODSEC_REQUIRE_ORACLE", "1")
        .env("PODSEC_YAML_ORACLE", root().join("target/yaml-oracle"));
    run(&mut test)
}

fn vendor_check() -> Result {
    vendor::run_command(&["--check".to_string()])
}

fn wasm_core() -> Result {
    run(&mut cmd(
        "cargo",
        &[
            "build",
            "-p",
            "podsec",
            "--target",
            "wasm32-unknown-unknown",
        ],
    ))
}

/// `web/tests/*.rs` under `wasm-bindgen-test-runner` in headless Chromium.
fn wasm_test() -> Result {
    let mut test = cmd(
        "cargo",
        &[
            "test",
            "-p",
            "podsec-web",
            "--target",
            "wasm32-unknown-unknown",
        ],
    );
    test.env(
        "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER",
        "wasm-bindgen-test-runner",
    )
    .env("CHROMEDRIVER", CHROMEDRIVER)
    .env("WASM_BINDGEN_TEST_TIMEOUT", "120");
    run(&mut test)
}

/// `node --test` over `tests/e2e/*.test.mjs`, against the `dist/` the `trunk` step built.
fn e2e() -> Result {
    let dir = root().join("tests").join("e2e");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .map_err(|e| format!("cannot read {}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with(".test.mjs"))
        .filter_map(|p| Some(p.strip_prefix(root()).ok()?.to_string_lossy().into_owned()))
        .collect();
    files.sort();
    if files.is_empty() {
        return Err(format!("no *.test.mjs files in {}", dir.display()));
    }
    let mut node = cmd("node", &["--test", "--test-concurrency=1"]);
    // A hung test fails after two minutes instead of stalling the whole run (Node 20 and later;
    // Debian 12's own nodejs is 18).
    let major = stdout_of(&mut cmd("node", &["--version"])).and_then(|v| {
        v.trim_start_matches('v')
            .split('.')
            .next()?
            .parse::<u32>()
            .ok()
    });
    if major.is_some_and(|m| m >= 20) {
        node.arg("--test-timeout=120000");
    }
    node.args(&files);
    run(&mut node)
}
