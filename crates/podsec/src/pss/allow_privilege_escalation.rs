//! `allowPrivilegeEscalation` (restricted): every container must set `allowPrivilegeEscalation: false`.

use crate::fix::{Fix, FixAvailability, Patch, PatchValue};
use crate::model::FindingLevel;
use crate::pod::PodView;
use crate::pss::{
    Out, Rule, Verdict, containers_phrase, finding, fp, sc_anchor, who, windows_exempt,
};
use crate::rule::{Check, Docs};

pub(crate) const CHECK: Check = Check {
    id: "allowPrivilegeEscalation",
    level: FindingLevel::Restricted,
    summary: "a container does not set allowPrivilegeEscalation: false",
    default_on: true,
    fix: FixAvailability::Always,
    docs: crate::rule::docs!(Docs {
        what: "\
Checks that every container (init, regular and ephemeral) sets `securityContext.allowPrivilegeEscalation` to exactly `false`.
Leaving it unset fails: the field has no pod-level counterpart and its default is `true`.",
        why: "\
With privilege escalation allowed, the kernel's `no_new_privs` flag is off, so a process can gain privileges it did not start with by executing a set-user-ID or set-group-ID binary, or a file with capabilities.
An attacker with code execution as an unprivileged user can then become root inside the container through any setuid binary the image ships (`su`, `mount`, `passwd`, an old `ping`) or one they manage to create.
Root inside the container is the starting point for most container escapes, so this turns a limited foothold into a serious one.",
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
  containers:
  - name: app
    image: nginx
    securityContext:
      allowPrivilegeEscalation: false
",
        fix_safety: "\
The fix sets `allowPrivilegeEscalation: false` on the container.
When the field is unset it is graded safe: the only thing that stops working is gaining privileges through setuid or file-capability binaries at run time, which a container that runs its main process with the privileges it needs does not do.
A workload that deliberately runs `sudo`, `su` or a setuid helper as a non-root user does rely on it; such images are rare and usually a design problem, but review them.
When the container explicitly sets `true`, or is `privileged`, or adds `SYS_ADMIN`, the fix is unsafe: the author asked for escalation, and the API server rejects `allowPrivilegeEscalation: false` together with `privileged: true` or `CAP_SYS_ADMIN` until those are removed too.",
        policy: "\
Restricted profile from v1.8 (the field appeared in Kubernetes 1.8); v1.0 to v1.7 do not check it.
From v1.25 the whole check is skipped when `spec.os.name` is exactly `windows`, because the field does not exist on Windows.",
        references: &[
            "https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted",
            "https://www.kernel.org/doc/html/latest/userspace-api/no_new_privs.html",
        ],
    }),
};

pub(crate) const RULE: Rule = Rule {
    check: &CHECK,
    versions: &[(8, v1_8), (25, v1_25)],
    overrides: None,
};

const REASON: &str = "allowPrivilegeEscalation != false";

fn v1_8(pod: &PodView<'_>, out: &mut Out<'_>) -> Verdict {
    let mut bad = Vec::new();
    for c in &pod.containers {
        let value = c
            .sc("allowPrivilegeEscalation")
            .and_then(|n| n.as_bool().map(|b| (b, n)));
        if matches!(value, Some((false, _))) {
            continue;
        }
        bad.push(c.name);
        let path = c.sc_path("allowPrivilegeEscalation");
        let patch = vec![Patch::Set {
            path: fp(&path),
            value: PatchValue::Bool(false),
        }];
        let privileged = c.sc("privileged").and_then(|n| n.as_bool()) == Some(true);
        let sys_admin = c
            .caps_add()
            .iter()
            .any(|(n, _)| *n == "SYS_ADMIN" || *n == "CAP_SYS_ADMIN");
        let title = "set securityContext.allowPrivilegeEscalation: false";
        let (message, at, fix) = match value {
            Some((_, n)) => (
                format!(
                    "{REASON}: {} sets securityContext.allowPrivilegeEscalation=true",
                    who(c)
                ),
                n.span(),
                Fix::unsafe_(
                    title,
                    "the container explicitly allows escalation; setuid or file-capability binaries it runs stop gaining privileges",
                    patch,
                ),
            ),
            None => {
                let fix = if privileged || sys_admin {
                    Fix::unsafe_(
                        title,
                        "the API server rejects allowPrivilegeEscalation: false on a privileged container or one that adds SYS_ADMIN; remove those first",
                        patch,
                    )
                } else {
                    Fix::safe(title, patch)
                };
                (
                    format!(
                        "{REASON}: {} does not set securityContext.allowPrivilegeEscalation=false (it defaults to true)",
                        who(c)
                    ),
                    sc_anchor(c),
                    fix,
                )
            }
        };
        out.push(finding(message, Some(c), at, path).with_fix(fix));
    }
    if bad.is_empty() {
        return Verdict::pass(
            if pod.containers.is_empty() {
                "no containers".to_string()
            } else {
                "every container sets allowPrivilegeEscalation: false".to_string()
            },
            None,
        );
    }
    Verdict::Denied {
        reason: REASON.to_string(),
        detail: format!(
            "{} must set securityContext.allowPrivilegeEscalation=false",
            containers_phrase(&bad)
        ),
    }
}

fn v1_25(pod: &PodView<'_>, out: &mut Out<'_>) -> Verdict {
    windows_exempt(pod, v1_8, out)
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::CHECK;
    use crate::testing::{POD, check, check_from};

    #[test]
    fn unset_fails_from_v1_8_only() {
        check_from(
            &CHECK,
            8,
            POD,
            expect![[r#"
                denied: allowPrivilegeEscalation != false (container "a" must set securityContext.allowPrivilegeEscalation=false)
                7:5 spec.containers[0].securityContext.allowPrivilegeEscalation allowPrivilegeEscalation != false: container "a" does not set securityContext.allowPrivilegeEscalation=false (it defaults to true) [fix: set securityContext.allowPrivilegeEscalation: false (safe)]
            "#]],
        );
    }

    #[test]
    fn explicit_true_and_init_and_ephemeral() {
        check(
            &CHECK,
            "apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  initContainers:
  - name: i
    image: x
    securityContext:
      allowPrivilegeEscalation: true
  ephemeralContainers:
  - name: e
    image: x
  containers:
  - name: a
    image: x
    securityContext:
      allowPrivilegeEscalation: false
",
            expect![[r#"
                denied: allowPrivilegeEscalation != false (containers "i", "e" must set securityContext.allowPrivilegeEscalation=false)
                9:33 spec.initContainers[0].securityContext.allowPrivilegeEscalation allowPrivilegeEscalation != false: init container "i" sets securityContext.allowPrivilegeEscalation=true [fix: set securityContext.allowPrivilegeEscalation: false (unsafe)]
                11:5 spec.ephemeralContainers[0].securityContext.allowPrivilegeEscalation allowPrivilegeEscalation != false: ephemeral container "e" does not set securityContext.allowPrivilegeEscalation=false (it defaults to true) [fix: set securityContext.allowPrivilegeEscalation: false (safe)]
            "#]],
        );
    }

    #[test]
    fn windows_exempt_from_v1_25() {
        let pod = |os: &str| {
            format!(
                "apiVersion: v1\nkind: Pod\nmetadata: {{name: p}}\nspec:\n  os: {{name: {os}}}\n  containers:\n  - name: a\n    image: x\n"
            )
        };
        check(
            &CHECK,
            &format!("# podsec: --version v1.24\n{}", pod("windows")),
            expect![[r#"
                denied: allowPrivilegeEscalation != false (container "a" must set securityContext.allowPrivilegeEscalation=false)
                8:5 spec.containers[0].securityContext.allowPrivilegeEscalation allowPrivilegeEscalation != false: container "a" does not set securityContext.allowPrivilegeEscalation=false (it defaults to true) [fix: set securityContext.allowPrivilegeEscalation: false (safe)]
            "#]],
        );
        check(
            &CHECK,
            &format!("# podsec: --version v1.25\n{}", pod("windows")),
            expect![[r#"
                allowed: not applicable: spec.os.name is windows (exempt from v1.25)
            "#]],
        );
        check(
            &CHECK,
            &format!("# podsec: --version v1.25\n{}", pod("Windows")),
            expect![[r#"
                denied: allowPrivilegeEscalation != false (container "a" must set securityContext.allowPrivilegeEscalation=false)
                8:5 spec.containers[0].securityContext.allowPrivilegeEscalation allowPrivilegeEscalation != false: container "a" does not set securityContext.allowPrivilegeEscalation=false (it defaults to true) [fix: set securityContext.allowPrivilegeEscalation: false (safe)]
            "#]],
        );
    }
}
