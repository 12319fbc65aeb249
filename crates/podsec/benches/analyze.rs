//! Criterion benches of the core: analysis throughput over the real-world corpus against a bare
//! parse of the same bytes with the same parser, the two inputs the browser figures use (a 50-line
//! pod and the Argo CD install), and per-document latency percentiles.
//!
//! The corpus is `$PODSEC_CORPUS`, else `../shared/corpus/files` beside the workspace; without it
//! the corpus benches are skipped. `cargo xtask bench` runs this and writes `docs/benchmarks.md`;
//! when `PODSEC_BENCH_OUT` names a file, the latency figures are also written there as
//! `key=value` lines.
//!
//! Natively only: on wasm32 the browser figures come from `tests/wasm_bench.rs` instead.

fn main() {
    #[cfg(not(target_arch = "wasm32"))]
    native::main();
}

#[cfg(not(target_arch = "wasm32"))]
mod native {
    use std::hint::black_box;
    use std::path::{Path, PathBuf};
    use std::time::{Duration, Instant};

    use criterion::{Criterion, Throughput};
    use podsec::{Options, analyze, yaml};

    /// A 50-line pod, the size of a typical playground input.
    const POD_50_LINES: &str = include_str!("pod50.yaml");

    /// The directory of the shared corpus, if present.
    fn corpus_dir() -> Option<PathBuf> {
        let dir = std::env::var_os("PODSEC_CORPUS").map_or_else(
            || Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus/files"),
            PathBuf::from,
        );
        dir.is_dir().then_some(dir)
    }

    fn collect(dir: &Path, out: &mut Vec<(PathBuf, String)>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        let mut paths: Vec<PathBuf> = entries.flatten().map(|e| e.path()).collect();
        paths.sort();
        for path in paths {
            if path.is_dir() {
                collect(&path, out);
            } else if let Ok(text) = std::fs::read_to_string(&path) {
                out.push((path, text));
            }
        }
    }

    /// Every corpus file that is UTF-8, in path order.
    fn corpus() -> Vec<(PathBuf, String)> {
        let mut files = Vec::new();
        if let Some(dir) = corpus_dir() {
            collect(&dir, &mut files);
        }
        files
    }

    fn bench_corpus(c: &mut Criterion, files: &[(PathBuf, String)]) {
        let bytes: usize = files.iter().map(|(_, t)| t.len()).sum();
        let options = Options::default();
        let mut group = c.benchmark_group("corpus");
        group.throughput(Throughput::Bytes(bytes as u64));
        group.sample_size(10);
        group.measurement_time(Duration::from_secs(15));
        group.bench_function("parse", |b| {
            b.iter(|| {
                for (_, text) in files {
                    black_box(yaml::parse_stream(black_box(text)));
                }
            });
        });
        group.bench_function("analyze", |b| {
            b.iter(|| {
                for (_, text) in files {
                    black_box(analyze(black_box(text), &options));
                }
            });
        });
        group.finish();
    }

    fn bench_inputs(c: &mut Criterion, argocd: Option<&str>) {
        let options = Options::default();
        let mut group = c.benchmark_group("inputs");
        group.bench_function("pod50", |b| {
            b.iter(|| black_box(analyze(black_box(POD_50_LINES), &options)));
        });
        if let Some(text) = argocd {
            group.sample_size(20);
            group.bench_function("argocd", |b| {
                b.iter(|| black_box(analyze(black_box(text), &options)));
            });
        }
        group.finish();
    }

    /// The time of one analysis of `text`: the fastest of a few runs, so that a preempted run does
    /// not count.
    fn time_one(text: &str, options: &Options) -> Duration {
        let mut best = Duration::MAX;
        let mut spent = Duration::ZERO;
        let mut runs = 0;
        while runs < 3 || (spent < Duration::from_millis(2) && runs < 50) {
            let start = Instant::now();
            black_box(analyze(black_box(text), options));
            let took = start.elapsed();
            best = best.min(took);
            spent += took;
            runs += 1;
        }
        best
    }

    fn percentile(sorted: &[Duration], p: f64) -> Duration {
        if sorted.is_empty() {
            return Duration::ZERO;
        }
        // Nearest-rank percentile.
        #[allow(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            clippy::cast_precision_loss
        )]
        let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
        sorted
            .get(rank.clamp(1, sorted.len()) - 1)
            .copied()
            .unwrap_or_default()
    }

    /// Analyses every document of the corpus on its own and reports latency percentiles.
    fn latency(files: &[(PathBuf, String)]) -> Vec<(String, String)> {
        let options = Options::default();
        let mut times = Vec::new();
        for (_, text) in files {
            let stream = yaml::parse_stream(text);
            for doc in &stream.documents {
                let Some(doc_text) = text.get(doc.span.start..doc.span.end) else {
                    continue;
                };
                if doc_text.trim().is_empty() {
                    continue;
                }
                times.push(time_one(doc_text, &options));
            }
        }
        times.sort();
        let us = |d: Duration| format!("{:.1}", d.as_secs_f64() * 1e6);
        vec![
            ("documents".to_string(), times.len().to_string()),
            ("latency_p50_us".to_string(), us(percentile(&times, 50.0))),
            ("latency_p90_us".to_string(), us(percentile(&times, 90.0))),
            ("latency_p99_us".to_string(), us(percentile(&times, 99.0))),
            (
                "latency_max_us".to_string(),
                us(times.last().copied().unwrap_or_default()),
            ),
        ]
    }

    pub(crate) fn main() {
        let files = corpus();
        let argocd = files
            .iter()
            .find(|(p, _)| p.ends_with("argo-cd/manifests__install.yaml"))
            .map(|(_, t)| t.as_str());
        let mut c = Criterion::default().configure_from_args();
        if !files.is_empty() {
            bench_corpus(&mut c, &files);
        }
        bench_inputs(&mut c, argocd);
        c.final_summary();
        // Latency percentiles only when benchmarking, not when `cargo test` runs the bench as a test.
        if std::env::args().any(|a| a == "--bench") && !files.is_empty() {
            let figures = latency(&files);
            let lines: Vec<String> = figures.iter().map(|(k, v)| format!("{k}={v}")).collect();
            println!("per-document latency: {}", lines.join(" "));
            if let Some(out) = std::env::var_os("PODSEC_BENCH_OUT")
                && let Err(e) = std::fs::write(&out, lines.join("\n") + "\n")
            {
                eprintln!("cannot write {}: {e}", Path::new(&out).display());
            }
        }
    }
}
