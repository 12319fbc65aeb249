//! The `conformance` step of `cargo xtask test`: the upstream Pod Security Admission fixture corpus,
//! run through the `podsec` CLI by `../shared/psa-conformance/conformance.py`.
//!
//! The step runs only where the shared corpus exists next to the workspace.

use std::path::PathBuf;

use crate::util::{Result, cmd, root, run};

/// The checker command `conformance.py` runs per fixture; `{bin}` is replaced by the CLI's path,
/// the other placeholders are `conformance.py`'s own (see its `--help`).
const COMMAND: &str = "{bin} check --level {level} --version {version} --format json {file}";
/// How `conformance.py` reads the verdict from the command's output.
const VERDICT_ARGS: &[&str] = &["--verdict", "json", "--json-allowed", "allowed"];

/// `../shared/psa-conformance/conformance.py`, relative to the workspace root.
pub(crate) fn script() -> PathBuf {
    root()
        .join("..")
        .join("shared")
        .join("psa-conformance")
        .join("conformance.py")
}

/// Whether the corpus is present.
pub(crate) fn available() -> bool {
    script().is_file()
}

/// Builds the CLI and runs the corpus through it.
pub(crate) fn conformance() -> Result {
    run(&mut cmd("cargo", &["build", "--quiet", "-p", "podsec-cli"]))?;
    let target =
        std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root().join("target"), PathBuf::from);
    let bin = target.join("debug").join("podsec");
    let template = COMMAND.replace("{bin}", &bin.to_string_lossy());
    let script = script();
    let mut python = cmd(
        "python3",
        &[&script.to_string_lossy(), "-j", "2", &template],
    );
    python.args(VERDICT_ARGS);
    run(&mut python)
}
