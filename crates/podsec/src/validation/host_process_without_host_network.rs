//! `host-process-without-host-network`: a HostProcess pod without `hostNetwork: true` (V-W6,
//! 1.22+).

use crate::fix::{Fix, FixAvailability};
use crate::model::FindingLevel;
use crate::rule::{Check, Docs, Findings, Rule};

use super::{Ctx, api};

pub(super) const CHECK: Check = Check {
    id: "host-process-without-host-network",
    level: FindingLevel::Rejected,
    summary: "a pod with HostProcess containers but without hostNetwork: true",
    default_on: true,
    fix: FixAvailability::None,
    docs: crate::rule::docs!(Docs {
        what: "Flags a pod with at least one Windows HostProcess container whose `spec.hostNetwork` is not `true`.",
        why: "HostProcess containers run in the host's network namespace whatever the spec says; Kubernetes asks the manifest to say so, so that nobody mistakes the pod for an isolated one.",
        example: "apiVersion: v1
kind: Pod
metadata:
  name: win
spec:
  securityContext:
    windowsOptions:
      hostProcess: true
      runAsUserName: \"NT AUTHORITY\\\\SYSTEM\"
  containers:
    - name: agent
      image: example/agent:1.0
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
",
        fix_safety: "There is no automatic fix. Setting `hostNetwork: true` only states what a HostProcess pod gets anyway, but the baseline and restricted levels forbid host networking, so the rewrite would trade a rejection for a policy violation: decide whether the pod really must be a HostProcess pod.",
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
    let Some((c, _)) = flags.iter().find(|(_, hp)| *hp) else {
        return;
    };
    let host_network = ctx.pod.bool_field("hostNetwork");
    if matches!(host_network, Some((true, _))) {
        return;
    }
    let path = format!("{}.hostNetwork", ctx.pod.path);
    let at = host_network.map_or_else(|| c.anchor(), |(_, n)| n.span());
    out.push(
        ctx.report(&CHECK, api(
                &path,
                "Invalid value: false",
                "hostNetwork must be true if pod contains any hostProcess containers",
            ),
            None,
            at,
            path.clone(),
        )
        .with_fix(Fix::manual(
            "set spec.hostNetwork: true, or run the containers as ordinary Windows containers",
            "a HostProcess pod always shares the host's network, so the API server insists on hostNetwork: true; the baseline and restricted levels forbid host networking, so decide whether the pod must be a HostProcess pod at all",
        )),
    );
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::CHECK;
    use crate::testing::check;

    const DAEMON_SET: &str = "apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: d}\nspec:\n  template:\n    spec:\n      hostNetwork: false\n      containers:\n      - name: a\n        securityContext:\n          windowsOptions: {hostProcess: true}\n";

    #[test]
    fn needs_host_network() {
        check(
            &CHECK,
            &format!("# podsec: --kube 1.22\n{DAEMON_SET}"),
            expect![[r#"
                8:20 spec.template.spec.hostNetwork spec.template.spec.hostNetwork: Invalid value: false: hostNetwork must be true if pod contains any hostProcess containers [fix: set spec.hostNetwork: true, or run the containers as ordinary Windows containers (manual)]
            "#]],
        );
        check(
            &CHECK,
            &format!("# podsec: --kube 1.21\n{DAEMON_SET}"),
            expect![[""]],
        );
        let host_network = DAEMON_SET.replace("hostNetwork: false", "hostNetwork: true");
        check(
            &CHECK,
            &format!("# podsec: --kube 1.36\n{host_network}"),
            expect![[""]],
        );
    }
}
