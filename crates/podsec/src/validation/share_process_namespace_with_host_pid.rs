//! `share-process-namespace-with-host-pid`: `shareProcessNamespace: true` together with
//! `hostPID: true` (V-P5).

use crate::fix::{Fix, FixAvailability};
use crate::model::FindingLevel;
use crate::rule::{Check, Docs, Findings, Rule};

use super::{Ctx, api};

pub(super) const CHECK: Check = Check {
    id: "share-process-namespace-with-host-pid",
    level: FindingLevel::Rejected,
    summary: "shareProcessNamespace: true together with hostPID: true",
    default_on: true,
    fix: FixAvailability::None,
    docs: crate::rule::docs!(Docs {
        what: "Flags a pod spec that sets both `shareProcessNamespace: true` and `hostPID: true`.
The API server refuses it with `ShareProcessNamespace and HostPID cannot both be enabled`; the error path is `spec.securityContext.shareProcessNamespace` because the field lives in the pod security context in Kubernetes' internal types.",
        why: "The two ask for different process namespaces: one shared by the pod's containers, or the node's own.
A pod cannot be in both, and the host one would expose every process of the node to the pod.",
        example: "apiVersion: v1
kind: Pod
metadata:
  name: debug
spec:
  hostPID: true
  shareProcessNamespace: true
  containers:
    - name: debug
      image: example/debug:1.0
",
        use_instead: "apiVersion: v1
kind: Pod
metadata:
  name: debug
spec:
  shareProcessNamespace: true
  containers:
    - name: debug
      image: example/debug:1.0
",
        fix_safety: "No automatic fix: choose which process namespace the pod needs; `hostPID: true` is rarely the right answer.",
        policy: "API-server validation in every Kubernetes version this tool models.",
        references: &[
            "https://kubernetes.io/docs/tasks/configure-pod-container/share-process-namespace/",
        ],
    }),
};

pub(super) const RULE: Rule = Rule { check: &CHECK, run };

fn run(ctx: &Ctx<'_, '_>, out: &mut Findings<'_>) {
    let share = ctx.pod.bool_field("shareProcessNamespace");
    let host = ctx.pod.bool_field("hostPID");
    let (Some((true, s)), Some((true, h))) = (share, host) else {
        return;
    };
    let path = ctx.pod.sc_path("shareProcessNamespace");
    out.push(
        ctx.report(
            &CHECK,
            api(
                &path,
                "Invalid value: true",
                "ShareProcessNamespace and HostPID cannot both be enabled",
            ),
            None,
            s.span(),
            path,
        )
        .related("hostPID: true", h.span())
        .with_fix(Fix::manual(
            "remove hostPID: true or shareProcessNamespace: true",
            "choose which process namespace the pod needs",
        )),
    );
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::CHECK;
    use crate::testing::check;

    #[test]
    fn both_true() {
        let yaml = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  hostPID: true\n  shareProcessNamespace: true\n  containers: [{name: a}]\n";
        check(
            &CHECK,
            yaml,
            expect![[r#"
            6:26 spec.securityContext.shareProcessNamespace spec.securityContext.shareProcessNamespace: Invalid value: true: ShareProcessNamespace and HostPID cannot both be enabled [fix: remove hostPID: true or shareProcessNamespace: true (manual)]
        "#]],
        );
        let yaml = yaml.replace("hostPID: true", "hostPID: false");
        check(&CHECK, &yaml, expect![[""]]);
    }
}
