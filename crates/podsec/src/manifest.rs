//! Workload recognition: which objects of a document carry a pod template, and where it is.
//!
//! Kinds are matched on apiVersion group and kind, as the API server routes them: an `apps.kruise.io`
//! DaemonSet is a different resource from an `apps/v1` one and is skipped with a reason.

use crate::pod::PodView;
use crate::yaml::{Document, Node};

/// An object found in a document.
#[derive(Clone, Debug)]
pub struct Object<'a> {
    /// The object's mapping.
    pub node: Node<'a>,
    /// `apiVersion` as written.
    pub api_version: String,
    /// `kind` as written.
    pub kind: String,
    /// `metadata.name`.
    pub name: String,
    /// `metadata.namespace`.
    pub namespace: Option<String>,
    /// 0-based document index.
    pub document: usize,
    /// Field-path prefix of the object inside its document (`items[2].` for List items, else empty).
    pub prefix: String,
}

impl Object<'_> {
    /// The name the API server gives the object as it creates it, which admission sees:
    /// `metadata.name`, or without one, `metadata.generateName` (at most 58 bytes of it) and five
    /// random characters, written `<random>` (the registry's `SimpleNameGenerator`, run before
    /// validating admission).
    #[must_use]
    pub fn created_name(&self) -> std::borrow::Cow<'_, str> {
        crate::model::shown_name(&self.name, self.generate_name())
    }

    /// `metadata.generateName` when the object has no `metadata.name` (the prefix the API server
    /// makes its name from), else `None`.
    #[must_use]
    pub fn generate_name(&self) -> Option<&str> {
        if !self.name.is_empty() {
            return None;
        }
        self.node
            .field("metadata")
            .and_then(|m| m.field("generateName"))
            .and_then(Node::text)
            .filter(|base| !base.is_empty())
    }
}

/// What an object is to us.
#[derive(Clone, Debug)]
pub enum Entry<'a> {
    /// A workload with a pod template.
    Workload(Object<'a>, PodView<'a>),
    /// Anything else, with the reason it is not analysed.
    Skipped(Object<'a>, String),
}

/// Where the pod template of a workload kind lives, relative to the object.
#[must_use]
pub fn template_path(api_version: &str, kind: &str) -> Option<&'static [&'static str]> {
    let group = api_version.rsplit_once('/').map_or("", |(g, _)| g);
    let core = matches!(group, "" | "apps" | "batch" | "extensions");
    if !core {
        return None;
    }
    let path: &'static [&'static str] = match (group, kind) {
        ("", "Pod") => &["spec"],
        ("", "PodTemplate") => &["template", "spec"],
        ("", "ReplicationController") => &["spec", "template", "spec"],
        ("apps" | "extensions", "Deployment" | "DaemonSet" | "ReplicaSet")
        | ("apps", "StatefulSet")
        | ("batch", "Job") => &["spec", "template", "spec"],
        ("batch", "CronJob") => &["spec", "jobTemplate", "spec", "template", "spec"],
        _ => return None,
    };
    Some(path)
}

const WORKLOAD_KINDS: &[&str] = &[
    "Pod",
    "PodTemplate",
    "ReplicationController",
    "Deployment",
    "DaemonSet",
    "ReplicaSet",
    "StatefulSet",
    "Job",
    "CronJob",
];

/// Lists the objects of a document: the root object, or the items of a `List` / `*List`.
#[must_use]
pub fn objects(doc: &Document) -> Vec<Entry<'_>> {
    let mut out = Vec::new();
    each_object(doc, &mut |e| out.push(e));
    out
}

/// [`objects`] one at a time: each object is handed to `out` as it is found, so that a `List` of
/// many items never holds a view of every item at once.
pub fn each_object<'a>(doc: &'a Document, out: &mut dyn FnMut(Entry<'a>)) {
    if let Some(root) = doc.root() {
        collect(root, doc.index, String::new(), out, 0);
    }
}

fn collect<'a>(
    node: Node<'a>,
    document: usize,
    prefix: String,
    out: &mut dyn FnMut(Entry<'a>),
    depth: usize,
) {
    let api_version = node
        .field("apiVersion")
        .and_then(Node::text)
        .unwrap_or("")
        .to_string();
    let kind = node
        .field("kind")
        .and_then(Node::text)
        .unwrap_or("")
        .to_string();
    let meta = node.field("metadata");
    let name = meta
        .and_then(|m| m.field("name"))
        .and_then(Node::text)
        .unwrap_or("")
        .to_string();
    let namespace = meta
        .and_then(|m| m.field("namespace"))
        .and_then(Node::text)
        .map(str::to_string);
    let obj = Object {
        node,
        api_version,
        kind,
        name,
        namespace,
        document,
        prefix,
    };
    if !node.is_map() {
        let reason = format!(
            "the document is {} {}, not an object",
            article(node.type_name()),
            node.type_name()
        );
        out(Entry::Skipped(obj, reason));
        return;
    }
    if obj.kind.ends_with("List")
        && depth < 4
        && let Some(items) = node.get("items")
    {
        for (i, item) in items.items().into_iter().enumerate() {
            collect(
                item,
                document,
                format!("{}items[{i}].", obj.prefix),
                out,
                depth + 1,
            );
        }
        return;
    }
    if obj.kind.is_empty() || obj.api_version.is_empty() {
        let reason = if obj.kind.is_empty() && obj.api_version.is_empty() {
            "no apiVersion and kind: not a Kubernetes object".to_string()
        } else if obj.kind.is_empty() {
            "no kind: not a Kubernetes object".to_string()
        } else {
            "no apiVersion: not a Kubernetes object".to_string()
        };
        out(Entry::Skipped(obj, reason));
        return;
    }
    match template_path(&obj.api_version, &obj.kind) {
        Some(path) => {
            // The template's metadata sits beside its spec.
            let mut spec = Some(node);
            let mut parent = None;
            for key in path {
                parent = spec;
                spec = spec.and_then(|n| n.field(key));
            }
            let meta = if path.len() == 1 {
                node.field("metadata")
            } else {
                parent.and_then(|p| p.field("metadata"))
            };
            match spec.filter(|s| s.is_map()) {
                Some(spec) => {
                    let pod_path = format!("{}{}", obj.prefix, path.join("."));
                    let view = PodView::new(spec, meta, pod_path);
                    out(Entry::Workload(obj, view));
                }
                None => {
                    let reason = format!("{} has no pod template at {}", obj.kind, path.join("."));
                    out(Entry::Skipped(obj, reason));
                }
            }
        }
        None => {
            let reason = if WORKLOAD_KINDS.contains(&obj.kind.as_str()) {
                format!(
                    "{} {} is not the Kubernetes {} (a custom resource from another API group)",
                    obj.api_version, obj.kind, obj.kind
                )
            } else {
                format!("{} is not a workload: it runs no containers", obj.kind)
            };
            out(Entry::Skipped(obj, reason));
        }
    }
}

fn article(word: &str) -> &'static str {
    if word.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}
