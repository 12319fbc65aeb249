//! `hostNamespaces` (baseline): the pod must not share the node's network, PID or IPC namespace.

use crate::fix::{Fix, FixAvailability};
use crate::model::FindingLevel;
use crate::pod::PodView;
use crate::pss::{Out, Rule, Verdict, finding};
use crate::rule::{Check, Docs};

pub(crate) const CHECK: Check = Check {
    id: "hostNamespaces",
    level: FindingLevel::Baseline,
    summary: "the pod shares a host namespace (hostNetwork, hostPID or hostIPC)",
    default_on: true,
    fix: FixAvailability::None,
    docs: crate::rule::docs!(Docs {
        what: "\
Checks that `spec.hostNetwork`, `spec.hostPID` and `spec.hostIPC` are unset or `false`.",
        why: "\
Each of these fields removes one wall between the pod and the node.
With `hostNetwork` the pod sees every interface of the node, can bind any node port, sniff traffic and reach services that listen only on localhost, such as the kubelet's or a cloud metadata proxy.
With `hostPID` it sees every process on the node, can signal them and, with enough privilege, read their memory and environment (secrets included) through `/proc`.
With `hostIPC` it can read and write the shared memory of host processes.
A compromise of such a pod is a compromise of the node's network identity or processes.",
        example: "\
apiVersion: v1
kind: Pod
metadata:
  name: agent
spec:
  hostNetwork: true
  containers:
  - name: app
    image: busybox
",
        use_instead: "\
apiVersion: v1
kind: Pod
metadata:
  name: agent
spec:
  containers:
  - name: app
    image: busybox
",
        fix_safety: "\
No automatic fix: a pod that asks for a host namespace usually exists to do something on the node (a CNI plugin, a node exporter, a debugger).
Decide whether the workload really needs it; if it does, it belongs in a namespace that is exempt from the baseline level, not in a hardened one.
Also note that with `hostNetwork: true` the API server defaults every container port's `hostPort` to its `containerPort`, so removing `hostNetwork` may also require removing those `hostPort`s.",
        policy: "\
Baseline profile (and therefore restricted), every version from v1.0.",
        references: &[
            "https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline",
        ],
    }),
};

pub(crate) const RULE: Rule = Rule {
    check: &CHECK,
    versions: &[(0, v1_0)],
    overrides: None,
};

fn v1_0(pod: &PodView<'_>, out: &mut Out<'_>) -> Verdict {
    let mut set = Vec::new();
    for (key, what) in [
        ("hostNetwork", "the node's network namespace"),
        ("hostPID", "the node's process namespace"),
        ("hostIPC", "the node's IPC namespace"),
    ] {
        if let Some((true, n)) = pod.bool_field(key) {
            set.push(format!("{key}=true"));
            out.push(
                finding(
                    format!("host namespaces: the pod sets {key}=true and shares {what}"),
                    None,
                    n.span(),
                    format!("{}.{key}", pod.path),
                )
                .with_fix(Fix::manual(
                    format!("remove {key}"),
                    "decide whether the workload really needs the host namespace; if it does, run it in a namespace exempt from baseline",
                )),
            );
        }
    }
    if set.is_empty() {
        return Verdict::pass("hostNetwork, hostPID and hostIPC are unset or false", None);
    }
    Verdict::Denied {
        reason: "host namespaces".to_string(),
        detail: set.join(", "),
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::CHECK;
    use crate::testing::check;

    #[test]
    fn all_three_in_upstream_order() {
        check(
            &CHECK,
            "# podsec: --version v1.0\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  hostIPC: true\n  hostPID: true\n  hostNetwork: true\n  containers: []\n",
            expect![[r#"
            denied: host namespaces (hostNetwork=true, hostPID=true, hostIPC=true)
            7:12 spec.hostIPC host namespaces: the pod sets hostIPC=true and shares the node's IPC namespace [fix: remove hostIPC (manual)]
            8:12 spec.hostPID host namespaces: the pod sets hostPID=true and shares the node's process namespace [fix: remove hostPID (manual)]
            9:16 spec.hostNetwork host namespaces: the pod sets hostNetwork=true and shares the node's network namespace [fix: remove hostNetwork (manual)]
        "#]],
        );
    }

    #[test]
    fn false_and_strings_pass() {
        check(
            &CHECK,
            "# podsec: --version v1.37\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  hostPID: false\n  hostIPC: \"true\"\n  containers: []\n",
            expect![[r#"
            allowed: hostNetwork, hostPID and hostIPC are unset or false
        "#]],
        );
    }
}
