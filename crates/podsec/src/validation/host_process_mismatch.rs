//! `host-process-mismatch`: a container `hostProcess` that differs from the pod's (V-W4, 1.22+).

use crate::fix::FixAvailability;
use crate::model::FindingLevel;
use crate::rule::{Check, Docs, Findings, Rule};

use super::{Ctx, api, go};

pub(super) const CHECK: Check = Check {
    id: "host-process-mismatch",
    level: FindingLevel::Rejected,
    summary: "a container windowsOptions.hostProcess that differs from the pod's",
    default_on: true,
    fix: FixAvailability::None,
    docs: crate::rule::docs!(Docs {
        what: "Flags a container whose `securityContext.windowsOptions.hostProcess` is set and differs from the pod's `securityContext.windowsOptions.hostProcess`.",
        why: "A Windows HostProcess pod runs directly on the host, outside any container isolation, and Kubernetes will not mix such containers with isolated ones in one pod.
When both levels say something different, the API server refuses the object rather than guess.",
        example: "apiVersion: v1
kind: Pod
metadata:
  name: win
spec:
  hostNetwork: true
  securityContext:
    windowsOptions:
      hostProcess: true
      runAsUserName: \"NT AUTHORITY\\\\SYSTEM\"
  containers:
    - name: app
      image: example/win:1.0
      securityContext:
        windowsOptions:
          hostProcess: false
",
        use_instead: "apiVersion: v1
kind: Pod
metadata:
  name: win
spec:
  hostNetwork: true
  securityContext:
    windowsOptions:
      hostProcess: true
      runAsUserName: \"NT AUTHORITY\\\\SYSTEM\"
  containers:
    - name: app
      image: example/win:1.0
",
        fix_safety: "No automatic fix: decide whether the pod is a HostProcess pod.",
        policy: "From Kubernetes 1.22, when `hostProcess` appeared (GA in 1.26).",
        references: &["https://kubernetes.io/docs/tasks/configure-pod-container/create-hostprocess-pod/"],
    }),
};

pub(super) const RULE: Rule = Rule { check: &CHECK, run };

fn run(ctx: &Ctx<'_, '_>, out: &mut Findings<'_>) {
    if ctx.kube() < 22 {
        return;
    }
    let Some(pod_value) = super::host_process(ctx.pod.sc("windowsOptions")) else {
        return;
    };
    for (_, c) in ctx.containers() {
        let Some(node) = c.sc("windowsOptions").and_then(|w| w.field("hostProcess")) else {
            continue;
        };
        let Some(value) = node.as_bool() else {
            continue;
        };
        if value == pod_value.0 {
            continue;
        }
        let path = format!("{}.hostProcess", c.sc_path("windowsOptions"));
        out.push(
            ctx.report(
                &CHECK,
                api(
                    &path,
                    &format!("Invalid value: {}", go(node)),
                    &format!(
                        "pod hostProcess value must be identical if both are specified, was {}",
                        pod_value.0
                    ),
                ),
                Some(c.name),
                node.span(),
                path,
            )
            .related("the pod's hostProcess", pod_value.1.span()),
        );
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::CHECK;
    use crate::testing::check;

    #[test]
    fn mismatch() {
        let yaml = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  securityContext:\n    windowsOptions: {hostProcess: true}\n  containers:\n  - name: a\n    securityContext:\n      windowsOptions: {hostProcess: false}\n  - name: b\n    securityContext:\n      windowsOptions: {hostProcess: true}\n";
        check(
            &CHECK,
            &format!("# podsec: --kube 1.22\n{yaml}"),
            expect![[r#"
            11:37 spec.containers[0].securityContext.windowsOptions.hostProcess spec.containers[0].securityContext.windowsOptions.hostProcess: Invalid value: false: pod hostProcess value must be identical if both are specified, was true
        "#]],
        );
        check(
            &CHECK,
            &format!("# podsec: --kube 1.21\n{yaml}"),
            expect![[""]],
        );
    }
}
