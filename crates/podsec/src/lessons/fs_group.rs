//! Lesson: fsGroup, so that a non-root user can write its volume.

use super::attempt::{effective_nonzero, get_path, mounted_from, show};
use super::{Goal, Lesson};
use crate::model::Value;

pub(super) const LESSON: Lesson = Lesson {
    id: "fs-group",
    title: "Let a non-root user write its volume: fsGroup",
    explanation: learner_text!("A new persistent volume is usually owned by root, and a process running as user 10001 cannot write to it.
Running as root to get around that undoes the first lesson.
`fsGroup` is a pod-level group ID with two effects: every container gets it as a supplementary group, and the kubelet makes that group the owner of the pod's volumes (where the volume type supports it), with group write permission.
On a large volume, changing the owner of every file at each mount is slow; `fsGroupChangePolicy: OnRootMismatch` skips the walk when the volume's top directory already has the right owner and permissions."),
    start: r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: ledger
spec:
  selector:
    matchLabels:
      app: ledger
  template:
    metadata:
      labels:
        app: ledger
    spec:
      securityContext:
        runAsNonRoot: true
        runAsUser: 10001
        runAsGroup: 10001
      containers:
        - name: db
          image: registry.example.com/data/ledger-db:5.1
          volumeMounts:
            - name: data
              mountPath: /var/lib/ledger
      volumes:
        - name: data
          persistentVolumeClaim:
            claimName: ledger-data
"#,
    goals: &[
        Goal {
            text: "Container `db` gets a group for its volumes, other than 0 (`fsGroup`)",
            test: |a| effective_nonzero(a, "db", "fsGroup"),
        },
        Goal {
            text: "The kubelet changes ownership only when the volume's root does not already match (`OnRootMismatch`)",
            test: |a| {
                let spec = &a.workload()?.spec;
                match get_path(spec, "securityContext.fsGroupChangePolicy") {
                    Some(Value::Str(s)) if s == "OnRootMismatch" => {
                        Ok("fsGroupChangePolicy is OnRootMismatch".to_string())
                    }
                    Some(v) => Err(format!("fsGroupChangePolicy is {}", show(v))),
                    None => Err("fsGroupChangePolicy is unset, so Always".to_string()),
                }
            },
        },
        Goal {
            text: "`db` still mounts its claim `data` at `/var/lib/ledger`, writable",
            test: |a| mounted_from(a, "db", "/var/lib/ledger", "persistentVolumeClaim", true),
        },
        Goal {
            text: "No container gets group 0 from any field",
            test: |a| a.no_finding("root-group", "no runAsGroup, fsGroup or supplementalGroups entry is 0"),
        },
    ],
    hints: hints![
        "`fsGroup` exists only in the pod's `securityContext`.",
        "Using the same number as `runAsGroup` keeps things simple: `fsGroup: 10001`.",
        "`fsGroupChangePolicy` sits next to `fsGroup`.",
    ],
    learned: learner_text!("- `fsGroup` gives every container a supplementary group and gives supported volumes to that group, so non-root processes can write them.
- `fsGroupChangePolicy: OnRootMismatch` saves a recursive ownership change on large volumes.
- Some volume types (hostPath, many NFS setups) are not changed by the kubelet; there the storage itself must be prepared.
- Group 0 is worth avoiding in every field: files owned by root's group are common in images."),
    checks: &["root-group", "run-as-root"],
    glossary: &["fsGroup", "fsGroupChangePolicy", "supplementalGroups"],
};
