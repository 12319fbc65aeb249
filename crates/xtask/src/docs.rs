//! `cargo xtask docs`: regenerates `CHECKS.md` from the check registry.
//!
//! The text comes from `podsec::docs::checks_markdown`, the same renderer `podsec explain` uses;
//! the registry test `checks_md_is_fresh` fails when the file is stale. `--check` only compares.

use crate::util::{Result, root};

/// Writes `CHECKS.md` at the workspace root (or, with `--check`, fails if it differs).
pub(crate) fn run(args: &[String]) -> Result {
    let check = match args {
        [] => false,
        [flag] if flag == "--check" => true,
        _ => return Err(format!("`docs` takes only `--check`, got {args:?}")),
    };
    let path = root().join("CHECKS.md");
    let want = podsec::docs::checks_markdown();
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    if have == want {
        println!(
            "CHECKS.md is up to date ({} checks)",
            podsec::check::all().len()
        );
        return Ok(());
    }
    if check {
        return Err("CHECKS.md is stale: run `cargo xtask docs`".to_string());
    }
    std::fs::write(&path, want).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    println!("wrote CHECKS.md ({} checks)", podsec::check::all().len());
    Ok(())
}
