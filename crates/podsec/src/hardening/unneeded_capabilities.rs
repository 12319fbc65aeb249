//! `unneeded-capabilities`: `NET_BIND_SERVICE` added to a container whose ports are all high.

use crate::effective::caps;
use crate::fix::{Fix, FixAvailability, Patch};
use crate::model::FindingLevel;
use crate::rule::{Check, Docs, Findings, Rule};
use crate::yaml::Node;

use super::{Ctx, path};

pub(super) const CHECK: Check = Check {
    id: "unneeded-capabilities",
    level: FindingLevel::Hardening,
    summary: "a container adds NET_BIND_SERVICE but declares only ports of 1024 and above",
    default_on: true,
    fix: FixAvailability::Always,
    docs: crate::rule::docs!(Docs {
        what: "Flags `NET_BIND_SERVICE` in a container's `securityContext.capabilities.add` when the container declares `ports` and every `containerPort` is 1024 or higher.
`NET_BIND_SERVICE` only lets a process bind ports below 1024, so these ports do not need it.
A container that declares no ports is not flagged: `ports` is informational in Kubernetes, and without it nothing tells which port the program binds.
Whether other added capabilities are needed cannot be read from a manifest; `risky-capabilities` flags the dangerous ones.",
        why: "Every capability added back after `drop: [ALL]` should have a reason.
`NET_BIND_SERVICE` is harmless on its own, but it is the one the restricted profile allows, so it is often copied into manifests by habit (as in many hardened-pod examples) and then never questioned.
Removing what is not needed keeps the manifest honest about what the program does, and narrows what an attacker inherits.",
        example: "apiVersion: v1
kind: Pod
metadata:
  name: api
spec:
  containers:
    - name: app
      image: example/api:1.0
      ports:
        - containerPort: 8080
      securityContext:
        capabilities:
          drop:
            - ALL
          add:
            - NET_BIND_SERVICE
",
        use_instead: "apiVersion: v1
kind: Pod
metadata:
  name: api
spec:
  containers:
    - name: app
      image: example/api:1.0
      ports:
        - containerPort: 8080
      securityContext:
        capabilities:
          drop:
            - ALL
",
        fix_safety: "Unsafe.
The fix removes `NET_BIND_SERVICE` from `capabilities.add`.
`containerPort` is documentation: nothing stops a program from binding a port it does not declare.
If the program also listens on a port below 1024 that the manifest does not list, it fails to start with `permission denied`; declare that port instead.",
        policy: "",
        references: &[
            "https://man7.org/linux/man-pages/man7/capabilities.7.html",
            "https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#ports",
        ],
    }),
};

pub(super) const RULE: Rule = Rule { check: &CHECK, run };

fn run(ctx: &Ctx<'_, '_>, out: &mut Findings<'_>) {
    for c in ctx.linux_containers() {
        if ctx.skips_privileged(c) {
            continue;
        }
        let ports: Vec<i64> = c
            .ports()
            .iter()
            .filter_map(|p| p.field("containerPort").and_then(Node::as_i64))
            .collect();
        if ports.is_empty() || ports.iter().any(|p| *p < 1024) {
            continue;
        }
        for (name, node) in c.caps_add() {
            // Only entries the runtime turns into NET_BIND_SERVICE; prefixed ones containerd
            // ignores are `cap-prefixed-capability`'s business.
            let add = [name];
            let granted = caps::resolve(ctx.options.runtime, &add, &[]).set;
            if caps::display(name) != "NET_BIND_SERVICE" || !granted.contains(&"NET_BIND_SERVICE") {
                continue;
            }
            let list: Vec<String> = ports.iter().map(i64::to_string).collect();
            out.push(
                ctx.report(&CHECK, format!(
                        "container \"{}\" adds NET_BIND_SERVICE but its ports ({}) are all 1024 or above",
                        c.name,
                        list.join(", ")
                    ),
                    Some(c.name),
                    node.span(),
                    c.sc_path("capabilities.add"),
                )
                .with_fix(Fix::unsafe_(
                    format!("remove {name} from securityContext.capabilities.add"),
                    "ports are informational: a program that also binds an undeclared port below 1024 fails with permission denied",
                    vec![Patch::RemoveItem {
                        path: path(&c.sc_path("capabilities.add")),
                        item: name.to_string(),
                    }],
                )),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::CHECK;
    use crate::testing::check;

    #[test]
    fn ports_decide() {
        let yaml = r#"
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
  - name: high
    ports: [{containerPort: 8080}, {containerPort: 9090}]
    securityContext: {capabilities: {drop: [ALL], add: [NET_BIND_SERVICE]}}
  - name: low
    ports: [{containerPort: 8080}, {containerPort: 80}]
    securityContext: {capabilities: {drop: [ALL], add: [NET_BIND_SERVICE]}}
  - name: none
    securityContext: {capabilities: {drop: [ALL], add: [NET_BIND_SERVICE]}}
"#;
        check(
            &CHECK,
            yaml,
            expect![[r#"
            9:57 spec.containers[0].securityContext.capabilities.add container "high" adds NET_BIND_SERVICE but its ports (8080, 9090) are all 1024 or above [fix: remove NET_BIND_SERVICE from securityContext.capabilities.add (unsafe)]
        "#]],
        );
    }
}
