//! `deprecated-apparmor-annotation`: a legacy AppArmor annotation (1.30+).

use crate::effective::{APPARMOR_PREFIX, apparmor_annotation};
use crate::fix::{Fix, FixAvailability};
use crate::model::FindingLevel;
use crate::rule::{Check, Docs, Findings, Rule};

use super::Ctx;

pub(super) const CHECK: Check = Check {
    id: "deprecated-apparmor-annotation",
    level: FindingLevel::Warning,
    summary: "an AppArmor annotation used instead of the appArmorProfile field",
    default_on: true,
    fix: FixAvailability::Sometimes,
    docs: crate::rule::docs!(Docs {
        what: "From Kubernetes 1.30, flags `container.apparmor.security.beta.kubernetes.io/<name>` annotations for containers that have no `appArmorProfile` of their own and whose pod sets none either, as the API server's warning does: `deprecated since v1.30; use the \"appArmorProfile\" field instead`.",
        why: "The annotation still works (the API server converts it into the field on create), but it is deprecated, pod templates keep it unconverted, and mixing it with the fields invites mismatches the API server refuses.",
        example: "apiVersion: v1
kind: Pod
metadata:
  name: app
  annotations:
    container.apparmor.security.beta.kubernetes.io/app: runtime/default
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
  containers:
    - name: app
      image: example/app:1.0
      securityContext:
        appArmorProfile:
          type: RuntimeDefault
",
        fix_safety: "The fix writes the same profile into the container's `appArmorProfile` and removes the annotation: from 1.30 the kubelet applies exactly the same profile, so it is safe.",
        policy: "Warned from Kubernetes 1.30, when the fields appeared; before that the annotation is the only way to ask for a profile.",
        references: &[
            "https://kubernetes.io/docs/tutorials/security/apparmor/",
            "https://github.com/kubernetes/kubernetes/pull/131989",
        ],
    }),
};

pub(super) const RULE: Rule = Rule { check: &CHECK, run };

fn run(ctx: &Ctx<'_, '_>, out: &mut Findings<'_>) {
    if ctx.kube() < 30 || ctx.pod.is_windows() {
        return;
    }
    let pod_field = ctx.pod.sc("appArmorProfile").is_some();
    for (key, node) in ctx.pod.annotations() {
        let Some(name) = key.strip_prefix(APPARMOR_PREFIX) else {
            continue;
        };
        let Some(c) = ctx.pod.containers.iter().find(|c| c.name == name) else {
            continue;
        };
        if pod_field || c.sc("appArmorProfile").is_some() {
            continue;
        }
        let path = ctx.annotation_path(key);
        let mut f = ctx.report(
            &CHECK,
            format!("{path}: deprecated since v1.30; use the \"appArmorProfile\" field instead"),
            Some(c.name),
            node.span(),
            path,
        );
        if let Some(profile) = node.text().and_then(apparmor_annotation) {
            let kind = profile.0;
            f = f.with_fix(Fix::safe(
                format!("set appArmorProfile.type: {kind} and remove the annotation"),
                ctx.annotation_to_field(key, &c.sc_path("appArmorProfile"), profile),
            ));
        }
        out.push(f);
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::CHECK;
    use crate::testing::check_from;

    #[test]
    fn from_1_30() {
        let yaml = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations:\n    container.apparmor.security.beta.kubernetes.io/a: localhost/k8s\n    container.apparmor.security.beta.kubernetes.io/b: runtime/default\nspec:\n  containers:\n  - name: a\n  - name: b\n    securityContext:\n      appArmorProfile: {type: RuntimeDefault}\n";
        check_from(
            &CHECK,
            30,
            yaml,
            expect![[r#"
            7:55 metadata.annotations[container.apparmor.security.beta.kubernetes.io/a] metadata.annotations[container.apparmor.security.beta.kubernetes.io/a]: deprecated since v1.30; use the "appArmorProfile" field instead [fix: set appArmorProfile.type: Localhost and remove the annotation (safe)]
        "#]],
        );
    }
}
