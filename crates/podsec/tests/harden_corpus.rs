//! The hardened rewrite over the real-world corpus: its invariants on every file (the output
//! parses, a second pass changes nothing, no new rejected or refused finding, untouched lines and
//! comments survive), and the figures
//! (share of workloads admitted at restricted after safe and after unsafe edits, lines changed).
//!
//! The corpus lives outside the repository (`/work/shared/corpus/files`, or `PODSEC_CORPUS`); the
//! test prints a message and passes when it is absent. Print the figures with
//! `cargo test -p podsec --release --test harden_corpus -- --nocapture`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use podsec::fix::Patch;
use podsec::harden::{Edit, HardenOptions, Hardened, harden};
use podsec::{Applicability, FindingLevel, analyze};

fn corpus_dir() -> PathBuf {
    std::env::var_os("PODSEC_CORPUS")
        .map_or_else(|| PathBuf::from("/work/shared/corpus/files"), PathBuf::from)
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            files(&p, out);
        } else {
            out.push(p);
        }
    }
}

/// Lines with their line breaks.
fn lines(text: &str) -> Vec<&str> {
    text.split_inclusive('\n').collect()
}

/// Which lines of `a` and `b` match, by Myers' shortest edit script. `None` when the texts differ
/// by more than a few thousand lines.
fn align(a: &[&str], b: &[&str]) -> Option<(Vec<bool>, Vec<bool>)> {
    let (n, m) = (a.len() as isize, b.len() as isize);
    let max_d = 4000isize.min(n + m);
    // trace[d][k + d]: the furthest x reached on diagonal k with d edits.
    let mut trace: Vec<Vec<isize>> = Vec::new();
    let at = |trace: &Vec<Vec<isize>>, d: isize, k: isize| -> isize {
        if k < -d || k > d {
            -1
        } else {
            trace[d as usize][(k + d) as usize]
        }
    };
    let mut end = None;
    for d in 0..=max_d {
        let mut v = vec![0isize; (2 * d + 1) as usize];
        for k in (-d..=d).step_by(2) {
            let mut x = if d == 0 {
                0
            } else if k == -d || (k != d && at(&trace, d - 1, k - 1) < at(&trace, d - 1, k + 1)) {
                at(&trace, d - 1, k + 1)
            } else {
                at(&trace, d - 1, k - 1) + 1
            };
            let mut y = x - k;
            while x < n && y < m && a[x as usize] == b[y as usize] {
                x += 1;
                y += 1;
            }
            v[(k + d) as usize] = x;
            if x >= n && y >= m && end.is_none() {
                end = Some(d);
            }
        }
        trace.push(v);
        if end.is_some() {
            break;
        }
    }
    let d_end = end?;
    let (mut ma, mut mb) = (vec![false; a.len()], vec![false; b.len()]);
    let (mut x, mut y) = (n, m);
    for d in (0..=d_end).rev() {
        let k = x - y;
        // Where this step's snake starts, and where the previous step ended.
        let (sx, sy, px, py) = if d == 0 {
            (0, 0, 0, 0)
        } else if k == -d || (k != d && at(&trace, d - 1, k - 1) < at(&trace, d - 1, k + 1)) {
            let px = at(&trace, d - 1, k + 1);
            let py = px - (k + 1);
            (px, py + 1, px, py)
        } else {
            let px = at(&trace, d - 1, k - 1);
            let py = px - (k - 1);
            (px + 1, py, px, py)
        };
        while x > sx && y > sy {
            x -= 1;
            y -= 1;
            ma[x as usize] = true;
            mb[y as usize] = true;
        }
        x = px;
        y = py;
    }
    Some((ma, mb))
}

/// The `#` comment of a line (text from `#` on), skipping `#` inside quotes and inside words.
fn comment(line: &str) -> Option<&str> {
    let bytes = line.as_bytes();
    let (mut sq, mut dq) = (false, false);
    for (i, &c) in bytes.iter().enumerate() {
        match c {
            b'\'' if !dq => sq = !sq,
            b'"' if !sq => dq = !dq,
            b'#' if !sq && !dq && (i == 0 || matches!(bytes[i - 1], b' ' | b'\t')) => {
                return Some(line[i..].trim_end());
            }
            _ => {}
        }
    }
    None
}

fn comments<'a>(ls: impl Iterator<Item = &'a str>) -> HashMap<&'a str, usize> {
    let mut m = HashMap::new();
    for l in ls {
        if let Some(c) = comment(l) {
            *m.entry(c).or_insert(0) += 1;
        }
    }
    m
}

fn is_removal(p: &Patch) -> bool {
    matches!(p, Patch::Remove { .. } | Patch::RemoveItem { .. })
}

fn applies(grade: Applicability, threshold: Applicability) -> bool {
    grade != Applicability::Manual && grade >= threshold
}

#[derive(Default)]
struct Figures {
    objects: usize,
    allowed_before: usize,
    allowed_after: usize,
    edits_applied: usize,
    edits_skipped: BTreeMap<String, usize>,
    changed_lines: Vec<usize>,
    violations: Vec<String>,
}

/// Checks the invariants of one rewrite and adds to the figures.
fn check_one(name: &str, text: &str, threshold: Applicability, fig: &mut Figures) {
    let opts = HardenOptions {
        threshold,
        ..HardenOptions::default()
    };
    let h: Hardened = harden(text, &opts);
    let mut fail = |what: String| {
        fig.violations
            .push(format!("{name} [{threshold:?}]: {what}"))
    };

    // The output parses as well as the input did, document for document.
    let sin = podsec::yaml::parse_stream(text);
    let sout = podsec::yaml::parse_stream(&h.text);
    if sout.errors.len() > sin.errors.len() || sout.documents.len() != sin.documents.len() {
        fail(format!(
            "output parses worse: {} errors / {} docs before, {} / {} after: {:?}",
            sin.errors.len(),
            sin.documents.len(),
            sout.errors.len(),
            sout.documents.len(),
            sout.errors.first()
        ));
        return;
    }

    // Idempotence.
    let again = harden(&h.text, &opts);
    if again.text != h.text {
        let (la, lb) = (lines(&h.text), lines(&again.text));
        let first = la.iter().zip(&lb).position(|(x, y)| x != y).unwrap_or(0);
        fail(format!(
            "not idempotent; first difference at line {}: {:?} vs {:?}; second pass applied {:?}",
            first + 1,
            la.get(first),
            lb.get(first),
            again
                .edits
                .iter()
                .filter(|e| e.applied && e.lines.is_some())
                .map(|e| &e.title)
                .collect::<Vec<_>>()
        ));
    }

    // Do no harm: no finding the API server rejects or the kubelet refuses that the input did not
    // have (counted per document, check and container).
    let after = analyze(&h.text, &opts.analysis);
    let before = analyze(text, &opts.analysis);
    let blockers = |a: &podsec::Analysis| {
        let mut m: BTreeMap<(usize, String, Option<String>), usize> = BTreeMap::new();
        for o in &a.objects {
            for f in &o.findings {
                if matches!(f.level, FindingLevel::Rejected | FindingLevel::Refused) {
                    *m.entry((o.document, f.check.to_string(), f.container.clone()))
                        .or_insert(0) += 1;
                }
            }
        }
        m
    };
    let was = blockers(&before);
    for (key, n) in blockers(&after) {
        if n > was.get(&key).copied().unwrap_or(0) {
            fail(format!(
                "new rejected or refused finding in document {}: {} (container {:?})",
                key.0, key.1, key.2
            ));
        }
    }

    // No finding whose fix was applied survives.
    let applied: Vec<&Edit> = h.edits.iter().filter(|e| e.applied).collect();
    for obj in &after.objects {
        for f in &obj.findings {
            let Some(fix) = &f.fix else { continue };
            if !applies(fix.applicability, threshold) || fix.patches.is_empty() {
                continue;
            }
            if applied
                .iter()
                .any(|e| e.object.document == obj.document && e.patches == fix.patches)
            {
                fail(format!(
                    "finding survives its applied fix: {} {} at line {} ({}: {})",
                    obj.kind, obj.name, f.line, f.check, fix.title
                ));
            }
        }
    }

    // Untouched lines are byte-identical; comments survive.
    let (lin, lout) = (lines(text), lines(&h.text));
    let Some((min, mout)) = align(&lin, &lout) else {
        fail("cannot align input and output lines".to_string());
        return;
    };
    let covered = |line: usize| {
        applied
            .iter()
            .filter_map(|e| e.lines)
            .any(|(a, b)| a <= line && line <= b)
    };
    for (j, m) in mout.iter().enumerate() {
        if !m && !covered(j + 1) {
            fail(format!(
                "output line {} changed but no edit claims it: {:?}",
                j + 1,
                lout[j]
            ));
            break;
        }
    }
    let removal = applied.iter().any(|e| e.patches.iter().any(is_removal));
    let cin = comments(lin.iter().copied());
    let cout = comments(lout.iter().copied());
    let lost_ok = comments(lin.iter().zip(&min).filter(|(_, m)| !**m).map(|(l, _)| *l));
    for (c, n) in &cin {
        let have = cout.get(c).copied().unwrap_or(0);
        let may_lose = if removal {
            lost_ok.get(c).copied().unwrap_or(0)
        } else {
            0
        };
        if have + may_lose < *n {
            fail(format!("comment lost: {c:?}"));
        }
    }

    // Documents without workloads are untouched.
    let workload_docs: Vec<usize> = h.objects.iter().map(|o| o.object.document).collect();
    for (din, dout) in sin.documents.iter().zip(&sout.documents) {
        if workload_docs.contains(&din.index) {
            continue;
        }
        let a = text.get(din.span.start..din.span.end);
        let b = h.text.get(dout.span.start..dout.span.end);
        if a != b {
            fail(format!(
                "document {} has no workload but changed",
                din.index
            ));
        }
    }

    // Figures.
    fig.objects += h.objects.len();
    fig.allowed_before += h.objects.iter().filter(|o| o.before).count();
    fig.allowed_after += h.objects.iter().filter(|o| o.after).count();
    fig.edits_applied += applied.iter().filter(|e| e.lines.is_some()).count();
    for e in h.edits.iter().filter(|e| !e.applied) {
        let reason = e.skipped.clone().unwrap_or_default();
        let reason = if reason.starts_with("conflicts with") {
            "conflicts with an earlier edit".to_string()
        } else if let Some(rest) = reason.strip_prefix("refused: it would introduce a finding (") {
            format!(
                "refused: would introduce {}",
                rest.split_whitespace().next().unwrap_or("")
            )
        } else if let Some((_, why)) = reason.split_once(": ") {
            format!("cannot edit: {why}")
        } else {
            reason
        };
        *fig.edits_skipped.entry(reason).or_insert(0) += 1;
    }
    for o in &h.objects {
        let mut ls: Vec<usize> = Vec::new();
        for e in applied.iter().filter(|e| e.object == o.object) {
            for &(a, b) in &e.hunks {
                ls.extend(a..=b);
            }
        }
        ls.sort_unstable();
        ls.dedup();
        fig.changed_lines.push(ls.len());
    }
}

fn median(v: &[usize]) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    let mut v = v.to_vec();
    v.sort_unstable();
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2] as f64
    } else {
        (v[n / 2 - 1] + v[n / 2]) as f64 / 2.0
    }
}

fn pct(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        100.0 * a as f64 / b as f64
    }
}

#[test]
fn align_finds_small_edits() {
    let a = ["a\n", "b\n", "c\n", "d\n"];
    let b = ["a\n", "x\n", "b\n", "d\n", "y\n"];
    let (ma, mb) = align(&a, &b).unwrap();
    assert_eq!(ma, [true, true, false, true]);
    assert_eq!(mb, [true, false, true, true, false]);
}

#[test]
fn harden_invariants_over_the_corpus() {
    let dir = corpus_dir();
    if !dir.is_dir() {
        println!(
            "harden_corpus: no corpus at {} (set PODSEC_CORPUS); skipping",
            dir.display()
        );
        return;
    }
    let mut paths = Vec::new();
    files(&dir, &mut paths);
    // Unoptimised builds check every fifth file, to keep `cargo test` quick; release builds (and
    // PODSEC_CORPUS_FULL=1) check them all.
    if cfg!(debug_assertions) && std::env::var_os("PODSEC_CORPUS_FULL").is_none() {
        println!("harden_corpus: debug build, checking every fifth file (release checks all)");
        paths = paths.into_iter().step_by(5).collect();
    }
    let start = std::time::Instant::now();
    let mut safe = Figures::default();
    let mut unsafe_ = Figures::default();
    let mut read = 0;
    for p in &paths {
        let Ok(text) = std::fs::read_to_string(p) else {
            continue;
        };
        read += 1;
        let name = p.strip_prefix(&dir).unwrap_or(p).display().to_string();
        check_one(&name, &text, Applicability::Safe, &mut safe);
        check_one(&name, &text, Applicability::Unsafe, &mut unsafe_);
    }
    let elapsed = start.elapsed();
    println!(
        "harden_corpus: {read} files, {} workload objects",
        safe.objects
    );
    println!(
        "  admitted at restricted: before {:.1}% ({}), after safe edits {:.1}% ({}), after safe+unsafe {:.1}% ({})",
        pct(safe.allowed_before, safe.objects),
        safe.allowed_before,
        pct(safe.allowed_after, safe.objects),
        safe.allowed_after,
        pct(unsafe_.allowed_after, unsafe_.objects),
        unsafe_.allowed_after
    );
    for (label, f) in [("safe", &safe), ("safe+unsafe", &unsafe_)] {
        let changed: Vec<usize> = f.changed_lines.iter().copied().filter(|&n| n > 0).collect();
        println!(
            "  {label}: {} edits applied; lines changed per object: median {} over all objects, median {} over the {} changed objects, max {}",
            f.edits_applied,
            median(&f.changed_lines),
            median(&changed),
            changed.len(),
            changed.iter().max().copied().unwrap_or(0)
        );
        println!("  {label}: not applied: {:?}", f.edits_skipped);
    }
    println!("  time (two thresholds, each with re-analysis and a second pass): {elapsed:.2?}");
    let violations: Vec<&String> = safe.violations.iter().chain(&unsafe_.violations).collect();
    for v in violations.iter().take(40) {
        println!("VIOLATION {v}");
    }
    assert!(
        violations.is_empty(),
        "{} invariant violations (first: {})",
        violations.len(),
        violations.first().map_or("", |v| v.as_str())
    );
}
