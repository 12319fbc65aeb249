//! `low-uid`: a container whose user ID is below a chosen minimum.

use crate::fix::{Fix, FixAvailability};
use crate::model::FindingLevel;
use crate::rule::{Check, Docs, Findings, Rule};

use super::{Ctx, Field, containers_phrase, offending};

/// The minimum when the options give none.
pub(super) const DEFAULT_MIN_UID: i64 = 10000;

pub(super) const CHECK: Check = Check {
    id: "low-uid",
    level: FindingLevel::Hardening,
    summary: "a container's runAsUser is below the minimum UID (10000 unless configured)",
    default_on: false,
    fix: FixAvailability::None,
    docs: crate::rule::docs!(Docs {
        what: "Flags a non-zero `runAsUser` (on the container, or inherited from the pod) below a minimum, 10000 unless you set another (`min_uid` option, `--min-uid` on the command line).
UID 0 is `run-as-root`'s business.
The rule is off by default: enable it if your cluster reserves low UIDs.",
        why: "Without user namespaces, a container's UID is the same number on the node.
Low UIDs are where the node's own system users live (and, on many distributions, its first human users at 1000), so a container running as UID 1000 owns, for the kernel, whatever files that node user owns on any host path it can reach.
A high, cluster-wide range for workloads (above 10000 is the usual convention) avoids such collisions.
The threshold is disputed, which is why the rule is off by default: the collision only matters when the container can reach host files, images often ship a user at 1000 or 1001, and several linters' hard-coded 10000 has drawn repeated complaints.",
        example: "# podsec: --min-uid 10000
apiVersion: v1
kind: Pod
metadata:
  name: app
spec:
  securityContext:
    runAsUser: 1000
    runAsNonRoot: true
  containers:
    - name: app
      image: example/app:1.0
",
        use_instead: "# podsec: --min-uid 10000
apiVersion: v1
kind: Pod
metadata:
  name: app
spec:
  securityContext:
    runAsUser: 10001
    runAsNonRoot: true
  containers:
    - name: app
      image: example/app:1.0
",
        fix_safety: "No automatic fix.
Changing the UID changes who owns the files the container writes and which image files it can read; the image must work as the new user.
Choose a UID at or above the minimum, set `runAsUser` to it, and check volume permissions (`fsGroup`).",
        policy: "",
        references: &[
            "https://github.com/zegl/kube-score/issues/204",
            "https://github.com/bridgecrewio/checkov/issues/713",
            "https://kubernetes.io/docs/concepts/workloads/pods/user-namespaces/",
        ],
    }),
};

pub(super) const RULE: Rule = Rule { check: &CHECK, run };

fn manual(min: i64) -> Fix {
    Fix::manual(
        format!("run the container with a UID of {min} or more"),
        "choose a UID the image works with and check the ownership of the files it writes",
    )
}

fn run(ctx: &Ctx<'_, '_>, out: &mut Findings<'_>) {
    let min = ctx.options.min_uid.unwrap_or(DEFAULT_MIN_UID);
    for o in offending(ctx, Field::RunAsUser, "runAsUser", |v| v > 0 && v < min) {
        let v = o.value;
        let message = match o.container {
            Some(c) => format!("container \"{}\" runs as UID {v}, below {min}", c.name),
            None => format!(
                "pod securityContext.runAsUser={v} makes {} run as a UID below {min}",
                containers_phrase(&o.inheriting)
            ),
        };
        out.push(o.report(ctx, &CHECK, message).with_fix(manual(min)));
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::CHECK;
    use crate::testing::check;

    #[test]
    fn threshold() {
        let yaml = r#"
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  securityContext: {runAsUser: 1000}
  containers:
  - name: a
  - name: b
    securityContext: {runAsUser: 20000}
  - name: c
    securityContext: {runAsUser: 0}
"#;
        check(
            &CHECK,
            yaml,
            expect![[r#"
            6:32 spec.securityContext.runAsUser pod securityContext.runAsUser=1000 makes container "a" run as a UID below 10000 [fix: run the container with a UID of 10000 or more (manual)]
        "#]],
        );
        check(
            &CHECK,
            &format!("# podsec: --min-uid 500\n{yaml}"),
            expect![[""]],
        );
        check(
            &CHECK,
            &format!("# podsec: --min-uid 30000\n{yaml}"),
            expect![[r#"
            7:32 spec.securityContext.runAsUser pod securityContext.runAsUser=1000 makes container "a" run as a UID below 30000 [fix: run the container with a UID of 30000 or more (manual)]
            11:34 spec.containers[1].securityContext.runAsUser container "b" runs as UID 20000, below 30000 [fix: run the container with a UID of 30000 or more (manual)]
        "#]],
        );
    }
}
