//! Lesson: run as a user you choose, and have the kubelet check it is not root.

use super::attempt::{effective_is, effective_nonzero};
use super::{Goal, Lesson};
use crate::model::Value;

pub(super) const LESSON: Lesson = Lesson {
    id: "run-as-non-root",
    title: "Run as a user you choose, not as root",
    explanation: learner_text!("A container runs as whatever user its image names, and many images name none, which means root (user 0).
Root inside a container is not root on the node, but it owns every file of the image, can install packages into it, and is one kernel bug closer to the node.
Three fields decide who the processes are:
- `runAsUser`: the numeric user ID;
- `runAsGroup`: the numeric primary group ID (unset, it comes from the image's `/etc/passwd`, which often means group 0);
- `runAsNonRoot: true`: the kubelet refuses to start the container if the user would be 0.
`runAsNonRoot` only checks; it does not choose a user.
Without `runAsUser` the kubelet must trust the image's `USER`, which it can only see when the container starts."),
    start: r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: orders
spec:
  replicas: 2
  selector:
    matchLabels:
      app: orders
  template:
    metadata:
      labels:
        app: orders
    spec:
      containers:
        - name: api
          image: registry.example.com/shop/orders:2.4.1
          args: ["--listen=:8080"]
          ports:
            - containerPort: 8080
"#,
    goals: &[
        Goal {
            text: "The kubelet checks that container `api` is not root when it starts (`runAsNonRoot`)",
            test: |a| effective_is(a, "api", "runAsNonRoot", &Value::Bool(true)),
        },
        Goal {
            text: "`api` runs as a user ID set in the manifest, other than 0 (`runAsUser`)",
            test: |a| effective_nonzero(a, "api", "runAsUser"),
        },
        Goal {
            text: "`api` has a primary group set in the manifest, other than 0 (`runAsGroup`)",
            test: |a| effective_nonzero(a, "api", "runAsGroup"),
        },
        Goal {
            text: "The kubelet would start it: the user it checks is not root",
            test: |a| {
                a.no_finding(
                    "run-as-non-root-with-root-user",
                    "the kubelet's non-root check passes with the user set",
                )
            },
        },
    ],
    hints: hints![
        "These fields live in a `securityContext`: the pod's (`spec.template.spec.securityContext`, for every container) or the container's own.",
        "`runAsNonRoot: true` alone only asks the kubelet to look at the image's `USER`; the effective view shows that value as unknown. Set `runAsUser` too.",
        "IDs above 10000 match no account on a typical node, e.g. `runAsUser: 10001` and `runAsGroup: 10001` next to `runAsNonRoot: true`.",
    ],
    learned: learner_text!("- Unset, the user is the image's choice, and often root.
- `runAsUser` and `runAsGroup` choose the IDs; `runAsNonRoot: true` makes the kubelet refuse root, as a safety net for when the user comes from the image.
- A pod-level value applies to every container that does not set its own.
- The restricted standard asks for `runAsNonRoot: true` and forbids an explicit `runAsUser: 0`; it does not look at the group, which is why podsec's own advice does."),
    checks: &[
        "runAsNonRoot",
        "runAsUser",
        "run-as-root",
        "run-as-image-user",
        "root-group",
        "run-as-non-root-with-root-user",
    ],
    glossary: &["runAsUser", "runAsGroup", "runAsNonRoot"],
};
