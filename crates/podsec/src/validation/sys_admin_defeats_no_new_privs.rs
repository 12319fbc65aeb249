//! `sys-admin-defeats-no-new-privs`: `allowPrivilegeEscalation: false` with `SYS_ADMIN` added in a
//! spelling the API server does not catch.

use crate::effective::caps;
use crate::fix::FixAvailability;
use crate::model::{FindingLevel, Runtime};
use crate::rule::{Check, Docs, Findings, Rule};

use super::Ctx;

pub(super) const CHECK: Check = Check {
    id: "sys-admin-defeats-no-new-privs",
    level: FindingLevel::Warning,
    summary: "allowPrivilegeEscalation: false with SYS_ADMIN granted, which makes no_new_privs moot",
    default_on: true,
    fix: FixAvailability::None,
    docs: crate::rule::docs!(Docs {
        what: "Flags a container with `allowPrivilegeEscalation: false` that adds `SYS_ADMIN` in a spelling other than the exact `CAP_SYS_ADMIN` (which the API server refuses, see `cap-sys-admin-with-no-new-privs`) and really gets it from the runtime (`SYS_ADMIN`, `sys_admin`, or `cap_sys_admin` on CRI-O).",
        why: "The API server accepts it and the runtime sets `no_new_privs` and grants `CAP_SYS_ADMIN` at once; with `CAP_SYS_ADMIN` a process can mount, create namespaces and regain privileges, so `allowPrivilegeEscalation: false` promises something it cannot keep (kubernetes/kubernetes#119568).",
        example: "apiVersion: v1
kind: Pod
metadata:
  name: fuse
spec:
  containers:
    - name: fuse
      image: example/fuse:1.0
      securityContext:
        allowPrivilegeEscalation: false
        capabilities:
          add: [SYS_ADMIN]
",
        use_instead: "apiVersion: v1
kind: Pod
metadata:
  name: fuse
spec:
  containers:
    - name: fuse
      image: example/fuse:1.0
      securityContext:
        allowPrivilegeEscalation: false
        capabilities:
          drop: [ALL]
",
        fix_safety: "No automatic fix: decide whether the container needs `SYS_ADMIN`; if it does, treat it as able to escalate.",
        policy: "Accepted by the API server in every version this tool models; upstream discussion in kubernetes/kubernetes#131336.",
        references: &[
            "https://github.com/kubernetes/kubernetes/issues/119568",
            "https://github.com/kubernetes/kubernetes/issues/131336",
        ],
    }),
};

pub(super) const RULE: Rule = Rule { check: &CHECK, run };

fn run(ctx: &Ctx<'_, '_>, out: &mut Findings<'_>) {
    for (_, c) in ctx.containers() {
        if c.sc("allowPrivilegeEscalation").and_then(|n| n.as_bool()) != Some(false) {
            continue;
        }
        if c.sc("privileged").and_then(|n| n.as_bool()) == Some(true) {
            continue;
        }
        for (name, node) in c.caps_add() {
            if name == "CAP_SYS_ADMIN" {
                continue;
            }
            let granted = match ctx.options.runtime {
                Runtime::Containerd => name.eq_ignore_ascii_case("SYS_ADMIN"),
                Runtime::CriO => caps::display(name) == "SYS_ADMIN",
            };
            let dropped = c
                .cap_entries("drop")
                .any(|(d, _)| caps::display(d) == "SYS_ADMIN");
            if !granted || dropped {
                continue;
            }
            out.push(ctx.report(&CHECK, format!("container \"{}\" sets allowPrivilegeEscalation: false but adds {name}, which lets it regain privileges anyway", c.name),
                Some(c.name),
                node.span(),
                c.sc_path("capabilities.add"),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::CHECK;
    use crate::testing::check;

    const POD: &str = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: a\n    securityContext:\n      allowPrivilegeEscalation: false\n      capabilities: {add: [SYS_ADMIN, cap_sys_admin, CAP_SYS_ADMIN]}\n";

    #[test]
    fn spellings_per_runtime() {
        check(
            &CHECK,
            POD,
            expect![[r#"
            9:28 spec.containers[0].securityContext.capabilities.add container "a" sets allowPrivilegeEscalation: false but adds SYS_ADMIN, which lets it regain privileges anyway
        "#]],
        );
        check(
            &CHECK,
            &format!("# podsec: --runtime cri-o\n{POD}"),
            expect![[r#"
                10:28 spec.containers[0].securityContext.capabilities.add container "a" sets allowPrivilegeEscalation: false but adds SYS_ADMIN, which lets it regain privileges anyway
                10:39 spec.containers[0].securityContext.capabilities.add container "a" sets allowPrivilegeEscalation: false but adds cap_sys_admin, which lets it regain privileges anyway
            "#]],
        );
    }
}
