//! `cargo xtask fuzz [SECONDS] [TARGET...]`: seed, build and run the cargo-fuzz targets in `fuzz/`.
//!
//! The seed corpora come from `../shared/psa-conformance/testdata` and `../shared/corpus/files` at
//! run time and are copied into `fuzz/corpus/<target>/` (ignored by git, kept between runs so a
//! later run starts from what an earlier one found). cargo-fuzz needs nightly compiler flags; the
//! stable toolchain accepts them with `RUSTC_BOOTSTRAP=1`, which is how every command here runs.
//! A crash leaves its input in `fuzz/artifacts/<target>/` and fails the command; each crash should
//! become a test in `crates/podsec/tests/regressions.rs`.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::util::{Result, cmd, fnv1a, human, on_path, root, run, timed};

/// Every fuzz target, in the order they run.
pub(crate) const TARGETS: &[&str] = &["analyze", "harden", "permalink_decode"];
/// Seconds per target when none are given.
const DEFAULT_SECONDS: u64 = 60;
/// Larger seeds are skipped, and inputs are capped at this size, so that executions stay fast.
const MAX_LEN: u64 = 64 * 1024;
/// Cold `cargo install` of cargo-fuzz spends minutes in fat LTO; a thin build is fast enough.
const FAST_INSTALL_ENV: [(&str, &str); 2] = [
    ("CARGO_PROFILE_RELEASE_LTO", "false"),
    ("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "16"),
];

/// `cargo xtask fuzz [SECONDS] [TARGET...]`.
pub(crate) fn run_command(args: &[String]) -> Result {
    let mut seconds = DEFAULT_SECONDS;
    let mut targets: Vec<&str> = Vec::new();
    for arg in args {
        if let Ok(n) = arg.parse::<u64>() {
            seconds = n;
        } else if let Some(t) = TARGETS.iter().find(|t| **t == arg.as_str()) {
            targets.push(t);
        } else {
            return Err(format!(
                "unknown argument `{arg}`; usage: cargo xtask fuzz [SECONDS] [{}...]",
                TARGETS.join("|")
            ));
        }
    }
    if targets.is_empty() {
        targets = present_targets();
    }
    ensure_cargo_fuzz()?;
    build(false)?;
    let mut summary = Vec::new();
    for target in targets {
        let seeds = seed(target)?;
        println!("\n== fuzz {target}: {seconds}s, {seeds} seed files");
        let (result, took) = timed(|| fuzz_one(target, seconds));
        let runs = result?;
        summary.push(format!(
            "fuzz: {target}: {runs} executions in {}, no crash",
            human(took)
        ));
    }
    println!();
    for line in &summary {
        println!("{line}");
    }
    Ok(())
}

/// The targets whose source exists (the list grows as the APIs they exercise land).
pub(crate) fn present_targets() -> Vec<&'static str> {
    let dir = fuzz_dir().join("fuzz_targets");
    TARGETS
        .iter()
        .copied()
        .filter(|t| dir.join(format!("{t}.rs")).is_file())
        .collect()
}

fn fuzz_dir() -> PathBuf {
    root().join("fuzz")
}

/// `cargo fuzz` with the flags that let the stable toolchain build it.
fn cargo_fuzz(args: &[&str]) -> Command {
    let mut command = cmd("cargo", &["fuzz"]);
    command.args(args).env("RUSTC_BOOTSTRAP", "1");
    command
}

/// Installs cargo-fuzz when it is missing.
pub(crate) fn ensure_cargo_fuzz() -> Result {
    if on_path("cargo-fuzz") {
        return Ok(());
    }
    println!("fuzz: installing cargo-fuzz (a few minutes, once)");
    let mut install = cmd("cargo", &["install", "cargo-fuzz", "--locked"]);
    install.envs(FAST_INSTALL_ENV);
    run(&mut install)
}

/// Builds every present target; `check_only` builds them as CI does (no sanitizer, debug), which
/// proves they compile and link against libFuzzer in a fraction of the time.
pub(crate) fn build(check_only: bool) -> Result {
    let mut args = vec!["build"];
    if check_only {
        args.extend(["--dev", "--sanitizer", "none"]);
    }
    run(&mut cargo_fuzz(&args))
}

/// The `fuzz-build` step of `cargo xtask test`: installs cargo-fuzz if needed and builds the targets.
pub(crate) fn build_step() -> Result {
    ensure_cargo_fuzz()?;
    build(true)
}

/// Copies the shared corpora into `fuzz/corpus/<target>/`; returns how many seed files it holds.
fn seed(target: &str) -> Result<usize> {
    let dest = fuzz_dir().join("corpus").join(target);
    fs::create_dir_all(&dest).map_err(|e| format!("cannot create {}: {e}", dest.display()))?;
    let shared = root().join("..").join("shared");
    let mut sources = Vec::new();
    for dir in ["psa-conformance/testdata", "corpus/files"] {
        collect_files(&shared.join(dir), &mut sources);
    }
    if sources.is_empty() {
        println!("fuzz: ../shared not found; starting from an empty corpus");
    }
    for source in sources {
        let Ok(bytes) = fs::read(&source) else {
            continue;
        };
        if bytes.len() as u64 > MAX_LEN {
            continue;
        }
        let name = dest.join(format!("seed-{:016x}", fnv1a(&bytes)));
        if !name.exists() {
            fs::write(&name, &bytes)
                .map_err(|e| format!("cannot write {}: {e}", name.display()))?;
        }
    }
    Ok(fs::read_dir(&dest).map(Iterator::count).unwrap_or(0))
}

fn collect_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_files(&path, out);
        } else if path.extension().is_some_and(|e| e != "md") {
            out.push(path);
        }
    }
}

/// Runs one target for `seconds`; returns the number of executions libFuzzer reports.
fn fuzz_one(target: &str, seconds: u64) -> Result<u64> {
    let log_dir = fuzz_dir().join("artifacts");
    fs::create_dir_all(&log_dir)
        .map_err(|e| format!("cannot create {}: {e}", log_dir.display()))?;
    let log_path = log_dir.join(format!("{target}.log"));
    let log = fs::File::create(&log_path)
        .map_err(|e| format!("cannot create {}: {e}", log_path.display()))?;
    let total = format!("-max_total_time={seconds}");
    let max_len = format!("-max_len={MAX_LEN}");
    let mut command = cargo_fuzz(&[
        "run",
        target,
        "--",
        &total,
        &max_len,
        "-print_final_stats=1",
        // harden takes about a second natively on the largest seeds (kubernetes-api testdata) and
        // ten times that under AddressSanitizer; only a real hang should count as a failure.
        "-timeout=120",
        "-rss_limit_mb=4096",
    ]);
    command.stdout(Stdio::null()).stderr(log);
    println!(
        "$ cargo fuzz run {target} -- {total} {max_len} (log: {})",
        log_path.display()
    );
    let status = command
        .status()
        .map_err(|e| format!("cannot run cargo fuzz: {e}"))?;
    let text = fs::read_to_string(&log_path).unwrap_or_default();
    let runs = executions(&text);
    if status.success() {
        runs.ok_or_else(|| format!("no execution count in {}", log_path.display()))
    } else {
        let tail: Vec<&str> = text.lines().rev().take(30).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        Err(format!(
            "fuzz target `{target}` failed ({status}) after {} executions; crash inputs are in \
             fuzz/artifacts/{target}/\n{}",
            runs.unwrap_or(0),
            tail.join("\n")
        ))
    }
}

/// The `stat::number_of_executed_units` libFuzzer prints at exit, or the last `#N` status line.
fn executions(log: &str) -> Option<u64> {
    let stat = log.lines().find_map(|l| {
        l.strip_prefix("stat::number_of_executed_units:")
            .and_then(|n| n.trim().parse().ok())
    });
    stat.or_else(|| {
        log.lines().rev().find_map(|l| {
            l.strip_prefix('#')
                .and_then(|rest| rest.split_whitespace().next())
                .and_then(|n| n.parse().ok())
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_execution_count() {
        let log = "#2\tINITED\n#1024\tpulse  cov: 3\nDone 5000 runs in 1 second(s)\n\
                   stat::number_of_executed_units: 5000\nstat::average_exec_per_sec:     5000\n";
        assert_eq!(executions(log), Some(5000));
        assert_eq!(executions("#2\tINITED\n#1024\tpulse  cov: 3\n"), Some(1024));
        assert_eq!(executions("nothing"), None);
    }

    #[test]
    fn the_analyze_target_exists() {
        assert!(present_targets().contains(&"analyze"));
    }
}
