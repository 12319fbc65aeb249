//! Shared helpers for validation tests, and the registry tests of this module.

#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]

use crate::manifest::{self, Entry};
use crate::model::{FindingLevel, Options};
use crate::yaml;

/// Findings of one check on a text, as `line:col message`.
pub(crate) fn check(id: &str, text: &str, options: &Options) -> Vec<String> {
    let mut found: Vec<_> = findings(text, options)
        .into_iter()
        .filter(|f| f.check == id)
        .collect();
    found.sort_by_key(|f| (f.line, f.column));
    found
        .into_iter()
        .map(|f| format!("{}:{} {}", f.line, f.column, f.message))
        .collect()
}

/// Every finding of this module on a text.
pub(crate) fn findings(text: &str, options: &Options) -> Vec<crate::model::Finding> {
    let stream = yaml::parse_stream(text);
    assert!(stream.errors.is_empty(), "{:?}", stream.errors);
    let mut out = Vec::new();
    for doc in &stream.documents {
        for entry in manifest::objects(doc) {
            if let Entry::Workload(_, pod) = entry {
                let eff = crate::effective::resolve(&pod, options);
                super::check(&pod, &eff, options, &mut out);
            }
        }
    }
    out
}

/// Options at a Kubernetes minor version.
pub(crate) fn kube(n: u32) -> Options {
    Options {
        kube_minor: Some(n),
        ..Options::default()
    }
}

/// The options under which a check's docs example is meant to run.
fn example_options(id: &str) -> Options {
    match id {
        "apparmor-on-node-without-apparmor" => Options {
            apparmor_enabled: false,
            ..Options::default()
        },
        _ => Options::default(),
    }
}

#[test]
fn registry_is_consistent() {
    let ids: Vec<&str> = super::CHECKS.iter().map(|c| c.id).collect();
    let rules: Vec<&str> = super::RULES.iter().map(|(c, _)| c.id).collect();
    assert_eq!(ids, rules, "CHECKS and RULES must list the same checks");
    let mut sorted = ids.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(sorted.len(), ids.len(), "duplicate IDs");
    for c in super::CHECKS {
        assert!(
            c.id.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'),
            "{} is not kebab-case",
            c.id
        );
        assert!(
            matches!(
                c.level,
                FindingLevel::Rejected | FindingLevel::Refused | FindingLevel::Warning
            ),
            "{}",
            c.id
        );
        for text in [c.docs.what, c.docs.why, c.docs.fix_safety, c.docs.policy] {
            assert!(!text.is_empty(), "{}: empty docs section", c.id);
        }
        assert!(!c.docs.references.is_empty(), "{}: no references", c.id);
    }
}

#[test]
fn docs_examples_trigger_and_use_instead_does_not() {
    for c in super::CHECKS {
        let options = example_options(c.id);
        for (label, text) in [
            ("example", c.docs.example),
            ("use_instead", c.docs.use_instead),
        ] {
            let text = text
                .strip_prefix("# podsec: --no-apparmor\n")
                .unwrap_or(text);
            assert!(
                text.starts_with("apiVersion:")
                    && text.contains("\nkind:")
                    && text.contains("\nmetadata:")
                    && text.contains("\nspec:"),
                "{}: {label} is not a complete manifest",
                c.id
            );
            let found = check(c.id, text, &options);
            if label == "example" {
                assert!(
                    !found.is_empty(),
                    "{}: the example does not trigger it",
                    c.id
                );
            } else {
                assert!(
                    found.is_empty(),
                    "{}: use_instead triggers it: {found:?}",
                    c.id
                );
            }
        }
    }
}

#[test]
fn messages_follow_house_style() {
    let text = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: a}]\n";
    let _ = check("id-out-of-range", text, &Options::default());
    for c in super::CHECKS {
        for f in findings(c.docs.example, &example_options(c.id)) {
            assert!(!f.message.ends_with('.'), "{}: {}", f.check, f.message);
            let first = f.message.chars().next().unwrap_or('a');
            assert!(!first.is_uppercase(), "{}: {}", f.check, f.message);
        }
    }
}
