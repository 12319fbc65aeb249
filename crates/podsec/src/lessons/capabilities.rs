//! Lesson: drop every capability, add back the one that binds port 80.

use super::attempt::serves_on;
use super::{Goal, Lesson};
use crate::model::Runtime;

pub(super) const LESSON: Lesson = Lesson {
    id: "capabilities",
    title: "Drop every capability, add back only what binds port 80",
    explanation: learner_text!("Linux splits root's power into about forty capabilities: `NET_BIND_SERVICE` binds ports below 1024, `NET_ADMIN` reconfigures the network, `SYS_ADMIN` does a bit of everything.
A container starts with the runtime's default set (14 on containerd), whatever it needs.
`capabilities.add` grants more and `capabilities.drop` removes; the runtime adds first and drops after, and `ALL` means every one.
The least-privilege pattern is `drop: [ALL]` and an `add` of exactly what the program uses.
This proxy listens on port 80, so it needs `NET_BIND_SERVICE` and nothing else; someone granted `NET_ADMIN` while trying to make the bind work."),
    start: r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: edge
spec:
  selector:
    matchLabels:
      app: edge
  template:
    metadata:
      labels:
        app: edge
    spec:
      containers:
        - name: proxy
          image: registry.example.com/net/edge-proxy:3.2
          args: ["--listen=:80"]
          ports:
            - containerPort: 80
          securityContext:
            capabilities:
              add: ["NET_ADMIN", "NET_BIND_SERVICE"]
"#,
    goals: &[
        Goal {
            text: "Container `proxy` holds `NET_BIND_SERVICE` and no other capability",
            test: |a| {
                let caps = a.capabilities("proxy", Runtime::Containerd)?;
                let said = format!("\"proxy\" holds [{}]", caps.join(", "));
                if caps == ["NET_BIND_SERVICE"] { Ok(said) } else { Err(said) }
            },
        },
        Goal {
            text: "The restricted standard's capability check passes (drop `ALL`, add at most `NET_BIND_SERVICE`)",
            test: |a| {
                a.no_finding(
                    "capabilities_restricted",
                    "proxy drops ALL and adds only NET_BIND_SERVICE",
                )
            },
        },
        Goal {
            text: "`proxy` still serves on port 80",
            test: |a| serves_on(a, "proxy", 80),
        },
    ],
    hints: hints![
        "Start from nothing: `drop: [\"ALL\"]` next to `add` in `capabilities`.",
        "`NET_ADMIN` is about configuring interfaces and routes; binding a port below 1024 is `NET_BIND_SERVICE` alone.",
        "Names are written in upper case without the `CAP_` prefix, as Kubernetes and the Pod Security Standards compare them exactly.",
    ],
    learned: learner_text!("- The runtime's default set is broader than most programs need; `drop: [ALL]` and a short `add` list is least privilege.
- `NET_BIND_SERVICE` is the one capability the restricted standard lets you add back.
- What the container holds is the bounding set: a process running as root gets it, but a non-root process gets it only through file capabilities on its binary (`setcap`), so a non-root server is often simpler on port 8080 behind a Service that maps 80 to 8080.
- Write names in upper case, without `CAP_`: containerd ignores `CAP_` names and the standards compare case-sensitively."),
    checks: &[
        "capabilities_restricted",
        "capabilities_baseline",
        "capabilities-not-dropped",
        "risky-capabilities",
        "unneeded-capabilities",
        "cap-prefixed-capability",
    ],
    glossary: &["capabilities"],
};
