//! Lesson: Pod Security Standards versions, and a pod that a newer version refuses.

use super::attempt::effective_is;
use super::{Goal, Lesson};
use crate::model::{PssLevel, Value, Version};

pub(super) const LESSON: Lesson = Lesson {
    id: "pss-versions",
    title: "Make this pod admitted at restricted:v1.30",
    explanation: learner_text!("Pod Security Admission enforces a level per namespace, set by labels, and each level comes in versions: `v1.22`, `v1.23`, ... and `latest`.
A version pins the rules as they were in that Kubernetes release, so upgrading the cluster does not change what a namespace admits until someone changes the `enforce-version` label.
The rules do change between versions: restricted started refusing an explicit `runAsUser: 0` in v1.23, for example.
Admission also never computes the effective context: it reads the pod's values and the containers' values separately.
This pod was admitted when its namespace enforced `restricted:v1.22`; the namespace is now being moved to `v1.30`."),
    start: r#"apiVersion: v1
kind: Pod
metadata:
  name: billing
  namespace: payments
spec:
  securityContext:
    # Left over from the chart this pod was copied from; the container sets its own user.
    runAsUser: 0
    seccompProfile:
      type: RuntimeDefault
  containers:
    - name: app
      image: registry.example.com/payments/billing:12.4
      securityContext:
        runAsUser: 10001
        runAsNonRoot: true
        allowPrivilegeEscalation: false
        capabilities:
          drop: ["ALL"]
"#,
    goals: &[
        Goal {
            text: "Admitted at `restricted:v1.30`",
            test: |a| a.admitted(PssLevel::Restricted, Version::Minor(30)),
        },
        Goal {
            text: "Still admitted at `restricted:latest`, so the next move is free",
            test: |a| a.admitted(PssLevel::Restricted, Version::Latest),
        },
        Goal {
            text: "Container `app` still runs as user 10001",
            test: |a| effective_is(a, "app", "runAsUser", &Value::Int(10001)),
        },
    ],
    hints: hints![
        "Check the verdict at `restricted:v1.22` and at `restricted:v1.30`: which check appears between the two?",
        "The effective user of `app` is 10001, yet admission still objects: it reads the pod-level value on its own.",
        "The pod-level `runAsUser: 0` does nothing for `app`; remove it (or set it to 10001).",
    ],
    learned: learner_text!("- A namespace enforces a level at a version; pinning the version makes cluster upgrades predictable, and moving it is a change to test like any other.
- Newer versions can refuse pods that older ones admitted; restricted's `runAsUser` check arrived in v1.23.
- Admission judges the values where they are written, not the effective result, so dead values at pod level still count.
- `latest` follows the cluster's release: convenient, but it can start refusing pods at an upgrade."),
    checks: &["runAsUser", "runAsNonRoot", "seccompProfile_restricted"],
    glossary: &["runAsUser"],
};
