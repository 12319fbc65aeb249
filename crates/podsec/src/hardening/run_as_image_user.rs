//! `run-as-image-user`: a container whose user is left to the image.

use crate::effective::image_user;
use crate::fix::{Fix, FixAvailability, Patch, PatchValue};
use crate::model::FindingLevel;
use crate::rule::{Check, Docs, Findings, Rule};

use super::{Ctx, container_anchor, path, user_stated};

pub(super) const CHECK: Check = Check {
    id: "run-as-image-user",
    level: FindingLevel::Hardening,
    summary: "a container runs as whatever user its image says, root if the image says nothing",
    default_on: true,
    fix: FixAvailability::Always,
    docs: crate::rule::docs!(Docs {
        what: "Flags containers that set `runAsUser` nowhere (neither on the container nor on the pod) and are not protected by `runAsNonRoot: true`.
Such a container runs as the image's `USER`, and as root when the image sets none, which is the case for most base images.
A container whose image user you gave podsec (`--image-user`) is judged by `run-as-root` instead.
The restricted profile's `runAsNonRoot` check already reports every such container, so this rule speaks only at the baseline and privileged levels (and at restricted v1.35 or later for pods with `hostUsers: false`, which that check exempts).",
        why: "The manifest is where a reviewer looks to know who a container runs as.
When it says nothing, the answer is hidden in an image build, can change with the next image tag, and is root for most images built `FROM` a distribution.
Setting `runAsUser` states the user; setting `runAsNonRoot: true` makes the kubelet refuse to start the container if the user turns out to be root, so a bad image fails loudly instead of running as root quietly.",
        example: "# podsec: --level baseline
apiVersion: v1
kind: Pod
metadata:
  name: app
spec:
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
    runAsNonRoot: true
  containers:
    - name: app
      image: example/app:1.0
",
        fix_safety: "Unsafe.
The fix sets `runAsNonRoot: true` on the container.
If the image runs as root (no `USER`, or `USER 0`) or names its user instead of giving a number (`USER nginx`), the kubelet refuses to start the container (`CreateContainerConfigError`) until you set a numeric non-root `runAsUser` the image works with.",
        policy: "The restricted profile requires `runAsNonRoot: true` at every policy version (pod-level `true` covers containers that leave it unset), and exempts pods with `hostUsers: false` from v1.35.
Baseline does not look at the user.",
        references: &[
            "https://kubernetes.io/docs/concepts/security/pod-security-standards/",
            "https://kubernetes.io/docs/tasks/configure-pod-container/security-context/",
        ],
    }),
};

pub(super) const RULE: Rule = Rule { check: &CHECK, run };

fn run(ctx: &Ctx<'_, '_>, out: &mut Findings<'_>) {
    // Where runAsNonRoot denies the pod, it already asks every container this rule would report
    // to set runAsNonRoot: true.
    if ctx.pss_denies(&crate::pss::run_as_non_root::CHECK) {
        return;
    }
    for (i, c) in ctx.linux_containers().iter().enumerate() {
        if user_stated(ctx, i) || image_user(ctx.options, c.name).is_some() {
            continue;
        }
        out.push(
            ctx.report(&CHECK, format!(
                    "container \"{}\" runs as its image's user, root if the image sets none: runAsUser and runAsNonRoot are unset",
                    c.name
                ),
                Some(c.name),
                container_anchor(c),
                c.sc_path("runAsNonRoot"),
            )
            .with_fix(Fix::unsafe_(
                "set securityContext.runAsNonRoot: true",
                "the kubelet refuses to start the container if its image runs as root or names its user: then set a numeric non-root runAsUser",
                vec![Patch::Set {
                    path: path(&c.sc_path("runAsNonRoot")),
                    value: PatchValue::Bool(true),
                }],
            )),
        );
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::CHECK;
    use crate::testing::check;

    #[test]
    fn unset_user() {
        let yaml = r#"
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  securityContext: {runAsNonRoot: false}
  containers:
  - name: a
  - name: b
    securityContext: {runAsUser: 1000}
  - name: c
    securityContext: {runAsNonRoot: true}
  - name: d
"#;
        check(
            &CHECK,
            &format!("# podsec: --level baseline --image-user d=1000\n{yaml}"),
            expect![[r#"
            9:5 spec.containers[0].securityContext.runAsNonRoot container "a" runs as its image's user, root if the image sets none: runAsUser and runAsNonRoot are unset [fix: set securityContext.runAsNonRoot: true (unsafe)]
        "#]],
        );
        check(&CHECK, yaml, expect![[""]]);
    }

    #[test]
    fn user_namespaces_lift_the_restricted_check() {
        let yaml = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  hostUsers: false\n  containers: [{name: a}]\n";
        check(
            &CHECK,
            yaml,
            expect![[r#"
            6:17 spec.containers[0].securityContext.runAsNonRoot container "a" runs as its image's user, root if the image sets none: runAsUser and runAsNonRoot are unset [fix: set securityContext.runAsNonRoot: true (unsafe)]
        "#]],
        );
        check(
            &CHECK,
            &format!("# podsec: --version v1.34\n{yaml}"),
            expect![[""]],
        );
    }
}
