//! `apparmor-on-node-without-apparmor`: an AppArmor profile other than `Unconfined` for a node
//! without AppArmor (K-3).

use crate::effective::APPARMOR_PREFIX;
use crate::fix::FixAvailability;
use crate::model::{FindingLevel, Source};
use crate::rule::{Check, Docs, Findings, Rule};

use super::{Ctx, object_str};

pub(super) const CHECK: Check = Check {
    id: "apparmor-on-node-without-apparmor",
    level: FindingLevel::Refused,
    summary: "an AppArmor profile requested for a node without AppArmor",
    default_on: true,
    fix: FixAvailability::None,
    docs: crate::rule::docs!(Docs {
        what: "When the options say the node has no AppArmor (`apparmor_enabled: false`), flags each container whose effective AppArmor profile (its field, its legacy annotation, or the pod's field) is anything but `Unconfined`.
The kubelet refuses such a pod at admission: `Cannot enforce AppArmor: AppArmor is not enabled on the host`.",
        why: "Many distributions (RHEL and its derivatives, some Flatcar and kind nodes) run without AppArmor.
A manifest written for Ubuntu nodes that asks for `RuntimeDefault` explicitly then fails on them, although leaving the field unset would have run.
The example below triggers only with AppArmor turned off in the options (`--no-apparmor`).",
        example: "# podsec: --no-apparmor
apiVersion: v1
kind: Pod
metadata:
  name: app
spec:
  securityContext:
    appArmorProfile:
      type: RuntimeDefault
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
        fix_safety: "No automatic fix: schedule the pod on nodes with AppArmor, or leave the profile unset where it is not available.",
        policy: "From Kubernetes 1.31 the pod is rejected outright (`Failed`); up to 1.30 the rejection is soft and the pod stays `Pending` with its containers `Blocked` (kubernetes/kubernetes#125776).",
        references: &[
            "https://kubernetes.io/docs/tutorials/security/apparmor/",
            "https://github.com/kubernetes/kubernetes/pull/125776",
        ],
    }),
};

pub(super) const RULE: Rule = Rule { check: &CHECK, run };

fn run(ctx: &Ctx<'_, '_>, out: &mut Findings<'_>) {
    if ctx.options.apparmor_enabled || ctx.pod.is_windows() {
        return;
    }
    for (i, c) in ctx.containers() {
        let Some(e) = ctx.effective_field(i, crate::effective::Field::AppArmorProfile) else {
            continue;
        };
        let Some(kind) = object_str(&e.value, "type").filter(|k| *k != "Unconfined") else {
            continue;
        };
        let key = format!("{APPARMOR_PREFIX}{}", c.name);
        let (at, path) = match e.source {
            Source::Container => (c.sc("appArmorProfile"), c.sc_path("appArmorProfile")),
            Source::Pod => (
                ctx.pod.sc("appArmorProfile"),
                ctx.pod.sc_path("appArmorProfile"),
            ),
            Source::Annotation => (
                ctx.pod.annotation(&key).map(|(_, n)| n),
                ctx.annotation_path(&key),
            ),
            _ => continue,
        };
        let Some(at) = at else { continue };
        let outcome = if ctx.kube() >= 31 {
            "refuses the pod"
        } else {
            "blocks the pod (it stays Pending)"
        };
        out.push(ctx.report(&CHECK, format!("container \"{}\" asks for AppArmor profile {kind} on a node without AppArmor: the kubelet {outcome} with \"Cannot enforce AppArmor: AppArmor is not enabled on the host\"", c.name),
            Some(c.name),
            at.span(),
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
    fn only_without_apparmor() {
        let yaml = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations:\n    container.apparmor.security.beta.kubernetes.io/b: localhost/x\nspec:\n  containers:\n  - name: a\n    securityContext:\n      appArmorProfile: {type: RuntimeDefault}\n  - name: b\n  - name: c\n    securityContext:\n      appArmorProfile: {type: Unconfined}\n  - name: d\n";
        check(&CHECK, yaml, expect![[""]]);
        check(
            &CHECK,
            &format!("# podsec: --kube 1.31 --no-apparmor\n{yaml}"),
            expect![[r#"
            7:55 metadata.annotations[container.apparmor.security.beta.kubernetes.io/b] container "b" asks for AppArmor profile Localhost on a node without AppArmor: the kubelet refuses the pod with "Cannot enforce AppArmor: AppArmor is not enabled on the host"
            12:24 spec.containers[0].securityContext.appArmorProfile container "a" asks for AppArmor profile RuntimeDefault on a node without AppArmor: the kubelet refuses the pod with "Cannot enforce AppArmor: AppArmor is not enabled on the host"
        "#]],
        );
        check(
            &CHECK,
            &format!("# podsec: --kube 1.30 --no-apparmor\n{yaml}"),
            expect![[r#"
            7:55 metadata.annotations[container.apparmor.security.beta.kubernetes.io/b] container "b" asks for AppArmor profile Localhost on a node without AppArmor: the kubelet blocks the pod (it stays Pending) with "Cannot enforce AppArmor: AppArmor is not enabled on the host"
            12:24 spec.containers[0].securityContext.appArmorProfile container "a" asks for AppArmor profile RuntimeDefault on a node without AppArmor: the kubelet blocks the pod (it stays Pending) with "Cannot enforce AppArmor: AppArmor is not enabled on the host"
        "#]],
        );
        check(
            &CHECK,
            &format!("# podsec: --kube 1.29 --no-apparmor\n{yaml}"),
            expect![[r#"
            7:55 metadata.annotations[container.apparmor.security.beta.kubernetes.io/b] container "b" asks for AppArmor profile Localhost on a node without AppArmor: the kubelet blocks the pod (it stays Pending) with "Cannot enforce AppArmor: AppArmor is not enabled on the host"
        "#]],
        );
    }
}
