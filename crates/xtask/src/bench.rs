//! `cargo xtask bench [--skip STEP...]`: measure the core, the browser build and a peer, and write
//! `docs/benchmarks.md` with the machine the figures come from.
//!
//! Steps (each can be skipped with `--skip NAME`; a step that cannot run says why in the report):
//! - `native`: criterion over `../shared/corpus/files` (analysis against a bare parse with the same
//!   parser), the 50-line pod and the Argo CD install, and per-document latency percentiles;
//! - `memory`: peak resident memory of the release CLI on the largest corpus file (`/usr/bin/time`);
//! - `browser`: the core in wasm inside headless Chromium (`tests/wasm_bench.rs`);
//! - `bundle`: `trunk build --release`, then wasm + js + css + html raw, gzip -9 and brotli -q 11,
//!   and the time to the first rendered result on a local server (playwright-core, Chromium);
//! - `peer`: Checkov (PyPI, installed into `target/bench/checkov`) against our release CLI over the
//!   same files, in the same run.
//!
//! Nothing here asserts a time; the report states each goal and whether it is met.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::hostile;
use crate::util::{Result, cmd, on_path, root, run, stdout_of};

const STEPS: &[&str] = &["native", "memory", "hostile", "browser", "bundle", "peer"];
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// `cargo xtask bench`.
pub(crate) fn run_command(args: &[String]) -> Result {
    let mut skip: Vec<String> = Vec::new();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--skip" => {
                let step = it.next().ok_or("--skip needs a step name")?;
                if !STEPS.contains(&step.as_str()) {
                    return Err(format!(
                        "unknown step `{step}`; steps: {}",
                        STEPS.join(", ")
                    ));
                }
                skip.push(step.clone());
            }
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    let corpus = root()
        .join("..")
        .join("shared")
        .join("corpus")
        .join("files");
    if !corpus.is_dir() {
        return Err(format!("the corpus {} is missing", corpus.display()));
    }
    let files = corpus_files(&corpus);
    let bytes: u64 = files
        .iter()
        .filter_map(|p| fs::metadata(p).ok())
        .map(|m| m.len())
        .sum();
    let out = root().join("target").join("bench");
    fs::create_dir_all(&out).map_err(|e| format!("cannot create {}: {e}", out.display()))?;

    let mut report = Report {
        machine: machine(),
        ..Report::default()
    };
    let wanted = |s: &str| !skip.iter().any(|k| k == s);
    let load_before = load_average();
    if wanted("native") {
        report.native = step("native", || native(&corpus, &out));
    }
    if (wanted("memory") || wanted("peer"))
        && let Err(e) = run(&mut cmd(
            "cargo",
            &["build", "--release", "-p", "podsec-cli", "--bin", "podsec"],
        ))
    {
        report.memory = Some(Err(e.clone()));
        report.peer = Some(Err(e));
    }
    if wanted("memory") && report.memory.is_none() {
        report.memory = step("memory", || memory(&files));
    }
    if wanted("hostile") {
        // PODSEC_BENCH_CLI measures another build (e.g. an older commit's) on the same shapes.
        let cli = std::env::var_os("PODSEC_BENCH_CLI").map_or_else(cli, PathBuf::from);
        report.hostile = step("hostile", || hostile::measure(&cli, &out));
    }
    if wanted("browser") {
        report.browser = step("browser", browser);
    }
    if wanted("bundle") {
        report.bundle = step("bundle", bundle);
    }
    if wanted("peer") && report.peer.is_none() {
        report.peer = step("peer", || peer(&files, &out));
    }
    report.load = format!("{load_before} before, {} after", load_average());
    report.corpus = (files.len(), bytes);
    let text = report.render();
    println!("\n{text}");
    let path = root().join("docs").join("benchmarks.md");
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    fs::write(&path, &text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    println!("bench: wrote {}", path.display());
    Ok(())
}

fn step<T>(name: &str, f: impl FnOnce() -> Result<T>) -> Option<Result<T>> {
    println!("\n== bench {name}");
    let result = f();
    if let Err(e) = &result {
        println!("== bench {name}: FAILED: {e}");
    }
    Some(result)
}

fn corpus_files(dir: &Path) -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = fs::read_dir(dir) else {
            return;
        };
        for path in entries.flatten().map(|e| e.path()) {
            if path.is_dir() {
                walk(&path, out);
            } else {
                out.push(path);
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, &mut out);
    out.sort();
    out
}

// ------------------------------------------------------------------------------------------------
// Machine.

#[derive(Default)]
struct Machine {
    cpu: String,
    cores: String,
    memory: String,
    os: String,
    rustc: String,
    date: String,
}

fn machine() -> Machine {
    let cpuinfo = fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let cpu = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .map(|l| l.trim_start_matches([' ', '\t', ':']).to_string())
        .unwrap_or_else(|| "unknown".into());
    let meminfo = fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let memory = meminfo
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|v| v.split_whitespace().next()?.parse::<u64>().ok())
        .map_or_else(
            || "unknown".into(),
            |kb| format!("{:.1} GiB", gib(kb * 1024)),
        );
    Machine {
        cpu,
        cores: stdout_of(&mut cmd("nproc", &[])).unwrap_or_else(|| "?".into()),
        memory,
        os: stdout_of(&mut cmd("uname", &["-srm"])).unwrap_or_default(),
        rustc: stdout_of(&mut cmd("rustc", &["--version"])).unwrap_or_default(),
        date: stdout_of(&mut cmd("date", &["-u", "+%Y-%m-%d %H:%M UTC"])).unwrap_or_default(),
    }
}

fn load_average() -> String {
    fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().next().map(str::to_string))
        .unwrap_or_else(|| "?".into())
}

#[allow(clippy::cast_precision_loss)]
fn gib(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0 * 1024.0)
}

// ------------------------------------------------------------------------------------------------
// Native.

#[derive(Default)]
struct Native {
    parse_ns: f64,
    analyze_ns: f64,
    pod50_ns: f64,
    argocd_ns: Option<f64>,
    latency: Vec<(String, String)>,
}

fn native(corpus: &Path, out: &Path) -> Result<Native> {
    let latency_file = out.join("latency.txt");
    let _ = fs::remove_file(&latency_file);
    let mut bench = cmd("cargo", &["bench", "-p", "podsec", "--bench", "analyze"]);
    bench
        .env("PODSEC_CORPUS", corpus)
        .env("PODSEC_BENCH_OUT", &latency_file);
    run(&mut bench)?;
    let criterion = root().join("target").join("criterion");
    let mean = |group: &str, id: &str| criterion_mean(&criterion.join(group).join(id));
    let latency = fs::read_to_string(&latency_file)
        .map_err(|e| format!("no latency figures ({}): {e}", latency_file.display()))?
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    Ok(Native {
        parse_ns: mean("corpus", "parse")?,
        analyze_ns: mean("corpus", "analyze")?,
        pod50_ns: mean("inputs", "pod50")?,
        argocd_ns: mean("inputs", "argocd").ok(),
        latency,
    })
}

/// The mean point estimate (ns) of a criterion benchmark, from its `new/estimates.json`.
fn criterion_mean(dir: &Path) -> Result<f64> {
    let path = dir.join("new").join("estimates.json");
    let text =
        fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    json_number_after(&text, "\"mean\"", "\"point_estimate\":")
        .ok_or_else(|| format!("no mean in {}", path.display()))
}

/// The number after `key` that follows `section` in a JSON text (enough for criterion's files).
fn json_number_after(text: &str, section: &str, key: &str) -> Option<f64> {
    let rest = text.get(text.find(section)?..)?;
    let rest = rest.get(rest.find(key)? + key.len()..)?;
    let end = rest
        .find(|c: char| !(c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E')))
        .unwrap_or(rest.len());
    rest.get(..end)?.trim().parse().ok()
}

// ------------------------------------------------------------------------------------------------
// Memory, and the release CLI.

fn cli() -> PathBuf {
    root().join("target").join("release").join("podsec")
}

struct Memory {
    file: String,
    bytes: u64,
    peak_kb: u64,
    baseline_kb: u64,
}

fn memory(files: &[PathBuf]) -> Result<Memory> {
    if !Path::new("/usr/bin/time").is_file() {
        return Err("/usr/bin/time is not installed (Debian package `time`)".into());
    }
    let largest = files
        .iter()
        .max_by_key(|p| fs::metadata(p).map(|m| m.len()).unwrap_or(0))
        .ok_or("the corpus is empty")?;
    let empty = root().join("target").join("bench").join("empty.yaml");
    fs::write(&empty, "").map_err(|e| e.to_string())?;
    let peak = |file: &Path| -> Result<u64> {
        let output = Command::new("/usr/bin/time")
            .arg("-v")
            .arg(cli())
            .args(["check", "--format", "json"])
            .arg(file)
            .stdout(Stdio::null())
            .output()
            .map_err(|e| format!("cannot run /usr/bin/time: {e}"))?;
        let stderr = String::from_utf8_lossy(&output.stderr);
        stderr
            .lines()
            .find_map(|l| l.trim().strip_prefix("Maximum resident set size (kbytes):"))
            .and_then(|v| v.trim().parse().ok())
            .ok_or_else(|| format!("no peak memory in /usr/bin/time output:\n{stderr}"))
    };
    Ok(Memory {
        file: display_name(largest),
        bytes: fs::metadata(largest).map(|m| m.len()).unwrap_or(0),
        peak_kb: peak(largest)?,
        baseline_kb: peak(&empty)?,
    })
}

fn display_name(path: &Path) -> String {
    let parts: Vec<String> = path
        .components()
        .rev()
        .take(2)
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    parts.into_iter().rev().collect::<Vec<_>>().join("/")
}

/// Wall time of a command (output discarded; the exit status is not judged, as both tools exit
/// non-zero when they find something).
fn wall(command: &mut Command) -> Result<Duration> {
    let start = Instant::now();
    command
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map_err(|e| format!("cannot run {:?}: {e}", command.get_program()))?;
    Ok(start.elapsed())
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times.get(times.len() / 2).copied().unwrap_or_default()
}

// ------------------------------------------------------------------------------------------------
// Browser.

struct Browser {
    pod50_ms: f64,
    argocd_ms: f64,
    /// The same with the core built at `opt-level = 3` instead of the shipped profile's.
    speed: Option<(f64, f64)>,
}

fn browser() -> Result<Browser> {
    let (pod50_ms, argocd_ms) = browser_run(None)?;
    let speed = match browser_run(Some("3")) {
        Ok(figures) => Some(figures),
        Err(e) => {
            println!("bench: the opt-level 3 variant failed: {e}");
            None
        }
    };
    Ok(Browser {
        pod50_ms,
        argocd_ms,
        speed,
    })
}

/// Runs `tests/wasm_bench.rs`; with `opt_level`, overrides the release profile's (in a target
/// directory of its own, so that the shipped build stays cached).
fn browser_run(opt_level: Option<&str>) -> Result<(f64, f64)> {
    if !on_path("wasm-bindgen-test-runner") || !Path::new(CHROMEDRIVER).is_file() {
        return Err("needs wasm-bindgen-test-runner and chromedriver (`cargo xtask setup`)".into());
    }
    let mut test = cmd(
        "cargo",
        &[
            "test",
            "-p",
            "podsec",
            "--release",
            "--features",
            "wasm-bench",
            "--target",
            "wasm32-unknown-unknown",
            "--test",
            "wasm_bench",
            "--",
            // The runner shows a passing test's console output only with this.
            "--nocapture",
        ],
    );
    test.env(
        "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER",
        "wasm-bindgen-test-runner",
    )
    .env("CHROMEDRIVER", CHROMEDRIVER)
    .env("WASM_BINDGEN_TEST_TIMEOUT", "300");
    if let Some(level) = opt_level {
        test.env("CARGO_PROFILE_RELEASE_OPT_LEVEL", level).env(
            "CARGO_TARGET_DIR",
            root().join("target").join("bench").join("wasm-opt"),
        );
        println!("(with CARGO_PROFILE_RELEASE_OPT_LEVEL={level})");
    }
    println!(
        "$ cargo test -p podsec --release --features wasm-bench --target wasm32-unknown-unknown --test wasm_bench"
    );
    let output = test
        .output()
        .map_err(|e| format!("cannot run cargo test: {e}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let median_of = |name: &str| -> Option<f64> {
        let line = stdout
            .lines()
            .find(|l| l.contains(&format!("wasm-bench: {name} ")))?;
        json_number_after(line, name, "median_ms=")
    };
    match (median_of("pod50"), median_of("argocd")) {
        (Some(pod50_ms), Some(argocd_ms)) => Ok((pod50_ms, argocd_ms)),
        _ => Err(format!(
            "no wasm-bench lines in the output:\n{stdout}\n{}",
            String::from_utf8_lossy(&output.stderr)
        )),
    }
}

// ------------------------------------------------------------------------------------------------
// Bundle.

struct Bundle {
    files: Vec<(String, u64, u64, u64)>,
    first_result_ms: Result<Vec<f64>>,
}

fn bundle() -> Result<Bundle> {
    crate::web::build_release()?;
    let dist = root().join("dist");
    let mut files = Vec::new();
    for path in corpus_files(&dist) {
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        if !matches!(ext, "wasm" | "js" | "css" | "html") {
            continue;
        }
        let raw = fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
        let gzip = compressed_size("gzip", &["-9", "-c"], &path)?;
        let brotli = compressed_size("brotli", &["-c", "-q", "11"], &path)?;
        let name = path
            .strip_prefix(&dist)
            .map_or_else(|_| display_name(&path), |p| p.display().to_string());
        files.push((name, raw, gzip, brotli));
    }
    Ok(Bundle {
        files,
        first_result_ms: first_result(),
    })
}

fn compressed_size(program: &str, args: &[&str], path: &Path) -> Result<u64> {
    let output = cmd(program, args)
        .arg(path)
        .output()
        .map_err(|e| format!("cannot run {program}: {e}"))?;
    if !output.status.success() {
        return Err(format!("{program} failed on {}", path.display()));
    }
    Ok(output.stdout.len() as u64)
}

/// Loads dist/ from a local server in headless Chromium five times (fresh context each time) and
/// returns the times from navigation start to the frame after the first analysis was shown.
fn first_result() -> Result<Vec<f64>> {
    const SCRIPT: &str = r"
import { start } from './tests/e2e/harness.mjs';
const env = await start();
const times = [];
try {
  for (let i = 0; i < 5; i++) {
    const context = await env.browser.newContext();
    const page = await context.newPage();
    await page.goto(env.url);
    await page.waitForFunction(() => Number(document.querySelector('.status')?.dataset.analyses) >= 1);
    times.push(await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => r(performance.now())))));
    await context.close();
  }
} finally {
  await env.close();
}
console.log('first-result-ms ' + times.map((t) => t.toFixed(1)).join(' '));
";
    let output = cmd("node", &["--input-type=module", "-e", SCRIPT])
        .output()
        .map_err(|e| format!("cannot run node: {e}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let times: Vec<f64> = stdout
        .lines()
        .find_map(|l| l.strip_prefix("first-result-ms "))
        .map(|l| {
            l.split_whitespace()
                .filter_map(|t| t.parse().ok())
                .collect()
        })
        .unwrap_or_default();
    if times.is_empty() {
        return Err(format!(
            "no timing from the page:\n{stdout}\n{}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    Ok(times)
}

// ------------------------------------------------------------------------------------------------
// Peer.

struct Peer {
    checkov_version: String,
    checkov: Duration,
    ours: Duration,
    files: usize,
}

fn peer(files: &[PathBuf], out: &Path) -> Result<Peer> {
    let venv = out.join("checkov");
    let checkov = venv.join("bin").join("checkov");
    if !checkov.is_file() {
        println!(
            "bench: installing checkov from PyPI into {}",
            venv.display()
        );
        run(cmd("python3", &["-m", "venv"]).arg(&venv))?;
        run(Command::new(venv.join("bin").join("pip"))
            .args(["install", "--quiet", "checkov"])
            .current_dir(root()))?;
    }
    let checkov_version =
        stdout_of(Command::new(&checkov).arg("--version")).unwrap_or_else(|| "unknown".into());
    // Both tools get the same explicit file list.
    let mut ours_times = Vec::new();
    for _ in 0..3 {
        ours_times.push(wall(
            Command::new(cli())
                .args(["check", "--format", "json"])
                .args(files),
        )?);
    }
    let mut theirs = Command::new(&checkov);
    theirs
        .args([
            "--framework",
            "kubernetes",
            "--quiet",
            "--compact",
            "--skip-download",
            "-o",
            "json",
        ])
        .env("BC_SKIP_MAPPING", "TRUE")
        .env("CHECKOV_RUN_SCA_PACKAGE_SCAN_V2", "false");
    for f in files {
        theirs.arg("-f").arg(f);
    }
    println!(
        "$ checkov --framework kubernetes -f <{} files>",
        files.len()
    );
    Ok(Peer {
        checkov_version,
        checkov: wall(&mut theirs)?,
        ours: median(ours_times),
        files: files.len(),
    })
}

// ------------------------------------------------------------------------------------------------
// Report.

#[derive(Default)]
struct Report {
    machine: Machine,
    load: String,
    corpus: (usize, u64),
    native: Option<Result<Native>>,
    memory: Option<Result<Memory>>,
    browser: Option<Result<Browser>>,
    bundle: Option<Result<Bundle>>,
    peer: Option<Result<Peer>>,
    hostile: Option<Result<Vec<hostile::Measured>>>,
}

fn met(ok: bool) -> &'static str {
    if ok { "**met**" } else { "**not met**" }
}

#[allow(clippy::cast_precision_loss)]
fn mb_per_s(bytes: u64, ns: f64) -> f64 {
    bytes as f64 / 1e6 / (ns / 1e9)
}

#[allow(clippy::cast_precision_loss)]
fn kib(bytes: u64) -> f64 {
    bytes as f64 / 1024.0
}

impl Report {
    #[allow(clippy::too_many_lines, clippy::cast_precision_loss)]
    fn render(&self) -> String {
        let m = &self.machine;
        let mut s = String::new();
        let _ = writeln!(s, "# Benchmarks\n");
        let _ = writeln!(
            s,
            "Generated by `cargo xtask bench` on {}; do not edit by hand. Re-run it to refresh every \
             figure. Nothing in the test suite asserts a time.\n",
            m.date
        );
        let _ = writeln!(s, "## Machine\n");
        let _ = writeln!(s, "| | |\n|---|---|");
        let _ = writeln!(s, "| CPU | {} |", m.cpu);
        let _ = writeln!(s, "| cores (`nproc`) | {} |", m.cores);
        let _ = writeln!(s, "| memory | {} |", m.memory);
        let _ = writeln!(s, "| OS | {} |", m.os);
        let _ = writeln!(s, "| compiler | {} |", m.rustc);
        let _ = writeln!(s, "| load average (1 min) | {} |", self.load);
        let _ = writeln!(
            s,
            "| corpus | `../shared/corpus/files`: {} files, {:.2} MB |\n",
            self.corpus.0,
            self.corpus.1 as f64 / 1e6
        );

        let _ = writeln!(s, "## Native (criterion, `cargo bench -p podsec`)\n");
        match &self.native {
            None => s.push_str("Skipped.\n\n"),
            Some(Err(e)) => {
                let _ = writeln!(s, "Failed: {e}\n");
            }
            Some(Ok(n)) => {
                let ratio = n.analyze_ns / n.parse_ns;
                let _ = writeln!(s, "| measure | figure |\n|---|---|");
                let _ = writeln!(
                    s,
                    "| bare parse (`podsec::yaml::parse_stream`), whole corpus | {:.1} ms, {:.1} MB/s |",
                    n.parse_ns / 1e6,
                    mb_per_s(self.corpus.1, n.parse_ns)
                );
                let _ = writeln!(
                    s,
                    "| full analysis (`podsec::analyze`), whole corpus | {:.1} ms, {:.1} MB/s |",
                    n.analyze_ns / 1e6,
                    mb_per_s(self.corpus.1, n.analyze_ns)
                );
                let _ = writeln!(
                    s,
                    "| analysis / parse | {ratio:.2}× (goal ≤ 2×: {}) |",
                    met(ratio <= 2.0)
                );
                let get = |k: &str| {
                    n.latency
                        .iter()
                        .find(|(key, _)| key == k)
                        .map_or("?", |(_, v)| v.as_str())
                };
                let _ = writeln!(
                    s,
                    "| per-document latency over {} documents: p50 / p90 / p99 / max | {} / {} / {} / {} µs |",
                    get("documents"),
                    get("latency_p50_us"),
                    get("latency_p90_us"),
                    get("latency_p99_us"),
                    get("latency_max_us")
                );
                let _ = writeln!(s, "| 50-line pod | {:.1} µs |", n.pod50_ns / 1e3);
                if let Some(a) = n.argocd_ns {
                    let _ = writeln!(s, "| Argo CD install (1.9 MB) | {:.1} ms |", a / 1e6);
                }
                s.push('\n');
            }
        }

        let _ = writeln!(s, "## Peak memory\n");
        let _ = writeln!(s, "## Hostile shapes\n");
        let _ = writeln!(
            s,
            "Small inputs shaped to cost far more than their size, through the release CLI (`check --format json`, or `harden`), under `/usr/bin/time -v`. Goal: memory at most 20x the input above the process's own baseline, no shape slower than linear.\n"
        );
        match &self.hostile {
            Some(Ok(rows)) => {
                let _ = writeln!(s, "{}", hostile::render(rows));
            }
            Some(Err(e)) => {
                let _ = writeln!(s, "failed: {e}\n");
            }
            None => {
                let _ = writeln!(s, "skipped\n");
            }
        }
        match &self.memory {
            None => s.push_str("Skipped.\n\n"),
            Some(Err(e)) => {
                let _ = writeln!(s, "Failed: {e}\n");
            }
            Some(Ok(mem)) => {
                let _ = writeln!(
                    s,
                    "Release CLI, `podsec check --format json` on the largest corpus file ({}, {:.2} MB), \
                     maximum resident set size from `/usr/bin/time -v`: **{:.1} MiB**, of which {:.1} MiB \
                     is the process on an empty file; the analysis itself adds {:.1} MiB ({:.1}× the input).\n",
                    mem.file,
                    mem.bytes as f64 / 1e6,
                    mem.peak_kb as f64 / 1024.0,
                    mem.baseline_kb as f64 / 1024.0,
                    mem.peak_kb.saturating_sub(mem.baseline_kb) as f64 / 1024.0,
                    (mem.peak_kb.saturating_sub(mem.baseline_kb) * 1024) as f64
                        / mem.bytes.max(1) as f64
                );
            }
        }

        let _ = writeln!(s, "## Browser (wasm in headless Chromium)\n");
        match &self.browser {
            None => s.push_str("Skipped.\n\n"),
            Some(Err(e)) => {
                let _ = writeln!(s, "Failed: {e}\n");
            }
            Some(Ok(b)) => {
                let native = self.native.as_ref().and_then(|n| n.as_ref().ok());
                let ratio = |wasm_ms: f64, native_ns: Option<f64>| {
                    native_ns.map_or_else(|| "?".into(), |n| format!("{:.2}×", wasm_ms * 1e6 / n))
                };
                let _ = writeln!(
                    s,
                    "`tests/wasm_bench.rs` built `--release` (the profile the site ships) and run by \
                     `wasm-bindgen-test-runner` in headless Chromium; median of the timed runs, \
                     `performance.now()`.\n"
                );
                let _ = writeln!(
                    s,
                    "| input | wasm | goal | wasm / native |\n|---|---|---|---|"
                );
                let _ = writeln!(
                    s,
                    "| 50-line pod | {:.3} ms | < 2 ms: {} | {} |",
                    b.pod50_ms,
                    met(b.pod50_ms < 2.0),
                    ratio(b.pod50_ms, native.map(|n| n.pod50_ns))
                );
                let _ = writeln!(
                    s,
                    "| Argo CD install (1.9 MB) | {:.1} ms | < 150 ms: {} | {} |\n",
                    b.argocd_ms,
                    met(b.argocd_ms < 150.0),
                    ratio(b.argocd_ms, native.and_then(|n| n.argocd_ns))
                );
                if let Some((pod50, argocd)) = b.speed {
                    let _ = writeln!(
                        s,
                        "The page's release profile optimises for size (`opt-level = \"z\"`). The same \
                         test with the core built at `opt-level = 3`, the profile of the Web Worker \
                         that analyses texts over 64 KiB (so the Argo CD install, in the \
                         playground): 50-line pod {pod50:.3} ms ({}), Argo CD install {argocd:.1} ms \
                         ({}, {} native).\n",
                        met(pod50 < 2.0),
                        met(argocd < 150.0),
                        ratio(argocd, native.and_then(|n| n.argocd_ns))
                    );
                }
            }
        }

        let _ = writeln!(s, "## Bundle (`trunk build --release`)\n");
        match &self.bundle {
            None => s.push_str("Skipped.\n\n"),
            Some(Err(e)) => {
                let _ = writeln!(s, "Failed: {e}\n");
            }
            Some(Ok(b)) => {
                let _ = writeln!(
                    s,
                    "| file | raw | gzip -9 | brotli -q 11 |\n|---|---|---|---|"
                );
                // The worker's files are fetched only when a text over 64 KiB is analysed (and
                // cached by the service worker); the page's first load is everything else.
                let mut initial = (0, 0, 0);
                let mut worker = (0, 0, 0);
                for (name, raw, gzip, brotli) in &b.files {
                    let sum = if name.starts_with("podsec-worker") {
                        &mut worker
                    } else {
                        &mut initial
                    };
                    sum.0 += raw;
                    sum.1 += gzip;
                    sum.2 += brotli;
                    let _ = writeln!(
                        s,
                        "| {name} | {:.1} KiB | {:.1} KiB | {:.1} KiB |",
                        kib(*raw),
                        kib(*gzip),
                        kib(*brotli)
                    );
                }
                let _ = writeln!(
                    s,
                    "| **first load** (all but `podsec-worker*`) | {:.1} KiB | {:.1} KiB | **{:.1} KiB** (goal < 250 KB: {}) |",
                    kib(initial.0),
                    kib(initial.1),
                    kib(initial.2),
                    met(initial.2 < 250_000)
                );
                let _ = writeln!(
                    s,
                    "| the Web Worker, fetched for texts over 64 KiB (built at `opt-level = 3`, see `[profile.worker]`) | {:.1} KiB | {:.1} KiB | {:.1} KiB |\n",
                    kib(worker.0),
                    kib(worker.1),
                    kib(worker.2)
                );
                match &b.first_result_ms {
                    Ok(times) => {
                        let mut sorted = times.clone();
                        sorted.sort_by(f64::total_cmp);
                        let med = sorted.get(sorted.len() / 2).copied().unwrap_or(f64::NAN);
                        let _ = writeln!(
                            s,
                            "Time to first rendered result (navigation start to the frame after the first \
                             analysis is shown, `dist/` on a local server, fresh browser context, default \
                             example): median **{med:.0} ms** of {} loads ({}).\n",
                            times.len(),
                            times
                                .iter()
                                .map(|t| format!("{t:.0}"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        );
                    }
                    Err(e) => {
                        let _ = writeln!(s, "Time to first rendered result: failed: {e}\n");
                    }
                }
            }
        }

        let _ = writeln!(s, "## A peer on the same files\n");
        match &self.peer {
            None => s.push_str("Skipped.\n\n"),
            Some(Err(e)) => {
                let _ = writeln!(s, "Failed: {e}\n");
            }
            Some(Ok(p)) => {
                let _ = writeln!(
                    s,
                    "Both tools get the same {} files as one explicit file list, in the same run; wall \
                     time, output discarded.\n",
                    p.files
                );
                let _ = writeln!(s, "| tool | wall time |\n|---|---|");
                let _ = writeln!(
                    s,
                    "| podsec (release CLI, `check --format json`, median of 3) | {:.2} s |",
                    p.ours.as_secs_f64()
                );
                let _ = writeln!(
                    s,
                    "| Checkov {} (`--framework kubernetes -o json`, 1 run) | {:.2} s |",
                    p.checkov_version,
                    p.checkov.as_secs_f64()
                );
                let _ = writeln!(
                    s,
                    "| **ratio** | Checkov takes **{:.0}×** as long |\n",
                    p.checkov.as_secs_f64() / p.ours.as_secs_f64().max(1e-9)
                );
            }
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_criterion_mean() {
        let json = r#"{"mean":{"confidence_interval":{"confidence_level":0.95,"lower_bound":1.5,"upper_bound":2.5},"point_estimate":2.25e6,"standard_error":0.1},"median":{"point_estimate":9.0}}"#;
        assert_eq!(
            json_number_after(json, "\"mean\"", "\"point_estimate\":"),
            Some(2.25e6)
        );
        assert_eq!(
            json_number_after(
                "wasm-bench: pod50 median_ms=0.412 min_ms=0.3",
                "pod50",
                "median_ms="
            ),
            Some(0.412)
        );
    }
}
