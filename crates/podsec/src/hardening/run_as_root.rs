//! `run-as-root`: a container that runs as user 0.

use crate::effective::{ImageUser, image_user};
use crate::fix::{Fix, FixAvailability};
use crate::model::FindingLevel;
use crate::rule::{Check, Docs, Findings, Rule};

use super::{Ctx, Field, container_anchor, containers_phrase, offending, user_stated};

pub(super) const CHECK: Check = Check {
    id: "run-as-root",
    level: FindingLevel::Hardening,
    summary: "a container runs as root (user 0)",
    default_on: true,
    fix: FixAvailability::None,
    docs: crate::rule::docs!(Docs {
        what: "Flags containers whose effective `runAsUser` is `0`: set on the container, or inherited from the pod's `securityContext`.
When you tell podsec the image's `USER` (the `image_users` option, `--image-user app=0` on the command line), it also flags a container that sets no `runAsUser` and whose image runs as root.
Group 0 is `root-group`'s business.
Where the restricted profile's `runAsUser` check runs (from policy version v1.23, unless the pod sets `hostUsers: false` at v1.35 or later), that check already rejects an explicit `runAsUser: 0`, and this rule only reports the image case.",
        why: "Root inside a container is still root for the kernel: it owns every file of the image, keeps every capability the container has, and only the container's isolation stands between it and the node.
Most container escapes need root in the container as a first step; with a non-root user, a kernel bug or a misconfigured mount is usually not enough.
A user namespace (`hostUsers: false`) maps container root to an unprivileged user on the node, which makes it much less dangerous, but the process is still root over everything inside the pod.",
        example: "# podsec: --level baseline
apiVersion: v1
kind: Pod
metadata:
  name: app
spec:
  securityContext:
    runAsUser: 0
  containers:
    - name: app
      image: example/app:1.0
",
        use_instead: "# podsec: --level baseline
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
Which user to run as is a choice only you can make: the image must work as that user (its files must be readable, the directories it writes to writable).
Pick a UID that exists in the image or that the image is built to run with, set `runAsUser` to it and `runAsNonRoot: true`, and give writable volumes an `fsGroup`.",
        policy: "The restricted profile forbids an explicit `runAsUser: 0` (at pod or container level) from policy version v1.23, and exempts pods with `hostUsers: false` from v1.35.
Its `runAsNonRoot` check (all versions) makes the kubelet refuse a root user at start rather than forbidding it in the manifest.",
        references: &[
            "https://kubernetes.io/docs/concepts/security/pod-security-standards/",
            "https://kubernetes.io/docs/tasks/configure-pod-container/security-context/",
            "https://kubernetes.io/docs/concepts/workloads/pods/user-namespaces/",
        ],
    }),
};

pub(super) const RULE: Rule = Rule { check: &CHECK, run };

fn manual() -> Fix {
    Fix::manual(
        "run the container as a non-root user",
        "choose a UID the image works with, set securityContext.runAsUser to it and runAsNonRoot: true",
    )
}

fn run(ctx: &Ctx<'_, '_>, out: &mut Findings<'_>) {
    // Where runAsUser denies the pod, it denies every runAsUser=0 this rule would report.
    if !ctx.pss_denies(&crate::pss::run_as_user::CHECK) {
        for o in offending(ctx, Field::RunAsUser, "runAsUser", |v| v == 0) {
            let message = match o.container {
                Some(c) => format!(
                    "container \"{}\" runs as root: securityContext.runAsUser=0",
                    c.name
                ),
                None => format!(
                    "pod securityContext.runAsUser=0 makes {} run as root",
                    containers_phrase(&o.inheriting)
                ),
            };
            out.push(o.report(ctx, &CHECK, message).with_fix(manual()));
        }
    }
    for (i, c) in ctx.linux_containers().iter().enumerate() {
        if user_stated(ctx, i) {
            continue;
        }
        let root = match image_user(ctx.options, c.name) {
            Some(ImageUser::Unset) => "sets no USER",
            Some(ImageUser::Uid(0)) => "runs as USER 0",
            Some(ImageUser::Name(n)) if n == "root" => "runs as USER root",
            _ => continue,
        };
        out.push(
            ctx.report(&CHECK, format!(
                    "container \"{}\" runs as root: its image {root} and securityContext.runAsUser is unset",
                    c.name
                ),
                Some(c.name),
                container_anchor(c),
                c.sc_path("runAsUser"),
            )
            .with_fix(manual()),
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
  securityContext: {runAsUser: 0}
  containers:
  - name: a
  - name: b
  - name: c
    securityContext: {runAsUser: 0}
  - name: d
    securityContext: {runAsUser: 1000}
"#;

    #[test]
    fn explicit_zero() {
        check(
            &CHECK,
            &format!("# podsec: --level baseline\n{POD}"),
            expect![[r#"
            7:32 spec.securityContext.runAsUser pod securityContext.runAsUser=0 makes containers "a", "b" run as root [fix: run the container as a non-root user (manual)]
            12:34 spec.containers[2].securityContext.runAsUser container "c" runs as root: securityContext.runAsUser=0 [fix: run the container as a non-root user (manual)]
        "#]],
        );
        check(&CHECK, POD, expect![[""]]);
        check(
            &CHECK,
            &format!("# podsec: --version v1.22\n{POD}"),
            expect![[r#"
            7:32 spec.securityContext.runAsUser pod securityContext.runAsUser=0 makes containers "a", "b" run as root [fix: run the container as a non-root user (manual)]
            12:34 spec.containers[2].securityContext.runAsUser container "c" runs as root: securityContext.runAsUser=0 [fix: run the container as a non-root user (manual)]
        "#]],
        );
    }

    #[test]
    fn image_user() {
        let yaml = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: a\n  - name: b\n  - name: c\n";
        check(
            &CHECK,
            &format!("# podsec: --image-user a= --image-user b=1000 --image-user c=root\n{yaml}"),
            expect![[r#"
            7:5 spec.containers[0].securityContext.runAsUser container "a" runs as root: its image sets no USER and securityContext.runAsUser is unset [fix: run the container as a non-root user (manual)]
            9:5 spec.containers[2].securityContext.runAsUser container "c" runs as root: its image runs as USER root and securityContext.runAsUser is unset [fix: run the container as a non-root user (manual)]
        "#]],
        );
    }
}
