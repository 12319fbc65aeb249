//! `capability-added-and-dropped`: the same capability in both `add` and `drop`.

use crate::effective::caps;
use crate::fix::{FieldPath, Fix, FixAvailability, Patch};
use crate::model::FindingLevel;
use crate::rule::{Check, Docs, Findings, Rule};

use super::Ctx;

pub(super) const CHECK: Check = Check {
    id: "capability-added-and-dropped",
    level: FindingLevel::Warning,
    summary: "a capability listed in both capabilities.add and capabilities.drop",
    default_on: true,
    fix: FixAvailability::Always,
    docs: crate::rule::docs!(Docs {
        what: "Flags an entry of `capabilities.add` whose capability (compared upper-case, without `CAP_`) is also in `capabilities.drop` of the same container.
`ALL` in `drop` does not count: `drop: [ALL]` with a few adds is the recommended pattern.",
        why: "containerd and CRI-O apply adds first and drops second, so the capability ends up absent; Docker (dockershim, up to 1.23) did the reverse and granted it.
Either way one of the two lines does not mean what it says.",
        example: "apiVersion: v1
kind: Pod
metadata:
  name: app
spec:
  containers:
    - name: app
      image: example/app:1.0
      securityContext:
        capabilities:
          add: [NET_ADMIN]
          drop: [NET_ADMIN]
",
        use_instead: "apiVersion: v1
kind: Pod
metadata:
  name: app
spec:
  containers:
    - name: app
      image: example/app:1.0
      securityContext:
        capabilities:
          drop: [NET_ADMIN]
",
        fix_safety: "The fix removes the entry from `add`: on containerd and CRI-O the drop already wins, so the container gets the same set and the fix is safe.",
        policy: "Not validated by the API server in any version; the runtime behaviour is that of containerd and CRI-O (Kubernetes 1.24 and later).",
        references: &[
            "https://github.com/containerd/containerd/blob/main/internal/cri/opts/spec_opts.go",
            "https://kubernetes.io/docs/tasks/configure-pod-container/security-context/#set-capabilities-for-a-container",
        ],
    }),
};

pub(super) const RULE: Rule = Rule { check: &CHECK, run };

fn run(ctx: &Ctx<'_, '_>, out: &mut Findings<'_>) {
    for (_, c) in ctx.containers() {
        let adds = c.caps_add();
        if adds.is_empty() {
            // Nothing can be both added and dropped, however long the drop list.
            continue;
        }
        // A set: both lists may be long, and each add is looked up once.
        let drops: std::collections::HashSet<String> =
            c.cap_names("drop").into_iter().map(caps::display).collect();
        for (name, node) in adds {
            let norm = caps::display(name);
            if norm == "ALL" || !drops.contains(&norm) {
                continue;
            }
            let add_path = c.sc_path("capabilities.add");
            out.push(
                ctx.report(
                    &CHECK,
                    format!(
                        "container \"{}\" adds and drops {norm}: containerd and CRI-O drop it",
                        c.name
                    ),
                    Some(c.name),
                    node.span(),
                    add_path.clone(),
                )
                .with_fix(Fix::safe(
                    format!("remove {name} from capabilities.add"),
                    vec![Patch::RemoveItem {
                        path: FieldPath::parse(&add_path),
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
    fn same_capability() {
        let yaml = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: a\n    securityContext:\n      capabilities: {add: [NET_ADMIN, CAP_SYS_TIME, KILL], drop: [ALL, cap_net_admin, SYS_TIME]}\n";
        check(
            &CHECK,
            yaml,
            expect![[r#"
            8:28 spec.containers[0].securityContext.capabilities.add container "a" adds and drops NET_ADMIN: containerd and CRI-O drop it [fix: remove NET_ADMIN from capabilities.add (safe)]
            8:39 spec.containers[0].securityContext.capabilities.add container "a" adds and drops SYS_TIME: containerd and CRI-O drop it [fix: remove CAP_SYS_TIME from capabilities.add (safe)]
        "#]],
        );
    }
}
