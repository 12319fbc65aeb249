//! `hostPorts` (baseline): containers must not bind ports of the node.

use crate::fix::{Fix, FixAvailability};
use crate::model::FindingLevel;
use crate::pod::PodView;
use crate::pss::{Out, Rule, Verdict, finding, sorted_set, uses_detail, who};
use crate::rule::{Check, Docs};

pub(crate) const CHECK: Check = Check {
    id: "hostPorts",
    level: FindingLevel::Baseline,
    summary: "a container binds a port on the node (hostPort)",
    default_on: true,
    fix: FixAvailability::None,
    docs: crate::rule::docs!(Docs {
        what: "\
Checks that no container port (init, regular or ephemeral containers) sets a non-zero `hostPort`.",
        why: "\
A `hostPort` opens a port on the node's own IP address and forwards it to the container, bypassing Services and most NetworkPolicy setups.
It exposes the workload on every network the node is attached to, can shadow or hijack a port that a node service expects to own, and pins the pod to nodes where the port is free.
An attacker who compromises the pod gets a listener on the node's address, which is useful for intercepting traffic meant for the node.",
        example: "\
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
  - name: app
    image: nginx
    ports:
    - containerPort: 80
      hostPort: 80
",
        use_instead: "\
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
  - name: app
    image: nginx
    ports:
    - containerPort: 80
",
        fix_safety: "\
No automatic fix: clients that connect to the node's address would lose the workload.
Expose it through a Service (`ClusterIP`, `NodePort` or `LoadBalancer`) or an Ingress instead, then remove `hostPort`.
With `hostNetwork: true` the API server fills in `hostPort` from `containerPort`, so remove `hostNetwork` too.",
        policy: "\
Baseline profile (and therefore restricted), every version from v1.0.",
        references: &[
            "https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline",
            "https://kubernetes.io/docs/concepts/configuration/overview/#services",
        ],
    }),
};

pub(crate) const RULE: Rule = Rule {
    check: &CHECK,
    versions: &[(0, v1_0)],
    overrides: None,
};

fn v1_0(pod: &PodView<'_>, out: &mut Out<'_>) -> Verdict {
    let mut bad = Vec::new();
    let mut ports = Vec::new();
    for c in &pod.containers {
        let before = out.pushed();
        for (i, p) in c.ports().into_iter().enumerate() {
            let Some(n) = p.field("hostPort") else {
                continue;
            };
            let Some(port) = n.as_i64() else {
                continue;
            };
            if port == 0 {
                continue;
            }
            ports.push(port.to_string());
            out.push(
                finding(
                    format!("hostPort: {} binds port {port} on the node", who(c)),
                    Some(c),
                    n.span(),
                    format!("{}.ports[{i}].hostPort", c.path),
                )
                .with_fix(Fix::manual(
                    "remove hostPort and expose the port through a Service",
                    "clients that connect to the node's address lose the workload",
                )),
            );
        }
        if out.pushed() > before {
            bad.push(c.name);
        }
    }
    if bad.is_empty() {
        return Verdict::pass("no container sets a hostPort", None);
    }
    let ports = sorted_set(ports);
    Verdict::Denied {
        reason: "hostPort".to_string(),
        detail: uses_detail(
            &bad,
            ("hostPort", "hostPorts"),
            ports.len(),
            &ports.join(", "),
        ),
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::CHECK;
    use crate::testing::check;

    #[test]
    fn upstream_wording() {
        check(
            &CHECK,
            "# podsec: --version v1.0\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: a\n    image: x\n    ports:\n    - containerPort: 1\n      hostPort: 0\n  - name: b\n    image: x\n    ports:\n    - {containerPort: 1, hostPort: 10}\n    - {containerPort: 2, hostPort: 20}\n  - name: c\n    image: x\n    ports:\n    - {containerPort: 1, hostPort: 10}\n    - {containerPort: 2, hostPort: 30}\n",
            expect![[r#"
            denied: hostPort (containers "b", "c" use hostPorts 10, 20, 30)
            16:36 spec.containers[1].ports[0].hostPort hostPort: container "b" binds port 10 on the node [fix: remove hostPort and expose the port through a Service (manual)]
            17:36 spec.containers[1].ports[1].hostPort hostPort: container "b" binds port 20 on the node [fix: remove hostPort and expose the port through a Service (manual)]
            21:36 spec.containers[2].ports[0].hostPort hostPort: container "c" binds port 10 on the node [fix: remove hostPort and expose the port through a Service (manual)]
            22:36 spec.containers[2].ports[1].hostPort hostPort: container "c" binds port 30 on the node [fix: remove hostPort and expose the port through a Service (manual)]
        "#]],
        );
        check(
            &CHECK,
            "# podsec: --version v1.0\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: b\n    image: x\n    ports:\n    - {containerPort: 1, hostPort: 20}\n",
            expect![[r#"
            denied: hostPort (container "b" uses hostPort 20)
            11:36 spec.containers[0].ports[0].hostPort hostPort: container "b" binds port 20 on the node [fix: remove hostPort and expose the port through a Service (manual)]
        "#]],
        );
    }
}
