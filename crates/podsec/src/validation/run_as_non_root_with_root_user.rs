//! `run-as-non-root-with-root-user`: `runAsNonRoot: true` with a user the kubelet finds to be root,
//! or cannot verify (K-1).

use crate::effective::Field;
use crate::fix::FixAvailability;
use crate::model::{FindingLevel, Value};
use crate::rule::{Check, Docs, Findings, Rule};

use super::{Ctx, Scope};

pub(super) const CHECK: Check = Check {
    id: "run-as-non-root-with-root-user",
    level: FindingLevel::Refused,
    summary: "runAsNonRoot: true with runAsUser 0, or with an image user that is root or not numeric",
    default_on: true,
    fix: FixAvailability::None,
    docs: crate::rule::docs!(Docs {
        what: "Flags a container whose effective `runAsNonRoot` is `true` (its own, or the pod's) while:
- its effective `runAsUser` is `0`; or
- it sets no `runAsUser` and the image user given in the options is root (no `USER`, or uid 0), not numeric, or not a valid uid.
The API server accepts all of these; the kubelet refuses to create the container (`CreateContainerConfigError`) and retries forever.",
        why: "`runAsNonRoot` is a promise checked at start, against the uid the container would get.
An explicit `runAsUser: 0` breaks it outright; an image whose `USER` is a name (`nginx`) cannot be checked, because the kubelet does not read the image's `/etc/passwd`.",
        example: "apiVersion: v1
kind: Pod
metadata:
  name: app
spec:
  securityContext:
    runAsNonRoot: true
  containers:
    - name: app
      image: example/app:1.0
      securityContext:
        runAsUser: 0
",
        use_instead: "apiVersion: v1
kind: Pod
metadata:
  name: app
spec:
  securityContext:
    runAsNonRoot: true
  containers:
    - name: app
      image: example/app:1.0
      securityContext:
        runAsUser: 10001
",
        fix_safety: "No automatic fix: pick a non-zero uid the image works with, or drop `runAsNonRoot` if the container really must run as root.",
        policy: "Kubelet behaviour in every Kubernetes version this tool models.
With `hostUsers: false` the uid checked is the one inside the user namespace, so 0 still fails.",
        references: &[
            "https://kubernetes.io/docs/tasks/configure-pod-container/security-context/",
            "https://github.com/kubernetes/kubernetes/blob/master/pkg/kubelet/kuberuntime/security_context_others.go",
        ],
    }),
};

pub(super) const RULE: Rule = Rule { check: &CHECK, run };

fn run(ctx: &Ctx<'_, '_>, out: &mut Findings<'_>) {
    if ctx.pod.is_windows() {
        return;
    }
    for (i, c) in ctx.containers() {
        // Resolved alone, the user only where runAsNonRoot is true: in a pass of a bounded
        // listing each would otherwise be a whole effective context per container.
        let Some(non_root) = ctx.effective_field(i, Field::RunAsNonRoot) else {
            continue;
        };
        if non_root.value != Value::Bool(true) {
            continue;
        }
        let Some(user) = ctx.effective_field(i, Field::RunAsUser) else {
            continue;
        };
        let Some(nonroot) = Scope::of(non_root.source, c) else {
            continue;
        };
        let Some(nonroot_at) = nonroot.field(ctx.pod, "runAsNonRoot") else {
            continue;
        };
        let inherited_from = if matches!(nonroot, Scope::Pod) {
            " (from the pod)"
        } else {
            ""
        };
        // A uid written in a security context, or else the image's user (`null` when unknown).
        let (message, scope, key) = match (Scope::of(user.source, c), &user.value) {
            (Some(scope), Value::Int(0)) => (
                format!(
                    "container \"{}\" has runAsNonRoot{inherited_from} and runAsUser 0: the kubelet refuses to start it with \"container's runAsUser breaks non-root policy\"",
                    c.name
                ),
                scope,
                "runAsUser",
            ),
            (Some(_), _) => continue,
            (None, image) => {
                let detail = match image {
                    Value::Int(0) => {
                        "container has runAsNonRoot and image will run as root".to_string()
                    }
                    Value::Str(n) => format!(
                        "container has runAsNonRoot and image has non-numeric user ({n}), cannot verify user is non-root"
                    ),
                    Value::Int(n) if *n > 2_147_483_647 => format!(
                        "container has runAsNonRoot and image has an invalid user id ({n}). (Must be 1-(2147483647))"
                    ),
                    _ => continue,
                };
                (
                    format!(
                        "container \"{}\" has runAsNonRoot{inherited_from} and no runAsUser, and its image user fails the check: the kubelet refuses to start it with \"{detail}\"",
                        c.name
                    ),
                    nonroot,
                    "runAsNonRoot",
                )
            }
        };
        let Some(at) = scope.field(ctx.pod, key) else {
            continue;
        };
        out.push(
            ctx.report(
                &CHECK,
                message,
                Some(c.name),
                at.span(),
                scope.path(ctx.pod, key),
            )
            .related("runAsNonRoot: true", nonroot_at.span()),
        );
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::CHECK;
    use crate::testing::check;

    #[test]
    fn root_uid_and_image_users() {
        let yaml = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  securityContext: {runAsNonRoot: true, runAsUser: 0}\n  containers:\n  - name: a\n  - name: b\n    securityContext: {runAsUser: 1000}\n  - name: c\n    securityContext: {runAsNonRoot: false}\n";
        check(
            &CHECK,
            yaml,
            expect![[r#"
            5:52 spec.securityContext.runAsUser container "a" has runAsNonRoot (from the pod) and runAsUser 0: the kubelet refuses to start it with "container's runAsUser breaks non-root policy"
        "#]],
        );
        let yaml = "# podsec: --image-user root= --image-user named=nginx:www --image-user ok=101\napiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  securityContext: {runAsNonRoot: true}\n  containers: [{name: root}, {name: named}, {name: ok}, {name: unknown}]\n";
        check(
            &CHECK,
            yaml,
            expect![[r#"
            6:35 spec.securityContext.runAsNonRoot container "root" has runAsNonRoot (from the pod) and no runAsUser, and its image user fails the check: the kubelet refuses to start it with "container has runAsNonRoot and image will run as root"
            6:35 spec.securityContext.runAsNonRoot container "named" has runAsNonRoot (from the pod) and no runAsUser, and its image user fails the check: the kubelet refuses to start it with "container has runAsNonRoot and image has non-numeric user (nginx), cannot verify user is non-root"
        "#]],
        );
    }

    /// Values set on the container itself, and an image uid the kubelet cannot take.
    #[test]
    fn container_values_and_invalid_image_uid() {
        let yaml = "# podsec: --image-user big=4294967296 --image-user zero=0\napiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  securityContext: {runAsGroup: 1000}\n  containers:\n  - name: a\n    securityContext: {runAsNonRoot: true, runAsUser: 0}\n  - name: big\n    securityContext: {runAsNonRoot: true}\n  - name: zero\n    securityContext: {runAsNonRoot: true}\n  - name: c\n    securityContext: {runAsNonRoot: true}\n";
        check(
            &CHECK,
            yaml,
            expect![[r#"
            9:54 spec.containers[0].securityContext.runAsUser container "a" has runAsNonRoot and runAsUser 0: the kubelet refuses to start it with "container's runAsUser breaks non-root policy"
            11:37 spec.containers[1].securityContext.runAsNonRoot container "big" has runAsNonRoot and no runAsUser, and its image user fails the check: the kubelet refuses to start it with "container has runAsNonRoot and image has an invalid user id (4294967296). (Must be 1-(2147483647))"
            13:37 spec.containers[2].securityContext.runAsNonRoot container "zero" has runAsNonRoot and no runAsUser, and its image user fails the check: the kubelet refuses to start it with "container has runAsNonRoot and image will run as root"
        "#]],
        );
    }
}
