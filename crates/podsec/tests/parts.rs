//! The analysis in parts (`podsec::analysis::analyze_parts`) is the analysis: the parts of every
//! object, put back together, are its report field for field, whether the object was analysed
//! whole and split, or listed in bounded passes; and the summary handed with each head says what
//! the whole report says. Every object is forced through the bounded passes here (no container
//! threshold, chunks of about two findings), so that every corpus file, every upstream fixture and the
//! listing's budget go through them.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod common;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use common::corpus_files;

use podsec::analysis::{Limits, Part, Summary, analyze_heads, analyze_parts, analyze_parts_with};
use podsec::{Analysis, ObjectReport, Options, PssLevel, Version, analyze};

/// Every object listed in passes of about two findings at most (a finding weighs several
/// hundred bytes), or as many as it takes to keep to the most passes.
const FORCED: Limits = Limits {
    containers: 0,
    chunk: 1000,
};

/// The parts put back together into the analysis they came from, checking their order and each
/// head's summary on the way.
fn assemble(text: &str, options: &Options, contexts: bool, limits: Limits) -> Analysis {
    let mut objects: Vec<(ObjectReport, Summary)> = Vec::new();
    let mut open = false;
    // 0: findings, 1: containers, 2: suppressed.
    let mut stage = 0;
    let mut rest = analyze_parts_with(text, options, contexts, limits, &mut |part| {
        let current = objects.last_mut().map(|(o, _)| o);
        match part {
            Part::Head(head, summary) => {
                assert!(!open, "a head inside an object");
                assert!(head.findings.is_empty() && head.containers.is_empty());
                assert!(head.suppressed.is_empty());
                objects.push((*head, summary));
                open = true;
                stage = 0;
            }
            Part::Finding(f) => {
                assert!(open && stage == 0, "a finding out of place");
                current.unwrap().findings.push(*f);
            }
            Part::Container(c) => {
                assert!(open && stage <= 1, "a container out of place");
                stage = 1;
                current.unwrap().containers.push(*c);
            }
            Part::Suppressed(s) => {
                assert!(open, "a suppressed finding outside an object");
                stage = 2;
                current.unwrap().suppressed.push(*s);
            }
            Part::End => {
                assert!(open, "an end without a head");
                open = false;
            }
        }
    });
    assert!(!open, "an object without its end");
    for (o, summary) in &objects {
        assert_eq!(*summary, Summary::of(o), "{} {}", o.kind, o.name);
        assert_eq!(summary.stops(o), o.stops());
    }
    rest.objects = objects.into_iter().map(|(o, _)| o).collect();
    rest
}

/// What `analyze` gives, without the effective contexts and passes when `contexts` is off.
fn whole(text: &str, options: &Options, contexts: bool) -> Analysis {
    let mut a = analyze(text, options);
    if !contexts {
        for o in &mut a.objects {
            o.containers.clear();
            o.passes.clear();
        }
    }
    a
}

fn same(text: &str, options: &Options, what: &str) {
    same_with(text, options, what, &[true, false]);
}

/// The heads `analyze_heads` hands out are the whole reports' heads (what an exit status reads),
/// each with the whole report's summary, and the rest of the analysis is the same.
fn same_heads(text: &str, options: &Options, what: &str) {
    let mut expected = whole(text, options, false);
    let mut heads: Vec<(ObjectReport, Summary)> = Vec::new();
    let mut rest = analyze_heads(text, options, &mut |head, summary| {
        let mut head = head.clone();
        head.findings.clear();
        head.suppressed.clear();
        heads.push((head, summary));
    });
    let summaries: Vec<Summary> = expected.objects.iter().map(Summary::of).collect();
    for o in &mut expected.objects {
        o.findings.clear();
        o.suppressed.clear();
    }
    assert_eq!(
        heads.iter().map(|(_, s)| *s).collect::<Vec<_>>(),
        summaries,
        "{what} (summaries)"
    );
    rest.objects = heads.into_iter().map(|(o, _)| o).collect();
    assert_eq!(rest, expected, "{what} (heads)");
}

fn same_with(text: &str, options: &Options, what: &str, contexts: &[bool]) {
    same_heads(text, options, what);
    for &contexts in contexts {
        let expected = whole(text, options, contexts);
        assert_eq!(
            assemble(text, options, contexts, FORCED),
            expected,
            "{what} (forced, contexts {contexts})"
        );
        assert_eq!(
            assemble(text, options, contexts, Limits::default()),
            expected,
            "{what} (default limits, contexts {contexts})"
        );
    }
}

#[test]
fn every_corpus_file_in_parts_is_its_analysis() {
    let files = corpus_files();
    if files.is_empty() {
        println!("no corpus: skipped");
        return;
    }
    let restricted = Options {
        level: PssLevel::Restricted,
        ..Options::default()
    };
    let mut n = 0;
    for (i, path) in files.iter().enumerate() {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        let what = path.display().to_string();
        // Without contexts (what the text formats read) on every fourth file.
        let contexts: &[bool] = if i % 4 == 0 { &[true, false] } else { &[true] };
        same_with(&text, &restricted, &what, contexts);
        n += 1;
    }
    assert!(n > 300, "{n} files");
}

#[test]
fn every_upstream_fixture_in_parts_is_its_analysis() {
    let root = std::env::var_os("PODSEC_PSA_CORPUS").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/psa-conformance"),
        PathBuf::from,
    );
    let Ok(index) = std::fs::read_to_string(root.join("fixtures.json")) else {
        println!("skipped: ../shared not found");
        return;
    };
    let fixtures: serde_json::Value = serde_json::from_str(&index).unwrap();
    let mut n = 0;
    for fx in fixtures.as_array().unwrap().iter().step_by(3) {
        let field = |k: &str| fx.get(k).and_then(|v| v.as_str()).unwrap_or("");
        let options = Options {
            level: PssLevel::parse(field("level")).unwrap(),
            version: Version::parse(field("version")).unwrap(),
            ..Options::default()
        };
        let text = std::fs::read_to_string(root.join("testdata").join(field("path"))).unwrap();
        let expected = whole(&text, &options, true);
        assert_eq!(
            assemble(&text, &options, true, FORCED),
            expected,
            "{}",
            field("path")
        );
        n += 1;
    }
    assert!(n > 1000, "{n} fixtures");
}

/// Runs of one check past the budget, inline ignores, and a namespace: the notices, the
/// suppressed findings and the admission of the head come out of the passes as they come out of
/// the whole analysis.
#[test]
fn budget_ignores_and_namespaces_in_parts() {
    let mut text = String::from(
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: prod\n  labels:\n    pod-security.kubernetes.io/enforce: restricted\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: prod\nspec:\n  containers:\n",
    );
    for (name, adds, drops) in [("a", 150, 260), ("b", 40, 101), ("c", 100, 0)] {
        text.push_str(&common::container(name, adds, drops));
    }
    let options = Options::default();
    same(&text, &options, "budget");
    let a = whole(&text, &options, true);
    let o = &a.objects[0];
    assert!(o.findings.iter().any(|f| f.message.contains("not listed")));
    assert_eq!(o.suppressed.len(), 37 + 14);
    assert!(o.admission.is_some());
}

/// The shape the passes are for: a pod of 1,600 containers, listed in bounded passes under the
/// default limits, is its whole analysis; so is a `List` of such pods.
#[test]
fn a_pod_of_many_containers_in_parts_is_its_analysis() {
    let mut text =
        String::from("apiVersion: v1\nkind: Pod\nmetadata:\n  name: many\nspec:\n  containers:\n");
    for i in 0..1600 {
        let _ = write!(
            text,
            "  - name: c{i}\n    image: app:1.0\n    securityContext:\n      runAsUser: {}\n",
            if i % 3 == 0 { 0 } else { 1000 }
        );
    }
    let options = Options::default();
    let mut heads = 0;
    let mut findings = 0;
    let analysis = analyze_parts(&text, &options, true, &mut |p| match p {
        Part::Head(..) => heads += 1,
        Part::Finding(_) => findings += 1,
        _ => {}
    });
    assert!(analysis.errors.is_empty());
    assert_eq!(heads, 1);
    assert_eq!(
        findings,
        whole(&text, &options, true).objects[0].findings.len()
    );
    same(&text, &options, "pod of 1,600 containers");
}
