//! Lesson: a read-only root filesystem, with an emptyDir where the program writes.

use super::attempt::{effective_is, get_path, mounted_from};
use super::{Goal, Lesson};
use crate::model::Value;

pub(super) const LESSON: Lesson = Lesson {
    id: "read-only-root",
    title: "Make the root filesystem read-only, keep /tmp writable",
    explanation: learner_text!("An attacker who gets code running in a container usually wants to write: a downloaded tool, a changed binary, a backdoor in a script that runs later.
`readOnlyRootFilesystem: true` mounts the image's filesystem read-only, so none of that sticks.
Most programs still need somewhere to write scratch files, usually `/tmp`.
Give them exactly that: an `emptyDir` volume mounted at the directory.
It starts empty with the pod, is private to the pod, and disappears with it.
A `sizeLimit` keeps a runaway job from filling the node's disk: past the limit the kubelet evicts the pod."),
    start: r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: report-builder
spec:
  selector:
    matchLabels:
      app: report-builder
  template:
    metadata:
      labels:
        app: report-builder
    spec:
      containers:
        - name: builder
          image: registry.example.com/tools/report-builder:1.8
          command: ["report-builder", "--scratch-dir=/tmp"]
"#,
    goals: &[
        Goal {
            text: "Container `builder` has a read-only root filesystem",
            test: |a| effective_is(a, "builder", "readOnlyRootFilesystem", &Value::Bool(true)),
        },
        Goal {
            text: "`/tmp` stays writable: an `emptyDir` volume is mounted there, not read-only",
            test: |a| mounted_from(a, "builder", "/tmp", "emptyDir", true),
        },
        Goal {
            text: "The `emptyDir` at `/tmp` has a `sizeLimit`",
            test: |a| {
                let (_, v) = a.mount("builder", "/tmp")?;
                get_path(v, "emptyDir.sizeLimit").map_or_else(
                    || Err("the emptyDir at /tmp has no sizeLimit".to_string()),
                    |s| Ok(format!("the emptyDir at /tmp is limited to {}", super::attempt::show(s))),
                )
            },
        },
    ],
    hints: hints![
        "`readOnlyRootFilesystem` is a container-only field: it goes in `builder`'s `securityContext`.",
        "A volume needs two parts: an entry in the pod's `volumes` (`- name: tmp` with `emptyDir: {}`) and an entry in the container's `volumeMounts` (`name: tmp`, `mountPath: /tmp`).",
        "Write the limit inside the emptyDir: `emptyDir: {sizeLimit: 64Mi}`.",
    ],
    learned: learner_text!("- `readOnlyRootFilesystem: true` stops anything written into the image's filesystem, by the program or by an intruder.
- Every directory the program really writes gets its own `emptyDir`; the rest stays read-only.
- `sizeLimit` bounds what the pod can write to the node's disk.
- The Pod Security Standards do not ask for a read-only root; it is advice beyond them, and the fix is unsafe until you know where the program writes."),
    checks: &["writable-root-filesystem"],
    glossary: &["readOnlyRootFilesystem"],
};
