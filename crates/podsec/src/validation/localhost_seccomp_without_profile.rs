//! `localhost-seccomp-without-profile`: a `Localhost` seccomp profile with an empty
//! `localhostProfile` (K-2).

use crate::effective::inherited;
use crate::fix::FixAvailability;
use crate::model::{FindingLevel, Source};
use crate::rule::{Check, Docs, Findings, Rule};
use crate::yaml::Node;

use super::Ctx;

pub(super) const CHECK: Check = Check {
    id: "localhost-seccomp-without-profile",
    level: FindingLevel::Refused,
    summary: "seccompProfile type Localhost with localhostProfile: \"\"",
    default_on: true,
    fix: FixAvailability::None,
    docs: Docs {
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
    },
};

pub(super) const RULE: Rule = Rule { check: &CHECK, run };

fn is_map(n: Node<'_>) -> bool {
    n.is_map()
}

fn run(ctx: &Ctx<'_, '_>, out: &mut Findings<'_>) {
    for (_, c) in ctx.containers() {
        let Some(f) = inherited(ctx.pod, c, "seccompProfile", is_map) else {
            continue;
        };
        if f.value.field("type").and_then(Node::as_str) != Some("Localhost") {
            continue;
        }
        let Some(local) = f.value.get("localhostProfile") else {
            continue;
        };
        if local.as_str() != Some("") {
            continue;
        }
        let (path, whose) = match f.source {
            Source::Pod => (
                ctx.pod.sc_path("seccompProfile.localhostProfile"),
                " (from the pod)",
            ),
            _ => (c.sc_path("seccompProfile.localhostProfile"), ""),
        };
        out.push(ctx.report(&CHECK, format!("container \"{}\" has a Localhost seccomp profile{whose} with an empty localhostProfile: the kubelet refuses to start it with \"localhostProfile must be set if seccompProfile type is Localhost.\"", c.name),
            Some(&c.name),
            local.span(),
            path,
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
}
