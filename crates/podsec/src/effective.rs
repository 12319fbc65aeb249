//! The effective security context of every container, with where each value comes from.
//!
//! This module is the one place that knows how Kubernetes merges the pod's `securityContext` into
//! each container's, how the kubelet fills in what is unset (seccomp and AppArmor defaults, legacy
//! annotations) and what the container runtime adds (default capabilities, the image's user).
//! Every value carries its source and the line of the text that supplied it.

pub mod caps;
#[cfg(test)]
mod tests;

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use crate::model::{EffectiveValue, Options, Runtime, Source, Value};
use crate::pod::{ContainerView, PodView};
use crate::yaml::{Node, Scalar};

/// The effective context of one container: one field per security-context field, serialized
/// under its Kubernetes name in display order (the order of the fields here).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContainerEffective {
    /// `runAsUser`: the container's, the pod's, or the image's user.
    #[serde(rename = "runAsUser")]
    pub run_as_user: EffectiveValue,
    /// `runAsGroup`.
    #[serde(rename = "runAsGroup")]
    pub run_as_group: EffectiveValue,
    /// `runAsNonRoot`.
    #[serde(rename = "runAsNonRoot")]
    pub run_as_non_root: EffectiveValue,
    /// `seLinuxOptions`.
    #[serde(rename = "seLinuxOptions")]
    pub se_linux_options: EffectiveValue,
    /// `windowsOptions`, merged per field.
    #[serde(rename = "windowsOptions")]
    pub windows_options: EffectiveValue,
    /// `seccompProfile`, from the field, the legacy annotation or the kubelet's default.
    #[serde(rename = "seccompProfile")]
    pub seccomp_profile: EffectiveValue,
    /// `appArmorProfile`, from the field, the legacy annotation or the runtime's default.
    #[serde(rename = "appArmorProfile")]
    pub app_armor_profile: EffectiveValue,
    /// `privileged`.
    pub privileged: EffectiveValue,
    /// `allowPrivilegeEscalation`.
    #[serde(rename = "allowPrivilegeEscalation")]
    pub allow_privilege_escalation: EffectiveValue,
    /// `capabilities`: the resulting set.
    pub capabilities: EffectiveValue,
    /// `readOnlyRootFilesystem`.
    #[serde(rename = "readOnlyRootFilesystem")]
    pub read_only_root_filesystem: EffectiveValue,
    /// `procMount`.
    #[serde(rename = "procMount")]
    pub proc_mount: EffectiveValue,
    /// The pod's `fsGroup`.
    #[serde(rename = "fsGroup")]
    pub fs_group: EffectiveValue,
    /// The pod's `supplementalGroups`.
    #[serde(rename = "supplementalGroups")]
    pub supplemental_groups: EffectiveValue,
    /// The pod's `supplementalGroupsPolicy`.
    #[serde(rename = "supplementalGroupsPolicy")]
    pub supplemental_groups_policy: EffectiveValue,
    /// The pod's `sysctls`.
    pub sysctls: EffectiveValue,
    /// The pod's `hostUsers`.
    #[serde(rename = "hostUsers")]
    pub host_users: EffectiveValue,
    /// The pod's `hostNetwork`.
    #[serde(rename = "hostNetwork")]
    pub host_network: EffectiveValue,
    /// The pod's `hostPID`.
    #[serde(rename = "hostPID")]
    pub host_pid: EffectiveValue,
    /// The pod's `hostIPC`.
    #[serde(rename = "hostIPC")]
    pub host_ipc: EffectiveValue,
}

impl ContainerEffective {
    /// Every field with its Kubernetes name, in display order.
    pub fn fields(&self) -> impl Iterator<Item = (&'static str, &EffectiveValue)> {
        [
            ("runAsUser", &self.run_as_user),
            ("runAsGroup", &self.run_as_group),
            ("runAsNonRoot", &self.run_as_non_root),
            ("seLinuxOptions", &self.se_linux_options),
            ("windowsOptions", &self.windows_options),
            ("seccompProfile", &self.seccomp_profile),
            ("appArmorProfile", &self.app_armor_profile),
            ("privileged", &self.privileged),
            ("allowPrivilegeEscalation", &self.allow_privilege_escalation),
            ("capabilities", &self.capabilities),
            ("readOnlyRootFilesystem", &self.read_only_root_filesystem),
            ("procMount", &self.proc_mount),
            ("fsGroup", &self.fs_group),
            ("supplementalGroups", &self.supplemental_groups),
            ("supplementalGroupsPolicy", &self.supplemental_groups_policy),
            ("sysctls", &self.sysctls),
            ("hostUsers", &self.host_users),
            ("hostNetwork", &self.host_network),
            ("hostPID", &self.host_pid),
            ("hostIPC", &self.host_ipc),
        ]
        .into_iter()
    }

    /// One field by its Kubernetes name, for callers that hold a name (hover, lessons); rules
    /// read the typed fields.
    #[must_use]
    pub fn get(&self, name: &str) -> Option<&EffectiveValue> {
        self.fields().find(|(n, _)| *n == name).map(|(_, v)| v)
    }
}

/// The legacy per-container AppArmor annotation prefix.
pub const APPARMOR_PREFIX: &str = "container.apparmor.security.beta.kubernetes.io/";
/// The legacy pod-wide seccomp annotation.
pub const SECCOMP_POD: &str = "seccomp.security.alpha.kubernetes.io/pod";
/// The legacy per-container seccomp annotation prefix.
pub const SECCOMP_PREFIX: &str = "container.seccomp.security.alpha.kubernetes.io/";

/// A value found in the text: the key node, the value node, and whether it is the container's or
/// the pod's.
#[derive(Clone, Copy, Debug)]
pub struct Found<'a> {
    /// The key.
    pub key: Node<'a>,
    /// The value (never `null`).
    pub value: Node<'a>,
    /// [`Source::Container`] or [`Source::Pod`].
    pub source: Source,
}

fn entry<'a>(map: Option<Node<'a>>, key: &str) -> Option<(Node<'a>, Node<'a>)> {
    map?.get_entry(key).filter(|(_, v)| !v.is_null())
}

/// A security-context field the container inherits from the pod when it does not set it
/// (`runAsUser`, `runAsGroup`, `runAsNonRoot`, `seLinuxOptions`, `seccompProfile`,
/// `appArmorProfile`), keeping only values `accept` takes (values of the wrong type are unset).
#[must_use]
pub fn inherited<'a>(
    pod: &PodView<'a>,
    c: &ContainerView<'a>,
    key: &str,
    accept: fn(Node<'a>) -> bool,
) -> Option<Found<'a>> {
    if let Some((k, v)) = entry(c.security_context(), key).filter(|(_, v)| accept(*v)) {
        return Some(Found {
            key: k,
            value: v,
            source: Source::Container,
        });
    }
    entry(pod.security_context(), key)
        .filter(|(_, v)| accept(*v))
        .map(|(k, v)| Found {
            key: k,
            value: v,
            source: Source::Pod,
        })
}

/// A container-only security-context field.
#[must_use]
pub fn own<'a>(c: &ContainerView<'a>, key: &str) -> Option<(Node<'a>, Node<'a>)> {
    entry(c.security_context(), key)
}

fn is_int(n: Node<'_>) -> bool {
    n.as_i64().is_some()
}
fn is_bool(n: Node<'_>) -> bool {
    n.as_bool().is_some()
}
fn is_map(n: Node<'_>) -> bool {
    n.is_map()
}

/// The image's user as the kubelet sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ImageUser {
    /// The image sets no `USER`: the kubelet takes it as uid 0.
    Unset,
    /// A numeric uid (the part before any `:`).
    Uid(i64),
    /// A user name the kubelet cannot map to a uid.
    Name(String),
}

/// The image user given in the options for a container, if any.
#[must_use]
pub fn image_user(options: &Options, container: &str) -> Option<ImageUser> {
    let (_, user) = options.image_users.iter().find(|(n, _)| n == container)?;
    let user = user.split(':').next().unwrap_or("").trim();
    if user.is_empty() {
        return Some(ImageUser::Unset);
    }
    if user.bytes().all(|b| b.is_ascii_digit()) {
        return Some(match user.parse::<i64>() {
            Ok(n) => ImageUser::Uid(n),
            Err(_) => ImageUser::Name(user.to_string()),
        });
    }
    Some(ImageUser::Name(user.to_string()))
}

/// A node as a [`Value`] (bounded depth; deeper content becomes `null`).
#[must_use]
pub fn to_value(n: Node<'_>) -> Value {
    to_value_at(n, 0)
}

fn to_value_at(n: Node<'_>, depth: usize) -> Value {
    if depth > 6 {
        return Value::Null;
    }
    if n.is_map() {
        return Value::Object(
            n.entries()
                .into_iter()
                .take(64)
                .map(|(k, v)| {
                    (
                        k.text().unwrap_or("").to_string(),
                        to_value_at(v, depth + 1),
                    )
                })
                .collect(),
        );
    }
    if n.is_seq() {
        return Value::List(
            n.items()
                .into_iter()
                .take(256)
                .map(|v| to_value_at(v, depth + 1))
                .collect(),
        );
    }
    match n.scalar() {
        Some(Scalar::Bool(b)) => Value::Bool(b),
        Some(Scalar::Int(i)) => Value::Int(i),
        Some(Scalar::Float(_) | Scalar::Uint(_)) => Value::Str(n.text().unwrap_or("").to_string()),
        Some(Scalar::Str(s)) => Value::Str(s.to_string()),
        Some(Scalar::Null) | None => Value::Null,
    }
}

/// A profile (`seccompProfile` / `appArmorProfile` shape) as a value.
fn profile(kind: &str, localhost: Option<&str>) -> Value {
    let mut v = vec![("type".to_string(), Value::Str(kind.to_string()))];
    if let Some(p) = localhost {
        v.push(("localhostProfile".to_string(), Value::Str(p.to_string())));
    }
    Value::Object(v)
}

/// What a legacy seccomp annotation value means: `(type, localhostProfile)`.
#[must_use]
pub fn seccomp_annotation(value: &str) -> Option<(&'static str, Option<&str>)> {
    match value {
        "runtime/default" | "docker/default" => Some(("RuntimeDefault", None)),
        "unconfined" => Some(("Unconfined", None)),
        _ => value
            .strip_prefix("localhost/")
            .map(|p| ("Localhost", Some(p))),
    }
}

/// What a legacy AppArmor annotation value means: `(type, localhostProfile)`; anything else is
/// treated as no annotation by the kubelet.
#[must_use]
pub fn apparmor_annotation(value: &str) -> Option<(&'static str, Option<&str>)> {
    match value {
        "runtime/default" => Some(("RuntimeDefault", None)),
        "unconfined" => Some(("Unconfined", None)),
        _ => value
            .strip_prefix("localhost/")
            .map(|p| ("Localhost", Some(p))),
    }
}

/// A field's value with where it comes from.
fn ev(value: Value, source: Source, line: Option<usize>, note: Option<String>) -> EffectiveValue {
    EffectiveValue {
        value,
        source,
        line,
        note,
    }
}

fn found_ev(f: Found<'_>, value: Value, note: Option<String>) -> EffectiveValue {
    ev(value, f.source, Some(f.key.span().line), note)
}

/// Resolves every container of the pod, in the pod's container order.
#[must_use]
pub fn resolve(pod: &PodView<'_>, options: &Options) -> Vec<ContainerEffective> {
    pod.containers
        .iter()
        .map(|c| resolve_container(pod, c, options))
        .collect()
}

/// The result of the capability computation of one container.
#[derive(Clone, Debug)]
pub struct CapabilityResult {
    /// The effective value.
    pub value: EffectiveValue,
    /// Whether `CAP_SYS_ADMIN` is in the resulting set.
    pub sys_admin: bool,
}

/// The effective context of one container of `pod`.
pub(crate) fn resolve_container(
    pod: &PodView<'_>,
    c: &ContainerView<'_>,
    options: &Options,
) -> ContainerEffective {
    let kube = options.kube();
    let (privileged, is_privileged) = own_privileged(c);
    let run_as_user = run_as_user(pod, c, options);
    let caps = capabilities(pod, c, options, is_privileged, &run_as_user);
    ContainerEffective {
        run_as_group: run_as_group(pod, c),
        run_as_non_root: run_as_non_root(pod, c, &run_as_user),
        run_as_user,
        se_linux_options: selinux(pod, c, is_privileged),
        windows_options: windows(pod, c),
        seccomp_profile: seccomp(pod, c, options, is_privileged),
        app_armor_profile: apparmor(pod, c, options, is_privileged),
        privileged: match privileged {
            Some((k, v)) => ev(
                Value::Bool(v.as_bool() == Some(true)),
                Source::Container,
                Some(k.span().line),
                is_privileged.then(|| {
                    "every capability, every host device, no seccomp, no masked paths".to_string()
                }),
            ),
            None => ev(Value::Bool(false), Source::Default, None, None),
        },
        allow_privilege_escalation: allow_privilege_escalation(
            c,
            privileged,
            is_privileged,
            caps.sys_admin,
        ),
        capabilities: caps.value,
        read_only_root_filesystem: match own(c, "readOnlyRootFilesystem")
            .filter(|(_, v)| is_bool(*v))
        {
            Some((k, v)) => ev(
                Value::Bool(v.as_bool() == Some(true)),
                Source::Container,
                Some(k.span().line),
                None,
            ),
            None => ev(
                Value::Bool(false),
                Source::Default,
                None,
                Some("unset: the root filesystem is writable".to_string()),
            ),
        },
        proc_mount: proc_mount(c, kube, is_privileged),
        fs_group: fs_group(pod),
        supplemental_groups: pod_list(pod, "supplementalGroups"),
        supplemental_groups_policy: supplemental_groups_policy(pod, kube),
        sysctls: pod_list(pod, "sysctls"),
        host_users: host_users(pod, kube),
        host_network: host_namespace(pod, "hostNetwork"),
        host_pid: host_namespace(pod, "hostPID"),
        host_ipc: host_namespace(pod, "hostIPC"),
    }
}

/// The container's own `privileged` (key and value) when it is a boolean, and whether it is
/// `true`.
fn own_privileged<'a>(c: &ContainerView<'a>) -> (Option<(Node<'a>, Node<'a>)>, bool) {
    let privileged = own(c, "privileged").filter(|(_, v)| is_bool(*v));
    let is = privileged.is_some_and(|(_, v)| v.as_bool() == Some(true));
    (privileged, is)
}

/// A field of a container's effective context that a rule may resolve alone (see
/// [`resolve_field`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Field {
    RunAsUser,
    RunAsGroup,
    RunAsNonRoot,
    SeccompProfile,
    AppArmorProfile,
}

impl Field {
    /// The field in a context resolved whole.
    pub(crate) fn of(self, e: &ContainerEffective) -> &EffectiveValue {
        match self {
            Field::RunAsUser => &e.run_as_user,
            Field::RunAsGroup => &e.run_as_group,
            Field::RunAsNonRoot => &e.run_as_non_root,
            Field::SeccompProfile => &e.seccomp_profile,
            Field::AppArmorProfile => &e.app_armor_profile,
        }
    }
}

/// One field of a container's effective context, as [`resolve_container`] resolves it, without
/// the others: a rule that reads one field of every container in a pass of a bounded listing
/// (`analysis::parts`) resolved whole contexts, two dozen values and their notes, for each.
pub(crate) fn resolve_field(
    pod: &PodView<'_>,
    c: &ContainerView<'_>,
    options: &Options,
    field: Field,
) -> EffectiveValue {
    match field {
        Field::RunAsUser => run_as_user(pod, c, options),
        Field::RunAsGroup => run_as_group(pod, c),
        Field::RunAsNonRoot => run_as_non_root(pod, c, &run_as_user(pod, c, options)),
        Field::SeccompProfile => seccomp(pod, c, options, own_privileged(c).1),
        Field::AppArmorProfile => apparmor(pod, c, options, own_privileged(c).1),
    }
}

fn run_as_user(pod: &PodView<'_>, c: &ContainerView<'_>, options: &Options) -> EffectiveValue {
    if let Some(f) = inherited(pod, c, "runAsUser", is_int) {
        return found_ev(f, Value::Int(f.value.as_i64().unwrap_or(0)), None);
    }
    match image_user(options, c.name) {
        Some(ImageUser::Uid(n)) => ev(
            Value::Int(n),
            Source::Image,
            None,
            Some("the image's USER".to_string()),
        ),
        Some(ImageUser::Unset) => ev(
            Value::Int(0),
            Source::Image,
            None,
            Some("the image sets no USER, so it runs as root (0)".to_string()),
        ),
        Some(ImageUser::Name(n)) => ev(
            Value::Str(n),
            Source::Image,
            None,
            Some(
                "the image's USER is a name: its uid comes from the image's /etc/passwd"
                    .to_string(),
            ),
        ),
        None => ev(
            Value::Null,
            Source::Image,
            None,
            Some("runs as the image's USER; root (0) if the image sets none".to_string()),
        ),
    }
}

fn run_as_group(pod: &PodView<'_>, c: &ContainerView<'_>) -> EffectiveValue {
    match inherited(pod, c, "runAsGroup", is_int) {
        Some(f) => found_ev(f, Value::Int(f.value.as_i64().unwrap_or(0)), None),
        None => ev(
            Value::Null,
            Source::Image,
            None,
            Some(
                "the runtime uses the gid of the user's entry in the image's /etc/passwd, 0 (root) if there is none; the group in an image USER uid:gid is not honoured"
                    .to_string(),
            ),
        ),
    }
}

fn run_as_non_root(
    pod: &PodView<'_>,
    c: &ContainerView<'_>,
    user: &EffectiveValue,
) -> EffectiveValue {
    let Some(f) = inherited(pod, c, "runAsNonRoot", is_bool) else {
        return ev(
            Value::Null,
            Source::Default,
            None,
            Some("unset: the kubelet does not check the user".to_string()),
        );
    };
    let on = f.value.as_bool() == Some(true);
    let note = if !on {
        None
    } else {
        match &user.value {
            Value::Int(0) => Some("the kubelet refuses to start the container: its user is root (0)".to_string()),
            Value::Int(_) => None,
            Value::Str(_) => Some(
                "the kubelet refuses to start the container: the image's user is not numeric, so it cannot verify it is not root".to_string(),
            ),
            _ => Some(
                "checked by the kubelet at start against the image's user: it refuses root (0), an image with no USER, and a non-numeric USER".to_string(),
            ),
        }
    };
    found_ev(f, Value::Bool(on), note)
}

fn selinux(pod: &PodView<'_>, c: &ContainerView<'_>, privileged: bool) -> EffectiveValue {
    let Some(f) = inherited(pod, c, "seLinuxOptions", is_map) else {
        return ev(
            Value::Null,
            Source::Runtime,
            None,
            Some(if privileged {
                "privileged: the runtime applies no process label".to_string()
            } else {
                "on SELinux hosts the runtime assigns a label (typically container_t with a per-pod MCS level)".to_string()
            }),
        );
    };
    let mut notes = Vec::new();
    if f.source == Source::Container && pod.sc("seLinuxOptions").is_some() {
        notes.push("replaces the pod's seLinuxOptions as a whole");
        if f.value.field("level").is_none() {
            notes.push(
                "with no level, containerd picks a fresh MCS level while CRI-O keeps the pod's",
            );
        }
    }
    if privileged {
        notes.push("privileged: the runtime does not apply the label");
    }
    let note = (!notes.is_empty()).then(|| notes.join("; "));
    found_ev(f, to_value(f.value), note)
}

fn windows(pod: &PodView<'_>, c: &ContainerView<'_>) -> EffectiveValue {
    const KEYS: [&str; 4] = [
        "gmsaCredentialSpecName",
        "gmsaCredentialSpec",
        "runAsUserName",
        "hostProcess",
    ];
    let pod_w = pod.sc("windowsOptions").filter(|n| n.is_map());
    let ctr_w = c.sc("windowsOptions").filter(|n| n.is_map());
    let (pod_k, ctr_k) = (
        pod.security_context()
            .and_then(|s| s.get_entry("windowsOptions"))
            .map(|(k, _)| k),
        c.security_context()
            .and_then(|s| s.get_entry("windowsOptions"))
            .map(|(k, _)| k),
    );
    if pod_w.is_none() && ctr_w.is_none() {
        return ev(Value::Null, Source::Default, None, None);
    }
    let ctr_gmsa = ctr_w.is_some_and(|w| w.field(KEYS[0]).is_some() || w.field(KEYS[1]).is_some());
    let mut out = Vec::new();
    let (mut from_pod, mut from_ctr) = (Vec::new(), 0);
    for (i, key) in KEYS.iter().enumerate() {
        let ctr_wins = if i < 2 {
            ctr_gmsa
        } else {
            ctr_w.is_some_and(|w| w.field(key).is_some())
        };
        let node = if ctr_wins {
            ctr_w.and_then(|w| w.field(key))
        } else {
            pod_w.and_then(|w| w.field(key))
        };
        if let Some(n) = node {
            out.push(((*key).to_string(), to_value(n)));
            if ctr_wins {
                from_ctr += 1;
            } else {
                from_pod.push(*key);
            }
        }
    }
    let value = Value::Object(out);
    match (from_ctr, from_pod.is_empty()) {
        (0, _) => ev(value, Source::Pod, pod_k.map(|k| k.span().line), None),
        (_, true) => ev(value, Source::Container, ctr_k.map(|k| k.span().line), None),
        _ => ev(
            value,
            Source::Container,
            ctr_k.map(|k| k.span().line),
            Some(format!(
                "merged per field: {} from the pod",
                from_pod.join(", ")
            )),
        ),
    }
}

fn seccomp(
    pod: &PodView<'_>,
    c: &ContainerView<'_>,
    options: &Options,
    privileged: bool,
) -> EffectiveValue {
    let kube = options.kube();
    let priv_note =
        "privileged: the runtime runs the container without seccomp whatever is requested";
    let with_priv = |note: Option<String>| -> Option<String> {
        if !privileged {
            return note;
        }
        Some(match note {
            Some(n) => format!("{n}; {priv_note}"),
            None => priv_note.to_string(),
        })
    };
    let field_value = |f: Found<'_>| -> EffectiveValue {
        let kind = f.value.field("type").and_then(Node::as_str).unwrap_or("");
        let local = f.value.field("localhostProfile").and_then(Node::as_str);
        let note = (kind == "Localhost").then(|| match local {
            Some(p) if !p.is_empty() => format!(
                "loaded from <kubelet root-dir>/seccomp/{p} on the node (root-dir defaults to /var/lib/kubelet)"
            ),
            _ => "the kubelet refuses a Localhost profile with no localhostProfile".to_string(),
        });
        found_ev(f, to_value(f.value), with_priv(note))
    };
    let annotation = |key: &str, scope: &str| -> Option<EffectiveValue> {
        let (text, node) = pod.annotation(key)?;
        let (kind, local) = seccomp_annotation(text)?;
        let how = if kube >= 25 {
            format!(
                "the API server copies the annotation into the {scope} field on create (not for static pods)"
            )
        } else {
            "the kubelet reads the legacy annotation".to_string()
        };
        Some(ev(
            profile(kind, local),
            Source::Annotation,
            Some(node.span().line),
            with_priv(Some(how)),
        ))
    };
    let ctr_field = own(c, "seccompProfile").filter(|(_, v)| v.is_map());
    if let Some((k, v)) = ctr_field {
        return field_value(Found {
            key: k,
            value: v,
            source: Source::Container,
        });
    }
    if kube <= 26
        && let Some(e) = annotation(&format!("{SECCOMP_PREFIX}{}", c.name), "container")
    {
        return e;
    }
    if let Some((k, v)) =
        entry(pod.security_context(), "seccompProfile").filter(|(_, v)| v.is_map())
    {
        return field_value(Found {
            key: k,
            value: v,
            source: Source::Pod,
        });
    }
    if kube <= 26
        && let Some(e) = annotation(SECCOMP_POD, "pod")
    {
        return e;
    }
    let ignored = if kube >= 27
        && (pod.annotation(SECCOMP_POD).is_some()
            || pod
                .annotation(&format!("{SECCOMP_PREFIX}{}", c.name))
                .is_some())
    {
        "; the legacy seccomp annotation is ignored since 1.27"
    } else {
        ""
    };
    let gate_off = if options.seccomp_default {
        crate::versions::SECCOMP_DEFAULT.dropped_note(kube)
    } else {
        None
    };
    match gate_off {
        None if options.seccomp_default => ev(
            profile("RuntimeDefault", None),
            Source::Default,
            None,
            with_priv(Some(format!("kubelet seccompDefault: true{ignored}"))),
        ),
        Some(why) => ev(
            profile("Unconfined", None),
            Source::Default,
            None,
            with_priv(Some(format!(
                "kubelet seccompDefault: true is set, but {why}: no seccomp filter{ignored}"
            ))),
        ),
        None => ev(
            profile("Unconfined", None),
            Source::Default,
            None,
            with_priv(Some(format!(
                "kubelet default: no seccomp filter (seccompDefault is off){ignored}"
            ))),
        ),
    }
}

fn apparmor(
    pod: &PodView<'_>,
    c: &ContainerView<'_>,
    options: &Options,
    privileged: bool,
) -> EffectiveValue {
    let kube = options.kube();
    let privileged_note = |kind: &str| -> Option<&'static str> {
        if !privileged {
            return None;
        }
        Some(match (options.runtime, kind) {
            (Runtime::Containerd, "Localhost") => {
                "privileged: containerd still applies a Localhost profile"
            }
            (Runtime::Containerd, _) => "privileged: containerd applies no profile",
            (Runtime::CriO, _) => "privileged: CRI-O applies no profile",
        })
    };
    let node_note = |kind: &str| -> Option<&'static str> {
        (!options.apparmor_enabled && kind != "Unconfined")
            .then_some("the node has no AppArmor: the kubelet refuses the pod")
    };
    let join = |a: Option<String>, b: Option<&str>, d: Option<&str>| -> Option<String> {
        let v: Vec<String> = a
            .into_iter()
            .chain(b.map(str::to_string))
            .chain(d.map(str::to_string))
            .collect();
        (!v.is_empty()).then(|| v.join("; "))
    };
    let field_value = |f: Found<'_>| -> EffectiveValue {
        let kind = f.value.field("type").and_then(Node::as_str).unwrap_or("");
        found_ev(
            f,
            to_value(f.value),
            join(None, privileged_note(kind), node_note(kind)),
        )
    };
    let fields_off = crate::versions::APPARMOR_FIELDS.dropped_note(kube);
    let ignored_field = fields_off.is_some()
        && (own(c, "appArmorProfile").is_some()
            || entry(pod.security_context(), "appArmorProfile").is_some());
    let dropped_note = fields_off.map(|why| format!("appArmorProfile is written, but {why}"));
    if apparmor_fields_kept(kube)
        && let Some((k, v)) = own(c, "appArmorProfile").filter(|(_, v)| v.is_map())
    {
        return field_value(Found {
            key: k,
            value: v,
            source: Source::Container,
        });
    }
    if let Some((text, node)) = pod.annotation(&format!("{APPARMOR_PREFIX}{}", c.name))
        && let Some((kind, local)) = apparmor_annotation(text)
    {
        {
            let base = if kube >= 30 {
                "legacy annotation, deprecated since 1.30"
            } else {
                "the AppArmor annotation"
            };
            let extra = ignored_field.then(|| dropped_note.clone()).flatten();
            let note = join(
                Some(base.to_string()),
                privileged_note(kind),
                node_note(kind),
            );
            let note = match (note, extra) {
                (Some(n), Some(e)) => Some(format!("{n}; {e}")),
                (n, e) => n.or(e),
            };
            return ev(
                profile(kind, local),
                Source::Annotation,
                Some(node.span().line),
                note,
            );
        }
    }
    if apparmor_fields_kept(kube)
        && let Some((k, v)) =
            entry(pod.security_context(), "appArmorProfile").filter(|(_, v)| v.is_map())
    {
        return field_value(Found {
            key: k,
            value: v,
            source: Source::Pod,
        });
    }
    let extra = if ignored_field {
        dropped_note.as_deref()
    } else {
        None
    };
    if options.apparmor_enabled && !privileged {
        let name = match options.runtime {
            Runtime::Containerd => "cri-containerd.apparmor.d",
            Runtime::CriO => "crio-default",
        };
        ev(
            profile("RuntimeDefault", None),
            Source::Runtime,
            None,
            join(
                Some(format!(
                    "no profile requested: the runtime applies its default profile ({name})"
                )),
                extra,
                None,
            ),
        )
    } else {
        let why = if privileged {
            "privileged: no profile"
        } else {
            "the node has no AppArmor: no profile"
        };
        ev(
            Value::Null,
            Source::Runtime,
            None,
            join(Some(why.to_string()), extra, None),
        )
    }
}

/// Whether a 1.`kube` API server keeps the `appArmorProfile` fields.
fn apparmor_fields_kept(kube: u32) -> bool {
    crate::versions::APPARMOR_FIELDS.enabled(kube)
}

/// `"A", "B"`, written into one string: the first [`QUOTED`] names and a count of the rest, so a
/// note on a list of 90,000 unknown names says so in a line, not in a megabyte.
fn quoted_list(names: &[&str]) -> String {
    let shown = names.get(..QUOTED).unwrap_or(names);
    let mut out = String::with_capacity(shown.iter().map(|n| n.len() + 4).sum::<usize>() + 24);
    for (i, n) in shown.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push('"');
        out.push_str(n);
        out.push('"');
    }
    if let Some(more) = names.len().checked_sub(QUOTED).filter(|m| *m > 0) {
        let _ = write!(out, " and {more} more");
    }
    out
}

/// How many names [`quoted_list`] quotes.
const QUOTED: usize = 8;

fn capabilities(
    pod: &PodView<'_>,
    c: &ContainerView<'_>,
    options: &Options,
    privileged: bool,
    user: &EffectiveValue,
) -> CapabilityResult {
    let list = |v: &[&str]| Value::List(v.iter().map(|s| Value::Str((*s).to_string())).collect());
    let mut notes: Vec<String> = Vec::new();
    if pod.host_users_false() {
        notes.push("capabilities apply inside the pod's user namespace".to_string());
    }
    if privileged {
        let (k, _) = own(c, "privileged").unwrap_or((c.node, c.node));
        let mut sorted: Vec<&str> = caps::ALL.to_vec();
        crate::order::sort(&mut sorted);
        let mut n = vec!["privileged: every capability; add and drop are ignored".to_string()];
        n.extend(notes);
        return CapabilityResult {
            value: ev(
                list(&sorted),
                Source::Container,
                Some(k.span().line),
                Some(n.join("; ")),
            ),
            sys_admin: true,
        };
    }
    let stanza = own(c, "capabilities");
    let add = c.cap_names("add");
    let drop = c.cap_names("drop");
    let outcome = caps::resolve(options.runtime, &add, &drop);
    let mut sorted = outcome.set.clone();
    crate::order::sort(&mut sorted);
    if !outcome.ignored.is_empty() {
        notes.push(format!(
            "containerd passes {} on as unknown capabilities, which runc and crun ignore",
            quoted_list(&outcome.ignored)
        ));
    }
    if !outcome.fatal.is_empty() {
        notes.push(format!(
            "CRI-O fails to create the container: unknown capability {}",
            quoted_list(&outcome.fatal)
        ));
    }
    if !sorted.is_empty() && matches!(user.value, Value::Int(n) if n != 0) {
        notes.push("this is the bounding set: a non-root process starts with none of them unless file capabilities grant them".to_string());
    }
    let sys_admin = outcome.set.contains(&"SYS_ADMIN");
    let value = match stanza {
        Some((k, _)) => ev(
            list(&sorted),
            Source::Container,
            Some(k.span().line),
            (!notes.is_empty()).then(|| notes.join("; ")),
        ),
        None => {
            let mut n = vec![format!("the {} default set", options.runtime.as_str())];
            n.extend(notes);
            ev(list(&sorted), Source::Runtime, None, Some(n.join("; ")))
        }
    };
    CapabilityResult { value, sys_admin }
}

fn allow_privilege_escalation(
    c: &ContainerView<'_>,
    privileged: Option<(Node<'_>, Node<'_>)>,
    is_privileged: bool,
    sys_admin: bool,
) -> EffectiveValue {
    let written = own(c, "allowPrivilegeEscalation").filter(|(_, v)| is_bool(*v));
    if is_privileged {
        let line = privileged.map(|(k, _)| k.span().line);
        return ev(
            Value::Bool(true),
            Source::Container,
            line,
            Some("privileged containers can always gain privileges".to_string()),
        );
    }
    if sys_admin {
        let (line, note) = match written {
            Some((k, v)) if v.as_bool() == Some(false) => (
                Some(k.span().line),
                "no_new_privs is set, but CAP_SYS_ADMIN lets the process gain privileges anyway",
            ),
            Some((k, _)) => (
                Some(k.span().line),
                "CAP_SYS_ADMIN also lets the process gain privileges",
            ),
            None => (
                own(c, "capabilities").map(|(k, _)| k.span().line),
                "CAP_SYS_ADMIN lets the process gain privileges",
            ),
        };
        return ev(
            Value::Bool(true),
            Source::Container,
            line,
            Some(note.to_string()),
        );
    }
    match written {
        Some((k, v)) => ev(Value::Bool(v.as_bool() == Some(true)), Source::Container, Some(k.span().line), None),
        None => ev(
            Value::Bool(true),
            Source::Default,
            None,
            Some("unset: no_new_privs is not set, so setuid binaries and file capabilities can raise privileges".to_string()),
        ),
    }
}

fn proc_mount(c: &ContainerView<'_>, kube: u32, privileged: bool) -> EffectiveValue {
    let Some((k, v)) = own(c, "procMount") else {
        return ev(
            Value::Str("Default".to_string()),
            Source::Default,
            None,
            None,
        );
    };
    if let Some(why) = crate::versions::PROC_MOUNT_TYPE.dropped_note(kube) {
        // As the API server creates the pod: the field never reaches the kubelet.
        return ev(
            Value::Str("Default".to_string()),
            Source::Default,
            Some(k.span().line),
            Some(format!(
                "procMount: {} is written here, but {why}",
                v.text().unwrap_or("?")
            )),
        );
    }
    let mut notes = Vec::new();
    if privileged {
        notes.push("privileged: nothing is masked anyway");
    }
    found_ev(
        Found {
            key: k,
            value: v,
            source: Source::Container,
        },
        to_value(v),
        (!notes.is_empty()).then(|| notes.join("; ")),
    )
}

/// A scalar value as written in a note.
fn scalar_text(v: &Value) -> String {
    match v {
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Str(s) => s.clone(),
        _ => "a value".to_string(),
    }
}

/// A pod-level security-context value of an accepted shape, as the pod supplies it.
fn pod_sc_ev(pod: &PodView<'_>, key: &str, accept: fn(Node<'_>) -> bool) -> Option<EffectiveValue> {
    let (k, v) = entry(pod.security_context(), key).filter(|(_, v)| accept(*v))?;
    Some(ev(to_value(v), Source::Pod, Some(k.span().line), None))
}

/// A boolean field of the pod spec (`hostUsers`, `hostNetwork`, ...), as the pod supplies it.
fn pod_spec_ev(pod: &PodView<'_>, key: &str) -> Option<EffectiveValue> {
    let (k, v) = pod.spec.get_entry(key).filter(|(_, v)| is_bool(*v))?;
    Some(ev(to_value(v), Source::Pod, Some(k.span().line), None))
}

fn fs_group(pod: &PodView<'_>) -> EffectiveValue {
    pod_sc_ev(pod, "fsGroup", is_int).map_or_else(
        || ev(Value::Null, Source::Default, None, None),
        |mut e| {
            e.note = Some(
                "added to the container's supplementary groups; owns supported volumes".to_string(),
            );
            e
        },
    )
}

/// A pod-level list (`supplementalGroups`, `sysctls`), empty when unset.
fn pod_list(pod: &PodView<'_>, key: &str) -> EffectiveValue {
    pod_sc_ev(pod, key, |n| n.is_seq())
        .unwrap_or_else(|| ev(Value::List(Vec::new()), Source::Default, None, None))
}

fn supplemental_groups_policy(pod: &PodView<'_>, kube: u32) -> EffectiveValue {
    match pod_sc_ev(pod, "supplementalGroupsPolicy", |n| n.as_str().is_some()) {
        // Dropped when the pod is created: the default applies.
        Some(e) => match crate::versions::SUPPLEMENTAL_GROUPS_POLICY.dropped_note(kube) {
            Some(why) => ev(
                Value::Str("Merge".to_string()),
                Source::Default,
                e.line,
                Some(format!(
                    "written here as {}, but {why}; so groups from the image's /etc/group are added too",
                    scalar_text(&e.value),
                )),
            ),
            None => e,
        },
        None => ev(
            Value::Str("Merge".to_string()),
            Source::Default,
            None,
            Some("groups from the image's /etc/group are added too".to_string()),
        ),
    }
}

fn host_users(pod: &PodView<'_>, kube: u32) -> EffectiveValue {
    match pod_spec_ev(pod, "hostUsers") {
        // Dropped when the pod is created: it shares the host's user namespace.
        Some(e) => match crate::versions::USER_NAMESPACES_SUPPORT.dropped_note(kube) {
            Some(why) => ev(
                Value::Bool(true),
                Source::Default,
                e.line,
                Some(format!(
                    "written here as {}, but {why}; so the pod shares the host's user namespace",
                    scalar_text(&e.value),
                )),
            ),
            None => e,
        },
        None => ev(
            Value::Bool(true),
            Source::Default,
            None,
            Some("unset: the pod shares the host's user namespace".to_string()),
        ),
    }
}

/// `hostNetwork`, `hostPID` or `hostIPC`, false when unset.
fn host_namespace(pod: &PodView<'_>, key: &str) -> EffectiveValue {
    pod_spec_ev(pod, key).unwrap_or_else(|| ev(Value::Bool(false), Source::Default, None, None))
}
