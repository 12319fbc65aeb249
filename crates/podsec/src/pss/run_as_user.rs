//! `runAsUser` (restricted): neither the pod nor a container may ask for UID 0.

use crate::fix::{Fix, FixAvailability};
use crate::model::FindingLevel;
use crate::pod::PodView;
use crate::pss::{
    IN_USER_NAMESPACE, Out, Rule, Verdict, containers_phrase, finding, user_namespace_exempt, who,
};
use crate::rule::{Check, Docs};

pub(crate) const CHECK: Check = Check {
    id: "runAsUser",
    level: FindingLevel::Restricted,
    summary: "the pod or a container sets runAsUser: 0",
    default_on: true,
    fix: FixAvailability::None,
    docs: crate::rule::docs!(Docs {
        what: "\
Checks that `securityContext.runAsUser` is not `0`, on the pod and on every container, independently.
Unset is fine (the image's user applies, and `runAsNonRoot` covers that case); a pod-level `0` fails even when every container overrides it.",
        why: "\
`runAsUser: 0` explicitly runs the process as root, whatever the image says.
Root in the container owns every file in it, can use all the capabilities the runtime grants, and is the user that container escapes start from.
It also contradicts `runAsNonRoot: true`, which would make the kubelet refuse the container, so an explicit `0` is almost always a mistake or a shortcut.",
        example: "\
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  securityContext:
    runAsUser: 0
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
    runAsUser: 101
    runAsNonRoot: true
  containers:
  - name: app
    image: nginx
",
        fix_safety: "\
No automatic fix: the replacement UID has to be one the image works with (owning the files it writes, matching its `USER`), and only a human knows it.
Pick the image's own non-root user where it has one, and give writable paths to it through `fsGroup` or an `emptyDir`.",
        policy: "\
Restricted profile from v1.23; earlier versions do not check it.
From v1.35 the check is skipped for pods with `spec.hostUsers: false`, because UID 0 in a user namespace is an unprivileged UID on the host.",
        references: &[
            "https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted",
        ],
    }),
};

pub(crate) const RULE: Rule = Rule {
    check: &CHECK,
    versions: &[(23, v1_23), (35, v1_35)],
    overrides: None,
};

const MANUAL: &str =
    "choose a non-zero UID that the image works with (its USER, owning the paths it writes)";

fn v1_23(pod: &PodView<'_>, out: &mut Out<'_>) -> Verdict {
    let mut setters = Vec::new();
    if let Some(n) = pod.sc("runAsUser").filter(|n| n.as_i64() == Some(0)) {
        setters.push("pod".to_string());
        let mut f = finding(
            "runAsUser=0: the pod sets securityContext.runAsUser=0",
            None,
            n.span(),
            pod.sc_path("runAsUser"),
        )
        .with_fix(Fix::manual("set runAsUser to a non-zero UID", MANUAL));
        for c in &pod.containers {
            if c.sc("runAsUser").and_then(|n| n.as_i64()).is_none() {
                f = f.related(format!("{} inherits this value", who(c)), c.anchor());
            }
        }
        out.push(f);
    }
    let mut bad = Vec::new();
    for c in &pod.containers {
        if let Some(n) = c.sc("runAsUser").filter(|n| n.as_i64() == Some(0)) {
            bad.push(c.name);
            out.push(
                finding(
                    format!("runAsUser=0: {} sets securityContext.runAsUser=0", who(c)),
                    Some(c),
                    n.span(),
                    c.sc_path("runAsUser"),
                )
                .with_fix(Fix::manual("set runAsUser to a non-zero UID", MANUAL)),
            );
        }
    }
    if !bad.is_empty() {
        setters.push(containers_phrase(&bad));
    }
    if setters.is_empty() {
        return Verdict::pass("neither the pod nor any container sets runAsUser: 0", None);
    }
    Verdict::Denied {
        reason: "runAsUser=0".to_string(),
        detail: format!("{} must not set runAsUser=0", setters.join(" and ")),
    }
}

fn v1_35(pod: &PodView<'_>, out: &mut Out<'_>) -> Verdict {
    user_namespace_exempt(pod, IN_USER_NAMESPACE, v1_23, out)
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::CHECK;
    use crate::testing::{check, check_from};

    const Y: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  hostUsers: false\n  securityContext:\n    runAsUser: 0\n  containers:\n  - name: a\n    image: x\n    securityContext:\n      runAsUser: 1000\n  - name: b\n    image: x\n    securityContext:\n      runAsUser: 0\n";

    #[test]
    fn versions_and_user_namespaces() {
        check_from(
            &CHECK,
            23,
            Y,
            expect![[r#"
            denied: runAsUser=0 (pod and container "b" must not set runAsUser=0)
            9:16 spec.securityContext.runAsUser runAsUser=0: the pod sets securityContext.runAsUser=0 [fix: set runAsUser to a non-zero UID (manual)]
            18:18 spec.containers[1].securityContext.runAsUser runAsUser=0: container "b" sets securityContext.runAsUser=0 [fix: set runAsUser to a non-zero UID (manual)]
        "#]],
        );
        check(
            &CHECK,
            &format!("# podsec: --version v1.34\n{Y}"),
            expect![[r#"
            denied: runAsUser=0 (pod and container "b" must not set runAsUser=0)
            9:16 spec.securityContext.runAsUser runAsUser=0: the pod sets securityContext.runAsUser=0 [fix: set runAsUser to a non-zero UID (manual)]
            18:18 spec.containers[1].securityContext.runAsUser runAsUser=0: container "b" sets securityContext.runAsUser=0 [fix: set runAsUser to a non-zero UID (manual)]
        "#]],
        );
        check(
            &CHECK,
            &format!("# podsec: --version v1.35\n{Y}"),
            expect![[r#"
            allowed: not applicable: spec.hostUsers is false, so the pod runs in a user namespace (exempt from v1.35)
        "#]],
        );
    }
}
