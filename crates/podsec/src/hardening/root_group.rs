//! `root-group`: group 0 given to containers through runAsGroup, fsGroup or supplementalGroups.

use crate::fix::{Fix, FixAvailability};
use crate::model::FindingLevel;
use crate::rule::{Check, Docs, Findings, Rule};
use crate::yaml::Node;

use super::{Ctx, Field, containers_phrase, offending};

pub(super) const CHECK: Check = Check {
    id: "root-group",
    level: FindingLevel::Hardening,
    summary: "a container runs with group 0 (root) from runAsGroup, fsGroup or supplementalGroups",
    default_on: true,
    fix: FixAvailability::None,
    docs: crate::rule::docs!(Docs {
        what: "Flags an explicit group `0` given to containers: an effective `runAsGroup: 0` (container, or inherited from the pod), `fsGroup: 0`, or `0` in `supplementalGroups` (both pod-level only, added to every container's groups).
It does not flag an unset `runAsGroup`, although the runtime then uses the group of the user's entry in the image's `/etc/passwd`, and 0 when there is none: that is image-dependent, like `run-as-image-user`.
The Pod Security Standards do not look at groups at all.",
        why: "Group 0 is root's group: in most images it owns system files and directories, and many are group-writable.
A process in group 0 can change those files even as a non-root user, which undoes much of what `runAsNonRoot` buys.
`fsGroup: 0` also makes the kubelet hand the pod's volumes to group 0.",
        example: "apiVersion: v1
kind: Pod
metadata:
  name: app
spec:
  securityContext:
    runAsNonRoot: true
    runAsUser: 10001
    runAsGroup: 0
    fsGroup: 0
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
    runAsNonRoot: true
    runAsUser: 10001
    runAsGroup: 10001
    fsGroup: 10001
  containers:
    - name: app
      image: example/app:1.0
",
        fix_safety: "No automatic fix.
Which group to use depends on the image: files it must read may be readable only by group 0 (OpenShift-style images are built that way on purpose).
Choose a non-zero GID, set `runAsGroup` and `fsGroup` to it, and check that the image still works.",
        policy: "",
        references: &[
            "https://kubernetes.io/docs/tasks/configure-pod-container/security-context/",
            "https://github.com/kubernetes/kubernetes/issues/61967",
        ],
    }),
};

pub(super) const RULE: Rule = Rule { check: &CHECK, run };

fn manual() -> Fix {
    Fix::manual(
        "use a non-zero group",
        "choose a GID the image works with and set runAsGroup and fsGroup to it",
    )
}

fn run(ctx: &Ctx<'_, '_>, out: &mut Findings<'_>) {
    if ctx.windows() {
        return;
    }
    for o in offending(ctx, Field::RunAsGroup, "runAsGroup", |v| v == 0) {
        let message = match o.container {
            Some(c) => format!(
                "container \"{}\" runs with the root group: securityContext.runAsGroup=0",
                c.name
            ),
            None => format!(
                "pod securityContext.runAsGroup=0 gives {} the root group",
                containers_phrase(&o.inheriting)
            ),
        };
        out.push(o.report(ctx, &CHECK, message).with_fix(manual()));
    }
    if ctx.pod.containers.is_empty() {
        return;
    }
    if let Some(n) = ctx.pod.sc("fsGroup").filter(|n| n.as_i64() == Some(0)) {
        out.push(
            ctx.report(&CHECK, "pod securityContext.fsGroup=0 gives every container and its volumes the root group",
                None,
                n.span(),
                ctx.pod.sc_path("fsGroup"),
            )
            .with_fix(manual()),
        );
    }
    let groups = ctx
        .pod
        .sc("supplementalGroups")
        .map(Node::items)
        .unwrap_or_default();
    for (i, n) in groups.into_iter().enumerate() {
        if n.as_i64() == Some(0) {
            out.push(
                ctx.report(
                    &CHECK,
                    "pod securityContext.supplementalGroups gives every container the root group",
                    None,
                    n.span(),
                    format!("{}[{i}]", ctx.pod.sc_path("supplementalGroups")),
                )
                .with_fix(manual()),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::CHECK;
    use crate::testing::check;

    #[test]
    fn every_source_of_group_zero() {
        let yaml = r#"
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  securityContext: {runAsGroup: 0, fsGroup: 0, supplementalGroups: [5, 0]}
  containers:
  - name: a
  - name: b
    securityContext: {runAsGroup: 0}
  - name: c
    securityContext: {runAsGroup: 3000}
"#;
        check(
            &CHECK,
            yaml,
            expect![[r#"
            6:33 spec.securityContext.runAsGroup pod securityContext.runAsGroup=0 gives container "a" the root group [fix: use a non-zero group (manual)]
            6:45 spec.securityContext.fsGroup pod securityContext.fsGroup=0 gives every container and its volumes the root group [fix: use a non-zero group (manual)]
            6:72 spec.securityContext.supplementalGroups[1] pod securityContext.supplementalGroups gives every container the root group [fix: use a non-zero group (manual)]
            10:35 spec.containers[1].securityContext.runAsGroup container "b" runs with the root group: securityContext.runAsGroup=0 [fix: use a non-zero group (manual)]
        "#]],
        );
    }
}
