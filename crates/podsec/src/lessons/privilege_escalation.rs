//! Lesson: no_new_privs for every container, init containers included.

use super::attempt::{accepted, effective_is, every_container};
use super::{Goal, Lesson};
use crate::model::Value;

pub(super) const LESSON: Lesson = Lesson {
    id: "privilege-escalation",
    title: "Stop processes from gaining privileges",
    explanation: learner_text!("Running as a non-root user is not the end of the story: a setuid-root program in the image, or a file with capabilities attached, can still lift a process above the user it started as.
The kernel has a switch against that, `no_new_privs`: once set, nothing the process runs can gain privileges it did not already have.
Kubernetes sets it when a container says `allowPrivilegeEscalation: false`.
There is no pod-level field for it: every container, init containers included, must say it itself, and unset means escalation is allowed.
The value must be a real boolean; the API server refuses a quoted `\"false\"`, which is a string."),
    start: r#"apiVersion: v1
kind: Pod
metadata:
  name: invoices
spec:
  securityContext:
    runAsNonRoot: true
    runAsUser: 10001
    runAsGroup: 10001
  initContainers:
    - name: migrate
      image: registry.example.com/billing/invoices:7.0.2
      command: ["/app/migrate", "--up"]
  containers:
    - name: app
      image: registry.example.com/billing/invoices:7.0.2
      command: ["/app/serve"]
      securityContext:
        allowPrivilegeEscalation: "false"
"#,
    goals: &[
        Goal {
            text: "Every container, the init container `migrate` included, runs with `no_new_privs`",
            test: |a| {
                every_container(a, |c| {
                    effective_is(a, c, "allowPrivilegeEscalation", &Value::Bool(false))
                })
            },
        },
        Goal {
            text: "The restricted standard's `allowPrivilegeEscalation` check passes",
            test: |a| {
                a.no_finding(
                    "allowPrivilegeEscalation",
                    "every container sets allowPrivilegeEscalation: false",
                )
            },
        },
        Goal {
            text: "The API server accepts the pod: every value has the right type",
            test: accepted,
        },
    ],
    hints: hints![
        "Look at the effective view of each container: where does `allowPrivilegeEscalation` come from?",
        "The `\"false\"` of `app` is in quotes, so it is a string; the API server wants a boolean.",
        "`migrate` needs its own `securityContext` with `allowPrivilegeEscalation: false`; the pod's `securityContext` has no such field.",
    ],
    learned: learner_text!("- `allowPrivilegeEscalation: false` sets the kernel's `no_new_privs`, so setuid programs and file capabilities cannot raise a process's privileges.
- It is a container-only field, unset means allowed, and init containers need it as much as the others.
- Types matter: `\"false\"` is a string, and Kubernetes refuses the object rather than guess.
- The restricted standard asks every container to set it explicitly."),
    checks: &[
        "allowPrivilegeEscalation",
        "invalid-type",
        "privileged-with-no-new-privs",
        "sys-admin-defeats-no-new-privs",
    ],
    glossary: &["allowPrivilegeEscalation"],
};
