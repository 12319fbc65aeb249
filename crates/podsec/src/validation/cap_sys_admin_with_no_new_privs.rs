//! `cap-sys-admin-with-no-new-privs`: `allowPrivilegeEscalation: false` with the exact string
//! `CAP_SYS_ADMIN` in `capabilities.add` (V-C13).

use crate::fix::{Fix, FixAvailability};
use crate::model::FindingLevel;
use crate::rule::{Check, Docs, Findings, Rule};

use super::{Ctx, api};

pub(super) const CHECK: Check = Check {
    id: "cap-sys-admin-with-no-new-privs",
    level: FindingLevel::Rejected,
    summary: "allowPrivilegeEscalation: false with CAP_SYS_ADMIN in capabilities.add",
    default_on: true,
    fix: FixAvailability::None,
    docs: crate::rule::docs!(Docs {
        what: "Flags each `CAP_SYS_ADMIN` entry in `capabilities.add` of a container that also sets `allowPrivilegeEscalation: false`.
The API server compares the exact, case-sensitive string `CAP_SYS_ADMIN`: `SYS_ADMIN` or `cap_sys_admin` are not caught (see `sys-admin-defeats-no-new-privs`).",
        why: "`CAP_SYS_ADMIN` can mount filesystems, create namespaces and much more, which lets a process regain privileges whatever `no_new_privs` says, so Kubernetes refuses the contradiction.
Note also that containerd prefixes every name with `CAP_` again, so `CAP_SYS_ADMIN` would become the unknown `CAP_CAP_SYS_ADMIN` there and grant nothing: write capability names without the prefix.",
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
          add: [CAP_SYS_ADMIN]
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
        fix_safety: "No automatic fix: decide whether the container needs `SYS_ADMIN` (then `allowPrivilegeEscalation: false` cannot hold) or not (then remove it).",
        policy: "API-server validation since Kubernetes 1.8, in every version this tool models.
Upstream has started relaxing it after 1.35 (kubernetes/kubernetes#138834), first for updates of existing pods.",
        references: &[
            "https://github.com/kubernetes/kubernetes/issues/119568",
            "https://github.com/kubernetes/kubernetes/pull/138834",
        ],
    }),
};

pub(super) const RULE: Rule = Rule { check: &CHECK, run };

fn run(ctx: &Ctx<'_, '_>, out: &mut Findings<'_>) {
    for (_, c) in ctx.containers() {
        let no_new_privs =
            c.sc("allowPrivilegeEscalation").and_then(|n| n.as_bool()) == Some(false);
        if !no_new_privs {
            continue;
        }
        for (name, node) in c.caps_add() {
            if name != "CAP_SYS_ADMIN" {
                continue;
            }
            let path = format!("{}.securityContext", c.path);
            out.push(
                ctx.report(&CHECK, api(
                        &path,
                        "Invalid value: core.SecurityContext{...}",
                        "cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN",
                    ),
                    Some(c.name),
                    node.span(),
                    path,
                )
                .with_fix(Fix::manual(
                    "remove CAP_SYS_ADMIN or allowPrivilegeEscalation: false",
                    "decide whether the container needs SYS_ADMIN",
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
    fn exact_string_only() {
        let yaml = r#"
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
  - name: a
    securityContext:
      allowPrivilegeEscalation: false
      capabilities: {add: [CAP_SYS_ADMIN, SYS_ADMIN, cap_sys_admin, CAP_SYS_ADMIN]}
  - name: b
    securityContext:
      capabilities: {add: [CAP_SYS_ADMIN]}
"#;
        check(
            &CHECK,
            yaml,
            expect![[r#"
            10:28 spec.containers[0].securityContext spec.containers[0].securityContext: Invalid value: core.SecurityContext{...}: cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN [fix: remove CAP_SYS_ADMIN or allowPrivilegeEscalation: false (manual)]
            10:69 spec.containers[0].securityContext spec.containers[0].securityContext: Invalid value: core.SecurityContext{...}: cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN [fix: remove CAP_SYS_ADMIN or allowPrivilegeEscalation: false (manual)]
        "#]],
        );
    }
}
