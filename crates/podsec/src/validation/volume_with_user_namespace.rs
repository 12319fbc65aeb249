//! `volume-with-user-namespace`: volumes a pod with `hostUsers: false` may not use (§4.5):
//! anything but configMap, secret, downwardAPI, emptyDir and projected in 1.25–1.27, and
//! `volumeDevices` from 1.34.

use crate::fix::FixAvailability;
use crate::model::FindingLevel;
use crate::rule::{Check, Docs, Findings, Rule};

use super::{Ctx, api};

pub(super) const CHECK: Check = Check {
    id: "volume-with-user-namespace",
    level: FindingLevel::Rejected,
    summary: "a volume or volumeDevices entry that a pod with hostUsers: false may not use",
    default_on: true,
    fix: FixAvailability::None,
    docs: crate::rule::docs!(Docs {
        what: "Flags, in a pod with `hostUsers: false`:
- in Kubernetes 1.25–1.27, each volume that is not `configMap`, `secret`, `downwardAPI`, `emptyDir` or `projected`;
- from Kubernetes 1.34, each container's `volumeDevices` (raw block devices).",
        why: "Inside a user namespace, file ownership on volumes has to be mapped; early releases could only do that for volumes the kubelet creates itself, and raw block devices cannot be mapped at all.",
        example: "apiVersion: v1
kind: Pod
metadata:
  name: db
spec:
  hostUsers: false
  containers:
    - name: db
      image: example/db:1.0
      volumeDevices:
        - name: data
          devicePath: /dev/xvda
  volumes:
    - name: data
      persistentVolumeClaim:
        claimName: data
",
        use_instead: "apiVersion: v1
kind: Pod
metadata:
  name: db
spec:
  hostUsers: false
  containers:
    - name: db
      image: example/db:1.0
      volumeMounts:
        - name: data
          mountPath: /data
  volumes:
    - name: data
      persistentVolumeClaim:
        claimName: data
",
        fix_safety: "No automatic fix: the storage layout is the workload's choice.",
        policy: "The volume-type limit existed in Kubernetes 1.25–1.27 (lifted by kubernetes/kubernetes#118691), but with default feature gates those API servers drop `hostUsers` before validating, so it is reported only where the gate is on, which this tool does not model; the `volumeDevices` limit from 1.34 (kubernetes/kubernetes#132868).
The exact 1.34 wording was not confirmed from source; the message reuses the wording of the other hostUsers errors.",
        references: &[
            "https://github.com/kubernetes/kubernetes/pull/118691",
            "https://github.com/kubernetes/kubernetes/pull/132868",
        ],
    }),
};

pub(super) const RULE: Rule = Rule { check: &CHECK, run };

const ALLOWED: &[&str] = &[
    "configMap",
    "secret",
    "downwardAPI",
    "emptyDir",
    "projected",
];

fn run(ctx: &Ctx<'_, '_>, out: &mut Findings<'_>) {
    let kube = ctx.kube();
    if kube < 25 || !ctx.pod.host_users_false() {
        return;
    }
    if kube <= 27 {
        for (i, v) in ctx.pod.volumes().into_iter().enumerate() {
            let ok = v
                .entries()
                .iter()
                .any(|(k, _)| k.text().is_some_and(|t| ALLOWED.contains(&t)));
            if ok {
                continue;
            }
            let path = format!("{}.volumes[{i}]", ctx.pod.path);
            out.push(ctx.report(
                &CHECK,
                api(
                    &path,
                    "Forbidden",
                    "volume type not yet supported in combination with pod.Spec.HostUsers=false",
                ),
                None,
                v.span(),
                path,
            ));
        }
    }
    if kube >= 34 {
        for (_, c) in ctx.containers() {
            let Some((k, v)) = c.node.get_entry("volumeDevices") else {
                continue;
            };
            if v.items().is_empty() {
                continue;
            }
            let path = format!("{}.volumeDevices", c.path);
            out.push(ctx.report(
                &CHECK,
                api(&path, "Forbidden", "when `pod.Spec.HostUsers` is false"),
                Some(c.name),
                k.span(),
                path,
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::CHECK;
    use crate::testing::check;

    const POD: &str = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  hostUsers: false\n  containers:\n  - name: a\n    volumeDevices: [{name: b, devicePath: /dev/b}]\n  volumes:\n  - {name: c, configMap: {name: c}}\n  - {name: h, hostPath: {path: /x}}\n";

    #[test]
    fn by_version() {
        // With default feature gates a 1.25-1.32 API server drops hostUsers before validation
        // (UserNamespacesSupport off), so the 1.25-1.27 volume limit is never reached.
        for kube in ["1.24", "1.27", "1.28", "1.33"] {
            check(
                &CHECK,
                &format!("# podsec: --kube {kube}\n{POD}"),
                expect![[""]],
            );
        }
        check(
            &CHECK,
            &format!("# podsec: --kube 1.34\n{POD}"),
            expect![[r#"
            9:5 spec.containers[0].volumeDevices spec.containers[0].volumeDevices: Forbidden: when `pod.Spec.HostUsers` is false
        "#]],
        );
    }
}
