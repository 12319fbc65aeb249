//! `capabilities-not-dropped`: a container that keeps the runtime's default capabilities.

use crate::effective::caps;
use crate::fix::{Fix, FixAvailability, Patch, PatchValue};
use crate::model::FindingLevel;
use crate::rule::{Check, Docs, Findings, Rule};

use super::{Ctx, container_anchor, path};

pub(super) const CHECK: Check = Check {
    id: "capabilities-not-dropped",
    level: FindingLevel::Hardening,
    summary: "a container does not drop ALL capabilities",
    default_on: true,
    fix: FixAvailability::Always,
    docs: crate::rule::docs!(Docs {
        what: "Flags every non-privileged container whose `securityContext.capabilities.drop` does not contain `ALL`.
Such a container keeps the container runtime's default capability set: 14 capabilities on containerd (including `NET_RAW`, `MKNOD`, `SETUID`, `SETGID`, `DAC_OVERRIDE`), 9 on CRI-O.
The runtimes recognise `ALL` in any letter case, so `drop: [all]` counts here (the `lowercase-capability` rule explains why it should still be written `ALL`).
The restricted profile requires `drop: [ALL]` from policy version v1.22, so this rule speaks only where that check does not run: at the baseline and privileged levels, and at restricted before v1.22.
At the privileged level, privileged containers are left alone: they get every capability whatever the lists say.
At baseline and restricted, where the `privileged` check asks to remove the flag, a privileged container is judged as it will run without it.",
        why: "Capabilities are slices of root's power.
Most applications need none of the defaults: a web server that listens on a port above 1024 and writes only to its own files uses no capability at all.
Every capability left in place is something an attacker who takes over the process can use: `NET_RAW` to forge packets and poison ARP or DNS on the node's network, `SETUID` and `SETGID` to switch identities, `DAC_OVERRIDE` and `FOWNER` to ignore file permissions, `MKNOD` to create device nodes.
Dropping `ALL` and adding back the one or two a program really needs is least privilege at the kernel level.",
        example: "# podsec: --level baseline
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: app
      image: nginx:1.27
      securityContext:
        capabilities:
          drop:
            - NET_RAW
",
        use_instead: "# podsec: --level baseline
apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: app
      image: nginx:1.27
      securityContext:
        capabilities:
          drop:
            - ALL
          add:
            - NET_BIND_SERVICE
",
        fix_safety: "Unsafe.
The fix adds `ALL` to `capabilities.drop` and keeps whatever the container adds.
A process that runs as root and relies on a default capability stops working: changing file ownership (`CHOWN`), switching users after start (`SETUID`, `SETGID`, as nginx's and Apache's master processes do), binding ports below 1024 (`NET_BIND_SERVICE`), `ping` (`NET_RAW`).
Add back exactly the capabilities the program needs, or better, run it as a non-root user on a high port.",
        policy: "The Pod Security Standards restricted profile requires `drop: [ALL]` from policy version v1.22 (exact spelling `ALL`; skipped for Windows pods from v1.25).
Baseline does not look at `drop` at all.",
        references: &[
            "https://kubernetes.io/docs/concepts/security/pod-security-standards/",
            "https://man7.org/linux/man-pages/man7/capabilities.7.html",
            "https://kubernetes.io/docs/tasks/configure-pod-container/security-context/#set-capabilities-for-a-container",
        ],
    }),
};

pub(super) const RULE: Rule = Rule { check: &CHECK, run };

/// Whether the container drops every capability as the runtimes read it (`ALL` in any case).
pub(super) fn drops_all(c: &crate::pod::ContainerView<'_>) -> bool {
    c.cap_entries("drop")
        .any(|(d, _)| d.eq_ignore_ascii_case("ALL"))
}

fn run(ctx: &Ctx<'_, '_>, out: &mut Findings<'_>) {
    if ctx.pss_runs(&crate::pss::capabilities_restricted::CHECK) {
        return;
    }
    for c in ctx.linux_containers() {
        if ctx.skips_privileged(c) || drops_all(c) {
            continue;
        }
        let add = c.cap_names("add");
        let drop = c.cap_names("drop");
        let kept = caps::resolve(ctx.options.runtime, &add, &drop).set;
        let defaults = caps::defaults(ctx.options.runtime);
        let kept_defaults: Vec<&str> = kept
            .iter()
            .copied()
            .filter(|k| defaults.contains(k))
            .collect();
        let message = if kept_defaults.contains(&"NET_RAW") {
            format!(
                "container \"{}\" does not drop ALL capabilities and keeps {} of the {} defaults, NET_RAW included",
                c.name,
                kept_defaults.len(),
                ctx.options.runtime.as_str()
            )
        } else {
            format!(
                "container \"{}\" does not drop ALL capabilities and keeps {} of the {} defaults",
                c.name,
                kept_defaults.len(),
                ctx.options.runtime.as_str()
            )
        };
        let at = c
            .sc("capabilities")
            .and_then(|caps| caps.field("drop"))
            .map_or_else(|| container_anchor(c), |n| n.span());
        let fix = Fix::unsafe_(
            "add ALL to securityContext.capabilities.drop",
            "a process that relies on a default capability (CHOWN, SETUID and SETGID to switch users, NET_BIND_SERVICE for ports below 1024, NET_RAW for ping) stops working: add back exactly what it needs",
            vec![Patch::Ensure {
                path: path(&c.sc_path("capabilities.drop")),
                item: PatchValue::Str("ALL".to_string()),
            }],
        );
        out.push(
            ctx.report(
                &CHECK,
                message,
                Some(c.name),
                at,
                c.sc_path("capabilities.drop"),
            )
            .with_fix(fix),
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
  containers:
  - name: none
  - name: some
    securityContext: {capabilities: {drop: [NET_RAW]}}
  - name: lower
    securityContext: {capabilities: {drop: [all]}}
  - name: priv
    securityContext: {privileged: true}
"#;

    #[test]
    fn flags_containers_that_keep_defaults() {
        check(
            &CHECK,
            &format!("# podsec: --level baseline\n{POD}"),
            expect![[r#"
            8:5 spec.containers[0].securityContext.capabilities.drop container "none" does not drop ALL capabilities and keeps 14 of the containerd defaults, NET_RAW included [fix: add ALL to securityContext.capabilities.drop (unsafe)]
            10:44 spec.containers[1].securityContext.capabilities.drop container "some" does not drop ALL capabilities and keeps 13 of the containerd defaults [fix: add ALL to securityContext.capabilities.drop (unsafe)]
            14:5 spec.containers[3].securityContext.capabilities.drop container "priv" does not drop ALL capabilities and keeps 14 of the containerd defaults, NET_RAW included [fix: add ALL to securityContext.capabilities.drop (unsafe)]
        "#]],
        );
        check(
            &CHECK,
            &format!("# podsec: --level privileged --runtime cri-o\n{POD}"),
            expect![[r#"
            8:5 spec.containers[0].securityContext.capabilities.drop container "none" does not drop ALL capabilities and keeps 9 of the cri-o defaults [fix: add ALL to securityContext.capabilities.drop (unsafe)]
            10:44 spec.containers[1].securityContext.capabilities.drop container "some" does not drop ALL capabilities and keeps 9 of the cri-o defaults [fix: add ALL to securityContext.capabilities.drop (unsafe)]
        "#]],
        );
    }

    #[test]
    fn silent_where_restricted_requires_drop_all() {
        check(
            &CHECK,
            &format!("# podsec: --level restricted\n{POD}"),
            expect![[""]],
        );
        check(
            &CHECK,
            &format!("# podsec: --level restricted --version v1.21\n{POD}"),
            expect![[r#"
            8:5 spec.containers[0].securityContext.capabilities.drop container "none" does not drop ALL capabilities and keeps 14 of the containerd defaults, NET_RAW included [fix: add ALL to securityContext.capabilities.drop (unsafe)]
            10:44 spec.containers[1].securityContext.capabilities.drop container "some" does not drop ALL capabilities and keeps 13 of the containerd defaults [fix: add ALL to securityContext.capabilities.drop (unsafe)]
            14:5 spec.containers[3].securityContext.capabilities.drop container "priv" does not drop ALL capabilities and keeps 14 of the containerd defaults, NET_RAW included [fix: add ALL to securityContext.capabilities.drop (unsafe)]
        "#]],
        );
    }
}
