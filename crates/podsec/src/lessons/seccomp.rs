//! Lesson: seccomp profiles, the runtime's default and a node's own.

use super::attempt::{accepted, effective_is};
use super::{Goal, Lesson};
use crate::model::Value;

fn profile(kind: &str, localhost: Option<&str>) -> Value {
    let mut v = vec![("type".to_string(), Value::Str(kind.to_string()))];
    if let Some(p) = localhost {
        v.push(("localhostProfile".to_string(), Value::Str(p.to_string())));
    }
    Value::Object(v)
}

pub(super) const LESSON: Lesson = Lesson {
    id: "seccomp",
    title: "Filter system calls: RuntimeDefault and Localhost",
    explanation: learner_text!("Every container talks to the same kernel as the node, through a few hundred system calls.
A seccomp profile is a filter on those calls.
`RuntimeDefault` is the container runtime's own profile: it blocks the calls containers almost never need (loading kernel modules, `kexec`, mounting, many old interfaces), and almost every program runs fine under it.
`Localhost` is a profile file an administrator installed on the node, under the kubelet's `seccomp` directory; `localhostProfile` is its path relative to that directory.
`Unconfined` is no filter at all, and it is also what you get when nothing is set, unless the kubelet runs with `seccompDefault: true`.
The field works at pod level and at container level, and a container's value replaces the pod's.
Here the whole pod was made `Unconfined` because one agent makes an unusual call; the node team has since installed `profiles/legacy-agent.json` for it."),
    start: r#"apiVersion: v1
kind: Pod
metadata:
  name: catalog
spec:
  securityContext:
    seccompProfile:
      type: Unconfined
  containers:
    - name: web
      image: registry.example.com/shop/catalog:5.3
    - name: agent
      image: registry.example.com/observability/legacy-agent:0.9
      args: ["--ship-to=collector:4317"]
"#,
    goals: &[
        Goal {
            text: "Container `web` runs under the runtime's default profile (`RuntimeDefault`)",
            test: |a| effective_is(a, "web", "seccompProfile", &profile("RuntimeDefault", None)),
        },
        Goal {
            text: "Container `agent` runs under the node's profile `profiles/legacy-agent.json` (`Localhost`)",
            test: |a| {
                effective_is(
                    a,
                    "agent",
                    "seccompProfile",
                    &profile("Localhost", Some("profiles/legacy-agent.json")),
                )
            },
        },
        Goal {
            text: "No `Unconfined` is left anywhere, pod level included, so the restricted standard's seccomp check passes",
            test: |a| {
                a.no_finding(
                    "seccompProfile_restricted",
                    "the pod and every container have RuntimeDefault or Localhost",
                )
            },
        },
        Goal {
            text: "The API server accepts it and the kubelet can start it",
            test: accepted,
        },
    ],
    hints: hints![
        "The container's `seccompProfile` replaces the pod's, so the pod's value can serve `web` while `agent` sets its own.",
        "Admission looks at the pod's value by itself: an `Unconfined` at pod level is refused even when every container overrides it.",
        "For the agent: `seccompProfile: {type: Localhost, localhostProfile: profiles/legacy-agent.json}` in its own `securityContext`.",
    ],
    learned: learner_text!("- `RuntimeDefault` is the safe default for nearly every program; `Localhost` is for programs that need a tailored filter, installed on every node first.
- Unset means `Unconfined` unless the kubelet's `seccompDefault` is on, so set it.
- A container's profile replaces the pod's as a whole; Pod Security Admission still checks each value where it is written.
- A privileged container runs without seccomp whatever you set."),
    checks: &[
        "seccompProfile_restricted",
        "seccompProfile_baseline",
        "unconfined-seccomp",
        "seccomp-unset",
        "localhost-seccomp-without-profile",
        "invalid-seccomp-profile",
    ],
    glossary: &["seccompProfile"],
};
