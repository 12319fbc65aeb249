//! `runAsNonRoot` (restricted): every container must be promised to run as a non-root user.

use crate::fix::{Fix, FixAvailability, Patch, PatchValue};
use crate::model::FindingLevel;
use crate::pod::PodView;
use crate::pss::{Rule, Verdict, containers_phrase, finding, fp, line, who};
use crate::rule::{Check, Docs};

pub(crate) const CHECK: Check = Check {
    id: "runAsNonRoot",
    level: FindingLevel::Restricted,
    summary: "a container may run as root because runAsNonRoot is not true",
    default_on: true,
    fix: FixAvailability::Always,
    docs: Docs {
        what: "\
Checks that `securityContext.runAsNonRoot` is `true` for every container, either on the container itself or inherited from the pod's `securityContext`.
An explicit `false` anywhere, the pod included, is a violation even when every container sets `true`.
A numeric `runAsUser` does not count: only `runAsNonRoot: true` satisfies the check.",
        why: "\
`runAsNonRoot: true` makes the kubelet refuse to start a container whose user would be UID 0.
Without it, a process that runs as root inside the container is one kernel bug, one mounted socket or one misconfigured volume away from being root on the node.
Root inside the container can also rewrite its own binaries, read every file in the image and any mounted secret, and use every capability the runtime grants by default.
The blast radius of a compromise is then the whole node and every pod on it.",
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
    runAsNonRoot: true
    runAsUser: 101
  containers:
  - name: app
    image: nginx
",
        fix_safety: "\
The fix sets `runAsNonRoot: true`, at pod level when no container overrides it, otherwise on the container.
It is unsafe: if the image's user is root (no `USER`, or `USER 0`) and no `runAsUser` is set, the kubelet refuses to start the container (`CreateContainerConfigError`).
Pair it with a non-zero `runAsUser` that the image supports, and check that the process does not need root to bind ports below 1024 or to write to root-owned paths.",
        policy: "\
Restricted profile, every version from v1.0.
From v1.35 the check is skipped entirely for pods with `spec.hostUsers: false`, because in a user namespace UID 0 in the container maps to an unprivileged UID on the host.
Before v1.35 (as evaluated by today's Pod Security Admission) user namespaces give no relief.",
        references: &[
            "https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted",
            "https://kubernetes.io/docs/tasks/configure-pod-container/security-context/",
            "https://github.com/kubernetes/enhancements/tree/master/keps/sig-node/127-user-namespaces",
        ],
    },
};

pub(crate) const RULE: Rule = Rule {
    check: &CHECK,
    versions: &[(0, v1_0), (35, v1_35)],
    overrides: None,
};

const REASON: &str = "runAsNonRoot != true";

fn set_true_fix(path: &str, note: &str) -> Fix {
    Fix::unsafe_(
        "set securityContext.runAsNonRoot: true",
        note,
        vec![Patch::Set {
            path: fp(path),
            value: PatchValue::Bool(true),
        }],
    )
}

const NOTE: &str = "the kubelet refuses to start a container whose image runs as root unless runAsUser sets a non-zero UID";

fn v1_0(pod: &PodView<'_>) -> Verdict {
    let pod_value = pod
        .sc("runAsNonRoot")
        .and_then(|n| n.as_bool().map(|b| (b, n)));
    let mut findings = Vec::new();
    let mut bad_setters: Vec<String> = Vec::new();
    let pod_true = matches!(pod_value, Some((true, _)));
    if let Some((false, n)) = pod_value {
        bad_setters.push("pod".to_string());
        let mut f = finding(
            format!("{REASON}: the pod sets securityContext.runAsNonRoot=false"),
            None,
            n.span(),
            pod.sc_path("runAsNonRoot"),
        )
        .with_fix(set_true_fix(&pod.sc_path("runAsNonRoot"), NOTE));
        for c in &pod.containers {
            if c.sc("runAsNonRoot").and_then(|n| n.as_bool()).is_none() {
                f = f.related(format!("{} inherits this value", who(c)), c.anchor());
            }
        }
        findings.push(f);
    }
    let mut explicit = Vec::new();
    let mut implicit = Vec::new();
    let any_explicit_false = pod
        .containers
        .iter()
        .any(|c| c.sc("runAsNonRoot").and_then(|n| n.as_bool()) == Some(false));
    let mut satisfied_by_pod = 0;
    for c in &pod.containers {
        match c
            .sc("runAsNonRoot")
            .and_then(|n| n.as_bool().map(|b| (b, n)))
        {
            Some((false, n)) => {
                explicit.push(c.name.clone());
                findings.push(
                    finding(
                        format!(
                            "{REASON}: {} sets securityContext.runAsNonRoot=false",
                            who(c)
                        ),
                        Some(c),
                        n.span(),
                        c.sc_path("runAsNonRoot"),
                    )
                    .with_fix(set_true_fix(&c.sc_path("runAsNonRoot"), NOTE)),
                );
            }
            Some((true, _)) => {}
            None if pod_true => satisfied_by_pod += 1,
            None => {
                implicit.push(c.name.clone());
                // A container that inherits the pod's explicit false is reported with the pod value.
                if pod_value.is_none() {
                    let target = if any_explicit_false {
                        c.sc_path("runAsNonRoot")
                    } else {
                        pod.sc_path("runAsNonRoot")
                    };
                    findings.push(
                        finding(
                            format!(
                                "{REASON}: neither the pod nor {} sets securityContext.runAsNonRoot=true",
                                who(c)
                            ),
                            Some(c),
                            c.anchor(),
                            c.sc_path("runAsNonRoot"),
                        )
                        .with_fix(set_true_fix(&target, NOTE)),
                    );
                }
            }
        }
    }
    if !explicit.is_empty() {
        bad_setters.push(containers_phrase(&explicit));
    }
    if !bad_setters.is_empty() {
        return Verdict::Denied {
            reason: REASON.to_string(),
            detail: format!(
                "{} must not set securityContext.runAsNonRoot=false",
                bad_setters.join(" and ")
            ),
            findings,
        };
    }
    if !implicit.is_empty() {
        return Verdict::Denied {
            reason: REASON.to_string(),
            detail: format!(
                "pod or {} must set securityContext.runAsNonRoot=true",
                containers_phrase(&implicit)
            ),
            findings,
        };
    }
    match pod_value {
        Some((true, n)) if satisfied_by_pod > 0 => Verdict::pass(
            format!(
                "runAsNonRoot satisfied by the pod-level value at line {}",
                n.span().line
            ),
            line(n),
        ),
        Some((true, n)) => Verdict::pass(
            "every container sets runAsNonRoot: true (and so does the pod)",
            line(n),
        ),
        _ => Verdict::pass("every container sets runAsNonRoot: true", None),
    }
}

fn v1_35(pod: &PodView<'_>) -> Verdict {
    if let Some((false, n)) = pod.bool_field("hostUsers") {
        return Verdict::pass(
            "not applicable: spec.hostUsers is false, so the pod runs in a user namespace (exempt from v1.35)",
            line(n),
        );
    }
    v1_0(pod)
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
mod tests {
    use super::RULE;
    use crate::pss::testing::{findings, pod, run};

    #[test]
    fn unset_everywhere_fails() {
        let y = pod("", "  - name: a\n    image: x\n");
        assert_eq!(
            run(&RULE, 37, &y),
            Err("runAsNonRoot != true (pod or container \"a\" must set securityContext.runAsNonRoot=true)".into())
        );
        assert_eq!(
            findings(&RULE, 37, &y),
            "7:5 spec.containers[0].securityContext.runAsNonRoot runAsNonRoot != true: neither the pod nor container \"a\" sets securityContext.runAsNonRoot=true [fix: set securityContext.runAsNonRoot: true (unsafe)]\n"
        );
    }

    #[test]
    fn pod_true_covers_containers() {
        let y = pod(
            "  securityContext:\n    runAsNonRoot: true\n",
            "  - name: a\n    image: x\n",
        );
        assert_eq!(
            run(&RULE, 37, &y),
            Ok("runAsNonRoot satisfied by the pod-level value at line 7".into())
        );
    }

    #[test]
    fn explicit_false_wins_over_missing() {
        let y = pod(
            "  securityContext:\n    runAsNonRoot: false\n",
            "  - name: a\n    image: x\n  - name: b\n    image: x\n    securityContext:\n      runAsNonRoot: false\n  - name: c\n    image: x\n    securityContext:\n      runAsNonRoot: false\n",
        );
        assert_eq!(
            run(&RULE, 37, &y),
            Err("runAsNonRoot != true (pod and containers \"b\", \"c\" must not set securityContext.runAsNonRoot=false)".into())
        );
    }

    #[test]
    fn pod_false_denies_even_if_containers_true() {
        let y = pod(
            "  securityContext:\n    runAsNonRoot: false\n",
            "  - name: a\n    image: x\n    securityContext:\n      runAsNonRoot: true\n",
        );
        assert_eq!(
            run(&RULE, 37, &y),
            Err(
                "runAsNonRoot != true (pod must not set securityContext.runAsNonRoot=false)".into()
            )
        );
    }

    #[test]
    fn run_as_user_does_not_count() {
        let y = pod(
            "  securityContext:\n    runAsUser: 1000\n",
            "  - name: a\n    image: x\n",
        );
        assert!(run(&RULE, 37, &y).is_err());
    }

    #[test]
    fn host_users_false_relaxes_from_v1_35() {
        let y = pod("  hostUsers: false\n", "  - name: a\n    image: x\n");
        assert!(run(&RULE, 34, &y).is_err());
        assert!(run(&RULE, 35, &y).unwrap().starts_with("not applicable"));
        // hostUsers: true (or unset) is the host user namespace: no relief.
        let y = pod("  hostUsers: true\n", "  - name: a\n    image: x\n");
        assert!(run(&RULE, 35, &y).is_err());
    }

    #[test]
    fn windows_pods_are_not_exempt() {
        let y = pod("  os:\n    name: windows\n", "  - name: a\n    image: x\n");
        assert!(run(&RULE, 37, &y).is_err());
    }

    #[test]
    fn fix_goes_per_container_when_one_sets_false() {
        let y = pod(
            "",
            "  - name: a\n    image: x\n    securityContext:\n      runAsNonRoot: false\n  - name: b\n    image: x\n",
        );
        let out = findings(&RULE, 37, &y);
        assert!(
            out.contains("spec.containers[1].securityContext.runAsNonRoot"),
            "{out}"
        );
    }
}
