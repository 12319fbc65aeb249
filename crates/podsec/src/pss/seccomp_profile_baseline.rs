//! `seccompProfile_baseline` (baseline): seccomp may not be switched off.

use crate::fix::{Fix, FixAvailability, Patch, PatchValue};
use crate::model::FindingLevel;
use crate::pod::PodView;
use crate::pss::{
    BadProfiles, Out, Rule, Verdict, annotation_to_runtime_default, annotation_value,
    bad_profile_types, fp, join_quote, pluralize, sorted_set,
};
use crate::rule::{Check, Docs, go_quote};

pub(crate) const CHECK: Check = Check {
    id: "seccompProfile_baseline",
    level: FindingLevel::Baseline,
    summary: "the pod or a container sets seccomp to Unconfined (or another forbidden profile)",
    default_on: true,
    fix: FixAvailability::Always,
    docs: crate::rule::docs!(Docs {
        what: "\
From v1.19, checks every `seccompProfile` object that is set, on the pod and on each container independently: its `type` must be `RuntimeDefault` or `Localhost` (`Unconfined` and `{}` fail).
Leaving the profile unset is fine at baseline.
Before v1.19 the fields are ignored and the legacy annotations are checked instead: `seccomp.security.alpha.kubernetes.io/pod` and `container.seccomp.security.alpha.kubernetes.io/<name>` for each container name in the pod must be `runtime/default`, `docker/default` or start with `localhost/` (an empty value fails).",
        why: "\
Seccomp filters the system calls a container may make.
The runtime's default profile blocks a few dozen calls that containers do not need and that have been the entry point of many kernel exploits (`unshare`, `keyctl`, `bpf`, `ptrace` on old kernels, and more).
Explicitly choosing `Unconfined` opens the whole kernel interface to an attacker who gets code execution, which makes a container escape through a kernel bug much easier.",
        example: "\
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  securityContext:
    seccompProfile:
      type: Unconfined
  containers:
  - name: app
    image: nginx
",
        use_instead: "\
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  securityContext:
    seccompProfile:
      type: RuntimeDefault
  containers:
  - name: app
    image: nginx
",
        fix_safety: "\
The fix sets the profile to `RuntimeDefault` (for annotations, `runtime/default`).
It is unsafe: whoever chose `Unconfined` may have needed a system call the default profile blocks (debuggers, nested container runtimes, some JIT or tracing tools), and that call then fails with `EPERM`.
If the workload needs a specific call, write a `Localhost` profile that adds just that.",
        policy: "\
Baseline profile from v1.0: the annotation rules up to v1.18, the field rules from v1.19 (the fields appeared in Kubernetes 1.19).
At the restricted level it is replaced (overridden) by `seccompProfile_restricted` from v1.19; restricted v1.0 to v1.18 run the annotation rules of this check.",
        references: &[
            "https://kubernetes.io/docs/concepts/security/pod-security-standards/#baseline",
            "https://kubernetes.io/docs/tutorials/security/seccomp/",
        ],
    }),
};

pub(crate) const RULE: Rule = Rule {
    check: &CHECK,
    versions: &[(0, v1_0), (19, v1_19)],
    overrides: None,
};

const POD_ANNOTATION: &str = "seccomp.security.alpha.kubernetes.io/pod";
const CONTAINER_PREFIX: &str = "container.seccomp.security.alpha.kubernetes.io/";
const NOTE: &str = "system calls the default profile blocks start failing with EPERM";

/// Whether a profile type passes seccomp checks.
pub(crate) fn valid_type(t: &str) -> bool {
    matches!(t, "RuntimeDefault" | "Localhost")
}

fn valid_annotation(v: &str) -> bool {
    v == "runtime/default" || v == "docker/default" || v.starts_with("localhost/")
}

/// The fix for a seccomp profile type that is set to a bad value.
pub(crate) fn type_fix(path: &str) -> Fix {
    Fix::unsafe_(
        "set seccompProfile.type: RuntimeDefault",
        NOTE,
        vec![Patch::Set {
            path: fp(path),
            value: PatchValue::Str("RuntimeDefault".to_string()),
        }],
    )
}

fn v1_0(pod: &PodView<'_>, out: &mut Out<'_>) -> Verdict {
    let mut forbidden = Vec::new();
    let mut keys: Vec<String> = vec![POD_ANNOTATION.to_string()];
    keys.extend(
        pod.containers
            .iter()
            .map(|c| format!("{CONTAINER_PREFIX}{}", c.name)),
    );
    for key in keys {
        let Some(n) = pod.annotation_node(&key) else {
            continue;
        };
        let v = annotation_value(n);
        if valid_annotation(&v) {
            continue;
        }
        forbidden.push(format!("{key}={}", go_quote(&v)));
        out.push(annotation_to_runtime_default(
            format!("seccompProfile: annotation {key} is \"{v}\""),
            n,
            pod.annotation_path(&key),
            "seccomp",
            NOTE,
        ));
    }
    if forbidden.is_empty() {
        return Verdict::pass(
            "no seccomp annotation selects a forbidden profile (fields are not checked before v1.19)",
            None,
        );
    }
    let forbidden = sorted_set(forbidden);
    Verdict::Denied {
        reason: "seccompProfile".to_string(),
        detail: format!(
            "forbidden {} {}",
            pluralize("annotation", "annotations", forbidden.len()),
            forbidden.join(", ")
        ),
    }
}

fn v1_19(pod: &PodView<'_>, out: &mut Out<'_>) -> Verdict {
    let BadProfiles { setters, values } = bad_profile_types(
        pod,
        "seccompProfile",
        valid_type,
        "seccompProfile",
        type_fix,
        out,
    );
    if setters.is_empty() {
        return Verdict::pass("no seccomp profile is set to a forbidden type", None);
    }
    Verdict::Denied {
        reason: "seccompProfile".to_string(),
        detail: format!(
            "{} must not set securityContext.seccompProfile.type to {}",
            setters.join(" and "),
            join_quote(&sorted_set(values))
        ),
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::CHECK;
    use crate::testing::check;

    #[test]
    fn annotations_before_v1_19() {
        check(
            &CHECK,
            "# podsec: --version v1.18\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations:\n    seccomp.security.alpha.kubernetes.io/pod: ''\n    container.seccomp.security.alpha.kubernetes.io/a: unconfined\n    container.seccomp.security.alpha.kubernetes.io/ghost: unconfined\n    container.seccomp.security.alpha.kubernetes.io/b: docker/default\nspec:\n  securityContext:\n    seccompProfile: {type: Unconfined}\n  containers:\n  - name: a\n    image: x\n  - name: b\n    image: x\n",
            expect![[r#"
            denied: seccompProfile (forbidden annotations container.seccomp.security.alpha.kubernetes.io/a="unconfined", seccomp.security.alpha.kubernetes.io/pod="")
            7:47 metadata.annotations["seccomp.security.alpha.kubernetes.io/pod"] seccompProfile: annotation seccomp.security.alpha.kubernetes.io/pod is "" [fix: set the seccomp annotation to runtime/default (unsafe)]
            8:55 metadata.annotations["container.seccomp.security.alpha.kubernetes.io/a"] seccompProfile: annotation container.seccomp.security.alpha.kubernetes.io/a is "unconfined" [fix: set the seccomp annotation to runtime/default (unsafe)]
        "#]],
        );
        check(
            &CHECK,
            "# podsec: --version v1.19\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations:\n    seccomp.security.alpha.kubernetes.io/pod: ''\n    container.seccomp.security.alpha.kubernetes.io/a: unconfined\n    container.seccomp.security.alpha.kubernetes.io/ghost: unconfined\n    container.seccomp.security.alpha.kubernetes.io/b: docker/default\nspec:\n  securityContext:\n    seccompProfile: {type: Unconfined}\n  containers:\n  - name: a\n    image: x\n  - name: b\n    image: x\n",
            expect![[r#"
            denied: seccompProfile (pod must not set securityContext.seccompProfile.type to "Unconfined")
            13:28 spec.securityContext.seccompProfile.type seccompProfile: the pod sets seccompProfile.type to "Unconfined" [fix: set seccompProfile.type: RuntimeDefault (unsafe)]
        "#]],
        );
    }

    #[test]
    fn fields_independent_and_empty_object_is_set() {
        check(
            &CHECK,
            "# podsec: --version v1.37\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: a\n    image: x\n    securityContext:\n      seccompProfile: {}\n  - name: b\n    image: x\n    securityContext:\n      seccompProfile: {type: Unconfined}\n  - name: c\n    image: x\n",
            expect![[r#"
            denied: seccompProfile (containers "a", "b" must not set securityContext.seccompProfile.type to "", "Unconfined")
            11:23 spec.containers[0].securityContext.seccompProfile.type seccompProfile: container "a" sets seccompProfile.type to "" [fix: set seccompProfile.type: RuntimeDefault (unsafe)]
            15:30 spec.containers[1].securityContext.seccompProfile.type seccompProfile: container "b" sets seccompProfile.type to "Unconfined" [fix: set seccompProfile.type: RuntimeDefault (unsafe)]
        "#]],
        );
    }
}
