//! `capabilities-on-privileged-container`: `capabilities` on a privileged container, where the
//! runtime ignores them.

use crate::fix::{FieldPath, Fix, FixAvailability, Patch};
use crate::model::FindingLevel;
use crate::rule::{Check, Docs, Findings, Rule};

use super::Ctx;

pub(super) const CHECK: Check = Check {
    id: "capabilities-on-privileged-container",
    level: FindingLevel::Warning,
    summary: "capabilities.add or drop on a privileged container, where they are ignored",
    default_on: true,
    fix: FixAvailability::Always,
    docs: crate::rule::docs!(Docs {
        what: "Flags a non-empty `capabilities.add` or `capabilities.drop` on a container with `privileged: true`.",
        why: "A privileged container gets every capability whatever the lists say: containerd applies privileged after add/drop, CRI-O skips them.
A `drop: [ALL]` there reads as hardening while it removes nothing.",
        example: "apiVersion: v1
kind: Pod
metadata:
  name: agent
spec:
  containers:
    - name: agent
      image: example/agent:1.0
      securityContext:
        privileged: true
        capabilities:
          drop: [ALL]
",
        use_instead: "apiVersion: v1
kind: Pod
metadata:
  name: agent
spec:
  containers:
    - name: agent
      image: example/agent:1.0
      securityContext:
        capabilities:
          drop: [ALL]
          add: [NET_ADMIN]
",
        fix_safety: "The fix removes `capabilities`, which the runtime ignores anyway, so it is safe; whether the container needs to be privileged at all is a separate question.",
        policy: "Not validated by the API server in any version.",
        references: &["https://kubernetes.io/docs/tasks/configure-pod-container/security-context/"],
    }),
};

pub(super) const RULE: Rule = Rule { check: &CHECK, run };

fn run(ctx: &Ctx<'_, '_>, out: &mut Findings<'_>) {
    for (_, c) in ctx.containers() {
        if c.sc("privileged").and_then(|n| n.as_bool()) != Some(true) {
            continue;
        }
        if c.cap_entries("add").next().is_none() && c.cap_entries("drop").next().is_none() {
            continue;
        }
        let Some((k, _)) = c
            .security_context()
            .and_then(|sc| sc.get_entry("capabilities"))
        else {
            continue;
        };
        let path = c.sc_path("capabilities");
        out.push(
            ctx.report(&CHECK, format!("container \"{}\" is privileged, so its capabilities are ignored: it gets every capability", c.name),
                Some(c.name),
                k.span(),
                path.clone(),
            )
            .with_fix(Fix::safe("remove securityContext.capabilities", vec![Patch::Remove { path: FieldPath::parse(&path) }])),
        );
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::CHECK;
    use crate::testing::check;

    #[test]
    fn privileged_only() {
        let yaml = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: a\n    securityContext:\n      privileged: true\n      capabilities: {drop: [ALL]}\n  - name: b\n    securityContext:\n      capabilities: {drop: [ALL]}\n";
        check(
            &CHECK,
            yaml,
            expect![[r#"
            9:7 spec.containers[0].securityContext.capabilities container "a" is privileged, so its capabilities are ignored: it gets every capability [fix: remove securityContext.capabilities (safe)]
        "#]],
        );
    }
}
