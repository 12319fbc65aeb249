//! What Kubernetes would refuse: API-server validation (`rejected`), kubelet and runtime refusals
//! (`refused`) and API warnings or accepted-but-surprising text (`warning`).
//!
//! One file per rule in `validation/`, each with its registry entry, docs, logic and tests.
//! Rejected findings quote the API server's own error (`<path>: <Type>: <detail>`), with the path as
//! the API server prints it for this object (`spec.template.spec...` for workload templates).
//! Rules follow the Kubernetes version in [`Options::kube`]: a rule that exists only from (or until)
//! some release stays silent outside it.

mod annotation_field_mismatch;
mod apparmor_on_node_without_apparmor;
mod cap_sys_admin_with_no_new_privs;
mod capabilities_on_privileged_container;
mod capability_added_and_dropped;
mod deprecated_apparmor_annotation;
mod deprecated_seccomp_annotation;
mod field_dropped_by_version;
mod host_namespace_with_user_namespace;
mod host_process_mismatch;
mod host_process_without_host_network;
mod id_out_of_range;
mod invalid_apparmor_annotation;
mod invalid_apparmor_profile;
mod invalid_os_name;
mod invalid_seccomp_annotation;
mod invalid_seccomp_profile;
mod invalid_sysctl_name;
mod linux_fields_on_windows_pod;
mod localhost_seccomp_without_profile;
mod mixed_host_process_containers;
mod namespaced_sysctl_with_host_namespace;
mod privileged_with_no_new_privs;
mod run_as_non_root_with_root_user;
mod share_process_namespace_with_host_pid;
mod sys_admin_defeats_no_new_privs;
mod unmasked_proc_mount_with_host_users;
mod unsafe_sysctl;
mod unsupported_value;
mod volume_with_user_namespace;
mod windows_options_on_linux_pod;

#[cfg(test)]
mod tests;

use crate::effective::ContainerEffective;
use crate::fix::{FieldPath, Patch, PatchValue};
use crate::model::{Finding, Options, Source, Value};
use crate::pod::{ContainerView, PodView};
use crate::rule::{Ctx, Findings, Rule, go_quote};
use crate::yaml::{Node, Scalar, Span};

/// Every rule, rejected first, then refused, then warnings. The registry ([`crate::check`]) is
/// derived from it.
pub(crate) const RULES: &[&Rule] = &[
    &id_out_of_range::RULE,
    &unmasked_proc_mount_with_host_users::RULE,
    &invalid_seccomp_profile::RULE,
    &unsupported_value::RULE,
    &privileged_with_no_new_privs::RULE,
    &cap_sys_admin_with_no_new_privs::RULE,
    &invalid_apparmor_profile::RULE,
    &share_process_namespace_with_host_pid::RULE,
    &invalid_os_name::RULE,
    &windows_options_on_linux_pod::RULE,
    &linux_fields_on_windows_pod::RULE,
    &host_process_mismatch::RULE,
    &mixed_host_process_containers::RULE,
    &host_process_without_host_network::RULE,
    &host_namespace_with_user_namespace::RULE,
    &volume_with_user_namespace::RULE,
    &invalid_sysctl_name::RULE,
    &namespaced_sysctl_with_host_namespace::RULE,
    &invalid_seccomp_annotation::RULE,
    &invalid_apparmor_annotation::RULE,
    &annotation_field_mismatch::RULE,
    &run_as_non_root_with_root_user::RULE,
    &localhost_seccomp_without_profile::RULE,
    &apparmor_on_node_without_apparmor::RULE,
    &unsafe_sysctl::RULE,
    &deprecated_seccomp_annotation::RULE,
    &deprecated_apparmor_annotation::RULE,
    &field_dropped_by_version::RULE,
    &capability_added_and_dropped::RULE,
    &capabilities_on_privileged_container::RULE,
    &sys_admin_defeats_no_new_privs::RULE,
];

/// Appends the findings of every validation rule.
pub fn check(
    pod: &PodView<'_>,
    effective: &[ContainerEffective],
    options: &Options,
    out: &mut Vec<Finding>,
) {
    crate::rule::check_area(pod, effective, options, out, check_into);
}

/// [`check`] into the analysis' sink.
pub(crate) fn check_into(ctx: &Ctx<'_, '_>, out: &mut Findings<'_>) {
    // The API server validates the pod as it creates it, after dropping the fields its version
    // gates off (`dropDisabledFields` runs in `PrepareForCreate`, before validation).
    let created = ctx.pod.as_created_on(ctx.options.kube());
    let ctx = Ctx {
        pod: &created,
        ..*ctx
    };
    for rule in RULES {
        (rule.run)(&ctx, out);
    }
}

impl Ctx<'_, '_> {
    /// The Kubernetes minor version modelled.
    fn kube(&self) -> u32 {
        self.options.kube()
    }

    /// How the API server prints an annotation's path: `metadata.annotations[<key>]`.
    fn annotation_path(&self, key: &str) -> String {
        format!("{}.annotations[{key}]", self.pod.meta_path())
    }

    /// The patch path of an annotation.
    fn annotation_field(&self, key: &str) -> FieldPath {
        FieldPath::parse(&self.pod.meta_path())
            .key("annotations")
            .key(key)
    }

    /// The patches that move a legacy profile annotation `key` (read as `kind` and `local`) into
    /// the profile field at `field_path`: set the field, then remove the annotation.
    fn annotation_to_field(
        &self,
        key: &str,
        field_path: &str,
        (kind, local): (&str, Option<&str>),
    ) -> Vec<Patch> {
        let mut value = vec![("type".to_string(), PatchValue::Str(kind.to_string()))];
        if let Some(l) = local {
            value.push((
                "localhostProfile".to_string(),
                PatchValue::Str(l.to_string()),
            ));
        }
        vec![
            Patch::Set {
                path: FieldPath::parse(field_path),
                value: PatchValue::Map(value),
            },
            Patch::Remove {
                path: self.annotation_field(key),
            },
        ]
    }
}

/// An API-server error as it prints: `<path>: <Type>: <detail>`.
fn api(path: &str, kind: &str, detail: &str) -> String {
    format!("{path}: {kind}: {detail}")
}

/// A scalar as the API server prints an invalid value: numbers and booleans bare, strings quoted.
fn go(n: Node<'_>) -> String {
    match n.scalar() {
        Some(Scalar::Str(s)) => go_quote(s),
        Some(Scalar::Null) | None => "null".to_string(),
        Some(_) => n.text().unwrap_or("").to_string(),
    }
}

/// A string field of an effective value's object (a profile's `type` or `localhostProfile`).
fn object_str<'v>(value: &'v Value, key: &str) -> Option<&'v str> {
    let Value::Object(fields) = value else {
        return None;
    };
    fields
        .iter()
        .find(|(k, _)| k == key)
        .and_then(|(_, v)| match v {
            Value::Str(s) => Some(s.as_str()),
            _ => None,
        })
}

/// The span of a key in a mapping.
fn key_span(map: Node<'_>, key: &str) -> Option<Span> {
    map.get_entry(key).map(|(k, _)| k.span())
}

/// A security-context owner: the pod or one container.
#[derive(Clone, Copy)]
enum Scope<'p, 'a> {
    /// `spec.securityContext`.
    Pod,
    /// A container's `securityContext`.
    Container(&'p ContainerView<'a>),
}

impl<'p, 'a> Scope<'p, 'a> {
    /// Where the effective value of container `c` with this source is written: the container's
    /// security context or the pod's (`None` for annotations, defaults, the runtime and the image).
    fn of(source: Source, c: &'p ContainerView<'a>) -> Option<Self> {
        match source {
            Source::Container => Some(Scope::Container(c)),
            Source::Pod => Some(Scope::Pod),
            _ => None,
        }
    }

    /// A field of the security context (null means unset).
    fn field(self, pod: &PodView<'a>, key: &str) -> Option<Node<'a>> {
        match self {
            Scope::Pod => pod.sc(key),
            Scope::Container(c) => c.sc(key),
        }
    }

    /// The security-context mapping.
    fn sc(self, pod: &PodView<'a>) -> Option<Node<'a>> {
        match self {
            Scope::Pod => pod.security_context(),
            Scope::Container(c) => c.security_context(),
        }
    }

    /// The path of a field of the security context.
    fn path(self, pod: &PodView<'_>, key: &str) -> String {
        match self {
            Scope::Pod => pod.sc_path(key),
            Scope::Container(c) => c.sc_path(key),
        }
    }

    /// The container name, if a container.
    fn name(self) -> Option<&'p str> {
        match self {
            Scope::Pod => None,
            Scope::Container(c) => Some(c.name),
        }
    }
}

/// Every scope: the pod, then every container.
fn scopes<'p, 'a>(pod: &'p PodView<'a>) -> Vec<Scope<'p, 'a>> {
    std::iter::once(Scope::Pod)
        .chain(pod.containers.iter().map(Scope::Container))
        .collect()
}

/// A `windowsOptions.hostProcess` boolean with its node.
fn host_process(windows: Option<Node<'_>>) -> Option<(bool, Node<'_>)> {
    let n = windows?.field("hostProcess")?;
    Some((n.as_bool()?, n))
}

/// Every container with whether it is a HostProcess container (its own value, else the pod's).
fn host_process_containers<'p, 'a>(pod: &'p PodView<'a>) -> Vec<(&'p ContainerView<'a>, bool)> {
    let pod_value = host_process(pod.sc("windowsOptions")).map(|(b, _)| b);
    pod.containers
        .iter()
        .map(|c| {
            let own = host_process(c.sc("windowsOptions")).map(|(b, _)| b);
            (c, own.or(pod_value).unwrap_or(false))
        })
        .collect()
}
