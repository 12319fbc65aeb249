//! `namespaced-sysctl-with-host-namespace`: a `net.*` sysctl with `hostNetwork: true`, or an IPC
//! sysctl with `hostIPC: true` (§4.6, 1.28+).

use crate::fix::FixAvailability;
use crate::model::FindingLevel;
use crate::rule::{Check, Docs, Findings, Rule, go_quote};
use crate::yaml::Node;

use super::{Ctx, api};

pub(super) const CHECK: Check = Check {
    id: "namespaced-sysctl-with-host-namespace",
    level: FindingLevel::Rejected,
    summary: "a net.* sysctl with hostNetwork: true, or an IPC sysctl with hostIPC: true",
    default_on: true,
    fix: FixAvailability::None,
    docs: crate::rule::docs!(Docs {
        what: "Flags a pod sysctl that belongs to the network namespace (`net.*`) when the pod uses the host's network, or to the IPC namespace (`kernel.shm*`, `kernel.msg*`, `kernel.sem`, `fs.mqueue.*`) when it uses the host's IPC namespace.",
        why: "A pod's sysctls are written into the pod's own namespaces.
With the host's namespace they would change the node's settings for every workload on it, so Kubernetes refuses them: the API server from 1.28, the kubelet before that (see `unsafe-sysctl`).",
        example: "apiVersion: v1
kind: Pod
metadata:
  name: app
spec:
  hostNetwork: true
  securityContext:
    sysctls:
      - name: net.ipv4.tcp_syncookies
        value: \"1\"
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
    sysctls:
      - name: net.ipv4.tcp_syncookies
        value: \"1\"
  containers:
    - name: app
      image: example/app:1.0
",
        fix_safety: "No automatic fix: drop the sysctl or the host namespace.",
        policy: "Rejected by the API server from Kubernetes 1.28 (kubernetes/kubernetes#118705); earlier the kubelet refuses the pod at admission.",
        references: &[
            "https://github.com/kubernetes/kubernetes/pull/118705",
            "https://kubernetes.io/docs/tasks/administer-cluster/sysctl-cluster/",
        ],
    }),
};

pub(super) const RULE: Rule = Rule { check: &CHECK, run };

/// The namespace a sysctl belongs to, by kubelet rules, after `/` separators are normalised.
pub(super) fn namespace(name: &str) -> Option<&'static str> {
    let n = normalize(name);
    if n.starts_with("net.") {
        Some("net")
    } else if n.starts_with("kernel.shm")
        || n.starts_with("kernel.msg")
        || n == "kernel.sem"
        || n.starts_with("fs.mqueue.")
    {
        Some("ipc")
    } else {
        None
    }
}

/// The kubelet's normalisation: a name whose first separator is `/` has `.` and `/` swapped.
pub(super) fn normalize(name: &str) -> String {
    match name.find(['.', '/']) {
        Some(i) if name.as_bytes().get(i) == Some(&b'/') => name
            .chars()
            .map(|c| match c {
                '.' => '/',
                '/' => '.',
                c => c,
            })
            .collect(),
        _ => name.to_string(),
    }
}

fn run(ctx: &Ctx<'_, '_>, out: &mut Findings<'_>) {
    if ctx.kube() < 28 {
        return;
    }
    let host_net = matches!(ctx.pod.bool_field("hostNetwork"), Some((true, _)));
    let host_ipc = matches!(ctx.pod.bool_field("hostIPC"), Some((true, _)));
    let sysctls = ctx.pod.sc("sysctls").map(Node::items).unwrap_or_default();
    for (j, s) in sysctls.into_iter().enumerate() {
        let Some(n) = s.field("name") else { continue };
        let Some(name) = n.text() else { continue };
        let detail = match namespace(name) {
            Some("net") if host_net => "may not be specified when 'hostNetwork' is true",
            Some("ipc") if host_ipc => "may not be specified when 'hostIPC' is true",
            _ => continue,
        };
        let path = format!("{}[{j}].name", ctx.pod.sc_path("sysctls"));
        out.push(ctx.report(
            &CHECK,
            api(&path, &format!("Invalid value: {}", go_quote(name)), detail),
            None,
            n.span(),
            path,
        ));
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::CHECK;
    use crate::testing::check_from;

    #[test]
    fn from_1_28() {
        let yaml = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  hostNetwork: true\n  hostIPC: true\n  securityContext:\n    sysctls:\n    - {name: net.ipv4.tcp_syncookies, value: \"1\"}\n    - {name: kernel.shm_rmid_forced, value: \"1\"}\n    - {name: kernel.pid_max, value: \"1\"}\n  containers: [{name: a}]\n";
        check_from(
            &CHECK,
            28,
            yaml,
            expect![[r#"
            10:14 spec.securityContext.sysctls[0].name spec.securityContext.sysctls[0].name: Invalid value: "net.ipv4.tcp_syncookies": may not be specified when 'hostNetwork' is true
            11:14 spec.securityContext.sysctls[1].name spec.securityContext.sysctls[1].name: Invalid value: "kernel.shm_rmid_forced": may not be specified when 'hostIPC' is true
        "#]],
        );
    }

    #[test]
    fn normalisation() {
        assert_eq!(
            super::normalize("net/ipv4/conf/eth0.100/forwarding"),
            "net.ipv4.conf.eth0/100.forwarding"
        );
        assert_eq!(super::namespace("fs/mqueue/msg_max"), Some("ipc"));
        assert_eq!(super::namespace("vm.swappiness"), None);
    }
}
