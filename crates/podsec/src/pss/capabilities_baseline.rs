//! `capabilities_baseline` (baseline): containers may add only capabilities from the runtime's default set.

use crate::fix::FixAvailability;
use crate::model::FindingLevel;
use crate::pod::PodView;
use crate::pss::{
    Out, Rule, Verdict, added_capability, containers_phrase, join_quote, sorted_set, who,
};
use crate::rule::{Check, Docs};

pub(crate) const CHECK: Check = Check {
    id: "capabilities_baseline",
    level: FindingLevel::Baseline,
    summary: "a container adds a capability beyond the runtime's default set",
    default_on: true,
    fix: FixAvailability::Always,
    docs: crate::rule::docs!(Docs {
        what: "\
Checks every entry of `securityContext.capabilities.add` in every container against the classic default set of container runtimes: `AUDIT_WRITE`, `CHOWN`, `DAC_OVERRIDE`, `FOWNER`, `FSETID`, `KILL`, `MKNOD`, `NET_BIND_SERVICE`, `SETFCAP`, `SETGID`, `SETPCAP`, `SETUID` and `SYS_CHROOT`.
Names are compared exactly: `CAP_SYS_ADMIN` and `sys_admin` are not in the list, so they fail.
`drop` is ignored.",
        why: "\
Capabilities are slices of root's power.
Adding one outside the default set hands the container a power that containers normally never have: `SYS_ADMIN` is close to full root on the host (mounts, namespaces, BPF), `NET_ADMIN` rewrites the node's view of the network, `SYS_PTRACE` reads other processes' memory, `NET_RAW` forges packets and spoofs neighbours, `SYS_MODULE` loads kernel code.
An attacker who compromises such a container inherits that power, and several of these capabilities are documented escape routes to the node.",
        example: "\
apiVersion: v1
kind: Pod
metadata:
  name: tool
spec:
  containers:
  - name: app
    image: busybox
    securityContext:
      capabilities:
        add: [\"NET_ADMIN\"]
",
        use_instead: "\
apiVersion: v1
kind: Pod
metadata:
  name: tool
spec:
  containers:
  - name: app
    image: busybox
    securityContext:
      capabilities:
        add: [\"NET_BIND_SERVICE\"]
",
        fix_safety: "\
The fix removes the offending entries from `capabilities.add`.
It is unsafe: the capability was presumably added because the program uses it, and without it the corresponding system calls fail with `EPERM`.
Find out what the program does with it and whether that work can move to a separate, more trusted component.",
        policy: "\
Baseline profile, every version from v1.0.
At the restricted level it is replaced by `capabilities_restricted` from v1.22 on; restricted v1.0 to v1.21 run this check instead.",
        references: &[
            "https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline",
            "https://man7.org/linux/man-pages/man7/capabilities.7.html",
        ],
    }),
};

pub(crate) const RULE: Rule = Rule {
    check: &CHECK,
    versions: &[(0, v1_0)],
    overrides: None,
};

/// The capabilities a baseline container may add.
pub(crate) const ALLOWED: &[&str] = &[
    "AUDIT_WRITE",
    "CHOWN",
    "DAC_OVERRIDE",
    "FOWNER",
    "FSETID",
    "KILL",
    "MKNOD",
    "NET_BIND_SERVICE",
    "SETFCAP",
    "SETGID",
    "SETPCAP",
    "SETUID",
    "SYS_CHROOT",
];

fn v1_0(pod: &PodView<'_>, out: &mut Out<'_>) -> Verdict {
    let mut bad_containers = Vec::new();
    let mut bad_caps = Vec::new();
    let mut adds = 0;
    for c in &pod.containers {
        let mut bad = false;
        for (cap, n) in c.caps_add() {
            adds += 1;
            if ALLOWED.contains(&cap) {
                continue;
            }
            bad = true;
            bad_caps.push(cap.to_string());
            out.push(added_capability(
                c,
                cap,
                n,
                format!("non-default capabilities: {} adds \"{cap}\"", who(c)),
            ));
        }
        if bad {
            bad_containers.push(c.name);
        }
    }
    if bad_containers.is_empty() {
        return Verdict::pass(
            if adds == 0 {
                "no container adds capabilities"
            } else {
                "every added capability is in the default set"
            },
            None,
        );
    }
    Verdict::Denied {
        reason: "non-default capabilities".to_string(),
        detail: format!(
            "{} must not include {} in securityContext.capabilities.add",
            containers_phrase(&bad_containers),
            join_quote(&sorted_set(bad_caps))
        ),
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::CHECK;
    use crate::testing::check;

    fn pod(containers: &str) -> String {
        format!(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n{containers}"
        )
    }

    #[test]
    fn default_set_passes_and_others_fail() {
        check(
            &CHECK,
            &pod(
                "  - name: a\n    image: x\n    securityContext:\n      capabilities:\n        add: [CHOWN, NET_BIND_SERVICE]\n        drop: [SYS_ADMIN]\n",
            ),
            expect![[r#"
                allowed: every added capability is in the default set
            "#]],
        );
        check(
            &CHECK,
            &pod(
                "  - name: a\n    image: x\n    securityContext:\n      capabilities:\n        add: [SYS_TIME, NET_RAW, CAP_CHOWN]\n  - name: b\n    image: x\n    securityContext:\n      capabilities:\n        add: [NET_RAW]\n",
            ),
            expect![[r#"
                denied: non-default capabilities (containers "a", "b" must not include "CAP_CHOWN", "NET_RAW", "SYS_TIME" in securityContext.capabilities.add)
                11:15 spec.containers[0].securityContext.capabilities.add non-default capabilities: container "a" adds "SYS_TIME" [fix: remove SYS_TIME from securityContext.capabilities.add (unsafe)]
                11:25 spec.containers[0].securityContext.capabilities.add non-default capabilities: container "a" adds "NET_RAW" [fix: remove NET_RAW from securityContext.capabilities.add (unsafe)]
                11:34 spec.containers[0].securityContext.capabilities.add non-default capabilities: container "a" adds "CAP_CHOWN" [fix: remove CAP_CHOWN from securityContext.capabilities.add (unsafe)]
                16:15 spec.containers[1].securityContext.capabilities.add non-default capabilities: container "b" adds "NET_RAW" [fix: remove NET_RAW from securityContext.capabilities.add (unsafe)]
            "#]],
        );
    }

    #[test]
    fn no_adds() {
        check(
            &CHECK,
            &pod("  - name: a\n    image: x\n"),
            expect![[r#"
            allowed: no container adds capabilities
        "#]],
        );
    }
}
