//! `host-namespace-with-user-namespace`: `hostNetwork`, `hostPID` or `hostIPC` in a pod with
//! `hostUsers: false` (§4.5, 1.25+).

use crate::fix::FixAvailability;
use crate::model::FindingLevel;
use crate::rule::{Check, Docs, Findings, Rule};

use super::{Ctx, api};

pub(super) const CHECK: Check = Check {
    id: "host-namespace-with-user-namespace",
    level: FindingLevel::Rejected,
    summary: "hostNetwork, hostPID or hostIPC together with hostUsers: false",
    default_on: true,
    fix: FixAvailability::None,
    docs: crate::rule::docs!(Docs {
        what: "Flags `hostNetwork: true`, `hostPID: true` or `hostIPC: true` in a pod with `hostUsers: false`.
The API server refuses each with ``Forbidden: when `pod.Spec.HostUsers` is false`` (the paths for PID and IPC are printed `spec.HostPID` and `spec.HostIPC`, capitalised, as upstream does).",
        why: "A user namespace only isolates what is namespaced with it; joining the host's network, PID or IPC namespace would let the pod act on host resources that the user namespace cannot protect, so Kubernetes refuses the combination.",
        example: "apiVersion: v1
kind: Pod
metadata:
  name: app
spec:
  hostUsers: false
  hostNetwork: true
  containers:
    - name: app
      image: example/app:1.0
",
        use_instead: "apiVersion: v1
kind: Pod
metadata:
  name: app
spec:
  hostUsers: false
  containers:
    - name: app
      image: example/app:1.0
",
        fix_safety: "No automatic fix: choose between the user namespace and the host namespace.",
        policy: "From Kubernetes 1.33 with default feature gates: `hostUsers` appeared in 1.25, but until 1.32 the API server drops it before validating (`UserNamespacesSupport` off by default; docs/versions.md).
From 1.35 the alpha gate `UserNamespacesHostNetworkSupport` (off by default) allows `hostNetwork`; this tool assumes default gates.
Kubernetes 1.34 reworded these messages (kubernetes/kubernetes#132868); the wording shown is the earlier one.",
        references: &[
            "https://kubernetes.io/docs/concepts/workloads/pods/user-namespaces/",
            "https://github.com/kubernetes/kubernetes/pull/132868",
        ],
    }),
};

pub(super) const RULE: Rule = Rule { check: &CHECK, run };

fn run(ctx: &Ctx<'_, '_>, out: &mut Findings<'_>) {
    if ctx.kube() < 25 || !ctx.pod.host_users_false() {
        return;
    }
    let users = ctx.pod.bool_field("hostUsers").map(|(_, n)| n);
    for (key, printed) in [
        ("hostNetwork", "hostNetwork"),
        ("hostPID", "HostPID"),
        ("hostIPC", "HostIPC"),
    ] {
        let Some((true, n)) = ctx.pod.bool_field(key) else {
            continue;
        };
        let path = format!("{}.{printed}", ctx.pod.path);
        let mut f = ctx.report(
            &CHECK,
            api(&path, "Forbidden", "when `pod.Spec.HostUsers` is false"),
            None,
            n.span(),
            format!("{}.{key}", ctx.pod.path),
        );
        if let Some(u) = users {
            f = f.related("hostUsers: false", u.span());
        }
        out.push(f);
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::CHECK;
    use crate::testing::check;

    const POD: &str = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  hostUsers: false\n  hostNetwork: true\n  hostPID: true\n  hostIPC: false\n  containers: [{name: a}]\n";

    #[test]
    fn host_namespaces() {
        check(
            &CHECK,
            &format!("# podsec: --kube 1.33\n{POD}"),
            expect![[r#"
                7:16 spec.hostNetwork spec.hostNetwork: Forbidden: when `pod.Spec.HostUsers` is false
                8:12 spec.hostPID spec.HostPID: Forbidden: when `pod.Spec.HostUsers` is false
            "#]],
        );
        // Before 1.33 the API server drops hostUsers (UserNamespacesSupport off by default).
        check(
            &CHECK,
            &format!("# podsec: --kube 1.24\n{POD}"),
            expect![[""]],
        );
        check(
            &CHECK,
            &format!("# podsec: --kube 1.32\n{POD}"),
            expect![[""]],
        );
        let host_users = POD.replace("hostUsers: false", "hostUsers: true");
        check(
            &CHECK,
            &format!("# podsec: --kube 1.36\n{host_users}"),
            expect![[""]],
        );
    }
}
