//! Lesson: privileged containers and the node's namespaces.

use super::attempt::{effective_is, serves_on};
use super::{Goal, Lesson};
use crate::model::{PssLevel, Value, Version};

pub(super) const LESSON: Lesson = Lesson {
    id: "privileged-and-host-namespaces",
    title: "Privileged containers and the node's namespaces",
    explanation: learner_text!("A container is a process in namespaces of its own: its own process list, network, hostname and shared memory.
`hostPID`, `hostNetwork` and `hostIPC` put the pod in the node's namespaces instead: it sees every process on the node, its network interfaces and local ports, its shared memory.
`privileged: true` goes further: every capability, every device, no seccomp or AppArmor filter; it is root on the node in all but name.
These are for node agents that really manage the node (a CNI plugin, a storage driver), never for an application.
This metrics agent only serves a port that Prometheus scrapes over the pod network; it was given all of the above while someone debugged it."),
    start: r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: metrics-agent
spec:
  selector:
    matchLabels:
      app: metrics-agent
  template:
    metadata:
      labels:
        app: metrics-agent
    spec:
      hostPID: true
      hostNetwork: true
      hostIPC: true
      containers:
        - name: agent
          image: registry.example.com/observability/metrics-agent:1.12
          args: ["--listen=:9100"]
          ports:
            - containerPort: 9100
          securityContext:
            privileged: true
"#,
    goals: &[
        Goal {
            text: "Container `agent` is not privileged",
            test: |a| effective_is(a, "agent", "privileged", &Value::Bool(false)),
        },
        Goal {
            text: "The pod shares no namespace with the node (`hostNetwork`, `hostPID`, `hostIPC`)",
            test: |a| {
                let mut said = Vec::new();
                for field in ["hostNetwork", "hostPID", "hostIPC"] {
                    said.push(effective_is(a, "agent", field, &Value::Bool(false))?);
                }
                Ok(said.join("; "))
            },
        },
        Goal {
            text: "Admitted at the baseline level",
            test: |a| a.admitted(PssLevel::Baseline, Version::Latest),
        },
        Goal {
            text: "`agent` still serves its metrics on port 9100",
            test: |a| serves_on(a, "agent", 9100),
        },
    ],
    hints: hints![
        "`privileged` is in the container's `securityContext`; the three namespace fields are directly in the pod spec, not in any `securityContext`.",
        "Removing a field or setting it to `false` both work: all four default to `false`.",
        "With `hostNetwork` gone, the port is the pod's own; Prometheus reaches it at the pod's IP.",
    ],
    learned: learner_text!("- `privileged: true` removes nearly every boundary between the container and the node.
- `hostPID`, `hostNetwork` and `hostIPC` share the node's process list, network and IPC with the pod.
- The baseline standard forbids all four; it is the level most namespaces can enforce without breaking applications.
- Tools that really need the node belong in their own namespace, with an enforced level of `privileged` and a short list of people who may deploy there."),
    checks: &["privileged", "hostNamespaces", "hostPorts", "capabilities-on-privileged-container"],
    glossary: &["privileged", "hostNetwork", "hostPID", "hostIPC"],
};
