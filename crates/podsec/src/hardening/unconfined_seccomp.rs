//! `unconfined-seccomp`: a container that asks to run without a seccomp filter.

use crate::effective::{SECCOMP_POD, SECCOMP_PREFIX};
use crate::fix::{Fix, FixAvailability, Patch, PatchValue};
use crate::model::{FindingLevel, PssLevel};
use crate::rule::{Check, Docs, Findings, Rule};
use crate::yaml::Node;

use super::{Ctx, containers_phrase, path};

pub(super) const CHECK: Check = Check {
    id: "unconfined-seccomp",
    level: FindingLevel::Hardening,
    summary: "a container explicitly runs without a seccomp filter (Unconfined)",
    default_on: true,
    fix: FixAvailability::Always,
    docs: crate::rule::docs!(Docs {
        what: "Flags an explicit `seccompProfile.type: Unconfined` that a container gets: its own, or the pod's when it sets none.
Privileged containers, which get every capability and no seccomp filter anyway, are left alone at the privileged level, and judged as they will run without the flag at baseline and restricted, where the `privileged` check asks to remove it.
On clusters before Kubernetes 1.27 it also flags the legacy annotations `seccomp.security.alpha.kubernetes.io/pod: unconfined` and `container.seccomp.security.alpha.kubernetes.io/<name>: unconfined`, which those versions still honour.
The Pod Security Standards baseline profile forbids the `Unconfined` field from policy version v1.19 and the annotation before it, so this rule reports the field only at the privileged level or at policy versions before v1.19, and the annotation only where the policy no longer reads it.",
        why: "Seccomp filters the system calls a process may make.
The runtime's default profile blocks a few dozen calls that containers almost never need but that many kernel exploits and escapes rely on (`unshare`, `mount`, `keyctl`, `bpf`, `ptrace` on older kernels and more).
`Unconfined` removes that filter, so every kernel bug reachable through any system call is reachable from the container.",
        example: "# podsec: --level privileged
apiVersion: v1
kind: Pod
metadata:
  name: app
spec:
  securityContext:
    seccompProfile:
      type: Unconfined
  containers:
    - name: app
      image: example/app:1.0
",
        use_instead: "# podsec: --level privileged
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
The fix sets `type: RuntimeDefault` (or the annotation to `runtime/default`).
Programs that need a blocked system call fail with `Operation not permitted`: some debuggers and profilers, tools that create namespaces (nested containers, some sandboxes), and very old or very new software using calls the profile does not know.
For those, write a `Localhost` profile that allows exactly what they need rather than dropping the filter.",
        policy: "Baseline forbids `seccompProfile.type: Unconfined` at pod or container level from policy version v1.19; before v1.19 it checked the legacy annotations instead (`unconfined` forbidden).
Kubernetes 1.19 to 1.26 still honour the annotations (1.25 and 1.26 by copying them into the fields when a Pod is created); from 1.27 they do nothing.",
        references: &[
            "https://kubernetes.io/docs/tutorials/security/seccomp/",
            "https://kubernetes.io/docs/concepts/security/pod-security-standards/",
            "https://docs.docker.com/engine/security/seccomp/",
        ],
    }),
};

pub(super) const RULE: Rule = Rule { check: &CHECK, run };

fn unconfined(profile: Node<'_>) -> bool {
    profile.field("type").and_then(Node::as_str) == Some("Unconfined")
}

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

fn annotation_fix(annotation_path: String) -> Fix {
    Fix::unsafe_(
        "set the seccomp annotation to runtime/default",
        "a program that needs a system call the runtime's default profile blocks fails with operation not permitted",
        vec![Patch::Set {
            path: path(&annotation_path),
            value: PatchValue::Str("runtime/default".to_string()),
        }],
    )
}

fn run(ctx: &Ctx<'_, '_>, out: &mut Findings<'_>) {
    let minor = ctx.options.version.effective_minor();
    let baseline = ctx.level_at_least(PssLevel::Baseline);
    let fields_reported = baseline && minor >= 19;
    let annotations_read = ctx.options.kube() <= 26 && !(baseline && minor < 19);
    let pod_field = ctx.pod.sc("seccompProfile").filter(|n| n.is_map());
    let pod_annotation = ctx.pod.annotation(SECCOMP_POD);
    let mut via_pod_field = Vec::new();
    let mut via_pod_annotation = Vec::new();
    for c in ctx.linux_containers() {
        if ctx.skips_privileged(c) {
            continue;
        }
        if let Some(p) = c.sc("seccompProfile").filter(|n| n.is_map()) {
            if unconfined(p) && !fields_reported {
                out.push(
                    ctx.report(&CHECK, format!(
                            "container \"{}\" sets seccompProfile.type=Unconfined: it runs with no seccomp filter",
                            c.name
                        ),
                        Some(c.name),
                        p.field("type").map_or_else(|| p.span(), |t| t.span()),
                        c.sc_path("seccompProfile.type"),
                    )
                    .with_fix(fix(&c.sc_path("seccompProfile"))),
                );
            }
            continue;
        }
        if ctx.options.kube() <= 26 {
            let key = format!("{SECCOMP_PREFIX}{}", c.name);
            if let Some((value, node)) = ctx.pod.annotation(&key) {
                if value == "unconfined" && annotations_read {
                    let p = ctx.pod.annotation_path(&key);
                    out.push(
                        ctx.report(&CHECK, format!(
                                "container \"{}\" is unconfined by the legacy seccomp annotation: it runs with no seccomp filter",
                                c.name
                            ),
                            Some(c.name),
                            node.span(),
                            p.clone(),
                        )
                        .with_fix(annotation_fix(p)),
                    );
                }
                if crate::effective::seccomp_annotation(value).is_some() {
                    continue;
                }
            }
        }
        match (pod_field, pod_annotation) {
            (Some(p), _) if unconfined(p) => via_pod_field.push(c.name),
            (None, Some(("unconfined", _))) if ctx.options.kube() <= 26 => {
                via_pod_annotation.push(c.name);
            }
            _ => {}
        }
    }
    if let Some(p) = pod_field.filter(|_| !via_pod_field.is_empty() && !fields_reported) {
        out.push(
            ctx.report(
                &CHECK,
                format!(
                    "pod seccompProfile.type=Unconfined makes {} run with no seccomp filter",
                    containers_phrase(&via_pod_field)
                ),
                None,
                p.field("type").map_or_else(|| p.span(), |t| t.span()),
                ctx.pod.sc_path("seccompProfile.type"),
            )
            .with_fix(fix(&ctx.pod.sc_path("seccompProfile"))),
        );
    }
    if let Some((_, node)) =
        pod_annotation.filter(|_| !via_pod_annotation.is_empty() && annotations_read)
    {
        let p = ctx.pod.annotation_path(SECCOMP_POD);
        out.push(
            ctx.report(
                &CHECK,
                format!(
                    "the legacy pod seccomp annotation makes {} run with no seccomp filter",
                    containers_phrase(&via_pod_annotation)
                ),
                None,
                node.span(),
                p.clone(),
            )
            .with_fix(annotation_fix(p)),
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
metadata:
  name: p
  annotations:
    seccomp.security.alpha.kubernetes.io/pod: unconfined
    container.seccomp.security.alpha.kubernetes.io/b: unconfined
spec:
  securityContext: {seccompProfile: {type: Unconfined}}
  containers:
  - name: a
  - name: b
  - name: c
    securityContext: {seccompProfile: {type: Unconfined}}
  - name: d
    securityContext: {seccompProfile: {type: RuntimeDefault}}
"#;

    #[test]
    fn fields_only_where_pss_allows_them() {
        check(
            &CHECK,
            &format!("# podsec: --level privileged{POD}"),
            expect![[r#"
            10:44 spec.securityContext.seccompProfile.type pod seccompProfile.type=Unconfined makes containers "a", "b" run with no seccomp filter [fix: set seccompProfile.type: RuntimeDefault (unsafe)]
            15:46 spec.containers[2].securityContext.seccompProfile.type container "c" sets seccompProfile.type=Unconfined: it runs with no seccomp filter [fix: set seccompProfile.type: RuntimeDefault (unsafe)]
        "#]],
        );
        check(
            &CHECK,
            &format!("# podsec: --level baseline{POD}"),
            expect![[""]],
        );
        check(
            &CHECK,
            &format!("# podsec: --level baseline --version v1.18{POD}"),
            expect![[r#"
            10:44 spec.securityContext.seccompProfile.type pod seccompProfile.type=Unconfined makes containers "a", "b" run with no seccomp filter [fix: set seccompProfile.type: RuntimeDefault (unsafe)]
            15:46 spec.containers[2].securityContext.seccompProfile.type container "c" sets seccompProfile.type=Unconfined: it runs with no seccomp filter [fix: set seccompProfile.type: RuntimeDefault (unsafe)]
        "#]],
        );
    }

    #[test]
    fn annotations_before_kubernetes_1_27() {
        let yaml = POD.replacen(
            "  securityContext: {seccompProfile: {type: Unconfined}}\n",
            "",
            1,
        );
        check(
            &CHECK,
            &format!("# podsec: --level baseline --kube 1.26{yaml}"),
            expect![[r#"
            7:47 metadata.annotations["seccomp.security.alpha.kubernetes.io/pod"] the legacy pod seccomp annotation makes container "a" run with no seccomp filter [fix: set the seccomp annotation to runtime/default (unsafe)]
            8:55 metadata.annotations["container.seccomp.security.alpha.kubernetes.io/b"] container "b" is unconfined by the legacy seccomp annotation: it runs with no seccomp filter [fix: set the seccomp annotation to runtime/default (unsafe)]
        "#]],
        );
        check(
            &CHECK,
            &format!("# podsec: --level baseline{yaml}"),
            expect![[""]],
        );
        // Policy v1.18 checks the annotations itself, but not the fields.
        check(
            &CHECK,
            &format!("# podsec: --level baseline --kube 1.26 --version v1.18{yaml}"),
            expect![[r#"
                14:46 spec.containers[2].securityContext.seccompProfile.type container "c" sets seccompProfile.type=Unconfined: it runs with no seccomp filter [fix: set seccompProfile.type: RuntimeDefault (unsafe)]
            "#]],
        );
    }
}
