//! `cargo xtask bench [--skip STEP...]`: measure the core, the browser build and a peer, and write
//! `docs/benchmarks.md` with the machine the figures come from.
//!
//! Steps (each can be skipped with `--skip NAME`; a step that cannot run says why in the report):
//! - `native`: criterion over `../shared/corpus/files` (analysis against a bare parse with the same
//!   parser), the 50-line pod and the Argo CD install, per-document latency percentiles, and the
//!   Argo CD install's time per stage of the pipeline;
//! - `cli`: the release CLI over the whole corpus (`check --format json`, every file in one run);
//! - `memory`: peak resident memory of the release CLI on the largest corpus files (`/usr/bin/time`);
//! - `hostile`: the same for small inputs shaped to cost far more than their size (`hostile.rs`);
//! - `browser`: the core in wasm inside headless Chromium (`tests/wasm_bench.rs`), built with the
//!   page's profile (the Web Worker runs the same wasm);
//! - `bundle`: `trunk build --release` (as `cargo xtask dist`), then wasm + js + css + html + json
//!   raw, gzip -9 and brotli -q 11, what the page's wasm holds (`twiggy`, when installed), and the
//!   time to the first rendered result on a local server (playwright-core, Chromium), and the rich
//!   editor's paste-to-findings and keystroke-to-paint figures (`tests/e2e/editor-perf.test.mjs`,
//!   which prints them; what the page fetches after its first load, the rich editor's module, the
//!   worker's script and the learner's texts, is counted apart from the first load);
//! - `peer`: Checkov (PyPI, installed into `target/bench/checkov`) against our release CLI over the
//!   same 40 corpus files (every tenth), in the same run.
//!
//! Nothing here asserts a time; the report states each goal and whether it is met, first in one
//! table and then in each step's section.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::hostile;
use crate::util::{Result, cmd, on_path, root, run, stdout_of};

const STEPS: &[&str] = &[
    "native", "cli", "memory", "hostile", "browser", "bundle", "peer",
];

/// Goals (issue 20): the whole corpus through the CLI, seconds.
const GOAL_CORPUS_S: f64 = 0.3;
/// Checkov's time over ours on the peer set, at least.
const GOAL_PEER_RATIO: f64 = 150.0;
/// The page's first load, brotli bytes.
const GOAL_FIRST_LOAD: u64 = 250_000;
/// The whole first visit (the page and what the service worker precaches: the rich editor, the
/// Web Worker's script, the learner's texts), brotli bytes.
const GOAL_FIRST_VISIT: u64 = 350_000;
/// How many of the largest corpus files the memory step measures.
const LARGEST_FILES: usize = 5;
/// Every how many corpus files (in path order) one goes to the peer comparison.
const PEER_EVERY: usize = 10;
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
    if (wanted("cli") || wanted("memory") || wanted("peer"))
        && let Err(e) = run(&mut cmd(
            "cargo",
            &["build", "--release", "-p", "podsec-cli", "--bin", "podsec"],
        ))
    {
        report.cli = Some(Err(e.clone()));
        report.memory = Some(Err(e.clone()));
        report.peer = Some(Err(e));
    }
    if wanted("cli") && report.cli.is_none() {
        report.cli = step("cli", || corpus_run(&files));
    }
    if wanted("memory") && report.memory.is_none() {
        report.memory = step("memory", || memory(&files, &out));
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
    /// The Argo CD install per stage: name, milliseconds.
    stages: Vec<(String, f64)>,
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
    let figures = fs::read_to_string(&latency_file)
        .map_err(|e| format!("no latency figures ({}): {e}", latency_file.display()))?;
    let (stages, latency): (Vec<_>, Vec<_>) = figures
        .lines()
        .filter_map(|l| l.split_once('='))
        .partition(|(k, _)| k.starts_with("stage "));
    let latency = latency
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let stages = stages
        .into_iter()
        .filter_map(|(k, v)| Some((k.strip_prefix("stage ")?.to_string(), v.parse().ok()?)))
        .collect();
    Ok(Native {
        parse_ns: mean("corpus", "parse")?,
        analyze_ns: mean("corpus", "analyze")?,
        pod50_ns: mean("inputs", "pod50")?,
        argocd_ns: mean("inputs", "argocd").ok(),
        latency,
        stages,
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

/// The largest corpus files through the CLI, each beside the process's own baseline.
fn memory(files: &[PathBuf], out: &Path) -> Result<Vec<hostile::Measured>> {
    let mut by_size: Vec<(u64, &PathBuf)> = files
        .iter()
        .map(|p| (fs::metadata(p).map_or(0, |m| m.len()), p))
        .collect();
    by_size.sort_by_key(|e| std::cmp::Reverse(e.0));
    by_size
        .iter()
        .take(LARGEST_FILES)
        .map(|(_, p)| hostile::measure_file(&cli(), "check", display_name(p), p, out))
        .collect()
}

/// The release CLI over every corpus file in one run.
struct CorpusRun {
    /// Wall time of each timed run (after one untimed run that fills the page cache).
    wall: Vec<Duration>,
    /// User and system CPU seconds of one run, from `/usr/bin/time`.
    cpu: Option<(f64, f64)>,
}

fn corpus_run(files: &[PathBuf]) -> Result<CorpusRun> {
    let check = || {
        let mut c = Command::new(cli());
        c.args(["check", "--format", "json"]).args(files);
        c
    };
    wall(&mut check())?;
    let mut times = Vec::new();
    for _ in 0..7 {
        times.push(wall(&mut check())?);
    }
    let cpu = Command::new("/usr/bin/time")
        .args(["-f", "cpu %U %S"])
        .arg(cli())
        .args(["check", "--format", "json"])
        .args(files)
        .stdout(Stdio::null())
        .output()
        .ok()
        .and_then(|o| {
            let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
            let line = stderr.lines().find_map(|l| l.strip_prefix("cpu "))?;
            let mut parts = line.split_whitespace().map(str::parse::<f64>);
            Some((parts.next()?.ok()?, parts.next()?.ok()?))
        });
    Ok(CorpusRun { wall: times, cpu })
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
}

fn browser() -> Result<Browser> {
    let (pod50_ms, argocd_ms) = browser_run(crate::web::WEB_PROFILE)?;
    Ok(Browser {
        pod50_ms,
        argocd_ms,
    })
}

/// Runs `tests/wasm_bench.rs` built with a Cargo profile (`web`, the page's and the worker's).
fn browser_run(profile: &str) -> Result<(f64, f64)> {
    if !on_path("wasm-bindgen-test-runner") || !Path::new(CHROMEDRIVER).is_file() {
        return Err("needs wasm-bindgen-test-runner and chromedriver (`cargo xtask setup`)".into());
    }
    let mut test = cmd(
        "cargo",
        &[
            "test",
            "-p",
            "podsec",
            "--profile",
            profile,
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
    println!(
        "$ cargo test -p podsec --profile {profile} --features wasm-bench --target wasm32-unknown-unknown --test wasm_bench"
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
    /// The rich editor's paste and typing figures (`tests/e2e/editor-perf.test.mjs`).
    editor: Result<Vec<EditorFigure>>,
    /// What the page's wasm holds (twiggy), or why it is missing.
    breakdown: Result<String>,
}

impl Bundle {
    /// Raw, gzip and brotli bytes of the page's first load, and of what it fetches later (the
    /// rich editor's module after its first result, the Web Worker's script for a text over
    /// 64 KiB, the learner's texts when docs are first shown), which the service worker precaches
    /// on the first visit anyway. The worker runs the page's own wasm, so it adds no wasm.
    fn totals(&self) -> (Sizes, Sizes) {
        let mut initial = (0, 0, 0);
        let mut later = (0, 0, 0);
        for (name, raw, gzip, brotli) in &self.files {
            let sum = if FETCHED_LATER.contains(&name.as_str()) {
                &mut later
            } else {
                &mut initial
            };
            sum.0 += raw;
            sum.1 += gzip;
            sum.2 += brotli;
        }
        (initial, later)
    }
}

/// Raw, gzip and brotli bytes.
type Sizes = (u64, u64, u64);

/// Files the page fetches only after its first load (see [`Bundle::totals`]); the rest of
/// `dist/` is the first load.
const FETCHED_LATER: &[&str] = &["codemirror.js", "podsec-worker.js", "learner-text.json"];

/// One measurement of the rich editor: what (`Argo CD install`, ...), the paste's time to painted
/// findings (none for the typed-only 50-line pod) and each keystroke's time to paint.
struct EditorFigure {
    what: String,
    paste_ms: Option<f64>,
    keys_ms: Vec<f64>,
}

/// Runs `tests/e2e/editor-perf.test.mjs` over `dist/` and reads the rich editor's figures from
/// the lines it prints, e.g. `rich editor, Argo CD install (1.94 MB): Ctrl+V to painted findings
/// 812 ms; keydown to painted character 16, 24, 32 ms`.
fn editor_figures() -> Result<Vec<EditorFigure>> {
    let output = cmd(
        "node",
        &[
            "--test",
            "--test-concurrency=1",
            "tests/e2e/editor-perf.test.mjs",
        ],
    )
    .output()
    .map_err(|e| format!("cannot run node: {e}"))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let figures: Vec<EditorFigure> = stdout.lines().filter_map(editor_figure).collect();
    if figures.is_empty() {
        return Err(format!(
            "no figures from tests/e2e/editor-perf.test.mjs:\n{stdout}\n{}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    Ok(figures)
}

/// One printed line of the editor measurements, if it is the rich editor's.
fn editor_figure(line: &str) -> Option<EditorFigure> {
    let rest = line.split("rich editor, ").nth(1)?;
    let (what, rest) = rest.split_once(": ")?;
    let what = what.split(" (").next().unwrap_or(what).to_string();
    let numbers = |text: &str| -> Vec<f64> {
        text.trim_end_matches(" ms")
            .split(", ")
            .filter_map(|n| n.trim().parse().ok())
            .collect()
    };
    let paste_ms = rest
        .split("Ctrl+V to painted findings ")
        .nth(1)
        .and_then(|t| t.split(" ms").next())
        .and_then(|n| n.trim().parse().ok());
    let keys_ms = numbers(rest.split("keydown to painted character ").nth(1)?);
    Some(EditorFigure {
        what,
        paste_ms,
        keys_ms,
    })
}

fn bundle() -> Result<Bundle> {
    crate::web::build_release()?;
    let dist = root().join("dist");
    let mut files = Vec::new();
    for path in corpus_files(&dist) {
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        if !matches!(ext, "wasm" | "js" | "css" | "html" | "json") {
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
    let breakdown = page_wasm(&dist).and_then(|shipped| {
        let named = root()
            .join("target")
            .join("wasm32-unknown-unknown")
            .join(crate::web::WEB_PROFILE)
            .join("podsec-web.wasm");
        breakdown(&shipped, &named)
    });
    Ok(Bundle {
        files,
        first_result_ms: first_result(),
        editor: editor_figures(),
        breakdown,
    })
}

/// The page's wasm in `dist/` (`podsec-web-HASH_bg.wasm`).
fn page_wasm(dist: &Path) -> Result<PathBuf> {
    corpus_files(dist)
        .into_iter()
        .find(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("podsec-web") && n.ends_with("_bg.wasm"))
        })
        .ok_or_else(|| format!("no podsec-web-*_bg.wasm in {}", dist.display()))
}

/// `twiggy top` of a wasm file as (item, shallow bytes), largest first.
fn twiggy_items(wasm: &Path) -> Result<Vec<(String, u64)>> {
    let output = cmd("twiggy", &["top", "-n", "1000000", "-f", "csv"])
        .arg(wasm)
        .output()
        .map_err(|e| format!("cannot run twiggy: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "twiggy failed on {}: {}",
            wasm.display(),
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    let text = String::from_utf8_lossy(&output.stdout);
    // Name,ShallowSize,ShallowSizePercent,RetainedSize,RetainedSizePercent; a name may hold
    // commas (and is then quoted), so the numbers are read from the right.
    Ok(text
        .lines()
        .skip(1)
        .filter_map(|line| {
            let mut fields = line.rsplitn(5, ',');
            let size = fields.nth(3)?.parse().ok()?;
            let name = fields.next()?.trim_matches('"').to_string();
            Some((name, size))
        })
        .collect())
}

/// The crate (for `podsec` and `podsec_web`, the module) a function of a wasm name section
/// belongs to: `<A as B>::f` goes to A's, or B's when A is a primitive type.
fn owner(name: &str) -> String {
    let mut path = name;
    if let Some(rest) = name.strip_prefix('<') {
        let rest = rest.trim_start_matches(['&', '*', '[', '(']);
        let rest = rest
            .strip_prefix("mut ")
            .or_else(|| rest.strip_prefix("const "))
            .or_else(|| rest.strip_prefix("dyn "))
            .unwrap_or(rest);
        path = match rest.split_once(" as ") {
            Some((ty, tr)) if !ty.contains("::") => tr,
            _ => rest,
        };
    }
    let mut parts = path
        .split("::")
        .map(|p| p.split(['[', '<']).next().unwrap_or(p));
    let krate = parts.next().unwrap_or(path);
    match krate {
        "podsec" | "podsec_web" => match parts.next() {
            Some(module) if !module.is_empty() && path.matches("::").count() > 1 => {
                format!("{krate}::{module}")
            }
            _ => krate.to_string(),
        },
        "alloc" | "core" | "std" => "std (core, alloc)".to_string(),
        other => other.to_string(),
    }
}

/// What the page's wasm holds: its code and data as shipped (wasm-opt strips names, so only
/// the sections), and the code by crate from Cargo's own output, which keeps its names.
fn breakdown(shipped: &Path, named: &Path) -> Result<String> {
    if !on_path("twiggy") {
        return Err("needs twiggy (`cargo install twiggy`)".into());
    }
    let mut s = String::new();
    let mut sections: Vec<(String, u64)> = Vec::new();
    for (item, size) in twiggy_items(shipped)? {
        let section = item.split('[').next().unwrap_or(&item).to_string();
        match sections.iter_mut().find(|(name, _)| *name == section) {
            Some(entry) => entry.1 += size,
            None => sections.push((section, size)),
        }
    }
    sections.sort_by_key(|e| std::cmp::Reverse(e.1));
    let total: u64 = sections.iter().map(|(_, n)| n).sum();
    let _ = writeln!(
        s,
        "Shipped (`{}`, after wasm-opt): {}.\n",
        display_name(shipped),
        sections
            .iter()
            .take(3)
            .map(|(name, n)| format!("{name} {:.1} KiB ({:.0}%)", kib(*n), pct(*n, total)))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let items = twiggy_items(named)?;
    let functions: Vec<&(String, u64)> = items
        .iter()
        .filter(|(name, _)| {
            !(name.starts_with("custom section")
                || name.starts_with("data segment")
                || name.contains(" subsection")
                || name.starts_with("import ")
                || name.starts_with("export ")
                || name.contains("section headers")
                || name.starts_with("wasm magic"))
        })
        .collect();
    let code: u64 = functions.iter().map(|(_, n)| n).sum();
    let data: u64 = items
        .iter()
        .filter(|(name, _)| name.starts_with("data segment"))
        .map(|(_, n)| n)
        .sum();
    let mut owners: Vec<(String, u64, usize)> = Vec::new();
    for (name, size) in &functions {
        let o = owner(name);
        match owners.iter_mut().find(|(k, _, _)| *k == o) {
            Some(entry) => {
                entry.1 += size;
                entry.2 += 1;
            }
            None => owners.push((o, *size, 1)),
        }
    }
    owners.sort_by_key(|e| std::cmp::Reverse(e.1));
    let _ = writeln!(
        s,
        "Before wasm-opt (`{}`, Cargo's output, names kept): code {:.1} KiB in {} functions, data \
         (string literals and tables: docs, glossary, lessons, labels) {:.1} KiB. Code by crate, \
         or by module of ours (the shares carry over roughly to the shipped code):\n",
        display_name(named),
        kib(code),
        functions.len(),
        kib(data)
    );
    let _ = writeln!(
        s,
        "| crate or module | code | share | functions |\n|---|---:|---:|---:|"
    );
    for (name, size, count) in owners.iter().take(25) {
        let _ = writeln!(
            s,
            "| {name} | {:.1} KiB | {:.1}% | {count} |",
            kib(*size),
            pct(*size, code)
        );
    }
    let rest: u64 = owners.iter().skip(25).map(|(_, n, _)| n).sum();
    let _ = writeln!(
        s,
        "| {} others | {:.1} KiB | {:.1}% | |\n",
        owners.len().saturating_sub(25),
        kib(rest),
        pct(rest, code)
    );
    let _ = writeln!(s, "The largest functions:\n");
    let _ = writeln!(s, "| function | code |\n|---|---:|");
    for (name, size) in functions.iter().take(15) {
        let name = name.rsplit_once("::h").map_or(name.as_str(), |(n, _)| n);
        let _ = writeln!(
            s,
            "| `{}` | {:.1} KiB |",
            name.replace('|', "\\|"),
            kib(*size)
        );
    }
    s.push('\n');
    Ok(s)
}

#[allow(clippy::cast_precision_loss)]
fn pct(part: u64, whole: u64) -> f64 {
    part as f64 * 100.0 / whole.max(1) as f64
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
    bytes: u64,
}

impl Peer {
    fn ratio(&self) -> f64 {
        self.checkov.as_secs_f64() / self.ours.as_secs_f64().max(1e-9)
    }
}

fn peer(corpus: &[PathBuf], out: &Path) -> Result<Peer> {
    let files: Vec<&PathBuf> = corpus.iter().step_by(PEER_EVERY).collect();
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
    // Both tools get the same explicit file list. Ours runs before and after Checkov's run, so
    // that a change in the machine's load weighs on both.
    let ours = || {
        (0..6)
            .map(|_| {
                wall(
                    Command::new(cli())
                        .args(["check", "--format", "json"])
                        .args(&files),
                )
            })
            .collect::<Result<Vec<_>>>()
    };
    let mut ours_times = ours()?;
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
    for f in &files {
        theirs.arg("-f").arg(f);
    }
    println!(
        "$ checkov --framework kubernetes -f <{} files>",
        files.len()
    );
    let checkov = wall(&mut theirs)?;
    ours_times.extend(ours()?);
    Ok(Peer {
        checkov_version,
        checkov,
        ours: median(ours_times),
        files: files.len(),
        bytes: files
            .iter()
            .filter_map(|p| fs::metadata(p).ok())
            .map(|m| m.len())
            .sum(),
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
    cli: Option<Result<CorpusRun>>,
    memory: Option<Result<Vec<hostile::Measured>>>,
    browser: Option<Result<Browser>>,
    bundle: Option<Result<Bundle>>,
    peer: Option<Result<Peer>>,
    hostile: Option<Result<Vec<hostile::Measured>>>,
}

/// A goal's row: what, the figure, and whether it is met (`None`: not measured, with why).
fn goal_row(s: &mut String, goal: &str, figure: std::result::Result<(String, bool), String>) {
    let _ = match figure {
        Ok((figure, ok)) => writeln!(s, "| {goal} | {figure} | {} |", met(ok)),
        Err(why) => writeln!(s, "| {goal} | {why} | not measured |"),
    };
}

/// The first line of a message, for a table cell.
fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or("")
}

/// A step's figures, when it ran and succeeded.
fn ok<T>(step: Option<&Result<T>>) -> Option<&T> {
    step.and_then(|r| r.as_ref().ok())
}

/// The state of a step that did not give its figure.
fn missing<T>(step: Option<&Result<T>>) -> String {
    match step {
        None => "step skipped".into(),
        Some(Err(_)) => "step failed (see below)".into(),
        Some(Ok(_)) => "no figure".into(),
    }
}

/// The input whose memory per byte is the highest.
fn worst(rows: &[hostile::Measured]) -> Option<&hostile::Measured> {
    rows.iter()
        .max_by(|a, b| a.per_byte().total_cmp(&b.per_byte()))
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
    /// The summary: every goal of issue 20 (and the earlier ones this bench measures) with its figure.
    fn render_goals(&self, s: &mut String) {
        let _ = writeln!(s, "## Goals\n");
        let _ = writeln!(s, "| goal | figure | |\n|---|---|---|");
        goal_row(
            s,
            &format!(
                "CLI, whole corpus ({} files), ≤ {GOAL_CORPUS_S} s",
                self.corpus.0
            ),
            ok(self.cli.as_ref())
                .map(|r: &CorpusRun| {
                    let med = median(r.wall.clone()).as_secs_f64();
                    (format!("{med:.3} s (median)"), med <= GOAL_CORPUS_S)
                })
                .ok_or_else(|| missing(self.cli.as_ref())),
        );
        goal_row(
            s,
            &format!("Checkov's time over ours on the peer files, ≥ {GOAL_PEER_RATIO}×"),
            ok(self.peer.as_ref())
                .map(|p: &Peer| {
                    (
                        format!("{:.0}× ({} files)", p.ratio(), p.files),
                        p.ratio() >= GOAL_PEER_RATIO,
                    )
                })
                .ok_or_else(|| missing(self.peer.as_ref())),
        );
        for (what, rows) in [
            ("every hostile shape", &self.hostile),
            ("the largest corpus files", &self.memory),
        ] {
            goal_row(
                s,
                &format!(
                    "memory above the baseline ≤ {}× the input, {what}",
                    hostile::MEMORY_GOAL
                ),
                ok(rows.as_ref())
                    .and_then(|rows: &Vec<hostile::Measured>| worst(rows))
                    .map(|w| {
                        (
                            format!("worst {:.1}× ({})", w.per_byte(), w.name),
                            w.per_byte() <= hostile::MEMORY_GOAL,
                        )
                    })
                    .ok_or_else(|| missing(rows.as_ref())),
            );
        }
        let bundle = ok(self.bundle.as_ref()).map(Bundle::totals);
        goal_row(
            s,
            &format!("first load, brotli, ≤ {} KB", GOAL_FIRST_LOAD / 1000),
            bundle
                .map(|(first, _)| {
                    (
                        format!("{:.1} KB", first.2 as f64 / 1e3),
                        first.2 <= GOAL_FIRST_LOAD,
                    )
                })
                .ok_or_else(|| missing(self.bundle.as_ref())),
        );
        goal_row(
            s,
            &format!(
                "whole first visit (page, rich editor, Web Worker, learner's texts), brotli, ≤ {} KB",
                GOAL_FIRST_VISIT / 1000
            ),
            bundle
                .map(|(first, later)| {
                    let all = first.2 + later.2;
                    (
                        format!("{:.1} KB", all as f64 / 1e3),
                        all <= GOAL_FIRST_VISIT,
                    )
                })
                .ok_or_else(|| missing(self.bundle.as_ref())),
        );
        let editor = ok(self.bundle.as_ref()).map(|b| &b.editor);
        let figure = |what: &str| -> std::result::Result<&EditorFigure, String> {
            match editor {
                None => Err(missing(self.bundle.as_ref())),
                Some(Err(e)) => Err(format!("the editor measurement failed: {}", first_line(e))),
                Some(Ok(all)) => all
                    .iter()
                    .find(|f| f.what == what)
                    .ok_or_else(|| format!("no figure for the {what}")),
            }
        };
        for (what, goal_ms) in [("Argo CD install", 500.0), ("KServe install", 1000.0)] {
            goal_row(
                s,
                &format!(
                    "paste of the {what} to its findings on the page (rich editor), ≤ {goal_ms} ms"
                ),
                figure(what).and_then(|f| {
                    f.paste_ms
                        .map(|ms| (format!("{ms:.0} ms"), ms <= goal_ms))
                        .ok_or_else(|| "no paste figure".to_string())
                }),
            );
        }
        for what in ["50-line pod", "Argo CD install", "KServe install"] {
            goal_row(
                s,
                &format!("typing in the {what} (rich editor), every keystroke to paint ≤ 100 ms"),
                figure(what).map(|f| {
                    let worst = f.keys_ms.iter().copied().fold(0.0, f64::max);
                    let all: Vec<String> = f.keys_ms.iter().map(|k| format!("{k:.0}")).collect();
                    (
                        format!("worst {worst:.0} ms ({} ms)", all.join(", ")),
                        worst <= 100.0,
                    )
                }),
            );
        }
        let native = ok(self.native.as_ref());
        goal_row(
            s,
            "analysis / bare parse, whole corpus, ≤ 2×",
            native
                .map(|n: &Native| {
                    let r = n.analyze_ns / n.parse_ns;
                    (format!("{r:.2}×"), r <= 2.0)
                })
                .ok_or_else(|| missing(self.native.as_ref())),
        );
        let browser = ok(self.browser.as_ref());
        goal_row(
            s,
            "50-line pod in the browser (page's build), < 2 ms",
            browser
                .map(|b: &Browser| (format!("{:.3} ms", b.pod50_ms), b.pod50_ms < 2.0))
                .ok_or_else(|| missing(self.browser.as_ref())),
        );
        goal_row(
            s,
            "Argo CD install in the browser (the page's build, which the worker runs), < 150 ms",
            browser
                .map(|b: &Browser| (format!("{:.1} ms", b.argocd_ms), b.argocd_ms < 150.0))
                .ok_or_else(|| missing(self.browser.as_ref())),
        );
        s.push('\n');
    }

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

        self.render_goals(&mut s);

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
                if !n.stages.is_empty() {
                    let _ = writeln!(
                        s,
                        "The Argo CD install per stage (`benches/analyze.rs`: each stage timed \
                         alone over the whole text, median of 15 runs; the browser's per-stage \
                         profile is the web side's):\n"
                    );
                    let _ = writeln!(s, "| stage | time |\n|---|---:|");
                    for (name, ms) in &n.stages {
                        let _ = writeln!(s, "| {name} | {ms:.2} ms |");
                    }
                    s.push('\n');
                }
            }
        }

        let _ = writeln!(s, "## The CLI over the whole corpus\n");
        match &self.cli {
            None => s.push_str("Skipped.\n\n"),
            Some(Err(e)) => {
                let _ = writeln!(s, "Failed: {e}\n");
            }
            Some(Ok(run)) => {
                let med = median(run.wall.clone()).as_secs_f64();
                let _ = writeln!(
                    s,
                    "Release CLI, `podsec check --format json` with all {} corpus files as arguments \
                     (files analysed in parallel, one per core), output discarded; wall time of {} \
                     runs after one untimed run: median **{med:.3} s** (goal ≤ {GOAL_CORPUS_S} s: \
                     {}), all runs {}.{}\n",
                    self.corpus.0,
                    run.wall.len(),
                    met(med <= GOAL_CORPUS_S),
                    run.wall
                        .iter()
                        .map(|d| format!("{:.3}", d.as_secs_f64()))
                        .collect::<Vec<_>>()
                        .join(", "),
                    run.cpu.map_or_else(String::new, |(user, sys)| format!(
                        " CPU time of one run: {user:.2} s user, {sys:.2} s system."
                    ))
                );
            }
        }

        let _ = writeln!(s, "## Memory\n");
        let _ = writeln!(
            s,
            "Through the release CLI (`check --format json`, or `harden`), under `/usr/bin/time -v`: \
             peak resident memory, and the same command's peak on an 8-line pod (the process \
             itself, its code paged in). Goal: memory above that baseline at most {}× the input \
             for any input.\n",
            hostile::MEMORY_GOAL
        );
        let _ = writeln!(
            s,
            "Hostile shapes: small inputs shaped to cost far more than their size (no shape should \
             be slower than linear either).\n"
        );
        match &self.hostile {
            Some(Ok(rows)) => {
                let _ = writeln!(s, "{}", hostile::render(rows));
            }
            Some(Err(e)) => {
                let _ = writeln!(s, "Failed: {e}\n");
            }
            None => s.push_str("Skipped.\n\n"),
        }
        let _ = writeln!(s, "The {LARGEST_FILES} largest corpus files:\n");
        match &self.memory {
            Some(Ok(rows)) => {
                let _ = writeln!(s, "{}", hostile::render(rows));
            }
            Some(Err(e)) => {
                let _ = writeln!(s, "Failed: {e}\n");
            }
            None => s.push_str("Skipped.\n\n"),
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
                    "`tests/wasm_bench.rs` built with the page's profile (`--profile web`) and run by \
                     `wasm-bindgen-test-runner` in headless Chromium; median of the timed runs, \
                     `performance.now()`. The playground's Web Worker runs the same build, so the \
                     Argo CD install's figure is the worker's too.\n"
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
            }
        }

        let _ = writeln!(
            s,
            "## Bundle (`trunk build --release --cargo-profile web`, as `cargo xtask dist`)\n"
        );
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
                let (initial, later) = b.totals();
                for (name, raw, gzip, brotli) in &b.files {
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
                    "| **first load** (all but {}) | {:.1} KiB | {:.1} KiB | **{:.1} KiB** (goal ≤ {} KB: {}) |",
                    FETCHED_LATER.join(", "),
                    kib(initial.0),
                    kib(initial.1),
                    kib(initial.2),
                    GOAL_FIRST_LOAD / 1000,
                    met(initial.2 <= GOAL_FIRST_LOAD)
                );
                let _ = writeln!(
                    s,
                    "| fetched later, precached by the service worker on the first visit ({}: the rich editor after the first result, the Web Worker's script for texts over 64 KiB, which runs the page's own wasm, the checks' docs and the lessons' prose when first shown) | {:.1} KiB | {:.1} KiB | {:.1} KiB |",
                    FETCHED_LATER.join(", "),
                    kib(later.0),
                    kib(later.1),
                    kib(later.2)
                );
                let _ = writeln!(
                    s,
                    "| **whole first visit** | {:.1} KiB | {:.1} KiB | **{:.1} KiB** (goal ≤ {} KB: {}) |\n",
                    kib(initial.0 + later.0),
                    kib(initial.1 + later.1),
                    kib(initial.2 + later.2),
                    GOAL_FIRST_VISIT / 1000,
                    met(initial.2 + later.2 <= GOAL_FIRST_VISIT)
                );
                match &b.editor {
                    Ok(figures) => {
                        let _ = writeln!(
                            s,
                            "The rich editor in Chromium (`tests/e2e/editor-perf.test.mjs` over `dist/`): a real \
                             Ctrl+A, Ctrl+V of the text to the frame after its findings are shown, and five \
                             keystrokes (end, middle, ...) each to the next paint (Event Timing; 16 ms is one \
                             frame or less), in a page the size of the browser's window (1280 by 813 CSS \
                             pixels): under an emulated viewport, headless Chromium now and then skips showing \
                             a frame the page has made, and Event Timing then waits for a later one (see \
                             `WINDOW` in `tests/e2e/harness.mjs`).\n\n| text | paste to findings | keystrokes to paint |\n|---|---:|---|"
                        );
                        for f in figures {
                            let keys: Vec<String> =
                                f.keys_ms.iter().map(|k| format!("{k:.0}")).collect();
                            let _ = writeln!(
                                s,
                                "| {} | {} | {} ms |",
                                f.what,
                                f.paste_ms.map_or_else(
                                    || "(typed only)".to_string(),
                                    |p| format!("{p:.0} ms")
                                ),
                                keys.join(", ")
                            );
                        }
                        s.push('\n');
                    }
                    Err(e) => {
                        let _ = writeln!(
                            s,
                            "The rich editor's measurement failed: {}\n",
                            first_line(e)
                        );
                    }
                }
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
                let _ = writeln!(s, "### What the page's wasm holds (twiggy)\n");
                match &b.breakdown {
                    Ok(text) => s.push_str(text),
                    Err(e) => {
                        let _ = writeln!(s, "Not measured: {e}\n");
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
                    "Both tools get the same {} corpus files ({:.2} MB: every {PEER_EVERY}th file in \
                     path order) as one explicit file list, in the same run; wall time, output \
                     discarded. Ours runs six times before Checkov's run and six times after.\n",
                    p.files,
                    p.bytes as f64 / 1e6
                );
                let _ = writeln!(s, "| tool | wall time |\n|---|---|");
                let _ = writeln!(
                    s,
                    "| podsec (release CLI, `check --format json`, median of 12) | {:.3} s |",
                    p.ours.as_secs_f64()
                );
                let _ = writeln!(
                    s,
                    "| Checkov {} (`--framework kubernetes -o json`, 1 run) | {:.2} s |",
                    p.checkov_version,
                    p.checkov.as_secs_f64()
                );
                let ratio = p.ratio();
                let _ = writeln!(
                    s,
                    "| **ratio** | Checkov takes **{ratio:.0}×** as long (goal ≥ {GOAL_PEER_RATIO}×: {}) |\n",
                    met(ratio >= GOAL_PEER_RATIO)
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
    fn reads_the_editor_figures() {
        let f = editor_figure(
            "# rich editor, Argo CD install (1.94 MB): Ctrl+V to painted findings 812 ms; keydown to painted character 16, 24, 248 ms",
        );
        let f = f.expect("a rich editor line");
        assert_eq!(f.what, "Argo CD install");
        assert_eq!(f.paste_ms, Some(812.0));
        assert_eq!(f.keys_ms, [16.0, 24.0, 248.0]);
        let typed =
            editor_figure("# rich editor, 50-line pod: keydown to painted character 16, 16, 88 ms")
                .expect("a typed-only line");
        assert_eq!((typed.what.as_str(), typed.paste_ms), ("50-line pod", None));
        assert_eq!(typed.keys_ms, [16.0, 16.0, 88.0]);
        assert!(
            editor_figure("# plain textarea, 50-line pod: keydown to painted character 16 ms")
                .is_none()
        );
    }

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
