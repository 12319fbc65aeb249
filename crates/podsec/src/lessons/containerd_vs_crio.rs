//! Lesson: the same manifest, two runtimes, two capability sets.

use super::attempt::Attempt;
use super::{Goal, Lesson};
use crate::model::Runtime;

/// The capabilities of `gw` on each runtime.
fn both(a: &Attempt) -> Result<(Vec<String>, Vec<String>), String> {
    Ok((
        a.capabilities("gw", Runtime::Containerd)?,
        a.capabilities("gw", Runtime::CriO)?,
    ))
}

fn list(caps: &[String]) -> String {
    format!("[{}]", caps.join(", "))
}

pub(super) const LESSON: Lesson = Lesson {
    id: "containerd-vs-crio",
    title: "One manifest, two runtimes: containerd and CRI-O",
    explanation: learner_text!("What a container may do is not all in the manifest: what the manifest leaves unset, the container runtime decides.
The default capability set is the clearest case.
containerd gives 14 capabilities, Docker's historical list, including `NET_RAW` (raw sockets, for crafting packets), `MKNOD`, `SYS_CHROOT`, `AUDIT_WRITE` and `SETFCAP`.
CRI-O gives 9 and leaves those five out.
So the same pod holds different powers depending on the nodes it lands on, and a program tested on one may fail on the other.
Switch the runtime in the toolbar (or `podsec effective --runtime cri-o`) to see both.
This gateway starts as root, changes the owner of its socket directory, then switches to an unprivileged user: it needs `CHOWN`, `SETUID` and `SETGID`, and nothing else."),
    start: r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: gateway
spec:
  selector:
    matchLabels:
      app: gateway
  template:
    metadata:
      labels:
        app: gateway
    spec:
      containers:
        - name: gw
          image: registry.example.com/net/gateway:4.0
          command: ["/gateway", "--user=gateway", "--socket-dir=/run/gateway"]
"#,
    goals: &[
        Goal {
            text: "Container `gw` holds the same capabilities on containerd and on CRI-O",
            test: |a| {
                let (c, o) = both(a)?;
                if c == o {
                    Ok(format!("both runtimes give {}", list(&c)))
                } else {
                    Err(format!("containerd gives {}, CRI-O gives {}", list(&c), list(&o)))
                }
            },
        },
        Goal {
            text: "`gw` keeps `CHOWN`, `SETUID` and `SETGID` on both runtimes",
            test: |a| {
                let (c, o) = both(a)?;
                for (runtime, caps) in [("containerd", &c), ("CRI-O", &o)] {
                    for need in ["CHOWN", "SETUID", "SETGID"] {
                        if !caps.iter().any(|x| x == need) {
                            return Err(format!("{runtime} does not give {need}"));
                        }
                    }
                }
                Ok("both runtimes give CHOWN, SETUID and SETGID".to_string())
            },
        },
        Goal {
            text: "`gw` holds `NET_RAW` on neither runtime",
            test: |a| {
                let (c, o) = both(a)?;
                for (runtime, caps) in [("containerd", &c), ("CRI-O", &o)] {
                    if caps.iter().any(|x| x == "NET_RAW") {
                        return Err(format!("{runtime} gives NET_RAW: {}", list(caps)));
                    }
                }
                Ok("neither runtime gives NET_RAW".to_string())
            },
        },
    ],
    hints: hints![
        "Compare the `capabilities` row of the effective view with the runtime set to containerd, then to CRI-O.",
        "Dropping the five that only containerd gives would do, but then the result still depends on what each runtime's default list is.",
        "`capabilities: {drop: [\"ALL\"], add: [\"CHOWN\", \"SETUID\", \"SETGID\"]}` says the whole set yourself, on any runtime.",
    ],
    learned: learner_text!("- Unset fields are filled in by the runtime, and runtimes differ: containerd's default capabilities are 14, CRI-O's 9.
- `drop: [ALL]` plus an explicit `add` makes the result the same everywhere, and documents what the program needs.
- Other runtime-filled values differ too: the seccomp and AppArmor default profiles and the SELinux label.
- Test on the runtime your nodes use, or remove the difference from the manifest."),
    checks: &["capabilities-not-dropped", "risky-capabilities", "capabilities_restricted"],
    glossary: &["capabilities"],
};
