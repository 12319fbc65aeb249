//! `unsupported-value`: an enum field of the security context with a value the API server does not
//! support (V-C4, V-P7, V-P11, V-P12), in the releases where the field reaches validation.

use crate::fix::FixAvailability;
use crate::model::FindingLevel;
use crate::rule::{Check, Docs, Findings, Rule, go_quote};
use crate::yaml::Node;

use super::{Ctx, api};

pub(super) const CHECK: Check = Check {
    id: "unsupported-value",
    level: FindingLevel::Rejected,
    summary: "procMount, fsGroupChangePolicy, supplementalGroupsPolicy or seLinuxChangePolicy with a value the API server does not support",
    default_on: true,
    fix: FixAvailability::None,
    docs: crate::rule::docs!(Docs {
        what: "Flags an enum field of the security context whose value is not one the API server supports (spelled exactly so):
- a container's `procMount`: `Default`, `Unmasked`;
- the pod's `fsGroupChangePolicy`: `Always`, `OnRootMismatch`;
- the pod's `supplementalGroupsPolicy`: `Merge`, `Strict`;
- the pod's `seLinuxChangePolicy`: `MountOption`, `Recursive`.
A field its release drops before validation (its feature gate off by default, see docs/versions.md) is not checked there: `procMount` is reset to `Default` before 1.33, and the other two pod fields are cleared before 1.33.",
        why: "The whole object is refused, so nothing runs. The usual cause is a lower-case value (`onRootMismatch`, `strict`).",
        example: "apiVersion: v1
kind: Pod
metadata:
  name: app
spec:
  securityContext:
    fsGroup: 2000
    fsGroupChangePolicy: onRootMismatch
  containers:
    - name: app
      image: example/app:1.0
",
        use_instead: "apiVersion: v1
kind: Pod
metadata:
  name: app
spec:
  securityContext:
    fsGroup: 2000
    fsGroupChangePolicy: OnRootMismatch
  containers:
    - name: app
      image: example/app:1.0
",
        fix_safety: "No automatic fix: the intended value is a guess.",
        policy: "API-server validation (`field.NotSupported`): `fsGroupChangePolicy` in every release; `procMount`, `supplementalGroupsPolicy` and `seLinuxChangePolicy` from 1.33, when their feature gates are on by default. The `SELinuxMount` gate's narrowing of `seLinuxChangePolicy` to `Recursive` is not modelled (docs/versions.md).",
        references: &[
            "https://github.com/kubernetes/kubernetes/blob/master/pkg/apis/core/validation/validation.go",
            "https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#security-context",
        ],
    }),
};

pub(super) const RULE: Rule = Rule { check: &CHECK, run };

/// Pod-level enum fields and their supported values, in the order the API server prints them.
const POD_FIELDS: &[(&str, &[&str])] = &[
    ("fsGroupChangePolicy", &["Always", "OnRootMismatch"]),
    ("supplementalGroupsPolicy", &["Merge", "Strict"]),
    ("seLinuxChangePolicy", &["MountOption", "Recursive"]),
];

const PROC_MOUNT: &[&str] = &["Default", "Unmasked"];

fn detail(value: &str, supported: &[&str]) -> (String, String) {
    let list: Vec<String> = supported.iter().map(|s| go_quote(s)).collect();
    (
        format!("Unsupported value: {}", go_quote(value)),
        format!("supported values: {}", list.join(", ")),
    )
}

fn run(ctx: &Ctx<'_, '_>, out: &mut Findings<'_>) {
    let pod = ctx.pod;
    let mut check = |n: Node<'_>, path: String, supported: &[&str], container: Option<&str>| {
        let Some(value) = n.as_str() else { return };
        if supported.contains(&value) {
            return;
        }
        let (kind, text) = detail(value, supported);
        out.push(ctx.report(&CHECK, api(&path, &kind, &text), container, n.span(), path));
    };
    for c in &pod.containers {
        if let Some(n) = c.sc("procMount") {
            check(n, c.sc_path("procMount"), PROC_MOUNT, Some(c.name));
        }
    }
    for (key, supported) in POD_FIELDS {
        if let Some(n) = pod.sc(key) {
            check(n, pod.sc_path(key), supported, None);
        }
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::CHECK;
    use crate::testing::check;

    const POD: &str = "apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  securityContext:
    fsGroupChangePolicy: onRootMismatch
    supplementalGroupsPolicy: strict
    seLinuxChangePolicy: Recursive
  containers:
  - name: a
    securityContext:
      procMount: unmasked
";

    /// procMount and supplementalGroupsPolicy reach validation only where their gates are on.
    #[test]
    fn by_version() {
        check(
            &CHECK,
            &format!("# podsec: --kube 1.19\n{POD}"),
            expect![[r#"
                7:26 spec.securityContext.fsGroupChangePolicy spec.securityContext.fsGroupChangePolicy: Unsupported value: "onRootMismatch": supported values: "Always", "OnRootMismatch"
            "#]],
        );
        check(
            &CHECK,
            &format!("# podsec: --kube 1.32\n{POD}"),
            expect![[r#"
                7:26 spec.securityContext.fsGroupChangePolicy spec.securityContext.fsGroupChangePolicy: Unsupported value: "onRootMismatch": supported values: "Always", "OnRootMismatch"
            "#]],
        );
        check(
            &CHECK,
            &format!("# podsec: --kube 1.33\n{POD}"),
            expect![[r#"
                7:26 spec.securityContext.fsGroupChangePolicy spec.securityContext.fsGroupChangePolicy: Unsupported value: "onRootMismatch": supported values: "Always", "OnRootMismatch"
                8:31 spec.securityContext.supplementalGroupsPolicy spec.securityContext.supplementalGroupsPolicy: Unsupported value: "strict": supported values: "Merge", "Strict"
                13:18 spec.containers[0].securityContext.procMount spec.containers[0].securityContext.procMount: Unsupported value: "unmasked": supported values: "Default", "Unmasked"
            "#]],
        );
        check(
            &CHECK,
            &format!("# podsec: --kube 1.37\n{POD}"),
            expect![[r#"
                7:26 spec.securityContext.fsGroupChangePolicy spec.securityContext.fsGroupChangePolicy: Unsupported value: "onRootMismatch": supported values: "Always", "OnRootMismatch"
                8:31 spec.securityContext.supplementalGroupsPolicy spec.securityContext.supplementalGroupsPolicy: Unsupported value: "strict": supported values: "Merge", "Strict"
                13:18 spec.containers[0].securityContext.procMount spec.containers[0].securityContext.procMount: Unsupported value: "unmasked": supported values: "Default", "Unmasked"
            "#]],
        );
    }
}
