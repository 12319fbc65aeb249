//! `unsafe-sysctl`: a pod sysctl the kubelet refuses: not in its safe set, or namespaced and shared
//! with the host (K-4).

use crate::fix::FixAvailability;
use crate::model::FindingLevel;
use crate::rule::{Check, Docs, Findings, Rule};
use crate::yaml::Node;

use super::Ctx;
use super::namespaced_sysctl_with_host_namespace::{namespace, normalize};

pub(super) const CHECK: Check = Check {
    id: "unsafe-sysctl",
    level: FindingLevel::Refused,
    summary: "a sysctl outside the kubelet's safe set, or a namespaced one shared with the host",
    default_on: true,
    fix: FixAvailability::None,
    docs: crate::rule::docs!(Docs {
        what: "Flags a pod sysctl that the kubelet refuses at admission (the pod ends `Failed` with reason `SysctlForbidden`):
- one not in the safe set of that Kubernetes version, unless the kubelet runs with `--allowed-unsafe-sysctls` naming it (this tool assumes it does not);
- before 1.28, a `net.*` sysctl with `hostNetwork: true` or an IPC sysctl with `hostIPC: true` (from 1.28 the API server refuses those first, see `namespaced-sysctl-with-host-namespace`).",
        why: "Sysctls outside the safe set can affect the whole node (memory, scheduling, other pods' networking) or are not namespaced at all.
The API server accepts any well-formed name, so the problem only shows on the node, once per pod, as `forbidden sysctl: \"...\" not allowlisted`.",
        example: "apiVersion: v1
kind: Pod
metadata:
  name: queue
spec:
  securityContext:
    sysctls:
      - name: kernel.msgmax
        value: \"65536\"
  containers:
    - name: queue
      image: example/queue:1.0
",
        use_instead: "apiVersion: v1
kind: Pod
metadata:
  name: queue
spec:
  securityContext:
    sysctls:
      - name: kernel.shm_rmid_forced
        value: \"1\"
  containers:
    - name: queue
      image: example/queue:1.0
",
        fix_safety: "No automatic fix: either ask the node's operator to allow the sysctl (`--allowed-unsafe-sysctls`, namespaced sysctls only) or do without it.",
        policy: "The safe set grows with Kubernetes: `net.ipv4.ping_group_range` (1.18), `net.ipv4.ip_unprivileged_port_start` (1.22), `net.ipv4.ip_local_reserved_ports` (1.27), `tcp_keepalive_time`, `tcp_fin_timeout`, `tcp_keepalive_intvl`, `tcp_keepalive_probes` (1.29), `tcp_rmem`, `tcp_wmem` (1.32), on top of `kernel.shm_rmid_forced`, `net.ipv4.ip_local_port_range` and `net.ipv4.tcp_syncookies`.
The per-sysctl release numbers come from documentation rather than source.",
        references: &[
            "https://kubernetes.io/docs/tasks/administer-cluster/sysctl-cluster/",
            "https://github.com/kubernetes/kubernetes/blob/master/pkg/kubelet/sysctl/safe_sysctls.go",
        ],
    }),
};

pub(super) const RULE: Rule = Rule { check: &CHECK, run };

/// The kubelet's safe sysctls, with the Kubernetes minor that made each safe.
const SAFE: &[(&str, u32)] = &[
    ("kernel.shm_rmid_forced", 0),
    ("net.ipv4.ip_local_port_range", 0),
    ("net.ipv4.tcp_syncookies", 0),
    ("net.ipv4.ping_group_range", 18),
    ("net.ipv4.ip_unprivileged_port_start", 22),
    ("net.ipv4.ip_local_reserved_ports", 27),
    ("net.ipv4.tcp_keepalive_time", 29),
    ("net.ipv4.tcp_fin_timeout", 29),
    ("net.ipv4.tcp_keepalive_intvl", 29),
    ("net.ipv4.tcp_keepalive_probes", 29),
    ("net.ipv4.tcp_rmem", 32),
    ("net.ipv4.tcp_wmem", 32),
];

fn run(ctx: &Ctx<'_, '_>, out: &mut Findings<'_>) {
    let kube = ctx.kube();
    let host_net = matches!(ctx.pod.bool_field("hostNetwork"), Some((true, _)));
    let host_ipc = matches!(ctx.pod.bool_field("hostIPC"), Some((true, _)));
    let sysctls = ctx.pod.sc("sysctls").map(Node::items).unwrap_or_default();
    for (j, s) in sysctls.into_iter().enumerate() {
        let Some(n) = s.field("name") else { continue };
        let Some(name) = n.text() else { continue };
        if !super::invalid_sysctl_name::valid(name) {
            continue;
        }
        let norm = normalize(name);
        let path = format!("{}[{j}].name", ctx.pod.sc_path("sysctls"));
        let shared = match namespace(name) {
            Some("net") if host_net => Some("net"),
            Some("ipc") if host_ipc => Some("ipc"),
            _ => None,
        };
        let message = if let Some(ns) = shared {
            if kube >= 28 {
                continue;
            }
            format!(
                "sysctl \"{norm}\" would change the host's {ns} namespace: the kubelet refuses the pod with \"forbidden sysctl: \\\"{norm}\\\" not allowed with host {ns} enabled\""
            )
        } else if SAFE.iter().any(|(s, since)| *s == norm && kube >= *since) {
            continue;
        } else {
            let hint = if namespace(name).is_some() {
                "unless the kubelet runs with --allowed-unsafe-sysctls naming it"
            } else {
                "and it is not namespaced, so no kubelet can allow it"
            };
            format!(
                "sysctl \"{norm}\" is not in the kubelet's safe set: the kubelet refuses the pod with \"forbidden sysctl: \\\"{norm}\\\" not allowlisted\" {hint}"
            )
        };
        out.push(ctx.report(&CHECK, message, None, n.span(), path));
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::CHECK;
    use crate::testing::check;

    const POD: &str = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  securityContext:\n    sysctls:\n    - {name: kernel.msgmax, value: \"1\"}\n    - {name: vm.swappiness, value: \"1\"}\n    - {name: net.ipv4.tcp_keepalive_time, value: \"1\"}\n    - {name: net.ipv4.tcp_rmem, value: \"1\"}\n  containers: [{name: a}]\n";

    /// net.ipv4.tcp_keepalive_time joins the safe set in 1.29, net.ipv4.tcp_rmem in 1.32.
    #[test]
    fn safe_set_by_version() {
        check(
            &CHECK,
            &format!("# podsec: --kube 1.28\n{POD}"),
            expect![[r#"
                8:14 spec.securityContext.sysctls[0].name sysctl "kernel.msgmax" is not in the kubelet's safe set: the kubelet refuses the pod with "forbidden sysctl: \"kernel.msgmax\" not allowlisted" unless the kubelet runs with --allowed-unsafe-sysctls naming it
                9:14 spec.securityContext.sysctls[1].name sysctl "vm.swappiness" is not in the kubelet's safe set: the kubelet refuses the pod with "forbidden sysctl: \"vm.swappiness\" not allowlisted" and it is not namespaced, so no kubelet can allow it
                10:14 spec.securityContext.sysctls[2].name sysctl "net.ipv4.tcp_keepalive_time" is not in the kubelet's safe set: the kubelet refuses the pod with "forbidden sysctl: \"net.ipv4.tcp_keepalive_time\" not allowlisted" unless the kubelet runs with --allowed-unsafe-sysctls naming it
                11:14 spec.securityContext.sysctls[3].name sysctl "net.ipv4.tcp_rmem" is not in the kubelet's safe set: the kubelet refuses the pod with "forbidden sysctl: \"net.ipv4.tcp_rmem\" not allowlisted" unless the kubelet runs with --allowed-unsafe-sysctls naming it
            "#]],
        );
        check(
            &CHECK,
            &format!("# podsec: --kube 1.29\n{POD}"),
            expect![[r#"
                8:14 spec.securityContext.sysctls[0].name sysctl "kernel.msgmax" is not in the kubelet's safe set: the kubelet refuses the pod with "forbidden sysctl: \"kernel.msgmax\" not allowlisted" unless the kubelet runs with --allowed-unsafe-sysctls naming it
                9:14 spec.securityContext.sysctls[1].name sysctl "vm.swappiness" is not in the kubelet's safe set: the kubelet refuses the pod with "forbidden sysctl: \"vm.swappiness\" not allowlisted" and it is not namespaced, so no kubelet can allow it
                11:14 spec.securityContext.sysctls[3].name sysctl "net.ipv4.tcp_rmem" is not in the kubelet's safe set: the kubelet refuses the pod with "forbidden sysctl: \"net.ipv4.tcp_rmem\" not allowlisted" unless the kubelet runs with --allowed-unsafe-sysctls naming it
            "#]],
        );
        check(
            &CHECK,
            &format!("# podsec: --kube 1.32\n{POD}"),
            expect![[r#"
                8:14 spec.securityContext.sysctls[0].name sysctl "kernel.msgmax" is not in the kubelet's safe set: the kubelet refuses the pod with "forbidden sysctl: \"kernel.msgmax\" not allowlisted" unless the kubelet runs with --allowed-unsafe-sysctls naming it
                9:14 spec.securityContext.sysctls[1].name sysctl "vm.swappiness" is not in the kubelet's safe set: the kubelet refuses the pod with "forbidden sysctl: \"vm.swappiness\" not allowlisted" and it is not namespaced, so no kubelet can allow it
            "#]],
        );
        check(
            &CHECK,
            &format!("# podsec: --kube 1.36\n{POD}"),
            expect![[r#"
                8:14 spec.securityContext.sysctls[0].name sysctl "kernel.msgmax" is not in the kubelet's safe set: the kubelet refuses the pod with "forbidden sysctl: \"kernel.msgmax\" not allowlisted" unless the kubelet runs with --allowed-unsafe-sysctls naming it
                9:14 spec.securityContext.sysctls[1].name sysctl "vm.swappiness" is not in the kubelet's safe set: the kubelet refuses the pod with "forbidden sysctl: \"vm.swappiness\" not allowlisted" and it is not namespaced, so no kubelet can allow it
            "#]],
        );
    }

    #[test]
    fn host_network_before_1_28() {
        let yaml = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  hostNetwork: true\n  securityContext:\n    sysctls:\n    - {name: net.ipv4.tcp_syncookies, value: \"1\"}\n  containers: [{name: a}]\n";
        check(
            &CHECK,
            &format!("# podsec: --kube 1.27\n{yaml}"),
            expect![[r#"
                9:14 spec.securityContext.sysctls[0].name sysctl "net.ipv4.tcp_syncookies" would change the host's net namespace: the kubelet refuses the pod with "forbidden sysctl: \"net.ipv4.tcp_syncookies\" not allowed with host net enabled"
            "#]],
        );
        check(
            &CHECK,
            &format!("# podsec: --kube 1.28\n{yaml}"),
            expect![[""]],
        );
    }
}
