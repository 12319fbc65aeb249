//! `linux-fields-on-windows-pod`: Linux-only security fields in a pod with
//! `spec.os.name: windows` (V-S3, 1.23+).

use crate::fix::{FieldPath, Fix, FixAvailability, Patch};
use crate::model::FindingLevel;
use crate::rule::{Check, Docs, Findings, Rule};
use crate::yaml::Node;

use super::{Ctx, api};

pub(super) const CHECK: Check = Check {
    id: "linux-fields-on-windows-pod",
    level: FindingLevel::Rejected,
    summary: "a Linux-only security field set in a pod whose spec.os.name is windows",
    default_on: true,
    fix: FixAvailability::Always,
    docs: crate::rule::docs!(Docs {
        what: "Flags, in a pod with `spec.os.name: windows`, each field the API server forbids there (`cannot be set for a windows pod`).
Pod level: `securityContext` `appArmorProfile`, `seLinuxOptions`, `seccompProfile`, `fsGroup`, `fsGroupChangePolicy`, `sysctls` (non-empty), `runAsUser`, `runAsGroup`, `supplementalGroups`, `supplementalGroupsPolicy`, `seLinuxChangePolicy`, and the spec's `hostUsers`, `hostPID: true`, `hostIPC: true`, `shareProcessNamespace`.
Container level: `appArmorProfile`, `seLinuxOptions`, `seccompProfile`, `capabilities`, `readOnlyRootFilesystem`, `privileged`, `allowPrivilegeEscalation`, `procMount`, `runAsUser`, `runAsGroup`.
`runAsNonRoot`, `windowsOptions` and `hostNetwork` are allowed.",
        why: "A Windows node ignores Linux-only settings, so a manifest that sets them looks hardened while nothing is enforced; once `spec.os` says Windows, Kubernetes refuses them instead.",
        example: "apiVersion: v1
kind: Pod
metadata:
  name: win
spec:
  os:
    name: windows
  containers:
    - name: app
      image: example/win:1.0
      securityContext:
        readOnlyRootFilesystem: true
",
        use_instead: "apiVersion: v1
kind: Pod
metadata:
  name: win
spec:
  os:
    name: windows
  containers:
    - name: app
      image: example/win:1.0
      securityContext:
        runAsNonRoot: true
        windowsOptions:
          runAsUserName: ContainerUser
",
        fix_safety: "Removing the field is safe: a Windows node never applies it.",
        policy: "From Kubernetes 1.24, when `spec.os` is set (a 1.23 API server drops `spec.os`: `IdentifyPodOS` alpha, off by default); fields newer than the cluster (`hostUsers` 1.25, `appArmorProfile` 1.30, `supplementalGroupsPolicy` 1.31, `seLinuxChangePolicy` 1.32) are only checked from the release that has them.",
        references: &["https://kubernetes.io/docs/concepts/workloads/pods/#pod-os"],
    }),
};

pub(super) const RULE: Rule = Rule { check: &CHECK, run };

/// Pod security-context fields forbidden on Windows, with the first release that has them.
const POD_SC: &[(&str, u32)] = &[
    ("appArmorProfile", 30),
    ("seLinuxOptions", 0),
    ("seccompProfile", 0),
    ("fsGroup", 0),
    ("fsGroupChangePolicy", 0),
    ("sysctls", 0),
    ("runAsUser", 0),
    ("runAsGroup", 0),
    ("supplementalGroups", 0),
    ("supplementalGroupsPolicy", 31),
    ("seLinuxChangePolicy", 32),
];

/// Container security-context fields forbidden on Windows.
const CONTAINER_SC: &[(&str, u32)] = &[
    ("appArmorProfile", 30),
    ("seLinuxOptions", 0),
    ("seccompProfile", 0),
    ("capabilities", 0),
    ("readOnlyRootFilesystem", 0),
    ("privileged", 0),
    ("allowPrivilegeEscalation", 0),
    ("procMount", 0),
    ("runAsUser", 0),
    ("runAsGroup", 0),
];

fn push(out: &mut Findings<'_>, container: Option<&str>, at: Node<'_>, path: String) {
    out.push(
        CHECK
            .finding(
                api(&path, "Forbidden", "cannot be set for a windows pod"),
                container,
                at.span(),
                path.clone(),
            )
            .with_fix(Fix::safe(
                format!("remove {}", path.rsplit('.').next().unwrap_or("")),
                vec![Patch::Remove {
                    path: FieldPath::parse(&path),
                }],
            )),
    );
}

fn run(ctx: &Ctx<'_, '_>, out: &mut Findings<'_>) {
    let kube = ctx.kube();
    if kube < 23 || ctx.pod.os_name() != Some("windows") {
        return;
    }
    let pod = ctx.pod;
    let sc = pod.security_context();
    let present = |key: &str| -> Option<Node<'_>> {
        let (k, v) = sc?.get_entry(key).filter(|(_, v)| !v.is_null())?;
        if key == "sysctls" && v.items().is_empty() {
            return None;
        }
        Some(k)
    };
    for (key, since) in POD_SC {
        if kube >= *since
            && let Some(k) = present(key)
        {
            push(out, None, k, pod.sc_path(key));
        }
    }
    let spec_field = |key: &str, only_true: bool| -> Option<Node<'_>> {
        let (k, v) = pod.spec.get_entry(key).filter(|(_, v)| !v.is_null())?;
        (!only_true || v.as_bool() == Some(true)).then_some(k)
    };
    for (key, only_true, since) in [
        ("hostUsers", false, 25),
        ("hostPID", true, 0),
        ("hostIPC", true, 0),
        ("shareProcessNamespace", false, 0),
    ] {
        if kube >= since
            && let Some(k) = spec_field(key, only_true)
        {
            push(out, None, k, format!("{}.{key}", pod.path));
        }
    }
    for (_, c) in ctx.containers() {
        let Some(csc) = c.security_context() else {
            continue;
        };
        for (key, since) in CONTAINER_SC {
            if kube >= *since
                && let Some((k, _)) = csc.get_entry(key).filter(|(_, v)| !v.is_null())
            {
                push(out, Some(c.name), k, c.sc_path(key));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::CHECK;
    use crate::testing::check;

    #[test]
    fn every_field_in_its_version() {
        let yaml = r#"
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  os: {name: windows}
  hostUsers: true
  hostPID: false
  hostIPC: true
  hostNetwork: true
  securityContext: {runAsNonRoot: true, fsGroup: 1, sysctls: [], supplementalGroupsPolicy: Merge}
  containers:
  - name: a
    securityContext: {runAsNonRoot: true, privileged: false, appArmorProfile: {type: RuntimeDefault}}
"#;
        check(
            &CHECK,
            &format!("# podsec: --kube 1.36\n{yaml}"),
            expect![[r#"
            8:3 spec.hostUsers spec.hostUsers: Forbidden: cannot be set for a windows pod [fix: remove hostUsers (safe)]
            10:3 spec.hostIPC spec.hostIPC: Forbidden: cannot be set for a windows pod [fix: remove hostIPC (safe)]
            12:41 spec.securityContext.fsGroup spec.securityContext.fsGroup: Forbidden: cannot be set for a windows pod [fix: remove fsGroup (safe)]
            12:66 spec.securityContext.supplementalGroupsPolicy spec.securityContext.supplementalGroupsPolicy: Forbidden: cannot be set for a windows pod [fix: remove supplementalGroupsPolicy (safe)]
            15:43 spec.containers[0].securityContext.privileged spec.containers[0].securityContext.privileged: Forbidden: cannot be set for a windows pod [fix: remove privileged (safe)]
            15:62 spec.containers[0].securityContext.appArmorProfile spec.containers[0].securityContext.appArmorProfile: Forbidden: cannot be set for a windows pod [fix: remove appArmorProfile (safe)]
        "#]],
        );
        check(
            &CHECK,
            &format!("# podsec: --kube 1.24\n{yaml}"),
            expect![[r#"
            10:3 spec.hostIPC spec.hostIPC: Forbidden: cannot be set for a windows pod [fix: remove hostIPC (safe)]
            12:41 spec.securityContext.fsGroup spec.securityContext.fsGroup: Forbidden: cannot be set for a windows pod [fix: remove fsGroup (safe)]
            15:43 spec.containers[0].securityContext.privileged spec.containers[0].securityContext.privileged: Forbidden: cannot be set for a windows pod [fix: remove privileged (safe)]
        "#]],
        );
        check(
            &CHECK,
            &format!("# podsec: --kube 1.22\n{yaml}"),
            expect![[""]],
        );
    }
}
