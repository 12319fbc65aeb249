//! `windows-options-on-linux-pod`: `windowsOptions` in a pod with `spec.os.name: linux` (V-S2,
//! 1.23+).

use crate::fix::{FieldPath, Fix, FixAvailability, Patch};
use crate::model::FindingLevel;
use crate::rule::{Check, Docs, Findings, Rule};

use super::{Ctx, api, key_span, scopes};

pub(super) const CHECK: Check = Check {
    id: "windows-options-on-linux-pod",
    level: FindingLevel::Rejected,
    summary: "windowsOptions set in a pod whose spec.os.name is linux",
    default_on: true,
    fix: FixAvailability::Always,
    docs: crate::rule::docs!(Docs {
        what:
            "Flags pod or container `securityContext.windowsOptions` when `spec.os.name` is `linux`.
The API server refuses it: `windows options cannot be set for a linux pod`.",
        why: "Once a pod says which OS it runs on, Kubernetes refuses fields that cannot apply there, so a manifest does not pretend to configure something that is silently ignored.",
        example: "apiVersion: v1
kind: Pod
metadata:
  name: app
spec:
  os:
    name: linux
  securityContext:
    windowsOptions:
      runAsUserName: ContainerUser
  containers:
    - name: app
      image: example/app:1.0
",
        use_instead: "apiVersion: v1
kind: Pod
metadata:
  name: app
spec:
  os:
    name: linux
  containers:
    - name: app
      image: example/app:1.0
",
        fix_safety: "Removing `windowsOptions` is safe: a Linux node never reads it.",
        policy: "From Kubernetes 1.24, when `spec.os` is set: a 1.23 API server drops `spec.os` (`IdentifyPodOS` alpha, off by default).",
        references: &["https://kubernetes.io/docs/concepts/workloads/pods/#pod-os"],
    }),
};

pub(super) const RULE: Rule = Rule { check: &CHECK, run };

fn run(ctx: &Ctx<'_, '_>, out: &mut Findings<'_>) {
    if ctx.kube() < 23 || ctx.pod.os_name() != Some("linux") {
        return;
    }
    for scope in scopes(ctx.pod) {
        let Some(sc) = scope.sc(ctx.pod) else {
            continue;
        };
        if sc.field("windowsOptions").is_none() {
            continue;
        }
        let path = scope.path(ctx.pod, "windowsOptions");
        out.push(
            ctx.report(
                &CHECK,
                api(
                    &path,
                    "Forbidden",
                    "windows options cannot be set for a linux pod",
                ),
                scope.name(),
                key_span(sc, "windowsOptions").unwrap_or_else(|| sc.span()),
                path.clone(),
            )
            .with_fix(Fix::safe(
                "remove securityContext.windowsOptions",
                vec![Patch::Remove {
                    path: FieldPath::parse(&path),
                }],
            )),
        );
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::CHECK;
    use crate::testing::check;

    const POD: &str = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  os: {name: linux}\n  securityContext:\n    windowsOptions: {runAsUserName: u}\n  containers:\n  - name: a\n    securityContext:\n      windowsOptions: {hostProcess: false}\n";

    #[test]
    fn linux_pods_only() {
        check(
            &CHECK,
            &format!("# podsec: --kube 1.24\n{POD}"),
            expect![[r#"
                8:5 spec.securityContext.windowsOptions spec.securityContext.windowsOptions: Forbidden: windows options cannot be set for a linux pod [fix: remove securityContext.windowsOptions (safe)]
                12:7 spec.containers[0].securityContext.windowsOptions spec.containers[0].securityContext.windowsOptions: Forbidden: windows options cannot be set for a linux pod [fix: remove securityContext.windowsOptions (safe)]
            "#]],
        );
        // Before 1.24 the API server drops spec.os (IdentifyPodOS off by default).
        check(
            &CHECK,
            &format!("# podsec: --kube 1.23\n{POD}"),
            expect![[""]],
        );
        let windows = POD.replace("name: linux", "name: windows");
        check(
            &CHECK,
            &format!("# podsec: --kube 1.36\n{windows}"),
            expect![[""]],
        );
    }
}
