//! `procMount_restricted` (restricted): containers keep the default `/proc`, user namespace or not.

use crate::fix::FixAvailability;
use crate::model::FindingLevel;
use crate::pod::PodView;
use crate::pss::{Out, Rule, Verdict};
use crate::rule::{Check, Docs};

pub(crate) const CHECK: Check = Check {
    id: "procMount_restricted",
    level: FindingLevel::Restricted,
    summary: "a container unmasks /proc (procMount other than Default), even in a user namespace",
    default_on: true,
    fix: FixAvailability::Always,
    docs: crate::rule::docs!(Docs {
        what: "\
Checks that every container's `securityContext.procMount` is unset or `Default`, with no exception for pods in a user namespace.",
        why: "\
An unmasked `/proc` exposes kernel interfaces that the runtime normally hides or makes read-only.
A user namespace blunts most of that, which is why baseline tolerates it from v1.35, but the restricted profile keeps the stricter rule: the masks are defence in depth against kernel bugs reachable through `/proc`, and restricted workloads are expected not to need them lifted.",
        example: "\
apiVersion: v1
kind: Pod
metadata:
  name: builder
spec:
  hostUsers: false
  containers:
  - name: app
    image: busybox
    securityContext:
      procMount: Unmasked
",
        use_instead: "\
apiVersion: v1
kind: Pod
metadata:
  name: builder
spec:
  hostUsers: false
  containers:
  - name: app
    image: busybox
",
        fix_safety: "\
The fix removes `procMount`, restoring the default masked `/proc`.
It is unsafe: the workloads that unmask `/proc` (nested container runtimes, image builders) need it and fail without it; run them at baseline with `hostUsers: false` instead.",
        policy: "\
Restricted profile from v1.35, where it replaces (overrides) the baseline `procMount` check so that the baseline user-namespace relaxation does not apply to restricted.
Restricted v1.0 to v1.34 run the baseline `procMount` check, whose logic there is identical.",
        references: &[
            "https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted",
        ],
    }),
};

pub(crate) const RULE: Rule = Rule {
    check: &CHECK,
    versions: &[(35, v1_35)],
    overrides: Some(&super::proc_mount::CHECK),
};

fn v1_35(pod: &PodView<'_>, out: &mut Out<'_>) -> Verdict {
    super::proc_mount::proc_mount(pod, out)
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::CHECK;
    use crate::testing::check;

    #[test]
    fn no_user_namespace_relaxation() {
        check(
            &CHECK,
            "# podsec: --version v1.34\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  hostUsers: false\n  containers:\n  - name: a\n    image: x\n    securityContext:\n      procMount: Unmasked\n",
            expect![[r#"
            not active
        "#]],
        );
        check(
            &CHECK,
            "# podsec: --version v1.35\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  hostUsers: false\n  containers:\n  - name: a\n    image: x\n    securityContext:\n      procMount: Unmasked\n",
            expect![[r#"
            denied: procMount (container "a" must not set securityContext.procMount to "Unmasked")
            12:18 spec.containers[0].securityContext.procMount procMount: container "a" sets securityContext.procMount to "Unmasked" [fix: remove securityContext.procMount (unsafe)]
        "#]],
        );
    }
}
