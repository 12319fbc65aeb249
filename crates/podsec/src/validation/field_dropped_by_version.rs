//! `field-dropped-by-version`: a field written in the text that the API server of the Kubernetes
//! version modelled drops when it creates the pod, because its feature gate is off by default there
//! or its API has no such field yet (`crate::versions`).

use crate::fix::FixAvailability;
use crate::model::FindingLevel;
use crate::rule::{Check, Docs, Findings, Rule};
use crate::versions::{self, Gate};
use crate::yaml::Node;

use super::{Ctx, go};

pub(super) const CHECK: Check = Check {
    id: "field-dropped-by-version",
    level: FindingLevel::Warning,
    summary: "a security field the cluster's version drops before admission",
    default_on: true,
    fix: FixAvailability::None,
    docs: crate::rule::docs!(Docs {
        what: "With a Kubernetes version (`--kube-version 1.N`), flags each field of the text that an API server of that version with default feature gates never stores:
- a container's `procMount` (`ProcMountType`, on by default from 1.33; before, any value is reset to `Default`);
- `spec.hostUsers` (`UserNamespacesSupport`, from 1.33; no field before 1.25);
- `securityContext.supplementalGroupsPolicy` (`SupplementalGroupsPolicy`, from 1.33; no field before 1.31);
- `securityContext.seLinuxChangePolicy` (`SELinuxChangePolicy`, from 1.33; no field before 1.32);
- `appArmorProfile` of the pod or a container (no field before 1.30);
- `spec.os` (`IdentifyPodOS`, from 1.24; no field before 1.23).",
        why: "The manifest reads as if the setting applied, but the pod runs without it: `hostUsers: false` on a 1.32 cluster still shares the host's user namespace, and `procMount: Unmasked` is silently `Default`.
Pod Security Admission, validation and the effective view all judge the pod without the field, as the cluster does.",
        example: "# podsec: --kube 1.32
apiVersion: v1
kind: Pod
metadata:
  name: app
spec:
  hostUsers: false
  containers:
    - name: app
      image: example/app:1.0
",
        use_instead: "# podsec: --kube 1.33
apiVersion: v1
kind: Pod
metadata:
  name: app
spec:
  hostUsers: false
  containers:
    - name: app
      image: example/app:1.0
",
        fix_safety: "No automatic fix: either turn the feature gate on in the cluster, or stop relying on the field there.",
        policy: "Follows the version modelled; silent at the newest version. Every gate and its default per release is in docs/versions.md.",
        references: &[
            "https://kubernetes.io/docs/reference/command-line-tools-reference/feature-gates/",
            "https://github.com/kubernetes/kubernetes/blob/master/pkg/api/pod/util.go",
        ],
    }),
};

pub(super) const RULE: Rule = Rule { check: &CHECK, run };

fn run(ctx: &Ctx<'_, '_>, out: &mut Findings<'_>) {
    let pod = ctx.pod;
    let kube = ctx.kube();
    let mut warn = |gate: &Gate,
                    found: Option<(Node<'_>, Node<'_>)>,
                    path: String,
                    container: Option<&str>| {
        let (Some((key, value)), Some(why)) = (found, gate.dropped_note(kube)) else {
            return;
        };
        if value.is_null() {
            return;
        }
        // A mapping (`os: {name: linux}`) is named by its path alone; a scalar shows its value.
        let written = if value.is_map() {
            format!("{path} is written")
        } else {
            format!("{path}: {} is written", go(value))
        };
        out.push(ctx.report(
            &CHECK,
            format!("{written}, but {why}"),
            container,
            key.span(),
            path,
        ));
    };
    let pod_sc = pod.security_context();
    for (gate, key) in [
        (
            &versions::SUPPLEMENTAL_GROUPS_POLICY,
            "supplementalGroupsPolicy",
        ),
        (&versions::SELINUX_CHANGE_POLICY, "seLinuxChangePolicy"),
        (&versions::APPARMOR_FIELDS, "appArmorProfile"),
    ] {
        warn(
            gate,
            pod_sc.and_then(|sc| sc.get_entry(key)),
            pod.sc_path(key),
            None,
        );
    }
    for (gate, key) in [
        (&versions::USER_NAMESPACES_SUPPORT, "hostUsers"),
        (&versions::IDENTIFY_POD_OS, "os"),
    ] {
        warn(
            gate,
            pod.spec.get_entry(key),
            format!("{}.{key}", pod.path),
            None,
        );
    }
    for c in &pod.containers {
        let sc = c.security_context();
        for (gate, key) in [
            (&versions::PROC_MOUNT_TYPE, "procMount"),
            (&versions::APPARMOR_FIELDS, "appArmorProfile"),
        ] {
            warn(
                gate,
                sc.and_then(|sc| sc.get_entry(key)),
                c.sc_path(key),
                Some(c.name),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::CHECK;
    use crate::testing::check;

    const POD: &str = "apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  hostUsers: false
  os: {name: linux}
  securityContext:
    supplementalGroupsPolicy: Strict
    appArmorProfile: {type: RuntimeDefault}
  containers:
  - name: a
    securityContext:
      procMount: Unmasked
";

    /// hostUsers, os, supplementalGroupsPolicy, appArmorProfile and procMount, each dropped until
    /// the release whose API server keeps it (os from 1.24, appArmorProfile from 1.30, the others
    /// from 1.33).
    #[test]
    fn by_version() {
        check(
            &CHECK,
            &format!("# podsec: --kube 1.22\n{POD}"),
            expect![[r#"
                6:3 spec.hostUsers spec.hostUsers: false is written, but a 1.22 API server drops it as an unknown field: the field does not exist before 1.25, and the UserNamespacesSupport feature gate is on by default from 1.33
                7:3 spec.os spec.os is written, but a 1.22 API server drops it as an unknown field: the field does not exist before 1.23, and the IdentifyPodOS feature gate is on by default from 1.24
                9:5 spec.securityContext.supplementalGroupsPolicy spec.securityContext.supplementalGroupsPolicy: "Strict" is written, but a 1.22 API server drops it as an unknown field: the field does not exist before 1.31, and the SupplementalGroupsPolicy feature gate is on by default from 1.33
                10:5 spec.securityContext.appArmorProfile spec.securityContext.appArmorProfile is written, but a 1.22 API server drops it as an unknown field: the field does not exist before 1.30
                14:7 spec.containers[0].securityContext.procMount spec.containers[0].securityContext.procMount: "Unmasked" is written, but a 1.22 API server resets it to Default when it creates the pod: the ProcMountType feature gate is alpha and off by default in 1.22 (on from 1.33)
            "#]],
        );
        check(
            &CHECK,
            &format!("# podsec: --kube 1.23\n{POD}"),
            expect![[r#"
                6:3 spec.hostUsers spec.hostUsers: false is written, but a 1.23 API server drops it as an unknown field: the field does not exist before 1.25, and the UserNamespacesSupport feature gate is on by default from 1.33
                7:3 spec.os spec.os is written, but a 1.23 API server drops it when it creates the pod: the IdentifyPodOS feature gate is alpha and off by default in 1.23 (on from 1.24)
                9:5 spec.securityContext.supplementalGroupsPolicy spec.securityContext.supplementalGroupsPolicy: "Strict" is written, but a 1.23 API server drops it as an unknown field: the field does not exist before 1.31, and the SupplementalGroupsPolicy feature gate is on by default from 1.33
                10:5 spec.securityContext.appArmorProfile spec.securityContext.appArmorProfile is written, but a 1.23 API server drops it as an unknown field: the field does not exist before 1.30
                14:7 spec.containers[0].securityContext.procMount spec.containers[0].securityContext.procMount: "Unmasked" is written, but a 1.23 API server resets it to Default when it creates the pod: the ProcMountType feature gate is alpha and off by default in 1.23 (on from 1.33)
            "#]],
        );
        check(
            &CHECK,
            &format!("# podsec: --kube 1.24\n{POD}"),
            expect![[r#"
                6:3 spec.hostUsers spec.hostUsers: false is written, but a 1.24 API server drops it as an unknown field: the field does not exist before 1.25, and the UserNamespacesSupport feature gate is on by default from 1.33
                9:5 spec.securityContext.supplementalGroupsPolicy spec.securityContext.supplementalGroupsPolicy: "Strict" is written, but a 1.24 API server drops it as an unknown field: the field does not exist before 1.31, and the SupplementalGroupsPolicy feature gate is on by default from 1.33
                10:5 spec.securityContext.appArmorProfile spec.securityContext.appArmorProfile is written, but a 1.24 API server drops it as an unknown field: the field does not exist before 1.30
                14:7 spec.containers[0].securityContext.procMount spec.containers[0].securityContext.procMount: "Unmasked" is written, but a 1.24 API server resets it to Default when it creates the pod: the ProcMountType feature gate is alpha and off by default in 1.24 (on from 1.33)
            "#]],
        );
        check(
            &CHECK,
            &format!("# podsec: --kube 1.29\n{POD}"),
            expect![[r#"
                6:3 spec.hostUsers spec.hostUsers: false is written, but a 1.29 API server drops it when it creates the pod: the UserNamespacesSupport feature gate is alpha and off by default in 1.29 (on from 1.33)
                9:5 spec.securityContext.supplementalGroupsPolicy spec.securityContext.supplementalGroupsPolicy: "Strict" is written, but a 1.29 API server drops it as an unknown field: the field does not exist before 1.31, and the SupplementalGroupsPolicy feature gate is on by default from 1.33
                10:5 spec.securityContext.appArmorProfile spec.securityContext.appArmorProfile is written, but a 1.29 API server drops it as an unknown field: the field does not exist before 1.30
                14:7 spec.containers[0].securityContext.procMount spec.containers[0].securityContext.procMount: "Unmasked" is written, but a 1.29 API server resets it to Default when it creates the pod: the ProcMountType feature gate is alpha and off by default in 1.29 (on from 1.33)
            "#]],
        );
        check(
            &CHECK,
            &format!("# podsec: --kube 1.30\n{POD}"),
            expect![[r#"
                6:3 spec.hostUsers spec.hostUsers: false is written, but a 1.30 API server drops it when it creates the pod: the UserNamespacesSupport feature gate is beta and off by default in 1.30 (on from 1.33)
                9:5 spec.securityContext.supplementalGroupsPolicy spec.securityContext.supplementalGroupsPolicy: "Strict" is written, but a 1.30 API server drops it as an unknown field: the field does not exist before 1.31, and the SupplementalGroupsPolicy feature gate is on by default from 1.33
                14:7 spec.containers[0].securityContext.procMount spec.containers[0].securityContext.procMount: "Unmasked" is written, but a 1.30 API server resets it to Default when it creates the pod: the ProcMountType feature gate is alpha and off by default in 1.30 (on from 1.33)
            "#]],
        );
        check(
            &CHECK,
            &format!("# podsec: --kube 1.32\n{POD}"),
            expect![[r#"
                6:3 spec.hostUsers spec.hostUsers: false is written, but a 1.32 API server drops it when it creates the pod: the UserNamespacesSupport feature gate is beta and off by default in 1.32 (on from 1.33)
                9:5 spec.securityContext.supplementalGroupsPolicy spec.securityContext.supplementalGroupsPolicy: "Strict" is written, but a 1.32 API server drops it when it creates the pod: the SupplementalGroupsPolicy feature gate is alpha and off by default in 1.32 (on from 1.33)
                14:7 spec.containers[0].securityContext.procMount spec.containers[0].securityContext.procMount: "Unmasked" is written, but a 1.32 API server resets it to Default when it creates the pod: the ProcMountType feature gate is beta and off by default in 1.32 (on from 1.33)
            "#]],
        );
        check(
            &CHECK,
            &format!("# podsec: --kube 1.33\n{POD}"),
            expect![[""]],
        );
        check(
            &CHECK,
            &format!("# podsec: --kube 1.37\n{POD}"),
            expect![[""]],
        );
    }
}
