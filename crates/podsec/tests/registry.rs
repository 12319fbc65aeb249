//! Meta-tests of the check registry: every check of every level is well-formed, its docs are
//! complete, its Example triggers it and its Use instead does not, and `CHECKS.md` is fresh.
//!
//! These tests run over whatever is registered, so a new check is held to the same rules the day
//! it lands.

use std::collections::BTreeSet;

use podsec::check::{self, Check};
use podsec::docs;
use podsec::fix::{Applicability, FixAvailability};
use podsec::{Analysis, Finding, FindingLevel, Options};

fn is_pss(c: &Check) -> bool {
    matches!(c.level, FindingLevel::Baseline | FindingLevel::Restricted)
}

/// The options an example asks for (see [`docs::options_for`]): PSS checks at their own level,
/// then the `# podsec:` line, with the check enabled.
fn options_for(c: &Check, yaml: &str) -> Options {
    let (o, unknown) = docs::options_for(c, yaml);
    assert!(
        unknown.is_empty(),
        "{}: unknown flags {unknown:?} in the example's `# podsec:` line",
        c.id
    );
    o
}

fn findings(a: &Analysis) -> Vec<&Finding> {
    a.objects.iter().flat_map(|o| o.findings.iter()).collect()
}

fn analyse(c: &Check, what: &str, yaml: &str) -> Analysis {
    let a = podsec::analyze(yaml, &options_for(c, yaml));
    assert!(
        a.errors.is_empty(),
        "{} {what}: parse errors {:?}",
        c.id,
        a.errors
    );
    assert!(
        !a.objects.is_empty(),
        "{} {what}: not a complete workload manifest (apiVersion, kind, metadata.name, spec): {:?}",
        c.id,
        a.skipped
    );
    a
}

#[test]
fn ids_are_unique_and_well_formed() {
    let all = check::all();
    let mut seen = BTreeSet::new();
    for c in &all {
        assert!(seen.insert(c.id), "duplicate check ID {}", c.id);
        if is_pss(c) {
            assert!(
                c.id.chars()
                    .all(|ch| ch.is_ascii_alphanumeric() || ch == '_'),
                "{}: PSS checks keep upstream's ID",
                c.id
            );
        } else {
            let kebab = !c.id.is_empty()
                && c.id.split('-').all(|w| {
                    !w.is_empty()
                        && w.chars()
                            .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit())
                });
            assert!(kebab, "{}: our IDs are kebab-case", c.id);
            for prefix in ["no-", "disallow-", "require-"] {
                assert!(
                    !c.id.starts_with(prefix),
                    "{}: IDs name the flagged pattern, not the rule",
                    c.id
                );
            }
        }
        assert!(
            c.default_on || c.level == FindingLevel::Hardening,
            "{}: only hardening rules may be off by default",
            c.id
        );
        assert_eq!(check::find(c.id).map(|f| f.id), Some(c.id));
    }
    let levels: Vec<FindingLevel> = all.iter().map(|c| c.level).collect();
    let mut sorted = levels.clone();
    sorted.sort();
    assert_eq!(levels, sorted, "check::all() is ordered by level");
}

#[test]
fn docs_sections_are_complete() {
    for c in check::all() {
        let d = &c.docs;
        let one_line = |s: &str| !s.trim().is_empty() && !s.contains('\n');
        assert!(
            one_line(c.summary),
            "{}: summary must be one non-empty line",
            c.id
        );
        assert!(
            !c.summary.ends_with('.'),
            "{}: summary has no trailing period",
            c.id
        );
        for (name, text) in [
            ("What it does", d.what),
            ("Why it matters", d.why),
            ("Example", d.example),
            ("Use instead", d.use_instead),
            ("Fix safety", d.fix_safety),
        ] {
            assert!(!text.trim().is_empty(), "{}: `{name}` is empty", c.id);
        }
        if is_pss(c) {
            assert!(
                !d.policy.trim().is_empty(),
                "{}: PSS checks document their policy history",
                c.id
            );
        }
        assert!(!d.references.is_empty(), "{}: no references", c.id);
        assert!(
            d.references.iter().all(|r| !r.trim().is_empty()),
            "{}: empty reference",
            c.id
        );
        assert_ne!(
            d.example.trim(),
            d.use_instead.trim(),
            "{}: Example and Use instead are the same",
            c.id
        );
        let explained = docs::explain(c.id, docs::PLAYGROUND_URL).unwrap_or_default();
        assert!(
            explained.contains(d.example.trim_end()),
            "{}: explain shows the example",
            c.id
        );
    }
}

/// Fails with every problem at once, so one run lists all the checks to fix.
#[track_caller]
fn report(problems: &[String]) {
    assert!(
        problems.is_empty(),
        "{} problem(s):\n- {}",
        problems.len(),
        problems.join("\n- ")
    );
}

#[test]
fn every_example_triggers_its_check() {
    let mut problems = Vec::new();
    for c in check::all() {
        let a = analyse(c, "Example", c.docs.example);
        let all = findings(&a);
        let hits: Vec<&&Finding> = all.iter().filter(|f| f.check == c.id).collect();
        if hits.is_empty() {
            problems.push(format!(
                "{}: the Example does not trigger the check (flags {:?}); it finds {:?}",
                c.id,
                docs::example_flags(c.docs.example),
                all.iter().map(|f| f.check).collect::<Vec<_>>()
            ));
        }
        for f in hits {
            if f.level != c.level {
                problems.push(format!(
                    "{}: finding level {:?} differs from the registry",
                    c.id, f.level
                ));
            }
        }
    }
    report(&problems);
}

#[test]
fn no_use_instead_triggers_its_check() {
    let mut problems = Vec::new();
    for c in check::all() {
        let a = analyse(c, "Use instead", c.docs.use_instead);
        for f in findings(&a).into_iter().filter(|f| f.check == c.id) {
            problems.push(format!(
                "{}: the Use instead triggers the check at {}:{}: {}",
                c.id, f.line, f.column, f.message
            ));
        }
    }
    report(&problems);
}

#[test]
fn findings_of_examples_follow_the_conventions() {
    let registered: BTreeSet<&str> = check::all().iter().map(|c| c.id).collect();
    let mut problems = Vec::new();
    for c in check::all() {
        for (what, yaml) in [
            ("Example", c.docs.example),
            ("Use instead", c.docs.use_instead),
        ] {
            let a = analyse(c, what, yaml);
            for f in findings(&a) {
                let mut fail = |why: String| {
                    problems.push(format!("{} (in the {what} of {}): {why}", f.check, c.id));
                };
                if !registered.contains(f.check) {
                    fail("finding of an unregistered check".to_string());
                }
                if f.message.chars().next().is_none_or(char::is_uppercase) {
                    fail(format!("message must start in lower case: {:?}", f.message));
                }
                if f.message.ends_with('.') {
                    fail(format!(
                        "message must not end with a period: {:?}",
                        f.message
                    ));
                }
                if let Some(reg) = check::find(f.check) {
                    if is_pss(reg) && f.fix.is_none() {
                        fail("every PSS finding carries a fix or guidance".to_string());
                    }
                    if f.level != reg.level {
                        fail(format!("level {:?} differs from the registry", f.level));
                    }
                    let applicable = f
                        .fix
                        .as_ref()
                        .is_some_and(|x| x.applicability != Applicability::Manual);
                    match reg.fix {
                        FixAvailability::Always if !applicable => {
                            fail("declared Always but a finding has no applicable fix".to_string());
                        }
                        FixAvailability::None if applicable => {
                            fail("declared None but a finding has an applicable fix".to_string());
                        }
                        _ => {}
                    }
                }
                if let Some(fix) = &f.fix {
                    if fix.title.chars().next().is_none_or(char::is_uppercase) {
                        fail(format!(
                            "fix title must be non-empty and lower case: {:?}",
                            fix.title
                        ));
                    }
                    if fix.applicability != Applicability::Safe
                        && fix.note.as_deref().is_none_or(|n| n.trim().is_empty())
                    {
                        fail(
                            "an unsafe or manual fix must say how it may break or what to decide"
                                .to_string(),
                        );
                    }
                    if fix.applicability != Applicability::Manual && fix.patches.is_empty() {
                        fail("an applicable fix must have patches".to_string());
                    }
                }
            }
        }
    }
    report(&problems);
}

/// Applying the fixes of an Example (unsafe ones included) yields a text that parses and in which
/// the check no longer finds anything it could fix. (Whether a second round changes more, because
/// one check's fix unlocks another's, is the rewrite's harness invariant, tested there.)
#[test]
fn fixes_of_examples_converge() {
    use podsec::harden::{HardenOptions, harden};
    let mut problems = Vec::new();
    for c in check::all() {
        let options = HardenOptions {
            analysis: options_for(c, c.docs.example),
            threshold: Applicability::Unsafe,
        };
        let once = harden(c.docs.example, &options);
        let after = podsec::analyze(&once.text, &options.analysis);
        if !after.errors.is_empty() {
            problems.push(format!(
                "{}: the hardened Example does not parse: {:?}\n{}",
                c.id, after.errors, once.text
            ));
            continue;
        }
        for f in findings(&after).into_iter().filter(|f| f.check == c.id) {
            if f.fix
                .as_ref()
                .is_some_and(|x| x.applicability != Applicability::Manual)
            {
                problems.push(format!(
                    "{}: still fixable after hardening: {}\n{}",
                    c.id, f.message, once.text
                ));
            }
        }
    }
    report(&problems);
}

/// `CHECKS.md` is what `docs::checks_markdown` writes; `UPDATE_EXPECT=1` rewrites it (as
/// `cargo xtask docs` does).
#[test]
fn checks_md_is_fresh() {
    expect_test::expect_file!["../../../CHECKS.md"].assert_eq(&docs::checks_markdown());
}
