//! `mixed-host-process-containers`: a pod with some HostProcess containers and some not (V-W5,
//! 1.22+).

use crate::fix::FixAvailability;
use crate::model::FindingLevel;
use crate::rule::{Check, Docs, Findings, Rule};

use super::{Ctx, api};

pub(super) const CHECK: Check = Check {
    id: "mixed-host-process-containers",
    level: FindingLevel::Rejected,
    summary: "some containers are HostProcess containers and others are not",
    default_on: true,
    fix: FixAvailability::None,
    docs: crate::rule::docs!(Docs {
        what: "Flags a pod in which at least one container is a Windows HostProcess container (its own `windowsOptions.hostProcess: true`, or the pod's when it sets none) while another (init and ephemeral containers included) is not.",
        why: "HostProcess containers run on the host with the node's privileges; Kubernetes requires every container of such a pod to be one, so that no isolated container shares a pod with them by accident.",
        example: "apiVersion: v1
kind: Pod
metadata:
  name: win
spec:
  hostNetwork: true
  containers:
    - name: agent
      image: example/agent:1.0
      securityContext:
        windowsOptions:
          hostProcess: true
          runAsUserName: \"NT AUTHORITY\\\\SYSTEM\"
    - name: sidecar
      image: example/sidecar:1.0
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
    - name: agent
      image: example/agent:1.0
    - name: sidecar
      image: example/sidecar:1.0
",
        fix_safety: "No automatic fix: make every container a HostProcess container (usually at pod level) or move the others to another pod.",
        policy: "From Kubernetes 1.22, when `hostProcess` appeared (GA in 1.26).",
        references: &[
            "https://kubernetes.io/docs/tasks/configure-pod-container/create-hostprocess-pod/",
        ],
    }),
};

pub(super) const RULE: Rule = Rule { check: &CHECK, run };

fn run(ctx: &Ctx<'_, '_>, out: &mut Findings<'_>) {
    if ctx.kube() < 22 {
        return;
    }
    let flags = super::host_process_containers(ctx.pod);
    if !flags.iter().any(|(_, hp)| *hp) {
        return;
    }
    let Some((c, _)) = flags.iter().find(|(_, hp)| !*hp) else {
        return;
    };
    out.push(ctx.report(&CHECK, api(
            &ctx.pod.path,
            "Invalid value: \"\"",
            "If pod contains any hostProcess containers then all containers must be HostProcess containers",
        ),
        None,
        c.anchor(),
        ctx.pod.path.clone(),
    ));
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::CHECK;
    use crate::testing::check;

    const POD: &str = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  hostNetwork: true\n  initContainers:\n  - name: i\n  containers:\n  - name: a\n    securityContext:\n      windowsOptions: {hostProcess: true}\n";

    #[test]
    fn mixed() {
        check(
            &CHECK,
            &format!("# podsec: --kube 1.22\n{POD}"),
            expect![[r#"
                8:5 spec spec: Invalid value: "": If pod contains any hostProcess containers then all containers must be HostProcess containers
            "#]],
        );
        check(
            &CHECK,
            &format!("# podsec: --kube 1.21\n{POD}"),
            expect![[""]],
        );
        let all = POD.replace(
            "  - name: i\n",
            "  - name: i\n    securityContext: {windowsOptions: {hostProcess: true}}\n",
        );
        check(
            &CHECK,
            &format!("# podsec: --kube 1.36\n{all}"),
            expect![[""]],
        );
    }
}
