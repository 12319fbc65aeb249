//! `writable-host-path`: a container that mounts a host directory read-write.

use crate::fix::{Fix, FixAvailability, Patch, PatchValue};
use crate::model::FindingLevel;
use crate::pss::{host_path_volumes, restricted_volumes};
use crate::rule::{Check, Docs, Findings, Rule};
use crate::yaml::Node;

use super::{Ctx, path};

pub(super) const CHECK: Check = Check {
    id: "writable-host-path",
    level: FindingLevel::Hardening,
    summary: "a container mounts a hostPath volume without readOnly: true",
    default_on: true,
    fix: FixAvailability::Always,
    docs: crate::rule::docs!(Docs {
        what: "Flags each `volumeMounts` entry of a container that mounts a `hostPath` volume without `readOnly: true`.
The baseline and restricted profiles forbid `hostPath` volumes altogether, so this rule speaks only at the privileged level, where workloads such as node agents and log collectors legitimately use host paths.",
        why: "A writable host path lets the container change the node's files.
Depending on the path, that means planting a binary or a cron job the node will run, rewriting kubelet or runtime configuration, reading and altering other pods' data, or filling the node's disk.
Most agents only need to read (logs, `/proc`, `/sys`); mounting read-only keeps a compromise of the agent from becoming a compromise of the node.",
        example: "# podsec: --level privileged
apiVersion: v1
kind: Pod
metadata:
  name: log-agent
spec:
  containers:
    - name: agent
      image: example/agent:1.0
      volumeMounts:
        - name: logs
          mountPath: /host/var/log
  volumes:
    - name: logs
      hostPath:
        path: /var/log
",
        use_instead: "# podsec: --level privileged
apiVersion: v1
kind: Pod
metadata:
  name: log-agent
spec:
  containers:
    - name: agent
      image: example/agent:1.0
      volumeMounts:
        - name: logs
          mountPath: /host/var/log
          readOnly: true
  volumes:
    - name: logs
      hostPath:
        path: /var/log
",
        fix_safety: "Unsafe.
The fix sets `readOnly: true` on the mount.
An agent that writes to the host path (position files of a log shipper, a CSI or CNI plugin installing files, a cache on the node) fails with read-only file system errors; keep such mounts writable but as narrow as possible.
Note that `readOnly` does not make a Unix socket safe: connecting to a socket is not a write (see `container-runtime-socket`).",
        policy: "Baseline forbids every `hostPath` volume at all policy versions; restricted allows only a fixed list of volume types, which excludes `hostPath`.",
        references: &[
            "https://kubernetes.io/docs/concepts/storage/volumes/#hostpath",
            "https://kubernetes.io/docs/concepts/security/pod-security-standards/",
        ],
    }),
};

pub(super) const RULE: Rule = Rule { check: &CHECK, run };

/// The names of `hostPath` volumes, with their `hostPath.path` text.
pub(super) fn host_path_volumes<'a>(ctx: &Ctx<'_, 'a>) -> Vec<(String, Node<'a>)> {
    ctx.pod
        .volumes()
        .into_iter()
        .filter_map(|v| {
            let hp = v.field("hostPath")?;
            let name = v.field("name").and_then(Node::text)?.to_string();
            Some((name, hp))
        })
        .collect()
}

fn run(ctx: &Ctx<'_, '_>, out: &mut Findings<'_>) {
    // Baseline's hostPathVolumes and restricted's restrictedVolumes forbid every hostPath volume.
    if ctx.pss_runs(&host_path_volumes::CHECK) || ctx.pss_runs(&restricted_volumes::CHECK) {
        return;
    }
    let host = host_path_volumes(ctx);
    if host.is_empty() {
        return;
    }
    for c in &ctx.pod.containers {
        for (i, m) in c.volume_mounts().into_iter().enumerate() {
            let Some(name) = m.field("name").and_then(Node::text) else {
                continue;
            };
            let Some((_, hp)) = host.iter().find(|(n, _)| n == name) else {
                continue;
            };
            if m.field("readOnly").and_then(Node::as_bool) == Some(true) {
                continue;
            }
            let host_dir = hp.field("path").and_then(Node::text).unwrap_or("");
            let mount_path = format!("{}.volumeMounts[{i}]", c.path);
            let at = m
                .get_entry("name")
                .map_or_else(|| m.span(), |(k, _)| k.span());
            out.push(
                ctx.report(&CHECK, format!(
                        "container \"{}\" mounts host path \"{host_dir}\" (volume \"{name}\") writable",
                        c.name
                    ),
                    Some(c.name),
                    at,
                    format!("{mount_path}.readOnly"),
                )
                .with_fix(Fix::unsafe_(
                    "set readOnly: true on the volume mount",
                    "a program that writes to the host path fails with read-only file system errors",
                    vec![Patch::Set {
                        path: path(&format!("{mount_path}.readOnly")),
                        value: PatchValue::Bool(true),
                    }],
                )),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::CHECK;
    use crate::testing::check;

    #[test]
    fn writable_mounts_only_at_privileged() {
        let yaml = r#"
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
  - name: a
    volumeMounts:
    - {name: logs, mountPath: /l}
    - {name: logs, mountPath: /r, readOnly: true}
    - {name: scratch, mountPath: /s}
  volumes:
  - {name: logs, hostPath: {path: /var/log}}
  - {name: scratch, emptyDir: {}}
"#;
        check(
            &CHECK,
            &format!("# podsec: --level privileged\n{yaml}"),
            expect![[r#"
            10:8 spec.containers[0].volumeMounts[0].readOnly container "a" mounts host path "/var/log" (volume "logs") writable [fix: set readOnly: true on the volume mount (unsafe)]
        "#]],
        );
        check(
            &CHECK,
            &format!("# podsec: --level baseline\n{yaml}"),
            expect![[""]],
        );
    }
}
