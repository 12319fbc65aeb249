//! `runAsNonRoot` (restricted): every container must be promised to run as a non-root user.

use crate::fix::{Fix, FixAvailability, Patch, PatchValue};
use crate::model::FindingLevel;
use crate::pod::PodView;
use crate::pss::pod_or_containers::{PodOrContainers, Setting};
use crate::pss::{IN_USER_NAMESPACE, Out, Rule, Verdict, fp, user_namespace_exempt};
use crate::rule::{Check, Docs};

pub(crate) const CHECK: Check = Check {
    id: "runAsNonRoot",
    level: FindingLevel::Restricted,
    summary: "a container may run as root because runAsNonRoot is not true",
    default_on: true,
    fix: FixAvailability::Always,
    docs: crate::rule::docs!(Docs {
        what: "\
Checks that `securityContext.runAsNonRoot` is `true` for every container, either on the container itself or inherited from the pod's `securityContext`.
An explicit `false` anywhere, the pod included, is a violation even when every container sets `true`.
A numeric `runAsUser` does not count: only `runAsNonRoot: true` satisfies the check.",
        why: "\
`runAsNonRoot: true` makes the kubelet refuse to start a container whose user would be UID 0.
Without it, a process that runs as root inside the container is one kernel bug, one mounted socket or one misconfigured volume away from being root on the node.
Root inside the container can also rewrite its own binaries, read every file in the image and any mounted secret, and use every capability the runtime grants by default.
The blast radius of a compromise is then the whole node and every pod on it.",
        example: "\
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
  - name: app
    image: nginx
",
        use_instead: "\
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  securityContext:
    runAsNonRoot: true
    runAsUser: 101
  containers:
  - name: app
    image: nginx
",
        fix_safety: "\
The fix sets `runAsNonRoot: true`, at pod level when no container overrides it, otherwise on the container.
It is unsafe: if the image's user is root (no `USER`, or `USER 0`) and no `runAsUser` is set, the kubelet refuses to start the container (`CreateContainerConfigError`).
Pair it with a non-zero `runAsUser` that the image supports, and check that the process does not need root to bind ports below 1024 or to write to root-owned paths.",
        policy: "\
Restricted profile, every version from v1.0.
From v1.35 the check is skipped entirely for pods with `spec.hostUsers: false`, because in a user namespace UID 0 in the container maps to an unprivileged UID on the host.
Before v1.35 (as evaluated by today's Pod Security Admission) user namespaces give no relief.",
        references: &[
            "https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted",
            "https://kubernetes.io/docs/tasks/configure-pod-container/security-context/",
            "https://github.com/kubernetes/enhancements/tree/master/keps/sig-node/127-user-namespaces",
        ],
    }),
};

pub(crate) const RULE: Rule = Rule {
    check: &CHECK,
    versions: &[(0, v1_0), (35, v1_35)],
    overrides: None,
};

const REASON: &str = "runAsNonRoot != true";

fn set_true_fix(path: &str, note: &'static str) -> Fix {
    Fix::unsafe_(
        "set securityContext.runAsNonRoot: true",
        note,
        vec![Patch::Set {
            path: fp(path),
            value: PatchValue::Bool(true),
        }],
    )
}

const NOTE: &str = "the kubelet refuses to start a container whose image runs as root unless runAsUser sets a non-zero UID";

const OUTLINE: PodOrContainers = PodOrContainers {
    reason: REASON,
    field: "runAsNonRoot",
    value_path: "",
    read: |n| {
        n.as_bool().map(|b| Setting {
            good: b,
            text: b.to_string(),
            at: n,
        })
    },
    sets: |who, _| format!("{who} sets securityContext.runAsNonRoot=false"),
    unset: "sets securityContext.runAsNonRoot=true",
    must_not: |_| "must not set securityContext.runAsNonRoot=false".to_string(),
    must_set: "must set securityContext.runAsNonRoot=true",
    all_set: "every container sets runAsNonRoot: true",
    and_pod: Some(" (and so does the pod)"),
    fix_bad: |path| set_true_fix(path, NOTE),
    fix_unset: |path| set_true_fix(path, NOTE),
};

fn v1_0(pod: &PodView<'_>, out: &mut Out<'_>) -> Verdict {
    OUTLINE.judge(pod, out)
}

fn v1_35(pod: &PodView<'_>, out: &mut Out<'_>) -> Verdict {
    user_namespace_exempt(pod, IN_USER_NAMESPACE, v1_0, out)
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::CHECK;
    use crate::testing::check;

    /// A pod with `spec` lines before its `containers` items.
    fn pod(spec: &str, containers: &str) -> String {
        format!(
            "apiVersion: v1\nkind: Pod\nmetadata: {{name: p}}\nspec:\n{spec}  containers:\n{containers}"
        )
    }

    /// Each case: the pod's `spec` lines before `containers`, its containers, the snapshot.
    #[test]
    fn pod_and_container_values() {
        let a = "  - name: a\n    image: x\n";
        let cases = [
            // Unset everywhere fails.
            (
                "",
                a,
                expect![[r#"
                    denied: runAsNonRoot != true (pod or container "a" must set securityContext.runAsNonRoot=true)
                    6:5 spec.containers[0].securityContext.runAsNonRoot runAsNonRoot != true: neither the pod nor container "a" sets securityContext.runAsNonRoot=true [fix: set securityContext.runAsNonRoot: true (unsafe)]
                "#]],
            ),
            // The pod's true covers its containers.
            (
                "  securityContext:\n    runAsNonRoot: true\n",
                a,
                expect![[r#"
                    allowed: runAsNonRoot satisfied by the pod-level value at line 6
                "#]],
            ),
            // An explicit false wins over a missing value.
            (
                "  securityContext:\n    runAsNonRoot: false\n",
                "  - name: a\n    image: x\n  - name: b\n    image: x\n    securityContext:\n      runAsNonRoot: false\n  - name: c\n    image: x\n    securityContext:\n      runAsNonRoot: false\n",
                expect![[r#"
                    denied: runAsNonRoot != true (pod and containers "b", "c" must not set securityContext.runAsNonRoot=false)
                    6:19 spec.securityContext.runAsNonRoot runAsNonRoot != true: the pod sets securityContext.runAsNonRoot=false [fix: set securityContext.runAsNonRoot: true (unsafe)]
                    13:21 spec.containers[1].securityContext.runAsNonRoot runAsNonRoot != true: container "b" sets securityContext.runAsNonRoot=false [fix: set securityContext.runAsNonRoot: true (unsafe)]
                    17:21 spec.containers[2].securityContext.runAsNonRoot runAsNonRoot != true: container "c" sets securityContext.runAsNonRoot=false [fix: set securityContext.runAsNonRoot: true (unsafe)]
                "#]],
            ),
            // The pod's false denies even when every container sets true.
            (
                "  securityContext:\n    runAsNonRoot: false\n",
                "  - name: a\n    image: x\n    securityContext:\n      runAsNonRoot: true\n",
                expect![[r#"
                    denied: runAsNonRoot != true (pod must not set securityContext.runAsNonRoot=false)
                    6:19 spec.securityContext.runAsNonRoot runAsNonRoot != true: the pod sets securityContext.runAsNonRoot=false [fix: set securityContext.runAsNonRoot: true (unsafe)]
                "#]],
            ),
            // runAsUser does not count.
            (
                "  securityContext:\n    runAsUser: 1000\n",
                a,
                expect![[r#"
                    denied: runAsNonRoot != true (pod or container "a" must set securityContext.runAsNonRoot=true)
                    8:5 spec.containers[0].securityContext.runAsNonRoot runAsNonRoot != true: neither the pod nor container "a" sets securityContext.runAsNonRoot=true [fix: set securityContext.runAsNonRoot: true (unsafe)]
                "#]],
            ),
            // Windows pods are not exempt.
            (
                "  os:\n    name: windows\n",
                a,
                expect![[r#"
                    denied: runAsNonRoot != true (pod or container "a" must set securityContext.runAsNonRoot=true)
                    8:5 spec.containers[0].securityContext.runAsNonRoot runAsNonRoot != true: neither the pod nor container "a" sets securityContext.runAsNonRoot=true [fix: set securityContext.runAsNonRoot: true (unsafe)]
                "#]],
            ),
            // The fix goes to each container when one sets false.
            (
                "",
                "  - name: a\n    image: x\n    securityContext:\n      runAsNonRoot: false\n  - name: b\n    image: x\n",
                expect![[r#"
                    denied: runAsNonRoot != true (container "a" must not set securityContext.runAsNonRoot=false)
                    9:21 spec.containers[0].securityContext.runAsNonRoot runAsNonRoot != true: container "a" sets securityContext.runAsNonRoot=false [fix: set securityContext.runAsNonRoot: true (unsafe)]
                    10:5 spec.containers[1].securityContext.runAsNonRoot runAsNonRoot != true: neither the pod nor container "b" sets securityContext.runAsNonRoot=true [fix: set securityContext.runAsNonRoot: true (unsafe)]
                "#]],
            ),
        ];
        for (spec, containers, expected) in cases {
            check(&CHECK, &pod(spec, containers), expected);
        }
    }

    #[test]
    fn host_users_false_relaxes_from_v1_35() {
        let a = "  - name: a\n    image: x\n";
        let host_users = |v: &str, version: &str| {
            format!(
                "# podsec: --version {version}\n{}",
                pod(&format!("  hostUsers: {v}\n"), a)
            )
        };
        check(
            &CHECK,
            &host_users("false", "v1.34"),
            expect![[r#"
            denied: runAsNonRoot != true (pod or container "a" must set securityContext.runAsNonRoot=true)
            8:5 spec.containers[0].securityContext.runAsNonRoot runAsNonRoot != true: neither the pod nor container "a" sets securityContext.runAsNonRoot=true [fix: set securityContext.runAsNonRoot: true (unsafe)]
        "#]],
        );
        check(
            &CHECK,
            &host_users("false", "v1.35"),
            expect![[r#"
            allowed: not applicable: spec.hostUsers is false, so the pod runs in a user namespace (exempt from v1.35)
        "#]],
        );
        // hostUsers: true (or unset) is the host user namespace: no relief.
        check(
            &CHECK,
            &host_users("true", "v1.35"),
            expect![[r#"
            denied: runAsNonRoot != true (pod or container "a" must set securityContext.runAsNonRoot=true)
            8:5 spec.containers[0].securityContext.runAsNonRoot runAsNonRoot != true: neither the pod nor container "a" sets securityContext.runAsNonRoot=true [fix: set securityContext.runAsNonRoot: true (unsafe)]
        "#]],
        );
    }
}
