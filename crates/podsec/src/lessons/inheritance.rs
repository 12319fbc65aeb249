//! Lesson: pod-level values, container-level overrides, and where each value comes from.

use super::attempt::{effective_from, effective_is, every_container};
use super::{Goal, Lesson};
use crate::model::{Source, Value};

pub(super) const LESSON: Lesson = Lesson {
    id: "inheritance",
    title: "Pod level, container level: who wins",
    explanation: learner_text!("Some fields can be written in the pod's `securityContext` and in a container's: `runAsUser`, `runAsGroup`, `runAsNonRoot`, `seccompProfile`, `seLinuxOptions`, `appArmorProfile`, `windowsOptions`.
The pod's value is the default for every container; a container's own value wins for that container, even when it is weaker.
So a container can quietly switch off a pod's `runAsNonRoot: true` with its own `false`.
Other fields exist at one level only: `capabilities`, `privileged`, `allowPrivilegeEscalation` and `readOnlyRootFilesystem` per container, `fsGroup` and `sysctls` per pod.
The effective view shows, for every value, whether it came from the container, the pod, a default, the runtime or the image.
In this pod the log shipper was copied from an old chart that ran it as root."),
    start: r#"apiVersion: v1
kind: Pod
metadata:
  name: shop
spec:
  securityContext:
    runAsNonRoot: true
    runAsUser: 10001
    runAsGroup: 10001
  containers:
    - name: app
      image: registry.example.com/shop/storefront:9.1
    - name: log-shipper
      image: registry.example.com/observability/log-shipper:2.2
      securityContext:
        runAsUser: 0
        runAsNonRoot: false
"#,
    goals: &[
        Goal {
            text: "Every container is checked to be non-root when it starts",
            test: |a| every_container(a, |c| effective_is(a, c, "runAsNonRoot", &Value::Bool(true))),
        },
        Goal {
            text: "`app` keeps taking its user, 10001, from the pod",
            test: |a| effective_from(a, "app", "runAsUser", &Value::Int(10001), Source::Pod),
        },
        Goal {
            text: "`log-shipper` runs as its own user, 10002, so it cannot touch files `app` writes as 10001",
            test: |a| {
                effective_from(a, "log-shipper", "runAsUser", &Value::Int(10002), Source::Container)
            },
        },
        Goal {
            text: "The restricted standard's `runAsNonRoot` and `runAsUser` checks pass",
            test: |a| {
                a.no_finding("runAsNonRoot", "runAsNonRoot is true everywhere")?;
                a.no_finding("runAsUser", "no runAsUser is 0")
            },
        },
    ],
    hints: hints![
        "Open the effective view: `log-shipper`'s user comes from the container, `app`'s from the pod.",
        "Removing `runAsNonRoot: false` from `log-shipper` lets the pod's `true` apply to it again.",
        "Give `log-shipper` its own `runAsUser: 10002`; leave `app` without one.",
    ],
    learned: learner_text!("- A pod-level value is a default; a container's value overrides it for that container, in either direction.
- Pod-only and container-only fields are not inherited at all, so check which kind a field is (the glossary says).
- Pod Security Admission looks at each level separately: an explicit `false` or `0` anywhere is refused, even when the effective value would be fine.
- Separate users for separate containers keep one compromised container away from the other's files."),
    checks: &["runAsNonRoot", "runAsUser", "run-as-root"],
    glossary: &["runAsUser", "runAsNonRoot", "runAsGroup"],
};
