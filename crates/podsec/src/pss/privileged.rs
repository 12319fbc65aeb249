//! `privileged` (baseline): no container may run privileged.

use crate::fix::FixAvailability;
use crate::model::FindingLevel;
use crate::pod::PodView;
use crate::pss::{Out, Rule, Verdict, containers_phrase, remove_sc_field, who};
use crate::rule::{Check, Docs};

pub(crate) const CHECK: Check = Check {
    id: "privileged",
    level: FindingLevel::Baseline,
    summary: "a container runs privileged",
    default_on: true,
    fix: FixAvailability::Always,
    docs: crate::rule::docs!(Docs {
        what: "\
Checks that no container (init, regular or ephemeral) sets `securityContext.privileged: true`.",
        why: "\
A privileged container gets every capability, every device of the node under `/dev`, no seccomp or AppArmor confinement and writable kernel interfaces under `/sys` and `/proc`.
It is, for practical purposes, root on the node: mounting the host's disk or loading a kernel module is a one-liner.
A compromise of any process in it is a compromise of the node and of every workload and secret on it.",
        example: "\
apiVersion: v1
kind: Pod
metadata:
  name: tool
spec:
  containers:
  - name: app
    image: busybox
    securityContext:
      privileged: true
",
        use_instead: "\
apiVersion: v1
kind: Pod
metadata:
  name: tool
spec:
  containers:
  - name: app
    image: busybox
    securityContext:
      privileged: false
",
        fix_safety: "\
The fix removes `privileged: true`.
It is unsafe: privileged containers are usually privileged for a reason (device access, mounting filesystems, configuring the node's network or kernel), and that work fails without it.
Grant the specific capability or device the workload needs instead, or move the workload to a namespace exempt from baseline.",
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
    let mut bad = Vec::new();
    for c in &pod.containers {
        let Some(n) = c.sc("privileged").filter(|n| n.as_bool() == Some(true)) else {
            continue;
        };
        bad.push(c.name);
        out.push(remove_sc_field(
            c,
            "privileged",
            n,
            format!("privileged: {} sets securityContext.privileged=true", who(c)),
            "device access, mounts and kernel or network configuration that the container performs stop working",
        ));
    }
    if bad.is_empty() {
        return Verdict::pass("no container is privileged", None);
    }
    Verdict::Denied {
        reason: "privileged".to_string(),
        detail: format!(
            "{} must not set securityContext.privileged=true",
            containers_phrase(&bad)
        ),
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::CHECK;
    use crate::testing::check;

    #[test]
    fn privileged_fails() {
        check(
            &CHECK,
            "# podsec: --version v1.0\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  ephemeralContainers:\n  - name: dbg\n    image: x\n    securityContext:\n      privileged: true\n  containers:\n  - name: a\n    image: x\n    securityContext:\n      privileged: false\n",
            expect![[r#"
            denied: privileged (container "dbg" must not set securityContext.privileged=true)
            11:19 spec.ephemeralContainers[0].securityContext.privileged privileged: ephemeral container "dbg" sets securityContext.privileged=true [fix: remove securityContext.privileged (unsafe)]
        "#]],
        );
    }
}
