//! Criterion benches of the core: analysis throughput over the real-world corpus against a bare
//! parse of the same bytes with the same parser, the two inputs the browser figures use (a 50-line
//! pod and the Argo CD install), per-document latency percentiles, and the Argo CD install's time
//! per stage of the pipeline.
//!
//! The corpus is `$PODSEC_CORPUS`, else `../shared/corpus/files` beside the workspace; without it
//! the corpus benches are skipped. `cargo xtask bench` runs this and writes `docs/benchmarks.md`;
//! when `PODSEC_BENCH_OUT` names a file, the latency and stage figures are also written there as
//! `key=value` lines (a stage's key is `stage NAME`, its value milliseconds).
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
    use podsec::manifest::{self, Entry};
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

    /// The stages of `podsec::analyze`, each timed on its own over the whole text, in milliseconds
    /// (median of a few runs): the same calls `analysis::analyze_all` makes, in its order.
    /// "the rest" is the whole analysis less the stages (source annotation, inline ignores,
    /// namespace admission, the report's assembly and the listing's limit); the JSON text is
    /// what the CLI and the Web Worker write.
    fn stages(text: &str) -> Vec<(String, f64)> {
        const NAMES: [&str; 8] = [
            "parse (yaml::documents)",
            "object recognition (manifest::objects)",
            "ingest (type errors, unknown fields, duplicates)",
            "effective (effective::resolve)",
            "validation (validation::check)",
            "PSS (pss::evaluate)",
            "hardening (hardening::check)",
            "JSON (serde_json::to_string of the analysis)",
        ];
        let options = Options::default();
        let version = podsec::analysis::policy_version(&options);
        let mut runs: Vec<[Duration; 10]> = Vec::new();
        for _ in 0..15 {
            let mut t = [Duration::ZERO; 10];
            let mut lap = |slot: usize, start: Instant| {
                if let Some(d) = t.get_mut(slot) {
                    *d += start.elapsed();
                }
            };
            let mut docs = yaml::documents(text);
            loop {
                let start = Instant::now();
                let Some(item) = docs.next() else { break };
                lap(0, start);
                let Ok(doc) = item else { continue };
                let start = Instant::now();
                let entries = manifest::objects(&doc);
                lap(1, start);
                for entry in &entries {
                    let Entry::Workload(obj, pod) = entry else {
                        continue;
                    };
                    let mut findings = Vec::new();
                    let start = Instant::now();
                    podsec::ingest::diagnose(obj, pod, &mut findings);
                    podsec::ingest::duplicates(&doc, obj, &mut findings);
                    lap(2, start);
                    let start = Instant::now();
                    let effective = podsec::effective::resolve(pod, &options);
                    lap(3, start);
                    let start = Instant::now();
                    podsec::validation::check(pod, &effective, &options, &mut findings);
                    lap(4, start);
                    let start = Instant::now();
                    black_box(podsec::pss::evaluate(pod, options.level, version));
                    lap(5, start);
                    let start = Instant::now();
                    podsec::hardening::check(pod, &effective, &options, &mut findings);
                    lap(6, start);
                    black_box(findings);
                }
            }
            let start = Instant::now();
            let analysis = analyze(text, &options);
            lap(8, start);
            let start = Instant::now();
            black_box(serde_json::to_string(&analysis).map(|j| j.len()).ok());
            lap(7, start);
            runs.push(t);
        }
        let median = |slot: usize| {
            let mut v: Vec<Duration> = runs.iter().filter_map(|r| r.get(slot).copied()).collect();
            v.sort();
            v.get(v.len() / 2).copied().unwrap_or_default()
        };
        let ms = |d: Duration| d.as_secs_f64() * 1e3;
        let mut out: Vec<(String, f64)> = NAMES
            .iter()
            .enumerate()
            .map(|(slot, name)| ((*name).to_string(), ms(median(slot))))
            .collect();
        let staged: f64 = out.iter().take(7).map(|(_, v)| v).sum();
        let whole = ms(median(8));
        out.insert(
            7,
            (
                "the rest of podsec::analyze".to_string(),
                (whole - staged).max(0.0),
            ),
        );
        out.push(("podsec::analyze, whole".to_string(), whole));
        out
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
            let mut figures = latency(&files);
            if let Some(text) = argocd {
                for (name, ms) in stages(text) {
                    println!("stage {name}: {ms:.2} ms");
                    figures.push((format!("stage {name}"), format!("{ms:.2}")));
                }
            }
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
