//! `capabilities_restricted` (restricted): every container drops `ALL` and adds at most `NET_BIND_SERVICE`.

use crate::fix::{Fix, FixAvailability, Patch, PatchValue};
use crate::model::FindingLevel;
use crate::pod::{ContainerView, PodView};
use crate::pss::{
    Out, Rule, Verdict, added_capability, containers_phrase, finding, fp, join_quote, sc_anchor,
    sorted_set, who, windows_exempt,
};
use crate::rule::{Check, Docs};

pub(crate) const CHECK: Check = Check {
    id: "capabilities_restricted",
    level: FindingLevel::Restricted,
    summary: "a container keeps capabilities: it does not drop ALL, or adds more than NET_BIND_SERVICE",
    default_on: true,
    fix: FixAvailability::Always,
    docs: crate::rule::docs!(Docs {
        what: "\
Checks that every container (init, regular and ephemeral) lists the exact string `ALL` in `securityContext.capabilities.drop`, and that `capabilities.add` holds nothing but `NET_BIND_SERVICE`.
A container without `securityContext` or without `capabilities` fails, and so does one that drops every capability by name instead of `ALL`.",
        why: "\
Container runtimes grant a default set of about a dozen capabilities (`CHOWN`, `DAC_OVERRIDE`, `SETUID`, `NET_RAW`, ...), which a process running as root can use.
An attacker who gets code execution uses them to read and overwrite any file regardless of permissions, switch to any user, or craft raw packets to attack neighbouring pods.
Dropping `ALL` removes that whole toolkit, so a compromise of the process yields only what the process itself could already do.",
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
      capabilities:
        drop: [\"ALL\"]
        add: [\"NET_BIND_SERVICE\"]
",
        fix_safety: "\
Adding `ALL` to `drop` is graded safe when the container is declared to run as non-root (`runAsNonRoot: true` or a non-zero `runAsUser`, on the container or the pod): a non-root process has no effective capabilities anyway, so dropping the bounding set changes nothing for it.
It is unsafe when the container may run as root: root processes routinely rely on `CHOWN`, `SETUID`, `SETGID`, `DAC_OVERRIDE` or `NET_BIND_SERVICE` (nginx binding port 80 and switching to its worker user is the classic example), and those calls then fail.
Keep `NET_BIND_SERVICE` in `add` if the program binds a port below 1024.
Removing any other added capability is unsafe for the reason the capability was added in the first place.",
        policy: "\
Restricted profile from v1.22; before that, restricted runs `capabilities_baseline` instead, which this check replaces (overrides) from v1.22 on.
From v1.25 the check is skipped when `spec.os.name` is exactly `windows`, because Linux capabilities do not exist there.",
        references: &[
            "https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted",
            "https://man7.org/linux/man-pages/man7/capabilities.7.html",
        ],
    }),
};

pub(crate) const RULE: Rule = Rule {
    check: &CHECK,
    versions: &[(22, v1_22), (25, v1_25)],
    overrides: Some(&super::capabilities_baseline::CHECK),
};

const REASON: &str = "unrestricted capabilities";

/// The one capability a restricted container may add.
pub(crate) const ALLOWED_ADD: &str = "NET_BIND_SERVICE";

/// Whether a container is declared to run as non-root, on itself or through the pod.
fn runs_as_non_root(pod: &PodView<'_>, c: &ContainerView<'_>) -> bool {
    let non_root = |n: Option<crate::yaml::Node<'_>>| n.and_then(|n| n.as_bool()) == Some(true);
    let uid = |n: Option<crate::yaml::Node<'_>>| n.and_then(|n| n.as_i64());
    let container_uid = uid(c.sc("runAsUser")).or_else(|| uid(pod.sc("runAsUser")));
    let container_nr = c
        .sc("runAsNonRoot")
        .and_then(|n| n.as_bool())
        .or_else(|| pod.sc("runAsNonRoot").and_then(|n| n.as_bool()));
    match container_uid {
        Some(0) => false,
        Some(_) => true,
        None => container_nr == Some(true) || (non_root(c.sc("runAsNonRoot"))),
    }
}

fn v1_22(pod: &PodView<'_>, out: &mut Out<'_>) -> Verdict {
    let mut missing = Vec::new();
    let mut adding = Vec::new();
    let mut forbidden = Vec::new();
    for c in &pod.containers {
        let drop_path = format!("{}.drop", c.sc_path("capabilities"));
        let caps = c.sc("capabilities").filter(|n| n.is_map());
        let dropped_all = caps.is_some() && c.cap_entries("drop").any(|(n, _)| n == "ALL");
        if !dropped_all {
            missing.push(c.name);
            let at = match caps {
                Some(_) => c
                    .security_context()
                    .and_then(|sc| sc.get_entry("capabilities"))
                    .map_or_else(|| c.anchor(), |(k, _)| k.span()),
                None => sc_anchor(c),
            };
            let patch = vec![Patch::Ensure {
                path: fp(&drop_path),
                item: PatchValue::Str("ALL".to_string()),
            }];
            let title = "add ALL to securityContext.capabilities.drop";
            let fix = if runs_as_non_root(pod, c) {
                Fix::safe(title, patch)
            } else {
                Fix::unsafe_(
                    title,
                    "a process running as root loses CHOWN, SETUID, SETGID, DAC_OVERRIDE and NET_BIND_SERVICE; keep NET_BIND_SERVICE in add if it binds a port below 1024",
                    patch,
                )
            };
            out.push(
                finding(
                    format!("{REASON}: {} does not drop ALL capabilities", who(c)),
                    Some(c),
                    at,
                    drop_path,
                )
                .with_fix(fix),
            );
        }
        if caps.is_none() {
            continue;
        }
        let mut bad = false;
        for (cap, n) in c.caps_add() {
            if cap == ALLOWED_ADD {
                continue;
            }
            bad = true;
            forbidden.push(cap.to_string());
            out.push(added_capability(
                c,
                cap,
                n,
                format!("{REASON}: {} adds \"{cap}\"", who(c)),
            ));
        }
        if bad {
            adding.push(c.name);
        }
    }
    let mut details = Vec::new();
    if !missing.is_empty() {
        details.push(format!(
            "{} must set securityContext.capabilities.drop=[\"ALL\"]",
            containers_phrase(&missing)
        ));
    }
    if !adding.is_empty() {
        details.push(format!(
            "{} must not include {} in securityContext.capabilities.add",
            containers_phrase(&adding),
            join_quote(&sorted_set(forbidden))
        ));
    }
    if details.is_empty() {
        return Verdict::pass(
            "every container drops ALL and adds at most NET_BIND_SERVICE",
            None,
        );
    }
    Verdict::Denied {
        reason: REASON.to_string(),
        detail: details.join("; "),
    }
}

fn v1_25(pod: &PodView<'_>, out: &mut Out<'_>) -> Verdict {
    windows_exempt(pod, v1_22, out)
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::CHECK;
    use crate::testing::{POD, check, check_from};

    #[test]
    fn missing_capabilities_fails_from_v1_22() {
        check_from(
            &CHECK,
            22,
            POD,
            expect![[r#"
                denied: unrestricted capabilities (container "a" must set securityContext.capabilities.drop=["ALL"])
                7:5 spec.containers[0].securityContext.capabilities.drop unrestricted capabilities: container "a" does not drop ALL capabilities [fix: add ALL to securityContext.capabilities.drop (unsafe)]
            "#]],
        );
    }

    #[test]
    fn drop_all_by_name_is_not_enough_and_case_matters() {
        check(
            &CHECK,
            "apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
  - name: a
    image: x
    securityContext:
      capabilities:
        drop: [all]
        add: [NET_BIND_SERVICE, SYS_ADMIN, CHOWN]
",
            expect![[r#"
                denied: unrestricted capabilities (container "a" must set securityContext.capabilities.drop=["ALL"]; container "a" must not include "CHOWN", "SYS_ADMIN" in securityContext.capabilities.add)
                9:7 spec.containers[0].securityContext.capabilities.drop unrestricted capabilities: container "a" does not drop ALL capabilities [fix: add ALL to securityContext.capabilities.drop (unsafe)]
                11:33 spec.containers[0].securityContext.capabilities.add unrestricted capabilities: container "a" adds "SYS_ADMIN" [fix: remove SYS_ADMIN from securityContext.capabilities.add (unsafe)]
                11:44 spec.containers[0].securityContext.capabilities.add unrestricted capabilities: container "a" adds "CHOWN" [fix: remove CHOWN from securityContext.capabilities.add (unsafe)]
            "#]],
        );
    }

    #[test]
    fn drop_all_with_net_bind_passes() {
        check(
            &CHECK,
            "apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
  - name: a
    image: x
    securityContext:
      capabilities:
        drop: [ALL]
        add: [NET_BIND_SERVICE]
",
            expect![[r#"
                allowed: every container drops ALL and adds at most NET_BIND_SERVICE
            "#]],
        );
    }

    #[test]
    fn non_root_makes_the_fix_safe() {
        check(
            &CHECK,
            "apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  securityContext:
    runAsNonRoot: true
  containers:
  - name: a
    image: x
",
            expect![[r#"
                denied: unrestricted capabilities (container "a" must set securityContext.capabilities.drop=["ALL"])
                8:5 spec.containers[0].securityContext.capabilities.drop unrestricted capabilities: container "a" does not drop ALL capabilities [fix: add ALL to securityContext.capabilities.drop (safe)]
            "#]],
        );
    }

    #[test]
    fn windows_exempt_from_v1_25() {
        let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  os:\n    name: windows\n  containers:\n  - name: a\n    image: x\n    securityContext:\n      capabilities:\n        add: [SYS_ADMIN]\n";
        check(
            &CHECK,
            &format!("# podsec: --version v1.24\n{pod}"),
            expect![[r#"
                denied: unrestricted capabilities (container "a" must set securityContext.capabilities.drop=["ALL"]; container "a" must not include "SYS_ADMIN" in securityContext.capabilities.add)
                12:7 spec.containers[0].securityContext.capabilities.drop unrestricted capabilities: container "a" does not drop ALL capabilities [fix: add ALL to securityContext.capabilities.drop (unsafe)]
                13:15 spec.containers[0].securityContext.capabilities.add unrestricted capabilities: container "a" adds "SYS_ADMIN" [fix: remove SYS_ADMIN from securityContext.capabilities.add (unsafe)]
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
