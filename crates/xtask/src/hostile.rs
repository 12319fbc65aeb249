//! The "hostile shapes" table of `cargo xtask bench`: small inputs shaped to cost a naive reader far
//! more than their size (alias amplification, merge keys, one huge `List`, long capability lists,
//! many tiny documents). Each is run through the release CLI under `/usr/bin/time -v`; the table
//! gives the wall time, peak memory, and memory per input byte above the process's own baseline
//! (the same command on an 8-line pod), each the median of three runs. The largest corpus files go
//! through the same table.

use std::fmt::Write as _;
use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use crate::util::Result;

/// One shape: a name, what it stands for, and its text.
pub(crate) struct Shape {
    pub(crate) name: String,
    pub(crate) text: String,
    /// `check` (JSON), `check-text` or `harden`.
    pub(crate) command: &'static str,
}

fn pod(name: &str, container: &str) -> String {
    format!(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\nspec:\n  containers:\n{container}"
    )
}

/// The text of the `i`-th repeated item of a shape.
type ItemText = dyn Fn(usize) -> String;

/// The shapes, rebuilt from the issue that named them (all small).
pub(crate) fn shapes() -> Vec<Shape> {
    let mut out = Vec::new();
    // One 30 KB string used by 600 containers through aliases.
    let big = "x".repeat(30_000);
    let mut t = format!(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations:\n    a: &big {big}\nspec:\n  containers:\n"
    );
    for i in 0..600 {
        let _ = write!(t, "  - name: c{i}\n    image: *big\n");
    }
    out.push(Shape {
        name: "aliased 30 KB string x 600".to_string(),
        text: t,
        command: "check",
    });
    // An aliased capability list of 1,000 names used by 600 containers.
    let caps: Vec<String> = (0..1000).map(|i| format!("CAP_{i}")).collect();
    let mut t = pod(
        "caps",
        &format!(
            "  - name: c\n    image: i\n    securityContext:\n      capabilities:\n        add: &caps [{}]\n",
            caps.join(", ")
        ),
    );
    for i in 0..600 {
        let _ = write!(
            t,
            "  - name: c{i}x\n    image: i\n    securityContext:\n      capabilities:\n        add: *caps\n"
        );
    }
    out.push(Shape {
        name: "aliased capability list x 600".to_string(),
        text: t.clone(),
        command: "check",
    });
    out.push(Shape {
        name: "three such documents".to_string(),
        text: format!("{t}---\n{t}---\n{t}"),
        command: "check",
    });
    // Merge keys: 1,000 and 3,000 merges of one map.
    for n in [1000, 3000] {
        let mut t = String::from(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: m\n  labels: &b {a: b}\nspec:\n  containers:\n  - name: c\n    image: i\n    securityContext:\n",
        );
        for i in 0..n {
            let _ = write!(t, "      <<: *b\n      k{i}: {i}\n");
        }
        let name = if n == 1000 {
            "1,000 merge keys"
        } else {
            "3,000 merge keys"
        };
        out.push(Shape {
            name: name.to_string(),
            text: t.clone(),
            command: "check",
        });
        out.push(Shape {
            name: format!("{name} (harden)"),
            text: t,
            command: "harden",
        });
    }
    // Dense workloads, checked and hardened: `kubectl get pods -o yaml` (one List of 1,000 pods),
    // the same number of pods as documents of one stream, and one pod of 1,600 containers (each
    // gets its own findings and edits).
    let list = "apiVersion: v1\nkind: List\nitems:\n".to_string();
    let list_item = |i: usize| {
        format!(
            "- apiVersion: v1\n  kind: Pod\n  metadata:\n    name: p{i}\n  spec:\n    containers:\n    - name: app\n      image: app:1.0\n      ports:\n      - containerPort: 8080\n"
        )
    };
    let container = |i: usize| {
        format!("  - name: c{i}\n    image: app:1.0\n    securityContext:\n      runAsUser: 1000\n")
    };
    let document = |i: usize| {
        let container =
            "  - name: app\n    image: app:1.0\n    ports:\n    - containerPort: 8080\n";
        format!("---\n{}", pod(&format!("p{i}"), container))
    };
    let dense: [(&str, &str, String, usize, &ItemText); 3] = [
        (
            "List of 1,000 pods (check)",
            "List of 1,000 pods (harden)",
            list,
            1000,
            &list_item,
        ),
        (
            "1,000 pods as documents (check)",
            "1,000 pods as documents (harden)",
            String::new(),
            1000,
            &document,
        ),
        (
            "pod of 1,600 containers (check)",
            "pod of 1,600 containers (harden)",
            pod("many", ""),
            1600,
            &container,
        ),
    ];
    for (checked, hardened, head, n, item) in dense {
        let text = (0..n).fold(head, |mut t, i| {
            t.push_str(&item(i));
            t
        });
        for (format, command) in [("JSON", "check"), ("text", "check-text")] {
            out.push(Shape {
                name: format!("{checked}, {format}"),
                text: text.clone(),
                command,
            });
        }
        out.push(Shape {
            name: hardened.to_string(),
            text,
            command: "harden",
        });
    }
    // The same pod eight times larger: its time against the pod of 1,600 containers' shows whether
    // the work grows with the number of containers or faster.
    let big = (0..12_800).fold(pod("many", ""), |mut t, i| {
        t.push_str(&container(i));
        t
    });
    out.push(Shape {
        name: "pod of 12,800 containers (check), JSON".to_string(),
        text: big.clone(),
        command: "check",
    });
    out.push(Shape {
        name: "pod of 12,800 containers (harden)".to_string(),
        text: big,
        command: "harden",
    });
    // A 1 MB capability list.
    let caps: Vec<String> = (0..90_000).map(|i| format!("CAP_{i}")).collect();
    let bigcaps = pod(
        "bigcaps",
        &format!(
            "  - name: c\n    image: i\n    securityContext:\n      capabilities:\n        drop: [{}]\n",
            caps.join(", ")
        ),
    );
    out.push(Shape {
        name: "1 MB capability list".to_string(),
        text: bigcaps.clone(),
        command: "check",
    });
    // Hardened: each of its 90,000 names has a fix of its own, past what one rewrite reads.
    out.push(Shape {
        name: "1 MB capability list (harden)".to_string(),
        text: bigcaps,
        command: "harden",
    });
    // 2 MB of tiny JSON documents.
    let mut t = String::new();
    while t.len() < 2 * 1024 * 1024 {
        t.push_str("{\"a\":1}\n");
    }
    out.push(Shape {
        name: "2 MB of tiny JSON documents".to_string(),
        text: t,
        command: "check",
    });
    out
}

/// The goal: memory above the process's own baseline at most this many times the input.
pub(crate) const MEMORY_GOAL: f64 = 20.0;

/// One run of the CLI under `/usr/bin/time -v`: wall time, peak resident memory, output size.
pub(crate) struct Run {
    pub(crate) seconds: f64,
    pub(crate) peak_kb: u64,
    pub(crate) output_bytes: usize,
}

/// Runs `cli ARGS FILE` under `/usr/bin/time -v`.
pub(crate) fn run(cli: &Path, args: &[&str], file: &Path) -> Result<Run> {
    if !Path::new("/usr/bin/time").is_file() {
        return Err("/usr/bin/time is not installed (Debian package `time`)".into());
    }
    let started = Instant::now();
    let output = Command::new("/usr/bin/time")
        .arg("-v")
        .arg(cli)
        .args(args)
        .arg(file)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .map_err(|e| format!("cannot run /usr/bin/time: {e}"))?;
    let seconds = started.elapsed().as_secs_f64();
    let stderr = String::from_utf8_lossy(&output.stderr);
    let peak_kb = stderr
        .lines()
        .find_map(|l| l.trim().strip_prefix("Maximum resident set size (kbytes):"))
        .and_then(|v| v.trim().parse().ok())
        .ok_or_else(|| format!("no peak memory in /usr/bin/time output:\n{stderr}"))?;
    Ok(Run {
        seconds,
        peak_kb,
        output_bytes: output.stdout.len(),
    })
}

/// How many times each input runs; the table gives the median. A process's peak resident memory
/// moves by a few hundred kilobytes from run to run (the allocator's and the kernel's page
/// granularity), which on a 29 KB input is the difference between 13 and 26 bytes per input byte.
const RUNS: usize = 3;

/// The median run of `RUNS` (by peak memory; the time is the median time).
fn median_run(cli: &Path, args: &[&str], file: &Path) -> Result<Run> {
    let mut runs = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        runs.push(run(cli, args, file)?);
    }
    let mut seconds: Vec<f64> = runs.iter().map(|r| r.seconds).collect();
    seconds.sort_by(f64::total_cmp);
    runs.sort_by_key(|r| r.peak_kb);
    let mid = RUNS / 2;
    let mut median = runs.swap_remove(mid);
    median.seconds = seconds.get(mid).copied().unwrap_or(median.seconds);
    Ok(median)
}

/// The arguments of a shape's command.
fn args_of(command: &str) -> Vec<&str> {
    match command {
        "check" => vec!["check", "--format", "json"],
        "check-text" => vec!["check", "--format", "text"],
        _ => vec![command],
    }
}

/// One measured input: a hostile shape, or a corpus file.
pub(crate) struct Measured {
    pub(crate) name: String,
    pub(crate) bytes: usize,
    pub(crate) seconds: f64,
    pub(crate) peak_kb: u64,
    /// The same command's peak on a small pod: the process itself.
    pub(crate) baseline_kb: u64,
    pub(crate) output_bytes: usize,
}

impl Measured {
    /// Memory above the baseline per input byte.
    #[allow(clippy::cast_precision_loss)]
    pub(crate) fn per_byte(&self) -> f64 {
        (self.peak_kb.saturating_sub(self.baseline_kb) * 1024) as f64 / self.bytes.max(1) as f64
    }
}

/// The baseline input: a small pod, so that the baseline process has paged in the code an
/// analysis runs (an empty file would leave that in the figure of every input).
const BASELINE: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: i\n";

/// Runs `cli` on `file` and on a small pod written in `dir` (the baseline) with the same command.
pub(crate) fn measure_file(
    cli: &Path,
    command: &str,
    name: String,
    file: &Path,
    dir: &Path,
) -> Result<Measured> {
    let small = dir.join("baseline-pod.yaml");
    fs::write(&small, BASELINE).map_err(|e| e.to_string())?;
    let args = args_of(command);
    let baseline = median_run(cli, &args, &small)?;
    let measured = median_run(cli, &args, file)?;
    let bytes = fs::metadata(file).map_or(0, |m| m.len());
    Ok(Measured {
        name,
        bytes: usize::try_from(bytes).unwrap_or(usize::MAX),
        seconds: measured.seconds,
        peak_kb: measured.peak_kb,
        baseline_kb: baseline.peak_kb,
        output_bytes: measured.output_bytes,
    })
}

/// Runs every shape through the CLI at `cli`.
pub(crate) fn measure(cli: &Path, dir: &Path) -> Result<Vec<Measured>> {
    let mut out = Vec::new();
    for shape in shapes() {
        let file = dir.join(format!(
            "hostile-{}.yaml",
            shape
                .name
                .replace(|c: char| !c.is_ascii_alphanumeric(), "-")
        ));
        fs::write(&file, &shape.text).map_err(|e| e.to_string())?;
        out.push(measure_file(
            cli,
            shape.command,
            shape.name.to_string(),
            &file,
            dir,
        )?);
    }
    Ok(out)
}

/// The table, in Markdown.
pub(crate) fn render(rows: &[Measured]) -> String {
    let mut s = String::from(
        "| input | size | time | peak memory | of which the process (on an 8-line pod) | memory above that per input byte (goal ≤ 20) | output |\n|---|---:|---:|---:|---:|---:|---:|\n",
    );
    for r in rows {
        let per_byte = r.per_byte();
        let _ = writeln!(
            s,
            "| {} | {:.1} KB | {:.2} s | {:.1} MB | {:.1} MB | {per_byte:.1}{} | {:.1} KB |",
            r.name,
            r.bytes as f64 / 1000.0,
            r.seconds,
            r.peak_kb as f64 * 1.024 / 1000.0,
            r.baseline_kb as f64 * 1.024 / 1000.0,
            if per_byte <= MEMORY_GOAL {
                ""
            } else {
                " **over**"
            },
            r.output_bytes as f64 / 1000.0
        );
    }
    s
}
