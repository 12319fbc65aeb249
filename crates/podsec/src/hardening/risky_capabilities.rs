//! `risky-capabilities`: a container that holds a capability close to root on the node.

use crate::effective::caps;
use crate::fix::{Fix, FixAvailability, Patch, PatchValue};
use crate::model::FindingLevel;
use crate::pss::{capabilities_baseline, capabilities_restricted};
use crate::rule::{Check, Docs, Findings, Rule};

use super::{Ctx, container_anchor, path};

pub(super) const CHECK: Check = Check {
    id: "risky-capabilities",
    level: FindingLevel::Hardening,
    summary: "a container holds a dangerous capability such as SYS_ADMIN, NET_ADMIN or NET_RAW",
    default_on: true,
    fix: FixAvailability::Always,
    docs: crate::rule::docs!(Docs {
        what: "Flags dangerous capabilities a container really gets, worked out the way its container runtime does (add, then drop; `ALL` in any case; containerd ignores `CAP_`-prefixed names).
Dangerous means: `ALL`, `SYS_ADMIN`, `SYS_MODULE`, `SYS_RAWIO`, `DAC_READ_SEARCH` (critical: near root on the node), `NET_ADMIN`, `SYS_PTRACE`, `SYS_BOOT`, `SYS_TIME`, `AUDIT_CONTROL`, `MAC_ADMIN`, `MAC_OVERRIDE`, `SYSLOG`, `BPF`, `PERFMON` (high), and `NET_RAW`.
It flags each such entry of `capabilities.add`, and `NET_RAW` kept from containerd's default set when the container does not drop it.
It is silent where a Pod Security Standards check already rejects the same entry: baseline rejects every added capability outside its default-like list (all of the above, `NET_RAW` included), and restricted from v1.22 rejects every addition but `NET_BIND_SERVICE` and requires `drop: [ALL]`.
So at baseline it reports only `NET_RAW` kept from the runtime defaults, and at restricted from v1.22 nothing.
Privileged containers, which get every capability and no seccomp filter anyway, are left alone at the privileged level, and judged as they will run without the flag at baseline and restricted, where the `privileged` check asks to remove it.",
        why: "Some capabilities hand over the node.
`SYS_ADMIN` allows mounting filesystems and creating namespaces, the usual first step of a container escape; `SYS_MODULE` loads kernel code; `DAC_READ_SEARCH` enabled the classic `open_by_handle_at` (\"shocker\") escape; `SYS_PTRACE` reads and rewrites other processes' memory; `NET_ADMIN` rewrites routing and firewall rules; `BPF` and `PERFMON` load programs into the kernel and read its memory layout.
`NET_RAW` is in containerd's default set: with it a compromised container can forge packets, spoof ARP and DNS answers to its neighbours on the node, and it has been the entry point of several kernel CVEs.
CRI-O dropped `NET_RAW` from its defaults in 1.18 for that reason.",
        example: "# podsec: --level privileged
apiVersion: v1
kind: Pod
metadata:
  name: debug
spec:
  containers:
    - name: app
      image: example/app:1.0
      securityContext:
        capabilities:
          add:
            - SYS_ADMIN
",
        use_instead: "# podsec: --level privileged
apiVersion: v1
kind: Pod
metadata:
  name: debug
spec:
  containers:
    - name: app
      image: example/app:1.0
      securityContext:
        capabilities:
          drop:
            - ALL
",
        fix_safety: "Unsafe.
For an added capability the fix removes the entry from `capabilities.add`; for `NET_RAW` from the runtime defaults it adds `NET_RAW` to `capabilities.drop`.
A program that really uses the capability breaks: `ping` and `traceroute` need `NET_RAW` (or the `net.ipv4.ping_group_range` sysctl), network plugins need `NET_ADMIN`, debuggers need `SYS_PTRACE`.
Such programs belong in a separate, deliberately privileged workload.",
        policy: "Baseline allows adding only `AUDIT_WRITE`, `CHOWN`, `DAC_OVERRIDE`, `FOWNER`, `FSETID`, `KILL`, `MKNOD`, `NET_BIND_SERVICE`, `SETFCAP`, `SETGID`, `SETPCAP`, `SETUID` and `SYS_CHROOT` (exact spelling): `NET_RAW` is not on the list, although containerd grants it by default.
Restricted allows adding only `NET_BIND_SERVICE` from v1.22.",
        references: &[
            "https://man7.org/linux/man-pages/man7/capabilities.7.html",
            "https://kubernetes.io/docs/concepts/security/pod-security-standards/",
            "https://github.com/cri-o/cri-o/pull/3119",
        ],
    }),
};

pub(super) const RULE: Rule = Rule { check: &CHECK, run };

/// Dangerous capabilities and what they give, in kernel order.
const RISKY: &[(&str, &str)] = &[
    (
        "DAC_READ_SEARCH",
        "it bypasses file read checks and opens files by handle, the shocker escape",
    ),
    (
        "NET_ADMIN",
        "it reconfigures interfaces, routes and firewall rules",
    ),
    (
        "NET_RAW",
        "it forges packets and spoofs ARP and DNS on the node's network",
    ),
    ("SYS_MODULE", "it loads kernel modules"),
    ("SYS_RAWIO", "it gives raw access to devices and I/O ports"),
    (
        "SYS_PTRACE",
        "it reads and rewrites other processes' memory",
    ),
    (
        "SYS_ADMIN",
        "it mounts filesystems, creates namespaces and much more, close to root on the node",
    ),
    ("SYS_BOOT", "it reboots the node"),
    ("SYS_TIME", "it sets the node's clock"),
    ("AUDIT_CONTROL", "it turns kernel auditing off"),
    ("MAC_OVERRIDE", "it overrides mandatory access control"),
    ("MAC_ADMIN", "it changes mandatory access control policy"),
    ("SYSLOG", "it reads kernel messages and kernel addresses"),
    ("PERFMON", "it reads kernel performance data and addresses"),
    ("BPF", "it loads BPF programs into the kernel"),
];

fn why(name: &str) -> Option<&'static str> {
    RISKY.iter().find(|(n, _)| *n == name).map(|(_, w)| *w)
}

/// Whether a Pod Security Standards check at the evaluated level already rejects this entry.
fn pss_rejects(ctx: &Ctx<'_, '_>, entry: &str) -> bool {
    if ctx.pss_runs(&capabilities_restricted::CHECK) {
        return entry != capabilities_restricted::ALLOWED_ADD;
    }
    ctx.pss_runs(&capabilities_baseline::CHECK) && !capabilities_baseline::ALLOWED.contains(&entry)
}

fn run(ctx: &Ctx<'_, '_>, out: &mut Findings<'_>) {
    let runtime = ctx.options.runtime;
    for c in ctx.linux_containers() {
        if ctx.skips_privileged(c) {
            continue;
        }
        let add = c.caps_add();
        let add_names: Vec<&str> = add.iter().map(|(s, _)| *s).collect();
        let drop = c.cap_names("drop");
        let granted = caps::resolve(runtime, &add_names, &drop).set;
        let add_path = c.sc_path("capabilities.add");
        for (entry, node) in &add {
            if pss_rejects(ctx, entry) {
                continue;
            }
            let reason = if entry.eq_ignore_ascii_case("ALL") {
                let risky: Vec<&str> = granted
                    .iter()
                    .copied()
                    .filter(|g| why(g).is_some())
                    .collect();
                if risky.is_empty() {
                    continue;
                }
                format!("every capability, {} included", risky.join(", "))
            } else {
                let name = caps::display(entry);
                let Some(reason) = why(&name) else { continue };
                // An entry the runtime ignores or a later drop removes grants nothing.
                let single = [*entry];
                let alone = caps::resolve(runtime, &single, &[]).set;
                if !alone.iter().any(|g| *g == name) || !granted.iter().any(|g| *g == name) {
                    continue;
                }
                format!("{name}: {reason}")
            };
            out.push(
                ctx.report(&CHECK, format!("container \"{}\" adds {reason}", c.name),
                    Some(c.name),
                    node.span(),
                    add_path.clone(),
                )
                .with_fix(Fix::unsafe_(
                    format!("remove {entry} from securityContext.capabilities.add"),
                    "a program that really uses the capability breaks: run it in a separate, deliberately privileged workload",
                    vec![Patch::RemoveItem {
                        path: path(&add_path),
                        item: (*entry).to_string(),
                    }],
                )),
            );
        }
        let added_raw = add_names
            .iter()
            .any(|a| caps::display(a) == "NET_RAW" || a.eq_ignore_ascii_case("ALL"));
        if ctx.pss_runs(&capabilities_restricted::CHECK)
            || added_raw
            || !caps::defaults(runtime).contains(&"NET_RAW")
            || !granted.contains(&"NET_RAW")
        {
            continue;
        }
        let at = c
            .sc("capabilities")
            .and_then(|caps| caps.field("drop"))
            .map_or_else(|| container_anchor(c), |n| n.span());
        out.push(
            ctx.report(&CHECK, format!(
                    "container \"{}\" keeps NET_RAW from the {} defaults: it forges packets and spoofs ARP and DNS on the node's network",
                    c.name,
                    runtime.as_str()
                ),
                Some(c.name),
                at,
                c.sc_path("capabilities.drop"),
            )
            .with_fix(Fix::unsafe_(
                "add NET_RAW to securityContext.capabilities.drop",
                "ping, traceroute and other raw-socket tools stop working",
                vec![Patch::Ensure {
                    path: path(&c.sc_path("capabilities.drop")),
                    item: PatchValue::Str("NET_RAW".to_string()),
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

    const POD: &str = r#"
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
  - name: a
    securityContext: {capabilities: {add: [SYS_ADMIN, NET_RAW, CHOWN, CAP_BPF, sys_ptrace]}}
  - name: b
  - name: c
    securityContext: {capabilities: {add: [NET_ADMIN], drop: [NET_ADMIN, NET_RAW]}}
  - name: d
    securityContext: {capabilities: {add: [ALL], drop: [SYS_ADMIN]}}
"#;

    #[test]
    fn privileged_level_reports_every_dangerous_capability() {
        check(
            &CHECK,
            &format!("# podsec: --level privileged{POD}"),
            expect![[r#"
            8:44 spec.containers[0].securityContext.capabilities.add container "a" adds SYS_ADMIN: it mounts filesystems, creates namespaces and much more, close to root on the node [fix: remove SYS_ADMIN from securityContext.capabilities.add (unsafe)]
            8:55 spec.containers[0].securityContext.capabilities.add container "a" adds NET_RAW: it forges packets and spoofs ARP and DNS on the node's network [fix: remove NET_RAW from securityContext.capabilities.add (unsafe)]
            8:80 spec.containers[0].securityContext.capabilities.add container "a" adds SYS_PTRACE: it reads and rewrites other processes' memory [fix: remove sys_ptrace from securityContext.capabilities.add (unsafe)]
            9:5 spec.containers[1].securityContext.capabilities.drop container "b" keeps NET_RAW from the containerd defaults: it forges packets and spoofs ARP and DNS on the node's network [fix: add NET_RAW to securityContext.capabilities.drop (unsafe)]
            13:44 spec.containers[3].securityContext.capabilities.add container "d" adds every capability, DAC_READ_SEARCH, NET_ADMIN, NET_RAW, SYS_MODULE, SYS_RAWIO, SYS_PTRACE, SYS_BOOT, SYS_TIME, AUDIT_CONTROL, MAC_OVERRIDE, MAC_ADMIN, SYSLOG, PERFMON, BPF included [fix: remove ALL from securityContext.capabilities.add (unsafe)]
        "#]],
        );
    }

    #[test]
    fn defers_to_the_pod_security_standards() {
        // Baseline rejects every added capability outside its list (NET_RAW included), so only
        // the NET_RAW kept from the runtime defaults is left.
        check(
            &CHECK,
            &format!("# podsec: --level baseline{POD}"),
            expect![[r#"
            9:5 spec.containers[1].securityContext.capabilities.drop container "b" keeps NET_RAW from the containerd defaults: it forges packets and spoofs ARP and DNS on the node's network [fix: add NET_RAW to securityContext.capabilities.drop (unsafe)]
        "#]],
        );
        check(
            &CHECK,
            &format!("# podsec: --level restricted{POD}"),
            expect![[""]],
        );
        // CRI-O's defaults have no NET_RAW to keep.
        check(
            &CHECK,
            &format!("# podsec: --level privileged --runtime cri-o{POD}"),
            expect![[r#"
            8:44 spec.containers[0].securityContext.capabilities.add container "a" adds SYS_ADMIN: it mounts filesystems, creates namespaces and much more, close to root on the node [fix: remove SYS_ADMIN from securityContext.capabilities.add (unsafe)]
            8:55 spec.containers[0].securityContext.capabilities.add container "a" adds NET_RAW: it forges packets and spoofs ARP and DNS on the node's network [fix: remove NET_RAW from securityContext.capabilities.add (unsafe)]
            8:71 spec.containers[0].securityContext.capabilities.add container "a" adds BPF: it loads BPF programs into the kernel [fix: remove CAP_BPF from securityContext.capabilities.add (unsafe)]
            8:80 spec.containers[0].securityContext.capabilities.add container "a" adds SYS_PTRACE: it reads and rewrites other processes' memory [fix: remove sys_ptrace from securityContext.capabilities.add (unsafe)]
            13:44 spec.containers[3].securityContext.capabilities.add container "d" adds every capability, DAC_READ_SEARCH, NET_ADMIN, NET_RAW, SYS_MODULE, SYS_RAWIO, SYS_PTRACE, SYS_BOOT, SYS_TIME, AUDIT_CONTROL, MAC_OVERRIDE, MAC_ADMIN, SYSLOG, PERFMON, BPF included [fix: remove ALL from securityContext.capabilities.add (unsafe)]
        "#]],
        );
    }
}
