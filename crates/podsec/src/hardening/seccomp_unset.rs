//! `seccomp-unset`: a container that gets no seccomp filter because nothing asks for one.

use crate::effective::{SECCOMP_POD, SECCOMP_PREFIX, seccomp_annotation};
use crate::fix::{Fix, FixAvailability, Patch, PatchValue};
use crate::model::FindingLevel;
use crate::rule::{Check, Docs, Findings, Rule};

use super::{Ctx, container_anchor, containers_phrase, path};

pub(super) const CHECK: Check = Check {
    id: "seccomp-unset",
    level: FindingLevel::Hardening,
    summary: "no seccomp profile is set, so the container runs with no seccomp filter",
    default_on: true,
    fix: FixAvailability::Always,
    docs: crate::rule::docs!(Docs {
        what: "Flags containers for which nothing sets a seccomp profile: no `seccompProfile` on the container or the pod (nor, before Kubernetes 1.27, a legacy seccomp annotation).
The kubelet then runs them `Unconfined`, unless it is configured with `seccompDefault: true` (the `seccomp_default` option), in which case this rule is silent.
When the pod sets nothing for any container, one finding at pod level proposes the pod-wide fix.
Privileged containers, which get every capability and no seccomp filter anyway, are left alone at the privileged level, and judged as they will run without the flag at baseline and restricted, where the `privileged` check asks to remove it.
The restricted profile requires a profile from policy version v1.19, so this rule speaks only at the baseline and privileged levels, and at restricted before v1.19.",
        why: "Kubernetes' default is no seccomp filter at all, unlike Docker's, which applies its default profile to every container.
Without a filter, every system call the kernel offers is reachable from the container, including the rarely used ones that many kernel exploits go through.
`RuntimeDefault` costs almost nothing and blocks most of them; it is what the restricted profile asks for.",
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
    seccompProfile:
      type: RuntimeDefault
  containers:
    - name: app
      image: example/app:1.0
",
        fix_safety: "Unsafe.
The fix sets `seccompProfile.type: RuntimeDefault` on the pod (or on each container left without one).
A program that needs a system call the runtime's default profile blocks fails with `Operation not permitted`: some debuggers and profilers, tools that create namespaces, software using very new system calls.
Such programs need a `Localhost` profile.",
        policy: "The restricted profile requires `RuntimeDefault` or `Localhost` at pod level or on every container from policy version v1.19 (skipped for Windows pods from v1.25).
Kubelet's `seccompDefault` option (beta and on by default as a feature gate from 1.25, GA in 1.27, but off in the kubelet's configuration unless set) makes `RuntimeDefault` the default for every pod of that node.",
        references: &[
            "https://kubernetes.io/docs/tutorials/security/seccomp/",
            "https://kubernetes.io/docs/reference/config-api/kubelet-config.v1beta1/",
        ],
    }),
};

pub(super) const RULE: Rule = Rule { check: &CHECK, run };

fn fix(profile_path: &str) -> Fix {
    Fix::unsafe_(
        "set seccompProfile.type: RuntimeDefault",
        "a program that needs a system call the runtime's default profile blocks fails with operation not permitted: give it a Localhost profile instead",
        vec![Patch::Set {
            path: path(&format!("{profile_path}.type")),
            value: PatchValue::Str("RuntimeDefault".to_string()),
        }],
    )
}

fn run(ctx: &Ctx<'_, '_>, out: &mut Findings<'_>) {
    if ctx.pss_runs(&crate::pss::seccomp_profile_restricted::CHECK) || ctx.options.seccomp_default {
        return;
    }
    let legacy = ctx.options.kube() <= 26;
    let annotated = |key: &str| {
        legacy
            && ctx
                .pod
                .annotation(key)
                .is_some_and(|(v, _)| seccomp_annotation(v).is_some())
    };
    if ctx.pod.sc("seccompProfile").is_some_and(|n| n.is_map()) || annotated(SECCOMP_POD) {
        return;
    }
    let candidates: Vec<_> = ctx
        .linux_containers()
        .iter()
        .filter(|c| !ctx.skips_privileged(c))
        .collect();
    let unset: Vec<_> = candidates
        .iter()
        .filter(|c| {
            !c.sc("seccompProfile").is_some_and(|n| n.is_map())
                && !annotated(&format!("{SECCOMP_PREFIX}{}", c.name))
        })
        .collect();
    if unset.is_empty() {
        return;
    }
    if unset.len() == candidates.len() {
        let names: Vec<String> = unset.iter().map(|c| c.name.to_string()).collect();
        out.push(
            ctx.report(
                &CHECK,
                format!(
                    "no seccompProfile is set: {} run with no seccomp filter",
                    containers_phrase(&names)
                ),
                None,
                ctx.pod.anchor(),
                ctx.pod.sc_path("seccompProfile"),
            )
            .with_fix(fix(&ctx.pod.sc_path("seccompProfile"))),
        );
        return;
    }
    for c in unset {
        out.push(
            ctx.report(&CHECK, format!(
                    "container \"{}\" has no seccompProfile, nor does the pod: it runs with no seccomp filter",
                    c.name
                ),
                Some(c.name),
                container_anchor(c),
                c.sc_path("seccompProfile"),
            )
            .with_fix(fix(&c.sc_path("seccompProfile"))),
        );
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::CHECK;
    use crate::testing::check;

    #[test]
    fn pod_wide_or_per_container() {
        let all = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: a}, {name: b}]\n";
        let some = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: a\n    securityContext: {seccompProfile: {type: Localhost, localhostProfile: x.json}}\n  - name: b\n";
        check(
            &CHECK,
            &format!("# podsec: --level baseline\n{all}"),
            expect![[r#"
            6:3 spec.securityContext.seccompProfile no seccompProfile is set: containers "a", "b" run with no seccomp filter [fix: set seccompProfile.type: RuntimeDefault (unsafe)]
        "#]],
        );
        check(&CHECK, all, expect![[""]]);
        check(
            &CHECK,
            &format!("# podsec: --level baseline --seccomp-default\n{all}"),
            expect![[""]],
        );
        check(
            &CHECK,
            &format!("# podsec: --level privileged\n{some}"),
            expect![[r#"
            9:5 spec.containers[1].securityContext.seccompProfile container "b" has no seccompProfile, nor does the pod: it runs with no seccomp filter [fix: set seccompProfile.type: RuntimeDefault (unsafe)]
        "#]],
        );
    }

    #[test]
    fn legacy_annotation_counts_before_1_27() {
        let yaml = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations: {seccomp.security.alpha.kubernetes.io/pod: runtime/default}\nspec:\n  containers: [{name: a}]\n";
        check(
            &CHECK,
            &format!("# podsec: --level baseline --kube 1.26\n{yaml}"),
            expect![[""]],
        );
        check(
            &CHECK,
            &format!("# podsec: --level baseline\n{yaml}"),
            expect![[r#"
            8:3 spec.securityContext.seccompProfile no seccompProfile is set: container "a" run with no seccomp filter [fix: set seccompProfile.type: RuntimeDefault (unsafe)]
        "#]],
        );
    }
}
