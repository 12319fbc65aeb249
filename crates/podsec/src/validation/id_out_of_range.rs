//! `id-out-of-range`: a user or group ID outside 0…2147483647 (V-C2, V-C3, V-P1…V-P4).

use crate::fix::FixAvailability;
use crate::model::FindingLevel;
use crate::rule::{Check, Docs, Findings, Rule};
use crate::yaml::Node;

use super::{Ctx, api, go, scopes};

pub(super) const CHECK: Check = Check {
    id: "id-out-of-range",
    level: FindingLevel::Rejected,
    summary: "runAsUser, runAsGroup, fsGroup or a supplementalGroups entry outside 0…2147483647",
    default_on: true,
    fix: FixAvailability::None,
    docs: crate::rule::docs!(Docs {
        what: "Flags `runAsUser` and `runAsGroup` (pod or container), `fsGroup` and each `supplementalGroups` entry whose value is negative or larger than 2147483647.
The API server refuses such a pod with `must be between 0 and 2147483647, inclusive`.",
        why: "User and group IDs are 32-bit values in Linux, and Kubernetes keeps them to the non-negative half so that every runtime agrees on them.
A typo such as `-1` or an extra digit stops the whole object from being created; in a Deployment the ReplicaSet cannot create any pod.",
        example: "apiVersion: v1
kind: Pod
metadata:
  name: app
spec:
  securityContext:
    runAsUser: -1
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
    runAsUser: 10001
  containers:
    - name: app
      image: example/app:1.0
",
        fix_safety: "No automatic fix: which ID was meant is for a human to say.",
        policy: "API-server validation in every Kubernetes version this tool models (1.19 and later).",
        references: &[
            "https://github.com/kubernetes/kubernetes/blob/master/pkg/apis/core/validation/validation.go",
            "https://kubernetes.io/docs/tasks/configure-pod-container/security-context/",
        ],
    }),
};

pub(super) const RULE: Rule = Rule { check: &CHECK, run };

const MAX: i64 = 2_147_483_647;

fn out_of_range(n: Node<'_>) -> bool {
    n.as_i64().is_some_and(|v| !(0..=MAX).contains(&v))
}

fn run(ctx: &Ctx<'_, '_>, out: &mut Findings<'_>) {
    let detail = "must be between 0 and 2147483647, inclusive";
    let pod = ctx.pod;
    for scope in scopes(pod) {
        let Some(sc) = scope.sc(pod) else { continue };
        let keys: &[&str] = match scope {
            super::Scope::Pod => &["runAsUser", "runAsGroup", "fsGroup"],
            super::Scope::Container(_) => &["runAsUser", "runAsGroup"],
        };
        for key in keys {
            if let Some(v) = sc.field(key).filter(|v| out_of_range(*v)) {
                let path = scope.path(pod, key);
                out.push(ctx.report(
                    &CHECK,
                    api(&path, &format!("Invalid value: {}", go(v)), detail),
                    scope.name(),
                    v.span(),
                    path,
                ));
            }
        }
        if matches!(scope, super::Scope::Pod) {
            let groups = sc
                .field("supplementalGroups")
                .map(Node::items)
                .unwrap_or_default();
            for (j, v) in groups.into_iter().enumerate() {
                if out_of_range(v) {
                    let path = format!("{}[{j}]", scope.path(pod, "supplementalGroups"));
                    out.push(ctx.report(
                        &CHECK,
                        api(&path, &format!("Invalid value: {}", go(v)), detail),
                        None,
                        v.span(),
                        path,
                    ));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::CHECK;
    use crate::testing::check;

    #[test]
    fn every_id_field() {
        let yaml = r#"
apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
spec:
  template:
    spec:
      securityContext: {runAsUser: 2147483648, runAsGroup: -1, fsGroup: -5, supplementalGroups: [1, -2]}
      containers:
      - name: a
        securityContext: {runAsUser: -1, runAsGroup: 2147483647}
"#;
        check(
            &CHECK,
            yaml,
            expect![[r#"
            8:36 spec.template.spec.securityContext.runAsUser spec.template.spec.securityContext.runAsUser: Invalid value: 2147483648: must be between 0 and 2147483647, inclusive
            8:60 spec.template.spec.securityContext.runAsGroup spec.template.spec.securityContext.runAsGroup: Invalid value: -1: must be between 0 and 2147483647, inclusive
            8:73 spec.template.spec.securityContext.fsGroup spec.template.spec.securityContext.fsGroup: Invalid value: -5: must be between 0 and 2147483647, inclusive
            8:101 spec.template.spec.securityContext.supplementalGroups[1] spec.template.spec.securityContext.supplementalGroups[1]: Invalid value: -2: must be between 0 and 2147483647, inclusive
            11:38 spec.template.spec.containers[0].securityContext.runAsUser spec.template.spec.containers[0].securityContext.runAsUser: Invalid value: -1: must be between 0 and 2147483647, inclusive
        "#]],
        );
    }
}
