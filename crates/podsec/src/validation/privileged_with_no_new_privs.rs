//! `privileged-with-no-new-privs`: `allowPrivilegeEscalation: false` on a privileged container
//! (V-C12).

use crate::fix::{Fix, FixAvailability};
use crate::model::FindingLevel;
use crate::rule::{Check, Docs, Findings, Rule};

use super::{Ctx, api};

pub(super) const CHECK: Check = Check {
    id: "privileged-with-no-new-privs",
    level: FindingLevel::Rejected,
    summary: "allowPrivilegeEscalation: false together with privileged: true",
    default_on: true,
    fix: FixAvailability::None,
    docs: crate::rule::docs!(Docs {
        what: "Flags a container that sets both `privileged: true` and `allowPrivilegeEscalation: false`.
The API server refuses the pod: ``cannot set `allowPrivilegeEscalation` to false and `privileged` to true``.",
        why: "A privileged container already holds every capability and every host device, so `no_new_privs` could not take anything away; Kubernetes refuses the contradiction rather than pretend.
The pair usually comes from copying a hardened template onto a container that was privileged for a reason (or the reverse), so one of the two lines is a mistake.",
        example: "apiVersion: v1
kind: Pod
metadata:
  name: agent
spec:
  containers:
    - name: agent
      image: example/agent:1.0
      securityContext:
        privileged: true
        allowPrivilegeEscalation: false
",
        use_instead: "apiVersion: v1
kind: Pod
metadata:
  name: agent
spec:
  containers:
    - name: agent
      image: example/agent:1.0
      securityContext:
        allowPrivilegeEscalation: false
        capabilities:
          drop: [ALL]
",
        fix_safety: "No automatic fix: decide whether the container needs to be privileged.
If it does not, remove `privileged: true` (and add only the capabilities it needs); if it does, remove `allowPrivilegeEscalation: false`.",
        policy: "API-server validation since Kubernetes 1.8, in every version this tool models.",
        references: &[
            "https://kubernetes.io/docs/tasks/configure-pod-container/security-context/",
            "https://github.com/kubernetes/kubernetes/blob/master/pkg/apis/core/validation/validation.go",
        ],
    }),
};

pub(super) const RULE: Rule = Rule { check: &CHECK, run };

fn run(ctx: &Ctx<'_, '_>, out: &mut Findings<'_>) {
    for (_, c) in ctx.containers() {
        let Some(sc) = c.security_context() else {
            continue;
        };
        let privileged = sc.field("privileged").and_then(|n| n.as_bool()) == Some(true);
        let Some(ape) = sc
            .field("allowPrivilegeEscalation")
            .filter(|n| n.as_bool() == Some(false))
        else {
            continue;
        };
        if !privileged {
            continue;
        }
        let path = format!("{}.securityContext", c.path);
        let mut f = ctx
            .report(
                &CHECK,
                api(
                    &path,
                    "Invalid value: core.SecurityContext{...}",
                    "cannot set `allowPrivilegeEscalation` to false and `privileged` to true",
                ),
                Some(c.name),
                ape.span(),
                path,
            )
            .with_fix(Fix::manual(
                "remove privileged: true or allowPrivilegeEscalation: false",
                "decide whether the container really needs to be privileged",
            ));
        if let Some(p) = sc.field("privileged") {
            f = f.related("privileged: true", p.span());
        }
        out.push(f);
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::CHECK;
    use crate::testing::check;

    #[test]
    fn both_set() {
        let yaml = r#"
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
  - name: a
    securityContext: {privileged: true, allowPrivilegeEscalation: false}
  - name: b
    securityContext: {privileged: false, allowPrivilegeEscalation: false}
  - name: c
    securityContext: {privileged: true, allowPrivilegeEscalation: true}
"#;
        check(
            &CHECK,
            yaml,
            expect![[r#"
            8:67 spec.containers[0].securityContext spec.containers[0].securityContext: Invalid value: core.SecurityContext{...}: cannot set `allowPrivilegeEscalation` to false and `privileged` to true [fix: remove privileged: true or allowPrivilegeEscalation: false (manual)]
        "#]],
        );
    }
}
