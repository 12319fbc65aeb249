//! `deprecated-seccomp-annotation`: a legacy seccomp annotation without the matching field; inert
//! from Kubernetes 1.27.

use crate::effective::{SECCOMP_POD, SECCOMP_PREFIX, seccomp_annotation};
use crate::fix::{Fix, FixAvailability};
use crate::model::FindingLevel;
use crate::rule::{Check, Docs, Findings, Rule};

use super::Ctx;

pub(super) const CHECK: Check = Check {
    id: "deprecated-seccomp-annotation",
    level: FindingLevel::Warning,
    summary: "a seccomp annotation used instead of the seccompProfile field",
    default_on: true,
    fix: FixAvailability::Sometimes,
    docs: crate::rule::docs!(Docs {
        what: "Flags `seccomp.security.alpha.kubernetes.io/pod` when the pod has no `securityContext.seccompProfile`, and `container.seccomp.security.alpha.kubernetes.io/<name>` when that container has no `seccompProfile`, as the API server's own warning does.",
        why: "From Kubernetes 1.27 these annotations do nothing at all: a pod that relies on them runs with no seccomp filter (or the kubelet default) while its manifest looks confined.
From 1.25 they only worked because the API server copied them into the fields on create, and never for static pods.",
        example: "apiVersion: v1
kind: Pod
metadata:
  name: app
  annotations:
    seccomp.security.alpha.kubernetes.io/pod: runtime/default
spec:
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
      type: RuntimeDefault
  containers:
    - name: app
      image: example/app:1.0
",
        fix_safety: "The fix writes the field the annotation asks for and removes the annotation.
Up to 1.26 that changes nothing; from 1.27 it turns on a profile that was silently ignored, so a syscall the profile blocks starts failing: it is unsafe.",
        policy: "Kubernetes 1.19–1.26: `deprecated since v1.19, non-functional in a future release` (wording from older releases, not confirmed from source); 1.27 and later: `non-functional in v1.27+; use the \"seccompProfile\" field instead` (kubernetes/kubernetes#114947).",
        references: &[
            "https://github.com/kubernetes/kubernetes/pull/114947",
            "https://kubernetes.io/docs/tutorials/security/seccomp/",
        ],
    }),
};

pub(super) const RULE: Rule = Rule { check: &CHECK, run };

fn run(ctx: &Ctx<'_, '_>, out: &mut Findings<'_>) {
    let warning = if ctx.kube() >= 27 {
        "non-functional in v1.27+; use the \"seccompProfile\" field instead"
    } else {
        "deprecated since v1.19, non-functional in a future release; use the \"seccompProfile\" field instead"
    };
    for (key, node) in ctx.pod.annotations() {
        let (field_set, sc_path, container) = if key == SECCOMP_POD {
            (
                ctx.pod.sc("seccompProfile").is_some(),
                ctx.pod.sc_path("seccompProfile"),
                None,
            )
        } else if let Some(name) = key.strip_prefix(SECCOMP_PREFIX) {
            let Some(c) = ctx.pod.containers.iter().find(|c| c.name == name) else {
                continue;
            };
            (
                c.sc("seccompProfile").is_some(),
                c.sc_path("seccompProfile"),
                Some(c.name),
            )
        } else {
            continue;
        };
        if field_set {
            continue;
        }
        let path = ctx.annotation_path(key);
        let mut f = ctx.report(
            &CHECK,
            format!("{path}: {warning}"),
            container,
            node.span(),
            path,
        );
        if let Some(profile) = node.text().and_then(seccomp_annotation) {
            let kind = profile.0;
            f = f.with_fix(Fix::unsafe_(
                format!("set seccompProfile.type: {kind} and remove the annotation"),
                "from 1.27 the annotation was ignored, so the profile starts applying: syscalls it blocks will fail",
                ctx.annotation_to_field(key, &sc_path, profile),
            ));
        }
        out.push(f);
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::CHECK;
    use crate::testing::check;
    use crate::validation::tests::kube;

    const POD: &str = "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: j}\nspec:\n  jobTemplate:\n    spec:\n      template:\n        metadata:\n          annotations:\n            seccomp.security.alpha.kubernetes.io/pod: runtime/default\n            container.seccomp.security.alpha.kubernetes.io/a: unconfined\n        spec:\n          containers:\n          - name: a\n            securityContext:\n              seccompProfile: {type: Unconfined}\n";

    #[test]
    fn wording_by_version() {
        check(
            &CHECK,
            &format!("# podsec: --kube 1.27\n{POD}"),
            expect![[r#"
            11:55 spec.jobTemplate.spec.template.metadata.annotations[seccomp.security.alpha.kubernetes.io/pod] spec.jobTemplate.spec.template.metadata.annotations[seccomp.security.alpha.kubernetes.io/pod]: non-functional in v1.27+; use the "seccompProfile" field instead [fix: set seccompProfile.type: RuntimeDefault and remove the annotation (unsafe)]
        "#]],
        );
        check(
            &CHECK,
            &format!("# podsec: --kube 1.26\n{POD}"),
            expect![[r#"
            11:55 spec.jobTemplate.spec.template.metadata.annotations[seccomp.security.alpha.kubernetes.io/pod] spec.jobTemplate.spec.template.metadata.annotations[seccomp.security.alpha.kubernetes.io/pod]: deprecated since v1.19, non-functional in a future release; use the "seccompProfile" field instead [fix: set seccompProfile.type: RuntimeDefault and remove the annotation (unsafe)]
        "#]],
        );
    }

    #[test]
    fn fix_writes_the_field() {
        let f = crate::validation::tests::findings(POD, &kube(36));
        let Some(fix) = f
            .iter()
            .find(|f| f.check == "deprecated-seccomp-annotation")
            .and_then(|f| f.fix.clone())
        else {
            panic!("no fix")
        };
        let paths: Vec<String> = fix.patches.iter().map(|p| p.path().to_string()).collect();
        assert_eq!(
            paths,
            [
                "spec.jobTemplate.spec.template.spec.securityContext.seccompProfile",
                "spec.jobTemplate.spec.template.metadata.annotations[\"seccomp.security.alpha.kubernetes.io/pod\"]",
            ]
        );
    }
}
