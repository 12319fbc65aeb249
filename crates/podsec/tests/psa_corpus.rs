//! Conformance with upstream Pod Security Admission: every fixture of the upstream corpus in
//! `shared/psa-conformance`, decided by `podsec::pss::evaluate` at its level and version.
//!
//! The corpus lives outside the repository; when it is absent the test says so and passes.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::path::Path;
use std::time::Instant;

use podsec::manifest::{self, Entry};
use podsec::{PssLevel, Version};

#[test]
fn upstream_fixture_corpus() {
    // `PODSEC_PSA_CORPUS` points elsewhere, e.g. when building from a worktree outside the checkout.
    let root = std::env::var_os("PODSEC_PSA_CORPUS").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/psa-conformance"),
        std::path::PathBuf::from,
    );
    let index = root.join("fixtures.json");
    let Ok(text) = std::fs::read_to_string(&index) else {
        println!("skipped: ../shared not found");
        return;
    };
    let started = Instant::now();
    let fixtures: serde_json::Value = serde_json::from_str(&text).expect("fixtures.json parses");
    let fixtures = fixtures.as_array().expect("a list");
    let mut agree = 0;
    let mut same_checks = 0;
    let mut disagreements = Vec::new();
    for fx in fixtures {
        let field = |k: &str| fx.get(k).and_then(|v| v.as_str()).unwrap_or("");
        let path = field("path");
        let level = PssLevel::parse(field("level")).expect("level");
        let version = Version::parse(field("version")).expect("version");
        let expect_pass = field("expect") == "pass";
        let yaml = std::fs::read_to_string(root.join("testdata").join(path)).expect("fixture");
        let stream = podsec::yaml::parse_stream(&yaml);
        assert!(stream.errors.is_empty(), "{path}: {:?}", stream.errors);
        let doc = stream.documents.first().expect("one document");
        let pod = manifest::objects(doc)
            .into_iter()
            .find_map(|e| match e {
                Entry::Workload(_, pod) => Some(pod),
                Entry::Skipped(..) => None,
            })
            .expect("a pod");
        let result = podsec::pss::evaluate(&pod, level, version);
        let substring_ok = match fx.get("expect_error_substring").and_then(|v| v.as_str()) {
            Some(s) if !expect_pass => result.aggregate.contains(s),
            _ => true,
        };
        if result.allowed == expect_pass && substring_ok {
            agree += 1;
        } else {
            disagreements.push(format!(
                "{path}: expected {}, got {} ({})",
                field("expect"),
                if result.allowed { "pass" } else { "fail" },
                result.aggregate
            ));
        }
        let reference: Vec<&str> = fx
            .get("ref_violations")
            .and_then(|v| v.as_array())
            .map(|a| a.iter().filter_map(|v| v.as_str()).collect())
            .unwrap_or_default();
        let mut ours = result.denied.clone();
        let mut theirs = reference.clone();
        ours.sort_unstable();
        theirs.sort_unstable();
        if ours == theirs {
            same_checks += 1;
        } else {
            disagreements.push(format!(
                "{path}: denying checks {ours:?}, reference {theirs:?}"
            ));
        }
    }
    let total = fixtures.len();
    println!(
        "psa corpus: {agree}/{total} verdicts agree, {same_checks}/{total} with the same denying checks, in {:.2?}",
        started.elapsed()
    );
    for d in &disagreements {
        println!("  {d}");
    }
    assert!(
        disagreements.is_empty(),
        "{} disagreements",
        disagreements.len()
    );
    assert_eq!(total, 4537);
}
