//! A learner's text as the lessons read it: the analysis, and the decoded workloads.
//!
//! Goals ask questions of the core's analysis (effective values, Pod Security Standards verdicts,
//! findings) and of the decoded objects (mounts, volumes, labels), never of the text as text, so
//! comments, quoting, flow or block style and key order never matter.

use crate::analysis::{Analysis, ContainerReport};
use crate::effective::to_value;
use crate::manifest::{self, Entry};
use crate::model::{EffectiveValue, Finding, Options, PssLevel, Runtime, Value, Version};

/// A text read for a lesson.
#[derive(Clone, Debug)]
pub struct Attempt {
    text: String,
    /// The analysis with the default options (restricted, latest, containerd).
    pub analysis: Analysis,
    /// Workload objects, in text order.
    pub workloads: Vec<Workload>,
    /// Objects that are not workloads (a Namespace, a Service), decoded.
    pub others: Vec<Other>,
}

/// A workload object, decoded.
#[derive(Clone, Debug, PartialEq)]
pub struct Workload {
    /// `kind`.
    pub kind: String,
    /// `metadata.name`.
    pub name: String,
    /// The pod spec.
    pub spec: Value,
    /// Containers in Pod Security Admission's order.
    pub containers: Vec<Container>,
}

/// A container, decoded.
#[derive(Clone, Debug, PartialEq)]
pub struct Container {
    /// `initContainer`, `container` or `ephemeralContainer`.
    pub kind: &'static str,
    /// `name`.
    pub name: String,
    /// The whole container.
    pub value: Value,
}

/// An object that is not a workload, decoded.
#[derive(Clone, Debug, PartialEq)]
pub struct Other {
    /// `kind`.
    pub kind: String,
    /// `metadata.name`.
    pub name: String,
    /// The whole object.
    pub value: Value,
}

impl Attempt {
    /// Reads a text.
    #[must_use]
    pub fn new(text: &str) -> Attempt {
        let mut workloads = Vec::new();
        let mut others = Vec::new();
        for doc in crate::yaml::documents(text).flatten() {
            for entry in manifest::objects(&doc) {
                match entry {
                    Entry::Workload(obj, pod) => workloads.push(Workload {
                        kind: obj.kind,
                        name: obj.name,
                        spec: to_value(pod.spec),
                        containers: pod
                            .containers
                            .iter()
                            .map(|c| Container {
                                kind: c.kind.as_str(),
                                name: c.name.to_string(),
                                value: to_value(c.node),
                            })
                            .collect(),
                    }),
                    Entry::Skipped(obj, _) => others.push(Other {
                        kind: obj.kind,
                        name: obj.name,
                        value: to_value(obj.node),
                    }),
                }
            }
        }
        Attempt {
            analysis: crate::analyze(text, &Options::default()),
            text: text.to_string(),
            workloads,
            others,
        }
    }

    /// The text analysed with other options.
    #[must_use]
    pub fn analyze(&self, options: &Options) -> Analysis {
        crate::analyze(&self.text, options)
    }

    /// Whether this text keeps every workload of `start`: same kind and name, and every container
    /// (by list and name) with the same image, command and args.
    ///
    /// # Errors
    ///
    /// Why it does not, for the learner.
    pub fn keeps(&self, start: &Attempt) -> Result<String, String> {
        if let Some(e) = self.analysis.errors.first() {
            return Err(format!(
                "the text does not parse (line {}, column {}: {})",
                e.line, e.column, e.message
            ));
        }
        let mut names = Vec::new();
        for w in &start.workloads {
            let Some(now) = self
                .workloads
                .iter()
                .find(|x| x.kind == w.kind && x.name == w.name)
            else {
                return Err(format!("the {} {:?} is gone", w.kind, w.name));
            };
            for c in &w.containers {
                let Some(cn) = now
                    .containers
                    .iter()
                    .find(|x| x.kind == c.kind && x.name == c.name)
                else {
                    return Err(format!(
                        "container {:?} of the {} {:?} is gone",
                        c.name, w.kind, w.name
                    ));
                };
                for key in ["image", "command", "args"] {
                    let (was, is) = (get(&c.value, key), get(&cn.value, key));
                    if was != is {
                        return Err(format!(
                            "container {:?} must keep its {key} ({}), not {}",
                            c.name,
                            was.map_or_else(|| "none".to_string(), show),
                            is.map_or_else(|| "none".to_string(), show)
                        ));
                    }
                }
            }
            names.push(format!("the {} {:?}", w.kind, w.name));
        }
        Ok(format!(
            "{} still there, running the same images and commands",
            if names.len() == 1 {
                format!("{} is", names.join(""))
            } else {
                format!("{} are", names.join(" and "))
            }
        ))
    }

    /// A container's report, by name, in the first workload that has it.
    pub(super) fn report(&self, name: &str) -> Result<&ContainerReport, String> {
        self.analysis
            .objects
            .iter()
            .flat_map(|o| &o.containers)
            .find(|c| c.name == name)
            .ok_or_else(|| format!("there is no container {name:?}"))
    }

    /// A container's decoded value, by name.
    pub(super) fn container(&self, name: &str) -> Result<&Container, String> {
        self.workloads
            .iter()
            .flat_map(|w| &w.containers)
            .find(|c| c.name == name)
            .ok_or_else(|| format!("there is no container {name:?}"))
    }

    /// The first workload, decoded.
    pub(super) fn workload(&self) -> Result<&Workload, String> {
        self.workloads
            .first()
            .ok_or_else(|| "there is no workload".to_string())
    }

    /// One effective field of a container.
    pub(super) fn effective(
        &self,
        container: &str,
        field: &str,
    ) -> Result<&EffectiveValue, String> {
        self.report(container)?
            .effective
            .get(field)
            .ok_or_else(|| format!("container {container:?} has no effective {field}"))
    }

    /// The findings of one check in the default analysis.
    pub(super) fn findings(&self, check: &str) -> Vec<&Finding> {
        self.analysis
            .objects
            .iter()
            .flat_map(|o| &o.findings)
            .filter(|f| f.check == check)
            .collect()
    }

    /// Holds when the default analysis has no finding of `check`.
    pub(super) fn no_finding(&self, check: &str, holds: &str) -> Result<String, String> {
        match self.findings(check).first() {
            None => Ok(holds.to_string()),
            Some(f) => Err(format!("{check}: {} (line {})", f.message, f.line)),
        }
    }

    /// Holds when Pod Security Admission admits every workload at `level` and `version`.
    pub(super) fn admitted(&self, level: PssLevel, version: Version) -> Result<String, String> {
        let options = Options {
            level,
            version,
            ..Options::default()
        };
        let a = self.analyze(&options);
        let label = format!("{}:{}", level.as_str(), version.label());
        if a.objects.is_empty() {
            return Err("there is no workload".to_string());
        }
        match a.objects.iter().find(|o| !o.allowed) {
            None => Ok(format!("admitted at {label}")),
            Some(o) => Err(o
                .admission_message
                .clone()
                .unwrap_or_else(|| format!("denied at {label}"))),
        }
    }

    /// The effective capabilities of a container on a runtime.
    pub(super) fn capabilities(
        &self,
        container: &str,
        runtime: Runtime,
    ) -> Result<Vec<String>, String> {
        let a = self.analyze(&Options {
            runtime,
            ..Options::default()
        });
        let c = a
            .objects
            .iter()
            .flat_map(|o| &o.containers)
            .find(|c| c.name == container)
            .ok_or_else(|| format!("there is no container {container:?}"))?;
        let caps = c
            .effective
            .get("capabilities")
            .map(|e| {
                items(&e.value)
                    .iter()
                    .filter_map(text)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default();
        Ok(caps)
    }

    /// The volume mounted at `path` in a container: (the mount, the pod's volume it names).
    pub(super) fn mount(&self, container: &str, path: &str) -> Result<(&Value, &Value), String> {
        let c = self.container(container)?;
        let want = path.trim_end_matches('/');
        let m = items_at(&c.value, "volumeMounts")
            .iter()
            .find(|m| {
                get(m, "mountPath")
                    .and_then(text)
                    .map(|p| p.trim_end_matches('/'))
                    == Some(want)
            })
            .ok_or_else(|| format!("container {container:?} mounts nothing at {path}"))?;
        let name = get(m, "name").and_then(text).unwrap_or("");
        let spec = self
            .workloads
            .iter()
            .find(|w| w.containers.iter().any(|x| x.name == container))
            .map(|w| &w.spec)
            .ok_or_else(|| format!("there is no container {container:?}"))?;
        let v = items_at(spec, "volumes")
            .iter()
            .find(|v| get(v, "name").and_then(text) == Some(name))
            .ok_or_else(|| format!("the pod has no volume {name:?}, which {path} mounts"))?;
        Ok((m, v))
    }
}

/// The source of a volume: its first key besides `name` (`emptyDir`, `hostPath`, ...).
pub(super) fn volume_source(v: &Value) -> &str {
    match v {
        Value::Object(entries) => entries
            .iter()
            .map(|(k, _)| k.as_str())
            .find(|k| *k != "name")
            .unwrap_or("no source"),
        _ => "no source",
    }
}

/// A key of an object (`null` counts as unset).
pub(super) fn get<'v>(v: &'v Value, key: &str) -> Option<&'v Value> {
    match v {
        Value::Object(entries) => entries
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v)
            .filter(|v| **v != Value::Null),
        _ => None,
    }
}

/// A dotted path of keys (`securityContext.runAsUser`).
pub(super) fn get_path<'v>(v: &'v Value, path: &str) -> Option<&'v Value> {
    path.split('.').try_fold(v, |v, key| get(v, key))
}

/// The items of a list (none for anything else).
pub(super) fn items(v: &Value) -> &[Value] {
    match v {
        Value::List(l) => l,
        _ => &[],
    }
}

/// The items of the list at a key.
pub(super) fn items_at<'v>(v: &'v Value, key: &str) -> &'v [Value] {
    get(v, key).map_or(&[], items)
}

/// A string's text.
pub(super) fn text(v: &Value) -> Option<&str> {
    match v {
        Value::Str(s) => Some(s),
        _ => None,
    }
}

/// A value as compact JSON, for messages.
pub(super) fn show(v: &Value) -> String {
    match v {
        Value::Null => "null".to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Str(s) => format!("{s:?}"),
        Value::List(l) => format!("[{}]", l.iter().map(show).collect::<Vec<_>>().join(", ")),
        Value::Object(e) => format!(
            "{{{}}}",
            e.iter()
                .map(|(k, v)| format!("{k}: {}", show(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// An effective value for messages: the value and where it comes from.
pub(super) fn describe(e: &EffectiveValue) -> String {
    let at = e.line.map_or_else(String::new, |l| format!(", line {l}"));
    match &e.value {
        Value::Null => format!(
            "unknown until the image runs ({}{at})",
            e.note.as_deref().unwrap_or(e.source.as_str())
        ),
        v => format!("{} (from the {}{at})", show(v), e.source.as_str()),
    }
}

/// Holds when a container's effective field is exactly `want`.
pub(super) fn effective_is(
    a: &Attempt,
    container: &str,
    field: &str,
    want: &Value,
) -> Result<String, String> {
    let e = a.effective(container, field)?;
    let said = format!("{container:?} {field} is {}", describe(e));
    if e.value == *want {
        Ok(said)
    } else {
        Err(said)
    }
}

/// Holds when a container's effective field is exactly `want` and comes from `source`.
pub(super) fn effective_from(
    a: &Attempt,
    container: &str,
    field: &str,
    want: &Value,
    source: crate::model::Source,
) -> Result<String, String> {
    let said = effective_is(a, container, field, want)?;
    let e = a.effective(container, field)?;
    if e.source == source {
        Ok(said)
    } else {
        Err(format!("{said}, not from the {}", source.as_str()))
    }
}

/// Holds when a container's effective field is a number other than 0 that the text sets (not the
/// image's unknown user).
pub(super) fn effective_nonzero(
    a: &Attempt,
    container: &str,
    field: &str,
) -> Result<String, String> {
    let e = a.effective(container, field)?;
    let said = format!("{container:?} {field} is {}", describe(e));
    match e.value {
        Value::Int(n) if n > 0 => Ok(said),
        _ => Err(said),
    }
}

/// Holds when Kubernetes would run the text: no finding the API server rejects or the kubelet or
/// runtime refuses.
pub(super) fn accepted(a: &Attempt) -> Result<String, String> {
    match a
        .analysis
        .objects
        .iter()
        .flat_map(|o| &o.findings)
        .find(|f| f.level.stops_object())
    {
        None => Ok("nothing is rejected by the API server or refused by the kubelet".to_string()),
        Some(f) => Err(format!(
            "{} ({}): {} (line {})",
            f.level.as_str(),
            f.check,
            f.message,
            f.line
        )),
    }
}

/// Holds when `test` holds for every container of every workload; says so for each.
pub(super) fn every_container(
    a: &Attempt,
    test: impl Fn(&str) -> Result<String, String>,
) -> Result<String, String> {
    let mut said = Vec::new();
    for w in &a.workloads {
        for c in &w.containers {
            said.push(test(&c.name)?);
        }
    }
    if said.is_empty() {
        return Err("there is no container".to_string());
    }
    Ok(said.join("; "))
}

/// Holds when a container declares `port` as a containerPort.
pub(super) fn serves_on(a: &Attempt, container: &str, port: i64) -> Result<String, String> {
    let c = a.container(container)?;
    if items_at(&c.value, "ports")
        .iter()
        .any(|p| get(p, "containerPort") == Some(&Value::Int(port)))
    {
        Ok(format!("{container:?} declares port {port}"))
    } else {
        Err(format!("{container:?} no longer declares port {port}"))
    }
}

/// Holds when the volume mounted at `path` comes from `source` (`emptyDir`, `configMap`, ...) and,
/// when `writable`, is not mounted read-only.
pub(super) fn mounted_from(
    a: &Attempt,
    container: &str,
    path: &str,
    source: &str,
    writable: bool,
) -> Result<String, String> {
    let (m, v) = a.mount(container, path)?;
    let name = get(m, "name").and_then(text).unwrap_or("");
    let has = volume_source(v);
    if has != source {
        return Err(format!(
            "{path} is the volume {name:?}, a {has}, not a {source}"
        ));
    }
    if writable && get(m, "readOnly") == Some(&Value::Bool(true)) {
        return Err(format!("{path} is mounted readOnly: true"));
    }
    Ok(format!(
        "{path} is the {source} volume {name:?}{}",
        if writable { ", writable" } else { "" }
    ))
}
