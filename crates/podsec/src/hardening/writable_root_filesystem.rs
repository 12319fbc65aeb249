//! `writable-root-filesystem`: a container whose root filesystem is writable.

use crate::fix::{Fix, FixAvailability, Patch, PatchValue};
use crate::model::FindingLevel;
use crate::rule::{Check, Docs, Findings, Rule};
use crate::yaml::Node;

use super::{Ctx, container_anchor, path};

pub(super) const CHECK: Check = Check {
    id: "writable-root-filesystem",
    level: FindingLevel::Hardening,
    summary: "a container can write to its root filesystem",
    default_on: true,
    fix: FixAvailability::Always,
    docs: crate::rule::docs!(Docs {
        what: "Flags every container (init, regular and ephemeral) whose `securityContext.readOnlyRootFilesystem` is not `true`.
The field exists only on containers: there is no pod-level default, so each container must set it.
Unset means `false`: the container can write anywhere in the image's filesystem.",
        why: "An attacker who gets code execution in a container with a writable root filesystem can drop tools, replace the application's binaries or scripts, and plant files that survive until the container restarts.
A read-only root filesystem turns the image into what it should be at runtime, an immutable artefact, and makes any write that the application really needs visible in the manifest as a volume.
The Pod Security Standards do not cover it at any level, which is why it is a hardening rule.",
        example: "apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: app
      image: nginx:1.27
      securityContext:
        readOnlyRootFilesystem: false
",
        use_instead: "apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
    - name: app
      image: nginx:1.27
      securityContext:
        readOnlyRootFilesystem: true
      volumeMounts:
        - name: tmp
          mountPath: /tmp
  volumes:
    - name: tmp
      emptyDir: {}
",
        fix_safety: "Unsafe.
The fix sets `readOnlyRootFilesystem: true` and, unless the container already mounts something at `/tmp`, mounts an `emptyDir` volume there, because many programs write temporary files.
Applications that write elsewhere in the image (caches under `/var/cache`, PID files under `/var/run` or `/run`, logs under `/var/log`, nginx's `client_temp`, Python's `__pycache__`) fail with `Read-only file system` errors until those directories are given volumes too.
Test the workload, and add an `emptyDir` mount for each directory it must write to.",
        policy: "",
        references: &[
            "https://kubernetes.io/docs/tasks/configure-pod-container/security-context/",
            "https://kubernetes.io/docs/concepts/storage/volumes/#emptydir",
            "CIS Kubernetes Benchmark 5.7.3 (apply security context to pods and containers)",
        ],
    }),
};

pub(super) const RULE: Rule = Rule { check: &CHECK, run };

fn run(ctx: &Ctx<'_, '_>, out: &mut Findings<'_>) {
    let pod = ctx.pod;
    let volumes = pod.volumes();
    let volume_name = |n: Node<'_>| n.field("name").and_then(Node::text).map(str::to_string);
    let tmp_volume = volumes
        .iter()
        .find(|v| volume_name(**v).as_deref() == Some("tmp"));
    // Reuse a `tmp` emptyDir; pick another name when `tmp` is a different kind of volume.
    let (name, add_volume) = match tmp_volume {
        None => ("tmp", true),
        Some(v) if v.field("emptyDir").is_some() => ("tmp", false),
        Some(_) => ("podsec-tmp", true),
    };
    for c in ctx.linux_containers() {
        let written = c.sc("readOnlyRootFilesystem");
        if written.and_then(Node::as_bool) == Some(true) {
            continue;
        }
        let (message, at) = match written {
            Some(n) if n.as_bool() == Some(false) => (
                format!(
                    "container \"{}\" sets securityContext.readOnlyRootFilesystem=false",
                    c.name
                ),
                n.span(),
            ),
            _ => (
                format!(
                    "container \"{}\" does not set securityContext.readOnlyRootFilesystem=true",
                    c.name
                ),
                container_anchor(c),
            ),
        };
        let mounts_tmp = c.volume_mounts().iter().any(|m| {
            m.field("mountPath")
                .and_then(Node::text)
                .map(|p| p.trim_end_matches('/'))
                == Some("/tmp")
        });
        let mut patches = vec![Patch::Set {
            path: path(&c.sc_path("readOnlyRootFilesystem")),
            value: PatchValue::Bool(true),
        }];
        let title = if mounts_tmp {
            "set securityContext.readOnlyRootFilesystem: true".to_string()
        } else {
            if add_volume {
                patches.push(Patch::Ensure {
                    path: path(&format!("{}.volumes", pod.path)),
                    item: PatchValue::Map(vec![
                        ("name".to_string(), PatchValue::Str(name.to_string())),
                        ("emptyDir".to_string(), PatchValue::Map(Vec::new())),
                    ]),
                });
            }
            patches.push(Patch::Ensure {
                path: path(&format!("{}.volumeMounts", c.path)),
                item: PatchValue::Map(vec![
                    ("name".to_string(), PatchValue::Str(name.to_string())),
                    ("mountPath".to_string(), PatchValue::Str("/tmp".to_string())),
                ]),
            });
            "set securityContext.readOnlyRootFilesystem: true and mount an emptyDir at /tmp"
                .to_string()
        };
        let fix = Fix::unsafe_(
            title,
            "the application fails with read-only file system errors if it writes outside /tmp (caches under /var/cache, PID files under /run, logs under /var/log): give each such directory an emptyDir volume",
            patches,
        );
        out.push(
            ctx.report(
                &CHECK,
                message,
                Some(c.name),
                at,
                c.sc_path("readOnlyRootFilesystem"),
            )
            .with_fix(fix),
        );
    }
}

#[cfg(test)]
mod tests {
    use expect_test::expect;

    use super::CHECK;
    use crate::hardening::tests::fixes;
    use crate::testing::check;

    #[test]
    fn unset_false_and_true() {
        let yaml = r#"
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  initContainers:
  - name: init
  containers:
  - name: a
    securityContext: {readOnlyRootFilesystem: false}
  - name: b
    securityContext: {readOnlyRootFilesystem: true}
"#;
        check(
            &CHECK,
            yaml,
            expect![[r#"
            7:5 spec.initContainers[0].securityContext.readOnlyRootFilesystem container "init" does not set securityContext.readOnlyRootFilesystem=true [fix: set securityContext.readOnlyRootFilesystem: true and mount an emptyDir at /tmp (unsafe)]
            10:47 spec.containers[0].securityContext.readOnlyRootFilesystem container "a" sets securityContext.readOnlyRootFilesystem=false [fix: set securityContext.readOnlyRootFilesystem: true and mount an emptyDir at /tmp (unsafe)]
        "#]],
        );
    }

    #[test]
    fn fix_reuses_tmp_mount_and_renames_clashing_volume() {
        let yaml = r#"
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
  - name: a
    volumeMounts: [{name: scratch, mountPath: /tmp/}]
  - name: b
  volumes:
  - name: tmp
    configMap: {name: x}
"#;
        let f = fixes("writable-root-filesystem", yaml, "");
        assert_eq!(f.len(), 2);
        assert_eq!(f[0].patches.len(), 1, "{:?}", f[0]);
        assert_eq!(f[1].patches.len(), 3);
        let text = format!("{:?}", f[1].patches);
        assert!(text.contains("podsec-tmp"), "{text}");
    }

    #[test]
    fn windows_pods_are_not_inspected() {
        let yaml = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  os: {name: windows}\n  containers: [{name: a}]\n";
        check(&CHECK, yaml, expect![[""]]);
    }
}
