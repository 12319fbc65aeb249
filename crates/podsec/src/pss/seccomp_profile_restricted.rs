//! `seccompProfile_restricted` (restricted): every container must run under a seccomp profile.

use crate::fix::{Fix, FixAvailability, Patch, PatchValue};
use crate::model::FindingLevel;
use crate::pod::PodView;
use crate::pss::pod_or_containers::{PodOrContainers, Setting};
use crate::pss::seccomp_profile_baseline::{type_fix, valid_type};
use crate::pss::{Out, Rule, Verdict, fp, join_quote, profile_type, sorted_set, windows_exempt};
use crate::rule::{Check, Docs};

pub(crate) const CHECK: Check = Check {
    id: "seccompProfile_restricted",
    level: FindingLevel::Restricted,
    summary: "a container runs without a RuntimeDefault or Localhost seccomp profile",
    default_on: true,
    fix: FixAvailability::Always,
    docs: crate::rule::docs!(Docs {
        what: "\
Checks that every container runs under a `RuntimeDefault` or `Localhost` seccomp profile: either its own `securityContext.seccompProfile.type`, or the pod's when the container sets none.
Any profile that is set to another type (`Unconfined`, `{}`) fails, the pod's included, even when every container sets a good one.",
        why: "\
Without a seccomp profile, Kubernetes runs containers `Unconfined` unless the kubelet's `seccompDefault` is turned on, so the whole system-call interface of the kernel is reachable.
Kernel exploits used for container escapes very often go through calls that the runtime's default profile blocks.
Requiring a profile turns that protection from an optional node setting into a property of the workload.",
        example: "\
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
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
When no profile is set, the fix sets `seccompProfile.type: RuntimeDefault` at pod level (or on the container when another container sets a bad value of its own).
That is graded safe: the default profile is the one Docker and containerd have applied to ordinary containers for years, and it blocks only calls that ordinary workloads do not make; tracing tools, nested runtimes and some sandboxes are the exceptions.
When a profile is explicitly `Unconfined` (or `{}`), switching it to `RuntimeDefault` is unsafe: someone chose to turn seccomp off, probably because a call was blocked.",
        policy: "\
Restricted profile from v1.19, where it replaces (overrides) `seccompProfile_baseline`; restricted v1.0 to v1.18 have no seccomp requirement beyond the baseline annotation rules.
From v1.25 the check is skipped when `spec.os.name` is exactly `windows`, because seccomp is Linux-only.",
        references: &[
            "https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted",
            "https://kubernetes.io/docs/tutorials/security/seccomp/",
        ],
    }),
};

pub(crate) const RULE: Rule = Rule {
    check: &CHECK,
    versions: &[(19, v1_19), (25, v1_25)],
    overrides: Some(&super::seccomp_profile_baseline::CHECK),
};

fn set_default(path: &str) -> Fix {
    Fix::safe(
        "set seccompProfile.type: RuntimeDefault",
        vec![Patch::Set {
            path: fp(path),
            value: PatchValue::Map(vec![(
                "type".to_string(),
                PatchValue::Str("RuntimeDefault".to_string()),
            )]),
        }],
    )
}

const OUTLINE: PodOrContainers = PodOrContainers {
    reason: "seccompProfile",
    field: "seccompProfile",
    value_path: ".type",
    read: |n| {
        profile_type(Some(n)).map(|(t, at)| Setting {
            good: valid_type(&t),
            text: t,
            at,
        })
    },
    sets: |who, t| format!("{who} sets seccompProfile.type to \"{t}\""),
    unset: "sets a seccomp profile (RuntimeDefault or Localhost)",
    must_not: |values| {
        format!(
            "must not set securityContext.seccompProfile.type to {}",
            join_quote(&sorted_set(values))
        )
    },
    must_set: "must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\"",
    all_set: "every container sets a RuntimeDefault or Localhost seccomp profile",
    and_pod: None,
    fix_bad: type_fix,
    fix_unset: set_default,
};

fn v1_19(pod: &PodView<'_>, out: &mut Out<'_>) -> Verdict {
    OUTLINE.judge(pod, out)
}

fn v1_25(pod: &PodView<'_>, out: &mut Out<'_>) -> Verdict {
    windows_exempt(pod, v1_19, out)
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::CHECK;
    use crate::testing::{POD, check, check_from};

    #[test]
    fn unset_fails_from_v1_19() {
        check_from(
            &CHECK,
            19,
            POD,
            expect![[r#"
                denied: seccompProfile (pod or container "a" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")
                7:5 spec.containers[0].securityContext.seccompProfile seccompProfile: neither the pod nor container "a" sets a seccomp profile (RuntimeDefault or Localhost) [fix: set seccompProfile.type: RuntimeDefault (safe)]
            "#]],
        );
    }

    #[test]
    fn pod_covers() {
        check(
            &CHECK,
            "apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  securityContext:
    seccompProfile:
      type: Localhost
      localhostProfile: p.json
  containers:
  - name: a
    image: x
",
            expect![[r#"
                allowed: seccompProfile satisfied by the pod-level value at line 7
            "#]],
        );
    }

    #[test]
    fn bad_pod_value_denies_even_if_containers_are_good() {
        check(
            &CHECK,
            "apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  securityContext:
    seccompProfile: {type: Unconfined}
  containers:
  - name: a
    image: x
    securityContext:
      seccompProfile: {type: RuntimeDefault}
  - name: b
    image: x
",
            expect![[r#"
                denied: seccompProfile (pod must not set securityContext.seccompProfile.type to "Unconfined")
                6:28 spec.securityContext.seccompProfile.type seccompProfile: the pod sets seccompProfile.type to "Unconfined" [fix: set seccompProfile.type: RuntimeDefault (unsafe)]
            "#]],
        );
    }

    #[test]
    fn windows_exempt_from_v1_25() {
        let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  os: {name: windows}\n  securityContext:\n    seccompProfile: {type: Unconfined}\n  containers:\n  - name: a\n    image: x\n";
        check(
            &CHECK,
            &format!("# podsec: --version v1.24\n{pod}"),
            expect![[r#"
                denied: seccompProfile (pod must not set securityContext.seccompProfile.type to "Unconfined")
                8:28 spec.securityContext.seccompProfile.type seccompProfile: the pod sets seccompProfile.type to "Unconfined" [fix: set seccompProfile.type: RuntimeDefault (unsafe)]
            "#]],
        );
        check(
            &CHECK,
            &format!("# podsec: --version v1.25\n{pod}"),
            expect![[r#"
                allowed: not applicable: spec.os.name is windows (exempt from v1.25)
            "#]],
        );
    }
}
