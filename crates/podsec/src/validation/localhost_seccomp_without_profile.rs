//! `localhost-seccomp-without-profile`: a `Localhost` seccomp profile with an empty
//! `localhostProfile` (K-2).

use crate::fix::FixAvailability;
use crate::model::FindingLevel;
use crate::rule::{Check, Docs, Findings, Rule};

use super::{Ctx, Scope, object_str};

pub(super) const CHECK: Check = Check {
    id: "localhost-seccomp-without-profile",
    level: FindingLevel::Refused,
    summary: "seccompProfile type Localhost with localhostProfile: \"\"",
    default_on: true,
    fix: FixAvailability::None,
    docs: crate::rule::docs!(Docs {
        what: "Flags a container whose effective seccomp profile (its own, else the pod's) is `type: Localhost` with `localhostProfile: \"\"`.
The API server accepts the empty string; the kubelet refuses to create the container with `localhostProfile must be set if seccompProfile type is Localhost.`",
        why: "An empty profile name points at the kubelet's seccomp directory itself, which is not a profile; the container never starts (`CreateContainerConfigError`).",
        example: "apiVersion: v1
kind: Pod
metadata:
  name: app
spec:
  securityContext:
    seccompProfile:
      type: Localhost
      localhostProfile: \"\"
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
    seccompProfile:
      type: Localhost
      localhostProfile: profiles/app.json
  containers:
    - name: app
      image: example/app:1.0
",
        fix_safety: "No automatic fix: name the profile file, or use `RuntimeDefault`.",
        policy: "Kubelet behaviour since the fields appeared in Kubernetes 1.19.",
        references: &[
            "https://kubernetes.io/docs/tutorials/security/seccomp/",
            "https://github.com/kubernetes/kubernetes/blob/master/pkg/kubelet/kuberuntime/helpers.go",
        ],
    }),
};

pub(super) const RULE: Rule = Rule { check: &CHECK, run };

fn run(ctx: &Ctx<'_, '_>, out: &mut Findings<'_>) {
    for (i, c) in ctx.containers() {
        let Some(e) = ctx.effective_field(i, crate::effective::Field::SeccompProfile) else {
            continue;
        };
        // Only a profile written in a security context: an annotation names no empty file.
        let Some(scope) = Scope::of(e.source, c) else {
            continue;
        };
        if object_str(&e.value, "type") != Some("Localhost")
            || object_str(&e.value, "localhostProfile") != Some("")
        {
            continue;
        }
        let Some(local) = scope
            .field(ctx.pod, "seccompProfile")
            .and_then(|p| p.get("localhostProfile"))
        else {
            continue;
        };
        let whose = if matches!(scope, Scope::Pod) {
            " (from the pod)"
        } else {
            ""
        };
        out.push(ctx.report(&CHECK, format!("container \"{}\" has a Localhost seccomp profile{whose} with an empty localhostProfile: the kubelet refuses to start it with \"localhostProfile must be set if seccompProfile type is Localhost.\"", c.name),
            Some(c.name),
            local.span(),
            scope.path(ctx.pod, "seccompProfile.localhostProfile"),
        ));
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::CHECK;
    use crate::testing::check;

    #[test]
    fn empty_profile() {
        let yaml = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  securityContext:\n    seccompProfile: {type: Localhost, localhostProfile: \"\"}\n  containers:\n  - name: a\n  - name: b\n    securityContext:\n      seccompProfile: {type: RuntimeDefault}\n";
        check(
            &CHECK,
            yaml,
            expect![[r#"
            6:57 spec.securityContext.seccompProfile.localhostProfile container "a" has a Localhost seccomp profile (from the pod) with an empty localhostProfile: the kubelet refuses to start it with "localhostProfile must be set if seccompProfile type is Localhost."
        "#]],
        );
    }

    /// Only a profile written in a security context; the container's own field wins over the
    /// pod's.
    #[test]
    fn container_field_and_annotations() {
        let yaml = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations:\n    container.seccomp.security.alpha.kubernetes.io/b: localhost/\nspec:\n  securityContext:\n    seccompProfile: {type: RuntimeDefault}\n  containers:\n  - name: a\n    securityContext:\n      seccompProfile: {type: Localhost, localhostProfile: ''}\n  - name: b\n  - name: c\n    securityContext:\n      seccompProfile: {type: Localhost}\n";
        check(
            &CHECK,
            yaml,
            expect![[r#"
            13:59 spec.containers[0].securityContext.seccompProfile.localhostProfile container "a" has a Localhost seccomp profile with an empty localhostProfile: the kubelet refuses to start it with "localhostProfile must be set if seccompProfile type is Localhost."
        "#]],
        );
        check(
            &CHECK,
            &format!("# podsec: --kube 1.26\n{yaml}"),
            expect![[r#"
            14:59 spec.containers[0].securityContext.seccompProfile.localhostProfile container "a" has a Localhost seccomp profile with an empty localhostProfile: the kubelet refuses to start it with "localhostProfile must be set if seccompProfile type is Localhost."
        "#]],
        );
    }

    /// Up to 1.26 a container's legacy annotation comes before the pod's field, as the kubelet
    /// reads them (`getSeccompProfile`), so the pod's empty profile does not reach that container.
    #[test]
    fn container_annotation_before_pod_field() {
        let yaml = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations:\n    container.seccomp.security.alpha.kubernetes.io/a: runtime/default\nspec:\n  securityContext:\n    seccompProfile: {type: Localhost, localhostProfile: ''}\n  containers:\n  - name: a\n  - name: b\n";
        check(
            &CHECK,
            &format!("# podsec: --kube 1.26\n{yaml}"),
            expect![[r#"
            10:57 spec.securityContext.seccompProfile.localhostProfile container "b" has a Localhost seccomp profile (from the pod) with an empty localhostProfile: the kubelet refuses to start it with "localhostProfile must be set if seccompProfile type is Localhost."
        "#]],
        );
        check(
            &CHECK,
            &format!("# podsec: --kube 1.27\n{yaml}"),
            expect![[r#"
            10:57 spec.securityContext.seccompProfile.localhostProfile container "a" has a Localhost seccomp profile (from the pod) with an empty localhostProfile: the kubelet refuses to start it with "localhostProfile must be set if seccompProfile type is Localhost."
            10:57 spec.securityContext.seccompProfile.localhostProfile container "b" has a Localhost seccomp profile (from the pod) with an empty localhostProfile: the kubelet refuses to start it with "localhostProfile must be set if seccompProfile type is Localhost."
        "#]],
        );
    }
}
