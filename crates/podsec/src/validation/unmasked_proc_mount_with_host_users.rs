//! `unmasked-proc-mount-with-host-users`: `procMount: Unmasked` in a pod that shares the host's
//! user namespace (V-C5, 1.30+).

use crate::fix::{Fix, FixAvailability};
use crate::model::FindingLevel;
use crate::rule::{Check, Docs, Findings, Rule};

use super::{Ctx, api, go};

pub(super) const CHECK: Check = Check {
    id: "unmasked-proc-mount-with-host-users",
    level: FindingLevel::Rejected,
    summary: "procMount: Unmasked without hostUsers: false",
    default_on: true,
    fix: FixAvailability::None,
    docs: crate::rule::docs!(Docs {
        what: "Flags a container with `securityContext.procMount: Unmasked` in a pod whose `hostUsers` is unset or `true`.
Since Kubernetes 1.30 the API server refuses it: an unmasked `/proc` is only allowed inside a user namespace.",
        why: "`Unmasked` removes the masking and read-only bind mounts the runtime lays over sensitive parts of `/proc` and `/sys` (`/proc/kcore`, `/proc/sysrq-trigger`, `/sys/firmware`, ...).
In the host's user namespace, root in the container could then read kernel memory or reboot the node.
Inside a user namespace (`hostUsers: false`) the kernel itself keeps those files out of reach, which is why Kubernetes ties the two together.",
        example: "apiVersion: v1
kind: Pod
metadata:
  name: builder
spec:
  containers:
    - name: builder
      image: example/builder:1.0
      securityContext:
        procMount: Unmasked
",
        use_instead: "apiVersion: v1
kind: Pod
metadata:
  name: builder
spec:
  hostUsers: false
  containers:
    - name: builder
      image: example/builder:1.0
      securityContext:
        procMount: Unmasked
",
        fix_safety: "No automatic fix.
Either run the pod in a user namespace (`hostUsers: false`, which needs runtime support and changes file ownership on volumes) or drop `procMount: Unmasked`; both change how the workload runs.",
        policy: "Rejected from Kubernetes 1.30 (kubernetes/kubernetes#123520).
Before 1.33 the `ProcMountType` feature gate is off by default, and then the API server silently resets any `procMount` to `Default` before validating, so with default feature gates (what this tool models) the rule applies from 1.33.",
        references: &[
            "https://github.com/kubernetes/kubernetes/pull/123520",
            "https://github.com/kubernetes/enhancements/issues/4265",
        ],
    }),
};

pub(super) const RULE: Rule = Rule { check: &CHECK, run };

fn run(ctx: &Ctx<'_, '_>, out: &mut Findings<'_>) {
    if ctx.kube() < 30 || ctx.pod.host_users_false() {
        return;
    }
    for (_, c) in ctx.containers() {
        let Some(v) = c.sc("procMount").filter(|v| v.as_str() == Some("Unmasked")) else {
            continue;
        };
        let path = c.sc_path("procMount");
        out.push(
            ctx.report(
                &CHECK,
                api(
                    &path,
                    &format!("Invalid value: {}", go(v)),
                    "`hostUsers` must be false to use `Unmasked`",
                ),
                Some(c.name),
                v.span(),
                path,
            )
            .with_fix(Fix::manual(
                "run the pod in a user namespace or drop procMount: Unmasked",
                "hostUsers: false needs a runtime with user-namespace support",
            )),
        );
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::CHECK;
    use crate::testing::check;

    const POD: &str = r#"
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
  - name: a
    securityContext: {procMount: Unmasked}
  - name: b
    securityContext: {procMount: Default}
"#;

    #[test]
    fn from_1_30() {
        // Before 1.33 the API server resets procMount to Default (ProcMountType off by default).
        for kube in ["1.29", "1.30", "1.32"] {
            check(
                &CHECK,
                &format!("# podsec: --kube {kube}{POD}"),
                expect![[""]],
            );
        }
        check(
            &CHECK,
            &format!("# podsec: --kube 1.33{POD}"),
            expect![[r#"
                8:34 spec.containers[0].securityContext.procMount spec.containers[0].securityContext.procMount: Invalid value: "Unmasked": `hostUsers` must be false to use `Unmasked` [fix: run the pod in a user namespace or drop procMount: Unmasked (manual)]
            "#]],
        );
    }

    #[test]
    fn user_namespace_allows_it() {
        let yaml = POD.replace(
            "spec:\n  containers",
            "spec:\n  hostUsers: false\n  containers",
        );
        check(
            &CHECK,
            &format!("# podsec: --kube 1.36{yaml}"),
            expect![[""]],
        );
        let yaml = POD.replace(
            "spec:\n  containers",
            "spec:\n  hostUsers: true\n  containers",
        );
        check(
            &CHECK,
            &format!("# podsec: --kube 1.36{yaml}"),
            expect![[r#"
                9:34 spec.containers[0].securityContext.procMount spec.containers[0].securityContext.procMount: Invalid value: "Unmasked": `hostUsers` must be false to use `Unmasked` [fix: run the pod in a user namespace or drop procMount: Unmasked (manual)]
            "#]],
        );
    }
}
