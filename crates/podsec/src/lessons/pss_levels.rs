//! Lesson: choose the strictest Pod Security Standards level a DaemonSet passes.

use super::attempt::{Attempt, get_path, text};
use super::{Goal, Lesson};
use crate::model::{PssLevel, Version};

const ENFORCE: &str = "pod-security.kubernetes.io/enforce";
const ENFORCE_VERSION: &str = "pod-security.kubernetes.io/enforce-version";
const WARN: &str = "pod-security.kubernetes.io/warn";

/// A label of the Namespace `node-agents`.
fn label(a: &Attempt, key: &str) -> Result<Option<String>, String> {
    let ns = a
        .others
        .iter()
        .find(|o| o.kind == "Namespace" && o.name == "node-agents")
        .ok_or_else(|| "there is no Namespace \"node-agents\"".to_string())?;
    let labels = get_path(&ns.value, "metadata.labels");
    Ok(labels
        .and_then(|l| super::attempt::get(l, key))
        .and_then(text)
        .map(str::to_string))
}

/// The version the namespace enforces (`latest` when the label is unset).
fn version(a: &Attempt) -> Result<Version, String> {
    match label(a, ENFORCE_VERSION)? {
        None => Ok(Version::Latest),
        Some(v) => {
            Version::parse(&v).ok_or_else(|| format!("{ENFORCE_VERSION} {v:?} is not a version"))
        }
    }
}

/// The strictest level at which the DaemonSet is admitted, and what denies it one level up.
fn strictest(a: &Attempt, version: Version) -> (PssLevel, Option<String>) {
    let mut last = PssLevel::Privileged;
    for level in [PssLevel::Baseline, PssLevel::Restricted] {
        if let Err(why) = a.admitted(level, version) {
            return (last, Some(why));
        }
        last = level;
    }
    (last, None)
}

fn enforces_strictest(a: &Attempt) -> Result<String, String> {
    let v = version(a)?;
    let (best, above) = strictest(a, v);
    let set = label(a, ENFORCE)?.ok_or_else(|| format!("the namespace has no {ENFORCE} label"))?;
    let level = PssLevel::parse(&set).ok_or_else(|| format!("{set:?} is not a level"))?;
    let why = above.map_or_else(String::new, |w| format!("; one level up: {w}"));
    match level.cmp(&best) {
        std::cmp::Ordering::Equal => Ok(format!(
            "node-cache passes {}:{}, the strictest level it passes{why}",
            best.as_str(),
            v.label()
        )),
        std::cmp::Ordering::Less => Err(format!(
            "node-cache passes {} too, which is stricter than {}",
            best.as_str(),
            level.as_str()
        )),
        std::cmp::Ordering::Greater => Err(format!(
            "{}:{} would refuse node-cache{why}",
            level.as_str(),
            v.label()
        )),
    }
}

fn warns_one_up(a: &Attempt) -> Result<String, String> {
    let (best, _) = strictest(a, version(a)?);
    let want = match best {
        PssLevel::Privileged => PssLevel::Baseline,
        _ => PssLevel::Restricted,
    };
    match label(a, WARN)? {
        Some(w) if w == want.as_str() => Ok(format!(
            "every apply prints why node-cache is not {}",
            want.as_str()
        )),
        Some(w) => Err(format!("{WARN} is {w:?}, not the next stricter level")),
        None => Err(format!("the namespace has no {WARN} label")),
    }
}

pub(super) const LESSON: Lesson = Lesson {
    id: "pss-levels",
    title: "Pick the strictest level this DaemonSet passes, and say why",
    explanation: learner_text!("The Pod Security Standards have three levels.
`privileged` allows everything.
`baseline` stops the known ways out of a container: privileged mode, the node's namespaces, `hostPath`, host ports, extra capabilities beyond a default list, unsafe sysctls and a few more.
`restricted` adds the hardening on top: non-root, `allowPrivilegeEscalation: false`, dropping every capability, a seccomp profile, a short list of volume types.
A namespace enforces one level with the label `pod-security.kubernetes.io/enforce`; the least privilege for a namespace is the strictest level its workloads pass.
Labels `warn` and `audit` take a level too: they admit the pod but report what it breaks, which is how a namespace says why it is not stricter.
Here a platform team put a node cache in its own namespace at `privileged`, to be safe.
The question is what it really needs; the DaemonSet is not yours to change."),
    start: r#"apiVersion: v1
kind: Namespace
metadata:
  name: node-agents
  labels:
    pod-security.kubernetes.io/enforce: privileged
    pod-security.kubernetes.io/enforce-version: v1.30
---
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: node-cache
  namespace: node-agents
spec:
  selector:
    matchLabels:
      app: node-cache
  template:
    metadata:
      labels:
        app: node-cache
    spec:
      containers:
        - name: cache
          image: registry.example.com/infra/node-cache:1.3
          args: ["--dir=/cache"]
          securityContext:
            runAsUser: 0
            capabilities:
              add: ["CHOWN", "DAC_OVERRIDE"]
          volumeMounts:
            - name: cache
              mountPath: /cache
      volumes:
        - name: cache
          emptyDir: {}
"#,
    goals: &[
        Goal {
            text: "The namespace `node-agents` enforces the strictest level `node-cache` passes, at its pinned version",
            test: enforces_strictest,
        },
        Goal {
            text: "The namespace warns at the next stricter level, so every apply says why it is not stricter",
            test: warns_one_up,
        },
        Goal {
            text: "The namespace keeps its pinned version `v1.30`",
            test: |a| match label(a, ENFORCE_VERSION)? {
                Some(v) if v == "v1.30" => Ok("enforce-version is v1.30".to_string()),
                other => Err(format!("enforce-version is {other:?}, not \"v1.30\"")),
            },
        },
        Goal {
            text: "The DaemonSet `node-cache` is left exactly as it was: the level fits the workload, not the other way round",
            test: |a| {
                let start = Attempt::new(LESSON.start);
                let was = start.workloads.iter().find(|w| w.name == "node-cache");
                let is = a.workloads.iter().find(|w| w.name == "node-cache");
                match (was, is) {
                    (Some(was), Some(is)) if was.spec == is.spec => {
                        Ok("node-cache's pod template is unchanged".to_string())
                    }
                    _ => Err("node-cache's pod template has changed; put it back as it was".to_string()),
                }
            },
        },
    ],
    hints: hints![
        "Switch the level in the toolbar (or `podsec check --level baseline --version v1.30`) and read the verdicts.",
        "Running as user 0 and adding `CHOWN` and `DAC_OVERRIDE` are hardening matters: baseline allows both, restricted does not.",
        "Set `pod-security.kubernetes.io/enforce: baseline` and add `pod-security.kubernetes.io/warn: restricted`.",
    ],
    learned: learner_text!("- `privileged` is not \"safe\": it is no policy at all. The least privilege is the strictest level the workloads pass.
- Baseline is about escapes to the node; restricted is about hardening the container itself. Root and a few default capabilities pass baseline.
- `warn` (and `audit`) at the next level up records, at every apply, exactly which checks stand between the namespace and the stricter level.
- Pin `enforce-version`, so that the verdict you chose stays the verdict."),
    checks: &[
        "capabilities_baseline",
        "capabilities_restricted",
        "runAsNonRoot",
        "runAsUser",
        "allowPrivilegeEscalation",
        "seccompProfile_restricted",
    ],
    glossary: &["capabilities", "runAsUser"],
};
