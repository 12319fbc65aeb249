//! The read-only typed view of a pod spec that checks use, built over the positioned tree.
//!
//! The view keeps node handles, so every value it yields still knows where it is written. Accessors
//! treat `null` as unset and a value of the wrong type as unset too (the API server would refuse to
//! decode it; the `ingest` diagnostics report that separately).

use std::borrow::Cow;
use std::collections::HashMap;

use crate::yaml::{Node, Span};

/// Which list a container comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ContainerKind {
    /// `spec.initContainers`.
    Init,
    /// `spec.containers`.
    Regular,
    /// `spec.ephemeralContainers`.
    Ephemeral,
}

impl ContainerKind {
    /// The JSON contract's name: `initContainer`, `container` or `ephemeralContainer`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            ContainerKind::Init => "initContainer",
            ContainerKind::Regular => "container",
            ContainerKind::Ephemeral => "ephemeralContainer",
        }
    }

    /// The pod-spec field that holds this kind.
    #[must_use]
    pub fn field(self) -> &'static str {
        match self {
            ContainerKind::Init => "initContainers",
            ContainerKind::Regular => "containers",
            ContainerKind::Ephemeral => "ephemeralContainers",
        }
    }

    /// All kinds in Pod Security Admission's visiting order.
    pub const ALL: [ContainerKind; 3] = [
        ContainerKind::Init,
        ContainerKind::Regular,
        ContainerKind::Ephemeral,
    ];
}

/// One container.
#[derive(Clone, Debug)]
pub struct ContainerView<'a> {
    /// Which list it is in.
    pub kind: ContainerKind,
    /// Index within that list.
    pub index: usize,
    /// `name` (empty when missing), borrowed from the tree.
    pub name: &'a str,
    /// The container's mapping.
    pub node: Node<'a>,
    /// Field path, e.g. `spec.template.spec.containers[0]`.
    pub path: String,
    /// Fields the API server drops on create (their feature gate is off), as the pod's.
    pub dropped: Dropped,
}

/// The pod fields an API server drops when it creates a pod because their feature gate is off by
/// default in its version (the strategy's `dropDisabledFields`), or because its API has no such field
/// yet: admission, validation, the kubelet and the runtime never see them. Empty for a view of the
/// text as written. Derived from [`crate::versions::GATES`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Dropped {
    /// `securityContext.procMount` of every container (`ProcMountType`; reset to `Default`).
    pub proc_mount: bool,
    /// `spec.hostUsers` (`UserNamespacesSupport`).
    pub host_users: bool,
    /// `spec.securityContext.supplementalGroupsPolicy` (`SupplementalGroupsPolicy`).
    pub supplemental_groups_policy: bool,
    /// `spec.securityContext.seLinuxChangePolicy` (`SELinuxChangePolicy`).
    pub selinux_change_policy: bool,
    /// `appArmorProfile` of the pod and every container (`AppArmorFields`; no field before 1.30).
    pub apparmor_fields: bool,
    /// `spec.os` (`IdentifyPodOS`).
    pub os: bool,
}

impl Dropped {
    /// What an API server of Kubernetes 1.`minor` with its default feature gates drops.
    #[must_use]
    pub fn at(minor: u32) -> Dropped {
        use crate::versions as v;
        Dropped {
            proc_mount: !v::PROC_MOUNT_TYPE.enabled(minor),
            host_users: !v::USER_NAMESPACES_SUPPORT.enabled(minor),
            supplemental_groups_policy: !v::SUPPLEMENTAL_GROUPS_POLICY.enabled(minor),
            selinux_change_policy: !v::SELINUX_CHANGE_POLICY.enabled(minor),
            apparmor_fields: !v::APPARMOR_FIELDS.enabled(minor),
            os: !v::IDENTIFY_POD_OS.enabled(minor),
        }
    }

    /// Whether a field of a container's securityContext is dropped.
    fn container_sc(self, key: &str) -> bool {
        match key {
            "procMount" => self.proc_mount,
            "appArmorProfile" => self.apparmor_fields,
            _ => false,
        }
    }

    /// Whether a field of the pod's securityContext is dropped.
    fn pod_sc(self, key: &str) -> bool {
        match key {
            "supplementalGroupsPolicy" => self.supplemental_groups_policy,
            "seLinuxChangePolicy" => self.selinux_change_policy,
            "appArmorProfile" => self.apparmor_fields,
            _ => false,
        }
    }

    /// Whether a field of the pod spec is dropped.
    fn spec(self, key: &str) -> bool {
        match key {
            "hostUsers" => self.host_users,
            "os" => self.os,
            _ => false,
        }
    }
}

/// The entries of `metadata.annotations`, as (key, value) nodes.
fn annotation_entries(meta: Option<Node<'_>>) -> Vec<(Node<'_>, Node<'_>)> {
    meta.and_then(|m| m.field("annotations"))
        .map(Node::entries)
        .unwrap_or_default()
}

/// A pod spec (of a Pod, or of a workload's template).
#[derive(Clone, Debug)]
pub struct PodView<'a> {
    /// The pod spec mapping.
    pub spec: Node<'a>,
    /// The pod (template) metadata, where annotations live.
    pub meta: Option<Node<'a>>,
    /// Field path of the spec, e.g. `spec` or `spec.template.spec`.
    pub path: String,
    /// Every container, init first, then regular, then ephemeral.
    pub containers: Vec<ContainerView<'a>>,
    /// Fields the API server drops on create; see [`PodView::as_created_on`].
    pub dropped: Dropped,
    /// Each annotation's value by key (the last written, as Kubernetes reads them), so that a
    /// lookup per container costs the same however many annotations the pod has.
    annotations: HashMap<Cow<'a, str>, Node<'a>>,
}

impl<'a> PodView<'a> {
    /// Builds the view of a pod spec.
    #[must_use]
    pub fn new(spec: Node<'a>, meta: Option<Node<'a>>, path: String) -> PodView<'a> {
        let mut containers = Vec::new();
        for kind in ContainerKind::ALL {
            if let Some(list) = spec.field(kind.field()) {
                for (index, node) in list.items().into_iter().enumerate() {
                    let name = node.field("name").and_then(Node::text).unwrap_or("");
                    let path = format!("{path}.{}[{index}]", kind.field());
                    containers.push(ContainerView {
                        kind,
                        index,
                        name,
                        node,
                        path,
                        dropped: Dropped::default(),
                    });
                }
            }
        }
        // Held for as long as the object is analysed: no room to spare.
        containers.shrink_to_fit();
        let annotations = annotation_entries(meta)
            .into_iter()
            .filter_map(|(k, v)| Some((k.key_text()?, v)))
            .collect();
        PodView {
            spec,
            meta,
            path,
            containers,
            dropped: Dropped::default(),
            annotations,
        }
    }

    /// The pod as an API server of Kubernetes 1.`minor` creates it: the fields whose feature gate is
    /// off by default there read as unset, as admission and the kubelet see them.
    #[must_use]
    pub fn as_created_on(&self, minor: u32) -> PodView<'a> {
        self.created_on(minor).into_owned()
    }

    /// [`PodView::as_created_on`], borrowing this view when the version drops what it already
    /// drops (nothing, for a view of the text on a recent version): a pod of many containers is
    /// not copied for every run of the checks.
    #[must_use]
    pub fn created_on(&self, minor: u32) -> std::borrow::Cow<'_, PodView<'a>> {
        let dropped = Dropped::at(minor);
        if dropped == self.dropped && self.containers.iter().all(|c| c.dropped == dropped) {
            return std::borrow::Cow::Borrowed(self);
        }
        let mut pod = self.clone();
        pod.dropped = dropped;
        for c in &mut pod.containers {
            c.dropped = dropped;
        }
        std::borrow::Cow::Owned(pod)
    }

    /// `spec.securityContext`, when it is a mapping.
    #[must_use]
    pub fn security_context(&self) -> Option<Node<'a>> {
        self.spec.field("securityContext").filter(|n| n.is_map())
    }

    /// A field of `spec.securityContext` (null means unset).
    #[must_use]
    pub fn sc(&self, key: &str) -> Option<Node<'a>> {
        if self.dropped.pod_sc(key) {
            return None;
        }
        self.security_context().and_then(|sc| sc.field(key))
    }

    /// A field of the pod spec itself (null means unset).
    #[must_use]
    pub fn field(&self, key: &str) -> Option<Node<'a>> {
        if self.dropped.spec(key) {
            return None;
        }
        self.spec.field(key)
    }

    /// A boolean pod-spec field, e.g. `hostNetwork`.
    #[must_use]
    pub fn bool_field(&self, key: &str) -> Option<(bool, Node<'a>)> {
        let n = self.field(key)?;
        Some((n.as_bool()?, n))
    }

    /// `spec.os.name`, exactly as written.
    #[must_use]
    pub fn os_name(&self) -> Option<&'a str> {
        self.field("os")
            .and_then(|o| o.field("name"))
            .and_then(Node::as_str)
    }

    /// Whether `spec.os.name` is exactly `windows`.
    #[must_use]
    pub fn is_windows(&self) -> bool {
        self.os_name() == Some("windows")
    }

    /// Whether `spec.hostUsers` is explicitly `false`.
    #[must_use]
    pub fn host_users_false(&self) -> bool {
        matches!(self.bool_field("hostUsers"), Some((false, _)))
    }

    /// The annotations of the pod (template), as (key, value node).
    #[must_use]
    pub fn annotations(&self) -> Vec<(&'a str, Node<'a>)> {
        annotation_entries(self.meta)
            .into_iter()
            .filter_map(|(k, v)| Some((k.text()?, v)))
            .collect()
    }

    /// One annotation's value text.
    #[must_use]
    pub fn annotation(&self, key: &str) -> Option<(&'a str, Node<'a>)> {
        let v = self.annotation_node(key)?;
        Some((v.raw_scalar()?.0, v))
    }

    /// One annotation's value node, whatever it holds.
    #[must_use]
    pub fn annotation_node(&self, key: &str) -> Option<Node<'a>> {
        self.annotations.get(key).copied()
    }

    /// `spec.volumes`.
    #[must_use]
    pub fn volumes(&self) -> Vec<Node<'a>> {
        self.field("volumes").map(Node::items).unwrap_or_default()
    }

    /// Where a new pod-level field would be anchored for messages: the securityContext key if present,
    /// else the spec.
    #[must_use]
    pub fn anchor(&self) -> Span {
        self.spec
            .get_entry("securityContext")
            .map_or_else(|| self.spec.span(), |(k, _)| k.span())
    }

    /// The field path of a pod security-context field.
    #[must_use]
    pub fn sc_path(&self, key: &str) -> String {
        format!("{}.securityContext.{key}", self.path)
    }

    /// The field path of the pod (template) metadata that goes with the spec, e.g.
    /// `spec.template.metadata`.
    #[must_use]
    pub fn meta_path(&self) -> String {
        match self.path.strip_suffix("spec") {
            Some(prefix) => format!("{prefix}metadata"),
            None => format!("{}.metadata", self.path),
        }
    }

    /// The field path of an annotation of the pod (template), e.g.
    /// `metadata.annotations["seccomp.security.alpha.kubernetes.io/pod"]`.
    #[must_use]
    pub fn annotation_path(&self, key: &str) -> String {
        format!("{}.annotations[\"{key}\"]", self.meta_path())
    }
}

impl<'a> ContainerView<'a> {
    /// The container's `securityContext`, when it is a mapping.
    #[must_use]
    pub fn security_context(&self) -> Option<Node<'a>> {
        self.node.field("securityContext").filter(|n| n.is_map())
    }

    /// A field of the container's securityContext (null means unset).
    #[must_use]
    pub fn sc(&self, key: &str) -> Option<Node<'a>> {
        if self.dropped.container_sc(key) {
            return None;
        }
        self.security_context().and_then(|sc| sc.field(key))
    }

    /// A field of the container itself.
    #[must_use]
    pub fn field(&self, key: &str) -> Option<Node<'a>> {
        self.node.field(key)
    }

    /// `securityContext.capabilities.add` entries (strings only) with their nodes.
    #[must_use]
    pub fn caps_add(&self) -> Vec<(&'a str, Node<'a>)> {
        self.cap_entries("add").collect()
    }

    /// The names of `securityContext.capabilities.add` (`which` = `add`) or `.drop`, strings only:
    /// what resolving the set needs, a third of [`ContainerView::caps_add`]'s size per entry (a
    /// list of 90,000 names held 4 MB of nodes beside them).
    #[must_use]
    pub fn cap_names(&self, which: &str) -> Vec<&'a str> {
        self.cap_entries(which).map(|(s, _)| s).collect()
    }

    /// The entries of `securityContext.capabilities.add` (`which` = `add`) or `.drop`, strings
    /// only, with their nodes, one at a time: a question about the list (does it hold `ALL`?)
    /// costs nothing per entry.
    pub fn cap_entries(&self, which: &str) -> impl Iterator<Item = (&'a str, Node<'a>)> + use<'a> {
        self.sc("capabilities")
            .and_then(|c| c.field(which))
            .into_iter()
            .flat_map(Node::iter_items)
            .filter_map(|n| Some((n.text()?, n)))
    }

    /// `ports[*]` mappings.
    #[must_use]
    pub fn ports(&self) -> Vec<Node<'a>> {
        self.field("ports").map(Node::items).unwrap_or_default()
    }

    /// `volumeMounts[*]` mappings.
    #[must_use]
    pub fn volume_mounts(&self) -> Vec<Node<'a>> {
        self.field("volumeMounts")
            .map(Node::items)
            .unwrap_or_default()
    }

    /// Probe and lifecycle handlers: (`livenessProbe` / `readinessProbe` / `startupProbe` /
    /// `lifecycle.postStart` / `lifecycle.preStop`, handler mapping).
    #[must_use]
    pub fn handlers(&self) -> Vec<(&'static str, Node<'a>)> {
        let mut out = Vec::new();
        for probe in ["livenessProbe", "readinessProbe", "startupProbe"] {
            if let Some(p) = self.field(probe) {
                out.push((probe, p));
            }
        }
        if let Some(l) = self.field("lifecycle") {
            for (name, key) in [
                ("lifecycle.postStart", "postStart"),
                ("lifecycle.preStop", "preStop"),
            ] {
                if let Some(h) = l.field(key) {
                    out.push((name, h));
                }
            }
        }
        out
    }

    /// The field path of a container security-context field.
    #[must_use]
    pub fn sc_path(&self, key: &str) -> String {
        format!("{}.securityContext.{key}", self.path)
    }

    /// Where the container is written (its `name` key when present).
    #[must_use]
    pub fn anchor(&self) -> Span {
        self.node
            .get_entry("name")
            .map_or_else(|| self.node.span(), |(k, _)| k.span())
    }
}
