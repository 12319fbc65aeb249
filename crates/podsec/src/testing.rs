//! The one helper of every rule's tests: `check(&CHECK, fixture, expect![[…]])`, for Pod Security
//! Standards, validation and hardening rules alike (and `check_from` for a rule that starts with a
//! Kubernetes release).

#![allow(clippy::panic)]

use std::fmt::Write as _;

use expect_test::Expect;

use crate::rule::Check;

/// The smallest pod: one container, `a`, that sets nothing.
pub(crate) const POD: &str = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: a\n    image: x\n";

/// Analyses `fixture` as a check's docs examples are analysed ([`crate::docs::options_for`]: the
/// check's own level for Pod Security Standards checks, then the flags of a first-line
/// `# podsec: --level baseline --version v1.24` comment, and the check enabled), and compares with
/// `expect` what `check` says: for a Pod Security Standards check first its verdict on the first
/// workload (`allowed: reason`, `denied: reason (detail)` or `not active`), then each of its
/// findings as `line:column path message [fix: title (applicability)]`.
#[track_caller]
pub(crate) fn check(check: &Check, fixture: &str, expect: Expect) {
    expect.assert_eq(&said(check, fixture));
}

/// [`check`] of `fixture` on the release that starts the check (Kubernetes 1.`first` for a
/// validation or hardening rule, policy version v1.`first` for a Pod Security Standards check),
/// after checking that on the release before the check says nothing (`not active`).
#[track_caller]
pub(crate) fn check_from(check: &Check, first: u32, fixture: &str, expect: Expect) {
    let pss = crate::pss::RULES.iter().any(|r| r.check.id == check.id);
    let (flag, silent) = if pss {
        ("--version v1.", "not active\n")
    } else {
        ("--kube 1.", "")
    };
    let before = first - 1;
    let said_before = said(check, &format!("# podsec: {flag}{before}\n{fixture}"));
    assert_eq!(said_before, silent, "{} at {flag}{before}", check.id);
    self::check(
        check,
        &format!("# podsec: {flag}{first}\n{fixture}"),
        expect,
    );
}

/// What [`check`] compares.
#[track_caller]
fn said(check: &Check, fixture: &str) -> String {
    let (options, unknown) = crate::docs::options_for(check, fixture);
    assert!(unknown.is_empty(), "unknown flags {unknown:?}");
    let mut out = String::new();
    if let Some(rule) = crate::pss::RULES.iter().find(|r| r.check.id == check.id) {
        let minor = options.version.effective_minor();
        let verdict = match crate::pss::testing::run(rule, minor, fixture) {
            Ok(reason) if reason == "not active" => reason,
            Ok(reason) => format!("allowed: {reason}"),
            Err(reason) => format!("denied: {reason}"),
        };
        let _ = writeln!(out, "{verdict}");
    }
    let analysis = crate::analyze(fixture, &options);
    assert!(analysis.errors.is_empty(), "{:?}", analysis.errors);
    for f in analysis
        .objects
        .iter()
        .flat_map(|o| &o.findings)
        .filter(|f| f.check == check.id)
    {
        let fix = f.fix.as_ref().map_or(String::new(), |x| {
            format!(" [fix: {} ({})]", x.title, x.applicability.as_str())
        });
        let _ = writeln!(out, "{}:{} {} {}{fix}", f.line, f.column, f.path, f.message);
    }
    out
}
