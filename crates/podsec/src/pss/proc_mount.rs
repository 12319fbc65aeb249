//! `procMount` (baseline): containers must keep the default masking of `/proc`.

use crate::fix::FixAvailability;
use crate::model::FindingLevel;
use crate::pod::PodView;
use crate::pss::{
    Out, Rule, Verdict, containers_phrase, join_quote, remove_sc_field, sorted_set,
    user_namespace_exempt, who,
};
use crate::rule::{Check, Docs};

pub(crate) const CHECK: Check = Check {
    id: "procMount",
    level: FindingLevel::Baseline,
    summary: "a container unmasks /proc (procMount other than Default)",
    default_on: true,
    fix: FixAvailability::Always,
    docs: crate::rule::docs!(Docs {
        what: "\
Checks that every container's `securityContext.procMount` is unset or `Default`.
From v1.35 any value is accepted when the pod runs in a user namespace (`spec.hostUsers: false`).",
        why: "\
By default the runtime masks or makes read-only the sensitive parts of `/proc` inside a container (`/proc/kcore`, `/proc/sys`, `/proc/sysrq-trigger` and others).
`procMount: Unmasked` removes that protection, exposing kernel memory, kernel tunables and host-wide controls to the container.
Combined with root in the host user namespace, that is a path to reconfiguring or crashing the node.
Inside a user namespace the kernel itself prevents those writes, which is why newer policy versions allow it there.",
        example: "\
apiVersion: v1
kind: Pod
metadata:
  name: builder
spec:
  containers:
  - name: app
    image: busybox
    securityContext:
      procMount: Unmasked
",
        use_instead: "\
apiVersion: v1
kind: Pod
metadata:
  name: builder
spec:
  containers:
  - name: app
    image: busybox
",
        fix_safety: "\
The fix removes `procMount`, restoring the default masked `/proc`.
It is unsafe: workloads that unmask `/proc` are typically nested container runtimes or image builders that need to mount their own `/proc`, and they fail without it.
For those, `hostUsers: false` (a user namespace) is the safer way to allow it at baseline from v1.35.",
        policy: "\
Baseline profile from v1.0.
From v1.35 the baseline check allows any value when `spec.hostUsers` is `false`.
At the restricted level, `procMount_restricted` replaces (overrides) this check from v1.35, without the user-namespace relaxation; restricted v1.0 to v1.34 run this check.",
        references: &[
            "https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline",
            "https://kubernetes.io/docs/concepts/workloads/pods/user-namespaces/",
        ],
    }),
};

pub(crate) const RULE: Rule = Rule {
    check: &CHECK,
    versions: &[(0, v1_0), (35, v1_35)],
    overrides: None,
};

/// The logic shared with `procMount_restricted`.
pub(crate) fn proc_mount(pod: &PodView<'_>, out: &mut Out<'_>) -> Verdict {
    let mut bad = Vec::new();
    let mut types = Vec::new();
    for c in &pod.containers {
        let Some(n) = c.sc("procMount") else {
            continue;
        };
        let value = n.text().unwrap_or("");
        if value == "Default" {
            continue;
        }
        bad.push(c.name);
        types.push(value.to_string());
        out.push(remove_sc_field(
            c,
            "procMount",
            n,
            format!(
                "procMount: {} sets securityContext.procMount to \"{value}\"",
                who(c)
            ),
            "nested container runtimes and image builders that mount their own /proc stop working",
        ));
    }
    if bad.is_empty() {
        return Verdict::pass("no container changes procMount from Default", None);
    }
    Verdict::Denied {
        reason: "procMount".to_string(),
        detail: format!(
            "{} must not set securityContext.procMount to {}",
            containers_phrase(&bad),
            join_quote(&sorted_set(types))
        ),
    }
}

fn v1_0(pod: &PodView<'_>, out: &mut Out<'_>) -> Verdict {
    proc_mount(pod, out)
}

fn v1_35(pod: &PodView<'_>, out: &mut Out<'_>) -> Verdict {
    user_namespace_exempt(
        pod,
        "any procMount is allowed (from v1.35)",
        proc_mount,
        out,
    )
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::CHECK;
    use crate::testing::check;

    const UNMASKED: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  hostUsers: false\n  containers:\n  - name: a\n    image: x\n    securityContext:\n      procMount: Unmasked\n  - name: b\n    image: x\n    securityContext:\n      procMount: Default\n";

    #[test]
    fn user_namespace_relaxes_from_v1_35() {
        check(
            &CHECK,
            &format!("# podsec: --version v1.34\n{UNMASKED}"),
            expect![[r#"
            denied: procMount (container "a" must not set securityContext.procMount to "Unmasked")
            12:18 spec.containers[0].securityContext.procMount procMount: container "a" sets securityContext.procMount to "Unmasked" [fix: remove securityContext.procMount (unsafe)]
        "#]],
        );
        check(
            &CHECK,
            &format!("# podsec: --version v1.35\n{UNMASKED}"),
            expect![[r#"
            allowed: not applicable: spec.hostUsers is false, so any procMount is allowed (from v1.35)
        "#]],
        );
        let host = UNMASKED.replace("hostUsers: false", "hostUsers: true");
        check(
            &CHECK,
            &format!("# podsec: --version v1.35\n{host}"),
            expect![[r#"
            denied: procMount (container "a" must not set securityContext.procMount to "Unmasked")
            12:18 spec.containers[0].securityContext.procMount procMount: container "a" sets securityContext.procMount to "Unmasked" [fix: remove securityContext.procMount (unsafe)]
        "#]],
        );
    }
}
