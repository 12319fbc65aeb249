//! What an editor asks about a place in the text: hover documentation and completion.
//!
//! Hover names the security-context field under the cursor, explains it from the [`glossary`],
//! and gives the effective value of every container it applies to, with its source. Completion
//! offers the field names valid in the mapping being written (a pod's or a container's
//! `securityContext`, a pod spec, `seccompProfile`, `capabilities`, ...) and the values of fields
//! that take one of a few (`RuntimeDefault`, `Unmasked`, `true`, capability names). Both work on a
//! text that is being typed and may not parse: completion reads indentation, not the tree.
//!
//! [`glossary`]: crate::glossary

use std::fmt::Write as _;

use crate::analysis::Analysis;
use crate::glossary::{self, Scope};
use crate::model::Value;
use crate::yaml::{self, Node};

/// Markdown for a place in the text, and the byte range it describes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hover {
    /// The text to show.
    pub markdown: String,
    /// Byte offset of the start of the key described.
    pub start: usize,
    /// Byte offset just past its end.
    pub end: usize,
}

/// Hover documentation for the key at byte `offset`, when it is a field the glossary explains.
#[must_use]
pub fn hover(text: &str, offset: usize, analysis: &Analysis) -> Option<Hover> {
    let stream = yaml::parse_stream(text);
    let doc = stream
        .documents
        .iter()
        .find(|d| d.span.start <= offset && offset <= d.span.end)?;
    let (path, key) = key_at(doc.root()?, offset, String::new())?;
    let name = key.as_str()?;
    let field = glossary::lookup(name)?;
    let mut md = format!(
        "**{}** ({})\n\n{}\n\n**Default:** {}\n\n{}",
        field.name,
        field.scope.describe(),
        field.what,
        field.default,
        field.interactions
    );
    if let Some(since) = field.since {
        let _ = write!(md, "\n\nSince Kubernetes 1.{since}.");
    }
    let effective = effective_lines(analysis, doc.index, &path, name);
    if !effective.is_empty() {
        md.push_str("\n\n**Effective:**\n");
        for line in effective {
            let _ = write!(md, "\n- {line}");
        }
    }
    let span = key.span();
    Some(Hover {
        markdown: md,
        start: span.start,
        end: span.end,
    })
}

/// The field path of the key whose text holds `offset`, and the key node.
fn key_at<'a>(node: Node<'a>, offset: usize, path: String) -> Option<(String, Node<'a>)> {
    let inside = |n: Node<'_>| {
        let s = n.span();
        s.start <= offset && offset <= s.end
    };
    for (k, v) in node.raw_entries() {
        let Some(name) = k.as_str() else { continue };
        let here = if path.is_empty() {
            name.to_string()
        } else {
            format!("{path}.{name}")
        };
        if inside(k) {
            return Some((here, k));
        }
        if inside(v) {
            return key_at(v, offset, here);
        }
    }
    for (i, item) in node.raw_items().into_iter().enumerate() {
        if inside(item) {
            return key_at(item, offset, format!("{path}[{i}]"));
        }
    }
    None
}

/// `container "app": 1000 (pod, line 7)` for every container the field at `path` applies to.
fn effective_lines(analysis: &Analysis, document: usize, path: &str, name: &str) -> Vec<String> {
    let Some(object) = analysis
        .objects
        .iter()
        .filter(|o| o.document == document && path.starts_with(&format!("{}.", o.pod_path)))
        .max_by_key(|o| o.pod_path.len())
    else {
        return Vec::new();
    };
    let within = |prefix: &str| path.starts_with(&format!("{prefix}."));
    object
        .containers
        .iter()
        .filter(|c| within(&c.path) || !object.containers.iter().any(|other| within(&other.path)))
        .filter_map(|c| {
            let v = c.effective.get(name)?;
            let value = show(&v.value);
            let mut line = format!(
                "{} `{}`: `{value}` from {}",
                c.kind,
                c.name,
                v.source.as_str()
            );
            if let Some(l) = v.line {
                let _ = write!(line, " (line {l})");
            }
            if let Some(note) = &v.note {
                let _ = write!(line, ": {note}");
            }
            Some(line)
        })
        .collect()
}

/// A value written as JSON, compactly.
fn show(v: &Value) -> String {
    match v {
        Value::Null => "null".to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Str(s) => format!("{s:?}"),
        Value::List(items) => format!("[{}]", items.iter().map(show).collect::<Vec<_>>().join(",")),
        Value::Object(entries) => format!(
            "{{{}}}",
            entries
                .iter()
                .map(|(k, v)| format!("{k:?}:{}", show(v)))
                .collect::<Vec<_>>()
                .join(",")
        ),
    }
}

/// One completion.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
    /// The text to insert.
    pub label: String,
    /// A one-line description.
    pub detail: String,
    /// Whether it is a value (else a field name).
    pub value: bool,
}

/// Fields of the mappings that are not in the glossary: (parent key, fields).
const SUBFIELDS: &[(&str, &[&str])] = &[
    ("seccompProfile", &["type", "localhostProfile"]),
    ("appArmorProfile", &["type", "localhostProfile"]),
    ("capabilities", &["add", "drop"]),
    ("seLinuxOptions", &["user", "role", "type", "level"]),
    (
        "windowsOptions",
        &[
            "gmsaCredentialSpecName",
            "gmsaCredentialSpec",
            "runAsUserName",
            "hostProcess",
        ],
    ),
];

/// Values of fields that take one of a few: (parent key or empty for any, field, values).
const VALUES: &[(&str, &str, &[&str])] = &[
    (
        "seccompProfile",
        "type",
        &["RuntimeDefault", "Localhost", "Unconfined"],
    ),
    (
        "appArmorProfile",
        "type",
        &["RuntimeDefault", "Localhost", "Unconfined"],
    ),
    ("", "procMount", &["Default", "Unmasked"]),
    ("", "fsGroupChangePolicy", &["OnRootMismatch", "Always"]),
    ("", "supplementalGroupsPolicy", &["Merge", "Strict"]),
    ("", "seLinuxChangePolicy", &["MountOption", "Recursive"]),
];

/// Fields that take `true` or `false`.
const BOOLEANS: &[&str] = &[
    "runAsNonRoot",
    "privileged",
    "allowPrivilegeEscalation",
    "readOnlyRootFilesystem",
    "hostUsers",
    "hostNetwork",
    "hostPID",
    "hostIPC",
    "shareProcessNamespace",
    "automountServiceAccountToken",
    "hostProcess",
];

/// The keys whose items are containers.
const CONTAINER_LISTS: &[&str] = &["containers", "initContainers", "ephemeralContainers"];

/// Completions at byte `offset`: field names when a key is being written, values after `key: `
/// or in a capability list.
#[must_use]
pub fn complete(text: &str, offset: usize) -> Vec<Candidate> {
    let Some(before) = text.get(..offset) else {
        return Vec::new();
    };
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let current = before.get(line_start..).unwrap_or("");
    let parents = parents(before.get(..line_start).unwrap_or(""), current);
    let parent = parents.first().map_or("", |(k, _)| k.as_str());
    let body = current.trim_start().trim_start_matches("- ").trim_start();
    if let Some((key, _)) = body.split_once(':') {
        return values(parent, key.trim());
    }
    if current.trim_start().starts_with('-') {
        // An item of a list: the list's key is the nearest parent.
        return values(parents.get(1).map_or("", |(k, _)| k.as_str()), parent);
    }
    let grand = parents.get(1);
    if parent == "securityContext" {
        let container =
            grand.is_some_and(|(k, item)| *item && CONTAINER_LISTS.contains(&k.as_str()));
        return glossary::FIELDS
            .iter()
            .filter(|f| match f.scope {
                Scope::Both => true,
                Scope::Container => container,
                Scope::Pod => !container,
                Scope::PodSpec => false,
            })
            .map(field_candidate)
            .collect();
    }
    if let Some((_, fields)) = SUBFIELDS.iter().find(|(p, _)| *p == parent) {
        return fields
            .iter()
            .map(|f| Candidate {
                label: (*f).to_string(),
                detail: format!("{parent}.{f}"),
                value: false,
            })
            .collect();
    }
    if parent == "spec" && parents.iter().all(|(k, _)| k != "securityContext") {
        let mut out: Vec<Candidate> = glossary::FIELDS
            .iter()
            .filter(|f| f.scope == Scope::PodSpec)
            .map(field_candidate)
            .collect();
        out.push(Candidate {
            label: "securityContext".to_string(),
            detail: "the pod's security context, inherited by every container".to_string(),
            value: false,
        });
        return out;
    }
    Vec::new()
}

fn field_candidate(f: &glossary::FieldDoc) -> Candidate {
    Candidate {
        label: f.name.to_string(),
        detail: f.what.to_string(),
        value: false,
    }
}

fn values(parent: &str, key: &str) -> Vec<Candidate> {
    let value = |v: &str, detail: String| Candidate {
        label: v.to_string(),
        detail,
        value: true,
    };
    if BOOLEANS.contains(&key) {
        return ["true", "false"]
            .iter()
            .map(|v| value(v, key.to_string()))
            .collect();
    }
    if let Some((_, _, values)) = VALUES
        .iter()
        .find(|(p, k, _)| *k == key && (p.is_empty() || *p == parent))
    {
        return values
            .iter()
            .map(|v| value(v, format!("{key}: {v}")))
            .collect();
    }
    if parent == "capabilities" && (key == "drop" || key == "add") {
        return std::iter::once("ALL")
            .chain(crate::effective::caps::ALL.iter().copied())
            .map(|c| value(c, format!("capabilities.{key}")))
            .collect();
    }
    Vec::new()
}

/// The keys of the mappings enclosing the line being written, nearest first, each with whether
/// the mapping below it is an item of its list (`containers:` → `- name: app` → ...).
fn parents(above: &str, current: &str) -> Vec<(String, bool)> {
    let mut indent = key_column(current);
    let mut out: Vec<(String, bool)> = Vec::new();
    let mut in_item = false;
    for line in above.lines().rev() {
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        if trimmed.starts_with("---") {
            break;
        }
        let dash = line.len() - trimmed.len();
        let key = key_column(line);
        if trimmed.starts_with('-') && key == indent && !in_item {
            // The item that holds the mapping being written.
            in_item = true;
            indent = dash + 1;
            continue;
        }
        if key < indent {
            let name = trimmed
                .trim_start_matches('-')
                .trim_start()
                .split(':')
                .next()
                .unwrap_or("")
                .trim()
                .to_string();
            out.push((name, in_item));
            in_item = false;
            indent = if trimmed.starts_with('-') {
                dash + 1
            } else {
                key
            };
            if indent == 0 {
                break;
            }
        }
    }
    out
}

/// The column where a line's key starts (after its indentation and any `- `).
fn key_column(line: &str) -> usize {
    let trimmed = line.trim_start();
    let dash = line.len() - trimmed.len();
    match trimmed.strip_prefix('-') {
        Some(rest) => dash + 1 + (rest.len() - rest.trim_start().len()),
        None => dash,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Options, analyze};

    const DEPLOY: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      securityContext:
        runAsUser: 1000
      containers:
        - name: app
          image: app:1.0
          securityContext:
            runAsNonRoot: true
        - name: side
          image: side:1.0
          securityContext:
            runAsUser: 2000
";

    fn labels(text: &str, at: &str) -> Vec<String> {
        let offset = text.find(at).expect("marker") + at.len();
        complete(text, offset)
            .into_iter()
            .map(|c| c.label)
            .collect()
    }

    #[test]
    fn hover_explains_the_field_and_gives_each_containers_effective_value() {
        let a = analyze(DEPLOY, &Options::default());
        let offset = DEPLOY.find("runAsUser: 1000").expect("pod runAsUser") + 3;
        let h = hover(DEPLOY, offset, &a).expect("hover");
        assert!(
            h.markdown.starts_with("**runAsUser** (pod and container"),
            "{}",
            h.markdown
        );
        assert!(
            h.markdown
                .contains("container `app`: `1000` from pod (line 9)"),
            "{}",
            h.markdown
        );
        assert!(
            h.markdown
                .contains("container `side`: `2000` from container (line 18)"),
            "{}",
            h.markdown
        );
        assert_eq!(DEPLOY.get(h.start..h.end), Some("runAsUser"));
        // A container's own key shows that container only.
        let offset = DEPLOY.find("runAsUser: 2000").expect("side runAsUser");
        let h = hover(DEPLOY, offset, &a).expect("hover");
        assert!(!h.markdown.contains("`app`"), "{}", h.markdown);
        assert!(
            h.markdown.contains("container `side`: `2000`"),
            "{}",
            h.markdown
        );
        // Not a security field: nothing.
        let offset = DEPLOY.find("image: app").expect("image");
        assert_eq!(hover(DEPLOY, offset, &a), None);
    }

    #[test]
    fn completion_offers_the_fields_valid_where_the_cursor_is() {
        let container = DEPLOY.replace(
            "            runAsNonRoot: true\n",
            "            runAsNonRoot: true\n            pri\n",
        );
        let got = labels(&container, "            pri");
        assert!(got.contains(&"privileged".to_string()), "{got:?}");
        assert!(got.contains(&"runAsUser".to_string()), "{got:?}");
        assert!(!got.contains(&"fsGroup".to_string()), "{got:?}");
        let pod = DEPLOY.replace(
            "        runAsUser: 1000\n",
            "        runAsUser: 1000\n        fs\n",
        );
        let got = labels(&pod, "        fs");
        assert!(got.contains(&"fsGroup".to_string()), "{got:?}");
        assert!(!got.contains(&"privileged".to_string()), "{got:?}");
        let spec = DEPLOY.replace("      containers:\n", "      host\n      containers:\n");
        let got = labels(&spec, "      host");
        assert!(
            got.contains(&"hostUsers".to_string()) && got.contains(&"securityContext".to_string()),
            "{got:?}"
        );
    }

    #[test]
    fn completion_offers_values() {
        let text = DEPLOY.replace(
            "            runAsNonRoot: true\n",
            "            seccompProfile:\n              type: R\n            capabilities:\n              drop:\n                - A\n            procMount: \n            privileged: \n",
        );
        assert_eq!(
            labels(&text, "type: "),
            ["RuntimeDefault", "Localhost", "Unconfined"]
        );
        assert_eq!(labels(&text, "procMount: "), ["Default", "Unmasked"]);
        assert_eq!(labels(&text, "privileged: "), ["true", "false"]);
        let caps = labels(&text, "                - ");
        assert_eq!(caps.first().map(String::as_str), Some("ALL"));
        assert!(caps.contains(&"NET_BIND_SERVICE".to_string()), "{caps:?}");
    }
}
