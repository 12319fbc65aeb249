//! `sysctls` (baseline): only namespaced, isolated sysctls may be set.

use crate::fix::{Fix, FixAvailability};
use crate::model::FindingLevel;
use crate::pod::PodView;
use crate::pss::{Out, Rule, Verdict, finding};
use crate::rule::{Check, Docs};
use crate::yaml::Node;

pub(crate) const CHECK: Check = Check {
    id: "sysctls",
    level: FindingLevel::Baseline,
    summary: "the pod sets a sysctl outside the safe set",
    default_on: true,
    fix: FixAvailability::None,
    docs: crate::rule::docs!(Docs {
        what: "\
Checks every `spec.securityContext.sysctls[*].name` against the safe set of the policy version.
v1.0 allows `kernel.shm_rmid_forced`, `net.ipv4.ip_local_port_range`, `net.ipv4.tcp_syncookies`, `net.ipv4.ping_group_range` and `net.ipv4.ip_unprivileged_port_start`; v1.27 adds `net.ipv4.ip_local_reserved_ports`; v1.29 adds `net.ipv4.tcp_keepalive_time`, `net.ipv4.tcp_fin_timeout`, `net.ipv4.tcp_keepalive_intvl` and `net.ipv4.tcp_keepalive_probes`; v1.32 adds `net.ipv4.tcp_rmem` and `net.ipv4.tcp_wmem`; v1.37 adds `net.ipv4.tcp_slow_start_after_idle` and `net.ipv4.tcp_notsent_lowat`.
Names are compared exactly, so the slash spelling (`net/ipv4/tcp_syncookies`) fails; values are not checked.",
        why: "\
Many kernel parameters are not namespaced: setting them from a pod changes them for the whole node, and every other workload on it.
Others are namespaced but let one pod exhaust shared resources or weaken protections such as ASLR or ptrace restrictions.
The safe set contains only parameters that are namespaced per pod and isolated from other pods, so an attacker who can set sysctls gains nothing beyond the pod.",
        example: "\
apiVersion: v1
kind: Pod
metadata:
  name: tuned
spec:
  securityContext:
    sysctls:
    - name: net.core.somaxconn
      value: \"1024\"
  containers:
  - name: app
    image: nginx
",
        use_instead: "\
apiVersion: v1
kind: Pod
metadata:
  name: tuned
spec:
  securityContext:
    sysctls:
    - name: net.ipv4.ip_local_port_range
      value: \"1024 65000\"
  containers:
  - name: app
    image: nginx
",
        fix_safety: "\
No automatic fix: the sysctl was set to tune the workload, and removing it changes its behaviour.
Remove it if the default is good enough, or set it on the nodes (and allow it through the kubelet's `allowedUnsafeSysctls`) for a dedicated node pool.",
        policy: "\
Baseline profile (and therefore restricted) from v1.0, with the safe set growing at v1.27, v1.29, v1.32 and v1.37 as listed above.",
        references: &[
            "https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline",
            "https://kubernetes.io/docs/tasks/administer-cluster/sysctl-cluster/",
        ],
    }),
};

pub(crate) const RULE: Rule = Rule {
    check: &CHECK,
    versions: &[
        (0, v1_0),
        (27, v1_27),
        (29, v1_29),
        (32, v1_32),
        (37, v1_37),
    ],
    overrides: None,
};

const ALLOWED: &[(u32, &str)] = &[
    (0, "kernel.shm_rmid_forced"),
    (0, "net.ipv4.ip_local_port_range"),
    (0, "net.ipv4.tcp_syncookies"),
    (0, "net.ipv4.ping_group_range"),
    (0, "net.ipv4.ip_unprivileged_port_start"),
    (27, "net.ipv4.ip_local_reserved_ports"),
    (29, "net.ipv4.tcp_keepalive_time"),
    (29, "net.ipv4.tcp_fin_timeout"),
    (29, "net.ipv4.tcp_keepalive_intvl"),
    (29, "net.ipv4.tcp_keepalive_probes"),
    (32, "net.ipv4.tcp_rmem"),
    (32, "net.ipv4.tcp_wmem"),
    (37, "net.ipv4.tcp_slow_start_after_idle"),
    (37, "net.ipv4.tcp_notsent_lowat"),
];

fn v1_0(pod: &PodView<'_>, out: &mut Out<'_>) -> Verdict {
    check(pod, 0, out)
}
fn v1_27(pod: &PodView<'_>, out: &mut Out<'_>) -> Verdict {
    check(pod, 27, out)
}
fn v1_29(pod: &PodView<'_>, out: &mut Out<'_>) -> Verdict {
    check(pod, 29, out)
}
fn v1_32(pod: &PodView<'_>, out: &mut Out<'_>) -> Verdict {
    check(pod, 32, out)
}
fn v1_37(pod: &PodView<'_>, out: &mut Out<'_>) -> Verdict {
    check(pod, 37, out)
}

fn check(pod: &PodView<'_>, since: u32, out: &mut Out<'_>) -> Verdict {
    let mut bad = Vec::new();
    let list = pod.sc("sysctls").map(Node::items).unwrap_or_default();
    for (i, s) in list.iter().enumerate() {
        let name_node = s.field("name");
        let name = name_node.and_then(Node::text).unwrap_or("");
        if ALLOWED.iter().any(|(v, n)| *v <= since && *n == name) {
            continue;
        }
        bad.push(name.to_string());
        out.push(
            finding(
                format!("forbidden sysctls: the pod sets sysctl \"{name}\", which is not in the safe set"),
                None,
                name_node.map_or_else(|| s.span(), |n| n.span()),
                format!("{}[{i}]", pod.sc_path("sysctls")),
            )
            .with_fix(Fix::manual(
                "remove the sysctl",
                "the sysctl tunes the workload; set it on a dedicated node pool instead if it is really needed",
            )),
        );
    }
    if bad.is_empty() {
        return Verdict::pass(
            if list.is_empty() {
                "no sysctls"
            } else {
                "every sysctl is in the safe set"
            },
            None,
        );
    }
    Verdict::Denied {
        reason: "forbidden sysctls".to_string(),
        detail: bad.join(", "),
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::CHECK;
    use crate::testing::check;

    /// A pod setting each sysctl at a policy version.
    fn pod(version: u32, names: &[&str]) -> String {
        let mut s = format!(
            "# podsec: --version v1.{version}\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  securityContext:\n    sysctls:\n"
        );
        for n in names {
            s.push_str(&format!("    - name: {n}\n      value: \"1\"\n"));
        }
        s.push_str("  containers: []\n");
        s
    }

    #[test]
    fn version_breakpoints() {
        let mut out = String::new();
        for (name, allowed_from) in [
            ("net.ipv4.ip_local_reserved_ports", 27),
            ("net.ipv4.tcp_keepalive_time", 29),
            ("net.ipv4.tcp_rmem", 32),
            ("net.ipv4.tcp_notsent_lowat", 37),
        ] {
            for version in [allowed_from - 1, allowed_from] {
                let pod = pod(version, &[name]);
                let (options, _) = crate::docs::options_for(&CHECK, &pod);
                let a = crate::analyze(&pod, &options);
                let denied = a
                    .objects
                    .iter()
                    .any(|o| o.findings.iter().any(|f| f.check == CHECK.id));
                out.push_str(&format!(
                    "v1.{version} {name}: {}\n",
                    if denied { "denied" } else { "allowed" }
                ));
            }
        }
        expect![[r#"
            v1.26 net.ipv4.ip_local_reserved_ports: denied
            v1.27 net.ipv4.ip_local_reserved_ports: allowed
            v1.28 net.ipv4.tcp_keepalive_time: denied
            v1.29 net.ipv4.tcp_keepalive_time: allowed
            v1.31 net.ipv4.tcp_rmem: denied
            v1.32 net.ipv4.tcp_rmem: allowed
            v1.36 net.ipv4.tcp_notsent_lowat: denied
            v1.37 net.ipv4.tcp_notsent_lowat: allowed
        "#]]
        .assert_eq(&out);
    }

    #[test]
    fn names_in_spec_order_exact() {
        check(
            &CHECK,
            &pod(
                37,
                &[
                    "b",
                    "net/ipv4/tcp_syncookies",
                    "kernel.shm_rmid_forced",
                    "a",
                ],
            ),
            expect![[r#"
                denied: forbidden sysctls (b, net/ipv4/tcp_syncookies, a)
                9:13 spec.securityContext.sysctls[0] forbidden sysctls: the pod sets sysctl "b", which is not in the safe set [fix: remove the sysctl (manual)]
                11:13 spec.securityContext.sysctls[1] forbidden sysctls: the pod sets sysctl "net/ipv4/tcp_syncookies", which is not in the safe set [fix: remove the sysctl (manual)]
                15:13 spec.securityContext.sysctls[3] forbidden sysctls: the pod sets sysctl "a", which is not in the safe set [fix: remove the sysctl (manual)]
            "#]],
        );
    }
}
